#!/usr/bin/env bash
# Builds and runs each unit test binary; sums cmocka's PASSED/FAILED counts.
#   run-unit.sh MAKE OUTDIR test_a test_b ...
make_cmd=$1; out=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
pass=0; fail=0
for t in "$@"; do
  if ! $make_cmd --no-print-directory -C "$here" "$out/$t"; then
    echo "unit: $t did not build"; fail=$((fail + 1)); continue
  fi
  log=$("$out/$t" 2>&1); rc=$?
  echo "$log"
  p=$(echo "$log" | sed -nE 's/^\[  PASSED  \] ([0-9]+) test.*/\1/p' | tail -n 1)
  f=$(echo "$log" | sed -nE 's/^\[  FAILED  \] ([0-9]+) test.*/\1/p' | tail -n 1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "unit: $t exited $rc without a cmocka failure (crash?)"; f=1
  fi
  pass=$((pass + p)); fail=$((fail + f))
done
echo "unit-tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
