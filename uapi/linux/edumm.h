/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * edumm - an educational memory manager that runs beside the real one.
 *
 * This is the private uapi of the edumm module, in the style of
 * lib/test_hmm_uapi.h: it is not installed with the kernel headers, user
 * space (the selftests, tools/edummctl) includes it from the source tree.
 *
 * Conventions:
 *  - every structure is made of fixed-width __u32/__u64 fields, with no
 *    implicit padding, so 32-bit and 64-bit user space see one layout;
 *  - each field is marked (in), (out) or (in/out);
 *  - "reserved" fields must be zero on input (-EINVAL otherwise) and are
 *    zeroed on output, so they can become real fields later;
 *  - enums reserve 0 to catch uninitialized fields.
 *
 * Errors (see Documentation/uapi.rst):
 *   -ENOTTY  unknown ioctl command (a wrong size or direction encoded in
 *            the command number makes it unknown)
 *   -EINVAL  bad order, migratetype, flags, a nonzero reserved field, or a
 *            bad mmap() length, offset or mode
 *   -ENOENT  unknown or already-freed handle
 *   -EFAULT  bad user pointer
 *   -ENOMEM  the edumm pool cannot satisfy the request
 *   -EBUSY   the block is still mapped into some process, or one of its
 *            pages is still referenced (vmsplice(), io_uring, O_DIRECT)
 */
#ifndef _UAPI_LINUX_EDUMM_H
#define _UAPI_LINUX_EDUMM_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define EDUMM_VERSION_MAJOR	0
#define EDUMM_VERSION_MINOR	1
#define EDUMM_VERSION_PATCH	0

/*
 * Number of buddy orders, with Linux 6.1's meaning of MAX_ORDER: orders run
 * from 0 to EDUMM_MAX_ORDER - 1 (a 4 MiB block of 4 KiB pages at most).
 */
#define EDUMM_MAX_ORDER		11

/**
 * enum edumm_migratetype - mobility class of an allocation
 * @EDUMM_MIGRATE_INVALID: reserved, rejected with -EINVAL
 * @EDUMM_MIGRATE_UNMOVABLE: like GFP_KERNEL memory (MIGRATE_UNMOVABLE)
 * @EDUMM_MIGRATE_MOVABLE: like user pages (__GFP_MOVABLE)
 * @EDUMM_MIGRATE_RECLAIMABLE: like slab caches (__GFP_RECLAIMABLE)
 *
 * The kernel's enum migratetype starts at MIGRATE_UNMOVABLE = 0; this enum
 * is shifted by one so that 0 stays invalid.
 */
enum edumm_migratetype {
	EDUMM_MIGRATE_INVALID		= 0,
	EDUMM_MIGRATE_UNMOVABLE		= 1,
	EDUMM_MIGRATE_MOVABLE		= 2,
	EDUMM_MIGRATE_RECLAIMABLE	= 3,
};

/*
 * EDUMM_ALLOC_* - allocation flags (struct edumm_page_alloc.flags)
 *
 * @EDUMM_ALLOC_HIGH: like __GFP_HIGH (ALLOC_MIN_RESERVE): the request may
 *	dip below the min watermark, down to half of it.
 * @EDUMM_ALLOC_NO_WATERMARKS: like ALLOC_NO_WATERMARKS (PF_MEMALLOC): the
 *	watermarks are not checked at all, the last free page may be taken.
 * @EDUMM_ALLOC_NO_PCP: bypass the per-CPU page lists and go straight to the
 *	zone's free lists (like an order above PAGE_ALLOC_COSTLY_ORDER).
 *
 * Any other bit is rejected with -EINVAL.
 */
#define EDUMM_ALLOC_HIGH		0x1U
#define EDUMM_ALLOC_NO_WATERMARKS	0x2U
#define EDUMM_ALLOC_NO_PCP		0x4U
#define EDUMM_ALLOC_FLAGS_MASK		(EDUMM_ALLOC_HIGH | \
					 EDUMM_ALLOC_NO_WATERMARKS | \
					 EDUMM_ALLOC_NO_PCP)

/**
 * struct edumm_version - EDUMM_IOC_VERSION
 * @major: (out) EDUMM_VERSION_MAJOR of the loaded module
 * @minor: (out) EDUMM_VERSION_MINOR
 * @patch: (out) EDUMM_VERSION_PATCH
 * @reserved: (out) zero
 */
struct edumm_version {
	__u32 major;
	__u32 minor;
	__u32 patch;
	__u32 reserved;
};

/**
 * struct edumm_page_alloc - EDUMM_IOC_PAGE_ALLOC
 * @order: (in) 0 .. EDUMM_MAX_ORDER - 1
 * @migratetype: (in) an enum edumm_migratetype other than INVALID
 * @flags: (in) EDUMM_ALLOC_* bits
 * @reserved: (in) must be 0
 * @handle: (out) names the block in EDUMM_IOC_FREE; never 0, never reused
 *	within the life of the file descriptor
 * @pfn: (out) real page frame number of the first page of the block
 * @mmap_offset: (out) pass to mmap() with length PAGE_SIZE << order to map
 *	the block's pages into the caller (MAP_SHARED)
 *
 * The pages are zeroed before they are handed out.
 */
struct edumm_page_alloc {
	__u32 order;
	__u32 migratetype;
	__u32 flags;
	__u32 reserved;
	__u64 handle;
	__u64 pfn;
	__u64 mmap_offset;
};

/**
 * struct edumm_handle - EDUMM_IOC_FREE
 * @handle: (in) a handle returned by EDUMM_IOC_PAGE_ALLOC on this file
 *
 * Freeing a block that is still mapped fails with -EBUSY: munmap() first.
 * So does freeing a block one of whose pages is still referenced from
 * outside (a pipe after vmsplice(), an io_uring fixed buffer, O_DIRECT I/O
 * in flight): otherwise the next owner of the pages could be read or
 * overwritten through that reference.
 */
struct edumm_handle {
	__u64 handle;
};

/**
 * struct edumm_info - EDUMM_IOC_INFO
 * @page_size: (out) PAGE_SIZE
 * @max_order: (out) EDUMM_MAX_ORDER
 * @nr_nodes: (out) nodes that hold pool pages
 * @nr_zones: (out) populated zones, summed over those nodes
 * @pool_pages: (out) pages reserved from the kernel for the pool
 * @free_pages: (out) pages on the zones' free lists (buddyinfo)
 * @pcp_pages: (out) free pages cached on per-CPU lists
 * @allocated_pages: (out) pages handed out (by any client)
 * @metadata_bytes: (out) bytes of edumm bookkeeping for the pool
 * @reserved: (out) zero
 *
 * free_pages + pcp_pages + allocated_pages == pool_pages holds in every
 * reply: allocated_pages is derived from the other two, read without the
 * zone locks.  debugfs "check" verifies the same counts exactly, under
 * every lock, against the page descriptors and the event counters.
 */
struct edumm_info {
	__u32 page_size;
	__u32 max_order;
	__u32 nr_nodes;
	__u32 nr_zones;
	__u64 pool_pages;
	__u64 free_pages;
	__u64 pcp_pages;
	__u64 allocated_pages;
	__u64 metadata_bytes;
	__u64 reserved[8];
};

/* 'Y' is not taken in Documentation/userspace-api/ioctl/ioctl-number.rst */
#define EDUMM_IOC_MAGIC		'Y'

#define EDUMM_IOC_VERSION	_IOR(EDUMM_IOC_MAGIC, 0x00, struct edumm_version)
#define EDUMM_IOC_PAGE_ALLOC	_IOWR(EDUMM_IOC_MAGIC, 0x01, struct edumm_page_alloc)
#define EDUMM_IOC_FREE		_IOW(EDUMM_IOC_MAGIC, 0x02, struct edumm_handle)
#define EDUMM_IOC_INFO		_IOR(EDUMM_IOC_MAGIC, 0x03, struct edumm_info)

#endif /* _UAPI_LINUX_EDUMM_H */
