// SPDX-License-Identifier: GPL-2.0
/*
 * Reserving the pool: the only place where edumm calls the real page
 * allocator.
 *
 * The pool is a set of chunks, each a naturally aligned block of 1 << order
 * real pages taken with alloc_pages_node():
 *
 *   - order EDUMM_MAX_CHUNK_ORDER (10, 4 MiB) first, with __GFP_NORETRY: if
 *     the kernel has no free block that large, fail fast and fall back;
 *   - then down to EDUMM_MIN_CHUNK_ORDER (9, 2 MiB, one pageblock) with
 *     __GFP_RETRY_MAYFAIL: try harder (compaction) but never the OOM killer.
 *     Below a pageblock the chunks could not carry edumm's own pageblock
 *     migratetypes, so the load fails there with -ENOMEM.
 *
 * Chunks go round-robin over the nodes with memory (__GFP_THISNODE), so on a
 * NUMA machine every node holds a part of the pool and edumm's buddyinfo has
 * a line per node, like the kernel's.  Each chunk records the real node and
 * the real zone of its pages, so edumm's zones line up with the kernel's.
 *
 * Every chunk is split_page()d: each of its pages then has its own refcount,
 * as a page from alloc_page() does, which vm_insert_page() needs to map a
 * page that is not the head of the high-order block into user space.
 *
 * Fault injection (module parameter fail_reserve=, see fault.c) can make
 * any chunk allocation fail, to test the fallback and the clean failure of
 * the load: a failed load gives back every chunk it had taken.
 */

#include <linux/build_bug.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "edumm_glue.h"

/*
 * The chunks handed to edumm_pool_init(), kept to give the pages back at
 * unload.  Written only by edumm_reserve_pool() and edumm_release_pool(),
 * which module init and exit serialise: no lock.
 */
static struct edumm_chunk_desc *edumm_chunks;
static unsigned int edumm_nr_chunks;

/* The log line of edumm_reserve_pool() names exactly two orders. */
static_assert(EDUMM_MAX_CHUNK_ORDER - EDUMM_MIN_CHUNK_ORDER == 1);

/* The edumm zone named like the kernel zone that holds @page. */
static int edumm_zone_type_of(struct page *page)
{
	const char *name = page_zone(page)->name;
	int type;

	for (type = 0; type < EDUMM_NR_ZONES; type++)
		if (!strcmp(name, edumm_zone_names[type]))
			return type;

	pr_info_once("pages of kernel zone %s are counted in zone %s\n",
		     name, edumm_zone_names[EDUMM_ZONE_NORMAL]);
	return EDUMM_ZONE_NORMAL;
}

/*
 * Allocate one chunk of @order, trying each node with memory once, starting
 * with *@nid; *@nid is left at the node to try first for the next chunk.
 */
static struct page *edumm_alloc_chunk(unsigned int order, int *nid,
				      struct edumm_fault_attr *fail)
{
	gfp_t gfp = GFP_KERNEL | __GFP_NOWARN | __GFP_THISNODE;
	unsigned int tries = num_node_state(N_MEMORY);
	struct page *page;

	gfp |= order > EDUMM_MIN_CHUNK_ORDER ? __GFP_NORETRY : __GFP_RETRY_MAYFAIL;

	while (tries--) {
		int this = *nid;

		*nid = next_node_in(this, node_states[N_MEMORY]);
		if (edumm_should_fail(fail, 1UL << order))
			continue;
		page = alloc_pages_node(this, gfp, order);
		if (page)
			return page;
	}
	return NULL;
}

/* Give every page of @nr chunks back to the kernel. */
static void edumm_free_chunks(const struct edumm_chunk_desc *chunks,
			      unsigned int nr)
{
	unsigned int i;
	unsigned long j;

	for (i = 0; i < nr; i++) {
		for (j = 0; j < 1UL << chunks[i].order; j++)
			__free_page(pfn_to_page(chunks[i].start_pfn + j));
		cond_resched();
	}
}

/*
 * Reserve @want pages into @chunks (room for @max entries); return the
 * number of chunks, or -ENOMEM after giving back what was reserved.
 */
static int edumm_reserve_chunks(struct edumm_chunk_desc *chunks,
				unsigned int max, unsigned long want,
				struct edumm_fault_attr *fail)
{
	unsigned int order = EDUMM_MAX_CHUNK_ORDER;
	unsigned int nr = 0, nr_max_order = 0;
	unsigned long got = 0;
	int nid = first_node(node_states[N_MEMORY]);

	while (got < want && nr < max) {
		/* The last chunk may be smaller: pool_mb need not be 4 MiB aligned. */
		unsigned int this = min_t(unsigned int, order, ilog2(want - got));
		struct page *page;

		page = edumm_alloc_chunk(this, &nid, fail);
		if (!page) {
			if (this == EDUMM_MIN_CHUNK_ORDER)
				goto err_free_chunks;
			pr_info("no free order-%u block left after %u chunks, continuing with order %u\n",
				this, nr, this - 1);
			order = this - 1;
			continue;
		}

		split_page(page, this);
		chunks[nr].start_pfn = page_to_pfn(page);
		chunks[nr].order = this;
		chunks[nr].nid = page_to_nid(page);
		chunks[nr].zone_type = edumm_zone_type_of(page);
		nr++;
		if (this == EDUMM_MAX_CHUNK_ORDER)
			nr_max_order++;
		got += 1UL << this;
		cond_resched();
	}

	if (WARN_ON_ONCE(got != want))
		goto err_free_chunks;

	pr_info("reserved %u chunks: %u of order %u, %u of order %u\n",
		nr, nr_max_order, EDUMM_MAX_CHUNK_ORDER,
		nr - nr_max_order, EDUMM_MIN_CHUNK_ORDER);
	return nr;

err_free_chunks:
	pr_err("cannot reserve a %lu MiB pool: the kernel gave only %lu MiB in blocks of order >= %u\n",
	       want >> (20 - PAGE_SHIFT), got >> (20 - PAGE_SHIFT),
	       EDUMM_MIN_CHUNK_ORDER);
	edumm_free_chunks(chunks, nr);
	return -ENOMEM;
}

/**
 * edumm_reserve_pool() - reserve the pool and initialise edumm_pool over it
 * @pool_mb: pool size in MiB, a multiple of the order-9 chunk size (2 MiB),
 *	checked by the caller
 * @fail: fault injection for the chunk allocations (probability 0: off)
 *
 * Takes @pool_mb MiB from the page allocator in naturally aligned chunks of
 * order 10, or order 9 when the kernel has no free order-10 block (said
 * once in the log), and hands them to edumm_pool_init().  The pages are not
 * zeroed here: edumm zeroes a block when it hands it to user space.
 *
 * Context: Process context, may sleep; module init only.
 * Return: 0 on success; -ENOMEM if the memory or its bookkeeping cannot be
 * allocated, or what edumm_pool_init() returned.  On failure nothing stays
 * reserved.
 */
int edumm_reserve_pool(unsigned int pool_mb, struct edumm_fault_attr *fail)
{
	unsigned long want = (unsigned long)pool_mb << (20 - PAGE_SHIFT);
	unsigned int max = want >> EDUMM_MIN_CHUNK_ORDER;
	struct edumm_chunk_desc *chunks;
	unsigned long md, pages;
	int nr, ret;

	chunks = kvmalloc_array(max, sizeof(*chunks), GFP_KERNEL);
	if (!chunks)
		return -ENOMEM;

	nr = edumm_reserve_chunks(chunks, max, want, fail);
	if (nr < 0) {
		ret = nr;
		goto err_free_array;
	}

	ret = edumm_pool_init(&edumm_pool, chunks, nr);
	if (ret) {
		pr_err("cannot set up the pool over %d chunks: %d\n", nr, ret);
		goto err_free_chunks;
	}

	edumm_chunks = chunks;
	edumm_nr_chunks = nr;

	md = edumm_pool.metadata_bytes;
	pages = edumm_pool.nr_pages;
	pr_info("pool: %lu pages in %u chunks, metadata %lu bytes (%lu.%02lu bytes/page)\n",
		pages, edumm_pool.nr_chunks, md, md / pages,
		md * 100 / pages % 100);
	return 0;

err_free_chunks:
	edumm_free_chunks(chunks, nr);
err_free_array:
	kvfree(chunks);
	return ret;
}

/**
 * edumm_release_pool() - tear down edumm_pool and give its pages back
 *
 * Every client is gone by now (each open file pins the module), so no block
 * is allocated and no user mapping of a pool page exists.  A page may still
 * be referenced from elsewhere (a pipe after vmsplice(), an io_uring fixed
 * buffer: see the orphans in client.c); __free_page() only drops edumm's
 * reference, so such a page goes back to the kernel when its last user lets
 * go of it, never under that user's feet.
 *
 * Context: Process context, may sleep; module exit or the failure path of
 * module init only, after a successful edumm_reserve_pool().
 */
void edumm_release_pool(void)
{
	unsigned long in_use = edumm_pool_destroy(&edumm_pool);

	/* A block that no client owns any more: a bug in client.c. */
	if (WARN_ON_ONCE(in_use))
		pr_err("%lu pages were still allocated at unload\n", in_use);

	edumm_free_chunks(edumm_chunks, edumm_nr_chunks);
	kvfree(edumm_chunks);
	edumm_chunks = NULL;
	edumm_nr_chunks = 0;
}
