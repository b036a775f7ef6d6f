/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - the in-kernel benchmark harness (bench.c) and its workloads
 * (bench_pages.c; later bench_slab.c, bench_kmalloc.c, bench_vmalloc.c).
 *
 * bench.c owns everything generic: validating EDUMM_IOC_BENCH, one kernel
 * thread bound per CPU, the start barrier, the timed loop, the empty-loop
 * calibration, the results.  A workload file owns only what one iteration
 * does, written once for both backends (see bench_pages.c) and registered
 * in a table of struct edumm_bench_wl.
 *
 * Adding a workload (e.g. the slab layer's object alloc+free):
 *   1. a number in enum edumm_bench_workload (uapi; 0x10.. for slab);
 *   2. a body: one __always_inline function taking the backend as a
 *      constant, and one three-line wrapper per backend calling it with
 *      that constant (so each instance calls its allocator directly);
 *   3. a row in that file's table with its check() of order/size/batch;
 *   4. the table in edumm_bench_tables[] (bench.c), if it is a new file.
 */
#ifndef _EDUMM_BENCH_H
#define _EDUMM_BENCH_H

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/completion.h>
#include <linux/types.h>
#include <linux/edumm.h>

struct task_struct;
struct edumm_bench_thread;
struct edumm_bench_run;

/* Backends, as the uapi numbers them: index of the per-backend arrays. */
#define EDUMM_BENCH_NR_BACKENDS		(EDUMM_BENCH_BACKEND_KERNEL + 1)

/* Largest cross-CPU ring: blocks in flight between the two CPUs. */
#define EDUMM_BENCH_RING		256U

/*
 * One iteration of a workload's loop (or half of one, cross-CPU).
 * Return: 0, -ENOMEM when an allocation failed (everything the call had
 * allocated is freed again), or -ECANCELED when it saw run->stop.
 */
typedef int (*edumm_bench_fn)(struct edumm_bench_thread *t);

/* Frees what a stopped cross-CPU run left in the ring. */
typedef void (*edumm_bench_drain_fn)(struct edumm_bench_thread *t);

/**
 * struct edumm_bench_wl - one row of a workload table
 * @id: its enum edumm_bench_workload number
 * @name: for messages
 * @check: validates the request's order, size and batch for this workload
 *	(everything else is checked by bench.c); returns 0 or -EINVAL
 * @body: one iteration, per backend (index EDUMM_BENCH_BACKEND_*)
 * @produce: cross-CPU mode, the allocating CPU's iteration, or NULL if the
 *	workload has no cross-CPU mode
 * @consume: cross-CPU mode, the freeing CPU's iteration
 * @drain: cross-CPU mode, frees what is left in the ring after a stopped
 *	run (the threads have exited)
 * @setup: optional, before the threads start: e.g. create the kmem_cache
 *	the kernel side allocates from, into run->priv; 0 or an errno
 * @teardown: optional, after they stopped: undo @setup
 * @design: the workload takes the request's design (an enum edumm_design
 *	other than INVALID); when false, design must be 0
 */
struct edumm_bench_wl {
	u32 id;
	const char *name;
	int (*check)(const struct edumm_bench *req);
	edumm_bench_fn body[EDUMM_BENCH_NR_BACKENDS];
	edumm_bench_fn produce[EDUMM_BENCH_NR_BACKENDS];
	edumm_bench_fn consume[EDUMM_BENCH_NR_BACKENDS];
	edumm_bench_drain_fn drain[EDUMM_BENCH_NR_BACKENDS];
	int (*setup)(struct edumm_bench_run *run);
	void (*teardown)(struct edumm_bench_run *run);
	bool design;
};

/**
 * struct edumm_bench_ring - blocks passed from the allocating CPU to the
 *	freeing CPU in cross-CPU mode (single producer, single consumer)
 * @head: blocks published by the producer (written by it only)
 * @tail: blocks taken by the consumer (written by it only)
 * @mask: ring size - 1 (a power of two, at most EDUMM_BENCH_RING)
 * @slot: the blocks
 *
 * Lock-free: the producer fills a slot and then publishes head with a
 * release store; the consumer reads head with an acquire load, takes the
 * slot and publishes tail the same way.
 */
struct edumm_bench_ring {
	u32 head ____cacheline_aligned_in_smp;
	u32 tail ____cacheline_aligned_in_smp;
	u32 mask ____cacheline_aligned_in_smp;
	void *slot[EDUMM_BENCH_RING];
};

/**
 * struct edumm_bench_run - one EDUMM_IOC_BENCH call
 * @req: the validated request
 * @wl: its workload
 * @nr_threads: threads (CPUs) taking part
 * @stop: set to end the run early (a signal, an error); read by the loops
 * @arrived: barrier arrivals, counting up over the whole run
 * @running: threads not done yet
 * @done: completed by the last thread to finish
 * @err: the first error of a thread (0 if none)
 * @ring: cross-CPU mode's ring
 * @priv: the workload's, from its setup()
 * @threads: one per CPU of the mask, in mask order
 */
struct edumm_bench_run {
	struct edumm_bench req;
	const struct edumm_bench_wl *wl;
	unsigned int nr_threads;
	int stop;
	atomic_t arrived;
	atomic_t running;
	struct completion done;
	atomic_t err;
	struct edumm_bench_ring ring;
	void *priv;
	struct edumm_bench_thread *threads;
};

/**
 * struct edumm_bench_thread - the state of one CPU's kernel thread
 * @run: the run
 * @task: the kernel thread
 * @cpu: the CPU it is bound to
 * @idx: its position in the mask (0: the allocating CPU of cross-CPU mode)
 * @order: the request's order, for the bodies
 * @size: the request's size
 * @batch: the request's batch
 * @pos: private position (the cross-CPU producer's head, consumer's tail,
 *	the kmalloc mix's place in its size sequence)
 * @objs: @batch slots for the bodies that hold several blocks; NULL
 *	between iterations
 * @empty_ns: least empty-loop time of the calibration repetitions
 * @empty_cycles: least empty-loop cycles
 * @start: per repetition, ktime_get_ns() at the start of the loop
 * @end: per repetition, ktime_get_ns() at its end
 * @cycles: per repetition, get_cycles() elapsed
 * @reps_done: repetitions completed
 */
struct edumm_bench_thread {
	struct edumm_bench_run *run;
	struct task_struct *task;
	unsigned int cpu;
	unsigned int idx;
	unsigned int order;
	unsigned int size;
	unsigned int batch;
	u32 pos;
	void **objs;
	u64 empty_ns;
	u64 empty_cycles;
	u64 start[EDUMM_BENCH_MAX_REPS];
	u64 end[EDUMM_BENCH_MAX_REPS];
	u64 cycles[EDUMM_BENCH_MAX_REPS];
	unsigned int reps_done;
};

/* The per-backend arrays of struct edumm_bench_wl. */
#define EDUMM_BENCH_PER_BACKEND(for_edumm, for_kernel) {		\
	[EDUMM_BENCH_BACKEND_EDUMM] = for_edumm,			\
	[EDUMM_BENCH_BACKEND_KERNEL] = for_kernel,			\
}

bool edumm_bench_wait(struct edumm_bench_thread *t, unsigned int *spins);

/* bench_pages.c */
extern const struct edumm_bench_wl edumm_bench_page_workloads[];
extern const unsigned int edumm_bench_nr_page_workloads;

/* bench_slab.c */
extern const struct edumm_bench_wl edumm_bench_slab_workloads[];
extern const unsigned int edumm_bench_nr_slab_workloads;

/* bench_vmalloc.c */
extern const struct edumm_bench_wl edumm_bench_vmalloc_workloads[];
extern const unsigned int edumm_bench_nr_vmalloc_workloads;

#endif /* _EDUMM_BENCH_H */
