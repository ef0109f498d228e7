# make demo, inside the guest: show in plain words what the kernel with the
# series found and does.  Sourced by /init in vmtest.mode=demo.

say() { echo "demo: $*"; }

run_demo() {
	say "kernel $(uname -r) on $(uname -m), booted with: $(cat /proc/cmdline | sed 's/ vmtest\..*//')"
	say ""
	say "1. The IOMMU"
	if [ -d /sys/class/iommu/dmar0 ]; then
		ecap=$(cat /sys/class/iommu/dmar0/intel-iommu/ecap)
		say "   Intel VT-d unit dmar0 is active (ECAP 0x$ecap)."
		[ $(( (0x$ecap >> 40) & 1 )) = 1 ] &&
			say "   It supports PASIDs (ECAP.PASID), so a device can tag DMA with an address-space ID."
		[ $(( (0x$ecap >> 39) & 1 )) = 1 ] &&
			say "   It accepts page requests (ECAP.PRS)." ||
			say "   It does not accept page requests (ECAP.PRS = 0): QEMU 7.2 cannot emulate PRI."
		rta=$(awk '$1 == "RTADDR" { print $3; exit }' /sys/kernel/debug/iommu/intel/iommu_regset)
		[ $(( rta & 0x400 )) -ne 0 ] &&
			say "   Scalable mode is on: the root table holds PASID tables (RTADDR $rta)."
	elif ls /sys/class/iommu | grep -q smmu; then
		say "   Arm SMMUv3 is active: $(ls /sys/class/iommu | tr '\n' ' ')"
	else
		say "   No IOMMU found."
	fi
	say ""
	say "2. A device behind it"
	for g in /sys/kernel/iommu_groups/*; do
		for d in "$g"/devices/*; do
			[ -e "$d" ] || continue
			what="PCI $(cat "$d/vendor"):$(cat "$d/device")"
			[ -e "$d/virtio0/block/vda" ] && what="the virtio disk (vda)"
			say "   group $(basename "$g"), $(cat "$g/type") domain: $(basename "$d"), $what"
		done
	done
	sha=$(dd if=/dev/vda bs=1M count=4 2>/dev/null | sha256sum | cut -c1-16)
	say "   The virtio disk read 4 MiB through the IOMMU's DMA translation: sha256 $sha..."
	say ""
	say "3. The I/O page fault path"
	say "   The series' KUnit suites ran at boot against a test IOMMU that records every page response:"
	for r in /sys/kernel/debug/kunit/*/results; do
		[ -f "$r" ] || continue
		suite=$(basename "$(dirname "$r")")
		ok=$(grep -c '^ *ok [0-9]' "$r")
		bad=$(grep -c '^ *not ok [0-9]' "$r")
		say "   suite $suite: $((ok - 1)) cases passed, $bad failed"
		grep '^ *ok [0-9]' "$r" | grep -v "$suite" | head -6 |
			sed 's/^ *ok [0-9]* /     - /; s/_/ /g; s/^/demo: /'
	done
	say ""
	say "4. A device that faults real process memory"
	if [ -c /dev/iopf-test ] && [ -x /bin/iopf-demo ]; then
		say "   QEMU's IOMMUs cannot send page requests, so the series adds a software PRI"
		say "   device behind a test IOMMU (CONFIG_IOMMU_IOPF_TEST), driven from user space:"
		/bin/iopf-demo
	else
		say "   /dev/iopf-test is missing: the kernel was built without CONFIG_IOMMU_IOPF_TEST."
	fi
}
