"""The commands that show the cycle's calendar and the intake ledger: ``calendar``, ``history``."""

from __future__ import annotations

from pathlib import Path

import click

from dotpha_xl.cli.base import (
    INPUT_FILE,
    Context,
    emit_json,
    json_option,
    json_to_stdout,
    pass_context,
)


@click.command()
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
@click.option(
    "--assignments",
    type=INPUT_FILE,
    help="Danh sách giao việc: hạn kế hoạch của người mới tính từ ngày được giao việc.",
)
@json_option
@pass_context
def calendar(
    obj: Context,
    year: int,
    fmt: str,
    roster: Path | None = None,
    assignments: Path | None = None,
    json_path: Path | None = None,
) -> None:
    """Các mốc thời hạn của chu kỳ cho năm kế hoạch YEAR.

    Example: dotpha calendar --year 2027 --format json
    """
    from dotpha_xl.domain.calendar import cycle_deadlines

    deadlines = cycle_deadlines(obj.settings, year)
    own = []
    if roster is not None:
        from dotpha_xl.steps.tenure import personal_deadlines
        from dotpha_xl.xlsx.tables import read_assignments, read_roster

        table = read_assignments(assignments, obj.settings) if assignments else None
        own = personal_deadlines(list(read_roster(roster, obj.settings).cadres.values()),
                                 obj.settings, year, table)  # fmt: skip
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


@click.command()
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


COMMANDS = (
    calendar,
    history,
)
