#!/bin/bash
# make kunit: the series' KUnit suites in a KUnit x86_64 guest, with the
# debug options of configs/iopf.kunitconfig.  Fails on a failing case and
# on any kernel splat (lockdep, KASAN, WARNING...) in the guest's log.
#
# One kernel, two boots: the core's suites on two CPUs, where their races
# can happen; the VT-d model's suites on one, which its MMIO traps (kmmio)
# need.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no kernel tree: run 'make tree'"
out=$BUILD/kunit
mkdir -p "$out"
log=$BUILD/kunit.log
: >"$log"
passed=0 failed=0

# kunit_pass VERB CPUS GLOB: one boot, its summary added to the counts
kunit_pass() {
	local verb=$1 cpus=$2 glob=$3 rc=0 plog summary p f
	plog=$out/kunit-$cpus.log
	(
		cd "$TREE"
		args=(--build_dir="$out" --timeout=600
		      --qemu_args="-cpu qemu64,+pdpe1gb -smp $cpus")
		[ "$verb" = run ] &&
			args+=(--arch=x86_64 --jobs="$JOBS"
			       --kunitconfig="$TOP/configs/iopf.kunitconfig"
			       --make_options "CC=ccache gcc")
		[ "$verb" = exec ] && args+=(--arch=x86_64)
		python3 tools/testing/kunit/kunit.py "$verb" "${args[@]}" "$glob"
	) 2>&1 | tee "$plog" || rc=$?
	cat "$plog" >>"$log"
	cp "$out/test.log" "$out/test-$cpus.log" 2>/dev/null || true

	# kunit.py's summary names only the non-zero counts:
	# "Testing complete. Ran 20 tests: passed: 19, failed: 1"
	summary=$(grep -a 'Testing complete\.' "$plog" | tail -1 || true)
	count() {
		local v
		v=$(sed -n "s/.*[ ,]$1: \([0-9]*\).*/\1/p" <<<"$summary")
		echo "${v:-0}"
	}
	p=$(count passed)
	f=$(( $(count failed) + $(count crashed) + $(count errors) ))
	if [ -z "$summary" ]; then
		echo "kunit: FAIL: no result from kunit.py for $glob (build or boot failed?)"
		f=$((f + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "kunit: FAIL: kunit.py exited $rc for $glob"
		f=1
	fi
	if ! "$TOP/scripts/splat.sh" "$out/test.log"; then
		f=$((f + 1))
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ -n "$summary" ]
}

if kunit_pass run 2 'iommu-*'; then
	kunit_pass exec 1 'intel-svm-model*' || true
fi
echo "kunit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
