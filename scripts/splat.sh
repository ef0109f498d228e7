#!/bin/bash
# Print every kernel splat in a console log and exit 1 if there is one:
# WARNING, BUG, oops, panic, lockdep, KASAN, kmemleak, RCU stall, hung task.
#   splat.sh LOG
set -uo pipefail
log=${1:?usage: splat.sh LOG}
pattern='WARNING:|BUG:|Kernel panic|Oops|general protection fault|'
pattern+='KASAN:|UBSAN:|possible circular locking|possible recursive locking|'
pattern+='inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|'
pattern+='rcu_(sched|preempt) detected stall|soft lockup|hard LOCKUP|'
pattern+='unreferenced object|suspected memory leak|Call Trace:|'
pattern+='DEBUG_LOCKS_WARN_ON|lockdep is turned off'
hits=$(grep -aE "$pattern" "$log" | grep -avE 'vmtest-allow-splat')
if [ -n "$hits" ]; then
	echo "splat: $(printf '%s\n' "$hits" | wc -l) line(s) in $log:"
	printf '%s\n' "$hits" | head -20 | sed 's/^/splat:   /'
	exit 1
fi
exit 0
