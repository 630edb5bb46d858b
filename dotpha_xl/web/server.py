"""Starting the desk: the application served by uvicorn on one address (127.0.0.1 unless told)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dotpha_xl.kernel.errors import InputError
from dotpha_xl.kernel.settings import Settings
from dotpha_xl.web.desk import DeskConfig


def run(
    *,
    roster: Path,
    plans: Path,
    reports: Path,
    period: str,
    out: Path,
    access: Path,
    assignments: Path | None,
    host: str,
    port: int,
    settings: Settings,
    ledger: Path,
    upload_cap: int,
    quiet: bool = False,
) -> None:
    import uvicorn

    from dotpha_xl.domain.periods import parse_period
    from dotpha_xl.web.access import AccessFile
    from dotpha_xl.web.app import create_app

    try:
        parse_period(period)
    except ValueError as exc:
        raise InputError(f"Kỳ báo cáo '{period}' không hợp lệ.") from exc
    if not AccessFile(access).grants:
        print(
            f"Chú ý: chưa có mã truy cập nào trong {access}; cấp mã bằng "
            f"'dotpha access add BODY --access {access}'. Trang Kiểm tra tệp vẫn dùng được.",
            file=sys.stderr,
        )
    config = DeskConfig(roster=roster, plans=plans, reports=reports, period=period, out=out,
                        access=access, assignments=assignments, ledger=ledger,
                        jobs=os.cpu_count() or 1)  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    app = create_app(config, settings, upload_cap=upload_cap)
    shown = f"[{host}]" if ":" in host else host
    print(f"Bàn làm việc kỳ {period}: http://{shown}:{port}/  (Ctrl+C để dừng)", file=sys.stderr)
    uvicorn.run(app, host=host, port=port, log_level="warning" if quiet else "info",
                server_header=False)  # fmt: skip
