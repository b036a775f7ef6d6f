// SPDX-License-Identifier: GPL-2.0
/*
 * slab_slab.c - the SLAB design of the edumm slab layer, after mm/slab.c
 * (6.1; Linux removed SLAB in 6.8).
 *
 * SLAB (Bonwick's 1994 design, in Linux since 2.2) puts queues of objects
 * in front of the slabs.  Each CPU has an array_cache, a LIFO stack of
 * object pointers: alloc pops, free pushes, and only when the stack is
 * empty (refill) or full (flush) are `batchcount` objects moved to or from
 * the node, first through the node's shared array, then the slabs.  Slabs
 * sit on one of three lists per node: slabs_partial, slabs_full,
 * slabs_free.  Inside a slab, the free objects are found through an array
 * of byte indices (freelist_idx_t): entries [active .. num - 1] name the
 * free objects, so slab_get_obj() is "freelist[active++]".  A periodic
 * reaper (cache_reap(), every 2 s per CPU) gives a fifth of an untouched
 * array back, and frees slabs of slabs_free that nobody touched.
 *
 * Lock order:
 *
 *   1. slab_state->mutex   (slab_mutex)
 *   2. ac->lock            (struct edumm_array_cache of one CPU; the
 *                           kernel disables interrupts instead)
 *   3. n->list_lock        (struct edumm_kmem_cache_node: the three lists,
 *                           free_objects, colour_next, the shared array
 *                           and every slab's active/freelist)
 *   4. the buddy's locks   (via edumm_slab_discard(), after unlocking)
 *
 *   ac->lock guards avail, touched and entry[] of that CPU's array; it is
 *   taken on the fast paths by the owning CPU (pinned) and by shrink/reap
 *   for any CPU.  Objects in an array are "active" for their slab.
 *   No path holds two list_locks: free_block() locks the node of each
 *   object's slab in turn (the kernel sends objects of remote nodes to
 *   "alien" caches instead; edumm has none).
 *
 * Slab layout (on-slab freelist, 3 objects, colour 1 of 2):
 *
 *   | colour_off | obj 0 | obj 1 | obj 2 | left over | freelist: 2 0 1 |
 *   ^ page       ^ s_mem = page + colour * colour_off     ^ end - num bytes
 *
 *   The freelist sits at the end of the slab (on-slab), in a kmalloc'd
 *   buffer (off-slab: edumm uses its metadata allocator), or, for caches
 *   without constructor, inside the last free object itself
 *   (OBJFREELIST: no bytes lost at all).  Colouring shifts s_mem by
 *   colour_next * colour_off bytes (colour_next cycles 0 .. colour - 1
 *   per node), so that objects of successive slabs start on different
 *   cache lines.
 *
 * Worked example: a 256-byte cache: size 256; OBJFREELIST: order 0 holds
 * 16 objects, left 0, accepted (left * 8 <= 4096); colour = 0 / 64 = 0.
 * enable_cpucache(): limit 120, batchcount 60, shared 8.  The first alloc
 * on CPU 0 finds its array empty, the node empty: it grows a slab (16
 * objects), refills min(16, 60) objects into the array and pops one.
 *
 * Debug caches use SLUB's object layout and checks (slab_debug.c), never
 * OBJFREELIST (the poison would overwrite the freelist); the kernel's SLAB
 * had its own (64-bit red zone words, last-user word).
 */
#include "slab_internal.h"

#define EDUMM_SLAB_OBJ_MIN_SIZE	16	/* SLAB_OBJ_MIN_SIZE with KMALLOC_MIN_SIZE 32 */
#define EDUMM_SLAB_OBJ_MAX_NUM	255	/* freelist_idx_t is a byte on 4 KiB pages */
#define EDUMM_SLAB_MAX_ORDER	1	/* slab_max_order (SLAB_MAX_ORDER_HI: RAM > 32 MB) */
#define EDUMM_SLAB_KMALLOC_MAX_ORDER	10	/* KMALLOC_MAX_ORDER of SLAB on x86-64 */
#define EDUMM_BATCHREFILL_LIMIT	16

typedef u8 edumm_freelist_idx_t;

/* Size of the SLAB kernel's kmalloc cache for @size (KMALLOC_MIN_SIZE 32). */
static unsigned int edumm_slab_kmalloc_size(size_t size)
{
	if (size <= 32)
		return 32;
	if (size <= 64)
		return 64;
	if (size <= 96)
		return 96;
	if (size <= 128)
		return 128;
	if (size <= 192)
		return 192;
	return 1U << fls((unsigned int)size - 1);
}

/* cache_estimate() */
static unsigned int edumm_cache_estimate(unsigned int order, size_t buffer_size,
					 unsigned int flags, size_t *left_over)
{
	size_t slab_size = EDUMM_PAGE_SIZE << order;
	unsigned int num;

	if (flags & (EDUMM_SLAB_CFLGS_OBJFREELIST | EDUMM_SLAB_CFLGS_OFF_SLAB)) {
		num = slab_size / buffer_size;
		*left_over = slab_size % buffer_size;
	} else {
		num = slab_size / (buffer_size + sizeof(edumm_freelist_idx_t));
		*left_over = slab_size % (buffer_size + sizeof(edumm_freelist_idx_t));
	}
	return num;
}

/* calculate_slab_order(): sets s->objects and s->order, returns left-over bytes. */
static size_t edumm_calculate_slab_order(struct edumm_kmem_cache *s, size_t size,
					 unsigned int flags)
{
	size_t left_over = 0;
	unsigned int order;

	for (order = 0; order <= EDUMM_SLAB_KMALLOC_MAX_ORDER; order++) {
		unsigned int num;
		size_t remainder;

		num = edumm_cache_estimate(order, size, flags, &remainder);
		if (!num)
			continue;
		/* Can't handle number of objects more than SLAB_OBJ_MAX_NUM */
		if (num > EDUMM_SLAB_OBJ_MAX_NUM)
			break;
		if (flags & EDUMM_SLAB_CFLGS_OFF_SLAB) {
			size_t freelist_size = num * sizeof(edumm_freelist_idx_t);

			/* check if off slab has enough benefit */
			if (edumm_slab_kmalloc_size(freelist_size) > s->size / 2)
				continue;
		}
		/* Found something acceptable - save it away */
		s->objects = num;
		s->order = order;
		left_over = remainder;
		/* a reclaimable slab avoids higher orders */
		if (flags & EDUMM_SLAB_RECLAIM_ACCOUNT)
			break;
		if (order >= EDUMM_SLAB_MAX_ORDER)
			break;
		/* Acceptable internal fragmentation? */
		if (left_over * 8 <= (EDUMM_PAGE_SIZE << order))
			break;
	}
	return left_over;
}

/* enable_cpucache() of 6.1 */
static void edumm_slab_tunables(struct edumm_kmem_cache *s)
{
	if (s->size > 131072)
		s->limit = 1;
	else if (s->size > EDUMM_PAGE_SIZE)
		s->limit = 8;
	else if (s->size > 1024)
		s->limit = 24;
	else if (s->size > 256)
		s->limit = 54;
	else
		s->limit = 120;
	s->shared = 0;
	if (s->size <= EDUMM_PAGE_SIZE && edumm_nr_cpu_ids() > 1)
		s->shared = 8;
	s->batchcount = (s->limit + 1) / 2;
}

static void edumm_slab_free_arrays(struct edumm_kmem_cache *s)
{
	unsigned int i;

	if (s->ac)
		for (i = 0; i < s->pool->nr_cpus; i++)
			edumm_meta_free(s->ac[i].entry);
	if (s->node)
		for (i = 0; i < s->pool->nr_nodes; i++) {
			if (s->node[i].shared)
				edumm_meta_free(s->node[i].shared->entry);
			edumm_meta_free(s->node[i].shared);
		}
	edumm_meta_free(s->ac);
	edumm_meta_free(s->node);
	s->ac = NULL;
	s->node = NULL;
}

static int edumm_slab_open(struct edumm_kmem_cache *s)
{
	struct edumm_pool *pool = s->pool;
	unsigned int size, i, nr_cpus_node;
	size_t left;

	if (edumm_slab_debug(s)) {
		edumm_slab_debug_layout(s, false);
		/* byte freelist indices: at most 255 objects, as below */
		if (s->size < EDUMM_SLAB_OBJ_MIN_SIZE)
			s->size = ALIGN(EDUMM_SLAB_OBJ_MIN_SIZE, s->align);
		size = s->size;
	} else {
		/* word-sized objects; "caller mandated" alignment is s->align */
		size = ALIGN(s->object_size, (unsigned int)sizeof(void *));
		size = ALIGN(size, s->align);
		if (size < EDUMM_SLAB_OBJ_MIN_SIZE)
			size = ALIGN(EDUMM_SLAB_OBJ_MIN_SIZE, s->align);
		s->size = size;
		s->inuse = size;
		s->obj_offset = 0;
	}
	s->colour_off = edumm_cache_line_size();
	if (s->colour_off < s->align)
		s->colour_off = s->align;

	/* set_objfreelist_slab_cache() */
	s->objects = 0;
	if (!s->ctor && !(s->flags & EDUMM_SLAB_TYPESAFE_BY_RCU) && !edumm_slab_debug(s)) {
		left = edumm_calculate_slab_order(s, size, s->flags | EDUMM_SLAB_CFLGS_OBJFREELIST);
		if (s->objects && s->objects * sizeof(edumm_freelist_idx_t) <= s->object_size) {
			s->flags |= EDUMM_SLAB_CFLGS_OBJFREELIST;
			goto done;
		}
	}
	/* set_off_slab_cache() */
	s->objects = 0;
	left = edumm_calculate_slab_order(s, size, s->flags | EDUMM_SLAB_CFLGS_OFF_SLAB);
	if (s->objects && left < s->objects * sizeof(edumm_freelist_idx_t)) {
		s->flags |= EDUMM_SLAB_CFLGS_OFF_SLAB;
		goto done;
	}
	/* set_on_slab_cache() */
	s->objects = 0;
	left = edumm_calculate_slab_order(s, size, s->flags);
	if (!s->objects)
		return -E2BIG;
done:
	s->colour = left / s->colour_off;
	s->freelist_size = s->objects * sizeof(edumm_freelist_idx_t);
	edumm_slab_tunables(s);

	s->ac = edumm_meta_alloc(pool->nr_cpus * sizeof(*s->ac));
	s->node = edumm_meta_alloc(pool->nr_nodes * sizeof(*s->node));
	if (!s->ac || !s->node)
		goto nomem;
	for (i = 0; i < pool->nr_cpus; i++) {
		struct edumm_array_cache *ac = &s->ac[i];

		/* guards this CPU's array */
		edumm_lock_init(&ac->lock);
		ac->limit = s->limit;
		ac->batchcount = s->batchcount;
		ac->entry = edumm_meta_alloc(s->limit * sizeof(void *));
		if (!ac->entry)
			goto nomem;
	}
	nr_cpus_node = DIV_ROUND_UP(pool->nr_cpus, pool->nr_nodes);
	for (i = 0; i < pool->nr_nodes; i++) {
		struct edumm_kmem_cache_node *n = &s->node[i];

		/* guards the node's lists, counters, colour and shared array */
		edumm_lock_init(&n->list_lock);
		INIT_LIST_HEAD(&n->partial);
		INIT_LIST_HEAD(&n->full);
		INIT_LIST_HEAD(&n->free);
		n->free_limit = (1 + nr_cpus_node) * s->batchcount + s->objects;
		if (s->shared) {
			n->shared = edumm_meta_alloc(sizeof(*n->shared));
			if (!n->shared)
				goto nomem;
			n->shared->limit = s->shared * s->batchcount;
			n->shared->batchcount = 0xbaadf00d;
			n->shared->entry = edumm_meta_alloc(n->shared->limit * sizeof(void *));
			if (!n->shared->entry)
				goto nomem;
		}
	}
	return 0;
nomem:
	edumm_slab_free_arrays(s);
	return -ENOMEM;
}

/*** Slab internals ***/

static inline edumm_freelist_idx_t *edumm_slab_freelist(struct edumm_slab *slab)
{
	return slab->freelist;
}

/* slab_get_obj(): the next free object; n->list_lock held. */
static void *edumm_slab_get_obj(struct edumm_kmem_cache *s, struct edumm_slab *slab)
{
	unsigned int idx = edumm_slab_freelist(slab)[slab->inuse];

	slab->inuse++;
	return edumm_slab_obj(s, slab, idx);
}

/* slab_put_obj(); n->list_lock held. */
static void edumm_slab_put_obj(struct edumm_kmem_cache *s, struct edumm_slab *slab, void *obj)
{
	int idx = edumm_slab_obj_index(s, slab, obj);

	slab->inuse--;
	if (!slab->freelist)
		slab->freelist = obj;	/* OBJFREELIST: the freed object holds it */
	edumm_slab_freelist(slab)[slab->inuse] = idx;
}

static void edumm_slab_list_del(struct edumm_kmem_cache_node *n, struct edumm_slab *slab)
{
	list_del_init(&slab->slab_list);
	if (slab->list == EDUMM_SLAB_LIST_PARTIAL)
		n->nr_partial--;
	else if (slab->list == EDUMM_SLAB_LIST_FULL)
		n->nr_full--;
	else if (slab->list == EDUMM_SLAB_LIST_FREE)
		n->nr_free--;
	slab->list = EDUMM_SLAB_LIST_NONE;
}

static void edumm_slab_list_add(struct edumm_kmem_cache_node *n, struct edumm_slab *slab,
				unsigned int list)
{
	switch (list) {
	case EDUMM_SLAB_LIST_FULL:
		list_add(&slab->slab_list, &n->full);
		n->nr_full++;
		break;
	case EDUMM_SLAB_LIST_FREE:
		list_add(&slab->slab_list, &n->free);
		n->nr_free++;
		break;
	default:
		list_add_tail(&slab->slab_list, &n->partial);
		n->nr_partial++;
		list = EDUMM_SLAB_LIST_PARTIAL;
	}
	slab->list = list;
}

/* fixup_slab_list() */
static void edumm_fixup_slab_list(struct edumm_kmem_cache *s, struct edumm_kmem_cache_node *n,
				  struct edumm_slab *slab)
{
	edumm_slab_list_del(n, slab);
	if (slab->inuse == slab->objects) {
		edumm_slab_list_add(n, slab, EDUMM_SLAB_LIST_FULL);
		if (s->flags & EDUMM_SLAB_CFLGS_OBJFREELIST)
			slab->freelist = NULL;
	} else {
		edumm_slab_list_add(n, slab, EDUMM_SLAB_LIST_PARTIAL);
	}
}

static unsigned int edumm_transfer_objects(struct edumm_array_cache *to,
					   struct edumm_array_cache *from, unsigned int max)
{
	unsigned int nr = min3(from->avail, max, to->limit - to->avail);

	if (!nr)
		return 0;
	memcpy(to->entry + to->avail, from->entry + from->avail - nr, sizeof(void *) * nr);
	from->avail -= nr;
	to->avail += nr;
	return nr;
}

/* cache_alloc_refill() without the grow; ac->lock held. */
static void edumm_slab_refill(struct edumm_kmem_cache *s, struct edumm_array_cache *ac)
{
	struct edumm_pool *pool = s->pool;
	unsigned int batchcount = ac->batchcount, i, local = 0;
	int nid = edumm_numa_node_id();

	if (!ac->touched && batchcount > EDUMM_BATCHREFILL_LIMIT)
		batchcount = EDUMM_BATCHREFILL_LIMIT;
	for (i = 0; i < pool->nr_nodes; i++)
		if (pool->nodes[i].nid == nid)
			local = i;
	/* the local node first (as the kernel), then the others (fallback_alloc) */
	for (i = 0; i < pool->nr_nodes && !ac->avail; i++) {
		unsigned int ni = i == 0 ? local : (i == local ? 0 : i);
		struct edumm_kmem_cache_node *n = &s->node[ni];
		struct edumm_array_cache *shared;
		int want = batchcount;	/* signed: the inner loop may take it to -1 */

		edumm_lock(&n->list_lock);
		shared = n->shared;
		if (!n->free_objects && (!shared || !shared->avail)) {
			edumm_unlock(&n->list_lock);
			continue;
		}
		if (shared && edumm_transfer_objects(ac, shared, want)) {
			shared->touched = 1;
			edumm_unlock(&n->list_lock);
			edumm_slab_count(s, EDUMM_SLAB_ALLOC_SHARED, 1);
			break;
		}
		while (want > 0) {
			struct edumm_slab *slab;

			/* get_first_slab(): partial first, then free */
			slab = list_first_entry_or_null(&n->partial, struct edumm_slab, slab_list);
			if (!slab) {
				slab = list_first_entry_or_null(&n->free, struct edumm_slab,
								slab_list);
				if (!slab)
					break;
				n->free_touched = true;
			} else {
				edumm_slab_count(s, EDUMM_SLAB_ALLOC_NODE_PARTIAL, 1);
			}
			while (slab->inuse < slab->objects && want--)
				ac->entry[ac->avail++] = edumm_slab_get_obj(s, slab);
			edumm_fixup_slab_list(s, n, slab);
		}
		n->free_objects -= ac->avail;
		edumm_unlock(&n->list_lock);
	}
	if (ac->avail)
		edumm_slab_count(s, EDUMM_SLAB_ALLOC_REFILL, 1);
}

/* cache_grow_begin() + cache_init_objs() + cache_grow_end() */
static bool edumm_slab_grow(struct edumm_kmem_cache *s, unsigned int gfp)
{
	struct edumm_kmem_cache_node *n;
	struct edumm_slab *slab;
	unsigned int i, offset;

	slab = edumm_slab_new(s, gfp, s->order, EDUMM_SLAB_KIND_SLAB);
	if (!slab)
		return false;
	slab->objects = s->objects;
	n = &s->node[slab->node];

	/* the colour of this slab, and the next */
	edumm_lock(&n->list_lock);
	offset = n->colour_next;
	n->colour_next++;
	if (n->colour_next >= s->colour)
		n->colour_next = 0;
	edumm_unlock(&n->list_lock);
	slab->colour_off = offset * s->colour_off;

	/* alloc_slabmgmt() */
	if (s->flags & EDUMM_SLAB_CFLGS_OFF_SLAB) {
		slab->freelist = edumm_meta_alloc(s->freelist_size);
		if (!slab->freelist) {
			edumm_slab_discard(s, slab);
			return false;
		}
	} else if (s->flags & EDUMM_SLAB_CFLGS_OBJFREELIST) {
		slab->freelist = edumm_slab_obj(s, slab, s->objects - 1);
	} else {
		slab->freelist = (char *)slab->addr + (EDUMM_PAGE_SIZE << s->order) -
				 s->freelist_size;
	}
	for (i = 0; i < s->objects; i++) {
		void *obj = edumm_slab_obj(s, slab, i);

		if (edumm_slab_debug(s))
			edumm_slab_debug_init_object(s, obj);
		if (s->ctor)
			s->ctor(obj);
	}
	for (i = 0; i < s->objects; i++)
		edumm_slab_freelist(slab)[i] = i;
	edumm_slab_count(s, EDUMM_SLAB_ALLOC_NEW_SLAB, 1);

	edumm_lock(&n->list_lock);
	n->nr_slabs++;
	n->total_objects += s->objects;
	edumm_slab_list_add(n, slab, EDUMM_SLAB_LIST_FREE);
	n->free_objects += s->objects;
	edumm_unlock(&n->list_lock);
	return true;
}

static void *edumm_slab_alloc(struct edumm_kmem_cache *s, unsigned int gfp)
{
	bool slow = false;

	for (;;) {
		unsigned int cpu = edumm_cpu_get();
		struct edumm_array_cache *ac = &s->ac[cpu];
		void *obj = NULL;

		edumm_lock(&ac->lock);
		if (likely(ac->avail)) {
			ac->touched = 1;
			obj = ac->entry[--ac->avail];
			edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_ALLOC_FASTPATH, 1);
			edumm_unlock(&ac->lock);
			edumm_cpu_put();
			return obj;
		}
		if (!slow)
			edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_ALLOC_SLOWPATH, 1);
		slow = true;
		edumm_slab_refill(s, ac);
		if (ac->avail) {
			ac->touched = 1;
			obj = ac->entry[--ac->avail];
		}
		edumm_unlock(&ac->lock);
		edumm_cpu_put();
		if (obj)
			return obj;
		/* direct_grow, with no lock held */
		if (!edumm_slab_grow(s, gfp))
			return NULL;
	}
}

/*
 * kmem_cache_alloc_bulk() of 6.1's mm/slab.c: the whole batch under one
 * hold of the array_cache's lock (the kernel: one local_irq_disable()),
 * popping the array, refilling it under the same hold when it runs dry,
 * and dropping the lock only to grow.  Per object, the counters say what
 * a single allocation would: the first object after an empty array is a
 * slow-path one, the others fast; each is added once per call.
 */
static size_t edumm_slab_alloc_bulk(struct edumm_kmem_cache *s, unsigned int gfp, size_t nr,
				    void **p)
{
	unsigned int cpu = edumm_cpu_get();
	struct edumm_array_cache *ac = &s->ac[cpu];
	unsigned long fast = 0, slow = 0;
	bool pending = false;	/* p[i] is counted as a slow-path object */
	size_t i = 0;

	edumm_lock(&ac->lock);
	while (i < nr) {
		if (likely(ac->avail)) {
			unsigned int take = min_t(size_t, ac->avail, nr - i);

			ac->touched = 1;
			if (pending) {
				pending = false;
				p[i++] = ac->entry[--ac->avail];
				continue;
			}
			fast += take;
			while (take--)
				p[i++] = ac->entry[--ac->avail];
			continue;
		}
		if (!pending) {
			slow++;
			pending = true;
		}
		edumm_slab_refill(s, ac);
		if (ac->avail)
			continue;
		edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_ALLOC_FASTPATH, fast);
		edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_ALLOC_SLOWPATH, slow);
		fast = 0;
		slow = 0;
		edumm_unlock(&ac->lock);
		edumm_cpu_put();
		/* direct_grow, with no lock held */
		if (!edumm_slab_grow(s, gfp))
			return i;
		cpu = edumm_cpu_get();
		ac = &s->ac[cpu];
		edumm_lock(&ac->lock);
	}
	edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_ALLOC_FASTPATH, fast);
	edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_ALLOC_SLOWPATH, slow);
	edumm_unlock(&ac->lock);
	edumm_cpu_put();
	return nr;
}

/* Release slabs beyond free_limit; n->list_lock held. */
static void edumm_slab_trim(struct edumm_kmem_cache_node *n, unsigned long keep_objects,
			    unsigned long max_slabs,
			    struct list_head *discard)
{
	while (n->free_objects > keep_objects && !list_empty(&n->free) && max_slabs--) {
		struct edumm_slab *slab = list_last_entry(&n->free, struct edumm_slab, slab_list);

		edumm_slab_list_del(n, slab);
		n->nr_slabs--;
		n->total_objects -= slab->objects;
		n->free_objects -= slab->objects;
		list_add(&slab->slab_list, discard);
	}
}

/* free_block(): objects back into their slabs, node by node. */
static void edumm_slab_free_block(struct edumm_kmem_cache *s, void **objs,
				  unsigned int nr, struct list_head *discard)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct edumm_slab *slab = edumm_virt_to_slab(s->pool, objs[i]);
		struct edumm_kmem_cache_node *n = &s->node[slab->node];

		edumm_lock(&n->list_lock);
		n->free_objects++;
		edumm_slab_list_del(n, slab);
		edumm_slab_put_obj(s, slab, objs[i]);
		if (slab->inuse == 0)
			edumm_slab_list_add(n, slab, EDUMM_SLAB_LIST_FREE);
		else
			edumm_slab_list_add(n, slab, EDUMM_SLAB_LIST_PARTIAL);
		/* more free objects than the node wants: give slabs back */
		edumm_slab_trim(n, n->free_limit, ULONG_MAX, discard);
		edumm_unlock(&n->list_lock);
	}
}

static unsigned long edumm_slab_discard_list(struct edumm_kmem_cache *s, struct list_head *discard)
{
	struct edumm_slab *slab, *next;
	unsigned long pages = 0;

	list_for_each_entry_safe(slab, next, discard, slab_list) {
		list_del(&slab->slab_list);
		pages += 1UL << slab->order;
		edumm_slab_discard(s, slab);
	}
	return pages;
}

/* cache_flusharray(); ac->lock held. */
static void edumm_cache_flusharray(struct edumm_kmem_cache *s, struct edumm_array_cache *ac,
				   struct list_head *discard)
{
	struct edumm_pool *pool = s->pool;
	unsigned int batchcount = ac->batchcount, i, ni = 0;
	int nid = edumm_numa_node_id();
	struct edumm_kmem_cache_node *n;

	for (i = 0; i < pool->nr_nodes; i++)
		if (pool->nodes[i].nid == nid)
			ni = i;
	n = &s->node[ni];
	edumm_slab_count(s, EDUMM_SLAB_FREE_FLUSH, 1);
	edumm_lock(&n->list_lock);
	if (n->shared) {
		struct edumm_array_cache *shared = n->shared;
		unsigned int max = shared->limit - shared->avail;

		if (max) {
			batchcount = min(batchcount, max);
			memcpy(shared->entry + shared->avail, ac->entry,
			       sizeof(void *) * batchcount);
			shared->avail += batchcount;
			edumm_unlock(&n->list_lock);
			goto free_done;
		}
	}
	edumm_unlock(&n->list_lock);
	edumm_slab_free_block(s, ac->entry, batchcount, discard);
free_done:
	ac->avail -= batchcount;
	memmove(ac->entry, ac->entry + batchcount, sizeof(void *) * ac->avail);
}

static int edumm_slab_free(struct edumm_kmem_cache *s, struct edumm_slab *slab, void *obj)
{
	unsigned int cpu = edumm_cpu_get();
	struct edumm_array_cache *ac = &s->ac[cpu];
	struct list_head discard;

	/* slab_common.c checked the object: its slab is one of ours */
	EDUMM_WARN_ON_ONCE(slab->cache != s);
	INIT_LIST_HEAD(&discard);
	edumm_lock(&ac->lock);
	if (likely(ac->avail < ac->limit)) {
		edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_FREE_FASTPATH, 1);
	} else {
		edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_FREE_SLOWPATH, 1);
		edumm_cache_flusharray(s, ac, &discard);
	}
	ac->entry[ac->avail++] = obj;
	edumm_unlock(&ac->lock);
	edumm_cpu_put();
	edumm_slab_discard_list(s, &discard);
	return 0;
}

/*
 * kmem_cache_free_bulk() of 6.1's mm/slab.c: every object pushed onto the
 * array_cache under one hold of its lock, flushing a batch when it is
 * full, as __cache_free() per object.  Each object is checked as a single
 * free checks it; one that is refused is reported and skipped.
 */
static void edumm_slab_free_bulk(struct edumm_kmem_cache *s, size_t nr, void **p)
{
	unsigned int cpu = edumm_cpu_get();
	struct edumm_array_cache *ac = &s->ac[cpu];
	unsigned long fast = 0, slow = 0;
	struct edumm_slab *last = NULL;
	uintptr_t start = 0, end = 0;
	struct list_head discard;
	size_t i;

	INIT_LIST_HEAD(&discard);
	edumm_lock(&ac->lock);
	for (i = 0; i < nr; i++) {
		uintptr_t a = (uintptr_t)p[i];

		if (!p[i])
			continue;
		if (last && a >= start && a < end) {
			/* in the pages of the slab of the object before: only the slot check */
			if (edumm_slab_obj_index(s, last, p[i]) < 0 &&
			    !edumm_slab_check_obj(s, p[i], true))
				continue;
		} else {
			last = edumm_slab_check_obj(s, p[i], true);
			if (!last)
				continue;
			start = (uintptr_t)last->addr;
			end = start + (EDUMM_PAGE_SIZE << last->order);
		}
		if (likely(ac->avail < ac->limit)) {
			fast++;
		} else {
			slow++;
			edumm_cache_flusharray(s, ac, &discard);
		}
		ac->entry[ac->avail++] = p[i];
	}
	edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_FREE_FASTPATH, fast);
	edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_FREE_SLOWPATH, slow);
	edumm_unlock(&ac->lock);
	edumm_cpu_put();
	edumm_slab_discard_list(s, &discard);
}

static void edumm_drain_array(struct edumm_kmem_cache *s, struct edumm_array_cache *ac,
			      unsigned int tofree, struct list_head *discard)
{
	tofree = min(tofree, ac->avail);
	if (!tofree)
		return;
	edumm_slab_free_block(s, ac->entry, tofree, discard);
	ac->avail -= tofree;
	memmove(ac->entry, ac->entry + tofree, sizeof(void *) * ac->avail);
}

/*
 * Empty a node's shared array (all) or a fifth of its limit (reap) into
 * the slabs, through a small buffer: free_block() takes the list_lock of
 * each object's node, so it cannot run under this node's.
 */
static void edumm_drain_shared(struct edumm_kmem_cache *s, struct edumm_kmem_cache_node *n,
			       bool all, struct list_head *discard)
{
	void *tmp[32];
	unsigned int nr, left;

	if (!n->shared)
		return;
	edumm_lock(&n->list_lock);
	if (!all && n->shared->touched) {
		n->shared->touched = 0;
		left = 0;
	} else {
		left = all ? n->shared->avail : (n->shared->limit + 4) / 5;
		if (left > n->shared->avail)
			left = (n->shared->avail + 1) / 2;
	}
	edumm_unlock(&n->list_lock);
	while (left) {
		edumm_lock(&n->list_lock);
		nr = min3(left, n->shared->avail, (unsigned int)ARRAY_SIZE(tmp));
		memcpy(tmp, n->shared->entry, sizeof(void *) * nr);
		n->shared->avail -= nr;
		memmove(n->shared->entry, n->shared->entry + nr, sizeof(void *) * n->shared->avail);
		edumm_unlock(&n->list_lock);
		if (!nr)
			break;
		edumm_slab_free_block(s, tmp, nr, discard);
		left -= nr;
	}
}

static unsigned long edumm_slab_shrink(struct edumm_kmem_cache *s)
{
	struct edumm_pool *pool = s->pool;
	struct list_head discard;
	unsigned int i;

	INIT_LIST_HEAD(&discard);
	for (i = 0; i < pool->nr_cpus; i++) {
		struct edumm_array_cache *ac = &s->ac[i];

		edumm_lock(&ac->lock);
		edumm_drain_array(s, ac, ac->avail, &discard);
		edumm_unlock(&ac->lock);
	}
	for (i = 0; i < pool->nr_nodes; i++) {
		struct edumm_kmem_cache_node *n = &s->node[i];

		edumm_drain_shared(s, n, true, &discard);
		/* drain_freelist(): every free slab */
		edumm_lock(&n->list_lock);
		edumm_slab_trim(n, 0, ULONG_MAX, &discard);
		edumm_unlock(&n->list_lock);
	}
	return edumm_slab_discard_list(s, &discard);
}

/* cache_reap() for one cache. */
static unsigned long edumm_slab_reap_cache(struct edumm_kmem_cache *s)
{
	struct edumm_pool *pool = s->pool;
	struct list_head discard;
	unsigned int i;

	INIT_LIST_HEAD(&discard);
	for (i = 0; i < pool->nr_cpus; i++) {
		struct edumm_array_cache *ac = &s->ac[i];

		edumm_lock(&ac->lock);
		if (ac->touched) {
			ac->touched = 0;
		} else if (ac->avail) {
			unsigned int tofree = (ac->limit + 4) / 5;

			if (tofree > ac->avail)
				tofree = (ac->avail + 1) / 2;
			edumm_drain_array(s, ac, tofree, &discard);
		}
		edumm_unlock(&ac->lock);
	}
	/* the node part: every second call (REAPTIMEOUT_NODE = 2 * _AC) */
	if (s->reaps++ & 1) {
		for (i = 0; i < pool->nr_nodes; i++) {
			struct edumm_kmem_cache_node *n = &s->node[i];
			unsigned long slabs = (n->free_limit + 5 * s->objects - 1) /
					      (5 * s->objects);

			edumm_drain_shared(s, n, false, &discard);
			edumm_lock(&n->list_lock);
			if (n->free_touched)
				n->free_touched = false;
			else
				edumm_slab_trim(n, 0, slabs, &discard);
			edumm_unlock(&n->list_lock);
		}
	}
	if (!list_empty(&discard))
		edumm_slab_count(s, EDUMM_SLAB_REAP, 1);
	return edumm_slab_discard_list(s, &discard);
}

/**
 * edumm_slab_reap() - SLAB's periodic cache_reap() over every SLAB cache
 * @pool: the pool
 *
 * Per CPU array not touched since the last call: a fifth of its limit
 * goes back to the slabs; every second call, the same for the shared
 * arrays, and free slabs nobody took since the last pass go back to the
 * buddy (about a fifth of free_limit).  The glue calls it every 2 s.
 *
 * Context: process context; takes slab_mutex; may sleep.
 * Return: pages given back to the buddy.
 */
unsigned long edumm_slab_reap(struct edumm_pool *pool)
{
	struct edumm_slab_state *st = pool->slab;
	struct edumm_kmem_cache *s;
	unsigned long pages = 0;

	if (!st)
		return 0;
	edumm_mutex_lock(&st->mutex);
	list_for_each_entry(s, &st->caches, list)
		if (s->design == EDUMM_SLAB_DESIGN_SLAB)
			pages += edumm_slab_reap_cache(s);
	edumm_mutex_unlock(&st->mutex);
	return pages;
}

/* Mark the free objects of @slab in @map (bit per object). */
static void edumm_slab_free_map(struct edumm_slab *slab, unsigned long *map)
{
	unsigned int i;

	for (i = slab->inuse; i < slab->objects && slab->freelist; i++) {
		unsigned int idx = edumm_slab_freelist(slab)[i];

		if (idx < slab->objects)
			map[idx / BITS_PER_LONG] |= 1UL << (idx % BITS_PER_LONG);
	}
}

static unsigned long edumm_slab_live(struct edumm_kmem_cache *s, bool report)
{
	unsigned long live = 0;
	unsigned int i, budget = 16;

	for (i = 0; i < s->pool->nr_nodes; i++) {
		struct edumm_kmem_cache_node *n = &s->node[i];
		struct list_head *lists[2] = { &n->partial, &n->full };
		struct edumm_slab *slab;
		unsigned int l;

		edumm_lock(&n->list_lock);
		for (l = 0; l < 2; l++)
			list_for_each_entry(slab, lists[l], slab_list) {
				unsigned long map[256 / BITS_PER_LONG] = { 0 };
				unsigned int j;

				live += slab->inuse - slab->quarantined;
				if (!report || slab->inuse == slab->quarantined)
					continue;
				edumm_slab_free_map(slab, map);
				for (j = 0; j < slab->objects && budget; j++) {
					if (map[j / BITS_PER_LONG] & (1UL << (j % BITS_PER_LONG)))
						continue;
					if (slab->obj_state &&
					    slab->obj_state[j] == EDUMM_OBJ_QUARANTINED)
						continue;
					budget--;
					edumm_report("%s: object %u of slab pfn %#lx %s\n",
						     s->name, j, edumm_slab_pfn(s->pool, slab),
						     "still allocated");
				}
			}
		edumm_unlock(&n->list_lock);
	}
	return live;
}

static void edumm_slab_release(struct edumm_kmem_cache *s)
{
	struct list_head discard;
	unsigned int i;

	INIT_LIST_HEAD(&discard);
	edumm_slab_shrink(s);
	for (i = 0; i < s->pool->nr_nodes; i++) {
		struct edumm_kmem_cache_node *n = &s->node[i];
		struct list_head *lists[3] = { &n->partial, &n->full, &n->free };
		unsigned int l;

		edumm_lock(&n->list_lock);
		for (l = 0; l < 3; l++)
			while (!list_empty(lists[l])) {
				struct edumm_slab *slab;

				slab = list_first_entry(lists[l], struct edumm_slab, slab_list);
				edumm_slab_list_del(n, slab);
				n->nr_slabs--;
				list_add(&slab->slab_list, &discard);
			}
		edumm_unlock(&n->list_lock);
	}
	edumm_slab_discard_list(s, &discard);
	edumm_slab_free_arrays(s);
}

/* get_slabinfo() of mm/slab.c */
static void edumm_slab_info(struct edumm_kmem_cache *s, struct edumm_cache_info *info)
{
	unsigned long free_slabs = 0, free_objs = 0;
	unsigned int i;

	for (i = 0; i < s->pool->nr_nodes; i++) {
		struct edumm_kmem_cache_node *n = &s->node[i];

		edumm_lock(&n->list_lock);
		info->num_slabs += n->nr_slabs;
		free_slabs += n->nr_free;
		free_objs += n->free_objects;
		info->partial += n->nr_partial;
		if (n->shared)
			info->shared_avail += n->shared->avail;
		edumm_unlock(&n->list_lock);
	}
	info->num_objs = info->num_slabs * s->objects;
	info->active_slabs = info->num_slabs - free_slabs;
	info->active_objs = info->num_objs - free_objs;
	info->limit = s->limit;
	info->batchcount = s->batchcount;
	info->sharedfactor = s->shared;
}

static void edumm_slab_check_array(struct edumm_kmem_cache *s, struct edumm_array_cache *ac,
				   const char *what, unsigned int id, unsigned long *errors,
				   struct edumm_out *out)
{
	unsigned int i;

	if (ac->avail > ac->limit) {
		edumm_slab_violation(errors, out, "%s: %s %u: avail %u > limit %u\n", s->name, what,
				     id, ac->avail, ac->limit);
		return;
	}
	for (i = 0; i < ac->avail; i++) {
		struct edumm_slab *slab = edumm_virt_to_slab(s->pool, ac->entry[i]);

		if (!slab || slab->kind != EDUMM_SLAB_KIND_SLAB || slab->cache != s ||
		    edumm_slab_obj_index(s, slab, ac->entry[i]) < 0) {
			edumm_slab_violation(errors, out, "%s: %s %u: entry %u is not an object\n",
					     s->name, what, id, i);
			continue;
		}
		if (slab->obj_state &&
		    slab->obj_state[edumm_slab_obj_index(s, slab, ac->entry[i])] != EDUMM_OBJ_FREE)
			edumm_slab_violation(errors, out, "%s: %s %u: entry %u is not free\n",
					     s->name, what, id, i);
	}
}

static void edumm_slab_check_slab(struct edumm_kmem_cache *s, struct edumm_slab *slab,
				  unsigned int list, unsigned long *free_objs,
				  unsigned long *errors, struct edumm_out *out)
{
	unsigned long map[256 / BITS_PER_LONG] = { 0 };
	unsigned int i;
	bool ok;

	if (slab->kind != EDUMM_SLAB_KIND_SLAB || slab->cache != s || slab->list != list ||
	    slab->objects != s->objects || slab->inuse > slab->objects) {
		edumm_slab_violation(errors, out,
				     "%s: slab pfn %#lx: kind %u list %u/%u active %u\n", s->name,
				     edumm_slab_pfn(s->pool, slab), slab->kind, slab->list, list,
				     slab->inuse);
		return;
	}
	switch (list) {
	case EDUMM_SLAB_LIST_FULL:
		ok = slab->inuse == slab->objects;
		break;
	case EDUMM_SLAB_LIST_FREE:
		ok = slab->inuse == 0;
		break;
	default:
		ok = slab->inuse && slab->inuse < slab->objects;
	}
	if (!ok)
		edumm_slab_violation(errors, out, "%s: slab pfn %#lx: active %u of %u on list %u\n",
				     s->name, edumm_slab_pfn(s->pool, slab), slab->inuse,
				     slab->objects, list);
	if (slab->colour_off > (s->colour ? (s->colour - 1) * s->colour_off : 0) ||
	    slab->colour_off % s->colour_off)
		edumm_slab_violation(errors, out, "%s: slab pfn %#lx: colour offset %u\n", s->name,
				     edumm_slab_pfn(s->pool, slab), slab->colour_off);
	*free_objs += slab->objects - slab->inuse;
	if (slab->inuse < slab->objects) {
		/* the free indices are distinct objects */
		for (i = slab->inuse; i < slab->objects; i++) {
			unsigned int idx = edumm_slab_freelist(slab)[i];

			if (idx >= slab->objects ||
			    (map[idx / BITS_PER_LONG] & (1UL << (idx % BITS_PER_LONG)))) {
				edumm_slab_violation(errors, out,
						     "%s: slab pfn %#lx: freelist[%u] = %u is wrong\n",
						     s->name, edumm_slab_pfn(s->pool, slab),
						     i, idx);
				break;
			}
			map[idx / BITS_PER_LONG] |= 1UL << (idx % BITS_PER_LONG);
		}
	}
	*errors += edumm_slab_debug_check_slab(s, slab, out);
}

static unsigned long edumm_slab_walk(struct edumm_kmem_cache *s, struct edumm_out *out)
{
	struct edumm_pool *pool = s->pool;
	unsigned long errors = 0;
	unsigned int i;

	for (i = 0; i < pool->nr_cpus; i++)
		edumm_slab_check_array(s, &s->ac[i], "cpu", i, &errors, out);
	for (i = 0; i < pool->nr_nodes; i++) {
		struct edumm_kmem_cache_node *n = &s->node[i];
		struct list_head *lists[3] = { &n->partial, &n->full, &n->free };
		static const unsigned int tags[3] = {
			EDUMM_SLAB_LIST_PARTIAL, EDUMM_SLAB_LIST_FULL, EDUMM_SLAB_LIST_FREE
		};
		unsigned long counted[3] = { n->nr_partial, n->nr_full, n->nr_free };
		unsigned long free_objs = 0, total = 0;
		unsigned int l;

		if (n->shared)
			edumm_slab_check_array(s, n->shared, "shared", i, &errors, out);
		for (l = 0; l < 3; l++) {
			struct edumm_slab *slab;
			unsigned long nr = 0;

			list_for_each_entry(slab, lists[l], slab_list) {
				edumm_slab_check_slab(s, slab, tags[l], &free_objs, &errors, out);
				nr++;
			}
			if (nr != counted[l])
				edumm_slab_violation(&errors, out,
						     "%s: node %u list %u: %lu slabs, counted %lu\n",
						     s->name, i, tags[l], nr, counted[l]);
			total += nr;
		}
		if (total != n->nr_slabs || free_objs != n->free_objects ||
		    n->total_objects != n->nr_slabs * s->objects)
			edumm_slab_violation(&errors, out,
					     "%s: node %u: slabs %lu/%lu free objects %lu/%lu\n",
					     s->name, i, total, n->nr_slabs, free_objs,
					     n->free_objects);
	}
	return errors;
}

static void edumm_slab_visit_slabs(struct edumm_kmem_cache *s,
				   void (*fn)(struct edumm_kmem_cache *s, struct edumm_slab *slab,
					      void *data),
				   void *data)
{
	struct edumm_slab *slab;
	unsigned int i;

	for (i = 0; i < s->pool->nr_nodes; i++) {
		list_for_each_entry(slab, &s->node[i].partial, slab_list)
			fn(s, slab, data);
		list_for_each_entry(slab, &s->node[i].full, slab_list)
			fn(s, slab, data);
		list_for_each_entry(slab, &s->node[i].free, slab_list)
			fn(s, slab, data);
	}
}

const struct edumm_slab_ops edumm_slab_ops = {
	.open		= edumm_slab_open,
	.release	= edumm_slab_release,
	.alloc		= edumm_slab_alloc,
	.free		= edumm_slab_free,
	.shrink		= edumm_slab_shrink,
	.live		= edumm_slab_live,
	.info		= edumm_slab_info,
	.walk		= edumm_slab_walk,
	.visit		= edumm_slab_visit_slabs,
	.alloc_bulk	= edumm_slab_alloc_bulk,
	.free_bulk	= edumm_slab_free_bulk,
};
