"""Reports and consolidation end to end through the CLI, on small named rosters made here."""

from __future__ import annotations

import io
import json
import os
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from dotpha_demo.filler import find_contract, form_sheet
from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.xlsx.reports import read_report
from tests.helpers import ROSTER, fill, items, plan_cycle, run, write_table  # noqa: F401


@pytest.fixture()
def cycle(tmp_path):
    """A roster of three, one annual task each, plans filled 50/50 in every month."""
    return plan_cycle(tmp_path)


def report_for(folder: Path, cadre_id: str) -> Path:
    return next(folder.glob(f"{cadre_id}_*.xlsx"))


def consolidate(tmp_path: Path, roster: Path, reports: Path, period: str, code: int = 0) -> dict:
    out = tmp_path / f"out_{period}"
    run("consolidate", "--roster", roster, "--plans", tmp_path / "plans", "--reports", reports,
        "--period", period, "--out", out, "--json", out / "result.json", code=code)  # fmt: skip
    return json.loads((out / "result.json").read_text(encoding="utf-8"))


def task(data: dict, cadre_id: str, key: str = "A1") -> dict:
    return next(t for t in data["tasks"] if t["cadre_id"] == cadre_id and t["task_key"] == key)


def worked_example_q2() -> dict[str, dict[str, object]]:
    done = {k: 1.0 for k in items() if k.startswith("A1.Q1")}
    done.update({"A1.Q2.M1.I1": 1.0, "A1.Q2.M1.I2": 0.5, "A1.Q2.M2.I1": 1.0})
    done.update({"A1.Q2.M2.I2": 0, "A1.Q2.M3.I1": 0, "A1.Q2.M3.I2": 0})
    return {k: {"completion": v} for k, v in done.items()}


def test_worked_example_from_templates_to_json(cycle):
    tmp_path, roster, _ = cycle
    run("template", "report", "--plans", tmp_path / "plans", "--period", "2027-Q2",
        "--out", tmp_path / "q2")  # fmt: skip
    for cadre_id, *_ in ROSTER:
        fill(report_for(tmp_path / "q2", cadre_id), worked_example_q2())
    data = consolidate(tmp_path, roster, tmp_path / "q2", "2027-Q2")
    t = task(data, "CB901")
    assert t["completion_quarter"] == 45
    assert t["completion_year"] == 36.25
    assert t["expected_to_date"] == 50
    assert t["behind_schedule"] == 13.75
    assert t["rating"] is None and "behind_schedule" in t["flags"]

    # The year: Q3 ends at 100 and Q4 at 80; the Q2 figures come from --previous.
    run("template", "report", "--plans", tmp_path / "plans", "--period", "2027",
        "--out", tmp_path / "year", "--previous", tmp_path / "q2")  # fmt: skip
    path = report_for(tmp_path / "year", "CB901")
    previous = read_report(path, default_settings())
    assert previous.completions["A1.Q2.M1.I2"] == 50  # pre-filled from the Q2 report
    later = {k: {"completion": 1.0} for k in items() if k.startswith("A1.Q3")}
    later.update({k: {"completion": 0.8} for k in items() if k.startswith("A1.Q4")})
    later["A1"] = {"self_rating": "HTT"}
    fill(path, later)
    data = consolidate(tmp_path, roster, tmp_path / "year", "2027")
    t = task(data, "CB901")
    assert t["completion_year"] == 81.25
    assert t["rating"] == "HTT" and t["self_rating"] == "HTT"
    assert t["expected_to_date"] == 100


def test_year_end_cases(cycle):
    tmp_path, roster, _ = cycle
    run("template", "report", "--plans", tmp_path / "plans", "--period", "2027",
        "--out", tmp_path / "year")  # fmt: skip
    # CB901: every item at 100 -> exactly 100, HTXS.
    fill(report_for(tmp_path / "year", "CB901"), {k: {"completion": 1.0} for k in items()})
    # CB902: every item at 69.99 % -> exactly 69.99, HT; self-rated HTXS: flagged.
    over = {k: {"completion": 0.6999} for k in items()}
    over["A1"] = {"self_rating": "Hoàn thành xuất sắc"}
    fill(report_for(tmp_path / "year", "CB902"), over)
    # CB903: all done but December, which met force majeure; a product text starting with '='.
    fm = {k: {"completion": 1.0, "actual_product": "=SUM(A1:A9) đã xong"} for k in items()}
    for k in ("A1.Q4.M3.I1", "A1.Q4.M3.I2"):
        fm[k] = {"completion": 0, "force_majeure": "x", "fm_reason": "Lũ quét"}
    fill(report_for(tmp_path / "year", "CB903"), fm)
    data = consolidate(tmp_path, roster, tmp_path / "year", "2027")

    assert task(data, "CB901")["completion_year"] == 100
    assert task(data, "CB901")["rating"] == "HTXS"
    t902 = task(data, "CB902")
    assert t902["completion_year"] == 69.99 and t902["rating"] == "HT"
    assert t902["self_rating"] == "HTXS" and "self_rating_above" in t902["flags"]
    t903 = task(data, "CB903")
    assert t903["completion_year_raw"] == 95 and t903["rating_raw"] == "HTT"
    assert t903["completion_year"] == 100 and t903["rating"] == "HTXS"
    assert "force_majeure" in t903["flags"]
    assert t903["force_majeure_items"] == ["A1.Q4.M3.I1", "A1.Q4.M3.I2"]

    body = openpyxl.load_workbook(tmp_path / "out_2027" / "TC_tong_hop_2027.xlsx")
    texts = [
        cell for row in body["Chi tiết"].iter_rows() for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=SUM(A1:A9)")
    ]  # fmt: skip
    assert texts and all(cell.data_type == "s" for cell in texts)


def test_missing_corrupt_late_and_superseded(cycle):
    tmp_path, roster, _ = cycle
    run("template", "report", "--plans", tmp_path / "plans", "--period", "2027-Q2",
        "--out", tmp_path / "q2")  # fmt: skip
    reports = tmp_path / "q2"
    fill(report_for(reports, "CB901"), worked_example_q2())
    # CB902's file arrives cut short: rejected, and CB902 is missing.
    broken = report_for(reports, "CB902")
    broken.write_bytes(broken.read_bytes()[:1500])
    # CB903 sends nothing: missing. A second copy of CB901's report, sent later, supersedes.
    report_for(reports, "CB903").unlink()
    first = report_for(reports, "CB901")
    second = reports / ("Z_resent_" + first.name)
    second.write_bytes(first.read_bytes())
    late = datetime(2027, 6, 28, 10, 0).timestamp()
    on_time = datetime(2027, 6, 20, 10, 0).timestamp()
    os.utime(first, (on_time, on_time))
    os.utime(second, (late, late))
    data = consolidate(tmp_path, roster, reports, "2027-Q2", code=1)
    assert [m["cadre_id"] for m in data["missing"]] == ["CB902", "CB903"]
    assert [r["file"] for r in data["rejected"]] == [broken.name]
    assert data["rejected"][0]["problems"][0]["code"] == "file_corrupt"
    assert task(data, "CB901")["report_file"] == second.name
    # Lateness is judged on the first accepted report: on time, then corrected after the
    # deadline, is not late (the figures are the correction's).
    assert "late" not in task(data, "CB901")["flags"]
    assert task(data, "CB901")["first_received"] == "2027-06-20T10:00:00"
    assert data["superseded"] == [
        {"file": first.name, "cadre_id": "CB901", "superseded_by": second.name}
    ]


def test_invalid_plan_gets_no_report(cycle):
    tmp_path, _, _ = cycle
    path = report_for(tmp_path / "plans", "CB902")
    fill(path, {"A1.Q1.M1.I1": {"w_month": 0.4}})
    result = run("template", "report", "--plans", tmp_path / "plans", "--period", "2027-Q1",
                 "--out", tmp_path / "q1", code=1)  # fmt: skip
    assert "plan_invalid" in result.output
    assert sorted(p.name.split("_")[0] for p in (tmp_path / "q1").glob("*.xlsx")) == [
        "CB901",
        "CB903",
    ]


def test_report_problems_name_their_cells(cycle):
    tmp_path, _, _ = cycle
    run("template", "report", "--plans", tmp_path / "plans", "--period", "2027",
        "--out", tmp_path / "year")  # fmt: skip
    path = report_for(tmp_path / "year", "CB901")
    fill(path, {
        "A1.Q1.M1.I1": {"completion": "khoảng 30"},
        "A1.Q1.M1.I2": {"completion": 1.5},
        "A1.Q1.M2.I1": {"force_majeure": "x"},
        "A1": {"self_rating": "Tốt"},
    })  # fmt: skip
    report = read_report(path, default_settings())
    book = openpyxl.load_workbook(path)
    c = find_contract(form_sheet(book))

    def cell(row_key: str, column: str) -> str:
        return f"{openpyxl.utils.get_column_letter(c.columns[column])}{c.rows[row_key]}"

    found = {(p.code, p.cell) for p in report.problems if p.severity == "error"}
    assert ("percent_unreadable", cell("A1.Q1.M1.I1", "completion")) in found
    assert ("completion_out_of_range", cell("A1.Q1.M1.I2", "completion")) in found
    assert ("force_majeure_without_reason", cell("A1.Q1.M2.I1", "fm_reason")) in found
    assert ("rating_unreadable", cell("A1", "self_rating")) in found


def test_report_reads_back_from_bytes(cycle):
    tmp_path, _, _ = cycle
    run("template", "report", "--plans", tmp_path / "plans", "--period", "2027-H1",
        "--out", tmp_path / "h1")  # fmt: skip
    data = report_for(tmp_path / "h1", "CB901").read_bytes()
    report = read_report(io.BytesIO(data), default_settings(), name="r.xlsx")
    assert report.ok
    assert report.period_code == "2027-H1"
    assert list(report.tasks) == ["A1"]


def test_plans_named_for_cadres_who_reported_are_read_only_when_needed(cycle, monkeypatch):
    from dotpha_xl.kernel.settings import default_settings
    from dotpha_xl.steps import consolidate as pipeline

    tmp_path, roster, assignments = cycle
    run("template", "report", "--plans", tmp_path / "plans", "--period", "2027-Q2",
        "--out", tmp_path / "q2")  # fmt: skip
    reports = tmp_path / "q2"
    fill(report_for(reports, "CB901"), worked_example_q2())
    fill(report_for(reports, "CB902"), worked_example_q2())
    report_for(reports, "CB903").unlink()  # CB903 sends nothing
    opened: list[str] = []
    real = pipeline.read_batch

    def spy(kind, paths, *args, **kwargs):
        if kind.startswith("plan"):
            opened.extend(p.name for p in paths)
        return real(kind, paths, *args, **kwargs)

    monkeypatch.setattr(pipeline, "read_batch", spy)

    def reason() -> str:
        opened.clear()
        c = pipeline.consolidate(roster, tmp_path / "plans", reports, "2027-Q2",
                                 default_settings(), assignments_path=assignments)  # fmt: skip
        [missing] = c.missing
        assert missing.cadre.cadre_id == "CB903"
        return missing.reason

    # The plans of CB901 and CB902, who reported, are not opened: only CB903's is.
    assert reason() == "no_report"
    assert {name.split("_")[0] for name in opened} == {"CB903"}
    # CB903's plan saved under a name of CB901's: no plan of CB903's is found among the other
    # files, so the files named for cadres who reported are read after all.
    plan = report_for(tmp_path / "plans", "CB903")
    plan.rename(plan.with_name("CB901_ban_sao_ke_hoach_2027.xlsx"))
    assert reason() == "no_report"
    assert "CB901_ban_sao_ke_hoach_2027.xlsx" in opened


def test_every_item_input_is_validated(cycle):
    # one data validation per column over every item row: 0-100 % for the completion, "x" or
    # blank for force majeure; the cells stay unlocked
    tmp_path, _, _ = cycle
    run("template", "report", "--plans", tmp_path / "plans", "--period", "2027-Q2",
        "--out", tmp_path / "q2")  # fmt: skip
    sheet = form_sheet(openpyxl.load_workbook(report_for(tmp_path / "q2", "CB901")))
    c = find_contract(sheet)
    rules = sheet.data_validations.dataValidation
    for column, kind in (("completion", "decimal"), ("force_majeure", "list")):
        covered = [dv for dv in rules if dv.type == kind]
        for key in items():
            cell = sheet.cell(c.rows[key], c.columns[column])
            assert not cell.protection.locked
            assert any(cell.coordinate in dv.sqref for dv in covered), (column, key)
    (percent,) = [dv for dv in rules if dv.type == "decimal"]
    assert (float(percent.formula1), float(percent.formula2)) == (0, 1)
