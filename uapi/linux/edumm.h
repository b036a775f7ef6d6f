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
 *   -EINTR   a signal ended a running benchmark (EDUMM_IOC_BENCH)
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

/*** The slab layer and kmalloc (EDUMM_IOC_CACHE_* .. EDUMM_IOC_CORRUPT) ***/

/*
 * Caches and objects.  A cache created through EDUMM_IOC_CACHE_CREATE is
 * owned by the file that created it and named there by a cache id (1, 2,
 * 3, ... never 0, never reused while the file is open).  Every object the
 * file allocates, from one of its caches or with EDUMM_IOC_KMALLOC, is named
 * by an object handle (a second counter, with the same rules).  Closing the
 * file frees every object it still holds, then destroys every cache it
 * still owns.  Object memory never leaves the kernel: it is read and
 * written with EDUMM_IOC_OBJ_READ / EDUMM_IOC_OBJ_WRITE, bounds-checked
 * against the object's size, so the API cannot write outside an object;
 * only EDUMM_IOC_CORRUPT does, on purpose, when the module was loaded with
 * allow_corruption=1.
 *
 * Further errors of these commands:
 *   -EEXIST  EDUMM_IOC_CACHE_CREATE: a cache of that name exists (any
 *            client's, or one of the kmalloc caches)
 *   -EBUSY   EDUMM_IOC_CACHE_DESTROY: the cache still has objects (the
 *            kernel log lists them, as __kmem_cache_shutdown() does)
 *   -EIO     EDUMM_IOC_OBJ_FREE, EDUMM_IOC_KFREE: the debug checks found the
 *            object corrupted (reported, counted, quarantined); the handle
 *            is gone all the same
 *   -EPERM   EDUMM_IOC_CORRUPT without allow_corruption=1
 *   -ENOENT  also: a handle of the other kind (a kmalloc object given to
 *            EDUMM_IOC_OBJ_FREE, a cache object to EDUMM_IOC_KFREE ...)
 */

/* Longest cache name, without its terminating NUL. */
#define EDUMM_CACHE_NAME_MAX	31
/* Largest object of a cache (object_size) and of kmalloc. */
#define EDUMM_CACHE_MAX_SIZE	(4096U << (EDUMM_MAX_ORDER - 1))
#define EDUMM_KMALLOC_MAX_BYTES	(4096ULL << (EDUMM_MAX_ORDER - 1))
/* Objects in one EDUMM_IOC_OBJ_BULK_ALLOC / _FREE. */
#define EDUMM_BULK_MAX		1024
/* Bytes in one EDUMM_IOC_OBJ_READ / _WRITE. */
#define EDUMM_OBJ_RW_MAX	65536

/**
 * enum edumm_design - the allocator behind a cache
 * @EDUMM_DESIGN_INVALID: reserved, rejected with -EINVAL
 * @EDUMM_DESIGN_SLUB: mm/slub.c of 6.1 (the kernel's default)
 * @EDUMM_DESIGN_SLAB: mm/slab.c of 6.1 (removed from Linux in 6.8)
 * @EDUMM_DESIGN_SLOB: mm/slob.c of 6.1 (removed from Linux in 6.4)
 * @EDUMM_DESIGN_DEFAULT: the module's slab_design= parameter (slub unless
 *	set otherwise), which is also the design of the kmalloc caches
 */
enum edumm_design {
	EDUMM_DESIGN_INVALID	= 0,
	EDUMM_DESIGN_SLUB	= 1,
	EDUMM_DESIGN_SLAB	= 2,
	EDUMM_DESIGN_SLOB	= 3,
	EDUMM_DESIGN_DEFAULT	= 4,
};

/*
 * EDUMM_CACHE_* - cache flags (struct edumm_cache_create.flags), edumm's
 * bits with the meaning of the kernel's SLAB_* flags:
 *
 * @EDUMM_CACHE_HWCACHE_ALIGN: SLAB_HWCACHE_ALIGN, align objects on cache
 *	lines (halved while the object fits in half a line)
 * @EDUMM_CACHE_POISON: SLAB_POISON, free objects are filled with 0x6b and
 *	end in 0xa5, new slabs with 0x5a; a write into a free object is caught
 * @EDUMM_CACHE_RED_ZONE: SLAB_RED_ZONE, guard bytes around each object
 *	(0xbb free, 0xcc allocated); an overwrite is caught
 * @EDUMM_CACHE_STORE_USER: SLAB_STORE_USER, the last alloc and free caller
 *	and pid of each object (debugfs slab/<cache>/alloc_traces, free_traces)
 * @EDUMM_CACHE_CONSISTENCY_CHECKS: SLAB_CONSISTENCY_CHECKS, every free is
 *	checked (double free, foreign or misaligned pointer)
 * @EDUMM_CACHE_TYPESAFE_BY_RCU: SLAB_TYPESAFE_BY_RCU, slab pages go back to
 *	the buddy only after an RCU grace period
 * @EDUMM_CACHE_RECLAIM_ACCOUNT: SLAB_RECLAIM_ACCOUNT, slabs are taken from
 *	the reclaimable migratetype
 * @EDUMM_CACHE_DMA: SLAB_CACHE_DMA, slabs are taken from the lowest zone
 *	of the pool
 * @EDUMM_CACHE_CTOR_PATTERN: user space cannot pass a constructor: this
 *	flag gives the cache edumm's built-in one, which writes
 *	EDUMM_CTOR_BYTES bytes of EDUMM_CTOR_BYTE at the start of every object
 *	when its slab is created (never again on reuse, as with any
 *	constructor); needs size >= EDUMM_CTOR_BYTES
 *
 * Any other bit is rejected with -EINVAL.
 */
#define EDUMM_CACHE_HWCACHE_ALIGN	0x1U
#define EDUMM_CACHE_POISON		0x2U
#define EDUMM_CACHE_RED_ZONE		0x4U
#define EDUMM_CACHE_STORE_USER		0x8U
#define EDUMM_CACHE_CONSISTENCY_CHECKS	0x10U
#define EDUMM_CACHE_TYPESAFE_BY_RCU	0x20U
#define EDUMM_CACHE_RECLAIM_ACCOUNT	0x40U
#define EDUMM_CACHE_DMA			0x80U
#define EDUMM_CACHE_CTOR_PATTERN	0x10000U
#define EDUMM_CACHE_FLAGS_MASK		(0xffU | EDUMM_CACHE_CTOR_PATTERN)

#define EDUMM_CTOR_BYTE			0xc7
#define EDUMM_CTOR_BYTES		8

/*
 * EDUMM_OBJ_* - allocation flags of EDUMM_IOC_OBJ_ALLOC, _OBJ_BULK_ALLOC,
 * _KMALLOC and _KREALLOC:
 *
 * @EDUMM_OBJ_ZERO: __GFP_ZERO, the object is zeroed (kmem_cache_zalloc(),
 *	kzalloc(); for krealloc() the new bytes)
 * @EDUMM_OBJ_HIGH: __GFP_HIGH, new slab pages may dip below the min
 *	watermark (as EDUMM_ALLOC_HIGH)
 * @EDUMM_OBJ_RECLAIMABLE: kmalloc only: __GFP_RECLAIMABLE, the
 *	kmalloc-rcl-* classes
 * @EDUMM_OBJ_DMA: kmalloc only: GFP_DMA, the dma-kmalloc-* classes
 *
 * Any other bit (or RECLAIMABLE / DMA outside kmalloc, or both at once)
 * is rejected with -EINVAL.
 */
#define EDUMM_OBJ_ZERO			0x1U
#define EDUMM_OBJ_HIGH			0x2U
#define EDUMM_OBJ_RECLAIMABLE		0x4U
#define EDUMM_OBJ_DMA			0x8U
#define EDUMM_OBJ_FLAGS_MASK		(EDUMM_OBJ_ZERO | EDUMM_OBJ_HIGH)
#define EDUMM_KMALLOC_FLAGS_MASK	(EDUMM_OBJ_FLAGS_MASK | \
					 EDUMM_OBJ_RECLAIMABLE | EDUMM_OBJ_DMA)

/**
 * struct edumm_cache_create - EDUMM_IOC_CACHE_CREATE
 * @name: (in) 1 .. EDUMM_CACHE_NAME_MAX characters from [A-Za-z0-9_.:-],
 *	NUL-terminated inside the array; unique among all edumm caches
 *	(-EEXIST); the name of its debugfs directory slab/<name>/
 * @size: (in) object size in bytes, 1 .. EDUMM_CACHE_MAX_SIZE
 * @align: (in) 0 or a power of two up to the page size
 * @flags: (in) EDUMM_CACHE_* bits
 * @design: (in) an enum edumm_design other than INVALID; SLOB takes no
 *	POISON, RED_ZONE, STORE_USER, CONSISTENCY_CHECKS or TYPESAFE_BY_RCU
 *	(-EINVAL), as the kernel's SLOB had none of them
 * @reserved: (in) must be 0
 * @cache: (out) the cache id, for the other EDUMM_IOC_CACHE_* and
 *	EDUMM_IOC_OBJ_* commands of this file
 * @slab_size: (out) bytes per object slot, metadata included (the
 *	kernel's kmem_cache.size, /sys/kernel/slab/<cache>/slab_size)
 * @objs_per_slab: (out) objects in one slab (SLOB: 0, it has no slabs of
 *	objects)
 * @order: (out) buddy order of one slab
 * @reserved2: (out) zero
 */
struct edumm_cache_create {
	char name[32];
	__u32 size;
	__u32 align;
	__u32 flags;
	__u32 design;
	__u32 reserved;
	__u32 slab_size;
	__u64 cache;
	__u32 objs_per_slab;
	__u32 order;
	__u64 reserved2;
};

/**
 * struct edumm_cache_ref - EDUMM_IOC_CACHE_DESTROY
 * @cache: (in) a cache id of this file
 *
 * Fails with -EBUSY, leaving the cache usable, while it has objects.
 */
struct edumm_cache_ref {
	__u64 cache;
};

/*
 * EDUMM_CACHE_INFO_VALIDATE - struct edumm_cache_query.flags: run the
 * cache's validation (every slab, every object: red zones, poison,
 * freelists) before reading the counters, like writing 1 to
 * /sys/kernel/slab/<cache>/validate.
 */
#define EDUMM_CACHE_INFO_VALIDATE	0x1U

/**
 * struct edumm_cache_query - EDUMM_IOC_CACHE_INFO
 * @cache: (in) a cache id of this file
 * @flags: (in) EDUMM_CACHE_INFO_* bits
 * @reserved: (in) must be 0
 * @name: (out) the cache's name, NUL-terminated
 * @design: (out) its enum edumm_design (never DEFAULT)
 * @object_size: (out) the size it was created with
 * @slab_size: (out) as in struct edumm_cache_create
 * @align: (out) the alignment actually used
 * @objs_per_slab: (out) as in struct edumm_cache_create
 * @order: (out) as in struct edumm_cache_create
 * @cache_flags: (out) the EDUMM_CACHE_* flags it was created with
 * @reserved2: (out) zero
 * @active_objs: (out) allocated objects (the first column of slabinfo)
 * @num_objs: (out) object slots in all slabs
 * @active_slabs: (out) slabs holding at least one object
 * @num_slabs: (out) slabs
 * @errors: (out) corruptions the debug checks found so far
 * @validate_errors: (out) what this call's validation found (0 without
 *	EDUMM_CACHE_INFO_VALIDATE)
 * @objects: (out) objects this file holds in the cache
 * @reserved3: (out) zero
 */
struct edumm_cache_query {
	__u64 cache;
	__u32 flags;
	__u32 reserved;
	char name[32];
	__u32 design;
	__u32 object_size;
	__u32 slab_size;
	__u32 align;
	__u32 objs_per_slab;
	__u32 order;
	__u32 cache_flags;
	__u32 reserved2;
	__u64 active_objs;
	__u64 num_objs;
	__u64 active_slabs;
	__u64 num_slabs;
	__u64 errors;
	__u64 validate_errors;
	__u64 objects;
	__u64 reserved3[3];
};

/**
 * struct edumm_cache_shrink - EDUMM_IOC_CACHE_SHRINK
 * @cache: (in) a cache id of this file
 * @pages: (out) pages the shrink gave back to the buddy
 */
struct edumm_cache_shrink {
	__u64 cache;
	__u64 pages;
};

/**
 * struct edumm_obj_alloc - EDUMM_IOC_OBJ_ALLOC
 * @cache: (in) a cache id of this file
 * @flags: (in) EDUMM_OBJ_ZERO, EDUMM_OBJ_HIGH
 * @reserved: (in) must be 0
 * @object: (out) the new object's handle
 * @size: (out) its size (the cache's object_size)
 */
struct edumm_obj_alloc {
	__u64 cache;
	__u32 flags;
	__u32 reserved;
	__u64 object;
	__u64 size;
};

/**
 * struct edumm_obj_ref - EDUMM_IOC_OBJ_FREE, EDUMM_IOC_KFREE
 * @object: (in) an object handle of this file: of a cache for OBJ_FREE,
 *	from EDUMM_IOC_KMALLOC for KFREE
 */
struct edumm_obj_ref {
	__u64 object;
};

/**
 * struct edumm_obj_bulk - EDUMM_IOC_OBJ_BULK_ALLOC, EDUMM_IOC_OBJ_BULK_FREE
 * @cache: (in) a cache id of this file
 * @objects: (in) user address of an array of @count __u64 object handles:
 *	written by BULK_ALLOC, read by BULK_FREE
 * @count: (in) 1 .. EDUMM_BULK_MAX
 * @flags: (in) BULK_ALLOC: EDUMM_OBJ_ZERO, EDUMM_OBJ_HIGH; BULK_FREE: 0
 *
 * Like kmem_cache_alloc_bulk(), all or nothing: either @count objects are
 * allocated or none (-ENOMEM).  BULK_FREE frees all of them, or none when
 * one handle is not an object of @cache or appears twice (-ENOENT).
 */
struct edumm_obj_bulk {
	__u64 cache;
	__u64 objects;
	__u32 count;
	__u32 flags;
};

/**
 * struct edumm_kmalloc - EDUMM_IOC_KMALLOC
 * @size: (in) 1 .. EDUMM_KMALLOC_MAX_BYTES bytes; above 8 KiB the request
 *	goes to the buddy (kmalloc_large())
 * @flags: (in) EDUMM_OBJ_* bits
 * @reserved: (in) must be 0
 * @object: (out) the new object's handle
 * @ksize: (out) ksize() of the object: its class size
 */
struct edumm_kmalloc {
	__u64 size;
	__u32 flags;
	__u32 reserved;
	__u64 object;
	__u64 ksize;
};

/**
 * struct edumm_krealloc - EDUMM_IOC_KREALLOC
 * @object: (in) a handle from EDUMM_IOC_KMALLOC; it keeps naming the
 *	object after a move
 * @size: (in) the new size, 1 .. EDUMM_KMALLOC_MAX_BYTES
 * @flags: (in) EDUMM_OBJ_* bits, for a new allocation
 * @moved: (out) 0 if the object was resized in place (its class still
 *	fits), 1 if it was copied to a new one (the old one is freed)
 * @ksize: (out) ksize() of the result
 *
 * On failure (-ENOMEM) the object is unchanged.
 */
struct edumm_krealloc {
	__u64 object;
	__u64 size;
	__u32 flags;
	__u32 moved;
	__u64 ksize;
};

/**
 * struct edumm_ksize - EDUMM_IOC_KSIZE
 * @object: (in) any object handle of this file
 * @ksize: (out) ksize(): the bytes usable in the object
 * @size: (out) the bytes requested (the cache's object_size, or the size
 *	of the last kmalloc/krealloc), the bound of EDUMM_IOC_OBJ_READ/_WRITE
 */
struct edumm_ksize {
	__u64 object;
	__u64 ksize;
	__u64 size;
};

/**
 * struct edumm_obj_rw - EDUMM_IOC_OBJ_READ, EDUMM_IOC_OBJ_WRITE
 * @object: (in) any object handle of this file
 * @buf: (in) user address of @length bytes: written by READ, read by WRITE
 * @offset: (in) first byte of the object
 * @length: (in) 1 .. EDUMM_OBJ_RW_MAX; @offset + @length must not pass
 *	the object's requested size (struct edumm_ksize.size), else -EINVAL
 */
struct edumm_obj_rw {
	__u64 object;
	__u64 buf;
	__u32 offset;
	__u32 length;
};

/**
 * enum edumm_corruption - what EDUMM_IOC_CORRUPT does to a cache object
 * @EDUMM_CORRUPT_INVALID: reserved, rejected with -EINVAL
 * @EDUMM_CORRUPT_REDZONE: write @value at object_size + @offset, past the
 *	object's end but inside its own slot (the right red zone); found
 *	when the object is freed or validated.  Needs EDUMM_CACHE_RED_ZONE.
 * @EDUMM_CORRUPT_USE_AFTER_FREE: free the object (the handle is gone),
 *	then write @value at @offset inside it; found when the object is
 *	allocated again or validated.  Needs EDUMM_CACHE_POISON.
 * @EDUMM_CORRUPT_DOUBLE_FREE: free the object (the handle is gone), then
 *	free it again.  Needs EDUMM_CACHE_CONSISTENCY_CHECKS (SLOB: none).
 * @EDUMM_CORRUPT_WRONG_CACHE: free the object to the cache @cache (another
 *	cache of this file); the object stays allocated.  Needs
 *	EDUMM_CACHE_CONSISTENCY_CHECKS on @cache (SLOB: none).
 * @EDUMM_CORRUPT_MISALIGNED: free the address object + @offset (1 ..
 *	object_size - 1); the object stays allocated.  Needs
 *	EDUMM_CACHE_CONSISTENCY_CHECKS (SLOB: none).
 *
 * A required flag missing, or @offset out of range, is -EINVAL: without
 * the debug checks the corruption would not be caught, it would corrupt
 * the allocator.  SLOB caches take no debug flags (-EINVAL at creation,
 * as the kernel's SLOB had no debugging), so REDZONE and USE_AFTER_FREE
 * never apply to them; SLOB checks every free against its per-unit map
 * instead, which is what the three free corruptions need.  USE_AFTER_FREE
 * and DOUBLE_FREE also need another object of this file in the same
 * slab, so that the first free cannot hand the slab back to the buddy
 * (-EINVAL otherwise).
 */
enum edumm_corruption {
	EDUMM_CORRUPT_INVALID		= 0,
	EDUMM_CORRUPT_REDZONE		= 1,
	EDUMM_CORRUPT_USE_AFTER_FREE	= 2,
	EDUMM_CORRUPT_DOUBLE_FREE	= 3,
	EDUMM_CORRUPT_WRONG_CACHE	= 4,
	EDUMM_CORRUPT_MISALIGNED	= 5,
};

/**
 * struct edumm_corrupt - EDUMM_IOC_CORRUPT (allow_corruption=1 only)
 * @object: (in) a cache object handle of this file
 * @cache: (in) EDUMM_CORRUPT_WRONG_CACHE: the other cache; else 0
 * @op: (in) an enum edumm_corruption other than INVALID
 * @offset: (in) see enum edumm_corruption; 0 where unused
 * @value: (in) the byte to write, 0 .. 255; 0 where unused
 * @detected: (out) 1 if the debug checks refused the bad free at once
 *	(DOUBLE_FREE, WRONG_CACHE, MISALIGNED), else 0 (the writes are found
 *	later: see the errors count of EDUMM_IOC_CACHE_INFO)
 */
struct edumm_corrupt {
	__u64 object;
	__u64 cache;
	__u32 op;
	__u32 offset;
	__u32 value;
	__u32 detected;
};

/*
 * 0x30..0x3f: the vmalloc-style mapper and the page-table walker
 * (Documentation/vmalloc.rst, Documentation/pagetables.rst).
 *
 * An area is EDUMM_IOC_VMALLOC's unit: size bytes rounded up to whole
 * pages, each page an order-0 block of the edumm pool, mapped virtually
 * contiguous in the kernel with vmap() (plus one unmapped guard page).
 * Areas have their own handles (1, 2, ... per file, never reused while the
 * file is open; a block handle names no area and an area handle no block)
 * and are freed when the file is closed.  More errors of these ioctls:
 *   -E2BIG   EDUMM_IOC_VMALLOC: size is larger than the whole pool
 *   -EINVAL  size 0; offset/length of VREAD/VWRITE/PGWALK past the end of
 *            the area; PGWALK of address 0
 *   -EFAULT  PGWALK: a USER address that is not a user address
 *   -EBUSY   VFREE: the area is still mapped or its pages referenced
 */

/**
 * struct edumm_vmalloc - EDUMM_IOC_VMALLOC
 * @size: (in) bytes, 1 .. the pool's size; rounded up to whole pages
 * @flags: (in) EDUMM_ALLOC_* bits, applied to each page's allocation
 * @reserved: (in) must be 0
 * @handle: (out) names the area in the other EDUMM_IOC_V* ioctls
 * @mmap_offset: (out) pass to mmap() with length nr_pages * page size to
 *	map the area's pages, in order, into the caller (MAP_SHARED); the
 *	offsets of areas never collide with those of page blocks
 * @nr_pages: (out) pages in the area
 *
 * The pages are zeroed.  A fragmented pool does not matter: only order-0
 * blocks are taken, so the call succeeds while enough single pages are
 * free.
 */
struct edumm_vmalloc {
	__u64 size;
	__u32 flags;
	__u32 reserved;
	__u64 handle;
	__u64 mmap_offset;
	__u64 nr_pages;
};

/**
 * struct edumm_vrw - EDUMM_IOC_VREAD and EDUMM_IOC_VWRITE
 * @handle: (in) an area handle of this file
 * @offset: (in) first byte of the area to read or write
 * @length: (in) bytes; offset + length must not pass the area's last
 *	mapped byte (-EINVAL); 0 is a no-op
 * @buf: (in) user buffer of @length bytes
 *
 * The bytes go through the kernel's vmap() mapping of the area, so a test
 * can compare them with what an mmap() of the same area shows.  A call
 * that fails with -EFAULT has copied the bytes before the faulting one
 * (none if @buf is bad from its first byte), like read(2) and write(2).
 */
struct edumm_vrw {
	__u64 handle;
	__u64 offset;
	__u64 length;
	__u64 buf;
};

/* struct edumm_vdescribe.flags */
#define EDUMM_VDESC_ADDR_REAL	0x1U	/* @addr is the real kernel address */

/**
 * struct edumm_vdescribe - EDUMM_IOC_VDESCRIBE
 * @handle: (in) an area handle of this file
 * @pfns: (in) user array of __u64, @pfn_count entries (may be 0 when
 *	@pfn_count is 0)
 * @pfn_count: (in/out) in: room in @pfns; out: entries written, which is
 *	min(room, @nr_pages).  A short buffer is not an error: the array is
 *	truncated (never -E2BIG), and @nr_pages says how much room a complete
 *	answer needs, so "count 0, then allocate nr_pages" always works.
 * @nr_pages: (out) pages in the area
 * @size: (out) bytes of kernel address space the area spans, its guard
 *	page included (the size column of /proc/vmallocinfo)
 * @addr: (out) the area's kernel virtual start as "%pK" shows it to the
 *	caller: real only where kptr_restrict lets the caller see kernel
 *	pointers (kptr_restrict 1 and CAP_SYSLOG), else hashed (0) or 0 (2)
 * @flags: (out) EDUMM_VDESC_* bits
 * @reserved: (in) must be 0; (out) 0
 *
 * pfns[i] is the real page frame number of page i, in virtual order: the
 * area is contiguous in the kernel's (and an mmap()'s) address space,
 * not in physical memory.
 */
struct edumm_vdescribe {
	__u64 handle;
	__u64 pfns;
	__u64 pfn_count;
	__u64 nr_pages;
	__u64 size;
	__u64 addr;
	__u32 flags;
	__u32 reserved;
};

/**
 * enum edumm_pgwalk_mode - what EDUMM_IOC_PGWALK walks
 * @EDUMM_PGWALK_INVALID: reserved, rejected with -EINVAL
 * @EDUMM_PGWALK_USER: @addr in the caller's own address space, through the
 *	caller's page tables under mmap_read_lock
 * @EDUMM_PGWALK_VMALLOC: byte @offset of area @handle in the kernel's
 *	vmalloc space (the guard page included), cross-checked with
 *	lookup_address()
 */
enum edumm_pgwalk_mode {
	EDUMM_PGWALK_INVALID	= 0,
	EDUMM_PGWALK_USER	= 1,
	EDUMM_PGWALK_VMALLOC	= 2,
};

/**
 * enum edumm_pgwalk_level - page-table levels, top down
 * @EDUMM_PGLEVEL_NONE: reserved (an unused entry)
 * @EDUMM_PGLEVEL_PGD: page global directory (bits 56..48 with 5-level
 *	paging, 47..39 with 4-level)
 * @EDUMM_PGLEVEL_P4D: only with 5-level paging (bits 47..39); with 4-level
 *	paging the P4D is folded into the PGD and has no entry of its own
 * @EDUMM_PGLEVEL_PUD: page upper directory, bits 38..30; a leaf maps 1 GiB
 * @EDUMM_PGLEVEL_PMD: page middle directory, bits 29..21; a leaf maps 2 MiB
 * @EDUMM_PGLEVEL_PTE: page table, bits 20..12; maps 4 KiB
 */
enum edumm_pgwalk_level {
	EDUMM_PGLEVEL_NONE	= 0,
	EDUMM_PGLEVEL_PGD	= 1,
	EDUMM_PGLEVEL_P4D	= 2,
	EDUMM_PGLEVEL_PUD	= 3,
	EDUMM_PGLEVEL_PMD	= 4,
	EDUMM_PGLEVEL_PTE	= 5,
};

/**
 * enum edumm_pgwalk_result - how a walk ended
 * @EDUMM_PGWALK_RESULT_NONE: reserved
 * @EDUMM_PGWALK_MAPPED: a present leaf at @stop_level maps the address
 * @EDUMM_PGWALK_NOT_PRESENT: the entry at @stop_level is not present (an
 *	empty slot, a swap or migration entry): nothing maps the address
 */
enum edumm_pgwalk_result {
	EDUMM_PGWALK_RESULT_NONE	= 0,
	EDUMM_PGWALK_MAPPED		= 1,
	EDUMM_PGWALK_NOT_PRESENT	= 2,
};

/*
 * EDUMM_PTE_* - x86 entry bits, at their hardware positions, as decoded in
 * struct edumm_pgwalk_entry.flags (= the raw value masked with
 * EDUMM_PTE_FLAGS_MASK).  EDUMM_PTE_PSE is PSE (a huge leaf) in a PUD or
 * PMD entry and PAT in a PTE.
 */
#define EDUMM_PTE_P		(0x1ULL)	/* present */
#define EDUMM_PTE_RW		(0x2ULL)	/* writable */
#define EDUMM_PTE_US		(0x4ULL)	/* user accessible */
#define EDUMM_PTE_PWT		(0x8ULL)	/* write-through */
#define EDUMM_PTE_PCD		(0x10ULL)	/* cache disabled */
#define EDUMM_PTE_A		(0x20ULL)	/* accessed */
#define EDUMM_PTE_D		(0x40ULL)	/* dirty (leaves only) */
#define EDUMM_PTE_PSE		(0x80ULL)	/* huge leaf (PUD/PMD); PAT (PTE) */
#define EDUMM_PTE_G		(0x100ULL)	/* global (leaves only) */
#define EDUMM_PTE_NX		(0x8000000000000000ULL)	/* no execute */
#define EDUMM_PTE_FLAGS_MASK	(EDUMM_PTE_P | EDUMM_PTE_RW | EDUMM_PTE_US | \
				 EDUMM_PTE_PWT | EDUMM_PTE_PCD | EDUMM_PTE_A | \
				 EDUMM_PTE_D | EDUMM_PTE_PSE | EDUMM_PTE_G | \
				 EDUMM_PTE_NX)

/**
 * struct edumm_pgwalk_entry - one level of a walk
 * @value: the raw entry
 * @flags: @value & EDUMM_PTE_FLAGS_MASK
 * @pfn: the frame the entry points at: the next table, or for a present
 *	leaf the first page it maps; 0 if not present
 * @index: the entry's index in its table (9 bits of the address)
 * @level: enum edumm_pgwalk_level
 */
struct edumm_pgwalk_entry {
	__u64 value;
	__u64 flags;
	__u64 pfn;
	__u32 index;
	__u32 level;
};

#define EDUMM_PGWALK_MAX_LEVELS	5

/* struct edumm_pgwalk.out_flags */
#define EDUMM_PGWALK_ADDR_REAL	0x1U	/* @vaddr and the indexes are real */
#define EDUMM_PGWALK_LOOKUP_OK	0x2U	/* lookup_address() agreed (VMALLOC) */

/**
 * struct edumm_pgwalk - EDUMM_IOC_PGWALK
 * @addr: (in) USER: the address to walk; VMALLOC: must be 0
 * @handle: (in) VMALLOC: an area handle of this file; USER: must be 0
 * @offset: (in) VMALLOC: byte offset in the area, up to the end of its
 *	guard page; USER: must be 0
 * @mode: (in) enum edumm_pgwalk_mode
 * @flags: (in) must be 0
 * @paging_levels: (out) 5 if 5-level paging (LA57) is on, else 4
 * @result: (out) enum edumm_pgwalk_result
 * @stop_level: (out) enum edumm_pgwalk_level of the last entry read: the
 *	leaf (MAPPED; PUD or PMD for a huge page) or the level at which the
 *	walk found nothing (NOT_PRESENT)
 * @nr_entries: (out) entries filled in @entries, top level first
 * @phys: (out) MAPPED: the physical address the address translates to
 * @pfn: (out) MAPPED: the 4 KiB page frame that holds the address
 * @page_size: (out) MAPPED: bytes the leaf maps (4 KiB, 2 MiB or 1 GiB)
 * @vaddr: (out) the virtual address walked; VMALLOC: as "%pK" shows it to
 *	the caller (see EDUMM_PGWALK_ADDR_REAL)
 * @out_flags: (out) EDUMM_PGWALK_* bits
 * @reserved: (in) must be 0; (out) 0
 * @entries: (out) one per level read
 *
 * A VMALLOC walk that does not show the real address (kptr_restrict) also
 * zeroes every @index, which would reveal it.
 */
struct edumm_pgwalk {
	__u64 addr;
	__u64 handle;
	__u64 offset;
	__u32 mode;
	__u32 flags;
	__u32 paging_levels;
	__u32 result;
	__u32 stop_level;
	__u32 nr_entries;
	__u64 phys;
	__u64 pfn;
	__u64 page_size;
	__u64 vaddr;
	__u32 out_flags;
	__u32 reserved;
	struct edumm_pgwalk_entry entries[EDUMM_PGWALK_MAX_LEVELS];
};

/*
 * EDUMM_IOC_BENCH - time an allocator workload in the kernel, against
 * edumm or against the kernel's own allocator (Documentation/benchmarks.rst).
 *
 * Caps, so that no call can hold the machine for long: at most
 * EDUMM_BENCH_MAX_ITERATIONS iterations per repetition,
 * EDUMM_BENCH_MAX_REPS repetitions, EDUMM_BENCH_MAX_CPUS CPUs (all below
 * 64), EDUMM_BENCH_MAX_BATCH_PAGES pages outstanding per CPU, and
 * iterations * repetitions * max(batch, 1) <= EDUMM_BENCH_MAX_OPS.  A
 * signal ends a running benchmark early with -EINTR; everything it had
 * allocated is freed first.
 */
#define EDUMM_BENCH_MAX_ITERATIONS	0x100000U	/* 2^20 */
#define EDUMM_BENCH_MAX_REPS		16
#define EDUMM_BENCH_MAX_CPUS		16
#define EDUMM_BENCH_MAX_BATCH_PAGES	1024U
#define EDUMM_BENCH_MAX_OPS		0x1000000ULL	/* 2^24 */
/*
 * Pages that the 1-page areas of one EDUMM_BENCH_VMALLOC_FULL_FIT or
 * EDUMM_BENCH_VMALLOC_LONG_BUSY_LIST run hold, size * CPUs (FULL_FIT
 * holds twice as many while it makes its holes): 64 MiB of 4 KiB pages.
 */
#define EDUMM_BENCH_MAX_VMALLOC_BUSY	16384U

/**
 * enum edumm_bench_workload - what one iteration of the timed loop does
 * @EDUMM_BENCH_WL_INVALID: reserved, rejected with -EINVAL
 * @EDUMM_BENCH_PAGE_PAIR: allocate one block of 2^order pages and free it
 *	(batch must be 0); the only workload of EDUMM_BENCH_MODE_CROSS_CPU,
 *	where one CPU allocates and the other frees
 * @EDUMM_BENCH_PAGE_OUTSTANDING: allocate @batch blocks of 2^order pages,
 *	then free them all, in the order allocated
 * @EDUMM_BENCH_PAGE_BULK: allocate @batch order-0 pages with one bulk call
 *	(edumm_alloc_pages_bulk(), alloc_pages_bulk_array()), then free them
 *	one by one (order must be 0)
 *
 * @EDUMM_BENCH_SLAB_PAIR: allocate one object from a cache of @size bytes
 *	and free it (batch 0, order 0): edumm_kmem_cache_alloc() and _free()
 *	on a cache of the request's @design, or kmem_cache_alloc() and
 *	kmem_cache_free() on a kernel cache of the same size, align and flags
 * @EDUMM_BENCH_SLAB_BULK: allocate @batch objects of such a cache with one
 *	bulk call, then free them with one (edumm_kmem_cache_alloc_bulk() and
 *	_free_bulk(), kmem_cache_alloc_bulk() and kmem_cache_free_bulk())
 * @EDUMM_BENCH_KMALLOC_MIX: allocate @batch objects with kmalloc() (edumm's
 *	or the kernel's), of the next @batch sizes of the fixed sequence of
 *	edumm_bench_mix_size(), then kfree() them in the same order (size 0,
 *	order 0, design 0)
 *
 * @EDUMM_BENCH_VMALLOC_PAIR: vmalloc() an area of @size pages and vfree()
 *	it (edumm_vmalloc(), edumm_vfree() for edumm); @size 1 ..
 *	EDUMM_BENCH_MAX_BATCH_PAGES, order and batch 0, as for every vmalloc
 *	workload
 * @EDUMM_BENCH_VMALLOC_FIX_SIZE: lib/test_vmalloc.c's fix_size_alloc_test:
 *	vmalloc() @size pages (its nr_pages parameter), write the first
 *	byte, vfree(); @size 1 .. EDUMM_BENCH_MAX_BATCH_PAGES
 * @EDUMM_BENCH_VMALLOC_FULL_FIT: full_fit_alloc_test: before the timed
 *	loop, @size pairs of 1-page areas are allocated and the second of
 *	each pair freed (and purged), leaving @size 1-page holes between busy
 *	areas; an iteration is a 1-page vmalloc(), a write, vfree().  @size
 *	(test_vmalloc.c: its junk_length) with @size * CPUs at most
 *	EDUMM_BENCH_MAX_VMALLOC_BUSY
 * @EDUMM_BENCH_VMALLOC_LONG_BUSY_LIST: long_busy_list_alloc_test: @size
 *	1-page areas held busy during the loop (test_vmalloc.c: 15000); an
 *	iteration is a 100-page and a 1-page vmalloc(), a write to each, and
 *	both vfree()d.  @size * CPUs at most EDUMM_BENCH_MAX_VMALLOC_BUSY
 * @EDUMM_BENCH_VMALLOC_RANDOM_SIZE: random_size_alloc_test: an iteration
 *	is a vmalloc() of 1 .. @size pages (test_vmalloc.c: 100), a write,
 *	vfree(); the sizes are a fixed pseudo-random sequence (fixed seed),
 *	the same for both backends and on every CPU.  @size 1 ..
 *	EDUMM_BENCH_MAX_BATCH_PAGES
 *
 * Numbers 1..0x0f are page workloads; 0x10..0x1f are kept for the slab
 * layer, 0x20..0x2f for kmalloc and 0x30..0x3f for vmalloc.  The @size of
 * a vmalloc workload counts pages, not bytes (vmalloc() works in whole
 * pages), and one operation (@ops) is one iteration: for
 * LONG_BUSY_LIST, two vmalloc() and two vfree() calls.
 */
enum edumm_bench_workload {
	EDUMM_BENCH_WL_INVALID		= 0,
	EDUMM_BENCH_PAGE_PAIR		= 1,
	EDUMM_BENCH_PAGE_OUTSTANDING	= 2,
	EDUMM_BENCH_PAGE_BULK		= 3,
	EDUMM_BENCH_SLAB_PAIR		= 0x10,
	EDUMM_BENCH_SLAB_BULK		= 0x11,
	EDUMM_BENCH_KMALLOC_MIX		= 0x20,
	EDUMM_BENCH_VMALLOC_PAIR	= 0x30,
	EDUMM_BENCH_VMALLOC_FIX_SIZE	= 0x31,
	EDUMM_BENCH_VMALLOC_FULL_FIT	= 0x32,
	EDUMM_BENCH_VMALLOC_LONG_BUSY_LIST = 0x33,
	EDUMM_BENCH_VMALLOC_RANDOM_SIZE	= 0x34,
};

/*
 * Object workloads: @size of SLAB_PAIR and SLAB_BULK is 1 ..
 * EDUMM_BENCH_MAX_OBJ_SIZE bytes; the objects one CPU holds at once
 * (@batch of SLAB_BULK and KMALLOC_MIX) are at most EDUMM_BENCH_MAX_OBJS,
 * and at most EDUMM_BENCH_MAX_BATCH_PAGES pages' worth of bytes (batch *
 * size, and batch * EDUMM_BENCH_MIX_MAX for the mix).
 */
#define EDUMM_BENCH_MAX_OBJ_SIZE	8192U
#define EDUMM_BENCH_MAX_OBJS		1024U

/*
 * The sizes of EDUMM_BENCH_KMALLOC_MIX: a fixed pseudo-random sequence,
 * the same for both backends and for every run, defined here so that user
 * space can compute what the workload asked for (internal fragmentation
 * per kmalloc class) without asking the kernel.
 *
 * The generator is the 32-bit linear congruential one of ANSI C's rand()
 * example (x = x * 1103515245 + 12345 mod 2^32), started from
 * EDUMM_BENCH_MIX_SEED; each size takes two steps and uses bits 16..30 of
 * each.  The first picks a power-of-two range uniformly among the eleven
 * 8, 9..16, 17..32, ..., 4097..8192, the second a size uniformly inside
 * it: log-uniform over EDUMM_BENCH_MIX_MIN .. EDUMM_BENCH_MIX_MAX, so
 * that every kmalloc class from 8 to 8192 bytes is used (96 and 192 by
 * the sizes 65..96 and 129..192), small ones as often as large ones.
 * The workload cycles through the first EDUMM_BENCH_MIX_LEN sizes: the
 * n-th allocation of a CPU in a call has size number n % EDUMM_BENCH_MIX_LEN.
 */
#define EDUMM_BENCH_MIX_SEED		0x2545f491U
#define EDUMM_BENCH_MIX_LEN		1024U
#define EDUMM_BENCH_MIX_MIN		8U
#define EDUMM_BENCH_MIX_MAX		8192U

/**
 * edumm_bench_mix_size() - the next size of the KMALLOC_MIX sequence
 * @state: generator state, EDUMM_BENCH_MIX_SEED before the first call
 *
 * Return: a size in EDUMM_BENCH_MIX_MIN .. EDUMM_BENCH_MIX_MAX.
 */
static inline __u32 edumm_bench_mix_size(__u32 *state)
{
	__u32 shift, lo, span;

	*state = *state * 1103515245U + 12345U;
	shift = 3 + ((*state >> 16) & 0x7fff) % 11;	/* 3 .. 13 */
	*state = *state * 1103515245U + 12345U;
	lo = shift == 3 ? 8 : (1U << (shift - 1)) + 1;
	span = (1U << shift) - lo + 1;
	return lo + ((*state >> 16) & 0x7fff) % span;
}

/**
 * enum edumm_bench_backend - whose allocator the loop calls
 * @EDUMM_BENCH_BACKEND_INVALID: reserved, rejected with -EINVAL
 * @EDUMM_BENCH_BACKEND_EDUMM: edumm's (the module's pool)
 * @EDUMM_BENCH_BACKEND_KERNEL: the running kernel's (alloc_pages() ...)
 */
enum edumm_bench_backend {
	EDUMM_BENCH_BACKEND_INVALID	= 0,
	EDUMM_BENCH_BACKEND_EDUMM	= 1,
	EDUMM_BENCH_BACKEND_KERNEL	= 2,
};

/**
 * enum edumm_bench_mode - how many CPUs run the loop, and how
 * @EDUMM_BENCH_MODE_INVALID: reserved, rejected with -EINVAL
 * @EDUMM_BENCH_MODE_SINGLE: one kernel thread on the one CPU of cpu_mask
 * @EDUMM_BENCH_MODE_CONCURRENT: one kernel thread bound to each CPU of
 *	cpu_mask, all starting each repetition together
 * @EDUMM_BENCH_MODE_CROSS_CPU: exactly two CPUs: the lower allocates, the
 *	higher frees what it allocated (EDUMM_BENCH_PAGE_PAIR only)
 */
enum edumm_bench_mode {
	EDUMM_BENCH_MODE_INVALID	= 0,
	EDUMM_BENCH_MODE_SINGLE		= 1,
	EDUMM_BENCH_MODE_CONCURRENT	= 2,
	EDUMM_BENCH_MODE_CROSS_CPU	= 3,
};

/**
 * struct edumm_bench - EDUMM_IOC_BENCH
 * @workload: (in) an enum edumm_bench_workload other than INVALID
 * @backend: (in) an enum edumm_bench_backend other than INVALID
 * @mode: (in) an enum edumm_bench_mode other than INVALID
 * @order: (in) page workloads: 0 .. EDUMM_MAX_ORDER - 1
 * @size: (in) SLAB_PAIR and SLAB_BULK: object size in bytes, 1 ..
 *	EDUMM_BENCH_MAX_OBJ_SIZE; every other workload: 0
 * @batch: (in) blocks per iteration of OUTSTANDING and BULK, at least 1,
 *	with batch << order <= EDUMM_BENCH_MAX_BATCH_PAGES; 0 for PAIR;
 *	objects per iteration of SLAB_BULK and KMALLOC_MIX, 1 ..
 *	EDUMM_BENCH_MAX_OBJS (see there); 0 for SLAB_PAIR
 * @iterations: (in) loop iterations per CPU per repetition,
 *	1 .. EDUMM_BENCH_MAX_ITERATIONS
 * @repetitions: (in) 1 .. EDUMM_BENCH_MAX_REPS; each one is reported
 * @cpu_mask: (in) CPUs to run on, bit n for CPU n: online CPUs only, one
 *	for SINGLE, two for CROSS_CPU, 1 .. EDUMM_BENCH_MAX_CPUS for
 *	CONCURRENT
 * @flags: (in) must be 0
 * @nr_cpus: (out) CPUs that ran the loop (the bits of @cpu_mask)
 * @ops: (out) allocations per CPU per repetition: iterations * max(batch, 1)
 *	(CROSS_CPU: the allocating CPU's; the other frees as many)
 * @empty_ns: (out) cost of the empty loop of @iterations iterations (the
 *	loop with the same call through the same pointer, and no body), the
 *	least of @repetitions measurements; already subtracted from @ns
 * @empty_cycles: (out) the same in get_cycles() units
 * @ns: (out) per repetition: nanoseconds from the common start to the
 *	last CPU's end, less @empty_ns; 0 beyond @repetitions
 * @cycles: (out) per repetition: get_cycles() of the slowest CPU, less
 *	@empty_cycles; 0 beyond @repetitions
 * @cpu_ns: (out) per CPU, in the order of the bits of @cpu_mask: its own
 *	loop time less @empty_ns, summed over the repetitions; 0 beyond
 *	@nr_cpus
 * @design: (in) SLAB_PAIR and SLAB_BULK: the edumm design of the cache,
 *	an enum edumm_design other than INVALID (DEFAULT: the module's
 *	slab_design=); with the kernel backend it is checked the same way
 *	but not used (the kernel has its one allocator, SLUB in Debian);
 *	every other workload: 0 (not given; KMALLOC_MIX uses the design of
 *	edumm's kmalloc caches)
 * @pad0: (in) must be 0
 * @reserved: (in/out) must be 0 on input, 0 on output
 *
 * Per-operation cost: ns[r] / ops.  Aggregate throughput of a
 * CONCURRENT run: nr_cpus * ops / ns[r] operations per nanosecond.
 * Errors: -EINVAL (any field out of range, a CPU that is offline or above
 * 63), -ENOMEM (an allocation of the loop failed: the run stops and frees
 * what it holds), -EINTR (a signal), -EFAULT.
 */
struct edumm_bench {
	__u32 workload;
	__u32 backend;
	__u32 mode;
	__u32 order;
	__u32 size;
	__u32 batch;
	__u32 iterations;
	__u32 repetitions;
	__u64 cpu_mask;
	__u32 flags;
	__u32 nr_cpus;
	__u64 ops;
	__u64 empty_ns;
	__u64 empty_cycles;
	__u64 ns[EDUMM_BENCH_MAX_REPS];
	__u64 cycles[EDUMM_BENCH_MAX_REPS];
	__u64 cpu_ns[EDUMM_BENCH_MAX_CPUS];
	__u32 design;
	__u32 pad0;
	__u64 reserved[3];
};

/* 'Y' is not taken in Documentation/userspace-api/ioctl/ioctl-number.rst */
#define EDUMM_IOC_MAGIC		'Y'

#define EDUMM_IOC_VERSION	_IOR(EDUMM_IOC_MAGIC, 0x00, struct edumm_version)
#define EDUMM_IOC_PAGE_ALLOC	_IOWR(EDUMM_IOC_MAGIC, 0x01, struct edumm_page_alloc)
#define EDUMM_IOC_FREE		_IOW(EDUMM_IOC_MAGIC, 0x02, struct edumm_handle)
#define EDUMM_IOC_INFO		_IOR(EDUMM_IOC_MAGIC, 0x03, struct edumm_info)
#define EDUMM_IOC_BENCH		_IOWR(EDUMM_IOC_MAGIC, 0x40, struct edumm_bench)

/* slab and kmalloc: 0x10 .. 0x2f */
#define EDUMM_IOC_CACHE_CREATE	_IOWR(EDUMM_IOC_MAGIC, 0x10, struct edumm_cache_create)
#define EDUMM_IOC_CACHE_DESTROY	_IOW(EDUMM_IOC_MAGIC, 0x11, struct edumm_cache_ref)
#define EDUMM_IOC_CACHE_INFO	_IOWR(EDUMM_IOC_MAGIC, 0x12, struct edumm_cache_query)
#define EDUMM_IOC_CACHE_SHRINK	_IOWR(EDUMM_IOC_MAGIC, 0x13, struct edumm_cache_shrink)
#define EDUMM_IOC_OBJ_ALLOC	_IOWR(EDUMM_IOC_MAGIC, 0x14, struct edumm_obj_alloc)
#define EDUMM_IOC_OBJ_FREE	_IOW(EDUMM_IOC_MAGIC, 0x15, struct edumm_obj_ref)
#define EDUMM_IOC_OBJ_BULK_ALLOC	_IOW(EDUMM_IOC_MAGIC, 0x16, struct edumm_obj_bulk)
#define EDUMM_IOC_OBJ_BULK_FREE	_IOW(EDUMM_IOC_MAGIC, 0x17, struct edumm_obj_bulk)
#define EDUMM_IOC_KMALLOC	_IOWR(EDUMM_IOC_MAGIC, 0x18, struct edumm_kmalloc)
#define EDUMM_IOC_KFREE		_IOW(EDUMM_IOC_MAGIC, 0x19, struct edumm_obj_ref)
#define EDUMM_IOC_KREALLOC	_IOWR(EDUMM_IOC_MAGIC, 0x1a, struct edumm_krealloc)
#define EDUMM_IOC_KSIZE		_IOWR(EDUMM_IOC_MAGIC, 0x1b, struct edumm_ksize)
#define EDUMM_IOC_OBJ_READ	_IOW(EDUMM_IOC_MAGIC, 0x1c, struct edumm_obj_rw)
#define EDUMM_IOC_OBJ_WRITE	_IOW(EDUMM_IOC_MAGIC, 0x1d, struct edumm_obj_rw)
#define EDUMM_IOC_CORRUPT	_IOWR(EDUMM_IOC_MAGIC, 0x1e, struct edumm_corrupt)
#define EDUMM_IOC_VMALLOC	_IOWR(EDUMM_IOC_MAGIC, 0x30, struct edumm_vmalloc)
#define EDUMM_IOC_VFREE		_IOW(EDUMM_IOC_MAGIC, 0x31, struct edumm_handle)
#define EDUMM_IOC_VREAD		_IOW(EDUMM_IOC_MAGIC, 0x32, struct edumm_vrw)
#define EDUMM_IOC_VWRITE	_IOW(EDUMM_IOC_MAGIC, 0x33, struct edumm_vrw)
#define EDUMM_IOC_VDESCRIBE	_IOWR(EDUMM_IOC_MAGIC, 0x34, struct edumm_vdescribe)
#define EDUMM_IOC_PGWALK	_IOWR(EDUMM_IOC_MAGIC, 0x35, struct edumm_pgwalk)

#endif /* _UAPI_LINUX_EDUMM_H */
