// SPDX-License-Identifier: GPL-2.0
/*
 * fault.c - fault injection for edumm's own allocation points, after the
 * kernel's fault_attr (lib/fault-inject.c, which failslab and
 * fail_page_alloc are built on; see
 * Documentation/fault-injection/fault-injection.rst).
 *
 * The Debian kernel has no CONFIG_FAULT_INJECTION, so edumm carries its own
 * copy of the decision logic, with the same knobs and the same meaning:
 *
 *   probability  percent of the eligible calls that fail (0 = off)
 *   interval     only every interval-th eligible call may fail (1 = all)
 *   times        failures left to inject; -1 = no limit; 0 = done
 *   space        a budget of "size" units that calls consume without
 *                failing; injection starts once it is spent
 *   verbose      log one line per injected failure
 *
 * Worked example: probability=100 interval=3 times=2 space=0 fails the 3rd
 * and the 6th call and no other.  With space=8, a request of size 4 (an
 * order-2 allocation) passes and leaves space=4; the next request of size
 * 4 or more finds space <= size and may fail, while smaller ones keep
 * consuming what is left, as in should_fail() of the kernel.
 *
 * Where it is consulted: edumm_alloc_pages() (the buddy, like
 * should_fail_alloc_page()), the glue's per-client bookkeeping, and at load
 * the reservation of the pool from the kernel (module parameter
 * fail_reserve=, in the kernel's "<interval>,<probability>,<space>,<times>"
 * boot-option format).  An injected failure looks exactly like a real one
 * to the caller: NULL or -ENOMEM.
 *
 * Locking: attr->lock guards times, space and count, so that concurrent
 * callers never inject more than "times" failures.  It is a leaf lock:
 * nothing is taken under it (the glue calls in with a client's mutex
 * held, the buddy with no lock).
 */
#include "edumm_core.h"

/**
 * edumm_fault_attr_init() - set up a fault attribute, injection off
 * @attr: the attribute
 *
 * Context: process context, before the attribute is used.
 */
void edumm_fault_attr_init(struct edumm_fault_attr *attr)
{
	memset(attr, 0, sizeof(*attr));
	edumm_lock_init(&attr->lock);
	attr->interval = 1;
	attr->times = 1;
}

/**
 * edumm_fault_attr_parse() - configure from "interval,probability,space,times"
 * @attr: an initialised attribute
 * @str: the kernel's fault-injection boot option format
 *
 * Context: process context.
 * Return: 0, or -EINVAL if @str does not have that form (the attribute is
 * left unchanged then).
 */
int edumm_fault_attr_parse(struct edumm_fault_attr *attr, const char *str)
{
	unsigned long probability, interval, space;
	char tail;
	long times;

	if (sscanf(str, "%lu,%lu,%lu,%ld%c", &interval, &probability, &space, &times,
		   &tail) != 4)
		return -EINVAL;
	if (!interval || probability > 100 || times < -1)
		return -EINVAL;
	attr->interval = interval;
	attr->probability = probability;
	attr->space = space;
	attr->times = times;
	return 0;
}

/**
 * edumm_should_fail() - decide whether this allocation fails
 * @attr: the fault attribute of the allocation point
 * @size: how much the call asks for, in the point's unit (pages, bytes)
 *
 * This is should_fail() of lib/fault-inject.c without task filtering,
 * stack filtering and fail-nth.
 *
 * Context: any context that may spin; takes attr->lock when injection is on.
 * Return: true if the caller must fail its allocation.
 */
bool edumm_should_fail(struct edumm_fault_attr *attr, unsigned long size)
{
	bool fail = false;

	if (!READ_ONCE(attr->probability))
		return false;

	edumm_lock(&attr->lock);
	if (!attr->times)
		goto out_unlock;
	if (attr->space > size) {
		attr->space -= size;
		goto out_unlock;
	}
	if (attr->interval > 1 && ++attr->count % attr->interval)
		goto out_unlock;
	if (attr->probability <= edumm_random_u32_below(100))
		goto out_unlock;
	if (attr->times > 0)
		attr->times--;
	attr->injected++;
	fail = true;
out_unlock:
	edumm_unlock(&attr->lock);

	if (fail && READ_ONCE(attr->verbose))
		edumm_report("fault injection: failing a request of size %lu\n", size);
	return fail;
}
