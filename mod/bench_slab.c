// SPDX-License-Identifier: GPL-2.0
/*
 * bench_slab.c - slab and kmalloc workloads of EDUMM_IOC_BENCH, for edumm
 * and for the kernel's own allocators, with one source per workload (as
 * bench_pages.c).
 *
 * Equivalent requests on both sides (Documentation/benchmarks.rst):
 *
 *   edumm:   edumm_kmem_cache_create_unmerged(&edumm_pool, name, size, 0, 0,
 *                                             NULL, design, &err)
 *            edumm_kmem_cache_alloc(s, 0, ip) / edumm_kmem_cache_free(s, obj, ip)
 *            edumm_kmem_cache_alloc_bulk(s, 0, n, p, ip) / _free_bulk(s, n, p, ip)
 *            edumm_kmalloc(&edumm_pool, size, 0, ip) / edumm_kfree(&edumm_pool, p, ip)
 *   kernel:  kmem_cache_create_usercopy(name, size, 0, 0, 0, size, NULL)
 *            kmem_cache_alloc(s, GFP_NOWAIT | __GFP_NOWARN) / kmem_cache_free(s, obj)
 *            kmem_cache_alloc_bulk(s, GFP_NOWAIT | __GFP_NOWARN, n, p)
 *            kmem_cache_free_bulk(s, n, p)
 *            kmalloc(size, GFP_NOWAIT | __GFP_NOWARN) / kfree(p)
 *
 * The caches: same size, align 0 (the minimum, sizeof(void *)), no flags,
 * no constructor, and on both sides a cache of the benchmark's own.  A
 * plain kmem_cache_create() may be merged by SLUB into any existing cache
 * of a compatible size (find_mergeable(); the kmalloc-<n> caches are not
 * merge targets in Debian's 6.1, CONFIG_MEMCG_KMEM, but other caches of
 * the same size are), and edumm_kmem_cache_create() would merge it into
 * edumm's kmalloc-<n> of the same design: the run would then share its
 * cache, its per-CPU slab and partial lists with whatever else uses it,
 * differently on each side.  So neither side merges: the kernel's cache
 * has a usersize (the whole object), which makes it unmergeable and
 * changes nothing on the allocation and free paths (it is read only by
 * hardened usercopy checks), and edumm's is created with
 * edumm_kmem_cache_create_unmerged().  The kmalloc mix uses each side's
 * kmalloc-<n> classes, as kmalloc() does.
 *
 * gfp: GFP_NOWAIT | __GFP_NOWARN on the kernel side, as the page rows:
 * no direct reclaim (edumm has none), no __GFP_ZERO (edumm's gfp 0 does
 * not zero either), no __GFP_HIGH (edumm's gfp 0 does not dip below the
 * min watermark either), no __GFP_ACCOUNT (no memcg charge:
 * KMALLOC_NORMAL classes), no warning.  The objects are never written
 * on either side: the loops time the allocator, not the use of memory.
 */
#include <linux/atomic.h>
#include <linux/slab.h>

#include "edumm_glue.h"
#include "edumm_slab.h"
#include "bench.h"

#define BENCH_GFP	(GFP_NOWAIT | __GFP_NOWARN)
#define BENCH_EGFP	0U

/**
 * struct bench_slab_priv - one call's caches and size sequence (run->priv)
 * @kcache: SLAB_PAIR/SLAB_BULK, kernel backend: the kernel's cache
 * @ecache: SLAB_PAIR/SLAB_BULK, edumm backend: edumm's cache
 * @sizes: KMALLOC_MIX: the first EDUMM_BENCH_MIX_LEN sizes of
 *	edumm_bench_mix_size()
 */
struct bench_slab_priv {
	struct kmem_cache *kcache;
	struct edumm_kmem_cache *ecache;
	u16 sizes[EDUMM_BENCH_MIX_LEN];
};

/* Cache names: unique per call, so that concurrent calls never collide. */
static atomic_t bench_slab_seq = ATOMIC_INIT(0);

static __always_inline struct bench_slab_priv *bs_priv(struct edumm_bench_thread *t)
{
	return t->run->priv;
}

static __always_inline void *bs_alloc(const int backend, struct bench_slab_priv *p)
{
	if (backend == EDUMM_BENCH_BACKEND_KERNEL)
		return kmem_cache_alloc(p->kcache, BENCH_GFP);
	return edumm_kmem_cache_alloc(p->ecache, BENCH_EGFP, _THIS_IP_);
}

static __always_inline void bs_free(const int backend, struct bench_slab_priv *p, void *obj)
{
	if (backend == EDUMM_BENCH_BACKEND_KERNEL)
		kmem_cache_free(p->kcache, obj);
	else
		edumm_kmem_cache_free(p->ecache, obj, _THIS_IP_);
}

/* SLAB_PAIR: one object allocated and freed. */
static __always_inline int slab_pair(struct edumm_bench_thread *t, const int backend)
{
	struct bench_slab_priv *p = bs_priv(t);
	void *obj = bs_alloc(backend, p);

	if (unlikely(!obj))
		return -ENOMEM;
	bs_free(backend, p, obj);
	return 0;
}

static int slab_pair_edumm(struct edumm_bench_thread *t)
{
	return slab_pair(t, EDUMM_BENCH_BACKEND_EDUMM);
}

static int slab_pair_kernel(struct edumm_bench_thread *t)
{
	return slab_pair(t, EDUMM_BENCH_BACKEND_KERNEL);
}

/* SLAB_BULK: batch objects in one bulk call, freed in one bulk call. */
static __always_inline int slab_bulk(struct edumm_bench_thread *t, const int backend)
{
	struct bench_slab_priv *p = bs_priv(t);
	unsigned int n = t->batch;
	int got;

	/* both are all or nothing: 0 leaves nothing allocated */
	if (backend == EDUMM_BENCH_BACKEND_KERNEL)
		got = kmem_cache_alloc_bulk(p->kcache, BENCH_GFP, n, t->objs);
	else
		got = edumm_kmem_cache_alloc_bulk(p->ecache, BENCH_EGFP, n, t->objs, _THIS_IP_);
	if (unlikely(!got))
		return -ENOMEM;
	if (backend == EDUMM_BENCH_BACKEND_KERNEL)
		kmem_cache_free_bulk(p->kcache, n, t->objs);
	else
		edumm_kmem_cache_free_bulk(p->ecache, n, t->objs, _THIS_IP_);
	return 0;
}

static int slab_bulk_edumm(struct edumm_bench_thread *t)
{
	return slab_bulk(t, EDUMM_BENCH_BACKEND_EDUMM);
}

static int slab_bulk_kernel(struct edumm_bench_thread *t)
{
	return slab_bulk(t, EDUMM_BENCH_BACKEND_KERNEL);
}

static __always_inline void *km_alloc(const int backend, size_t size)
{
	if (backend == EDUMM_BENCH_BACKEND_KERNEL)
		return kmalloc(size, BENCH_GFP);
	return edumm_kmalloc(&edumm_pool, size, BENCH_EGFP, _THIS_IP_);
}

static __always_inline void km_free(const int backend, void *obj)
{
	if (backend == EDUMM_BENCH_BACKEND_KERNEL)
		kfree(obj);
	else
		edumm_kfree(&edumm_pool, obj, _THIS_IP_);
}

/* KMALLOC_MIX: the next batch sizes of the sequence allocated, then freed. */
static __always_inline int kmalloc_mix(struct edumm_bench_thread *t, const int backend)
{
	struct bench_slab_priv *p = bs_priv(t);
	unsigned int i, n = t->batch;
	int ret = 0;

	for (i = 0; i < n; i++) {
		t->objs[i] = km_alloc(backend, p->sizes[t->pos++ % EDUMM_BENCH_MIX_LEN]);
		if (unlikely(!t->objs[i])) {
			ret = -ENOMEM;
			n = i;
			break;
		}
	}
	for (i = 0; i < n; i++) {
		km_free(backend, t->objs[i]);
		t->objs[i] = NULL;
	}
	return ret;
}

static int kmalloc_mix_edumm(struct edumm_bench_thread *t)
{
	return kmalloc_mix(t, EDUMM_BENCH_BACKEND_EDUMM);
}

static int kmalloc_mix_kernel(struct edumm_bench_thread *t)
{
	return kmalloc_mix(t, EDUMM_BENCH_BACKEND_KERNEL);
}

/* The cache of the request's backend, into run->priv. */
static int slab_setup(struct edumm_bench_run *run)
{
	const struct edumm_bench *req = &run->req;
	struct bench_slab_priv *p;
	char name[EDUMM_SLAB_NAME_LEN];
	int design, err = 0;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	snprintf(name, sizeof(name), "edumm_bench-%u",
		 (unsigned int)atomic_inc_return(&bench_slab_seq));
	if (req->backend == EDUMM_BENCH_BACKEND_KERNEL) {
		/* a usersize makes it unmergeable, see the top of this file */
		p->kcache = kmem_cache_create_usercopy(name, req->size, 0, 0, 0, req->size, NULL);
		if (!p->kcache)
			err = -ENOMEM;
	} else {
		design = req->design == EDUMM_DESIGN_DEFAULT ? edumm_slab_default_design
							     : req->design;
		p->ecache = edumm_kmem_cache_create_unmerged(&edumm_pool, name, req->size, 0, 0,
							     NULL, design, &err);
	}
	if (err) {
		kfree(p);
		return err;
	}
	run->priv = p;
	return 0;
}

static void slab_teardown(struct edumm_bench_run *run)
{
	struct bench_slab_priv *p = run->priv;

	kmem_cache_destroy(p->kcache);
	/* empty: every body frees what it allocated, also when it stops */
	if (p->ecache && edumm_kmem_cache_destroy(p->ecache))
		pr_err_ratelimited("edumm: bench: cache %s not destroyed\n", p->ecache->name);
	kfree(p);
	run->priv = NULL;
}

/* The size sequence, the same for both backends and every call. */
static int mix_setup(struct edumm_bench_run *run)
{
	struct bench_slab_priv *p;
	u32 state = EDUMM_BENCH_MIX_SEED;
	unsigned int i;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	for (i = 0; i < EDUMM_BENCH_MIX_LEN; i++)
		p->sizes[i] = edumm_bench_mix_size(&state);
	run->priv = p;
	return 0;
}

static int slab_pair_check(const struct edumm_bench *req)
{
	if (req->order || !req->size || req->size > EDUMM_BENCH_MAX_OBJ_SIZE || req->batch)
		return -EINVAL;
	return 0;
}

/* At most EDUMM_BENCH_MAX_OBJS objects and EDUMM_BENCH_MAX_BATCH_PAGES pages' bytes. */
static bool objs_ok(u32 batch, u32 size)
{
	return batch && batch <= EDUMM_BENCH_MAX_OBJS &&
	       (u64)batch * size <= (u64)EDUMM_BENCH_MAX_BATCH_PAGES * PAGE_SIZE;
}

static int slab_bulk_check(const struct edumm_bench *req)
{
	if (req->order || !req->size || req->size > EDUMM_BENCH_MAX_OBJ_SIZE ||
	    !objs_ok(req->batch, req->size))
		return -EINVAL;
	return 0;
}

static int kmalloc_mix_check(const struct edumm_bench *req)
{
	if (req->order || req->size || !objs_ok(req->batch, EDUMM_BENCH_MIX_MAX))
		return -EINVAL;
	return 0;
}

/* The slab and kmalloc workloads; bench.c looks requests up here. */
const struct edumm_bench_wl edumm_bench_slab_workloads[] = {
	{
		.id = EDUMM_BENCH_SLAB_PAIR,
		.name = "slab_pair",
		.check = slab_pair_check,
		.body = EDUMM_BENCH_PER_BACKEND(slab_pair_edumm, slab_pair_kernel),
		.setup = slab_setup,
		.teardown = slab_teardown,
		.design = true,
	},
	{
		.id = EDUMM_BENCH_SLAB_BULK,
		.name = "slab_bulk",
		.check = slab_bulk_check,
		.body = EDUMM_BENCH_PER_BACKEND(slab_bulk_edumm, slab_bulk_kernel),
		.setup = slab_setup,
		.teardown = slab_teardown,
		.design = true,
	},
	{
		.id = EDUMM_BENCH_KMALLOC_MIX,
		.name = "kmalloc_mix",
		.check = kmalloc_mix_check,
		.body = EDUMM_BENCH_PER_BACKEND(kmalloc_mix_edumm, kmalloc_mix_kernel),
		.setup = mix_setup,
		.teardown = slab_teardown,
	},
};

const unsigned int edumm_bench_nr_slab_workloads = ARRAY_SIZE(edumm_bench_slab_workloads);
