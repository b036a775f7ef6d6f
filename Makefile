# SPDX-License-Identifier: GPL-2.0
#
# edumm - top-level Makefile.
#
# The module itself is described by ./Kbuild and built by the kernel's build
# system (make -C $(KDIR) M=$(PWD)); this Makefile is the front end for
# people: build, style checks, tests, the test VM.  "make help" lists it all.
#
# Top-level targets run one after another (.NOTPARALLEL below: most of them
# share the module's object files); -jN still parallelises inside each
# build.

SRCDIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))

# Recipes use bash with pipefail so that "cmd | tee log" fails when cmd does.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c

# KDIR: the kernel build tree edumm.ko is built against.  Default: the
# newest installed Debian 6.1 kernel that also has a /boot/vmlinuz (the one
# the test VM boots), found by scripts/kernel-env.  Never the host's
# "uname -r": the VM runs Debian's kernel.
ifeq ($(origin KDIR),undefined)
KDIR := $(shell $(SRCDIR)/scripts/kernel-env KDIR 2>/dev/null)
endif

# W and C are passed through to kbuild: "make W=1" (extra warnings),
# "make C=1" (sparse on recompiled files), as in the kernel tree.
# (Recipes spell out "$(MAKE) -C $(KDIR) M=$(SRCDIR)": make passes its
# jobserver only to lines that name $(MAKE) literally.)
KBUILD_ARGS := $(strip $(if $(W),W=$(W)) $(if $(C),C=$(C)) $(if $(V),V=$(V)))

# Extra options for scripts/vm-run in "make run" / "make vm-test",
# e.g. make run VM_ARGS="--smp 4 --module-args pool_mb=32".
VM_ARGS ?=

SETUP_DEPS := $(SRCDIR)/scripts/setup-deps
KSRC_EXTRACT := $(SRCDIR)/scripts/ksrc-extract
VM_RUN := $(SRCDIR)/scripts/vm-run
# Kernel files extracted from linux-source-6.1 (see scripts/ksrc-extract).
KSRC := $(SRCDIR)/build/linux-src
KSFT_DIR := $(KSRC)/tools/testing/selftests
CHECKPATCH := $(KSRC)/scripts/checkpatch.pl
LOGDIR := $(SRCDIR)/build/logs

# Files checkpatch --strict must pass: all module sources, the uapi header,
# the selftests and the tools.  No --ignore: every check applies, including
# out of tree (--no-tree only stops checkpatch looking for a kernel tree
# around the files).
STYLE_FILES = $(sort $(shell find $(SRCDIR)/mod -name '*.[ch]' 2>/dev/null) \
		$(wildcard $(SRCDIR)/uapi/linux/*.h \
			   $(SRCDIR)/selftests/*.[ch] $(SRCDIR)/tools/*.[ch]))
CHECKPATCH_FLAGS := --strict --no-tree --show-types --color=never --quiet

# Shell scripts of the build and test infrastructure, for shellcheck.
SHELL_SCRIPTS := $(addprefix $(SRCDIR)/,scripts/setup-deps scripts/kernel-env \
		   scripts/ksrc-extract scripts/vm-run scripts/debug-kernel .ci/run \
		   scripts/bench \
		   tools/testing/fuzz/run-fuzz)
SH_SCRIPTS := $(addprefix $(SRCDIR)/,scripts/vm/init scripts/vm/edumm-demo) \
	      $(wildcard $(SRCDIR)/selftests/*.sh)

# Stages of "make check", in order.  Each is a target of its own.  The
# fast ones are also "make check-quick", for the inner development loop;
# "make check" adds "debug": every kselftest and a bounded fuzzer run under
# the KASAN + lockdep + kmemleak kernel (built first when the cache is
# cold).  The full debug lane, "make check-debug" with 1M fuzzer calls, does
# not fit CI's budget since the slab and vmalloc ioctls joined the fuzzer
# (Documentation/testing.rst, "Measured times"): it is run by hand.
QUICK_STAGES := w1 style sparse unit fuzz selftests tools vm-test
CHECK_STAGES := $(QUICK_STAGES) debug

.NOTPARALLEL:
.DEFAULT_GOAL := all
.PHONY: all module modules clean distclean help deps ksrc \
	style sparse w1 selftests tools unit fuzz run vm-test check check-quick

# Fail with a clear message when there is no kernel tree to build against.
define check_kdir
	@test -f "$(KDIR)/Makefile" || { \
		echo "error: KDIR='$(KDIR)' is not a kernel build tree." >&2; \
		$(SRCDIR)/scripts/kernel-env KDIR >/dev/null || true; \
		echo "Run scripts/setup-deps or pass KDIR=<build tree>." >&2; \
		exit 1; }
endef

all: module

module modules:
	$(check_kdir)
	$(MAKE) -C $(KDIR) M=$(SRCDIR) $(KBUILD_ARGS) modules

deps:
	@$(SETUP_DEPS)

ksrc:
	@$(KSRC_EXTRACT)

# W=1 must be warning-free.  The module's own objects are removed first so
# that every file is compiled (and warned about) on every run.  (Not kbuild's
# "clean": with M= it would delete every *.o under the tree, the unit
# tests' and the tools' included.)
w1:
	$(check_kdir)
	@mkdir -p $(LOGDIR)
	rm -f $(SRCDIR)/mod/*.o $(SRCDIR)/edumm.o $(SRCDIR)/edumm.mod.o $(SRCDIR)/edumm.ko
	$(MAKE) -C $(KDIR) M=$(SRCDIR) W=1 modules 2>&1 | tee $(LOGDIR)/w1.log
	@if grep -i -E 'warning:|error:' $(LOGDIR)/w1.log >/dev/null; then \
		echo "w1: FAIL: W=1 build has warnings:"; \
		grep -i -E 'warning:|error:' $(LOGDIR)/w1.log; exit 1; \
	fi; echo "w1: ok, no warnings"

# sparse on every source file (C=2 checks files even when up to date).
sparse:
	$(check_kdir)
	@mkdir -p $(LOGDIR)
	$(MAKE) -C $(KDIR) M=$(SRCDIR) C=2 modules 2>&1 | tee $(LOGDIR)/sparse.log
	@grep -q '^  CHECK ' $(LOGDIR)/sparse.log || { \
		echo "sparse: FAIL: sparse did not run"; exit 1; }
	@if grep -i -E 'warning:|error:' $(LOGDIR)/sparse.log >/dev/null; then \
		echo "sparse: FAIL:"; \
		grep -i -E 'warning:|error:' $(LOGDIR)/sparse.log; exit 1; \
	fi; echo "sparse: ok, no warnings"

style: ksrc
	@test -n "$(STYLE_FILES)" || { echo "style: no files to check"; exit 1; }
	@command -v shellcheck >/dev/null || { \
		echo "style: shellcheck missing: run scripts/setup-deps"; exit 1; }
	@cd $(SRCDIR); ok=1; \
	echo "checkpatch $(CHECKPATCH_FLAGS) on $(words $(STYLE_FILES)) files"; \
	perl $(CHECKPATCH) $(CHECKPATCH_FLAGS) \
		-f $(patsubst $(SRCDIR)/%,%,$(STYLE_FILES)) || ok=0; \
	echo "shellcheck on $(words $(SHELL_SCRIPTS) $(SH_SCRIPTS)) scripts"; \
	shellcheck $(patsubst $(SRCDIR)/%,%,$(SHELL_SCRIPTS)) || ok=0; \
	shellcheck -s sh $(patsubst $(SRCDIR)/%,%,$(SH_SCRIPTS)) || ok=0; \
	if [ $$ok = 1 ]; then echo "style: ok"; else \
		echo "style: FAIL: problems above"; exit 1; fi

selftests: ksrc
	$(MAKE) -C $(SRCDIR)/selftests KSFT_DIR=$(KSFT_DIR)

tools:
	$(MAKE) -C $(SRCDIR)/tools

# The core's unit tests under ASan+UBSan, then the threaded ones under TSan.
unit:
	$(MAKE) -C $(SRCDIR)/tools/testing/unit run
	$(MAKE) -C $(SRCDIR)/tools/testing/unit tsan

# libFuzzer on the core (clang-14, ASan+UBSan): each target for
# FUZZ_SECONDS (default 60); crashes are saved with a replay command.
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) -C $(SRCDIR)/tools/testing/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

# The main job: build everything, boot the VM, show edumm at work.
run: deps
	$(MAKE) -f $(SRCDIR)/Makefile module tools selftests
	$(VM_RUN) $(VM_ARGS) -- /bin/edumm-demo

# The VM tier of the tests: kselftests and module load/unload checks.
# Uses the selftests and tools already built ("make check" builds them).
vm-test: module
	$(VM_RUN) $(VM_ARGS) -- /selftests/run_all.sh

# run_stages STAGES - run each stage (a target of this Makefile) even when
# an earlier one failed, with its time; then a summary and the line
# "check: N passed, M failed"; fail if any stage failed.
define run_stages
	@mkdir -p $(LOGDIR); pass=0; fail=0; summary=; t00=$$SECONDS; \
	for s in $(1); do \
		echo; echo "======== check: $$s ========"; \
		t0=$$SECONDS; \
		if $(MAKE) -f $(SRCDIR)/Makefile --no-print-directory $$s; then \
			r=PASS; pass=$$((pass + 1)); \
		else \
			r=FAIL; fail=$$((fail + 1)); \
		fi; \
		summary+=$$(printf '  %s  %-10s %5ss' $$r $$s \
				$$((SECONDS - t0)))$$'\n'; \
	done; \
	echo; echo "======== check: summary ========"; \
	printf '%s' "$$summary"; \
	printf '  total            %5ss\n' $$((SECONDS - t00)); \
	echo "check: $$pass passed, $$fail failed"; \
	test $$fail -eq 0
endef

# Every test (the README's test command, and CI's).
check: deps
	$(call run_stages,$(CHECK_STAGES))

# The fast stages only: NOT the test command (no debug lane).
check-quick: deps
	$(call run_stages,$(QUICK_STAGES))

# The debug lane: a KASAN + lockdep + kmemleak + DEBUG_VM kernel built from
# linux-source-6.1 (scripts/debug-kernel; cached outside the repository,
# so only the first run is slow), edumm.ko built against it in
# build/debug-module/, and the kselftests and the ioctl fuzzer run under it
# with kmemleak scans before and after rmmod.  Fails on any test failure,
# splat, WARNING or leak (scripts/vm-run --kernel debug).
# DEBUG_FUZZ_CALLS / DEBUG_FUZZ_PROCS: the fuzzer's budget in the guest
# (EDUMM_FUZZ_CALLS / EDUMM_FUZZ_PROCS for selftests/run_all.sh).
DEBUG_KERNEL := $(SRCDIR)/scripts/debug-kernel
# DEBUG_FUZZ_FAIL_CALLS: calls of the second fuzzer run, the one with
# fault injection on (EDUMM_FUZZ_FAIL_CALLS).  DEBUG_TIMEOUT: the VM's time
# limit in seconds: the run takes about 22 minutes under TCG on the quiet
# 2-CPU machine, about 60 with two other VMs beside it (measured).
DEBUG_FUZZ_CALLS ?= 1000000
DEBUG_FUZZ_PROCS ?= 4
DEBUG_FUZZ_FAIL_CALLS ?= 200000
DEBUG_TIMEOUT ?= 5400
.PHONY: debug-kernel check-debug debug

# (deps: the kernel's build dependencies, bc, flex, bison, libelf-dev,
# libssl-dev, and linux-source-6.1, come from scripts/setup-deps.)
debug-kernel: deps
	@$(DEBUG_KERNEL) >/dev/null

# The last stage of "make check": the debug lane with CI's budget, the
# same kselftests and kmemleak scans as check-debug with a shorter fuzzer
# run (CHECK_DEBUG_FUZZ_CALLS, then CHECK_DEBUG_FUZZ_FAIL_CALLS with fault
# injection, on DEBUG_FUZZ_PROCS processes): the full lane takes about 30
# minutes of make check on a quiet machine and over an hour under load,
# and the whole suite is to stay well under 30 minutes.
CHECK_DEBUG_FUZZ_CALLS ?= 100000
CHECK_DEBUG_FUZZ_FAIL_CALLS ?= 30000
CHECK_DEBUG_TIMEOUT ?= 3000
debug: deps
	$(MAKE) -f $(SRCDIR)/Makefile --no-print-directory check-debug \
		DEBUG_FUZZ_CALLS=$(CHECK_DEBUG_FUZZ_CALLS) \
		DEBUG_FUZZ_FAIL_CALLS=$(CHECK_DEBUG_FUZZ_FAIL_CALLS) \
		DEBUG_TIMEOUT=$(CHECK_DEBUG_TIMEOUT)

check-debug: deps
	@$(DEBUG_KERNEL) >/dev/null
	@$(DEBUG_KERNEL) --module >/dev/null
	$(MAKE) -f $(SRCDIR)/Makefile --no-print-directory selftests tools
	$(VM_RUN) --kernel debug --timeout $(DEBUG_TIMEOUT) $(VM_ARGS) -- env \
		EDUMM_FUZZ_CALLS=$(DEBUG_FUZZ_CALLS) \
		EDUMM_FUZZ_PROCS=$(DEBUG_FUZZ_PROCS) \
		EDUMM_FUZZ_FAIL_CALLS=$(DEBUG_FUZZ_FAIL_CALLS) \
		/selftests/run_all.sh

# Benchmarks: edumm against the kernel's own allocators in one VM boot,
# as ratios (scripts/bench, Documentation/benchmarks.rst).  BENCH_SMP=N
# vCPUs (default 2); BENCH_OPS, BENCH_REPS, BENCH_ROUNDS, BENCH_ONLY,
# BENCH_PCP.
# Results in build/bench/<timestamp>/.
.PHONY: bench
bench: deps
	$(MAKE) -f $(SRCDIR)/Makefile --no-print-directory module tools
	$(SRCDIR)/scripts/bench

clean:
	@if [ -f "$(KDIR)/Makefile" ]; then $(MAKE) -C $(KDIR) M=$(SRCDIR) clean; else \
		cd $(SRCDIR) && find . -path ./build -prune -o \( \
		-name '*.o' -o -name '*.ko' -o -name '*.mod' -o \
		-name '*.mod.c' -o -name '.*.cmd' -o -name '*.a' \) \
		-type f -print0 | xargs -0r rm -f; \
		rm -f modules.order Module.symvers; fi
	@for d in selftests tools tools/testing/unit; do \
		if [ -f $(SRCDIR)/$$d/Makefile ]; then \
			$(MAKE) -C $(SRCDIR)/$$d clean || exit 1; fi; done
	rm -rf $(LOGDIR)

# Also the extracted kernel files and the VM logs.
distclean: clean
	rm -rf $(SRCDIR)/build

help:
	@echo 'edumm - an educational memory manager beside the real one'
	@echo
	@echo 'Main targets:'
	@echo '  all, module  - build edumm.ko against KDIR (default target; also: modules)'
	@echo '  run          - install missing packages, build everything, boot the'
	@echo '                 test VM and run the demo (/bin/edumm-demo)'
	@echo '  check        - every test (the test command, run by .ci/run):'
	@echo '                 $(CHECK_STAGES);'
	@echo '                 prints each stage'"'"'s time and "check: N passed, M failed"'
	@echo '  check-quick  - the fast stages only (no debug lane), for the'
	@echo '                 development loop; not the test command'
	@echo '  clean        - remove build products and logs'
	@echo '  distclean    - clean, and remove build/ (extracted kernel files, VM logs)'
	@echo '  bench        - boot the VM and time edumm against the kernel'"'"'s allocators,'
	@echo '                 interleaved: table, CSV and PNG in build/bench/<timestamp>/'
	@echo '                 (BENCH_SMP=N vCPUs, default 2; see scripts/bench)'
	@echo '  help         - this text'
	@echo
	@echo 'Check stages (each also a target):'
	@echo '  w1           - rebuild the module with W=1; fail on any warning'
	@echo '  style        - checkpatch --strict over mod/ uapi/ selftests/ tools/,'
	@echo '                 shellcheck over scripts/; fail on any ERROR/WARNING/CHECK'
	@echo '  sparse       - sparse (C=2) over every module source; fail on any warning'
	@echo '  unit         - userspace unit tests of the core (tools/testing/unit):'
	@echo '                 ASan+UBSan, then the threaded tests under TSan'
	@echo '  fuzz         - libFuzzer on the core (tools/testing/fuzz), FUZZ_SECONDS'
	@echo '                 per target (default 60)'
	@echo '  selftests    - build the kselftests (selftests/, static binaries)'
	@echo '  tools        - build tools/edummctl (static)'
	@echo '  vm-test      - boot the VM and run /selftests/run_all.sh'
	@echo '  debug        - the debug lane with CI'"'"'s budget: check-debug with'
	@echo '                 $(CHECK_DEBUG_FUZZ_CALLS) + $(CHECK_DEBUG_FUZZ_FAIL_CALLS) fuzzer calls'
	@echo
	@echo 'Debug lane ("debug", the last stage of check, runs it with a short fuzz):'
	@echo '  debug-kernel - build the KASAN/lockdep/kmemleak kernel from linux-source-6.1'
	@echo '                 (scripts/debug-kernel; cached in $${EDUMM_CACHE:-/var/cache/edumm})'
	@echo '  check-debug  - debug-kernel, edumm.ko against it, the kselftests and the'
	@echo '                 fuzzer ($(DEBUG_FUZZ_CALLS) calls) under it, kmemleak scan;'
	@echo '                 fails on any failure, splat, WARNING or leak;'
	@echo '                 well over an hour: run by hand, not in CI'
	@echo
	@echo 'Helpers:'
	@echo '  deps         - install missing Debian packages (scripts/setup-deps)'
	@echo '  ksrc         - extract kselftest and checkpatch files from'
	@echo '                 linux-source-6.1 into build/linux-src (scripts/ksrc-extract)'
	@echo
	@echo 'Variables:'
	@echo '  KDIR=dir     - kernel build tree (now: $(or $(KDIR),none found))'
	@echo '  W=n          - extra compiler warnings (1, 2, 3), passed to kbuild'
	@echo '  C=1|2        - run sparse on compiled (1) or all (2) files, via kbuild'
	@echo '  V=1          - verbose kbuild output'
	@echo '  VM_ARGS=...  - extra scripts/vm-run options for run and vm-test,'
	@echo '                 e.g. VM_ARGS="--smp 4 --module-args pool_mb=32"'
	@echo
	@echo 'The VM: scripts/vm-run --help'
