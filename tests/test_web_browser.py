"""The web desk in a real browser: Playwright drives Debian's Chromium (headless) against the
desk served by uvicorn on a free localhost port.

It uploads a filled report with one bad cell and sees the cell named, downloads the annotated
copy, logs in as a body, submits the corrected report, and sees the cadre's status change.  A
screenshot of each page goes to ``DOTPHA_SCREENSHOTS`` when set (else to the test's folder).

Without Chromium the test is skipped on a developer's machine; in CI (``CI`` set) it fails, as
``.ci/run`` installs Chromium with apt."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import openpyxl
import pytest

from dotpha_xl.kernel.settings import default_settings
from dotpha_xl.web.app import create_app
from tests.webdata import make_desk_data

CHROMIUM = Path(os.environ.get("DOTPHA_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip


def _need_browser() -> None:
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright")
    if not CHROMIUM.exists():
        missing.append(str(CHROMIUM))
    if missing:
        pytest.fail(
            f"the browser test needs {', '.join(missing)} "
            "(make test installs them: scripts/system_deps.sh)"
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def served(tmp_path):
    """The desk of tests/webdata.py served by uvicorn in a thread; yields (url, data)."""
    _need_browser()
    import uvicorn

    data = make_desk_data(tmp_path / "d")
    app = create_app(data.config(), default_settings())
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the desk did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", data
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def test_check_annotate_login_submit_in_chromium(served, tmp_path):
    from playwright.sync_api import sync_playwright

    url, data = served
    shots = Path(os.environ.get("DOTPHA_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            page.set_default_timeout(60_000)

            page.goto(f"{url}/")
            page.screenshot(path=shots / "1_trang_chu.png", full_page=True)

            # Kiểm tra tệp: the bad cell is named, the annotated copy downloads
            page.goto(f"{url}/kiem-tra")
            page.set_input_files("#file", str(data.bad))
            page.click("button:has-text('Kiểm tra')")
            page.wait_for_selector("table.problems")
            cell = page.inner_text("table.problems tr.error td.cell")
            book = openpyxl.load_workbook(data.bad)
            assert book[book.sheetnames[0]][cell].value == "một trăm"
            page.screenshot(path=shots / "2_kiem_tra.png", full_page=True)
            with page.expect_download() as info:
                page.click("#annotated")
            copy = tmp_path / "chu_thich.xlsx"
            info.value.save_as(copy)
            annotated = openpyxl.load_workbook(copy)
            assert annotated.sheetnames[0] == "Lỗi cần sửa"
            assert annotated[book.sheetnames[0]][cell].comment is not None

            # log in as UBND: CB902 has not reported
            page.goto(f"{url}/dang-nhap")
            page.screenshot(path=shots / "3_dang_nhap.png", full_page=True)
            page.fill("#token", data.tokens["UBND"])
            page.click("button:has-text('Đăng nhập')")
            page.wait_for_url(f"{url}/tinh-hinh")
            assert "Chưa nộp" in page.inner_text("#cb-CB902 td.report")
            assert page.query_selector("#cb-CB904") is None  # another body's cadre
            page.screenshot(path=shots / "4_tinh_hinh_truoc.png", full_page=True)

            # Nộp tệp: the corrected report enters the inbox
            page.goto(f"{url}/nop-tep")
            page.set_input_files("#file", str(data.held))
            page.click("button:has-text('Kiểm tra và nộp')")
            page.wait_for_selector("#stored")
            page.screenshot(path=shots / "5_nop_tep.png", full_page=True)
            assert len(list(data.inbox.glob("CB902_bao_cao_2027_Q2_web_*.xlsx"))) == 1

            # Tình hình: the status changed at once
            page.goto(f"{url}/tinh-hinh")
            assert "Đã nhận" in page.inner_text("#cb-CB902 td.report")
            page.screenshot(path=shots / "6_tinh_hinh_sau.png", full_page=True)

            page.goto(f"{url}/tinh-hinh/can-bo/CB902")
            page.screenshot(path=shots / "7_can_bo.png", full_page=True)
            page.goto(f"{url}/tai-ve")
            page.screenshot(path=shots / "8_tai_ve.png", full_page=True)
            with page.expect_download() as info:
                page.click("a[href*='tong-hop.xlsx']")
            assert info.value.suggested_filename == "UBND_tong_hop_2027_Q2.xlsx"

            # the Organisation Board sees every body
            board = browser.new_page(viewport={"width": 1280, "height": 900})
            board.goto(f"{url}/dang-nhap")
            board.fill("#token", data.tokens["TC"])
            board.click("button:has-text('Đăng nhập')")
            board.wait_for_url(f"{url}/tinh-hinh")
            assert board.query_selector("#cb-CB904") is not None
            board.screenshot(path=shots / "9_tinh_hinh_ban_to_chuc.png", full_page=True)
            board.goto(f"{url}/tai-ve")
            board.screenshot(path=shots / "10_tai_ve_ban_to_chuc.png", full_page=True)
            board.emulate_media(media="print")
            board.goto(f"{url}/tinh-hinh")
            board.screenshot(path=shots / "11_tinh_hinh_ban_in.png", full_page=True)
        finally:
            browser.close()
