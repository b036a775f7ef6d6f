// SPDX-License-Identifier: GPL-2.0
/*
 * test_bulk.c - edumm_alloc_pages_bulk(), the array variant of
 * __alloc_pages_bulk() of Linux 6.1: populated slots are skipped, one
 * missing page goes to the single-page allocator, the rest come off this
 * CPU's pcp list under one lock (refilled batch by batch), the low
 * watermark plus the request decides whether the bulk path is tried, and
 * fault injection fails the whole call.
 *
 * The 64 MiB pool (ut_layout_simple) has batch 3, low watermark 320.
 */
#include "common.h"

#define NR_BULK	16

static void free_array(struct edumm_pool *pool, struct edumm_page **array, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (!array[i])
			continue;
		ASSERT_EQ(edumm_free_pages(pool, ut_pfn(pool, array[i]), 0), 0);
		array[i] = NULL;
	}
}

/*
 * 16 pages from an empty pcp list: every page comes from the pcp list
 * (16 PCP_ALLOC), which is refilled batch (3) at a time: ceil(16 / 3) = 6
 * refills; 6 * 3 - 16 = 2 pages stay on the list.
 */
TEST(bulk_fills_array_from_pcp)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct edumm_page *array[NR_BULK] = { };
	struct ut_blocks held;
	unsigned int i;

	ASSERT_EQ(edumm_alloc_pages_bulk(pool, EDUMM_MT_UNMOVABLE, 0, NR_BULK, array), NR_BULK);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PGALLOC), NR_BULK);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_ALLOC), NR_BULK);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_REFILL), 6);
	ASSERT_EQ(pool->zones[0]->pcp[0].count, 2);
	ASSERT_POOL_OK(pool);

	/* distinct, allocated, order-0 blocks of the pool */
	ut_blocks_init(&held, pool);
	for (i = 0; i < NR_BULK; i++) {
		ASSERT_TRUE(array[i] != NULL);
		ASSERT_EQ(array[i]->flags, EDUMM_PG_HEAD);
		ASSERT_EQ(array[i]->order, 0);
		ut_blocks_add(&held, array[i], 0);
	}
	ut_blocks_free_all(&held);
	ut_blocks_destroy(&held);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

/*
 * Slots that hold a page are kept; a full array allocates nothing; one
 * empty slot is left to edumm_alloc_pages().
 */
TEST(bulk_skips_populated_slots)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct edumm_page *array[NR_BULK] = { };
	struct edumm_page *keep;
	unsigned int i;

	ASSERT_EQ(edumm_alloc_pages_bulk(pool, EDUMM_MT_MOVABLE, 0, NR_BULK, array), NR_BULK);
	ASSERT_EQ(edumm_alloc_pages_bulk(pool, EDUMM_MT_MOVABLE, 0, NR_BULK, array), NR_BULK);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PGALLOC), NR_BULK);

	/* one hole: filled through the single-page path */
	keep = array[5];
	ASSERT_EQ(edumm_free_pages(pool, ut_pfn(pool, keep), 0), 0);
	array[5] = NULL;
	ASSERT_EQ(edumm_alloc_pages_bulk(pool, EDUMM_MT_MOVABLE, 0, NR_BULK, array), NR_BULK);
	ASSERT_TRUE(array[5] == keep);		/* LIFO pcp list: the same page */
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PGALLOC), NR_BULK + 1);

	/* several holes: the others stay where they are */
	for (i = 0; i < NR_BULK; i += 4) {
		ASSERT_EQ(edumm_free_pages(pool, ut_pfn(pool, array[i]), 0), 0);
		array[i] = NULL;
	}
	keep = array[1];
	ASSERT_EQ(edumm_alloc_pages_bulk(pool, EDUMM_MT_MOVABLE, 0, NR_BULK, array), NR_BULK);
	ASSERT_TRUE(array[1] == keep);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PGALLOC), NR_BULK + 1 + NR_BULK / 4);
	ASSERT_POOL_OK(pool);

	free_array(pool, array, NR_BULK);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

/*
 * The bulk path needs free > low + nr; below that it falls back to one
 * page from edumm_alloc_pages() (which checks low + 0, then min), and
 * returns 1.  Invalid migratetypes and flags allocate nothing.
 */
TEST(bulk_watermark_and_bad_arguments)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct edumm_zone *zone = pool->zones[0];
	struct edumm_page *array[NR_BULK] = { };
	struct ut_blocks held;
	struct edumm_page *p;

	ASSERT_EQ(edumm_alloc_pages_bulk(pool, EDUMM_MT_TYPES, 0, NR_BULK, array), 0);
	ASSERT_EQ(edumm_alloc_pages_bulk(pool, -1, 0, NR_BULK, array), 0);
	ASSERT_EQ(edumm_alloc_pages_bulk(pool, 0, (unsigned int)~EDUMM_AF_MASK, NR_BULK, array), 0);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PGALLOC), 0);

	/* bring the zone to free == low + NR_BULK: not above it */
	ut_blocks_init(&held, pool);
	while (zone->free_pages > zone->watermark[EDUMM_WMARK_LOW] + NR_BULK) {
		p = edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, EDUMM_AF_NO_PCP);
		ASSERT_TRUE(p != NULL);
		ut_blocks_add(&held, p, 0);
	}
	ASSERT_EQ(edumm_alloc_pages_bulk(pool, EDUMM_MT_MOVABLE, 0, NR_BULK, array), 1);
	ASSERT_TRUE(array[0] != NULL && array[1] == NULL);
	ASSERT_POOL_OK(pool);
	free_array(pool, array, NR_BULK);
	ut_blocks_free_all(&held);
	ut_blocks_destroy(&held);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

/* An injected failure fails the whole call, once, like prepare_alloc_pages(). */
TEST(bulk_fault_injection)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct edumm_page *array[NR_BULK] = { };

	pool->fail.probability = 100;
	pool->fail.interval = 1;
	pool->fail.times = 1;
	ASSERT_EQ(edumm_alloc_pages_bulk(pool, EDUMM_MT_UNMOVABLE, 0, NR_BULK, array), 0);
	ASSERT_TRUE(array[0] == NULL);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_FAIL_INJECTED), 1);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PGALLOC), 0);
	/* times is spent: the next call succeeds */
	ASSERT_EQ(edumm_alloc_pages_bulk(pool, EDUMM_MT_UNMOVABLE, 0, NR_BULK, array), NR_BULK);
	ASSERT_POOL_OK(pool);
	free_array(pool, array, NR_BULK);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}
