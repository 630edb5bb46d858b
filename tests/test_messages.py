"""Every message and hint a cadre may be shown reads as words: no problem code, no internal field
name, no row key where words serve (the codes stay in ``Problem.code`` for tools)."""

from __future__ import annotations

import re

import pytest

from dotpha_xl.kernel.problems import CATALOGUE, FIELD_WORDS, problem

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
ROW_KEY = re.compile(r"\b[AB]\d+(?:\.[YQMI]\d+)+\b")
NODES = ("A1", "A1.Q2.M3", "A2.Q1.M1.I3", "B1.Y2", "B1.Y2.Q3.M1.I2")


def shown(code: str, node: str, field: str) -> list[str]:
    found = problem(code, value="12", node=node, field=field, expected="HT", detail="x")
    return [found.message, found.hint]


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_no_message_shows_an_english_code_or_a_key(code):
    for node in NODES:
        for field in [*FIELD_WORDS, "Năm"]:
            for text in shown(code, node, field):
                assert text and not text.startswith(" ")
                assert not SNAKE.search(text), (code, text)
                assert not ROW_KEY.search(text), (code, text)
                assert not any(other in text for other in CATALOGUE), (code, text)
                assert "_meta" not in text and "dotpha" not in text, (code, text)


def test_a_row_reads_as_the_form_names_it():
    message = problem("weight_sum_not_100", value="90", node="A1.Q2.M3").message
    assert message.startswith("Các mục con của Việc A1, quý II, tháng 6 ")
    assert problem("weight_missing", node="B1.Y2.Q1.M2.I3").node == "B1.Y2.Q1.M2.I3"
