// SPDX-License-Identifier: GPL-2.0
/*
 * bench_pages.c - page allocator workloads of EDUMM_IOC_BENCH, for edumm
 * and for the kernel's own allocator, with one source per workload.
 *
 * Equivalent requests on both sides (Documentation/benchmarks.rst):
 *
 *   edumm:   edumm_alloc_pages(&edumm_pool, order, EDUMM_MT_UNMOVABLE, 0)
 *            edumm_free_block(&edumm_pool, page, order)
 *            edumm_alloc_pages_bulk(&edumm_pool, EDUMM_MT_UNMOVABLE, 0, ...)
 *   kernel:  alloc_pages(GFP_NOWAIT | __GFP_NOWARN, order)
 *            __free_pages(page, order)
 *            alloc_pages_bulk_array(GFP_NOWAIT | __GFP_NOWARN, ...)
 *
 * Both are unmovable (no __GFP_MOVABLE / __GFP_RECLAIMABLE), unzeroed (no
 * __GFP_ZERO; edumm's glue zeroes for user space, the core does not),
 * uncharged (no __GFP_ACCOUNT), start at the low watermark on the local
 * node and use the per-CPU lists up to order 3 (the kernel also at order
 * 9, pageblock_order, with CONFIG_TRANSPARENT_HUGEPAGE).  Neither sleeps:
 * edumm has no reclaim, so the kernel side gets no direct reclaim either
 * (GFP_NOWAIT rather than GFP_KERNEL, whose fast path is the same but
 * adds a might_sleep() preemption point per call).  Neither warns.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/processor.h>

#include "edumm_glue.h"
#include "bench.h"

#define BENCH_GFP	(GFP_NOWAIT | __GFP_NOWARN)
#define BENCH_MT	EDUMM_MT_UNMOVABLE
#define BENCH_AF	0

static __always_inline void *bp_alloc(const int backend, unsigned int order)
{
	if (backend == EDUMM_BENCH_BACKEND_KERNEL)
		return alloc_pages(BENCH_GFP, order);
	return edumm_alloc_pages(&edumm_pool, order, BENCH_MT, BENCH_AF);
}

static __always_inline void bp_free(const int backend, void *block, unsigned int order)
{
	if (backend == EDUMM_BENCH_BACKEND_KERNEL)
		__free_pages(block, order);
	else
		edumm_free_block(&edumm_pool, block, order);
}

/* PAGE_PAIR: one block allocated and freed. */
static __always_inline int page_pair(struct edumm_bench_thread *t, const int backend)
{
	void *block = bp_alloc(backend, t->order);

	if (unlikely(!block))
		return -ENOMEM;
	bp_free(backend, block, t->order);
	return 0;
}

static int page_pair_edumm(struct edumm_bench_thread *t)
{
	return page_pair(t, EDUMM_BENCH_BACKEND_EDUMM);
}

static int page_pair_kernel(struct edumm_bench_thread *t)
{
	return page_pair(t, EDUMM_BENCH_BACKEND_KERNEL);
}

/* PAGE_OUTSTANDING: batch blocks allocated, then all freed. */
static __always_inline int page_outstanding(struct edumm_bench_thread *t, const int backend)
{
	unsigned int i, n = t->batch;
	int ret = 0;

	for (i = 0; i < n; i++) {
		t->objs[i] = bp_alloc(backend, t->order);
		if (unlikely(!t->objs[i])) {
			ret = -ENOMEM;
			n = i;
			break;
		}
	}
	for (i = 0; i < n; i++) {
		bp_free(backend, t->objs[i], t->order);
		t->objs[i] = NULL;
	}
	return ret;
}

static int page_outstanding_edumm(struct edumm_bench_thread *t)
{
	return page_outstanding(t, EDUMM_BENCH_BACKEND_EDUMM);
}

static int page_outstanding_kernel(struct edumm_bench_thread *t)
{
	return page_outstanding(t, EDUMM_BENCH_BACKEND_KERNEL);
}

/* PAGE_BULK: batch order-0 pages in one bulk call, freed one by one. */
static __always_inline int page_bulk(struct edumm_bench_thread *t, const int backend)
{
	unsigned int i, n = t->batch;
	unsigned long got;

	if (backend == EDUMM_BENCH_BACKEND_KERNEL)
		got = alloc_pages_bulk_array(BENCH_GFP, n, (struct page **)t->objs);
	else
		got = edumm_alloc_pages_bulk(&edumm_pool, BENCH_MT, BENCH_AF, n,
					     (struct edumm_page **)t->objs);
	for (i = 0; i < n; i++) {
		if (t->objs[i]) {
			bp_free(backend, t->objs[i], 0);
			t->objs[i] = NULL;
		}
	}
	return got == n ? 0 : -ENOMEM;
}

static int page_bulk_edumm(struct edumm_bench_thread *t)
{
	return page_bulk(t, EDUMM_BENCH_BACKEND_EDUMM);
}

static int page_bulk_kernel(struct edumm_bench_thread *t)
{
	return page_bulk(t, EDUMM_BENCH_BACKEND_KERNEL);
}

/* Cross-CPU PAGE_PAIR, allocating side: a block into the ring. */
static __always_inline int page_produce(struct edumm_bench_thread *t, const int backend)
{
	struct edumm_bench_ring *ring = &t->run->ring;
	unsigned int spins = 0;
	void *block;

	/* pairs with the consumer's release of tail: its slot is free */
	while (t->pos - smp_load_acquire(&ring->tail) > ring->mask)
		if (!edumm_bench_wait(t, &spins))
			return -ECANCELED;
	block = bp_alloc(backend, t->order);
	if (unlikely(!block))
		return -ENOMEM;
	ring->slot[t->pos & ring->mask] = block;
	/* publishes the slot to the consumer's acquire of head */
	smp_store_release(&ring->head, ++t->pos);
	return 0;
}

static int page_produce_edumm(struct edumm_bench_thread *t)
{
	return page_produce(t, EDUMM_BENCH_BACKEND_EDUMM);
}

static int page_produce_kernel(struct edumm_bench_thread *t)
{
	return page_produce(t, EDUMM_BENCH_BACKEND_KERNEL);
}

/* Cross-CPU PAGE_PAIR, freeing side: a block out of the ring. */
static __always_inline int page_consume(struct edumm_bench_thread *t, const int backend)
{
	struct edumm_bench_ring *ring = &t->run->ring;
	unsigned int spins = 0;
	void *block;

	/* pairs with the producer's release of head: the slot is filled */
	while (smp_load_acquire(&ring->head) == t->pos)
		if (!edumm_bench_wait(t, &spins))
			return -ECANCELED;
	block = ring->slot[t->pos & ring->mask];
	/* the slot was read: hand it back to the producer's acquire of tail */
	smp_store_release(&ring->tail, ++t->pos);
	bp_free(backend, block, t->order);
	return 0;
}

static int page_consume_edumm(struct edumm_bench_thread *t)
{
	return page_consume(t, EDUMM_BENCH_BACKEND_EDUMM);
}

static int page_consume_kernel(struct edumm_bench_thread *t)
{
	return page_consume(t, EDUMM_BENCH_BACKEND_KERNEL);
}

/* After a stopped cross-CPU run: free what the consumer did not take. */
static __always_inline void page_drain(struct edumm_bench_thread *t, const int backend)
{
	struct edumm_bench_ring *ring = &t->run->ring;
	u32 pos;

	for (pos = ring->tail; pos != ring->head; pos++)
		bp_free(backend, ring->slot[pos & ring->mask], t->order);
	ring->tail = ring->head;
}

static void page_drain_edumm(struct edumm_bench_thread *t)
{
	page_drain(t, EDUMM_BENCH_BACKEND_EDUMM);
}

static void page_drain_kernel(struct edumm_bench_thread *t)
{
	page_drain(t, EDUMM_BENCH_BACKEND_KERNEL);
}

static int page_pair_check(const struct edumm_bench *req)
{
	return req->order < EDUMM_MAX_ORDER && !req->size && !req->batch ? 0 : -EINVAL;
}

static int page_outstanding_check(const struct edumm_bench *req)
{
	if (req->order >= EDUMM_MAX_ORDER || req->size || !req->batch ||
	    req->batch > EDUMM_BENCH_MAX_BATCH_PAGES >> req->order)
		return -EINVAL;
	return 0;
}

static int page_bulk_check(const struct edumm_bench *req)
{
	if (req->order || req->size || !req->batch || req->batch > EDUMM_BENCH_MAX_BATCH_PAGES)
		return -EINVAL;
	return 0;
}

/* The page workloads; bench.c looks requests up here. */
const struct edumm_bench_wl edumm_bench_page_workloads[] = {
	{
		.id = EDUMM_BENCH_PAGE_PAIR,
		.name = "page_pair",
		.check = page_pair_check,
		.body = EDUMM_BENCH_PER_BACKEND(page_pair_edumm, page_pair_kernel),
		.produce = EDUMM_BENCH_PER_BACKEND(page_produce_edumm, page_produce_kernel),
		.consume = EDUMM_BENCH_PER_BACKEND(page_consume_edumm, page_consume_kernel),
		.drain = EDUMM_BENCH_PER_BACKEND(page_drain_edumm, page_drain_kernel),
	},
	{
		.id = EDUMM_BENCH_PAGE_OUTSTANDING,
		.name = "page_outstanding",
		.check = page_outstanding_check,
		.body = EDUMM_BENCH_PER_BACKEND(page_outstanding_edumm, page_outstanding_kernel),
	},
	{
		.id = EDUMM_BENCH_PAGE_BULK,
		.name = "page_bulk",
		.check = page_bulk_check,
		.body = EDUMM_BENCH_PER_BACKEND(page_bulk_edumm, page_bulk_kernel),
	},
};

const unsigned int edumm_bench_nr_page_workloads = ARRAY_SIZE(edumm_bench_page_workloads);
