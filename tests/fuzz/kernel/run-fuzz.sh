#!/usr/bin/env bash
# Boots one fuzzer image and judges the run (README.md).
#   SEED=.. CALLS=.. TIMEOUT=.. TAG=.. OUT=.. run-fuzz.sh IMAGE
# Clean: the root task printed "fuzz-kernel: seed S, N calls, clean". A violated invariant or a
# hang the root task noticed: it printed "fuzz-kernel: FAIL ..." and its ring of the last
# calls. A kernel panic or a hang of the kernel itself (qemu-run timeout): the guest could
# not print its ring, so the same seed runs again printing every call from the last progress
# line on, and the last 16 calls traced before the kernel stopped are shown.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
image=$1
log=$OUT/fuzz-$TAG.log

bash "$top/scripts/qemu-run.sh" --icount --timeout "$TIMEOUT" "$image" 2>&1 | tr -d '\r' > "$log"
rc=${PIPESTATUS[0]}

clean=$(grep -E "^fuzz-kernel: seed $SEED, [0-9]+ calls, clean$" "$log")
if [ -n "$clean" ] && ! grep -qE '^LarkDebugCheckInvariants: violation|KERNEL PANIC' "$log"; then
  grep -E '^fuzz-kernel: [0-9]+ invariant checks' "$log"
  echo "$clean"
  exit 0
fi

echo "fuzz-kernel: seed $SEED, $CALLS calls: FAILED (qemu-run exit $rc, log $log)"
if grep -q '^fuzz-kernel: FAIL' "$log" || [ -n "$clean" ]; then
  grep -E '^LarkDebugCheckInvariants|^fuzz-kernel: FAIL|^fuzz-kernel: the last|^  #' "$log"
  exit 1
fi
echo "fuzz-kernel: the kernel stopped (panic or hang); its last output:"
grep -vE '^  #' "$log" | tail -n 8 | sed 's/^/    /'
from=$(grep -oE '^fuzz-kernel: [0-9]+ calls$' "$log" | tail -n 1 | grep -oE '[0-9]+')
from=${from:-1}
echo "fuzz-kernel: replaying seed $SEED with every call traced from call $from on"
trace_tag=${TAG%-t*}-t$from
make --no-print-directory -s -C "$here" "$OUT/fuzz-$trace_tag.img" SEED="$SEED" CALLS="$CALLS" >/dev/null
bash "$top/scripts/qemu-run.sh" --icount --timeout "$TIMEOUT" "$OUT/fuzz-$trace_tag.img" 2>&1 \
  | tr -d '\r' > "$OUT/fuzz-$trace_tag.log"
echo "fuzz-kernel: the last calls issued (replay; the interleaving may differ):"
grep -E '^  #' "$OUT/fuzz-$trace_tag.log" | tail -n 16
grep -vE '^  #' "$OUT/fuzz-$trace_tag.log" | tail -n 4 | sed 's/^/    /'
exit 1
