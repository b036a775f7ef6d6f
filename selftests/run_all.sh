#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run every edumm selftest and summarise the TAP results.
#
#   1. edumm_test       kselftest_harness tests of /dev/edumm and debugfs,
#      edumm_slab_test  the same for the slab layer: three designs, kmalloc,
#                       debug checks
#      edumm_vmalloc_test  the same for the vmalloc mapper and the walker
#   2. edumm_fuzz       the ioctl fuzzer: a bounded run with a fixed seed,
#                       then the same run with edumm's fault injection on
#   3. edumm_module.sh  load/unload, bad parameters, MemFree after rmmod
#   4. edumm_bench_test kselftest_harness tests of EDUMM_IOC_BENCH (run
#                       before edumm_module.sh, which reloads the module)
#
# The fuzzer runs are set from the environment (the defaults in brackets):
#   EDUMM_FUZZ_SEED     seed of both runs [0xed0f022]
#   EDUMM_FUZZ_CALLS    calls per run, all processes together [50000]
#   EDUMM_FUZZ_PROCS    worker processes [4]
#   EDUMM_FUZZ_FAIL_PROBABILITY  percent for the second run [10]
#   EDUMM_FUZZ_FAIL_CALLS        calls of the second run [EDUMM_FUZZ_CALLS]
# so that "make check-debug" can run a longer one, and a failure can be
# replayed with "edumm_fuzz --seed S --calls N --procs P" as it prints.
# The second run needs debugfs edumm/fail/: without it that run is a
# "# SKIP" result, which counts as failed here (see below).
#
# Meant for the test VM ("make vm-test" runs this script there), where
# edumm.ko is loaded before this script starts.  There nothing may skip:
# a missing /dev/edumm is a failure, and every "# SKIP" result counts as
# failed (set EDUMM_ALLOW_SKIP=1 to count skips as passed elsewhere),
# except "# SKIP superseded: ...": a check replaced by an exact one that
# passed in the same run (edumm_module.sh's MemFree checks on a KASAN
# kernel, where its page ledger stands in for them).
#
# The last line is always
#   selftests: N passed, M failed
# counting the "ok" / "not ok" lines of every program; a program that dies
# before printing all of its plan ("1..N") has the missing results counted
# as failed.  Exit status: 0 if M is 0, else 1.
#
# Busybox sh compatible.

dir=$(cd "$(dirname "$0")" && pwd)
passed=0
failed=0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/edumm-selftests.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

summary() {
	echo "selftests: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

# count FILE - add FILE's TAP results to the totals.
count() {
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$1" | head -n 1)
	ok=$(grep -c '^ok ' "$1")
	notok=$(grep -c '^not ok ' "$1")
	# "ok N # SKIP why" (kselftest) or "ok N what # SKIP why" (TAP)
	skip=$(grep -E '^ok [0-9]+ .*# *SKIP' "$1" |
		grep -vc '# *SKIP superseded: ')
	if [ "$skip" -gt 0 ] && [ "${EDUMM_ALLOW_SKIP:-0}" != 1 ]; then
		echo "run_all: $skip skipped result(s) counted as failed:" \
		     "nothing may skip here (EDUMM_ALLOW_SKIP=1 allows it)"
		ok=$((ok - skip))
		notok=$((notok + skip))
	fi
	if [ -z "$plan" ]; then
		echo "run_all: no TAP plan in the output: counted as 1 failure"
		notok=$((notok + 1))
	elif [ $((ok + notok)) -lt "$plan" ]; then
		echo "run_all: only $((ok + notok)) of $plan results:" \
		     "$((plan - ok - notok)) missing, counted as failed"
		notok=$((plan - ok))
	fi
	passed=$((passed + ok))
	failed=$((failed + notok))
}

# run NAME CMD... - run a test program, show its output, count its TAP.
run() {
	name=$1
	shift
	echo "# ===== $name ====="
	{ "$@" 2>&1; echo $? >"$tmp/$name.rc"; } | tee "$tmp/$name.out"
	rc=$(cat "$tmp/$name.rc")
	count "$tmp/$name.out"
	if [ "$rc" -eq 4 ] && [ "${EDUMM_ALLOW_SKIP:-0}" = 1 ]; then
		echo "run_all: $name skipped (exit status 4)"
	elif [ "$rc" -ne 0 ]; then
		echo "run_all: $name exited with status $rc"
		# A failing exit status with all results "ok" is still a failure.
		if ! grep -q '^not ok ' "$tmp/$name.out"; then
			failed=$((failed + 1))
		fi
	fi
}

if [ ! -c /dev/edumm ]; then
	echo "run_all: /dev/edumm does not exist: edumm.ko is not loaded"
	failed=1
	summary
fi

# In the VM the module is loaded: a missing device is a failure, not a skip.
EDUMM_REQUIRE_DEVICE=1
export EDUMM_REQUIRE_DEVICE

# skip_result REASON - the TAP of a test that cannot run.
# shellcheck disable=SC2317 # only called through run()
skip_result() {
	echo "TAP version 13"
	echo "1..1"
	echo "ok 1 # SKIP $*"
}

fuzz_seed=${EDUMM_FUZZ_SEED:-0xed0f022}
fuzz_calls=${EDUMM_FUZZ_CALLS:-50000}
fuzz_procs=${EDUMM_FUZZ_PROCS:-4}
fuzz_fail=${EDUMM_FUZZ_FAIL_PROBABILITY:-10}
fuzz_fail_calls=${EDUMM_FUZZ_FAIL_CALLS:-$fuzz_calls}

run edumm_test "$dir/edumm_test"
run edumm_slab_test "$dir/edumm_slab_test"
run edumm_vmalloc_test "$dir/edumm_vmalloc_test"
run edumm_fuzz "$dir/edumm_fuzz" --seed "$fuzz_seed" --calls "$fuzz_calls" \
	--procs "$fuzz_procs"
if [ -d /sys/kernel/debug/edumm/fail ]; then
	run edumm_fuzz_fail "$dir/edumm_fuzz" --seed "$fuzz_seed" \
		--calls "$fuzz_fail_calls" --procs "$fuzz_procs" \
		--fail-probability "$fuzz_fail"
else
	run edumm_fuzz_fail skip_result \
		"edumm_fuzz --fail-probability: fault injection knobs missing" \
		"(no /sys/kernel/debug/edumm/fail)"
fi
run edumm_bench_test "$dir/edumm_bench_test"
run edumm_module "$dir/edumm_module.sh"
summary
