#!/bin/bash
# make stress: build the test kernel (lockdep, KASAN, kmemleak) and run
# iopf_stress in the ARCH guest for STRESS_SECONDS (default 600) with
# STRESS_WORKERS worker processes and STRESS_SEED (random when unset; the
# guest prints the one it used). The last line is
#   stress: requests=N responses=N lost=N double=N splats=N leaks=N
# and the exit status is 0 when the last four are 0.
#   stress.sh ARCH
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:-x86_64}
seconds=${STRESS_SECONDS:-600}
args="-t,$seconds,-j,${STRESS_WORKERS:-4}"
[ -n "${STRESS_SEED:-}" ] && args="$args,-s,$STRESS_SEED"

"$TOP/scripts/build-kernel.sh" "$arch"
"$TOP/scripts/initramfs.sh" "$arch"
VMTEST_TIMEOUT=$((seconds + 900)) "$TOP/scripts/vmtest.sh" "$arch" stress "$args"
