// SPDX-License-Identifier: GPL-2.0
/*
 * bench_vmalloc.c - vmalloc workloads of EDUMM_IOC_BENCH, for edumm's
 * mapper and for the kernel's vmalloc(), with one source per workload.
 *
 * Equivalent requests on both sides (Documentation/benchmarks.rst):
 *
 *   edumm:   edumm_vmalloc(size)      edumm_vfree(addr)
 *   kernel:  vmalloc(size)            vfree(addr)
 *
 * Both are GFP_KERNEL and may sleep (vmalloc() allocates its vm_struct and
 * page array with GFP_KERNEL; edumm_vmalloc() its bookkeeping and, through
 * vmap(), the kernel's vm_struct): the loop is a kernel thread in process
 * context.  Neither zeroes the pages (make bench boots the guest with
 * init_on_alloc=0, else the kernel's would be), neither charges a memcg.
 * Both unmap through the same kernel code, vunmap_range_noflush(), and
 * both free the address range lazily: it joins the kernel's purge list,
 * and one TLB flush for the whole batch happens when lazy_max_pages()
 * pages have accumulated (drain_vmap_area_work(), on the workqueue of the
 * CPU that crossed the threshold).  The pages themselves go back to their
 * allocator at once on both sides.  Every setup() purges the backlog that
 * earlier runs left (vm_unmap_aliases()), so each run starts from the same
 * state whichever backend ran before it.
 *
 * The lib/test_vmalloc.c shapes keep their loop bodies; what they hold
 * across the loop (busy areas, holes, the random sizes) is made in
 * setup() and released in teardown(), outside the timed loop, with the
 * run's backend.  Their sizes are the request's @size, so that the
 * numbers of test_vmalloc.c (15000 busy areas; 32 MiB of junk per
 * fls(CPUs)) can be asked for where the pool is large enough, and smaller
 * ones where it is not (edumm's default pool is 64 MiB: make bench uses
 * 8192 and 4096, see the rows of tools/edumm-bench.c).
 */
#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "edumm_glue.h"
#include "bench.h"

/* long_busy_list_alloc_test's big area, in pages. */
#define BV_BIG_PAGES		100
/* random_size_alloc_test's sequence: length (a power of two), seed. */
#define BV_SEQ_LEN		1024
#define BV_SEQ_SEED		0x6564756d6d766dULL	/* "edummvm" */

/**
 * struct bv_priv - what a vmalloc run holds across its loop (run->priv)
 * @areas: FULL_FIT, LONG_BUSY_LIST: the areas kept busy, @nr_areas of them
 * @nr_areas: request size times CPUs
 * @sizes: RANDOM_SIZE: BV_SEQ_LEN area sizes in pages, read-only in the loop
 */
struct bv_priv {
	void **areas;
	unsigned long nr_areas;
	u16 sizes[BV_SEQ_LEN];
};

static __always_inline void *bv_alloc(const int backend, unsigned long pages)
{
	if (backend == EDUMM_BENCH_BACKEND_KERNEL)
		return vmalloc(pages << PAGE_SHIFT);
	return edumm_vmalloc(pages << PAGE_SHIFT);
}

static __always_inline void bv_free(const int backend, void *addr)
{
	if (backend == EDUMM_BENCH_BACKEND_KERNEL)
		vfree(addr);
	else
		edumm_vfree(addr);
}

/* As test_vmalloc.c: touch the first byte of a fresh area. */
static __always_inline void bv_touch(void *addr, u8 val)
{
	WRITE_ONCE(*(u8 *)addr, val);
}

/* VMALLOC_PAIR: an area of @size pages allocated and freed, untouched. */
static __always_inline int vmalloc_pair(struct edumm_bench_thread *t, const int backend)
{
	void *p = bv_alloc(backend, t->size);

	if (unlikely(!p))
		return -ENOMEM;
	bv_free(backend, p);
	return 0;
}

static int vmalloc_pair_edumm(struct edumm_bench_thread *t)
{
	return vmalloc_pair(t, EDUMM_BENCH_BACKEND_EDUMM);
}

static int vmalloc_pair_kernel(struct edumm_bench_thread *t)
{
	return vmalloc_pair(t, EDUMM_BENCH_BACKEND_KERNEL);
}

/* fix_size_alloc_test: @size pages, the first byte written, freed. */
static __always_inline int vmalloc_fix_size(struct edumm_bench_thread *t, const int backend)
{
	void *p = bv_alloc(backend, t->size);

	if (unlikely(!p))
		return -ENOMEM;
	bv_touch(p, 0);
	bv_free(backend, p);
	return 0;
}

static int vmalloc_fix_size_edumm(struct edumm_bench_thread *t)
{
	return vmalloc_fix_size(t, EDUMM_BENCH_BACKEND_EDUMM);
}

static int vmalloc_fix_size_kernel(struct edumm_bench_thread *t)
{
	return vmalloc_fix_size(t, EDUMM_BENCH_BACKEND_KERNEL);
}

/* full_fit_alloc_test's loop: one page, written, freed (holes: setup). */
static __always_inline int vmalloc_full_fit(struct edumm_bench_thread *t, const int backend)
{
	void *p = bv_alloc(backend, 1);

	if (unlikely(!p))
		return -ENOMEM;
	bv_touch(p, 1);
	bv_free(backend, p);
	return 0;
}

static int vmalloc_full_fit_edumm(struct edumm_bench_thread *t)
{
	return vmalloc_full_fit(t, EDUMM_BENCH_BACKEND_EDUMM);
}

static int vmalloc_full_fit_kernel(struct edumm_bench_thread *t)
{
	return vmalloc_full_fit(t, EDUMM_BENCH_BACKEND_KERNEL);
}

/* long_busy_list_alloc_test's loop: 100 pages and 1 page (busy list: setup). */
static __always_inline int vmalloc_long_busy(struct edumm_bench_thread *t, const int backend)
{
	void *p1, *p2;

	p1 = bv_alloc(backend, BV_BIG_PAGES);
	if (unlikely(!p1))
		return -ENOMEM;
	p2 = bv_alloc(backend, 1);
	if (unlikely(!p2)) {
		bv_free(backend, p1);
		return -ENOMEM;
	}
	bv_touch(p1, 0);
	bv_touch(p2, 1);
	bv_free(backend, p1);
	bv_free(backend, p2);
	return 0;
}

static int vmalloc_long_busy_edumm(struct edumm_bench_thread *t)
{
	return vmalloc_long_busy(t, EDUMM_BENCH_BACKEND_EDUMM);
}

static int vmalloc_long_busy_kernel(struct edumm_bench_thread *t)
{
	return vmalloc_long_busy(t, EDUMM_BENCH_BACKEND_KERNEL);
}

/*
 * random_size_alloc_test: 1..@size pages from the run's fixed sequence
 * (t->pos is this thread's place in it; it has no other use outside
 * cross-CPU mode), written, freed.
 */
static __always_inline int vmalloc_random_size(struct edumm_bench_thread *t, const int backend)
{
	const struct bv_priv *priv = t->run->priv;
	void *p = bv_alloc(backend, priv->sizes[t->pos++ & (BV_SEQ_LEN - 1)]);

	if (unlikely(!p))
		return -ENOMEM;
	bv_touch(p, 1);
	bv_free(backend, p);
	return 0;
}

static int vmalloc_random_size_edumm(struct edumm_bench_thread *t)
{
	return vmalloc_random_size(t, EDUMM_BENCH_BACKEND_EDUMM);
}

static int vmalloc_random_size_kernel(struct edumm_bench_thread *t)
{
	return vmalloc_random_size(t, EDUMM_BENCH_BACKEND_KERNEL);
}

/*** per-run state ***/

/* Between two setup allocations: yield, and give up on a signal. */
static int bv_setup_step(unsigned long i)
{
	if (i % 256 == 255) {
		cond_resched();
		if (signal_pending(current))
			return -EINTR;
	}
	return 0;
}

static struct bv_priv *bv_priv_alloc(struct edumm_bench_run *run, unsigned long nr_areas)
{
	struct bv_priv *priv;

	/* earlier runs' lazily freed ranges: purged now, for both backends */
	vm_unmap_aliases();
	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return NULL;
	if (nr_areas) {
		priv->areas = kvcalloc(nr_areas, sizeof(*priv->areas), GFP_KERNEL);
		if (!priv->areas) {
			kfree(priv);
			return NULL;
		}
	}
	run->priv = priv;
	return priv;
}

static void bv_teardown(struct edumm_bench_run *run)
{
	struct bv_priv *priv = run->priv;
	unsigned long i;

	if (!priv)
		return;
	for (i = 0; i < priv->nr_areas; i++) {
		if (priv->areas[i])
			bv_free(run->req.backend, priv->areas[i]);
		if (i % 256 == 255)
			cond_resched();
	}
	kvfree(priv->areas);
	kfree(priv);
	run->priv = NULL;
}

/* PAIR, FIX_SIZE: nothing held, only the purge of what earlier runs left. */
static int bv_setup_plain(struct edumm_bench_run *run)
{
	return bv_priv_alloc(run, 0) ? 0 : -ENOMEM;
}

/*
 * FULL_FIT: as full_fit_alloc_test, @size x CPUs pairs of 1-page areas
 * allocated in turn, the second of each pair freed, so that the address
 * space holds that many free ranges of exactly one page and its guard
 * between busy areas: the loop's 1-page requests fit them exactly.
 * test_vmalloc.c frees lazy_max_pages() worth of junk, which makes the
 * kernel purge them; here the purge is explicit (vm_unmap_aliases()), so
 * that the holes are free whatever @size is.
 */
static int bv_setup_full_fit(struct edumm_bench_run *run)
{
	unsigned long i, n = (unsigned long)run->req.size * run->nr_threads;
	struct bv_priv *priv = bv_priv_alloc(run, n);
	void **junk;
	int ret = 0;

	if (!priv)
		return -ENOMEM;
	priv->nr_areas = n;
	junk = kvcalloc(n, sizeof(*junk), GFP_KERNEL);
	if (!junk) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n && !ret; i++) {
		priv->areas[i] = bv_alloc(run->req.backend, 1);
		junk[i] = bv_alloc(run->req.backend, 1);
		if (!priv->areas[i] || !junk[i])
			ret = -ENOMEM;
		else
			ret = bv_setup_step(i);
	}
	for (i = 0; i < n; i++) {
		if (junk[i])
			bv_free(run->req.backend, junk[i]);
		if (i % 256 == 255)
			cond_resched();
	}
	kvfree(junk);
	vm_unmap_aliases();
out:
	if (ret)
		bv_teardown(run);
	return ret;
}

/*
 * LONG_BUSY_LIST: as long_busy_list_alloc_test, @size x CPUs 1-page areas
 * held busy across the loop (test_vmalloc.c: 15000 per thread).
 */
static int bv_setup_long_busy(struct edumm_bench_run *run)
{
	unsigned long i, n = (unsigned long)run->req.size * run->nr_threads;
	struct bv_priv *priv = bv_priv_alloc(run, n);
	int ret = 0;

	if (!priv)
		return -ENOMEM;
	priv->nr_areas = n;
	for (i = 0; i < n && !ret; i++) {
		priv->areas[i] = bv_alloc(run->req.backend, 1);
		ret = priv->areas[i] ? bv_setup_step(i) : -ENOMEM;
	}
	if (ret)
		bv_teardown(run);
	return ret;
}

/*
 * RANDOM_SIZE: the sizes 1..@size pages, as random_size_alloc_test's
 * prandom_u32_max(100) + 1, but from a fixed seed: every run, either
 * backend, every CPU sees the same sequence.
 */
static int bv_setup_random(struct edumm_bench_run *run)
{
	struct bv_priv *priv = bv_priv_alloc(run, 0);
	struct rnd_state rnd;
	unsigned int i;

	if (!priv)
		return -ENOMEM;
	prandom_seed_state(&rnd, BV_SEQ_SEED);
	for (i = 0; i < BV_SEQ_LEN; i++)
		priv->sizes[i] = 1 + (((u64)prandom_u32_state(&rnd) * run->req.size) >> 32);
	return 0;
}

/*** checks of order, size, batch ***/

/* @size pages of one area, or the largest of the random sequence. */
static int bv_check_area(const struct edumm_bench *req)
{
	if (req->order || req->batch || !req->size || req->size > EDUMM_BENCH_MAX_BATCH_PAGES)
		return -EINVAL;
	return 0;
}

/* @size 1-page areas held per CPU, with the total capped. */
static int bv_check_busy(const struct edumm_bench *req)
{
	u64 total = (u64)req->size * hweight64(req->cpu_mask);

	if (req->order || req->batch || !req->size || total > EDUMM_BENCH_MAX_VMALLOC_BUSY)
		return -EINVAL;
	return 0;
}

/* The vmalloc workloads; bench.c looks requests up here. */
const struct edumm_bench_wl edumm_bench_vmalloc_workloads[] = {
	{
		.id = EDUMM_BENCH_VMALLOC_PAIR,
		.name = "vmalloc_pair",
		.check = bv_check_area,
		.body = EDUMM_BENCH_PER_BACKEND(vmalloc_pair_edumm, vmalloc_pair_kernel),
		.setup = bv_setup_plain,
		.teardown = bv_teardown,
	},
	{
		.id = EDUMM_BENCH_VMALLOC_FIX_SIZE,
		.name = "vmalloc_fix_size",
		.check = bv_check_area,
		.body = EDUMM_BENCH_PER_BACKEND(vmalloc_fix_size_edumm, vmalloc_fix_size_kernel),
		.setup = bv_setup_plain,
		.teardown = bv_teardown,
	},
	{
		.id = EDUMM_BENCH_VMALLOC_FULL_FIT,
		.name = "vmalloc_full_fit",
		.check = bv_check_busy,
		.body = EDUMM_BENCH_PER_BACKEND(vmalloc_full_fit_edumm, vmalloc_full_fit_kernel),
		.setup = bv_setup_full_fit,
		.teardown = bv_teardown,
	},
	{
		.id = EDUMM_BENCH_VMALLOC_LONG_BUSY_LIST,
		.name = "vmalloc_long_busy_list",
		.check = bv_check_busy,
		.body = EDUMM_BENCH_PER_BACKEND(vmalloc_long_busy_edumm, vmalloc_long_busy_kernel),
		.setup = bv_setup_long_busy,
		.teardown = bv_teardown,
	},
	{
		.id = EDUMM_BENCH_VMALLOC_RANDOM_SIZE,
		.name = "vmalloc_random_size",
		.check = bv_check_area,
		.body = EDUMM_BENCH_PER_BACKEND(vmalloc_random_size_edumm,
						vmalloc_random_size_kernel),
		.setup = bv_setup_random,
		.teardown = bv_teardown,
	},
};

const unsigned int edumm_bench_nr_vmalloc_workloads = ARRAY_SIZE(edumm_bench_vmalloc_workloads);
