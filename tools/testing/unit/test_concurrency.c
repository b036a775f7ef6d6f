// SPDX-License-Identifier: GPL-2.0
/*
 * test_concurrency.c - four threads, each a different simulated CPU with
 * its own seed, churn allocations and frees (and drains, and refused
 * wrong-order frees of their own blocks) while a fifth thread runs the
 * invariant checker over and over.  The checker freezes the pool under
 * every lock, so it must report 0 even in the middle of the churn.
 *
 * A shared map of pool pages, claimed with atomic exchanges, catches two
 * threads ever being handed the same page.  After the threads stop: the
 * checker, the counters against what the threads still hold, free all,
 * drain, and the initial buddyinfo.
 */
#include <sched.h>

#include "common.h"

#define NR_WORKERS	4
#define DEFAULT_STEPS	20000

struct worker {
	pthread_t thread;
	unsigned int cpu;
	int nid;
	u64 rnd;
	unsigned long steps;
	/* blocks held */
	unsigned long *pfn;
	unsigned int *order;
	unsigned long nr, pages;
	/* results */
	unsigned long allocs, fails, frees, overlaps, bad_ret;
};

struct shared {
	struct edumm_pool *pool;
	u8 *owner;			/* per page: 1 + worker id, or 0 */
	volatile bool done;
	unsigned long checks, violations;
};

static struct shared sh;

static unsigned long page_idx(unsigned long pfn)
{
	return ut_idx(sh.pool, edumm_pfn_to_page(sh.pool, pfn));
}

static void claim(struct worker *w, unsigned long pfn, unsigned int order)
{
	unsigned long idx = page_idx(pfn), i;

	for (i = 0; i < (1UL << order); i++)
		if (__atomic_exchange_n(&sh.owner[idx + i], 1 + w->cpu, __ATOMIC_SEQ_CST))
			w->overlaps++;
}

static void release(unsigned long pfn, unsigned int order)
{
	unsigned long idx = page_idx(pfn), i;

	for (i = 0; i < (1UL << order); i++)
		__atomic_store_n(&sh.owner[idx + i], 0, __ATOMIC_SEQ_CST);
}

static unsigned int worker_order(u64 *rnd)
{
	unsigned int r = ut_rand_below(rnd, 100);

	if (r < 50)
		return 0;
	if (r < 80)
		return 1 + r % 3;		/* 1..3: pcp */
	if (r < 97)
		return 4 + r % 3;		/* 4..6 */
	return 9 + r % 2;			/* 9, 10 */
}

static void worker_free(struct worker *w, unsigned long i)
{
	unsigned long pfn = w->pfn[i];
	unsigned int order = w->order[i];

	release(pfn, order);
	w->pfn[i] = w->pfn[w->nr - 1];
	w->order[i] = w->order[w->nr - 1];
	w->nr--;
	w->pages -= 1UL << order;
	w->frees++;
	if (edumm_free_pages(sh.pool, pfn, order))
		w->bad_ret++;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	unsigned long s, cap = w->steps;

	ut_set_cpu(w->cpu);
	ut_set_node(w->nid);
	w->pfn = calloc(cap, sizeof(*w->pfn));
	w->order = calloc(cap, sizeof(*w->order));
	ASSERT_TRUE(w->pfn && w->order);
	for (s = 0; s < w->steps; s++) {
		unsigned int r = ut_rand_below(&w->rnd, 1000);

		/*
		 * Halfway through, the first worker waits for one more check
		 * to complete, so that the checker surely ran on a pool in
		 * mid-churn (with the others still churning) however the
		 * threads are scheduled on a loaded machine.
		 */
		if (w->cpu == 0 && s == w->steps / 2) {
			unsigned long seen = __atomic_load_n(&sh.checks, __ATOMIC_RELAXED);

			while (__atomic_load_n(&sh.checks, __ATOMIC_RELAXED) == seen)
				sched_yield();
		}

		if (r < 540 || !w->nr) {
			unsigned int order = worker_order(&w->rnd), flags = 0;
			int mt = ut_rand_below(&w->rnd, EDUMM_MT_TYPES);
			struct edumm_page *p;

			if (r & 1)
				flags |= EDUMM_AF_NO_PCP;
			if (r % 5 == 0)
				flags |= EDUMM_AF_NO_WMARK;
			if (r % 7 == 0)
				flags |= EDUMM_AF_HIGH;
			p = edumm_alloc_pages(sh.pool, order, mt, flags);
			w->allocs++;
			if (!p) {
				w->fails++;
				continue;
			}
			w->pfn[w->nr] = edumm_page_to_pfn(sh.pool, p);
			w->order[w->nr] = order;
			w->nr++;
			w->pages += 1UL << order;
			if (w->pfn[w->nr - 1] & ((1UL << order) - 1))
				w->overlaps++;		/* misaligned counts as corrupt */
			claim(w, w->pfn[w->nr - 1], order);
		} else if (r < 990) {
			worker_free(w, ut_rand_below(&w->rnd, w->nr));
		} else if (r < 995) {
			edumm_drain_all_pages(sh.pool);
		} else {
			/* a wrong-order free of an own block: refused, nothing changes */
			unsigned long i = ut_rand_below(&w->rnd, w->nr);

			if (edumm_free_pages(sh.pool, w->pfn[i], (w->order[i] + 1) % EDUMM_MAX_ORDER) !=
			    -EINVAL)
				w->bad_ret++;
		}
	}
	return NULL;
}

static void *checker_fn(void *arg)
{
	(void)arg;
	ut_set_cpu(NR_WORKERS);
	while (!__atomic_load_n(&sh.done, __ATOMIC_ACQUIRE)) {
		/* print the first bad check in full, then only count */
		unsigned long n = edumm_pool_check(sh.pool, sh.violations ? NULL : &ut_diag_out);

		__atomic_add_fetch(&sh.checks, 1, __ATOMIC_RELAXED);
		sh.violations += n;
	}
	return NULL;
}

static void churn(const struct edumm_chunk_desc *d, unsigned int nr, int nodes)
{
	struct edumm_pool *pool = ut_pool_init(d, nr, NR_WORKERS + 1);
	unsigned long steps = ut.steps ? ut.steps : DEFAULT_STEPS;
	unsigned long seed = ut.seed ? ut.seed : 1;
	struct worker w[NR_WORKERS];
	struct edumm_pool_snapshot snap;
	unsigned long held = 0, nheld = 0, checks_during;
	pthread_t checker;
	unsigned int i;

	ut.allow_reports = true;
	memset(&sh, 0, sizeof(sh));
	sh.pool = pool;
	sh.owner = ut_tmp_alloc(pool->nr_pages);
	memset(w, 0, sizeof(w));
	ASSERT_EQ(pthread_create(&checker, NULL, checker_fn, NULL), 0);
	for (i = 0; i < NR_WORKERS; i++) {
		w[i].cpu = i;
		w[i].nid = i % nodes;
		w[i].rnd = ut_seed_state(seed * 100 + i);
		w[i].steps = steps;
		ASSERT_EQ(pthread_create(&w[i].thread, NULL, worker_fn, &w[i]), 0);
	}
	for (i = 0; i < NR_WORKERS; i++)
		pthread_join(w[i].thread, NULL);
	checks_during = __atomic_load_n(&sh.checks, __ATOMIC_RELAXED);
	__atomic_store_n(&sh.done, true, __ATOMIC_RELEASE);
	pthread_join(checker, NULL);
	ASSERT_FALSE(ut_has_failed());

	for (i = 0; i < NR_WORKERS; i++) {
		ut_diag("seed %lu cpu %u node %d: %lu allocs (%lu failed), %lu frees, holding %lu blocks",
			seed, w[i].cpu, w[i].nid, w[i].allocs, w[i].fails, w[i].frees, w[i].nr);
		ASSERT_EQ(w[i].overlaps, 0);
		ASSERT_EQ(w[i].bad_ret, 0);
		held += w[i].pages;
		nheld += w[i].nr;
	}
	ut_diag("%lu checks ran during the churn", checks_during);
	ASSERT_GT(checks_during, 0);
	ASSERT_EQ(sh.violations, 0);

	/* quiet now: the counters are exact */
	ut_set_cpu(0);
	ASSERT_POOL_OK(pool);
	edumm_pool_snapshot(pool, &snap);
	ASSERT_EQ(snap.allocated_pages, held);
	ASSERT_EQ(snap.stat[EDUMM_PGALLOC] - snap.stat[EDUMM_PGFREE], nheld);
	for (i = 0; i < NR_WORKERS; i++) {
		while (w[i].nr)
			worker_free(&w[i], w[i].nr - 1);
		ASSERT_EQ(w[i].bad_ret, 0);
		free(w[i].pfn);
		free(w[i].order);
	}
	edumm_drain_all_pages(pool);
	ASSERT_POOL_OK(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

TEST(concurrency_simple)
{
	churn(ut_layout_simple, ut_layout_simple_nr, 1);
}

TEST(concurrency_realistic)
{
	churn(ut_layout_realistic, ut_layout_realistic_nr, 2);
}
