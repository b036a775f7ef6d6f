// SPDX-License-Identifier: GPL-2.0
/*
 * edumm_vmalloc_test - kselftests of edumm's vmalloc-style mapper
 * (EDUMM_IOC_VMALLOC .. EDUMM_IOC_VDESCRIBE, mmap of areas, debugfs
 * vmallocinfo / vmalloc_check) and of the page-table walker
 * (EDUMM_IOC_PGWALK).
 *
 * Each test opens /dev/edumm in FIXTURE_SETUP(): a fresh client, whose
 * areas go away when the test's process closes it.  Without the device
 * the tests SKIP unless EDUMM_REQUIRE_DEVICE is set (run_all.sh sets it).
 *
 * Build: make -C selftests KSFT_DIR=<dir with kselftest_harness.h>
 * Run:   ./edumm_vmalloc_test   (as root, edumm.ko loaded)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/edumm.h>

#include "kselftest_harness.h"

#define EDUMM_DEV		"/dev/edumm"
#define EDUMM_DEBUGFS		"/sys/kernel/debug/edumm"
#define KPTR_RESTRICT		"/proc/sys/kernel/kptr_restrict"
#define HARNESS_SKIP_EXIT	255
#define PFN_MASK		((1ULL << 55) - 1)

/*** wrappers ***/

static int edumm_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, cmd, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

static int vm_alloc(int fd, __u64 size, __u32 flags, struct edumm_vmalloc *req)
{
	memset(req, 0, sizeof(*req));
	req->size = size;
	req->flags = flags;
	return edumm_ioctl(fd, EDUMM_IOC_VMALLOC, req);
}

static int vm_free(int fd, __u64 handle)
{
	struct edumm_handle h = { .handle = handle };

	return edumm_ioctl(fd, EDUMM_IOC_VFREE, &h);
}

static int vm_rw(int fd, bool write, __u64 handle, __u64 offset, __u64 length,
		 void *buf)
{
	struct edumm_vrw rw = {
		.handle = handle, .offset = offset, .length = length,
		.buf = (uintptr_t)buf,
	};

	return edumm_ioctl(fd, write ? EDUMM_IOC_VWRITE : EDUMM_IOC_VREAD, &rw);
}

static int vm_describe(int fd, __u64 handle, __u64 *pfns, __u64 count,
		       struct edumm_vdescribe *d)
{
	memset(d, 0, sizeof(*d));
	d->handle = handle;
	d->pfns = (uintptr_t)pfns;
	d->pfn_count = count;
	return edumm_ioctl(fd, EDUMM_IOC_VDESCRIBE, d);
}

static int walk_user(int fd, const void *addr, struct edumm_pgwalk *w)
{
	memset(w, 0, sizeof(*w));
	w->mode = EDUMM_PGWALK_USER;
	w->addr = (uintptr_t)addr;
	return edumm_ioctl(fd, EDUMM_IOC_PGWALK, w);
}

static int walk_area(int fd, __u64 handle, __u64 offset, struct edumm_pgwalk *w)
{
	memset(w, 0, sizeof(*w));
	w->mode = EDUMM_PGWALK_VMALLOC;
	w->handle = handle;
	w->offset = offset;
	return edumm_ioctl(fd, EDUMM_IOC_PGWALK, w);
}

static const struct edumm_pgwalk_entry *leaf(const struct edumm_pgwalk *w)
{
	return &w->entries[w->nr_entries - 1];
}

static char *read_text(const char *path)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *nbuf = realloc(buf, cap * 2);

			if (!nbuf)
				break;
			buf = nbuf;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

static void assert_debugfs_ok(struct __test_metadata *_metadata, const char *name)
{
	char path[128];
	char *text;

	snprintf(path, sizeof(path), EDUMM_DEBUGFS "/%s", name);
	text = read_text(path);
	ASSERT_NE(NULL, text) TH_LOG("read %s: %s", path, strerror(errno));
	ASSERT_STREQ("ok\n", text) TH_LOG("%s says:\n%s", name, text);
	free(text);
}

static void assert_all_ok(struct __test_metadata *_metadata)
{
	assert_debugfs_ok(_metadata, "check");
	assert_debugfs_ok(_metadata, "vmalloc_check");
}

static void drain(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, write_text(EDUMM_DEBUGFS "/control", "drain"));
}

static void get_info(struct __test_metadata *_metadata, int fd, struct edumm_info *info)
{
	ASSERT_EQ(0, edumm_ioctl(fd, EDUMM_IOC_INFO, info));
}

/* Lines of vmallocinfo that mention "pages=@nr vmalloc" (any @nr if 0). */
static int vmallocinfo_lines(struct __test_metadata *_metadata, unsigned long nr)
{
	char *text = read_text(EDUMM_DEBUGFS "/vmallocinfo"), *p, *nl;
	char needle[64];
	int count = 0;

	ASSERT_NE(NULL, text) TH_LOG("read vmallocinfo: %s", strerror(errno));
	snprintf(needle, sizeof(needle), " pages=%lu vmalloc", nr);
	for (p = text; *p; p = nl + 1) {
		nl = strchrnul(p, '\n');
		if (nr ? !!memmem(p, nl - p, needle, strlen(needle)) :
			 !!memmem(p, nl - p, " vmalloc", 8))
			count++;
		if (!*nl)
			break;
	}
	free(text);
	return count;
}

static __u64 pagemap_pfn(struct __test_metadata *_metadata, int pm, const void *addr)
{
	off_t off = (uintptr_t)addr / getpagesize() * sizeof(__u64);
	__u64 e = 0;

	ASSERT_EQ(sizeof(e), pread(pm, &e, sizeof(e), off));
	ASSERT_TRUE(e >> 63) TH_LOG("pagemap: %p not present", addr);
	return e & PFN_MASK;
}

static __u64 pattern(__u64 salt, size_t i)
{
	__u64 x = (salt << 32) ^ (i * 0x9E3779B97F4A7C15ULL);

	return x ^ (x >> 29);
}

static bool cpu_has_nx(void)
{
	char *text = read_text("/proc/cpuinfo");
	bool nx = text && strstr(text, " nx");

	free(text);
	return nx;
}

/*** fixture ***/

FIXTURE(vm) {
	int fd;
	long ps;
};

FIXTURE_SETUP(vm)
{
	self->ps = getpagesize();
	self->fd = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT && !getenv("EDUMM_REQUIRE_DEVICE"))
		SKIP(_exit(HARNESS_SKIP_EXIT), "%s missing: edumm.ko not loaded", EDUMM_DEV);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", EDUMM_DEV, strerror(errno));
}

FIXTURE_TEARDOWN(vm)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * Areas of 1, 4, 16, 64 and 256 pages: sizes round up; patterns written
 * through the ioctl read back through mmap() and the other way round;
 * pagemap's pfns of the mapping are describe's; vmallocinfo shows the
 * area with its guard page; vmalloc_to_page agrees (vmalloc_check).
 */
FIXTURE(vm_size) {
	int fd;
	long ps;
};

FIXTURE_VARIANT(vm_size) {
	unsigned long pages;
};

FIXTURE_VARIANT_ADD(vm_size, p1) { .pages = 1, };
FIXTURE_VARIANT_ADD(vm_size, p4) { .pages = 4, };
FIXTURE_VARIANT_ADD(vm_size, p16) { .pages = 16, };
FIXTURE_VARIANT_ADD(vm_size, p64) { .pages = 64, };
FIXTURE_VARIANT_ADD(vm_size, p256) { .pages = 256, };

FIXTURE_SETUP(vm_size)
{
	self->ps = getpagesize();
	self->fd = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT && !getenv("EDUMM_REQUIRE_DEVICE"))
		SKIP(_exit(HARNESS_SKIP_EXIT), "%s missing: edumm.ko not loaded", EDUMM_DEV);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", EDUMM_DEV, strerror(errno));
}

FIXTURE_TEARDOWN(vm_size)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(vm_size, pattern_pfns_vmallocinfo)
{
	unsigned long nr = variant->pages, i, words = nr * self->ps / 8;
	struct edumm_info before, after;
	struct edumm_vmalloc req;
	struct edumm_vdescribe d;
	__u64 *buf, *pfns, *map;
	int pm;

	get_info(_metadata, self->fd, &before);
	/* one byte more than nr - 1 pages: rounds up to nr */
	ASSERT_EQ(0, vm_alloc(self->fd, (nr - 1) * self->ps + 1, 0, &req));
	ASSERT_EQ(nr, req.nr_pages);
	ASSERT_NE(0, req.handle);
	ASSERT_EQ(0, req.reserved);

	pfns = calloc(nr + 1, sizeof(*pfns));
	buf = malloc(nr * self->ps);
	ASSERT_TRUE(pfns && buf);
	pfns[nr] = 0xdeadbeef;
	ASSERT_EQ(0, vm_describe(self->fd, req.handle, pfns, nr + 1, &d));
	ASSERT_EQ(nr, d.pfn_count);
	ASSERT_EQ(nr, d.nr_pages);
	ASSERT_EQ((nr + 1) * self->ps, d.size);		/* the guard page */
	ASSERT_EQ(0xdeadbeef, pfns[nr]);
	ASSERT_EQ(0, d.reserved);

	/* zeroed, then a pattern through the ioctl, read through mmap() */
	ASSERT_EQ(0, vm_rw(self->fd, false, req.handle, 0, nr * self->ps, buf));
	for (i = 0; i < words; i++)
		ASSERT_EQ(0, buf[i]) TH_LOG("word %lu not zero", i);
	for (i = 0; i < words; i++)
		buf[i] = pattern(1, i);
	ASSERT_EQ(0, vm_rw(self->fd, true, req.handle, 0, nr * self->ps, buf));
	map = mmap(NULL, nr * self->ps, PROT_READ | PROT_WRITE, MAP_SHARED, self->fd,
		   req.mmap_offset);
	ASSERT_NE(MAP_FAILED, map) TH_LOG("mmap: %s", strerror(errno));
	for (i = 0; i < words; i++)
		ASSERT_EQ(pattern(1, i), map[i]) TH_LOG("mmap word %lu", i);

	/* and back: through mmap(), read with the ioctl, at an odd offset too */
	for (i = 0; i < words; i++)
		map[i] = pattern(2, i);
	memset(buf, 0, nr * self->ps);
	ASSERT_EQ(0, vm_rw(self->fd, false, req.handle, 0, nr * self->ps, buf));
	for (i = 0; i < words; i++)
		ASSERT_EQ(pattern(2, i), buf[i]) TH_LOG("ioctl word %lu", i);
	ASSERT_EQ(0, vm_rw(self->fd, false, req.handle, nr * self->ps - 3, 3, buf));
	ASSERT_EQ(0, memcmp(buf, (char *)map + nr * self->ps - 3, 3));

	/* the mapping's pfns are the area's */
	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, pm);
	for (i = 0; i < nr; i++)
		ASSERT_EQ(pfns[i], pagemap_pfn(_metadata, pm, (char *)map + i * self->ps))
			TH_LOG("page %lu", i);
	close(pm);

	ASSERT_EQ(1, vmallocinfo_lines(_metadata, nr));
	assert_all_ok(_metadata);
	ASSERT_EQ(-EBUSY, vm_free(self->fd, req.handle));
	ASSERT_EQ(0, munmap(map, nr * self->ps));
	ASSERT_EQ(0, vm_free(self->fd, req.handle));
	ASSERT_EQ(-ENOENT, vm_free(self->fd, req.handle));
	get_info(_metadata, self->fd, &after);
	ASSERT_EQ(before.allocated_pages, after.allocated_pages);
	free(pfns);
	free(buf);
}

/* vfree gives every page back: after a drain the free count is as before. */
TEST_F(vm, vfree_returns_every_page)
{
	struct edumm_info before, after, mid;
	struct edumm_vmalloc req[3];
	int i;

	drain(_metadata);
	get_info(_metadata, self->fd, &before);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, vm_alloc(self->fd, (1 + 37 * i) * self->ps, 0, &req[i]));
	get_info(_metadata, self->fd, &mid);
	ASSERT_EQ(before.allocated_pages + 1 + 38 + 75, mid.allocated_pages);
	ASSERT_EQ(3, vmallocinfo_lines(_metadata, 0));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, vm_free(self->fd, req[i].handle));
	drain(_metadata);
	get_info(_metadata, self->fd, &after);
	ASSERT_EQ(before.free_pages, after.free_pages);
	ASSERT_EQ(before.allocated_pages, after.allocated_pages);
	ASSERT_EQ(0, vmallocinfo_lines(_metadata, 0));
	assert_all_ok(_metadata);
}

/*
 * Fragment the pool on purpose: take every page as an order-0 block, give
 * back those at even pfns.  No free block above order 0 is left, so an
 * order-8 block cannot be had, yet a 256-page area can, on scattered pfns.
 */
TEST_F_TIMEOUT(vm, fragmented_pool, 600)
{
	struct edumm_page_alloc pa = { 0 };
	struct edumm_info info, start;
	struct edumm_vmalloc req;
	struct edumm_vdescribe d;
	__u64 *handles, *pfns, pages = 0, i, gaps = 0;
	int ret;

	drain(_metadata);
	get_info(_metadata, self->fd, &start);
	handles = calloc(start.pool_pages, sizeof(*handles));
	pfns = calloc(start.pool_pages, sizeof(*pfns));
	ASSERT_TRUE(handles && pfns);
	for (;;) {
		memset(&pa, 0, sizeof(pa));
		pa.migratetype = EDUMM_MIGRATE_UNMOVABLE;
		pa.flags = EDUMM_ALLOC_NO_WATERMARKS;
		ret = edumm_ioctl(self->fd, EDUMM_IOC_PAGE_ALLOC, &pa);
		if (ret == -ENOMEM)
			break;
		ASSERT_EQ(0, ret);
		ASSERT_LT(pages, start.pool_pages);
		handles[pages] = pa.handle;
		pfns[pages++] = pa.pfn;
	}
	for (i = 0; i < pages; i++) {
		struct edumm_handle h = { .handle = handles[i] };

		if (pfns[i] & 1)
			continue;
		ASSERT_EQ(0, edumm_ioctl(self->fd, EDUMM_IOC_FREE, &h));
		handles[i] = 0;
	}
	drain(_metadata);
	get_info(_metadata, self->fd, &info);
	TH_LOG("pool %llu pages, %llu free after fragmenting", info.pool_pages,
	       info.free_pages);
	ASSERT_GE(info.free_pages, 256);

	memset(&pa, 0, sizeof(pa));
	pa.order = 8;
	pa.migratetype = EDUMM_MIGRATE_UNMOVABLE;
	pa.flags = EDUMM_ALLOC_NO_WATERMARKS;
	ASSERT_EQ(-ENOMEM, edumm_ioctl(self->fd, EDUMM_IOC_PAGE_ALLOC, &pa));

	ASSERT_EQ(0, vm_alloc(self->fd, 256 * self->ps, 0, &req));
	ASSERT_EQ(0, vm_describe(self->fd, req.handle, pfns, 256, &d));
	for (i = 1; i < 256; i++)
		gaps += pfns[i] != pfns[i - 1] + 1;
	TH_LOG("256-page area on a fragmented pool: %llu of 255 neighbours not adjacent",
	       gaps);
	ASSERT_GE(gaps, 1);
	assert_all_ok(_metadata);

	ASSERT_EQ(0, vm_free(self->fd, req.handle));
	for (i = 0; i < pages; i++) {
		struct edumm_handle h = { .handle = handles[i] };

		if (handles[i])
			ASSERT_EQ(0, edumm_ioctl(self->fd, EDUMM_IOC_FREE, &h));
	}
	drain(_metadata);
	get_info(_metadata, self->fd, &info);
	ASSERT_EQ(start.free_pages, info.free_pages);
	free(handles);
	free(pfns);
}

/*
 * The walker on the caller's own memory: a written page maps the pfn
 * pagemap shows, with P RW US A D; after mprotect(PROT_READ) RW is 0; an
 * untouched page next to it is not present at the PTE level.
 */
TEST_F(vm, walk_user_pages)
{
	struct edumm_pgwalk w;
	char *map, *touched, *untouched;
	__u64 pfn;
	int pm;

	map = mmap(NULL, 2 * self->ps, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	/* both in one PMD's page table, so only the PTE differs */
	touched = map;
	untouched = map + self->ps;
	if (((uintptr_t)touched ^ (uintptr_t)untouched) >> 21) {
		touched = map + self->ps;
		untouched = map;
	}
	memset(touched, 0x5a, self->ps);

	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, pm);
	pfn = pagemap_pfn(_metadata, pm, touched);

	ASSERT_EQ(0, walk_user(self->fd, touched + 123, &w));
	ASSERT_TRUE(w.paging_levels == 4 || w.paging_levels == 5);
	ASSERT_EQ(EDUMM_PGWALK_MAPPED, w.result);
	ASSERT_EQ(EDUMM_PGLEVEL_PTE, w.stop_level);
	ASSERT_EQ(w.paging_levels, w.nr_entries);
	ASSERT_EQ(pfn, w.pfn);
	ASSERT_EQ((pfn << 12) + 123, w.phys);
	ASSERT_EQ(4096, w.page_size);
	ASSERT_EQ(pfn, leaf(&w)->pfn);
	ASSERT_EQ(((uintptr_t)touched >> 12) & 511, leaf(&w)->index);
	ASSERT_EQ(((uintptr_t)touched >> 21) & 511, w.entries[w.nr_entries - 2].index);
	ASSERT_EQ(EDUMM_PTE_P | EDUMM_PTE_RW | EDUMM_PTE_US | EDUMM_PTE_A | EDUMM_PTE_D,
		  leaf(&w)->flags & (EDUMM_PTE_P | EDUMM_PTE_RW | EDUMM_PTE_US |
				     EDUMM_PTE_A | EDUMM_PTE_D))
		TH_LOG("PTE %#llx", leaf(&w)->value);
	ASSERT_EQ(leaf(&w)->value & EDUMM_PTE_FLAGS_MASK, leaf(&w)->flags);
	ASSERT_EQ(EDUMM_PTE_P | EDUMM_PTE_US, w.entries[0].flags & (EDUMM_PTE_P | EDUMM_PTE_US));

	ASSERT_EQ(0, walk_user(self->fd, untouched, &w));
	ASSERT_EQ(EDUMM_PGWALK_NOT_PRESENT, w.result);
	ASSERT_EQ(EDUMM_PGLEVEL_PTE, w.stop_level);
	ASSERT_EQ(0, leaf(&w)->flags & EDUMM_PTE_P);

	ASSERT_EQ(0, mprotect(touched, self->ps, PROT_READ));
	ASSERT_EQ(0, walk_user(self->fd, touched, &w));
	ASSERT_EQ(EDUMM_PGWALK_MAPPED, w.result);
	ASSERT_EQ(pfn, w.pfn);
	ASSERT_EQ(0, leaf(&w)->flags & EDUMM_PTE_RW) TH_LOG("PTE %#llx", leaf(&w)->value);
	ASSERT_EQ(EDUMM_PTE_D, leaf(&w)->flags & EDUMM_PTE_D);

	/* an address with no VMA: not present at some level, no error */
	ASSERT_EQ(0, munmap(map, 2 * self->ps));
	ASSERT_EQ(0, walk_user(self->fd, touched, &w));
	ASSERT_EQ(EDUMM_PGWALK_NOT_PRESENT, w.result);
	ASSERT_GE(w.stop_level, EDUMM_PGLEVEL_PGD);
	close(pm);
}

/* The walker on an mmap() of an area: the user PTEs hold the area's pfns. */
TEST_F(vm, walk_user_area_mapping)
{
	struct edumm_vmalloc req;
	struct edumm_vdescribe d;
	struct edumm_pgwalk w;
	__u64 pfns[8];
	char *map;
	int i;

	ASSERT_EQ(0, vm_alloc(self->fd, 8 * self->ps, 0, &req));
	ASSERT_EQ(0, vm_describe(self->fd, req.handle, pfns, 8, &d));
	map = mmap(NULL, 8 * self->ps, PROT_READ, MAP_SHARED, self->fd, req.mmap_offset);
	ASSERT_NE(MAP_FAILED, map);
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, walk_user(self->fd, map + i * self->ps, &w));
		ASSERT_EQ(EDUMM_PGWALK_MAPPED, w.result);
		ASSERT_EQ(pfns[i], w.pfn);
		ASSERT_EQ(0, leaf(&w)->flags & EDUMM_PTE_RW);	/* PROT_READ */
	}
	ASSERT_EQ(0, munmap(map, 8 * self->ps));
	ASSERT_EQ(0, vm_free(self->fd, req.handle));
}

/*
 * The walker on an area's kernel address: each page maps describe's pfn
 * with a kernel PTE (P RW A D, not US, NX if the CPU has it), and
 * lookup_address() agrees; the guard page is not present at the PTE.
 * Under kptr_restrict 1 (root has CAP_SYSLOG) the real address and the
 * indexes come out, and vmallocinfo shows the same start; under 2 they
 * are zero.
 */
TEST_F(vm, walk_vmalloc_area)
{
	char *old = read_text(KPTR_RESTRICT), line[64], *info;
	struct edumm_vmalloc req;
	struct edumm_vdescribe d;
	struct edumm_pgwalk w;
	bool nx = cpu_has_nx();
	__u64 pfns[4], va;
	int i, lvl;

	ASSERT_NE(NULL, old);
	ASSERT_EQ(0, vm_alloc(self->fd, 4 * self->ps, 0, &req));
	ASSERT_EQ(0, write_text(KPTR_RESTRICT, "1"));
	ASSERT_EQ(0, vm_describe(self->fd, req.handle, pfns, 4, &d));
	ASSERT_EQ(EDUMM_VDESC_ADDR_REAL, d.flags);
	va = d.addr;
	ASSERT_EQ(0, va & 4095);
	ASSERT_NE(0, va >> 63) TH_LOG("%#llx is no kernel address", va);

	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, walk_area(self->fd, req.handle, i * self->ps + 8, &w));
		ASSERT_EQ(EDUMM_PGWALK_MAPPED, w.result);
		ASSERT_EQ(EDUMM_PGLEVEL_PTE, w.stop_level);
		ASSERT_EQ(w.paging_levels, w.nr_entries);
		ASSERT_EQ(EDUMM_PGWALK_ADDR_REAL | EDUMM_PGWALK_LOOKUP_OK, w.out_flags);
		ASSERT_EQ(va + i * self->ps + 8, w.vaddr);
		ASSERT_EQ(pfns[i], w.pfn);
		ASSERT_EQ((pfns[i] << 12) + 8, w.phys);
		ASSERT_EQ(EDUMM_PTE_P | EDUMM_PTE_RW | EDUMM_PTE_A | EDUMM_PTE_D,
			  leaf(&w)->flags & (EDUMM_PTE_P | EDUMM_PTE_RW | EDUMM_PTE_US |
					     EDUMM_PTE_A | EDUMM_PTE_D))
			TH_LOG("kernel PTE %#llx", leaf(&w)->value);
		ASSERT_EQ(nx, !!(leaf(&w)->flags & EDUMM_PTE_NX));
		for (lvl = 0; lvl < (int)w.nr_entries; lvl++) {
			int shift = 12 + 9 * (w.nr_entries - 1 - lvl);

			ASSERT_EQ((w.vaddr >> shift) & 511, w.entries[lvl].index);
		}
	}
	/* the guard page */
	ASSERT_EQ(0, walk_area(self->fd, req.handle, 4 * self->ps, &w));
	ASSERT_EQ(EDUMM_PGWALK_NOT_PRESENT, w.result);
	ASSERT_EQ(EDUMM_PGLEVEL_PTE, w.stop_level);
	ASSERT_EQ(EDUMM_PGWALK_ADDR_REAL | EDUMM_PGWALK_LOOKUP_OK, w.out_flags);
	ASSERT_EQ(-EINVAL, walk_area(self->fd, req.handle, 5 * self->ps, &w));

	/* vmallocinfo: "0x<start>-0x<start + 5 pages>   20480 <caller> pages=4 vmalloc" */
	info = read_text(EDUMM_DEBUGFS "/vmallocinfo");
	ASSERT_NE(NULL, info);
	snprintf(line, sizeof(line), "0x%016llx-0x%016llx   20480 ", va, va + 5 * self->ps);
	ASSERT_NE(NULL, strstr(info, line)) TH_LOG("no \"%s\" in:\n%s", line, info);
	free(info);

	ASSERT_EQ(0, write_text(KPTR_RESTRICT, "2"));
	ASSERT_EQ(0, vm_describe(self->fd, req.handle, pfns, 4, &d));
	ASSERT_EQ(0, d.flags);
	ASSERT_EQ(0, d.addr);
	ASSERT_EQ(0, walk_area(self->fd, req.handle, 0, &w));
	ASSERT_EQ(0, w.out_flags & EDUMM_PGWALK_ADDR_REAL);
	ASSERT_EQ(0, w.vaddr);
	ASSERT_EQ(pfns[0], w.pfn);
	for (lvl = 0; lvl < (int)w.nr_entries; lvl++)
		ASSERT_EQ(0, w.entries[lvl].index);
	ASSERT_EQ(0, write_text(KPTR_RESTRICT, old));
	free(old);
	ASSERT_EQ(0, vm_free(self->fd, req.handle));
}

/* Each bad input gets its errno, and leaves the pool as it was. */
TEST_F(vm, bad_inputs)
{
	struct edumm_page_alloc pa = { .migratetype = EDUMM_MIGRATE_UNMOVABLE };
	struct edumm_info before, after;
	struct edumm_vmalloc req;
	struct edumm_vdescribe d;
	struct edumm_pgwalk w;
	__u64 pfns[4] = { 1, 2, 3, 4 };
	char buf[64];
	void *map;
	__u64 h;

	get_info(_metadata, self->fd, &before);
	ASSERT_EQ(-EINVAL, vm_alloc(self->fd, 0, 0, &req));
	ASSERT_EQ(-E2BIG, vm_alloc(self->fd, before.pool_pages * self->ps + 1, 0, &req));
	ASSERT_EQ(-E2BIG, vm_alloc(self->fd, ~0ULL, 0, &req));
	ASSERT_EQ(-EINVAL, vm_alloc(self->fd, 1, 0x80, &req));
	memset(&req, 0, sizeof(req));
	req.size = 1;
	req.reserved = 1;
	ASSERT_EQ(-EINVAL, edumm_ioctl(self->fd, EDUMM_IOC_VMALLOC, &req));
	ASSERT_EQ(-EFAULT, edumm_ioctl(self->fd, EDUMM_IOC_VMALLOC, NULL));

	/* area and block handles are separate: neither names the other */
	ASSERT_EQ(0, edumm_ioctl(self->fd, EDUMM_IOC_PAGE_ALLOC, &pa));
	ASSERT_EQ(-ENOENT, vm_free(self->fd, pa.handle));
	ASSERT_EQ(0, vm_alloc(self->fd, 4 * self->ps, 0, &req));
	h = req.handle;
	ASSERT_NE(pa.mmap_offset, req.mmap_offset);
	ASSERT_EQ(-ENOENT, vm_free(self->fd, 0));
	ASSERT_EQ(-ENOENT, vm_free(self->fd, h + 1));
	ASSERT_EQ(-ENOENT, vm_free(self->fd, ~0ULL));

	/* read/write bounds */
	ASSERT_EQ(0, vm_rw(self->fd, false, h, 4 * self->ps - 64, 64, buf));
	ASSERT_EQ(0, vm_rw(self->fd, false, h, 4 * self->ps, 0, buf));
	ASSERT_EQ(-EINVAL, vm_rw(self->fd, false, h, 4 * self->ps - 63, 64, buf));
	ASSERT_EQ(-EINVAL, vm_rw(self->fd, true, h, 4 * self->ps + 1, 0, buf));
	ASSERT_EQ(-EINVAL, vm_rw(self->fd, true, h, 8, ~0ULL, buf));
	ASSERT_EQ(-EINVAL, vm_rw(self->fd, false, h, ~0ULL, 2, buf));
	ASSERT_EQ(-ENOENT, vm_rw(self->fd, false, h + 1, 0, 1, buf));
	ASSERT_EQ(-EFAULT, vm_rw(self->fd, false, h, 0, 64, NULL));
	ASSERT_EQ(-EFAULT, vm_rw(self->fd, true, h, 0, 64, (void *)8));

	/* describe: truncation, not -E2BIG */
	ASSERT_EQ(0, vm_describe(self->fd, h, NULL, 0, &d));
	ASSERT_EQ(0, d.pfn_count);
	ASSERT_EQ(4, d.nr_pages);
	ASSERT_EQ(0, vm_describe(self->fd, h, pfns, 2, &d));
	ASSERT_EQ(2, d.pfn_count);
	ASSERT_EQ(3, pfns[2]);
	ASSERT_EQ(-EFAULT, vm_describe(self->fd, h, (void *)8, 4, &d));
	ASSERT_EQ(-ENOENT, vm_describe(self->fd, h + 1, pfns, 4, &d));
	memset(&d, 0, sizeof(d));
	d.handle = h;
	d.reserved = 1;
	ASSERT_EQ(-EINVAL, edumm_ioctl(self->fd, EDUMM_IOC_VDESCRIBE, &d));

	/* walker */
	ASSERT_EQ(-EINVAL, walk_user(self->fd, NULL, &w));
	ASSERT_EQ(-EFAULT, walk_user(self->fd, (void *)0xffffffff81000000ULL, &w));
	ASSERT_EQ(-EFAULT, walk_user(self->fd, (void *)0x8000000000000000ULL, &w));
	memset(&w, 0, sizeof(w));
	w.addr = (uintptr_t)buf;
	ASSERT_EQ(-EINVAL, edumm_ioctl(self->fd, EDUMM_IOC_PGWALK, &w));	/* mode 0 */
	w.mode = 3;
	ASSERT_EQ(-EINVAL, edumm_ioctl(self->fd, EDUMM_IOC_PGWALK, &w));
	w.mode = EDUMM_PGWALK_USER;
	w.flags = 1;
	ASSERT_EQ(-EINVAL, edumm_ioctl(self->fd, EDUMM_IOC_PGWALK, &w));
	w.flags = 0;
	w.handle = h;
	ASSERT_EQ(-EINVAL, edumm_ioctl(self->fd, EDUMM_IOC_PGWALK, &w));
	ASSERT_EQ(-ENOENT, walk_area(self->fd, h + 1, 0, &w));
	ASSERT_EQ(-EINVAL, walk_area(self->fd, h, ~0ULL, &w));
	memset(&w, 0, sizeof(w));
	w.mode = EDUMM_PGWALK_VMALLOC;
	w.handle = h;
	w.addr = 1;
	ASSERT_EQ(-EINVAL, edumm_ioctl(self->fd, EDUMM_IOC_PGWALK, &w));

	/* mmap: wrong length, private, unknown handle, busy free */
	map = mmap(NULL, 3 * self->ps, PROT_READ, MAP_SHARED, self->fd, req.mmap_offset);
	ASSERT_EQ(MAP_FAILED, map);
	ASSERT_EQ(EINVAL, errno);
	map = mmap(NULL, 4 * self->ps, PROT_READ, MAP_PRIVATE, self->fd, req.mmap_offset);
	ASSERT_EQ(MAP_FAILED, map);
	map = mmap(NULL, 4 * self->ps, PROT_READ, MAP_SHARED, self->fd,
		   req.mmap_offset + self->ps);
	ASSERT_EQ(MAP_FAILED, map);
	map = mmap(NULL, 4 * self->ps, PROT_READ, MAP_SHARED, self->fd, req.mmap_offset);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(-EBUSY, vm_free(self->fd, h));
	ASSERT_EQ(0, munmap(map, 4 * self->ps));
	ASSERT_EQ(0, vm_free(self->fd, h));
	{
		struct edumm_handle bh = { .handle = pa.handle };

		ASSERT_EQ(0, edumm_ioctl(self->fd, EDUMM_IOC_FREE, &bh));
	}
	get_info(_metadata, self->fd, &after);
	ASSERT_EQ(before.allocated_pages, after.allocated_pages);
	assert_all_ok(_metadata);
}

/* Closing the file frees every area it holds, mapped ones included. */
TEST_F(vm, close_frees_every_area)
{
	struct edumm_info before, after;
	struct edumm_vmalloc req;
	int fd2, i;
	void *map;

	drain(_metadata);
	get_info(_metadata, self->fd, &before);
	fd2 = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, vm_alloc(fd2, (i + 1) * 3 * self->ps, 0, &req));
	map = mmap(NULL, req.nr_pages * self->ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd2,
		   req.mmap_offset);
	ASSERT_NE(MAP_FAILED, map);
	memset(map, 1, req.nr_pages * self->ps);
	ASSERT_EQ(8, vmallocinfo_lines(_metadata, 0));
	ASSERT_EQ(0, close(fd2));
	/* the mapping holds the file, so the client and its areas live on */
	ASSERT_EQ(8, vmallocinfo_lines(_metadata, 0));
	ASSERT_EQ(0, munmap(map, req.nr_pages * self->ps));
	ASSERT_EQ(0, vmallocinfo_lines(_metadata, 0));
	drain(_metadata);
	get_info(_metadata, self->fd, &after);
	ASSERT_EQ(before.free_pages, after.free_pages);
	ASSERT_EQ(before.allocated_pages, after.allocated_pages);
	assert_all_ok(_metadata);
}

/* Does an mmap() of the area show pattern(@seed)? */
static bool map_matches(int fd, const struct edumm_vmalloc *req, __u64 seed)
{
	size_t i, len = req->nr_pages * 4096;
	__u64 *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, req->mmap_offset);
	bool ok = map != MAP_FAILED;

	for (i = 0; ok && i < len / 8; i++)
		ok = map[i] == pattern(seed, i);
	if (map != MAP_FAILED)
		munmap(map, len);
	return ok;
}

/*
 * Pages referenced from outside: vmsplice() of a mapped area into a pipe
 * takes page references that outlive the mapping.  VFREE refuses (-EBUSY)
 * while they last; closing the file then leaves the area as an orphan,
 * and the pages return to the pool once the pipe is gone (reaped at the
 * next close of any client).
 */
TEST_F(vm, pinned_area_becomes_orphan)
{
	struct edumm_info before, after;
	struct edumm_vmalloc req;
	struct iovec iov;
	int fd2, p[2], fd3;
	char buf[4096];
	char *map;

	drain(_metadata);
	get_info(_metadata, self->fd, &before);
	fd2 = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, vm_alloc(fd2, 2 * self->ps, 0, &req));
	map = mmap(NULL, 2 * self->ps, PROT_READ | PROT_WRITE, MAP_SHARED, fd2,
		   req.mmap_offset);
	ASSERT_NE(MAP_FAILED, map);
	memset(map, 0x77, 2 * self->ps);
	ASSERT_EQ(0, pipe(p));
	iov.iov_base = map;
	iov.iov_len = self->ps;
	ASSERT_EQ(self->ps, vmsplice(p[1], &iov, 1, 0));
	ASSERT_EQ(0, munmap(map, 2 * self->ps));

	/* unmapped, but a page is still in the pipe */
	ASSERT_EQ(-EBUSY, vm_free(fd2, req.handle));
	ASSERT_EQ(0, close(fd2));
	ASSERT_EQ(1, vmallocinfo_lines(_metadata, 2));	/* an orphan */
	assert_all_ok(_metadata);

	/* the pipe still reads the area's bytes */
	ASSERT_EQ(self->ps, read(p[0], buf, sizeof(buf)));
	ASSERT_EQ(0x77, buf[0]);
	ASSERT_EQ(0x77, buf[self->ps - 1]);
	close(p[0]);
	close(p[1]);

	/* the next close of a client reaps it */
	fd3 = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd3);
	ASSERT_EQ(0, close(fd3));
	ASSERT_EQ(0, vmallocinfo_lines(_metadata, 0));
	drain(_metadata);
	get_info(_metadata, self->fd, &after);
	ASSERT_EQ(before.free_pages, after.free_pages);
	assert_all_ok(_metadata);
}

/*
 * Four processes churning vmalloc / write / mmap / read / vfree.  Generous
 * timeout: the KASAN kernel under TCG is some 20 times slower; the workers
 * die with the test (PR_SET_PDEATHSIG) so a timeout cannot leave them
 * holding areas into the next test.
 */
TEST_F_TIMEOUT(vm, concurrent_churn, 900)
{
	struct edumm_info before, after;
	int p, status;
	pid_t pids[4];

	drain(_metadata);
	get_info(_metadata, self->fd, &before);
	for (p = 0; p < 4; p++) {
		pids[p] = fork();
		ASSERT_LE(0, pids[p]);
		if (!pids[p]) {
			__u64 *buf = malloc(64 * 4096), seed = p + 1;
			int fd, it;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			fd = open(EDUMM_DEV, O_RDWR | O_CLOEXEC);
			if (fd < 0 || !buf)
				_exit(2);
			for (it = 0; it < 300; it++) {
				struct edumm_vmalloc req;
				size_t i, words, npages;

				seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
				npages = 1 + (seed >> 33) % 64;
				if (vm_alloc(fd, npages * 4096, 0, &req))
					_exit(3);
				words = npages * 512;
				for (i = 0; i < words; i++)
					buf[i] = pattern(seed, i);
				if (vm_rw(fd, true, req.handle, 0, npages * 4096, buf))
					_exit(4);
				if (it % 3 == 0 && !map_matches(fd, &req, seed))
					_exit(6);
				if (it % 5 != 4 && vm_free(fd, req.handle))
					_exit(7);
			}
			_exit(0);	/* the kept areas go with the file */
		}
	}
	for (p = 0; p < 4; p++) {
		ASSERT_EQ(pids[p], waitpid(pids[p], &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("worker %d failed", p);
	}
	assert_all_ok(_metadata);
	drain(_metadata);
	get_info(_metadata, self->fd, &after);
	ASSERT_EQ(before.free_pages, after.free_pages);
	ASSERT_EQ(0, vmallocinfo_lines(_metadata, 0));
}

TEST_HARNESS_MAIN
