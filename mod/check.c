// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - the invariant checker: walk everything, trust nothing.
 *
 * edumm_pool_check() freezes the pool (stop_machine(): every CPU is parked
 * outside the sections that hold pcp->lock or zone->lock, so every list,
 * flag and counter is at rest) and verifies, from two independent sides,
 * that the buddy's bookkeeping describes the pool exactly:
 *
 * From the lists:
 *   L1 every entry of free_area[o].free_list[mt] is a head marked
 *      EDUMM_PG_BUDDY with order o and migratetype mt, in this zone;
 *   L2 free_area[o].nr_free is the length of the lists of order o, and
 *      zone->free_pages the pages on them;
 *   L3 every entry of a pcp list is marked EDUMM_PG_PCP with the list's
 *      order and migratetype, and pcp->count is the pages on the lists.
 * From the descriptors (a linear walk of pages[]):
 *   D1 every page belongs to exactly one block: a free block, a pcp block
 *      or an allocated block, each starting at a head with exactly one of
 *      the three flags and covering 2^order pages whose other descriptors
 *      carry no flag (an overlap shows up as a flag inside a block);
 *   D2 every block is aligned to its order (pfn % 2^order == 0), its pages
 *      are consecutive pfns of one zone, and a pfn lookup of its head finds
 *      that very descriptor;
 *   D3 no two free buddies of the same order are left unmerged;
 *   D4 the flagged heads number as many as the list entries (so every
 *      free or pcp head is on a list);
 * Totals:
 *   T1 free + pcp + allocated pages == pool pages;
 *   T2 allocated pages == pgalloc_pages - pgfree_pages (the counters);
 *   T3 pageblocks of each migratetype match zone->nr_pageblocks[];
 *   T4 min <= low <= high watermarks.
 * Slab layer (when started; edumm_slab_check_frozen(), see slab_common.c):
 *   S1 every page the slab layer describes is an allocated block of the
 *      buddy, its tail pages point back to it;
 *   S2 every cache's lists, counters, per-CPU state and free chains are
 *      consistent, and debug caches' objects hold intact red zones/poison.
 *
 * Each violation prints one line; the return value counts them.  Because
 * every state change of a page happens under its zone's pcp or zone lock,
 * the result is exact even while other CPUs allocate and free.  (Holding
 * all those locks at once instead would take nr_zones * (nr_cpus + 1)
 * spinlocks, more than the 255 nesting levels of the preemption count on
 * big machines.)  The walk is linear in the pool: about a millisecond for
 * a 64 MiB pool on a 2020s CPU, during which the machine stands still.
 * pool->check_lock only serializes concurrent checkers.
 */
#include "edumm_slab.h"

#define EDUMM_CHECK_MAX_LINES	64

struct edumm_checker {
	struct edumm_pool *pool;
	struct edumm_out *out;
	unsigned long violations;
	/* from the lists */
	unsigned long list_buddy_blocks, list_pcp_blocks;
	unsigned long list_buddy_pages, list_pcp_pages;
	/* from the descriptors */
	unsigned long buddy_blocks, pcp_blocks;
	unsigned long buddy_pages, pcp_pages, alloc_pages;
};

static __printf(2, 3) void edumm_violation(struct edumm_checker *ck, const char *fmt, ...)
{
	va_list args;

	if (ck->violations++ >= EDUMM_CHECK_MAX_LINES || !ck->out)
		return;
	va_start(args, fmt);
	ck->out->vprintf(ck->out, fmt, args);
	va_end(args);
}

/*** From the lists ***/

/* Walk one list of block heads, at most the pool's size of entries. */
static unsigned long edumm_check_list(struct edumm_checker *ck, struct edumm_zone *zone,
				      struct list_head *head, u32 flag, unsigned int order,
				      int mt, const char *what)
{
	struct edumm_pool *pool = ck->pool;
	unsigned long n = 0;
	struct list_head *pos;

	list_for_each(pos, head) {
		struct edumm_page *page = list_entry(pos, struct edumm_page, lru);
		unsigned long pfn;

		if (++n > pool->nr_pages) {
			edumm_violation(ck,
					"%s list of zone %s order %u %s: longer than the pool (cycle?)\n",
					what, zone->name, order, edumm_mt_names[mt]);
			break;
		}
		if (page < pool->pages || page >= pool->pages + pool->nr_pages) {
			edumm_violation(ck,
					"%s list of zone %s order %u %s: entry outside pages[]\n",
					what, zone->name, order, edumm_mt_names[mt]);
			break;
		}
		pfn = edumm_page_to_pfn(pool, page);
		if (page->flags != flag || page->order != order || page->mt != mt)
			edumm_violation(ck,
					"pfn %#lx on %s list order %u %s has flags %#x order %u mt %u\n",
					pfn, what, order, edumm_mt_names[mt], page->flags,
					page->order, page->mt);
		if (edumm_page_zone(pool, page) != zone)
			edumm_violation(ck,
					"pfn %#lx on a %s list of zone %s belongs to another zone\n",
					pfn, what, zone->name);
	}
	return n;
}

static void edumm_check_free_lists(struct edumm_checker *ck, struct edumm_zone *zone)
{
	unsigned long pages = 0;
	unsigned int o;
	int mt;

	for (o = 0; o < EDUMM_MAX_ORDER; o++) {
		unsigned long blocks = 0;

		for (mt = 0; mt < EDUMM_MT_TYPES; mt++)
			blocks += edumm_check_list(ck, zone, &zone->free_area[o].free_list[mt],
						   EDUMM_PG_BUDDY, o, mt, "free");
		if (blocks != zone->free_area[o].nr_free)
			edumm_violation(ck,
					"zone %s order %u: nr_free %lu but %lu blocks on the lists\n",
					zone->name, o, zone->free_area[o].nr_free, blocks);
		ck->list_buddy_blocks += blocks;
		pages += blocks << o;
	}
	if (pages != zone->free_pages)
		edumm_violation(ck, "zone %s: free_pages %lu but %lu pages on the free lists\n",
				zone->name, zone->free_pages, pages);
	ck->list_buddy_pages += pages;
}

static void edumm_check_pcp_lists(struct edumm_checker *ck, struct edumm_zone *zone)
{
	unsigned int cpu, i;

	for (cpu = 0; cpu < ck->pool->nr_cpus; cpu++) {
		struct edumm_pcp *pcp = &zone->pcp[cpu];
		unsigned long pages = 0;

		for (i = 0; i < EDUMM_NR_PCP_LISTS; i++) {
			unsigned int order = i / EDUMM_MT_PCPTYPES;
			unsigned long n = edumm_check_list(ck, zone, &pcp->lists[i], EDUMM_PG_PCP,
							   order, i % EDUMM_MT_PCPTYPES, "pcp");

			ck->list_pcp_blocks += n;
			pages += n << order;
		}
		if (pages != (unsigned long)pcp->count)
			edumm_violation(ck,
					"zone %s cpu %u: pcp count %d but %lu pages on its lists\n",
					zone->name, cpu, pcp->count, pages);
		ck->list_pcp_pages += pages;
	}
}

/*** From the descriptors ***/

static bool edumm_free_buddy_unmerged(struct edumm_pool *pool, struct edumm_page *page,
				      unsigned long pfn, unsigned int order)
{
	unsigned long buddy_pfn = pfn ^ (1UL << order);
	struct edumm_page *buddy;

	if (order >= EDUMM_MAX_ORDER - 1 || buddy_pfn < pfn)
		return false;		/* report each pair once, from the lower */
	buddy = edumm_pfn_to_page(pool, buddy_pfn);
	return buddy && buddy->flags == EDUMM_PG_BUDDY && buddy->order == order &&
	       edumm_page_zone(pool, buddy) == edumm_page_zone(pool, page);
}

/* Check the block headed by pages[idx]; return its size in pages. */
static unsigned long edumm_check_block(struct edumm_checker *ck, unsigned long idx)
{
	struct edumm_pool *pool = ck->pool;
	struct edumm_page *head = &pool->pages[idx];
	unsigned long pfn = edumm_page_to_pfn(pool, head);
	struct edumm_zone *zone = edumm_page_zone(pool, head);
	u32 f = head->flags;
	unsigned long size, i;

	if (f != EDUMM_PG_BUDDY && f != EDUMM_PG_PCP && f != EDUMM_PG_HEAD) {
		edumm_violation(ck, "pfn %#lx: bad flags %#x\n", pfn, f);
		return 1;
	}
	if (head->order >= EDUMM_MAX_ORDER) {
		edumm_violation(ck, "pfn %#lx: bad order %u\n", pfn, head->order);
		return 1;
	}
	size = 1UL << head->order;
	if (pfn & (size - 1))
		edumm_violation(ck, "pfn %#lx: block of order %u is not aligned\n",
				pfn, head->order);
	if (edumm_pfn_to_page(pool, pfn) != head)
		edumm_violation(ck, "pfn %#lx: its descriptor is not found by a pfn lookup\n",
				pfn);
	if (idx + size > pool->nr_pages) {
		edumm_violation(ck, "pfn %#lx: order-%u block runs past the pool\n",
				pfn, head->order);
		return 1;
	}
	for (i = 1; i < size; i++) {
		struct edumm_page *p = head + i;

		if (p->flags) {
			edumm_violation(ck,
					"pfn %#lx: order-%u block overlaps the block at pfn %#lx\n",
					pfn, head->order, edumm_page_to_pfn(pool, p));
			return i;
		}
		if (edumm_page_to_pfn(pool, p) != pfn + i || edumm_page_zone(pool, p) != zone) {
			edumm_violation(ck, "pfn %#lx: order-%u block spans a hole or two zones\n",
					pfn, head->order);
			return i;
		}
	}

	if (f == EDUMM_PG_BUDDY) {
		ck->buddy_blocks++;
		ck->buddy_pages += size;
		if (edumm_free_buddy_unmerged(pool, head, pfn, head->order))
			edumm_violation(ck,
					"pfn %#lx and its buddy %#lx are both free at order %u\n",
					pfn, pfn ^ size, head->order);
	} else if (f == EDUMM_PG_PCP) {
		ck->pcp_blocks++;
		ck->pcp_pages += size;
	} else {
		ck->alloc_pages += size;
	}
	return size;
}

static void edumm_check_pageblocks(struct edumm_checker *ck, struct edumm_zone *zone)
{
	struct edumm_pool *pool = ck->pool;
	unsigned long count[EDUMM_MT_TYPES] = { 0 };
	unsigned int c;
	int mt;

	for (c = 0; c < pool->nr_chunks; c++) {
		struct edumm_chunk *chunk = &pool->chunks[c];
		unsigned long pb = chunk->first >> EDUMM_PAGEBLOCK_ORDER;
		unsigned long n = 1UL << (chunk->order - EDUMM_PAGEBLOCK_ORDER);

		if (chunk->zone != zone)
			continue;
		while (n--) {
			u8 t = pool->pb_mt[pb++];

			if (t >= EDUMM_MT_TYPES)
				edumm_violation(ck, "zone %s: pageblock with bad type %u\n",
						zone->name, t);
			else
				count[t]++;
		}
	}
	for (mt = 0; mt < EDUMM_MT_TYPES; mt++)
		if (count[mt] != zone->nr_pageblocks[mt])
			edumm_violation(ck, "zone %s: %lu %s pageblocks counted, %lu recorded\n",
					zone->name, count[mt], edumm_mt_names[mt],
					zone->nr_pageblocks[mt]);
	if (zone->watermark[EDUMM_WMARK_MIN] > zone->watermark[EDUMM_WMARK_LOW] ||
	    zone->watermark[EDUMM_WMARK_LOW] > zone->watermark[EDUMM_WMARK_HIGH])
		edumm_violation(ck, "zone %s: watermarks out of order\n", zone->name);
}

/* The walk itself: every CPU is stopped, no lock is needed or taken. */
static int edumm_check_frozen(void *data)
{
	struct edumm_checker *ck = data;
	struct edumm_pool *pool = ck->pool;
	struct edumm_pool_snapshot snap;
	unsigned long idx = 0;
	unsigned int zi;

	for (zi = 0; zi < pool->nr_zones; zi++) {
		struct edumm_zone *zone = pool->zones[zi];

		edumm_check_free_lists(ck, zone);
		edumm_check_pcp_lists(ck, zone);
		edumm_check_pageblocks(ck, zone);
	}
	while (idx < pool->nr_pages)
		idx += edumm_check_block(ck, idx);

	if (ck->buddy_blocks != ck->list_buddy_blocks || ck->pcp_blocks != ck->list_pcp_blocks)
		edumm_violation(ck, "heads: %lu free and %lu pcp flagged, %lu and %lu on lists\n",
				ck->buddy_blocks, ck->pcp_blocks, ck->list_buddy_blocks,
				ck->list_pcp_blocks);
	if (ck->buddy_pages != ck->list_buddy_pages || ck->pcp_pages != ck->list_pcp_pages)
		edumm_violation(ck, "pages: %lu free and %lu pcp flagged, %lu and %lu on lists\n",
				ck->buddy_pages, ck->pcp_pages, ck->list_buddy_pages,
				ck->list_pcp_pages);
	if (ck->buddy_pages + ck->pcp_pages + ck->alloc_pages != pool->nr_pages)
		edumm_violation(ck,
				"pages: %lu free + %lu pcp + %lu allocated != %lu in the pool\n",
				ck->buddy_pages, ck->pcp_pages, ck->alloc_pages, pool->nr_pages);
	edumm_pool_snapshot(pool, &snap);
	if (ck->alloc_pages != snap.counted_pages)
		edumm_violation(ck, "pages: %lu allocated, counters say %lu\n",
				ck->alloc_pages, snap.counted_pages);
	ck->violations += edumm_slab_check_frozen(pool, ck->out);
	return 0;
}

/**
 * edumm_pool_check() - verify every invariant of the pool
 * @pool: the pool
 * @out: where to print one line per violation, or NULL for none; its
 *	vprintf is called with every CPU stopped, so it must not sleep
 *
 * Context: process context, may sleep (takes pool->check_lock, then stops
 * the machine for the length of the walk).
 * Return: the number of violations found, 0 if the pool is sound.
 */
unsigned long edumm_pool_check(struct edumm_pool *pool, struct edumm_out *out)
{
	struct edumm_checker ck = { .pool = pool, .out = out };

	edumm_mutex_lock(&pool->check_lock);
	/* the slab layer's cache list changes under slab_mutex, not a spinlock */
	if (pool->slab)
		edumm_mutex_lock(&pool->slab->mutex);
	edumm_stop_machine(edumm_check_frozen, &ck);
	if (pool->slab)
		edumm_mutex_unlock(&pool->slab->mutex);
	edumm_mutex_unlock(&pool->check_lock);

	if (ck.violations > EDUMM_CHECK_MAX_LINES && out)
		edumm_printf(out, "... %lu violations in all\n", ck.violations);
	return ck.violations;
}
