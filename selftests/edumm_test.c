// SPDX-License-Identifier: GPL-2.0
/*
 * edumm_test - kselftests for /dev/edumm and /sys/kernel/debug/edumm/.
 *
 * Every test opens /dev/edumm in FIXTURE_SETUP(), so each one is a fresh
 * edumm client; closing the file in FIXTURE_TEARDOWN() (or the test child
 * dying on a failed ASSERT) frees whatever the test still holds, and the
 * next test starts from a clean pool.
 *
 * Without the device the tests SKIP, unless EDUMM_REQUIRE_DEVICE is set in
 * the environment (selftests/run_all.sh sets it: in the test VM the module is
 * loaded, and a missing device is a failure, not a skip).
 *
 * Randomised tests print their seed with TH_LOG(); set EDUMM_SEED=<n> to
 * replay one.
 *
 * Build: make -C selftests KSFT_DIR=<dir with kselftest_harness.h>
 * Run:   ./edumm_test [-h]   (as root, with edumm.ko loaded)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/edumm.h>

#include "kselftest_harness.h"

#define EDUMM_DEV		"/dev/edumm"
#define EDUMM_DEBUGFS		"/sys/kernel/debug/edumm"
#define EDUMM_POOL_MB_PARAM	"/sys/module/edumm/parameters/pool_mb"
#define EDUMM_DEFAULT_POOL_MB	64

/* 6.1 values: pageblock_order is 9 on x86-64, costly order is 3. */
#define PAGEBLOCK_ORDER		9
#define PCP_MAX_ORDER		3

#define MAX_ZONES		16
#define MAX_CPUS		512

/*
 * kselftest_harness.h of 6.1 runs the test body even when FIXTURE_SETUP()
 * calls SKIP(return, ...). Its runner (__wait_for_test()) reports a test
 * child that exits with status 255 as skipped, so the setup leaves the
 * child that way instead.
 */
#define HARNESS_SKIP_EXIT	255

/* All three valid migratetypes, for loops. */
static const __u32 all_mt[] = {
	EDUMM_MIGRATE_UNMOVABLE,
	EDUMM_MIGRATE_MOVABLE,
	EDUMM_MIGRATE_RECLAIMABLE,
};

/*** ioctl wrappers ***/

/* ioctl() on an edumm fd, retried on EINTR; returns 0 or -errno. */
static int edumm_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, cmd, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

static int edumm_alloc(int fd, __u32 order, __u32 mt, __u32 flags,
		       struct edumm_page_alloc *req)
{
	memset(req, 0, sizeof(*req));
	req->order = order;
	req->migratetype = mt;
	req->flags = flags;
	return edumm_ioctl(fd, EDUMM_IOC_PAGE_ALLOC, req);
}

static int edumm_free(int fd, __u64 handle)
{
	struct edumm_handle h = { .handle = handle };

	return edumm_ioctl(fd, EDUMM_IOC_FREE, &h);
}

/* EDUMM_IOC_INFO plus the checks that must hold for every answer. */
static void get_info(struct __test_metadata *_metadata, int fd,
		     struct edumm_info *info)
{
	static const __u64 zero[ARRAY_SIZE(info->reserved)];

	memset(info, 0xa5, sizeof(*info));
	ASSERT_EQ(0, edumm_ioctl(fd, EDUMM_IOC_INFO, info));
	ASSERT_EQ(info->pool_pages, info->free_pages + info->pcp_pages +
		  info->allocated_pages) {
		TH_LOG("info: pool %llu != free %llu + pcp %llu + allocated %llu",
		       info->pool_pages, info->free_pages, info->pcp_pages,
		       info->allocated_pages);
	}
	ASSERT_EQ(0, memcmp(zero, info->reserved, sizeof(zero)));
}

/*** files ***/

/* Whole file as a NUL-terminated string, or NULL with errno set. */
static char *read_text(const char *path)
{
	size_t len = 0, cap = 8192;
	char *buf, *nbuf;
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(cap);
	if (!buf)
		goto out_close;
	for (;;) {
		if (cap - len < 4096) {
			cap *= 2;
			nbuf = realloc(buf, cap);
			if (!nbuf)
				goto out_free;
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out_free;
		if (n == 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return buf;

out_free:
	err = errno;
	free(buf);
	errno = err;
out_close:
	err = errno;
	close(fd);
	errno = err;
	return NULL;
}

static char *debugfs_read(struct __test_metadata *_metadata, const char *name)
{
	char path[256];
	char *text;

	snprintf(path, sizeof(path), "%s/%s", EDUMM_DEBUGFS, name);
	text = read_text(path);
	ASSERT_NE(NULL, text) {
		TH_LOG("read %s: %s (is debugfs mounted?)", path,
		       strerror(errno));
	}
	return text;
}

/* Write @len bytes of @cmd to debugfs control; returns 0 or -errno. */
static int control_write_len(const char *cmd, size_t len)
{
	ssize_t n;
	int fd, err;

	fd = open(EDUMM_DEBUGFS "/control", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, cmd, len);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return (size_t)n == len ? 0 : -EIO;
}

static int control_write(const char *cmd)
{
	return control_write_len(cmd, strlen(cmd));
}

static void drain_pcp(struct __test_metadata *_metadata)
{
	int ret = control_write("drain");

	ASSERT_EQ(0, ret) TH_LOG("control <- 'drain': %s", strerror(-ret));
}

static void assert_check_ok(struct __test_metadata *_metadata)
{
	char *text = debugfs_read(_metadata, "check");

	ASSERT_STREQ("ok\n", text) TH_LOG("invariant checker says:\n%s", text);
	free(text);
}

/* Copy the line at @p (without its '\n') into @buf; return the next one. */
static const char *next_line(struct __test_metadata *_metadata,
			     const char *p, char *buf, size_t size)
{
	const char *eol = strchr(p, '\n');
	size_t len;

	ASSERT_NE(NULL, eol) TH_LOG("last line not terminated: '%s'", p);
	len = eol - p;
	ASSERT_LT(len, size) TH_LOG("line too long: '%.*s'", (int)len, p);
	memcpy(buf, p, len);
	buf[len] = '\0';
	return eol + 1;
}

/*** buddyinfo / zoneinfo parsing ***/

/* Eleven %lu conversions, one per order. */
#define SCAN_ORDERS	"%lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu"

struct zone_free {
	int node;
	char name[32];
	unsigned long nr_free[EDUMM_MAX_ORDER];
};

static void format_buddyinfo_line(char *buf, size_t size,
				  const struct zone_free *z)
{
	size_t len;
	int o;

	len = snprintf(buf, size, "Node %d, zone %8s ", z->node, z->name);
	for (o = 0; o < EDUMM_MAX_ORDER; o++)
		len += snprintf(buf + len, size - len, "%6lu ", z->nr_free[o]);
}

/*
 * Parse buddyinfo text into @zones and require every line to be exactly
 * what /proc/buddyinfo's frag_show_print() would print for those values.
 */
static int parse_buddyinfo(struct __test_metadata *_metadata, const char *text,
			   struct zone_free *zones, int max)
{
	char line[512], again[512];
	const char *p = text;
	int n = 0, got;

	ASSERT_NE(0, text[0]) TH_LOG("buddyinfo is empty");
	while (*p) {
		struct zone_free *z = &zones[n];
		unsigned long *f = z->nr_free;

		ASSERT_LT(n, max);
		p = next_line(_metadata, p, line, sizeof(line));
		got = sscanf(line, "Node %d, zone %31s " SCAN_ORDERS,
			     &z->node, z->name, &f[0], &f[1], &f[2], &f[3],
			     &f[4], &f[5], &f[6], &f[7], &f[8], &f[9], &f[10]);
		ASSERT_EQ(2 + EDUMM_MAX_ORDER, got) {
			TH_LOG("bad buddyinfo line '%s'", line);
		}
		format_buddyinfo_line(again, sizeof(again), z);
		ASSERT_STREQ(again, line) {
			TH_LOG("buddyinfo line is not in /proc/buddyinfo format");
		}
		n++;
	}
	return n;
}

static unsigned long zone_free_pages(const struct zone_free *z)
{
	unsigned long pages = 0;
	int o;

	for (o = 0; o < EDUMM_MAX_ORDER; o++)
		pages += z->nr_free[o] << o;
	return pages;
}

struct pcp_info {
	int cpu;
	long count;
	long high;
	long batch;
};

struct zone_info {
	int node;
	char name[32];
	unsigned long free, min, low, high, spanned, present, managed;
	unsigned int seen;	/* ZI_* bits of the lines found */
	int nr_cpus;
	struct pcp_info pcp[MAX_CPUS];
};

enum {
	ZI_FREE = 1 << 0,
	ZI_MIN = 1 << 1,
	ZI_LOW = 1 << 2,
	ZI_HIGH = 1 << 3,
	ZI_SPANNED = 1 << 4,
	ZI_PRESENT = 1 << 5,
	ZI_MANAGED = 1 << 6,
	ZI_PAGESETS = 1 << 7,
	ZI_ALL = (1 << 8) - 1,
};

/* The /proc/zoneinfo lines edumm's zoneinfo must reproduce exactly. */
static const struct {
	const char *fmt;
	size_t offset;
	unsigned int bit;
} zoneinfo_keys[] = {
	{ "  pages free     %lu", offsetof(struct zone_info, free), ZI_FREE },
	{ "        min      %lu", offsetof(struct zone_info, min), ZI_MIN },
	{ "        low      %lu", offsetof(struct zone_info, low), ZI_LOW },
	{ "        high     %lu", offsetof(struct zone_info, high), ZI_HIGH },
	{ "        spanned  %lu", offsetof(struct zone_info, spanned),
	  ZI_SPANNED },
	{ "        present  %lu", offsetof(struct zone_info, present),
	  ZI_PRESENT },
	{ "        managed  %lu", offsetof(struct zone_info, managed),
	  ZI_MANAGED },
};

/* Does @line start like @fmt up to its conversion? */
static bool line_has_key(const char *line, const char *fmt)
{
	size_t klen = strcspn(fmt, "%");

	return !strncmp(line, fmt, klen);
}

static void parse_pcp_line(struct __test_metadata *_metadata,
			   struct zone_info *z, const char *line)
{
	static const char * const fmts[] = {
		"              count: %ld",
		"              high:  %ld",
		"              batch: %ld",
	};
	char again[128];
	struct pcp_info *pcp;
	unsigned int i;
	int got;
	long v;

	for (i = 0; i < ARRAY_SIZE(fmts); i++)
		if (line_has_key(line, fmts[i]))
			break;
	if (i == ARRAY_SIZE(fmts))
		return;
	ASSERT_LT(0, z->nr_cpus) TH_LOG("'%s' before any 'cpu:' line", line);
	pcp = &z->pcp[z->nr_cpus - 1];
	got = sscanf(line, fmts[i], &v);
	ASSERT_EQ(1, got) TH_LOG("bad line '%s'", line);
	snprintf(again, sizeof(again), fmts[i], v);
	ASSERT_STREQ(again, line) TH_LOG("not /proc/zoneinfo's format");
	if (i == 0)
		pcp->count = v;
	else if (i == 1)
		pcp->high = v;
	else
		pcp->batch = v;
}

static void parse_zoneinfo_line(struct __test_metadata *_metadata,
				struct zone_info *z, const char *line)
{
	char again[128];
	unsigned long v;
	unsigned int i;
	int cpu, got;

	for (i = 0; i < ARRAY_SIZE(zoneinfo_keys); i++) {
		if (!line_has_key(line, zoneinfo_keys[i].fmt))
			continue;
		got = sscanf(line, zoneinfo_keys[i].fmt, &v);
		ASSERT_EQ(1, got) {
			TH_LOG("bad zoneinfo line '%s'", line);
		}
		snprintf(again, sizeof(again), zoneinfo_keys[i].fmt, v);
		ASSERT_STREQ(again, line) TH_LOG("not /proc/zoneinfo's format");
		ASSERT_EQ(0, z->seen & zoneinfo_keys[i].bit) {
			TH_LOG("zone %s: '%s' twice", z->name, line);
		}
		z->seen |= zoneinfo_keys[i].bit;
		*(unsigned long *)((char *)z + zoneinfo_keys[i].offset) = v;
		return;
	}
	if (!strcmp(line, "  pagesets")) {
		z->seen |= ZI_PAGESETS;
		return;
	}
	if (line_has_key(line, "    cpu: %d")) {
		ASSERT_NE(0, z->seen & ZI_PAGESETS) {
			TH_LOG("'%s' before '  pagesets'", line);
		}
		got = sscanf(line, "    cpu: %d", &cpu);
		ASSERT_EQ(1, got);
		snprintf(again, sizeof(again), "    cpu: %d", cpu);
		ASSERT_STREQ(again, line);
		ASSERT_LT(z->nr_cpus, MAX_CPUS);
		z->pcp[z->nr_cpus].cpu = cpu;
		z->pcp[z->nr_cpus].count = -1;
		z->pcp[z->nr_cpus].high = -1;
		z->pcp[z->nr_cpus].batch = -1;
		z->nr_cpus++;
		return;
	}
	if (z->seen & ZI_PAGESETS)
		parse_pcp_line(_metadata, z, line);
	/* Other /proc/zoneinfo lines (boost, protection, ...) are allowed. */
}

/* Parse edumm's zoneinfo; every zone must have every documented line. */
static int parse_zoneinfo(struct __test_metadata *_metadata, const char *text,
			  struct zone_info *zones, int max)
{
	struct zone_info *z = NULL;
	char line[512], again[512];
	const char *p = text;
	int n = 0, i, got;

	while (*p) {
		p = next_line(_metadata, p, line, sizeof(line));
		if (!strncmp(line, "Node ", 5)) {
			ASSERT_LT(n, max);
			z = &zones[n++];
			memset(z, 0, sizeof(*z));
			got = sscanf(line, "Node %d, zone %31s", &z->node,
				     z->name);
			ASSERT_EQ(2, got) {
				TH_LOG("bad zoneinfo line '%s'", line);
			}
			snprintf(again, sizeof(again), "Node %d, zone %8s",
				 z->node, z->name);
			ASSERT_STREQ(again, line) TH_LOG("not /proc/zoneinfo's format");
			continue;
		}
		ASSERT_NE(NULL, z) TH_LOG("zoneinfo starts with '%s'", line);
		parse_zoneinfo_line(_metadata, z, line);
	}
	ASSERT_LT(0, n) TH_LOG("zoneinfo lists no zone");
	for (i = 0; i < n; i++) {
		z = &zones[i];
		ASSERT_EQ(ZI_ALL, z->seen) {
			TH_LOG("zone %d/%s misses lines (seen %#x of %#x)",
			       z->node, z->name, z->seen, ZI_ALL);
		}
	}
	return n;
}

static int read_zoneinfo(struct __test_metadata *_metadata,
			 struct zone_info *zones, int max)
{
	char *text = debugfs_read(_metadata, "zoneinfo");
	int n = parse_zoneinfo(_metadata, text, zones, max);

	free(text);
	return n;
}

/*** blocks, mappings and patterns ***/

/* One allocated block as the tests track it. */
struct blk {
	__u64 handle;
	__u64 pfn;
	__u64 offset;
	__u32 order;
	__u64 *map;		/* NULL when not mapped */
};

static size_t blk_bytes(const struct blk *b)
{
	return (size_t)sysconf(_SC_PAGESIZE) << b->order;
}

static void blk_from_req(struct blk *b, const struct edumm_page_alloc *req)
{
	b->handle = req->handle;
	b->pfn = req->pfn;
	b->offset = req->mmap_offset;
	b->order = req->order;
	b->map = NULL;
}

static __u64 *map_blk(int fd, const struct blk *b)
{
	void *p = mmap(NULL, blk_bytes(b), PROT_READ | PROT_WRITE, MAP_SHARED,
		       fd, (off_t)b->offset);

	return p == MAP_FAILED ? NULL : p;
}

/* The pattern word @i of a block: different for every handle and word. */
static __u64 pattern_word(__u64 salt, __u64 handle, size_t i)
{
	__u64 x = (handle + salt) * 0x9e3779b97f4a7c15ULL;

	return x ^ (i * 0xbf58476d1ce4e5b9ULL) ^ ((__u64)i << 48) ^ 1;
}

static void fill_pattern(__u64 *map, size_t bytes, __u64 salt, __u64 handle)
{
	size_t i;

	for (i = 0; i < bytes / sizeof(*map); i++)
		map[i] = pattern_word(salt, handle, i);
}

/* Index of the first word from @from on that is not the pattern, or -1. */
static long check_pattern_from(const __u64 *map, size_t from, size_t bytes,
			       __u64 salt, __u64 handle)
{
	size_t i;

	for (i = from; i < bytes / sizeof(*map); i++)
		if (map[i] != pattern_word(salt, handle, i))
			return i;
	return -1;
}

static long check_pattern(const __u64 *map, size_t bytes, __u64 salt,
			  __u64 handle)
{
	return check_pattern_from(map, 0, bytes, salt, handle);
}

static long check_zero(const __u64 *map, size_t bytes)
{
	size_t i;

	for (i = 0; i < bytes / sizeof(*map); i++)
		if (map[i])
			return i;
	return -1;
}

/* Do two blocks share a page? */
static bool blk_overlap(const struct blk *a, const struct blk *b)
{
	__u64 a_end = a->pfn + (1ULL << a->order);
	__u64 b_end = b->pfn + (1ULL << b->order);

	return a->pfn < b_end && b->pfn < a_end;
}

static int cmp_blk_pfn(const void *a, const void *b)
{
	const struct blk *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/*** random numbers ***/

/* xorshift64*: small, fast and the same everywhere. */
static __u64 rnd_next(__u64 *state)
{
	__u64 x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static __u64 test_seed(__u64 fallback)
{
	const char *env = getenv("EDUMM_SEED");
	__u64 seed = fallback;

	if (env && *env)
		seed = strtoull(env, NULL, 0);
	return seed ? seed : 1;
}

/* Order 0..max_order, each order half as likely as the one below it. */
static __u32 rnd_order(__u64 *state, __u32 max_order)
{
	__u32 order = __builtin_ctzll(rnd_next(state) | (1ULL << 62));

	return order > max_order ? max_order : order;
}

/*** fixture ***/

static int open_dev(struct __test_metadata *_metadata)
{
	int fd = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT && !getenv("EDUMM_REQUIRE_DEVICE")) {
		SKIP(_exit(HARNESS_SKIP_EXIT),
		     "%s does not exist: edumm.ko is not loaded", EDUMM_DEV);
	}
	ASSERT_LE(0, fd) TH_LOG("open %s: %s", EDUMM_DEV, strerror(errno));
	return fd;
}

FIXTURE(edumm) {
	int fd;
	long page_size;
};

FIXTURE_SETUP(edumm)
{
	self->page_size = sysconf(_SC_PAGESIZE);
	self->fd = open_dev(_metadata);
}

FIXTURE_TEARDOWN(edumm)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*** basic ioctls ***/

TEST_F(edumm, open_close)
{
	int fd2 = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, self->fd);
	ASSERT_LE(0, fd2) TH_LOG("second open: %s", strerror(errno));
	ASSERT_EQ(0, close(fd2));
}

TEST_F(edumm, version)
{
	struct edumm_version v;

	memset(&v, 0xa5, sizeof(v));
	ASSERT_EQ(0, edumm_ioctl(self->fd, EDUMM_IOC_VERSION, &v));
	ASSERT_EQ(EDUMM_VERSION_MAJOR, v.major);
	ASSERT_EQ(EDUMM_VERSION_MINOR, v.minor);
	ASSERT_EQ(EDUMM_VERSION_PATCH, v.patch);
	ASSERT_EQ(0, v.reserved);
}

static unsigned long expected_pool_mb(struct __test_metadata *_metadata)
{
	char *text = read_text(EDUMM_POOL_MB_PARAM);
	unsigned long mb = EDUMM_DEFAULT_POOL_MB;

	if (!text) {
		TH_LOG("%s unreadable, assuming pool_mb=%d",
		       EDUMM_POOL_MB_PARAM, EDUMM_DEFAULT_POOL_MB);
		return mb;
	}
	ASSERT_EQ(1, sscanf(text, "%lu", &mb)) TH_LOG("pool_mb '%s'", text);
	free(text);
	return mb;
}

TEST_F(edumm, info)
{
	struct edumm_info info;
	unsigned long mb = expected_pool_mb(_metadata);

	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(self->page_size, info.page_size);
	ASSERT_EQ(EDUMM_MAX_ORDER, info.max_order);
	ASSERT_LE(1, info.nr_nodes);
	ASSERT_LE(info.nr_nodes, info.nr_zones);
	ASSERT_EQ(mb * (1024 * 1024 / self->page_size), info.pool_pages);
	ASSERT_LE(info.allocated_pages, info.pool_pages);
	/* The descriptor array and friends: something, but under 1/16. */
	ASSERT_LT(0, info.metadata_bytes);
	ASSERT_GT(info.pool_pages * self->page_size / 16, info.metadata_bytes);
	TH_LOG("pool %llu pages, metadata %llu bytes (%.1f bytes/page)",
	       info.pool_pages, info.metadata_bytes,
	       (double)info.metadata_bytes / info.pool_pages);
}

/*** every order ***/

FIXTURE(edumm_order) {
	int fd;
};

FIXTURE_VARIANT(edumm_order) {
	__u32 order;
};

FIXTURE_VARIANT_ADD(edumm_order, order0) { .order = 0, };
FIXTURE_VARIANT_ADD(edumm_order, order1) { .order = 1, };
FIXTURE_VARIANT_ADD(edumm_order, order2) { .order = 2, };
FIXTURE_VARIANT_ADD(edumm_order, order3) { .order = 3, };
FIXTURE_VARIANT_ADD(edumm_order, order4) { .order = 4, };
FIXTURE_VARIANT_ADD(edumm_order, order5) { .order = 5, };
FIXTURE_VARIANT_ADD(edumm_order, order6) { .order = 6, };
FIXTURE_VARIANT_ADD(edumm_order, order7) { .order = 7, };
FIXTURE_VARIANT_ADD(edumm_order, order8) { .order = 8, };
FIXTURE_VARIANT_ADD(edumm_order, order9) { .order = 9, };
FIXTURE_VARIANT_ADD(edumm_order, order10) { .order = 10, };

FIXTURE_SETUP(edumm_order)
{
	self->fd = open_dev(_metadata);
}

FIXTURE_TEARDOWN(edumm_order)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * Three blocks of the variant's order, one per migratetype and each with
 * other flags: aligned, distinct, zeroed, mappable, accounted, freeable
 * exactly once.
 */
TEST_F_TIMEOUT(edumm_order, alloc_free, 120)
{
	static const __u32 flags[] = {
		0, EDUMM_ALLOC_NO_PCP, EDUMM_ALLOC_HIGH,
	};
	const __u32 order = variant->order;
	struct edumm_info before, info;
	struct edumm_page_alloc req;
	struct blk b[3];
	unsigned int i, j;
	long bad;

	get_info(_metadata, self->fd, &before);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, edumm_alloc(self->fd, order, all_mt[i], flags[i],
					 &req));
		ASSERT_EQ(order, req.order);
		ASSERT_EQ(all_mt[i], req.migratetype);
		ASSERT_EQ(flags[i], req.flags);
		ASSERT_EQ(0, req.reserved);
		ASSERT_NE(0, req.handle);
		ASSERT_EQ(0, req.pfn & ((1ULL << order) - 1)) {
			TH_LOG("pfn %#llx not aligned to order %u", req.pfn,
			       order);
		}
		ASSERT_EQ(0, req.mmap_offset % sysconf(_SC_PAGESIZE));
		blk_from_req(&b[i], &req);
		for (j = 0; j < i; j++) {
			ASSERT_NE(b[j].handle, b[i].handle);
			ASSERT_NE(b[j].offset, b[i].offset);
			ASSERT_FALSE(blk_overlap(&b[j], &b[i])) {
				TH_LOG("pfn %#llx and %#llx overlap", b[j].pfn,
				       b[i].pfn);
			}
		}
		get_info(_metadata, self->fd, &info);
		ASSERT_EQ(before.allocated_pages + ((i + 1ULL) << order),
			  info.allocated_pages);
	}
	for (i = 0; i < 3; i++) {
		b[i].map = map_blk(self->fd, &b[i]);
		ASSERT_NE(NULL, b[i].map) TH_LOG("mmap: %s", strerror(errno));
		bad = check_zero(b[i].map, blk_bytes(&b[i]));
		ASSERT_EQ(-1, bad) TH_LOG("new block not zeroed at word %ld", bad);
		fill_pattern(b[i].map, blk_bytes(&b[i]), order, b[i].handle);
	}
	for (i = 0; i < 3; i++) {
		bad = check_pattern(b[i].map, blk_bytes(&b[i]), order,
				    b[i].handle);
		ASSERT_EQ(-1, bad) TH_LOG("block %u corrupted at word %ld", i, bad);
		ASSERT_EQ(0, munmap(b[i].map, blk_bytes(&b[i])));
		ASSERT_EQ(0, edumm_free(self->fd, b[i].handle));
		ASSERT_EQ(-ENOENT, edumm_free(self->fd, b[i].handle));
	}
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(before.allocated_pages, info.allocated_pages);
}

/*** exhaustion and coalescing ***/

/* A growable array of blocks. */
struct blk_set {
	struct blk *b;
	size_t nr;
	size_t cap;
};

static void set_add(struct __test_metadata *_metadata, struct blk_set *s,
		    const struct edumm_page_alloc *req)
{
	if (s->nr == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->b = realloc(s->b, s->cap * sizeof(*s->b));
		ASSERT_NE(NULL, s->b);
	}
	blk_from_req(&s->b[s->nr++], req);
}

/*
 * Allocate blocks of @order into @s until -ENOMEM; return how many. The
 * migratetypes take turns, but only a Movable request may use every zone
 * (like gfp_zone(), a Movable zone serves only __GFP_MOVABLE), so the pool
 * counts as exhausted for @order once a Movable request fails.
 */
static size_t alloc_until_enomem(struct __test_metadata *_metadata, int fd,
				 struct blk_set *s, __u32 order, __u32 flags)
{
	struct edumm_page_alloc req;
	size_t got = 0;
	__u32 mt;
	int ret;

	for (;;) {
		mt = all_mt[(s->nr + order) % 3];
		ret = edumm_alloc(fd, order, mt, flags, &req);
		if (ret == -ENOMEM && mt != EDUMM_MIGRATE_MOVABLE)
			ret = edumm_alloc(fd, order, EDUMM_MIGRATE_MOVABLE,
					  flags, &req);
		if (ret == -ENOMEM)
			return got;
		ASSERT_EQ(0, ret) {
			TH_LOG("alloc order %u flags %#x: %s", order, flags,
			       strerror(-ret));
		}
		ASSERT_EQ(0, req.pfn & ((1ULL << order) - 1));
		set_add(_metadata, s, &req);
		got++;
	}
}

static void free_set(struct __test_metadata *_metadata, int fd,
		     struct blk_set *s)
{
	while (s->nr) {
		struct blk *b = &s->b[s->nr - 1];

		if (b->map)
			ASSERT_EQ(0, munmap(b->map, blk_bytes(b)));
		ASSERT_EQ(0, edumm_free(fd, b->handle)) {
			TH_LOG("free handle %llu", b->handle);
		}
		s->nr--;
	}
}

/*
 * Take every page of the pool with EDUMM_ALLOC_NO_WATERMARKS, largest
 * blocks first, then check that nothing more can be had at any order,
 * that the blocks tile the pool without overlap, and that freeing them all
 * (in a shuffled order) merges the pool back to the exact same buddyinfo.
 */
TEST_F_TIMEOUT(edumm, exhaust_and_coalesce, 300)
{
	static const __u32 probe_flags[] = {
		0, EDUMM_ALLOC_HIGH, EDUMM_ALLOC_NO_WATERMARKS,
		EDUMM_ALLOC_NO_WATERMARKS | EDUMM_ALLOC_NO_PCP,
	};
	__u64 seed = test_seed(0xe7ba05ed), total = 0, total_left = 0;
	struct edumm_info info0, info;
	struct zone_free zones[MAX_ZONES];
	struct edumm_page_alloc req;
	struct blk_set s = { 0 };
	char *text0, *text;
	size_t got, i;
	int order, nz, z;
	unsigned int f;

	drain_pcp(_metadata);
	text0 = debugfs_read(_metadata, "buddyinfo");
	get_info(_metadata, self->fd, &info0);
	ASSERT_EQ(0, info0.pcp_pages);

	for (order = EDUMM_MAX_ORDER - 1; order >= 0; order--) {
		__u32 flags = EDUMM_ALLOC_NO_WATERMARKS;

		/* Odd orders up to PCP_MAX_ORDER go through the pcp lists. */
		if (!(order & 1) || order > PCP_MAX_ORDER)
			flags |= EDUMM_ALLOC_NO_PCP;
		alloc_until_enomem(_metadata, self->fd, &s, order, flags);
	}
	/* Pages parked on per-CPU lists: drain them and take them too. */
	do {
		drain_pcp(_metadata);
		got = alloc_until_enomem(_metadata, self->fd, &s, 0,
					 EDUMM_ALLOC_NO_WATERMARKS |
					 EDUMM_ALLOC_NO_PCP);
	} while (got);

	get_info(_metadata, self->fd, &info);
	TH_LOG("%zu blocks hold the whole pool of %llu pages", s.nr,
	       info.pool_pages);
	ASSERT_EQ(0, info.free_pages);
	ASSERT_EQ(0, info.pcp_pages);
	ASSERT_EQ(info.pool_pages, info.allocated_pages);

	for (order = 0; order < EDUMM_MAX_ORDER; order++) {
		for (f = 0; f < ARRAY_SIZE(probe_flags) * 3; f++) {
			__u32 flags = probe_flags[f / 3], mt = all_mt[f % 3];

			ASSERT_EQ(-ENOMEM, edumm_alloc(self->fd, order, mt,
						       flags, &req)) {
				TH_LOG("order %d mt %u flags %#x on an empty pool",
				       order, mt, flags);
			}
		}
	}

	qsort(s.b, s.nr, sizeof(*s.b), cmp_blk_pfn);
	for (i = 0; i < s.nr; i++) {
		total += 1ULL << s.b[i].order;
		if (i) {
			ASSERT_FALSE(blk_overlap(&s.b[i - 1], &s.b[i])) {
				TH_LOG("blocks at pfn %#llx/%u and %#llx/%u overlap",
				       s.b[i - 1].pfn, s.b[i - 1].order,
				       s.b[i].pfn, s.b[i].order);
			}
		}
	}
	ASSERT_EQ(info.pool_pages - info0.allocated_pages, total);

	text = debugfs_read(_metadata, "buddyinfo");
	nz = parse_buddyinfo(_metadata, text, zones, MAX_ZONES);
	for (z = 0; z < nz; z++)
		total_left += zone_free_pages(&zones[z]);
	ASSERT_EQ(0, total_left) TH_LOG("buddyinfo still lists free blocks");
	free(text);
	assert_check_ok(_metadata);

	/* Free in a random order so merges happen in every direction. */
	TH_LOG("free order seed %#llx", seed);
	for (i = s.nr; i > 1; i--) {
		size_t j = rnd_next(&seed) % i;
		struct blk t = s.b[i - 1];

		s.b[i - 1] = s.b[j];
		s.b[j] = t;
	}
	free_set(_metadata, self->fd, &s);
	free(s.b);
	drain_pcp(_metadata);

	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(info0.allocated_pages, info.allocated_pages);
	ASSERT_EQ(info0.free_pages, info.free_pages);
	ASSERT_EQ(0, info.pcp_pages);
	text = debugfs_read(_metadata, "buddyinfo");
	ASSERT_STREQ(text0, text) {
		TH_LOG("buddyinfo did not coalesce back:\nbefore:\n%safter:\n%s",
		       text0, text);
	}
	free(text);
	free(text0);
	assert_check_ok(_metadata);
}

/*** watermarks ***/

/*
 * Allocate with @flags (plus NO_PCP) from the largest order down to order 0
 * until each order fails; return the pages left on the free lists.
 */
static __u64 free_pages_left(struct __test_metadata *_metadata, int fd,
			     __u32 flags)
{
	struct blk_set s = { 0 };
	struct edumm_info info;
	int order;

	drain_pcp(_metadata);
	for (order = EDUMM_MAX_ORDER - 1; order >= 0; order--)
		alloc_until_enomem(_metadata, fd, &s, order,
				   flags | EDUMM_ALLOC_NO_PCP);
	get_info(_metadata, fd, &info);
	ASSERT_EQ(0, info.pcp_pages);
	free_set(_metadata, fd, &s);
	free(s.b);
	drain_pcp(_metadata);
	return info.free_pages;
}

/*
 * Like __zone_watermark_ok(): a plain order-0 request fails once a zone
 * would hold no more than min free pages, EDUMM_ALLOC_HIGH lowers min by
 * min / 2, EDUMM_ALLOC_NO_WATERMARKS takes the last page. The stopping
 * points must be ordered and, zone by zone, where zoneinfo says (+-1 page
 * per zone for the exact boundary test).
 */
TEST_F_TIMEOUT(edumm, watermarks, 300)
{
	struct zone_info *zones = calloc(MAX_ZONES, sizeof(*zones));
	__u64 plain, high, nowm, want_plain = 0, want_high = 0;
	struct edumm_info info;
	int nz, z;

	ASSERT_NE(NULL, zones);
	drain_pcp(_metadata);
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(0, info.allocated_pages) {
		TH_LOG("another client holds pages; watermarks need the pool");
	}
	nz = read_zoneinfo(_metadata, zones, MAX_ZONES);
	for (z = 0; z < nz; z++) {
		unsigned long f = zones[z].free, m = zones[z].min;

		want_plain += f < m ? f : m;
		want_high += f < m - m / 2 ? f : m - m / 2;
	}

	plain = free_pages_left(_metadata, self->fd, 0);
	high = free_pages_left(_metadata, self->fd, EDUMM_ALLOC_HIGH);
	nowm = free_pages_left(_metadata, self->fd, EDUMM_ALLOC_NO_WATERMARKS);
	TH_LOG("pages left: plain %llu (want %llu), high %llu (want %llu), no wmark %llu",
	       plain, want_plain, high, want_high, nowm);

	ASSERT_LT(0, high) TH_LOG("EDUMM_ALLOC_HIGH emptied the pool");
	ASSERT_LT(high, plain) TH_LOG("HIGH got no further than plain");
	ASSERT_EQ(0, nowm);
	ASSERT_LE(want_plain, plain + nz);
	ASSERT_LE(plain, want_plain + nz);
	ASSERT_LE(want_high, high + nz);
	ASSERT_LE(high, want_high + nz);
	free(zones);
}

/*** per-CPU lists ***/

TEST_F(edumm, pcp_drain)
{
	struct zone_info *zones = calloc(MAX_ZONES, sizeof(*zones));
	struct edumm_page_alloc req;
	struct edumm_info info0, info;
	bool batched = true;
	long sum = 0;
	int nz, z, c;

	ASSERT_NE(NULL, zones);
	drain_pcp(_metadata);
	get_info(_metadata, self->fd, &info0);
	ASSERT_EQ(0, info0.pcp_pages);
	nz = read_zoneinfo(_metadata, zones, MAX_ZONES);
	for (z = 0; z < nz; z++) {
		for (c = 0; c < zones[z].nr_cpus; c++) {
			ASSERT_EQ(0, zones[z].pcp[c].count);
			if (zones[z].pcp[c].batch < 2)
				batched = false;
		}
	}

	/* Orders above PCP_MAX_ORDER and NO_PCP never touch the lists. */
	ASSERT_EQ(0, edumm_alloc(self->fd, PCP_MAX_ORDER + 1,
				 EDUMM_MIGRATE_MOVABLE, 0, &req));
	ASSERT_EQ(0, edumm_free(self->fd, req.handle));
	ASSERT_EQ(0, edumm_alloc(self->fd, 0, EDUMM_MIGRATE_MOVABLE,
				 EDUMM_ALLOC_NO_PCP, &req));
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(0, info.pcp_pages);
	ASSERT_EQ(info0.allocated_pages + 1, info.allocated_pages);
	ASSERT_EQ(0, edumm_free(self->fd, req.handle));
	drain_pcp(_metadata);

	/* An order-0 pcp allocation refills the list with a batch. */
	ASSERT_EQ(0, edumm_alloc(self->fd, 0, EDUMM_MIGRATE_MOVABLE, 0, &req));
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(info0.allocated_pages + 1, info.allocated_pages);
	if (batched)
		ASSERT_LT(0, info.pcp_pages) TH_LOG("no batch refill");
	nz = read_zoneinfo(_metadata, zones, MAX_ZONES);
	for (z = 0; z < nz; z++)
		for (c = 0; c < zones[z].nr_cpus; c++)
			sum += zones[z].pcp[c].count;
	ASSERT_EQ(info.pcp_pages, sum) TH_LOG("zoneinfo count vs INFO");

	ASSERT_EQ(0, edumm_free(self->fd, req.handle));
	drain_pcp(_metadata);
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(0, info.pcp_pages);
	ASSERT_EQ(info0.free_pages, info.free_pages);
	ASSERT_EQ(info0.allocated_pages, info.allocated_pages);
	assert_check_ok(_metadata);
	free(zones);
}

/*** mmap ***/

/* Allocate one block of @order and describe it in @b. */
static void alloc_blk(struct __test_metadata *_metadata, int fd, __u32 order,
		      struct blk *b)
{
	struct edumm_page_alloc req;
	int ret = edumm_alloc(fd, order, EDUMM_MIGRATE_MOVABLE, 0, &req);

	ASSERT_EQ(0, ret) TH_LOG("alloc order %u: %s", order, strerror(-ret));
	blk_from_req(b, &req);
}

/* A churn state: live blocks, all mapped and carrying their pattern. */
struct churn {
	int fd;
	__u64 rnd;
	__u64 salt;
	struct blk *live;
	size_t nr_live;
	size_t max_live;
	__u64 live_pages;
	__u64 max_pages;
	__u32 max_order;
	char err[256];
};

/*
 * One step of random alloc/mmap/check-zero/fill or verify/munmap/free.
 * Runs in test children and in plain forked processes, so it reports
 * problems through c->err instead of ASSERT_*(); returns 0 or -1.
 */
static int churn_step(struct churn *c)
{
	bool do_alloc = !c->nr_live ||
			(c->nr_live < c->max_live && rnd_next(&c->rnd) % 8 < 5);
	struct edumm_page_alloc req;
	struct blk *b;
	size_t i;
	long bad;
	int ret;

	if (do_alloc) {
		__u32 order = rnd_order(&c->rnd, c->max_order);
		__u32 flags = rnd_next(&c->rnd) & 1 ? EDUMM_ALLOC_NO_PCP : 0;
		__u32 mt = all_mt[rnd_next(&c->rnd) % 3];

		if (c->live_pages + (1ULL << order) > c->max_pages)
			return 0;
		ret = edumm_alloc(c->fd, order, mt, flags, &req);
		if (ret) {
			snprintf(c->err, sizeof(c->err),
				 "alloc order %u flags %#x: %s", order, flags,
				 strerror(-ret));
			return -1;
		}
		b = &c->live[c->nr_live];
		blk_from_req(b, &req);
		if (b->pfn & ((1ULL << order) - 1)) {
			snprintf(c->err, sizeof(c->err),
				 "pfn %#llx not aligned to order %u", b->pfn,
				 order);
			return -1;
		}
		for (i = 0; i < c->nr_live; i++) {
			if (blk_overlap(&c->live[i], b) ||
			    c->live[i].handle == b->handle) {
				snprintf(c->err, sizeof(c->err),
					 "new block %llu pfn %#llx/%u clashes with live %llu pfn %#llx/%u",
					 b->handle, b->pfn, order,
					 c->live[i].handle, c->live[i].pfn,
					 c->live[i].order);
				return -1;
			}
		}
		b->map = map_blk(c->fd, b);
		if (!b->map) {
			snprintf(c->err, sizeof(c->err), "mmap handle %llu: %s",
				 b->handle, strerror(errno));
			return -1;
		}
		c->nr_live++;
		c->live_pages += 1ULL << order;
		bad = check_zero(b->map, blk_bytes(b));
		if (bad >= 0) {
			snprintf(c->err, sizeof(c->err),
				 "new block pfn %#llx/%u: word %ld is %#llx, not 0",
				 b->pfn, order, bad, b->map[bad]);
			return -1;
		}
		fill_pattern(b->map, blk_bytes(b), c->salt, b->handle);
		return 0;
	}

	i = rnd_next(&c->rnd) % c->nr_live;
	b = &c->live[i];
	bad = check_pattern(b->map, blk_bytes(b), c->salt, b->handle);
	if (bad >= 0) {
		snprintf(c->err, sizeof(c->err),
			 "block %llu pfn %#llx/%u corrupted at word %ld",
			 b->handle, b->pfn, b->order, bad);
		return -1;
	}
	/* Now and then, check that a mapped block cannot be freed. */
	if (!(rnd_next(&c->rnd) % 16)) {
		ret = edumm_free(c->fd, b->handle);
		if (ret != -EBUSY) {
			snprintf(c->err, sizeof(c->err),
				 "free of mapped block %llu: %d, not -EBUSY",
				 b->handle, ret);
			return -1;
		}
	}
	if (munmap(b->map, blk_bytes(b))) {
		snprintf(c->err, sizeof(c->err), "munmap: %s", strerror(errno));
		return -1;
	}
	ret = edumm_free(c->fd, b->handle);
	if (ret) {
		snprintf(c->err, sizeof(c->err), "free handle %llu: %s",
			 b->handle, strerror(-ret));
		return -1;
	}
	c->live_pages -= 1ULL << b->order;
	c->live[i] = c->live[--c->nr_live];
	return 0;
}

static int churn_verify_all(struct churn *c)
{
	size_t i;
	long bad;

	for (i = 0; i < c->nr_live; i++) {
		struct blk *b = &c->live[i];

		bad = check_pattern(b->map, blk_bytes(b), c->salt, b->handle);
		if (bad >= 0) {
			snprintf(c->err, sizeof(c->err),
				 "block %llu pfn %#llx/%u corrupted at word %ld",
				 b->handle, b->pfn, b->order, bad);
			return -1;
		}
	}
	return 0;
}

static int churn_free_all(struct churn *c)
{
	int ret;

	while (c->nr_live) {
		struct blk *b = &c->live[--c->nr_live];

		if (munmap(b->map, blk_bytes(b))) {
			snprintf(c->err, sizeof(c->err), "munmap: %s",
				 strerror(errno));
			return -1;
		}
		ret = edumm_free(c->fd, b->handle);
		if (ret) {
			snprintf(c->err, sizeof(c->err), "free %llu: %s",
				 b->handle, strerror(-ret));
			return -1;
		}
	}
	c->live_pages = 0;
	return 0;
}

/* Run @steps churn steps, verifying everything every @every steps. */
static int churn_run(struct churn *c, unsigned int steps, unsigned int every)
{
	unsigned int i;

	for (i = 1; i <= steps; i++) {
		if (churn_step(c))
			return -1;
		if (!(i % every) && churn_verify_all(c))
			return -1;
	}
	if (churn_verify_all(c))
		return -1;
	return churn_free_all(c);
}

static void churn_init(struct churn *c, int fd, __u64 seed,
		       const struct edumm_info *info, size_t max_live)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->rnd = seed;
	c->salt = seed * 31;
	c->max_live = max_live;
	c->live = calloc(max_live, sizeof(*c->live));
	/* Stay far above the watermarks: a quarter of the pool per client. */
	c->max_pages = info->pool_pages / 4;
	c->max_order = 6;
}

TEST_F_TIMEOUT(edumm, mmap_churn, 600)
{
	__u64 seed = test_seed(0xc4a05eed);
	struct edumm_info info0, info;
	struct churn c;
	int ret;

	get_info(_metadata, self->fd, &info0);
	churn_init(&c, self->fd, seed, &info0, 128);
	ASSERT_NE(NULL, c.live);
	TH_LOG("seed %#llx (EDUMM_SEED=%#llx replays it)", seed, seed);
	/* A few big blocks that stay mapped through the whole churn. */
	c.max_order = EDUMM_MAX_ORDER - 1;
	while (c.nr_live < 8) {
		ret = churn_step(&c);
		ASSERT_EQ(0, ret) TH_LOG("%s", c.err);
	}
	c.max_order = 6;
	c.max_live = 128;
	ret = churn_run(&c, 4000, 500);
	ASSERT_EQ(0, ret) TH_LOG("%s", c.err);
	free(c.live);

	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(info0.allocated_pages, info.allocated_pages);
	drain_pcp(_metadata);
	assert_check_ok(_metadata);
}

/* /proc/self/pagemap entry of @addr: bit 63 present, bits 0-54 pfn. */
static __u64 pagemap_entry(struct __test_metadata *_metadata, int pm,
			   const void *addr)
{
	off_t off = (uintptr_t)addr / sysconf(_SC_PAGESIZE) * sizeof(__u64);
	__u64 e;

	ASSERT_EQ(sizeof(e), pread(pm, &e, sizeof(e), off));
	return e;
}

TEST_F(edumm, pagemap_pfn)
{
	static const __u32 orders[] = { 0, 3, PAGEBLOCK_ORDER };
	unsigned int i, p;
	struct blk b;
	int pm;

	if (geteuid() != 0)
		SKIP(return, "pagemap shows pfns to CAP_SYS_ADMIN only");
	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, pm);
	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		alloc_blk(_metadata, self->fd, orders[i], &b);
		b.map = map_blk(self->fd, &b);
		ASSERT_NE(NULL, b.map) TH_LOG("mmap: %s", strerror(errno));
		for (p = 0; p < 1U << b.order; p++) {
			__u64 *page = b.map + p * (self->page_size / 8);
			__u64 e;

			*page = p + 1;	/* fault it in */
			e = pagemap_entry(_metadata, pm, page);
			ASSERT_TRUE(e >> 63) TH_LOG("page %u not present", p);
			ASSERT_EQ(b.pfn + p, e & ((1ULL << 55) - 1)) {
				TH_LOG("order %u page %u: pagemap pfn %#llx, ioctl pfn %#llx",
				       b.order, p, e & ((1ULL << 55) - 1),
				       b.pfn + p);
			}
		}
		ASSERT_EQ(0, munmap(b.map, blk_bytes(&b)));
		ASSERT_EQ(0, edumm_free(self->fd, b.handle));
	}
	close(pm);
}

static int try_mmap(int fd, size_t len, int flags, __u64 offset)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd,
		       (off_t)offset);

	if (p != MAP_FAILED) {
		munmap(p, len);
		return 0;
	}
	return -errno;
}

TEST_F(edumm, mmap_errors)
{
	const size_t page = self->page_size;
	struct edumm_info info0, info;
	struct blk b, gone;

	get_info(_metadata, self->fd, &info0);
	alloc_blk(_metadata, self->fd, 2, &b);
	alloc_blk(_metadata, self->fd, 2, &gone);
	ASSERT_EQ(0, edumm_free(self->fd, gone.handle));

	ASSERT_EQ(-EINVAL, try_mmap(self->fd, page, MAP_SHARED, b.offset));
	ASSERT_EQ(-EINVAL, try_mmap(self->fd, 3 * page, MAP_SHARED, b.offset));
	ASSERT_EQ(-EINVAL, try_mmap(self->fd, 4 * page + 1, MAP_SHARED,
				    b.offset));
	ASSERT_EQ(-EINVAL, try_mmap(self->fd, 8 * page, MAP_SHARED, b.offset));
	ASSERT_EQ(-EINVAL, try_mmap(self->fd, 4 * page, MAP_PRIVATE,
				    b.offset));
	ASSERT_EQ(-EINVAL, try_mmap(self->fd, 4 * page, MAP_SHARED,
				    gone.offset)) {
		TH_LOG("offset of a freed handle mapped");
	}
	ASSERT_EQ(-EINVAL, try_mmap(self->fd, 4 * page, MAP_SHARED,
				    b.offset + 1));
	ASSERT_EQ(-EINVAL, try_mmap(self->fd, 3 * page, MAP_SHARED,
				    b.offset + page));
	ASSERT_EQ(-EINVAL, try_mmap(self->fd, 4 * page, MAP_SHARED,
				    b.offset + (1ULL << 40)));
	/* None of the failures may leave the block counted as mapped. */
	ASSERT_EQ(0, edumm_free(self->fd, b.handle));

	alloc_blk(_metadata, self->fd, 2, &b);
	ASSERT_EQ(0, try_mmap(self->fd, 4 * page, MAP_SHARED, b.offset));
	ASSERT_EQ(0, edumm_free(self->fd, b.handle));
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(info0.allocated_pages, info.allocated_pages);
}

TEST_F(edumm, free_while_mapped)
{
	struct edumm_info info0, info;
	__u64 *second;
	struct blk b;

	get_info(_metadata, self->fd, &info0);
	alloc_blk(_metadata, self->fd, 1, &b);
	b.map = map_blk(self->fd, &b);
	ASSERT_NE(NULL, b.map);
	second = map_blk(self->fd, &b);
	ASSERT_NE(NULL, second);
	fill_pattern(b.map, blk_bytes(&b), 7, b.handle);
	/* Two mappings of one block share the pages. */
	ASSERT_EQ(-1, check_pattern(second, blk_bytes(&b), 7, b.handle));

	ASSERT_EQ(-EBUSY, edumm_free(self->fd, b.handle));
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(info0.allocated_pages + 2, info.allocated_pages);
	ASSERT_EQ(-1, check_pattern(b.map, blk_bytes(&b), 7, b.handle));

	ASSERT_EQ(0, munmap(b.map, blk_bytes(&b)));
	ASSERT_EQ(-EBUSY, edumm_free(self->fd, b.handle)) {
		TH_LOG("freed while a second mapping is alive");
	}
	ASSERT_EQ(-1, check_pattern(second, blk_bytes(&b), 7, b.handle));
	ASSERT_EQ(0, munmap(second, blk_bytes(&b)));
	ASSERT_EQ(0, edumm_free(self->fd, b.handle));
	ASSERT_EQ(-ENOENT, edumm_free(self->fd, b.handle));
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(info0.allocated_pages, info.allocated_pages);
}

/* Every piece of a split mapping keeps the block mapped. */
TEST_F(edumm, partial_munmap)
{
	const size_t page = self->page_size;
	char *base;
	struct blk b;

	alloc_blk(_metadata, self->fd, 2, &b);
	b.map = map_blk(self->fd, &b);
	ASSERT_NE(NULL, b.map);
	base = (char *)b.map;
	memset(base, 0x5a, 4 * page);

	ASSERT_EQ(0, munmap(base, page));
	ASSERT_EQ(-EBUSY, edumm_free(self->fd, b.handle));
	/* Punch a hole: pages 1 and 3 are now two separate VMAs. */
	ASSERT_EQ(0, munmap(base + 2 * page, page));
	ASSERT_EQ(-EBUSY, edumm_free(self->fd, b.handle));
	ASSERT_EQ(0x5a, base[page]);
	ASSERT_EQ(0x5a, base[3 * page + page - 1]);
	ASSERT_EQ(0, munmap(base + page, page));
	ASSERT_EQ(-EBUSY, edumm_free(self->fd, b.handle)) {
		TH_LOG("freed while page 3 is still mapped");
	}
	ASSERT_EQ(0x5a, base[3 * page]);
	ASSERT_EQ(0, munmap(base + 3 * page, page));
	ASSERT_EQ(0, edumm_free(self->fd, b.handle));
}

/* Read one byte from @fd; 0 on EOF or error. */
static char pipe_get(int fd)
{
	char c = 0;

	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
	return c;
}

static void pipe_put(int fd, char c)
{
	while (write(fd, &c, 1) < 0 && errno == EINTR)
		;
}

#define FORK_MARK_CHILD		0xc41d0000c41d0000ULL
#define FORK_MARK_PARENT	0x9a4e0000a4e00000ULL

/*
 * Child side of fork_shared_mapping: the inherited mapping shows the
 * parent's pattern, the parent sees the child's write and vice versa.
 */
static int fork_child(const struct blk *b, int rd, int wr, size_t page)
{
	size_t words = page / sizeof(__u64);
	__u64 *map = b->map;

	if (check_pattern(map, blk_bytes(b), 11, b->handle) >= 0)
		return 10;
	map[0] = FORK_MARK_CHILD;
	pipe_put(wr, 'r');
	if (pipe_get(rd) != 'g')
		return 11;
	if (map[words] != FORK_MARK_PARENT)
		return 12;
	/* Words 0 and @words carry the markers, the rest the pattern. */
	if (check_pattern_from(map, 1, page, 11, b->handle) >= 0 ||
	    check_pattern_from(map, words + 1, blk_bytes(b), 11,
			       b->handle) >= 0)
		return 13;
	return 0;
}

TEST_F(edumm, fork_shared_mapping)
{
	const size_t page = self->page_size;
	int p2c[2], c2p[2], status;
	struct blk b;
	pid_t pid;

	alloc_blk(_metadata, self->fd, 3, &b);
	b.map = map_blk(self->fd, &b);
	ASSERT_NE(NULL, b.map);
	fill_pattern(b.map, blk_bytes(&b), 11, b.handle);
	ASSERT_EQ(0, pipe(p2c));
	ASSERT_EQ(0, pipe(c2p));

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(p2c[1]);
		close(c2p[0]);
		_exit(fork_child(&b, p2c[0], c2p[1], page));
	}
	close(p2c[0]);
	close(c2p[1]);

	ASSERT_EQ('r', pipe_get(c2p[0])) TH_LOG("child failed early");
	ASSERT_EQ(FORK_MARK_CHILD, b.map[0]) TH_LOG("child's write not seen");
	ASSERT_EQ(-1, check_pattern_from(b.map, 1, blk_bytes(&b), 11,
					 b.handle));
	b.map[page / sizeof(__u64)] = FORK_MARK_PARENT;
	ASSERT_EQ(0, munmap(b.map, blk_bytes(&b)));
	/* Our mapping is gone, the child's is not. */
	ASSERT_EQ(-EBUSY, edumm_free(self->fd, b.handle)) {
		TH_LOG("freed while the child still maps the block");
	}
	pipe_put(p2c[1], 'g');
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("child check failed");
	ASSERT_EQ(0, edumm_free(self->fd, b.handle));
	close(p2c[1]);
	close(c2p[0]);
}

/*** client lifetime ***/

TEST_F(edumm, close_frees_all)
{
	struct edumm_info info0, info;
	struct edumm_page_alloc req;
	__u64 pages = 0;
	char *text0, *text;
	unsigned int i;
	int fd2;

	drain_pcp(_metadata);
	text0 = debugfs_read(_metadata, "buddyinfo");
	get_info(_metadata, self->fd, &info0);
	fd2 = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	for (i = 0; i < 64; i++) {
		__u32 order = i % 7;

		ASSERT_EQ(0, edumm_alloc(fd2, order, all_mt[i % 3],
					 i & 1 ? EDUMM_ALLOC_NO_PCP : 0, &req));
		if (i % 5) {
			pages += 1ULL << order;
			continue;
		}
		ASSERT_EQ(0, edumm_free(fd2, req.handle));
	}
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(info0.allocated_pages + pages, info.allocated_pages);
	ASSERT_EQ(0, close(fd2));
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(info0.allocated_pages, info.allocated_pages) {
		TH_LOG("close() left %llu pages allocated",
		       info.allocated_pages - info0.allocated_pages);
	}
	drain_pcp(_metadata);
	text = debugfs_read(_metadata, "buddyinfo");
	ASSERT_STREQ(text0, text);
	free(text);
	free(text0);
	assert_check_ok(_metadata);
}

/*
 * A mapping keeps the file, and with it the client's blocks, alive after
 * close(): the pages must not go back to the pool while user space can
 * still reach them.
 */
TEST_F(edumm, close_while_mapped)
{
	struct edumm_info info0, info;
	struct blk b;
	int fd2;

	get_info(_metadata, self->fd, &info0);
	fd2 = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	alloc_blk(_metadata, fd2, 2, &b);
	b.map = map_blk(fd2, &b);
	ASSERT_NE(NULL, b.map);
	fill_pattern(b.map, blk_bytes(&b), 13, b.handle);
	ASSERT_EQ(0, close(fd2));

	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(info0.allocated_pages + 4, info.allocated_pages) {
		TH_LOG("pages of a mapped block went back to the pool");
	}
	ASSERT_EQ(-1, check_pattern(b.map, blk_bytes(&b), 13, b.handle));
	ASSERT_EQ(0, munmap(b.map, blk_bytes(&b)));
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(info0.allocated_pages, info.allocated_pages) {
		TH_LOG("last munmap after close did not free the block");
	}
}

/*** bad input ***/

TEST_F(edumm, bad_ioctl_cmd)
{
	const unsigned long cmds[] = {
		_IOR('X', 0x00, struct edumm_version),		/* magic */
		_IOR(EDUMM_IOC_MAGIC, 0x04, struct edumm_info),	/* nr */
		_IOR(EDUMM_IOC_MAGIC, 0x7f, struct edumm_info),
		_IOWR(EDUMM_IOC_MAGIC, 0xff, struct edumm_page_alloc),
		_IOR(EDUMM_IOC_MAGIC, 0x00, __u64),		/* size */
		_IOR(EDUMM_IOC_MAGIC, 0x03, struct edumm_version),
		_IOWR(EDUMM_IOC_MAGIC, 0x01, struct edumm_handle),
		_IOW(EDUMM_IOC_MAGIC, 0x02, __u32),
		_IOW(EDUMM_IOC_MAGIC, 0x00, struct edumm_version), /* dir */
		_IOW(EDUMM_IOC_MAGIC, 0x01, struct edumm_page_alloc),
		_IOR(EDUMM_IOC_MAGIC, 0x02, struct edumm_handle),
		_IO(EDUMM_IOC_MAGIC, 0x03),
		0, 0xffffffffUL,
	};
	static __u64 buf[512];
	struct edumm_info info0, info;
	unsigned int i;

	get_info(_metadata, self->fd, &info0);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		memset(buf, 0, sizeof(buf));
		ASSERT_EQ(-ENOTTY, edumm_ioctl(self->fd, cmds[i], buf)) {
			TH_LOG("ioctl cmd %#lx", cmds[i]);
		}
	}
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(info0.allocated_pages, info.allocated_pages);
}

/* PAGE_ALLOC must fail with @err and allocate nothing. */
static void expect_alloc_error(struct __test_metadata *_metadata, int fd,
			       const struct edumm_page_alloc *in, int err)
{
	struct edumm_page_alloc req = *in;
	struct edumm_info info0, info;
	int ret;

	get_info(_metadata, fd, &info0);
	ret = edumm_ioctl(fd, EDUMM_IOC_PAGE_ALLOC, &req);
	ASSERT_EQ(err, ret) {
		TH_LOG("order %u mt %u flags %#x reserved %#x: got %d (%s)",
		       in->order, in->migratetype, in->flags, in->reserved,
		       ret, strerror(-ret));
	}
	get_info(_metadata, fd, &info);
	ASSERT_EQ(info0.allocated_pages, info.allocated_pages);
}

TEST_F(edumm, bad_order)
{
	const __u32 orders[] = {
		EDUMM_MAX_ORDER, EDUMM_MAX_ORDER + 1, 31, 32, 64, 0x80000000U,
		0xffffffffU,
	};
	struct edumm_page_alloc req = { .migratetype = EDUMM_MIGRATE_MOVABLE };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		req.order = orders[i];
		req.flags = 0;
		expect_alloc_error(_metadata, self->fd, &req, -EINVAL);
		req.flags = EDUMM_ALLOC_NO_WATERMARKS | EDUMM_ALLOC_NO_PCP;
		expect_alloc_error(_metadata, self->fd, &req, -EINVAL);
	}
}

TEST_F(edumm, bad_migratetype)
{
	const __u32 mts[] = {
		EDUMM_MIGRATE_INVALID, EDUMM_MIGRATE_RECLAIMABLE + 1, 5, 0xff,
		0x80000001U, 0xffffffffU,
	};
	struct edumm_page_alloc req = { 0 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mts); i++) {
		req.migratetype = mts[i];
		req.order = i % 2 ? 0 : 4;
		expect_alloc_error(_metadata, self->fd, &req, -EINVAL);
	}
}

TEST_F(edumm, bad_flags)
{
	struct edumm_page_alloc req = { .migratetype = EDUMM_MIGRATE_MOVABLE };
	__u32 bit, flags;

	for (bit = 3; bit < 32; bit++) {
		req.flags = 1U << bit;
		expect_alloc_error(_metadata, self->fd, &req, -EINVAL);
		req.flags = EDUMM_ALLOC_FLAGS_MASK | 1U << bit;
		expect_alloc_error(_metadata, self->fd, &req, -EINVAL);
	}
	req.flags = ~EDUMM_ALLOC_FLAGS_MASK;
	expect_alloc_error(_metadata, self->fd, &req, -EINVAL);
	req.flags = ~0U;
	expect_alloc_error(_metadata, self->fd, &req, -EINVAL);

	/* Every combination of the known bits is accepted. */
	for (flags = 0; flags <= EDUMM_ALLOC_FLAGS_MASK; flags++) {
		ASSERT_EQ(0, edumm_alloc(self->fd, flags % 4,
					 EDUMM_MIGRATE_MOVABLE, flags, &req)) {
			TH_LOG("flags %#x refused", flags);
		}
		ASSERT_EQ(0, edumm_free(self->fd, req.handle));
	}
}

TEST_F(edumm, bad_reserved)
{
	const __u32 values[] = { 1, 0x100, 0x80000000U, 0xffffffffU };
	struct edumm_page_alloc req = { .migratetype = EDUMM_MIGRATE_MOVABLE };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(values); i++) {
		req.reserved = values[i];
		expect_alloc_error(_metadata, self->fd, &req, -EINVAL);
	}
}

TEST_F(edumm, bad_handle)
{
	const __u64 bogus[] = {
		0, 1ULL << 32, 1ULL << 63, ~0ULL, 0xdeadbeefULL,
	};
	struct edumm_info info0, info;
	__u64 seen[200];
	struct blk b;
	unsigned int i, j;

	get_info(_metadata, self->fd, &info0);
	alloc_blk(_metadata, self->fd, 0, &b);
	for (i = 0; i < ARRAY_SIZE(bogus); i++) {
		if (bogus[i] == b.handle)
			continue;
		ASSERT_EQ(-ENOENT, edumm_free(self->fd, bogus[i])) {
			TH_LOG("free of handle %#llx", bogus[i]);
		}
	}
	ASSERT_EQ(-ENOENT, edumm_free(self->fd, b.handle + 1000000));
	ASSERT_EQ(0, edumm_free(self->fd, b.handle));
	ASSERT_EQ(-ENOENT, edumm_free(self->fd, b.handle));

	/* Handles are never reused within the life of the file. */
	seen[0] = b.handle;
	for (i = 1; i < ARRAY_SIZE(seen); i++) {
		alloc_blk(_metadata, self->fd, i % 3, &b);
		ASSERT_NE(0, b.handle);
		for (j = 0; j < i && seen[j] != b.handle; j++)
			;
		ASSERT_EQ(i, j) TH_LOG("handle %llu reused", b.handle);
		seen[i] = b.handle;
		ASSERT_EQ(0, edumm_free(self->fd, b.handle));
	}
	for (i = 0; i < ARRAY_SIZE(seen); i++)
		ASSERT_EQ(-ENOENT, edumm_free(self->fd, seen[i]));
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(info0.allocated_pages, info.allocated_pages);
}

/* A client cannot free or map another client's blocks. */
TEST_F(edumm, foreign_handle)
{
	struct blk b;
	int fd2;

	fd2 = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	alloc_blk(_metadata, self->fd, 1, &b);
	ASSERT_EQ(-ENOENT, edumm_free(fd2, b.handle));
	ASSERT_EQ(-EINVAL, try_mmap(fd2, blk_bytes(&b), MAP_SHARED, b.offset));
	ASSERT_EQ(0, close(fd2));
	ASSERT_EQ(0, try_mmap(self->fd, blk_bytes(&b), MAP_SHARED, b.offset));
	ASSERT_EQ(0, edumm_free(self->fd, b.handle));
}

static void expect_efault(struct __test_metadata *_metadata, int fd,
			  void *arg, const char *what)
{
	static const unsigned long cmds[] = {
		EDUMM_IOC_VERSION, EDUMM_IOC_PAGE_ALLOC, EDUMM_IOC_FREE,
		EDUMM_IOC_INFO,
	};
	struct edumm_info info0, info;
	unsigned int i;

	get_info(_metadata, fd, &info0);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		ASSERT_EQ(-EFAULT, edumm_ioctl(fd, cmds[i], arg)) {
			TH_LOG("ioctl %#lx with %s pointer %p", cmds[i], what,
			       arg);
		}
	}
	get_info(_metadata, fd, &info);
	ASSERT_EQ(info0.allocated_pages, info.allocated_pages);
}

TEST_F(edumm, bad_pointer)
{
	const size_t page = self->page_size;
	struct edumm_page_alloc *req;
	struct edumm_info info0, info;
	struct edumm_handle *h;
	struct blk b;
	char *p;

	expect_efault(_metadata, self->fd, NULL, "NULL");
	expect_efault(_metadata, self->fd, (void *)0xffffffff81000000ULL,
		      "kernel");

	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, munmap(p + page, page));
	expect_efault(_metadata, self->fd, p + page, "unmapped");
	/* A struct that runs off the end of the mapping. */
	req = (void *)(p + page - 16);
	memset(req, 0, 16);
	req->order = 0;
	req->migratetype = EDUMM_MIGRATE_MOVABLE;
	expect_efault(_metadata, self->fd, p + page - 4, "straddling");
	ASSERT_EQ(-EFAULT, edumm_ioctl(self->fd, EDUMM_IOC_PAGE_ALLOC, req));

	/* Read-only memory: fine for input, EFAULT for output. */
	req = (void *)p;
	memset(req, 0, sizeof(*req));
	req->migratetype = EDUMM_MIGRATE_MOVABLE;
	alloc_blk(_metadata, self->fd, 0, &b);
	h = (void *)(p + 2048);
	h->handle = b.handle;
	ASSERT_EQ(0, mprotect(p, page, PROT_READ));
	get_info(_metadata, self->fd, &info0);
	ASSERT_EQ(-EFAULT, edumm_ioctl(self->fd, EDUMM_IOC_VERSION, p));
	ASSERT_EQ(-EFAULT, edumm_ioctl(self->fd, EDUMM_IOC_INFO, p));
	ASSERT_EQ(-EFAULT, edumm_ioctl(self->fd, EDUMM_IOC_PAGE_ALLOC, req));
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(info0.allocated_pages, info.allocated_pages) {
		TH_LOG("a PAGE_ALLOC whose result could not be copied out kept its block");
	}
	ASSERT_EQ(0, edumm_ioctl(self->fd, EDUMM_IOC_FREE, h)) {
		TH_LOG("FREE must only read its argument");
	}
	ASSERT_EQ(0, munmap(p, page));
}

/*** several clients at once ***/

#define NR_CHURNERS	4

/* One churning client in its own process; returns the exit status. */
static int run_churner(int start_fd, __u64 seed, const struct edumm_info *info)
{
	struct churn c;
	int fd;

	pipe_get(start_fd);	/* wait for everybody */
	fd = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "# seed %#llx: open: %s\n", seed,
			strerror(errno));
		return 1;
	}
	churn_init(&c, fd, seed, info, 64);
	if (!c.live)
		return 1;
	c.max_pages = info->pool_pages / (4 * NR_CHURNERS);
	c.max_order = 5;
	if (churn_run(&c, 3000, 250)) {
		fprintf(stderr, "# seed %#llx: %s\n", seed, c.err);
		return 1;
	}
	close(fd);
	return 0;
}

TEST_F_TIMEOUT(edumm, concurrent_churn, 600)
{
	__u64 seed = test_seed(0x4c0c4c0c);
	struct edumm_info info0, info;
	pid_t pids[NR_CHURNERS];
	int start[2], status, i;

	get_info(_metadata, self->fd, &info0);
	ASSERT_EQ(0, pipe(start));
	TH_LOG("seeds %#llx + 0..%d", seed, NR_CHURNERS - 1);
	for (i = 0; i < NR_CHURNERS; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i] == 0) {
			close(start[1]);
			_exit(run_churner(start[0], seed + i, &info0));
		}
	}
	close(start[0]);
	close(start[1]);	/* EOF: go */
	for (i = 0; i < NR_CHURNERS; i++) {
		ASSERT_EQ(pids[i], waitpid(pids[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) {
			TH_LOG("churner %d (seed %#llx) failed, status %#x", i,
			       seed + i, status);
		}
	}
	ASSERT_TRUE(_metadata->passed);
	drain_pcp(_metadata);
	assert_check_ok(_metadata);
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(info0.allocated_pages, info.allocated_pages);
	ASSERT_EQ(0, info.pcp_pages);
}

/*** debugfs ***/

TEST_F(edumm, debugfs_buddyinfo)
{
	struct zone_free *zones = calloc(MAX_ZONES, sizeof(*zones));
	struct zone_free *kzones = calloc(MAX_ZONES, sizeof(*kzones));
	unsigned long total = 0, after = 0;
	struct edumm_info info;
	char *text, *text2;
	struct blk b;
	int nz, z;

	ASSERT_NE(NULL, zones);
	ASSERT_NE(NULL, kzones);
	/* The reference: our formatter reproduces /proc/buddyinfo. */
	text = read_text("/proc/buddyinfo");
	ASSERT_NE(NULL, text);
	ASSERT_LT(0, parse_buddyinfo(_metadata, text, kzones, MAX_ZONES));
	free(text);

	drain_pcp(_metadata);
	text = debugfs_read(_metadata, "buddyinfo");
	get_info(_metadata, self->fd, &info);
	nz = parse_buddyinfo(_metadata, text, zones, MAX_ZONES);
	ASSERT_EQ(info.nr_zones, nz);
	for (z = 0; z < nz; z++) {
		ASSERT_LE(0, zones[z].node);
		ASSERT_GT(info.nr_nodes, zones[z].node);
		total += zone_free_pages(&zones[z]);
	}
	ASSERT_EQ(info.free_pages, total);

	/* A block taken from the buddy lists shows up, and comes back. */
	alloc_blk(_metadata, self->fd, PCP_MAX_ORDER + 2, &b);
	text2 = debugfs_read(_metadata, "buddyinfo");
	ASSERT_EQ(nz, parse_buddyinfo(_metadata, text2, zones, MAX_ZONES));
	for (z = 0; z < nz; z++)
		after += zone_free_pages(&zones[z]);
	ASSERT_EQ(total - (1UL << b.order), after);
	free(text2);
	ASSERT_EQ(0, edumm_free(self->fd, b.handle));
	text2 = debugfs_read(_metadata, "buddyinfo");
	ASSERT_STREQ(text, text2);
	free(text2);
	free(text);
	free(kzones);
	free(zones);
}

/* Check the pagetypeinfo "Number of blocks type" header line. */
static void check_blocks_header(struct __test_metadata *_metadata,
				const char *line, char types[][16], int nt)
{
	char want[512];
	size_t len;
	int t;

	len = snprintf(want, sizeof(want), "%-23s", "Number of blocks type ");
	for (t = 0; t < nt; t++)
		len += snprintf(want + len, sizeof(want) - len, "%12s ",
				types[t]);
	ASSERT_STREQ(want, line);
}

#define MAX_TYPES	8

struct pti_zone {
	char name[32];
	int node;
	unsigned long nr_free[EDUMM_MAX_ORDER];	/* summed over types */
	unsigned long blocks;			/* summed over types */
};

TEST_F(edumm, debugfs_pagetypeinfo)
{
	struct zone_info *zi = calloc(MAX_ZONES, sizeof(*zi));
	struct zone_free zones[MAX_ZONES];
	struct pti_zone pz[MAX_ZONES];
	char types[MAX_TYPES][16];
	char line[512], want[512], hdr[512];
	char *text, *bi, *proc;
	const char *p;
	int nt = 0, npz = 0, nz, nzi, z, o, i, t = 0, got;
	size_t len;

	ASSERT_NE(NULL, zi);
	memset(pz, 0, sizeof(pz));
	drain_pcp(_metadata);
	text = debugfs_read(_metadata, "pagetypeinfo");
	bi = debugfs_read(_metadata, "buddyinfo");
	nz = parse_buddyinfo(_metadata, bi, zones, MAX_ZONES);
	nzi = read_zoneinfo(_metadata, zi, MAX_ZONES);
	ASSERT_EQ(nz, nzi);

	len = snprintf(hdr, sizeof(hdr), "%-43s ",
		       "Free pages count per migrate type at order");
	for (o = 0; o < EDUMM_MAX_ORDER; o++)
		len += snprintf(hdr + len, sizeof(hdr) - len, "%6d ", o);
	/* Our reference header is /proc/pagetypeinfo's (root only). */
	proc = read_text("/proc/pagetypeinfo");
	if (proc) {
		ASSERT_NE(NULL, strstr(proc, hdr));
		free(proc);
	}

	p = text;
	p = next_line(_metadata, p, line, sizeof(line));
	ASSERT_STREQ("Page block order: 9", line);
	p = next_line(_metadata, p, line, sizeof(line));
	ASSERT_STREQ("Pages per block:  512", line);
	p = next_line(_metadata, p, line, sizeof(line));
	ASSERT_STREQ("", line);
	p = next_line(_metadata, p, line, sizeof(line));
	ASSERT_STREQ(hdr, line);

	/* Free block rows: one per zone and type. */
	for (;;) {
		unsigned long f[EDUMM_MAX_ORDER];
		char zname[32], tname[16];
		int node;

		p = next_line(_metadata, p, line, sizeof(line));
		if (!line[0])
			break;
		got = sscanf(line, "Node %d, zone %31[^,], type %15s "
			     SCAN_ORDERS, &node, zname, tname, &f[0], &f[1],
			     &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8],
			     &f[9], &f[10]);
		ASSERT_EQ(3 + EDUMM_MAX_ORDER, got) {
			TH_LOG("bad pagetypeinfo line '%s'", line);
		}
		/* %31[^,] keeps the %8s padding: strip it. */
		memmove(zname, zname + strspn(zname, " "),
			strlen(zname + strspn(zname, " ")) + 1);
		len = snprintf(want, sizeof(want), "Node %4d, zone %8s, type %12s ",
			       node, zname, tname);
		for (o = 0; o < EDUMM_MAX_ORDER; o++)
			len += snprintf(want + len, sizeof(want) - len, "%6lu ",
					f[o]);
		ASSERT_STREQ(want, line) TH_LOG("not /proc/pagetypeinfo format");

		if (!npz || strcmp(pz[npz - 1].name, zname) ||
		    pz[npz - 1].node != node) {
			ASSERT_LT(npz, MAX_ZONES);
			snprintf(pz[npz].name, sizeof(pz[npz].name), "%s",
				 zname);
			pz[npz].node = node;
			npz++;
			t = 0;
		} else {
			t++;
		}
		if (npz == 1) {
			ASSERT_LT(nt, MAX_TYPES);
			snprintf(types[nt++], sizeof(types[0]), "%s", tname);
		} else {
			ASSERT_LT(t, nt);
			ASSERT_STREQ(types[t], tname);
		}
		for (o = 0; o < EDUMM_MAX_ORDER; o++)
			pz[npz - 1].nr_free[o] += f[o];
	}
	ASSERT_EQ(nz, npz);
	ASSERT_LE(3, nt) TH_LOG("fewer than three migratetypes");
	ASSERT_STREQ("Unmovable", types[0]);
	ASSERT_STREQ("Movable", types[1]);
	ASSERT_STREQ("Reclaimable", types[2]);
	for (z = 0; z < nz; z++) {
		ASSERT_STREQ(zones[z].name, pz[z].name);
		for (o = 0; o < EDUMM_MAX_ORDER; o++) {
			ASSERT_EQ(zones[z].nr_free[o], pz[z].nr_free[o]) {
				TH_LOG("zone %s order %d: buddyinfo %lu, pagetypeinfo %lu",
				       pz[z].name, o, zones[z].nr_free[o],
				       pz[z].nr_free[o]);
			}
		}
	}

	/* Pageblock counts. */
	p = next_line(_metadata, p, line, sizeof(line));
	check_blocks_header(_metadata, line, types, nt);
	for (z = 0; z < nz; z++) {
		unsigned long v;

		p = next_line(_metadata, p, line, sizeof(line));
		len = snprintf(want, sizeof(want), "Node %d, zone %8s ",
			       pz[z].node, pz[z].name);
		ASSERT_EQ(0, strncmp(want, line, len)) {
			TH_LOG("expected block counts of %s, got '%s'", want,
			       line);
		}
		for (i = 0; i < nt; i++) {
			/* "%12lu " columns after the "Node %d, zone %8s " */
			ASSERT_LT(len, strlen(line)) TH_LOG("'%s'", line);
			got = sscanf(line + len, "%lu", &v);
			ASSERT_EQ(1, got) TH_LOG("'%s'", line);
			pz[z].blocks += v;
			len += snprintf(want + len, sizeof(want) - len,
					"%12lu ", v);
		}
		ASSERT_STREQ(want, line);
		/* Every pool page is in exactly one counted pageblock. */
		ASSERT_LE(zi[z].managed, pz[z].blocks << PAGEBLOCK_ORDER);
		ASSERT_GE(zi[z].managed, pz[z].blocks);
	}
	free(text);
	free(bi);
	free(zi);
}

TEST_F(edumm, debugfs_zoneinfo)
{
	struct zone_info *zones = calloc(MAX_ZONES, sizeof(*zones));
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long managed = 0, free_pages = 0;
	struct edumm_info info;
	int nz, z, c;

	ASSERT_NE(NULL, zones);
	drain_pcp(_metadata);
	get_info(_metadata, self->fd, &info);
	nz = read_zoneinfo(_metadata, zones, MAX_ZONES);
	ASSERT_EQ(info.nr_zones, nz);
	for (z = 0; z < nz; z++) {
		struct zone_info *zn = &zones[z];

		managed += zn->managed;
		free_pages += zn->free;
		ASSERT_LE(zn->managed, zn->present);
		ASSERT_LE(zn->present, zn->spanned);
		ASSERT_LE(zn->free, zn->managed);
		ASSERT_LE(zn->min, zn->low);
		ASSERT_LE(zn->low, zn->high);
		if (zn->managed >= 1024) {
			ASSERT_LT(0, zn->min);
			ASSERT_LT(zn->min, zn->low);
			ASSERT_LT(zn->low, zn->high);
			ASSERT_GT(zn->managed, zn->high);
		}
		ASSERT_EQ(ncpus, zn->nr_cpus) TH_LOG("zone %s", zn->name);
		for (c = 0; c < zn->nr_cpus; c++) {
			struct pcp_info *pcp = &zn->pcp[c];

			if (c)
				ASSERT_LT(zn->pcp[c - 1].cpu, pcp->cpu);
			ASSERT_EQ(0, pcp->count) TH_LOG("cpu %d", pcp->cpu);
			ASSERT_LE(1, pcp->batch);
			ASSERT_LE(pcp->batch, pcp->high);
		}
	}
	ASSERT_EQ(info.pool_pages, managed);
	ASSERT_EQ(info.free_pages, free_pages);
	free(zones);
}

struct pool_key {
	const char *name;
	unsigned long long value;
	bool found;
};

TEST_F(edumm, debugfs_pool)
{
	struct pool_key keys[] = {
		{ .name = "pool_pages" }, { .name = "free_pages" },
		{ .name = "pcp_pages" }, { .name = "allocated_pages" },
		{ .name = "chunks" }, { .name = "metadata_bytes" },
	};
	enum { POOL, FREE, PCP, ALLOCATED, CHUNKS, METADATA };
	char line[512], name[64], value[256];
	struct edumm_info info;
	unsigned int i, nr_lines = 0;
	char *text;
	int got;
	const char *p;
	struct blk b;

	drain_pcp(_metadata);
	alloc_blk(_metadata, self->fd, 3, &b);
	get_info(_metadata, self->fd, &info);
	text = debugfs_read(_metadata, "pool");
	for (p = text; *p; nr_lines++) {
		char *end;

		p = next_line(_metadata, p, line, sizeof(line));
		got = sscanf(line, "%63[a-z0-9_]: %255[^\n]", name, value);
		ASSERT_EQ(2, got) {
			TH_LOG("pool line '%s' is not 'key: value'", line);
		}
		for (i = 0; i < ARRAY_SIZE(keys); i++) {
			if (strcmp(keys[i].name, name))
				continue;
			ASSERT_FALSE(keys[i].found) TH_LOG("%s twice", name);
			keys[i].found = true;
			keys[i].value = strtoull(value, &end, 10);
			ASSERT_EQ(0, *end) TH_LOG("%s: '%s'", name, value);
		}
	}
	for (i = 0; i < ARRAY_SIZE(keys) && keys[i].found; i++)
		;
	ASSERT_EQ(ARRAY_SIZE(keys), i) TH_LOG("no '%s:' line", keys[i].name);
	ASSERT_LT(ARRAY_SIZE(keys), nr_lines) TH_LOG("no counters");
	ASSERT_EQ(info.pool_pages, keys[POOL].value);
	ASSERT_EQ(info.free_pages, keys[FREE].value);
	ASSERT_EQ(info.pcp_pages, keys[PCP].value);
	ASSERT_EQ(info.allocated_pages, keys[ALLOCATED].value);
	ASSERT_EQ(info.metadata_bytes, keys[METADATA].value);
	ASSERT_LE((info.pool_pages + 1023) / 1024, keys[CHUNKS].value);
	ASSERT_GE(info.pool_pages, keys[CHUNKS].value);
	free(text);
	ASSERT_EQ(0, edumm_free(self->fd, b.handle));
}

static void expect_control_einval(struct __test_metadata *_metadata,
				  const char *cmd)
{
	int ret = control_write(cmd);

	ASSERT_EQ(-EINVAL, ret) TH_LOG("control accepted '%s' (%d)", cmd, ret);
}

TEST_F(edumm, debugfs_control)
{
	static const char * const bad[] = {
		"bogus", "drainx", "chec", "drain drain", "DRAIN", " ",
	};
	struct edumm_info info;
	struct stat st;
	char big[4096];
	unsigned int i;
	struct blk b;

	ASSERT_EQ(0, stat(EDUMM_DEBUGFS "/control", &st));
	ASSERT_EQ(0, st.st_mode & 0444) TH_LOG("control is write-only");
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		expect_control_einval(_metadata, bad[i]);
	memset(big, 'd', sizeof(big));
	ASSERT_EQ(-EINVAL, control_write_len(big, sizeof(big)));
	/* nothing after a command but one newline, not even behind a NUL */
	ASSERT_EQ(-EINVAL, control_write_len("drain\0x", 7));
	ASSERT_EQ(-EINVAL, control_write_len("check\0", 6));
	expect_control_einval(_metadata, "drain\n\n");
	expect_control_einval(_metadata, "check x");
	expect_control_einval(_metadata, "pcp 3 5x");
	expect_control_einval(_metadata, "pcp 3 5 7");

	ASSERT_EQ(0, control_write("check"));
	ASSERT_EQ(0, control_write("check\n"));
	ASSERT_EQ(0, control_write("drain\n"));
	/* drain empties the per-CPU lists. */
	alloc_blk(_metadata, self->fd, 0, &b);
	ASSERT_EQ(0, edumm_free(self->fd, b.handle));
	ASSERT_EQ(0, control_write("drain"));
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(0, info.pcp_pages);
}

TEST_F(edumm, debugfs_check)
{
	struct edumm_page_alloc req;
	unsigned int i;

	assert_check_ok(_metadata);
	/* Allocated blocks, split blocks and full pcp lists are all fine. */
	for (i = 0; i < 40; i++)
		ASSERT_EQ(0, edumm_alloc(self->fd, i % 5, all_mt[i % 3],
					 i & 8 ? EDUMM_ALLOC_NO_PCP : 0, &req));
	assert_check_ok(_metadata);
	ASSERT_EQ(0, control_write("check"));
	assert_check_ok(_metadata);
}

/*
 * Fault injection (debugfs edumm/fail/, the knobs of the kernel's
 * fault_attr): injected failures must surface as ENOMEM, exactly "times"
 * of them, every "interval"-th eligible call, and leave the pool sound.
 */
static int fail_knob_write(const char *knob, const char *val)
{
	char path[256];
	ssize_t n;
	int fd, err;

	snprintf(path, sizeof(path), "%s/fail/%s", EDUMM_DEBUGFS, knob);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	err = errno;
	close(fd);
	return n < 0 ? -err : 0;
}

static long fail_knob_read(struct __test_metadata *_metadata, const char *knob)
{
	char name[64];
	char *text;
	long v;

	snprintf(name, sizeof(name), "fail/%s", knob);
	text = debugfs_read(_metadata, name);
	v = strtol(text, NULL, 10);
	free(text);
	return v;
}

static void fail_reset(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, fail_knob_write("probability", "0"));
	ASSERT_EQ(0, fail_knob_write("interval", "1"));
	ASSERT_EQ(0, fail_knob_write("times", "1"));
	ASSERT_EQ(0, fail_knob_write("space", "0"));
	ASSERT_EQ(0, fail_knob_write("verbose", "0"));
}

TEST_F(edumm, fault_injection)
{
	struct edumm_info before, after;
	struct edumm_page_alloc req;
	long injected;
	unsigned int i;
	int fails = 0;

	drain_pcp(_metadata);
	get_info(_metadata, self->fd, &before);
	injected = fail_knob_read(_metadata, "injected");

	/* Out-of-range values are refused. */
	ASSERT_EQ(-EINVAL, fail_knob_write("probability", "101"));
	ASSERT_EQ(-EINVAL, fail_knob_write("interval", "0"));
	ASSERT_EQ(-EINVAL, fail_knob_write("times", "-2"));
	ASSERT_EQ(-EINVAL, fail_knob_write("verbose", "2"));
	ASSERT_EQ(-EINVAL, fail_knob_write("probability", "abc"));

	/*
	 * probability 100, times 2: the next two eligible calls fail, then
	 * injection is spent.  An allocation consults the knobs at one point
	 * at least (the buddy, the bookkeeping), so of 6 allocations exactly
	 * two fail, with ENOMEM.
	 */
	ASSERT_EQ(0, fail_knob_write("times", "2"));
	ASSERT_EQ(0, fail_knob_write("probability", "100"));
	for (i = 0; i < 6; i++) {
		int ret = edumm_alloc(self->fd, i % 4, EDUMM_MIGRATE_MOVABLE, 0, &req);

		if (ret) {
			ASSERT_EQ(-ENOMEM, ret);
			fails++;
		} else {
			ASSERT_EQ(0, edumm_free(self->fd, req.handle));
		}
	}
	EXPECT_EQ(2, fails);
	EXPECT_EQ(0, fail_knob_read(_metadata, "times"));
	EXPECT_EQ(injected + 2, fail_knob_read(_metadata, "injected"));

	/*
	 * interval 5, unlimited: every 5th eligible call fails, and each
	 * injected failure fails exactly one allocation.  An allocation
	 * makes 1 to 3 eligible calls (the bookkeeping before and after the
	 * buddy, and the buddy): between 60 / 5 and 3 * 60 / 5 failures.
	 */
	injected = fail_knob_read(_metadata, "injected");
	ASSERT_EQ(0, fail_knob_write("interval", "5"));
	ASSERT_EQ(0, fail_knob_write("times", "-1"));
	fails = 0;
	for (i = 0; i < 60; i++) {
		int ret = edumm_alloc(self->fd, 0, EDUMM_MIGRATE_UNMOVABLE, 0, &req);

		if (ret) {
			ASSERT_EQ(-ENOMEM, ret);
			fails++;
		} else {
			ASSERT_EQ(0, edumm_free(self->fd, req.handle));
		}
	}
	EXPECT_EQ(injected + fails, fail_knob_read(_metadata, "injected"));
	EXPECT_GE(fails, 60 / 5);
	EXPECT_LE(fails, 3 * 60 / 5);
	fail_reset(_metadata);

	/* Off again: everything succeeds, and the pool is as it was. */
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, edumm_alloc(self->fd, i % 4, EDUMM_MIGRATE_MOVABLE, 0, &req));
		ASSERT_EQ(0, edumm_free(self->fd, req.handle));
	}
	drain_pcp(_metadata);
	get_info(_metadata, self->fd, &after);
	EXPECT_EQ(before.free_pages, after.free_pages);
	EXPECT_EQ(before.allocated_pages, after.allocated_pages);
	assert_check_ok(_metadata);
}

TEST_HARNESS_MAIN
