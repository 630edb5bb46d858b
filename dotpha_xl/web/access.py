"""Who may use the desk: one token per reviewing body, in a JSON file (``--access FILE``).

A token is shown once, when it is made (``dotpha access add BODY``); the file keeps only its
sha256.  A token is ``ID.SECRET``: the id names it in ``dotpha access list`` and ``remove`` and
finds its row; the secret is 32 random bytes, so a plain sha256 of the whole token is enough (no
slow hash is needed for a secret that cannot be guessed).  The Organisation Board's body (the
settings' ``consolidating_body``, ``TC``) sees every body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from dotpha_xl.kernel.errors import InputError
from dotpha_xl.store.atomic import write_bytes_atomic

ACCESS_FORMAT = 1


class AccessError(InputError):
    """An unknown body, an unknown token id, or an access file that cannot be read."""


@dataclass(frozen=True)
class Grant:
    """One token as stored: its id, its body, its hash and when it was made."""

    id: str
    body: str
    sha256: str
    created: str
    note: str = ""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class AccessFile:
    """The tokens of a desk, read from and written to one JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.grants: list[Grant] = []
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.grants = [Grant(**g) for g in data.get("tokens", [])]
            except (OSError, ValueError, TypeError) as exc:
                raise AccessError(f"Không đọc được tệp quyền truy cập '{self.path}'.") from exc

    def save(self) -> None:
        data = {"format": ACCESS_FORMAT, "tokens": [asdict(g) for g in self.grants]}
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        write_bytes_atomic(self.path, text.encode("utf-8"))
        self.path.chmod(0o600)

    def add(self, body: str, bodies: dict[str, str], note: str = "") -> tuple[Grant, str]:
        """A new token for ``body``; returns the grant and the token, which is not kept."""
        if body not in bodies:
            raise AccessError(
                f"Mã cơ quan '{body}' không có trong cấu hình; dùng một trong: " + ", ".join(bodies)
            )
        token_id = secrets.token_hex(4)
        while any(g.id == token_id for g in self.grants):
            token_id = secrets.token_hex(4)
        token = f"{token_id}.{secrets.token_urlsafe(32)}"
        grant = Grant(token_id, body, _hash(token), datetime.now().isoformat(timespec="seconds"),
                      note)  # fmt: skip
        self.grants.append(grant)
        self.save()
        return grant, token

    def remove(self, body: str, token_id: str | None = None) -> list[Grant]:
        """Remove the body's tokens (only ``token_id`` when given); returns those removed."""
        gone = [g for g in self.grants if g.body == body and (token_id is None or g.id == token_id)]
        if not gone:
            raise AccessError(
                f"Không có mã truy cập {token_id or ''} của cơ quan '{body}'.".replace("  ", " ")
            )
        self.grants = [g for g in self.grants if g not in gone]
        self.save()
        return gone

    def body_of(self, token: str) -> str | None:
        """The body a token opens, or ``None``; compared in constant time."""
        token = token.strip()
        token_id = token.split(".", 1)[0]
        digest = _hash(token)
        found = None
        for grant in self.grants:
            if hmac.compare_digest(grant.sha256, digest) and grant.id == token_id:
                found = grant.body
        return found
