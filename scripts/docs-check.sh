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
echo "docs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
