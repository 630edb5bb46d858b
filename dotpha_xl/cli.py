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
