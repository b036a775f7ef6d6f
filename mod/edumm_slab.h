/* SPDX-License-Identifier: GPL-2.0 */
/*
 * edumm slab layer: one kmem_cache API, three designs (SLUB, SLAB, SLOB),
 * and kmalloc size classes on top, all inside the edumm pool.
 *
 * Files (pure core: they include only this header, edumm_core.h and
 * edumm_env.h, and compile unmodified into the unit tests and the fuzzer):
 *   slab_common.c  create/destroy/merge, the cache list, layout helpers,
 *                  slab pages from the buddy, /proc/slabinfo printer
 *   slub.c         SLUB: per-CPU slab + lockless-style freelist, partials
 *   slab_slab.c    SLAB: array_cache, shared array, three slab lists
 *   slob.c         SLOB: first-fit units in pages shared by every cache
 *   slab_debug.c   poison, red zones, store_user, consistency checks
 *   kmalloc.c      size classes, size_index[], kmalloc_large, kfree
 *
 * From an object pointer to its cache (kfree, and every debug check):
 *
 *   ptr --edumm_virt_to_pfn()--> pfn --edumm_pfn_to_page()--> struct
 *   edumm_page (pool->pages[i]) --i--> struct edumm_slab
 *   (pool->slab->slabs[i]) --head--> the slab's head entry --> ->cache
 *
 * The kernel overlays struct slab on struct page (both 64 bytes).  edumm's
 * struct edumm_page is kept at 24 bytes for the buddy, so the slab fields
 * live in a twin array, one struct edumm_slab per pool page, indexed like
 * pool->pages and allocated when the slab layer starts
 * (edumm_slab_init()).  It costs sizeof(struct edumm_slab) (104 bytes on
 * x86-64) per pool page: 1.6 MiB for a 64 MiB pool, 2.5% of it, against
 * 0 extra bytes in the kernel, where the fields share struct page's 64.
 * Only an entry whose ->kind is EDUMM_SLAB_KIND_SLAB / _LARGE / _SLOB is
 * the slab layer's; every other pool page (free, pcp, handed to a client
 * by EDUMM_IOC_PAGE_ALLOC) has kind EDUMM_SLAB_KIND_NONE, which is how
 * kfree() refuses a pointer the slab layer did not hand out.
 *
 * Lock order (outermost first), on top of edumm_core.h's:
 *   1. slab_state->mutex      (slab_mutex: the cache list, create/destroy,
 *                              aliases; a sleeping lock)
 *   2. SLUB: cpu->lock        (per cache per CPU: that CPU's slab, freelist,
 *                              partial list and tid)
 *      SLAB: ac->lock         (per cache per CPU: the array_cache)
 *   3. node->list_lock        (per cache per node: partial/full/free lists,
 *                              shared array, and the freelist/inuse/frozen
 *                              of every slab of the node not owned by a CPU)
 *      slob_lock              (the SLOB page lists, all SLOB pages)
 *   4. slab_state->rcu_lock   (leaf: slabs waiting for a grace period)
 *   5. edumm_core.h's pcp->lock, zone->lock (edumm_alloc_pages/free_pages)
 * No path holds two cpu locks or two list_locks at once.  New slab pages
 * are taken from the buddy with no slab lock held, as allocate_slab() does.
 */
#ifndef _EDUMM_SLAB_H
#define _EDUMM_SLAB_H

#include "edumm_core.h"

/**
 * enum edumm_slab_design - the allocator behind one cache
 * @EDUMM_SLAB_DESIGN_SLUB: mm/slub.c (the kernel's default since 2.6.23)
 * @EDUMM_SLAB_DESIGN_SLAB: mm/slab.c (removed from Linux in 6.8)
 * @EDUMM_SLAB_DESIGN_SLOB: mm/slob.c (removed from Linux in 6.4)
 */
enum edumm_slab_design {
	EDUMM_SLAB_DESIGN_SLUB = 1,
	EDUMM_SLAB_DESIGN_SLAB = 2,
	EDUMM_SLAB_DESIGN_SLOB = 3,
};

#define EDUMM_SLAB_NR_DESIGNS	4	/* array size indexed by design */

extern const char * const edumm_slab_design_names[EDUMM_SLAB_NR_DESIGNS];

/*
 * Cache flags: edumm's own bits with the meaning of the kernel's SLAB_*
 * (same numeric values as the uapi EDUMM_CACHE_* bits).
 */
#define EDUMM_SLAB_HWCACHE_ALIGN	BIT(0)	/* align objects on cache lines */
#define EDUMM_SLAB_POISON		BIT(1)	/* poison free objects 0x6b/0xa5 */
#define EDUMM_SLAB_RED_ZONE		BIT(2)	/* red zones around objects */
#define EDUMM_SLAB_STORE_USER		BIT(3)	/* caller + pid of alloc/free */
#define EDUMM_SLAB_CONSISTENCY_CHECKS	BIT(4)	/* check every alloc/free */
#define EDUMM_SLAB_TYPESAFE_BY_RCU	BIT(5)	/* free slab pages after a GP */
#define EDUMM_SLAB_RECLAIM_ACCOUNT	BIT(6)	/* RECLAIMABLE migratetype */
#define EDUMM_SLAB_CACHE_DMA		BIT(7)	/* lowest zone of the pool */
#define EDUMM_SLAB_FLAGS_MASK		0xffU

#define EDUMM_SLAB_DEBUG_FLAGS	(EDUMM_SLAB_POISON | EDUMM_SLAB_RED_ZONE | \
				 EDUMM_SLAB_STORE_USER | EDUMM_SLAB_CONSISTENCY_CHECKS)
/* Flags that forbid merging, as SLAB_NEVER_MERGE. */
#define EDUMM_SLAB_NEVER_MERGE	(EDUMM_SLAB_DEBUG_FLAGS | EDUMM_SLAB_TYPESAFE_BY_RCU)
/* Flags that must be equal for a merge, as SLAB_MERGE_SAME. */
#define EDUMM_SLAB_MERGE_SAME	(EDUMM_SLAB_RECLAIM_ACCOUNT | EDUMM_SLAB_CACHE_DMA)

/* Internal flags (never from the uapi), as the kernel's __OBJECT_POISON... */
#define EDUMM_SLAB_KMALLOC		BIT(16)	/* a kmalloc-* cache */
#define EDUMM_SLAB_OBJ_POISON		BIT(17)	/* __OBJECT_POISON: poison the object */
#define EDUMM_SLAB_CFLGS_OBJFREELIST	BIT(18)	/* SLAB: freelist inside an object */
#define EDUMM_SLAB_CFLGS_OFF_SLAB	BIT(19)	/* SLAB: freelist outside the slab */

/* gfp bits of the slab API (the glue maps the uapi's onto these). */
#define EDUMM_GFP_HIGH		BIT(0)	/* __GFP_HIGH: EDUMM_AF_HIGH for slab pages */
#define EDUMM_GFP_ZERO		BIT(1)	/* __GFP_ZERO: zeroed object */
#define EDUMM_GFP_RECLAIMABLE	BIT(2)	/* kmalloc: the kmalloc-rcl-* classes */
#define EDUMM_GFP_DMA		BIT(3)	/* kmalloc: the dma-kmalloc-* classes */
#define EDUMM_GFP_MASK		0xfU
/* There is no EDUMM_GFP_NOFAIL: every allocation may fail. */

/* Limits */
#define EDUMM_SLAB_NAME_LEN	32	/* name incl. NUL, as the uapi's */
#define EDUMM_SLAB_BULK_MAX	1024	/* objects per bulk call */
#define EDUMM_SLAB_MAX_ALIGN	4096	/* largest align argument */
/* Largest object of a cache: one order-10 block, as KMALLOC_MAX_SIZE. */
#define EDUMM_SLAB_MAX_SIZE	(1U << (EDUMM_PAGE_SHIFT + EDUMM_MAX_ORDER - 1))

/* kmalloc (6.1, SLUB's classes): 8 .. 8 KiB, plus 96 and 192 */
#define EDUMM_KMALLOC_SHIFT_LOW		3
#define EDUMM_KMALLOC_SHIFT_HIGH	(EDUMM_PAGE_SHIFT + 1)	/* 8 KiB */
#define EDUMM_KMALLOC_MAX_CACHE_SIZE	((unsigned int)BIT(EDUMM_KMALLOC_SHIFT_HIGH))
#define EDUMM_KMALLOC_MAX_SIZE		EDUMM_SLAB_MAX_SIZE
#define EDUMM_KMALLOC_MIN_SIZE		((unsigned int)BIT(EDUMM_KMALLOC_SHIFT_LOW))
#define EDUMM_KMALLOC_NR_INDEX		(EDUMM_KMALLOC_SHIFT_HIGH + 1)

/**
 * enum edumm_kmalloc_type - the kmalloc class sets, as enum kmalloc_cache_type
 * @EDUMM_KMALLOC_NORMAL: kmalloc-<size>, UNMOVABLE pages
 * @EDUMM_KMALLOC_RECLAIM: kmalloc-rcl-<size>, RECLAIMABLE pages
 * @EDUMM_KMALLOC_DMA: dma-kmalloc-<size>, pages of the lowest zone of the pool
 * @EDUMM_NR_KMALLOC_TYPES: number of sets
 */
enum edumm_kmalloc_type {
	EDUMM_KMALLOC_NORMAL,
	EDUMM_KMALLOC_RECLAIM,
	EDUMM_KMALLOC_DMA,
	EDUMM_NR_KMALLOC_TYPES,
};

/**
 * enum edumm_slab_stat_item - per-cache event counters, per CPU
 *
 * Bumped only through edumm_slab_count(); summed by
 * edumm_kmem_cache_info().  Names (as in /sys/kernel/slab/<c>/ with
 * CONFIG_SLUB_STATS where one exists) are in edumm_slab_stat_names[].
 */
enum edumm_slab_stat_item {
	EDUMM_SLAB_ALLOC_FASTPATH,	/* SLUB: cpu freelist pop; SLAB: array_cache pop */
	EDUMM_SLAB_ALLOC_SLOWPATH,	/* anything else (refill, new slab, SLOB walk) */
	EDUMM_SLAB_FREE_FASTPATH,	/* SLUB: cpu freelist push; SLAB: array_cache push */
	EDUMM_SLAB_FREE_SLOWPATH,	/* anything else (__slab_free, cache_flusharray, SLOB) */
	EDUMM_SLAB_ALLOC_REFILL,	/* SLUB: took a slab's freelist; SLAB: refilled array */
	EDUMM_SLAB_ALLOC_CPU_PARTIAL,	/* SLUB: cpu slab taken from the per-CPU partial list */
	EDUMM_SLAB_ALLOC_NODE_PARTIAL,	/* SLUB/SLAB: slab taken from the node's partial list */
	EDUMM_SLAB_ALLOC_SHARED,	/* SLAB: array_cache refilled from the shared array */
	EDUMM_SLAB_ALLOC_NEW_SLAB,	/* a new slab (or SLOB page) from the buddy */
	EDUMM_SLAB_ALLOC_FAIL,		/* allocations that returned NULL */
	EDUMM_SLAB_FREE_ADD_PARTIAL,	/* a slab went onto a partial list on free */
	EDUMM_SLAB_FREE_REMOVE_PARTIAL,	/* a slab left the partial list on free (became empty) */
	EDUMM_SLAB_FREE_CPU_PARTIAL,	/* SLUB: a full slab frozen onto the per-CPU partial list */
	EDUMM_SLAB_FREE_FLUSH,		/* SLAB: cache_flusharray() batches */
	EDUMM_SLAB_CPU_PARTIAL_DRAIN,	/* SLUB: per-CPU partial list unfrozen to the node */
	EDUMM_SLAB_DEACTIVATE,		/* SLUB: cpu slab deactivated (deactivate_slab) */
	EDUMM_SLAB_SLAB_FREE,		/* slab pages given back to the buddy */
	EDUMM_SLAB_RCU_DEFERRED,	/* slab frees deferred to after an RCU grace period */
	EDUMM_SLAB_REAP,		/* SLAB: cache_reap() passes that freed something */
	EDUMM_SLAB_DEBUG_ERROR,		/* debug checks that found an error */
	EDUMM_SLAB_QUARANTINED,		/* objects withdrawn from use after an error */
	EDUMM_SLAB_KMALLOC_CALLS,	/* kmalloc-*: allocations through kmalloc */
	EDUMM_SLAB_KMALLOC_REQUESTED,	/* kmalloc-*: bytes asked for */
	EDUMM_SLAB_KMALLOC_ALLOCATED,	/* kmalloc-*: bytes of the classes given */
	NR_EDUMM_SLAB_STATS,
};

extern const char * const edumm_slab_stat_names[NR_EDUMM_SLAB_STATS];

struct edumm_kmem_cache;

/* edumm_slab.kind */
#define EDUMM_SLAB_KIND_NONE	0	/* not the slab layer's page */
#define EDUMM_SLAB_KIND_SLAB	1	/* head page of a SLUB/SLAB slab */
#define EDUMM_SLAB_KIND_TAIL	2	/* other page of a slab / large block */
#define EDUMM_SLAB_KIND_LARGE	3	/* head of a kmalloc_large() block */
#define EDUMM_SLAB_KIND_SLOB	4	/* a SLOB page (order 0) */

/* edumm_slab_obj_state[] values (debug caches and SLOB only) */
#define EDUMM_OBJ_FREE		0
#define EDUMM_OBJ_ALLOCATED	1
#define EDUMM_OBJ_QUARANTINED	2

/**
 * struct edumm_slab - the slab fields of one pool page, as struct slab
 * @slab_list: on one list of the cache's node (or SLOB list, or a CPU's
 *	partial list, or the RCU wait list)
 * @cache: owning cache (NULL for SLOB pages, which every SLOB cache shares)
 * @freelist: SLUB: first free object; SLAB: the freelist_idx_t array;
 *	SLOB: first free block of the page
 * @addr: virtual address of the page (edumm_pfn_to_virt() at creation)
 * @obj_state: SLUB/SLAB debug caches: one byte per object, EDUMM_OBJ_*
 *	(changed under the node's list_lock, so two racing frees of one
 *	object cannot both pass); else NULL
 * @slob_map: SLOB pages: one byte per 2-byte unit, the tag of the cache
 *	whose object starts there (0: no object starts there)
 * @pending: large block: requested size (ksize), for /debugfs kmalloc
 * @rcu: the grace period of a SLAB_TYPESAFE_BY_RCU slab
 * @rcu_done: set by the RCU callback: the pages may go to the buddy
 * @inuse: SLUB: objects not on @freelist; SLAB: active; SLOB: live objects
 * @objects: objects in the slab; SLOB: free units
 * @head: pages back to the head entry (0 for a head)
 * @colour_off: SLAB: bytes of colour before the first object (s_mem)
 * @quarantined: objects withdrawn after a debug error
 * @kind: EDUMM_SLAB_KIND_*
 * @order: order of the block
 * @frozen: SLUB: owned by a CPU (its slab or on its partial list)
 * @node: index in pool->nodes of the node whose pages these are
 * @list: which list @slab_list is on (EDUMM_SLAB_LIST_*)
 * @dma: SLOB: a page of the lowest zone, for SLAB_CACHE_DMA caches only
 *
 * Guarded, as in the kernel, by whoever owns the slab: a CPU's lock for a
 * frozen slab's list linkage, node->list_lock for the rest (SLUB and SLAB),
 * slob_lock (SLOB).  @kind, @cache, @head, @order, @addr are written
 * before the slab is published on any list and cleared after it leaves
 * the last one.
 */
struct edumm_slab {
	struct list_head slab_list;
	struct edumm_kmem_cache *cache;
	void *freelist;
	void *addr;
	union {
		u8 *obj_state;
		u8 *slob_map;
	};
	size_t pending;
	struct edumm_rcu_head rcu;
	bool rcu_done;
	u16 inuse;
	u16 objects;
	u16 head;
	u16 colour_off;
	u16 quarantined;
	u8 kind;
	u8 order;
	u8 frozen;
	u8 node;
	u8 list;
	u8 dma;
};

/* edumm_slab.list */
#define EDUMM_SLAB_LIST_NONE	0
#define EDUMM_SLAB_LIST_PARTIAL	1	/* node partial (SLUB, SLAB) */
#define EDUMM_SLAB_LIST_FULL	2	/* SLAB slabs_full, SLUB debug full */
#define EDUMM_SLAB_LIST_FREE	3	/* SLAB slabs_free */
#define EDUMM_SLAB_LIST_CPU	4	/* SLUB per-CPU partial */
#define EDUMM_SLAB_LIST_RCU	5	/* waiting for a grace period */
#define EDUMM_SLAB_LIST_SLOB	6	/* one of the SLOB free lists */

/**
 * struct edumm_track - who allocated / freed an object (as struct track)
 * @addr: caller's return address
 * @handle: the kernel's stack depot handle; always 0 (no stack depot)
 * @cpu: CPU of the call
 * @pid: pid of the calling task
 * @when: edumm_jiffies() at the call
 *
 * 32 bytes, like the kernel's with CONFIG_STACKDEPOT, so that a
 * STORE_USER cache has the kernel's object size.
 */
struct edumm_track {
	unsigned long addr;
	u32 handle;
	int cpu;
	int pid;
	unsigned long when;
};

/**
 * struct edumm_array_cache - SLAB's per-CPU (and shared) object stack
 * @lock: per-CPU arrays: guards this array (the kernel disables irqs);
 *	the shared array is guarded by node->list_lock instead
 * @avail: objects on @entry (LIFO: entry[avail - 1] is the hottest)
 * @limit: capacity
 * @batchcount: objects moved per refill / flush
 * @touched: used since the last reap (reap halves untouched arrays)
 * @entry: the objects
 *
 * One cache line each, as SLUB's struct edumm_slub_cpu: the per-CPU arrays
 * of a cache sit side by side in one allocation, and two CPUs writing
 * their own array's lock and @avail must not share a line (measured: the
 * SLAB concurrent pair row took twice the single-CPU time without it).
 */
struct edumm_array_cache {
	struct edumm_lock lock;
	unsigned int avail;
	unsigned int limit;
	unsigned int batchcount;
	unsigned int touched;
	void **entry;
} ____cacheline_aligned_in_smp;

/**
 * struct edumm_slub_cpu - SLUB's struct kmem_cache_cpu
 * @lock: guards every field below (6.1's local_lock; see slub.c)
 * @freelist: next free object of @slab for this CPU
 * @tid: transaction id, bumped by every fast-path operation
 * @slab: the CPU slab (frozen), or NULL
 * @partial: per-CPU partial slabs (frozen)
 * @nr_partial: slabs on @partial
 */
struct edumm_slub_cpu {
	struct edumm_lock lock;
	void *freelist;
	unsigned long tid;
	struct edumm_slab *slab;
	struct list_head partial;
	unsigned int nr_partial;
} ____cacheline_aligned_in_smp;

/**
 * struct edumm_kmem_cache_node - per cache per node, as struct kmem_cache_node
 * @list_lock: guards the lists, the counters, @shared, @colour_next, and
 *	the freelist/inuse/list of every slab on the lists
 * @partial: partial slabs (SLUB: not frozen; SLAB: slabs_partial)
 * @full: SLAB slabs_full; SLUB: full slabs of debug caches
 * @free: SLAB slabs_free
 * @nr_partial: slabs on @partial
 * @nr_full: slabs on @full
 * @nr_free: slabs on @free
 * @nr_slabs: every slab of the cache on this node, wherever it is
 * @total_objects: objects in those slabs
 * @free_objects: SLAB: free objects in the node's slabs and shared array
 * @free_limit: SLAB: free objects kept before slabs go back to the buddy
 * @colour_next: SLAB: colour of the next new slab (0 .. colour - 1)
 * @shared: SLAB: the node's shared array, or NULL
 * @free_touched: SLAB: slabs_free used since the last reap
 */
struct edumm_kmem_cache_node {
	struct edumm_lock list_lock;
	struct list_head partial;
	struct list_head full;
	struct list_head free;
	unsigned long nr_partial;
	unsigned long nr_full;
	unsigned long nr_free;
	unsigned long nr_slabs;
	unsigned long total_objects;
	unsigned long free_objects;
	unsigned int free_limit;
	unsigned int colour_next;
	struct edumm_array_cache *shared;
	bool free_touched;
};

/**
 * struct edumm_slab_cpu_stats - one CPU's counters of one cache
 * @v: indexed by enum edumm_slab_stat_item, written by that CPU only
 */
struct edumm_slab_cpu_stats {
	unsigned long v[NR_EDUMM_SLAB_STATS];
} ____cacheline_aligned_in_smp;

/**
 * struct edumm_kmem_cache - a cache, as struct kmem_cache
 * @list: on slab_state->caches (guarded by slab_state->mutex)
 * @pool: the pool its slabs come from
 * @name: NUL-terminated
 * @design: enum edumm_slab_design
 * @object_size: size the user asked for
 * @size: bytes per object slot, metadata and alignment included
 * @align: alignment of objects
 * @inuse: SLUB: end of object + right red zone (offset of the metadata)
 * @offset: SLUB: offset of the free pointer in a slot
 * @red_left_pad: bytes of left red zone before each object
 * @obj_offset: SLAB/SLOB: offset of the object in its slot (== red_left_pad)
 * @track_offset: offset of the two struct edumm_track (STORE_USER)
 * @flags: EDUMM_SLAB_* (user and internal)
 * @order: pages per slab = 1 << order
 * @objects: objects per slab
 * @mt: migratetype of the slab pages
 * @alloc_flags: EDUMM_AF_* of the slab pages (SLAB_CACHE_DMA: from the
 *	lowest zone type, edumm_alloc_pages_lowest())
 * @random: SLUB: the free pointer's XOR key (SLAB_FREELIST_HARDENED)
 * @min_partial: SLUB: empty slabs kept on a node's partial list
 * @cpu_partial_slabs: SLUB: slabs kept on a CPU's partial list
 * @cpu: SLUB: per-CPU state, nr_cpus entries
 * @colour: SLAB: number of colours
 * @colour_off: SLAB: bytes per colour step
 * @freelist_size: SLAB: bytes of the freelist index array
 * @limit: SLAB: array_cache limit
 * @batchcount: SLAB: array_cache batchcount
 * @shared: SLAB: shared factor (0: no shared array)
 * @ac: SLAB: per-CPU array caches, nr_cpus entries
 * @node: per-node state, pool->nr_nodes entries
 * @ctor: constructor, run once per object when a slab is created
 * @refcount: 1 + aliases merged into it (guarded by slab_state->mutex)
 * @aliases: names of the caches merged into this one, "a b c" (mutex)
 * @stats: per-CPU counters, nr_cpus entries
 * @kmalloc_index: kmalloc class index, -1 for other caches
 * @kmalloc_type: enum edumm_kmalloc_type of a kmalloc cache
 * @slob_tag: SLOB: this cache's tag in slob_map bytes (1..255)
 * @slob_live: SLOB: objects allocated (guarded by slob_lock)
 * @reaps: SLAB: cache_reap() calls so far (the node part runs every 2nd)
 */
struct edumm_kmem_cache {
	struct list_head list;
	struct edumm_pool *pool;
	char name[EDUMM_SLAB_NAME_LEN];
	int design;
	unsigned int object_size;
	unsigned int size;
	unsigned int align;
	unsigned int inuse;
	unsigned int offset;
	unsigned int red_left_pad;
	unsigned int obj_offset;
	unsigned int track_offset;
	unsigned int flags;
	unsigned int order;
	unsigned int objects;
	int mt;
	unsigned int alloc_flags;
	unsigned long random;
	unsigned long min_partial;
	unsigned int cpu_partial_slabs;
	struct edumm_slub_cpu *cpu;
	unsigned int colour;
	unsigned int colour_off;
	unsigned int freelist_size;
	unsigned int limit;
	unsigned int batchcount;
	unsigned int shared;
	struct edumm_array_cache *ac;
	struct edumm_kmem_cache_node *node;
	void (*ctor)(void *obj);
	unsigned int refcount;
	char aliases[128];
	struct edumm_slab_cpu_stats *stats;
	int kmalloc_index;
	int kmalloc_type;
	unsigned int slob_tag;
	unsigned long slob_live;
	unsigned long reaps;
};

/**
 * struct edumm_cache_info - a consistent-enough view of one cache
 * @name: cache name
 * @design: enum edumm_slab_design
 * @object_size: user size
 * @size: slot size
 * @align: object alignment
 * @objs_per_slab: objects per slab (SLOB: 0, it has no fixed slabs)
 * @order: slab order
 * @flags: EDUMM_SLAB_* user flags
 * @active_objs: objects allocated (slabinfo <active_objs>)
 * @num_objs: objects in all slabs (slabinfo <num_objs>)
 * @active_slabs: slabinfo <active_slabs> (slabs with objects in use)
 * @num_slabs: slabs
 * @partial: slabs on node partial lists
 * @cpu_slabs: SLUB: CPU slabs + per-CPU partial slabs
 * @limit: SLAB tunables (0 for the others, as SLUB prints)
 * @batchcount: SLAB tunables
 * @sharedfactor: SLAB tunables
 * @shared_avail: SLAB: objects in the shared arrays
 * @ctor: has a constructor
 * @refcount: 1 + merged aliases
 * @stat: summed counters
 * @errors: errors found and reported (== stat[EDUMM_SLAB_DEBUG_ERROR])
 */
struct edumm_cache_info {
	char name[EDUMM_SLAB_NAME_LEN];
	int design;
	unsigned int object_size, size, align, objs_per_slab, order, flags;
	unsigned long active_objs, num_objs, active_slabs, num_slabs, partial, cpu_slabs;
	unsigned int limit, batchcount, sharedfactor;
	unsigned long shared_avail;
	bool ctor;
	unsigned int refcount;
	unsigned long stat[NR_EDUMM_SLAB_STATS];
	unsigned long errors;
};

/**
 * struct edumm_slab_state - the slab layer of one pool
 * @pool: back pointer
 * @slabs: the twin of pool->pages (see the top of this file)
 * @mutex: slab_mutex: guards @caches, every cache's refcount/aliases,
 *	create/destroy/shrink/validate walks
 * @caches: every cache, in creation order
 * @kmalloc_caches: the kmalloc classes, [type][index]; index as
 *	kmalloc_index(), 1 = 96, 2 = 192, 3 = 8 ... 13 = 8192
 * @kmalloc_design: design of the kmalloc caches
 * @slob_lock: guards @slob_list and every SLOB page's fields and free units
 * @slob_list: SLOB free_slob_small / _medium / _large page lists, then
 *	the same three for SLAB_CACHE_DMA caches (pages of the lowest zone)
 * @map_lock: held (a leaf) while the twin entries of a block are written or
 *	cleared, so that a checker (edumm_stop_machine()) never sees a
 *	half-described block
 * @rcu_lock: guards @rcu_wait and @rcu_inflight (leaf lock)
 * @rcu_wait: slabs waiting for their grace period, then for a process
 *	context call to give them to the buddy (edumm_slab_rcu_reclaim())
 * @rcu_inflight: slabs a reclaimer took off @rcu_wait and has not freed
 *	yet; a cache is not freed while it is not 0 (its slabs point to it)
 * @large: per-CPU counters of kmalloc_large(), indexed like a cache's
 *	(KMALLOC_CALLS, _REQUESTED, _ALLOCATED, SLAB_FREE for blocks freed)
 * @slob_tags: SLOB caches by tag (guarded by @mutex for writes; read by
 *	kfree under slob_lock, and a tag is cleared only once its cache has
 *	no object left)
 * @nomerge: do not merge caches (the kernel's slab_nomerge); false by
 *	default, as in the kernel: a cache whose size and flags fit an
 *	existing one (no ctor, no debug or RCU flag, same design) becomes an
 *	alias of it; its destroy then only drops the alias
 * @freelist_hardened: SLUB XOR-encodes free pointers
 *	(CONFIG_SLAB_FREELIST_HARDENED); true by default, set before caches
 *	are created
 */
struct edumm_slab_state {
	struct edumm_pool *pool;
	struct edumm_slab *slabs;
	struct edumm_mutex mutex;
	struct list_head caches;
	struct edumm_kmem_cache *kmalloc_caches[EDUMM_NR_KMALLOC_TYPES][EDUMM_KMALLOC_NR_INDEX];
	int kmalloc_design;
	struct edumm_lock slob_lock;
	struct list_head slob_list[6];
	struct edumm_lock map_lock;
	struct edumm_lock rcu_lock;
	struct list_head rcu_wait;
	unsigned long rcu_inflight;
	struct edumm_slab_cpu_stats *large;
	struct edumm_kmem_cache *slob_tags[256];
	bool nomerge;
	bool freelist_hardened;
};

/*** The cache API (slab_common.c) ***/

int edumm_slab_init(struct edumm_pool *pool, enum edumm_slab_design kmalloc_design);
void edumm_slab_exit(struct edumm_pool *pool);
struct edumm_kmem_cache *edumm_kmem_cache_create(struct edumm_pool *pool, const char *name,
						 unsigned int size, unsigned int align,
						 unsigned int flags, void (*ctor)(void *),
						 enum edumm_slab_design design, int *err);
/* The same, never merged into an existing cache (the benchmark's caches). */
struct edumm_kmem_cache *edumm_kmem_cache_create_unmerged(struct edumm_pool *pool,
							  const char *name, unsigned int size,
							  unsigned int align, unsigned int flags,
							  void (*ctor)(void *),
							  enum edumm_slab_design design, int *err);
int edumm_kmem_cache_destroy(struct edumm_kmem_cache *s);
void *edumm_kmem_cache_alloc(struct edumm_kmem_cache *s, unsigned int gfp, unsigned long caller);
int edumm_kmem_cache_free(struct edumm_kmem_cache *s, void *obj, unsigned long caller);
int edumm_kmem_cache_alloc_bulk(struct edumm_kmem_cache *s, unsigned int gfp, size_t nr,
				void **p, unsigned long caller);
void edumm_kmem_cache_free_bulk(struct edumm_kmem_cache *s, size_t nr, void **p,
				unsigned long caller);
unsigned long edumm_kmem_cache_shrink(struct edumm_kmem_cache *s);
void edumm_kmem_cache_info(struct edumm_kmem_cache *s, struct edumm_cache_info *info);
size_t edumm_kmem_cache_object_size(const struct edumm_kmem_cache *s);
bool edumm_kmem_cache_owns(struct edumm_kmem_cache *s, const void *obj);
unsigned long edumm_kmem_cache_validate(struct edumm_kmem_cache *s, struct edumm_out *out);
unsigned long edumm_slab_validate_all(struct edumm_pool *pool, struct edumm_out *out);
/* edumm_pool_check()'s part: inside edumm_stop_machine(), slab_mutex held. */
unsigned long edumm_slab_check_frozen(struct edumm_pool *pool, struct edumm_out *out);
/* The glue's walk (debugfs dirs): fn under slab_state->mutex, stops on non-zero. */
int edumm_slab_walk_caches(struct edumm_pool *pool,
			   int (*fn)(struct edumm_kmem_cache *s, void *data), void *data);
/*
 * The contract's name, kept as an alias: checkpatch takes any
 * "..._for_each_...(" at a definition for a loop macro.
 */
#define edumm_slab_for_each_cache(pool, fn, data)	edumm_slab_walk_caches(pool, fn, data)
/* SLAB's cache_reap() for every SLAB cache; the glue calls it every 2 s. */
unsigned long edumm_slab_reap(struct edumm_pool *pool);
/* Give slabs whose RCU grace period ended to the buddy (process context). */
unsigned long edumm_slab_rcu_reclaim(struct edumm_pool *pool);
/* Drain every per-CPU cache of every cache (like kmem_cache_shrink_all). */
void edumm_slab_drain_all(struct edumm_pool *pool);

/*** kmalloc (kmalloc.c) ***/

void *edumm_kmalloc(struct edumm_pool *pool, size_t size, unsigned int gfp, unsigned long caller);
void *edumm_kzalloc(struct edumm_pool *pool, size_t size, unsigned int gfp, unsigned long caller);
void *edumm_krealloc(struct edumm_pool *pool, const void *p, size_t new_size, unsigned int gfp,
		     unsigned long caller);
size_t edumm_ksize(struct edumm_pool *pool, const void *p);
int edumm_kfree(struct edumm_pool *pool, const void *p, unsigned long caller);
/* kmalloc_index(): class index of a size (0 for 0, -1 above 8 KiB). */
int edumm_kmalloc_index(size_t size);
/* Bytes per object of class @index (8 .. 8192, 96, 192). */
unsigned int edumm_kmalloc_size(int index);
/* The cache kmalloc would use for @size / @gfp, NULL above 8 KiB. */
struct edumm_kmem_cache *edumm_kmalloc_slab(struct edumm_pool *pool, size_t size,
					    unsigned int gfp);

/*** /proc-style text (slab_common.c, kmalloc.c, slab_debug.c) ***/

void edumm_show_slabinfo(struct edumm_pool *pool, struct edumm_out *out);
void edumm_show_kmalloc(struct edumm_pool *pool, struct edumm_out *out);
void edumm_show_slab_stats(struct edumm_pool *pool, struct edumm_out *out);
void edumm_show_traces(struct edumm_kmem_cache *s, bool free, struct edumm_out *out);

#endif /* _EDUMM_SLAB_H */
