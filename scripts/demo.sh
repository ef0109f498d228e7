#!/bin/bash
# make demo: boot the patched kernel under QEMU with the virtual IOMMU and
# tell, in plain words, what the series does there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
arch=${1:-x86_64}

n=$(series_files | wc -l)
cat <<MSG

== Per-domain I/O page fault handling for Linux 6.1: demo ==
Kernel: Debian linux-source $(cat "$BUILD/linux.version") with the $n patch(es) of patches/series.
Guest:  QEMU $arch (TCG), $( [ "$arch" = x86_64 ] && echo "q35 with a virtual Intel VT-d in scalable mode" || echo "virt with a virtual SMMUv3").

MSG
"$TOP/scripts/vmtest.sh" "$arch" demo
