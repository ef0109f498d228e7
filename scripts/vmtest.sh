#!/bin/bash
# Boot the ARCH guest under QEMU (TCG) with its virtual IOMMU, run the
# guest checks and the IOPF selftests, power off, and judge the run from
# the console log: TAP results, kernel splats, and a guest that finishes.
#   vmtest.sh ARCH [test|demo]
#   KVARIANT=bench vmtest.sh ARCH bench [iopf_bench options, comma-separated]
#   vmtest.sh ARCH stress [iopf_stress options, comma-separated]
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:-x86_64}
mode=${2:-test}
timeout=${VMTEST_TIMEOUT:-900}
log=$BUILD/vmtest-$arch.log
[ "$mode" = demo ] && log=$BUILD/demo-$arch.log
[ "$mode" = bench ] && log=$BUILD/bench-$arch.log
[ "$mode" = stress ] && log=$BUILD/stress-$arch.log
kdir=$(kernel_dir "$arch")
kernel=$kdir/kernel-image
initrd=$BUILD/initramfs-${kdir##*/}.cpio
[ -e "$kernel" ] || die "no kernel at $kernel: run 'make vmtest' or 'make demo'"
[ -e "$initrd" ] || die "no initramfs at $initrd"

# An 8 MiB disk: the first half holds data the guest must read exactly,
# the second half is where the guest writes and the host checks.
disk=$BUILD/vmtest-disk-$arch.img
head -c 4194304 /dev/urandom >"$disk"
disk_sha=$(sha256sum "$disk" | cut -d' ' -f1)
head -c 4194304 /dev/zero >>"$disk"

cmdline="panic=-1 oops=panic vmtest.mode=$mode vmtest.disk_sha=$disk_sha"
[ "$mode" = bench ] && cmdline="$cmdline vmtest.bench=${3:-}"
[ "$mode" = stress ] && cmdline="$cmdline vmtest.stress=${3:-}"
# Two vCPUs; one for the function profiler (make bench-profile), whose
# enabling rewrites every function's entry while the other vCPU may run it:
# TCG then ran a stale int3 and the guest died (int3 oops in
# pick_next_task_idle) in one of two runs.
smp=2
[ "${KVARIANT:-}" = profile ] && smp=1
case $arch in
x86_64)
	qemu=(qemu-system-x86_64 -M q35 -cpu max -smp "$smp" -m 2G
	      -device intel-iommu,intremap=on,x-scalable-mode=on,x-pasid-mode=on
	      -drive "file=$disk,if=none,id=d0,format=raw,cache=unsafe"
	      -device virtio-blk-pci,drive=d0,disable-legacy=on,iommu_platform=on)
	cmdline="console=ttyS0 intel_iommu=on,sm_on $cmdline" ;;
arm64)
	qemu=(qemu-system-aarch64 -M virt,iommu=smmuv3 -cpu max -smp "$smp" -m 2G
	      -drive "file=$disk,if=none,id=d0,format=raw,cache=unsafe"
	      -device virtio-blk-pci,drive=d0,disable-legacy=on,iommu_platform=on)
	cmdline="console=ttyAMA0 $cmdline" ;;
*)	die "unknown ARCH $arch" ;;
esac

echo "vmtest: booting $arch guest ($mode), console log in ${log#"$TOP"/}"
start=$(date +%s)
rc=0
timeout --foreground -k 10 "$timeout" "${qemu[@]}" -accel tcg -nodefaults \
	-nographic -serial stdio \
	-no-reboot -kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
	</dev/null >"$log" 2>&1 || rc=$?
echo "vmtest: guest ran $(( $(date +%s) - start ))s"
tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"

# What the splat check reads: the whole log, but for the KCSAN guest only
# up to the guest's end. Its power-off then reports a data race of 6.1's
# own (native_stop_other_cpus() reading cpu_online_mask while the other
# CPU goes offline), after every test ran; it is listed, not counted.
judged=$log
if [ "${KVARIANT:-}" = kcsan ] && grep -q '^vmtest: end' "$log"; then
	judged=$log.judged
	sed '/^vmtest: end/q' "$log" >"$judged"
	sed '1,/^vmtest: end/d' "$log" >"$log.after"
	"$TOP/scripts/splat.sh" "$log.after" >/dev/null ||
		echo "vmtest: after the guest's end, not judged:" \
		     "$(grep -ac 'BUG: KCSAN' "$log.after") KCSAN report(s)" \
		     "in ${log#"$TOP"/}"
fi

if [ "$mode" = bench ]; then
	grep -q '^vmtest: end' "$log" || die "the guest did not finish: see $log"
	"$TOP/scripts/splat.sh" "$log" || die "the kernel reported a problem: see $log"
	! grep -q '^bench: FAILED' "$log" || die "the benchmark failed: see $log"
	exit 0
fi

if [ "$mode" = stress ]; then
	# stress-core: from the guest's program; splats: from the console
	sed -n 's/^stress: /stress: guest: /p' "$log"
	core=$(sed -n 's/^stress-core: //p' "$log" | tail -1)
	leaks=$(sed -n 's/^stress-guest: leaks=//p' "$log" | tail -1)
	splats=$("$TOP/scripts/splat.sh" "$judged" |
		sed -n 's/^splat: \([0-9]*\) line.*/\1/p' || true)
	"$TOP/scripts/splat.sh" "$judged" | sed -n '2,$p' || true
	grep -q '^vmtest: end' "$log" ||
		echo "stress: the guest did not finish (qemu exit $rc): see ${log#"$TOP"/}"
	[ -n "$core" ] || core="requests=0 responses=0 lost=unknown double=unknown"
	echo "stress: $core splats=${splats:-0} leaks=${leaks:-unknown}"
	grep -q '^vmtest: end' "$log" &&
		[[ "$core" == *" lost=0 double=0" ]] &&
		[ "${splats:-0}" = 0 ] && [ "${leaks:-}" = 0 ]
	exit
fi

if [ "$mode" = demo ]; then
	sed -n '/^vmtest: begin/,/^vmtest: end/{s/^demo: \{0,1\}//p}' "$log" |
		grep -v '^vmtest:'
	grep -q '^vmtest: end' "$log" || die "the guest did not finish: see $log"
	"$TOP/scripts/splat.sh" "$log" || die "the kernel reported a problem: see $log"
	! grep -q '^demo: .*FAILED' "$log" || die "the demo found a problem: see $log"
	exit 0
fi

# Count the leaf results of the guest's nested TAP (KTAP): a result line
# whose subtest printed results of its own is a parent and counts only when
# it failed with no failing child (a crash, a non-zero exit).
counts=$(sed -n '/^vmtest: begin/,/^vmtest: end/p' "$log" | awk '
	function depth(s) { match(s, /^ */); return int(RLENGTH / 4) }
	/^ *(not )?ok [0-9]+/ {
		d = depth($0); ok = ($0 !~ /^ *not ok/)
		skip = ($0 ~ /# *SKIP/)
		if (kids[d]) {
			if (!ok && !kidfail[d]) { failed++; print "FAIL: " $0 > "/dev/stderr" }
		} else if (skip) {
			skipped++
		} else if (ok) {
			passed++
		} else {
			failed++; print "FAIL: " $0 > "/dev/stderr"
		}
		if (d > 0) { kids[d - 1] = 1; if (!ok) kidfail[d - 1] = 1 }
		kids[d] = 0; kidfail[d] = 0
	}
	END { printf "%d %d %d\n", passed, failed, skipped }' 2>"$log.fail")
sed 's/^/vmtest: /' "$log.fail"
rm -f "$log.fail"
read -r passed failed skipped <<<"$counts"

if ! grep -q '^vmtest: end' "$log"; then
	echo "vmtest: FAIL: guest did not finish (qemu exit $rc, timeout ${timeout}s)"
	failed=$((failed + 1))
fi
if ! "$TOP/scripts/splat.sh" "$judged"; then
	failed=$((failed + 1))
fi

# The guest's writes must have reached the host's disk image.
want=$(sed -n 's/^vmtest: disk_write_sha=//p' "$log")
got=$(tail -c 4194304 "$disk" | sha256sum | cut -d' ' -f1)
if [ -n "$want" ] && [ "$want" = "$got" ]; then
	passed=$((passed + 1))
else
	echo "vmtest: FAIL: disk image second half $got, guest wrote ${want:-nothing}"
	failed=$((failed + 1))
fi

# The x86_64 guest reports as 'vmtest', the others as 'vmtest-ARCH'
tag=vmtest
[ "$arch" = x86_64 ] || tag=vmtest-$arch
echo "$tag: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
