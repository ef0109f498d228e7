# Checks the guest runs before the test programs: the IOMMU is really
# there, in the mode we asked for, and DMA through it moves real data.
# Sourced by /init; uses its tap() helper.

iommu_type=unknown
vtd_checks() {
	ecap=$(cat /sys/class/iommu/dmar0/intel-iommu/ecap 2>/dev/null)
	if [ -n "$ecap" ]; then
		tap 0 vtd_present "dmar0 ecap 0x$ecap"
	else
		tap 1 vtd_present "no /sys/class/iommu/dmar0"
		return
	fi
	# ECAP bit 40: PASID support; bit 43: scalable-mode translation.
	tap $(( (0x$ecap >> 40) & 1 ? 0 : 1 )) vtd_ecap_pasid
	rta=$(awk '$1 == "RTADDR" { print $3; exit }' \
		/sys/kernel/debug/iommu/intel/iommu_regset 2>/dev/null)
	# RTADDR bit 10 (TTM): the root table is in scalable-mode format.
	if [ -n "$rta" ] && [ $(( rta & 0x400 )) -ne 0 ]; then
		tap 0 vtd_scalable_mode_enabled "RTADDR $rta"
	else
		tap 1 vtd_scalable_mode_enabled "RTADDR ${rta:-unreadable}"
	fi
}

smmu_checks() {
	if ls /sys/class/iommu/ 2>/dev/null | grep -q smmu; then
		tap 0 smmuv3_present "$(ls /sys/class/iommu | tr '\n' ' ')"
	else
		tap 1 smmuv3_present "no SMMUv3 in /sys/class/iommu"
	fi
}

# The virtio disk must sit in an IOMMU group with a translating (DMA)
# domain, so that every block it moves goes through the IOMMU.
disk_behind_iommu() {
	dev=$(readlink -f /sys/block/vda/device/.. 2>/dev/null)
	grp=$(readlink -f "$dev/iommu_group" 2>/dev/null)
	type=$(cat "$grp/type" 2>/dev/null)
	case $type in
	DMA|DMA-FQ) tap 0 disk_behind_iommu \
		"$(basename "$dev") group $(basename "$grp") type $type" ;;
	*) tap 1 disk_behind_iommu "device ${dev:-none} group type ${type:-none}" ;;
	esac
}

# Read the host-written half of the disk, write the other half, and read
# it back with caches dropped: data really crossed the IOMMU both ways.
# The host checks the written half after power-off (disk_write_sha).
dma_checks() {
	if [ ! -b /dev/vda ]; then
		tap 1 dma_read_host_data "no /dev/vda"
		tap 1 dma_write_readback "no /dev/vda"
		return
	fi
	sha=$(dd if=/dev/vda bs=1M count=4 2>/dev/null | sha256sum | cut -d' ' -f1)
	if [ "$sha" = "$disk_sha" ]; then
		tap 0 dma_read_host_data "4 MiB sha256 matches host"
	else
		tap 1 dma_read_host_data "sha256 $sha, host wrote $disk_sha"
	fi
	dd if=/dev/urandom of=/tmp/pattern bs=1M count=4 2>/dev/null
	want=$(sha256sum /tmp/pattern | cut -d' ' -f1)
	dd if=/tmp/pattern of=/dev/vda bs=1M seek=4 conv=fsync 2>/dev/null
	echo 3 >/proc/sys/vm/drop_caches
	got=$(dd if=/dev/vda bs=1M skip=4 count=4 2>/dev/null | sha256sum |
		cut -d' ' -f1)
	if [ "$got" = "$want" ]; then
		tap 0 dma_write_readback "4 MiB written and read back"
	else
		tap 1 dma_write_readback "read back $got, wrote $want"
	fi
	echo "vmtest: disk_write_sha=$want"
}

run_guest_checks() {
	case $(uname -m) in
	x86_64) vtd_checks ;;
	aarch64) smmu_checks ;;
	esac
	disk_behind_iommu
	dma_checks
}

# A kmemleak scan after all tests; any suspected leak fails the run.
kmemleak_check() {
	f=/sys/kernel/debug/kmemleak
	if [ ! -w $f ]; then
		tap 1 kmemleak_clean "kmemleak not available"
		return
	fi
	echo scan >$f
	echo scan >$f
	leaks=$(grep -c '^unreferenced object' $f)
	if [ "$leaks" -eq 0 ]; then
		tap 0 kmemleak_clean
	else
		cat $f
		tap 1 kmemleak_clean "$leaks suspected leaks"
	fi
}
