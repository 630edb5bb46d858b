"""The seeded filler's part for the assignment cycle (registrations, proposals, decision): it plays
the cadres, a reviewing body and the Standing Committee's secretariat through the key contract
alone (``find_contract``), like an outside tool.  Not for users.

Scenarios: ``REGISTRATION_SCENARIOS`` (one late, one missing), a body rewording a task
(``PROPOSAL_EDITS``) and adding one nobody registered (``BODY_ADDS``), the Committee declining one
task, rewording another and adding one (``COMMITTEE_ADDS``).
"""

from __future__ import annotations

import os
import random
from datetime import datetime
from pathlib import Path

import openpyxl

from dotpha_demo.filler import WORK, _workbooks, cadre_of, find_contract

REGISTRATION_SCENARIOS: dict[str, str] = {"CB109": "missing", "CB107": "late"}

TITLES = (
    "Số hoá toàn bộ hồ sơ, quy trình nghiệp vụ của cơ quan",
    "Rút ngắn 30% thời gian giải quyết thủ tục hành chính",
    "Xây dựng mô hình \u201cDân vận khéo\u201d ở 100% xã, phường",
    "Thu hút đầu tư vào khu công nghiệp phía Nam",
    "Chuyển đổi số trong công tác kiểm tra, giám sát",
)
BASES = (
    "Nghị quyết số 15-NQ/TU của Ban Chấp hành Đảng bộ tỉnh",
    "Kết luận số 08-KL/TU của Ban Thường vụ Tỉnh ủy",
    "Chương trình hành động số 12-CTr/TU",
)
TARGETS = (
    "100% hồ sơ được số hoá;\nphần mềm vận hành từ quý III",
    "Thời gian giải quyết giảm 30%;\nkhông có hồ sơ trễ hạn",
    "Ít nhất 20 mô hình được công nhận",
)

#: The roadmap of a registered task (Art. 4.1), chosen from the row, not drawn (the seeded draws
#: of the other cells stay as they were).
ROADMAPS = (
    "Quý I: xây dựng kế hoạch; quý II–III: triển khai; quý IV: sơ kết, đánh giá",
    "6 tháng đầu năm: thí điểm; 6 tháng cuối năm: nhân rộng",
)

#: (body code, task number among the body's rows) -> new proposed title.
PROPOSAL_EDITS: dict[str, str] = {"TC": "CB101:A1"}
PROPOSED_TITLE = "Số hoá 100% hồ sơ đảng viên và kết nối cơ sở dữ liệu quốc gia"
#: The blank new-task row a body fills (Art. 4.2 e), and what it writes there.
BODY_ADDS = "CB101:new1"
BODY_TITLE = "Xây dựng cơ sở dữ liệu cán bộ diện Ban Thường vụ quản lý"
#: The blank new-task row the Committee fills (Art. 4.3, 2.5), and what it writes there.
COMMITTEE_ADDS = "CB104:new1"
COMMITTEE_TITLE = "Hoàn thành chuyển đổi số cấp xã trên địa bàn huyện"
#: Row keys the Committee declines and rewords.
DECLINE = "CB102:A2"
REWORD = "CB103:A1"
DECIDED_TITLE = "Cải cách thủ tục tiếp nhận hồ sơ theo cơ chế một cửa liên thông"


def _sheet(book: openpyxl.Workbook) -> openpyxl.worksheet.worksheet.Worksheet:
    return next(s for s in book.worksheets if s.title != "_meta" and s.sheet_state == "visible")


def fill_registration(source: Path, target: Path, rng: random.Random, year: int) -> None:
    book = openpyxl.load_workbook(source)
    c = find_contract(_sheet(book))
    sheet, col = c.sheet, c.columns
    sheet.cell(c.rows["field"], col["title"]).value = rng.choice(WORK)
    for n in range(1, rng.choice((2, 2, 3)) + 1):
        key = f"A{n}"
        if key not in c.rows:
            break
        r = c.rows[key]
        sheet.cell(r, col["title"]).value = rng.choice(TITLES)
        sheet.cell(r, col["basis"]).value = rng.choice(BASES)
        sheet.cell(r, col["targets"]).value = rng.choice(TARGETS)
        if "roadmap" in col:
            sheet.cell(r, col["roadmap"]).value = ROADMAPS[n % 2]
    if rng.random() < 0.3 and "B1" in c.rows and "choice" not in col:
        r = c.rows["B1"]
        sheet.cell(r, col["title"]).value = rng.choice(TITLES)
        sheet.cell(r, col["basis"]).value = rng.choice(BASES)
        sheet.cell(r, col["targets"]).value = rng.choice(TARGETS)
        sheet.cell(r, col["start_year"]).value = year
        sheet.cell(r, col["end_year"]).value = year + 2
        if "roadmap" in col:
            sheet.cell(r, col["roadmap"]).value = ROADMAPS[0]
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)


def fill_registrations(
    folder: Path, out: Path, year: int, seed: int = 2027, scenarios: dict[str, str] | None = None
) -> list[Path]:
    """Fill every registration; file times say when each was received (before 15/11 of Y−1,
    or after it for the late one)."""
    scenarios = REGISTRATION_SCENARIOS if scenarios is None else scenarios
    written = []
    for path in _workbooks(folder):
        scenario = scenarios.get(cadre_of(path), "")
        if scenario == "missing":
            continue
        target = out / path.name
        fill_registration(path, target, random.Random(f"{seed}:{path.name}"), year)
        when = datetime(year - 1, 11, 20 if scenario == "late" else 10, 9, 30)
        os.utime(target, (when.timestamp(), when.timestamp()))
        written.append(target)
    return written


def _write(c, key: str, prefix: str, title: str, targets: str, year: int = 2027) -> None:
    """Fill a new-task row (an annual task of ``year``) through its column keys."""
    r = c.rows[key]
    c.sheet.cell(r, c.columns[f"{prefix}_title"]).value = title
    c.sheet.cell(r, c.columns[f"{prefix}_targets"]).value = targets
    c.sheet.cell(r, c.columns[f"{prefix}_section"]).value = "năm"
    c.sheet.cell(r, c.columns[f"{prefix}_start_year"]).value = year
    c.sheet.cell(r, c.columns[f"{prefix}_end_year"]).value = year


def edit_proposals(folder: Path, out: Path) -> list[Path]:
    """A body rewords one task (``PROPOSAL_EDITS``); every other row is left as pre-filled."""
    written = []
    for path in _workbooks(folder):
        book = openpyxl.load_workbook(path)
        c = find_contract(_sheet(book))
        for key in PROPOSAL_EDITS.values():
            if key in c.rows:
                r = c.rows[key]
                c.sheet.cell(r, c.columns["proposed_title"]).value = PROPOSED_TITLE
                c.sheet.cell(r, c.columns["proposal_note"]).value = "Mở rộng phạm vi"
        if BODY_ADDS in c.rows:
            _write(c, BODY_ADDS, "proposed", BODY_TITLE, "100% hồ sơ cán bộ được cập nhật")
            c.sheet.cell(c.rows[BODY_ADDS], c.columns["proposal_note"]).value = "Đề xuất thêm"
        target = out / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        book.save(target)
        written.append(target)
    return written


def edit_decision(source: Path, target: Path) -> Path:
    """The Committee declines one task and rewords another."""
    book = openpyxl.load_workbook(source)
    c = find_contract(_sheet(book))
    if DECLINE in c.rows:
        c.sheet.cell(c.rows[DECLINE], c.columns["decision"]).value = "không giao"
    if REWORD in c.rows:
        c.sheet.cell(c.rows[REWORD], c.columns["decided_title"]).value = DECIDED_TITLE
    if COMMITTEE_ADDS in c.rows:
        _write(c, COMMITTEE_ADDS, "decided", COMMITTEE_TITLE, "100% xã có dịch vụ công trực tuyến")
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target
