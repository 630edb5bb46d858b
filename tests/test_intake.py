"""Intake ledger across runs, safe outputs (staging, inputs untouched, text stays text) and
deterministic workbooks, through the CLI on a small cycle made here."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from dotpha_demo.filler import form_sheet
from dotpha_xl.store.ledger import Ledger
from tests.helpers import ROSTER, fill, fill_notes, items, write_table
from tests.helpers import run as run_cli


def run(ledger: Path, *args: object, code: int | None = 0):
    return run_cli("--ledger", ledger, *args, code=code)


def tree_hashes(*folders: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture()
def cycle(tmp_path):
    """Three cadres with one annual task each; plans filled and valid; Q2 reports filled."""
    ledger = tmp_path / "ledger.sqlite"
    roster = write_table(
        tmp_path / "roster.xlsx", ["cadre_id", "full_name", "position", "unit", "body"], ROSTER
    )
    assignments = write_table(
        tmp_path / "assignments.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year"],
        [(cid, "A", 1, f"Việc của {cid}", 2027, 2027) for cid, *_ in ROSTER],
    )
    run(ledger, "template", "plan", "--roster", roster, "--assignments", assignments,
        "--year", "2027", "--out", tmp_path / "plans", "--items-per-month", "2")  # fmt: skip
    for path in sorted((tmp_path / "plans").glob("*.xlsx")):
        fill(path, {k: {"content": f"Nội dung {k}", "w_month": 0.5} for k in items()})
        fill_notes(path)
    run(ledger, "template", "report", "--plans", tmp_path / "plans", "--period", "2027-Q2",
        "--out", tmp_path / "q2")  # fmt: skip
    for path in sorted((tmp_path / "q2").glob("*.xlsx")):
        fill(path, {k: {"completion": 1.0} for k in items() if k.startswith(("A1.Q1", "A1.Q2"))})
    return tmp_path, roster, ledger


def consolidate(tmp_path: Path, roster: Path, ledger: Path, *extra: object, code: int = 0):
    return run(ledger, "consolidate", "--roster", roster, "--plans", tmp_path / "plans",
               "--reports", tmp_path / "q2", "--period", "2027-Q2", "--jobs", "1", *extra,
               code=code)  # fmt: skip


def history(ledger: Path, *args: str) -> list[dict]:
    return json.loads(run(ledger, "history", *args, "--json", "-").stdout)


def test_second_run_is_unchanged_and_a_resent_file_is_an_update(cycle):
    tmp_path, roster, ledger = cycle
    first = consolidate(tmp_path, roster, ledger, "--dry-run")
    # The plans were recorded by `template report` already; the reports are new.
    assert "0 bị từ chối" in first.stderr
    statuses = {(v["form"], v["cadre_id"]): v["status"] for v in history(ledger)}
    assert statuses[("report", "CB901")] == "new" and statuses[("plan", "CB901")] == "new"

    # Consolidation validates (and records) the reports, and the plans only of cadres without a
    # usable report: everyone reported here, so the plans were only identified by their _meta.
    again = consolidate(tmp_path, roster, ledger, "--dry-run")
    assert "Sổ tiếp nhận: 0 mới, 0 cập nhật, 3 không đổi, 0 bị từ chối." in again.stderr

    # CB901 re-sends the report with one more item done, after the deadline.
    path = next((tmp_path / "q2").glob("CB901_*.xlsx"))
    fill(path, {"A1.Q3.M1.I1": {"completion": 0.5}})
    late = datetime(2027, 7, 30, 9, 0).timestamp()
    os.utime(path, (late, late))
    third = consolidate(tmp_path, roster, ledger, "--dry-run")
    assert "Sổ tiếp nhận: 0 mới, 1 cập nhật, 2 không đổi, 0 bị từ chối." in third.stderr

    versions = [v for v in history(ledger, "CB901") if v["form"] == "report"]
    assert [v["status"] for v in versions] == ["new", "updated"]
    assert versions[1]["supersedes"] == versions[0]["id"]
    assert versions[0]["sha256"] != versions[1]["sha256"]
    assert versions[1]["mtime"] == "2027-07-30T09:00:00"  # the re-sent version shows as late
    text = run(ledger, "history", "CB901").stdout
    assert text.count("report") == 2 and versions[1]["sha256"][:12] in text


def test_rejected_files_are_recorded_once_per_content(cycle):
    tmp_path, roster, ledger = cycle
    broken = next((tmp_path / "q2").glob("CB902_*.xlsx"))
    broken.write_bytes(broken.read_bytes()[:1500])
    out = consolidate(tmp_path, roster, ledger, "--dry-run", code=1)
    assert "1 bị từ chối" in out.stderr
    consolidate(tmp_path, roster, ledger, "--dry-run", code=1)
    with sqlite3.connect(ledger) as db:
        rows = db.execute("SELECT verdict, problems FROM intake WHERE status = 'rejected'")
        rejected = rows.fetchall()
    assert len(rejected) == 1 and rejected[0][0] == "rejected"
    assert json.loads(rejected[0][1])[0]["code"] == "file_corrupt"


def test_dry_run_writes_nothing_but_the_ledger(cycle):
    tmp_path, roster, ledger = cycle
    before = set(tmp_path.rglob("*"))
    consolidate(tmp_path, roster, ledger, "--dry-run", "--out", tmp_path / "out")
    after = set(tmp_path.rglob("*"))
    assert after - before == set() and ledger.exists()


def test_ledger_records_identity_and_problems(tmp_path):
    from types import SimpleNamespace

    meta = {"cadre_id": "CB1", "year": "2027"}
    read = SimpleNamespace(file="x.xlsx", meta=meta, problems=[], sha256="a" * 64, size=10)

    with Ledger(tmp_path / "l.sqlite") as ledger:
        path = tmp_path / "x.xlsx"
        path.write_bytes(b"x")
        assert ledger.record_files("plan", [(path, read)], period_key="year") == ["new"]
        assert ledger.record_files("plan", [(path, read)], period_key="year") == ["unchanged"]
        read.sha256 = "b" * 64
        assert ledger.record_files("plan", [(path, read)], period_key="year") == ["updated"]
        (v1, v2) = ledger.history("CB1")
        assert (v1.period, v2.supersedes, v2.verdict) == ("2027", v1.id, "valid")


def test_interrupted_consolidation_leaves_no_output_and_inputs_unchanged(cycle, monkeypatch):
    from dotpha_xl.xlsx import body_workbook

    tmp_path, roster, ledger = cycle
    before = tree_hashes(tmp_path / "plans", tmp_path / "q2")
    calls = []

    def third_fails(c, body, settings):
        calls.append(body)
        if len(calls) == 3:
            raise RuntimeError("interrupted")
        return b"PK fake workbook"

    monkeypatch.setattr(body_workbook, "write_body_workbook", third_fails)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="interrupted"):
        consolidate(tmp_path, roster, ledger, "--out", out, "--json", out / "r.json")
    assert len(calls) == 3
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]
    assert tree_hashes(tmp_path / "plans", tmp_path / "q2") == before


def test_outputs_inside_inputs_are_refused(cycle):
    tmp_path, roster, ledger = cycle
    before = tree_hashes(tmp_path / "plans", tmp_path / "q2")
    refused = consolidate(tmp_path, roster, ledger, "--out", tmp_path / "q2" / "out", code=2)
    assert "trùng hoặc nằm trong" in refused.output
    refused = run(ledger, "template", "report", "--plans", tmp_path / "plans", "--period",
                  "2027-Q3", "--out", tmp_path / "plans" / "q3", code=2)  # fmt: skip
    assert "trùng hoặc nằm trong" in refused.output
    refused = run(ledger, "template", "report", "--plans", tmp_path / "plans", "--period",
                  "2027-Q3", "--out", tmp_path / "plans", code=2)  # fmt: skip
    assert tree_hashes(tmp_path / "plans", tmp_path / "q2") == before
    assert not (tmp_path / "q2" / "out").exists()


TRICKY = ["=SUM(A1:A2)", "+84 912", "-5 hồ sơ", "@hàm", "\tthụt lề", "\rdòng"]


def test_user_text_stays_text_from_plan_to_body_workbook(cycle):
    tmp_path, roster, ledger = cycle
    keys = [k for k in items() if k.startswith("A1.Q1")]
    plan = next((tmp_path / "plans").glob("CB903_*.xlsx"))
    fill(plan, {k: {"product": f"{t} sản phẩm"} for k, t in zip(keys, TRICKY, strict=False)})
    run(ledger, "template", "report", "--plans", tmp_path / "plans", "--period", "2027-Q1",
        "--out", tmp_path / "q1")  # fmt: skip
    report = next((tmp_path / "q1").glob("CB903_*.xlsx"))
    values = {k: {"completion": 1.0, "actual_product": f"{t} xong"} for k, t in zip(keys, TRICKY,
              strict=False)}  # fmt: skip
    fill(report, values)
    for path, suffix in ((report, " sản phẩm"), (report, " xong")):
        book = openpyxl.load_workbook(path)
        found = [
            cell
            for row in form_sheet(book).iter_rows()
            for cell in row
            if isinstance(cell.value, str) and cell.value.endswith(suffix)
        ]
        assert len(found) == len(TRICKY) and all(c.data_type == "s" for c in found)
    out = tmp_path / "out"
    run(ledger, "consolidate", "--roster", roster, "--plans", tmp_path / "plans", "--reports",
        tmp_path / "q1", "--period", "2027-Q1", "--out", out, "--body", "TC")  # fmt: skip
    book = openpyxl.load_workbook(next(out.glob("TC_*.xlsx")))
    texts = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.endswith((" sản phẩm", " xong"))
    ]
    assert texts and all(c.data_type == "s" for c in texts)
    assert any(c.value.startswith("=SUM") for c in texts)


def test_outputs_are_deterministic(cycle):
    tmp_path, roster, ledger = cycle
    for n in (1, 2):
        run(ledger, "template", "report", "--plans", tmp_path / "plans", "--period", "2027-Q3",
            "--out", tmp_path / f"q3_{n}")  # fmt: skip
        consolidate(tmp_path, roster, ledger, "--out", tmp_path / f"out_{n}", "--body", "TC")
    for a, b in (("q3_1", "q3_2"), ("out_1", "out_2")):
        first = {p.name: p.read_bytes() for p in (tmp_path / a).iterdir()}
        second = {p.name: p.read_bytes() for p in (tmp_path / b).iterdir()}
        assert first and first == second
