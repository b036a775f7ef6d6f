// SPDX-License-Identifier: GPL-2.0
/*
 * gen_seeds.c - write the hand-made seed corpora of the fuzz targets.
 *
 *   gen_seeds DIR      (make seeds: DIR is corpus/)
 *
 * Each seed is a small script in the format of fuzz_script.h that walks one
 * path of the core on purpose (exhaustion, fallback and stealing, pcp
 * spills, buddies across zones, every kind of bad free...), named after
 * what it does, so that the fuzzer starts from every corner at once.
 * Files are overwritten; files that libFuzzer merged into corpus/ (named
 * by their SHA-1) are left alone.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_script.h"

/* The few core constants the scripts use (edumm_core.h needs the shim). */
#define AF_HIGH		1
#define AF_NO_WMARK	2
#define AF_NO_PCP	4
#define UNMOV		0
#define MOV		1
#define RECL		2

/* Layout indexes of fuzz_buddy.c */
enum { ONE_ZONE, GAPS, ADJACENT, ZONES, NODES, SPARSE_NODES, TINY, REALISTIC };

static unsigned char buf[4096];
static size_t len;
static const char *dir;

static void b(int v)
{
	if (len == sizeof(buf)) {
		fprintf(stderr, "gen_seeds: seed too long\n");
		exit(1);
	}
	buf[len++] = (unsigned char)v;
}

static void start(int layout, int cpus, int node)
{
	len = 0;
	b(layout);
	b((cpus - 1) | node << 2);
}

static void save(const char *target, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/*** fuzz_buddy operations ***/

static void alloc(int order, int mt, int flags, int cpu, int node)
{
	b(FZ_B_ALLOC);
	b(FZ_A(order, mt));
	b(FZ_CTX(flags, cpu, node));
}

static void alloc_many(int order, int mt, int flags, int cpu, int n)
{
	b(FZ_B_ALLOC_MANY);
	b(FZ_A(order, mt));
	b(FZ_CTX(flags, cpu, 0));
	b(n - 1);
}

static void free_(int idx, int cpu)
{
	b(FZ_B_FREE);
	b(idx);
	b(FZ_CTX(0, cpu, 0));
}

static void free_many(int n, int first, int cpu)
{
	b(FZ_B_FREE_MANY);
	b(n - 1);
	b(first);
	b(FZ_CTX(0, cpu, 0));
}

static void bad_free(int kind, int x, int y)
{
	b(FZ_B_BAD_FREE);
	b(kind);
	b(x);
	b(y);
}

static void bad_alloc(int kind, int x)
{
	b(FZ_B_BAD_ALLOC);
	b(kind);
	b(x);
}

static void drain_all(void)
{
	b(FZ_B_DRAIN);
	b(0);
	b(0);
	b(0);
}

static void drain_one(int zone, int cpu)
{
	b(FZ_B_DRAIN);
	b(1);
	b(zone);
	b(cpu);
}

static void wmark(int zone, int order, int flags, int m)
{
	b(FZ_B_WMARK);
	b(zone);
	b(order | flags << 4);
	b(m);
}

static void show(int which)
{
	b(FZ_B_SHOW);
	b(which);
	b(0);
}

static void fault(int interval, int probability, int times, int space8)
{
	b(FZ_B_FAULT);
	b(interval - 1);
	b(probability);
	b((times + 1) | (space8 ? 0x80 : 0));
}

static void smoke(int layout)
{
	char name[64];
	int o;

	static const char * const names[] = {
		"one_zone", "gaps", "adjacent", "zones", "nodes", "sparse_nodes", "tiny",
		"realistic",
	};

	start(layout, 2, 0);
	for (o = 0; o <= 10; o++)
		alloc(o, o % 3, 0, o & 1, o % 3);
	free_(3, 1);
	free_(0, 0);
	bad_free(FZ_BAD_DOUBLE, 0, 0);
	bad_free(FZ_BAD_TAIL, 1, 5);
	bad_free(FZ_BAD_ORDER, 2, 0xc1);
	bad_free(FZ_BAD_OUTSIDE, 0, 3);
	bad_free(FZ_BAD_FREE_HEAD, 100, 0);
	wmark(0, 0, 0, 1);
	show(0);
	show(1);
	show(2);
	show(3);
	drain_all();
	snprintf(name, sizeof(name), "smoke_%s", names[layout]);
	save("fuzz_buddy", name);
}

static void gen_buddy(void)
{
	int i;

	for (i = 0; i < FZ_NR_LAYOUTS; i++)
		smoke(i);

	/* order-0 pages until the low, then the min watermark stops us */
	start(TINY, 1, 0);
	for (i = 0; i < 8; i++)
		alloc_many(0, MOV, 0, 0, 64);
	alloc_many(0, MOV, AF_HIGH, 0, 64);
	alloc_many(0, MOV, AF_NO_WMARK, 0, 64);
	free_many(64, 0, 0);
	save("fuzz_buddy", "exhaust_tiny_order0");

	/* the same on four CPUs: pcp lists hold pages the slow path drains */
	start(ONE_ZONE, 4, 0);
	for (i = 0; i < 34; i++)
		alloc_many(0, i % 3, 0, i & 3, 64);
	alloc(0, UNMOV, AF_NO_WMARK, 3, 0);
	free_many(64, 7, 2);
	drain_one(0, 2);
	save("fuzz_buddy", "exhaust_one_zone_4cpus");

	/* every order-10 block, then one more; free and re-merge */
	start(REALISTIC, 2, 1);
	alloc_many(10, MOV, AF_NO_PCP, 0, 8);
	alloc(10, UNMOV, AF_NO_WMARK, 1, 0);
	alloc_many(9, RECL, AF_NO_WMARK, 1, 8);
	free_many(16, 0, 0);
	save("fuzz_buddy", "max_order_realistic");

	/* unmovable and reclaimable requests raid Movable pageblocks */
	start(ONE_ZONE, 2, 0);
	alloc_many(0, UNMOV, 0, 0, 40);
	alloc_many(3, RECL, 0, 1, 20);
	alloc_many(5, UNMOV, AF_NO_PCP, 0, 6);
	alloc_many(0, MOV, 0, 1, 64);
	free_many(30, 5, 0);
	alloc_many(8, MOV, 0, 0, 3);
	show(1);
	save("fuzz_buddy", "steal_pageblocks");

	/* fill CPU 0's lists, free on CPU 1 past pcp->high: spills */
	start(ONE_ZONE, 2, 0);
	alloc_many(0, MOV, 0, 0, 64);
	alloc_many(0, MOV, 0, 0, 64);
	free_many(64, 0, 1);
	free_many(64, 0, 1);
	save("fuzz_buddy", "pcp_spill");

	/* an order-2/3 free right after a spill flushes the whole cache */
	start(GAPS, 2, 0);
	alloc_many(0, MOV, 0, 0, 64);
	alloc_many(2, MOV, 0, 0, 8);
	alloc_many(3, UNMOV, 0, 0, 8);
	free_many(64, 0, 0);
	free_many(16, 0, 0);
	save("fuzz_buddy", "pcp_free_high");

	/* 0x100400 (Normal) and 0x100600 (Movable): buddies, never merged */
	start(ZONES, 1, 0);
	alloc(9, MOV, AF_NO_WMARK, 0, 0);
	alloc(9, UNMOV, AF_NO_WMARK, 0, 0);
	alloc(9, UNMOV, AF_NO_WMARK, 0, 0);
	alloc(9, UNMOV, AF_NO_WMARK, 0, 0);
	free_(0, 0);
	free_(0, 0);
	show(0);
	save("fuzz_buddy", "cross_zone_buddies");

	/* a CPU on a node without pool memory; then each node in turn */
	start(NODES, 2, 3);
	alloc_many(0, MOV, 0, 0, 16);
	alloc(4, UNMOV, 0, 1, 1);
	alloc(4, MOV, 0, 1, 0);
	alloc_many(10, MOV, AF_NO_WMARK, 1, 4);
	free_many(8, 0, 0);
	save("fuzz_buddy", "remote_node");

	start(SPARSE_NODES, 3, 1);
	alloc_many(1, MOV, 0, 2, 64);
	alloc_many(1, UNMOV, 0, 1, 64);
	alloc_many(9, RECL, AF_NO_WMARK, 0, 3);
	free_many(64, 3, 0);
	save("fuzz_buddy", "sparse_nodes_fill");

	/* two order-9 chunks merged into one order-10 block */
	start(ADJACENT, 1, 0);
	alloc(10, MOV, AF_NO_PCP, 0, 0);
	alloc(10, MOV, AF_NO_PCP, 0, 0);
	alloc(9, MOV, 0, 0, 0);
	alloc(9, MOV, 0, 0, 0);
	free_(0, 0);
	free_(0, 0);
	alloc(10, MOV, AF_NO_WMARK, 0, 0);
	save("fuzz_buddy", "adjacent_chunks_merge");

	/* every kind of refused free, twice */
	start(REALISTIC, 2, 0);
	alloc(0, MOV, 0, 0, 0);
	alloc(3, UNMOV, 0, 1, 0);
	alloc(6, RECL, 0, 0, 0);
	alloc(10, MOV, 0, 0, 0);
	free_(0, 0);
	for (i = 0; i < 2 * FZ_NR_BAD; i++)
		bad_free(i, 1 + i * 37, i * 53);
	bad_free(FZ_BAD_ORDER, 1, 0xff);
	bad_free(FZ_BAD_OUTSIDE, 0, 1);
	save("fuzz_buddy", "bad_frees");

	/* out-of-range arguments of alloc */
	start(ONE_ZONE, 1, 0);
	for (i = 0; i < 8; i++) {
		bad_alloc(FZ_BADA_ORDER, i);
		bad_alloc(FZ_BADA_MT, i);
		bad_alloc(FZ_BADA_FLAGS, i * 9);
	}
	save("fuzz_buddy", "bad_allocs");

	/* fault injection: every call, the 3rd, and after 8 pages */
	start(ONE_ZONE, 2, 0);
	fault(1, 100, 2, 0);
	alloc_many(0, MOV, 0, 0, 4);
	fault(3, 100, -1, 0);
	alloc_many(1, UNMOV, AF_NO_PCP, 1, 9);
	fault(1, 100, 1, 1);
	alloc_many(2, MOV, 0, 0, 4);
	fault(1, 0, 0, 0);
	free_many(10, 0, 0);
	save("fuzz_buddy", "fault_injection");

	/* watermark queries at every mark, order and flag */
	start(TINY, 1, 0);
	for (i = 0; i < 8; i++)
		wmark(0, i, i & AF_HIGH, i);
	alloc_many(0, MOV, AF_NO_WMARK, 0, 64);
	alloc_many(0, MOV, AF_NO_WMARK, 0, 64);
	for (i = 0; i < 8; i++)
		wmark(0, i & 3, AF_HIGH, i | 0x40);
	save("fuzz_buddy", "watermarks");

	/* lists on four CPUs, drained one at a time */
	start(NODES, 4, 0);
	for (i = 0; i < 4; i++)
		alloc_many(i % 4, i % 3, 0, i, 32);
	free_many(64, 0, 1);
	free_many(64, 0, 2);
	for (i = 0; i < 8; i++)
		drain_one(i, i);
	save("fuzz_buddy", "drain_per_cpu");

	/* bypass the pcp lists */
	start(GAPS, 2, 0);
	alloc_many(0, UNMOV, AF_NO_PCP, 0, 64);
	alloc_many(3, MOV, AF_NO_PCP | AF_HIGH, 1, 64);
	free_many(64, 0, 1);
	save("fuzz_buddy", "no_pcp");
}

/*** fuzz_pool_init tables ***/

static void ptable(int cpus, int fail_nth, int big_nr)
{
	len = 0;
	b((cpus - 1) | (big_nr ? 0x80 : 0));
	b(fail_nth ? 0x80 | (fail_nth - 1) : 0);
}

/* order code: 9 or 10, or an index into fz_odd_orders[] (| 0x100) */
static void chunk(int ocode, unsigned long k, int mode, int nid_sel, int zone_sel)
{
	b(ocode & 0x100 ? 0xf0 | (ocode & 15) : ocode - 9);
	b(k & 0xff);
	b(k >> 8);
	b(FZ_REC_M(nid_sel, mode));
	b(zone_sel);
}

/* chunk at a pfn, encoded as k << 9 */
static void c9(int order, unsigned long pfn, int nid_sel, int zone)
{
	chunk(order, pfn >> 9, FZ_PFN_SHIFT9, nid_sel, zone);
}

#define DMA 0
#define DMA32 1
#define NORMAL 2
#define MOVABLE 3

static void realistic(void)
{
	c9(9, 0x200400, 1, NORMAL);
	c9(9, 0x10a00, 0, DMA32);
	c9(10, 0x100000, 0, NORMAL);
	c9(10, 0x10000, 0, DMA32);
	c9(9, 0x11200, 0, DMA32);
	c9(10, 0x200000, 1, NORMAL);
	c9(9, 0x10800, 0, DMA32);
	c9(10, 0x100400, 0, NORMAL);
}

static void gen_pool_init(void)
{
	char name[64];
	int i;

	ptable(1, 0, 0);
	c9(9, 0x7fe00, 0, DMA32);
	save("fuzz_pool_init", "one_order9");

	ptable(2, 0, 0);
	c9(10, 0x40000, 0, DMA32);
	save("fuzz_pool_init", "one_order10");

	/* the module's default: 64 MiB as 16 order-10 chunks */
	ptable(2, 0, 0);
	for (i = 0; i < 16; i++)
		c9(10, 0x40000 + i * 1024, 0, DMA32);
	save("fuzz_pool_init", "simple_64mib");

	ptable(4, 0, 0);
	realistic();
	save("fuzz_pool_init", "realistic");

	/* buddies by pfn: merged in one zone, not across two */
	ptable(1, 0, 0);
	c9(9, 0x20200, 0, NORMAL);
	c9(9, 0x20000, 0, NORMAL);
	c9(9, 0x30000, 0, NORMAL);
	c9(9, 0x30200, 0, MOVABLE);
	save("fuzz_pool_init", "buddy_chunks");

	/* five nodes, the highest node id, every zone type */
	ptable(8, 0, 0);
	for (i = 0; i < 6; i++)
		c9(9 + (i & 1), 0x100000 + i * 0x10000, i, i % 4);
	save("fuzz_pool_init", "many_nodes");

	/* invalid tables */
	ptable(1, 0, 0);
	c9(10, 0x40000, 0, DMA32);
	c9(9, 0x40200, 0, DMA32);
	save("fuzz_pool_init", "overlap");

	ptable(1, 0, 0);
	c9(9, 0x40000, 0, DMA32);
	c9(9, 0x40000, 1, NORMAL);
	save("fuzz_pool_init", "duplicate");

	ptable(1, 0, 0);
	c9(10, 0x40200, 0, DMA32);
	save("fuzz_pool_init", "misaligned");

	ptable(1, 0, 0);
	chunk(0x100 | 2, 0x40000 >> 9, FZ_PFN_SHIFT9, 0, DMA32);	/* order 8 */
	chunk(0x100 | 3, 0x50000 >> 9, FZ_PFN_SHIFT9, 0, DMA32);	/* order 11 */
	save("fuzz_pool_init", "bad_order");

	ptable(1, 0, 0);
	c9(9, 0x40000, 6, DMA32);					/* nid 64 */
	c9(9, 0x50000, 7, DMA32);					/* nid -1 */
	save("fuzz_pool_init", "bad_nid");

	ptable(1, 0, 0);
	c9(9, 0x40000, 0, 4);
	c9(9, 0x50000, 0, 5);
	save("fuzz_pool_init", "bad_zone");

	/* an empty table, and nr > U16_MAX */
	ptable(1, 0, 1);
	save("fuzz_pool_init", "empty_and_too_many");

	/* chunks at the very top of the pfn space */
	ptable(1, 0, 0);
	chunk(9, 0, FZ_PFN_TOP, 0, NORMAL);
	chunk(10, 3, FZ_PFN_TOP, 0, NORMAL);
	save("fuzz_pool_init", "top_of_pfn_space");

	/* raw pfns: one aligned, one not */
	ptable(1, 0, 0);
	chunk(9, 0xfe00, FZ_PFN_RAW, 0, DMA);
	chunk(9, 0x1234, FZ_PFN_RAW, 0, DMA);
	save("fuzz_pool_init", "raw_pfns");

	/* the n-th metadata allocation fails */
	for (i = 1; i <= 10; i += 3) {
		ptable(2, i, 0);
		realistic();
		snprintf(name, sizeof(name), "enomem_%d", i);
		save("fuzz_pool_init", name);
	}
	ptable(1, 2, 0);
	c9(10, 0x40200, 0, DMA32);
	save("fuzz_pool_init", "enomem_invalid");
}

/*** fuzz_slab ***/

/* size index of fuzz_slab.c's fz_sizes[]: 1 8 16 24 40 64 96 100 128 ... */
enum { SZ1, SZ8, SZ16, SZ24, SZ40, SZ64, SZ96, SZ100, SZ128, SZ192, SZ256, SZ500,
       SZ1000, SZ2048, SZ4096, SZ9000 };
enum { SLUB, SLAB, SLOB };
#define F_POISON	2
#define F_RZ		4
#define F_USER		8
#define F_CHECKS	16
#define F_RCU		32
#define F_RCL		64
#define F_DMA		128
#define F_DEBUG		(F_POISON | F_RZ | F_USER | F_CHECKS)

static void s_start(int cpus, int kdesign, int layout)
{
	len = 0;
	b((cpus - 1) | kdesign << 2 | layout << 6);
}

static void s_create(int slot, int size, int design, int flags)
{
	b(FZS_CREATE);
	b(slot);
	b(size << 4 | design);
	b(flags);
	b(0);
}

static void s_alloc(int slot, int n, int cpu)
{
	b(FZS_ALLOC);
	b(slot);
	b((n - 1) | cpu << 3);
}

static void s_free(int i, int n, int cpu)
{
	b(FZS_FREE);
	b(i);
	b((n - 1) | cpu << 2);
}

static void s_misc(int k, int x)
{
	b(FZS_MISC);
	b(k);
	b(x);
}

static void s_kmalloc(int size, int gfp, int cpu)
{
	b(FZS_KMALLOC);
	b((size - 1) & 0xff);
	b((size - 1) >> 8);
	b(gfp | cpu << 4);
}

static void s_churn(int design, int size)
{
	int i;

	s_create(0, size, design, 0);
	s_create(1, SZ24, design, 1);
	for (i = 0; i < 12; i++) {
		s_alloc(i & 1, 8, i & 1);
		s_free(i * 5, 4, (i >> 1) & 1);
	}
	b(FZS_BULK);
	b(0);
	b(40);
	b(FZS_BULK);
	b(0);
	b(0x40 | 20);
	s_misc(0, 0);
	s_misc(1, 0);
	s_misc(1, 0);
	s_misc(4, 0);
	b(FZS_DESTROY);
	b(1);
	for (i = 0; i < 16; i++)
		s_free(0, 4, 0);
	b(FZS_DESTROY);
	b(1);
}

static void gen_slab(void)
{
	static const char *names[3] = { "slub_churn", "slab_churn", "slob_churn" };
	int d, k, i;

	for (d = 0; d < 3; d++) {
		s_start(2, d, 0);
		s_churn(d, d == SLOB ? SZ100 : SZ64);
		save("fuzz_slab", names[d]);
	}

	/* every debug detection path, SLUB and SLAB */
	for (d = 0; d < 2; d++) {
		s_start(1, 0, 0);
		s_create(0, SZ40, d, F_DEBUG);
		s_create(1, SZ40, d, F_DEBUG);
		s_alloc(0, 8, 0);
		s_alloc(1, 8, 0);
		for (k = 0; k < 6; k++) {
			b(FZS_BAD_FREE);
			b(k | 1 << 3);
			b(k);
		}
		b(FZS_UAF);
		b(0);
		b(5);
		s_misc(5, 0);
		s_misc(5, 1);
		save("fuzz_slab", d ? "slab_debug" : "slub_debug");
	}

	/* kmalloc: each class, large, krealloc, kfree of wrong pointers */
	s_start(2, 0, 1);
	for (i = 1; i <= 8192; i = i * 2 + 1) {
		s_kmalloc(i, 0, 0);
		s_kmalloc(i, 4, 1);	/* reclaimable */
		s_kmalloc(i, 8, 0);	/* dma */
	}
	b(FZS_KMALLOC);
	b(0x10);
	b(0x80);
	b(2);			/* 8192 + 32 bytes, zeroed: kmalloc_large */
	b(FZS_KREALLOC);
	b(0);
	b(0xff);
	b(0x0f);
	b(FZS_BAD_FREE);
	b(0);
	b(3);
	b(FZS_BAD_FREE);
	b(1);
	b(0);
	s_misc(4, 0);
	save("fuzz_slab", "kmalloc_classes");

	/* kmalloc over SLAB and SLOB */
	for (d = 1; d < 3; d++) {
		s_start(2, d, 0);
		for (i = 1; i < 3000; i += 77)
			s_kmalloc(i, 0, i & 1);
		s_free(3, 4, 0);
		s_misc(3, 0);
		save("fuzz_slab", d == SLAB ? "kmalloc_slab" : "kmalloc_slob");
	}

	/* SLAB_TYPESAFE_BY_RCU: slabs wait for a grace period */
	s_start(1, 0, 0);
	s_create(0, SZ500, SLUB, F_RCU);
	s_create(1, SZ500, SLAB, F_RCU);
	s_alloc(0, 8, 0);
	s_alloc(1, 8, 0);
	s_free(0, 4, 0);
	s_free(0, 4, 0);
	s_free(0, 4, 0);
	s_free(0, 4, 0);
	s_misc(0, 0);
	s_misc(0, 1);
	s_misc(2, 0);
	save("fuzz_slab", "typesafe_by_rcu");

	/* failures: the buddy and the metadata allocator */
	s_start(2, 0, 0);
	s_create(0, SZ2048, SLUB, F_RCL);
	s_create(1, SZ192, SLOB, 0);
	s_misc(6, 1);
	for (i = 0; i < 10; i++) {
		s_alloc(i & 1, 8, 0);
		s_kmalloc(3000 + i * 1000, 0, 0);
	}
	s_misc(6, 0);
	s_misc(7, 2);
	s_create(2, SZ64, SLAB, F_POISON);
	s_alloc(2, 8, 1);
	save("fuzz_slab", "faults");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds CORPUS_DIR\n");
		return 2;
	}
	dir = argv[1];
	gen_buddy();
	gen_pool_init();
	gen_slab();
	return 0;
}
