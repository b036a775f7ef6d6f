// SPDX-License-Identifier: GPL-2.0
/*
 * slab_common.c - the part of the slab layer every design shares, as
 * mm/slab_common.c: the cache list, create (with find_mergeable()) and
 * destroy, the alloc/free entry points that run the debug hooks around the
 * design's own paths, slab pages from the buddy, the page -> slab lookup,
 * shrink, validation, and the /proc/slabinfo printer.
 *
 * Design choice per cache:
 *
 *   edumm_kmem_cache_create(..., design)
 *        |
 *        +-- common: validate, calculate_alignment(), find_mergeable()
 *        +-- ops->open(): SLUB calculate_sizes()/calculate_order(),
 *        |                SLAB __kmem_cache_create()/calculate_slab_order(),
 *        |                SLOB: units and a tag
 *        +-- on slab_state->caches
 *
 *   edumm_kmem_cache_alloc(s)                edumm_kmem_cache_free(s, p)
 *        |                                        |
 *        ops->alloc(s)  design fast/slow path     page -> slab -> cache == s?
 *        |                                        index/alignment ok?
 *        debug caches: poison/red zone intact?    debug: state, red zones,
 *          else report + quarantine + retry         poison, track, else report
 *        __GFP_ZERO                               ops->free(s, slab, p)
 *
 * Locking: slab_state->mutex (slab_mutex) guards the cache list, each
 * cache's refcount and aliases, and serializes create/destroy/shrink/
 * validate.  The alloc/free paths never take it: a cache is used only by
 * whoever created it, until its destroy.
 *
 * Slab pages: edumm_slab_new() takes a block of 2^order pages from the
 * edumm buddy (never the kernel's allocator) with the cache's migratetype
 * (RECLAIMABLE for SLAB_RECLAIM_ACCOUNT) and, for SLAB_CACHE_DMA, only the
 * lowest zone of the pool; it fills the twin entries (struct edumm_slab)
 * of every page of the block so that any address inside finds the head.
 * edumm_slab_discard() clears them and gives the block back, or, for
 * SLAB_TYPESAFE_BY_RCU caches, parks the slab on slab_state->rcu_wait
 * until a grace period has passed (the RCU callback only flips
 * slab->rcu_done; the pages go back at the next process-context slab call,
 * because the buddy's locks are not irq-safe).
 */
#include "slab_internal.h"

const char * const edumm_slab_design_names[EDUMM_SLAB_NR_DESIGNS] = {
	[0]				= "none",
	[EDUMM_SLAB_DESIGN_SLUB]	= "slub",
	[EDUMM_SLAB_DESIGN_SLAB]	= "slab",
	[EDUMM_SLAB_DESIGN_SLOB]	= "slob",
};

/* Names for debugfs, indexed by enum edumm_slab_stat_item. */
const char * const edumm_slab_stat_names[NR_EDUMM_SLAB_STATS] = {
	[EDUMM_SLAB_ALLOC_FASTPATH]	= "alloc_fastpath",
	[EDUMM_SLAB_ALLOC_SLOWPATH]	= "alloc_slowpath",
	[EDUMM_SLAB_FREE_FASTPATH]	= "free_fastpath",
	[EDUMM_SLAB_FREE_SLOWPATH]	= "free_slowpath",
	[EDUMM_SLAB_ALLOC_REFILL]	= "alloc_refill",
	[EDUMM_SLAB_ALLOC_CPU_PARTIAL]	= "cpu_partial_alloc",
	[EDUMM_SLAB_ALLOC_NODE_PARTIAL]	= "alloc_from_partial",
	[EDUMM_SLAB_ALLOC_SHARED]	= "alloc_shared",
	[EDUMM_SLAB_ALLOC_NEW_SLAB]	= "alloc_slab",
	[EDUMM_SLAB_ALLOC_FAIL]		= "alloc_fail",
	[EDUMM_SLAB_FREE_ADD_PARTIAL]	= "free_add_partial",
	[EDUMM_SLAB_FREE_REMOVE_PARTIAL] = "free_remove_partial",
	[EDUMM_SLAB_FREE_CPU_PARTIAL]	= "cpu_partial_free",
	[EDUMM_SLAB_FREE_FLUSH]		= "free_flush",
	[EDUMM_SLAB_CPU_PARTIAL_DRAIN]	= "cpu_partial_drain",
	[EDUMM_SLAB_DEACTIVATE]		= "deactivate",
	[EDUMM_SLAB_SLAB_FREE]		= "free_slab",
	[EDUMM_SLAB_RCU_DEFERRED]	= "rcu_deferred",
	[EDUMM_SLAB_REAP]		= "reaped",
	[EDUMM_SLAB_DEBUG_ERROR]	= "debug_errors",
	[EDUMM_SLAB_QUARANTINED]	= "quarantined",
	[EDUMM_SLAB_KMALLOC_CALLS]	= "kmalloc_calls",
	[EDUMM_SLAB_KMALLOC_REQUESTED]	= "kmalloc_requested",
	[EDUMM_SLAB_KMALLOC_ALLOCATED]	= "kmalloc_allocated",
};

static const struct edumm_slab_ops *edumm_ops(const struct edumm_kmem_cache *s)
{
	switch (s->design) {
	case EDUMM_SLAB_DESIGN_SLAB:
		return &edumm_slab_ops;
	case EDUMM_SLAB_DESIGN_SLOB:
		return &edumm_slob_ops;
	default:
		return &edumm_slub_ops;
	}
}

/**
 * edumm_slab_count() - bump a per-cache counter of the calling CPU
 * @s: the cache
 * @item: the counter
 * @delta: amount
 *
 * The one helper every counter goes through.
 *
 * Context: any context that may disable preemption briefly.
 */
void edumm_slab_count(struct edumm_kmem_cache *s, enum edumm_slab_stat_item item,
		      unsigned long delta)
{
	unsigned int cpu = edumm_cpu_get();
	unsigned long *v = &s->stats[cpu].v[item];

	WRITE_ONCE(*v, *v + delta);
	edumm_cpu_put();
}

/**
 * edumm_slab_calculate_alignment() - mm/slab_common.c calculate_alignment()
 * @flags: EDUMM_SLAB_* flags
 * @align: requested alignment (0 for none)
 * @size: object size
 *
 * Context: any.
 * Return: the alignment of the objects.
 */
unsigned int edumm_slab_calculate_alignment(unsigned int flags, unsigned int align,
					    unsigned int size)
{
	/*
	 * If the user wants hardware cache aligned objects then follow that
	 * suggestion if the object is sufficiently large.  The hardware cache
	 * alignment cannot override a specified alignment though.
	 */
	if (flags & EDUMM_SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = edumm_cache_line_size();

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	/* ARCH_SLAB_MINALIGN: __alignof__(unsigned long long) */
	align = max(align, 8U);
	return ALIGN(align, (unsigned int)sizeof(void *));
}

/**
 * edumm_slab_debug_layout() - SLUB's calculate_sizes(), minus the order
 * @s: cache with object_size, align, flags and ctor set
 * @freeptr: reserve SLUB's free pointer (SLAB and SLOB do not need one)
 *
 * Sets size, inuse, offset, red_left_pad, obj_offset and track_offset.
 * Slot layout (offsets from the object, which starts red_left_pad bytes
 * into the slot):
 *
 *   | left red zone | object | right red zone | free ptr | 2 tracks | pad |
 *   ^ slot          ^ obj    ^ object_size    ^ inuse (offset when outside)
 *
 * Context: cache creation.
 */
void edumm_slab_debug_layout(struct edumm_kmem_cache *s, bool freeptr)
{
	unsigned int flags = s->flags;
	unsigned int size = ALIGN(s->object_size, (unsigned int)sizeof(void *));

	/* poison the object itself only if nobody may touch it while free */
	if ((flags & EDUMM_SLAB_POISON) && !(flags & EDUMM_SLAB_TYPESAFE_BY_RCU) && !s->ctor)
		s->flags |= EDUMM_SLAB_OBJ_POISON;
	else
		s->flags &= ~EDUMM_SLAB_OBJ_POISON;

	/* room for a right red zone if the word alignment left none */
	if ((flags & EDUMM_SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *);
	s->inuse = size;

	s->offset = 0;
	if (freeptr) {
		if ((flags & (EDUMM_SLAB_TYPESAFE_BY_RCU | EDUMM_SLAB_POISON)) ||
		    ((flags & EDUMM_SLAB_RED_ZONE) && s->object_size < sizeof(void *)) ||
		    s->ctor) {
			/* the free pointer may not overwrite the object */
			s->offset = size;
			size += sizeof(void *);
		} else {
			/* in the middle, away from small over/underflows */
			s->offset = ALIGN_DOWN(s->object_size / 2, (unsigned int)sizeof(void *));
		}
	}

	s->track_offset = size;
	if (flags & EDUMM_SLAB_STORE_USER) {
		size += 2 * sizeof(struct edumm_track);
		/* the original kmalloc request size */
		if (flags & EDUMM_SLAB_KMALLOC)
			size += sizeof(unsigned int);
	}

	s->red_left_pad = 0;
	if (flags & EDUMM_SLAB_RED_ZONE) {
		/* padding that catches writes before the next object */
		size += sizeof(void *);
		s->red_left_pad = ALIGN((unsigned int)sizeof(void *), s->align);
		size += s->red_left_pad;
	}
	s->obj_offset = s->red_left_pad;
	s->size = ALIGN(size, s->align);
}

/**
 * edumm_slab_pfn() - first pfn of a slab
 * @pool: the pool
 * @slab: a head entry of pool->slab->slabs
 *
 * Context: any.
 * Return: the pfn.
 */
unsigned long edumm_slab_pfn(struct edumm_pool *pool, struct edumm_slab *slab)
{
	return edumm_page_to_pfn(pool, &pool->pages[slab - pool->slab->slabs]);
}

/**
 * edumm_slab_node_index() - index in pool->nodes of a slab's node
 * @pool: the pool
 * @slab: a head entry
 *
 * Context: any.
 * Return: 0 .. pool->nr_nodes - 1.
 */
int edumm_slab_node_index(struct edumm_pool *pool, struct edumm_slab *slab)
{
	struct edumm_page *page = &pool->pages[slab - pool->slab->slabs];
	struct edumm_zone *zone = edumm_page_zone(pool, page);
	unsigned int n;

	for (n = 0; n < pool->nr_nodes; n++)
		if (pool->nodes[n].nid == zone->nid)
			return n;
	return 0;
}

/**
 * edumm_virt_to_slab() - the slab entry of an address, as virt_to_slab()
 * @pool: the pool
 * @p: any address
 *
 * Context: any; takes no lock.
 * Return: the head entry of the slab, SLOB page or large block holding
 * @p, or NULL when @p is not in a page of the slab layer.
 */
struct edumm_slab *edumm_virt_to_slab(struct edumm_pool *pool, const void *p)
{
	struct edumm_slab_state *st = pool->slab;
	unsigned long pfn = edumm_virt_to_pfn(p);
	struct edumm_page *page;
	struct edumm_slab *slab;
	u8 kind;

	if (!st || pfn == ULONG_MAX)
		return NULL;
	page = edumm_pfn_to_page(pool, pfn);
	if (!page)
		return NULL;
	slab = &st->slabs[page - pool->pages];
	kind = READ_ONCE(slab->kind);
	if (kind == EDUMM_SLAB_KIND_TAIL) {
		slab -= READ_ONCE(slab->head);
		kind = READ_ONCE(slab->kind);
		if (kind == EDUMM_SLAB_KIND_TAIL)
			return NULL;
	}
	if (kind == EDUMM_SLAB_KIND_NONE)
		return NULL;
	return slab;
}

static void edumm_slab_rcu_cb(struct edumm_rcu_head *h)
{
	struct edumm_slab *slab = container_of(h, struct edumm_slab, rcu);

	/* softirq context in the kernel: only say the grace period is over */
	WRITE_ONCE(slab->rcu_done, true);
}

/* Clear the twin entries and give the block back to the buddy. */
static void edumm_slab_free_pages(struct edumm_pool *pool, struct edumm_slab *slab)
{
	unsigned long pfn = edumm_slab_pfn(pool, slab);
	unsigned int i, order = slab->order;
	struct edumm_kmem_cache *s = slab->cache;
	void *freelist = NULL, *map = slab->obj_state;

	if (slab->kind == EDUMM_SLAB_KIND_SLAB && s &&
	    (s->flags & EDUMM_SLAB_CFLGS_OFF_SLAB))
		freelist = slab->freelist;
	edumm_lock(&pool->slab->map_lock);
	for (i = (1U << order) - 1; i > 0; i--)
		memset(&slab[i], 0, sizeof(*slab));
	WRITE_ONCE(slab->kind, EDUMM_SLAB_KIND_NONE);
	memset(slab, 0, sizeof(*slab));
	edumm_unlock(&pool->slab->map_lock);
	edumm_meta_free(freelist);
	edumm_meta_free(map);
	if (edumm_free_pages(pool, pfn, order))
		edumm_report("slab: pages of a slab at pfn %#lx were not allocated\n", pfn);
}

/*
 * Take 2^order pages with @mt / @af and fill their twin entries; @map
 * becomes obj_state / slob_map.  NULL if the buddy has nothing.
 */
static struct edumm_slab *edumm_slab_take_pages(struct edumm_pool *pool, unsigned int order,
						int mt, unsigned int af, bool dma, int kind,
						void *map, struct edumm_kmem_cache *cache)
{
	struct edumm_slab_state *st = pool->slab;
	struct edumm_slab *slab;
	struct edumm_page *page;
	unsigned int i;

	edumm_slab_rcu_reclaim(pool);
	if (dma)
		page = edumm_alloc_pages_lowest(pool, order, mt, af);
	else
		page = edumm_alloc_pages(pool, order, mt, af);
	if (!page)
		return NULL;
	slab = &st->slabs[page - pool->pages];
	edumm_lock(&st->map_lock);
	memset(slab, 0, sizeof(*slab));
	INIT_LIST_HEAD(&slab->slab_list);
	slab->addr = edumm_pfn_to_virt(edumm_page_to_pfn(pool, page));
	slab->order = order;
	slab->obj_state = map;
	slab->cache = cache;
	slab->node = edumm_slab_node_index(pool, slab);
	for (i = 1; i < (1U << order); i++) {
		memset(&slab[i], 0, sizeof(*slab));
		slab[i].head = i;
		WRITE_ONCE(slab[i].kind, EDUMM_SLAB_KIND_TAIL);
	}
	WRITE_ONCE(slab->kind, kind);
	edumm_unlock(&st->map_lock);
	return slab;
}

/**
 * edumm_slab_new() - take a slab's pages from the buddy and describe them
 * @s: the cache (SLOB pages: any SLOB cache; the entry gets no cache)
 * @gfp: EDUMM_GFP_* bits (EDUMM_GFP_HIGH)
 * @order: block order
 * @kind: EDUMM_SLAB_KIND_SLAB, _SLOB or _LARGE
 *
 * The entries of the block are filled, the design's fields zeroed, and a
 * debug cache's obj_state (or a SLOB page's slob_map) allocated.  The slab
 * is on no list and counted nowhere yet.
 *
 * Context: process context, no slab lock held (may sleep: metadata).
 * Return: the head entry, or NULL (-ENOMEM).
 */
struct edumm_slab *edumm_slab_new(struct edumm_kmem_cache *s, unsigned int gfp,
				  unsigned int order, int kind)
{
	unsigned int af = s->alloc_flags;
	struct edumm_slab *slab;
	void *map = NULL;

	if (kind == EDUMM_SLAB_KIND_SLAB && edumm_slab_debug(s)) {
		map = edumm_meta_alloc(s->objects);
		if (!map)
			return NULL;
	} else if (kind == EDUMM_SLAB_KIND_SLOB) {
		map = edumm_meta_alloc(EDUMM_PAGE_SIZE / 2);
		if (!map)
			return NULL;
	}
	if (gfp & EDUMM_GFP_HIGH)
		af |= EDUMM_AF_HIGH;
	slab = edumm_slab_take_pages(s->pool, order, s->mt, af,
				     s->flags & EDUMM_SLAB_CACHE_DMA, kind, map,
				     kind == EDUMM_SLAB_KIND_SLOB ? NULL : s);
	if (!slab)
		edumm_meta_free(map);
	return slab;
}

/**
 * edumm_slab_new_large() - a kmalloc_large() block
 * @pool: the pool
 * @gfp: EDUMM_GFP_* (HIGH, RECLAIMABLE, DMA)
 * @order: block order
 *
 * Context: process context, no slab lock held.
 * Return: the head entry (kind LARGE, no cache), or NULL.
 */
struct edumm_slab *edumm_slab_new_large(struct edumm_pool *pool, unsigned int gfp,
					unsigned int order)
{
	int mt = (gfp & EDUMM_GFP_RECLAIMABLE) ? EDUMM_MT_RECLAIMABLE : EDUMM_MT_UNMOVABLE;
	unsigned int af = (gfp & EDUMM_GFP_HIGH) ? EDUMM_AF_HIGH : 0;

	return edumm_slab_take_pages(pool, order, mt, af, gfp & EDUMM_GFP_DMA,
				     EDUMM_SLAB_KIND_LARGE, NULL, NULL);
}

/**
 * edumm_slab_free_large() - give a kmalloc_large() block back
 * @pool: the pool
 * @slab: its head entry
 *
 * Context: process context, no slab lock held.
 */
void edumm_slab_free_large(struct edumm_pool *pool, struct edumm_slab *slab)
{
	edumm_slab_free_pages(pool, slab);
}

/**
 * edumm_slab_discard() - give an empty slab back, as discard_slab()
 * @s: its cache
 * @slab: on no list, not counted in its node any more
 *
 * SLAB_TYPESAFE_BY_RCU caches park the slab until a grace period ends.
 *
 * Context: no slab lock held except possibly a leaf (takes rcu_lock).
 */
void edumm_slab_discard(struct edumm_kmem_cache *s, struct edumm_slab *slab)
{
	struct edumm_slab_state *st = edumm_slab_state(s);

	edumm_slab_count(s, EDUMM_SLAB_SLAB_FREE, 1);
	if (s->flags & EDUMM_SLAB_TYPESAFE_BY_RCU) {
		edumm_slab_count(s, EDUMM_SLAB_RCU_DEFERRED, 1);
		slab->rcu_done = false;
		slab->list = EDUMM_SLAB_LIST_RCU;
		edumm_lock(&st->rcu_lock);
		list_add_tail(&slab->slab_list, &st->rcu_wait);
		edumm_unlock(&st->rcu_lock);
		edumm_call_rcu(&slab->rcu, edumm_slab_rcu_cb);
		return;
	}
	edumm_slab_free_pages(s->pool, slab);
}

/**
 * edumm_slab_rcu_reclaim() - free the slabs whose grace period is over
 * @pool: the pool
 *
 * Context: process context, no slab lock held.
 * Return: pages given back to the buddy.
 */
unsigned long edumm_slab_rcu_reclaim(struct edumm_pool *pool)
{
	struct edumm_slab_state *st = pool->slab;
	struct edumm_slab *slab, *next;
	struct list_head done;
	unsigned long pages = 0, nr = 0;

	if (!st || list_empty(&st->rcu_wait))
		return 0;
	INIT_LIST_HEAD(&done);
	edumm_lock(&st->rcu_lock);
	list_for_each_entry_safe(slab, next, &st->rcu_wait, slab_list) {
		if (READ_ONCE(slab->rcu_done)) {
			list_move_tail(&slab->slab_list, &done);
			nr++;
		}
	}
	/* their cache must outlive them: see edumm_slab_rcu_flush() */
	st->rcu_inflight += nr;
	edumm_unlock(&st->rcu_lock);
	list_for_each_entry_safe(slab, next, &done, slab_list) {
		list_del(&slab->slab_list);
		pages += 1UL << slab->order;
		edumm_slab_free_pages(pool, slab);
	}
	if (nr) {
		edumm_lock(&st->rcu_lock);
		st->rcu_inflight -= nr;
		edumm_unlock(&st->rcu_lock);
	}
	return pages;
}

/*
 * Wait for every grace period of the pool's slabs, then free them all, and
 * wait for the slabs another task's reclaim took off rcu_wait but has not
 * freed yet: until then they point to their cache, which the caller
 * (destroy) may free next.  Found by the debug lane (KASAN: use-after-free
 * in edumm_slab_free_pages() of an allocation's reclaim, the cache freed by
 * a concurrent destroy).  May sleep.
 */
static unsigned long edumm_slab_rcu_flush(struct edumm_pool *pool)
{
	struct edumm_slab_state *st = pool->slab;
	unsigned long pages = 0, busy;

	if (!list_empty(&st->rcu_wait)) {
		edumm_rcu_barrier();
		pages = edumm_slab_rcu_reclaim(pool);
	}
	for (;;) {
		edumm_lock(&st->rcu_lock);
		busy = st->rcu_inflight;
		edumm_unlock(&st->rcu_lock);
		if (!busy)
			return pages;
		edumm_wait_relax();
	}
}

/*** Create, merge, destroy ***/

static struct edumm_kmem_cache *edumm_find_cache(struct edumm_slab_state *st, const char *name)
{
	struct edumm_kmem_cache *s;
	size_t len = strlen(name);

	list_for_each_entry(s, &st->caches, list) {
		const char *a = s->aliases;

		if (!strcmp(s->name, name))
			return s;
		/* aliases: "name1 name2 ..." */
		while (*a) {
			if (!strncmp(a, name, len) && (a[len] == ' ' || !a[len]))
				return s;
			a = strchr(a, ' ');
			if (!a)
				break;
			a++;
		}
	}
	return NULL;
}

/* mm/slab_common.c find_mergeable(), within one design. */
static struct edumm_kmem_cache *edumm_find_mergeable(struct edumm_slab_state *st,
						     unsigned int size, unsigned int align,
						     unsigned int flags, void (*ctor)(void *),
						     int design)
{
	struct edumm_kmem_cache *s;

	if (st->nomerge || ctor || (flags & EDUMM_SLAB_NEVER_MERGE))
		return NULL;
	size = ALIGN(size, (unsigned int)sizeof(void *));
	align = edumm_slab_calculate_alignment(flags, align, size);
	size = ALIGN(size, align);

	list_for_each_entry(s, &st->caches, list) {
		if (s->design != design || s->ctor || (s->flags & EDUMM_SLAB_NEVER_MERGE) ||
		    !s->refcount)
			continue;
		if (size > s->size)
			continue;
		if ((flags & EDUMM_SLAB_MERGE_SAME) != (s->flags & EDUMM_SLAB_MERGE_SAME))
			continue;
		/* check if alignment is compatible */
		if ((s->size & ~(align - 1)) != s->size)
			continue;
		if (s->size - size >= sizeof(void *))
			continue;
		if (design == EDUMM_SLAB_DESIGN_SLAB && (align > s->align || s->align % align))
			continue;
		return s;
	}
	return NULL;
}

static int edumm_cache_args_ok(const char *name, unsigned int size, unsigned int align,
			       unsigned int flags, enum edumm_slab_design design)
{
	size_t len;

	if (!name)
		return -EINVAL;
	len = strnlen(name, EDUMM_SLAB_NAME_LEN);
	if (!len || len >= EDUMM_SLAB_NAME_LEN || strchr(name, ' '))
		return -EINVAL;
	if (!size || size > EDUMM_SLAB_MAX_SIZE)
		return -EINVAL;
	if (align && (!is_power_of_2(align) || align > EDUMM_SLAB_MAX_ALIGN))
		return -EINVAL;
	if (flags & ~EDUMM_SLAB_FLAGS_MASK)
		return -EINVAL;
	if (design < EDUMM_SLAB_DESIGN_SLUB || design > EDUMM_SLAB_DESIGN_SLOB)
		return -EINVAL;
	/* the kernel's SLOB has no debugging and no per-object RCU here */
	if (design == EDUMM_SLAB_DESIGN_SLOB &&
	    (flags & (EDUMM_SLAB_DEBUG_FLAGS | EDUMM_SLAB_TYPESAFE_BY_RCU)))
		return -EINVAL;
	return 0;
}

static void edumm_cache_free_struct(struct edumm_kmem_cache *s)
{
	edumm_meta_free(s->stats);
	edumm_meta_free(s);
}

/* Create a cache (slab_mutex held); internal flags allowed. */
static struct edumm_kmem_cache *edumm_create_locked(struct edumm_pool *pool, const char *name,
						    unsigned int size, unsigned int align,
						    unsigned int flags, void (*ctor)(void *),
						    int design, int *err)
{
	struct edumm_slab_state *st = pool->slab;
	struct edumm_kmem_cache *s;
	int ret;

	if (edumm_find_cache(st, name)) {
		*err = -EEXIST;
		return NULL;
	}
	s = edumm_find_mergeable(st, size, align, flags, ctor, design);
	if (s && strlen(s->aliases) + strlen(name) + 2 <= sizeof(s->aliases)) {
		size_t len = strlen(s->aliases);

		if (len)
			s->aliases[len++] = ' ';
		strscpy(s->aliases + len, name, sizeof(s->aliases) - len);
		s->refcount++;
		/* the alias sees at least its own size, as __kmem_cache_alias() */
		s->object_size = max(s->object_size, size);
		return s;
	}

	s = edumm_meta_alloc(sizeof(*s));
	if (!s)
		goto nomem;
	s->stats = edumm_meta_alloc(pool->nr_cpus * sizeof(*s->stats));
	if (!s->stats)
		goto nomem;
	s->pool = pool;
	strscpy(s->name, name, sizeof(s->name));
	s->design = design;
	s->object_size = size;
	s->flags = flags;
	s->ctor = ctor;
	s->refcount = 1;
	s->kmalloc_index = -1;
	s->mt = (flags & EDUMM_SLAB_RECLAIM_ACCOUNT) ? EDUMM_MT_RECLAIMABLE : EDUMM_MT_UNMOVABLE;
	s->alloc_flags = 0;
	s->align = edumm_slab_calculate_alignment(flags, align, size);
	/* kmalloc caches of power-of-two size are naturally aligned */
	if ((flags & EDUMM_SLAB_KMALLOC) && is_power_of_2(size))
		s->align = max(s->align, size);
	ret = edumm_ops(s)->open(s);
	if (ret) {
		edumm_cache_free_struct(s);
		*err = ret;
		return NULL;
	}
	list_add_tail(&s->list, &st->caches);
	return s;

nomem:
	if (s)
		edumm_cache_free_struct(s);
	*err = -ENOMEM;
	return NULL;
}

/*
 * edumm_kmem_cache_create() and _create_unmerged(): check the arguments,
 * then create (or, unless @unmerged, merge) under slab_mutex.
 */
static struct edumm_kmem_cache *edumm_create(struct edumm_pool *pool, const char *name,
					     unsigned int size, unsigned int align,
					     unsigned int flags, void (*ctor)(void *),
					     enum edumm_slab_design design, bool unmerged,
					     int *err)
{
	struct edumm_slab_state *st = pool->slab;
	struct edumm_kmem_cache *s;
	bool nomerge;
	int dummy, ret;

	if (!err)
		err = &dummy;
	if (!st) {
		*err = -ENODEV;
		return NULL;
	}
	ret = edumm_cache_args_ok(name, size, align, flags, design);
	if (ret) {
		*err = ret;
		return NULL;
	}
	edumm_mutex_lock(&st->mutex);
	nomerge = st->nomerge;
	st->nomerge = nomerge || unmerged;
	s = edumm_create_locked(pool, name, size, align, flags, ctor, design, err);
	st->nomerge = nomerge;
	edumm_mutex_unlock(&st->mutex);
	return s;
}

/**
 * edumm_kmem_cache_create() - create a cache, as kmem_cache_create()
 * @pool: the pool (edumm_slab_init() done)
 * @name: 1..31 characters, no space, unique among caches and aliases
 * @size: object size, 1 .. EDUMM_SLAB_MAX_SIZE
 * @align: 0 or a power of two up to EDUMM_SLAB_MAX_ALIGN
 * @flags: EDUMM_SLAB_* (EDUMM_SLAB_FLAGS_MASK)
 * @ctor: constructor run on every object of a new slab, or NULL
 * @design: which allocator serves the cache
 * @err: set on failure: -EINVAL (bad argument; SLOB with debug or RCU
 *	flags), -EEXIST (name taken), -ENOMEM, -E2BIG (no slab layout)
 *
 * A cache compatible with an existing one of the same design may be
 * merged into it (see edumm_slab_state.nomerge): the existing cache is
 * returned with the name added to its aliases.
 *
 * Context: process context; takes slab_mutex; may sleep.
 * Return: the cache, or NULL.
 */
struct edumm_kmem_cache *edumm_kmem_cache_create(struct edumm_pool *pool, const char *name,
						 unsigned int size, unsigned int align,
						 unsigned int flags, void (*ctor)(void *),
						 enum edumm_slab_design design, int *err)
{
	return edumm_create(pool, name, size, align, flags, ctor, design, false, err);
}

/**
 * edumm_kmem_cache_create_unmerged() - create a cache that is never an alias
 * @pool: the pool (edumm_slab_init() done)
 * @name: as edumm_kmem_cache_create()
 * @size: as edumm_kmem_cache_create()
 * @align: as edumm_kmem_cache_create()
 * @flags: as edumm_kmem_cache_create()
 * @ctor: as edumm_kmem_cache_create()
 * @design: as edumm_kmem_cache_create()
 * @err: as edumm_kmem_cache_create()
 *
 * edumm_kmem_cache_create(), except that the cache is always a new one of
 * its own, never merged into an existing cache, as the kernel's
 * SLAB_NO_MERGE (6.5) or a cache with a usersize
 * (kmem_cache_create_usercopy()) in 6.1: for the benchmark
 * (mod/bench_slab.c), whose kernel-side cache is made unmergeable that way.
 *
 * Context: process context; takes slab_mutex; may sleep.
 * Return: the cache, or NULL.
 */
struct edumm_kmem_cache *edumm_kmem_cache_create_unmerged(struct edumm_pool *pool,
							  const char *name, unsigned int size,
							  unsigned int align, unsigned int flags,
							  void (*ctor)(void *),
							  enum edumm_slab_design design, int *err)
{
	return edumm_create(pool, name, size, align, flags, ctor, design, true, err);
}

/* Drop the last alias name of @s. */
static void edumm_drop_alias(struct edumm_kmem_cache *s)
{
	char *sp = strrchr(s->aliases, ' ');

	if (sp)
		*sp = 0;
	else
		s->aliases[0] = 0;
}

static int edumm_destroy_locked(struct edumm_kmem_cache *s, bool force)
{
	const struct edumm_slab_ops *ops = edumm_ops(s);
	unsigned long live;

	if (s->refcount > 1) {
		s->refcount--;
		edumm_drop_alias(s);
		return 0;
	}
	if ((s->flags & EDUMM_SLAB_KMALLOC) && !force)
		return -EPERM;
	ops->shrink(s);
	if (s->flags & EDUMM_SLAB_TYPESAFE_BY_RCU)
		edumm_slab_rcu_flush(s->pool);
	live = ops->live(s, false);
	if (live) {
		edumm_report("BUG %s: Objects remaining (%lu) on kmem_cache_destroy()\n",
			     s->name, live);
		ops->live(s, true);
		if (!force)
			return -EBUSY;
	}
	list_del(&s->list);
	ops->release(s);
	if (s->flags & EDUMM_SLAB_TYPESAFE_BY_RCU)
		edumm_slab_rcu_flush(s->pool);
	edumm_cache_free_struct(s);
	return live ? -EBUSY : 0;
}

/**
 * edumm_kmem_cache_destroy() - destroy a cache, as kmem_cache_destroy()
 * @s: the cache (an alias only drops its reference)
 *
 * Per-CPU caches are flushed and empty slabs returned first; if objects
 * are still allocated the cache stays, and each one is reported
 * ("Objects remaining on kmem_cache_destroy()").  Quarantined objects do
 * not count: their slabs go back with the cache.
 *
 * Context: process context; takes slab_mutex; may sleep.
 * Return: 0, -EBUSY (objects live), -EPERM (a kmalloc cache).
 */
int edumm_kmem_cache_destroy(struct edumm_kmem_cache *s)
{
	struct edumm_slab_state *st;
	int ret;

	if (!s)
		return -EINVAL;
	st = edumm_slab_state(s);
	edumm_mutex_lock(&st->mutex);
	ret = edumm_destroy_locked(s, false);
	edumm_mutex_unlock(&st->mutex);
	return ret;
}

/*** Objects ***/

/**
 * edumm_kmem_cache_alloc() - allocate an object, as kmem_cache_alloc()
 * @s: the cache
 * @gfp: EDUMM_GFP_* (EDUMM_GFP_ZERO, EDUMM_GFP_HIGH)
 * @caller: return address to record (SLAB_STORE_USER)
 *
 * Context: process context; no slab lock held; may sleep (new slabs).
 * Return: the object, or NULL.
 */
void *edumm_kmem_cache_alloc(struct edumm_kmem_cache *s, unsigned int gfp, unsigned long caller)
{
	const struct edumm_slab_ops *ops;
	void *obj;

	if (!s || (gfp & ~EDUMM_GFP_MASK))
		return NULL;
	ops = edumm_ops(s);
	for (;;) {
		struct edumm_slab *slab;

		obj = ops->alloc(s, gfp);
		if (!obj) {
			edumm_slab_count(s, EDUMM_SLAB_ALLOC_FAIL, 1);
			return NULL;
		}
		if (!edumm_slab_debug(s))
			break;
		slab = edumm_virt_to_slab(s->pool, obj);
		if (edumm_slab_debug_alloc(s, slab, obj, caller))
			break;
		/* a corrupted free object: quarantined, take another */
	}
	if (gfp & EDUMM_GFP_ZERO)
		memset(obj, 0, s->object_size);
	return obj;
}

/**
 * edumm_slab_check_obj() - is @obj an object slot start of a slab of @s?
 * @s: the cache
 * @obj: any address (from a user: anything)
 * @report: report a refusal (edumm_slab_report())
 *
 * The checks every free makes, debug flags or not: the page is the slab
 * layer's, its slab belongs to @s, and @obj starts an object slot.  The
 * kernel's non-debug free makes only the first two (cache_from_obj());
 * edumm keeps the slot check because a pointer from user space reaches
 * free through the ioctls.
 *
 * Context: any; takes no lock.
 * Return: the slab of @obj, or NULL (refused).
 */
struct edumm_slab *edumm_slab_check_obj(struct edumm_kmem_cache *s, const void *obj,
					bool report)
{
	struct edumm_slab *slab = edumm_virt_to_slab(s->pool, obj);

	if (s->design == EDUMM_SLAB_DESIGN_SLOB) {
		if (slab && slab->kind == EDUMM_SLAB_KIND_SLOB &&
		    edumm_slob_cache_of(s->pool, slab, obj) == s)
			return slab;
		if (slab && slab->kind == EDUMM_SLAB_KIND_LARGE && slab->cache == s &&
		    obj == slab->addr)
			return slab;
	} else if (slab && slab->kind == EDUMM_SLAB_KIND_SLAB && slab->cache == s) {
		if (edumm_slab_obj_index(s, slab, obj) >= 0)
			return slab;
		if (report)
			edumm_slab_report(s, obj,
					  "Invalid object pointer (misaligned) in slab pfn %#lx",
					  edumm_slab_pfn(s->pool, slab));
		return NULL;
	}
	if (report)
		edumm_slab_report(s, obj, "Object not in this cache (%s)",
				  !slab ? "not a slab page" :
				  slab->cache ? slab->cache->name : "another kind of page");
	return NULL;
}

/**
 * edumm_kmem_cache_free() - free an object, as kmem_cache_free()
 * @s: the cache
 * @obj: an object of @s
 * @caller: return address to record
 *
 * A pointer outside the cache, misaligned, already free, or whose red
 * zone was overwritten is refused with one report: the object (if it is
 * one) is quarantined and nothing else is touched.  Without debug flags
 * a double free is caught only when it is naive (SLUB: the object is the
 * head of the chain it goes back to, as CONFIG_SLAB_FREELIST_HARDENED's
 * check; SLOB: always, by its object map).
 *
 * Context: process context; no slab lock held.
 * Return: 0, or -EINVAL when refused.
 */
int edumm_kmem_cache_free(struct edumm_kmem_cache *s, void *obj, unsigned long caller)
{
	struct edumm_slab *slab;

	if (!s || !obj)
		return -EINVAL;
	slab = edumm_slab_check_obj(s, obj, true);
	if (!slab)
		return -EINVAL;
	return edumm_kmem_cache_free_checked(s, slab, obj, caller);
}

/**
 * edumm_kmem_cache_free_checked() - edumm_kmem_cache_free() after the lookup
 * @s: the cache
 * @slab: what edumm_slab_check_obj(@s, @obj) returned (not NULL)
 * @obj: the object
 * @caller: return address to record
 *
 * For kfree(), which has found and checked the slab of @obj already: the
 * debug checks (debug caches) and the design's free.
 *
 * Context: process context; no slab lock held.
 * Return: 0, or -EINVAL when refused.
 */
int edumm_kmem_cache_free_checked(struct edumm_kmem_cache *s, struct edumm_slab *slab, void *obj,
				  unsigned long caller)
{
	if (edumm_slab_debug(s)) {
		int ret = edumm_slab_debug_free(s, slab, obj, caller);

		if (ret)
			return ret;
	}
	return edumm_ops(s)->free(s, slab, obj);
}

/**
 * edumm_kmem_cache_alloc_bulk() - allocate @nr objects, as kmem_cache_alloc_bulk()
 * @s: the cache
 * @gfp: EDUMM_GFP_*
 * @nr: 1 .. EDUMM_SLAB_BULK_MAX
 * @p: filled with the objects
 * @caller: return address to record
 *
 * All or nothing: on failure the objects already taken are freed.  SLUB
 * and SLAB take the whole batch under one hold of the CPU's lock, going to
 * their slow path (and dropping the lock only to grow) when the per-CPU
 * objects run out, as 6.1's kmem_cache_alloc_bulk() of both; caches with
 * debug flags, and SLOB, take the objects one by one, every debug check
 * included (the kernel's SLUB does the same for SLUB_DEBUG caches).
 *
 * Context: process context; may sleep.
 * Return: @nr, or 0.
 */
int edumm_kmem_cache_alloc_bulk(struct edumm_kmem_cache *s, unsigned int gfp, size_t nr,
				void **p, unsigned long caller)
{
	const struct edumm_slab_ops *ops;
	size_t i;

	if (!s || !p || !nr || nr > EDUMM_SLAB_BULK_MAX || (gfp & ~EDUMM_GFP_MASK))
		return 0;
	ops = edumm_ops(s);
	if (ops->alloc_bulk && !edumm_slab_debug(s)) {
		i = ops->alloc_bulk(s, gfp, nr, p);
		if (i < nr) {
			edumm_slab_count(s, EDUMM_SLAB_ALLOC_FAIL, 1);
			edumm_kmem_cache_free_bulk(s, i, p, caller);
			return 0;
		}
		if (gfp & EDUMM_GFP_ZERO)
			for (i = 0; i < nr; i++)
				memset(p[i], 0, s->object_size);
		return (int)nr;
	}
	for (i = 0; i < nr; i++) {
		p[i] = edumm_kmem_cache_alloc(s, gfp, caller);
		if (!p[i]) {
			edumm_kmem_cache_free_bulk(s, i, p, caller);
			return 0;
		}
	}
	return (int)nr;
}

/**
 * edumm_kmem_cache_free_bulk() - free @nr objects, as kmem_cache_free_bulk()
 * @s: the cache
 * @nr: objects in @p
 * @p: the objects (NULL entries are skipped; @p is not changed)
 * @caller: return address to record
 *
 * Every object is checked as edumm_kmem_cache_free() checks it, and one
 * that is refused is reported and skipped, the others freed.  SLUB frees
 * the objects of one slab as one chain (build_detached_freelist()), SLAB
 * pushes the batch onto the array_cache under one hold; debug caches and
 * SLOB free one by one.
 *
 * Context: process context.
 */
void edumm_kmem_cache_free_bulk(struct edumm_kmem_cache *s, size_t nr, void **p,
				unsigned long caller)
{
	const struct edumm_slab_ops *ops;
	size_t i;

	if (!s || !p || !nr)
		return;
	ops = edumm_ops(s);
	if (ops->free_bulk && !edumm_slab_debug(s) && nr <= EDUMM_SLAB_BULK_MAX) {
		ops->free_bulk(s, nr, p);
		return;
	}
	for (i = 0; i < nr; i++)
		if (p[i])
			edumm_kmem_cache_free(s, p[i], caller);
}

/**
 * edumm_kmem_cache_shrink() - return empty slabs, as kmem_cache_shrink()
 * @s: the cache
 *
 * Context: process context; takes slab_mutex; may sleep.
 * Return: pages given back to the buddy (RCU caches: after a grace period).
 */
unsigned long edumm_kmem_cache_shrink(struct edumm_kmem_cache *s)
{
	struct edumm_slab_state *st;
	unsigned long pages;

	if (!s)
		return 0;
	st = edumm_slab_state(s);
	edumm_mutex_lock(&st->mutex);
	pages = edumm_ops(s)->shrink(s);
	if (s->flags & EDUMM_SLAB_TYPESAFE_BY_RCU)
		edumm_slab_rcu_flush(s->pool);
	edumm_mutex_unlock(&st->mutex);
	return pages;
}

/**
 * edumm_kmem_cache_object_size() - the size a user of the cache may use
 * @s: the cache
 *
 * Context: any.
 * Return: object_size.
 */
size_t edumm_kmem_cache_object_size(const struct edumm_kmem_cache *s)
{
	return s->object_size;
}

/**
 * edumm_kmem_cache_owns() - is @obj an allocated object of @s?
 * @s: the cache
 * @obj: any address
 *
 * Exact for debug caches and SLOB (their per-object state); for the
 * others, true for any object slot of a slab of @s.
 *
 * Context: any; takes no lock.
 * Return: true if @obj is (the start of) an object of @s.
 */
bool edumm_kmem_cache_owns(struct edumm_kmem_cache *s, const void *obj)
{
	struct edumm_slab *slab;
	int idx;

	if (!s || !obj)
		return false;
	slab = edumm_slab_check_obj(s, obj, false);
	if (!slab)
		return false;
	if (slab->kind != EDUMM_SLAB_KIND_SLAB || !slab->obj_state)
		return true;
	idx = edumm_slab_obj_index(s, slab, obj);
	return READ_ONCE(slab->obj_state[idx]) == EDUMM_OBJ_ALLOCATED;
}

/**
 * edumm_kmem_cache_info() - counters and geometry of a cache
 * @s: the cache
 * @info: filled in
 *
 * Context: any; reads without locks (a close view under load).
 */
void edumm_kmem_cache_info(struct edumm_kmem_cache *s, struct edumm_cache_info *info)
{
	unsigned int cpu, i;

	memset(info, 0, sizeof(*info));
	strscpy(info->name, s->name, sizeof(info->name));
	info->design = s->design;
	info->object_size = s->object_size;
	info->size = s->size;
	info->align = s->align;
	info->objs_per_slab = s->objects;
	info->order = s->order;
	info->flags = s->flags & EDUMM_SLAB_FLAGS_MASK;
	info->ctor = !!s->ctor;
	info->refcount = s->refcount;
	for (cpu = 0; cpu < s->pool->nr_cpus; cpu++)
		for (i = 0; i < NR_EDUMM_SLAB_STATS; i++)
			info->stat[i] += READ_ONCE(s->stats[cpu].v[i]);
	info->errors = info->stat[EDUMM_SLAB_DEBUG_ERROR];
	edumm_ops(s)->info(s, info);
}

/*** Walks ***/

/**
 * edumm_slab_visit() - @fn on every published slab of @s
 * @s: the cache
 * @fn: the callback
 * @data: passed to @fn
 *
 * Context: the world stopped (edumm_stop_machine()).
 */
void edumm_slab_visit(struct edumm_kmem_cache *s,
		      void (*fn)(struct edumm_kmem_cache *s, struct edumm_slab *slab, void *data),
		      void *data)
{
	const struct edumm_slab_ops *ops = edumm_ops(s);

	if (ops->visit)
		ops->visit(s, fn, data);
}

/**
 * edumm_slab_violation() - print one validation error and count it
 * @nr: the count
 * @out: where to print (NULL: count only)
 * @fmt: message
 *
 * Context: any.
 */
void edumm_slab_violation(unsigned long *nr, struct edumm_out *out, const char *fmt, ...)
{
	va_list args;

	if (out && *nr < 64) {
		va_start(args, fmt);
		out->vprintf(out, fmt, args);
		va_end(args);
	}
	(*nr)++;
}

struct edumm_validate_arg {
	struct edumm_pool *pool;
	struct edumm_kmem_cache *s;	/* NULL: every cache */
	struct edumm_out *out;
	unsigned long errors;
};

/* Twin entries agree with the buddy: slab-layer pages are allocated ones. */
static void edumm_check_twins(struct edumm_validate_arg *va)
{
	struct edumm_pool *pool = va->pool;
	struct edumm_slab *slabs = pool->slab->slabs;
	unsigned long i;

	for (i = 0; i < pool->nr_pages; i++) {
		struct edumm_slab *slab = &slabs[i];
		unsigned int j;

		if (slab->kind == EDUMM_SLAB_KIND_NONE || slab->kind == EDUMM_SLAB_KIND_TAIL)
			continue;
		if (pool->pages[i].flags != EDUMM_PG_HEAD || pool->pages[i].order != slab->order)
			edumm_slab_violation(&va->errors, va->out,
					     "slab: page %lu kind %u is not an allocated order-%u block\n",
					     i, slab->kind, slab->order);
		for (j = 1; j < (1U << slab->order) && i + j < pool->nr_pages; j++)
			if (slabs[i + j].kind != EDUMM_SLAB_KIND_TAIL || slabs[i + j].head != j)
				edumm_slab_violation(&va->errors, va->out,
						     "slab: page %lu: tail %u of a slab is wrong\n",
						     i, j);
	}
}

static int edumm_validate_frozen(void *data)
{
	struct edumm_validate_arg *va = data;
	struct edumm_kmem_cache *s;

	if (va->s) {
		va->errors += edumm_ops(va->s)->walk(va->s, va->out);
		if (va->s->design == EDUMM_SLAB_DESIGN_SLOB)
			va->errors += edumm_slob_check_pages(va->pool, va->out);
		return 0;
	}
	edumm_check_twins(va);
	va->errors += edumm_slob_check_pages(va->pool, va->out);
	list_for_each_entry(s, &va->pool->slab->caches, list)
		va->errors += edumm_ops(s)->walk(s, va->out);
	return 0;
}

/**
 * edumm_kmem_cache_validate() - check a cache's lists, counters and objects
 * @s: the cache
 * @out: one line per error (NULL: count only)
 *
 * Runs with the machine stopped (edumm_stop_machine()), like
 * edumm_pool_check(): every list is at rest.  Debug caches also have every
 * free object's poison and every red zone checked.
 *
 * Context: process context; takes slab_mutex; may sleep.
 * Return: the number of errors.
 */
unsigned long edumm_kmem_cache_validate(struct edumm_kmem_cache *s, struct edumm_out *out)
{
	struct edumm_validate_arg va = { .pool = s->pool, .s = s, .out = out };
	struct edumm_slab_state *st = edumm_slab_state(s);

	edumm_mutex_lock(&st->mutex);
	edumm_stop_machine(edumm_validate_frozen, &va);
	edumm_mutex_unlock(&st->mutex);
	return va.errors;
}

/**
 * edumm_slab_validate_all() - validate every cache and the twin array
 * @pool: the pool
 * @out: one line per error (NULL: count only)
 *
 * Context: process context; takes slab_mutex; may sleep.
 * Return: the number of errors (0 without a slab layer).
 */
unsigned long edumm_slab_validate_all(struct edumm_pool *pool, struct edumm_out *out)
{
	struct edumm_validate_arg va = { .pool = pool, .out = out };
	struct edumm_slab_state *st = pool->slab;

	if (!st)
		return 0;
	edumm_mutex_lock(&st->mutex);
	edumm_stop_machine(edumm_validate_frozen, &va);
	edumm_mutex_unlock(&st->mutex);
	return va.errors;
}

/**
 * edumm_slab_check_frozen() - the slab part of edumm_pool_check()
 * @pool: the pool
 * @out: one line per error (NULL: count only)
 *
 * Context: inside edumm_stop_machine(), with slab_mutex held by the caller.
 * Return: the number of errors.
 */
unsigned long edumm_slab_check_frozen(struct edumm_pool *pool, struct edumm_out *out)
{
	struct edumm_validate_arg va = { .pool = pool, .out = out };

	if (!pool->slab)
		return 0;
	edumm_validate_frozen(&va);
	return va.errors;
}

/**
 * edumm_slab_walk_caches() - call @fn on every cache, under slab_mutex
 * @pool: the pool
 * @fn: the callback; a non-zero return stops the walk
 * @data: passed to @fn
 *
 * Context: process context; may sleep; @fn must not create or destroy caches.
 * Return: the first non-zero return of @fn, or 0.
 */
int edumm_slab_walk_caches(struct edumm_pool *pool,
			   int (*fn)(struct edumm_kmem_cache *s, void *data), void *data)
{
	struct edumm_slab_state *st = pool->slab;
	struct edumm_kmem_cache *s;
	int ret = 0;

	if (!st)
		return 0;
	edumm_mutex_lock(&st->mutex);
	list_for_each_entry(s, &st->caches, list) {
		ret = fn(s, data);
		if (ret)
			break;
	}
	edumm_mutex_unlock(&st->mutex);
	return ret;
}

/**
 * edumm_slab_drain_all() - flush every per-CPU cache and free empty slabs
 * @pool: the pool
 *
 * Context: process context; takes slab_mutex; may sleep.
 */
void edumm_slab_drain_all(struct edumm_pool *pool)
{
	struct edumm_slab_state *st = pool->slab;
	struct edumm_kmem_cache *s;

	if (!st)
		return;
	edumm_mutex_lock(&st->mutex);
	list_for_each_entry(s, &st->caches, list)
		edumm_ops(s)->shrink(s);
	edumm_slab_rcu_flush(pool);
	edumm_mutex_unlock(&st->mutex);
}

/**
 * edumm_slab_create_kmalloc() - create a kmalloc-* cache (never merged)
 * @pool: the pool
 * @name: its name
 * @size: class size
 * @flags: EDUMM_SLAB_KMALLOC and the class set's flags
 * @design: the kmalloc design
 * @err: set on failure
 *
 * Context: process context; takes slab_mutex.
 * Return: the cache, or NULL.
 */
struct edumm_kmem_cache *edumm_slab_create_kmalloc(struct edumm_pool *pool, const char *name,
						   unsigned int size, unsigned int flags,
						   int design, int *err)
{
	struct edumm_slab_state *st = pool->slab;
	struct edumm_kmem_cache *s;
	bool nomerge = st->nomerge;

	edumm_mutex_lock(&st->mutex);
	st->nomerge = true;
	s = edumm_create_locked(pool, name, size, 0, flags, NULL, design, err);
	st->nomerge = nomerge;
	edumm_mutex_unlock(&st->mutex);
	return s;
}

/*** Start and stop ***/

/**
 * edumm_slab_init() - start the slab layer of a pool and its kmalloc caches
 * @pool: an initialised pool
 * @kmalloc_design: design of the kmalloc-* caches
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL (bad design, already started) or -ENOMEM.
 */
int edumm_slab_init(struct edumm_pool *pool, enum edumm_slab_design kmalloc_design)
{
	struct edumm_slab_state *st;
	unsigned int i;
	int ret;

	if (pool->slab || kmalloc_design < EDUMM_SLAB_DESIGN_SLUB ||
	    kmalloc_design > EDUMM_SLAB_DESIGN_SLOB)
		return -EINVAL;
	st = edumm_meta_alloc(sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->slabs = edumm_meta_alloc(pool->nr_pages * sizeof(*st->slabs));
	st->large = edumm_meta_alloc(pool->nr_cpus * sizeof(*st->large));
	if (!st->slabs || !st->large) {
		edumm_meta_free(st->slabs);
		edumm_meta_free(st->large);
		edumm_meta_free(st);
		return -ENOMEM;
	}
	st->pool = pool;
	edumm_mutex_init(&st->mutex);
	INIT_LIST_HEAD(&st->caches);
	st->kmalloc_design = kmalloc_design;
	/* guards the SLOB page lists and every SLOB page */
	edumm_lock_init(&st->slob_lock);
	for (i = 0; i < ARRAY_SIZE(st->slob_list); i++)
		INIT_LIST_HEAD(&st->slob_list[i]);
	/* held while twin entries are written */
	edumm_lock_init(&st->map_lock);
	/* guards rcu_wait */
	edumm_lock_init(&st->rcu_lock);
	INIT_LIST_HEAD(&st->rcu_wait);
	st->freelist_hardened = true;
	pool->slab = st;

	ret = edumm_kmalloc_init(pool);
	if (ret) {
		edumm_slab_exit(pool);
		return ret;
	}
	return 0;
}

/**
 * edumm_slab_exit() - destroy every cache and stop the slab layer
 * @pool: the pool
 *
 * Caches with live objects are reported and destroyed anyway, their
 * slabs given back to the buddy.
 *
 * Context: process context; may sleep.
 */
void edumm_slab_exit(struct edumm_pool *pool)
{
	struct edumm_slab_state *st = pool->slab;
	struct edumm_kmem_cache *s;
	unsigned long i, live;

	if (!st)
		return;
	edumm_mutex_lock(&st->mutex);
	while (!list_empty(&st->caches)) {
		s = list_last_entry(&st->caches, struct edumm_kmem_cache, list);
		s->refcount = 1;
		edumm_destroy_locked(s, true);
	}
	edumm_rcu_barrier();
	edumm_slab_rcu_reclaim(pool);
	/* kmalloc_large() blocks nobody freed (calls - frees of the counters) */
	for (i = 0, live = 0; i < pool->nr_cpus; i++)
		live += st->large[i].v[EDUMM_SLAB_KMALLOC_CALLS] -
			st->large[i].v[EDUMM_SLAB_SLAB_FREE];
	for (i = 0; live && i < pool->nr_pages; i++) {
		struct edumm_slab *slab = &st->slabs[i];

		if (slab->kind != EDUMM_SLAB_KIND_LARGE || slab->cache)
			continue;
		edumm_report("BUG kmalloc-large: %lu bytes at pfn %#lx never freed\n",
			     (unsigned long)slab->pending, edumm_slab_pfn(pool, slab));
		edumm_slab_free_pages(pool, slab);
	}
	edumm_mutex_unlock(&st->mutex);
	edumm_mutex_destroy(&st->mutex);
	pool->slab = NULL;
	edumm_meta_free(st->large);
	edumm_meta_free(st->slabs);
	edumm_meta_free(st);
}

/*** Text ***/

/**
 * edumm_show_slabinfo() - every cache in /proc/slabinfo format (version 2.1)
 * @pool: the pool
 * @out: where the text goes
 *
 * The header and columns of mm/slab_common.c; aliases are not listed
 * (as the kernel lists only the cache they merged into).  SLOB caches,
 * which the kernel never listed, show their live objects, objsize and
 * 0 objperslab.
 *
 * Context: process context; takes slab_mutex.
 */
void edumm_show_slabinfo(struct edumm_pool *pool, struct edumm_out *out)
{
	struct edumm_slab_state *st = pool->slab;
	struct edumm_kmem_cache *s;

	edumm_printf(out, "slabinfo - version: 2.1\n");
	edumm_printf(out, "# name            <active_objs> <num_objs> <objsize> ");
	edumm_printf(out, "<objperslab> <pagesperslab>");
	edumm_printf(out, " : tunables <limit> <batchcount> <sharedfactor>");
	edumm_printf(out, " : slabdata <active_slabs> <num_slabs> <sharedavail>");
	edumm_printf(out, "\n");
	if (!st)
		return;
	edumm_mutex_lock(&st->mutex);
	list_for_each_entry(s, &st->caches, list) {
		struct edumm_cache_info info;

		edumm_kmem_cache_info(s, &info);
		edumm_printf(out, "%-17s %6lu %6lu %6u %4u %4d", info.name, info.active_objs,
			     info.num_objs, info.size, info.objs_per_slab, 1 << info.order);
		edumm_printf(out, " : tunables %4u %4u %4u", info.limit, info.batchcount,
			     info.sharedfactor);
		edumm_printf(out, " : slabdata %6lu %6lu %6lu", info.active_slabs, info.num_slabs,
			     info.shared_avail);
		edumm_printf(out, "\n");
	}
	edumm_mutex_unlock(&st->mutex);
}

/**
 * edumm_show_slab_stats() - every cache's counters, one line per cache
 * @pool: the pool
 * @out: where the text goes
 *
 * "<name> <design> <counter>=<value> ..." with the names of
 * edumm_slab_stat_names[], then "errors=".
 *
 * Context: process context; takes slab_mutex.
 */
void edumm_show_slab_stats(struct edumm_pool *pool, struct edumm_out *out)
{
	struct edumm_slab_state *st = pool->slab;
	struct edumm_kmem_cache *s;
	unsigned int i;

	if (!st)
		return;
	edumm_mutex_lock(&st->mutex);
	list_for_each_entry(s, &st->caches, list) {
		struct edumm_cache_info info;

		edumm_kmem_cache_info(s, &info);
		edumm_printf(out, "%s %s", info.name, edumm_slab_design_names[info.design]);
		for (i = 0; i < NR_EDUMM_SLAB_STATS; i++)
			edumm_printf(out, " %s=%lu", edumm_slab_stat_names[i], info.stat[i]);
		edumm_printf(out, " errors=%lu\n", info.errors);
	}
	edumm_mutex_unlock(&st->mutex);
}
