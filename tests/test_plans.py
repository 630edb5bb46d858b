"""Plans end to end through the CLI: generate, fill through the key contract alone, validate."""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest

from dotpha_demo.filler import PLAN_FLAWS, fill_plan, fill_plans, find_contract, form_sheet
from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.xlsx.plans import read_plan
from tests.helpers import run

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plans")
    run(
        "template", "plan",
        "--roster", str(SAMPLE / "roster.xlsx"),
        "--assignments", str(SAMPLE / "assignments.xlsx"),
        "--year", "2027", "--out", str(out),
    )  # fmt: skip
    return out


@pytest.fixture(scope="module")
def filled_clean(generated, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("filled_clean")
    fill_plans(generated, out, seed=1, flaws={})
    return out


@pytest.fixture(scope="module")
def filled_flawed(generated, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("filled_flawed")
    fill_plans(generated, out, seed=1)
    return out


def contract_cell(path: Path, row_key: str, column: str) -> str:
    """The A1 address of a keyed row's column, found through the contract alone."""
    book = openpyxl.load_workbook(path)
    c = find_contract(form_sheet(book))
    return f"{openpyxl.utils.get_column_letter(c.columns[column])}{c.rows[row_key]}"


def test_one_plan_per_cadre_with_tasks(generated):
    files = sorted(p.name for p in generated.glob("*.xlsx"))
    assert len(files) == 39  # CB140 (a successor) has no task of his own
    assert all(name.isascii() and "/" not in name for name in files)
    assert "CB101_Nguyen_Van_Duc_ke_hoach_2027.xlsx" in files


def test_filled_through_the_contract_alone_validates_clean(filled_clean):
    result = run("validate", str(filled_clean), "--roster", str(SAMPLE / "roster.xlsx"),
                 "--year", "2027", "--json", "-")  # fmt: skip
    data = json.loads(result.stdout)
    assert data["valid"] is True
    assert len(data["files"]) == 39
    assert all(f["problems"] == [] for f in data["files"])


def test_each_sample_flaw_reported_at_its_cell(filled_flawed):
    result = run("validate", str(filled_flawed), "--json", "-", code=1)
    data = json.loads(result.stdout)
    by_cadre = {f["cadre_id"]: f for f in data["files"]}
    month_90 = by_cadre["CB105"]["problems"]
    assert [p["code"] for p in month_90] == ["weight_sum_not_100"]
    path = next(filled_flawed.glob("CB105_*.xlsx"))
    node = month_90[0]["node"]
    assert month_90[0]["cell"] == contract_cell(path, node, "w_month")
    assert month_90[0]["sheet"] == "Kế hoạch"
    assert month_90[0]["file"] == path.name
    assert "90%" in month_90[0]["message"]

    no_content = by_cadre["CB118"]["problems"]
    assert [p["code"] for p in no_content] == ["item_without_content"]
    path = next(filled_flawed.glob("CB118_*.xlsx"))
    assert no_content[0]["cell"] == contract_cell(path, no_content[0]["node"], "content")

    # Text percentages with a decimal comma are read, not rejected.
    assert by_cadre["CB112"]["problems"] == []
    assert sorted(c for c, f in by_cadre.items() if f["problems"]) == sorted(
        c for c, flaw in PLAN_FLAWS.items() if flaw != "text_percent_with_decimal_comma"
    )


def test_text_percentages_are_read_exactly(filled_flawed):
    plan = read_plan(next(filled_flawed.glob("CB112_*.xlsx")), default_settings())
    weights = plan.frame.loc[plan.frame["level"] == "item", "weight"]
    assert Fraction("33.3") in set(weights)


def test_annotated_copy_marks_the_cells_and_leaves_the_input(filled_flawed, tmp_path):
    source = next(filled_flawed.glob("CB105_*.xlsx"))
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    run("validate", str(source), "--annotate", str(tmp_path / "annotated"), code=1)
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    copy = tmp_path / "annotated" / source.name
    book = openpyxl.load_workbook(copy)
    assert book.sheetnames[0] == "Lỗi cần sửa"
    listing = book["Lỗi cần sửa"]
    rows = [r for r in listing.iter_rows(values_only=True) if r[-1] == "weight_sum_not_100"]
    assert len(rows) == 1  # one row for the one problem, its code in the last column
    number, where, message, hint, _ = rows[0]
    assert number == "1" and "90%" in message and hint
    assert where.startswith("Trang 'Kế hoạch', ô ")
    cell = where.split("\n")[0].rsplit(" ", 1)[1]
    assert "Việc A1, quý I, tháng 1" in where
    marked = book["Kế hoạch"][cell]
    assert marked.comment is not None and marked.comment.text.startswith(message)
    assert "weight_sum_not_100" in marked.comment.text.splitlines()[-1]  # the code last
    assert marked.fill.start_color.rgb.endswith("F8CBAD")
    # The copy is still a plan: it reads back with the same problem at the same cell.
    again = read_plan(copy, default_settings())
    assert [(p.code, p.cell) for p in again.problems] == [("weight_sum_not_100", cell)]


def test_annotate_into_the_input_folder_is_refused(filled_flawed):
    result = run("validate", str(filled_flawed), "--annotate", str(filled_flawed / "x"), code=2)
    assert "đầu vào" in result.output


def edit(path: Path, change) -> bytes:
    book = openpyxl.load_workbook(path)
    change(book, find_contract(form_sheet(book)))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_changed_locked_content_is_named(filled_clean):
    path = next(filled_clean.glob("CB101_*.xlsx"))

    def retitle(book, c):
        c.sheet.cell(c.rows["A1"], c.columns["content"]).value = "VIỆC ĐỘT PHÁ 1: việc khác"

    plan = read_plan(io.BytesIO(edit(path, retitle)), default_settings(), name=path.name)
    assert [(p.code, p.cell) for p in plan.problems] == [
        ("prefilled_changed", contract_cell(path, "A1", "content"))
    ]


def test_wrong_year_and_wrong_form(filled_clean):
    path = next(filled_clean.glob("CB101_*.xlsx"))
    plan = read_plan(path, default_settings(), expected={"year": "2028"})
    assert [p.code for p in plan.problems] == ["meta_mismatch"]

    def as_report(book, c):
        meta = book["_meta"]
        for row in meta.iter_rows(max_col=2):
            if row[0].value == "form":
                row[1].value = "report"

    plan = read_plan(io.BytesIO(edit(path, as_report)), default_settings(), name="x.xlsx")
    assert [p.code for p in plan.problems] == ["meta_tampered"]


def test_a_report_given_as_a_plan_is_the_wrong_form(tmp_path):
    from dotpha_xl.xlsx.contract import read_form, write_meta
    from dotpha_xl.xlsx.styles import new_workbook

    buffer = io.BytesIO()
    book = new_workbook(buffer)
    book.add_worksheet("Báo cáo")
    write_meta(book, {"form": "report", "form_version": "1"}, {"rows": {}})
    book.close()
    sheet = read_form(io.BytesIO(buffer.getvalue()), "plan", name="r.xlsx")
    assert [(p.code, p.file) for p in sheet.problems] == [("wrong_form", "r.xlsx")]
    assert "báo cáo" in sheet.problems[0].message


def test_keyless_row_under_a_month_is_a_new_item(filled_clean):
    path = next(filled_clean.glob("CB101_*.xlsx"))

    def insert_item(book, c):
        # The row after the month's last pre-built item row, emptied of its key, as a user's
        # inserted row looks once saved: content and weight, no key.
        sheet = c.sheet
        target = c.rows["A1.Q1.M1.I3"]
        sheet.cell(target, 1).value = None
        sheet.cell(target, c.columns["content"]).value = "Việc chèn thêm"
        sheet.cell(target, c.columns["w_month"]).value = 0
        for item in ("A1.Q1.M1.I1", "A1.Q1.M1.I2"):
            sheet.cell(c.rows[item], c.columns["content"]).value = "Việc"
            sheet.cell(c.rows[item], c.columns["w_month"]).value = 0.5

    plan = read_plan(io.BytesIO(edit(path, insert_item)), default_settings(), name="x.xlsx")
    assert plan.ok, [p.render() for p in plan.problems]
    month = plan.tasks["A1"].root.find("A1.Q1.M1")
    assert [c.content for c in month.children][-1] == "Việc chèn thêm"
    inserted = plan.frame[plan.frame["inserted"]]
    assert list(inserted["key"]) == ["A1.Q1.M1.I3"]


def test_unreadable_file_is_a_problem_not_a_crash(tmp_path, filled_clean):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip at all")
    good = next(filled_clean.glob("CB101_*.xlsx"))
    result = run("validate", str(broken), str(good), "--json", "-", code=1)
    data = json.loads(result.stdout)
    verdicts = {f["file"]: f for f in data["files"]}
    assert verdicts["broken.xlsx"]["problems"][0]["code"] == "file_not_workbook"
    assert verdicts[good.name]["valid"] is True


def test_generation_is_deterministic(tmp_path):
    for name in ("one", "two"):
        run(
            "template", "plan",
            "--roster", str(SAMPLE / "roster.xlsx"),
            "--assignments", str(SAMPLE / "assignments.xlsx"),
            "--year", "2027", "--out", str(tmp_path / name),
        )  # fmt: skip
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").glob("*.xlsx")}
    two = {p.name: p.read_bytes() for p in (tmp_path / "two").glob("*.xlsx")}
    assert one == two


def test_template_is_protected_tinted_and_prints_on_a4(generated):
    path = next(generated.glob("CB101_*.xlsx"))
    book = openpyxl.load_workbook(path)
    sheet = book["Kế hoạch"]
    c = find_contract(sheet)
    assert sheet.protection.sheet is True
    assert book["_meta"].sheet_state == "veryHidden"
    assert sheet.column_dimensions["A"].hidden is True
    key_row = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "key")
    assert sheet.row_dimensions[key_row].hidden is True
    item = sheet.cell(c.rows["A1.Q1.M1.I1"], c.columns["content"])
    assert item.protection.locked is False
    title = sheet.cell(c.rows["A1"], c.columns["content"])
    assert title.protection.locked is True
    assert title.font.name == "Times New Roman"
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows
    weight = sheet.cell(c.rows["A1.Q1.M1.I1"], c.columns["w_month"])
    assert any(weight.coordinate in str(dv.sqref) for dv in sheet.data_validations.dataValidation)
    assert "Hướng dẫn" in book.sheetnames


def test_formula_like_title_stays_text(generated):
    path = next(generated.glob("CB128_*.xlsx"))
    book = openpyxl.load_workbook(path)
    sheet = book["Kế hoạch"]
    c = find_contract(sheet)
    cell = sheet.cell(c.rows["A1"], c.columns["content"])
    assert cell.data_type == "s"
    assert "=Tăng thu" in cell.value


def test_filler_is_seeded(generated, tmp_path):
    source = next(generated.glob("CB101_*.xlsx"))
    fill_plan(source, tmp_path / "a.xlsx", random.Random(5))
    fill_plan(source, tmp_path / "b.xlsx", random.Random(5))
    a = read_plan(tmp_path / "a.xlsx", default_settings()).frame
    b = read_plan(tmp_path / "b.xlsx", default_settings()).frame
    assert a[["key", "content", "weight"]].equals(b[["key", "content", "weight"]])


def test_meta_chunks_keep_spaces_at_their_edges():
    from dotpha_xl.xlsx.contract import CHUNK, read_form, write_meta
    from dotpha_xl.xlsx.styles import new_workbook

    text = "a" * (CHUNK - 1) + " " + "b" * 10  # a chunk that ends with a space
    buffer = io.BytesIO()
    book = new_workbook(buffer)
    book.add_worksheet("Kế hoạch")
    write_meta(book, {"form": "plan", "form_version": "1"}, {"rows": {}, "text": text})
    book.close()
    sheet = read_form(io.BytesIO(buffer.getvalue()), "plan", name="p.xlsx")
    assert [p.code for p in sheet.problems] == ["key_row_missing"]
    assert sheet.prefilled["text"] == text


def test_annotated_copy_prints_its_problems_on_the_first_page(filled_flawed, tmp_path):
    """Printed through LibreOffice as a new user would, page 1 of the annotated copy is the
    problem sheet, A4 portrait and one page wide: the title, the cadre, and each problem's cell,
    message and hint (and its code, the last column: all columns on the one page)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed (make test installs it: scripts/system_deps.sh)"
    assert shutil.which("pdftotext") and shutil.which("pdfinfo"), "poppler-utils is needed"
    source = next(filled_flawed.glob("CB105_*.xlsx"))
    run("validate", str(source), "--annotate", str(tmp_path / "annotated"), code=1)
    copy = tmp_path / "annotated" / source.name
    problems = read_plan(source, default_settings()).problems
    assert problems
    profile = tmp_path / "profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(copy)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    pdf = tmp_path / (copy.stem + ".pdf")
    page_one = subprocess.run(
        ["pdftotext", "-raw", "-f", "1", "-l", "1", str(pdf), "-"],  # each cell in one piece
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    text = " ".join(page_one.split())
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "1", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    width, height = (float(v) for v in re.search(r"size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert 590 < width < 600 and 835 < height < 850  # A4 portrait
    assert "CÁC LỖI CẦN SỬA TRONG KẾ HOẠCH" in text
    assert "Hoàng Xuân Trường" in text and source.name in text
    for p in problems:
        assert f"ô {p.cell}" in text
        assert " ".join(p.message.split()) in text
        assert " ".join(p.hint.split()) in text
    assert "Mã lỗi" in text  # the last column printed on the same page
    assert text.index("CÁC LỖI CẦN SỬA") < text.index(problems[0].message[:20])
