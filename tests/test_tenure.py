"""Tenure events end to end through the CLI: the handover example of docs/regulation.md, the
carry-over, the notices at each unit, and each cadre's own deadlines."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest

from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.xlsx.plans import read_plan
from tests.helpers import fill, fill_notes, items, run, write_table
from tests.test_reports import report_for

HEADER = ["cadre_id", "full_name", "position", "unit", "body", "left_on", "predecessor_id",
          "appointed_on"]  # fmt: skip
ROSTER = [
    ("CB901", "Nguyễn Thị Mai", "Giám đốc Sở Tài chính", "Sở Tài chính", "UBND",
     "2027-07-15", "", ""),
    ("CB904", "Phạm Văn Đức", "Giám đốc Sở Tài chính", "Sở Tài chính", "UBND",
     "", "CB901", "2027-07-16"),
    ("CB902", "Trần Văn Bình", "Giám đốc Sở Xây dựng", "Sở Xây dựng", "UBND", "", "", ""),
    ("CB903", "Lê Hoàng Nam", "Chánh Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy/Đảng ủy", "TC",
     "", "", ""),
]  # fmt: skip


def one_item(prefix: str = "A1") -> list[str]:
    return list(items(prefix, per_month=1))


@pytest.fixture()
def tenure(tmp_path):
    roster = write_table(tmp_path / "roster.xlsx", HEADER, ROSTER)
    assignments = write_table(
        tmp_path / "assignments.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year"],
        [(cid, "A", 1, f"Việc của {cid}", 2027, 2027) for cid in ("CB901", "CB902", "CB903")],
    )
    run("template", "plan", "--roster", roster, "--assignments", assignments, "--year", "2027",
        "--out", tmp_path / "plans", "--items-per-month", "1")  # fmt: skip
    for path in (tmp_path / "plans").glob("*.xlsx"):
        fill(path, {k: {"content": f"Nội dung {k}", "product": f"Sản phẩm {k}", "w_month": 1.0}
                    for k in one_item()})  # fmt: skip
        fill_notes(path)
    run("validate", tmp_path / "plans")
    return tmp_path, roster


def test_handover_worked_example_through_the_cli(tenure):
    tmp_path, roster = tenure
    keys = one_item()  # January .. December
    run("template", "report", "--plans", tmp_path / "plans", "--period", "2027-07-15",
        "--out", tmp_path / "adhoc")  # fmt: skip
    at_d = {k: {"completion": 1.0} for k in keys[:6]} | {keys[6]: {"completion": 0.5}}
    fill(report_for(tmp_path / "adhoc", "CB901"), at_d)
    out = tmp_path / "handover"
    run("handover", "--roster", roster, "--plans", tmp_path / "plans", "--reports",
        tmp_path / "adhoc", "--cadre", "CB901", "--out", out,
        "--json", tmp_path / "h.json")  # fmt: skip
    data = json.loads((tmp_path / "h.json").read_text(encoding="utf-8"))
    assert data == {
        "cadre_id": "CB901",
        "handover_on": "2027-07-15",
        "successor_id": "CB904",
        "tasks": [{"task_key": "A1", "completion_at_handover": 52.5, "expected_at_handover": 50,
                   "attainment": 100, "rating": "HTXS"}],
    }  # fmt: skip
    conclusion = next(out.glob("CB901_*ket_luan*.xlsx"))
    texts = [c for row in openpyxl.load_workbook(conclusion).active.values for c in row if c]
    assert "52,5%" in texts and "50%" in texts and "100% HTXS" in texts

    # The successor's plan: same tree and weights, completion at d shown, done items locked.
    plan_path = report_for(out, "CB904")
    plan = read_plan(plan_path, default_settings())
    assert plan.ok, plan.problems
    assert plan.meta["cadre_id"] == "CB904"
    assert plan.meta["inherited_from"] == "CB901" and plan.meta["handover_on"] == "2027-07-15"
    assert [str(i.key) for i in plan.tasks["A1"].root.items()] == keys
    sheet = openpyxl.load_workbook(plan_path).active
    assert sheet.protection.sheet
    done_cells = {}
    for row in sheet.iter_rows():
        if row[0].value in keys:
            done_cells[row[0].value] = (row[8].value, row[2].protection.locked)
    assert done_cells[keys[0]] == (1, True)
    assert done_cells[keys[6]] == (0.5, False) and done_cells[keys[11]] == (0, False)
    assert "Phạm Văn Đức" in " ".join(str(c.value) for c in sheet["B"][:6] if c.value)

    # The successor's annual report: all done but December -> 95; O = 89.47, HTT.
    shutil.copy(plan_path, tmp_path / "plans" / plan_path.name)
    run("template", "report", "--plans", tmp_path / "plans", "--period", "2027",
        "--out", tmp_path / "year")  # fmt: skip
    fill(report_for(tmp_path / "year", "CB904"),
         {k: {"completion": 1.0} for k in keys[:11]} | {keys[11]: {"completion": 0}}
         | {"A1": {"self_rating": "HTXS"}})  # fmt: skip
    for cid in ("CB902", "CB903"):
        fill(report_for(tmp_path / "year", cid), {k: {"completion": 1.0} for k in keys})
    report_for(tmp_path / "year", "CB901").unlink()  # CB901 left: no annual report
    shutil.copy(report_for(tmp_path / "adhoc", "CB901"), tmp_path / "year")
    res = tmp_path / "out"
    run("consolidate", "--roster", roster, "--plans", tmp_path / "plans", "--reports",
        tmp_path / "year", "--period", "2027", "--out", res, "--json", res / "r.json")  # fmt: skip
    result = json.loads((res / "r.json").read_text(encoding="utf-8"))
    by = {(t["cadre_id"], t["task_key"]): t for t in result["tasks"]}
    s = by[("CB904", "A1")]
    assert s["completion_year"] == 95 and s["completion_own"] == 89.47
    assert s["completion_at_handover"] == 52.5 and s["handover_on"] == "2027-07-15"
    assert s["rating"] == "HTT"
    p = by[("CB901", "A1")]
    assert p["expected_to_date"] == 50 and p["completion_year"] == 52.5
    # Art. 2.4: the leaving cadre's figures are a conclusion (A_d: 52.5 against 50, capped at
    # 100), not a rating.
    assert p["rating"] is None and "handed_over" in p["flags"]
    assert p["attainment"] == 100 and p["attainment_exact"] == "100"
    assert "CB901" not in [m["cadre_id"] for m in result["missing"]]
    # The summary: the leaver at 52.5 % is a conclusion (C_d, E_d, A_d), neither proposed for
    # commendation nor carried over; the successor's task is judged on the successor's report.
    summary = json.loads(
        run(
            "summary",
            "--consolidated",
            res,
            "--period",
            "2027",
            "--out",
            tmp_path / "btv.xlsx",
            "--json",
            "-",
        ).stdout
    )
    conclusions = {c["key"]: c for c in summary["handover_conclusions"]}
    assert list(conclusions) == ["CB901:A1"]
    c = conclusions["CB901:A1"]
    assert (c["completion"], c["expected"], c["attainment"]) == (52.5, 50, 100)
    assert c["left_on"] == "2027-07-15"
    assert "CB901:A1" not in {x["key"] for x in summary["commendation"]}
    assert {x["key"] for x in summary["carry_over"]} == {"CB904:A1"}
    # the carry-over list gives the task's year figure (what is left of it: 5 %); a list of
    # the rating (here Art. 10: self-rated HTXS above the computed HTT) the successor's own O
    (carry,) = summary["carry_over"]
    assert carry["completion"] == 95
    (case,) = [x for x in summary["discipline"] if x["key"] == "CB904:A1"]
    assert case["completion"] == 89.47 and case["rating"] == "HTT"
    carried = json.loads(
        run(
            "carry-over",
            "--consolidated",
            res,
            "--year",
            "2027",
            "--out",
            tmp_path / "carry.xlsx",
            "--json",
            "-",
        ).stdout
    )
    assert [(x["cadre_id"], x["from_task"]) for x in carried["carried"]] == [("CB904", "2027:A1")]
    body = openpyxl.load_workbook(res / "UBND_tong_hop_2027.xlsx")
    shown = " ".join(str(c) for ws in body for row in ws.values for c in row if c is not None)
    assert "89,47" in shown or "89.47" in shown


def test_handover_without_successor_names_the_tasks(tenure):
    tmp_path, _ = tenure
    run("template", "report", "--plans", tmp_path / "plans", "--period", "2027-07-15",
        "--out", tmp_path / "adhoc")  # fmt: skip
    fill(report_for(tmp_path / "adhoc", "CB902"), {k: {"completion": 1.0} for k in one_item()[:6]})
    rows = [r if r[0] != "CB902" else (*r[:5], "2027-07-15", "", "") for r in ROSTER]
    alone = write_table(tmp_path / "alone.xlsx", HEADER, rows)
    result = run("handover", "--roster", alone, "--plans", tmp_path / "plans", "--reports",
                 tmp_path / "adhoc", "--cadre", "CB902", "--out", tmp_path / "h")  # fmt: skip
    assert "Không có người kế nhiệm" in result.output and "A1" in result.output
    assert not list((tmp_path / "h").glob("*ke_hoach*"))


def test_calendar_lists_each_cadres_own_deadlines(tenure):
    _, roster = tenure
    out = run("calendar", "--year", "2027", "--roster", roster, "--format", "json").output
    own = json.loads(out)["cadre_deadlines"]
    # CB901 leaves on 15/07 (a report up to that day, Art. 2.4); CB904, appointed on 16/07 to
    # succeed CB901, owes a plan within a month (Art. 4.4 b).  CB902 and CB903 have none.
    assert [(d["cadre_id"], d["full_name"], d["code"], d["due"], d["article"]) for d in own] == [
        ("CB901", "Nguyễn Thị Mai", "report_at_leaving", "2027-07-15", "2.4"),
        ("CB904", "Phạm Văn Đức", "plan_for_new", "2027-08-16", "4.4 b"),
    ]
    assert "15/07/2027" in own[0]["name"]
    assert "CB901" in own[1]["name"] and "16/07/2027" in own[1]["name"]


def period_items(prefix: str = "B1", years: int = 2, per_month: int = 2) -> list[str]:
    return [f"{prefix}.Y{y}.Q{q}.M{m}.I{i}" for y in range(1, years + 1) for q in range(1, 5)
            for m in range(1, 4) for i in range(1, per_month + 1)]  # fmt: skip


def test_carry_over_takes_exactly_the_unfinished_annual_tasks(tmp_path):
    from tests.test_reports import ROSTER as PLAIN
    from tests.test_reports import worked_example_q2

    roster = write_table(tmp_path / "roster.xlsx", HEADER[:5], PLAIN)
    rows = [(cid, "A", 1, f"Việc của {cid}", 2027, 2027) for cid, *_ in PLAIN]
    rows.append(("CB903", "B", 1, "Việc giai đoạn", 2027, 2028))
    header = ["cadre_id", "section", "task_no", "title", "start_year", "end_year"]
    assignments = write_table(tmp_path / "assignments.xlsx", header, rows)
    run("template", "plan", "--roster", roster, "--assignments", assignments, "--year", "2027",
        "--out", tmp_path / "plans", "--items-per-month", "2")  # fmt: skip
    weights = {k: {"content": f"Nội dung {k}", "product": f"SP {k}", "w_month": 0.5}
               for k in [*items(), *period_items()]}  # fmt: skip
    for path in (tmp_path / "plans").glob("*.xlsx"):
        fill(path, {k: v for k, v in weights.items()
                    if k.startswith("A1") or "CB903" in path.name})  # fmt: skip
        fill_notes(path)
    run("validate", tmp_path / "plans")
    run("template", "report", "--plans", tmp_path / "plans", "--period", "2027",
        "--out", tmp_path / "year")  # fmt: skip
    # CB901: the worked example's year (docs/regulation.md), 81.25 %.
    year = worked_example_q2() | {k: {"completion": 1.0} for k in items() if k.startswith("A1.Q3")}
    year |= {k: {"completion": 0.8} for k in items() if k.startswith("A1.Q4")}
    fill(report_for(tmp_path / "year", "CB901"), year)
    # CB902: all done but December, lost to force majeure: 100 once it is left out.
    fm = {k: {"completion": 1.0} for k in items()}
    for k in ("A1.Q4.M3.I1", "A1.Q4.M3.I2"):
        fm[k] = {"completion": 0, "force_majeure": "x", "fm_reason": "Lũ quét"}
    fill(report_for(tmp_path / "year", "CB902"), fm)
    # CB903: the annual task at 100; the period task half done in its first year.
    done = {k: {"completion": 1.0} for k in items()}
    done |= {k: {"completion": 0.5} for k in period_items(years=1)}
    fill(report_for(tmp_path / "year", "CB903"), done)
    res = tmp_path / "res"
    run("consolidate", "--roster", roster, "--plans", tmp_path / "plans", "--reports",
        tmp_path / "year", "--period", "2027", "--out", res, "--json", res / "r.json")  # fmt: skip

    next_year = write_table(tmp_path / "a2028.xlsx", header,
                            [("CB901", "A", 1, "Việc mới 2028", 2028, 2028)])  # fmt: skip
    run("carry-over", "--consolidated", res, "--year", "2027", "--out", tmp_path / "carry.xlsx",
        "--json", tmp_path / "carry.json", "--assignments", next_year)  # fmt: skip
    data = json.loads((tmp_path / "carry.json").read_text(encoding="utf-8"))
    assert data["year"] == 2028
    assert [(c["cadre_id"], c["from_task"], c["task_key"]) for c in data["carried"]] == [
        ("CB901", "2027:A1", "A2")
    ]
    carried = data["carried"][0]
    assert carried["completion"] == 81.25
    unfinished = ["A1.Q2.M1.I2", "A1.Q2.M2.I2", "A1.Q2.M3.I1", "A1.Q2.M3.I2",
                  *[k for k in items() if k.startswith("A1.Q4")]]  # fmt: skip
    assert [i["key"] for i in carried["items"]] == unfinished
    assert carried["items"][0] == {"key": "A1.Q2.M1.I2", "content": "Nội dung A1.Q2.M1.I2",
                                   "product": "SP A1.Q2.M1.I2", "completion": 50}  # fmt: skip

    # template plan with the carried rows: a locked block above the task, the task marked.
    run("template", "plan", "--roster", roster, "--assignments", tmp_path / "carry.xlsx",
        "--year", "2028", "--out", tmp_path / "plans2028")  # fmt: skip
    path = report_for(tmp_path / "plans2028", "CB901")
    sheet = openpyxl.load_workbook(path).active
    keys = [row[0].value for row in sheet.iter_rows()]
    block = [k for k in keys if k and str(k).startswith("carried:A2:")]
    assert len(block) == len(unfinished)
    assert keys.index("carried:A2") < keys.index("A2")
    texts = " ".join(str(c) for row in sheet.values for c in row if c)
    assert "chuyển tiếp từ 2027:A1" in texts and "còn 50%" in texts and "còn 20%" in texts
    fill(path, {f"A2.Q{q}.M{m}.I1": {"content": "Làm tiếp", "w_month": 1.0}
                for q in range(1, 5) for m in range(1, 4)})  # fmt: skip
    fill_notes(path)
    plan = read_plan(path, default_settings())
    assert plan.ok, plan.problems
    assert plan.tasks["A2"].carried_from == "2027:A1"


def test_notices_list_only_their_units_cadres(tenure):
    tmp_path, roster = tenure
    out = tmp_path / "notices"
    result = run("announce", "--roster", roster, "--plans", tmp_path / "plans", "--out", out)
    files = sorted(out.glob("*.xlsx"))
    assert [f.name for f in files] == [
        "thong_bao_So_Tai_chinh_2027.xlsx",
        "thong_bao_So_Xay_dung_2027.xlsx",
        "thong_bao_Van_phong_Tinh_uy_Dang_uy_2027.xlsx",
    ], result.output
    names = {cid: name for cid, name, *_ in ROSTER}
    expected = {"Sở Tài chính": {"CB901"}, "Sở Xây dựng": {"CB902"},
                "Văn phòng Tỉnh ủy/Đảng ủy": {"CB903"}}  # fmt: skip
    for path in files:
        sheet = openpyxl.load_workbook(path).active
        text = " ".join(str(c) for row in sheet.values for c in row if c)
        assert "THÔNG BÁO" in text
        assert "Kế hoạch và kết quả thực hiện việc đột phá, đổi mới năm 2027" in text
        unit = next(u for u in expected if f"tại {u} như sau" in text)
        shown = {cid for cid, name in names.items() if name in text}
        assert shown == expected[unit]
        assert sheet.page_setup.orientation == "portrait" and sheet.page_setup.paperSize == 9
        assert "Quý I năm 2027" in text and "25%" in text and "Sản phẩm A1.Q1.M1.I1" in text


def test_a_new_cadres_plan_is_due_a_month_after_being_assigned(tenure):
    """Art. 4.4 b: the plan is due ``new_plan_months`` after the assignment (the table's
    ``assigned_on``), not after the appointment; without the table, after the appointment."""
    tmp_path, roster = tenure
    assignments = write_table(
        tmp_path / "assigned.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year", "assigned_on"],
        [("CB904", "A", 2, "Việc mới giao", 2027, 2027, "2027-09-01")],
    )
    out = run("calendar", "--year", "2027", "--roster", roster, "--assignments", assignments,
              "--json", "-").output  # fmt: skip
    (plan,) = [d for d in json.loads(out)["cadre_deadlines"] if d["code"] == "plan_for_new"]
    assert (plan["cadre_id"], plan["due"]) == ("CB904", "2027-10-01")
    assert "giao việc 01/09/2027" in plan["name"]


def test_a_task_assigned_before_the_decision_is_planned_by_25_01(tmp_path):
    """R33: only a task assigned after the Committee's decision (31/12 of Y−1) moves the plan's
    deadline to a month after; one assigned on 10/12/2026 is planned by 25/01/2027, not 10/01."""
    roster = write_table(tmp_path / "roster.xlsx", HEADER, [
        ("CB950", "Lý Văn Tùng", "Giám đốc Sở Xây dựng", "Sở Xây dựng", "UBND", "", "",
         "2026-12-01"),
    ])  # fmt: skip
    assignments = write_table(
        tmp_path / "assigned.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year", "assigned_on"],
        [("CB950", "A", 1, "Việc giao trước quyết định", 2027, 2027, "2026-12-10")],
    )
    out = run("calendar", "--year", "2027", "--roster", roster, "--assignments", assignments,
              "--json", "-").output  # fmt: skip
    (plan,) = [d for d in json.loads(out)["cadre_deadlines"] if d["code"] == "plan_for_new"]
    assert (plan["cadre_id"], plan["due"]) == ("CB950", "2027-01-25")
