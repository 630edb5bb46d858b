"""The web desk's commands: ``dotpha serve`` starts it, ``dotpha access`` manages its tokens
(added to the group in ``cli/__init__.py``).  Both only call into ``dotpha_xl.web``."""

from __future__ import annotations

from pathlib import Path

import click

from dotpha_xl.cli.base import INPUT_DIR, INPUT_FILE, OUTPUT_DIR, OUTPUT_FILE, Context, pass_context

ACCESS_FILE = click.option(
    "--access", "access_path", type=OUTPUT_FILE, required=True,
    help="Tệp mã truy cập của bàn làm việc (JSON; chỉ lưu mã băm).",
)  # fmt: skip


@click.command("serve")
@click.option("--roster", type=INPUT_FILE, required=True, help="Danh sách cán bộ (.xlsx).")
@click.option("--plans", "plans_dir", type=INPUT_DIR, required=True,
              help="Thư mục các kế hoạch đã nhận (kế hoạch nộp qua web vào đây).")  # fmt: skip
@click.option("--reports", "reports_dir", type=INPUT_DIR, required=True,
              help="Hộp tiếp nhận báo cáo (báo cáo nộp qua trang web vào đây).")  # fmt: skip
@click.option("--period", required=True, help="Kỳ báo cáo: 2027-Q2, 2027-H1, 2027.")
@click.option("--out", "out_dir", type=OUTPUT_DIR, required=True,
              help="Thư mục làm việc: bộ nhớ đệm, các tệp lập khi tải về.")  # fmt: skip
@ACCESS_FILE
@click.option("--assignments", type=INPUT_FILE,
              help="Danh sách việc được giao: ai phải báo cáo.")  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Địa chỉ lắng nghe (mặc định chỉ máy này).")  # fmt: skip
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--max-upload-mb", type=click.IntRange(1, 50), default=10, show_default=True,
              help="Dung lượng tối đa của một tệp tải lên (MiB).")  # fmt: skip
@pass_context
def serve(
    obj: Context, roster: Path, plans_dir: Path, reports_dir: Path, period: str, out_dir: Path,
    access_path: Path, assignments: Path | None, host: str, port: int, max_upload_mb: int,
) -> None:  # fmt: skip
    """Bàn làm việc trên trình duyệt: kiểm tra, nộp tệp, xem tình hình, tải bảng tổng hợp.

    Example: dotpha serve --roster roster.xlsx --plans ke_hoach/ --reports bao_cao/
    --period 2027-Q2 --out ban_lam_viec/ --access ma_truy_cap.json
    """
    from dotpha_xl.web.server import run

    run(
        roster=roster, plans=plans_dir, reports=reports_dir, period=period, out=out_dir,
        access=access_path, assignments=assignments, host=host, port=port,
        settings=obj.settings, ledger=Path(obj.ledger_path or "dotpha.sqlite"),
        upload_cap=max_upload_mb * 1_048_576, quiet=obj.quiet,
    )  # fmt: skip


@click.group("access")
def access() -> None:
    """Mã truy cập của các cơ quan vào bàn làm việc (dotpha serve)."""


@access.command("add")
@click.argument("body")
@ACCESS_FILE
@click.option("--note", default="", help="Ghi chú: người giữ mã, ngày cấp ...")
@pass_context
def access_add(obj: Context, body: str, access_path: Path, note: str) -> None:
    """Cấp một mã truy cập cho cơ quan BODY; mã chỉ in ra một lần, tệp chỉ lưu mã băm.

    Example: dotpha access add UBND --access ma_truy_cap.json
    """
    from dotpha_xl.web.access import AccessFile

    grant, token = AccessFile(access_path).add(body, obj.settings.bodies, note)
    click.echo(token)
    click.echo(
        f"Đã cấp mã {grant.id} cho {obj.settings.bodies[body]} ({body}). Mã chỉ in ra lần này: "
        "ghi lại và trao cho cơ quan.",
        err=True,
    )


@access.command("list")
@ACCESS_FILE
def access_list(access_path: Path) -> None:
    """Các mã đã cấp (mã số, cơ quan, ngày cấp; không in mã).

    Example: dotpha access list --access ma_truy_cap.json
    """
    from dotpha_xl.web.access import AccessFile

    for g in AccessFile(access_path).grants:
        click.echo(f"{g.id}  {g.body:<6}  {g.created}  {g.note}".rstrip())


@access.command("remove")
@click.argument("body")
@ACCESS_FILE
@click.option("--id", "token_id", help="Chỉ thu hồi mã số này (xem dotpha access list).")
def access_remove(body: str, access_path: Path, token_id: str | None) -> None:
    """Thu hồi các mã của cơ quan BODY (hoặc một mã với --id); phiên đang mở kết thúc ngay.

    Example: dotpha access remove UBND --id 1a2b3c4d --access ma_truy_cap.json
    """
    from dotpha_xl.web.access import AccessFile

    gone = AccessFile(access_path).remove(body, token_id)
    click.echo(f"Đã thu hồi {len(gone)} mã của {body}: {', '.join(g.id for g in gone)}.", err=True)


COMMANDS = [serve, access]
