"""A cadre's record across years (Art. 8; ``dotpha record``), through the CLI: two years made in
the test (consolidate, summary, ratings --json), CB901 changing post between them."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import ROSTER, run
from tests.test_cadre_level_cli import FIGURES, cycle

MOVED = [("CB901", ROSTER[0][1], "Chủ tịch UBND huyện Na Hang", "UBND huyện Na Hang", "UBND"),
         *ROSTER[1:]]  # fmt: skip


def ratings_of(d: Path, year: int) -> Path:
    run("summary", "--consolidated", d / "out", "--period", year, "--out", d / "btv.xlsx")
    run("ratings", "--consolidated", d / "out", "--summary", d / "btv.xlsx", "--period", year,
        "--out", d / "xl.xlsx", "--json", d / f"xep_loai_{year}.json")  # fmt: skip
    return d / f"xep_loai_{year}.json"


@pytest.fixture(scope="module")
def two_years(tmp_path_factory) -> tuple[Path, Path]:
    a = tmp_path_factory.mktemp("y2027")
    cycle(a, 2027, FIGURES)
    b = tmp_path_factory.mktemp("y2028")
    cycle(b, 2028, {"CB901": (1.0, 1.0), "CB902": (0.4, 0.3), "CB903": (0.9, 0.7)},
          roster_rows=MOVED)  # fmt: skip
    return ratings_of(a, 2027), ratings_of(b, 2028)


def test_ratings_json_carries_what_the_record_reads(two_years):
    data = json.loads(two_years[0].read_text(encoding="utf-8"))
    assert data["year"] == 2027
    assert {p["cadre_id"] for p in data["people"]} == {"CB901", "CB902", "CB903"}
    a2 = next(t for t in data["tasks"] if (t["cadre_id"], t["task_key"]) == ("CB901", "A2"))
    assert (a2["completion"], a2["completion_exact"], a2["rating"]) == (60.0, "60", "HT")


def sheet_texts(path: Path) -> list[str]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]


def test_one_cadre_over_two_years(two_years, tmp_path):
    result = run("record", "--ratings", two_years[1], "--ratings", two_years[0], "--out",
                 tmp_path / "ho_so", "--cadre", "CB901")  # fmt: skip
    assert result.stdout.split() == [str(tmp_path / "ho_so" / "ho_so_CB901.xlsx")]
    texts = sheet_texts(tmp_path / "ho_so" / "ho_so_CB901.xlsx")
    joined = "\n".join(texts)
    # the years in order, each with the post held then, followed by the cadre_id
    assert joined.index("Năm 2027") < joined.index("Năm 2028")
    assert "Chủ tịch UBND huyện Na Hang" in joined and ROSTER[0][2] in joined
    assert "Mức xếp loại của cán bộ (Điều 7.3 c)" in texts
    assert "Đề nghị khen thưởng" in texts  # A1 in 2027, A1 and A2 in 2028
    book = openpyxl.load_workbook(tmp_path / "ho_so" / "ho_so_CB901.xlsx")
    sheet = book.worksheets[0]
    assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == "landscape"
    levels = [
        (r[3].value, r[6].value)
        for r in sheet.iter_rows()
        if r[0].value == "Mức xếp loại của cán bộ (Điều 7.3 c)"
    ]
    assert levels == [("HTT", "HTT"), ("HTXS", "HTXS")]


def test_the_table_of_all_cadres_by_year(two_years, tmp_path):
    run("record", "--ratings", two_years[0], "--ratings", two_years[1], "--out", tmp_path)
    names = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert names == ["ho_so_CB901.xlsx", "ho_so_CB902.xlsx", "ho_so_CB903.xlsx",
                     "ho_so_tong_hop.xlsx"]  # fmt: skip
    sheet = openpyxl.load_workbook(tmp_path / "ho_so_tong_hop.xlsx").worksheets[0]
    rows = {r[1]: r for r in sheet.iter_rows(values_only=True) if r[1] in ("CB901", "CB902")}
    assert rows["CB901"][4] == "HTT" and rows["CB901"][7] == "HTXS"
    assert rows["CB902"][4] == "HTT" and rows["CB902"][7] == "KHT"  # 40 % and 30 %: mean 35


def test_a_file_that_is_not_a_ratings_json_is_a_usage_error(two_years, tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"tasks": []}', encoding="utf-8")
    result = run("record", "--ratings", bad, "--out", tmp_path / "o", code=2)
    assert "không phải tệp JSON kết quả xếp loại" in result.output
    same = run("record", "--ratings", two_years[0], "--ratings", two_years[0], "--out",
               tmp_path / "o", code=2)  # fmt: skip
    assert "cùng kỳ 2027" in same.output
