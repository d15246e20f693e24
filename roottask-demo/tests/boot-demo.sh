#!/usr/bin/env bash
# Boots demo.img in QEMU (timeout-guarded) and checks that the demo printed every step and
# that the machine powered itself off. Prints "roottask-demo: N passed, M failed".
set -uo pipefail
image=$1
log=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
bash "$top/scripts/qemu-run.sh" --timeout 30 "$image" >"$log" 2>&1
rc=$?
pass=0
fail=0
expect() {  # description, extended regex
  if grep -Eq -- "$2" "$log"; then
    pass=$((pass + 1)); echo "ok   $1"
  else
    fail=$((fail + 1)); echo "FAIL $1 (no line matching: $2)"
  fi
}
expect "BootInfo header" '^demo: BootInfo at 0x[0-9a-f]+, IPC buffer 0x[0-9a-f]+'
expect "free slot range" '^demo: free slots \[[0-9]+, [0-9]+\) = [1-9][0-9]*'
expect "untyped list" '^demo:   slot +[0-9]+  paddr +0x[0-9a-f]+  2\^[0-9]+'
expect "RAM and device totals" '^demo: RAM untyped .* device regions'
expect "LarkOS chunk" '^demo: LarkOS chunk v1: kernel reserved [1-9][0-9]* bytes, tainted untypeds'
expect "device tree chunk" '^demo: device tree in extra boot info, [1-9][0-9]* bytes'
expect "child loaded" '^demo: child image [0-9]+ bytes loaded into a new VSpace'
expect "child started" '^demo: child thread started'
expect "child runs in its own VSpace" '^child: hello from a new address space, IPC buffer at 0x30000000'
expect "call in registers" '^demo: call from badge 0x42: 2 words, sum 41'
expect "call through the IPC buffer" '^demo: call from badge 0x42: 10 words, sum 10045'
expect "child checks replies" '^child: sum of 10 words from 1000 = 10045 \(ok\)'
expect "worker thread started" '^demo: worker thread started in the root task.s VSpace'
expect "worker has its own IPC buffer (TLS)" '^worker: second thread of the root task, IPC buffer at 0x20100000'
expect "worker call" '^demo: call from badge 0x77: 5 words, sum 35'
expect "worker checks reply" '^worker: sum of 5 sevens = 35 \(ok\)'
expect "child exit via fault" '^demo: child exited with status 0'
expect "Untyped_Describe" '^demo: untyped slot [0-9]+ after: 2\^[0-9]+ bytes, [0-9]+ free'
expect "demo result" '^demo: done, all checks passed'
expect "halt" '^lark: exit 0'
if [ $rc -eq 0 ]; then
  pass=$((pass + 1)); echo "ok   QEMU exited by itself (SBI shutdown)"
else
  fail=$((fail + 1)); echo "FAIL QEMU exit status $rc (124 = timeout); log: $log"
fi
echo "roottask-demo: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
