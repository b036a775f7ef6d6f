// SPDX-License-Identifier: GPL-2.0
/*
 * slub.c - the SLUB design of the edumm slab layer, after mm/slub.c (6.1).
 *
 * SLUB keeps no queues of objects: a slab's free objects are chained
 * through a pointer stored inside each free object, and every CPU owns one
 * slab (the "cpu slab") whose chain it pops and pushes without touching
 * anything shared.  Slabs with free objects wait on a per-CPU partial list
 * and on per-node partial lists; full slabs wait nowhere in the kernel
 * (edumm keeps them on node->full so that destroy can list leftovers and
 * the validator can walk them).
 *
 * Lock order (as the comment at the top of mm/slub.c):
 *
 *   1. slab_state->mutex   (slab_mutex: create/destroy/shrink/validate)
 *   2. c->lock             (struct edumm_slub_cpu: one per CPU per cache)
 *   3. n->list_lock        (struct edumm_kmem_cache_node)
 *   4. rcu_lock, then the buddy's pcp/zone locks (edumm_slab_discard())
 *
 *   c->lock guards c->freelist, c->slab, c->partial, c->nr_partial, c->tid
 *   and the list linkage of the slabs on c->partial.  In 6.1 this is a
 *   local_lock that protects only the slow path; the fast path there is a
 *   this_cpu_cmpxchg_double() of (freelist, tid), retried if the task
 *   migrated or was preempted between reading the two (the tid changes on
 *   every operation, so a stale pair never matches).  edumm takes c->lock
 *   on the fast path too, pinned to the CPU (edumm_cpu_get()): the lock is
 *   uncontended except when shrink/destroy flush a remote CPU, and it is
 *   what lets the userspace shim run the same code with threads as CPUs.
 *   c->tid is still bumped by every fast-path operation (debugfs shows it).
 *   The bulk calls hold c->lock for a whole batch (kmem_cache_alloc_bulk()
 *   holds its local_lock the same way) and bump c->tid once per batch.
 *   How the lock could go is in Documentation/benchmarks.rst ("How the
 *   per-CPU lock could go").
 *
 *   n->list_lock guards n->partial, n->full, the counters of the node, and
 *   the freelist/inuse/frozen/quarantined of every slab of the node that no
 *   CPU owns; a frozen slab's slab->freelist (remote frees) is also changed
 *   under it.  The kernel does the latter with cmpxchg_double on
 *   (freelist, counters) and takes list_lock only when a slab changes list.
 *
 * Slab states:
 *
 *   new ---> frozen (cpu slab) ---- exhausted ----> full (node->full)
 *              ^    |  deactivate                    | first free
 *              |    v                                v
 *   cpu partial (frozen) <--------------- frozen onto this CPU's partial
 *              |  more than cpu_partial_slabs: unfreeze
 *              v
 *   node partial ---- last object freed, nr_partial >= min_partial ---> buddy
 *
 * Object and slab layout (no debug flags), kmalloc-64, order 0:
 *
 *   page: | obj 0 | obj 1 | obj 2 | ... | obj 63 |       (64 * 64 = 4096)
 *   free object: | 32 bytes | free ptr (8) | 24 bytes |   offset = 32
 *   free ptr stored = next ^ s->random ^ swab(address of the free ptr)
 *                     (CONFIG_SLAB_FREELIST_HARDENED; plain when off)
 *
 * Worked example: kmem_cache_create("a", 64, ...) on a 2-CPU machine:
 * min_objects = 4 * (fls(2) + 1) = 12; order 0 holds 64 objects with 0
 * bytes left, so order 0, 64 objects per slab, min_partial =
 * max(5, min(10, ilog2(64) / 2)) = 5, cpu_partial_slabs =
 * DIV_ROUND_UP(120 * 2, 64) = 4.  The first alloc on CPU 0 finds no cpu
 * slab, no partial, takes a page from the buddy, freezes it as cpu slab
 * and returns object 0; the next 63 allocs pop the chain (fast path).
 * The 65th takes the slab's remote-free chain (empty): the slab becomes
 * full and goes to node->full; a new slab follows.  A free of an object of
 * the full slab moves it (frozen) onto CPU 0's partial list.
 */
#include "slab_internal.h"

#define EDUMM_SLUB_MAX_ORDER	EDUMM_COSTLY_ORDER	/* slub_max_order */
#define EDUMM_SLUB_MIN_ORDER	0			/* slub_min_order */
#define EDUMM_MAX_OBJS_PER_PAGE	32767			/* since slab.objects is u15 */
#define EDUMM_MIN_PARTIAL	5
#define EDUMM_MAX_PARTIAL	10
#define EDUMM_SLAB_HARDENED	BIT(20)			/* internal: XOR free pointers */

/*** Free pointers ***/

static inline void *edumm_freelist_ptr(const struct edumm_kmem_cache *s, void *ptr,
				       unsigned long ptr_addr)
{
	if (s->flags & EDUMM_SLAB_HARDENED)
		return (void *)((unsigned long)ptr ^ s->random ^ swab(ptr_addr));
	return ptr;
}

static inline void *edumm_get_freepointer(const struct edumm_kmem_cache *s, void *obj)
{
	unsigned long ptr_addr = (unsigned long)obj + s->offset;

	return edumm_freelist_ptr(s, *(void **)ptr_addr, ptr_addr);
}

static inline void edumm_set_freepointer(const struct edumm_kmem_cache *s, void *obj, void *fp)
{
	unsigned long ptr_addr = (unsigned long)obj + s->offset;

	*(void **)ptr_addr = edumm_freelist_ptr(s, fp, ptr_addr);
}

/*** Geometry: calculate_order() of 6.1 ***/

static inline unsigned int edumm_order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)((EDUMM_PAGE_SIZE << order) / size);
}

static unsigned int edumm_calc_slab_order(unsigned int size, unsigned int min_objects,
					  unsigned int max_order, unsigned int fract_leftover)
{
	unsigned int min_order = EDUMM_SLUB_MIN_ORDER;
	unsigned int order;

	if (edumm_order_objects(min_order, size) > EDUMM_MAX_OBJS_PER_PAGE)
		return get_order((unsigned long)size * EDUMM_MAX_OBJS_PER_PAGE) - 1;

	for (order = max_t(unsigned int, min_order, get_order((unsigned long)min_objects * size));
	     order <= max_order; order++) {
		unsigned int slab_size = (unsigned int)EDUMM_PAGE_SIZE << order;
		unsigned int rem = slab_size % size;

		if (rem <= slab_size / fract_leftover)
			break;
	}
	return order;
}

static int edumm_calculate_order(unsigned int size)
{
	unsigned int order, min_objects, max_objects, nr_cpus;

	/* slub_min_objects == 0: derive from the CPUs, as 6.1 does */
	nr_cpus = edumm_nr_present_cpus();
	if (nr_cpus <= 1)
		nr_cpus = edumm_nr_cpu_ids();
	min_objects = 4 * (fls(nr_cpus) + 1);
	max_objects = edumm_order_objects(EDUMM_SLUB_MAX_ORDER, size);
	min_objects = min(min_objects, max_objects);

	while (min_objects > 1) {
		unsigned int fraction = 16;

		while (fraction >= 4) {
			order = edumm_calc_slab_order(size, min_objects, EDUMM_SLUB_MAX_ORDER,
						      fraction);
			if (order <= EDUMM_SLUB_MAX_ORDER)
				return order;
			fraction /= 2;
		}
		min_objects--;
	}
	/* one object per slab, then any order up to MAX_ORDER - 1 */
	order = edumm_calc_slab_order(size, 1, EDUMM_SLUB_MAX_ORDER, 1);
	if (order <= EDUMM_SLUB_MAX_ORDER)
		return order;
	order = edumm_calc_slab_order(size, 1, EDUMM_MAX_ORDER, 1);
	if (order < EDUMM_MAX_ORDER)
		return order;
	return -E2BIG;
}

static int edumm_slub_open(struct edumm_kmem_cache *s)
{
	struct edumm_pool *pool = s->pool;
	unsigned int i, nr_objects;
	int order;

	edumm_slab_debug_layout(s, true);
	order = edumm_calculate_order(s->size);
	if (order < 0)
		return -E2BIG;
	s->order = order;
	s->objects = edumm_order_objects(order, s->size);
	if (!s->objects)
		return -E2BIG;
	if (pool->slab->freelist_hardened) {
		s->flags |= EDUMM_SLAB_HARDENED;
		s->random = edumm_random_long();
	}
	s->min_partial = min_t(unsigned long, EDUMM_MAX_PARTIAL, ilog2(s->size) / 2);
	s->min_partial = max_t(unsigned long, EDUMM_MIN_PARTIAL, s->min_partial);

	/* set_cpu_partial(): none for debug caches, as kmem_cache_has_cpu_partial() */
	if (edumm_slab_debug(s))
		nr_objects = 0;
	else if (s->size >= EDUMM_PAGE_SIZE)
		nr_objects = 6;
	else if (s->size >= 1024)
		nr_objects = 24;
	else if (s->size >= 256)
		nr_objects = 52;
	else
		nr_objects = 120;
	s->cpu_partial_slabs = DIV_ROUND_UP(nr_objects * 2, s->objects);

	s->cpu = edumm_meta_alloc(pool->nr_cpus * sizeof(*s->cpu));
	s->node = edumm_meta_alloc(pool->nr_nodes * sizeof(*s->node));
	if (!s->cpu || !s->node) {
		edumm_meta_free(s->cpu);
		edumm_meta_free(s->node);
		return -ENOMEM;
	}
	for (i = 0; i < pool->nr_cpus; i++) {
		/* guards this CPU's slab, freelist, partial list and tid */
		edumm_lock_init(&s->cpu[i].lock);
		INIT_LIST_HEAD(&s->cpu[i].partial);
	}
	for (i = 0; i < pool->nr_nodes; i++) {
		/* guards the node's lists, counters and non-frozen slabs */
		edumm_lock_init(&s->node[i].list_lock);
		INIT_LIST_HEAD(&s->node[i].partial);
		INIT_LIST_HEAD(&s->node[i].full);
		INIT_LIST_HEAD(&s->node[i].free);
	}
	return 0;
}

/*** Lists (n->list_lock held) ***/

static void edumm_add_partial(struct edumm_kmem_cache_node *n, struct edumm_slab *slab, bool tail)
{
	if (tail)
		list_add_tail(&slab->slab_list, &n->partial);
	else
		list_add(&slab->slab_list, &n->partial);
	slab->list = EDUMM_SLAB_LIST_PARTIAL;
	n->nr_partial++;
}

static void edumm_add_full(struct edumm_kmem_cache_node *n, struct edumm_slab *slab)
{
	list_add(&slab->slab_list, &n->full);
	slab->list = EDUMM_SLAB_LIST_FULL;
	n->nr_full++;
}

static void edumm_remove_from_list(struct edumm_kmem_cache_node *n, struct edumm_slab *slab)
{
	list_del_init(&slab->slab_list);
	if (slab->list == EDUMM_SLAB_LIST_PARTIAL)
		n->nr_partial--;
	else if (slab->list == EDUMM_SLAB_LIST_FULL)
		n->nr_full--;
	slab->list = EDUMM_SLAB_LIST_NONE;
}

/* The slab leaves the node's accounting; the caller discards it unlocked. */
static void edumm_slub_unaccount(struct edumm_kmem_cache_node *n, struct edumm_slab *slab,
				 struct list_head *discard)
{
	n->nr_slabs--;
	n->total_objects -= slab->objects;
	list_add(&slab->slab_list, discard);
}

static unsigned long edumm_discard_list(struct edumm_kmem_cache *s, struct list_head *discard)
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

static inline unsigned int edumm_live(const struct edumm_slab *slab)
{
	return slab->inuse - slab->quarantined;
}

/*** Slow paths ***/

/*
 * deactivate_slab(): give a cpu slab back to its node, with the objects
 * of the CPU's chain.  c->lock held.
 */
static void edumm_deactivate_slab(struct edumm_kmem_cache *s, struct edumm_slab *slab,
				  void *freelist, struct list_head *discard)
{
	struct edumm_kmem_cache_node *n = &s->node[slab->node];

	edumm_slab_count(s, EDUMM_SLAB_DEACTIVATE, 1);
	edumm_lock(&n->list_lock);
	while (freelist) {
		void *next = edumm_get_freepointer(s, freelist);

		edumm_set_freepointer(s, freelist, slab->freelist);
		slab->freelist = freelist;
		slab->inuse--;
		freelist = next;
	}
	slab->frozen = 0;
	if (!edumm_live(slab) && n->nr_partial >= s->min_partial)
		edumm_slub_unaccount(n, slab, discard);
	else if (slab->freelist)
		edumm_add_partial(n, slab, true);
	else
		edumm_add_full(n, slab);
	edumm_unlock(&n->list_lock);
}

/* __unfreeze_partials(): the CPU's partial slabs go to their nodes. */
static void edumm_unfreeze_partials(struct edumm_kmem_cache *s, struct edumm_slub_cpu *c,
				    struct list_head *discard)
{
	while (!list_empty(&c->partial)) {
		struct edumm_slab *slab;
		struct edumm_kmem_cache_node *n;

		slab = list_first_entry(&c->partial, struct edumm_slab, slab_list);
		n = &s->node[slab->node];
		list_del_init(&slab->slab_list);
		slab->list = EDUMM_SLAB_LIST_NONE;
		c->nr_partial--;
		edumm_lock(&n->list_lock);
		slab->frozen = 0;
		if (!edumm_live(slab) && n->nr_partial >= s->min_partial) {
			edumm_slub_unaccount(n, slab, discard);
		} else {
			edumm_add_partial(n, slab, true);
			edumm_slab_count(s, EDUMM_SLAB_FREE_ADD_PARTIAL, 1);
		}
		edumm_unlock(&n->list_lock);
	}
}

/* put_cpu_partial(): a slab frozen on free joins this CPU's partial list. */
static void edumm_put_cpu_partial(struct edumm_kmem_cache *s, struct edumm_slub_cpu *c,
				  struct edumm_slab *slab, struct list_head *discard)
{
	if (c->nr_partial >= s->cpu_partial_slabs) {
		edumm_unfreeze_partials(s, c, discard);
		edumm_slab_count(s, EDUMM_SLAB_CPU_PARTIAL_DRAIN, 1);
	}
	list_add(&slab->slab_list, &c->partial);
	slab->list = EDUMM_SLAB_LIST_CPU;
	c->nr_partial++;
	edumm_slab_count(s, EDUMM_SLAB_FREE_CPU_PARTIAL, 1);
}

/*
 * get_partial_node(): freeze the first partial slab of node @ni as the
 * CPU's slab and move more onto the CPU's partial list, up to half of
 * cpu_partial_slabs.  c->lock held.
 */
static struct edumm_slab *edumm_get_partial_node(struct edumm_kmem_cache *s,
						 struct edumm_slub_cpu *c, unsigned int ni)
{
	struct edumm_kmem_cache_node *n = &s->node[ni];
	struct edumm_slab *slab, *next, *object = NULL;

	edumm_lock(&n->list_lock);
	list_for_each_entry_safe(slab, next, &n->partial, slab_list) {
		edumm_remove_from_list(n, slab);
		slab->frozen = 1;
		if (!object) {
			object = slab;
			edumm_slab_count(s, EDUMM_SLAB_ALLOC_NODE_PARTIAL, 1);
		} else {
			list_add_tail(&slab->slab_list, &c->partial);
			slab->list = EDUMM_SLAB_LIST_CPU;
			c->nr_partial++;
		}
		if (!s->cpu_partial_slabs || c->nr_partial > s->cpu_partial_slabs / 2)
			break;
	}
	edumm_unlock(&n->list_lock);
	return object;
}

static unsigned int edumm_local_node(struct edumm_pool *pool)
{
	int nid = edumm_numa_node_id();
	unsigned int n;

	for (n = 0; n < pool->nr_nodes; n++)
		if (pool->nodes[n].nid == nid)
			return n;
	return 0;
}

/*
 * ___slab_alloc() without new_slab: the cpu slab's remote frees, the
 * CPU's partial list, the nodes' partial lists.  c->lock held.
 */
static void *edumm_slub_slow_locked(struct edumm_kmem_cache *s, struct edumm_slub_cpu *c)
{
	struct edumm_pool *pool = s->pool;
	unsigned int local = edumm_local_node(pool), i;
	struct edumm_slab *slab;

	for (;;) {
		slab = c->slab;
		if (slab) {
			struct edumm_kmem_cache_node *n = &s->node[slab->node];
			void *freelist;

			/* get_freelist(): take the chain of remote frees */
			edumm_lock(&n->list_lock);
			freelist = slab->freelist;
			slab->freelist = NULL;
			slab->inuse = slab->objects;
			if (!freelist) {
				slab->frozen = 0;
				edumm_add_full(n, slab);
			}
			edumm_unlock(&n->list_lock);
			if (freelist) {
				c->freelist = edumm_get_freepointer(s, freelist);
				c->tid++;
				edumm_slab_count(s, EDUMM_SLAB_ALLOC_REFILL, 1);
				return freelist;
			}
			c->slab = NULL;
			edumm_slab_count(s, EDUMM_SLAB_DEACTIVATE, 1);
		}
		if (!list_empty(&c->partial)) {
			slab = list_first_entry(&c->partial, struct edumm_slab, slab_list);
			list_del_init(&slab->slab_list);
			slab->list = EDUMM_SLAB_LIST_NONE;
			c->nr_partial--;
			c->slab = slab;
			edumm_slab_count(s, EDUMM_SLAB_ALLOC_CPU_PARTIAL, 1);
			continue;
		}
		/* get_partial(): the local node first, then any other */
		slab = edumm_get_partial_node(s, c, local);
		for (i = 0; !slab && i < pool->nr_nodes; i++)
			if (i != local)
				slab = edumm_get_partial_node(s, c, i);
		if (!slab)
			return NULL;
		c->slab = slab;
	}
}

/* allocate_slab(): a new slab with its objects chained in order. */
static struct edumm_slab *edumm_slub_new_slab(struct edumm_kmem_cache *s, unsigned int gfp)
{
	struct edumm_slab *slab = edumm_slab_new(s, gfp, s->order, EDUMM_SLAB_KIND_SLAB);
	unsigned int i;
	void *prev = NULL;

	if (!slab)
		return NULL;
	edumm_slab_count(s, EDUMM_SLAB_ALLOC_NEW_SLAB, 1);
	slab->objects = s->objects;
	for (i = s->objects; i-- > 0;) {
		void *obj = edumm_slab_obj(s, slab, i);

		if (edumm_slab_debug(s))
			edumm_slab_debug_init_object(s, obj);
		if (s->ctor)
			s->ctor(obj);
		edumm_set_freepointer(s, obj, prev);
		prev = obj;
	}
	slab->freelist = prev;
	return slab;
}

/*
 * new_slab() and its installation as the CPU's slab: no lock held while
 * the buddy and metadata are asked.  Returns the slab's first object.
 */
static void *edumm_slub_alloc_new_slab(struct edumm_kmem_cache *s, unsigned int gfp)
{
	struct edumm_slub_cpu *c;
	struct edumm_slab *slab;
	struct list_head discard;
	void *obj;

	INIT_LIST_HEAD(&discard);
	slab = edumm_slub_new_slab(s, gfp);
	if (!slab)
		return NULL;
	c = &s->cpu[edumm_cpu_get()];
	edumm_lock(&c->lock);
	if (c->slab) {
		/* another task of this CPU installed one meanwhile */
		edumm_deactivate_slab(s, c->slab, c->freelist, &discard);
		c->slab = NULL;
		c->freelist = NULL;
	}
	edumm_lock(&s->node[slab->node].list_lock);
	s->node[slab->node].nr_slabs++;
	s->node[slab->node].total_objects += slab->objects;
	edumm_unlock(&s->node[slab->node].list_lock);
	obj = slab->freelist;
	slab->freelist = NULL;
	slab->inuse = slab->objects;
	slab->frozen = 1;
	c->slab = slab;
	c->freelist = edumm_get_freepointer(s, obj);
	c->tid++;
	edumm_unlock(&c->lock);
	edumm_cpu_put();
	edumm_discard_list(s, &discard);
	return obj;
}

static void *edumm_slub_alloc(struct edumm_kmem_cache *s, unsigned int gfp)
{
	unsigned int cpu = edumm_cpu_get();
	struct edumm_slub_cpu *c = &s->cpu[cpu];
	void *obj;

	edumm_lock(&c->lock);
	obj = c->freelist;
	if (likely(obj)) {
		/* the fast path: pop the CPU's chain */
		c->freelist = edumm_get_freepointer(s, obj);
		c->tid++;
		edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_ALLOC_FASTPATH, 1);
		edumm_unlock(&c->lock);
		edumm_cpu_put();
		return obj;
	}
	edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_ALLOC_SLOWPATH, 1);
	obj = edumm_slub_slow_locked(s, c);
	edumm_unlock(&c->lock);
	edumm_cpu_put();
	if (obj)
		return obj;
	return edumm_slub_alloc_new_slab(s, gfp);
}

/*
 * kmem_cache_alloc_bulk() of 6.1: the CPU's chain is popped under one
 * hold of c->lock for the whole batch; when it runs dry, the slow path
 * (remote frees, partial lists) runs under the same hold, and only a new
 * slab drops the lock.  The fast pops are counted once per call.
 */
static size_t edumm_slub_alloc_bulk(struct edumm_kmem_cache *s, unsigned int gfp, size_t nr,
				    void **p)
{
	unsigned int cpu = edumm_cpu_get();
	struct edumm_slub_cpu *c = &s->cpu[cpu];
	unsigned long fast = 0;
	size_t i;

	edumm_lock(&c->lock);
	for (i = 0; i < nr; i++) {
		void *obj = c->freelist;

		if (likely(obj)) {
			c->freelist = edumm_get_freepointer(s, obj);
			p[i] = obj;
			fast++;
			continue;
		}
		edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_ALLOC_SLOWPATH, 1);
		obj = edumm_slub_slow_locked(s, c);
		if (!obj) {
			/* the tid of the pops so far, before the lock is dropped */
			c->tid++;
			edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_ALLOC_FASTPATH, fast);
			fast = 0;
			edumm_unlock(&c->lock);
			edumm_cpu_put();
			obj = edumm_slub_alloc_new_slab(s, gfp);
			if (!obj)
				return i;
			cpu = edumm_cpu_get();
			c = &s->cpu[cpu];
			edumm_lock(&c->lock);
		}
		p[i] = obj;
	}
	c->tid++;
	edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_ALLOC_FASTPATH, fast);
	edumm_unlock(&c->lock);
	edumm_cpu_put();
	return nr;
}

/*
 * do_slab_free() of a chain of @cnt objects of @slab, @head first, linked
 * by their free pointers, @tail's to be set here.  Returns 0, or -EINVAL
 * with nothing freed when @tail is the head of the chain it would join
 * (the naive double free, set_freepointer()'s check); the caller reports.
 */
static int edumm_slub_free_chain(struct edumm_kmem_cache *s, struct edumm_slab *slab,
				 void *head, void *tail, unsigned int cnt)
{
	struct edumm_kmem_cache_node *n = &s->node[slab->node];
	unsigned int cpu = edumm_cpu_get();
	struct edumm_slub_cpu *c = &s->cpu[cpu];
	struct list_head discard;
	void *prior;

	edumm_lock(&c->lock);
	if (likely(slab == c->slab)) {
		if (unlikely(tail == c->freelist))
			goto double_free;
		/* the fast path: push onto the CPU's chain */
		edumm_set_freepointer(s, tail, c->freelist);
		c->freelist = head;
		c->tid++;
		edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_FREE_FASTPATH, cnt);
		edumm_unlock(&c->lock);
		edumm_cpu_put();
		return 0;
	}
	edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_FREE_SLOWPATH, cnt);
	INIT_LIST_HEAD(&discard);

	/* __slab_free() */
	edumm_lock(&n->list_lock);
	prior = slab->freelist;
	if (unlikely(tail == prior)) {
		edumm_unlock(&n->list_lock);
		goto double_free;
	}
	edumm_set_freepointer(s, tail, prior);
	slab->freelist = head;
	slab->inuse -= cnt;
	if (slab->frozen) {
		/* a CPU owns it: it will find the objects on slab->freelist */
		edumm_unlock(&n->list_lock);
		goto out;
	}
	if (!prior) {
		/* it was full */
		edumm_remove_from_list(n, slab);
		if (s->cpu_partial_slabs) {
			slab->frozen = 1;
			edumm_unlock(&n->list_lock);
			edumm_put_cpu_partial(s, c, slab, &discard);
			goto out;
		}
		if (!edumm_live(slab) && n->nr_partial >= s->min_partial) {
			edumm_slub_unaccount(n, slab, &discard);
		} else {
			edumm_add_partial(n, slab, true);
			edumm_slab_count(s, EDUMM_SLAB_FREE_ADD_PARTIAL, 1);
		}
		edumm_unlock(&n->list_lock);
		goto out;
	}
	if (!edumm_live(slab) && n->nr_partial >= s->min_partial) {
		/* slab_empty */
		edumm_remove_from_list(n, slab);
		edumm_slub_unaccount(n, slab, &discard);
		edumm_slab_count(s, EDUMM_SLAB_FREE_REMOVE_PARTIAL, 1);
	}
	edumm_unlock(&n->list_lock);
out:
	edumm_unlock(&c->lock);
	edumm_cpu_put();
	edumm_discard_list(s, &discard);
	return 0;

double_free:
	edumm_unlock(&c->lock);
	edumm_cpu_put();
	return -EINVAL;
}

static int edumm_slub_free(struct edumm_kmem_cache *s, struct edumm_slab *slab, void *obj)
{
	if (likely(!edumm_slub_free_chain(s, slab, obj, obj, 1)))
		return 0;
	edumm_slab_report(s, obj, "Object already free (freelist head)");
	return -EINVAL;
}

#define EDUMM_BULK_LONGS	DIV_ROUND_UP(EDUMM_SLAB_BULK_MAX, BITS_PER_LONG)

static inline bool edumm_bulk_test_and_set(unsigned long *done, size_t i)
{
	unsigned long bit = 1UL << (i % BITS_PER_LONG);
	bool was = done[i / BITS_PER_LONG] & bit;

	done[i / BITS_PER_LONG] |= bit;
	return was;
}

/*
 * kmem_cache_free_bulk() of 6.1: build_detached_freelist() takes the last
 * object not yet freed, chains every other object of its slab found
 * scanning back (giving up after 3 objects of other slabs in a row), and
 * the chain is freed in one go.  @p is not changed: a bitmap marks the
 * objects taken.  Every object is checked as a single free checks it.
 */
static void edumm_slub_free_bulk(struct edumm_kmem_cache *s, size_t nr, void **p)
{
	unsigned long done[EDUMM_BULK_LONGS];
	size_t i = nr;

	memset(done, 0, DIV_ROUND_UP(nr, BITS_PER_LONG) * sizeof(long));
	while (i-- > 0) {
		unsigned int cnt = 1, lookahead = 3;
		uintptr_t start, end;
		struct edumm_slab *slab;
		void *head, *tail, *obj;
		size_t j;

		if (!p[i] || edumm_bulk_test_and_set(done, i))
			continue;
		slab = edumm_slab_check_obj(s, p[i], true);
		if (!slab)
			continue;
		head = p[i];
		tail = head;
		/* the slab's pages are its own: in range means in this slab */
		start = (uintptr_t)slab->addr;
		end = start + (EDUMM_PAGE_SIZE << slab->order);
		for (j = i; j-- > 0;) {
			obj = p[j];
			if (!obj || (done[j / BITS_PER_LONG] & (1UL << (j % BITS_PER_LONG))))
				continue;
			if ((uintptr_t)obj < start || (uintptr_t)obj >= end) {
				if (!--lookahead)
					break;
				continue;
			}
			lookahead = 3;
			edumm_bulk_test_and_set(done, j);
			if (edumm_slab_obj_index(s, slab, obj) < 0) {
				/* misaligned: refused with the single free's report */
				edumm_slab_check_obj(s, obj, true);
				continue;
			}
			if (unlikely(obj == head)) {
				edumm_slab_report(s, obj, "Object already free (freelist head)");
				continue;
			}
			edumm_set_freepointer(s, obj, head);
			head = obj;
			cnt++;
		}
		if (likely(!edumm_slub_free_chain(s, slab, head, tail, cnt)))
			continue;
		/*
		 * The tail meets a double free: one by one, the tail first
		 * (refused and reported), then the rest of the chain.
		 */
		edumm_slub_free(s, slab, tail);
		for (obj = head; --cnt; obj = head) {
			head = edumm_get_freepointer(s, obj);
			edumm_slub_free(s, slab, obj);
		}
	}
}

/* flush_cpu_slab() for any CPU: its lock makes a remote flush safe. */
static void edumm_slub_flush_cpu(struct edumm_kmem_cache *s, unsigned int cpu,
				 struct list_head *discard)
{
	struct edumm_slub_cpu *c = &s->cpu[cpu];

	edumm_lock(&c->lock);
	if (c->slab) {
		edumm_deactivate_slab(s, c->slab, c->freelist, discard);
		c->slab = NULL;
		c->freelist = NULL;
		c->tid++;
	}
	edumm_unfreeze_partials(s, c, discard);
	edumm_unlock(&c->lock);
}

static unsigned long edumm_slub_shrink(struct edumm_kmem_cache *s)
{
	struct edumm_pool *pool = s->pool;
	struct list_head discard;
	unsigned int i;

	INIT_LIST_HEAD(&discard);
	for (i = 0; i < pool->nr_cpus; i++)
		edumm_slub_flush_cpu(s, i, &discard);
	for (i = 0; i < pool->nr_nodes; i++) {
		struct edumm_kmem_cache_node *n = &s->node[i];
		struct edumm_slab *slab, *next;

		edumm_lock(&n->list_lock);
		list_for_each_entry_safe(slab, next, &n->partial, slab_list) {
			if (edumm_live(slab))
				continue;
			edumm_remove_from_list(n, slab);
			edumm_slub_unaccount(n, slab, &discard);
		}
		edumm_unlock(&n->list_lock);
	}
	return edumm_discard_list(s, &discard);
}

/* Report the allocated objects of one slab (at most @budget of them). */
static void edumm_slub_list_objects(struct edumm_kmem_cache *s, struct edumm_slab *slab,
				    unsigned int *budget)
{
	unsigned long free_map[4096 / BITS_PER_LONG];
	unsigned int i;
	void *p;

	if (slab->objects > 4096)
		return;
	memset(free_map, 0, sizeof(free_map));
	for (p = slab->freelist, i = 0; p && i < slab->objects; i++) {
		int idx = edumm_slab_obj_index(s, slab, p);

		if (idx < 0)
			break;
		free_map[idx / BITS_PER_LONG] |= 1UL << (idx % BITS_PER_LONG);
		p = edumm_get_freepointer(s, p);
	}
	for (i = 0; i < slab->objects && *budget; i++) {
		if (free_map[i / BITS_PER_LONG] & (1UL << (i % BITS_PER_LONG)))
			continue;
		if (slab->obj_state && slab->obj_state[i] == EDUMM_OBJ_QUARANTINED)
			continue;
		(*budget)--;
		edumm_report("%s: object %u of slab pfn %#lx still allocated\n", s->name, i,
			     edumm_slab_pfn(s->pool, slab));
	}
}

static unsigned long edumm_slub_live(struct edumm_kmem_cache *s, bool report)
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
				live += edumm_live(slab);
				if (report && edumm_live(slab))
					edumm_slub_list_objects(s, slab, &budget);
			}
		edumm_unlock(&n->list_lock);
	}
	return live;
}

static void edumm_slub_release(struct edumm_kmem_cache *s)
{
	struct edumm_pool *pool = s->pool;
	struct list_head discard;
	unsigned int i;

	INIT_LIST_HEAD(&discard);
	for (i = 0; i < pool->nr_cpus; i++)
		edumm_slub_flush_cpu(s, i, &discard);
	for (i = 0; i < pool->nr_nodes; i++) {
		struct edumm_kmem_cache_node *n = &s->node[i];
		struct list_head *lists[2] = { &n->partial, &n->full };
		unsigned int l;

		edumm_lock(&n->list_lock);
		for (l = 0; l < 2; l++)
			while (!list_empty(lists[l])) {
				struct edumm_slab *slab;

				slab = list_first_entry(lists[l], struct edumm_slab, slab_list);
				edumm_remove_from_list(n, slab);
				edumm_slub_unaccount(n, slab, &discard);
			}
		edumm_unlock(&n->list_lock);
	}
	edumm_discard_list(s, &discard);
	edumm_meta_free(s->cpu);
	edumm_meta_free(s->node);
}

static void edumm_slub_info(struct edumm_kmem_cache *s, struct edumm_cache_info *info)
{
	struct edumm_pool *pool = s->pool;
	unsigned long free = 0;
	unsigned int i;

	for (i = 0; i < pool->nr_nodes; i++) {
		struct edumm_kmem_cache_node *n = &s->node[i];
		struct edumm_slab *slab;

		edumm_lock(&n->list_lock);
		info->num_slabs += n->nr_slabs;
		info->num_objs += n->total_objects;
		info->partial += n->nr_partial;
		/* count_partial(): free objects of the node partial slabs */
		list_for_each_entry(slab, &n->partial, slab_list)
			free += slab->objects - slab->inuse;
		edumm_unlock(&n->list_lock);
	}
	for (i = 0; i < pool->nr_cpus; i++) {
		struct edumm_slub_cpu *c = &s->cpu[i];

		edumm_lock(&c->lock);
		info->cpu_slabs += (c->slab ? 1 : 0) + c->nr_partial;
		edumm_unlock(&c->lock);
	}
	info->active_slabs = info->num_slabs;
	info->active_objs = info->num_objs - min(free, info->num_objs);
}

/* Walk a chain of free objects of @slab: count them, or report errors. */
static unsigned int edumm_walk_chain(struct edumm_kmem_cache *s, struct edumm_slab *slab,
				     void *p, unsigned long *errors, struct edumm_out *out)
{
	unsigned int nr = 0;

	while (p) {
		if (nr >= slab->objects || edumm_slab_obj_index(s, slab, p) < 0) {
			edumm_slab_violation(errors, out,
					     "%s: slab pfn %#lx: freelist corrupt after %u objects\n",
					     s->name, edumm_slab_pfn(s->pool, slab), nr);
			break;
		}
		nr++;
		p = edumm_get_freepointer(s, p);
	}
	return nr;
}

static void edumm_slub_check_slab(struct edumm_kmem_cache *s, struct edumm_slab *slab,
				  unsigned int list, bool frozen, void *cpu_chain,
				  unsigned long *errors, struct edumm_out *out)
{
	unsigned int nr_free, nr_cpu = 0;

	if (slab->kind != EDUMM_SLAB_KIND_SLAB || slab->cache != s || slab->list != list ||
	    slab->frozen != frozen || slab->objects != s->objects) {
		edumm_slab_violation(errors, out,
				     "%s: slab pfn %#lx: kind %u list %u (want %u) frozen %u objects %u\n",
				     s->name, edumm_slab_pfn(s->pool, slab), slab->kind, slab->list,
				     list, slab->frozen, slab->objects);
		return;
	}
	nr_free = edumm_walk_chain(s, slab, slab->freelist, errors, out);
	if (cpu_chain)
		nr_cpu = edumm_walk_chain(s, slab, cpu_chain, errors, out);
	if (slab->inuse + nr_free != slab->objects || nr_cpu > slab->inuse ||
	    slab->quarantined > slab->inuse)
		edumm_slab_violation(errors, out,
				     "%s: slab pfn %#lx: inuse %u + free %u != objects %u (cpu chain %u)\n",
				     s->name, edumm_slab_pfn(s->pool, slab), slab->inuse, nr_free,
				     slab->objects, nr_cpu);
	if (list == EDUMM_SLAB_LIST_FULL && nr_free)
		edumm_slab_violation(errors, out, "%s: full slab pfn %#lx has %u free objects\n",
				     s->name, edumm_slab_pfn(s->pool, slab), nr_free);
	if (list == EDUMM_SLAB_LIST_PARTIAL && !nr_free)
		edumm_slab_violation(errors, out, "%s: partial slab pfn %#lx has no free object\n",
				     s->name, edumm_slab_pfn(s->pool, slab));
	*errors += edumm_slab_debug_check_slab(s, slab, out);
}

static unsigned long edumm_slub_walk(struct edumm_kmem_cache *s, struct edumm_out *out)
{
	struct edumm_pool *pool = s->pool;
	unsigned long errors = 0, *slabs;
	struct edumm_slab *slab;
	unsigned int i;

	/* slabs found per node, to compare with nr_slabs */
	unsigned long found[8] = { 0 };

	slabs = found;
	for (i = 0; i < pool->nr_cpus; i++) {
		struct edumm_slub_cpu *c = &s->cpu[i];
		unsigned int nr = 0;

		if (c->slab) {
			edumm_slub_check_slab(s, c->slab, EDUMM_SLAB_LIST_NONE, true, c->freelist,
					      &errors, out);
			if (c->slab->node < 8)
				slabs[c->slab->node]++;
		} else if (c->freelist) {
			edumm_slab_violation(&errors, out, "%s: cpu %u has a freelist, no slab\n",
					     s->name, i);
		}
		list_for_each_entry(slab, &c->partial, slab_list) {
			edumm_slub_check_slab(s, slab, EDUMM_SLAB_LIST_CPU, true, NULL, &errors,
					      out);
			if (slab->node < 8)
				slabs[slab->node]++;
			nr++;
		}
		if (nr != c->nr_partial)
			edumm_slab_violation(&errors, out, "%s: cpu %u: nr_partial %u, listed %u\n",
					     s->name, i, c->nr_partial, nr);
	}
	for (i = 0; i < pool->nr_nodes; i++) {
		struct edumm_kmem_cache_node *n = &s->node[i];
		unsigned long nr_partial = 0, nr_full = 0;

		list_for_each_entry(slab, &n->partial, slab_list) {
			edumm_slub_check_slab(s, slab, EDUMM_SLAB_LIST_PARTIAL, false, NULL,
					      &errors, out);
			nr_partial++;
		}
		list_for_each_entry(slab, &n->full, slab_list) {
			edumm_slub_check_slab(s, slab, EDUMM_SLAB_LIST_FULL, false, NULL,
					      &errors, out);
			nr_full++;
		}
		if (nr_partial != n->nr_partial || nr_full != n->nr_full)
			edumm_slab_violation(&errors, out,
					     "%s: node %u: partial %lu/%lu full %lu/%lu (listed/counted)\n",
					     s->name, i, nr_partial, n->nr_partial, nr_full,
					     n->nr_full);
		if (i < 8 && nr_partial + nr_full + slabs[i] != n->nr_slabs)
			edumm_slab_violation(&errors, out,
					     "%s: node %u: %lu slabs found, %lu counted\n", s->name,
					     i, nr_partial + nr_full + slabs[i], n->nr_slabs);
		if (n->total_objects != n->nr_slabs * s->objects)
			edumm_slab_violation(&errors, out, "%s: node %u: total_objects %lu\n",
					     s->name, i, n->total_objects);
	}
	return errors;
}

static void edumm_slub_visit(struct edumm_kmem_cache *s,
			     void (*fn)(struct edumm_kmem_cache *s, struct edumm_slab *slab,
					void *data),
			     void *data)
{
	struct edumm_slab *slab;
	unsigned int i;

	for (i = 0; i < s->pool->nr_cpus; i++) {
		if (s->cpu[i].slab)
			fn(s, s->cpu[i].slab, data);
		list_for_each_entry(slab, &s->cpu[i].partial, slab_list)
			fn(s, slab, data);
	}
	for (i = 0; i < s->pool->nr_nodes; i++) {
		list_for_each_entry(slab, &s->node[i].partial, slab_list)
			fn(s, slab, data);
		list_for_each_entry(slab, &s->node[i].full, slab_list)
			fn(s, slab, data);
	}
}

const struct edumm_slab_ops edumm_slub_ops = {
	.open		= edumm_slub_open,
	.release	= edumm_slub_release,
	.alloc		= edumm_slub_alloc,
	.free		= edumm_slub_free,
	.shrink		= edumm_slub_shrink,
	.live		= edumm_slub_live,
	.info		= edumm_slub_info,
	.walk		= edumm_slub_walk,
	.visit		= edumm_slub_visit,
	.alloc_bulk	= edumm_slub_alloc_bulk,
	.free_bulk	= edumm_slub_free_bulk,
};
