// SPDX-License-Identifier: GPL-2.0
/*
 * pool.c - the shape of the edumm pool: chunks, page descriptors, nodes,
 * zones and their watermarks.
 *
 * The glue (reserve.c) gets naturally aligned chunks of real pages from the
 * kernel and describes them in an array of struct edumm_chunk_desc.  This
 * file turns that into the structures the buddy allocator works on, the way
 * free_area_init() and memmap_init() build pg_data_t, struct zone and the
 * mem_map at boot:
 *
 *   chunks (sorted by pfn)     pages[] (descriptors)        pb_mt[]
 *   +-----------------+        +----+----+-- ... --+        +---+---+
 *   | pfn 0x12400, o10|------->| 0  | 1  |  1023   |        | M | M |  one byte
 *   +-----------------+        +----+----+-- ... --+        +---+---+  per 512
 *   | pfn 0x13000, o9 |------->|1024|    |  1535   |        | M |      pages
 *   +-----------------+        +----+----+-- ... --+        +---+
 *
 * pfn -> descriptor: binary search of the chunk whose range holds the pfn,
 * then pages[chunk->first + (pfn - chunk->start_pfn)].  This works when
 * chunks are far apart in physical memory, where a flat pfn-indexed array
 * (the kernel's FLATMEM mem_map) would waste space for every hole.
 * descriptor -> pfn: the descriptor carries its chunk index.
 *
 * Because chunks are sorted by pfn and laid out one after the other in
 * pages[], two chunks that happen to be physically adjacent also have
 * adjacent descriptors, so a block made by merging across them (only
 * possible for two aligned order-9 chunks forming an order-10 block) is
 * still a contiguous run of descriptors and expand() can index it.
 *
 * Zones: each chunk goes to the edumm zone named like the kernel zone its
 * pages really sit in (DMA, DMA32, Normal, Movable) on the node they sit
 * on.  A zone's watermarks are computed with the kernel's formulas
 * (init_per_zone_wmark_min() and __setup_per_zone_wmarks()) as if the pool
 * were the machine's whole memory.  Worked example, a 64 MiB pool in one
 * zone: lowmem_kbytes = 65536, min_free_kbytes = int_sqrt(65536 * 16) =
 * 1024 KiB = 256 pages = min; tmp = max(256 / 4, 16384 * 10 / 10000) = 64;
 * low = 256 + 64 = 320; high = 320 + 64 = 384.
 *
 * Locking: init and destroy run single-threaded (module load/unload); after
 * init, the chunk table, descriptor array placement and zone geometry never
 * change, so lookups take no lock.
 */
#include "edumm_core.h"

const char * const edumm_mt_names[EDUMM_MT_TYPES] = {
	"Unmovable",
	"Movable",
	"Reclaimable",
};

const char * const edumm_zone_names[EDUMM_NR_ZONES] = {
	"DMA",
	"DMA32",
	"Normal",
	"Movable",
};

/*** Lookup ***/

/**
 * edumm_pfn_to_page() - find the descriptor of a real pfn
 * @pool: the pool
 * @pfn: real page frame number
 *
 * Context: any; takes no lock (the chunk table never changes after init).
 * Return: the descriptor, or NULL if @pfn is not a pool page.
 */
struct edumm_page *edumm_pfn_to_page(const struct edumm_pool *pool, unsigned long pfn)
{
	unsigned int lo = 0, hi = pool->nr_chunks;

	if (pool->slot_chunk) {
		unsigned long slot = (pfn - pool->slot_base) >> EDUMM_MIN_CHUNK_ORDER;
		const struct edumm_chunk *c;

		/* pfn < slot_base wraps to a huge slot */
		if (slot >= pool->nr_slots || !pool->slot_chunk[slot])
			return NULL;
		c = &pool->chunks[pool->slot_chunk[slot] - 1];
		return &pool->pages[c->first + (pfn - c->start_pfn)];
	}

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct edumm_chunk *c = &pool->chunks[mid];

		if (pfn < c->start_pfn)
			hi = mid;
		else if (pfn >= c->start_pfn + (1UL << c->order))
			lo = mid + 1;
		else
			return &pool->pages[c->first + (pfn - c->start_pfn)];
	}
	return NULL;
}

/**
 * edumm_set_pageblock_mt() - change a pageblock's migratetype
 * @pool: the pool
 * @page: any page of the pageblock
 * @mt: the new enum edumm_mt value
 *
 * Keeps the zone's per-type pageblock counts in step, for pagetypeinfo.
 *
 * Context: the zone lock of @page's zone is held.
 */
void edumm_set_pageblock_mt(struct edumm_pool *pool, struct edumm_page *page, int mt)
{
	struct edumm_zone *zone = edumm_page_zone(pool, page);
	u8 *slot = &pool->pb_mt[(page - pool->pages) >> EDUMM_PAGEBLOCK_ORDER];

	if (*slot == mt)
		return;
	zone->nr_pageblocks[*slot]--;
	zone->nr_pageblocks[mt]++;
	WRITE_ONCE(*slot, mt);
}

/*** Init ***/

static int edumm_chunk_cmp(const void *a, const void *b)
{
	const struct edumm_chunk *x = a, *y = b;

	if (x->start_pfn < y->start_pfn)
		return -1;
	return x->start_pfn > y->start_pfn;
}

static int edumm_nid_cmp(const void *a, const void *b)
{
	const struct edumm_node *x = a, *y = b;

	return x->nid - y->nid;
}

static bool edumm_desc_valid(const struct edumm_chunk_desc *d)
{
	if (d->order < EDUMM_MIN_CHUNK_ORDER || d->order > EDUMM_MAX_CHUNK_ORDER)
		return false;
	if (d->start_pfn & ((1UL << d->order) - 1))
		return false;
	/* the last page must be a physical address (and not wrap to pfn 0) */
	if (d->start_pfn + (1UL << d->order) - 1 > (ULONG_MAX >> EDUMM_PAGE_SHIFT))
		return false;
	if (d->nid < 0 || d->nid >= EDUMM_MAX_NUMNODES)
		return false;
	return d->zone_type >= 0 && d->zone_type < EDUMM_NR_ZONES;
}

static void *edumm_pool_alloc(struct edumm_pool *pool, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	pool->metadata_bytes += n * size;
	return edumm_meta_alloc(n * size);
}

static struct edumm_node *edumm_find_node(struct edumm_pool *pool, int nid)
{
	unsigned int i;

	for (i = 0; i < pool->nr_nodes; i++)
		if (pool->nodes[i].nid == nid)
			return &pool->nodes[i];
	return NULL;
}

/* Does a chunk before @i sit on the same node as chunk @i? */
static bool edumm_nid_seen(const struct edumm_pool *pool, unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (pool->chunks[j].nid == pool->chunks[i].nid)
			return true;
	return false;
}

/* Copy, validate and sort the chunk table; count the nodes it spans. */
static int edumm_pool_init_chunks(struct edumm_pool *pool,
				  const struct edumm_chunk_desc *descs, unsigned int nr)
{
	unsigned long first = 0;
	unsigned int i;

	pool->chunks = edumm_pool_alloc(pool, nr, sizeof(*pool->chunks));
	if (!pool->chunks)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		if (!edumm_desc_valid(&descs[i]))
			return -EINVAL;
		pool->chunks[i].start_pfn = descs[i].start_pfn;
		pool->chunks[i].order = descs[i].order;
		pool->chunks[i].nid = descs[i].nid;
		pool->chunks[i].zone_type = descs[i].zone_type;
	}
	pool->nr_chunks = nr;
	sort(pool->chunks, nr, sizeof(*pool->chunks), edumm_chunk_cmp, NULL);

	for (i = 0; i < nr; i++) {
		struct edumm_chunk *c = &pool->chunks[i];

		if (i && c->start_pfn < c[-1].start_pfn + (1UL << c[-1].order))
			return -EINVAL;		/* overlapping chunks */
		c->first = first;
		first += 1UL << c->order;
		if (!edumm_nid_seen(pool, i))
			pool->nr_nodes++;
	}
	pool->nr_pages = first;
	return 0;
}

/*
 * The pfn lookup table: chunks are naturally aligned and at least
 * EDUMM_MIN_CHUNK_ORDER big, so each aligned run of that many pfns belongs
 * to one chunk or to none.  A pool whose chunks span more than
 * EDUMM_MAX_SLOTS such runs goes without (binary search).
 */
static int edumm_pool_init_slots(struct edumm_pool *pool)
{
	const struct edumm_chunk *last = &pool->chunks[pool->nr_chunks - 1];
	unsigned long base = pool->chunks[0].start_pfn;
	unsigned long nr = (last->start_pfn + (1UL << last->order) - base) >>
			   EDUMM_MIN_CHUNK_ORDER;
	unsigned int i;

	if (nr > EDUMM_MAX_SLOTS)
		return 0;
	pool->slot_chunk = edumm_pool_alloc(pool, nr, sizeof(*pool->slot_chunk));
	if (!pool->slot_chunk)
		return -ENOMEM;
	pool->slot_base = base;
	pool->nr_slots = nr;
	for (i = 0; i < pool->nr_chunks; i++) {
		const struct edumm_chunk *c = &pool->chunks[i];
		unsigned long s = (c->start_pfn - base) >> EDUMM_MIN_CHUNK_ORDER;
		unsigned long n = 1UL << (c->order - EDUMM_MIN_CHUNK_ORDER);

		while (n--)
			pool->slot_chunk[s++] = i + 1;
	}
	return 0;
}

static void edumm_zone_init(struct edumm_pool *pool, struct edumm_node *node,
			    struct edumm_zone *zone, int type)
{
	unsigned int o, mt;

	edumm_lock_init(&zone->lock);
	for (o = 0; o < EDUMM_MAX_ORDER; o++) {
		for (mt = 0; mt < EDUMM_MT_TYPES; mt++)
			INIT_LIST_HEAD(&zone->free_area[o].free_list[mt]);
		zone->free_area[o].nr_free = 0;
	}
	zone->pool = pool;
	zone->nid = node->nid;
	zone->type = type;
	zone->name = edumm_zone_names[type];
}

/* Assign chunks to zones and measure each zone. */
static int edumm_pool_init_zones(struct edumm_pool *pool)
{
	struct edumm_node *node;
	struct edumm_zone *zone;
	unsigned int i, n = 0;

	pool->nodes = edumm_pool_alloc(pool, pool->nr_nodes, sizeof(*pool->nodes));
	if (!pool->nodes)
		return -ENOMEM;
	for (i = 0; i < pool->nr_chunks; i++) {
		int nid = pool->chunks[i].nid;

		if (!edumm_find_node(pool, nid) && n < pool->nr_nodes)
			pool->nodes[n++].nid = nid;
	}
	sort(pool->nodes, pool->nr_nodes, sizeof(*pool->nodes), edumm_nid_cmp, NULL);
	for (node = pool->nodes; node < pool->nodes + pool->nr_nodes; node++)
		for (i = 0; i < EDUMM_NR_ZONES; i++)
			edumm_zone_init(pool, node, &node->zones[i], i);

	for (i = 0; i < pool->nr_chunks; i++) {
		struct edumm_chunk *c = &pool->chunks[i];
		unsigned long end = c->start_pfn + (1UL << c->order);

		node = edumm_find_node(pool, c->nid);
		zone = &node->zones[c->zone_type];
		c->zone = zone;
		if (!zone->managed_pages)
			zone->start_pfn = c->start_pfn;
		zone->managed_pages += 1UL << c->order;
		/* chunks are sorted, so the last one seen ends the span */
		zone->spanned_pages = end - zone->start_pfn;
	}

	for (node = pool->nodes; node < pool->nodes + pool->nr_nodes; node++)
		for (i = 0; i < EDUMM_NR_ZONES; i++)
			pool->nr_zones += edumm_zone_populated(&node->zones[i]);
	pool->zones = edumm_pool_alloc(pool, pool->nr_zones, sizeof(*pool->zones));
	if (!pool->zones)
		return -ENOMEM;
	n = 0;
	for (node = pool->nodes; node < pool->nodes + pool->nr_nodes; node++)
		for (i = 0; i < EDUMM_NR_ZONES; i++)
			if (edumm_zone_populated(&node->zones[i]))
				pool->zones[n++] = &node->zones[i];

	for (i = 0; i < pool->nr_zones; i++) {
		zone = pool->zones[i];
		zone->pcp = edumm_pool_alloc(pool, pool->nr_cpus, sizeof(*zone->pcp));
		if (!zone->pcp)
			return -ENOMEM;
	}
	return 0;
}

/*
 * init_per_zone_wmark_min() and __setup_per_zone_wmarks() of 6.1, with the
 * pool standing in for lowmem and watermark_scale_factor at its default 10.
 */
static void edumm_pool_setup_wmarks(struct edumm_pool *pool)
{
	unsigned long kbytes = pool->nr_pages << (EDUMM_PAGE_SHIFT - 10);
	unsigned long pages_min;
	unsigned int zi;

	pool->min_free_kbytes = clamp(edumm_int_sqrt(kbytes * 16), 128UL, 262144UL);
	pages_min = pool->min_free_kbytes >> (EDUMM_PAGE_SHIFT - 10);

	for (zi = 0; zi < pool->nr_zones; zi++) {
		struct edumm_zone *zone = pool->zones[zi];
		unsigned long min, tmp;

		min = (unsigned long)((u64)pages_min * zone->managed_pages / pool->nr_pages);
		tmp = max(min >> 2, zone->managed_pages * 10 / 10000);
		zone->watermark[EDUMM_WMARK_MIN] = min;
		zone->watermark[EDUMM_WMARK_LOW] = min + tmp;
		zone->watermark[EDUMM_WMARK_HIGH] = min + 2 * tmp;
	}
}

/* memmap_init(): every pageblock starts Movable, every page free. */
static void edumm_pool_populate(struct edumm_pool *pool)
{
	unsigned long nr_pb = pool->nr_pages >> EDUMM_PAGEBLOCK_ORDER;
	unsigned int i;
	unsigned long j;

	for (i = 0; i < pool->nr_chunks; i++) {
		struct edumm_chunk *c = &pool->chunks[i];

		for (j = 0; j < (1UL << c->order); j++) {
			struct edumm_page *p = &pool->pages[c->first + j];

			INIT_LIST_HEAD(&p->lru);
			p->chunk = i;
		}
		c->zone->nr_pageblocks[EDUMM_MT_MOVABLE] +=
			1UL << (c->order - EDUMM_PAGEBLOCK_ORDER);
	}
	for (j = 0; j < nr_pb; j++)
		pool->pb_mt[j] = EDUMM_MT_MOVABLE;

	/* __free_pages_core(): hand each chunk to the buddy, merging as we go */
	for (i = 0; i < pool->nr_chunks; i++) {
		struct edumm_chunk *c = &pool->chunks[i];
		struct edumm_page *head = &pool->pages[c->first];

		edumm_lock(&c->zone->lock);
		edumm_free_one_page(c->zone, head, c->order, EDUMM_MT_MOVABLE);
		edumm_unlock(&c->zone->lock);
	}
}

/**
 * edumm_pool_init() - build a pool over chunks of real pages
 * @pool: zeroed pool structure to fill in
 * @descs: the chunks; each naturally aligned, order EDUMM_MIN_CHUNK_ORDER ..
 *	EDUMM_MAX_CHUNK_ORDER, none overlapping
 * @nr: number of chunks, 1 .. 65535
 *
 * All pages start free, in Movable pageblocks.  On failure everything
 * allocated so far is released again.
 *
 * Context: process context, may sleep; nothing else may use @pool yet.
 * Return: 0, -EINVAL for a bad chunk table, or -ENOMEM.
 */
int edumm_pool_init(struct edumm_pool *pool, const struct edumm_chunk_desc *descs,
		    unsigned int nr)
{
	unsigned int zi;
	int ret;

	if (!nr || nr > U16_MAX)
		return -EINVAL;
	edumm_mutex_init(&pool->check_lock);
	edumm_fault_attr_init(&pool->fail);
	pool->nr_cpus = edumm_nr_cpu_ids();
	pool->metadata_bytes = sizeof(*pool);

	ret = edumm_pool_init_chunks(pool, descs, nr);
	if (ret)
		goto out_destroy;
	ret = edumm_pool_init_slots(pool);
	if (ret)
		goto out_destroy;
	ret = -ENOMEM;
	pool->pages = edumm_pool_alloc(pool, pool->nr_pages, sizeof(*pool->pages));
	pool->pb_mt = edumm_pool_alloc(pool, pool->nr_pages >> EDUMM_PAGEBLOCK_ORDER,
				       sizeof(*pool->pb_mt));
	pool->stats = edumm_pool_alloc(pool, pool->nr_cpus, sizeof(*pool->stats));
	if (!pool->pages || !pool->pb_mt || !pool->stats)
		goto out_destroy;
	ret = edumm_pool_init_zones(pool);
	if (ret)
		goto out_destroy;

	edumm_pool_setup_wmarks(pool);
	for (zi = 0; zi < pool->nr_zones; zi++)
		edumm_pcp_init(pool->zones[zi]);
	edumm_pool_populate(pool);
	pool->ready = true;
	return 0;

out_destroy:
	edumm_pool_destroy(pool);
	return ret;
}

/**
 * edumm_pool_destroy() - drain the pool and free its metadata
 * @pool: a pool set up by edumm_pool_init(), or partly set up by it
 *
 * The real pages are not touched: giving them back to the kernel is the
 * glue's job, after this returns.
 *
 * Context: process context, may sleep; nothing else may use @pool.
 * Return: the number of pages that were still allocated (0 when every
 * block was freed; anything else is a leak the caller should report).
 */
unsigned long edumm_pool_destroy(struct edumm_pool *pool)
{
	struct edumm_pool_snapshot snap;
	unsigned long leaked = 0;
	unsigned int zi;

	/* a pool that failed half-way has no pcp lists or locks to drain yet */
	if (pool->ready) {
		edumm_drain_all_pages(pool);
		edumm_pool_snapshot(pool, &snap);
		leaked = snap.allocated_pages;
	}
	for (zi = 0; pool->zones && zi < pool->nr_zones; zi++)
		edumm_meta_free(pool->zones[zi]->pcp);
	edumm_meta_free(pool->zones);
	edumm_meta_free(pool->nodes);
	edumm_meta_free(pool->stats);
	edumm_meta_free(pool->pb_mt);
	edumm_meta_free(pool->pages);
	edumm_meta_free(pool->slot_chunk);
	edumm_meta_free(pool->chunks);
	edumm_mutex_destroy(&pool->check_lock);
	memset(pool, 0, sizeof(*pool));
	return leaked;
}
