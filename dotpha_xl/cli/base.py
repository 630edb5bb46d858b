"""What every ``dotpha`` command shares: the kinds of path option, the ``--json FILE`` option and
where its JSON goes, the run's context (settings, ledger, progress), how problems are shown, and
the one mapping of errors to exit codes.

Exit codes: 0 clean; 1 data problems found (reported with their file, sheet and cell); 2 usage
error (a bad option, or an :class:`~dotpha_xl.kernel.errors.InputError` raised by a step);
3 internal error (a bug: a short message, the traceback with ``--debug``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from dotpha_xl.kernel.errors import InputError
from dotpha_xl.kernel.settings import Settings, load_settings

EXIT_CLEAN = 0
EXIT_DATA_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

#: The kinds of path the options take (an input must exist; a file is not a folder).
INPUT_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
INPUT_DIR = click.Path(exists=True, file_okay=False, path_type=Path)
OUTPUT_FILE = click.Path(dir_okay=False, path_type=Path)
OUTPUT_DIR = click.Path(file_okay=False, path_type=Path)
#: The roster every generating and consolidating command needs.
roster_option = click.option(
    "--roster", type=INPUT_FILE, required=True, help="Danh sách cán bộ (.xlsx)."
)


class Context:
    def __init__(
        self, settings_path: str | None, debug: bool, quiet: bool, ledger_path: str | None = None
    ) -> None:
        self.settings_path = settings_path
        self.debug = debug
        self.quiet = quiet
        self.ledger_path = ledger_path
        self._settings: Settings | None = None

    def ledger(self, command: str):
        """The intake ledger for this run; its summary goes to stderr when the command ends."""
        from dotpha_xl.store.ledger import DEFAULT_LEDGER, Ledger, render_summary

        ledger = Ledger(self.ledger_path or DEFAULT_LEDGER, command=command)

        def close() -> None:
            click.echo(render_summary(ledger.summary), err=True)
            ledger.close()

        click.get_current_context().find_root().call_on_close(close)
        return ledger

    def progress(self, label: str):
        """A ``progress(done, total)`` callback drawing a bar on stderr, or ``None`` with
        ``--quiet`` or when stderr is not a terminal."""
        if self.quiet or not sys.stderr.isatty():
            return None
        bar = None

        def update(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = click.progressbar(length=total, label=label, file=sys.stderr)
                bar.__enter__()
            bar.update(done - bar.pos)
            if done >= total:
                bar.__exit__(None, None, None)

        return update

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.settings_path)
        return self._settings


pass_context = click.make_pass_decorator(Context)


#: ``--json FILE``: every command that gives JSON takes it the same way ("-" is stdout).
json_option = click.option(
    "--json",
    "json_path",
    type=OUTPUT_FILE,
    help="Ghi kết quả dạng JSON vào tệp ('-' để in ra màn hình).",
)


def json_to_stdout(json_path: Path | None) -> bool:
    """Whether the JSON goes to stdout (then every other line goes to stderr)."""
    return json_path is not None and str(json_path) == "-"


def emit_json(json_path: Path | None, data: Any) -> None:
    """The JSON of a command: to stdout for ``-``, else written atomically to the file."""
    if json_path is None:
        return
    text = json.dumps(data, ensure_ascii=False, indent=2)
    if json_to_stdout(json_path):
        click.echo(text)
        return
    from dotpha_xl.store.atomic import write_bytes_atomic

    write_bytes_atomic(json_path, (text + "\n").encode("utf-8"))


def render_problems(problems, *, limit: int = 200) -> None:
    """Problems to stderr, one line each, in Vietnamese."""
    for p in problems[:limit]:
        click.echo(p.render(), err=True)
    if len(problems) > limit:
        click.echo(f"... và {len(problems) - limit} vấn đề khác (xem --json).", err=True)


class Group(click.Group):
    """A click group whose commands map a step's :class:`InputError` to a usage error (exit 2),
    in this one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as exc:
            raise click.UsageError(str(exc)) from exc


def run_main(group: click.Group) -> None:
    """Run the command line; an unexpected exception is a bug: exit 3 (traceback with --debug)."""
    debug = "--debug" in sys.argv
    try:
        group.main(prog_name="dotpha", standalone_mode=True)
    except Exception:  # pragma: no cover - a crash is a bug, shown plainly
        if debug:
            raise
        click.echo(
            "Lỗi chương trình (không phải lỗi dữ liệu). Chạy lại với --debug để xem chi tiết.",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
