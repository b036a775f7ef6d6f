// SPDX-License-Identifier: GPL-2.0
/*
 * edumm_fuzz - a seeded, multi-process fuzzer of /dev/edumm.
 *
 *   edumm_fuzz [--seed S] [--calls N] [--procs P] [--worker W]
 *              [--fail-probability PCT] [--verbose]
 *
 * P worker processes (default 4), each with its own file descriptor (its
 * own edumm client), run N calls between them (default 50000).  A call is
 * one step of a random program over the uapi:
 *   - an ioctl of the table with valid, boundary (0, 1, the limits and one
 *     past them, the sign bit, ~0) or garbage fields, through a good,
 *     unaligned, in-a-mapped-block, read-only, half read-only, NULL,
 *     unmapped, PROT_NONE, too short (runs into a guard page), kernel,
 *     non-canonical or low pointer; an unknown ioctl command;
 *   - mmap() of a block, valid or not (length, offset, flags), sometimes
 *     MAP_FIXED over another mapping; munmap() of a whole mapping, its
 *     head, its tail or a hole; mremap() (move all or part, shrink, grow,
 *     duplicate, move over another mapping); mprotect() and
 *     madvise(MADV_DONTNEED) of all or part of a mapping (VMA splits);
 *   - writing or verifying a block's pattern; vmsplice() of mapped pages
 *     into a pipe, which keeps references to them, and reading them back;
 *   - two threads racing on one block: FREE against mmap(), FREE, or the
 *     munmap() of its last mapping;
 *   - fork(): the child either fuzzes on in the fd it shares with its
 *     parent (the same client) and exits with or without freeing what it
 *     holds, or exits at once, holding copies of its parent's mappings;
 *   - the slab ioctls: caches of every design created (valid, taken and
 *     bad names), destroyed (with and without objects), queried with and
 *     without validation, shrunk; objects allocated and freed one by one
 *     and in bulk (1..1024, duplicates, foreign handles, bad arrays),
 *     kmalloc/krealloc/ksize/kfree at and around every class boundary,
 *     object bytes read and written in and out of bounds; a handle of the
 *     wrong kind; EDUMM_IOC_CORRUPT only where it must be refused (-EPERM,
 *     or an invalid op with allow_corruption=1);
 *   - vmalloc areas (EDUMM_IOC_VMALLOC .. EDUMM_IOC_PGWALK): each area has
 *     a shadow copy of its bytes, which VWRITE updates and VREAD, an
 *     mmap() of the area and EDUMM_IOC_VFREE while it is mapped (-EBUSY)
 *     check; the page-table walker on the process's own memory, bad
 *     addresses and the areas' kernel addresses, guard pages included;
 *   - close and reopen of the device (mapped blocks outlive the close,
 *     pinned ones become orphans), a debugfs read or write (check must
 *     say "ok" at any moment, also mid-run).
 * At its end a process either unmaps, frees and closes everything (all of
 * which must succeed) or exits holding it.
 *
 * The oracle.  Every call has the exact set of results the uapi allows for
 * that input (uapi/linux/edumm.h): an unknown command only -ENOTTY; a bad
 * pointer only -EFAULT; a bad order, migratetype, flag or reserved field
 * only -EINVAL; an unknown handle only -ENOENT; freeing a mapped or pinned
 * block only -EBUSY; a valid allocation only 0 or -ENOMEM.  A failed call
 * must leave the argument as it was, a success must echo every (in) field
 * and zero every reserved (out) field, and nothing may be written outside
 * the argument.  The slab model of a process (its caches, each object's
 * cache or kmalloc size, objects allocated zeroed) gives the exact result
 * of every slab call the same way: -EBUSY for a cache with objects,
 * -ENOENT for a handle of the other kind, the kernel's ksize() for every
 * kmalloc size, zeroes read back from a zeroed object.
 * Each page of a block carries a pattern derived from the
 * process that allocated it, the handle, the page and a per-page
 * generation, or zeroes if it was never written; it is checked before
 * every munmap(), when it is read back through a pipe, and at the end.
 * Anything else is a failure, reported with the process, its seed, the
 * call number and the call itself.  While another process may allocate on
 * the same client (after a fork), only handles that cannot be live are
 * used as "unknown" ones.
 *
 * After every worker has exited: one open/close of the device (which
 * returns released orphans to the pool), "drain" into debugfs control,
 * debugfs check must read exactly "ok", and the pool's allocated_pages and
 * (after the drain) free_pages must be back to their values from before
 * the run.
 *
 * Fault injection.  --fail-probability PCT sets edumm's fault_attr knobs
 * in /sys/kernel/debug/edumm/fail/ (probability=PCT interval=1 times=-1
 * space=0 verbose=0) for the run and restores the old values afterwards,
 * also when the run fails or is interrupted.  Calls that allocate
 * (EDUMM_IOC_PAGE_ALLOC, EDUMM_IOC_VMALLOC, open()) may then also fail with -ENOMEM;
 * everything else must hold as before.  Before the run a probe checks that
 * the knobs make PAGE_ALLOC fail, and where fail/injected exists that
 * every injected failure came out as exactly one -ENOMEM.
 *
 * Reproducing.  Worker w runs on the seed mix64(S ^ mix64(w + 1)) and each
 * fork child on a seed drawn from its parent's stream: every choice of a
 * process follows from its seed and the results the kernel gave it (a
 * race always ends in the same state, whichever thread won).  A replay of
 * the printed command line takes the same path as long as those results
 * do not depend on timing: they do once the pool runs short (-ENOMEM),
 * under fault injection (the kernel's random choices), and once a fork
 * child allocates on the fd it shares with its parent (the handle numbers
 * interleave).  --worker W runs worker W of the P alone (its seed and its
 * share of the calls), a smaller --calls a prefix of the same run, and
 * --verbose prints every call.
 *
 * Adding an ioctl.  Describe its structure with FZ_FIELD()s (a kind per
 * field: range, mask, reserved-zero, handle, output) and add one
 * FZ_IOCTL() row to ioctls[]; the fuzzer derives the size and direction
 * from the command number and checks at start-up that the fields tile the
 * structure.  selftests/Makefile refuses to build the fuzzer while an
 * EDUMM_IOC_* command of the uapi header has no row.
 *
 * Output is TAP; the exit status is 0 only if everything held, 4 (skip)
 * without the device unless EDUMM_REQUIRE_DEVICE is set.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <linux/edumm.h>

#include "kselftest.h"

#define EDUMM_DEV		"/dev/edumm"
#define EDUMM_DEBUGFS		"/sys/kernel/debug/edumm"
#define EDUMM_FAIL_DIR		EDUMM_DEBUGFS "/fail"

#define DEFAULT_CALLS		50000ULL
#define DEFAULT_PROCS		4U
#define MAX_PROCS		64U

#define MAX_BLOCKS		64	/* blocks one process tracks */
#define MAX_MAPS		128	/* mappings one process tracks */
#define MAX_FREED		16	/* freed handles remembered */
#define MAX_PINS		8	/* pipes holding block pages */
#define PIN_PAGES		16	/* a pipe's default capacity */
#define MAX_CHILDREN		2	/* live fork children of a process */
#define MAX_DEPTH		2	/* fork generations below a worker */
#define MAX_ARG			512	/* largest ioctl argument */
#define MAX_CACHES		8	/* slab caches one process tracks */
#define MAX_OBJS		256	/* slab/kmalloc objects one process tracks */
#define CANARY			64	/* guard bytes on each side of it */
#define CANARY_BYTE		0xa5
#define NR_ERRNO		135	/* result buckets: 0..133, 134 other */
#define MSG_MAX			2048

/* No handle from here on can be live: a run makes far fewer allocations. */
#define SURELY_DEAD_HANDLE	0x100000000ULL

/*** results: sets of allowed outcomes ***/

enum {
	EB_OK, EB_ENOENT, EB_ENOMEM, EB_EFAULT, EB_EBUSY, EB_EINVAL,
	EB_ENOTTY, EB_EOVERFLOW, EB_EEXIST, EB_EPERM, EB_EIO, EB_E2BIG, NR_EB,
};

static const int eb_errno[NR_EB] = {
	0, ENOENT, ENOMEM, EFAULT, EBUSY, EINVAL, ENOTTY, EOVERFLOW, EEXIST,
	EPERM, EIO, E2BIG,
};

#define E(name)			(1U << EB_##name)

/* The bit of a result (0 or a positive errno); 0 if it is none of ours. */
static unsigned int ebit(int err)
{
	unsigned int i;

	for (i = 0; i < NR_EB; i++)
		if (eb_errno[i] == err)
			return 1U << i;
	return 0;
}

static const char *errname(int err)
{
	static char buf[16];
	const char *name;

	if (!err)
		return "0";
	name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(buf, sizeof(buf), "errno %d", err);
	return buf;
}

static const char *eset_str(unsigned int set, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < NR_EB; i++) {
		if (!(set & 1U << i))
			continue;
		len += snprintf(buf + len, size - len, "%s%s", len ? "|" : "",
				errname(eb_errno[i]));
		if (len >= size)
			break;
	}
	return buf;
}

/*** the ioctl table ***/

enum fz_kind {
	FK_RANGE,	/* (in) valid in [lo, hi], else ->err */
	FK_MASK,	/* (in) valid if no bit outside hi, else ->err */
	FK_ZERO,	/* (in) reserved: must be 0, else ->err */
	FK_HANDLE,	/* (in) a live handle of this file, else ENOENT */
	FK_OUT,		/* (out) the input is ignored */
	FK_OUT_ZERO,	/* (out) reserved: input ignored, 0 on output */
	FK_CACHE,	/* (in) a live cache id of this process, else ENOENT */
	FK_OBJ,		/* (in) a live object handle of this process, else ENOENT */
	FK_RAW,		/* (in) checked by the row's expect(), set by slab_prep() */
	FK_VHANDLE,	/* (in) a live vmalloc area handle, else ENOENT */
	FK_UPTR,	/* (in) a user buffer: the scratch area or a bad one */
	FK_INOUT,	/* (in/out) any input; done() checks the output */
	FK_CHECKED,	/* (in) valid unless ->check() says otherwise */
};

/*
 * A field of an ioctl structure.  The uapi structures have no implicit
 * padding, so the fields tile the structure and check_table() derives each
 * field's size from the next field's offset (or the size in the command).
 */
struct fz_field {
	const char *name;		/* NULL ends the list */
	unsigned int offset;
	unsigned int size;		/* element: 4 or 8 (check_table()) */
	unsigned int count;		/* array elements (1: a scalar) */
	enum fz_kind kind;
	__u64 lo, hi;
	unsigned int err;		/* E() of an invalid value */
	__u64 (*gen)(void);		/* valid values, if not uniform */
	unsigned int (*check)(__u64 v);	/* FK_CHECKED: E() bits, 0 if valid */
};

#define FZ_FIELD(type, member, k, l, h, e, g) {				\
	.name = #member,						\
	.offset = offsetof(type, member),				\
	.kind = k, .lo = l, .hi = h, .err = e, .gen = g,		\
}

#define FZ_OUTPUT(type, member)						\
	FZ_FIELD(type, member, FK_OUT, 0, 0, 0, NULL)

#define FZ_CHECKED(type, member, c, g) {				\
	.name = #member,						\
	.offset = offsetof(type, member),				\
	.kind = FK_CHECKED, .check = c, .gen = g,			\
}

#define FZ_ARRAY(type, member, elem_size, n, k) {			\
	.name = #member,						\
	.offset = offsetof(type, member),				\
	.size = elem_size, .count = n,					\
	.kind = k, .err = E(EINVAL),					\
}

struct fz_ioctl {
	const char *name;
	unsigned int cmd;
	struct fz_field *fields;
	unsigned int nr_fields;		/* counted by check_table() */
	unsigned int weight;		/* relative frequency */
	bool allocates;			/* ENOMEM under fault injection */
	/* results of a call whose fields are all valid (E() bits) */
	unsigned int (*expect)(const void *arg);
	/* check the output of a success, update the model */
	void (*done)(const void *in, const void *out);
	/* optional: after an allowed error */
	void (*failed)(const void *in, int err);
	/*
	 * optional: adjust the generated argument before the call, e.g. make
	 * valid but slow values cheap (the benchmark's iteration counts)
	 */
	void (*prepare)(void *arg);
};

/* More members (e.g. .prepare = fn) may follow the seven. */
#define FZ_IOCTL(c, f, w, a, e, d, fl, ...) {				\
	.name = #c, .cmd = c, .fields = f,				\
	.weight = w, .allocates = a, .expect = e, .done = d,		\
	.failed = fl, ##__VA_ARGS__					\
}

static __u64 gen_order(void);
static int sys_ioctl(int fd, unsigned int cmd, void *arg);
static void krealloc_failed(const void *in, int err);
static unsigned int expect_ok(const void *arg);
static unsigned int expect_alloc(const void *arg);
static unsigned int expect_free(const void *arg);
static void version_done(const void *in, const void *out);
static void alloc_done(const void *in, const void *out);
static void free_done(const void *in, const void *out);
static void free_failed(const void *in, int err);
static void info_done(const void *in, const void *out);
static __u64 gen_cache_size(void);
static __u64 gen_align(void);
static __u64 gen_bulk_count(void);
static __u64 gen_kmalloc_size(void);
static __u64 gen_rw_length(void);
static __u64 gen_rw_offset(void);
static unsigned int expect_cache_create(const void *arg);
static unsigned int expect_cache_destroy(const void *arg);
static unsigned int expect_obj_free(const void *arg);
static unsigned int expect_bulk_alloc(const void *arg);
static unsigned int expect_bulk_free(const void *arg);
static unsigned int expect_kmalloc(const void *arg);
static unsigned int expect_kfree(const void *arg);
static unsigned int expect_krealloc(const void *arg);
static unsigned int expect_obj_read(const void *arg);
static unsigned int expect_obj_write(const void *arg);
static unsigned int expect_corrupt(const void *arg);
static void cache_create_done(const void *in, const void *out);
static void cache_destroy_done(const void *in, const void *out);
static void cache_info_done(const void *in, const void *out);
static void nothing_done(const void *in, const void *out);
static void obj_alloc_done(const void *in, const void *out);
static void obj_free_done(const void *in, const void *out);
static void bulk_alloc_done(const void *in, const void *out);
static void bulk_free_done(const void *in, const void *out);
static void kmalloc_done(const void *in, const void *out);
static void krealloc_done(const void *in, const void *out);
static void ksize_done(const void *in, const void *out);
static void obj_read_done(const void *in, const void *out);
static void obj_write_done(const void *in, const void *out);
static unsigned int check_vsize(__u64 v);
static __u64 gen_vsize(void);
static __u64 gen_voffset(void);
static __u64 gen_vlength(void);
static __u64 gen_pfn_count(void);
static __u64 gen_walk_addr(void);
static __u64 gen_walk_handle(void);
static __u64 gen_walk_offset(void);
static __u64 gen_walk_mode(void);
static unsigned int expect_vrw(const void *arg);
static unsigned int expect_vdescribe(const void *arg);
static unsigned int expect_pgwalk(const void *arg);
static void vmalloc_done(const void *in, const void *out);
static void vfree_done(const void *in, const void *out);
static void vread_done(const void *in, const void *out);
static void vwrite_done(const void *in, const void *out);
static void vdescribe_done(const void *in, const void *out);
static void pgwalk_done(const void *in, const void *out);
static int find_area(__u64 h);
static int pick_area(void);
static __u64 gen_dead_vhandle(void);
static bool vhandle_surely_dead(__u64 h);
static __u64 gen_uptr(void);
static __u64 gen_bad_uptr(void);
static unsigned int check_bench_workload(__u64 v);
static __u64 gen_bench_workload(void);
static __u64 gen_bench_order(void);
static __u64 gen_bench_small(void);
static __u64 gen_bench_batch(void);
static __u64 gen_bench_mask(void);
static __u64 gen_bench_design(void);
static unsigned int expect_bench(const void *arg);
static void bench_done(const void *in, const void *out);
static void bench_prepare(void *arg);

static struct fz_field version_fields[] = {
	FZ_OUTPUT(struct edumm_version, major),
	FZ_OUTPUT(struct edumm_version, minor),
	FZ_OUTPUT(struct edumm_version, patch),
	FZ_FIELD(struct edumm_version, reserved, FK_OUT_ZERO, 0, 0, 0, NULL),
	{ }
};

static struct fz_field page_alloc_fields[] = {
	FZ_FIELD(struct edumm_page_alloc, order, FK_RANGE,
		 0, EDUMM_MAX_ORDER - 1, E(EINVAL), gen_order),
	FZ_FIELD(struct edumm_page_alloc, migratetype, FK_RANGE,
		 EDUMM_MIGRATE_UNMOVABLE, EDUMM_MIGRATE_RECLAIMABLE, E(EINVAL),
		 NULL),
	FZ_FIELD(struct edumm_page_alloc, flags, FK_MASK,
		 0, EDUMM_ALLOC_FLAGS_MASK, E(EINVAL), NULL),
	FZ_FIELD(struct edumm_page_alloc, reserved, FK_ZERO, 0, 0, E(EINVAL),
		 NULL),
	FZ_OUTPUT(struct edumm_page_alloc, handle),
	FZ_OUTPUT(struct edumm_page_alloc, pfn),
	FZ_OUTPUT(struct edumm_page_alloc, mmap_offset),
	{ }
};

static struct fz_field handle_fields[] = {
	FZ_FIELD(struct edumm_handle, handle, FK_HANDLE, 0, 0, E(ENOENT),
		 NULL),
	{ }
};

static struct fz_field info_fields[] = {
	FZ_OUTPUT(struct edumm_info, page_size),
	FZ_OUTPUT(struct edumm_info, max_order),
	FZ_OUTPUT(struct edumm_info, nr_nodes),
	FZ_OUTPUT(struct edumm_info, nr_zones),
	FZ_OUTPUT(struct edumm_info, pool_pages),
	FZ_OUTPUT(struct edumm_info, free_pages),
	FZ_OUTPUT(struct edumm_info, pcp_pages),
	FZ_OUTPUT(struct edumm_info, allocated_pages),
	FZ_OUTPUT(struct edumm_info, metadata_bytes),
	FZ_ARRAY(struct edumm_info, reserved, sizeof(__u64), 8, FK_OUT_ZERO),
	{ }
};

/*** the slab and kmalloc ioctls ***/

static struct fz_field cache_create_fields[] = {
	FZ_ARRAY(struct edumm_cache_create, name, sizeof(__u64), 4, FK_RAW),
	FZ_FIELD(struct edumm_cache_create, size, FK_RANGE,
		 1, EDUMM_CACHE_MAX_SIZE, E(EINVAL), gen_cache_size),
	FZ_FIELD(struct edumm_cache_create, align, FK_RAW, 0, 0, 0, gen_align),
	FZ_FIELD(struct edumm_cache_create, flags, FK_MASK,
		 0, EDUMM_CACHE_FLAGS_MASK, E(EINVAL), NULL),
	FZ_FIELD(struct edumm_cache_create, design, FK_RANGE,
		 EDUMM_DESIGN_SLUB, EDUMM_DESIGN_DEFAULT, E(EINVAL), NULL),
	FZ_FIELD(struct edumm_cache_create, reserved, FK_ZERO, 0, 0, E(EINVAL),
		 NULL),
	FZ_OUTPUT(struct edumm_cache_create, slab_size),
	FZ_OUTPUT(struct edumm_cache_create, cache),
	FZ_OUTPUT(struct edumm_cache_create, objs_per_slab),
	FZ_OUTPUT(struct edumm_cache_create, order),
	FZ_FIELD(struct edumm_cache_create, reserved2, FK_OUT_ZERO, 0, 0, 0,
		 NULL),
	{ }
};

static struct fz_field cache_ref_fields[] = {
	FZ_FIELD(struct edumm_cache_ref, cache, FK_CACHE, 0, 0, E(ENOENT), NULL),
	{ }
};

static struct fz_field cache_query_fields[] = {
	FZ_FIELD(struct edumm_cache_query, cache, FK_CACHE, 0, 0, E(ENOENT),
		 NULL),
	FZ_FIELD(struct edumm_cache_query, flags, FK_MASK,
		 0, EDUMM_CACHE_INFO_VALIDATE, E(EINVAL), NULL),
	FZ_FIELD(struct edumm_cache_query, reserved, FK_ZERO, 0, 0, E(EINVAL),
		 NULL),
	FZ_ARRAY(struct edumm_cache_query, name, sizeof(__u64), 4, FK_OUT),
	FZ_OUTPUT(struct edumm_cache_query, design),
	FZ_OUTPUT(struct edumm_cache_query, object_size),
	FZ_OUTPUT(struct edumm_cache_query, slab_size),
	FZ_OUTPUT(struct edumm_cache_query, align),
	FZ_OUTPUT(struct edumm_cache_query, objs_per_slab),
	FZ_OUTPUT(struct edumm_cache_query, order),
	FZ_OUTPUT(struct edumm_cache_query, cache_flags),
	FZ_FIELD(struct edumm_cache_query, reserved2, FK_OUT_ZERO, 0, 0, 0,
		 NULL),
	FZ_OUTPUT(struct edumm_cache_query, active_objs),
	FZ_OUTPUT(struct edumm_cache_query, num_objs),
	FZ_OUTPUT(struct edumm_cache_query, active_slabs),
	FZ_OUTPUT(struct edumm_cache_query, num_slabs),
	FZ_OUTPUT(struct edumm_cache_query, errors),
	FZ_OUTPUT(struct edumm_cache_query, validate_errors),
	FZ_OUTPUT(struct edumm_cache_query, objects),
	FZ_ARRAY(struct edumm_cache_query, reserved3, sizeof(__u64), 3,
		 FK_OUT_ZERO),
	{ }
};

static struct fz_field cache_shrink_fields[] = {
	FZ_FIELD(struct edumm_cache_shrink, cache, FK_CACHE, 0, 0, E(ENOENT),
		 NULL),
	FZ_OUTPUT(struct edumm_cache_shrink, pages),
	{ }
};

static struct fz_field obj_alloc_fields[] = {
	FZ_FIELD(struct edumm_obj_alloc, cache, FK_CACHE, 0, 0, E(ENOENT),
		 NULL),
	FZ_FIELD(struct edumm_obj_alloc, flags, FK_MASK,
		 0, EDUMM_OBJ_FLAGS_MASK, E(EINVAL), NULL),
	FZ_FIELD(struct edumm_obj_alloc, reserved, FK_ZERO, 0, 0, E(EINVAL),
		 NULL),
	FZ_OUTPUT(struct edumm_obj_alloc, object),
	FZ_OUTPUT(struct edumm_obj_alloc, size),
	{ }
};

static struct fz_field obj_ref_fields[] = {
	FZ_FIELD(struct edumm_obj_ref, object, FK_OBJ, 0, 0, E(ENOENT), NULL),
	{ }
};

static struct fz_field bulk_alloc_fields[] = {
	FZ_FIELD(struct edumm_obj_bulk, cache, FK_CACHE, 0, 0, E(ENOENT), NULL),
	FZ_FIELD(struct edumm_obj_bulk, objects, FK_RAW, 0, 0, 0, NULL),
	FZ_FIELD(struct edumm_obj_bulk, count, FK_RANGE, 1, EDUMM_BULK_MAX,
		 E(EINVAL), gen_bulk_count),
	FZ_FIELD(struct edumm_obj_bulk, flags, FK_MASK,
		 0, EDUMM_OBJ_FLAGS_MASK, E(EINVAL), NULL),
	{ }
};

static struct fz_field bulk_free_fields[] = {
	FZ_FIELD(struct edumm_obj_bulk, cache, FK_CACHE, 0, 0, E(ENOENT), NULL),
	FZ_FIELD(struct edumm_obj_bulk, objects, FK_RAW, 0, 0, 0, NULL),
	FZ_FIELD(struct edumm_obj_bulk, count, FK_RANGE, 1, EDUMM_BULK_MAX,
		 E(EINVAL), gen_bulk_count),
	FZ_FIELD(struct edumm_obj_bulk, flags, FK_ZERO, 0, 0, E(EINVAL), NULL),
	{ }
};

static struct fz_field kmalloc_fields[] = {
	FZ_FIELD(struct edumm_kmalloc, size, FK_RANGE,
		 1, EDUMM_KMALLOC_MAX_BYTES, E(EINVAL), gen_kmalloc_size),
	FZ_FIELD(struct edumm_kmalloc, flags, FK_MASK,
		 0, EDUMM_KMALLOC_FLAGS_MASK, E(EINVAL), NULL),
	FZ_FIELD(struct edumm_kmalloc, reserved, FK_ZERO, 0, 0, E(EINVAL), NULL),
	FZ_OUTPUT(struct edumm_kmalloc, object),
	FZ_OUTPUT(struct edumm_kmalloc, ksize),
	{ }
};

static struct fz_field krealloc_fields[] = {
	FZ_FIELD(struct edumm_krealloc, object, FK_OBJ, 0, 0, E(ENOENT), NULL),
	FZ_FIELD(struct edumm_krealloc, size, FK_RANGE,
		 1, EDUMM_KMALLOC_MAX_BYTES, E(EINVAL), gen_kmalloc_size),
	FZ_FIELD(struct edumm_krealloc, flags, FK_MASK,
		 0, EDUMM_KMALLOC_FLAGS_MASK, E(EINVAL), NULL),
	FZ_OUTPUT(struct edumm_krealloc, moved),
	FZ_OUTPUT(struct edumm_krealloc, ksize),
	{ }
};

static struct fz_field ksize_fields[] = {
	FZ_FIELD(struct edumm_ksize, object, FK_OBJ, 0, 0, E(ENOENT), NULL),
	FZ_OUTPUT(struct edumm_ksize, ksize),
	FZ_OUTPUT(struct edumm_ksize, size),
	{ }
};

static struct fz_field obj_rw_fields[] = {
	FZ_FIELD(struct edumm_obj_rw, object, FK_OBJ, 0, 0, E(ENOENT), NULL),
	FZ_FIELD(struct edumm_obj_rw, buf, FK_RAW, 0, 0, 0, NULL),
	FZ_FIELD(struct edumm_obj_rw, offset, FK_RAW, 0, 0, 0, gen_rw_offset),
	FZ_FIELD(struct edumm_obj_rw, length, FK_RANGE, 1, EDUMM_OBJ_RW_MAX,
		 E(EINVAL), gen_rw_length),
	{ }
};

static struct fz_field corrupt_fields[] = {
	FZ_FIELD(struct edumm_corrupt, object, FK_RAW, 0, 0, 0, NULL),
	FZ_FIELD(struct edumm_corrupt, cache, FK_RAW, 0, 0, 0, NULL),
	FZ_FIELD(struct edumm_corrupt, op, FK_RAW, 0, 0, 0, NULL),
	FZ_FIELD(struct edumm_corrupt, offset, FK_RAW, 0, 0, 0, NULL),
	FZ_FIELD(struct edumm_corrupt, value, FK_RAW, 0, 0, 0, NULL),
	FZ_OUTPUT(struct edumm_corrupt, detected),
	{ }
};

static struct fz_field vmalloc_fields[] = {
	FZ_CHECKED(struct edumm_vmalloc, size, check_vsize, gen_vsize),
	FZ_FIELD(struct edumm_vmalloc, flags, FK_MASK,
		 0, EDUMM_ALLOC_FLAGS_MASK, E(EINVAL), NULL),
	FZ_FIELD(struct edumm_vmalloc, reserved, FK_ZERO, 0, 0, E(EINVAL), NULL),
	FZ_OUTPUT(struct edumm_vmalloc, handle),
	FZ_OUTPUT(struct edumm_vmalloc, mmap_offset),
	FZ_OUTPUT(struct edumm_vmalloc, nr_pages),
	{ }
};

static struct fz_field vhandle_fields[] = {
	FZ_FIELD(struct edumm_handle, handle, FK_VHANDLE, 0, 0, E(ENOENT), NULL),
	{ }
};

static struct fz_field vrw_fields[] = {
	FZ_FIELD(struct edumm_vrw, handle, FK_VHANDLE, 0, 0, E(ENOENT), NULL),
	FZ_FIELD(struct edumm_vrw, offset, FK_INOUT, 0, 0, 0, gen_voffset),
	FZ_FIELD(struct edumm_vrw, length, FK_INOUT, 0, 0, 0, gen_vlength),
	FZ_FIELD(struct edumm_vrw, buf, FK_UPTR, 0, 0, 0, NULL),
	{ }
};

static struct fz_field vdescribe_fields[] = {
	FZ_FIELD(struct edumm_vdescribe, handle, FK_VHANDLE, 0, 0, E(ENOENT), NULL),
	FZ_FIELD(struct edumm_vdescribe, pfns, FK_UPTR, 0, 0, 0, NULL),
	FZ_FIELD(struct edumm_vdescribe, pfn_count, FK_INOUT, 0, 0, 0, gen_pfn_count),
	FZ_OUTPUT(struct edumm_vdescribe, nr_pages),
	FZ_OUTPUT(struct edumm_vdescribe, size),
	FZ_OUTPUT(struct edumm_vdescribe, addr),
	FZ_OUTPUT(struct edumm_vdescribe, flags),
	FZ_FIELD(struct edumm_vdescribe, reserved, FK_ZERO, 0, 0, E(EINVAL), NULL),
	{ }
};

static struct fz_field pgwalk_fields[] = {
	FZ_FIELD(struct edumm_pgwalk, addr, FK_INOUT, 0, 0, 0, gen_walk_addr),
	FZ_FIELD(struct edumm_pgwalk, handle, FK_INOUT, 0, 0, 0, gen_walk_handle),
	FZ_FIELD(struct edumm_pgwalk, offset, FK_INOUT, 0, 0, 0, gen_walk_offset),
	FZ_FIELD(struct edumm_pgwalk, mode, FK_RANGE, EDUMM_PGWALK_USER,
		 EDUMM_PGWALK_VMALLOC, E(EINVAL), gen_walk_mode),
	FZ_FIELD(struct edumm_pgwalk, flags, FK_ZERO, 0, 0, E(EINVAL), NULL),
	FZ_OUTPUT(struct edumm_pgwalk, paging_levels),
	FZ_OUTPUT(struct edumm_pgwalk, result),
	FZ_OUTPUT(struct edumm_pgwalk, stop_level),
	FZ_OUTPUT(struct edumm_pgwalk, nr_entries),
	FZ_OUTPUT(struct edumm_pgwalk, phys),
	FZ_OUTPUT(struct edumm_pgwalk, pfn),
	FZ_OUTPUT(struct edumm_pgwalk, page_size),
	FZ_OUTPUT(struct edumm_pgwalk, vaddr),
	FZ_OUTPUT(struct edumm_pgwalk, out_flags),
	FZ_FIELD(struct edumm_pgwalk, reserved, FK_ZERO, 0, 0, E(EINVAL), NULL),
	FZ_ARRAY(struct edumm_pgwalk, entries, sizeof(__u64),
		 EDUMM_PGWALK_MAX_LEVELS * sizeof(struct edumm_pgwalk_entry) / 8,
		 FK_OUT),
	{ }
};

static struct fz_field bench_fields[] = {
	/* the workload numbers are not contiguous: bench_workloads[] */
	FZ_CHECKED(struct edumm_bench, workload, check_bench_workload, gen_bench_workload),
	FZ_FIELD(struct edumm_bench, backend, FK_RANGE, EDUMM_BENCH_BACKEND_EDUMM,
		 EDUMM_BENCH_BACKEND_KERNEL, E(EINVAL), NULL),
	FZ_FIELD(struct edumm_bench, mode, FK_RANGE, EDUMM_BENCH_MODE_SINGLE,
		 EDUMM_BENCH_MODE_CROSS_CPU, E(EINVAL), NULL),
	/* order, size, batch, cpu_mask: valid or not together (expect_bench) */
	FZ_FIELD(struct edumm_bench, order, FK_RANGE, 0, ~0U, 0, gen_bench_order),
	FZ_FIELD(struct edumm_bench, size, FK_RANGE, 0, ~0U, 0, gen_bench_small),
	FZ_FIELD(struct edumm_bench, batch, FK_RANGE, 0, ~0U, 0, gen_bench_batch),
	FZ_FIELD(struct edumm_bench, iterations, FK_RANGE, 1,
		 EDUMM_BENCH_MAX_ITERATIONS, E(EINVAL), gen_bench_small),
	FZ_FIELD(struct edumm_bench, repetitions, FK_RANGE, 1,
		 EDUMM_BENCH_MAX_REPS, E(EINVAL), gen_bench_small),
	FZ_FIELD(struct edumm_bench, cpu_mask, FK_RANGE, 0, ~0ULL, 0, gen_bench_mask),
	FZ_FIELD(struct edumm_bench, flags, FK_ZERO, 0, 0, E(EINVAL), NULL),
	FZ_OUTPUT(struct edumm_bench, nr_cpus),
	FZ_OUTPUT(struct edumm_bench, ops),
	FZ_OUTPUT(struct edumm_bench, empty_ns),
	FZ_OUTPUT(struct edumm_bench, empty_cycles),
	FZ_ARRAY(struct edumm_bench, ns, sizeof(__u64), EDUMM_BENCH_MAX_REPS, FK_OUT),
	FZ_ARRAY(struct edumm_bench, cycles, sizeof(__u64), EDUMM_BENCH_MAX_REPS, FK_OUT),
	FZ_ARRAY(struct edumm_bench, cpu_ns, sizeof(__u64), EDUMM_BENCH_MAX_CPUS, FK_OUT),
	FZ_FIELD(struct edumm_bench, design, FK_RANGE, 0, ~0U, 0, gen_bench_design),
	FZ_FIELD(struct edumm_bench, pad0, FK_ZERO, 0, 0, E(EINVAL), NULL),
	FZ_ARRAY(struct edumm_bench, reserved, sizeof(__u64), 3, FK_ZERO),
	{ }
};

/* Every ioctl of uapi/linux/edumm.h, one row each (see the top). */
static struct fz_ioctl ioctls[] = {
	FZ_IOCTL(EDUMM_IOC_VERSION, version_fields, 20, false,
		 expect_ok, version_done, NULL),
	FZ_IOCTL(EDUMM_IOC_PAGE_ALLOC, page_alloc_fields, 300, true,
		 expect_alloc, alloc_done, NULL),
	FZ_IOCTL(EDUMM_IOC_FREE, handle_fields, 240, false,
		 expect_free, free_done, free_failed),
	FZ_IOCTL(EDUMM_IOC_INFO, info_fields, 30, false,
		 expect_ok, info_done, NULL),
	FZ_IOCTL(EDUMM_IOC_CACHE_CREATE, cache_create_fields, 40, true,
		 expect_cache_create, cache_create_done, NULL),
	FZ_IOCTL(EDUMM_IOC_CACHE_DESTROY, cache_ref_fields, 25, false,
		 expect_cache_destroy, cache_destroy_done, NULL),
	FZ_IOCTL(EDUMM_IOC_CACHE_INFO, cache_query_fields, 15, false,
		 expect_ok, cache_info_done, NULL),
	FZ_IOCTL(EDUMM_IOC_CACHE_SHRINK, cache_shrink_fields, 8, false,
		 expect_ok, nothing_done, NULL),
	FZ_IOCTL(EDUMM_IOC_OBJ_ALLOC, obj_alloc_fields, 90, true,
		 expect_alloc, obj_alloc_done, NULL),
	FZ_IOCTL(EDUMM_IOC_OBJ_FREE, obj_ref_fields, 70, false,
		 expect_obj_free, obj_free_done, NULL),
	FZ_IOCTL(EDUMM_IOC_OBJ_BULK_ALLOC, bulk_alloc_fields, 12, true,
		 expect_bulk_alloc, bulk_alloc_done, NULL),
	FZ_IOCTL(EDUMM_IOC_OBJ_BULK_FREE, bulk_free_fields, 12, true,
		 expect_bulk_free, bulk_free_done, NULL),
	FZ_IOCTL(EDUMM_IOC_KMALLOC, kmalloc_fields, 60, true,
		 expect_kmalloc, kmalloc_done, NULL),
	FZ_IOCTL(EDUMM_IOC_KFREE, obj_ref_fields, 45, false,
		 expect_kfree, obj_free_done, NULL),
	FZ_IOCTL(EDUMM_IOC_KREALLOC, krealloc_fields, 20, true,
		 expect_krealloc, krealloc_done, krealloc_failed),
	FZ_IOCTL(EDUMM_IOC_KSIZE, ksize_fields, 10, false,
		 expect_ok, ksize_done, NULL),
	FZ_IOCTL(EDUMM_IOC_OBJ_READ, obj_rw_fields, 35, true,
		 expect_obj_read, obj_read_done, NULL),
	FZ_IOCTL(EDUMM_IOC_OBJ_WRITE, obj_rw_fields, 35, true,
		 expect_obj_write, obj_write_done, NULL),
	FZ_IOCTL(EDUMM_IOC_CORRUPT, corrupt_fields, 5, false,
		 expect_corrupt, nothing_done, NULL),
	FZ_IOCTL(EDUMM_IOC_VMALLOC, vmalloc_fields, 50, true,
		 expect_alloc, vmalloc_done, NULL),
	FZ_IOCTL(EDUMM_IOC_VFREE, vhandle_fields, 55, false,
		 expect_ok, vfree_done, NULL),
	FZ_IOCTL(EDUMM_IOC_VREAD, vrw_fields, 40, false,
		 expect_vrw, vread_done, NULL),
	FZ_IOCTL(EDUMM_IOC_VWRITE, vrw_fields, 40, false,
		 expect_vrw, vwrite_done, NULL),
	FZ_IOCTL(EDUMM_IOC_VDESCRIBE, vdescribe_fields, 30, false,
		 expect_vdescribe, vdescribe_done, NULL),
	FZ_IOCTL(EDUMM_IOC_PGWALK, pgwalk_fields, 40, false,
		 expect_pgwalk, pgwalk_done, NULL),
	FZ_IOCTL(EDUMM_IOC_BENCH, bench_fields, 4, true,
		 expect_bench, bench_done, NULL, .prepare = bench_prepare),
};

#define NR_IOCTLS		ARRAY_SIZE(ioctls)

/*** operations and statistics ***/

enum {
	ST_BADCMD = NR_IOCTLS,	/* after one slot per ioctl row */
	ST_MMAP,
	ST_MUNMAP,
	ST_MUNMAP_PART,
	ST_MREMAP,
	ST_MPROTECT,
	ST_ZAP,
	ST_RACE,
	ST_PIN,
	ST_WRITE,
	ST_VERIFY,
	ST_FORK,
	ST_REOPEN,
	ST_OPEN,
	ST_DEBUGFS,
	ST_VMAP,
	NR_ST,
};

static const char * const st_names[NR_ST - NR_IOCTLS] = {
	"unknown ioctl cmd", "mmap", "munmap", "munmap (partial)", "mremap",
	"mprotect", "madvise", "race (2 threads)", "vmsplice/read",
	"write pattern", "verify pattern", "fork", "close", "open",
	"debugfs", "mmap vmalloc area",
};

/* Argument pointers of ioctls. */
enum fz_ptr {
	PTR_GOOD,		/* 8-aligned, in read-write memory */
	PTR_UNALIGNED,		/* 1..7 bytes off: must work the same */
	PTR_IN_BLOCK,		/* inside a mapped edumm block */
	PTR_READONLY,		/* a read-only page */
	PTR_RO_TAIL,		/* starts read-write, ends read-only */
	PTR_NULL,
	PTR_UNMAPPED,		/* a page just unmapped */
	PTR_PROT_NONE,		/* a PROT_NONE page */
	PTR_SHORT,		/* runs into a PROT_NONE page */
	PTR_KERNEL,		/* kernel addresses */
	PTR_NONCANONICAL,	/* above or across the user address limit */
	PTR_LOW,		/* below mmap_min_addr */
	NR_PTR,
};

static const char * const ptr_names[NR_PTR] = {
	"good", "unaligned", "in-block", "read-only", "read-only-tail",
	"NULL", "unmapped", "PROT_NONE", "too-short", "kernel",
	"non-canonical", "low",
};

/* Shared by every process of the run (MAP_SHARED | MAP_ANONYMOUS). */
struct fz_shared {
	int failed;			/* set once, by the first failure */
	char failmsg[MSG_MAX];
	unsigned int next_id;		/* ids of fork children */
	unsigned int live;		/* processes alive */
	__u64 calls;
	__u64 res[NR_ST][NR_ERRNO];
	__u64 nsecs[NR_ST];		/* time spent in each kind of call */
	__u64 ptrs[NR_PTR];
	__u64 forks_continue, forks_exit, forks_refused;
	__u64 exits_clean, exits_dirty;
	__u64 verified_bytes, written_bytes;
};

/*** the model of one process ***/

/*
 * A block this process allocated.  Page p holds the pattern of generation
 * gen[p] (1..255), or zeroes while gen[p] is 0: it was never written.
 */
struct fz_block {
	bool used;
	bool detached;		/* its file is closed: maps or pins keep it */
	unsigned int order;
	unsigned int nr_maps;	/* records in maps[] */
	unsigned int nr_pins;	/* records in pins[] */
	__u64 handle;
	__u64 pfn;
	__u64 salt;		/* the process that allocated it */
	unsigned char *gen;	/* per-page pattern generation */
};

struct fz_map {
	bool used;
	bool zapped;		/* MADV_DONTNEED: no ptes, touching is SIGBUS */
	int block;		/* index in blocks[] */
	char *addr;
	unsigned int first;	/* first page of the block mapped here */
	unsigned int pages;
	int prot;
};

/* Pages of a block referenced from a pipe by vmsplice(). */
struct fz_pin {
	bool used;
	int block;		/* index in blocks[] */
	int pipe[2];
	unsigned int first;	/* first page of the block in the pipe */
	size_t bytes;		/* in the pipe */
};

/* A slab cache this process created (EDUMM_IOC_CACHE_CREATE). */
struct fz_cache {
	bool used;
	__u64 id;
	__u32 size;
	__u32 flags;
	__u32 design;		/* as asked: DEFAULT stays DEFAULT */
	unsigned int nr_objs;	/* objects of ours in it */
	char name[32];
};

/* An object: of one of our caches, or from EDUMM_IOC_KMALLOC. */
struct fz_obj {
	bool used;
	bool zero;		/* known to hold zeroes */
	int cache;		/* index in caches[], -1: kmalloc */
	__u64 handle;
	__u64 size;
	__u64 ksize;		/* kmalloc objects: ksize() */
};

/*
 * A vmalloc area this process allocated, with a shadow copy of its bytes
 * (zeroes at first) and, once EDUMM_IOC_VDESCRIBE told them, its pfns.
 */
struct fz_area {
	bool used;
	bool pfns_known;
	__u64 handle;
	__u64 nr_pages;
	__u64 mmap_offset;
	unsigned char *shadow;
	__u64 *pfns;
};

#define MAX_AREAS		16	/* areas one process tracks */
#define MAX_AREA_PAGES		128	/* larger ones are freed at once */
#define SCRATCH_BYTES		(MAX_AREA_PAGES * 4096 + 4096)

struct fz_proc {
	unsigned int worker;
	unsigned int id;	/* unique in the run: 0..P-1 are workers */
	int depth;		/* fork generations below the worker */
	__u64 seed;
	__u64 rng;
	__u64 call;		/* index of the current call */
	__u64 budget;		/* calls this process runs */
	const char *what;	/* the current operation, for reports */
	int fd;
	bool big;		/* a phase of large blocks */
	bool foreign;		/* another process shares fd's client */
	__u64 last_handle;	/* the newest handle seen on fd */
	__u64 freed[MAX_FREED];
	unsigned int nr_freed;
	struct fz_block blocks[MAX_BLOCKS];
	unsigned int nr_blocks;
	__u64 live_pages;
	struct fz_map maps[MAX_MAPS];
	unsigned int nr_maps;
	struct fz_pin pins[MAX_PINS];
	unsigned int nr_pins;
	pid_t children[MAX_CHILDREN];
	int nr_children;
	char *arena;
	struct fz_cache caches[MAX_CACHES];
	unsigned int nr_caches;
	struct fz_obj objs[MAX_OBJS];
	unsigned int nr_objs;
	__u64 last_cache;	/* the newest cache id seen on fd */
	__u64 last_obj;		/* the newest object handle seen on fd */
	unsigned int name_seq;	/* cache names: fz<id>.<seq> */
	struct fz_area areas[MAX_AREAS];
	unsigned int nr_areas;
	__u64 area_pages;
	__u64 last_vhandle;	/* the newest area handle seen on fd */
	__u64 vfreed[MAX_FREED];
	unsigned int nr_vfreed;
	char *scratch;		/* SCRATCH_BYTES: VREAD/VWRITE/VDESCRIBE buffers */
	/* the generators' context: the area of the call being built */
	int cur_area;
	__u64 cur_off, cur_len;
	__u32 walk_mode;
};

/* User buffers of the slab ioctls (the handles of a bulk call, object bytes). */
static __u64 bulk_buf[EDUMM_BULK_MAX];
static unsigned char rw_buf[EDUMM_OBJ_RW_MAX];
static bool allow_corruption;	/* the module's allow_corruption= */
static bool default_slob;	/* the module's slab_design=slob */

/* The arena: pages that ioctl arguments are placed in. */
enum {
	AR_RW,			/* two read-write pages */
	AR_NONE1 = 2,		/* PROT_NONE: PTR_SHORT runs into it */
	AR_RW2,			/* read-write, then */
	AR_RO,			/* read-only (made writable to fill it) */
	AR_NONE2,
	AR_PAGES,
};

static struct {
	__u64 seed;
	__u64 calls;
	unsigned int procs;
	int worker;		/* --worker, or -1 */
	int fail_pct;		/* --fail-probability, or -1 */
	bool verbose;
	bool seed_given;
} cfg = {
	.calls = DEFAULT_CALLS,
	.procs = DEFAULT_PROCS,
	.worker = -1,
	.fail_pct = -1,
};

static struct fz_proc fz;
static struct fz_shared *shared;
static struct edumm_info info0;		/* the pool before the run */
static size_t page_size;
static unsigned int page_shift;
static __u64 handle_max;		/* client.c's EDUMM_HANDLE_MAX */
static __u64 cap_pages;			/* pool pages one process may hold */
static bool fail_active;		/* the fault injection knobs are ours */
static __u64 task_size;			/* TASK_SIZE: user addresses end here */

/*** random numbers ***/

static __u64 mix64(__u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* splitmix64 */
static __u64 rnd(void)
{
	fz.rng += 0x9e3779b97f4a7c15ULL;
	return mix64(fz.rng);
}

static __u64 rnd_below(__u64 n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int pct)
{
	return rnd_below(100) < pct;
}

static __u64 worker_seed(unsigned int w)
{
	return mix64(cfg.seed ^ mix64(w + 1ULL));
}

/*** output and failures ***/

static void write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

/* One line (or several) to stdout in one write(): processes interleave. */
static void vsay(const char *fmt, va_list ap)
{
	char buf[MSG_MAX];
	int len = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (len >= (int)sizeof(buf)) {
		len = sizeof(buf) - 1;
		buf[len - 1] = '\n';
	}
	if (len > 0)
		write_all(STDOUT_FILENO, buf, len);
}

static void say_impl(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

/* Format-checked by the compiler through the dead printf(). */
#define say(...) do {							\
	if (0)								\
		printf(__VA_ARGS__);					\
	say_impl(__VA_ARGS__);						\
} while (0)

static void print_replay(void)
{
	char extra[64] = "";
	size_t len = 0;

	if (cfg.worker >= 0)
		len += snprintf(extra + len, sizeof(extra) - len,
				" --worker %d", cfg.worker);
	if (cfg.fail_pct >= 0)
		snprintf(extra + len, sizeof(extra) - len,
			 " --fail-probability %d", cfg.fail_pct);
	say("# replay: edumm_fuzz --seed %#llx --calls %llu --procs %u%s\n",
	    cfg.seed, cfg.calls, cfg.procs, extra);
}

static void reap_children(bool block);

static void record_failure(const char *msg)
{
	if (!__atomic_exchange_n(&shared->failed, 1, __ATOMIC_SEQ_CST))
		snprintf(shared->failmsg, sizeof(shared->failmsg), "%s", msg);
}

static void fz_prefix(char *buf, size_t size)
{
	snprintf(buf, size, "proc %u (worker %u, depth %d, seed %#llx) call %llu (%s)",
		 fz.id, fz.worker, fz.depth, fz.seed, fz.call,
		 fz.what ? fz.what : "-");
}

/*
 * Report a failure of this process and leave: the first failure of the
 * run is kept for the summary, the others are printed only.
 */
static noreturn void fz_err_impl(const char *fmt, ...)
{
	char msg[MSG_MAX], pre[256];
	va_list ap;
	size_t len;

	fz_prefix(pre, sizeof(pre));
	len = snprintf(msg, sizeof(msg), "%s: ", pre);
	va_start(ap, fmt);
	vsnprintf(msg + len, sizeof(msg) - len, fmt, ap);
	va_end(ap);
	say("# FAIL: %s\n", msg);
	record_failure(msg);
	reap_children(true);
	_exit(1);
}

#define fz_err(...) do {						\
	if (0)								\
		printf(__VA_ARGS__);					\
	fz_err_impl(__VA_ARGS__);					\
} while (0)

#define verbose(...) do {						\
	if (cfg.verbose)						\
		say(__VA_ARGS__);					\
} while (0)

static void fatal_signal(int sig, siginfo_t *si, void *uc)
{
	char msg[MSG_MAX], pre[256];

	(void)uc;
	fz_prefix(pre, sizeof(pre));
	snprintf(msg, sizeof(msg), "%s: killed by signal %d (%s) at address %p",
		 pre, sig, strsignal(sig), si->si_addr);
	say("# FAIL: %s\n", msg);
	record_failure(msg);
	_exit(2);
}

/* The kind of the call last counted: step() charges its time to it. */
static unsigned int last_st;

static void count_result(unsigned int st, int err)
{
	unsigned int b = err >= 0 && err < NR_ERRNO - 1 ? err : NR_ERRNO - 1;

	__atomic_fetch_add(&shared->res[st][b], 1, __ATOMIC_RELAXED);
	last_st = st;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void stat_add(__u64 *counter, __u64 n)
{
	__atomic_fetch_add(counter, n, __ATOMIC_RELAXED);
}

/*** the model ***/

static size_t block_bytes(const struct fz_block *b)
{
	return page_size << b->order;
}

/* The block of the current file with handle @h, or -1. */
static int find_block(__u64 h)
{
	int i;

	for (i = 0; i < MAX_BLOCKS; i++)
		if (fz.blocks[i].used && !fz.blocks[i].detached &&
		    fz.blocks[i].handle == h)
			return i;
	return -1;
}

/* A random block of the current file, or -1. */
static int pick_block(void)
{
	int cand[MAX_BLOCKS], n = 0, i;

	for (i = 0; i < MAX_BLOCKS; i++)
		if (fz.blocks[i].used && !fz.blocks[i].detached)
			cand[n++] = i;
	return n ? cand[rnd_below(n)] : -1;
}

static void block_drop(int bi)
{
	struct fz_block *b = &fz.blocks[bi];

	fz.live_pages -= 1ULL << b->order;
	free(b->gen);
	memset(b, 0, sizeof(*b));
	fz.nr_blocks--;
}

/* What mapping @m gives access to: nothing once it is zapped. */
static int map_access(const struct fz_map *m)
{
	return m->zapped ? PROT_NONE : m->prot;
}

/* A random mapping that gives all of @prot, or -1. */
static int pick_map(int prot)
{
	int cand[MAX_MAPS], n = 0, i;

	for (i = 0; i < MAX_MAPS; i++)
		if (fz.maps[i].used && (map_access(&fz.maps[i]) & prot) == prot)
			cand[n++] = i;
	return n ? cand[rnd_below(n)] : -1;
}

/* A new record; a piece of an old one (@from >= 0) keeps its state. */
static int map_add_from(int from, int bi, char *addr, unsigned int first,
			unsigned int pages, int prot)
{
	int i;

	for (i = 0; i < MAX_MAPS; i++) {
		if (fz.maps[i].used)
			continue;
		fz.maps[i] = (struct fz_map){
			.used = true, .block = bi, .addr = addr,
			.first = first, .pages = pages, .prot = prot,
			.zapped = from >= 0 && fz.maps[from].zapped,
		};
		fz.blocks[bi].nr_maps++;
		fz.nr_maps++;
		return i;
	}
	fz_err("internal: no free mapping record");
}

static int map_add(int bi, char *addr, unsigned int first, unsigned int pages,
		   int prot)
{
	return map_add_from(-1, bi, addr, first, pages, prot);
}

/* A block of a closed file is forgotten once nothing of ours reaches it. */
static void block_put_detached(int bi)
{
	struct fz_block *b = &fz.blocks[bi];

	if (b->detached && !b->nr_maps && !b->nr_pins)
		block_drop(bi);
}

static void map_drop(int mi)
{
	struct fz_map *m = &fz.maps[mi];
	int bi = m->block;

	memset(m, 0, sizeof(*m));
	fz.nr_maps--;
	fz.blocks[bi].nr_maps--;
	block_put_detached(bi);
}

/*
 * Pages [a, b) of mapping @mi are gone: shrink it, split it, or drop it.
 * A hole needs a free record (the caller checks).
 */
static void map_cut(int mi, unsigned int a, unsigned int b)
{
	struct fz_map *m = &fz.maps[mi];

	if (a == 0 && b == m->pages) {
		map_drop(mi);
	} else if (a == 0) {
		m->addr += (size_t)b * page_size;
		m->first += b;
		m->pages -= b;
	} else if (b == m->pages) {
		m->pages = a;
	} else {
		map_add_from(mi, m->block, m->addr + (size_t)b * page_size,
			     m->first + b, m->pages - b, m->prot);
		m->pages = a;
	}
}

/*** patterns ***/

static __u64 pattern_base(const struct fz_block *b, unsigned int pg)
{
	return mix64(b->salt ^ mix64(b->handle) ^ (__u64)pg << 32 ^
		     (__u64)b->gen[pg] << 56);
}

static __u64 pattern_word(__u64 base, size_t i)
{
	return base ^ (i * 0x9e3779b97f4a7c15ULL);
}

/* What word @i of page @pg of block @b must hold. */
static __u64 expected_word(const struct fz_block *b, unsigned int pg, size_t i)
{
	return b->gen[pg] ? pattern_word(pattern_base(b, pg), i) : 0;
}

/* Compare @bytes at @p with pages from @pg of block @b on; fail if not. */
static void verify_words(const struct fz_block *b, unsigned int pg,
			 const void *p, size_t bytes, const char *where)
{
	size_t words = page_size / sizeof(__u64), i, n = bytes / sizeof(__u64);
	const __u64 *w = p;
	__u64 base = 0, want;

	for (i = 0; i < n; i++) {
		unsigned int bp = pg + i / words;

		if (!(i % words))
			base = pattern_base(b, bp);
		want = b->gen[bp] ? pattern_word(base, i % words) : 0;
		if (w[i] == want)
			continue;
		fz_err("%s: block handle %llu (pfn %#llx, order %u%s) page %u word %zu reads %#llx, expected %#llx%s",
		       where, b->handle, b->pfn, b->order,
		       b->detached ? ", file closed" : "", bp, i % words, w[i],
		       want, b->gen[bp] ?
		       " (pattern corrupted)" : " (never written: must be zero)");
	}
	stat_add(&shared->verified_bytes, bytes);
}

/* Verify pages [a, b) of mapping @mi. */
static void verify_pages(int mi, unsigned int a, unsigned int b)
{
	const struct fz_map *m = &fz.maps[mi];

	if (map_access(m) & PROT_READ)
		verify_words(&fz.blocks[m->block], m->first + a,
			     m->addr + (size_t)a * page_size,
			     (size_t)(b - a) * page_size, "mapping");
}

static void verify_map(int mi)
{
	verify_pages(mi, 0, fz.maps[mi].pages);
}

/* The first, the last and a random page of mapping @mi. */
static void verify_sample(int mi)
{
	unsigned int pages = fz.maps[mi].pages, pg = rnd_below(pages);

	verify_pages(mi, 0, 1);
	verify_pages(mi, pg, pg + 1);
	verify_pages(mi, pages - 1, pages);
}

/* Bump the generation of pages [a, b) of mapping @mi and write them. */
static void write_pages(int mi, unsigned int a, unsigned int b)
{
	const struct fz_map *m = &fz.maps[mi];
	struct fz_block *blk = &fz.blocks[m->block];
	size_t words = page_size / sizeof(__u64), i;
	unsigned int pg;

	for (pg = a; pg < b; pg++) {
		__u64 *w = (__u64 *)(m->addr + pg * page_size);
		unsigned int bp = m->first + pg;
		__u64 base;

		/* 1..255: 0 stands for "never written" */
		blk->gen[bp] = blk->gen[bp] % 255 + 1;
		base = pattern_base(blk, bp);
		for (i = 0; i < words; i++)
			w[i] = pattern_word(base, i);
	}
	stat_add(&shared->written_bytes, (__u64)(b - a) * page_size);
}

/*** debugfs ***/

static char *read_text(const char *path)
{
	size_t len = 0, cap = 16384;
	char *buf = malloc(cap), *nbuf;
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap *= 2;
			nbuf = realloc(buf, cap);
			if (!nbuf)
				break;
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* Write @text to debugfs file @path; 0 or -errno. */
static int write_text(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return (size_t)n == len ? 0 : -EIO;
}

/*** pointers ***/

struct fz_place {
	enum fz_ptr kind;
	char *ptr;
	bool readable;		/* the argument can be read back */
	bool canary;		/* CANARY guard bytes on both sides */
	int map;		/* PTR_IN_BLOCK: the mapping, else -1 */
	size_t map_off;
};

static void ro_page_writable(bool writable)
{
	if (mprotect(fz.arena + AR_RO * page_size, page_size,
		     writable ? PROT_READ | PROT_WRITE : PROT_READ))
		fz_err("mprotect of the arena: %s", strerror(errno));
}

static enum fz_ptr pick_ptr(void)
{
	unsigned int r = rnd_below(100);

	if (r < 68)
		return PTR_GOOD;
	if (r < 76)
		return PTR_UNALIGNED;
	if (r < 80)
		return PTR_IN_BLOCK;
	if (r < 84)
		return PTR_READONLY;
	if (r < 86)
		return PTR_RO_TAIL;
	return PTR_NULL + rnd_below(NR_PTR - PTR_NULL);
}

/* A page that was just unmapped: nothing is mapped there until our next mmap(). */
static char *unmapped_page(void)
{
	char *p = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || munmap(p, page_size))
		fz_err("mmap/munmap of a scratch page: %s", strerror(errno));
	return p;
}

/* In a read-write mapping of one of our blocks, if there is one. */
static bool place_in_block(struct fz_place *pl, const void *in, size_t size)
{
	int mi = pick_map(PROT_READ | PROT_WRITE);
	const struct fz_map *m;
	size_t off;

	if (mi < 0 || fz.maps[mi].pages * page_size < size)
		return false;
	m = &fz.maps[mi];
	off = 8 * rnd_below((m->pages * page_size - size) / 8 + 1);
	/* The words about to be overwritten still hold the pattern. */
	verify_pages(mi, off / page_size, (off + size - 1) / page_size + 1);
	pl->ptr = m->addr + off;
	pl->map = mi;
	pl->map_off = off;
	memcpy(pl->ptr, in, size);
	pl->readable = true;
	return true;
}

/* Put the @size bytes of @in where a pointer of kind @pl->kind points. */
static void place_arg(struct fz_place *pl, const void *in, size_t size)
{
	static const unsigned long kernel[] = {
		0xffffffff81000000UL, 0xffff888000000000UL,
		0xfffffffffffff000UL, ~0UL,
	};
	static const unsigned long noncanonical[] = {
		0x0000800000000000UL, 0x8000000000000000UL,
		0x00007ffffffff000UL, 0x0000800000000000UL - 4,
	};
	static const unsigned long low[] = { 1, 0x10, 0x1000 - 4, 0xfff0 };
	char *arena = fz.arena;
	size_t off, k;

	pl->readable = false;
	pl->canary = false;
	pl->map = -1;
	if (pl->kind == PTR_IN_BLOCK && !place_in_block(pl, in, size))
		pl->kind = PTR_GOOD;
	switch (pl->kind) {
	case PTR_IN_BLOCK:
		break;
	case PTR_GOOD:
	case PTR_UNALIGNED:
		off = CANARY + 8 * rnd_below((2 * page_size - 2 * CANARY - size - 8) / 8);
		if (pl->kind == PTR_UNALIGNED)
			off += 1 + rnd_below(7);
		pl->ptr = arena + off;
		memset(pl->ptr - CANARY, CANARY_BYTE, CANARY);
		memcpy(pl->ptr, in, size);
		memset(pl->ptr + size, CANARY_BYTE, CANARY);
		pl->readable = true;
		pl->canary = true;
		break;
	case PTR_READONLY:
		pl->ptr = arena + AR_RO * page_size +
			  8 * rnd_below((page_size - size) / 8 + 1);
		ro_page_writable(true);
		memcpy(pl->ptr, in, size);
		ro_page_writable(false);
		pl->readable = true;
		break;
	case PTR_RO_TAIL:
		/* The last k bytes are on the read-only page. */
		k = 1 + rnd_below(size - 1);
		pl->ptr = arena + AR_RO * page_size - (size - k);
		ro_page_writable(true);
		memcpy(pl->ptr, in, size);
		ro_page_writable(false);
		pl->readable = true;
		break;
	case PTR_SHORT:
		/* Only the first k bytes are mapped. */
		k = 1 + rnd_below(size - 1);
		pl->ptr = arena + AR_NONE1 * page_size - k;
		memcpy(pl->ptr, in, k);
		break;
	case PTR_PROT_NONE:
		pl->ptr = arena + AR_NONE1 * page_size +
			  8 * rnd_below((page_size - size) / 8 + 1);
		break;
	case PTR_NULL:
		pl->ptr = NULL;
		break;
	case PTR_UNMAPPED:
		pl->ptr = unmapped_page() + 8 * rnd_below((page_size - size) / 8 + 1);
		break;
	case PTR_KERNEL:
		pl->ptr = (char *)kernel[rnd_below(ARRAY_SIZE(kernel))];
		break;
	case PTR_NONCANONICAL:
		pl->ptr = (char *)noncanonical[rnd_below(ARRAY_SIZE(noncanonical))];
		break;
	case PTR_LOW:
		pl->ptr = (char *)low[rnd_below(ARRAY_SIZE(low))];
		break;
	default:
		fz_err("internal: pointer kind %d", pl->kind);
	}
	stat_add(&shared->ptrs[pl->kind], 1);
}

/* The kernel may read the argument. */
static bool ptr_readable_by_kernel(enum fz_ptr kind)
{
	return kind <= PTR_RO_TAIL;
}

/* The kernel may also write all of it. */
static bool ptr_writable_by_kernel(enum fz_ptr kind)
{
	return kind <= PTR_IN_BLOCK;
}

/* After the call: the bytes around the argument, the block's pattern. */
static void unplace_arg(const struct fz_place *pl, size_t size)
{
	size_t i;

	if (pl->canary) {
		for (i = 0; i < CANARY; i++) {
			if ((unsigned char)pl->ptr[-1 - (long)i] != CANARY_BYTE ||
			    (unsigned char)pl->ptr[size + i] != CANARY_BYTE)
				fz_err("the kernel wrote outside the %zu-byte argument (byte %zu before or after it)",
				       size, i);
		}
	}
	if (pl->map >= 0) {
		const struct fz_map *m = &fz.maps[pl->map];
		const struct fz_block *b = &fz.blocks[m->block];
		size_t w;

		/* Put the pattern back where the argument was. */
		for (w = pl->map_off / 8; w < (pl->map_off + size + 7) / 8; w++)
			((__u64 *)m->addr)[w] =
				expected_word(b, m->first + w / (page_size / 8),
					      w % (page_size / 8));
	}
}

/*** ioctl arguments ***/

static __u64 field_max(const struct fz_field *f)
{
	return f->size == 4 ? 0xffffffffULL : ~0ULL;
}

static __u64 field_get(const void *arg, const struct fz_field *f,
		       unsigned int j)
{
	const char *p = (const char *)arg + f->offset + j * f->size;
	__u32 v32;
	__u64 v64;

	if (f->size == 4) {
		memcpy(&v32, p, sizeof(v32));
		return v32;
	}
	memcpy(&v64, p, sizeof(v64));
	return v64;
}

static void field_put(void *arg, const struct fz_field *f, unsigned int j,
		      __u64 v)
{
	char *p = (char *)arg + f->offset + j * f->size;
	__u32 v32 = v;

	if (f->size == 4)
		memcpy(p, &v32, sizeof(v32));
	else
		memcpy(p, &v, sizeof(v));
}

/*
 * Order 0..EDUMM_MAX_ORDER - 1: mostly each half as likely as the one
 * below; in a process's "big" phases uniform, which drives the pool into
 * -ENOMEM (the processes together may hold more than the pool).
 */
static __u64 gen_order(void)
{
	if (fz.big)
		return rnd_below(EDUMM_MAX_ORDER);
	return __builtin_ctzll(rnd() | 1ULL << (EDUMM_MAX_ORDER - 1));
}

/*
 * A handle that names no block of this file.  While another process may
 * allocate on the same client (after a fork), only handles that cannot be
 * live: 0, huge ones, and ones this process freed (never reused).
 */
static __u64 gen_dead_handle(void)
{
	switch (rnd_below(fz.foreign ? 9 : 11)) {
	case 0:
		return 0;
	case 1:
		return 1ULL << 32;
	case 2:
		return handle_max;
	case 3:
		return handle_max + 1;
	case 4:
		return 1ULL << 63;
	case 5:
		return ~0ULL;
	case 6:
		return ~0ULL - 1;
	case 7:
		return rnd() | SURELY_DEAD_HANDLE;
	case 8:
		return fz.nr_freed ? fz.freed[rnd_below(fz.nr_freed)] : 0;
	case 9:
		return fz.last_handle + 1 + rnd_below(4);
	default:
		/* May hit a live block: then it is a valid call. */
		return 1 + rnd_below(fz.last_handle + 4);
	}
}

static bool handle_surely_dead(__u64 h)
{
	unsigned int i;

	if (!h || h >= SURELY_DEAD_HANDLE)
		return true;
	for (i = 0; i < fz.nr_freed; i++)
		if (fz.freed[i] == h)
			return true;
	return false;
}

/*** the slab model ***/

static int find_cache(__u64 id)
{
	int i;

	for (i = 0; id && i < MAX_CACHES; i++)
		if (fz.caches[i].used && fz.caches[i].id == id)
			return i;
	return -1;
}

static int find_obj(__u64 h)
{
	int i;

	for (i = 0; h && i < MAX_OBJS; i++)
		if (fz.objs[i].used && fz.objs[i].handle == h)
			return i;
	return -1;
}

static int pick_cache(void)
{
	int i, start = rnd_below(MAX_CACHES);

	for (i = 0; i < MAX_CACHES; i++)
		if (fz.caches[(start + i) % MAX_CACHES].used)
			return (start + i) % MAX_CACHES;
	return -1;
}

/* An object: of a cache (@kind 0), from kmalloc (1) or any (-1). */
static int pick_obj(int kind)
{
	int i, k, start = rnd_below(MAX_OBJS);

	for (i = 0; i < MAX_OBJS; i++) {
		k = (start + i) % MAX_OBJS;
		if (fz.objs[k].used &&
		    (kind < 0 || (int)(fz.objs[k].cache < 0) == kind))
			return k;
	}
	return -1;
}

static void obj_drop(int oi)
{
	struct fz_obj *o = &fz.objs[oi];

	if (o->cache >= 0)
		fz.caches[o->cache].nr_objs--;
	memset(o, 0, sizeof(*o));
	fz.nr_objs--;
}

static void slab_forget(void)
{
	memset(fz.caches, 0, sizeof(fz.caches));
	memset(fz.objs, 0, sizeof(fz.objs));
	fz.nr_caches = 0;
	fz.nr_objs = 0;
	fz.last_cache = 0;
	fz.last_obj = 0;
}

/*
 * A cache id or object handle that names nothing of this file: while
 * another process shares the client (fork), only ones that cannot be live.
 */
static __u64 gen_dead_id(__u64 last)
{
	switch (rnd_below(fz.foreign ? 4 : 6)) {
	case 0:
		return 0;
	case 1:
		return ~0ULL - rnd_below(2);
	case 2:
		return SURELY_DEAD_HANDLE + rnd_below(1000);
	case 3:
		return 1ULL << 63;
	default:
		return last + 1 + rnd_below(4);
	}
}

static bool id_surely_dead(__u64 id)
{
	return !id || id >= SURELY_DEAD_HANDLE;
}

/* Object sizes: mostly small, sometimes pages, rarely the largest. */
static __u64 gen_cache_size(void)
{
	unsigned int r = rnd_below(100);

	if (r < 70)
		return 1 + rnd_below(512);
	if (r < 95)
		return 1 + rnd_below(8192);
	if (r < 99)
		return 1 + rnd_below(65536);
	return EDUMM_CACHE_MAX_SIZE - rnd_below(2);
}

static __u64 gen_kmalloc_size(void)
{
	static const __u64 bounds[] = {
		8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
	};
	unsigned int r = rnd_below(100);

	if (r < 30)
		return bounds[rnd_below(ARRAY_SIZE(bounds))] + rnd_below(3) - 1;
	if (r < 85)
		return 1 + rnd_below(8192);
	if (r < 99)
		return 1 + rnd_below(1 << 17);
	return EDUMM_KMALLOC_MAX_BYTES - rnd_below(2);
}

static __u64 gen_align(void)
{
	return chance(50) ? 0 : 1ULL << rnd_below(13);
}

static __u64 gen_bulk_count(void)
{
	return chance(90) ? 1 + rnd_below(32) : 1 + rnd_below(EDUMM_BULK_MAX);
}

static __u64 gen_rw_length(void)
{
	return 1 + rnd_below(chance(90) ? 256 : EDUMM_OBJ_RW_MAX);
}

static __u64 gen_rw_offset(void)
{
	return chance(80) ? rnd_below(64) : rnd() & 0xffffffffULL;
}

static __u64 gen_valid(const struct fz_field *f)
{
	int bi;

	if (f->gen)
		return f->gen();
	switch (f->kind) {
	case FK_RANGE:
		return f->lo + rnd_below(f->hi - f->lo + 1);
	case FK_MASK:
		return rnd() & f->hi;
	case FK_ZERO:
		return 0;
	case FK_HANDLE:
		bi = pick_block();
		return bi >= 0 ? fz.blocks[bi].handle : gen_dead_handle();
	case FK_CACHE:
		bi = pick_cache();
		return bi >= 0 ? fz.caches[bi].id : gen_dead_id(fz.last_cache);
	case FK_OBJ:
		bi = pick_obj(-1);
		return bi >= 0 ? fz.objs[bi].handle : gen_dead_id(fz.last_obj);
	case FK_RAW:
		return rnd() & field_max(f);
	case FK_VHANDLE:
		fz.cur_area = pick_area();
		fz.cur_off = 0;
		fz.cur_len = 0;
		if (fz.cur_area >= 0)
			return fz.areas[fz.cur_area].handle;
		return gen_dead_vhandle();
	case FK_UPTR:
		return gen_uptr();
	case FK_INOUT:
	case FK_CHECKED:
		return rnd();
	default:
		/* Output fields: garbage on input, which must not matter. */
		return chance(50) ? 0 : rnd() & field_max(f);
	}
}

/* 0, 1, the limits and one past them, the sign bit, ~0, random. */
static __u64 gen_boundary(const struct fz_field *f)
{
	__u64 sign = f->size == 4 ? 0x80000000ULL : 1ULL << 63;
	__u64 v;

	if (f->kind == FK_HANDLE)
		return gen_dead_handle();
	if (f->kind == FK_CACHE)
		return gen_dead_id(fz.last_cache);
	if (f->kind == FK_OBJ)
		return gen_dead_id(fz.last_obj);
	if (f->kind == FK_VHANDLE) {
		fz.cur_area = -1;
		return gen_dead_vhandle();
	}
	if (f->kind == FK_UPTR)
		return gen_bad_uptr();
	switch (rnd_below(13)) {
	case 0:
		v = 0;
		break;
	case 1:
		v = 1;
		break;
	case 2:
		v = f->lo - 1;
		break;
	case 3:
		v = f->lo;
		break;
	case 4:
		v = f->hi;
		break;
	case 5:
		v = f->hi + 1;
		break;
	case 6:
		v = sign - 1;
		break;
	case 7:
		v = sign;		/* the most negative value */
		break;
	case 8:
		v = ~0ULL;		/* -1 */
		break;
	case 9:
		v = ~0ULL - 1;
		break;
	case 10:
		v = 1ULL << rnd_below(f->size * 8);
		break;
	case 11:
		v = f->hi | 1ULL << rnd_below(f->size * 8);
		break;
	default:
		v = rnd();
		break;
	}
	return v & field_max(f);
}

/* The E() bits of what is wrong with field value @v; 0 if valid. */
static unsigned int field_err(const struct fz_field *f, __u64 v)
{
	switch (f->kind) {
	case FK_RANGE:
		return v < f->lo || v > f->hi ? f->err : 0;
	case FK_MASK:
		return v & ~f->hi ? f->err : 0;
	case FK_ZERO:
		return v ? f->err : 0;
	case FK_HANDLE:
		if (find_block(v) >= 0)
			return 0;
		if (fz.foreign && !handle_surely_dead(v))
			fz_err("internal: handle %llu may be another process's", v);
		return f->err;
	case FK_CACHE:
	case FK_OBJ:
		if ((f->kind == FK_CACHE ? find_cache(v) : find_obj(v)) >= 0)
			return 0;
		if (fz.foreign && !id_surely_dead(v))
			fz_err("internal: id %llu may be another process's", v);
		return f->err;
	case FK_VHANDLE:
		if (find_area(v) >= 0)
			return 0;
		if (fz.foreign && !vhandle_surely_dead(v))
			fz_err("internal: area handle %llu may be another process's", v);
		return f->err;
	case FK_CHECKED:
		return f->check(v);
	default:
		return 0;
	}
}

static bool field_is_input(const struct fz_field *f)
{
	return f->kind != FK_OUT && f->kind != FK_OUT_ZERO;
}

/*** the slab rows: arguments that depend on each other ***/

/* A user pointer the kernel cannot use, or @good. */
static __u64 user_ptr(void *good, unsigned int bad_pct)
{
	static const __u64 bad[] = { 0, 8, 0xffff888000000000ULL, 1ULL << 63 };

	if (!chance(bad_pct))
		return (uintptr_t)good;
	if (chance(25))
		return (uintptr_t)unmapped_page();
	return bad[rnd_below(ARRAY_SIZE(bad))];
}

static bool user_ptr_good(__u64 p)
{
	return p == (uintptr_t)bulk_buf || p == (uintptr_t)rw_buf;
}

/* The rules of edumm_cache_name_ok() in mod/client_slab.c. */
static bool cache_name_ok(const char *name)
{
	size_t len = strnlen(name, 32), i;

	if (!len || len == 32)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.:-", name[i]))
			return false;
	return true;
}

static bool cache_name_taken(const char *name)
{
	int i;

	if (!strncmp(name, "kmalloc-", 8) || !strncmp(name, "dma-kmalloc-", 12))
		return true;
	for (i = 0; i < MAX_CACHES; i++)
		if (fz.caches[i].used && !strcmp(fz.caches[i].name, name))
			return true;
	return false;
}

static void prep_name(char *name)
{
	static const char * const bad[] = { "", "a/b", "a b", "x\x01", "a\xe9" };
	unsigned int r = rnd_below(100);
	int ci;

	memset(name, 0, 32);
	ci = pick_cache();
	if (r < 84)
		snprintf(name, 32, "fz%u.%u", fz.id, fz.name_seq++);
	else if (r < 90 && ci >= 0)
		strcpy(name, fz.caches[ci].name);
	else if (r < 93)
		strcpy(name, chance(50) ? "kmalloc-64" : "kmalloc-rcl-8k");
	else if (r < 96)
		memset(name, 'n', 32);	/* no NUL */
	else
		strcpy(name, bad[rnd_below(ARRAY_SIZE(bad))]);
}

/* Fill @count handles for a bulk free of cache @ci; may lower @count. */
static void prep_bulk_free(struct edumm_obj_bulk *b, int ci)
{
	unsigned int n = 0, i, r = rnd_below(100);
	int k;

	for (k = 0; k < MAX_OBJS && n < b->count; k++)
		if (fz.objs[k].used && fz.objs[k].cache == ci)
			bulk_buf[n++] = fz.objs[k].handle;
	if (!n) {
		for (i = 0; i < b->count; i++)
			bulk_buf[i] = gen_dead_id(fz.last_obj);
		return;
	}
	b->count = 1 + rnd_below(n);
	if (r < 8 && b->count > 1)
		bulk_buf[b->count - 1] = bulk_buf[0];		/* twice */
	else if (r < 16)
		bulk_buf[rnd_below(b->count)] = gen_dead_id(fz.last_obj);
}

static bool kmalloc_flags_ok(__u32 flags)
{
	return (flags & (EDUMM_OBJ_RECLAIMABLE | EDUMM_OBJ_DMA)) !=
	       (EDUMM_OBJ_RECLAIMABLE | EDUMM_OBJ_DMA);
}

/*
 * Field rules that span fields but come before any lookup in the kernel:
 * a kmalloc class set chosen twice.
 */
static unsigned int slab_field_errs(const struct fz_ioctl *row, const void *arg)
{
	if (row->cmd == EDUMM_IOC_KMALLOC &&
	    !kmalloc_flags_ok(((const struct edumm_kmalloc *)arg)->flags))
		return E(EINVAL);
	if (row->cmd == EDUMM_IOC_KREALLOC &&
	    !kmalloc_flags_ok(((const struct edumm_krealloc *)arg)->flags))
		return E(EINVAL);
	return 0;
}

/*
 * Make the generated argument of a slab row consistent where it should be
 * (names, user buffers, the kind of object) and occasionally not.
 */
static void slab_prep(const struct fz_ioctl *row, void *arg)
{
	int ci, oi;

	switch (row->cmd) {
	case EDUMM_IOC_CACHE_CREATE:
		prep_name(((struct edumm_cache_create *)arg)->name);
		break;
	case EDUMM_IOC_OBJ_BULK_ALLOC: {
		struct edumm_obj_bulk *b = arg;

		b->objects = user_ptr(bulk_buf, 8);
		break;
	}
	case EDUMM_IOC_OBJ_BULK_FREE: {
		struct edumm_obj_bulk *b = arg;

		b->objects = user_ptr(bulk_buf, 0);
		ci = find_cache(b->cache);
		if (ci < 0 || !b->count || b->count > EDUMM_BULK_MAX || b->flags)
			break;
		prep_bulk_free(b, ci);
		b->objects = user_ptr(bulk_buf, 6);
		break;
	}
	case EDUMM_IOC_OBJ_FREE:
	case EDUMM_IOC_KFREE:
	case EDUMM_IOC_KREALLOC: {
		__u64 *h = arg;	/* the object handle comes first */

		if (find_obj(*h) >= 0 && chance(85)) {
			oi = pick_obj(row->cmd != EDUMM_IOC_OBJ_FREE);
			if (oi >= 0)
				*h = fz.objs[oi].handle;
		}
		break;
	}
	case EDUMM_IOC_OBJ_READ:
	case EDUMM_IOC_OBJ_WRITE: {
		struct edumm_obj_rw *rw = arg;
		__u64 max;

		rw->buf = user_ptr(rw_buf, 6);
		oi = find_obj(rw->object);
		if (oi < 0 || chance(15))
			break;
		max = fz.objs[oi].size < EDUMM_OBJ_RW_MAX ? fz.objs[oi].size :
		      EDUMM_OBJ_RW_MAX;
		rw->length = 1 + rnd_below(chance(80) && max > 64 ? 64 : max);
		rw->offset = rnd_below(fz.objs[oi].size - rw->length + 1);
		break;
	}
	case EDUMM_IOC_CORRUPT: {
		struct edumm_corrupt *c = arg;

		oi = pick_obj(-1);
		c->object = oi >= 0 && chance(80) ? fz.objs[oi].handle :
			    gen_dead_id(fz.last_obj);
		ci = pick_cache();
		c->cache = ci >= 0 && chance(30) ? fz.caches[ci].id : 0;
		/* never a real corruption: the run must stay clean */
		c->op = allow_corruption ? 0 : rnd_below(7);
		c->offset = rnd_below(16);
		c->value = rnd_below(256);
		break;
	}
	default:
		break;
	}
}

/* "name=value ..." of the input fields (all fields with @all). */
static void describe_arg(const struct fz_ioctl *row, const void *arg, bool all,
			 char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i, j;

	buf[0] = '\0';
	for (i = 0; i < row->nr_fields; i++) {
		const struct fz_field *f = &row->fields[i];

		if (!all && !field_is_input(f))
			continue;
		for (j = 0; j < f->count && len < size; j++) {
			if (f->count > 1)
				len += snprintf(buf + len, size - len,
						" %s[%u]=%#llx", f->name, j,
						field_get(arg, f, j));
			else
				len += snprintf(buf + len, size - len,
						" %s=%#llx", f->name,
						field_get(arg, f, j));
		}
	}
}

/*** the ioctl rows' hooks ***/

static unsigned int expect_ok(const void *arg)
{
	(void)arg;
	return E(OK);
}

static unsigned int expect_alloc(const void *arg)
{
	(void)arg;
	return E(OK) | E(ENOMEM);
}

/* Mapped anywhere, or a page referenced from a pipe: -EBUSY. */
static unsigned int expect_free(const void *arg)
{
	const struct edumm_handle *h = arg;
	int bi = find_block(h->handle);

	return fz.blocks[bi].nr_maps || fz.blocks[bi].nr_pins ? E(EBUSY) : E(OK);
}

static void version_done(const void *in, const void *out)
{
	const struct edumm_version *v = out;

	(void)in;
	if (v->major != EDUMM_VERSION_MAJOR ||
	    v->minor != EDUMM_VERSION_MINOR ||
	    v->patch != EDUMM_VERSION_PATCH)
		fz_err("version %u.%u.%u, the uapi header says %u.%u.%u",
		       v->major, v->minor, v->patch, EDUMM_VERSION_MAJOR,
		       EDUMM_VERSION_MINOR, EDUMM_VERSION_PATCH);
}

static void alloc_done(const void *in, const void *out)
{
	const struct edumm_page_alloc *req = out;
	__u64 pages = 1ULL << req->order;
	struct fz_block *b;
	int i, slot = -1;

	(void)in;
	if (!req->handle || req->handle <= fz.last_handle)
		fz_err("new handle %llu, not above the last one %llu",
		       req->handle, fz.last_handle);
	if (req->pfn & (pages - 1))
		fz_err("pfn %#llx not aligned to order %u", req->pfn,
		       req->order);
	if (req->mmap_offset != req->handle << page_shift)
		fz_err("mmap_offset %#llx for handle %llu", req->mmap_offset,
		       req->handle);
	fz.last_handle = req->handle;
	for (i = 0; i < MAX_BLOCKS; i++) {
		b = &fz.blocks[i];
		if (!b->used) {
			if (slot < 0)
				slot = i;
			continue;
		}
		if (req->pfn < b->pfn + (1ULL << b->order) &&
		    b->pfn < req->pfn + pages)
			fz_err("new block pfn %#llx order %u overlaps our handle %llu pfn %#llx order %u",
			       req->pfn, req->order, b->handle, b->pfn,
			       b->order);
	}
	if (slot < 0) {
		/* No room in the model: give it back at once. */
		struct edumm_handle h = { .handle = req->handle };

		if (ioctl(fz.fd, EDUMM_IOC_FREE, &h))
			fz_err("free of untracked handle %llu: %s",
			       req->handle, errname(errno));
		return;
	}
	b = &fz.blocks[slot];
	*b = (struct fz_block){
		.used = true, .order = req->order, .handle = req->handle,
		.pfn = req->pfn, .salt = mix64(fz.id + 1ULL),
		.gen = calloc(pages, 1),
	};
	if (!b->gen)
		fz_err("out of memory");
	fz.nr_blocks++;
	fz.live_pages += pages;
}

static void free_done(const void *in, const void *out)
{
	const struct edumm_handle *h = in;

	(void)out;
	block_drop(find_block(h->handle));
	if (fz.nr_freed < MAX_FREED)
		fz.freed[fz.nr_freed++] = h->handle;
	else
		fz.freed[rnd_below(MAX_FREED)] = h->handle;
}

/* A refused free must have left the pages alone. */
static void free_failed(const void *in, int err)
{
	const struct edumm_handle *h = in;
	int bi = find_block(h->handle), i;

	if (err != EBUSY)
		return;
	for (i = 0; i < MAX_MAPS; i++)
		if (fz.maps[i].used && fz.maps[i].block == bi)
			verify_sample(i);
}

/*** EDUMM_IOC_BENCH ***/

/* Online CPUs below 64 (/sys/devices/system/cpu/online), read once. */
static __u64 online_cpus(void)
{
	static __u64 mask;
	unsigned int a, b;
	char buf[256], *p;
	FILE *f;

	if (mask)
		return mask;
	f = fopen("/sys/devices/system/cpu/online", "r");
	if (!f || !fgets(buf, sizeof(buf), f))
		fz_err("cannot read /sys/devices/system/cpu/online");
	if (f)
		fclose(f);
	for (p = buf; *p >= '0' && *p <= '9'; ) {
		a = strtoul(p, &p, 10);
		b = a;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				break;
			b = strtoul(p, &p, 10);
		}
		for (; a <= b && a < 64; a++)
			mask |= 1ULL << a;
		if (*p != ',')
			break;
		p++;
	}
	return mask;
}

/* Every workload of enum edumm_bench_workload. */
static const __u32 bench_workloads[] = {
	EDUMM_BENCH_PAGE_PAIR, EDUMM_BENCH_PAGE_OUTSTANDING, EDUMM_BENCH_PAGE_BULK,
	EDUMM_BENCH_SLAB_PAIR, EDUMM_BENCH_SLAB_BULK, EDUMM_BENCH_KMALLOC_MIX,
	EDUMM_BENCH_VMALLOC_PAIR, EDUMM_BENCH_VMALLOC_FIX_SIZE, EDUMM_BENCH_VMALLOC_FULL_FIT,
	EDUMM_BENCH_VMALLOC_LONG_BUSY_LIST, EDUMM_BENCH_VMALLOC_RANDOM_SIZE,
};

static unsigned int check_bench_workload(__u64 v)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bench_workloads); i++)
		if (v == bench_workloads[i])
			return 0;
	return E(EINVAL);
}

/* Every workload, and now and then a number that is none. */
static __u64 gen_bench_workload(void)
{
	if (chance(95))
		return bench_workloads[rnd_below(ARRAY_SIZE(bench_workloads))];
	return chance(50) ? rnd_below(0x40) : rnd();
}

static bool bench_is_vmalloc(__u32 workload)
{
	return workload >= EDUMM_BENCH_VMALLOC_PAIR && workload <= EDUMM_BENCH_VMALLOC_RANDOM_SIZE;
}

static __u64 gen_bench_order(void)
{
	return chance(80) ? rnd_below(4) : rnd_below(EDUMM_MAX_ORDER);
}

/* 1..4 mostly, sometimes 0 (invalid for iterations and repetitions). */
static __u64 gen_bench_small(void)
{
	return chance(95) ? 1 + rnd_below(4) : 0;
}

static __u64 gen_bench_batch(void)
{
	return chance(30) ? 0 : 1 + rnd_below(16);
}

/* A few online CPUs: one, two, all, or a random subset. */
static __u64 gen_bench_mask(void)
{
	__u64 online = online_cpus(), m;

	switch (rnd_below(4)) {
	case 0:
		m = online & -online;		/* the lowest */
		break;
	case 1:
		m = online & ~(online & -online);
		m = (online & -online) | (m & -m);	/* the two lowest */
		break;
	case 2:
		m = online;
		break;
	default:
		m = online & rnd();
		break;
	}
	return m;
}

/* 0 (not given) or an enum edumm_design, valid or not. */
static __u64 gen_bench_design(void)
{
	if (chance(45))
		return 0;
	return chance(95) ? 1 + rnd_below(EDUMM_DESIGN_DEFAULT) : rnd();
}

static bool bench_is_slab(__u32 workload)
{
	return workload == EDUMM_BENCH_SLAB_PAIR || workload == EDUMM_BENCH_SLAB_BULK;
}

/* The rules of mod/bench_slab.c: objects held per CPU. */
static bool bench_objs_ok(__u32 batch, __u32 size)
{
	return batch && batch <= EDUMM_BENCH_MAX_OBJS &&
	       (__u64)batch * size <= (__u64)EDUMM_BENCH_MAX_BATCH_PAGES * 4096;
}

/*
 * Keep calls cheap: valid but large counts become small ones.  And most of
 * the time make order, size, batch, design and CPU mask fit the workload
 * and mode, which independent fields rarely do, so that most calls run.
 */
static void bench_prepare(void *arg)
{
	struct edumm_bench *b = arg;
	__u64 online = online_cpus();

	if (chance(70) && (bench_is_slab(b->workload) ||
			   b->workload == EDUMM_BENCH_KMALLOC_MIX)) {
		if (b->mode == EDUMM_BENCH_MODE_CROSS_CPU)
			b->mode = EDUMM_BENCH_MODE_SINGLE;
		b->order = 0;
		b->size = bench_is_slab(b->workload) ? 1 + rnd_below(EDUMM_BENCH_MAX_OBJ_SIZE) : 0;
		b->design = bench_is_slab(b->workload) ? 1 + rnd_below(EDUMM_DESIGN_DEFAULT) : 0;
		b->batch = b->workload == EDUMM_BENCH_SLAB_PAIR ? 0 : 1 + rnd_below(16);
		if (b->mode == EDUMM_BENCH_MODE_SINGLE)
			b->cpu_mask = online & -online;
		else if (!(b->cpu_mask & online))
			b->cpu_mask = online;
	} else if (chance(70)) {
		b->size = 0;
		b->design = 0;
		if (b->mode == EDUMM_BENCH_MODE_CROSS_CPU)
			b->workload = EDUMM_BENCH_PAGE_PAIR;
		if (bench_is_slab(b->workload) || b->workload == EDUMM_BENCH_KMALLOC_MIX)
			b->workload = EDUMM_BENCH_PAGE_BULK;
		if (bench_is_vmalloc(b->workload)) {
			/* pages: one area, or the busy areas (cheap: few) */
			b->order = 0;
			b->batch = 0;
			b->size = 1 + rnd_below(16);
		} else if (b->workload == EDUMM_BENCH_PAGE_PAIR) {
			b->batch = 0;
		} else {
			if (b->workload == EDUMM_BENCH_PAGE_BULK || b->order >= EDUMM_MAX_ORDER)
				b->order = 0;
			b->batch = 1 + rnd_below(EDUMM_BENCH_MAX_BATCH_PAGES >> b->order < 16 ?
						 EDUMM_BENCH_MAX_BATCH_PAGES >> b->order : 16);
		}
		if (b->mode == EDUMM_BENCH_MODE_SINGLE)
			b->cpu_mask = online & -online;
		else if (b->mode == EDUMM_BENCH_MODE_CROSS_CPU)
			b->cpu_mask = (online & -online) |
				      ((online & (online - 1)) & -(online & (online - 1)));
		else if (!(b->cpu_mask & online))
			b->cpu_mask = online;
	}

	if (b->iterations > 8 && b->iterations <= EDUMM_BENCH_MAX_ITERATIONS)
		b->iterations = 1 + b->iterations % 8;
	if (b->repetitions > 3 && b->repetitions <= EDUMM_BENCH_MAX_REPS)
		b->repetitions = 1 + b->repetitions % 3;
	if (b->batch > 16 && b->batch <= EDUMM_BENCH_MAX_BATCH_PAGES)
		b->batch = 1 + b->batch % 16;
	/* a vmalloc run's pages, or its busy areas (thousands: slow), if valid */
	if (bench_is_vmalloc(b->workload) && b->size > 64 && !(expect_bench(b) & E(EINVAL)))
		b->size = 1 + b->size % 64;
}

/* The rules of edumm_bench_validate() beyond each field's own range. */
static unsigned int expect_bench(const void *arg)
{
	const struct edumm_bench *b = arg;
	unsigned int nr = __builtin_popcountll(b->cpu_mask);
	bool ok;

	switch (b->workload) {
	case EDUMM_BENCH_PAGE_PAIR:
		ok = b->order < EDUMM_MAX_ORDER && !b->size && !b->batch;
		break;
	case EDUMM_BENCH_PAGE_OUTSTANDING:
		ok = b->order < EDUMM_MAX_ORDER && !b->size && b->batch &&
		     b->batch <= EDUMM_BENCH_MAX_BATCH_PAGES >> b->order;
		break;
	case EDUMM_BENCH_PAGE_BULK:
		ok = !b->order && !b->size && b->batch &&
		     b->batch <= EDUMM_BENCH_MAX_BATCH_PAGES;
		break;
	case EDUMM_BENCH_SLAB_PAIR:
		ok = !b->order && b->size && b->size <= EDUMM_BENCH_MAX_OBJ_SIZE && !b->batch;
		break;
	case EDUMM_BENCH_SLAB_BULK:
		ok = !b->order && b->size && b->size <= EDUMM_BENCH_MAX_OBJ_SIZE &&
		     bench_objs_ok(b->batch, b->size);
		break;
	case EDUMM_BENCH_KMALLOC_MIX:
		ok = !b->order && !b->size && bench_objs_ok(b->batch, EDUMM_BENCH_MIX_MAX);
		break;
	case EDUMM_BENCH_VMALLOC_FULL_FIT:
	case EDUMM_BENCH_VMALLOC_LONG_BUSY_LIST:
		/* size: 1-page areas held per CPU */
		ok = !b->order && !b->batch && b->size &&
		     (__u64)b->size * nr <= EDUMM_BENCH_MAX_VMALLOC_BUSY;
		break;
	case EDUMM_BENCH_VMALLOC_PAIR:
	case EDUMM_BENCH_VMALLOC_FIX_SIZE:
	case EDUMM_BENCH_VMALLOC_RANDOM_SIZE:
		/* size: pages of an area (random: the largest) */
		ok = !b->order && !b->batch && b->size &&
		     b->size <= EDUMM_BENCH_MAX_BATCH_PAGES;
		break;
	default:
		return E(EINVAL);
	}
	/* a design exactly for the slab workloads */
	if (bench_is_slab(b->workload)) {
		if (b->design < EDUMM_DESIGN_SLUB || b->design > EDUMM_DESIGN_DEFAULT)
			ok = false;
	} else if (b->design) {
		ok = false;
	}
	if (b->mode == EDUMM_BENCH_MODE_CROSS_CPU &&
	    b->workload != EDUMM_BENCH_PAGE_PAIR)
		ok = false;
	if ((__u64)b->iterations * b->repetitions * (b->batch ? b->batch : 1) >
	    EDUMM_BENCH_MAX_OPS)
		ok = false;
	if (!nr || nr > EDUMM_BENCH_MAX_CPUS || b->cpu_mask & ~online_cpus())
		ok = false;
	if ((b->mode == EDUMM_BENCH_MODE_SINGLE && nr != 1) ||
	    (b->mode == EDUMM_BENCH_MODE_CROSS_CPU && nr != 2))
		ok = false;
	/* the edumm pool may be short: other processes hold blocks */
	return ok ? E(OK) | E(ENOMEM) : E(EINVAL);
}

static void bench_done(const void *in, const void *out)
{
	const struct edumm_bench *b = out;
	unsigned int i;

	(void)in;
	if (b->nr_cpus != (__u32)__builtin_popcountll(b->cpu_mask) ||
	    b->ops != (__u64)b->iterations * (b->batch ? b->batch : 1))
		fz_err("EDUMM_IOC_BENCH: nr_cpus %u ops %llu for mask %#llx, %u iterations, batch %u",
		       b->nr_cpus, (unsigned long long)b->ops,
		       (unsigned long long)b->cpu_mask, b->iterations, b->batch);
	for (i = b->repetitions; i < EDUMM_BENCH_MAX_REPS; i++)
		if (b->ns[i] || b->cycles[i])
			fz_err("EDUMM_IOC_BENCH: result of repetition %u of %u", i,
			       b->repetitions);
	for (i = b->nr_cpus; i < EDUMM_BENCH_MAX_CPUS; i++)
		if (b->cpu_ns[i])
			fz_err("EDUMM_IOC_BENCH: result of CPU %u of %u", i, b->nr_cpus);
}

static void info_done(const void *in, const void *out)
{
	const struct edumm_info *info = out;

	(void)in;
	if (info->page_size != page_size ||
	    info->max_order != EDUMM_MAX_ORDER ||
	    info->pool_pages != info0.pool_pages ||
	    info->nr_nodes != info0.nr_nodes ||
	    info->nr_zones != info0.nr_zones || !info->nr_nodes ||
	    info->nr_zones < info->nr_nodes ||
	    info->metadata_bytes != info0.metadata_bytes)
		fz_err("info: page_size %u max_order %u nodes %u zones %u pool %llu metadata %llu changed or wrong",
		       info->page_size, info->max_order, info->nr_nodes,
		       info->nr_zones, info->pool_pages, info->metadata_bytes);
	if (info->free_pages + info->pcp_pages + info->allocated_pages !=
	    info->pool_pages)
		fz_err("info: free %llu + pcp %llu + allocated %llu != pool %llu",
		       info->free_pages, info->pcp_pages,
		       info->allocated_pages, info->pool_pages);
}

/*** the slab rows' hooks ***/

/* ksize() of the kernel's kmalloc for @size (6.1 classes, kmalloc_large). */
static __u64 expected_ksize(__u64 size)
{
	__u64 c;

	if (size <= 8)
		return 8;
	if (size > 64 && size <= 96)
		return 96;
	if (size > 128 && size <= 192)
		return 192;
	for (c = 16; c < size; c <<= 1)
		;
	return c;
}

static unsigned int expect_cache_create(const void *arg)
{
	const struct edumm_cache_create *cc = arg;

	if (!cache_name_ok(cc->name) ||
	    (cc->align && ((cc->align & (cc->align - 1)) || cc->align > 4096)) ||
	    (cc->flags & EDUMM_CACHE_CTOR_PATTERN && cc->size < EDUMM_CTOR_BYTES))
		return E(EINVAL);
	/* the kernel's SLOB had no debugging (and no per-object RCU) */
	if ((cc->design == EDUMM_DESIGN_SLOB ||
	     (cc->design == EDUMM_DESIGN_DEFAULT && default_slob)) &&
	    cc->flags & (EDUMM_CACHE_POISON | EDUMM_CACHE_RED_ZONE |
			 EDUMM_CACHE_STORE_USER | EDUMM_CACHE_CONSISTENCY_CHECKS |
			 EDUMM_CACHE_TYPESAFE_BY_RCU))
		return E(EINVAL);
	if (cache_name_taken(cc->name))
		return E(EEXIST);
	/* near 4 MiB the slot (metadata, alignment) may outgrow an order-10 block */
	if (cc->size > EDUMM_CACHE_MAX_SIZE - 8192)
		return E(OK) | E(ENOMEM) | E(EINVAL);
	return E(OK) | E(ENOMEM);
}

static unsigned int expect_cache_destroy(const void *arg)
{
	const struct edumm_cache_ref *r = arg;

	return fz.caches[find_cache(r->cache)].nr_objs ? E(EBUSY) : E(OK);
}

static unsigned int expect_obj_free(const void *arg)
{
	const struct edumm_obj_ref *r = arg;

	return fz.objs[find_obj(r->object)].cache >= 0 ? E(OK) : E(ENOENT);
}

static unsigned int expect_kfree(const void *arg)
{
	const struct edumm_obj_ref *r = arg;

	return fz.objs[find_obj(r->object)].cache < 0 ? E(OK) : E(ENOENT);
}

static unsigned int expect_bulk_alloc(const void *arg)
{
	const struct edumm_obj_bulk *b = arg;

	/* the objects are allocated before the handles are written */
	return user_ptr_good(b->objects) ? E(OK) | E(ENOMEM) :
	       E(EFAULT) | E(ENOMEM);
}

static unsigned int expect_bulk_free(const void *arg)
{
	const struct edumm_obj_bulk *b = arg;
	int ci = find_cache(b->cache), oi;
	unsigned int i, j;

	if (!user_ptr_good(b->objects))
		return E(EFAULT);
	for (i = 0; i < b->count; i++) {
		oi = find_obj(bulk_buf[i]);
		if (oi < 0 && fz.foreign && !id_surely_dead(bulk_buf[i]))
			fz_err("internal: object %llu may be another process's",
			       bulk_buf[i]);
		if (oi < 0 || fz.objs[oi].cache != ci)
			return E(ENOENT);
		for (j = 0; j < i; j++)
			if (bulk_buf[j] == bulk_buf[i])
				return E(ENOENT);
	}
	return E(OK);
}

static unsigned int expect_kmalloc(const void *arg)
{
	const struct edumm_kmalloc *km = arg;

	return kmalloc_flags_ok(km->flags) ? E(OK) | E(ENOMEM) : E(EINVAL);
}

static unsigned int expect_krealloc(const void *arg)
{
	const struct edumm_krealloc *kr = arg;

	if (!kmalloc_flags_ok(kr->flags))
		return E(EINVAL);
	if (fz.objs[find_obj(kr->object)].cache >= 0)
		return E(ENOENT);
	return E(OK) | E(ENOMEM);
}

/* Bounds first, then the buffer (mod/client_slab.c checks in that order). */
static unsigned int expect_obj_rw(const void *arg)
{
	const struct edumm_obj_rw *rw = arg;

	if ((__u64)rw->offset + rw->length > fz.objs[find_obj(rw->object)].size)
		return E(EINVAL);
	return user_ptr_good(rw->buf) ? E(OK) : E(EFAULT);
}

static unsigned int expect_obj_read(const void *arg)
{
	return expect_obj_rw(arg);
}

static unsigned int expect_obj_write(const void *arg)
{
	return expect_obj_rw(arg);
}

static unsigned int expect_corrupt(const void *arg)
{
	(void)arg;
	return allow_corruption ? E(ENOENT) | E(EINVAL) : E(EPERM);
}

static void nothing_done(const void *in, const void *out)
{
	(void)in;
	(void)out;
}

static int obj_add(__u64 handle, int ci, __u64 size, bool zero)
{
	int i;

	if (!handle || find_obj(handle) >= 0)
		fz_err("%s: new object handle %llu is 0 or live already",
		       fz.what, handle);
	if (handle > fz.last_obj)
		fz.last_obj = handle;
	for (i = 0; i < MAX_OBJS; i++) {
		if (fz.objs[i].used)
			continue;
		fz.objs[i] = (struct fz_obj){
			.used = true, .zero = zero, .cache = ci,
			.handle = handle, .size = size,
		};
		if (ci >= 0)
			fz.caches[ci].nr_objs++;
		fz.nr_objs++;
		return i;
	}
	return -1;
}

/* No room in the model: give the object back at once. */
static void obj_untracked(__u64 handle, bool kmalloc)
{
	struct edumm_obj_ref r = { .object = handle };
	int err = sys_ioctl(fz.fd, kmalloc ? EDUMM_IOC_KFREE : EDUMM_IOC_OBJ_FREE,
			    &r);

	if (err)
		fz_err("free of untracked object %llu: %s", handle, errname(err));
}

static void cache_create_done(const void *in, const void *out)
{
	const struct edumm_cache_create *cc = out;
	struct edumm_cache_ref r = { .cache = cc->cache };
	int i, err;

	(void)in;
	if (!cc->cache || find_cache(cc->cache) >= 0)
		fz_err("new cache id %llu is 0 or live already", cc->cache);
	if (cc->slab_size < cc->size)
		fz_err("cache of %u-byte objects has %u-byte slots", cc->size,
		       cc->slab_size);
	if (cc->cache > fz.last_cache)
		fz.last_cache = cc->cache;
	for (i = 0; i < MAX_CACHES; i++) {
		if (fz.caches[i].used)
			continue;
		fz.caches[i] = (struct fz_cache){
			.used = true, .id = cc->cache, .size = cc->size,
			.flags = cc->flags, .design = cc->design,
		};
		memcpy(fz.caches[i].name, cc->name, 32);
		fz.nr_caches++;
		return;
	}
	err = sys_ioctl(fz.fd, EDUMM_IOC_CACHE_DESTROY, &r);
	if (err)
		fz_err("destroy of untracked cache %llu: %s", cc->cache,
		       errname(err));
}

static void cache_destroy_done(const void *in, const void *out)
{
	const struct edumm_cache_ref *r = in;

	(void)out;
	memset(&fz.caches[find_cache(r->cache)], 0, sizeof(struct fz_cache));
	fz.nr_caches--;
}

static void cache_info_done(const void *in, const void *out)
{
	const struct edumm_cache_query *q = out;
	const struct fz_cache *c = &fz.caches[find_cache(q->cache)];

	(void)in;
	if (strncmp(q->name, c->name, 32) || q->object_size != c->size ||
	    q->objects != c->nr_objs || q->cache_flags != c->flags ||
	    q->errors || q->validate_errors || q->slab_size < c->size ||
	    q->design < EDUMM_DESIGN_SLUB || q->design > EDUMM_DESIGN_SLOB ||
	    (c->design != EDUMM_DESIGN_DEFAULT && q->design != c->design) ||
	    q->active_objs < q->objects)
		fz_err("cache info of %s: size %u objects %llu (ours %u) flags %#x design %u errors %llu/%llu, expected size %u flags %#x design %u",
		       c->name, q->object_size, q->objects, c->nr_objs,
		       q->cache_flags, q->design, q->errors, q->validate_errors,
		       c->size, c->flags, c->design);
}

static void obj_alloc_done(const void *in, const void *out)
{
	const struct edumm_obj_alloc *a = out;
	int ci = find_cache(a->cache);

	(void)in;
	if (a->size != fz.caches[ci].size)
		fz_err("object of cache %s: size %llu, not %u",
		       fz.caches[ci].name, a->size, fz.caches[ci].size);
	if (obj_add(a->object, ci, a->size, a->flags & EDUMM_OBJ_ZERO) < 0)
		obj_untracked(a->object, false);
}

static void obj_free_done(const void *in, const void *out)
{
	const struct edumm_obj_ref *r = in;

	(void)out;
	obj_drop(find_obj(r->object));
}

static void bulk_alloc_done(const void *in, const void *out)
{
	const struct edumm_obj_bulk *b = in;
	int ci = find_cache(b->cache);
	unsigned int i;

	(void)out;
	for (i = 0; i < b->count; i++)
		if (obj_add(bulk_buf[i], ci, fz.caches[ci].size,
			    b->flags & EDUMM_OBJ_ZERO) < 0)
			obj_untracked(bulk_buf[i], false);
}

static void bulk_free_done(const void *in, const void *out)
{
	const struct edumm_obj_bulk *b = in;
	unsigned int i;

	(void)out;
	for (i = 0; i < b->count; i++)
		obj_drop(find_obj(bulk_buf[i]));
}

static void kmalloc_done(const void *in, const void *out)
{
	const struct edumm_kmalloc *km = out;
	int oi;

	(void)in;
	if (km->ksize != expected_ksize(km->size))
		fz_err("kmalloc(%llu): ksize %llu, expected %llu", km->size,
		       km->ksize, expected_ksize(km->size));
	oi = obj_add(km->object, -1, km->size, km->flags & EDUMM_OBJ_ZERO);
	if (oi < 0)
		obj_untracked(km->object, true);
	else
		fz.objs[oi].ksize = km->ksize;
}

static void krealloc_done(const void *in, const void *out)
{
	const struct edumm_krealloc *kr = out;
	struct fz_obj *o = &fz.objs[find_obj(kr->object)];
	/* as __do_krealloc(): in place whenever the old ksize() suffices */
	bool moved = kr->size > o->ksize;
	__u64 want = moved ? expected_ksize(kr->size) : o->ksize;

	(void)in;
	if (kr->ksize != want || kr->moved != moved)
		fz_err("krealloc(%llu) of a %llu-byte object: ksize %llu (expected %llu), moved %u",
		       kr->size, o->ksize, kr->ksize, want, kr->moved);
	o->size = kr->size;
	o->ksize = kr->ksize;
	o->zero = false;
}

/* A krealloc that fails with EFAULT on the way out has resized the object. */
static void krealloc_failed(const void *in, int err)
{
	const struct edumm_krealloc *kr = in;
	struct edumm_ksize ks = { .object = kr->object };
	int oi = find_obj(kr->object);

	if (err != EFAULT || oi < 0 || sys_ioctl(fz.fd, EDUMM_IOC_KSIZE, &ks))
		return;
	fz.objs[oi].size = ks.size;
	fz.objs[oi].ksize = ks.ksize;
	fz.objs[oi].zero = false;
}

static void ksize_done(const void *in, const void *out)
{
	const struct edumm_ksize *ks = out;
	const struct fz_obj *o = &fz.objs[find_obj(ks->object)];

	(void)in;
	if (ks->size != o->size || ks->ksize < o->size ||
	    (o->cache < 0 && ks->ksize != o->ksize))
		fz_err("ksize of object %llu: %llu/%llu, its size is %llu",
		       ks->object, ks->ksize, ks->size, o->size);
}

static void obj_read_done(const void *in, const void *out)
{
	const struct edumm_obj_rw *rw = in;
	const struct fz_obj *o = &fz.objs[find_obj(rw->object)];
	__u32 i;

	(void)out;
	if (!o->zero)
		return;
	for (i = 0; i < rw->length; i++)
		if (rw_buf[i])
			fz_err("object %llu allocated zeroed: byte %u is %#x",
			       rw->object, rw->offset + i, rw_buf[i]);
}

static void obj_write_done(const void *in, const void *out)
{
	const struct edumm_obj_rw *rw = in;

	(void)out;
	fz.objs[find_obj(rw->object)].zero = false;
}

/*** vmalloc areas ***/

static int find_area(__u64 h)
{
	int i;

	for (i = 0; i < MAX_AREAS; i++)
		if (fz.areas[i].used && fz.areas[i].handle == h)
			return i;
	return -1;
}

static int pick_area(void)
{
	int cand[MAX_AREAS], n = 0, i;

	for (i = 0; i < MAX_AREAS; i++)
		if (fz.areas[i].used)
			cand[n++] = i;
	return n ? cand[rnd_below(n)] : -1;
}

static void area_drop(int ai)
{
	struct fz_area *a = &fz.areas[ai];

	fz.area_pages -= a->nr_pages;
	fz.nr_areas--;
	free(a->shadow);
	free(a->pfns);
	memset(a, 0, sizeof(*a));
}

static void area_drop_all(void)
{
	int i;

	for (i = 0; i < MAX_AREAS; i++)
		if (fz.areas[i].used)
			area_drop(i);
}

/* As gen_dead_handle(), for area handles. */
static __u64 gen_dead_vhandle(void)
{
	switch (rnd_below(fz.foreign ? 6 : 8)) {
	case 0:
		return 0;
	case 1:
		return ~0ULL;
	case 2:
		return 1ULL << 36;
	case 3:
		return rnd() | SURELY_DEAD_HANDLE;
	case 4:
		return fz.nr_vfreed ? fz.vfreed[rnd_below(fz.nr_vfreed)] : 0;
	case 5:
		return 1ULL << 63;
	case 6:
		return fz.last_vhandle + 1 + rnd_below(4);
	default:
		/* may name a live area: then the call is a valid one */
		return 1 + rnd_below(fz.last_vhandle + 4);
	}
}

static bool vhandle_surely_dead(__u64 h)
{
	unsigned int i;

	if (!h || h >= SURELY_DEAD_HANDLE)
		return true;
	for (i = 0; i < fz.nr_vfreed; i++)
		if (fz.vfreed[i] == h)
			return true;
	return false;
}

static __u64 area_bytes(int ai)
{
	return ai >= 0 ? fz.areas[ai].nr_pages * page_size : 0;
}

/* 0, over the pool: errors; else mostly small, in big phases larger. */
static unsigned int check_vsize(__u64 v)
{
	if (!v)
		return E(EINVAL);
	if (v > info0.pool_pages * page_size)
		return E(E2BIG);
	return 0;
}

static __u64 gen_vsize(void)
{
	__u64 pages = fz.big ? 1 + rnd_below(MAX_AREA_PAGES) :
			       1 + rnd_below(1 + rnd_below(32));

	return (pages - 1) * page_size + 1 + rnd_below(page_size);
}

/* offset, length: inside the area of the call, mostly; sometimes past it. */
static __u64 gen_voffset(void)
{
	__u64 bytes = area_bytes(fz.cur_area);

	if (chance(10))
		fz.cur_off = bytes + rnd_below(2 * page_size);
	else if (chance(30))
		fz.cur_off = 0;
	else
		fz.cur_off = rnd_below(bytes + 1);
	return fz.cur_off;
}

static __u64 gen_vlength(void)
{
	__u64 bytes = area_bytes(fz.cur_area);
	__u64 room = bytes > fz.cur_off ? bytes - fz.cur_off : 0;

	if (chance(8))
		fz.cur_len = room + 1 + rnd_below(page_size);
	else if (chance(20))
		fz.cur_len = room;
	else
		fz.cur_len = rnd_below(room + 1);
	return fz.cur_len;
}

static __u64 gen_pfn_count(void)
{
	__u64 n = fz.cur_area >= 0 ? fz.areas[fz.cur_area].nr_pages : 4;

	if (chance(10))
		return ~0ULL - rnd_below(2);
	return rnd_below(n + 3);
}

/* A user buffer: the scratch area (random bytes), or one that faults. */
static __u64 gen_uptr(void)
{
	char *p = fz.scratch + (chance(20) ? rnd_below(8) : 0);
	__u64 len = fz.cur_len < SCRATCH_BYTES - 8 ? fz.cur_len : 0, i;

	for (i = 0; i < len; i += 8)
		p[i] = (char)rnd();
	return (uintptr_t)p;
}

static __u64 gen_bad_uptr(void)
{
	switch (rnd_below(5)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)unmapped_page();
	case 2:
		return (uintptr_t)(fz.arena + AR_NONE1 * page_size);
	case 3:
		return 0xffffffff81000000ULL;
	default:
		return 0x8000000000000000ULL;
	}
}

/* Does [@p, @p + @len) lie in the scratch area? */
static bool in_scratch(__u64 p, __u64 len)
{
	__u64 s = (uintptr_t)fz.scratch;

	return p >= s && p <= s + SCRATCH_BYTES && len <= s + SCRATCH_BYTES - p;
}

/*
 * The walker's fields follow its mode, chosen first (addr is the first
 * field): USER walks one of our own addresses or a bad one, VMALLOC an
 * area's page or guard page.
 */
static __u64 gen_walk_addr(void)
{
	static int stack_var;

	fz.walk_mode = chance(50) ? EDUMM_PGWALK_USER : EDUMM_PGWALK_VMALLOC;
	fz.cur_area = -1;
	if (fz.walk_mode == EDUMM_PGWALK_VMALLOC)
		return chance(5) ? (uintptr_t)fz.scratch : 0;
	switch (rnd_below(8)) {
	case 0:
		return (uintptr_t)fz.scratch + rnd_below(SCRATCH_BYTES);
	case 1:
		return (uintptr_t)fz.arena + rnd_below(AR_PAGES * page_size);
	case 2:
		return (uintptr_t)&stack_var;
	case 3:
		return (uintptr_t)unmapped_page();
	case 4:
		return chance(50) ? 0 : rnd_below(page_size);
	case 5:
		return task_size - 1 + rnd_below(3);
	case 6:
		return 0xffffffff81000000ULL + rnd_below(1ULL << 30);
	default:
		return rnd();
	}
}

static __u64 gen_walk_handle(void)
{
	if (fz.walk_mode != EDUMM_PGWALK_VMALLOC)
		return chance(5) ? 1 : 0;
	fz.cur_area = pick_area();
	if (fz.cur_area < 0 || chance(10)) {
		fz.cur_area = -1;
		return gen_dead_vhandle();
	}
	return fz.areas[fz.cur_area].handle;
}

static __u64 gen_walk_offset(void)
{
	__u64 span = area_bytes(fz.cur_area) + page_size;	/* guard */

	if (fz.walk_mode != EDUMM_PGWALK_VMALLOC)
		return chance(5) ? page_size : 0;
	if (chance(10))
		return span + rnd_below(2 * page_size);
	return rnd_below(span);
}

static __u64 gen_walk_mode(void)
{
	return fz.walk_mode;
}

static unsigned int expect_vrw(const void *arg)
{
	const struct edumm_vrw *rw = arg;
	__u64 bytes = area_bytes(find_area(rw->handle));

	if (rw->offset > bytes || rw->length > bytes - rw->offset)
		return E(EINVAL);
	if (!rw->length || in_scratch(rw->buf, rw->length))
		return E(OK);
	return E(EFAULT);
}

static unsigned int expect_vdescribe(const void *arg)
{
	const struct edumm_vdescribe *d = arg;
	__u64 nr = fz.areas[find_area(d->handle)].nr_pages;
	__u64 n = d->pfn_count < nr ? d->pfn_count : nr;

	if (!n || in_scratch(d->pfns, n * 8))
		return E(OK);
	return E(EFAULT);
}

static unsigned int expect_pgwalk(const void *arg)
{
	const struct edumm_pgwalk *w = arg;
	int ai;

	if (w->mode == EDUMM_PGWALK_USER) {
		if (w->handle || w->offset || !w->addr)
			return E(EINVAL);
		return w->addr >= task_size ? E(EFAULT) : E(OK);
	}
	if (w->addr)
		return E(EINVAL);
	ai = find_area(w->handle);
	if (ai < 0) {
		/*
		 * A mutated handle, while another process allocates areas on
		 * our client: it may name one of them.
		 */
		if (fz.foreign && !vhandle_surely_dead(w->handle))
			return E(ENOENT) | E(OK) | E(EINVAL);
		return E(ENOENT);
	}
	if (w->offset >= area_bytes(ai) + page_size)
		return E(EINVAL);
	return E(OK);
}

static void vmalloc_done(const void *in, const void *out)
{
	const struct edumm_vmalloc *req = out;
	__u64 pages = (req->size + page_size - 1) / page_size;
	struct edumm_handle h = { .handle = req->handle };
	struct fz_area *a = NULL;
	int i;

	(void)in;
	if (!req->handle || req->handle <= fz.last_vhandle)
		fz_err("new area handle %llu, not above the last one %llu",
		       req->handle, fz.last_vhandle);
	if (req->nr_pages != pages)
		fz_err("area of %llu bytes has %llu pages", req->size, req->nr_pages);
	if (req->mmap_offset & (page_size - 1) ||
	    (req->mmap_offset >> page_shift) < SURELY_DEAD_HANDLE)
		fz_err("area mmap_offset %#llx: unaligned or in the blocks' range",
		       req->mmap_offset);
	fz.last_vhandle = req->handle;
	for (i = 0; i < MAX_AREAS && !a; i++)
		if (!fz.areas[i].used)
			a = &fz.areas[i];
	if (!a || pages > MAX_AREA_PAGES) {
		/* no room in the model: give it back at once */
		if (ioctl(fz.fd, EDUMM_IOC_VFREE, &h))
			fz_err("vfree of untracked area %llu: %s", req->handle,
			       errname(errno));
		return;
	}
	*a = (struct fz_area){
		.used = true, .handle = req->handle, .nr_pages = pages,
		.mmap_offset = req->mmap_offset,
		.shadow = calloc(pages, page_size),
		.pfns = calloc(pages, sizeof(__u64)),
	};
	if (!a->shadow || !a->pfns)
		fz_err("out of memory");
	fz.nr_areas++;
	fz.area_pages += pages;
}

static void vfree_done(const void *in, const void *out)
{
	const struct edumm_handle *h = in;

	(void)out;
	area_drop(find_area(h->handle));
	if (fz.nr_vfreed < MAX_FREED)
		fz.vfreed[fz.nr_vfreed++] = h->handle;
	else
		fz.vfreed[rnd_below(MAX_FREED)] = h->handle;
}

static void vread_done(const void *in, const void *out)
{
	const struct edumm_vrw *rw = in;
	const struct fz_area *a = &fz.areas[find_area(rw->handle)];
	__u64 i;

	(void)out;
	for (i = 0; i < rw->length; i++) {
		if (((unsigned char *)(uintptr_t)rw->buf)[i] != a->shadow[rw->offset + i])
			fz_err("VREAD area %llu byte %llu: %#x, expected %#x",
			       rw->handle, rw->offset + i,
			       ((unsigned char *)(uintptr_t)rw->buf)[i],
			       a->shadow[rw->offset + i]);
	}
	stat_add(&shared->verified_bytes, rw->length);
}

static void vwrite_done(const void *in, const void *out)
{
	const struct edumm_vrw *rw = in;
	struct fz_area *a = &fz.areas[find_area(rw->handle)];

	(void)out;
	memcpy(a->shadow + rw->offset, (void *)(uintptr_t)rw->buf, rw->length);
	stat_add(&shared->written_bytes, rw->length);
}

static void vdescribe_done(const void *in, const void *out)
{
	const struct edumm_vdescribe *din = in, *d = out;
	struct fz_area *a = &fz.areas[find_area(din->handle)];
	const __u64 *pfns = (const __u64 *)(uintptr_t)din->pfns;
	__u64 n = din->pfn_count < a->nr_pages ? din->pfn_count : a->nr_pages, i;

	if (d->pfn_count != n || d->nr_pages != a->nr_pages ||
	    d->size != (a->nr_pages + 1) * page_size ||
	    d->flags & ~EDUMM_VDESC_ADDR_REAL)
		fz_err("VDESCRIBE area %llu: count %llu (expected %llu) nr_pages %llu (%llu) size %llu flags %#x",
		       din->handle, d->pfn_count, n, d->nr_pages, a->nr_pages,
		       d->size, d->flags);
	for (i = 0; i < n; i++) {
		if (a->pfns_known && pfns[i] != a->pfns[i])
			fz_err("VDESCRIBE area %llu page %llu: pfn %#llx, before %#llx",
			       din->handle, i, pfns[i], a->pfns[i]);
		a->pfns[i] = pfns[i];
	}
	if (n == a->nr_pages)
		a->pfns_known = true;
}

static void pgwalk_done(const void *in, const void *out)
{
	const struct edumm_pgwalk *win = in, *w = out;
	const struct edumm_pgwalk_entry *e = w->entries;
	__u64 addr_off;
	bool mapped;
	unsigned int i;
	int ai;

	if ((w->paging_levels != 4 && w->paging_levels != 5) ||
	    (w->result != EDUMM_PGWALK_MAPPED && w->result != EDUMM_PGWALK_NOT_PRESENT) ||
	    !w->nr_entries || w->nr_entries > w->paging_levels ||
	    w->stop_level != e[w->nr_entries - 1].level)
		fz_err("PGWALK: levels %u result %u entries %u stop %u",
		       w->paging_levels, w->result, w->nr_entries, w->stop_level);
	for (i = 0; i < EDUMM_PGWALK_MAX_LEVELS; i++) {
		if (i >= w->nr_entries) {
			if (e[i].value || e[i].flags || e[i].pfn || e[i].index || e[i].level)
				fz_err("PGWALK: unused entry %u not zero", i);
			continue;
		}
		if (e[i].flags != (e[i].value & EDUMM_PTE_FLAGS_MASK) ||
		    (i && e[i].level <= e[i - 1].level) || e[i].index > 511)
			fz_err("PGWALK: entry %u: value %#llx flags %#llx level %u index %u",
			       i, e[i].value, e[i].flags, e[i].level, e[i].index);
	}
	if (w->result == EDUMM_PGWALK_MAPPED &&
	    (w->phys >> 12 != w->pfn ||
	     (w->page_size != 4096 && w->page_size != 2ULL << 20 &&
	      w->page_size != 1ULL << 30)))
		fz_err("PGWALK: phys %#llx pfn %#llx page size %llu", w->phys, w->pfn,
		       w->page_size);
	if (win->mode == EDUMM_PGWALK_USER) {
		if (w->vaddr != win->addr || w->out_flags != EDUMM_PGWALK_ADDR_REAL ||
		    (w->result == EDUMM_PGWALK_MAPPED && (w->phys & 0xfff) != (win->addr & 0xfff)))
			fz_err("PGWALK user %#llx: vaddr %#llx out_flags %#x phys %#llx",
			       win->addr, w->vaddr, w->out_flags, w->phys);
		if (in_scratch(win->addr, 1) && w->result != EDUMM_PGWALK_MAPPED)
			fz_err("PGWALK: our scratch page %#llx is not mapped", win->addr);
		return;
	}
	ai = find_area(win->handle);
	if (ai < 0)
		return;		/* another process's area (see expect_pgwalk()) */
	addr_off = win->offset;
	mapped = addr_off < area_bytes(ai);
	if (w->result == EDUMM_PGWALK_MAPPED)
		mapped = !mapped;	/* now: true if the result is wrong */
	if (!(w->out_flags & EDUMM_PGWALK_LOOKUP_OK) || w->stop_level != EDUMM_PGLEVEL_PTE ||
	    mapped)
		fz_err("PGWALK area %llu offset %#llx: result %u at level %u, out_flags %#x",
		       win->handle, addr_off, w->result, w->stop_level, w->out_flags);
	if (w->result == EDUMM_PGWALK_MAPPED && fz.areas[ai].pfns_known &&
	    w->pfn != fz.areas[ai].pfns[addr_off / page_size])
		fz_err("PGWALK area %llu page %llu: pfn %#llx, VDESCRIBE said %#llx",
		       win->handle, addr_off / page_size, w->pfn,
		       fz.areas[ai].pfns[addr_off / page_size]);
}

/*** operations ***/

static int sys_ioctl(int fd, unsigned int cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? errno : 0;
}

static void check_result(int err, unsigned int allowed, const char *what,
			 const char *args)
{
	char set[128];

	if (ebit(err) & allowed)
		return;
	fz_err("%s%s returned %s, allowed: %s", what, args, errname(err),
	       eset_str(allowed, set, sizeof(set)));
}

/* One ioctl of @row with generated fields and pointer. */
static void op_ioctl(const struct fz_ioctl *row)
{
	unsigned char in[MAX_ARG], out[MAX_ARG];
	size_t size = _IOC_SIZE(row->cmd);
	unsigned int dir = _IOC_DIR(row->cmd);
	unsigned int i, j, errs = 0, allowed;
	bool mutate = chance(25);
	char desc[768], args[1024];
	struct fz_place pl;
	int err;

	fz.what = row->name;
	for (i = 0; i < row->nr_fields; i++) {
		const struct fz_field *f = &row->fields[i];

		for (j = 0; j < f->count; j++)
			field_put(in, f, j, mutate && chance(40) ?
				  gen_boundary(f) : gen_valid(f));
	}
	slab_prep(row, in);
	if (row->prepare)
		row->prepare(in);
	for (i = 0; i < row->nr_fields; i++)
		for (j = 0; j < row->fields[i].count; j++)
			errs |= field_err(&row->fields[i],
					  field_get(in, &row->fields[i], j));
	errs |= slab_field_errs(row, in);

	pl.kind = pick_ptr();
	place_arg(&pl, in, size);
	describe_arg(row, in, false, desc, sizeof(desc));
	snprintf(args, sizeof(args), " arg %s%s%s", ptr_names[pl.kind],
		 desc[0] ? ":" : "", desc);

	if (!ptr_readable_by_kernel(pl.kind)) {
		allowed = E(EFAULT);
	} else if (errs) {
		allowed = errs;
	} else {
		allowed = row->expect(in);
		if (row->allocates && cfg.fail_pct > 0)
			allowed |= E(ENOMEM);
		/* Success writes the result: EFAULT where it cannot. */
		if (dir & _IOC_READ && !ptr_writable_by_kernel(pl.kind) &&
		    allowed & E(OK))
			allowed = (allowed & ~E(OK)) | E(EFAULT);
	}

	err = sys_ioctl(fz.fd, row->cmd, pl.ptr);
	count_result(row - ioctls, err);
	verbose("# %u #%llu %s%s -> %s\n", fz.id, fz.call, row->name, args,
		errname(err));
	check_result(err, allowed, row->name, args);
	if (pl.readable)
		memcpy(out, pl.ptr, size);
	unplace_arg(&pl, size);

	if (err) {
		if (pl.readable && err != EFAULT && memcmp(in, out, size))
			fz_err("%s%s failed with %s but changed its argument",
			       row->name, args, errname(err));
		if (row->failed)
			row->failed(in, err);
		return;
	}
	if (!(dir & _IOC_READ) && memcmp(in, out, size))
		fz_err("%s%s wrote to its input-only argument", row->name, args);
	for (i = 0; i < row->nr_fields; i++) {
		const struct fz_field *f = &row->fields[i];

		for (j = 0; j < f->count; j++) {
			__u64 v = field_get(out, f, j);

			if ((field_is_input(f) && f->kind != FK_INOUT &&
			     v != field_get(in, f, j)) ||
			    (f->kind == FK_OUT_ZERO && v)) {
				describe_arg(row, out, true, desc, sizeof(desc));
				fz_err("%s%s: field %s[%u] came back as %#llx:%s",
				       row->name, args, f->name, j, v, desc);
			}
		}
	}
	row->done(in, out);
}

static const struct fz_ioctl *row_of(unsigned int cmd)
{
	unsigned int i;

	for (i = 0; i < NR_IOCTLS; i++)
		if (ioctls[i].cmd == cmd)
			return &ioctls[i];
	return NULL;
}

/*
 * Types the VFS handles itself before the driver sees the command
 * (FIBMAP/FIGETBSZ 0x00, FIOCLEX & co 'T', FIFREEZE 'X', FIEMAP 'f',
 * FICLONE 0x94): those are not ours to test.
 */
static bool vfs_type(unsigned int type)
{
	return type == 0x00 || type == 'T' || type == 'X' || type == 'f' ||
	       type == 0x94;
}

/* A command that is not in the table: -ENOTTY whatever the argument. */
static void op_badcmd(void)
{
	const struct fz_ioctl *row;
	unsigned int cmd, dir, type, nr, size;
	struct fz_place pl;
	unsigned char in[MAX_ARG];
	char args[128];
	int err;

	fz.what = "unknown ioctl cmd";
	do {
		row = &ioctls[rnd_below(NR_IOCTLS)];
		dir = _IOC_DIR(row->cmd);
		type = _IOC_TYPE(row->cmd);
		nr = _IOC_NR(row->cmd);
		size = _IOC_SIZE(row->cmd);
		switch (rnd_below(8)) {
		case 0:
			type = rnd_below(256);
			break;
		case 1:
			nr = rnd_below(256);
			break;
		case 2:
			size = rnd_below(1U << _IOC_SIZEBITS);
			break;
		case 3:
			size = (size + 1 + rnd_below(8)) & ((1U << _IOC_SIZEBITS) - 1);
			break;
		case 4:
			size = size - 1 - rnd_below(size);
			break;
		case 5:
			dir = rnd_below(4);
			break;
		case 6:
			dir = rnd_below(4);
			nr = rnd_below(256);
			size = rnd_below(1U << _IOC_SIZEBITS);
			break;
		default:
			cmd = rnd();
			dir = _IOC_DIR(cmd);
			type = _IOC_TYPE(cmd);
			nr = _IOC_NR(cmd);
			size = _IOC_SIZE(cmd);
			break;
		}
		cmd = _IOC(dir & 3, type & 0xff, nr & 0xff,
			   size & ((1U << _IOC_SIZEBITS) - 1));
		if (chance(2))
			cmd = chance(50) ? 0 : ~0U;
	} while (row_of(cmd) || (cmd && vfs_type(_IOC_TYPE(cmd))));

	memset(in, 0, sizeof(in));
	pl.kind = pick_ptr();
	place_arg(&pl, in, MAX_ARG / 2);
	snprintf(args, sizeof(args), " cmd %#x arg %s", cmd, ptr_names[pl.kind]);
	err = sys_ioctl(fz.fd, cmd, pl.ptr);
	count_result(ST_BADCMD, err);
	verbose("# %u #%llu ioctl%s -> %s\n", fz.id, fz.call, args,
		errname(err));
	check_result(err, E(ENOTTY), "ioctl", args);
	unplace_arg(&pl, MAX_ARG / 2);
}

/* What mmap() of /dev/edumm must return for these arguments. */
static unsigned int mmap_expect(size_t len, int flags, unsigned long off)
{
	unsigned long pgoff, npages;
	int bi;

	if (off & (page_size - 1) || !len)
		return E(EINVAL);
	len = (len + page_size - 1) & ~(page_size - 1);
	npages = len >> page_shift;
	pgoff = off >> page_shift;
	/* do_mmap() and file_mmap_ok(): the range must fit in ULONG_MAX. */
	if (pgoff + npages < pgoff || pgoff > (ULONG_MAX - len) >> page_shift)
		return E(EOVERFLOW);
	if (!(flags & MAP_SHARED))
		return E(EINVAL);
	bi = pgoff < SURELY_DEAD_HANDLE ? find_block(pgoff) : -1;
	if (bi < 0 && pgoff && fz.foreign && !handle_surely_dead(pgoff))
		fz_err("internal: mmap offset of handle %lu may be another process's",
		       pgoff);
	if (bi < 0 || npages != 1UL << fz.blocks[bi].order)
		return E(EINVAL);
	return E(OK);
}

static void op_mmap(void)
{
	unsigned long off;
	size_t len, bytes;
	int bi, prot, flags = MAP_SHARED, mi, err, over = -1;
	unsigned int allowed, r;
	char args[192], set[64];
	char *p, *hint = NULL;
	bool bad;

	fz.what = "mmap";
	bi = pick_block();
	if (bi < 0 || fz.nr_maps >= MAX_MAPS - 2) {
		op_ioctl(row_of(EDUMM_IOC_PAGE_ALLOC));
		return;
	}
	bytes = block_bytes(&fz.blocks[bi]);
	len = bytes;
	off = fz.blocks[bi].handle << page_shift;
	r = rnd_below(100);
	prot = r < 85 ? PROT_READ | PROT_WRITE : r < 95 ? PROT_READ : PROT_NONE;
	bad = chance(20);
	if (bad) {
		switch (rnd_below(9)) {
		case 0:
			len = bytes + page_size;
			break;
		case 1:
			len = bytes > page_size ? bytes / 2 : 3 * page_size;
			break;
		case 2:
			len = 0;
			break;
		case 3:
			flags = MAP_PRIVATE;
			break;
		case 4:
			off = (fz.nr_freed ? fz.freed[rnd_below(fz.nr_freed)] : 0)
			      << page_shift;
			break;
		case 5:
			off += 1 + rnd_below(page_size - 1);
			break;
		case 6:
			off = (rnd() | SURELY_DEAD_HANDLE << page_shift) &
			      ~(page_size - 1);
			break;
		case 7:
			off = (handle_max + 1) << page_shift;
			break;
		default:
			off = ~0UL << (page_shift + rnd_below(3));
			break;
		}
	}
	/* Sometimes MAP_FIXED over (the start of) a mapping, which goes. */
	if (!bad && chance(10)) {
		over = pick_map(0);
		if (over >= 0 && fz.maps[over].pages * page_size >= bytes) {
			flags |= MAP_FIXED;
			hint = fz.maps[over].addr;
		} else {
			over = -1;
		}
	}
	allowed = mmap_expect(len, flags, off);
	snprintf(args, sizeof(args),
		 " len %#zx prot %d flags %#x offset %#lx (block handle %llu, order %u)%s",
		 len, prot, flags, off, fz.blocks[bi].handle,
		 fz.blocks[bi].order, over >= 0 ? " over a mapping" : "");
	p = mmap(hint, len, prot, flags, fz.fd, (off_t)off);
	err = p == MAP_FAILED ? errno : 0;
	count_result(ST_MMAP, err);
	verbose("# %u #%llu mmap%s -> %s\n", fz.id, fz.call, args,
		errname(err));
	if (!(ebit(err) & allowed)) {
		if (!err)
			munmap(p, len);
		fz_err("mmap%s returned %s, allowed: %s", args, errname(err),
		       eset_str(allowed, set, sizeof(set)));
	}
	if (err)
		return;
	if (over >= 0) {
		if (p != hint)
			fz_err("mmap%s: MAP_FIXED at %p gave %p", args, hint, p);
		map_cut(over, 0, bytes >> page_shift);
	}
	mi = map_add(bi, p, 0, bytes >> page_shift, prot);
	/* The pattern, or zeroes if the block was never written. */
	verify_map(mi);
	/* Pattern the pages never written, and sometimes all of them. */
	if (prot & PROT_WRITE) {
		unsigned int pg;

		for (pg = 0; pg < fz.maps[mi].pages; pg++)
			if (!fz.blocks[bi].gen[pg] || chance(10))
				write_pages(mi, pg, pg + 1);
	}
}

static void do_munmap(int mi, unsigned int a, unsigned int b)
{
	struct fz_map *m = &fz.maps[mi];
	bool whole = a == 0 && b == m->pages;
	char args[128];
	int err;

	fz.what = whole ? "munmap" : "munmap (partial)";
	verify_map(mi);
	snprintf(args, sizeof(args), " pages %u..%u of a %u-page mapping of block handle %llu",
		 a, b, m->pages, fz.blocks[m->block].handle);
	err = munmap(m->addr + (size_t)a * page_size,
		     (size_t)(b - a) * page_size) ? errno : 0;
	count_result(whole ? ST_MUNMAP : ST_MUNMAP_PART, err);
	verbose("# %u #%llu munmap%s -> %s\n", fz.id, fz.call, args,
		errname(err));
	check_result(err, E(OK), "munmap", args);
	map_cut(mi, a, b);
}

static void op_munmap(void)
{
	int mi = pick_map(0);
	unsigned int pages, a, b;

	if (mi < 0) {
		op_mmap();
		return;
	}
	pages = fz.maps[mi].pages;
	a = 0;
	b = pages;
	if (pages > 1 && chance(40)) {
		switch (rnd_below(3)) {
		case 0:			/* head */
			b = 1 + rnd_below(pages - 1);
			break;
		case 1:			/* tail */
			a = 1 + rnd_below(pages - 1);
			break;
		default:		/* a hole */
			if (pages < 3 || fz.nr_maps >= MAX_MAPS)
				break;
			a = 1 + rnd_below(pages - 2);
			b = a + 1 + rnd_below(pages - a - 1);
			break;
		}
	}
	do_munmap(mi, a, b);
}

/* A fresh range of @len bytes to move a mapping to. */
static char *reserve(size_t len)
{
	char *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);

	if (p == MAP_FAILED)
		fz_err("mmap of %zu bytes of address space: %s", len,
		       strerror(errno));
	return p;
}

static void op_mremap(void)
{
	int mi = pick_map(0), err, nmi;
	unsigned int pages, a, b;
	char args[160], *dst, *p;
	struct fz_map *m;
	size_t len;

	fz.what = "mremap";
	if (mi < 0 || fz.nr_maps >= MAX_MAPS - 2) {
		op_mmap();
		return;
	}
	m = &fz.maps[mi];
	pages = m->pages;
	len = (size_t)pages * page_size;
	verify_map(mi);
	switch (rnd_below(6)) {
	case 5:
		/* Move it over the start of another mapping, which goes. */
		nmi = pick_map(0);
		if (nmi < 0 || nmi == mi || fz.maps[nmi].pages < pages) {
			op_munmap();
			return;
		}
		dst = fz.maps[nmi].addr;
		snprintf(args, sizeof(args),
			 " move a %u-page mapping of handle %llu over a %u-page one of handle %llu",
			 pages, fz.blocks[m->block].handle, fz.maps[nmi].pages,
			 fz.blocks[fz.maps[nmi].block].handle);
		p = mremap(m->addr, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
			   dst);
		err = p == MAP_FAILED ? errno : 0;
		count_result(ST_MREMAP, err);
		check_result(err, E(OK), "mremap", args);
		if (p != dst)
			fz_err("mremap%s: moved to %p, not %p", args, p, dst);
		map_cut(nmi, 0, pages);
		m->addr = dst;
		verify_map(mi);
		break;
	case 0:
	case 1:
		/* Move pages [a, b) elsewhere. */
		a = 0;
		b = pages;
		if (pages > 1 && chance(50)) {
			a = rnd_below(pages);
			b = a + 1 + rnd_below(pages - a);
		}
		len = (size_t)(b - a) * page_size;
		dst = reserve(len);
		snprintf(args, sizeof(args),
			 " move pages %u..%u of a %u-page mapping of handle %llu",
			 a, b, pages, fz.blocks[m->block].handle);
		p = mremap(m->addr + (size_t)a * page_size, len, len,
			   MREMAP_MAYMOVE | MREMAP_FIXED, dst);
		err = p == MAP_FAILED ? errno : 0;
		count_result(ST_MREMAP, err);
		check_result(err, E(OK), "mremap", args);
		if (p != dst)
			fz_err("mremap%s: moved to %p, not %p", args, p, dst);
		nmi = map_add_from(mi, m->block, dst, m->first + a, b - a, m->prot);
		map_cut(mi, a, b);
		verify_map(nmi);
		break;
	case 2:
		/* Shrink: like munmap() of the tail. */
		if (pages < 2) {
			op_munmap();
			return;
		}
		a = 1 + rnd_below(pages - 1);
		snprintf(args, sizeof(args), " shrink a %u-page mapping of handle %llu to %u pages",
			 pages, fz.blocks[m->block].handle, a);
		p = mremap(m->addr, len, (size_t)a * page_size, 0);
		err = p == MAP_FAILED ? errno : 0;
		count_result(ST_MREMAP, err);
		check_result(err, E(OK), "mremap", args);
		map_cut(mi, a, pages);
		verify_map(mi);
		break;
	case 3:
		/* VM_DONTEXPAND: growing must fail. */
		snprintf(args, sizeof(args), " grow a %u-page mapping of handle %llu",
			 pages, fz.blocks[m->block].handle);
		p = mremap(m->addr, len, len + page_size, MREMAP_MAYMOVE);
		err = p == MAP_FAILED ? errno : 0;
		count_result(ST_MREMAP, err);
		check_result(err, E(EFAULT), "mremap", args);
		verify_map(mi);
		break;
	default:
		/* old_size 0 duplicates a shared mapping: it would grow. */
		snprintf(args, sizeof(args),
			 " duplicate (old_size 0) a %u-page mapping of handle %llu",
			 pages, fz.blocks[m->block].handle);
		p = mremap(m->addr, 0, len, MREMAP_MAYMOVE);
		err = p == MAP_FAILED ? errno : 0;
		count_result(ST_MREMAP, err);
		check_result(err, E(EFAULT), "mremap", args);
		break;
	}
	verbose("# %u #%llu mremap%s -> ok\n", fz.id, fz.call, args);
}

static void op_write(void)
{
	int mi = pick_map(PROT_READ | PROT_WRITE);
	unsigned int a = 0, b;

	fz.what = "write pattern";
	if (mi < 0) {
		op_mmap();
		return;
	}
	b = fz.maps[mi].pages;
	if (b > 1 && chance(50)) {
		a = rnd_below(b);
		b = a + 1 + rnd_below(b - a);
	}
	write_pages(mi, a, b);
	count_result(ST_WRITE, 0);
}

static void op_verify(void)
{
	int mi = pick_map(PROT_READ);

	fz.what = "verify pattern";
	if (mi < 0) {
		op_mmap();
		return;
	}
	verify_map(mi);
	count_result(ST_VERIFY, 0);
}

/*
 * mprotect() part of a mapping: the VMA splits (->open for the new piece)
 * and the pieces are unmapped separately later.
 */
static void op_mprotect(void)
{
	static const int prots[] = {
		PROT_READ | PROT_WRITE, PROT_READ, PROT_NONE,
	};
	int mi = pick_map(0), nmi, prot, err;
	unsigned int a = 0, b, pages;
	char args[128];
	struct fz_map *m;

	fz.what = "mprotect";
	if (mi < 0 || fz.nr_maps >= MAX_MAPS - 2) {
		op_mmap();
		return;
	}
	m = &fz.maps[mi];
	pages = m->pages;
	b = pages;
	if (pages > 1 && chance(60)) {
		a = rnd_below(pages);
		b = a + 1 + rnd_below(pages - a);
	}
	prot = prots[rnd_below(ARRAY_SIZE(prots))];
	verify_map(mi);
	snprintf(args, sizeof(args),
		 " pages %u..%u of a %u-page mapping of handle %llu to %d",
		 a, b, pages, fz.blocks[m->block].handle, prot);
	err = mprotect(m->addr + (size_t)a * page_size,
		       (size_t)(b - a) * page_size, prot) ? errno : 0;
	count_result(ST_MPROTECT, err);
	verbose("# %u #%llu mprotect%s -> %s\n", fz.id, fz.call, args,
		errname(err));
	check_result(err, E(OK), "mprotect", args);
	if (a == 0 && b == pages) {
		m->prot = prot;
		return;
	}
	/* The piece [a, b) becomes a record of its own. */
	nmi = map_add_from(mi, m->block, m->addr + (size_t)a * page_size,
			   m->first + a, b - a, prot);
	map_cut(mi, a, b);
	verify_map(nmi);
}

/*
 * madvise(MADV_DONTNEED): the ptes go (and with them the page references
 * they held), the VMA stays, so the block is still mapped: -EBUSY to a
 * free.  Touching the range now would be SIGBUS (no fault handler).
 */
static void op_zap(void)
{
	int mi = pick_map(0), nmi, err;
	unsigned int a = 0, b;
	char args[128];
	struct fz_map *m;

	fz.what = "madvise";
	if (mi < 0 || fz.nr_maps >= MAX_MAPS - 2) {
		op_mmap();
		return;
	}
	m = &fz.maps[mi];
	b = m->pages;
	if (b > 1 && chance(50)) {
		a = rnd_below(b);
		b = a + 1 + rnd_below(b - a);
	}
	verify_pages(mi, a, b);
	snprintf(args, sizeof(args),
		 " MADV_DONTNEED pages %u..%u of a %u-page mapping of handle %llu",
		 a, b, m->pages, fz.blocks[m->block].handle);
	err = madvise(m->addr + (size_t)a * page_size,
		      (size_t)(b - a) * page_size, MADV_DONTNEED) ? errno : 0;
	count_result(ST_ZAP, err);
	verbose("# %u #%llu madvise%s -> %s\n", fz.id, fz.call, args,
		errname(err));
	check_result(err, E(OK), "madvise", args);
	if (a == 0 && b == m->pages) {
		m->zapped = true;
		return;
	}
	nmi = map_add_from(mi, m->block, m->addr + (size_t)a * page_size,
			   m->first + a, b - a, m->prot);
	fz.maps[nmi].zapped = true;
	map_cut(mi, a, b);
}

static void pin_release(int pi)
{
	struct fz_pin *pin = &fz.pins[pi];
	int bi = pin->block;

	close(pin->pipe[0]);
	close(pin->pipe[1]);
	memset(pin, 0, sizeof(*pin));
	fz.nr_pins--;
	fz.blocks[bi].nr_pins--;
	block_put_detached(bi);
}

/*
 * vmsplice() pages of a mapping into a pipe: the pipe holds references to
 * them (like O_DIRECT or io_uring would), so the block may not be freed,
 * nor go back to the pool when its file is closed, until the pipe is gone.
 * Releasing reads the pages back through the pipe first: they must hold
 * the block's current pattern.
 */
static void op_pin(void)
{
	unsigned int a, n;
	struct fz_pin *pin;
	struct iovec iov;
	char args[128], *buf;
	int mi, pi, err;
	ssize_t got;

	fz.what = "vmsplice";
	if (fz.nr_pins && (fz.nr_pins >= MAX_PINS || chance(50))) {
		for (pi = rnd_below(MAX_PINS); !fz.pins[pi].used;)
			pi = (pi + 1) % MAX_PINS;
		pin = &fz.pins[pi];
		fz.what = "pipe read";
		buf = malloc(pin->bytes);
		if (!buf)
			fz_err("out of memory");
		got = read(pin->pipe[0], buf, pin->bytes);
		count_result(ST_PIN, got < 0 ? errno : 0);
		if (got != (ssize_t)pin->bytes)
			fz_err("read of %zu bytes pinned from block handle %llu: %zd (%s)",
			       pin->bytes, fz.blocks[pin->block].handle, got,
			       got < 0 ? strerror(errno) : "short");
		verify_words(&fz.blocks[pin->block], pin->first, buf,
			     pin->bytes, "read back through a pipe");
		free(buf);
		pin_release(pi);
		return;
	}
	mi = pick_map(PROT_READ);
	if (mi < 0) {
		op_mmap();
		return;
	}
	for (pi = 0; fz.pins[pi].used; pi++)
		;
	pin = &fz.pins[pi];
	a = rnd_below(fz.maps[mi].pages);
	n = 1 + rnd_below(fz.maps[mi].pages - a);
	if (n > PIN_PAGES)
		n = PIN_PAGES;
	if (pipe2(pin->pipe, O_CLOEXEC | O_NONBLOCK))
		fz_err("pipe2: %s", strerror(errno));
	iov.iov_base = fz.maps[mi].addr + (size_t)a * page_size;
	iov.iov_len = (size_t)n * page_size;
	snprintf(args, sizeof(args), " %u pages from page %u of block handle %llu",
		 n, fz.maps[mi].first + a, fz.blocks[fz.maps[mi].block].handle);
	got = vmsplice(pin->pipe[1], &iov, 1, SPLICE_F_NONBLOCK);
	err = got < 0 ? errno : 0;
	count_result(ST_PIN, err);
	verbose("# %u #%llu vmsplice%s -> %zd\n", fz.id, fz.call, args, got);
	check_result(err, E(OK), "vmsplice", args);
	if (got != (ssize_t)iov.iov_len)
		fz_err("vmsplice%s: %zd bytes", args, got);
	pin->used = true;
	pin->block = fz.maps[mi].block;
	pin->first = fz.maps[mi].first + a;
	pin->bytes = got;
	fz.blocks[pin->block].nr_pins++;
	fz.nr_pins++;
}

/* What the two threads of op_race() do. */
enum { RACE_FREE, RACE_MMAP, RACE_MUNMAP };

static const char * const race_names[] = { "FREE", "mmap", "munmap" };

struct fz_racer {
	int what;		/* RACE_* */
	int ready, go;		/* the start line */
	int fd;
	__u64 handle;
	char *addr;		/* RACE_MUNMAP: in; RACE_MMAP: out */
	size_t len;
	int err;		/* out */
};

/* One syscall, as close as possible to the other thread's. */
static void race_run(struct fz_racer *r)
{
	struct edumm_handle h = { .handle = r->handle };

	switch (r->what) {
	case RACE_FREE:
		r->err = sys_ioctl(r->fd, EDUMM_IOC_FREE, &h);
		break;
	case RACE_MMAP:
		r->addr = mmap(NULL, r->len, PROT_READ | PROT_WRITE, MAP_SHARED,
			       r->fd, (off_t)(r->handle << page_shift));
		r->err = r->addr == MAP_FAILED ? errno : 0;
		break;
	default:
		r->err = munmap(r->addr, r->len) ? errno : 0;
		break;
	}
}

static void *racer_thread(void *arg)
{
	struct fz_racer *r = arg;
	unsigned int spins = 0;

	__atomic_store_n(&r->ready, 1, __ATOMIC_RELEASE);
	/* Spin to start together; yield if we share a CPU with the other. */
	while (!__atomic_load_n(&r->go, __ATOMIC_ACQUIRE))
		if (!(++spins % 1024))
			sched_yield();
	race_run(r);
	return NULL;
}

/*
 * Two threads of one process on one block at the same moment: FREE
 * against mmap() (the free check and the first mapping are serialised by
 * the client's lock: either the free wins and the mmap() fails, or the
 * mmap() wins and the free is -EBUSY), FREE against FREE (exactly one
 * wins), FREE against the munmap() of the last mapping (-EBUSY or 0, but
 * never the pages freed while still mapped).
 */
static void op_race(void)
{
	struct fz_racer r[2];
	struct fz_block *b;
	int bi = pick_block(), mi = -1, i, v, ok;
	unsigned int maps;
	pthread_t thread;
	char args[160];

	fz.what = "race";
	v = rnd_below(3);
	/* The munmap() race needs exactly one mapping, the others none. */
	maps = v == 2;
	if (bi < 0 || fz.nr_maps >= MAX_MAPS - 1 || fz.blocks[bi].nr_pins ||
	    fz.blocks[bi].nr_maps != maps) {
		op_ioctl(row_of(EDUMM_IOC_PAGE_ALLOC));
		return;
	}
	b = &fz.blocks[bi];
	memset(r, 0, sizeof(r));
	for (i = 0; i < 2; i++) {
		r[i].fd = fz.fd;
		r[i].handle = b->handle;
		r[i].len = block_bytes(b);
		r[i].what = RACE_FREE;
	}
	if (v == 0) {
		r[1].what = RACE_MMAP;
	} else if (v == 2) {
		for (mi = 0; !fz.maps[mi].used || fz.maps[mi].block != bi; mi++)
			;
		verify_map(mi);
		r[1].what = RACE_MUNMAP;
		r[1].addr = fz.maps[mi].addr;
		r[1].len = (size_t)fz.maps[mi].pages * page_size;
	}
	/* Either may be the one in the new thread. */
	i = rnd_below(2);
	if (pthread_create(&thread, NULL, racer_thread, &r[i]))
		fz_err("pthread_create failed");
	while (!__atomic_load_n(&r[i].ready, __ATOMIC_ACQUIRE))
		sched_yield();
	__atomic_store_n(&r[i].go, 1, __ATOMIC_RELEASE);
	race_run(&r[!i]);
	pthread_join(thread, NULL);
	count_result(ST_RACE, r[0].err);
	snprintf(args, sizeof(args), " FREE vs %s of block handle %llu (order %u): %s, %s",
		 race_names[r[1].what], b->handle, b->order,
		 errname(r[0].err), errname(r[1].err));
	verbose("# %u #%llu race%s\n", fz.id, fz.call, args);

	switch (v) {
	case 0:
		ok = (!r[0].err && r[1].err == EINVAL) ||
		     (r[0].err == EBUSY && !r[1].err);
		if (!ok && !r[1].err)
			munmap(r[1].addr, r[1].len);
		if (!ok)
			fz_err("race%s", args);
		if (!r[1].err) {
			mi = map_add(bi, r[1].addr, 0, 1U << b->order,
				     PROT_READ | PROT_WRITE);
			verify_map(mi);
		}
		break;
	case 1:
		ok = (!r[0].err && r[1].err == ENOENT) ||
		     (r[0].err == ENOENT && !r[1].err);
		if (!ok)
			fz_err("race%s", args);
		r[0].err = 0;
		break;
	default:
		ok = !r[1].err && (!r[0].err || r[0].err == EBUSY);
		if (!ok)
			fz_err("race%s", args);
		map_drop(mi);
		mi = -1;
		break;
	}
	/*
	 * Whoever won, the block ends up freed: the process goes on from the
	 * same state either way, so that a replay of its seed stays on track.
	 */
	fz.what = "race: free";
	if (mi >= 0)
		do_munmap(mi, 0, fz.maps[mi].pages);
	if (r[0].err) {
		r[0].err = sys_ioctl(fz.fd, EDUMM_IOC_FREE, &(struct edumm_handle){
				     .handle = b->handle });
		if (r[0].err)
			fz_err("free of handle %llu after the race: %s",
			       b->handle, errname(r[0].err));
	}
	block_drop(bi);
	if (fz.nr_freed < MAX_FREED)
		fz.freed[fz.nr_freed++] = r[0].handle;
}

/* open() of the device; ENOMEM is retried under fault injection. */
static int open_dev(void)
{
	int fd, tries = 0;

	for (;;) {
		fd = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
		count_result(ST_OPEN, fd < 0 ? errno : 0);
		if (fd >= 0)
			return fd;
		if (errno != ENOMEM || cfg.fail_pct <= 0 || ++tries > 1000)
			fz_err("open %s: %s", EDUMM_DEV, errname(errno));
	}
}

/*
 * Close the file, then open a new one: unmapped blocks go back to the
 * pool with the client, mapped ones stay until their last munmap(), and
 * pinned ones become orphans until their pipe is closed.
 */
static void op_reopen(void)
{
	int i, err;

	fz.what = "close";
	err = close(fz.fd) ? errno : 0;
	count_result(ST_REOPEN, err);
	check_result(err, E(OK), "close", "");
	for (i = 0; i < MAX_BLOCKS; i++) {
		if (!fz.blocks[i].used || fz.blocks[i].detached)
			continue;
		fz.blocks[i].detached = true;
		block_put_detached(i);
	}
	/* the areas go with the client: none of them is ever left mapped */
	area_drop_all();
	fz.what = "open";
	fz.fd = open_dev();
	fz.foreign = false;
	fz.last_handle = 0;
	fz.nr_freed = 0;
	/* the caches and objects went with the client */
	slab_forget();
	fz.last_vhandle = 0;
	fz.nr_vfreed = 0;
	verbose("# %u #%llu close and reopen\n", fz.id, fz.call);
}

/* Concurrent readers of the checker and friends, and drains. */
static void op_debugfs(void)
{
	static const char * const files[] = {
		"buddyinfo", "pagetypeinfo", "zoneinfo", "pool", "vmallocinfo",
	};
	char path[128], *text;
	unsigned int i;
	int err;

	fz.what = "debugfs";
	switch (rnd_below(4)) {
	case 0:
		text = read_text(EDUMM_DEBUGFS "/check");
		if (!text || strcmp(text, "ok\n"))
			fz_err("debugfs check during the run: %s",
			       text ? text : strerror(errno));
		free(text);
		text = read_text(EDUMM_DEBUGFS "/vmalloc_check");
		if (!text || strcmp(text, "ok\n"))
			fz_err("debugfs vmalloc_check during the run: %s",
			       text ? text : strerror(errno));
		free(text);
		break;
	case 1:
		err = -write_text(EDUMM_DEBUGFS "/control", "drain");
		count_result(ST_DEBUGFS, err);
		check_result(err, E(OK), "debugfs control <- drain", "");
		return;
	case 2:
		err = -write_text(EDUMM_DEBUGFS "/control", "check");
		count_result(ST_DEBUGFS, err);
		check_result(err, E(OK), "debugfs control <- check", "");
		return;
	default:
		i = rnd_below(ARRAY_SIZE(files));
		snprintf(path, sizeof(path), "%s/%s", EDUMM_DEBUGFS, files[i]);
		text = read_text(path);
		/*
		 * Every file but vmallocinfo always has lines; vmallocinfo
		 * (like /proc/vmallocinfo, no header) is empty while no
		 * area exists, e.g. when injected failures made every
		 * vmalloc of the run fail.
		 */
		if (!text || (!text[0] && strcmp(files[i], "vmallocinfo")))
			fz_err("debugfs %s: %s", path,
			       text ? "empty" : strerror(errno));
		free(text);
		break;
	}
	count_result(ST_DEBUGFS, 0);
}

static noreturn void fz_run(void);

/* Called in a new child: the inherited model is the parent's. */
static void child_forget_parent(void)
{
	int i;

	/* The pipes too: the parent's pins must go when it closes them. */
	for (i = 0; i < MAX_PINS; i++) {
		if (!fz.pins[i].used)
			continue;
		close(fz.pins[i].pipe[0]);
		close(fz.pins[i].pipe[1]);
		fz.blocks[fz.pins[i].block].nr_pins--;
		memset(&fz.pins[i], 0, sizeof(fz.pins[i]));
	}
	fz.nr_pins = 0;
	for (i = 0; i < MAX_MAPS; i++) {
		if (!fz.maps[i].used)
			continue;
		if (munmap(fz.maps[i].addr, fz.maps[i].pages * page_size))
			fz_err("munmap of an inherited mapping: %s",
			       strerror(errno));
		map_drop(i);
	}
	for (i = 0; i < MAX_BLOCKS; i++)
		if (fz.blocks[i].used)
			block_drop(i);
	/* the parent's caches and objects are the parent's to free */
	slab_forget();
	fz.last_cache = SURELY_DEAD_HANDLE - 1;
	fz.last_obj = SURELY_DEAD_HANDLE - 1;
	area_drop_all();
}

/*
 * fork(): the child either exits at once, still holding copies of every
 * mapping (the parent waits for it: until then its blocks are mapped
 * twice), or drops them, tells the parent so, and fuzzes on the shared
 * fd for a share of the parent's calls.
 */
static void op_fork(void)
{
	__u64 left = fz.budget - fz.call - 1, child_calls, seed;
	bool hold = chance(30);
	int sync[2], status, i;
	char c = 0;
	pid_t pid;

	fz.what = "fork";
	seed = rnd();
	child_calls = hold ? 0 : 10 + rnd_below(190);
	if (child_calls > left / 2)
		child_calls = left / 2;
	if (fz.depth >= MAX_DEPTH || fz.nr_children >= MAX_CHILDREN ||
	    (!hold && child_calls < 10) ||
	    __atomic_load_n(&shared->live, __ATOMIC_RELAXED) >= 4 * cfg.procs + 4) {
		stat_add(&shared->forks_refused, 1);
		op_ioctl(&ioctls[rnd_below(NR_IOCTLS)]);
		return;
	}
	if (pipe(sync))
		fz_err("pipe: %s", strerror(errno));
	__atomic_fetch_add(&shared->live, 1, __ATOMIC_RELAXED);
	pid = fork();
	if (pid)
		count_result(ST_FORK, pid < 0 ? errno : 0);
	if (pid < 0)
		fz_err("fork: %s", strerror(errno));
	if (pid == 0) {
		close(sync[0]);
		fz.id = __atomic_fetch_add(&shared->next_id, 1, __ATOMIC_RELAXED);
		fz.depth++;
		fz.seed = seed;
		fz.rng = seed;
		fz.call = 0;
		fz.budget = child_calls;
		fz.nr_children = 0;
		fz.foreign = true;
		fz.what = "fork child";
		/* The copies of the mappings show the parent's pages. */
		for (i = 0; i < MAX_MAPS; i++)
			if (fz.maps[i].used)
				verify_sample(i);
		if (hold) {
			stat_add(&shared->forks_exit, 1);
			_exit(0);
		}
		child_forget_parent();
		stat_add(&shared->forks_continue, 1);
		if (write(sync[1], &c, 1) != 1)
			fz_err("write to the parent: %s", strerror(errno));
		close(sync[1]);
		fz_run();
	}
	close(sync[1]);
	fz.foreign = true;
	verbose("# %u #%llu fork: child pid %d, %s\n", fz.id, fz.call, pid,
		hold ? "exits holding our mappings" : "fuzzes on our fd");
	if (hold) {
		close(sync[0]);
		if (waitpid(pid, &status, 0) != pid)
			fz_err("waitpid: %s", strerror(errno));
		__atomic_fetch_sub(&shared->live, 1, __ATOMIC_RELAXED);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			fz_err("fork child pid %d: status %#x", pid, status);
		return;
	}
	/* EOF if the child died first: its mappings are gone either way. */
	while (read(sync[0], &c, 1) < 0 && errno == EINTR)
		;
	close(sync[0]);
	fz.budget -= child_calls;
	fz.children[fz.nr_children++] = pid;
}

static void reap_children(bool block)
{
	int i, status;
	pid_t r;

	for (i = 0; i < fz.nr_children; i++) {
		r = waitpid(fz.children[i], &status, block ? 0 : WNOHANG);
		if (r == 0)
			continue;
		if (r < 0 && errno == EINTR) {
			i--;
			continue;
		}
		__atomic_fetch_sub(&shared->live, 1, __ATOMIC_RELAXED);
		fz.children[i--] = fz.children[--fz.nr_children];
		if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			if (!__atomic_load_n(&shared->failed, __ATOMIC_RELAXED))
				fz_err("fork child pid %d: status %#x",
				       r, status);
		}
	}
}

/*
 * mmap() an area: the mapping must show the shadow; sometimes write
 * through it, sometimes try EDUMM_IOC_VFREE while it is mapped (-EBUSY,
 * the bytes stay); then munmap().  Nothing is left mapped, so a fork or
 * a close never finds an area mapping.
 */
static void op_varea_map(void)
{
	struct edumm_handle h;
	struct fz_area *a;
	size_t len, i;
	int ai, err;
	char *p;

	ai = pick_area();
	if (ai < 0) {
		op_ioctl(row_of(EDUMM_IOC_VMALLOC));
		return;
	}
	a = &fz.areas[ai];
	len = a->nr_pages * page_size;
	fz.what = "mmap area";
	p = mmap(NULL, len, chance(30) ? PROT_READ : PROT_READ | PROT_WRITE, MAP_SHARED,
		 fz.fd, a->mmap_offset);
	err = p == MAP_FAILED ? errno : 0;
	count_result(ST_VMAP, err);
	check_result(err, E(OK), "mmap of an area", "");
	if (memcmp(p, a->shadow, len))
		fz_err("mmap of area %llu differs from what was written", a->handle);
	stat_add(&shared->verified_bytes, len);
	if (chance(30)) {
		h.handle = a->handle;
		err = sys_ioctl(fz.fd, EDUMM_IOC_VFREE, &h);
		check_result(err, E(EBUSY), "VFREE of a mapped area", "");
	}
	if (mprotect(p, len, PROT_READ | PROT_WRITE) == 0 && chance(50)) {
		for (i = rnd_below(len); i < len; i += 1 + rnd_below(2 * page_size)) {
			p[i] = (char)rnd();
			a->shadow[i] = (unsigned char)p[i];
		}
	}
	if (munmap(p, len))
		fz_err("munmap of an area: %s", strerror(errno));
	verbose("# %u #%llu mmap area %llu\n", fz.id, fz.call, a->handle);
}

/* The operations and their relative frequencies. */
static const struct {
	void (*run)(void);
	unsigned int weight;
} ops[] = {
	{ NULL, 540 },		/* an ioctl of the table, by row weight */
	{ op_badcmd, 40 },
	{ op_mmap, 110 },
	{ op_munmap, 85 },
	{ op_mremap, 30 },
	{ op_mprotect, 20 },
	{ op_zap, 8 },
	{ op_race, 12 },
	{ op_pin, 15 },
	{ op_write, 60 },
	{ op_verify, 60 },
	{ op_fork, 4 },
	{ op_reopen, 6 },
	{ op_debugfs, 5 },
	{ op_varea_map, 15 },
};

static void step(void)
{
	unsigned int total = 0, r, i;
	const struct fz_ioctl *row;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		total += ops[i].weight;
	r = rnd_below(total);
	for (i = 0; r >= ops[i].weight; i++)
		r -= ops[i].weight;
	if (ops[i].run) {
		ops[i].run();
		return;
	}
	for (total = 0, i = 0; i < NR_IOCTLS; i++)
		total += ioctls[i].weight;
	r = rnd_below(total);
	for (i = 0; r >= ioctls[i].weight; i++)
		r -= ioctls[i].weight;
	row = &ioctls[i];
	/* Keep the pool shared: past the cap, free instead. */
	if (row->cmd == EDUMM_IOC_PAGE_ALLOC &&
	    (fz.nr_blocks >= MAX_BLOCKS - 1 || fz.live_pages >= cap_pages))
		row = row_of(EDUMM_IOC_FREE);
	if (row->cmd == EDUMM_IOC_VMALLOC &&
	    (fz.nr_areas >= MAX_AREAS - 1 || fz.area_pages >= cap_pages / 2))
		row = row_of(EDUMM_IOC_VFREE);
	op_ioctl(row);
}

/*
 * Run the budget, then verify every mapping and either clean up (munmap,
 * free, close: all must succeed) or exit holding everything.
 */
/* At a clean end: every object is freed, every cache destroyed. */
static void slab_cleanup(void)
{
	struct edumm_obj_ref r;
	struct edumm_cache_ref c;
	int i, err;

	fz.what = "end: slab";
	for (i = 0; i < MAX_OBJS; i++) {
		if (!fz.objs[i].used)
			continue;
		r.object = fz.objs[i].handle;
		err = sys_ioctl(fz.fd, fz.objs[i].cache < 0 ? EDUMM_IOC_KFREE :
				EDUMM_IOC_OBJ_FREE, &r);
		if (err)
			fz_err("free of object %llu at the end: %s", r.object,
			       errname(err));
		obj_drop(i);
	}
	for (i = 0; i < MAX_CACHES; i++) {
		if (!fz.caches[i].used)
			continue;
		c.cache = fz.caches[i].id;
		err = sys_ioctl(fz.fd, EDUMM_IOC_CACHE_DESTROY, &c);
		if (err)
			fz_err("destroy of cache %s at the end: %s",
			       fz.caches[i].name, errname(err));
	}
	slab_forget();
}

static noreturn void fz_run(void)
{
	struct edumm_handle h;
	int i, err;
	__u64 t0;

	for (; fz.call < fz.budget; fz.call++) {
		if (__atomic_load_n(&shared->failed, __ATOMIC_RELAXED))
			break;
		if (!(fz.call % 256))
			fz.big = chance(25);
		t0 = now_ns();
		step();
		stat_add(&shared->nsecs[last_st], now_ns() - t0);
		stat_add(&shared->calls, 1);
		if (fz.nr_children)
			reap_children(false);
	}
	fz.what = "end";
	if (!__atomic_load_n(&shared->failed, __ATOMIC_RELAXED)) {
		/* Every mapping is verified: by do_munmap() or here. */
		if (chance(50)) {
			for (i = 0; i < MAX_PINS; i++)
				if (fz.pins[i].used)
					pin_release(i);
			for (i = 0; i < MAX_MAPS; i++)
				if (fz.maps[i].used)
					do_munmap(i, 0, fz.maps[i].pages);
			fz.what = "end: free";
			for (i = 0; i < MAX_BLOCKS; i++) {
				if (!fz.blocks[i].used || fz.blocks[i].detached)
					continue;
				h.handle = fz.blocks[i].handle;
				err = sys_ioctl(fz.fd, EDUMM_IOC_FREE, &h);
				if (err)
					fz_err("free of handle %llu at the end: %s",
					       h.handle, errname(err));
				block_drop(i);
			}
			slab_cleanup();
			for (i = 0; i < MAX_AREAS; i++) {
				if (!fz.areas[i].used)
					continue;
				h.handle = fz.areas[i].handle;
				err = sys_ioctl(fz.fd, EDUMM_IOC_VFREE, &h);
				if (err)
					fz_err("vfree of area %llu at the end: %s",
					       h.handle, errname(err));
				area_drop(i);
			}
			if (close(fz.fd))
				fz_err("close: %s", strerror(errno));
			stat_add(&shared->exits_clean, 1);
		} else {
			for (i = 0; i < MAX_MAPS; i++)
				if (fz.maps[i].used)
					verify_map(i);
			stat_add(&shared->exits_dirty, 1);
		}
	}
	reap_children(true);
	_exit(0);
}

static noreturn void worker_main(unsigned int w, __u64 calls, int start_fd)
{
	struct sigaction sa = {
		.sa_sigaction = fatal_signal,
		.sa_flags = SA_SIGINFO | SA_RESETHAND,
	};
	char c;

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	/* The fault injection knobs are the main process's to restore. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	fail_active = false;
	memset(&fz, 0, sizeof(fz));
	fz.worker = w;
	fz.id = w;
	fz.seed = worker_seed(w);
	fz.rng = fz.seed;
	fz.budget = calls;
	fz.what = "start";
	fz.arena = mmap(NULL, AR_PAGES * page_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fz.arena == MAP_FAILED ||
	    mprotect(fz.arena + AR_NONE1 * page_size, page_size, PROT_NONE) ||
	    mprotect(fz.arena + AR_NONE2 * page_size, page_size, PROT_NONE))
		fz_err("arena: %s", strerror(errno));
	/* faulted in: the walker must find every scratch page mapped */
	fz.scratch = mmap(NULL, SCRATCH_BYTES, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fz.scratch == MAP_FAILED)
		fz_err("scratch: %s", strerror(errno));
	memset(fz.scratch, 0x3c, SCRATCH_BYTES);
	fz.cur_area = -1;
	while (read(start_fd, &c, 1) < 0 && errno == EINTR)
		;
	close(start_fd);
	fz.fd = open_dev();
	verbose("# worker %u: seed %#llx, %llu calls, pid %d\n", w, fz.seed,
		calls, getpid());
	fz_run();
}

/*** fault injection knobs ***/

static const char * const fail_knobs[] = {
	"probability", "interval", "times", "space", "verbose",
};

static char fail_saved[ARRAY_SIZE(fail_knobs)][32];

static int fail_knob_write(unsigned int i, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", EDUMM_FAIL_DIR, fail_knobs[i]);
	return write_text(path, val);
}

/* Also from the signal handler: write() and friends only. */
static int fail_restore(void)
{
	unsigned int i;
	int ret = 0;

	if (!fail_active)
		return 0;
	/* probability first: no failure is injected from here on. */
	for (i = 0; i < ARRAY_SIZE(fail_knobs); i++)
		if (fail_knob_write(i, fail_saved[i]))
			ret = -1;
	fail_active = false;
	return ret;
}

static void fail_atexit(void)
{
	fail_restore();
}

static void fail_signal(int sig)
{
	fail_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Save the knobs; NULL, or what is missing. */
static const char *fail_save(void)
{
	static char path[128];
	unsigned int i;
	char *text;

	for (i = 0; i < ARRAY_SIZE(fail_knobs); i++) {
		snprintf(path, sizeof(path), "%s/%s", EDUMM_FAIL_DIR,
			 fail_knobs[i]);
		text = read_text(path);
		if (!text)
			return path;
		text[strcspn(text, "\n")] = '\0';
		snprintf(fail_saved[i], sizeof(fail_saved[i]), "%s", text);
		free(text);
	}
	return NULL;
}

static int fail_enable(int pct)
{
	char prob[16];
	unsigned int i;
	static const char * const vals[] = { NULL, "1", "-1", "0", "0" };

	snprintf(prob, sizeof(prob), "%d", pct);
	fail_active = true;
	atexit(fail_atexit);
	signal(SIGINT, fail_signal);
	signal(SIGTERM, fail_signal);
	signal(SIGHUP, fail_signal);
	/* probability last: failures start once the rest is set. */
	for (i = ARRAY_SIZE(fail_knobs); i-- > 0;) {
		const char *val = i ? vals[i] : prob;
		int ret = fail_knob_write(i, val);

		if (ret) {
			ksft_print_msg("write %s to %s/%s: %s\n", val,
				       EDUMM_FAIL_DIR, fail_knobs[i],
				       strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* fail/injected: failures injected so far, or -1 without that file. */
static long long fail_injected(void)
{
	char *text = read_text(EDUMM_FAIL_DIR "/injected"), *end;
	long long n = -1;

	if (text) {
		errno = 0;
		n = strtoll(text, &end, 10);
		if (errno || end == text || n < 0 || (*end && *end != '\n'))
			n = -1;
	}
	free(text);
	return n;
}

/*
 * With the knobs on, order-0 allocations on an idle pool must fail with
 * ENOMEM about PCT% of the time: at least once in 2000 / PCT tries (the
 * chance of none is about e^-20).  Nothing else runs and the pool is
 * nearly empty, so where fail/injected exists every injected failure must
 * be exactly one ENOMEM, and every ENOMEM an injected failure.  open() is
 * probed too (ENOMEM is allowed there under fault injection).
 */
static bool fail_probe(int fd, int pct, char *why, size_t size)
{
	unsigned int n = 2000 / pct, i, nomem = 0, open_nomem = 0;
	long long before = fail_injected(), after;
	struct edumm_page_alloc req;
	struct edumm_handle h;
	int err, fd2;

	if (n < 20)
		n = 20;
	for (i = 0; i < n; i++) {
		memset(&req, 0, sizeof(req));
		req.migratetype = EDUMM_MIGRATE_MOVABLE;
		err = sys_ioctl(fd, EDUMM_IOC_PAGE_ALLOC, &req);
		if (err == ENOMEM) {
			nomem++;
			continue;
		}
		if (err) {
			snprintf(why, size, "PAGE_ALLOC order 0: %s", errname(err));
			return false;
		}
		h.handle = req.handle;
		err = sys_ioctl(fd, EDUMM_IOC_FREE, &h);
		if (err) {
			snprintf(why, size, "FREE of handle %llu: %s", h.handle,
				 errname(err));
			return false;
		}
	}
	for (i = 0; i < n; i++) {
		fd2 = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
		if (fd2 >= 0) {
			close(fd2);
		} else if (errno == ENOMEM) {
			open_nomem++;
		} else {
			snprintf(why, size, "open: %s", errname(errno));
			return false;
		}
	}
	after = fail_injected();
	snprintf(why, size, "%u of %u PAGE_ALLOCs, %u of %u opens failed, %lld injected",
		 nomem, n, open_nomem, n, before < 0 ? -1 : after - before);
	if (before >= 0 && after - before != nomem + open_nomem)
		return false;
	return nomem > 0;
}

/* The knobs read back as they were before the run. */
static bool fail_restored(char *why, size_t size)
{
	char path[128], *text;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fail_knobs); i++) {
		snprintf(path, sizeof(path), "%s/%s", EDUMM_FAIL_DIR,
			 fail_knobs[i]);
		text = read_text(path);
		if (!text) {
			snprintf(why, size, "%s: %s", path, strerror(errno));
			return false;
		}
		text[strcspn(text, "\n")] = '\0';
		if (strcmp(text, fail_saved[i])) {
			snprintf(why, size, "%s is %s, was %s", path, text,
				 fail_saved[i]);
			free(text);
			return false;
		}
		free(text);
	}
	snprintf(why, size, "probability %s interval %s times %s space %s verbose %s",
		 fail_saved[0], fail_saved[1], fail_saved[2], fail_saved[3],
		 fail_saved[4]);
	return true;
}

/*** main ***/

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: edumm_fuzz [OPTION]...\n"
		"Fuzz /dev/edumm from several processes; TAP on stdout.\n\n"
		"  --seed S               seed of the run (default: from the clock, printed)\n"
		"  --calls N              calls in all processes together (default %llu)\n"
		"  --procs P              worker processes, 1..%u (default %u)\n"
		"  --worker W             run only worker W of the P (replay one worker)\n"
		"  --fail-probability PCT turn on edumm's fault injection at PCT percent\n"
		"                         (debugfs edumm/fail/), restore it afterwards\n"
		"  --verbose              print every call\n"
		"  -h, --help             this text\n",
		DEFAULT_CALLS, MAX_PROCS, DEFAULT_PROCS);
}

static bool parse_u64(const char *s, __u64 *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && *s && !*end && *s != '-';
}

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "calls", required_argument, NULL, 'n' },
		{ "procs", required_argument, NULL, 'p' },
		{ "worker", required_argument, NULL, 'w' },
		{ "fail-probability", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	__u64 v;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!parse_u64(optarg, &cfg.seed))
				goto bad;
			cfg.seed_given = true;
			break;
		case 'n':
			if (!parse_u64(optarg, &cfg.calls))
				goto bad;
			break;
		case 'p':
			if (!parse_u64(optarg, &v) || !v || v > MAX_PROCS)
				goto bad;
			cfg.procs = v;
			break;
		case 'w':
			if (!parse_u64(optarg, &v) || v >= MAX_PROCS)
				goto bad;
			cfg.worker = v;
			break;
		case 'f':
			if (!parse_u64(optarg, &v) || v > 100)
				goto bad;
			cfg.fail_pct = v;
			break;
		case 'v':
			cfg.verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(KSFT_FAIL);
		}
	}
	if (optind < argc || (cfg.worker >= 0 && (unsigned int)cfg.worker >= cfg.procs)) {
		usage(stderr);
		exit(KSFT_FAIL);
	}
	return;
bad:
	fprintf(stderr, "edumm_fuzz: bad value '%s'\n", optarg);
	usage(stderr);
	exit(KSFT_FAIL);
}

/*
 * Count the fields of each row, derive their sizes from the offsets, and
 * check that they tile the structure (see "Adding an ioctl" at the top).
 */
static void check_table(void)
{
	unsigned int i, k, end, size;

	for (i = 0; i < NR_IOCTLS; i++) {
		struct fz_ioctl *row = &ioctls[i];

		for (k = 0; row->fields[k].name; k++)
			;
		row->nr_fields = k;
		for (k = 0; k < row->nr_fields; k++) {
			struct fz_field *f = &row->fields[k];

			end = k + 1 < row->nr_fields ? row->fields[k + 1].offset :
			      _IOC_SIZE(row->cmd);
			size = end > f->offset ? end - f->offset : 0;
			if (!f->count) {
				f->count = 1;
				f->size = size;
			}
			if ((f->size == 4 || f->size == 8) &&
			    f->size * f->count == size)
				continue;
			ksft_exit_fail_msg("ioctl table: %s.%s: %u bytes at %u, not %u x %u\n",
					   row->name, f->name, size, f->offset,
					   f->count, f->size);
		}
		if (!row->nr_fields || row->fields[0].offset ||
		    _IOC_SIZE(row->cmd) > MAX_ARG || !_IOC_DIR(row->cmd))
			ksft_exit_fail_msg("ioctl table: %s: bad row\n",
					   row->name);
	}
}

static int get_info(int fd, struct edumm_info *info)
{
	return sys_ioctl(fd, EDUMM_IOC_INFO, info);
}

static void print_stats(double secs)
{
	char line[1024];
	unsigned int st, e;
	__u64 total, all;
	size_t len;

	ksft_print_msg("%llu calls in %.1f s: %.0f calls/s\n", shared->calls,
		       secs, secs > 0 ? shared->calls / secs : 0.0);
	ksft_print_msg("  %-22s %8s %7s %5s  results\n", "call", "count",
		       "us/call", "time");
	for (e = 0, all = 0; e < NR_ST; e++)
		all += shared->nsecs[e];
	for (st = 0; st < NR_ST; st++) {
		total = 0;
		len = 0;
		for (e = 0; e < NR_ERRNO; e++) {
			if (!shared->res[st][e])
				continue;
			total += shared->res[st][e];
			len += snprintf(line + len, sizeof(line) - len, " %s:%llu",
					e == NR_ERRNO - 1 ? "other" : errname(e),
					shared->res[st][e]);
			if (len >= sizeof(line))
				break;
		}
		ksft_print_msg("  %-22s %8llu %7.0f %4.0f%% %s\n",
			       st < NR_IOCTLS ? ioctls[st].name + 6 :
			       st_names[st - NR_IOCTLS], total,
			       total ? shared->nsecs[st] / 1e3 / total : 0.0,
			       all ? 100.0 * shared->nsecs[st] / all : 0.0, line);
	}
	len = 0;
	for (e = 0; e < NR_PTR; e++)
		len += snprintf(line + len, sizeof(line) - len, " %s:%llu",
				ptr_names[e], shared->ptrs[e]);
	ksft_print_msg("ioctl argument pointers:%s\n", line);
	ksft_print_msg("forks: %llu fuzzed on the shared fd, %llu exited at once\n",
		       shared->forks_continue, shared->forks_exit);
	ksft_print_msg("  (holding the parent's mappings), %llu refused (limits)\n",
		       shared->forks_refused);
	ksft_print_msg("process exits: %llu clean (all freed), %llu holding\n",
		       shared->exits_clean, shared->exits_dirty);
	ksft_print_msg("  their blocks and mappings\n");
	ksft_print_msg("patterns: %llu MiB written, %llu MiB verified\n",
		       shared->written_bytes >> 20, shared->verified_bytes >> 20);
}

int main(int argc, char **argv)
{
	struct edumm_info info;
	struct timespec t0, t1;
	unsigned int w, nr_tests;
	int start[2], status, fd, fd2, failed_workers = 0;
	pid_t pids[MAX_PROCS] = { 0 };
	char why[512], *text;
	long long injected;
	const char *missing;
	bool ok;

	parse_args(argc, argv);
	if (!cfg.seed_given) {
		clock_gettime(CLOCK_REALTIME, &t0);
		cfg.seed = mix64(t0.tv_sec ^ (__u64)t0.tv_nsec << 20 ^ getpid());
	}
	page_size = sysconf(_SC_PAGESIZE);
	page_shift = __builtin_ctzl(page_size);
	handle_max = LLONG_MAX >> page_shift;
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_table();
	text = read_text("/sys/module/edumm/parameters/allow_corruption");
	allow_corruption = text && text[0] == 'Y';
	free(text);
	text = read_text("/sys/module/edumm/parameters/slab_design");
	default_slob = text && !strncmp(text, "slob", 4);
	free(text);

	ksft_print_header();
	ksft_print_msg("edumm_fuzz: seed %#llx, %llu calls, %u processes%s, fault injection %s\n",
		       cfg.seed, cfg.calls, cfg.procs,
		       cfg.worker >= 0 ? " (one worker only)" : "",
		       cfg.fail_pct >= 0 ? "on" : "off");
	if (cfg.worker >= 0)
		ksft_print_msg("only worker %d\n", cfg.worker);
	if (cfg.fail_pct >= 0)
		ksft_print_msg("fail-probability %d%%\n", cfg.fail_pct);
	fflush(stdout);
	print_replay();

	fd = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && !getenv("EDUMM_REQUIRE_DEVICE"))
			ksft_exit_skip("%s does not exist: edumm.ko is not loaded\n",
				       EDUMM_DEV);
		ksft_exit_fail_msg("open %s: %s\n", EDUMM_DEV, strerror(errno));
	}
	if (access(EDUMM_DEBUGFS "/check", R_OK)) {
		if (!getenv("EDUMM_REQUIRE_DEVICE"))
			ksft_exit_skip("%s/check: %s (root and debugfs needed)\n",
				       EDUMM_DEBUGFS, strerror(errno));
		ksft_exit_fail_msg("%s/check: %s\n", EDUMM_DEBUGFS,
				   strerror(errno));
	}
	if (cfg.fail_pct >= 0) {
		missing = fail_save();
		if (missing) {
			ksft_set_plan(1);
			ksft_test_result_fail("fault injection knobs missing: %s: %s\n",
					      missing, strerror(errno));
			ksft_exit_fail();
		}
	}

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	shared->next_id = cfg.procs;

	/* The pool before the run, with empty per-CPU lists. */
	if (write_text(EDUMM_DEBUGFS "/control", "drain") ||
	    get_info(fd, &info0))
		ksft_exit_fail_msg("drain or EDUMM_IOC_INFO failed: %s\n",
				   strerror(errno));
	cap_pages = info0.pool_pages * 3 / (2 * cfg.procs);
	{
		/* TASK_SIZE follows the paging mode: ask the walker */
		struct edumm_pgwalk w = {
			.mode = EDUMM_PGWALK_USER, .addr = (uintptr_t)&w,
		};

		if (ioctl(fd, EDUMM_IOC_PGWALK, &w))
			ksft_exit_fail_msg("EDUMM_IOC_PGWALK of the stack: %s\n",
					   strerror(errno));
		task_size = (1ULL << (w.paging_levels == 5 ? 56 : 47)) - page_size;
	}
	ksft_print_msg("pool: %llu pages, %llu free, %llu allocated before the run\n",
		       info0.pool_pages, info0.free_pages,
		       info0.allocated_pages);
	ksft_print_msg("up to %llu pages per process\n", cap_pages);

	nr_tests = cfg.fail_pct >= 0 ? 5 : 3;
	ksft_set_plan(nr_tests);
	if (cfg.fail_pct >= 0) {
		if (fail_enable(cfg.fail_pct)) {
			fail_restore();
			ksft_exit_fail_msg("cannot set the fault injection knobs\n");
		}
		if (!cfg.fail_pct) {
			ksft_test_result_pass("fault injection: probability 0, nothing to probe\n");
		} else {
			ok = fail_probe(fd, cfg.fail_pct, why, sizeof(why));
			ksft_test_result(ok,
					 "fault injection makes PAGE_ALLOC fail with ENOMEM: %s\n",
					 why);
		}
	}

	/* Workers: all start at once. */
	injected = cfg.fail_pct > 0 ? fail_injected() : -1;
	if (pipe(start))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (w = 0; w < cfg.procs; w++) {
		__u64 calls = cfg.calls / cfg.procs + (w < cfg.calls % cfg.procs);

		if (cfg.worker >= 0 && w != (unsigned int)cfg.worker)
			continue;
		__atomic_fetch_add(&shared->live, 1, __ATOMIC_RELAXED);
		pids[w] = fork();
		if (pids[w] < 0)
			ksft_exit_fail_msg("fork: %s\n", strerror(errno));
		if (pids[w] == 0) {
			close(fd);
			close(start[1]);
			worker_main(w, calls, start[0]);
		}
	}
	close(start[0]);
	close(start[1]);
	for (w = 0; w < cfg.procs; w++) {
		if (!pids[w])
			continue;
		while (waitpid(pids[w], &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			ksft_print_msg("worker %u (pid %d, seed %#llx): status %#x\n",
				       w, pids[w], worker_seed(w), status);
			failed_workers++;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	if (shared->failed)
		ksft_print_msg("first failure: %s\n", shared->failmsg);
	ok = !shared->failed && !failed_workers;
	if (ok && cfg.worker < 0 && shared->calls != cfg.calls) {
		ksft_print_msg("ran %llu calls of %llu\n", shared->calls,
			       cfg.calls);
		ok = false;
	}
	ksft_test_result(ok,
			 "%llu calls from %u processes: every result allowed, every pattern intact (seed %#llx)\n",
			 shared->calls, cfg.worker >= 0 ? 1 : cfg.procs, cfg.seed);
	if (!ok)
		print_replay();

	if (injected >= 0)
		ksft_print_msg("fault injection: %lld failures injected during the run\n",
			       fail_injected() - injected);
	if (cfg.fail_pct >= 0) {
		if (fail_restore())
			ksft_print_msg("restoring the fault injection knobs failed\n");
		ok = fail_restored(why, sizeof(why));
		ksft_test_result(ok, "fault injection knobs restored: %s\n", why);
	}

	/*
	 * Every worker and child is gone: the pool must be as it was.  Blocks
	 * whose pages were still in a pipe when their file was closed went to
	 * edumm's orphan list; they return to the pool at the next close of
	 * any edumm file once the pipe is gone: one close settles them.
	 */
	fd2 = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
	if (fd2 < 0 || close(fd2))
		ksft_print_msg("open/close %s: %s\n", EDUMM_DEV, strerror(errno));
	if (write_text(EDUMM_DEBUGFS "/control", "drain"))
		ksft_print_msg("control <- drain failed\n");
	text = read_text(EDUMM_DEBUGFS "/check");
	ok = text && !strcmp(text, "ok\n");
	if (!ok)
		ksft_print_msg("debugfs check says:\n%s", text ? text : "(unreadable)\n");
	ksft_test_result(ok, "debugfs check says ok after the run\n");
	free(text);

	if (get_info(fd, &info)) {
		ksft_test_result_fail("EDUMM_IOC_INFO after the run: %s\n",
				      strerror(errno));
	} else {
		ok = info.allocated_pages == info0.allocated_pages &&
		     info.free_pages == info0.free_pages && !info.pcp_pages;
		ksft_test_result(ok,
				 "pool back to its state after drain: allocated %llu (before %llu), free %llu (before %llu), pcp %llu\n",
				 info.allocated_pages, info0.allocated_pages,
				 info.free_pages, info0.free_pages,
				 info.pcp_pages);
	}
	close(fd);
	print_stats((t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	ksft_finished();
}
