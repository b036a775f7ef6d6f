// SPDX-License-Identifier: GPL-2.0
/*
 * test_steal.c - migratetype fallback and pageblock stealing, with the
 * outcomes the 6.1 rules give (__rmqueue_fallback, find_suitable_fallback,
 * can_steal_fallback, steal_suitable_fallback):
 *
 *   fallbacks:  Unmovable   -> Reclaimable, Movable
 *               Movable     -> Reclaimable, Unmovable
 *               Reclaimable -> Unmovable,   Movable
 *   search:     largest order first; a movable request that may not steal
 *               (order < pageblock_order / 2) takes the smallest instead
 *   claim:      a block >= pageblock_order takes its pageblocks outright;
 *               else, when stealing is allowed, every free page of the
 *               pageblock moves to the new type, and the pageblock itself
 *               changes type if free + alike pages >= 256 (half a block)
 */
#include "common.h"

#define U	EDUMM_MT_UNMOVABLE
#define M	EDUMM_MT_MOVABLE
#define R	EDUMM_MT_RECLAIMABLE

static int pb_mt(struct edumm_pool *pool, unsigned long pfn)
{
	return edumm_get_pageblock_mt(pool, edumm_pfn_to_page(pool, pfn));
}

static unsigned long alloc_pfn(struct edumm_pool *pool, unsigned int order, int mt,
			       unsigned int flags)
{
	struct edumm_page *p = edumm_alloc_pages(pool, order, mt, flags);

	ASSERT_NOT_NULL(p);
	ASSERT_EQ(p->order, order);
	return ut_pfn(pool, p);
}

/*
 * (a) A fresh 64 MiB pool is all Movable.  An unmovable order-0 request
 * falls back to the largest Movable block (order 10), which spans two
 * pageblocks and takes both (change_pageblock_range), then splits it:
 *
 *   before  Movable  o10 x16                pageblocks  M 32
 *   after   Movable  o10 x15                pageblocks  U 2, M 30
 *           Unmovable o0..o9 x1 each (the split remainder)
 *
 * Freed and drained, the block merges back on the Unmovable list: the
 * pageblocks stay claimed.
 */
TEST(steal_unmovable_takes_largest_block_and_its_pageblocks)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct ut_zone_expect z = { .nid = 0, .name = "DMA32" };
	unsigned long pfn;
	int o;

	pfn = alloc_pfn(pool, 0, U, EDUMM_AF_NO_PCP);
	ASSERT_EQ(pfn % 1024, 0);
	ASSERT_EQ(pb_mt(pool, pfn), U);
	ASSERT_EQ(pb_mt(pool, pfn + 512), U);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_FALLBACK), 1);
	ASSERT_GE(ut_stat_delta(pool, EDUMM_STEAL_BLOCK), 1);
	for (o = 0; o < 10; o++)
		z.free[U][o] = 1;
	z.free[M][10] = 15;
	z.blocks[U] = 2;
	z.blocks[M] = 30;
	ASSERT_STREQ(ut_pagetypeinfo(pool), ut_expect_pagetypeinfo(&z, 1));

	ASSERT_EQ(edumm_free_pages(pool, pfn, 0), 0);
	edumm_drain_all_pages(pool);
	memset(z.free, 0, sizeof(z.free));
	z.free[U][10] = 1;
	z.free[M][10] = 15;
	ASSERT_STREQ(ut_pagetypeinfo(pool), ut_expect_pagetypeinfo(&z, 1));
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);

	/* the next unmovable request finds its own type: no new fallback */
	pfn = alloc_pfn(pool, 0, U, 0);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_FALLBACK), 1);
	ASSERT_EQ(pb_mt(pool, pfn), U);
	ASSERT_EQ(edumm_free_pages(pool, pfn, 0), 0);
	edumm_drain_all_pages(pool);
}

/* Same through the pcp path: the whole refill batch comes from the stolen block. */
TEST(steal_unmovable_via_pcp_refill)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	unsigned long pfn;

	pfn = alloc_pfn(pool, 0, U, 0);
	ASSERT_EQ(pool->zones[0]->pcp[0].count, 2);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_FALLBACK), 1);
	ASSERT_EQ(pool->zones[0]->nr_pageblocks[U], 2);
	ASSERT_EQ(pool->zones[0]->nr_pageblocks[M], 30);
	ASSERT_EQ(pb_mt(pool, pfn), U);
	ASSERT_POOL_OK(pool);
	ASSERT_EQ(edumm_free_pages(pool, pfn, 0), 0);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

/* One lone order-9 chunk: exactly one pageblock (512 pages, min 45, low 56). */
#define PB_BASE	0x90200UL
static const struct edumm_chunk_desc one_pageblock[] = {
	{ PB_BASE, 9, 0, EDUMM_ZONE_DMA32 },
};

/*
 * (b) Claim: half the pageblock is free.
 *
 *   [ Movable o8, allocated      ][ free o8, Movable list       ]
 *
 * An unmovable order-0 request falls back to the o8 block.  Moving the
 * pageblock's free pages finds free = 256, movable = 256, so
 * alike = 512 - (256 + 256) = 0 and free + alike = 256 >= 256: claimed.
 *
 *   [ Movable o8, allocated      ][U][o0][o1 ]...[o7            ]
 *                                  ^ returned, the rest on Unmovable lists
 *   pageblock: Movable -> Unmovable
 */
TEST(steal_claims_pageblock_when_half_free)
{
	struct edumm_pool *pool = ut_pool_init(one_pageblock, 1, 2);
	struct ut_zone_expect z = { .nid = 0, .name = "DMA32" };
	unsigned long a, b;
	int o;

	a = alloc_pfn(pool, 8, M, EDUMM_AF_NO_PCP);
	ASSERT_EQ(a, PB_BASE);
	b = alloc_pfn(pool, 0, U, EDUMM_AF_NO_PCP);
	ASSERT_EQ(b, PB_BASE + 256);
	ASSERT_EQ(pb_mt(pool, PB_BASE), U);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_FALLBACK), 1);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_STEAL_BLOCK), 1);
	for (o = 0; o < 8; o++)
		z.free[U][o] = 1;
	z.blocks[U] = 1;
	ASSERT_STREQ(ut_pagetypeinfo(pool), ut_expect_pagetypeinfo(&z, 1));

	ASSERT_EQ(edumm_free_pages(pool, b, 0), 0);
	ASSERT_EQ(edumm_free_pages(pool, a, 8), 0);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	memset(z.free, 0, sizeof(z.free));
	z.free[U][9] = 1;
	ASSERT_STREQ(ut_pagetypeinfo(pool), ut_expect_pagetypeinfo(&z, 1));
}

/*
 * (c) No claim: less than half free.
 *
 *   [ Movable o8, allocated      ][ M o7, alloc ][ free o7       ]
 *
 * free = 128, movable = 384, alike = 512 - 512 = 0: 128 < 256, so the
 * pageblock stays Movable, but the free o7 block still moved to the
 * Unmovable list (move_freepages_block) and is split there:
 *
 *   [ Movable o8, allocated      ][ M o7, alloc ][U][o0]..[o6    ]
 *                                                 ^ returned
 */
TEST(steal_no_claim_when_less_than_half_free)
{
	struct edumm_pool *pool = ut_pool_init(one_pageblock, 1, 2);
	struct ut_zone_expect z = { .nid = 0, .name = "DMA32" };
	unsigned long a, b, c;
	int o;

	a = alloc_pfn(pool, 8, M, EDUMM_AF_NO_PCP);
	b = alloc_pfn(pool, 7, M, EDUMM_AF_NO_PCP);
	ASSERT_EQ(b, PB_BASE + 256);
	c = alloc_pfn(pool, 0, U, EDUMM_AF_NO_PCP | EDUMM_AF_NO_WMARK);
	ASSERT_EQ(c, PB_BASE + 384);
	ASSERT_EQ(pb_mt(pool, PB_BASE), M);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_FALLBACK), 1);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_STEAL_BLOCK), 0);
	for (o = 0; o < 7; o++)
		z.free[U][o] = 1;
	z.blocks[M] = 1;
	ASSERT_STREQ(ut_pagetypeinfo(pool), ut_expect_pagetypeinfo(&z, 1));

	ASSERT_EQ(edumm_free_pages(pool, c, 0), 0);
	ASSERT_EQ(edumm_free_pages(pool, b, 7), 0);
	ASSERT_EQ(edumm_free_pages(pool, a, 8), 0);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

/*
 * (e) A movable request that may not steal (order 0 < 4) does not break
 * up the largest foreign block; it takes the smallest (find_smallest):
 *
 *   pageblock Unmovable, free on Unmovable lists:  o0 @1, o1 @2, o2 @4, o3 @8
 *   movable order 0  ->  takes o0 @1, not a piece of o3 @8; no claim
 */
TEST(steal_movable_small_takes_smallest_block)
{
	struct edumm_pool *pool = ut_pool_init(one_pageblock, 1, 2);
	const unsigned int nw = EDUMM_AF_NO_PCP | EDUMM_AF_NO_WMARK;
	struct ut_zone_expect z = { .nid = 0, .name = "DMA32" };
	unsigned long held[6], pfn;
	int i;

	held[0] = alloc_pfn(pool, 0, U, nw);		/* claims the pageblock */
	ASSERT_EQ(pb_mt(pool, PB_BASE), U);
	for (i = 1; i <= 5; i++)			/* o8 @256 .. o4 @16 */
		held[i] = alloc_pfn(pool, 9 - i, U, nw);
	ASSERT_EQ(held[5], PB_BASE + 16);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_FALLBACK), 1);

	pfn = alloc_pfn(pool, 0, M, nw);
	ASSERT_EQ(pfn, PB_BASE + 1);
	ASSERT_EQ(pb_mt(pool, PB_BASE), U);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_FALLBACK), 2);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_STEAL_BLOCK), 1);
	z.free[U][1] = z.free[U][2] = z.free[U][3] = 1;
	z.blocks[U] = 1;
	ASSERT_STREQ(ut_pagetypeinfo(pool), ut_expect_pagetypeinfo(&z, 1));

	ASSERT_EQ(edumm_free_pages(pool, pfn, 0), 0);
	for (i = 0; i <= 5; i++)
		ASSERT_EQ(edumm_free_pages(pool, held[i], i ? 9 - i : 0), 0);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

/*
 * (d) The fallback table's order.  Each case builds a pool of order-10
 * chunks whose blocks have the listed types (made by order-10 allocations
 * of that type, which claim a Movable block, then freed), asks for one
 * order-0 page of type @start and expects it from the block of type
 * @victim, which then becomes @start.
 */
struct fallback_case {
	int start;
	int types[2];		/* block types, -1 for no chunk */
	int victim;
};

static void fallback_case(const struct fallback_case *fc)
{
	static const struct edumm_chunk_desc two[] = {
		{ 0x40000, 10, 0, EDUMM_ZONE_NORMAL },
		{ 0x50000, 10, 0, EDUMM_ZONE_NORMAL },
	};
	const unsigned int nw = EDUMM_AF_NO_PCP | EDUMM_AF_NO_WMARK;
	unsigned int nr = fc->types[1] < 0 ? 1 : 2, i;
	unsigned long block[EDUMM_MT_TYPES] = { 0 }, pfn, victim;
	struct edumm_pool *pool = ut_pool_init(two, nr, 2);
	bool movable_left = false;

	/* convert: allocate an order-10 block of each non-Movable type... */
	for (i = 0; i < nr; i++) {
		if (fc->types[i] == M) {
			movable_left = true;
			continue;
		}
		block[fc->types[i]] = alloc_pfn(pool, 10, fc->types[i], nw);
		ASSERT_EQ(pb_mt(pool, block[fc->types[i]]), fc->types[i]);
	}
	/* ...and free them: each lands on the list of its new pageblock type */
	for (i = 0; i < nr; i++)
		if (fc->types[i] != M)
			ASSERT_EQ(edumm_free_pages(pool, block[fc->types[i]], 10), 0);
	if (movable_left)
		block[M] = two[0].start_pfn == block[U] || two[0].start_pfn == block[R] ?
			   two[1].start_pfn : two[0].start_pfn;
	ASSERT_EQ(pool->zones[0]->free_area[10].nr_free, nr);

	pfn = alloc_pfn(pool, 0, fc->start, EDUMM_AF_NO_PCP);
	victim = pfn & ~1023UL;
	if (victim != block[fc->victim])
		ut_fail(__FILE__, __LINE__, "%s request took the block at %#lx, expected the %s block at %#lx",
			edumm_mt_names[fc->start], victim, edumm_mt_names[fc->victim],
			block[fc->victim]);
	ASSERT_EQ(pb_mt(pool, victim), fc->start);
	ASSERT_EQ(pb_mt(pool, victim + 512), fc->start);
	ASSERT_EQ(edumm_free_pages(pool, pfn, 0), 0);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_pool_fini();
}

TEST(steal_fallback_table_order)
{
	static const struct fallback_case cases[] = {
		{ U, { R, M }, R },	/* Unmovable: Reclaimable first */
		{ U, { M, -1 }, M },	/* ... then Movable */
		{ M, { U, R }, R },	/* Movable: Reclaimable first */
		{ M, { U, -1 }, U },	/* ... then Unmovable */
		{ R, { M, U }, U },	/* Reclaimable: Unmovable first */
		{ R, { M, -1 }, M },	/* ... then Movable */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		fallback_case(&cases[i]);
}

/*
 * (f) A movable request of order >= pageblock_order / 2 (4) may steal:
 * from a pageblock that is Unmovable but for one allocated page it takes
 * the largest block (o8), moves all 511 free pages over and claims the
 * pageblock (free 511 + alike 0 >= 256); then splits its own o4 block:
 *
 *   before: pageblock U, free on U lists o0 @1, o1 @2, ..., o8 @256
 *   after:  pageblock M, free on M lists o0..o3, o5..o8; @16 returned
 */
TEST(steal_movable_order4_claims_pageblock)
{
	struct edumm_pool *pool = ut_pool_init(one_pageblock, 1, 2);
	const unsigned int nw = EDUMM_AF_NO_PCP | EDUMM_AF_NO_WMARK;
	struct ut_zone_expect z = { .nid = 0, .name = "DMA32" };
	unsigned long u, m;
	int o;

	u = alloc_pfn(pool, 0, U, nw);
	ASSERT_EQ(pb_mt(pool, PB_BASE), U);
	m = alloc_pfn(pool, 4, M, nw);
	ASSERT_EQ(m, PB_BASE + 16);
	ASSERT_EQ(pb_mt(pool, PB_BASE), M);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_FALLBACK), 2);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_STEAL_BLOCK), 2);
	for (o = 0; o < 9; o++)
		z.free[M][o] = o != 4;
	z.blocks[M] = 1;
	ASSERT_STREQ(ut_pagetypeinfo(pool), ut_expect_pagetypeinfo(&z, 1));
	ASSERT_EQ(edumm_free_pages(pool, m, 4), 0);
	ASSERT_EQ(edumm_free_pages(pool, u, 0), 0);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}
