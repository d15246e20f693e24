#!/usr/bin/env bash
# Boots each kernel-tests-<area>.img with scripts/qemu-run.sh --timeout --icount (guest time
# advances with guest instructions, so budgets and timeouts are repeatable) and tallies the
# per-test lines. The expected tests come from the sources (KTEST(name) in src/test_<area>.c),
# so a test that never printed (the image hung or the kernel died) counts as failed, unless it
# is in the known-failing list, which counts as skipped and never as passed.
#   run-images.sh KNOWN_FAILING_FILE AREA...
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
known_file=$1
shift
imgdir=${IMGDIR:-$top/build/images}
logdir=$top/build/tests/kernel/logs
timeout_s=${KT_TIMEOUT:-60}
mkdir -p "$logdir"

known=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$known_file")
is_known() { grep -qxF "$1" <<<"$known"; }

passed=0 failed=0 skipped=0
for area in "$@"; do
  names=$(grep -oE '^KTEST\([A-Za-z0-9_]+\)' "$here/src/test_$area.c" | sed -E 's/KTEST\((.*)\)/\1/')
  runnable=0
  for n in $names; do is_known "$n" || runnable=$((runnable + 1)); done
  if [ "$runnable" -eq 0 ]; then
    for n in $names; do echo "SKIP $n (known failing)"; skipped=$((skipped + 1)); done
    echo "image $area: every test is known failing, not booted"
    continue
  fi
  log=$logdir/$area.log
  bash "$top/scripts/qemu-run.sh" --timeout "$timeout_s" --icount "$imgdir/kernel-tests-$area.img" 2>&1 \
    | tr -d '\r' > "$log"
  rc=${PIPESTATUS[0]}
  if ! grep -qE '^kernel-tests: [0-9]+ passed, [0-9]+ failed' "$log"; then
    echo "image $area: no summary line (qemu-run exit $rc); its last output:"
    tail -n 5 "$log" | sed 's/^/    /'
  fi
  for n in $names; do
    line=$(grep -E "^(PASS|FAIL|SKIP) $n(:|\$)" "$log" | head -n 1)
    case "$line" in
      "PASS $n") echo "$line"; passed=$((passed + 1)) ;;
      "FAIL $n"*) echo "$line"; failed=$((failed + 1)) ;;
      "SKIP $n")
        if is_known "$n"; then echo "$line (known failing)"; skipped=$((skipped + 1))
        else echo "FAIL $n: skipped by an image built with another known-failing list"; failed=$((failed + 1)); fi ;;
      *)
        if is_known "$n"; then echo "SKIP $n (known failing)"; skipped=$((skipped + 1))
        else echo "FAIL $n: never reported (image $area stopped, qemu-run exit $rc)"; failed=$((failed + 1)); fi ;;
    esac
  done
done
if [ "$skipped" -gt 0 ]; then
  echo "kernel-tests: $passed passed, $failed failed, $skipped skipped"
else
  echo "kernel-tests: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
