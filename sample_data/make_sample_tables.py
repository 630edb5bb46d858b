"""Write the fictional sample tables roster.xlsx and assignments.xlsx from roster.csv and
assignments.csv.

Run as ``python sample_data/make_sample_tables.py [--out DIR]``; DIR defaults to this folder.
The CSVs hold the values (UTF-8, header row = column keys, dates as YYYY-MM-DD, an empty field
is an empty cell); the table below holds what a CSV cannot say: each column's width and kind
(text, date or whole number).  The output is deterministic: the committed .xlsx files are what
this script writes, byte for byte.  Every person in these tables is fictional.
"""

from __future__ import annotations

import argparse
import csv
import unicodedata
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent
CREATED = datetime(2026, 11, 1)
FONT = "Times New Roman"

#: name -> (sheet, ((column key, width, kind), ...)); kind is "text", "date" or "number".
TABLES: dict[str, tuple[str, tuple[tuple[str, int, str], ...]]] = {
    "roster": (
        "Danh sách cán bộ",
        (
            ("cadre_id", 10, "text"),
            ("full_name", 26, "text"),
            ("position", 52, "text"),
            ("unit", 40, "text"),
            ("body", 8, "text"),
            ("provincial_committee_member", 14, "text"),
            ("status", 10, "text"),
            ("appointed_on", 13, "date"),
            ("predecessor_id", 14, "text"),
            ("left_on", 12, "date"),
        ),
    ),
    "assignments": (
        "Giao việc",
        (
            ("cadre_id", 10, "text"),
            ("section", 8, "text"),
            ("task_no", 8, "number"),
            ("title", 60, "text"),
            ("start_year", 10, "number"),
            ("end_year", 10, "number"),
            ("basis", 60, "text"),
            ("targets", 60, "text"),
            ("assigned_on", 13, "date"),
        ),
    ),
}


def read_csv(path: Path, keys: list[str]) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if rows[0] != keys:
        raise SystemExit(f"{path.name}: header {rows[0]} is not {keys}")
    return rows[1:]


def write_table(path: Path, sheet_name: str, columns, rows: list[list[str]]) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": False})
    wb.set_properties({"created": CREATED})
    head = wb.add_format(
        {
            "bold": True,
            "font_name": FONT,
            "font_size": 12,
            "valign": "top",
            "border": 1,
            "bg_color": "#D9E1F2",
        }
    )
    text = wb.add_format({"font_name": FONT, "font_size": 12, "valign": "top", "text_wrap": True})
    day = wb.add_format(
        {"font_name": FONT, "font_size": 12, "valign": "top", "num_format": "dd/mm/yyyy"}
    )
    num = wb.add_format({"font_name": FONT, "font_size": 12, "valign": "top", "num_format": "0"})
    ws = wb.add_worksheet(sheet_name)
    for c, (name, width, _kind) in enumerate(columns):
        ws.write_string(0, c, name, head)
        ws.set_column(c, c, width, text)
    for r, row in enumerate(rows, start=1):
        for c, ((_name, _width, kind), value) in enumerate(zip(columns, row, strict=True)):
            if value == "":
                continue
            if kind == "date":
                day_of = date.fromisoformat(value)
                ws.write_datetime(r, c, datetime(day_of.year, day_of.month, day_of.day), day)
            elif kind == "number":
                ws.write_number(r, c, int(value), num)
            else:
                ws.write_string(r, c, unicodedata.normalize("NFC", value), text)
    ws.autofilter(0, 0, len(rows), len(columns) - 1)
    ws.freeze_panes(1, 0)
    wb.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=HERE, help="output folder (default: this script's folder)"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, (sheet, columns) in TABLES.items():
        rows = read_csv(HERE / f"{name}.csv", [key for key, _, _ in columns])
        write_table(args.out / f"{name}.xlsx", sheet, columns, rows)


if __name__ == "__main__":
    main()
