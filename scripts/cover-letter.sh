#!/bin/bash
# Refresh patches/0000-cover-letter.patch: keep its subject and its text,
# written by hand, and regenerate the rest (patch count, shortlog and
# diffstat) from base..HEAD of build/linux. Called by export.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

cover=$PATCHES/0000-cover-letter.patch
[ -f "$cover" ] || exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

from=$(sed -n 's/^From: //p' "$cover" | head -1)
subject=$(sed -n 's/^Subject: \[PATCH [0-9]*\/[0-9]*\] //p' "$cover" | head -1)
# The text: from the line after the headers' blank line to the shortlog
awk 'body && /^[^ ].* \([0-9]+\):$/ { exit }
     body { print }
     !body && /^$/ { body = 1 }' "$cover" >"$tmp/blurb"
# without its trailing blank lines
sed -i -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$tmp/blurb"

git -C "$TREE" -c core.abbrev=12 -c diff.noprefix=false \
	-c diff.mnemonicPrefix=false format-patch -q --cover-letter \
	--no-signature --zero-commit -o "$tmp/out" base..HEAD
gen=$tmp/out/0000-cover-letter.patch
FROM=$from SUBJECT=$subject python3 - "$gen" "$tmp/blurb" <<'PY'
import os, re, sys
gen, blurb = sys.argv[1], sys.argv[2]
s = open(gen).read()
s = s.replace('*** SUBJECT HERE ***', os.environ['SUBJECT'], 1)
s = re.sub(r'^From: .*$', lambda m: 'From: ' + os.environ['FROM'], s,
           count=1, flags=re.M)
s = s.replace('*** BLURB HERE ***', open(blurb).read().rstrip('\n'), 1)
open(gen, 'w').write(s)
PY
cp "$gen" "$cover"
echo "cover-letter: refreshed for $(grep -vc '^#' "$PATCHES/series") patches"
