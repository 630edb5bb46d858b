"""The one hook through which readers take text a user typed into a cell: NFC, and legacy
Vietnamese encodings (TCVN3, VNI) detected per cell, converted when unambiguous, and reported."""

from __future__ import annotations

from typing import Any

from dotpha_xl.kernel.problems import Problem, problem
from dotpha_xl.kernel.text import as_text, nfc, repair_legacy


def user_text(value: Any, problems: list[Problem], *, file: str, sheet: str, cell: str) -> str:
    """The cell's text in NFC Unicode; a warning naming the cell is added to ``problems`` when
    the text was typed in TCVN3 or VNI (converted if the mapping is unambiguous)."""
    text = nfc(as_text(value))
    fixed = repair_legacy(text)
    if fixed.encoding is None:
        return text
    detail = (
        f"đã tự chuyển sang Unicode: '{fixed.text}'."
        if fixed.converted
        else "không tự chuyển được vì lẫn ký tự khác."
    )
    found = problem(f"legacy_encoding_{fixed.encoding}", value=text, detail=detail)
    problems.append(found.at(file=file, sheet=sheet, cell=cell))
    return fixed.text
