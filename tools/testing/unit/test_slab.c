// SPDX-License-Identifier: GPL-2.0
/*
 * test_slab.c - the slab layer (SLUB, SLAB, SLOB) and kmalloc.
 *
 * Every test starts the slab layer on a pool, and ends with
 * slab_fini(): every cache validates, the pool checker (which walks every
 * cache too) finds nothing, the layer stops, and the harness then checks
 * that every pool page and every byte of metadata came back.
 */
#include "common.h"
#include "slab_internal.h"

static const enum edumm_slab_design designs[] = {
	EDUMM_SLAB_DESIGN_SLUB, EDUMM_SLAB_DESIGN_SLAB, EDUMM_SLAB_DESIGN_SLOB,
};

static struct edumm_pool *slab_pool(unsigned int cpus, enum edumm_slab_design kdesign)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, cpus);

	ASSERT_EQ(edumm_slab_init(pool, kdesign), 0);
	return pool;
}

static void slab_fini(struct edumm_pool *pool)
{
	ASSERT_EQ(edumm_slab_validate_all(pool, &ut_diag_out), 0);
	ASSERT_POOL_OK(pool);
	edumm_slab_exit(pool);
	ASSERT_NULL(pool->slab);
	ASSERT_POOL_OK(pool);
}

/* Pages the buddy has handed out (free lists and pcp lists excluded). */
static unsigned long pages_out(struct edumm_pool *pool)
{
	struct edumm_pool_snapshot snap;

	edumm_pool_snapshot(pool, &snap);
	return snap.allocated_pages;
}

static void fill(void *p, size_t n, unsigned long tag)
{
	size_t i;

	for (i = 0; i < n; i++)
		((u8 *)p)[i] = (u8)(tag * 31 + i);
}

static bool intact(const void *p, size_t n, unsigned long tag)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (((const u8 *)p)[i] != (u8)(tag * 31 + i))
			return false;
	return true;
}

/*** Geometry: the 6.1 formulas, as /proc/slabinfo shows them ***/

struct geom {
	const char *name;
	unsigned int size, align, flags;
	bool ctor;
	unsigned int objsize, objperslab, pagesperslab;
};

static void ctor_nop(void *p)
{
	((u8 *)p)[0] = 0x42;
}

static void check_geom(enum edumm_slab_design design, unsigned int cpus, const struct geom *g,
		       unsigned int n)
{
	struct edumm_pool *pool = slab_pool(cpus, EDUMM_SLAB_DESIGN_SLUB);
	unsigned int i;

	pool->slab->nomerge = true;
	for (i = 0; i < n; i++) {
		struct edumm_cache_info info;
		struct edumm_kmem_cache *s;
		int err = 0;

		s = edumm_kmem_cache_create(pool, g[i].name, g[i].size, g[i].align, g[i].flags,
					    g[i].ctor ? ctor_nop : NULL, design, &err);
		if (!s)
			ut_fail(__FILE__, __LINE__, "%s: create failed: %d", g[i].name, err);
		edumm_kmem_cache_info(s, &info);
		if (info.size != g[i].objsize || info.objs_per_slab != g[i].objperslab ||
		    (1U << info.order) != g[i].pagesperslab)
			ut_fail(__FILE__, __LINE__, "%s %s (%u cpus): %u %u %u, want %u %u %u",
				edumm_slab_design_names[design], g[i].name, cpus, info.size,
				info.objs_per_slab, 1U << info.order, g[i].objsize,
				g[i].objperslab, g[i].pagesperslab);
		ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
	}
	slab_fini(pool);
	ut_pool_fini();
}

/*
 * SLUB: calculate_sizes() + calculate_order() of 6.1, min_objects =
 * 4 * (fls(cpus) + 1).  The 8-CPU rows are the values /proc/slabinfo
 * shows on an 8-CPU 6.1 machine (kmalloc-1k 32 8, radix_tree_node 28 4...).
 */
TEST(slab_geometry_slub)
{
	static const struct geom two[] = {
		{ "k8", 8, 8, 0, false, 8, 512, 1 },
		{ "k16", 16, 16, 0, false, 16, 256, 1 },
		{ "k32", 32, 32, 0, false, 32, 128, 1 },
		{ "k64", 64, 64, 0, false, 64, 64, 1 },
		{ "k96", 96, 8, 0, false, 96, 42, 1 },
		{ "k128", 128, 128, 0, false, 128, 32, 1 },
		{ "k192", 192, 8, 0, false, 192, 21, 1 },
		{ "k256", 256, 256, 0, false, 256, 16, 1 },
		{ "k512", 512, 512, 0, false, 512, 16, 2 },
		{ "k1k", 1024, 1024, 0, false, 1024, 16, 4 },
		{ "k2k", 2048, 2048, 0, false, 2048, 16, 8 },
		{ "k4k", 4096, 4096, 0, false, 4096, 8, 8 },
		{ "k8k", 8192, 0, 0, false, 8192, 4, 8 },
		{ "radix", 576, 0, EDUMM_SLAB_RECLAIM_ACCOUNT, false, 576, 14, 2 },
		{ "dentry", 192, 0, EDUMM_SLAB_RECLAIM_ACCOUNT, false, 192, 21, 1 },
		{ "hw", 100, 0, EDUMM_SLAB_HWCACHE_ALIGN, false, 128, 32, 1 },
		{ "ctor", 24, 0, 0, true, 32, 128, 1 },
		{ "rcu", 24, 0, EDUMM_SLAB_TYPESAFE_BY_RCU, false, 32, 128, 1 },
		/* 24 + rz 8 + fp 8 + 2 tracks 64 + pad 8 + left rz 8 = 120 */
		{ "dbg", 24, 0, EDUMM_SLAB_DEBUG_FLAGS, false, 120, 34, 1 },
		{ "poison", 24, 0, EDUMM_SLAB_POISON, false, 32, 128, 1 },
		{ "big", 20000, 0, 0, false, 20000, 1, 8 },
		{ "huge", 100000, 0, 0, false, 100000, 1, 32 },
	};
	static const struct geom eight[] = {
		{ "k96", 96, 8, 0, false, 96, 42, 1 },
		{ "k256", 256, 256, 0, false, 256, 32, 2 },
		{ "k512", 512, 512, 0, false, 512, 32, 4 },
		{ "k1k", 1024, 1024, 0, false, 1024, 32, 8 },
		{ "k2k", 2048, 2048, 0, false, 2048, 16, 8 },
		{ "radix", 576, 0, EDUMM_SLAB_RECLAIM_ACCOUNT, false, 576, 28, 4 },
	};

	check_geom(EDUMM_SLAB_DESIGN_SLUB, 2, two, ARRAY_SIZE(two));
	check_geom(EDUMM_SLAB_DESIGN_SLUB, 8, eight, ARRAY_SIZE(eight));
}

/*
 * SLAB: __kmem_cache_create() + calculate_slab_order() + cache_estimate()
 * of 6.1 (slab_max_order 1, byte freelist indices, OBJFREELIST first).
 */
TEST(slab_geometry_slab)
{
	static const struct geom g[] = {
		/* objfreelist refused (128 > 32): on-slab, 4096 / 33 */
		{ "k32", 32, 32, 0, false, 32, 124, 1 },
		{ "k64", 64, 0, EDUMM_SLAB_HWCACHE_ALIGN, false, 64, 64, 1 },
		{ "k128", 128, 0, 0, false, 128, 32, 1 },
		{ "k192", 192, 0, EDUMM_SLAB_HWCACHE_ALIGN, false, 192, 21, 1 },
		{ "k1k", 1024, 0, 0, false, 1024, 4, 1 },
		{ "k4k", 4096, 0, 0, false, 4096, 1, 1 },
		{ "k8k", 8192, 0, 0, false, 8192, 1, 2 },
		{ "ctor40", 40, 0, 0, true, 40, 99, 1 },
		{ "ctor1000", 1000, 0, 0, true, 1000, 4, 1 },
		{ "small", 8, 0, 0, false, 16, 240, 1 },
		{ "s3000", 3000, 0, 0, false, 3000, 2, 2 },
		{ "rcl3000", 3000, 0, EDUMM_SLAB_RECLAIM_ACCOUNT, false, 3000, 1, 1 },
	};

	check_geom(EDUMM_SLAB_DESIGN_SLAB, 2, g, ARRAY_SIZE(g));
}

/*** Integrity under random alloc/free, against a reference model ***/

struct live {
	void *p;
	unsigned long tag;
	unsigned int cache;
};

static void random_integrity(enum edumm_slab_design design, unsigned long seed)
{
	static const unsigned int sizes[] = { 8, 24, 64, 100, 256, 700, 2000, 5000 };
	struct edumm_kmem_cache *c[ARRAY_SIZE(sizes)];
	struct edumm_pool *pool = slab_pool(2, design);
	unsigned long steps = ut.steps ? ut.steps : 6000, i, nr = 0, base;
	struct live *live = ut_tmp_alloc(steps * sizeof(*live));
	u64 rng = ut_seed_state(ut.seed ? ut.seed : seed);
	unsigned int k;

	base = pages_out(pool);
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		int err;

		c[k] = edumm_kmem_cache_create(pool, ut_tmp_printf("c%u", k), sizes[k], 0,
					       k & 1 ? EDUMM_SLAB_HWCACHE_ALIGN : 0, NULL, design,
					       &err);
		ASSERT_NOT_NULL(c[k]);
	}
	for (i = 0; i < steps; i++) {
		ut_set_cpu(ut_rand_below(&rng, 2));
		if (nr && ut_rand_below(&rng, 100) < 45) {
			unsigned long j = ut_rand_below(&rng, nr);
			struct live *l = &live[j];

			if (!intact(l->p, sizes[l->cache], l->tag))
				ut_fail(__FILE__, __LINE__, "step %lu: object of c%u damaged", i,
					l->cache);
			ASSERT_EQ(edumm_kmem_cache_free(c[l->cache], l->p, 1), 0);
			*l = live[--nr];
		} else {
			struct live *l = &live[nr];

			l->cache = ut_rand_below(&rng, ARRAY_SIZE(sizes));
			l->p = edumm_kmem_cache_alloc(c[l->cache], 0, 1);
			ASSERT_NOT_NULL(l->p);
			ASSERT_TRUE(edumm_kmem_cache_owns(c[l->cache], l->p));
			l->tag = i;
			fill(l->p, sizes[l->cache], l->tag);
			nr++;
		}
		if (i % 1000 == 999) {
			ASSERT_EQ(edumm_slab_validate_all(pool, &ut_diag_out), 0);
			ASSERT_POOL_OK(pool);
		}
	}
	while (nr) {
		struct live *l = &live[--nr];

		ASSERT_TRUE(intact(l->p, sizes[l->cache], l->tag));
		ASSERT_EQ(edumm_kmem_cache_free(c[l->cache], l->p, 1), 0);
	}
	for (k = 0; k < ARRAY_SIZE(sizes); k++) {
		struct edumm_cache_info info;

		edumm_kmem_cache_shrink(c[k]);
		ASSERT_POOL_OK(pool);
		edumm_kmem_cache_info(c[k], &info);
		ASSERT_EQ(info.active_objs, 0);
		ASSERT_EQ(info.num_slabs, 0);
		ASSERT_EQ(edumm_kmem_cache_destroy(c[k]), 0);
	}
	/* every slab page went back to the buddy */
	ASSERT_EQ(pages_out(pool), base);
	slab_fini(pool);
}

TEST(slab_random_slub)
{
	random_integrity(EDUMM_SLAB_DESIGN_SLUB, 1);
}

TEST(slab_random_slab)
{
	random_integrity(EDUMM_SLAB_DESIGN_SLAB, 2);
}

TEST(slab_random_slob)
{
	random_integrity(EDUMM_SLAB_DESIGN_SLOB, 3);
}

/*** SLUB slab states ***/

TEST(slab_slub_states)
{
	struct edumm_pool *pool = slab_pool(2, EDUMM_SLAB_DESIGN_SLUB);
	struct edumm_kmem_cache *s;
	struct edumm_cache_info info;
	void *obj[40];
	unsigned int i;
	int err;

	pool->slab->nomerge = true;
	ut_set_cpu(0);
	s = edumm_kmem_cache_create(pool, "st", 256, 0, 0, NULL, EDUMM_SLAB_DESIGN_SLUB, &err);
	ASSERT_NOT_NULL(s);
	ASSERT_EQ(s->objects, 16);
	ASSERT_EQ(s->min_partial, 5);
	ASSERT_EQ(s->cpu_partial_slabs, 7);	/* DIV_ROUND_UP(52 * 2, 16) */

	/* 16 objects: one frozen cpu slab, fast path after the first */
	for (i = 0; i < 16; i++)
		obj[i] = edumm_kmem_cache_alloc(s, 0, 1);
	edumm_kmem_cache_info(s, &info);
	ASSERT_EQ(info.num_slabs, 1);
	ASSERT_EQ(info.cpu_slabs, 1);
	ASSERT_EQ(info.stat[EDUMM_SLAB_ALLOC_FASTPATH], 15);
	ASSERT_EQ(info.stat[EDUMM_SLAB_ALLOC_NEW_SLAB], 1);
	ASSERT_TRUE(s->cpu[0].slab->frozen);

	/* the 17th: the exhausted slab goes full, a new one is frozen */
	obj[16] = edumm_kmem_cache_alloc(s, 0, 1);
	ASSERT_EQ(s->node[0].nr_full, 1);
	edumm_kmem_cache_info(s, &info);
	ASSERT_EQ(info.num_slabs, 2);
	ASSERT_EQ(info.stat[EDUMM_SLAB_DEACTIVATE], 1);

	/* a free into the full slab freezes it onto this CPU's partial list */
	ASSERT_EQ(edumm_kmem_cache_free(s, obj[0], 1), 0);
	ASSERT_EQ(s->node[0].nr_full, 0);
	ASSERT_EQ(s->cpu[0].nr_partial, 1);
	edumm_kmem_cache_info(s, &info);
	ASSERT_EQ(info.stat[EDUMM_SLAB_FREE_CPU_PARTIAL], 1);
	ASSERT_EQ(info.cpu_slabs, 2);

	/* a free from CPU 1 into CPU 0's slab: slow path, slab->freelist */
	ut_set_cpu(1);
	ASSERT_EQ(edumm_kmem_cache_free(s, obj[16], 1), 0);
	edumm_kmem_cache_info(s, &info);
	ASSERT_EQ(info.stat[EDUMM_SLAB_FREE_SLOWPATH], 2);
	ut_set_cpu(0);

	/* a fast-path free on CPU 0, then validation */
	obj[17] = edumm_kmem_cache_alloc(s, 0, 1);
	ASSERT_EQ(edumm_kmem_cache_free(s, obj[17], 1), 0);
	ASSERT_EQ(edumm_kmem_cache_validate(s, &ut_diag_out), 0);

	/* shrink: flush the CPU: both slabs to the node (partial) */
	edumm_kmem_cache_shrink(s);
	ASSERT_EQ(s->cpu[0].nr_partial, 0);
	ASSERT_NULL(s->cpu[0].slab);
	edumm_kmem_cache_info(s, &info);
	ASSERT_EQ(info.partial, 1);	/* the second slab was empty: freed */
	ASSERT_EQ(info.active_objs, 15);
	ASSERT_EQ(info.num_slabs, 1);
	for (i = 1; i < 16; i++)
		ASSERT_EQ(edumm_kmem_cache_free(s, obj[i], 1), 0);
	/* kept: nr_partial (0 after unlinking) < min_partial */
	ASSERT_EQ(s->node[0].nr_partial, 1);
	edumm_kmem_cache_shrink(s);
	ASSERT_EQ(s->node[0].nr_partial, 0);
	ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
	slab_fini(pool);
}

TEST(slab_slub_hardened_freelist)
{
	struct edumm_pool *pool = slab_pool(1, EDUMM_SLAB_DESIGN_SLUB);
	struct edumm_kmem_cache *s;
	void *a, *b;
	int err;

	pool->slab->nomerge = true;
	s = edumm_kmem_cache_create(pool, "h", 64, 0, 0, NULL, EDUMM_SLAB_DESIGN_SLUB, &err);
	a = edumm_kmem_cache_alloc(s, 0, 1);
	b = edumm_kmem_cache_alloc(s, 0, 1);
	ASSERT_EQ(edumm_kmem_cache_free(s, b, 1), 0);
	ASSERT_EQ(edumm_kmem_cache_free(s, a, 1), 0);
	/* a's free pointer names b, but not in the clear */
	ASSERT_NE(*(void **)((char *)a + s->offset), b);
	ASSERT_EQ(edumm_kmem_cache_alloc(s, 0, 1), a);
	ASSERT_EQ(edumm_kmem_cache_alloc(s, 0, 1), b);
	edumm_kmem_cache_free(s, a, 1);
	edumm_kmem_cache_free(s, b, 1);
	ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);

	pool->slab->freelist_hardened = false;
	s = edumm_kmem_cache_create(pool, "p", 64, 0, 0, NULL, EDUMM_SLAB_DESIGN_SLUB, &err);
	a = edumm_kmem_cache_alloc(s, 0, 1);
	b = edumm_kmem_cache_alloc(s, 0, 1);
	edumm_kmem_cache_free(s, b, 1);
	edumm_kmem_cache_free(s, a, 1);
	ASSERT_EQ(*(void **)((char *)a + s->offset), b);
	ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
	slab_fini(pool);
}

/*** SLAB: arrays, shared array, colouring, reaping ***/

TEST(slab_slab_arrays)
{
	struct edumm_pool *pool = slab_pool(2, EDUMM_SLAB_DESIGN_SLUB);
	struct edumm_kmem_cache *s;
	struct edumm_cache_info info;
	void **obj = ut_tmp_alloc(400 * sizeof(void *));
	unsigned int i;
	int err;

	ut_set_cpu(0);
	s = edumm_kmem_cache_create(pool, "arr", 256, 0, 0, NULL, EDUMM_SLAB_DESIGN_SLAB, &err);
	ASSERT_NOT_NULL(s);
	ASSERT_EQ(s->objects, 16);
	ASSERT_EQ(s->limit, 120);
	ASSERT_EQ(s->batchcount, 60);
	ASSERT_EQ(s->shared, 8);
	ASSERT_TRUE(s->flags & EDUMM_SLAB_CFLGS_OBJFREELIST);

	/* first alloc: grow, refill BATCHREFILL_LIMIT (16) from the new slab */
	obj[0] = edumm_kmem_cache_alloc(s, 0, 1);
	ASSERT_EQ(s->ac[0].avail, 15);
	ASSERT_EQ(s->ac[0].touched, 1);
	for (i = 1; i < 16; i++)
		obj[i] = edumm_kmem_cache_alloc(s, 0, 1);
	edumm_kmem_cache_info(s, &info);
	ASSERT_EQ(info.stat[EDUMM_SLAB_ALLOC_FASTPATH], 15);
	ASSERT_EQ(info.active_objs, 16);
	ASSERT_EQ(s->node[0].nr_full, 1);

	/* LIFO: the last freed is the next allocated */
	ASSERT_EQ(edumm_kmem_cache_free(s, obj[5], 1), 0);
	ASSERT_EQ(s->ac[0].avail, 1);
	ASSERT_EQ(edumm_kmem_cache_alloc(s, 0, 1), obj[5]);

	/* 300 objects, then free them all on CPU 0: the array overflows */
	for (i = 16; i < 300; i++)
		obj[i] = edumm_kmem_cache_alloc(s, 0, 1);
	for (i = 0; i < 300; i++)
		ASSERT_EQ(edumm_kmem_cache_free(s, obj[i], 1), 0);
	edumm_kmem_cache_info(s, &info);
	ASSERT_GT(info.stat[EDUMM_SLAB_FREE_FLUSH], 0);
	/* flushes went to the shared array first (8 * 60 entries) */
	ASSERT_GT(info.shared_avail, 0);
	ASSERT_LE(s->ac[0].avail, s->ac[0].limit);
	ASSERT_EQ(edumm_kmem_cache_validate(s, &ut_diag_out), 0);

	/* CPU 1 refills from the shared array */
	ut_set_cpu(1);
	obj[0] = edumm_kmem_cache_alloc(s, 0, 1);
	edumm_kmem_cache_info(s, &info);
	ASSERT_EQ(info.stat[EDUMM_SLAB_ALLOC_SHARED], 1);
	ASSERT_EQ(edumm_kmem_cache_free(s, obj[0], 1), 0);
	ut_set_cpu(0);

	/* reaping: untouched arrays shrink by a fifth of their limit */
	s->ac[0].touched = 0;
	s->ac[1].touched = 0;
	i = s->ac[0].avail;
	edumm_slab_reap(pool);
	ASSERT_EQ(s->ac[0].avail, i - min(i, (120U + 4) / 5));
	for (i = 0; i < 30; i++)
		edumm_slab_reap(pool);
	ASSERT_EQ(s->ac[0].avail, 0);
	ASSERT_EQ(edumm_kmem_cache_validate(s, &ut_diag_out), 0);
	edumm_kmem_cache_info(s, &info);
	ASSERT_EQ(info.active_objs, 0);
	ASSERT_GT(info.stat[EDUMM_SLAB_REAP], 0);
	/* free slabs untouched for two node passes went back */
	ASSERT_LT(info.num_slabs, 300 / 16);
	ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
	slab_fini(pool);
}

TEST(slab_slab_colouring)
{
	struct edumm_pool *pool = slab_pool(1, EDUMM_SLAB_DESIGN_SLUB);
	struct edumm_kmem_cache *s;
	void *obj[80];
	unsigned int i;
	int err;

	/* 3000 bytes: order 1, 2 objects, 8192 - 6000 = 2192 left: 34 colours */
	s = edumm_kmem_cache_create(pool, "col", 3000, 0, 0, NULL, EDUMM_SLAB_DESIGN_SLAB, &err);
	ASSERT_NOT_NULL(s);
	ASSERT_EQ(s->objects, 2);
	ASSERT_EQ(s->order, 1);
	ASSERT_EQ(s->colour, 34);
	ASSERT_EQ(s->colour_off, 64);
	for (i = 0; i < 80; i++) {
		struct edumm_slab *slab;

		obj[i] = edumm_kmem_cache_alloc(s, 0, 1);
		ASSERT_NOT_NULL(obj[i]);
		fill(obj[i], 3000, i);
		slab = edumm_virt_to_slab(pool, obj[i]);
		/* slab n (objects 2n, 2n + 1) has colour n % 34 */
		ASSERT_EQ(slab->colour_off, (i / 2) % 34 * 64);
		/* the colour shifts the objects, the slab still holds them */
		ASSERT_EQ(((char *)obj[i] - (char *)slab->addr) % 3000, (i / 2) % 34 * 64);
	}
	for (i = 0; i < 80; i++) {
		ASSERT_TRUE(intact(obj[i], 3000, i));
		ASSERT_EQ(edumm_kmem_cache_free(s, obj[i], 1), 0);
	}
	ASSERT_EQ(edumm_kmem_cache_validate(s, &ut_diag_out), 0);
	ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
	slab_fini(pool);
}

/* SLAB off-slab and on-slab freelists (constructor caches). */
TEST(slab_slab_freelist_placement)
{
	struct edumm_pool *pool = slab_pool(1, EDUMM_SLAB_DESIGN_SLUB);
	struct edumm_kmem_cache *on, *off;
	void *a[200];
	unsigned int i;
	int err;

	/* 512 + ctor: objfreelist refused; off-slab: 8 * 1 -> kmalloc-32 <= 256 */
	off = edumm_kmem_cache_create(pool, "off", 512, 0, 0, ctor_nop, EDUMM_SLAB_DESIGN_SLAB, &err);
	on = edumm_kmem_cache_create(pool, "on", 40, 0, 0, ctor_nop, EDUMM_SLAB_DESIGN_SLAB, &err);
	ASSERT_TRUE(off->flags & EDUMM_SLAB_CFLGS_OFF_SLAB);
	ASSERT_EQ(off->objects, 8);
	ASSERT_FALSE(on->flags & (EDUMM_SLAB_CFLGS_OFF_SLAB | EDUMM_SLAB_CFLGS_OBJFREELIST));
	for (i = 0; i < 200; i++) {
		a[i] = edumm_kmem_cache_alloc(i & 1 ? on : off, 0, 1);
		ASSERT_NOT_NULL(a[i]);
		/* the constructor ran when the slab was made */
		ASSERT_EQ(((u8 *)a[i])[0], 0x42);
	}
	for (i = 0; i < 200; i++)
		ASSERT_EQ(edumm_kmem_cache_free(i & 1 ? on : off, a[i], 1), 0);
	ASSERT_EQ(edumm_slab_validate_all(pool, &ut_diag_out), 0);
	ASSERT_EQ(edumm_kmem_cache_destroy(on), 0);
	ASSERT_EQ(edumm_kmem_cache_destroy(off), 0);
	slab_fini(pool);
}

/*** SLOB ***/

TEST(slab_slob_first_fit)
{
	struct edumm_pool *pool = slab_pool(1, EDUMM_SLAB_DESIGN_SLUB);
	struct edumm_kmem_cache *a, *b, *big;
	unsigned long base = pages_out(pool);
	void *a1, *a2, *b1, *b2, *g;
	int err;

	a = edumm_kmem_cache_create(pool, "a", 24, 0, 0, NULL, EDUMM_SLAB_DESIGN_SLOB, &err);
	b = edumm_kmem_cache_create(pool, "b", 100, 0, 0, NULL, EDUMM_SLAB_DESIGN_SLOB, &err);
	big = edumm_kmem_cache_create(pool, "g", 5000, 0, 0, NULL, EDUMM_SLAB_DESIGN_SLOB, &err);
	ASSERT_NOT_NULL(a);
	ASSERT_NOT_NULL(b);
	ASSERT_NOT_NULL(big);
	a1 = edumm_kmem_cache_alloc(a, 0, 1);
	b1 = edumm_kmem_cache_alloc(b, 0, 1);
	/* one page for both caches: b1 right after a1 (24 bytes, 8-aligned) */
	ASSERT_EQ((char *)b1 - (char *)a1, 24);
	ASSERT_EQ(pages_out(pool), base + 1);
	a2 = edumm_kmem_cache_alloc(a, 0, 1);
	ASSERT_EQ((char *)a2 - (char *)b1, 104);
	/* free a1: the hole at offset 0 is the first fit for the next 24 */
	ASSERT_EQ(edumm_kmem_cache_free(a, a1, 1), 0);
	ASSERT_EQ(edumm_kmem_cache_alloc(a, 0, 1), a1);
	/* a 100-byte object does not fit the 24-byte hole: after a2 */
	ASSERT_EQ(edumm_kmem_cache_free(a, a1, 1), 0);
	b2 = edumm_kmem_cache_alloc(b, 0, 1);
	ASSERT_EQ((char *)b2 - (char *)a2, 24);
	/* wrong cache, inside an object, double free: refused */
	ut.allow_reports = true;
	ASSERT_EQ(edumm_kmem_cache_free(a, b1, 1), -EINVAL);
	ASSERT_EQ(edumm_kmem_cache_free(b, (char *)b1 + 2, 1), -EINVAL);
	ASSERT_EQ(edumm_kmem_cache_free(a, a1, 1), -EINVAL);
	ASSERT_EQ(edumm_slab_validate_all(pool, &ut_diag_out), 0);
	/* large: straight from the buddy, order 1 */
	g = edumm_kmem_cache_alloc(big, 0, 1);
	ASSERT_NOT_NULL(g);
	ASSERT_EQ(pages_out(pool), base + 1 + 2);
	ASSERT_EQ(edumm_kmem_cache_free(big, g, 1), 0);
	/* destroy with live objects refused, then all back to the buddy */
	ASSERT_EQ(edumm_kmem_cache_destroy(b), -EBUSY);
	ASSERT_EQ(edumm_kmem_cache_free(b, b1, 1), 0);
	ASSERT_EQ(edumm_kmem_cache_free(b, b2, 1), 0);
	ASSERT_EQ(edumm_kmem_cache_free(a, a2, 1), 0);
	ASSERT_EQ(pages_out(pool), base);
	ASSERT_EQ(edumm_kmem_cache_destroy(a), 0);
	ASSERT_EQ(edumm_kmem_cache_destroy(b), 0);
	ASSERT_EQ(edumm_kmem_cache_destroy(big), 0);
	slab_fini(pool);
}

TEST(slab_slob_refuses_debug_and_rcu)
{
	struct edumm_pool *pool = slab_pool(1, EDUMM_SLAB_DESIGN_SLUB);
	int err = 0;

	ASSERT_NULL(edumm_kmem_cache_create(pool, "x", 32, 0, EDUMM_SLAB_POISON, NULL,
					    EDUMM_SLAB_DESIGN_SLOB, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(edumm_kmem_cache_create(pool, "x", 32, 0, EDUMM_SLAB_TYPESAFE_BY_RCU, NULL,
					    EDUMM_SLAB_DESIGN_SLOB, &err));
	ASSERT_EQ(err, -EINVAL);
	slab_fini(pool);
}

/*** Bad arguments ***/

TEST(slab_create_bad_args)
{
	struct edumm_pool *pool = slab_pool(1, EDUMM_SLAB_DESIGN_SLUB);
	struct edumm_kmem_cache *s;
	int err = 0;

	ASSERT_NULL(edumm_kmem_cache_create(pool, "z", 0, 0, 0, NULL, 1, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(edumm_kmem_cache_create(pool, "z", EDUMM_SLAB_MAX_SIZE + 1, 0, 0, NULL, 1, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(edumm_kmem_cache_create(pool, "z", 8, 24, 0, NULL, 1, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(edumm_kmem_cache_create(pool, "z", 8, 0, 0x100, NULL, 1, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(edumm_kmem_cache_create(pool, "z", 8, 0, 0, NULL, 4, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(edumm_kmem_cache_create(pool, "z", 8, 0, 0, NULL, 0, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(edumm_kmem_cache_create(pool, "", 8, 0, 0, NULL, 1, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(edumm_kmem_cache_create(pool, "0123456789012345678901234567890123", 8, 0, 0,
					    NULL, 1, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(edumm_kmem_cache_create(pool, "kmalloc-64", 8, 0, 0, NULL, 1, &err));
	ASSERT_EQ(err, -EEXIST);
	s = edumm_kmem_cache_create(pool, "ok", 8, 0, EDUMM_SLAB_POISON, NULL, 1, &err);
	ASSERT_NOT_NULL(s);
	ASSERT_NULL(edumm_kmem_cache_create(pool, "ok", 8, 0, 0, NULL, 2, &err));
	ASSERT_EQ(err, -EEXIST);
	ASSERT_NULL(edumm_kmem_cache_alloc(s, 0x100, 1));
	ASSERT_EQ(edumm_kmem_cache_alloc_bulk(s, 0, EDUMM_SLAB_BULK_MAX + 1, NULL, 1), 0);
	ASSERT_EQ(edumm_kmem_cache_destroy(pool->slab->kmalloc_caches[0][6]), -EPERM);
	ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
	slab_fini(pool);
}

TEST(slab_merge_aliases)
{
	struct edumm_pool *pool = slab_pool(1, EDUMM_SLAB_DESIGN_SLUB);
	struct edumm_kmem_cache *k64 = pool->slab->kmalloc_caches[0][6], *a, *b, *c;
	struct edumm_cache_info info;
	void *p;
	int err;

	a = edumm_kmem_cache_create(pool, "a64", 64, 0, 0, NULL, EDUMM_SLAB_DESIGN_SLUB, &err);
	b = edumm_kmem_cache_create(pool, "b60", 60, 0, 0, NULL, EDUMM_SLAB_DESIGN_SLUB, &err);
	/* debug flags and constructors never merge */
	c = edumm_kmem_cache_create(pool, "c64", 64, 0, EDUMM_SLAB_RED_ZONE, NULL,
				    EDUMM_SLAB_DESIGN_SLUB, &err);
	ASSERT_EQ(a, k64);
	ASSERT_EQ(b, k64);
	ASSERT_NE(c, k64);
	ASSERT_STREQ(k64->aliases, "a64 b60");
	edumm_kmem_cache_info(k64, &info);
	ASSERT_EQ(info.refcount, 3);
	ASSERT_NULL(edumm_kmem_cache_create(pool, "b60", 60, 0, 0, NULL, 1, &err));
	ASSERT_EQ(err, -EEXIST);
	p = edumm_kmem_cache_alloc(a, 0, 1);
	ASSERT_EQ(edumm_kfree(pool, p, 1), 0);
	ASSERT_EQ(edumm_kmem_cache_destroy(b), 0);
	ASSERT_EQ(edumm_kmem_cache_destroy(a), 0);
	ASSERT_EQ(k64->refcount, 1);
	ASSERT_STREQ(k64->aliases, "");
	ASSERT_EQ(edumm_kmem_cache_destroy(c), 0);
	slab_fini(pool);
}

/* edumm_kmem_cache_create_unmerged(): a cache of its own where create merges. */
TEST(slab_create_unmerged)
{
	struct edumm_pool *pool = slab_pool(1, EDUMM_SLAB_DESIGN_SLUB);
	struct edumm_kmem_cache *k64 = pool->slab->kmalloc_caches[0][6], *a, *b;
	void *p;
	int err;

	a = edumm_kmem_cache_create_unmerged(pool, "u64", 64, 0, 0, NULL,
					     EDUMM_SLAB_DESIGN_SLUB, &err);
	ASSERT_NOT_NULL(a);
	ASSERT_NE(a, k64);
	ASSERT_STREQ(k64->aliases, "");
	ASSERT_EQ(k64->refcount, 1);
	ASSERT_EQ(a->refcount, 1);
	ASSERT_FALSE(pool->slab->nomerge);
	/* the same checks as edumm_kmem_cache_create() */
	ASSERT_NULL(edumm_kmem_cache_create_unmerged(pool, "u64", 64, 0, 0, NULL,
						     EDUMM_SLAB_DESIGN_SLUB, &err));
	ASSERT_EQ(err, -EEXIST);
	ASSERT_NULL(edumm_kmem_cache_create_unmerged(pool, "u0", 0, 0, 0, NULL,
						     EDUMM_SLAB_DESIGN_SLUB, &err));
	ASSERT_EQ(err, -EINVAL);
	ASSERT_NULL(edumm_kmem_cache_create_unmerged(pool, "u1", 8, 0, 0, NULL, 0, &err));
	ASSERT_EQ(err, -EINVAL);
	/* merging still works for the others */
	b = edumm_kmem_cache_create(pool, "m64", 64, 0, 0, NULL, EDUMM_SLAB_DESIGN_SLUB, &err);
	ASSERT_NOT_NULL(b);
	ASSERT_TRUE(b == k64 || b == a);
	p = edumm_kmem_cache_alloc(a, 0, 1);
	ASSERT_NOT_NULL(p);
	ASSERT_EQ(edumm_kmem_cache_free(a, p, 1), 0);
	ASSERT_EQ(edumm_kmem_cache_destroy(b), 0);
	ASSERT_EQ(edumm_kmem_cache_destroy(a), 0);
	slab_fini(pool);
}

/*** Debug detection ***/

static void debug_paths(enum edumm_slab_design design)
{
	struct edumm_pool *pool = slab_pool(1, EDUMM_SLAB_DESIGN_SLUB);
	struct edumm_kmem_cache *s, *other;
	struct edumm_cache_info info;
	unsigned long reports, errs = 0;
	void *o[8], *bad;
	u8 stack_buf[64];
	struct edumm_track *t;
	unsigned int i;
	int err;

	ut.allow_reports = true;
	s = edumm_kmem_cache_create(pool, "dbg", 24, 0, EDUMM_SLAB_DEBUG_FLAGS, NULL, design, &err);
	other = edumm_kmem_cache_create(pool, "oth", 24, 0, EDUMM_SLAB_DEBUG_FLAGS, NULL, design,
					&err);
	ASSERT_NOT_NULL(s);
	ASSERT_NOT_NULL(other);
	for (i = 0; i < 8; i++) {
		o[i] = edumm_kmem_cache_alloc(s, 0, 0x1000 + i);
		ASSERT_NOT_NULL(o[i]);
		/* allocated: active red zones, the caller and pid recorded */
		ASSERT_EQ(((u8 *)o[i])[-1], 0xcc);
		ASSERT_EQ(((u8 *)o[i])[24], 0xcc);
		t = edumm_slab_track(s, o[i], false);
		ASSERT_EQ(t->addr, 0x1000 + i);
		ASSERT_EQ(t->pid, edumm_current_pid());
		fill(o[i], 24, i);
	}

#define EXPECT_ERROR(call) do {						\
	reports = edumm_shim_reports;					\
	ASSERT_EQ(call, -EINVAL);					\
	ASSERT_EQ(edumm_shim_reports, reports + 1);			\
	errs++;								\
	edumm_kmem_cache_info(s, &info);				\
	ASSERT_EQ(info.errors, errs);					\
} while (0)

	/* double free */
	ASSERT_EQ(edumm_kmem_cache_free(s, o[0], 0x2000), 0);
	t = edumm_slab_track(s, o[0], true);
	ASSERT_EQ(t->addr, 0x2000);
	/* poisoned: 0x6b ... 0xa5, inactive red zones */
	ASSERT_EQ(((u8 *)o[0])[0], 0x6b);
	ASSERT_EQ(((u8 *)o[0])[23], 0xa5);
	ASSERT_EQ(((u8 *)o[0])[24], 0xbb);
	EXPECT_ERROR(edumm_kmem_cache_free(s, o[0], 1));
	/* not in this cache: another cache's object, a stack buffer */
	bad = edumm_kmem_cache_alloc(other, 0, 1);
	EXPECT_ERROR(edumm_kmem_cache_free(s, bad, 1));
	ASSERT_EQ(edumm_kmem_cache_free(other, bad, 1), 0);
	EXPECT_ERROR(edumm_kmem_cache_free(s, stack_buf, 1));
	/* misaligned */
	EXPECT_ERROR(edumm_kmem_cache_free(s, (char *)o[1] + 8, 1));
	/* red zone overwritten, right then left: quarantined */
	((u8 *)o[2])[24] = 0;
	EXPECT_ERROR(edumm_kmem_cache_free(s, o[2], 1));
	((u8 *)o[3])[-1] = 0;
	EXPECT_ERROR(edumm_kmem_cache_free(s, o[3], 1));
	edumm_kmem_cache_info(s, &info);
	ASSERT_EQ(info.stat[EDUMM_SLAB_QUARANTINED], 2);
	/* a quarantined object is never freed again, nor handed out */
	EXPECT_ERROR(edumm_kmem_cache_free(s, o[2], 1));
	/* the padding after the tracks (0x5a) overwritten */
	bad = edumm_kmem_cache_alloc(s, 0, 1);
	ASSERT_EQ(((u8 *)bad)[s->size - s->red_left_pad - 1], 0x5a);
	((u8 *)bad)[s->size - s->red_left_pad - 1] = 0;
	EXPECT_ERROR(edumm_kmem_cache_free(s, bad, 1));
	edumm_kmem_cache_info(s, &info);
	ASSERT_EQ(info.stat[EDUMM_SLAB_QUARANTINED], 3);

	/* use after free: a write into a freed (poisoned) object */
	ASSERT_EQ(edumm_kmem_cache_free(s, o[4], 1), 0);
	((u8 *)o[4])[10] = 0x11;
	ASSERT_EQ(edumm_kmem_cache_validate(s, NULL), 1);
	/* the allocations that would return it report it and skip it */
	reports = edumm_shim_reports;
	for (i = 0; i < 4; i++) {
		void *p = edumm_kmem_cache_alloc(s, 0, 1);

		ASSERT_NOT_NULL(p);
		ASSERT_NE(p, o[4]);
		ASSERT_EQ(edumm_kmem_cache_free(s, p, 1), 0);
	}
	ASSERT_EQ(edumm_shim_reports, reports + 1);
	errs++;
	edumm_kmem_cache_info(s, &info);
	ASSERT_EQ(info.errors, errs);
	ASSERT_EQ(info.stat[EDUMM_SLAB_QUARANTINED], 4);
	ASSERT_EQ(edumm_kmem_cache_validate(s, &ut_diag_out), 0);

	/* nothing else was touched */
	for (i = 5; i < 8; i++)
		ASSERT_TRUE(intact(o[i], 24, i));
	ASSERT_TRUE(intact(o[1], 24, 1));

	/* destroy with live objects: refused, each one reported */
	reports = edumm_shim_reports;
	ASSERT_EQ(edumm_kmem_cache_destroy(s), -EBUSY);
	ASSERT_EQ(edumm_shim_reports, reports + 1 + 4);
	ASSERT_EQ(edumm_kmem_cache_free(s, o[1], 1), 0);
	for (i = 5; i < 8; i++)
		ASSERT_EQ(edumm_kmem_cache_free(s, o[i], 1), 0);
	/* only quarantined objects left: the cache goes */
	ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
	ASSERT_EQ(edumm_kmem_cache_destroy(other), 0);
	slab_fini(pool);
#undef EXPECT_ERROR
}

TEST(slab_debug_slub)
{
	debug_paths(EDUMM_SLAB_DESIGN_SLUB);
}

TEST(slab_debug_slab)
{
	debug_paths(EDUMM_SLAB_DESIGN_SLAB);
}

TEST(slab_debug_traces)
{
	struct edumm_pool *pool = slab_pool(2, EDUMM_SLAB_DESIGN_SLUB);
	struct edumm_kmem_cache *s;
	struct ut_buf b;
	void *p[5];
	unsigned int i;
	int err;

	s = edumm_kmem_cache_create(pool, "tr", 40, 0, EDUMM_SLAB_STORE_USER, NULL, 1, &err);
	for (i = 0; i < 5; i++) {
		edumm_shim_pid = 100 + i;
		edumm_shim_jiffies = i;
		p[i] = edumm_kmem_cache_alloc(s, 0, i < 3 ? 0x1000 : 0x2000);
	}
	edumm_shim_jiffies = 10;
	ut_buf_init(&b);
	edumm_show_traces(s, false, &b.out);
	ASSERT_CONTAINS(b.s, "      3 0x1000S age=8/9/10 pid=100-102\n");
	ASSERT_CONTAINS(b.s, "      2 0x2000S age=6/6/7 pid=103-104\n");
	for (i = 0; i < 5; i++)
		edumm_kmem_cache_free(s, p[i], 0x3000);
	ut_buf_reset(&b);
	edumm_show_traces(s, true, &b.out);
	ASSERT_CONTAINS(b.s, "      5 0x3000S age=0 pid=104\n");
	ut_buf_free(&b);
	edumm_shim_pid = 0;
	ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
	slab_fini(pool);
}

/*** Bulk, shrink, RCU ***/

TEST(slab_bulk)
{
	struct edumm_pool *pool = slab_pool(2, EDUMM_SLAB_DESIGN_SLUB);
	void **p = ut_tmp_alloc(EDUMM_SLAB_BULK_MAX * sizeof(void *));
	unsigned int d, i;

	for (d = 0; d < ARRAY_SIZE(designs); d++) {
		unsigned long base = pages_out(pool);
		struct edumm_kmem_cache *s;
		int err;

		s = edumm_kmem_cache_create(pool, ut_tmp_printf("bulk%u", d), 72, 0, 0, NULL,
					    designs[d], &err);
		ASSERT_NOT_NULL(s);
		ASSERT_EQ(edumm_kmem_cache_alloc_bulk(s, EDUMM_GFP_ZERO, EDUMM_SLAB_BULK_MAX, p, 1),
			  EDUMM_SLAB_BULK_MAX);
		for (i = 0; i < EDUMM_SLAB_BULK_MAX; i++) {
			ASSERT_NOT_NULL(p[i]);
			ASSERT_NULL(memchr_inv(p[i], 0, 72));
			fill(p[i], 72, i);
		}
		for (i = 0; i < EDUMM_SLAB_BULK_MAX; i++)
			ASSERT_TRUE(intact(p[i], 72, i));
		edumm_kmem_cache_free_bulk(s, EDUMM_SLAB_BULK_MAX, p, 1);
		edumm_kmem_cache_shrink(s);
		ASSERT_EQ(pages_out(pool), base);
		ASSERT_POOL_OK(pool);
		ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
	}
	slab_fini(pool);
}

TEST(slab_bulk_all_or_nothing)
{
	struct edumm_pool *pool = slab_pool(1, EDUMM_SLAB_DESIGN_SLUB);
	void **p = ut_tmp_alloc(EDUMM_SLAB_BULK_MAX * sizeof(void *));
	struct edumm_kmem_cache *s;
	unsigned long base;
	int err;

	/* 2 MiB objects: the 64 MiB pool holds fewer than 1024 */
	s = edumm_kmem_cache_create(pool, "fat", 2 << 20, 0, 0, NULL, 1, &err);
	ASSERT_NOT_NULL(s);
	base = pages_out(pool);
	ASSERT_EQ(edumm_kmem_cache_alloc_bulk(s, 0, EDUMM_SLAB_BULK_MAX, p, 1), 0);
	edumm_kmem_cache_shrink(s);
	ASSERT_EQ(pages_out(pool), base);
	ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
	slab_fini(pool);
}

/* Allocations and frees the counters saw (SLUB and SLAB count every object). */
static void bulk_counted(struct edumm_kmem_cache *s, unsigned long *allocs, unsigned long *frees)
{
	struct edumm_cache_info info;

	edumm_kmem_cache_info(s, &info);
	*allocs = info.stat[EDUMM_SLAB_ALLOC_FASTPATH] + info.stat[EDUMM_SLAB_ALLOC_SLOWPATH];
	*frees = info.stat[EDUMM_SLAB_FREE_FASTPATH] + info.stat[EDUMM_SLAB_FREE_SLOWPATH];
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void * const *)a, y = (uintptr_t)*(void * const *)b;

	return x < y ? -1 : x > y;
}

#define BULK_HELD	2048

/*
 * The model: the objects a test holds.  After every step: every one is
 * distinct, still holds its tag, is owned by its cache, the counters add
 * up (SLUB, SLAB), and the cache validates.
 */
struct bulk_model {
	struct edumm_kmem_cache *s;
	void *held[BULK_HELD];
	unsigned long tag[BULK_HELD];
	unsigned int nr;
	unsigned long allocs, frees, serial;
};

static void bulk_model_check(struct bulk_model *m, unsigned int size)
{
	void **sorted = ut_tmp_alloc(BULK_HELD * sizeof(void *));
	unsigned long allocs, frees;
	unsigned int i;

	for (i = 0; i < m->nr; i++) {
		ASSERT_TRUE(edumm_kmem_cache_owns(m->s, m->held[i]));
		ASSERT_TRUE(intact(m->held[i], size, m->tag[i]));
	}
	memcpy(sorted, m->held, m->nr * sizeof(void *));
	qsort(sorted, m->nr, sizeof(void *), cmp_ptr);
	for (i = 1; i < m->nr; i++)
		ASSERT_TRUE(sorted[i - 1] != sorted[i]);
	if (m->s->design != EDUMM_SLAB_DESIGN_SLOB) {
		bulk_counted(m->s, &allocs, &frees);
		ASSERT_EQ(allocs, m->allocs);
		ASSERT_EQ(frees, m->frees);
	}
	ASSERT_EQ(edumm_kmem_cache_validate(m->s, &ut_diag_out), 0);
}

static void bulk_model_run(struct edumm_pool *pool, enum edumm_slab_design d, unsigned int flags,
			   unsigned long seed)
{
	void **p = ut_tmp_alloc(EDUMM_SLAB_BULK_MAX * sizeof(void *));
	struct bulk_model *m = ut_tmp_alloc(sizeof(*m));
	unsigned int size = 24 + (unsigned int)(seed % 5) * 40, step, steps, i;
	unsigned long base = pages_out(pool);
	u64 rng = ut_seed_state(seed);
	int err;

	memset(m, 0, sizeof(*m));
	m->s = edumm_kmem_cache_create(pool, ut_tmp_printf("bm%u_%x_%lu", d, flags, seed), size,
				       0, flags, NULL, d, &err);
	ASSERT_NOT_NULL(m->s);
	steps = ut.steps ? (unsigned int)ut.steps / 20 + 1 : 300;
	for (step = 0; step < steps; step++) {
		unsigned int r = ut_rand_below(&rng, 100), n;

		ut_set_cpu(ut_rand_below(&rng, 2));
		if (r < 45 && m->nr < BULK_HELD) {
			n = 1 + ut_rand_below(&rng, min(300U, BULK_HELD - m->nr));
			ASSERT_EQ(edumm_kmem_cache_alloc_bulk(m->s, r & 1 ? EDUMM_GFP_ZERO : 0, n, p,
							      1), n);
			for (i = 0; i < n; i++) {
				if (r & 1)
					ASSERT_NULL(memchr_inv(p[i], 0, size));
				m->tag[m->nr] = ++m->serial;
				fill(p[i], size, m->serial);
				m->held[m->nr++] = p[i];
			}
			m->allocs += n;
		} else if (r < 90 && m->nr) {
			unsigned int k = 0;

			/* a random subset, in random order, with NULL holes */
			n = 1 + ut_rand_below(&rng, min(400U, m->nr));
			for (i = 0; i < n; i++) {
				unsigned int j = ut_rand_below(&rng, m->nr);

				p[k++] = m->held[j];
				m->held[j] = m->held[--m->nr];
				m->tag[j] = m->tag[m->nr];
				if (k < EDUMM_SLAB_BULK_MAX && !ut_rand_below(&rng, 16))
					p[k++] = NULL;
			}
			/* half of the time in allocation order (one slab's run) */
			if (r & 1)
				qsort(p, k, sizeof(void *), cmp_ptr);
			edumm_kmem_cache_free_bulk(m->s, k, p, 1);
			m->frees += n;
		} else if (m->nr) {
			/* single frees between bulk calls */
			ASSERT_EQ(edumm_kmem_cache_free(m->s, m->held[--m->nr], 1), 0);
			m->frees++;
		}
		bulk_model_check(m, size);
		ASSERT_POOL_OK(pool);
	}
	edumm_kmem_cache_free_bulk(m->s, m->nr, m->held, 1);
	m->frees += m->nr;
	m->nr = 0;
	bulk_model_check(m, size);
	edumm_kmem_cache_shrink(m->s);
	ASSERT_EQ(pages_out(pool), base);
	ASSERT_EQ(edumm_kmem_cache_destroy(m->s), 0);
}

/* Bulk calls of every design, debug or not, against the model, two CPUs. */
TEST(slab_bulk_model)
{
	struct edumm_pool *pool = slab_pool(2, EDUMM_SLAB_DESIGN_SLUB);
	unsigned long seed = ut.seed ? ut.seed : 1;
	unsigned int d;

	pool->slab->nomerge = true;
	for (d = 0; d < ARRAY_SIZE(designs); d++) {
		bulk_model_run(pool, designs[d], 0, seed + d);
		if (designs[d] != EDUMM_SLAB_DESIGN_SLOB)
			bulk_model_run(pool, designs[d], EDUMM_SLAB_DEBUG_FLAGS, seed + 7 + d);
	}
	ut_set_cpu(0);
	slab_fini(pool);
}

/*
 * A bulk allocation that fails half-way (the per-CPU objects are taken,
 * the new slab fails) gives every object back: nothing leaks, the failure
 * is counted once, the cache validates and the next call succeeds.
 */
TEST(slab_bulk_fails_half_way)
{
	struct edumm_pool *pool = slab_pool(1, EDUMM_SLAB_DESIGN_SLUB);
	void **p = ut_tmp_alloc(EDUMM_SLAB_BULK_MAX * sizeof(void *));
	unsigned int d, k;

	pool->slab->nomerge = true;
	for (d = 0; d < 2 * ARRAY_SIZE(designs); d++) {
		unsigned int flags = d >= ARRAY_SIZE(designs) ? EDUMM_SLAB_DEBUG_FLAGS : 0;
		enum edumm_slab_design design = designs[d % ARRAY_SIZE(designs)];
		struct edumm_cache_info info, after;
		struct edumm_kmem_cache *s;
		unsigned long allocs, frees, pages;
		void *one;
		int err;

		if (flags && design == EDUMM_SLAB_DESIGN_SLOB)
			continue;
		s = edumm_kmem_cache_create(pool, ut_tmp_printf("half%u", d), 64, 0, flags, NULL,
					    design, &err);
		ASSERT_NOT_NULL(s);
		/* one object: its slab's others wait on the CPU (or the node) */
		one = edumm_kmem_cache_alloc(s, 0, 1);
		ASSERT_NOT_NULL(one);
		edumm_kmem_cache_info(s, &info);
		pages = pages_out(pool);
		ASSERT_EQ(edumm_fault_attr_parse(&pool->fail, "1,100,0,-1"), 0);
		ASSERT_EQ(edumm_kmem_cache_alloc_bulk(s, 0, 500, p, 1), 0);
		ASSERT_EQ(edumm_fault_attr_parse(&pool->fail, "1,0,0,0"), 0);
		ASSERT_EQ(pages_out(pool), pages);
		edumm_kmem_cache_info(s, &after);
		ASSERT_EQ(after.stat[EDUMM_SLAB_ALLOC_FAIL], info.stat[EDUMM_SLAB_ALLOC_FAIL] + 1);
		if (design != EDUMM_SLAB_DESIGN_SLOB) {
			/*
			 * The objects taken before the failure were freed
			 * again; the failed one is a slow-path attempt, as
			 * in a single allocation that fails.
			 */
			bulk_counted(s, &allocs, &frees);
			ut_diag("%s%s: %lu taken before the failure", edumm_slab_design_names[design],
				flags ? " debug" : "", allocs - 2);
			ASSERT_GT(allocs, 2);
			ASSERT_EQ(allocs - frees, 2);
		}
		ASSERT_TRUE(edumm_kmem_cache_owns(s, one));
		ASSERT_EQ(edumm_kmem_cache_validate(s, &ut_diag_out), 0);
		ASSERT_POOL_OK(pool);
		ASSERT_EQ(edumm_kmem_cache_alloc_bulk(s, 0, 500, p, 1), 500);
		for (k = 0; k < 500; k++)
			ASSERT_TRUE(p[k] != one);
		edumm_kmem_cache_free_bulk(s, 500, p, 1);
		ASSERT_EQ(edumm_kmem_cache_free(s, one, 1), 0);
		ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
	}
	slab_fini(pool);
}

/*
 * A bulk free checks every object as a single free does: a foreign
 * pointer, a misaligned one, an object of another cache and a naive
 * double free (twice in a row in the array, or the head of the chain it
 * joins) are each reported and skipped; the rest is freed.
 */
TEST(slab_bulk_free_refuses)
{
	struct edumm_pool *pool = slab_pool(1, EDUMM_SLAB_DESIGN_SLUB);
	void **p = ut_tmp_alloc(16 * sizeof(void *));
	static u8 stack_junk[64];
	unsigned int d;

	ut.allow_reports = true;
	pool->slab->nomerge = true;
	for (d = 0; d < 2; d++) {
		struct edumm_kmem_cache *s, *other;
		unsigned long reports, allocs, frees;
		void *a, *b, *c, *x;
		int err;

		s = edumm_kmem_cache_create(pool, ut_tmp_printf("ref%u", d), 64, 0, 0, NULL,
					    designs[d], &err);
		other = edumm_kmem_cache_create(pool, ut_tmp_printf("oth%u", d), 64, 0, 0, NULL,
						designs[d], &err);
		ASSERT_NOT_NULL(s);
		ASSERT_NOT_NULL(other);
		a = edumm_kmem_cache_alloc(s, 0, 1);
		b = edumm_kmem_cache_alloc(s, 0, 1);
		c = edumm_kmem_cache_alloc(s, 0, 1);
		x = edumm_kmem_cache_alloc(other, 0, 1);
		ASSERT_TRUE(a && b && c && x);
		reports = edumm_shim_reports;
		p[0] = stack_junk;
		p[1] = a;
		p[2] = (char *)b + 8;
		p[3] = x;
		p[4] = NULL;
		p[5] = b;
		edumm_kmem_cache_free_bulk(s, 6, p, 1);
		ASSERT_EQ(edumm_shim_reports, reports + 3);
		ASSERT_FALSE(edumm_kmem_cache_owns(other, a));
		ASSERT_EQ(edumm_kmem_cache_validate(s, &ut_diag_out), 0);
		bulk_counted(s, &allocs, &frees);
		ASSERT_EQ(allocs, 3);
		ASSERT_EQ(frees, 2);
		if (designs[d] == EDUMM_SLAB_DESIGN_SLUB) {
			/* c twice in a row: the second is the chain's head */
			p[0] = c;
			p[1] = c;
			edumm_kmem_cache_free_bulk(s, 2, p, 1);
			ASSERT_EQ(edumm_shim_reports, reports + 4);
			/* c is now the CPU chain's head: a chain ending in c */
			a = edumm_kmem_cache_alloc(s, 0, 1);
			b = edumm_kmem_cache_alloc(s, 0, 1);
			ASSERT_EQ(edumm_kmem_cache_free(s, b, 1), 0);
			p[0] = a;
			p[1] = b;
			edumm_kmem_cache_free_bulk(s, 2, p, 1);
			ASSERT_EQ(edumm_shim_reports, reports + 5);
			bulk_counted(s, &allocs, &frees);
			ASSERT_EQ(allocs, frees);
			ASSERT_EQ(edumm_kmem_cache_validate(s, &ut_diag_out), 0);
		} else {
			ASSERT_EQ(edumm_kmem_cache_free(s, c, 1), 0);
		}
		ASSERT_EQ(edumm_kmem_cache_free(other, x, 1), 0);
		ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
		ASSERT_EQ(edumm_kmem_cache_destroy(other), 0);
	}
	slab_fini(pool);
}

TEST(slab_typesafe_by_rcu)
{
	struct edumm_pool *pool = slab_pool(1, EDUMM_SLAB_DESIGN_SLUB);
	static const struct edumm_slab_ops *ops[2] = { &edumm_slub_ops, &edumm_slab_ops };
	unsigned int d;

	for (d = 0; d < 2; d++) {
		struct edumm_kmem_cache *s;
		struct edumm_cache_info info;
		unsigned long base = pages_out(pool);
		void *p[100];
		unsigned int i;
		int err;

		s = edumm_kmem_cache_create(pool, ut_tmp_printf("rcu%u", d), 500, 0,
					    EDUMM_SLAB_TYPESAFE_BY_RCU, NULL, designs[d], &err);
		ASSERT_NOT_NULL(s);
		for (i = 0; i < 100; i++)
			p[i] = edumm_kmem_cache_alloc(s, 0, 1);
		for (i = 0; i < 100; i++) {
			fill(p[i], 500, i);
			ASSERT_EQ(edumm_kmem_cache_free(s, p[i], 1), 0);
		}
		/* the design's shrink discards the empty slabs: deferred */
		ops[d]->shrink(s);
		edumm_kmem_cache_info(s, &info);
		ASSERT_EQ(info.num_slabs, 0);
		ASSERT_GT(info.stat[EDUMM_SLAB_RCU_DEFERRED], 0);
		/* until a grace period ends the memory stays a slab, intact */
		ASSERT_GT(pages_out(pool), base);
		ASSERT_EQ(edumm_slab_rcu_reclaim(pool), 0);
		for (i = 0; i < 100; i++)
			ASSERT_TRUE(intact(p[i], 500, i));
		ASSERT_POOL_OK(pool);
		edumm_shim_rcu_gp();
		ASSERT_GT(edumm_slab_rcu_reclaim(pool), 0);
		ASSERT_EQ(pages_out(pool), base);
		ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
	}
	slab_fini(pool);
}

/*** kmalloc ***/

TEST(slab_kmalloc_every_size)
{
	unsigned int d;

	for (d = 0; d < ARRAY_SIZE(designs); d++) {
		struct edumm_pool *pool = slab_pool(2, designs[d]);
		unsigned long base = pages_out(pool);
		size_t size;

		ASSERT_NULL(edumm_kmalloc(pool, 0, 0, 1));
		ASSERT_EQ(edumm_kmalloc_index(0), 0);
		for (size = 1; size <= 16384; size++) {
			static const unsigned int classes[] = {
				8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192
			};
			unsigned int want = 0, i;
			struct edumm_kmem_cache *s;
			unsigned long before;
			void *p;

			for (i = 0; i < ARRAY_SIZE(classes) && !want; i++)
				if (size <= classes[i])
					want = classes[i];
			s = edumm_kmalloc_slab(pool, size, 0);
			if (want) {
				ASSERT_NOT_NULL(s);
				ASSERT_EQ(s->object_size, want);
				ASSERT_EQ(edumm_kmalloc_size(edumm_kmalloc_index(size)), want);
				ASSERT_STREQ(s->name, ut_tmp_printf("kmalloc-%s",
					want >= 1024 ? ut_tmp_printf("%uk", want / 1024) :
					ut_tmp_printf("%u", want)));
			} else {
				ASSERT_NULL(s);
				ASSERT_EQ(edumm_kmalloc_index(size), -1);
			}
			/* every tenth size is allocated for real */
			if (size % 10 && size != 8192 && size != 8193)
				continue;
			before = pages_out(pool);
			p = edumm_kmalloc(pool, size, 0, 1);
			ASSERT_NOT_NULL(p);
			fill(p, size, size);
			if (want) {
				ASSERT_EQ(edumm_ksize(pool, p), want);
			} else {
				unsigned long order = get_order(size);

				/* kmalloc_large: 2^order buddy pages */
				ASSERT_EQ(edumm_ksize(pool, p), 4096UL << order);
				ASSERT_EQ(pages_out(pool), before + (1UL << order));
			}
			ASSERT_TRUE(intact(p, size, size));
			ASSERT_EQ(edumm_kfree(pool, p, 1), 0);
		}
		edumm_slab_drain_all(pool);
		ASSERT_EQ(pages_out(pool), base);
		slab_fini(pool);
		ut_pool_fini();
	}
}

TEST(slab_kmalloc_krealloc_kfree)
{
	struct edumm_pool *pool = slab_pool(1, EDUMM_SLAB_DESIGN_SLUB);
	struct edumm_page *page;
	u8 local[32];
	void *p, *q, *user;
	char *m;

	ut.allow_reports = true;
	p = edumm_kzalloc(pool, 100, 0, 1);
	ASSERT_NOT_NULL(p);
	ASSERT_NULL(memchr_inv(p, 0, 100));
	fill(p, 100, 7);
	/* in place while the class (128) fits */
	ASSERT_EQ(edumm_krealloc(pool, p, 120, 0, 1), p);
	q = edumm_krealloc(pool, p, 300, 0, 1);
	ASSERT_NE(q, p);
	ASSERT_EQ(edumm_ksize(pool, q), 512);
	ASSERT_TRUE(intact(q, 100, 7));
	q = edumm_krealloc(pool, q, 20000, 0, 1);
	ASSERT_TRUE(intact(q, 100, 7));
	/* get_order(20000) = 3: 8 pages */
	ASSERT_EQ(edumm_ksize(pool, q), 32768);
	ASSERT_NULL(edumm_krealloc(pool, q, 0, 0, 1));

	/* pointers edumm did not hand out to kmalloc */
	ASSERT_EQ(edumm_kfree(pool, local, 1), -EINVAL);
	m = malloc(64);
	ASSERT_EQ(edumm_kfree(pool, m, 1), -EINVAL);
	free(m);
	page = edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, 0);
	user = edumm_pfn_to_virt(edumm_page_to_pfn(pool, page));
	ASSERT_EQ(edumm_kfree(pool, user, 1), -EINVAL);
	ASSERT_EQ(edumm_ksize(pool, user), 0);
	ASSERT_NULL(edumm_krealloc(pool, user, 10, 0, 1));
	ASSERT_EQ(edumm_free_pages(pool, edumm_page_to_pfn(pool, page), 0), 0);
	p = edumm_kmalloc(pool, 64, 0, 1);
	ASSERT_EQ(edumm_kfree(pool, (char *)p + 8, 1), -EINVAL);
	ASSERT_EQ(edumm_kfree(pool, p, 1), 0);
	ASSERT_EQ(edumm_kfree(pool, NULL, 1), 0);
	p = edumm_kmalloc(pool, 10000, 0, 1);
	ASSERT_EQ(edumm_kfree(pool, (char *)p + 4096, 1), -EINVAL);
	ASSERT_EQ(edumm_kfree(pool, p, 1), 0);
	/* a non-kmalloc cache's object is not kfree()'s */
	{
		int err;
		struct edumm_kmem_cache *s = edumm_kmem_cache_create(pool, "own", 50, 0,
								     EDUMM_SLAB_POISON, NULL,
								     1, &err);

		p = edumm_kmem_cache_alloc(s, 0, 1);
		ASSERT_EQ(edumm_kfree(pool, p, 1), -EINVAL);
		ASSERT_EQ(edumm_kmem_cache_free(s, p, 1), 0);
		ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
	}
	slab_fini(pool);
}

TEST(slab_kmalloc_types)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 2);
	unsigned int i;

	ASSERT_EQ(edumm_slab_init(pool, EDUMM_SLAB_DESIGN_SLUB), 0);
	for (i = 0; i < 200; i++) {
		void *d = edumm_kmalloc(pool, 64, EDUMM_GFP_DMA, 1);
		void *r = edumm_kmalloc(pool, i % 2 ? 64 : 30000, EDUMM_GFP_RECLAIMABLE, 1);
		struct edumm_page *pd = edumm_pfn_to_page(pool, edumm_virt_to_pfn(d));
		struct edumm_page *pr = edumm_pfn_to_page(pool, edumm_virt_to_pfn(r));
		struct edumm_slab *sl = edumm_virt_to_slab(pool, d);

		ASSERT_STREQ(sl->cache->name, "dma-kmalloc-64");
		/* the lowest zone of this pool is DMA32 */
		ASSERT_EQ(edumm_page_zone(pool, pd)->type, EDUMM_ZONE_DMA32);
		ASSERT_EQ(pool->pages[edumm_virt_to_slab(pool, r) - pool->slab->slabs].mt,
			  EDUMM_MT_RECLAIMABLE);
		ASSERT_NOT_NULL(pr);
		ASSERT_EQ(edumm_kfree(pool, d, 1), 0);
		ASSERT_EQ(edumm_kfree(pool, r, 1), 0);
	}
	slab_fini(pool);
}

TEST(slab_show_slabinfo_kmalloc)
{
	struct edumm_pool *pool = slab_pool(2, EDUMM_SLAB_DESIGN_SLAB);
	struct ut_buf b;
	void *p[3];

	p[0] = edumm_kmalloc(pool, 100, 0, 1);
	p[1] = edumm_kmalloc(pool, 100, 0, 1);
	p[2] = edumm_kmalloc(pool, 20000, 0, 1);
	ut_buf_init(&b);
	edumm_show_slabinfo(pool, &b.out);
	ASSERT_CONTAINS(b.s, "slabinfo - version: 2.1\n# name            <active_objs> <num_objs> "
			"<objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> "
			"<sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	/* SLAB kmalloc-128: HWCACHE_ALIGN, 32 per page, 16 moved to the array */
	ASSERT_CONTAINS(b.s, "\nkmalloc-128           16     32    128   32    1 : tunables  120   60    8 : slabdata      1      1      0\n");
	ut_buf_reset(&b);
	edumm_show_kmalloc(pool, &b.out);
	ASSERT_CONTAINS(b.s, "\nkmalloc-128            128          2          200          256           56       16\n");
	ASSERT_CONTAINS(b.s, "\nkmalloc-large            -          1        20000        32768        12768        1\n");
	/* 3 calls; objects: 16 active in kmalloc-128 (SLAB counts its array) + 1 */
	ASSERT_CONTAINS(b.s, "\ntotal                    -          3        20200        33024        12824       17\n");
	ut_buf_reset(&b);
	edumm_show_slab_stats(pool, &b.out);
	ASSERT_CONTAINS(b.s, "kmalloc-128 slab alloc_fastpath=1 alloc_slowpath=1 ");
	ut_buf_free(&b);
	edumm_kfree(pool, p[0], 1);
	edumm_kfree(pool, p[1], 1);
	edumm_kfree(pool, p[2], 1);
	slab_fini(pool);
}

TEST(slab_exit_with_live_objects)
{
	struct edumm_pool *pool = slab_pool(2, EDUMM_SLAB_DESIGN_SLUB);
	unsigned int d;

	ut.allow_reports = true;
	for (d = 0; d < ARRAY_SIZE(designs); d++) {
		struct edumm_kmem_cache *s;
		int err;

		s = edumm_kmem_cache_create(pool, ut_tmp_printf("leak%u", d), 40, 0, 0, NULL,
					    designs[d], &err);
		ASSERT_NOT_NULL(edumm_kmem_cache_alloc(s, 0, 1));
		ASSERT_NOT_NULL(edumm_kmalloc(pool, 5000 * (d + 1), 0, 1));
	}
	/* exit destroys everything anyway, pages and metadata go back */
	slab_fini(pool);
}

/*** Threads: the fast paths of every design, cross-CPU frees, the checker ***/

#define SLAB_WORKERS	2
#define SLAB_MAILBOX	64

struct slab_shared {
	struct edumm_pool *pool;
	/* SLUB, SLAB, SLOB, NULL = kmalloc, SLUB debug, SLAB debug */
	struct edumm_kmem_cache *c[6];
	void *mailbox[SLAB_MAILBOX];	/* objects in flight between CPUs */
	bool done;
	unsigned long checks, violations;
};

static struct slab_shared ssh;

static const unsigned int slab_sizes[6] = { 48, 200, 72, 300, 40, 120 };

struct slab_obj_hdr {
	unsigned long tag;	/* (cache << 56) | serial, repeated */
	unsigned long tag2;
};

static void *slab_worker_alloc(unsigned int k, unsigned long serial)
{
	void *p = k != 3 ? edumm_kmem_cache_alloc(ssh.c[k], 0, 1) :
		  edumm_kmalloc(ssh.pool, slab_sizes[k], 0, 1);
	struct slab_obj_hdr *h = p;

	if (p) {
		h->tag = ((unsigned long)k << 56) | serial;
		h->tag2 = ~h->tag;
	}
	return p;
}

static bool slab_worker_free(void *p)
{
	struct slab_obj_hdr *h = p;
	unsigned int k = h->tag >> 56;

	if (k > 5 || h->tag2 != ~h->tag)
		return false;
	return (k != 3 ? edumm_kmem_cache_free(ssh.c[k], p, 1) : edumm_kfree(ssh.pool, p, 1)) == 0;
}

struct slab_worker {
	pthread_t thread;
	unsigned int cpu;
	unsigned long steps, bad, fails;
	void *held[256];
	unsigned int nr;
};

static void *slab_worker_fn(void *arg)
{
	struct slab_worker *w = arg;
	u64 rng = ut_seed_state(w->cpu + 10);
	unsigned long i;

	ut_set_cpu(w->cpu);
	for (i = 0; i < w->steps; i++) {
		unsigned int r = ut_rand_below(&rng, 100);

		if (r < 45 && w->nr < ARRAY_SIZE(w->held)) {
			void *p = slab_worker_alloc(ut_rand_below(&rng, 6), i);

			if (p)
				w->held[w->nr++] = p;
			else
				w->fails++;
		} else if (r < 80 && w->nr) {
			unsigned int j = ut_rand_below(&rng, w->nr);

			if (!slab_worker_free(w->held[j]))
				w->bad++;
			w->held[j] = w->held[--w->nr];
		} else if (r < 85) {
			/* a bulk allocation, every object tagged and kept */
			unsigned int k = ut_rand_below(&rng, 6), n = 1 + ut_rand_below(&rng, 16), j;
			void *p[16];

			if (k == 3 || w->nr + n > ARRAY_SIZE(w->held))
				continue;
			if (edumm_kmem_cache_alloc_bulk(ssh.c[k], 0, n, p, 1) != (int)n) {
				w->fails++;
				continue;
			}
			for (j = 0; j < n; j++) {
				struct slab_obj_hdr *h = p[j];

				h->tag = ((unsigned long)k << 56) | i;
				h->tag2 = ~h->tag;
				w->held[w->nr++] = p[j];
			}
		} else if (r < 90 && w->nr) {
			/* a bulk free of the held objects of one cache */
			struct slab_obj_hdr *h = w->held[w->nr - 1];
			unsigned int k = h->tag >> 56, n = 0, j;
			void *p[16];

			if (k == 3)
				continue;
			for (j = w->nr; j-- > 0 && n < ARRAY_SIZE(p);) {
				h = w->held[j];
				if (h->tag >> 56 != k || h->tag2 != ~h->tag)
					continue;
				p[n++] = w->held[j];
				w->held[j] = w->held[--w->nr];
			}
			edumm_kmem_cache_free_bulk(ssh.c[k], n, p, 1);
		} else if (w->nr) {
			/* hand an object to the other CPU, maybe take one back */
			void *p = w->held[--w->nr];

			p = __atomic_exchange_n(&ssh.mailbox[ut_rand_below(&rng, SLAB_MAILBOX)], p,
						__ATOMIC_SEQ_CST);
			if (p && !slab_worker_free(p))
				w->bad++;
		}
	}
	while (w->nr)
		if (!slab_worker_free(w->held[--w->nr]))
			w->bad++;
	return NULL;
}

static void *slab_checker_fn(void *arg)
{
	(void)arg;
	ut_set_cpu(0);
	while (!__atomic_load_n(&ssh.done, __ATOMIC_ACQUIRE)) {
		ssh.violations += edumm_pool_check(ssh.pool, &ut_diag_out);
		ssh.checks++;
	}
	return NULL;
}

TEST(slab_concurrency_fast_paths)
{
	struct slab_worker w[SLAB_WORKERS];
	pthread_t checker;
	unsigned int i, k;
	int err;

	memset(&ssh, 0, sizeof(ssh));
	ssh.pool = slab_pool(SLAB_WORKERS, EDUMM_SLAB_DESIGN_SLUB);
	for (k = 0; k < 6; k++) {
		if (k == 3)
			continue;
		ssh.c[k] = edumm_kmem_cache_create(ssh.pool, ut_tmp_printf("conc%u", k),
						   slab_sizes[k], 0,
						   k > 3 ? EDUMM_SLAB_DEBUG_FLAGS : 0, NULL,
						   designs[k > 3 ? k - 4 : k], &err);
		ASSERT_NOT_NULL(ssh.c[k]);
	}
	ASSERT_EQ(pthread_create(&checker, NULL, slab_checker_fn, NULL), 0);
	for (i = 0; i < SLAB_WORKERS; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].cpu = i;
		w[i].steps = ut.steps ? ut.steps : 20000;
		ASSERT_EQ(pthread_create(&w[i].thread, NULL, slab_worker_fn, &w[i]), 0);
	}
	for (i = 0; i < SLAB_WORKERS; i++) {
		pthread_join(w[i].thread, NULL);
		ASSERT_EQ(w[i].bad, 0);
		ASSERT_EQ(w[i].fails, 0);
	}
	__atomic_store_n(&ssh.done, true, __ATOMIC_RELEASE);
	pthread_join(checker, NULL);
	ut_diag("%lu checks ran during the churn", ssh.checks);
	ASSERT_EQ(ssh.violations, 0);
	ut_set_cpu(0);
	for (i = 0; i < SLAB_MAILBOX; i++)
		if (ssh.mailbox[i])
			ASSERT_TRUE(slab_worker_free(ssh.mailbox[i]));
	for (k = 0; k < 6; k++) {
		struct edumm_cache_info info;

		if (k == 3)
			continue;
		edumm_kmem_cache_shrink(ssh.c[k]);
		edumm_kmem_cache_info(ssh.c[k], &info);
		ASSERT_EQ(info.active_objs, 0);
		ASSERT_EQ(edumm_kmem_cache_destroy(ssh.c[k]), 0);
	}
	slab_fini(ssh.pool);
}

/* Every internal allocation point of the slab layer fails cleanly. */
TEST(slab_fault_injection)
{
	struct edumm_pool *pool = slab_pool(1, EDUMM_SLAB_DESIGN_SLUB);
	unsigned long base = pages_out(pool);
	unsigned int d;

	for (d = 0; d < ARRAY_SIZE(designs); d++) {
		struct edumm_cache_info info;
		struct edumm_kmem_cache *s;
		int err;

		s = edumm_kmem_cache_create(pool, ut_tmp_printf("f%u", d), 100, 0, 0, NULL,
					    designs[d], &err);
		ASSERT_NOT_NULL(s);
		/* the buddy fails every request: no object, no page, counted */
		ASSERT_EQ(edumm_fault_attr_parse(&pool->fail, "1,100,0,-1"), 0);
		ASSERT_NULL(edumm_kmem_cache_alloc(s, 0, 1));
		ASSERT_NULL(edumm_kmalloc(pool, 20000, 0, 1));
		edumm_kmem_cache_info(s, &info);
		ASSERT_EQ(info.stat[EDUMM_SLAB_ALLOC_FAIL], 1);
		ASSERT_EQ(pages_out(pool), base);
		ASSERT_EQ(edumm_fault_attr_parse(&pool->fail, "1,0,0,0"), 0);
		ASSERT_POOL_OK(pool);
		ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
	}
	slab_fini(pool);
}

/*
 * edumm_slab_init() fails at its metadata allocations in turn: all of
 * the first 40 (the state, the twin array, the first caches of each
 * kind), then every fifth (each cache repeats the same few allocations).
 */
TEST(slab_init_fail_nth)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	unsigned long live0 = edumm_shim_meta_live, base = pages_out(pool);
	unsigned int nth, d;

	for (d = 0; d < ARRAY_SIZE(designs); d++) {
		for (nth = 1; ; nth += nth < 40 ? 1 : 5) {
			int ret;

			edumm_shim_meta_fail_nth = nth;
			ret = edumm_slab_init(pool, designs[d]);
			edumm_shim_meta_fail_nth = 0;
			if (!ret)
				break;
			ASSERT_EQ(ret, -ENOMEM);
			ASSERT_NULL(pool->slab);
			ASSERT_EQ(edumm_shim_meta_live, live0);
			ASSERT_EQ(pages_out(pool), base);
		}
		ut_diag("%s: init succeeds from fail_nth %u", edumm_slab_design_names[designs[d]],
			nth);
		ASSERT_GT(nth, 40);
		slab_fini(pool);
		ASSERT_EQ(edumm_shim_meta_live, live0);
	}
}

/* Without debug flags SLUB still catches the naive double free. */
TEST(slab_slub_naive_double_free)
{
	struct edumm_pool *pool = slab_pool(2, EDUMM_SLAB_DESIGN_SLUB);
	struct edumm_kmem_cache *s;
	unsigned long reports;
	void *a, *b;
	int err;

	ut.allow_reports = true;
	pool->slab->nomerge = true;
	ut_set_cpu(0);
	s = edumm_kmem_cache_create(pool, "nv", 64, 0, 0, NULL, EDUMM_SLAB_DESIGN_SLUB, &err);
	a = edumm_kmem_cache_alloc(s, 0, 1);
	b = edumm_kmem_cache_alloc(s, 0, 1);
	/* fast path: a is the head of this CPU's chain */
	ASSERT_EQ(edumm_kmem_cache_free(s, a, 1), 0);
	reports = edumm_shim_reports;
	ASSERT_EQ(edumm_kmem_cache_free(s, a, 1), -EINVAL);
	ASSERT_EQ(edumm_shim_reports, reports + 1);
	/* slow path (another CPU): b becomes the head of slab->freelist */
	ut_set_cpu(1);
	ASSERT_EQ(edumm_kmem_cache_free(s, b, 1), 0);
	ASSERT_EQ(edumm_kmem_cache_free(s, b, 1), -EINVAL);
	ASSERT_EQ(edumm_shim_reports, reports + 2);
	ut_set_cpu(0);
	ASSERT_EQ(edumm_kmem_cache_validate(s, &ut_diag_out), 0);
	ASSERT_EQ(edumm_kmem_cache_destroy(s), 0);
	slab_fini(pool);
}

/* SLOB's dma-kmalloc objects stay in the lowest zone, next to normal ones. */
TEST(slab_slob_dma_pages)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 1);
	unsigned int i;
	void *p[64];

	ASSERT_EQ(edumm_slab_init(pool, EDUMM_SLAB_DESIGN_SLOB), 0);
	for (i = 0; i < 64; i++) {
		struct edumm_page *page;

		p[i] = edumm_kmalloc(pool, 64, i & 1 ? EDUMM_GFP_DMA : 0, 1);
		ASSERT_NOT_NULL(p[i]);
		page = edumm_pfn_to_page(pool, edumm_virt_to_pfn(p[i]));
		if (i & 1)
			ASSERT_EQ(edumm_page_zone(pool, page)->type, EDUMM_ZONE_DMA32);
		else
			ASSERT_EQ(edumm_page_zone(pool, page)->type, EDUMM_ZONE_NORMAL);
	}
	for (i = 0; i < 64; i++)
		ASSERT_EQ(edumm_kfree(pool, p[i], 1), 0);
	slab_fini(pool);
}
