// SPDX-License-Identifier: GPL-2.0
/*
 * The slab layer in /sys/kernel/debug/edumm/:
 *
 *   slabinfo     0444  /proc/slabinfo's format ("slabinfo - version: 2.1"),
 *                      one line per edumm cache, kmalloc ones included
 *   kmalloc      0444  one row per kmalloc class: requested and allocated
 *                      bytes, waste, objects
 *   slab_stats   0444  the per-design event counters of every cache
 *   slab/<cache>/      the attributes of /sys/kernel/slab/<cache>/ that make
 *                      sense for edumm (see edumm_slab_attrs[]), so that
 *                      the kernel's tools/vm/slabinfo can read the tree;
 *                      a merged cache's other names are symlinks to its
 *                      directory, as in /sys/kernel/slab
 *
 * A cache's directory exists from its creation (or, for the kmalloc
 * caches, from module load) until just before the core destroys it.  The
 * files point at an entry of edumm_slab_dirs, which lives as long as the
 * directory: debugfs_remove() waits for the readers of its files, and the
 * glue calls edumm_debugfs_slab_put() before the last
 * edumm_kmem_cache_destroy() of a cache, so no file can reach a destroyed
 * cache.
 */

#include <linux/container_of.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "edumm_glue.h"
#include "edumm_slab.h"

/*
 * The attributes of slab/<cache>/, after /sys/kernel/slab/<cache>/ (SLUB,
 * mm/slub.c), plus design and errors.  Every value is one number, except
 * ctor, design and aliases' list in the core's slabinfo.
 */
enum edumm_slab_attr {
	EDUMM_SA_OBJECT_SIZE,	/* object_size: the size asked for */
	EDUMM_SA_SLAB_SIZE,	/* slab_size: bytes per slot, metadata included */
	EDUMM_SA_OBJS_PER_SLAB,	/* objs_per_slab (SLOB: 0) */
	EDUMM_SA_ORDER,		/* order: buddy order of a slab */
	EDUMM_SA_OBJECTS,	/* objects: allocated objects */
	EDUMM_SA_TOTAL_OBJECTS,	/* total_objects: slots in all slabs */
	EDUMM_SA_SLABS,		/* slabs */
	EDUMM_SA_PARTIAL,	/* partial: slabs on the node partial lists */
	EDUMM_SA_CPU_SLABS,	/* cpu_slabs: SLUB cpu + cpu-partial slabs */
	EDUMM_SA_ALIASES,	/* aliases: caches merged into this one */
	EDUMM_SA_ALIGN,		/* align */
	EDUMM_SA_CTOR,		/* ctor: the constructor's symbol, or empty */
	EDUMM_SA_POISON,	/* poison: 0/1 */
	EDUMM_SA_RED_ZONE,	/* red_zone: 0/1 */
	EDUMM_SA_STORE_USER,	/* store_user: 0/1 */
	EDUMM_SA_SANITY_CHECKS,	/* sanity_checks: 0/1 (CONSISTENCY_CHECKS) */
	EDUMM_SA_HWCACHE_ALIGN,	/* hwcache_align: 0/1 */
	EDUMM_SA_RECLAIM,	/* reclaim_account: 0/1 */
	EDUMM_SA_RCU,		/* destroy_by_rcu: 0/1 (TYPESAFE_BY_RCU) */
	EDUMM_SA_DMA,		/* cache_dma: 0/1 */
	EDUMM_SA_DESIGN,	/* design: slub, slab or slob */
	EDUMM_SA_ERRORS,	/* errors: corruptions found by the debug checks */
	EDUMM_SA_LIMIT,		/* limit: SLAB array_cache limit (else 0) */
	EDUMM_SA_BATCHCOUNT,	/* batchcount: SLAB (else 0) */
	EDUMM_SA_SHARED,	/* shared: SLAB shared factor (else 0) */
	EDUMM_NR_SA,
};

static const char * const edumm_slab_attr_names[EDUMM_NR_SA] = {
	[EDUMM_SA_OBJECT_SIZE]		= "object_size",
	[EDUMM_SA_SLAB_SIZE]		= "slab_size",
	[EDUMM_SA_OBJS_PER_SLAB]	= "objs_per_slab",
	[EDUMM_SA_ORDER]		= "order",
	[EDUMM_SA_OBJECTS]		= "objects",
	[EDUMM_SA_TOTAL_OBJECTS]	= "total_objects",
	[EDUMM_SA_SLABS]		= "slabs",
	[EDUMM_SA_PARTIAL]		= "partial",
	[EDUMM_SA_CPU_SLABS]		= "cpu_slabs",
	[EDUMM_SA_ALIASES]		= "aliases",
	[EDUMM_SA_ALIGN]		= "align",
	[EDUMM_SA_CTOR]			= "ctor",
	[EDUMM_SA_POISON]		= "poison",
	[EDUMM_SA_RED_ZONE]		= "red_zone",
	[EDUMM_SA_STORE_USER]		= "store_user",
	[EDUMM_SA_SANITY_CHECKS]	= "sanity_checks",
	[EDUMM_SA_HWCACHE_ALIGN]	= "hwcache_align",
	[EDUMM_SA_RECLAIM]		= "reclaim_account",
	[EDUMM_SA_RCU]			= "destroy_by_rcu",
	[EDUMM_SA_DMA]			= "cache_dma",
	[EDUMM_SA_DESIGN]		= "design",
	[EDUMM_SA_ERRORS]		= "errors",
	[EDUMM_SA_LIMIT]		= "limit",
	[EDUMM_SA_BATCHCOUNT]		= "batchcount",
	[EDUMM_SA_SHARED]		= "shared",
};

/* Files of a directory: the attributes, then one per event counter. */
#define EDUMM_NR_SLAB_FILES	(EDUMM_NR_SA + NR_EDUMM_SLAB_STATS)

struct edumm_slab_dir;

/**
 * struct edumm_slab_file - what one file of slab/<cache>/ shows
 * @dir: its directory's entry
 * @index: enum edumm_slab_attr, or EDUMM_NR_SA + an event counter
 */
struct edumm_slab_file {
	struct edumm_slab_dir *dir;
	unsigned int index;
};

/**
 * struct edumm_slab_dir - a directory (or an alias symlink) of slab/
 * @list: on edumm_slab_dirs
 * @s: the cache
 * @name: the directory's (or symlink's) name
 * @refs: cache ids and kmalloc classes naming @s (a directory); 1 (a symlink)
 * @alias: a symlink to the directory of @s
 * @dentry: the directory or symlink
 * @files: the files of a directory
 */
struct edumm_slab_dir {
	struct list_head list;
	struct edumm_kmem_cache *s;
	char name[EDUMM_SLAB_NAME_LEN];
	unsigned int refs;
	bool alias;
	struct dentry *dentry;
	struct edumm_slab_file files[EDUMM_NR_SLAB_FILES];
};

/* The directories of slab/; see the top of the file. */
static DEFINE_MUTEX(edumm_slab_dbg_lock);	/* guards edumm_slab_dirs, refs */
static LIST_HEAD(edumm_slab_dirs);
static struct dentry *edumm_slab_dbg_dir;	/* edumm/slab/ */

/*** top-level files ***/

#define EDUMM_SLAB_SHOW(name)						\
static int edumm_dbg_##name##_show(struct seq_file *m, void *unused)	\
{									\
	EDUMM_SEQ_OUT(so, m);					\
									\
	edumm_show_##name(&edumm_pool, &so.out);			\
	return 0;							\
}									\
DEFINE_SHOW_ATTRIBUTE(edumm_dbg_##name)

EDUMM_SLAB_SHOW(slabinfo);
EDUMM_SLAB_SHOW(kmalloc);
EDUMM_SLAB_SHOW(slab_stats);

/*** slab/<cache>/ ***/

static int edumm_slab_attr_show(struct seq_file *m, void *unused)
{
	const struct edumm_slab_file *f = m->private;
	struct edumm_kmem_cache *s = f->dir->s;
	struct edumm_cache_info *info;
	unsigned long v;

	info = kmalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	edumm_kmem_cache_info(s, info);

	if (f->index >= EDUMM_NR_SA) {
		seq_printf(m, "%lu\n", info->stat[f->index - EDUMM_NR_SA]);
		goto out;
	}
	switch (f->index) {
	case EDUMM_SA_OBJECT_SIZE:
		v = info->object_size;
		break;
	case EDUMM_SA_SLAB_SIZE:
		v = info->size;
		break;
	case EDUMM_SA_OBJS_PER_SLAB:
		v = info->objs_per_slab;
		break;
	case EDUMM_SA_ORDER:
		v = info->order;
		break;
	case EDUMM_SA_OBJECTS:
		v = info->active_objs;
		break;
	case EDUMM_SA_TOTAL_OBJECTS:
		v = info->num_objs;
		break;
	case EDUMM_SA_SLABS:
		v = info->num_slabs;
		break;
	case EDUMM_SA_PARTIAL:
		v = info->partial;
		break;
	case EDUMM_SA_CPU_SLABS:
		v = info->cpu_slabs;
		break;
	case EDUMM_SA_ALIASES:
		v = info->refcount ? info->refcount - 1 : 0;
		break;
	case EDUMM_SA_ALIGN:
		v = info->align;
		break;
	case EDUMM_SA_CTOR:
		/* as SLUB's ctor_show(): the symbol, never the address */
		if (s->ctor)
			seq_printf(m, "%pS\n", s->ctor);
		goto out;
	case EDUMM_SA_POISON:
		v = !!(info->flags & EDUMM_SLAB_POISON);
		break;
	case EDUMM_SA_RED_ZONE:
		v = !!(info->flags & EDUMM_SLAB_RED_ZONE);
		break;
	case EDUMM_SA_STORE_USER:
		v = !!(info->flags & EDUMM_SLAB_STORE_USER);
		break;
	case EDUMM_SA_SANITY_CHECKS:
		v = !!(info->flags & EDUMM_SLAB_CONSISTENCY_CHECKS);
		break;
	case EDUMM_SA_HWCACHE_ALIGN:
		v = !!(info->flags & EDUMM_SLAB_HWCACHE_ALIGN);
		break;
	case EDUMM_SA_RECLAIM:
		v = !!(info->flags & EDUMM_SLAB_RECLAIM_ACCOUNT);
		break;
	case EDUMM_SA_RCU:
		v = !!(info->flags & EDUMM_SLAB_TYPESAFE_BY_RCU);
		break;
	case EDUMM_SA_DMA:
		v = !!(info->flags & EDUMM_SLAB_CACHE_DMA);
		break;
	case EDUMM_SA_DESIGN:
		seq_printf(m, "%s\n", info->design > 0 &&
			   info->design < EDUMM_SLAB_NR_DESIGNS ?
			   edumm_slab_design_names[info->design] : "?");
		goto out;
	case EDUMM_SA_ERRORS:
		v = info->errors;
		break;
	case EDUMM_SA_LIMIT:
		v = info->limit;
		break;
	case EDUMM_SA_BATCHCOUNT:
		v = info->batchcount;
		break;
	default:
		v = info->sharedfactor;
		break;
	}
	seq_printf(m, "%lu\n", v);
out:
	kfree(info);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edumm_slab_attr);

/* alloc_traces / free_traces: i_private is the directory entry. */
static int edumm_slab_alloc_traces_show(struct seq_file *m, void *unused)
{
	EDUMM_SEQ_OUT(so, m);
	struct edumm_slab_dir *d = m->private;

	edumm_show_traces(d->s, false, &so.out);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edumm_slab_alloc_traces);

static int edumm_slab_free_traces_show(struct seq_file *m, void *unused)
{
	EDUMM_SEQ_OUT(so, m);
	struct edumm_slab_dir *d = m->private;

	edumm_show_traces(d->s, true, &so.out);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(edumm_slab_free_traces);

/*
 * validate (0200) and shrink (0200): writing "1" runs
 * edumm_kmem_cache_validate() (errors to the kernel log) or
 * edumm_kmem_cache_shrink(), as the files of /sys/kernel/slab/<cache>/.
 */
static ssize_t edumm_slab_action_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos, bool shrink)
{
	struct edumm_slab_dir *d = file_inode(file)->i_private;
	unsigned long n;
	char buf[4];

	if (!count || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (!sysfs_streq(buf, "1"))
		return -EINVAL;

	if (shrink) {
		edumm_kmem_cache_shrink(d->s);
	} else {
		n = edumm_kmem_cache_validate(d->s, NULL);
		if (n)
			pr_err("validate %s: %lu errors\n", d->s->name, n);
	}
	return count;
}

static ssize_t edumm_slab_validate_write(struct file *file,
					 const char __user *ubuf, size_t count,
					 loff_t *ppos)
{
	return edumm_slab_action_write(file, ubuf, count, ppos, false);
}

static ssize_t edumm_slab_shrink_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	return edumm_slab_action_write(file, ubuf, count, ppos, true);
}

static const struct file_operations edumm_slab_validate_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= edumm_slab_validate_write,
	.llseek	= noop_llseek,
};

static const struct file_operations edumm_slab_shrink_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= edumm_slab_shrink_write,
	.llseek	= noop_llseek,
};

/* Create the directory of @d (not an alias) with all its files. */
static void edumm_slab_dir_create(struct edumm_slab_dir *d)
{
	struct dentry *dir = debugfs_create_dir(d->name, edumm_slab_dbg_dir);
	unsigned int i;

	for (i = 0; i < EDUMM_NR_SLAB_FILES; i++) {
		d->files[i].dir = d;
		d->files[i].index = i;
		debugfs_create_file(i < EDUMM_NR_SA ? edumm_slab_attr_names[i] :
				    edumm_slab_stat_names[i - EDUMM_NR_SA],
				    0444, dir, &d->files[i],
				    &edumm_slab_attr_fops);
	}
	if (d->s->flags & EDUMM_SLAB_STORE_USER) {
		debugfs_create_file("alloc_traces", 0444, dir, d,
				    &edumm_slab_alloc_traces_fops);
		debugfs_create_file("free_traces", 0444, dir, d,
				    &edumm_slab_free_traces_fops);
	}
	debugfs_create_file("validate", 0200, dir, d, &edumm_slab_validate_fops);
	debugfs_create_file("shrink", 0200, dir, d, &edumm_slab_shrink_fops);
	d->dentry = dir;
}

static struct edumm_slab_dir *edumm_slab_dir_find(struct edumm_kmem_cache *s,
						  const char *name)
{
	struct edumm_slab_dir *d;

	list_for_each_entry(d, &edumm_slab_dirs, list)
		if (name ? !strcmp(d->name, name) : d->s == s && !d->alias)
			return d;
	return NULL;
}

/* A new entry for @s under @name, or NULL when out of memory. */
static struct edumm_slab_dir *edumm_slab_dir_new(struct edumm_kmem_cache *s,
						 const char *name, bool alias)
{
	struct edumm_slab_dir *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return NULL;
	d->s = s;
	strscpy(d->name, name, sizeof(d->name));
	d->alias = alias;
	d->refs = 1;
	list_add_tail(&d->list, &edumm_slab_dirs);
	return d;
}

/**
 * edumm_debugfs_slab_get() - show a cache (one more name of it) in slab/
 * @s: a cache just created (or found alive again after a failed destroy)
 * @name: the name it was created with: s->name, or an alias of it
 *
 * The first name of @s creates the directory slab/<s->name>/, every other
 * one only takes a reference; an alias adds the symlink slab/<name>.
 * Like every debugfs call its failure is not reported: edumm works
 * without the files.
 *
 * Context: Process context, may sleep.  Takes edumm_slab_dbg_lock.
 */
void edumm_debugfs_slab_get(struct edumm_kmem_cache *s, const char *name)
{
	struct edumm_slab_dir *d;

	mutex_lock(&edumm_slab_dbg_lock);
	if (!edumm_slab_dbg_dir)
		goto out;
	d = edumm_slab_dir_find(s, NULL);
	if (d) {
		d->refs++;
	} else {
		d = edumm_slab_dir_new(s, s->name, false);
		if (d)
			edumm_slab_dir_create(d);
	}
	if (strcmp(name, s->name)) {
		d = edumm_slab_dir_new(s, name, true);
		if (d)
			d->dentry = debugfs_create_symlink(name, edumm_slab_dbg_dir,
							   s->name);
	}
out:
	mutex_unlock(&edumm_slab_dbg_lock);
}

static void edumm_slab_dir_free(struct edumm_slab_dir *d)
{
	list_del(&d->list);
	debugfs_remove(d->dentry);
	kfree(d);
}

/**
 * edumm_debugfs_slab_put() - drop one name of a cache from slab/
 * @s: the cache, about to be destroyed (or this alias of it dropped)
 * @name: the name given to edumm_debugfs_slab_get()
 *
 * Removes the alias symlink, and the directory with its last name: then
 * waits for every reader of its files, so @s may be destroyed next.
 *
 * Context: Process context, may sleep.  Takes edumm_slab_dbg_lock.
 */
void edumm_debugfs_slab_put(struct edumm_kmem_cache *s, const char *name)
{
	struct edumm_slab_dir *d;

	mutex_lock(&edumm_slab_dbg_lock);
	if (strcmp(name, s->name)) {
		d = edumm_slab_dir_find(s, name);
		if (d && d->alias && d->s == s)
			edumm_slab_dir_free(d);
	}
	d = edumm_slab_dir_find(s, NULL);
	if (d && !--d->refs)
		edumm_slab_dir_free(d);
	mutex_unlock(&edumm_slab_dbg_lock);
}

static int edumm_slab_dbg_add(struct edumm_kmem_cache *s, void *data)
{
	edumm_debugfs_slab_get(s, s->name);
	return 0;
}

/**
 * edumm_debugfs_slab_init() - the slab files under edumm/
 * @parent: /sys/kernel/debug/edumm/
 *
 * Creates slabinfo, kmalloc, slab_stats and slab/, with a directory for
 * every cache alive (the kmalloc caches, at load).
 *
 * Context: Process context, may sleep; module init, after edumm_slab_init().
 */
void edumm_debugfs_slab_init(struct dentry *parent)
{
	debugfs_create_file("slabinfo", 0444, parent, NULL,
			    &edumm_dbg_slabinfo_fops);
	debugfs_create_file("kmalloc", 0444, parent, NULL,
			    &edumm_dbg_kmalloc_fops);
	debugfs_create_file("slab_stats", 0444, parent, NULL,
			    &edumm_dbg_slab_stats_fops);
	mutex_lock(&edumm_slab_dbg_lock);
	edumm_slab_dbg_dir = debugfs_create_dir("slab", parent);
	mutex_unlock(&edumm_slab_dbg_lock);
	edumm_slab_for_each_cache(&edumm_pool, edumm_slab_dbg_add, NULL);
}

/**
 * edumm_debugfs_slab_exit() - forget the entries of slab/
 *
 * The files are gone already (debugfs_remove() of edumm/ by the caller,
 * which waited for their readers); only the entries are freed.
 *
 * Context: Process context, may sleep; module exit.
 */
void edumm_debugfs_slab_exit(void)
{
	struct edumm_slab_dir *d, *next;

	mutex_lock(&edumm_slab_dbg_lock);
	list_for_each_entry_safe(d, next, &edumm_slab_dirs, list) {
		list_del(&d->list);
		kfree(d);
	}
	edumm_slab_dbg_dir = NULL;
	mutex_unlock(&edumm_slab_dbg_lock);
}
