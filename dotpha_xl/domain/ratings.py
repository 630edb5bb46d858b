"""Ratings of a task's completion (Art. 7.2) and the self-rating comparison (Art. 10).

Thresholds are data: the regulation's defaults are HTXS at 100, HTT at 70 and HT at 50 (percent of
the task's plan); a settings file may move them (Nghị định 335/2025 puts HTXS at 90 for public
servants).  Comparisons are on exact values; nothing here rounds.
"""

from __future__ import annotations

from fractions import Fraction

from dotpha_xl.kernel.settings import RatingThresholds

HTXS = "HTXS"
HTT = "HTT"
HT = "HT"
KHT = "KHT"

#: Codes from the lowest level to the highest.
LEVELS: tuple[str, ...] = (KHT, HT, HTT, HTXS)

#: Vietnamese names of the four levels, as the regulation writes them.
LEVEL_NAMES: dict[str, str] = {
    HTXS: "Hoàn thành xuất sắc",
    HTT: "Hoàn thành tốt",
    HT: "Hoàn thành",
    KHT: "Không hoàn thành",
}


DEFAULT_THRESHOLDS = RatingThresholds()


def rate(completion: Fraction, thresholds: RatingThresholds = DEFAULT_THRESHOLDS) -> str:
    """The level of an exact completion figure (percent)."""
    if completion >= thresholds.htxs:
        return HTXS
    if completion >= thresholds.htt:
        return HTT
    if completion >= thresholds.ht:
        return HT
    return KHT


def compare_self_rating(self_rating: str | None, computed: str | None) -> str | None:
    """``"above"`` when the cadre rated higher than the figures allow, ``"below"`` when lower.

    ``None`` when they agree or either side is missing.
    """
    if not self_rating or not computed:
        return None
    diff = LEVELS.index(self_rating) - LEVELS.index(computed)
    if diff > 0:
        return "above"
    if diff < 0:
        return "below"
    return None
