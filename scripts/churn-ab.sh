#!/bin/bash
# make churn-ab: what bind/unbind churn costs the fault path, on the
# series and on the series plus a scratch kernel change, boot after boot.
# Each boot runs iopf_bench -c (the churn ratios alone) on the bench
# kernel; the boots alternate between the two kernels, so that a slow
# spell of the host falls on both. The change is applied to build/linux
# for its boots and taken out again; it never reaches patches/.
#   churn-ab.sh ARCH     AB_DIFF=file (none: the series only)
#                        AB_BOOTS=3 boots of each, AB_REPS=8 repetitions
# Results: build/churn-ab/<series|diff>-<boot>.{json,txt,log} (results,
# harness output, guest console) and a table of the medians of
# churn_over_hog and churn_other_dev_over_hog per boot, over the boots,
# and over all the repetitions of all boots.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:-x86_64}
diff=${AB_DIFF:-}
boots=${AB_BOOTS:-3}
reps=${AB_REPS:-8}
out=$BUILD/churn-ab

[ -z "$diff" ] || diff=$(realpath "$diff")
[ -z "$diff" ] || [ -f "$diff" ] || die "$diff: no such file"
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "build/linux has uncommitted changes: commit or stash them first"
if [ -n "$diff" ]; then
	git -C "$TREE" apply --check "$diff" ||
		die "$(basename "$diff") does not apply to build/linux"
	variants="series diff"
else
	variants=series
fi
# Whatever happens, build/linux ends as it was
applied=
trap '[ -z "$applied" ] || git -C "$TREE" apply -R "$diff"' EXIT

rm -rf "$out"
mkdir -p "$out"
for boot in $(seq "$boots"); do
	for v in $variants; do
		if [ "$v" = diff ]; then
			git -C "$TREE" apply "$diff"
			applied=1
		fi
		echo "churn-ab: boot $boot of $boots, $v"
		BENCH_ARGS="-c,-r,$reps" "$TOP/scripts/bench.sh" "$arch" \
			>"$out/$v-$boot.txt" 2>&1 ||
			die "bench failed, see ${out#"$TOP"/}/$v-$boot.txt"
		cp "$BUILD/bench.json" "$out/$v-$boot.json"
		cp "$BUILD/bench-$arch.log" "$out/$v-$boot.log"
		if [ "$v" = diff ]; then
			git -C "$TREE" apply -R "$diff"
			applied=
		fi
	done
done

python3 - "$out" $variants <<'PY'
import json, statistics, sys
out, variants = sys.argv[1], sys.argv[2:]
keys = ["churn_over_hog", "churn_other_dev_over_hog",
        "churn_cycles_per_second"]
print("\nchurn-ab: median of each boot's repetitions")
print("%-8s %5s %16s %26s %14s" % ("kernel", "boot", *keys))
boots = {}
for v in variants:
    b = 1
    while True:
        try:
            r = json.load(open("%s/%s-%d.json" % (out, v, b)))
        except FileNotFoundError:
            break
        boots.setdefault(v, []).append([r[k]["median"] for k in keys])
        print("%-8s %5d %16.3f %26.3f %14.0f" % (v, b, *boots[v][-1]))
        b += 1
print("\nchurn-ab: median over the boots (min-max)")
for v in variants:
    cols = list(zip(*boots[v]))
    print("%-8s %s" % (v, "   ".join("%s %.3f (%.3f-%.3f)" % (
        k, statistics.median(c), min(c), max(c))
        for k, c in zip(keys[:2], cols[:2]))))
print("\nchurn-ab: median over all repetitions of all boots")
for v in variants:
    pooled = {k: [] for k in keys[:2]}
    for b in range(1, len(boots[v]) + 1):
        r = json.load(open("%s/%s-%d.json" % (out, v, b)))
        for k in keys[:2]:
            pooled[k] += r[k]["samples"]
    print("%-8s %s" % (v, "   ".join("%s %.3f (%d)" % (
        k, statistics.median(pooled[k]), len(pooled[k]))
        for k in keys[:2])))
PY
