// SPDX-License-Identifier: GPL-2.0
/*
 * test_bad_free.c - frees that must be refused: double frees, frees of a
 * pfn that is not the head of an allocated block, wrong orders, pfns
 * outside the pool or in its holes, and two CPUs racing to free one block.
 *
 * Every refusal returns -EINVAL, bumps exactly one bad_free_* counter and
 * edumm_shim_reports by one, and leaves the pool exactly as it was:
 * buddyinfo, pagetypeinfo and zoneinfo texts, and every other counter.
 */
#include "common.h"

struct image {
	const char *buddyinfo, *pagetypeinfo, *zoneinfo;
	struct edumm_pool_snapshot snap;
	unsigned long reports;
};

static void take_image(struct edumm_pool *pool, struct image *img)
{
	img->buddyinfo = ut_buddyinfo(pool);
	img->pagetypeinfo = ut_pagetypeinfo(pool);
	img->zoneinfo = ut_zoneinfo(pool);
	edumm_pool_snapshot(pool, &img->snap);
	img->reports = edumm_shim_reports;
}

#define expect_refused(pool, pfn, order, counter) \
	__expect_refused(pool, pfn, order, counter, __FILE__, __LINE__)

static void __expect_refused(struct edumm_pool *pool, unsigned long pfn, unsigned int order,
			     enum edumm_stat_item counter, const char *file, int line)
{
	struct image before, after;
	unsigned int i;
	int ret;

	take_image(pool, &before);
	ret = edumm_free_pages(pool, pfn, order);
	if (ret != -EINVAL)
		ut_fail(file, line, "free(pfn %#lx, order %u) returned %d, not -EINVAL",
			pfn, order, ret);
	take_image(pool, &after);
	for (i = 0; i < NR_EDUMM_STATS; i++) {
		unsigned long want = before.snap.stat[i] + (i == counter);

		if (after.snap.stat[i] != want)
			ut_fail(file, line, "free(pfn %#lx, order %u): counter %s is %lu, expected %lu",
				pfn, order, edumm_stat_names[i], after.snap.stat[i], want);
	}
	if (after.reports != before.reports + 1)
		ut_fail(file, line, "free(pfn %#lx, order %u): %lu reports, expected 1",
			pfn, order, after.reports - before.reports);
	ASSERT_STREQ(after.buddyinfo, before.buddyinfo);
	ASSERT_STREQ(after.pagetypeinfo, before.pagetypeinfo);
	ASSERT_STREQ(after.zoneinfo, before.zoneinfo);
	ASSERT_EQ(after.snap.allocated_pages, before.snap.allocated_pages);
	ASSERT_POOL_OK(pool);
}

static unsigned long alloc_pfn(struct edumm_pool *pool, unsigned int order, unsigned int flags)
{
	struct edumm_page *p = edumm_alloc_pages(pool, order, EDUMM_MT_MOVABLE, flags);

	ASSERT_NOT_NULL(p);
	return ut_pfn(pool, p);
}

/*
 * Double free right after the free: on the pcp list (order 0 and 3) the
 * head is EDUMM_PG_PCP; in the buddy (order 5, whose buddy is held so it
 * cannot merge away) it is EDUMM_PG_BUDDY.  Both: bad_free_double.
 */
TEST(bad_free_double_immediately)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 2);
	unsigned long a, b, c1, c2;

	ut.allow_reports = true;
	a = alloc_pfn(pool, 0, 0);
	b = alloc_pfn(pool, 3, EDUMM_AF_NO_PCP);
	/* node 1: its lone o9 block splits into c1, c2 = c1's buddy, o6, o7, o8 */
	ut_set_node(1);
	c1 = alloc_pfn(pool, 5, EDUMM_AF_NO_PCP);
	c2 = alloc_pfn(pool, 5, EDUMM_AF_NO_PCP);
	ut_set_node(0);
	ASSERT_EQ(c1, 0x200400);
	ASSERT_EQ(c2, c1 ^ 32);

	ASSERT_EQ(edumm_free_pages(pool, a, 0), 0);
	expect_refused(pool, a, 0, EDUMM_BAD_FREE_DOUBLE);
	ASSERT_EQ(edumm_free_pages(pool, b, 3), 0);
	expect_refused(pool, b, 3, EDUMM_BAD_FREE_DOUBLE);
	ASSERT_EQ(edumm_free_pages(pool, c1, 5), 0);
	ASSERT_EQ(edumm_pfn_to_page(pool, c1)->flags, EDUMM_PG_BUDDY);
	expect_refused(pool, c1, 5, EDUMM_BAD_FREE_DOUBLE);
	expect_refused(pool, c1, 0, EDUMM_BAD_FREE_DOUBLE);	/* any order */
	ASSERT_EQ(edumm_free_pages(pool, c2, 5), 0);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

/*
 * Stale frees of a pfn whose block was freed and the memory reused.  One
 * order-10 chunk at 0x80000:
 *
 *   P = alloc o0 -> 0x80000; free P; drain      [ o10 free              ]
 *   Q = alloc o1 -> 0x80000                      [Q Q][o1][o2] ... [o9   ]
 *   free(0x80000, 0): head of Q, wrong order     -> bad_free_order
 *   free(0x80001, 0): tail of Q                  -> bad_free_not_head
 *   free Q; drain                                [ o10 free              ]
 *   free(0x80000, 0): head of a free block       -> bad_free_double
 *   free(0x80001, 0): inside a free block        -> bad_free_not_head
 *
 * (A stale free of a pfn reallocated with the same order looks like a
 * good free: only the owner can tell, which is why /dev/edumm frees by
 * handle.)
 */
TEST(bad_free_stale_pfn_after_reuse)
{
	static const struct edumm_chunk_desc one[] = { { 0x80000, 10, 0, EDUMM_ZONE_DMA32 } };
	struct edumm_pool *pool = ut_pool_init(one, 1, 2);
	unsigned long p, q;

	ut.allow_reports = true;
	p = alloc_pfn(pool, 0, EDUMM_AF_NO_PCP);
	ASSERT_EQ(p, 0x80000);
	ASSERT_EQ(edumm_free_pages(pool, p, 0), 0);
	edumm_drain_all_pages(pool);
	q = alloc_pfn(pool, 1, EDUMM_AF_NO_PCP);
	ASSERT_EQ(q, p);
	expect_refused(pool, p, 0, EDUMM_BAD_FREE_ORDER);
	expect_refused(pool, p + 1, 0, EDUMM_BAD_FREE_NOT_HEAD);
	ASSERT_EQ(edumm_free_pages(pool, q, 1), 0);
	edumm_drain_all_pages(pool);
	expect_refused(pool, p, 0, EDUMM_BAD_FREE_DOUBLE);
	expect_refused(pool, p + 1, 0, EDUMM_BAD_FREE_NOT_HEAD);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

/* Tail pages of an allocated block are not blocks: bad_free_not_head. */
TEST(bad_free_tail_pfn)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 2);
	unsigned long b, c;
	unsigned int i;

	ut.allow_reports = true;
	b = alloc_pfn(pool, 2, EDUMM_AF_NO_PCP);
	c = alloc_pfn(pool, 9, 0);
	for (i = 1; i < 4; i++)
		expect_refused(pool, b + i, 0, EDUMM_BAD_FREE_NOT_HEAD);
	expect_refused(pool, b + 2, 1, EDUMM_BAD_FREE_NOT_HEAD);
	expect_refused(pool, c + 256, 8, EDUMM_BAD_FREE_NOT_HEAD);
	expect_refused(pool, c + 511, 0, EDUMM_BAD_FREE_NOT_HEAD);
	ASSERT_EQ(edumm_free_pages(pool, b, 2), 0);
	ASSERT_EQ(edumm_free_pages(pool, c, 9), 0);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

/* The head of an allocated block with another order: bad_free_order. */
TEST(bad_free_wrong_order)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 2);
	static const unsigned int orders[] = { 0, 1, 3, 4, 10, 11, 12, 255, 256, ~0U };
	unsigned long b, c;
	unsigned int i;

	ut.allow_reports = true;
	b = alloc_pfn(pool, 2, 0);
	c = alloc_pfn(pool, 10, 0);
	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		expect_refused(pool, b, orders[i], EDUMM_BAD_FREE_ORDER);
		if (orders[i] != 10)
			expect_refused(pool, c, orders[i], EDUMM_BAD_FREE_ORDER);
	}
	ASSERT_EQ(edumm_free_pages(pool, b, 2), 0);
	ASSERT_EQ(edumm_free_pages(pool, c, 10), 0);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

/* pfns that are not pool pages at all: outside, or in a hole between chunks. */
TEST(bad_free_outside_pool_and_holes)
{
	static const unsigned long bad[] = {
		0, 1, 0xffff,				/* below the pool */
		0x10400, 0x107ff, 0x10c00, 0x11000,	/* holes in DMA32 */
		0x11400, 0x100800, 0x1ffe00, 0x200600,	/* between zones, nodes */
		0x300000, ~0UL, ~0UL - 1023,		/* above */
	};
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 2);
	unsigned long held;
	unsigned int i, o;

	ut.allow_reports = true;
	held = alloc_pfn(pool, 0, 0);		/* so there is pcp state to keep */
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		for (o = 0; o < EDUMM_MAX_ORDER; o += 5)
			expect_refused(pool, bad[i], o, EDUMM_BAD_FREE_NOT_HEAD);
	ASSERT_EQ(edumm_free_pages(pool, held, 0), 0);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

/* A pool page that was never allocated: a free head or a page inside a free block. */
TEST(bad_free_never_allocated)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 2);

	ut.allow_reports = true;
	expect_refused(pool, 0x200400, 9, EDUMM_BAD_FREE_DOUBLE);	/* lone o9 head */
	expect_refused(pool, 0x10800, 10, EDUMM_BAD_FREE_DOUBLE);	/* merged o10 head */
	expect_refused(pool, 0x10a00, 9, EDUMM_BAD_FREE_NOT_HEAD);	/* its 2nd chunk */
	expect_refused(pool, 0x10001, 0, EDUMM_BAD_FREE_NOT_HEAD);
}

/*
 * Two CPUs free the same block at the same moment, 2000 times, through
 * the pcp path (order 0 and 2) and the buddy path (order 5): exactly one
 * free succeeds, the other is refused and counted once.
 */
struct racer {
	pthread_t thread;
	unsigned int cpu;
	pthread_barrier_t *bar;
	volatile unsigned long *pfn;
	volatile unsigned int *order;
	volatile bool *stop;
	int ret;
};

static void *racer_fn(void *arg)
{
	struct racer *r = arg;

	ut_set_cpu(r->cpu);
	for (;;) {
		pthread_barrier_wait(r->bar);
		if (*r->stop)
			break;
		r->ret = edumm_free_pages(&ut.pool, *r->pfn, *r->order);
		pthread_barrier_wait(r->bar);
	}
	return NULL;
}

TEST(bad_free_racing_double_free)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	static const unsigned int orders[] = { 0, 5, 2 };
	volatile unsigned long pfn = 0;
	volatile unsigned int order = 0;
	volatile bool stop = false;
	pthread_barrier_t bar;
	struct racer r[2];
	unsigned long bad0 = 0, i, iters = 2000;
	unsigned int k;

	ut.allow_reports = true;
	pthread_barrier_init(&bar, NULL, 3);
	for (k = 0; k < 2; k++) {
		r[k] = (struct racer){ .cpu = k, .bar = &bar, .pfn = &pfn, .order = &order,
				       .stop = &stop };
		ASSERT_EQ(pthread_create(&r[k].thread, NULL, racer_fn, &r[k]), 0);
	}
	for (i = 0; i < iters; i++) {
		unsigned long bad = 0;

		order = orders[i % ARRAY_SIZE(orders)];
		pfn = alloc_pfn(pool, order, i % 2 ? EDUMM_AF_NO_PCP : 0);
		pthread_barrier_wait(&bar);		/* go */
		pthread_barrier_wait(&bar);		/* both returned */
		for (k = EDUMM_BAD_FREE_DOUBLE; k <= EDUMM_BAD_FREE_ORDER; k++)
			bad += ut_stat(pool, k);
		if (!((r[0].ret == 0 && r[1].ret == -EINVAL) ||
		      (r[0].ret == -EINVAL && r[1].ret == 0)) || bad != bad0 + 1) {
			stop = true;
			pthread_barrier_wait(&bar);
			pthread_join(r[0].thread, NULL);
			pthread_join(r[1].thread, NULL);
			ut_fail(__FILE__, __LINE__, "iteration %lu (order %u): returns %d and %d, %lu refusals",
				i, order, r[0].ret, r[1].ret, bad - bad0);
		}
		bad0 = bad;
		if (i % 256 == 0)
			ASSERT_POOL_OK(pool);
	}
	stop = true;
	pthread_barrier_wait(&bar);
	pthread_join(r[0].thread, NULL);
	pthread_join(r[1].thread, NULL);
	pthread_barrier_destroy(&bar);
	ASSERT_EQ(bad0, iters);
	ASSERT_EQ(edumm_shim_reports, iters);
	ut_set_cpu(0);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}
