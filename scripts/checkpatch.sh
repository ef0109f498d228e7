#!/bin/bash
# checkpatch.pl --strict on every patch of the series.  A finding fails
# unless configs/checkpatch-allow lists it ("<patch name without its number>
# <TYPE>  # reason").
# Prints one result line per patch and 'checkpatch: N passed, N failed'.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

allow=$TOP/configs/checkpatch-allow
passed=0 failed=0
while read -r p; do
	# The tree is linux-source without upstream's history, so checkpatch
	# cannot look the upstream commits a message cites up: they are
	# checked by hand (experiments/upstream-v6.2-commits.txt).
	out=$("$TREE/scripts/checkpatch.pl" --strict --no-tree --show-types \
		--ignore UNKNOWN_COMMIT_ID --terse "$PATCHES/$p" 2>&1 || true)
	name=${p##*/}
	name=${name#[0-9][0-9][0-9][0-9]-}
	bad=0
	while IFS= read -r line; do
		case $line in *": ERROR:"*|*": WARNING:"*|*": CHECK:"*) ;; *) continue ;; esac
		type=$(sed -n 's/.*: \(ERROR\|WARNING\|CHECK\):\([A-Z_0-9]*\):.*/\2/p' <<<"$line")
		if grep -qE "^$name[[:space:]]+$type([[:space:]]|$)" "$allow" 2>/dev/null; then
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
