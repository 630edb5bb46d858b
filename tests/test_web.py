"""The web desk through its test client: every page, every access rule, each hostile upload, the
JSON API, and the incremental state (one new file is read once, the others never again)."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import warnings
from pathlib import Path

import openpyxl
import pytest

from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.web.access import AccessFile
from dotpha_xl.web.app import create_app
from dotpha_xl.web.security import shown_name
from tests.helpers import run, write_table
from tests.webdata import BAD_KEY, CADRES, DeskData, make_desk_data, old_xls, zip_bomb

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

CAP = 1_048_576  # the test desk's upload cap


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> DeskData:
    return make_desk_data(tmp_path_factory.mktemp("desk") / "d")


@pytest.fixture()
def data(base, tmp_path) -> DeskData:
    return base.clone(tmp_path / "d")


@pytest.fixture()
def client(data):
    app = create_app(data.config(), default_settings(), upload_cap=CAP)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


def csrf(client, path: str = "/kiem-tra") -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]+)"', client.get(path).text)
    assert found, "every form carries a CSRF token"
    return found.group(1)


def login(client, token: str) -> None:
    r = client.post("/dang-nhap", data={"csrf_token": csrf(client, "/dang-nhap"),
                                        "token": token}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303


def upload(client, path: str, content: bytes, name: str = "bao_cao.xlsx", **extra):
    return client.post(path, data={"csrf_token": csrf(client), **extra},
                       files={"file": (name, content)}, follow_redirects=False)  # fmt: skip


def inbox(data: DeskData) -> list[str]:
    return sorted(p.name for p in data.inbox.iterdir())


def ledger_rows(data: DeskData) -> int:
    with sqlite3.connect(data.ledger) as db:
        return db.execute("SELECT count(*) FROM intake").fetchone()[0]


# -- Kiểm tra tệp: anyone, nothing stored ------------------------------------------------------


def test_pages_render_in_vietnamese_with_the_party_look(client):
    for path in ("/", "/kiem-tra", "/dang-nhap"):
        r = client.get(path)
        assert r.status_code == 200
        assert '<html lang="vi">' in r.text and "Đảng Cộng sản Việt Nam" in r.text
    css = client.get("/static/desk.css").text
    assert "Times New Roman" in css and "@media print" in css


def test_check_a_good_file_stores_nothing(client, data):
    before, rows = inbox(data), ledger_rows(data)
    r = upload(client, "/kiem-tra", data.held.read_bytes())
    assert r.status_code == 200
    assert "Tệp hợp lệ" in r.text and "CB902" in r.text
    assert inbox(data) == before and ledger_rows(data) == rows


def test_check_a_bad_cell_names_it_and_gives_the_annotated_copy(client, data):
    r = upload(client, "/kiem-tra", data.bad.read_bytes(), name="CB902 sai.xlsx")
    assert r.status_code == 200
    book = openpyxl.load_workbook(data.bad)
    sheet = book[book.sheetnames[0]]
    assert "Tệp có 1 lỗi cần sửa" in r.text
    cell = re.search(r'<td class="cell">([A-Z]+\d+)</td>', r.text).group(1)
    assert sheet[cell].value == "một trăm"  # the very cell that was spoiled
    link = re.search(r'href="(/kiem-tra/ban-chu-thich/[^"]+)"', r.text).group(1)
    copy = client.get(link)
    assert copy.status_code == 200 and "attachment" in copy.headers["content-disposition"]
    annotated = openpyxl.load_workbook(io.BytesIO(copy.content))
    assert annotated.sheetnames[0] == "Lỗi cần sửa"
    assert annotated[sheet.title][cell].comment is not None
    # another browser (another CSRF cookie) cannot fetch it
    with TestClient(client.app, base_url="http://127.0.0.1") as other:
        assert other.get(link).status_code == 404


def test_api_check_gives_the_problems_by_sheet_and_cell(client, data):
    r = client.post("/api/check", files={"file": ("x.xlsx", data.bad.read_bytes())})
    body = r.json()
    assert r.status_code == 200
    assert body["ok"] is False and body["cadre_id"] == "CB902" and body["form"] == "report"
    (p,) = [p for p in body["problems"] if p["severity"] == "error"]
    assert set(p) >= {"sheet", "cell", "code", "severity", "message"} and p["cell"]
    good = client.post("/api/check", files={"file": ("x.xlsx", data.held.read_bytes())}).json()
    assert good["ok"] is True and good["problems"] == []


# -- hostile uploads ---------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_unopened(client):
    r = upload(client, "/kiem-tra", zip_bomb(), name="bomb.xlsx")
    assert r.status_code == 200 and "zip_bomb" in r.text
    assert "ban-chu-thich" not in r.text  # never handed to openpyxl
    api = client.post("/api/check", files={"file": ("bomb.xlsx", zip_bomb())}).json()
    assert api["ok"] is False and [p["code"] for p in api["problems"]] == ["zip_bomb"]


def test_an_old_xls_is_refused_with_how_to_save_it(client):
    r = upload(client, "/kiem-tra", old_xls(), name="bao_cao.xls")
    assert "file_old_xls" in r.text and "Lưu thành" in r.text


def test_a_path_in_the_file_name_never_reaches_the_file_system(client, data):
    login(client, data.tokens["UBND"])
    evil = "../../../tmp/x/..\\..\\evil.xlsx"
    r = upload(client, "/nop-tep", data.held.read_bytes(), name=evil)
    assert r.status_code == 200
    new = sorted(set(inbox(data)) - {p.name for p in data.inbox.iterdir() if "web" not in p.name})
    assert len(new) == 1 and new[0].startswith("CB902_bao_cao_2027_Q2_web_")
    assert "evil" not in new[0] and not (data.root / "evil.xlsx").exists()
    assert "evil.xlsx" in r.text and "../" not in r.text  # shown by its last part only
    assert shown_name(evil) == "evil.xlsx"
    assert shown_name("a\x00b<script>.xlsx") == "a_b_script_.xlsx"


def test_markup_in_a_cell_is_shown_as_text(client, data, tmp_path):
    from tests.helpers import fill

    evil = tmp_path / "evil.xlsx"
    evil.write_bytes(data.held.read_bytes())
    fill(evil, {BAD_KEY: {"completion": "<script>alert(1)</script>"}})
    r = upload(client, "/kiem-tra", evil.read_bytes(), name="<img src=x onerror=alert(1)>.xlsx")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "<script>" not in r.text and "<img" not in r.text


@pytest.mark.parametrize("after", ["//evil.example/", "/\\evil.example", "https://evil.example",
                                   "/tinh-hinh/../../x", "/kiem-tra"])  # fmt: skip
def test_a_login_leads_back_only_to_a_page_of_the_desk(client, data, after):
    form = {"csrf_token": csrf(client, "/dang-nhap"), "token": data.tokens["UBND"]}
    r = client.post("/dang-nhap", params={"tiep": after}, data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/tinh-hinh"
    r = client.post("/dang-nhap", params={"tiep": "/nop-tep"}, data=form, follow_redirects=False)
    assert r.headers["location"] == "/nop-tep"


def test_a_file_over_the_cap_gets_413(client, data):
    big = b"PK\x03\x04" + b"\0" * (CAP + 300 * 1024)
    r = upload(client, "/kiem-tra", big)
    assert r.status_code == 413 and "Tệp quá lớn" in r.text
    api = client.post("/api/check", files={"file": ("x.xlsx", big)})
    assert api.status_code == 413 and api.json()["error"] == "too_large"


def test_a_post_without_csrf_token_is_refused(client, data):
    r = client.post("/kiem-tra", files={"file": ("x.xlsx", data.held.read_bytes())})
    assert r.status_code == 403
    r = client.post("/dang-nhap", data={"token": data.tokens["UBND"]}, follow_redirects=False)
    assert r.status_code == 403 and "dotpha_session" not in r.headers.get("set-cookie", "")
    login(client, data.tokens["UBND"])
    before = inbox(data)
    r = client.post("/nop-tep", data={"csrf_token": "0" * 64},
                    files={"file": ("x.xlsx", data.held.read_bytes())})  # fmt: skip
    assert r.status_code == 403 and inbox(data) == before
    assert client.post("/dang-xuat", data={}).status_code == 403


# -- logins and sessions -----------------------------------------------------------------------


def test_a_wrong_token_does_not_log_in(client, data):
    r = client.post("/dang-nhap", data={"csrf_token": csrf(client, "/dang-nhap"),
                                        "token": data.tokens["UBND"] + "x"})  # fmt: skip
    assert r.status_code == 401 and "không đúng" in r.text


def test_session_cookie_is_httponly_and_samesite(client, data):
    form = {"csrf_token": csrf(client, "/dang-nhap"), "token": data.tokens["UBND"]}
    r = client.post("/dang-nhap", data=form, follow_redirects=False)
    cookie = r.headers["set-cookie"]
    assert "dotpha_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    csrf_cookie = client.get("/").headers.get("set-cookie") or ""
    assert csrf_cookie == "" or "HttpOnly" in csrf_cookie


@pytest.mark.parametrize("path", ["/nop-tep", "/tinh-hinh", "/tai-ve", "/tai-ve/tong-hop.xlsx",
                                  "/tinh-hinh/can-bo/CB901"])  # fmt: skip
def test_pages_of_a_body_need_a_login(client, path):
    r = client.get(path, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap")


def test_logout_ends_the_session(client, data):
    login(client, data.tokens["UBND"])
    assert client.get("/tinh-hinh").status_code == 200
    client.post("/dang-xuat", data={"csrf_token": csrf(client, "/tinh-hinh")})
    assert client.get("/tinh-hinh", follow_redirects=False).status_code == 303


def test_a_removed_token_ends_its_sessions_and_api_use(client, data):
    login(client, data.tokens["UBND"])
    assert client.get("/tinh-hinh").status_code == 200
    AccessFile(data.access).remove("UBND")
    assert client.get("/tinh-hinh", follow_redirects=False).status_code == 303
    auth = {"Authorization": f"Bearer {data.tokens['UBND']}"}
    assert client.get("/api/status", headers=auth).status_code == 401


# -- a body sees only its own cadres -----------------------------------------------------------


def test_a_body_sees_only_its_cadres(client, data):
    login(client, data.tokens["UBND"])
    page = client.get("/tinh-hinh").text
    assert "CB901" in page and "CB902" in page
    assert "CB903" not in page and "CB904" not in page


@pytest.mark.parametrize(
    "path",
    ["/tinh-hinh?co-quan=NC", "/tinh-hinh?co-quan=XX", "/tinh-hinh/can-bo/CB904",
     "/tinh-hinh/can-bo/CB999", "/tai-ve/bao-cao/CB904", "/tai-ve/tong-hop.xlsx?co-quan=NC",
     "/tai-ve/bao-cao-ban-thuong-vu.xlsx", "/tai-ve/thong-bao.zip"],
)  # fmt: skip
def test_another_bodys_things_are_a_plain_404(client, data, path):
    login(client, data.tokens["UBND"])
    r = client.get(path)
    assert r.status_code == 404
    assert "CB904" not in r.text and "Ban Nội chính" not in r.text.split("<main>")[1]


def test_a_body_cannot_submit_another_bodys_file(client, data):
    login(client, data.tokens["UBND"])
    before, rows = inbox(data), ledger_rows(data)
    r = upload(client, "/nop-tep", data.other_body.read_bytes())
    assert r.status_code == 404 and "CB904" not in r.text
    assert inbox(data) == before and ledger_rows(data) == rows
    auth = {"Authorization": f"Bearer {data.tokens['UBND']}"}
    api = client.post("/api/submit", headers=auth,
                      files={"file": ("x.xlsx", data.other_body.read_bytes())})  # fmt: skip
    assert api.status_code == 404 and "CB904" not in api.text


def test_a_body_downloads_its_own_workbook_and_cadre_files(client, data):
    login(client, data.tokens["UBND"])
    r = client.get("/tai-ve/tong-hop.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "UBND_tong_hop_2027_Q2.xlsx" in r.headers["content-disposition"]
    mine = client.get("/tai-ve/bao-cao/CB901")
    assert mine.status_code == 200 and mine.content[:2] == b"PK"
    page = client.get("/tai-ve").text
    assert "tong-hop.xlsx?co-quan=UBND" in page and "co-quan=NC" not in page
    assert "bao-cao-ban-thuong-vu" not in page


def test_the_organisation_board_sees_every_body(client, data):
    login(client, data.tokens["TC"])
    page = client.get("/tinh-hinh").text
    for cadre in ("CB901", "CB902", "CB903", "CB904"):
        assert cadre in page
    assert client.get("/tinh-hinh?co-quan=NC").status_code == 200
    assert client.get("/tinh-hinh/can-bo/CB904").status_code == 200
    nc = client.get("/tai-ve/tong-hop.xlsx?co-quan=NC")
    assert nc.status_code == 200 and nc.content[:2] == b"PK"
    summary = client.get("/tai-ve/bao-cao-ban-thuong-vu.xlsx")
    assert summary.status_code == 200 and summary.content[:2] == b"PK"
    notices = client.get("/tai-ve/thong-bao.zip")
    assert notices.status_code == 200 and notices.content[:2] == b"PK"


def test_status_is_sortable_and_has_the_bodys_totals(client, data):
    login(client, data.tokens["TC"])
    down = client.get("/tinh-hinh?xep=ma&chieu=giam").text
    ids = re.findall(r'<tr id="cb-(CB\d+)">', down)
    assert ids == sorted(ids, reverse=True) and len(ids) == 4
    by_name = re.findall(r'<tr id="cb-(CB\d+)">', client.get("/tinh-hinh?xep=ten").text)
    assert by_name[0] == "CB902"  # Bình, before Hà, Mai, Nam
    page = client.get("/tinh-hinh?co-quan=UBND").text
    totals = page.split('id="totals"')[1].split("</table>")[0]
    assert "<td>2</td>" in totals  # two UBND cadres


# -- Nộp tệp -----------------------------------------------------------------------------------


def test_submit_puts_the_file_in_the_inbox_and_ledger_and_status_changes(client, data):
    login(client, data.tokens["UBND"])
    assert "Chưa nộp" in client.get("/tinh-hinh").text.split('id="cb-CB902"')[1].split("</tr>")[0]
    rows = ledger_rows(data)
    r = upload(client, "/nop-tep", data.held.read_bytes())
    assert r.status_code == 200 and 'id="stored"' in r.text
    assert ledger_rows(data) == rows + 1
    with sqlite3.connect(data.ledger) as db:
        last = db.execute("SELECT cadre_id, form, status, command FROM intake "
                          "ORDER BY id DESC LIMIT 1").fetchone()  # fmt: skip
    assert last == ("CB902", "report", "new", "serve")
    line = client.get("/tinh-hinh").text.split('id="cb-CB902"')[1].split("</tr>")[0]
    assert "Đã nhận" in line


def test_a_resent_file_supersedes_the_older_one(client, data):
    login(client, data.tokens["UBND"])
    upload(client, "/nop-tep", data.held.read_bytes())
    # the same report, completed further, sent again
    from tests.helpers import fill

    fill(data.held, {"A1.Q2.M3.I1": {"completion": 0.5}})
    r = upload(client, "/nop-tep", data.held.read_bytes())
    assert r.status_code == 200
    status = client.get("/api/status", headers={"Authorization": f"Bearer {data.tokens['UBND']}"})
    body = status.json()
    (old,) = [s for s in body["superseded"] if s["cadre_id"] == "CB902"]
    (task,) = [t for t in body["tasks"] if t["cadre_id"] == "CB902"]
    assert task["report_file"] == old["superseded_by"] != old["file"]


def test_a_file_with_errors_is_not_submitted(client, data):
    login(client, data.tokens["UBND"])
    before = inbox(data)
    r = upload(client, "/nop-tep", data.bad.read_bytes())
    assert r.status_code == 422 and "Chưa nhận tệp này" in r.text
    assert inbox(data) == before


def test_one_new_file_is_read_once_and_the_others_not_again(client, data):
    login(client, data.tokens["UBND"])
    desk = client.app.state.desk.desk
    client.get("/tinh-hinh")
    reads = desk.cache.reads
    upload(client, "/nop-tep", data.held.read_bytes())
    client.get("/tinh-hinh")
    client.get("/api/status", headers={"Authorization": f"Bearer {data.tokens['UBND']}"})
    assert desk.cache.reads == reads + 1
    # a file copied into the inbox by hand is seen as well, at the next page
    copy = data.inbox / "copied_by_hand.xlsx"
    copy.write_bytes(data.other_body.read_bytes())
    client.get("/tinh-hinh")
    assert desk.cache.reads == reads + 2


# -- the JSON API ------------------------------------------------------------------------------


def test_api_needs_a_token(client, data):
    assert client.get("/api/status").status_code == 401
    assert client.get("/api/status", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert client.get("/api/workbook").status_code == 401
    r = client.post("/api/submit", files={"file": ("x.xlsx", data.held.read_bytes())})
    assert r.status_code == 401


def test_api_status_is_the_consolidation_json_of_the_callers_bodies(client, data):
    ubnd = client.get("/api/status", headers={"Authorization": f"Bearer {data.tokens['UBND']}"})
    body = ubnd.json()
    assert body["period"] == "2027-Q2" and list(body["bodies"]) == ["UBND"]
    assert {c["cadre_id"] for c in body["cadres"]} == {"CB901", "CB902"}
    assert {t["cadre_id"] for t in body["tasks"]} == {"CB901"}
    assert [m["cadre_id"] for m in body["missing"]] == ["CB902"]
    tc = client.get("/api/status", headers={"Authorization": f"Bearer {data.tokens['TC']}"})
    assert {t["cadre_id"] for t in tc.json()["tasks"]} == {"CB901", "CB903", "CB904"}


def test_api_submit_and_workbook(client, data):
    auth = {"Authorization": f"Bearer {data.tokens['UBND']}"}
    bad = client.post("/api/submit", headers=auth, files={"file": ("x", data.bad.read_bytes())})
    assert bad.status_code == 422 and bad.json()["stored"] is False
    good = client.post("/api/submit", headers=auth, files={"file": ("x", data.held.read_bytes())})
    assert good.status_code == 200 and good.json()["stored"] is True
    assert good.json()["cadre_id"] == "CB902"
    status = client.get("/api/status", headers=auth).json()
    assert {t["cadre_id"] for t in status["tasks"]} == {"CB901", "CB902"}
    wb = client.get("/api/workbook", headers=auth)
    assert wb.status_code == 200 and wb.content[:2] == b"PK"
    assert client.get("/api/workbook?body=NC", headers=auth).status_code == 404
    tc = {"Authorization": f"Bearer {data.tokens['TC']}"}
    assert client.get("/api/workbook?body=NC", headers=tc).status_code == 200


def test_api_status_gives_no_other_bodys_rejected_files(client, data):
    (data.inbox / "CB904_hong.xlsx").write_bytes(b"not a workbook at all")
    bad = data.inbox / "CB904_sai.xlsx"
    bad.write_bytes(data.other_body.read_bytes())
    from tests.helpers import fill

    fill(bad, {BAD_KEY: {"completion": "x"}})
    ubnd = client.get("/api/status", headers={"Authorization": f"Bearer {data.tokens['UBND']}"})
    assert "CB904" not in ubnd.text
    tc = client.get("/api/status", headers={"Authorization": f"Bearer {data.tokens['TC']}"})
    assert any(r["cadre_id"] == "CB904" for r in tc.json()["rejected"])


# -- the command line --------------------------------------------------------------------------


def test_access_add_list_remove(tmp_path):
    access = tmp_path / "ma.json"
    added = run("access", "add", "UBND", "--access", access, "--note", "Văn phòng")
    token = added.stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{8}\.[A-Za-z0-9_-]{43}", token)
    stored = access.read_text(encoding="utf-8")
    assert token not in stored and token.split(".")[1] not in stored
    assert AccessFile(access).body_of(token) == "UBND"
    listed = run("access", "list", "--access", access).stdout
    assert token.split(".")[0] in listed and "UBND" in listed and token not in listed
    run("access", "add", "XX", "--access", access, code=2)
    run("access", "remove", "UBND", "--access", access)
    assert AccessFile(access).body_of(token) is None
    run("access", "remove", "UBND", "--access", access, code=2)


def test_serve_listens_on_localhost_unless_told():
    from dotpha_xl.cli.web import serve

    (host,) = [p for p in serve.params if p.name == "host"]
    assert host.default == "127.0.0.1"


def test_consolidate_with_a_cache_gives_identical_results(data, tmp_path):
    args = ["--roster", data.roster, "--assignments", data.assignments, "--plans", data.plans,
            "--reports", data.inbox, "--period", "2027-Q2", "--jobs", "1"]  # fmt: skip
    run("--ledger", tmp_path / "l1", "consolidate", *args, "--out", tmp_path / "o0",
        "--json", tmp_path / "plain.json")  # fmt: skip
    cache = tmp_path / "cache"
    for n in (1, 2):  # cold cache, then warm
        run("--ledger", tmp_path / "l2", "consolidate", *args, "--cache", cache,
            "--out", tmp_path / f"o{n}", "--json", tmp_path / f"cached{n}.json")  # fmt: skip
    plain = json.loads((tmp_path / "plain.json").read_text(encoding="utf-8"))
    for n in (1, 2):
        assert json.loads((tmp_path / f"cached{n}.json").read_text(encoding="utf-8")) == plain
    assert (cache / "verdicts.pickle").is_file()
    for body in ("UBND", "NC"):  # the body workbooks too, to the byte
        made = [
            (tmp_path / f"o{n}" / f"{body}_tong_hop_2027_Q2.xlsx").read_bytes() for n in (0, 1, 2)
        ]
        assert made[0] == made[1] == made[2]


def test_the_cache_reads_nothing_again_after_a_restart(data, tmp_path):
    from dotpha_xl.steps.consolidate import consolidate
    from dotpha_xl.steps.verdict_cache import load_cache

    settings = default_settings()
    first = load_cache(tmp_path, settings)
    args = (data.roster, data.plans, data.inbox, "2027-Q2", settings)
    consolidate(*args, assignments_path=data.assignments, reader=first)
    assert first.reads > 0
    first.save(tmp_path)
    again = load_cache(tmp_path, settings)
    consolidate(*args, assignments_path=data.assignments, reader=again)
    assert again.reads == 0


def test_web_docs_describe_the_api():
    text = (Path(__file__).resolve().parents[1] / "docs" / "web.md").read_text(encoding="utf-8")
    for route in ("POST /api/check", "POST /api/submit", "GET /api/status", "GET /api/workbook"):
        assert route in text


def test_sorting_by_rating_goes_by_level_not_by_letters():
    from types import SimpleNamespace

    from dotpha_xl.web.app import SORTS

    def line(*ratings):
        tasks = [SimpleNamespace(result=SimpleNamespace(rating=r)) for r in ratings]
        return SimpleNamespace(tasks=tasks, name=",".join(map(str, ratings)))

    lines = [line("HTXS"), line(), line("HTT", "KHT"), line("HT"), line("HTT")]
    ordered = [x.name for x in sorted(lines, key=SORTS["xep-loai"])]
    assert ordered == ["HTT,KHT", "HT", "HTT", "HTXS", ""]


def test_a_plan_received_after_25_01_is_late_on_the_status_page(data):
    # the desk shows the consolidation's late plans (R33: 25/01, or a month after a task
    # assigned later), not a rule of its own: CB901's plan of 10/02 is late; CB902's of 01/04,
    # for a task assigned on 15/03, is on time
    import os
    from datetime import datetime

    from dotpha_xl.web.desk import Desk

    write_table(
        data.assignments,
        ["cadre_id", "section", "task_no", "title", "start_year", "end_year", "assigned_on"],
        [(cid, "A", 1, f"Việc của {cid}", 2027, 2027, "15/03/2027" if cid == "CB902" else "")
         for cid, *_ in CADRES],
    )  # fmt: skip
    for cadre_id, day in (("CB901", datetime(2027, 2, 10, 9)), ("CB902", datetime(2027, 4, 1, 9))):
        when = day.timestamp()
        os.utime(next(data.plans.glob(f"{cadre_id}_*.xlsx")), (when, when))
    lines = {
        s.cadre.cadre_id: s.plan for s in Desk(data.config(), default_settings()).state().cadres
    }
    assert lines["CB901"] == "late", lines
    assert {lines[c] for c in ("CB902", "CB903", "CB904")} == {"valid"}, lines
