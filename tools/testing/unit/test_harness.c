// SPDX-License-Identifier: GPL-2.0
/*
 * test_harness.c - the harness itself: the sanitizers really are compiled
 * in and abort the process, so a memory error or undefined behaviour in
 * the core fails a test instead of passing silently.
 */
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

/* Run @fn in a child with stderr silenced; return its wait status. */
static int run_child(void (*fn)(void))
{
	int status, fd;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, 2);
		fn();
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	return status;
}

static volatile int sink;

static void heap_overflow(void)
{
	int *p = calloc(4, sizeof(int));
	volatile int i = 4;

	sink = p[i];		/* one past the end */
	free(p);
}

static void signed_overflow(void)
{
	volatile int x = INT_MAX;

	sink = x + 1;
}

static void misaligned_load(void)
{
	static u64 words[2];
	volatile uintptr_t addr = (uintptr_t)words + 1;

	sink = (int)*(u64 *)addr;
}

TEST(harness_sanitizers_abort)
{
	int st;

	st = run_child(heap_overflow);
	ASSERT_FALSE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = run_child(signed_overflow);
	ASSERT_FALSE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = run_child(misaligned_load);
	ASSERT_FALSE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
