"""Read a review workbook back (``dotpha_xl/xlsx/review.py``): the rows' values by column key,
and problems at cells, through the workbook contract alone.

Locked values are returned as they were pre-filled (sealed by ``_meta``'s digest), so that what a
reviewer did not touch comes back exactly, line breaks and long texts included; a locked cell
changed by hand is ``prefilled_changed`` at its cell.  Editable values are read from the cells
through the text hook (NFC, legacy encodings); a dropdown column's value is read as one of its
choices (any case, with or without diacritics) or is ``choice_unreadable`` at its cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dotpha_xl.kernel.problems import Problem, has_errors, problem
from dotpha_xl.kernel.text import as_text, fold
from dotpha_xl.xlsx.contract import FormSheet, KeyedRow, Source, cell_name, check_meta, read_form
from dotpha_xl.xlsx.review import (
    HEADING_PREFIX,
    PREFILLED_KEY,
    inserted_task_key,
    new_task_cadre,
)
from dotpha_xl.xlsx.user_text import user_text


@dataclass
class ReviewedRow:
    key: str
    values: dict[str, str]
    cells: dict[str, str]  # column key -> A1 address
    changed: set[str] = field(default_factory=set)  # editable columns that differ from the pre-fill

    @property
    def cadre_id(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def task_key(self) -> str:
        return self.key.split(":", 1)[1] if ":" in self.key else ""

    @property
    def new(self) -> bool:
        """A row for a task nobody registered: offered blank (``CADRE_ID:new1``), keyed so by
        hand, or inserted without key under a cadre's rows (``CADRE_ID:new@ROW``)."""
        return new_task_cadre(self.key) is not None

    def is_blank(self, columns: list[str]) -> bool:
        return all(not self.values.get(c) for c in columns)


@dataclass
class Reviewed:
    file: str
    sheet: str
    meta: dict[str, str]
    rows: dict[str, ReviewedRow] = field(default_factory=dict)
    prefilled: Any = None
    problems: list[Problem] = field(default_factory=list)
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def read_review(
    source: Source,
    form: str,
    *,
    name: str | None = None,
    sheet: str | None = None,
    key: str = PREFILLED_KEY,
    expected: dict[str, str] | None = None,
) -> Reviewed:
    """Read one review sheet; every problem names the file, sheet and cell."""
    found = read_form(source, form, name=name, sheet=sheet)
    out = Reviewed(found.file, found.sheet, found.meta, problems=list(found.problems))
    out.sha256 = found.sha256
    if has_errors(out.problems) or not isinstance(found.prefilled, dict):
        return out
    spec = found.prefilled.get(key)
    if not isinstance(spec, dict):
        out.problems.append(problem("meta_tampered").at(file=found.file, sheet="_meta"))
        return out
    out.prefilled = found.prefilled
    out.problems += check_meta(found, expected or {})
    _read_rows(found, spec, out)
    return out


def _owners(rows: list[KeyedRow], headings: set[str]) -> dict[int, str]:
    """Row index -> the cadre a row without key belongs to: the cadre of the keyed row just
    above it, or, right under a heading row, of the first keyed row below it."""
    owner: dict[int, str] = {}
    current, pending = "", []
    for row in rows:
        if row.key in headings or row.key.startswith(HEADING_PREFIX):
            current, pending = "", []
        elif not row.key:
            if current:
                owner[row.index] = current
            else:
                pending.append(row.index)
        else:
            current = row.key.split(":", 1)[0]
            owner.update(dict.fromkeys(pending, current))
            pending = []
    return owner


def _read_rows(found: FormSheet, spec: dict[str, Any], out: Reviewed) -> None:
    locked_rows: dict[str, dict[str, str]] = spec["rows"]
    initial: dict[str, dict[str, str]] = spec.get("initial", {})
    choices: dict[str, list[str]] = spec.get("choices", {})
    headings = set(spec.get("headings", []))
    new_rows = bool(spec.get("new_rows"))
    editable: list[str] = spec.get("editable", [])
    cadres = {k.split(":", 1)[0] for k in locked_rows}
    owners = _owners(found.rows, headings) if new_rows else {}
    where = {"file": found.file, "sheet": found.sheet}
    seen: set[str] = set()
    for row in found.rows:
        if row.key in headings:
            continue
        if not row.key:
            # A row inserted under a cadre's rows with something typed where a new task is
            # written: a new task of that cadre.  Other rows without a key (notes, the
            # signature) are not read.
            owner = owners.get(row.index)
            if owner and not all(_blank(row.values.get(c)) for c in editable):
                key = inserted_task_key(owner, row.index + 1)
                out.rows[key] = _new_row(found, row, key, spec, out, where)
            continue
        if row.key not in locked_rows and new_rows and new_task_cadre(row.key) in cadres:
            if row.key in seen:
                out.problems.append(
                    problem("duplicate_key", value=row.key, node=row.key).at(
                        **where, cell=f"A{row.index + 1}"
                    )
                )
                continue
            seen.add(row.key)
            out.rows[row.key] = _new_row(found, row, row.key, spec, out, where)
            continue
        if row.key.startswith(HEADING_PREFIX) or row.key not in locked_rows:
            out.problems.append(
                problem("unknown_key", value=row.key, node=row.key).at(
                    **where, cell=f"A{row.index + 1}"
                )
            )
            continue
        if row.key in seen:
            out.problems.append(
                problem("duplicate_key", value=row.key, node=row.key).at(
                    **where, cell=f"A{row.index + 1}"
                )
            )
            continue
        seen.add(row.key)
        cells = {c: cell_name(row.index, i) for c, i in found.columns.items()}
        values: dict[str, str] = {}
        for column, want in locked_rows[row.key].items():
            values[column] = want
            if column not in found.columns:
                continue
            got = as_text(row.values.get(column))
            if got != as_text(want):
                out.problems.append(
                    problem("prefilled_changed", value=got, node=row.key).at(
                        **where, cell=cells[column]
                    )
                )
        reviewed = ReviewedRow(row.key, values, cells)
        for column, before in initial.get(row.key, {}).items():
            if column not in found.columns:
                values[column] = before
                continue
            text = user_text(row.values.get(column), out.problems, **where, cell=cells[column])
            if column in choices and text:
                text = _choice(text, choices[column], out.problems, where, cells[column], column)
            values[column] = text
            if text != before:
                reviewed.changed.add(column)
        out.rows[row.key] = reviewed
    for row_key in locked_rows:
        if row_key not in seen and not (new_rows and new_task_cadre(row_key)):
            # an offered new-task row may be deleted: it held nothing
            out.problems.append(problem("row_deleted", value=row_key, node=row_key).at(**where))


def _new_row(
    found: FormSheet,
    row: KeyedRow,
    key: str,
    spec: dict[str, Any],
    out: Reviewed,
    where: dict[str, str],
) -> ReviewedRow:
    """A new-task row not offered by the form: nothing locked, every editable column read from
    its cell (the other columns empty)."""
    choices: dict[str, list[str]] = spec.get("choices", {})
    cells = {c: cell_name(row.index, i) for c, i in found.columns.items()}
    values = {c: "" for c in spec.get("columns", [])}
    reviewed = ReviewedRow(key, values, cells)
    for column in spec.get("editable", []):
        if column not in found.columns:
            continue
        text = user_text(row.values.get(column), out.problems, **where, cell=cells[column])
        if column in choices and text:
            text = _choice(text, choices[column], out.problems, where, cells[column], column)
        values[column] = text
        if text:
            reviewed.changed.add(column)
    return reviewed


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _choice(
    text: str, allowed: list[str], problems: list[Problem], where: dict, cell: str, column: str
) -> str:
    wanted = fold(text)
    for value in allowed:
        if fold(value) == wanted:
            return value
    problems.append(
        problem("choice_unreadable", value=text, field=column, expected=", ".join(allowed)).at(
            **where, cell=cell
        )
    )
    return text
