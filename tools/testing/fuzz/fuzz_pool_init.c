// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_pool_init.c - libFuzzer target: the input is a chunk table for
 * edumm_pool_init() (format in fuzz_script.h), with out-of-range orders,
 * misaligned and overlapping chunks, node ids and zone types, pfns at the
 * top of the pfn space, and optionally a failing metadata allocation.
 *
 * The harness works out independently whether the table is valid (every
 * chunk of order EDUMM_MIN_CHUNK_ORDER..EDUMM_MAX_CHUNK_ORDER, naturally
 * aligned, nid 0..EDUMM_MAX_NUMNODES-1, a zone type that exists, no two
 * chunks overlapping) and aborts unless:
 *
 *   - edumm_pool_init() returns 0 for a valid table, -EINVAL for an
 *     invalid one, -ENOMEM exactly when an injected allocation failure
 *     hit it (then -EINVAL is also right for an invalid table); a chunk
 *     that is not a physical address (pfn >= 2^52) may be refused with
 *     -EINVAL or accepted, but if accepted it must work like any other;
 *   - after a failure, every metadata allocation was given back;
 *   - after success: edumm_pool_check() finds nothing; the pool counts the
 *     chunks, pages, nodes and zones of the table; every chunk's first and
 *     last pfn look up to the right descriptors of the right node and zone
 *     and back; every zone manages the pages of its chunks, spans from its
 *     first to its last, and starts with exactly the free blocks the table
 *     implies (an order-10 block per order-10 chunk and per pair of
 *     buddy order-9 chunks in one zone, an order-9 block per other order-9
 *     chunk); every page is free; an order-0 and an order-10 allocation
 *     behave; the /proc-style files format; edumm_pool_destroy() reports 0
 *     leaked pages and returns every metadata allocation.
 */
#include "fuzz_common.h"
#include "fuzz_script.h"

/* pfns from here on are no physical address (pfn << PAGE_SHIFT overflows) */
#define FZ_PFN_PHYS_LIMIT	(1UL << (64 - EDUMM_PAGE_SHIFT))

static const unsigned int fz_odd_orders[16] = {
	0, 1, 8, 11, 12, 31, 32, 63, 64, 65, 255, 256, 1U << 31, UINT_MAX, 9, 10,
};

static const int fz_nids[8] = { 0, 1, 2, 3, 4, EDUMM_MAX_NUMNODES - 1, EDUMM_MAX_NUMNODES, -1 };

static const int fz_zone_types[8] = { 0, 1, 2, 3, 4, -1, INT_MAX, INT_MIN };

enum fz_verdict {
	FZ_VALID,
	FZ_INVALID,
	FZ_EITHER,	/* valid, but a chunk lies beyond FZ_PFN_PHYS_LIMIT */
};

static void fz_decode(const u8 *r, struct edumm_chunk_desc *d)
{
	unsigned long k = r[1] | (unsigned long)r[2] << 8;

	d->order = r[0] < 0xf0 ? 9 + (r[0] & 1) : fz_odd_orders[r[0] & 15];
	d->nid = fz_nids[r[3] & 7];
	switch (r[3] >> 6) {
	case FZ_PFN_SHIFT9:
		d->start_pfn = k << 9;
		break;
	case FZ_PFN_SHIFT10:
		d->start_pfn = k << 10;
		break;
	case FZ_PFN_RAW:
		d->start_pfn = k;
		break;
	default:
		/* k-th order-9 aligned pfn from the top: 0 is the very last */
		d->start_pfn = ~0UL - ((k + 1) << 9) + 1;
		break;
	}
	d->zone_type = fz_zone_types[r[4] & 7];
}

static int fz_desc_cmp(const void *a, const void *b)
{
	const struct edumm_chunk_desc *x = a, *y = b;

	return x->start_pfn < y->start_pfn ? -1 : x->start_pfn > y->start_pfn;
}

/* Validity of the table, by the kernel-doc of edumm_pool_init(). */
static enum fz_verdict fz_judge(const struct edumm_chunk_desc *sorted, unsigned int nr)
{
	enum fz_verdict v = FZ_VALID;
	unsigned int i;

	if (!nr || nr > U16_MAX)
		return FZ_INVALID;
	for (i = 0; i < nr; i++) {
		const struct edumm_chunk_desc *d = &sorted[i];

		if (d->order < EDUMM_MIN_CHUNK_ORDER || d->order > EDUMM_MAX_CHUNK_ORDER)
			return FZ_INVALID;
		if (d->start_pfn & ((1UL << d->order) - 1))
			return FZ_INVALID;
		if (d->nid < 0 || d->nid >= EDUMM_MAX_NUMNODES)
			return FZ_INVALID;
		if (d->zone_type < 0 || d->zone_type >= EDUMM_NR_ZONES)
			return FZ_INVALID;
		/* sorted: overlap iff this one starts inside the previous one */
		if (i && d->start_pfn - sorted[i - 1].start_pfn < (1UL << sorted[i - 1].order))
			return FZ_INVALID;
		if (d->start_pfn >= FZ_PFN_PHYS_LIMIT ||
		    d->start_pfn + (1UL << d->order) - 1 >= FZ_PFN_PHYS_LIMIT)
			v = FZ_EITHER;
	}
	return v;
}

/* The zone a chunk must land in. */
static struct edumm_zone *fz_expected_zone(struct edumm_pool *pool,
					   const struct edumm_chunk_desc *d)
{
	unsigned int i;

	for (i = 0; i < pool->nr_nodes; i++)
		if (pool->nodes[i].nid == d->nid)
			return &pool->nodes[i].zones[d->zone_type];
	return NULL;
}

static void fz_check_lookup(struct edumm_pool *pool, const struct edumm_chunk_desc *d)
{
	unsigned long size = 1UL << d->order, last = d->start_pfn + size - 1;
	struct edumm_zone *zone = fz_expected_zone(pool, d);
	struct edumm_page *first, *lastp;

	if (!zone)
		FZ_FAIL("chunk pfn %#lx: node %d is not in the pool", d->start_pfn, d->nid);
	first = edumm_pfn_to_page(pool, d->start_pfn);
	lastp = edumm_pfn_to_page(pool, last);
	if (!first || !lastp)
		FZ_FAIL("chunk pfn %#lx order %u: pfn %#lx has no descriptor",
			d->start_pfn, d->order, first ? last : d->start_pfn);
	if (lastp != first + size - 1)
		FZ_FAIL("chunk pfn %#lx order %u: descriptors not consecutive",
			d->start_pfn, d->order);
	FZ_ASSERT_EQ(edumm_page_to_pfn(pool, first), d->start_pfn);
	FZ_ASSERT_EQ(edumm_page_to_pfn(pool, lastp), last);
	if (edumm_page_zone(pool, first) != zone || edumm_page_zone(pool, lastp) != zone)
		FZ_FAIL("chunk pfn %#lx: in node %d zone %s, wanted node %d zone %s",
			d->start_pfn, edumm_page_zone(pool, first)->nid,
			edumm_page_zone(pool, first)->name, d->nid, edumm_zone_names[d->zone_type]);
}

/* Every page free, in exactly the blocks the table implies. */
static void fz_check_initial_blocks(struct edumm_pool *pool, const struct edumm_chunk_desc *sorted,
				    unsigned int nr)
{
	unsigned long want[EDUMM_MAX_NUMNODES * EDUMM_NR_ZONES][EDUMM_MAX_ORDER];
	unsigned int i, zi, o;

	memset(want, 0, sizeof(want));
	for (i = 0; i < nr; i++) {
		const struct edumm_chunk_desc *d = &sorted[i], *n = &sorted[i + 1];
		struct edumm_zone *zone = fz_expected_zone(pool, d);
		unsigned int slot = zone->nid * EDUMM_NR_ZONES + zone->type;

		if (d->order == 9 && i + 1 < nr && !(d->start_pfn & 1023) && n->order == 9 &&
		    n->start_pfn == d->start_pfn + 512 && n->nid == d->nid &&
		    n->zone_type == d->zone_type) {
			want[slot][10]++;	/* two buddy chunks merge */
			i++;
			continue;
		}
		want[slot][d->order]++;
	}
	for (zi = 0; zi < pool->nr_zones; zi++) {
		struct edumm_zone *zone = pool->zones[zi];
		unsigned int slot = zone->nid * EDUMM_NR_ZONES + zone->type;

		for (o = 0; o < EDUMM_MAX_ORDER; o++)
			if (zone->free_area[o].nr_free != want[slot][o])
				FZ_FAIL("node %d zone %s: %lu free order-%u blocks after init, expected %lu",
					zone->nid, zone->name, zone->free_area[o].nr_free, o,
					want[slot][o]);
		if (zone->free_pages != zone->managed_pages)
			FZ_FAIL("node %d zone %s: %lu of %lu pages free after init",
				zone->nid, zone->name, zone->free_pages, zone->managed_pages);
	}
}

static void fz_check_shape(struct edumm_pool *pool, const struct edumm_chunk_desc *sorted,
			   unsigned int nr)
{
	unsigned long pages = 0, managed[EDUMM_MAX_NUMNODES][EDUMM_NR_ZONES];
	unsigned long lo[EDUMM_MAX_NUMNODES][EDUMM_NR_ZONES];
	unsigned long hi[EDUMM_MAX_NUMNODES][EDUMM_NR_ZONES];
	bool node_seen[EDUMM_MAX_NUMNODES] = { false };
	unsigned int i, nodes = 0, zones = 0;
	int nid, z;

	memset(managed, 0, sizeof(managed));
	for (i = 0; i < nr; i++) {
		const struct edumm_chunk_desc *d = &sorted[i];

		pages += 1UL << d->order;
		if (!node_seen[d->nid]) {
			node_seen[d->nid] = true;
			nodes++;
		}
		if (!managed[d->nid][d->zone_type]) {
			zones++;
			lo[d->nid][d->zone_type] = d->start_pfn;
		}
		managed[d->nid][d->zone_type] += 1UL << d->order;
		hi[d->nid][d->zone_type] = d->start_pfn + (1UL << d->order);
		fz_check_lookup(pool, d);
	}
	FZ_ASSERT_EQ(pool->nr_chunks, nr);
	FZ_ASSERT_EQ(pool->nr_pages, pages);
	FZ_ASSERT_EQ(pool->nr_nodes, nodes);
	FZ_ASSERT_EQ(pool->nr_zones, zones);
	for (i = 1; i < pool->nr_nodes; i++)
		if (pool->nodes[i - 1].nid >= pool->nodes[i].nid)
			FZ_FAIL("nodes not in nid order: %d before %d", pool->nodes[i - 1].nid,
				pool->nodes[i].nid);
	for (i = 0; i < pool->nr_nodes; i++) {
		nid = pool->nodes[i].nid;
		for (z = 0; z < EDUMM_NR_ZONES; z++) {
			struct edumm_zone *zone = &pool->nodes[i].zones[z];

			if (zone->managed_pages != managed[nid][z])
				FZ_FAIL("node %d zone %s manages %lu pages, its chunks hold %lu",
					nid, edumm_zone_names[z], zone->managed_pages,
					managed[nid][z]);
			if (!managed[nid][z])
				continue;
			FZ_ASSERT_EQ(zone->nid, nid);
			FZ_ASSERT_EQ(zone->type, z);
			FZ_ASSERT_EQ(zone->start_pfn, lo[nid][z]);
			FZ_ASSERT_EQ(zone->spanned_pages, hi[nid][z] - lo[nid][z]);
		}
	}
}

/* A little traffic: order 0 through the pcp lists, order 10 straight. */
static void fz_exercise(struct edumm_pool *pool)
{
	struct edumm_page *p0, *p10;
	struct fz_sink sink;
	bool have_o10 = false;
	unsigned int zi;

	edumm_shim_cpu = pool->nr_cpus - 1;
	p0 = edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, EDUMM_AF_NO_WMARK);
	if (!p0)
		FZ_FAIL("order-0 allocation failed in a pool of %lu free pages", pool->nr_pages);
	/* the pcp refill may have split the only order-10 block: look now */
	for (zi = 0; zi < pool->nr_zones; zi++)
		have_o10 |= pool->zones[zi]->free_area[10].nr_free != 0;
	/* movable: every zone is allowed, and fallback may take any type */
	p10 = edumm_alloc_pages(pool, 10, EDUMM_MT_MOVABLE, EDUMM_AF_NO_WMARK);
	if (have_o10 && !p10)
		FZ_FAIL("order-10 allocation failed with an order-10 block free");
	fz_check_pool(pool, "after allocating");
	FZ_ASSERT_EQ(edumm_free_pages(pool, edumm_page_to_pfn(pool, p0), 0), 0);
	if (p10)
		FZ_ASSERT_EQ(edumm_free_pages(pool, edumm_page_to_pfn(pool, p10), 10), 0);
	edumm_drain_all_pages(pool);
	fz_check_pool(pool, "after freeing");

	fz_sink_init(&sink);
	edumm_show_buddyinfo(pool, &sink.out);
	FZ_ASSERT_EQ(sink.lines, pool->nr_zones);
	edumm_show_pagetypeinfo(pool, &sink.out);
	edumm_show_zoneinfo(pool, &sink.out);
	edumm_show_pool(pool, &sink.out);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct edumm_chunk_desc *descs, *sorted;
	unsigned int nr, i, nth;
	struct edumm_pool pool;
	enum fz_verdict v;
	unsigned long leaked;
	bool fired;
	u8 b0, b1;
	int ret;

	if (size < 2)
		return -1;
	b0 = data[0];
	b1 = data[1];
	nr = (size - 2) / FZ_REC_SIZE;
	fz_reset_shim(1 + (b0 & 7));

	/* +1: never a zero-size allocation, and room for one more record */
	descs = calloc(nr + 1, sizeof(*descs));
	sorted = calloc(nr + 1, sizeof(*sorted));
	FZ_ASSERT(descs && sorted);
	for (i = 0; i < nr; i++)
		fz_decode(data + 2 + i * FZ_REC_SIZE, &descs[i]);
	memcpy(sorted, descs, nr * sizeof(*descs));
	qsort(sorted, nr, sizeof(*sorted), fz_desc_cmp);
	v = fz_judge(sorted, nr);

	if (b0 & 0x80) {
		memset(&pool, 0, sizeof(pool));
		ret = edumm_pool_init(&pool, descs, U16_MAX + 1);
		FZ_TRACE("init with nr %u: %d\n", U16_MAX + 1, ret);
		FZ_ASSERT_EQ((long)ret, (long)-EINVAL);
		FZ_ASSERT_EQ(edumm_shim_meta_live, 0);
	}

	nth = b1 & 0x80 ? 1 + (b1 & 15) : 0;
	edumm_shim_meta_fail_nth = nth;
	memset(&pool, 0, sizeof(pool));
	ret = edumm_pool_init(&pool, descs, nr);
	fired = nth && !edumm_shim_meta_fail_nth;
	edumm_shim_meta_fail_nth = 0;
	if (fz_trace) {
		fz_tracef("%u CPUs, fail allocation %u%s; %u chunks, %s:\n", 1 + (b0 & 7), nth,
			  fired ? " (fired)" : "", nr,
			  v == FZ_VALID ? "valid" : v == FZ_INVALID ? "invalid" : "beyond 2^52");
		for (i = 0; i < nr; i++)
			fz_tracef("  pfn %#lx order %u nid %d zone %d\n", descs[i].start_pfn,
				  descs[i].order, descs[i].nid, descs[i].zone_type);
		fz_tracef("edumm_pool_init() = %d\n", ret);
	}

	if (ret && ret != -EINVAL && ret != -ENOMEM)
		FZ_FAIL("edumm_pool_init() = %d", ret);
	if (ret == -ENOMEM && !fired)
		FZ_FAIL("edumm_pool_init() = -ENOMEM, but no allocation failed");
	if (fired && !ret)
		FZ_FAIL("edumm_pool_init() succeeded although allocation %u failed", nth);
	if (!fired && v == FZ_VALID && ret)
		FZ_FAIL("edumm_pool_init() = %d for a valid table", ret);
	if (v == FZ_INVALID && !ret)
		FZ_FAIL("edumm_pool_init() accepted an invalid table");
	if (fired && v == FZ_VALID && ret != -ENOMEM)
		FZ_FAIL("edumm_pool_init() = %d for a valid table whose allocation failed", ret);

	if (ret) {
		if (edumm_shim_meta_live)
			FZ_FAIL("edumm_pool_init() = %d left %lu metadata allocations behind",
				ret, edumm_shim_meta_live);
		goto out;
	}

	fz_check_pool(&pool, "after init");
	fz_check_shape(&pool, sorted, nr);
	fz_check_initial_blocks(&pool, sorted, nr);
	fz_exercise(&pool);
	fz_check_initial_blocks(&pool, sorted, nr);
	leaked = edumm_pool_destroy(&pool);
	FZ_ASSERT_EQ(leaked, 0);
	FZ_ASSERT_EQ(edumm_shim_meta_live, 0);
	FZ_ASSERT_EQ(edumm_shim_warns, 0);
out:
	free(descs);
	free(sorted);
	return 0;
}
