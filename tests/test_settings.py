"""Settings: packaged defaults, user overrides, and validation errors naming the dotted key."""

from __future__ import annotations

import unicodedata
from fractions import Fraction
from pathlib import Path

import pytest

from dotpha_xl.domain.ratings import RatingThresholds
from dotpha_xl.kernel.settings import (
    DayMonth,
    SettingsError,
    default_settings,
    load_settings,
)


def write(tmp_path: Path, text: str, name: str = "settings.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_match_the_regulation() -> None:
    s = default_settings()
    assert list(s.bodies) == ["TC", "HDND", "UBND", "NC", "DV"]
    assert s.bodies["TC"] == "Ban Tổ chức Tỉnh ủy"
    assert s.bodies["UBND"] == "Ban Cán sự đảng Ủy ban nhân dân tỉnh"
    assert s.consolidating_body == "TC"
    assert s.thresholds == RatingThresholds(Fraction(100), Fraction(70), Fraction(50))
    assert s.weight_tolerance == Fraction(1, 100)
    assert isinstance(s.weight_tolerance, Fraction)
    assert s.period_lengths == (2, 3, 4, 5)
    assert s.deadline_reading == "on_or_before"
    assert s.new_plan_months == 1
    assert s.deadlines == {
        "registration": DayMonth(15, 11, -1),
        "proposals": DayMonth(30, 11, -1),
        "summary": DayMonth(25, 12, -1),
        "decision": DayMonth(31, 12, -1),
        "plan": DayMonth(25, 1, 0),
        "half_year_report": DayMonth(25, 6, 0),
        "annual_report": DayMonth(25, 12, 0),
    }
    assert s.quarterly_report_day == 25
    assert s.period_report_day == 25
    assert s.document.superior_body == "TỈNH ỦY TUYÊN QUANG"
    assert s.document.symbol == "BC/BTCTU"
    assert s.document.signer_name == ""
    assert s.document.recipients[0] == "Thường trực Tỉnh ủy (b/c)"
    assert isinstance(s.document.recipients, tuple)
    assert s.limits.max_file_bytes == 50 * 1024 * 1024
    assert s.limits.max_zip_entries == 10000


def test_default_settings_is_cached_and_load_without_path_gives_it() -> None:
    assert default_settings() is default_settings()
    assert load_settings() is default_settings()
    assert load_settings(None) == default_settings()


def test_an_empty_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, "")) == default_settings()


def test_a_subset_overrides_and_keeps_the_rest(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[ratings]
HTXS = 90

[deadlines]
plan = { date = "31/01" }

[document]
superior_body = "TỈNH ỦY THÁI NGUYÊN"
place = "Thái Nguyên"
""",
    )
    s = load_settings(str(path))
    d = default_settings()
    assert s.thresholds == RatingThresholds(Fraction(90), Fraction(70), Fraction(50))
    assert s.deadlines["plan"] == DayMonth(31, 1, 0)  # year offset kept from the defaults
    assert s.deadlines["registration"] == d.deadlines["registration"]
    assert s.document.superior_body == "TỈNH ỦY THÁI NGUYÊN"
    assert s.document.place == "Thái Nguyên"
    assert s.document.issuing_body == d.document.issuing_body
    assert s.document.recipients == d.document.recipients
    assert s.bodies == d.bodies
    assert s.weight_tolerance == d.weight_tolerance
    assert s.limits == d.limits


def test_bodies_replace_the_whole_list(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[cycle]
consolidating_body = "BTC"

[[bodies]]
code = "BTC"
name = "Ban Tổ chức Huyện ủy"

[[bodies]]
code = "UB"
name = "Đảng ủy Ủy ban nhân dân"
""",
    )
    s = load_settings(path)
    assert s.bodies == {"BTC": "Ban Tổ chức Huyện ủy", "UB": "Đảng ủy Ủy ban nhân dân"}
    assert s.consolidating_body == "BTC"


def test_numbers_are_exact(tmp_path: Path) -> None:
    path = write(tmp_path, "[cycle]\nweight_sum_tolerance = 0.1\n[ratings]\nHT = 49.5\n")
    s = load_settings(path)
    assert s.weight_tolerance == Fraction(1, 10)
    assert s.thresholds.ht == Fraction(99, 2)
    path = write(tmp_path, "[cycle]\nweight_sum_tolerance = 1\n", "int.toml")
    assert load_settings(path).weight_tolerance == Fraction(1)


def test_other_values_load(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[cycle]
deadline_reading = "strictly_before"
period_lengths = [5, 2, 10]
new_plan_months = 2

[deadlines]
quarterly_report_day = 20
period_report_day = 1
registration = { date = "1/11", year = -1 }

[document]
recipients = []
signer_name = "Nguyễn Văn A"

[limits]
max_zip_entries = 1
""",
    )
    s = load_settings(path)
    assert s.deadline_reading == "strictly_before"
    assert s.period_lengths == (2, 5, 10)
    assert s.new_plan_months == 2
    assert s.quarterly_report_day == 20
    assert s.period_report_day == 1
    assert s.deadlines["registration"] == DayMonth(1, 11, -1)
    assert s.document.recipients == ()
    assert s.document.signer_name == "Nguyễn Văn A"
    assert s.limits.max_zip_entries == 1


def test_text_is_normalised_to_nfc_and_a_bom_is_accepted(tmp_path: Path) -> None:
    place = unicodedata.normalize("NFD", "Tuyên Quang")
    path = tmp_path / "bom.toml"
    path.write_bytes(("\ufeff[document]\nplace = '" + place + "'\n").encode("utf-8"))
    assert load_settings(path).document.place == unicodedata.normalize("NFC", "Tuyên Quang")


BAD_VALUES = [
    # ratings: type, range, order, unknown level
    ("[ratings]\nHTT = 40", "ratings.HTT"),
    ("[ratings]\nHTXS = 60", "ratings.HTXS"),
    ("[ratings]\nHTXS = 101", "ratings.HTXS"),
    ("[ratings]\nHT = -1", "ratings.HT"),
    ("[ratings]\nHTT = '70'", "ratings.HTT"),
    ("[ratings]\nHTT = true", "ratings.HTT"),
    ("[ratings]\nHTT = nan", "ratings.HTT"),
    ("[ratings]\nHTT = inf", "ratings.HTT"),
    ("[ratings]\nKT = 10", "ratings.KT"),
    ("ratings = 5", "ratings"),
    # unknown keys at any level
    ("foo = 1", "foo"),
    ("[cycle]\nfoo = 1", "cycle.foo"),
    ("[deadlines]\nplan = { date = '25/01', year = 0, note = 'x' }", "deadlines.plan.note"),
    ("[deadlines]\nreport = { date = '25/01', year = 0 }", "deadlines.report"),
    # deadline dates that do not exist every year, or are malformed
    ("[deadlines]\nplan = { date = '31/02' }", "deadlines.plan.date"),
    ("[deadlines]\nplan = { date = '30/02' }", "deadlines.plan.date"),
    ("[deadlines]\nplan = { date = '29/02' }", "deadlines.plan.date"),
    ("[deadlines]\nplan = { date = '31/04' }", "deadlines.plan.date"),
    ("[deadlines]\nplan = { date = '00/05' }", "deadlines.plan.date"),
    ("[deadlines]\nplan = { date = '12/13' }", "deadlines.plan.date"),
    ("[deadlines]\nplan = { date = '12/00' }", "deadlines.plan.date"),
    ("[deadlines]\nplan = { date = '25-01' }", "deadlines.plan.date"),
    ("[deadlines]\nplan = { date = '2501' }", "deadlines.plan.date"),
    ("[deadlines]\nplan = { date = '' }", "deadlines.plan.date"),
    ("[deadlines]\nplan = { date = 2501 }", "deadlines.plan.date"),
    ("[deadlines]\nplan = { date = 2027-01-25 }", "deadlines.plan.date"),
    ("[deadlines]\nplan = { year = 2 }", "deadlines.plan.year"),
    ("[deadlines]\nplan = { year = true }", "deadlines.plan.year"),
    ("[deadlines]\nplan = '25/01'", "deadlines.plan"),
    # report days
    ("[deadlines]\nquarterly_report_day = 31", "deadlines.quarterly_report_day"),
    ("[deadlines]\nquarterly_report_day = 0", "deadlines.quarterly_report_day"),
    ("[deadlines]\nperiod_report_day = 29", "deadlines.period_report_day"),
    ("[deadlines]\nperiod_report_day = 25.0", "deadlines.period_report_day"),
    # cycle
    ("[cycle]\nweight_sum_tolerance = -0.01", "cycle.weight_sum_tolerance"),
    ("[cycle]\nweight_sum_tolerance = 5", "cycle.weight_sum_tolerance"),
    ("[cycle]\nweight_sum_tolerance = '0.01'", "cycle.weight_sum_tolerance"),
    ("[cycle]\nperiod_lengths = []", "cycle.period_lengths"),
    ("[cycle]\nperiod_lengths = [1, 2]", "cycle.period_lengths"),
    ("[cycle]\nperiod_lengths = [2, 11]", "cycle.period_lengths"),
    ("[cycle]\nperiod_lengths = [2, 2]", "cycle.period_lengths"),
    ("[cycle]\nperiod_lengths = [2, '3']", "cycle.period_lengths"),
    ("[cycle]\nperiod_lengths = '2, 3'", "cycle.period_lengths"),
    ("[cycle]\ndeadline_reading = 'before'", "cycle.deadline_reading"),
    ("[cycle]\nnew_plan_months = 0", "cycle.new_plan_months"),
    ("[cycle]\nnew_plan_months = 1.5", "cycle.new_plan_months"),
    ("[cycle]\nconsolidating_body = 'XX'", "cycle.consolidating_body"),
    # bodies
    (
        "[[bodies]]\ncode = 'TC'\nname = 'A'\n[[bodies]]\ncode = 'TC'\nname = 'B'",
        "bodies[2].code",
    ),
    ("[[bodies]]\ncode = 'TC'", "bodies[1].name"),
    ("[[bodies]]\ncode = 'TC'\nname = 'A'\nabbr = 'x'", "bodies[1].abbr"),
    ("[[bodies]]\ncode = ''\nname = 'A'", "bodies[1].code"),
    ("[[bodies]]\ncode = 'BTC'\nname = 'Ban Tổ chức'", "cycle.consolidating_body"),
    ("bodies = []", "bodies"),
    ("bodies = 'TC'", "bodies"),
    # document and limits
    ("[document]\nrecipients = 'Lưu'", "document.recipients"),
    ("[document]\nrecipients = [1]", "document.recipients"),
    ("[document]\nplace = 5", "document.place"),
    ("[document]\nseal = 'x'", "document.seal"),
    ("[limits]\nmax_file_bytes = 0", "limits.max_file_bytes"),
    ("[limits]\nmax_zip_entries = false", "limits.max_zip_entries"),
]


@pytest.mark.parametrize(("text", "key"), BAD_VALUES)
def test_bad_values_name_the_key_and_the_file(tmp_path: Path, text: str, key: str) -> None:
    path = write(tmp_path, text + "\n", "tinh.toml")
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    message = str(info.value)
    assert f"'{key}'" in message
    assert info.value.key == key
    assert message.startswith("Cấu hình không hợp lệ")
    assert "tinh.toml" in message
    assert isinstance(info.value, ValueError)


def test_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[ratings\nHTT = 70\n", "hong.toml")
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    assert "hong.toml" in str(info.value)
    assert "TOML" in str(info.value)
    assert info.value.key is None


def test_a_missing_or_non_utf8_file_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"khong-co\.toml"):
        load_settings(tmp_path / "khong-co.toml")
    path = tmp_path / "latin1.toml"
    path.write_bytes("[document]\nplace = 'Tuyên'\n".encode("latin-1"))
    with pytest.raises(SettingsError, match="UTF-8"):
        load_settings(path)


def test_htxs_at_90_as_for_public_servants(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, "[ratings]\nHTXS = 90\n"))
    assert s.thresholds.htxs == 90
    assert s.thresholds.htt == 70


def test_threshold_order_checked_after_merge(tmp_path: Path) -> None:
    # Moving all three together is fine even though each alone would break the order.
    s = load_settings(write(tmp_path, "[ratings]\nHTXS = 40\nHTT = 30\nHT = 20\n"))
    assert s.thresholds == RatingThresholds(Fraction(40), Fraction(30), Fraction(20))
