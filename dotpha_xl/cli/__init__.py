"""The ``dotpha`` command line: thin commands that parse options, call one library function and
render its result.  Exit codes (``cli/base.py``): 0 clean, 1 data problems found, 2 usage
error, 3 internal error.

Data goes to stdout, messages and progress to stderr.  Tracebacks only with ``--debug``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from dotpha_xl import __version__
from dotpha_xl.cli.base import (
    EXIT_INTERNAL,
    INPUT_DIR,
    INPUT_FILE,
    OUTPUT_DIR,
    OUTPUT_FILE,
    Context,
    Group,
    emit_json,
    json_option,
    json_to_stdout,
    pass_context,
    render_problems,
    roster_option,
    run_main,
)
from dotpha_xl.cli.tenure import COMMANDS as TENURE_COMMANDS


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dotpha")
@click.option(
    "--settings",
    "settings_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Tệp TOML ghi đè một phần cấu hình mặc định (xem docs/settings.md).",
)
@click.option("--debug", is_flag=True, help="In traceback khi có lỗi chương trình.")
@click.option("--quiet", "-q", is_flag=True, help="Không in tiến trình.")
@click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(dir_okay=False),
    envvar="DOTPHA_LEDGER",
    help="Sổ tiếp nhận SQLite ghi mọi tệp đã đọc (mặc định: dotpha.sqlite ở thư mục hiện hành).",
)
@click.pass_context
def cli(
    ctx: click.Context,
    settings_path: str | None,
    debug: bool,
    quiet: bool,
    ledger_path: str | None = None,
) -> None:
    """dotpha: giao, lập kế hoạch, báo cáo và đánh giá việc đột phá, đổi mới của cán bộ.

    Example: dotpha calendar --year 2027
    """
    ctx.obj = Context(settings_path, debug, quiet, ledger_path)


@cli.command()
@click.option("--year", type=int, required=True, help="Năm kế hoạch (năm Y).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: bảng tiếng Việt, ngày dd/mm/yyyy; json: mã bước ổn định, ngày ISO.",
)
@click.option(
    "--roster",
    type=INPUT_FILE,
    help="Danh sách cán bộ: thêm hạn riêng của người thôi giữ chức vụ, người mới được giao.",
)
@json_option
@pass_context
def calendar(
    obj: Context, year: int, fmt: str, roster: Path | None = None, json_path: Path | None = None
) -> None:
    """Các mốc thời hạn của chu kỳ cho năm kế hoạch YEAR.

    Example: dotpha calendar --year 2027 --format json
    """
    from dotpha_xl.domain.calendar import cycle_deadlines

    deadlines = cycle_deadlines(obj.settings, year)
    own = []
    if roster is not None:
        from dotpha_xl.steps.tenure import personal_deadlines
        from dotpha_xl.xlsx.tables import read_roster

        own = personal_deadlines(list(read_roster(roster, obj.settings).cadres.values()),
                                 obj.settings, year)  # fmt: skip
    if fmt == "json" or json_path is not None:
        data = {
            "year": year,
            "deadline_reading": obj.settings.deadline_reading,
            "deadlines": [
                {"code": d.code, "name": d.name, "due": d.due.isoformat(), "article": d.article}
                for d in deadlines
            ],
        }
        if roster is not None:
            data["cadre_deadlines"] = [d.to_json() for d in own]
        emit_json(Path("-") if fmt == "json" and json_path is None else json_path, data)
        if fmt == "json" or json_to_stdout(json_path):
            return
    reading = (
        "trước hoặc đúng ngày" if obj.settings.deadline_reading == "on_or_before" else "trước ngày"
    )
    click.echo(f"Lịch thực hiện việc đột phá, đổi mới năm {year} (hạn: {reading})")
    width = max(len(d.name) for d in deadlines)
    for d in deadlines:
        click.echo(f"{d.due:%d/%m/%Y}  {d.name:<{width}}  (Điều {d.article})")
    if own:
        click.echo("Hạn riêng của từng cán bộ:")
    for d in own:
        click.echo(f"{d.due:%d/%m/%Y}  {d.cadre_id} {d.full_name}: {d.name}  (Điều {d.article})")


@cli.group()
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
@pass_context
def template_plan(
    obj: Context, roster: Path, assignments: Path, year: int, out_dir: Path, items_per_month: int
) -> None:
    """Một tệp kế hoạch (Mẫu số 02) cho mỗi cán bộ có việc trong năm YEAR.

    Example: dotpha template plan --roster roster.xlsx --assignments giao_viec.xlsx
    --year 2027 --out ke_hoach/
    """
    from dotpha_xl.steps.generate import generate_plans

    result = generate_plans(
        roster, assignments, year, out_dir, obj.settings, items_per_month=items_per_month,
        jobs=os.cpu_count() or 1, progress=obj.progress("Tạo kế hoạch"),
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
    help="Thư mục các báo cáo kỳ trước: điền sẵn mức độ hoàn thành và sản phẩm.",
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


@cli.command()
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


@cli.command()
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


@cli.command()
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


@cli.command()
@roster_option
@click.option(
    "--plans",
    "plans_dir",
    type=INPUT_DIR,
    required=True,
    help="Thư mục các kế hoạch đã nhận.",
)
@click.option(
    "--reports",
    "reports_dir",
    type=INPUT_DIR,
    required=True,
    help="Thư mục các báo cáo đã nhận.",
)
@click.option("--period", required=True, help="Kỳ báo cáo: 2027-Q2, 2027-H1, 2027, 2027-05-10.")
@click.option(
    "--out",
    "out_dir",
    type=OUTPUT_DIR,
    help="Thư mục ghi các bảng tổng hợp của từng cơ quan thẩm định.",
)
@click.option(
    "--assignments",
    type=INPUT_FILE,
    help="Danh sách việc được giao: ai phải báo cáo (mặc định: ai có kế hoạch).",
)
@click.option("--body", help="Chỉ tổng hợp cho một cơ quan thẩm định (mã, ví dụ UBND).")
@click.option(
    "--receipts",
    type=INPUT_FILE,
    help="Bảng thời điểm nhận (cột file, received); mặc định: thời điểm sửa tệp.",
)
@json_option
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra và báo cáo, không ghi bảng tổng hợp.")
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=os.cpu_count() or 1,
    show_default="số nhân CPU",
    help="Số tiến trình đọc tệp song song.",
)
@pass_context
def consolidate(
    obj: Context,
    roster: Path,
    plans_dir: Path,
    reports_dir: Path,
    period: str,
    out_dir: Path | None,
    assignments: Path | None,
    body: str | None,
    receipts: Path | None,
    json_path: Path | None,
    dry_run: bool,
    jobs: int,
) -> None:
    """Tổng hợp báo cáo một kỳ: tính lại mọi số liệu từ từng nội dung, xếp loại, lập bảng
    tổng hợp cho từng cơ quan thẩm định.

    Example: dotpha consolidate --roster roster.xlsx --plans ke_hoach/ --reports bao_cao/
    --period 2027-Q2 --out tong_hop/ --json tong_hop.json
    """
    from dotpha_xl.steps.consolidate import consolidate_to
    from dotpha_xl.store import consolidation_json

    if out_dir is None and not dry_run:
        raise click.UsageError("Cần --out (hoặc --dry-run để chỉ kiểm tra).")
    to_stdout = json_to_stdout(json_path)
    run = consolidate_to(
        None if dry_run else out_dir, roster, plans_dir, reports_dir, period, obj.settings,
        assignments_path=assignments, body=body, receipts_path=receipts,
        json_path=None if (to_stdout or dry_run) else json_path, jobs=jobs,
        ledger=obj.ledger("consolidate"), progress=obj.progress("Đọc báo cáo"),
    )  # fmt: skip
    c = run.consolidation
    if to_stdout:
        emit_json(json_path, consolidation_json.to_json(c))
    render_problems(c.problems)
    for rejected in c.rejected:
        click.echo(f"Tệp bị từ chối: {rejected.file}", err=True)
        render_problems(rejected.problems, limit=5)
    for path in run.files:
        click.echo(str(path), err=to_stdout)
    cadres = len({t.cadre.cadre_id for t in c.tasks})
    click.echo(
        f"Kỳ {c.period.code}: {cadres} cán bộ, {len(c.tasks)} việc đã tổng hợp; "
        f"{len(c.missing)} chưa nộp; {len(c.rejected)} tệp bị từ chối; "
        f"{len(c.superseded)} tệp được thay bằng bản mới hơn.",
        err=True,
    )
    if c.warnings:
        click.echo(
            f"{len(c.warnings)} cảnh báo trong các tệp đã đọc (xem trang 'Cảnh báo' của bảng "
            "tổng hợp và mục warnings của tệp JSON):",
            err=True,
        )
        render_problems(c.warnings, limit=20)
    sys.exit(consolidation_exit_code(c, debug=obj.debug))


def consolidation_exit_code(c: Any, *, debug: bool) -> int:
    """3 when reading some file met a bug (its traceback shown with ``--debug``), 1 when files
    were rejected or a side table has errors, 0 otherwise (warnings alone included)."""
    from dotpha_xl.steps.batch import has_internal_error

    internal = has_internal_error(c.problems) or any(
        has_internal_error(r.problems) for r in c.rejected
    )
    if internal:
        click.echo(
            "Lỗi chương trình khi đọc một số tệp (không phải lỗi của tệp). "
            + ("" if debug else "Chạy lại với --debug để xem chi tiết."),
            err=True,
        )
        if debug:
            for file, trace in c.tracebacks.items():
                click.echo(f"--- {file} ---\n{trace}", err=True)
        return EXIT_INTERNAL
    return 1 if c.rejected or any(p.severity == "error" for p in c.problems) else 0


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--roster",
    type=INPUT_FILE,
    help="Danh sách cán bộ: kiểm tra mã cán bộ của từng tệp.",
)
@click.option("--year", type=int, help="Năm kế hoạch mong đợi.")
@click.option(
    "--annotate",
    "annotate_dir",
    type=OUTPUT_DIR,
    help="Ghi bản sao của mỗi tệp có lỗi, tô đỏ và chú thích ô sai, vào thư mục này.",
)
@json_option
@pass_context
def validate(
    obj: Context,
    files: tuple[Path, ...],
    roster: Path | None,
    year: int | None,
    annotate_dir: Path | None,
    json_path: Path | None,
) -> None:
    """Kiểm tra các tệp kế hoạch đã điền (tệp hoặc thư mục) và chỉ ra từng ô sai.

    Exit 0 khi mọi tệp hợp lệ, 1 khi có lỗi dữ liệu, 2 khi dùng sai lệnh.

    Example: dotpha validate ke_hoach/ --annotate ke_hoach_loi/
    """
    from dotpha_xl.steps.validate import validate_plans

    result = validate_plans(
        files, obj.settings, roster_path=roster, year=year, annotate_dir=annotate_dir,
        ledger=obj.ledger("validate"),
    )  # fmt: skip
    emit_json(json_path, result.to_dict())
    render_problems(result.problems)
    for verdict in result.files:
        status = "hợp lệ" if verdict.ok else f"{len(verdict.problems)} vấn đề"
        click.echo(f"{verdict.path}: {status}", err=json_to_stdout(json_path))
        render_problems(verdict.problems)
    valid = sum(f.ok for f in result.files)
    click.echo(f"{valid}/{len(result.files)} tệp hợp lệ.", err=True)
    if result.tracebacks:
        click.echo("Lỗi chương trình khi đọc một số tệp (không phải lỗi của tệp).", err=True)
        for file, trace in result.tracebacks.items() if obj.debug else ():
            click.echo(f"--- {file} ---\n{trace}", err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(0 if result.ok else 1)


@cli.command()
@click.option(
    "--consolidated",
    type=INPUT_DIR,
    help="Thư mục kết quả của dotpha consolidate.",
)
@click.option("--period", required=True, help="Kỳ báo cáo, ví dụ 2027.")
@click.option(
    "--out",
    "out",
    type=OUTPUT_FILE,
    required=True,
    help="Tệp báo cáo tổng hợp (.xlsx).",
)
@click.option(
    "--roster",
    type=INPUT_FILE,
    help="Thay cho --consolidated: danh sách cán bộ.",
)
@click.option(
    "--plans",
    type=INPUT_DIR,
    help="Thay cho --consolidated: thư mục kế hoạch.",
)
@click.option(
    "--reports",
    type=INPUT_DIR,
    help="Thay cho --consolidated: thư mục báo cáo.",
)
@click.option(
    "--assignments",
    type=INPUT_FILE,
    help="Danh sách việc được giao.",
)
@click.option(
    "--date",
    "on",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Ngày ghi trên văn bản (YYYY-MM-DD); mặc định để trống để ghi tay.",
)
@json_option
@pass_context
def summary(
    obj: Context,
    consolidated: Path | None,
    period: str,
    out: Path,
    roster: Path | None,
    plans: Path | None,
    reports: Path | None,
    assignments: Path | None,
    on,
    json_path: Path | None,
) -> None:
    """Báo cáo tổng hợp của Ban Tổ chức trình Ban Thường vụ: số liệu theo cơ quan, danh sách
    đề nghị khen thưởng, xử lý, chuyển năm sau, bất khả kháng.

    Example: dotpha summary --consolidated tong_hop/ --period 2027 --out bao_cao_BTV.xlsx
    """
    from dotpha_xl.steps.summary_job import write_summary

    run = write_summary(
        out,
        period,
        obj.settings,
        consolidated=consolidated,
        roster=roster,
        plans=plans,
        reports=reports,
        assignments=assignments,
        on=on.date() if on else None,
    )
    emit_json(json_path, run.summary.to_json())
    render_problems(run.problems)
    click.echo(str(run.file), err=json_to_stdout(json_path))
    sys.exit(1 if any(p.severity == "error" for p in run.problems) else 0)


@cli.command()
@click.option("--consolidated", required=True,
              type=INPUT_DIR,
              help="Thư mục kết quả của dotpha consolidate.")  # fmt: skip
@click.option("--summary", "summary_file", required=True,
              type=INPUT_FILE,
              help="Báo cáo tổng hợp đã ghi mức Ban Thường vụ quyết định.")  # fmt: skip
@click.option("--period", required=True, help="Kỳ báo cáo có xếp loại, ví dụ 2027.")
@click.option("--out", type=OUTPUT_FILE, required=True,
              help="Tệp kết quả xếp loại (.xlsx).")  # fmt: skip
@json_option
@pass_context
def ratings(
    obj: Context, consolidated: Path, summary_file: Path, period: str, out: Path,
    json_path: Path | None,
) -> None:  # fmt: skip
    """Kết quả xếp loại: mức tính toán, tự nhận, đề xuất và quyết định; danh sách khen
    thưởng theo mức quyết định (Điều 7.3, 9).

    Example: dotpha ratings --consolidated tong_hop/ --summary bao_cao_BTV.xlsx --period 2027
    --out xep_loai_2027.xlsx --json xep_loai_2027.json
    """
    from dotpha_xl.steps.ratings import write_ratings

    run = write_ratings(consolidated, summary_file, period, out, obj.settings)
    r = run.ratings
    emit_json(json_path, r.to_json())
    render_problems(r.problems)
    if run.file is not None:
        click.echo(str(run.file), err=json_to_stdout(json_path))
    changed = sum(1 for x in r.rows if x.decided != x.computed)
    click.echo(
        f"Kỳ {r.period}: {len(r.rows)} việc xếp loại; {changed} việc có mức quyết định khác mức "
        f"tính toán; {len(r.commendation)} việc đề nghị khen thưởng; {len(r.problems)} vấn đề.",
        err=True,
    )
    sys.exit(1 if any(p.severity == "error" for p in r.problems) else 0)


@cli.command()
@click.argument("cadre_id", required=False)
@json_option
@pass_context
def history(obj: Context, cadre_id: str | None, json_path: Path | None) -> None:
    """Sổ tiếp nhận: mọi phiên bản của mọi tệp đã đọc (của một cán bộ khi có CADRE_ID).

    Mỗi dòng: lần đầu thấy, thời điểm sửa tệp, tệp, biểu, kỳ, kết luận, trạng thái, sha256.

    Example: dotpha history CB101 --json -
    """
    from dotpha_xl.store.ledger import DEFAULT_LEDGER, Ledger, render_version

    path = Path(obj.ledger_path or DEFAULT_LEDGER)
    if not path.exists():
        raise click.UsageError(f"Chưa có sổ tiếp nhận '{path}'.")
    with Ledger(path) as ledger:
        versions = ledger.history(cadre_id)
    emit_json(json_path, [v.to_dict() for v in versions])
    if json_to_stdout(json_path):
        return
    current = ""
    for v in versions:
        if v.cadre_id != current:
            current = v.cadre_id
            click.echo(f"# {current or '(không rõ cán bộ)'}")
        click.echo(render_version(v))
    click.echo(f"{len(versions)} phiên bản.", err=True)


for command in TENURE_COMMANDS:
    cli.add_command(command)


@cli.command("blank-templates")
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


def main() -> None:
    run_main(cli)


__all__ = ["Path", "cli", "main"]
