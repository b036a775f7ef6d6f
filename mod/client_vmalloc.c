// SPDX-License-Identifier: GPL-2.0
/*
 * A client's vmalloc areas: EDUMM_IOC_VMALLOC .. EDUMM_IOC_PGWALK
 * (0x30..0x3f of uapi/linux/edumm.h) and mmap() of an area.
 *
 * Each open file has, beside its page blocks (client.c), a struct
 * edumm_vclient: an xarray of area handles (1, 2, ... never reused while
 * the file is open) to struct edumm_varea, which wraps the core's struct
 * edumm_vmap_area (vmap.c, vmalloc_glue.c).
 *
 * Lifetime.  A varea is reference counted (kref): one reference for being
 * in the xarray (or on the orphan list), one per ioctl using it
 * (VREAD/VWRITE/VDESCRIBE/PGWALK copy to and from user space, which may
 * fault, without any lock held).  The last put unmaps the area and gives
 * its pages back to the pool.
 *
 * Mappings.  As for blocks (see the top of client.c): varea->map_count
 * counts the VMAs of the area in any process; its only 0 -> 1 transition
 * (edumm_vclient_mmap()) and VFREE's "not mapped, not referenced" check
 * run under vc->lock, so they cannot interleave; ->open copies an existing
 * VMA and ->close runs after the PTEs are zapped.  VFREE refuses (-EBUSY)
 * while a VMA exists or a page has a reference besides edumm's (vmsplice(),
 * O_DIRECT).  At close, an area whose pages are still referenced becomes
 * an orphan, freed when the references are gone (checked at each close)
 * or at unload.
 *
 * mmap offsets.  An area's offset is (EDUMM_VMAP_PGOFF_BASE + handle)
 * pages; block offsets stay below EDUMM_VMAP_PGOFF_BASE (client.c), and
 * chardev.c sends each mmap() to the right one by its offset.
 *
 * Lock order (edumm_glue.h): mmap_lock -> vc->lock -> edumm_vorphan_lock
 * -> edumm_vmap_tree.lock.  No lock is held across copy_*_user().
 */

#include <linux/compat.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/xarray.h>
#include <linux/edumm.h>

#include "edumm_glue.h"
#include "edumm_vmap.h"

/* Bytes copied per step of VREAD / VWRITE (then a resched point). */
#define EDUMM_VRW_CHUNK		(64UL << 10)
/* pfns converted per copy_to_user() of VDESCRIBE (an on-stack array). */
#define EDUMM_VDESC_BATCH	64
/* Pages handed to vm_insert_pages() at a time (an on-stack array). */
#define EDUMM_VMMAP_BATCH	32

static_assert(sizeof(struct edumm_vmalloc) == 40);
static_assert(sizeof(struct edumm_vrw) == 32);
static_assert(sizeof(struct edumm_vdescribe) == 56);
static_assert(sizeof(struct edumm_pgwalk_entry) == 32);
static_assert(sizeof(struct edumm_pgwalk) == 248);

/**
 * struct edumm_varea - an area owned by a client
 * @va: the core's area (mapped, in edumm_vmap_tree)
 * @ref: see the top of the file
 * @map_count: VMAs that map it, in any process
 * @orphan: link in edumm_vorphans once its client is gone
 */
struct edumm_varea {
	struct edumm_vmap_area *va;
	struct kref ref;
	atomic_t map_count;
	struct list_head orphan;
};

/**
 * struct edumm_vclient - the vmalloc areas of one open /dev/edumm
 * @lock: guards @areas membership, @next_handle, and map_count's 0 -> 1
 *	transition against VFREE's check
 * @areas: handle -> struct edumm_varea
 * @next_handle: the next area's handle; starts at 1, only grows
 */
struct edumm_vclient {
	struct mutex lock;	/* guards areas, next_handle: see above */
	struct xarray areas;
	u64 next_handle;
};

/* Areas of closed clients whose pages are still referenced. */
static DEFINE_MUTEX(edumm_vorphan_lock);	/* guards edumm_vorphans */
static LIST_HEAD(edumm_vorphans);

static void edumm_varea_release(struct kref *ref)
{
	struct edumm_varea *varea = container_of(ref, struct edumm_varea, ref);

	__edumm_vfree_area(varea->va);
	kfree(varea);
}

static void edumm_varea_put(struct edumm_varea *varea)
{
	kref_put(&varea->ref, edumm_varea_release);
}

/* Return orphans nobody references any more (all of them with @force). */
static void edumm_vreap_orphans(bool force)
{
	struct edumm_varea *varea, *next;

	mutex_lock(&edumm_vorphan_lock);
	list_for_each_entry_safe(varea, next, &edumm_vorphans, orphan) {
		if (!force && edumm_vmap_area_referenced(varea->va))
			continue;
		list_del(&varea->orphan);
		edumm_varea_put(varea);
	}
	mutex_unlock(&edumm_vorphan_lock);
}

/**
 * edumm_vmalloc_exit() - free every orphaned area at unload
 *
 * Like edumm_client_exit() for blocks, the pages go back to the pool,
 * which gives each to the kernel with __free_page(), dropping only
 * edumm's reference.
 *
 * Context: Process context, may sleep; module exit, after the last client.
 */
void edumm_vmalloc_exit(void)
{
	edumm_vreap_orphans(true);
	WARN_ON_ONCE(edumm_vmap_tree.nr_areas);
}

/**
 * edumm_vclient_create() - the vmalloc state of a newly opened file
 *
 * Context: Process context, may sleep.
 * Return: the state, or NULL if out of memory (or injected failure).
 */
struct edumm_vclient *edumm_vclient_create(void)
{
	struct edumm_vclient *vc;

	if (edumm_should_fail(&edumm_pool.fail, sizeof(*vc)))
		return NULL;
	vc = kzalloc(sizeof(*vc), GFP_KERNEL_ACCOUNT);
	if (!vc)
		return NULL;
	mutex_init(&vc->lock);
	xa_init_flags(&vc->areas, XA_FLAGS_ALLOC1);
	vc->next_handle = 1;
	return vc;
}

/**
 * edumm_vclient_destroy() - free every area of a closed file
 * @vc: from edumm_vclient_create()
 *
 * No ioctl or mmap() can be running and no VMA of an area can exist (each
 * holds a reference to the file).  Areas whose pages are still referenced
 * become orphans.
 *
 * Context: Process context, may sleep; from the file's ->release.
 */
void edumm_vclient_destroy(struct edumm_vclient *vc)
{
	struct edumm_varea *varea;
	unsigned long index;

	mutex_lock(&vc->lock);
	xa_for_each(&vc->areas, index, varea) {
		xa_erase(&vc->areas, index);
		if (WARN_ON_ONCE(atomic_read(&varea->map_count)))
			continue;	/* cannot happen; leak rather than reuse */
		if (edumm_vmap_area_referenced(varea->va)) {
			pr_notice_ratelimited("a %lu-page vmalloc area is still referenced at close, it returns to the pool when released\n",
					      varea->va->nr_pages);
			mutex_lock(&edumm_vorphan_lock);
			list_add_tail(&varea->orphan, &edumm_vorphans);
			mutex_unlock(&edumm_vorphan_lock);
			continue;
		}
		edumm_varea_put(varea);
		cond_resched();
	}
	mutex_unlock(&vc->lock);
	xa_destroy(&vc->areas);
	mutex_destroy(&vc->lock);
	kfree(vc);

	edumm_vreap_orphans(false);
}

/* The area named @handle, with a reference the caller must put; or NULL. */
static struct edumm_varea *edumm_varea_get(struct edumm_vclient *vc, u64 handle)
{
	struct edumm_varea *varea = NULL;

	if (!handle || handle > EDUMM_VMAP_HANDLE_MAX)
		return NULL;
	mutex_lock(&vc->lock);
	varea = xa_load(&vc->areas, handle);
	if (varea)
		kref_get(&varea->ref);
	mutex_unlock(&vc->lock);
	return varea;
}

static int edumm_vclient_free(struct edumm_vclient *vc, u64 handle)
{
	struct edumm_varea *varea = NULL;
	int ret = 0;

	if (!handle || handle > EDUMM_VMAP_HANDLE_MAX)
		return -ENOENT;
	mutex_lock(&vc->lock);
	varea = xa_load(&vc->areas, handle);
	if (!varea)
		ret = -ENOENT;
	else if (atomic_read(&varea->map_count) || edumm_vmap_area_referenced(varea->va))
		ret = -EBUSY;
	else
		xa_erase(&vc->areas, handle);
	mutex_unlock(&vc->lock);
	if (!ret)
		edumm_varea_put(varea);
	return ret;
}

/*
 * The kernel address @addr as "%pK" prints it for the caller: the real
 * value only where kptr_restrict allows it (then *@real), else a hash or 0.
 * Going through vsprintf() keeps exactly the kernel's rules, which are
 * not exported otherwise.
 */
static u64 edumm_kptr_for_user(unsigned long addr, bool *real)
{
	char buf[24];
	u64 v;

	snprintf(buf, sizeof(buf), "%pK", (void *)addr);
	if (kstrtou64(buf, 16, &v))
		v = 0;		/* "(____ptrval____)" early in boot */
	*real = v == addr;
	return v;
}

static long edumm_ioc_vmalloc(struct edumm_vclient *vc, void __user *argp)
{
	struct edumm_vmap_area *va;
	struct edumm_varea *varea;
	struct edumm_vmalloc req;
	u64 handle;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags & ~EDUMM_ALLOC_FLAGS_MASK || req.reserved || !req.size)
		return -EINVAL;
	if (req.size > (u64)edumm_pool.nr_pages << PAGE_SHIFT)
		return -E2BIG;

	/* a handle first: the area records it; a failure wastes it */
	mutex_lock(&vc->lock);
	handle = vc->next_handle;
	if (handle <= EDUMM_VMAP_HANDLE_MAX)
		vc->next_handle++;
	mutex_unlock(&vc->lock);
	if (handle > EDUMM_VMAP_HANDLE_MAX)
		return -ENOMEM;

	if (edumm_should_fail(&edumm_pool.fail, sizeof(*varea)))
		return -ENOMEM;
	varea = kzalloc(sizeof(*varea), GFP_KERNEL_ACCOUNT);
	if (!varea)
		return -ENOMEM;
	/* the caller vmallocinfo shows: here, not the syscall that got here */
	va = __edumm_vmalloc_area(req.size, req.flags, true, (void *)_THIS_IP_, handle, &ret);
	if (!va) {
		kfree(varea);
		return ret;
	}
	varea->va = va;
	kref_init(&varea->ref);
	atomic_set(&varea->map_count, 0);
	INIT_LIST_HEAD(&varea->orphan);

	mutex_lock(&vc->lock);
	ret = -ENOMEM;
	if (!edumm_should_fail(&edumm_pool.fail, sizeof(void *)))
		ret = xa_insert(&vc->areas, handle, varea, GFP_KERNEL_ACCOUNT);
	mutex_unlock(&vc->lock);
	if (ret) {
		edumm_varea_put(varea);
		return -ENOMEM;
	}

	req.handle = handle;
	req.mmap_offset = (u64)(EDUMM_VMAP_PGOFF_BASE + handle) << PAGE_SHIFT;
	req.nr_pages = va->nr_pages;
	if (copy_to_user(argp, &req, sizeof(req))) {
		/* As EDUMM_IOC_PAGE_ALLOC: the caller cannot know it, take it back. */
		edumm_vclient_free(vc, handle);
		return -EFAULT;
	}
	return 0;
}

static long edumm_ioc_vfree(struct edumm_vclient *vc, void __user *argp)
{
	struct edumm_handle req;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	return edumm_vclient_free(vc, req.handle);
}

static long edumm_ioc_vrw(struct edumm_vclient *vc, void __user *argp, bool write)
{
	struct edumm_varea *varea;
	struct edumm_vrw req;
	u64 done, n, mapped;
	unsigned long left;
	char __user *ubuf;
	char *kbuf;
	long ret = 0;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	varea = edumm_varea_get(vc, req.handle);
	if (!varea)
		return -ENOENT;
	mapped = (u64)varea->va->nr_pages << PAGE_SHIFT;
	if (req.offset > mapped || req.length > mapped - req.offset) {
		ret = -EINVAL;
		goto out;
	}
	kbuf = (char *)varea->va->va_start + req.offset;
	ubuf = u64_to_user_ptr(req.buf);
	for (done = 0; done < req.length; done += n) {
		n = min_t(u64, req.length - done, EDUMM_VRW_CHUNK);
		/*
		 * Not copy_from_user(): on a fault it zeroes the rest of the
		 * destination, which here is the area.  A failed VWRITE
		 * writes exactly the bytes before the fault.
		 */
		if (write)
			left = !access_ok(ubuf + done, n) ? n :
			       __copy_from_user(kbuf + done, ubuf + done, n);
		else
			left = copy_to_user(ubuf + done, kbuf + done, n);
		if (left) {
			ret = -EFAULT;
			break;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
out:
	edumm_varea_put(varea);
	return ret;
}

static long edumm_ioc_vdescribe(struct edumm_vclient *vc, void __user *argp)
{
	u64 batch[EDUMM_VDESC_BATCH];
	struct edumm_vdescribe req;
	struct edumm_varea *varea;
	struct edumm_vmap_area *va;
	u64 __user *upfns;
	u64 n, i, j, k;
	long ret = 0;
	bool real;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.reserved)
		return -EINVAL;
	varea = edumm_varea_get(vc, req.handle);
	if (!varea)
		return -ENOENT;
	va = varea->va;
	n = min_t(u64, req.pfn_count, va->nr_pages);
	upfns = u64_to_user_ptr(req.pfns);
	for (i = 0; i < n; i += k) {
		k = min_t(u64, n - i, EDUMM_VDESC_BATCH);
		for (j = 0; j < k; j++)
			batch[j] = va->pfns[i + j];
		if (copy_to_user(upfns + i, batch, k * sizeof(batch[0]))) {
			ret = -EFAULT;
			goto out;
		}
	}
	req.pfn_count = n;
	req.nr_pages = va->nr_pages;
	req.size = edumm_vmap_area_size(va);
	req.addr = edumm_kptr_for_user(va->va_start, &real);
	req.flags = real ? EDUMM_VDESC_ADDR_REAL : 0;
	req.reserved = 0;
	if (copy_to_user(argp, &req, sizeof(req)))
		ret = -EFAULT;
out:
	edumm_varea_put(varea);
	return ret;
}

static long edumm_ioc_pgwalk(struct edumm_vclient *vc, void __user *argp)
{
	struct edumm_varea *varea;
	struct edumm_pgwalk *w;
	unsigned long addr;
	unsigned int i;
	bool real;
	long ret;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	if (copy_from_user(w, argp, sizeof(*w))) {
		ret = -EFAULT;
		goto out;
	}
	ret = -EINVAL;
	if (w->flags || w->reserved)
		goto out;
	/* keep the (in) fields; every (out) field starts from zero */
	w->paging_levels = 0;
	w->result = 0;
	w->stop_level = 0;
	w->nr_entries = 0;
	w->phys = 0;
	w->pfn = 0;
	w->page_size = 0;
	w->vaddr = 0;
	w->out_flags = 0;
	memset(w->entries, 0, sizeof(w->entries));
	switch (w->mode) {
	case EDUMM_PGWALK_USER:
		if (w->handle || w->offset || !w->addr)
			goto out;
		addr = w->addr;
		/* a kernel (or non-canonical) address is not the caller's */
		if (w->addr >= TASK_SIZE) {
			ret = -EFAULT;
			goto out;
		}
		ret = edumm_pgwalk_user(current->mm, addr, w);
		if (!ret) {
			w->vaddr = addr;
			w->out_flags = EDUMM_PGWALK_ADDR_REAL;
		}
		break;
	case EDUMM_PGWALK_VMALLOC:
		if (w->addr)
			goto out;
		varea = edumm_varea_get(vc, w->handle);
		if (!varea) {
			ret = -ENOENT;
			goto out;
		}
		if (w->offset >= edumm_vmap_area_size(varea->va)) {
			edumm_varea_put(varea);
			goto out;
		}
		addr = varea->va->va_start + w->offset;
		ret = edumm_pgwalk_kernel(addr, w);
		edumm_varea_put(varea);
		if (ret)
			break;
		w->vaddr = edumm_kptr_for_user(addr, &real);
		if (real) {
			w->out_flags |= EDUMM_PGWALK_ADDR_REAL;
		} else {
			/* the indexes are the address's bits: hide them too */
			for (i = 0; i < w->nr_entries; i++)
				w->entries[i].index = 0;
		}
		break;
	default:
		goto out;
	}
	if (!ret && copy_to_user(argp, w, sizeof(*w)))
		ret = -EFAULT;
out:
	kfree(w);
	return ret;
}

/**
 * edumm_vclient_ioctl() - the ioctls 0x30..0x3f of a client
 * @vc: the client's vmalloc state
 * @cmd: the whole command (number, size, direction)
 * @argp: the user argument
 *
 * Context: Process context, may sleep.  No lock held on entry.
 * Return: 0 or a negative errno (see uapi/linux/edumm.h); -ENOTTY for a
 * command that is none of ours.
 */
long edumm_vclient_ioctl(struct edumm_vclient *vc, unsigned int cmd, void __user *argp)
{
	switch (cmd) {
	case EDUMM_IOC_VMALLOC:
		return edumm_ioc_vmalloc(vc, argp);
	case EDUMM_IOC_VFREE:
		return edumm_ioc_vfree(vc, argp);
	case EDUMM_IOC_VREAD:
		return edumm_ioc_vrw(vc, argp, false);
	case EDUMM_IOC_VWRITE:
		return edumm_ioc_vrw(vc, argp, true);
	case EDUMM_IOC_VDESCRIBE:
		return edumm_ioc_vdescribe(vc, argp);
	case EDUMM_IOC_PGWALK:
		return edumm_ioc_pgwalk(vc, argp);
	default:
		return -ENOTTY;
	}
}

/*** mmap() of an area ***/

static void edumm_varea_vm_open(struct vm_area_struct *vma)
{
	struct edumm_varea *varea = vma->vm_private_data;

	atomic_inc(&varea->map_count);
}

static void edumm_varea_vm_close(struct vm_area_struct *vma)
{
	struct edumm_varea *varea = vma->vm_private_data;

	WARN_ON_ONCE(atomic_dec_if_positive(&varea->map_count) < 0);
}

static const struct vm_operations_struct edumm_varea_vm_ops = {
	.open = edumm_varea_vm_open,
	.close = edumm_varea_vm_close,
};

static int edumm_varea_insert(struct vm_area_struct *vma, const struct edumm_vmap_area *va)
{
	struct page *pages[EDUMM_VMMAP_BATCH];
	unsigned long done, i, n, left;
	int ret;

	for (done = 0; done < va->nr_pages; done += n) {
		n = min_t(unsigned long, va->nr_pages - done, EDUMM_VMMAP_BATCH);
		for (i = 0; i < n; i++)
			pages[i] = pfn_to_page(va->pfns[done + i]);
		left = n;
		ret = vm_insert_pages(vma, vma->vm_start + (done << PAGE_SHIFT), pages, &left);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * edumm_vclient_mmap() - map an area's pages, in order, into user space
 * @vc: the client's vmalloc state
 * @vma: the new VMA: vm_pgoff = EDUMM_VMAP_PGOFF_BASE + handle, exactly
 *	the area's length (its mapped pages, not the guard), MAP_SHARED
 *
 * The user mapping is virtually contiguous like the kernel's vmap() of the
 * same pages, and just as physically scattered: /proc/self/pagemap shows
 * the pfns EDUMM_IOC_VDESCRIBE reports.
 *
 * Context: Process context, ->mmap: mmap_lock held for writing.  Takes
 * vc->lock.
 * Return: 0, -EINVAL for a private mapping, an unknown handle or a wrong
 * length, -ENOMEM if page tables cannot be allocated.
 */
int edumm_vclient_mmap(struct edumm_vclient *vc, struct vm_area_struct *vma)
{
	struct edumm_varea *varea = NULL;
	unsigned long handle;
	int ret;

	if (!(vma->vm_flags & VM_SHARED) || vma->vm_pgoff < EDUMM_VMAP_PGOFF_BASE)
		return -EINVAL;
	handle = vma->vm_pgoff - EDUMM_VMAP_PGOFF_BASE;

	mutex_lock(&vc->lock);
	if (handle && handle <= EDUMM_VMAP_HANDLE_MAX)
		varea = xa_load(&vc->areas, handle);
	if (!varea || vma_pages(vma) != varea->va->nr_pages) {
		mutex_unlock(&vc->lock);
		return -EINVAL;
	}
	atomic_inc(&varea->map_count);
	mutex_unlock(&vc->lock);

	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	ret = edumm_varea_insert(vma, varea->va);
	if (ret) {
		/* as edumm_client_mmap(): no ->close after a failed ->mmap */
		atomic_dec(&varea->map_count);
		return ret;
	}
	vma->vm_private_data = varea;
	vma->vm_ops = &edumm_varea_vm_ops;
	return 0;
}
