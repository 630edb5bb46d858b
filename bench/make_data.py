"""Synthetic filled plans and reports for the benchmark, made through the real writers.

    python bench/make_data.py --n 2000 [--out bench/out] [--jobs 2]

For N cadres (ids BX00001…, five reviewing bodies round-robin, one annual task each and a period
task for every 5th) it writes a roster and an assignments table with xlsxwriter, generates every
plan template with ``generate_plans``, and then makes N filled plans and N filled reports for the
period 2027-Q2:

* one cadre per distinct layout (annual task only; annual + period task) has their plan and their
  report filled by the seeded sample filler (openpyxl, through the key contract), exactly as the
  demo does;
* every other cadre gets the same plan content re-created through the real plan writer
  (``write_plan(..., trees=...)`` writes the filled items, content, products and weights, into the
  input cells), and a report written by the real report writer pre-filled with seeded completions
  through its ``previous=ReportInputs(...)`` argument.  openpyxl would take hours for 20,000
  saves; the writers take milliseconds and the files read back the same way.

A few files are made bad on purpose, as in real intakes: the 499th report of every 1,000 is
truncated (rejected as corrupt) and every 250th cadre sends no report (missing).  Received
times (file mtimes) are four days before the deadline.

The data is cached under ``OUT/n<N>/``: a finished set carries a ``DONE`` marker and is reused.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

import xlsxwriter

from dotpha_xl.records.tasks import PlannedTask

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dotpha_demo.filler import fill_plan, fill_report
from dotpha_xl.domain.calendar import last_day_allowed, report_deadline
from dotpha_xl.domain.periods import month_end, parse_period
from dotpha_xl.domain.tree import Node, item_calendar_month
from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.steps.generate import generate_plans
from dotpha_xl.store.files import output_name
from dotpha_xl.xlsx.form_layout import Person
from dotpha_xl.xlsx.plan_form import write_plan
from dotpha_xl.xlsx.plans import read_plan
from dotpha_xl.xlsx.report_form import ReportInputs, write_report

YEAR = 2027
PERIOD = "2027-Q2"
BODIES = ("TC", "HDND", "UBND", "NC", "DV")
SEED = 2027
HERE = Path(__file__).resolve().parent
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ")
GIVEN = ("Văn An", "Thị Bình", "Quốc Cường", "Thị Dung", "Minh Đức", "Thu Hà", "Hữu Khánh")


@dataclass
class Dataset:
    root: Path
    n: int
    roster: Path
    assignments: Path
    plans: Path
    reports: Path
    period: str = PERIOD

    @property
    def report_files(self) -> list[Path]:
        return sorted(self.reports.glob("*.xlsx"))


def cadre_id(i: int) -> str:
    return f"BX{i:05d}"


def cadre_row(i: int) -> tuple[str, str, str, str, str]:
    name = f"{SURNAMES[i % len(SURNAMES)]} {GIVEN[i % len(GIVEN)]} {i}"
    unit = f"Đơn vị số {i}"
    return (cadre_id(i), name, f"Thủ trưởng {unit}", unit, BODIES[(i - 1) % len(BODIES)])


def tasks_of(i: int) -> list[tuple[str, str, int, str, int, int]]:
    rows = [(cadre_id(i), "A", 1, f"Việc đột phá năm {YEAR} của đơn vị số {i}", YEAR, YEAR)]
    if i % 5 == 0:
        rows.append((cadre_id(i), "B", 1, f"Việc đột phá giai đoạn của đơn vị số {i}", 2026, 2028))
    return rows


def layout_of(i: int) -> str:
    return "AB" if i % 5 == 0 else "A"


def write_table(path: Path, header: list[str], rows: list[tuple]) -> Path:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
    book.close()
    return path


def write_tables(root: Path, n: int) -> tuple[Path, Path]:
    roster = write_table(
        root / "roster.xlsx",
        ["cadre_id", "full_name", "position", "unit", "body"],
        [cadre_row(i) for i in range(1, n + 1)],
    )
    assignments = write_table(
        root / "assignments.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year"],
        [row for i in range(1, n + 1) for row in tasks_of(i)],
    )
    return roster, assignments


def person(i: int) -> Person:
    cid, name, position, unit, _ = cadre_row(i)
    return Person(cid, name, position, unit)


def plan_tasks(i: int) -> list[PlannedTask]:
    return [
        PlannedTask(section=s, number=no, title=t, start_year=a, end_year=b)
        for _, s, no, t, a, b in tasks_of(i)
    ]


def seeded_inputs(i: int, trees: dict[str, Node], starts: dict[str, int]) -> ReportInputs:
    """What cadre ``i`` types in their Q2 report, seeded by their id: items of months ended by
    the period's end mostly done, a few cadres behind, a few with a force-majeure item."""
    rng = random.Random(f"{SEED}:{cadre_id(i)}")
    end = parse_period(PERIOD).end
    behind = i % 7 == 3
    inputs = ReportInputs()
    fm_done = i % 41 != 0
    for key, root in trees.items():
        for item in root.items():
            year, month = item_calendar_month(item.key, starts[key])
            due = month_end(year, month) <= end
            if not due:
                done = rng.choice((0, 0, 0, 20))
            elif behind:
                done = rng.choice((20, 30, 50))
            else:
                done = rng.choice((100, 100, 100, 100, 90, 80))
            k = str(item.key)
            if due and not fm_done:
                done = 0
                inputs.force_majeure[k] = "Bão số 3 gây ngập úng, phải dừng thi công"
                fm_done = True
            if done:
                inputs.completions[k] = Fraction(done)
                inputs.actual_products[k] = "Đã hoàn thành"
    return inputs


def _received(settings) -> float:
    due = report_deadline(settings, parse_period(PERIOD)) or parse_period(PERIOD).end
    return (datetime(due.year, due.month, due.day, 9, 30) - timedelta(days=4)).timestamp()


#: The plan's narrative of every task (Art. 4.4 a), written into the plans of the cadres not
#: filled by the seeded filler (the required rows; a plan without them is not valid).
NOTES = {
    "objectives_general": "Nâng cao chất lượng, hiệu quả công việc",
    "objectives_specific": "Hoàn thành 100% chỉ tiêu đăng ký",
    "solutions": "Rà soát quy trình; ứng dụng công nghệ thông tin",
    "roadmap": "Quý I: kế hoạch; quý II–III: triển khai; quý IV: sơ kết",
}


def _write_cadres(job: tuple[Path, list[int], dict[str, dict[str, Node]]]) -> int:
    """Filled plan and report of every cadre in ``ids`` (a worker's share)."""
    root, ids, trees_by_layout = job
    settings = default_settings()
    period = parse_period(PERIOD)
    deadline = last_day_allowed(settings.deadlines["plan"].in_year(YEAR), settings.deadline_reading)
    due = report_deadline(settings, period)
    guide = {"deadline": f"{last_day_allowed(due, settings.deadline_reading):%d/%m/%Y}"}
    when = _received(settings)
    for i in ids:
        who = person(i)
        tasks = plan_tasks(i)
        for task in tasks:
            task.notes = dict(NOTES)
        trees = trees_by_layout[layout_of(i)]
        plan_path = root / "plans" / output_name(who.cadre_id, who.full_name, "ke_hoach", str(YEAR))
        plan_bytes = write_plan(who, YEAR, tasks, trees=trees, deadline=f"{deadline:%d/%m/%Y}")
        plan_path.write_bytes(plan_bytes)
        if i % 250 == 0:
            continue  # this cadre sends no report
        data = write_report(
            who,
            period,
            tasks,
            trees,
            plan_digest=f"bench-{who.cadre_id}",
            previous=seeded_inputs(i, trees, {t.key: t.start_year for t in tasks}),
            guide_values=guide,
        )
        if i % 1000 == 499:  # (not a multiple of 250: those cadres send nothing)
            data = data[:2000]  # a transfer cut short
        target = root / "reports" / output_name(who.cadre_id, who.full_name, "bao_cao", PERIOD)
        target.write_bytes(data)
        os.utime(target, (when, when))
    return len(ids)


def make_data(n: int, out: Path = HERE / "out", jobs: int = os.cpu_count() or 1) -> Dataset:
    """The filled data set of ``n`` cadres under ``out/n<n>``, made once and reused."""
    root = out / f"n{n}"
    data = Dataset(
        root, n, root / "roster.xlsx", root / "assignments.xlsx", root / "plans", root / "reports"
    )
    if (root / "DONE").exists():
        return data
    if root.exists():
        shutil.rmtree(root)
    (root / "plans").mkdir(parents=True)
    (root / "reports").mkdir()
    settings = default_settings()
    write_tables(root, n)
    # The templates of the layouts' first cadres, filled by the seeded filler (openpyxl).
    first = {}
    for i in range(1, n + 1):
        first.setdefault(layout_of(i), i)
    templates = root / "templates_first"
    tables = root / "tables_first"
    tables.mkdir()
    r, a = (
        write_table(
            tables / "roster.xlsx",
            ["cadre_id", "full_name", "position", "unit", "body"],
            [cadre_row(i) for i in first.values()],
        ),
        write_table(
            tables / "assignments.xlsx",
            ["cadre_id", "section", "task_no", "title", "start_year", "end_year"],
            [row for i in first.values() for row in tasks_of(i)],
        ),
    )
    made = generate_plans(r, a, YEAR, templates, settings)
    trees_by_layout: dict[str, dict[str, Node]] = {}
    filled_first: dict[int, Path] = {}
    for layout, i in first.items():
        template = next(p for p in made.files if p.name.startswith(cadre_id(i) + "_"))
        target = root / "plans" / template.name
        fill_plan(template, target, random.Random(f"{SEED}:{template.name}"))
        plan = read_plan(target, settings)
        if not plan.ok:
            raise SystemExit(f"the filler's plan is not valid: {plan.problems[:3]}")
        trees_by_layout[layout] = {k: t.root for k, t in plan.tasks.items()}
        filled_first[i] = target
    # Everyone else: the same content through the real writers, over processes.
    rest = [i for i in range(1, n + 1) if i not in filled_first]
    chunks = [rest[k :: max(1, jobs * 4)] for k in range(max(1, jobs * 4))]
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(_write_cadres, [(root, c, trees_by_layout) for c in chunks if c]))
    # The first cadres' reports: generated by the real writer, filled by the seeded filler.
    period = parse_period(PERIOD)
    when = _received(settings)
    for i, plan_path in filled_first.items():
        plan = read_plan(plan_path, settings)
        tasks = list(plan.tasks.values())
        who = person(i)
        blank = write_report(
            who, period, tasks, {k: t.root for k, t in plan.tasks.items()}, plan_digest=plan.digest
        )
        template = root / "templates_first" / f"report_{who.cadre_id}.xlsx"
        template.write_bytes(blank)
        target = root / "reports" / output_name(who.cadre_id, who.full_name, "bao_cao", PERIOD)
        fill_report(template, target, random.Random(f"{SEED}:{target.name}"))
        os.utime(target, (when, when))
    shutil.rmtree(tables)
    (root / "DONE").write_text(f"{n}\n")
    return data


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, required=True, help="number of cadres (up to 20,000)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    data = make_data(args.n, args.out, args.jobs)
    print(f"{data.root}: {len(data.report_files)} reports in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
