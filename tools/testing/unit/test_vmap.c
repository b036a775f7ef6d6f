// SPDX-License-Identifier: GPL-2.0
/*
 * test_vmap.c - the vmap area bookkeeping of vmap.c: insert, find, remove
 * and ordering of the rbtree + list, against a reference model under
 * random sequences with fixed seeds; population from a fragmented buddy;
 * failure paths; the /proc/vmallocinfo text.
 *
 * Addresses are invented (there is no vmap() here): the core only needs
 * them page aligned and non-overlapping.
 */
#include "common.h"
#include "edumm_vmap.h"

#define UT_VA_BASE	0x10000000UL
#define UT_PAGE		(1UL << EDUMM_PAGE_SHIFT)

static struct edumm_vmap_tree tree;

/* An area of @nr pages, populated from the pool, inserted at @addr. */
static struct edumm_vmap_area *area_at(unsigned long addr, unsigned long nr)
{
	struct edumm_vmap_area *va = edumm_vmap_area_alloc(&tree, nr);

	ASSERT_NOT_NULL(va);
	ASSERT_EQ(edumm_vmap_populate(&tree, va, EDUMM_MT_UNMOVABLE, 0), 0);
	ASSERT_EQ(edumm_vmap_insert(&tree, va, addr), 0);
	return va;
}

static void area_destroy(struct edumm_vmap_area *va)
{
	ASSERT_EQ(edumm_vmap_remove(&tree, va), 0);
	edumm_vmap_depopulate(&tree, va);
	edumm_vmap_area_free(va);
}

static unsigned long check_tree(void)
{
	return edumm_vmap_check(&tree, &ut_diag_out);
}

/* Insert, find (start, middle, last byte, guard, outside), remove. */
TEST(vmap_insert_find_remove)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 1);
	struct edumm_vmap_area *a, *b, *bad;
	unsigned long pfn;

	edumm_vmap_tree_init(&tree, pool);
	a = area_at(UT_VA_BASE, 4);
	ASSERT_EQ(a->va_end - a->va_start, 5 * UT_PAGE);	/* guard page */
	ASSERT_EQ(edumm_vmap_area_size(a), 5 * UT_PAGE);

	edumm_lock(&tree.lock);
	ASSERT_TRUE(__edumm_vmap_find(&tree, UT_VA_BASE) == a);
	ASSERT_TRUE(__edumm_vmap_find(&tree, UT_VA_BASE + 2 * UT_PAGE + 17) == a);
	ASSERT_TRUE(__edumm_vmap_find(&tree, UT_VA_BASE + 5 * UT_PAGE - 1) == a);
	ASSERT_NULL(__edumm_vmap_find(&tree, UT_VA_BASE - 1));
	ASSERT_NULL(__edumm_vmap_find(&tree, UT_VA_BASE + 5 * UT_PAGE));
	edumm_unlock(&tree.lock);

	ASSERT_TRUE(edumm_vmap_addr_to_pfn(&tree, UT_VA_BASE + 3 * UT_PAGE + 5, &pfn));
	ASSERT_EQ(pfn, a->pfns[3]);
	/* the guard page maps nothing */
	ASSERT_FALSE(edumm_vmap_addr_to_pfn(&tree, UT_VA_BASE + 4 * UT_PAGE, &pfn));

	/* overlaps: into the guard page, from below, exactly on top */
	bad = edumm_vmap_area_alloc(&tree, 2);
	ASSERT_NOT_NULL(bad);
	ASSERT_EQ(edumm_vmap_populate(&tree, bad, EDUMM_MT_UNMOVABLE, 0), 0);
	ASSERT_EQ(edumm_vmap_insert(&tree, bad, UT_VA_BASE + 4 * UT_PAGE), -EEXIST);
	ASSERT_EQ(edumm_vmap_insert(&tree, bad, UT_VA_BASE - 2 * UT_PAGE), -EEXIST);
	ASSERT_EQ(edumm_vmap_insert(&tree, bad, UT_VA_BASE), -EEXIST);
	/* unaligned, zero, wrapping */
	ASSERT_EQ(edumm_vmap_insert(&tree, bad, UT_VA_BASE + 5 * UT_PAGE + 8), -EINVAL);
	ASSERT_EQ(edumm_vmap_insert(&tree, bad, 0), -EINVAL);
	ASSERT_EQ(edumm_vmap_insert(&tree, bad, ~0UL & ~(UT_PAGE - 1)), -EINVAL);
	/* just below, guard touching a's start: fine */
	ASSERT_EQ(edumm_vmap_insert(&tree, bad, UT_VA_BASE - 3 * UT_PAGE), 0);
	ASSERT_EQ(edumm_vmap_insert(&tree, bad, UT_VA_BASE - 3 * UT_PAGE), -EINVAL);
	b = area_at(UT_VA_BASE + 5 * UT_PAGE, 1);	/* right after a's guard */
	ASSERT_EQ(tree.nr_areas, 3);
	ASSERT_EQ(tree.nr_pages, 7);
	ASSERT_EQ(check_tree(), 0);

	/* list order is address order, whatever the insertion order */
	ASSERT_TRUE(list_first_entry(&tree.list, struct edumm_vmap_area, list) == bad);
	ASSERT_TRUE(list_last_entry(&tree.list, struct edumm_vmap_area, list) == b);

	ASSERT_EQ(edumm_vmap_remove(&tree, a), 0);
	ut.allow_reports = true;
	ASSERT_EQ(edumm_vmap_remove(&tree, a), -ENOENT);
	ASSERT_EQ(check_tree(), 0);
	edumm_vmap_depopulate(&tree, a);
	edumm_vmap_area_free(a);
	area_destroy(bad);
	area_destroy(b);
	ASSERT_EQ(tree.nr_areas, 0);
	ASSERT_EQ(tree.nr_pages, 0);
	ASSERT_EQ(check_tree(), 0);
}

/* The /proc/vmallocinfo line, byte for byte (shim: "%p" for %pK / %pS). */
TEST(vmap_vmallocinfo_format)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 1);
	struct edumm_vmap_area *a, *b;
	const char *expect;
	struct ut_buf buf;

	edumm_vmap_tree_init(&tree, pool);
	b = area_at(UT_VA_BASE + 0x100000, 3);
	b->caller = (void *)0xabc0;
	a = area_at(UT_VA_BASE, 1);
	a->caller = (void *)0x1230;
	ut_buf_init(&buf);
	edumm_show_vmallocinfo(&tree, &buf.out);
	/* every page comes from one node here: the local node 0 goes first */
	expect = ut_tmp_printf("0x10000000-0x10002000    8192 0x1230 pages=1 vmalloc N0=1\n"
			       "0x10100000-0x10104000   16384 0xabc0 pages=3 vmalloc N0=3\n");
	ASSERT_STREQ(buf.s, expect);
	ut_buf_free(&buf);
	area_destroy(a);
	area_destroy(b);
}

/*
 * A fragmented buddy: every other page of the pool allocated, so after a
 * drain no free block is larger than order 0.  An order-8 allocation
 * fails, a 256-page area still populates, on scattered pfns; freeing it
 * gives every page back.
 */
TEST(vmap_populate_fragmented)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 1);
	struct edumm_pool_snapshot snap;
	struct edumm_vmap_area *va;
	struct ut_blocks held;
	unsigned long i, gaps = 0, free_before;
	struct edumm_page *page;

	edumm_vmap_tree_init(&tree, pool);
	ut_blocks_init(&held, pool);
	while ((page = edumm_alloc_pages(pool, 0, EDUMM_MT_UNMOVABLE, EDUMM_AF_NO_WMARK)))
		ut_blocks_add(&held, page, 0);
	ASSERT_EQ(held.pages, pool->nr_pages);
	/* free the pages at even pfns: odd ones keep every buddy apart */
	for (i = held.nr; i-- > 0;)
		if (!(held.pfn[i] & 1))
			ut_blocks_free(&held, i);
	edumm_drain_all_pages(pool);
	edumm_pool_snapshot(pool, &snap);
	free_before = snap.free_pages;
	ASSERT_EQ(free_before, pool->nr_pages / 2);
	ASSERT_NULL(edumm_alloc_pages(pool, 8, EDUMM_MT_UNMOVABLE, EDUMM_AF_NO_WMARK));
	ASSERT_NULL(edumm_alloc_pages(pool, 1, EDUMM_MT_UNMOVABLE, EDUMM_AF_NO_WMARK));

	va = edumm_vmap_area_alloc(&tree, 256);
	ASSERT_NOT_NULL(va);
	ASSERT_EQ(edumm_vmap_populate(&tree, va, EDUMM_MT_UNMOVABLE, EDUMM_AF_NO_WMARK), 0);
	ASSERT_EQ(edumm_vmap_insert(&tree, va, UT_VA_BASE), 0);
	for (i = 1; i < va->nr_pages; i++) {
		ASSERT_EQ(va->pfns[i] & 1, 0);
		if (va->pfns[i] != va->pfns[i - 1] + 1)
			gaps++;
	}
	ut_diag("256 pages on a buddy with no free block above order 0: %lu pfn gaps", gaps);
	ASSERT_EQ(gaps, 255);	/* no two pages adjacent: they cannot be */
	ASSERT_EQ(check_tree(), 0);
	ASSERT_POOL_OK(pool);

	area_destroy(va);
	edumm_drain_all_pages(pool);
	edumm_pool_snapshot(pool, &snap);
	ASSERT_EQ(snap.free_pages, free_before);
	ut_blocks_free_all(&held);
	ut_blocks_destroy(&held);
}

/*
 * Out of pages half way: -ENOMEM, and every page taken so far is back.
 * Fault injection on the bookkeeping: NULL, nothing leaked.
 */
TEST(vmap_populate_enomem_and_fault_injection)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 1);
	struct edumm_pool_snapshot snap;
	struct edumm_vmap_area *va;
	unsigned long live, injected;

	edumm_vmap_tree_init(&tree, pool);
	ASSERT_NULL(edumm_vmap_area_alloc(&tree, 0));
	ASSERT_NULL(edumm_vmap_area_alloc(&tree, pool->nr_pages + 1));

	/* the whole pool is more than the watermarks let through */
	va = edumm_vmap_area_alloc(&tree, pool->nr_pages);
	ASSERT_NOT_NULL(va);
	ASSERT_EQ(edumm_vmap_populate(&tree, va, EDUMM_MT_UNMOVABLE, 0), -ENOMEM);
	edumm_vmap_area_free(va);
	edumm_drain_all_pages(pool);
	edumm_pool_snapshot(pool, &snap);
	ASSERT_EQ(snap.free_pages, pool->nr_pages);

	/*
	 * first the area (with its pfn array) fails; then the bulk call of the
	 * population: the pages come one by one instead (as
	 * vm_area_alloc_pages() falls back), and only a failure of one of
	 * those fails the area
	 */
	live = edumm_shim_meta_live;
	edumm_fault_attr_init(&pool->fail);
	ASSERT_EQ(edumm_fault_attr_parse(&pool->fail, "1,100,0,1"), 0);
	ASSERT_NULL(edumm_vmap_area_alloc(&tree, 8));
	ASSERT_EQ(edumm_shim_meta_live, live);
	edumm_fault_attr_init(&pool->fail);
	ASSERT_EQ(edumm_fault_attr_parse(&pool->fail, "2,100,0,1"), 0);
	va = edumm_vmap_area_alloc(&tree, 8);
	ASSERT_NOT_NULL(va);
	injected = ut_stat(pool, EDUMM_FAIL_INJECTED);
	ASSERT_EQ(edumm_vmap_populate(&tree, va, EDUMM_MT_UNMOVABLE, 0), 0);
	ASSERT_EQ(ut_stat(pool, EDUMM_FAIL_INJECTED) - injected, 1);
	edumm_vmap_depopulate(&tree, va);
	edumm_vmap_area_free(va);
	edumm_fault_attr_init(&pool->fail);
	/* the bulk call (2nd) and the second single page (4th) fail */
	ASSERT_EQ(edumm_fault_attr_parse(&pool->fail, "2,100,0,2"), 0);
	va = edumm_vmap_area_alloc(&tree, 8);
	ASSERT_NOT_NULL(va);
	ASSERT_EQ(edumm_vmap_populate(&tree, va, EDUMM_MT_UNMOVABLE, 0), -ENOMEM);
	edumm_vmap_area_free(va);
	ASSERT_EQ(edumm_shim_meta_live, live);
	edumm_fault_attr_init(&pool->fail);
	edumm_drain_all_pages(pool);
	edumm_pool_snapshot(pool, &snap);
	ASSERT_EQ(snap.free_pages, pool->nr_pages);
}

/* The checker is not vacuous: each kind of corruption is found, and undone. */
TEST(vmap_check_finds_corruption)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 1);
	struct edumm_vmap_area *a, *b, *c;
	unsigned long saved;

	edumm_vmap_tree_init(&tree, pool);
	a = area_at(UT_VA_BASE, 2);
	b = area_at(UT_VA_BASE + 0x10000, 1);
	c = area_at(UT_VA_BASE + 0x20000, 3);
	ASSERT_EQ(edumm_vmap_check(&tree, NULL), 0);

	/* list out of address order */
	list_move_tail(&a->list, &tree.list);
	ASSERT_GT(edumm_vmap_check(&tree, NULL), 0);
	list_move_tail(&b->list, &tree.list);
	list_move_tail(&c->list, &tree.list);
	ASSERT_EQ(edumm_vmap_check(&tree, NULL), 0);

	/* a span without its guard page */
	saved = b->va_end;
	b->va_end -= UT_PAGE;
	ASSERT_GT(edumm_vmap_check(&tree, NULL), 0);
	b->va_end = saved;

	/* a red root */
	tree.root.rb_node->__rb_parent_color &= ~1UL;
	ASSERT_GT(edumm_vmap_check(&tree, NULL), 0);
	tree.root.rb_node->__rb_parent_color |= 1UL;

	/* counts */
	tree.nr_pages++;
	ASSERT_GT(edumm_vmap_check(&tree, NULL), 0);
	tree.nr_pages--;

	/* a pfn outside the pool */
	saved = c->pfns[1];
	c->pfns[1] = 1;
	ASSERT_GT(edumm_vmap_check(&tree, NULL), 0);
	c->pfns[1] = saved;
	ASSERT_EQ(check_tree(), 0);

	area_destroy(a);
	area_destroy(b);
	area_destroy(c);
}

/*** Random sequences against a reference model ***/

#define MODEL_MAX	64
#define SLOTS		512	/* candidate start addresses, in pages */

struct model {
	struct edumm_vmap_area *va[MODEL_MAX];
	unsigned int nr;
};

static struct edumm_vmap_area *model_find(const struct model *m, unsigned long addr)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (addr >= m->va[i]->va_start && addr < m->va[i]->va_end)
			return m->va[i];
	return NULL;
}

static bool model_overlaps(const struct model *m, unsigned long start, unsigned long end)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (start < m->va[i]->va_end && m->va[i]->va_start < end)
			return true;
	return false;
}

static void model_compare(const struct model *m)
{
	const struct edumm_vmap_area *va, *prev = NULL;
	unsigned long pages = 0;
	unsigned int n = 0, i;

	list_for_each_entry(va, &tree.list, list) {
		if (prev)
			ASSERT_LT(prev->va_start, va->va_start);
		prev = va;
		n++;
	}
	for (i = 0; i < m->nr; i++)
		pages += m->va[i]->nr_pages;
	ASSERT_EQ(n, m->nr);
	ASSERT_EQ(tree.nr_areas, m->nr);
	ASSERT_EQ(tree.nr_pages, pages);
}

static void vmap_random_run(unsigned long seed, unsigned long steps)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 2);
	unsigned long inserts = 0, collisions = 0, removes = 0, finds = 0, step;
	struct model m = { .nr = 0 };
	u64 rnd = ut_seed_state(seed);

	edumm_vmap_tree_init(&tree, pool);
	for (step = 0; step < steps; step++) {
		unsigned int r = ut_rand_below(&rnd, 100);

		ut_set_cpu(ut_rand_below(&rnd, 2));
		if (r < 40 && m.nr < MODEL_MAX) {
			unsigned long nr = 1 + ut_rand_below(&rnd, 16);
			unsigned long start = UT_VA_BASE + ut_rand_below(&rnd, SLOTS) * UT_PAGE;
			unsigned long end = start + (nr + EDUMM_VMAP_GUARD_PAGES) * UT_PAGE;
			struct edumm_vmap_area *va = edumm_vmap_area_alloc(&tree, nr);
			int ret;

			ASSERT_NOT_NULL(va);
			ASSERT_EQ(edumm_vmap_populate(&tree, va, EDUMM_MT_UNMOVABLE, 0), 0);
			ret = edumm_vmap_insert(&tree, va, start);
			if (model_overlaps(&m, start, end)) {
				ASSERT_EQ(ret, -EEXIST);
				edumm_vmap_depopulate(&tree, va);
				edumm_vmap_area_free(va);
				collisions++;
			} else {
				ASSERT_EQ(ret, 0);
				m.va[m.nr++] = va;
				inserts++;
			}
		} else if (r < 70 && m.nr) {
			unsigned int i = ut_rand_below(&rnd, m.nr);

			area_destroy(m.va[i]);
			m.va[i] = m.va[--m.nr];
			removes++;
		} else {
			unsigned long addr = UT_VA_BASE - UT_PAGE +
				ut_rand_below(&rnd, (SLOTS + 20) * UT_PAGE);
			struct edumm_vmap_area *want = model_find(&m, addr), *got;
			unsigned long pfn = 0, idx;
			bool found;

			edumm_lock(&tree.lock);
			got = __edumm_vmap_find(&tree, addr);
			edumm_unlock(&tree.lock);
			ASSERT_TRUE(got == want);
			found = edumm_vmap_addr_to_pfn(&tree, addr, &pfn);
			idx = want ? (addr - want->va_start) / UT_PAGE : 0;
			ASSERT_EQ(found, want && idx < want->nr_pages);
			if (found)
				ASSERT_EQ(pfn, want->pfns[idx]);
			finds++;
		}
		model_compare(&m);
		if (!(step % 64))
			ASSERT_EQ(check_tree(), 0);
	}
	ASSERT_EQ(check_tree(), 0);
	ut_diag("seed %lu: %lu steps, %lu inserts (%lu collisions), %lu removes, %lu finds",
		seed, steps, inserts, collisions, removes, finds);
	ASSERT_GT(inserts, 0);
	ASSERT_GT(collisions, 0);
	ASSERT_GT(removes, 0);
	while (m.nr)
		area_destroy(m.va[--m.nr]);
	ASSERT_EQ(check_tree(), 0);
	ut_pool_fini();
}

TEST(vmap_random_vs_model)
{
	unsigned long steps = ut.steps ? ut.steps : 4000;
	unsigned long seed;

	ut.allow_reports = true;
	if (ut.seed) {
		vmap_random_run(ut.seed, steps);
		return;
	}
	for (seed = 1; seed <= 4; seed++)
		vmap_random_run(seed, steps);
}
