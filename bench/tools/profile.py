#!/usr/bin/env python3
"""Counts kernel instructions per function in a QEMU `-d exec,nochain,in_asm` log (see
profile.sh). The console output the root task prints between runs shows up as bursts of
sbi_console_putchar; the run profiled is the one between the last two bursts (the last burst
prints the figure), its second half, divided by the number of kernel entries in it."""
import bisect
import collections
import re
import subprocess
import sys

kernel, trace, top_n = sys.argv[1], sys.argv[2], int(sys.argv[3])
syms = []
nm = subprocess.run(['riscv64-unknown-elf-nm', '-n', kernel], capture_output=True, text=True, check=True)
for line in nm.stdout.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in 'tTwW':
        syms.append((int(parts[0], 16), parts[2]))
starts = [a for a, _ in syms]
entry_pc = dict((n, a) for a, n in syms)['kernel_trap_entry']


def sym(addr):
    i = bisect.bisect_right(starts, addr) - 1
    return syms[i][1] if i >= 0 else '?'


tb_size = {}   # TB start -> instructions, from the in_asm blocks
execs = []     # TB starts in execution order
tb_start, tb_count = None, 0
with open(trace, 'rb') as f:
    for raw in f:
        line = raw.decode('latin1')
        if line.startswith('Trace '):
            m = re.search(r'\[[0-9a-f]+/([0-9a-f]+)/', line)
            execs.append(int(m.group(1), 16))
        elif line.startswith('0x'):
            if tb_start is None:
                tb_start, tb_count = int(line.split(':')[0], 16), 0
            tb_count += 1
        elif tb_start is not None and not line.strip():
            tb_size[tb_start] = tb_count
            tb_start = None
        elif line.startswith('IN:'):
            tb_start = None

putchar = [i for i, pc in enumerate(execs) if sym(pc) == 'sbi_console_putchar']
bursts = []
for i in putchar:
    if bursts and i - bursts[-1][1] < 2000:
        bursts[-1][1] = i
    else:
        bursts.append([i, i])
if len(bursts) < 2:
    sys.exit('profile: fewer than two output bursts in the trace')
lo, hi = bursts[-2][1] + 1, bursts[-1][0]
lo += (hi - lo) // 2
counts = collections.Counter()
entries = 0
for pc in execs[lo:hi]:
    counts[sym(pc)] += tb_size.get(pc, 0)
    entries += pc == entry_pc
total = sum(counts.values())
per = max(entries, 1)
print(f'kernel entries {entries}, kernel instructions {total}, per entry {total / per:.1f}')
for name, n in counts.most_common(top_n):
    print(f'{n / per:8.1f}  {name}')
