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
 * Numbers 1..0x0f are page workloads; 0x10..0x1f are kept for the slab
 * layer, 0x20..0x2f for kmalloc and 0x30..0x3f for vmalloc.
 */
enum edumm_bench_workload {
	EDUMM_BENCH_WL_INVALID		= 0,
	EDUMM_BENCH_PAGE_PAIR		= 1,
	EDUMM_BENCH_PAGE_OUTSTANDING	= 2,
	EDUMM_BENCH_PAGE_BULK		= 3,
};

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
 * @size: (in) object workloads (later layers): bytes; page workloads: 0
 * @batch: (in) blocks per iteration of OUTSTANDING and BULK, at least 1,
 *	with batch << order <= EDUMM_BENCH_MAX_BATCH_PAGES; 0 for PAIR
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
	__u64 reserved[4];
};

/* 'Y' is not taken in Documentation/userspace-api/ioctl/ioctl-number.rst */
#define EDUMM_IOC_MAGIC		'Y'

#define EDUMM_IOC_VERSION	_IOR(EDUMM_IOC_MAGIC, 0x00, struct edumm_version)
#define EDUMM_IOC_PAGE_ALLOC	_IOWR(EDUMM_IOC_MAGIC, 0x01, struct edumm_page_alloc)
#define EDUMM_IOC_FREE		_IOW(EDUMM_IOC_MAGIC, 0x02, struct edumm_handle)
#define EDUMM_IOC_INFO		_IOR(EDUMM_IOC_MAGIC, 0x03, struct edumm_info)
#define EDUMM_IOC_BENCH		_IOWR(EDUMM_IOC_MAGIC, 0x40, struct edumm_bench)

#endif /* _UAPI_LINUX_EDUMM_H */
