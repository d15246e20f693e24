#!/usr/bin/env bash
# Reads the log of one benchmark boot and checks that every figure was produced.
#   check-figures.sh bench LOG QEMU_EXIT   prints the figures and a clear error naming each
#                                          figure that could not be measured; exits 0 (a
#                                          report, not a test: `make test` asserts)
#   check-figures.sh test LOG QEMU_EXIT [HOST_LOG]
#                                          one PASS/FAIL line per figure (present and > 0),
#                                          the host checks' PASS/FAIL lines, and
#                                          "bench-tests: N passed, M failed"
set -uo pipefail
mode=$1 log=$2 qemu_rc=$3 host_log=${4:-}

figures="boot_to_roottask free_ram_128M ipc_call ipc_replyrecv ipc_roundtrip ipc_call_len10
ipc_replyrecv_len10 ipc_send_slowpath notify_to_higher_prio yield_same_prio irq_to_user retype_4k_x256
retype_4k_per_object page_map_4k"

value_of() { grep -E "^$1: [0-9]+ (instructions|bytes)\$" "$log" | head -n 1 | awk '{print $2}'; }

if [ "$mode" = bench ]; then
  grep -E '^bench: (LarkOS|counter)' "$log"
fi
passed=0 failed=0 missing=""
for f in $figures; do
  v=$(value_of "$f")
  if [ -n "$v" ] && [ "$v" -gt 0 ]; then
    passed=$((passed + 1))
    if [ "$mode" = test ]; then echo "PASS bench_$f"; else grep -E "^$f: " "$log" | head -n 1; fi
  else
    failed=$((failed + 1))
    missing="$missing $f"
    why=$(grep -E "^bench: ERROR ($f|setup):" "$log" | head -n 1)
    [ -n "$why" ] || why="no figure line${v:+ (value $v)}"
    if [ "$mode" = test ]; then echo "FAIL bench_$f: $why"; else echo "bench: ERROR: $f not measured: $why" >&2; fi
  fi
done
if ! grep -q '^bench: done' "$log"; then
  echo "bench: the run did not finish (qemu-run exit $qemu_rc); last output:" >&2
  tail -n 5 "$log" | sed 's/^/    /' >&2
fi
if [ -n "$host_log" ]; then
  # the host checks: each PASS/FAIL line counts; a crash (no closing line) is one failure
  grep -E '^(PASS|FAIL) ' "$host_log" | sed 's/^\(PASS\|FAIL\) /\1 bench_host_/'
  passed=$((passed + $(grep -cE '^PASS ' "$host_log")))
  failed=$((failed + $(grep -cE '^FAIL ' "$host_log")))
  if ! grep -q '^host checks: ' "$host_log"; then
    echo "FAIL bench_host_checks: the host checks stopped early; see $host_log"
    failed=$((failed + 1))
  fi
fi
if [ "$mode" = test ]; then
  echo "bench-tests: $passed passed, $failed failed"
else
  echo "bench: log in $log"
  [ -z "$missing" ] || echo "bench: FAILED, not measured:$missing" >&2
fi
[ "$mode" = bench ] || [ "$failed" -eq 0 ]
