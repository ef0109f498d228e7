#!/bin/bash
# Build the busybox initramfs for the ARCH guest: static busybox, /init,
# and the static kselftest binaries of tools/testing/selftests/iommu/ from
# the patched tree (when the series has any): the tests in /tests, the
# programs that are not tests (iopf_stress) in /bin.  The harness's own
# programs, the demo and the benchmark (bench/iopf_bench.c), go to /bin
# too, built against the same headers.  KVARIANT=bench builds the
# benchmark guest's initramfs, with that kernel's headers.
#   [KVARIANT=bench] initramfs.sh ARCH
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: initramfs.sh ARCH}
case $arch in
x86_64)	cc=gcc; bb=/bin/busybox; cross= ; karch=x86_64 ;;
arm64)	cc=aarch64-linux-gnu-gcc; bb=$BUILD/busybox-arm64/bin/busybox
	cross=aarch64-linux-gnu- ; karch=arm64 ;;
*)	die "unknown ARCH $arch" ;;
esac
[ "$arch" = arm64 ] && [ ! -x "$bb" ] && "$TOP/scripts/busybox-arm64.sh"
[ -x "$bb" ] || die "no static busybox for $arch at $bb"

kdir=$(kernel_dir "$arch")
root=$BUILD/initramfs-${kdir##*/}
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,lib,tests,etc}
cp "$bb" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
install -m 755 "$TOP/guest/init" "$root/init"
install -m 644 "$TOP/guest/vmtest-checks.sh" "$TOP/guest/demo.sh" "$root/lib/"

st=$TREE/tools/testing/selftests/iommu
if [ -f "$st/Makefile" ]; then
	out=$BUILD/selftests-$arch
	mkdir -p "$out"
	# The selftests build against the patched tree's exported uapi headers
	make -s -C "$TREE" O="$kdir" ARCH="$karch" \
		CROSS_COMPILE="$cross" headers >/dev/null
	make -s -C "$st" OUTPUT="$out" CC="$cc" CROSS_COMPILE="$cross" \
		ARCH="$arch" LDFLAGS=-static \
		KHDR_INCLUDES="-isystem $kdir/usr/include" >/dev/null
	vars=$(make -s -C "$st" OUTPUT="$out" -pn 2>/dev/null)
	for t in $(sed -n 's/^TEST_GEN_PROGS := //p' <<<"$vars"); do
		install -m 755 "$t" "$root/tests/"
	done
	for t in $(sed -n 's/^TEST_GEN_PROGS_EXTENDED := //p' <<<"$vars"); do
		# The benchmark is the harness's (below), even on a tree
		# whose selftests still have one
		case ${t##*/} in
		iopf_bench) continue ;;
		esac
		install -m 755 "$t" "$root/bin/"
	done
fi

# The demo program and the benchmark, against the same headers, when the
# series has the device; the benchmark takes ARRAY_SIZE() from the tree's
# kselftest.h
if [ -f "$kdir/usr/include/linux/iopf_test.h" ]; then
	"$cc" -Wall -Werror -O2 -static -isystem "$kdir/usr/include" \
		-o "$root/bin/iopf-demo" "$TOP/guest/iopf-demo.c"
	"$cc" -Wall -Werror -O2 -static -isystem "$kdir/usr/include" \
		-I "$TREE/tools/testing/selftests" \
		-o "$root/bin/iopf_bench" "$TOP/bench/iopf_bench.c" -lpthread
fi

(cd "$root" && find . | sort | cpio -o -H newc --quiet) >"$root.cpio"
echo "initramfs: $(ls "$root/tests" | wc -l) test program(s)," \
     "$(du -k "$root.cpio" | cut -f1) KiB"
