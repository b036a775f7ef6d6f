#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload tests of edumm.ko, kselftest style.
#
# Needs root, the module file (EDUMM_KO, default /edumm.ko as in the test
# VM) and tools/edummctl (EDUMMCTL, else next to this script, in
# ../tools/, or in PATH).  Prints TAP; exit status 0 when every test
# passed, 1 when one failed, 4 (kselftest "skip") when it cannot run at all.
#
# The module may be loaded when this starts (scripts/vm-run loads it before
# running the tests): it is unloaded first and, at the end, loaded again
# with the parameter values it had, so the VM's own final rmmod still works.
#
# MemFree tolerance
# -----------------
# After rmmod the free memory must be back to its value from before insmod
# within TOLERANCE_KB = 2048 kB + the noise measured on the idle system
# (largest minus smallest of three samples taken a second apart).  "Free"
# here is MemFree plus the pages on the kernel's own per-CPU page lists,
# read after dropping caches and folding the per-CPU vmstat deltas:
#   - the module gives its pool back page by page, and the kernel keeps up
#     to pcp->high freed pages per CPU on its per-CPU lists, which MemFree
#     does not count (they are summed from /proc/zoneinfo "count:" lines);
#   - NR_FREE_PAGES is a per-CPU batched counter: /proc/sys/vm/stat_refresh
#     folds the deltas so MemFree is exact at the time of reading;
#   - the 2 MiB cover what loading a module leaves behind for good reasons:
#     slab pages kept by SLUB after the module's sysfs/debugfs inodes,
#     dentries and kmalloc objects are freed, and page tables of the
#     vmalloc area the module text was in.
# A leaked pool (64 MiB) or a leaked part of it (a 4 MiB chunk) is far
# outside the tolerance; the page descriptor array of a 64 MiB pool is
# about 0.5 MiB, so a leak of it alone is not caught here (the VM's
# kmemleak-free log and the unit tests cover it).
#
# Busybox sh compatible.

ksft_skip=4
MODNAME=edumm
KO=${EDUMM_KO:-/edumm.ko}
DEV=/dev/edumm
DBG=/sys/kernel/debug/$MODNAME
PARAMS=/sys/module/$MODNAME/parameters
PAGE_KB=4		# x86-64
BASE_TOLERANCE_KB=2048
NR_TESTS=31

dir=$(cd "$(dirname "$0")" && pwd)
test_no=0
nr_failed=0
bg_pid=
tmp=

diag() {
	echo "# $*"
}

ok() {
	test_no=$((test_no + 1))
	echo "ok $test_no $*"
}

not_ok() {
	test_no=$((test_no + 1))
	nr_failed=$((nr_failed + 1))
	echo "not ok $test_no $*"
}

skip() {
	test_no=$((test_no + 1))
	echo "ok $test_no # SKIP $*"
}

# check DESC CMD... - one test: ok if CMD succeeds.
check() {
	desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		not_ok "$desc"
	fi
}

skip_all() {
	echo "TAP version 13"
	echo "1..0 # SKIP $*"
	exit $ksft_skip
}

is_loaded() {
	grep -q "^$MODNAME " /proc/modules
}

gone() {
	! is_loaded && [ ! -e "$DEV" ] && [ ! -e "$DBG" ]
}

# Free memory in kB: MemFree plus the kernel's per-CPU list pages.
free_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
	echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null
	mf=$(awk '/^MemFree:/ { print $2 }' /proc/meminfo)
	pcp=$(awk '$1 == "count:" { s += $2 } END { print s + 0 }' \
		/proc/zoneinfo)
	echo $((mf + pcp * PAGE_KB))
}

# Sets base_kb (the largest of three samples) and noise_kb.
measure_baseline() {
	lo=
	hi=
	for i in 1 2 3; do
		v=$(free_kb)
		diag "free memory sample $i: $v kB"
		if [ -z "$lo" ] || [ "$v" -lt "$lo" ]; then lo=$v; fi
		if [ -z "$hi" ] || [ "$v" -gt "$hi" ]; then hi=$v; fi
		[ "$i" = 3 ] || sleep 1
	done
	base_kb=$hi
	noise_kb=$((hi - lo))
}

# within_tolerance WHAT - the free memory is back near base_kb.
within_tolerance() {
	now=$(free_kb)
	tol=$((BASE_TOLERANCE_KB + noise_kb))
	diag "$1: free $now kB, before insmod $base_kb kB," \
	     "difference $((base_kb - now)) kB, tolerance $tol kB"
	[ $((base_kb - now)) -le "$tol" ]
}

# dev_ok - /dev/edumm is a character device with mode 0600.
dev_ok() {
	[ -c "$DEV" ] || return 1
	mode=$(stat -c %a "$DEV")
	diag "$DEV mode $mode"
	[ "$mode" = 600 ]
}

# ctl ARGS... - run edummctl, its output as TAP comments; its status.
ctl() {
	"$CTL" "$@" >"$tmp/ctl.out" 2>&1
	rc=$?
	sed 's/^/# /' "$tmp/ctl.out"
	return $rc
}

debugfs_ok() {
	for f in buddyinfo pagetypeinfo zoneinfo pool check control; do
		if [ ! -e "$DBG/$f" ]; then
			diag "$DBG/$f is missing"
			return 1
		fi
	done
	ctl check
}

# info_value KEY - a value printed by "edummctl info".
info_value() {
	"$CTL" info | sed -n "s/^$1: //p"
}

# bad_param ARG - insmod with ARG fails and leaves nothing behind.
bad_param() {
	if insmod "$KO" "$1" 2>"$tmp/insmod.err"; then
		diag "insmod $1 succeeded"
		rmmod "$MODNAME"
		return 1
	fi
	diag "insmod $1: $(cat "$tmp/insmod.err")"
	gone
}

# wait_for FILE TEXT SECONDS - wait until FILE contains TEXT.
wait_for() {
	n=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -le "$3" ] || return 1
		sleep 1
	done
}

# rmmod_refused - rmmod fails and the module is still there.
rmmod_refused() {
	if rmmod "$MODNAME" 2>"$tmp/rmmod.err"; then
		diag "rmmod succeeded while the module was in use"
		return 1
	fi
	diag "rmmod: $(cat "$tmp/rmmod.err")"
	is_loaded && [ -c "$DEV" ]
}

cleanup() {
	if [ -n "$bg_pid" ]; then
		kill "$bg_pid" 2>/dev/null
		wait "$bg_pid" 2>/dev/null
	fi
	exec 3<&-
	# Leave the module as we found it, whatever happened above.
	if [ "$orig_loaded" = 1 ] && ! is_loaded; then
		# shellcheck disable=SC2086 # a list of name=value words
		insmod "$KO" $orig_args
	fi
	[ -n "$tmp" ] && rm -rf "$tmp"
}

# --- can we run at all? --------------------------------------------------
[ "$(id -u)" = 0 ] || skip_all "must run as root"
[ -f "$KO" ] || skip_all "$KO not found (set EDUMM_KO=path/to/edumm.ko)"
CTL=${EDUMMCTL:-}
for c in "$dir/edummctl" "$dir/../tools/edummctl" \
	 "$(command -v edummctl 2>/dev/null)"; do
	if [ -z "$CTL" ] && [ -n "$c" ] && [ -x "$c" ]; then
		CTL=$c
	fi
done
[ -n "$CTL" ] || skip_all "edummctl not found (set EDUMMCTL)"
if ! grep -q ' /sys/kernel/debug debugfs ' /proc/mounts; then
	mount -t debugfs none /sys/kernel/debug ||
		skip_all "cannot mount debugfs"
fi
if ! command -v insmod >/dev/null || ! command -v rmmod >/dev/null; then
	skip_all "insmod/rmmod not found"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/edumm-module.XXXXXX") ||
	skip_all "mktemp failed"
orig_loaded=0
orig_args=
if is_loaded; then
	orig_loaded=1
	for f in "$PARAMS"/*; do
		[ -r "$f" ] || continue
		v=$(cat "$f")
		# an unset string parameter (charp) reads "(null)": leave it unset
		[ "$v" = "(null)" ] && continue
		orig_args="$orig_args $(basename "$f")=$v"
	done
fi
trap cleanup EXIT

echo "TAP version 13"
echo "1..$NR_TESTS"
diag "module $KO, edummctl $CTL, loaded at start: $orig_loaded" \
     "(parameters:${orig_args:- none})"

# --- unload what the VM loaded -------------------------------------------
if [ "$orig_loaded" = 1 ]; then
	check "rmmod of the idle module" rmmod "$MODNAME"
else
	skip "rmmod of the idle module: $MODNAME was not loaded"
fi
check "no $DEV, no $DBG, not in /proc/modules after rmmod" gone

measure_baseline
diag "baseline free memory $base_kb kB, noise $noise_kb kB"

# --- load with the default parameters ------------------------------------
check "insmod $KO" insmod "$KO"
check "$DEV is a character device, mode 0600" dev_ok
check "debugfs files present and check says ok" debugfs_ok

pool_pages=$(info_value pool_pages)
loaded_kb=$(free_kb)
pool_kb=$((${pool_pages:-0} * PAGE_KB))
diag "pool $pool_kb kB; free memory $loaded_kb kB while loaded"
pool_taken() {
	[ "$pool_kb" -gt 0 ] &&
		[ $((base_kb - loaded_kb)) -ge \
		  $((pool_kb - BASE_TOLERANCE_KB - noise_kb)) ]
}
check "the pool came out of free memory" pool_taken

check "edummctl: alloc, mmap, fill, verify, free, exit with blocks held" \
	ctl -q alloc 0 alloc 3 unmovable mmap last fill last 165 \
	verify last 165 alloc 10 nopcp alloc 2 reclaimable x8 free last \
	alloc 1 high mmap last check
check "closing the file gave every block back" \
	[ "$(info_value allocated_pages)" = 0 ]

# --- in use: rmmod must refuse -------------------------------------------
exec 3<"$DEV"
check "rmmod refused while a shell holds $DEV open" rmmod_refused
exec 3<&-

"$CTL" alloc 2 mmap last fill last 90 echo ready sleep 300 \
	>"$tmp/bg.out" 2>&1 &
bg_pid=$!
if wait_for "$tmp/bg.out" ready 120; then
	check "rmmod refused while edummctl maps a block" rmmod_refused
else
	diag "edummctl did not get ready: $(cat "$tmp/bg.out")"
	not_ok "rmmod refused while edummctl maps a block"
fi
kill "$bg_pid"
wait "$bg_pid" 2>/dev/null
bg_pid=

# --- unload, and is the memory back? -------------------------------------
check "rmmod once nothing holds the module" rmmod "$MODNAME"
check "no $DEV, no $DBG after rmmod" gone
check "free memory back to its pre-insmod value after rmmod" \
	within_tolerance "after rmmod"

# --- bad parameters ------------------------------------------------------
for p in pool_mb=0 pool_mb=-1 pool_mb=1000000 pool_mb=abc; do
	check "insmod $p fails and loads nothing" bad_param "$p"
done

# --- fault injection in the pool reservation (fail_reserve=) --------------
# "<interval>,<probability>,<space>,<times>" as the kernel's fault_attr
# boot options.  Every chunk allocation failing: the load fails with
# ENOMEM and gives back the chunks it had taken.
for p in fail_reserve=1,100,0,-1 fail_reserve=4,100,0,-1; do
	check "insmod $p fails cleanly" bad_param "$p"
done
for p in fail_reserve=abc fail_reserve=1,101,0,1 fail_reserve=0,100,0,1 \
	 fail_reserve=1,100,0,-2 fail_reserve=1,100,0,1,5; do
	check "insmod $p is rejected" bad_param "$p"
done
# --- the slab layer's parameters ------------------------------------------
for p in slab_design=slib slab_design=; do
	check "insmod $p is rejected" bad_param "$p"
done
check "failed loads leaked no memory" within_tolerance "after failed loads"

# One injected failure: the first order-10 chunk "cannot be had", so the
# pool is built from order-9 chunks instead (the fallback path).
fallback_ok() {
	insmod "$KO" fail_reserve=1,100,0,1 || return 1
	chunks=$(sed -n 's/^chunks: //p' "$DBG/pool")
	pages=$(info_value pool_pages)
	diag "fail_reserve=1,100,0,1: $chunks chunks, $pages pages"
	ctl -q alloc 9 nowmark alloc 0 check || { rmmod "$MODNAME"; return 1; }
	rmmod "$MODNAME" || return 1
	[ "$pages" = $((64 * 1024 / PAGE_KB)) ] && [ "$chunks" -gt 16 ]
}
check "insmod fail_reserve=1,100,0,1 falls back to order-9 chunks" fallback_ok
check "fallback load and unload leaked no memory" within_tolerance "after fallback"

# --- another pool size ---------------------------------------------------
small_ok() {
	insmod "$KO" pool_mb=8 || return 1
	pages=$(info_value pool_pages)
	diag "pool_mb=8: pool_pages $pages"
	ctl -q alloc 10 nowmark check || { rmmod "$MODNAME"; return 1; }
	rmmod "$MODNAME" || return 1
	[ "$pages" = $((8 * 1024 / PAGE_KB)) ]
}
check "insmod pool_mb=8 gives an 8 MiB pool, rmmod works" small_ok

# --- leave it as we found it ---------------------------------------------
if [ "$orig_loaded" = 1 ]; then
	# shellcheck disable=SC2086 # a list of name=value words
	check "insmod again with the original parameters" \
		insmod "$KO" $orig_args
else
	skip "insmod again: $MODNAME was not loaded at the start"
fi

diag "$nr_failed of $NR_TESTS failed"
[ "$test_no" -eq "$NR_TESTS" ] || {
	diag "BUG: ran $test_no tests, planned $NR_TESTS"
	exit 1
}
[ "$nr_failed" -eq 0 ]
