// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_slab.c - libFuzzer target: an operation script over the slab layer
 * (SLUB, SLAB, SLOB caches and kmalloc) on a small pool; format in
 * fuzz_script.h.
 *
 * The harness keeps a model: the caches it created (design, size, debug
 * flags) and every live object with the pattern it wrote into it.  It
 * aborts if:
 *
 *   - after any operation, edumm_pool_check() (buddy + every cache, the
 *     twin entries, SLOB pages) finds a violation, or a WARN fired;
 *   - an object comes back that overlaps a live one, is not owned by its
 *     cache, or (kmalloc) has a ksize() below the request;
 *   - an object's pattern changed before its free, or a krealloc lost it;
 *   - a valid free / kfree / destroy of an empty cache does not return 0,
 *     or a destroy with live objects does not return -EBUSY;
 *   - a bad free (misaligned, foreign, wrong cache, interior, double free
 *     of a debug cache, red zone overwritten) is not refused with -EINVAL
 *     and exactly one report;
 *   - a write into a freed object of a poisoning cache is not found by
 *     edumm_kmem_cache_validate();
 *   - at the end, with every object freed and every cache destroyed, the
 *     pool does not hold every page free again, or metadata leaked.
 */
#include "fuzz_common.h"
#include "fuzz_script.h"
#include "slab_internal.h"

#define FZ_MAX_CACHES	8
#define FZ_MAX_OBJS	512

static const struct edumm_chunk_desc fz_slab_layouts[2][2] = {
	/* one zone, 8 MiB */
	{ { 0x40000, 10, 0, EDUMM_ZONE_DMA32 }, { 0x40400, 10, 0, EDUMM_ZONE_DMA32 } },
	/* DMA32 below Normal: dma-kmalloc must stay in DMA32 */
	{ { 0x10000, 10, 0, EDUMM_ZONE_DMA32 }, { 0x100000, 10, 0, EDUMM_ZONE_NORMAL } },
};

struct fz_cache {
	struct edumm_kmem_cache *s;
	unsigned int size;
	bool debug, poison, redzone;
};

struct fz_obj {
	void *p;
	size_t size;		/* bytes the pattern covers */
	int cache;		/* slot, or -1 for kmalloc */
	u8 seed;
};

static struct {
	struct edumm_pool pool;
	struct fz_cache c[FZ_MAX_CACHES];
	struct fz_obj o[FZ_MAX_OBJS];
	unsigned int nobj, nop;
	u8 serial;
} fz;

static const unsigned int fz_sizes[16] = {
	1, 8, 16, 24, 40, 64, 96, 100, 128, 192, 256, 500, 1000, 2048, 4096, 9000,
};

static void fz_fill(struct fz_obj *o)
{
	size_t i;

	for (i = 0; i < o->size; i++)
		((u8 *)o->p)[i] = (u8)(o->seed + i * 7);
}

static void fz_verify(struct fz_obj *o, const char *when)
{
	size_t i;

	for (i = 0; i < o->size; i++)
		if (((u8 *)o->p)[i] != (u8)(o->seed + i * 7))
			FZ_FAIL("op %u: object (cache %d, %zu bytes) byte %zu changed %s", fz.nop,
				o->cache, o->size, i, when);
}

static bool fz_overlaps(const void *p, size_t size)
{
	unsigned int i;

	for (i = 0; i < fz.nobj; i++) {
		const char *a = fz.o[i].p, *b = p;

		if (b < a + max_t(size_t, fz.o[i].size, 1) && a < b + max_t(size_t, size, 1))
			return true;
	}
	return false;
}

static void fz_add(void *p, size_t size, int cache)
{
	struct fz_obj *o;

	if (fz_overlaps(p, size))
		FZ_FAIL("op %u: new object overlaps a live one", fz.nop);
	if (fz.nobj == FZ_MAX_OBJS) {
		/* no room in the model: give it back at once */
		if (cache >= 0)
			FZ_ASSERT_EQ(edumm_kmem_cache_free(fz.c[cache].s, p, 1), 0);
		else
			FZ_ASSERT_EQ(edumm_kfree(&fz.pool, p, 1), 0);
		return;
	}
	o = &fz.o[fz.nobj++];
	o->p = p;
	o->size = size;
	o->cache = cache;
	o->seed = fz.serial++;
	fz_fill(o);
}

static void fz_drop(unsigned int i)
{
	fz.o[i] = fz.o[--fz.nobj];
}

static int fz_live_slot(u8 x)
{
	unsigned int i, k = x % FZ_MAX_CACHES;

	for (i = 0; i < FZ_MAX_CACHES; i++, k = (k + 1) % FZ_MAX_CACHES)
		if (fz.c[k].s)
			return k;
	return -1;
}

static unsigned int fz_objs_of(int slot)
{
	unsigned int i, n = 0;

	for (i = 0; i < fz.nobj; i++)
		n += fz.o[i].cache == slot;
	return n;
}

static void fz_cpu(u8 x)
{
	edumm_shim_cpu = x % edumm_shim_nr_cpus;
}

/* Free live object @i the right way. */
static void fz_free_obj(unsigned int i)
{
	struct fz_obj *o = &fz.o[i];

	fz_verify(o, "before its free");
	if (o->cache >= 0)
		FZ_ASSERT_EQ(edumm_kmem_cache_free(fz.c[o->cache].s, o->p, 1), 0);
	else
		FZ_ASSERT_EQ(edumm_kfree(&fz.pool, o->p, 1), 0);
	fz_drop(i);
}

static void fz_expect_refused(int ret, unsigned long reports, const char *what)
{
	if (ret != -EINVAL)
		FZ_FAIL("op %u: %s returned %d, not -EINVAL", fz.nop, what, ret);
	if (edumm_shim_reports != reports + 1)
		FZ_FAIL("op %u: %s: %lu reports, want 1", fz.nop, what,
			edumm_shim_reports - reports);
}

static void fz_op_create(struct fz_in *in)
{
	u8 slot = fz_u8(in) % FZ_MAX_CACHES, d = fz_u8(in), f = fz_u8(in), a = fz_u8(in);
	unsigned int size = fz_sizes[d >> 4], align = a & 8 ? 1U << (a & 7) : 0;
	int design = 1 + (d & 3) % 3, err = 0;
	unsigned int flags = f & EDUMM_SLAB_FLAGS_MASK;
	struct edumm_kmem_cache *s;
	char name[16];

	if (fz.c[slot].s)
		return;
	if (d & 4)
		size += a >> 4;
	snprintf(name, sizeof(name), "fz%u", slot);
	s = edumm_kmem_cache_create(&fz.pool, name, size, align, flags, NULL, design, &err);
	FZ_TRACE("create %s design %d size %u align %u flags %#x: %d\n", name, design, size,
		 align, flags, s ? 0 : err);
	if (!s) {
		/* SLOB takes no debug or RCU flag; otherwise only -ENOMEM */
		if (err == -EINVAL)
			FZ_ASSERT(design == EDUMM_SLAB_DESIGN_SLOB &&
				  (flags & (EDUMM_SLAB_DEBUG_FLAGS | EDUMM_SLAB_TYPESAFE_BY_RCU)));
		else
			FZ_ASSERT_EQ(err, -ENOMEM);
		return;
	}
	FZ_ASSERT(edumm_kmem_cache_object_size(s) >= size);
	fz.c[slot].s = s;
	fz.c[slot].size = size;
	fz.c[slot].debug = flags & EDUMM_SLAB_DEBUG_FLAGS;
	fz.c[slot].poison = s->flags & EDUMM_SLAB_OBJ_POISON;
	fz.c[slot].redzone = flags & EDUMM_SLAB_RED_ZONE;
}

static void fz_op_destroy(struct fz_in *in)
{
	int slot = fz_live_slot(fz_u8(in));
	unsigned long reports = edumm_shim_reports;
	int ret;

	if (slot < 0)
		return;
	ret = edumm_kmem_cache_destroy(fz.c[slot].s);
	FZ_TRACE("destroy fz%d: %d\n", slot, ret);
	if (fz_objs_of(slot)) {
		FZ_ASSERT_EQ(ret, -EBUSY);
		FZ_ASSERT(edumm_shim_reports > reports);
		return;
	}
	FZ_ASSERT_EQ(ret, 0);
	fz.c[slot].s = NULL;
}

static void fz_op_alloc(struct fz_in *in)
{
	int slot = fz_live_slot(fz_u8(in));
	u8 x = fz_u8(in);
	unsigned int n = 1 + (x & 7), i;

	if (slot < 0)
		return;
	fz_cpu(x >> 3);
	for (i = 0; i < n; i++) {
		void *p = edumm_kmem_cache_alloc(fz.c[slot].s, (x & 0x80) ? EDUMM_GFP_ZERO : 0, 1);

		if (!p)
			return;
		if ((x & 0x80) && memchr_inv(p, 0, fz.c[slot].size))
			FZ_FAIL("op %u: __GFP_ZERO object not zeroed", fz.nop);
		FZ_ASSERT(edumm_kmem_cache_owns(fz.c[slot].s, p));
		fz_add(p, fz.c[slot].size, slot);
	}
}

static void fz_op_free(struct fz_in *in)
{
	u8 i = fz_u8(in), x = fz_u8(in), n = 1 + (x & 3);

	fz_cpu(x >> 2);
	while (n-- && fz.nobj)
		fz_free_obj(i % fz.nobj);
}

static void fz_op_bulk(struct fz_in *in)
{
	int slot = fz_live_slot(fz_u8(in));
	u8 x = fz_u8(in);
	size_t n = 1 + (x & 63), i;
	void *p[64];

	if (slot < 0)
		return;
	if (x & 0x40) {
		/* free up to n objects of the cache in one call */
		size_t k = 0;

		for (i = 0; i < fz.nobj && k < n; )
			if (fz.o[i].cache == slot) {
				fz_verify(&fz.o[i], "before a bulk free");
				p[k++] = fz.o[i].p;
				fz_drop(i);
			} else {
				i++;
			}
		edumm_kmem_cache_free_bulk(fz.c[slot].s, k, p, 1);
		return;
	}
	if (!edumm_kmem_cache_alloc_bulk(fz.c[slot].s, 0, n, p, 1))
		return;
	for (i = 0; i < n; i++) {
		FZ_ASSERT(edumm_kmem_cache_owns(fz.c[slot].s, p[i]));
		fz_add(p[i], fz.c[slot].size, slot);
	}
}

static void fz_op_kmalloc(struct fz_in *in)
{
	u16 sz = fz_u16(in);
	u8 g = fz_u8(in);
	size_t size = (sz & 0x8000) ? 8192 + (sz & 0x7fff) * 2 : (sz & 0x1fff) + 1;
	unsigned int gfp = g & EDUMM_GFP_MASK;
	void *p;

	fz_cpu(g >> 4);
	p = edumm_kmalloc(&fz.pool, size, gfp, 1);
	FZ_TRACE("kmalloc %zu gfp %#x: %s\n", size, gfp, p ? "ok" : "NULL");
	if (!p)
		return;
	if ((gfp & EDUMM_GFP_ZERO) && memchr_inv(p, 0, size))
		FZ_FAIL("op %u: kzalloc memory not zeroed", fz.nop);
	FZ_ASSERT(edumm_ksize(&fz.pool, p) >= size);
	if (gfp & EDUMM_GFP_DMA) {
		struct edumm_page *page = edumm_pfn_to_page(&fz.pool, edumm_virt_to_pfn(p));

		FZ_ASSERT_EQ(edumm_page_zone(&fz.pool, page)->type, EDUMM_ZONE_DMA32);
	}
	fz_add(p, size, -1);
}

static void fz_op_krealloc(struct fz_in *in)
{
	u8 i = fz_u8(in);
	u16 sz = fz_u16(in);
	size_t size = (sz & 0x3fff) + 1, keep;
	struct fz_obj *o;
	void *p;

	if (!fz.nobj)
		return;
	o = &fz.o[i % fz.nobj];
	if (o->cache >= 0)
		return;
	fz_verify(o, "before krealloc");
	p = edumm_krealloc(&fz.pool, o->p, size, 0, 1);
	if (!p)
		return;		/* o stays valid */
	keep = min(size, o->size);
	o->size = keep;
	o->p = p;
	fz_verify(o, "after krealloc");
	o->size = size;
	fz_fill(o);
}

/* Frees that must be refused, each with exactly one report. */
static void fz_op_bad_free(struct fz_in *in)
{
	u8 k = fz_u8(in), i = fz_u8(in);
	unsigned long reports = edumm_shim_reports;
	struct fz_obj *o;
	u8 local[16];
	int slot;

	if (!fz.nobj)
		return;
	o = &fz.o[i % fz.nobj];
	slot = fz_live_slot(k >> 3);
	switch (k % 6) {
	case 0:		/* interior pointer */
		if (o->size < 2)
			return;
		if (o->cache >= 0)
			fz_expect_refused(edumm_kmem_cache_free(fz.c[o->cache].s,
								(char *)o->p + 1, 1),
					  reports, "interior free");
		else
			fz_expect_refused(edumm_kfree(&fz.pool, (char *)o->p + 1, 1), reports,
					  "interior kfree");
		break;
	case 1:		/* not edumm's memory */
		if (slot >= 0)
			fz_expect_refused(edumm_kmem_cache_free(fz.c[slot].s, local, 1), reports,
					  "foreign free");
		else
			fz_expect_refused(edumm_kfree(&fz.pool, local, 1), reports,
					  "foreign kfree");
		break;
	case 2:		/* another cache's object */
		if (slot < 0 || slot == o->cache ||
		    (o->cache >= 0 && fz.c[o->cache].s == fz.c[slot].s))
			return;
		fz_expect_refused(edumm_kmem_cache_free(fz.c[slot].s, o->p, 1), reports,
				  "wrong-cache free");
		break;
	case 3:		/* kfree of a kmem_cache object */
		if (o->cache < 0)
			return;
		fz_expect_refused(edumm_kfree(&fz.pool, o->p, 1), reports, "kfree of a cache object");
		break;
	case 4:		/* double free (detected by debug caches and SLOB) */
		if (o->cache < 0 || (!fz.c[o->cache].debug &&
				     fz.c[o->cache].s->design != EDUMM_SLAB_DESIGN_SLOB) ||
		    o->size >= EDUMM_PAGE_SIZE)
			return;
		fz_verify(o, "before a double free");
		FZ_ASSERT_EQ(edumm_kmem_cache_free(fz.c[o->cache].s, o->p, 1), 0);
		reports = edumm_shim_reports;
		fz_expect_refused(edumm_kmem_cache_free(fz.c[o->cache].s, o->p, 1), reports,
				  "double free");
		fz_drop(i % fz.nobj);
		break;
	case 5:		/* red zone overwritten, then freed: quarantined */
		if (o->cache < 0 || !fz.c[o->cache].redzone)
			return;
		fz_verify(o, "before a red zone write");
		((u8 *)o->p)[fz.c[o->cache].s->object_size] ^= 0x55;
		fz_expect_refused(edumm_kmem_cache_free(fz.c[o->cache].s, o->p, 1), reports,
				  "free after a red zone write");
		fz_drop(i % fz.nobj);
		break;
	}
}

/* A write into a freed, poisoned object: validate must see it. */
static void fz_op_uaf(struct fz_in *in)
{
	int slot = fz_live_slot(fz_u8(in));
	u8 off = fz_u8(in);
	struct edumm_kmem_cache *s;
	struct edumm_slab *slab;
	unsigned long errors;
	u8 *p, old;

	if (slot < 0 || !fz.c[slot].poison)
		return;
	s = fz.c[slot].s;
	p = edumm_kmem_cache_alloc(s, 0, 1);
	if (!p)
		return;
	FZ_ASSERT_EQ(edumm_kmem_cache_free(s, p, 1), 0);
	/* SLAB may have given the whole slab back on that free */
	slab = edumm_virt_to_slab(&fz.pool, p);
	if (!slab || slab->kind != EDUMM_SLAB_KIND_SLAB || slab->cache != s)
		return;
	off %= s->object_size;
	old = p[off];
	p[off] ^= 0x24;
	errors = edumm_kmem_cache_validate(s, NULL);
	if (errors != 1)
		FZ_FAIL("op %u: a write into a freed object: validate found %lu errors", fz.nop,
			errors);
	p[off] = old;	/* repair: the run goes on */
}

static void fz_op_misc(struct fz_in *in)
{
	u8 k = fz_u8(in), x = fz_u8(in);
	int slot = fz_live_slot(x);
	struct fz_sink sink;

	fz_sink_init(&sink);
	switch (k % 8) {
	case 0:
		if (slot >= 0)
			edumm_kmem_cache_shrink(fz.c[slot].s);
		break;
	case 1:
		edumm_slab_reap(&fz.pool);
		break;
	case 2:
		edumm_shim_rcu_gp();
		edumm_slab_rcu_reclaim(&fz.pool);
		break;
	case 3:
		edumm_slab_drain_all(&fz.pool);
		break;
	case 4:
		edumm_show_slabinfo(&fz.pool, &sink.out);
		edumm_show_kmalloc(&fz.pool, &sink.out);
		edumm_show_slab_stats(&fz.pool, &sink.out);
		break;
	case 5:
		if (slot >= 0) {
			edumm_show_traces(fz.c[slot].s, x & 1, &sink.out);
			FZ_ASSERT_EQ(edumm_kmem_cache_validate(fz.c[slot].s, &fz_stderr_out), 0);
		}
		break;
	case 6:
		/* fault injection on the buddy: allocations may fail from now */
		edumm_fault_attr_parse(&fz.pool.fail, (x & 1) ? "1,30,0,-1" : "1,0,0,0");
		break;
	case 7:
		/* the n-th metadata allocation fails (obj_state, SLOB maps, caches) */
		edumm_shim_meta_fail_nth = 1 + (x & 7);
		break;
	}
}

static void fz_run_op(struct fz_in *in)
{
	u8 op = fz_u8(in);

	fz.nop++;
	switch (op & 15) {
	case 0:
	case 1:
		fz_op_create(in);
		break;
	case 2:
		fz_op_destroy(in);
		break;
	case 3:
	case 4:
	case 5:
		fz_op_alloc(in);
		break;
	case 6:
	case 7:
		fz_op_free(in);
		break;
	case 8:
		fz_op_bulk(in);
		break;
	case 9:
	case 10:
		fz_op_kmalloc(in);
		break;
	case 11:
		fz_op_krealloc(in);
		break;
	case 12:
		fz_op_bad_free(in);
		break;
	case 13:
		fz_op_uaf(in);
		break;
	default:
		fz_op_misc(in);
		break;
	}
	fz_check_pool(&fz.pool, "after an operation");
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fz_in in = { data, size };
	struct edumm_pool_snapshot snap;
	unsigned int i;
	u8 b0;
	int ret;

	if (size < 1)
		return -1;
	b0 = fz_u8(&in);
	fz_reset_shim(1 + (b0 & 3));
	memset(&fz, 0, sizeof(fz));
	ret = edumm_pool_init(&fz.pool, fz_slab_layouts[(b0 >> 6) & 1], 2);
	if (ret)
		FZ_FAIL("edumm_pool_init() = %d", ret);
	ret = edumm_slab_init(&fz.pool, 1 + ((b0 >> 2) & 3) % 3);
	if (ret)
		FZ_FAIL("edumm_slab_init() = %d", ret);
	fz.pool.slab->nomerge = true;
	fz.pool.slab->freelist_hardened = !(b0 & 0x20);

	while (in.n)
		fz_run_op(&in);

	/* everything back: objects, caches, the slab layer, the pool */
	edumm_fault_attr_parse(&fz.pool.fail, "1,0,0,0");
	edumm_shim_meta_fail_nth = 0;
	edumm_shim_cpu = 0;
	while (fz.nobj)
		fz_free_obj(fz.nobj - 1);
	for (i = 0; i < FZ_MAX_CACHES; i++)
		if (fz.c[i].s)
			FZ_ASSERT_EQ(edumm_kmem_cache_destroy(fz.c[i].s), 0);
	fz_check_pool(&fz.pool, "at the end");
	edumm_slab_exit(&fz.pool);
	edumm_drain_all_pages(&fz.pool);
	edumm_pool_snapshot(&fz.pool, &snap);
	FZ_ASSERT_EQ(snap.free_pages, snap.pool_pages);
	FZ_ASSERT_EQ(edumm_pool_destroy(&fz.pool), 0);
	FZ_ASSERT_EQ(edumm_shim_meta_live, 0);
	if (edumm_shim_warns)
		FZ_FAIL("a WARN fired");
	return 0;
}
