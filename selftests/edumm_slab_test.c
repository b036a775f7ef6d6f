// SPDX-License-Identifier: GPL-2.0
/*
 * edumm_slab_test - kselftests of edumm's slab layer through /dev/edumm:
 * the three designs (SLUB, SLAB, SLOB), kmalloc, the debug checks, and
 * the slab files of /sys/kernel/debug/edumm/.
 *
 * Every test opens /dev/edumm in FIXTURE_SETUP(): a fresh client, whose
 * caches and objects go away when the test ends.  The "design" fixture
 * runs each of its tests once per design.
 *
 * objperslab: for every cache of the running kernel's /proc/slabinfo that
 * /sys/kernel/slab/ describes, an edumm SLUB cache of the same object size,
 * alignment and flags (the kernel cache's own red_zone, poison,
 * store_user ..., so that the debug kernel's SLUB_DEBUG_ON caches are
 * compared with debug caches) must get the kernel's objperslab and
 * pagesperslab.  Where the kernel's slot is larger than edumm's for the
 * same flags (KASAN's per-object metadata, which edumm does not have) the
 * comparison is made on the slot itself: an edumm cache whose object is
 * the kernel's whole slot.  The table is printed as "# objperslab ..."
 * lines.
 *
 * The corruption test needs the module loaded with allow_corruption=1: it
 * reloads edumm.ko (EDUMM_KO, default /edumm.ko as in the test VM) with
 * its current parameters plus allow_corruption=1, and back afterwards.
 *
 * Without the device the tests SKIP, unless EDUMM_REQUIRE_DEVICE is set.
 * Randomised tests print their seed; EDUMM_SEED=<n> replays one.
 *
 * Build: make -C selftests KSFT_DIR=<dir with kselftest_harness.h>
 * Run:   ./edumm_slab_test [-h]   (as root, with edumm.ko loaded)
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
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
#define EDUMM_PARAMS		"/sys/module/edumm/parameters"
#define HARNESS_SKIP_EXIT	255

static const char * const design_names[] = { "?", "slub", "slab", "slob" };

/*** small helpers ***/

static int ioc(int fd, unsigned long cmd, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, cmd, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

static char *read_text(const char *path)
{
	size_t len = 0, cap = 16384;
	char *buf = malloc(cap), *nbuf;
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap *= 2;
			nbuf = realloc(buf, cap);
			if (!nbuf)
				break;
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
}

/* A file holding one number; -1 if it cannot be read. */
static long read_num(const char *path)
{
	char *t = read_text(path);
	long v = -1;

	if (t && (isdigit((unsigned char)t[0]) || t[0] == '-'))
		v = strtol(t, NULL, 10);
	free(t);
	return v;
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int err;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	err = errno;
	close(fd);
	return n < 0 ? -err : 0;
}

static void drain(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, write_text(EDUMM_DEBUGFS "/control", "drain"));
}

static void assert_check_ok(struct __test_metadata *_metadata)
{
	char *t = read_text(EDUMM_DEBUGFS "/check");

	ASSERT_NE(NULL, t);
	ASSERT_STREQ("ok\n", t) TH_LOG("check says:\n%s", t);
	free(t);
}

static void pool_info(struct __test_metadata *_metadata, int fd,
		      struct edumm_info *info)
{
	ASSERT_EQ(0, ioc(fd, EDUMM_IOC_INFO, info));
}

static __u64 rnd(__u64 *s)
{
	__u64 x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static __u64 test_seed(__u64 fallback)
{
	const char *env = getenv("EDUMM_SEED");
	__u64 seed = env && *env ? strtoull(env, NULL, 0) : fallback;

	return seed ? seed : 1;
}

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

/*** ioctl wrappers ***/

static int cache_create(int fd, const char *name, __u32 size, __u32 align,
			__u32 flags, __u32 design,
			struct edumm_cache_create *cc)
{
	memset(cc, 0, sizeof(*cc));
	snprintf(cc->name, sizeof(cc->name), "%s", name);
	cc->size = size;
	cc->align = align;
	cc->flags = flags;
	cc->design = design;
	return ioc(fd, EDUMM_IOC_CACHE_CREATE, cc);
}

static int cache_destroy(int fd, __u64 cache)
{
	struct edumm_cache_ref r = { .cache = cache };

	return ioc(fd, EDUMM_IOC_CACHE_DESTROY, &r);
}

static int cache_query(int fd, __u64 cache, __u32 flags,
		       struct edumm_cache_query *q)
{
	memset(q, 0, sizeof(*q));
	q->cache = cache;
	q->flags = flags;
	return ioc(fd, EDUMM_IOC_CACHE_INFO, q);
}

static int obj_alloc(int fd, __u64 cache, __u32 flags, __u64 *obj)
{
	struct edumm_obj_alloc a = { .cache = cache, .flags = flags };
	int ret = ioc(fd, EDUMM_IOC_OBJ_ALLOC, &a);

	*obj = a.object;
	return ret;
}

static int obj_free(int fd, __u64 obj)
{
	struct edumm_obj_ref r = { .object = obj };

	return ioc(fd, EDUMM_IOC_OBJ_FREE, &r);
}

static int k_free(int fd, __u64 obj)
{
	struct edumm_obj_ref r = { .object = obj };

	return ioc(fd, EDUMM_IOC_KFREE, &r);
}

static int obj_rw(int fd, bool write, __u64 obj, __u32 off, void *buf,
		  __u32 len)
{
	struct edumm_obj_rw rw = {
		.object = obj, .buf = (uintptr_t)buf, .offset = off,
		.length = len,
	};

	return ioc(fd, write ? EDUMM_IOC_OBJ_WRITE : EDUMM_IOC_OBJ_READ, &rw);
}

static int k_malloc(int fd, __u64 size, __u32 flags, struct edumm_kmalloc *km)
{
	memset(km, 0, sizeof(*km));
	km->size = size;
	km->flags = flags;
	return ioc(fd, EDUMM_IOC_KMALLOC, km);
}

/* The byte pattern of object @h at offset @i. */
static unsigned char pat(__u64 h, size_t i)
{
	return (unsigned char)(h * 131 + i * 7 + 1);
}

static void fill(unsigned char *buf, __u64 h, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pat(h, i);
}

static void write_pattern(struct __test_metadata *_metadata, int fd,
			  __u64 h, __u32 size)
{
	unsigned char *buf = malloc(size);

	ASSERT_NE(NULL, buf);
	fill(buf, h, size);
	ASSERT_EQ(0, obj_rw(fd, true, h, 0, buf, size));
	free(buf);
}

static void verify_pattern(struct __test_metadata *_metadata, int fd,
			   __u64 h, __u32 size)
{
	unsigned char *buf = malloc(size), *want = malloc(size);

	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, want);
	fill(want, h, size);
	ASSERT_EQ(0, obj_rw(fd, false, h, 0, buf, size));
	ASSERT_EQ(0, memcmp(buf, want, size)) {
		TH_LOG("object %llu (%u bytes): pattern damaged",
		       (unsigned long long)h, size);
	}
	free(buf);
	free(want);
}

/*** fixtures ***/

FIXTURE(slab) {
	int fd;
};

FIXTURE_SETUP(slab)
{
	self->fd = open_dev(_metadata);
}

FIXTURE_TEARDOWN(slab)
{
	if (self->fd >= 0)
		close(self->fd);
}

FIXTURE(design) {
	int fd;
	char name[32];
};

FIXTURE_VARIANT(design) {
	__u32 design;
};

FIXTURE_VARIANT_ADD(design, slub) { .design = EDUMM_DESIGN_SLUB, };
FIXTURE_VARIANT_ADD(design, slab) { .design = EDUMM_DESIGN_SLAB, };
FIXTURE_VARIANT_ADD(design, slob) { .design = EDUMM_DESIGN_SLOB, };

FIXTURE_SETUP(design)
{
	self->fd = open_dev(_metadata);
}

FIXTURE_TEARDOWN(design)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* A cache name unique to this process and @tag. */
static const char *uname_of(char *buf, const char *tag, __u32 design)
{
	snprintf(buf, 32, "t-%s-%s-%d", design_names[design], tag, getpid());
	return buf;
}

/*** the designs ***/

TEST_F(design, create_info_destroy)
{
	struct edumm_cache_create cc;
	struct edumm_cache_query q;
	__u64 obj;
	char *t;

	ASSERT_EQ(0, cache_create(self->fd, uname_of(self->name, "a", variant->design),
				  100, 0, 0, variant->design, &cc));
	ASSERT_NE(0, cc.cache);
	ASSERT_LE(100, cc.slab_size);
	ASSERT_TRUE(variant->design == EDUMM_DESIGN_SLOB || cc.objs_per_slab > 0);
	ASSERT_EQ(0, cc.reserved2);

	ASSERT_EQ(0, cache_query(self->fd, cc.cache, 0, &q));
	ASSERT_STREQ(self->name, q.name);
	ASSERT_EQ(variant->design, q.design);
	ASSERT_EQ(100, q.object_size);
	ASSERT_EQ(cc.slab_size, q.slab_size);
	ASSERT_EQ(cc.objs_per_slab, q.objs_per_slab);
	ASSERT_EQ(cc.order, q.order);
	ASSERT_EQ(0, q.objects);

	ASSERT_EQ(0, obj_alloc(self->fd, cc.cache, 0, &obj));
	ASSERT_NE(0, obj);
	ASSERT_EQ(0, cache_query(self->fd, cc.cache, 0, &q));
	ASSERT_EQ(1, q.objects);
	ASSERT_LE(1, q.active_objs);

	/* the cache is in debugfs slabinfo and has its slab/ directory */
	t = read_text(EDUMM_DEBUGFS "/slabinfo");
	ASSERT_NE(NULL, t);
	ASSERT_EQ(0, strncmp(t, "slabinfo - version: 2.1\n", 24));
	ASSERT_NE(NULL, strstr(t, self->name)) TH_LOG("%s", t);
	free(t);
	{
		char path[256];

		snprintf(path, sizeof(path), EDUMM_DEBUGFS "/slab/%s/design",
			 self->name);
		t = read_text(path);
		ASSERT_NE(NULL, t) TH_LOG("%s: %s", path, strerror(errno));
		ASSERT_EQ(0, strncmp(t, design_names[variant->design], 4));
		free(t);
		snprintf(path, sizeof(path), EDUMM_DEBUGFS "/slab/%s/object_size",
			 self->name);
		ASSERT_EQ(100, read_num(path));
	}

	ASSERT_EQ(0, obj_free(self->fd, obj));
	ASSERT_EQ(-ENOENT, obj_free(self->fd, obj));
	ASSERT_EQ(0, cache_destroy(self->fd, cc.cache));
	ASSERT_EQ(-ENOENT, cache_destroy(self->fd, cc.cache));
	ASSERT_EQ(-ENOENT, cache_query(self->fd, cc.cache, 0, &q));
	{
		char path[256];
		struct stat st;

		snprintf(path, sizeof(path), EDUMM_DEBUGFS "/slab/%s",
			 self->name);
		ASSERT_NE(0, stat(path, &st));
	}
}

#define CHURN_CACHES	3
#define CHURN_LIVE	400

/* Random alloc/free over three caches; every live object holds a pattern. */
static void churn(struct __test_metadata *_metadata, int fd, __u32 design,
		  __u64 seed, unsigned int ops, const char *tag)
{
	static const __u32 sizes[] = { 8, 24, 100, 256, 700, 3000, 5000 };
	struct edumm_cache_create cc[CHURN_CACHES];
	struct edumm_cache_query q;
	__u64 live[CHURN_LIVE];
	int live_cache[CHURN_LIVE];
	unsigned int nr = 0, i, c;
	__u64 s = seed;
	char name[32];
	int ret;

	for (c = 0; c < CHURN_CACHES; c++) {
		char t[16];

		snprintf(t, sizeof(t), "%s%u", tag, c);
		ASSERT_EQ(0, cache_create(fd, uname_of(name, t, design),
					  sizes[rnd(&s) % 7], 0, 0, design,
					  &cc[c]));
	}
	for (i = 0; i < ops; i++) {
		if (nr < CHURN_LIVE && (nr == 0 || rnd(&s) % 100 < 55)) {
			c = rnd(&s) % CHURN_CACHES;
			ret = obj_alloc(fd, cc[c].cache, 0, &live[nr]);
			ASSERT_EQ(0, ret) TH_LOG("alloc: %s", strerror(-ret));
			live_cache[nr] = c;
			write_pattern(_metadata, fd, live[nr], cc[c].size);
			nr++;
		} else {
			unsigned int k = rnd(&s) % nr;

			c = live_cache[k];
			verify_pattern(_metadata, fd, live[k], cc[c].size);
			ASSERT_EQ(0, obj_free(fd, live[k]));
			live[k] = live[--nr];
			live_cache[k] = live_cache[nr];
		}
	}
	for (i = 0; i < nr; i++) {
		verify_pattern(_metadata, fd, live[i], cc[live_cache[i]].size);
		ASSERT_EQ(0, obj_free(fd, live[i]));
	}
	for (c = 0; c < CHURN_CACHES; c++) {
		ASSERT_EQ(0, cache_query(fd, cc[c].cache,
					 EDUMM_CACHE_INFO_VALIDATE, &q));
		ASSERT_EQ(0, q.validate_errors);
		ASSERT_EQ(0, q.errors);
		ASSERT_EQ(0, q.objects);
		ASSERT_EQ(0, cache_destroy(fd, cc[c].cache));
	}
}

TEST_F_TIMEOUT(design, integrity_churn, 300)
{
	__u64 seed = test_seed(0x51ab0001ULL + variant->design);

	TH_LOG("seed %llu (EDUMM_SEED replays)", (unsigned long long)seed);
	churn(_metadata, self->fd, variant->design, seed, 3000, "c");
	drain(_metadata);
	assert_check_ok(_metadata);
}

TEST_F_TIMEOUT(design, bulk, 300)
{
	static __u64 h[EDUMM_BULK_MAX + 1];
	struct edumm_obj_bulk b = { 0 };
	struct edumm_cache_create cc;
	struct edumm_cache_query q;
	unsigned int i, j;
	__u64 saved;

	ASSERT_EQ(0, cache_create(self->fd, uname_of(self->name, "b", variant->design),
				  64, 0, 0, variant->design, &cc));
	b.cache = cc.cache;
	b.objects = (uintptr_t)h;
	b.count = EDUMM_BULK_MAX;
	ASSERT_EQ(0, ioc(self->fd, EDUMM_IOC_OBJ_BULK_ALLOC, &b));
	for (i = 0; i < EDUMM_BULK_MAX; i++) {
		ASSERT_NE(0, h[i]);
		ASSERT_TRUE(!i || h[i - 1] < h[i]);
	}
	ASSERT_EQ(0, cache_query(self->fd, cc.cache, 0, &q));
	ASSERT_EQ(EDUMM_BULK_MAX, q.objects);
	ASSERT_LE(EDUMM_BULK_MAX, q.active_objs);
	for (i = 0; i < EDUMM_BULK_MAX; i += 97)
		write_pattern(_metadata, self->fd, h[i], 64);
	for (i = 0; i < EDUMM_BULK_MAX; i += 97)
		verify_pattern(_metadata, self->fd, h[i], 64);

	/* a duplicate: nothing is freed */
	saved = h[5];
	h[5] = h[4];
	ASSERT_EQ(-ENOENT, ioc(self->fd, EDUMM_IOC_OBJ_BULK_FREE, &b));
	h[5] = saved;
	ASSERT_EQ(0, cache_query(self->fd, cc.cache, 0, &q));
	ASSERT_EQ(EDUMM_BULK_MAX, q.objects);
	/* an unknown handle: nothing is freed */
	h[7] = 0;
	ASSERT_EQ(-ENOENT, ioc(self->fd, EDUMM_IOC_OBJ_BULK_FREE, &b));
	ASSERT_EQ(0, cache_query(self->fd, cc.cache, 0, &q));
	ASSERT_EQ(EDUMM_BULK_MAX, q.objects);
	h[7] = h[6] + 1;

	ASSERT_EQ(0, ioc(self->fd, EDUMM_IOC_OBJ_BULK_FREE, &b));
	ASSERT_EQ(0, cache_query(self->fd, cc.cache, 0, &q));
	ASSERT_EQ(0, q.objects);
	for (j = 0; j < EDUMM_BULK_MAX; j += 101)
		ASSERT_EQ(-ENOENT, obj_free(self->fd, h[j]));

	/* counts, flags, pointers */
	b.count = 0;
	ASSERT_EQ(-EINVAL, ioc(self->fd, EDUMM_IOC_OBJ_BULK_ALLOC, &b));
	ASSERT_EQ(-EINVAL, ioc(self->fd, EDUMM_IOC_OBJ_BULK_FREE, &b));
	b.count = EDUMM_BULK_MAX + 1;
	ASSERT_EQ(-EINVAL, ioc(self->fd, EDUMM_IOC_OBJ_BULK_ALLOC, &b));
	ASSERT_EQ(-EINVAL, ioc(self->fd, EDUMM_IOC_OBJ_BULK_FREE, &b));
	b.count = 4;
	b.flags = 0x100;
	ASSERT_EQ(-EINVAL, ioc(self->fd, EDUMM_IOC_OBJ_BULK_ALLOC, &b));
	b.flags = 0;
	b.objects = 8;	/* unmapped: the objects are taken back */
	ASSERT_EQ(-EFAULT, ioc(self->fd, EDUMM_IOC_OBJ_BULK_ALLOC, &b));
	ASSERT_EQ(-EFAULT, ioc(self->fd, EDUMM_IOC_OBJ_BULK_FREE, &b));
	ASSERT_EQ(0, cache_query(self->fd, cc.cache, 0, &q));
	ASSERT_EQ(0, q.objects);
	b.cache = cc.cache + 1000;
	b.objects = (uintptr_t)h;
	ASSERT_EQ(-ENOENT, ioc(self->fd, EDUMM_IOC_OBJ_BULK_ALLOC, &b));
	ASSERT_EQ(0, cache_destroy(self->fd, cc.cache));
}

TEST_F(design, ctor_and_zero)
{
	unsigned char buf[64], ones[64];
	struct edumm_cache_create cc, cz;
	__u64 a, b;
	int i;

	ASSERT_EQ(-EINVAL, cache_create(self->fd, uname_of(self->name, "x", variant->design),
					EDUMM_CTOR_BYTES - 1, 0,
					EDUMM_CACHE_CTOR_PATTERN, variant->design, &cc));
	ASSERT_EQ(0, cache_create(self->fd, uname_of(self->name, "ctor", variant->design),
				  64, 0, EDUMM_CACHE_CTOR_PATTERN, variant->design,
				  &cc));
	ASSERT_EQ(0, obj_alloc(self->fd, cc.cache, 0, &a));
	ASSERT_EQ(0, obj_rw(self->fd, false, a, 0, buf, sizeof(buf)));
	for (i = 0; i < EDUMM_CTOR_BYTES; i++)
		ASSERT_EQ(EDUMM_CTOR_BYTE, buf[i]);

	ASSERT_EQ(0, cache_create(self->fd, uname_of(self->name, "zero", variant->design),
				  64, 0, 0, variant->design, &cz));
	memset(ones, 0xff, sizeof(ones));
	ASSERT_EQ(0, obj_alloc(self->fd, cz.cache, 0, &b));
	ASSERT_EQ(0, obj_rw(self->fd, true, b, 0, ones, sizeof(ones)));
	ASSERT_EQ(0, obj_free(self->fd, b));
	ASSERT_EQ(0, obj_alloc(self->fd, cz.cache, EDUMM_OBJ_ZERO, &b));
	ASSERT_EQ(0, obj_rw(self->fd, false, b, 0, buf, sizeof(buf)));
	for (i = 0; i < 64; i++)
		ASSERT_EQ(0, buf[i]);
	ASSERT_EQ(0, obj_free(self->fd, b));
	ASSERT_EQ(0, obj_free(self->fd, a));
	ASSERT_EQ(0, cache_destroy(self->fd, cc.cache));
	ASSERT_EQ(0, cache_destroy(self->fd, cz.cache));
}

TEST_F(design, destroy_with_objects_refused)
{
	struct edumm_cache_create cc;
	__u64 a, b;

	ASSERT_EQ(0, cache_create(self->fd, uname_of(self->name, "busy", variant->design),
				  128, 0, 0, variant->design, &cc));
	ASSERT_EQ(0, obj_alloc(self->fd, cc.cache, 0, &a));
	ASSERT_EQ(-EBUSY, cache_destroy(self->fd, cc.cache));
	/* still usable */
	ASSERT_EQ(0, obj_alloc(self->fd, cc.cache, 0, &b));
	write_pattern(_metadata, self->fd, b, 128);
	verify_pattern(_metadata, self->fd, b, 128);
	ASSERT_EQ(0, obj_free(self->fd, a));
	ASSERT_EQ(-EBUSY, cache_destroy(self->fd, cc.cache));
	ASSERT_EQ(0, obj_free(self->fd, b));
	ASSERT_EQ(0, cache_destroy(self->fd, cc.cache));
}

TEST_F_TIMEOUT(design, shrink_returns_pages, 300)
{
	struct edumm_cache_shrink sh = { 0 };
	struct edumm_cache_create cc;
	struct edumm_info before, after;
	static __u64 h[EDUMM_BULK_MAX];
	struct edumm_obj_bulk b = { 0 };

	drain(_metadata);
	pool_info(_metadata, self->fd, &before);
	ASSERT_EQ(0, cache_create(self->fd, uname_of(self->name, "shr", variant->design),
				  256, 0, 0, variant->design, &cc));
	b.cache = cc.cache;
	b.objects = (uintptr_t)h;
	b.count = EDUMM_BULK_MAX;
	ASSERT_EQ(0, ioc(self->fd, EDUMM_IOC_OBJ_BULK_ALLOC, &b));
	pool_info(_metadata, self->fd, &after);
	/* 256 KiB of objects came from the buddy */
	ASSERT_LE(before.allocated_pages + 64, after.allocated_pages);
	ASSERT_EQ(0, ioc(self->fd, EDUMM_IOC_OBJ_BULK_FREE, &b));
	sh.cache = cc.cache;
	ASSERT_EQ(0, ioc(self->fd, EDUMM_IOC_CACHE_SHRINK, &sh));
	TH_LOG("shrink gave back %llu pages", (unsigned long long)sh.pages);
	drain(_metadata);
	pool_info(_metadata, self->fd, &after);
	/* every slab page of the cache is back: the cache is empty */
	ASSERT_EQ(before.allocated_pages, after.allocated_pages);
	ASSERT_EQ(0, cache_destroy(self->fd, cc.cache));
	sh.cache = cc.cache;
	ASSERT_EQ(-ENOENT, ioc(self->fd, EDUMM_IOC_CACHE_SHRINK, &sh));
	assert_check_ok(_metadata);
}

/* Closing the file frees every cache and object: the pool is as before. */
TEST_F_TIMEOUT(design, close_frees_everything, 300)
{
	struct edumm_info before, after;
	struct edumm_cache_create cc[3];
	struct edumm_kmalloc km;
	static __u64 h[512];
	struct edumm_obj_bulk b = { 0 };
	char name[32], tag[8];
	__u64 obj;
	int fd2, c, i;

	drain(_metadata);
	pool_info(_metadata, self->fd, &before);
	fd2 = open_dev(_metadata);
	for (c = 0; c < 3; c++) {
		snprintf(tag, sizeof(tag), "cl%d", c);
		ASSERT_EQ(0, cache_create(fd2, uname_of(name, tag, variant->design),
					  32 << (3 * c), 0, 0, variant->design,
					  &cc[c]));
		for (i = 0; i < 100; i++)
			ASSERT_EQ(0, obj_alloc(fd2, cc[c].cache, 0, &obj));
	}
	b.cache = cc[0].cache;
	b.objects = (uintptr_t)h;
	b.count = 512;
	ASSERT_EQ(0, ioc(fd2, EDUMM_IOC_OBJ_BULK_ALLOC, &b));
	for (i = 0; i < 50; i++)
		ASSERT_EQ(0, k_malloc(fd2, 1 + i * 331, 0, &km));
	ASSERT_EQ(0, k_malloc(fd2, 100000, 0, &km));
	pool_info(_metadata, self->fd, &after);
	ASSERT_LT(before.allocated_pages, after.allocated_pages);
	close(fd2);
	drain(_metadata);
	pool_info(_metadata, self->fd, &after);
	ASSERT_EQ(before.free_pages, after.free_pages);
	ASSERT_EQ(before.allocated_pages, after.allocated_pages);
	assert_check_ok(_metadata);
}

/*** kmalloc ***/

/* ksize() the kernel gives for @size (6.1 SLUB classes, kmalloc_large). */
static __u64 expected_ksize(__u64 size)
{
	static const unsigned int small[] = { 8, 16, 32, 64, 96, 128, 192 };
	__u64 c;
	unsigned int i;

	for (i = 0; i < 7; i++)
		if (size <= small[i] && (small[i] != 96 || size > 64) &&
		    (small[i] != 192 || size > 128))
			return small[i];
	if (size <= 8192) {
		for (c = 256; c < size; c <<= 1)
			;
		return c;
	}
	for (c = 4096; c < size; c <<= 1)
		;
	return c;
}

TEST_F_TIMEOUT(slab, kmalloc_boundaries, 300)
{
	static const __u64 bounds[] = {
		8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
	};
	struct edumm_kmalloc km;
	struct edumm_ksize ks;
	unsigned int i;
	int d, ret;
	__u64 s;
	char *t;

	for (i = 0; i < ARRAY_SIZE(bounds); i++) {
		for (d = -1; d <= 1; d++) {
			s = bounds[i] + d;
			ret = k_malloc(self->fd, s, 0, &km);
			ASSERT_EQ(0, ret) TH_LOG("kmalloc(%llu): %s",
						 (unsigned long long)s, strerror(-ret));
			ASSERT_EQ(expected_ksize(s), km.ksize) {
				TH_LOG("kmalloc(%llu): ksize %llu, the kernel's class is %llu",
				       (unsigned long long)s,
				       (unsigned long long)km.ksize,
				       (unsigned long long)expected_ksize(s));
			}
			ks.object = km.object;
			ASSERT_EQ(0, ioc(self->fd, EDUMM_IOC_KSIZE, &ks));
			ASSERT_EQ(km.ksize, ks.ksize);
			ASSERT_EQ(s, ks.size);
			write_pattern(_metadata, self->fd, km.object, s);
			verify_pattern(_metadata, self->fd, km.object, s);
			ASSERT_EQ(0, k_free(self->fd, km.object));
		}
	}
	/* 1 and the largest */
	ASSERT_EQ(0, k_malloc(self->fd, 1, EDUMM_OBJ_ZERO, &km));
	ASSERT_EQ(8, km.ksize);
	ASSERT_EQ(0, k_free(self->fd, km.object));
	ASSERT_EQ(0, k_malloc(self->fd, EDUMM_KMALLOC_MAX_BYTES, 0, &km));
	ASSERT_EQ(EDUMM_KMALLOC_MAX_BYTES, km.ksize);
	ASSERT_EQ(0, k_free(self->fd, km.object));
	/* the other class sets */
	ASSERT_EQ(0, k_malloc(self->fd, 100, EDUMM_OBJ_RECLAIMABLE, &km));
	ASSERT_EQ(128, km.ksize);
	ASSERT_EQ(0, k_free(self->fd, km.object));
	ASSERT_EQ(0, k_malloc(self->fd, 100, EDUMM_OBJ_DMA, &km));
	ASSERT_EQ(128, km.ksize);
	ASSERT_EQ(0, k_free(self->fd, km.object));

	t = read_text(EDUMM_DEBUGFS "/kmalloc");
	ASSERT_NE(NULL, t);
	ASSERT_NE(NULL, strstr(t, "kmalloc-96"));
	ASSERT_NE(NULL, strstr(t, "kmalloc-8k"));
	free(t);
	t = read_text(EDUMM_DEBUGFS "/slabinfo");
	ASSERT_NE(NULL, t);
	ASSERT_NE(NULL, strstr(t, "\nkmalloc-192 "));
	ASSERT_NE(NULL, strstr(t, "\nkmalloc-rcl-64 "));
	ASSERT_NE(NULL, strstr(t, "\ndma-kmalloc-64 "));
	free(t);
}

TEST_F(slab, krealloc)
{
	struct edumm_krealloc kr = { 0 };
	struct edumm_kmalloc km;
	struct edumm_ksize ks;
	unsigned char buf[300];
	int i;

	ASSERT_EQ(0, k_malloc(self->fd, 100, 0, &km));
	write_pattern(_metadata, self->fd, km.object, 100);
	/* 100 -> 120: kmalloc-128 still fits, in place */
	kr.object = km.object;
	kr.size = 120;
	ASSERT_EQ(0, ioc(self->fd, EDUMM_IOC_KREALLOC, &kr));
	ASSERT_EQ(0, kr.moved);
	ASSERT_EQ(128, kr.ksize);
	ASSERT_EQ(0, obj_rw(self->fd, false, km.object, 0, buf, 100));
	for (i = 0; i < 100; i++)
		ASSERT_EQ(pat(km.object, i), buf[i]);
	/* 120 -> 300: moved to kmalloc-512, the bytes come along */
	kr.size = 300;
	kr.flags = EDUMM_OBJ_ZERO;
	ASSERT_EQ(0, ioc(self->fd, EDUMM_IOC_KREALLOC, &kr));
	ASSERT_EQ(1, kr.moved);
	ASSERT_EQ(512, kr.ksize);
	ASSERT_EQ(0, obj_rw(self->fd, false, km.object, 0, buf, 300));
	for (i = 0; i < 100; i++)
		ASSERT_EQ(pat(km.object, i), buf[i]);
	ks.object = km.object;
	ASSERT_EQ(0, ioc(self->fd, EDUMM_IOC_KSIZE, &ks));
	ASSERT_EQ(300, ks.size);
	/* bounds follow the new size */
	ASSERT_EQ(-EINVAL, obj_rw(self->fd, false, km.object, 0, buf, 301));
	/* to a large block and back */
	kr.size = 20000;
	kr.flags = 0;
	ASSERT_EQ(0, ioc(self->fd, EDUMM_IOC_KREALLOC, &kr));
	ASSERT_EQ(1, kr.moved);
	ASSERT_EQ(0, obj_rw(self->fd, false, km.object, 0, buf, 100));
	for (i = 0; i < 100; i++)
		ASSERT_EQ(pat(km.object, i), buf[i]);
	kr.size = 0;
	ASSERT_EQ(-EINVAL, ioc(self->fd, EDUMM_IOC_KREALLOC, &kr));
	kr.size = EDUMM_KMALLOC_MAX_BYTES + 1;
	ASSERT_EQ(-EINVAL, ioc(self->fd, EDUMM_IOC_KREALLOC, &kr));
	ASSERT_EQ(0, k_free(self->fd, km.object));
	kr.size = 64;
	ASSERT_EQ(-ENOENT, ioc(self->fd, EDUMM_IOC_KREALLOC, &kr));
}

/* Free blocks per order, all zones summed, from debugfs buddyinfo. */
static void buddy_counts(struct __test_metadata *_metadata,
			 unsigned long counts[EDUMM_MAX_ORDER])
{
	char *t = read_text(EDUMM_DEBUGFS "/buddyinfo"), *p, *q;
	unsigned long v;
	int o;

	ASSERT_NE(NULL, t);
	memset(counts, 0, sizeof(unsigned long) * EDUMM_MAX_ORDER);
	for (p = t; (q = strstr(p, "zone")); p = q) {
		q += 4;
		while (*q == ' ')
			q++;
		while (*q && *q != ' ')
			q++;
		for (o = 0; o < EDUMM_MAX_ORDER; o++) {
			v = strtoul(q, &q, 10);
			counts[o] += v;
		}
	}
	free(t);
}

static unsigned long pages_of(const unsigned long counts[EDUMM_MAX_ORDER])
{
	unsigned long n = 0;
	int o;

	for (o = 0; o < EDUMM_MAX_ORDER; o++)
		n += counts[o] << o;
	return n;
}

TEST_F(slab, kmalloc_large_takes_buddy_pages)
{
	static const __u64 sizes[] = { 8193, 16384, 65536, 100000, 1 << 20 };
	unsigned long before[EDUMM_MAX_ORDER], during[EDUMM_MAX_ORDER];
	unsigned long after[EDUMM_MAX_ORDER];
	struct edumm_kmalloc km;
	unsigned int i, order;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		order = 0;
		while ((4096ULL << order) < sizes[i])
			order++;
		drain(_metadata);
		buddy_counts(_metadata, before);
		ASSERT_EQ(0, k_malloc(self->fd, sizes[i], 0, &km));
		ASSERT_EQ(4096ULL << order, km.ksize);
		drain(_metadata);
		buddy_counts(_metadata, during);
		/* exactly one order-N block left the free lists */
		ASSERT_EQ(pages_of(before) - (1UL << order), pages_of(during)) {
			TH_LOG("kmalloc(%llu): free pages %lu -> %lu, expected -%lu",
			       (unsigned long long)sizes[i], pages_of(before),
			       pages_of(during), 1UL << order);
		}
		TH_LOG("kmalloc(%llu): order %u, free order-%u blocks %lu -> %lu",
		       (unsigned long long)sizes[i], order, order,
		       before[order], during[order]);
		ASSERT_EQ(0, k_free(self->fd, km.object));
		drain(_metadata);
		buddy_counts(_metadata, after);
		ASSERT_EQ(0, memcmp(before, after, sizeof(before)))
			TH_LOG("buddyinfo not back after kfree(%llu)",
			       (unsigned long long)sizes[i]);
	}
}

/*** bad input ***/

TEST_F(slab, bad_input_errno)
{
	struct edumm_cache_create cc, ok;
	struct edumm_cache_query q;
	struct edumm_kmalloc km;
	struct edumm_obj_alloc oa = { 0 };
	struct edumm_corrupt cr = { 0 };
	unsigned char buf[128];
	char name[32], longname[40];
	__u64 obj, kobj;
	char *allow;

	uname_of(name, "bad", 1);
	/* design */
	ASSERT_EQ(-EINVAL, cache_create(self->fd, name, 64, 0, 0, 0, &cc));
	ASSERT_EQ(-EINVAL, cache_create(self->fd, name, 64, 0, 0,
					EDUMM_DESIGN_DEFAULT + 1, &cc));
	/* size */
	ASSERT_EQ(-EINVAL, cache_create(self->fd, name, 0, 0, 0, 1, &cc));
	ASSERT_EQ(-EINVAL, cache_create(self->fd, name, EDUMM_CACHE_MAX_SIZE + 1,
					0, 0, 1, &cc));
	/* align */
	ASSERT_EQ(-EINVAL, cache_create(self->fd, name, 64, 3, 0, 1, &cc));
	ASSERT_EQ(-EINVAL, cache_create(self->fd, name, 64, 8192, 0, 1, &cc));
	/* flags, reserved */
	ASSERT_EQ(-EINVAL, cache_create(self->fd, name, 64, 0, 0x100, 1, &cc));
	memset(&cc, 0, sizeof(cc));
	strcpy(cc.name, name);
	cc.size = 64;
	cc.design = 1;
	cc.reserved = 1;
	ASSERT_EQ(-EINVAL, ioc(self->fd, EDUMM_IOC_CACHE_CREATE, &cc));
	/* names: empty, 32 characters (no NUL), bad characters */
	ASSERT_EQ(-EINVAL, cache_create(self->fd, "", 64, 0, 0, 1, &cc));
	memset(longname, 'n', sizeof(longname));
	longname[32] = '\0';
	memset(&cc, 0, sizeof(cc));
	memcpy(cc.name, longname, 32);
	cc.size = 64;
	cc.design = 1;
	ASSERT_EQ(-EINVAL, ioc(self->fd, EDUMM_IOC_CACHE_CREATE, &cc));
	ASSERT_EQ(-EINVAL, cache_create(self->fd, "a/b", 64, 0, 0, 1, &cc));
	ASSERT_EQ(-EINVAL, cache_create(self->fd, "a b", 64, 0, 0, 1, &cc));
	/* 31 characters are fine */
	longname[31] = '\0';
	ASSERT_EQ(0, cache_create(self->fd, longname, 64, 0,
				  EDUMM_CACHE_POISON, 1, &cc));
	ASSERT_EQ(0, cache_destroy(self->fd, cc.cache));
	/* a duplicate name, also a kmalloc cache's */
	ASSERT_EQ(0, cache_create(self->fd, name, 64, 0, EDUMM_CACHE_POISON, 1, &ok));
	ASSERT_EQ(-EEXIST, cache_create(self->fd, name, 64, 0, 0, 2, &cc));
	ASSERT_EQ(-EEXIST, cache_create(self->fd, "kmalloc-64", 64, 0, 0, 1, &cc));
	/* bad pointer */
	ASSERT_EQ(-EFAULT, ioc(self->fd, EDUMM_IOC_CACHE_CREATE, NULL));
	ASSERT_EQ(-EFAULT, ioc(self->fd, EDUMM_IOC_CACHE_INFO, (void *)8));
	/* unknown cache ids */
	ASSERT_EQ(-ENOENT, cache_destroy(self->fd, 0));
	ASSERT_EQ(-ENOENT, cache_destroy(self->fd, ok.cache + 1000));
	ASSERT_EQ(-ENOENT, cache_query(self->fd, ~0ULL, 0, &q));
	ASSERT_EQ(-EINVAL, cache_query(self->fd, ok.cache, 2, &q));
	ASSERT_EQ(-ENOENT, obj_alloc(self->fd, 0, 0, &obj));
	/* alloc flags */
	oa.cache = ok.cache;
	oa.flags = EDUMM_OBJ_RECLAIMABLE;
	ASSERT_EQ(-EINVAL, ioc(self->fd, EDUMM_IOC_OBJ_ALLOC, &oa));
	oa.flags = 0;
	oa.reserved = 1;
	ASSERT_EQ(-EINVAL, ioc(self->fd, EDUMM_IOC_OBJ_ALLOC, &oa));

	/* object bounds */
	ASSERT_EQ(0, obj_alloc(self->fd, ok.cache, 0, &obj));
	ASSERT_EQ(0, obj_rw(self->fd, false, obj, 0, buf, 64));
	ASSERT_EQ(0, obj_rw(self->fd, true, obj, 63, buf, 1));
	ASSERT_EQ(-EINVAL, obj_rw(self->fd, false, obj, 0, buf, 65));
	ASSERT_EQ(-EINVAL, obj_rw(self->fd, true, obj, 64, buf, 1));
	ASSERT_EQ(-EINVAL, obj_rw(self->fd, true, obj, 1, buf, 64));
	ASSERT_EQ(-EINVAL, obj_rw(self->fd, true, obj, 0xffffffffU, buf, 2));
	ASSERT_EQ(-EINVAL, obj_rw(self->fd, false, obj, 0, buf, 0));
	ASSERT_EQ(-EINVAL, obj_rw(self->fd, false, obj, 0, buf,
				  EDUMM_OBJ_RW_MAX + 1));
	ASSERT_EQ(-EFAULT, obj_rw(self->fd, false, obj, 0, (void *)8, 4));
	ASSERT_EQ(-EFAULT, obj_rw(self->fd, true, obj, 0, (void *)8, 4));
	ASSERT_EQ(-ENOENT, obj_rw(self->fd, false, obj + 1000, 0, buf, 4));

	/* kmalloc */
	ASSERT_EQ(-EINVAL, k_malloc(self->fd, 0, 0, &km));
	ASSERT_EQ(-EINVAL, k_malloc(self->fd, EDUMM_KMALLOC_MAX_BYTES + 1, 0, &km));
	ASSERT_EQ(-EINVAL, k_malloc(self->fd, 64, 0x10, &km));
	ASSERT_EQ(-EINVAL, k_malloc(self->fd, 64, EDUMM_OBJ_DMA |
				    EDUMM_OBJ_RECLAIMABLE, &km));
	ASSERT_EQ(0, k_malloc(self->fd, 64, 0, &km));
	kobj = km.object;
	/* a handle of the other kind */
	ASSERT_EQ(-ENOENT, obj_free(self->fd, kobj));
	ASSERT_EQ(-ENOENT, k_free(self->fd, obj));
	ASSERT_EQ(0, k_free(self->fd, kobj));
	ASSERT_EQ(-ENOENT, k_free(self->fd, kobj));

	/* corruption without allow_corruption=1 */
	allow = read_text(EDUMM_PARAMS "/allow_corruption");
	ASSERT_NE(NULL, allow);
	cr.object = obj;
	cr.op = EDUMM_CORRUPT_REDZONE;
	/* allowed: a cache without RED_ZONE is -EINVAL */
	ASSERT_EQ(allow[0] == 'N' ? -EPERM : -EINVAL,
		  ioc(self->fd, EDUMM_IOC_CORRUPT, &cr));
	free(allow);

	/* a known number with the wrong size is unknown */
	ASSERT_EQ(-ENOTTY, ioc(self->fd, _IOWR(EDUMM_IOC_MAGIC, 0x10, __u64), &cc));
	ASSERT_EQ(-ENOTTY, ioc(self->fd, _IOWR(EDUMM_IOC_MAGIC, 0x2f, __u64), &cc));

	ASSERT_EQ(-EBUSY, cache_destroy(self->fd, ok.cache));
	ASSERT_EQ(0, obj_free(self->fd, obj));
	ASSERT_EQ(0, cache_destroy(self->fd, ok.cache));
}

/*** concurrency: 4 processes x 3 designs ***/

TEST_F_TIMEOUT(slab, concurrent_churn_4x3, 600)
{
	__u64 seed = test_seed(0x51ab4000ULL);
	int status, p, fails = 0;
	pid_t pids[4];

	TH_LOG("seed %llu (EDUMM_SEED replays)", (unsigned long long)seed);
	for (p = 0; p < 4; p++) {
		pids[p] = fork();
		ASSERT_LE(0, pids[p]);
		if (!pids[p]) {
			int fd = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
			__u32 d;

			if (fd < 0)
				_exit(2);
			/* the three designs in turn, all processes at once */
			for (d = EDUMM_DESIGN_SLUB; d <= EDUMM_DESIGN_SLOB; d++) {
				char tag[8];

				snprintf(tag, sizeof(tag), "p%d", p);
				churn(_metadata, fd, d, seed + p * 7 + d, 1500,
				      tag);
				if (!_metadata->passed)
					_exit(1);
			}
			close(fd);
			_exit(0);
		}
	}
	for (p = 0; p < 4; p++) {
		ASSERT_EQ(pids[p], waitpid(pids[p], &status, 0));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			fails++;
	}
	ASSERT_EQ(0, fails);
	drain(_metadata);
	assert_check_ok(_metadata);
}

/*** objperslab against /proc/slabinfo ***/

/* /sys/kernel/slab/<cache>/<attr> as a number, -1 if missing. */
static long kattr(const char *cache, const char *attr)
{
	char path[512];

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/%s", cache, attr);
	return read_num(path);
}

static bool kernel_has_ctor(const char *cache)
{
	char path[512], *t;
	bool ret;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/ctor", cache);
	t = read_text(path);
	ret = t && t[0] && t[0] != '\n';
	free(t);
	return ret;
}

/* True if the running kernel has KASAN (its symbols are in kallsyms). */
static bool kernel_has_kasan(void)
{
	char line[512];
	bool ret = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " kasan_")) {
			ret = true;
			break;
		}
	fclose(f);
	return ret;
}

/* One row of the comparison table. */
static void table_row(const char *kname, long osize, long align, long slot,
		      const char *fl, unsigned long objper, unsigned long pages,
		      const struct edumm_cache_create *cc, const char *how)
{
	printf("# objperslab: %-22s %7ld %5ld %5ld %-5s", kname, osize, align,
	       slot, fl);
	printf(" | %6lu %5lu | %6u %5u | %s\n", objper, pages,
	       cc->objs_per_slab, 1U << cc->order, how);
}

TEST_F_TIMEOUT(slab, objperslab_matches_kernel, 600)
{
	char *text = read_text("/proc/slabinfo"), *line, *save = NULL;
	unsigned int compared = 0, slot_compared = 0, idx = 0, mismatched = 0;
	bool kasan = kernel_has_kasan();

	ASSERT_NE(NULL, text) TH_LOG("/proc/slabinfo: %s", strerror(errno));
	/* the harness ends the test child with _exit(): no buffered lines */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# objperslab: kernel /proc/slabinfo vs edumm SLUB %s\n",
	       "(same object_size, align, flags)");
	printf("# objperslab: %-22s %7s %5s %5s %-5s | %6s %5s | %6s %5s | %s\n",
	       "cache", "objsize", "align", "slot", "flags", "k.objs", "k.pgs",
	       "e.objs", "e.pgs", "compared on");
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long active, num, size, objper, pages;
		struct edumm_cache_create cc;
		char kname[64], ename[32], fl[8];
		long osize, align, slab_size;
		__u32 flags = 0;
		int ret;

		if (sscanf(line, "%63s %lu %lu %lu %lu %lu", kname, &active,
			   &num, &size, &objper, &pages) != 6)
			continue;
		osize = kattr(kname, "object_size");
		align = kattr(kname, "align");
		slab_size = kattr(kname, "slab_size");
		if (osize <= 0 || align <= 0 || slab_size <= 0 ||
		    osize > EDUMM_CACHE_MAX_SIZE || align > 4096)
			continue;
		if (kattr(kname, "red_zone") == 1)
			flags |= EDUMM_CACHE_RED_ZONE;
		if (kattr(kname, "poison") == 1)
			flags |= EDUMM_CACHE_POISON;
		if (kattr(kname, "store_user") == 1)
			flags |= EDUMM_CACHE_STORE_USER;
		if (kattr(kname, "sanity_checks") == 1)
			flags |= EDUMM_CACHE_CONSISTENCY_CHECKS;
		if (kattr(kname, "hwcache_align") == 1)
			flags |= EDUMM_CACHE_HWCACHE_ALIGN;
		if (kattr(kname, "reclaim_account") == 1)
			flags |= EDUMM_CACHE_RECLAIM_ACCOUNT;
		if (kattr(kname, "destroy_by_rcu") == 1)
			flags |= EDUMM_CACHE_TYPESAFE_BY_RCU;
		if (kattr(kname, "cache_dma") == 1)
			flags |= EDUMM_CACHE_DMA;
		if (kernel_has_ctor(kname)) {
			if (osize < EDUMM_CTOR_BYTES)
				continue;
			flags |= EDUMM_CACHE_CTOR_PATTERN;
		}
		snprintf(fl, sizeof(fl), "%s%s%s%s%s",
			 flags & EDUMM_CACHE_RED_ZONE ? "Z" : "",
			 flags & EDUMM_CACHE_POISON ? "P" : "",
			 flags & EDUMM_CACHE_STORE_USER ? "U" : "",
			 flags & EDUMM_CACHE_CTOR_PATTERN ? "C" : "",
			 flags & EDUMM_CACHE_TYPESAFE_BY_RCU ? "R" : "");
		snprintf(ename, sizeof(ename), "k%u-%d", idx++, getpid());
		ret = cache_create(self->fd, ename, osize, align, flags,
				   EDUMM_DESIGN_SLUB, &cc);
		ASSERT_EQ(0, ret) TH_LOG("%s: create: %s", kname, strerror(-ret));
		ASSERT_EQ(0, cache_destroy(self->fd, cc.cache));
		if (cc.slab_size == (unsigned long)slab_size) {
			table_row(kname, osize, align, slab_size, fl, objper,
				  pages, &cc, "flags");
			EXPECT_EQ(objper, cc.objs_per_slab) TH_LOG("%s", kname);
			EXPECT_EQ(pages, 1UL << cc.order) TH_LOG("%s", kname);
			compared++;
			continue;
		}
		/*
		 * Not the same slot for the same flags.  Only KASAN (metadata
		 * edumm does not have) may make the kernel's larger.
		 */
		if (!kasan || (unsigned long)slab_size < cc.slab_size) {
			mismatched++;
			printf("# objperslab: %-22s slot: kernel %ld, edumm %u (flags %s)\n",
			       kname, slab_size, cc.slab_size, fl);
		}
		ret = cache_create(self->fd, ename, slab_size, align, 0,
				   EDUMM_DESIGN_SLUB, &cc);
		ASSERT_EQ(0, ret) TH_LOG("%s: create: %s", kname, strerror(-ret));
		ASSERT_EQ(0, cache_destroy(self->fd, cc.cache));
		table_row(kname, osize, align, slab_size, fl, objper, pages,
			  &cc, "slot");
		EXPECT_EQ((unsigned long)slab_size, cc.slab_size) TH_LOG("%s", kname);
		EXPECT_EQ(objper, cc.objs_per_slab) TH_LOG("%s", kname);
		EXPECT_EQ(pages, 1UL << cc.order) TH_LOG("%s", kname);
		slot_compared++;
	}
	free(text);
	printf("# objperslab: %u caches compared with the same flags, %u on the slot (KASAN: %s)\n",
	       compared, slot_compared, kasan ? "yes" : "no");
	ASSERT_EQ(0, mismatched);
	/* the kmalloc-* caches at least */
	ASSERT_LE(13, compared + slot_compared);
	ASSERT_TRUE(kasan || !slot_compared);
}

/*** corruption: allow_corruption=1 ***/

/* Reload edumm.ko with its current parameters and allow_corruption=@on. */
static int reload_module(bool on)
{
	static const char * const params[] = { "pool_mb", "slab_design" };
	const char *ko = getenv("EDUMM_KO") ?: "/edumm.ko";
	char cmd[1024], path[256];
	size_t len;
	unsigned int i;
	char *v;

	if (access(ko, R_OK))
		return -ENOENT;
	len = snprintf(cmd, sizeof(cmd), "rmmod edumm && insmod %s", ko);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), EDUMM_PARAMS "/%s", params[i]);
		v = read_text(path);
		if (!v)
			return -EIO;
		v[strcspn(v, "\n")] = '\0';
		len += snprintf(cmd + len, sizeof(cmd) - len, " %s=%s",
				params[i], v);
		free(v);
	}
	snprintf(cmd + len, sizeof(cmd) - len, " allow_corruption=%d", on);
	return system(cmd) ? -EIO : 0;
}

static long cache_errors(struct __test_metadata *_metadata, int fd,
			 __u64 cache, bool validate)
{
	struct edumm_cache_query q;

	EXPECT_EQ(0, cache_query(fd, cache, validate ?
				 EDUMM_CACHE_INFO_VALIDATE : 0, &q));
	return q.errors;
}

static void corruptions(struct __test_metadata *_metadata, int fd, __u32 d)
{
	struct edumm_cache_create rz, po, cs, cs2;
	struct edumm_corrupt cr;
	char name[32];
	__u64 a, b, c, e;
	__u32 flags;
	long before;

	if (d == EDUMM_DESIGN_SLOB) {
		/* SLOB takes no debug flags, as the kernel's had none */
		ASSERT_EQ(-EINVAL, cache_create(fd, uname_of(name, "rz", d), 64, 0,
						EDUMM_CACHE_RED_ZONE, d, &rz));
		ASSERT_EQ(-EINVAL, cache_create(fd, uname_of(name, "po", d), 64, 0,
						EDUMM_CACHE_POISON, d, &po));
		goto frees;
	}
	/* red zone overwritten: caught at free */
	ASSERT_EQ(0, cache_create(fd, uname_of(name, "rz", d), 64, 0,
				  EDUMM_CACHE_RED_ZONE, d, &rz));
	ASSERT_EQ(0, obj_alloc(fd, rz.cache, 0, &a));
	ASSERT_EQ(0, obj_alloc(fd, rz.cache, 0, &b));
	before = cache_errors(_metadata, fd, rz.cache, false);
	memset(&cr, 0, sizeof(cr));
	cr.object = a;
	cr.op = EDUMM_CORRUPT_REDZONE;
	cr.offset = 8;	/* past the 8 bytes of red zone */
	ASSERT_EQ(-EINVAL, ioc(fd, EDUMM_IOC_CORRUPT, &cr));
	cr.offset = 0;
	cr.value = 0x11;
	ASSERT_EQ(0, ioc(fd, EDUMM_IOC_CORRUPT, &cr));
	ASSERT_EQ(-EIO, obj_free(fd, a)) TH_LOG("%s: red zone overwrite not caught",
						design_names[d]);
	ASSERT_EQ(before + 1, cache_errors(_metadata, fd, rz.cache, false));
	ASSERT_EQ(0, obj_free(fd, b));

	/* use after free: caught by validation */
	ASSERT_EQ(0, cache_create(fd, uname_of(name, "po", d), 64, 0,
				  EDUMM_CACHE_POISON, d, &po));
	ASSERT_EQ(0, obj_alloc(fd, po.cache, 0, &a));
	ASSERT_EQ(0, obj_alloc(fd, po.cache, 0, &b));
	memset(&cr, 0, sizeof(cr));
	cr.object = a;
	cr.op = EDUMM_CORRUPT_USE_AFTER_FREE;
	cr.offset = 5;
	cr.value = 0x42;
	before = cache_errors(_metadata, fd, po.cache, false);
	{
		struct edumm_cache_query q;

		/* not with a lone object in its slab */
		cr.object = b;
		ASSERT_EQ(0, obj_free(fd, a));
		ASSERT_EQ(-EINVAL, ioc(fd, EDUMM_IOC_CORRUPT, &cr));
		ASSERT_EQ(0, obj_alloc(fd, po.cache, 0, &a));
		cr.object = a;
		ASSERT_EQ(0, ioc(fd, EDUMM_IOC_CORRUPT, &cr));
		ASSERT_EQ(-ENOENT, obj_free(fd, a));
		/* validation walks every free object's poison */
		ASSERT_EQ(0, cache_query(fd, po.cache, EDUMM_CACHE_INFO_VALIDATE, &q));
		ASSERT_LT(0, q.validate_errors)
			TH_LOG("%s: write after free not caught", design_names[d]);
	}
	ASSERT_EQ(0, obj_free(fd, b));

frees:
	/* double free, free to the wrong cache, misaligned free */
	flags = d == EDUMM_DESIGN_SLOB ? 0 : EDUMM_CACHE_CONSISTENCY_CHECKS;
	ASSERT_EQ(0, cache_create(fd, uname_of(name, "cs", d), 64, 0, flags, d,
				  &cs));
	/* another size: never merged with cs (SLOB caches have no flags) */
	ASSERT_EQ(0, cache_create(fd, uname_of(name, "cs2", d), 128, 0, flags, d,
				  &cs2));
	ASSERT_EQ(0, obj_alloc(fd, cs.cache, 0, &a));
	ASSERT_EQ(0, obj_alloc(fd, cs.cache, 0, &b));
	ASSERT_EQ(0, obj_alloc(fd, cs.cache, 0, &c));
	ASSERT_EQ(0, obj_alloc(fd, cs2.cache, 0, &e));
	before = cache_errors(_metadata, fd, cs.cache, false) +
		 cache_errors(_metadata, fd, cs2.cache, false);

	memset(&cr, 0, sizeof(cr));
	cr.object = a;
	cr.op = EDUMM_CORRUPT_DOUBLE_FREE;
	ASSERT_EQ(0, ioc(fd, EDUMM_IOC_CORRUPT, &cr));
	ASSERT_EQ(1, cr.detected) TH_LOG("%s: double free not caught", design_names[d]);
	ASSERT_EQ(-ENOENT, obj_free(fd, a));

	memset(&cr, 0, sizeof(cr));
	cr.object = b;
	cr.cache = cs2.cache;
	cr.op = EDUMM_CORRUPT_WRONG_CACHE;
	ASSERT_EQ(0, ioc(fd, EDUMM_IOC_CORRUPT, &cr));
	ASSERT_EQ(1, cr.detected) TH_LOG("%s: wrong cache not caught", design_names[d]);

	memset(&cr, 0, sizeof(cr));
	cr.object = c;
	cr.op = EDUMM_CORRUPT_MISALIGNED;
	cr.offset = 0;
	ASSERT_EQ(-EINVAL, ioc(fd, EDUMM_IOC_CORRUPT, &cr));
	cr.offset = 3;
	ASSERT_EQ(0, ioc(fd, EDUMM_IOC_CORRUPT, &cr));
	ASSERT_EQ(1, cr.detected) TH_LOG("%s: misaligned free not caught", design_names[d]);
	ASSERT_EQ(before + 3, cache_errors(_metadata, fd, cs.cache, false) +
		  cache_errors(_metadata, fd, cs2.cache, false));

	/* the refused frees left b and c allocated and intact */
	write_pattern(_metadata, fd, b, 64);
	verify_pattern(_metadata, fd, b, 64);
	ASSERT_EQ(0, obj_free(fd, b));
	ASSERT_EQ(0, obj_free(fd, c));
	ASSERT_EQ(0, obj_free(fd, e));
	/* no cache other than the corrupted ones was touched */
}

TEST(corruption_detected_and_counted)
{
	char *allow = read_text(EDUMM_PARAMS "/allow_corruption");
	bool reloaded = false;
	__u32 d;
	int fd, ret;

	if (!allow && !getenv("EDUMM_REQUIRE_DEVICE"))
		SKIP(return, "edumm.ko is not loaded");
	ASSERT_NE(NULL, allow);
	if (allow[0] != 'Y') {
		ret = reload_module(true);
		if (ret == -ENOENT && !getenv("EDUMM_REQUIRE_DEVICE"))
			SKIP(return, "needs EDUMM_KO=<edumm.ko> to reload with allow_corruption=1");
		ASSERT_EQ(0, ret);
		reloaded = true;
	}
	free(allow);
	fd = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	for (d = EDUMM_DESIGN_SLUB; d <= EDUMM_DESIGN_SLOB; d++) {
		corruptions(_metadata, fd, d);
		if (!_metadata->passed)
			break;
	}
	close(fd);
	drain(_metadata);
	assert_check_ok(_metadata);
	ASSERT_TRUE(!reloaded || !reload_module(false));
}

TEST_HARNESS_MAIN
