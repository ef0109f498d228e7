#!/bin/bash
# make bench: build the benchmark kernel (the vmtest kernel without debug
# options), boot it in the ARCH guest, run iopf_bench there (the harness's
# benchmark, bench/iopf_bench.c, built by initramfs.sh), and report:
# the table on stdout and in build/bench.txt, the results with their raw
# samples in build/bench.json, and plots in build/ when gnuplot is there.
#   bench.sh ARCH        BENCH_ARGS="-r,9,-n,8192" to pass options
# With KVARIANT=profile (make bench-profile), the anonymous-memory ratio
# only, on a kernel with ftrace's function profiler: time per call of the
# fault path's functions, in build/bench-profile.txt.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:-x86_64}
export KVARIANT=${KVARIANT:-bench}
# 21 repetitions: a TCG guest on a small host is noisy, the median is not
[ "$KVARIANT" = profile ] && BENCH_ARGS=${BENCH_ARGS:--a,-r,3}
BENCH_ARGS=${BENCH_ARGS:--r,21}
"$TOP/scripts/deps.sh" gnuplot-nox >/dev/null 2>&1 ||
	echo "bench: gnuplot-nox not installed (run as root): no plots"
"$TOP/scripts/build-kernel.sh" "$arch"
"$TOP/scripts/initramfs.sh" "$arch"
VMTEST_TIMEOUT=${VMTEST_TIMEOUT:-3600} \
	"$TOP/scripts/vmtest.sh" "$arch" bench "${BENCH_ARGS:-}"

log=$BUILD/bench-$arch.log
json=$BUILD/bench.json
if [ "$KVARIANT" = profile ]; then
	sed -n '/^vmtest: begin/,/^vmtest: end/p' "$log" | grep -v '^vmtest:\|^\[' |
		grep -v '^profile:' | grep -v '^benchjson:'
	# The tables of the guest's CPUs (one: see vmtest.sh), merged per
	# function: calls, total us, us per call
	sed -n 's/^profile: *//p' "$log" | awk '
		$1 ~ /^[a-z_]/ && $2 ~ /^[0-9]+$/ {
			calls[$1] += $2; us[$1] += $3 }
		END { for (f in calls) printf "%-28s %10d %14.1f %10.2f\n",
			f, calls[f], us[f], us[f] / calls[f] }' |
		sort -k3 -g -r >"$BUILD/bench-profile.txt"
	printf '%-28s %10s %14s %10s\n' function calls total_us us_per_call
	cat "$BUILD/bench-profile.txt"
	exit 0
fi
sed -n 's/^benchjson: //p' "$log" >"$json"
sed -n '/^vmtest: begin/,/^vmtest: end/p' "$log" |
	grep -v '^vmtest:\|^benchjson:\|^\[' >"$BUILD/bench.txt"
{
	echo "bench: $arch guest, kernel $(cat "$BUILD/linux.version") with" \
	     "$(series_files | wc -l) patches, QEMU TCG"
	cat "$BUILD/bench.txt"
} | tee "$BUILD/bench.txt.tmp"
mv "$BUILD/bench.txt.tmp" "$BUILD/bench.txt"
# -c (make churn-ab): the churn ratios alone, no plots
case ,$BENCH_ARGS, in
*,-c,*)
	grep -q '"churn_over_hog": {' "$json" || die "churn_over_hog missing from $json"
	exit 0 ;;
esac
for key in iopf_over_cpu_per_page lookup_1024_over_1 churn_over_quiet kva_flush_1024_over_0 churn_over_hog scale_256_over_1_threads scale_256_over_1_procs scale_256_over_1_procs_1cpu cpufault_256_over_1_procs_1cpu p99_256_over_1_threads latency_cross_over_same_cpu pingpong_256_over_1_procs; do
	grep -q "\"$key\": {" "$json" || die "$key missing from $json"
done
echo "bench: results in ${json#"$TOP"/} and build/bench.txt"

command -v gnuplot >/dev/null || exit 0

# samples KEY: the raw samples of KEY in bench.json, one per line
samples() {
	sed -n "s/^ *\"$1\": {.*\"samples\": \[\(.*\)\]}.*/\1/p" "$json" |
		tr ',' '\n' | tr -d ' '
}

# cdf KEY: the samples of KEY sorted, each with its cumulative fraction
cdf() {
	samples "$1" | sort -g | awk '{ v[NR] = $1 } END {
		for (i = 1; i <= NR; i++) print v[i], i / NR }'
}

cdf latency_us >"$BUILD/bench-latency.dat"
cdf latency_unpinned_us >"$BUILD/bench-latency-unpinned.dat"
# Each repetition's samples, to see modes that come and go
for key in iopf_over_cpu_per_page dev_us_per_page cpu_us_per_page; do
	samples "$key" | awk '{ print NR, $1 }' >"$BUILD/bench-samples-$key.dat"
done
# levels PREFIX N...: for each N, "N median min max" of the key PREFIX$N
levels() {
	local prefix=$1 n s

	shift
	for n; do
		s=$(samples "$prefix$n" | sort -g)
		[ -n "$s" ] || continue
		echo "$n $(echo "$s" | awk '{ v[NR] = $1 } END {
			print v[int((NR + 1) / 2)], v[1], v[NR] }')"
	done
}

for mode in threads procs devs; do
	levels "scale_${mode}_faults_per_second_" 1 4 16 64 256 \
		>"$BUILD/bench-submitters-$mode.dat"
done
levels faults_per_second_ 1 16 64 256 1024 >"$BUILD/bench-scaling.dat"

gnuplot <<PLOT
set terminal pngcairo size 900,500 noenhanced
set output "$BUILD/bench-latency.png"
set title "Device fault round trip (one-group submission), $arch TCG guest"
set xlabel "microseconds"
set ylabel "fraction of faults"
set logscale x
set grid
plot "$BUILD/bench-latency.dat" using 1:2 with lines lw 2 \
	title "submitter and workers on CPU 0", \
	"$BUILD/bench-latency-unpinned.dat" using 1:2 with lines lw 2 \
	title "not pinned"
set output "$BUILD/bench-scaling.png"
set title "Device fault throughput against PASIDs bound to the device"
set xrange [0.7:1500]
unset logscale x
set logscale x 2
set xlabel "PASIDs bound (one process each)"
set ylabel "faults per second"
set yrange [0:*]
plot "$BUILD/bench-scaling.dat" using 1:2:3:4 with yerrorlines lw 2 \
	title "median, min-max"
set output "$BUILD/bench-submitters.png"
set title "Aggregate device fault throughput against concurrent submitters"
set xrange [0.7:400]
set xlabel "concurrent submitters"
plot "$BUILD/bench-submitters-threads.dat" using 1:2:3:4 with yerrorlines \
	lw 2 title "threads of one process, one device", \
	"$BUILD/bench-submitters-procs.dat" using 1:2:3:4 with yerrorlines \
	lw 2 title "processes, one device", \
	"$BUILD/bench-submitters-devs.dat" using 1:2:3:4 with yerrorlines \
	lw 2 title "processes, a device each"
set output "$BUILD/bench-samples.png"
set title "Each repetition of the per-page measurement"
unset logscale x
set xrange [0:*]
set xlabel "repetition"
set ylabel "microseconds per page"
set y2label "device / CPU"
set y2tics
set yrange [0:*]
set y2range [0:*]
plot "$BUILD/bench-samples-dev_us_per_page.dat" using 1:2 with linespoints \
	lw 2 title "device fault", \
	"$BUILD/bench-samples-cpu_us_per_page.dat" using 1:2 with linespoints \
	lw 2 title "CPU fault", \
	"$BUILD/bench-samples-iopf_over_cpu_per_page.dat" using 1:2 axes x1y2 \
	with linespoints lw 2 title "iopf_over_cpu_per_page (right axis)"
PLOT
echo "bench: plots in build/bench-latency.png, build/bench-scaling.png," \
     "build/bench-submitters.png and build/bench-samples.png"
