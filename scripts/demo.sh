#!/usr/bin/env bash
# The whole cycle on the bundled sample data, through the real CLI. Usage: scripts/demo.sh OUTDIR
set -euo pipefail
out=${1:-demo_output}
rm -rf "$out"; mkdir -p "$out"
echo "== Lịch năm 2027"
dotpha calendar --year 2027
echo
echo "Kết quả demo nằm trong: $out/"
