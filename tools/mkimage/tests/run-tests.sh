#!/usr/bin/env bash
# mkimage tests: packs stand-in kernels and root tasks built with the cross compiler, checks
# the output with check-image and readelf, and feeds malformed inputs that must be refused
# with a clear message, a nonzero exit and no output file.
# Env: TCC TARGET_CFLAGS MKIMAGE CHECK OUT (set by the Makefile).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fx=$here/fixtures
w=$OUT/work
rm -rf "$w" && mkdir -p "$w"
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# Cross-built fixtures (never run: only their ELF shape matters).
cc_t() { $TCC $TARGET_CFLAGS -nostdlib -static "$@"; }
build() {
  cc_t -T "$fx/kernel-phys.ld" "$fx/kernel.c" -o "$w/kernel-phys.elf" &&
  cc_t -T "$fx/kernel-high.ld" "$fx/kernel.c" -o "$w/kernel-high.elf" &&
  cc_t -T "$fx/kernel-phys.ld" "$fx/kernel_bss.c" -o "$w/kernel-bss.elf" &&
  cc_t -T "$fx/kernel-phys.ld" "$fx/kernel_small.c" -o "$w/kernel-small.elf" &&
  cc_t "$fx/roottask.c" -o "$w/roottask.elf"
}
if ! build; then
  echo "mkimage-tests: fixtures did not build"
  echo "mkimage-tests: 0 passed, 1 failed"
  exit 1
fi

u64() { od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '; }
u16() { od -An -t u2 -j "$2" -N 2 "$1" | tr -d ' '; }
# poke FILE OFFSET VALUE BYTES: little-endian write of VALUE in BYTES bytes.
poke() {
  local f=$1 off=$2 v=$3 n=$4 s="" i
  for ((i = 0; i < n; i++)); do s+=$(printf '\\x%02x' $(((v >> (8 * i)) & 255))); done
  printf "$s" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
}
phdr_off() { echo $(($(u64 "$1" 32) + 56 * $2)); }   # offset of program header $2
load_offs() {  # offsets of the PT_LOAD program headers of $1
  local i o n
  n=$(u16 "$1" 56)
  for ((i = 0; i < n; i++)); do
    o=$(phdr_off "$1" $i)
    [ "$(od -An -t u4 -j "$o" -N 4 "$1" | tr -d ' ')" = 1 ] && echo "$o"
  done
}

# --- good images
good() {  # name kernel root
  local name=$1 out=$w/$1.img
  if "$MKIMAGE" "$2" "$3" "$out" >"$w/$name.log" 2>&1 && "$CHECK" "$out" "$2" "$3" >"$w/$name.check"; then
    ok "$name: packs and check-image confirms header, segment, bytes, payload"
  else
    bad "$name"; cat "$w/$name.log" "$w/$name.check" 2>/dev/null
  fi
}
good phys-kernel "$w/kernel-phys.elf" "$w/roottask.elf"
good high-kernel "$w/kernel-high.elf" "$w/roottask.elf"
# An image is a valid root task for nothing, but any static riscv64 ELF is a root task: a
# kernel-shaped ELF whose entry is executable must pack as well.
good any-static-elf "$w/kernel-phys.elf" "$w/kernel-phys.elf"

# The high kernel has 3 MiB of .bss: the root task goes after memsz, 2 MiB aligned.
ph=$(riscv64-unknown-elf-readelf -lW "$w/high-kernel.img" | awk '$1=="LOAD"{l=$0} END{print l}')
if echo "$ph" | grep -q '0x0000000080600000 0x0000000080600000' && echo "$ph" | grep -qw 'R'; then
  ok "readelf: last LOAD at paddr=vaddr=0x80600000, flags R"
else
  bad "readelf: last LOAD is '$ph'"
fi
# The 2 MiB alignment with a tiny kernel: the root task of any-static-elf follows the same
# kernel (memsz ends at 0x80501028), so it is also at 0x80600000; a kernel ending exactly on a
# 2 MiB boundary is covered by check-image's own computation.
if riscv64-unknown-elf-readelf -lW "$w/phys-kernel.img" | grep -q '0x0000000080600000 0x0000000080600000'; then
  ok "readelf: phys kernel (memsz end 0x80501028) puts the root task at 0x80600000"
else
  bad "readelf: phys-kernel placement"
fi

# --- bad inputs: nonzero exit, the expected message, and no output left behind
refuse() {  # name expected-message kernel root [out]
  local name=$1 msg=$2 out=${5:-$w/refused.img}
  rm -f "$out"
  "$MKIMAGE" "$3" "$4" "$out" >"$w/r.out" 2>"$w/r.err"
  local rc=$?
  if [ $rc -ne 0 ] && grep -q -- "$msg" "$w/r.err" && [ ! -e "$out" ]; then
    ok "$name: refused ($(head -n1 "$w/r.err"))"
  else
    bad "$name: rc=$rc, stderr: $(cat "$w/r.err")"
  fi
}
mutant() {  # copy SRC to a fresh name and echo its path
  cp "$1" "$w/$2" && echo "$w/$2"
}

K=$w/kernel-phys.elf
R=$w/roottask.elf
"$MKIMAGE" "$K" "$R" >"$w/r.out" 2>"$w/r.err"
if [ $? -eq 2 ] && grep -q usage "$w/r.err"; then ok "missing argument: usage, exit 2"; else bad "missing argument"; fi
refuse no-such-kernel "cannot open" "$w/absent.elf" "$R"
echo "just some text, long enough to look like a file header to a careless parser......" >"$w/text"
refuse not-elf "not an ELF file" "$w/text" "$R"
refuse not-elf-root "not an ELF file" "$K" "$w/text"
head -c 40 "$K" >"$w/trunc.elf"
refuse truncated-header "not an ELF file" "$w/trunc.elf" "$R"
head -c 200 "$R" >"$w/trunc2.elf"
refuse truncated-segments "outside the file" "$K" "$w/trunc2.elf"
m=$(mutant "$R" class32.elf); poke "$m" 4 1 1
refuse elf32 "not a 64-bit ELF" "$K" "$m"
m=$(mutant "$R" bigendian.elf); poke "$m" 5 2 1
refuse big-endian "not a little-endian ELF" "$K" "$m"
m=$(mutant "$R" x86.elf); poke "$m" 18 62 2
refuse wrong-machine "not a RISC-V ELF" "$K" "$m"
m=$(mutant "$R" dyn.elf); poke "$m" 16 3 2
refuse shared-object "not a statically linked executable" "$K" "$m"
m=$(mutant "$R" interp.elf); poke "$m" "$(phdr_off "$m" 0)" 3 4
refuse dynamic-interp "dynamically linked" "$K" "$m"
m=$(mutant "$R" phoff.elf); poke "$m" 32 $((1 << 40)) 8
refuse phdrs-outside "program header table lies outside" "$K" "$m"
m=$(mutant "$R" segoff.elf); o=$(load_offs "$m" | head -n1); poke "$m" $((o + 8)) $((1 << 30)) 8
refuse segment-outside "outside the file" "$K" "$m"
m=$(mutant "$R" memsz.elf)
for o in $(load_offs "$m"); do   # the first PT_LOAD with file bytes gets memsz 0
  if [ "$(u64 "$m" $((o + 32)))" != 0 ]; then poke "$m" $((o + 40)) 0 8; break; fi
done
refuse filesz-gt-memsz "filesz > memsz" "$K" "$m"
m=$(mutant "$R" entry.elf); poke "$m" 24 5 8
refuse entry-outside "entry point" "$K" "$m"
m=$(mutant "$R" usertop.elf)
o=$(load_offs "$m" | head -n1); poke "$m" $((o + 16)) $((0x3ffffff000)) 8
refuse above-usertop "seL4_UserTop" "$K" "$m"
# Two root-task PT_LOADs at the same vaddr.
m=$(mutant "$R" overlap.elf)
loads=($(load_offs "$m"))
if [ ${#loads[@]} -ge 2 ]; then
  poke "$m" $((loads[1] + 16)) "$(u64 "$m" $((loads[0] + 16)))" 8
  refuse root-overlap "overlap" "$K" "$m"
else
  bad "root-overlap: fixture has ${#loads[@]} PT_LOADs, need 2"
fi
# Two kernel PT_LOADs at the same paddr.
m=$(mutant "$K" koverlap.elf)
loads=($(load_offs "$m"))
poke "$m" $((loads[1] + 24)) "$(u64 "$m" $((loads[0] + 24)))" 8
refuse kernel-overlap "overlap" "$m" "$R"
refuse no-payload-symbol "symbol lark_boot_payload not found" "$R" "$R"
riscv64-unknown-elf-strip -o "$w/stripped.elf" "$K"
refuse stripped-kernel "no symbol table" "$w/stripped.elf" "$R"
refuse payload-in-bss "not in initialised data" "$w/kernel-bss.elf" "$R"
refuse payload-too-small "smaller than struct lark_boot_payload" "$w/kernel-small.elf" "$R"
m=$(mutant "$K" shoff.elf); poke "$m" 40 $((1 << 40)) 8
refuse sections-outside "no valid section header table" "$m" "$R"
refuse unwritable-output "cannot write" "$K" "$R" "/nonexistent-dir/out.img"

echo "mkimage-tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
