// SPDX-License-Identifier: GPL-2.0
/*
 * vmap.c - the bookkeeping of edumm's vmalloc-style mapper.
 *
 * In the style of the comment at the top of mm/vmalloc.c:
 *
 * vmalloc() hands out memory that is virtually contiguous and physically
 * scattered.  The kernel's version does three things:
 *
 *   1. finds a free range of kernel address space between VMALLOC_START
 *      and VMALLOC_END (alloc_vmap_area(): an augmented rbtree of *free*
 *      ranges, "free_vmap_area_root", searched for the lowest fit), one
 *      guard page longer than asked for;
 *   2. allocates the pages, one at a time or in bulk, from the buddy
 *      (vm_area_alloc_pages(): alloc_pages_bulk_array_mempolicy() for
 *      order 0, falling back to alloc_pages() page by page), so it never
 *      needs more than an order-0 block to be free;
 *   3. maps them into init_mm's page tables (vmap_pages_range()), and
 *      records the busy range in "vmap_area_root" (an rbtree keyed by
 *      address) and "vmap_area_list" (the same, sorted, for
 *      /proc/vmallocinfo).
 *
 * vfree() looks the address up in vmap_area_root, unmaps it, and frees the
 * pages.  The TLB flush is what costs, so the kernel does it lazily: freed
 * ranges go to "purge_vmap_area_list" and are flushed in one batch once
 * lazy_max_pages() have accumulated (purge_vmap_area_lazy()).
 *
 * edumm does step 2 itself, from its own buddy (edumm_vmap_populate():
 * order-0 pages, in bulk calls as the kernel's, then one by one if a bulk
 * call comes up short, so a 256-page area needs 256 free pages and no free
 * block above order 0), and keeps the busy-area
 * side of step 3 (this file: the rbtree and the list).  Steps 1 and 3's
 * page-table work are delegated to the kernel's exported vmap(): 6.1 does
 * not export get_vm_area(), init_mm or the page-table range functions to
 * modules, and vmap() does exactly "find a range with a guard page, map
 * these pages there".  The lazy purge therefore stays the kernel's too:
 * vunmap() queues the range, and the kernel flushes it in a batch.
 *
 *   edumm_vmalloc(size)                          (vmalloc_glue.c)
 *     edumm_vmap_area_alloc()   area + pfn array  (bookkeeping, may fail)
 *     edumm_vmap_populate()     edumm_alloc_pages_bulk(), order 0
 *     vmap(pages, nr, VM_MAP)   the kernel picks the range and the PTEs
 *     edumm_vmap_insert()       rbtree + sorted list, by address
 *
 *   edumm_vfree(addr)
 *     edumm_vmap_remove_at()    found, out of the tree and the list
 *     vunmap()                  PTEs gone (TLB flush lazily, by the kernel)
 *     edumm_vmap_depopulate()   every page back to the buddy
 *     edumm_vmap_area_free()
 *
 * Guard pages.  The kernel's vm_struct.size counts one guard page (unless
 * VM_NO_GUARD) and /proc/vmallocinfo prints that size: a one-page vmalloc
 * shows "8192".  edumm's areas span the same (va_end includes
 * EDUMM_VMAP_GUARD_PAGES), and vmap() leaves the guard unmapped too, so
 * the address ranges of two areas never touch.
 *
 * Locking: tree->lock (a spinning lock, vmap_area_lock's role) guards the
 * rbtree, the list and the counts.  It is a leaf below the pool's locks:
 * no buddy call is made with it held.  An area's fields other than its
 * links are written before insertion and never change while it is linked,
 * so a reader that holds the lock, or the owner, can read them.
 */
#include "edumm_vmap.h"

/**
 * edumm_vmap_tree_init() - set up an empty tree of areas
 * @tree: the tree
 * @pool: where the areas' pages come from
 *
 * Context: any; before the tree is shared.
 */
void edumm_vmap_tree_init(struct edumm_vmap_tree *tree, struct edumm_pool *pool)
{
	edumm_lock_init(&tree->lock);
	tree->root = RB_ROOT;
	INIT_LIST_HEAD(&tree->list);
	tree->nr_areas = 0;
	tree->nr_pages = 0;
	tree->pool = pool;
}

/**
 * edumm_vmap_area_alloc() - allocate the bookkeeping of an area
 * @tree: the tree it will go into (for its pool's fault injection)
 * @nr_pages: pages it will map, at least 1
 *
 * The area with its pfn array, in one allocation (two until make bench
 * measured the vmalloc rows: Documentation/benchmarks.rst); no page yet.
 * The allocation is a fault injection point (the pool's fail attribute).
 *
 * Context: may sleep.
 * Return: the area, or NULL if @nr_pages is 0 or too large, or out of
 * memory.
 */
struct edumm_vmap_area *edumm_vmap_area_alloc(struct edumm_vmap_tree *tree,
					      unsigned long nr_pages)
{
	struct edumm_vmap_area *va;
	size_t size;

	if (!nr_pages || nr_pages > tree->pool->nr_pages)
		return NULL;
	/* no overflow: at most the pool's pages */
	size = sizeof(*va) + nr_pages * sizeof(va->pfns[0]);
	if (edumm_should_fail(&tree->pool->fail, size))
		return NULL;
	va = edumm_meta_alloc(size);
	if (!va)
		return NULL;
	va->nr_pages = nr_pages;
	INIT_LIST_HEAD(&va->list);
	return va;
}

/**
 * edumm_vmap_area_free() - free the bookkeeping of an area
 * @va: from edumm_vmap_area_alloc(), not in a tree, no page held
 *
 * Context: may sleep.
 */
void edumm_vmap_area_free(struct edumm_vmap_area *va)
{
	if (!va)
		return;
	EDUMM_WARN_ON_ONCE(va->linked);
	edumm_meta_free(va);
}

/* Give back the first @nr pages of @va. */
static void edumm_vmap_free_first(struct edumm_vmap_tree *tree,
				  struct edumm_vmap_area *va, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++) {
		/* exact frees of our own order-0 pages cannot be refused */
		EDUMM_WARN_ON_ONCE(edumm_free_pages(tree->pool, va->pfns[i], 0));
		va->pfns[i] = 0;
	}
}

/**
 * edumm_vmap_populate() - take every page of an area from the buddy
 * @tree: the tree (its pool)
 * @va: an area from edumm_vmap_area_alloc(), not populated yet
 * @mt: core migratetype of the pages (enum edumm_mt)
 * @alloc_flags: EDUMM_AF_* bits for each allocation
 *
 * Order-0 pages, as vm_area_alloc_pages() takes them: edumm_alloc_pages_bulk()
 * calls of up to EDUMM_VMAP_BULK pages (the kernel's: 100), each one
 * pcp->lock round trip, its list refilled batch by batch (rmqueue_bulk()
 * takes pcp->batch pages per zone-lock round trip); once a bulk call
 * comes up short, one edumm_alloc_pages() per remaining page, with its
 * slow path.  Fragmentation of the buddy cannot make it fail while enough
 * single pages are free.  (One edumm_alloc_pages() per page made a 64-page
 * area 1.07 times as slow as the kernel's in make bench, the bulk calls
 * 0.96: Documentation/benchmarks.rst.)
 *
 * Context: may sleep (the buddy itself does not sleep).
 * Return: 0 with va->pfns filled, or -ENOMEM with every page taken so far
 * given back.
 */
int edumm_vmap_populate(struct edumm_vmap_tree *tree, struct edumm_vmap_area *va,
			int mt, unsigned int alloc_flags)
{
	struct edumm_page *chunk[EDUMM_VMAP_BULK];
	unsigned long i = 0;

	while (i < va->nr_pages) {
		unsigned int n = min_t(unsigned long, va->nr_pages - i, EDUMM_VMAP_BULK);
		unsigned int got, j;

		memset(chunk, 0, n * sizeof(chunk[0]));
		got = edumm_alloc_pages_bulk(tree->pool, mt, alloc_flags, n, chunk);
		for (j = 0; j < got; j++)
			va->pfns[i + j] = edumm_page_to_pfn(tree->pool, chunk[j]);
		i += got;
		if (got < n)
			break;
	}
	for (; i < va->nr_pages; i++) {
		struct edumm_page *page;

		page = edumm_alloc_pages(tree->pool, 0, mt, alloc_flags);
		if (!page) {
			edumm_vmap_free_first(tree, va, i);
			return -ENOMEM;
		}
		va->pfns[i] = edumm_page_to_pfn(tree->pool, page);
	}
	return 0;
}

/**
 * edumm_vmap_depopulate() - give every page of an area back to the buddy
 * @tree: the tree (its pool)
 * @va: a populated area, out of the tree
 *
 * Context: may sleep.
 */
void edumm_vmap_depopulate(struct edumm_vmap_tree *tree, struct edumm_vmap_area *va)
{
	EDUMM_WARN_ON_ONCE(va->linked);
	edumm_vmap_free_first(tree, va, va->nr_pages);
}

/**
 * edumm_vmap_insert() - put an area into the tree at an address
 * @tree: the tree
 * @va: a populated area, not in any tree
 * @va_start: its first byte, page aligned; the area then spans
 *	[va_start, va_start + (nr_pages + guard) pages)
 *
 * Like insert_vmap_area(): an rbtree descent by address finds the link,
 * and the list position follows from the new node's predecessor in the
 * tree (link_va()), so the list stays sorted without a walk.
 *
 * Context: takes tree->lock.
 * Return: 0, -EINVAL if @va_start is not page aligned, 0, or the span
 * wraps, -EEXIST if it overlaps an area already in the tree.
 */
int edumm_vmap_insert(struct edumm_vmap_tree *tree, struct edumm_vmap_area *va,
		      unsigned long va_start)
{
	unsigned long span = (va->nr_pages + EDUMM_VMAP_GUARD_PAGES) << EDUMM_PAGE_SHIFT;
	unsigned long page_mask = (1UL << EDUMM_PAGE_SHIFT) - 1;
	struct rb_node **link, *parent = NULL, *prev;

	if (!va_start || va_start & page_mask || va_start + span < va_start ||
	    va->linked)
		return -EINVAL;

	edumm_lock(&tree->lock);
	link = &tree->root.rb_node;
	while (*link) {
		struct edumm_vmap_area *tmp;

		parent = *link;
		tmp = rb_entry(parent, struct edumm_vmap_area, rb_node);
		if (va_start + span <= tmp->va_start) {
			link = &parent->rb_left;
		} else if (va_start >= tmp->va_end) {
			link = &parent->rb_right;
		} else {
			edumm_unlock(&tree->lock);
			return -EEXIST;
		}
	}
	va->va_start = va_start;
	va->va_end = va_start + span;
	rb_link_node(&va->rb_node, parent, link);
	rb_insert_color(&va->rb_node, &tree->root);

	/* After the predecessor in address order, or first. */
	prev = rb_prev(&va->rb_node);
	if (prev)
		list_add(&va->list, &rb_entry(prev, struct edumm_vmap_area, rb_node)->list);
	else
		list_add(&va->list, &tree->list);
	va->linked = true;
	tree->nr_areas++;
	tree->nr_pages += va->nr_pages;
	edumm_unlock(&tree->lock);
	return 0;
}

/* Takes @va, which is in @tree, out of it and its list.  Caller holds the lock. */
static void __edumm_vmap_unlink(struct edumm_vmap_tree *tree, struct edumm_vmap_area *va)
{
	rb_erase(&va->rb_node, &tree->root);
	list_del_init(&va->list);
	va->linked = false;
	tree->nr_areas--;
	tree->nr_pages -= va->nr_pages;
}

/**
 * edumm_vmap_remove() - take an area out of the tree
 * @tree: the tree
 * @va: an area that edumm_vmap_insert() put there
 *
 * Context: takes tree->lock.
 * Return: 0, or -ENOENT if @va is not in @tree (reported: a bug of the
 * caller, the area is left alone).
 */
int edumm_vmap_remove(struct edumm_vmap_tree *tree, struct edumm_vmap_area *va)
{
	edumm_lock(&tree->lock);
	if (!va->linked || __edumm_vmap_find(tree, va->va_start) != va) {
		edumm_unlock(&tree->lock);
		edumm_report("vmap: removing an area that is not in the tree\n");
		return -ENOENT;
	}
	__edumm_vmap_unlink(tree, va);
	edumm_unlock(&tree->lock);
	return 0;
}

/**
 * edumm_vmap_remove_at() - find the in-kernel area that starts at an
 *	address and take it out of the tree, under one lock round trip
 * @tree: the tree
 * @addr: the area's va_start, as vfree() gets it
 *
 * vfree()'s lookup and unlink together (edumm_vfree()): an address inside
 * an area but not at its start, or an area a client owns (@handle set),
 * is left alone.
 *
 * Context: takes tree->lock.
 * Return: the area, out of the tree and the list; or NULL.
 */
struct edumm_vmap_area *edumm_vmap_remove_at(struct edumm_vmap_tree *tree, unsigned long addr)
{
	struct edumm_vmap_area *va;

	edumm_lock(&tree->lock);
	va = __edumm_vmap_find(tree, addr);
	if (!va || va->va_start != addr || va->handle) {
		edumm_unlock(&tree->lock);
		return NULL;
	}
	__edumm_vmap_unlink(tree, va);
	edumm_unlock(&tree->lock);
	return va;
}

/**
 * __edumm_vmap_find() - the area whose span holds an address
 * @tree: the tree
 * @addr: any address
 *
 * The span includes the guard page, as find_vmap_area() matches
 * [va_start, va_end).
 *
 * Context: tree->lock held.
 * Return: the area, or NULL.
 */
struct edumm_vmap_area *__edumm_vmap_find(struct edumm_vmap_tree *tree,
					  unsigned long addr)
{
	struct rb_node *n = tree->root.rb_node;

	edumm_lock_assert_held(&tree->lock);
	while (n) {
		struct edumm_vmap_area *va = rb_entry(n, struct edumm_vmap_area, rb_node);

		if (addr < va->va_start)
			n = n->rb_left;
		else if (addr >= va->va_end)
			n = n->rb_right;
		else
			return va;
	}
	return NULL;
}

/**
 * edumm_vmap_addr_to_pfn() - the real pfn behind an address of an area
 * @tree: the tree
 * @addr: an address inside some area
 * @pfn: out: the pfn of the page that maps @addr
 *
 * The core of edumm_vmalloc_to_page(): tree lookup, then the page index.
 *
 * Context: takes tree->lock.
 * Return: true if @addr lies in a mapped page of an area; false if it is
 * in no area or in a guard page.
 */
bool edumm_vmap_addr_to_pfn(struct edumm_vmap_tree *tree, unsigned long addr,
			    unsigned long *pfn)
{
	struct edumm_vmap_area *va;
	unsigned long idx;
	bool found = false;

	edumm_lock(&tree->lock);
	va = __edumm_vmap_find(tree, addr);
	if (va) {
		idx = (addr - va->va_start) >> EDUMM_PAGE_SHIFT;
		if (idx < va->nr_pages) {
			*pfn = va->pfns[idx];
			found = true;
		}
	}
	edumm_unlock(&tree->lock);
	return found;
}

/*** The checker ***/

struct edumm_vmap_walk {
	struct edumm_out *out;
	unsigned long bad;
	unsigned long nodes;
};

__printf(2, 3) static void edumm_vmap_bad(struct edumm_vmap_walk *w, const char *fmt, ...)
{
	va_list args;

	w->bad++;
	if (!w->out)
		return;
	va_start(args, fmt);
	w->out->vprintf(w->out, fmt, args);
	va_end(args);
}

/* rbtree.c's encoding: bit 0 of __rb_parent_color is 1 for black. */
static bool edumm_rb_is_black(const struct rb_node *n)
{
	return !n || (n->__rb_parent_color & 1);
}

static const struct rb_node *edumm_rb_parent(const struct rb_node *n)
{
	return (const struct rb_node *)(n->__rb_parent_color & ~3UL);
}

/*
 * Check the subtree at @n: red-black rules, parent links, keys strictly
 * inside (@lo, @hi).  Returns its black height, or -1 after a violation.
 */
static int edumm_vmap_check_subtree(struct edumm_vmap_walk *w,
				    const struct rb_node *n, const struct rb_node *parent,
				    unsigned long lo, unsigned long hi, unsigned int depth)
{
	const struct edumm_vmap_area *va;
	int l, r;

	if (!n)
		return 1;
	if (depth > 128) {
		edumm_vmap_bad(w, "vmap: tree deeper than 128 (a cycle?)\n");
		return -1;
	}
	w->nodes++;
	va = rb_entry(n, struct edumm_vmap_area, rb_node);
	if (edumm_rb_parent(n) != parent)
		edumm_vmap_bad(w, "vmap: area at +%lu pages: wrong parent link\n",
			       va->nr_pages);
	if (!edumm_rb_is_black(n) && (!edumm_rb_is_black(n->rb_left) ||
				      !edumm_rb_is_black(n->rb_right)))
		edumm_vmap_bad(w, "vmap: red area with a red child\n");
	if (va->va_start < lo || va->va_end > hi)
		edumm_vmap_bad(w, "vmap: area out of order in the tree\n");
	l = edumm_vmap_check_subtree(w, n->rb_left, n, lo, va->va_start, depth + 1);
	r = edumm_vmap_check_subtree(w, n->rb_right, n, va->va_end, hi, depth + 1);
	if (l < 0 || r < 0)
		return -1;
	if (l != r) {
		edumm_vmap_bad(w, "vmap: black heights differ (%d, %d)\n", l, r);
		return -1;
	}
	return l + edumm_rb_is_black(n);
}

/**
 * edumm_vmap_check() - verify the tree and the list against each other
 * @tree: the tree
 * @out: where to describe each violation (NULL: count only)
 *
 * Checks: the rbtree's red-black rules and parent links; every area's span
 * is (nr_pages + guard) pages, page aligned, non-empty; the list is the
 * in-order walk of the tree (same areas, same order), sorted and without
 * overlap; nr_areas and nr_pages match; every pfn is a pool page.
 *
 * Context: takes tree->lock.
 * Return: the number of violations found (0 means consistent).
 */
unsigned long edumm_vmap_check(struct edumm_vmap_tree *tree, struct edumm_out *out)
{
	unsigned long page_mask = (1UL << EDUMM_PAGE_SHIFT) - 1;
	struct edumm_vmap_walk w = { .out = out };
	unsigned long areas = 0, pages = 0, prev_end = 0;
	struct edumm_vmap_area *va;
	struct rb_node *n;
	unsigned long i;

	edumm_lock(&tree->lock);
	if (tree->root.rb_node && !edumm_rb_is_black(tree->root.rb_node))
		edumm_vmap_bad(&w, "vmap: red root\n");
	edumm_vmap_check_subtree(&w, tree->root.rb_node, NULL, 0, ~0UL, 0);

	n = rb_first(&tree->root);
	list_for_each_entry(va, &tree->list, list) {
		if (areas > w.nodes) {
			edumm_vmap_bad(&w, "vmap: list longer than the tree\n");
			break;
		}
		areas++;
		pages += va->nr_pages;
		if (!n || rb_entry(n, struct edumm_vmap_area, rb_node) != va)
			edumm_vmap_bad(&w, "vmap: list entry %lu is not the tree's\n", areas);
		if (n)
			n = rb_next(n);
		if (!va->linked)
			edumm_vmap_bad(&w, "vmap: area %lu not marked linked\n", areas);
		if (!va->nr_pages || va->va_start & page_mask ||
		    va->va_end - va->va_start !=
		    (va->nr_pages + EDUMM_VMAP_GUARD_PAGES) << EDUMM_PAGE_SHIFT)
			edumm_vmap_bad(&w, "vmap: area %lu: span is not %lu + %d pages\n",
				       areas, va->nr_pages, EDUMM_VMAP_GUARD_PAGES);
		if (va->va_start < prev_end)
			edumm_vmap_bad(&w, "vmap: area %lu overlaps or precedes the one before\n",
				       areas);
		prev_end = va->va_end;
		for (i = 0; i < va->nr_pages; i++) {
			if (!edumm_pfn_to_page(tree->pool, va->pfns[i])) {
				edumm_vmap_bad(&w, "vmap: area %lu page %lu: pfn not in the pool\n",
					       areas, i);
				break;
			}
		}
	}
	if (n)
		edumm_vmap_bad(&w, "vmap: tree has areas the list lacks\n");
	if (areas != w.nodes || areas != tree->nr_areas)
		edumm_vmap_bad(&w, "vmap: %lu areas listed, %lu in the tree, nr_areas %lu\n",
			       areas, w.nodes, tree->nr_areas);
	if (pages != tree->nr_pages)
		edumm_vmap_bad(&w, "vmap: %lu pages listed, nr_pages %lu\n",
			       pages, tree->nr_pages);
	edumm_unlock(&tree->lock);
	return w.bad;
}

/*** /proc/vmallocinfo ***/

/* " N<nid>=<pages>" for each node holding pages of @va, as show_numa_info(). */
static void edumm_show_vmap_numa(struct edumm_vmap_tree *tree,
				 const struct edumm_vmap_area *va, struct edumm_out *out)
{
	unsigned int ni;
	unsigned long i;

	for (ni = 0; ni < tree->pool->nr_nodes; ni++) {
		int nid = tree->pool->nodes[ni].nid;
		unsigned int count = 0;

		for (i = 0; i < va->nr_pages; i++) {
			struct edumm_page *page = edumm_pfn_to_page(tree->pool, va->pfns[i]);

			if (page && edumm_page_zone(tree->pool, page)->nid == nid)
				count++;
		}
		if (count)
			edumm_printf(out, " N%u=%u", nid, count);
	}
}

/**
 * edumm_show_vmallocinfo() - the areas as /proc/vmallocinfo shows them
 * @tree: the tree
 * @out: destination
 *
 * One line per area, in address order, in s_show()'s format of Linux 6.1:
 * "0x<start>-0x<end> <size> <caller> pages=<n> vmalloc N<nid>=<n>...",
 * where end and size include the guard page.  The addresses go through
 * EDUMM_KPTR_FMT (the kernel's %pK: hashed, real or zero by kptr_restrict,
 * judged for the reader), the caller through EDUMM_SYM_FMT (%pS).
 *
 * Context: takes tree->lock (output must not sleep: seq_file is fine).
 */
void edumm_show_vmallocinfo(struct edumm_vmap_tree *tree, struct edumm_out *out)
{
	struct edumm_vmap_area *va;

	edumm_lock(&tree->lock);
	list_for_each_entry(va, &tree->list, list) {
		edumm_printf(out, EDUMM_KPTR_FMT "-" EDUMM_KPTR_FMT " %7ld",
			     (void *)va->va_start, (void *)va->va_end,
			     (long)edumm_vmap_area_size(va));
		if (va->caller)
			edumm_printf(out, " " EDUMM_SYM_FMT, va->caller);
		edumm_printf(out, " pages=%d vmalloc", (int)va->nr_pages);
		edumm_show_vmap_numa(tree, va, out);
		edumm_printf(out, "\n");
	}
	edumm_unlock(&tree->lock);
}
