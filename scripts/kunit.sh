#!/bin/bash
# make kunit: the series' KUnit suites in a KUnit x86_64 guest, with the
# debug options of configs/iopf.kunitconfig.  Fails on a failing case and
# on any kernel splat (lockdep, KASAN, WARNING...) in the guest's log.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no kernel tree: run 'make tree'"
out=$BUILD/kunit
mkdir -p "$out"
log=$BUILD/kunit.log
rc=0
(
	cd "$TREE"
	python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
		--kunitconfig="$TOP/configs/iopf.kunitconfig" \
		--build_dir="$out" --jobs="$JOBS" --timeout=600 \
		--qemu_args="-cpu qemu64,+pdpe1gb" \
		--make_options "CC=ccache gcc"
) 2>&1 | tee "$log" || rc=$?

# kunit.py's summary names only the non-zero counts:
# "Testing complete. Ran 20 tests: passed: 19, failed: 1"
summary=$(grep -a 'Testing complete\.' "$log" | tail -1 || true)
count() {
	local v
	v=$(sed -n "s/.*[ ,]$1: \([0-9]*\).*/\1/p" <<<"$summary")
	echo "${v:-0}"
}
passed=$(count passed)
failed=$(( $(count failed) + $(count crashed) + $(count errors) ))
if [ -z "$summary" ]; then
	echo "kunit: FAIL: no result from kunit.py (build or boot failed?)"
	failed=$((failed + 1))
elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	echo "kunit: FAIL: kunit.py exited $rc"
	failed=1
fi
if ! "$TOP/scripts/splat.sh" "$out/test.log"; then
	failed=$((failed + 1))
fi
echo "kunit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
