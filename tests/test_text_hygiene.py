"""Legacy encodings (TCVN3, VNI) per text run, Vietnamese collation, and the fuzz test: random
values of every type in the input cells of real plans and reports never make a reader raise."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import MergedCell

from dotpha_demo.filler import find_contract, form_sheet
from dotpha_xl.kernel import text as text_module
from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.kernel.text import fold, repair_legacy, vietnamese_sort_key
from dotpha_xl.xlsx.plans import read_plan
from dotpha_xl.xlsx.reports import read_report


@pytest.mark.parametrize(
    ("found", "encoding", "unicode"),
    [
        ("Céng hßa x· héi chñ nghÜa ViÖt Nam", "tcvn3", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
        ("Hµ Néi", "tcvn3", "Hà Nội"),
        ("Tr\xadêng", "tcvn3", "Trường"),
        ("§ång Nai", "tcvn3", "Đồng Nai"),
        ("Nguyeãn Vaên Ñöùc", "vni", "Nguyễn Văn Đức"),
        ("Vieät Nam", "vni", "Việt Nam"),
        ("VIEÄT NAM", "vni", "VIỆT NAM"),
        ("Tröôøng hoïc", "vni", "Trường học"),
    ],
)
def test_legacy_text_is_detected_and_converted(found, encoding, unicode):
    fixed = repair_legacy(found)
    assert (fixed.encoding, fixed.converted, fixed.text) == (encoding, True, unicode)


@pytest.mark.parametrize(
    "text",
    ["Nguyễn Thị Mai", "Hoàng Văn Toàn", "hoàn thành", "Müller", "España", "Straße", "25,5 %",
     "© 2027 Sở Tài chính", "Giám đốc Sở Xây dựng", ""],
)  # fmt: skip
def test_unicode_and_foreign_text_is_left_alone(text):
    assert repair_legacy(text).encoding is None


def test_mixed_run_is_reported_but_not_converted():
    fixed = repair_legacy("Vieät Nam €")
    assert fixed.encoding == "vni" and not fixed.converted and fixed.text == "Vieät Nam €"


def test_vietnamese_collation_of_people():
    # CLDR vi, written out by hand: a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư are letters of their
    # own (a word's letters decide before its tones), then tones none < huyền < hỏi < ngã < sắc <
    # nặng.  Both ICU's collator and the fallback are held to this list, never to each other.
    want = ["An", "Anh", "Ành", "Ảnh", "Ãnh", "Ánh", "Ạnh", "Ăn", "Ằng", "Ân", "Ấn", "Bình",
            "Dũng", "Dương", "Đặng", "Đông", "Em", "Ênh", "Hà", "Hạ", "On", "Ôn", "Ơn", "Tú",
            "Tư", "U", "Ư", "Ừ"]  # fmt: skip
    names = [want[i] for i in (19, 7, 2, 26, 13, 9, 0, 22, 5, 14, 3, 17, 27, 8, 24, 1, 11, 21,
                               15, 4, 16, 25, 10, 20, 6, 23, 12, 18)]  # fmt: skip
    assert sorted(names) != want and sorted(set(names)) == sorted(want)  # code points differ
    # ICU is a dependency (pyicu-wheels): the product must be using it, not the fallback.
    assert text_module._COLLATOR is not None
    assert sorted(names, key=vietnamese_sort_key) == want  # through ICU
    assert sorted(names, key=text_module._fallback_sort_key) == want  # the hand-written key


def test_fold_matches_ratings_and_headers_in_any_form():
    assert fold("Hoàn thành tốt") == fold("HOAN THANH TOT") == fold("hoàn  thành tốt")
    assert fold("Đơn vị") == fold("don vi")


# --------------------------------------------------------------------------------------------
# Fuzz: hypothesis writes into the input cells of a real plan and report
# --------------------------------------------------------------------------------------------

TEMPLATES: dict[str, Path] = {}

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e308, -1e308, 1e-300, 0.999999999999, 1.0000001]),
    st.sampled_from(["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "NaN", "inf", "-0"]),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=15),
    st.sampled_from(
        ["=1+1", "=SUM(A1:A9)", "+84", "-", "@x", "\t", "\r\n", "\x01\x02", "x" * 40000]
    ),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
)


CELL_CHARS = 32767  # the most a cell holds (Excel's limit; openpyxl cuts a longer text there)


def _as_stored(value):
    """A typed value as Excel stores it, so that the reader gets it exactly as typed: in a text,
    the characters XML cannot hold (control characters, U+FFFE, U+FFFF) as ``_xHHHH_`` escapes,
    and a typed ``_xHHHH_`` as ``_x005F_xHHHH_`` (openpyxl writes the text as it is given)."""
    if not isinstance(value, str):
        return value
    value = re.sub(r"_x[0-9A-Fa-f]{4}_", lambda m: "_x005F" + m.group(), value)
    value = re.sub(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]", lambda m: f"_x{ord(m[0]):04X}_", value)
    assert len(value) <= CELL_CHARS  # openpyxl would cut it
    return value


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """A real generated plan (filled valid) and report, made once."""
    from click.testing import CliRunner

    from dotpha_xl.cli import cli

    tmp = tmp_path_factory.mktemp("fuzz")
    sample = Path(__file__).resolve().parents[1] / "sample_data"
    runner = CliRunner()
    result = runner.invoke(cli, ["template", "plan", "--roster", str(sample / "roster.xlsx"),
                                 "--assignments", str(sample / "assignments.xlsx"), "--year",
                                 "2027", "--out", str(tmp / "plans")])  # fmt: skip
    assert result.exit_code == 0, result.output
    plan = sorted((tmp / "plans").glob("*.xlsx"))[0]
    import random

    from dotpha_demo.filler import fill_plan

    only = tmp / "one"
    only.mkdir()
    fill_plan(plan, only / plan.name, random.Random(1))
    result = runner.invoke(cli, ["template", "report", "--plans", str(only), "--period", "2027",
                                 "--out", str(tmp / "reports")])  # fmt: skip
    assert result.exit_code == 0, result.output
    return {"plan": only / plan.name, "report": next((tmp / "reports").glob("*.xlsx"))}


def _inputs(path: Path, columns: tuple[str, ...]):
    book = openpyxl.load_workbook(path)
    c = find_contract(form_sheet(book))
    cells = [
        (r, c.columns[col])
        for r in c.rows.values()
        for col in columns
        if col in c.columns
        and not isinstance(c.sheet.cell(r, c.columns[col]), MergedCell)
        and not c.sheet.cell(r, c.columns[col]).protection.locked  # the cadre's input cells
    ]
    return book, c, cells


def _fuzz(path: Path, columns: tuple[str, ...], data) -> tuple[bytes, dict[str, tuple]]:
    """The workbook with random values in some input cells, and what was typed there: cell
    reference -> (row key, column key, value)."""
    book, c, cells = _inputs(path, columns)
    chosen = data.draw(st.lists(st.sampled_from(cells), min_size=1, max_size=8, unique=True))
    key_of = {r: k for k, r in c.rows.items()}
    typed = {}
    for row, col in chosen:
        value = data.draw(VALUES)
        if isinstance(value, str):
            value = value[:CELL_CHARS]
        cell = c.sheet.cell(row, col)
        cell.value = _as_stored(value)
        if isinstance(value, str):
            cell.data_type = "s"
        column = next(k for k, v in c.columns.items() if v == col)
        typed[f"{openpyxl.utils.get_column_letter(col)}{row}"] = (key_of[row], column, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), typed


def _kept_or_reported(typed: dict[str, tuple], read: dict[str, str], problems) -> None:
    """Every text typed into a text cell is read exactly as typed (in NFC, line breaks as LF,
    without surrounding white space: ``text.nfc``, as docs/workbook-format.md says), or a problem
    names its cell."""
    reported = {p.cell for p in problems}
    for cell, (key, column, value) in typed.items():
        assert all(p.code and p.message for p in problems)
        if not isinstance(value, str) or cell not in read:
            continue
        assert read[cell] == text_module.nfc(value) or cell in reported, (key, column, value)


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
PLAN_TEXT = ("content", "product")


@FUZZ
@given(data=st.data())
def test_fuzzed_plan_is_always_a_report(templates, data):
    raw, typed = _fuzz(templates["plan"], ("content", "product", "w_month", "w_quarter",
                                           "w_year", "w_period", "stt"), data)  # fmt: skip
    plan = read_plan(io.BytesIO(raw), default_settings(), name="fuzz.xlsx")
    assert plan.frame is not None, plan.problems  # values in input cells never stop the reading
    read = {}
    for column in PLAN_TEXT:
        read |= dict(zip(plan.frame[f"{column}_cell"], plan.frame[column], strict=True))
    read |= dict(plan.note_cells.values())  # the narratives under each task (Art. 4.4 a)
    assert all(cell in read for cell, (_, column, _) in typed.items() if column in PLAN_TEXT)
    _kept_or_reported(typed, read, plan.problems)


@FUZZ
@given(data=st.data())
def test_fuzzed_report_is_always_a_report(templates, data):
    raw, typed = _fuzz(templates["report"], ("actual_product", "completion", "self_rating",
                                             "shortfall_reason", "force_majeure", "fm_reason",
                                             "product"), data)  # fmt: skip
    report = read_report(io.BytesIO(raw), default_settings(), name="fuzz.xlsx")
    kept = {
        "actual_product": report.actual_products,
        "shortfall_reason": report.shortfall_reasons,
        "product": report.narratives,  # the narrative blocks' input cells
        "fm_reason": report.force_majeure,  # read with the force majeure flag only
    }
    read = {}
    for cell, (key, column, _) in typed.items():
        if column == "fm_reason" and key not in report.force_majeure:
            continue
        if column in kept:
            read[cell] = kept[column].get(key, "")  # an empty text is not stored
    _kept_or_reported(typed, read, report.problems)


def test_control_characters_reach_the_readers_and_are_kept(templates, tmp_path):
    # The fuzz above meets these only by chance: one sure case for each reader.
    texts = ["a\x01b\x07c", "tab\tand\x0bvt\x1bend", "mã _x0041_ và \x00 giữ nguyên"]
    letter = openpyxl.utils.get_column_letter
    book, c, _ = _inputs(templates["plan"], ())
    keys = [k for k in c.rows if k.count(".") == 3][: len(texts)]
    for key, text in zip(keys, texts, strict=True):
        c.sheet.cell(c.rows[key], c.columns["content"]).value = _as_stored(text)
    out = io.BytesIO()
    book.save(out)
    plan = read_plan(io.BytesIO(out.getvalue()), default_settings(), name="p.xlsx")
    content = dict(zip(plan.frame["key"], plan.frame["content"], strict=True))
    assert [content[k] for k in keys] == texts
    assert not [p for p in plan.problems if p.cell.startswith(letter(c.columns["content"]))]

    book, c, _ = _inputs(templates["report"], ())
    keys = [k for k in c.rows if k.count(".") == 3][: len(texts)]
    for key, text in zip(keys, texts, strict=True):
        c.sheet.cell(c.rows[key], c.columns["actual_product"]).value = _as_stored(text)
    out = io.BytesIO()
    book.save(out)
    report = read_report(io.BytesIO(out.getvalue()), default_settings(), name="r.xlsx")
    assert [report.actual_products.get(k) for k in keys] == texts


def test_legacy_text_in_a_report_cell_is_a_warning_at_the_cell(templates, tmp_path):
    path = tmp_path / "r.xlsx"
    shutil.copy(templates["report"], path)
    book, c, _ = _inputs(path, ())
    key = next(k for k in c.rows if k.count(".") == 3)
    c.sheet.cell(c.rows[key], c.columns["actual_product"]).value = "Baùo caùo ñaõ nộp"
    c.sheet.cell(c.rows[key], c.columns["fm_reason"]).value = "Lò lôt t¹i ViÖt Nam"
    book.save(path)
    report = read_report(path, default_settings())
    codes = {(p.code, p.cell) for p in report.problems}
    letter = openpyxl.utils.get_column_letter
    assert ("legacy_encoding_tcvn3", f"{letter(c.columns['fm_reason'])}{c.rows[key]}") in codes
    warned = [p for p in report.problems if p.code.startswith("legacy_encoding")]
    assert all(p.severity == "warning" for p in warned)
