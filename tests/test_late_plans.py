"""Plan deadlines (Art. 4.4 b, docs/regulation.md R33), through the CLI: 25/01 of the year, or a
month after a task assigned later; judged on the first accepted plan; listed by ``validate``,
in the consolidation JSON and in the body workbook."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date, datetime

import openpyxl
import pytest

from dotpha_xl.domain.calendar import plan_deadline
from dotpha_xl.kernel.settings import default_settings
from tests.helpers import ROSTER, fill, items, plan_cycle, run, write_table

HEADER = ["cadre_id", "section", "task_no", "title", "start_year", "end_year", "assigned_on"]


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """Three cadres' filled plans; CB902's task was assigned on 15/03/2027 (after the decision),
    the other two on 28/12/2026."""
    root, roster, _ = plan_cycle(tmp_path_factory.mktemp("late_plans"))
    assigned = {"CB901": "28/12/2026", "CB902": "15/03/2027", "CB903": "28/12/2026"}
    assignments = write_table(
        root / "giao_viec.xlsx",
        HEADER,
        [(cid, "A", 1, f"Việc của {cid}", 2027, 2027, assigned[cid]) for cid, *_ in ROSTER],
    )
    names = {p.name.split("_", 1)[0]: p.name for p in (root / "plans").glob("*.xlsx")}
    return root, roster, assignments, names


def receipts(path, rows):
    return write_table(path, ["file", "received"], rows)


def test_the_deadline_of_a_plan():
    s = default_settings()
    assert plan_deadline(s, 2027) == date(2027, 1, 25)
    assert plan_deadline(s, 2027, date(2026, 12, 28)) == date(2027, 1, 25)  # at the decision
    assert plan_deadline(s, 2027, date(2026, 12, 31)) == date(2027, 1, 25)
    assert plan_deadline(s, 2027, date(2027, 1, 3)) == date(2027, 2, 3)  # assigned later
    assert plan_deadline(s, 2027, date(2027, 3, 15)) == date(2027, 4, 15)
    assert plan_deadline(s, 2027, date(2027, 1, 31)) == date(2027, 2, 28)  # clamped


def test_validate_lists_a_late_plan_not_one_on_time_after_a_late_assignment(cycle, tmp_path):
    root, roster, assignments, names = cycle
    table = receipts(
        tmp_path / "nhan.xlsx",
        [
            (names["CB901"], "01/02/2027 08:30"),  # 7 days after 25/01: late
            (names["CB902"], "10/04/2027 09:00"),  # after 25/01, within a month of 15/03
            (names["CB903"], "25/01/2027 16:00"),  # on the day: on time (R3)
        ],
    )
    result = run(
        "validate", root / "plans", "--roster", roster, "--assignments", assignments,
        "--receipts", table, "--json", "-",
    )  # fmt: skip
    late = json.loads(result.stdout)["late_plans"]
    assert [(p["cadre_id"], p["deadline"], p["days_late"]) for p in late] == [
        ("CB901", "2027-01-25", 7)
    ]
    assert late[0]["received"] == "2027-02-01T08:30:00"
    assert late[0]["file"] == names["CB901"] and late[0]["full_name"] == "Nguyễn Thị Mai"
    assert "kế hoạch nộp muộn" in result.stderr

    # Without the assignments' dates CB902's plan is judged against 25/01: late as well.
    result = run("validate", root / "plans", "--roster", roster, "--receipts", table,
                 "--json", "-")  # fmt: skip
    late = json.loads(result.stdout)["late_plans"]
    assert [(p["cadre_id"], p["days_late"]) for p in late] == [("CB901", 7), ("CB902", 75)]


def test_a_correction_sent_late_does_not_make_a_plan_late(cycle, tmp_path):
    root, roster, assignments, names = cycle
    ledger = tmp_path / "ledger.sqlite"
    first = tmp_path / "v1"
    shutil.copytree(root / "plans", first)
    on_time = datetime(2027, 1, 20, 9).timestamp()
    for path in first.glob("*.xlsx"):
        os.utime(path, (on_time, on_time))
    run("--ledger", ledger, "validate", first, "--roster", roster, "--assignments", assignments)
    second = tmp_path / "v2"
    shutil.copytree(root / "plans", second)
    path = second / names["CB901"]
    fill(path, {next(items()): {"content": "Nội dung sửa lại"}})  # other bytes: a new version
    late = datetime(2027, 2, 10, 9).timestamp()
    os.utime(path, (late, late))
    args = ("validate", path, "--roster", roster, "--assignments", assignments, "--json", "-")
    data = json.loads(run("--ledger", ledger, *args).stdout)
    assert data["late_plans"] == []
    # With a fresh ledger the same late copy is the first seen: late.
    data = json.loads(run(*args).stdout)
    assert [p["cadre_id"] for p in data["late_plans"]] == ["CB901"]


def test_consolidation_lists_late_plans_in_its_json_and_the_body_workbook(cycle, tmp_path):
    root, roster, assignments, names = cycle
    ledger = tmp_path / "ledger.sqlite"
    table = receipts(
        tmp_path / "nhan.xlsx",
        [
            (names["CB901"], "01/02/2027"),
            (names["CB902"], "10/04/2027"),
            (names["CB903"], "20/01/2027"),
        ],
    )
    run("--ledger", ledger, "validate", root / "plans", "--roster", roster, "--assignments",
        assignments, "--receipts", table)  # fmt: skip
    run("--ledger", ledger, "template", "report", "--plans", root / "plans", "--period",
        "2027-Q1", "--out", tmp_path / "reports")  # fmt: skip
    out = tmp_path / "out"
    run(
        "--ledger", ledger, "consolidate", "--roster", roster, "--assignments", assignments,
        "--plans", root / "plans", "--reports", tmp_path / "reports", "--period", "2027-Q1",
        "--out", out, "--json", tmp_path / "c.json", code=None,
    )  # fmt: skip
    data = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert [(p["cadre_id"], p["received"][:10], p["deadline"], p["days_late"])
            for p in data["late_plans"]] == [("CB901", "2027-02-01", "2027-01-25", 7)]  # fmt: skip
    book = openpyxl.load_workbook(next(out.glob("UBND_*.xlsx")))
    sheet = book["Kế hoạch nộp muộn"]
    text = [[c.value for c in row] for row in sheet.iter_rows()]
    rows = [r for r in text if r[0] == "CB901"]
    assert len(rows) == 1
    assert rows[0][5:9] == [names["CB901"], datetime(2027, 2, 1), datetime(2027, 1, 25), 7]
    assert not [r for r in text if r[0] == "CB902"]
    tc = openpyxl.load_workbook(next(out.glob("TC_*.xlsx")))
    assert not [r for r in tc["Kế hoạch nộp muộn"].iter_rows(values_only=True) if r[0]
                and str(r[0]).startswith("CB9")]  # fmt: skip


def test_a_plan_is_due_by_the_latest_of_its_tasks_and_a_handover_counts():
    from dotpha_xl.records.people import Assignment, Assignments, Cadre
    from dotpha_xl.steps.late_plans import plan_deadlines

    def cadre(cid, **kw):
        return Cadre(cid, cid, "Giám đốc", "Sở", "UBND", **kw)

    cadres = {
        c.cadre_id: c
        for c in (
            cadre("C1"),  # two tasks, one assigned on 15/03
            cadre("C2", status="moved", left_on=date(2027, 7, 15)),
            cadre("C3", appointed_on=date(2027, 7, 20), predecessor_id="C2"),  # takes over
            cadre("C4", appointed_on=date(2027, 2, 10)),  # no assignment date known
            cadre("C5"),
        )
    }
    table = Assignments(
        [
            Assignment("C1", "A", 1, "x", 2027, 2027, assigned_on=date(2026, 12, 28)),
            Assignment("C1", "A", 2, "y", 2027, 2027, assigned_on=date(2027, 3, 15)),
            Assignment("C5", "A", 1, "z", 2027, 2027, assigned_on=date(2026, 12, 28)),
        ]
    )
    due = plan_deadlines(cadres, default_settings(), 2027, table)
    assert (due["C1"].due, due["C1"].assigned_on) == (date(2027, 4, 15), date(2027, 3, 15))
    # the handover day (the successor appointed after the predecessor left: the appointment)
    assert (due["C3"].due, due["C3"].assigned_on) == (date(2027, 8, 20), date(2027, 7, 20))
    assert due["C4"].due == date(2027, 3, 10)
    assert (due["C5"].due, due["C5"].assigned_on) == (date(2027, 1, 25), None)
