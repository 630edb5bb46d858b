"""The reviewing bodies' proposals (Art. 4.2 a–d): every registration validated, then one review
workbook per body with each registered task locked beside editable proposed wording, pre-filled
with the registered values so that "no change" needs no typing; and the body's cadres with no
registration, the late ones and the rejected files."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dotpha_xl.domain.calendar import is_on_time
from dotpha_xl.kernel.problems import Problem
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.records.people import Cadre
from dotpha_xl.steps.registrations import Registration, read_registration, registration_deadline
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
from dotpha_xl.xlsx.tables import read_roster

CHOICE_WORDS = {"continue": "tiếp tục", "adjust": "điều chỉnh"}
#: A task's section as the review workbooks word it (dropdown of a new task's row).
SECTION_WORDS = {"A": "năm", "B": "giai đoạn"}
#: The locked text of the row offered, under each cadre's tasks, for a task the body adds.
NEW_ROW_TITLE = (
    "(Đề xuất thêm việc, nếu có: ghi tên, loại việc, chỉ tiêu và năm ở các cột nền vàng)"
)

PROPOSAL_COLUMNS: tuple[ReviewColumn, ...] = (
    ReviewColumn("stt", "STT", 5, kind="center"),
    ReviewColumn("task_key", "Mã việc", 6, kind="center"),
    ReviewColumn("title", "Tên việc đăng ký", 26),
    ReviewColumn("basis", "Căn cứ, cơ sở", 20),
    ReviewColumn("targets", "Chỉ tiêu đăng ký", 24),
    ReviewColumn("roadmap", "Lộ trình thực hiện", 20),
    ReviewColumn("start_year", "Từ năm", 7, kind="center"),
    ReviewColumn("end_year", "Đến năm", 7, kind="center"),
    ReviewColumn("choice", "Việc đang thực hiện", 14),
    ReviewColumn("proposed_title", "Tên việc đề xuất", 26, True),
    ReviewColumn("proposed_targets", "Chỉ tiêu đề xuất", 24, True),
    ReviewColumn("proposed_section", "Loại việc", 10, True, tuple(SECTION_WORDS.values())),
    ReviewColumn("proposed_start_year", "Từ năm", 7, True, kind="int"),
    ReviewColumn("proposed_end_year", "Đến năm", 7, True, kind="int"),
    ReviewColumn("proposal_note", "Ý kiến của cơ quan thẩm định", 20, True),
)
#: The editable columns of a new task's row, all offered blank.
NEW_ROW_INPUTS = (
    "proposed_title",
    "proposed_targets",
    "proposed_section",
    "proposed_start_year",
    "proposed_end_year",
    "proposal_note",
)
PROPOSAL_GROUPS = (
    ("task_key", "choice", "Nội dung cán bộ đăng ký"),
    ("proposed_title", "proposal_note", "Cơ quan thẩm định đề xuất"),
)

PERSON_COLUMNS = (
    ReviewColumn("stt", "STT", 5, kind="center"),
    ReviewColumn("cadre_id", "Mã cán bộ", 10, kind="center"),
    ReviewColumn("full_name", "Họ và tên", 24),
    ReviewColumn("position", "Chức vụ", 34),
    ReviewColumn("unit", "Cơ quan, đơn vị", 30),
)


@dataclass
class Received:
    registration: Registration
    received: datetime
    deadline: date
    late: bool = False


@dataclass
class Proposals:
    year: int
    registered: dict[str, Received] = field(default_factory=dict)  # cadre id -> registration
    missing: list[Cadre] = field(default_factory=list)
    rejected: list[Registration] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    cadres: dict[str, Cadre] = field(default_factory=dict)

    def late(self) -> list[Received]:
        return [r for r in self.registered.values() if r.late]

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "registered": [
                {
                    "cadre_id": t.cadre_id,
                    "task_key": t.task_key,
                    "title": t.title,
                    "roadmap": t.roadmap,
                }
                for r in self.registered.values()
                for t in r.registration.tasks
            ],
            "missing": [{"cadre_id": c.cadre_id} for c in self.missing],
            "late": [
                {
                    "cadre_id": r.registration.cadre_id,
                    "received": r.received.isoformat(timespec="seconds"),
                    "deadline": r.deadline.isoformat(),
                }
                for r in self.late()
            ],
            "rejected": [
                {"file": r.file, "problems": [p.to_dict() for p in r.problems]}
                for r in self.rejected
            ],
        }


def collect(roster_path: Path, registrations_dir: Path, year: int, settings: Settings) -> Proposals:
    """Read the roster and every registration; sort them into registered, missing, rejected."""
    roster = read_roster(roster_path, settings)
    out = Proposals(year=year, problems=list(roster.problems), cadres=dict(roster.cadres))
    for path in sorted(p for p in registrations_dir.glob("*.xlsx") if not p.name.startswith(".")):
        reg = read_registration(path, settings, expected={"year": str(year)})
        cadre = roster.cadres.get(reg.cadre_id)
        if reg.ok and cadre is None:
            from dotpha_xl.kernel.problems import problem

            reg.problems.append(
                problem("cadre_not_on_roster", value=reg.cadre_id).at(file=reg.file)
            )
        if not reg.ok or cadre is None:
            out.rejected.append(reg)
            continue
        received = datetime.fromtimestamp(path.stat().st_mtime)
        due = registration_deadline(settings, year, cadre.appointed_on)
        late = not is_on_time(received.date(), due, settings.deadline_reading)
        entry = Received(reg, received, due, late)
        current = out.registered.get(reg.cadre_id)
        if current is None or (received, reg.file) > (current.received, current.registration.file):
            out.registered[reg.cadre_id] = entry
    out.missing = [
        c
        for c in roster.cadres.values()
        if c.status == "active" and c.cadre_id not in out.registered
    ]
    return out


def write_proposals(
    roster_path: Path,
    registrations_dir: Path,
    year: int,
    out_dir: Path,
    settings: Settings,
) -> Proposals:
    """Validate every registration and write one proposals workbook per reviewing body."""
    check_output_outside_inputs(out_dir, [roster_path, registrations_dir])
    result = collect(roster_path, registrations_dir, year, settings)
    for body, body_name in settings.bodies.items():
        data = proposals_workbook(result, body, body_name, settings)
        result.files.append(write_bytes_atomic(out_dir / f"{body}_de_xuat_{year}.xlsx", data))
    return result


def _person_rows(cadres: list[Cadre]) -> list[tuple[str, list[Any]]]:
    return [
        (c.cadre_id, [n, c.cadre_id, c.full_name, c.position, c.unit])
        for n, c in enumerate(cadres, start=1)
    ]


def proposals_workbook(p: Proposals, body: str, body_name: str, settings: Settings) -> bytes:
    rows: list[ReviewRow] = []
    n = 0
    cadres_info: dict[str, dict[str, str]] = {}
    basis: dict[str, str] = {}
    for cadre_id, entry in p.registered.items():
        cadre = p.cadres[cadre_id]
        if cadre.body != body:
            continue
        reg = entry.registration
        cadres_info[cadre_id] = {
            "full_name": cadre.full_name,
            "position": cadre.position,
            "unit": cadre.unit,
            "field": reg.field_text,
        }
        heading = f"{cadre.full_name} ({cadre_id}) — {cadre.position}"
        if reg.field_text:
            heading += f" — Lĩnh vực phụ trách: {reg.field_text}"
        for i, task in enumerate(reg.tasks):
            n += 1
            choice = CHOICE_WORDS.get(task.choice, "")
            if task.choice == "adjust":
                choice += f": {task.adjustment}"
            basis[task.key] = task.basis
            rows.append(
                ReviewRow(
                    task.key,
                    {
                        "stt": n,
                        "task_key": task.task_key,
                        "title": task.title,
                        "basis": task.basis,
                        "targets": task.targets,
                        "roadmap": task.roadmap,
                        "start_year": task.start_year,
                        "end_year": task.end_year,
                        "choice": choice,
                        "proposed_title": task.title,
                        "proposed_targets": task.targets,
                        "proposed_section": SECTION_WORDS[task.section],
                        "proposed_start_year": task.start_year,
                        "proposed_end_year": task.end_year,
                        "proposal_note": "",
                    },
                    heading=heading if i == 0 else "",
                    locked=frozenset({"proposed_section"}),
                )
            )
        # A blank row for a task nobody registered (Art. 4.2 e): read back as a new task when
        # filled, like a row the body inserts without key under the cadre's tasks.
        rows.append(
            ReviewRow(
                new_task_key(cadre_id),
                {"title": NEW_ROW_TITLE, **dict.fromkeys(NEW_ROW_INPUTS, "")},
            )
        )
    mine = [c for c in p.missing if c.body == body]
    late = [r for r in p.late() if p.cadres[r.registration.cadre_id].body == body]
    late_rows = [
        (
            r.registration.cadre_id,
            [
                n,
                r.registration.cadre_id,
                p.cadres[r.registration.cadre_id].full_name,
                r.registration.file,
                f"{r.received:%d/%m/%Y %H:%M}",
                f"{r.deadline:%d/%m/%Y}",
            ],
        )
        for n, r in enumerate(late, start=1)
    ]
    rejected_rows = []
    k = 0
    for reg in p.rejected:
        cadre = p.cadres.get(reg.cadre_id)
        if cadre is not None and cadre.body != body:
            continue
        if cadre is None and body != next(iter(settings.bodies)):
            continue  # a file of no known cadre is listed once, for the first body (TC)
        for j, prob in enumerate(reg.problems, start=1):
            k += 1
            where = " › ".join(x for x in (prob.sheet, prob.cell) if x)
            rejected_rows.append((f"{reg.file}#{j}", [k, reg.file, where, prob.message]))
    page = ReviewPage(
        title=f"BẢNG ĐỀ XUẤT VIỆC ĐỘT PHÁ, ĐỔI MỚI NĂM {p.year}",
        subtitle=(body_name.upper(),),
        notes=(
            "Các cột nền vàng được điền sẵn đúng nội dung cán bộ đăng ký: giữ nguyên nếu đồng ý, "
            "sửa trực tiếp nếu đề xuất khác (Điều 4.2). Các cột khác đã được khoá.",
            "Đề xuất thêm việc cán bộ không đăng ký: ghi vào dòng trống dưới các việc của cán bộ "
            "(tên việc, loại việc năm hoặc giai đoạn, chỉ tiêu, năm bắt đầu và kết thúc); cần "
            "thêm nữa thì chèn dòng ngay dưới dòng đó.",
        ),
    )
    spec = ReviewBook(
        form="proposals",
        meta={"body": body, "year": str(p.year)},
        page=page,
        table=ReviewTable(
            PROPOSAL_COLUMNS,
            rows,
            PROPOSAL_GROUPS,
            empty="Không có bản đăng ký hợp lệ nào.",
            new_rows=True,
        ),
        extra=[
            ExtraSheet(
                "Chưa đăng ký",
                f"CÁN BỘ CHƯA ĐĂNG KÝ VIỆC ĐỘT PHÁ, ĐỔI MỚI NĂM {p.year}",
                PERSON_COLUMNS,
                _person_rows(mine),
                empty="Tất cả cán bộ đã đăng ký.",
            ),
            ExtraSheet(
                "Đăng ký muộn",
                f"BẢN ĐĂNG KÝ NỘP MUỘN NĂM {p.year}",
                (
                    ReviewColumn("stt", "STT", 5, kind="center"),
                    ReviewColumn("cadre_id", "Mã cán bộ", 10, kind="center"),
                    ReviewColumn("full_name", "Họ và tên", 24),
                    ReviewColumn("file", "Tệp", 40),
                    ReviewColumn("received", "Thời điểm nhận", 18, kind="center"),
                    ReviewColumn("deadline", "Hạn nộp", 12, kind="center"),
                ),
                late_rows,
                empty="Không có bản đăng ký nộp muộn.",
            ),
            ExtraSheet(
                "Tệp bị từ chối",
                f"BẢN ĐĂNG KÝ BỊ TỪ CHỐI NĂM {p.year}",
                (
                    ReviewColumn("stt", "STT", 5, kind="center"),
                    ReviewColumn("file", "Tệp", 38),
                    ReviewColumn("cell", "Vị trí", 16),
                    ReviewColumn("message", "Nội dung lỗi", 60),
                ),
                rejected_rows,
                empty="Không có tệp nào bị từ chối.",
            ),
        ],
        prefilled_extra={"cadres": cadres_info, "basis": basis},
    )
    return write_review(spec)
