// SPDX-License-Identifier: GPL-2.0
/*
 * kmalloc.c - kmalloc()'s size classes over edumm's caches, as
 * mm/slab_common.c of 6.1 sets them up for SLUB.
 *
 * Classes (index as kmalloc_index()):
 *
 *   index  1   2    3  4   5   6   7    8    9    10   11  12  13
 *   size   96  192  8  16  32  64  128  256  512  1k   2k  4k  8k
 *
 * Sizes up to 192 go through size_index[] ((size - 1) / 8 picks the
 * entry), so that 65..96 lands in kmalloc-96 and 129..192 in kmalloc-192;
 * above, the class is fls(size - 1), the next power of two.  Above 8 KiB
 * (KMALLOC_MAX_CACHE_SIZE = 2 pages) kmalloc_large() takes a block of
 * get_order(size) straight from the buddy and kfree() gives it back.
 *
 * Three class sets (enum edumm_kmalloc_type), as the kernel's:
 *   kmalloc-<n>        UNMOVABLE pages
 *   kmalloc-rcl-<n>    RECLAIMABLE pages (EDUMM_GFP_RECLAIMABLE)
 *   dma-kmalloc-<n>    pages of the lowest zone of the pool (EDUMM_GFP_DMA)
 * All of one design (edumm_slab_init()'s argument); the SLAB design adds
 * SLAB_HWCACHE_ALIGN as ARCH_KMALLOC_FLAGS did in mm/slab.c.
 *
 * kfree()/ksize()/krealloc() find the cache from the page: pointer ->
 * pfn -> edumm_page -> twin struct edumm_slab -> cache (SLOB: the tag at
 * the object's unit).  A pointer in no slab-layer page, in a page the
 * slab layer did not give to kmalloc, or not at an object start is
 * refused with a report: edumm never frees what it did not hand out.
 */
#include "slab_internal.h"

/* 6.1 size_index[]: the class index of sizes 1..192, by (size - 1) / 8 */
static const u8 edumm_size_index[24] = {
	3,	/* 8 */
	4,	/* 16 */
	5,	/* 24 */
	5,	/* 32 */
	6,	/* 40 */
	6,	/* 48 */
	6,	/* 56 */
	6,	/* 64 */
	1,	/* 72 */
	1,	/* 80 */
	1,	/* 88 */
	1,	/* 96 */
	7,	/* 104 */
	7,	/* 112 */
	7,	/* 120 */
	7,	/* 128 */
	2,	/* 136 */
	2,	/* 144 */
	2,	/* 152 */
	2,	/* 160 */
	2,	/* 168 */
	2,	/* 176 */
	2,	/* 184 */
	2	/* 192 */
};

static const char * const edumm_kmalloc_names[EDUMM_KMALLOC_NR_INDEX] = {
	NULL, "96", "192", "8", "16", "32", "64", "128", "256", "512", "1k", "2k", "4k", "8k",
};

static const char * const edumm_kmalloc_prefix[EDUMM_NR_KMALLOC_TYPES] = {
	[EDUMM_KMALLOC_NORMAL]	= "kmalloc-",
	[EDUMM_KMALLOC_RECLAIM]	= "kmalloc-rcl-",
	[EDUMM_KMALLOC_DMA]	= "dma-kmalloc-",
};

/**
 * edumm_kmalloc_size() - bytes per object of a class
 * @index: 1 .. EDUMM_KMALLOC_SHIFT_HIGH
 *
 * Context: any.
 * Return: 96, 192 or 1 << index; 0 for an invalid index.
 */
unsigned int edumm_kmalloc_size(int index)
{
	if (index == 1)
		return 96;
	if (index == 2)
		return 192;
	if (index >= EDUMM_KMALLOC_SHIFT_LOW && index <= EDUMM_KMALLOC_SHIFT_HIGH)
		return 1U << index;
	return 0;
}

/**
 * edumm_kmalloc_index() - the class of a size, as kmalloc_slab() picks it
 * @size: bytes
 *
 * Context: any.
 * Return: 0 for 0 bytes, the index for 1 .. 8192, -1 above.
 */
int edumm_kmalloc_index(size_t size)
{
	if (!size)
		return 0;
	if (size <= 192)
		return edumm_size_index[(size - 1) / 8];
	if (size > EDUMM_KMALLOC_MAX_CACHE_SIZE)
		return -1;
	return fls((unsigned int)size - 1);
}

static int edumm_kmalloc_type(unsigned int gfp)
{
	if (gfp & EDUMM_GFP_DMA)
		return EDUMM_KMALLOC_DMA;
	if (gfp & EDUMM_GFP_RECLAIMABLE)
		return EDUMM_KMALLOC_RECLAIM;
	return EDUMM_KMALLOC_NORMAL;
}

/**
 * edumm_kmalloc_slab() - the cache kmalloc() uses, as kmalloc_slab()
 * @pool: the pool
 * @size: 1 .. 8192
 * @gfp: EDUMM_GFP_* (picks the class set)
 *
 * Context: any.
 * Return: the cache, or NULL for 0 bytes, sizes above 8 KiB, or no slab layer.
 */
struct edumm_kmem_cache *edumm_kmalloc_slab(struct edumm_pool *pool, size_t size,
					    unsigned int gfp)
{
	int index = edumm_kmalloc_index(size);

	if (!pool->slab || index <= 0)
		return NULL;
	return pool->slab->kmalloc_caches[edumm_kmalloc_type(gfp)][index];
}

/**
 * edumm_kmalloc_init() - create the kmalloc caches of every class set
 * @pool: the pool (slab state set up)
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int edumm_kmalloc_init(struct edumm_pool *pool)
{
	struct edumm_slab_state *st = pool->slab;
	static const unsigned int type_flags[EDUMM_NR_KMALLOC_TYPES] = {
		[EDUMM_KMALLOC_NORMAL]	= 0,
		[EDUMM_KMALLOC_RECLAIM]	= EDUMM_SLAB_RECLAIM_ACCOUNT,
		[EDUMM_KMALLOC_DMA]	= EDUMM_SLAB_CACHE_DMA,
	};
	int type, index, err;

	for (type = 0; type < EDUMM_NR_KMALLOC_TYPES; type++) {
		for (index = 1; index <= EDUMM_KMALLOC_SHIFT_HIGH; index++) {
			unsigned int flags = EDUMM_SLAB_KMALLOC | type_flags[type];
			struct edumm_kmem_cache *s;
			char name[EDUMM_SLAB_NAME_LEN];

			if (!edumm_kmalloc_size(index))
				continue;
			if (st->kmalloc_design == EDUMM_SLAB_DESIGN_SLAB)
				flags |= EDUMM_SLAB_HWCACHE_ALIGN;
			snprintf(name, sizeof(name), "%s%s", edumm_kmalloc_prefix[type],
				 edumm_kmalloc_names[index]);
			s = edumm_slab_create_kmalloc(pool, name, edumm_kmalloc_size(index), flags,
						      st->kmalloc_design, &err);
			if (!s)
				return err;
			s->kmalloc_index = index;
			s->kmalloc_type = type;
			st->kmalloc_caches[type][index] = s;
		}
	}
	return 0;
}

static void edumm_large_count(struct edumm_pool *pool, enum edumm_slab_stat_item item,
			      unsigned long delta)
{
	unsigned int cpu = edumm_cpu_get();
	unsigned long *v = &pool->slab->large[cpu].v[item];

	WRITE_ONCE(*v, *v + delta);
	edumm_cpu_put();
}

/* kmalloc_large(): a compound block straight from the buddy. */
static void *edumm_kmalloc_large(struct edumm_pool *pool, size_t size, unsigned int gfp)
{
	unsigned int order = get_order(size);
	struct edumm_slab *slab = edumm_slab_new_large(pool, gfp, order);

	if (!slab) {
		edumm_large_count(pool, EDUMM_SLAB_ALLOC_FAIL, 1);
		return NULL;
	}
	slab->pending = size;
	edumm_large_count(pool, EDUMM_SLAB_KMALLOC_CALLS, 1);
	edumm_large_count(pool, EDUMM_SLAB_KMALLOC_REQUESTED, size);
	edumm_large_count(pool, EDUMM_SLAB_KMALLOC_ALLOCATED, EDUMM_PAGE_SIZE << order);
	if (gfp & EDUMM_GFP_ZERO)
		memset(slab->addr, 0, EDUMM_PAGE_SIZE << order);
	return slab->addr;
}

/**
 * edumm_kmalloc() - allocate @size bytes, as kmalloc()
 * @pool: the pool
 * @size: 1 .. EDUMM_KMALLOC_MAX_SIZE
 * @gfp: EDUMM_GFP_* bits
 * @caller: return address to record
 *
 * Context: process context; may sleep.
 * Return: the memory, or NULL (also for 0 bytes: edumm has no ZERO_SIZE_PTR).
 */
void *edumm_kmalloc(struct edumm_pool *pool, size_t size, unsigned int gfp, unsigned long caller)
{
	struct edumm_kmem_cache *s;
	void *p;

	if (!pool->slab || !size || size > EDUMM_KMALLOC_MAX_SIZE || (gfp & ~EDUMM_GFP_MASK))
		return NULL;
	if (size > EDUMM_KMALLOC_MAX_CACHE_SIZE)
		return edumm_kmalloc_large(pool, size, gfp);
	s = edumm_kmalloc_slab(pool, size, gfp);
	p = edumm_kmem_cache_alloc(s, gfp & (EDUMM_GFP_ZERO | EDUMM_GFP_HIGH), caller);
	if (p) {
		/* the three counters under one pin of the CPU */
		unsigned int cpu = edumm_cpu_get();

		edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_KMALLOC_CALLS, 1);
		edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_KMALLOC_REQUESTED, size);
		edumm_slab_count_cpu(s, cpu, EDUMM_SLAB_KMALLOC_ALLOCATED, s->object_size);
		edumm_cpu_put();
	}
	return p;
}

/**
 * edumm_kzalloc() - kmalloc() of zeroed memory
 * @pool: the pool
 * @size: bytes
 * @gfp: EDUMM_GFP_* bits (EDUMM_GFP_ZERO is added)
 * @caller: return address to record
 *
 * Context: process context; may sleep.
 * Return: the memory, or NULL.
 */
void *edumm_kzalloc(struct edumm_pool *pool, size_t size, unsigned int gfp, unsigned long caller)
{
	return edumm_kmalloc(pool, size, gfp | EDUMM_GFP_ZERO, caller);
}

/*
 * The kmalloc cache (or NULL for a large block) of @p, in *@cache; false
 * (reported) when @p is not a kmalloc object start.
 */
static bool edumm_kmalloc_lookup(struct edumm_pool *pool, const void *p, const char *who,
				 struct edumm_kmem_cache **cache, struct edumm_slab **slabp)
{
	struct edumm_slab *slab = edumm_virt_to_slab(pool, p);
	struct edumm_kmem_cache *s = NULL;

	*cache = NULL;
	*slabp = slab;
	if (!slab)
		goto bad;
	switch (slab->kind) {
	case EDUMM_SLAB_KIND_LARGE:
		if (slab->addr != p)
			goto bad;
		s = slab->cache;	/* a SLOB object of a page or more */
		if (!s)
			return true;
		break;
	case EDUMM_SLAB_KIND_SLAB:
		s = slab->cache;
		break;
	case EDUMM_SLAB_KIND_SLOB:
		s = edumm_slob_cache_of(pool, slab, p);
		break;
	}
	if (!s || !(s->flags & EDUMM_SLAB_KMALLOC))
		goto bad;
	/*
	 * A SLUB/SLAB slab of a non-debug cache: edumm_kmem_cache_owns() is
	 * the slot check alone, made here on the slab already found.
	 */
	if (slab->kind == EDUMM_SLAB_KIND_SLAB && !slab->obj_state) {
		if (edumm_slab_obj_index(s, slab, p) < 0)
			goto bad;
	} else if (!edumm_kmem_cache_owns(s, p)) {
		goto bad;
	}
	*cache = s;
	return true;
bad:
	edumm_large_count(pool, EDUMM_SLAB_DEBUG_ERROR, 1);
	edumm_report("BUG %s: pointer not from edumm's kmalloc (pfn %#lx offset %#lx)\n", who,
		     edumm_virt_to_pfn(p), (unsigned long)((uintptr_t)p & (EDUMM_PAGE_SIZE - 1)));
	return false;
}

/**
 * edumm_kfree() - free kmalloc()ed memory, as kfree()
 * @pool: the pool
 * @p: from edumm_kmalloc() and friends, or NULL (nothing happens)
 * @caller: return address to record
 *
 * Context: process context.
 * Return: 0, or -EINVAL when @p is not a live kmalloc object (reported).
 */
int edumm_kfree(struct edumm_pool *pool, const void *p, unsigned long caller)
{
	struct edumm_kmem_cache *s;
	struct edumm_slab *slab;

	if (!p)
		return 0;
	if (!pool->slab || !edumm_kmalloc_lookup(pool, p, "kfree", &s, &slab))
		return -EINVAL;
	if (!s) {
		edumm_large_count(pool, EDUMM_SLAB_SLAB_FREE, 1);
		edumm_slab_free_large(pool, slab);
		return 0;
	}
	/* @slab is what edumm_kmem_cache_free() would look up again */
	return edumm_kmem_cache_free_checked(s, slab, (void *)p, caller);
}

/**
 * edumm_ksize() - usable bytes of a kmalloc object, as ksize()
 * @pool: the pool
 * @p: a kmalloc object
 *
 * Context: any.
 * Return: the bytes usable (the class size, or object_size for debug
 * caches; a large block's pages), 0 when @p is not a kmalloc object.
 */
size_t edumm_ksize(struct edumm_pool *pool, const void *p)
{
	struct edumm_kmem_cache *s;
	struct edumm_slab *slab;

	if (!p || !pool->slab || !edumm_kmalloc_lookup(pool, p, "ksize", &s, &slab))
		return 0;
	if (!s)
		return EDUMM_PAGE_SIZE << slab->order;
	/* slab_ksize() */
	if (s->design != EDUMM_SLAB_DESIGN_SLUB)
		return s->design == EDUMM_SLAB_DESIGN_SLOB ? s->size : s->object_size;
	if (s->flags & (EDUMM_SLAB_RED_ZONE | EDUMM_SLAB_POISON))
		return s->object_size;
	if (s->flags & (EDUMM_SLAB_TYPESAFE_BY_RCU | EDUMM_SLAB_STORE_USER))
		return s->inuse;
	return s->size;
}

/**
 * edumm_krealloc() - resize kmalloc()ed memory, as krealloc()
 * @pool: the pool
 * @p: the memory, or NULL (then it is kmalloc())
 * @new_size: bytes wanted; 0 frees @p and returns NULL
 * @gfp: EDUMM_GFP_* bits
 * @caller: return address to record
 *
 * In place when ksize(@p) >= @new_size (the class fits); otherwise new
 * memory, ksize(@p) bytes copied, @p freed.  @p stays valid on failure.
 *
 * Context: process context; may sleep.
 * Return: the memory, or NULL (failure, @new_size 0, or @p not ours).
 */
void *edumm_krealloc(struct edumm_pool *pool, const void *p, size_t new_size, unsigned int gfp,
		     unsigned long caller)
{
	size_t ks;
	void *ret;

	if (!p)
		return edumm_kmalloc(pool, new_size, gfp, caller);
	if (!new_size) {
		edumm_kfree(pool, p, caller);
		return NULL;
	}
	ks = edumm_ksize(pool, p);
	if (!ks)
		return NULL;
	if (ks >= new_size)
		return (void *)p;
	ret = edumm_kmalloc(pool, new_size, gfp, caller);
	if (ret) {
		memcpy(ret, p, ks);
		edumm_kfree(pool, p, caller);
	}
	return ret;
}

/**
 * edumm_show_kmalloc() - one row per kmalloc class
 * @pool: the pool
 * @out: where the text goes
 *
 * Columns: class name, object size, kmalloc calls, bytes requested,
 * bytes allocated (calls * class size), waste (allocated - requested,
 * internal fragmentation), objects live in the cache; then a
 * "kmalloc-large" row for the buddy blocks (objects = blocks live).
 *
 * Context: process context; takes slab_mutex briefly per cache read.
 */
void edumm_show_kmalloc(struct edumm_pool *pool, struct edumm_out *out)
{
	struct edumm_slab_state *st = pool->slab;
	unsigned long large[NR_EDUMM_SLAB_STATS] = { 0 };
	unsigned long calls = 0, requested = 0, allocated = 0, objects = 0;
	int type, index;
	unsigned int cpu, i;

	edumm_printf(out, "# %-17s %6s %10s %12s %12s %12s %8s\n", "class", "size", "calls",
		     "requested", "allocated", "waste", "objects");
	if (!st)
		return;
	for (type = 0; type < EDUMM_NR_KMALLOC_TYPES; type++)
		for (index = 1; index <= EDUMM_KMALLOC_SHIFT_HIGH; index++) {
			struct edumm_kmem_cache *s = st->kmalloc_caches[type][index];
			struct edumm_cache_info info;

			if (!s)
				continue;
			edumm_kmem_cache_info(s, &info);
			edumm_printf(out, "%-19s %6u %10lu %12lu %12lu %12lu %8lu\n", info.name,
				     info.object_size, info.stat[EDUMM_SLAB_KMALLOC_CALLS],
				     info.stat[EDUMM_SLAB_KMALLOC_REQUESTED],
				     info.stat[EDUMM_SLAB_KMALLOC_ALLOCATED],
				     info.stat[EDUMM_SLAB_KMALLOC_ALLOCATED] -
				     info.stat[EDUMM_SLAB_KMALLOC_REQUESTED],
				     info.active_objs);
			calls += info.stat[EDUMM_SLAB_KMALLOC_CALLS];
			requested += info.stat[EDUMM_SLAB_KMALLOC_REQUESTED];
			allocated += info.stat[EDUMM_SLAB_KMALLOC_ALLOCATED];
			objects += info.active_objs;
		}
	for (cpu = 0; cpu < pool->nr_cpus; cpu++)
		for (i = 0; i < NR_EDUMM_SLAB_STATS; i++)
			large[i] += READ_ONCE(st->large[cpu].v[i]);
	edumm_printf(out, "%-19s %6s %10lu %12lu %12lu %12lu %8lu\n", "kmalloc-large", "-",
		     large[EDUMM_SLAB_KMALLOC_CALLS], large[EDUMM_SLAB_KMALLOC_REQUESTED],
		     large[EDUMM_SLAB_KMALLOC_ALLOCATED],
		     large[EDUMM_SLAB_KMALLOC_ALLOCATED] - large[EDUMM_SLAB_KMALLOC_REQUESTED],
		     large[EDUMM_SLAB_KMALLOC_CALLS] - large[EDUMM_SLAB_SLAB_FREE]);
	calls += large[EDUMM_SLAB_KMALLOC_CALLS];
	requested += large[EDUMM_SLAB_KMALLOC_REQUESTED];
	allocated += large[EDUMM_SLAB_KMALLOC_ALLOCATED];
	objects += large[EDUMM_SLAB_KMALLOC_CALLS] - large[EDUMM_SLAB_SLAB_FREE];
	/* the classes and the buddy row together */
	edumm_printf(out, "%-19s %6s %10lu %12lu %12lu %12lu %8lu\n", "total", "-", calls,
		     requested, allocated, allocated - requested, objects);
}
