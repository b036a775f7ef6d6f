// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_common.c - shim globals and helpers of the edumm libFuzzer targets.
 * See fuzz_common.h.
 */
#include "fuzz_common.h"

/* The simulated machine of the shim (tools/testing/shim/edumm_env.h). */
__thread unsigned int edumm_shim_cpu;
__thread int edumm_shim_node;
__thread u32 edumm_shim_random_state;
unsigned int edumm_shim_nr_cpus = 1;
unsigned long edumm_shim_warns;
unsigned long edumm_shim_reports;
unsigned long edumm_shim_meta_live;
unsigned long edumm_shim_meta_bytes;
unsigned int edumm_shim_meta_fail_nth;
bool edumm_shim_verbose;

bool fz_trace;

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *t = getenv("FUZZ_TRACE");

	(void)argc;
	(void)argv;
	fz_trace = t && *t && strcmp(t, "0");
	/* the core's error reports (refused frees...) only when tracing */
	edumm_shim_verbose = fz_trace;
	return 0;
}

void fz_reset_shim(unsigned int nr_cpus)
{
	/* a previous input that aborted never comes back here: no leftovers */
	if (edumm_shim_meta_live)
		FZ_FAIL("%lu metadata allocations live before the input", edumm_shim_meta_live);
	edumm_shim_cpu = 0;
	edumm_shim_node = 0;
	edumm_shim_random_state = 0;
	edumm_shim_nr_cpus = nr_cpus;
	edumm_shim_warns = 0;
	edumm_shim_reports = 0;
	edumm_shim_meta_bytes = 0;
	edumm_shim_meta_fail_nth = 0;
	edumm_shim_verbose = fz_trace;
}

void fz_fail(const char *file, int line, const char *fmt, ...)
{
	va_list args;

	fflush(stdout);
	fprintf(stderr, "fuzz: FAIL %s:%d: ", file, line);
	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
	fprintf(stderr, "\n");
	abort();
}

void fz_tracef(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vfprintf(stderr, fmt, args);
	va_end(args);
}

static void fz_sink_vprintf(struct edumm_out *out, const char *fmt, va_list args)
{
	struct fz_sink *s = container_of(out, struct fz_sink, out);
	char buf[512];
	int n;

	n = vsnprintf(buf, sizeof(buf), fmt, args);
	if (n < 0)
		FZ_FAIL("vsnprintf failed on \"%s\"", fmt);
	s->bytes += n;
	for (; *fmt; fmt++)
		s->lines += *fmt == '\n';
}

void fz_sink_init(struct fz_sink *s)
{
	s->out.vprintf = fz_sink_vprintf;
	s->bytes = 0;
	s->lines = 0;
}

static void fz_stderr_vprintf(struct edumm_out *out, const char *fmt, va_list args)
{
	(void)out;
	vfprintf(stderr, fmt, args);
}

struct edumm_out fz_stderr_out = { .vprintf = fz_stderr_vprintf };

void fz_check_pool(struct edumm_pool *pool, const char *when)
{
	unsigned long v;

	v = edumm_pool_check(pool, &fz_stderr_out);
	if (v)
		FZ_FAIL("edumm_pool_check(): %lu violations %s", v, when);
	if (edumm_shim_warns)
		FZ_FAIL("%lu EDUMM_WARN_ON_ONCE() fired %s", edumm_shim_warns, when);
}
