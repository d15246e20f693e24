#!/usr/bin/env bash
# Where the kernel's instructions go during one benchmark run: boots the benchmark image
# with QEMU's TB execution log limited to the kernel's addresses, stops QEMU once FIGURE has
# been printed, and counts the kernel's instructions per function over the second half of
# that figure's run, per kernel entry.
#   tools/profile.sh FIGURE [TOP_N]      e.g. tools/profile.sh ipc_roundtrip 30
# Needs python3. The trace (build/bench/profile/trace.log) is a few hundred MB.
set -uo pipefail
figure=${1:?usage: profile.sh FIGURE [TOP_N]}
top_n=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/bench/profile
kernel=$top/build/kernel/kernel.elf
image=$top/build/images/bench.img
mkdir -p "$out"
[ -f "$image" ] || { echo "profile: build the image first (make -C bench all)" >&2; exit 2; }
# the kernel's address range, from its symbols
range=$(riscv64-unknown-elf-nm -n "$kernel" | awk '$1 ~ /^ffffffc0/ {a[n++]=$1} END {print "0x" a[0] "..0x" a[n-1]}')

qemu-system-riscv64 -M virt -m 128M -nographic -bios default -no-reboot \
  -icount shift=0,sleep=off -rtc clock=vm -kernel "$image" \
  -d exec,nochain,in_asm -dfilter "$range" -D "$out/trace.log" </dev/null >"$out/console.log" 2>&1 &
qemu_pid=$!
for _ in $(seq 1 600); do
  if grep -qa "^$figure: " "$out/console.log" || ! kill -0 "$qemu_pid" 2>/dev/null; then break; fi
  sleep 0.2
done
kill "$qemu_pid" 2>/dev/null
wait "$qemu_pid" 2>/dev/null
grep -qa "^$figure: " "$out/console.log" || { echo "profile: $figure was never printed (see $out/console.log)" >&2; exit 1; }
python3 "$here/profile.py" "$kernel" "$out/trace.log" "$top_n"
