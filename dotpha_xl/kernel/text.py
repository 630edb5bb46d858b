"""Reading what people actually type into cells: text, percentages, ratings and yes-marks.

Everything here is pure standard library.  Percentages are read into exact percent points
(:class:`fractions.Fraction`, ``25`` meaning 25 %); binary floating point appears only in
:func:`round_half_up`, whose result is meant for JSON.

The reading rule for percent cells (see "Input that people actually type" in the domain notes):
a *numeric* cell holds a fraction, as Excel and LibreOffice store percentages (0.25 shows as
25 %); a *text* cell holds percent points, with or without the sign (``"66,6"``, ``"66.6 %"``).
Anything that needs a guess is refused.
"""

from __future__ import annotations

import datetime as _dt
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from fractions import Fraction
from functools import lru_cache

__all__ = [
    "LegacyText",
    "PercentError",
    "as_text",
    "ascii_slug",
    "fold",
    "format_percent",
    "nfc",
    "parse_flag",
    "parse_percent",
    "parse_rating",
    "person_sort_key",
    "repair_legacy",
    "round_half_up",
    "vietnamese_sort_key",
]

# Characters that str.strip() keeps but that are invisible padding in pasted text.
_INVISIBLE_EDGES = "\ufeff\u200b\u200c\u200d\u2060"


# --------------------------------------------------------------------------------------------
# Unicode text
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)  # the same texts (keys, plan wording) come back file after file
def nfc(value: str) -> str:
    """``value`` in NFC, line breaks as LF, without surrounding (also non-breaking) whitespace.

    Inner line breaks are kept; CR LF and lone CR become LF.
    """
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    # Alternate until stable: a zero-width character may hide behind a space and vice versa.
    while True:
        stripped = text.strip().strip(_INVISIBLE_EDGES)
        if stripped == text:
            return text
        text = stripped


def _strip_marks(text: str) -> str:
    """``text`` decomposed (NFD) without its combining marks."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def fold(value: str) -> str:
    """A matching key that ignores case, diacritics, the Unicode form and extra whitespace.

    ``fold("Hoàn thành xuất sắc") == fold("hoan thanh  xuat sac") == fold("HOÀN THÀNH XUẤT SẮC")``.
    The key is for comparing, never for display.
    """
    text = unicodedata.normalize("NFC", value).lower()
    text = _strip_marks(text).replace("đ", "d")
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------
# Percentages
# --------------------------------------------------------------------------------------------

PERCENT_UNREADABLE = "percent_unreadable"


class PercentError(ValueError):
    """A percent cell that cannot be read (``code`` says why; ``value`` is what was found)."""

    CODES = (PERCENT_UNREADABLE,)

    def __init__(self, code: str, value: object) -> None:
        if code not in self.CODES:
            raise ValueError(f"unknown percent error code {code!r}")
        super().__init__(f"{code}: {value!r}")
        self.code = code
        self.value = value


# A float cell carries about 15-17 significant digits; past 8 decimal places of percent what is
# left is representation noise (0.1 + 0.2 == 0.30000000000000004).
_FLOAT_PLACES = 8
_FLOAT_QUANTUM = Decimal(1).scaleb(-_FLOAT_PLACES)

_PERCENT_SIGNS = "%％﹪"  # ASCII, full-width, small form
# One number: optional sign, digits, at most one decimal separator (',' or '.'), then optional
# whitespace and one percent sign.  Only ASCII digits; no thousands separators; no exponent.
_PERCENT_TEXT = re.compile(
    r"(?P<sign>[+-]?)(?P<int>[0-9]*)(?:[.,](?P<frac>[0-9]+))?\s*(?P<pct>%?)",
)


def parse_percent(value: object) -> Fraction | None:
    """Exact percent points (``Fraction(25)`` for 25 %) of a percent cell, or ``None`` if blank.

    * ``None`` and empty or whitespace-only text: ``None``.
    * A number (int, float, Decimal, Fraction) is the fraction Excel stores: 0.25 → 25.  A float
      is taken through its shortest repr (``Decimal(repr(x))``), so 0.2 gives exactly 20; if the
      resulting percent has more than 8 decimal places it is rounded (half to even) to 8, because a
      float cannot carry more than that meaningfully (0.30000000000000004 → 30).  Decimal and
      Fraction cells are kept exact.
    * Text is percent points: an optional sign, digits with at most one decimal separator (``,``
      or ``.``), then optional spaces and one ``%`` (or full-width ``％``): ``"25,5 %"`` → 51/2.
    * Booleans, dates, times, NaN, infinities, text with two separators (``"1.234,5"``), extra
      signs (``"25%%"``), words or ranges raise :class:`PercentError` ``percent_unreadable``.
    * The range is not checked here: a form's range (a weight, a completion within 0–100 %) is a
      rule of its pandera schema (``dotpha_xl.xlsx.schemas``), which reports it at its cell.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise PercentError(PERCENT_UNREADABLE, value)
    if isinstance(value, str):
        return _percent_from_text(value)
    if isinstance(value, (_dt.date, _dt.time, _dt.timedelta)):
        raise PercentError(PERCENT_UNREADABLE, value)
    if type(value) is float:
        return _percent_of_float(value)
    if isinstance(value, (numbers.Number, Decimal)):
        return _number_percent(value)
    raise PercentError(PERCENT_UNREADABLE, value)


def _number_percent(value: object) -> Fraction:
    """Percent points of a numeric cell."""
    points = _points_from_number(value)
    if points is None:
        raise PercentError(PERCENT_UNREADABLE, value)
    return points


#: The few float values people type (0.5, 1, 0.9 ...) come back all the time.
_percent_of_float = lru_cache(maxsize=4096)(_number_percent)


def _points_from_number(value: object) -> Fraction | None:
    """Percent points of a numeric cell (a stored fraction), ``None`` if not a finite real."""
    if isinstance(value, Fraction):
        return value * 100
    if isinstance(value, numbers.Integral):
        return Fraction(int(value)) * 100
    if isinstance(value, Decimal):
        if not value.is_finite():
            return None
        return Fraction(value) * 100
    if isinstance(value, numbers.Real):
        x = float(value)
        if not math.isfinite(x):
            return None
        if abs(x) > 1e6:  # far out of range; keep the Decimal arithmetic below bounded
            return Fraction(x) * 100
        with localcontext() as ctx:
            ctx.prec = 60
            points = Decimal(repr(x)) * 100
            exponent = points.as_tuple().exponent
            if isinstance(exponent, int) and exponent < -_FLOAT_PLACES:
                try:
                    points = points.quantize(_FLOAT_QUANTUM, rounding=ROUND_HALF_EVEN)
                except InvalidOperation:  # pragma: no cover - bounded above
                    return None
        return Fraction(points)
    return None


def _percent_from_text(raw: str) -> Fraction | None:
    text = nfc(raw)
    if not text:
        return None
    for sign in _PERCENT_SIGNS[1:]:
        text = text.replace(sign, "%")
    match = _PERCENT_TEXT.fullmatch(text)
    if match is None or not (match["int"] or match["frac"]):
        raise PercentError(PERCENT_UNREADABLE, raw)
    digits = (match["int"] or "0") + "." + (match["frac"] or "0")
    points = Fraction(Decimal(digits))
    if match["sign"] == "-":
        points = -points
    return points


def half_up_units(value: Fraction, places: int) -> int:
    """``value`` × 10**places rounded half away from zero, as an integer."""
    if places < 0:
        raise ValueError("places must be >= 0")
    if type(value) in _RATIONAL:  # its exact numerator and denominator as they are
        top, bottom = value.numerator, value.denominator
    else:
        exact = Fraction(value)
        top, bottom = exact.numerator, exact.denominator
    units = (2 * abs(top) * 10**places + bottom) // (2 * bottom)  # floor(x + 1/2)
    return -units if top < 0 else units


_RATIONAL = (Fraction, int)


def round_half_up(value: Fraction, places: int = 2) -> float:
    """``value`` rounded half away from zero to ``places`` decimals, as a float for JSON.

    The rounding is exact; the only inexactness is the final conversion to the nearest float.
    """
    return half_up_units(value, places) / 10**places  # int / int: correctly rounded


def json_percent(value: Fraction | None) -> float | None:
    """Percent points as the JSON outputs give them: rounded half up to 2 decimals from the
    exact value; ``None`` stays ``None``."""
    return None if value is None else round_half_up(value, 2)


def json_exact(value: Fraction | None) -> str | None:
    """Percent points exactly, as the JSON outputs give them beside the rounded figure: the
    fraction's text ("39999/400", "100"); ``None`` stays ``None``.  Later steps decide on these."""
    return None if value is None else str(Fraction(value))


def json_figures(**figures: Fraction | None) -> dict[str, float | str | None]:
    """Each figure as the JSON outputs give it: ``name`` rounded, ``name_exact`` exact."""
    out: dict[str, float | str | None] = {}
    for name, value in figures.items():
        out[name] = json_percent(value)
        out[f"{name}_exact"] = json_exact(value)
    return out


def exact_of_json(text: str | None) -> Fraction | None:
    """The exact value of a JSON output's ``*_exact`` field (``json_exact`` reversed)."""
    return None if text is None else Fraction(text)


def percent_cell(value: Fraction | float | None) -> float | None:
    """Percent points -> the fraction of 1 a percent cell stores, rounded half up to 2 decimals
    of percent (4 decimals of the fraction), from the exact value."""
    if value is None:
        return None
    # value / 100 to 4 decimals = value to 2 decimals, / 100: integers, then one division
    return half_up_units(value, 2) / 10**4


def format_percent(value: Fraction | None, places: int = 2) -> str:
    """Vietnamese display of percent points: ``"36,25%"``, ``"25%"``, ``"89,47%"``; ``""`` for None.

    Rounds half up to ``places`` decimals, writes a decimal comma and trims trailing zeros.
    """
    if value is None:
        return ""
    units = half_up_units(Fraction(value), places)
    sign = "-" if units < 0 else ""
    whole, part = divmod(abs(units), 10**places)
    text = str(whole)
    if places:
        decimals = str(part).rjust(places, "0").rstrip("0")
        if decimals:
            text += "," + decimals
    return f"{sign}{text}%"


# --------------------------------------------------------------------------------------------
# Ratings and yes-marks
# --------------------------------------------------------------------------------------------

_RATING_NAMES = {
    "HTXS": "Hoàn thành xuất sắc",
    "HTT": "Hoàn thành tốt",
    "HT": "Hoàn thành",
    "KHT": "Không hoàn thành",
}
_RATING_KEYS: dict[str, str] = {}
for _code, _name in _RATING_NAMES.items():
    _RATING_KEYS[fold(_code)] = _code
    _RATING_KEYS[fold(_name)] = _code
_RATING_KEYS[fold("Không HT")] = "KHT"
# The regulation also writes the levels out in full ("Hoàn thành tốt việc đột phá").
_RATING_SUFFIXES = tuple(
    " " + fold(s) for s in ("việc đột phá, đổi mới", "việc đột phá", "nhiệm vụ")
)


def parse_rating(value: object) -> str | None:
    """A self-rating cell as ``"HTXS"``, ``"HTT"``, ``"HT"`` or ``"KHT"``; ``None`` when blank.

    Accepts the code or the full Vietnamese name (optionally followed by "việc đột phá" or
    "nhiệm vụ"), in any case, with or without diacritics, NFC or NFD, and "Không HT".  Anything
    else (``"Tốt"``, ``"Xuất sắc"``) raises :class:`ValueError`.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"rating_unreadable: {value!r}")
    key = fold(value).rstrip(".").rstrip()
    if not key:
        return None
    for suffix in _RATING_SUFFIXES:
        if key.endswith(suffix):
            key = key[: -len(suffix)]
            break
    try:
        return _RATING_KEYS[key]
    except KeyError:
        raise ValueError(f"rating_unreadable: {value!r}") from None


_FLAG_TRUE = frozenset({"x", "co", "yes", "y", "1", "true", "✓", "✔"})
_FLAG_FALSE = frozenset({"", "0", "khong", "no", "false"})


def parse_flag(value: object) -> bool:
    """A yes-mark cell (e.g. the force majeure column).

    Blank, ``None``, ``False``, ``0``, ``"0"``, ``"không"``, ``"no"`` → False; ``"x"``, ``"có"``,
    ``"yes"``, ``"1"``, ``True``, ``1`` (any case, with or without diacritics) → True.  Anything
    else raises :class:`ValueError`.
    """
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, bool):
        if value == 0:
            return False
        if value == 1:
            return True
        raise ValueError(f"flag_unreadable: {value!r}")
    if isinstance(value, str):
        key = fold(value)
        if key in _FLAG_TRUE:
            return True
        if key in _FLAG_FALSE:
            return False
    raise ValueError(f"flag_unreadable: {value!r}")


# --------------------------------------------------------------------------------------------
# File names and display
# --------------------------------------------------------------------------------------------

_NOT_SLUG = re.compile(r"[^A-Za-z0-9]+")


def ascii_slug(value: str, max_len: int = 60) -> str:
    """An ASCII file-name part: ``"Nguyễn Văn Đức"`` → ``"Nguyen_Van_Duc"``.

    Diacritics are dropped (đ → d, Đ → D, case kept), every run of other characters becomes one
    ``_``, leading and trailing ``_`` are removed and the result is cut to ``max_len``.  The
    result matches ``^[A-Za-z0-9_]+$`` and is never empty (``"x"`` when nothing is left).
    """
    text = _strip_marks(str(value)).replace("đ", "d").replace("Đ", "D")
    slug = _NOT_SLUG.sub("_", text).strip("_")
    slug = slug[: max(max_len, 1)].rstrip("_")
    return slug or "x"


def as_text(value: object) -> str:
    """Display text of any cell value: ``None`` → ``""``, ``2027.0`` → ``"2027"``, text in NFC."""
    if value is None:
        return ""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return str(int(value))
        return str(value)
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return nfc(str(value))


# --------------------------------------------------------------------------------------------
# Legacy Vietnamese encodings (TCVN3 / ABC and VNI), decided per text run
# --------------------------------------------------------------------------------------------
#
# Text typed years ago with a .Vn font (TCVN3) or a VNI font and pasted into a cell arrives as
# Latin-1 look-alikes: "ViÖt Nam" (TCVN3) or "Vieät Nam" (VNI).  The tables below are written
# from the published charts of the two encodings; the combined letters are built with
# unicodedata from base letter + combining marks.

_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
_CIRC, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"


def _compose(base: str, *marks: str) -> str:
    return unicodedata.normalize("NFC", base + "".join(marks))


def _tcvn3_table() -> dict[str, str]:
    """TCVN3 (TCVN 5712:1993, the .Vn fonts): one Latin-1 code per lowercase letter with its
    tone; the capitals Ă Â Ê Ô Ơ Ư Đ have codes of their own (toned capitals need the .VnXxxH
    capital fonts, whose codes are the lowercase ones)."""
    table = dict(zip("¡¢£¤¥¦§¨©ª«¬\xad®", "ĂÂÊÔƠƯĐăâêôơưđ", strict=True))
    # Five codes per vowel in the chart's order: grave, hook, tilde, acute, dot below.
    rows = {
        "µ¶·¸¹": ("a",),
        "»¼½¾Æ": ("a", _BREVE),
        "ÇÈÉÊË": ("a", _CIRC),
        "ÌÎÏÐÑ": ("e",),
        "ÒÓÔÕÖ": ("e", _CIRC),
        "×ØÜÝÞ": ("i",),
        "ßáâãä": ("o",),
        "åæçèé": ("o", _CIRC),
        "êëìíî": ("o", _HORN),
        "ïñòóô": ("u",),
        "õö÷øù": ("u", _HORN),
        "úûüýþ": ("y",),
    }
    for codes, (base, *marks) in rows.items():
        for code, tone in zip(codes, (_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT), strict=True):
            table[code] = _compose(base, *marks, tone)
    return table


TCVN3_TO_UNICODE: dict[str, str] = _tcvn3_table()

# VNI Windows: a base letter followed by a mark code ("Vieät" = Việt).  Lowercase mark codes;
# the capital ones are their upper-case forms ("VIEÄT").
_VNI_TONES = {"ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ù": _ACUTE, "ï": _DOT}
_VNI_CIRC = {"â": "", "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "á": _ACUTE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "é": _ACUTE, "ë": _DOT}
# Letters that are one code: ơ ư đ and i, y with some tones.
_VNI_SINGLE = {
    "ô": "ơ", "ö": "ư", "ñ": "đ", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "í": "í", "ò": "ị", "î": "ỵ",
}  # fmt: skip


def _vni_table() -> dict[str, str]:
    """Two-code sequences (base + mark) and one-code letters of VNI, lower and upper case."""
    table: dict[str, str] = {}
    for base in "aeouy":
        for code, tone in _VNI_TONES.items():
            table[base + code] = _compose(base, tone)
    for base in ("ô", "ö"):  # ơ, ư take a tone after them too
        for code, tone in _VNI_TONES.items():
            table[base + code] = _compose(_VNI_SINGLE[base], tone)
    for base in "aeo":
        for code, tone in _VNI_CIRC.items():
            table[base + code] = _compose(base, _CIRC, tone)
    for code, tone in _VNI_BREVE.items():
        table["a" + code] = _compose("a", _BREVE, tone)
    table.update(_VNI_SINGLE)
    upper = {k.upper(): v.upper() for k, v in table.items()}
    # A capital letter may be followed by a capital mark or, at the start of a word, a small one.
    mixed = {k[0].upper() + k[1:]: v.upper() for k, v in table.items() if len(k) == 2}
    return {**mixed, **upper, **table}


VNI_TO_UNICODE: dict[str, str] = _vni_table()

# Latin-1 characters that Vietnamese Unicode text never contains but TCVN3 text does.
_TCVN3_MARKERS = (
    frozenset(TCVN3_TO_UNICODE) - frozenset("ÊÔÕÒÓÌÍÝâãáàéêíóôõúùýäë") - frozenset("ÂÃÁÀÉÈÙÚ")
)
_TCVN3_SYMBOLS = frozenset("¡¢£¤¥¦§¨©ª«¬\xad®µ¶·¸¹»¼½¾×")
# Two-code VNI sequences that never occur in Vietnamese Unicode text ("oá", "oà", "oã" do:
# "hoá", "hoàn", "loã"), and VNI one-code letters that Unicode text never has.
_VNI_STRONG = frozenset(
    k for k in VNI_TO_UNICODE if len(k) == 2 and k.lower() not in ("oá", "oà", "oã")
) | frozenset("ñöæîÑÖÆÎ")
# Characters that only Unicode Vietnamese text has (ă đ ơ ư and the precomposed block).
_UNICODE_VIETNAMESE = re.compile("[ĂăĐđƠơƯư\u1ea0-\u1ef9\u0300-\u036f]")


@dataclass(frozen=True)
class LegacyText:
    """A text run checked for a legacy encoding: ``encoding`` is ``"tcvn3"``, ``"vni"`` or
    ``None``; ``text`` is converted to Unicode when ``converted``, else as found."""

    text: str
    encoding: str | None = None
    converted: bool = False


def detect_legacy(text: str) -> str | None:
    """``"tcvn3"`` or ``"vni"`` when the run looks typed in that legacy encoding, else ``None``.

    A run that holds a letter only Unicode has (ă, đ, ơ, ư, ạ...) is Unicode.  Each encoding
    scores its evidence next to ASCII letters: TCVN3 codes that Vietnamese Unicode never uses
    (a symbol such as "µ", "¸", "·" counts 2, a letter such as "Ö", "ß" counts 1); VNI base +
    mark sequences that Unicode never has ("eä", "aø": 2) and VNI-only letters ("ñ", "ö": 1).
    A score of 2 is needed ("Müller" and "España" stay as they are); a tie goes to VNI.
    """
    if not text or text.isascii() or _UNICODE_VIETNAMESE.search(text):
        return None
    tcvn3 = sum(
        2 if ch in _TCVN3_SYMBOLS else 1
        for i, ch in enumerate(text)
        if ch in _TCVN3_MARKERS and _letter_near(text, i)
    )
    vni = 2 * sum(1 for i in range(len(text) - 1) if text[i : i + 2] in _VNI_STRONG)
    vni += sum(1 for i, ch in enumerate(text) if ch in "ñöæîÑÖÆÎ" and _ascii_letter_near(text, i))
    if max(tcvn3, vni) < 2:
        return None
    return "vni" if vni >= tcvn3 else "tcvn3"


def _letter_near(text: str, i: int) -> bool:
    return any(0 <= j < len(text) and text[j].isalpha() for j in (i - 1, i + 1))


def _ascii_letter_near(text: str, i: int) -> bool:
    return any(
        0 <= j < len(text) and text[j].isascii() and text[j].isalpha() for j in (i - 1, i + 1)
    )


@lru_cache(maxsize=1 << 15)  # the same texts come back file after file; the result is frozen
def repair_legacy(text: str) -> LegacyText:
    """Detect a legacy encoding in one text run and convert it when the mapping is unambiguous
    (every non-ASCII character of the run belongs to the encoding's table)."""
    encoding = detect_legacy(text)
    if encoding is None:
        return LegacyText(text)
    if encoding == "tcvn3":
        if not all(ch.isascii() or ch in TCVN3_TO_UNICODE for ch in text):
            return LegacyText(text, encoding)
        return LegacyText(nfc("".join(TCVN3_TO_UNICODE.get(ch, ch) for ch in text)), encoding, True)
    out: list[str] = []
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if len(pair) == 2 and pair in VNI_TO_UNICODE:
            out.append(VNI_TO_UNICODE[pair])
            i += 2
        elif text[i] in VNI_TO_UNICODE:
            out.append(VNI_TO_UNICODE[text[i]])
            i += 1
        elif text[i].isascii():
            out.append(text[i])
            i += 1
        else:  # a character VNI does not use here: not unambiguous
            return LegacyText(text, encoding)
    return LegacyText(nfc("".join(out)), encoding, True)


# --------------------------------------------------------------------------------------------
# Vietnamese collation
# --------------------------------------------------------------------------------------------

_VI_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_VI_TONES = {"": 0, _GRAVE: 1, _HOOK: 2, _TILDE: 3, _ACUTE: 4, _DOT: 5}  # CLDR vi order


def _fallback_sort_key(value: str) -> tuple:
    """CLDR's Vietnamese tailoring, by hand: letters a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư
    (primary), then tones none < huyền < hỏi < ngã < sắc < nặng (secondary), then case."""
    primary: list[tuple[int, int | str]] = []
    secondary: list[int] = []
    tertiary: list[int] = []
    for ch in unicodedata.normalize("NFC", value):
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        tone = next((m for m in marks if m in _VI_TONES), "")
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m != tone))
        low = letter.lower()
        if low in _VI_LETTERS:
            primary.append((1, _VI_LETTERS.index(low)))
        elif low.isalnum():
            primary.append((2 if low.isdigit() else 3, low))
        else:
            continue  # spaces and punctuation are ignorable, as in CLDR's default "shifted"
        secondary.append(_VI_TONES[tone])
        tertiary.append(0 if letter == low else 1)
    return (primary, secondary, tertiary, value)


def _icu_collator():  # pragma: no cover - depends on the installed wheel
    try:
        import icu
    except ImportError:
        return None
    return icu.Collator.createInstance(icu.Locale("vi"))


_COLLATOR = _icu_collator()


def vietnamese_sort_key(value: str) -> object:
    """A sort key in Vietnamese order (CLDR ``vi``): PyICU's collator when installed, else a
    hand-written key following the same tailoring.  ``sorted(names, key=vietnamese_sort_key)``.
    """
    text = nfc(value or "")
    if _COLLATOR is not None:
        return (_COLLATOR.getSortKey(text), text)
    return _fallback_sort_key(text)


def person_sort_key(full_name: str) -> object:
    """How lists of people are sorted in Vietnamese documents: by given name (the last word),
    then by the whole name."""
    words = nfc(full_name or "").split()
    return (vietnamese_sort_key(words[-1] if words else ""), vietnamese_sort_key(" ".join(words)))
