// SPDX-License-Identifier: GPL-2.0
/*
 * The vmalloc-style mapper: edumm_vmalloc() and friends over the edumm
 * pool.
 *
 * The bookkeeping (areas, rbtree, list, page population from the buddy)
 * is the pure core in vmap.c, whose top comment describes the design and
 * what is delegated to the kernel.  This file adds what needs the kernel:
 *
 *   - vmap(pages, nr, VM_MAP, PAGE_KERNEL): the kernel finds a range of
 *     its vmalloc space (with a guard page) and writes the PTEs; vunmap()
 *     undoes it, with the kernel's lazy TLB purge;
 *   - the debug check that edumm_vmalloc_to_page() (our rbtree) and the
 *     kernel's vmalloc_to_page() (a page-table walk) agree for every page
 *     of every area: at each allocation when the module parameter
 *     vmalloc_check is set (the default), and for all areas on a read of
 *     debugfs "vmalloc_check";
 *   - debugfs "vmallocinfo" (the format of /proc/vmallocinfo, addresses
 *     with %pK as the kernel's) and "vmalloc_check".
 *
 * Locking: edumm_vmap_tree.lock (see edumm_vmap.h) is the only lock here,
 * a spinlock below everything else; nothing sleeps under it (the checks
 * and the printing only read).
 */

#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/page_ref.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "edumm_glue.h"
#include "edumm_vmap.h"

static bool vmalloc_check = true;
module_param(vmalloc_check, bool, 0644);
MODULE_PARM_DESC(vmalloc_check,
		 "check edumm_vmalloc_to_page() against vmalloc_to_page() for every page of each new area (default: on)");

/** edumm_vmap_tree - every area of the mapper, all clients and in-kernel users */
struct edumm_vmap_tree edumm_vmap_tree;

/**
 * edumm_vmalloc_init() - set up the mapper's tree
 *
 * Context: Process context; module init, after the pool is up.
 */
void edumm_vmalloc_init(void)
{
	edumm_vmap_tree_init(&edumm_vmap_tree, &edumm_pool);
}

/*
 * Compare the rbtree's answer with the kernel's page tables for each page
 * of @va, which is mapped.  Returns the number of pages that disagree.
 */
static unsigned long edumm_vmap_area_verify(struct edumm_vmap_area *va)
{
	unsigned long i, bad = 0;

	for (i = 0; i < va->nr_pages; i++) {
		const void *addr = (const void *)(va->va_start + (i << PAGE_SHIFT));
		struct page *kernel = vmalloc_to_page(addr);
		unsigned long pfn;

		if (!edumm_vmap_addr_to_pfn(&edumm_vmap_tree, (unsigned long)addr, &pfn) ||
		    pfn != va->pfns[i] || !kernel || page_to_pfn(kernel) != pfn)
			bad++;
	}
	return bad;
}

/**
 * edumm_vmap_area_referenced() - do pages of an area have users besides edumm?
 * @va: a populated area
 *
 * Pool pages have a refcount of 1 (edumm's) when nothing else holds them;
 * a user mapping, a pipe after vmsplice() or an in-flight O_DIRECT I/O
 * adds to it.  vmap() takes no reference.
 *
 * Context: any.
 * Return: true if some page of @va has a reference other than edumm's.
 */
bool edumm_vmap_area_referenced(const struct edumm_vmap_area *va)
{
	unsigned long i;

	for (i = 0; i < va->nr_pages; i++)
		if (page_ref_count(pfn_to_page(va->pfns[i])) != 1)
			return true;
	return false;
}

/**
 * __edumm_vmalloc_area() - allocate, map and record an area
 * @size: bytes, at least 1; rounded up to pages
 * @alloc_flags: EDUMM_AF_* bits for each page's allocation
 * @zero: clear the pages (vzalloc)
 * @caller: recorded for vmallocinfo
 * @handle: the owning client's handle for it, 0 for an in-kernel user
 * @err: out: -E2BIG (larger than the pool), -EINVAL (0) or -ENOMEM on
 *	failure
 *
 * Pages one at a time (order 0) from the edumm buddy, then vmap().  Every
 * step that allocates is a fault injection point (the pool's fail knobs):
 * the bookkeeping (vmap.c), each page (the buddy), the page array, and
 * vmap() itself.
 *
 * Context: Process context, may sleep.
 * Return: the area, in the tree, mapped at va->va_start; or NULL.
 */
struct edumm_vmap_area *__edumm_vmalloc_area(unsigned long size, unsigned int alloc_flags,
					     bool zero, const void *caller, u64 handle,
					     int *err)
{
	struct edumm_vmap_area *va;
	struct page *onstack[16];
	struct page **pages;
	unsigned long nr, i;
	void *addr;
	int ret;

	*err = -EINVAL;
	if (!size)
		return NULL;
	*err = -E2BIG;
	if (size > edumm_pool.nr_pages << PAGE_SHIFT)
		return NULL;
	nr = DIV_ROUND_UP(size, PAGE_SIZE);

	*err = -ENOMEM;
	va = edumm_vmap_area_alloc(&edumm_vmap_tree, nr);
	if (!va)
		return NULL;
	va->caller = caller;
	va->handle = handle;
	va->owner = handle ? task_tgid_nr(current) : 0;
	if (edumm_vmap_populate(&edumm_vmap_tree, va, EDUMM_MT_UNMOVABLE, alloc_flags))
		goto err_free_area;

	if (edumm_should_fail(&edumm_pool.fail, nr * sizeof(*pages)))
		goto err_depopulate;
	/* vmap() only reads the array: small ones live on the stack */
	if (nr <= ARRAY_SIZE(onstack))
		pages = onstack;
	else
		pages = kvmalloc_array(nr, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		goto err_depopulate;
	for (i = 0; i < nr; i++) {
		pages[i] = pfn_to_page(va->pfns[i]);
		if (zero)
			clear_highpage(pages[i]);
		cond_resched();
	}
	addr = NULL;
	if (!edumm_should_fail(&edumm_pool.fail, nr))
		addr = vmap(pages, nr, VM_MAP, PAGE_KERNEL);
	if (pages != onstack)
		kvfree(pages);	/* vmap() keeps no pointer to the array */
	if (!addr)
		goto err_depopulate;

	ret = edumm_vmap_insert(&edumm_vmap_tree, va, (unsigned long)addr);
	if (WARN_ON_ONCE(ret)) {
		/* vmap() gave a range that overlaps a live area: a bug */
		vunmap(addr);
		goto err_depopulate;
	}
	if (READ_ONCE(vmalloc_check) && edumm_vmap_area_verify(va))
		pr_err_ratelimited("vmalloc_check: edumm_vmalloc_to_page() and vmalloc_to_page() disagree on a new %lu-page area\n",
				   nr);
	*err = 0;
	return va;

err_depopulate:
	edumm_vmap_depopulate(&edumm_vmap_tree, va);
err_free_area:
	edumm_vmap_area_free(va);
	return NULL;
}

/**
 * __edumm_vfree_area() - unmap an area and give its pages back
 * @va: from __edumm_vmalloc_area(); no user mapping or other reference to
 *	its pages may remain (see edumm_vmap_area_referenced())
 *
 * Context: Process context, may sleep (vunmap()).
 */
void __edumm_vfree_area(struct edumm_vmap_area *va)
{
	void *addr = (void *)va->va_start;

	if (WARN_ON_ONCE(edumm_vmap_remove(&edumm_vmap_tree, va)))
		return;		/* not ours: leak rather than corrupt */
	vunmap(addr);
	edumm_vmap_depopulate(&edumm_vmap_tree, va);
	edumm_vmap_area_free(va);
}

/**
 * edumm_vmalloc() - allocate virtually contiguous memory from the edumm pool
 * @size: bytes
 *
 * Like vmalloc(): the pages are not zeroed.
 *
 * Context: Process context, may sleep.
 * Return: the kernel address of the first byte, or NULL.
 */
void *edumm_vmalloc(unsigned long size)
{
	struct edumm_vmap_area *va;
	int err;

	va = __edumm_vmalloc_area(size, 0, false, __builtin_return_address(0), 0, &err);
	return va ? (void *)va->va_start : NULL;
}

/**
 * edumm_vzalloc() - edumm_vmalloc() with the memory zeroed
 * @size: bytes
 *
 * Context: Process context, may sleep.
 * Return: the kernel address of the first byte, or NULL.
 */
void *edumm_vzalloc(unsigned long size)
{
	struct edumm_vmap_area *va;
	int err;

	va = __edumm_vmalloc_area(size, 0, true, __builtin_return_address(0), 0, &err);
	return va ? (void *)va->va_start : NULL;
}

/**
 * edumm_vmap_area_find() - the area whose span holds an address
 * @addr: any address (the guard page counts as the area's)
 *
 * The pointer stays valid only as long as the caller owns the area.
 *
 * Context: any; takes the tree's spinlock.
 * Return: the area, or NULL.
 */
struct edumm_vmap_area *edumm_vmap_area_find(const void *addr)
{
	struct edumm_vmap_area *va;

	edumm_lock(&edumm_vmap_tree.lock);
	va = __edumm_vmap_find(&edumm_vmap_tree, (unsigned long)addr);
	edumm_unlock(&edumm_vmap_tree.lock);
	return va;
}

/**
 * edumm_vfree() - free memory from edumm_vmalloc()
 * @addr: what edumm_vmalloc() or edumm_vzalloc() returned, or NULL
 *
 * An address that starts no area is reported and ignored, as vfree()
 * warns about a bad address.
 *
 * Context: Process context, may sleep.
 */
void edumm_vfree(const void *addr)
{
	struct edumm_vmap_area *va;

	if (!addr)
		return;
	/* found and unlinked in one lookup under one lock round trip */
	va = edumm_vmap_remove_at(&edumm_vmap_tree, (unsigned long)addr);
	if (!va) {
		pr_err_ratelimited("%s: not the start of an in-kernel area\n", __func__);
		return;
	}
	vunmap(addr);
	edumm_vmap_depopulate(&edumm_vmap_tree, va);
	edumm_vmap_area_free(va);
}

/**
 * edumm_vmalloc_to_page() - the page behind an address of an edumm area
 * @addr: an address inside an area's mapped pages
 *
 * Our rbtree's answer; the kernel's vmalloc_to_page() walks the page
 * tables instead, and the two must agree (debugfs vmalloc_check).
 *
 * Context: any; takes the tree's spinlock.
 * Return: the page, or NULL if @addr is in no area or in a guard page.
 */
struct page *edumm_vmalloc_to_page(const void *addr)
{
	unsigned long pfn;

	if (!edumm_vmap_addr_to_pfn(&edumm_vmap_tree, (unsigned long)addr, &pfn))
		return NULL;
	return pfn_to_page(pfn);
}

/*** debugfs ***/

static int edumm_dbg_vmallocinfo_show(struct seq_file *m, void *unused)
{
	EDUMM_SEQ_OUT(so, m);

	edumm_show_vmallocinfo(&edumm_vmap_tree, &so.out);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edumm_dbg_vmallocinfo);

/*
 * "ok", or the violations: the tree/list checker of vmap.c, then
 * edumm_vmalloc_to_page() against vmalloc_to_page() for every page of
 * every area (under the tree lock, so no area goes away meanwhile).
 */
static int edumm_dbg_vmalloc_check_show(struct seq_file *m, void *unused)
{
	EDUMM_SEQ_OUT(so, m);
	unsigned long bad, mismatch = 0, pages = 0, i;
	struct edumm_vmap_area *va;

	bad = edumm_vmap_check(&edumm_vmap_tree, &so.out);
	edumm_lock(&edumm_vmap_tree.lock);
	list_for_each_entry(va, &edumm_vmap_tree.list, list) {
		for (i = 0; i < va->nr_pages; i++) {
			const void *addr = (const void *)(va->va_start + (i << PAGE_SHIFT));
			struct page *kernel = vmalloc_to_page(addr);

			pages++;
			if (!kernel || page_to_pfn(kernel) != va->pfns[i])
				mismatch++;
		}
	}
	edumm_unlock(&edumm_vmap_tree.lock);
	if (mismatch)
		seq_printf(m, "vmalloc_to_page: %lu of %lu pages disagree with the rbtree\n",
			   mismatch, pages);
	if (!bad && !mismatch)
		seq_puts(m, "ok\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edumm_dbg_vmalloc_check);

/**
 * edumm_vmalloc_debugfs_init() - the mapper's files in edumm's debugfs dir
 * @dir: /sys/kernel/debug/edumm/
 *
 * vmallocinfo is 0400 like /proc/vmallocinfo.
 *
 * Context: Process context; from edumm_debugfs_init().
 */
void edumm_vmalloc_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("vmallocinfo", 0400, dir, NULL, &edumm_dbg_vmallocinfo_fops);
	debugfs_create_file("vmalloc_check", 0444, dir, NULL, &edumm_dbg_vmalloc_check_fops);
}
