// SPDX-License-Identifier: GPL-2.0
/*
 * The slab part of a client: the caches and objects one open /dev/edumm
 * owns, and the ioctls EDUMM_IOC_CACHE_CREATE .. EDUMM_IOC_CORRUPT.
 *
 * A client names its caches by cache ids and its objects by object
 * handles: two counters starting at 1, never reused while the file is
 * open (as the block handles of client.c).  An object record remembers
 * the object's kernel address, its cache (NULL for a kmalloc object) and
 * the size user space may read and write (the cache's object_size, or the
 * size of the last kmalloc/krealloc).  The address never reaches user
 * space: object bytes are copied through a bounce buffer by
 * EDUMM_IOC_OBJ_READ/_WRITE, after a bounds check against that size.
 *
 * Locking.  One mutex per client, edumm_slab_client.lock, guards both
 * xarrays, the counters, every record, and every call into the slab core
 * on the client's caches and objects: a cache cannot be destroyed while
 * another thread of the client allocates from it, and an object cannot be
 * freed while its bytes are copied.  No user copy runs under it (the
 * bounce buffers and the bulk arrays are filled before and emptied after),
 * so it ranks below mm->mmap_lock like client->lock.  It ranks above
 * edumm_slab_dbg_lock (debugfs_slab.c) and the core's slab_mutex, which
 * the core takes inside create/destroy.
 *
 * Caches of compatible size and flags may be merged by the core
 * (find_mergeable()): then two cache ids, of one client or of two, name
 * one struct edumm_kmem_cache, and only the last destroy really destroys
 * it.  Caches with debug flags are never merged, which is what
 * EDUMM_IOC_CORRUPT relies on: a cache it corrupts is used by this client
 * alone, under this client's lock.
 *
 * Fault injection (debugfs edumm/fail/) covers every allocation of the
 * bookkeeping here: the client's slab state at open(), cache and object
 * records, xarray slots, bounce buffers and bulk arrays; each failure is
 * -ENOMEM with nothing leaked.
 */

#include <linux/build_bug.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <linux/edumm.h>

#include "edumm_glue.h"
#include "edumm_slab.h"

/* The uapi's values are the core's. */
static_assert((int)EDUMM_DESIGN_SLUB == (int)EDUMM_SLAB_DESIGN_SLUB);
static_assert((int)EDUMM_DESIGN_SLAB == (int)EDUMM_SLAB_DESIGN_SLAB);
static_assert((int)EDUMM_DESIGN_SLOB == (int)EDUMM_SLAB_DESIGN_SLOB);
static_assert(EDUMM_CACHE_HWCACHE_ALIGN == EDUMM_SLAB_HWCACHE_ALIGN);
static_assert(EDUMM_CACHE_POISON == EDUMM_SLAB_POISON);
static_assert(EDUMM_CACHE_RED_ZONE == EDUMM_SLAB_RED_ZONE);
static_assert(EDUMM_CACHE_STORE_USER == EDUMM_SLAB_STORE_USER);
static_assert(EDUMM_CACHE_CONSISTENCY_CHECKS == EDUMM_SLAB_CONSISTENCY_CHECKS);
static_assert(EDUMM_CACHE_TYPESAFE_BY_RCU == EDUMM_SLAB_TYPESAFE_BY_RCU);
static_assert(EDUMM_CACHE_RECLAIM_ACCOUNT == EDUMM_SLAB_RECLAIM_ACCOUNT);
static_assert(EDUMM_CACHE_DMA == EDUMM_SLAB_CACHE_DMA);
static_assert((EDUMM_CACHE_FLAGS_MASK & 0xffffU) == EDUMM_SLAB_FLAGS_MASK);
static_assert(EDUMM_CACHE_NAME_MAX + 1 == EDUMM_SLAB_NAME_LEN);
static_assert(EDUMM_BULK_MAX == EDUMM_SLAB_BULK_MAX);
static_assert(EDUMM_CACHE_MAX_SIZE == EDUMM_SLAB_MAX_SIZE);
static_assert(EDUMM_KMALLOC_MAX_BYTES == EDUMM_KMALLOC_MAX_SIZE);

/* The sizes are the ABI (see chardev.c). */
static_assert(sizeof(struct edumm_cache_create) == 80);
static_assert(sizeof(struct edumm_cache_ref) == 8);
static_assert(sizeof(struct edumm_cache_query) == 160);
static_assert(sizeof(struct edumm_cache_shrink) == 16);
static_assert(sizeof(struct edumm_obj_alloc) == 32);
static_assert(sizeof(struct edumm_obj_ref) == 8);
static_assert(sizeof(struct edumm_obj_bulk) == 24);
static_assert(sizeof(struct edumm_kmalloc) == 32);
static_assert(sizeof(struct edumm_krealloc) == 32);
static_assert(sizeof(struct edumm_ksize) == 24);
static_assert(sizeof(struct edumm_obj_rw) == 24);
static_assert(sizeof(struct edumm_corrupt) == 32);

/* Marks a record already named by the array of a bulk free. */
#define EDUMM_OBJ_MARK_SEEN	XA_MARK_1

/**
 * struct edumm_ucache - a cache id of a client
 * @s: the core's cache (shared with others when merged)
 * @name: the name this client created it with (an alias when merged)
 * @flags: the EDUMM_CACHE_* flags it was created with
 * @size: the object size it was created with (a merged cache's
 *	object_size may be larger)
 * @nr_objects: objects of this client in it
 */
struct edumm_ucache {
	struct edumm_kmem_cache *s;
	char name[EDUMM_SLAB_NAME_LEN];
	unsigned int flags;
	unsigned int size;
	unsigned long nr_objects;
};

/**
 * struct edumm_uobj - an object handle of a client
 * @ptr: the object (a kernel address, never shown to user space)
 * @cache: its cache id's record, NULL for a kmalloc object
 * @size: bytes user space may read and write
 */
struct edumm_uobj {
	void *ptr;
	struct edumm_ucache *cache;
	size_t size;
};

/**
 * struct edumm_slab_client - the slab state of one client
 * @lock: guards everything below and every core call on these caches and
 *	objects (see the top of the file)
 * @caches: cache id -> struct edumm_ucache
 * @objects: object handle -> struct edumm_uobj
 * @next_cache: the next cache id; starts at 1, only grows
 * @next_obj: the next object handle; starts at 1, only grows
 */
struct edumm_slab_client {
	struct mutex lock;	/* guards caches, objects, the counters */
	struct xarray caches;
	struct xarray objects;
	unsigned long next_cache;
	unsigned long next_obj;
};

/* edumm's built-in constructor (EDUMM_CACHE_CTOR_PATTERN). */
static void edumm_slab_ctor_pattern(void *obj)
{
	memset(obj, EDUMM_CTOR_BYTE, EDUMM_CTOR_BYTES);
}

/* A kmalloc of glue bookkeeping, under fault injection. */
static void *edumm_slab_meta(size_t size)
{
	if (edumm_should_fail(&edumm_pool.fail, size))
		return NULL;
	return kzalloc(size, GFP_KERNEL_ACCOUNT);
}

/* Same for bounce buffers and arrays, which may be large. */
static void *edumm_slab_buf(size_t size)
{
	if (edumm_should_fail(&edumm_pool.fail, size))
		return NULL;
	return kvzalloc(size, GFP_KERNEL_ACCOUNT);
}

/* xa_insert() under fault injection. */
static int edumm_slab_xa_insert(struct xarray *xa, unsigned long index,
				void *entry)
{
	if (edumm_should_fail(&edumm_pool.fail, sizeof(void *)))
		return -ENOMEM;
	return xa_insert(xa, index, entry, GFP_KERNEL_ACCOUNT);
}

/**
 * edumm_slab_client_create() - the slab state of a newly opened file
 *
 * Context: Process context, may sleep.
 * Return: the state, or NULL if out of memory (or failure injected).
 */
struct edumm_slab_client *edumm_slab_client_create(void)
{
	struct edumm_slab_client *sc = edumm_slab_meta(sizeof(*sc));

	if (!sc)
		return NULL;
	mutex_init(&sc->lock);
	xa_init(&sc->caches);
	xa_init(&sc->objects);
	sc->next_cache = 1;
	sc->next_obj = 1;
	return sc;
}

/* Give an object back to its allocator; the record goes too. */
static int edumm_uobj_release(struct edumm_uobj *o)
{
	int ret;

	if (o->cache) {
		ret = edumm_kmem_cache_free(o->cache->s, o->ptr, _THIS_IP_);
		o->cache->nr_objects--;
	} else {
		ret = edumm_kfree(&edumm_pool, o->ptr, _THIS_IP_);
	}
	kfree(o);
	return ret;
}

/* Destroy @uc's cache (or drop this alias of it); 0 or -EBUSY. */
static int edumm_ucache_destroy(struct edumm_ucache *uc)
{
	int ret;

	edumm_debugfs_slab_put(uc->s, uc->name);
	ret = edumm_kmem_cache_destroy(uc->s);
	if (ret)
		edumm_debugfs_slab_get(uc->s, uc->name);
	return ret;
}

/**
 * edumm_slab_client_destroy() - free every object, then every cache
 * @sc: from edumm_slab_client_create()
 *
 * Called when the file is released: no ioctl runs any more.  A cache
 * whose destruction still fails (objects that were quarantined count as
 * live in the core) is reported and leaked rather than freed in use.
 *
 * Context: Process context, may sleep.
 */
void edumm_slab_client_destroy(struct edumm_slab_client *sc)
{
	struct edumm_ucache *uc;
	struct edumm_uobj *o;
	unsigned long index;

	mutex_lock(&sc->lock);
	xa_for_each(&sc->objects, index, o) {
		xa_erase(&sc->objects, index);
		edumm_uobj_release(o);
		cond_resched();
	}
	xa_for_each(&sc->caches, index, uc) {
		xa_erase(&sc->caches, index);
		if (edumm_ucache_destroy(uc))
			pr_err_ratelimited("cache %s still has objects at close: leaked\n",
					   uc->name);
		kfree(uc);
	}
	mutex_unlock(&sc->lock);

	xa_destroy(&sc->objects);
	xa_destroy(&sc->caches);
	mutex_destroy(&sc->lock);
	kfree(sc);
}

/*** ioctl helpers: all run under sc->lock ***/

static struct edumm_ucache *edumm_ucache_get(struct edumm_slab_client *sc,
					     u64 id)
{
	if (!id || id > ULONG_MAX)
		return NULL;
	return xa_load(&sc->caches, id);
}

static struct edumm_uobj *edumm_uobj_get(struct edumm_slab_client *sc,
					 u64 handle)
{
	if (!handle || handle > ULONG_MAX)
		return NULL;
	return xa_load(&sc->objects, handle);
}

/* Insert @o under the next handle; 0 or -ENOMEM (@o is then not freed). */
static int edumm_uobj_insert(struct edumm_slab_client *sc,
			     struct edumm_uobj *o, u64 *handle)
{
	int ret;

	if (sc->next_obj == ULONG_MAX)
		return -ENOMEM;
	ret = edumm_slab_xa_insert(&sc->objects, sc->next_obj, o);
	if (ret)
		return -ENOMEM;
	*handle = sc->next_obj++;
	if (o->cache)
		o->cache->nr_objects++;
	return 0;
}

/* uapi EDUMM_OBJ_* to the core's EDUMM_GFP_*. */
static unsigned int edumm_slab_gfp(u32 flags)
{
	unsigned int gfp = 0;

	if (flags & EDUMM_OBJ_ZERO)
		gfp |= EDUMM_GFP_ZERO;
	if (flags & EDUMM_OBJ_HIGH)
		gfp |= EDUMM_GFP_HIGH;
	if (flags & EDUMM_OBJ_RECLAIMABLE)
		gfp |= EDUMM_GFP_RECLAIMABLE;
	if (flags & EDUMM_OBJ_DMA)
		gfp |= EDUMM_GFP_DMA;
	return gfp;
}

static bool edumm_kmalloc_flags_ok(u32 flags)
{
	if (flags & ~EDUMM_KMALLOC_FLAGS_MASK)
		return false;
	/* one class set per request, as kmalloc_type() picks one */
	return (flags & (EDUMM_OBJ_RECLAIMABLE | EDUMM_OBJ_DMA)) !=
	       (EDUMM_OBJ_RECLAIMABLE | EDUMM_OBJ_DMA);
}

/* 1 .. EDUMM_CACHE_NAME_MAX of [A-Za-z0-9_.:-], NUL-terminated. */
static bool edumm_cache_name_ok(const char *name, size_t size)
{
	size_t len = strnlen(name, size);
	size_t i;

	if (!len || len == size)
		return false;
	/* ASCII only: the kernel's isalnum() takes Latin-1 letters too */
	for (i = 0; i < len; i++)
		if (!isascii(name[i]) ||
		    (!isalnum(name[i]) && !strchr("_.:-", name[i])))
			return false;
	return true;
}

/*** the ioctls ***/

static long edumm_ioc_cache_create(struct edumm_slab_client *sc,
				   void __user *argp)
{
	struct edumm_cache_create req;
	struct edumm_cache_info info;
	struct edumm_kmem_cache *s;
	struct edumm_ucache *uc;
	unsigned long id = 0;
	int design, ret = 0;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (!edumm_cache_name_ok(req.name, sizeof(req.name)) ||
	    !req.size || req.size > EDUMM_CACHE_MAX_SIZE ||
	    (req.align && (!is_power_of_2(req.align) ||
			   req.align > PAGE_SIZE)) ||
	    req.flags & ~EDUMM_CACHE_FLAGS_MASK ||
	    ((req.flags & EDUMM_CACHE_CTOR_PATTERN) &&
	     req.size < EDUMM_CTOR_BYTES) ||
	    req.design < EDUMM_DESIGN_SLUB || req.design > EDUMM_DESIGN_DEFAULT ||
	    req.reserved)
		return -EINVAL;
	design = req.design == EDUMM_DESIGN_DEFAULT ? edumm_slab_default_design
						    : req.design;

	uc = edumm_slab_meta(sizeof(*uc));
	if (!uc)
		return -ENOMEM;
	strscpy(uc->name, req.name, sizeof(uc->name));
	uc->flags = req.flags;
	uc->size = req.size;

	mutex_lock(&sc->lock);
	s = edumm_kmem_cache_create(&edumm_pool, uc->name, req.size, req.align,
				    req.flags & EDUMM_SLAB_FLAGS_MASK,
				    req.flags & EDUMM_CACHE_CTOR_PATTERN ?
				    edumm_slab_ctor_pattern : NULL,
				    design, &ret);
	if (!s) {
		/*
		 * -E2BIG: the object and its metadata do not fit in the
		 * largest buddy block; for user space a size out of range.
		 */
		ret = ret == -E2BIG ? -EINVAL : ret ?: -ENOMEM;
		goto out_unlock;
	}
	uc->s = s;
	ret = -ENOMEM;
	if (sc->next_cache < ULONG_MAX)
		ret = edumm_slab_xa_insert(&sc->caches, sc->next_cache, uc);
	if (ret) {
		ret = -ENOMEM;
		/* nothing can be in it yet: this cannot fail */
		WARN_ON_ONCE(edumm_kmem_cache_destroy(s));
		goto out_unlock;
	}
	id = sc->next_cache++;
	edumm_debugfs_slab_get(s, uc->name);
	edumm_kmem_cache_info(s, &info);
	mutex_unlock(&sc->lock);

	req.cache = id;
	req.slab_size = info.size;
	req.objs_per_slab = info.objs_per_slab;
	req.order = info.order;
	req.reserved2 = 0;
	if (copy_to_user(argp, &req, sizeof(req))) {
		/* The caller cannot learn the id: take the cache back. */
		mutex_lock(&sc->lock);
		uc = xa_load(&sc->caches, id);
		if (uc && !uc->nr_objects && !edumm_ucache_destroy(uc)) {
			xa_erase(&sc->caches, id);
			kfree(uc);
		}
		mutex_unlock(&sc->lock);
		return -EFAULT;
	}
	return 0;

out_unlock:
	mutex_unlock(&sc->lock);
	kfree(uc);
	return ret;
}

static long edumm_ioc_cache_destroy(struct edumm_slab_client *sc,
				    void __user *argp)
{
	struct edumm_cache_ref req;
	struct edumm_ucache *uc;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;

	mutex_lock(&sc->lock);
	uc = edumm_ucache_get(sc, req.cache);
	if (!uc) {
		ret = -ENOENT;
	} else if (uc->nr_objects) {
		ret = -EBUSY;
		/*
		 * A cache that can never be merged has no other user: the
		 * core lists the objects it finds, then refuses.  A merged
		 * one would only drop this alias, objects and all, so the
		 * refusal is the glue's own there.
		 */
		if (!(uc->s->flags & EDUMM_SLAB_NEVER_MERGE) ||
		    !edumm_kmem_cache_destroy(uc->s))
			pr_err_ratelimited("cache %s: not destroyed, %lu objects remaining\n",
					   uc->name, uc->nr_objects);
	} else {
		ret = edumm_ucache_destroy(uc);
		if (!ret)
			xa_erase(&sc->caches, req.cache);
	}
	mutex_unlock(&sc->lock);
	if (!ret)
		kfree(uc);
	return ret;
}

static long edumm_ioc_cache_info(struct edumm_slab_client *sc,
				 void __user *argp)
{
	struct edumm_cache_query req, out = {};
	struct edumm_cache_info info;
	struct edumm_ucache *uc;
	unsigned long verr = 0;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags & ~EDUMM_CACHE_INFO_VALIDATE || req.reserved)
		return -EINVAL;

	mutex_lock(&sc->lock);
	uc = edumm_ucache_get(sc, req.cache);
	if (!uc) {
		mutex_unlock(&sc->lock);
		return -ENOENT;
	}
	if (req.flags & EDUMM_CACHE_INFO_VALIDATE)
		verr = edumm_kmem_cache_validate(uc->s, NULL);
	edumm_kmem_cache_info(uc->s, &info);
	strscpy(out.name, uc->name, sizeof(out.name));
	out.cache_flags = uc->flags;
	out.object_size = uc->size;
	out.objects = uc->nr_objects;
	mutex_unlock(&sc->lock);

	out.cache = req.cache;
	out.flags = req.flags;
	out.design = info.design;
	out.slab_size = info.size;
	out.align = info.align;
	out.objs_per_slab = info.objs_per_slab;
	out.order = info.order;
	out.active_objs = info.active_objs;
	out.num_objs = info.num_objs;
	out.active_slabs = info.active_slabs;
	out.num_slabs = info.num_slabs;
	out.errors = info.errors;
	out.validate_errors = verr;
	return copy_to_user(argp, &out, sizeof(out)) ? -EFAULT : 0;
}

static long edumm_ioc_cache_shrink(struct edumm_slab_client *sc,
				   void __user *argp)
{
	struct edumm_cache_shrink req;
	struct edumm_ucache *uc;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;

	mutex_lock(&sc->lock);
	uc = edumm_ucache_get(sc, req.cache);
	if (uc)
		req.pages = edumm_kmem_cache_shrink(uc->s);
	mutex_unlock(&sc->lock);
	if (!uc)
		return -ENOENT;
	return copy_to_user(argp, &req, sizeof(req)) ? -EFAULT : 0;
}

/*
 * Free the object @handle names, if it is still the record @o (a failed
 * copy_to_user() of a new handle: another thread may have freed it).
 */
static void edumm_uobj_take_back(struct edumm_slab_client *sc, u64 handle,
				 struct edumm_uobj *o)
{
	mutex_lock(&sc->lock);
	if (xa_cmpxchg(&sc->objects, handle, o, NULL, 0) == o)
		edumm_uobj_release(o);
	mutex_unlock(&sc->lock);
}

static long edumm_ioc_obj_alloc(struct edumm_slab_client *sc,
				void __user *argp)
{
	struct edumm_obj_alloc req;
	struct edumm_ucache *uc;
	struct edumm_uobj *o;
	u64 handle;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags & ~EDUMM_OBJ_FLAGS_MASK || req.reserved)
		return -EINVAL;

	mutex_lock(&sc->lock);
	uc = edumm_ucache_get(sc, req.cache);
	if (!uc) {
		mutex_unlock(&sc->lock);
		return -ENOENT;
	}
	o = edumm_slab_meta(sizeof(*o));
	if (!o) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	o->ptr = edumm_kmem_cache_alloc(uc->s, edumm_slab_gfp(req.flags),
					_THIS_IP_);
	if (!o->ptr) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	o->cache = uc;
	o->size = uc->size;
	ret = edumm_uobj_insert(sc, o, &handle);
	if (ret) {
		edumm_kmem_cache_free(uc->s, o->ptr, _THIS_IP_);
		goto out_unlock;
	}
	mutex_unlock(&sc->lock);

	req.object = handle;
	req.size = o->size;
	if (copy_to_user(argp, &req, sizeof(req))) {
		edumm_uobj_take_back(sc, handle, o);
		return -EFAULT;
	}
	return 0;

out_unlock:
	mutex_unlock(&sc->lock);
	kfree(o);
	return ret;
}

/* EDUMM_IOC_OBJ_FREE (@kmalloc false) and EDUMM_IOC_KFREE (true). */
static long edumm_ioc_obj_free(struct edumm_slab_client *sc,
			       void __user *argp, bool kmalloc)
{
	struct edumm_obj_ref req;
	struct edumm_uobj *o;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;

	mutex_lock(&sc->lock);
	o = edumm_uobj_get(sc, req.object);
	if (!o || !o->cache != kmalloc) {
		ret = -ENOENT;
	} else {
		xa_erase(&sc->objects, req.object);
		/* the debug checks refused it: reported and quarantined */
		ret = edumm_uobj_release(o) ? -EIO : 0;
	}
	mutex_unlock(&sc->lock);
	return ret;
}

static long edumm_ioc_obj_bulk_alloc(struct edumm_slab_client *sc,
				     void __user *argp)
{
	struct edumm_uobj **recs = NULL;
	struct edumm_obj_bulk req;
	struct edumm_ucache *uc;
	u64 *handles = NULL;
	void **ptrs = NULL;
	unsigned int i, n;
	int ret = -ENOMEM;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (!req.count || req.count > EDUMM_BULK_MAX ||
	    req.flags & ~EDUMM_OBJ_FLAGS_MASK)
		return -EINVAL;
	n = req.count;

	mutex_lock(&sc->lock);
	uc = edumm_ucache_get(sc, req.cache);
	if (!uc) {
		mutex_unlock(&sc->lock);
		return -ENOENT;
	}
	handles = edumm_slab_buf(n * sizeof(*handles));
	ptrs = edumm_slab_buf(n * sizeof(*ptrs));
	recs = edumm_slab_buf(n * sizeof(*recs));
	if (!handles || !ptrs || !recs) {
		n = 0;
		goto out_unlock;
	}
	for (i = 0; i < n; i++) {
		recs[i] = edumm_slab_meta(sizeof(*recs[i]));
		if (!recs[i])
			goto out_unlock;
	}
	if (edumm_kmem_cache_alloc_bulk(uc->s, edumm_slab_gfp(req.flags), n,
					ptrs, _THIS_IP_) != n) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	for (i = 0; i < n; i++) {
		recs[i]->ptr = ptrs[i];
		recs[i]->cache = uc;
		recs[i]->size = uc->size;
		ret = edumm_uobj_insert(sc, recs[i], &handles[i]);
		if (ret)
			break;
	}
	if (ret) {
		/* undo the i inserted, then free all n objects */
		while (i--) {
			xa_erase(&sc->objects, handles[i]);
			uc->nr_objects--;
		}
		edumm_kmem_cache_free_bulk(uc->s, n, ptrs, _THIS_IP_);
		goto out_unlock;
	}
	mutex_unlock(&sc->lock);

	if (copy_to_user(u64_to_user_ptr(req.objects), handles,
			 n * sizeof(*handles))) {
		for (i = 0; i < n; i++)
			edumm_uobj_take_back(sc, handles[i], recs[i]);
		ret = -EFAULT;
	}
	/* on success and after the take-back the records are not ours */
	n = 0;
	goto out_free;

out_unlock:
	mutex_unlock(&sc->lock);
out_free:
	/* kfree(NULL) for the records never allocated */
	if (recs)
		for (i = 0; i < n; i++)
			kfree(recs[i]);
	kvfree(recs);
	kvfree(ptrs);
	kvfree(handles);
	return ret;
}

static long edumm_ioc_obj_bulk_free(struct edumm_slab_client *sc,
				    void __user *argp)
{
	struct edumm_obj_bulk req;
	struct edumm_ucache *uc;
	struct edumm_uobj *o;
	u64 *handles = NULL;
	void **ptrs = NULL;
	unsigned int i, n;
	int ret = 0;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (!req.count || req.count > EDUMM_BULK_MAX || req.flags)
		return -EINVAL;
	n = req.count;
	/* an unknown cache is -ENOENT before anything is allocated */
	mutex_lock(&sc->lock);
	uc = edumm_ucache_get(sc, req.cache);
	mutex_unlock(&sc->lock);
	if (!uc)
		return -ENOENT;

	handles = edumm_slab_buf(n * sizeof(*handles));
	ptrs = edumm_slab_buf(n * sizeof(*ptrs));
	if (!handles || !ptrs) {
		ret = -ENOMEM;
		goto out_free;
	}
	if (copy_from_user(handles, u64_to_user_ptr(req.objects),
			   n * sizeof(*handles))) {
		ret = -EFAULT;
		goto out_free;
	}

	mutex_lock(&sc->lock);
	uc = edumm_ucache_get(sc, req.cache);
	if (!uc) {
		ret = -ENOENT;
		goto out_unlock;
	}
	/* all of them objects of @uc, each once, or nothing is freed */
	for (i = 0; i < n; i++) {
		o = edumm_uobj_get(sc, handles[i]);
		if (!o || o->cache != uc ||
		    xa_get_mark(&sc->objects, handles[i], EDUMM_OBJ_MARK_SEEN)) {
			ret = -ENOENT;
			break;
		}
		xa_set_mark(&sc->objects, handles[i], EDUMM_OBJ_MARK_SEEN);
		ptrs[i] = o->ptr;
	}
	if (ret) {
		while (i--)
			xa_clear_mark(&sc->objects, handles[i],
				      EDUMM_OBJ_MARK_SEEN);
		goto out_unlock;
	}
	for (i = 0; i < n; i++) {
		kfree(xa_erase(&sc->objects, handles[i]));
		uc->nr_objects--;
	}
	edumm_kmem_cache_free_bulk(uc->s, n, ptrs, _THIS_IP_);

out_unlock:
	mutex_unlock(&sc->lock);
out_free:
	kvfree(ptrs);
	kvfree(handles);
	return ret;
}

static long edumm_ioc_kmalloc(struct edumm_slab_client *sc, void __user *argp)
{
	struct edumm_kmalloc req;
	struct edumm_uobj *o;
	u64 handle;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (!req.size || req.size > EDUMM_KMALLOC_MAX_BYTES ||
	    !edumm_kmalloc_flags_ok(req.flags) || req.reserved)
		return -EINVAL;

	o = edumm_slab_meta(sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->size = req.size;

	mutex_lock(&sc->lock);
	o->ptr = edumm_kmalloc(&edumm_pool, req.size,
			       edumm_slab_gfp(req.flags), _THIS_IP_);
	ret = o->ptr ? edumm_uobj_insert(sc, o, &handle) : -ENOMEM;
	if (ret && o->ptr)
		edumm_kfree(&edumm_pool, o->ptr, _THIS_IP_);
	if (!ret)
		req.ksize = edumm_ksize(&edumm_pool, o->ptr);
	mutex_unlock(&sc->lock);
	if (ret) {
		kfree(o);
		return ret;
	}

	req.object = handle;
	if (copy_to_user(argp, &req, sizeof(req))) {
		edumm_uobj_take_back(sc, handle, o);
		return -EFAULT;
	}
	return 0;
}

static long edumm_ioc_krealloc(struct edumm_slab_client *sc,
			       void __user *argp)
{
	struct edumm_krealloc req;
	struct edumm_uobj *o;
	void *p;
	int ret = 0;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (!req.size || req.size > EDUMM_KMALLOC_MAX_BYTES ||
	    !edumm_kmalloc_flags_ok(req.flags))
		return -EINVAL;

	mutex_lock(&sc->lock);
	o = edumm_uobj_get(sc, req.object);
	if (!o || o->cache) {
		ret = -ENOENT;
		goto out_unlock;
	}
	p = edumm_krealloc(&edumm_pool, o->ptr, req.size,
			   edumm_slab_gfp(req.flags), _THIS_IP_);
	if (!p) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	req.moved = p != o->ptr;
	o->ptr = p;
	o->size = req.size;
	req.ksize = edumm_ksize(&edumm_pool, p);
out_unlock:
	mutex_unlock(&sc->lock);
	if (ret)
		return ret;
	/* The object is resized whatever happens to this copy. */
	return copy_to_user(argp, &req, sizeof(req)) ? -EFAULT : 0;
}

static long edumm_ioc_ksize(struct edumm_slab_client *sc, void __user *argp)
{
	struct edumm_ksize req;
	struct edumm_uobj *o;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;

	mutex_lock(&sc->lock);
	o = edumm_uobj_get(sc, req.object);
	if (o) {
		req.ksize = o->cache ? o->cache->s->object_size :
			    edumm_ksize(&edumm_pool, o->ptr);
		req.size = o->size;
	}
	mutex_unlock(&sc->lock);
	if (!o)
		return -ENOENT;
	return copy_to_user(argp, &req, sizeof(req)) ? -EFAULT : 0;
}

/* EDUMM_IOC_OBJ_READ (@write false) and EDUMM_IOC_OBJ_WRITE (true). */
static long edumm_ioc_obj_rw(struct edumm_slab_client *sc, void __user *argp,
			     bool write)
{
	struct edumm_obj_rw req;
	struct edumm_uobj *o;
	void *buf;
	int ret = 0;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (!req.length || req.length > EDUMM_OBJ_RW_MAX)
		return -EINVAL;
	/* unknown object and bounds first (checked again below) */
	mutex_lock(&sc->lock);
	o = edumm_uobj_get(sc, req.object);
	if (!o)
		ret = -ENOENT;
	else if ((u64)req.offset + req.length > o->size)
		ret = -EINVAL;
	mutex_unlock(&sc->lock);
	if (ret)
		return ret;

	buf = edumm_slab_buf(req.length);
	if (!buf)
		return -ENOMEM;
	if (write && copy_from_user(buf, u64_to_user_ptr(req.buf),
				    req.length)) {
		ret = -EFAULT;
		goto out_free;
	}

	mutex_lock(&sc->lock);
	o = edumm_uobj_get(sc, req.object);
	if (!o)
		ret = -ENOENT;
	else if ((u64)req.offset + req.length > o->size)
		ret = -EINVAL;
	else if (write)
		memcpy(o->ptr + req.offset, buf, req.length);
	else
		memcpy(buf, o->ptr + req.offset, req.length);
	mutex_unlock(&sc->lock);

	if (!ret && !write &&
	    copy_to_user(u64_to_user_ptr(req.buf), buf, req.length))
		ret = -EFAULT;
out_free:
	kvfree(buf);
	return ret;
}

/*** EDUMM_IOC_CORRUPT ***/

/*
 * True if another object of this client shares @o's slab: then freeing
 * @o cannot empty the slab, and its pages stay the cache's while
 * EDUMM_IOC_CORRUPT writes into or frees @o again (every slab is a
 * naturally aligned buddy block of 1 << order pages).
 */
static bool edumm_uobj_has_neighbour(struct edumm_slab_client *sc,
				     struct edumm_uobj *o)
{
	unsigned int shift = PAGE_SHIFT + o->cache->s->order;
	unsigned long slab = (unsigned long)o->ptr >> shift;
	struct edumm_uobj *n;
	unsigned long index;

	xa_for_each(&sc->objects, index, n)
		if (n != o && n->cache == o->cache &&
		    (unsigned long)n->ptr >> shift == slab)
			return true;
	return false;
}

/*
 * Bytes of the right red zone: up to the next word, or a whole word when
 * the object ends on one (calculate_sizes() of SLUB; SLAB's redzone2).
 */
static unsigned int edumm_redzone_bytes(unsigned int object_size)
{
	unsigned int rem = object_size % sizeof(void *);

	return rem ? sizeof(void *) - rem : sizeof(void *);
}

/*
 * Frees of @uc are checked against its objects: with CONSISTENCY_CHECKS,
 * and always in SLOB, whose per-unit map knows every object start (SLOB
 * takes no debug flags).
 */
static bool edumm_frees_checked(const struct edumm_ucache *uc)
{
	return uc->flags & EDUMM_CACHE_CONSISTENCY_CHECKS ||
	       uc->s->design == EDUMM_SLAB_DESIGN_SLOB;
}

static int edumm_corrupt(struct edumm_slab_client *sc,
			 struct edumm_corrupt *req)
{
	struct edumm_ucache *uc, *other;
	struct edumm_kmem_cache *s;
	struct edumm_uobj *o;
	unsigned char *p;

	o = edumm_uobj_get(sc, req->object);
	if (!o || !o->cache)
		return -ENOENT;
	uc = o->cache;
	s = uc->s;
	p = o->ptr;
	if (req->op != EDUMM_CORRUPT_WRONG_CACHE && req->cache)
		return -EINVAL;

	switch (req->op) {
	case EDUMM_CORRUPT_REDZONE:
		if (!(uc->flags & EDUMM_CACHE_RED_ZONE) || req->value > 0xff ||
		    req->offset >= edumm_redzone_bytes(s->object_size) ||
		    s->object_size + req->offset >= s->size - s->red_left_pad)
			return -EINVAL;
		p[s->object_size + req->offset] = req->value;
		return 0;
	case EDUMM_CORRUPT_USE_AFTER_FREE:
		/* SLOB keeps its free-list headers inside free memory */
		if (!(s->flags & EDUMM_SLAB_OBJ_POISON) ||
		    s->design == EDUMM_SLAB_DESIGN_SLOB || req->value > 0xff ||
		    req->offset >= s->object_size ||
		    !edumm_uobj_has_neighbour(sc, o))
			return -EINVAL;
		xa_erase(&sc->objects, req->object);
		req->detected = edumm_uobj_release(o) != 0;
		p[req->offset] = req->value;
		return 0;
	case EDUMM_CORRUPT_DOUBLE_FREE:
		if (!edumm_frees_checked(uc) ||
		    req->offset || req->value ||
		    !edumm_uobj_has_neighbour(sc, o))
			return -EINVAL;
		xa_erase(&sc->objects, req->object);
		if (edumm_uobj_release(o))
			return 0;	/* refused at the first free */
		req->detected = edumm_kmem_cache_free(s, p, _THIS_IP_) != 0;
		return 0;
	case EDUMM_CORRUPT_WRONG_CACHE:
		other = edumm_ucache_get(sc, req->cache);
		if (!other)
			return -ENOENT;
		if (other->s == s || req->offset || req->value ||
		    !edumm_frees_checked(other))
			return -EINVAL;
		req->detected = edumm_kmem_cache_free(other->s, p, _THIS_IP_) != 0;
		return 0;
	case EDUMM_CORRUPT_MISALIGNED:
		if (!edumm_frees_checked(uc) ||
		    !req->offset || req->offset >= s->object_size || req->value)
			return -EINVAL;
		req->detected = edumm_kmem_cache_free(s, p + req->offset,
						      _THIS_IP_) != 0;
		return 0;
	default:
		return -EINVAL;
	}
}

static long edumm_ioc_corrupt(struct edumm_slab_client *sc, void __user *argp)
{
	struct edumm_corrupt req;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (!edumm_allow_corruption)
		return -EPERM;

	req.detected = 0;
	mutex_lock(&sc->lock);
	ret = edumm_corrupt(sc, &req);
	mutex_unlock(&sc->lock);
	if (ret)
		return ret;
	return copy_to_user(argp, &req, sizeof(req)) ? -EFAULT : 0;
}

/**
 * edumm_slab_ioctl() - the slab and kmalloc ioctls of a client
 * @sc: the client's slab state (edumm_client_slab())
 * @cmd: an EDUMM_IOC_CACHE_* .. EDUMM_IOC_CORRUPT command
 * @argp: its user argument
 *
 * Context: Process context, may sleep.  Takes @sc->lock.
 * Return: 0 or a negative errno of uapi/linux/edumm.h; -ENOTTY for a
 * command that is not one of these.
 */
long edumm_slab_ioctl(struct edumm_slab_client *sc, unsigned int cmd,
		      void __user *argp)
{
	switch (cmd) {
	case EDUMM_IOC_CACHE_CREATE:
		return edumm_ioc_cache_create(sc, argp);
	case EDUMM_IOC_CACHE_DESTROY:
		return edumm_ioc_cache_destroy(sc, argp);
	case EDUMM_IOC_CACHE_INFO:
		return edumm_ioc_cache_info(sc, argp);
	case EDUMM_IOC_CACHE_SHRINK:
		return edumm_ioc_cache_shrink(sc, argp);
	case EDUMM_IOC_OBJ_ALLOC:
		return edumm_ioc_obj_alloc(sc, argp);
	case EDUMM_IOC_OBJ_FREE:
		return edumm_ioc_obj_free(sc, argp, false);
	case EDUMM_IOC_OBJ_BULK_ALLOC:
		return edumm_ioc_obj_bulk_alloc(sc, argp);
	case EDUMM_IOC_OBJ_BULK_FREE:
		return edumm_ioc_obj_bulk_free(sc, argp);
	case EDUMM_IOC_KMALLOC:
		return edumm_ioc_kmalloc(sc, argp);
	case EDUMM_IOC_KFREE:
		return edumm_ioc_obj_free(sc, argp, true);
	case EDUMM_IOC_KREALLOC:
		return edumm_ioc_krealloc(sc, argp);
	case EDUMM_IOC_KSIZE:
		return edumm_ioc_ksize(sc, argp);
	case EDUMM_IOC_OBJ_READ:
		return edumm_ioc_obj_rw(sc, argp, false);
	case EDUMM_IOC_OBJ_WRITE:
		return edumm_ioc_obj_rw(sc, argp, true);
	case EDUMM_IOC_CORRUPT:
		return edumm_ioc_corrupt(sc, argp);
	default:
		return -ENOTTY;
	}
}
