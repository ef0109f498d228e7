#!/bin/bash
# make kcsan: the data-race check. Build the test kernel with KCSAN instead
# of KASAN (configs/kcsan.config), boot it to run the selftests (and the
# boot-time KUnit suites), then boot it for KCSAN_STRESS_SECONDS (300) of
# iopf_stress. Any kernel report fails the run, a "BUG: KCSAN" data race
# among them (scripts/splat.sh). Not part of make check, for time.
#   kcsan.sh ARCH
set -uo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:-x86_64}
seconds=${KCSAN_STRESS_SECONDS:-300}
export KVARIANT=kcsan
passed=0 failed=0
rm -f "$BUILD"/*-"$arch".log.judged "$BUILD"/*-"$arch".log.after

"$TOP/scripts/build-kernel.sh" "$arch" || die "kernel build failed"
"$TOP/scripts/initramfs.sh" "$arch" || die "initramfs build failed"

# step NAME COMMAND...: one boot, counted as one
step() {
	local name=$1
	shift
	if "$@"; then
		passed=$((passed + 1))
	else
		echo "kcsan: FAIL: $name"
		failed=$((failed + 1))
	fi
	grep -a -A16 'BUG: KCSAN' "$BUILD/$name-$arch.log" 2>/dev/null |
		head -60 | sed 's/^/kcsan:   /'
}

step vmtest "$TOP/scripts/vmtest.sh" "$arch" test
VMTEST_TIMEOUT=$((seconds + 900)) \
	step stress "$TOP/scripts/vmtest.sh" "$arch" stress "-t,$seconds,-j,4"
# Reports of the test runs, up to each guest's end (see vmtest.sh)
reports=$(cat "$BUILD/vmtest-$arch.log.judged" "$BUILD/stress-$arch.log.judged" \
	2>/dev/null | grep -ac 'BUG: KCSAN' || true)
after=$(cat "$BUILD/vmtest-$arch.log.after" "$BUILD/stress-$arch.log.after" \
	2>/dev/null | grep -ac 'BUG: KCSAN' || true)
echo "kcsan: $reports KCSAN report(s) during the tests," \
     "$after after the guests' end (power-off, not counted)"
echo "kcsan: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$reports" -eq 0 ]
