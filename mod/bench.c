// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - EDUMM_IOC_BENCH: time an allocator workload against edumm or
 * against the kernel's own allocator, in the same boot, with the same loop.
 *
 * After the time_bench modules of prototype-kernel and lib/test_vmalloc.c,
 * but the results go back to user space.  A call:
 *
 *   1. validates every field (-EINVAL) and pins the CPU set: hotplug is
 *      held off (cpus_read_lock()) for the whole run;
 *   2. creates one kernel thread per CPU of the mask, bound to it;
 *   3. each thread runs the EMPTY loop (the same loop calling a function
 *      that does nothing, through the same pointer) @repetitions times and
 *      keeps the least time: the loop's own cost;
 *   4. then @repetitions times the loop with the workload's body, each
 *      repetition started on a spinning barrier so that all CPUs start
 *      together, timed with ktime_get_ns() and get_cycles();
 *   5. the caller sleeps until the threads are done, interruptibly: a
 *      signal sets run->stop, which every loop checks after every
 *      iteration (and every barrier and ring wait), the threads free what
 *      they hold, and the call returns -EINTR;
 *   6. results: per repetition the time from the earliest start to the
 *      latest end less the empty loop, and the slowest CPU's cycles less
 *      its empty loop; per CPU its own net time summed over repetitions.
 *
 * Every iteration of a loop runs with preemption on: every
 * EDUMM_BENCH_CHECK iterations a thread calls cond_resched() (in the
 * empty loop too, so its cost is subtracted), so that a long run cannot
 * cause a soft lockup or an RCU stall.
 *
 * Locking: none of its own.  A run's state (struct edumm_bench_run) is
 * private to the call; the threads share run->stop, run->arrived,
 * run->running, run->err (atomics, or WRITE_ONCE/READ_ONCE flags) and the
 * cross-CPU ring (single producer, single consumer, release/acquire).
 */
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timex.h>
#include <linux/uaccess.h>

#include "edumm_glue.h"
#include "bench.h"

/* Iterations between two cond_resched() (a power of two). */
#define EDUMM_BENCH_CHECK	256
/* Spins of a wait between two cond_resched(). */
#define EDUMM_BENCH_SPINS	1024

struct edumm_bench_table {
	const struct edumm_bench_wl *rows;
	const unsigned int *nr;
};

/* Every workload table; a new layer adds its own here. */
static const struct edumm_bench_table edumm_bench_tables[] = {
	{ edumm_bench_page_workloads, &edumm_bench_nr_page_workloads },
	{ edumm_bench_slab_workloads, &edumm_bench_nr_slab_workloads },
	{ edumm_bench_vmalloc_workloads, &edumm_bench_nr_vmalloc_workloads },
};

static const struct edumm_bench_wl *edumm_bench_find(u32 id)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(edumm_bench_tables); i++)
		for (j = 0; j < *edumm_bench_tables[i].nr; j++)
			if (edumm_bench_tables[i].rows[j].id == id)
				return &edumm_bench_tables[i].rows[j];
	return NULL;
}

/* The body of the empty loop: a call through the same pointer, no work. */
static noinline int edumm_bench_nop(struct edumm_bench_thread *t)
{
	barrier();
	return 0;
}

/**
 * edumm_bench_wait() - one spin of a thread that waits for another
 * @t: the waiting thread
 * @spins: the caller's spin count, 0 at the start of the wait
 *
 * Yields the CPU now and then (cond_resched()), so that a wait cannot
 * become a soft lockup.
 *
 * Context: a benchmark thread, process context.
 * Return: false if the run is stopping: the caller gives up.
 */
bool edumm_bench_wait(struct edumm_bench_thread *t, unsigned int *spins)
{
	if (READ_ONCE(t->run->stop))
		return false;
	if (++*spins % EDUMM_BENCH_SPINS == 0)
		cond_resched();
	else
		cpu_relax();
	return true;
}

static void edumm_bench_stop(struct edumm_bench_run *run, int err)
{
	if (err && err != -ECANCELED)
		atomic_cmpxchg(&run->err, 0, err);
	WRITE_ONCE(run->stop, 1);
}

/* Barrier number @k of the run: every thread arrives, then all go. */
static bool edumm_bench_barrier(struct edumm_bench_thread *t, unsigned int k)
{
	struct edumm_bench_run *run = t->run;
	int target = run->nr_threads * (k + 1);
	unsigned int spins = 0;

	atomic_inc(&run->arrived);
	while (atomic_read(&run->arrived) < target)
		if (!edumm_bench_wait(t, &spins))
			return false;
	return !READ_ONCE(run->stop);
}

/* @n iterations of @fn; the timed loop, empty or not. */
static int edumm_bench_loop(struct edumm_bench_thread *t, edumm_bench_fn fn, u32 n)
{
	u32 i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = fn(t);
		if (unlikely(ret))
			return ret;
		/* every iteration: one may be a 4 MiB block under a debug kernel */
		if (unlikely(READ_ONCE(t->run->stop)))
			return -ECANCELED;
		if (unlikely(i % EDUMM_BENCH_CHECK == EDUMM_BENCH_CHECK - 1))
			cond_resched();
	}
	return 0;
}

static int edumm_bench_threadfn(void *arg)
{
	struct edumm_bench_thread *t = arg;
	struct edumm_bench_run *run = t->run;
	const struct edumm_bench *req = &run->req;
	u32 reps = req->repetitions, n = req->iterations;
	u32 backend = req->backend;
	unsigned int k = 0, r;
	edumm_bench_fn fn;
	u64 t0, c0, ns, cyc;
	int ret = 0;

	if (req->mode == EDUMM_BENCH_MODE_CROSS_CPU)
		fn = t->idx ? run->wl->consume[backend] : run->wl->produce[backend];
	else
		fn = run->wl->body[backend];

	t->empty_ns = U64_MAX;
	t->empty_cycles = U64_MAX;
	for (r = 0; r < reps; r++) {
		if (!edumm_bench_barrier(t, k++))
			goto out;
		t0 = ktime_get_ns();
		c0 = get_cycles();
		ret = edumm_bench_loop(t, edumm_bench_nop, n);
		cyc = get_cycles() - c0;
		ns = ktime_get_ns() - t0;
		if (ret)
			goto out;
		t->empty_ns = min(t->empty_ns, ns);
		t->empty_cycles = min(t->empty_cycles, cyc);
	}
	for (r = 0; r < reps; r++) {
		if (!edumm_bench_barrier(t, k++))
			goto out;
		t->start[r] = ktime_get_ns();
		c0 = get_cycles();
		ret = edumm_bench_loop(t, fn, n);
		t->cycles[r] = get_cycles() - c0;
		t->end[r] = ktime_get_ns();
		if (ret)
			goto out;
		t->reps_done = r + 1;
	}
out:
	if (ret || t->reps_done < reps)
		edumm_bench_stop(run, ret);
	if (atomic_dec_and_test(&run->running))
		complete(&run->done);
	/* kthread_stop() collects the thread */
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop()) {
			__set_current_state(TASK_RUNNING);
			break;
		}
		schedule();
	}
	return 0;
}

static int edumm_bench_validate(const struct edumm_bench *req,
				const struct edumm_bench_wl **wlp)
{
	const struct edumm_bench_wl *wl;
	unsigned int nr;
	u64 per_iter;

	if (req->flags || req->pad0 || memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return -EINVAL;
	if (req->backend != EDUMM_BENCH_BACKEND_EDUMM &&
	    req->backend != EDUMM_BENCH_BACKEND_KERNEL)
		return -EINVAL;
	if (req->mode < EDUMM_BENCH_MODE_SINGLE || req->mode > EDUMM_BENCH_MODE_CROSS_CPU)
		return -EINVAL;
	if (!req->iterations || req->iterations > EDUMM_BENCH_MAX_ITERATIONS ||
	    !req->repetitions || req->repetitions > EDUMM_BENCH_MAX_REPS)
		return -EINVAL;
	wl = edumm_bench_find(req->workload);
	if (!wl || wl->check(req))
		return -EINVAL;
	/* a design is given exactly for the workloads that take one */
	if (wl->design) {
		if (req->design < EDUMM_DESIGN_SLUB || req->design > EDUMM_DESIGN_DEFAULT)
			return -EINVAL;
	} else if (req->design) {
		return -EINVAL;
	}
	if (req->mode == EDUMM_BENCH_MODE_CROSS_CPU && !wl->produce[req->backend])
		return -EINVAL;
	per_iter = max(req->batch, 1U);
	if ((u64)req->iterations * req->repetitions * per_iter > EDUMM_BENCH_MAX_OPS)
		return -EINVAL;

	/* as many CPUs as the mode wants; which ones: edumm_bench_cpus_ok() */
	nr = hweight64(req->cpu_mask);
	if (!nr || nr > EDUMM_BENCH_MAX_CPUS)
		return -EINVAL;
	if ((req->mode == EDUMM_BENCH_MODE_SINGLE && nr != 1) ||
	    (req->mode == EDUMM_BENCH_MODE_CROSS_CPU && nr != 2))
		return -EINVAL;
	*wlp = wl;
	return 0;
}

/* Every CPU of the mask exists and is online.  cpus_read_lock() held. */
static bool edumm_bench_cpus_ok(u64 mask)
{
	unsigned int cpu;

	for (cpu = 0; cpu < 64; cpu++) {
		if (!(mask & BIT_ULL(cpu)))
			continue;
		if (cpu >= nr_cpu_ids || !cpu_online(cpu))
			return false;
	}
	return true;
}

/* Per-repetition and per-CPU results of a completed run, into run->req. */
static void edumm_bench_results(struct edumm_bench_run *run)
{
	struct edumm_bench *req = &run->req;
	u64 empty_ns = 0, empty_cycles = 0;
	unsigned int i, r;

	for (i = 0; i < run->nr_threads; i++) {
		empty_ns = max(empty_ns, run->threads[i].empty_ns);
		empty_cycles = max(empty_cycles, run->threads[i].empty_cycles);
	}
	req->empty_ns = empty_ns;
	req->empty_cycles = empty_cycles;
	for (r = 0; r < req->repetitions; r++) {
		u64 start = U64_MAX, end = 0, cyc = 0;

		for (i = 0; i < run->nr_threads; i++) {
			struct edumm_bench_thread *t = &run->threads[i];
			u64 net = t->end[r] - t->start[r];

			start = min(start, t->start[r]);
			end = max(end, t->end[r]);
			if (t->cycles[r] > t->empty_cycles)
				cyc = max(cyc, t->cycles[r] - t->empty_cycles);
			req->cpu_ns[i] += net > t->empty_ns ? net - t->empty_ns : 0;
		}
		req->ns[r] = end - start > empty_ns ? end - start - empty_ns : 0;
		req->cycles[r] = cyc;
	}
	req->nr_cpus = run->nr_threads;
	req->ops = (u64)req->iterations * max(req->batch, 1U);
}

/* One thread per CPU of the mask, created but not bound or woken yet. */
static int edumm_bench_create(struct edumm_bench_run *run)
{
	const struct edumm_bench *req = &run->req;
	unsigned int i = 0, cpu;

	for (cpu = 0; cpu < 64; cpu++) {
		struct edumm_bench_thread *t;

		if (!(req->cpu_mask & BIT_ULL(cpu)))
			continue;
		t = &run->threads[i];
		t->run = run;
		t->cpu = cpu;
		t->idx = i++;
		t->order = req->order;
		t->size = req->size;
		t->batch = req->batch;
		if (req->batch) {
			t->objs = kvcalloc(req->batch, sizeof(*t->objs), GFP_KERNEL);
			if (!t->objs)
				return -ENOMEM;
		}
		t->task = kthread_create(edumm_bench_threadfn, t, "edumm_bench/%u", cpu);
		if (IS_ERR(t->task)) {
			int ret = PTR_ERR(t->task);

			t->task = NULL;
			return ret;
		}
	}
	return 0;
}

/*
 * Stops the threads (a thread never woken exits without running its
 * function) and frees the run.
 */
static void edumm_bench_free(struct edumm_bench_run *run)
{
	unsigned int i;

	for (i = 0; i < run->nr_threads; i++) {
		if (run->threads[i].task)
			kthread_stop(run->threads[i].task);
		kvfree(run->threads[i].objs);
	}
	kfree(run->threads);
	kfree(run);
}

/* Runs the threads, with CPU hotplug held off; the caller frees the run. */
static int edumm_bench_run(struct edumm_bench_run *run)
{
	unsigned int i;
	int ret;

	cpus_read_lock();
	if (!edumm_bench_cpus_ok(run->req.cpu_mask)) {
		cpus_read_unlock();
		return -EINVAL;
	}
	for (i = 0; i < run->nr_threads; i++)
		kthread_bind(run->threads[i].task, run->threads[i].cpu);
	for (i = 0; i < run->nr_threads; i++)
		wake_up_process(run->threads[i].task);

	if (wait_for_completion_interruptible(&run->done)) {
		/* a signal: stop, and wait for the threads to free what they hold */
		edumm_bench_stop(run, 0);
		wait_for_completion(&run->done);
		ret = -EINTR;
	} else {
		ret = atomic_read(&run->err);
		if (!ret && READ_ONCE(run->stop))
			ret = -EINTR;
	}
	cpus_read_unlock();
	if (run->req.mode == EDUMM_BENCH_MODE_CROSS_CPU)
		run->wl->drain[run->req.backend](&run->threads[0]);
	return ret;
}

/**
 * edumm_ioc_bench() - EDUMM_IOC_BENCH: run a benchmark, return its times
 * @argp: user pointer to a struct edumm_bench
 *
 * Context: process context, may sleep; sleeps (interruptibly) for the
 * whole run, with CPU hotplug held off.
 * Return: 0 with the results written back, -EINVAL for a bad request,
 * -ENOMEM if an allocation of the run or of the loop failed, -EINTR if a
 * signal ended the run, -EFAULT for a bad pointer.
 */
long edumm_ioc_bench(void __user *argp)
{
	const struct edumm_bench_wl *wl;
	struct edumm_bench_run *run;
	struct edumm_bench *req;
	unsigned int nr;
	long ret;

	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	req = &run->req;
	if (copy_from_user(req, argp, sizeof(*req))) {
		kfree(run);
		return -EFAULT;
	}
	ret = edumm_bench_validate(req, &wl);
	if (ret) {
		kfree(run);
		return ret;
	}
	/* the outputs are computed from zero */
	req->nr_cpus = 0;
	req->ops = 0;
	req->empty_ns = 0;
	req->empty_cycles = 0;
	memset(req->ns, 0, sizeof(req->ns));
	memset(req->cycles, 0, sizeof(req->cycles));
	memset(req->cpu_ns, 0, sizeof(req->cpu_ns));

	nr = hweight64(req->cpu_mask);
	run->threads = kcalloc(nr, sizeof(*run->threads), GFP_KERNEL);
	if (!run->threads) {
		kfree(run);
		return -ENOMEM;
	}
	run->wl = wl;
	run->nr_threads = nr;
	atomic_set(&run->running, nr);
	init_completion(&run->done);
	/* cross-CPU: at most EDUMM_BENCH_MAX_BATCH_PAGES pages in flight */
	run->ring.mask = min(EDUMM_BENCH_RING, EDUMM_BENCH_MAX_BATCH_PAGES >> req->order) - 1;

	ret = wl->setup ? wl->setup(run) : 0;
	if (ret) {
		edumm_bench_free(run);
		return ret;
	}
	ret = edumm_bench_create(run);
	if (!ret)
		ret = edumm_bench_run(run);
	if (!ret) {
		edumm_bench_results(run);
		if (copy_to_user(argp, req, sizeof(*req)))
			ret = -EFAULT;
	}
	if (wl->teardown)
		wl->teardown(run);
	edumm_bench_free(run);
	return ret;
}
