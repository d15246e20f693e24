#!/usr/bin/env bash
# Runs every test suite of the tree and prints one closing line "N passed, M failed".
# A suite is a folder whose Makefile has a `test` target that prints its own summary,
# "<suite>: N passed, M failed", as its last such line. A suite that exits nonzero without
# a summary (it did not build, or it crashed) counts as one failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
logs="$top/build/test-logs"
mkdir -p "$logs"

suites=$(grep -v '^#' "$top/scripts/suites" | sed '/^\s*$/d')
total_pass=0
total_fail=0
for dir in $suites; do
  [ -f "$top/$dir/Makefile" ] || continue
  name=$(echo "$dir" | tr '/' '-')
  echo "=== suite $dir"
  make --no-print-directory -C "$top/$dir" test 2>&1 | tee "$logs/$name.log"
  rc=${PIPESTATUS[0]}
  summary=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "$logs/$name.log" | tail -n 1)
  if [ -z "$summary" ]; then
    echo "run-tests: suite $dir printed no summary (exit $rc); counted as 1 failure"
    total_fail=$((total_fail + 1))
    continue
  fi
  p=$(echo "$summary" | sed -E 's/.*(^|[^0-9])([0-9]+) passed, ([0-9]+) failed.*/\2/')
  f=$(echo "$summary" | sed -E 's/.*(^|[^0-9])([0-9]+) passed, ([0-9]+) failed.*/\3/')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "run-tests: suite $dir exited $rc with no failed test; counted as 1 failure"
    f=1
  fi
  total_pass=$((total_pass + p))
  total_fail=$((total_fail + f))
done
echo
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
