"""Body and summary workbooks, end to end from the seeded sample: figures read back through the
contract, the lists checked against an independent computation, user text kept as text, byte
determinism, print setup."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from dotpha_demo.filler import fill_plans, fill_reports
from dotpha_xl.domain.decisions import GROUNDS
from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.kernel.text import round_half_up
from dotpha_xl.steps.consolidate import consolidate
from dotpha_xl.steps.generate import generate_plans, generate_reports
from dotpha_xl.steps.summary import summarize
from dotpha_xl.store import consolidation_json
from dotpha_xl.xlsx.body_workbook import FLAG_WORDS, write_body_workbook
from dotpha_xl.xlsx.summary_workbook import write_summary_workbook

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"
ROSTER = SAMPLE / "roster.xlsx"
ASSIGNMENTS = SAMPLE / "assignments.xlsx"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict:
    base = tmp_path_factory.mktemp("summary")
    settings = default_settings()
    generate_plans(ROSTER, ASSIGNMENTS, 2027, base / "gen", settings)
    fill_plans(base / "gen", base / "plans")
    out = {}
    for period in ("2027", "2027-Q2"):
        blank, filled = base / f"rep_{period}", base / f"filled_{period}"
        generate_reports(base / "plans", period, blank, settings)
        fill_reports(blank, filled)
        out[period] = consolidate(
            ROSTER, base / "plans", filled, period, settings, assignments_path=ASSIGNMENTS
        )
    return out


def contract_rows(sheet) -> tuple[dict[str, int], dict[str, tuple]]:
    """Column key -> 0-based index and row key -> values, found through the key row."""
    grid = list(sheet.iter_rows(values_only=True))
    key_row = next(i for i, r in enumerate(grid) if r and r[0] == "key")
    columns = {v: c for c, v in enumerate(grid[key_row]) if c and v}
    rows = {r[0]: r for r in grid[key_row + 1 :] if r and r[0]}
    assert sheet.row_dimensions[key_row + 1].hidden
    assert sheet.column_dimensions["A"].hidden
    return columns, rows


def meta(book) -> dict[str, str]:
    return {r[0].value: r[1].value for r in book["_meta"].iter_rows(max_col=2)}


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < 1e-9


@pytest.mark.parametrize("period", ["2027", "2027-Q2"])
@pytest.mark.parametrize("body", ["TC", "UBND"])
def test_body_summary_reads_back_as_the_json(sample, period, body):
    c = sample[period]
    data = consolidation_json.to_json(c.for_body(body))
    book = openpyxl.load_workbook(io.BytesIO(write_body_workbook(c, body, default_settings())))
    assert book["_meta"].sheet_state == "veryHidden"
    m = meta(book)
    assert (m["form"], m["form_version"], m["body"], m["period"]) == ("body", "1", body, period)
    columns, rows = contract_rows(book["Tổng hợp"])
    # the tasks in the JSON's order, each cadre's own level (``CADRE_ID:*``, Art. 7.3 c) after
    # the cadre's last task, equal to ``cadres[].level`` of the JSON
    level = {x["cadre_id"]: x["level"] for x in data["cadres"] if x["level"]}
    expected = []
    for i, t in enumerate(data["tasks"]):
        expected.append(f"{t['cadre_id']}:{t['task_key']}")
        following = data["tasks"][i + 1]["cadre_id"] if i + 1 < len(data["tasks"]) else None
        if t["cadre_id"] in level and following != t["cadre_id"]:
            expected.append(f"{t['cadre_id']}:*")
    assert list(rows) == expected
    for cadre_id, value in level.items():
        assert rows[f"{cadre_id}:*"][columns["rating"]] == value
    if period == "2027":
        assert level  # the annual report rates, and so gives levels
    words = {v: k for k, v in FLAG_WORDS.items()}
    for t in data["tasks"]:
        row = rows[f"{t['cadre_id']}:{t['task_key']}"]

        def get(key, row=row):
            return row[columns[key]]

        assert get("cadre_id") == t["cadre_id"]
        assert get("full_name") == t["full_name"]
        assert get("title") == t["title"]
        for key in (
            "expected_to_date",
            "completion_quarter",
            "completion_year",
            "completion_year_raw",
            "completion_period",
            "behind_schedule",
        ):
            value = get(key)
            assert close(None if value is None else value * 100, t[key]), key
        for key in ("rating", "rating_raw", "self_rating"):
            assert (get(key) or None) == t[key], key
        shown = get("flags")
        assert ([words[w] for w in shown.split("; ")] if shown else []) == t["flags"]
    if period == "2027-Q2":  # only tasks already completed are rated in a quarter (Art. 7.1)
        early = {
            f"{t['cadre_id']}:{t['task_key']}"
            for t in data["tasks"]
            if "completed_early" in t["flags"]
        }
        assert early  # the sample has cadres who finished everything by June
        tasks = [k for k in rows if not k.endswith(":*")]  # a cadre's own row: above
        assert all(bool(rows[k][columns["rating"]]) == (k in early) for k in tasks)


def test_body_workbook_sheets_and_other_lists(sample):
    c = sample["2027"]
    book = openpyxl.load_workbook(io.BytesIO(write_body_workbook(c, "TC", default_settings())))
    assert book.sheetnames[:9] == [
        "Tổng hợp",
        "Chi tiết",
        "Chưa nộp",
        "Nộp muộn",
        "Kế hoạch nộp muộn",
        "Khó khăn, đề xuất",
        "Tệp bị từ chối",
        "Cảnh báo",
        "Biểu đồ",
    ]
    missing = {m.cadre.cadre_id for m in c.missing if m.cadre.body == "TC"}
    _, rows = contract_rows(book["Chưa nộp"])
    assert set(rows) == missing
    _, rows = contract_rows(book["Nộp muộn"])
    assert set(rows) == {t.cadre.cadre_id for t in c.tasks if t.late and t.cadre.body == "TC"}
    assert len(book["Biểu đồ"]._charts) == 2


def test_formula_like_text_stays_text(sample):
    c = sample["2027"]
    body = c.cadres["CB113"].body
    book = openpyxl.load_workbook(io.BytesIO(write_body_workbook(c, body, default_settings())))
    columns, _ = contract_rows(book["Chi tiết"])
    sheet = book["Chi tiết"]
    found = [
        r
        for r in sheet.iter_rows()
        if r[0].value
        and str(r[0].value).startswith("CB113:")
        and str(r[columns["actual_product"]].value).startswith("=")
    ]
    assert found
    for r in found:
        cell = r[columns["actual_product"]]
        assert cell.data_type == "s"
        assert cell.value == "=1+1 (biên bản số 12)"
    # Titles typed with a leading "=", "+", "-" or "@" (and a position typed like a formula) are
    # strings in "Tổng hợp" too, exactly as typed.  The sample has none: give them to its tasks.
    typed = ["=SUM(A1:A3) việc đột phá", "+84 hồ sơ số hoá", "-Cải cách hành chính", "@Chuyển đổi"]
    position = '=HYPERLINK("http://x","Giám đốc")'
    mine = c.for_body(body)
    assert len(mine.tasks) > len(typed)
    changed = [
        dataclasses.replace(t, title=title) for t, title in zip(mine.tasks, typed, strict=False)
    ]
    changed[0] = dataclasses.replace(
        changed[0], cadre=dataclasses.replace(changed[0].cadre, position=position)
    )
    mine.tasks = changed + mine.tasks[len(typed) :]
    want = {f"{t.cadre.cadre_id}:{t.task_key}": t for t in changed}
    book = openpyxl.load_workbook(io.BytesIO(write_body_workbook(mine, body, default_settings())))
    columns, _ = contract_rows(book["Tổng hợp"])
    rows = {r[0].value: r for r in book["Tổng hợp"].iter_rows() if r[0].value in want}
    assert len(rows) == len(want) == len(typed)  # every one of them is looked at
    for key, row in rows.items():
        for column, text in (("title", want[key].title), ("position", want[key].cadre.position)):
            cell = row[columns[column]]
            assert cell.data_type == "s", (key, column, cell.value)
            assert cell.value == text, (key, column)
    assert rows[next(iter(want))][columns["position"]].value == position


def _exact(x):
    return Fraction(Decimal(repr(x)))


def expected_summary(data: dict) -> dict:
    """The summary computed here from the consolidation JSON's exact figures, independently of
    summarize() and of domain.decisions: the regulation's rules written out again."""
    body_of = {c["cadre_id"]: c["body"] for c in data["cadres"]}

    def exact(t: dict, name: str) -> Fraction | None:
        text = t[f"{name}_exact"]
        return None if text is None else Fraction(text)

    def leaver(t: dict) -> bool:
        return "handed_over" in t["flags"]

    out = {"bodies": {}}
    for code in [*data["bodies"], "TOTAL"]:
        tasks = [t for t in data["tasks"] if code in ("TOTAL", t["body"])]
        cadres = {t["cadre_id"] for t in tasks}
        late = {t["cadre_id"] for t in tasks if "late" in t["flags"]}
        years = [exact(t, "completion_year") for t in tasks if t["completion_year"] is not None]
        rated = [t for t in tasks if t["rating"] and not leaver(t)]
        out["bodies"][code] = {
            "cadres": sum(1 for c in data["cadres"] if code in ("TOTAL", c["body"])),
            "tasks": len(tasks),
            "reports": len(cadres),
            "on_time": len(cadres - late),
            "late": len(late),
            "missing": sum(1 for m in data["missing"] if code in ("TOTAL", m["body"])),
            "HTXS": sum(t["rating"] == "HTXS" for t in rated),
            "HTT": sum(t["rating"] == "HTT" for t in rated),
            "HT": sum(t["rating"] == "HT" for t in rated),
            "KHT": sum(t["rating"] == "KHT" for t in rated),
            "average": round_half_up(sum(years) / len(years), 2) if years else None,
        }
    key = "{}:{}".format
    out["commendation"] = {
        key(t["cadre_id"], t["task_key"])
        for t in data["tasks"]
        if t["rating"] == "HTXS" and not leaver(t)
    }
    discipline: dict[str, set[str]] = {}
    for m in data["missing"]:
        ground = "not_carried_out" if m["reason"] == "no_plan" else "not_reported"
        discipline.setdefault(key(m["cadre_id"], "*"), set()).add(ground)
    for t in data["tasks"]:
        if leaver(t):
            continue
        expected, done = exact(t, "expected_to_date"), exact(t, "completion_year")
        if expected is not None and expected > 0 and done == 0:
            discipline.setdefault(key(t["cadre_id"], t["task_key"]), set()).add("not_carried_out")
        if t["signals"]:
            discipline.setdefault(key(t["cadre_id"], t["task_key"]), set()).add("untruthful_report")
    out["discipline"] = discipline
    out["late"] = {key(t["cadre_id"], "*") for t in data["tasks"] if "late" in t["flags"]}
    out["carry_over"] = {
        key(t["cadre_id"], t["task_key"])
        for t in data["tasks"]
        if data["period_kind"] == "year"
        and t["task_key"].startswith("A")
        and not leaver(t)
        and exact(t, "completion_year") < 100
    }
    out["force_majeure"] = {
        key(t["cadre_id"], t["task_key"]) for t in data["tasks"] if t["force_majeure_items"]
    }
    assert all(body_of[t["cadre_id"]] == t["body"] for t in data["tasks"])
    return out


@pytest.mark.parametrize("period", ["2027", "2027-Q2"])
def test_summary_json_and_workbook_match_an_independent_count(sample, period):
    data = consolidation_json.to_json(sample[period])
    want = expected_summary(data)
    summary = summarize(sample[period], default_settings())
    js = summary.to_json()
    for b in [*js["bodies"], js["total"]]:
        w = want["bodies"][b["code"]]
        got = {k: b[k] for k in ("cadres", "tasks", "reports", "on_time", "late", "missing")}
        got |= b["ratings"]
        got["average"] = b["average_completion_year"]
        assert got == w, b["code"]
    assert {c["key"] for c in js["commendation"]} == want["commendation"]
    assert {c["key"]: set(c["grounds"]) for c in js["discipline"]} == want["discipline"]
    assert {c["key"] for c in js["late"]} == want["late"]
    assert {c["key"] for c in js["carry_over"]} == want["carry_over"]
    assert {c["key"] for c in js["force_majeure"]} == want["force_majeure"]
    assert js["registrations_judged"] is False

    raw = write_summary_workbook(summary, default_settings(), on=date(2027, 12, 28))
    book = openpyxl.load_workbook(io.BytesIO(raw))
    m = meta(book)
    assert (m["form"], m["form_version"], m["period"]) == ("summary", "1", period)
    columns, rows = contract_rows(book["Tổng hợp chung"])
    assert list(rows) == [*data["bodies"], "TOTAL"]
    for code, w in want["bodies"].items():
        row = rows[code]
        for k in (
            "cadres",
            "tasks",
            "reports",
            "on_time",
            "late",
            "missing",
            "HTXS",
            "HTT",
            "HT",
            "KHT",
        ):
            assert row[columns[k]] == w[k], (code, k)
        avg = row[columns["average_completion_year"]]
        assert close(None if avg is None else avg * 100, w["average"])
    sheets = {
        "I. Khen thưởng": "commendation",
        "III. Nộp muộn": "late",
        "IV. Chuyển năm sau": "carry_over",
        "V. Bất khả kháng": "force_majeure",
    }
    for name, part in sheets.items():
        _, rows = contract_rows(book[name])
        assert set(rows) == want[part], name
    columns, rows = contract_rows(book["II. Xem xét xử lý"])
    grounds = {code: text for code, text in GROUNDS.items()}
    assert {k: set(v[columns["grounds"]].split("; ")) for k, v in rows.items()} == {
        k: {grounds[g] for g in v} for k, v in want["discipline"].items()
    }
    if period == "2027":
        assert want["commendation"] and want["carry_over"] and want["force_majeure"]
        assert want["late"] and want["discipline"]


def test_summary_heading_and_signature(sample):
    summary = summarize(sample["2027"], default_settings())
    raw = write_summary_workbook(summary, default_settings(), on=date(2027, 12, 28))
    book = openpyxl.load_workbook(io.BytesIO(raw))
    texts = [c.value for row in book["Tổng hợp chung"].iter_rows(max_row=8) for c in row if c.value]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in texts
    assert "BAN TỔ CHỨC" in texts
    assert "Tuyên Quang, ngày 28 tháng 12 năm 2027" in texts
    assert "BÁO CÁO" in texts
    assert "Tổng hợp kết quả thực hiện việc đột phá, đổi mới năm 2027" in texts
    last = book[book.sheetnames[-2]]  # the last list, before _meta
    words = [c.value for row in last.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Nơi nhận:" in words and "T/M BAN THƯỜNG VỤ" in words


def test_same_inputs_same_bytes(sample):
    c = sample["2027"]
    settings = default_settings()
    assert write_body_workbook(c, "TC", settings) == write_body_workbook(c, "TC", settings)
    s1 = summarize(c, settings)
    s2 = summarize(c, settings)
    on = date(2027, 12, 28)
    assert write_summary_workbook(s1, settings, on=on) == write_summary_workbook(
        s2, settings, on=on
    )


def test_print_a4_landscape_with_repeated_rows(sample):
    c = sample["2027"]
    settings = default_settings()
    books = {
        "body": write_body_workbook(c, "TC", settings),
        "summary": write_summary_workbook(summarize(c, settings), settings),
    }
    for name, raw in books.items():
        book = openpyxl.load_workbook(io.BytesIO(raw))
        for sheet in book.worksheets:
            if sheet.title == "_meta":
                continue
            assert sheet.page_setup.paperSize == 9, (name, sheet.title)
            assert sheet.page_setup.orientation == "landscape", (name, sheet.title)
            if name == "body" and sheet.title == "Tổng hợp":
                # too wide for A4 at a readable size (issue 15): printed at a fixed scale, its
                # 12 pt text at 9 pt or more, over pages across that repeat STT, id and name
                assert int(sheet.page_setup.scale) * 12 / 100 >= 9
                assert sheet.col_breaks.brk and sheet.print_title_cols
            else:
                assert sheet.sheet_properties.pageSetUpPr.fitToPage
            if sheet.title != "Biểu đồ":
                assert sheet.print_title_rows, (name, sheet.title)
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            assert any(
                "Trang &amp;P/&amp;N" in z.read(n).decode() or "Trang &P/&N" in z.read(n).decode()
                for n in z.namelist()
                if n.startswith("xl/worksheets/")
            )


def test_body_without_any_report(sample):
    c = dataclasses.replace(sample["2027"], tasks=[], rejected=[])
    raw = write_body_workbook(c, "DV", default_settings())
    book = openpyxl.load_workbook(io.BytesIO(raw))
    _, rows = contract_rows(book["Tổng hợp"])
    assert rows == {}
    assert len(book["Biểu đồ"]._charts) == 2


def test_item_details_stream_every_item_once_and_go_on_in_a_new_sheet(sample, monkeypatch):
    # "Chi tiết" is written row by row in constant-memory mode from the item store; past the
    # row limit (made small here) the items go on in "Chi tiết (2)", "Chi tiết (3)", ...
    from dotpha_xl.xlsx import body_workbook

    c = sample["2027"]
    body = c.cadres["CB113"].body
    expected = [
        (f"{t.cadre.cadre_id}:{i.key}", i.content, i.completion)
        for t in c.tasks
        if t.cadre.body == body
        for i in t.items
    ]
    limit = body_workbook.DETAIL_FIRST_ROW + 40
    monkeypatch.setattr(body_workbook, "DETAIL_MAX_ROWS", limit)
    book = openpyxl.load_workbook(io.BytesIO(write_body_workbook(c, body, default_settings())))
    parts = [n for n in book.sheetnames if n.startswith("Chi tiết")]
    assert len(parts) == -(-len(expected) // 40) > 1
    assert parts[1:] == [f"Chi tiết ({k})" for k in range(2, len(parts) + 1)]
    found = []
    for name in parts:
        columns, _ = contract_rows(book[name])
        grid = list(book[name].iter_rows(values_only=True))[body_workbook.DETAIL_FIRST_ROW :]
        assert len(grid) <= 40
        found += [(r[0], r[columns["content"]], r[columns["completion"]]) for r in grid]
    assert [f[0] for f in found] == [e[0] for e in expected]
    assert [f[1] for f in found] == [e[1] for e in expected]
    assert [f[2] for f in found] == [
        None if e[2] is None else pytest.approx(float(e[2]) / 100, abs=5e-5) for e in expected
    ]


@pytest.mark.parametrize("period", ["2027", "2027-Q2"])
def test_streamed_json_is_the_json_of_the_consolidation(sample, period):
    import json

    c = sample[period]
    text = b"".join(consolidation_json.json_chunks(c)).decode("utf-8")
    assert json.loads(text) == json.loads(json.dumps(consolidation_json.to_json(c)))
    lines = text.splitlines()
    start = lines.index('  "tasks": [')
    assert [
        json.loads(line.strip().rstrip(",")) for line in lines[start + 1 : start + 1 + len(c.tasks)]
    ] == json.loads(json.dumps([consolidation_json.task_json(t) for t in c.tasks]))
    assert lines[start + 1 + len(c.tasks)] == "  ],"
    empty = c.for_body("TC")
    empty.tasks = []
    assert json.loads(b"".join(consolidation_json.json_chunks(empty)))["tasks"] == []


def test_streamed_item_details_keep_every_typed_text_as_it_was_typed(sample):
    from dotpha_xl.records.items import ItemRow

    c = sample["2027"]
    body = c.cadres["CB113"].body
    mine = c.for_body(body)
    typed = [
        "<r><t>chữ đậm</t></r>",  # xlsxwriter's own inline path would pass this through as XML
        '=HYPERLINK("http://x")',
        "  khoảng trắng ở hai đầu  ",
        "mã _x0041_ giữ nguyên",
        'ký tự điều khiển \x07 và & < > "',
    ]
    items = [
        ItemRow(f"A1.Q1.M1.I{i}", text, text, None, text, None, False, text)
        for i, text in enumerate(typed, start=1)
    ]
    mine.tasks = [dataclasses.replace(mine.tasks[0], items=items)]
    data = write_body_workbook(mine, body, default_settings())
    # read as the contract reads (python-calamine, which undoes Excel's _xHHHH_ escapes)
    grid = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("Chi tiết")
    grid = grid.to_python(skip_empty_area=False)
    key_row = next(i for i, r in enumerate(grid) if r and r[0] == "key")
    columns = {v: c for c, v in enumerate(grid[key_row]) if c and v}
    rows = {r[0]: r for r in grid[key_row + 1 :] if r and r[0]}
    for item, text in zip(items, typed, strict=True):
        row = rows[f"{mine.tasks[0].cadre.cadre_id}:{item.key}"]
        for column in ("content", "product", "actual_product", "fm_reason"):
            assert row[columns[column]] == text, column
    openpyxl.load_workbook(io.BytesIO(data))  # and the file opens cleanly elsewhere


@pytest.mark.parametrize("period", ["2027", "2027-Q2"])
def test_the_json_carries_every_figure_exactly_and_loads_back_as_records(sample, period, tmp_path):
    """Each figure is given rounded and exact; the one loader gives back the same records (the
    JSON made again from them is the same), with exact Fractions for the later steps."""
    import json

    from dotpha_xl.kernel.text import json_percent

    c = sample[period]
    data = json.loads(json.dumps(consolidation_json.to_json(c)))
    checked = 0
    for task, row in zip(data["tasks"], c.tasks, strict=True):
        for name in consolidation_json.FIGURES:
            exact = getattr(row.result, name)
            assert task[f"{name}_exact"] == (None if exact is None else str(exact))
            assert task[name] == json_percent(exact)
            checked += exact is not None
    assert checked > 0
    (tmp_path / "consolidation_x.json").write_text(json.dumps(data), encoding="utf-8")
    loaded = consolidation_json.load_consolidation(tmp_path, c.period.code)
    assert json.loads(json.dumps(consolidation_json.to_json(loaded))) == data
    assert [t.result.completion_year for t in loaded.tasks] == [
        t.result.completion_year for t in c.tasks
    ]
    assert all(
        isinstance(t.result.completion_year, Fraction)
        for t in loaded.tasks
        if t.result.completion_year is not None
    )


def test_a_json_without_exact_figures_is_refused(sample, tmp_path):
    import json

    data = consolidation_json.to_json(sample["2027"])
    for task in data["tasks"]:
        for key in [k for k in task if k.endswith("_exact")]:
            del task[key]
    (tmp_path / "consolidation_2027.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(consolidation_json.ConsolidationMissing, match="chạy lại"):
        consolidation_json.load_consolidation(tmp_path, "2027")
