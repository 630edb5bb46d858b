"""The desk's guards: login sessions, CSRF tokens, the upload cap, and safe names.

* A session is a random id in an HttpOnly, SameSite cookie; the server keeps, in memory, which
  body it belongs to.  Restarting the server ends every session (the tokens stay valid).
* Every form carries a CSRF token: an HMAC, under a secret made at start-up, of a random value
  in another HttpOnly, SameSite cookie; a POST whose form token does not match is refused.
* :class:`UploadCap` refuses a request body larger than the cap (from its Content-Length, and
  while it streams, for a body sent in chunks) with 413, before the form is parsed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
import unicodedata
from dataclasses import dataclass

SESSION_COOKIE = "dotpha_session"
CSRF_COOKIE = "dotpha_csrf"
CSRF_FIELD = "csrf_token"
#: A session ends after this many seconds without a request.
SESSION_IDLE = 8 * 3600
MAX_SESSIONS = 10_000


@dataclass
class Session:
    body: str
    grant_id: str
    seen: float


class Sessions:
    """Login sessions in memory: session id -> body."""

    def __init__(self) -> None:
        self._by_id: dict[str, Session] = {}
        self._lock = threading.Lock()

    def open(self, body: str, grant_id: str) -> str:
        sid = secrets.token_urlsafe(32)
        with self._lock:
            if len(self._by_id) >= MAX_SESSIONS:  # the longest idle go first
                for old in sorted(self._by_id, key=lambda k: self._by_id[k].seen)[:1000]:
                    del self._by_id[old]
            self._by_id[sid] = Session(body, grant_id, time.monotonic())
        return sid

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        with self._lock:
            found = self._by_id.get(sid)
            if found is None:
                return None
            now = time.monotonic()
            if now - found.seen > SESSION_IDLE:
                del self._by_id[sid]
                return None
            found.seen = now
            return found

    def close(self, sid: str | None) -> None:
        with self._lock:
            self._by_id.pop(sid or "", None)

    def close_grants(self, keep: set[str]) -> None:
        """End the sessions opened with a token that was removed since."""
        with self._lock:
            for sid in [k for k, s in self._by_id.items() if s.grant_id not in keep]:
                del self._by_id[sid]


class Csrf:
    """Form tokens bound to the browser's CSRF cookie."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(32)

    def token(self, cookie: str) -> str:
        return hmac.new(self._secret, cookie.encode("ascii", "ignore"), hashlib.sha256).hexdigest()

    def valid(self, cookie: str | None, token: str | None) -> bool:
        if not cookie or not token:
            return False
        return hmac.compare_digest(self.token(cookie), str(token))


class TooLarge(Exception):
    pass


class UploadCap:
    """ASGI middleware: a request body over ``cap`` bytes gets 413, whatever route it is for."""

    def __init__(self, app, cap: int) -> None:
        self.app = app
        self.cap = cap

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.cap):
            return await _too_large(scope, send, self.cap)
        seen = 0
        started = False

        async def counted_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.cap:
                    raise TooLarge
            return message

        async def watched_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except TooLarge:
            if not started:
                await _too_large(scope, send, self.cap)


async def _too_large(scope, send, cap: int) -> None:
    mib = cap / 1_048_576
    if scope.get("path", "").startswith("/api/"):
        body = (
            f'{{"ok": false, "error": "too_large", "message": "Tệp quá lớn (tối đa {mib:g} MiB)."}}'
        ).encode()
        kind = b"application/json"
    else:
        body = (
            "<!doctype html><meta charset=utf-8><title>Tệp quá lớn</title>"
            f"<h1>Tệp quá lớn</h1><p>Tệp gửi lên vượt quá {mib:g} MiB. Xoá các trang, hình ảnh "
            "không cần thiết, lưu lại rồi gửi lại.</p><p><a href='/'>Trở về trang chủ</a></p>"
        ).encode()
        kind = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                        (b"connection", b"close")],
        }
    )  # fmt: skip
    await send({"type": "http.response.body", "body": body})


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def shown_name(uploaded: str | None) -> str:
    """The name an upload is called by in messages: its last path part, NFC, without control or
    path characters, at most 120 characters.  Never used as a path."""
    text = unicodedata.normalize("NFC", uploaded or "")
    text = re.split(r"[/\\]", text)[-1]
    text = _UNSAFE.sub("_", text).strip(" .")
    return (text or "tep_tai_len.xlsx")[:120]
