// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_vmap.c - libFuzzer target: the vmap area bookkeeping of vmap.c
 * (rbtree + sorted list, guard pages, population from the buddy).
 *
 * Input format (past the end every byte reads as 0):
 *
 *   byte 0    bits 0-1: CPUs - 1 (1..4 simulated CPUs)
 *   then operations, an opcode byte (b % FZ_V_NR_OPS) and its arguments:
 *
 *   ALLOC    n s   an area of 1 + n % 48 pages at address slot s (the
 *                  area starts at FZ_V_BASE + s pages): -EEXIST exactly
 *                  when it overlaps a live area (guard pages included),
 *                  -ENOMEM from populate only when the pool is short
 *   FREE     i     remove and free live area i % live
 *   FIND     a b   __edumm_vmap_find() and edumm_vmap_addr_to_pfn() of
 *                  address FZ_V_BASE - 1 page + (a | b << 8) * 64, checked
 *                  against the model
 *   HOLD     n     take 1 + n % 128 order-0 pages and keep them (odd pfns
 *                  stay held: the buddy fragments)
 *   RELEASE  n     give back up to 1 + n % 128 held pages
 *   SHOW           vmallocinfo: one line per live area
 *   FAULT    p t   fault injection: probability p % 101, times t % 4 - 1
 *   DRAIN          empty the per-CPU lists
 *
 * After every operation edumm_vmap_check() and edumm_pool_check() must
 * find nothing, and the pool's allocated pages must equal the model's
 * (areas' pages plus held pages).  At the end everything is freed: the
 * pool must be whole and every metadata allocation returned.
 */
#include "fuzz_common.h"
#include "edumm_vmap.h"

#define FZ_V_BASE	0x40000000UL
#define FZ_V_PAGE	(1UL << EDUMM_PAGE_SHIFT)
#define FZ_V_MAX_AREAS	64
#define FZ_V_MAX_HELD	2048

enum {
	FZ_V_ALLOC, FZ_V_FREE, FZ_V_FIND, FZ_V_HOLD, FZ_V_RELEASE, FZ_V_SHOW,
	FZ_V_FAULT, FZ_V_DRAIN, FZ_V_NR_OPS,
};

/*
 * Three zones on two nodes, 2048 pages: small, so that the full checker
 * after every operation stays cheap, and areas span nodes (N0=, N1=).
 */
static const struct edumm_chunk_desc fz_v_layout[] = {
	{ 0x10000, 9, 0, EDUMM_ZONE_DMA32 }, { 0x10200, 9, 0, EDUMM_ZONE_DMA32 },
	{ 0x80000, 9, 0, EDUMM_ZONE_NORMAL }, { 0x90000, 9, 1, EDUMM_ZONE_NORMAL },
};

static struct {
	struct edumm_pool pool;
	struct edumm_vmap_tree tree;
	struct edumm_vmap_area *va[FZ_V_MAX_AREAS];
	unsigned int nva;
	unsigned long area_pages;
	unsigned long held[FZ_V_MAX_HELD];
	unsigned int nheld;
} fv;

static struct edumm_vmap_area *model_find(unsigned long addr)
{
	unsigned int i;

	for (i = 0; i < fv.nva; i++)
		if (addr >= fv.va[i]->va_start && addr < fv.va[i]->va_end)
			return fv.va[i];
	return NULL;
}

static bool model_overlaps(unsigned long start, unsigned long end)
{
	unsigned int i;

	for (i = 0; i < fv.nva; i++)
		if (start < fv.va[i]->va_end && fv.va[i]->va_start < end)
			return true;
	return false;
}

static void check_all(const char *when)
{
	struct edumm_pool_snapshot s;

	if (edumm_vmap_check(&fv.tree, &fz_stderr_out))
		FZ_FAIL("vmap check %s", when);
	fz_check_pool(&fv.pool, when);
	edumm_pool_snapshot(&fv.pool, &s);
	FZ_ASSERT_EQ(s.allocated_pages, fv.area_pages + fv.nheld);
	FZ_ASSERT_EQ(fv.tree.nr_areas, fv.nva);
	FZ_ASSERT_EQ(fv.tree.nr_pages, fv.area_pages);
}

static void op_alloc(struct fz_in *in)
{
	unsigned long nr = 1 + fz_u8(in) % 48;
	unsigned long start = FZ_V_BASE + fz_u8(in) * FZ_V_PAGE;
	unsigned long end = start + (nr + EDUMM_VMAP_GUARD_PAGES) * FZ_V_PAGE;
	struct edumm_vmap_area *va;
	struct edumm_pool_snapshot s;
	int ret;

	FZ_TRACE("alloc %lu pages at slot %#lx\n", nr, start);
	if (fv.nva == FZ_V_MAX_AREAS)
		return;
	va = edumm_vmap_area_alloc(&fv.tree, nr);
	if (!va) {
		FZ_ASSERT(fv.pool.fail.probability);	/* only injected */
		return;
	}
	ret = edumm_vmap_populate(&fv.tree, va, EDUMM_MT_UNMOVABLE, EDUMM_AF_NO_WMARK);
	if (ret) {
		FZ_ASSERT_EQ(ret, -ENOMEM);
		edumm_drain_all_pages(&fv.pool);
		edumm_pool_snapshot(&fv.pool, &s);
		/* short of pages, or an injected failure */
		FZ_ASSERT(s.free_pages < nr || fv.pool.fail.probability);
		edumm_vmap_area_free(va);
		return;
	}
	ret = edumm_vmap_insert(&fv.tree, va, start);
	if (model_overlaps(start, end)) {
		FZ_ASSERT_EQ(ret, -EEXIST);
		edumm_vmap_depopulate(&fv.tree, va);
		edumm_vmap_area_free(va);
		return;
	}
	FZ_ASSERT_EQ(ret, 0);
	FZ_ASSERT_EQ(va->va_end, end);
	fv.va[fv.nva++] = va;
	fv.area_pages += nr;
}

static void op_free(struct fz_in *in)
{
	unsigned int i = fz_u8(in);
	struct edumm_vmap_area *va;

	if (!fv.nva)
		return;
	i %= fv.nva;
	va = fv.va[i];
	FZ_TRACE("free area %u (%lu pages)\n", i, va->nr_pages);
	FZ_ASSERT_EQ(edumm_vmap_remove(&fv.tree, va), 0);
	fv.area_pages -= va->nr_pages;
	edumm_vmap_depopulate(&fv.tree, va);
	edumm_vmap_area_free(va);
	fv.va[i] = fv.va[--fv.nva];
}

static void op_find(struct fz_in *in)
{
	unsigned long k = fz_u8(in);
	unsigned long addr, pfn = 0, idx;
	struct edumm_vmap_area *want, *got;
	bool found;

	k |= (unsigned long)fz_u8(in) << 8;
	addr = FZ_V_BASE - FZ_V_PAGE + k * 64;
	want = model_find(addr);
	edumm_lock(&fv.tree.lock);
	got = __edumm_vmap_find(&fv.tree, addr);
	edumm_unlock(&fv.tree.lock);
	FZ_TRACE("find %#lx: %s\n", addr, got ? "an area" : "none");
	FZ_ASSERT(got == want);
	found = edumm_vmap_addr_to_pfn(&fv.tree, addr, &pfn);
	idx = want ? (addr - want->va_start) / FZ_V_PAGE : 0;
	FZ_ASSERT_EQ(found, want && idx < want->nr_pages);
	if (found)
		FZ_ASSERT_EQ(pfn, want->pfns[idx]);
}

static void op_hold(struct fz_in *in)
{
	unsigned int n = 1 + fz_u8(in) % 128;
	struct edumm_page *page;

	while (n-- && fv.nheld < FZ_V_MAX_HELD) {
		page = edumm_alloc_pages(&fv.pool, 0, EDUMM_MT_UNMOVABLE, EDUMM_AF_NO_WMARK);
		if (!page)
			break;
		fv.held[fv.nheld++] = edumm_page_to_pfn(&fv.pool, page);
	}
}

static void op_release(struct fz_in *in)
{
	unsigned int n = 1 + fz_u8(in) % 128, i;

	for (i = 0; i < fv.nheld && n; ) {
		if (fv.held[i] & 1) {
			i++;
			continue;
		}
		FZ_ASSERT_EQ(edumm_free_pages(&fv.pool, fv.held[i], 0), 0);
		fv.held[i] = fv.held[--fv.nheld];
		n--;
	}
	if (n && fv.nheld) {
		FZ_ASSERT_EQ(edumm_free_pages(&fv.pool, fv.held[fv.nheld - 1], 0), 0);
		fv.nheld--;
	}
}

static void op_show(void)
{
	struct fz_sink sink;

	fz_sink_init(&sink);
	edumm_show_vmallocinfo(&fv.tree, &sink.out);
	FZ_ASSERT_EQ(sink.lines, fv.nva);
}

static void op_fault(struct fz_in *in)
{
	char spec[64];
	unsigned int p = fz_u8(in) % 101;
	int t = fz_u8(in) % 4 - 1;

	edumm_fault_attr_init(&fv.pool.fail);
	snprintf(spec, sizeof(spec), "1,%u,0,%d", p, t);
	FZ_ASSERT_EQ(edumm_fault_attr_parse(&fv.pool.fail, spec), 0);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fz_in in = { data, size };
	struct edumm_pool_snapshot s;
	int ret;

	if (size < 1)
		return -1;
	fz_reset_shim(1 + (fz_u8(&in) & 3));
	memset(&fv, 0, sizeof(fv));
	ret = edumm_pool_init(&fv.pool, fz_v_layout, ARRAY_SIZE(fz_v_layout));
	if (ret)
		FZ_FAIL("edumm_pool_init() = %d", ret);
	edumm_vmap_tree_init(&fv.tree, &fv.pool);

	while (in.n) {
		u8 op = fz_u8(&in) % FZ_V_NR_OPS;

		edumm_shim_cpu = fz_u8(&in) % fv.pool.nr_cpus;
		switch (op) {
		case FZ_V_ALLOC:
			op_alloc(&in);
			break;
		case FZ_V_FREE:
			op_free(&in);
			break;
		case FZ_V_FIND:
			op_find(&in);
			break;
		case FZ_V_HOLD:
			op_hold(&in);
			break;
		case FZ_V_RELEASE:
			op_release(&in);
			break;
		case FZ_V_SHOW:
			op_show();
			break;
		case FZ_V_FAULT:
			op_fault(&in);
			break;
		default:
			edumm_drain_all_pages(&fv.pool);
			break;
		}
		check_all("after an operation");
	}

	edumm_fault_attr_init(&fv.pool.fail);
	while (fv.nva) {
		struct fz_in none = { NULL, 0 };

		op_free(&none);
	}
	while (fv.nheld)
		FZ_ASSERT_EQ(edumm_free_pages(&fv.pool, fv.held[--fv.nheld], 0), 0);
	edumm_shim_cpu = 0;
	edumm_drain_all_pages(&fv.pool);
	check_all("at the end");
	edumm_pool_snapshot(&fv.pool, &s);
	FZ_ASSERT_EQ(s.free_pages, s.pool_pages);
	FZ_ASSERT_EQ(edumm_pool_destroy(&fv.pool), 0);
	FZ_ASSERT_EQ(edumm_shim_meta_live, 0);
	return 0;
}
