// SPDX-License-Identifier: GPL-2.0
/*
 * edumm - an educational memory manager that runs beside the real one.
 *
 * Module entry points: the parameters, and the order in which the pieces
 * come up and go down.
 *
 *   init: check parameters -> reserve the pool -> slab layer (kmalloc
 *         caches) -> debugfs -> /dev/edumm -> the slab reaper
 *   exit: the exact reverse; by the time edumm_exit() runs no file of
 *         /dev/edumm is open (each open file holds a module reference), so
 *         no client, block or user mapping exists any more.
 */

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/limits.h>
#include <linux/stringify.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <linux/edumm.h>

#include "edumm_glue.h"
#include "edumm_slab.h"

/* The pool: initialised by edumm_reserve_pool(), torn down at exit. */
struct edumm_pool edumm_pool;

static unsigned int pool_mb = 64;
module_param(pool_mb, uint, 0444);
MODULE_PARM_DESC(pool_mb,
		 "Pool size in MiB: even, from 4 up to half of RAM (default 64)");

static char *fail_reserve;
module_param(fail_reserve, charp, 0444);
MODULE_PARM_DESC(fail_reserve,
		 "Fault injection for the pool reservation at load: \"<interval>,<probability>,<space>,<times>\" (default off)");

static char *slab_design = "slub";
module_param(slab_design, charp, 0444);
MODULE_PARM_DESC(slab_design,
		 "Design of the kmalloc caches and of caches created with EDUMM_DESIGN_DEFAULT: slub, slab or slob (default slub)");

/* slab_design as an enum edumm_slab_design, set by edumm_check_params() */
int edumm_slab_default_design = EDUMM_SLAB_DESIGN_SLUB;

bool edumm_allow_corruption;
module_param_named(allow_corruption, edumm_allow_corruption, bool, 0444);
MODULE_PARM_DESC(allow_corruption,
		 "Allow EDUMM_IOC_CORRUPT to corrupt slab objects on purpose, to show the debug checks (default 0: -EPERM)");

/*
 * The slab layer's periodic work, every EDUMM_SLAB_REAP_MS: SLAB's
 * cache_reap() (the kernel runs it every 2 s per CPU) and the release of
 * SLAB_TYPESAFE_BY_RCU slabs whose grace period has ended.
 */
#define EDUMM_SLAB_REAP_MS	2000

static void edumm_slab_reap_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(edumm_slab_reap_work, edumm_slab_reap_fn);

static void edumm_slab_reap_fn(struct work_struct *work)
{
	edumm_slab_rcu_reclaim(&edumm_pool);
	edumm_slab_reap(&edumm_pool);
	schedule_delayed_work(&edumm_slab_reap_work,
			      msecs_to_jiffies(EDUMM_SLAB_REAP_MS));
}

/* MiB in a chunk of the smallest and of the largest order. */
#define EDUMM_MIN_CHUNK_MB	((PAGE_SIZE << EDUMM_MIN_CHUNK_ORDER) >> 20)
#define EDUMM_MAX_CHUNK_MB	((PAGE_SIZE << EDUMM_MAX_CHUNK_ORDER) >> 20)

/* edumm_pool_init() takes up to U16_MAX chunks (struct edumm_page.chunk). */
#define EDUMM_MAX_CHUNKS	((unsigned long)U16_MAX)

static int __init edumm_check_params(void)
{
	unsigned long ram_mb = totalram_pages() >> (20 - PAGE_SHIFT);
	unsigned long max_mb = min(ram_mb / 2,
				   EDUMM_MAX_CHUNKS * EDUMM_MIN_CHUNK_MB);

	if (pool_mb < EDUMM_MAX_CHUNK_MB || pool_mb > max_mb) {
		pr_err("pool_mb=%u is out of range: must be %lu..%lu (this machine has %lu MiB of RAM)\n",
		       pool_mb, EDUMM_MAX_CHUNK_MB, max_mb, ram_mb);
		return -EINVAL;
	}
	if (pool_mb % EDUMM_MIN_CHUNK_MB) {
		pr_err("pool_mb=%u is not a multiple of %lu MiB (an order-%u chunk)\n",
		       pool_mb, EDUMM_MIN_CHUNK_MB, EDUMM_MIN_CHUNK_ORDER);
		return -EINVAL;
	}
	if (sysfs_streq(slab_design, "slub")) {
		edumm_slab_default_design = EDUMM_SLAB_DESIGN_SLUB;
	} else if (sysfs_streq(slab_design, "slab")) {
		edumm_slab_default_design = EDUMM_SLAB_DESIGN_SLAB;
	} else if (sysfs_streq(slab_design, "slob")) {
		edumm_slab_default_design = EDUMM_SLAB_DESIGN_SLOB;
	} else {
		pr_err("slab_design=%s: expected slub, slab or slob\n",
		       slab_design);
		return -EINVAL;
	}
	return 0;
}

static int __init edumm_init(void)
{
	struct edumm_fault_attr fail;
	int ret;

	ret = edumm_check_params();
	if (ret)
		return ret;

	edumm_fault_attr_init(&fail);
	if (fail_reserve && edumm_fault_attr_parse(&fail, fail_reserve)) {
		pr_err("fail_reserve=%s: expected <interval>,<probability>,<space>,<times>\n",
		       fail_reserve);
		return -EINVAL;
	}

	ret = edumm_reserve_pool(pool_mb, &fail);
	if (ret)
		return ret;

	ret = edumm_slab_init(&edumm_pool, edumm_slab_default_design);
	if (ret) {
		pr_err("cannot start the slab layer: %d\n", ret);
		goto err_release_pool;
	}

	edumm_vmalloc_init();
	edumm_debugfs_init();

	ret = edumm_chardev_init();
	if (ret)
		goto err_remove_debugfs;

	schedule_delayed_work(&edumm_slab_reap_work,
			      msecs_to_jiffies(EDUMM_SLAB_REAP_MS));

	pr_info("version %d.%d.%d ready: %u MiB pool, /dev/edumm\n",
		EDUMM_VERSION_MAJOR, EDUMM_VERSION_MINOR, EDUMM_VERSION_PATCH,
		pool_mb);
	return 0;

err_remove_debugfs:
	edumm_debugfs_exit();
	edumm_slab_exit(&edumm_pool);
err_release_pool:
	edumm_release_pool();
	return ret;
}

static void __exit edumm_exit(void)
{
	cancel_delayed_work_sync(&edumm_slab_reap_work);
	edumm_chardev_exit();
	edumm_debugfs_exit();
	edumm_client_exit();
	edumm_vmalloc_exit();
	edumm_slab_exit(&edumm_pool);
	edumm_release_pool();
	pr_info("unloaded\n");
}

module_init(edumm_init);
module_exit(edumm_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("edumm developers");
MODULE_DESCRIPTION("Educational memory manager: a buddy allocator beside the real one");
MODULE_VERSION(__stringify(EDUMM_VERSION_MAJOR) "."
	       __stringify(EDUMM_VERSION_MINOR) "."
	       __stringify(EDUMM_VERSION_PATCH));
