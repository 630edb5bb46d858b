"""The tenure commands of ``dotpha``: handover, carry-over, announce (added to the group in
``cli/__init__.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dotpha_xl.cli.base import (
    INPUT_DIR,
    INPUT_FILE,
    OUTPUT_DIR,
    OUTPUT_FILE,
    Context,
    emit_json,
    json_option,
    json_to_stdout,
    pass_context,
)

EXISTING_FILE = INPUT_FILE
EXISTING_DIR = INPUT_DIR


@click.command("handover")
@click.option("--roster", type=EXISTING_FILE, required=True, help="Danh sách cán bộ (.xlsx).")
@click.option("--plans", "plans_dir", type=EXISTING_DIR, required=True, help="Thư mục kế hoạch.")
@click.option("--reports", "reports_dir", type=EXISTING_DIR, required=True,
              help="Thư mục báo cáo (có báo cáo đột xuất đến ngày thôi giữ chức vụ).")  # fmt: skip
@click.option("--cadre", "cadre_id", required=True, help="Mã cán bộ thôi giữ chức vụ.")
@click.option("--out", "out_dir", type=OUTPUT_DIR, required=True,
              help="Thư mục ghi kết luận và kế hoạch tiếp nhận.")  # fmt: skip
@json_option
@pass_context
def handover(
    obj: Context, roster: Path, plans_dir: Path, reports_dir: Path, cadre_id: str,
    out_dir: Path, json_path: Path | None,
) -> None:  # fmt: skip
    """Bàn giao khi cán bộ thôi giữ chức vụ (Điều 2.4, 4.4 b): kết luận và kế hoạch tiếp nhận.

    Example: dotpha handover --roster roster.xlsx --plans ke_hoach/ --reports bao_cao/
    --cadre CB121 --out ban_giao/ --json ban_giao.json
    """
    from dotpha_xl.steps.tenure_events import handover as run_handover

    run = run_handover(roster, plans_dir, reports_dir, cadre_id, out_dir, obj.settings)
    emit_json(json_path, run.data)
    for message in run.messages:
        click.echo(message, err=True)
    for path in run.files:
        click.echo(str(path), err=json_to_stdout(json_path))


@click.command("carry-over")
@click.option("--consolidated", "consolidated_dir", type=EXISTING_DIR, required=True,
              help="Thư mục kết quả tổng hợp năm Y (có consolidation_Y.json).")  # fmt: skip
@click.option("--year", type=int, required=True, help="Năm vừa kết thúc (năm Y).")
@click.option("--out", type=OUTPUT_FILE, required=True,
              help="Tệp giao việc chuyển tiếp năm Y+1 (.xlsx).")  # fmt: skip
@json_option
@click.option("--assignments", type=EXISTING_FILE,
              help="Bảng giao việc năm Y+1 (đánh số tiếp sau các việc đã giao).")  # fmt: skip
@pass_context
def carry_over(
    obj: Context, consolidated_dir: Path, year: int, out: Path, json_path: Path | None,
    assignments: Path | None,
) -> None:  # fmt: skip
    """Chuyển tiếp sang năm sau các việc theo năm chưa hoàn thành 100% (Điều 2.5).

    Example: dotpha carry-over --consolidated tong_hop_2027/ --year 2027 --out chuyen_tiep.xlsx
    """
    from dotpha_xl.steps.tenure_events import carry_over as run_carry_over

    data = run_carry_over(consolidated_dir, year, out, obj.settings, assignments=assignments)
    emit_json(json_path, data)
    click.echo(str(out), err=json_to_stdout(json_path))
    click.echo(f"{len(data['carried'])} việc chuyển tiếp sang năm {year + 1}.", err=True)


@click.command("announce")
@click.option("--roster", type=EXISTING_FILE, required=True, help="Danh sách cán bộ (.xlsx).")
@click.option("--plans", "plans_dir", type=EXISTING_DIR, required=True, help="Thư mục kế hoạch.")
@click.option("--consolidated", "consolidated_dir", type=EXISTING_DIR,
              help="Thư mục kết quả tổng hợp năm (thêm kết quả vào thông báo).")  # fmt: skip
@click.option("--ratings", type=EXISTING_FILE,
              help="Bảng xếp loại đã quyết định (cadre_id, task_key, decided_rating).")  # fmt: skip
@click.option("--out", "out_dir", type=OUTPUT_DIR, required=True,
              help="Thư mục ghi thông báo.")  # fmt: skip
@click.option("--pdf", is_flag=True, help="Ghi thêm bản PDF (cần LibreOffice).")
@pass_context
def announce(
    obj: Context, roster: Path, plans_dir: Path, consolidated_dir: Path | None,
    ratings: Path | None, out_dir: Path, pdf: bool,
) -> None:  # fmt: skip
    """Một thông báo cho mỗi cơ quan, đơn vị: kế hoạch và kết quả của cán bộ (Điều 2.6).

    Example: dotpha announce --roster roster.xlsx --plans ke_hoach/ --consolidated tong_hop/
    --out thong_bao/ --pdf
    """
    from dotpha_xl.steps.tenure_events import announce as run_announce

    run = run_announce(
        roster, plans_dir, out_dir, obj.settings, consolidated_dir=consolidated_dir,
        ratings_path=ratings, pdf=pdf,
    )  # fmt: skip
    for path in run.files:
        click.echo(str(path))
    for message in run.messages:
        click.echo(message, err=True)
    click.echo(f"Đã tạo {len(run.notices)} thông báo trong {out_dir}.", err=True)
    if pdf and run.messages:
        sys.exit(1)


COMMANDS = (handover, carry_over, announce)
