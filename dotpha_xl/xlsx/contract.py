"""The one contract of every workbook dotpha writes and reads back (docs/workbook-format.md).

* The form sheet has one hidden row whose first cell is the text ``key`` and whose other cells
  name the columns (``content``, ``w_month``, ...).  Column A is the key column: every data row
  below carries its row key there.
* A very hidden sheet ``_meta`` holds key/value rows in columns A and B: ``form``,
  ``form_version``, ``cadre_id``, ..., ``prefilled#1``, ``prefilled#2``, ... (the pre-filled
  locked content as JSON, in chunks that fit a cell) and ``digest`` (SHA-256 sealing the
  rest).  ``_meta`` is trusted for its digest, not for being hidden:
  LibreOffice turns a very hidden sheet into a hidden one when it re-saves a file.

Writing goes through xlsxwriter (see ``write_meta``); reading through python-calamine, which
returns values only, fast.  Nothing here knows a particular form's columns.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

from dotpha_xl.kernel.problems import Problem, problem
from dotpha_xl.kernel.settings import Limits, default_settings
from dotpha_xl.kernel.text import as_text
from dotpha_xl.records.outcomes import ReadOutcome
from dotpha_xl.xlsx.safe_open import open_workbook

META_SHEET = "_meta"
KEY_MARKER = "key"
KEY_COLUMN = 0  # column A

#: Form name -> (sheet name, current version).
FORMS: dict[str, tuple[str, str]] = {
    "plan": ("Kế hoạch", "1"),
    "report": ("Báo cáo", "1"),
    "body": ("Tổng hợp", "1"),
    "summary": ("Tổng hợp chung", "1"),
    "registration": ("Đăng ký", "1"),
    "proposals": ("Đề xuất", "1"),
    "decision": ("Tổng hợp đề xuất", "1"),
    "ratings": ("Xếp loại", "1"),
}

FORM_LABELS = {
    "plan": "kế hoạch (Mẫu số 02)",
    "report": "báo cáo (Mẫu số 03)",
    "body": "bảng tổng hợp của cơ quan thẩm định",
    "summary": "báo cáo tổng hợp chung của Ban Tổ chức",
    "registration": "bản đăng ký (Mẫu số 01)",
    "proposals": "bảng đề xuất của cơ quan thẩm định",
    "decision": "bảng tổng hợp đề xuất trình Ban Thường vụ",
    "ratings": "bảng xếp loại",
}

Source = str | Path | bytes | BinaryIO


@lru_cache(maxsize=1024)
def column_letter(index: int) -> str:
    """0-based column index to Excel letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """0-based row and column to an A1 address."""
    return f"{column_letter(col)}{row + 1}"


def canonical_json(value: Any) -> str:
    """The one JSON text of ``value`` that seals are computed on: sorted keys, no spaces."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest(prefilled: Any) -> str:
    """SHA-256 of the canonical JSON of the pre-filled content."""
    return _sha256(canonical_json(prefilled))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


PREFILLED_PREFIX = "prefilled#"
CHUNK = 30000  # an Excel cell holds at most 32,767 characters


def meta_digest(meta: Mapping[str, str], prefilled: Any) -> str:
    """The seal of ``_meta``: every key/value but the digest and the pre-filled chunks, and the
    pre-filled content itself."""
    return digest({"meta": _sealed_fields(meta), "prefilled": prefilled})


def _sealed_fields(meta: Mapping[str, str]) -> dict[str, str]:
    """The ``_meta`` entries the digest covers besides the pre-filled content."""
    return {k: v for k, v in meta.items() if k != "digest" and not k.startswith(PREFILLED_PREFIX)}


def _sealed(meta: Mapping[str, str], prefilled_json: str, prefilled: Any) -> bool:
    """Whether ``_meta`` matches its digest.  The pre-filled JSON is written in canonical form,
    so the canonical text of the sealed content is first assembled around it as read (no need
    to write it out again); only if that differs is the content made canonical anew."""
    head = canonical_json({"meta": _sealed_fields(meta)})
    text = f'{head[:-1]},"prefilled":{prefilled_json}}}'
    if _sha256(text) == meta.get("digest"):
        return True
    return meta_digest(meta, prefilled) == meta.get("digest")


def join_prefilled(meta: Mapping[str, str]) -> str:
    """The pre-filled JSON, joined from its chunks ``prefilled#1``, ``prefilled#2``, ..."""
    chunks = sorted(
        (int(k[len(PREFILLED_PREFIX) :]), v)
        for k, v in meta.items()
        if k.startswith(PREFILLED_PREFIX) and k[len(PREFILLED_PREFIX) :].isdigit()
    )
    return "".join(v for _, v in chunks)


def write_meta(workbook: Any, meta: Mapping[str, str], prefilled: Any) -> None:
    """Add the very hidden, protected ``_meta`` sheet to an xlsxwriter workbook."""
    sheet = workbook.add_worksheet(META_SHEET)
    rows = {k: "" if v is None else str(v) for k, v in meta.items()}
    text = canonical_json(prefilled)
    for n, start in enumerate(range(0, max(len(text), 1), CHUNK), start=1):
        rows[f"{PREFILLED_PREFIX}{n}"] = text[start : start + CHUNK]
    rows["digest"] = meta_digest(rows, prefilled)
    for r, (k, v) in enumerate(rows.items()):
        sheet.write_string(r, 0, k)
        sheet.write_string(r, 1, v)
    sheet.very_hidden()
    sheet.protect()


@dataclass
class KeyedRow:
    """A data row of a form sheet: its 0-based index, row key ('' when a user inserted it) and
    the raw cell values by column key."""

    index: int
    key: str
    values: dict[str, Any]

    def is_blank(self, columns: Iterable[str]) -> bool:
        return all(_blank(self.values.get(c)) for c in columns)


@dataclass
class FormSheet(ReadOutcome):
    """What the contract yields of one workbook: its meta, columns and keyed rows."""

    file: str
    form: str
    sheet: str
    meta: dict[str, str]
    columns: dict[str, int]
    rows: list[KeyedRow]
    prefilled: Any = None
    problems: list[Problem] = field(default_factory=list)
    sha256: str = ""
    size: int = 0
    #: The form sheet's formula cells: (0-based row, column) -> whether the file stores a value.
    formulas: dict[tuple[int, int], bool] = field(default_factory=dict, repr=False)

    def cell(self, row: KeyedRow | int, column: str) -> str:
        index = row.index if isinstance(row, KeyedRow) else row
        return cell_name(index, self.columns[column])

    def readable_input(
        self, row: KeyedRow, column: str, problems: list[Problem], node: str = ""
    ) -> bool:
        """Whether the input cell ``column`` of ``row`` can be read as a value.  A formula typed
        into it is read as the value the file stores for it, with ``formula_in_input`` at the
        cell; a formula whose value the file does not store (a file written by a tool that
        computes nothing) cannot be read: ``formula_without_value`` at the cell, never 0."""
        if column not in self.columns:
            return True
        cached = self.formulas.get((row.index, self.columns[column]))
        if cached is None:
            return True
        where = {"file": self.file, "sheet": self.sheet, "cell": self.cell(row, column)}
        if cached:
            shown = as_text(row.values.get(column))
            problems.append(problem("formula_in_input", value=shown, node=node).at(**where))
            return True
        problems.append(problem("formula_without_value", node=node).at(**where))
        row.values[column] = None
        return False


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def source_name(source: Source, name: str | None = None) -> str:
    if name:
        return name
    if isinstance(source, (str, Path)):
        return Path(source).name
    return getattr(source, "name", None) or "<bytes>"


def read_form(
    source: Source,
    form: str,
    *,
    name: str | None = None,
    limits: Limits | None = None,
    sheet: str | None = None,
    meta_only: bool = False,
) -> FormSheet:
    """Read a workbook through the contract; every failure is a problem, never an exception.

    The returned ``FormSheet`` has ``problems`` naming the file (and sheet and cell where there is
    one); when they include an error that stops reading, ``rows`` is empty.  ``sheet`` reads
    another keyed sheet of the same workbook than the form sheet (a review sheet of a summary).
    """
    file = source_name(source, name)
    sheet_name = sheet or FORMS[form][0]
    result = FormSheet(file=file, form=form, sheet=sheet_name, meta={}, columns={}, rows=[])

    def fail(p: Problem) -> FormSheet:
        result.problems.append(p.at(file=file, sheet=p.sheet or "", cell=p.cell or ""))
        return result

    opened = open_workbook(source, limits or default_settings().limits, name=file)
    result.sha256, result.size = opened.sha256, opened.size
    result.problems += opened.problems
    if opened.book is None:
        return result
    book = opened.book
    names = book.sheet_names
    if META_SHEET not in names:
        return fail(problem("meta_missing"))
    try:
        meta_rows = book.get_sheet_by_name(META_SHEET).to_python(skip_empty_area=False)
    except Exception as exc:
        return fail(problem("file_unreadable", value=_reason(exc)))
    # Values exactly as stored: the pre-filled chunks may begin or end with a space.
    meta = {
        as_text(r[0]): r[1] if isinstance(r[1], str) else as_text(r[1])
        for r in meta_rows
        if len(r) >= 2 and not _blank(r[0])
    }
    result.meta = meta
    prefilled_json = join_prefilled(meta)
    try:
        prefilled = json.loads(prefilled_json) if prefilled_json else None
    except ValueError:
        prefilled = None
    if prefilled is None or not _sealed(meta, prefilled_json, prefilled):
        return fail(problem("meta_tampered").at(sheet=META_SHEET))
    found_form = meta.get("form", "")
    if found_form != form:
        shown = FORM_LABELS.get(found_form, found_form or "?")
        return fail(
            problem("wrong_form", value=shown, expected=FORM_LABELS[form]).at(sheet=META_SHEET)
        )
    version = meta.get("form_version", "")
    if version != FORMS[form][1]:
        return fail(
            problem("form_version_unsupported", value=version or "?", expected=FORMS[form][1]).at(
                sheet=META_SHEET
            )
        )
    result.prefilled = prefilled
    if meta_only:  # whose file it is, sealed: enough to route it, no cell is read
        return result
    if sheet_name not in names:
        return fail(problem("form_sheet_missing", value=sheet_name))
    try:
        grid = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    except Exception as exc:
        return fail(problem("file_unreadable", value=_reason(exc)))
    key_row = next(
        (i for i, r in enumerate(grid) if r and as_text(r[KEY_COLUMN]) == KEY_MARKER), None
    )
    if key_row is None:
        return fail(problem("key_row_missing").at(sheet=sheet_name))
    columns = {
        as_text(v): c for c, v in enumerate(grid[key_row]) if c != KEY_COLUMN and not _blank(v)
    }
    result.columns = columns
    try:
        result.formulas = opened.formula_cells(sheet_name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        return fail(problem("file_corrupt", value=type(exc).__name__))
    width = max(columns.values(), default=0) + 1
    names = list(columns)
    # the named columns of a full row in one call (a row as wide as the key row, the usual case)
    pick = itemgetter(*columns.values()) if len(columns) > 1 else None
    for i in range(key_row + 1, len(grid)):
        raw = grid[i]
        key = as_text(raw[KEY_COLUMN]) if raw else ""
        if not key and all(_blank(v) for v in raw[1:width]):
            continue  # blank rows are tolerated
        if pick is not None and len(raw) >= width:
            values = dict(zip(names, pick(raw), strict=True))
        else:
            values = {c: (raw[j] if j < len(raw) else None) for c, j in columns.items()}
        result.rows.append(KeyedRow(i, key, values))
    return result


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def check_meta(sheet: FormSheet, expected: Mapping[str, str]) -> list[Problem]:
    """Problems where ``_meta`` disagrees with what the caller knows (cadre, year, ...)."""
    out = []
    for key, want in expected.items():
        got = sheet.meta.get(key, "")
        if want and got != want:
            out.append(
                problem("meta_mismatch", value=got, expected=want, field=key).at(
                    file=sheet.file, sheet=META_SHEET
                )
            )
    return out


def check_prefilled(
    sheet: FormSheet, locked_columns: Sequence[str], prefilled_rows: Mapping[str, Sequence[str]]
) -> list[Problem]:
    """Compare the locked cells of each keyed row with what was pre-filled; name each cell changed.

    ``prefilled_rows`` maps a row key to the texts of ``locked_columns`` as written.  A pre-filled
    row that is missing from the sheet is a problem too (``row_deleted``).
    """
    out: list[Problem] = []
    seen: set[str] = set()
    for row in sheet.rows:
        want = prefilled_rows.get(row.key)
        if want is None:
            continue
        seen.add(row.key)
        for column, expected in zip(locked_columns, want, strict=True):
            if column not in sheet.columns:
                continue
            got = as_text(row.values.get(column))
            if got != expected:
                out.append(
                    problem("prefilled_changed", value=got, node=row.key).at(
                        file=sheet.file, sheet=sheet.sheet, cell=sheet.cell(row, column)
                    )
                )
    for key in prefilled_rows:
        if key not in seen:
            out.append(
                problem("row_deleted", value=key, node=key).at(file=sheet.file, sheet=sheet.sheet)
            )
    return out
