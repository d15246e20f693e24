#!/usr/bin/env bash
# Runs one bare-metal program under QEMU with -icount shift=0 and prints only its own lines.
# Exits nonzero unless QEMU exited 0 and the output has a line matching OK_REGEX (so a
# program that dies early, traps or hangs cannot pass).
#   run-one.sh TOP ELF LABEL OK_REGEX [qemu -cpu args...]
set -uo pipefail
top=$1 elf=$2 label=$3 ok=$4
shift 4
out=$(bash "$top/scripts/qemu-run.sh" --icount --timeout 300 "$elf" -smp 1 "$@" 2>&1)
rc=$?
out=$(echo "$out" | tr -d '\r')
echo "$out" | grep -E "^(bench:|kernel_check:|$label[: ]|qemu-run:)" || true
if [ $rc -ne 0 ] || ! echo "$out" | grep -Eq "$ok"; then
  echo "bench: FAIL: $label ($elf) exit $rc"
  exit 1
fi
