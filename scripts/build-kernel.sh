#!/bin/bash
# Build the guest kernel for ARCH (x86_64 or arm64) out of tree in
# build/$ARCH, from allnoconfig plus the fragments in configs/.  With
# KVARIANT=bench, the benchmark kernel in build/$ARCH-bench: the same
# kernel without the debug options and the boot-time KUnit suites, which
# would skew the timing; with KVARIANT=profile, that kernel plus ftrace's
# function profiler, in build/$ARCH-profile; with KVARIANT=kcsan, the test
# kernel with KCSAN instead of KASAN, in build/$ARCH-kcsan.
#   [KVARIANT=bench|profile|kcsan] build-kernel.sh ARCH [extra fragment...]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-kernel.sh ARCH [fragment...]}
shift
case $arch in
x86_64)	karch=x86_64; image=arch/x86/boot/bzImage; cross= ;;
arm64)	karch=arm64; image=arch/arm64/boot/Image; cross=aarch64-linux-gnu- ;;
*)	die "unknown ARCH $arch" ;;
esac
[ -d "$TREE/.git" ] || die "no kernel tree: run 'make tree'"

out=$(kernel_dir "$arch")
mkdir -p "$out"
if [ "${KVARIANT:-test}" = kcsan ]; then
	frags=("$TOP/configs/base.config" "$TOP/configs/$arch.config"
	       "$TOP/configs/debug.config" "$TOP/configs/kcsan.config" "$@")
elif [ "${KVARIANT:-test}" != test ]; then
	grep -v KUNIT "$TOP/configs/base.config" >"$out/base-nokunit.config"
	grep -v KUNIT "$TOP/configs/$arch.config" >"$out/$arch-nokunit.config"
	frags=("$out/base-nokunit.config" "$out/$arch-nokunit.config"
	       "$TOP/configs/bench.config" "$@")
	[ "$KVARIANT" = profile ] && frags+=("$TOP/configs/profile.config")
else
	frags=("$TOP/configs/base.config" "$TOP/configs/$arch.config"
	       "$TOP/configs/debug.config" "$@")
fi
cat "${frags[@]}" >"$out/fragment.config"

kmake() {
	make -s -C "$TREE" O="$out" ARCH="$karch" CROSS_COMPILE="$cross" \
		CC="ccache ${cross}gcc" -j"$JOBS" "$@"
}

kmake KCONFIG_ALLCONFIG="$out/fragment.config" allnoconfig >/dev/null
check_config "$out/fragment.config" "$out/.config" ||
	die "kernel configuration for $arch is not what configs/ asks"

start=$(date +%s)
kmake
echo "build-kernel: $arch $(basename $image) built in $(( $(date +%s) - start ))s"
ln -sf "$out/$image" "$out/kernel-image"
