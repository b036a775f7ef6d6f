/* SPDX-License-Identifier: GPL-2.0 */
/*
 * edumm_env.h, userspace edition: the same names as mod/env/edumm_env.h,
 * implemented with libc and pthreads, so that the unmodified core files
 * (mod/pool.c, buddy.c, pcp.c, stats.c, check.c, show.c) compile into the
 * unit tests, the way tools/testing/memblock compiles mm/memblock.c.
 *
 * What the shim simulates:
 *   CPUs   each thread says which CPU it "runs on" by setting
 *          edumm_shim_cpu; edumm_nr_cpu_ids() is edumm_shim_nr_cpus.
 *   nodes  edumm_numa_node_id() returns edumm_shim_node.
 *   WARN   EDUMM_WARN_ON_ONCE() counts into edumm_shim_warns, which every
 *          test expects to stay 0.
 *   errors edumm_report() counts into edumm_shim_reports and prints only
 *          when edumm_shim_verbose is set.
 *   memory edumm_meta_alloc() counts live allocations in
 *          edumm_shim_meta_live and adds every size to edumm_shim_meta_bytes
 *          (never decremented), so tests can check leaks and the pool's own
 *          accounting of its metadata.  A harness that defines
 *          edumm_shim_meta_fail_nth can make the N-th allocation fail.
 *   locks  pthread mutexes that remember their owner, so that
 *          edumm_lock_assert_held() really asserts.
 *   stop_machine  a process-wide rwlock: holding any struct edumm_lock
 *          holds it for reading (like the kernel's spinlocks disable
 *          preemption, which stop_machine() waits out), and
 *          edumm_stop_machine() takes it for writing.  Sleeping locks
 *          (struct edumm_mutex) do not take it.
 *   pages  edumm_pfn_to_virt() maps pfn N to base + N * 4096 inside one
 *          lazily reserved MAP_NORESERVE region (EDUMM_SHIM_VIRT_PFNS
 *          pages of address space; only touched pages cost memory), and
 *          edumm_virt_to_pfn() maps back, ULONG_MAX outside the region.
 *   RCU    edumm_call_rcu() queues; nothing runs until a test (or
 *          edumm_rcu_barrier()) calls edumm_shim_rcu_gp(), the simulated
 *          end of a grace period, which runs every queued callback.
 *   pid    edumm_current_pid() is edumm_shim_pid (default 1000 + CPU).
 *   time   edumm_jiffies() is edumm_shim_jiffies, moved by tests.
 */
#ifndef _EDUMM_ENV_H
#define _EDUMM_ENV_H

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int16_t s16;

#define U16_MAX			UINT16_MAX
#define BIT(n)			(1UL << (n))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define ____cacheline_aligned_in_smp __attribute__((aligned(64)))

/*
 * Marked accesses, as the kernel's: relaxed atomics here, so that
 * ThreadSanitizer knows a racing READ_ONCE() against a WRITE_ONCE() is
 * intended (KCSAN's view in the kernel), and reports any plain access that
 * races.
 */
#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#define min(a, b)		({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b)		({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })
#define clamp(v, lo, hi)	min(max(v, lo), hi)
#define min_t(t, a, b)		min((t)(a), (t)(b))
#define max_t(t, a, b)		max((t)(a), (t)(b))
#define BITS_PER_LONG		64
#define min3(a, b, c)		min(min(a, b), c)

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/*** A minimal <linux/list.h> ***/

struct list_head {
	struct list_head *next, *prev;
};

static inline void INIT_LIST_HEAD(struct list_head *list)
{
	WRITE_ONCE(list->next, list);
	list->prev = list;
}

static inline void __list_add(struct list_head *entry, struct list_head *prev,
			      struct list_head *next)
{
	/* the kernel's CONFIG_DEBUG_LIST checks, always on here */
	assert(next->prev == prev && prev->next == next);
	assert(entry != prev && entry != next);
	next->prev = entry;
	entry->next = next;
	entry->prev = prev;
	WRITE_ONCE(prev->next, entry);
}

static inline void list_add(struct list_head *entry, struct list_head *head)
{
	__list_add(entry, head, head->next);
}

static inline void list_add_tail(struct list_head *entry, struct list_head *head)
{
	__list_add(entry, head->prev, head);
}

static inline void __list_del_entry(struct list_head *entry)
{
	assert(entry->prev->next == entry && entry->next->prev == entry);
	entry->next->prev = entry->prev;
	WRITE_ONCE(entry->prev->next, entry->next);
}

static inline void list_del_init(struct list_head *entry)
{
	__list_del_entry(entry);
	INIT_LIST_HEAD(entry);
}

static inline void list_move_tail(struct list_head *entry, struct list_head *head)
{
	__list_del_entry(entry);
	list_add_tail(entry, head);
}

static inline bool list_empty(const struct list_head *head)
{
	return READ_ONCE(head->next) == head;
}

#define list_entry(ptr, type, member)	container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) list_entry((ptr)->next, type, member)
#define list_last_entry(ptr, type, member) list_entry((ptr)->prev, type, member)
#define list_first_entry_or_null(ptr, type, member) \
	(list_empty(ptr) ? NULL : list_first_entry(ptr, type, member))
#define list_for_each(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)
#define list_next_entry(pos, member) \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_for_each_entry(pos, head, member)				\
	for (pos = list_first_entry(head, __typeof__(*pos), member);	\
	     &pos->member != (head);					\
	     pos = list_next_entry(pos, member))

/*
 * <linux/rbtree.h>: the declarations of the kernel's tools/include copy,
 * whose tools/lib/rbtree.c the test Makefiles compile and link (as the
 * kernel's own tools/testing does); struct rb_node must keep its layout.
 */
struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __attribute__((aligned(sizeof(long))));

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_ROOT			((struct rb_root) { NULL, })
#define rb_entry(ptr, type, member) container_of(ptr, type, member)

void rb_insert_color(struct rb_node *node, struct rb_root *root);
void rb_erase(struct rb_node *node, struct rb_root *root);
struct rb_node *rb_next(const struct rb_node *node);
struct rb_node *rb_prev(const struct rb_node *node);
struct rb_node *rb_first(const struct rb_root *root);
struct rb_node *rb_last(const struct rb_root *root);

static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **rb_link)
{
	node->__rb_parent_color = (unsigned long)parent;
	node->rb_left = NULL;
	node->rb_right = NULL;
	*rb_link = node;
}

static inline void list_del(struct list_head *entry)
{
	__list_del_entry(entry);
	entry->next = NULL;	/* the kernel's LIST_POISON1/2 */
	entry->prev = NULL;
}

static inline void list_move(struct list_head *entry, struct list_head *head)
{
	__list_del_entry(entry);
	list_add(entry, head);
}

static inline int list_is_first(const struct list_head *entry, const struct list_head *head)
{
	return entry->prev == head;
}

/* Make @entry the first element of @head (a rotation of the ring). */
static inline void list_rotate_to_front(struct list_head *entry, struct list_head *head)
{
	list_move_tail(head, entry);
}

#define list_next_entry(pos, member) \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_for_each_entry(pos, head, member)				\
	for (pos = list_first_entry(head, __typeof__(*pos), member);	\
	     &pos->member != (head);					\
	     pos = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)			\
	for (pos = list_first_entry(head, __typeof__(*pos), member),	\
	     n = list_next_entry(pos, member);				\
	     &pos->member != (head);					\
	     pos = n, n = list_next_entry(n, member))

/*** Locks ***/

struct edumm_lock {
	pthread_mutex_t m;	/* stands in for a spinlock */
	pthread_t owner;	/* valid while held */
	bool held;		/* for edumm_lock_assert_held() */
};

struct edumm_mutex {
	pthread_mutex_t m;	/* a sleeping lock: not part of the "world" */
};

/* Defined here, weak, so that every test harness gets them without a word. */
__attribute__((weak)) pthread_rwlock_t edumm_shim_world = PTHREAD_RWLOCK_INITIALIZER;
__attribute__((weak)) __thread unsigned int edumm_shim_locks_held;

static inline void edumm_shim_lock(struct edumm_lock *l)
{
	if (!edumm_shim_locks_held++)
		pthread_rwlock_rdlock(&edumm_shim_world);
	pthread_mutex_lock(&l->m);
	l->owner = pthread_self();
	l->held = true;
}

static inline void edumm_shim_unlock(struct edumm_lock *l)
{
	assert(l->held && pthread_equal(l->owner, pthread_self()));
	l->held = false;
	pthread_mutex_unlock(&l->m);
	assert(edumm_shim_locks_held);
	if (!--edumm_shim_locks_held)
		pthread_rwlock_unlock(&edumm_shim_world);
}

static inline int edumm_stop_machine(int (*fn)(void *), void *data)
{
	int ret;

	assert(!edumm_shim_locks_held);
	pthread_rwlock_wrlock(&edumm_shim_world);
	ret = fn(data);
	pthread_rwlock_unlock(&edumm_shim_world);
	return ret;
}

#define edumm_lock_init(l)	pthread_mutex_init(&(l)->m, NULL)
#define edumm_lock(l)		edumm_shim_lock(l)
#define edumm_unlock(l)		edumm_shim_unlock(l)
#define edumm_lock_assert_held(l) \
	assert((l)->held && pthread_equal((l)->owner, pthread_self()))

#define edumm_mutex_init(mx)	pthread_mutex_init(&(mx)->m, NULL)
#define edumm_mutex_destroy(mx)	pthread_mutex_destroy(&(mx)->m)
#define edumm_mutex_lock(mx)	pthread_mutex_lock(&(mx)->m)
#define edumm_mutex_unlock(mx)	pthread_mutex_unlock(&(mx)->m)

/*** Simulated machine ***/

extern __thread unsigned int edumm_shim_cpu;
extern __thread int edumm_shim_node;
extern unsigned int edumm_shim_nr_cpus;
extern unsigned long edumm_shim_warns;
extern unsigned long edumm_shim_reports;
extern bool edumm_shim_verbose;
extern unsigned long edumm_shim_meta_live;
extern unsigned long edumm_shim_meta_bytes;

#define EDUMM_MAX_NUMNODES	64
#define EDUMM_PAGE_SHIFT	12

/* No %pK / %pS in libc: plain pointers ("0x..."). */
#define EDUMM_KPTR_FMT		"%p"
#define EDUMM_SYM_FMT		"%p"

#define EDUMM_WARN_ON_ONCE(cond) ({					\
	bool __c = !!(cond);						\
	if (__c) {							\
		__atomic_add_fetch(&edumm_shim_warns, 1, __ATOMIC_RELAXED); \
		fprintf(stderr, "WARNING: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	}								\
	__c;								\
})

#define edumm_report(fmt, ...) do {					\
	__atomic_add_fetch(&edumm_shim_reports, 1, __ATOMIC_RELAXED);	\
	if (edumm_shim_verbose)						\
		fprintf(stderr, "edumm: " fmt, ##__VA_ARGS__);		\
} while (0)

static inline unsigned int edumm_cpu_get(void)
{
	assert(edumm_shim_cpu < edumm_shim_nr_cpus);
	return edumm_shim_cpu;
}

static inline void edumm_cpu_put(void)
{
}

static inline unsigned int edumm_nr_cpu_ids(void)
{
	return edumm_shim_nr_cpus;
}

static inline bool edumm_cpu_online(unsigned int cpu)
{
	return cpu < edumm_shim_nr_cpus;
}

static inline unsigned int edumm_nr_online_cpus(void)
{
	return edumm_shim_nr_cpus;
}

static inline int edumm_numa_node_id(void)
{
	return edumm_shim_node;
}

/*
 * Fault injection, like the kernel's /proc/self/fail-nth: while
 * edumm_shim_meta_fail_nth is N > 0, each edumm_meta_alloc() counts it
 * down and the one that brings it to 0 returns NULL.  Weak, so that a
 * harness which does not define it (the unit tests) gets no injection.
 * Not atomic: set it only while one thread uses the pool.
 */
extern unsigned int edumm_shim_meta_fail_nth __attribute__((weak));

static inline bool edumm_shim_meta_should_fail(void)
{
	if (!&edumm_shim_meta_fail_nth || !edumm_shim_meta_fail_nth)
		return false;
	return --edumm_shim_meta_fail_nth == 0;
}

static inline void *edumm_meta_alloc(size_t size)
{
	void *p;

	if (edumm_shim_meta_should_fail())
		return NULL;
	p = calloc(1, size ? size : 1);

	if (p) {
		__atomic_add_fetch(&edumm_shim_meta_live, 1, __ATOMIC_RELAXED);
		__atomic_add_fetch(&edumm_shim_meta_bytes, size, __ATOMIC_RELAXED);
	}
	return p;
}

static inline void edumm_meta_free(void *p)
{
	if (p)
		__atomic_sub_fetch(&edumm_shim_meta_live, 1, __ATOMIC_RELAXED);
	free(p);
}

static inline bool edumm_try_cmpxchg32(u32 *p, u32 old, u32 new)
{
	return __atomic_compare_exchange_n(p, &old, new, false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

/*
 * Fault injection's dice: a fixed-seed generator (xorshift32), so a test
 * run is reproducible; tests may set edumm_shim_random_state.
 */
extern __thread u32 edumm_shim_random_state;

static inline u32 edumm_random_u32_below(u32 ceil)
{
	u32 x = edumm_shim_random_state ? edumm_shim_random_state : 2463534242U;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	edumm_shim_random_state = x;
	return (u32)(((u64)x * ceil) >> 32);
}

static inline unsigned long edumm_int_sqrt(unsigned long x)
{
	unsigned long r = 0, bit = 1UL << (sizeof(long) * 8 - 2);

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

static inline unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << (63 - __builtin_clzl(n));
}

static inline void sort(void *base, size_t num, size_t size,
			int (*cmp)(const void *, const void *), void *swap)
{
	(void)swap;
	qsort(base, num, size, cmp);
}

/*** For the slab layer: kernel helpers the core uses by their kernel names ***/

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define ALIGN(x, a)		(((x) + ((__typeof__(x))(a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))

static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static inline int ilog2(unsigned long n)
{
	return 63 - __builtin_clzl(n);
}

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* asm-generic/getorder.h for 4 KiB pages */
static inline int get_order(unsigned long size)
{
	if (size <= 4096)
		return 0;
	return 64 - __builtin_clzl((size - 1) >> 12);
}

/* lib/string.c memchr_inv(): first byte of @p that is not @c, or NULL */
static inline void *memchr_inv(const void *p, int c, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != (unsigned char)c)
			return (void *)(s + i);
	return NULL;
}

static inline ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t len = strnlen(src, size);

	if (!size)
		return -E2BIG;
	if (len == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = 0;
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return (ssize_t)len;
}

#define EDUMM_PAGE_SIZE		4096UL

static inline unsigned int edumm_cache_line_size(void)
{
	return 64;
}

static inline unsigned int edumm_nr_present_cpus(void)
{
	return edumm_shim_nr_cpus;
}

/* pfns 0 .. EDUMM_SHIM_VIRT_PFNS - 1 have an address (32 GiB of space). */
#define EDUMM_SHIM_VIRT_PFNS	(1UL << 23)

__attribute__((weak)) char *edumm_shim_virt_base;
__attribute__((weak)) pthread_once_t edumm_shim_virt_once = PTHREAD_ONCE_INIT;

static inline void edumm_shim_virt_init(void)
{
	void *p = mmap(NULL, EDUMM_SHIM_VIRT_PFNS << 12, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	assert(p != MAP_FAILED);
	edumm_shim_virt_base = p;
}

static inline void *edumm_pfn_to_virt(unsigned long pfn)
{
	pthread_once(&edumm_shim_virt_once, edumm_shim_virt_init);
	assert(pfn < EDUMM_SHIM_VIRT_PFNS);
	return edumm_shim_virt_base + (pfn << 12);
}

static inline unsigned long edumm_virt_to_pfn(const void *p)
{
	uintptr_t a = (uintptr_t)p, base;

	pthread_once(&edumm_shim_virt_once, edumm_shim_virt_init);
	base = (uintptr_t)edumm_shim_virt_base;
	if (a < base || a >= base + (EDUMM_SHIM_VIRT_PFNS << 12))
		return ULONG_MAX;
	return (a - base) >> 12;
}

__attribute__((weak)) __thread int edumm_shim_pid;
__attribute__((weak)) unsigned long edumm_shim_jiffies;

static inline int edumm_current_pid(void)
{
	return edumm_shim_pid ? edumm_shim_pid : 1000 + (int)edumm_shim_cpu;
}

static inline unsigned long edumm_jiffies(void)
{
	return __atomic_load_n(&edumm_shim_jiffies, __ATOMIC_RELAXED);
}

#define swab(x)			__builtin_bswap64(x)

static inline unsigned long edumm_random_long(void)
{
	return ((unsigned long)edumm_random_u32_below(~0U) << 32) | edumm_random_u32_below(~0U);
}

/**
 * struct edumm_rcu_head - a queued callback of the simulated RCU
 * @next: queue link
 * @fn: run by edumm_shim_rcu_gp()
 */
struct edumm_rcu_head {
	struct edumm_rcu_head *next;
	void (*fn)(struct edumm_rcu_head *h);
};

__attribute__((weak)) pthread_mutex_t edumm_shim_rcu_lock = PTHREAD_MUTEX_INITIALIZER;
__attribute__((weak)) struct edumm_rcu_head *edumm_shim_rcu_queue;
__attribute__((weak)) unsigned long edumm_shim_rcu_pending;

static inline void edumm_call_rcu(struct edumm_rcu_head *h, void (*fn)(struct edumm_rcu_head *h))
{
	pthread_mutex_lock(&edumm_shim_rcu_lock);
	h->fn = fn;
	h->next = edumm_shim_rcu_queue;
	edumm_shim_rcu_queue = h;
	edumm_shim_rcu_pending++;
	pthread_mutex_unlock(&edumm_shim_rcu_lock);
}

/* The end of a grace period: run every callback queued so far. */
static inline void edumm_shim_rcu_gp(void)
{
	struct edumm_rcu_head *h, *next;

	pthread_mutex_lock(&edumm_shim_rcu_lock);
	h = edumm_shim_rcu_queue;
	edumm_shim_rcu_queue = NULL;
	edumm_shim_rcu_pending = 0;
	pthread_mutex_unlock(&edumm_shim_rcu_lock);
	for (; h; h = next) {
		next = h->next;
		h->fn(h);
	}
}

static inline void edumm_rcu_barrier(void)
{
	edumm_shim_rcu_gp();
}

/* A pause in a wait loop of process context; may sleep. */
static inline void edumm_wait_relax(void)
{
	sched_yield();
}

#endif /* _EDUMM_ENV_H */
