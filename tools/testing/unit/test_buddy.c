// SPDX-License-Identifier: GPL-2.0
/*
 * test_buddy.c - splitting, merging, every order, exhaustion, watermarks
 * and the zonelist of edumm_alloc_pages() / edumm_free_pages().
 */
#include "common.h"

/* One order-10 chunk: 1024 pages, one pageblock pair, nothing to merge with. */
#define ONE_BASE	0x80000UL
static const struct edumm_chunk_desc one_chunk[] = {
	{ ONE_BASE, 10, 0, EDUMM_ZONE_DMA32 },
};

static const int all_mts[] = { EDUMM_MT_UNMOVABLE, EDUMM_MT_MOVABLE, EDUMM_MT_RECLAIMABLE };

/* Is the page at @pfn the head of a free block of @order? */
static bool free_head(struct edumm_pool *pool, unsigned long pfn, unsigned int order)
{
	struct edumm_page *p = edumm_pfn_to_page(pool, pfn);

	return p && p->flags == EDUMM_PG_BUDDY && p->order == order;
}

/*
 * Splitting an order-10 block down to order 0 (expand()):
 *
 *   before   order 10: [0x80000 ................................. 0x803ff]
 *
 *   after    order  9:                          [0x80200 ........ 0x803ff]
 *            order  8:            [0x80100 .. 0x801ff]
 *            ...
 *            order  1: [0x80002 0x80003]
 *            order  0: [0x80001]
 *            returned: [0x80000]          (the lower half is always kept)
 *
 * Freeing it merges ten times back up to the order-10 block.
 */
TEST(split_order10_to_order0_and_merge_back)
{
	struct edumm_pool *pool = ut_pool_init(one_chunk, 1, 2);
	unsigned long split[EDUMM_MAX_ORDER] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 };
	struct edumm_page *p;
	unsigned int o;

	p = edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, EDUMM_AF_NO_PCP);
	ASSERT_NOT_NULL(p);
	ASSERT_EQ(ut_pfn(pool, p), ONE_BASE);
	ASSERT_STREQ(ut_buddyinfo(pool), ut_buddyinfo_line(0, "DMA32", split));
	for (o = 0; o < 10; o++)
		ASSERT_TRUE(free_head(pool, ONE_BASE + (1UL << o), o));
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_BUDDY_SPLIT), 10);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_ALLOC), 0);
	ASSERT_EQ(pool->zones[0]->free_pages, 1023);
	ASSERT_POOL_OK(pool);

	/* an order-0 free goes to the pcp list first: buddyinfo unchanged */
	ASSERT_EQ(edumm_free_pages(pool, ONE_BASE, 0), 0);
	ASSERT_STREQ(ut_buddyinfo(pool), ut_buddyinfo_line(0, "DMA32", split));
	ASSERT_EQ(pool->zones[0]->pcp[0].count, 1);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_BUDDY_MERGE), 0);

	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ASSERT_TRUE(free_head(pool, ONE_BASE, 10));
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_BUDDY_MERGE), 10);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_BUDDY_SPLIT), 10);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PCP_DRAIN), 1);
}

/*
 * Merging depends only on which buddies are free, not on the order of the
 * frees.  Four order-8 blocks A B C D fill the chunk; free C, A, D, B:
 *
 *   [A  ][B  ][C  ][D  ]   all allocated
 *   [A  ][B  ][   ][D  ]   free C:  o8 x1
 *   [   ][B  ][   ][D  ]   free A:  o8 x2 (A and C are not buddies)
 *   [   ][B  ][        ]   free D:  C+D -> o9; A stays o8
 *   [                  ]   free B:  A+B -> o9, + (C+D) -> o10
 */
TEST(merge_order_independent)
{
	struct edumm_pool *pool = ut_pool_init(one_chunk, 1, 2);
	unsigned long pfn[4], n[EDUMM_MAX_ORDER];
	unsigned int i;

	for (i = 0; i < 4; i++) {
		struct edumm_page *p = edumm_alloc_pages(pool, 8, EDUMM_MT_MOVABLE,
							 EDUMM_AF_NO_PCP | EDUMM_AF_NO_WMARK);

		ASSERT_NOT_NULL(p);
		pfn[i] = ut_pfn(pool, p);
		ASSERT_EQ(pfn[i], ONE_BASE + i * 256);
	}
	ASSERT_EQ(pool->zones[0]->free_pages, 0);

	ASSERT_EQ(edumm_free_pages(pool, pfn[2], 8), 0);
	memset(n, 0, sizeof(n));
	n[8] = 1;
	ASSERT_STREQ(ut_buddyinfo(pool), ut_buddyinfo_line(0, "DMA32", n));

	ASSERT_EQ(edumm_free_pages(pool, pfn[0], 8), 0);
	n[8] = 2;
	ASSERT_STREQ(ut_buddyinfo(pool), ut_buddyinfo_line(0, "DMA32", n));
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_BUDDY_MERGE), 0);

	ASSERT_EQ(edumm_free_pages(pool, pfn[3], 8), 0);
	n[8] = 1;
	n[9] = 1;
	ASSERT_STREQ(ut_buddyinfo(pool), ut_buddyinfo_line(0, "DMA32", n));
	ASSERT_TRUE(free_head(pool, ONE_BASE + 512, 9));
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_BUDDY_MERGE), 1);

	ASSERT_EQ(edumm_free_pages(pool, pfn[1], 8), 0);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_BUDDY_MERGE), 3);
}

/*
 * Every order 0..10, every migratetype, through the pcp lists and around
 * them: the block is aligned to its order, lies inside the pool, is
 * marked as an allocated head, and after free + drain the pool is back to
 * its initial buddyinfo.
 */
static void every_order(const struct edumm_chunk_desc *d, unsigned int nr)
{
	struct edumm_pool *pool = ut_pool_init(d, nr, 2);
	static const unsigned int flags[] = { EDUMM_AF_NO_PCP, 0 };
	struct ut_blocks held;
	unsigned int o, f, m;

	ut_blocks_init(&held, pool);
	for (f = 0; f < ARRAY_SIZE(flags); f++) {
		for (m = 0; m < ARRAY_SIZE(all_mts); m++) {
			for (o = 0; o < EDUMM_MAX_ORDER; o++) {
				struct edumm_page *p = edumm_alloc_pages(pool, o, all_mts[m], flags[f]);

				if (!p)
					ut_fail(__FILE__, __LINE__, "order %u mt %d flags %#x failed",
						o, all_mts[m], flags[f]);
				ut_blocks_add(&held, p, o);
				ASSERT_EQ(p->mt, all_mts[m]);
				ASSERT_POOL_OK(pool);
				ut_blocks_free_all(&held);
				ASSERT_POOL_OK(pool);
				edumm_drain_all_pages(pool);
				ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
			}
		}
	}
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PGALLOC), 2 * 3 * EDUMM_MAX_ORDER);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PGFREE), 2 * 3 * EDUMM_MAX_ORDER);
	ut_blocks_destroy(&held);
}

TEST(every_order_simple)
{
	every_order(ut_layout_simple, ut_layout_simple_nr);
}

TEST(every_order_realistic)
{
	every_order(ut_layout_realistic, ut_layout_realistic_nr);
}

/*
 * One block of every order held at the same time (2047 pages), freed in a
 * scrambled order; they never overlap and everything coalesces again.
 */
TEST(every_order_at_once)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 2);
	struct ut_blocks held;
	u64 rnd = ut_seed_state(42);
	unsigned int o;

	ut_blocks_init(&held, pool);
	for (o = 0; o < EDUMM_MAX_ORDER; o++) {
		unsigned int flags = o % 2 ? EDUMM_AF_NO_PCP : 0;

		ut_blocks_add(&held, edumm_alloc_pages(pool, o, all_mts[o % 3], flags), o);
	}
	ASSERT_EQ(held.pages, 2047);
	ASSERT_POOL_OK(pool);
	while (held.nr) {
		ut_blocks_free(&held, ut_rand_below(&rnd, held.nr));
		ASSERT_POOL_OK(pool);
	}
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
}

/*
 * Allocate with EDUMM_AF_NO_WMARK following @seq round after round until
 * no order succeeds any more; then every page of the pool is allocated,
 * the blocks are disjoint and aligned (ut_blocks_add), one more block of
 * any order fails, and freeing everything restores the initial buddyinfo.
 */
static void exhaust(const struct edumm_chunk_desc *d, unsigned int nr, const unsigned int *seq,
		    unsigned int nseq, unsigned int flags)
{
	struct edumm_pool *pool = ut_pool_init(d, nr, 2);
	struct edumm_pool_snapshot snap;
	struct ut_blocks held;
	unsigned int i, m, o;
	bool progress;

	flags |= EDUMM_AF_NO_WMARK;
	ut_blocks_init(&held, pool);
	do {
		progress = false;
		for (i = 0; i < nseq; i++) {
			int mt = all_mts[(held.nr + i) % 3];
			struct edumm_page *p = edumm_alloc_pages(pool, seq[i], mt, flags);

			if (p) {
				ut_blocks_add(&held, p, seq[i]);
				progress = true;
			}
		}
	} while (progress);

	edumm_pool_snapshot(pool, &snap);
	ASSERT_EQ(held.pages, pool->nr_pages);
	ASSERT_EQ(snap.allocated_pages, pool->nr_pages);
	ASSERT_EQ(snap.free_pages, 0);
	ASSERT_EQ(snap.pcp_pages, 0);
	ASSERT_POOL_OK(pool);
	for (o = 0; o < EDUMM_MAX_ORDER; o++)
		for (m = 0; m < 3; m++) {
			ASSERT_NULL(edumm_alloc_pages(pool, o, all_mts[m], flags));
			ASSERT_NULL(edumm_alloc_pages(pool, o, all_mts[m], 0));
		}

	ut_blocks_free_all(&held);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
}

static const unsigned int largest_first[] = { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 };
static const unsigned int mixed[] = { 3, 0, 5, 1, 10, 2, 7, 0, 4, 9, 6, 8, 0, 1 };

TEST(exhaust_largest_first_no_pcp_realistic)
{
	exhaust(ut_layout_realistic, ut_layout_realistic_nr, largest_first,
		ARRAY_SIZE(largest_first), EDUMM_AF_NO_PCP);
}

TEST(exhaust_largest_first_pcp_realistic)
{
	exhaust(ut_layout_realistic, ut_layout_realistic_nr, largest_first,
		ARRAY_SIZE(largest_first), 0);
}

TEST(exhaust_mixed_orders_no_pcp_simple)
{
	exhaust(ut_layout_simple, ut_layout_simple_nr, mixed, ARRAY_SIZE(mixed), EDUMM_AF_NO_PCP);
}

TEST(exhaust_mixed_orders_pcp_simple)
{
	exhaust(ut_layout_simple, ut_layout_simple_nr, mixed, ARRAY_SIZE(mixed), 0);
}

TEST(exhaust_order0_pcp_realistic)
{
	static const unsigned int zero[] = { 0 };

	exhaust(ut_layout_realistic, ut_layout_realistic_nr, zero, 1, 0);
}

/* Allocate order-@order blocks with @flags until one fails; return how many. */
static unsigned long alloc_until_fail(struct edumm_pool *pool, struct ut_blocks *held,
				      unsigned int order, unsigned int flags)
{
	unsigned long n = 0;
	struct edumm_page *p;

	while ((p = edumm_alloc_pages(pool, order, EDUMM_MT_MOVABLE, flags))) {
		ut_blocks_add(held, p, order);
		n++;
	}
	return n;
}

/*
 * Watermarks on the 64 MiB pool (min 256, low 320), order 0, no pcp.
 * __zone_watermark_ok() allows a page while free_pages > mark, so:
 *   plain allocations stop at free == min = 256; the 64 taken with
 *     free in 257..320 fail the fast (low) pass first;
 *   EDUMM_AF_HIGH halves the slow path's mark only (min 128; the fast
 *     path keeps low 320, as ALLOC_HIGH is set by gfp_to_alloc_flags() in
 *     the slow path): all 128 taken fail the fast pass first, stops at 128;
 *   EDUMM_AF_NO_WMARK takes the rest: stops at 0.
 */
TEST(wmark_order0_min_high_nowmark)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct edumm_zone *zone = pool->zones[0];
	struct ut_blocks held;

	ut_blocks_init(&held, pool);
	ASSERT_EQ(alloc_until_fail(pool, &held, 0, EDUMM_AF_NO_PCP), 16384 - 256);
	ASSERT_EQ(zone->free_pages, 256);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_WMARK_LOW_FAIL), 64 + 1);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_WMARK_MIN_FAIL), 1);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_ALLOC_FAIL), 1);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_DRAIN_RETRY), 0);
	ASSERT_CONTAINS(ut_zoneinfo(pool), "\n  pages free     256\n");

	ASSERT_EQ(alloc_until_fail(pool, &held, 0, EDUMM_AF_NO_PCP | EDUMM_AF_HIGH), 128);
	ASSERT_EQ(zone->free_pages, 256 - 256 / 2);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_WMARK_LOW_FAIL), 65 + 128 + 1);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_WMARK_MIN_FAIL), 2);

	ASSERT_EQ(alloc_until_fail(pool, &held, 0, EDUMM_AF_NO_PCP | EDUMM_AF_NO_WMARK), 128);
	ASSERT_EQ(zone->free_pages, 0);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_WMARK_LOW_FAIL), 194 + 128 + 1);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_WMARK_MIN_FAIL), 2);	/* no mark to fail */
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_ALLOC_FAIL), 3);
	ASSERT_EQ(held.pages, 16384);

	ut_blocks_free_all(&held);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
}

/*
 * For order > 0 the request's own pages beyond the first do not count
 * ((1 << order) - 1 is subtracted): with free = 16383 and order 3, blocks
 * are taken while free - 7 > 256, so the last one leaves 263 = min + 7
 * (without the term it would leave 255).
 */
TEST(wmark_order3_counts_unusable_pages)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct ut_blocks held;

	ut_blocks_init(&held, pool);
	ut_blocks_add(&held, edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, EDUMM_AF_NO_PCP), 0);
	ASSERT_EQ(alloc_until_fail(pool, &held, 3, EDUMM_AF_NO_PCP), (16383 - 263) / 8);
	ASSERT_EQ(pool->zones[0]->free_pages, 263);
	ut_blocks_free_all(&held);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
}

/*
 * Above the watermark, an order > 0 request still needs a free block of
 * at least its order: with every other page of the chunk allocated, 512
 * pages are free (min 64, low 80) but all as order-0 blocks
 *
 *   [A][ ][A][ ][A][ ] ...     A = allocated, [ ] = free order 0
 *
 * so order 1 fails, and fails at the watermark check: no pcp refill is
 * even attempted.
 */
TEST(wmark_high_order_needs_a_block)
{
	struct edumm_pool *pool = ut_pool_init(one_chunk, 1, 2);
	struct edumm_page *p;
	struct ut_blocks held;
	unsigned long i, refills;

	ut_blocks_init(&held, pool);
	ASSERT_EQ(alloc_until_fail(pool, &held, 0, EDUMM_AF_NO_PCP | EDUMM_AF_NO_WMARK), 1024);
	for (i = held.nr; i-- > 0;)
		if (!(held.pfn[i] & 1))
			ut_blocks_free(&held, i);
	edumm_drain_all_pages(pool);
	ASSERT_EQ(pool->zones[0]->free_pages, 512);
	ASSERT_EQ(pool->zones[0]->free_area[0].nr_free, 512);

	refills = ut_stat(pool, EDUMM_PCP_REFILL);
	ASSERT_NULL(edumm_alloc_pages(pool, 1, EDUMM_MT_MOVABLE, 0));
	ASSERT_EQ(ut_stat(pool, EDUMM_PCP_REFILL), refills);
	ASSERT_NULL(edumm_alloc_pages(pool, 1, EDUMM_MT_MOVABLE, EDUMM_AF_NO_PCP));
	ASSERT_NULL(edumm_alloc_pages(pool, 1, EDUMM_MT_MOVABLE,
				      EDUMM_AF_NO_PCP | EDUMM_AF_NO_WMARK));
	p = edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, EDUMM_AF_NO_PCP);
	ut_blocks_add(&held, p, 0);

	ut_blocks_free_all(&held);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
}

/* Invalid requests: NULL, and nothing counted as an allocation. */
TEST(alloc_rejects_bad_requests)
{
	struct edumm_pool *pool = ut_pool_init(one_chunk, 1, 2);

	ASSERT_NULL(edumm_alloc_pages(pool, EDUMM_MAX_ORDER, EDUMM_MT_MOVABLE, 0));
	ASSERT_NULL(edumm_alloc_pages(pool, ~0U, EDUMM_MT_MOVABLE, 0));
	ASSERT_NULL(edumm_alloc_pages(pool, 0, -1, 0));
	ASSERT_NULL(edumm_alloc_pages(pool, 0, EDUMM_MT_TYPES, 0));
	ASSERT_NULL(edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, EDUMM_AF_MASK + 1));
	ASSERT_NULL(edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, 1U << 31));
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PGALLOC), 0);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

/*
 * The zonelist.  Node 0 has DMA32, Normal and Movable, node 1 Normal
 * (16 MiB in all: each zone min 32, low 40):
 *   - only movable requests may use the Movable zone, and prefer it;
 *   - otherwise the highest allowed zone of the local node first, then
 *     the lower ones, then the other nodes;
 *   - the fast path moves on to the next zone once a zone is at low.
 */
static const struct edumm_chunk_desc zl_layout[] = {
	{ 0x10000, 10, 0, EDUMM_ZONE_DMA32 },
	{ 0x100000, 10, 0, EDUMM_ZONE_NORMAL },
	{ 0x140000, 10, 0, EDUMM_ZONE_MOVABLE },
	{ 0x200000, 10, 1, EDUMM_ZONE_NORMAL },
};

static void expect_zone(struct edumm_pool *pool, struct edumm_page *p, int nid, int type)
{
	struct edumm_zone *z;

	ASSERT_NOT_NULL(p);
	z = edumm_page_zone(pool, p);
	if (z->nid != nid || z->type != type)
		ut_fail(__FILE__, __LINE__, "pfn %#lx from node %d %s, expected node %d %s",
			ut_pfn(pool, p), z->nid, z->name, nid, edumm_zone_names[type]);
}

TEST(zonelist_order_and_movable_zone)
{
	struct edumm_pool *pool = ut_pool_init(zl_layout, ARRAY_SIZE(zl_layout), 2);
	const unsigned int nw = EDUMM_AF_NO_PCP | EDUMM_AF_NO_WMARK;
	struct edumm_page *p;
	struct ut_blocks held;
	int i;

	ut_blocks_init(&held, pool);
	ASSERT_EQ(pool->zones[0]->watermark[EDUMM_WMARK_LOW], 40);

	/* local node 0 */
	p = edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, 0);
	expect_zone(pool, p, 0, EDUMM_ZONE_MOVABLE);
	ut_blocks_add(&held, p, 0);
	p = edumm_alloc_pages(pool, 0, EDUMM_MT_UNMOVABLE, 0);
	expect_zone(pool, p, 0, EDUMM_ZONE_NORMAL);
	ut_blocks_add(&held, p, 0);
	p = edumm_alloc_pages(pool, 0, EDUMM_MT_RECLAIMABLE, 0);
	expect_zone(pool, p, 0, EDUMM_ZONE_NORMAL);
	ut_blocks_add(&held, p, 0);

	/* local node 1: its Normal zone first, for every type */
	ut_set_node(1);
	for (i = 0; i < 3; i++) {
		p = edumm_alloc_pages(pool, 0, all_mts[i], EDUMM_AF_NO_PCP);
		expect_zone(pool, p, 1, EDUMM_ZONE_NORMAL);
		ut_blocks_add(&held, p, 0);
	}
	ut_blocks_free_all(&held);
	edumm_drain_all_pages(pool);

	/*
	 * unmovable order 9 with EDUMM_AF_NO_WMARK: the fast path still runs
	 * at low first (Normal, DMA32, node 1: each then at 512 - 511 <= 40),
	 * then the slow path without marks walks the same zonelist again;
	 * never the Movable zone.
	 */
	ut_set_node(0);
	for (i = 0; i < 6; i++) {
		static const int nid[] = { 0, 0, 1, 0, 0, 1 };
		static const int type[] = { EDUMM_ZONE_NORMAL, EDUMM_ZONE_DMA32,
					    EDUMM_ZONE_NORMAL, EDUMM_ZONE_NORMAL,
					    EDUMM_ZONE_DMA32, EDUMM_ZONE_NORMAL };

		p = edumm_alloc_pages(pool, 9, EDUMM_MT_UNMOVABLE, nw);
		expect_zone(pool, p, nid[i], type[i]);
		ut_blocks_add(&held, p, 9);
	}
	ASSERT_NULL(edumm_alloc_pages(pool, 0, EDUMM_MT_UNMOVABLE, nw));
	ASSERT_NULL(edumm_alloc_pages(pool, 0, EDUMM_MT_RECLAIMABLE, nw));
	ASSERT_EQ(pool->zones[2]->type, EDUMM_ZONE_MOVABLE);
	ASSERT_EQ(pool->zones[2]->free_pages, 1024);
	/* movable may still have the Movable zone */
	p = edumm_alloc_pages(pool, 10, EDUMM_MT_MOVABLE, nw);
	expect_zone(pool, p, 0, EDUMM_ZONE_MOVABLE);
	ut_blocks_add(&held, p, 10);
	ut_blocks_free_all(&held);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
}

/*
 * With watermarks, an order-9 request leaves a zone once free - 511 is no
 * longer above low (40): Normal gives one block (1024 -> 513 -> 2nd would
 * leave 1), then DMA32 one, then node 1 one; the slow pass at min (32)
 * finds no zone with 512 - 511 > 32 either.
 */
TEST(zonelist_moves_on_at_low_watermark)
{
	struct edumm_pool *pool = ut_pool_init(zl_layout, ARRAY_SIZE(zl_layout), 2);
	static const int nid[] = { 0, 0, 1 };
	static const int type[] = { EDUMM_ZONE_NORMAL, EDUMM_ZONE_DMA32, EDUMM_ZONE_NORMAL };
	struct ut_blocks held;
	int i;

	ut_blocks_init(&held, pool);
	for (i = 0; i < 3; i++) {
		struct edumm_page *p = edumm_alloc_pages(pool, 9, EDUMM_MT_UNMOVABLE, 0);

		expect_zone(pool, p, nid[i], type[i]);
		ut_blocks_add(&held, p, 9);
	}
	ASSERT_NULL(edumm_alloc_pages(pool, 9, EDUMM_MT_UNMOVABLE, 0));
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_WMARK_LOW_FAIL), 1);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_WMARK_MIN_FAIL), 1);
	ut_blocks_free_all(&held);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
}
