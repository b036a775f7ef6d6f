// SPDX-License-Identifier: GPL-2.0
/*
 * Clients: what one open file of /dev/edumm owns.
 *
 * A client owns blocks of the pool, each named by a handle: 1, 2, 3, ... in
 * allocation order, never reused while the file is open, so a stale handle
 * can never name somebody else's block.  The handle is also the block's
 * mmap() offset in pages, so mmap(fd, handle << PAGE_SHIFT) maps it.
 *
 * Mapped blocks.  A block is zeroed when it is allocated, and it may go back
 * to the pool (to be handed to another client) only when nothing outside
 * edumm can reach its pages any more; otherwise one client could read what
 * the next one writes.  Two counters say who can reach them:
 *
 *   block->map_count  VMAs mapping the block, in any process: 1 for each
 *                     successful mmap(), +1 per copy (fork, VMA split,
 *                     mremap), -1 per VMA closed;
 *   page refcounts    1 for edumm, +1 per pte mapping a page (counted above
 *                     already), +1 per get_user_pages() reference, which can
 *                     outlive the mapping: a pipe after vmsplice(), an
 *                     io_uring fixed buffer, O_DIRECT I/O in flight.
 *
 * EDUMM_IOC_FREE refuses with -EBUSY while either says "in use".  The free
 * check and the only 0 -> 1 transition of map_count (edumm_client_mmap())
 * both run under client->lock, so a free and an mmap of one block cannot
 * interleave.  Every other increment copies an existing VMA of the block
 * (the mm core calls ->open with mmap_lock held), so it finds map_count > 0
 * already; ->open and ->close therefore need no lock, map_count is atomic.
 * After the last ->close the ptes are gone (zap and TLB flush come first),
 * so no new page reference can appear: the refcount test is stable.
 *
 * Orphans.  When the file is closed every block goes back to the pool,
 * except a block whose pages are still referenced: it is moved to the
 * module-wide orphan list and given back by edumm_reap_orphans() once the
 * references are gone (checked on every close and before an allocation
 * fails, and forced at unload, when __free_page() only drops edumm's own
 * reference).
 */

#include <linux/atomic.h>
#include <linux/highmem.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/page_ref.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "edumm_glue.h"

/*
 * The largest handle: its mmap() offset (handle << PAGE_SHIFT) must be a
 * positive loff_t, and the handle itself a vm_pgoff and an xarray index.
 */
#define EDUMM_HANDLE_MAX	min_t(u64, ULONG_MAX, LLONG_MAX >> PAGE_SHIFT)
/* ... and below the mmap() offsets of vmalloc areas (client_vmalloc.c). */
#define EDUMM_BLOCK_HANDLE_MAX	min_t(u64, EDUMM_HANDLE_MAX, EDUMM_VMAP_PGOFF_BASE - 1)

/* Pages handed to vm_insert_pages() at a time (an on-stack array). */
#define EDUMM_MMAP_BATCH	32

/**
 * struct edumm_block - a block of the pool owned by a client
 * @handle: its name in the client's @blocks, and its mmap offset in pages
 * @pfn: real pfn of the first page
 * @order: the block has 1 << @order pages
 * @mt: core migratetype it was allocated with
 * @map_count: VMAs that map it, in any process (see the top of the file)
 * @orphan: link in edumm_orphans once its client is gone
 */
struct edumm_block {
	u64 handle;
	unsigned long pfn;
	unsigned int order;
	int mt;
	atomic_t map_count;
	struct list_head orphan;
};

/**
 * struct edumm_client - the state of one open /dev/edumm
 * @lock: guards @next_handle, membership of @blocks, and map_count's
 *	0 -> 1 transition against the free check (see the top of the file)
 * @blocks: handle -> struct edumm_block
 * @next_handle: the handle of the next block; starts at 1, only grows
 * @slab: its slab caches and objects (client_slab.c)
 * @vm: the client's vmalloc areas (client_vmalloc.c)
 */
struct edumm_client {
	struct mutex lock;	/* guards next_handle, blocks: see above */
	struct xarray blocks;
	u64 next_handle;
	struct edumm_slab_client *slab;
	struct edumm_vclient *vm;
};

/* Blocks of closed clients that are still referenced; see edumm_reap_orphans(). */
static DEFINE_MUTEX(edumm_orphan_lock);	/* guards edumm_orphans */
static LIST_HEAD(edumm_orphans);

static struct page *edumm_block_page(const struct edumm_block *block,
				     unsigned long i)
{
	return pfn_to_page(block->pfn + i);
}

/*
 * True if some page of @block has a reference other than edumm's own.
 * Meaningful as "somebody outside can still reach it" only once map_count is
 * zero; see the top of the file.
 */
static bool edumm_block_referenced(const struct edumm_block *block)
{
	unsigned long i;

	for (i = 0; i < 1UL << block->order; i++)
		if (page_ref_count(edumm_block_page(block, i)) != 1)
			return true;
	return false;
}

/* Give @block's pages back to the pool and free the block itself. */
static void edumm_block_release(struct edumm_block *block)
{
	int ret = edumm_free_pages(&edumm_pool, block->pfn, block->order);

	/*
	 * Handles make every free exact, so a refusal is a bug in edumm; the
	 * pages stay out of the pool (leaked until unload) rather than risk
	 * handing out a block twice.
	 */
	WARN_ON_ONCE(ret);
	kfree(block);
}

/*
 * Return the orphans nobody references any more to the pool; with @force,
 * all of them.  Returns how many went back.
 */
static unsigned int edumm_reap_orphans(bool force)
{
	struct edumm_block *block, *next;
	unsigned int nr = 0;

	mutex_lock(&edumm_orphan_lock);
	list_for_each_entry_safe(block, next, &edumm_orphans, orphan) {
		if (!force && edumm_block_referenced(block))
			continue;
		list_del(&block->orphan);
		edumm_block_release(block);
		nr++;
	}
	mutex_unlock(&edumm_orphan_lock);
	return nr;
}

/**
 * edumm_client_create() - allocate the state of a newly opened file
 *
 * Context: Process context, may sleep.
 * Return: the client, or NULL if out of memory.
 */
struct edumm_client *edumm_client_create(void)
{
	struct edumm_client *client;

	/* fault injection (debugfs edumm/fail/): open() fails with ENOMEM */
	if (edumm_should_fail(&edumm_pool.fail, sizeof(*client)))
		return NULL;
	client = kzalloc(sizeof(*client), GFP_KERNEL_ACCOUNT);
	if (!client)
		return NULL;
	client->slab = edumm_slab_client_create();
	if (!client->slab) {
		kfree(client);
		return NULL;
	}
	client->vm = edumm_vclient_create();
	if (!client->vm) {
		edumm_slab_client_destroy(client->slab);
		kfree(client);
		return NULL;
	}
	mutex_init(&client->lock);
	xa_init(&client->blocks);
	client->next_handle = 1;
	return client;
}

/**
 * edumm_client_destroy() - free every block of a client, then the client
 * @client: from edumm_client_create()
 *
 * Called from ->release, when the last reference to the file is gone.
 * Every VMA that maps a block holds a reference to the file (vma->vm_file),
 * so every mapping has been closed and every map_count is zero by now; no
 * ioctl or mmap() is running either, each holds a file reference too.
 * Blocks whose pages are still referenced from outside (see the top of the
 * file) become orphans instead of going back to the pool.
 *
 * Context: Process context, may sleep.
 */
void edumm_client_destroy(struct edumm_client *client)
{
	struct edumm_block *block;
	unsigned long index;

	/* every object and cache of the client (client_slab.c) */
	edumm_slab_client_destroy(client->slab);

	mutex_lock(&client->lock);
	xa_for_each(&client->blocks, index, block) {
		xa_erase(&client->blocks, index);
		if (WARN_ON_ONCE(atomic_read(&block->map_count))) {
			/* Cannot happen (see above); leak rather than reuse. */
			continue;
		}
		if (edumm_block_referenced(block)) {
			pr_notice_ratelimited("an order-%u block is still referenced at close, it returns to the pool when released\n",
					      block->order);
			mutex_lock(&edumm_orphan_lock);
			list_add_tail(&block->orphan, &edumm_orphans);
			mutex_unlock(&edumm_orphan_lock);
			continue;
		}
		edumm_block_release(block);
		cond_resched();
	}
	mutex_unlock(&client->lock);

	edumm_vclient_destroy(client->vm);
	xa_destroy(&client->blocks);
	mutex_destroy(&client->lock);
	kfree(client);

	edumm_reap_orphans(false);
}

/**
 * edumm_client_slab() - the slab caches and objects of a client
 * @client: from edumm_client_create()
 *
 * Context: Any context.
 * Return: its slab state, for edumm_slab_ioctl().
 */
struct edumm_slab_client *edumm_client_slab(struct edumm_client *client)
{
	return client->slab;
}

/**
 * edumm_client_vm() - the vmalloc areas of a client
 * @client: an open file's client
 *
 * Context: any.
 * Return: its struct edumm_vclient.
 */
struct edumm_vclient *edumm_client_vm(struct edumm_client *client)
{
	return client->vm;
}

/**
 * edumm_client_exit() - give every orphaned block back to the pool
 *
 * At unload, edumm_release_pool() then gives every pool page back to the
 * kernel with __free_page(), which only drops edumm's reference: a page
 * still pinned by a pipe or an io_uring buffer stays valid for its holder
 * and returns to the kernel when the holder lets go of it.
 *
 * Context: Process context, may sleep; module exit, after the last client.
 */
void edumm_client_exit(void)
{
	edumm_reap_orphans(true);
}

/**
 * edumm_client_alloc() - allocate a zeroed block for a client
 * @client: the owner
 * @order: 0 .. EDUMM_MAX_ORDER - 1, checked by the caller
 * @mt: core migratetype (enum edumm_mt), checked by the caller
 * @alloc_flags: EDUMM_AF_* bits, checked by the caller
 * @handle: out: the new block's handle
 * @pfn: out: real pfn of its first page
 *
 * Context: Process context, may sleep.  Takes client->lock.
 * Return: 0 on success, -ENOMEM if the pool or the kernel is out of memory
 * (or, in theory, the client out of handles).
 */
int edumm_client_alloc(struct edumm_client *client, unsigned int order, int mt,
		       unsigned int alloc_flags, u64 *handle, unsigned long *pfn)
{
	struct edumm_block *block;
	struct edumm_page *head;
	unsigned long i;
	int ret;

	/* fault injection (debugfs edumm/fail/) for the bookkeeping too */
	if (edumm_should_fail(&edumm_pool.fail, sizeof(*block)))
		return -ENOMEM;
	block = kmalloc(sizeof(*block), GFP_KERNEL_ACCOUNT);
	if (!block)
		return -ENOMEM;

	head = edumm_alloc_pages(&edumm_pool, order, mt, alloc_flags);
	/* Like the kernel's drain-and-retry: released orphans may be enough. */
	if (!head && edumm_reap_orphans(false))
		head = edumm_alloc_pages(&edumm_pool, order, mt, alloc_flags);
	if (!head) {
		kfree(block);
		return -ENOMEM;
	}
	block->pfn = edumm_page_to_pfn(&edumm_pool, head);
	block->order = order;
	block->mt = mt;
	atomic_set(&block->map_count, 0);
	INIT_LIST_HEAD(&block->orphan);

	/* The previous owner's data must not reach the new one. */
	for (i = 0; i < 1UL << order; i++)
		clear_highpage(edumm_block_page(block, i));

	mutex_lock(&client->lock);
	ret = -ENOSPC;
	if (edumm_should_fail(&edumm_pool.fail, sizeof(void *)))
		ret = -ENOMEM;
	else if (client->next_handle <= EDUMM_BLOCK_HANDLE_MAX)
		ret = xa_insert(&client->blocks, client->next_handle, block,
				GFP_KERNEL_ACCOUNT);
	if (!ret) {
		block->handle = client->next_handle++;
		*handle = block->handle;
		*pfn = block->pfn;
	}
	mutex_unlock(&client->lock);

	if (ret) {
		edumm_block_release(block);
		return -ENOMEM;
	}
	return 0;
}

/**
 * edumm_client_free() - give a client's block back to the pool
 * @client: the owner
 * @handle: from edumm_client_alloc()
 *
 * Context: Process context, may sleep.  Takes client->lock.
 * Return: 0 on success, -ENOENT if @handle names no block of @client,
 * -EBUSY if the block is still mapped or its pages otherwise referenced.
 */
int edumm_client_free(struct edumm_client *client, u64 handle)
{
	struct edumm_block *block;
	int ret = 0;

	if (!handle || handle > EDUMM_BLOCK_HANDLE_MAX)
		return -ENOENT;

	mutex_lock(&client->lock);
	block = xa_load(&client->blocks, handle);
	if (!block)
		ret = -ENOENT;
	else if (atomic_read(&block->map_count) ||
		 edumm_block_referenced(block))
		ret = -EBUSY;
	else
		xa_erase(&client->blocks, handle);
	mutex_unlock(&client->lock);

	if (!ret)
		edumm_block_release(block);
	return ret;
}

/*** Mapping blocks into user space ***/

/* A copy of a VMA of the block: fork, VMA split, mremap. */
static void edumm_vm_open(struct vm_area_struct *vma)
{
	struct edumm_block *block = vma->vm_private_data;

	atomic_inc(&block->map_count);
}

/* A VMA of the block goes: munmap, exit, or the unmapped part of a split. */
static void edumm_vm_close(struct vm_area_struct *vma)
{
	struct edumm_block *block = vma->vm_private_data;

	/* Never below zero: that would let a free through too early. */
	WARN_ON_ONCE(atomic_dec_if_positive(&block->map_count) < 0);
}

static const struct vm_operations_struct edumm_vm_ops = {
	.open = edumm_vm_open,
	.close = edumm_vm_close,
};

/* Map all pages of @block into @vma, which is exactly as large. */
static int edumm_insert_block(struct vm_area_struct *vma,
			      const struct edumm_block *block)
{
	unsigned long nr = 1UL << block->order;
	struct page *pages[EDUMM_MMAP_BATCH];
	unsigned long done, i, n, left;
	int ret;

	for (done = 0; done < nr; done += n) {
		n = min_t(unsigned long, nr - done, EDUMM_MMAP_BATCH);
		for (i = 0; i < n; i++)
			pages[i] = edumm_block_page(block, done + i);
		left = n;
		ret = vm_insert_pages(vma, vma->vm_start + (done << PAGE_SHIFT),
				      pages, &left);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * edumm_client_mmap() - map a block of a client into user space
 * @client: the owner
 * @vma: the new VMA; vm_pgoff is the block's handle and its length must be
 *	exactly the block's, and it must be MAP_SHARED
 *
 * The real pages are inserted at once (no fault handler), so
 * /proc/self/pagemap shows the pfns EDUMM_IOC_PAGE_ALLOC reported.  The VMA
 * can shrink or move but never grow (VM_DONTEXPAND), and stays out of core
 * dumps (VM_DONTDUMP).
 *
 * Context: Process context, the ->mmap method: mmap_lock held for writing.
 * Takes client->lock.
 * Return: 0 on success, -EINVAL for a private mapping, an unknown handle or
 * a wrong length, -ENOMEM if page tables cannot be allocated.
 */
int edumm_client_mmap(struct edumm_client *client, struct vm_area_struct *vma)
{
	struct edumm_block *block = NULL;
	int ret;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;

	mutex_lock(&client->lock);
	if (vma->vm_pgoff)
		block = xa_load(&client->blocks, vma->vm_pgoff);
	if (!block || vma_pages(vma) != 1UL << block->order) {
		mutex_unlock(&client->lock);
		return -EINVAL;
	}
	/* Before the first page is inserted: a free must see it mapped. */
	atomic_inc(&block->map_count);
	mutex_unlock(&client->lock);

	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	ret = edumm_insert_block(vma, block);
	if (ret) {
		/*
		 * The mm core does not call ->close after a failed ->mmap
		 * (which is why vm_ops is not set yet) but zaps the pages
		 * inserted so far once we return; until it has, their
		 * refcounts keep edumm_client_free() refusing.
		 */
		atomic_dec(&block->map_count);
		return ret;
	}

	vma->vm_private_data = block;
	vma->vm_ops = &edumm_vm_ops;
	return 0;
}
