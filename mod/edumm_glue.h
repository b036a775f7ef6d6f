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
 *   bench.c    EDUMM_IOC_BENCH, with its workloads in bench_*.c (bench.h)
 *
 * Lock order of the glue (outermost first), above the core's own order
 * (pool->check_lock, pcp->lock, zone->lock; see edumm_core.h):
 *   1. mm->mmap_lock       (held by the VM around ->mmap)
 *   2. edumm_client.lock   (one per open file)
 *   3. edumm_orphan_lock   (module-wide, see client.c)
 * No glue lock is held across copy_to_user()/copy_from_user(), which may
 * fault and take mmap_lock.
 */
#ifndef _EDUMM_GLUE_H
#define _EDUMM_GLUE_H

#include <linux/types.h>

#include "edumm_core.h"

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

/*** chardev.c ***/
int edumm_chardev_init(void);
void edumm_chardev_exit(void);

/*** bench.c ***/
long edumm_ioc_bench(void __user *argp);

/*** debugfs.c ***/
void edumm_debugfs_init(void);
void edumm_debugfs_exit(void);

#endif /* _EDUMM_GLUE_H */
