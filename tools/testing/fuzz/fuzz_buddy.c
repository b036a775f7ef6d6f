// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_buddy.c - libFuzzer target: the input is an operation script over
 * a pool of the buddy core (format in fuzz_script.h).
 *
 * The first bytes pick one of FZ_NR_LAYOUTS chunk layouts and the number
 * of simulated CPUs; then each operation allocates, frees, frees wrongly,
 * drains, asks a watermark or prints a /proc-style file.  The harness keeps
 * its own model of the live blocks and, after every operation, aborts if:
 *
 *   - edumm_pool_check() finds any violation, or a WARN fired;
 *   - the pool's allocated pages (free lists and pcp lists subtracted, and
 *     the pgalloc - pgfree counters) differ from the model's;
 *   - a live block's head lost its EDUMM_PG_HEAD, order or migratetype.
 *
 * and, at each operation, if its result is wrong:
 *
 *   alloc      a block must be aligned, inside the pool, of consecutive
 *              pfns of one zone, overlap no live block, come from a zone
 *              the migratetype may use (Movable only for movable requests)
 *              and from the first zone of the zonelist (local node first,
 *              highest zone first) that passes the watermark of the pass
 *              that served it (low; then min, halved by EDUMM_AF_HIGH);
 *              a failure (other than an injected one) is wrong if any
 *              allowed zone passes the slow path's watermark (min, or
 *              none with EDUMM_AF_NO_WMARK) after the drain, or if any
 *              page is left on a pcp list;
 *   bad alloc  out-of-range order, migratetype or flags: NULL, and no
 *              counter or page moves;
 *   free       a valid free returns 0 and counts one pgfree;
 *   bad free   double, tail, wrong-order, outside-the-pool and random frees
 *              return -EINVAL, change no page, bump exactly one bad_free
 *              counter and log exactly one report;
 *   drain      leaves the drained pcp lists empty;
 *   watermark  edumm_zone_watermark_ok() agrees with __zone_watermark_ok()'s
 *              formula;
 *   show       formats without a sanitizer report; buddyinfo has one line
 *              per zone.
 *
 * At the end every live block is freed and the pcp lists drained: the
 * pool must be whole again (buddyinfo equal to the initial one, every page
 * free), and edumm_pool_destroy() must report 0 leaked pages and return
 * every metadata allocation.
 */
#include "fuzz_common.h"
#include "fuzz_script.h"

#define FZ_MAX_PAGES	8192
#define FZ_MAX_ZONES	16
#define FZ_FREED_RING	16
/* A node id with no pool memory (the "remote CPU" case). */
#define FZ_NO_NODE	(EDUMM_MAX_NUMNODES - 1)

/*** Layouts ***/

#define C(pfn, order, nid, zone)	{ pfn, order, nid, EDUMM_ZONE_##zone }

/* one zone: 2048 pages, two order-10 chunks side by side */
static const struct edumm_chunk_desc fz_l_one_zone[] = {
	C(0x40000, 10, 0, DMA32), C(0x40400, 10, 0, DMA32),
};

/* gaps: a hole between chunks; the order-9 at 0x11200 has no buddy */
static const struct edumm_chunk_desc fz_l_gaps[] = {
	C(0x10000, 10, 0, DMA32), C(0x10800, 9, 0, DMA32), C(0x11200, 9, 0, DMA32),
};

/*
 * adjacent order-9 chunks: 0x20000+0x20200 and 0x20c00+0x20e00 are
 * buddies and merge into order-10 blocks (listed out of order, to make
 * edumm_pool_init() sort); 0x20600 and 0x20800 touch but are no buddies.
 */
static const struct edumm_chunk_desc fz_l_adjacent[] = {
	C(0x20e00, 9, 0, NORMAL), C(0x20200, 9, 0, NORMAL), C(0x20c00, 9, 0, NORMAL),
	C(0x20000, 9, 0, NORMAL), C(0x20800, 9, 0, NORMAL), C(0x20600, 9, 0, NORMAL),
};

/*
 * four zones of one node; 0x100400 (Normal) and 0x100600 (Movable) are
 * buddies by pfn but in different zones, so they must never merge.
 */
static const struct edumm_chunk_desc fz_l_zones[] = {
	C(0x800, 9, 0, DMA), C(0x80000, 10, 0, DMA32),
	C(0x100400, 9, 0, NORMAL), C(0x100600, 9, 0, MOVABLE),
};

/* two nodes; node 1 has a Movable zone */
static const struct edumm_chunk_desc fz_l_nodes[] = {
	C(0x100000, 10, 0, NORMAL), C(0x200000, 10, 1, NORMAL),
	C(0x200400, 9, 1, NORMAL), C(0x300000, 9, 1, MOVABLE),
};

/* sparse node ids, and no node 0 at all (every CPU starts "remote") */
static const struct edumm_chunk_desc fz_l_sparse_nodes[] = {
	C(0x10000, 9, 5, DMA32), C(0x30000, 9, 2, NORMAL),
	C(0x30200, 9, 2, NORMAL), C(0x40000, 9, 2, MOVABLE),
};

/* tiny: one pageblock, watermarks reached after a few dozen pages */
static const struct edumm_chunk_desc fz_l_tiny[] = {
	C(0x7fe00, 9, 0, DMA32),
};

/* the unit tests' "realistic" layout: gaps, two zones, two nodes */
static const struct edumm_chunk_desc fz_l_realistic[] = {
	C(0x200400, 9, 1, NORMAL), C(0x10a00, 9, 0, DMA32), C(0x100000, 10, 0, NORMAL),
	C(0x10000, 10, 0, DMA32), C(0x11200, 9, 0, DMA32), C(0x200000, 10, 1, NORMAL),
	C(0x10800, 9, 0, DMA32), C(0x100400, 10, 0, NORMAL),
};

#undef C

struct fz_layout {
	const char *name;
	const struct edumm_chunk_desc *descs;
	unsigned int nr;
};

#define L(name, a)	{ name, a, ARRAY_SIZE(a) }
static const struct fz_layout fz_layouts[] = {
	L("one_zone", fz_l_one_zone),
	L("gaps", fz_l_gaps),
	L("adjacent", fz_l_adjacent),
	L("zones", fz_l_zones),
	L("nodes", fz_l_nodes),
	L("sparse_nodes", fz_l_sparse_nodes),
	L("tiny", fz_l_tiny),
	L("realistic", fz_l_realistic),
};

#undef L

_Static_assert(ARRAY_SIZE(fz_layouts) == FZ_NR_LAYOUTS, "fuzz_script.h: FZ_NR_LAYOUTS");

static const enum fz_buddy_op fz_buddy_ops[16] = FZ_BUDDY_OPS_INIT;

static const char * const fz_op_names[FZ_NR_OPS] = {
	[FZ_OP_ALLOC] = "alloc",	[FZ_OP_ALLOC_MANY] = "alloc_many",
	[FZ_OP_FREE] = "free",		[FZ_OP_FREE_MANY] = "free_many",
	[FZ_OP_BAD_FREE] = "bad_free",	[FZ_OP_BAD_ALLOC] = "bad_alloc",
	[FZ_OP_DRAIN] = "drain",	[FZ_OP_WMARK] = "wmark",
	[FZ_OP_SHOW] = "show",		[FZ_OP_FAULT] = "fault",
};

/*** State of one run ***/

struct fz_blk {
	unsigned long pfn;
	struct edumm_page *page;
	unsigned int order;
	int mt;
};

static struct {
	const struct fz_layout *layout;
	struct edumm_pool pool;
	/* the model: live blocks, and which descriptors they cover */
	struct fz_blk live[FZ_MAX_PAGES];
	unsigned long nlive;
	u8 owned[FZ_MAX_PAGES];
	unsigned long model_pages;
	/* recently freed blocks, for double frees */
	struct fz_blk freed[FZ_FREED_RING];
	unsigned int nfreed, freed_next;
	/* buddyinfo right after init, by index in pool.zones[] */
	unsigned long nr_free0[FZ_MAX_ZONES][EDUMM_MAX_ORDER];
	unsigned long nop;		/* operations run so far */
} fz;

static void fz_snap(struct edumm_pool_snapshot *s)
{
	edumm_pool_snapshot(&fz.pool, s);
}

#define FZ_DELTA(s0, s1, item)	((s1)->stat[item] - (s0)->stat[item])

/* Is @pfn inside the layout's chunks (independently of the core)? */
static bool fz_pfn_in_layout(unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < fz.layout->nr; i++) {
		const struct edumm_chunk_desc *d = &fz.layout->descs[i];

		if (pfn >= d->start_pfn && pfn - d->start_pfn < (1UL << d->order))
			return true;
	}
	return false;
}

/* The model's live block that covers @pfn, or NULL. */
static struct fz_blk *fz_live_covering(unsigned long pfn)
{
	unsigned long i;

	for (i = 0; i < fz.nlive; i++) {
		struct fz_blk *b = &fz.live[i];

		if (pfn >= b->pfn && pfn - b->pfn < (1UL << b->order))
			return b;
	}
	return NULL;
}

/*
 * Apply an FZ_CTX byte: set the simulated CPU and node of the next call;
 * return its allocation flags.
 */
static unsigned int fz_ctx(u8 c)
{
	unsigned int node = (c >> 5) & 3;

	edumm_shim_cpu = ((c >> 3) & 3) % fz.pool.nr_cpus;
	edumm_shim_node = node < fz.pool.nr_nodes ? fz.pool.nodes[node].nid : FZ_NO_NODE;
	return c & 7;
}

/*** Oracles ***/

/* __zone_watermark_ok() of 6.1 without highatomic, CMA and lowmem_reserve. */
static bool fz_wmark_ok_ref(const struct edumm_zone *zone, unsigned int order,
			    unsigned long mark, unsigned int flags)
{
	long free_pages = (long)zone->free_pages - ((1L << order) - 1);
	long min = (long)mark;
	unsigned int o;

	if (flags & EDUMM_AF_HIGH)
		min -= min / 2;
	if (free_pages <= min)
		return false;
	if (!order)
		return true;
	for (o = order; o < EDUMM_MAX_ORDER; o++)
		if (zone->free_area[o].nr_free)
			return true;
	return false;
}

/* Could @zone serve the request at watermark @wmark (-1: none)? */
static bool fz_zone_can_serve(const struct edumm_zone *zone, unsigned int order, int wmark,
			      unsigned int flags)
{
	unsigned int o;

	if (wmark >= 0)
		return fz_wmark_ok_ref(zone, order, zone->watermark[wmark], flags);
	for (o = order; o < EDUMM_MAX_ORDER; o++)
		if (zone->free_area[o].nr_free)
			return true;
	return false;
}

/*
 * The zonelist the request must walk: the local node, then the others in
 * nid order; on each node the highest zone the migratetype may use first
 * (Movable only for movable requests, as gfp_zone()).
 */
static unsigned int fz_zonelist(int mt, int local, struct edumm_zone **zl)
{
	int top = mt == EDUMM_MT_MOVABLE ? EDUMM_ZONE_MOVABLE : EDUMM_ZONE_NORMAL;
	unsigned int n = 0, pass, i;
	int z;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < fz.pool.nr_nodes; i++) {
			struct edumm_node *node = &fz.pool.nodes[i];

			if (pass == 0 ? node->nid != local : node->nid == local)
				continue;
			for (z = top; z >= 0; z--)
				if (node->zones[z].managed_pages)
					zl[n++] = &node->zones[z];
		}
	}
	return n;
}

/* After every operation. */
static void fz_verify(const char *what)
{
	struct edumm_pool_snapshot s;
	char when[96];
	unsigned long i;

	snprintf(when, sizeof(when), "after operation %lu (%s)", fz.nop, what);
	fz_check_pool(&fz.pool, when);
	fz_snap(&s);
	if (s.allocated_pages != fz.model_pages || s.counted_pages != fz.model_pages)
		FZ_FAIL("%s: pool says %lu pages allocated (counters %lu), model %lu",
			when, s.allocated_pages, s.counted_pages, fz.model_pages);
	for (i = 0; i < fz.nlive; i++) {
		const struct fz_blk *b = &fz.live[i];

		if (b->page->flags != EDUMM_PG_HEAD || b->page->order != b->order ||
		    b->page->mt != b->mt)
			FZ_FAIL("%s: live block pfn %#lx order %u mt %d now has flags %#x order %u mt %u",
				when, b->pfn, b->order, b->mt, b->page->flags, b->page->order,
				b->page->mt);
	}
}

/*** Operations ***/

static bool fz_alloc(unsigned int order, int mt, u8 ctx)
{
	unsigned int flags = fz_ctx(ctx);
	int slow = (flags & EDUMM_AF_NO_WMARK) ? -1 : EDUMM_WMARK_MIN;
	struct edumm_zone *zl[EDUMM_MAX_NUMNODES * EDUMM_NR_ZONES];
	struct edumm_pool_snapshot s0, s1;
	struct edumm_page *page;
	struct edumm_zone *zone;
	unsigned long pfn, idx, size = 1UL << order, i;
	unsigned int nzl, pos;
	int mark;

	fz_snap(&s0);
	page = edumm_alloc_pages(&fz.pool, order, mt, flags);
	fz_snap(&s1);
	nzl = fz_zonelist(mt, edumm_shim_node, zl);

	if (!page) {
		FZ_TRACE("  alloc order %u mt %d flags %#x cpu %u node %d: NULL%s\n", order, mt,
			 flags, edumm_shim_cpu, edumm_shim_node,
			 FZ_DELTA(&s0, &s1, EDUMM_FAIL_INJECTED) ? " (injected)" : "");
		FZ_ASSERT_EQ(FZ_DELTA(&s0, &s1, EDUMM_ALLOC_FAIL), 1);
		FZ_ASSERT_EQ(FZ_DELTA(&s0, &s1, EDUMM_PGALLOC), 0);
		if (FZ_DELTA(&s0, &s1, EDUMM_FAIL_INJECTED)) {
			/* an injected failure touches nothing */
			FZ_ASSERT_EQ(FZ_DELTA(&s0, &s1, EDUMM_FAIL_INJECTED), 1);
			FZ_ASSERT_EQ(s1.free_pages, s0.free_pages);
			FZ_ASSERT_EQ(s1.pcp_pages, s0.pcp_pages);
			return false;
		}
		/* the slow path drained every pcp list before giving up */
		if (s1.pcp_pages)
			FZ_FAIL("order-%u allocation failed with %lu pages on pcp lists",
				order, s1.pcp_pages);
		for (i = 0; i < nzl; i++)
			if (fz_zone_can_serve(zl[i], order, slow, flags))
				FZ_FAIL("order-%u %s allocation (flags %#x) failed, but node %d zone %s has %lu free pages (min %lu) and could serve it",
					order, edumm_mt_names[mt], flags, zl[i]->nid, zl[i]->name,
					zl[i]->free_pages, zl[i]->watermark[EDUMM_WMARK_MIN]);
		return false;
	}

	FZ_ASSERT_EQ(FZ_DELTA(&s0, &s1, EDUMM_FAIL_INJECTED), 0);
	FZ_ASSERT_EQ(FZ_DELTA(&s0, &s1, EDUMM_ALLOC_FAIL), 0);
	FZ_ASSERT_EQ(FZ_DELTA(&s0, &s1, EDUMM_PGALLOC), 1);
	FZ_ASSERT_EQ(FZ_DELTA(&s0, &s1, EDUMM_PGALLOC_PAGES), size);
	if (page < fz.pool.pages || page >= fz.pool.pages + fz.pool.nr_pages)
		FZ_FAIL("alloc returned a descriptor outside pages[]");
	idx = page - fz.pool.pages;
	pfn = edumm_page_to_pfn(&fz.pool, page);
	zone = edumm_page_zone(&fz.pool, page);
	FZ_TRACE("  alloc order %u mt %d flags %#x cpu %u node %d: pfn %#lx node %d zone %s\n",
		 order, mt, flags, edumm_shim_cpu, edumm_shim_node, pfn, zone->nid, zone->name);

	FZ_ASSERT_EQ(page->flags, EDUMM_PG_HEAD);
	FZ_ASSERT_EQ(page->order, order);
	FZ_ASSERT_EQ(page->mt, mt);
	if (pfn & (size - 1))
		FZ_FAIL("order-%u block at pfn %#lx is misaligned", order, pfn);
	if (!fz_pfn_in_layout(pfn) || !fz_pfn_in_layout(pfn + size - 1))
		FZ_FAIL("order-%u block at pfn %#lx is not inside the pool's chunks", order, pfn);
	if (edumm_pfn_to_page(&fz.pool, pfn) != page)
		FZ_FAIL("pfn %#lx does not look up to the descriptor alloc returned", pfn);
	if (idx + size > fz.pool.nr_pages)
		FZ_FAIL("order-%u block at pfn %#lx runs past pages[]", order, pfn);

	/* the first zone of the zonelist that passed the serving pass's mark */
	for (pos = 0; pos < nzl && zl[pos] != zone; pos++)
		;
	if (pos == nzl)
		FZ_FAIL("%s allocation served from node %d zone %s, which it may not use",
			edumm_mt_names[mt], zone->nid, zone->name);
	/*
	 * The fast path (low mark) ignores EDUMM_AF_HIGH, which like ALLOC_HIGH
	 * of gfp_to_alloc_flags() only lowers the slow path's min mark.
	 */
	if (FZ_DELTA(&s0, &s1, EDUMM_WMARK_LOW_FAIL)) {
		mark = slow;
	} else {
		mark = EDUMM_WMARK_LOW;
		flags &= ~EDUMM_AF_HIGH;
	}
	for (i = 0; i < pos; i++)
		if (fz_zone_can_serve(zl[i], order, mark, flags))
			FZ_FAIL("order-%u allocation from node %d zone %s, but node %d zone %s comes first in the zonelist and passes the %s watermark",
				order, zone->nid, zone->name, zl[i]->nid, zl[i]->name,
				mark < 0 ? "(no)" : mark == EDUMM_WMARK_LOW ? "low" : "min");

	for (i = 0; i < size; i++) {
		if (fz.owned[idx + i])
			FZ_FAIL("order-%u block at pfn %#lx overlaps a live block at pfn %#lx",
				order, pfn, pfn + i);
		if (edumm_page_to_pfn(&fz.pool, page + i) != pfn + i ||
		    edumm_page_zone(&fz.pool, page + i) != zone)
			FZ_FAIL("order-%u block at pfn %#lx spans a hole or two zones", order, pfn);
		fz.owned[idx + i] = 1;
	}
	fz.live[fz.nlive++] = (struct fz_blk){ pfn, page, order, mt };
	fz.model_pages += size;
	return true;
}

static void fz_free_at(unsigned long i, u8 ctx)
{
	struct fz_blk b = fz.live[i];
	struct edumm_pool_snapshot s0, s1;
	unsigned long idx = b.page - fz.pool.pages, size = 1UL << b.order, j;
	unsigned long reports = edumm_shim_reports;
	int ret;

	fz_ctx(ctx);
	fz_snap(&s0);
	ret = edumm_free_pages(&fz.pool, b.pfn, b.order);
	fz_snap(&s1);
	FZ_TRACE("  free pfn %#lx order %u cpu %u: %d\n", b.pfn, b.order, edumm_shim_cpu, ret);
	if (ret)
		FZ_FAIL("free of live block pfn %#lx order %u returned %d", b.pfn, b.order, ret);
	FZ_ASSERT_EQ(edumm_shim_reports, reports);
	FZ_ASSERT_EQ(FZ_DELTA(&s0, &s1, EDUMM_PGFREE), 1);
	FZ_ASSERT_EQ(FZ_DELTA(&s0, &s1, EDUMM_PGFREE_PAGES), size);
	if (b.page->flags & EDUMM_PG_HEAD)
		FZ_FAIL("freed block pfn %#lx is still EDUMM_PG_HEAD", b.pfn);

	for (j = 0; j < size; j++)
		fz.owned[idx + j] = 0;
	fz.model_pages -= size;
	fz.live[i] = fz.live[--fz.nlive];
	fz.freed[fz.freed_next] = b;
	fz.freed_next = (fz.freed_next + 1) % FZ_FREED_RING;
	if (fz.nfreed < FZ_FREED_RING)
		fz.nfreed++;
}

/*
 * A free the core must refuse: -EINVAL, no page moved, exactly one
 * bad_free counter and one report.  Skipped when the model says the free
 * is in fact legitimate (a recently freed block that was allocated again).
 */
static void fz_expect_refused(unsigned long pfn, unsigned int order, const char *what)
{
	struct fz_blk *b = fz_live_covering(pfn);
	unsigned long reports = edumm_shim_reports;
	struct edumm_pool_snapshot s0, s1;
	enum edumm_stat_item expect;
	struct edumm_page *page;
	unsigned int i;
	int ret;

	if (b && b->pfn == pfn && b->order == order)
		return;
	if (!fz_pfn_in_layout(pfn)) {
		expect = EDUMM_BAD_FREE_NOT_HEAD;
	} else if (b) {
		expect = b->pfn == pfn ? EDUMM_BAD_FREE_ORDER : EDUMM_BAD_FREE_NOT_HEAD;
	} else {
		page = edumm_pfn_to_page(&fz.pool, pfn);
		FZ_ASSERT(page);
		expect = page->flags & (EDUMM_PG_BUDDY | EDUMM_PG_PCP) ?
			 EDUMM_BAD_FREE_DOUBLE : EDUMM_BAD_FREE_NOT_HEAD;
	}

	fz_snap(&s0);
	ret = edumm_free_pages(&fz.pool, pfn, order);
	fz_snap(&s1);
	FZ_TRACE("  bad free (%s) pfn %#lx order %u: %d\n", what, pfn, order, ret);
	if (ret != -EINVAL)
		FZ_FAIL("bad free (%s) of pfn %#lx order %u returned %d, not -EINVAL",
			what, pfn, order, ret);
	FZ_ASSERT_EQ(s1.free_pages, s0.free_pages);
	FZ_ASSERT_EQ(s1.pcp_pages, s0.pcp_pages);
	FZ_ASSERT_EQ(edumm_shim_reports, reports + 1);
	for (i = 0; i < NR_EDUMM_STATS; i++)
		if (FZ_DELTA(&s0, &s1, i) != (i == expect))
			FZ_FAIL("bad free (%s) of pfn %#lx order %u: counter %s moved by %lu, expected %s",
				what, pfn, order, edumm_stat_names[i], FZ_DELTA(&s0, &s1, i),
				edumm_stat_names[expect]);
}

static void fz_bad_free(u8 kind, u8 x, u8 y)
{
	static const unsigned int odd_orders[] = { 11, 12, 255, UINT_MAX };
	const struct edumm_chunk_desc *d = &fz.layout->descs[x % fz.layout->nr];
	unsigned long dsize = 1UL << d->order;
	unsigned long i, pfn;
	unsigned int order;
	struct fz_blk *b;

	switch (kind % FZ_NR_BAD) {
	case FZ_BAD_DOUBLE:
		if (!fz.nfreed)
			return;
		b = &fz.freed[x % fz.nfreed];
		fz_expect_refused(b->pfn, b->order, "double");
		return;
	case FZ_BAD_TAIL:
		for (i = 0; i < fz.nlive; i++) {
			b = &fz.live[(x + i) % fz.nlive];
			if (b->order)
				break;
		}
		if (i == fz.nlive)
			return;
		pfn = b->pfn + 1 + y % ((1UL << b->order) - 1);
		fz_expect_refused(pfn, y & 0x80 ? 0 : b->order, "tail");
		return;
	case FZ_BAD_ORDER:
		if (!fz.nlive)
			return;
		b = &fz.live[x % fz.nlive];
		order = y < 0xc0 ? (b->order + 1 + y % 10) % 11 : odd_orders[y & 3];
		fz_expect_refused(b->pfn, order, "wrong order");
		return;
	case FZ_BAD_OUTSIDE: {
		const unsigned long pfns[] = {
			0, ~0UL, ~0UL - 1, d->start_pfn - 1, d->start_pfn + dsize,
			d->start_pfn - dsize, d->start_pfn + 2 * dsize, 1UL << 40,
		};

		fz_expect_refused(pfns[y % ARRAY_SIZE(pfns)], (x >> 3) % 11, "outside");
		return;
	}
	case FZ_BAD_RANDOM:
		pfn = d->start_pfn + (((unsigned long)y << (d->order - 8)) | (x >> 7));
		fz_expect_refused(pfn, (x >> 3) % 11, "random");
		return;
	case FZ_BAD_FREE_HEAD:
		for (i = 0; i < fz.pool.nr_pages; i++) {
			struct edumm_page *p;

			p = &fz.pool.pages[(x * fz.pool.nr_pages / 256 + i) % fz.pool.nr_pages];
			if (p->flags & (EDUMM_PG_BUDDY | EDUMM_PG_PCP)) {
				fz_expect_refused(edumm_page_to_pfn(&fz.pool, p), p->order,
						  "free block");
				return;
			}
		}
		return;
	}
}

static void fz_bad_alloc(u8 kind, u8 x)
{
	static const unsigned int orders[] = { 11, 12, 31, 64, 255, 1000, 1U << 31, UINT_MAX };
	static const int mts[] = { -1, 3, 4, 255, 1000, -128, INT_MAX, INT_MIN };
	struct edumm_pool_snapshot s0, s1;
	unsigned int order = x % 11, flags = x & EDUMM_AF_MASK;
	int mt = (x >> 4) % 3;
	struct edumm_page *page;

	switch (kind % FZ_NR_BADA) {
	case FZ_BADA_ORDER:
		order = orders[x & 7];
		break;
	case FZ_BADA_MT:
		mt = mts[x & 7];
		break;
	default:
		flags |= 1U << (3 + x % 29);
		break;
	}
	fz_snap(&s0);
	page = edumm_alloc_pages(&fz.pool, order, mt, flags);
	fz_snap(&s1);
	FZ_TRACE("  bad alloc order %u mt %d flags %#x: %p\n", order, mt, flags, (void *)page);
	if (page)
		FZ_FAIL("alloc with order %u mt %d flags %#x succeeded", order, mt, flags);
	if (memcmp(&s0, &s1, sizeof(s0)))
		FZ_FAIL("refused alloc (order %u mt %d flags %#x) changed the pool's counters",
			order, mt, flags);
}

static void fz_drain(u8 kind, u8 x, u8 y)
{
	struct edumm_pool_snapshot s;
	struct edumm_zone *zone;
	unsigned int cpu;

	if (!(kind & 1)) {
		edumm_drain_all_pages(&fz.pool);
		fz_snap(&s);
		FZ_TRACE("  drain all\n");
		if (s.pcp_pages)
			FZ_FAIL("%lu pages on pcp lists after a full drain", s.pcp_pages);
		return;
	}
	zone = fz.pool.zones[x % fz.pool.nr_zones];
	cpu = y % fz.pool.nr_cpus;
	edumm_drain_zone_pages(zone, cpu);
	FZ_TRACE("  drain node %d zone %s cpu %u\n", zone->nid, zone->name, cpu);
	if (zone->pcp[cpu].count)
		FZ_FAIL("node %d zone %s cpu %u: pcp count %d after its drain",
			zone->nid, zone->name, cpu, zone->pcp[cpu].count);
}

static void fz_wmark(u8 z, u8 a, u8 m)
{
	struct edumm_zone *zone = fz.pool.zones[z % fz.pool.nr_zones];
	unsigned int order = (a & 15) % 11, flags = a >> 4;
	unsigned long mark;
	bool got, want;

	switch (m & 7) {
	case 0:
	case 1:
	case 2:
		mark = zone->watermark[m & 7];
		break;
	case 3:
		mark = 0;
		break;
	case 4:
		mark = zone->free_pages;
		break;
	case 5:
		mark = zone->free_pages ? zone->free_pages - 1 : 0;
		break;
	case 6:
		mark = zone->free_pages + (m >> 3);
		break;
	default:
		mark = (unsigned long)(m >> 3) << 6;
		break;
	}
	got = edumm_zone_watermark_ok(zone, order, mark, flags);
	want = fz_wmark_ok_ref(zone, order, mark, flags);
	FZ_TRACE("  wmark node %d zone %s order %u mark %lu flags %#x: %d\n",
		 zone->nid, zone->name, order, mark, flags, got);
	if (got != want)
		FZ_FAIL("zone_watermark_ok(node %d zone %s, order %u, mark %lu, flags %#x) = %d, expected %d (free %lu)",
			zone->nid, zone->name, order, mark, flags, got, want, zone->free_pages);
}

static void fz_show(u8 kind)
{
	static void (* const show[])(struct edumm_pool *, struct edumm_out *) = {
		edumm_show_buddyinfo, edumm_show_pagetypeinfo,
		edumm_show_zoneinfo, edumm_show_pool,
	};
	struct fz_sink sink;

	fz_sink_init(&sink);
	show[kind % 4](&fz.pool, &sink.out);
	FZ_TRACE("  show %u: %lu bytes, %lu lines\n", kind % 4, sink.bytes, sink.lines);
	if (kind % 4 == 0 && sink.lines != fz.pool.nr_zones)
		FZ_FAIL("buddyinfo has %lu lines for %u zones", sink.lines, fz.pool.nr_zones);
}

static void fz_fault(u8 i, u8 p, u8 t)
{
	char spec[64];
	int ret;

	snprintf(spec, sizeof(spec), "%u,%u,%u,%d", 1 + i % 4, p % 101, t & 0x80 ? 8 : 0,
		 (int)(t % 5) - 1);
	ret = edumm_fault_attr_parse(&fz.pool.fail, spec);
	FZ_TRACE("  fault %s: %d\n", spec, ret);
	if (ret)
		FZ_FAIL("edumm_fault_attr_parse(\"%s\") = %d", spec, ret);
}

static void fz_run_op(struct fz_in *in)
{
	enum fz_buddy_op op = fz_buddy_ops[fz_u8(in) & 15];
	u8 a = fz_u8(in), b = fz_u8(in), c;
	unsigned long n, i;

	fz.nop++;
	FZ_TRACE("op %lu: %s\n", fz.nop, fz_op_names[op]);
	switch (op) {
	case FZ_OP_ALLOC:
		fz_alloc((a & 15) % 11, (a >> 4) % 3, b);
		break;
	case FZ_OP_ALLOC_MANY:
		n = 1 + fz_u8(in) % 64;
		for (i = 0; i < n; i++) {
			if (!fz_alloc((a & 15) % 11, (a >> 4) % 3, b))
				break;
			if (i + 1 < n)
				fz_verify(fz_op_names[op]);
		}
		break;
	case FZ_OP_FREE:
		if (fz.nlive)
			fz_free_at(a % fz.nlive, b);
		break;
	case FZ_OP_FREE_MANY:
		c = fz_u8(in);
		n = 1 + a % 64;
		for (i = 0; i < n && fz.nlive; i++) {
			fz_free_at((b + i) % fz.nlive, c);
			if (i + 1 < n && fz.nlive)
				fz_verify(fz_op_names[op]);
		}
		break;
	case FZ_OP_BAD_FREE:
		fz_bad_free(a, b, fz_u8(in));
		break;
	case FZ_OP_BAD_ALLOC:
		fz_bad_alloc(a, b);
		break;
	case FZ_OP_DRAIN:
		fz_drain(a, b, fz_u8(in));
		break;
	case FZ_OP_WMARK:
		fz_wmark(a, b, fz_u8(in));
		break;
	case FZ_OP_SHOW:
		fz_show(a);
		break;
	case FZ_OP_FAULT:
		fz_fault(a, b, fz_u8(in));
		break;
	default:
		FZ_FAIL("bad op %d", op);
	}
	fz_verify(fz_op_names[op]);
}

/* Free everything, drain: the pool must be exactly as it was built. */
static void fz_finish(void)
{
	struct edumm_pool_snapshot s;
	unsigned long leaked;
	unsigned int zi, o;

	FZ_TRACE("finish: freeing %lu live blocks\n", fz.nlive);
	while (fz.nlive)
		fz_free_at(fz.nlive - 1, 0);
	edumm_drain_all_pages(&fz.pool);
	fz_check_pool(&fz.pool, "after freeing everything");
	fz_snap(&s);
	if (s.free_pages != s.pool_pages || s.pcp_pages || s.allocated_pages || s.counted_pages)
		FZ_FAIL("after freeing everything: free %lu pcp %lu allocated %lu counted %lu of %lu",
			s.free_pages, s.pcp_pages, s.allocated_pages, s.counted_pages,
			s.pool_pages);
	for (zi = 0; zi < fz.pool.nr_zones; zi++) {
		struct edumm_zone *zone = fz.pool.zones[zi];

		for (o = 0; o < EDUMM_MAX_ORDER; o++)
			if (zone->free_area[o].nr_free != fz.nr_free0[zi][o])
				FZ_FAIL("not fully coalesced: node %d zone %s has %lu free order-%u blocks, %lu after init",
					zone->nid, zone->name, zone->free_area[o].nr_free, o,
					fz.nr_free0[zi][o]);
	}
	leaked = edumm_pool_destroy(&fz.pool);
	FZ_ASSERT_EQ(leaked, 0);
	FZ_ASSERT_EQ(edumm_shim_meta_live, 0);
	FZ_ASSERT_EQ(edumm_shim_warns, 0);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fz_in in = { data, size };
	struct edumm_pool_snapshot s;
	unsigned int zi, o;
	u8 b0, b1;
	int ret;

	if (size < 2)
		return -1;	/* not even a layout: keep it out of the corpus */
	b0 = fz_u8(&in);
	b1 = fz_u8(&in);
	fz.layout = &fz_layouts[b0 % FZ_NR_LAYOUTS];
	fz_reset_shim(1 + (b1 & 3));
	memset(&fz.pool, 0, sizeof(fz.pool));
	fz.nlive = 0;
	fz.model_pages = 0;
	fz.nfreed = 0;
	fz.freed_next = 0;
	fz.nop = 0;

	ret = edumm_pool_init(&fz.pool, fz.layout->descs, fz.layout->nr);
	if (ret)
		FZ_FAIL("edumm_pool_init(layout %s) = %d", fz.layout->name, ret);
	FZ_TRACE("layout %s: %lu pages, %u zones, %u CPUs\n", fz.layout->name,
		 fz.pool.nr_pages, fz.pool.nr_zones, fz.pool.nr_cpus);
	FZ_ASSERT(fz.pool.nr_pages <= FZ_MAX_PAGES && fz.pool.nr_zones <= FZ_MAX_ZONES);
	memset(fz.owned, 0, fz.pool.nr_pages);
	fz_check_pool(&fz.pool, "after init");
	fz_snap(&s);
	FZ_ASSERT_EQ(s.free_pages, s.pool_pages);
	for (zi = 0; zi < fz.pool.nr_zones; zi++)
		for (o = 0; o < EDUMM_MAX_ORDER; o++)
			fz.nr_free0[zi][o] = fz.pool.zones[zi]->free_area[o].nr_free;
	fz_ctx(((b1 >> 2) & 3) << 5);

	while (in.n)
		fz_run_op(&in);
	fz_finish();
	return 0;
}
