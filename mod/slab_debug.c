// SPDX-License-Identifier: GPL-2.0
/*
 * slab_debug.c - SLUB-style object debugging for the SLUB and SLAB designs
 * of edumm: poison, red zones, alloc/free tracking and consistency checks,
 * as mm/slub.c does with slub_debug=FZPU.
 *
 * Object layout of a debug cache (edumm_slab_debug_layout()), a free
 * object of a cache with SLAB_POISON | SLAB_RED_ZONE | SLAB_STORE_USER and
 * object_size 24, align 8 (SLUB: slot size 128):
 *
 *   slot                 obj (returned to users)
 *   |  left red zone     |  object (24)                  | right RZ | free  |
 *   |  bb bb .. bb (8)   |  6b 6b ... 6b a5              | bb (8)   | ptr(8)|
 *   +--------------------+-------------------------------+----------+-------+
 *   | alloc track (32) | free track (32) | pad word | 5a 5a ... to slot end |
 *
 *   allocated: red zones hold 0xcc instead of 0xbb; the object holds what
 *   the user wrote (no poison); tracks record caller, pid, cpu, jiffies.
 *
 * Each object of a debug slab also has a state word (slab->obj_state[i]:
 * FREE, ALLOCATED or QUARANTINED), so that of two racing frees of one
 * object exactly one passes.  The hooks
 * run under the node's list_lock of the object's slab, as SLUB's
 * free_debug_processing() runs under slab_lock: a checker that stops the
 * machine (edumm_kmem_cache_validate()) never sees an object half
 * poisoned.
 *
 * Detected (each gives ONE report "BUG <cache>: <what>" at KERN_ERR,
 * rate-limited, a count in stat debug_errors, and never touches another
 * object):
 *   free of a pointer outside the cache / misaligned  (slab_common.c)
 *   double free ("Object already free")
 *   red zone overwritten (on free, on alloc, on validate)
 *   poison overwritten: a write into a free object (on alloc, validate)
 *   padding overwritten (validate, alloc)
 * An object found damaged is quarantined: its state becomes QUARANTINED,
 * it never goes back to a freelist, and its slab keeps it counted until
 * the slab is freed with the cache (shrink leaves such slabs alone).
 */
#include "slab_internal.h"

/**
 * edumm_slab_track() - an object's alloc or free track
 * @s: a SLAB_STORE_USER cache
 * @obj: the object
 * @free: the free track instead of the alloc track
 *
 * Context: any.
 * Return: the track inside the slot.
 */
struct edumm_track *edumm_slab_track(struct edumm_kmem_cache *s, void *obj, bool free)
{
	struct edumm_track *t = (struct edumm_track *)((char *)obj + s->track_offset);

	return t + free;
}

static void edumm_set_track(struct edumm_kmem_cache *s, void *obj, bool free,
			    unsigned long caller)
{
	struct edumm_track *t;
	unsigned int cpu;

	if (!(s->flags & EDUMM_SLAB_STORE_USER))
		return;
	t = edumm_slab_track(s, obj, free);
	cpu = edumm_cpu_get();
	edumm_cpu_put();
	t->addr = caller;
	t->handle = 0;
	t->cpu = cpu;
	t->pid = edumm_current_pid();
	t->when = edumm_jiffies();
}

/* End of the metadata after the object: where the padding starts. */
static unsigned int edumm_info_end(const struct edumm_kmem_cache *s)
{
	unsigned int end = s->track_offset;

	if (s->flags & EDUMM_SLAB_STORE_USER) {
		end += 2 * sizeof(struct edumm_track);
		if (s->flags & EDUMM_SLAB_KMALLOC)
			end += sizeof(unsigned int);
	}
	return end;
}

static void edumm_set_red_zones(struct edumm_kmem_cache *s, void *obj, u8 val)
{
	if (!(s->flags & EDUMM_SLAB_RED_ZONE))
		return;
	memset((char *)obj - s->red_left_pad, val, s->red_left_pad);
	memset((char *)obj + s->object_size, val, s->inuse - s->object_size);
}

/**
 * edumm_slab_debug_init_object() - set up a new free object of a debug cache
 * @s: the cache
 * @obj: the object, in a slab no one else sees yet
 *
 * Inactive red zones, poison (0x6b... 0xa5), zeroed tracks, padding 0x5a.
 *
 * Context: any.
 */
void edumm_slab_debug_init_object(struct edumm_kmem_cache *s, void *obj)
{
	unsigned int end = edumm_info_end(s), slot_end = s->size - s->red_left_pad;

	if (s->flags & EDUMM_SLAB_POISON)
		memset((char *)obj + end, EDUMM_POISON_INUSE, slot_end - end);
	if (s->flags & EDUMM_SLAB_STORE_USER)
		memset((char *)obj + s->track_offset, 0, 2 * sizeof(struct edumm_track));
	edumm_set_red_zones(s, obj, EDUMM_RED_INACTIVE);
	if (s->flags & EDUMM_SLAB_OBJ_POISON) {
		memset(obj, EDUMM_POISON_FREE, s->object_size - 1);
		((u8 *)obj)[s->object_size - 1] = EDUMM_POISON_END;
	}
}

static void edumm_poison_free(struct edumm_kmem_cache *s, void *obj)
{
	edumm_set_red_zones(s, obj, EDUMM_RED_INACTIVE);
	if (s->flags & EDUMM_SLAB_OBJ_POISON) {
		memset(obj, EDUMM_POISON_FREE, s->object_size - 1);
		((u8 *)obj)[s->object_size - 1] = EDUMM_POISON_END;
	}
}

/**
 * edumm_slab_report() - one error report, as SLUB's slab_bug()
 * @s: the cache
 * @obj: the object concerned (never printed as a pointer)
 * @fmt: what is wrong
 *
 * Prints "BUG <cache>: <what> (pfn <pfn> offset <offset>)" at KERN_ERR,
 * rate-limited, and counts it in stat debug_errors.
 *
 * Context: any.
 */
void edumm_slab_report(struct edumm_kmem_cache *s, const void *obj, const char *fmt, ...)
{
	unsigned long pfn = edumm_virt_to_pfn(obj);
	char what[96];
	va_list args;

	va_start(args, fmt);
	vsnprintf(what, sizeof(what), fmt, args);
	va_end(args);
	edumm_slab_count(s, EDUMM_SLAB_DEBUG_ERROR, 1);
	edumm_report("BUG %s: %s (pfn %#lx offset %#lx)\n", s->name, what,
		     pfn, (unsigned long)((uintptr_t)obj & (EDUMM_PAGE_SIZE - 1)));
}

/* Withdraw an object from use; the node's list_lock held. */
static void edumm_quarantine_locked(struct edumm_kmem_cache *s, struct edumm_slab *slab, int idx)
{
	slab->quarantined++;
	WRITE_ONCE(slab->obj_state[idx], EDUMM_OBJ_QUARANTINED);
	edumm_slab_count(s, EDUMM_SLAB_QUARANTINED, 1);
}

/*
 * First byte of [p, p + len) that is not @val, as a check_bytes() of
 * SLUB; returns its offset from @obj through @where.
 */
static bool edumm_bytes_ok(const void *obj, const void *p, u8 val, size_t len, long *where)
{
	const u8 *bad = memchr_inv(p, val, len);

	if (!bad)
		return true;
	*where = (long)(bad - (const u8 *)obj);
	return false;
}

/* check_object(): the red zones, poison and padding of one object. */
static const char *edumm_check_object(struct edumm_kmem_cache *s, void *obj, u8 red, long *where)
{
	unsigned int end = edumm_info_end(s), slot_end = s->size - s->red_left_pad;

	if (s->flags & EDUMM_SLAB_RED_ZONE) {
		if (!edumm_bytes_ok(obj, (char *)obj - s->red_left_pad, red, s->red_left_pad,
				    where))
			return "Left Redzone overwritten";
		if (!edumm_bytes_ok(obj, (char *)obj + s->object_size, red,
				    s->inuse - s->object_size, where))
			return "Redzone overwritten";
	}
	if (red == EDUMM_RED_INACTIVE && (s->flags & EDUMM_SLAB_OBJ_POISON)) {
		if (!edumm_bytes_ok(obj, obj, EDUMM_POISON_FREE, s->object_size - 1, where) ||
		    !edumm_bytes_ok(obj, (char *)obj + s->object_size - 1, EDUMM_POISON_END, 1,
				    where))
			return "Poison overwritten";
	}
	if ((s->flags & EDUMM_SLAB_POISON) &&
	    !edumm_bytes_ok(obj, (char *)obj + end, EDUMM_POISON_INUSE, slot_end - end, where))
		return "Object padding overwritten";
	return NULL;
}

/**
 * edumm_slab_debug_alloc() - alloc_debug_processing()
 * @s: a debug cache
 * @slab: the object's slab
 * @obj: an object the design just took off a freelist
 * @caller: return address to record
 *
 * Context: no lock of @s held (takes the node's list_lock).
 * Return: true if the object may be handed out; false if it was found
 * damaged (reported and quarantined) and another must be taken.
 */
bool edumm_slab_debug_alloc(struct edumm_kmem_cache *s, struct edumm_slab *slab, void *obj,
			    unsigned long caller)
{
	struct edumm_kmem_cache_node *n = &s->node[slab->node];
	int idx = edumm_slab_obj_index(s, slab, obj);
	const char *bad;
	long where = 0;
	bool ok = false;

	edumm_lock(&n->list_lock);
	if (slab->obj_state[idx] != EDUMM_OBJ_FREE) {
		/* on a freelist but not free: the freelist is corrupt; drop it */
		edumm_slab_report(s, obj, "Freelist holds an object in state %u",
				  slab->obj_state[idx]);
		goto out;
	}
	bad = edumm_check_object(s, obj, EDUMM_RED_INACTIVE, &where);
	if (bad) {
		edumm_slab_report(s, obj, "%s at object offset %ld (on alloc)", bad, where);
		edumm_quarantine_locked(s, slab, idx);
		goto out;
	}
	edumm_set_red_zones(s, obj, EDUMM_RED_ACTIVE);
	edumm_set_track(s, obj, false, caller);
	WRITE_ONCE(slab->obj_state[idx], EDUMM_OBJ_ALLOCATED);
	ok = true;
out:
	edumm_unlock(&n->list_lock);
	return ok;
}

/**
 * edumm_slab_debug_free() - free_debug_processing()
 * @s: a debug cache
 * @slab: the object's slab
 * @obj: an object slot of @slab (slab_common.c checked that)
 * @caller: return address to record
 *
 * Context: no lock of @s held (takes the node's list_lock).
 * Return: 0 if the design may take the object back, -EINVAL if refused
 * (reported; a damaged object is quarantined).
 */
int edumm_slab_debug_free(struct edumm_kmem_cache *s, struct edumm_slab *slab, void *obj,
			  unsigned long caller)
{
	struct edumm_kmem_cache_node *n = &s->node[slab->node];
	int idx = edumm_slab_obj_index(s, slab, obj);
	const char *bad;
	long where = 0;
	int ret = -EINVAL;

	edumm_lock(&n->list_lock);
	if (slab->obj_state[idx] != EDUMM_OBJ_ALLOCATED) {
		u8 state = slab->obj_state[idx];

		edumm_slab_report(s, obj, "%s", state == EDUMM_OBJ_FREE ? "Object already free" :
				  "Object was quarantined");
		goto out;
	}
	bad = edumm_check_object(s, obj, EDUMM_RED_ACTIVE, &where);
	if (bad) {
		edumm_slab_report(s, obj, "%s at object offset %ld (on free)", bad, where);
		edumm_quarantine_locked(s, slab, idx);
		goto out;
	}
	edumm_set_track(s, obj, true, caller);
	edumm_poison_free(s, obj);
	WRITE_ONCE(slab->obj_state[idx], EDUMM_OBJ_FREE);
	ret = 0;
out:
	edumm_unlock(&n->list_lock);
	return ret;
}

/**
 * edumm_slab_debug_check_slab() - validate every object of a debug slab
 * @s: the cache
 * @slab: one of its slabs
 * @out: one line per error
 *
 * Free objects must have inactive red zones, intact poison and padding;
 * allocated ones active red zones.  Quarantined and busy ones are skipped.
 *
 * Context: the world stopped (edumm_stop_machine()).
 * Return: errors found.
 */
unsigned long edumm_slab_debug_check_slab(struct edumm_kmem_cache *s, struct edumm_slab *slab,
					  struct edumm_out *out)
{
	unsigned long errors = 0;
	unsigned int i, quarantined = 0;

	if (!slab->obj_state)
		return 0;
	for (i = 0; i < slab->objects; i++) {
		void *obj = edumm_slab_obj(s, slab, i);
		u8 state = slab->obj_state[i];
		const char *bad = NULL;
		long where = 0;

		if (state == EDUMM_OBJ_FREE)
			bad = edumm_check_object(s, obj, EDUMM_RED_INACTIVE, &where);
		else if (state == EDUMM_OBJ_ALLOCATED)
			bad = edumm_check_object(s, obj, EDUMM_RED_ACTIVE, &where);
		else if (state == EDUMM_OBJ_QUARANTINED)
			quarantined++;
		if (bad)
			edumm_slab_violation(&errors, out,
					     "%s: slab pfn %#lx object %u: %s at offset %ld\n",
					     s->name, edumm_slab_pfn(s->pool, slab), i, bad, where);
	}
	if (quarantined != slab->quarantined)
		edumm_slab_violation(&errors, out,
				     "%s: slab pfn %#lx: %u objects quarantined, counted %u\n",
				     s->name, edumm_slab_pfn(s->pool, slab), quarantined,
				     slab->quarantined);
	return errors;
}

/*** alloc_traces / free_traces ***/

#define EDUMM_MAX_TRACES	128

struct edumm_location {
	unsigned long addr, count, sum_age, min_age, max_age;
	int min_pid, max_pid;
};

struct edumm_trace_walk {
	struct edumm_kmem_cache *s;
	bool free;
	struct edumm_location *loc;
	unsigned int nr;
	unsigned long now;
};

static void edumm_add_location(struct edumm_trace_walk *tw, struct edumm_track *t)
{
	unsigned long age = tw->now - t->when;
	struct edumm_location *l;
	unsigned int i;

	for (i = 0; i < tw->nr; i++)
		if (tw->loc[i].addr == t->addr)
			break;
	if (i == tw->nr) {
		if (tw->nr == EDUMM_MAX_TRACES)
			return;
		l = &tw->loc[tw->nr++];
		l->addr = t->addr;
		l->min_age = age;
		l->max_age = age;
		l->min_pid = t->pid;
		l->max_pid = t->pid;
	}
	l = &tw->loc[i];
	l->count++;
	l->sum_age += age;
	l->min_age = min(l->min_age, age);
	l->max_age = max(l->max_age, age);
	l->min_pid = min(l->min_pid, t->pid);
	l->max_pid = max(l->max_pid, t->pid);
}

static void edumm_trace_slab(struct edumm_kmem_cache *s, struct edumm_slab *slab, void *data)
{
	struct edumm_trace_walk *tw = data;
	unsigned int j;

	if (!slab->obj_state)
		return;
	for (j = 0; j < slab->objects; j++) {
		u8 state = slab->obj_state[j];
		struct edumm_track *t;

		if (state != (tw->free ? EDUMM_OBJ_FREE : EDUMM_OBJ_ALLOCATED))
			continue;
		t = edumm_slab_track(s, edumm_slab_obj(s, slab, j), tw->free);
		if (t->addr)
			edumm_add_location(tw, t);
	}
}

static int edumm_trace_frozen(void *data)
{
	struct edumm_trace_walk *tw = data;

	edumm_slab_visit(tw->s, edumm_trace_slab, tw);
	return 0;
}

/**
 * edumm_show_traces() - alloc_traces / free_traces of a STORE_USER cache
 * @s: the cache
 * @free: free_traces (free objects by their last free) instead of
 *	alloc_traces (allocated objects by their allocation)
 * @out: where the text goes
 *
 * The format of /sys/kernel/debug/slab/<cache>/alloc_traces:
 * "<count> <caller> age=<min>/<avg>/<max> pid=<min>-<max>" (age in
 * jiffies; a single value when min == max); nothing for other caches.
 *
 * Context: process context; may sleep (stops the machine for the walk).
 */
void edumm_show_traces(struct edumm_kmem_cache *s, bool free, struct edumm_out *out)
{
	struct edumm_trace_walk tw = { .s = s, .free = free, .now = edumm_jiffies() };
	unsigned int i;

	if (!(s->flags & EDUMM_SLAB_STORE_USER))
		return;
	tw.loc = edumm_meta_alloc(EDUMM_MAX_TRACES * sizeof(*tw.loc));
	if (!tw.loc)
		return;
	edumm_mutex_lock(&s->pool->slab->mutex);
	edumm_stop_machine(edumm_trace_frozen, &tw);
	edumm_mutex_unlock(&s->pool->slab->mutex);
	for (i = 0; i < tw.nr; i++) {
		struct edumm_location *l = &tw.loc[i];

		edumm_printf(out, "%7lu %pS", l->count, (void *)l->addr);
		if (l->min_age != l->max_age)
			edumm_printf(out, " age=%lu/%lu/%lu", l->min_age, l->sum_age / l->count,
				     l->max_age);
		else
			edumm_printf(out, " age=%lu", l->min_age);
		if (l->min_pid != l->max_pid)
			edumm_printf(out, " pid=%d-%d\n", l->min_pid, l->max_pid);
		else
			edumm_printf(out, " pid=%d\n", l->min_pid);
	}
	edumm_meta_free(tw.loc);
}
