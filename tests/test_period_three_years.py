"""A period task over three years (2027–2029, years 20 / 30 / 50), through the CLI: what a later
year's report carries locked and what it does not (docs/regulation.md R32, R35).

- year 1 reaches 2029's report through 2028's, which carried it;
- a year the cadre typed in 2028 (no 2027 report given) is not locked in 2029: it was never
  checked against its own year's report;
- a successor's report carries the years their predecessor reported;
- the annual report of the year before is taken over a newer Q4 report of the same cadre;
- a report in ``--previous`` that cannot be used is named;
- a task renumbered from one year's assignments to the next still carries its earlier years.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.xlsx.reports import read_report
from tests.helpers import fill, fill_notes, run, write_table

TITLE = "Chuyển đổi số hợp tác xã"
ROSTER_HEADER = ["cadre_id", "full_name", "position", "unit", "body", "left_on",
                 "predecessor_id", "appointed_on"]  # fmt: skip
LAN = ("CB911", "Hoàng Thị Lan", "Giám đốc Sở Nông nghiệp", "Sở Nông nghiệp", "UBND")
HUNG = ("CB920", "Phạm Văn Hùng", "Giám đốc Sở Nông nghiệp", "Sở Nông nghiệp", "UBND")


def year_items(y: int, task: str = "B1") -> list[str]:
    return [f"{task}.Y{y}.Q{q}.M{m}.I1" for q in range(1, 5) for m in range(1, 4)]


def only(folder: Path, cadre: str = "") -> Path:
    return next(folder.glob(f"{cadre}*.xlsx"))


def assignments(tmp: Path, year: int, cadre: str = "CB911", number: int = 1) -> Path:
    rows = [(cadre, "B", number, TITLE, 2027, 2029)]
    if number != 1:  # the running task renumbered: another period task took B1
        rows.append((cadre, "B", 1, "Việc giai đoạn mới", year, year + 1))
    return write_table(
        tmp / f"assignments{year}_{cadre}_{number}.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year"],
        rows,
    )


def plan(tmp: Path, roster: Path, year: int, out: Path, task: str = "B1", **kw) -> Path:
    """The plan of ``year``: in 2027 the weights and year 1; later, from the year before's plans
    (``--previous-plans``), only the year's own items typed."""
    previous = ("--previous-plans", kw["previous"]) if "previous" in kw else ()
    run("template", "plan", "--roster", roster, "--assignments", kw["assignments"], "--year",
        year, "--out", out, "--items-per-month", "1", *previous)  # fmt: skip
    path = only(out, kw.get("cadre", "CB911"))
    values: dict[str, dict[str, object]] = {}
    if year == 2027:
        values = {f"{task}.Y{y}": {"w_period": w} for y, w in ((1, 0.2), (2, 0.3), (3, 0.5))}
    for key in year_items(year - 2026, task):
        values[key] = {"content": f"Nội dung {key[3:]}", "product": f"Sản phẩm {key[3:]}",
                       "w_month": 1.0}  # fmt: skip
    fill(path, values)
    if year == 2027 or "previous" not in kw:
        fill_notes(path)
    run("validate", out, "--roster", roster, "--year", year)
    return path


def report(
    tmp: Path, plans: Path, year: int, out: Path, values: dict, previous=None, code: int = 0
) -> Path:
    more = ("--previous", previous) if previous is not None else ()
    result = run("template", "report", "--plans", plans, "--period", year, "--out", out, *more,
                 code=code)  # fmt: skip
    out.joinpath("_output.txt").write_text(result.output, encoding="utf-8")
    fill(only(out, "CB"), values)
    return out


def done(year: int, task: str = "B1", at: float = 1.0) -> dict:
    return {
        k: {"completion": at, "actual_product": f"Đã làm {k[3:]}"} for k in year_items(year, task)
    }


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> Path:
    """2027 and 2028 plans and annual reports of CB911; the 2029 plan."""
    tmp = tmp_path_factory.mktemp("three_years")
    roster = write_table(tmp / "roster.xlsx", ROSTER_HEADER, [(*LAN, "", "", "")])
    for year in (2027, 2028, 2029):
        kw = {"assignments": assignments(tmp, year)}
        if year > 2027:
            kw["previous"] = tmp / f"plans{year - 1}"
        plan(tmp, roster, year, tmp / f"plans{year}", **kw)
    # 2027: every item at 100 but December's at 50; 2028 (from the 2027 report): all at 100
    first = done(1) | {"B1.Y1.Q4.M3.I1": {"completion": 0.5}}
    report(tmp, tmp / "plans2027", 2027, tmp / "reports2027", first)
    report(tmp, tmp / "plans2028", 2028, tmp / "reports2028", done(2), tmp / "reports2027")
    return tmp


def test_year_1_reaches_the_third_year_through_the_second(chain):
    out = report(chain, chain / "plans2029", 2029, chain / "r2029", done(3), chain / "reports2028")
    back = read_report(only(out, "CB"), default_settings())
    assert back.ok, back.problems
    assert set(back.carried) == set(year_items(1)) | set(year_items(2))
    assert back.completions["B1.Y1.Q4.M3.I1"] == 50
    # period = 20 % × (75 + 25 × (20 + 60 + 10)/100) + 30 % × 100 + 50 % × 100 = 19.5 + 80
    run("consolidate", "--roster", chain / "roster.xlsx", "--plans", chain / "plans2029",
        "--reports", out, "--period", 2029, "--out", chain / "c2029",
        "--json", chain / "c2029.json")  # fmt: skip
    import json

    (task,) = json.loads((chain / "c2029.json").read_text(encoding="utf-8"))["tasks"]
    assert task["completion_period_exact"] == "199/2"
    assert (task["rating_year"], task["rating_period"]) == ("HTXS", "HTT")


def test_a_year_typed_unchecked_is_not_locked_a_year_later(chain):
    # 2028's report made without the 2027 report: year 1 typed by the cadre (all 100, though
    # the 2027 report said December 50); 2029 must not lock that unchecked figure
    typed = report(chain, chain / "plans2028", 2028, chain / "r2028_typed",
                   done(1) | done(2))  # fmt: skip
    assert "không lấy từ báo cáo năm trước" in (typed / "_output.txt").read_text(encoding="utf-8")
    out = report(chain, chain / "plans2029", 2029, chain / "r2029_from_typed", done(3), typed)
    said = (out / "_output.txt").read_text(encoding="utf-8")
    assert "earlier_years_not_carried" in said and "B1" in said
    back = read_report(only(out, "CB"), default_settings())
    assert not set(year_items(1)) & set(back.carried)  # year 1: typed again, not locked
    assert set(year_items(2)) <= set(back.carried)  # year 2: 2028's own, checked: locked
    assert any(p.code == "earlier_years_not_carried" for p in back.problems)


def test_the_annual_report_is_taken_over_a_newer_q4_report(chain):
    mix = chain / "mix2028"
    shutil.copytree(chain / "reports2028", mix, ignore=shutil.ignore_patterns("_output.txt"))
    q4 = report(chain, chain / "plans2028", "2028-Q4", chain / "q4_2028", done(2),
                chain / "reports2027")  # fmt: skip
    shutil.copy(only(q4, "CB"), mix / "CB911_q4.xlsx")  # newer, ends the same day
    out = report(chain, chain / "plans2029", 2029, chain / "r2029_mix", done(3), mix)
    said = (out / "_output.txt").read_text(encoding="utf-8")
    assert "previous_report_other_period" not in said, said
    back = read_report(only(out, "CB"), default_settings())
    assert set(year_items(2)) <= set(back.carried) and back.carried_from == "2028"


def test_a_report_that_cannot_be_used_is_named(chain):
    broken = chain / "broken2028"
    broken.mkdir()
    (broken / "CB911_hong.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    out = report(chain, chain / "plans2029", 2029, chain / "r2029_broken", done(3), broken, 1)
    said = (out / "_output.txt").read_text(encoding="utf-8")
    assert "previous_report_invalid" in said and "CB911_hong.xlsx" in said


def test_a_successor_carries_what_the_predecessor_reported(chain):
    # CB911 leaves at the end of 2028; CB920 succeeds on 02/01/2029 and plans 2029 from CB911's
    # 2028 plan; the 2029 report carries years 1-2 from CB911's 2028 report
    tmp = chain / "successor"
    tmp.mkdir()
    roster = write_table(tmp / "roster.xlsx", ROSTER_HEADER, [
        (*LAN, "2028-12-31", "", ""), (*HUNG, "", "CB911", "2029-01-02"),
    ])  # fmt: skip
    plan(tmp, roster, 2029, tmp / "plans2029", assignments=assignments(tmp, 2029, "CB920"),
         previous=chain / "plans2028", cadre="CB920")  # fmt: skip
    out = report(tmp, tmp / "plans2029", 2029, tmp / "r2029", done(3), chain / "reports2028")
    said = (out / "_output.txt").read_text(encoding="utf-8")
    assert "earlier_years_not_carried" not in said, said
    back = read_report(only(out, "CB920"), default_settings())
    assert back.ok, back.problems
    assert set(back.carried) == set(year_items(1)) | set(year_items(2))


def test_a_renumbered_task_still_carries_its_earlier_years(chain):
    # the 2029 assignments give the running task the number 2 (a new period task took B1)
    tmp = chain / "renumbered"
    tmp.mkdir()
    plans = tmp / "plans2029"
    run("template", "plan", "--roster", chain / "roster.xlsx", "--assignments",
        assignments(tmp, 2029, number=2), "--year", 2029, "--out", plans, "--items-per-month",
        "1", "--previous-plans", chain / "plans2028")  # fmt: skip
    path = only(plans, "CB911")
    new_task = {f"B1.Y1.Q{q}.M{m}.I1": {"content": "Việc mới", "w_month": 1.0}
                for q in range(1, 5) for m in range(1, 4)}  # fmt: skip
    mine = {k: {"content": f"Nội dung {k[3:]}", "product": f"Sản phẩm {k[3:]}", "w_month": 1.0}
            for k in year_items(3, "B2")}  # fmt: skip
    fill(path, new_task | mine | {"B1.Y1": {"w_period": 0.5}, "B1.Y2": {"w_period": 0.5}})
    fill_notes(path)
    run("validate", plans, "--roster", chain / "roster.xlsx", "--year", 2029)
    out = report(tmp, plans, 2029, tmp / "r2029", done(3, "B2"), chain / "reports2028")
    said = (out / "_output.txt").read_text(encoding="utf-8")
    assert "previous_plan_differs" not in said, said
    back = read_report(only(out, "CB911"), default_settings())
    assert set(back.carried) == set(year_items(1, "B2")) | set(year_items(2, "B2"))
    assert back.completions["B2.Y1.Q4.M3.I1"] == 50


def test_a_successor_taking_over_two_tasks_gets_one_plan_and_one_report(chain):
    # CB911 leaves on 30/06/2028 with a period task and an annual task; CB920 takes both over
    tmp = chain / "two_tasks"
    tmp.mkdir()
    table = write_table(
        tmp / "assignments.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year"],
        [("CB911", "B", 1, TITLE, 2027, 2029), ("CB911", "A", 1, "Việc năm 2028", 2028, 2028)],
    )
    plans = tmp / "plans2028"
    run("template", "plan", "--roster", chain / "roster.xlsx", "--assignments", table,
        "--year", 2028, "--out", plans, "--items-per-month", "1",
        "--previous-plans", chain / "plans2027")  # fmt: skip
    annual = [f"A1.Q{q}.M{m}.I1" for q in range(1, 5) for m in range(1, 4)]
    fill(only(plans), {k: {"content": f"Nội dung {k}", "w_month": 1.0}
                       for k in [*annual, *year_items(2)]})  # fmt: skip
    fill_notes(only(plans))
    run("validate", plans, "--year", 2028)
    roster = write_table(tmp / "roster.xlsx", ROSTER_HEADER, [
        (*LAN, "2028-06-30", "", ""), (*HUNG, "", "CB911", "2028-07-01"),
    ])  # fmt: skip
    first_half = [k for k in [*annual, *year_items(2)] if ".Q1." in k or ".Q2." in k]
    report(tmp, plans, "2028-06-30", tmp / "adhoc", {k: {"completion": 1.0} for k in first_half},
           chain / "reports2027")  # fmt: skip
    run("handover", "--roster", roster, "--plans", plans, "--reports", tmp / "adhoc",
        "--cadre", "CB911", "--out", tmp / "handover")  # fmt: skip
    (taken,) = (tmp / "handover").glob("CB920_*ke_hoach*.xlsx")
    assert "tiep_nhan_A1_B1" in taken.name or "tiep_nhan_B1_A1" in taken.name
    succ = tmp / "plans_successor"
    succ.mkdir()
    shutil.copy(taken, succ / taken.name)
    run("validate", succ, "--year", 2028)
    run("template", "report", "--plans", succ, "--period", 2028, "--out", tmp / "r2028")
    (made,) = (tmp / "r2028").glob("*.xlsx")
    back = read_report(made, default_settings())
    assert set(back.tasks) == {"A1", "B1"}


def test_a_plan_whose_task_a_newer_plan_lacks_is_named(chain):
    # two valid plans of one cadre and year: the report is made from the newest, and a task of
    # the older one it lacks is an error naming both files
    import os

    plans = chain / "two_plans"
    shutil.copytree(chain / "plans2028", plans)
    table = write_table(
        chain / "annual_only.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year"],
        [("CB911", "A", 1, "Việc năm 2028", 2028, 2028)],
    )
    other = chain / "annual_plan"
    run("template", "plan", "--roster", chain / "roster.xlsx", "--assignments", table,
        "--year", 2028, "--out", other, "--items-per-month", "1")  # fmt: skip
    path = only(other)
    fill(path, {f"A1.Q{q}.M{m}.I1": {"content": "Nội dung", "w_month": 1.0}
                for q in range(1, 5) for m in range(1, 4)})  # fmt: skip
    fill_notes(path)
    newer = plans / "CB911_ke_hoach_2028_ban_moi.xlsx"
    shutil.copy(path, newer)
    later = only(chain / "plans2028").stat().st_mtime + 60
    os.utime(newer, (later, later))
    result = run("template", "report", "--plans", plans, "--period", 2028, "--out",
                 chain / "r_two_plans", code=1)  # fmt: skip
    assert "plan_tasks_left_out" in result.output and "B1" in result.output
    assert "ban_moi" in result.output
    (made,) = (chain / "r_two_plans").glob("*.xlsx")
    assert set(read_report(made, default_settings()).tasks) == {"A1"}
