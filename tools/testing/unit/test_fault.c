// SPDX-License-Identifier: GPL-2.0
/*
 * test_fault.c - failure paths: edumm_pool_init() running out of metadata
 * memory at every allocation in turn, and the fault injection of fault.c
 * (the kernel's struct fault_attr / should_fail() of lib/fault-inject.c).
 */
#include "common.h"

/* Strong definition of the shim's weak hook: the N-th edumm_meta_alloc() fails. */
unsigned int edumm_shim_meta_fail_nth;

/*
 * -ENOMEM at each metadata allocation of edumm_pool_init() in turn: the
 * error comes back, nothing stays allocated, and the zeroed structure
 * takes the next attempt; past the last allocation, init succeeds.
 */
TEST(fault_init_enomem_at_every_allocation)
{
	static const struct edumm_pool zero;
	unsigned int nth, enomem = 0;
	int ret = -ENOMEM;

	for (nth = 1; nth < 64 && ret; nth++) {
		edumm_shim_meta_fail_nth = nth;
		ret = edumm_pool_init(&ut.pool, ut_layout_realistic, ut_layout_realistic_nr);
		edumm_shim_meta_fail_nth = 0;
		if (ret) {
			ASSERT_EQ(ret, -ENOMEM);
			ASSERT_EQ(edumm_shim_meta_live, 0);
			ASSERT_EQ(memcmp(&ut.pool, &zero, sizeof(zero)), 0);
			enomem++;
		}
	}
	ASSERT_EQ(ret, 0);
	ut.pool_live = true;
	ut_diag("init survived -ENOMEM at each of its %u metadata allocations", enomem);
	ASSERT_GE(enomem, 5);
	ASSERT_POOL_OK(&ut.pool);
}

/* Calls 1..@n of edumm_should_fail(@size): a string of 'x' (failed) and '.'. */
static const char *pattern(struct edumm_fault_attr *attr, unsigned int n, unsigned long size)
{
	char *s = ut_tmp_alloc(n + 1);
	unsigned int i;

	for (i = 0; i < n; i++)
		s[i] = edumm_should_fail(attr, size) ? 'x' : '.';
	return s;
}

static void attr_set(struct edumm_fault_attr *attr, const char *spec)
{
	edumm_fault_attr_init(attr);
	ASSERT_EQ(edumm_fault_attr_parse(attr, spec), 0);
}

/*
 * The boot-option format "interval,probability,space,times" and its
 * meaning: probability=100 interval=3 times=2 fails the 3rd and 6th call
 * and no other (fault.c's worked example); times=-1 never runs out;
 * probability 0 is off.
 */
TEST(fault_attr_interval_times)
{
	struct edumm_fault_attr attr;

	edumm_fault_attr_init(&attr);
	ASSERT_STREQ(pattern(&attr, 10, 1), "..........");	/* off by default */
	attr_set(&attr, "3,100,0,2");
	ASSERT_STREQ(pattern(&attr, 12, 1), "..x..x......");
	ASSERT_EQ(attr.injected, 2);
	attr_set(&attr, "1,100,0,-1");
	ASSERT_STREQ(pattern(&attr, 5, 1), "xxxxx");
	attr_set(&attr, "2,100,0,-1");
	ASSERT_STREQ(pattern(&attr, 6, 1), ".x.x.x");
	attr_set(&attr, "1,0,0,-1");
	ASSERT_STREQ(pattern(&attr, 5, 1), ".....");
}

/*
 * space, as should_fail() has it: "if (atomic_read(&attr->space) > size)
 * { atomic_sub(size, &attr->space); return false; }".  A call smaller
 * than the budget left consumes it and passes; a call that is not smaller
 * neither consumes it nor is protected by it, so later small calls still
 * find the budget.
 *
 *   space 8:  size 1 x7 pass (8 -> 1), then size 1: 1 > 1 is false -> fail
 *   space 8:  size 16 -> fail, budget untouched; size 1 x7 pass; then fail
 */
TEST(fault_attr_space)
{
	struct edumm_fault_attr attr;

	attr_set(&attr, "1,100,8,-1");
	ASSERT_STREQ(pattern(&attr, 9, 1), ".......xx");

	attr_set(&attr, "1,100,8,-1");
	ASSERT_STREQ(pattern(&attr, 1, 16), "x");
	ASSERT_EQ(attr.space, 8);
	ASSERT_STREQ(pattern(&attr, 8, 1), ".......x");

	attr_set(&attr, "1,100,8,-1");		/* an order-3 request is not smaller */
	ASSERT_STREQ(pattern(&attr, 1, 8), "x");
}

/* Malformed or out-of-range specifications are refused, leaving the attribute as it was. */
TEST(fault_attr_parse_rejects)
{
	static const char * const bad[] = {
		"", "1", "1,100", "1,100,0", "1,100,0,2,", "1,100,0,2x", "0,100,0,2",
		"1,101,0,2", "1,100,0,-2", "a,b,c,d", "1 100 0 2",
	};
	struct edumm_fault_attr attr, before;
	unsigned int i;

	attr_set(&attr, "4,50,7,3");
	ASSERT_EQ(attr.interval, 4);
	ASSERT_EQ(attr.probability, 50);
	ASSERT_EQ(attr.space, 7);
	ASSERT_EQ(attr.times, 3);
	memcpy(&before, &attr, sizeof(attr));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (edumm_fault_attr_parse(&attr, bad[i]) != -EINVAL)
			ut_fail(__FILE__, __LINE__, "\"%s\" accepted", bad[i]);
		ASSERT_EQ(memcmp(&attr, &before, sizeof(attr)), 0);
	}
}

/*
 * edumm_alloc_pages() consults pool->fail first: an injected failure is a
 * plain NULL, counted as fail_injected and alloc_fail, the pool untouched.
 */
TEST(fault_alloc_pages_injection)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct ut_blocks held;
	unsigned int i;

	ut_blocks_init(&held, pool);
	ASSERT_EQ(edumm_fault_attr_parse(&pool->fail, "3,100,0,2"), 0);
	for (i = 1; i <= 9; i++) {
		const char *before = ut_zoneinfo(pool);
		struct edumm_page *p = edumm_alloc_pages(pool, i % 4, EDUMM_MT_MOVABLE, 0);

		if (i == 3 || i == 6) {
			ASSERT_NULL(p);
			ASSERT_STREQ(ut_zoneinfo(pool), before);
		} else {
			ut_blocks_add(&held, p, i % 4);
		}
	}
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_FAIL_INJECTED), 2);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_ALLOC_FAIL), 2);
	ASSERT_EQ(ut_stat_delta(pool, EDUMM_PGALLOC), 7);
	ASSERT_POOL_OK(pool);
	ut_blocks_free_all(&held);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
	ut_blocks_destroy(&held);
}
