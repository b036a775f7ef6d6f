// SPDX-License-Identifier: GPL-2.0
/*
 * edummctl - drive /dev/edumm and its debugfs files from the command line.
 *
 * All commands given on one command line run in order in one process that
 * holds one open file descriptor, i.e. one edumm client: blocks allocated by
 * an earlier command can be mapped, filled, verified and freed by later
 * ones, and everything still allocated is freed by the module when the
 * process exits and the descriptor is closed.
 *
 *   edummctl alloc 3 movable buddyinfo free last drain buddyinfo
 *
 * See "edummctl --help" for the command list and Documentation/uapi.rst for
 * the ioctls underneath.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/edumm.h>

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

#define DEFAULT_DEV		"/dev/edumm"
#define DEFAULT_DEBUGFS		"/sys/kernel/debug/edumm"

/* One block this process allocated and has not freed yet. */
struct ctl_block {
	__u64 handle;
	__u64 pfn;
	__u64 mmap_offset;
	unsigned int order;
	void *map;		/* MAP_SHARED mapping, or NULL */
};

/* State shared by all commands of one invocation. */
struct ctl {
	int fd;
	bool quiet;
	const char *dev;
	const char *debugfs;
	long page_size;
	struct ctl_block *blocks;
	size_t nr_blocks;
	size_t cap_blocks;
	__u64 last_handle;	/* 0: nothing allocated yet */
	__u64 last_cache;	/* the newest cache id, 0: none */
	__u64 last_obj;		/* the newest object handle, 0: none */
	__u64 last_area;	/* 0: no vmalloc area yet */
	__u64 last_area_pages;
	__u64 last_area_offset;	/* its mmap offset */
	void *area_map;		/* "vmap" mapping of the last area */
	size_t area_map_len;
	char *scratch;		/* pgwalk touched/untouched pages */
	int argc;		/* words after the running command's name */
	char **argv;
};

struct ctl_cmd {
	const char *name;
	int min_args;		/* arguments that must follow the name */
	int (*run)(struct ctl *ctl);	/* words consumed, or -1 */
	const char *args;
	const char *help;
};

static const char *progname = "edummctl";

static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static int fail_errno(int err, const char *what)
{
	return fail("%s: %s", what, strerror(err));
}

/* ioctl() on the edumm fd, retried on EINTR; returns 0 or -errno. */
static int edumm_ioctl(struct ctl *ctl, unsigned long cmd, void *arg)
{
	int ret;

	do {
		ret = ioctl(ctl->fd, cmd, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? -errno : ret;
}

static int parse_u64(const char *s, __u64 *val)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*val = v;
	return 0;
}

static struct ctl_block *find_block(struct ctl *ctl, const char *spec)
{
	__u64 handle;
	size_t i;

	if (!strcmp(spec, "last")) {
		if (!ctl->last_handle) {
			fail("'last': nothing allocated yet");
			return NULL;
		}
		handle = ctl->last_handle;
	} else if (parse_u64(spec, &handle)) {
		fail("'%s' is not a handle", spec);
		return NULL;
	}
	for (i = 0; i < ctl->nr_blocks; i++)
		if (ctl->blocks[i].handle == handle)
			return &ctl->blocks[i];
	fail("handle %llu: not allocated by this edummctl",
	     (unsigned long long)handle);
	return NULL;
}

static size_t block_bytes(struct ctl *ctl, const struct ctl_block *b)
{
	return (size_t)ctl->page_size << b->order;
}

static int add_block(struct ctl *ctl, const struct edumm_page_alloc *req)
{
	struct ctl_block *b;

	if (ctl->nr_blocks == ctl->cap_blocks) {
		size_t cap = ctl->cap_blocks ? ctl->cap_blocks * 2 : 64;

		b = realloc(ctl->blocks, cap * sizeof(*b));
		if (!b)
			return fail_errno(ENOMEM, "alloc");
		ctl->blocks = b;
		ctl->cap_blocks = cap;
	}
	b = &ctl->blocks[ctl->nr_blocks++];
	b->handle = req->handle;
	b->pfn = req->pfn;
	b->mmap_offset = req->mmap_offset;
	b->order = req->order;
	b->map = NULL;
	ctl->last_handle = req->handle;
	return 0;
}

static int unmap_block(struct ctl *ctl, struct ctl_block *b)
{
	if (!b->map)
		return 0;
	if (munmap(b->map, block_bytes(ctl, b)))
		return fail_errno(errno, "munmap");
	b->map = NULL;
	return 0;
}

/* Unmap and free one block and drop it from the table. */
static int free_block(struct ctl *ctl, struct ctl_block *b)
{
	struct edumm_handle h = { .handle = b->handle };
	int ret;

	if (unmap_block(ctl, b))
		return -1;
	ret = edumm_ioctl(ctl, EDUMM_IOC_FREE, &h);
	if (ret)
		return fail("free %llu: %s", (unsigned long long)h.handle,
			    strerror(-ret));
	if (!ctl->quiet)
		printf("freed handle=%llu\n", (unsigned long long)h.handle);
	*b = ctl->blocks[--ctl->nr_blocks];
	return 0;
}

static int cmd_version(struct ctl *ctl)
{
	struct edumm_version v;
	int ret;

	memset(&v, 0, sizeof(v));
	ret = edumm_ioctl(ctl, EDUMM_IOC_VERSION, &v);
	if (ret)
		return fail_errno(-ret, "version");
	printf("edumm %u.%u.%u (uapi header %u.%u.%u)\n", v.major, v.minor,
	       v.patch, EDUMM_VERSION_MAJOR, EDUMM_VERSION_MINOR,
	       EDUMM_VERSION_PATCH);
	return 0;
}

static int cmd_info(struct ctl *ctl)
{
	struct edumm_info info;
	int ret;

	memset(&info, 0, sizeof(info));
	ret = edumm_ioctl(ctl, EDUMM_IOC_INFO, &info);
	if (ret)
		return fail_errno(-ret, "info");
	printf("page_size: %u\n", info.page_size);
	printf("max_order: %u\n", info.max_order);
	printf("nr_nodes: %u\n", info.nr_nodes);
	printf("nr_zones: %u\n", info.nr_zones);
	printf("pool_pages: %llu\n", (unsigned long long)info.pool_pages);
	printf("free_pages: %llu\n", (unsigned long long)info.free_pages);
	printf("pcp_pages: %llu\n", (unsigned long long)info.pcp_pages);
	printf("allocated_pages: %llu\n",
	       (unsigned long long)info.allocated_pages);
	printf("metadata_bytes: %llu\n",
	       (unsigned long long)info.metadata_bytes);
	return 0;
}

static const char * const mt_names[] = {
	[EDUMM_MIGRATE_UNMOVABLE] = "unmovable",
	[EDUMM_MIGRATE_MOVABLE] = "movable",
	[EDUMM_MIGRATE_RECLAIMABLE] = "reclaimable",
};

static const struct {
	const char *name;
	__u32 flag;
} flag_names[] = {
	{ "high", EDUMM_ALLOC_HIGH },
	{ "nowmark", EDUMM_ALLOC_NO_WATERMARKS },
	{ "nopcp", EDUMM_ALLOC_NO_PCP },
};

/* Consume "alloc" option words; return how many were consumed. */
static int parse_alloc_opts(int argc, char **argv, __u32 *mt, __u32 *flags,
			    unsigned long *count)
{
	int used, i;

	for (used = 0; used < argc; used++) {
		const char *w = argv[used];
		bool known = false;

		for (i = EDUMM_MIGRATE_UNMOVABLE;
		     i <= EDUMM_MIGRATE_RECLAIMABLE; i++) {
			if (!strcmp(w, mt_names[i])) {
				*mt = i;
				known = true;
			}
		}
		for (i = 0; i < (int)ARRAY_SIZE(flag_names); i++) {
			if (!strcmp(w, flag_names[i].name)) {
				*flags |= flag_names[i].flag;
				known = true;
			}
		}
		if (!known && w[0] == 'x' && isdigit((unsigned char)w[1])) {
			__u64 n;

			if (parse_u64(w + 1, &n) || !n || n > 1000000)
				return fail("bad repeat count '%s'", w);
			*count = n;
			known = true;
		}
		if (!known)
			break;
	}
	return used;
}

static int cmd_alloc(struct ctl *ctl)
{
	struct edumm_page_alloc req;
	__u32 mt = EDUMM_MIGRATE_MOVABLE, flags = 0;
	unsigned long count = 1, i;
	__u64 order;
	int used, ret;

	if (parse_u64(ctl->argv[0], &order) || order > UINT32_MAX)
		return fail("alloc: bad order '%s'", ctl->argv[0]);
	used = parse_alloc_opts(ctl->argc - 1, ctl->argv + 1, &mt, &flags,
				&count);
	if (used < 0)
		return -1;
	for (i = 0; i < count; i++) {
		memset(&req, 0, sizeof(req));
		req.order = order;
		req.migratetype = mt;
		req.flags = flags;
		ret = edumm_ioctl(ctl, EDUMM_IOC_PAGE_ALLOC, &req);
		if (ret)
			return fail("alloc order %llu: %s",
				    (unsigned long long)order, strerror(-ret));
		if (add_block(ctl, &req))
			return -1;
		if (!ctl->quiet)
			printf("handle=%llu pfn=%llu order=%u\n",
			       (unsigned long long)req.handle,
			       (unsigned long long)req.pfn, req.order);
	}
	return 1 + used;
}

static int cmd_free(struct ctl *ctl)
{
	struct ctl_block *b;

	if (!strcmp(ctl->argv[0], "all")) {
		while (ctl->nr_blocks)
			if (free_block(ctl, &ctl->blocks[ctl->nr_blocks - 1]))
				return -1;
		return 1;
	}
	b = find_block(ctl, ctl->argv[0]);
	if (!b)
		return -1;
	return free_block(ctl, b) ? -1 : 1;
}

static int cmd_mmap(struct ctl *ctl)
{
	struct ctl_block *b = find_block(ctl, ctl->argv[0]);
	void *p;

	if (!b)
		return -1;
	if (b->map)
		return fail("mmap %s: already mapped", ctl->argv[0]);
	p = mmap(NULL, block_bytes(ctl, b), PROT_READ | PROT_WRITE,
		 MAP_SHARED, ctl->fd, (off_t)b->mmap_offset);
	if (p == MAP_FAILED)
		return fail_errno(errno, "mmap");
	b->map = p;
	if (!ctl->quiet)
		printf("mapped handle=%llu at %p, %zu bytes\n",
		       (unsigned long long)b->handle, p, block_bytes(ctl, b));
	return 1;
}

static int cmd_munmap(struct ctl *ctl)
{
	struct ctl_block *b = find_block(ctl, ctl->argv[0]);

	if (!b)
		return -1;
	if (!b->map)
		return fail("munmap %s: not mapped", ctl->argv[0]);
	return unmap_block(ctl, b) ? -1 : 1;
}

static int parse_byte(const char *s, unsigned char *byte)
{
	__u64 v;

	if (parse_u64(s, &v) || v > 255)
		return fail("'%s' is not a byte value (0..255)", s);
	*byte = v;
	return 0;
}

static int cmd_fill(struct ctl *ctl)
{
	struct ctl_block *b = find_block(ctl, ctl->argv[0]);
	unsigned char byte = 0;

	if (!b || parse_byte(ctl->argv[1], &byte))
		return -1;
	if (!b->map)
		return fail("fill %s: not mapped (use mmap first)", ctl->argv[0]);
	memset(b->map, byte, block_bytes(ctl, b));
	return 2;
}

static int cmd_verify(struct ctl *ctl)
{
	struct ctl_block *b = find_block(ctl, ctl->argv[0]);
	const unsigned char *p;
	unsigned char byte = 0;
	size_t i;

	if (!b || parse_byte(ctl->argv[1], &byte))
		return -1;
	if (!b->map)
		return fail("verify %s: not mapped (use mmap first)", ctl->argv[0]);
	p = b->map;
	for (i = 0; i < block_bytes(ctl, b); i++)
		if (p[i] != byte)
			return fail("verify %s: byte %zu is 0x%02x, expected 0x%02x",
				    ctl->argv[0], i, p[i], byte);
	if (!ctl->quiet)
		printf("verified handle=%llu: %zu bytes of 0x%02x\n",
		       (unsigned long long)b->handle, block_bytes(ctl, b),
		       byte);
	return 2;
}

/* Copy a debugfs file to stdout; with @want, also require its content. */
static int cat_debugfs(struct ctl *ctl, const char *name, const char *want)
{
	char path[512], buf[4096], first[64];
	size_t nfirst = 0, total = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", ctl->debugfs, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_errno(errno, path);
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (nfirst < sizeof(first)) {
			size_t c = (size_t)n < sizeof(first) - nfirst ?
				   (size_t)n : sizeof(first) - nfirst;

			memcpy(first + nfirst, buf, c);
			nfirst += c;
		}
		total += n;
		fwrite(buf, 1, n, stdout);
	}
	if (n < 0) {
		int err = errno;

		close(fd);
		return fail_errno(err, path);
	}
	close(fd);
	fflush(stdout);
	if (want && (total != strlen(want) || memcmp(first, want, total)))
		return fail("%s: invariant check failed", path);
	return 0;
}

static int cmd_buddyinfo(struct ctl *ctl)
{
	return cat_debugfs(ctl, "buddyinfo", NULL);
}

static int cmd_pagetypeinfo(struct ctl *ctl)
{
	return cat_debugfs(ctl, "pagetypeinfo", NULL);
}

static int cmd_zoneinfo(struct ctl *ctl)
{
	return cat_debugfs(ctl, "zoneinfo", NULL);
}

static int cmd_pool(struct ctl *ctl)
{
	return cat_debugfs(ctl, "pool", NULL);
}

static int cmd_check(struct ctl *ctl)
{
	return cat_debugfs(ctl, "check", "ok\n");
}

static int write_control(struct ctl *ctl, const char *word)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/control", ctl->debugfs);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_errno(errno, path);
	n = write(fd, word, strlen(word));
	if (n < 0) {
		int err = errno;

		close(fd);
		return fail("write '%s' to %s: %s", word, path, strerror(err));
	}
	close(fd);
	if ((size_t)n != strlen(word))
		return fail("short write to %s", path);
	return 0;
}

static int cmd_drain(struct ctl *ctl)
{
	return write_control(ctl, "drain");
}

static int cmd_control(struct ctl *ctl)
{
	return write_control(ctl, ctl->argv[0]) ? -1 : 1;
}

static int cmd_sleep(struct ctl *ctl)
{
	struct timespec ts;
	double sec;
	char *end;

	errno = 0;
	sec = strtod(ctl->argv[0], &end);
	if (errno || *end || end == ctl->argv[0] || sec < 0 || sec > 86400)
		return fail("sleep: bad duration '%s'", ctl->argv[0]);
	ts.tv_sec = (time_t)sec;
	ts.tv_nsec = (long)((sec - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	return 1;
}

static int cmd_echo(struct ctl *ctl)
{
	printf("%s\n", ctl->argv[0]);
	fflush(stdout);
	return 1;
}

/*** slab caches and kmalloc ***/

/* A cache id or object handle: a number or "last". */
static int parse_id(const char *s, __u64 last, __u64 *id)
{
	if (!strcmp(s, "last")) {
		if (!last)
			return fail("'last': nothing created yet");
		*id = last;
		return 0;
	}
	if (parse_u64(s, id) || !*id)
		return fail("bad id '%s'", s);
	return 0;
}

static const struct {
	const char *word;
	__u32 flag;
} cache_flag_words[] = {
	{ "hwalign", EDUMM_CACHE_HWCACHE_ALIGN },
	{ "poison", EDUMM_CACHE_POISON },
	{ "redzone", EDUMM_CACHE_RED_ZONE },
	{ "user", EDUMM_CACHE_STORE_USER },
	{ "checks", EDUMM_CACHE_CONSISTENCY_CHECKS },
	{ "rcu", EDUMM_CACHE_TYPESAFE_BY_RCU },
	{ "reclaim", EDUMM_CACHE_RECLAIM_ACCOUNT },
	{ "dma", EDUMM_CACHE_DMA },
	{ "ctor", EDUMM_CACHE_CTOR_PATTERN },
};

static const char * const design_words[] = {
	[EDUMM_DESIGN_SLUB] = "slub", [EDUMM_DESIGN_SLAB] = "slab",
	[EDUMM_DESIGN_SLOB] = "slob", [EDUMM_DESIGN_DEFAULT] = "default",
};

static int cmd_cache_create(struct ctl *ctl)
{
	struct edumm_cache_create cc;
	__u64 size, align;
	int i, used = 2, ret;
	size_t f;
	__u32 d;

	memset(&cc, 0, sizeof(cc));
	if (strlen(ctl->argv[0]) >= sizeof(cc.name))
		return fail("cache-create: name longer than %d", EDUMM_CACHE_NAME_MAX);
	strcpy(cc.name, ctl->argv[0]);
	if (parse_u64(ctl->argv[1], &size) || size > UINT32_MAX)
		return fail("cache-create: bad size '%s'", ctl->argv[1]);
	cc.size = size;
	cc.design = EDUMM_DESIGN_DEFAULT;
	for (i = 2; i < ctl->argc; i++, used++) {
		const char *w = ctl->argv[i];

		for (d = EDUMM_DESIGN_SLUB; d <= EDUMM_DESIGN_DEFAULT; d++)
			if (!strcmp(w, design_words[d]))
				break;
		if (d <= EDUMM_DESIGN_DEFAULT) {
			cc.design = d;
			continue;
		}
		if (!strncmp(w, "align=", 6)) {
			if (parse_u64(w + 6, &align) || align > UINT32_MAX)
				return fail("cache-create: bad '%s'", w);
			cc.align = align;
			continue;
		}
		for (f = 0; f < ARRAY_SIZE(cache_flag_words); f++)
			if (!strcmp(w, cache_flag_words[f].word))
				break;
		if (f == ARRAY_SIZE(cache_flag_words))
			break;
		cc.flags |= cache_flag_words[f].flag;
	}
	ret = edumm_ioctl(ctl, EDUMM_IOC_CACHE_CREATE, &cc);
	if (ret)
		return fail("cache-create %s: %s", cc.name, strerror(-ret));
	ctl->last_cache = cc.cache;
	if (!ctl->quiet)
		printf("cache=%llu name=%s slab_size=%u objs_per_slab=%u order=%u\n",
		       (unsigned long long)cc.cache, cc.name, cc.slab_size,
		       cc.objs_per_slab, cc.order);
	return used;
}

static int cmd_cache_destroy(struct ctl *ctl)
{
	struct edumm_cache_ref r;
	int ret;

	if (parse_id(ctl->argv[0], ctl->last_cache, &r.cache))
		return -1;
	ret = edumm_ioctl(ctl, EDUMM_IOC_CACHE_DESTROY, &r);
	if (ret)
		return fail("cache-destroy %llu: %s", (unsigned long long)r.cache,
			    strerror(-ret));
	return 1;
}

static int cmd_cache_info(struct ctl *ctl)
{
	struct edumm_cache_query q;
	int used = 1, ret;

	memset(&q, 0, sizeof(q));
	if (parse_id(ctl->argv[0], ctl->last_cache, &q.cache))
		return -1;
	if (ctl->argc > 1 && !strcmp(ctl->argv[1], "validate")) {
		q.flags = EDUMM_CACHE_INFO_VALIDATE;
		used++;
	}
	ret = edumm_ioctl(ctl, EDUMM_IOC_CACHE_INFO, &q);
	if (ret)
		return fail("cache-info %llu: %s", (unsigned long long)q.cache,
			    strerror(-ret));
	printf("name: %s\ndesign: %s\nobject_size: %u\nslab_size: %u\n"
	       "align: %u\nobjs_per_slab: %u\norder: %u\nflags: %#x\n"
	       "active_objs: %llu\nnum_objs: %llu\nactive_slabs: %llu\n"
	       "num_slabs: %llu\nerrors: %llu\nobjects: %llu\n",
	       q.name, q.design <= EDUMM_DESIGN_SLOB ? design_words[q.design] : "?",
	       q.object_size, q.slab_size, q.align, q.objs_per_slab, q.order,
	       q.cache_flags, (unsigned long long)q.active_objs,
	       (unsigned long long)q.num_objs,
	       (unsigned long long)q.active_slabs,
	       (unsigned long long)q.num_slabs, (unsigned long long)q.errors,
	       (unsigned long long)q.objects);
	if (q.flags)
		printf("validate_errors: %llu\n",
		       (unsigned long long)q.validate_errors);
	return used;
}

static int cmd_cache_shrink(struct ctl *ctl)
{
	struct edumm_cache_shrink sh = { 0 };
	int ret;

	if (parse_id(ctl->argv[0], ctl->last_cache, &sh.cache))
		return -1;
	ret = edumm_ioctl(ctl, EDUMM_IOC_CACHE_SHRINK, &sh);
	if (ret)
		return fail("cache-shrink: %s", strerror(-ret));
	if (!ctl->quiet)
		printf("shrink: %llu pages back to the buddy\n",
		       (unsigned long long)sh.pages);
	return 1;
}

/* Optional words of obj-alloc and kmalloc: zero, high, rcl, dma, xN. */
static int parse_obj_opts(struct ctl *ctl, int first, bool kmalloc,
			  __u32 *flags, unsigned long *count)
{
	int i;

	for (i = first; i < ctl->argc; i++) {
		const char *w = ctl->argv[i];

		if (!strcmp(w, "zero"))
			*flags |= EDUMM_OBJ_ZERO;
		else if (!strcmp(w, "high"))
			*flags |= EDUMM_OBJ_HIGH;
		else if (kmalloc && !strcmp(w, "rcl"))
			*flags |= EDUMM_OBJ_RECLAIMABLE;
		else if (kmalloc && !strcmp(w, "dma"))
			*flags |= EDUMM_OBJ_DMA;
		else if (w[0] == 'x' && isdigit((unsigned char)w[1]))
			*count = strtoul(w + 1, NULL, 10);
		else
			break;
	}
	return i - first;
}

static int cmd_obj_alloc(struct ctl *ctl)
{
	struct edumm_obj_alloc a;
	unsigned long count = 1, i;
	__u32 flags = 0;
	__u64 cache;
	int used, ret;

	if (parse_id(ctl->argv[0], ctl->last_cache, &cache))
		return -1;
	used = parse_obj_opts(ctl, 1, false, &flags, &count);
	for (i = 0; i < count; i++) {
		memset(&a, 0, sizeof(a));
		a.cache = cache;
		a.flags = flags;
		ret = edumm_ioctl(ctl, EDUMM_IOC_OBJ_ALLOC, &a);
		if (ret)
			return fail("obj-alloc: %s", strerror(-ret));
		ctl->last_obj = a.object;
		if (!ctl->quiet)
			printf("object=%llu size=%llu\n",
			       (unsigned long long)a.object,
			       (unsigned long long)a.size);
	}
	return 1 + used;
}

/* obj-free (EDUMM_IOC_OBJ_FREE) and kfree (EDUMM_IOC_KFREE). */
static int free_obj(struct ctl *ctl, unsigned long cmd, const char *what)
{
	struct edumm_obj_ref r;
	int ret;

	if (parse_id(ctl->argv[0], ctl->last_obj, &r.object))
		return -1;
	ret = edumm_ioctl(ctl, cmd, &r);
	if (ret)
		return fail("%s %llu: %s", what, (unsigned long long)r.object,
			    strerror(-ret));
	return 1;
}

static int cmd_obj_free(struct ctl *ctl)
{
	return free_obj(ctl, EDUMM_IOC_OBJ_FREE, "obj-free");
}

static int cmd_kfree(struct ctl *ctl)
{
	return free_obj(ctl, EDUMM_IOC_KFREE, "kfree");
}

static int cmd_kmalloc(struct ctl *ctl)
{
	struct edumm_kmalloc km;
	unsigned long count = 1, i;
	__u32 flags = 0;
	__u64 size;
	int used, ret;

	if (parse_u64(ctl->argv[0], &size))
		return fail("kmalloc: bad size '%s'", ctl->argv[0]);
	used = parse_obj_opts(ctl, 1, true, &flags, &count);
	for (i = 0; i < count; i++) {
		memset(&km, 0, sizeof(km));
		km.size = size;
		km.flags = flags;
		ret = edumm_ioctl(ctl, EDUMM_IOC_KMALLOC, &km);
		if (ret)
			return fail("kmalloc %llu: %s", (unsigned long long)size,
				    strerror(-ret));
		ctl->last_obj = km.object;
		if (!ctl->quiet)
			printf("object=%llu size=%llu ksize=%llu\n",
			       (unsigned long long)km.object,
			       (unsigned long long)size,
			       (unsigned long long)km.ksize);
	}
	return 1 + used;
}

static int cmd_krealloc(struct ctl *ctl)
{
	struct edumm_krealloc kr;
	int ret;

	memset(&kr, 0, sizeof(kr));
	if (parse_id(ctl->argv[0], ctl->last_obj, &kr.object))
		return -1;
	if (parse_u64(ctl->argv[1], &kr.size))
		return fail("krealloc: bad size '%s'", ctl->argv[1]);
	ret = edumm_ioctl(ctl, EDUMM_IOC_KREALLOC, &kr);
	if (ret)
		return fail("krealloc: %s", strerror(-ret));
	if (!ctl->quiet)
		printf("object=%llu size=%llu ksize=%llu %s\n",
		       (unsigned long long)kr.object,
		       (unsigned long long)kr.size,
		       (unsigned long long)kr.ksize,
		       kr.moved ? "moved" : "in place");
	return 2;
}

static int cmd_ksize(struct ctl *ctl)
{
	struct edumm_ksize ks = { 0 };
	int ret;

	if (parse_id(ctl->argv[0], ctl->last_obj, &ks.object))
		return -1;
	ret = edumm_ioctl(ctl, EDUMM_IOC_KSIZE, &ks);
	if (ret)
		return fail("ksize: %s", strerror(-ret));
	printf("object=%llu size=%llu ksize=%llu\n",
	       (unsigned long long)ks.object, (unsigned long long)ks.size,
	       (unsigned long long)ks.ksize);
	return 1;
}

static int cmd_slabinfo(struct ctl *ctl)
{
	return cat_debugfs(ctl, "slabinfo", NULL);
}

static int cmd_kmalloc_info(struct ctl *ctl)
{
	return cat_debugfs(ctl, "kmalloc", NULL);
}

static int cmd_slab_stats(struct ctl *ctl)
{
	return cat_debugfs(ctl, "slab_stats", NULL);
}

/*** vmalloc areas and the page-table walker ***/

static int parse_size(const char *s, __u64 *bytes)
{
	size_t len = strlen(s);
	__u64 mult = 1, v;
	char buf[32];

	if (!len || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len + 1);
	if (buf[len - 1] == 'p') {
		mult = 4096;
		buf[len - 1] = '\0';
	} else if (buf[len - 1] == 'k') {
		mult = 1024;
		buf[len - 1] = '\0';
	}
	if (parse_u64(buf, &v) || v > ~0ULL / mult)
		return -1;
	*bytes = v * mult;
	return 0;
}

/* "last" or a number: the area handle. */
static int area_handle(struct ctl *ctl, const char *spec, __u64 *handle)
{
	if (!strcmp(spec, "last")) {
		if (!ctl->last_area)
			return fail("'last': no area allocated yet");
		*handle = ctl->last_area;
		return 0;
	}
	if (parse_u64(spec, handle))
		return fail("'%s' is not an area handle", spec);
	return 0;
}

static int cmd_vmalloc(struct ctl *ctl)
{
	struct edumm_vmalloc req = { 0 };
	int ret;

	if (parse_size(ctl->argv[0], &req.size))
		return fail("vmalloc: '%s' is not a size (N, Nk or Np)", ctl->argv[0]);
	ret = edumm_ioctl(ctl, EDUMM_IOC_VMALLOC, &req);
	if (ret)
		return fail_errno(-ret, "EDUMM_IOC_VMALLOC");
	ctl->last_area = req.handle;
	ctl->last_area_pages = req.nr_pages;
	ctl->last_area_offset = req.mmap_offset;
	if (!ctl->quiet)
		printf("area=%llu pages=%llu mmap_offset=%#llx\n",
		       (unsigned long long)req.handle, (unsigned long long)req.nr_pages,
		       (unsigned long long)req.mmap_offset);
	return 1;
}

static int cmd_vfree(struct ctl *ctl)
{
	struct edumm_handle h;
	int ret;

	if (area_handle(ctl, ctl->argv[0], &h.handle))
		return -1;
	if (ctl->area_map && h.handle == ctl->last_area) {
		munmap(ctl->area_map, ctl->area_map_len);
		ctl->area_map = NULL;
	}
	ret = edumm_ioctl(ctl, EDUMM_IOC_VFREE, &h);
	if (ret)
		return fail_errno(-ret, "EDUMM_IOC_VFREE");
	if (!ctl->quiet)
		printf("vfree area=%llu\n", (unsigned long long)h.handle);
	return 1;
}

static int cmd_vdescribe(struct ctl *ctl)
{
	struct edumm_vdescribe d = { 0 };
	__u64 *pfns, i, gaps = 0;
	int ret;

	if (area_handle(ctl, ctl->argv[0], &d.handle))
		return -1;
	/* first the size, then the pfns: a short buffer is truncated */
	ret = edumm_ioctl(ctl, EDUMM_IOC_VDESCRIBE, &d);
	if (ret)
		return fail_errno(-ret, "EDUMM_IOC_VDESCRIBE");
	pfns = calloc(d.nr_pages, sizeof(*pfns));
	if (!pfns)
		return fail("out of memory");
	d.pfns = (uintptr_t)pfns;
	d.pfn_count = d.nr_pages;
	ret = edumm_ioctl(ctl, EDUMM_IOC_VDESCRIBE, &d);
	if (ret) {
		free(pfns);
		return fail_errno(-ret, "EDUMM_IOC_VDESCRIBE");
	}
	printf("area=%llu pages=%llu size=%llu (guard page included) start=%#llx%s\n",
	       (unsigned long long)d.handle, (unsigned long long)d.nr_pages,
	       (unsigned long long)d.size, (unsigned long long)d.addr,
	       d.flags & EDUMM_VDESC_ADDR_REAL ? "" : " (hashed or hidden: kptr_restrict)");
	for (i = 0; i < d.pfn_count; i++) {
		bool gap = i && pfns[i] != pfns[i - 1] + 1;

		gaps += gap;
		printf("  page %4llu  pfn %#llx%s\n", (unsigned long long)i,
		       (unsigned long long)pfns[i], gap ? "  (not next to the one before)" : "");
	}
	printf("  %llu of %llu neighbours physically apart\n", (unsigned long long)gaps,
	       d.pfn_count ? (unsigned long long)d.pfn_count - 1 : 0ULL);
	free(pfns);
	return 1;
}

static int cmd_vmap(struct ctl *ctl)
{
	__u64 handle;
	void *p;

	if (area_handle(ctl, ctl->argv[0], &handle))
		return -1;
	if (handle != ctl->last_area)
		return fail("vmap: only the last area can be mapped");
	p = mmap(NULL, ctl->last_area_pages * ctl->page_size, PROT_READ | PROT_WRITE,
		 MAP_SHARED, ctl->fd, ctl->last_area_offset);
	if (p == MAP_FAILED)
		return fail_errno(errno, "mmap of the area");
	memset(p, 0x5a, ctl->last_area_pages * ctl->page_size);
	ctl->area_map = p;
	ctl->area_map_len = ctl->last_area_pages * ctl->page_size;
	if (!ctl->quiet)
		printf("area=%llu mapped at %p (written: 0x5a)\n",
		       (unsigned long long)handle, p);
	return 1;
}

static int cmd_vmallocinfo(struct ctl *ctl)
{
	return cat_debugfs(ctl, "vmallocinfo", NULL);
}

static const char * const level_names[] = { "?", "PGD", "P4D", "PUD", "PMD", "PTE" };

static void print_flags(__u64 flags, __u32 level)
{
	static const struct {
		__u64 bit;
		const char *name;
	} bits[] = {
		{ EDUMM_PTE_P, "P" }, { EDUMM_PTE_RW, "RW" }, { EDUMM_PTE_US, "US" },
		{ EDUMM_PTE_PWT, "PWT" }, { EDUMM_PTE_PCD, "PCD" }, { EDUMM_PTE_A, "A" },
		{ EDUMM_PTE_D, "D" }, { EDUMM_PTE_PSE, "PSE" }, { EDUMM_PTE_G, "G" },
		{ EDUMM_PTE_NX, "NX" },
	};
	int len = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		if (!(flags & bits[i].bit))
			continue;
		len += printf(" %s", bits[i].bit == EDUMM_PTE_PSE &&
			      level == EDUMM_PGLEVEL_PTE ? "PAT" : bits[i].name);
	}
	printf("%*s", len < 22 ? 22 - len : 0, "");
}

/* The walk as the seeds draw it: the address cut into 9-bit indexes. */
static void print_walk(const struct edumm_pgwalk *w, const char *what)
{
	static const char * const four[] = { "PGD", "PUD", "PMD", "PTE" };
	static const char * const five[] = { "PGD", "P4D", "PUD", "PMD", "PTE" };
	const char * const *names = w->paging_levels == 5 ? five : four;
	bool real = w->out_flags & EDUMM_PGWALK_ADDR_REAL;
	unsigned int top = 12 + 9 * w->paging_levels - 1, i;
	__u64 va = w->vaddr;

	printf("walk of %s %#018llx, %u-level paging\n", what, (unsigned long long)va,
	       w->paging_levels);
	if (real) {
		printf("  bits %u..63: sign extension %#llx\n", top + 1,
		       (unsigned long long)(va >> (top + 1)));
		for (i = 0; i < w->paging_levels; i++) {
			unsigned int shift = 12 + 9 * (w->paging_levels - 1 - i);

			printf("  bits %2u..%2u  %-3s index %3llu\n", shift + 8, shift,
			       names[i], (unsigned long long)((va >> shift) & 511));
		}
		printf("  bits 11..0   offset %#llx\n", (unsigned long long)(va & 4095));
	} else {
		printf("  (the address is hashed under kptr_restrict: no indexes shown)\n");
	}
	for (i = 0; i < w->nr_entries; i++) {
		const struct edumm_pgwalk_entry *e = &w->entries[i];
		bool present = e->flags & EDUMM_PTE_P;
		bool leaf = i == w->nr_entries - 1 && w->result == EDUMM_PGWALK_MAPPED;

		printf("  %s[%3u] = %#018llx ", level_names[e->level < 6 ? e->level : 0],
		       e->index, (unsigned long long)e->value);
		print_flags(e->flags, e->level);
		if (!present)
			printf(" not present\n");
		else if (leaf)
			printf(" -> page frame %#llx\n", (unsigned long long)e->pfn);
		else
			printf(" -> next table at pfn %#llx\n", (unsigned long long)e->pfn);
	}
	if (w->result == EDUMM_PGWALK_MAPPED)
		printf("  => physical address %#llx (pfn %#llx, a %llu KiB page)%s\n",
		       (unsigned long long)w->phys, (unsigned long long)w->pfn,
		       (unsigned long long)w->page_size >> 10,
		       w->out_flags & EDUMM_PGWALK_LOOKUP_OK ? ", lookup_address() agrees" : "");
	else
		printf("  => not present at %s%s\n", level_names[w->stop_level < 6 ?
		       w->stop_level : 0],
		       w->out_flags & EDUMM_PGWALK_LOOKUP_OK ? ", lookup_address() agrees" : "");
}

static int cmd_pgwalk(struct ctl *ctl)
{
	const char *spec = ctl->argv[0];
	struct edumm_pgwalk w = { .mode = EDUMM_PGWALK_USER };
	int stack_var = 1, ret;
	__u64 addr;

	if (!strcmp(spec, "stack")) {
		addr = (uintptr_t)&stack_var;
	} else if (!strcmp(spec, "touched") || !strcmp(spec, "untouched")) {
		if (!ctl->scratch) {
			/* two pages of one page table: the first written, the second not */
			ctl->scratch = mmap(NULL, 4 * ctl->page_size, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (ctl->scratch == MAP_FAILED) {
				ctl->scratch = NULL;
				return fail_errno(errno, "mmap");
			}
			if (((uintptr_t)ctl->scratch >> 21) !=
			    (((uintptr_t)ctl->scratch + ctl->page_size) >> 21))
				ctl->scratch += 2 * ctl->page_size;
			ctl->scratch[0] = 1;
		}
		addr = (uintptr_t)ctl->scratch + (spec[0] == 'u' ? ctl->page_size : 0);
	} else if (!strcmp(spec, "vmap")) {
		if (!ctl->area_map)
			return fail("pgwalk vmap: no area mapped (see vmap)");
		addr = (uintptr_t)ctl->area_map;
	} else if (parse_u64(spec, &addr)) {
		return fail("pgwalk: '%s' is not an address", spec);
	}
	w.addr = addr;
	ret = edumm_ioctl(ctl, EDUMM_IOC_PGWALK, &w);
	if (ret)
		return fail_errno(-ret, "EDUMM_IOC_PGWALK");
	print_walk(&w, "user address");
	return 1;
}

static int cmd_vwalk(struct ctl *ctl)
{
	struct edumm_pgwalk w = { .mode = EDUMM_PGWALK_VMALLOC };
	int ret;

	if (area_handle(ctl, ctl->argv[0], &w.handle) ||
	    parse_u64(ctl->argv[1], &w.offset))
		return fail("vwalk: needs an area and a byte offset");
	ret = edumm_ioctl(ctl, EDUMM_IOC_PGWALK, &w);
	if (ret)
		return fail_errno(-ret, "EDUMM_IOC_PGWALK");
	print_walk(&w, "kernel (vmalloc) address");
	return 2;
}

static const struct ctl_cmd ctl_cmds[] = {
	{ "version", 0, cmd_version, "",
	  "print the module's interface version" },
	{ "info", 0, cmd_info, "",
	  "print EDUMM_IOC_INFO (pool, free, pcp, allocated pages)" },
	{ "alloc", 1, cmd_alloc, "ORDER [TYPE] [FLAG]... [xN]",
	  "allocate a block of 2^ORDER pages and print\n"
	  "\thandle=H pfn=P order=O; TYPE: unmovable, movable (default)\n"
	  "\tor reclaimable; FLAG: high, nowmark or nopcp; xN: N times" },
	{ "free", 1, cmd_free, "H|last|all",
	  "free a block (unmapping it first if mapped)" },
	{ "mmap", 1, cmd_mmap, "H|last", "map a block read/write, shared" },
	{ "munmap", 1, cmd_munmap, "H|last", "unmap a block" },
	{ "fill", 2, cmd_fill, "H|last BYTE", "memset a mapped block" },
	{ "verify", 2, cmd_verify, "H|last BYTE",
	  "fail unless every byte of a mapped block is BYTE" },
	{ "buddyinfo", 0, cmd_buddyinfo, "", "print debugfs edumm/buddyinfo" },
	{ "pagetypeinfo", 0, cmd_pagetypeinfo, "",
	  "print debugfs edumm/pagetypeinfo" },
	{ "zoneinfo", 0, cmd_zoneinfo, "", "print debugfs edumm/zoneinfo" },
	{ "pool", 0, cmd_pool, "", "print debugfs edumm/pool" },
	{ "check", 0, cmd_check, "",
	  "run the invariant checker; fail unless it says ok" },
	{ "drain", 0, cmd_drain, "",
	  "flush every per-CPU list into the buddy free lists" },
	{ "control", 1, cmd_control, "WORD", "write WORD to edumm/control" },
	{ "sleep", 1, cmd_sleep, "SEC", "sleep (fractions allowed)" },
	{ "echo", 1, cmd_echo, "TEXT", "print TEXT (one argument)" },
	{ "cache-create", 2, cmd_cache_create,
	  "NAME SIZE [DESIGN] [align=N] [FLAG]...",
	  "create a slab cache and print cache=ID ...; DESIGN: slub, slab,\n"
	  "\tslob or default (slab_design=); FLAG: hwalign, poison, redzone,\n"
	  "\tuser, checks, rcu, reclaim, dma, ctor" },
	{ "cache-destroy", 1, cmd_cache_destroy, "ID|last",
	  "destroy a cache (fails with objects in it)" },
	{ "cache-info", 1, cmd_cache_info, "ID|last [validate]",
	  "print EDUMM_IOC_CACHE_INFO, optionally validating first" },
	{ "cache-shrink", 1, cmd_cache_shrink, "ID|last",
	  "give a cache's empty slabs back to the buddy" },
	{ "obj-alloc", 1, cmd_obj_alloc, "ID|last [zero] [high] [xN]",
	  "allocate objects from a cache, print object=H size=S" },
	{ "obj-free", 1, cmd_obj_free, "H|last", "free a cache object" },
	{ "kmalloc", 1, cmd_kmalloc, "SIZE [zero] [high] [rcl|dma] [xN]",
	  "kmalloc SIZE bytes, print object=H size=S ksize=K" },
	{ "kfree", 1, cmd_kfree, "H|last", "kfree a kmalloc object" },
	{ "krealloc", 2, cmd_krealloc, "H|last SIZE",
	  "krealloc a kmalloc object (in place or moved)" },
	{ "ksize", 1, cmd_ksize, "H|last", "print the size and ksize of an object" },
	{ "slabinfo", 0, cmd_slabinfo, "",
	  "print debugfs edumm/slabinfo (/proc/slabinfo format)" },
	{ "kmalloc-info", 0, cmd_kmalloc_info, "",
	  "print debugfs edumm/kmalloc (per class)" },
	{ "slab-stats", 0, cmd_slab_stats, "",
	  "print debugfs edumm/slab_stats" },
	{ "vmalloc", 1, cmd_vmalloc, "SIZE",
	  "allocate a vmalloc area of SIZE bytes (Nk: KiB, Np: pages)\n"
	  "\tand print area=A pages=N mmap_offset=O" },
	{ "vfree", 1, cmd_vfree, "A|last", "free a vmalloc area" },
	{ "vdescribe", 1, cmd_vdescribe, "A|last",
	  "print an area's size, kernel start and the pfn of each page" },
	{ "vmap", 1, cmd_vmap, "last", "mmap the last area and write 0x5a to it" },
	{ "vmallocinfo", 0, cmd_vmallocinfo, "", "print debugfs edumm/vmallocinfo" },
	{ "pgwalk", 1, cmd_pgwalk, "ADDR|stack|touched|untouched|vmap",
	  "walk a user address of this process through its page tables\n"
	  "\t(touched/untouched: a written and a never-touched anonymous\n"
	  "\tpage; vmap: the first page of the area mapped by vmap)" },
	{ "vwalk", 2, cmd_vwalk, "A|last OFFSET",
	  "walk the kernel address of byte OFFSET of an area" },
};

#define NR_CTL_CMDS	ARRAY_SIZE(ctl_cmds)

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"Usage: %s [-q] [-d DEV] [-D DEBUGFS_DIR] CMD [ARGS] [CMD [ARGS]]...\n"
		"\n"
		"Runs the commands in order, in one process holding one open\n"
		"DEV (default " DEFAULT_DEV "). Blocks still allocated at exit\n"
		"are freed by the module when the file is closed.\n"
		"\n"
		"  -q            do not print alloc/free/mmap/verify results\n"
		"  -d DEV        device node\n"
		"  -D DIR        debugfs directory (default " DEFAULT_DEBUGFS ")\n"
		"  -h, --help    this text\n"
		"\n"
		"Commands:\n", progname);
	for (i = 0; i < NR_CTL_CMDS; i++)
		fprintf(out, "  %s%s%s\n\t%s\n", ctl_cmds[i].name,
			*ctl_cmds[i].args ? " " : "", ctl_cmds[i].args,
			ctl_cmds[i].help);
	fprintf(out,
		"\nExample:\n"
		"  %s alloc 3 buddyinfo free last drain buddyinfo check\n"
		"\nExit status: 0 on success, 1 when a command fails, 2 on a\n"
		"bad command line.\n", progname);
}

static const struct ctl_cmd *lookup_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NR_CTL_CMDS; i++)
		if (!strcmp(ctl_cmds[i].name, name))
			return &ctl_cmds[i];
	return NULL;
}

/* Check the whole command line before running anything. */
static int validate_cmds(int argc, char **argv)
{
	const struct ctl_cmd *c;
	int i = 0;

	while (i < argc) {
		c = lookup_cmd(argv[i]);
		if (!c) {
			fail("unknown command '%s' (see --help)", argv[i]);
			return -1;
		}
		if (argc - i - 1 < c->min_args) {
			fail("%s: needs %s", c->name, c->args);
			return -1;
		}
		i += 1 + c->min_args;
		if (c->run == cmd_alloc) {
			__u32 mt = 0, flags = 0;
			unsigned long count = 1;
			int used = parse_alloc_opts(argc - i, argv + i, &mt,
						    &flags, &count);

			if (used < 0)
				return -1;
			i += used;
		}
		/* optional words of the slab commands: anything not a command */
		if (c->run == cmd_cache_create || c->run == cmd_cache_info ||
		    c->run == cmd_obj_alloc || c->run == cmd_kmalloc)
			while (i < argc && !lookup_cmd(argv[i]))
				i++;
	}
	return 0;
}

static int run_cmds(struct ctl *ctl, int argc, char **argv)
{
	const struct ctl_cmd *c;
	int i = 0, ret;

	while (i < argc) {
		c = lookup_cmd(argv[i]);
		ctl->argc = argc - i - 1;
		ctl->argv = argv + i + 1;
		ret = c->run(ctl);
		if (ret < 0)
			return -1;
		fflush(stdout);
		/* A command returns how many arguments it consumed. */
		i += 1 + ret;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ctl ctl = {
		.fd = -1,
		.dev = DEFAULT_DEV,
		.debugfs = DEFAULT_DEBUGFS,
	};
	int i, ret;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "-q")) {
			ctl.quiet = true;
		} else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			ctl.dev = argv[++i];
		} else if (!strcmp(argv[i], "-D") && i + 1 < argc) {
			ctl.debugfs = argv[++i];
		} else {
			fail("unknown option '%s'", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i == argc) {
		usage(stderr);
		return 2;
	}
	if (validate_cmds(argc - i, argv + i))
		return 2;

	ctl.page_size = sysconf(_SC_PAGESIZE);
	ctl.fd = open(ctl.dev, O_RDWR | O_CLOEXEC);
	if (ctl.fd < 0) {
		fail_errno(errno, ctl.dev);
		return 1;
	}
	ret = run_cmds(&ctl, argc - i, argv + i);
	close(ctl.fd);
	free(ctl.blocks);
	return ret ? 1 : 0;
}
