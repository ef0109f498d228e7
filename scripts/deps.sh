#!/bin/bash
# Install, idempotently and only what is missing, the Debian packages the
# harness needs, and the optional ones named on the command line (make
# bench asks for gnuplot-nox).  Safe to run again; does nothing when all
# are present.
#   deps.sh [package...]
set -euo pipefail

pkgs=(
	linux-source-6.1 gcc make flex bison bc libelf-dev libssl-dev ccache
	python3 python3-ply python3-git cpio xz-utils git busybox-static
	qemu-system-x86 qemu-system-arm ipxe-qemu gcc-aarch64-linux-gnu
	libc6-dev-arm64-cross python3-sphinx sparse
	"$@"
)

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#pkgs[@]} packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run 'make deps' as root to install them" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
