// SPDX-License-Identifier: GPL-2.0
/*
 * test_init.c - edumm_pool_init(): validation of the chunk table, and the
 * state of a fresh pool (buddyinfo, pagetypeinfo, zoneinfo, watermarks,
 * pcp sizes, pfn lookup), each compared with values the test computes
 * itself from the kernel's formulas.
 */
#include "common.h"

static const char * const zone_names[EDUMM_NR_ZONES] = { "DMA", "DMA32", "Normal", "Movable" };

/* Expect edumm_pool_init() to refuse a table, leaving nothing allocated. */
static void expect_einval(const struct edumm_chunk_desc *d, unsigned int nr, const char *what)
{
	struct edumm_pool pool;
	static const struct edumm_pool zero;

	memset(&pool, 0, sizeof(pool));
	if (edumm_pool_init(&pool, d, nr) != -EINVAL)
		ut_fail(__FILE__, __LINE__, "%s: not refused with -EINVAL", what);
	ASSERT_EQ(edumm_shim_meta_live, 0);
	/* edumm_pool_destroy() leaves the structure zeroed for a retry */
	ASSERT_EQ(memcmp(&pool, &zero, sizeof(pool)), 0);
}

/*
 * Every malformed chunk table is refused with -EINVAL and every byte of
 * metadata allocated before the bad entry was found is given back.
 */
TEST(init_rejects_bad_chunk_tables)
{
	static const struct edumm_chunk_desc misaligned10[] = {
		{ 0x10200, 10, 0, EDUMM_ZONE_DMA32 },	/* 512- but not 1024-aligned */
	};
	static const struct edumm_chunk_desc misaligned9[] = {
		{ 0x10000, 10, 0, EDUMM_ZONE_DMA32 },
		{ 0x20100, 9, 0, EDUMM_ZONE_DMA32 },	/* not 512-aligned, 2nd entry */
	};
	static const struct edumm_chunk_desc order8[] = {
		{ 0x10000, 8, 0, EDUMM_ZONE_DMA32 },	/* smaller than a pageblock */
	};
	static const struct edumm_chunk_desc order11[] = {
		{ 0x10000, 11, 0, EDUMM_ZONE_DMA32 },	/* above MAX_ORDER - 1 */
	};
	static const struct edumm_chunk_desc overlap[] = {
		{ 0x10000, 10, 0, EDUMM_ZONE_DMA32 },
		{ 0x10200, 9, 0, EDUMM_ZONE_DMA32 },	/* inside the first */
	};
	static const struct edumm_chunk_desc overlap_unsorted[] = {
		{ 0x20200, 9, 0, EDUMM_ZONE_DMA32 },
		{ 0x30000, 9, 0, EDUMM_ZONE_DMA32 },
		{ 0x20000, 10, 0, EDUMM_ZONE_DMA32 },	/* covers 0x20200..0x203ff */
	};
	static const struct edumm_chunk_desc duplicate[] = {
		{ 0x10000, 9, 0, EDUMM_ZONE_DMA32 },
		{ 0x10000, 9, 0, EDUMM_ZONE_DMA32 },
	};
	static const struct edumm_chunk_desc nid_neg[] = {
		{ 0x10000, 9, -1, EDUMM_ZONE_DMA32 },
	};
	static const struct edumm_chunk_desc nid_big[] = {
		{ 0x10000, 9, 0, EDUMM_ZONE_DMA32 },
		{ 0x20000, 9, EDUMM_MAX_NUMNODES, EDUMM_ZONE_DMA32 },
	};
	static const struct edumm_chunk_desc zone_neg[] = {
		{ 0x10000, 9, 0, -1 },
	};
	static const struct edumm_chunk_desc zone_big[] = {
		{ 0x10000, 9, 0, EDUMM_ZONE_DMA32 },
		{ 0x20000, 10, 0, EDUMM_ZONE_DMA32 },
		{ 0x30000, 9, 0, EDUMM_NR_ZONES },
	};

	expect_einval(misaligned10, ARRAY_SIZE(misaligned10), "misaligned order-10 chunk");
	expect_einval(misaligned9, ARRAY_SIZE(misaligned9), "misaligned order-9 chunk");
	expect_einval(order8, ARRAY_SIZE(order8), "order 8");
	expect_einval(order11, ARRAY_SIZE(order11), "order 11");
	expect_einval(overlap, ARRAY_SIZE(overlap), "overlapping chunks");
	expect_einval(overlap_unsorted, ARRAY_SIZE(overlap_unsorted), "overlap, unsorted");
	expect_einval(duplicate, ARRAY_SIZE(duplicate), "duplicate chunk");
	expect_einval(nid_neg, ARRAY_SIZE(nid_neg), "nid -1");
	expect_einval(nid_big, ARRAY_SIZE(nid_big), "nid EDUMM_MAX_NUMNODES");
	expect_einval(zone_neg, ARRAY_SIZE(zone_neg), "zone -1");
	expect_einval(zone_big, ARRAY_SIZE(zone_big), "zone EDUMM_NR_ZONES");

	/* and the same (zeroed) structure then takes a good table */
	ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 2);
}

/* An empty table, or one too long for the u16 chunk index, is refused. */
TEST(init_rejects_bad_count)
{
	expect_einval(ut_layout_simple, 0, "nr = 0");
	/* refused before the (short) table is read */
	expect_einval(ut_layout_simple, U16_MAX + 1, "nr = 65536");
}

/*
 * Fresh realistic pool: buddyinfo byte for byte.  The two adjacent,
 * aligned order-9 chunks at 0x10800 and 0x10a00 have merged:
 *
 *   0x10800        0x10a00        0x10c00
 *   [ chunk o9    ][ chunk o9    ]         two chunks, buddies at order 9
 *   [          one order-10 block ]        after __free_pages_core()
 *
 * while the lone order-9 chunk at 0x11200 (buddy 0x11000 not in the pool)
 * stays an order-9 block.
 */
TEST(init_realistic_buddyinfo)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 2);
	unsigned long dma32[EDUMM_MAX_ORDER] = { [9] = 1, [10] = 2 };
	unsigned long normal0[EDUMM_MAX_ORDER] = { [10] = 2 };
	unsigned long normal1[EDUMM_MAX_ORDER] = { [9] = 1, [10] = 1 };
	const char *expect;

	expect = ut_tmp_printf("%s%s%s", ut_buddyinfo_line(0, "DMA32", dma32),
			       ut_buddyinfo_line(0, "Normal", normal0),
			       ut_buddyinfo_line(1, "Normal", normal1));
	ASSERT_STREQ(ut_buddyinfo(pool), expect);
	ASSERT_EQ(pool->nr_pages, 2560 + 2048 + 1536);
	ASSERT_EQ(pool->nr_chunks, 8);
	ASSERT_EQ(pool->nr_nodes, 2);
	ASSERT_EQ(pool->nr_zones, 3);
	/* exactly one merge happened while the chunks were handed over */
	ASSERT_EQ(ut.snap0.stat[EDUMM_BUDDY_MERGE], 1);
	ASSERT_EQ(ut.snap0.free_pages, pool->nr_pages);
}

/* Fresh realistic pool: pagetypeinfo byte for byte, every pageblock Movable. */
TEST(init_realistic_pagetypeinfo)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 2);
	struct ut_zone_expect z[3] = {
		{ .nid = 0, .name = "DMA32" },
		{ .nid = 0, .name = "Normal" },
		{ .nid = 1, .name = "Normal" },
	};
	const char *text = ut_pagetypeinfo(pool);

	z[0].free[EDUMM_MT_MOVABLE][9] = 1;
	z[0].free[EDUMM_MT_MOVABLE][10] = 2;
	z[0].blocks[EDUMM_MT_MOVABLE] = 5;
	z[1].free[EDUMM_MT_MOVABLE][10] = 2;
	z[1].blocks[EDUMM_MT_MOVABLE] = 4;
	z[2].free[EDUMM_MT_MOVABLE][9] = 1;
	z[2].free[EDUMM_MT_MOVABLE][10] = 1;
	z[2].blocks[EDUMM_MT_MOVABLE] = 3;

	ASSERT_TRUE(!strncmp(text, "Page block order: 9\nPages per block:  512\n\n", 43));
	ASSERT_STREQ(text, ut_expect_pagetypeinfo(z, 3));
}

/*** Independent model of the zones and their sizes ***/

struct zgeom {
	int nid, type;
	unsigned long managed, start, end;
	unsigned long min, low, high;
	int batch, pcp_high;
};

static unsigned long isqrt(unsigned long x)
{
	unsigned long r = 0;

	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

/*
 * The zones a chunk table makes, sorted by (nid, type), with the kernel's
 * watermarks (init_per_zone_wmark_min, __setup_per_zone_wmarks) and pcp
 * sizes (zone_batchsize, zone_highsize as documented in pcp.c).
 */
static unsigned int model_zones(const struct edumm_chunk_desc *d, unsigned int nr,
				unsigned int cpus, struct zgeom *z, unsigned long *mfk)
{
	unsigned long total = 0, pages_min;
	unsigned int i, j, n = 0;

	for (i = 0; i < nr; i++) {
		unsigned long s = d[i].start_pfn, e = s + (1UL << d[i].order);

		total += e - s;
		for (j = 0; j < n; j++)
			if (z[j].nid == d[i].nid && z[j].type == d[i].zone_type)
				break;
		if (j == n) {
			memset(&z[n], 0, sizeof(z[n]));
			z[n].nid = d[i].nid;
			z[n].type = d[i].zone_type;
			z[n].start = s;
			z[n].end = e;
			n++;
		}
		z[j].managed += e - s;
		z[j].start = min(z[j].start, s);
		z[j].end = max(z[j].end, e);
	}
	for (i = 0; i < n; i++)		/* insertion sort by (nid, type) */
		for (j = i; j > 0 && (z[j - 1].nid > z[j].nid ||
				      (z[j - 1].nid == z[j].nid && z[j - 1].type > z[j].type)); j--) {
			struct zgeom t = z[j];

			z[j] = z[j - 1];
			z[j - 1] = t;
		}

	*mfk = isqrt(total * 4 * 16);			/* kbytes * 16 */
	*mfk = *mfk < 128 ? 128 : *mfk > 262144 ? 262144 : *mfk;
	pages_min = *mfk / 4;
	for (i = 0; i < n; i++) {
		unsigned long tmp, b;
		int batch;

		z[i].min = pages_min * z[i].managed / total;
		tmp = max(z[i].min / 4, z[i].managed * 10 / 10000);
		z[i].low = z[i].min + tmp;
		z[i].high = z[i].min + 2 * tmp;

		b = min(z[i].managed / 1024, 256UL) / 4;
		if (b < 1)
			b = 1;
		batch = 1;
		while (batch * 2 <= (int)(b + b / 2))
			batch *= 2;
		batch -= 1;			/* rounddown_pow_of_two() - 1 */
		z[i].batch = batch < 1 ? 1 : batch;
		z[i].pcp_high = max((int)(z[i].low / cpus), 4 * z[i].batch);
	}
	return n;
}

/* zoneinfo_show_print() lines edumm prints, for a quiet pool. */
static const char *expect_zoneinfo(const struct zgeom *z, unsigned int n, unsigned int cpus,
				   const unsigned long *free_pages)
{
	struct ut_buf b;
	const char *s;
	unsigned int i, c;

	ut_buf_init(&b);
	for (i = 0; i < n; i++) {
		ut_buf_printf(&b, "Node %d, zone %8s", z[i].nid, zone_names[z[i].type]);
		ut_buf_printf(&b, "\n  pages free     %lu", free_pages[i]);
		ut_buf_printf(&b, "\n        boost    %lu", 0UL);
		ut_buf_printf(&b, "\n        min      %lu", z[i].min);
		ut_buf_printf(&b, "\n        low      %lu", z[i].low);
		ut_buf_printf(&b, "\n        high     %lu", z[i].high);
		ut_buf_printf(&b, "\n        spanned  %lu", z[i].end - z[i].start);
		ut_buf_printf(&b, "\n        present  %lu", z[i].managed);
		ut_buf_printf(&b, "\n        managed  %lu", z[i].managed);
		ut_buf_printf(&b, "\n        cma      %lu", 0UL);
		ut_buf_printf(&b, "\n        protection: (0, 0, 0, 0)");
		ut_buf_printf(&b, "\n      %-12s %lu", "nr_free_pages", free_pages[i]);
		ut_buf_printf(&b, "\n  pagesets");
		for (c = 0; c < cpus; c++)
			ut_buf_printf(&b, "\n    cpu: %u\n              count: %d"
				      "\n              high:  %d\n              batch: %d",
				      c, 0, z[i].pcp_high, z[i].batch);
		ut_buf_printf(&b, "\n  node_unreclaimable:  %u", 0U);
		ut_buf_printf(&b, "\n  start_pfn:           %lu\n", z[i].start);
	}
	s = ut_tmp_printf("%s", b.s);
	ut_buf_free(&b);
	return s;
}

/*
 * Fresh realistic pool on 3 CPUs: zoneinfo byte for byte, with min, low,
 * high, spanned (holes included), managed, start_pfn and pcp high/batch
 * computed here from the kernel's formulas.
 */
TEST(init_realistic_zoneinfo)
{
	const unsigned int cpus = 3;
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, cpus);
	struct zgeom z[8];
	unsigned long mfk, free_pages[8];
	unsigned int n, i;

	n = model_zones(ut_layout_realistic, ut_layout_realistic_nr, cpus, z, &mfk);
	ASSERT_EQ(n, 3);
	for (i = 0; i < n; i++) {
		free_pages[i] = z[i].managed;
		ut_diag("node %d %-6s managed %4lu min %3lu low %3lu high %3lu batch %d high %d",
			z[i].nid, zone_names[z[i].type], z[i].managed, z[i].min, z[i].low,
			z[i].high, z[i].batch, z[i].pcp_high);
	}
	ASSERT_EQ(pool->min_free_kbytes, mfk);
	ASSERT_EQ(z[0].end - z[0].start, 0x1400);	/* DMA32 spans its holes */
	ASSERT_STREQ(ut_zoneinfo(pool), expect_zoneinfo(z, n, cpus, free_pages));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(pool->zones[i]->watermark[EDUMM_WMARK_MIN], z[i].min);
		ASSERT_EQ(pool->zones[i]->watermark[EDUMM_WMARK_LOW], z[i].low);
		ASSERT_EQ(pool->zones[i]->watermark[EDUMM_WMARK_HIGH], z[i].high);
	}
}

/*
 * The 64 MiB default pool: the worked examples in pool.c and pcp.c are
 * true (min_free_kbytes 1024, min 256, low 320, high 384, pcp batch 3,
 * pcp high 160 on 2 CPUs), and so is the model of this file.
 */
TEST(init_simple_worked_example)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct edumm_zone *zone = pool->zones[0];
	unsigned long mfk, free_pages[1];
	struct zgeom z[1];
	unsigned int cpu;

	ASSERT_EQ(model_zones(ut_layout_simple, ut_layout_simple_nr, 2, z, &mfk), 1);
	ASSERT_EQ(pool->nr_pages, 16384);
	ASSERT_EQ(pool->min_free_kbytes, 1024);
	ASSERT_EQ(mfk, 1024);
	ASSERT_EQ(zone->watermark[EDUMM_WMARK_MIN], 256);
	ASSERT_EQ(zone->watermark[EDUMM_WMARK_LOW], 320);
	ASSERT_EQ(zone->watermark[EDUMM_WMARK_HIGH], 384);
	for (cpu = 0; cpu < 2; cpu++) {
		ASSERT_EQ(zone->pcp[cpu].batch, 3);
		ASSERT_EQ(zone->pcp[cpu].high, 160);
		ASSERT_EQ(zone->pcp[cpu].count, 0);
	}
	free_pages[0] = 16384;
	ASSERT_STREQ(ut_zoneinfo(pool), expect_zoneinfo(z, 1, 2, free_pages));
	{
		unsigned long n10[EDUMM_MAX_ORDER] = { [10] = 16 };

		ASSERT_STREQ(ut_buddyinfo(pool), ut_buddyinfo_line(0, "DMA32", n10));
	}
}

/*
 * Watermarks and pcp sizes across zone sizes from 4 MiB to 1.2 GiB (tables
 * of order-10 chunks far apart), up to the cap of zone_batchsize(): from
 * 1 GiB on, min(managed >> 10, 256) / 4 = 64 and batch = 63.
 */
TEST(init_batch_and_wmark_formulas_across_sizes)
{
	static const unsigned long sizes[] = { 1, 2, 3, 8, 12, 16, 48, 64, 100, 256, 300 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned long nr = sizes[i], j, mfk;
		struct edumm_chunk_desc *d = ut_tmp_alloc(nr * sizeof(*d));
		struct edumm_pool *pool;
		struct edumm_zone *zone;
		struct zgeom z[1];

		for (j = 0; j < nr; j++) {
			/* far apart, so nothing merges and pfn lookups must search */
			d[j].start_pfn = 0x100000 + j * 0x1000;
			d[j].order = 10;
			d[j].nid = 0;
			d[j].zone_type = EDUMM_ZONE_NORMAL;
		}
		model_zones(d, nr, 2, z, &mfk);
		pool = ut_pool_init(d, nr, 2);
		zone = pool->zones[0];
		ut_diag("%5lu MiB: min_free_kbytes %lu min %lu low %lu high %lu batch %d high %d",
			nr * 4, mfk, z[0].min, z[0].low, z[0].high, z[0].batch, z[0].pcp_high);
		ASSERT_EQ(pool->min_free_kbytes, mfk);
		ASSERT_EQ(zone->watermark[EDUMM_WMARK_MIN], z[0].min);
		ASSERT_EQ(zone->watermark[EDUMM_WMARK_LOW], z[0].low);
		ASSERT_EQ(zone->watermark[EDUMM_WMARK_HIGH], z[0].high);
		ASSERT_EQ(zone->pcp[0].batch, z[0].batch);
		ASSERT_EQ(zone->pcp[1].high, z[0].pcp_high);
		ASSERT_EQ(zone->free_area[10].nr_free, nr);
		if (nr >= 256)
			ASSERT_EQ(zone->pcp[0].batch, 63);
		ut_pool_fini();
	}
	/* the last two sizes hit the cap */
	ASSERT_EQ(ut.pool.nr_pages, 0);
}

/*
 * Buddies in different zones, or on different nodes, never merge: each
 * pair below is an order-9 buddy pair by pfn, but the halves belong to
 * different zones (first pair) or nodes (second pair).
 */
TEST(init_buddies_across_zones_and_nodes_never_merge)
{
	static const struct edumm_chunk_desc d[] = {
		{ 0x20000, 9, 0, EDUMM_ZONE_DMA32 },
		{ 0x20200, 9, 0, EDUMM_ZONE_NORMAL },
		{ 0x30000, 9, 0, EDUMM_ZONE_NORMAL },
		{ 0x30200, 9, 1, EDUMM_ZONE_NORMAL },
	};
	struct edumm_pool *pool = ut_pool_init(d, ARRAY_SIZE(d), 2);
	unsigned long one9[EDUMM_MAX_ORDER] = { [9] = 1 };
	unsigned long two9[EDUMM_MAX_ORDER] = { [9] = 2 };
	struct edumm_page *p;

	ASSERT_STREQ(ut_buddyinfo(pool),
		     ut_tmp_printf("%s%s%s", ut_buddyinfo_line(0, "DMA32", one9),
				   ut_buddyinfo_line(0, "Normal", two9),
				   ut_buddyinfo_line(1, "Normal", one9)));
	ASSERT_EQ(ut.snap0.stat[EDUMM_BUDDY_MERGE], 0);

	/* allocate and free one half: still no merge with the other zone */
	p = edumm_alloc_pages(pool, 9, EDUMM_MT_MOVABLE, 0);
	ASSERT_NOT_NULL(p);
	ASSERT_EQ(edumm_free_pages(pool, ut_pfn(pool, p), 9), 0);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_BUDDY_MERGE), 0);
}

/*
 * pfn <-> descriptor lookup: every pool pfn round-trips and maps to the
 * right zone; pfns in the holes, before and after the pool do not map.
 */
TEST(init_pfn_lookup)
{
	static const unsigned long holes[] = {
		0, 0xffff, 0x10400, 0x107ff, 0x10c00, 0x11000, 0x111ff, 0x11400,
		0xfffff, 0x100800, 0x1fffff, 0x200600, 0x200601, ~0UL,
	};
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 2);
	unsigned long pages = 0, prev_idx = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(holes); i++)
		if (edumm_pfn_to_page(pool, holes[i]))
			ut_fail(__FILE__, __LINE__, "hole pfn %#lx maps to a page", holes[i]);

	for (i = 0; i < pool->nr_chunks; i++) {
		const struct edumm_chunk *c = &pool->chunks[i];
		unsigned long pfn;

		/* sorted, and laid out in pages[] in pfn order */
		if (i)
			ASSERT_GT(c->start_pfn, c[-1].start_pfn);
		for (pfn = c->start_pfn; pfn < c->start_pfn + (1UL << c->order); pfn++) {
			struct edumm_page *p = edumm_pfn_to_page(pool, pfn);
			struct edumm_zone *z;

			ASSERT_NOT_NULL(p);
			ASSERT_EQ(ut_pfn(pool, p), pfn);
			if (pages)
				ASSERT_EQ(ut_idx(pool, p), prev_idx + 1);
			prev_idx = ut_idx(pool, p);
			z = edumm_page_zone(pool, p);
			ASSERT_EQ(z->nid, c->nid);
			ASSERT_EQ(z->type, c->zone_type);
			ASSERT_EQ(edumm_get_pageblock_mt(pool, p), EDUMM_MT_MOVABLE);
			pages++;
		}
	}
	ASSERT_EQ(pages, pool->nr_pages);
}

/*
 * Physically adjacent order-9 chunks that are not buddies stay apart: the
 * buddy of 0x10200 at order 9 is 0x10000, of 0x10400 it is 0x10600.
 *
 *   0x10000   0x10200   0x10400   0x10600
 *   (hole)    [ o9     ][ o9     ]  (hole)     -> two order-9 blocks
 */
TEST(init_adjacent_unaligned_chunks_do_not_merge)
{
	static const struct edumm_chunk_desc d[] = {
		{ 0x10400, 9, 0, EDUMM_ZONE_DMA32 },
		{ 0x10200, 9, 0, EDUMM_ZONE_DMA32 },
	};
	struct edumm_pool *pool = ut_pool_init(d, ARRAY_SIZE(d), 2);
	unsigned long two9[EDUMM_MAX_ORDER] = { [9] = 2 };
	struct edumm_page *p[2];
	int i;

	ASSERT_STREQ(ut_buddyinfo(pool), ut_buddyinfo_line(0, "DMA32", two9));
	ASSERT_EQ(ut.snap0.stat[EDUMM_BUDDY_MERGE], 0);
	for (i = 0; i < 2; i++) {
		p[i] = edumm_alloc_pages(pool, 9, EDUMM_MT_MOVABLE, EDUMM_AF_NO_WMARK);
		ASSERT_NOT_NULL(p[i]);
	}
	ASSERT_NULL(edumm_alloc_pages(pool, 9, EDUMM_MT_MOVABLE, EDUMM_AF_NO_WMARK));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(edumm_free_pages(pool, ut_pfn(pool, p[i]), 9), 0);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_BUDDY_MERGE), 0);
}
