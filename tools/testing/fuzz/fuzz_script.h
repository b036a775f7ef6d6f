/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_script.h - the input formats of the edumm fuzz targets, shared by
 * the targets (which decode them) and gen_seeds.c (which writes the seed
 * corpora).  Past the end of an input every byte reads as 0.
 *
 * fuzz_buddy: an operation script over a pool
 *
 *   byte 0    layout, modulo FZ_NR_LAYOUTS (see fuzz_buddy.c)
 *   byte 1    bits 0-1: CPUs - 1 (1..4 simulated CPUs);
 *             bits 2-3: the node the script starts on (FZ_NODE below)
 *   then operations, each an opcode byte (fz_buddy_ops[b & 15]) and the
 *   argument bytes of that operation:
 *
 *   ALLOC      a: order (a & 15) % 11 | migratetype ((a >> 4) % 3)
 *              c: FZ_CTX, the flags, CPU and node of the call
 *   ALLOC_MANY a, c as ALLOC, n: 1 + n % 64 allocations, until one fails
 *   FREE       i: live block i % live, c: FZ_CTX (CPU and node)
 *   FREE_MANY  n: 1 + n % 64 blocks, i: first index, c: FZ_CTX
 *   BAD_FREE   k: kind (FZ_BAD_*) % FZ_NR_BAD, x, y: its arguments
 *   BAD_ALLOC  k: which argument is out of range, x: the value chosen
 *   DRAIN      k: even: all CPUs of all zones; odd: zone x, CPU y
 *   WMARK      z: zone, a: order (a & 15) % 11 | flags (a >> 4), m: mark
 *   SHOW       k: buddyinfo, pagetypeinfo, zoneinfo, pool (k % 4)
 *   FAULT      i, p, t: edumm_fault_attr_parse("i,p,space,t") on the
 *              pool's fault attribute (fault.c): interval 1 + i % 4,
 *              probability p % 101 (0: off), times t % 5 - 1, space
 *              0 or 8 pages (t & 0x80)
 *
 * fuzz_slab: an operation script over the slab layer (fuzz_slab.c)
 *
 *   byte 0    bits 0-1: CPUs - 1; bits 2-3: kmalloc design (1 + n % 3);
 *             bit 5: SLUB free pointers in the clear; bit 6: layout
 *             (0: one DMA32 zone, 1: DMA32 and Normal), 2048 pages
 *   then operations, an opcode byte (low 4 bits) and its arguments:
 *
 *   0, 1 CREATE   slot, d (size fz_sizes[d >> 4] (+ a >> 4 if d & 4),
 *                 design 1 + (d & 3) % 3), flags byte, a (align
 *                 1 << (a & 7) if a & 8)
 *   2  DESTROY    slot (the next live one)
 *   3-5 ALLOC     slot, x: 1 + (x & 7) objects on CPU x >> 3, zeroed if
 *                 x & 0x80
 *   6, 7 FREE     i, x: 1 + (x & 3) objects from index i, CPU x >> 2
 *   8  BULK       slot, x: alloc 1 + (x & 63) objects, or (x & 0x40)
 *                 free that many of the slot's
 *   9, 10 KMALLOC s0 s1 (s & 0x8000: 8192 + 2 * (s & 0x7fff) bytes, else
 *                 1 + (s & 0x1fff)), g: gfp (g & 15), CPU g >> 4
 *   11 KREALLOC   i, s0 s1 (1 + (s & 0x3fff) bytes)
 *   12 BAD_FREE   k (kind k % 6, slot k >> 3), i: object
 *   13 UAF        slot, offset: write into a freed poisoned object,
 *                 validate must find it, then repair it
 *   14, 15 MISC   k (shrink, reap, RCU grace period, drain, show, traces
 *                 + validate, buddy fault injection, metadata fail_nth),
 *                 x
 *
 * fuzz_pool_init: a chunk table
 *
 *   byte 0    bits 0-2: CPUs - 1; bit 7: also call edumm_pool_init()
 *             with nr > U16_MAX (must be -EINVAL)
 *   byte 1    bit 7 set: fail the (1 + (b & 15))-th metadata allocation
 *   then 5 bytes per chunk (FZ_REC_*), as many as the input holds:
 *     o       order: o < 0xf0: 9 + (o & 1); else fz_odd_orders[o & 15]
 *     k0 k1   k = k0 | k1 << 8, the pfn's raw material
 *     m       bits 0-2: nid, FZ_NIDS[m & 7] (5: 63, 6: 64, 7: -1);
 *             bits 6-7: pfn = k << 9, k << 10, k, or the k-th
 *             order-9-aligned pfn from the top of the pfn space
 *     z       zone type: z & 7 (0..3 valid; 4, 5: 4, -1; 6: INT_MAX;
 *             7: INT_MIN)
 */
#ifndef _EDUMM_FUZZ_SCRIPT_H
#define _EDUMM_FUZZ_SCRIPT_H

enum fz_buddy_op {
	FZ_OP_ALLOC,
	FZ_OP_ALLOC_MANY,
	FZ_OP_FREE,
	FZ_OP_FREE_MANY,
	FZ_OP_BAD_FREE,
	FZ_OP_BAD_ALLOC,
	FZ_OP_DRAIN,
	FZ_OP_WMARK,
	FZ_OP_SHOW,
	FZ_OP_FAULT,
	FZ_NR_OPS,
};

/* Opcode byte (low 4 bits) -> operation; allocation and free weigh most. */
#define FZ_BUDDY_OPS_INIT {						\
	FZ_OP_ALLOC, FZ_OP_ALLOC, FZ_OP_ALLOC, FZ_OP_ALLOC,		\
	FZ_OP_ALLOC_MANY, FZ_OP_FREE, FZ_OP_FREE, FZ_OP_FREE_MANY,	\
	FZ_OP_BAD_FREE, FZ_OP_BAD_ALLOC, FZ_OP_DRAIN, FZ_OP_WMARK,	\
	FZ_OP_SHOW, FZ_OP_FAULT, FZ_OP_ALLOC_MANY, FZ_OP_FREE_MANY,	\
}

/* The opcode byte gen_seeds.c writes for each operation. */
#define FZ_B_ALLOC		0
#define FZ_B_ALLOC_MANY		4
#define FZ_B_FREE		5
#define FZ_B_FREE_MANY		7
#define FZ_B_BAD_FREE		8
#define FZ_B_BAD_ALLOC		9
#define FZ_B_DRAIN		10
#define FZ_B_WMARK		11
#define FZ_B_SHOW		12
#define FZ_B_FAULT		13

/* Argument a of ALLOC / ALLOC_MANY. */
#define FZ_A(order, mt)		((order) | (mt) << 4)

/*
 * FZ_CTX: flags (bits 0-2, EDUMM_AF_*), CPU (bits 3-4, modulo the CPUs)
 * and node (bits 5-6: the pool's n-th node, or a node without pool
 * memory when n >= the pool's nodes).
 */
#define FZ_CTX(flags, cpu, node) ((flags) | (cpu) << 3 | (node) << 5)

enum fz_bad_free {
	FZ_BAD_DOUBLE,		/* x: a recently freed block */
	FZ_BAD_TAIL,		/* x: live block (order >= 1), y: which tail page */
	FZ_BAD_ORDER,		/* x: live block, y: the wrong order */
	FZ_BAD_OUTSIDE,		/* x: which pfn outside the pool */
	FZ_BAD_RANDOM,		/* x: chunk, y: pfn in it; random order */
	FZ_BAD_FREE_HEAD,	/* x: where to look for a free block's head */
	FZ_NR_BAD,
};

enum fz_bad_alloc {
	FZ_BADA_ORDER,
	FZ_BADA_MT,
	FZ_BADA_FLAGS,
	FZ_NR_BADA,
};

#define FZ_NR_LAYOUTS		8

/* fuzz_pool_init record */
#define FZ_REC_SIZE		5
#define FZ_PFN_SHIFT9		0
#define FZ_PFN_SHIFT10		1
#define FZ_PFN_RAW		2
#define FZ_PFN_TOP		3
#define FZ_REC_M(nid_sel, pfn_mode)	((nid_sel) | (pfn_mode) << 6)

/* fuzz_slab opcodes (the first of each range) */
#define FZS_CREATE	0
#define FZS_DESTROY	2
#define FZS_ALLOC	3
#define FZS_FREE	6
#define FZS_BULK	8
#define FZS_KMALLOC	9
#define FZS_KREALLOC	11
#define FZS_BAD_FREE	12
#define FZS_UAF		13
#define FZS_MISC	14

#endif /* _EDUMM_FUZZ_SCRIPT_H */
