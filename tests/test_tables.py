"""Tests for dotpha_xl.xlsx.tables: reading the roster and the assignments tables."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from dotpha_xl.kernel.problems import ERROR, WARNING, Problem
from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.records.people import Assignment, Assignments, Roster
from dotpha_xl.xlsx.tables import column_letter, read_assignments, read_roster

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"
S = default_settings()

ROSTER_HEAD = ["cadre_id", "full_name", "position", "unit", "body"]
ASSIGN_HEAD = ["cadre_id", "section", "task_no", "title", "start_year", "end_year"]


def write_xlsx(
    path: Path,
    rows: list[list[Any]],
    *,
    sheet: str = "Sheet1",
    first: tuple[int, int] = (0, 0),
    before: list[str] = (),
) -> Path:
    """A workbook whose sheet ``sheet`` holds ``rows`` from the 0-based cell ``first``."""
    wb = xlsxwriter.Workbook(str(path))
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    for name in before:
        wb.add_worksheet(name).write_string(0, 0, "ghi chú")
    ws = wb.add_worksheet(sheet)
    r0, c0 = first
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            at = (r0 + r, c0 + c)
            if value is None:
                continue
            if isinstance(value, date):
                ws.write_datetime(*at, datetime(value.year, value.month, value.day), day)
            elif isinstance(value, bool):
                ws.write_boolean(*at, value)
            elif isinstance(value, int | float):
                ws.write_number(*at, value)
            else:
                ws.write_string(*at, value)
    wb.close()
    return path


def cadre_row(cid: str, **over: Any) -> list[Any]:
    base = {
        "full_name": f"Người {cid}",
        "position": "Giám đốc Sở",
        "unit": "Sở Tài chính",
        "body": "UBND",
    }
    base.update(over)
    return [cid, base["full_name"], base["position"], base["unit"], base["body"]]


def roster_of(tmp_path: Path, rows: list[list[Any]], head: list[str] = ROSTER_HEAD) -> Roster:
    return read_roster(write_xlsx(tmp_path / "roster.xlsx", [head, *rows]), S)


def assignments_of(
    tmp_path: Path,
    rows: list[list[Any]],
    head: list[str] = ASSIGN_HEAD,
    roster: Roster | None = None,
) -> Assignments:
    return read_assignments(write_xlsx(tmp_path / "giao.xlsx", [head, *rows]), S, roster)


def only(problems: list[Problem], code: str) -> Problem:
    found = [p for p in problems if p.code == code]
    assert len(found) == 1, problems
    return found[0]


def codes(problems: list[Problem]) -> list[str]:
    return [p.code for p in problems]


# ------------------------------------------------------------------------------ sample data


def test_sample_roster_reads_without_problems():
    roster = read_roster(SAMPLE / "roster.xlsx", S)
    assert roster.problems == []
    assert roster.file == "roster.xlsx"
    assert len(roster.cadres) == 40
    assert list(roster.cadres)[:2] == ["CB101", "CB102"]
    first = roster.cadres["CB101"]
    assert (first.full_name, first.body, first.provincial_committee_member) == (
        "Nguyễn Văn Đức",
        "TC",
        True,
    )
    assert first.row == 2
    assert roster.cadres["CB102"].provincial_committee_member is False
    moved = roster.cadres["CB121"]
    assert (moved.status, moved.left_on) == ("moved", date(2027, 7, 15))
    successor = roster.cadres["CB140"]
    assert (successor.predecessor_id, successor.appointed_on) == ("CB121", date(2027, 7, 15))
    assert {c.body for c in roster.cadres.values()} == set(S.bodies)


def test_sample_assignments_keep_every_row():
    roster = read_roster(SAMPLE / "roster.xlsx", S)
    result = read_assignments(SAMPLE / "assignments.xlsx", S, roster)
    assert result.problems == []
    wb = openpyxl.load_workbook(SAMPLE / "assignments.xlsx")
    data_rows = [r for r in wb.active.iter_rows(min_row=2, values_only=True) if any(r)]
    assert len(result.rows) == len(data_rows) == 64
    first = result.rows[0]
    assert (first.cadre_id, first.task_key, first.years, first.row) == ("CB101", "A1", 1, 2)
    assert first.assigned_on == date(2026, 12, 28)
    assert [a.task_key for a in result.for_cadre("CB101")] == ["A1", "A2", "B1"]
    assert result.for_cadre("CB101")[2].years == 5
    assert all(a.start_year <= 2027 <= a.end_year for a in result.active_in(2027))
    assert len(result.active_in(2027)) == 64
    assert [a.cadre_id for a in result.active_in(2025)] == ["CB115", "CB116"]
    # Inner line breaks are kept; the leading '=' is plain text.
    assert "\n" in result.for_cadre("CB121")[1].title
    assert result.for_cadre("CB128")[0].title.startswith("=Tăng")


# ------------------------------------------------------------------------------ headers, sheets


VN_ROSTER_HEAD = [
    "STT",
    "Mã cán bộ",
    "HỌ VÀ TÊN",
    "Chức vụ, chức danh",
    "Đơn vị",
    "Cơ quan thẩm định",
    "Tinh uy vien",
    "Trạng thái",
    "Ngày bổ nhiệm",
    "Mã người tiền nhiệm",
    "Ngày thôi giữ chức vụ",
    "Ghi chú",
]


def test_vietnamese_headers_roster(tmp_path):
    rows = [
        [1, "CB1", "Lê Văn A", "Giám đốc", "Sở Y tế", "ubnd", "x", "Đang công tác", None, None],
        [
            *(2, "CB2", "Lê Văn B", "Phó Giám đốc", "Sở Y tế", "UBND", "không"),
            *("chuyển công tác", None, None, date(2027, 7, 15), "chuyển sang tỉnh khác"),
        ],
        [
            *(3, "CB3", "Lê Văn C", "Giám đốc", "Sở Y tế"),
            *("Ban Cán sự đảng Ủy ban nhân dân tỉnh", "có", "", "15/07/2027", "CB2"),
        ],
    ]
    roster = roster_of(tmp_path, rows, VN_ROSTER_HEAD)
    assert roster.problems == []
    a, b, c = roster.cadres.values()
    assert (a.cadre_id, a.body, a.provincial_committee_member, a.status) == (
        "CB1",
        "UBND",
        True,
        "active",
    )
    assert (b.status, b.left_on, b.provincial_committee_member) == (
        "moved",
        date(2027, 7, 15),
        False,
    )
    assert (c.body, c.status, c.appointed_on, c.predecessor_id) == (
        "UBND",
        "active",
        date(2027, 7, 15),
        "CB2",
    )


def test_vietnamese_headers_assignments(tmp_path):
    head = [
        "Mã cán bộ",
        "Loại việc",
        "Số thứ tự việc",
        "Tên việc",
        "Năm bắt đầu",
        "Năm kết thúc",
        "Căn cứ",
        "Chỉ tiêu",
        "Ngày giao",
        "Chuyển tiếp từ",
        "Cột lạ",
    ]
    rows = [
        [
            *("CB1", "Theo năm", 1.0, "Việc một", "2027", None, "NQ 15", "100%"),
            *("2026-12-28", "A1/2026", "bỏ qua"),
        ],
        ["CB1", "giai đoạn", "2", "Việc hai", 2026.0, 2030, "", "", date(2026, 12, 28)],
        ["CB1", "b", 1, "Việc ba", 2027, 2028],
    ]
    result = assignments_of(tmp_path, rows, head)
    assert result.problems == []
    one, two, three = result.rows
    assert one == Assignment(
        "CB1", "A", 1, "Việc một", 2027, 2027, "NQ 15", "100%", date(2026, 12, 28), "A1/2026", 2
    )
    assert (two.task_key, two.years, two.assigned_on) == ("B2", 5, date(2026, 12, 28))
    assert (three.task_key, three.years, three.row) == ("B1", 2, 4)


def test_header_matching_ignores_case_diacritics_and_punctuation(tmp_path):
    head = ["MA CAN BO", "Họ  và tên (*)", "chuc vu chuc danh", "Cơ quan công tác:", "Body"]
    roster = roster_of(tmp_path, [cadre_row("CB1")], head)
    assert roster.problems == []
    assert list(roster.cadres) == ["CB1"]


def test_sheet_named_like_the_title_is_preferred(tmp_path):
    path = write_xlsx(
        tmp_path / "r.xlsx",
        [ROSTER_HEAD, cadre_row("CB9")],
        sheet="DANH SACH CAN BO",
        before=["Hướng dẫn"],
    )
    roster = read_roster(path, S)
    assert roster.problems == []
    assert list(roster.cadres) == ["CB9"]
    path = write_xlsx(tmp_path / "a.xlsx", [ASSIGN_HEAD, ["CB9", "A", 1, "V", 2027, 2027]])
    assert read_assignments(path, S).rows[0].cadre_id == "CB9"


def test_first_sheet_when_no_title_matches(tmp_path):
    wb = xlsxwriter.Workbook(str(tmp_path / "r.xlsx"))
    first = wb.add_worksheet("Trang 1")
    for c, value in enumerate(ROSTER_HEAD):
        first.write_string(0, c, value)
    for c, value in enumerate(cadre_row("CB1")):
        first.write_string(1, c, value)
    wb.add_worksheet("Trang 2").write_string(0, 0, "khác")
    wb.close()
    roster = read_roster(tmp_path / "r.xlsx", S)
    assert list(roster.cadres) == ["CB1"]


def test_table_may_start_below_and_right_blank_rows_are_skipped(tmp_path):
    rows = [ROSTER_HEAD, cadre_row("CB1"), [None] * 5, ["  ", "", None, "", ""]]
    rows += [cadre_row("CB2", body="")]
    path = write_xlsx(tmp_path / "r.xlsx", rows, first=(2, 1))
    roster = read_roster(path, S)
    assert [c.row for c in roster.cadres.values()] == [4]
    # Header in row 3 from column B: CB2 is in row 7 and its body in column F.
    p = only(roster.problems, "value_missing")
    assert (p.cell, p.sheet, p.file) == ("F7", "Sheet1", "r.xlsx")


def test_missing_column_is_reported_at_the_header_row(tmp_path):
    head = ["cadre_id", "full_name", "position", "body"]
    path = write_xlsx(tmp_path / "r.xlsx", [head, ["CB1", "A", "B", "TC"]], first=(1, 2))
    roster = read_roster(path, S)
    p = only(roster.problems, "column_missing")
    assert (p.cell, p.severity) == ("C2", ERROR)
    assert "Cơ quan công tác" in p.message
    assert roster.cadres == {}


def test_missing_assignment_columns(tmp_path):
    result = assignments_of(tmp_path, [["CB1", "A", 1]], ["cadre_id", "section", "task_no"])
    assert sorted(codes(result.problems)) == ["column_missing"] * 3
    assert {p.cell for p in result.problems} == {"A1"}
    assert result.rows == []


def test_duplicate_column_is_a_warning_and_the_first_is_used(tmp_path):
    head = [*ROSTER_HEAD, "Đơn vị"]
    roster = roster_of(tmp_path, [[*cadre_row("CB1"), "Khác"]], head)
    p = only(roster.problems, "duplicate_column")
    assert (p.cell, p.severity) == ("F1", WARNING)
    assert roster.cadres["CB1"].unit == "Sở Tài chính"


def test_empty_sheet_and_header_only(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [])
    roster = read_roster(path, S)
    assert codes(roster.problems) == ["table_empty"]
    assert roster.problems[0].cell == "A1"
    header_only = roster_of(tmp_path, [])
    assert codes(header_only.problems) == ["table_without_rows"]
    assert header_only.problems[0].severity == WARNING


# ------------------------------------------------------------------------------ roster errors


def test_required_roster_values(tmp_path):
    rows = [cadre_row("CB1"), cadre_row("", full_name="X"), cadre_row("CB3", position="  ")]
    roster = roster_of(tmp_path, rows)
    assert [(p.code, p.cell) for p in roster.problems] == [
        ("value_missing", "A3"),
        ("value_missing", "C4"),
    ]
    assert "Chức vụ, chức danh" in roster.problems[1].message
    assert list(roster.cadres) == ["CB1"]


def test_duplicate_cadre_id_reports_the_second_and_names_the_first(tmp_path):
    rows = [cadre_row("CB1"), cadre_row("CB2"), cadre_row(" CB1 ", full_name="Người khác")]
    roster = roster_of(tmp_path, rows)
    p = only(roster.problems, "duplicate_id")
    assert p.cell == "A4"
    assert "dòng 2" in p.message
    assert list(roster.cadres) == ["CB1", "CB2"]
    assert roster.cadres["CB1"].full_name == "Người CB1"


def test_unknown_body(tmp_path):
    rows = [cadre_row("CB1", body="XYZ"), cadre_row("CB2", body="ban dan van tinh uy")]
    roster = roster_of(tmp_path, rows)
    p = only(roster.problems, "unknown_body")
    assert (p.cell, p.value) == ("E2", "XYZ")
    assert "HDND" in p.hint
    assert roster.cadres["CB2"].body == "DV"


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("", "active"),
        ("active", "active"),
        ("MOVED", "moved"),
        ("nghỉ hưu", "retired"),
        ("Nghi huu", "retired"),
        ("xin nghỉ", "resigned"),
        ("dừng thực hiện", "stopped"),
        ("Chuyển công tác", "moved"),
    ],
)
def test_status_values(tmp_path, typed, status):
    roster = roster_of(tmp_path, [[*cadre_row("CB1"), typed]], [*ROSTER_HEAD, "status"])
    assert roster.problems == []
    assert roster.cadres["CB1"].status == status


def test_unknown_status_and_bad_flag(tmp_path):
    head = [*ROSTER_HEAD, "Trạng thái", "Tỉnh ủy viên"]
    rows = [
        [*cadre_row("CB1"), "đi học", ""],
        [*cadre_row("CB2"), "", "có lẽ"],
        [*cadre_row("CB3"), "", True],
        [*cadre_row("CB4"), "", 1],
        [*cadre_row("CB5"), "", "KHÔNG"],
    ]
    roster = roster_of(tmp_path, rows, head)
    assert [(p.code, p.cell) for p in roster.problems] == [
        ("unknown_status", "F2"),
        ("bad_flag", "G3"),
    ]
    assert "nghỉ hưu" in roster.problems[0].hint
    assert {k: c.provincial_committee_member for k, c in roster.cadres.items()} == {
        "CB3": True,
        "CB4": True,
        "CB5": False,
    }


def test_bad_dates_in_roster(tmp_path):
    head = [*ROSTER_HEAD, "appointed_on", "left_on"]
    rows = [
        [*cadre_row("CB1"), "31/02/2027", None],
        [*cadre_row("CB2"), None, "tháng 7"],
        [*cadre_row("CB3"), "1/3/2027", "2027-07-15"],
        [*cadre_row("CB4"), date(2027, 3, 1), 46000],
    ]
    roster = roster_of(tmp_path, rows, head)
    assert [(p.code, p.cell) for p in roster.problems] == [
        ("bad_date", "F2"),
        ("bad_date", "G3"),
        ("bad_date", "G5"),
    ]
    assert "Ngày bổ nhiệm" in roster.problems[0].message
    assert roster.cadres["CB3"].appointed_on == date(2027, 3, 1)
    assert roster.cadres["CB3"].left_on == date(2027, 7, 15)
    assert list(roster.cadres) == ["CB3"]


def test_predecessor_not_on_roster_is_a_warning(tmp_path):
    head = [*ROSTER_HEAD, "predecessor_id"]
    rows = [[*cadre_row("CB1"), "CB2"], [*cadre_row("CB2"), "CB99"]]
    roster = roster_of(tmp_path, rows, head)
    p = only(roster.problems, "predecessor_not_on_roster")
    assert (p.cell, p.severity, p.value) == ("F3", WARNING, "CB99")
    assert list(roster.cadres) == ["CB1", "CB2"]


def test_numeric_ids_and_nfd_text_become_nfc(tmp_path):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    unit = unicodedata.normalize("NFD", "Sở Xây dựng")
    roster = roster_of(tmp_path, [[101, nfd, "Giám đốc", unit, "UBND"]])
    cadre = roster.cadres["101"]
    assert cadre.full_name == "Nguyễn Thị Ánh"
    assert unicodedata.is_normalized("NFC", cadre.full_name)
    assert cadre.unit == unicodedata.normalize("NFC", unit)


# ------------------------------------------------------------------------------ assignment errors


def test_assignment_for_cadre_not_on_roster(tmp_path):
    roster = roster_of(tmp_path, [cadre_row("CB1")])
    rows = [["CB1", "A", 1, "V", 2027, 2027], ["CB7", "A", 1, "V", 2027, 2027]]
    result = assignments_of(tmp_path, rows, roster=roster)
    p = only(result.problems, "cadre_not_on_roster")
    assert (p.cell, p.file, p.value) == ("A3", "giao.xlsx", "CB7")
    assert [a.cadre_id for a in result.rows] == ["CB1"]
    # Without a roster nothing is checked.
    assert len(assignments_of(tmp_path, rows).rows) == 2


def test_period_length_not_allowed(tmp_path):
    rows = [
        ["CB1", "B", 1, "Sáu năm", 2025, 2030],
        ["CB1", "B", 2, "Một năm", 2027, 2027],
        ["CB1", "B", 3, "Năm năm", 2026, 2030],
    ]
    result = assignments_of(tmp_path, rows)
    assert [(p.code, p.cell, p.value) for p in result.problems] == [
        ("bad_period_length", "F2", "6"),
        ("bad_period_length", "F3", "1"),
    ]
    assert "2, 3, 4, 5" in result.problems[0].message
    assert [a.task_key for a in result.rows] == ["B3"]


def test_annual_task_spanning_years_and_blank_end(tmp_path):
    rows = [
        ["CB1", "A", 1, "Hai năm", 2027, 2028],
        ["CB1", "A", 2, "Không ghi năm kết thúc", 2027, None],
    ]
    result = assignments_of(tmp_path, rows)
    p = only(result.problems, "annual_task_spans_years")
    assert p.cell == "F2"
    assert [(a.task_key, a.end_year) for a in result.rows] == [("A2", 2027)]


def test_end_before_start_and_period_without_end(tmp_path):
    rows = [
        ["CB1", "B", 1, "Ngược", 2028, 2026],
        ["CB1", "B", 2, "Thiếu năm kết thúc", 2027, None],
        ["CB1", "B", 3, "Đúng", 2027, 2028],
    ]
    result = assignments_of(tmp_path, rows)
    assert [(p.code, p.cell) for p in result.problems] == [
        ("end_before_start", "F2"),
        ("value_missing", "F3"),
    ]
    assert [a.task_key for a in result.rows] == ["B3"]


def test_duplicate_task(tmp_path):
    rows = [
        ["CB1", "A", 1, "Một", 2027, 2027],
        ["CB1", "B", 1, "Khác loại", 2027, 2028],
        ["CB2", "A", 1, "Khác người", 2027, 2027],
        ["CB1", "a", 1.0, "Trùng", 2027, 2027],
    ]
    result = assignments_of(tmp_path, rows)
    p = only(result.problems, "duplicate_task")
    assert (p.cell, p.value) == ("C5", "A1")
    assert [a.title for a in result.rows] == ["Một", "Khác loại", "Khác người"]


def test_task_no_section_and_integer_errors(tmp_path):
    rows = [
        ["CB1", "A", 0, "Số 0", 2027, 2027],
        ["CB1", "C", 1, "Loại lạ", 2027, 2027],
        ["CB1", "A", 1.5, "Số lẻ", 2027, 2027],
        ["CB1", "A", 2, "Năm chữ", "năm 2027", 2027],
        ["CB1", "A", 3, "Năm hai số", 27, 27],
        ["CB1", "A", 4, "", 2027, 2027],
        ["CB1", "A", 5, "Đúng", "2027", 2027.0],
    ]
    result = assignments_of(tmp_path, rows)
    assert [(p.code, p.cell) for p in result.problems] == [
        ("bad_task_no", "C2"),
        ("unknown_section", "B3"),
        ("bad_integer", "C4"),
        ("bad_integer", "E5"),
        ("bad_year", "E6"),
        ("bad_year", "F6"),
        ("value_missing", "D7"),
    ]
    assert "Năm bắt đầu" in result.problems[3].message
    assert [(a.task_key, a.start_year, a.end_year) for a in result.rows] == [("A5", 2027, 2027)]


def test_assignment_dates_text_and_excel(tmp_path):
    head = [*ASSIGN_HEAD, "assigned_on"]
    rows = [
        ["CB1", "A", 1, "Excel", 2027, 2027, date(2026, 12, 28)],
        ["CB1", "A", 2, "Chữ", 2027, 2027, "28/12/2026"],
        ["CB1", "A", 3, "ISO", 2027, 2027, "2026-12-28"],
        ["CB1", "A", 4, "Sai", 2027, 2027, "28/13/2026"],
    ]
    result = assignments_of(tmp_path, rows, head)
    assert [a.assigned_on for a in result.rows] == [date(2026, 12, 28)] * 3
    assert [(p.code, p.cell, p.value) for p in result.problems] == [
        ("bad_date", "G5", "28/13/2026")
    ]


def test_section_words(tmp_path):
    rows = [
        ["CB1", "năm", 1, "V", 2027, 2027],
        ["CB1", "Việc theo năm", 2, "V", 2027, 2027],
        ["CB1", "Theo giai đoạn", 1, "V", 2027, 2028],
        ["CB1", "GIAI DOAN", 2, "V", 2027, 2029],
    ]
    result = assignments_of(tmp_path, rows)
    assert result.problems == []
    assert [a.task_key for a in result.rows] == ["A1", "A2", "B1", "B2"]


# ------------------------------------------------------------------------------ sources


def test_bytesio_source(tmp_path):
    data = (SAMPLE / "roster.xlsx").read_bytes()
    roster = read_roster(io.BytesIO(data), S)
    assert len(roster.cadres) == 40
    assert roster.file == "<bytes>"
    named = read_roster(io.BytesIO(data), S, name="gui-len.xlsx")
    assert named.file == "gui-len.xlsx"
    result = read_assignments(
        io.BytesIO((SAMPLE / "assignments.xlsx").read_bytes()), S, roster, name="giao.xlsx"
    )
    assert len(result.rows) == 64
    assert result.problems == []


def test_problems_name_the_bytes_source(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [ROSTER_HEAD, cadre_row("CB1", body="?")])
    roster = read_roster(io.BytesIO(path.read_bytes()), S)
    p = only(roster.problems, "unknown_body")
    assert (p.file, p.sheet, p.cell) == ("<bytes>", "Sheet1", "E2")


@pytest.mark.parametrize(
    "make",
    [
        lambda tmp: tmp / "khong-co.xlsx",
        lambda tmp: (tmp / "ghi-chu.xlsx").write_text("không phải excel") and tmp / "ghi-chu.xlsx",
        lambda tmp: io.BytesIO(b"PK\x03\x04 broken zip"),
        lambda tmp: io.BytesIO(b""),
    ],
)
def test_unreadable_file_gives_one_problem(tmp_path, make):
    source = make(tmp_path)
    roster = read_roster(source, S)
    assert codes(roster.problems) == ["file_unreadable"]
    assert roster.cadres == {}
    result = read_assignments(make(tmp_path), S)
    assert codes(result.problems) == ["file_unreadable"]
    assert result.rows == []


def test_file_larger_than_the_limit_is_unreadable(tmp_path):
    from dataclasses import replace

    small = replace(S, limits=replace(S.limits, max_file_bytes=100))
    roster = read_roster(SAMPLE / "roster.xlsx", small)
    p = only(roster.problems, "file_unreadable")
    assert p.file == "roster.xlsx"
    assert "lớn" in p.message


def test_column_letter():
    assert [column_letter(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_roster_and_assignments_typed_in_tcvn3_are_converted_with_a_warning(tmp_path):
    # The same hook as for the forms' typed cells: a name typed with a TCVN3 font comes back in
    # Unicode, with a warning naming the cell; the row is kept.
    roster = roster_of(tmp_path, [cadre_row("CB101", full_name="TrÇn ThÞ Hµ", unit="Hµ Néi")])
    cadre = roster.cadres["CB101"]
    assert (cadre.full_name, cadre.unit) == ("Trần Thị Hà", "Hà Nội")
    found = [p for p in roster.problems if p.code == "legacy_encoding_tcvn3"]
    assert [(p.severity, p.cell, p.file) for p in found] == [
        (WARNING, "B2", "roster.xlsx"),
        (WARNING, "D2", "roster.xlsx"),
    ]
    table = assignments_of(tmp_path, [["CB101", "A", 1, "Sè ho¸ hå s¬", 2027, 2027]], roster=roster)
    assert [a.title for a in table.rows] == ["Số hoá hồ sơ"]
    assert only(table.problems, "legacy_encoding_tcvn3").cell == "D2"
