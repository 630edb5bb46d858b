#!/usr/bin/env bash
# Start the web desk (dotpha serve) on the demo's data. Usage: scripts/serve.sh [OUTDIR] [PERIOD]
# Run `make demo` first. The first time, tokens are made for UBND and the Organisation Board (TC)
# and kept in OUTDIR/ma_truy_cap_demo.txt so that they can be shown again: for the demo only,
# a real desk keeps no token in clear (dotpha access add prints it once).
set -euo pipefail
out=${1:-demo_output}
period=${2:-2027}
tag=${period//-/_}
data=sample_data
port=${PORT:-8000}
if [ ! -d "$out/5_bao_cao_da_nop_$tag" ]; then
  echo "Chưa có dữ liệu demo kỳ $period trong $out: chạy 'make demo' trước." >&2
  exit 2
fi
access="$out/ma_truy_cap.json"
tokens="$out/ma_truy_cap_demo.txt"
if [ ! -f "$tokens" ]; then
  rm -f "$access"
  for body in UBND TC; do
    printf '%s  %s\n' "$body" "$(dotpha access add "$body" --access "$access" --note demo 2>/dev/null)"
  done > "$tokens"
fi
echo "Mã truy cập demo (UBND: một cơ quan thẩm định; TC: Ban Tổ chức, xem mọi cơ quan):"
sed 's/^/  /' "$tokens"
exec dotpha --ledger "$out/dotpha.sqlite" serve --roster $data/roster.xlsx \
  --assignments $data/assignments.xlsx --plans "$out/2_ke_hoach_da_nop" \
  --reports "$out/5_bao_cao_da_nop_$tag" --period "$period" --out "$out/ban_lam_viec_$tag" \
  --access "$access" --host 127.0.0.1 --port "$port"
