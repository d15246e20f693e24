#!/usr/bin/env bash
# Runs the lib/ host test binaries given as arguments and prints one suite summary,
# "lib: N passed, M failed", adding up their own summaries. Exit nonzero on any failure.
set -uo pipefail
pass=0
fail=0
rc=0
for t in "$@"; do
  out=$("$t")
  r=$?
  echo "$out"
  sum=$(echo "$out" | grep -E ': [0-9]+ passed, [0-9]+ failed' | tail -n 1)
  if [ -z "$sum" ]; then
    echo "$t: no summary (exit $r)"; fail=$((fail + 1)); rc=1; continue
  fi
  p=$(echo "$sum" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1/')
  f=$(echo "$sum" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\2/')
  pass=$((pass + p)); fail=$((fail + f))
  [ $r -eq 0 ] || rc=1
done
echo "lib: $pass passed, $fail failed"
exit $rc
