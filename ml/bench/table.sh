#!/usr/bin/env bash
# Turns `make bench-ml` output (stdin) into the markdown table of ml/README.md
# "riscv64 figures": one row per model, scalar and RVV side by side, plus the per-kernel
# profile lines of person_detect.
awk '
/^[a-z_0-9]+: [0-9]+ instructions\/inference/ {
  m = $1; sub(":", "", m); fl = $6; sub(/^\(/, "", fl); sub(",", "", fl)
  if (!(m in seen)) { seen[m] = 1; order[n++] = m }
  ins[m, fl] = $2; per[m, fl] = $4; macs[m] = $7
}
function commas(v,   s) { s = ""; while (length(v) > 3) { s = "," substr(v, length(v) - 2) s; v = substr(v, 1, length(v) - 3) } return v s }
END {
  print "| model | MACs | scalar instr/inference | scalar instr/MAC | RVV instr/inference | RVV instr/MAC |"
  print "|---|---|---|---|---|---|"
  for (i = 0; i < n; i++) { m = order[i]
    printf "| %s | %s | %s | %s | %s | %s |\n", m, commas(macs[m]), commas(ins[m, "scalar"]), per[m, "scalar"], commas(ins[m, "rvv"]), per[m, "rvv"] }
}'
