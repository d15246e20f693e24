#!/usr/bin/env bash
# Boots each kernel-tests-<area>.img with scripts/qemu-run.sh --timeout --icount (guest time
# advances with guest instructions, so budgets and timeouts are repeatable) and tallies the
# per-test lines. The expected tests come from the sources (KTEST(name) in src/test_<area>.c),
# so a test that never printed (the image hung or the kernel died) counts as failed, unless it
# is in the known-failing list, which counts as skipped and never as passed.
#   run-images.sh KNOWN_FAILING_FILE AREA...
# KT_IMAGE_SETS="label=dir label=dir" runs the suite once per image directory (kernels built
# differently, e.g. with and without the IPC fastpath), each with its own summary line
# `kernel-tests [label]: ...`, then the final `kernel-tests: ...` line adds them all. Logs of
# the first set go to build/tests/kernel/logs/<area>.log, of the others to logs-<label>/.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
known_file=$1
shift
imgdir=${IMGDIR:-$top/build/images}
image_sets=${KT_IMAGE_SETS:-}
logroot=$top/build/tests/kernel
timeout_s=${KT_TIMEOUT:-60}

known=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$known_file")
is_known() { grep -qxF "$1" <<<"$known"; }

summary() { # PREFIX PASSED FAILED SKIPPED
  if [ "$4" -gt 0 ]; then echo "$1: $2 passed, $3 failed, $4 skipped"
  else echo "$1: $2 passed, $3 failed"; fi
}

# run_set IMGDIR LOGDIR AREA...: adds to passed/failed/skipped
run_set() {
  local imgdir=$1 logdir=$2
  shift 2
  mkdir -p "$logdir"
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
    # An image that needs more guest RAM than 128 MiB says so in its source, on a line
    # `/* kt-guest-ram: 256M */` (test_preempt.c: its 64 MiB untyped needs a 256 MiB guest).
    mem=$(sed -nE 's|^/\* kt-guest-ram: ([0-9]+[MG]) \*/$|\1|p' "$here/src/test_$area.c" | head -n 1)
    mem=${mem:-128M}
    bash "$top/scripts/qemu-run.sh" --timeout "$timeout_s" --icount --mem "$mem" "$imgdir/kernel-tests-$area.img" 2>&1 \
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
}

passed=0 failed=0 skipped=0
if [ -z "$image_sets" ]; then
  run_set "$imgdir" "$logroot/logs" "$@"
else
  total_p=0 total_f=0 total_s=0 first=1
  for set in $image_sets; do
    label=${set%%=*}
    dir=${set#*=}
    if [ "$first" -eq 1 ]; then logdir=$logroot/logs; first=0; else logdir=$logroot/logs-$label; fi
    echo "== kernel-tests on the $label kernel ($dir)"
    passed=0 failed=0 skipped=0
    run_set "$dir" "$logdir" "$@"
    summary "kernel-tests [$label]" "$passed" "$failed" "$skipped"
    total_p=$((total_p + passed)) total_f=$((total_f + failed)) total_s=$((total_s + skipped))
  done
  passed=$total_p failed=$total_f skipped=$total_s
fi
summary kernel-tests "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
