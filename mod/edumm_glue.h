/* SPDX-License-Identifier: GPL-2.0 */
/*
 * edumm kernel glue: everything between the pure core (edumm_core.h) and the
 * rest of the kernel.
 *
 *   main.c     module parameters, init/exit ordering
 *   reserve.c  the only user of the real page allocator: reserves the pool
 *              with alloc_pages() and gives it back with __free_page()
 *   client.c   one client per open /dev/edumm: handles, blocks, mmap
 *   chardev.c  the misc device: file operations and ioctl marshalling
 *   debugfs.c  /sys/kernel/debug/edumm/
 *   client_slab.c   the slab caches and objects of a client, their ioctls
 *   debugfs_slab.c  debugfs slabinfo, kmalloc, slab_stats, slab/<cache>/
 *
 * Lock order of the glue (outermost first), above the core's own order
 * (pool->check_lock, pcp->lock, zone->lock; see edumm_core.h):
 *   1. mm->mmap_lock       (held by the VM around ->mmap)
 *   2. edumm_client.lock   (one per open file)
 *   3. edumm_orphan_lock   (module-wide, see client.c)
 * and for the slab layer (client_slab.c, debugfs_slab.c), above the slab
 * core's own order (slab_mutex ...; see edumm_slab.h):
 *   1. mm->mmap_lock
 *   2. edumm_slab_client.lock  (one per open file)
 *   3. edumm_slab_dbg_lock     (module-wide: the slab/ directories)
 * No glue lock is held across copy_to_user()/copy_from_user(), which may
 * fault and take mmap_lock.
 */
#ifndef _EDUMM_GLUE_H
#define _EDUMM_GLUE_H

#include <linux/types.h>

#include "edumm_core.h"

struct dentry;
struct vm_area_struct;

/* main.c: the one pool the module manages. */
extern struct edumm_pool edumm_pool;

/*** reserve.c ***/
int edumm_reserve_pool(unsigned int pool_mb, struct edumm_fault_attr *fail);
void edumm_release_pool(void);

/*** client.c ***/
struct edumm_client;

struct edumm_client *edumm_client_create(void);
void edumm_client_destroy(struct edumm_client *client);
int edumm_client_alloc(struct edumm_client *client, unsigned int order, int mt,
		       unsigned int alloc_flags, u64 *handle, unsigned long *pfn);
int edumm_client_free(struct edumm_client *client, u64 handle);
int edumm_client_mmap(struct edumm_client *client, struct vm_area_struct *vma);
void edumm_client_exit(void);

struct edumm_slab_client *edumm_client_slab(struct edumm_client *client);

/*** client_slab.c ***/
struct edumm_slab_client;
struct edumm_kmem_cache;

struct edumm_slab_client *edumm_slab_client_create(void);
void edumm_slab_client_destroy(struct edumm_slab_client *sc);
long edumm_slab_ioctl(struct edumm_slab_client *sc, unsigned int cmd,
		      void __user *argp);

/* main.c: module parameters of the slab layer */
extern int edumm_slab_default_design;
extern bool edumm_allow_corruption;

/*** debugfs_slab.c ***/
void edumm_debugfs_slab_init(struct dentry *parent);
void edumm_debugfs_slab_exit(void);
void edumm_debugfs_slab_get(struct edumm_kmem_cache *s, const char *name);
void edumm_debugfs_slab_put(struct edumm_kmem_cache *s, const char *name);

/*** chardev.c ***/
int edumm_chardev_init(void);
void edumm_chardev_exit(void);

/*** debugfs.c ***/
void edumm_debugfs_init(void);
void edumm_debugfs_exit(void);

#endif /* _EDUMM_GLUE_H */
