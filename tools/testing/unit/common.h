/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h - the unit-test harness of the edumm core.
 *
 * The core files of mod/ are compiled unmodified against the userspace
 * shim in tools/testing/shim/, the way tools/testing/memblock compiles
 * mm/memblock.c.  This header gives the tests:
 *
 *   TEST(name)          register a test; tests run in the order the files
 *                       are linked and, within a file, the order written
 *   ASSERT_*()          check and, on failure, print file:line and end the
 *                       test (from a helper thread: end that thread)
 *   ut_pool_init()      build the pool under test from a chunk layout; the
 *                       runner then checks after the test that no WARN
 *                       fired, edumm_pool_check() is 0, every page was
 *                       freed, and all metadata went back (see common.c)
 *   struct ut_buf       an edumm_out that captures text in memory
 *   ut_set_cpu/node()   the simulated CPU and NUMA node of this thread
 *
 * Each test runs in a child process (unless --no-fork), so a sanitizer
 * abort, a crash or a hang (alarm) fails that test and only that test.
 */
#ifndef _EDUMM_UNIT_COMMON_H
#define _EDUMM_UNIT_COMMON_H

#include "edumm_core.h"

/*** Registry ***/

struct ut_test {
	const char *name;
	const char *file;
	void (*fn)(void);
};

void ut_register(const char *name, const char *file, void (*fn)(void));

#define TEST(name)							\
	static void ut_test_##name(void);				\
	static void __attribute__((constructor)) ut_reg_##name(void)	\
	{								\
		ut_register(#name, __FILE__, ut_test_##name);		\
	}								\
	static void ut_test_##name(void)

/*** Assertions ***/

__printf(3, 4) __attribute__((noreturn))
void ut_fail(const char *file, int line, const char *fmt, ...);
__printf(1, 2) void ut_diag(const char *fmt, ...);
/* Has any ASSERT failed in this test (in any thread)? */
bool ut_has_failed(void);

#define ASSERT_TRUE(c) do {						\
	if (!(c))							\
		ut_fail(__FILE__, __LINE__, "ASSERT_TRUE(%s)", #c);	\
} while (0)

#define ASSERT_FALSE(c) do {						\
	if (c)								\
		ut_fail(__FILE__, __LINE__, "ASSERT_FALSE(%s)", #c);	\
} while (0)

/* Integer comparisons: both sides are evaluated once, as long long. */
#define __ASSERT_CMP(a, op, b) do {					\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (!(__a op __b))						\
		ut_fail(__FILE__, __LINE__,				\
			"ASSERT(%s %s %s): %lld (%#llx) vs %lld (%#llx)", \
			#a, #op, #b, __a, (unsigned long long)__a,	\
			__b, (unsigned long long)__b);			\
} while (0)

#define ASSERT_EQ(a, b)		__ASSERT_CMP(a, ==, b)
#define ASSERT_NE(a, b)		__ASSERT_CMP(a, !=, b)
#define ASSERT_LT(a, b)		__ASSERT_CMP(a, <, b)
#define ASSERT_LE(a, b)		__ASSERT_CMP(a, <=, b)
#define ASSERT_GT(a, b)		__ASSERT_CMP(a, >, b)
#define ASSERT_GE(a, b)		__ASSERT_CMP(a, >=, b)

#define ASSERT_NULL(p) do {						\
	if ((p) != NULL)						\
		ut_fail(__FILE__, __LINE__, "ASSERT_NULL(%s)", #p);	\
} while (0)

#define ASSERT_NOT_NULL(p) do {						\
	if ((p) == NULL)						\
		ut_fail(__FILE__, __LINE__, "ASSERT_NOT_NULL(%s)", #p);	\
} while (0)

#define ASSERT_STREQ(a, b) do {						\
	const char *__a = (a), *__b = (b);				\
	if (strcmp(__a, __b))						\
		ut_fail(__FILE__, __LINE__,				\
			"ASSERT_STREQ(%s, %s):\n--- got:\n%s--- expected:\n%s---", \
			#a, #b, __a, __b);				\
} while (0)

#define ASSERT_CONTAINS(hay, needle) do {				\
	const char *__h = (hay), *__n = (needle);			\
	if (!strstr(__h, __n))						\
		ut_fail(__FILE__, __LINE__,				\
			"ASSERT_CONTAINS(%s, \"%s\"):\n--- got:\n%s---", \
			#hay, __n, __h);				\
} while (0)

/*** Text capture ***/

/**
 * struct ut_buf - an edumm_out that appends to a growing string
 * @out: pass &buf.out to the core
 * @s: NUL-terminated text so far (never NULL after ut_buf_init())
 * @len: strlen(@s)
 * @cap: bytes allocated for @s
 */
struct ut_buf {
	struct edumm_out out;
	char *s;
	size_t len, cap;
};

void ut_buf_init(struct ut_buf *b);
void ut_buf_reset(struct ut_buf *b);
void ut_buf_free(struct ut_buf *b);
__printf(2, 3) void ut_buf_printf(struct ut_buf *b, const char *fmt, ...);

/* Render one of the show functions into a string that lives until the test ends. */
const char *ut_show(void (*show)(struct edumm_pool *, struct edumm_out *),
		    struct edumm_pool *pool);
#define ut_buddyinfo(pool)	ut_show(edumm_show_buddyinfo, pool)
#define ut_pagetypeinfo(pool)	ut_show(edumm_show_pagetypeinfo, pool)
#define ut_zoneinfo(pool)	ut_show(edumm_show_zoneinfo, pool)
#define ut_poolinfo(pool)	ut_show(edumm_show_pool, pool)

/* Memory (and formatted strings) freed automatically when the test ends. */
void *ut_tmp_alloc(size_t size);
__printf(1, 2) const char *ut_tmp_printf(const char *fmt, ...);

/* An edumm_out that prints "# ..." diagnostic lines (checker output). */
extern struct edumm_out ut_diag_out;

/*** The pool under test ***/

/* Layouts (chunk tables), see common.c for the pictures. */
extern const struct edumm_chunk_desc ut_layout_simple[];	/* 64 MiB, one zone */
extern const unsigned int ut_layout_simple_nr;
extern const struct edumm_chunk_desc ut_layout_realistic[];	/* gaps, 2 zones, 2 nodes */
extern const unsigned int ut_layout_realistic_nr;

/* Start pfn of the simple layout (16 contiguous order-10 chunks). */
#define UT_SIMPLE_BASE		0x40000UL

/**
 * struct ut_ctx - per-test state of the harness
 * @pool: the pool under test (valid after ut_pool_init())
 * @pool_live: @pool was initialised and must be checked and destroyed
 * @initial_buddyinfo: buddyinfo text right after init
 * @snap0: snapshot right after init
 * @allow_reports: the test provokes edumm_report() on purpose
 * @seed: --seed, or 0 for the tests' defaults
 * @steps: --steps, or 0 for the tests' defaults
 * @verbose: -v
 */
struct ut_ctx {
	struct edumm_pool pool;
	bool pool_live;
	const char *initial_buddyinfo;
	struct edumm_pool_snapshot snap0;
	bool allow_reports;
	unsigned long seed;
	unsigned long steps;
	bool verbose;
};

extern struct ut_ctx ut;

struct edumm_pool *ut_pool_init(const struct edumm_chunk_desc *descs, unsigned int nr,
				unsigned int nr_cpus);
/* Check and destroy the pool early (to build another in the same test). */
void ut_pool_fini(void);

/* Current value of a counter, and its change since ut_pool_init(). */
unsigned long ut_stat(struct edumm_pool *pool, enum edumm_stat_item item);
unsigned long ut_stat_delta(struct edumm_pool *pool, enum edumm_stat_item item);

/* Run the checker; violations are printed as diagnostics. */
unsigned long ut_check(struct edumm_pool *pool);
#define ASSERT_POOL_OK(pool)	ASSERT_EQ(ut_check(pool), 0)

/* Expected buddyinfo line built with the kernel's format. */
const char *ut_buddyinfo_line(int nid, const char *zone, const unsigned long nr_free[EDUMM_MAX_ORDER]);

/* Simulated CPU and node of the calling thread. */
static inline void ut_set_cpu(unsigned int cpu)
{
	edumm_shim_cpu = cpu;
}

static inline void ut_set_node(int nid)
{
	edumm_shim_node = nid;
}

static inline unsigned long ut_pfn(struct edumm_pool *pool, struct edumm_page *page)
{
	return edumm_page_to_pfn(pool, page);
}

/* Index of a pool page in pool->pages (for per-page maps). */
static inline unsigned long ut_idx(struct edumm_pool *pool, struct edumm_page *page)
{
	return (unsigned long)(page - pool->pages);
}

/*** Expected /proc-format text, built from the kernel's format strings ***/

/**
 * struct ut_zone_expect - what a zone should look like
 * @nid: node id
 * @name: zone name ("DMA32", "Normal", ...)
 * @free: free blocks per migratetype and order
 * @blocks: pageblocks per migratetype
 */
struct ut_zone_expect {
	int nid;
	const char *name;
	unsigned long free[EDUMM_MT_TYPES][EDUMM_MAX_ORDER];
	unsigned long blocks[EDUMM_MT_TYPES];
};

/* Zones in pool order (by nid, then zone type). */
const char *ut_expect_buddyinfo(const struct ut_zone_expect *z, unsigned int nr);
const char *ut_expect_pagetypeinfo(const struct ut_zone_expect *z, unsigned int nr);

/*** Allocated-block tracking ***/

/**
 * struct ut_blocks - blocks a test holds, with a map of the pages they cover
 * @pool: the pool
 * @pfn: block start pfns
 * @order: block orders
 * @nr: blocks held
 * @cap: room in @pfn / @order
 * @owned: one byte per pool page (descriptor index): 2 for the head of
 *	a held block, 1 for its other pages, 0 if not held
 * @pages: pages held
 */
struct ut_blocks {
	struct edumm_pool *pool;
	unsigned long *pfn;
	unsigned int *order;
	unsigned long nr, cap;
	u8 *owned;
	unsigned long pages;
};

void ut_blocks_init(struct ut_blocks *b, struct edumm_pool *pool);
/* Record a new block; asserts it is aligned, inside the pool, not overlapping. */
void ut_blocks_add(struct ut_blocks *b, struct edumm_page *page, unsigned int order);
/* Free block @i with edumm_free_pages() (asserting 0) and forget it. */
void ut_blocks_free(struct ut_blocks *b, unsigned long i);
void ut_blocks_free_all(struct ut_blocks *b);
void ut_blocks_destroy(struct ut_blocks *b);

/* Is a whole block inside the pool, on consecutive descriptors? */
bool ut_block_in_pool(struct edumm_pool *pool, unsigned long pfn, unsigned int order);

/*** Deterministic randomness (xorshift64*) ***/

static inline u64 ut_rand(u64 *state)
{
	u64 x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static inline unsigned long ut_rand_below(u64 *state, unsigned long n)
{
	return (unsigned long)(ut_rand(state) % n);
}

static inline u64 ut_seed_state(unsigned long seed)
{
	return (seed + 1) * 0x9E3779B97F4A7C15ULL;
}

#endif /* _EDUMM_UNIT_COMMON_H */
