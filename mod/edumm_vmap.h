/* SPDX-License-Identifier: GPL-2.0 */
/*
 * edumm vmap areas: the bookkeeping of edumm's vmalloc-style mapper.
 *
 * Like struct vmap_area of mm/vmalloc.c, every area that edumm_vmalloc()
 * hands out is kept twice, by address:
 *
 *   tree->root   an rbtree keyed by va_start: find the area holding an
 *                address (vfree(), vmalloc_to_page()) in O(log n)
 *   tree->list   the same areas as a list sorted by address, for printing
 *                (/proc/vmallocinfo walks vmap_area_list in order)
 *
 * The code is pure core (vmap.c includes only this header): the unit tests
 * and the libFuzzer target build it against the userspace shim, which
 * links the kernel's own tools/lib/rbtree.c.  The kernel glue
 * (vmalloc_glue.c) maps the pages with vmap() and tells the core the
 * address; userspace tests invent addresses.
 */
#ifndef _EDUMM_VMAP_H
#define _EDUMM_VMAP_H

#include "edumm_core.h"

/*
 * Guard pages after each area, as the kernel's vm_struct counts one
 * (unless VM_NO_GUARD): an area of n pages spans n + 1 pages of address
 * space and /proc/vmallocinfo prints that size.  vmap() leaves the guard
 * unmapped, so running off the end of an area faults.
 */
#define EDUMM_VMAP_GUARD_PAGES	1

/* Pages per edumm_alloc_pages_bulk() call of edumm_vmap_populate(). */
#define EDUMM_VMAP_BULK		32

/**
 * struct edumm_vmap_area - one area of the mapper, as struct vmap_area
 *	plus the fields of struct vm_struct that edumm needs
 * @va_start: first mapped byte, page aligned
 * @va_end: one past the guard page(s): va_start + ((nr_pages +
 *	EDUMM_VMAP_GUARD_PAGES) << EDUMM_PAGE_SHIFT), like vmap_area.va_end
 * @nr_pages: pages mapped
 * @caller: who asked for it (__builtin_return_address(0)), as vm->caller
 * @handle: the owner's name for the area (0 for in-kernel users)
 * @owner: pid (tgid) of the process that asked for it, 0 if in-kernel
 * @rb_node: in tree->root, keyed by @va_start
 * @list: in tree->list, sorted by @va_start
 * @linked: in the tree (edumm_vmap_insert() done, not yet removed)
 * @pfns: the real pfn of each page, in virtual order (our vm->pages),
 *	allocated with the area
 *
 * @rb_node, @list and @linked are guarded by the tree's lock; everything
 * else is written before the area is inserted and read-only while it is
 * in the tree (the owner frees it only after edumm_vmap_remove()).
 */
struct edumm_vmap_area {
	unsigned long va_start;
	unsigned long va_end;
	unsigned long nr_pages;
	const void *caller;
	u64 handle;
	int owner;
	struct rb_node rb_node;
	struct list_head list;
	bool linked;
	unsigned long pfns[];
};

/**
 * struct edumm_vmap_tree - all areas of one pool, as vmap_area_root plus
 *	vmap_area_list of mm/vmalloc.c
 * @lock: guards @root, @list, @nr_areas, @nr_pages and each linked area's
 *	@rb_node, @list and @linked (vmap_area_lock's job)
 * @root: areas keyed by va_start
 * @list: the same areas in address order
 * @nr_areas: areas in the tree
 * @nr_pages: pages of those areas (guards not counted)
 * @pool: the buddy the pages come from
 */
struct edumm_vmap_tree {
	struct edumm_lock lock;
	struct rb_root root;
	struct list_head list;
	unsigned long nr_areas;
	unsigned long nr_pages;
	struct edumm_pool *pool;
};

/**
 * edumm_vmap_area_size() - bytes of address space an area spans, guard
 *	included (the size column of /proc/vmallocinfo)
 * @va: the area
 *
 * Return: va_end - va_start.
 */
static inline unsigned long edumm_vmap_area_size(const struct edumm_vmap_area *va)
{
	return va->va_end - va->va_start;
}

void edumm_vmap_tree_init(struct edumm_vmap_tree *tree, struct edumm_pool *pool);
struct edumm_vmap_area *edumm_vmap_area_alloc(struct edumm_vmap_tree *tree,
					      unsigned long nr_pages);
void edumm_vmap_area_free(struct edumm_vmap_area *va);
int edumm_vmap_populate(struct edumm_vmap_tree *tree, struct edumm_vmap_area *va,
			int mt, unsigned int alloc_flags);
void edumm_vmap_depopulate(struct edumm_vmap_tree *tree, struct edumm_vmap_area *va);
int edumm_vmap_insert(struct edumm_vmap_tree *tree, struct edumm_vmap_area *va,
		      unsigned long va_start);
int edumm_vmap_remove(struct edumm_vmap_tree *tree, struct edumm_vmap_area *va);
struct edumm_vmap_area *__edumm_vmap_find(struct edumm_vmap_tree *tree,
					  unsigned long addr);
bool edumm_vmap_addr_to_pfn(struct edumm_vmap_tree *tree, unsigned long addr,
			    unsigned long *pfn);
unsigned long edumm_vmap_check(struct edumm_vmap_tree *tree, struct edumm_out *out);
struct edumm_vmap_area *edumm_vmap_remove_at(struct edumm_vmap_tree *tree, unsigned long addr);
void edumm_show_vmallocinfo(struct edumm_vmap_tree *tree, struct edumm_out *out);

#endif /* _EDUMM_VMAP_H */
