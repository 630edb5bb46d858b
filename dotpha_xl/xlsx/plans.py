"""Plans (form 02): read a filled workbook back, check it, and generate the cadres' templates.

Reading goes: contract (``read_form``) → a long DataFrame of the sheet's rows → pandera schema
(cell rules) → the core's tree checks (sums, items) → problems at cells, and checked trees that
reports and consolidation build on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pandas as pd

from dotpha_xl.domain.tree import PlanRow, build_tree, check_tree
from dotpha_xl.kernel.keys import (
    ITEM,
    MONTH,
    REQUIRED_PLAN_NOTES,
    NodeKey,
    parse_key,
    parse_note_key,
)
from dotpha_xl.kernel.problems import Problem, has_errors, problem
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.kernel.text import PercentError, as_text, format_percent, parse_percent
from dotpha_xl.records.outcomes import ReadOutcome
from dotpha_xl.records.tasks import PlannedTask
from dotpha_xl.xlsx.contract import (
    FormSheet,
    Source,
    check_meta,
    check_prefilled,
    read_form,
)
from dotpha_xl.xlsx.plan_form import (
    CHILD_SUM_COLUMN,
    LOCKED_COLUMNS,
    NOTE_LABELS,
    OWN_WEIGHT_COLUMN,
    SECTION_TITLES,
)
from dotpha_xl.xlsx.schemas import ROW_REJECTING_CHECKS, PlanRowsSchema, validate_frame
from dotpha_xl.xlsx.tenure_blocks import CARRIED_ROW_PREFIX
from dotpha_xl.xlsx.user_text import user_text


@dataclass
class PlanFile(ReadOutcome):
    file: str
    path: str
    meta: dict[str, str]
    tasks: dict[str, PlannedTask] = field(default_factory=dict)
    frame: pd.DataFrame | None = None
    problems: list[Problem] = field(default_factory=list)
    digest: str = ""
    sha256: str = ""  # of the file's bytes, for the intake ledger
    size: int = 0
    #: the narrative rows' cells (Art. 4.4 a): row key ``A1.note.roadmap`` -> (cell, text read)
    note_cells: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Task key -> the cadre whose plan of the year before this plan's earlier years of that
    #: period task were carried from (``carried_years``, R35): the cadre, or a predecessor.
    continued_from: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def read_plan(
    source: Source,
    settings: Settings,
    *,
    name: str | None = None,
    expected: dict[str, str] | None = None,
    validate: bool = True,
) -> PlanFile:
    """Read and check one filled plan; every problem names its file, sheet and cell.

    ``validate=False`` leaves out the pandera check of the rows (``frame``): for a caller that
    checks the frames of many plans at once and reads again, in full, those it finds fault
    with; a plan whose rows pass reads the same either way."""
    sheet = read_form(source, "plan", name=name)
    plan = PlanFile(
        file=sheet.file,
        path=str(source) if isinstance(source, (str, Path)) else sheet.file,
        meta=sheet.meta,
        problems=list(sheet.problems),
        digest=sheet.meta.get("digest", ""),
        sha256=sheet.sha256,
        size=sheet.size,
    )
    if has_errors(plan.problems) or sheet.prefilled is None:
        return plan
    plan.problems += check_meta(sheet, expected or {})
    plan.problems += check_prefilled(sheet, LOCKED_COLUMNS, sheet.prefilled["rows"])
    frame, cell_problems = plan_frame(sheet)
    plan.frame = frame
    plan.problems += cell_problems
    plan.problems += check_carried_years(sheet, frame)
    for key, sealed in ((sheet.prefilled or {}).get("carried_years") or {}).items():
        plan.continued_from[key] = str(sealed.get("cadre_id", ""))
    if validate:
        plan.problems += validate_frame(frame, PlanRowsSchema)
    plan.tasks, tree_problems = _check_trees(sheet, frame, settings)
    plan.problems += merge_tree_problems(tree_problems, plan.problems)
    notes, note_problems = read_notes(sheet, plan.note_cells)
    plan.problems += note_problems
    for key, task in plan.tasks.items():
        task.notes = notes.get(key, {})
    return plan


def read_notes(
    sheet: FormSheet, cells: dict[str, tuple[str, str]] | None = None
) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """Task key -> the plan's narrative by field (Art. 4.4 a), read from the ``product`` cell of
    the rows ``{task}.note.{field}`` through the text hook.  A required field left empty is
    ``plan_note_missing`` at its cell (docs/regulation.md R36); a plan made before these rows
    existed (none in its pre-filled rows) is not asked for them.  ``cells``, if given, gets each
    row's (cell, text)."""
    notes: dict[str, dict[str, str]] = {}
    problems: list[Problem] = []
    offered = set((sheet.prefilled or {}).get("rows", {}))
    if "product" not in sheet.columns:
        return notes, problems
    for row in sheet.rows:
        found = parse_note_key(row.key)
        if found is None:
            continue
        task_key, name = found
        sheet.readable_input(row, "product", problems, row.key)
        text = _typed(sheet, row, "product", problems)
        notes.setdefault(task_key, {})[name] = text
        if cells is not None:
            cells[row.key] = (sheet.cell(row, "product"), text)
        if not text.strip() and name in REQUIRED_PLAN_NOTES and row.key in offered:
            problems.append(
                problem("plan_note_missing", node=task_key, field=NOTE_WORDS[name]).at(
                    file=sheet.file, sheet=sheet.sheet, cell=sheet.cell(row, "product")
                )
            )
    return notes, problems


def plan_frame(sheet: FormSheet) -> tuple[pd.DataFrame, list[Problem]]:
    """The sheet's keyed rows as a long DataFrame; unreadable cells become problems.

    A row without a key under a month is a new item of that month (the cadre inserted it).
    """
    problems: list[Problem] = []
    records: list[dict[str, Any]] = []
    month: NodeKey | None = None
    next_item: dict[NodeKey, int] = {}
    keys_in_sheet = {r.key for r in sheet.rows}
    table_end = max((r.index for r in sheet.rows if r.key), default=-1)
    previous = -1  # the sheet row of the last data row taken
    for row in sheet.rows:
        key_text = row.key
        if (
            key_text in SECTION_TITLES
            or key_text.startswith(CARRIED_ROW_PREFIX)
            or parse_note_key(key_text) is not None
        ):
            month = None
            continue
        inserted = False
        if not key_text:
            if row.is_blank(("content", "product", "w_month")):
                # a value elsewhere on a row inserted in the table is not read: said at its
                # cell (below the table, such values are the form's own signature block)
                other = next((c for c, v in row.values.items() if not _blank(v)), None)
                if other is not None and row.index < table_end:
                    problems.append(
                        problem("stray_value", value=as_text(row.values[other])).at(
                            file=sheet.file, sheet=sheet.sheet, cell=sheet.cell(row, other)
                        )
                    )
                continue
            if row.index > table_end and row.index != previous + 1:
                # Below the table and not joined to its last row: a stray value, not an item.
                column = next(
                    c
                    for c in ("content", "product", "w_month")
                    if row.values.get(c) not in (None, "")
                )
                problems.append(
                    problem("stray_value", value=as_text(row.values.get(column))).at(
                        file=sheet.file, sheet=sheet.sheet, cell=sheet.cell(row, column)
                    )
                )
                continue
            if month is None:
                problems.append(
                    problem("row_outside_month").at(
                        file=sheet.file, sheet=sheet.sheet, cell=sheet.cell(row, "content")
                    )
                )
                continue
            index = next_item.get(month, 0) + 1
            while str(month.child(index)) in keys_in_sheet:
                index += 1
            key = month.child(index)
            next_item[month] = index
            inserted = True
        else:
            try:
                key = parse_key(key_text)
            except ValueError:  # the schema reports it (unknown_key); the tree leaves it out
                records.append(_unparsed_row(sheet, row, key_text))
                continue
        previous = row.index
        level = key.level
        if level == MONTH:
            month = key
        elif level == ITEM and not inserted:
            month = key.parent()
            next_item[month] = max(next_item.get(month, 0), key.item or 0)
        elif level != ITEM:
            month = None
        weight_column = OWN_WEIGHT_COLUMN.get(level)
        weight: Fraction | None = None
        bad_weight = False
        inputs = ("content", "product") if level == ITEM else ()
        for column in (*inputs, *((weight_column,) if weight_column else ())):
            sheet.readable_input(row, column, problems, str(key))
        if weight_column:
            try:
                weight = parse_percent(row.values.get(weight_column))
            except PercentError as exc:
                bad_weight = True
                problems.append(
                    problem(exc.code, value=as_text(exc.value), node=str(key)).at(
                        file=sheet.file, sheet=sheet.sheet, cell=sheet.cell(row, weight_column)
                    )
                )
        records.append(
            {
                "file": sheet.file,
                "sheet": sheet.sheet,
                "row": row.index,
                "key": str(key),
                "level": level,
                "task_key": key.task_key,
                "inserted": inserted,
                "content": _typed(sheet, row, "content", problems),
                "product": _typed(sheet, row, "product", problems),
                "weight": weight,
                "bad_weight": bad_weight,
                "key_cell": f"A{row.index + 1}",
                "content_cell": sheet.cell(row, "content"),
                "product_cell": sheet.cell(row, "product"),
                "weight_cell": sheet.cell(row, weight_column) if weight_column else "",
                "sum_cell": _sum_cell(sheet, row.index, level, key.section),
            }
        )
    columns = [
        "file", "sheet", "row", "key", "level", "task_key", "inserted", "content", "product",
        "weight", "bad_weight", "key_cell", "content_cell", "product_cell", "weight_cell",
        "sum_cell",
    ]  # fmt: skip
    return pd.DataFrame.from_records(records, columns=columns), problems


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


#: A narrative field as a message names it.
NOTE_WORDS = {k: v.split(" (")[0].lower() for k, v in NOTE_LABELS.items()}


def check_carried_years(sheet: FormSheet, frame: pd.DataFrame) -> list[Problem]:
    """The years of period tasks carried from the previous year's plan, as sealed in ``_meta``
    (``carried_years``): a carried row whose weight, content or product differs is
    ``carried_plan_changed`` at its cell, one missing is ``carried_row_deleted``, a row added
    under a carried year ``carried_row_added`` (docs/workbook-format.md, "Multi-year plans")."""
    carried = (sheet.prefilled or {}).get("carried_years") or {}
    if not carried or frame.empty:
        return []
    out: list[Problem] = []
    where = {"file": sheet.file, "sheet": sheet.sheet}
    found = {r.key: r for r in frame.itertuples(index=False)}
    for task_key, info in carried.items():
        year = str(info.get("from_year", ""))
        rows = info.get("rows", {})
        for key, (weight, content, product) in rows.items():
            row = found.get(key)
            if row is None:
                task_row = found.get(task_key)
                cell = task_row.content_cell if task_row is not None else ""
                out.append(
                    problem("carried_row_deleted", node=key, expected=year).at(**where, cell=cell)
                )
                continue
            want = None if weight is None else Fraction(weight)
            if row.weight != want and not row.bad_weight:
                shown = "" if row.weight is None else format_percent(row.weight)
                out.append(
                    problem("carried_plan_changed", value=shown, node=key, expected=year).at(
                        **where, cell=row.weight_cell
                    )
                )
            if row.level != ITEM:
                continue
            for column, text in (("content", content), ("product", product)):
                if getattr(row, column) != text:
                    out.append(
                        problem(
                            "carried_plan_changed",
                            value=getattr(row, column),
                            node=key,
                            expected=year,
                        ).at(**where, cell=getattr(row, f"{column}_cell"))
                    )
        prefixes = tuple(f"{task_key}.Y{y}." for y in info.get("years", []))
        for row in found.values():
            if row.key in rows or not row.key.startswith(prefixes):
                continue
            if row.weight is None and not row.content and not row.product:
                continue
            out.append(
                problem("carried_row_added", value=row.content, node=row.key, expected=year).at(
                    **where, cell=row.content_cell
                )
            )
    return out


def _unparsed_row(sheet: FormSheet, row: Any, key_text: str) -> dict[str, Any]:
    """A row whose key does not follow the grammar, as the schema sees it (no level, no tree)."""
    return {
        "file": sheet.file, "sheet": sheet.sheet, "row": row.index, "key": key_text,
        "level": "", "task_key": "", "inserted": False, "content": "", "product": "",
        "weight": None, "bad_weight": False, "key_cell": f"A{row.index + 1}", "content_cell": "",
        "product_cell": "", "weight_cell": "", "sum_cell": "",
    }  # fmt: skip


def _typed(sheet: FormSheet, row: Any, column: str, problems: list[Problem]) -> str:
    """A text cell typed by the cadre, through the text hook (NFC, TCVN3/VNI)."""
    cell = sheet.cell(row, column) if column in sheet.columns else ""
    return user_text(
        row.values.get(column), problems, file=sheet.file, sheet=sheet.sheet, cell=cell
    )


def _sum_cell(sheet: FormSheet, index: int, level: str, section: str) -> str:
    column = CHILD_SUM_COLUMN.get(level) or ("w_year" if section == "A" else "w_period")
    if level == ITEM or column not in sheet.columns:
        return ""
    return sheet.cell(index, column)


def _check_trees(
    sheet: FormSheet, frame: pd.DataFrame, settings: Settings
) -> tuple[dict[str, PlannedTask], list[Problem]]:
    """Build each task's tree from the frame and run the core's structure checks."""
    problems: list[Problem] = []
    tasks: dict[str, PlannedTask] = {}
    if frame.empty:
        return tasks, problems
    cells = frame.set_index("key")
    bad_weight = set(frame.loc[frame["bad_weight"], "key"])
    rows = (
        PlanRow(r.key, r.weight, r.content, r.product)
        for r in frame.itertuples(index=False)
        if r.level and r.key not in bad_weight
    )
    roots, build_problems = build_tree(rows)
    for p in build_problems:
        problems.append(p.at(file=sheet.file, sheet=sheet.sheet, cell=_cell_for(cells, p)))
    plan_year = _int(sheet.meta.get("year"))
    for meta in sheet.prefilled["tasks"]:
        key = meta["key"]
        root = roots.get(key)
        if root is None:
            continue
        clean, tree_problems = check_tree(
            root, settings.weight_tolerance, open_years=later_years(meta, plan_year)
        )
        for p in tree_problems:
            if _under(p.node, bad_weight):
                continue
            problems.append(p.at(file=sheet.file, sheet=sheet.sheet, cell=_cell_for(cells, p)))
        tasks[key] = PlannedTask.from_meta(meta, clean)
    return tasks, problems


def _int(text: object) -> int | None:
    try:
        return int(str(text))
    except ValueError:
        return None


def later_years(task_meta: dict[str, Any], plan_year: int | None) -> range:
    """The numbers of a period task's years after the plan's year: they may be left unplanned
    until their own year's plan (docs/regulation.md, R35)."""
    if plan_year is None or str(task_meta.get("key", "")).startswith("A"):
        return range(0)
    start, end = int(task_meta["start_year"]), int(task_meta["end_year"])
    return range(max(plan_year - start + 2, 1), end - start + 2)


def _under(node: str, keys: set[str]) -> bool:
    """Whether ``node`` is one of ``keys`` or a parent of one (its sum is then unknown)."""
    return any(k == node or k.startswith(node + ".") for k in keys)


CELL_OF_CODE = {
    "weight_out_of_range": "weight_cell",
    "weight_missing": "weight_cell",
    "weight_sum_not_100": "sum_cell",
    "node_without_items": "content_cell",
    "item_without_content": "content_cell",
    "unknown_key": "key_cell",
    "duplicate_key": "key_cell",
}


def _cell_for(cells: pd.DataFrame, p: Problem) -> str:
    column = CELL_OF_CODE.get(p.code, "content_cell")
    if p.node not in cells.index:
        return ""
    found = cells.loc[p.node, column]
    if isinstance(found, pd.Series):  # a duplicated key: point at its last row
        found = found.iloc[-1]
    return str(found or cells.loc[p.node, "content_cell"])


def merge_tree_problems(tree: list[Problem], found: list[Problem]) -> list[Problem]:
    """The tree checks' problems to add to those ``found`` before (the schema's among them):
    none at a row whose weight the schema rejected, or above it (a sum that includes an unusable
    weight says nothing more), and none already reported at the same cell."""
    rejected = {p.node for p in found if p.code in ROW_REJECTING_CHECKS and p.node}
    kept = [p for p in tree if not _under(p.node, rejected)] if rejected else tree
    return _dedupe(kept, found)


def _dedupe(new: list[Problem], existing: list[Problem]) -> list[Problem]:
    seen = {(p.code, p.file, p.cell) for p in existing}
    out = []
    for p in new:
        if (p.code, p.file, p.cell) not in seen:
            seen.add((p.code, p.file, p.cell))
            out.append(p)
    return out


def read_plans(
    paths: Iterable[Path], settings: Settings, expected: dict[str, dict[str, str]] | None = None
) -> list[PlanFile]:
    """Read every plan of a batch; one bad file never stops the others."""
    return [read_plan(p, settings, expected=(expected or {}).get(str(p))) for p in paths]


def latest_valid_plans(plans: Sequence[PlanFile]) -> dict[str, PlanFile]:
    """Cadre id -> their valid plan (the last one listed wins when several are given)."""
    out: dict[str, PlanFile] = {}
    for plan in plans:
        if plan.ok and plan.cadre_id:
            out[plan.cadre_id] = plan
    return out
