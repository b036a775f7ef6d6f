// SPDX-License-Identifier: GPL-2.0
/*
 * test_stats.c - the event counters add up, whichever way the core bumps
 * them: per event or once per call, on the CPU's counters or in the zone
 * under its lock.  One fixed workload over two simulated CPUs (single
 * pages, bulk calls, a thousand pages outstanding so that the lists spill
 * and refill, blocks above the pcp orders, frees on the other CPU, a
 * drain) must leave every counter of the snapshot at the value it had
 * when every event was counted one by one (the numbers below were taken
 * from that code), and the page counts must agree at every step.
 */
#include "common.h"

#define NR_OUT	1024

static struct edumm_page *out[NR_OUT];

/* Allocated pages by the counters equal allocated pages by the lists. */
static void assert_counts_agree(struct edumm_pool *pool)
{
	struct edumm_pool_snapshot snap;

	edumm_pool_snapshot(pool, &snap);
	ASSERT_EQ(snap.counted_pages, snap.allocated_pages);
}

static void workload(struct edumm_pool *pool)
{
	struct edumm_page *bulk[48] = { };
	struct edumm_page *big;
	unsigned int i, round;

	for (round = 0; round < 3; round++) {
		/* pairs on CPU 0 */
		ut_set_cpu(0);
		for (i = 0; i < 50; i++) {
			struct edumm_page *p = edumm_alloc_pages(pool, i % 4, EDUMM_MT_UNMOVABLE, 0);

			ASSERT_TRUE(p != NULL);
			ASSERT_EQ(edumm_free_block(pool, p, i % 4), 0);
		}
		/* bulk on CPU 1, freed on CPU 0 */
		ut_set_cpu(1);
		ASSERT_EQ(edumm_alloc_pages_bulk(pool, EDUMM_MT_MOVABLE, 0, 48, bulk), 48);
		assert_counts_agree(pool);
		ut_set_cpu(0);
		for (i = 0; i < 48; i++) {
			ASSERT_EQ(edumm_free_block(pool, bulk[i], 0), 0);
			bulk[i] = NULL;
		}
		/* 1024 outstanding on CPU 0, freed half on each CPU */
		for (i = 0; i < NR_OUT; i++) {
			out[i] = edumm_alloc_pages(pool, 0, EDUMM_MT_UNMOVABLE, 0);
			ASSERT_TRUE(out[i] != NULL);
		}
		assert_counts_agree(pool);
		for (i = 0; i < NR_OUT; i++) {
			ut_set_cpu(i & 1);
			ASSERT_EQ(edumm_free_block(pool, out[i], 0), 0);
		}
		/* above the pcp orders, and bypassing the lists */
		ut_set_cpu(1);
		big = edumm_alloc_pages(pool, 9, EDUMM_MT_MOVABLE, 0);
		ASSERT_TRUE(big != NULL);
		ASSERT_EQ(edumm_free_block(pool, big, 9), 0);
		big = edumm_alloc_pages(pool, 0, EDUMM_MT_RECLAIMABLE, EDUMM_AF_NO_PCP);
		ASSERT_TRUE(big != NULL);
		ASSERT_EQ(edumm_free_block(pool, big, 0), 0);
		assert_counts_agree(pool);
	}
	edumm_drain_all_pages(pool);
	assert_counts_agree(pool);
}

TEST(stats_counters_add_up)
{
	/* every counter of the snapshot after workload(), counted per event */
	static const unsigned long want[NR_EDUMM_STATS] = {
		[EDUMM_PGALLOC] = 3372,
		[EDUMM_PGALLOC_PAGES] = 5304,
		[EDUMM_PGFREE] = 3372,
		[EDUMM_PGFREE_PAGES] = 5304,
		[EDUMM_PCP_ALLOC] = 3366,
		[EDUMM_PCP_REFILL] = 1083,
		[EDUMM_PCP_FREE] = 3369,
		[EDUMM_PCP_SPILL] = 52,
		[EDUMM_PCP_DRAIN] = 4,
		[EDUMM_BUDDY_SPLIT] = 3054,
		[EDUMM_BUDDY_MERGE] = 3054,
		[EDUMM_FALLBACK] = 3,
		[EDUMM_STEAL_BLOCK] = 3,
		/* the failure and bad-free counters: 0 */
	};
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct edumm_pool_snapshot snap;
	unsigned int i;

	workload(pool);
	edumm_pool_snapshot(pool, &snap);
	for (i = 0; i < NR_EDUMM_STATS; i++)
		if (getenv("UT_PRINT_STATS"))
			printf("\t\t[%s] = %lu,\n", edumm_stat_names[i], snap.stat[i] - ut.snap0.stat[i]);
	for (i = 0; i < NR_EDUMM_STATS; i++)
		ASSERT_EQ(snap.stat[i] - ut.snap0.stat[i], want[i]);
	/* what was split was merged back: the pool is as it was */
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_BUDDY_SPLIT), ut_stat_delta(pool, EDUMM_BUDDY_MERGE));
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ASSERT_POOL_OK(pool);
}
