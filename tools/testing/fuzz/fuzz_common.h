/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_common.h - what the libFuzzer targets of the edumm core share.
 *
 * The core files of mod/ are compiled unmodified against the userspace
 * shim (tools/testing/shim/edumm_env.h), as the unit tests do; this file
 * and fuzz_common.c supply the shim's globals (the simulated machine),
 * a reader for the input bytes, text sinks and the abort-on-violation
 * helpers.  Any failed check prints "fuzz: FAIL file:line: ..." and calls
 * abort(), which libFuzzer reports as a crash and saves the input.
 *
 * Set FUZZ_TRACE=1 in the environment to print every operation a target
 * performs (what "make repro" does).
 */
#ifndef _EDUMM_FUZZ_COMMON_H
#define _EDUMM_FUZZ_COMMON_H

#include "edumm_core.h"

/*** Input reader: past the end, every byte reads as 0 ***/

struct fz_in {
	const u8 *p;
	size_t n;
};

static inline u8 fz_u8(struct fz_in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static inline u16 fz_u16(struct fz_in *in)
{
	u16 lo = fz_u8(in);

	return lo | (u16)fz_u8(in) << 8;
}

/*** The simulated machine ***/

/* Put every shim global back to its start value (start of each input). */
void fz_reset_shim(unsigned int nr_cpus);

/*** Failing ***/

extern bool fz_trace;

__printf(3, 4) __attribute__((noreturn))
void fz_fail(const char *file, int line, const char *fmt, ...);
__printf(1, 2) void fz_tracef(const char *fmt, ...);

#define FZ_FAIL(...)		fz_fail(__FILE__, __LINE__, __VA_ARGS__)
#define FZ_ASSERT(c) do {						\
	if (!(c))							\
		fz_fail(__FILE__, __LINE__, "FZ_ASSERT(%s)", #c);	\
} while (0)
/* Unsigned comparison, both sides printed. */
#define FZ_ASSERT_EQ(a, b) do {						\
	unsigned long long __a = (unsigned long long)(a);		\
	unsigned long long __b = (unsigned long long)(b);		\
	if (__a != __b)							\
		fz_fail(__FILE__, __LINE__, "%s == %s: %llu (%#llx) vs %llu (%#llx)", \
			#a, #b, __a, __a, __b, __b);			\
} while (0)
#define FZ_TRACE(...) do {						\
	if (fz_trace)							\
		fz_tracef(__VA_ARGS__);					\
} while (0)

/*** Text sinks ***/

/* Formats everything (so the arguments are used) and keeps only counts. */
struct fz_sink {
	struct edumm_out out;
	unsigned long bytes;
	unsigned long lines;
};

void fz_sink_init(struct fz_sink *s);

/* Prints to stderr: the checker's report before an abort. */
extern struct edumm_out fz_stderr_out;

/*** Pool checks ***/

/* edumm_pool_check() must find nothing; abort with its report otherwise. */
void fz_check_pool(struct edumm_pool *pool, const char *when);

#endif /* _EDUMM_FUZZ_COMMON_H */
