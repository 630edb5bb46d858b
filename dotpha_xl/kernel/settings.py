"""Settings: the regulation's dates, thresholds, bodies and document heading, as data.

The defaults live in ``default_settings.toml`` next to this module.  A user's file (``--settings``)
may give any subset of the keys; it is merged over the defaults, table by table, except that
``[[bodies]]``, when given, replaces the whole list.  Every problem raises :class:`SettingsError`
with a Vietnamese message naming the dotted key (``ratings.HTT``, ``deadlines.plan.date``,
``bodies[2].code``, list items counted from 1) and the file.

Numbers are kept exact: TOML floats are read as decimals, never as binary floating point.
"""

from __future__ import annotations

import calendar
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from dotpha_xl.kernel.errors import InputError

ON_OR_BEFORE = "on_or_before"
STRICTLY_BEFORE = "strictly_before"
DEADLINE_READINGS: tuple[str, ...] = (ON_OR_BEFORE, STRICTLY_BEFORE)

#: The dated steps of ``[deadlines]`` (each a ``{ date = "dd/mm", year = offset }`` table).
#: How the cadre's own level is read from their rated tasks (Art. 7.3 c; ``[ratings] cadre_level``):
#: the level of the exact mean of the tasks' completions, or the lowest task level.
CADRE_LEVEL_MEAN = "mean"
CADRE_LEVEL_LOWEST = "lowest"
CADRE_LEVEL_READINGS: tuple[str, ...] = (CADRE_LEVEL_MEAN, CADRE_LEVEL_LOWEST)

DATED_DEADLINES: tuple[str, ...] = (
    "registration",
    "proposals",
    "summary",
    "decision",
    "plan",
    "half_year_report",
    "annual_report",
)

DEFAULT_FILE = "default_settings.toml"


class SettingsError(InputError):
    """A settings file that cannot be used; the message is Vietnamese and names key and file."""

    def __init__(self, problem: str, *, key: str | None = None, file: str | None = None) -> None:
        self.problem, self.key, self.file = problem, key, file
        if key:
            message = f"Cấu hình không hợp lệ: khoá '{key}' {problem}"
            message += f" (tệp {file})." if file else "."
        else:
            message = f"Cấu hình không hợp lệ: tệp {file}: {problem}."
        super().__init__(message)


@dataclass(frozen=True)
class RatingThresholds:
    """The rating levels' thresholds (Art. 7.2; ``dotpha_xl.domain.ratings`` rates with them):
    lowest completion (percent, inclusive) of each level above KHT."""

    htxs: Fraction = Fraction(100)
    htt: Fraction = Fraction(70)
    ht: Fraction = Fraction(50)

    def __post_init__(self) -> None:
        if not (0 <= self.ht <= self.htt <= self.htxs <= 100):
            raise ValueError("thresholds must satisfy 0 <= HT <= HTT <= HTXS <= 100")


@dataclass(frozen=True)
class DayMonth:
    """A yearly deadline: ``day/month`` of the year ``plan year + year_offset``."""

    day: int
    month: int
    year_offset: int = 0

    def in_year(self, plan_year: int) -> date:
        return date(plan_year + self.year_offset, self.month, self.day)

    def __str__(self) -> str:
        return f"{self.day:02d}/{self.month:02d}"


@dataclass(frozen=True)
class DocumentSettings:
    """Heading and signature block of a Party document (Hướng dẫn 36-HD/VPTW)."""

    superior_body: str
    issuing_body: str
    symbol: str
    place: str
    signer_on_behalf: str
    signer_title: str
    signer_name: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class Limits:
    """Safety limits for reading users' files."""

    max_file_bytes: int
    max_uncompressed_bytes: int
    max_compression_ratio: int
    max_zip_entries: int


@dataclass(frozen=True)
class Settings:
    """Ready-to-use settings.  Treat the dicts as read-only: :func:`default_settings` is shared."""

    bodies: dict[str, str]
    consolidating_body: str
    thresholds: RatingThresholds
    weight_tolerance: Fraction
    period_lengths: tuple[int, ...]
    deadline_reading: str
    new_plan_months: int
    deadlines: dict[str, DayMonth]
    quarterly_report_day: int
    period_report_day: int
    document: DocumentSettings
    limits: Limits
    #: Reviewing bodies whose workbook prints on A3 (``[print] a3_bodies``); others on A4.
    a3_bodies: tuple[str, ...] = ()
    #: How the cadre's own level is read (``[ratings] cadre_level``, Art. 7.3 c).
    cadre_level: str = CADRE_LEVEL_MEAN


# --------------------------------------------------------------------------- schema


class _Bad(Exception):
    """A leaf value's problem; the walker adds the key and the file."""


def _show(value: Any) -> str:
    if isinstance(value, Decimal | Fraction):
        return f"{float(value):g}"
    if isinstance(value, dict):
        return "một bảng"
    if isinstance(value, list):
        return "một danh sách"
    return repr(value)


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f"phải là số nguyên, không phải {_show(value)}")
    return value


def _number(value: Any) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise _Bad(f"phải là một số, không phải {_show(value)}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise _Bad(f"phải là một số hữu hạn, không phải {value}")
    return Fraction(value)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad(f"phải là một chuỗi văn bản, không phải {_show(value)}")
    return unicodedata.normalize("NFC", value)


def _list_of(item: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    def convert(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise _Bad(f"phải là một danh sách, không phải {_show(value)}")
        try:
            return tuple(item(v) for v in value)
        except _Bad as bad:
            raise _Bad(f"có phần tử không hợp lệ: {bad}") from None

    return convert


_DAY_MONTH = re.compile(r"(\d{1,2})/(\d{1,2})")


def _day_month(value: Any) -> tuple[int, int]:
    text = _text(value).strip()
    match = _DAY_MONTH.fullmatch(text)
    if not match:
        raise _Bad(f'phải có dạng "dd/mm" (ví dụ "25/01"), không phải {value!r}')
    day, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise _Bad(f"có tháng {month} không tồn tại ({value!r})")
    # A non-leap year: 29/02 does not exist every year, so it cannot be a yearly deadline.
    if not 1 <= day <= calendar.monthrange(2001, month)[1]:
        why = "không có trong mọi năm" if (day, month) == (29, 2) else "không tồn tại"
        raise _Bad(f"là ngày {why} ({value!r})")
    return day, month


def _between(low: int, high: int) -> Callable[[Any], str | None]:
    return lambda v: (
        None if low <= v <= high else f"phải từ {low} đến {high}, không phải {_show(v)}"
    )


def _at_least(low: int) -> Callable[[Any], str | None]:
    return lambda v: None if v >= low else f"phải lớn hơn hoặc bằng {low}, không phải {v}"


def _one_of(options: tuple[str, ...]) -> Callable[[Any], str | None]:
    shown = ", ".join(f'"{o}"' for o in options)
    return lambda v: None if v in options else f"phải là một trong {shown}, không phải {v!r}"


def _non_empty(value: str) -> str | None:
    return None if value.strip() else "không được để trống"


def _tolerance(value: Fraction) -> str | None:
    return None if 0 <= value < 5 else f"phải từ 0 đến dưới 5 (điểm %), không phải {_show(value)}"


def _period_lengths(value: tuple[int, ...]) -> str | None:
    if not value:
        return "không được để trống"
    if any(not 2 <= n <= 10 for n in value):
        return f"chỉ gồm các số năm từ 2 đến 10, không phải {list(value)}"
    if len(set(value)) != len(value):
        return f"có số năm bị lặp: {list(value)}"
    return None


@dataclass(frozen=True)
class _Leaf:
    convert: Callable[[Any], Any]
    check: Callable[[Any], str | None] | None = None


@dataclass(frozen=True)
class _Tables:
    """An array of tables (``[[name]]``): all keys of each item required; replaces, never merges."""

    item: dict[str, Any]


_PERCENT = _Leaf(_number, _between(0, 100))
_REPORT_DAY = _Leaf(_integer, _between(1, 28))
_DATED = {"date": _Leaf(_day_month), "year": _Leaf(_integer, _between(-1, 1))}

_SCHEMA: dict[str, Any] = {
    "cycle": {
        "deadline_reading": _Leaf(_text, _one_of(DEADLINE_READINGS)),
        "weight_sum_tolerance": _Leaf(_number, _tolerance),
        "period_lengths": _Leaf(_list_of(_integer), _period_lengths),
        "new_plan_months": _Leaf(_integer, _between(1, 12)),
        "consolidating_body": _Leaf(_text, _non_empty),
    },
    "ratings": {
        "HTXS": _PERCENT,
        "HTT": _PERCENT,
        "HT": _PERCENT,
        "cadre_level": _Leaf(_text, _one_of(CADRE_LEVEL_READINGS)),
    },
    "bodies": _Tables({"code": _Leaf(_text, _non_empty), "name": _Leaf(_text, _non_empty)}),
    "deadlines": {name: _DATED for name in DATED_DEADLINES}
    | {"quarterly_report_day": _REPORT_DAY, "period_report_day": _REPORT_DAY},
    "document": {f.name: _Leaf(_text) for f in fields(DocumentSettings)}
    | {"recipients": _Leaf(_list_of(_text))},
    "limits": {f.name: _Leaf(_integer, _at_least(1)) for f in fields(Limits)},
    "print": {"a3_bodies": _Leaf(_list_of(_text))},
}


def _walk(raw: Any, schema: Any, key: str, file: str, complete: bool) -> Any:
    """Check ``raw`` against ``schema``; return it converted.  ``complete``: all keys required."""
    if isinstance(schema, _Leaf):
        try:
            value = schema.convert(raw)
            problem = schema.check(value) if schema.check else None
        except _Bad as bad:
            problem = str(bad)
        if problem:
            raise SettingsError(problem, key=key, file=file)
        return value
    if isinstance(schema, _Tables):
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            raise SettingsError(f"phải là danh sách bảng [[{key}]]", key=key, file=file)
        if not raw:
            raise SettingsError("không được để trống", key=key, file=file)
        return tuple(
            _walk(item, schema.item, f"{key}[{i}]", file, True) for i, item in enumerate(raw, 1)
        )
    if not isinstance(raw, dict):
        raise SettingsError(f"phải là một bảng, không phải {_show(raw)}", key=key, file=file)
    for name in raw:
        if name not in schema:
            known = ", ".join(schema)
            problem = f"không có trong cấu hình (các khoá hợp lệ ở đây: {known})"
            raise SettingsError(problem, key=_join(key, name), file=file)
    if complete:
        for name in schema:
            if name not in raw:
                raise SettingsError("bị thiếu", key=_join(key, name), file=file)
    return {
        name: _walk(v, schema[name], _join(key, name), file, complete) for name, v in raw.items()
    }


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for name, value in over.items():
        below = base.get(name)
        merged[name] = (
            _merge(below, value) if isinstance(value, dict) and isinstance(below, dict) else value
        )
    return merged


# --------------------------------------------------------------------------- reading


def _parse(data: bytes, file: str) -> dict[str, Any]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SettingsError("không phải văn bản UTF-8", file=file) from None
    try:
        return tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"sai cú pháp TOML ({exc})", file=file) from None


@cache
def _default_tree() -> dict[str, Any]:
    data = resources.files("dotpha_xl.kernel").joinpath(DEFAULT_FILE).read_bytes()
    return _walk(_parse(data, DEFAULT_FILE), _SCHEMA, "", DEFAULT_FILE, True)


def _build(tree: dict[str, Any], file: str) -> Settings:
    ratings = tree["ratings"]
    for low, high in (("HT", "HTT"), ("HTT", "HTXS")):
        if ratings[low] > ratings[high]:
            problem = (
                f"({_show(ratings[high])}) nhỏ hơn 'ratings.{low}' ({_show(ratings[low])}); "
                "cần 0 ≤ HT ≤ HTT ≤ HTXS ≤ 100"
            )
            raise SettingsError(problem, key=f"ratings.{high}", file=file)

    bodies: dict[str, str] = {}
    for i, body in enumerate(tree["bodies"], 1):
        code = body["code"].strip()
        if code in bodies:
            problem = f"trùng mã cơ quan {code!r} đã khai báo trước đó"
            raise SettingsError(problem, key=f"bodies[{i}].code", file=file)
        bodies[code] = body["name"].strip()

    cycle = tree["cycle"]
    consolidating = cycle["consolidating_body"].strip()
    if consolidating not in bodies:
        problem = f"là {consolidating!r}, không có trong [[bodies]] ({', '.join(bodies)})"
        raise SettingsError(problem, key="cycle.consolidating_body", file=file)

    a3_bodies = tuple(code.strip() for code in tree["print"]["a3_bodies"])
    for code in a3_bodies:
        if code not in bodies:
            problem = f"có mã {code!r}, không có trong [[bodies]] ({', '.join(bodies)})"
            raise SettingsError(problem, key="print.a3_bodies", file=file)

    deadlines = tree["deadlines"]
    return Settings(
        bodies=bodies,
        consolidating_body=consolidating,
        thresholds=RatingThresholds(htxs=ratings["HTXS"], htt=ratings["HTT"], ht=ratings["HT"]),
        weight_tolerance=cycle["weight_sum_tolerance"],
        period_lengths=tuple(sorted(cycle["period_lengths"])),
        deadline_reading=cycle["deadline_reading"],
        new_plan_months=cycle["new_plan_months"],
        deadlines={
            name: DayMonth(*deadlines[name]["date"], deadlines[name]["year"])
            for name in DATED_DEADLINES
        },
        quarterly_report_day=deadlines["quarterly_report_day"],
        period_report_day=deadlines["period_report_day"],
        document=DocumentSettings(**tree["document"]),
        limits=Limits(**tree["limits"]),
        a3_bodies=a3_bodies,
        cadre_level=ratings["cadre_level"],
    )


@cache
def default_settings() -> Settings:
    """The regulation's defaults (shared, do not mutate)."""
    return _build(_default_tree(), DEFAULT_FILE)


def load_settings(path: str | Path | None = None) -> Settings:
    """The defaults, with the TOML file at ``path`` (any subset of the keys) merged over them."""
    if path is None:
        return default_settings()
    file = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SettingsError(f"không đọc được ({exc.strerror or exc})", file=file) from None
    user = _walk(_parse(data, file), _SCHEMA, "", file, False)
    return _build(_merge(_default_tree(), user), file)
