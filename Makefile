# Per-domain I/O page fault handling for Linux 6.1: the series in patches/
# and the harness that builds, boots and tests it.  See README.md.

ARCH ?= x86_64
S := scripts

.PHONY: all deps tree export kunit vmtest vmtest-kernel demo bench bench-profile stress kcsan checkpatch docs-check kconfig-check series-check check help

all: help

help:
	@echo "make demo        build the patched kernel, boot it with a virtual IOMMU, show what the series does"
	@echo "make check       the full gate: series applies, checkpatch, kunit, vmtest"
	@echo "make deps        install the Debian packages the harness needs (as root)"
	@echo "make tree        lay out build/linux: linux-source-6.1 + patches/series"
	@echo "make export      write build/linux base..HEAD back into patches/"
	@echo "make kunit       the series' KUnit suites (x86_64, lockdep+KASAN)"
	@echo "make vmtest      boot the ARCH=$(ARCH) guest, run the selftests, parse TAP"
	@echo "make series-check  build every patch on its own, x86_64 and arm64, W=1"
	@echo "make bench       IOPF benchmark in the ARCH guest: ratios to build/bench.json"
	@echo "make bench-profile  where a fault's time goes (ftrace function profiler)"
	@echo "make docs-check  the series' documentation page through Sphinx, warnings as errors"
	@echo "make kconfig-check  the test device stays out of allmodconfig and production configs"
	@echo "make stress      hostile page requests in the ARCH guest for STRESS_SECONDS (600)"
	@echo "make kcsan       selftests and 300 s of stress on a KCSAN kernel; fails on any data race report"

deps:
	@$(S)/deps.sh

tree: deps
	@$(S)/tree.sh

export: deps
	@$(S)/export.sh

build/linux/.git:
	@$(MAKE) --no-print-directory tree

checkpatch: deps build/linux/.git
	@$(S)/checkpatch.sh

docs-check: deps build/linux/.git
	@$(S)/docs-check.sh

kconfig-check: deps build/linux/.git
	@$(S)/kconfig-check.sh

series-check: deps build/linux/.git
	@$(S)/series-check.sh

kunit: deps build/linux/.git
	@$(S)/kunit.sh

vmtest-kernel: deps build/linux/.git
	@$(S)/build-kernel.sh $(ARCH)
	@$(S)/initramfs.sh $(ARCH)

vmtest: vmtest-kernel
	@$(S)/vmtest.sh $(ARCH) test

demo: vmtest-kernel
	@$(S)/demo.sh $(ARCH)

bench: deps build/linux/.git
	@$(S)/bench.sh $(ARCH)

stress: deps build/linux/.git
	@$(S)/stress.sh $(ARCH)

kcsan: deps build/linux/.git
	@$(S)/kcsan.sh $(ARCH)

bench-profile: deps build/linux/.git
	@KVARIANT=profile $(S)/bench.sh $(ARCH)

check: deps
	@$(S)/check.sh
