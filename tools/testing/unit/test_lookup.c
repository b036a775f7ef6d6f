// SPDX-License-Identifier: GPL-2.0
/*
 * test_lookup.c - edumm_pfn_to_page(): the constant-time table of
 * edumm_pool.slot_chunk and the binary search it replaces must agree with
 * a plain scan of the chunk table for every pfn in and around the pool,
 * gaps and node boundaries included; a pool spanning too many pfns for the
 * table goes without one.
 */
#include "common.h"

/* The descriptor of @pfn by scanning every chunk, or NULL. */
static struct edumm_page *scan(struct edumm_pool *pool, unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < pool->nr_chunks; i++) {
		const struct edumm_chunk *c = &pool->chunks[i];

		if (pfn >= c->start_pfn && pfn < c->start_pfn + (1UL << c->order))
			return &pool->pages[c->first + (pfn - c->start_pfn)];
	}
	return NULL;
}

/* Compare table, binary search and scan over [lo, hi). */
static unsigned long compare_range(struct edumm_pool *pool, unsigned long lo, unsigned long hi)
{
	u16 *table = pool->slot_chunk;
	unsigned long pfn, found = 0;

	for (pfn = lo; pfn < hi; pfn++) {
		struct edumm_page *want = scan(pool, pfn);

		ASSERT_TRUE(edumm_pfn_to_page(pool, pfn) == want);
		pool->slot_chunk = NULL;
		ASSERT_TRUE(edumm_pfn_to_page(pool, pfn) == want);
		pool->slot_chunk = table;
		found += want != NULL;
	}
	return found;
}

TEST(lookup_table_matches_scan)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 2);
	const struct edumm_chunk *last;
	unsigned long lo, hi;

	ASSERT_TRUE(pool->slot_chunk != NULL);
	last = &pool->chunks[pool->nr_chunks - 1];
	lo = pool->chunks[0].start_pfn;
	hi = last->start_pfn + (1UL << last->order);
	ASSERT_EQ(pool->slot_base, lo);
	ASSERT_EQ(pool->nr_slots, (hi - lo) >> EDUMM_MIN_CHUNK_ORDER);
	/* every pool page exactly once, nothing in the gaps or around */
	ASSERT_EQ(compare_range(pool, lo - 4096, hi + 4096), pool->nr_pages);
	ASSERT_NULL(edumm_pfn_to_page(pool, 0));
	ASSERT_NULL(edumm_pfn_to_page(pool, ~0UL));
	ASSERT_NULL(edumm_pfn_to_page(pool, lo - 1));
	ASSERT_NULL(edumm_pfn_to_page(pool, hi));
}

/* Two chunks 2^29 pfns apart: more than EDUMM_MAX_SLOTS runs, no table. */
TEST(lookup_sparse_pool_has_no_table)
{
	static const struct edumm_chunk_desc sparse[] = {
		{ 0x10000, 9, 0, EDUMM_ZONE_DMA32 },
		{ 0x20000000, 9, 0, EDUMM_ZONE_NORMAL },
	};
	struct edumm_pool *pool = ut_pool_init(sparse, ARRAY_SIZE(sparse), 2);

	ASSERT_NULL(pool->slot_chunk);
	ASSERT_EQ(pool->nr_slots, 0);
	ASSERT_EQ(compare_range(pool, 0x10000 - 16, 0x10000 + 528), 512);
	ASSERT_EQ(compare_range(pool, 0x20000000 - 16, 0x20000000 + 528), 512);
	ASSERT_NULL(edumm_pfn_to_page(pool, 0x1000000));
}

/*
 * edumm_free_block(), the descriptor entry point, frees like
 * edumm_free_pages() and refuses the same bad frees (already free, not a
 * head, wrong order), counting each and leaving the pool intact.
 */
TEST(free_block_checks_like_free_pages)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct edumm_page *a = edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, 0);
	struct edumm_page *b = edumm_alloc_pages(pool, 4, EDUMM_MT_MOVABLE, 0);

	ut.allow_reports = true;
	ASSERT_TRUE(a && b);
	ASSERT_EQ(edumm_free_block(pool, b, 3), -EINVAL);	/* wrong order */
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_BAD_FREE_ORDER), 1);
	ASSERT_EQ(edumm_free_block(pool, b + 1, 0), -EINVAL);	/* a tail page */
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_BAD_FREE_NOT_HEAD), 1);
	ASSERT_POOL_OK(pool);

	ASSERT_EQ(edumm_free_block(pool, a, 0), 0);		/* to the pcp list */
	ASSERT_EQ(edumm_free_block(pool, a, 0), -EINVAL);	/* double free */
	ASSERT_EQ(edumm_free_block(pool, b, 4), 0);		/* to the buddy */
	ASSERT_EQ(edumm_free_block(pool, b, 4), -EINVAL);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_BAD_FREE_DOUBLE), 2);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PGFREE), 2);
	ASSERT_POOL_OK(pool);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}
