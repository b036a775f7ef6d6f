// SPDX-License-Identifier: GPL-2.0
/*
 * test_check.c - the invariant checker is not a no-op: each corruption
 * below, done by hand on a sound pool, must make edumm_pool_check() return
 * non-zero and print a line that names the problem; undoing it must bring
 * the result back to 0.
 */
#include "common.h"

/* Run the checker into a buffer; expect >= @min_violations and @needle. */
#define expect_detected(pool, needle, min_violations) \
	__expect_detected(pool, needle, min_violations, __FILE__, __LINE__)

static unsigned long __expect_detected(struct edumm_pool *pool, const char *needle,
				       unsigned long min_violations, const char *file, int line)
{
	struct ut_buf b;
	unsigned long n;

	ut_buf_init(&b);
	n = edumm_pool_check(pool, &b.out);
	if (n < min_violations || !strstr(b.s, needle)) {
		ut_diag("checker said (%lu):\n%s", n, b.s);
		ut_buf_free(&b);
		ut_fail(file, line, "corruption not reported as \"%s\"", needle);
	}
	ut_buf_free(&b);
	return n;
}

struct fixture {
	struct edumm_pool *pool;
	struct edumm_zone *zone;
	unsigned long x;	/* allocated order 0; x ^ 1 is a free order-0 block */
	unsigned long y;	/* freed order 1, on CPU 0's pcp list */
	unsigned long b;	/* allocated order 2 */
};

/* Only NO_PCP allocations and pcp frees: valid pcp state without refills. */
static void setup(struct fixture *f)
{
	struct edumm_page *p;

	f->pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	f->zone = f->pool->zones[0];
	p = edumm_alloc_pages(f->pool, 0, EDUMM_MT_MOVABLE, EDUMM_AF_NO_PCP);
	ASSERT_NOT_NULL(p);
	f->x = ut_pfn(f->pool, p);
	ASSERT_EQ(f->x & 1, 0);
	p = edumm_alloc_pages(f->pool, 1, EDUMM_MT_MOVABLE, EDUMM_AF_NO_PCP);
	ASSERT_NOT_NULL(p);
	f->y = ut_pfn(f->pool, p);
	ASSERT_EQ(f->y, f->x + 2);
	p = edumm_alloc_pages(f->pool, 2, EDUMM_MT_MOVABLE, EDUMM_AF_NO_PCP);
	ASSERT_NOT_NULL(p);
	f->b = ut_pfn(f->pool, p);
	ASSERT_EQ(edumm_free_pages(f->pool, f->y, 1), 0);
	ASSERT_EQ(f->zone->pcp[0].count, 2);
	ASSERT_EQ(edumm_pfn_to_page(f->pool, f->x ^ 1)->flags, EDUMM_PG_BUDDY);
	ASSERT_POOL_OK(f->pool);
}

static void teardown(struct fixture *f)
{
	ASSERT_POOL_OK(f->pool);
	ASSERT_EQ(edumm_free_pages(f->pool, f->x, 0), 0);
	ASSERT_EQ(edumm_free_pages(f->pool, f->b, 2), 0);
	edumm_drain_all_pages(f->pool);
	ASSERT_STREQ(ut_buddyinfo(f->pool), ut.initial_buddyinfo);
}

static struct edumm_page *pg(struct fixture *f, unsigned long pfn)
{
	return edumm_pfn_to_page(f->pool, pfn);
}

/* Descriptor flags that disagree with the lists: L1, D1, D4. */
TEST(check_detects_bad_flags)
{
	struct fixture f;

	setup(&f);
	pg(&f, f.x ^ 1)->flags = EDUMM_PG_HEAD;		/* a free block "allocated" */
	expect_detected(f.pool, "on free list order 0 Movable has flags 0x4", 1);
	pg(&f, f.x ^ 1)->flags = EDUMM_PG_BUDDY;
	ASSERT_POOL_OK(f.pool);

	pg(&f, f.b + 1)->flags = EDUMM_PG_HEAD;		/* a head inside a block */
	expect_detected(f.pool, "overlaps the block at pfn", 1);
	pg(&f, f.b + 1)->flags = 0;
	ASSERT_POOL_OK(f.pool);

	pg(&f, f.x)->flags = EDUMM_PG_HEAD | EDUMM_PG_BUDDY;
	expect_detected(f.pool, "bad flags 0x5", 1);
	pg(&f, f.x)->flags = EDUMM_PG_HEAD;
	ASSERT_POOL_OK(f.pool);

	pg(&f, f.y)->mt = EDUMM_MT_UNMOVABLE;		/* pcp entry on the wrong list */
	expect_detected(f.pool, "on pcp list order 1 Movable", 1);
	pg(&f, f.y)->mt = EDUMM_MT_MOVABLE;
	ASSERT_POOL_OK(f.pool);

	pg(&f, f.b)->order = 1;				/* a shrunken block */
	expect_detected(f.pool, "pages: ", 1);
	pg(&f, f.b)->order = 2;
	teardown(&f);
}

/* Counts that disagree with the lists: L2, L3, T2, T3, T4. */
TEST(check_detects_bad_counts)
{
	struct fixture f;
	struct edumm_zone *z;

	setup(&f);
	z = f.zone;
	z->free_area[10].nr_free++;
	expect_detected(f.pool, "order 10: nr_free 16 but 15 blocks", 1);
	z->free_area[10].nr_free--;
	ASSERT_POOL_OK(f.pool);

	z->free_pages--;
	expect_detected(f.pool, "free_pages", 1);
	z->free_pages++;
	ASSERT_POOL_OK(f.pool);

	z->pcp[0].count++;
	expect_detected(f.pool, "cpu 0: pcp count 3 but 2 pages", 1);
	z->pcp[0].count--;
	ASSERT_POOL_OK(f.pool);

	z->nr_pageblocks[EDUMM_MT_MOVABLE]--;
	z->nr_pageblocks[EDUMM_MT_UNMOVABLE]++;
	expect_detected(f.pool, "0 Unmovable pageblocks counted, 1 recorded", 2);
	z->nr_pageblocks[EDUMM_MT_MOVABLE]++;
	z->nr_pageblocks[EDUMM_MT_UNMOVABLE]--;
	ASSERT_POOL_OK(f.pool);

	f.pool->pb_mt[3] = 7;
	expect_detected(f.pool, "pageblock with bad type 7", 1);
	f.pool->pb_mt[3] = EDUMM_MT_MOVABLE;
	ASSERT_POOL_OK(f.pool);

	f.pool->stats[1].v[EDUMM_PGALLOC_PAGES] += 5;
	expect_detected(f.pool, "allocated, counters say", 1);
	f.pool->stats[1].v[EDUMM_PGALLOC_PAGES] -= 5;
	ASSERT_POOL_OK(f.pool);

	z->watermark[EDUMM_WMARK_MIN] = z->watermark[EDUMM_WMARK_HIGH] + 1;
	expect_detected(f.pool, "watermarks out of order", 1);
	z->watermark[EDUMM_WMARK_MIN] = 256;
	teardown(&f);
}

/*
 * Two free buddies left unmerged (D3), and nothing else wrong: put x, the
 * allocated buddy of the free order-0 block x ^ 1, on the free list by
 * hand, with every count adjusted, so exactly one violation remains:
 *
 *   [x: free o0][x^1: free o0]   <- should have been one o1 block
 */
TEST(check_detects_unmerged_buddies)
{
	struct fixture f;
	struct edumm_page *px;
	struct ut_buf b;
	unsigned long n;

	setup(&f);
	px = pg(&f, f.x);
	px->flags = EDUMM_PG_BUDDY;
	px->order = 0;
	px->mt = EDUMM_MT_MOVABLE;
	list_add(&px->lru, &f.zone->free_area[0].free_list[EDUMM_MT_MOVABLE]);
	f.zone->free_area[0].nr_free++;
	f.zone->free_pages++;
	f.pool->stats[0].v[EDUMM_PGFREE_PAGES]++;

	ut_buf_init(&b);
	n = edumm_pool_check(f.pool, &b.out);
	ASSERT_EQ(n, 1);
	ASSERT_STREQ(b.s, ut_tmp_printf("pfn %#lx and its buddy %#lx are both free at order 0\n",
					f.x, f.x ^ 1));
	ut_buf_free(&b);

	list_del_init(&px->lru);
	px->flags = EDUMM_PG_HEAD;
	f.zone->free_area[0].nr_free--;
	f.zone->free_pages--;
	f.pool->stats[0].v[EDUMM_PGFREE_PAGES]--;
	teardown(&f);
}

/* Broken lists: a cycle not through the head, an entry outside pages[]. */
TEST(check_detects_broken_lists)
{
	struct edumm_page fake;
	struct list_head *head, *a, *b, *saved;
	struct fixture f;

	setup(&f);
	head = &f.zone->free_area[10].free_list[EDUMM_MT_MOVABLE];
	a = head->next;
	b = a->next;
	ASSERT_TRUE(a != head && b != head);
	saved = b->next;
	b->next = a;					/* a -> b -> a -> ... */
	expect_detected(f.pool, "longer than the pool (cycle?)", 1);
	b->next = saved;
	ASSERT_POOL_OK(f.pool);

	memset(&fake, 0, sizeof(fake));
	fake.flags = EDUMM_PG_BUDDY;
	list_add(&fake.lru, head);
	expect_detected(f.pool, "entry outside pages[]", 1);
	list_del_init(&fake.lru);
	teardown(&f);
}

/*
 * A misaligned block (D2): the order-0 block at odd pfn z claims order 1.
 */
TEST(check_detects_misaligned_block)
{
	struct fixture f;
	struct edumm_page *p;
	unsigned long z;

	setup(&f);
	p = edumm_alloc_pages(f.pool, 0, EDUMM_MT_MOVABLE, EDUMM_AF_NO_PCP);
	ASSERT_NOT_NULL(p);
	z = ut_pfn(f.pool, p);
	ASSERT_EQ(z, f.x ^ 1);
	p->order = 1;
	expect_detected(f.pool, ut_tmp_printf("pfn %#lx: block of order 1 is not aligned", z), 1);
	p->order = 0;
	ASSERT_POOL_OK(f.pool);
	ASSERT_EQ(edumm_free_pages(f.pool, z, 0), 0);
	teardown(&f);
}

/* Many violations: 64 lines, then a count of them all. */
TEST(check_caps_its_output)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct ut_blocks held;
	struct ut_buf b;
	unsigned long i, n, lines = 0;
	char *s;

	ut_blocks_init(&held, pool);
	for (i = 0; i < 400; i++)
		ut_blocks_add(&held, edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE,
						       EDUMM_AF_NO_PCP), 0);
	for (i = held.nr; i-- > 0;)
		if (held.pfn[i] & 1)
			ut_blocks_free(&held, i);
	edumm_drain_all_pages(pool);
	for (i = 0; i < held.nr; i++)		/* each free odd page "allocated" */
		edumm_pfn_to_page(pool, held.pfn[i] + 1)->flags = EDUMM_PG_HEAD;

	ut_buf_init(&b);
	n = edumm_pool_check(pool, &b.out);
	ASSERT_GT(n, 200);
	for (s = b.s; *s; s++)
		lines += *s == '\n';
	ASSERT_EQ(lines, 64 + 1);
	ASSERT_CONTAINS(b.s, ut_tmp_printf("... %lu violations in all\n", n));
	ut_buf_free(&b);

	for (i = 0; i < held.nr; i++)
		edumm_pfn_to_page(pool, held.pfn[i] + 1)->flags = EDUMM_PG_BUDDY;
	ASSERT_POOL_OK(pool);
	ASSERT_EQ(edumm_pool_check(pool, NULL), 0);
	ut_blocks_free_all(&held);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
}

/*
 * A block that would span a hole (D2): two order-9 chunks far apart have
 * consecutive descriptors, so an order-10 "block" at the first would run
 * into the second chunk's pages.
 */
TEST(check_detects_block_across_hole)
{
	static const struct edumm_chunk_desc d[] = {
		{ 0x10000, 9, 0, EDUMM_ZONE_DMA32 },
		{ 0x30000, 9, 0, EDUMM_ZONE_DMA32 },
	};
	struct edumm_pool *pool = ut_pool_init(d, ARRAY_SIZE(d), 2);
	struct edumm_page *head = edumm_pfn_to_page(pool, 0x10000);
	struct edumm_page *second = edumm_pfn_to_page(pool, 0x30000);

	ASSERT_EQ(second - head, 512);
	ASSERT_EQ(head->flags, EDUMM_PG_BUDDY);
	head->order = 10;
	second->flags = 0;
	expect_detected(pool, "pfn 0x10000: order-10 block spans a hole or two zones", 1);
	head->order = 9;
	second->flags = EDUMM_PG_BUDDY;
	ASSERT_POOL_OK(pool);
}
