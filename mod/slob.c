// SPDX-License-Identifier: GPL-2.0
/*
 * slob.c - the SLOB design of the edumm slab layer, after mm/slob.c (6.1;
 * Linux removed SLOB in 6.4).
 *
 * SLOB ("simple list of blocks", Matt Mackall, 2006) is a classic K&R
 * heap for small machines: every SLOB cache shares the same pages, each
 * page is carved first-fit into blocks of 2-byte units, and the free
 * blocks of a page form a singly linked list stored in the free memory
 * itself.  Pages with free space sit on one of three lists by the size of
 * the requests that last used them (free_slob_small: < 256 bytes,
 * free_slob_medium: < 1024, free_slob_large: the rest below a page).
 * Objects of a page or more come straight from the buddy.  There are no
 * per-CPU caches, no slabs of fixed geometry, hence no objperslab.
 *
 * Locking: slab_state->slob_lock (the kernel's slob_lock) guards the three
 * lists and every field and free block of every SLOB page, and each SLOB
 * cache's slob_live.  It nests inside nothing of the slab layer; the buddy
 * is called with it released.
 *
 * Free block encoding (struct slob_block is a signed 16-bit unit count):
 *
 *   a free block of 1 unit:   [ -offset of next free block ]
 *   a free block of n units:  [ n ][ offset of next ] ...
 *   offsets count units from the start of the page; the last block's next
 *   is the end of the page (offset 2048), which slob_last() recognises.
 *
 *   page: [obj A 24B][free 5 units][obj B 64B][free 1970 units.........]
 *          ^ slob_map[0] = tag(A)             ^ freelist chain -> end
 *
 * edumm adds one byte per unit (slob_map, outside the page) naming the
 * cache whose object starts there: kmem_cache_free() and kfree() refuse a
 * pointer that is not an object start of that cache (the kernel's SLOB
 * trusted the caller and would corrupt the heap on a double free), and
 * kfree() finds an object's kmalloc class without the kernel's size
 * header.
 *
 * Worked example: a 24-byte cache, first alloc: no page on
 * free_slob_small; a new page gets one free block of 2048 units;
 * slob_page_alloc() takes 12 units at offset 0 (24 bytes, 8-aligned),
 * leaving a block of 2036 units at unit 12.  A 100-byte alloc of
 * another cache lands in the same page at unit 12 (first fit).  Freeing
 * the first object puts a 12-unit block before the big one; the page
 * goes back to the buddy when its free units reach 2048 again.
 *
 * Differences from mm/slob.c: no SLAB_TYPESAFE_BY_RCU (the kernel queued
 * each object to RCU with a footer; edumm refuses the flag), no debug
 * flags (the kernel's SLOB had none), kmalloc uses edumm's kmalloc-N
 * caches (SLOB caches here) instead of a size header, so that the class
 * table of Documentation/kmalloc.rst holds for every design; caches with
 * SLAB_CACHE_DMA (dma-kmalloc-*) have their own three page lists of pages
 * of the lowest zone, where the kernel's SLOB reused any page.
 */
#include "slab_internal.h"

/* the kernel's slob_t (a slobidx_t, s16 on 4 KiB pages), minus the typedef */
struct slob_block {
	s16 units;
};

#define SLOB_UNIT		sizeof(struct slob_block)
#define SLOB_UNITS(size)	DIV_ROUND_UP(size, SLOB_UNIT)
#define SLOB_PAGE_UNITS		((s16)SLOB_UNITS(EDUMM_PAGE_SIZE))
#define SLOB_BREAK1		256
#define SLOB_BREAK2		1024
#define EDUMM_PAGE_MASK		(~(EDUMM_PAGE_SIZE - 1))

/* set_slob(): encode the size and the next block into a free block. */
static void set_slob(struct slob_block *s, s16 size, struct slob_block *next)
{
	struct slob_block *base = (struct slob_block *)((unsigned long)s & EDUMM_PAGE_MASK);
	s16 offset = next - base;

	if (size > 1) {
		s[0].units = size;
		s[1].units = offset;
	} else {
		s[0].units = -offset;
	}
}

static s16 slob_units(struct slob_block *s)
{
	if (s->units > 0)
		return s->units;
	return 1;
}

static struct slob_block *slob_next(struct slob_block *s)
{
	struct slob_block *base = (struct slob_block *)((unsigned long)s & EDUMM_PAGE_MASK);
	s16 next;

	if (s[0].units < 0)
		next = -s[0].units;
	else
		next = s[1].units;
	return base + next;
}

static int slob_last(struct slob_block *s)
{
	return !((unsigned long)slob_next(s) & ~EDUMM_PAGE_MASK);
}

/*
 * The list of pages for @size; SLAB_CACHE_DMA caches have their own three
 * (the kernel's SLOB ignored GFP_DMA on pages it already had).
 */
static struct list_head *edumm_slob_list(struct edumm_slab_state *st, size_t size, bool dma)
{
	struct list_head *lists = &st->slob_list[dma ? 3 : 0];

	if (size < SLOB_BREAK1)
		return &lists[0];
	if (size < SLOB_BREAK2)
		return &lists[1];
	return &lists[2];
}

static void set_slob_page_free(struct edumm_slab *sp, struct list_head *list)
{
	list_add(&sp->slab_list, list);
	sp->list = EDUMM_SLAB_LIST_SLOB;
}

static void clear_slob_page_free(struct edumm_slab *sp)
{
	list_del_init(&sp->slab_list);
	sp->list = EDUMM_SLAB_LIST_NONE;
}

/* The unit of @p in its page (slob_map index). */
static unsigned int edumm_slob_unit(const struct edumm_slab *sp, const void *p)
{
	return (unsigned int)(((const char *)p - (const char *)sp->addr) / SLOB_UNIT);
}

/* slob_page_alloc(): first fit within one page; slob_lock held. */
static void *slob_page_alloc(struct edumm_slab *sp, size_t size, int align,
			     int align_offset, bool *page_removed_from_list)
{
	struct slob_block *prev, *cur, *aligned = NULL;
	int delta = 0, units = SLOB_UNITS(size);

	*page_removed_from_list = false;
	for (prev = NULL, cur = sp->freelist; ; prev = cur, cur = slob_next(cur)) {
		s16 avail = slob_units(cur);

		/*
		 * 'aligned' will hold the address of the slob block so that the
		 * address 'aligned'+'align_offset' is aligned according to the
		 * 'align' parameter.
		 */
		if (align) {
			aligned = (struct slob_block *)(ALIGN((unsigned long)cur + align_offset,
						   (unsigned long)align) - align_offset);
			delta = aligned - cur;
		}
		if (avail >= units + delta) { /* room enough? */
			struct slob_block *next;

			if (delta) { /* need to fragment head to align? */
				next = slob_next(cur);
				set_slob(aligned, avail - delta, next);
				set_slob(cur, delta, aligned);
				prev = cur;
				cur = aligned;
				avail = slob_units(cur);
			}

			next = slob_next(cur);
			if (avail == units) { /* exact fit? unlink. */
				if (prev)
					set_slob(prev, slob_units(prev), next);
				else
					sp->freelist = next;
			} else { /* fragment */
				if (prev)
					set_slob(prev, slob_units(prev), cur + units);
				else
					sp->freelist = cur + units;
				set_slob(cur + units, avail - units, next);
			}

			sp->objects -= units;
			if (!sp->objects) {
				clear_slob_page_free(sp);
				*page_removed_from_list = true;
			}
			return cur;
		}
		if (slob_last(cur))
			return NULL;
	}
}

/* Account an object of @s starting at @b of page @sp; slob_lock held. */
static void edumm_slob_mark(struct edumm_kmem_cache *s, struct edumm_slab *sp, void *b)
{
	WRITE_ONCE(sp->slob_map[edumm_slob_unit(sp, b)], s->slob_tag);
	sp->inuse++;
	s->slob_live++;
}

/* slob_alloc(): size < PAGE_SIZE */
static void *edumm_slob_alloc_small(struct edumm_kmem_cache *s, unsigned int gfp)
{
	struct edumm_slab_state *st = edumm_slab_state(s);
	bool dma = s->flags & EDUMM_SLAB_CACHE_DMA;
	struct list_head *slob_list = edumm_slob_list(st, s->size, dma);
	struct edumm_slab *sp;
	bool unused;
	struct slob_block *b = NULL;

	edumm_lock(&st->slob_lock);
	list_for_each_entry(sp, slob_list, slab_list) {
		bool page_removed_from_list = false;

		/* Enough room on this page? */
		if (sp->objects < SLOB_UNITS(s->size))
			continue;
		b = slob_page_alloc(sp, s->size, s->align, 0, &page_removed_from_list);
		if (!b)
			continue;
		/*
		 * Improve fragment distribution and reduce our average search
		 * time by starting our next search here (see Knuth vol 1, sec
		 * 2.5, pg 449).
		 */
		if (!page_removed_from_list && !list_is_first(&sp->slab_list, slob_list))
			list_rotate_to_front(&sp->slab_list, slob_list);
		break;
	}
	if (b) {
		edumm_slob_mark(s, sp, b);
		edumm_unlock(&st->slob_lock);
		edumm_slab_count(s, EDUMM_SLAB_ALLOC_SLOWPATH, 1);
		return b;
	}
	edumm_unlock(&st->slob_lock);

	/* Not enough space: must allocate a new page */
	sp = edumm_slab_new(s, gfp, 0, EDUMM_SLAB_KIND_SLOB);
	if (!sp)
		return NULL;
	edumm_slab_count(s, EDUMM_SLAB_ALLOC_NEW_SLAB, 1);
	b = sp->addr;
	edumm_lock(&st->slob_lock);
	sp->dma = dma;
	sp->objects = SLOB_PAGE_UNITS;
	sp->freelist = b;
	set_slob(b, SLOB_PAGE_UNITS, b + SLOB_PAGE_UNITS);
	set_slob_page_free(sp, slob_list);
	b = slob_page_alloc(sp, s->size, s->align, 0, &unused);
	edumm_slob_mark(s, sp, b);
	edumm_unlock(&st->slob_lock);
	edumm_slab_count(s, EDUMM_SLAB_ALLOC_SLOWPATH, 1);
	return b;
}

static void *edumm_slob_alloc(struct edumm_kmem_cache *s, unsigned int gfp)
{
	struct edumm_slab_state *st = edumm_slab_state(s);
	void *b;

	if (s->size < EDUMM_PAGE_SIZE) {
		b = edumm_slob_alloc_small(s, gfp);
	} else {
		/* slob_new_pages(): straight from the buddy */
		struct edumm_slab *sp = edumm_slab_new(s, gfp, s->order, EDUMM_SLAB_KIND_LARGE);

		if (!sp)
			return NULL;
		sp->pending = s->size;
		b = sp->addr;
		edumm_lock(&st->slob_lock);
		s->slob_live++;
		edumm_unlock(&st->slob_lock);
		edumm_slab_count(s, EDUMM_SLAB_ALLOC_NEW_SLAB, 1);
	}
	/* SLOB runs the constructor on every allocation */
	if (b && s->ctor)
		s->ctor(b);
	return b;
}

/*
 * slob_free() with slob_lock held; *empty is set to a page to give back.
 * Returns false if @block is not (any more) an object of @s.
 */
static bool edumm_slob_free_locked(struct edumm_kmem_cache *s, struct edumm_slab *sp,
				   void *block, struct edumm_slab **empty)
{
	struct edumm_slab_state *st = edumm_slab_state(s);
	struct slob_block *prev, *next, *b = (struct slob_block *)block;
	s16 units = SLOB_UNITS(s->size);
	unsigned int unit = edumm_slob_unit(sp, block);

	*empty = NULL;
	if (sp->slob_map[unit] != s->slob_tag) {
		/* raced with another free of the same object */
		return false;
	}
	WRITE_ONCE(sp->slob_map[unit], 0);
	sp->inuse--;
	s->slob_live--;

	if (sp->objects + units == SLOB_PAGE_UNITS) {
		/* Go directly to page allocator. Do not pass slob allocator */
		if (sp->list == EDUMM_SLAB_LIST_SLOB)
			clear_slob_page_free(sp);
		sp->objects = 0;
		sp->freelist = NULL;	/* on its way out: the checker skips it */
		*empty = sp;
		return true;
	}

	if (sp->list != EDUMM_SLAB_LIST_SLOB) {
		/* This slob page is about to become partially free. Easy! */
		sp->objects = units;
		sp->freelist = b;
		set_slob(b, units,
			 (void *)((unsigned long)(b + SLOB_PAGE_UNITS) & EDUMM_PAGE_MASK));
		set_slob_page_free(sp, edumm_slob_list(st, s->size, sp->dma));
		return true;
	}

	/*
	 * Otherwise the page is already partially free, so find reinsertion
	 * point.
	 */
	sp->objects += units;

	if (b < (struct slob_block *)sp->freelist) {
		if (b + units == sp->freelist) {
			units += slob_units(sp->freelist);
			sp->freelist = slob_next(sp->freelist);
		}
		set_slob(b, units, sp->freelist);
		sp->freelist = b;
	} else {
		prev = sp->freelist;
		next = slob_next(prev);
		while (b > next) {
			prev = next;
			next = slob_next(prev);
		}

		if (!slob_last(prev) && b + units == next) {
			units += slob_units(next);
			set_slob(b, units, slob_next(next));
		} else {
			set_slob(b, units, next);
		}

		if (prev + slob_units(prev) == b) {
			units = slob_units(b) + slob_units(prev);
			set_slob(prev, units, slob_next(b));
		} else {
			set_slob(prev, slob_units(prev), b);
		}
	}
	return true;
}

static int edumm_slob_free(struct edumm_kmem_cache *s, struct edumm_slab *sp, void *obj)
{
	struct edumm_slab_state *st = edumm_slab_state(s);
	struct edumm_slab *empty = NULL;
	bool ok = true;

	edumm_slab_count(s, EDUMM_SLAB_FREE_SLOWPATH, 1);
	edumm_lock(&st->slob_lock);
	if (sp->kind == EDUMM_SLAB_KIND_LARGE) {
		/* claim the block: a racing second free finds no cache */
		ok = sp->cache == s;
		if (ok) {
			sp->cache = NULL;
			s->slob_live--;
			empty = sp;
		}
	} else {
		ok = edumm_slob_free_locked(s, sp, obj, &empty);
	}
	edumm_unlock(&st->slob_lock);
	if (!ok) {
		edumm_slab_report(s, obj, "Object already free");
		return -EINVAL;
	}
	if (empty)
		edumm_slab_discard(s, empty);
	return 0;
}

/**
 * edumm_slob_cache_of() - the SLOB cache whose object starts at @obj
 * @pool: the pool
 * @sp: the SLOB page of @obj
 * @obj: an address in @sp
 *
 * Context: any; takes no lock (a racing free is caught again under
 * slob_lock).
 * Return: the cache, or NULL if no object starts at @obj.
 */
struct edumm_kmem_cache *edumm_slob_cache_of(struct edumm_pool *pool, struct edumm_slab *sp,
					     const void *obj)
{
	unsigned long off = (const char *)obj - (const char *)sp->addr;
	u8 tag;

	if (off % SLOB_UNIT || off >= EDUMM_PAGE_SIZE || !sp->slob_map)
		return NULL;
	tag = READ_ONCE(sp->slob_map[off / SLOB_UNIT]);
	return tag ? pool->slab->slob_tags[tag] : NULL;
}

static int edumm_slob_open(struct edumm_kmem_cache *s)
{
	struct edumm_slab_state *st = edumm_slab_state(s);
	unsigned int tag;

	/* Actual size allocated */
	s->size = SLOB_UNITS(s->object_size) * SLOB_UNIT;
	s->inuse = s->size;
	s->order = s->size < EDUMM_PAGE_SIZE ? 0 : get_order(s->size);
	s->objects = 0;
	for (tag = 1; tag < ARRAY_SIZE(st->slob_tags); tag++)
		if (!st->slob_tags[tag])
			break;
	if (tag == ARRAY_SIZE(st->slob_tags))
		return -ENOMEM;
	s->slob_tag = tag;
	st->slob_tags[tag] = s;
	return 0;
}

/* @fn on every object of @s: world stopped or slob_lock held. */
static void edumm_slob_walk_objects(struct edumm_kmem_cache *s,
				    void (*fn)(struct edumm_kmem_cache *s, struct edumm_slab *sp,
					       void *obj, void *data),
				    void *data)
{
	struct edumm_pool *pool = s->pool;
	unsigned long i;

	for (i = 0; i < pool->nr_pages; i++) {
		struct edumm_slab *sp = &pool->slab->slabs[i];
		unsigned int u;

		if (sp->kind == EDUMM_SLAB_KIND_LARGE && sp->cache == s) {
			fn(s, sp, sp->addr, data);
		} else if (sp->kind == EDUMM_SLAB_KIND_SLOB) {
			for (u = 0; u < SLOB_PAGE_UNITS; u++)
				if (sp->slob_map[u] == s->slob_tag)
					fn(s, sp, (char *)sp->addr + u * SLOB_UNIT, data);
		}
	}
}

static void edumm_slob_report_one(struct edumm_kmem_cache *s, struct edumm_slab *sp, void *obj,
				  void *data)
{
	unsigned int *budget = data;

	if (!*budget)
		return;
	(*budget)--;
	edumm_report("%s: object at offset %#lx of page pfn %#lx still allocated\n", s->name,
		     (unsigned long)((char *)obj - (char *)sp->addr), edumm_slab_pfn(s->pool, sp));
}

static unsigned long edumm_slob_live(struct edumm_kmem_cache *s, bool report)
{
	struct edumm_slab_state *st = edumm_slab_state(s);
	unsigned int budget = 16;
	unsigned long live;

	edumm_lock(&st->slob_lock);
	live = s->slob_live;
	if (report && live)
		edumm_slob_walk_objects(s, edumm_slob_report_one, &budget);
	edumm_unlock(&st->slob_lock);
	return live;
}

struct edumm_slob_victims {
	void **obj;
	struct edumm_slab **sp;
	unsigned int nr, max;
};

static void edumm_slob_collect(struct edumm_kmem_cache *s, struct edumm_slab *sp, void *obj,
			       void *data)
{
	struct edumm_slob_victims *v = data;

	if (v->nr < v->max && sp->slob_map && s->slob_tag) {
		v->obj[v->nr] = obj;
		v->sp[v->nr++] = sp;
	}
}

/* Destroy: free what is left (only after a forced destroy), drop the tag. */
static void edumm_slob_release(struct edumm_kmem_cache *s)
{
	struct edumm_slab_state *st = edumm_slab_state(s);
	struct edumm_slob_victims v = { .max = 64 };
	unsigned int i;

	v.obj = edumm_meta_alloc(v.max * sizeof(*v.obj));
	v.sp = edumm_meta_alloc(v.max * sizeof(*v.sp));
	while (v.obj && v.sp && READ_ONCE(s->slob_live)) {
		v.nr = 0;
		edumm_lock(&st->slob_lock);
		edumm_slob_walk_objects(s, edumm_slob_collect, &v);
		edumm_unlock(&st->slob_lock);
		if (!v.nr)
			break;
		for (i = 0; i < v.nr; i++)
			edumm_slob_free(s, v.sp[i], v.obj[i]);
	}
	edumm_meta_free(v.obj);
	edumm_meta_free(v.sp);
	st->slob_tags[s->slob_tag] = NULL;
}

static unsigned long edumm_slob_shrink(struct edumm_kmem_cache *s)
{
	/*
	 * SLOB caches nothing: an empty page goes back on the last free.
	 * Only pages past their RCU grace period may be waiting.
	 */
	return edumm_slab_rcu_reclaim(s->pool);
}

static void edumm_slob_info(struct edumm_kmem_cache *s, struct edumm_cache_info *info)
{
	struct edumm_slab_state *st = edumm_slab_state(s);

	edumm_lock(&st->slob_lock);
	info->active_objs = s->slob_live;
	info->num_objs = s->slob_live;
	edumm_unlock(&st->slob_lock);
}

/* The objects of each cache are counted by edumm_slob_check_pages(). */
static unsigned long edumm_slob_walk(struct edumm_kmem_cache *s, struct edumm_out *out)
{
	unsigned long errors = 0;

	if (edumm_slab_state(s)->slob_tags[s->slob_tag] != s)
		edumm_slab_violation(&errors, out, "%s: tag %u is not this cache\n", s->name,
				     s->slob_tag);
	return errors;
}

/**
 * edumm_slob_check_pages() - every SLOB page's free blocks and counters
 * @pool: the pool
 * @out: one line per error
 *
 * Each page on a SLOB list has free units; its free blocks ascend, lie
 * inside the page, add up to its free units and contain no object start;
 * a page on no list has no free unit; every SLOB cache has as many
 * objects (small and large) as its slob_live says.
 *
 * Context: the world stopped.
 * Return: errors found.
 */
unsigned long edumm_slob_check_pages(struct edumm_pool *pool, struct edumm_out *out)
{
	struct edumm_slab_state *st = pool->slab;
	u32 count[ARRAY_SIZE(st->slob_tags)] = { 0 };
	unsigned long errors = 0, i;

	for (i = 0; i < pool->nr_pages; i++) {
		struct edumm_slab *sp = &st->slabs[i];
		unsigned int free = 0, starts = 0, u, nr = 0;
		struct slob_block *b;

		if (sp->kind == EDUMM_SLAB_KIND_LARGE && sp->cache &&
		    sp->cache->design == EDUMM_SLAB_DESIGN_SLOB)
			count[sp->cache->slob_tag]++;
		if (sp->kind != EDUMM_SLAB_KIND_SLOB)
			continue;
		for (u = 0; u < SLOB_PAGE_UNITS; u++) {
			starts += sp->slob_map[u] != 0;
			count[sp->slob_map[u]]++;
		}
		/* a page on its way in or out (no freelist, no object) */
		if (!sp->freelist && !starts)
			continue;
		if (starts != sp->inuse || !starts)
			edumm_slab_violation(&errors, out,
					     "slob: page pfn %#lx: %u object starts, counted %u\n",
					     edumm_slab_pfn(pool, sp), starts, sp->inuse);
		if (sp->list != EDUMM_SLAB_LIST_SLOB) {
			if (sp->objects)
				edumm_slab_violation(&errors, out,
						     "slob: page pfn %#lx off the lists with %u free units\n",
						     edumm_slab_pfn(pool, sp), sp->objects);
			continue;
		}
		for (b = sp->freelist; ; b = slob_next(b)) {
			unsigned int at = edumm_slob_unit(sp, b), len = slob_units(b), k;

			if (at >= SLOB_PAGE_UNITS || at + len > SLOB_PAGE_UNITS || ++nr > 2048) {
				edumm_slab_violation(&errors, out,
						     "slob: page pfn %#lx: free block at unit %u corrupt\n",
						     edumm_slab_pfn(pool, sp), at);
				break;
			}
			for (k = at; k < at + len; k++)
				if (sp->slob_map[k])
					edumm_slab_violation(&errors, out,
							     "slob: page pfn %#lx: object inside free block at unit %u\n",
							     edumm_slab_pfn(pool, sp), k);
			free += len;
			if (slob_last(b))
				break;
			if (slob_next(b) <= b) {
				edumm_slab_violation(&errors, out,
						     "slob: page pfn %#lx: free blocks not ascending\n",
						     edumm_slab_pfn(pool, sp));
				break;
			}
		}
		if (free != sp->objects)
			edumm_slab_violation(&errors, out,
					     "slob: page pfn %#lx: %u free units in blocks, counted %u\n",
					     edumm_slab_pfn(pool, sp), free, sp->objects);
	}
	for (i = 1; i < ARRAY_SIZE(st->slob_tags); i++) {
		struct edumm_kmem_cache *s = st->slob_tags[i];

		if (s ? count[i] != s->slob_live : count[i] != 0)
			edumm_slab_violation(&errors, out,
					     "slob: tag %lu (%s): %u objects, counted %lu\n",
					     i, s ? s->name : "no cache", count[i],
					     s ? s->slob_live : 0);
	}
	return errors;
}

const struct edumm_slab_ops edumm_slob_ops = {
	.open		= edumm_slob_open,
	.release	= edumm_slob_release,
	.alloc		= edumm_slob_alloc,
	.free		= edumm_slob_free,
	.shrink		= edumm_slob_shrink,
	.live		= edumm_slob_live,
	.info		= edumm_slob_info,
	.walk		= edumm_slob_walk,
};
