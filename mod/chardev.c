// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/edumm: the misc device, its file operations and the ioctls of
 * uapi/linux/edumm.h.
 *
 * Each open file is a client (client.c).  This file only moves structures
 * across the user boundary and validates every field before the core sees
 * it; it holds no lock of its own, and no lock is held while it copies to
 * or from user space (a fault there takes mmap_lock, which ranks above
 * client->lock).
 */

#include <linux/build_bug.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/edumm.h>

#include "edumm_glue.h"

/*
 * The uapi structures have no implicit padding, so their layout and their
 * ioctl size encoding are the same for 32-bit and 64-bit user space and the
 * compat path needs no translation.  Changing a size changes the ABI.
 */
static_assert(sizeof(struct edumm_version) == 16);
static_assert(sizeof(struct edumm_page_alloc) == 40);
static_assert(sizeof(struct edumm_handle) == 8);
static_assert(sizeof(struct edumm_info) == 120);
static_assert(sizeof(struct edumm_bench) == 488);

/* uapi flag bits are the core's (EDUMM_AF_*), passed through unchanged. */
static_assert(EDUMM_ALLOC_HIGH == EDUMM_AF_HIGH);
static_assert(EDUMM_ALLOC_NO_WATERMARKS == EDUMM_AF_NO_WMARK);
static_assert(EDUMM_ALLOC_NO_PCP == EDUMM_AF_NO_PCP);
static_assert(EDUMM_ALLOC_FLAGS_MASK == EDUMM_AF_MASK);

/* uapi migratetypes are the core's shifted by one, so that 0 is invalid. */
static_assert(EDUMM_MIGRATE_UNMOVABLE - 1 == EDUMM_MT_UNMOVABLE);
static_assert(EDUMM_MIGRATE_MOVABLE - 1 == EDUMM_MT_MOVABLE);
static_assert(EDUMM_MIGRATE_RECLAIMABLE - 1 == EDUMM_MT_RECLAIMABLE);
static_assert((int)EDUMM_MIGRATE_RECLAIMABLE == (int)EDUMM_MT_TYPES);

static long edumm_ioc_version(void __user *argp)
{
	struct edumm_version ver = {
		.major = EDUMM_VERSION_MAJOR,
		.minor = EDUMM_VERSION_MINOR,
		.patch = EDUMM_VERSION_PATCH,
	};

	return copy_to_user(argp, &ver, sizeof(ver)) ? -EFAULT : 0;
}

static long edumm_ioc_page_alloc(struct edumm_client *client,
				 void __user *argp)
{
	struct edumm_page_alloc req;
	unsigned long pfn;
	u64 handle;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.order >= EDUMM_MAX_ORDER ||
	    req.migratetype < EDUMM_MIGRATE_UNMOVABLE ||
	    req.migratetype > EDUMM_MIGRATE_RECLAIMABLE ||
	    req.flags & ~EDUMM_ALLOC_FLAGS_MASK || req.reserved)
		return -EINVAL;

	ret = edumm_client_alloc(client, req.order, req.migratetype - 1,
				 req.flags, &handle, &pfn);
	if (ret)
		return ret;

	req.handle = handle;
	req.pfn = pfn;
	req.mmap_offset = handle << PAGE_SHIFT;
	if (copy_to_user(argp, &req, sizeof(req))) {
		/*
		 * The caller cannot learn the handle: take the block back.
		 * Another thread that guessed the handle may have mapped it
		 * meanwhile; then the free fails with -EBUSY and the block
		 * stays with the client until the file is closed.
		 */
		edumm_client_free(client, handle);
		return -EFAULT;
	}
	return 0;
}

static long edumm_ioc_free(struct edumm_client *client, void __user *argp)
{
	struct edumm_handle req;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	return edumm_client_free(client, req.handle);
}

static long edumm_ioc_info(void __user *argp)
{
	struct edumm_pool_snapshot snap;
	struct edumm_info info = {};

	edumm_pool_snapshot(&edumm_pool, &snap);
	info.page_size = PAGE_SIZE;
	info.max_order = EDUMM_MAX_ORDER;
	info.nr_nodes = snap.nr_nodes;
	info.nr_zones = snap.nr_zones;
	info.pool_pages = snap.pool_pages;
	info.free_pages = snap.free_pages;
	info.pcp_pages = snap.pcp_pages;
	info.allocated_pages = snap.allocated_pages;
	info.metadata_bytes = snap.metadata_bytes;

	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

/*
 * The whole command is matched, so a command with the right number but the
 * wrong size or direction bits is unknown (-ENOTTY) rather than misread.
 */
static long edumm_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct edumm_client *client = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case EDUMM_IOC_VERSION:
		return edumm_ioc_version(argp);
	case EDUMM_IOC_PAGE_ALLOC:
		return edumm_ioc_page_alloc(client, argp);
	case EDUMM_IOC_FREE:
		return edumm_ioc_free(client, argp);
	case EDUMM_IOC_INFO:
		return edumm_ioc_info(argp);
	case EDUMM_IOC_CACHE_CREATE:
	case EDUMM_IOC_CACHE_DESTROY:
	case EDUMM_IOC_CACHE_INFO:
	case EDUMM_IOC_CACHE_SHRINK:
	case EDUMM_IOC_OBJ_ALLOC:
	case EDUMM_IOC_OBJ_FREE:
	case EDUMM_IOC_OBJ_BULK_ALLOC:
	case EDUMM_IOC_OBJ_BULK_FREE:
	case EDUMM_IOC_KMALLOC:
	case EDUMM_IOC_KFREE:
	case EDUMM_IOC_KREALLOC:
	case EDUMM_IOC_KSIZE:
	case EDUMM_IOC_OBJ_READ:
	case EDUMM_IOC_OBJ_WRITE:
	case EDUMM_IOC_CORRUPT:
		/* the slab layer: client_slab.c */
		return edumm_slab_ioctl(edumm_client_slab(client), cmd, argp);
	case EDUMM_IOC_BENCH:
		return edumm_ioc_bench(argp);
	default:
		/* 0x30..0x3f: vmalloc areas and the walker (client_vmalloc.c) */
		if (_IOC_TYPE(cmd) == EDUMM_IOC_MAGIC &&
		    _IOC_NR(cmd) >= 0x30 && _IOC_NR(cmd) <= 0x3f)
			return edumm_vclient_ioctl(edumm_client_vm(client), cmd, argp);
		return -ENOTTY;
	}
}

static int edumm_mmap(struct file *file, struct vm_area_struct *vma)
{
	/* offsets from EDUMM_VMAP_PGOFF_BASE on are vmalloc areas */
	if (vma->vm_pgoff >= EDUMM_VMAP_PGOFF_BASE)
		return edumm_vclient_mmap(edumm_client_vm(file->private_data), vma);
	return edumm_client_mmap(file->private_data, vma);
}

static int edumm_open(struct inode *inode, struct file *file)
{
	struct edumm_client *client = edumm_client_create();

	if (!client)
		return -ENOMEM;
	/* Replaces the struct miscdevice pointer misc_open() left here. */
	file->private_data = client;
	return 0;
}

static int edumm_release(struct inode *inode, struct file *file)
{
	edumm_client_destroy(file->private_data);
	return 0;
}

static const struct file_operations edumm_fops = {
	.owner		= THIS_MODULE,
	.open		= edumm_open,
	.release	= edumm_release,
	.unlocked_ioctl	= edumm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= edumm_mmap,
	.llseek		= noop_llseek,
};

static struct miscdevice edumm_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "edumm",
	.fops	= &edumm_fops,
	.mode	= 0600,
};

/**
 * edumm_chardev_init() - register /dev/edumm
 *
 * Context: Process context, may sleep; module init, after the pool is up.
 * Return: 0 on success, or the error of misc_register().
 */
int edumm_chardev_init(void)
{
	int ret = misc_register(&edumm_miscdev);

	if (ret)
		pr_err("cannot register /dev/edumm: %d\n", ret);
	return ret;
}

/**
 * edumm_chardev_exit() - unregister /dev/edumm
 *
 * No file can be open: each open file holds a reference to the module.
 *
 * Context: Process context, may sleep; module exit.
 */
void edumm_chardev_exit(void)
{
	misc_deregister(&edumm_miscdev);
}
