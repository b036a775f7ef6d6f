/* SPDX-License-Identifier: GPL-2.0 */
/*
 * edumm_env.h - the only door from the edumm core to its environment.
 *
 * The core files (pool.c, buddy.c, pcp.c, stats.c, check.c, show.c) include
 * nothing but "edumm_core.h", which includes this header.  This is the
 * kernel's implementation; tools/testing/shim/edumm_env.h implements the
 * same names in userspace for the unit tests, the way mimalloc's prim.h
 * separates its allocator from the operating system.  Keep the two in step:
 * every name here must exist there with the same meaning.
 *
 * Contract:
 *   struct edumm_lock   spinning lock, never held across a sleep; each
 *                       edumm_lock_init() call site is its own lockdep class
 *   struct edumm_mutex  sleeping lock, the outer lock of whole-pool walks
 *   edumm_stop_machine() run a function while every CPU is stopped with
 *                       preemption and interrupts off: no CPU is inside a
 *                       section that holds a struct edumm_lock, so every
 *                       structure those locks guard is at rest.  May sleep
 *                       (the caller); the function must not.
 *   edumm_cpu_get/put() pin the caller to a CPU and return its id; no sleep
 *                       in between
 *   edumm_meta_alloc()  zeroed memory for metadata, may sleep, NULL on
 *                       failure; edumm_meta_free() gives it back
 *   edumm_report()      a rate-limited error report at KERN_ERR; never a
 *                       WARN (user input can trigger reports)
 *   edumm_pfn_to_virt() the kernel virtual address of a pool page (pool
 *                       pages are lowmem: GFP_KERNEL, never highmem)
 *   edumm_virt_to_pfn() the pfn of any address, or ULONG_MAX when it is not
 *                       a direct-map address; the caller still checks that
 *                       the pfn is a pool page (edumm_pfn_to_page())
 *   edumm_call_rcu()    run fn after a grace period, in softirq context in
 *                       the kernel: fn must only flip a flag (no lock of the
 *                       core is irq-safe); edumm_rcu_barrier() waits for
 *                       every queued fn (may sleep)
 *   edumm_current_pid() pid of the calling task (store_user)
 *   edumm_jiffies()     a tick counter (store_user's "when", reap timing)
 *   rbtree              the kernel's <linux/rbtree.h> (the shim links the
 *                       kernel's own tools/lib/rbtree.c)
 */
#ifndef _EDUMM_ENV_H
#define _EDUMM_ENV_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/bug.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <linux/string.h>
#include <linux/minmax.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/sort.h>
#include <linux/errno.h>
#include <linux/stdarg.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/atomic.h>
#include <linux/numa.h>
#include <linux/topology.h>
#include <linux/mm.h>
#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/rbtree.h>
#include <linux/stop_machine.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/jiffies.h>
#include <linux/align.h>
#include <linux/swab.h>
#include <asm/page.h>

struct edumm_lock {
	spinlock_t lock;	/* what it guards is documented at each use */
};

struct edumm_mutex {
	struct mutex lock;	/* what it guards is documented at each use */
};

/* Macros, not inlines: spin_lock_init() makes one lockdep class per site. */
#define edumm_lock_init(l)		spin_lock_init(&(l)->lock)
#define edumm_lock(l)			spin_lock(&(l)->lock)
#define edumm_unlock(l)			spin_unlock(&(l)->lock)
#define edumm_lock_assert_held(l)	lockdep_assert_held(&(l)->lock)

#define edumm_stop_machine(fn, data)	stop_machine(fn, data, NULL)

#define edumm_mutex_init(m)		mutex_init(&(m)->lock)
#define edumm_mutex_destroy(m)		mutex_destroy(&(m)->lock)
#define edumm_mutex_lock(m)		mutex_lock(&(m)->lock)
#define edumm_mutex_unlock(m)		mutex_unlock(&(m)->lock)

#define EDUMM_WARN_ON_ONCE(cond)	WARN_ON_ONCE(cond)
#define edumm_report(fmt, ...)		pr_err_ratelimited(fmt, ##__VA_ARGS__)

#define EDUMM_MAX_NUMNODES		MAX_NUMNODES

/* The core's idea of a page frame number and page size is the kernel's. */
#define EDUMM_PAGE_SHIFT		PAGE_SHIFT

/*
 * Formats of kernel addresses in /proc-style text (vmap.c): a pointer
 * under kptr_restrict ("0x%pK": hashed, real or zero, decided for the
 * reader as /proc/vmallocinfo does) and a code address as a symbol.
 */
#define EDUMM_KPTR_FMT			"0x%pK"
#define EDUMM_SYM_FMT			"%pS"

static inline unsigned int edumm_cpu_get(void)
{
	return get_cpu();
}

static inline void edumm_cpu_put(void)
{
	put_cpu();
}

static inline unsigned int edumm_nr_cpu_ids(void)
{
	return nr_cpu_ids;
}

static inline bool edumm_cpu_online(unsigned int cpu)
{
	return cpu_online(cpu);
}

static inline unsigned int edumm_nr_online_cpus(void)
{
	return num_online_cpus();
}

/* Node of the calling CPU: the first node tried by an allocation. */
static inline int edumm_numa_node_id(void)
{
	return numa_node_id();
}

static inline void *edumm_meta_alloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

static inline void edumm_meta_free(void *p)
{
	kvfree(p);
}

/* Claim a descriptor state word: true if *p was @old and is now @new. */
static inline bool edumm_try_cmpxchg32(u32 *p, u32 old, u32 new)
{
	return cmpxchg(p, old, new) == old;
}

/* A uniformly random number in 0 .. @ceil - 1 (fault injection). */
static inline u32 edumm_random_u32_below(u32 ceil)
{
	return get_random_u32_below(ceil);
}

static inline unsigned long edumm_int_sqrt(unsigned long x)
{
	return int_sqrt(x);
}

/*** For the slab layer ***/

/* Bytes of a pool page, and the line size of cache colouring / HWCACHE_ALIGN. */
#define EDUMM_PAGE_SIZE			PAGE_SIZE

static inline unsigned int edumm_cache_line_size(void)
{
	return cache_line_size();
}

/* num_present_cpus(), as SLUB's calculate_order() reads it. */
static inline unsigned int edumm_nr_present_cpus(void)
{
	return num_present_cpus();
}

static inline void *edumm_pfn_to_virt(unsigned long pfn)
{
	return pfn_to_kaddr(pfn);
}

static inline unsigned long edumm_virt_to_pfn(const void *p)
{
	unsigned long x = (unsigned long)p;

	/*
	 * The direct map of lowmem, [PAGE_OFFSET, high_memory): the range
	 * test of virt_addr_valid() without its pfn_valid() (an out-of-line
	 * call and a mem_section walk on every kfree()).  The caller checks
	 * the pfn against the pool, whose pfns are all valid, and no struct
	 * page is touched here.
	 */
	if (x < PAGE_OFFSET || x >= (unsigned long)high_memory)
		return ULONG_MAX;
	return PHYS_PFN(__pa(x));
}

static inline int edumm_current_pid(void)
{
	return task_pid_nr(current);
}

static inline unsigned long edumm_jiffies(void)
{
	return jiffies;
}

/* The free pointer's key (CONFIG_SLAB_FREELIST_HARDENED). */
static inline unsigned long edumm_random_long(void)
{
	return get_random_long();
}

/**
 * struct edumm_rcu_head - an RCU callback of the core
 * @head: the kernel's
 * @fn: called after a grace period, in softirq context
 */
struct edumm_rcu_head {
	struct rcu_head head;
	void (*fn)(struct edumm_rcu_head *h);
};

static inline void edumm_rcu_trampoline(struct rcu_head *head)
{
	struct edumm_rcu_head *h = container_of(head, struct edumm_rcu_head, head);

	h->fn(h);
}

static inline void edumm_call_rcu(struct edumm_rcu_head *h, void (*fn)(struct edumm_rcu_head *h))
{
	h->fn = fn;
	call_rcu(&h->head, edumm_rcu_trampoline);
}

static inline void edumm_rcu_barrier(void)
{
	rcu_barrier();
}

/* A pause in a wait loop of process context; may sleep. */
static inline void edumm_wait_relax(void)
{
	cond_resched();
	cpu_relax();
}

#endif /* _EDUMM_ENV_H */
