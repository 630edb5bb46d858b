"""Helpers shared by the end-to-end tests: the CLI run in-process, tables written for it, and
generated workbooks filled through the key contract alone."""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import xlsxwriter
from click.testing import CliRunner, Result

from dotpha_demo.filler import find_contract, form_sheet
from dotpha_xl.cli import cli

#: A small named roster: two cadres of one reviewing body, one of another.
ROSTER = [
    ("CB901", "Nguyễn Thị Mai", "Giám đốc Sở Tài chính", "Sở Tài chính", "UBND"),
    ("CB902", "Trần Văn Bình", "Giám đốc Sở Xây dựng", "Sở Xây dựng", "UBND"),
    ("CB903", "Lê Hoàng Nam", "Chánh Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy", "TC"),
]


_LEDGERS = Path(tempfile.mkdtemp(prefix="dotpha-test-ledgers-"))
_RUNS = itertools.count()


def run(*args: object, code: int | None = 0) -> Result:
    """``dotpha ARGS`` in-process; its exit code must be ``code`` (unless None).  Without a
    ``--ledger`` of its own, each run has a fresh intake ledger: no test sees another's files."""
    words = [str(a) for a in args]
    env = None
    if "--ledger" not in words:
        env = {"DOTPHA_LEDGER": str(_LEDGERS / f"run{next(_RUNS)}.sqlite")}
    result = CliRunner().invoke(cli, words, catch_exceptions=False, env=env)
    if code is not None:
        assert result.exit_code == code, result.output
    return result


def write_table(path: Path, header: list[str], rows: list[tuple]) -> Path:
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value) if isinstance(value, str) else sheet.write(r, c, value)
    book.close()
    return path


def fill(path: Path, values: dict[str, dict[str, object]]) -> None:
    """Fill cells of a generated workbook through the key contract alone (row key, column key)."""
    book = openpyxl.load_workbook(path)
    c = find_contract(form_sheet(book))
    for row_key, cells in values.items():
        for column, value in cells.items():
            cell = c.sheet.cell(c.rows[row_key], c.columns[column])
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
    book.save(path)


def notes(*tasks: str) -> dict[str, dict[str, object]]:
    """The narrative rows a plan requires under each of ``tasks`` (Art. 4.4 a), filled."""
    from dotpha_xl.kernel.keys import REQUIRED_PLAN_NOTES, note_key

    return {
        note_key(t, name): {"product": f"{name} của {t}"}
        for t in tasks
        for name in REQUIRED_PLAN_NOTES
    }


def fill_notes(path: Path) -> None:
    """Fill every required narrative row of a generated plan (Art. 4.4 a), whatever its tasks."""
    from dotpha_xl.kernel.keys import REQUIRED_PLAN_NOTES, parse_note_key

    book = openpyxl.load_workbook(path)
    c = find_contract(form_sheet(book))
    for key, row in c.rows.items():
        found = parse_note_key(key)
        if found is not None and found[1] in REQUIRED_PLAN_NOTES:
            c.sheet.cell(row, c.columns["product"]).value = f"{found[1]} của {found[0]}"
    book.save(path)


def items(prefix: str = "A1", per_month: int = 2) -> Iterator[str]:
    """The item keys of an annual task of ``per_month`` items a month."""
    for q in range(1, 5):
        for m in range(1, 4):
            for i in range(1, per_month + 1):
                yield f"{prefix}.Q{q}.M{m}.I{i}"


def plan_cycle(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A roster of three, one annual task each, plans filled 50/50 in every month."""
    roster = write_table(
        tmp_path / "roster.xlsx", ["cadre_id", "full_name", "position", "unit", "body"], ROSTER
    )
    assignments = write_table(
        tmp_path / "assignments.xlsx",
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year"],
        [(cid, "A", 1, f"Việc của {cid}", 2027, 2027) for cid, *_ in ROSTER],
    )
    run("template", "plan", "--roster", roster, "--assignments", assignments, "--year", "2027",
        "--out", tmp_path / "plans", "--items-per-month", "2")  # fmt: skip
    for path in (tmp_path / "plans").glob("*.xlsx"):
        fill(path, {k: {"content": f"Nội dung {k}", "w_month": 0.5} for k in items()} | notes("A1"))
    run("validate", tmp_path / "plans")
    return tmp_path, roster, assignments
