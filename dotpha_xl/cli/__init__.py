"""The ``dotpha`` command line: thin commands that parse options, call one library function and
render its result.  Exit codes (``cli/base.py``): 0 clean, 1 data problems found, 2 usage
error, 3 internal error.

Data goes to stdout, messages and progress to stderr.  Tracebacks only with ``--debug``.
"""

from __future__ import annotations

import click

from dotpha_xl import __version__
from dotpha_xl.cli.base import Context, Group, run_main


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


def _register() -> None:
    """Every command module's commands, in the order of the cycle."""
    from dotpha_xl.cli import consolidation, intake, review, templates, tenure, web

    for module in (intake, templates, review, consolidation, tenure, web):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    run_main(cli)


__all__ = ["cli", "main"]
