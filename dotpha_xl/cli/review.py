"""The commands of the registration round (Art. 4.1–4.3): ``proposals``, ``decision``,
``assignments``."""

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
    render_problems,
)


@click.command()
@click.option("--roster", type=INPUT_FILE,
              required=True, help="Danh sách cán bộ (.xlsx).")  # fmt: skip
@click.option("--registrations", "registrations_dir", required=True,
              type=INPUT_DIR,
              help="Thư mục các bản đăng ký đã nhận.")  # fmt: skip
@click.option("--year", type=int, required=True, help="Năm đăng ký (năm Y).")
@click.option("--out", "out_dir", type=OUTPUT_DIR,
              required=True, help="Thư mục ghi bảng đề xuất của cơ quan thẩm định.")  # fmt: skip
@json_option
@pass_context
def proposals(
    obj: Context, roster: Path, registrations_dir: Path, year: int, out_dir: Path,
    json_path: Path | None,
) -> None:  # fmt: skip
    """Kiểm tra các bản đăng ký và lập bảng đề xuất cho từng cơ quan thẩm định (Điều 4.2).

    Example: dotpha proposals --roster roster.xlsx --registrations dang_ky_da_nop/
    --year 2027 --out de_xuat/ --json de_xuat.json
    """
    from dotpha_xl.steps.proposals import write_proposals

    result = write_proposals(roster, registrations_dir, year, out_dir, obj.settings)
    emit_json(json_path, result.to_json())
    render_problems(result.problems)
    for rejected in result.rejected:
        click.echo(f"Tệp bị từ chối: {rejected.file}", err=True)
        render_problems(rejected.problems, limit=5)
    for path in result.files:
        click.echo(str(path), err=json_to_stdout(json_path))
    click.echo(
        f"Năm {year}: {len(result.registered)} bản đăng ký hợp lệ; {len(result.missing)} cán bộ "
        f"chưa đăng ký; {len(result.late())} nộp muộn; {len(result.rejected)} tệp bị từ chối.",
        err=True,
    )
    sys.exit(1 if result.rejected else 0)


@click.command()
@click.option("--proposals", "proposals_dir", required=True,
              type=INPUT_DIR,
              help="Thư mục bảng đề xuất của các cơ quan thẩm định.")  # fmt: skip
@click.option("--roster", type=INPUT_FILE,
              required=True, help="Danh sách cán bộ (.xlsx).")  # fmt: skip
@click.option("--year", type=int, required=True, help="Năm giao việc (năm Y).")
@click.option("--out", type=OUTPUT_FILE, required=True,
              help="Tệp tổng hợp đề xuất trình Ban Thường vụ (.xlsx).")  # fmt: skip
@click.option(
    "--carried",
    type=INPUT_FILE,
    help="Bảng việc chuyển tiếp (dotpha carry-over): liệt kê cùng các việc đề xuất.",
)
@pass_context
def decision(
    obj: Context, proposals_dir: Path, roster: Path, year: int, out: Path, carried: Path | None
) -> None:
    """Tổng hợp đề xuất trình Ban Thường vụ quyết định giao việc (Điều 4.2 đ, 4.3).

    Example: dotpha decision --proposals de_xuat/ --roster roster.xlsx --year 2027
    --out tong_hop_de_xuat.xlsx
    """
    from dotpha_xl.steps.decision import write_decision

    run = write_decision(proposals_dir, roster, year, out, obj.settings, carried_path=carried)
    render_problems(run.problems)
    click.echo(str(run.file))
    click.echo(
        f"{run.tasks} việc đề xuất; {len(run.without_task)} cán bộ chưa có việc; "
        f"{len(run.rejected)} tệp bị từ chối.",
        err=True,
    )
    sys.exit(1 if run.rejected else 0)


@click.command()
@click.option("--decision", "decision_file", required=True,
              type=INPUT_FILE,
              help="Tệp tổng hợp đề xuất đã ghi quyết định của Ban Thường vụ.")  # fmt: skip
@click.option("--out", type=OUTPUT_FILE, required=True,
              help="Danh sách giao việc (.xlsx) cho dotpha template plan.")  # fmt: skip
@click.option("--decided-on", type=click.DateTime(["%Y-%m-%d"]),
              help="Ngày quyết định giao việc (mặc định: hạn 31/12 năm trước).")  # fmt: skip
@pass_context
def assignments(obj: Context, decision_file: Path, out: Path, decided_on) -> None:
    """Danh sách giao việc từ quyết định của Ban Thường vụ (các dòng 'giao').

    Example: dotpha assignments --decision tong_hop_de_xuat.xlsx --out giao_viec.xlsx
    """
    from dotpha_xl.steps.decision import write_assignments

    run = write_assignments(
        decision_file, out, obj.settings, decided_on.date() if decided_on else None
    )
    render_problems(run.problems)
    if run.file is None:
        sys.exit(1)
    click.echo(str(run.file))
    click.echo(f"{len(run.rows)} việc được giao.", err=True)


COMMANDS = (
    proposals,
    decision,
    assignments,
)
