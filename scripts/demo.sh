#!/usr/bin/env bash
# The whole cycle on the bundled sample data, through the real CLI. Usage: scripts/demo.sh OUTDIR
# The sample filler (python -m dotpha_demo, not part of the product) plays the cadres: it fills
# the generated workbooks through the key contract, with a few deliberate flaws. Everything else
# is what a user runs.
set -euo pipefail
out=${1:-demo_output}
data=sample_data
rm -rf "$out"; mkdir -p "$out"
# The intake ledger of this run (lateness is judged on the first accepted version it recorded).
export DOTPHA_LEDGER="${DOTPHA_LEDGER:-$out/dotpha.sqlite}"
say() { printf '\n== %s\n' "$*"; }

say "Lịch năm 2027"
dotpha calendar --year 2027 --roster $data/roster.xlsx

say "0a. Bản đăng ký (Mẫu 01); cán bộ điền (bộ điền mẫu: một bản muộn, một cán bộ không nộp)"
dotpha --quiet template register --roster $data/roster.xlsx --year 2027 --out "$out/0a_dang_ky_mau" > /dev/null
python -m dotpha_demo registrations --registrations "$out/0a_dang_ky_mau" \
  --out "$out/0b_dang_ky_da_nop" --year 2027 > /dev/null

say "0b. Bảng đề xuất của từng cơ quan thẩm định (một cơ quan sửa tên một việc)"
dotpha proposals --roster $data/roster.xlsx --registrations "$out/0b_dang_ky_da_nop" --year 2027 \
  --out "$out/0c_de_xuat" --json "$out/0c_de_xuat.json" > /dev/null
python -m dotpha_demo proposals --proposals "$out/0c_de_xuat" --out "$out/0d_de_xuat_da_sua" > /dev/null

say "0c. Tổng hợp đề xuất trình Ban Thường vụ; Ban Thường vụ không giao một việc, sửa một việc"
dotpha decision --proposals "$out/0d_de_xuat_da_sua" --roster $data/roster.xlsx --year 2027 \
  --out "$out/0e_tong_hop_de_xuat.xlsx" > /dev/null
python -m dotpha_demo decision --decision "$out/0e_tong_hop_de_xuat.xlsx" \
  --out "$out/0f_quyet_dinh_giao_viec.xlsx" > /dev/null

say "0d. Danh sách giao việc từ quyết định, và kế hoạch lập từ đó"
dotpha assignments --decision "$out/0f_quyet_dinh_giao_viec.xlsx" --out "$out/0g_giao_viec.xlsx"
dotpha --quiet template plan --roster $data/roster.xlsx --assignments "$out/0g_giao_viec.xlsx" \
  --year 2027 --out "$out/0h_ke_hoach_tu_quyet_dinh" > /dev/null
# The steps below continue from sample_data/assignments.xlsx, whose fixed tasks carry the
# scripted report scenarios (late, behind, force majeure, ...).

say "1. Tạo kế hoạch (Mẫu 02) cho từng cán bộ"
dotpha --quiet template plan --roster $data/roster.xlsx --assignments $data/assignments.xlsx \
  --year 2027 --out "$out/1_ke_hoach_mau" > /dev/null

say "2. Cán bộ điền kế hoạch (bộ điền mẫu, có vài lỗi cố ý)"
python -m dotpha_demo plans --plans "$out/1_ke_hoach_mau" --out "$out/2_ke_hoach_da_nop" > /dev/null

say "3. Kiểm tra kế hoạch (và kế hoạch nộp muộn); bản chú thích lỗi ở $out/3_ke_hoach_loi"
set +e
dotpha validate "$out/2_ke_hoach_da_nop" --roster $data/roster.xlsx --year 2027 \
  --assignments $data/assignments.xlsx --annotate "$out/3_ke_hoach_loi" | grep -v ": hợp lệ$"
status=$?
set -e

for period in 2027-Q2 2027; do
  tag=${period//-/_}
  say "4. Biểu báo cáo kỳ $period (Mẫu 03)"
  previous=()
  [ "$period" = 2027 ] && previous=(--previous "$out/5_bao_cao_da_nop_2027_Q2")
  dotpha template report --plans "$out/2_ke_hoach_da_nop" --period $period \
    --out "$out/4_bao_cao_mau_$tag" "${previous[@]}" > /dev/null 2> "$out/4_bao_cao_mau_$tag.log" || true
  python -m dotpha_demo reports --reports "$out/4_bao_cao_mau_$tag" \
    --out "$out/5_bao_cao_da_nop_$tag" > /dev/null

  say "5. Tổng hợp kỳ $period cho từng cơ quan thẩm định"
  dotpha consolidate --roster $data/roster.xlsx --assignments $data/assignments.xlsx \
    --plans "$out/2_ke_hoach_da_nop" --reports "$out/5_bao_cao_da_nop_$tag" --period $period \
    --out "$out/6_tong_hop_$tag" --json "$out/6_tong_hop_$tag.json" || true
done

if command -v dotpha >/dev/null && dotpha summary --help >/dev/null 2>&1; then
  say "6. Báo cáo tổng hợp trình Ban Thường vụ"
  # A reviewing body raises one computed rating, with its reason, in its consolidation workbook.
  python -m dotpha_demo ratings --consolidated "$out/6_tong_hop_2027" --period 2027 > /dev/null
  dotpha summary --consolidated "$out/6_tong_hop_2027" --period 2027 \
    --registrations "$out/0b_dang_ky_da_nop" \
    --out "$out/7_bao_cao_ban_thuong_vu_2027.xlsx"

  say "6b. Kết quả xếp loại: tính toán, tự nhận, đề xuất, quyết định; khen thưởng theo mức quyết định"
  dotpha ratings --consolidated "$out/6_tong_hop_2027" --summary "$out/7_bao_cao_ban_thuong_vu_2027.xlsx" \
    --period 2027 --out "$out/8_xep_loai_2027.xlsx" --json "$out/8_xep_loai_2027.json"
fi

say "7. CB121 thôi giữ chức vụ ngày 15/07/2027: báo cáo đột xuất, bàn giao cho CB140"
dotpha template report --plans "$out/2_ke_hoach_da_nop" --period 2027-07-15 \
  --out "$out/8_bao_cao_dot_xuat_mau" > /dev/null 2>&1 || true
mkdir -p "$out/8_bao_cao_dot_xuat_CB121"
cp "$out"/8_bao_cao_dot_xuat_mau/CB121_*.xlsx "$out/8_bao_cao_dot_xuat_CB121/"
python -m dotpha_demo reports --reports "$out/8_bao_cao_dot_xuat_CB121" \
  --out "$out/8_bao_cao_dot_xuat_da_nop" > /dev/null
dotpha handover --roster $data/roster.xlsx --plans "$out/2_ke_hoach_da_nop" \
  --reports "$out/8_bao_cao_dot_xuat_da_nop" --cadre CB121 --out "$out/9_ban_giao_CB121" \
  --json "$out/9_ban_giao_CB121.json"

say "8. Chuyển tiếp sang năm 2028 các việc chưa hoàn thành; kế hoạch 2028 của các việc đó"
dotpha carry-over --consolidated "$out/6_tong_hop_2027" --year 2027 \
  --out "$out/10_chuyen_tiep_2028.xlsx" --json "$out/10_chuyen_tiep_2028.json"
dotpha --quiet template plan --roster $data/roster.xlsx --assignments "$out/10_chuyen_tiep_2028.xlsx" \
  --year 2028 --out "$out/10_ke_hoach_chuyen_tiep_2028" > /dev/null || true

say "8b. Kế hoạch năm 2028: việc theo giai đoạn giữ nguyên (khoá) các năm đã lập trong kế hoạch 2027"
# Two 2027 plans have deliberate errors: their cadres get a template with the period open, and
# the command names the files (exit 1).
dotpha template plan --roster $data/roster.xlsx --assignments $data/assignments.xlsx \
  --year 2028 --previous-plans "$out/2_ke_hoach_da_nop" --out "$out/10_ke_hoach_giai_doan_2028" \
  > /dev/null 2> "$out/10_ke_hoach_giai_doan_2028.log" || true
grep -c "previous_plan_invalid" "$out/10_ke_hoach_giai_doan_2028.log" | sed 's/^/  kế hoạch năm 2027 không dùng được: /'

say "9. Thông báo kế hoạch và kết quả năm 2027 tại từng cơ quan, đơn vị"
dotpha announce --roster $data/roster.xlsx --plans "$out/2_ke_hoach_da_nop" \
  --consolidated "$out/6_tong_hop_2027" --out "$out/11_thong_bao" --pdf > /dev/null || true

say "Kết quả demo nằm trong $out/:"
find "$out" -maxdepth 1 | sort | sed 's/^/  /'

say "Bàn làm việc trên trình duyệt (dotpha serve) với dữ liệu demo"
cat <<MSG
  make serve            # kỳ 2027; PERIOD=2027-Q2 make serve cho kỳ quý II
hoặc:
  dotpha access add UBND --access $out/ma_truy_cap.json      # in mã truy cập một lần
  dotpha --ledger $out/dotpha.sqlite serve --roster $data/roster.xlsx --assignments $data/assignments.xlsx \\
    --plans $out/2_ke_hoach_da_nop --reports $out/5_bao_cao_da_nop_2027 --period 2027 \\
    --out $out/ban_lam_viec_2027 --access $out/ma_truy_cap.json
rồi mở http://127.0.0.1:8000/ (trang Kiểm tra tệp không cần đăng nhập).
MSG
