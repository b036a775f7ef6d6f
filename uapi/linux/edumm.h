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

/* 'Y' is not taken in Documentation/userspace-api/ioctl/ioctl-number.rst */
#define EDUMM_IOC_MAGIC		'Y'

#define EDUMM_IOC_VERSION	_IOR(EDUMM_IOC_MAGIC, 0x00, struct edumm_version)
#define EDUMM_IOC_PAGE_ALLOC	_IOWR(EDUMM_IOC_MAGIC, 0x01, struct edumm_page_alloc)
#define EDUMM_IOC_FREE		_IOW(EDUMM_IOC_MAGIC, 0x02, struct edumm_handle)
#define EDUMM_IOC_INFO		_IOR(EDUMM_IOC_MAGIC, 0x03, struct edumm_info)

#define EDUMM_IOC_VMALLOC	_IOWR(EDUMM_IOC_MAGIC, 0x30, struct edumm_vmalloc)
#define EDUMM_IOC_VFREE		_IOW(EDUMM_IOC_MAGIC, 0x31, struct edumm_handle)
#define EDUMM_IOC_VREAD		_IOW(EDUMM_IOC_MAGIC, 0x32, struct edumm_vrw)
#define EDUMM_IOC_VWRITE	_IOW(EDUMM_IOC_MAGIC, 0x33, struct edumm_vrw)
#define EDUMM_IOC_VDESCRIBE	_IOWR(EDUMM_IOC_MAGIC, 0x34, struct edumm_vdescribe)
#define EDUMM_IOC_PGWALK	_IOWR(EDUMM_IOC_MAGIC, 0x35, struct edumm_pgwalk)

#endif /* _UAPI_LINUX_EDUMM_H */
