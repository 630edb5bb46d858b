"""The commands that make the cadres' forms: ``dotpha template plan|report|register`` and
``dotpha blank-templates``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from dotpha_xl.cli.base import (
    INPUT_DIR,
    INPUT_FILE,
    OUTPUT_DIR,
    Context,
    pass_context,
    render_problems,
    roster_option,
)


@click.group()
def template() -> None:
    """Tạo biểu mẫu cá nhân hoá cho từng cán bộ (kế hoạch, báo cáo)."""


@template.command("plan")
@roster_option
@click.option(
    "--assignments",
    type=INPUT_FILE,
    required=True,
    help="Danh sách việc được giao (.xlsx).",
)
@click.option("--year", type=int, required=True, help="Năm kế hoạch.")
@click.option(
    "--out",
    "out_dir",
    type=OUTPUT_DIR,
    required=True,
    help="Thư mục ghi các tệp kế hoạch.",
)
@click.option(
    "--items-per-month",
    type=click.IntRange(1, 20),
    default=3,
    show_default=True,
    help="Số dòng nội dung công việc để trống trong mỗi tháng.",
)
@click.option(
    "--previous-plans",
    "previous_dir",
    type=INPUT_DIR,
    help="Thư mục kế hoạch năm trước (năm YEAR-1): việc theo giai đoạn đang thực hiện giữ "
    "nguyên (khoá) các năm đã lập.",
)
@pass_context
def template_plan(
    obj: Context, roster: Path, assignments: Path, year: int, out_dir: Path, items_per_month: int,
    previous_dir: Path | None,
) -> None:  # fmt: skip
    """Một tệp kế hoạch (Mẫu số 02) cho mỗi cán bộ có việc trong năm YEAR.

    Example: dotpha template plan --roster roster.xlsx --assignments giao_viec.xlsx
    --year 2028 --out ke_hoach_2028/ --previous-plans ke_hoach_2027/
    """
    from dotpha_xl.steps.generate import generate_plans

    result = generate_plans(
        roster, assignments, year, out_dir, obj.settings, items_per_month=items_per_month,
        jobs=os.cpu_count() or 1, progress=obj.progress("Tạo kế hoạch"), previous_dir=previous_dir,
    )  # fmt: skip
    render_problems(result.problems)
    for path in result.files:
        click.echo(str(path))
    click.echo(
        f"Đã tạo {len(result.files)} tệp kế hoạch trong {out_dir}; "
        f"{len(result.problems)} vấn đề ở dữ liệu đầu vào.",
        err=True,
    )
    if any(p.severity == "error" for p in result.problems):
        sys.exit(1)


@template.command("report")
@click.option(
    "--plans",
    "plans_dir",
    type=INPUT_DIR,
    required=True,
    help="Thư mục các kế hoạch hợp lệ (.xlsx).",
)
@click.option(
    "--period",
    required=True,
    help="Kỳ báo cáo: 2027-Q1..Q4, 2027-H1, 2027 (năm), hoặc ngày 2027-05-10 (đột xuất).",
)
@click.option(
    "--out",
    "out_dir",
    type=OUTPUT_DIR,
    required=True,
    help="Thư mục ghi các biểu báo cáo.",
)
@click.option(
    "--previous",
    "previous_dir",
    type=INPUT_DIR,
    help="Thư mục các báo cáo kỳ trước: báo cáo trước đó của cùng năm (điền sẵn mức độ hoàn "
    "thành và sản phẩm), hoặc báo cáo năm của năm trước (kết quả các năm trước của việc theo giai "
    "đoạn, điền sẵn và khoá).",
)
@pass_context
def template_report(
    obj: Context, plans_dir: Path, period: str, out_dir: Path, previous_dir: Path | None
) -> None:
    """Một biểu báo cáo (Mẫu số 03) cho mỗi cán bộ có kế hoạch hợp lệ.

    Example: dotpha template report --plans ke_hoach/ --period 2027-Q2 --out bao_cao_q2/
    """
    from dotpha_xl.steps.generate import generate_reports

    result = generate_reports(
        plans_dir, period, out_dir, obj.settings, previous_dir=previous_dir,
        ledger=obj.ledger("template report"), progress=obj.progress("Tạo báo cáo"),
        jobs=os.cpu_count() or 1,
    )  # fmt: skip
    render_problems(result.problems)
    for path in result.files:
        click.echo(str(path))
    click.echo(f"Đã tạo {len(result.files)} biểu báo cáo trong {out_dir}.", err=True)
    if any(p.severity == "error" for p in result.problems):
        sys.exit(1)


@template.command("register")
@roster_option
@click.option("--year", type=int, required=True, help="Năm đăng ký (năm Y).")
@click.option(
    "--out",
    "out_dir",
    type=OUTPUT_DIR,
    required=True,
    help="Thư mục ghi các bản đăng ký.",
)
@click.option(
    "--plans",
    "plans_dir",
    type=INPUT_DIR,
    help="Thư mục kế hoạch năm trước: liệt kê việc theo giai đoạn đang thực hiện.",
)
@click.option("--annual", type=click.IntRange(0, 20), default=3, show_default=True,
              help="Số dòng việc theo năm để trống.")  # fmt: skip
@click.option("--period", type=click.IntRange(0, 20), default=2, show_default=True,
              help="Số dòng việc theo giai đoạn để trống.")  # fmt: skip
@pass_context
def template_register(
    obj: Context, roster: Path, year: int, out_dir: Path, plans_dir: Path | None,
    annual: int, period: int,
) -> None:  # fmt: skip
    """Một bản đăng ký (Mẫu số 01) cho mỗi cán bộ đang công tác.

    Example: dotpha template register --roster roster.xlsx --year 2027 --out dang_ky/
    --plans ke_hoach_2026/
    """
    from dotpha_xl.steps.registrations import generate_registrations

    result = generate_registrations(
        roster, year, out_dir, obj.settings, plans_dir=plans_dir, annual=annual, period=period
    )
    render_problems(result.problems)
    for path in result.files:
        click.echo(str(path))
    click.echo(f"Đã tạo {len(result.files)} bản đăng ký trong {out_dir}.", err=True)
    if any(p.severity == "error" for p in result.problems):
        sys.exit(1)


@click.command("blank-templates")
@click.option(
    "--out",
    "out_dir",
    type=OUTPUT_DIR,
    default="workbook_templates",
    show_default=True,
    help="Thư mục ghi các mẫu trống.",
)
@click.option("--year", type=int, default=2027, show_default=True, help="Năm ghi trên mẫu.")
def blank_templates(out_dir: Path, year: int) -> None:
    """Các biểu mẫu trống (Mẫu 01, 02, 03) theo đúng quy ước của hệ thống.

    Example: dotpha blank-templates --out workbook_templates
    """
    from dotpha_xl.steps.blank import write_blank_templates

    for path in write_blank_templates(out_dir, year):
        click.echo(str(path))


COMMANDS = (
    template,
    blank_templates,
)
