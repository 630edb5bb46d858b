"""The web desk as an ASGI application (Starlette, Jinja2 templates; no JavaScript): its pages,
its JSON API, and the access rules of docs/web.md.

Pages: ``/kiem-tra`` (check a file; anyone), ``/nop-tep`` (submit; a body's login),
``/tinh-hinh`` (status; a body's login, every body for the Organisation Board), ``/tai-ve``
(downloads).  API: ``POST /api/check``, ``POST /api/submit``, ``GET /api/status``,
``GET /api/workbook``, with ``Authorization: Bearer TOKEN``.

Access: a body sees, submits and downloads only its own cadres' files; anything of another body
is a plain 404.  The Organisation Board (the settings' ``consolidating_body``) sees every body.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import OrderedDict
from contextlib import asynccontextmanager
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from dotpha_xl.domain.ratings import LEVELS
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.kernel.text import ascii_slug, format_percent, person_sort_key
from dotpha_xl.store.consolidation_json import to_json
from dotpha_xl.web.access import AccessFile
from dotpha_xl.web.desk import CadreStatus, Desk, DeskConfig, totals
from dotpha_xl.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    SESSION_COOKIE,
    Csrf,
    Sessions,
    UploadCap,
    shown_name,
)

HERE = Path(__file__).resolve().parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Default cap of one upload (a filled form is some tens of kilobytes).
DEFAULT_UPLOAD_CAP = 10 * 1_048_576
#: Annotated copies from the check page wait this long in memory for their download.
ANNOTATED_TTL = 30 * 60
ANNOTATED_MAX = 200

PLAN_WORDS = {
    "valid": "Hợp lệ",
    "late": "Hợp lệ, nộp muộn",
    "missing": "Chưa có kế hoạch hợp lệ",
    "none": "Không có việc trong kỳ",
}
REPORT_WORDS = {
    "received": "Đã nhận",
    "late": "Đã nhận, nộp muộn",
    "missing": "Chưa nộp",
    "rejected": "Bị từ chối",
    "handed_over": "Báo cáo đến ngày bàn giao",
    "none": "—",
}
SEVERITY_WORDS = {"error": "Lỗi", "warning": "Chú ý"}
#: Where a login may lead back to.
AFTER_LOGIN = ("/tinh-hinh", "/nop-tep", "/tai-ve")
SORTS = {
    "ma": lambda s: s.cadre.cadre_id,
    "ten": lambda s: person_sort_key(s.cadre.full_name),
    "don-vi": lambda s: s.cadre.unit,
    "co-quan": lambda s: s.cadre.body,
    "ke-hoach": lambda s: s.plan,
    "bao-cao": lambda s: s.report,
    "xep-loai": lambda s: min((_rank(t.result.rating) for t in s.tasks), default=len(LEVELS)),
    "hoan-thanh": lambda s: min((_completion(t) or Fraction(-1) for t in s.tasks),
                                default=Fraction(-2)),
}  # fmt: skip


def _rank(rating: str | None) -> int:
    """Where a rating stands, the lowest first (KHT, HT, HTT, HTXS); none after them all."""
    return LEVELS.index(rating) if rating in LEVELS else len(LEVELS)


def _completion(row: Any) -> Fraction | None:
    r = row.result
    return r.completion_period if row.task_key.startswith("B") and r.completion_period is not None \
        else r.completion_year  # fmt: skip


class Annotated:
    """Annotated copies made by the check page, kept in memory for a while (never on disk)."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[float, str, str, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, owner: str, name: str, data: bytes) -> str:
        key = secrets.token_urlsafe(24)
        with self._lock:
            self._items[key] = (time.monotonic(), owner, name, data)
            while len(self._items) > ANNOTATED_MAX:
                self._items.popitem(last=False)
        return key

    def get(self, key: str, owner: str) -> tuple[str, bytes] | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or time.monotonic() - found[0] > ANNOTATED_TTL:
                return None
            if not secrets.compare_digest(found[1], owner):
                return None
            return found[2], found[3]


class DeskApp:
    """The application's state: the desk, the tokens, the sessions."""

    def __init__(self, config: DeskConfig, settings: Settings, upload_cap: int) -> None:
        self.desk = Desk(config, settings)
        self.settings = settings
        self.config = config
        self.upload_cap = upload_cap
        self.sessions = Sessions()
        self.csrf = Csrf()
        self.annotated = Annotated()
        self.board = settings.consolidating_body
        self._access: tuple[float, AccessFile] | None = None
        self._access_lock = threading.Lock()
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))
        self.templates.env.globals.update(
            PLAN_WORDS=PLAN_WORDS, REPORT_WORDS=REPORT_WORDS, SEVERITY_WORDS=SEVERITY_WORDS,
            percent=format_percent, completion=_completion, flag_words=_flag_words,
            bodies=settings.bodies, board=self.board, document=settings.document,
        )  # fmt: skip

    # -- who is asking -------------------------------------------------------------------------

    def access(self) -> AccessFile:
        """The tokens, read again when the access file changed (``dotpha access add``)."""
        path = self.config.access
        mtime = path.stat().st_mtime_ns if path.exists() else 0
        with self._access_lock:
            if self._access is None or self._access[0] != mtime:
                self._access = (mtime, AccessFile(path))
                self.sessions.close_grants({g.id for g in self._access[1].grants})
            return self._access[1]

    def body_of_token(self, token: str) -> tuple[str, str] | None:
        access = self.access()
        body = access.body_of(token)
        if body is None:
            return None
        grant = next(g for g in access.grants if g.id == token.strip().split(".", 1)[0])
        return body, grant.id

    def session_body(self, request: Request) -> str | None:
        self.access()  # ends the sessions of removed tokens
        found = self.sessions.get(request.cookies.get(SESSION_COOKIE))
        return found.body if found else None

    def bearer_body(self, request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("bearer "):
            return None
        found = self.body_of_token(header[7:])
        return found[0] if found else None

    def visible(self, body: str) -> set[str] | None:
        """The bodies a login sees: all (``None``) for the Organisation Board, else its own."""
        return None if body == self.board else {body}


def _flag_words(flags: list[str]) -> str:
    from dotpha_xl.xlsx.body_workbook import FLAG_WORDS

    return "; ".join(FLAG_WORDS.get(f, f) for f in flags)


def _not_found() -> HTTPException:
    return HTTPException(404, "Không tìm thấy.")


def create_app(config: DeskConfig, settings: Settings, *, upload_cap: int = DEFAULT_UPLOAD_CAP,
               warm: bool = True) -> Starlette:  # fmt: skip
    """The ASGI application of one period's desk."""
    state = DeskApp(config, settings, upload_cap)
    desk = state.desk

    # -- rendering helpers ---------------------------------------------------------------------

    def csrf_cookie(request: Request) -> tuple[str, bool]:
        value = request.cookies.get(CSRF_COOKIE)
        if value and 20 <= len(value) <= 100:
            return value, False
        return Csrf.new_cookie(), True

    def page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
        cookie, fresh = csrf_cookie(request)
        body = state.session_body(request)
        context.update(
            request=request, login=body, csrf_field=CSRF_FIELD, csrf=state.csrf.token(cookie),
            period=desk.period, cap_mib=f"{state.upload_cap / 1_048_576:g}",
            login_name=settings.bodies.get(body, "") if body else "",
        )  # fmt: skip
        response = state.templates.TemplateResponse(request, template, context, status_code=status)
        if fresh:
            _set_cookie(response, CSRF_COOKIE, cookie)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def form_of(request: Request) -> Any:
        """The posted form, its CSRF token checked (403 without a valid one)."""
        form = await request.form(max_files=1, max_fields=10, max_part_size=64 * 1024)
        if not state.csrf.valid(request.cookies.get(CSRF_COOKIE), form.get(CSRF_FIELD)):
            raise HTTPException(403, "Biểu mẫu đã hết hạn hoặc không hợp lệ; tải lại trang.")
        return form

    async def upload_of(form: Any) -> tuple[bytes, str] | None:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            return None
        data = await file.read(state.upload_cap + 1)
        if len(data) > state.upload_cap:
            raise HTTPException(413, "Tệp quá lớn.")
        return data, shown_name(file.filename)

    def need_login(request: Request) -> str:
        body = state.session_body(request)
        if body is None:
            raise HTTPException(303, headers={"Location": f"/dang-nhap?tiep={request.url.path}"})
        return body

    # -- pages ---------------------------------------------------------------------------------

    async def home(request: Request) -> Response:
        return page(request, "home.html")

    async def check_page(request: Request) -> Response:
        if request.method == "GET":
            return page(request, "check.html")
        form = await form_of(request)
        upload = await upload_of(form)
        if upload is None:
            return page(request, "check.html", 400, error="Chưa chọn tệp.")
        data, name = upload
        check = await run_in_threadpool(desk.check, data, name)
        link = None
        if check.problems:
            copy = await run_in_threadpool(desk.annotated, data, check)
            if copy is not None:
                owner, _ = csrf_cookie(request)
                stem = name.rsplit(".", 1)[0]
                link = state.annotated.put(owner, f"{ascii_slug(stem, 60)}_chu_thich.xlsx", copy)
        return page(request, "check.html", check=check, annotated=link, name=name)

    async def annotated_copy(request: Request) -> Response:
        owner = request.cookies.get(CSRF_COOKIE) or ""
        found = state.annotated.get(request.path_params["key"], owner)
        if found is None:
            raise _not_found()
        name, data = found
        return _download(data, name)

    async def login(request: Request) -> Response:
        after = request.query_params.get("tiep", "")
        if not any(after == p or after.startswith(p + "/") for p in AFTER_LOGIN) or any(
            c in after for c in ("\\", ":", "?", "#", "%", "..")
        ):  # only a page of the desk, never another site
            after = "/tinh-hinh"
        if request.method == "GET":
            return page(request, "login.html", after=after)
        form = await form_of(request)
        found = state.body_of_token(str(form.get("token", "")))
        if found is None:
            return page(request, "login.html", 401, after=after,
                        error="Mã truy cập không đúng hoặc đã bị thu hồi.")  # fmt: skip
        old = request.cookies.get(SESSION_COOKIE)
        state.sessions.close(old)
        sid = state.sessions.open(*found)
        response = RedirectResponse(after, status_code=303)
        _set_cookie(response, SESSION_COOKIE, sid)
        return response

    async def logout(request: Request) -> Response:
        await form_of(request)
        state.sessions.close(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    async def submit_page(request: Request) -> Response:
        body = need_login(request)
        if request.method == "GET":
            return page(request, "submit.html")
        form = await form_of(request)
        upload = await upload_of(form)
        if upload is None:
            return page(request, "submit.html", 400, error="Chưa chọn tệp.")
        outcome = await run_in_threadpool(_submit, state, body, *upload)
        if outcome is None:
            raise _not_found()
        check, stored, line = outcome
        return page(request, "submit.html", 200 if stored else 422, check=check, stored=stored,
                    name=upload[1], line=line)  # fmt: skip

    async def status_page(request: Request) -> Response:
        body = need_login(request)
        chosen = request.query_params.get("co-quan") or ""
        shown = state.visible(body)
        if chosen:
            if chosen not in settings.bodies or (shown is not None and chosen not in shown):
                raise _not_found()
            shown = {chosen}
        current = await run_in_threadpool(desk.state)
        lines = current.for_bodies(shown)
        sort = request.query_params.get("xep", "ma")
        key = SORTS.get(sort, SORTS["ma"])
        descending = request.query_params.get("chieu") == "giam"
        lines = sorted(lines, key=key, reverse=descending)
        by_body = {}
        if shown is None or len(shown) > 1:
            for code in settings.bodies:
                mine = [s for s in lines if s.cadre.body == code]
                if mine:
                    by_body[code] = totals(mine)
        return page(request, "status.html", lines=lines, totals=totals(lines), by_body=by_body,
                    sort=sort, descending=descending, chosen=chosen, made=current.made,
                    sees_all=state.visible(body) is None)  # fmt: skip

    async def cadre_page(request: Request) -> Response:
        body = need_login(request)
        line = await run_in_threadpool(_line_for, state, body, request.path_params["cadre_id"])
        if line is None:
            raise _not_found()
        return page(request, "cadre.html", line=line)

    async def downloads_page(request: Request) -> Response:
        body = need_login(request)
        shown = state.visible(body)
        codes = [c for c in settings.bodies if shown is None or c in shown]
        return page(request, "downloads.html", codes=codes, sees_all=shown is None)

    async def download_workbook(request: Request) -> Response:
        body = need_login(request)
        code = _body_asked(state, body, request.query_params.get("co-quan"))
        data = await run_in_threadpool(desk.body_workbook, code)
        return _download(data, f"{code}_tong_hop_{ascii_slug(desk.period.code)}.xlsx")

    async def download_summary(request: Request) -> Response:
        body = need_login(request)
        if state.visible(body) is not None:
            raise _not_found()
        data = await run_in_threadpool(desk.summary)
        return _download(data, f"bao_cao_ban_thuong_vu_{ascii_slug(desk.period.code)}.xlsx")

    async def download_notices(request: Request) -> Response:
        body = need_login(request)
        if state.visible(body) is not None:
            raise _not_found()
        data = await run_in_threadpool(desk.notices)
        return _download(data, f"thong_bao_{ascii_slug(desk.period.code)}.zip",
                         "application/zip")  # fmt: skip

    async def download_report(request: Request) -> Response:
        body = need_login(request)
        cadre_id = request.path_params["cadre_id"]
        if await run_in_threadpool(_line_for, state, body, cadre_id) is None:
            raise _not_found()
        path = await run_in_threadpool(desk.report_path, cadre_id)
        if path is None:
            raise _not_found()
        return FileResponse(path, media_type=XLSX, filename=path.name,
                            headers={"Cache-Control": "no-store"})  # fmt: skip

    async def stylesheet(request: Request) -> Response:
        return FileResponse(HERE / "static" / "desk.css", media_type="text/css")

    # -- the JSON API --------------------------------------------------------------------------

    def api_body(request: Request) -> str:
        body = state.bearer_body(request)
        if body is None:
            raise HTTPException(401, "Cần mã truy cập (Authorization: Bearer ...).",
                                headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
        return body

    async def api_upload(request: Request) -> tuple[bytes, str]:
        form = await request.form(max_files=1, max_fields=5, max_part_size=64 * 1024)
        upload = await upload_of(form)
        if upload is None:
            raise HTTPException(400, "Thiếu trường 'file'.")
        return upload

    async def api_check(request: Request) -> Response:
        data, name = await api_upload(request)
        check = await run_in_threadpool(desk.check, data, name)
        return JSONResponse(check.to_json())

    async def api_submit(request: Request) -> Response:
        body = api_body(request)
        data, name = await api_upload(request)
        outcome = await run_in_threadpool(_submit, state, body, data, name)
        if outcome is None:
            raise _not_found()
        check, stored, _ = outcome
        return JSONResponse({**check.to_json(), "stored": stored},
                            status_code=200 if stored else 422)  # fmt: skip

    async def api_status(request: Request) -> Response:
        body = api_body(request)
        current = await run_in_threadpool(desk.state)
        key = ("status_json", body)
        if key not in current.memo:  # made once per state and login
            current.memo[key] = await run_in_threadpool(
                _status_json, state, current.consolidation, body, current.made
            )
        return Response(current.memo[key], media_type="application/json")

    async def api_workbook(request: Request) -> Response:
        body = api_body(request)
        code = _body_asked(state, body, request.query_params.get("body"))
        data = await run_in_threadpool(desk.body_workbook, code)
        return _download(data, f"{code}_tong_hop_{ascii_slug(desk.period.code)}.xlsx")

    # -- errors --------------------------------------------------------------------------------

    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code in (301, 302, 303, 307):
            return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"ok": False, "error": exc.status_code, "message": exc.detail},
                                status_code=exc.status_code, headers=exc.headers)  # fmt: skip
        if exc.status_code == 405:
            return PlainTextResponse("Phương thức không được hỗ trợ.", status_code=405)
        return page(request, "error.html", exc.status_code, code=exc.status_code,
                    message=exc.detail)  # fmt: skip

    @asynccontextmanager
    async def lifespan(app: Starlette):
        if warm:  # read the inbox once at start-up, so that the first page is quick
            await run_in_threadpool(desk.state)
        yield
        await run_in_threadpool(desk.save)

    routes = [
        Route("/", home),
        Route("/kiem-tra", check_page, methods=["GET", "POST"]),
        Route("/kiem-tra/ban-chu-thich/{key}", annotated_copy),
        Route("/dang-nhap", login, methods=["GET", "POST"]),
        Route("/dang-xuat", logout, methods=["POST"]),
        Route("/nop-tep", submit_page, methods=["GET", "POST"]),
        Route("/tinh-hinh", status_page),
        Route("/tinh-hinh/can-bo/{cadre_id}", cadre_page),
        Route("/tai-ve", downloads_page),
        Route("/tai-ve/tong-hop.xlsx", download_workbook),
        Route("/tai-ve/bao-cao-ban-thuong-vu.xlsx", download_summary),
        Route("/tai-ve/thong-bao.zip", download_notices),
        Route("/tai-ve/bao-cao/{cadre_id}", download_report),
        Route("/static/desk.css", stylesheet),
        Route("/api/check", api_check, methods=["POST"]),
        Route("/api/submit", api_submit, methods=["POST"]),
        Route("/api/status", api_status),
        Route("/api/workbook", api_workbook),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(UploadCap, cap=upload_cap + 256 * 1024)],  # the form's own bytes
        exception_handlers={HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.desk = state
    return app


def _set_cookie(response: Response, name: str, value: str) -> None:
    response.set_cookie(name, value, httponly=True, samesite="strict", path="/")


def _download(data: bytes, name: str, media_type: str = XLSX) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(data, media_type=media_type, headers=headers)


def _body_asked(state: DeskApp, body: str, asked: str | None) -> str:
    """The body whose workbook is asked: one's own, or any for the Organisation Board; a body
    one may not see is a 404."""
    code = asked or body
    shown = state.visible(body)
    if code not in state.settings.bodies or (shown is not None and code not in shown):
        raise _not_found()
    return code


def _line_for(state: DeskApp, body: str, cadre_id: str) -> CadreStatus | None:
    shown = state.visible(body)
    for line in state.desk.state().cadres:
        if line.cadre.cadre_id == cadre_id:
            return line if shown is None or line.cadre.body in shown else None
    return None


def _submit(state: DeskApp, body: str, data: bytes, name: str):
    """Check, then store when the file is the body's and has no error.  ``None`` when the file
    is of a cadre the body may not see (a 404, as for an unknown cadre)."""
    desk = state.desk
    check = desk.check(data, name)
    shown = state.visible(body)
    if check.cadre_id:
        cadre_body = desk.body_of(check.cadre_id)
        if cadre_body is None or (shown is not None and cadre_body not in shown):
            return None
    if not check.ok:
        return check, False, None
    desk.store(data, check)
    return check, True, _line_for(state, body, check.cadre_id)


def _status_json(state: DeskApp, c: Any, body: str, made: datetime) -> bytes:
    """The consolidation JSON of the bodies the caller sees (a body: its own cadres only, its
    rejected files only)."""
    shown = state.visible(body)
    if shown is None:
        data = to_json(c)
    else:
        mine = c.for_body(body)
        data = to_json(mine)
        data["rejected"] = [r for r in data["rejected"] if r["cadre_id"] in mine.cadres]
    data["made"] = made.isoformat(timespec="seconds")
    return json.dumps(data, ensure_ascii=False).encode("utf-8")
