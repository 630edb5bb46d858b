"""pandera schemas of the long frames the readers produce, and the mapping of their failures back
to problems at cells.

A reader turns every workbook into rows of one long DataFrame (one row per sheet row) that keeps,
for every checked column, the A1 address of the cell it came from (``<column>_cell``).  The schema
is validated lazily, so one pass reports every failure; each failure case becomes a ``Problem``
at its file, sheet and cell, with the check's name as its code.

The schemas own the row-level rules of the forms: the key grammar (``kernel.keys.is_key``, the one
definition of it), the level codes, the range of weights and completions (0–100 %), and the content
an item with a weight needs.  Nothing else checks them: the readers only parse cells, and the
domain checks the tree (sums, structure).  A row whose key does not parse stays out of the tree;
the tree's problems above a weight the schemas reject are dropped
(``xlsx.plans.merge_tree_problems``).
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from dotpha_xl.kernel.keys import LEVELS, is_key
from dotpha_xl.kernel.problems import Problem, problem

#: The checks whose failing rows make the tree checks above them moot (a sum over an unusable
#: weight says nothing more).
ROW_REJECTING_CHECKS = frozenset({"weight_out_of_range"})


def _in_percent_range(value: object) -> bool:
    return value is None or (isinstance(value, Fraction) and 0 <= value <= 100)


class _KeyedRowsSchema(pa.DataFrameModel):
    """What every form's rows have: where they come from, and a key that follows the grammar."""

    file: str
    sheet: str
    key: str

    @pa.check("key", name="unknown_key", element_wise=True)
    def key_follows_grammar(cls, value: object) -> bool:
        return is_key(value)

    class Config:
        strict = False
        coerce = False


class PlanRowsSchema(_KeyedRowsSchema):
    """One row per keyed row of a plan sheet."""

    # a row whose key does not parse has no level; the key's own check reports it
    level: str = pa.Field(isin=[*LEVELS, ""])
    content: str
    product: str
    weight: object = pa.Field(nullable=True)

    @pa.check("weight", name="weight_out_of_range", element_wise=True)
    def weight_in_range(cls, value: object) -> bool:
        return _in_percent_range(value)

    @pa.dataframe_check(name="item_without_content")
    def item_has_content(cls, df: pd.DataFrame) -> pd.Series:
        weighted = df["weight"].map(lambda w: w is not None and w > 0)
        return ~((df["level"] == "item") & weighted & (df["content"].str.strip() == ""))


class ReportRowsSchema(_KeyedRowsSchema):
    """One row per item row of a report sheet."""

    completion: object = pa.Field(nullable=True)

    @pa.check("completion", name="completion_out_of_range", element_wise=True)
    def completion_in_range(cls, value: object) -> bool:
        return _in_percent_range(value)


#: The cell column each check points at (a dataframe-wide check names one column).
CHECK_COLUMN = {"item_without_content": "content"}


def validate_frame(frame: pd.DataFrame, schema: type[pa.DataFrameModel]) -> list[Problem]:
    """Validate lazily; every failure case becomes a problem at its cell."""
    if frame.empty:
        return []
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        return _to_problems(frame, errors.failure_cases)
    return []


def _to_problems(frame: pd.DataFrame, failures: pd.DataFrame) -> list[Problem]:
    out: list[Problem] = []
    seen: set[tuple[str, int, str]] = set()
    for case in failures.itertuples(index=False):
        check = str(case.check)
        index = case.index
        if index is None or pd.isna(index):
            continue
        column = CHECK_COLUMN.get(check) or (str(case.column) if case.column else "")
        code = _code_of(check, column)
        if (code, int(index), column) in seen:
            continue
        seen.add((code, int(index), column))
        row = frame.loc[index]
        cell_column = f"{column}_cell"
        cell = row[cell_column] if cell_column in frame.columns else ""
        value = row[column] if column in frame.columns else case.failure_case
        out.append(
            problem(code, value=_show(value), node=str(row.get("key", ""))).at(
                file=row["file"], sheet=row["sheet"], cell=cell
            )
        )
    return out


def _code_of(check: str, column: str) -> str:
    if check.startswith("isin"):
        return "unknown_key"
    return check


def _show(value: object) -> str:
    if isinstance(value, Fraction):
        from dotpha_xl.kernel.text import format_percent

        return format_percent(value)
    return "" if value is None else str(value)
