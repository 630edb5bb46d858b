"""The ratings tables of Art. 7.3, written with the one review mechanism (xlsx/review.py).

* ``write_ratings_sheet``: the "Xếp loại" sheet of the summary workbook: per body, every rated
  task with its computed, self and proposed rating (locked) and the editable ``decided_rating``
  (dropdown, pre-filled with the proposal) and ``decision_reason``.
* ``write_final_ratings``: the final ratings workbook (form ``ratings``): the four ratings side by
  side, a marker where one departs from the one before it, the commendation list following the
  decided ratings (Art. 9) and the problems found.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dotpha_xl.domain.ratings import LEVEL_NAMES, LEVELS
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.records.ratings import RATINGS_SHEET, FinalRatings, RatingRow
from dotpha_xl.xlsx.review import (
    ExtraSheet,
    ReviewBook,
    ReviewColumn,
    ReviewPage,
    ReviewRow,
    ReviewTable,
    write_review,
    write_review_sheet,
)

CHOICES: tuple[str, ...] = tuple(reversed(LEVELS))  # HTXS, HTT, HT, KHT
LEGEND = "; ".join(f"{code}: {LEVEL_NAMES[code]}" for code in CHOICES) + "."


def _columns(decided_editable: bool) -> tuple[ReviewColumn, ...]:
    return (
        ReviewColumn("stt", "STT", 5, kind="center"),
        ReviewColumn("full_name", "Cán bộ", 18),
        ReviewColumn("task_key", "Mã việc", 6, kind="center"),
        ReviewColumn("title", "Tên việc đột phá, đổi mới", 30),
        ReviewColumn("rating", "Tính toán", 9, kind="center"),
        # a period task's final year: the year's own rating beside the period's (R30)
        ReviewColumn("rating_year", "Riêng năm (việc giai đoạn)", 10, kind="center"),
        ReviewColumn("self_rating", "Tự nhận", 8, kind="center"),
        ReviewColumn("proposed_rating", "Mức đề xuất", 9, kind="center"),
        ReviewColumn("proposal_reason", "Lý do đề xuất", 20),
        ReviewColumn(
            "decided_rating",
            "Mức quyết định",
            10,
            decided_editable,
            CHOICES if decided_editable else (),
            kind="center",
        ),
        ReviewColumn("decision_reason", "Lý do quyết định", 20, decided_editable),
    )


GROUPS = (
    ("rating", "self_rating", "Kết quả"),
    ("proposed_rating", "proposal_reason", "Cơ quan thẩm định đề xuất"),
    ("decided_rating", "decision_reason", "Ban Thường vụ quyết định"),
)


def _table(rows: Sequence[RatingRow], settings: Settings, *, final: bool) -> ReviewTable:
    names = settings.bodies
    table: list[ReviewRow] = []
    body = None
    for n, r in enumerate(rows, start=1):
        heading = ""
        if r.body != body:
            body = r.body
            name = names.get(body, body) or "Không rõ cơ quan thẩm định"
            heading = f"{name.upper()} ({body})" if body else name.upper()
        marked: set[str] = set()
        if r.proposed != r.computed:
            marked.add("proposed_rating")
        if final and r.decided != r.proposed:
            marked.add("decided_rating")
        table.append(
            ReviewRow(
                r.key,
                {
                    "stt": n,
                    "full_name": f"{r.full_name}\n{r.cadre_id}" if r.full_name else r.cadre_id,
                    "task_key": "" if r.is_cadre else r.task_key,
                    "title": r.title,
                    "rating": r.computed,
                    "rating_year": r.year_rating,
                    "self_rating": r.self_rating,
                    "proposed_rating": r.proposed,
                    "proposal_reason": r.proposal_reason,
                    "decided_rating": r.decided if final else r.proposed,
                    "decision_reason": r.decision_reason,
                },
                heading=heading,
                marked=frozenset(marked),
            )
        )
    return ReviewTable(
        _columns(decided_editable=not final), table, GROUPS, empty="Không có việc được xếp loại."
    )


def write_ratings_sheet(
    book: Any, rows: Sequence[RatingRow], settings: Settings, period_label: str
) -> dict[str, Any]:
    """The summary's "Xếp loại" sheet; returns its pre-filled content (for ``_meta``)."""
    page = ReviewPage(
        title="XẾP LOẠI VIỆC ĐỘT PHÁ, ĐỔI MỚI: ĐỀ XUẤT VÀ QUYẾT ĐỊNH",
        subtitle=(period_label,),
        notes=(
            "Mức quyết định được điền sẵn theo mức cơ quan thẩm định đề xuất; nếu Ban Thường vụ "
            "quyết định khác thì chọn mức khác và ghi lý do (Điều 7.3). Ô tô màu: mức đề xuất "
            "khác mức tính toán.",
            LEGEND,
        ),
    )
    return write_review_sheet(book, None, RATINGS_SHEET, page, _table(rows, settings, final=False))


def _signature(settings: Settings):
    doc = settings.document

    def closing(sheet: Any, fmt: Any, row: int, last: int) -> int:
        middle = last // 2 + 1
        for i, text in ((0, doc.signer_on_behalf), (1, doc.signer_title), (6, doc.signer_name)):
            sheet.merge_range(row + i, middle, row + i, last, text, fmt["signature"])
        return row + 7

    return closing


PERSON = (
    ReviewColumn("stt", "STT", 5, kind="center"),
    ReviewColumn("cadre_id", "Mã cán bộ", 9, kind="center"),
    ReviewColumn("full_name", "Họ và tên", 20),
    ReviewColumn("position", "Chức vụ", 26),
    ReviewColumn("task_key", "Mã việc", 7, kind="center"),
    ReviewColumn("title", "Tên việc đột phá, đổi mới", 34),
    ReviewColumn("rating", "Xếp loại tính toán", 10, kind="center"),
    ReviewColumn("decided_rating", "Xếp loại quyết định", 11, kind="center"),
)

EXEMPLARY_COLUMNS = (
    ReviewColumn("stt", "STT", 5, kind="center"),
    ReviewColumn("body", "Cơ quan đề nghị", 18),
    ReviewColumn("kind", "Tập thể / cá nhân", 10, kind="center"),
    ReviewColumn("name", "Tên tập thể hoặc cá nhân", 22),
    ReviewColumn("unit", "Cơ quan, đơn vị", 18),
    ReviewColumn("reason", "Thành tích, lý do đề nghị", 32),
    ReviewColumn("decided", "Quyết định", 11, kind="center"),
    ReviewColumn("decision_reason", "Lý do", 18),
)

PROBLEM_COLUMNS = (
    ReviewColumn("stt", "STT", 5, kind="center"),
    ReviewColumn("file", "Tệp", 30),
    ReviewColumn("place", "Vị trí", 16),
    ReviewColumn("code", "Mã lỗi", 22),
    ReviewColumn("message", "Nội dung", 60),
)


def write_final_ratings(ratings: FinalRatings, settings: Settings) -> bytes:
    """The final ratings workbook (form ``ratings``): nothing in it is meant to be edited."""
    page = ReviewPage(
        title="KẾT QUẢ XẾP LOẠI VIỆC ĐỘT PHÁ, ĐỔI MỚI",
        subtitle=("của cán bộ thuộc diện Ban Thường vụ Tỉnh ủy quản lý — " + ratings.period_label,),
        document=settings.document,
        landscape=True,
        notes=(
            "Ô tô màu: mức đề xuất khác mức tính toán, hoặc mức quyết định khác mức đề xuất. "
            "Biểu dương, khen thưởng (Điều 9) theo mức Ban Thường vụ quyết định.",
            LEGEND,
        ),
        closing=_signature(settings),
    )
    commended = [
        (
            r.key,
            [n, r.cadre_id, r.full_name, r.position, r.task_key, r.title, r.computed, r.decided],
        )
        for n, r in enumerate(ratings.commendation, start=1)
    ]
    exemplary = [
        (e.key, [n, settings.bodies.get(e.body, e.body), e.kind, e.name, e.unit, e.reason,
                 e.decided, e.decision_reason])
        for n, e in enumerate(ratings.exemplary, start=1)
    ]  # fmt: skip
    problems = [
        (
            f"#{n}",
            [
                n,
                p.file,
                " › ".join(x for x in (p.sheet, p.cell) if x),
                p.code,
                p.message + (f" → {p.hint}" if p.hint else ""),
            ],
        )
        for n, p in enumerate(ratings.problems, start=1)
    ]
    spec = ReviewBook(
        form="ratings",
        meta={"period": ratings.period},
        page=page,
        table=_table(ratings.rows, settings, final=True),
        extra=[
            ExtraSheet(
                "Khen thưởng",
                "ĐỀ NGHỊ BIỂU DƯƠNG, KHEN THƯỞNG (ĐIỀU 9): VIỆC BAN THƯỜNG VỤ QUYẾT ĐỊNH "
                "XẾP LOẠI HOÀN THÀNH XUẤT SẮC",
                PERSON,
                commended,
                empty="Không có trường hợp nào.",
            ),
            ExtraSheet(
                "Tiêu biểu",
                "TẬP THỂ, CÁ NHÂN TIÊU BIỂU TRONG THỰC HIỆN QUY ĐỊNH (ĐIỀU 9.2): "
                "BAN THƯỜNG VỤ QUYẾT ĐỊNH",
                EXEMPLARY_COLUMNS,
                exemplary,
                empty="Không có đề nghị nào.",
            ),
            ExtraSheet(
                "Vấn đề",
                "CÁC VẤN ĐỀ CẦN XỬ LÝ TRƯỚC KHI CHỐT KẾT QUẢ",
                PROBLEM_COLUMNS,
                problems,
                empty="Không có vấn đề nào.",
            ),
        ],
    )
    return write_review(spec)
