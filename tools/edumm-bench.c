// SPDX-License-Identifier: GPL-2.0
/*
 * edumm-bench - run every EDUMM_IOC_BENCH workload for edumm and for the
 * kernel's own allocator, interleaved, and print the ratios.
 *
 *   edumm-bench [--ops N] [--reps R] [--rounds K] [--only SUBSTR]
 *               [--pcp kernel|own] [--vmalloc-check on|off]
 *
 * For each row of rows[] the tool makes K rounds of two calls, edumm then
 * kernel (so that any drift of the machine hits both alike), each of R
 * repetitions of about N allocations per CPU.  It prints a table (median
 * ns per operation of all K * R repetitions of each backend, the ratio
 * edumm / kernel, and the min-max of each), then the raw results as CSV
 * between the lines
 *   ===== EDUMM-BENCH-CSV-BEGIN =====  and  ===== EDUMM-BENCH-CSV-END =====
 * for scripts/bench (make bench), which adds the host's side of the
 * header and draws the chart.  See Documentation/benchmarks.rst.
 *
 * Adding a row: one line in rows[] (the workload must exist in the uapi
 * and in mod/bench_*.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/edumm.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define DEV			"/dev/edumm"
#define DEBUGFS_POOL		"/sys/kernel/debug/edumm/pool"
#define DEBUGFS_CONTROL		"/sys/kernel/debug/edumm/control"
#define DEBUGFS_SLABINFO	"/sys/kernel/debug/edumm/slabinfo"
#define DEBUGFS_KMALLOC		"/sys/kernel/debug/edumm/kmalloc"
#define PROC_SLABINFO		"/proc/slabinfo"
#define PARAM_VMALLOC_CHECK	"/sys/module/edumm/parameters/vmalloc_check"
#define MAX_ROUNDS		16

/*
 * sizeof(struct page) of the Debian 6.1 x86-64 kernel (include/linux/
 * mm_types.h: 64 bytes with every configuration of that architecture
 * that the test VM boots), for the memory row.
 */
#define KERNEL_PAGE_BYTES	64

/* CPU sets of a row. */
enum { CPUS_ONE, CPUS_ALL, CPUS_TWO };

/**
 * struct row - one line of the table
 * @label: its name in the table, the CSV and the chart
 * @workload: enum edumm_bench_workload
 * @mode: enum edumm_bench_mode
 * @order: block order
 * @batch: blocks (objects) per iteration (0 for pairs)
 * @cpus: CPUS_*
 * @size: the request's size: object workloads: bytes; vmalloc workloads:
 *	pages (0 for the others)
 * @design: slab workloads: enum edumm_design (0 for the others)
 * @pages: pages an iteration allocates (vmalloc rows; 0 for the others): the
 *	row runs --ops / @pages iterations, so that a repetition allocates
 *	about --ops pages, as --ops / @batch does for the batched rows
 */
struct row {
	const char *label;
	__u32 workload;
	__u32 mode;
	__u32 order;
	__u32 batch;
	int cpus;
	__u32 size;
	__u32 design;
	__u32 pages;
};

/* A slab row: object size, batch (0: a pair), design, mode. */
#define SLAB_ROW(label, wl, size, batch, design, mode, cpus)		\
	{ label, wl, mode, 0, batch, cpus, size, design, 0 }
#define SLAB_PAIR(size, dname, design)					\
	SLAB_ROW("slab_pair_" #size "_" dname, EDUMM_BENCH_SLAB_PAIR, size, 0,	\
		 design, EDUMM_BENCH_MODE_SINGLE, CPUS_ONE)
/* Bulk rows: objects of BULK_OBJ_SIZE bytes. */
#define BULK_OBJ_SIZE	64
#define SLAB_BULK(batch, dname, design)					\
	SLAB_ROW("slab_bulk_" #batch "_" dname, EDUMM_BENCH_SLAB_BULK,	\
		 BULK_OBJ_SIZE, batch, design, EDUMM_BENCH_MODE_SINGLE, CPUS_ONE)
#define SLAB_CONC(size, dname, design)					\
	SLAB_ROW("slab_pair_" #size "_" dname "_concurrent", EDUMM_BENCH_SLAB_PAIR,	\
		 size, 0, design, EDUMM_BENCH_MODE_CONCURRENT, CPUS_ALL)
/* Objects held per iteration of kmalloc_mix. */
#define MIX_BATCH	32

static const struct row rows[] = {
	{ "page_pair_o0", EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_MODE_SINGLE, 0, 0, CPUS_ONE, 0, 0, 0 },
	{ "page_pair_o1", EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_MODE_SINGLE, 1, 0, CPUS_ONE, 0, 0, 0 },
	{ "page_pair_o3", EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_MODE_SINGLE, 3, 0, CPUS_ONE, 0, 0, 0 },
	{ "page_pair_o9", EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_MODE_SINGLE, 9, 0, CPUS_ONE, 0, 0, 0 },
	{ "page_outstanding_o0_x1024", EDUMM_BENCH_PAGE_OUTSTANDING,
	  EDUMM_BENCH_MODE_SINGLE, 0, 1024, CPUS_ONE, 0, 0, 0 },
	{ "page_bulk_o0_x32", EDUMM_BENCH_PAGE_BULK, EDUMM_BENCH_MODE_SINGLE, 0, 32, CPUS_ONE,
	  0, 0, 0 },
	{ "page_bulk_o0_x128", EDUMM_BENCH_PAGE_BULK, EDUMM_BENCH_MODE_SINGLE, 0, 128, CPUS_ONE,
	  0, 0, 0 },
	{ "page_pair_o0_concurrent", EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_MODE_CONCURRENT,
	  0, 0, CPUS_ALL, 0, 0, 0 },
	{ "page_pair_o0_cross_cpu", EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_MODE_CROSS_CPU,
	  0, 0, CPUS_TWO, 0, 0, 0 },
	SLAB_PAIR(8, "slub", EDUMM_DESIGN_SLUB),
	SLAB_PAIR(8, "slab", EDUMM_DESIGN_SLAB),
	SLAB_PAIR(8, "slob", EDUMM_DESIGN_SLOB),
	SLAB_PAIR(64, "slub", EDUMM_DESIGN_SLUB),
	SLAB_PAIR(64, "slab", EDUMM_DESIGN_SLAB),
	SLAB_PAIR(64, "slob", EDUMM_DESIGN_SLOB),
	SLAB_PAIR(256, "slub", EDUMM_DESIGN_SLUB),
	SLAB_PAIR(256, "slab", EDUMM_DESIGN_SLAB),
	SLAB_PAIR(256, "slob", EDUMM_DESIGN_SLOB),
	SLAB_PAIR(1024, "slub", EDUMM_DESIGN_SLUB),
	SLAB_PAIR(1024, "slab", EDUMM_DESIGN_SLAB),
	SLAB_PAIR(1024, "slob", EDUMM_DESIGN_SLOB),
	SLAB_PAIR(4096, "slub", EDUMM_DESIGN_SLUB),
	SLAB_PAIR(4096, "slab", EDUMM_DESIGN_SLAB),
	SLAB_PAIR(4096, "slob", EDUMM_DESIGN_SLOB),
	SLAB_BULK(16, "slub", EDUMM_DESIGN_SLUB),
	SLAB_BULK(16, "slab", EDUMM_DESIGN_SLAB),
	SLAB_BULK(16, "slob", EDUMM_DESIGN_SLOB),
	SLAB_BULK(256, "slub", EDUMM_DESIGN_SLUB),
	SLAB_BULK(256, "slab", EDUMM_DESIGN_SLAB),
	SLAB_BULK(256, "slob", EDUMM_DESIGN_SLOB),
	SLAB_CONC(64, "slub", EDUMM_DESIGN_SLUB),
	SLAB_CONC(64, "slab", EDUMM_DESIGN_SLAB),
	SLAB_CONC(64, "slob", EDUMM_DESIGN_SLOB),
	{ "kmalloc_mix", EDUMM_BENCH_KMALLOC_MIX, EDUMM_BENCH_MODE_SINGLE, 0, MIX_BATCH,
	  CPUS_ONE, 0, 0, 0 },
	{ "kmalloc_mix_concurrent", EDUMM_BENCH_KMALLOC_MIX, EDUMM_BENCH_MODE_CONCURRENT, 0,
	  MIX_BATCH, CPUS_ALL, 0, 0, 0 },
	/*
	 * vmalloc: size in pages.  The lib/test_vmalloc.c shapes with its
	 * loop bodies; the busy areas (15000 there) and the holes (32 MiB
	 * per fls(CPUs) there) scaled to edumm's default 64 MiB pool:
	 * Documentation/benchmarks.rst.
	 */
	{ "vmalloc_pair_1p", EDUMM_BENCH_VMALLOC_PAIR, EDUMM_BENCH_MODE_SINGLE, 0, 0, CPUS_ONE,
	  1, 0, 1 },
	{ "vmalloc_pair_4p", EDUMM_BENCH_VMALLOC_PAIR, EDUMM_BENCH_MODE_SINGLE, 0, 0, CPUS_ONE,
	  4, 0, 4 },
	{ "vmalloc_pair_16p", EDUMM_BENCH_VMALLOC_PAIR, EDUMM_BENCH_MODE_SINGLE, 0, 0, CPUS_ONE,
	  16, 0, 16 },
	{ "vmalloc_pair_64p", EDUMM_BENCH_VMALLOC_PAIR, EDUMM_BENCH_MODE_SINGLE, 0, 0, CPUS_ONE,
	  64, 0, 64 },
	{ "vmalloc_fix_size", EDUMM_BENCH_VMALLOC_FIX_SIZE, EDUMM_BENCH_MODE_SINGLE, 0, 0,
	  CPUS_ONE, 1, 0, 1 },
	{ "vmalloc_full_fit", EDUMM_BENCH_VMALLOC_FULL_FIT, EDUMM_BENCH_MODE_SINGLE, 0, 0,
	  CPUS_ONE, 4096, 0, 1 },
	{ "vmalloc_long_busy_list", EDUMM_BENCH_VMALLOC_LONG_BUSY_LIST, EDUMM_BENCH_MODE_SINGLE,
	  0, 0, CPUS_ONE, 8192, 0, 101 },
	{ "vmalloc_random_size", EDUMM_BENCH_VMALLOC_RANDOM_SIZE, EDUMM_BENCH_MODE_SINGLE, 0, 0,
	  CPUS_ONE, 100, 0, 50 },
};

static const char * const backend_names[] = {
	[EDUMM_BENCH_BACKEND_EDUMM] = "edumm",
	[EDUMM_BENCH_BACKEND_KERNEL] = "kernel",
};

static const char * const mode_names[] = {
	[EDUMM_BENCH_MODE_SINGLE] = "single",
	[EDUMM_BENCH_MODE_CONCURRENT] = "concurrent",
	[EDUMM_BENCH_MODE_CROSS_CPU] = "cross_cpu",
};

/* ns per operation of every repetition of one backend of one row. */
struct samples {
	double v[MAX_ROUNDS * EDUMM_BENCH_MAX_REPS];
	unsigned int n;
};

static unsigned long opt_ops = 20000;
static unsigned int opt_reps = 5;
static unsigned int opt_rounds = 3;
static const char *opt_only;
static bool opt_pcp_kernel;
/* edumm's vmalloc_check for the run: -1 as loaded, else 0 or 1 */
static int opt_vmalloc_check = -1;

/*
 * The module parameter vmalloc_check: Y, N, or '?' if unreadable; with
 * @set 'Y' or 'N', written first.
 */
static char vmalloc_check(char set)
{
	char v = '?';
	FILE *f;

	if (set) {
		f = fopen(PARAM_VMALLOC_CHECK, "w");
		if (!f || fprintf(f, "%c\n", set) < 0 || fclose(f)) {
			perror(PARAM_VMALLOC_CHECK);
			return '?';
		}
	}
	f = fopen(PARAM_VMALLOC_CHECK, "r");
	if (f) {
		if (fscanf(f, " %c", &v) != 1)
			v = '?';
		fclose(f);
	}
	return v;
}

/* "pcp BATCH HIGH" to edumm's debugfs control (0 0: the zones' own). */
static int set_pcp(int batch, int high)
{
	FILE *f = fopen(DEBUGFS_CONTROL, "w");
	int ret;

	if (!f) {
		perror(DEBUGFS_CONTROL);
		return -1;
	}
	fprintf(f, "pcp %d %d\n", batch, high);
	ret = fclose(f);
	if (ret)
		fprintf(stderr, "edumm-bench: pcp %d %d: %s\n", batch, high, strerror(errno));
	return ret;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(struct samples *s)
{
	qsort(s->v, s->n, sizeof(s->v[0]), cmp_double);
	if (!s->n)
		return 0;
	return s->n % 2 ? s->v[s->n / 2] : (s->v[s->n / 2 - 1] + s->v[s->n / 2]) / 2;
}

/* Online CPUs below 64, from /sys (the VM's are 0..N-1). */
static __u64 online_mask(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	__u64 mask = 0;
	long i;

	for (i = 0; i < n && i < 64 && i < EDUMM_BENCH_MAX_CPUS; i++)
		mask |= 1ULL << i;
	return mask;
}

static __u64 row_mask(const struct row *r)
{
	switch (r->cpus) {
	case CPUS_ALL:
		return online_mask();
	case CPUS_TWO:
		return 3;
	default:
		return 1;
	}
}

/* The csv buffer: printed after the table. */
static char *csv;
static size_t csv_len, csv_cap;

static void csv_add(const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(csv + csv_len, csv_cap - csv_len, fmt, ap);
		va_end(ap);
		if (n >= 0 && csv_len + n < csv_cap)
			break;
		csv_cap = csv_cap ? csv_cap * 2 : 65536;
		csv = realloc(csv, csv_cap);
		if (!csv) {
			perror("realloc");
			exit(1);
		}
	}
	csv_len += n;
}

/* edumm's event counters whose change per operation the table shows. */
static const char * const stat_names[] = {
	"pcp_refill", "pcp_spill", "buddy_split", "buddy_merge", "pgalloc",
};

#define NR_STATS	ARRAY_SIZE(stat_names)

static double pool_value(const char *key);

/* Counter deltas of the edumm calls of the current row. */
static double stat_sum[NR_STATS];
static double stat_ops;

/*
 * kmalloc calls and bytes requested, the "total" row of edumm's debugfs
 * kmalloc file (every class and kmalloc_large); 0 if it cannot be read.
 */
static int kmalloc_totals(double *calls, double *requested)
{
	char line[256];
	int ret = -1;
	FILE *f = fopen(DEBUGFS_KMALLOC, "r");

	*calls = 0;
	*requested = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "total %*s %lf %lf", calls, requested) == 2) {
			ret = 0;
			break;
		}
	fclose(f);
	return ret;
}

/* The KMALLOC_MIX rows: what edumm's counters saw, against the sequence. */
static double mix_calls, mix_requested, mix_expected_calls, mix_expected_bytes;
static __u32 mix_sizes[EDUMM_BENCH_MIX_LEN];

static void mix_init(void)
{
	__u32 state = EDUMM_BENCH_MIX_SEED;
	unsigned int i;

	for (i = 0; i < EDUMM_BENCH_MIX_LEN; i++)
		mix_sizes[i] = edumm_bench_mix_size(&state);
}

/* Bytes the first @n sizes of the sequence ask for (one CPU of one call). */
static double mix_bytes(unsigned long long n)
{
	double period = 0, part = 0;
	unsigned int i;

	for (i = 0; i < EDUMM_BENCH_MIX_LEN; i++) {
		period += mix_sizes[i];
		if (i < n % EDUMM_BENCH_MIX_LEN)
			part += mix_sizes[i];
	}
	return (double)(n / EDUMM_BENCH_MIX_LEN) * period + part;
}

static int run_one(int fd, const struct row *r, __u32 backend, unsigned int round,
		   struct samples *s)
{
	double before[NR_STATS];
	struct edumm_bench b;
	unsigned int i;
	__u32 iters;

	memset(&b, 0, sizeof(b));
	iters = opt_ops / (r->batch ? r->batch : 1) / (r->pages ? r->pages : 1);
	b.workload = r->workload;
	b.backend = backend;
	b.mode = r->mode;
	b.order = r->order;
	b.batch = r->batch;
	b.size = r->size;
	b.design = r->design;
	b.iterations = iters ? iters : 1;
	b.repetitions = opt_reps;
	b.cpu_mask = row_mask(r);
	double kcalls0 = 0, kbytes0 = 0, kcalls1, kbytes1;
	bool mix = r->workload == EDUMM_BENCH_KMALLOC_MIX &&
		   backend == EDUMM_BENCH_BACKEND_EDUMM;

	for (i = 0; i < NR_STATS; i++)
		before[i] = pool_value(stat_names[i]);
	if (mix)
		kmalloc_totals(&kcalls0, &kbytes0);
	if (ioctl(fd, EDUMM_IOC_BENCH, &b)) {
		fprintf(stderr, "edumm-bench: %s %s: %s\n", r->label, backend_names[backend],
			strerror(errno));
		return -1;
	}
	if (backend == EDUMM_BENCH_BACKEND_EDUMM) {
		/* the calibration loops allocate nothing: all of it is the workload's */
		for (i = 0; i < NR_STATS; i++)
			stat_sum[i] += pool_value(stat_names[i]) - before[i];
		/* cross-CPU: one CPU allocates, the other frees what it got */
		stat_ops += (double)b.ops * b.repetitions *
			    (r->mode == EDUMM_BENCH_MODE_CROSS_CPU ? 1 : b.nr_cpus);
	}
	if (mix && !kmalloc_totals(&kcalls1, &kbytes1)) {
		/* every CPU runs the sequence from its start, ops * reps sizes */
		mix_calls += kcalls1 - kcalls0;
		mix_requested += kbytes1 - kbytes0;
		mix_expected_calls += (double)b.ops * b.repetitions * b.nr_cpus;
		mix_expected_bytes += mix_bytes((unsigned long long)b.ops * b.repetitions) *
				      b.nr_cpus;
	}
	for (i = 0; i < b.repetitions; i++) {
		double ns_op = (double)b.ns[i] / b.ops;

		s->v[s->n++] = ns_op;
		csv_add("rep,%s,%s,%u,%u,%u,%s,%u,%u,%llu,%llu,%llu,%.2f,%.2f,%llu\n",
			r->label, mode_names[r->mode], r->order, r->batch, b.nr_cpus,
			backend_names[backend], round, i, (unsigned long long)b.ops,
			(unsigned long long)b.ns[i], (unsigned long long)b.cycles[i], ns_op,
			(double)b.cycles[i] / b.ops, (unsigned long long)b.empty_ns);
	}
	for (i = 0; i < b.nr_cpus; i++)
		csv_add("cpu,%s,%s,%u,%u,%u,%s,%u,%u,%llu,%llu,,%.2f,,%llu\n",
			r->label, mode_names[r->mode], r->order, r->batch, b.nr_cpus,
			backend_names[backend], round, i,
			(unsigned long long)b.ops * b.repetitions,
			(unsigned long long)b.cpu_ns[i],
			(double)b.cpu_ns[i] / ((double)b.ops * b.repetitions),
			(unsigned long long)b.empty_ns);
	return 0;
}

/*
 * "on" if the kernel zeroes every page it allocates (init_on_alloc, on by
 * default in Debian's kernel: CONFIG_INIT_ON_ALLOC_DEFAULT_ON=y), which
 * edumm's core does not: make bench boots with init_on_alloc=0.
 */
static const char *zeroing_state(void)
{
	char line[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	return strstr(line, "init_on_alloc=0") ? "off" : "on";
}

/* "key: value" of the debugfs pool file, or -1. */
static double pool_value(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	double v = -1;
	FILE *f = fopen(DEBUGFS_POOL, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':') {
			v = strtod(line + len + 1, NULL);
			break;
		}
	fclose(f);
	return v;
}

/*
 * The pcp batch and high of each populated zone of a zoneinfo file (the
 * kernel's, or edumm's in the same format), CPU 0's, into the table and
 * the CSV header.
 */
static void print_pcp(const char *who, const char *path, int *max_batch, int *max_high)
{
	char line[256], zone[64] = "?";
	int high = -1, cpu = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		int v;

		if (sscanf(line, "Node %*d, zone %63s", zone) == 1) {
			cpu = -1;
		} else if (sscanf(line, " cpu: %d", &v) == 1) {
			cpu = v;
		} else if (cpu == 0 && sscanf(line, " high: %d", &v) == 1) {
			high = v;
		} else if (cpu == 0 && sscanf(line, " batch: %d", &v) == 1) {
			if (v > *max_batch) {
				*max_batch = v;
				*max_high = high;
			}
			if (!who)
				continue;
			printf("pcp %-6s zone %-8s cpu 0: high %d batch %d\n", who, zone, high, v);
			csv_add("# pcp_%s_%s_high=%d pcp_%s_%s_batch=%d\n", who, zone, high, who,
				zone, v);
			cpu = -1;
		}
	}
	fclose(f);
}

/* The kmalloc classes of both allocators (6.1, KMALLOC_MIN_SIZE 8). */
static const unsigned int kmalloc_classes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

#define NR_CLASSES	ARRAY_SIZE(kmalloc_classes)

/* The class kmalloc() of both allocators takes for @size (kmalloc_index()). */
static unsigned int class_of(unsigned int size)
{
	unsigned int c = 8;

	if (size > 64 && size <= 96)
		return 96;
	if (size > 128 && size <= 192)
		return 192;
	while (c < size)
		c <<= 1;
	return c;
}

static void class_name(unsigned int c, char *buf, size_t len)
{
	if (c >= 1024)
		snprintf(buf, len, "kmalloc-%uk", c / 1024);
	else
		snprintf(buf, len, "kmalloc-%u", c);
}

/*
 * <objsize> <objperslab> <pagesperslab> of cache @name in a file in
 * /proc/slabinfo's format; -1 if it is not there.
 */
static int slabinfo_get(const char *path, const char *name, unsigned int v[3])
{
	char line[512], n[64];
	int ret = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %*u %*u %u %u %u", n, &v[0], &v[1], &v[2]) == 4 &&
		    !strcmp(n, name)) {
			ret = 0;
			break;
		}
	fclose(f);
	return ret;
}

static void mem_row(const char *name, double e, double k)
{
	csv_add("mem,%s,,,,,,,,,%.2f,%.2f,%.4f,,,,\n", name, e, k, k > 0 ? e / k : 0);
}

/*
 * Memory rows of the kmalloc classes: objects per slab and pages per slab
 * of each class, edumm's (debugfs slabinfo) against the kernel's
 * (/proc/slabinfo) in this boot; and the internal fragmentation of the
 * KMALLOC_MIX sequence per class: bytes asked for against the class's
 * object size (<objsize> of each side's slabinfo: the slot it hands out),
 * over one period of the sequence.  Returns the number of problems.
 */
static int print_kmalloc_memory(void)
{
	double cnt[NR_CLASSES] = { 0 }, req[NR_CLASSES] = { 0 };
	double treq = 0, talloc[2] = { 0 };
	unsigned int i, j, ve[3], vk[3];
	char name[32], label[64];
	int fails = 0;

	for (i = 0; i < EDUMM_BENCH_MIX_LEN; i++) {
		unsigned int c = class_of(mix_sizes[i]);

		for (j = 0; j < NR_CLASSES; j++)
			if (kmalloc_classes[j] == c) {
				cnt[j]++;
				req[j] += mix_sizes[i];
			}
	}
	printf("\nkmalloc classes (memory; edumm: %s, kernel: %s; waste: the kmalloc_mix\n"
	       "sequence's first %u sizes, bytes of the objects given less bytes asked for):\n",
	       DEBUGFS_SLABINFO, PROC_SLABINFO, EDUMM_BENCH_MIX_LEN);
	printf("%-13s %15s %15s %15s %6s %9s %15s\n", "class", "objsize e/k",
	       "objperslab e/k", "pagesperslab e/k", "allocs", "requested", "waste% e/k");
	for (j = 0; j < NR_CLASSES; j++) {
		double we = 0, wk = 0;

		class_name(kmalloc_classes[j], name, sizeof(name));
		if (slabinfo_get(DEBUGFS_SLABINFO, name, ve) ||
		    slabinfo_get(PROC_SLABINFO, name, vk)) {
			fprintf(stderr, "edumm-bench: %s not in both slabinfo files\n", name);
			fails++;
			continue;
		}
		if (cnt[j]) {
			we = 100 * (cnt[j] * ve[0] - req[j]) / (cnt[j] * ve[0]);
			wk = 100 * (cnt[j] * vk[0] - req[j]) / (cnt[j] * vk[0]);
		}
		treq += req[j];
		talloc[0] += cnt[j] * ve[0];
		talloc[1] += cnt[j] * vk[0];
		printf("%-13s %7u/%-7u %7u/%-7u %7u/%-7u %6.0f %9.0f %7.2f/%-7.2f\n", name,
		       ve[0], vk[0], ve[1], vk[1], ve[2], vk[2], cnt[j], req[j], we, wk);
		snprintf(label, sizeof(label), "%s_objperslab", name);
		mem_row(label, ve[1], vk[1]);
		snprintf(label, sizeof(label), "%s_pagesperslab", name);
		mem_row(label, ve[2], vk[2]);
		snprintf(label, sizeof(label), "%s_mix_waste_pct", name);
		mem_row(label, we, wk);
	}
	if (talloc[0] > 0 && talloc[1] > 0) {
		printf("%-13s %47s %6u %9.0f %7.2f/%-7.2f\n", "total", "", EDUMM_BENCH_MIX_LEN,
		       treq, 100 * (talloc[0] - treq) / talloc[0],
		       100 * (talloc[1] - treq) / talloc[1]);
		mem_row("kmalloc_mix_waste_pct", 100 * (talloc[0] - treq) / talloc[0],
			100 * (talloc[1] - treq) / talloc[1]);
	}
	if (mix_expected_calls > 0) {
		/* the module ran the sequence this tool computed: its own counters say so */
		printf("kmalloc_mix, edumm calls: %.0f kmallocs of %.0f bytes %s\n",
		       mix_calls, mix_requested, "counted by edumm, and by the sequence:");
		printf("%*s%.0f kmallocs of %.0f bytes\n", 27, "", mix_expected_calls,
		       mix_expected_bytes);
		csv_add("mem,kmalloc_mix_requested_bytes,,,,,,,,,%.0f,%.0f,%.4f,,,,\n",
			mix_requested, mix_expected_bytes, mix_requested / mix_expected_bytes);
		if (mix_calls != mix_expected_calls || mix_requested != mix_expected_bytes) {
			fprintf(stderr, "edumm-bench: kmalloc_mix: edumm's counters differ %s\n",
				"from the sequence");
			fails++;
		}
	}
	printf("\n");
	return fails;
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: edumm-bench [--ops N] [--reps R] [--rounds K] [--only S] [--pcp kernel|own]\n"
		"  --ops N      allocations per CPU per repetition (default %lu)\n"
		"  --reps R     repetitions per call, 1..%u (default %u)\n"
		"  --rounds K   edumm/kernel call pairs per row, 1..%u (default %u)\n"
		"  --only S     only the rows whose name contains S\n"
		"  --pcp kernel size edumm's per-CPU lists like the kernel's largest zone's\n"
		"               for the run (default: own, edumm's zone's own sizes)\n"
		"  --vmalloc-check on|off\n"
		"               edumm's check of each new vmalloc area against the page\n"
		"               tables, for the run (default: as loaded)\n",
		opt_ops, EDUMM_BENCH_MAX_REPS, opt_reps, MAX_ROUNDS, opt_rounds);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ops", required_argument, NULL, 'o' },
		{ "reps", required_argument, NULL, 'r' },
		{ "rounds", required_argument, NULL, 'k' },
		{ "only", required_argument, NULL, 'O' },
		{ "pcp", required_argument, NULL, 'p' },
		{ "vmalloc-check", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	static char events[ARRAY_SIZE(rows)][128];
	struct utsname uts;
	double meta, desc;
	int kb = -1, kh = -1;
	char vmcheck_loaded;
	unsigned int i, k;
	int c, fd, fails = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			opt_ops = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			opt_reps = strtoul(optarg, NULL, 0);
			break;
		case 'k':
			opt_rounds = strtoul(optarg, NULL, 0);
			break;
		case 'O':
			opt_only = optarg;
			break;
		case 'p':
			if (strcmp(optarg, "kernel") && strcmp(optarg, "own")) {
				print_usage(stderr);
				return 2;
			}
			opt_pcp_kernel = !strcmp(optarg, "kernel");
			break;
		case 'v':
			if (strcmp(optarg, "on") && strcmp(optarg, "off")) {
				print_usage(stderr);
				return 2;
			}
			opt_vmalloc_check = !strcmp(optarg, "on");
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (!opt_ops || opt_ops > EDUMM_BENCH_MAX_ITERATIONS || !opt_reps ||
	    opt_reps > EDUMM_BENCH_MAX_REPS || !opt_rounds || opt_rounds > MAX_ROUNDS) {
		print_usage(stderr);
		return 2;
	}
	mix_init();
	fd = open(DEV, O_RDWR);
	if (fd < 0) {
		perror(DEV);
		return 1;
	}
	if (opt_pcp_kernel) {
		/* edumm's lists sized like the kernel's largest zone's */
		print_pcp(NULL, "/proc/zoneinfo", &kb, &kh);
		if (kb <= 0 || set_pcp(kb, kh))
			return 1;
	}
	csv_add("# edumm_pcp=%s\n", opt_pcp_kernel ? "kernel" : "own");
	vmcheck_loaded = vmalloc_check(0);
	if (opt_vmalloc_check >= 0 &&
	    vmalloc_check(opt_vmalloc_check ? 'Y' : 'N') != (opt_vmalloc_check ? 'Y' : 'N')) {
		if (opt_pcp_kernel)
			set_pcp(0, 0);
		return 1;
	}
	csv_add("# edumm_vmalloc_check=%c\n", vmalloc_check(0));
	uname(&uts);
	if (!strcmp(zeroing_state(), "on"))
		fprintf(stderr, "edumm-bench: warning: %s\n",
			"the kernel zeroes its pages (boot with init_on_alloc=0)");
	csv_add("# guest_kernel=%s guest_cpus=%ld init_on_alloc=%s ops=%lu reps=%u rounds=%u\n",
		uts.release, sysconf(_SC_NPROCESSORS_ONLN), zeroing_state(), opt_ops, opt_reps,
		opt_rounds);
	csv_add("%s,%s\n", "kind,workload,mode,order,batch,cpus,backend,round,rep",
		"ops,ns,cycles,ns_per_op,cycles_per_op,empty_ns");

	printf("%-28s %12s %12s %8s %21s %21s\n", "workload", "edumm ns/op", "kernel ns/op",
	       "ratio", "edumm min-max", "kernel min-max");
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		struct samples se = { .n = 0 }, sk = { .n = 0 };
		double me, mk;
		int bad = 0;

		if (opt_only && !strstr(r->label, opt_only))
			continue;
		memset(stat_sum, 0, sizeof(stat_sum));
		stat_ops = 0;
		if (r->cpus == CPUS_TWO && sysconf(_SC_NPROCESSORS_ONLN) < 2) {
			printf("%-28s (needs 2 CPUs)\n", r->label);
			continue;
		}
		for (k = 0; k < opt_rounds && !bad; k++) {
			bad |= run_one(fd, r, EDUMM_BENCH_BACKEND_EDUMM, k, &se);
			bad |= run_one(fd, r, EDUMM_BENCH_BACKEND_KERNEL, k, &sk);
		}
		if (bad) {
			fails++;
			continue;
		}
		for (k = 0; k < NR_STATS; k++)
			csv_add("stat,%s,%s,%u,%u,,edumm,,,%.0f,%.0f,,%.4f,,\n", r->label,
				mode_names[r->mode], r->order, r->batch, stat_ops, stat_sum[k],
				stat_sum[k] / stat_ops);
		snprintf(events[i], sizeof(events[i]),
			 "%-28s %10.3f %10.3f %11.3f %11.3f %9.3f", r->label,
			 stat_sum[0] / stat_ops, stat_sum[1] / stat_ops,
			 stat_sum[2] / stat_ops, stat_sum[3] / stat_ops, stat_sum[4] / stat_ops);
		me = median(&se);
		mk = median(&sk);
		printf("%-28s %12.1f %12.1f %8.3f %10.1f-%-10.1f %10.1f-%-10.1f\n", r->label,
		       me, mk, mk > 0 ? me / mk : 0, se.v[0], se.v[se.n - 1], sk.v[0],
		       sk.v[sk.n - 1]);
		csv_add("summary,%s,%s,%u,%u,,,,,,%.2f,%.2f,%.4f,%.2f,%.2f,%.2f,%.2f,%.4f\n",
			r->label, mode_names[r->mode], r->order, r->batch, me, mk,
			mk > 0 ? me / mk : 0, se.v[0], se.v[se.n - 1], sk.v[0], sk.v[sk.n - 1],
			sk.v[0] > 0 ? se.v[0] / sk.v[0] : 0);
	}

	/* memory: edumm's bookkeeping per pool page vs the kernel's struct page */
	meta = pool_value("metadata_bytes_per_page");
	desc = pool_value("page_descriptor_bytes");
	if (meta < 0) {
		fprintf(stderr, "edumm-bench: cannot read %s\n", DEBUGFS_POOL);
		fails++;
	} else {
		printf("%-28s %12.2f %12d %8.3f   (bytes per page; edumm descriptor %.0f)\n",
		       "metadata_bytes_per_page", meta, KERNEL_PAGE_BYTES,
		       meta / KERNEL_PAGE_BYTES, desc);
		csv_add("mem,metadata_bytes_per_page,,,,,,,,,%.2f,%d,%.4f,,,,\n", meta,
			KERNEL_PAGE_BYTES, meta / KERNEL_PAGE_BYTES);
	}
	if (!opt_only || strstr("kmalloc_mix", opt_only))
		fails += print_kmalloc_memory();
	printf("\nedumm events per allocation (debugfs pool counters, edumm calls only):\n");
	printf("%-28s %10s %10s %11s %11s %9s\n", "workload", "pcp_refill", "pcp_spill",
	       "buddy_split", "buddy_merge", "pgalloc");
	for (i = 0; i < ARRAY_SIZE(rows); i++)
		if (events[i][0])
			printf("%s\n", events[i]);
	kb = -1;
	kh = -1;
	print_pcp("edumm", "/sys/kernel/debug/edumm/zoneinfo", &kb, &kh);
	kb = -1;
	kh = -1;
	print_pcp("kernel", "/proc/zoneinfo", &kb, &kh);
	if (opt_pcp_kernel)
		set_pcp(0, 0);
	if (opt_vmalloc_check >= 0 && vmcheck_loaded != '?')
		vmalloc_check(vmcheck_loaded);
	printf("===== EDUMM-BENCH-CSV-BEGIN =====\n");
	fwrite(csv, 1, csv_len, stdout);
	printf("===== EDUMM-BENCH-CSV-END =====\n");
	close(fd);
	return fails ? 1 : 0;
}
