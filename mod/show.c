// SPDX-License-Identifier: GPL-2.0
/*
 * show.c - the pool in the text formats of /proc/buddyinfo,
 * /proc/pagetypeinfo and /proc/zoneinfo, plus edumm's own "pool" summary.
 *
 * The format strings are those of mm/vmstat.c in Linux 6.1
 * (frag_show_print(), pagetypeinfo_showfree_print(),
 * pagetypeinfo_showblockcount_print(), zoneinfo_show_print()), so that
 * edumm's files can be diffed against, and parsed like, the kernel's.
 * Differences, all documented in Documentation/debugfs.rst: only the
 * migratetypes edumm has are shown; only populated zones appear in
 * zoneinfo; zoneinfo prints the lines edumm has values for.
 *
 * Output goes through struct edumm_out so the same code writes to a
 * seq_file in the kernel and to a buffer in the unit tests, which compare
 * it with the kernel's formats byte for byte.
 *
 * Locking: each zone's lock is held while its free lists are read, so a
 * line describes one consistent moment of that zone.
 */
#include "edumm_core.h"

/* pagetypeinfo_showfree_print() caps each list walk at this many blocks. */
#define EDUMM_PAGETYPE_WALK_CAP	100000

/**
 * edumm_printf() - formatted output to an edumm_out
 * @out: destination
 * @fmt: printf format
 *
 * Context: whatever @out's vprintf allows (seq_file: may be called under a
 * spinlock, it does not sleep).
 */
void edumm_printf(struct edumm_out *out, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	out->vprintf(out, fmt, args);
	va_end(args);
}

/**
 * edumm_show_buddyinfo() - the pool as /proc/buddyinfo shows a machine
 * @pool: the pool
 * @out: destination
 *
 * One line per populated zone: "Node %d, zone %8s " and the number of free
 * blocks of each order 0..10 as "%6lu ".
 *
 * Context: may spin; takes each zone lock in turn.
 */
void edumm_show_buddyinfo(struct edumm_pool *pool, struct edumm_out *out)
{
	unsigned int o, zi;

	for (zi = 0; zi < pool->nr_zones; zi++) {
		struct edumm_zone *zone = pool->zones[zi];
		unsigned long nr_free[EDUMM_MAX_ORDER];

		edumm_lock(&zone->lock);
		for (o = 0; o < EDUMM_MAX_ORDER; o++)
			nr_free[o] = zone->free_area[o].nr_free;
		edumm_unlock(&zone->lock);

		edumm_printf(out, "Node %d, zone %8s ", zone->nid, zone->name);
		for (o = 0; o < EDUMM_MAX_ORDER; o++)
			edumm_printf(out, "%6lu ", nr_free[o]);
		edumm_printf(out, "\n");
	}
}

static void edumm_show_pagetype_free(struct edumm_zone *zone, struct edumm_out *out)
{
	unsigned long counts[EDUMM_MT_TYPES][EDUMM_MAX_ORDER];
	unsigned int o;
	int mt;

	edumm_lock(&zone->lock);
	for (mt = 0; mt < EDUMM_MT_TYPES; mt++) {
		for (o = 0; o < EDUMM_MAX_ORDER; o++) {
			unsigned long n = 0;
			struct list_head *pos;

			list_for_each(pos, &zone->free_area[o].free_list[mt])
				if (++n >= EDUMM_PAGETYPE_WALK_CAP)
					break;
			counts[mt][o] = n;
		}
	}
	edumm_unlock(&zone->lock);

	for (mt = 0; mt < EDUMM_MT_TYPES; mt++) {
		edumm_printf(out, "Node %4d, zone %8s, type %12s ", zone->nid, zone->name,
			     edumm_mt_names[mt]);
		for (o = 0; o < EDUMM_MAX_ORDER; o++)
			edumm_printf(out, "%s%6lu ",
				     counts[mt][o] >= EDUMM_PAGETYPE_WALK_CAP ? ">" : "",
				     counts[mt][o]);
		edumm_printf(out, "\n");
	}
}

/**
 * edumm_show_pagetypeinfo() - the pool as /proc/pagetypeinfo shows it
 * @pool: the pool
 * @out: destination
 *
 * Per node: the pageblock geometry, free blocks per order per migratetype
 * per zone, and the number of pageblocks of each migratetype per zone.
 *
 * Context: may spin; takes each zone lock in turn.
 */
void edumm_show_pagetypeinfo(struct edumm_pool *pool, struct edumm_out *out)
{
	struct edumm_node *node;
	unsigned int o, z;
	int mt;

	for (node = pool->nodes; node < pool->nodes + pool->nr_nodes; node++) {
		edumm_printf(out, "Page block order: %d\n", EDUMM_PAGEBLOCK_ORDER);
		edumm_printf(out, "Pages per block:  %lu\n", EDUMM_PAGEBLOCK_NR_PAGES);
		edumm_printf(out, "\n");

		edumm_printf(out, "%-43s ", "Free pages count per migrate type at order");
		for (o = 0; o < EDUMM_MAX_ORDER; o++)
			edumm_printf(out, "%6d ", o);
		edumm_printf(out, "\n");
		for (z = 0; z < EDUMM_NR_ZONES; z++)
			if (edumm_zone_populated(&node->zones[z]))
				edumm_show_pagetype_free(&node->zones[z], out);

		edumm_printf(out, "\n%-23s", "Number of blocks type ");
		for (mt = 0; mt < EDUMM_MT_TYPES; mt++)
			edumm_printf(out, "%12s ", edumm_mt_names[mt]);
		edumm_printf(out, "\n");
		for (z = 0; z < EDUMM_NR_ZONES; z++) {
			struct edumm_zone *zone = &node->zones[z];
			unsigned long nr[EDUMM_MT_TYPES];

			if (!edumm_zone_populated(zone))
				continue;
			edumm_lock(&zone->lock);
			for (mt = 0; mt < EDUMM_MT_TYPES; mt++)
				nr[mt] = zone->nr_pageblocks[mt];
			edumm_unlock(&zone->lock);
			edumm_printf(out, "Node %d, zone %8s ", node->nid, zone->name);
			for (mt = 0; mt < EDUMM_MT_TYPES; mt++)
				edumm_printf(out, "%12lu ", nr[mt]);
			edumm_printf(out, "\n");
		}
	}
}

static void edumm_show_zone(struct edumm_zone *zone, struct edumm_out *out)
{
	struct edumm_pool *pool = zone->pool;
	unsigned int cpu, z;

	edumm_printf(out, "Node %d, zone %8s", zone->nid, zone->name);
	edumm_printf(out, "\n  pages free     %lu", READ_ONCE(zone->free_pages));
	edumm_printf(out, "\n        boost    %lu", 0UL);
	edumm_printf(out, "\n        min      %lu", zone->watermark[EDUMM_WMARK_MIN]);
	edumm_printf(out, "\n        low      %lu", zone->watermark[EDUMM_WMARK_LOW]);
	edumm_printf(out, "\n        high     %lu", zone->watermark[EDUMM_WMARK_HIGH]);
	edumm_printf(out, "\n        spanned  %lu", zone->spanned_pages);
	/* every pool page is present and managed: edumm reserves none */
	edumm_printf(out, "\n        present  %lu", zone->managed_pages);
	edumm_printf(out, "\n        managed  %lu", zone->managed_pages);
	edumm_printf(out, "\n        cma      %lu", 0UL);
	/* edumm has no lowmem_reserve: every protection is 0 */
	edumm_printf(out, "\n        protection: (%ld", 0L);
	for (z = 1; z < EDUMM_NR_ZONES; z++)
		edumm_printf(out, ", %ld", 0L);
	edumm_printf(out, ")");
	edumm_printf(out, "\n      %-12s %lu", "nr_free_pages", READ_ONCE(zone->free_pages));

	edumm_printf(out, "\n  pagesets");
	for (cpu = 0; cpu < pool->nr_cpus; cpu++) {
		struct edumm_pcp *pcp = &zone->pcp[cpu];

		if (!edumm_cpu_online(cpu))
			continue;
		edumm_printf(out, "\n    cpu: %i", cpu);
		edumm_printf(out, "\n              count: %i", READ_ONCE(pcp->count));
		edumm_printf(out, "\n              high:  %i", pcp->high);
		edumm_printf(out, "\n              batch: %i", pcp->batch);
	}
	edumm_printf(out, "\n  node_unreclaimable:  %u", 0U);
	edumm_printf(out, "\n  start_pfn:           %lu", zone->start_pfn);
	edumm_printf(out, "\n");
}

/**
 * edumm_show_zoneinfo() - the pool's zones as /proc/zoneinfo shows them
 * @pool: the pool
 * @out: destination
 *
 * Context: any; reads counters without locks, as zoneinfo does.
 */
void edumm_show_zoneinfo(struct edumm_pool *pool, struct edumm_out *out)
{
	unsigned int zi;

	for (zi = 0; zi < pool->nr_zones; zi++)
		edumm_show_zone(pool->zones[zi], out);
}

/**
 * edumm_show_pool() - "key: value" summary of the pool and its counters
 * @pool: the pool
 * @out: destination
 *
 * Context: any; reads through edumm_pool_snapshot().
 */
void edumm_show_pool(struct edumm_pool *pool, struct edumm_out *out)
{
	struct edumm_pool_snapshot snap;
	unsigned long per_page_x100;
	unsigned int i;

	edumm_pool_snapshot(pool, &snap);
	per_page_x100 = snap.pool_pages ? snap.metadata_bytes * 100 / snap.pool_pages : 0;
	edumm_printf(out, "pool_pages: %lu\n", snap.pool_pages);
	edumm_printf(out, "free_pages: %lu\n", snap.free_pages);
	edumm_printf(out, "pcp_pages: %lu\n", snap.pcp_pages);
	edumm_printf(out, "allocated_pages: %lu\n", snap.allocated_pages);
	edumm_printf(out, "chunks: %u\n", snap.nr_chunks);
	edumm_printf(out, "nodes: %u\n", snap.nr_nodes);
	edumm_printf(out, "zones: %u\n", snap.nr_zones);
	edumm_printf(out, "metadata_bytes: %lu\n", snap.metadata_bytes);
	edumm_printf(out, "metadata_bytes_per_page: %lu.%02lu\n",
		     per_page_x100 / 100, per_page_x100 % 100);
	edumm_printf(out, "page_descriptor_bytes: %zu\n", sizeof(struct edumm_page));
	edumm_printf(out, "min_free_kbytes: %lu\n", pool->min_free_kbytes);
	for (i = 0; i < NR_EDUMM_STATS; i++)
		edumm_printf(out, "%s: %lu\n", edumm_stat_names[i], snap.stat[i]);
}
