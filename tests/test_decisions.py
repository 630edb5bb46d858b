"""What reaches the Standing Committee (Art. 2.5, 7, 9, 10), through the CLI on made-up files:
each case listed with its ground, and each near miss not listed.  The rules themselves are
``dotpha_xl.domain.decisions``; the summary, ratings and carry-over only call them."""

from __future__ import annotations

import json
import os
from datetime import datetime
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dotpha_xl.domain import decisions
from dotpha_xl.domain.periods import parse_period
from tests.helpers import fill, fill_notes, items, run, write_table

ROSTER = [
    ("CB901", "Nguyễn Thị Mai", "Giám đốc Sở Tài chính", "Sở Tài chính", "UBND"),
    ("CB902", "Trần Văn Bình", "Giám đốc Sở Xây dựng", "Sở Xây dựng", "UBND"),
    ("CB903", "Lê Hoàng Nam", "Chánh Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy", "TC"),
    ("CB904", "Phạm Thu Hà", "Giám đốc Sở Y tế", "Sở Y tế", "UBND"),
    ("CB905", "Đỗ Minh Quân", "Giám đốc Sở Nội vụ", "Sở Nội vụ", "UBND"),
    ("CB906", "Hoàng Anh Tú", "Giám đốc Sở Công Thương", "Sở Công Thương", "UBND"),
]
DEADLINE_Q4 = datetime(2027, 12, 20, 9, 0)  # before the annual report's deadline (25/12)


# --- the rules, on exact figures -------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "rated"),
    [("2027-Q1", True), ("2027-Q2", True), ("2027-H1", True), ("2027-Q3", True),
     ("2027-09-30", True), ("2027-Q4", False), ("2027-H2", False), ("2027-12-10", False),
     ("2027-10-01", False), ("2027", False)],
)  # fmt: skip
def test_rated_early_only_before_the_fourth_quarter(period, rated):
    assert decisions.rated_early(parse_period(period), F(100)) is rated
    assert decisions.rated_early(parse_period(period), F(9999, 100)) is False


def facts(completion, **kw):
    base = dict(section="A", period=parse_period("2027"), rating="HTT", rating_raw="HTT",
                completion_year=completion, expected_to_date=F(100))  # fmt: skip
    return decisions.TaskFacts(**(base | kw))


def test_carry_over_and_commendation_on_exact_figures():
    near = facts(F(99996, 1000))  # shows 100.0 when rounded
    assert decisions.carries_over(near) and not decisions.proposed_for_commendation(near)
    done = facts(F(100), rating="HTXS", rating_raw="HTXS")
    assert not decisions.carries_over(done) and decisions.proposed_for_commendation(done)
    fm_only = facts(F(100), rating="HTXS", rating_raw="HTT")  # raw 90, adjusted 100
    assert not decisions.carries_over(fm_only)
    assert decisions.commendation_rests_on_force_majeure(fm_only)
    leaver = facts(F(525, 10), rating=None, rating_raw=None, handed_over=True)
    assert not decisions.carries_over(leaver) and not decisions.is_rated(leaver)
    assert not decisions.carries_over(facts(F(50), section="B"))
    assert not decisions.carries_over(facts(F(50), period=parse_period("2027-Q2")))


# --- through the CLI ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> dict:
    """Five cadres with one annual task each (two items a month, 50/50), plans filled; annual
    reports filled to one case each; consolidated; summarised with the proposals' JSON."""
    tmp = tmp_path_factory.mktemp("decisions")
    roster = write_table(tmp / "roster.xlsx", ["cadre_id", "full_name", "position", "unit",
                                               "body"], ROSTER)  # fmt: skip
    assignments = write_table(
        tmp / "assignments.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year"],
        [(cid, "A", 1, f"Việc của {cid}", 2027, 2027) for cid, *_ in ROSTER],
    )
    run("template", "plan", "--roster", roster, "--assignments", assignments, "--year", "2027",
        "--out", tmp / "plans", "--items-per-month", "2")  # fmt: skip
    plans = tmp / "plans"
    for path in plans.glob("*.xlsx"):
        if path.name.startswith("CB905"):
            path.unlink()  # CB905 never sends a plan
            continue
        fill(path, {k: {"content": f"Nội dung {k}", "w_month": 0.5} for k in items()})
        fill_notes(path)
    run("template", "report", "--plans", plans, "--period", "2027", "--out", tmp / "year")
    reports = tmp / "year"
    done = {k: {"completion": 1.0, "actual_product": f"Đã xong {k}"} for k in items()}
    first = "A1.Q1.M1.I1"
    by = {p.name[:5]: p for p in reports.glob("*.xlsx")}
    # CB901: one item at 99.84 %: the year at exactly 99.996 % (shown 100.0).
    fill(
        by["CB901"],
        done
        | {
            first: {"completion": 0.9984, "actual_product": "Gần xong"},
            "A1": {"shortfall_reason": "Chờ thẩm định hồ sơ cuối cùng"},
        },
    )
    # CB902: one item not done, marked force majeure: adjusted 100, raw 97.5; late.
    fill(by["CB902"], done | {first: {"completion": 0, "actual_product": "",
                                      "force_majeure": "x", "fm_reason": "Bão lũ"}})  # fmt: skip
    # CB903: nothing done although due, and rated HTXS by themself.
    fill(by["CB903"], {k: {"completion": 0} for k in items()} | {"A1": {"self_rating": "HTXS"}})
    # CB906: all done, one item at 100 % with no actual product written.
    fill(by["CB906"], done | {first: {"completion": 1.0, "actual_product": ""}})
    by["CB904"].unlink()  # CB904 has a valid plan and sends no report
    when = DEADLINE_Q4.timestamp()
    for path in reports.glob("*.xlsx"):
        os.utime(path, (when, when))
    late = datetime(2027, 12, 30, 9, 0).timestamp()
    os.utime(by["CB902"], (late, late))
    out = tmp / "out"
    run("consolidate", "--roster", roster, "--plans", plans, "--reports", reports, "--period",
        "2027", "--assignments", assignments, "--out", out)  # fmt: skip
    proposals = tmp / "proposals.json"
    proposals.write_text(json.dumps({"year": 2027, "registered": [
        {"cadre_id": c, "task_key": "A1", "title": "…"}
        for c in ("CB901", "CB902", "CB904", "CB906")
    ]}), encoding="utf-8")  # fmt: skip
    summary = json.loads(
        run(
            "summary",
            "--consolidated",
            out,
            "--period",
            "2027",
            "--out",
            tmp / "btv.xlsx",
            "--proposals-json",
            proposals,
            "--json",
            "-",
        ).stdout
    )
    consolidation = json.loads((out / "consolidation_2027.json").read_text(encoding="utf-8"))
    return {"dir": tmp, "out": out, "summary": summary, "tasks": {
        t["cadre_id"]: t for t in consolidation["tasks"]}, "reports": by}  # fmt: skip


def keys(summary: dict, part: str) -> set[str]:
    return {c["key"] for c in summary[part]}


def test_99_996_is_htt_carried_and_not_commended(year):
    t, s = year["tasks"]["CB901"], year["summary"]
    assert t["completion_year"] == 100.0 and t["completion_year_exact"] == "24999/250"
    assert t["rating"] == "HTT"
    assert "CB901:A1" in keys(s, "carry_over") and "CB901:A1" not in keys(s, "commendation")
    # the reason the cadre wrote reaches the summary's list, in its JSON and its workbook
    (case,) = [c for c in s["carry_over"] if c["key"] == "CB901:A1"]
    assert case["reason"] == "Chờ thẩm định hồ sơ cuối cùng"
    import openpyxl

    book = openpyxl.load_workbook(year["dir"] / "btv.xlsx")
    text = [c for row in book["IV. Chuyển năm sau"].values for c in row if c]
    assert "Chờ thẩm định hồ sơ cuối cùng" in text


def test_force_majeure_only_is_not_carried_and_commended_with_its_mark(year):
    s = year["summary"]
    assert "CB902:A1" not in keys(s, "carry_over")
    (case,) = [c for c in s["commendation"] if c["key"] == "CB902:A1"]
    assert case["marks"] == ["force_majeure"] and case["completion_raw"] == 97.5
    assert "CB902:A1" in keys(s, "force_majeure")


def test_late_is_a_follow_up_list_not_an_art_10_ground(year):
    s = year["summary"]
    assert keys(s, "late") == {"CB902:*"}
    assert not any(c["cadre_id"] == "CB902" for c in s["discipline"])


def test_each_ground_of_art_10_with_its_evidence(year):
    s = year["summary"]
    grounds = {c["key"]: c["grounds"] for c in s["discipline"]}
    assert grounds == {
        "CB903:*": ["not_registered"],
        "CB903:A1": ["not_carried_out", "untruthful_report"],
        "CB904:*": ["not_reported"],
        "CB905:*": ["not_registered", "not_carried_out"],
        "CB906:A1": ["untruthful_report"],
    }
    assert s["registrations_judged"] is True
    signals = {
        c["cadre_id"]: [(x["code"], x["node"], x["file"], x["sheet"]) for x in c["signals"]]
        for c in s["discipline"]
        if c["signals"]
    }
    sheet = "Báo cáo"
    assert signals == {
        "CB903": [("self_rating_above", "A1", year["reports"]["CB903"].name, sheet)],
        "CB906": [("done_without_product", "A1.Q1.M1.I1", year["reports"]["CB906"].name, sheet)],
    }
    cells = [x["cell"] for c in s["discipline"] for x in c["signals"]]
    assert all(cells) and len(cells) == 2


def test_without_registrations_not_registered_is_not_judged_and_said(year):
    s = json.loads(
        run(
            "summary",
            "--consolidated",
            year["out"],
            "--period",
            "2027",
            "--out",
            year["dir"] / "btv2.xlsx",
            "--json",
            "-",
        ).stdout
    )
    assert s["registrations_judged"] is False
    assert not any("not_registered" in c["grounds"] for c in s["discipline"])
    import openpyxl

    book = openpyxl.load_workbook(year["dir"] / "btv2.xlsx")
    text = " ".join(str(c) for row in book["II. Xem xét xử lý"].values for c in row if c)
    assert "Chưa xét căn cứ «không đăng ký»" in text


def test_summary_carry_over_and_the_carry_over_command_are_the_same_set(year):
    carried = json.loads(
        run(
            "carry-over",
            "--consolidated",
            year["out"],
            "--year",
            "2027",
            "--out",
            year["dir"] / "carry.xlsx",
            "--json",
            "-",
        ).stdout
    )
    got = {f"{c['cadre_id']}:{c['from_task'].split(':')[1]}" for c in carried["carried"]}
    assert got == keys(year["summary"], "carry_over") == {"CB901:A1", "CB903:A1"}


@pytest.mark.parametrize(("period", "rated"), [("2027-Q2", True), ("2027-Q4", False)])
def test_100_percent_rated_early_only_before_the_fourth_quarter(year, tmp_path, period, rated):
    """100 % of the whole year's items in a Q2 report: rated there, with the self-rating and
    evidence written on the task row; in a Q4 report: it waits for the annual report."""
    plans = year["dir"] / "plans"
    run("template", "report", "--plans", plans, "--period", period, "--out", tmp_path / "r")
    report = next((tmp_path / "r").glob("CB901_*.xlsx"))
    done = {k: {"completion": 1.0, "actual_product": f"Đã xong {k}"} for k in items()}
    fill(report, done | {"A1": {"self_rating": "HTXS", "evidence": "Quyết định số 12/QĐ"}})
    out = tmp_path / "out"
    run("consolidate", "--roster", year["dir"] / "roster.xlsx", "--plans", plans, "--reports",
        tmp_path / "r", "--period", period, "--out", out, code=None)  # fmt: skip
    data = json.loads((out / f"consolidation_{period.replace('-', '_')}.json").read_text("utf-8"))
    (task,) = [t for t in data["tasks"] if t["cadre_id"] == "CB901"]
    if rated:
        assert task["rating"] == "HTXS" and task["completed_early"] is True
        assert task["self_rating"] == "HTXS" and task["evidence"] == "Quyết định số 12/QĐ"
    else:
        assert task["rating"] is None and task["completed_early"] is False
        assert "completed_early" not in task["flags"]


def test_an_item_below_the_cadres_previous_report_is_a_signal_at_its_cell(year, tmp_path):
    """The intake ledger keeps each accepted report's completions; the next period's report of
    the same cadre that says less for an item is a signal, named at its cell."""
    plans, roster, ledger = year["dir"] / "plans", year["dir"] / "roster.xlsx", tmp_path / "l.db"
    item = "A1.Q1.M1.I1"
    for period, value in (("2027-Q1", 1.0), ("2027-Q2", 0.5)):
        folder = tmp_path / period
        run("template", "report", "--plans", plans, "--period", period, "--out", folder)
        report = next(folder.glob("CB901_*.xlsx"))
        fill(report, {item: {"completion": value, "actual_product": "Đã làm"}})
        out = tmp_path / f"out_{period}"
        run("--ledger", ledger, "consolidate", "--roster", roster, "--plans", plans,
            "--reports", folder, "--period", period, "--out", out)  # fmt: skip
    data = json.loads((tmp_path / "out_2027-Q2" / "consolidation_2027_Q2.json").read_text("utf-8"))
    (task,) = [t for t in data["tasks"] if t["cadre_id"] == "CB901"]
    (signal,) = task["signals"]
    assert (signal["code"], signal["node"], signal["sheet"]) == (
        "completion_below_previous",
        item,
        "Báo cáo",
    )
    import openpyxl

    from dotpha_demo.filler import find_contract, form_sheet

    book = openpyxl.load_workbook(report)
    c = find_contract(form_sheet(book))
    cell = f"{openpyxl.utils.get_column_letter(c.columns['completion'])}{c.rows[item]}"
    assert signal["cell"] == cell
    q1 = json.loads((tmp_path / "out_2027-Q1" / "consolidation_2027_Q1.json").read_text("utf-8"))
    assert all(t["signals"] == [] for t in q1["tasks"] if t["cadre_id"] == "CB901")


# --- the same set, on any consolidation ---------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B"]),
            st.fractions(min_value=0, max_value=100),
            st.booleans(),  # a leaver's row
            st.sampled_from(["HTXS", "HTT", "HT", "KHT"]),
        ),
        max_size=12,
    )
)
def test_summary_and_carry_over_agree_on_any_consolidation(tmp_path_factory, rows):
    from dotpha_xl.domain.evaluate import TaskResult
    from dotpha_xl.kernel.settings import default_settings
    from dotpha_xl.records.consolidation import FLAG_HANDED_OVER, Consolidation, TaskRow
    from dotpha_xl.records.people import Cadre
    from dotpha_xl.steps.summary import summarize
    from dotpha_xl.steps.tenure_events import carried_tasks
    from dotpha_xl.store import consolidation_json

    c = Consolidation(period=parse_period("2027"), bodies={"UBND": "UBND"})
    for n, (section, done, leaver, rating) in enumerate(rows):
        cadre = Cadre(f"CB{n:03d}", f"Cán bộ {n}", "", "Đơn vị", "UBND")
        c.cadres[cadre.cadre_id] = cadre
        result = TaskResult(f"{section}1", "2027", 2027, 2027 + (section == "B"), F(100), done,
                            done, done, None, None, None if leaver else rating, None, None, (),
                            False, False, {}, {})  # fmt: skip
        c.tasks.append(TaskRow(task_key=f"{section}1", title="", section=section,
                               start_year=2027, end_year=2027, result=result, cadre=cadre,
                               report_file="", received=None, deadline=None, late=False,
                               extra_flags=[FLAG_HANDED_OVER] if leaver else [],
                               unfinished=[]))  # fmt: skip
    loaded = consolidation_json.from_json(json.loads(json.dumps(consolidation_json.to_json(c))))
    in_summary = {x.key for x in summarize(loaded, default_settings()).carry_over}
    in_command = {f"{x.cadre_id}:{x.from_task.split(':')[1]}" for x in carried_tasks(loaded, 2027)}
    assert in_summary == in_command
    assert in_summary == {
        f"{t.cadre.cadre_id}:{t.task_key}"
        for t in c.tasks
        if t.section == "A" and not t.handed_over and t.result.completion_year < 100
    }


def test_the_demo_sample_gives_the_same_carry_over_in_both(tmp_path):
    """The demo's own data (sample_data, filled by the demo filler): summary == carry-over."""
    from dotpha_demo.filler import fill_plans, fill_reports
    from dotpha_xl.kernel.settings import default_settings
    from dotpha_xl.steps.consolidate import consolidate_to
    from dotpha_xl.steps.generate import generate_plans, generate_reports
    from tests.test_summary_workbooks import ASSIGNMENTS
    from tests.test_summary_workbooks import ROSTER as SAMPLE_ROSTER

    s = default_settings()
    generate_plans(SAMPLE_ROSTER, ASSIGNMENTS, 2027, tmp_path / "gen", s)
    fill_plans(tmp_path / "gen", tmp_path / "plans")
    generate_reports(tmp_path / "plans", "2027", tmp_path / "rgen", s)
    fill_reports(tmp_path / "rgen", tmp_path / "reports")
    consolidate_to(tmp_path / "out", SAMPLE_ROSTER, tmp_path / "plans", tmp_path / "reports",
                   "2027", s, assignments_path=ASSIGNMENTS)  # fmt: skip
    summary = json.loads(run("summary", "--consolidated", tmp_path / "out", "--period", "2027",
                             "--out", tmp_path / "btv.xlsx", "--json", "-").stdout)  # fmt: skip
    carried = json.loads(run("carry-over", "--consolidated", tmp_path / "out", "--year", "2027",
                             "--out", tmp_path / "c.xlsx", "--json", "-").stdout)  # fmt: skip
    got = {f"{c['cadre_id']}:{c['from_task'].split(':')[1]}" for c in carried["carried"]}
    assert got == keys(summary, "carry_over") and got


def test_the_whole_period_report_has_its_own_deadline(tmp_path):
    """Art. 5.1 d: a period task's part of the annual report of its final year is due on
    ``period_report_day``; the same report's annual tasks keep the annual report's day."""
    from datetime import date

    from dotpha_demo.filler import fill_plans, fill_reports
    from dotpha_xl.domain.calendar import task_report_deadline
    from dotpha_xl.kernel.settings import default_settings, load_settings
    from dotpha_xl.steps.consolidate import consolidate
    from dotpha_xl.steps.generate import generate_plans, generate_reports
    from tests.test_summary_workbooks import ASSIGNMENTS
    from tests.test_summary_workbooks import ROSTER as SAMPLE_ROSTER

    toml = tmp_path / "s.toml"
    toml.write_text("[deadlines]\nperiod_report_day = 10\n", encoding="utf-8")
    early = load_settings(toml)
    year = parse_period("2027")
    assert task_report_deadline(early, year, "B", 2027) == date(2027, 12, 10)
    assert task_report_deadline(early, year, "B", 2028) == date(2027, 12, 25)
    assert task_report_deadline(early, year, "A", 2027) == date(2027, 12, 25)
    assert task_report_deadline(early, parse_period("2027-Q4"), "B", 2027) == date(2027, 12, 25)

    s = default_settings()
    generate_plans(SAMPLE_ROSTER, ASSIGNMENTS, 2027, tmp_path / "gen", s)
    fill_plans(tmp_path / "gen", tmp_path / "plans")
    generate_reports(tmp_path / "plans", "2027", tmp_path / "rgen", s)
    fill_reports(tmp_path / "rgen", tmp_path / "reports")

    def cb104(settings):
        c = consolidate(SAMPLE_ROSTER, tmp_path / "plans", tmp_path / "reports", "2027", settings)
        return {t.task_key: (t.deadline, t.late) for t in c.tasks if t.cadre.cadre_id == "CB104"}

    assert cb104(s) == {"A1": (date(2027, 12, 25), False), "B1": (date(2027, 12, 25), False)}
    assert cb104(early) == {"A1": (date(2027, 12, 25), False), "B1": (date(2027, 12, 10), True)}


def test_the_final_year_rates_the_year_and_the_period_and_the_period_counts():
    from dotpha_xl.domain.decisions import (
        rated_scopes,
        rating_that_counts,
        self_rating_check,
    )

    year = parse_period("2028")
    assert rated_scopes("B", year, 2028) == ("year", "period")
    assert rated_scopes("B", year, 2029) == ("year",)
    assert rated_scopes("A", year, 2028) == ("year",)
    assert rated_scopes("B", parse_period("2028-Q2"), 2028) == ()
    assert rating_that_counts("HTXS", "HTT") == "HTT"
    assert rating_that_counts("HTT", None) == "HTT"
    assert self_rating_check([("HTXS", "HTXS"), ("HTXS", "HTT")]) == "above"
    assert self_rating_check([("HT", "HTXS"), (None, "HTT")]) == "below"
    assert self_rating_check([("HTT", "HTT"), (None, None)]) is None
