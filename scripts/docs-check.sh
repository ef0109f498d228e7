#!/bin/bash
# Build the series' documentation page, Documentation/driver-api/
# iommu-iopf.rst, with Sphinx and the kernel's kernel-doc extension, warnings
# as errors: the equivalent of 'make htmldocs' restricted to that page.
# Prints 'docs: N passed, N failed'.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

page=Documentation/driver-api/iommu-iopf.rst
if [ ! -f "$TREE/$page" ]; then
	echo "docs: no $page in the tree"
	echo "docs: 0 passed, 0 failed"
	exit 0
fi
out=$BUILD/docs
rm -rf "$out"
mkdir -p "$out/src"
cp "$TREE/$page" "$out/src/index.rst"
cat >"$out/src/conf.py" <<'PY'
import os, sys
tree = os.environ['KTREE']
sys.path.insert(0, os.path.join(tree, 'Documentation/sphinx'))
extensions = ['kerneldoc']
kerneldoc_bin = os.path.join(tree, 'scripts/kernel-doc')
kerneldoc_srctree = tree
master_doc = 'index'
project = 'iommu-iopf'
PY
passed=0 failed=0
if KTREE=$TREE sphinx-build -q -W -b html "$out/src" "$out/html" \
	>"$out/build.log" 2>&1; then
	echo "docs: ok: $page builds without warnings (build/docs/html)"
	passed=1
else
	sed 's/^/docs: /' "$out/build.log"
	echo "docs: FAIL: $page"
	failed=1
fi
# kernel-doc of the files the page pulls in
if ! "$TREE/scripts/kernel-doc" -none "$TREE/drivers/iommu/io-pgfault.c" \
	>"$out/kernel-doc.log" 2>&1 || [ -s "$out/kernel-doc.log" ]; then
	sed 's/^/docs: /' "$out/kernel-doc.log"
	echo "docs: FAIL: kernel-doc drivers/iommu/io-pgfault.c"
	failed=$((failed + 1))
else
	passed=$((passed + 1))
fi
# kernel-doc -none on every C file and header the series touches, at base
# and with the series: the series must add no kernel-doc warning.
kd=$out/kernel-doc
mkdir -p "$kd/base" "$kd/head"
files=$(git -C "$TREE" diff --name-only --diff-filter=AM base..HEAD -- \
	'*.c' '*.h' | grep -v '^tools/' || true)
for f in $files; do
	mkdir -p "$kd/base/$(dirname "$f")" "$kd/head/$(dirname "$f")"
	git -C "$TREE" show "base:$f" >"$kd/base/$f" 2>/dev/null || : >"$kd/base/$f"
	git -C "$TREE" show "HEAD:$f" >"$kd/head/$f"
done
for side in base head; do
	(cd "$kd/$side" && for f in $files; do
		"$TREE/scripts/kernel-doc" -none "$f" 2>&1
	done) | sed -E 's/:[0-9]+:/:/' | sort -u >"$kd/$side.log"
done
new=$(comm -13 "$kd/base.log" "$kd/head.log")
if [ -n "$new" ]; then
	printf '%s\n' "$new" | sed 's/^/docs: kernel-doc: /'
	echo "docs: FAIL: kernel-doc warnings added by the series"
	failed=$((failed + 1))
else
	echo "docs: ok: kernel-doc -none adds no warning on the $(wc -w <<<"$files") files the series touches"
	passed=$((passed + 1))
fi
echo "docs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
