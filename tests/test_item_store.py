"""The item store: item rows kept on disk while a consolidation lives, read back anywhere."""

from __future__ import annotations

import gc
import os
import pickle
from fractions import Fraction

import pytest

from dotpha_xl.records.items import ItemRow
from dotpha_xl.store.item_store import ItemStore, pack_items, shown_items

ROWS = [
    ItemRow("A1.Q1.M1.I1", "Nội dung 1", "Sản phẩm 1", Fraction(100, 3), "", Fraction(2, 3),
            False, ""),
    ItemRow("A1.Q1.M1.I2", "Nội dung 2", "=SUM(A1)", Fraction(200, 3), "Đã xong", Fraction(100),
            False, ""),
    ItemRow("A1.Q1.M2.I1", "Nội dung 3", "", Fraction(100), "", None, True, "Bão lũ"),
]  # fmt: skip


def test_rows_come_back_exactly_in_this_process_and_another():
    store = ItemStore()
    first = store.add(pack_items(ROWS))
    second = store.add(pack_items(ROWS[:1]))
    assert list(first) == ROWS and list(second) == ROWS[:1]
    sent = pickle.loads(pickle.dumps(second))  # what a worker process is given
    assert list(sent) == ROWS[:1]
    with pytest.raises(TypeError):
        pickle.dumps(store)


def test_shown_and_unfinished_rows_are_worked_out_when_packed():
    store = ItemStore()
    stored = store.add(pack_items(ROWS))
    assert list(shown_items(stored)) == list(shown_items(ROWS))
    shown = list(shown_items(stored))
    assert [s.weight for s in shown] == [0.3333, 0.6667, 1.0]  # half up, 4 decimals of 1
    assert [s.completion for s in shown] == [0.0067, 1.0, None]
    # below 100 % and not force majeure: the first only (0.67 % shown to 2 decimals)
    assert stored.unfinished() == [
        {"key": "A1.Q1.M1.I1", "content": "Nội dung 1", "product": "Sản phẩm 1",
         "completion": 0.67, "completion_exact": "2/3"}
    ]  # fmt: skip


def test_the_file_goes_with_the_store():
    store = ItemStore()
    path = store.path
    store.add(pack_items(ROWS))
    assert os.path.exists(path)
    del store
    gc.collect()
    assert not os.path.exists(path)
