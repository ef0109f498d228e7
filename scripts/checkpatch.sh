#!/bin/bash
# checkpatch.pl --strict on every patch of the series.  A finding fails
# unless configs/checkpatch-allow lists it ("<patch> <TYPE>  # reason").
# Prints one result line per patch and 'checkpatch: N passed, N failed'.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

allow=$TOP/configs/checkpatch-allow
passed=0 failed=0
while read -r p; do
	out=$("$TREE/scripts/checkpatch.pl" --strict --no-tree --show-types \
		--terse "$PATCHES/$p" 2>&1 || true)
	bad=0
	while IFS= read -r line; do
		case $line in *": ERROR:"*|*": WARNING:"*|*": CHECK:"*) ;; *) continue ;; esac
		type=$(sed -n 's/.*: \(ERROR\|WARNING\|CHECK\):\([A-Z_0-9]*\):.*/\2/p' <<<"$line")
		if grep -qE "^$p[[:space:]]+$type([[:space:]]|$)" "$allow" 2>/dev/null; then
			continue
		fi
		echo "checkpatch: $line"
		bad=1
	done <<<"$out"
	if [ $bad = 0 ]; then
		passed=$((passed + 1))
	else
		echo "checkpatch: FAIL: $p"
		failed=$((failed + 1))
	fi
done < <(series_files)
echo "checkpatch: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
