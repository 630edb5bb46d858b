"""The ``dotpha`` command line: thin commands that parse options, call one library function and
render its result.  Exit codes: 0 clean, 1 data problems found, 2 usage error.

Data goes to stdout, messages and progress to stderr.  Tracebacks only with ``--debug``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dotpha_xl import __version__
from dotpha_xl.settings import Settings, SettingsError, load_settings


class Context:
    def __init__(self, settings_path: str | None, debug: bool, quiet: bool) -> None:
        self.settings_path = settings_path
        self.debug = debug
        self.quiet = quiet
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings(self.settings_path)
            except SettingsError as exc:
                raise click.UsageError(str(exc)) from exc
        return self._settings


pass_context = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="dotpha")
@click.option(
    "--settings",
    "settings_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Tệp TOML ghi đè một phần cấu hình mặc định (xem docs/settings.md).",
)
@click.option("--debug", is_flag=True, help="In traceback khi có lỗi chương trình.")
@click.option("--quiet", "-q", is_flag=True, help="Không in tiến trình.")
@click.pass_context
def cli(ctx: click.Context, settings_path: str | None, debug: bool, quiet: bool) -> None:
    """dotpha: giao, lập kế hoạch, báo cáo và đánh giá việc đột phá, đổi mới của cán bộ.

    Example: dotpha calendar --year 2027
    """
    ctx.obj = Context(settings_path, debug, quiet)


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
@pass_context
def calendar(obj: Context, year: int, fmt: str) -> None:
    """Các mốc thời hạn của chu kỳ cho năm kế hoạch YEAR.

    Example: dotpha calendar --year 2027 --format json
    """
    from dotpha_xl.domain.calendar import cycle_deadlines

    deadlines = cycle_deadlines(obj.settings, year)
    if fmt == "json":
        data = {
            "year": year,
            "deadline_reading": obj.settings.deadline_reading,
            "deadlines": [
                {"code": d.code, "name": d.name, "due": d.due.isoformat(), "article": d.article}
                for d in deadlines
            ],
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    reading = (
        "trước hoặc đúng ngày" if obj.settings.deadline_reading == "on_or_before" else "trước ngày"
    )
    click.echo(f"Lịch thực hiện việc đột phá, đổi mới năm {year} (hạn: {reading})")
    width = max(len(d.name) for d in deadlines)
    for d in deadlines:
        click.echo(f"{d.due:%d/%m/%Y}  {d.name:<{width}}  (Điều {d.article})")


def render_problems(problems, *, limit: int = 200) -> None:
    """Problems to stderr, one line each, in Vietnamese."""
    for p in problems[:limit]:
        click.echo(p.render(), err=True)
    if len(problems) > limit:
        click.echo(f"... và {len(problems) - limit} vấn đề khác (xem --json).", err=True)


def fail_unsafe(exc: Exception) -> None:
    raise click.UsageError(str(exc)) from exc


@cli.group()
def template() -> None:
    """Tạo biểu mẫu cá nhân hoá cho từng cán bộ (kế hoạch, báo cáo)."""


@template.command("plan")
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="Danh sách cán bộ (.xlsx).",
)
@click.option(
    "--assignments",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="Danh sách việc được giao (.xlsx).",
)
@click.option("--year", type=int, required=True, help="Năm kế hoạch.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
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
    from dotpha_xl.pipeline.generate import generate_plans
    from dotpha_xl.workbook.atomic import UnsafeOutput

    try:
        result = generate_plans(
            roster, assignments, year, out_dir, obj.settings, items_per_month=items_per_month
        )
    except UnsafeOutput as exc:
        fail_unsafe(exc)
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
    type=click.Path(exists=True, file_okay=False, path_type=Path),
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
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Thư mục ghi các biểu báo cáo.",
)
@click.option(
    "--previous",
    "previous_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Thư mục các báo cáo kỳ trước: điền sẵn mức độ hoàn thành và sản phẩm.",
)
@pass_context
def template_report(
    obj: Context, plans_dir: Path, period: str, out_dir: Path, previous_dir: Path | None
) -> None:
    """Một biểu báo cáo (Mẫu số 03) cho mỗi cán bộ có kế hoạch hợp lệ.

    Example: dotpha template report --plans ke_hoach/ --period 2027-Q2 --out bao_cao_q2/
    """
    from dotpha_xl.pipeline.reports import generate_reports
    from dotpha_xl.workbook.atomic import UnsafeOutput

    try:
        result = generate_reports(
            plans_dir, period, out_dir, obj.settings, previous_dir=previous_dir
        )
    except UnsafeOutput as exc:
        fail_unsafe(exc)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--period") from exc
    render_problems(result.problems)
    for path in result.files:
        click.echo(str(path))
    click.echo(f"Đã tạo {len(result.files)} biểu báo cáo trong {out_dir}.", err=True)
    if any(p.severity == "error" for p in result.problems):
        sys.exit(1)


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Danh sách cán bộ: kiểm tra mã cán bộ của từng tệp.",
)
@click.option("--year", type=int, help="Năm kế hoạch mong đợi.")
@click.option(
    "--annotate",
    "annotate_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Ghi bản sao của mỗi tệp có lỗi, tô đỏ và chú thích ô sai, vào thư mục này.",
)
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON ra stdout.")
@pass_context
def validate(
    obj: Context,
    files: tuple[Path, ...],
    roster: Path | None,
    year: int | None,
    annotate_dir: Path | None,
    as_json: bool,
) -> None:
    """Kiểm tra các tệp kế hoạch đã điền (tệp hoặc thư mục) và chỉ ra từng ô sai.

    Exit 0 khi mọi tệp hợp lệ, 1 khi có lỗi dữ liệu, 2 khi dùng sai lệnh.

    Example: dotpha validate ke_hoach/ --annotate ke_hoach_loi/
    """
    from dotpha_xl.pipeline.validate import validate_plans
    from dotpha_xl.workbook.atomic import UnsafeOutput

    try:
        result = validate_plans(
            files, obj.settings, roster_path=roster, year=year, annotate_dir=annotate_dir
        )
    except UnsafeOutput as exc:
        fail_unsafe(exc)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    render_problems(result.problems)
    for verdict in result.files:
        status = "hợp lệ" if verdict.ok else f"{len(verdict.problems)} vấn đề"
        if not as_json:
            click.echo(f"{verdict.path}: {status}")
        render_problems(verdict.problems)
    valid = sum(f.ok for f in result.files)
    click.echo(f"{valid}/{len(result.files)} tệp hợp lệ.", err=True)
    sys.exit(0 if result.ok else 1)


def main() -> None:
    debug = "--debug" in sys.argv
    try:
        cli.main(prog_name="dotpha", standalone_mode=True)
    except Exception:  # pragma: no cover - a crash is a bug, shown plainly
        if debug:
            raise
        click.echo(
            "Lỗi chương trình (không phải lỗi dữ liệu). Chạy lại với --debug để xem chi tiết.",
            err=True,
        )
        sys.exit(3)


__all__ = ["Path", "cli", "main"]
