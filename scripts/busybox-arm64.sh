#!/bin/bash
# The arm64 guest's busybox: Debian's busybox-static for arm64, taken from
# the archive with apt (the arm64 architecture is added to dpkg for that;
# nothing arm64 is installed) and unpacked into build/busybox-arm64.
#   busybox-arm64.sh
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$BUILD/busybox-arm64
[ -x "$out/bin/busybox" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	die "the arm64 busybox comes from apt: run as root once"
fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	dpkg --add-architecture arm64
	apt-get update -qq
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -qq busybox-static:arm64 2>/dev/null) ||
	{ apt-get update -qq && (cd "$tmp" && apt-get download -qq busybox-static:arm64); }
dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$tmp/x"
mkdir -p "$out/bin"
install -m 755 "$tmp/x/bin/busybox" "$out/bin/busybox"
echo "busybox-arm64: $(dpkg-deb -f "$tmp"/busybox-static_*_arm64.deb Version) in ${out#"$TOP"/}"
