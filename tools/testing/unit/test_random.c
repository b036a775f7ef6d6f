// SPDX-License-Identifier: GPL-2.0
/*
 * test_random.c - randomized alloc/free sequences against a reference
 * model, with the invariant checker after every step.
 *
 * The model is the set of blocks the test holds (struct ut_blocks: their
 * pfns, orders and a map of the pages they cover).  Each step does one of:
 *   alloc     a skewed random order (mostly 0..3, sometimes up to 10), a
 *             random migratetype and random EDUMM_AF_HIGH / NO_WMARK /
 *             NO_PCP flags, on a random simulated CPU and node.  A block
 *             must be aligned, inside the pool and disjoint from every held
 *             block; a failure must be justified: every zone the request
 *             may use is under its watermark or has no free block of the
 *             order (with NO_WMARK: has no such block at all);
 *   free      a random held block, from a random CPU;
 *   drain     every pcp list, or one CPU's lists of one zone;
 *   bad free  a pfn that is not a held head (free page, tail, hole, outside
 *             the pool) or a held head with another order: refused with
 *             -EINVAL, one bad_free_* count, one report, state unchanged.
 * After every step: edumm_pool_check() == 0, the snapshot's allocated pages
 * and the pgalloc/pgfree counters agree with the model.  At the end every
 * block is freed, the lists are drained, and buddyinfo must equal the
 * initial text (full coalescing).
 *
 * Default: seeds 1..8, 5000 steps each, on each layout.  SEED= and STEPS=
 * (--seed, --steps) replace them.
 */
#include "common.h"

#define DEFAULT_SEEDS	8
#define DEFAULT_STEPS	5000

struct run_stats {
	unsigned long allocs, alloc_fails, frees, drains, bad_frees, peak;
};

static unsigned int pick_order(u64 *rnd)
{
	unsigned int r = ut_rand_below(rnd, 1000);

	if (r < 450)
		return 0;
	if (r < 600)
		return 1;
	if (r < 700)
		return 2;
	if (r < 800)
		return 3;
	if (r < 950)
		return 4 + (r - 800) / 30;	/* 4..8 */
	if (r < 985)
		return 9;
	return 10;
}

static unsigned int pick_flags(u64 *rnd)
{
	unsigned int f = 0;

	if (ut_rand_below(rnd, 100) < 20)
		f |= EDUMM_AF_HIGH;
	if (ut_rand_below(rnd, 100) < 25)
		f |= EDUMM_AF_NO_WMARK;
	if (ut_rand_below(rnd, 100) < 30)
		f |= EDUMM_AF_NO_PCP;
	return f;
}

/* Why did this allocation fail?  Every usable zone must have a reason. */
static void justify_failure(struct edumm_pool *pool, unsigned int order, int mt,
			    unsigned int flags, unsigned long step)
{
	int top = mt == EDUMM_MT_MOVABLE ? EDUMM_ZONE_MOVABLE : EDUMM_ZONE_NORMAL;
	unsigned int zi, o;

	for (zi = 0; zi < pool->nr_zones; zi++) {
		struct edumm_zone *z = pool->zones[zi];
		long free_pages = (long)z->free_pages - ((1L << order) - 1);
		long mark = z->watermark[EDUMM_WMARK_MIN];
		bool has_block = false;

		if (z->type > top)
			continue;
		for (o = order; o < EDUMM_MAX_ORDER; o++)
			has_block |= z->free_area[o].nr_free != 0;
		if (flags & EDUMM_AF_HIGH)
			mark -= mark / 2;
		if (!has_block)
			continue;
		if (!(flags & EDUMM_AF_NO_WMARK) && free_pages <= mark)
			continue;
		ut_fail(__FILE__, __LINE__,
			"step %lu: order %u mt %d flags %#x failed, but node %d %s has %lu free pages (mark %ld) and a block >= order %u",
			step, order, mt, flags, z->nid, z->name, z->free_pages, mark, order);
	}
}

static void step_alloc(struct edumm_pool *pool, struct ut_blocks *held, u64 *rnd,
		       struct run_stats *st, unsigned long step)
{
	unsigned int order = pick_order(rnd), flags = pick_flags(rnd);
	int mt = ut_rand_below(rnd, EDUMM_MT_TYPES);
	struct edumm_page *p = edumm_alloc_pages(pool, order, mt, flags);

	st->allocs++;
	if (!p) {
		st->alloc_fails++;
		justify_failure(pool, order, mt, flags, step);
		return;
	}
	ut_blocks_add(held, p, order);
	ASSERT_EQ(p->mt, mt);
	if (edumm_page_zone(pool, p)->type == EDUMM_ZONE_MOVABLE)
		ASSERT_EQ(mt, EDUMM_MT_MOVABLE);
}

/* A pfn that is not a pool page: around the chunks, or far away. */
static unsigned long pick_outside_pfn(struct edumm_pool *pool, u64 *rnd)
{
	const struct edumm_chunk *c = &pool->chunks[ut_rand_below(rnd, pool->nr_chunks)];
	unsigned long pfn;

	switch (ut_rand_below(rnd, 3)) {
	case 0:
		pfn = c->start_pfn - 1 - ut_rand_below(rnd, 4);
		break;
	case 1:
		pfn = c->start_pfn + (1UL << c->order) + ut_rand_below(rnd, 4);
		break;
	default:
		pfn = ~0UL - ut_rand_below(rnd, 1UL << 20);
		break;
	}
	return edumm_pfn_to_page(pool, pfn) ? 0 : pfn;
}

static void step_bad_free(struct edumm_pool *pool, struct ut_blocks *held, u64 *rnd,
			  struct run_stats *st)
{
	unsigned long pfn = 0, bad0 = 0, bad1 = 0, reports = edumm_shim_reports;
	unsigned int order = ut_rand_below(rnd, EDUMM_MAX_ORDER), k;
	const char *before;
	int ret;

	switch (ut_rand_below(rnd, 3)) {
	case 0: {			/* any pool page that is not a held head */
		const struct edumm_chunk *c = &pool->chunks[ut_rand_below(rnd, pool->nr_chunks)];
		unsigned long off = ut_rand_below(rnd, 1UL << c->order);

		if (held->owned[c->first + off] != 2)
			pfn = c->start_pfn + off;
		break;
	}
	case 1:				/* a held head, another order */
		if (held->nr) {
			unsigned long i = ut_rand_below(rnd, held->nr);

			pfn = held->pfn[i];
			order = (held->order[i] + 1 + ut_rand_below(rnd, 10)) % EDUMM_MAX_ORDER;
		}
		break;
	default:
		pfn = pick_outside_pfn(pool, rnd);
		break;
	}
	if (!pfn)
		return;
	st->bad_frees++;
	for (k = EDUMM_BAD_FREE_DOUBLE; k <= EDUMM_BAD_FREE_ORDER; k++)
		bad0 += ut_stat(pool, k);
	before = ut_buddyinfo(pool);
	ret = edumm_free_pages(pool, pfn, order);
	if (ret != -EINVAL)
		ut_fail(__FILE__, __LINE__, "bad free of pfn %#lx order %u returned %d", pfn, order, ret);
	for (k = EDUMM_BAD_FREE_DOUBLE; k <= EDUMM_BAD_FREE_ORDER; k++)
		bad1 += ut_stat(pool, k);
	ASSERT_EQ(bad1, bad0 + 1);
	ASSERT_EQ(edumm_shim_reports, reports + 1);
	ASSERT_STREQ(ut_buddyinfo(pool), before);
}

static void check_model(struct edumm_pool *pool, struct ut_blocks *held, unsigned long step)
{
	struct edumm_pool_snapshot snap;
	unsigned long n;

	n = ut_check(pool);
	if (n)
		ut_fail(__FILE__, __LINE__, "step %lu: %lu violations", step, n);
	edumm_pool_snapshot(pool, &snap);
	ASSERT_EQ(snap.allocated_pages, held->pages);
	ASSERT_EQ(snap.counted_pages, held->pages);
	ASSERT_EQ(snap.stat[EDUMM_PGALLOC] - snap.stat[EDUMM_PGFREE], held->nr);
	ASSERT_EQ(snap.free_pages + snap.pcp_pages + held->pages, pool->nr_pages);
}

static void random_run(const struct edumm_chunk_desc *d, unsigned int nr, unsigned int cpus,
		       int nodes, unsigned long seed, unsigned long steps)
{
	struct edumm_pool *pool = ut_pool_init(d, nr, cpus);
	struct run_stats st = { 0 };
	struct ut_blocks held;
	u64 rnd = ut_seed_state(seed);
	unsigned long step;

	ut_blocks_init(&held, pool);
	for (step = 0; step < steps; step++) {
		unsigned int r = ut_rand_below(&rnd, 1000);
		/* alternate filling and emptying phases, to hit exhaustion too */
		unsigned int alloc_pct = (step / 500) % 2 ? 380 : 720;

		ut_set_cpu(ut_rand_below(&rnd, cpus));
		ut_set_node(ut_rand_below(&rnd, nodes + 1));	/* sometimes a memoryless node */
		if (r < alloc_pct) {
			step_alloc(pool, &held, &rnd, &st, step);
		} else if (r < 960) {
			if (held.nr) {
				ut_blocks_free(&held, ut_rand_below(&rnd, held.nr));
				st.frees++;
			}
		} else if (r < 980) {
			st.drains++;
			if (r & 1) {
				struct edumm_pool_snapshot snap;

				edumm_drain_all_pages(pool);
				edumm_pool_snapshot(pool, &snap);
				ASSERT_EQ(snap.pcp_pages, 0);
			} else {
				edumm_drain_zone_pages(pool->zones[ut_rand_below(&rnd, pool->nr_zones)],
						       ut_rand_below(&rnd, cpus));
			}
		} else {
			step_bad_free(pool, &held, &rnd, &st);
		}
		st.peak = max(st.peak, held.pages);
		check_model(pool, &held, step);
	}
	ut_diag("seed %lu: %lu steps, %lu allocs (%lu failed), %lu frees, %lu drains, %lu bad frees, peak %lu/%lu pages",
		seed, steps, st.allocs, st.alloc_fails, st.frees, st.drains, st.bad_frees, st.peak,
		pool->nr_pages);
	ASSERT_GT(st.allocs, 0);
	ASSERT_GT(st.frees, 0);

	while (held.nr) {
		ut_set_cpu(ut_rand_below(&rnd, cpus));
		ut_blocks_free(&held, ut_rand_below(&rnd, held.nr));
	}
	ut_set_cpu(0);
	edumm_drain_all_pages(pool);
	check_model(pool, &held, steps);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
	ut_pool_fini();
}

static void random_runs(const struct edumm_chunk_desc *d, unsigned int nr, unsigned int cpus,
			int nodes)
{
	unsigned long steps = ut.steps ? ut.steps : DEFAULT_STEPS;
	unsigned long seed;

	ut.allow_reports = true;
	if (ut.seed) {
		random_run(d, nr, cpus, nodes, ut.seed, steps);
		return;
	}
	for (seed = 1; seed <= DEFAULT_SEEDS; seed++)
		random_run(d, nr, cpus, nodes, seed, steps);
}

TEST(random_vs_model_simple)
{
	random_runs(ut_layout_simple, ut_layout_simple_nr, 2, 1);
}

TEST(random_vs_model_realistic)
{
	random_runs(ut_layout_realistic, ut_layout_realistic_nr, 3, 2);
}
