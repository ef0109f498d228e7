#!/bin/bash
# make check: the full gate CI runs.  Every part runs even when an earlier
# one failed (except what cannot run without a tree); the counts of all
# parts are summed in 'check: N passed, N failed', then repeated as the
# plain last line 'N passed, N failed'.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

passed=0 failed=0
declare -a parts=()
start=$(date +%s)

# part NAME COMMAND...: run, take the part's own "N passed, N failed" line
# if it prints one, else count the part as one test.
part() {
	local name=$1 t0 rc out p f
	shift
	t0=$(date +%s)
	echo "=== check: $name"
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	p=$(sed -n "s/^$name: \\([0-9]*\\) passed, \\([0-9]*\\) failed.*/\\1/p" "$out" | tail -1)
	f=$(sed -n "s/^$name: \\([0-9]*\\) passed, \\([0-9]*\\) failed.*/\\2/p" "$out" | tail -1)
	rm -f "$out"
	if [ -z "$p" ]; then
		if [ "$rc" -eq 0 ]; then p=1 f=0; else p=0 f=1; fi
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	parts+=("$(printf '%-13s %4d passed %4d failed %5ds' "$name" "$p" "$f" \
		$(( $(date +%s) - t0 )))")
	return "$rc"
}

part tree "$TOP/scripts/tree.sh"
tree_ok=$?
if [ "$tree_ok" -eq 0 ]; then
	part checkpatch "$TOP/scripts/checkpatch.sh"
	part docs "$TOP/scripts/docs-check.sh"
	part kconfig "$TOP/scripts/kconfig-check.sh"
	part series-check "$TOP/scripts/series-check.sh"
	part kunit "$TOP/scripts/kunit.sh"
	if part build "$TOP/scripts/build-kernel.sh" x86_64 &&
	   part initramfs "$TOP/scripts/initramfs.sh" x86_64; then
		part vmtest "$TOP/scripts/vmtest.sh" x86_64 test
		# A minute of hostile page requests; 'make stress' runs longer
		part stress "$TOP/scripts/vmtest.sh" x86_64 stress -t,60,-j,4
	fi
	# The arm64 guest: QEMU virt with an SMMUv3
	if part build-arm64 "$TOP/scripts/build-kernel.sh" arm64 &&
	   part initramfs-arm64 "$TOP/scripts/initramfs.sh" arm64; then
		part vmtest-arm64 "$TOP/scripts/vmtest.sh" arm64 test
	fi
fi

echo "=== check: summary ($(( $(date +%s) - start ))s)"
printf '  %s\n' "${parts[@]}"
echo "check: $passed passed, $failed failed"
# The plain last line CI reads
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
