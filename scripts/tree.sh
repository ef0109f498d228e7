#!/bin/bash
# Lay out build/linux: the pristine linux-source-6.1 as a git repository
# whose first commit is tagged 'base', then the series applied with git am.
#
# Refuses to throw away kernel work that is not exported to patches/
# (FORCE=1 overrides).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -f "$SRC_TARBALL" ] || die "$SRC_TARBALL missing: run 'make deps'"
version=$(source_version)
tested=$(sed -n 's/^tested-on: *//p' "$PATCHES/BASE" 2>/dev/null || true)

if [ -d "$TREE/.git" ] && [ "${FORCE:-0}" != 1 ]; then
	dirty=$(git -C "$TREE" status --porcelain | grep -c . || true)
	missing=$(unexported_commits)
	if [ "$dirty" -gt 0 ] || [ "$missing" -gt 0 ]; then
		echo "tree: refusing to overwrite $TREE:" >&2
		[ "$dirty" -gt 0 ] &&
			echo "tree:   $dirty file(s) changed and not committed" >&2
		[ "$missing" -gt 0 ] &&
			echo "tree:   $missing commit(s) after 'base' not exported to patches/" >&2
		echo "tree: commit and run 'make export', or FORCE=1 to discard" >&2
		exit 1
	fi
fi

have=$(cat "$BUILD/linux.version" 2>/dev/null || true)
if [ -d "$TREE/.git" ] && [ "$have" = "$version" ] &&
   git -C "$TREE" rev-parse -q --verify base >/dev/null; then
	echo "tree: reusing pristine $version, resetting to base"
	git -C "$TREE" am --abort >/dev/null 2>&1 || true
	git -C "$TREE" checkout -q -f -B master base
	git -C "$TREE" clean -q -fdx
else
	echo "tree: extracting linux-source $version into build/linux"
	rm -rf "$TREE" "$BUILD/linux.version" "$BUILD/linux.applied"
	mkdir -p "$BUILD"
	tar -xJf "$SRC_TARBALL" -C "$BUILD"
	mv "$BUILD/linux-source-6.1" "$TREE"
	(
		cd "$TREE"
		# Debian's .gitignore ignores every top-level path ("/*") for
		# its packaging repository; that would hide new files in a
		# patch, so the base commit goes without that block.
		sed -i '/^# Debian packaging: ignore everything/,$d' .gitignore
		sed -i -e :a -e '/^\n*$/{$d;N;ba' -e '}' .gitignore
		sed -i '${/^#$/d}' .gitignore
		git init -q -b master
		git config core.abbrev 12
		git config gc.auto 0
		git config user.name "IOPF Series Team"
		git config user.email iopf-series@example.org
		git add -A -f .
		GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" \
		GIT_COMMITTER_DATE="2026-01-01T00:00:00Z" \
			git commit -q -m "Debian linux-source $version" \
				-m "Without the Debian packaging block of .gitignore."
		git tag base
	)
	echo "$version" >"$BUILD/linux.version"
fi

if [ -n "$tested" ] && [ "$tested" != "$version" ]; then
	echo "tree: NOTE: the series was last tested on $tested, installed" \
	     "linux-source is $version; applying anyway"
fi

rm -f "$BUILD/linux.incomplete"
n=0
while read -r p; do
	[ -f "$PATCHES/$p" ] || die "patches/series names $p, which is missing"
	if ! git -C "$TREE" am -q --keep-cr "$PATCHES/$p" >/dev/null 2>&1; then
		echo "tree: FAILED to apply patches/$p" >&2
		git -C "$TREE" am --show-current-patch=diff |
			git -C "$TREE" apply --check -v 2>&1 |
			grep -v '^Checking patch' | head -40 |
			sed 's/^/tree:   /' >&2 || true
		git -C "$TREE" am --abort || true
		echo "$p" >"$BUILD/linux.incomplete"
		exit 1
	fi
	n=$((n + 1))
done < <(series_files)

git -C "$TREE" log -p base..HEAD | git patch-id --stable | cut -d' ' -f1 \
	>"$BUILD/linux.applied"
echo "tree: build/linux is linux $version + $n patch(es) of the series"
