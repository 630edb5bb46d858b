"""Tests for dotpha_xl.kernel.text: reading what people type into cells."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dotpha_xl.kernel.text import (
    PercentError,
    as_text,
    ascii_slug,
    fold,
    format_percent,
    nfc,
    parse_flag,
    parse_percent,
    parse_rating,
    round_half_up,
)

NBSP = "\u00a0"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --- nfc ---------------------------------------------------------------------------------------


def test_nfc_composes_decomposed_text():
    assert nfc(nfd("Nguyễn Văn Đức")) == unicodedata.normalize("NFC", "Nguyễn Văn Đức")


def test_nfc_strips_spaces_and_nbsp():
    assert nfc(f" {NBSP}Sở Tài chính\t{NBSP}\n") == "Sở Tài chính"


def test_nfc_line_breaks():
    assert nfc("dòng 1\r\ndòng 2\rdòng 3\ndòng 4\r\n") == "dòng 1\ndòng 2\ndòng 3\ndòng 4"


def test_nfc_empty():
    assert nfc("") == ""
    assert nfc(f"  {NBSP} ") == ""


# --- fold --------------------------------------------------------------------------------------


def test_fold_examples():
    key = fold("Hoàn thành xuất sắc")
    assert key == "hoan thanh xuat sac"
    assert fold("hoan thanh xuat sac") == key
    assert fold("HOÀN THÀNH XUẤT SẮC") == key
    assert fold(nfd("Hoàn thành xuất sắc")) == key
    assert fold(f"  Hoàn   thành{NBSP}xuất\tsắc ") == key


def test_fold_d_with_stroke():
    assert fold("Đảng đoàn") == "dang doan"


# --- parse_percent: blanks ---------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", NBSP, "\t\n"])
def test_parse_percent_blank(value):
    assert parse_percent(value) is None


# --- parse_percent: numeric cells hold a fraction ----------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.25, Fraction(25)),
        (0.2, Fraction(20)),
        (0.3333, Fraction(3333, 100)),
        (0.30000000000000004, Fraction(30)),
        (1.0000000000000002, Fraction(100)),
        (0.1 + 0.2, Fraction(30)),
        (0.0, Fraction(0)),
        (-0.0, Fraction(0)),
        (1.0, Fraction(100)),
        (0, Fraction(0)),
        (1, Fraction(100)),
        (Decimal("0.255"), Fraction(51, 2)),
        (Fraction(1, 3), Fraction(100, 3)),
        (0.123456789012, Fraction(Decimal("12.34567890"))),
    ],
)
def test_parse_percent_numeric(value, expected):
    result = parse_percent(value)
    assert isinstance(result, Fraction)
    assert result == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (66.6, Fraction(6660)),
        (1.5, Fraction(150)),
        (2, Fraction(200)),
        (-0.01, Fraction(-1)),
        (-1, Fraction(-100)),
        (Decimal("1.01"), Fraction(101)),
        (Fraction(3, 2), Fraction(150)),
        (1e300, Fraction(1e300) * 100),
    ],
)
def test_parse_percent_numeric_out_of_range_is_read_not_judged(value, expected):
    """The parser reads any number; the range is each form's schema rule (test_rule_owners)."""
    assert parse_percent(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        float("nan"),
        float("inf"),
        float("-inf"),
        Decimal("NaN"),
        Decimal("Infinity"),
        dt.datetime(2027, 5, 12),
        dt.date(2027, 5, 12),
        dt.time(12, 30),
        dt.timedelta(days=1),
        object(),
        [25],
        b"25",
        complex(0.25, 0),
    ],
)
def test_parse_percent_unreadable_objects(value):
    with pytest.raises(PercentError) as info:
        parse_percent(value)
    assert info.value.code == "percent_unreadable"


def test_percent_error_is_value_error():
    with pytest.raises(ValueError):
        parse_percent("abc")


def test_percent_error_rejects_unknown_code():
    with pytest.raises(ValueError):
        PercentError("nonsense", 1)


# --- parse_percent: text is percent points ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25%", Fraction(25)),
        ("25 %", Fraction(25)),
        ("25,5%", Fraction(51, 2)),
        ("25.5%", Fraction(51, 2)),
        ("66.6", Fraction(333, 5)),
        ("66,6", Fraction(333, 5)),
        ("66,6 %", Fraction(333, 5)),
        ("100", Fraction(100)),
        ("100%", Fraction(100)),
        ("0", Fraction(0)),
        ("0%", Fraction(0)),
        (" 5 % ", Fraction(5)),
        ("25％", Fraction(25)),
        (f"25{NBSP}%", Fraction(25)),
        (f"{NBSP}25,5{NBSP}%{NBSP}", Fraction(51, 2)),
        ("1.234", Fraction(1234, 1000)),
        ("1,234", Fraction(1234, 1000)),
        ("+5", Fraction(5)),
        ("-0", Fraction(0)),
        ("33,33%", Fraction(3333, 100)),
        ("0,25", Fraction(1, 4)),
        ("007", Fraction(7)),
    ],
)
def test_parse_percent_text(text, expected):
    result = parse_percent(text)
    assert isinstance(result, Fraction)
    assert result == expected


@pytest.mark.parametrize(
    "text",
    [
        "1.234,5",
        "1,234.5",
        "1.234.567",
        "25%%",
        "25 % %",
        "khoảng 30",
        "30-40%",
        "%",
        "abc",
        "12/05/2027",
        "2027-05-12",
        "% 25",
        "25 5",
        "1 234",
        "25.",
        "2,5e1",
        "1e2",
        "25 phần trăm",
        "- 5",
        "+-5",
        "٢٥",  # Arabic-Indic digits
        "２５",  # full-width digits
        ",",
        ".",
    ],
)
def test_parse_percent_text_unreadable(text):
    with pytest.raises(PercentError) as info:
        parse_percent(text)
    assert info.value.code == "percent_unreadable"
    assert info.value.value == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("101", Fraction(101)),
        ("100,01%", Fraction(10001, 100)),
        ("-5%", Fraction(-5)),
        ("-0,5", Fraction(-1, 2)),
        ("6660 %", Fraction(6660)),
    ],
)
def test_parse_percent_text_out_of_range_is_read_not_judged(text, expected):
    assert parse_percent(text) == expected


@given(
    st.decimals(min_value=0, max_value=1, places=4, allow_nan=False, allow_infinity=False),
)
def test_parse_percent_float_cell_is_exact(d):
    assert parse_percent(float(d)) == Fraction(d) * 100


@given(
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
)
def test_parse_percent_text_with_decimal_comma(p):
    assert parse_percent(f"{p}%".replace(".", ",")) == Fraction(p)


@given(
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
)
def test_parse_percent_text_without_sign(p):
    assert parse_percent(f"{p}") == Fraction(p)


def test_parse_percent_sums_are_exact():
    parts = [parse_percent(x) for x in (0.2, 0.6, 0.2)]
    assert sum(parts) == 100
    thirds = [parse_percent("33,33%")] * 3
    assert sum(thirds) == Fraction(9999, 100)


# --- format_percent / round_half_up -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(145, 4), 2, "36,25%"),
        (Fraction(25), 2, "25%"),
        (Fraction(1700, 19), 2, "89,47%"),  # 89.4736...
        (Fraction(51, 2), 2, "25,5%"),
        (Fraction(0), 2, "0%"),
        (Fraction(100), 2, "100%"),
        (Fraction(1, 200), 2, "0,01%"),  # 0.005 rounds half up
        (Fraction(1, 201), 2, "0%"),
        (Fraction(2, 3), 0, "1%"),
        (Fraction(5, 2), 0, "3%"),
        (Fraction(1234567, 1000), 1, "1234,6%"),
        (Fraction(-55, 4), 2, "-13,75%"),
        (Fraction(-1, 1000), 2, "0%"),
        (Fraction(10005, 1000), 2, "10,01%"),
    ],
)
def test_format_percent(value, places, expected):
    assert format_percent(value, places) == expected


def test_format_percent_default_places_and_none():
    assert format_percent(Fraction(1700, 19)) == "89,47%"
    assert format_percent(None) == ""


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(145, 4), 2, 36.25),
        (Fraction(1700, 19), 2, 89.47),
        (Fraction(10005, 1000), 2, 10.01),  # 10.005 is exactly half: up, unlike round()
        (Fraction(5, 2), 0, 3.0),
        (Fraction(-5, 2), 0, -3.0),
        (Fraction(1, 3), 4, 0.3333),
        (Fraction(100), 2, 100.0),
    ],
)
def test_round_half_up(value, places, expected):
    result = round_half_up(value, places)
    assert isinstance(result, float)
    assert result == expected


def test_round_half_up_default_places():
    assert round_half_up(Fraction(1, 8)) == 0.13


# --- parse_rating -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("HTXS", "HTXS"),
        ("htxs", "HTXS"),
        (" Htxs ", "HTXS"),
        ("Hoàn thành xuất sắc", "HTXS"),
        ("hoan thanh xuat sac", "HTXS"),
        ("HOÀN THÀNH XUẤT SẮC", "HTXS"),
        (nfd("Hoàn thành xuất sắc"), "HTXS"),
        ("  Hoàn   thành  xuất sắc ", "HTXS"),
        ("Hoàn thành xuất sắc việc đột phá", "HTXS"),
        ("HTT", "HTT"),
        ("Hoàn thành tốt", "HTT"),
        ("hoan thanh tot", "HTT"),
        ("HT", "HT"),
        ("Hoàn thành", "HT"),
        ("hoàn thành.", "HT"),
        ("KHT", "KHT"),
        ("Không hoàn thành", "KHT"),
        ("khong hoan thanh", "KHT"),
        ("Không HT", "KHT"),
        (nfd("Không hoàn thành"), "KHT"),
    ],
)
def test_parse_rating(text, code):
    assert parse_rating(text) == code


@pytest.mark.parametrize("value", [None, "", "   ", NBSP])
def test_parse_rating_blank(value):
    assert parse_rating(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "Tốt",
        "xuất sắc",
        "Xuất sắc",
        "Hoàn thành tốt hoặc xuất sắc",
        "HTXS/HTT",
        "H T",
        "Khá",
        "A",
        "1",
        1,
        0.9,
        True,
    ],
)
def test_parse_rating_rejects(value):
    with pytest.raises(ValueError):
        parse_rating(value)


# --- parse_flag -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["x", "X", " x ", "có", "Có", nfd("có"), "co", "yes", "YES", "1", True, 1, 1.0]
)
def test_parse_flag_true(value):
    assert parse_flag(value) is True


@pytest.mark.parametrize("value", [None, False, 0, 0.0, "", "  ", NBSP, "0", "không", "no"])
def test_parse_flag_false(value):
    assert parse_flag(value) is False


@pytest.mark.parametrize(
    "value", ["xx", "maybe", "2", 2, 0.5, "bất khả kháng", dt.date(2027, 1, 1)]
)
def test_parse_flag_rejects(value):
    with pytest.raises(ValueError):
        parse_flag(value)


# --- ascii_slug -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Văn Đức", "Nguyen_Van_Duc"),
        (nfd("Nguyễn Văn Đức"), "Nguyen_Van_Duc"),
        ("Sở Tài chính / Văn phòng", "So_Tai_chinh_Van_phong"),
        ("../../etc/passwd", "etc_passwd"),
        ("..", "x"),
        ("", "x"),
        ("///", "x"),
        (".hidden", "hidden"),
        ("a\\b", "a_b"),
        ("Ban Dân vận Tỉnh ủy 2027", "Ban_Dan_van_Tinh_uy_2027"),
        ("đường ĐI", "duong_DI"),
        ("北京", "x"),
    ],
)
def test_ascii_slug(text, expected):
    assert ascii_slug(text) == expected


def test_ascii_slug_max_len():
    slug = ascii_slug("Nguyễn Văn Đức " * 20, max_len=20)
    assert len(slug) <= 20
    assert slug == "Nguyen_Van_Duc_Nguye"
    assert ascii_slug("ab cd", max_len=3) == "ab"  # no trailing "_" after the cut
    assert ascii_slug("abc", max_len=0) == "a"


SLUG = re.compile(r"^[A-Za-z0-9_]+$")


@given(st.text(), st.integers(min_value=1, max_value=80))
def test_ascii_slug_is_always_safe(text, max_len):
    slug = ascii_slug(text, max_len=max_len)
    assert SLUG.fullmatch(slug)
    assert len(slug) <= max_len
    assert not slug.startswith(("_", "."))
    assert ".." not in slug


# --- fold properties --------------------------------------------------------------------------


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_fold_ignores_normal_form(text):
    assert fold(nfd(text)) == fold(unicodedata.normalize("NFC", text))


@given(st.text(alphabet="aăâeêioôơuưyđAĂÂEÊIOÔƠUƯYĐ \u0300\u0301\u0303\u0309\u0323", max_size=30))
def test_fold_vietnamese_properties(text):
    assert fold(text) == fold(nfd(text)) == fold(text.upper())
    assert fold(text).isascii()


# --- as_text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        (2027.0, "2027"),
        (2027, "2027"),
        (0.25, "0.25"),
        (Decimal("2027.00"), "2027"),
        (nfd(" Nguyễn Văn Đức\r\n"), "Nguyễn Văn Đức"),
        ("", ""),
        (dt.date(2027, 5, 12), "2027-05-12"),
        (dt.datetime(2027, 5, 12), "2027-05-12"),
        (dt.datetime(2027, 5, 12, 8, 30), "2027-05-12 08:30:00"),
        (True, "TRUE"),
    ],
)
def test_as_text(value, expected):
    assert as_text(value) == expected
    assert unicodedata.is_normalized("NFC", as_text(value))
