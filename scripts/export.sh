#!/bin/bash
# Write base..HEAD of build/linux back into patches/ as git format-patch
# files with stable names and no volatile headers, and rewrite
# patches/series.  The cover letter (0000-cover-letter.patch) is kept.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$TREE/.git" ] || die "no kernel tree: run 'make tree'"
if [ -f "$BUILD/linux.incomplete" ]; then
	die "build/linux lacks the series from patches/$(cat "$BUILD/linux.incomplete") on (it did not apply); exporting would drop those patches"
fi
if [ -n "$(git -C "$TREE" status --porcelain --untracked-files=no)" ]; then
	die "build/linux has uncommitted changes: commit them first"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# --zero-commit and --no-signature drop the commit id and git version,
# the only headers that change when nothing else does.
git -C "$TREE" -c core.abbrev=12 -c diff.noprefix=false -c diff.mnemonicPrefix=false \
	format-patch -q --no-signature --zero-commit -o "$tmp" base..HEAD

find "$PATCHES" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]-*.patch' \
	! -name '0000-cover-letter.patch' -delete
{
	echo "# Per-domain I/O page fault handling for Linux 6.1."
	echo "# Applied in order with 'git am' on Debian's linux-source-6.1."
} >"$PATCHES/series"
n=0
for f in "$tmp"/*.patch; do
	[ -e "$f" ] || continue
	cp "$f" "$PATCHES/"
	basename "$f" >>"$PATCHES/series"
	n=$((n + 1))
done
echo "tested-on: $(cat "$BUILD/linux.version")" >"$PATCHES/BASE"
echo "export: $n patch(es) written to patches/"
"$TOP/scripts/cover-letter.sh"
