// SPDX-License-Identifier: GPL-2.0
/*
 * pcp.c - per-CPU page lists, after struct per_cpu_pages of Linux 6.1.
 *
 * Taking zone->lock for every page would make all CPUs queue on one lock.
 * Instead each CPU keeps, for each zone, a small cache of free blocks of
 * order 0..PAGE_ALLOC_COSTLY_ORDER (3), one LIFO list per (order,
 * migratetype):
 *
 *   pcp->lists[order * 3 + mt]     e.g. order 0 Movable is lists[1],
 *                                       order 2 Unmovable is lists[6]
 *
 * Allocation (rmqueue_pcplist()) pops the head of the list; an empty list
 * is refilled with "batch" blocks in one go under zone->lock
 * (rmqueue_bulk(), batch >> order but at least 2, unless batch is 1).  Freeing
 * (free_unref_page()) pushes onto the head; once the list holds "high"
 * pages, a batch of the coldest blocks (the tails of the lists, round
 * robin) goes back to the buddy (free_pcppages_bulk()).  The spill batch
 * doubles on each spill without an allocation in between (free_factor, at
 * most 5 doublings: CONFIG_PCP_BATCH_SCALE_MAX),
 * and frees of order > 0 right after a spill flush the whole cache, so
 * high-order blocks do not linger there.
 *
 * Pages on pcp lists are free but not in zone->free_pages and not in
 * buddyinfo: "drain" (debugfs control) gives them back, which is what
 * makes edumm's buddyinfo comparable before and after a test, as
 * drain_all_pages() does for the kernel's.
 *
 * Sizes, from zone_batchsize() and zone_highsize() of 6.1:
 *   batch = max(rounddown_pow_of_two(b + b / 2) - 1, 1),
 *           b = max(min(managed >> 10, 256) / 4, 1)
 *   high  = max(low watermark / online CPUs, 4 * batch)
 * For a 64 MiB zone on 2 CPUs: b = min(16, 256) / 4 = 4, batch = 4 - 1 = 3,
 * high = max(320 / 2, 12) = 160.
 *
 * Locking: pcp->lock guards a pcp's lists, count and free_factor.  The
 * owning CPU takes it pinned to the CPU (edumm_cpu_get()); a drain may take
 * any CPU's.  zone->lock nests inside it.
 */
#include "edumm_core.h"

/* CONFIG_PCP_BATCH_SCALE_MAX of Debian's 6.1 config: free_factor's cap. */
#define EDUMM_PCP_BATCH_SCALE_MAX	5

static unsigned int edumm_order_to_pindex(int mt, unsigned int order)
{
	return order * EDUMM_MT_PCPTYPES + mt;
}

static unsigned int edumm_pindex_to_order(unsigned int pindex)
{
	return pindex / EDUMM_MT_PCPTYPES;
}

static int edumm_zone_batchsize(struct edumm_zone *zone)
{
	unsigned long batch = min(zone->managed_pages >> 10, 256UL);

	batch /= 4;
	if (batch < 1)
		batch = 1;
	return rounddown_pow_of_two(batch + batch / 2) - 1;
}

static int edumm_zone_highsize(struct edumm_zone *zone, int batch)
{
	unsigned int cpus = max(edumm_nr_online_cpus(), 1U);
	int high = zone->watermark[EDUMM_WMARK_LOW] / cpus;

	return max(high, batch << 2);
}

/**
 * edumm_pcp_init() - set up a zone's per-CPU lists
 * @zone: a populated zone whose pcp array is allocated and whose
 *	watermarks are set
 *
 * Context: pool init, single-threaded.
 */
void edumm_pcp_init(struct edumm_zone *zone)
{
	/* zone_set_pageset_high_and_batch(): a batch of 0 would never refill */
	int batch = max(1, edumm_zone_batchsize(zone));
	int high = edumm_zone_highsize(zone, batch);
	unsigned int cpu, i;

	for (cpu = 0; cpu < zone->pool->nr_cpus; cpu++) {
		struct edumm_pcp *pcp = &zone->pcp[cpu];

		edumm_lock_init(&pcp->lock);
		for (i = 0; i < EDUMM_NR_PCP_LISTS; i++)
			INIT_LIST_HEAD(&pcp->lists[i]);
		pcp->count = 0;
		pcp->batch = batch;
		pcp->high = high;
		pcp->free_factor = 0;
	}
}

/*
 * free_pcppages_bulk(): give @count pages back to the buddy, taking blocks
 * from the tails of the lists round robin, starting with list @pindex.
 */
static void edumm_free_pcppages_bulk(struct edumm_zone *zone, int count,
				     struct edumm_pcp *pcp, int pindex)
{
	int min_pindex = 0, max_pindex = EDUMM_NR_PCP_LISTS - 1;

	count = min(pcp->count, count);
	pindex = pindex - 1;
	edumm_lock(&zone->lock);
	while (count > 0) {
		struct list_head *list;
		unsigned int order;

		do {
			if (++pindex > max_pindex)
				pindex = min_pindex;
			list = &pcp->lists[pindex];
			if (!list_empty(list))
				break;
			if (pindex == max_pindex)
				max_pindex--;
			if (pindex == min_pindex)
				min_pindex++;
		} while (1);

		order = edumm_pindex_to_order(pindex);
		do {
			struct edumm_page *page = list_last_entry(list, struct edumm_page, lru);

			list_del_init(&page->lru);
			WRITE_ONCE(page->flags, 0);
			count -= 1 << order;
			WRITE_ONCE(pcp->count, pcp->count - (1 << order));
			edumm_free_one_page(zone, page, order, page->mt);
		} while (count > 0 && !list_empty(list));
	}
	edumm_unlock(&zone->lock);
}

/* nr_pcp_free(): how many pages to spill when count reached high. */
static int edumm_nr_pcp_free(struct edumm_pcp *pcp, int high, int batch, bool free_high)
{
	int min_nr_free, max_nr_free;

	if (free_high)
		return pcp->count;
	if (high < batch)
		return 1;
	min_nr_free = batch;
	max_nr_free = high - batch;
	batch <<= pcp->free_factor;
	if (batch < max_nr_free && pcp->free_factor < EDUMM_PCP_BATCH_SCALE_MAX)
		pcp->free_factor++;
	return clamp(batch, min_nr_free, max_nr_free);
}

/*
 * __rmqueue_pcplist(): pop a block off one of @pcp's lists, refilling the
 * list from the buddy first when it is empty.  pcp->lock held, pinned to
 * @cpu.  The allocation is counted unless the caller (the bulk path) counts
 * its pages once at the end.
 */
static struct edumm_page *edumm_pcp_pop(struct edumm_zone *zone, struct edumm_pcp *pcp,
					unsigned int cpu, unsigned int order, int mt,
					bool count)
{
	struct list_head *list = &pcp->lists[edumm_order_to_pindex(mt, order)];
	struct edumm_page *page;

	if (list_empty(list)) {
		int batch = pcp->batch;
		int got;

		/* a batch of 1 (small zones) stays 1 at every order */
		if (batch > 1)
			batch = max(batch >> order, 2);
		got = edumm_rmqueue_bulk(zone, order, batch, list, mt);
		WRITE_ONCE(pcp->count, pcp->count + (got << order));
		edumm_count_cpu(zone->pool, cpu, EDUMM_PCP_REFILL, 1);
		if (!got)
			return NULL;
	}
	page = list_first_entry(list, struct edumm_page, lru);
	list_del_init(&page->lru);
	WRITE_ONCE(pcp->count, pcp->count - (1 << order));
	/* edumm_prep_new_page(), counting on the CPU we are pinned to */
	edumm_set_page_head(page, order, mt);
	if (count) {
		edumm_count_cpu(zone->pool, cpu, EDUMM_PGALLOC, 1);
		edumm_count_cpu(zone->pool, cpu, EDUMM_PGALLOC_PAGES, 1UL << order);
		edumm_count_cpu(zone->pool, cpu, EDUMM_PCP_ALLOC, 1);
	}
	return page;
}

/**
 * edumm_rmqueue_pcplist() - allocate a block from this CPU's list
 * @zone: the zone
 * @order: 0 .. EDUMM_COSTLY_ORDER
 * @mt: migratetype (below EDUMM_MT_PCPTYPES)
 *
 * Context: may spin; pins the caller to its CPU meanwhile; takes pcp->lock
 * and, to refill, zone->lock.
 * Return: the block head, prepared by edumm_prep_new_page(), or NULL if
 * the zone has no block to refill the list with.
 */
struct edumm_page *edumm_rmqueue_pcplist(struct edumm_zone *zone, unsigned int order, int mt)
{
	unsigned int cpu = edumm_cpu_get();
	struct edumm_pcp *pcp = &zone->pcp[cpu];
	struct edumm_page *page;

	edumm_lock(&pcp->lock);
	pcp->free_factor >>= 1;
	page = edumm_pcp_pop(zone, pcp, cpu, order, mt, true);
	edumm_unlock(&pcp->lock);
	edumm_cpu_put();
	return page;
}

/**
 * edumm_free_unref_page() - free a block onto this CPU's list
 * @zone: the zone of @page
 * @page: head of an allocated block (EDUMM_PG_HEAD)
 * @order: 0 .. EDUMM_COSTLY_ORDER, the order it was allocated with
 *
 * Claims the block by turning EDUMM_PG_HEAD into EDUMM_PG_PCP atomically
 * under pcp->lock, so two racing frees of one block cannot both succeed
 * and the checker never sees a block in between.  The block goes on the
 * list of its pageblock's migratetype, read without zone->lock as the
 * kernel does; a stale type only means the block lands on the list of a
 * type its pageblock just stopped being, which is harmless.
 *
 * Context: may spin; pins the caller to its CPU meanwhile; takes pcp->lock
 * and, to spill, zone->lock.
 * Return: 0, or -EINVAL if the block was no longer EDUMM_PG_HEAD.
 */
int edumm_free_unref_page(struct edumm_zone *zone, struct edumm_page *page, unsigned int order)
{
	int mt = edumm_get_pageblock_mt(zone->pool, page);
	unsigned int pindex = edumm_order_to_pindex(mt, order);
	unsigned int cpu = edumm_cpu_get();
	struct edumm_pcp *pcp = &zone->pcp[cpu];
	bool free_high;
	int high;

	edumm_lock(&pcp->lock);
	if (!edumm_try_cmpxchg32(&page->flags, EDUMM_PG_HEAD, EDUMM_PG_PCP)) {
		edumm_unlock(&pcp->lock);
		edumm_cpu_put();
		return -EINVAL;
	}
	WRITE_ONCE(page->mt, mt);
	list_add(&page->lru, &pcp->lists[pindex]);
	WRITE_ONCE(pcp->count, pcp->count + (1 << order));
	edumm_count_cpu(zone->pool, cpu, EDUMM_PGFREE, 1);
	edumm_count_cpu(zone->pool, cpu, EDUMM_PGFREE_PAGES, 1UL << order);
	edumm_count_cpu(zone->pool, cpu, EDUMM_PCP_FREE, 1);

	/* nr_pcp_high(): a high-order free right after a spill flushes all */
	free_high = pcp->free_factor && order && order <= EDUMM_COSTLY_ORDER;
	high = free_high ? 0 : pcp->high;
	if (pcp->count >= high) {
		edumm_free_pcppages_bulk(zone, edumm_nr_pcp_free(pcp, high, pcp->batch, free_high),
					 pcp, pindex);
		edumm_count_cpu(zone->pool, cpu, EDUMM_PCP_SPILL, 1);
	}
	edumm_unlock(&pcp->lock);
	edumm_cpu_put();
	return 0;
}

/**
 * edumm_drain_zone_pages() - empty one CPU's lists of one zone
 * @zone: the zone
 * @cpu: any possible CPU, not necessarily the caller's
 *
 * Context: may spin; takes that CPU's pcp->lock and zone->lock.
 */
void edumm_drain_zone_pages(struct edumm_zone *zone, unsigned int cpu)
{
	struct edumm_pcp *pcp = &zone->pcp[cpu];
	int count;

	/* drain_pages_zone(): in bites of batch << 5, dropping the lock between */
	do {
		edumm_lock(&pcp->lock);
		count = pcp->count;
		if (count) {
			int bite = min(count, pcp->batch << EDUMM_PCP_BATCH_SCALE_MAX);

			edumm_free_pcppages_bulk(zone, bite, pcp, 0);
			edumm_count(zone->pool, EDUMM_PCP_DRAIN, 1);
			count -= bite;
		}
		edumm_unlock(&pcp->lock);
	} while (count);
}

/**
 * edumm_drain_all_pages() - empty every per-CPU list of the pool
 * @pool: the pool
 *
 * Like __drain_all_pages() of 6.1, this drains every CPU's lists from the
 * calling CPU, which the per-pcp lock makes safe (before 5.19 the kernel
 * had to ask each CPU to drain its own).  Pages freed concurrently may
 * land on a list again right after.
 *
 * Context: may spin; takes each pcp->lock and zone->lock in turn.
 */
void edumm_drain_all_pages(struct edumm_pool *pool)
{
	unsigned int cpu, zi;

	for (zi = 0; zi < pool->nr_zones; zi++) {
		struct edumm_zone *zone = pool->zones[zi];

		for (cpu = 0; cpu < pool->nr_cpus; cpu++)
			edumm_drain_zone_pages(zone, cpu);
	}
}

/*
 * The zone a bulk request is served from: the first zone of the local
 * node, in zonelist order, that stays above its low watermark after
 * @nr more pages (__alloc_pages_bulk() looks no further than the
 * preferred node either).
 */
static struct edumm_zone *edumm_bulk_zone(struct edumm_pool *pool, int mt, unsigned int nr,
					  unsigned int alloc_flags)
{
	int top = mt == EDUMM_MT_MOVABLE ? EDUMM_ZONE_MOVABLE : EDUMM_ZONE_NORMAL;
	int local = edumm_numa_node_id();
	unsigned int n;
	int z;

	for (n = 0; n < pool->nr_nodes; n++) {
		struct edumm_node *node = &pool->nodes[n];

		if (node->nid != local)
			continue;
		for (z = top; z >= 0; z--) {
			struct edumm_zone *zone = &node->zones[z];

			if (!edumm_zone_populated(zone))
				continue;
			if (edumm_zone_watermark_ok(zone, 0, zone->watermark[EDUMM_WMARK_LOW] + nr,
						    alloc_flags))
				return zone;
		}
	}
	return NULL;
}

/**
 * edumm_alloc_pages_bulk() - fill the empty slots of an array with pages
 * @pool: the pool
 * @mt: enum edumm_mt value below EDUMM_MT_PCPTYPES
 * @alloc_flags: EDUMM_AF_* bits
 * @nr: slots in @array
 * @array: order-0 page heads; only NULL slots are filled
 *
 * The array variant of __alloc_pages_bulk() of Linux 6.1, with its
 * semantics: slots that already hold a page are skipped; one missing page
 * is left to edumm_alloc_pages(); otherwise the first zone of the local
 * node that stays above the low watermark with @nr pages more is chosen,
 * and the pages are taken from this CPU's per-CPU list of that zone under
 * one pcp->lock (refilled from the buddy as it runs dry), counted once
 * for all of them.  If the very
 * first page cannot be had that way (no such zone, an empty zone,
 * EDUMM_AF_NO_PCP), one page is allocated by edumm_alloc_pages(), with its
 * slow path; if a later one cannot, the call returns what it has.  Fault
 * injection is consulted once per call, like should_fail_alloc_page() in
 * prepare_alloc_pages(): an injected failure returns with no page added.
 *
 * Context: process context or any context that may spin; does not sleep.
 * Return: the index of the first slot still NULL, or @nr when every slot
 * holds a page: like the kernel's, the count of populated slots at the
 * start of @array.
 */
unsigned long edumm_alloc_pages_bulk(struct edumm_pool *pool, int mt, unsigned int alloc_flags,
				     unsigned int nr, struct edumm_page **array)
{
	unsigned int nr_populated = 0, nr_account = 0;
	struct edumm_zone *zone;
	struct edumm_pcp *pcp;
	unsigned int cpu;

	while (nr_populated < nr && array[nr_populated])
		nr_populated++;
	if (nr_populated == nr)
		return nr_populated;
	if (mt < 0 || mt >= EDUMM_MT_PCPTYPES || (alloc_flags & ~EDUMM_AF_MASK))
		return nr_populated;
	if (nr - nr_populated == 1 || (alloc_flags & EDUMM_AF_NO_PCP))
		goto failed;
	/* prepare_alloc_pages(): should_fail_alloc_page() */
	if (edumm_should_fail(&pool->fail, 1)) {
		edumm_count(pool, EDUMM_FAIL_INJECTED, 1);
		edumm_count(pool, EDUMM_ALLOC_FAIL, 1);
		return nr_populated;
	}
	zone = edumm_bulk_zone(pool, mt, nr, alloc_flags & ~EDUMM_AF_HIGH);
	if (!zone)
		goto failed;

	cpu = edumm_cpu_get();
	pcp = &zone->pcp[cpu];
	edumm_lock(&pcp->lock);
	pcp->free_factor >>= 1;
	while (nr_populated < nr) {
		struct edumm_page *page;

		if (array[nr_populated]) {
			nr_populated++;
			continue;
		}
		page = edumm_pcp_pop(zone, pcp, cpu, 0, mt, false);
		if (!page) {
			if (!nr_account) {
				edumm_unlock(&pcp->lock);
				edumm_cpu_put();
				goto failed;
			}
			break;
		}
		nr_account++;
		array[nr_populated++] = page;
	}
	/* once per call, as __count_zid_vm_events(PGALLOC, ...) after the loop */
	if (nr_account) {
		edumm_count_cpu(pool, cpu, EDUMM_PGALLOC, nr_account);
		edumm_count_cpu(pool, cpu, EDUMM_PGALLOC_PAGES, nr_account);
		edumm_count_cpu(pool, cpu, EDUMM_PCP_ALLOC, nr_account);
	}
	edumm_unlock(&pcp->lock);
	edumm_cpu_put();
	return nr_populated;

failed:
	/* the single-page allocator, with its slow path, for one page */
	array[nr_populated] = edumm_alloc_pages(pool, 0, mt, alloc_flags);
	if (array[nr_populated])
		nr_populated++;
	return nr_populated;
}

/**
 * edumm_pcp_set_sizes() - set the batch and high of every per-CPU list
 * @pool: the pool
 * @batch: blocks per refill, 1 .. EDUMM_PCP_MAX_BATCH; 0 (with @high 0)
 *	restores each zone's own sizes (zone_batchsize(), zone_highsize())
 * @high: pages at which a list spills; raised to 4 * @batch if below, as
 *	zone_highsize() does
 *
 * The kernel derives both from the zone's size; a tunable such as
 * vm.percpu_pagelist_high_fraction changes them at run time, through
 * zone_set_pageset_high_and_batch().  This lets edumm's lists be sized
 * like those of a kernel zone it is compared with (make bench, see
 * Documentation/benchmarks.rst).  Each list is updated under its lock; a
 * list above its new high spills on its next free.
 *
 * Context: process context; takes every pcp->lock in turn.
 * Return: 0, or -EINVAL for sizes out of range.
 */
int edumm_pcp_set_sizes(struct edumm_pool *pool, unsigned int batch, unsigned int high)
{
	unsigned int zi, cpu;

	if ((!batch && high) || batch > EDUMM_PCP_MAX_BATCH || high > EDUMM_PCP_MAX_HIGH)
		return -EINVAL;
	for (zi = 0; zi < pool->nr_zones; zi++) {
		struct edumm_zone *zone = pool->zones[zi];
		int b = batch, h = high;

		if (!batch) {
			b = max(1, edumm_zone_batchsize(zone));
			h = edumm_zone_highsize(zone, b);
		}
		h = max(h, b << 2);
		for (cpu = 0; cpu < pool->nr_cpus; cpu++) {
			struct edumm_pcp *pcp = &zone->pcp[cpu];

			edumm_lock(&pcp->lock);
			WRITE_ONCE(pcp->batch, b);
			WRITE_ONCE(pcp->high, h);
			edumm_unlock(&pcp->lock);
		}
	}
	return 0;
}
