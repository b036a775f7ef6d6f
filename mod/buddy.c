// SPDX-License-Identifier: GPL-2.0
/*
 * buddy.c - the binary buddy allocator of edumm, after mm/page_alloc.c.
 *
 * A zone keeps its free memory as blocks of 2^order pages, order 0..10,
 * each naturally aligned (a block of order o starts at a pfn that is a
 * multiple of 2^o).  Every block has exactly one "buddy": the other half of
 * the block of order o + 1 that contains it.
 *
 *   buddy_pfn  = pfn ^ (1 << order)          (__find_buddy_pfn)
 *   parent_pfn = pfn & ~(1 << order) = pfn & buddy_pfn
 *
 * Worked example: the buddy of pfn 8 at order 1 is 8 ^ 2 = 10; together
 * they form the order-2 block at 8 & 10 = 8.  The buddy of pfn 12 at
 * order 2 is 12 ^ 4 = 8: blocks 8..11 and 12..15 form 8..15 at order 3.
 *
 * Allocation (__rmqueue_smallest): take the first block on the free list of
 * the requested order and migratetype, or of the smallest larger order that
 * has one, and split it (expand): keep the lower half, put the upper half
 * back one order down, until the block has the requested size.  Order-0
 * request served from an order-3 block at pfn 0x100:
 *
 *   order 3: [0x100 ........................ 0x107]   taken off free_area[3]
 *   order 2: [0x100 ...... 0x103][0x104 ... 0x107]   upper half -> free_area[2]
 *   order 1: [0x100 0x101][0x102 0x103]              upper half -> free_area[1]
 *   order 0: [0x100][0x101]                          upper half -> free_area[0]
 *            ^ returned
 *
 * Freeing (__free_one_page): while the buddy is free, of the same order and
 * in the same zone, take it off its list and merge; then put the result on
 * the list of its order, at the tail when the next-order buddy is free too
 * (buddy_merge_likely(): the block will probably merge soon, so others
 * should not grab it first), else at the head.
 *
 * Migratetypes: memory is grouped by mobility in pageblocks of 2^9 pages.
 * When the lists of the requested type are empty, __rmqueue_fallback()
 * takes the largest free block of a fallback type (fallbacks[] below, the
 * kernel's table) and, when the rules of can_steal_fallback() allow it,
 * moves every free page of that pageblock to the requested type and claims
 * the pageblock if at least half of it is free or compatible
 * (steal_suitable_fallback()).  Large allocations take whole pageblocks.
 *
 * Watermarks: a zone may give a page only while its free pages stay above
 * the watermark of the pass (low in the fast path, min in the slow path,
 * half of min for EDUMM_AF_HIGH, none for EDUMM_AF_NO_WMARK), and for
 * order > 0 only if a block of that order or larger is free
 * (__zone_watermark_ok()).
 *
 * Lock order: pcp->lock, then zone->lock (see edumm_core.h).  Everything in
 * this file that touches free lists runs under zone->lock, which guards
 * free_area[], free_pages, nr_pageblocks[] and the pageblock types.
 */
#include "edumm_core.h"

/*** Free list primitives (zone->lock held) ***/

static void edumm_set_buddy(struct edumm_page *page, unsigned int order, int mt)
{
	WRITE_ONCE(page->order, order);
	WRITE_ONCE(page->mt, mt);
	WRITE_ONCE(page->flags, EDUMM_PG_BUDDY);
}

static void edumm_add_to_free_list(struct edumm_page *page, struct edumm_zone *zone,
				   unsigned int order, int mt, bool tail)
{
	struct edumm_free_area *area = &zone->free_area[order];

	edumm_set_buddy(page, order, mt);
	if (tail)
		list_add_tail(&page->lru, &area->free_list[mt]);
	else
		list_add(&page->lru, &area->free_list[mt]);
	WRITE_ONCE(area->nr_free, area->nr_free + 1);
	WRITE_ONCE(zone->free_pages, zone->free_pages + (1UL << order));
}

static void edumm_del_from_free_list(struct edumm_page *page, struct edumm_zone *zone,
				     unsigned int order)
{
	list_del_init(&page->lru);
	WRITE_ONCE(page->flags, 0);
	WRITE_ONCE(zone->free_area[order].nr_free, zone->free_area[order].nr_free - 1);
	WRITE_ONCE(zone->free_pages, zone->free_pages - (1UL << order));
}

/* move_to_free_list(): same order, other migratetype list. */
static void edumm_move_to_free_list(struct edumm_page *page, struct edumm_zone *zone,
				    unsigned int order, int mt)
{
	WRITE_ONCE(page->mt, mt);
	list_move_tail(&page->lru, &zone->free_area[order].free_list[mt]);
}

static struct edumm_page *edumm_first_free(struct edumm_zone *zone, unsigned int order, int mt)
{
	return list_first_entry_or_null(&zone->free_area[order].free_list[mt],
					struct edumm_page, lru);
}

/*
 * find_buddy_page_pfn(): the free block of @order that is the buddy of the
 * block at @pfn, or NULL.  Most buddies live in the same chunk, where plain
 * index arithmetic finds them; only a buddy outside the chunk needs the
 * chunk table (it may be in an adjacent chunk, or not in the pool at all).
 */
static struct edumm_page *edumm_find_buddy(struct edumm_zone *zone, struct edumm_page *page,
					   unsigned long pfn, unsigned int order)
{
	struct edumm_pool *pool = zone->pool;
	const struct edumm_chunk *c = &pool->chunks[page->chunk];
	unsigned long buddy_pfn = pfn ^ (1UL << order);
	struct edumm_page *buddy;

	if (buddy_pfn - c->start_pfn < (1UL << c->order))
		buddy = page + ((long)buddy_pfn - (long)pfn);
	else
		buddy = edumm_pfn_to_page(pool, buddy_pfn);
	if (!buddy || !(READ_ONCE(buddy->flags) & EDUMM_PG_BUDDY) || buddy->order != order)
		return NULL;
	if (buddy->chunk != page->chunk && edumm_page_zone(pool, buddy) != zone)
		return NULL;
	return buddy;
}

/*
 * buddy_merge_likely(): after merging stopped at @order, is the block's
 * parent's buddy free?  Then the block will probably merge once its own
 * buddy comes back, and it goes to the tail of the list so that it is not
 * handed out before that.
 */
static bool edumm_buddy_merge_likely(struct edumm_zone *zone, struct edumm_page *page,
				     unsigned long pfn, unsigned int order)
{
	const struct edumm_chunk *c = &zone->pool->chunks[page->chunk];
	unsigned long parent_pfn = pfn & ~(1UL << order);
	struct edumm_page *parent;

	if (order >= EDUMM_MAX_ORDER - 2)
		return false;
	/* in @page's chunk by index arithmetic, as edumm_find_buddy() */
	if (parent_pfn - c->start_pfn < (1UL << c->order))
		parent = page - (pfn - parent_pfn);
	else
		parent = edumm_pfn_to_page(zone->pool, parent_pfn);
	if (!parent)
		return false;
	return !!edumm_find_buddy(zone, parent, parent_pfn, order + 1);
}

/**
 * edumm_free_one_page() - give a block back to the zone, merging buddies
 * @zone: the zone of @page
 * @page: head of the block; not on any list, flags already cleared
 * @order: order of the block
 * @mt: migratetype list to put the (merged) block on
 *
 * This is __free_one_page() of mm/page_alloc.c.
 *
 * Context: zone->lock held.
 */
void edumm_free_one_page(struct edumm_zone *zone, struct edumm_page *page,
			 unsigned int order, int mt)
{
	struct edumm_pool *pool = zone->pool;
	unsigned long pfn = edumm_page_to_pfn(pool, page);
	unsigned int merges = 0;

	edumm_lock_assert_held(&zone->lock);
	while (order < EDUMM_MAX_ORDER - 1) {
		struct edumm_page *buddy = edumm_find_buddy(zone, page, pfn, order);
		unsigned long buddy_pfn = pfn ^ (1UL << order);

		if (!buddy)
			break;
		edumm_del_from_free_list(buddy, zone, order);
		if (buddy_pfn < pfn) {
			page = buddy;
			pfn = buddy_pfn;
		}
		order++;
		merges++;
	}
	edumm_add_to_free_list(page, zone, order, mt,
			       edumm_buddy_merge_likely(zone, page, pfn, order));
	/* under zone->lock: counted in the zone, see stats.c */
	WRITE_ONCE(zone->nr_merge, zone->nr_merge + merges);
}

/*
 * expand(): split the block of order @high at @page until it is of order
 * @low, putting each upper half on the free list one order down.
 */
static void edumm_expand(struct edumm_zone *zone, struct edumm_page *page,
			 unsigned int low, unsigned int high, int mt)
{
	unsigned long size = 1UL << high;

	/* under zone->lock: counted in the zone, see stats.c */
	WRITE_ONCE(zone->nr_split, zone->nr_split + (high - low));
	while (high > low) {
		high--;
		size >>= 1;
		edumm_add_to_free_list(&page[size], zone, high, mt, false);
	}
}

/* __rmqueue_smallest(): smallest block of exactly this migratetype. */
static struct edumm_page *edumm_rmqueue_smallest(struct edumm_zone *zone, unsigned int order,
						 int mt)
{
	unsigned int o;

	for (o = order; o < EDUMM_MAX_ORDER; o++) {
		struct edumm_page *page = edumm_first_free(zone, o, mt);

		if (!page)
			continue;
		edumm_del_from_free_list(page, zone, o);
		edumm_expand(zone, page, order, o, mt);
		/* set_pcppage_migratetype(): the head now heads a block of @order */
		WRITE_ONCE(page->order, order);
		WRITE_ONCE(page->mt, mt);
		return page;
	}
	return NULL;
}

/*** Fallback and stealing ***/

/* fallbacks[] of mm/page_alloc.c: which types to raid, in order. */
static const int edumm_fallbacks[EDUMM_MT_TYPES][2] = {
	[EDUMM_MT_UNMOVABLE]	= { EDUMM_MT_RECLAIMABLE, EDUMM_MT_MOVABLE },
	[EDUMM_MT_MOVABLE]	= { EDUMM_MT_RECLAIMABLE, EDUMM_MT_UNMOVABLE },
	[EDUMM_MT_RECLAIMABLE]	= { EDUMM_MT_UNMOVABLE, EDUMM_MT_MOVABLE },
};

/*
 * can_steal_fallback(): may an allocation of @start_mt take over a whole
 * pageblock?  Always for big blocks; for unmovable and reclaimable
 * requests always, because those pollute a pageblock for a long time
 * anyway and it is better to concentrate them; for movable requests only
 * from blocks of at least half a pageblock.
 */
static bool edumm_can_steal_fallback(unsigned int order, int start_mt)
{
	if (order >= EDUMM_PAGEBLOCK_ORDER)
		return true;
	return order >= EDUMM_PAGEBLOCK_ORDER / 2 ||
	       start_mt == EDUMM_MT_RECLAIMABLE || start_mt == EDUMM_MT_UNMOVABLE;
}

/* find_suitable_fallback(): first fallback type with a block of @order. */
static int edumm_find_suitable_fallback(struct edumm_zone *zone, unsigned int order,
					int start_mt, bool *can_steal)
{
	unsigned int i;

	*can_steal = false;
	if (!zone->free_area[order].nr_free)
		return -1;
	for (i = 0; i < ARRAY_SIZE(edumm_fallbacks[0]); i++) {
		int fmt = edumm_fallbacks[start_mt][i];

		if (list_empty(&zone->free_area[order].free_list[fmt]))
			continue;
		*can_steal = edumm_can_steal_fallback(order, start_mt);
		return fmt;
	}
	return -1;
}

/*
 * move_freepages_block(): move every free block of @page's pageblock to the
 * lists of @mt.  Returns the pages moved; *@movable counts the allocated
 * pages of the pageblock that were allocated as movable.
 */
static unsigned long edumm_move_freepages_block(struct edumm_zone *zone,
						struct edumm_page *page, int mt,
						unsigned long *movable)
{
	struct edumm_pool *pool = zone->pool;
	unsigned long idx = (unsigned long)(page - pool->pages) & ~(EDUMM_PAGEBLOCK_NR_PAGES - 1);
	unsigned long end = idx + EDUMM_PAGEBLOCK_NR_PAGES;
	unsigned long moved = 0;

	*movable = 0;
	while (idx < end) {
		struct edumm_page *p = &pool->pages[idx];
		u32 flags = READ_ONCE(p->flags);
		/* pcp and allocated heads change under another CPU's pcp->lock */
		unsigned int order = READ_ONCE(p->order);

		if (flags & EDUMM_PG_BUDDY) {
			edumm_move_to_free_list(p, zone, order, mt);
			moved += 1UL << order;
			idx += 1UL << order;
		} else if (flags & (EDUMM_PG_HEAD | EDUMM_PG_PCP)) {
			if ((flags & EDUMM_PG_HEAD) && READ_ONCE(p->mt) == EDUMM_MT_MOVABLE)
				*movable += 1UL << order;
			idx += 1UL << order;
		} else {
			idx++;
		}
	}
	return moved;
}

/*
 * steal_suitable_fallback(): @page, a free block of @order on a list of
 * another type, is about to serve an allocation of @start_mt.  Move it (and
 * perhaps its whole pageblock) to the @start_mt lists.
 */
static void edumm_steal_suitable_fallback(struct edumm_zone *zone, struct edumm_page *page,
					  unsigned int order, int start_mt, bool whole_block)
{
	struct edumm_pool *pool = zone->pool;
	int old_mt = edumm_get_pageblock_mt(pool, page);
	unsigned long free_pages, movable, alike;

	if (order >= EDUMM_PAGEBLOCK_ORDER) {
		/* change_pageblock_range(): the block spans whole pageblocks */
		unsigned long i;

		for (i = 0; i < (1UL << order); i += EDUMM_PAGEBLOCK_NR_PAGES)
			edumm_set_pageblock_mt(pool, page + i, start_mt);
		edumm_count(pool, EDUMM_STEAL_BLOCK, 1);
		goto single_page;
	}
	if (!whole_block)
		goto single_page;

	free_pages = edumm_move_freepages_block(zone, page, start_mt, &movable);
	if (start_mt == EDUMM_MT_MOVABLE)
		alike = movable;
	else if (old_mt == EDUMM_MT_MOVABLE)
		alike = EDUMM_PAGEBLOCK_NR_PAGES - (free_pages + movable);
	else
		alike = 0;
	if (!free_pages)
		goto single_page;
	if (free_pages + alike >= (1UL << (EDUMM_PAGEBLOCK_ORDER - 1))) {
		edumm_set_pageblock_mt(pool, page, start_mt);
		edumm_count(pool, EDUMM_STEAL_BLOCK, 1);
	}
	return;

single_page:
	edumm_move_to_free_list(page, zone, order, start_mt);
}

/*
 * __rmqueue_fallback(): raid another migratetype.  Search from the largest
 * order down, to take big blocks and so fragment the other type's
 * pageblocks as little as possible; except that a movable request that
 * may not steal the pageblock takes the smallest block instead, because
 * it would only scatter movable pages over a block it cannot claim.
 */
static bool edumm_rmqueue_fallback(struct edumm_zone *zone, unsigned int order, int start_mt)
{
	struct edumm_page *page;
	bool can_steal;
	int o, fmt = -1;

	for (o = EDUMM_MAX_ORDER - 1; o >= (int)order; o--) {
		fmt = edumm_find_suitable_fallback(zone, o, start_mt, &can_steal);
		if (fmt == -1)
			continue;
		if (!can_steal && start_mt == EDUMM_MT_MOVABLE && o > (int)order)
			goto find_smallest;
		goto do_steal;
	}
	return false;

find_smallest:
	for (o = order; o < EDUMM_MAX_ORDER; o++) {
		fmt = edumm_find_suitable_fallback(zone, o, start_mt, &can_steal);
		if (fmt != -1)
			break;
	}
	if (EDUMM_WARN_ON_ONCE(fmt == -1))
		return false;

do_steal:
	page = edumm_first_free(zone, o, fmt);
	edumm_steal_suitable_fallback(zone, page, o, start_mt, can_steal);
	edumm_count(zone->pool, EDUMM_FALLBACK, 1);
	return true;
}

/* __rmqueue(): own type first, then fallback and retry. */
static struct edumm_page *edumm_rmqueue(struct edumm_zone *zone, unsigned int order, int mt)
{
	struct edumm_page *page;

	do {
		page = edumm_rmqueue_smallest(zone, order, mt);
	} while (!page && edumm_rmqueue_fallback(zone, order, mt));
	return page;
}

/**
 * edumm_prep_new_page() - hand a block taken off a list to its new owner
 * @pool: the pool
 * @page: block head, off every list
 * @order: its order
 * @mt: the migratetype it was allocated as
 *
 * Marks the head EDUMM_PG_HEAD and counts the allocation.  Done under the
 * lock the block was taken under, so that the checker, holding every lock,
 * never sees a block that is on no list and not allocated either.  The
 * per-CPU list paths do the same with edumm_set_page_head() and count on
 * their CPU themselves.
 *
 * Context: the pcp->lock or zone->lock the block was taken under is held.
 */
void edumm_prep_new_page(struct edumm_pool *pool, struct edumm_page *page,
			 unsigned int order, int mt)
{
	edumm_set_page_head(page, order, mt);
	edumm_count(pool, EDUMM_PGALLOC, 1);
	edumm_count(pool, EDUMM_PGALLOC_PAGES, 1UL << order);
}

/**
 * edumm_rmqueue_bulk() - take several blocks for a per-CPU list
 * @zone: the zone
 * @order: order of each block
 * @count: blocks wanted
 * @list: where to append them, each marked EDUMM_PG_PCP with mt = @mt
 * @mt: wanted migratetype
 *
 * Context: the pcp lock of the caller's CPU held; takes zone->lock.
 * Return: the number of blocks appended (may be fewer than @count).
 */
int edumm_rmqueue_bulk(struct edumm_zone *zone, unsigned int order, int count,
		       struct list_head *list, int mt)
{
	int i;

	edumm_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		struct edumm_page *page = edumm_rmqueue(zone, order, mt);

		if (!page)
			break;
		WRITE_ONCE(page->flags, EDUMM_PG_PCP);
		list_add_tail(&page->lru, list);
	}
	edumm_unlock(&zone->lock);
	return i;
}

/**
 * edumm_rmqueue_buddy() - take one block straight from the free lists
 * @zone: the zone
 * @order: order wanted
 * @mt: migratetype wanted
 *
 * Context: takes zone->lock.
 * Return: the block head, prepared by edumm_prep_new_page(), or NULL.
 */
struct edumm_page *edumm_rmqueue_buddy(struct edumm_zone *zone, unsigned int order, int mt)
{
	struct edumm_page *page;

	edumm_lock(&zone->lock);
	page = edumm_rmqueue(zone, order, mt);
	if (page)
		edumm_prep_new_page(zone->pool, page, order, mt);
	edumm_unlock(&zone->lock);
	return page;
}

/*** Watermarks ***/

/**
 * edumm_zone_watermark_ok() - may @zone serve this request at this mark?
 * @zone: the zone
 * @order: order of the request
 * @mark: watermark in pages
 * @alloc_flags: EDUMM_AF_HIGH halves the mark, like ALLOC_HIGH
 *
 * This is __zone_watermark_ok() of 6.1 without the highatomic and CMA
 * terms and with no lowmem_reserve: the free pages, minus the
 * (1 << order) - 1 that the request itself will use beyond one page, must
 * stay above the mark; for order > 0, a free block of at least @order must
 * exist on some list.  The read of the free lists is unlocked and may race,
 * as the kernel's does: the allocation itself decides.
 *
 * Context: any; takes no lock.
 * Return: true if the zone may be used.
 */
bool edumm_zone_watermark_ok(struct edumm_zone *zone, unsigned int order,
			     unsigned long mark, unsigned int alloc_flags)
{
	long free_pages = (long)READ_ONCE(zone->free_pages) - ((1L << order) - 1);
	long min = mark;
	unsigned int o, mt;

	if (alloc_flags & EDUMM_AF_HIGH)
		min -= min / 2;
	if (free_pages <= min)
		return false;
	if (!order)
		return true;
	for (o = order; o < EDUMM_MAX_ORDER; o++) {
		if (!READ_ONCE(zone->free_area[o].nr_free))
			continue;
		for (mt = 0; mt < EDUMM_MT_PCPTYPES; mt++)
			if (!list_empty(&zone->free_area[o].free_list[mt]))
				return true;
	}
	return false;
}

/*** Entry points ***/

/*
 * The zonelist: the node of the calling CPU first, then the others in nid
 * order; on each node the highest zone the request may use first, as
 * gfp_zone() allows Movable only to movable requests.
 */
static struct edumm_page *edumm_get_page_from_freelist(struct edumm_pool *pool,
						       unsigned int order, int mt,
						       unsigned int alloc_flags, int wmark,
						       bool lowest)
{
	int top = mt == EDUMM_MT_MOVABLE ? EDUMM_ZONE_MOVABLE : EDUMM_ZONE_NORMAL;
	int local = edumm_numa_node_id();
	unsigned int n, pass;
	int bottom = 0;

	/* GFP_DMA of the slab layer: the pool's lowest zone type only */
	if (lowest) {
		top = EDUMM_NR_ZONES - 1;
		for (n = 0; n < pool->nr_zones; n++)
			top = min(top, pool->zones[n]->type);
		bottom = top;
	}

	for (pass = 0; pass < 2; pass++) {
		for (n = 0; n < pool->nr_nodes; n++) {
			struct edumm_node *node = &pool->nodes[n];
			int z;

			/* pass 0: the local node only; pass 1: all others */
			if (pass == 0 ? node->nid != local : node->nid == local)
				continue;
			for (z = top; z >= bottom; z--) {
				struct edumm_zone *zone = &node->zones[z];
				struct edumm_page *page;

				if (!edumm_zone_populated(zone))
					continue;
				if (wmark >= 0 &&
				    !edumm_zone_watermark_ok(zone, order, zone->watermark[wmark],
							     alloc_flags))
					continue;
				if (order <= EDUMM_COSTLY_ORDER && !(alloc_flags & EDUMM_AF_NO_PCP))
					page = edumm_rmqueue_pcplist(zone, order, mt);
				else
					page = edumm_rmqueue_buddy(zone, order, mt);
				if (page)
					return page;
			}
		}
	}
	return NULL;
}

static bool edumm_pool_has_pcp_pages(struct edumm_pool *pool)
{
	unsigned int cpu, zi;

	for (zi = 0; zi < pool->nr_zones; zi++) {
		struct edumm_zone *zone = pool->zones[zi];

		for (cpu = 0; cpu < pool->nr_cpus; cpu++)
			if (READ_ONCE(zone->pcp[cpu].count))
				return true;
	}
	return false;
}

static struct edumm_page *__edumm_alloc_pages(struct edumm_pool *pool, unsigned int order,
					      int mt, unsigned int alloc_flags, bool lowest)
{
	int slow_mark = (alloc_flags & EDUMM_AF_NO_WMARK) ? -1 : EDUMM_WMARK_MIN;
	struct edumm_page *page;

	if (order >= EDUMM_MAX_ORDER || mt < 0 || mt >= EDUMM_MT_TYPES ||
	    (alloc_flags & ~EDUMM_AF_MASK))
		return NULL;
	/* should_fail_alloc_page(): fault injection, see fault.c */
	if (edumm_should_fail(&pool->fail, 1UL << order)) {
		edumm_count(pool, EDUMM_FAIL_INJECTED, 1);
		edumm_count(pool, EDUMM_ALLOC_FAIL, 1);
		return NULL;
	}

	/* the fast path ignores EDUMM_AF_HIGH: gfp_to_alloc_flags() is slow-path only */
	page = edumm_get_page_from_freelist(pool, order, mt, alloc_flags & ~EDUMM_AF_HIGH,
					    EDUMM_WMARK_LOW, lowest);
	if (page)
		goto got_page;
	edumm_count(pool, EDUMM_WMARK_LOW_FAIL, 1);

	page = edumm_get_page_from_freelist(pool, order, mt, alloc_flags, slow_mark, lowest);
	if (page)
		goto got_page;
	if (slow_mark >= 0)
		edumm_count(pool, EDUMM_WMARK_MIN_FAIL, 1);

	if (edumm_pool_has_pcp_pages(pool)) {
		edumm_count(pool, EDUMM_DRAIN_RETRY, 1);
		edumm_drain_all_pages(pool);
		page = edumm_get_page_from_freelist(pool, order, mt, alloc_flags, slow_mark,
						    lowest);
		if (page)
			goto got_page;
	}
	edumm_count(pool, EDUMM_ALLOC_FAIL, 1);
	return NULL;

got_page:
	/* prepared (EDUMM_PG_HEAD, counted) under the lock it was taken under */
	return page;
}

/**
 * edumm_alloc_pages() - allocate a block of 2^order pages
 * @pool: the pool
 * @order: 0 .. EDUMM_MAX_ORDER - 1
 * @mt: enum edumm_mt value below EDUMM_MT_TYPES
 * @alloc_flags: EDUMM_AF_* bits
 *
 * The fast path tries every zone of the zonelist at the low watermark; the
 * slow path tries again at the min watermark (half of it with
 * EDUMM_AF_HIGH, none with EDUMM_AF_NO_WMARK) and, if pages sit on
 * per-CPU lists, drains them and
 * tries once more, as __alloc_pages_direct_reclaim() does after a failed
 * reclaim.  There is no reclaim, compaction or OOM killer (yet).  Fault
 * injection (pool->fail, see fault.c) may fail any request first.
 *
 * Context: process context or any context that may spin; does not sleep.
 * Return: the head descriptor of the block, now EDUMM_PG_HEAD, or NULL if
 * the request is invalid or cannot be met.
 */
struct edumm_page *edumm_alloc_pages(struct edumm_pool *pool, unsigned int order,
				     int mt, unsigned int alloc_flags)
{
	return __edumm_alloc_pages(pool, order, mt, alloc_flags, false);
}

/**
 * edumm_alloc_pages_lowest() - edumm_alloc_pages() from the lowest zone type
 * @pool: the pool
 * @order: 0 .. EDUMM_MAX_ORDER - 1
 * @mt: enum edumm_mt value below EDUMM_MT_TYPES
 * @alloc_flags: EDUMM_AF_* bits
 *
 * GFP_DMA for the slab layer's dma-kmalloc-* and SLAB_CACHE_DMA caches:
 * only zones of the lowest zone type the pool has (DMA, else DMA32...).
 *
 * Context: as edumm_alloc_pages().
 * Return: the head descriptor of the block, or NULL.
 */
struct edumm_page *edumm_alloc_pages_lowest(struct edumm_pool *pool, unsigned int order,
					    int mt, unsigned int alloc_flags)
{
	return __edumm_alloc_pages(pool, order, mt, alloc_flags, true);
}

/*
 * __free_pages_ok() for orders above the pcp range: claim the block (its
 * EDUMM_PG_HEAD flag, atomically, under zone->lock so the checker sees a
 * consistent zone) and merge it into the free lists.
 */
static int edumm_free_to_buddy(struct edumm_zone *zone, struct edumm_page *page,
			       unsigned int order)
{
	struct edumm_pool *pool = zone->pool;

	edumm_lock(&zone->lock);
	if (!edumm_try_cmpxchg32(&page->flags, EDUMM_PG_HEAD, 0)) {
		edumm_unlock(&zone->lock);
		return -EINVAL;
	}
	edumm_count(pool, EDUMM_PGFREE, 1);
	edumm_count(pool, EDUMM_PGFREE_PAGES, 1UL << order);
	edumm_free_one_page(zone, page, order, edumm_get_pageblock_mt(pool, page));
	edumm_unlock(&zone->lock);
	return 0;
}

/**
 * edumm_free_block() - free a block by its head descriptor
 * @pool: the pool
 * @page: the head descriptor edumm_alloc_pages() returned (inside
 *	pool->pages)
 * @order: the order it was allocated with
 *
 * What __free_pages() is to a struct page: the in-kernel entry point,
 * without the pfn lookup of edumm_free_pages() (which costs as much as the
 * rest of an order-0 free: Documentation/benchmarks.rst).  The state of
 * the block is checked all the same: a block that is already free, not
 * the head of an allocated block, or of another order is refused, the
 * pool is left untouched, a counter is bumped and an error is logged.
 * Orders up to EDUMM_COSTLY_ORDER go to the per-CPU list of the calling
 * CPU (free_unref_page()), larger ones straight to the buddy.
 *
 * Context: process context or any context that may spin; does not sleep.
 * Return: 0, or -EINVAL if the free was refused.
 */
int edumm_free_block(struct edumm_pool *pool, struct edumm_page *page, unsigned int order)
{
	struct edumm_zone *zone;
	u32 flags;
	int ret;

	flags = READ_ONCE(page->flags);
	/* the common case in one test: an allocated head of this order */
	if (likely(flags == EDUMM_PG_HEAD && READ_ONCE(page->order) == order))
		goto free;
	if (flags & (EDUMM_PG_BUDDY | EDUMM_PG_PCP)) {
		edumm_count(pool, EDUMM_BAD_FREE_DOUBLE, 1);
		edumm_report("double free of pfn %#lx order %u\n",
			     edumm_page_to_pfn(pool, page), order);
		return -EINVAL;
	}
	if (!(flags & EDUMM_PG_HEAD)) {
		edumm_count(pool, EDUMM_BAD_FREE_NOT_HEAD, 1);
		edumm_report("free of pfn %#lx: not the head of an allocated block\n",
			     edumm_page_to_pfn(pool, page));
		return -EINVAL;
	}
	/* unlocked: a block being freed twice at once may change under us */
	if (order >= EDUMM_MAX_ORDER || READ_ONCE(page->order) != order) {
		edumm_count(pool, EDUMM_BAD_FREE_ORDER, 1);
		edumm_report("free of pfn %#lx with order %u, allocated with order %u\n",
			     edumm_page_to_pfn(pool, page), order, READ_ONCE(page->order));
		return -EINVAL;
	}
free:
	zone = edumm_page_zone(pool, page);
	if (order <= EDUMM_COSTLY_ORDER)
		ret = edumm_free_unref_page(zone, page, order);
	else
		ret = edumm_free_to_buddy(zone, page, order);
	if (ret) {
		/* another free of the same block won the race */
		edumm_count(pool, EDUMM_BAD_FREE_DOUBLE, 1);
		edumm_report("double free of pfn %#lx order %u\n",
			     edumm_page_to_pfn(pool, page), order);
	}
	return ret;
}

/**
 * edumm_free_pages() - free a block allocated by edumm_alloc_pages()
 * @pool: the pool
 * @pfn: pfn of the block's first page
 * @order: the order it was allocated with
 *
 * edumm_free_block() of the descriptor of @pfn.  A pfn outside the pool is
 * refused like a free of a page that is not the head of a block.
 *
 * Context: process context or any context that may spin; does not sleep.
 * Return: 0, or -EINVAL if the free was refused.
 */
int edumm_free_pages(struct edumm_pool *pool, unsigned long pfn, unsigned int order)
{
	struct edumm_page *page = edumm_pfn_to_page(pool, pfn);

	if (!page) {
		edumm_count(pool, EDUMM_BAD_FREE_NOT_HEAD, 1);
		edumm_report("free of pfn %#lx: not a pool page\n", pfn);
		return -EINVAL;
	}
	return edumm_free_block(pool, page, order);
}
