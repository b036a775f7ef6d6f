/* SPDX-License-Identifier: GPL-2.0 */
/*
 * edumm core: the data structures and internal API of the pure allocator.
 *
 * Everything declared here is implemented in files that include only this
 * header and "edumm_env.h" (the boundary to the kernel, see
 * mod/env/edumm_env.h and its userspace twin tools/testing/shim/).  The same
 * object files' sources compile into edumm.ko and into the unit tests.
 *
 * The model follows struct pglist_data / struct zone of Linux 6.1:
 *
 *   edumm_pool
 *     +- chunks[]            naturally aligned runs of real pages, sorted by
 *     |                      pfn; each belongs to one zone of one node
 *     +- pages[]             one struct edumm_page per pool page, in chunk
 *     |                      order (our mem_map)
 *     +- pb_mt[]             migratetype of each pageblock (our pageblock
 *     |                      flags bitmap, one byte per pageblock)
 *     +- nodes[]  -> zones[] -> free_area[order] -> free_list[migratetype]
 *                           -> pcp[cpu]          -> lists[order, migratetype]
 *
 * Lock order (outermost first):
 *   1. pool->check_lock   (a mutex: serializes invariant checkers, which
 *                          then freeze the pool with stop_machine())
 *   2. pcp->lock          (one per CPU per zone)
 *   3. zone->lock         (one per zone)
 *   4. fail.lock          (fault injection's counters; a leaf)
 * No path takes two zone locks, two pcp locks, or a pcp lock while holding
 * a zone lock.
 */
#ifndef _EDUMM_CORE_H
#define _EDUMM_CORE_H

#include "edumm_env.h"

/*** Constants (Linux 6.1 values) ***/

#define EDUMM_MAX_ORDER		11	/* orders 0..10, 6.1's exclusive MAX_ORDER */
#define EDUMM_PAGEBLOCK_ORDER	9	/* HUGETLB_PAGE_ORDER on x86-64 */
#define EDUMM_PAGEBLOCK_NR_PAGES BIT(EDUMM_PAGEBLOCK_ORDER)
#define EDUMM_COSTLY_ORDER	3	/* PAGE_ALLOC_COSTLY_ORDER: pcp up to here */
#define EDUMM_MAX_CHUNK_ORDER	(EDUMM_MAX_ORDER - 1)
#define EDUMM_MIN_CHUNK_ORDER	EDUMM_PAGEBLOCK_ORDER
/* Most entries of the pfn lookup table (edumm_pool.slot_chunk): 1 MiB. */
#define EDUMM_MAX_SLOTS		BIT(19)

/**
 * enum edumm_mt - migrate types, numbered as the kernel's enum migratetype
 * @EDUMM_MT_UNMOVABLE: kernel allocations that never move
 * @EDUMM_MT_MOVABLE: pages that could be migrated (user memory)
 * @EDUMM_MT_RECLAIMABLE: pages that could be freed by a shrinker
 * @EDUMM_MT_PCPTYPES: number of types with per-CPU lists
 * @EDUMM_MT_TYPES: number of migrate types edumm models
 *
 * edumm has no HighAtomic, CMA or Isolate type: see Documentation/buddy.rst.
 */
enum edumm_mt {
	EDUMM_MT_UNMOVABLE,
	EDUMM_MT_MOVABLE,
	EDUMM_MT_RECLAIMABLE,
	EDUMM_MT_PCPTYPES,
	EDUMM_MT_TYPES = EDUMM_MT_PCPTYPES,
};

/* Limits of edumm_pcp_set_sizes(). */
#define EDUMM_PCP_MAX_BATCH	4096
#define EDUMM_PCP_MAX_HIGH	BIT(24)

/* One pcp list per (order, migratetype) for orders 0..COSTLY_ORDER. */
#define EDUMM_NR_PCP_LISTS	(EDUMM_MT_PCPTYPES * (EDUMM_COSTLY_ORDER + 1))

/**
 * enum edumm_zone_type - the kernel's zone types that can hold pool pages
 * @EDUMM_ZONE_DMA: below 16 MiB
 * @EDUMM_ZONE_DMA32: below 4 GiB
 * @EDUMM_ZONE_NORMAL: the rest
 * @EDUMM_ZONE_MOVABLE: ZONE_MOVABLE (kernelcore= / movablecore=)
 * @EDUMM_NR_ZONES: number of zone slots per node
 *
 * A pool page sits in the edumm zone named like the kernel zone the page
 * really belongs to, so edumm's buddyinfo lines line up with the kernel's.
 */
enum edumm_zone_type {
	EDUMM_ZONE_DMA,
	EDUMM_ZONE_DMA32,
	EDUMM_ZONE_NORMAL,
	EDUMM_ZONE_MOVABLE,
	EDUMM_NR_ZONES,
};

/**
 * enum edumm_wmark - zone watermarks, as enum zone_watermarks
 * @EDUMM_WMARK_MIN: below it only EDUMM_AF_HIGH / NO_WMARK allocations
 * @EDUMM_WMARK_LOW: the fast path's mark (kswapd would wake here)
 * @EDUMM_WMARK_HIGH: where kswapd would stop reclaiming
 * @EDUMM_NR_WMARK: number of watermarks
 */
enum edumm_wmark {
	EDUMM_WMARK_MIN,
	EDUMM_WMARK_LOW,
	EDUMM_WMARK_HIGH,
	EDUMM_NR_WMARK,
};

/* Allocation flags of the core (same bits as the uapi EDUMM_ALLOC_*). */
#define EDUMM_AF_HIGH		BIT(0)	/* __GFP_HIGH: min -= min / 2 */
#define EDUMM_AF_NO_WMARK	BIT(1)	/* ALLOC_NO_WATERMARKS */
#define EDUMM_AF_NO_PCP		BIT(2)	/* bypass the per-CPU lists */
#define EDUMM_AF_MASK		(EDUMM_AF_HIGH | EDUMM_AF_NO_WMARK | \
				 EDUMM_AF_NO_PCP)

/**
 * enum edumm_stat_item - event counters, per CPU, summed on read
 *
 * Bumped through edumm_count_cpu() and edumm_count(), except the two
 * that only ever happen under zone->lock (BUDDY_SPLIT, BUDDY_MERGE): those
 * are counted in the zone (edumm_zone.nr_split, nr_merge).  Read only
 * through edumm_pool_snapshot(), which adds both up.  The names printed in
 * debugfs "pool" are in edumm_stat_names[].
 */
enum edumm_stat_item {
	EDUMM_PGALLOC,		/* blocks handed out, any order */
	EDUMM_PGALLOC_PAGES,	/* pages handed out (sum of 1 << order) */
	EDUMM_PGFREE,		/* blocks given back */
	EDUMM_PGFREE_PAGES,	/* pages given back */
	EDUMM_PCP_ALLOC,	/* allocations served from a per-CPU list */
	EDUMM_PCP_REFILL,	/* rmqueue_bulk() refills of an empty pcp list */
	EDUMM_PCP_FREE,		/* frees that went onto a per-CPU list */
	EDUMM_PCP_SPILL,	/* free_pcppages_bulk() because count >= high */
	EDUMM_PCP_DRAIN,	/* pcp lists emptied by a drain */
	EDUMM_BUDDY_SPLIT,	/* expand(): a block split into two halves */
	EDUMM_BUDDY_MERGE,	/* __free_one_page(): two buddies merged */
	EDUMM_FALLBACK,		/* __rmqueue_fallback() took another type */
	EDUMM_STEAL_BLOCK,	/* ... and claimed the whole pageblock */
	EDUMM_WMARK_LOW_FAIL,	/* no zone passed the low watermark */
	EDUMM_WMARK_MIN_FAIL,	/* no zone passed the min watermark either */
	EDUMM_DRAIN_RETRY,	/* failure retried after draining pcp lists */
	EDUMM_ALLOC_FAIL,	/* allocations that returned NULL */
	EDUMM_BAD_FREE_DOUBLE,	/* refused: the block is already free */
	EDUMM_BAD_FREE_NOT_HEAD,/* refused: not the head of a pool block */
	EDUMM_BAD_FREE_ORDER,	/* refused: order differs from the alloc's */
	EDUMM_FAIL_INJECTED,	/* allocations failed by fault injection */
	NR_EDUMM_STATS,
};

extern const char * const edumm_stat_names[NR_EDUMM_STATS];
extern const char * const edumm_mt_names[EDUMM_MT_TYPES];
extern const char * const edumm_zone_names[EDUMM_NR_ZONES];

/*** Page descriptor ***/

/* edumm_page.flags bits */
#define EDUMM_PG_BUDDY	BIT(0)	/* head of a block on a zone free list */
#define EDUMM_PG_PCP	BIT(1)	/* head of a block on a per-CPU list */
#define EDUMM_PG_HEAD	BIT(2)	/* head of an allocated block */

/**
 * struct edumm_page - what edumm knows about one pool page (24 bytes)
 * @lru: link in a zone free list or a pcp list (heads only)
 * @flags: EDUMM_PG_* bits; 0 for tail pages of any block.  Cleared from
 *	EDUMM_PG_HEAD with a compare-and-exchange on free, so that two racing
 *	frees of one block cannot both succeed.
 * @order: order of the block this page heads
 * @mt: migratetype of the list the head is on, or it was allocated as
 * @chunk: index of the chunk in edumm_pool.chunks
 *
 * The kernel's struct page is 64 bytes and also carries the refcount,
 * mapping, LRU and memcg state; edumm keeps only what the buddy needs.
 * Which lock guards the fields depends on the state, as in the kernel:
 * on a free list, zone->lock; on a pcp list, pcp->lock; allocated, the
 * owner of the block.
 */
struct edumm_page {
	struct list_head lru;
	u32 flags;
	u8 order;
	u8 mt;
	u16 chunk;
};

/**
 * struct edumm_chunk - a naturally aligned run of 1 << order real pages
 * @start_pfn: first real pfn
 * @order: EDUMM_MIN_CHUNK_ORDER .. EDUMM_MAX_CHUNK_ORDER
 * @nid: NUMA node of the pages
 * @zone_type: enum edumm_zone_type the pages belong to
 * @first: index of the chunk's first descriptor in edumm_pool.pages
 * @zone: the edumm zone that manages it
 */
struct edumm_chunk {
	unsigned long start_pfn;
	unsigned int order;
	int nid;
	int zone_type;
	unsigned long first;
	struct edumm_zone *zone;
};

/**
 * struct edumm_chunk_desc - what the glue tells edumm_pool_init()
 * @start_pfn: first pfn, aligned to 1 << @order
 * @order: EDUMM_MIN_CHUNK_ORDER .. EDUMM_MAX_CHUNK_ORDER
 * @nid: node of the pages, 0 .. EDUMM_MAX_NUMNODES - 1
 * @zone_type: enum edumm_zone_type
 */
struct edumm_chunk_desc {
	unsigned long start_pfn;
	unsigned int order;
	int nid;
	int zone_type;
};

/*** Zones ***/

/**
 * struct edumm_free_area - blocks of one order, as struct free_area
 * @free_list: one list per migratetype, of block heads
 * @nr_free: number of blocks (not pages) on all lists of this order
 */
struct edumm_free_area {
	struct list_head free_list[EDUMM_MT_TYPES];
	unsigned long nr_free;
};

/**
 * struct edumm_pcp - a CPU's cache of free blocks of one zone
 * @lock: guards everything below, and the lru/flags of pages on the lists
 * @count: pages (not blocks) on the lists
 * @high: spill back to the buddy when count reaches this
 * @batch: blocks moved per refill (scaled down by order), min kept on spill
 * @free_factor: doubles the spill batch on consecutive frees, halves on alloc
 * @lists: LIFO lists of block heads, index order * MT_PCPTYPES + mt
 */
struct edumm_pcp {
	struct edumm_lock lock;
	int count;
	int high;
	int batch;
	short free_factor;
	struct list_head lists[EDUMM_NR_PCP_LISTS];
} ____cacheline_aligned_in_smp;

/**
 * struct edumm_zone - a zone of a node, as struct zone
 * @lock: guards free_area[], free_pages, nr_pageblocks[], the pb_mt[] bytes
 *	of the zone's pageblocks, and lru/flags/order/mt of free-list pages
 * @free_area: the buddy free lists
 * @free_pages: pages on the free lists (NR_FREE_PAGES: excludes pcp pages)
 * @nr_pageblocks: pageblocks of each migratetype
 * @watermark: min/low/high, in pages
 * @managed_pages: pages the zone manages (all its pool pages)
 * @spanned_pages: pfn span from the first to the last pool page, holes
 *	(pfns not in the pool) included
 * @start_pfn: first pool pfn of the zone
 * @nr_split: EDUMM_BUDDY_SPLIT events of the zone; under @lock, where they
 *	happen, so that counting one costs an add and no edumm_cpu_get()
 * @nr_merge: EDUMM_BUDDY_MERGE events of the zone, the same way
 * @pcp: per-CPU lists, indexed by CPU id, edumm_nr_cpu_ids() entries
 * @pool: back pointer
 * @nid: node id
 * @type: enum edumm_zone_type
 * @name: "DMA", "DMA32", "Normal" or "Movable"
 */
struct edumm_zone {
	struct edumm_lock lock;
	struct edumm_free_area free_area[EDUMM_MAX_ORDER];
	unsigned long free_pages;
	unsigned long nr_pageblocks[EDUMM_MT_TYPES];
	unsigned long watermark[EDUMM_NR_WMARK];
	unsigned long managed_pages;
	unsigned long spanned_pages;
	unsigned long start_pfn;
	unsigned long nr_split;
	unsigned long nr_merge;
	struct edumm_pcp *pcp;
	struct edumm_pool *pool;
	int nid;
	int type;
	const char *name;
};

/**
 * struct edumm_node - one NUMA node's share of the pool, as pg_data_t
 * @nid: node id
 * @zones: one slot per zone type; managed_pages == 0 means unpopulated
 */
struct edumm_node {
	int nid;
	struct edumm_zone zones[EDUMM_NR_ZONES];
};

/**
 * struct edumm_cpu_stats - one CPU's event counters
 * @v: indexed by enum edumm_stat_item; written only by that CPU
 */
struct edumm_cpu_stats {
	unsigned long v[NR_EDUMM_STATS];
} ____cacheline_aligned_in_smp;

/**
 * struct edumm_fault_attr - when to fail an allocation on purpose
 * @lock: guards @times, @space and @count (see fault.c)
 * @probability: percent of eligible calls that fail; 0 turns injection off
 * @interval: only every @interval-th eligible call may fail
 * @times: failures left; -1 for no limit
 * @space: size units consumed without failing before injection starts
 * @verbose: log each injected failure
 * @count: eligible calls seen, for @interval
 * @injected: failures injected so far
 *
 * The knobs of the kernel's struct fault_attr; debugfs edumm/fail/ exposes
 * them for the pool's attribute.
 */
struct edumm_fault_attr {
	struct edumm_lock lock;
	unsigned long probability;
	unsigned long interval;
	long times;
	unsigned long space;
	u32 verbose;
	unsigned long count;
	unsigned long injected;
};

/**
 * struct edumm_pool - everything edumm manages
 * @check_lock: serializes invariant checkers (edumm_pool_check())
 * @chunks: sorted by start_pfn
 * @nr_chunks: entries in @chunks
 * @pages: descriptors, chunk after chunk
 * @pb_mt: migratetype of each pageblock, indexed by descriptor index
 *	>> EDUMM_PAGEBLOCK_ORDER; written under the owning zone's lock
 * @nr_pages: pool size in pages
 * @slot_base: first pfn covered by @slot_chunk
 * @nr_slots: entries in @slot_chunk
 * @slot_chunk: for each run of EDUMM_MIN_CHUNK_ORDER pfns from @slot_base,
 *	1 + the index of the chunk holding it, 0 if none: edumm_pfn_to_page()
 *	in constant time (what the kernel's page sections give pfn_to_page());
 *	NULL when the pool spans too many pfns, and a binary search of
 *	@chunks does instead
 * @nodes: populated nodes, in nid order
 * @nr_nodes: entries in @nodes
 * @zones: the populated zones, by nid then zone type: walk this to visit
 *	every zone
 * @nr_zones: entries in @zones
 * @nr_cpus: edumm_nr_cpu_ids() at init (size of pcp and stats arrays)
 * @stats: per-CPU event counters
 * @min_free_kbytes: as the kernel computes it for a machine of pool size
 * @metadata_bytes: every byte edumm allocated to manage the pool
 * @fail: fault injection for every allocation point of edumm (the buddy,
 *	and the glue's bookkeeping), set up by the glue
 * @ready: edumm_pool_init() completed (destroy may drain and count)
 * @slab: the slab layer (mod/edumm_slab.h), NULL until edumm_slab_init()
 */
struct edumm_pool {
	struct edumm_mutex check_lock;
	struct edumm_chunk *chunks;
	unsigned int nr_chunks;
	struct edumm_page *pages;
	u8 *pb_mt;
	unsigned long nr_pages;
	unsigned long slot_base;
	unsigned long nr_slots;
	u16 *slot_chunk;
	struct edumm_node *nodes;
	unsigned int nr_nodes;
	struct edumm_zone **zones;
	unsigned int nr_zones;
	unsigned int nr_cpus;
	struct edumm_cpu_stats *stats;
	unsigned long min_free_kbytes;
	unsigned long metadata_bytes;
	struct edumm_fault_attr fail;
	bool ready;
	struct edumm_slab_state *slab;
};

/**
 * struct edumm_pool_snapshot - counters read by debugfs and EDUMM_IOC_INFO
 * @pool_pages: pages in the pool
 * @free_pages: pages on zone free lists
 * @pcp_pages: pages on per-CPU lists
 * @allocated_pages: pool_pages - free_pages - pcp_pages of this snapshot
 * @counted_pages: PGALLOC_PAGES - PGFREE_PAGES (equals @allocated_pages when
 *	the pool is quiet; the checker verifies it)
 * @metadata_bytes: bookkeeping bytes
 * @nr_nodes: populated nodes
 * @nr_zones: populated zones
 * @nr_chunks: chunks
 * @stat: summed event counters
 */
struct edumm_pool_snapshot {
	unsigned long pool_pages;
	unsigned long free_pages;
	unsigned long pcp_pages;
	unsigned long allocated_pages;
	unsigned long counted_pages;
	unsigned long metadata_bytes;
	unsigned int nr_nodes;
	unsigned int nr_zones;
	unsigned int nr_chunks;
	unsigned long stat[NR_EDUMM_STATS];
};

/**
 * struct edumm_out - where the core's text output goes
 * @vprintf: append formatted text (seq_vprintf in the kernel)
 */
struct edumm_out {
	void (*vprintf)(struct edumm_out *out, const char *fmt, va_list args);
};

__printf(2, 3) void edumm_printf(struct edumm_out *out, const char *fmt, ...);

static inline bool edumm_zone_populated(const struct edumm_zone *zone)
{
	return zone->managed_pages != 0;
}

/*
 * Descriptor lookups.  Inline, as page_to_pfn(), page_zone() and
 * get_pfnblock_migratetype() are to the kernel: every free and every
 * merge makes several, and as calls into pool.c they were a measurable
 * part of an order-0 free (Documentation/benchmarks.rst).
 */

/**
 * edumm_page_to_pfn() - the real pfn a descriptor stands for
 * @pool: the pool
 * @page: a descriptor inside pool->pages
 *
 * Context: any; takes no lock.
 * Return: the page frame number.
 */
static inline unsigned long edumm_page_to_pfn(const struct edumm_pool *pool,
					      const struct edumm_page *page)
{
	const struct edumm_chunk *c = &pool->chunks[page->chunk];

	return c->start_pfn + (unsigned long)(page - pool->pages - c->first);
}

/**
 * edumm_page_zone() - the zone that manages a pool page
 * @pool: the pool
 * @page: a descriptor inside pool->pages
 *
 * Context: any; takes no lock.
 * Return: the zone.
 */
static inline struct edumm_zone *edumm_page_zone(const struct edumm_pool *pool,
						 const struct edumm_page *page)
{
	return pool->chunks[page->chunk].zone;
}

/**
 * edumm_get_pageblock_mt() - migratetype of the pageblock holding a page
 * @pool: the pool
 * @page: a descriptor inside pool->pages
 *
 * Context: the result is stable under the zone lock; without it (the pcp
 * free path) it may be stale, as get_pfnblock_migratetype() may be.
 * Return: an enum edumm_mt value.
 */
static inline int edumm_get_pageblock_mt(const struct edumm_pool *pool,
					 const struct edumm_page *page)
{
	return READ_ONCE(pool->pb_mt[(page - pool->pages) >> EDUMM_PAGEBLOCK_ORDER]);
}

/*** pool.c: layout, lookup, watermarks ***/
int edumm_pool_init(struct edumm_pool *pool, const struct edumm_chunk_desc *descs,
		    unsigned int nr);
unsigned long edumm_pool_destroy(struct edumm_pool *pool);
struct edumm_page *edumm_pfn_to_page(const struct edumm_pool *pool, unsigned long pfn);
void edumm_set_pageblock_mt(struct edumm_pool *pool, struct edumm_page *page, int mt);

/*** buddy.c: free lists, split, merge, fallback, watermarks ***/
struct edumm_page *edumm_alloc_pages(struct edumm_pool *pool, unsigned int order,
				     int mt, unsigned int alloc_flags);
struct edumm_page *edumm_alloc_pages_lowest(struct edumm_pool *pool, unsigned int order,
					    int mt, unsigned int alloc_flags);
int edumm_free_pages(struct edumm_pool *pool, unsigned long pfn, unsigned int order);
int edumm_free_block(struct edumm_pool *pool, struct edumm_page *page, unsigned int order);
bool edumm_zone_watermark_ok(struct edumm_zone *zone, unsigned int order,
			     unsigned long mark, unsigned int alloc_flags);
void edumm_free_one_page(struct edumm_zone *zone, struct edumm_page *page,
			 unsigned int order, int mt);
int edumm_rmqueue_bulk(struct edumm_zone *zone, unsigned int order, int count,
		       struct list_head *list, int mt);
struct edumm_page *edumm_rmqueue_buddy(struct edumm_zone *zone, unsigned int order, int mt);
void edumm_prep_new_page(struct edumm_pool *pool, struct edumm_page *page,
			 unsigned int order, int mt);

/*
 * The state change of edumm_prep_new_page() without its counting, for the
 * per-CPU list paths, which count on the CPU they are pinned to (the bulk
 * path once per call).  Under the lock the block was taken under.
 */
static inline void edumm_set_page_head(struct edumm_page *page, unsigned int order, int mt)
{
	WRITE_ONCE(page->order, order);
	WRITE_ONCE(page->mt, mt);
	WRITE_ONCE(page->flags, EDUMM_PG_HEAD);
}

/*** pcp.c: per-CPU page lists ***/
void edumm_pcp_init(struct edumm_zone *zone);
struct edumm_page *edumm_rmqueue_pcplist(struct edumm_zone *zone, unsigned int order, int mt);
int edumm_free_unref_page(struct edumm_zone *zone, struct edumm_page *page, unsigned int order);
void edumm_drain_zone_pages(struct edumm_zone *zone, unsigned int cpu);
void edumm_drain_all_pages(struct edumm_pool *pool);
int edumm_pcp_set_sizes(struct edumm_pool *pool, unsigned int batch, unsigned int high);
unsigned long edumm_alloc_pages_bulk(struct edumm_pool *pool, int mt, unsigned int alloc_flags,
				     unsigned int nr, struct edumm_page **array);

/*** stats.c: counters and snapshots ***/
/*
 * The counters are bumped on every allocation and free: inline, so that
 * a bump costs an add, like __count_vm_events(), and not a call
 * (Documentation/benchmarks.rst measured the difference).
 */

/**
 * edumm_count_cpu() - add to a counter of the CPU the caller is pinned to
 * @pool: the pool
 * @cpu: the caller's CPU, from edumm_cpu_get()
 * @item: the counter
 * @delta: amount
 *
 * Context: pinned to @cpu (between edumm_cpu_get() and edumm_cpu_put()).
 */
static inline void edumm_count_cpu(struct edumm_pool *pool, unsigned int cpu,
				   enum edumm_stat_item item, unsigned long delta)
{
	unsigned long *v = &pool->stats[cpu].v[item];

	WRITE_ONCE(*v, *v + delta);
}

/**
 * edumm_count() - add to a counter of the calling CPU
 * @pool: the pool
 * @item: the counter
 * @delta: amount
 *
 * Context: any context that may disable preemption briefly.
 */
static inline void edumm_count(struct edumm_pool *pool, enum edumm_stat_item item,
			       unsigned long delta)
{
	edumm_count_cpu(pool, edumm_cpu_get(), item, delta);
	edumm_cpu_put();
}

void edumm_pool_snapshot(struct edumm_pool *pool, struct edumm_pool_snapshot *snap);

/*** check.c: the invariant checker ***/
unsigned long edumm_pool_check(struct edumm_pool *pool, struct edumm_out *out);

/*** fault.c: fault injection ***/
void edumm_fault_attr_init(struct edumm_fault_attr *attr);
int edumm_fault_attr_parse(struct edumm_fault_attr *attr, const char *str);
bool edumm_should_fail(struct edumm_fault_attr *attr, unsigned long size);

/*** show.c: /proc-format text ***/
void edumm_show_buddyinfo(struct edumm_pool *pool, struct edumm_out *out);
void edumm_show_pagetypeinfo(struct edumm_pool *pool, struct edumm_out *out);
void edumm_show_zoneinfo(struct edumm_pool *pool, struct edumm_out *out);
void edumm_show_pool(struct edumm_pool *pool, struct edumm_out *out);

#endif /* _EDUMM_CORE_H */
