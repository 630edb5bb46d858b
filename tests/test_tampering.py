"""Tampering and structure (issue 5, item 3): each case detected or tolerated, as documented in
docs/workbook-format.md.  Every case starts from a real generated plan, filled and valid, and
changes it the way a person in Excel or LibreOffice would, with openpyxl."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from dotpha_demo.filler import fill_plans, find_contract, form_sheet
from dotpha_xl.cli import cli
from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.xlsx.plans import read_plan

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


@pytest.fixture(scope="module")
def valid_plan(tmp_path_factory) -> bytes:
    base = tmp_path_factory.mktemp("tamper")
    result = CliRunner().invoke(
        cli,
        ["template", "plan", "--roster", str(SAMPLE / "roster.xlsx"),
         "--assignments", str(SAMPLE / "assignments.xlsx"), "--year", "2027",
         "--out", str(base / "plans")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    only = base / "one"
    only.mkdir()
    source = next((base / "plans").glob("CB101_*.xlsx"))
    (only / source.name).write_bytes(source.read_bytes())
    fill_plans(only, base / "filled", seed=3, flaws={})
    data = next((base / "filled").glob("*.xlsx")).read_bytes()
    assert read_plan(io.BytesIO(data), default_settings(), name="p.xlsx").ok
    return data


def changed(data: bytes, change) -> list[tuple[str, str]]:
    return [(p.code, p.cell) for p in read_changed(data, change).problems]


def read_changed(data: bytes, change):
    """The plan read back after ``change(book, contract)``, made with openpyxl."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    change(book, find_contract(form_sheet(book)))
    out = io.BytesIO()
    book.save(out)
    return read_plan(io.BytesIO(out.getvalue()), default_settings(), name="p.xlsx")


def cell_of(data: bytes, key: str, column: str, below: int = 0) -> str:
    """The A1 reference of row ``key`` (or ``below`` rows under it) in ``column``."""
    c = find_contract(form_sheet(openpyxl.load_workbook(io.BytesIO(data))))
    return f"{openpyxl.utils.get_column_letter(c.columns[column])}{c.rows[key] + below}"


def test_an_extra_sheet_is_tolerated(valid_plan):
    assert changed(valid_plan, lambda book, c: book.create_sheet("Ghi chú của tôi")) == []


def test_a_renamed_form_sheet_is_detected(valid_plan):
    def rename(book, c):
        c.sheet.title = "Ke hoach (2)"

    assert changed(valid_plan, rename) == [("form_sheet_missing", "")]


def test_meta_unhidden_as_libreoffice_does_reads_the_same(valid_plan):
    def unhide(book, c):
        book["_meta"].sheet_state = "hidden"  # LibreOffice's re-save of a very hidden sheet

    assert changed(valid_plan, unhide) == []


def test_an_old_form_version_names_the_version_to_use(valid_plan):
    import json

    from dotpha_xl.xlsx.contract import join_prefilled, meta_digest

    def old_version(book, c):
        # A form of an older layout, sealed as that version would have been.
        rows = {r[0].value: r[1] for r in book["_meta"].iter_rows(max_col=2)}
        rows["form_version"].value = "0"
        meta = {k: v.value or "" for k, v in rows.items()}
        rows["digest"].value = meta_digest(meta, json.loads(join_prefilled(meta)))

    book = openpyxl.load_workbook(io.BytesIO(valid_plan))
    old_version(book, None)
    out = io.BytesIO()
    book.save(out)
    plan = read_plan(io.BytesIO(out.getvalue()), default_settings(), name="p.xlsx")
    assert [p.code for p in plan.problems] == ["form_version_unsupported"]
    assert "phiên bản 1" in plan.problems[0].hint


def test_a_deleted_prefilled_row_is_detected(valid_plan):
    def delete_month(book, c):
        row = c.rows["A1.Q4.M3"]
        items = [r for k, r in c.rows.items() if k.startswith("A1.Q4.M3.")]
        c.sheet.delete_rows(row, 1 + len(items))

    found = changed(valid_plan, delete_month)
    assert ("row_deleted", "") in found
    assert any(code == "weight_sum_not_100" for code, _ in found)  # Q4 now sums to 80 %


def test_added_merged_cells_and_blank_rows_are_tolerated(valid_plan):
    def merge_and_space(book, c):
        # Real ranges that hide no value: an empty item row's input cells (content to w_month),
        # and three cells above the form's heading.
        r = c.rows["A1.Q1.M1.I3"]
        for k in ("content", "product", "w_month"):
            assert c.sheet.cell(r, c.columns[k]).value is None
        c.sheet.merge_cells(
            start_row=r,
            start_column=c.columns["content"],
            end_row=r,
            end_column=c.columns["w_month"],
        )
        c.sheet.merge_cells(start_row=1, start_column=2, end_row=1, end_column=4)
        c.sheet.insert_rows(c.rows["A1.Q1.M2"])  # a blank row between two months

    before = read_plan(io.BytesIO(valid_plan), default_settings(), name="p.xlsx")
    after = read_changed(valid_plan, merge_and_space)
    assert after.problems == []
    assert after.tasks == before.tasks  # the file reads as before


def test_merged_cells_over_typed_values_are_detected_at_the_emptied_cell(valid_plan):
    # Excel and openpyxl keep only the first cell's value of a merged range: what the merge hid
    # is reported at the cell that lost it.
    def merge_down(book, c):  # one item's content over the next item's
        r = c.rows["A1.Q1.M1.I1"]
        col = c.columns["content"]
        assert c.sheet.cell(r + 1, col).value  # A1.Q1.M1.I2 has its own content
        c.sheet.merge_cells(start_row=r, start_column=col, end_row=r + 1, end_column=col)

    hidden = cell_of(valid_plan, "A1.Q1.M1.I2", "content")
    assert changed(valid_plan, merge_down) == [("item_without_content", hidden)]

    def merge_across(book, c):  # an item's product over its own weight
        r = c.rows["A1.Q1.M1.I1"]
        assert c.sheet.cell(r, c.columns["w_month"]).value == 0.5
        c.sheet.merge_cells(
            start_row=r,
            start_column=c.columns["product"],
            end_row=r,
            end_column=c.columns["w_month"],
        )

    assert changed(valid_plan, merge_across) == [
        ("weight_missing", cell_of(valid_plan, "A1.Q1.M1.I1", "w_month")),
        ("weight_sum_not_100", cell_of(valid_plan, "A1.Q1.M1", "w_month")),  # sums to 50 %
    ]


def test_a_stray_value_below_the_table_is_a_warning_not_an_item(valid_plan):
    def stray(book, c):
        last = max(c.rows.values())
        c.sheet.cell(last + 3, c.columns["content"]).value = "ghi chú riêng"

    book = openpyxl.load_workbook(io.BytesIO(valid_plan))
    c = find_contract(form_sheet(book))
    last = max(c.rows.values())
    column = openpyxl.utils.get_column_letter(c.columns["content"])
    found = changed(valid_plan, stray)
    assert found == [("stray_value", f"{column}{last + 3}")]


def test_a_keyless_row_joined_to_the_table_end_is_a_new_item(valid_plan):
    def append_item(book, c):
        last = max(c.rows.values())
        c.sheet.cell(last + 1, c.columns["content"]).value = "Việc thêm cuối kế hoạch"
        c.sheet.cell(last + 1, c.columns["w_month"]).value = 0

    plan = read_changed(valid_plan, append_item)
    assert plan.problems == []
    # The row is read: a new item of the table's last month, with what was typed in it.
    inserted = plan.frame[plan.frame["inserted"]]
    assert list(inserted["key"]) == ["B1.Y5.Q4.M3.I4"]
    assert list(inserted["content_cell"]) == [
        cell_of(valid_plan, "B1.Y5.Q4.M3.I3", "content", below=1)
    ]
    month = plan.tasks["B1"].root.find("B1.Y5.Q4.M3")
    assert [(str(i.key), i.content, i.weight) for i in month.children][-1] == (
        "B1.Y5.Q4.M3.I4",
        "Việc thêm cuối kế hoạch",
        0,
    )
