#!/bin/bash
# The I/O page fault test device stays out of kernels that are not test
# kernels: allmodconfig (COMPILE_TEST) cannot have it, nor a configuration
# without IOMMU_DEBUGFS, as production kernels are; a test configuration
# with IOMMU_DEBUGFS can.  Prints 'kconfig: N passed, N failed'.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no kernel tree: run 'make tree'"
out=$BUILD/kconfig-check
rm -rf "$out"
mkdir -p "$out"
passed=0 failed=0

kmake() {
	make -s -C "$TREE" O="$out" ARCH=x86_64 "$@" >/dev/null
}

# expect NAME set|unset: the test device's option after NAME's config
expect() {
	local have=unset
	grep -q '^CONFIG_IOMMU_IOPF_TEST=[ym]' "$out/.config" && have=set
	if [ "$have" = "$2" ]; then
		echo "kconfig: ok: $1: IOMMU_IOPF_TEST $have"
		passed=$((passed + 1))
	else
		echo "kconfig: FAIL: $1: IOMMU_IOPF_TEST $have, expected $2"
		failed=$((failed + 1))
	fi
}

kmake allmodconfig
expect allmodconfig unset

kmake defconfig
"$TREE/scripts/config" --file "$out/.config" -e DEBUG_FS -e IOMMU_SUPPORT \
	-e INTEL_IOMMU -d IOMMU_DEBUGFS -e IOMMU_IOPF_TEST
kmake olddefconfig
expect "defconfig without IOMMU_DEBUGFS" unset

"$TREE/scripts/config" --file "$out/.config" -e IOMMU_DEBUGFS \
	-e IOMMU_IOPF_TEST
kmake olddefconfig
expect "defconfig with IOMMU_DEBUGFS" set

echo "kconfig: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
