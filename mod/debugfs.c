// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/edumm/: the pool seen through /proc-style files.
 *
 *   buddyinfo     0444  the format of /proc/buddyinfo
 *   pagetypeinfo  0444  the format of /proc/pagetypeinfo
 *   zoneinfo      0444  the edumm lines of /proc/zoneinfo
 *   pool          0444  "key: value" counters
 *   check         0444  runs the invariant checker: "ok", or one line per
 *                       violation
 *   control       0200  write "drain" (empty every slab cache's per-CPU
 *                       caches and empty slabs, then every per-CPU list,
 *                       into the buddy), "check" (run the checker, the
 *                       number of violations to the kernel log) or "pcp
 *                       BATCH HIGH" (per-CPU list sizes; "pcp 0 0": the
 *                       zones' own); anything else is -EINVAL
 *   fail/         fault injection for edumm's allocation points, the knobs
 *                 of the kernel's fault_attr (see fault.c):
 *     probability 0644  percent, 0..100 (0: off)
 *     interval    0644  >= 1
 *     times       0644  >= -1 (-1: no limit)
 *     space       0644  >= 0
 *     verbose     0644  0 or 1
 *     injected    0444  failures injected so far
 *                 A value out of range is -EINVAL.
 *   slabinfo, kmalloc, slab_stats, slab/   the slab layer (debugfs_slab.c)
 *
 * The text itself comes from the core (show.c, check.c) through a struct
 * edumm_out; this file only binds it to a seq_file.
 * As everywhere in the kernel, debugfs return values are not checked: edumm
 * works without its debugfs files.
 */

#include <linux/container_of.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "edumm_glue.h"
#include "edumm_slab.h"

/* Created by edumm_debugfs_init(), removed by edumm_debugfs_exit(). */
static struct dentry *edumm_debugfs_dir;

/**
 * edumm_seq_vprintf() - the vprintf of struct edumm_seq_out
 * @out: the &edumm_seq_out.out of an EDUMM_SEQ_OUT()
 * @fmt: printf format
 * @args: its arguments
 *
 * Through %pV rather than seq_vprintf(): handing @fmt straight on would make
 * W=1 (-Wmissing-format-attribute) ask for __printf(2, 0) on this function
 * and then on struct edumm_out.vprintf itself.
 *
 * Context: a debugfs read (seq_file show), process context.
 */
void edumm_seq_vprintf(struct edumm_out *out, const char *fmt, va_list args)
{
	struct seq_file *m = container_of(out, struct edumm_seq_out, out)->m;
	struct va_format vaf;
	va_list copy;

	va_copy(copy, args);
	vaf.fmt = fmt;
	vaf.va = &copy;
	seq_printf(m, "%pV", &vaf);
	va_end(copy);
}

/* A read-only file whose text is what edumm_show_<name>() writes. */
#define EDUMM_DEBUGFS_SHOW(name)					\
static int edumm_dbg_##name##_show(struct seq_file *m, void *unused)	\
{									\
	EDUMM_SEQ_OUT(so, m);						\
									\
	edumm_show_##name(&edumm_pool, &so.out);			\
	return 0;							\
}									\
DEFINE_SHOW_ATTRIBUTE(edumm_dbg_##name)

EDUMM_DEBUGFS_SHOW(buddyinfo);
EDUMM_DEBUGFS_SHOW(pagetypeinfo);
EDUMM_DEBUGFS_SHOW(zoneinfo);
EDUMM_DEBUGFS_SHOW(pool);

/*
 * If the report outgrows the seq_file buffer, seq_read() calls this again
 * with a larger one: the checker simply runs again.
 */
static int edumm_dbg_check_show(struct seq_file *m, void *unused)
{
	EDUMM_SEQ_OUT(so, m);

	if (!edumm_pool_check(&edumm_pool, &so.out))
		seq_puts(m, "ok\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edumm_dbg_check);

/* Longest command plus a newline, with room to spare. */
#define EDUMM_CONTROL_MAX	32

/*
 * The arguments of "pcp BATCH HIGH": two decimals, one space apart, each
 * fitting an unsigned int, nothing after them but the newline echo
 * writes.  Not sscanf(), which took "pcp 3 5x", "pcp 3 5 7" and numbers
 * that overflow into others.  Return: 0, or -EINVAL.
 */
static int edumm_parse_pcp(char *args, unsigned int *batch, unsigned int *high)
{
	char *second = strchr(args, ' ');

	if (!second)
		return -EINVAL;
	*second++ = '\0';
	/* kstrtouint(): no blanks, no sign but '+', no junk, no overflow; one '\n' */
	if (strchr(args, '\n') || kstrtouint(args, 10, batch) ||
	    kstrtouint(second, 10, high))
		return -EINVAL;
	return 0;
}

static ssize_t edumm_dbg_control_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	char cmd[EDUMM_CONTROL_MAX];
	unsigned int batch, high;
	unsigned long bad;

	if (!count || count >= sizeof(cmd))
		return -EINVAL;
	if (copy_from_user(cmd, ubuf, count))
		return -EFAULT;
	cmd[count] = '\0';
	/* a NUL inside would hide what follows it from every check below */
	if (strlen(cmd) != count)
		return -EINVAL;

	/* sysfs_streq() accepts one trailing newline, as echo writes it. */
	if (sysfs_streq(cmd, "drain")) {
		/* slab pages freed here land on the per-CPU lists first */
		edumm_slab_drain_all(&edumm_pool);
		edumm_drain_all_pages(&edumm_pool);
	} else if (sysfs_streq(cmd, "check")) {
		/*
		 * Only the count goes to the log: printing while the checker
		 * holds every pool lock would stall the allocating CPUs for
		 * as long as the console takes.  "check" lists them.
		 */
		bad = edumm_pool_check(&edumm_pool, NULL);
		if (bad)
			pr_warn("check: %lu violations, read debugfs edumm/check for the list\n",
				bad);
		else
			pr_info("check: ok\n");
	} else if (!strncmp(cmd, "pcp ", 4)) {
		/* per-CPU list sizes, "pcp 0 0" restores the zones' own */
		if (edumm_parse_pcp(cmd + 4, &batch, &high) ||
		    edumm_pcp_set_sizes(&edumm_pool, batch, high))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	return count;
}

static const struct file_operations edumm_dbg_control_fops = {
	.owner	= THIS_MODULE,
	.write	= edumm_dbg_control_write,
	.llseek	= noop_llseek,
};

/*** fail/: fault injection knobs ***/

enum edumm_fail_knob {
	EDUMM_KNOB_PROBABILITY,
	EDUMM_KNOB_INTERVAL,
	EDUMM_KNOB_TIMES,
	EDUMM_KNOB_SPACE,
	EDUMM_KNOB_VERBOSE,
	EDUMM_KNOB_INJECTED,
	EDUMM_NR_KNOBS,
};

/* The files of fail/; a file's private data points at its entry. */
static const struct edumm_fail_file {
	const char *name;
	umode_t mode;
	s64 min, max;
} edumm_fail_files[EDUMM_NR_KNOBS] = {
	[EDUMM_KNOB_PROBABILITY]	= { "probability", 0644, 0, 100 },
	[EDUMM_KNOB_INTERVAL]		= { "interval", 0644, 1, LONG_MAX },
	[EDUMM_KNOB_TIMES]		= { "times", 0644, -1, LONG_MAX },
	[EDUMM_KNOB_SPACE]		= { "space", 0644, 0, LONG_MAX },
	[EDUMM_KNOB_VERBOSE]		= { "verbose", 0644, 0, 1 },
	[EDUMM_KNOB_INJECTED]		= { "injected", 0444, 0, 0 },
};

static int edumm_fail_get(void *data, u64 *val)
{
	const struct edumm_fail_file *f = data;
	struct edumm_fault_attr *attr = &edumm_pool.fail;
	s64 v;

	switch (f - edumm_fail_files) {
	case EDUMM_KNOB_PROBABILITY:
		v = READ_ONCE(attr->probability);
		break;
	case EDUMM_KNOB_INTERVAL:
		v = READ_ONCE(attr->interval);
		break;
	case EDUMM_KNOB_TIMES:
		v = READ_ONCE(attr->times);
		break;
	case EDUMM_KNOB_SPACE:
		v = READ_ONCE(attr->space);
		break;
	case EDUMM_KNOB_VERBOSE:
		v = READ_ONCE(attr->verbose);
		break;
	default:
		v = READ_ONCE(attr->injected);
		break;
	}
	*val = v;
	return 0;
}

static int edumm_fail_set(void *data, u64 val)
{
	const struct edumm_fail_file *f = data;
	struct edumm_fault_attr *attr = &edumm_pool.fail;
	s64 v = val;

	if (!(f->mode & 0200) || v < f->min || v > f->max)
		return -EINVAL;

	/* under the lock: edumm_should_fail() sees all of a change or none */
	edumm_lock(&attr->lock);
	switch (f - edumm_fail_files) {
	case EDUMM_KNOB_PROBABILITY:
		WRITE_ONCE(attr->probability, v);
		break;
	case EDUMM_KNOB_INTERVAL:
		attr->interval = v;
		break;
	case EDUMM_KNOB_TIMES:
		attr->times = v;
		break;
	case EDUMM_KNOB_SPACE:
		attr->space = v;
		break;
	default:
		WRITE_ONCE(attr->verbose, v);
		break;
	}
	edumm_unlock(&attr->lock);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE_SIGNED(edumm_fail_fops, edumm_fail_get, edumm_fail_set, "%lld\n");

static void edumm_debugfs_init_fail(struct dentry *parent)
{
	struct dentry *dir = debugfs_create_dir("fail", parent);
	unsigned int i;

	for (i = 0; i < EDUMM_NR_KNOBS; i++)
		debugfs_create_file_unsafe(edumm_fail_files[i].name, edumm_fail_files[i].mode,
					   dir, (void *)&edumm_fail_files[i], &edumm_fail_fops);
}

/**
 * edumm_debugfs_init() - create /sys/kernel/debug/edumm/
 *
 * Context: Process context, may sleep; module init, after the pool is up.
 */
void edumm_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir(KBUILD_MODNAME, NULL);

	debugfs_create_file("buddyinfo", 0444, dir, NULL,
			    &edumm_dbg_buddyinfo_fops);
	debugfs_create_file("pagetypeinfo", 0444, dir, NULL,
			    &edumm_dbg_pagetypeinfo_fops);
	debugfs_create_file("zoneinfo", 0444, dir, NULL,
			    &edumm_dbg_zoneinfo_fops);
	debugfs_create_file("pool", 0444, dir, NULL, &edumm_dbg_pool_fops);
	debugfs_create_file("check", 0444, dir, NULL, &edumm_dbg_check_fops);
	debugfs_create_file("control", 0200, dir, NULL, &edumm_dbg_control_fops);
	edumm_debugfs_init_fail(dir);
	edumm_debugfs_slab_init(dir);
	edumm_vmalloc_debugfs_init(dir);
	edumm_debugfs_dir = dir;
}

/**
 * edumm_debugfs_exit() - remove /sys/kernel/debug/edumm/
 *
 * Waits for readers and writers still inside the files, so the pool may be
 * torn down as soon as this returns.
 *
 * Context: Process context, may sleep; module exit, before the pool goes.
 */
void edumm_debugfs_exit(void)
{
	debugfs_remove(edumm_debugfs_dir);
	edumm_debugfs_dir = NULL;
	edumm_debugfs_slab_exit();
}
