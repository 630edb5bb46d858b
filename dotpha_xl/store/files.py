"""Where the tool finds its inputs and names its outputs: the workbooks of a folder, and every
output file name (so that a step that writes a file and a step that reads it agree)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from dotpha_xl.kernel.text import ascii_slug

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the workbooks inside folders given and in their subfolders, at any
    depth (an inbox sorted by unit or by month is read whole), sorted by their path inside the
    folder; hidden files and folders (a killed run's ``.tmp-*``, ``.staging-*``), Office lock
    files and ``__MACOSX`` are left out."""
    out: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            out += sorted(_workbooks_under(path), key=lambda p: p.relative_to(path).parts)
        else:
            out.append(path)
    return out


def _workbooks_under(folder: Path) -> Iterable[Path]:
    for p in folder.iterdir():
        if p.name.startswith((".", "~$")) or p.name == "__MACOSX":
            continue
        if p.is_dir():
            if not p.is_symlink():  # a link to a folder could loop
                yield from _workbooks_under(p)
        elif p.is_file() and p.suffix.lower() in WORKBOOK_SUFFIXES:
            yield p


def output_name(cadre_id: str, full_name: str, form: str, period: str) -> str:
    """An ASCII-safe file name built from the id and the name, never a path from user text."""
    return (
        f"{ascii_slug(cadre_id, 20)}_{ascii_slug(full_name, 40)}_{form}_{ascii_slug(period)}.xlsx"
    )


def consolidation_json_name(period_code: str) -> str:
    """The consolidation JSON that ``dotpha consolidate`` writes into its output folder."""
    return f"consolidation_{ascii_slug(period_code)}.json"


def body_workbook_name(body: str, period_code: str) -> str:
    """A reviewing body's consolidated workbook of a period."""
    return f"{body}_tong_hop_{ascii_slug(period_code)}.xlsx"


def body_workbook_pattern(period_code: str) -> str:
    """The glob that finds every body's consolidated workbook of a period."""
    return f"*_tong_hop_{ascii_slug(period_code)}.xlsx"


def plan_name_suffix(year: int) -> str:
    """How the stem of a plan file made by this tool ends (``…_ke_hoach_2027``)."""
    return f"_ke_hoach_{year}"
