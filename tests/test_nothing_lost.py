"""Issue 15: nothing a cadre writes is lost or hidden.  Each case goes through the CLI and reads the
JSON and the body workbooks back: narratives and shortfall reasons, inserted rows, warnings,
formulas in input cells, side tables, bugs met while reading, subfolders, a killed run."""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from dotpha_demo.filler import find_contract, form_sheet
from dotpha_xl.kernel.problems import CATALOGUE
from tests.helpers import ROSTER, fill, plan_cycle, run, write_table
from tests.test_reports import report_for, task, worked_example_q2


@pytest.fixture()
def cycle(tmp_path):
    return plan_cycle(tmp_path)


def q2_reports(tmp_path: Path) -> Path:
    run("template", "report", "--plans", tmp_path / "plans", "--period", "2027-Q2",
        "--out", tmp_path / "q2")  # fmt: skip
    for cadre_id, *_ in ROSTER:
        fill(report_for(tmp_path / "q2", cadre_id), worked_example_q2())
    return tmp_path / "q2"


def consolidate(tmp_path, roster, reports, period="2027-Q2", *extra, code=0):
    out = tmp_path / f"out_{period}"
    result = run("consolidate", "--roster", roster, "--plans", tmp_path / "plans",
                 "--reports", reports, "--period", period, "--out", out,
                 "--json", out / "result.json", "--jobs", "1", *extra, code=code)  # fmt: skip
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    return data, out, result


def sheet_texts(path: Path, sheet: str) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [str(c.value) for row in book[sheet].iter_rows() for c in row if c.value is not None]


def cell_of(path: Path, row_key: str, column: str) -> str:
    book = openpyxl.load_workbook(path)
    c = find_contract(form_sheet(book))
    return c.sheet.cell(c.rows[row_key], c.columns[column]).coordinate


def test_a_blank_due_item_is_a_warning_in_the_json_the_workbook_and_on_stderr(cycle):
    tmp_path, roster, _ = cycle
    reports = q2_reports(tmp_path)
    path = report_for(reports, "CB901")
    fill(path, {"A1.Q2.M3.I2": {"completion": None}})
    cell = cell_of(path, "A1.Q2.M3.I2", "completion")
    data, out, result = consolidate(tmp_path, roster, reports)  # exit 0: warnings alone
    found = [w for w in data["warnings"] if w["code"] == "completion_missing"]
    assert [(w["file"], w["sheet"], w["cell"]) for w in found] == [(path.name, "Báo cáo", cell)]
    assert "chưa nhập mức độ hoàn thành" in found[0]["message"]
    texts = sheet_texts(out / "UBND_tong_hop_2027_Q2.xlsx", "Cảnh báo")
    assert path.name in texts and "completion_missing" in texts
    assert any(f"Báo cáo › {cell}" == t for t in texts)
    assert re.search(r"\d+ cảnh báo trong các tệp đã đọc", result.output)
    assert "completion_missing" in result.output
    # the other body's workbook lists none of this body's warnings
    assert path.name not in sheet_texts(out / "TC_tong_hop_2027_Q2.xlsx", "Cảnh báo")


def set_cached_value(path: Path, sheet_name: str, ref: str, value: str) -> None:
    """Give the formula of cell ``ref`` the cached value ``value`` (openpyxl stores none)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    book = openpyxl.load_workbook(path)
    index = book.sheetnames.index(sheet_name) + 1
    part = f"xl/worksheets/sheet{index}.xml"
    xml = parts[part].decode("utf-8")
    pattern = re.compile(rf'(<c r="{ref}"[^>]*>)<f>(.*?)</f>(?:<v\s*/>|<v></v>)?</c>')
    xml, n = pattern.subn(rf"\1<f>\2</f><v>{value}</v></c>", xml)
    assert n == 1
    parts[part] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_a_formula_in_an_input_cell_with_and_without_its_value(cycle):
    tmp_path, roster, _ = cycle
    reports = q2_reports(tmp_path)
    with_value = report_for(reports, "CB901")
    without = report_for(reports, "CB902")
    for path in (with_value, without):
        book = openpyxl.load_workbook(path)
        c = find_contract(form_sheet(book))
        c.sheet.cell(c.rows["A1.Q2.M1.I2"], c.columns["completion"]).value = "=0.25*2"
        book.save(path)
    cell = cell_of(with_value, "A1.Q2.M1.I2", "completion")
    set_cached_value(with_value, "Báo cáo", cell, "0.5")
    data, out, _ = consolidate(tmp_path, roster, reports, code=1)

    # The cached value is used (0.5, the worked example's figure), with a warning at the cell.
    assert task(data, "CB901")["completion_quarter"] == 45
    warned = [w for w in data["warnings"] if w["code"] == "formula_in_input"]
    assert [(w["file"], w["cell"]) for w in warned] == [(with_value.name, cell)]
    assert "formula_in_input" in sheet_texts(out / "UBND_tong_hop_2027_Q2.xlsx", "Cảnh báo")
    # No cached value: an error at the cell, never 0 %.
    rejected = next(r for r in data["rejected"] if r["file"] == without.name)
    codes = [(p["code"], p["cell"]) for p in rejected["problems"]]
    assert ("formula_without_value", cell) in codes
    assert "completion_missing" not in [c for c, _ in codes]
    assert "CB902" in [m["cadre_id"] for m in data["missing"]]


def test_a_bug_met_while_reading_a_file_is_an_internal_error_not_a_corrupt_file(cycle, monkeypatch):
    from dotpha_xl.xlsx import reports as reports_module

    tmp_path, roster, _ = cycle
    reports = q2_reports(tmp_path)
    real = reports_module.task_outcomes

    def buggy(report, settings):
        if report.cadre_id == "CB902":
            raise KeyError("a crafted bug")
        return real(report, settings)

    monkeypatch.setattr(reports_module, "task_outcomes", buggy)
    data, out, result = consolidate(tmp_path, roster, reports, code=3)
    bad = report_for(reports, "CB902").name
    rejected = {r["file"]: [p["code"] for p in r["problems"]] for r in data["rejected"]}
    assert rejected == {bad: ["internal_error"]}
    assert "file_corrupt" not in json.dumps(data)
    assert {t["cadre_id"] for t in data["tasks"]} == {"CB901", "CB903"}  # the batch went on
    shown = sheet_texts(out / "UBND_tong_hop_2027_Q2.xlsx", "Tệp bị từ chối")
    assert any("không phải lỗi của tệp" in t for t in shown)
    assert "Traceback" not in result.output and "--debug" in result.output
    shown = run("--debug", "consolidate", "--roster", roster, "--plans", tmp_path / "plans",
                "--reports", reports, "--period", "2027-Q2", "--dry-run", "--jobs", "1",
                code=3).output  # fmt: skip
    assert "Traceback" in shown and "a crafted bug" in shown


def test_reports_in_subfolders_of_the_inbox_are_read(cycle):
    tmp_path, roster, _ = cycle
    reports = q2_reports(tmp_path)
    moved = report_for(reports, "CB902")
    (reports / "So_Xay_dung" / "thang_6").mkdir(parents=True)
    moved.rename(reports / "So_Xay_dung" / "thang_6" / moved.name)
    (reports / ".hidden").mkdir()  # a hidden folder is not an inbox
    data, _, _ = consolidate(tmp_path, roster, reports)
    assert data["missing"] == []
    assert task(data, "CB902")["report_file"] == moved.name
    assert data["warnings"] == []  # clean reports: nothing to say (the signature block is no text)


def test_a_killed_consolidation_leaves_nothing_the_next_run_trips_on(cycle):
    tmp_path, roster, _ = cycle
    reports = q2_reports(tmp_path)
    out = tmp_path / "out_2027-Q2"
    killed = (
        "import os, signal, sys\n"
        "from dotpha_xl.store.atomic import StagedOutputs\n"
        "with StagedOutputs(sys.argv[1]) as stage:\n"
        "    stage.write('UBND_tong_hop_2027_Q2.xlsx', b'half a workbook')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", killed, str(out)], check=False)
    assert done.returncode == -signal.SIGKILL
    left = list(tmp_path.glob(".out_2027-Q2.staging-*"))
    assert len(left) == 1 and not out.exists()
    data, _, _ = consolidate(tmp_path, roster, reports)
    assert not list(tmp_path.glob(".out_2027-Q2.staging-*"))
    names = sorted(p.name for p in out.iterdir())
    assert "UBND_tong_hop_2027_Q2.xlsx" in names and "consolidation_2027_Q2.json" in names
    openpyxl.load_workbook(out / "UBND_tong_hop_2027_Q2.xlsx")
    assert len(data["tasks"]) == 3


def insert_row(path: Path, below: str, values: dict[str, object]) -> str:
    """Insert a row below the row ``below`` as a cadre would (no key), with ``values`` by column
    key; return the address of its content cell."""
    book = openpyxl.load_workbook(path)
    c = find_contract(form_sheet(book))
    at = c.rows[below] + 1
    c.sheet.insert_rows(at)
    for column, value in values.items():
        c.sheet.cell(at, c.columns[column]).value = value
    book.save(path)
    return c.sheet.cell(at, c.columns["content"]).coordinate


def test_an_inserted_row_is_kept_with_its_cell_and_not_counted(cycle):
    tmp_path, roster, _ = cycle
    reports = q2_reports(tmp_path)
    path = report_for(reports, "CB901")
    cell = insert_row(path, "A1.Q2.M1.I2", {
        "content": "Hội thảo phát sinh theo chỉ đạo của Tỉnh ủy",
        "actual_product": "Kỷ yếu hội thảo", "completion": 1.0,
    })  # fmt: skip
    data, out, _ = consolidate(tmp_path, roster, reports)
    t = task(data, "CB901")
    assert t["completion_quarter"] == 45  # not counted: its weight is unknown
    assert t["unplanned_items"] == [{
        "month": "A1.Q2.M1", "cell": cell,
        "content": "Hội thảo phát sinh theo chỉ đạo của Tỉnh ủy", "product": "",
        "actual_product": "Kỷ yếu hội thảo", "completion": "100",
    }]  # fmt: skip
    warned = [w for w in data["warnings"] if w["code"] == "unplanned_item"]
    assert [(w["file"], w["cell"]) for w in warned] == [(path.name, cell)]
    workbook = out / "UBND_tong_hop_2027_Q2.xlsx"
    details = sheet_texts(workbook, "Chi tiết")
    assert "Hội thảo phát sinh theo chỉ đạo của Tỉnh ủy" in details
    assert f"A1.Q2.M1 (chèn thêm, ô {cell})" in details
    assert any("Hội thảo phát sinh" in t for t in sheet_texts(workbook, "Cảnh báo"))


def test_a_row_inserted_outside_a_month_is_a_problem_at_its_cell(cycle):
    tmp_path, roster, _ = cycle
    reports = q2_reports(tmp_path)
    path = report_for(reports, "CB901")
    cell = insert_row(path, "A1.Q2", {"content": "Ghi chú chèn dưới dòng quý"})
    data, _, _ = consolidate(tmp_path, roster, reports)
    warned = [w for w in data["warnings"] if w["code"] == "row_outside_table"]
    assert [(w["cell"], "Ghi chú chèn dưới dòng quý" in w["message"]) for w in warned] == [
        (cell, True)
    ]


def test_a_value_typed_below_the_table_is_a_warning_at_its_cell(cycle):
    tmp_path, roster, _ = cycle
    reports = q2_reports(tmp_path)
    path = report_for(reports, "CB901")
    book = openpyxl.load_workbook(path)
    c = find_contract(form_sheet(book))
    cell = c.sheet.cell(c.sheet.max_row + 3, c.columns["content"])
    cell.value = "Ghi thêm dưới chữ ký"
    book.save(path)
    data, _, _ = consolidate(tmp_path, roster, reports)
    found = [(w["code"], w["cell"]) for w in data["warnings"]]
    assert found == [("stray_value", cell.coordinate)]


def test_narratives_and_the_reason_of_a_task_behind_reach_the_json_and_the_workbook(cycle):
    tmp_path, roster, _ = cycle
    reports = q2_reports(tmp_path)
    path = report_for(reports, "CB901")
    fill(path, {
        "A1": {"shortfall_reason": "Chậm giải phóng mặt bằng dự án"},
        "note.advantages": {"product": "Được Thường trực Tỉnh ủy quan tâm chỉ đạo"},
        "note.difficulties": {"product": "Thiếu cán bộ chuyên môn; giải pháp: biệt phái"},
        "note.proposals": {"product": "Đề nghị bổ sung kinh phí năm 2027"},
    })  # fmt: skip
    data, out, _ = consolidate(tmp_path, roster, reports)
    t = task(data, "CB901")
    assert "behind_schedule" in t["flags"]
    assert t["shortfall_reason"] == "Chậm giải phóng mặt bằng dự án"
    assert data["narratives"] == [{
        "cadre_id": "CB901",
        "advantages": "Được Thường trực Tỉnh ủy quan tâm chỉ đạo",
        "difficulties": "Thiếu cán bộ chuyên môn; giải pháp: biệt phái",
        "proposals": "Đề nghị bổ sung kinh phí năm 2027",
    }]  # fmt: skip
    texts = sheet_texts(out / "UBND_tong_hop_2027_Q2.xlsx", "Khó khăn, đề xuất")
    for text in ("Chậm giải phóng mặt bằng dự án", "Thiếu cán bộ chuyên môn; giải pháp: biệt phái",
                 "Đề nghị bổ sung kinh phí năm 2027", "Nguyễn Thị Mai (CB901)"):  # fmt: skip
        assert text in texts
    # a task behind with no reason given is listed as such
    assert any("Trần Văn Bình" in t for t in texts) and "(không ghi lý do)" in texts
    # read back as records
    from dotpha_xl.store.consolidation_json import load_consolidation

    back = load_consolidation(out, "2027-Q2")
    row = next(r for r in back.tasks if r.cadre.cadre_id == "CB901")
    assert row.shortfall_reason == "Chậm giải phóng mặt bằng dự án"
    assert back.narratives["CB901"]["proposals"] == "Đề nghị bổ sung kinh phí năm 2027"
    assert any(w.code == "unplanned_item" for w in back.warnings) is False


def test_new_problem_codes_have_vietnamese_texts_without_english_codes():
    for code in ("internal_error", "formula_in_input", "formula_without_value", "unplanned_item",
                 "row_outside_table"):  # fmt: skip
        _, message, hint = CATALOGUE[code]
        assert code not in message and code not in hint
        assert re.search(r"[ạảãàáâậầấẩẫăắằặẳẵđêềếểễệôồốổỗộơờớởỡợưừứửữự]", message)


def test_receipts_with_vietnamese_headers_and_dates_change_which_report_is_late(cycle):
    from datetime import datetime

    tmp_path, roster, _ = cycle
    reports = q2_reports(tmp_path)
    names = {cid: report_for(reports, cid).name for cid, *_ in ROSTER}
    late_time = datetime(2027, 7, 20, 10, 0).timestamp()
    for cid in names:  # by the files' times every report is late
        os.utime(reports / names[cid], (late_time, late_time))
    serial = (datetime(2027, 6, 18) - datetime(1899, 12, 30)).days  # an Excel date serial
    receipts = write_table(
        tmp_path / "so_nhan.xlsx",
        ["Tên tệp", "Thời điểm nhận"],
        [(names["CB901"], "20/06/2027"), (names["CB902"], "28/07/2027 09:30"),
         (names["CB903"], serial)],
    )  # fmt: skip
    data, _, _ = consolidate(tmp_path, roster, reports, "2027-Q2", "--receipts", receipts)
    assert "late" not in task(data, "CB901")["flags"]
    assert task(data, "CB901")["received"] == "2027-06-20T00:00:00"
    assert "late" in task(data, "CB902")["flags"]
    assert task(data, "CB902")["received"] == "2027-07-28T09:30:00"
    assert task(data, "CB903")["received"] == "2027-06-18T00:00:00"
    assert "late" not in task(data, "CB903")["flags"]
    assert data["problems"] == []

    # A date that is no date is a problem naming its cell; the others still count.
    bad = write_table(
        tmp_path / "so_nhan_loi.xlsx",
        ["file", "received"],
        [(names["CB901"], "20/06/2027"), (names["CB902"], "hôm qua")],
    )
    data, _, _ = consolidate(tmp_path, roster, reports, "2027-Q2", "--receipts", bad, code=1)
    found = [(p["code"], p["cell"]) for p in data["problems"]]
    assert ("bad_date", "B3") in found and ("receipt_missing", "") in found
    assert "late" not in task(data, "CB901")["flags"]


def test_a_receipts_table_that_is_a_zip_bomb_is_refused_in_bounded_memory(cycle):
    import tracemalloc

    from tests.test_safe_open import write_bomb

    tmp_path, roster, _ = cycle
    reports = q2_reports(tmp_path)
    bomb = write_bomb(tmp_path / "so_nhan.xlsx")
    tracemalloc.start()
    try:
        result = run("consolidate", "--roster", roster, "--plans", tmp_path / "plans",
                     "--reports", reports, "--period", "2027-Q2", "--dry-run",
                     "--receipts", bomb, "--jobs", "1", code=2)  # fmt: skip
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "Bảng thời điểm nhận" in result.output and "độc hại" in result.output
    assert "Traceback" not in result.output
    assert peak < 32 * 1024 * 1024, peak  # the bomb inflates to 200 MiB


def test_a_bad_carried_items_table_is_a_usage_error_not_a_traceback(tmp_path):
    from dotpha_xl.kernel.errors import InputError
    from dotpha_xl.xlsx.tenure_tables import ITEMS_SHEET, read_carried_items

    broken = tmp_path / "chuyen_tiep.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(InputError, match="Bảng việc chuyển tiếp"):
        read_carried_items(broken)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = ITEMS_SHEET
    sheet.append(["cadre_id", "task_key", "carried_from", "item_key", "content", "product",
                  "completion", "left"])  # fmt: skip
    sheet.append(["CB901", "A1", "A1", "A1.Q1.M1.I1", "Việc", "", "nhiều", ""])
    book.save(broken)
    with pytest.raises(InputError, match="ô G2"):
        read_carried_items(broken)


def test_a_decided_ratings_table_reads_vietnamese_headers_and_names_bad_cells(tmp_path):
    from dotpha_xl.kernel.settings import default_settings
    from dotpha_xl.xlsx.tables import read_decided_ratings

    path = write_table(
        tmp_path / "xep_loai.xlsx",
        ["Mã cán bộ", "Mã việc", "Mức xếp loại"],
        [("CB901", "A1", "HTT"), ("CB902", "", "Hoàn thành xuất sắc"), ("CB903", "A1", "giỏi")],
    )
    table = read_decided_ratings(path, default_settings())
    assert table.values == {("CB901", "A1"): "HTT", ("CB902", ""): "HTXS"}
    assert [(p.code, p.cell) for p in table.problems] == [("rating_unreadable", "C4")]


def test_the_body_workbook_prints_at_9_pt_or_more_on_a4_and_on_a3_when_chosen(cycle):
    from dotpha_xl.xlsx.body_workbook import (
        A4_UNITS,
        DETAIL_COLUMNS,
        PRINT_SCALE,
        REPEATED_COLUMNS,
        SUMMARY_COLUMNS,
    )

    tmp_path, roster, _ = cycle
    reports = q2_reports(tmp_path)
    settings = tmp_path / "cau_hinh.toml"
    settings.write_text('[print]\na3_bodies = ["TC"]\n', encoding="utf-8")
    _, out, _ = consolidate(tmp_path, roster, reports, "2027-Q2", code=0)
    run("--settings", settings, "consolidate", "--roster", roster, "--plans",
        tmp_path / "plans", "--reports", reports, "--period", "2027-Q2", "--out",
        tmp_path / "a3", "--jobs", "1")  # fmt: skip

    a4 = openpyxl.load_workbook(out / "UBND_tong_hop_2027_Q2.xlsx")["Tổng hợp"]
    assert a4.page_setup.paperSize == 9 and a4.page_setup.orientation == "landscape"
    assert int(a4.page_setup.scale) == PRINT_SCALE and PRINT_SCALE * 12 / 100 >= 9
    assert not a4.sheet_properties.pageSetUpPr or not a4.sheet_properties.pageSetUpPr.fitToPage
    breaks = [b.id for b in a4.col_breaks.brk]
    assert breaks and str(a4.print_title_cols) == "$B:$D"
    assert str(a4.print_title_rows) == "$5:$7"
    # every printed page fits across A4 at that scale, the repeated columns included
    widths = {c.key: (0 if c.key == "report_file" else c.width) for c in SUMMARY_COLUMNS}
    keys = [c.key for c in SUMMARY_COLUMNS]
    edges = [1, *breaks, len(keys) + 1]
    repeated = sum(widths[k] for k in REPEATED_COLUMNS)
    for n, (start, end) in enumerate(itertools.pairwise(edges)):
        page = sum(widths[k] for k in keys[start - 1 : end - 1]) + (repeated if n else 0)
        assert page <= A4_UNITS, (n, page)
    # the item details: fitted to the width of A4, narrow enough for 9 pt (8.45 px a unit)
    detail = openpyxl.load_workbook(out / "UBND_tong_hop_2027_Q2.xlsx")["Chi tiết"]
    assert detail.sheet_properties.pageSetUpPr.fitToPage
    assert detail.page_setup.fitToWidth in (None, 1)
    assert 979 / (sum(c.width for c in DETAIL_COLUMNS) * 8.45) * 12 >= 9

    a3 = openpyxl.load_workbook(tmp_path / "a3" / "TC_tong_hop_2027_Q2.xlsx")["Tổng hợp"]
    assert a3.page_setup.paperSize == 8 and not a3.col_breaks.brk
    assert a3.sheet_properties.pageSetUpPr.fitToPage and a3.page_setup.fitToWidth in (None, 1)
    still_a4 = openpyxl.load_workbook(tmp_path / "a3" / "UBND_tong_hop_2027_Q2.xlsx")["Tổng hợp"]
    assert still_a4.page_setup.paperSize == 9


def test_a3_bodies_must_be_known_bodies(tmp_path):
    from dotpha_xl.kernel.settings import SettingsError, load_settings

    path = tmp_path / "cau_hinh.toml"
    path.write_text('[print]\na3_bodies = ["XYZ"]\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"print\.a3_bodies"):
        load_settings(path)


def test_validate_reports_a_bug_met_while_reading_a_plan_as_an_internal_error(cycle, monkeypatch):
    from dotpha_xl.steps import validate as validate_step

    tmp_path, _, _ = cycle
    real = validate_step.read_plan

    def buggy(path, settings, **kwargs):
        if path.name.startswith("CB902"):
            raise ZeroDivisionError("a crafted bug")
        return real(path, settings, **kwargs)

    monkeypatch.setattr(validate_step, "read_plan", buggy)
    out = tmp_path / "v.json"
    result = run("validate", tmp_path / "plans", "--json", out, code=3)
    files = json.loads(out.read_text(encoding="utf-8"))["files"]
    codes = {f["file"][:5]: [p["code"] for p in f["problems"]] for f in files}
    assert codes == {"CB901": [], "CB902": ["internal_error"], "CB903": []}
    assert "Traceback" not in result.output
    shown = run("--debug", "validate", tmp_path / "plans", code=3).output
    assert "ZeroDivisionError: a crafted bug" in shown


def test_a_value_on_a_keyless_plan_row_outside_the_read_columns_is_said(cycle):
    tmp_path, _, _ = cycle
    path = report_for(tmp_path / "plans", "CB901")
    book = openpyxl.load_workbook(path)
    c = find_contract(form_sheet(book))
    at = c.rows["A1.Q1.M1.I2"] + 1
    c.sheet.insert_rows(at)
    column = next(k for k in c.columns if k not in ("content", "product", "w_month", "stt"))
    c.sheet.cell(at, c.columns[column]).value = "ghi chú của cán bộ"
    book.save(path)
    out = tmp_path / "v.json"
    run("validate", path, "--json", out, code=None)
    problems = json.loads(out.read_text(encoding="utf-8"))["files"][0]["problems"]
    cell = c.sheet.cell(at, c.columns[column]).coordinate
    assert ("stray_value", cell) in [(p["code"], p["cell"]) for p in problems]


def test_formula_cells_are_found_with_and_without_a_namespace_prefix():
    import io

    from dotpha_xl.xlsx.safe_open import formula_cells

    def book(sheet_xml: str) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(
                "xl/workbook.xml",
                '<workbook xmlns:r="r"><sheets><sheet name="Báo cáo" sheetId="1" r:id="rId1"/>'
                "</sheets></workbook>",
            )
            archive.writestr(
                "xl/_rels/workbook.xml.rels",
                '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
                "</Relationships>",
            )
            archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        return buffer.getvalue()

    plain = (
        '<worksheet><sheetData><row r="2"><c r="B2" s="1"><f>1+1</f><v>2</v></c>'
        '<c r="C2"><f t="shared" si="0"/><v/></c><c r="D2"><v>3</v></c></row></sheetData>'
        "</worksheet>"
    )
    prefixed = plain.replace("<", "<x:").replace("<x:/", "</x:")
    for xml in (plain, prefixed):
        assert formula_cells(book(xml), "Báo cáo") == {(1, 1): True, (1, 2): False}
    assert formula_cells(book(plain), "Khác") == {}


def test_an_unusable_roster_or_assignments_table_is_a_usage_error(cycle):
    tmp_path, roster, assignments = cycle
    reports = q2_reports(tmp_path)
    bad = tmp_path / "roster_hong.xlsx"
    bad.write_text("không phải bảng tính", encoding="utf-8")
    no_column = write_table(tmp_path / "giao_viec.xlsx", ["Mã cán bộ", "Ghi chú"], [("CB901", "")])
    for option, path, label in (("--roster", bad, "Danh sách cán bộ"),
                                ("--assignments", no_column, "Danh sách giao việc")):  # fmt: skip
        args = {"--roster": roster, "--assignments": assignments, option: path}
        result = run("consolidate", "--plans", tmp_path / "plans", "--reports", reports,
                     "--period", "2027-Q2", "--dry-run", "--jobs", "1",
                     *[x for kv in args.items() for x in kv], code=2)  # fmt: skip
        assert label in result.output and "Traceback" not in result.output
    assert "column_missing" in result.output
