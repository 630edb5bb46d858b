"""The Organisation Board's general summary of the proposals for the Standing Committee (Art. 4.2 đ)
and the assignments table made from the Committee's decision (Art. 4.3).

``write_decision`` reads every body's proposals workbook back (``read_review``) and writes one
review workbook: per body, every cadre and task with the registered and the proposed wording side
by side, a marker where they differ, and the editable ``decision`` (``giao`` / ``không giao``) and
decided wording, pre-filled from the proposals.  ``write_assignments`` reads the decision back and
writes the ``Giao việc`` table that ``template plan`` reads, with the origin of every wording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from dotpha_xl.domain.periods import year_at_fault
from dotpha_xl.kernel.problems import Problem, has_errors, not_in_year, problem
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.steps.proposals import SECTION_WORDS
from dotpha_xl.store.atomic import check_output_outside_inputs, write_bytes_atomic
from dotpha_xl.xlsx.review import (
    ExtraSheet,
    ReviewBook,
    ReviewColumn,
    ReviewPage,
    ReviewRow,
    ReviewTable,
    new_task_key,
    write_review,
)
from dotpha_xl.xlsx.review_reader import Reviewed, ReviewedRow, read_review
from dotpha_xl.xlsx.tables import read_assignments, read_roster

GIVE, DECLINE = "giao", "không giao"
DIFFERS = "≠"

DECISION_COLUMNS: tuple[ReviewColumn, ...] = (
    ReviewColumn("stt", "STT", 5, kind="center"),
    ReviewColumn("full_name", "Cán bộ", 16),
    ReviewColumn("task_key", "Mã việc", 6, kind="center"),
    ReviewColumn("title", "Tên việc", 24),
    ReviewColumn("targets", "Chỉ tiêu", 22),
    ReviewColumn("proposed_title", "Tên việc", 24),
    ReviewColumn("proposed_targets", "Chỉ tiêu", 22),
    ReviewColumn("proposed_years", "Thời gian", 10, kind="center"),
    ReviewColumn("proposal_note", "Ý kiến", 16),
    ReviewColumn("differs", "Khác đăng ký", 7, kind="center"),
    ReviewColumn("decision", "Quyết định", 11, True, (GIVE, DECLINE)),
    ReviewColumn("decided_title", "Tên việc giao", 24, True),
    ReviewColumn("decided_targets", "Chỉ tiêu giao", 22, True),
    ReviewColumn("decided_section", "Loại việc", 10, True, tuple(SECTION_WORDS.values())),
    ReviewColumn("decided_start_year", "Từ năm", 7, True, kind="int"),
    ReviewColumn("decided_end_year", "Đến năm", 7, True, kind="int"),
)
DECISION_GROUPS = (
    ("title", "targets", "Cán bộ đăng ký"),
    ("proposed_title", "proposal_note", "Cơ quan thẩm định đề xuất"),
    ("decision", "decided_end_year", "Ban Thường vụ quyết định"),
)


#: Where a task came from (``origin`` in the assignments table and the plan's ``_meta``).
REGISTRATION, BODY, COMMITTEE, CARRIED = "registration", "body", "committee", "carried"
#: The locked texts of a task nobody registered: the body's (in the decision's registered
#: column) and the row offered under each cadre's tasks for one the Committee adds.
NOT_REGISTERED_TITLE = "(Không đăng ký: cơ quan thẩm định đề xuất thêm)"
NEW_ROW_TITLE = "(Ban Thường vụ giao thêm việc, nếu có: ghi ở các cột nền vàng)"
NEW_ROW_INPUTS = (
    "decision",
    "decided_title",
    "decided_targets",
    "decided_section",
    "decided_start_year",
    "decided_end_year",
)


@dataclass(frozen=True)
class NewTask:
    """A task a row adds beside the registered ones (Art. 4.2 e, 4.3, 2.5)."""

    section: str
    title: str
    targets: str
    start_year: int
    end_year: int


def read_new_task(
    found: Reviewed, row: ReviewedRow, prefix: str, settings: Settings, who: str, year: int
) -> tuple[NewTask | None, list[Problem]]:
    """The new task a row gives, read from its columns ``{prefix}_title``, ``_targets``,
    ``_section``, ``_start_year``, ``_end_year``: ``None`` when they are all blank; every missing
    or wrong part is a problem at its cell (``who`` names the cadre), a task that does not run
    in ``year`` (the proposals' and the decision's year; ``domain.periods.runs_in``, as in the
    registrations) included."""
    names = {p: f"{prefix}_{p}" for p in ("title", "targets", "section", "start_year", "end_year")}
    if row.is_blank(list(names.values())):
        return None, []
    v = row.values
    out: list[Problem] = []

    def at(part: str) -> dict[str, str]:
        return {"file": found.file, "sheet": found.sheet, "cell": row.cells.get(names[part], "")}

    def missing(part: str, words: str) -> None:
        out.append(problem("new_task_incomplete", value=who, field=words).at(**at(part)))

    title = v.get(names["title"], "").strip()
    if not title:
        missing("title", "tên việc")
    codes = {word: code for code, word in SECTION_WORDS.items()}
    section = codes.get(v.get(names["section"], ""), "")
    if not section:
        missing("section", "loại việc (năm hoặc giai đoạn)")
    years: dict[str, int | None] = {}
    for part in ("start_year", "end_year"):
        text = v.get(names[part], "").strip()
        years[part] = int(text) if text.isdigit() and 1900 <= int(text) <= 2200 else None
        if text and years[part] is None:
            out.append(problem("bad_year", value=text, field=part).at(**at(part)))
    start, end = years["start_year"], years["end_year"]
    if start is None and not v.get(names["start_year"], "").strip():
        missing("start_year", "năm bắt đầu")
    if section == "A" and end is None and not v.get(names["end_year"], "").strip():
        end = start
    elif section == "B" and end is None and not v.get(names["end_year"], "").strip():
        missing("end_year", "năm kết thúc")
    if start is not None and end is not None and section:
        lengths = ", ".join(str(n) for n in settings.period_lengths)
        if end < start:
            out.append(problem("end_before_start", value=end, expected=start).at(**at("end_year")))
        elif section == "A" and end != start:
            out.append(
                problem("annual_task_spans_years", value=f"{start}–{end}").at(**at("end_year"))
            )
        elif section == "B" and end - start + 1 not in settings.period_lengths:
            out.append(
                problem("bad_period_length", value=end - start + 1, expected=lengths).at(
                    **at("end_year")
                )
            )
        elif (fault := year_at_fault(section, start, end, year)) is not None:
            out.append(not_in_year(start, end, year).at(**at(fault)))
    if out or start is None or end is None:
        return None, out
    return NewTask(section, title, v.get(names["targets"], ""), start, end), []


def _next_number(taken: set[str], cadre_id: str, section: str) -> str:
    """The cadre's first free task key of ``section`` (after every key in ``taken``)."""
    number = 1
    while f"{cadre_id}:{section}{number}" in taken:
        number += 1
    return f"{cadre_id}:{section}{number}"


def _by_cadre(rows: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, dict[str, Any]]]:
    """The rows grouped by cadre, in the order each cadre first appears (stable)."""
    first: dict[str, int] = {}
    for n, (key, _) in enumerate(rows):
        first.setdefault(key.split(":", 1)[0], n)
    return sorted(rows, key=lambda r: first[r[0].split(":", 1)[0]])


@dataclass
class DecisionRun:
    file: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    tasks: int = 0
    without_task: list[str] = field(default_factory=list)


def _years(start: str, end: str) -> str:
    return start if start == end else f"{start}–{end}"


def write_decision(
    proposals_dir: Path,
    roster_path: Path,
    year: int,
    out: Path,
    settings: Settings,
    *,
    carried_path: Path | None = None,
) -> DecisionRun:
    """The general summary for the Standing Committee; with ``carried_path`` (a carry-over
    table, ``dotpha carry-over``), the carried tasks are listed among each cadre's tasks,
    decided ``giao`` by default (Art. 2.5)."""
    check_output_outside_inputs(out, [proposals_dir, roster_path, carried_path])
    roster = read_roster(roster_path, settings)
    run = DecisionRun(problems=list(roster.problems))
    carried_from: dict[str, str] = {}
    by_body: dict[str, list[tuple[str, dict[str, str]]]] = {}
    basis: dict[str, str] = {}
    origins: dict[str, str] = {}  # row key -> origin, when not a registered task
    for path in sorted(proposals_dir.glob("*.xlsx")):
        found = read_review(path, "proposals", expected={"year": str(year)})
        entries: list[tuple[str, dict[str, Any]]] = []
        if found.ok:
            entries = _proposed_rows(found, settings, roster, origins, year)
        run.problems += found.problems
        if has_errors(found.problems):
            run.rejected.append(found.file)
            continue
        basis.update(found.prefilled.get("basis", {}))
        rows = by_body.setdefault(found.meta.get("body", ""), [])
        rows += entries
    if carried_path is not None:
        table_in = read_assignments(carried_path, settings, roster)
        run.problems += table_in.problems
        for a in table_in.rows:
            if not a.carried_from or a.start_year != year:
                continue
            rows = by_body.setdefault(roster.cadres[a.cadre_id].body, [])
            taken = {k for k, _ in rows if k.startswith(a.cadre_id + ":")}
            number = a.task_no
            while f"{a.cadre_id}:{a.section}{number}" in taken:
                number += 1
            key = f"{a.cadre_id}:{a.section}{number}"
            carried_from[key] = a.carried_from
            origins[key] = CARRIED
            basis[key] = a.basis
            years = (str(a.start_year), str(a.end_year))
            rows.append(
                (
                    key,
                    {
                        "task_key": f"{a.section}{number}",
                        "title": a.title,
                        "targets": a.targets,
                        "start_year": years[0],
                        "end_year": years[1],
                        "proposed_title": a.title,
                        "proposed_targets": a.targets,
                        "proposed_start_year": years[0],
                        "proposed_end_year": years[1],
                        "proposal_note": f"Chuyển tiếp từ {a.carried_from} (Điều 2.5)",
                    },
                )
            )
    table: list[ReviewRow] = []
    n = 0
    with_task: set[str] = set()
    for body, body_name in settings.bodies.items():
        heading = f"{body_name.upper()} ({body})"
        grouped = _by_cadre(by_body.get(body, []))
        for i, (key, v) in enumerate(grouped):
            n += 1
            cadre_id, task_key = key.split(":", 1)
            with_task.add(cadre_id)
            cadre = roster.cadres.get(cadre_id)
            name = f"{cadre.full_name if cadre else cadre_id}\n{cadre_id}"
            marked = {
                column
                for column, registered in (
                    ("proposed_title", "title"),
                    ("proposed_targets", "targets"),
                )
                if v[column] != v[registered]
            }
            years_differ = (v["proposed_start_year"], v["proposed_end_year"]) != (
                v["start_year"],
                v["end_year"],
            )
            if years_differ:
                marked.add("proposed_years")
            table.append(
                ReviewRow(
                    key,
                    {
                        "stt": n,
                        "full_name": name,
                        "task_key": v["task_key"],
                        "title": v["title"],
                        "targets": v["targets"],
                        "proposed_title": v["proposed_title"],
                        "proposed_targets": v["proposed_targets"],
                        "proposed_years": _years(v["proposed_start_year"], v["proposed_end_year"]),
                        "proposal_note": v["proposal_note"],
                        "differs": DIFFERS if marked else "",
                        "decision": GIVE,
                        "decided_title": v["proposed_title"],
                        "decided_targets": v["proposed_targets"],
                        "decided_section": SECTION_WORDS[task_key[0]],
                        "decided_start_year": _int(v["proposed_start_year"]),
                        "decided_end_year": _int(v["proposed_end_year"]),
                    },
                    heading=heading if i == 0 else "",
                    marked=frozenset(marked | ({"differs"} if marked else set())),
                    locked=frozenset({"decided_section"}),
                )
            )
            run.tasks += 1
            last = i + 1 == len(grouped) or not grouped[i + 1][0].startswith(cadre_id + ":")
            if last:  # a blank row for a task the Committee adds (Art. 4.3, 2.5)
                table.append(
                    ReviewRow(
                        new_task_key(cadre_id),
                        {
                            "full_name": name,
                            "title": NEW_ROW_TITLE,
                            **dict.fromkeys(NEW_ROW_INPUTS, ""),
                        },
                    )
                )
    without = [
        c for c in roster.cadres.values() if c.status == "active" and c.cadre_id not in with_task
    ]
    run.without_task = [c.cadre_id for c in without]
    names = settings.bodies
    page = ReviewPage(
        title="BÁO CÁO TỔNG HỢP ĐỀ XUẤT VIỆC ĐỘT PHÁ, ĐỔI MỚI",
        subtitle=(f"của cán bộ thuộc diện Ban Thường vụ Tỉnh ủy quản lý năm {year}",),
        document=settings.document,
        landscape=True,
        notes=(
            f"Cột '{DIFFERS}' và ô tô màu: nội dung đề xuất khác nội dung cán bộ đăng ký. "
            "Các cột nền vàng (quyết định, nội dung giao) được điền sẵn theo đề xuất; chọn "
            "'không giao' để không giao việc, sửa nội dung nếu Ban Thường vụ quyết định khác "
            "(Điều 4.3).",
            "Giao thêm việc cán bộ không đăng ký (Điều 4.3, 2.5): ghi vào dòng trống dưới các "
            "việc của cán bộ (tên việc, chỉ tiêu, loại việc năm hoặc giai đoạn, năm bắt đầu và "
            "kết thúc); cần thêm nữa thì chèn dòng ngay dưới dòng đó.",
        ),
    )
    spec = ReviewBook(
        form="decision",
        meta={"year": str(year)},
        page=page,
        table=ReviewTable(
            DECISION_COLUMNS, table, DECISION_GROUPS, empty="Không có đề xuất.", new_rows=True
        ),
        extra=[
            ExtraSheet(
                "Không có việc",
                f"CÁN BỘ CHƯA CÓ VIỆC ĐỘT PHÁ, ĐỔI MỚI NĂM {year} (xem xét theo Điều 10)",
                (
                    ReviewColumn("stt", "STT", 5, kind="center"),
                    ReviewColumn("cadre_id", "Mã cán bộ", 10, kind="center"),
                    ReviewColumn("full_name", "Họ và tên", 24),
                    ReviewColumn("position", "Chức vụ", 34),
                    ReviewColumn("body", "Cơ quan thẩm định", 30),
                ),
                [
                    (
                        c.cadre_id,
                        [n, c.cadre_id, c.full_name, c.position, names.get(c.body, c.body)],
                    )
                    for n, c in enumerate(without, start=1)
                ],
                empty="Tất cả cán bộ đều có việc được đề xuất.",
            )
        ],
        prefilled_extra={"basis": basis, "carried_from": carried_from, "origin": origins},
    )
    run.file = write_bytes_atomic(out, write_review(spec))
    return run


def _proposed_rows(
    found: Reviewed, settings: Settings, roster: Any, origins: dict[str, str], year: int
) -> list[tuple[str, dict[str, Any]]]:
    """A body's proposals as decision rows: the registered tasks as proposed, and each task the
    body added (a filled new-task row) keyed with the cadre's first free number of its section
    after the registered ones (``origins`` records those as ``body``).  A new-task row filled
    in part is a problem at its cell, added to ``found.problems``."""
    rows = [(k, dict(r.values)) for k, r in found.rows.items() if not r.new]
    taken = {k for k, _ in rows}
    for row in found.rows.values():
        if not row.new:
            continue
        cadre_id = row.cadre_id
        cadre = roster.cadres.get(cadre_id)
        who = f"{cadre.full_name} ({cadre_id})" if cadre else cadre_id
        task, problems = read_new_task(found, row, "proposed", settings, who, year)
        found.problems += problems
        if task is None:
            continue
        new_key = _next_number(taken, cadre_id, task.section)
        taken.add(new_key)
        origins[new_key] = BODY
        rows.append(
            (
                new_key,
                {
                    "task_key": new_key.split(":", 1)[1],
                    "title": NOT_REGISTERED_TITLE,
                    "targets": "",
                    "start_year": "",
                    "end_year": "",
                    "proposed_title": task.title,
                    "proposed_targets": task.targets,
                    "proposed_start_year": str(task.start_year),
                    "proposed_end_year": str(task.end_year),
                    "proposal_note": row.values.get("proposal_note", ""),
                },
            )
        )
    return rows


def _int(text: str) -> int | str:
    return int(text) if text.isdigit() else text


# --------------------------------------------------------------------------- assignments

ASSIGNMENT_HEADERS = (
    ("cadre_id", "Mã cán bộ"),
    ("section", "Loại việc"),
    ("task_no", "Số thứ tự việc"),
    ("title", "Tên việc"),
    ("start_year", "Năm bắt đầu"),
    ("end_year", "Năm kết thúc"),
    ("basis", "Căn cứ"),
    ("targets", "Chỉ tiêu"),
    ("assigned_on", "Ngày giao"),
    ("carried_from", "Chuyển tiếp từ"),
    ("title_origin", "Nguồn tên việc"),
    ("targets_origin", "Nguồn chỉ tiêu"),
    ("registered_key", "Mã việc đăng ký"),
    ("origin", "Nguồn việc"),
)


@dataclass
class AssignmentsRun:
    file: Path | None = None
    problems: list[Problem] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)


def origin(decided: str, proposed: str, registered: str) -> str:
    if decided == registered:
        return "registered"
    if decided == proposed:
        return "proposed"
    return "decided"


def assignments_from_decision(
    decision: Path, settings: Settings, decided_on: date | None = None
) -> AssignmentsRun:
    """The rows decided ``giao``, numbered 1… per cadre and section in their order, the tasks
    the Committee added (filled new-task rows, not decided ``không giao``) after the cadre's
    others; each with its ``origin``."""
    found = read_review(decision, "decision")
    run = AssignmentsRun(problems=list(found.problems))
    if has_errors(found.problems):
        return run
    year = int(found.meta.get("year", "0") or 0)
    on = decided_on or settings.deadlines["decision"].in_year(year)
    basis = found.prefilled.get("basis", {})
    carried = found.prefilled.get("carried_from", {})
    origins = found.prefilled.get("origin", {})
    given: list[tuple[str, bool, dict[str, Any]]] = []  # (cadre, added, row)
    for key, row in found.rows.items():
        v = row.values
        cadre_id, task_key = key.split(":", 1)
        if row.new:
            if v.get("decision") == DECLINE:
                continue
            task, problems = read_new_task(found, row, "decided", settings, cadre_id, year)
            run.problems += problems
            if task is not None:
                given.append(
                    (
                        cadre_id,
                        True,
                        {
                            "cadre_id": cadre_id,
                            "section": task.section,
                            "title": task.title,
                            "start_year": task.start_year,
                            "end_year": task.end_year,
                            "basis": "",
                            "targets": task.targets,
                            "assigned_on": on,
                            "carried_from": "",
                            "title_origin": "decided",
                            "targets_origin": "decided",
                            "registered_key": "",
                            "origin": COMMITTEE,
                        },
                    )
                )
            continue
        if v["decision"] != GIVE:
            continue
        start = _int(v["decided_start_year"])
        end = _int(v["decided_end_year"]) or start
        # the years the Committee decides must run in the decision's year, as a new task's
        fault = year_at_fault(task_key[0], start, end, year) if start and end else None
        if fault is not None:
            where = {
                "file": found.file,
                "sheet": found.sheet,
                "cell": row.cells.get(f"decided_{fault}", ""),
            }
            run.problems.append(not_in_year(start, end, year).at(**where))
            continue
        origin_of = origins.get(key, REGISTRATION)
        given.append(
            (
                cadre_id,
                False,
                {
                    "cadre_id": cadre_id,
                    "section": task_key[0],
                    "title": v["decided_title"],
                    "start_year": start,
                    "end_year": end,
                    "basis": basis.get(key, ""),
                    "targets": v["decided_targets"],
                    "assigned_on": on,
                    "carried_from": carried.get(key, ""),
                    "title_origin": origin(v["decided_title"], v["proposed_title"], v["title"]),
                    "targets_origin": origin(
                        v["decided_targets"], v["proposed_targets"], v["targets"]
                    ),
                    "registered_key": task_key if origin_of != BODY else "",
                    "origin": origin_of,
                },
            )
        )
    first: dict[str, int] = {}
    for n, (cadre_id, _, _) in enumerate(given):
        first.setdefault(cadre_id, n)
    numbers: dict[tuple[str, str], int] = {}
    for cadre_id, _, row in sorted(given, key=lambda g: (first[g[0]], g[1])):
        section = row["section"]
        numbers[(cadre_id, section)] = numbers.get((cadre_id, section), 0) + 1
        run.rows.append({**row, "task_no": numbers[(cadre_id, section)]})
    return run


def write_assignments(
    decision: Path, out: Path, settings: Settings, decided_on: date | None = None
) -> AssignmentsRun:
    check_output_outside_inputs(out, [decision])
    run = assignments_from_decision(decision, settings, decided_on)
    if has_errors(run.problems):
        return run
    run.file = write_bytes_atomic(out, assignments_workbook(run.rows))
    return run


def assignments_workbook(rows: list[dict[str, Any]]) -> bytes:
    from io import BytesIO

    from dotpha_xl.xlsx.styles import Formats, new_workbook, print_setup

    buffer = BytesIO()
    book = new_workbook(buffer)
    fmt = Formats(book)
    sheet = book.add_worksheet("Giao việc")
    widths = (10, 8, 8, 40, 10, 10, 28, 36, 12, 14, 12, 12, 10, 12)
    for c, ((_, label), width) in enumerate(zip(ASSIGNMENT_HEADERS, widths, strict=True)):
        sheet.set_column(c, c, width)
        sheet.write_string(0, c, label, fmt["header"])
    for r, row in enumerate(rows, start=1):
        for c, (key, _) in enumerate(ASSIGNMENT_HEADERS):
            value = row[key]
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, fmt["date"])
            elif isinstance(value, int):
                sheet.write_number(r, c, value, fmt["integer"])
            else:
                sheet.write_string(r, c, str(value), fmt["cell"])
    sheet.freeze_panes(1, 0)
    print_setup(sheet, repeat_rows=(0, 0))
    book.close()
    return buffer.getvalue()
