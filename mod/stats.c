// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - edumm's event counters and the one snapshot that debugfs and
 * EDUMM_IOC_INFO both read.
 *
 * Counters live per CPU (struct edumm_cpu_stats, one cache line apart) and
 * each CPU writes only its own, with preemption disabled, so an increment
 * is a plain add, like __count_vm_event().  The per-CPU list paths, pinned
 * to their CPU already, add with edumm_count_cpu(), and the bulk path once
 * per call for all its pages, as __alloc_pages_bulk() counts PGALLOC.
 * Splits and merges, which only happen under zone->lock, are counted in
 * the zone instead (edumm_zone.nr_split, nr_merge).  Readers sum all CPUs
 * and zones without a lock; a sum may miss an increment in flight, never
 * tear a counter.
 *
 * Page counts in the snapshot are read from the zones and pcps without
 * their locks, so under concurrent allocation they are a close view, not
 * an exact one; allocated_pages is derived from them so that
 * free + pcp + allocated == pool holds in every snapshot.  The exact check,
 * under all locks, is edumm_pool_check().
 */
#include "edumm_core.h"

/* Names in the debugfs "pool" file, indexed by enum edumm_stat_item. */
const char * const edumm_stat_names[NR_EDUMM_STATS] = {
	[EDUMM_PGALLOC]			= "pgalloc",
	[EDUMM_PGALLOC_PAGES]		= "pgalloc_pages",
	[EDUMM_PGFREE]			= "pgfree",
	[EDUMM_PGFREE_PAGES]		= "pgfree_pages",
	[EDUMM_PCP_ALLOC]		= "pcp_alloc",
	[EDUMM_PCP_REFILL]		= "pcp_refill",
	[EDUMM_PCP_FREE]		= "pcp_free",
	[EDUMM_PCP_SPILL]		= "pcp_spill",
	[EDUMM_PCP_DRAIN]		= "pcp_drain",
	[EDUMM_BUDDY_SPLIT]		= "buddy_split",
	[EDUMM_BUDDY_MERGE]		= "buddy_merge",
	[EDUMM_FALLBACK]		= "fallback",
	[EDUMM_STEAL_BLOCK]		= "steal_pageblock",
	[EDUMM_WMARK_LOW_FAIL]		= "wmark_low_fail",
	[EDUMM_WMARK_MIN_FAIL]		= "wmark_min_fail",
	[EDUMM_DRAIN_RETRY]		= "drain_retry",
	[EDUMM_ALLOC_FAIL]		= "alloc_fail",
	[EDUMM_BAD_FREE_DOUBLE]		= "bad_free_double",
	[EDUMM_BAD_FREE_NOT_HEAD]	= "bad_free_not_head",
	[EDUMM_BAD_FREE_ORDER]		= "bad_free_order",
	[EDUMM_FAIL_INJECTED]		= "fail_injected",
};

/**
 * edumm_pool_snapshot() - read the pool's page counts and counters
 * @pool: the pool
 * @snap: filled in
 *
 * Context: any; takes no lock.
 */
void edumm_pool_snapshot(struct edumm_pool *pool, struct edumm_pool_snapshot *snap)
{
	unsigned int cpu, i, zi;

	memset(snap, 0, sizeof(*snap));
	snap->pool_pages = pool->nr_pages;
	snap->metadata_bytes = pool->metadata_bytes;
	snap->nr_nodes = pool->nr_nodes;
	snap->nr_chunks = pool->nr_chunks;
	snap->nr_zones = pool->nr_zones;
	for (zi = 0; zi < pool->nr_zones; zi++) {
		struct edumm_zone *zone = pool->zones[zi];

		snap->free_pages += READ_ONCE(zone->free_pages);
		snap->stat[EDUMM_BUDDY_SPLIT] += READ_ONCE(zone->nr_split);
		snap->stat[EDUMM_BUDDY_MERGE] += READ_ONCE(zone->nr_merge);
		for (cpu = 0; cpu < pool->nr_cpus; cpu++)
			snap->pcp_pages += READ_ONCE(zone->pcp[cpu].count);
	}
	for (cpu = 0; cpu < pool->nr_cpus; cpu++)
		for (i = 0; i < NR_EDUMM_STATS; i++)
			snap->stat[i] += READ_ONCE(pool->stats[cpu].v[i]);

	snap->free_pages = min(snap->free_pages, snap->pool_pages);
	snap->pcp_pages = min(snap->pcp_pages, snap->pool_pages - snap->free_pages);
	snap->allocated_pages = snap->pool_pages - snap->free_pages - snap->pcp_pages;
	snap->counted_pages = snap->stat[EDUMM_PGALLOC_PAGES] - snap->stat[EDUMM_PGFREE_PAGES];
}
