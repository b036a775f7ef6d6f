// SPDX-License-Identifier: GPL-2.0
/*
 * edumm_bench_test - kselftests of EDUMM_IOC_BENCH: its validation (caps,
 * bad workload, backend and mode, CPU masks, reserved fields, the slab
 * workloads' design, size and batch), a signal
 * ending a long run with EINTR, and a smoke run of every workload in every
 * mode for both backends with tiny iteration counts, checking only the
 * shape of the results: never a time (timing never decides pass or fail).
 *
 * Without /dev/edumm the tests SKIP, unless EDUMM_REQUIRE_DEVICE is set in
 * the environment (the test VM sets it), in which case they fail.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/edumm.h>

#include "kselftest_harness.h"

#define EDUMM_DEV		"/dev/edumm"

/* kselftest_harness.h of 6.1 reports a child exiting with 255 as skipped. */
#define HARNESS_SKIP_EXIT	255

/* One ioctl, not retried on EINTR; returns 0 or -errno. */
static int bench(int fd, struct edumm_bench *b)
{
	return ioctl(fd, EDUMM_IOC_BENCH, b) ? -errno : 0;
}

/* Online CPUs below 64, from /sys/devices/system/cpu/online. */
static __u64 online_cpus(void)
{
	unsigned int a, b;
	char buf[256], *p;
	__u64 mask = 0;
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");

	if (!f)
		return 0;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	for (p = buf; *p >= '0' && *p <= '9'; ) {
		a = strtoul(p, &p, 10);
		b = a;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				break;
			b = strtoul(p, &p, 10);
		}
		for (; a <= b && a < 64; a++)
			mask |= 1ULL << a;
		if (*p++ != ',')
			break;
	}
	return mask;
}

static __u64 lowest_cpus(__u64 online, unsigned int n)
{
	__u64 m = 0;

	while (n-- && online) {
		m |= online & -online;
		online &= online - 1;
	}
	return m;
}

/* The request every validation test starts from: valid, and cheap. */
static struct edumm_bench valid_req(__u64 online)
{
	struct edumm_bench b;

	memset(&b, 0, sizeof(b));
	b.workload = EDUMM_BENCH_PAGE_PAIR;
	b.backend = EDUMM_BENCH_BACKEND_EDUMM;
	b.mode = EDUMM_BENCH_MODE_SINGLE;
	b.iterations = 4;
	b.repetitions = 1;
	b.cpu_mask = lowest_cpus(online, 1);
	return b;
}

static __u64 allocated_pages(int fd)
{
	struct edumm_info info;

	memset(&info, 0, sizeof(info));
	if (ioctl(fd, EDUMM_IOC_INFO, &info))
		return ~0ULL;
	return info.allocated_pages;
}

FIXTURE(bench) {
	int fd;
	__u64 online;
	unsigned int nr_online;
};

FIXTURE_SETUP(bench)
{
	self->fd = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT && !getenv("EDUMM_REQUIRE_DEVICE"))
		SKIP(_exit(HARNESS_SKIP_EXIT), "%s does not exist: edumm.ko is not loaded",
		     EDUMM_DEV);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", EDUMM_DEV, strerror(errno));
	self->online = online_cpus();
	ASSERT_NE(0, self->online);
	self->nr_online = __builtin_popcountll(self->online);
}

FIXTURE_TEARDOWN(bench)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * What every successful run must give back, whatever the workload: the
 * inputs unchanged, nr_cpus, ops, a positive time and cycle count for each
 * repetition run and zeros after them, a positive time for each CPU of
 * the mask and zeros after them, and the reserved words still zero.  No
 * timing thresholds: only that the numbers are there.
 */
static void expect_sane_results(struct __test_metadata *_metadata, const struct edumm_bench *in,
				const struct edumm_bench *b, __u64 ops, const char *what)
{
	unsigned int r, nr = __builtin_popcountll(in->cpu_mask);

	EXPECT_EQ(0, memcmp(in, b, offsetof(struct edumm_bench, nr_cpus))) TH_LOG("%s", what);
	EXPECT_EQ(in->design, b->design);
	EXPECT_EQ(0, b->pad0);
	EXPECT_EQ(nr, b->nr_cpus);
	EXPECT_EQ(ops, b->ops) TH_LOG("%s", what);
	for (r = 0; r < EDUMM_BENCH_MAX_REPS; r++) {
		EXPECT_EQ(r < b->repetitions, b->ns[r] > 0) TH_LOG("%s rep %u", what, r);
		EXPECT_EQ(r < b->repetitions, b->cycles[r] > 0) TH_LOG("%s rep %u", what, r);
	}
	for (r = 0; r < EDUMM_BENCH_MAX_CPUS; r++)
		EXPECT_EQ(r < nr, b->cpu_ns[r] > 0) TH_LOG("%s cpu %u", what, r);
	for (r = 0; r < ARRAY_SIZE(b->reserved); r++)
		EXPECT_EQ(0, b->reserved[r]);
}

/* A request that must fail with EINVAL and leave its argument untouched. */
#define EXPECT_EINVAL(b) do {						\
	struct edumm_bench __in = (b), __io = __in;			\
									\
	EXPECT_EQ(-EINVAL, bench(self->fd, &__io)) TH_LOG("%s", #b);	\
	EXPECT_EQ(0, memcmp(&__in, &__io, sizeof(__in)));		\
} while (0)

TEST_F(bench, valid_request_succeeds)
{
	struct edumm_bench b = valid_req(self->online);

	ASSERT_EQ(0, bench(self->fd, &b));
	EXPECT_EQ(1, b.nr_cpus);
	EXPECT_EQ(4, b.ops);
}

TEST_F(bench, bad_workload_backend_mode)
{
	static const __u32 bad_wl[] = {
		0, EDUMM_BENCH_PAGE_BULK + 1, 0x0f, EDUMM_BENCH_SLAB_BULK + 1, 0x1f,
		EDUMM_BENCH_KMALLOC_MIX + 1, 0x2f, 0x80000000, ~0U,
	};
	static const __u32 bad_be[] = { 0, EDUMM_BENCH_BACKEND_KERNEL + 1, ~0U };
	static const __u32 bad_mode[] = { 0, EDUMM_BENCH_MODE_CROSS_CPU + 1, ~0U };
	struct edumm_bench b;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_wl); i++) {
		b = valid_req(self->online);
		b.workload = bad_wl[i];
		EXPECT_EINVAL(b);
	}
	for (i = 0; i < ARRAY_SIZE(bad_be); i++) {
		b = valid_req(self->online);
		b.backend = bad_be[i];
		EXPECT_EINVAL(b);
	}
	for (i = 0; i < ARRAY_SIZE(bad_mode); i++) {
		b = valid_req(self->online);
		b.mode = bad_mode[i];
		EXPECT_EINVAL(b);
	}
}

TEST_F(bench, caps)
{
	struct edumm_bench b;

	b = valid_req(self->online);
	b.iterations = 0;
	EXPECT_EINVAL(b);
	b.iterations = EDUMM_BENCH_MAX_ITERATIONS + 1;
	EXPECT_EINVAL(b);
	b.iterations = ~0U;
	EXPECT_EINVAL(b);

	b = valid_req(self->online);
	b.repetitions = 0;
	EXPECT_EINVAL(b);
	b.repetitions = EDUMM_BENCH_MAX_REPS + 1;
	EXPECT_EINVAL(b);

	/* iterations * repetitions * batch above EDUMM_BENCH_MAX_OPS */
	b = valid_req(self->online);
	b.workload = EDUMM_BENCH_PAGE_OUTSTANDING;
	b.batch = 2;
	b.iterations = EDUMM_BENCH_MAX_ITERATIONS;
	b.repetitions = EDUMM_BENCH_MAX_REPS;
	EXPECT_EINVAL(b);

	/* at most EDUMM_BENCH_MAX_BATCH_PAGES pages held per CPU */
	b = valid_req(self->online);
	b.workload = EDUMM_BENCH_PAGE_OUTSTANDING;
	b.order = 3;
	b.batch = (EDUMM_BENCH_MAX_BATCH_PAGES >> 3) + 1;
	EXPECT_EINVAL(b);
	b.workload = EDUMM_BENCH_PAGE_BULK;
	b.order = 0;
	b.batch = EDUMM_BENCH_MAX_BATCH_PAGES + 1;
	EXPECT_EINVAL(b);
}

TEST_F(bench, workload_parameters)
{
	struct edumm_bench b;

	b = valid_req(self->online);
	b.order = EDUMM_MAX_ORDER;
	EXPECT_EINVAL(b);
	b = valid_req(self->online);
	b.size = 64;			/* page workloads take no size */
	EXPECT_EINVAL(b);
	b = valid_req(self->online);
	b.batch = 1;			/* a pair has no batch */
	EXPECT_EINVAL(b);
	b = valid_req(self->online);
	b.workload = EDUMM_BENCH_PAGE_OUTSTANDING;	/* needs a batch */
	EXPECT_EINVAL(b);
	b = valid_req(self->online);
	b.workload = EDUMM_BENCH_PAGE_BULK;
	b.batch = 8;
	b.order = 1;			/* bulk is order 0 only */
	EXPECT_EINVAL(b);
}

TEST_F(bench, reserved_and_flags)
{
	struct edumm_bench b;
	unsigned int i;

	b = valid_req(self->online);
	b.flags = 1;
	EXPECT_EINVAL(b);
	b.flags = 0x80000000;
	EXPECT_EINVAL(b);
	for (i = 0; i < 3; i++) {
		b = valid_req(self->online);
		b.reserved[i] = 1ULL << (i * 16);
		EXPECT_EINVAL(b);
	}
	b = valid_req(self->online);
	b.pad0 = 1;
	EXPECT_EINVAL(b);
	b.workload = EDUMM_BENCH_SLAB_PAIR;
	b.size = 64;
	b.design = EDUMM_DESIGN_SLUB;
	EXPECT_EINVAL(b);
	b.pad0 = 0x80000000;
	EXPECT_EINVAL(b);
}

/* A valid SLAB_PAIR request: 64 bytes, SLUB. */
static struct edumm_bench slab_req(__u64 online)
{
	struct edumm_bench b = valid_req(online);

	b.workload = EDUMM_BENCH_SLAB_PAIR;
	b.size = 64;
	b.design = EDUMM_DESIGN_SLUB;
	return b;
}

/* The design field: required by the slab workloads, refused by the others. */
TEST_F(bench, design)
{
	static const __u32 bad[] = { 0, EDUMM_DESIGN_DEFAULT + 1, 0x80000000, ~0U };
	static const __u32 wl[] = {
		EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_PAGE_OUTSTANDING, EDUMM_BENCH_PAGE_BULK,
		EDUMM_BENCH_KMALLOC_MIX,
	};
	struct edumm_bench b;
	unsigned int i, j, be;

	for (be = EDUMM_BENCH_BACKEND_EDUMM; be <= EDUMM_BENCH_BACKEND_KERNEL; be++) {
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			b = slab_req(self->online);
			b.backend = be;
			b.design = bad[i];
			EXPECT_EINVAL(b);
			b.workload = EDUMM_BENCH_SLAB_BULK;
			b.batch = 4;
			EXPECT_EINVAL(b);
		}
		/* every design other than INVALID, DEFAULT included */
		for (i = EDUMM_DESIGN_SLUB; i <= EDUMM_DESIGN_DEFAULT; i++) {
			b = slab_req(self->online);
			b.backend = be;
			b.design = i;
			EXPECT_EQ(0, bench(self->fd, &b)) TH_LOG("design %u backend %u", i, be);
		}
		/* a valid design where none is taken (valid without one) */
		for (i = 0; i < ARRAY_SIZE(wl); i++) {
			struct edumm_bench ok = valid_req(self->online);

			ok.backend = be;
			ok.workload = wl[i];
			if (wl[i] != EDUMM_BENCH_PAGE_PAIR)
				ok.batch = 4;
			b = ok;
			ASSERT_EQ(0, bench(self->fd, &b)) TH_LOG("workload %#x", wl[i]);
			for (j = EDUMM_DESIGN_SLUB; j <= EDUMM_DESIGN_DEFAULT; j++) {
				b = ok;
				b.design = j;
				EXPECT_EINVAL(b);
			}
		}
	}
}

/* size, batch, order and mode of the slab and kmalloc workloads. */
TEST_F(bench, slab_parameters)
{
	struct edumm_bench b;

	b = slab_req(self->online);
	b.size = 0;
	EXPECT_EINVAL(b);
	b.size = EDUMM_BENCH_MAX_OBJ_SIZE + 1;
	EXPECT_EINVAL(b);
	b.size = ~0U;
	EXPECT_EINVAL(b);
	b = slab_req(self->online);
	b.size = EDUMM_BENCH_MAX_OBJ_SIZE;
	EXPECT_EQ(0, bench(self->fd, &b));
	b = slab_req(self->online);
	b.batch = 1;			/* a pair has no batch */
	EXPECT_EINVAL(b);
	b = slab_req(self->online);
	b.order = 1;			/* objects have no order */
	EXPECT_EINVAL(b);

	b = slab_req(self->online);
	b.workload = EDUMM_BENCH_SLAB_BULK;	/* needs a batch */
	EXPECT_EINVAL(b);
	b.batch = EDUMM_BENCH_MAX_OBJS + 1;
	EXPECT_EINVAL(b);
	b.batch = EDUMM_BENCH_MAX_OBJS;
	EXPECT_EQ(0, bench(self->fd, &b));
	/* at most EDUMM_BENCH_MAX_BATCH_PAGES pages' worth held per CPU */
	b = slab_req(self->online);
	b.workload = EDUMM_BENCH_SLAB_BULK;
	b.size = EDUMM_BENCH_MAX_OBJ_SIZE;
	b.batch = EDUMM_BENCH_MAX_BATCH_PAGES * 4096 / EDUMM_BENCH_MAX_OBJ_SIZE + 1;
	EXPECT_EINVAL(b);
	b.size = 0;
	b.batch = 4;
	EXPECT_EINVAL(b);
	/* iterations * repetitions * batch above EDUMM_BENCH_MAX_OPS */
	b = slab_req(self->online);
	b.workload = EDUMM_BENCH_SLAB_BULK;
	b.batch = 2;
	b.iterations = EDUMM_BENCH_MAX_ITERATIONS;
	b.repetitions = EDUMM_BENCH_MAX_REPS;
	EXPECT_EINVAL(b);

	b = valid_req(self->online);
	b.workload = EDUMM_BENCH_KMALLOC_MIX;	/* needs a batch */
	EXPECT_EINVAL(b);
	b.batch = EDUMM_BENCH_MAX_BATCH_PAGES * 4096 / EDUMM_BENCH_MIX_MAX + 1;
	EXPECT_EINVAL(b);
	b.batch = EDUMM_BENCH_MAX_BATCH_PAGES * 4096 / EDUMM_BENCH_MIX_MAX;
	EXPECT_EQ(0, bench(self->fd, &b));
	b = valid_req(self->online);
	b.workload = EDUMM_BENCH_KMALLOC_MIX;
	b.batch = 4;
	b.size = 64;			/* the sizes are the sequence's */
	EXPECT_EINVAL(b);
	b.size = 0;
	b.order = 1;
	EXPECT_EINVAL(b);

	/* no cross-CPU mode for objects */
	if (self->nr_online >= 2) {
		b = slab_req(self->online);
		b.mode = EDUMM_BENCH_MODE_CROSS_CPU;
		b.cpu_mask = lowest_cpus(self->online, 2);
		EXPECT_EINVAL(b);
		b = valid_req(self->online);
		b.workload = EDUMM_BENCH_KMALLOC_MIX;
		b.batch = 4;
		b.mode = EDUMM_BENCH_MODE_CROSS_CPU;
		b.cpu_mask = lowest_cpus(self->online, 2);
		EXPECT_EINVAL(b);
	}
}

TEST_F(bench, cpu_masks)
{
	struct edumm_bench b;
	__u64 offline = ~self->online;

	b = valid_req(self->online);
	b.cpu_mask = 0;				/* empty */
	EXPECT_EINVAL(b);
	b.mode = EDUMM_BENCH_MODE_CONCURRENT;
	EXPECT_EINVAL(b);

	/* a CPU that is not online (or does not exist at all) */
	b = valid_req(self->online);
	b.cpu_mask = offline & -offline;
	EXPECT_EINVAL(b);
	b.cpu_mask = 1ULL << 63;
	EXPECT_EINVAL(b);
	b.mode = EDUMM_BENCH_MODE_CONCURRENT;
	b.cpu_mask = self->online | (offline & -offline);
	EXPECT_EINVAL(b);
	b.cpu_mask = ~0ULL;			/* 64 CPUs: more than the cap */
	EXPECT_EINVAL(b);

	/* single wants one CPU; cross-CPU two, and a workload that has it */
	if (self->nr_online >= 2) {
		b = valid_req(self->online);
		b.cpu_mask = lowest_cpus(self->online, 2);
		EXPECT_EINVAL(b);
	}
	b = valid_req(self->online);
	b.mode = EDUMM_BENCH_MODE_CROSS_CPU;
	EXPECT_EINVAL(b);			/* one CPU */
	if (self->nr_online >= 3) {
		b.cpu_mask = lowest_cpus(self->online, 3);
		EXPECT_EINVAL(b);
	}
	if (self->nr_online >= 2) {
		b.cpu_mask = lowest_cpus(self->online, 2);
		b.workload = EDUMM_BENCH_PAGE_OUTSTANDING;
		b.batch = 4;
		EXPECT_EINVAL(b);
		b.workload = EDUMM_BENCH_PAGE_BULK;
		EXPECT_EINVAL(b);
	}
}

TEST_F(bench, bad_pointer)
{
	EXPECT_EQ(-EFAULT, bench(self->fd, NULL));
	EXPECT_EQ(-EFAULT, bench(self->fd, (struct edumm_bench *)8));
}

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * A run of the largest size (2^24 operations on every CPU, minutes under
 * emulation) ended by a signal after 200 ms: EINTR, promptly, with every
 * block it held freed.
 */
static void interrupted(struct __test_metadata *_metadata, int fd, __u64 online,
			__u32 backend, __u32 mode)
{
	struct itimerval it = { .it_value = { .tv_usec = 200000 } };
	struct sigaction sa;
	struct edumm_bench b = valid_req(online);
	struct timespec t0, t1;
	__u64 before = allocated_pages(fd);
	double secs;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART */
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	b.backend = backend;
	b.mode = mode;
	if (mode == EDUMM_BENCH_MODE_CONCURRENT)
		b.cpu_mask = online & lowest_cpus(online, EDUMM_BENCH_MAX_CPUS);
	b.iterations = EDUMM_BENCH_MAX_ITERATIONS;
	b.repetitions = EDUMM_BENCH_MAX_REPS;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	EXPECT_EQ(-EINTR, bench(fd, &b));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	/* not a timing check: a run that ignored the signal takes minutes */
	EXPECT_LT(secs, 30.0);
	EXPECT_EQ(before, allocated_pages(fd));
	/* the results were not written back */
	EXPECT_EQ(0, b.nr_cpus);
	EXPECT_EQ(0, b.ns[0]);
}

TEST_F(bench, interrupted_edumm_single)
{
	interrupted(_metadata, self->fd, self->online, EDUMM_BENCH_BACKEND_EDUMM,
		    EDUMM_BENCH_MODE_SINGLE);
}

TEST_F(bench, interrupted_kernel_concurrent)
{
	interrupted(_metadata, self->fd, self->online, EDUMM_BENCH_BACKEND_KERNEL,
		    EDUMM_BENCH_MODE_CONCURRENT);
}

/* Write @len bytes of @text to edumm's debugfs control; 0 or -errno. */
static int write_control_len(const char *text, size_t len)
{
	int fd = open("/sys/kernel/debug/edumm/control", O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

/* Write @text to edumm's debugfs control; 0 or -errno. */
static int write_control(const char *text)
{
	return write_control_len(text, strlen(text));
}

/* "high" and "batch" of the first pcp of edumm's zoneinfo, or -1. */
static void pcp_sizes(int *high, int *batch)
{
	FILE *f = fopen("/sys/kernel/debug/edumm/zoneinfo", "r");
	char line[256];

	*high = -1;
	*batch = -1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " ");

		if (*high < 0 && !strncmp(p, "high:", 5))
			*high = strtol(p + 5, NULL, 10);
		else if (*batch < 0 && !strncmp(p, "batch:", 6))
			*batch = strtol(p + 6, NULL, 10);
	}
	fclose(f);
}

/*
 * The "pcp BATCH HIGH" control command that make bench uses to size
 * edumm's per-CPU lists like the kernel's: set, raised to 4 x batch,
 * refused when out of range, and "pcp 0 0" gives the zone's own back.
 */
TEST_F(bench, control_pcp_sizes)
{
	int high0, batch0, high, batch;

	pcp_sizes(&high0, &batch0);
	ASSERT_LT(0, batch0);
	ASSERT_EQ(0, write_control("pcp 31 395\n"));
	pcp_sizes(&high, &batch);
	EXPECT_EQ(395, high);
	EXPECT_EQ(31, batch);
	ASSERT_EQ(0, write_control("pcp 64 10"));
	pcp_sizes(&high, &batch);
	EXPECT_EQ(256, high);
	EXPECT_EQ(-EINVAL, write_control("pcp 0 5"));
	EXPECT_EQ(-EINVAL, write_control("pcp 4097 0"));
	EXPECT_EQ(-EINVAL, write_control("pcp 1 16777217"));
	pcp_sizes(&high, &batch);
	EXPECT_EQ(256, high);
	EXPECT_EQ(64, batch);
	ASSERT_EQ(0, write_control("pcp 0 0"));
	pcp_sizes(&high, &batch);
	EXPECT_EQ(high0, high);
	EXPECT_EQ(batch0, batch);
}

/*
 * "pcp BATCH HIGH" with anything else in it is refused as a whole, and
 * the sizes stay what they were: trailing junk, a third number, numbers
 * that do not fit 32 bits (sscanf() took them modulo 2^32), signs,
 * blanks, a newline or a NUL anywhere but at the end.
 */
TEST_F(bench, control_pcp_rejects_junk)
{
	static const char * const bad[] = {
		"pcp 3 5x", "pcp 3 5 7", "pcp 3x 5", "pcp 3 5\n\n", "pcp 3 5\nx",
		"pcp 3\n 5", "pcp 3  5", "pcp  3 5", "pcp 3 5 ", "pcp 3\t5", "pcp 3",
		"pcp 3 ", "pcp", "pcp -3 5", "pcp 3 -5", "pcp 4294967299 20",
		"pcp 3 4294967396", "pcp 0x3 20", "pcpx 3 5", "PCP 3 5",
	};
	static const char nul[] = "pcp 3 5\0junk";
	int high0, batch0, high, batch;
	unsigned int i;

	ASSERT_EQ(0, write_control("pcp 7 100"));
	pcp_sizes(&high0, &batch0);
	ASSERT_EQ(7, batch0);
	ASSERT_EQ(100, high0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, write_control(bad[i]))
			TH_LOG("control accepted '%s'", bad[i]);
		pcp_sizes(&high, &batch);
		EXPECT_EQ(batch0, batch) TH_LOG("'%s' changed batch", bad[i]);
		EXPECT_EQ(high0, high) TH_LOG("'%s' changed high", bad[i]);
	}
	EXPECT_EQ(-EINVAL, write_control_len(nul, sizeof(nul) - 1));
	pcp_sizes(&high, &batch);
	EXPECT_EQ(batch0, batch);
	EXPECT_EQ(high0, high);
	/* the well-formed command still works, with and without the newline */
	ASSERT_EQ(0, write_control("pcp 5 40\n"));
	pcp_sizes(&high, &batch);
	EXPECT_EQ(5, batch);
	EXPECT_EQ(40, high);
	ASSERT_EQ(0, write_control("pcp +6 50"));
	pcp_sizes(&high, &batch);
	EXPECT_EQ(6, batch);
	EXPECT_EQ(50, high);
	ASSERT_EQ(0, write_control("pcp 0 0"));
}

/*
 * Every workload, mode and backend once, tiny: only the shape is checked.
 * The time limit is for the debug kernel (KASAN, page poisoning: an order-10
 * block is 4 MiB written and checked) under emulation.
 */
TEST_F_TIMEOUT(bench, smoke_every_workload, 600)
{
	static const struct {
		__u32 workload, mode, order, batch;
	} cases[] = {
		{ EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_MODE_SINGLE, 0, 0 },
		{ EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_MODE_SINGLE, 1, 0 },
		{ EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_MODE_SINGLE, 3, 0 },
		{ EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_MODE_SINGLE, 9, 0 },
		{ EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_MODE_SINGLE, 10, 0 },
		{ EDUMM_BENCH_PAGE_OUTSTANDING, EDUMM_BENCH_MODE_SINGLE, 0, 1024 },
		{ EDUMM_BENCH_PAGE_OUTSTANDING, EDUMM_BENCH_MODE_SINGLE, 4, 8 },
		{ EDUMM_BENCH_PAGE_BULK, EDUMM_BENCH_MODE_SINGLE, 0, 32 },
		{ EDUMM_BENCH_PAGE_BULK, EDUMM_BENCH_MODE_SINGLE, 0, 1 },
		{ EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_MODE_CONCURRENT, 0, 0 },
		{ EDUMM_BENCH_PAGE_OUTSTANDING, EDUMM_BENCH_MODE_CONCURRENT, 0, 64 },
		{ EDUMM_BENCH_PAGE_BULK, EDUMM_BENCH_MODE_CONCURRENT, 0, 16 },
		{ EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_MODE_CROSS_CPU, 0, 0 },
		{ EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_MODE_CROSS_CPU, 10, 0 },
	};
	__u64 before = allocated_pages(self->fd);
	unsigned int i, be;
	char what[64];

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (be = EDUMM_BENCH_BACKEND_EDUMM; be <= EDUMM_BENCH_BACKEND_KERNEL; be++) {
			struct edumm_bench b = valid_req(self->online), in;

			b.workload = cases[i].workload;
			b.mode = cases[i].mode;
			b.order = cases[i].order;
			b.batch = cases[i].batch;
			b.backend = be;
			b.iterations = 64;
			if (cases[i].batch || cases[i].order >= 9)
				b.iterations = 4;
			b.repetitions = 3;
			if (b.mode == EDUMM_BENCH_MODE_CONCURRENT)
				b.cpu_mask = lowest_cpus(self->online, EDUMM_BENCH_MAX_CPUS);
			if (b.mode == EDUMM_BENCH_MODE_CROSS_CPU) {
				if (self->nr_online < 2)
					continue;
				b.cpu_mask = lowest_cpus(self->online, 2);
			}
			in = b;
			snprintf(what, sizeof(what), "case %u backend %u", i, be);
			ASSERT_EQ(0, bench(self->fd, &b)) TH_LOG("%s", what);
			expect_sane_results(_metadata, &in, &b,
					    (__u64)b.iterations * (b.batch ? b.batch : 1), what);
		}
	}
	/* everything the runs allocated from edumm was freed */
	EXPECT_EQ(before, allocated_pages(self->fd));
}

/*
 * The slab workloads, every design, both backends, tiny: the shape of the
 * results only; and every object and slab given back (the caches of the
 * runs are destroyed with their slabs).
 */
TEST_F_TIMEOUT(bench, smoke_slab_workloads, 600)
{
	/* the rows of make bench, and the extremes */
	static const struct {
		__u32 workload, mode, batch, size;
	} cases[] = {
		{ EDUMM_BENCH_SLAB_PAIR, EDUMM_BENCH_MODE_SINGLE, 0, 1 },
		{ EDUMM_BENCH_SLAB_PAIR, EDUMM_BENCH_MODE_SINGLE, 0, 8 },
		{ EDUMM_BENCH_SLAB_PAIR, EDUMM_BENCH_MODE_SINGLE, 0, 64 },
		{ EDUMM_BENCH_SLAB_PAIR, EDUMM_BENCH_MODE_SINGLE, 0, 256 },
		{ EDUMM_BENCH_SLAB_PAIR, EDUMM_BENCH_MODE_SINGLE, 0, 1024 },
		{ EDUMM_BENCH_SLAB_PAIR, EDUMM_BENCH_MODE_SINGLE, 0, 4096 },
		{ EDUMM_BENCH_SLAB_PAIR, EDUMM_BENCH_MODE_SINGLE, 0, EDUMM_BENCH_MAX_OBJ_SIZE },
		{ EDUMM_BENCH_SLAB_BULK, EDUMM_BENCH_MODE_SINGLE, 16, 64 },
		{ EDUMM_BENCH_SLAB_BULK, EDUMM_BENCH_MODE_SINGLE, 256, 64 },
		{ EDUMM_BENCH_SLAB_BULK, EDUMM_BENCH_MODE_SINGLE, EDUMM_BENCH_MAX_OBJS, 8 },
		{ EDUMM_BENCH_SLAB_PAIR, EDUMM_BENCH_MODE_CONCURRENT, 0, 64 },
		{ EDUMM_BENCH_SLAB_BULK, EDUMM_BENCH_MODE_CONCURRENT, 16, 64 },
	};
	__u64 before = allocated_pages(self->fd);
	unsigned int i, be, d;
	char what[64];

	/* every case with every design, DEFAULT included */
	for (i = 0; i < ARRAY_SIZE(cases) * EDUMM_DESIGN_DEFAULT; i++) {
		d = EDUMM_DESIGN_SLUB + i % EDUMM_DESIGN_DEFAULT;
		for (be = EDUMM_BENCH_BACKEND_EDUMM; be <= EDUMM_BENCH_BACKEND_KERNEL; be++) {
			struct edumm_bench b = valid_req(self->online), in;

			b.workload = cases[i / EDUMM_DESIGN_DEFAULT].workload;
			b.mode = cases[i / EDUMM_DESIGN_DEFAULT].mode;
			b.batch = cases[i / EDUMM_DESIGN_DEFAULT].batch;
			b.size = cases[i / EDUMM_DESIGN_DEFAULT].size;
			b.design = d;
			b.backend = be;
			b.iterations = b.batch ? 4 : 64;
			b.repetitions = 3;
			if (b.mode == EDUMM_BENCH_MODE_CONCURRENT)
				b.cpu_mask = lowest_cpus(self->online, EDUMM_BENCH_MAX_CPUS);
			in = b;
			snprintf(what, sizeof(what), "case %u design %u backend %u",
				 i / EDUMM_DESIGN_DEFAULT, d, be);
			ASSERT_EQ(0, bench(self->fd, &b)) TH_LOG("%s", what);
			expect_sane_results(_metadata, &in, &b,
					    (__u64)b.iterations * (b.batch ? b.batch : 1), what);
		}
	}
	EXPECT_EQ(before, allocated_pages(self->fd));
}

/*
 * The kmalloc mix, both backends, single and concurrent, tiny: the shape of
 * the results only.  Not checked: edumm's allocated pages, which the
 * kmalloc classes keep as slabs (as the kernel's do).
 */
TEST_F_TIMEOUT(bench, smoke_kmalloc_mix, 300)
{
	static const __u32 batches[] = { 1, 32, EDUMM_BENCH_MAX_BATCH_PAGES * 4096 /
					 EDUMM_BENCH_MIX_MAX };
	unsigned int i, be, mode;
	char what[64];

	for (mode = EDUMM_BENCH_MODE_SINGLE; mode <= EDUMM_BENCH_MODE_CONCURRENT; mode++)
		for (i = 0; i < ARRAY_SIZE(batches); i++)
			for (be = EDUMM_BENCH_BACKEND_EDUMM; be <= EDUMM_BENCH_BACKEND_KERNEL;
			     be++) {
				struct edumm_bench b = valid_req(self->online), in;

				b.workload = EDUMM_BENCH_KMALLOC_MIX;
				b.mode = mode;
				b.backend = be;
				b.batch = batches[i];
				b.iterations = batches[i] > 1 ? 4 : 64;
				b.repetitions = 2;
				if (mode == EDUMM_BENCH_MODE_CONCURRENT)
					b.cpu_mask = lowest_cpus(self->online,
								 EDUMM_BENCH_MAX_CPUS);
				in = b;
				snprintf(what, sizeof(what), "batch %u backend %u mode %u",
					 b.batch, be, mode);
				ASSERT_EQ(0, bench(self->fd, &b)) TH_LOG("%s", what);
				expect_sane_results(_metadata, &in, &b,
						    (__u64)b.iterations * b.batch, what);
			}
}

/* Areas in edumm's debugfs vmallocinfo (one line each), or -1. */
static int edumm_areas(void)
{
	FILE *f = fopen("/sys/kernel/debug/edumm/vmallocinfo", "r");
	int c, n = 0;

	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* A valid vmalloc request: order and batch 0, size in pages. */
static struct edumm_bench vmalloc_req(__u64 online, __u32 workload, __u32 size)
{
	struct edumm_bench b = valid_req(online);

	b.workload = workload;
	b.size = size;
	return b;
}

/*
 * The vmalloc workloads' own parameters: size in pages (one area, or the
 * busy areas per CPU of FULL_FIT and LONG_BUSY_LIST, capped over all
 * CPUs), order and batch 0, no cross-CPU mode; numbers past the last.
 */
TEST_F(bench, vmalloc_parameters)
{
	static const __u32 area_wl[] = {
		EDUMM_BENCH_VMALLOC_PAIR, EDUMM_BENCH_VMALLOC_FIX_SIZE,
		EDUMM_BENCH_VMALLOC_RANDOM_SIZE,
	};
	static const __u32 busy_wl[] = {
		EDUMM_BENCH_VMALLOC_FULL_FIT, EDUMM_BENCH_VMALLOC_LONG_BUSY_LIST,
	};
	static const __u32 bad_wl[] = { EDUMM_BENCH_VMALLOC_RANDOM_SIZE + 1, 0x3f, 0x2f };
	struct edumm_bench b;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_wl); i++)
		EXPECT_EINVAL(vmalloc_req(self->online, bad_wl[i], 1));
	for (i = 0; i < ARRAY_SIZE(area_wl); i++) {
		EXPECT_EINVAL(vmalloc_req(self->online, area_wl[i], 0));
		EXPECT_EINVAL(vmalloc_req(self->online, area_wl[i],
					  EDUMM_BENCH_MAX_BATCH_PAGES + 1));
		EXPECT_EINVAL(vmalloc_req(self->online, area_wl[i], ~0U));
	}
	for (i = 0; i < ARRAY_SIZE(busy_wl); i++) {
		EXPECT_EINVAL(vmalloc_req(self->online, busy_wl[i], 0));
		EXPECT_EINVAL(vmalloc_req(self->online, busy_wl[i],
					  EDUMM_BENCH_MAX_VMALLOC_BUSY + 1));
		EXPECT_EINVAL(vmalloc_req(self->online, busy_wl[i], ~0U));
		if (self->nr_online >= 2) {
			/* the cap is over all CPUs */
			b = vmalloc_req(self->online, busy_wl[i],
					EDUMM_BENCH_MAX_VMALLOC_BUSY / 2 + 1);
			b.mode = EDUMM_BENCH_MODE_CONCURRENT;
			b.cpu_mask = lowest_cpus(self->online, 2);
			EXPECT_EINVAL(b);
		}
	}
	for (i = 0; i < ARRAY_SIZE(area_wl) + ARRAY_SIZE(busy_wl); i++) {
		__u32 wl = i < ARRAY_SIZE(area_wl) ? area_wl[i] :
			   busy_wl[i - ARRAY_SIZE(area_wl)];

		b = vmalloc_req(self->online, wl, 1);
		b.order = 1;
		EXPECT_EINVAL(b);
		b = vmalloc_req(self->online, wl, 1);
		b.batch = 1;
		EXPECT_EINVAL(b);
		if (self->nr_online >= 2) {
			b = vmalloc_req(self->online, wl, 1);
			b.mode = EDUMM_BENCH_MODE_CROSS_CPU;
			b.cpu_mask = lowest_cpus(self->online, 2);
			EXPECT_EINVAL(b);
		}
	}
}

/*
 * Every vmalloc workload, single and concurrent, for both backends, tiny:
 * only the shape of the results, and that every area and page a run (and
 * its setup) took from edumm is back.
 */
TEST_F_TIMEOUT(bench, smoke_vmalloc_workloads, 600)
{
	static const struct {
		__u32 workload, size;
	} cases[] = {
		{ EDUMM_BENCH_VMALLOC_PAIR, 1 },
		{ EDUMM_BENCH_VMALLOC_PAIR, 64 },
		{ EDUMM_BENCH_VMALLOC_FIX_SIZE, 1 },
		{ EDUMM_BENCH_VMALLOC_FIX_SIZE, 3 },
		{ EDUMM_BENCH_VMALLOC_FULL_FIT, 16 },
		{ EDUMM_BENCH_VMALLOC_LONG_BUSY_LIST, 16 },
		{ EDUMM_BENCH_VMALLOC_RANDOM_SIZE, 100 },
		{ EDUMM_BENCH_VMALLOC_RANDOM_SIZE, 1 },
	};
	static const __u32 modes[] = { EDUMM_BENCH_MODE_SINGLE, EDUMM_BENCH_MODE_CONCURRENT };
	__u64 before = allocated_pages(self->fd);
	int areas = edumm_areas();
	unsigned int i, m, be;
	char what[64];

	ASSERT_LE(0, areas);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		for (m = 0; m < ARRAY_SIZE(modes); m++) {
			for (be = EDUMM_BENCH_BACKEND_EDUMM; be <= EDUMM_BENCH_BACKEND_KERNEL;
			     be++) {
				struct edumm_bench b, in;

				b = vmalloc_req(self->online, cases[i].workload, cases[i].size);
				b.backend = be;
				b.mode = modes[m];
				b.iterations = 8;
				b.repetitions = 2;
				if (b.mode == EDUMM_BENCH_MODE_CONCURRENT)
					b.cpu_mask = lowest_cpus(self->online,
								 EDUMM_BENCH_MAX_CPUS);
				in = b;
				snprintf(what, sizeof(what), "case %u mode %u backend %u",
					 i, b.mode, be);
				ASSERT_EQ(0, bench(self->fd, &b)) TH_LOG("%s", what);
				expect_sane_results(_metadata, &in, &b, b.iterations, what);
			}
		}
	}
	/* every area and page of edumm's side, busy areas included, is back */
	EXPECT_EQ(before, allocated_pages(self->fd));
	EXPECT_EQ(areas, edumm_areas());
}

TEST_HARNESS_MAIN
