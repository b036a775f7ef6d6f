// SPDX-License-Identifier: GPL-2.0
/*
 * test_pcp.c - the per-CPU page lists: refill by batch, frees to the local
 * CPU's list, spill at high with the free_factor doubling, the high-order
 * flush, drains, and the drain-and-retry of a failing allocation.
 *
 * The 64 MiB pool (ut_layout_simple) has batch 3 and, on 2 CPUs, high 160.
 */
#include "common.h"

static struct edumm_pcp *pcp_of(struct edumm_pool *pool, unsigned int cpu)
{
	return &pool->zones[0]->pcp[cpu];
}

static const char *zoneinfo_pcp(unsigned int cpu, int count, int high, int batch)
{
	return ut_tmp_printf("\n    cpu: %u\n              count: %d\n              high:  %d"
			     "\n              batch: %d", cpu, count, high, batch);
}

/*
 * The first order-0 allocation finds its list empty and refills it with
 * batch (3) pages in one go (rmqueue_bulk), in pfn order, and returns the
 * first: count is batch - 1 afterwards.  The next two come from the list
 * without touching the zone; the fourth refills again.
 *
 *   zone:  [o10 ...................]      ->   split, 3 pages leave the zone
 *   pcp0:  (empty)                       ->   [p+1][p+2]   (p returned)
 */
TEST(pcp_first_alloc_refills_batch)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct edumm_zone *zone = pool->zones[0];
	struct ut_blocks held;
	struct edumm_page *p;
	unsigned long first;
	int i;

	ut_blocks_init(&held, pool);
	p = edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, 0);
	ut_blocks_add(&held, p, 0);
	first = ut_pfn(pool, p);
	ASSERT_EQ(pcp_of(pool, 0)->count, 3 - 1);
	ASSERT_EQ(pcp_of(pool, 1)->count, 0);
	ASSERT_EQ(zone->free_pages, 16384 - 3);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_REFILL), 1);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_ALLOC), 1);
	ASSERT_CONTAINS(ut_zoneinfo(pool), zoneinfo_pcp(0, 2, 160, 3));
	ASSERT_CONTAINS(ut_zoneinfo(pool), zoneinfo_pcp(1, 0, 160, 3));
	ASSERT_POOL_OK(pool);

	for (i = 1; i <= 2; i++) {
		p = edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, 0);
		ut_blocks_add(&held, p, 0);
		ASSERT_EQ(ut_pfn(pool, p), first + i);	/* refilled in pfn order */
		ASSERT_EQ(pcp_of(pool, 0)->count, 2 - i);
		ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_REFILL), 1);
		ASSERT_POOL_OK(pool);
	}
	ut_blocks_add(&held, edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, 0), 0);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_REFILL), 2);
	ASSERT_EQ(pcp_of(pool, 0)->count, 2);
	ASSERT_EQ(zone->free_pages, 16384 - 6);
	ASSERT_POOL_OK(pool);

	ut_blocks_free_all(&held);
	ASSERT_EQ(pcp_of(pool, 0)->count, 6);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_FREE), 4);
	edumm_drain_all_pages(pool);
	ASSERT_EQ(pcp_of(pool, 0)->count, 0);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_DRAIN), 1);
	ASSERT_EQ(zone->free_pages, 16384);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
}

/*
 * Orders 1..3 refill max(batch >> order, 2) = 2 blocks: one is returned,
 * one stays, so count is 1 << order after the first allocation and 0
 * after the second.
 */
TEST(pcp_high_order_refill)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct ut_blocks held;
	unsigned int o;

	ut_blocks_init(&held, pool);
	for (o = 1; o <= EDUMM_COSTLY_ORDER; o++) {
		ut_blocks_add(&held, edumm_alloc_pages(pool, o, EDUMM_MT_UNMOVABLE, 0), o);
		ASSERT_EQ(pcp_of(pool, 0)->count, 1 << o);
		ASSERT_POOL_OK(pool);
		ut_blocks_add(&held, edumm_alloc_pages(pool, o, EDUMM_MT_UNMOVABLE, 0), o);
		ASSERT_EQ(pcp_of(pool, 0)->count, 0);
		ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_REFILL), o);
		ASSERT_POOL_OK(pool);
	}
	/* above the costly order: straight from the buddy */
	ut_blocks_add(&held, edumm_alloc_pages(pool, 4, EDUMM_MT_UNMOVABLE, 0), 4);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_REFILL), 3);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_ALLOC), 6);
	ut_blocks_free_all(&held);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
}

/*
 * Frees of order <= 3 go to the list of the CPU that frees, whoever
 * allocated the block; they stay out of the zone's free pages and
 * buddyinfo until a drain, which may target one CPU.
 */
TEST(pcp_frees_go_to_the_freeing_cpu)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct edumm_zone *zone = pool->zones[0];
	struct edumm_pool_snapshot snap;
	struct edumm_page *a, *b;
	const char *bi;

	a = edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, EDUMM_AF_NO_PCP);
	b = edumm_alloc_pages(pool, 2, EDUMM_MT_MOVABLE, EDUMM_AF_NO_PCP);
	ASSERT_NOT_NULL(a);
	ASSERT_NOT_NULL(b);
	bi = ut_buddyinfo(pool);
	ASSERT_EQ(zone->free_pages, 16384 - 5);

	ut_set_cpu(0);
	ASSERT_EQ(edumm_free_pages(pool, ut_pfn(pool, a), 0), 0);
	ut_set_cpu(1);
	ASSERT_EQ(edumm_free_pages(pool, ut_pfn(pool, b), 2), 0);
	ASSERT_EQ(pcp_of(pool, 0)->count, 1);
	ASSERT_EQ(pcp_of(pool, 1)->count, 4);
	ASSERT_EQ(zone->free_pages, 16384 - 5);
	ASSERT_STREQ(ut_buddyinfo(pool), bi);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_FREE), 2);
	edumm_pool_snapshot(pool, &snap);
	ASSERT_EQ(snap.pcp_pages, 5);
	ASSERT_EQ(snap.allocated_pages, 0);
	ASSERT_CONTAINS(ut_zoneinfo(pool), zoneinfo_pcp(1, 4, 160, 3));
	ASSERT_POOL_OK(pool);

	edumm_drain_zone_pages(zone, 1);
	ASSERT_EQ(pcp_of(pool, 0)->count, 1);
	ASSERT_EQ(pcp_of(pool, 1)->count, 0);
	ASSERT_EQ(zone->free_pages, 16384 - 1);
	ASSERT_POOL_OK(pool);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

/*
 * The lists are LIFO: the page freed last is the first one handed out
 * again (it is the most likely to still be in the CPU's cache).
 */
TEST(pcp_lists_are_lifo)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct edumm_page *p[3];
	int i;

	for (i = 0; i < 3; i++) {		/* uses up the refill of 3 */
		p[i] = edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, 0);
		ASSERT_NOT_NULL(p[i]);
	}
	ASSERT_EQ(pcp_of(pool, 0)->count, 0);
	ASSERT_EQ(edumm_free_pages(pool, ut_pfn(pool, p[0]), 0), 0);
	ASSERT_EQ(edumm_free_pages(pool, ut_pfn(pool, p[1]), 0), 0);
	ASSERT_TRUE(edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, 0) == p[1]);
	ASSERT_TRUE(edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, 0) == p[0]);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_REFILL), 1);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(edumm_free_pages(pool, ut_pfn(pool, p[i]), 0), 0);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

/* nr_pcp_free() of 6.1 (Debian 6.1.y, with CONFIG_PCP_BATCH_SCALE_MAX = 5). */
struct pcp_model {
	int count, high, batch, free_factor;
	bool scale_cap;
};

static int model_nr_pcp_free(struct pcp_model *m, bool free_high)
{
	int batch = m->batch, min_nr, max_nr;

	if (free_high)
		return m->count;
	if (m->high < batch)
		return 1;
	min_nr = batch;
	max_nr = m->high - batch;
	batch <<= m->free_factor;
	if (batch < max_nr && (!m->scale_cap || m->free_factor < 5))
		m->free_factor++;
	return batch < min_nr ? min_nr : batch > max_nr ? max_nr : batch;
}

/* Free @n held order-0 blocks on CPU 0, following the model after each. */
static void free_and_follow(struct edumm_pool *pool, struct ut_blocks *held, unsigned long n,
			    struct pcp_model *m, unsigned long *spills)
{
	while (n--) {
		ut_blocks_free(held, held->nr - 1);
		m->count++;
		if (m->count >= m->high) {
			m->count -= min(model_nr_pcp_free(m, false), m->count);
			(*spills)++;
		}
		if (pcp_of(pool, 0)->count != m->count)
			ut_fail(__FILE__, __LINE__, "after spill %lu: pcp count %d, expected %d",
				*spills, pcp_of(pool, 0)->count, m->count);
		ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_SPILL), *spills);
	}
}

/* Take @n order-0 pages through CPU 0's list, then empty the list. */
static void hold_order0(struct edumm_pool *pool, struct ut_blocks *held, unsigned long n)
{
	while (n--)
		ut_blocks_add(held, edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, 0), 0);
	edumm_drain_all_pages(pool);
	ASSERT_EQ(pcp_of(pool, 0)->count, 0);
	ASSERT_EQ(pcp_of(pool, 0)->free_factor, 0);	/* halved by every alloc */
}

/*
 * Spilling: once a free brings count to high (160), nr_pcp_free() pages
 * go back to the buddy, from the list tails.  Without an allocation in
 * between, each spill doubles (free_factor): 3, 6, 12, 24, 48, 96:
 *
 *   count  ... 159 160 | 157 158 159 160 | 154 ... 160 | 148 ...
 *                    spill 3           spill 6        spill 12
 *
 * 300 frees cover the first six spills.  Then a high-order free right
 * after a spill (free_factor != 0) flushes the whole list.
 */
TEST(pcp_spill_at_high_doubles)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct pcp_model m = { .high = 160, .batch = 3, .scale_cap = true };
	unsigned long spills = 0;
	struct ut_blocks held;
	struct edumm_page *p;

	ut_blocks_init(&held, pool);
	hold_order0(pool, &held, 300);
	free_and_follow(pool, &held, 300, &m, &spills);
	ASSERT_EQ(spills, 6);
	ASSERT_EQ(m.count, 160 - 96 + (300 - 253));	/* last spill at free 253 */
	ASSERT_POOL_OK(pool);

	/* free_high: order 1..3 free after a spill drains the whole list */
	ASSERT_GT(pcp_of(pool, 0)->free_factor, 0);
	p = edumm_alloc_pages(pool, 1, EDUMM_MT_MOVABLE, EDUMM_AF_NO_PCP);
	ASSERT_NOT_NULL(p);
	ASSERT_EQ(edumm_free_pages(pool, ut_pfn(pool, p), 1), 0);
	ASSERT_EQ(pcp_of(pool, 0)->count, 0);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_SPILL), 7);
	ASSERT_POOL_OK(pool);

	ut_blocks_free_all(&held);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
}

/*
 * The seventh spill in a row: Debian's 6.1 (6.1.192 in
 * /usr/src/linux-source-6.1) caps free_factor at CONFIG_PCP_BATCH_SCALE_MAX
 * (5), so the spill stays 3 << 5 = 96 pages; uncapped it would be
 * clamp(3 << 6, 3, 157) = 157.
 */
TEST(pcp_spill_scale_capped_at_5)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct pcp_model m = { .high = 160, .batch = 3, .scale_cap = true };
	unsigned long spills = 0;
	struct ut_blocks held;

	ut_blocks_init(&held, pool);
	hold_order0(pool, &held, 400);
	free_and_follow(pool, &held, 400, &m, &spills);
	ASSERT_EQ(spills, 7);
	ASSERT_EQ(pcp_of(pool, 0)->free_factor, 5);
	ut_blocks_free_all(&held);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
}

/*
 * An allocation halves free_factor (rmqueue_pcplist), so spills after an
 * allocation start small again.
 */
TEST(pcp_alloc_halves_free_factor)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct pcp_model m = { .high = 160, .batch = 3, .scale_cap = true };
	unsigned long spills = 0;
	struct ut_blocks held;
	int ff;

	ut_blocks_init(&held, pool);
	hold_order0(pool, &held, 200);
	free_and_follow(pool, &held, 175, &m, &spills);	/* spills 3, 6, 12 */
	ASSERT_EQ(spills, 3);
	ff = pcp_of(pool, 0)->free_factor;
	ASSERT_EQ(ff, 3);
	ut_blocks_add(&held, edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, 0), 0);
	m.count--;
	ASSERT_EQ(pcp_of(pool, 0)->free_factor, ff >> 1);
	m.free_factor = ff >> 1;
	free_and_follow(pool, &held, held.nr, &m, &spills);
	ut_blocks_free_all(&held);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
}

/*
 * A failing allocation drains every CPU's lists and retries, so with
 * EDUMM_AF_NO_WMARK CPU 0 gets every page of the pool even while CPU 1
 * (and CPU 0 itself, for other orders) had pages cached.
 */
static void drain_retry(unsigned int order)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 2);
	struct edumm_pool_snapshot snap;
	struct ut_blocks held, other;
	struct edumm_page *p;
	int i;

	ut_blocks_init(&held, pool);
	ut_blocks_init(&other, pool);
	ut_set_cpu(1);
	for (i = 0; i < 40; i++)
		ut_blocks_add(&other, edumm_alloc_pages(pool, i % 4, EDUMM_MT_UNMOVABLE, 0), i % 4);
	ut_blocks_free_all(&other);
	edumm_pool_snapshot(pool, &snap);
	ASSERT_GT(snap.pcp_pages, 0);

	ut_set_cpu(0);
	while ((p = edumm_alloc_pages(pool, order, EDUMM_MT_MOVABLE, EDUMM_AF_NO_WMARK)))
		ut_blocks_add(&held, p, order);
	ASSERT_GE(ut_stat_delta(pool, EDUMM_DRAIN_RETRY), 1);
	edumm_pool_snapshot(pool, &snap);
	ASSERT_EQ(snap.pcp_pages, 0);
	if (order == 0) {
		ASSERT_EQ(held.pages, pool->nr_pages);
		ASSERT_EQ(snap.allocated_pages, pool->nr_pages);
	} else {
		/* no free block of the order is left anywhere */
		unsigned int zi, o;

		for (zi = 0; zi < pool->nr_zones; zi++)
			for (o = order; o < EDUMM_MAX_ORDER; o++)
				ASSERT_EQ(pool->zones[zi]->free_area[o].nr_free, 0);
	}
	ASSERT_POOL_OK(pool);
	ut_blocks_free_all(&held);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
	ut_blocks_destroy(&other);
}

TEST(pcp_drain_retry_order0_reaches_every_page)
{
	drain_retry(0);
}

TEST(pcp_drain_retry_order2)
{
	drain_retry(2);
}

/* A zone too small for batching (batch 1) still works through the pcp. */
TEST(pcp_batch1_zone)
{
	static const struct edumm_chunk_desc one[] = { { 0x80000, 10, 0, EDUMM_ZONE_NORMAL } };
	struct edumm_pool *pool = ut_pool_init(one, 1, 4);
	struct ut_blocks held;
	int i;

	/* min 64, low 80, 4 CPUs: high = max(80 / 4, 4 * 1) = 20 */
	ASSERT_EQ(pcp_of(pool, 3)->batch, 1);
	ASSERT_EQ(pcp_of(pool, 3)->high, 20);
	ut_blocks_init(&held, pool);
	for (i = 0; i < 30; i++) {
		ut_set_cpu(i % 4);
		ut_blocks_add(&held, edumm_alloc_pages(pool, 0, EDUMM_MT_RECLAIMABLE, 0), 0);
		ASSERT_EQ(pcp_of(pool, i % 4)->count, 0);
	}
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_REFILL), 30);
	ut_set_cpu(3);
	ut_blocks_free_all(&held);
	/* 30 frees on CPU 3: spill at 20 (nr_pcp_free: high < batch? no; clamp(1, 1, 19)) */
	ASSERT_LT(pcp_of(pool, 3)->count, 20);
	ASSERT_GE(ut_stat_delta(pool, EDUMM_PCP_SPILL), 1);
	ASSERT_POOL_OK(pool);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
}

/*
 * edumm_pcp_set_sizes(): new batch and high on every CPU's list, high
 * raised to 4 * batch, refills then take the new batch; 0 0 restores the
 * zone's own sizes (batch 3, high 160 here); bad sizes are refused.
 */
TEST(pcp_set_sizes)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct edumm_page *p;

	ASSERT_EQ(edumm_pcp_set_sizes(pool, 31, 395), 0);
	ASSERT_EQ(pcp_of(pool, 0)->batch, 31);
	ASSERT_EQ(pcp_of(pool, 1)->high, 395);
	ASSERT_CONTAINS(ut_zoneinfo(pool), zoneinfo_pcp(1, 0, 395, 31));
	p = edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, 0);
	ASSERT_TRUE(p != NULL);
	ASSERT_EQ(pcp_of(pool, 0)->count, 31 - 1);	/* refilled by the new batch */
	ASSERT_EQ(edumm_free_pages(pool, ut_pfn(pool, p), 0), 0);

	ASSERT_EQ(edumm_pcp_set_sizes(pool, 64, 10), 0);
	ASSERT_EQ(pcp_of(pool, 0)->high, 4 * 64);
	ASSERT_EQ(edumm_pcp_set_sizes(pool, 0, 0), 0);
	ASSERT_EQ(pcp_of(pool, 0)->batch, 3);
	ASSERT_EQ(pcp_of(pool, 1)->high, 160);

	ASSERT_EQ(edumm_pcp_set_sizes(pool, 0, 5), -EINVAL);
	ASSERT_EQ(edumm_pcp_set_sizes(pool, EDUMM_PCP_MAX_BATCH + 1, 0), -EINVAL);
	ASSERT_EQ(edumm_pcp_set_sizes(pool, 1, EDUMM_PCP_MAX_HIGH + 1), -EINVAL);
	ASSERT_EQ(pcp_of(pool, 0)->batch, 3);
	ASSERT_POOL_OK(pool);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}
