#!/usr/bin/env bash
# The compose-tests suite: usage  run.sh LARK_COMPOSE TOP BUILD
# Ends with "compose-tests: N passed, M failed" and exits nonzero on any failure.
set -uo pipefail
bin=$1 top=$2 build=$3
here="$top/tools/compose/tests"
cases="$here/cases"
out="$build/compose-tests"
rm -rf "$out"
mkdir -p "$out/elfs"
pass=0 fail=0
ok()   { echo "PASS $1"; pass=$((pass + 1)); }
bad()  { echo "FAIL $1"; [ $# -gt 1 ] && echo "     $2"; fail=$((fail + 1)); }
finish() { echo "compose-tests: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; exit $?; }

# --- a real riscv64 component ELF (same flags as mk/target.mk's user programs) ---
if ! riscv64-unknown-elf-gcc -std=c11 -Wall -Wextra -Werror -O2 -ffreestanding -fno-pic -fno-pie \
     -march=rv64imafdc_zicsr_zifencei -mabi=lp64d -mcmodel=medany -nostdlib -static -no-pie \
     -Wl,--build-id=none "$here/elfs/component.c" -o "$out/elfs/component.elf" 2>"$out/elf.log"; then
  bad "build test component ELF" "$(cat "$out/elf.log")"; finish
fi
echo "this is not an ELF file" > "$out/elfs/notelf.txt"

# --- every mistake gets exactly its message (cases/bad/X.xml -> X.expect, exit 1) ---
for xml in "$cases"/bad/*.xml; do
  name=$(basename "$xml" .xml)
  args=()
  [ -f "$cases/bad/$name.args" ] && read -r -a args < <(sed "s|@ELFS@|$out/elfs|g" "$cases/bad/$name.args")
  got=$(cd "$cases/bad" && "$bin" "$name.xml" "${args[@]}" 2>&1 >/dev/null); rc=$?
  want=$(sed "s|@ELFS@|$out/elfs|g" "$cases/bad/$name.expect" 2>/dev/null)
  if [ "$rc" -eq 1 ] && [ -n "$want" ] && [ "$got" = "$want" ]; then ok "mistake: $name"
  else bad "mistake: $name (exit $rc)" "got: $got | want: $want"; fi
done

# --- ELF paths are only checked when the --elfs stage is asked for ---
for name in elf_missing elf_not_elf elf_thread_entry elf_overlap; do
  if err=$(cd "$cases/bad" && "$bin" "$name.xml" 2>&1); then ok "no --elfs: $name passes"
  else bad "no --elfs: $name passes" "$err"; fi
done

# --- valid descriptions pass silently ---
for xml in "$cases"/good/*.xml "$top/system/larkos.xml"; do
  if err=$("$bin" "$xml" 2>&1) && [ -z "$err" ]; then ok "valid: ${xml#$top/}"
  else bad "valid: ${xml#$top/}" "$err"; fi
done

# --- usage and I/O errors exit 2 ---
"$bin" "$cases/nonexistent.xml" 2>/dev/null; [ $? -eq 2 ] && ok "missing description: exit 2" || bad "missing description: exit 2"
"$bin" "$top/system/larkos.xml" --spec "$out/x.spec" 2>/dev/null; [ $? -eq 2 ] && ok "--spec without --elfs: exit 2" || bad "--spec without --elfs: exit 2"
"$bin" --bogus 2>/dev/null; [ $? -eq 2 ] && ok "unknown option: exit 2" || bad "unknown option: exit 2"

# --- the spec round trip through the reader (and the reader against damage) ---
spec="$out/spec_system.spec"
if (cd "$cases/good" && "$bin" spec_system.xml --elfs "$out/elfs" --spec "$spec" --glue "$out/glue-spec" \
      --json "$out/spec.json" --dot "$out/spec.dot"); then ok "compose spec_system.xml with ELFs"
else bad "compose spec_system.xml with ELFs"; fi
if cc -std=c11 -Wall -Wextra -Werror -g -D_DEFAULT_SOURCE -fsanitize=address,undefined -fno-sanitize-recover=all \
      -I"$top/tools/compose/include" "$here/spec_test.c" "$top/tools/compose/src/spec_reader.c" -lelf \
      -o "$out/spec_test" 2>"$out/spec_test.log"; then
  "$out/spec_test" "$spec" "$out/elfs/component.elf" > "$out/spec_test.out" 2>&1; rc=$?
  sed 's/^/  /' "$out/spec_test.out"
  p=$(grep -c '^PASS' "$out/spec_test.out"); f=$(grep -c '^FAIL' "$out/spec_test.out")
  pass=$((pass + p)); fail=$((fail + f))
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && bad "spec_test exited $rc" "$(tail -5 "$out/spec_test.out")"
else bad "build spec_test" "$(cat "$out/spec_test.log")"; fi
# The root server links the same reader: it must build freestanding for the target.
if log=$(riscv64-unknown-elf-gcc -std=c11 -Wall -Wextra -Werror -O2 -ffreestanding -fno-builtin -march=rv64imac_zicsr_zifencei \
        -mabi=lp64 -mcmodel=medany -I"$top/tools/compose/include" -c "$top/tools/compose/src/spec_reader.c" \
        -o "$out/spec_reader.rv64.o" 2>&1) && ! riscv64-unknown-elf-nm -u "$out/spec_reader.rv64.o" | grep -q .; then
  ok "spec reader builds freestanding for riscv64 with no undefined symbols"
else bad "spec reader builds freestanding for riscv64" "$log $(riscv64-unknown-elf-nm -u "$out/spec_reader.rv64.o" 2>&1)"; fi
dump=$("$bin" --dump-spec "$spec")
echo "$dump" | grep -qx 'cap client.cnode\[6\] = object rpc:echo rights=Wg badge=0x70' \
  && ok "dump-spec shows the client's badged endpoint" || bad "dump-spec shows the client's badged endpoint"
printf 'LARKSPEC' > "$out/short.spec"
"$bin" --dump-spec "$out/short.spec" 2>"$out/short.err"; rc=$?
[ $rc -eq 1 ] && grep -q 'invalid spec: spec shorter than its header' "$out/short.err" \
  && ok "dump-spec refuses a short file" || bad "dump-spec refuses a short file" "$(cat "$out/short.err")"
# A client of an interface whose requests carry a cap needs Grant on its endpoint cap: seL4
# transfers a message's caps only through an endpoint cap with Grant.
for c in uart_driver memory_manager console ping pong; do
  mkdir -p "$out/lark-elfs/components/$c" && cp "$out/elfs/component.elf" "$out/lark-elfs/components/$c/$c.elf"
done
# (the stand-in ELF's second entry is worker_entry; interface headers stay where larkos.xml is)
sed -e 's|entry="[a-z_]*"|entry="worker_entry"|' -e "s|header=\"interfaces/|header=\"$top/system/interfaces/|" \
  "$top/system/larkos.xml" > "$out/larkos-standin.xml"
if "$bin" "$out/larkos-standin.xml" --elfs "$out/lark-elfs" --spec "$out/larkos.spec" 2>"$out/larkos-spec.err"; then
  ldump=$("$bin" --dump-spec "$out/larkos.spec")
  echo "$ldump" | grep -qx 'cap ping.cnode\[6\] = object rpc:memory rights=WGg badge=0x2' \
    && echo "$ldump" | grep -qx 'cap ping.cnode\[7\] = object rpc:pong rights=Wg badge=0x70' \
    && ok "cap-carrying rpc clients get Grant, the others do not" || bad "client endpoint rights in larkos.xml's spec"
else bad "larkos.xml spec with stand-in ELFs" "$(cat "$out/larkos-spec.err")"; fi

# --- glue: generated for larkos.xml; content; compiles against the real libsel4 ---
if "$bin" "$top/system/larkos.xml" --glue "$out/glue" --json "$out/larkos.json" --dot "$out/larkos.dot"; then
  ok "glue and graph for system/larkos.xml"
else bad "glue and graph for system/larkos.xml"; fi
g="$out/glue-spec"
grep -q 'seL4_Call(LARK_SLOT_ECHO, seL4_MessageInfo_new(ECHO_BLOCK, 0, 0, 9))' "$g/client/lark_glue.h" \
  && ok "glue: block request is 9 words (array + scalar)" || bad "glue: block request is 9 words"
grep -q 'if (seL4_MessageInfo_get_length(info) < 9)' "$g/client/lark_glue.h" \
  && ok "glue: client checks the reply length" || bad "glue: client checks the reply length"
grep -q '#define LARK_SLOT_ECHO 6u' "$g/client/lark_glue.h" && grep -q '#define LARK_BADGE_ECHO_CLIENT 0x70ull' "$g/server/lark_glue.h" \
  && ok "glue: slot and badge constants match the spec" || bad "glue: slot and badge constants match the spec"
grep -q 'seL4_ReplyRecv(LARK_SLOT_ECHO, reply, &badge, LARK_SLOT_REPLY_MAIN)' "$g/server/lark_glue.c" \
  && ok "glue: server loop uses ReplyRecv with the MCS reply cap" || bad "glue: server loop uses ReplyRecv"
grep -q '#define LARK_IRQ_BIT_UART_TX (1ull << 1)' "$g/server/lark_glue.h" && grep -q 'lark_irq_wait_worker' "$g/server/lark_glue.h" \
  && ok "glue: IRQ bits and per-thread IRQ wait" || bad "glue: IRQ bits and per-thread IRQ wait"
grep -q 'static inline const void \*buf_region(void)' "$g/server/lark_glue.h" \
  && ok "glue: read-only region accessor is const" || bad "glue: read-only region accessor is const"
m="$out/glue"
grep -q 'seL4_SetCap(0, req->container);' "$m/console/lark_glue.h" && grep -q 'seL4_MessageInfo_new(MEMORY_ALLOC, 0, 1, 51)' "$m/console/lark_glue.h" \
  && ok "glue: a seL4_CPtr field travels as the extra cap, not as a word" || bad "glue: cap field as extra cap"
grep -q '#define LARK_SLOT_RECV_MEMORY 7u' "$m/memory_manager/lark_glue.h" && ! grep -q 'LARK_SLOT_RECV' "$m/uart_driver/lark_glue.h" \
  && ok "glue: receive slot only for servers of cap-carrying interfaces" || bad "glue: receive slot"
grep -q 'return seL4_MessageInfo_new(LARK_RPC_ENOCAP, 0, 0, 0);' "$m/memory_manager/lark_glue.c" \
  && grep -q 'seL4_SetCapReceivePath(LARK_SLOT_CNODE, LARK_SLOT_RECV_MEMORY, LARK_CSPACE_DEPTH);' "$m/memory_manager/lark_glue.c" \
  && ok "glue: server sets the receive path and refuses a missing cap" || bad "glue: server cap receive"
# The slot must be emptied before the reply words are written (the delete is an IPC itself).
awk '/ops->alloc\(/{h=NR} /seL4_CNode_Delete/{if(h&&!d)d=NR} /seL4_SetMR\(0, \(seL4_Word\)rep.objects\)/{s=NR} END{exit !(h&&d>h&&s>d)}' \
  "$m/memory_manager/lark_glue.c" && ok "glue: receive slot emptied between handler and reply words" || bad "glue: delete order"
grep -q 'void (\*notified)(seL4_Word irq_bits);' "$m/uart_driver/lark_glue.h" && grep -q 'if (badge & LARK_IRQ_BADGE_MARK) {' "$m/uart_driver/lark_glue.c" \
  && ! grep -q 'notified' "$m/pong/lark_glue.h" \
  && ok "glue: a server thread with IRQs tells them from callers by the badge mark" || bad "glue: IRQ on serving thread"
sel4="$top/libsel4/include/sel4/sel4.h"
if [ -f "$sel4" ]; then
  for dir in "$out"/glue/* "$out"/glue-spec/*; do
    c=$(basename "$dir")
    if log=$(riscv64-unknown-elf-gcc -std=c11 -Wall -Wextra -Werror -ffreestanding -march=rv64imafdc_zicsr_zifencei \
            -mabi=lp64d -mcmodel=medany -fsyntax-only -I"$top/libsel4/include" -I"$dir" -I"$top/system/interfaces" \
            -I"$cases/ifaces" "$dir/lark_glue.c" 2>&1); then ok "glue compiles against libsel4: $(basename "$(dirname "$dir")")/$c"
    else bad "glue compiles against libsel4: $c" "$log"; fi
  done
else
  echo "SKIP glue compile: $sel4 does not exist yet"
fi
for h in "$top"/system/interfaces/*.h "$cases/ifaces/echo.h"; do
  cc -std=c11 -Wall -Wextra -Werror -fsyntax-only -I"$top/libsel4/include" -x c "$h" 2>"$out/h.log" && ok "interface header is C: $(basename "$h")" \
    || bad "interface header is C: $(basename "$h")" "$(cat "$out/h.log")"
done

# --- authority graph: JSON parses and has the edges; DOT renders ---
if command -v python3 >/dev/null; then
  if python3 - "$out/spec.json" <<'PY'
import json, sys
g = json.load(open(sys.argv[1]))
ids = {n["id"] for n in g["nodes"]}
edges = {(e["kind"], e["from"], e["to"], e["detail"]) for e in g["edges"]}
assert g["system"] == "spec_test"
assert {"component:server", "component:client", "component:mm", "device:uart", "device:rtc", "region:buf",
        "irq:10", "irq:11", "irq:12", "kernel:untyped", "kernel:asid_pool"} <= ids, ids
for e in g["edges"]:
    assert e["from"] in ids and e["to"] in ids, e
want = {("call", "component:client", "component:server", "badge 112"),
        ("call", "component:mm", "component:server", "badge 3"),
        ("signal", "component:server", "component:client", "badge 4"),
        ("map", "component:server", "region:buf", "r"), ("map", "component:client", "region:buf", "rw"),
        ("mmio", "component:server", "device:rtc", "r"), ("irq", "irq:12", "component:server", "thread worker"),
        ("holds", "component:mm", "kernel:untyped", "all untyped memory")}
assert want <= edges, want - edges
assert len(g["edges"]) == 14, len(g["edges"])  # 2 calls, 1 signal, 2 maps, 2 mmio, 3 irqs, 4 holds
PY
  then ok "graph JSON: nodes, edges, every edge end is a node"; else bad "graph JSON content"; fi
else
  echo "SKIP graph JSON parse: python3 not installed"
fi
grep -q '"component:client" -> "component:server" \[label="call echo\\nbadge 112"' "$out/spec.dot" \
  && ok "graph DOT: call edge with badge" || bad "graph DOT: call edge with badge"
if dot -Tpng "$out/larkos.dot" -o "$out/larkos.png" 2>"$out/dot.log" && [ "$(head -c 4 "$out/larkos.png" | tail -c 3)" = "PNG" ]; then
  ok "graph DOT renders to PNG with graphviz"
else bad "graph DOT renders to PNG" "$(cat "$out/dot.log")"; fi

# --- lint: the shipped rules hold for larkos.xml and catch a violation of each kind ---
sed -e 's|<mmio device="uart" component="uart_driver"/>|&<mmio device="uart" component="console"/>|' \
    -e "s|header=\"interfaces/|header=\"$top/system/interfaces/|" "$top/system/larkos.xml" > "$out/lint-probe.xml"
err=$("$bin" "$out/lint-probe.xml" 2>&1); rc=$?
echo "$err" | grep -q "lint rule broken: only 'uart_driver' may map device 'uart', but 'console' maps it" && [ $rc -eq 1 ] \
  && ok "lint: larkos.xml with console mapping the UART fails" || bad "lint: larkos.xml + console UART" "$err"

finish
