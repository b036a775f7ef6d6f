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
 *   vmalloc_glue.c   edumm_vmalloc() and friends: the mapper over the pool
 *   client_vmalloc.c a client's vmalloc areas: ioctls 0x30..0x3f, mmap
 *   pgwalk.c   the page-table walker (EDUMM_IOC_PGWALK)
 *   bench.c    EDUMM_IOC_BENCH, with its workloads in bench_*.c (bench.h)
 *
 * Lock order of the glue (outermost first), above the core's own order
 * (pool->check_lock, pcp->lock, zone->lock; see edumm_core.h):
 *   1. mm->mmap_lock       (held by the VM around ->mmap)
 *   2. edumm_client.lock   (one per open file), or edumm_vclient.lock (its
 *                          vmalloc areas; the two are never nested)
 *   3. edumm_orphan_lock   (module-wide, see client.c), or
 *      edumm_vorphan_lock  (the same for areas, client_vmalloc.c)
 *   4. edumm_vmap_tree.lock (a spinlock: the areas' rbtree and list; a leaf,
 *                          no buddy call is made under it)
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

#include <linux/bits.h>
#include <linux/types.h>

#include "edumm_core.h"

struct dentry;
struct vm_area_struct;
struct seq_file;

/**
 * struct edumm_seq_out - a struct edumm_out that appends to a seq_file
 * @out: what the core's edumm_show_*() functions write to
 * @m: the seq_file of the debugfs read
 *
 * Every debugfs file of the glue that prints core text uses it
 * (EDUMM_SEQ_OUT(); the vprintf is edumm_seq_vprintf() in debugfs.c).
 */
struct edumm_seq_out {
	struct edumm_out out;
	struct seq_file *m;
};

void edumm_seq_vprintf(struct edumm_out *out, const char *fmt, va_list args);

#define EDUMM_SEQ_OUT(name, seq)					\
	struct edumm_seq_out name = {					\
		.out.vprintf = edumm_seq_vprintf,			\
		.m = (seq),						\
	}
struct dentry;

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

/*** bench.c ***/
long edumm_ioc_bench(void __user *argp);

/*** debugfs.c ***/
void edumm_debugfs_init(void);
void edumm_debugfs_exit(void);

/*** vmalloc_glue.c ***/
struct edumm_vmap_area;
struct edumm_vmap_tree;
struct page;

extern struct edumm_vmap_tree edumm_vmap_tree;

void edumm_vmalloc_init(void);
void edumm_vmalloc_exit(void);
void edumm_vmalloc_debugfs_init(struct dentry *dir);
void *edumm_vmalloc(unsigned long size);
void *edumm_vzalloc(unsigned long size);
void edumm_vfree(const void *addr);
struct page *edumm_vmalloc_to_page(const void *addr);
struct edumm_vmap_area *edumm_vmap_area_find(const void *addr);
struct edumm_vmap_area *__edumm_vmalloc_area(unsigned long size, unsigned int alloc_flags,
					     bool zero, const void *caller, u64 handle,
					     int *err);
void __edumm_vfree_area(struct edumm_vmap_area *va);
bool edumm_vmap_area_referenced(const struct edumm_vmap_area *va);

/*** client_vmalloc.c ***/
struct edumm_vclient;

/*
 * mmap() offsets, in pages, at and above this one name vmalloc areas
 * (area handle + EDUMM_VMAP_PGOFF_BASE); below it, page blocks (block
 * handle).  Block handles stay below it (client.c).
 */
#define EDUMM_VMAP_PGOFF_BASE	BIT(36)
/* The largest area handle: its pgoff must stay a positive loff_t. */
#define EDUMM_VMAP_HANDLE_MAX	(BIT(36) - 1)

struct edumm_vclient *edumm_vclient_create(void);
void edumm_vclient_destroy(struct edumm_vclient *vc);
long edumm_vclient_ioctl(struct edumm_vclient *vc, unsigned int cmd,
			 void __user *argp);
int edumm_vclient_mmap(struct edumm_vclient *vc, struct vm_area_struct *vma);
struct edumm_vclient *edumm_client_vm(struct edumm_client *client);

/*** pgwalk.c ***/
struct edumm_pgwalk;
struct mm_struct;

int edumm_pgwalk_user(struct mm_struct *mm, unsigned long addr,
		      struct edumm_pgwalk *walk);
int edumm_pgwalk_kernel(unsigned long addr, struct edumm_pgwalk *walk);

#endif /* _EDUMM_GLUE_H */
