// SPDX-License-Identifier: GPL-2.0
/*
 * The page-table walker behind EDUMM_IOC_PGWALK: what the MMU does for one
 * virtual address, level by level (Documentation/pagetables.rst).
 *
 * x86-64 splits an address into 9-bit indexes, one per level, and a
 * 12-bit offset:
 *
 *   5-level (LA57): PGD 56..48 | P4D 47..39 | PUD 38..30 | PMD 29..21 | PTE 20..12 | 11..0
 *   4-level:        PGD 47..39 |            | PUD 38..30 | PMD 29..21 | PTE 20..12 | 11..0
 *
 * With 4-level paging the kernel's P4D level is folded into the PGD
 * (p4d_offset() returns the PGD entry itself), so the walk reports four
 * entries; with LA57, five.  A present entry with PSE set at the PUD or
 * PMD level is a leaf (1 GiB or 2 MiB page) and ends the walk.
 *
 * User addresses: the caller's mm, under mmap_read_lock.  Page tables
 * under a VMA cannot be freed while the lock is held; those of a range
 * with no VMA can (munmap() frees them after downgrading to the read
 * lock), so an address outside every VMA is walked under mmap_write_lock,
 * as ptdump walks user tables.  Entries are read once each (READ_ONCE).
 *
 * Kernel (vmalloc) addresses: the kernel half of every pgd is shared, so
 * the upper levels are read through the caller's own pgd; the leaf is
 * looked up again with lookup_address(), which 6.1 exports to modules
 * (init_mm is not), and the two must agree.  The area is held by the
 * caller, and x86 never frees vmalloc page tables, so the walk is safe.
 */

#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/pgtable.h>
#include <linux/sched.h>
#include <linux/edumm.h>

#include "edumm_glue.h"

#ifdef CONFIG_X86_64

/* Record one level of @w. */
static void edumm_pgwalk_entry(struct edumm_pgwalk *w, unsigned int level,
			       u64 value, unsigned int index, bool present, bool leaf,
			       unsigned long leaf_pfn)
{
	struct edumm_pgwalk_entry *e = &w->entries[w->nr_entries++];

	e->value = value;
	e->flags = value & EDUMM_PTE_FLAGS_MASK;
	e->index = index;
	e->level = level;
	if (!present)
		e->pfn = 0;
	else if (leaf)
		e->pfn = leaf_pfn;
	else
		e->pfn = (value & PTE_PFN_MASK) >> PAGE_SHIFT;
	w->stop_level = level;
}

static void edumm_pgwalk_not_present(struct edumm_pgwalk *w)
{
	w->result = EDUMM_PGWALK_NOT_PRESENT;
}

/* A present leaf of @size bytes whose first page is @pfn maps @addr. */
static void edumm_pgwalk_mapped(struct edumm_pgwalk *w, unsigned long addr,
				unsigned long pfn, unsigned long size)
{
	w->result = EDUMM_PGWALK_MAPPED;
	w->page_size = size;
	w->pfn = pfn + ((addr & (size - 1)) >> PAGE_SHIFT);
	w->phys = ((u64)w->pfn << PAGE_SHIFT) | (addr & ~PAGE_MASK);
}

/* Walk @pgd's tree for @addr; returns the leaf PTE pointer, if it got there. */
static pte_t *edumm_pgwalk_tables(pgd_t *pgdp, unsigned long addr, struct edumm_pgwalk *w)
{
	pgd_t pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;
	pte_t *ptep, pte;

	w->paging_levels = pgtable_l5_enabled() ? 5 : 4;
	if (pgtable_l5_enabled()) {
		pgd = READ_ONCE(*pgdp);
		edumm_pgwalk_entry(w, EDUMM_PGLEVEL_PGD, pgd_val(pgd), pgd_index(addr),
				   pgd_present(pgd), false, 0);
		if (pgd_none(pgd) || !pgd_present(pgd)) {
			edumm_pgwalk_not_present(w);
			return NULL;
		}
		p4dp = p4d_offset(pgdp, addr);
		p4d = READ_ONCE(*p4dp);
		edumm_pgwalk_entry(w, EDUMM_PGLEVEL_P4D, p4d_val(p4d), p4d_index(addr),
				   p4d_present(p4d), false, 0);
	} else {
		/* folded: the P4D entry is the PGD entry (the hardware's PML4E) */
		p4dp = p4d_offset(pgdp, addr);
		p4d = READ_ONCE(*p4dp);
		edumm_pgwalk_entry(w, EDUMM_PGLEVEL_PGD, p4d_val(p4d), pgd_index(addr),
				   p4d_present(p4d), false, 0);
	}
	if (p4d_none(p4d) || !p4d_present(p4d)) {
		edumm_pgwalk_not_present(w);
		return NULL;
	}

	pudp = pud_offset(p4dp, addr);
	pud = READ_ONCE(*pudp);
	edumm_pgwalk_entry(w, EDUMM_PGLEVEL_PUD, pud_val(pud), pud_index(addr),
			   pud_present(pud), pud_leaf(pud), pud_leaf(pud) ? pud_pfn(pud) : 0);
	if (pud_none(pud) || !pud_present(pud)) {
		edumm_pgwalk_not_present(w);
		return NULL;
	}
	if (pud_leaf(pud)) {
		edumm_pgwalk_mapped(w, addr, pud_pfn(pud), PUD_SIZE);
		return NULL;
	}

	pmdp = pmd_offset(pudp, addr);
	pmd = READ_ONCE(*pmdp);
	edumm_pgwalk_entry(w, EDUMM_PGLEVEL_PMD, pmd_val(pmd), pmd_index(addr),
			   pmd_present(pmd), pmd_leaf(pmd), pmd_leaf(pmd) ? pmd_pfn(pmd) : 0);
	if (pmd_none(pmd) || !pmd_present(pmd) || !(pmd_val(pmd) & _PAGE_PRESENT)) {
		/* empty, swap/migration entry, or a THP being split */
		edumm_pgwalk_not_present(w);
		return NULL;
	}
	if (pmd_leaf(pmd)) {
		edumm_pgwalk_mapped(w, addr, pmd_pfn(pmd), PMD_SIZE);
		return NULL;
	}

	/* from the value read, not *pmdp again; no highmem page tables here */
	ptep = (pte_t *)pmd_page_vaddr(pmd) + pte_index(addr);
	pte = ptep_get(ptep);
	edumm_pgwalk_entry(w, EDUMM_PGLEVEL_PTE, pte_val(pte), pte_index(addr),
			   pte_present(pte), true, pte_present(pte) ? pte_pfn(pte) : 0);
	if (!pte_present(pte)) {
		edumm_pgwalk_not_present(w);
		return ptep;
	}
	edumm_pgwalk_mapped(w, addr, pte_pfn(pte), PAGE_SIZE);
	return ptep;
}

/**
 * edumm_pgwalk_user() - walk a user address through an mm's page tables
 * @mm: the caller's mm
 * @addr: a user address, checked by the caller to be below TASK_SIZE
 * @w: out: levels, result, translation (the (out) fields of struct
 *	edumm_pgwalk)
 *
 * Context: Process context, may sleep: takes mmap_lock (for reading, or
 * for writing when no VMA covers @addr; see the top of the file).
 * Return: 0 (the result says mapped or not present), -EINTR if killed
 * while waiting for the lock, -EFAULT if @mm is NULL (a kernel thread).
 */
int edumm_pgwalk_user(struct mm_struct *mm, unsigned long addr, struct edumm_pgwalk *w)
{
	bool write = false;

	if (!mm)
		return -EFAULT;
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	if (!vma_lookup(mm, addr)) {
		mmap_read_unlock(mm);
		if (mmap_write_lock_killable(mm))
			return -EINTR;
		write = true;
	}
	edumm_pgwalk_tables(pgd_offset(mm, addr), addr, w);
	if (write)
		mmap_write_unlock(mm);
	else
		mmap_read_unlock(mm);
	return 0;
}

/**
 * edumm_pgwalk_kernel() - walk a kernel vmalloc-space address
 * @addr: an address of an edumm area (mapped pages or guard), which the
 *	caller holds
 * @w: out: as edumm_pgwalk_user()
 *
 * The levels come from the caller's pgd (whose kernel half every process
 * shares); lookup_address() must find the same leaf entry, which sets
 * EDUMM_PGWALK_LOOKUP_OK.
 *
 * Context: Process context (current->mm is used for the pgd).
 * Return: 0, or -EFAULT without an mm.
 */
int edumm_pgwalk_kernel(unsigned long addr, struct edumm_pgwalk *w)
{
	struct mm_struct *mm = current->mm;
	unsigned int level;
	pte_t *ptep, *lookup;

	if (!mm)
		return -EFAULT;
	ptep = edumm_pgwalk_tables(pgd_offset(mm, addr), addr, w);
	lookup = lookup_address(addr, &level);
	if (lookup && ptep && lookup == ptep && level == PG_LEVEL_4K &&
	    pte_val(ptep_get(lookup)) == w->entries[w->nr_entries - 1].value)
		w->out_flags |= EDUMM_PGWALK_LOOKUP_OK;
	else if (lookup && !ptep && level != PG_LEVEL_4K)
		w->out_flags |= EDUMM_PGWALK_LOOKUP_OK;	/* both stopped at a huge leaf */
	return 0;
}

#else /* !CONFIG_X86_64 */

int edumm_pgwalk_user(struct mm_struct *mm, unsigned long addr, struct edumm_pgwalk *w)
{
	return -EOPNOTSUPP;
}

int edumm_pgwalk_kernel(unsigned long addr, struct edumm_pgwalk *w)
{
	return -EOPNOTSUPP;
}

#endif /* CONFIG_X86_64 */
