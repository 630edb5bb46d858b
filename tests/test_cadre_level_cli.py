"""The cadre's own level (Art. 7.3 c, reading R28) through the CLI: computed in ``consolidate``'s
JSON, shown in the body workbook and on the summary's "Xếp loại" beside the tasks, proposed and
decided in the same review columns, and in ``ratings``' JSON ``cadres[]``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import ROSTER, fill, fill_notes, items, run, write_table
from tests.test_ratings import edit, read_keyed

SHEET_BODY = "Tổng hợp"
SHEET_RATINGS = "Xếp loại"
#: cadre -> completion of A1 and of A2 in the annual report
FIGURES = {"CB901": (1.0, 0.6), "CB902": (1.0, 0.9999), "CB903": (0.8, 0.8)}


def cycle(d: Path, year: int, figures: dict[str, tuple[float, float]], settings: Path | None = None,
          roster_rows: list[tuple] = ROSTER) -> Path:  # fmt: skip
    """Two annual tasks per cadre, the year report at ``figures``; consolidated into ``out``."""
    roster = write_table(
        d / "roster.xlsx", ["cadre_id", "full_name", "position", "unit", "body"], roster_rows
    )
    assignments = write_table(
        d / "assignments.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year"],
        [(cid, "A", n, f"Việc {n} của {cid}", year, year) for cid, *_ in roster_rows
         for n in (1, 2)],
    )  # fmt: skip
    run("template", "plan", "--roster", roster, "--assignments", assignments, "--year", year,
        "--out", d / "plans", "--items-per-month", "1")  # fmt: skip
    keys = [*items("A1", 1), *items("A2", 1)]
    for path in (d / "plans").glob("*.xlsx"):
        fill(path, {k: {"content": f"Nội dung {k}", "w_month": 1} for k in keys})
        fill_notes(path)
    run("template", "report", "--plans", d / "plans", "--period", year, "--out", d / "year")
    for cadre_id, (a1, a2) in figures.items():
        values = {k: {"completion": a1} for k in items("A1", 1)}
        values |= {k: {"completion": a2} for k in items("A2", 1)}
        fill(next((d / "year").glob(f"{cadre_id}_*.xlsx")), values)
    head = ("--settings", settings) if settings else ()
    run(*head, "consolidate", "--roster", roster, "--plans", d / "plans", "--reports", d / "year",
        "--period", year, "--out", d / "out", "--json", d / "out.json")  # fmt: skip
    return d / "out"


def levels(d: Path) -> dict[str, str | None]:
    data = json.loads((d / "out.json").read_text(encoding="utf-8"))
    return {c["cadre_id"]: c["level"] for c in data["cadres"]}


@pytest.fixture(scope="module")
def mean(tmp_path_factory) -> Path:
    return cycle(tmp_path_factory.mktemp("mean"), 2027, FIGURES)


@pytest.fixture()
def consolidated(mean, tmp_path) -> Path:
    return Path(shutil.copytree(mean, tmp_path / "tong_hop"))


def test_consolidate_json_gives_each_cadre_a_level_mean(mean):
    # 100 % and 60 %: mean 80, HTT; 100 % and 99.99 %: HTT, not HTXS; 80 and 80: HTT
    assert levels(mean.parent) == {"CB901": "HTT", "CB902": "HTT", "CB903": "HTT"}


def test_consolidate_json_with_the_lowest_reading(tmp_path):
    settings = tmp_path / "s.toml"
    settings.write_text('[ratings]\ncadre_level = "lowest"\n', encoding="utf-8")
    out = cycle(tmp_path, 2027, FIGURES, settings)
    assert levels(out.parent) == {"CB901": "HT", "CB902": "HTT", "CB903": "HTT"}


def test_the_body_workbook_shows_the_level_after_the_cadres_tasks(consolidated):
    rows = read_keyed(consolidated / "UBND_tong_hop_2027.xlsx", SHEET_BODY)
    keys = list(rows)
    assert keys == ["CB901:A1", "CB901:A2", "CB901:*", "CB902:A1", "CB902:A2", "CB902:*"]
    assert rows["CB901:*"]["rating"] == rows["CB901:*"]["proposed_rating"] == "HTT"
    assert rows["CB901:A2"]["rating"] == "HT"


def ratings_json(consolidated: Path, tmp: Path, code: int = 0) -> dict:
    run("summary", "--consolidated", consolidated, "--period", "2027", "--out", tmp / "btv.xlsx",
        code=None)  # fmt: skip
    run("ratings", "--consolidated", consolidated, "--summary", tmp / "btv.xlsx", "--period",
        "2027", "--out", tmp / "xep_loai.xlsx", "--json", tmp / "xep_loai.json",
        code=code)  # fmt: skip
    return json.loads((tmp / "xep_loai.json").read_text(encoding="utf-8"))


def test_ratings_json_has_the_cadres_levels(consolidated, tmp_path):
    data = ratings_json(consolidated, tmp_path)
    assert data["problems"] == []
    got = {c["cadre_id"]: c for c in data["cadres"]}
    assert got["CB901"] == {
        "cadre_id": "CB901", "computed": "HTT", "self": None, "proposed": "HTT", "decided": "HTT",
    }  # fmt: skip
    assert got["CB902"]["decided"] == "HTT"
    # the tasks' list is the tasks only
    assert {r["task_key"] for r in data["ratings"]} == {"A1", "A2"}
    assert {(c["cadre_id"], c["task_key"]) for c in data["commendation"]} == {
        ("CB901", "A1"), ("CB902", "A1"),
    }  # fmt: skip
    summary = read_keyed(tmp_path / "btv.xlsx", SHEET_RATINGS)
    assert summary["CB903:*"]["rating"] == summary["CB903:*"]["decided_rating"] == "HTT"


def test_the_decided_level_is_read_back_from_the_edited_workbooks(consolidated, tmp_path):
    reason = "Hai việc gần tuyệt đối"
    edit(consolidated / "UBND_tong_hop_2027.xlsx", SHEET_BODY,
         {"CB902:*": {"proposed_rating": "HTXS", "proposal_reason": reason}})  # fmt: skip
    run("summary", "--consolidated", consolidated, "--period", "2027", "--out",
        tmp_path / "btv.xlsx")  # fmt: skip
    reason = "Việc thứ hai chỉ đạt 60 %"
    edit(tmp_path / "btv.xlsx", SHEET_RATINGS,
         {"CB901:*": {"decided_rating": "HT", "decision_reason": reason}})  # fmt: skip
    run("ratings", "--consolidated", consolidated, "--summary", tmp_path / "btv.xlsx",
        "--period", "2027", "--out", tmp_path / "xl.xlsx",
        "--json", tmp_path / "xl.json")  # fmt: skip
    data = json.loads((tmp_path / "xl.json").read_text(encoding="utf-8"))
    got = {c["cadre_id"]: c for c in data["cadres"]}
    assert (got["CB901"]["computed"], got["CB901"]["decided"]) == ("HTT", "HT")
    assert (got["CB902"]["proposed"], got["CB902"]["decided"]) == ("HTXS", "HTXS")


def test_a_level_departing_without_reason_is_a_problem_at_its_cell(consolidated, tmp_path):
    where = edit(consolidated / "UBND_tong_hop_2027.xlsx", SHEET_BODY,
                 {"CB901:*": {"proposed_rating": "HTXS"}})  # fmt: skip
    data = ratings_json(consolidated, tmp_path, code=1)
    found = [p for p in data["problems"] if p["code"] == "rating_departs_without_reason"]
    assert [(p["node"], p["cell"]) for p in found] == [
        ("CB901:*", where["CB901:*/proposed_rating"])
    ]
