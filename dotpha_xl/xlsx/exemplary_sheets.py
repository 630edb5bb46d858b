"""The sheets of Art. 9.2 (records/exemplary.py), written with the one review mechanism
(xlsx/review.py): the body's blank proposal rows, and the summary's decision on each proposal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dotpha_xl.records.exemplary import (
    AGREED,
    DECISION_SHEET,
    DECISIONS,
    EXEMPLARY_SHEET,
    KINDS,
    Exemplary,
    row_keys,
)
from dotpha_xl.xlsx.review import ReviewColumn, ReviewPage, ReviewRow, ReviewTable
from dotpha_xl.xlsx.review import write_review_sheet as _write

PROPOSAL_COLUMNS = (
    ReviewColumn("stt", "STT", 5, kind="center"),
    ReviewColumn("kind", "Tập thể / cá nhân", 11, True, KINDS, kind="center"),
    ReviewColumn("name", "Tên tập thể (đơn vị) hoặc họ và tên cá nhân", 28, True),
    ReviewColumn("unit", "Cơ quan, đơn vị; chức vụ (cá nhân)", 24, True),
    ReviewColumn(
        "reason", "Thành tích tiêu biểu trong thực hiện Quy định, lý do đề nghị", 52, True
    ),
)

DECISION_COLUMNS = (
    ReviewColumn("stt", "STT", 5, kind="center"),
    ReviewColumn("body", "Cơ quan đề nghị", 18),
    ReviewColumn("kind", "Tập thể / cá nhân", 10, kind="center"),
    ReviewColumn("name", "Tên tập thể hoặc cá nhân", 22),
    ReviewColumn("unit", "Cơ quan, đơn vị", 18),
    ReviewColumn("reason", "Thành tích, lý do đề nghị", 34),
    ReviewColumn("decided", "Quyết định", 11, True, DECISIONS, kind="center"),
    ReviewColumn("decision_reason", "Lý do (khi không đồng ý)", 20, True),
)


def write_proposal_sheet(book: Any, body_name: str, period_label: str) -> dict[str, Any]:
    """The body's sheet of Art. 9.2 proposals: blank editable rows; its pre-filled content."""
    page = ReviewPage(
        title="ĐỀ NGHỊ BIỂU DƯƠNG, KHEN THƯỞNG TẬP THỂ, CÁ NHÂN TIÊU BIỂU TRONG THỰC HIỆN QUY ĐỊNH",
        subtitle=(body_name.upper(), period_label),
        notes=(
            "Điều 9.2: cơ quan thẩm định đề xuất biểu dương, khen thưởng tập thể, cá nhân tiêu "
            "biểu trong thực hiện Quy định (ngoài cán bộ hoàn thành xuất sắc việc đột phá, đổi "
            "mới). Mỗi dòng một đề nghị: chọn Tập thể hoặc Cá nhân, ghi tên, đơn vị và thành "
            "tích, lý do; để trống các dòng không dùng.",
        ),
    )
    rows = [ReviewRow(key, {"stt": n}) for n, key in enumerate(row_keys(), start=1)]
    table = ReviewTable(PROPOSAL_COLUMNS, rows, min_lines=2)
    return _write(book, None, EXEMPLARY_SHEET, page, table)


def write_decision_sheet(
    book: Any, proposals: Sequence[Exemplary], bodies: dict[str, str], period_label: str
) -> dict[str, Any]:
    """The summary's sheet where the Committee decides on each proposal (pre-filled Đồng ý)."""
    page = ReviewPage(
        title="TẬP THỂ, CÁ NHÂN TIÊU BIỂU TRONG THỰC HIỆN QUY ĐỊNH DO CÁC CƠ QUAN ĐỀ NGHỊ "
        "(ĐIỀU 9.2)",
        subtitle=(period_label,),
        notes=(
            "Quyết định được điền sẵn Đồng ý; nếu Ban Thường vụ không đồng ý thì chọn Không "
            "đồng ý và ghi lý do.",
        ),
    )
    rows = [
        ReviewRow(
            p.key,
            {
                "stt": n,
                "body": bodies.get(p.body, p.body),
                "kind": p.kind,
                "name": p.name,
                "unit": p.unit,
                "reason": p.reason,
                "decided": p.decided or AGREED,
                "decision_reason": p.decision_reason,
            },
        )
        for n, p in enumerate(proposals, start=1)
    ]
    table = ReviewTable(DECISION_COLUMNS, rows, empty="Không có đề nghị nào.")
    return _write(book, None, DECISION_SHEET, page, table)
