// SPDX-License-Identifier: GPL-2.0
/*
 * common.c - runner, assertions, fixtures and helpers of the edumm unit
 * tests.  See common.h for the overview and the Makefile for how to run.
 *
 * After every test, whatever it did, the runner insists on:
 *   - no EDUMM_WARN_ON_ONCE() fired (edumm_shim_warns == 0);
 *   - no edumm_report() unless the test said it provokes them;
 *   - edumm_pool_check() == 0 on the pool under test;
 *   - edumm_pool_destroy() reports 0 leaked pages (the test freed all);
 *   - every edumm_meta_alloc() was matched by edumm_meta_free().
 */
#include <fnmatch.h>
#include <getopt.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

/* The simulated machine of the shim (tools/testing/shim/edumm_env.h). */
__thread unsigned int edumm_shim_cpu;
__thread int edumm_shim_node;
__thread u32 edumm_shim_random_state;
unsigned int edumm_shim_nr_cpus = 2;
unsigned long edumm_shim_warns;
unsigned long edumm_shim_reports;
unsigned long edumm_shim_meta_live;
unsigned long edumm_shim_meta_bytes;
bool edumm_shim_verbose;

struct ut_ctx ut;

/*** Layouts ***/

/*
 * simple: 64 MiB in one DMA32 zone of node 0, the module's default pool
 * size, as 16 contiguous order-10 chunks (order-10 blocks never merge
 * further, so buddyinfo starts with 16 blocks of order 10):
 *
 *   pfn 0x40000                                                 0x44000
 *   [o10][o10][o10][o10][o10][o10][o10][o10] ... [o10]  = 16384 pages
 *
 * The kernel's formulas give min 256, low 320, high 384, pcp batch 3 and,
 * on 2 CPUs, pcp high 160 (the worked examples of pool.c and pcp.c).
 */
#define S(i)	{ UT_SIMPLE_BASE + (i) * 1024, 10, 0, EDUMM_ZONE_DMA32 }
const struct edumm_chunk_desc ut_layout_simple[] = {
	S(0), S(1), S(2), S(3), S(4), S(5), S(6), S(7),
	S(8), S(9), S(10), S(11), S(12), S(13), S(14), S(15),
};
#undef S
const unsigned int ut_layout_simple_nr = ARRAY_SIZE(ut_layout_simple);

/*
 * realistic: what reserve.c may really get from alloc_pages() on a NUMA
 * machine, listed out of order on purpose (edumm_pool_init() sorts):
 *
 *  node 0, DMA32 (2560 pages)
 *    0x10000 o10 | hole | 0x10800 o9 0x10a00 o9 | hole | 0x11200 o9
 *                         \_ adjacent, aligned:  |        \_ buddy 0x11000
 *                            one order-10 block  |           is not pool
 *  node 0, Normal (2048 pages)
 *    0x100000 o10 0x100400 o10      (adjacent, but order 10 is the top)
 *  node 1, Normal (1536 pages)
 *    0x200000 o10 0x200400 o9       (buddy 0x200600 is not pool)
 *
 * Initial buddyinfo: DMA32 two order-10 and one order-9 block, node 0
 * Normal two order-10, node 1 Normal one order-10 and one order-9.
 */
const struct edumm_chunk_desc ut_layout_realistic[] = {
	{ 0x200400,  9, 1, EDUMM_ZONE_NORMAL },
	{ 0x10a00,   9, 0, EDUMM_ZONE_DMA32 },
	{ 0x100000, 10, 0, EDUMM_ZONE_NORMAL },
	{ 0x10000,  10, 0, EDUMM_ZONE_DMA32 },
	{ 0x11200,   9, 0, EDUMM_ZONE_DMA32 },
	{ 0x200000, 10, 1, EDUMM_ZONE_NORMAL },
	{ 0x10800,   9, 0, EDUMM_ZONE_DMA32 },
	{ 0x100400, 10, 0, EDUMM_ZONE_NORMAL },
};
const unsigned int ut_layout_realistic_nr = ARRAY_SIZE(ut_layout_realistic);

/*** Registry ***/

#define UT_MAX_TESTS	256

static struct ut_test ut_tests[UT_MAX_TESTS];
static unsigned int ut_nr_tests;

void ut_register(const char *name, const char *file, void (*fn)(void))
{
	if (ut_nr_tests == UT_MAX_TESTS) {
		fprintf(stderr, "too many tests, raise UT_MAX_TESTS\n");
		exit(2);
	}
	ut_tests[ut_nr_tests].name = name;
	ut_tests[ut_nr_tests].file = file;
	ut_tests[ut_nr_tests].fn = fn;
	ut_nr_tests++;
}

/*** Failing ***/

static jmp_buf ut_jmp;
static pthread_t ut_main_thread;
static int ut_failed;

bool ut_has_failed(void)
{
	return __atomic_load_n(&ut_failed, __ATOMIC_SEQ_CST);
}

void ut_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[8192];
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	ut_diag("FAIL %s:%d: %s", file, line, msg);
	__atomic_store_n(&ut_failed, 1, __ATOMIC_SEQ_CST);
	if (pthread_equal(pthread_self(), ut_main_thread))
		longjmp(ut_jmp, 1);
	pthread_exit(NULL);
}

/* Print a diagnostic: every line gets a "# " in front, TAP style. */
void ut_diag(const char *fmt, ...)
{
	char msg[8192], *line, *save = NULL;
	va_list args;

	va_start(args, fmt);
	vsnprintf(msg, sizeof(msg), fmt, args);
	va_end(args);
	for (line = strtok_r(msg, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		printf("# %s\n", line);
	fflush(stdout);
}

static void ut_diag_vprintf(struct edumm_out *out, const char *fmt, va_list args)
{
	char msg[1024];

	(void)out;
	vsnprintf(msg, sizeof(msg), fmt, args);
	ut_diag("%s", msg);
}

struct edumm_out ut_diag_out = { .vprintf = ut_diag_vprintf };

/*** Text capture and temporaries ***/

static void ut_buf_vprintf(struct edumm_out *out, const char *fmt, va_list args)
{
	struct ut_buf *b = container_of(out, struct ut_buf, out);
	va_list copy;
	int n;

	va_copy(copy, args);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		abort();
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, args);
	b->len += n;
}

void ut_buf_init(struct ut_buf *b)
{
	b->out.vprintf = ut_buf_vprintf;
	b->cap = 256;
	b->len = 0;
	b->s = malloc(b->cap);
	if (!b->s)
		abort();
	b->s[0] = '\0';
}

void ut_buf_reset(struct ut_buf *b)
{
	b->len = 0;
	b->s[0] = '\0';
}

void ut_buf_free(struct ut_buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

void ut_buf_printf(struct ut_buf *b, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	ut_buf_vprintf(&b->out, fmt, args);
	va_end(args);
}

struct ut_tmp {
	struct ut_tmp *next;
	max_align_t data[];
};

static struct ut_tmp *ut_tmp_list;
static pthread_mutex_t ut_tmp_lock = PTHREAD_MUTEX_INITIALIZER;

void *ut_tmp_alloc(size_t size)
{
	struct ut_tmp *t = calloc(1, sizeof(*t) + size);

	if (!t)
		abort();
	pthread_mutex_lock(&ut_tmp_lock);
	t->next = ut_tmp_list;
	ut_tmp_list = t;
	pthread_mutex_unlock(&ut_tmp_lock);
	return t->data;
}

static void ut_tmp_free_all(void)
{
	while (ut_tmp_list) {
		struct ut_tmp *t = ut_tmp_list;

		ut_tmp_list = t->next;
		free(t);
	}
}

const char *ut_tmp_printf(const char *fmt, ...)
{
	va_list args;
	char *s;
	int n;

	va_start(args, fmt);
	n = vsnprintf(NULL, 0, fmt, args);
	va_end(args);
	s = ut_tmp_alloc(n + 1);
	va_start(args, fmt);
	vsnprintf(s, n + 1, fmt, args);
	va_end(args);
	return s;
}

const char *ut_show(void (*show)(struct edumm_pool *, struct edumm_out *),
		    struct edumm_pool *pool)
{
	struct ut_buf b;
	char *s;

	ut_buf_init(&b);
	show(pool, &b.out);
	s = ut_tmp_alloc(b.len + 1);
	memcpy(s, b.s, b.len + 1);
	ut_buf_free(&b);
	return s;
}

const char *ut_buddyinfo_line(int nid, const char *zone, const unsigned long nr_free[EDUMM_MAX_ORDER])
{
	struct ut_buf b;
	const char *s;
	int o;

	/* frag_show_print() of mm/vmstat.c */
	ut_buf_init(&b);
	ut_buf_printf(&b, "Node %d, zone %8s ", nid, zone);
	for (o = 0; o < EDUMM_MAX_ORDER; o++)
		ut_buf_printf(&b, "%6lu ", nr_free[o]);
	ut_buf_printf(&b, "\n");
	s = ut_tmp_printf("%s", b.s);
	ut_buf_free(&b);
	return s;
}

/*** Pool fixture ***/

static const struct edumm_chunk_desc *ut_descs;
static unsigned int ut_nr_descs;

struct edumm_pool *ut_pool_init(const struct edumm_chunk_desc *descs, unsigned int nr,
				unsigned int nr_cpus)
{
	int ret;

	ASSERT_FALSE(ut.pool_live);
	edumm_shim_nr_cpus = nr_cpus;
	ret = edumm_pool_init(&ut.pool, descs, nr);
	ASSERT_EQ(ret, 0);
	ut.pool_live = true;
	ut_descs = descs;
	ut_nr_descs = nr;
	ASSERT_POOL_OK(&ut.pool);
	ut.initial_buddyinfo = ut_buddyinfo(&ut.pool);
	edumm_pool_snapshot(&ut.pool, &ut.snap0);
	ASSERT_EQ(ut.snap0.allocated_pages, 0);
	ASSERT_EQ(ut.snap0.pcp_pages, 0);
	return &ut.pool;
}

void ut_pool_fini(void)
{
	unsigned long leaked;

	ASSERT_TRUE(ut.pool_live);
	ASSERT_POOL_OK(&ut.pool);
	leaked = edumm_pool_destroy(&ut.pool);
	ut.pool_live = false;
	ASSERT_EQ(leaked, 0);
	ASSERT_EQ(edumm_shim_meta_live, 0);
}

unsigned long ut_stat(struct edumm_pool *pool, enum edumm_stat_item item)
{
	struct edumm_pool_snapshot snap;

	edumm_pool_snapshot(pool, &snap);
	return snap.stat[item];
}

unsigned long ut_stat_delta(struct edumm_pool *pool, enum edumm_stat_item item)
{
	return ut_stat(pool, item) - ut.snap0.stat[item];
}

unsigned long ut_check(struct edumm_pool *pool)
{
	return edumm_pool_check(pool, &ut_diag_out);
}

/*
 * Independent of the core: is every pfn of the block inside one of the
 * chunks the test gave?  And does the core agree that the block is a run
 * of consecutive descriptors?
 */
bool ut_block_in_pool(struct edumm_pool *pool, unsigned long pfn, unsigned int order)
{
	unsigned long size = 1UL << order, covered = 0;
	struct edumm_page *head, *tail;
	unsigned int i;

	for (i = 0; i < ut_nr_descs; i++) {
		unsigned long s = ut_descs[i].start_pfn;
		unsigned long e = s + (1UL << ut_descs[i].order);
		unsigned long lo = max(s, pfn), hi = min(e, pfn + size);

		if (lo < hi)
			covered += hi - lo;
	}
	if (covered != size)
		return false;
	head = edumm_pfn_to_page(pool, pfn);
	tail = edumm_pfn_to_page(pool, pfn + size - 1);
	return head && tail && tail - head == (long)size - 1;
}

/*** Block tracking ***/

void ut_blocks_init(struct ut_blocks *b, struct edumm_pool *pool)
{
	memset(b, 0, sizeof(*b));
	b->pool = pool;
	b->owned = calloc(pool->nr_pages, 1);
	ASSERT_NOT_NULL(b->owned);
}

void ut_blocks_add(struct ut_blocks *b, struct edumm_page *page, unsigned int order)
{
	struct edumm_pool *pool = b->pool;
	unsigned long pfn, idx, i;

	ASSERT_NOT_NULL(page);
	pfn = ut_pfn(pool, page);
	idx = ut_idx(pool, page);
	ASSERT_EQ(pfn & ((1UL << order) - 1), 0);
	ASSERT_TRUE(ut_block_in_pool(pool, pfn, order));
	ASSERT_EQ(page->flags, EDUMM_PG_HEAD);
	ASSERT_EQ(page->order, order);
	for (i = 0; i < (1UL << order); i++) {
		if (b->owned[idx + i])
			ut_fail(__FILE__, __LINE__, "block pfn %#lx order %u overlaps a held block at pfn %#lx",
				pfn, order, pfn + i);
		b->owned[idx + i] = i ? 1 : 2;
	}
	if (b->nr == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		b->pfn = realloc(b->pfn, b->cap * sizeof(*b->pfn));
		b->order = realloc(b->order, b->cap * sizeof(*b->order));
		ASSERT_TRUE(b->pfn && b->order);
	}
	b->pfn[b->nr] = pfn;
	b->order[b->nr] = order;
	b->nr++;
	b->pages += 1UL << order;
}

void ut_blocks_free(struct ut_blocks *b, unsigned long i)
{
	struct edumm_pool *pool = b->pool;
	unsigned long pfn = b->pfn[i], idx, j;
	unsigned int order = b->order[i];

	idx = ut_idx(pool, edumm_pfn_to_page(pool, pfn));
	for (j = 0; j < (1UL << order); j++)
		b->owned[idx + j] = 0;
	b->pages -= 1UL << order;
	b->nr--;
	b->pfn[i] = b->pfn[b->nr];
	b->order[i] = b->order[b->nr];
	ASSERT_EQ(edumm_free_pages(pool, pfn, order), 0);
}

void ut_blocks_free_all(struct ut_blocks *b)
{
	while (b->nr)
		ut_blocks_free(b, b->nr - 1);
}

void ut_blocks_destroy(struct ut_blocks *b)
{
	free(b->pfn);
	free(b->order);
	free(b->owned);
	memset(b, 0, sizeof(*b));
}

/*** Runner ***/

static void ut_reset(void)
{
	memset(&ut.pool, 0, sizeof(ut.pool));
	ut.pool_live = false;
	ut.initial_buddyinfo = NULL;
	memset(&ut.snap0, 0, sizeof(ut.snap0));
	ut.allow_reports = false;
	ut_descs = NULL;
	ut_nr_descs = 0;
	edumm_shim_warns = 0;
	edumm_shim_reports = 0;
	edumm_shim_meta_bytes = 0;
	edumm_shim_nr_cpus = 2;
	edumm_shim_verbose = ut.verbose;
	ut_set_cpu(0);
	ut_set_node(0);
	__atomic_store_n(&ut_failed, 0, __ATOMIC_SEQ_CST);
}

/* The checks every test must pass when it returns. */
static void ut_post_checks(void)
{
	ASSERT_EQ(edumm_shim_warns, 0);
	if (!ut.allow_reports)
		ASSERT_EQ(edumm_shim_reports, 0);
	ut_set_cpu(0);
	if (ut.pool_live)
		ut_pool_fini();
	ASSERT_EQ(edumm_shim_meta_live, 0);
}

/* Run one test in this process; return true if it passed. */
static bool ut_run_here(const struct ut_test *t)
{
	ut_reset();
	if (!setjmp(ut_jmp)) {
		t->fn();
		ut_post_checks();
	}
	if (ut.pool_live) {
		ut_set_cpu(0);
		edumm_pool_destroy(&ut.pool);
		ut.pool_live = false;
	}
	ut_tmp_free_all();
	return !ut_has_failed();
}

static double ut_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run one test in a child; a crash, sanitizer abort or timeout fails it. */
static bool ut_run_forked(const struct ut_test *t, unsigned int timeout)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		alarm(timeout);
		ut_main_thread = pthread_self();
		/*
		 * A pass exits through exit(), so LeakSanitizer checks the
		 * child (a leak fails the test); a failure skips it, since
		 * an aborted test leaves its own bookkeeping behind.
		 */
		if (ut_run_here(t))
			exit(0);
		fflush(stdout);
		_exit(1);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("waitpid");
		exit(2);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if (WIFSIGNALED(status))
		ut_diag("%s: killed by signal %d%s", t->name, WTERMSIG(status),
			WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
	else if (WEXITSTATUS(status) != 1)
		ut_diag("%s: exit status %d (sanitizer report on stderr?)", t->name,
			WEXITSTATUS(status));
	return false;
}

static void ut_usage(const char *argv0)
{
	printf("usage: %s [options] [PATTERN...]\n"
	       "Runs the edumm core unit tests whose names match a glob PATTERN (all by default).\n"
	       "  -l, --list         list the tests and exit\n"
	       "  -s, --seed N       seed of the randomized tests (default: their fixed seeds)\n"
	       "  -n, --steps N      steps of the randomized tests (default: their fixed counts)\n"
	       "  -t, --timeout S    per-test timeout in seconds (default 60)\n"
	       "  -F, --no-fork      run the tests in this process (for gdb)\n"
	       "  -v, --verbose      print the core's error reports\n"
	       "  -h, --help         this text\n", argv0);
}

static bool ut_selected(const struct ut_test *t, int npat, char **pat)
{
	int i;

	if (!npat)
		return true;
	for (i = 0; i < npat; i++)
		if (!fnmatch(pat[i], t->name, 0))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 's' },
		{ "steps", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "no-fork", no_argument, NULL, 'F' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int i, n = 0, passed = 0, failed = 0, timeout = 60;
	bool list = false, fork_tests = true;
	double start = ut_now();
	int c;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "ls:n:t:Fvh", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			list = true;
			break;
		case 's':
			ut.seed = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			ut.steps = strtoul(optarg, NULL, 0);
			break;
		case 't':
			timeout = strtoul(optarg, NULL, 0);
			break;
		case 'F':
			fork_tests = false;
			break;
		case 'v':
			ut.verbose = true;
			break;
		case 'h':
			ut_usage(argv[0]);
			return 0;
		default:
			ut_usage(argv[0]);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;

	for (i = 0; i < ut_nr_tests; i++)
		n += ut_selected(&ut_tests[i], argc, argv);
	if (list) {
		for (i = 0; i < ut_nr_tests; i++)
			if (ut_selected(&ut_tests[i], argc, argv))
				printf("%s\n", ut_tests[i].name);
		return 0;
	}
	if (!n) {
		fprintf(stderr, "no test matches\n");
		return 2;
	}

	ut_main_thread = pthread_self();
	printf("TAP version 13\n1..%u\n", n);
	if (ut.seed)
		ut_diag("seed %lu (from --seed)", ut.seed);
	if (ut.steps)
		ut_diag("steps %lu (from --steps)", ut.steps);
	n = 0;
	for (i = 0; i < ut_nr_tests; i++) {
		const struct ut_test *t = &ut_tests[i];
		double t0;
		bool ok;

		if (!ut_selected(t, argc, argv))
			continue;
		n++;
		t0 = ut_now();
		ok = fork_tests ? ut_run_forked(t, timeout) : ut_run_here(t);
		if (ut_now() - t0 >= 1.0)
			ut_diag("%s took %.1f s", t->name, ut_now() - t0);
		printf("%s %u %s\n", ok ? "ok" : "not ok", n, t->name);
		if (ok)
			passed++;
		else
			failed++;
	}
	ut_diag("total %.1f s", ut_now() - start);
	printf("unit: %u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

/*** Expected text ***/

const char *ut_expect_buddyinfo(const struct ut_zone_expect *z, unsigned int nr)
{
	struct ut_buf b;
	const char *s;
	unsigned int i;
	int o, mt;

	ut_buf_init(&b);
	for (i = 0; i < nr; i++) {
		unsigned long n[EDUMM_MAX_ORDER] = { 0 };

		for (o = 0; o < EDUMM_MAX_ORDER; o++)
			for (mt = 0; mt < EDUMM_MT_TYPES; mt++)
				n[o] += z[i].free[mt][o];
		ut_buf_printf(&b, "%s", ut_buddyinfo_line(z[i].nid, z[i].name, n));
	}
	s = ut_tmp_printf("%s", b.s);
	ut_buf_free(&b);
	return s;
}

/* pagetypeinfo_show() of mm/vmstat.c, one section per node. */
const char *ut_expect_pagetypeinfo(const struct ut_zone_expect *z, unsigned int nr)
{
	static const char * const mt_names[] = { "Unmovable", "Movable", "Reclaimable" };
	struct ut_buf b;
	const char *s;
	unsigned int i, j;
	int o, mt;

	ut_buf_init(&b);
	for (i = 0; i < nr; i = j) {
		for (j = i; j < nr && z[j].nid == z[i].nid; j++)
			;
		ut_buf_printf(&b, "Page block order: %d\n", 9);
		ut_buf_printf(&b, "Pages per block:  %lu\n", 512UL);
		ut_buf_printf(&b, "\n");
		ut_buf_printf(&b, "%-43s ", "Free pages count per migrate type at order");
		for (o = 0; o < EDUMM_MAX_ORDER; o++)
			ut_buf_printf(&b, "%6d ", o);
		ut_buf_printf(&b, "\n");
		for (unsigned int k = i; k < j; k++) {
			for (mt = 0; mt < EDUMM_MT_TYPES; mt++) {
				ut_buf_printf(&b, "Node %4d, zone %8s, type %12s ", z[k].nid,
					      z[k].name, mt_names[mt]);
				for (o = 0; o < EDUMM_MAX_ORDER; o++)
					ut_buf_printf(&b, "%s%6lu ", "", z[k].free[mt][o]);
				ut_buf_printf(&b, "\n");
			}
		}
		ut_buf_printf(&b, "\n%-23s", "Number of blocks type ");
		for (mt = 0; mt < EDUMM_MT_TYPES; mt++)
			ut_buf_printf(&b, "%12s ", mt_names[mt]);
		ut_buf_printf(&b, "\n");
		for (unsigned int k = i; k < j; k++) {
			ut_buf_printf(&b, "Node %d, zone %8s ", z[k].nid, z[k].name);
			for (mt = 0; mt < EDUMM_MT_TYPES; mt++)
				ut_buf_printf(&b, "%12lu ", z[k].blocks[mt]);
			ut_buf_printf(&b, "\n");
		}
	}
	s = ut_tmp_printf("%s", b.s);
	ut_buf_free(&b);
	return s;
}
