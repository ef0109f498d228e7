#!/bin/bash
# Build every patch of the series on its own (bisectability), for x86_64
# and arm64, with the SVA drivers and their users enabled; then run sparse
# (C=2) at base and with the whole series, which must add no warning. Each patch
# compiles the directories the series touches with W=1 (which also runs
# kernel-doc on them); a warning that the same build at 'base' did not
# have fails the patch.
#   series-check.sh [ARCH...]      (default: x86_64 arm64)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no kernel tree: run 'make tree'"
arches=("$@")
[ ${#arches[@]} -gt 0 ] || arches=(x86_64 arm64)
src=$BUILD/series-src
dirs_x86_64="drivers/iommu/ drivers/dma/idxd/ drivers/misc/uacce/ arch/x86/mm/ mm/kasan/"
dirs_arm64="drivers/iommu/ drivers/misc/uacce/ drivers/crypto/hisilicon/"

# A worktree of the kernel tree, so that build/linux stays as it is.
if [ ! -d "$src/.git" ] && [ ! -f "$src/.git" ]; then
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$src" base
fi
commits=(base $(git -C "$TREE" rev-list --reverse base..HEAD))

passed=0 failed=0

# judge WHAT BASE NEW: compare two sorted warning lists; a line only in NEW
# is a warning the series added, and fails WHAT.
judge() {
	local what=$1 new
	new=$(comm -13 "$2" "$3")
	if [ -n "$new" ]; then
		echo "series-check: $arch: FAIL (new warnings): $what"
		printf '%s\n' "$new" | head -10 | sed 's/^/series-check:   /'
		failed=$((failed + 1))
	else
		echo "series-check: $arch: ok: $what"
		passed=$((passed + 1))
	fi
}

# Warnings of a build log, without line numbers, so that moved code
# compares equal: "file:line:col:" from the compiler, "file:line:" from
# kernel-doc.
warnings() {
	grep -E "$1" "$2" | sed -E 's/:[0-9]+(:[0-9]+)?:/:/' | sort -u
}

for arch in "${arches[@]}"; do
	case $arch in
	x86_64) karch=x86_64; cross=; dirs=$dirs_x86_64 ;;
	arm64) karch=arm64; cross=aarch64-linux-gnu-; dirs=$dirs_arm64 ;;
	*) die "unknown ARCH $arch" ;;
	esac
	out=$BUILD/series-$arch
	mkdir -p "$out"
	kmake() {
		make -s -C "$src" O="$out" ARCH="$karch" CROSS_COMPILE="$cross" \
			CC="ccache ${cross}gcc" -j"$JOBS" "$@"
	}
	for c in "${commits[@]}"; do
		git -C "$src" checkout -q --detach "$c"
		subject=$(git -C "$src" log -1 --format=%s "$c")
		[ "$c" = base ] && subject="(base)"
		# Options the series adds cannot be set before the patch that
		# adds them: keep those that this commit's Kconfig defines.
		frag=$out/fragment.config
		while IFS= read -r line; do
			sym=${line%%=*}
			git -C "$src" grep -qE "^(menu)?config ${sym#CONFIG_}\$" \
				-- '*Kconfig*' && echo "$line"
		done < <(grep '^CONFIG_' "$TOP/configs/series-check-$arch.config") \
			>"$frag"
		kmake KCONFIG_ALLCONFIG="$frag" allnoconfig >/dev/null 2>&1
		if ! check_config "$frag" "$out/.config"; then
			echo "series-check: $arch: FAIL (configuration): $subject"
			failed=$((failed + 1))
			continue
		fi
		log=$out/build.log
		# shellcheck disable=SC2086
		if ! kmake W=1 $dirs >"$log" 2>&1; then
			echo "series-check: $arch: FAIL (build): $subject"
			grep -E 'error|Error' "$log" | head -10 | sed 's/^/series-check:   /'
			failed=$((failed + 1))
			continue
		fi
		warnings 'warning:' "$log" >"$out/warnings.$c"
		[ "$c" = base ] ||
			judge "$subject" "$out/warnings.base" "$out/warnings.$c"
	done

	# sparse (C=2: every file of the directories) at base and with the
	# whole series: the series must add no sparse warning.
	for c in base "${commits[-1]}"; do
		git -C "$src" checkout -q --detach "$c"
		kmake KCONFIG_ALLCONFIG="$out/fragment.config" allnoconfig \
			>/dev/null 2>&1
		# shellcheck disable=SC2086
		kmake C=2 $dirs >"$out/sparse.log" 2>&1 || true
		warnings '(warning|error):' "$out/sparse.log" >"$out/sparse.$c"
	done
	judge "sparse ($(wc -l <"$out/sparse.base") finding(s) at base)" \
		"$out/sparse.base" "$out/sparse.${commits[-1]}"
done
git -C "$src" checkout -q --detach base
echo "series-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
