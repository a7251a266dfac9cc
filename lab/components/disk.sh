# A 10 MiB filesystem at $LAB/disk/mnt for disk-space probes and remediations.
# It is a tmpfs rather than a loop-mounted ext4: no loop device (a kernel-wide resource that can
# leak and is missing in some containers), no image file, usage that df and statvfs report exactly
# without a sync, no root-reserved blocks, and an rm -rf through a forgotten mount only deletes the
# tmpfs's own files.
# Fault: disk-fill <percent> writes one file, $LAB/disk/mnt/lab-fill, until usage >= percent.

DISK_FILL_NAME=lab-fill

# disk_blocks: "total available block-size" of the lab filesystem.
disk_blocks() { stat -f -c '%b %a %S' "$LAB/disk/mnt"; }

# disk_usage_percent: used share of the filesystem, rounded up like df's Use%.
disk_usage_percent() {
  local total avail bsize
  read -r total avail bsize < <(disk_blocks) || return 1
  echo $(( ((total - avail) * 100 + total - 1) / total ))
}

disk_mounted() { mountpoint -q "$LAB/disk/mnt"; }

disk_up() {
  local m=$LAB/disk/mnt
  mkdir -p "$m"
  disk_mounted || mount -t tmpfs -o size=10m,mode=0755,nosuid,nodev vigil-lab-disk "$m"
}

disk_down() {
  local m=$LAB/disk/mnt
  # lazily if a process still has a file open in there (a test's FileChannel, a shell's cwd)
  while mountpoint -q "$m"; do umount "$m" 2>/dev/null || umount -l "$m" || return 1; done
}

disk_status() {
  local m=$LAB/disk/mnt total avail bsize detail
  disk_mounted || { echo "$m is not mounted"; return 1; }
  read -r total avail bsize < <(disk_blocks)
  detail="tmpfs $m $(disk_usage_percent)% used ($(( (total - avail) * bsize / 1024 )) of $(( total * bsize / 1024 )) KiB)"
  if [ -e "$m/$DISK_FILL_NAME" ]; then echo "$detail, disk-fill active"; return 1; fi
  echo "$detail"
}

# --- faults ----------------------------------------------------------------------------------

fault_disk_fill() {
  [ $# -eq 1 ] && [[ $1 =~ ^[0-9]{1,2}$ ]] && (( 10#$1 >= 1 && 10#$1 <= 99 )) \
    || { echo "usage: lab/fault disk-fill <percent>   (1..99)" >&2; exit 2; }
  local pct=$((10#$1)) m=$LAB/disk/mnt total avail bsize need
  disk_mounted || { echo "lab: the disk is not mounted; run lab/up disk" >&2; return 1; }
  rm -f "$m/$DISK_FILL_NAME"
  read -r total avail bsize < <(disk_blocks)
  # blocks to add so that used * 100 >= pct * total
  need=$(( (pct * total + 99) / 100 - (total - avail) ))
  if (( need > 0 )); then
    head -c $(( need * bsize )) /dev/zero >"$m/$DISK_FILL_NAME" \
      || { echo "lab: could not fill $m to $pct%" >&2; return 1; }
  else
    : >"$m/$DISK_FILL_NAME"   # already that full: the empty file still marks the fault
  fi
  read -r total avail bsize < <(disk_blocks)
  (( (total - avail) * 100 >= pct * total )) \
    || { echo "lab: $m is only $(disk_usage_percent)% used after the fill" >&2; return 1; }
  echo "$m filled to $(disk_usage_percent)% ($DISK_FILL_NAME: $(stat -c %s "$m/$DISK_FILL_NAME") bytes)"
}

heal_disk_fill() {
  [ $# -eq 0 ] || { echo "usage: lab/heal disk-fill   (no arguments)" >&2; exit 2; }
  local m=$LAB/disk/mnt
  disk_mounted || { echo "lab: the disk is not mounted; run lab/up disk" >&2; return 1; }
  rm -f "$m/$DISK_FILL_NAME"
  echo "$m at $(disk_usage_percent)% used"
}
