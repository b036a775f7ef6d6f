/* SPDX-License-Identifier: GPL-2.0 */
/*
 * slab_internal.h - what the slab core files share and the glue never sees:
 * the per-design operations, the object layout helpers, the page <-> slab
 * lookup and the debug hooks.  Like mm/slab.h in the kernel.
 */
#ifndef _EDUMM_SLAB_INTERNAL_H
#define _EDUMM_SLAB_INTERNAL_H

#include "edumm_slab.h"

/* Poison and red zone bytes, as include/linux/poison.h */
#define EDUMM_POISON_INUSE	0x5a	/* padding of a slot (SLUB: POISON_INUSE) */
#define EDUMM_POISON_FREE	0x6b	/* a free object (POISON_FREE) */
#define EDUMM_POISON_END	0xa5	/* last byte of a free object (POISON_END) */
#define EDUMM_RED_INACTIVE	0xbb	/* red zone of a free object (SLUB_RED_INACTIVE) */
#define EDUMM_RED_ACTIVE	0xcc	/* red zone of an allocated object (SLUB_RED_ACTIVE) */

/**
 * struct edumm_slab_ops - one design's half of the cache API
 * @open: compute order/objects and allocate the per-CPU/per-node state
 * @release: free what @open allocated (the cache has no slab left)
 * @alloc: take one free object; obj_state (debug caches) set to BUSY
 * @free: give back one object the common layer has checked; 0, or
 *	-EINVAL when the design itself sees a double free (reported)
 * @shrink: flush per-CPU caches and give empty slabs to the buddy;
 *	returns pages freed
 * @live: objects still allocated (for destroy), reporting each when @report
 * @info: fill the design's part of edumm_cache_info
 * @walk: with the world stopped: check the design's lists, counters and
 *	slabs, return violations
 * @visit: with the world stopped: @fn on every slab the cache has published
 *	(on a list or owned by a CPU); NULL for SLOB
 * @alloc_bulk: non-debug caches only: take up to @nr objects into @p under
 *	one hold of the per-CPU lock (dropped only to grow); returns how many
 *	were taken, fewer than @nr only when memory ran out (the common
 *	layer then frees them); NULL: the common layer loops over @alloc
 * @free_bulk: non-debug caches only: free @nr objects of @p (NULL entries
 *	skipped), each checked with edumm_slab_check_obj(), batched per slab
 *	(SLUB) or per array_cache hold (SLAB); NULL: loop over @free
 */
struct edumm_slab_ops {
	int (*open)(struct edumm_kmem_cache *s);
	void (*release)(struct edumm_kmem_cache *s);
	void *(*alloc)(struct edumm_kmem_cache *s, unsigned int gfp);
	int (*free)(struct edumm_kmem_cache *s, struct edumm_slab *slab, void *obj);
	unsigned long (*shrink)(struct edumm_kmem_cache *s);
	unsigned long (*live)(struct edumm_kmem_cache *s, bool report);
	void (*info)(struct edumm_kmem_cache *s, struct edumm_cache_info *info);
	unsigned long (*walk)(struct edumm_kmem_cache *s, struct edumm_out *out);
	void (*visit)(struct edumm_kmem_cache *s,
		      void (*fn)(struct edumm_kmem_cache *s, struct edumm_slab *slab, void *data),
		      void *data);
	size_t (*alloc_bulk)(struct edumm_kmem_cache *s, unsigned int gfp, size_t nr, void **p);
	void (*free_bulk)(struct edumm_kmem_cache *s, size_t nr, void **p);
};

extern const struct edumm_slab_ops edumm_slub_ops;
extern const struct edumm_slab_ops edumm_slab_ops;
extern const struct edumm_slab_ops edumm_slob_ops;

/*** slab_common.c ***/

void edumm_slab_count(struct edumm_kmem_cache *s, enum edumm_slab_stat_item item,
		      unsigned long delta);
unsigned int edumm_slab_calculate_alignment(unsigned int flags, unsigned int align,
					    unsigned int size);
void edumm_slab_debug_layout(struct edumm_kmem_cache *s, bool freeptr);
struct edumm_slab *edumm_slab_new(struct edumm_kmem_cache *s, unsigned int gfp,
				  unsigned int order, int kind);
void edumm_slab_discard(struct edumm_kmem_cache *s, struct edumm_slab *slab);
struct edumm_slab *edumm_slab_new_large(struct edumm_pool *pool, unsigned int gfp,
					unsigned int order);
void edumm_slab_free_large(struct edumm_pool *pool, struct edumm_slab *slab);
struct edumm_kmem_cache *edumm_slab_create_kmalloc(struct edumm_pool *pool, const char *name,
						   unsigned int size, unsigned int flags,
						   int design, int *err);
struct edumm_slab *edumm_virt_to_slab(struct edumm_pool *pool, const void *p);
struct edumm_slab *edumm_slab_check_obj(struct edumm_kmem_cache *s, const void *obj,
					bool report);
int edumm_kmem_cache_free_checked(struct edumm_kmem_cache *s, struct edumm_slab *slab, void *obj,
				  unsigned long caller);
int edumm_slab_node_index(struct edumm_pool *pool, struct edumm_slab *slab);
__printf(3, 4) void edumm_slab_violation(unsigned long *nr, struct edumm_out *out,
					 const char *fmt, ...);
unsigned long edumm_slab_pfn(struct edumm_pool *pool, struct edumm_slab *slab);
void edumm_slab_visit(struct edumm_kmem_cache *s,
		      void (*fn)(struct edumm_kmem_cache *s, struct edumm_slab *slab, void *data),
		      void *data);

static inline struct edumm_slab_state *edumm_slab_state(struct edumm_kmem_cache *s)
{
	return s->pool->slab;
}

/*
 * Bump a counter of CPU @cpu, which the caller has pinned (edumm_cpu_get(),
 * usually with that CPU's lock of @s held): a plain add, as the kernel's
 * __this_cpu_add() under its local_lock, without edumm_slab_count()'s
 * call and its own edumm_cpu_get()/put().  Only CPU @cpu writes its
 * counters, so the pin is all the add needs.
 */
static inline void edumm_slab_count_cpu(struct edumm_kmem_cache *s, unsigned int cpu,
					enum edumm_slab_stat_item item, unsigned long delta)
{
	unsigned long *v = &s->stats[cpu].v[item];

	WRITE_ONCE(*v, *v + delta);
}

static inline bool edumm_slab_debug(const struct edumm_kmem_cache *s)
{
	return s->flags & EDUMM_SLAB_DEBUG_FLAGS;
}

/* First byte of the slot of object @idx (SLUB, SLAB). */
static inline void *edumm_slab_slot(const struct edumm_kmem_cache *s,
				    const struct edumm_slab *slab, unsigned int idx)
{
	return (char *)slab->addr + slab->colour_off + (size_t)idx * s->size;
}

/* The object of slot @idx: after the left red zone / SLAB's obj_offset. */
static inline void *edumm_slab_obj(const struct edumm_kmem_cache *s,
				   const struct edumm_slab *slab, unsigned int idx)
{
	return (char *)edumm_slab_slot(s, slab, idx) + s->obj_offset;
}

/*
 * Index of @obj in @slab, or -1 if @obj is not the start of an object
 * slot there (misaligned, in the colour area or past the last object).
 */
static inline int edumm_slab_obj_index(const struct edumm_kmem_cache *s,
				       const struct edumm_slab *slab, const void *obj)
{
	long off = (const char *)obj - (const char *)slab->addr - slab->colour_off -
		   (long)s->obj_offset;

	if (off < 0 || off % s->size)
		return -1;
	if (off / s->size >= slab->objects)
		return -1;
	return (int)(off / s->size);
}

/*** slab_debug.c ***/

void edumm_slab_debug_init_object(struct edumm_kmem_cache *s, void *obj);
bool edumm_slab_debug_alloc(struct edumm_kmem_cache *s, struct edumm_slab *slab, void *obj,
			    unsigned long caller);
int edumm_slab_debug_free(struct edumm_kmem_cache *s, struct edumm_slab *slab, void *obj,
			  unsigned long caller);
unsigned long edumm_slab_debug_check_slab(struct edumm_kmem_cache *s, struct edumm_slab *slab,
					  struct edumm_out *out);
__printf(3, 4) void edumm_slab_report(struct edumm_kmem_cache *s, const void *obj,
				      const char *fmt, ...);
struct edumm_track *edumm_slab_track(struct edumm_kmem_cache *s, void *obj, bool free);

/*** slob.c ***/

struct edumm_kmem_cache *edumm_slob_cache_of(struct edumm_pool *pool, struct edumm_slab *sp,
					     const void *obj);
unsigned long edumm_slob_check_pages(struct edumm_pool *pool, struct edumm_out *out);

/*** kmalloc.c ***/

int edumm_kmalloc_init(struct edumm_pool *pool);

#endif /* _EDUMM_SLAB_INTERNAL_H */
