"""The three tenure commands: ``handover`` (a cadre leaves: conclusion and the successor's plan),
``carry-over`` (unfinished annual tasks into the next year) and ``announce`` (one notice per
unit).  Each returns plain values and writes files through the atomic writers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from dotpha_xl.domain.calendar import plan_deadline_for_new
from dotpha_xl.domain.decisions import is_rated
from dotpha_xl.domain.periods import runs_in
from dotpha_xl.kernel.errors import InputError
from dotpha_xl.kernel.keys import ITEM, QUARTER
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.kernel.text import ascii_slug, json_percent
from dotpha_xl.records.consolidation import Consolidation, TaskRow
from dotpha_xl.steps.generate import person_of
from dotpha_xl.steps.tenure import handovers_of, successors
from dotpha_xl.store.atomic import check_output_outside_inputs, write_bytes_atomic
from dotpha_xl.store.consolidation_json import ConsolidationMissing, load_consolidation
from dotpha_xl.store.files import expand_inputs, output_name
from dotpha_xl.store.item_store import unfinished_of
from dotpha_xl.xlsx.plan_form import ROMAN, write_plan
from dotpha_xl.xlsx.plans import PlanFile, read_plan
from dotpha_xl.xlsx.reports import ReportFile, read_report
from dotpha_xl.xlsx.tables import read_roster
from dotpha_xl.xlsx.tenure_blocks import CarriedItem, Handover
from dotpha_xl.xlsx.tenure_documents import (
    ConcludedItem,
    ConcludedTask,
    NoticeCadre,
    NoticeQuarter,
    NoticeTask,
    write_conclusion,
    write_notice,
)


class TenureError(InputError):
    """A usage problem stated in Vietnamese (the CLI shows it and exits 2)."""


# --------------------------------------------------------------------------------------------
# Handover
# --------------------------------------------------------------------------------------------


@dataclass
class HandoverRun:
    data: dict[str, Any]
    files: list[Path] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def _report_at(reports_dir: Path, cadre_id: str, on: date, settings: Settings) -> ReportFile:
    for path in expand_inputs([reports_dir]):
        report = read_report(path, settings)
        if report.ok and report.cadre_id == cadre_id and report.period_code == on.isoformat():
            return report
    raise TenureError(
        f"Không tìm thấy báo cáo đột xuất hợp lệ của {cadre_id} đến ngày {on:%d/%m/%Y} trong "
        f"{reports_dir} (tạo bằng: dotpha template report --period {on.isoformat()})."
    )


def _plan_of(plans_dir: Path, cadre_id: str, year: int, settings: Settings) -> PlanFile | None:
    for path in expand_inputs([plans_dir]):
        plan = read_plan(path, settings)
        if plan.ok and plan.cadre_id == cadre_id and plan.year == year:
            return plan
    return None


def handover(
    roster_path: Path,
    plans_dir: Path,
    reports_dir: Path,
    cadre_id: str,
    out_dir: Path,
    settings: Settings,
) -> HandoverRun:
    check_output_outside_inputs(out_dir, [roster_path, plans_dir, reports_dir])
    roster = read_roster(roster_path, settings)
    cadre = roster.cadres.get(cadre_id)
    if cadre is None:
        raise TenureError(f"Cán bộ {cadre_id} không có trong danh sách {roster_path}.")
    if cadre.left_on is None:
        raise TenureError(f"Cán bộ {cadre_id} chưa có ngày thôi giữ chức vụ (cột left_on).")
    on = cadre.left_on
    report = _report_at(reports_dir, cadre_id, on, settings)
    plan = _plan_of(plans_dir, cadre_id, on.year, settings)
    tasks = plan.tasks if plan is not None else report.tasks
    tasks = {k: t for k, t in tasks.items() if runs_in(t.start_year, t.end_year, on.year)}
    figures = handovers_of(report, settings, on)
    successor = successors(roster.cadres).get(cadre_id)
    run = HandoverRun(
        data={
            "cadre_id": cadre_id,
            "handover_on": on.isoformat(),
            "successor_id": successor.cadre_id if successor else None,
            "tasks": [],
        }
    )
    concluded: list[ConcludedTask] = []
    for key, task in tasks.items():
        h = figures[key]
        run.data["tasks"].append(
            {
                "task_key": key,
                "completion_at_handover": json_percent(h.completion),
                "expected_at_handover": json_percent(h.expected),
                "attainment": json_percent(h.attainment),
                "rating": h.rating,
            }
        )
        items = [
            ConcludedItem(str(i.key), i.content, i.product, report.completions.get(str(i.key), 0))
            for i in task.root.items()
            if i.weight
        ]
        concluded.append(
            ConcludedTask(
                key,
                task.title,
                h.completion,
                h.expected,
                h.attainment,
                h.rating,
                done=[i for i in items if i.completion >= 100],
                not_done=[i for i in items if i.completion < 100],
            )
        )
    name = f"{successor.full_name} ({successor.cadre_id})" if successor else ""
    conclusion = write_conclusion(
        settings.document,
        full_name=cadre.full_name,
        position=cadre.position,
        unit=cadre.unit,
        handover_on=on,
        tasks=concluded,
        successor=name,
    )
    slug = f"{ascii_slug(cadre.cadre_id, 20)}_{ascii_slug(cadre.full_name, 40)}"
    target = out_dir / f"{slug}_ket_luan_ban_giao_{on.isoformat()}.xlsx"
    run.files.append(write_bytes_atomic(target, conclusion))
    if successor is None:
        run.messages.append(
            f"Không có người kế nhiệm của {cadre_id} trong danh sách (cột predecessor_id): "
            f"chưa tạo kế hoạch tiếp nhận cho các việc {', '.join(tasks)}."
        )
        return run
    due = plan_deadline_for_new(settings, successor.appointed_on or on)
    marks = Handover(dict(report.completions), f"{on:%d/%m/%Y}")
    # one plan for every task taken over: a cadre's report of a period is made from one plan
    data = write_plan(
        person_of(successor),
        on.year,
        list(tasks.values()),
        trees={key: task.root for key, task in tasks.items()},
        extra_meta={"inherited_from": cadre_id, "handover_on": on.isoformat()},
        deadline=f"{due:%d/%m/%Y}",
        handover=marks,
    )
    form = "ke_hoach_tiep_nhan_" + "_".join(tasks)
    name = output_name(successor.cadre_id, successor.full_name, form, str(on.year))
    run.files.append(write_bytes_atomic(out_dir / name, data))
    return run


# --------------------------------------------------------------------------------------------
# Carry-over
# --------------------------------------------------------------------------------------------


def read_consolidated(folder: Path, year: int) -> Consolidation:
    """The consolidation of the year ``year`` in ``folder`` (``consolidation_Y.json``), exact."""
    try:
        return load_consolidation(folder, str(year))
    except ConsolidationMissing as exc:
        raise TenureError(str(exc)) from exc


@dataclass
class Carried:
    cadre_id: str
    from_task: str  # "2027:A1"
    task_key: str  # in the new year
    title: str
    completion: float
    items: list[CarriedItem]

    def to_json(self) -> dict[str, Any]:
        return {
            "cadre_id": self.cadre_id,
            "from_task": self.from_task,
            "task_key": self.task_key,
            "completion": self.completion,
            "items": [i.to_json() for i in self.items],
        }


def carried_tasks(
    consolidated: Consolidation, year: int, next_numbers: Mapping[str, int] | None = None
) -> list[Carried]:
    """The tasks of ``year`` that carry over (``Consolidation.carried_over``: the rule of
    ``domain.decisions.carries_over``, the same set as the summary's list), each with its
    unfinished items, numbered after ``next_numbers`` (the cadre's last annual task next year)."""
    out: list[Carried] = []
    counters = dict(next_numbers or {})
    for t in consolidated.carried_over():
        cadre_id = t.cadre.cadre_id
        number = counters.get(cadre_id, 0) + 1
        counters[cadre_id] = number
        items = [
            CarriedItem(i["key"], i["content"], i["product"], Fraction(i["completion_exact"]))
            for i in unfinished_of(t)
        ]
        done = json_percent(t.result.completion_year)
        out.append(Carried(cadre_id, f"{year}:{t.task_key}", f"A{number}", t.title, done, items))
    return out


def carry_over(
    consolidated_dir: Path,
    year: int,
    out: Path,
    settings: Settings,
    *,
    assignments: Path | None = None,
) -> dict[str, Any]:
    from dotpha_xl.xlsx.tables import read_assignments
    from dotpha_xl.xlsx.tenure_tables import write_carry_over

    check_output_outside_inputs(out, [consolidated_dir, assignments])
    data = read_consolidated(consolidated_dir, year)
    numbers: dict[str, int] = {}
    if assignments is not None:
        for a in read_assignments(assignments, settings).active_in(year + 1):
            if a.section == "A":
                numbers[a.cadre_id] = max(numbers.get(a.cadre_id, 0), a.task_no)
    carried = carried_tasks(data, year, numbers)
    write_bytes_atomic(out, write_carry_over(carried, year + 1))
    return {"year": year + 1, "carried": [c.to_json() for c in carried]}


def read_carried(path: Path) -> dict[tuple[str, str], list[CarriedItem]]:
    """(cadre id, task key of the new year) -> unfinished items, from a carry-over workbook."""
    from dotpha_xl.xlsx.tenure_tables import read_carried_items

    return read_carried_items(path)


# --------------------------------------------------------------------------------------------
# Announcement
# --------------------------------------------------------------------------------------------


def _quarters(root: Any, start_year: int) -> list[NoticeQuarter]:
    out: list[NoticeQuarter] = []
    for node in root.walk():
        if node.level != QUARTER:
            continue
        products = [i.product or i.content for i in node.walk() if i.level == ITEM and i.weight]
        year = start_year + ((node.key.year or 1) - 1)
        label = f"Quý {ROMAN[node.key.quarter - 1]} năm {year}"
        unique = list(dict.fromkeys(p.strip() for p in products if p.strip()))
        out.append(NoticeQuarter(label, node.weight, "; ".join(unique)))
    return out


def read_ratings(path: Path | None, settings: Settings) -> dict[tuple[str, str], str]:
    """(cadre id, task key or "") -> decided rating, from the decided ratings table, opened
    safely (``xlsx.tables.read_decided_ratings``); a table that cannot be used is a usage error
    naming its problems."""
    if path is None:
        return {}
    from dotpha_xl.xlsx.tables import read_decided_ratings

    table = read_decided_ratings(path, settings)
    if not table.usable:
        lines = [p.render() for p in table.problems if p.severity == "error"][:10]
        raise TenureError(f"Bảng xếp loại '{path}' không dùng được:\n" + "\n".join(lines))
    return dict(table.values)


@dataclass
class AnnounceRun:
    files: list[Path] = field(default_factory=list)
    notices: dict[str, list[str]] = field(default_factory=dict)  # unit -> cadre ids
    messages: list[str] = field(default_factory=list)


def announce(
    roster_path: Path,
    plans_dir: Path,
    out_dir: Path,
    settings: Settings,
    *,
    consolidated_dir: Path | None = None,
    ratings_path: Path | None = None,
    pdf: bool = False,
    on: date | None = None,
) -> AnnounceRun:
    from dotpha_xl.kernel.text import person_sort_key

    check_output_outside_inputs(out_dir, [roster_path, plans_dir, consolidated_dir, ratings_path])
    roster = read_roster(roster_path, settings)
    plans: dict[str, PlanFile] = {}
    for path in expand_inputs([plans_dir]):
        plan = read_plan(path, settings)
        if plan.ok and plan.cadre_id in roster.cadres:
            if plan.meta.get("inherited_from"):
                known = plans.get(plan.cadre_id)
                if known is not None:  # an inherited task joins the cadre's own plan
                    known.tasks.update(plan.tasks)
                    continue
            plans.setdefault(plan.cadre_id, plan)
    years = sorted({p.year for p in plans.values() if p.year})
    if not years:
        raise TenureError(f"Không có kế hoạch hợp lệ trong {plans_dir}.")
    year = years[-1]
    results: dict[tuple[str, str], TaskRow] = {}
    if consolidated_dir is not None:
        for t in read_consolidated(consolidated_dir, year).tasks:
            results[(t.cadre.cadre_id, t.task_key)] = t
    decided = read_ratings(ratings_path, settings)
    by_unit: dict[str, list[NoticeCadre]] = {}
    for cadre in sorted(roster.cadres.values(), key=lambda c: person_sort_key(c.full_name)):
        plan = plans.get(cadre.cadre_id)
        if plan is None or plan.year != year:
            continue
        tasks = []
        for key, task in sorted(plan.tasks.items()):
            got = results.get((cadre.cadre_id, key))
            completion = None
            if got is not None:
                completion = got.result.completion_period if key.startswith("B") else None
                if completion is None:
                    completion = got.result.completion_year
            tasks.append(
                NoticeTask(
                    key,
                    task.title
                    + (f" (chuyển tiếp từ {task.carried_from})" if task.carried_from else ""),
                    _quarters(task.root, task.start_year),
                    json_percent(completion),
                    got.result.rating if got is not None and is_rated(got.facts) else None,
                    decided.get((cadre.cadre_id, key)) or decided.get((cadre.cadre_id, "")),
                )
            )
        by_unit.setdefault(cadre.unit, []).append(
            NoticeCadre(cadre.cadre_id, cadre.full_name, cadre.position, tasks)
        )
    converter = _soffice() if pdf else None
    if pdf and converter is None:
        run_messages = ["Không tìm thấy LibreOffice (soffice): chưa tạo được tệp PDF."]
    else:
        run_messages = []
    run = AnnounceRun(messages=run_messages)
    for unit, cadres in sorted(by_unit.items(), key=lambda kv: person_sort_key(kv[0])):
        data = write_notice(settings.document, unit=unit, year=year, cadres=cadres, on=on)
        name = f"thong_bao_{ascii_slug(unit, 60)}_{year}.xlsx"
        path = write_bytes_atomic(out_dir / name, data)
        run.files.append(path)
        run.notices[unit] = [c.cadre_id for c in cadres]
        if converter is not None:
            made = _to_pdf(converter, path)
            if made is None:
                run.messages.append(f"LibreOffice không chuyển được {path.name} sang PDF.")
            else:
                run.files.append(made)
    return run


def _soffice() -> str | None:
    import shutil

    return shutil.which("soffice") or shutil.which("libreoffice")


def _to_pdf(soffice: str, path: Path) -> Path | None:
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as profile:
        command = [
            soffice, f"-env:UserInstallation=file://{profile}", "--headless",
            "--convert-to", "pdf", "--outdir", str(path.parent), str(path),
        ]  # fmt: skip
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=180)
        except (subprocess.SubprocessError, OSError):
            return None
    made = path.with_suffix(".pdf")
    return made if made.is_file() else None
