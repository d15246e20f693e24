#!/usr/bin/env bash
# Boots a LarkOS image in QEMU virt.
#   qemu-run.sh [--timeout SECONDS] [--icount] [--mem SIZE] IMAGE [extra qemu args...]
# With --timeout the run is killed after SECONDS and the script exits 124 after printing
# "qemu-run: TIMEOUT", so a hung kernel fails a test instead of hanging CI.
# --icount adds -icount shift=0: one guest instruction per virtual nanosecond, so rdcycle and
# rdinstret count guest instructions exactly and repeatably.
set -uo pipefail

timeout_s=""
icount=()
mem=128M
while [ $# -gt 0 ]; do
  case "$1" in
    --timeout) timeout_s=$2; shift 2 ;;
    --icount) icount=(-icount shift=0); shift ;;
    --mem) mem=$2; shift 2 ;;
    *) break ;;
  esac
done
image=${1:?usage: qemu-run.sh [--timeout S] [--icount] [--mem SIZE] IMAGE [qemu args]}
shift
[ -f "$image" ] || { echo "qemu-run: no image at $image" >&2; exit 2; }

cmd=(qemu-system-riscv64 -M virt -m "$mem" -nographic -bios default -no-reboot
     "${icount[@]}" -kernel "$image" "$@")
if [ -z "$timeout_s" ]; then
  exec "${cmd[@]}"
fi
timeout --foreground -k 5 "$timeout_s" "${cmd[@]}" </dev/null
rc=$?
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
  echo
  echo "qemu-run: TIMEOUT after ${timeout_s}s ($image)"
  exit 124
fi
exit $rc
