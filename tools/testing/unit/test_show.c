// SPDX-License-Identifier: GPL-2.0
/*
 * test_show.c - the debugfs "pool" file (edumm_show_pool): every line is
 * "key: value", the keys the issue asks for are there once each, and the
 * values are right, metadata included; plus the snapshot behind it.
 */
#include <ctype.h>

#include "common.h"

struct kv {
	char key[64];
	char val[64];
};

/* Split "key: value\n" lines; fail on anything else. */
static unsigned int parse_pool(const char *text, struct kv *kv, unsigned int max)
{
	unsigned int n = 0;
	const char *s = text;

	while (*s) {
		const char *nl = strchr(s, '\n'), *colon = strchr(s, ':'), *v;

		if (!nl || !colon || colon > nl || colon == s || colon[1] != ' ')
			ut_fail(__FILE__, __LINE__, "not a \"key: value\" line: %.*s",
				(int)(nl ? nl - s : (long)strlen(s)), s);
		for (v = s; v < colon; v++)
			if (!islower((unsigned char)*v) && !isdigit((unsigned char)*v) && *v != '_')
				ut_fail(__FILE__, __LINE__, "bad key: %.*s", (int)(colon - s), s);
		for (v = colon + 2; v < nl; v++)
			if (!isdigit((unsigned char)*v) && *v != '.')
				ut_fail(__FILE__, __LINE__, "bad value: %.*s", (int)(nl - s), s);
		ASSERT_LT(n, max);
		ASSERT_LT(colon - s, (long)sizeof(kv[n].key));
		ASSERT_LT(nl - colon - 2, (long)sizeof(kv[n].val));
		memcpy(kv[n].key, s, colon - s);
		kv[n].key[colon - s] = '\0';
		memcpy(kv[n].val, colon + 2, nl - colon - 2);
		kv[n].val[nl - colon - 2] = '\0';
		n++;
		s = nl + 1;
	}
	return n;
}

static const char *lookup(const struct kv *kv, unsigned int n, const char *key)
{
	const char *found = NULL;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (strcmp(kv[i].key, key))
			continue;
		if (found)
			ut_fail(__FILE__, __LINE__, "key %s appears twice", key);
		found = kv[i].val;
	}
	if (!found)
		ut_fail(__FILE__, __LINE__, "key %s missing", key);
	return found;
}

#define ASSERT_KEY(kv, n, key, fmt, ...) \
	ASSERT_STREQ(lookup(kv, n, key), ut_tmp_printf(fmt, ##__VA_ARGS__))

/*
 * The pool file of the realistic pool holding an order-3 block, with one
 * page on a pcp list: sizes, counts, metadata and every counter.
 */
TEST(show_pool_keys_and_values)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_realistic, ut_layout_realistic_nr, 2);
	struct edumm_page *a, *b;
	unsigned long meta, pb, x100;
	struct kv kv[64];
	unsigned int n, i;

	a = edumm_alloc_pages(pool, 3, EDUMM_MT_UNMOVABLE, EDUMM_AF_NO_PCP);
	b = edumm_alloc_pages(pool, 0, EDUMM_MT_MOVABLE, EDUMM_AF_NO_PCP);
	ASSERT_NOT_NULL(a);
	ASSERT_NOT_NULL(b);
	ASSERT_EQ(edumm_free_pages(pool, ut_pfn(pool, b), 0), 0);

	n = parse_pool(ut_poolinfo(pool), kv, ARRAY_SIZE(kv));
	ASSERT_KEY(kv, n, "pool_pages", "%lu", 6144UL);
	ASSERT_KEY(kv, n, "free_pages", "%lu", 6144UL - 9);
	ASSERT_KEY(kv, n, "pcp_pages", "%lu", 1UL);
	ASSERT_KEY(kv, n, "allocated_pages", "%lu", 8UL);
	ASSERT_KEY(kv, n, "chunks", "%u", 8U);
	ASSERT_KEY(kv, n, "nodes", "%u", 2U);
	ASSERT_KEY(kv, n, "zones", "%u", 3U);
	ASSERT_KEY(kv, n, "page_descriptor_bytes", "%zu", sizeof(struct edumm_page));
	ASSERT_EQ(sizeof(struct edumm_page), 24);	/* as documented */
	ASSERT_KEY(kv, n, "min_free_kbytes", "%lu", pool->min_free_kbytes);

	/*
	 * metadata_bytes: the pool structure plus every byte the core got
	 * from edumm_meta_alloc() (counted by the shim), i.e. per page the
	 * 24-byte descriptor and 1/512 byte of pageblock type, plus the
	 * per-zone, per-CPU and per-chunk tables and the pfn lookup table.
	 */
	meta = sizeof(struct edumm_pool) + edumm_shim_meta_bytes;
	ASSERT_EQ(pool->metadata_bytes, meta);
	pb = 6144 / 512;
	ASSERT_EQ(meta, sizeof(struct edumm_pool) + 8 * sizeof(struct edumm_chunk) +
			6144 * sizeof(struct edumm_page) + pb +
			2 * sizeof(struct edumm_cpu_stats) + 2 * sizeof(struct edumm_node) +
			3 * sizeof(struct edumm_zone *) + 3 * 2 * sizeof(struct edumm_pcp) +
			pool->nr_slots * sizeof(u16));
	ASSERT_TRUE(pool->slot_chunk != NULL);
	ASSERT_KEY(kv, n, "metadata_bytes", "%lu", meta);
	x100 = meta * 100 / 6144;
	ASSERT_KEY(kv, n, "metadata_bytes_per_page", "%lu.%02lu", x100 / 100, x100 % 100);
	ut_diag("metadata: %lu bytes for %u pages = %s bytes/page",
		meta, 6144, lookup(kv, n, "metadata_bytes_per_page"));

	/* every counter, by its name, equal to the snapshot */
	for (i = 0; i < NR_EDUMM_STATS; i++)
		ASSERT_KEY(kv, n, edumm_stat_names[i], "%lu", ut_stat(pool, i));
	ASSERT_KEY(kv, n, "pgalloc", "%lu", 2UL);
	ASSERT_KEY(kv, n, "pgfree", "%lu", 1UL);
	ASSERT_KEY(kv, n, "pgalloc_pages", "%lu", 9UL);
	ASSERT_KEY(kv, n, "bad_free_double", "%lu", 0UL);
	ASSERT_KEY(kv, n, "bad_free_not_head", "%lu", 0UL);
	ASSERT_KEY(kv, n, "bad_free_order", "%lu", 0UL);
	ASSERT_EQ(n, 11 + NR_EDUMM_STATS);

	ASSERT_EQ(edumm_free_pages(pool, ut_pfn(pool, a), 3), 0);
	edumm_drain_all_pages(pool);
	ASSERT_STREQ(ut_buddyinfo(pool), ut.initial_buddyinfo);
}

/* Counter names are unique and the error counters are reported. */
TEST(show_stat_names_unique)
{
	unsigned int i, j;

	for (i = 0; i < NR_EDUMM_STATS; i++) {
		ASSERT_NOT_NULL(edumm_stat_names[i]);
		for (j = 0; j < i; j++)
			ASSERT_TRUE(strcmp(edumm_stat_names[i], edumm_stat_names[j]));
	}
}

/*
 * The 64 MiB default pool: metadata per page is the 24-byte descriptor
 * plus a small share of the rest (the figure the README quotes).
 */
TEST(show_metadata_per_page_default_pool)
{
	struct edumm_pool *pool = ut_pool_init(ut_layout_simple, ut_layout_simple_nr, 2);
	struct kv kv[64];
	unsigned int n;
	unsigned long x100 = pool->metadata_bytes * 100 / pool->nr_pages;

	n = parse_pool(ut_poolinfo(pool), kv, ARRAY_SIZE(kv));
	ASSERT_EQ(pool->metadata_bytes, sizeof(struct edumm_pool) + edumm_shim_meta_bytes);
	ASSERT_KEY(kv, n, "metadata_bytes_per_page", "%lu.%02lu", x100 / 100, x100 % 100);
	ASSERT_GE(x100, 2400);
	ASSERT_LT(x100, 2500);
	ut_diag("64 MiB pool, 2 CPUs: %lu metadata bytes, %s bytes/page",
		pool->metadata_bytes, lookup(kv, n, "metadata_bytes_per_page"));
}
