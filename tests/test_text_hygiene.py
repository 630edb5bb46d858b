"""Legacy encodings (TCVN3, VNI) per text run, Vietnamese collation, and the fuzz test: random
values of every type in the input cells of real plans and reports never make a reader raise."""

from __future__ import annotations

import io
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import MergedCell

from dotpha_xl import text as text_module
from dotpha_xl.pipeline.plans import read_plan
from dotpha_xl.pipeline.reports import read_report
from dotpha_xl.sample_filler import find_contract, form_sheet
from dotpha_xl.settings import default_settings
from dotpha_xl.text import fold, repair_legacy, vietnamese_sort_key


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


def _clean(value):
    """What a cell can hold: openpyxl refuses control characters other than tab/CR/LF."""
    if isinstance(value, str):
        return "".join(ch for ch in value if ch in "\t\r\n" or ord(ch) >= 32)[:40000]
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
    assert result.exit_code in (0, 1), result.output
    plan = sorted((tmp / "plans").glob("*.xlsx"))[0]
    import random

    from dotpha_xl.sample_filler import fill_plan

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


def _fuzz(path: Path, columns: tuple[str, ...], data) -> bytes:
    book, c, cells = _inputs(path, columns)
    chosen = data.draw(st.lists(st.sampled_from(cells), min_size=1, max_size=8, unique=True))
    for row, col in chosen:
        cell = c.sheet.cell(row, col)
        cell.value = _clean(data.draw(VALUES))
        if isinstance(cell.value, str):
            cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(data=st.data())
def test_fuzzed_plan_is_always_a_report(templates, data):
    raw = _fuzz(templates["plan"], ("content", "product", "w_month", "w_quarter", "w_year",
                                    "w_period", "stt"), data)  # fmt: skip
    plan = read_plan(io.BytesIO(raw), default_settings(), name="fuzz.xlsx")
    assert all(p.code and p.message for p in plan.problems)


@FUZZ
@given(data=st.data())
def test_fuzzed_report_is_always_a_report(templates, data):
    raw = _fuzz(templates["report"], ("actual_product", "completion", "self_rating",
                                      "shortfall_reason", "force_majeure", "fm_reason", "product"),
                data)  # fmt: skip
    report = read_report(io.BytesIO(raw), default_settings(), name="fuzz.xlsx")
    assert all(p.code and p.message for p in report.problems)


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
