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
# The page ledger (the exact page-leak oracle)
# ----------------------------------------------
# edumm takes its pool from the kernel in chunks of order 9 and 10 with
# alloc_pages_node(), split_page()s them and gives them back page by page
# with __free_page().  kmemleak does not track alloc_pages() memory, so
# this script follows those pages themselves with the kernel's trace
# events (tracefs, /sys/kernel/tracing, mounted if needed; else
# /sys/kernel/debug/tracing):
#   - kmem:mm_page_alloc with the filter "order >= 9": in the test VM only
#     edumm allocates blocks that large: its pool chunks, and compound
#     blocks of kvzalloc()ed metadata (the slab layer's page array); each
#     window prints the orders and gfp flags it saw, and the pages of a
#     successful load's non-compound blocks must equal its pool_pages
#     exactly; every block of either kind must be freed;
#   - kmem:mm_page_free, unfiltered: every page (or block) the kernel gets
#     back, order 0 for the pages of a split chunk;
#   - trace_clock "global", so that the events of different CPUs are in
#     their true order.
# Around each load/unload cycle (the normal one, the failed loads, the
# order-9 fallback, pool_mb=8) the trace is cleared, then read and every
# pfn of every block allocated in the window must have an mm_page_free
# event after its allocation: one page not given back fails the test,
# whatever its size.  The per-CPU buffers (LEDGER_BUF_KB each) are sized
# far above what a window needs (a 64 MiB pool frees 16384 pages, one
# event each); the test fails if any CPU's "overrun", "commit overrun" or
# "dropped events" (per_cpu/cpu*/stats) is not 0, or the trace says LOST.
# The same runs on every kernel with event tracing (the Debian kernel and
# the debug kernel of "make debug-kernel").
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
# On a KASAN kernel (kasan_report in /proc/kallsyms) MemFree is not a
# page-leak oracle: module loads and unloads leave megabytes behind that
# come back later or never.  Measured: mostly unreclaimable slab (objects
# in KASAN's quarantine and the slabs they pin, kmemleak's metadata), the
# rest in no meminfo field (KASAN shadow of vmalloc'ed module text and
# metadata, freed at the lazy vmap purge; the stack depot).  Each check
# prints the meminfo deltas.
# There each MemFree check is reported as
#   ok N <what> # SKIP superseded: ...
# with the measured difference and the meminfo deltas, and only when the
# page ledger of the same window passed (else it is "not ok"): the ledger
# asserts the same property exactly.  run_all.sh counts only such
# "superseded:" skips as passed.  On other kernels the MemFree checks run
# as before, beside the ledger.
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
LEDGER_BUF_KB=16384	# per CPU
NR_TESTS=35

dir=$(cd "$(dirname "$0")" && pwd)
test_no=0
nr_failed=0
bg_pid=
tmp=
kasan=
TR=
tr_saved=
tr_buf=
tr_clock=
tr_on=
ledger_ok=0

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

# meminfo_deltas DIFF - how the meminfo fields that count kernel memory
# moved since the baseline (kB), and how much of a free memory difference
# of DIFF kB none of them counts, to explain it.
meminfo_deltas() {
	awk -v diff="$1" 'NR == FNR { b[$1] = $2; next }
	     $1 ~ /^(Slab|SUnreclaim|VmallocUsed|PageTables|KernelStack|Percpu):$/ {
		d = $2 - b[$1]
		sub(/:$/, "", $1)
		printf "%s%s %+d", sep, $1, d
		sep = ", "
		if ($1 != "SUnreclaim")		# part of Slab
			sum += d
	     }
	     END { printf ", in none of them %d", diff - sum }' \
		"$tmp/meminfo.base" /proc/meminfo
}

# memfree_check DESC WHAT - the MemFree tolerance test DESC, or on a KASAN
# kernel its "superseded" skip (see the header): only if the page ledger of
# the same window ($ledger_ok) passed.
memfree_check() {
	if [ -z "$kasan" ]; then
		check "$1" within_tolerance "$2"
		return
	fi
	now=$(free_kb)
	d="difference $((base_kb - now)) kB ($(meminfo_deltas $((base_kb - now))) kB)"
	diag "$2: free $now kB, before insmod $base_kb kB, $d"
	if [ "$ledger_ok" = 1 ]; then
		test_no=$((test_no + 1))
		echo "ok $test_no $1 # SKIP superseded: KASAN kernel ($kasan)," \
		     "MemFree is no page-leak oracle here, $d; the page" \
		     "ledger above asserts it exactly"
	else
		not_ok "$1 (KASAN kernel, $d; the page ledger failed too)"
	fi
}

# --- the page ledger (see the header) --------------------------------------
# trace_setup - find or mount tracefs, size the buffers, set the clock and
# the two events; sets TR.  The old settings go to tr_buf, tr_clock and
# tr_on, for trace_restore.
trace_setup() {
	for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		if [ -e "$d/events/kmem/mm_page_alloc" ]; then
			TR=$d
			break
		fi
	done
	if [ -z "$TR" ] && [ -d /sys/kernel/tracing ] &&
	   mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null &&
	   [ -e /sys/kernel/tracing/events/kmem/mm_page_alloc ]; then
		TR=/sys/kernel/tracing
	fi
	if [ -z "$TR" ]; then
		diag "no tracefs with kmem:mm_page_alloc (CONFIG_EVENT_TRACING?)"
		return 1
	fi
	tr_buf=$(cut -d ' ' -f 1 "$TR/buffer_size_kb")
	tr_clock=$(sed 's/.*\[\(.*\)\].*/\1/' "$TR/trace_clock")
	tr_on=$(cat "$TR/tracing_on")
	tr_saved=1
	if ! { echo 0 >"$TR/tracing_on" &&
	       echo "$LEDGER_BUF_KB" >"$TR/buffer_size_kb" &&
	       echo global >"$TR/trace_clock" &&
	       echo 'order >= 9' >"$TR/events/kmem/mm_page_alloc/filter" &&
	       echo 0 >"$TR/events/kmem/mm_page_free/filter" &&
	       echo 1 >"$TR/events/kmem/mm_page_alloc/enable" &&
	       echo 1 >"$TR/events/kmem/mm_page_free/enable"; }; then
		diag "cannot set up the kmem events in $TR"
		TR=
		return 1
	fi
	diag "page ledger: $TR, $(cat "$TR/buffer_size_kb") kB per CPU," \
	     "clock global, mm_page_alloc filter" \
	     "'$(cat "$TR/events/kmem/mm_page_alloc/filter")'"
}

trace_restore() {
	[ -n "$tr_saved" ] && [ -n "$TR" ] || return 0
	echo 0 >"$TR/tracing_on"
	echo 0 >"$TR/events/kmem/mm_page_alloc/enable"
	echo 0 >"$TR/events/kmem/mm_page_free/enable"
	echo 0 >"$TR/events/kmem/mm_page_alloc/filter"
	: >"$TR/trace"
	echo "$tr_clock" >"$TR/trace_clock"
	echo "$tr_buf" >"$TR/buffer_size_kb"
	echo "$tr_on" >"$TR/tracing_on"
}

# ledger_begin - start a window: empty trace buffers (which also zeroes
# their overrun counters), tracing on.
ledger_begin() {
	[ -n "$TR" ] || return 0
	echo 0 >"$TR/tracing_on"
	: >"$TR/trace"
	echo 1 >"$TR/tracing_on"
}

# ledger_balanced [PAGES] - end the window: tracing off; no event lost;
# every pfn of every order >= 9 block allocated in the window was freed
# after its allocation; with PAGES, exactly PAGES pages were allocated in
# such blocks that are not compound (the pool's chunks).  Sets ledger_ok.
ledger_balanced() {
	ledger_ok=0
	[ -n "$TR" ] || { diag "page ledger: no tracing"; return 1; }
	echo 0 >"$TR/tracing_on"
	lost=0
	for st in "$TR"/per_cpu/cpu*/stats; do
		if ! awk '/^(overrun|commit overrun|dropped events):/ && $NF != 0 { bad = 1 }
			  /^entries:/ { e = $2 } /^bytes:/ { b = $2 }
			  END { printf "%s entries, %s bytes", e, b; exit bad }' \
			  "$st" >"$tmp/st.out"; then
			lost=1
			diag "page ledger: events lost on $st:" \
			     "$(tr '\n' ' ' <"$st")"
		fi
		cpu=${st%/stats}
		diag "page ledger: ${cpu##*/}: $(cat "$tmp/st.out")"
	done
	# Read straight from tracefs: a copy in /tmp (tmpfs) would be
	# megabytes of RAM, and the MemFree check that follows would see them.
	awk -v expect="${1:-}" '
	function hex(s,    i, n) {
		sub(/^0x/, "", s)
		s = tolower(s)
		n = 0
		for (i = 1; i <= length(s); i++)
			n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return n
	}
	function field(name,    i) {
		for (i = 1; i <= NF; i++)
			if (index($i, name "=") == 1)
				return substr($i, length(name) + 2)
		return ""
	}
	function pages(order,    n) {
		n = 1
		while (order-- > 0)
			n *= 2
		return n
	}
	/LOST/ {
		lostlines++
	}
	/ mm_page_alloc: / {
		pfn = hex(field("pfn"))
		o = field("order") + 0
		n = pages(o)
		blocks++
		allocated += n
		orders[o]++
		g = field("gfp_flags")
		gfp[g]++
		# compound blocks are kmalloc_large() / kvmalloc() metadata
		# (the slab layer page array); the pool chunks are not
		if (g !~ /__GFP_COMP/)
			chunk_pages += n
		for (j = 0; j < n; j++) {
			if ((pfn + j) in own)
				twice++
			else
				out++
			own[pfn + j] = 1
		}
		next
	}
	/ mm_page_free: / {
		frees++
		pfn = hex(field("pfn"))
		n = pages(field("order") + 0)
		for (j = 0; j < n; j++)
			if ((pfn + j) in own) {
				delete own[pfn + j]
				out--
				freed++
			}
	}
	END {
		s = ""
		for (o in orders)
			s = s " " orders[o] " of order " o
		printf "# page ledger: %d blocks of order >= 9 allocated (%s ), %d pages;", blocks, s, allocated
		printf " %d of them freed, %d not; %d mm_page_free events in all\n", freed + 0, out + 0, frees
		for (g in gfp)
			printf "# page ledger: %d block(s) with gfp_flags=%s\n", gfp[g], g
		if (out) {
			printf "# page ledger: pages never freed (pfn):"
			k = 0
			for (p in own)
				if (k++ < 8)
					printf " 0x%x", p
			printf "%s\n", (k > 8 ? " ..." : "")
		}
		if (twice)
			printf "# page ledger: %d pages allocated twice without a free between\n", twice
		if (lostlines)
			printf "# page ledger: %d LOST line(s) in the trace\n", lostlines
		bad = out != 0 || twice != 0 || lostlines != 0
		if (expect != "" && chunk_pages != expect) {
			printf "# page ledger: expected %d pages in chunks (order >= 9, not compound), found %d\n", expect, chunk_pages
			bad = 1
		}
		exit bad
	}' "$TR/trace" || return 1
	[ "$lost" = 0 ] || return 1
	ledger_ok=1
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
	trace_restore
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

# KASAN: MemFree is no page-leak oracle there (see the header).
if awk '$3 == "kasan_report" { f = 1 } END { exit !f }' /proc/kallsyms; then
	kasan="kasan_report in /proc/kallsyms"
	diag "KASAN kernel: the MemFree checks are superseded by the page ledger"
fi
# Before the baseline: the trace buffers are memory too.
trace_setup
measure_baseline
cat /proc/meminfo >"$tmp/meminfo.base"
diag "baseline free memory $base_kb kB, noise $noise_kb kB"

# --- load with the default parameters ------------------------------------
ledger_begin
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
check "page ledger: rmmod freed every page insmod took" \
	ledger_balanced "${pool_pages:-0}"
memfree_check "free memory back to its pre-insmod value after rmmod" \
	"after rmmod"

# --- bad parameters ------------------------------------------------------
ledger_begin
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
check "page ledger: failed loads gave back every page they took" \
	ledger_balanced
memfree_check "failed loads leaked no memory" "after failed loads"

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
ledger_begin
check "insmod fail_reserve=1,100,0,1 falls back to order-9 chunks" fallback_ok
check "page ledger: the fallback pool's pages all came back" \
	ledger_balanced $((64 * 1024 / PAGE_KB))
memfree_check "fallback load and unload leaked no memory" "after fallback"

# --- another pool size ---------------------------------------------------
small_ok() {
	insmod "$KO" pool_mb=8 || return 1
	pages=$(info_value pool_pages)
	diag "pool_mb=8: pool_pages $pages"
	ctl -q alloc 10 nowmark check || { rmmod "$MODNAME"; return 1; }
	rmmod "$MODNAME" || return 1
	[ "$pages" = $((8 * 1024 / PAGE_KB)) ]
}
ledger_begin
check "insmod pool_mb=8 gives an 8 MiB pool, rmmod works" small_ok
check "page ledger: the 8 MiB pool's pages all came back" \
	ledger_balanced $((8 * 1024 / PAGE_KB))

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
