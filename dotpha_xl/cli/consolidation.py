"""The commands that read filled forms back and decide nothing by hand: ``validate``,
``consolidate``, ``summary``, ``ratings``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from dotpha_xl.cli.base import (
    EXIT_INTERNAL,
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
    roster_option,
)


@click.command()
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
@click.option(
    "--cache",
    "cache_dir",
    type=OUTPUT_DIR,
    help="Thư mục bộ nhớ đệm: tệp đã đọc (cùng sha256) không đọc lại; kết quả không đổi.",
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
    cache_dir: Path | None = None,
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
    cache = None
    if cache_dir is not None:
        from dotpha_xl.steps.verdict_cache import load_cache

        cache = load_cache(cache_dir, obj.settings)
    run = consolidate_to(
        None if dry_run else out_dir, roster, plans_dir, reports_dir, period, obj.settings,
        assignments_path=assignments, body=body, receipts_path=receipts,
        json_path=None if (to_stdout or dry_run) else json_path, jobs=jobs,
        ledger=obj.ledger("consolidate"), progress=obj.progress("Đọc báo cáo"), reader=cache,
    )  # fmt: skip
    if cache is not None:
        cache.save(cache_dir)
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


@click.command()
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
@click.option(
    "--receipts",
    type=INPUT_FILE,
    help="Bảng thời điểm nhận kế hoạch (cột file, received); mặc định: thời điểm sửa tệp.",
)
@click.option(
    "--assignments",
    type=INPUT_FILE,
    help="Danh sách giao việc: hạn kế hoạch của việc giao sau tính từ ngày giao (Điều 4.4 b).",
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
    receipts: Path | None = None,
    assignments: Path | None = None,
) -> None:
    """Kiểm tra các tệp kế hoạch đã điền (tệp hoặc thư mục) và chỉ ra từng ô sai; liệt kê kế
    hoạch nộp muộn (hạn 25/01, hoặc 01 tháng sau ngày giao việc với việc giao sau).

    Exit 0 khi mọi tệp hợp lệ, 1 khi có lỗi dữ liệu, 2 khi dùng sai lệnh.

    Example: dotpha validate ke_hoach/ --roster roster.xlsx --assignments giao_viec.xlsx
    --receipts thoi_diem_nhan.xlsx --annotate ke_hoach_loi/
    """
    from dotpha_xl.steps.validate import validate_plans

    result = validate_plans(
        files, obj.settings, roster_path=roster, year=year, annotate_dir=annotate_dir,
        ledger=obj.ledger("validate"), receipts_path=receipts, assignments_path=assignments,
    )  # fmt: skip
    emit_json(json_path, result.to_dict())
    render_problems(result.problems)
    for verdict in result.files:
        status = "hợp lệ" if verdict.ok else f"{len(verdict.problems)} vấn đề"
        click.echo(f"{verdict.path}: {status}", err=json_to_stdout(json_path))
        render_problems(verdict.problems)
    valid = sum(f.ok for f in result.files)
    click.echo(f"{valid}/{len(result.files)} tệp hợp lệ.", err=True)
    if result.late_plans:
        click.echo(f"{len(result.late_plans)} kế hoạch nộp muộn (Điều 4.4 b):", err=True)
    for late in result.late_plans:
        click.echo(
            f"  {late.cadre.cadre_id} {late.cadre.full_name}: nhận {late.received:%d/%m/%Y}, "
            f"hạn {late.deadline:%d/%m/%Y}, muộn {late.days_late} ngày ({late.file})",
            err=True,
        )
    if result.tracebacks:
        click.echo("Lỗi chương trình khi đọc một số tệp (không phải lỗi của tệp).", err=True)
        for file, trace in result.tracebacks.items() if obj.debug else ():
            click.echo(f"--- {file} ---\n{trace}", err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(0 if result.ok else 1)


@click.command()
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
@click.option(
    "--registrations",
    type=INPUT_DIR,
    help="Thư mục bản đăng ký (Mẫu 01) đã nộp: xét căn cứ «không đăng ký» (Điều 10).",
)
@click.option(
    "--proposals-json",
    type=INPUT_FILE,
    help="Hoặc tệp JSON của dotpha proposals: ai đã đăng ký hợp lệ.",
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
    registrations: Path | None,
    proposals_json: Path | None,
    on,
    json_path: Path | None,
) -> None:
    """Báo cáo tổng hợp của Ban Tổ chức trình Ban Thường vụ: số liệu theo cơ quan, danh sách
    đề nghị khen thưởng, xem xét xử lý (Điều 10), nộp muộn, chuyển năm sau, bất khả kháng, kết
    luận đối với cán bộ thôi đảm nhiệm.

    Example: dotpha summary --consolidated tong_hop/ --period 2027 --out bao_cao_BTV.xlsx
    --registrations dang_ky/
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
        registrations=registrations,
        proposals_json=proposals_json,
        on=on.date() if on else None,
    )
    data = run.summary.to_json()
    if run.exemplary is not None:  # Art. 9.2: the bodies' proposals of exemplary ones
        data["exemplary"] = [e.to_json() for e in run.exemplary]
    emit_json(json_path, data)
    render_problems(run.problems)
    click.echo(str(run.file), err=json_to_stdout(json_path))
    sys.exit(1 if any(p.severity == "error" for p in run.problems) else 0)


@click.command()
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
    tasks = [x for x in r.rows if not x.is_cadre]
    changed = sum(1 for x in tasks if x.decided != x.computed)
    click.echo(
        f"Kỳ {r.period}: {len(tasks)} việc xếp loại; {changed} việc có mức quyết định khác mức "
        f"tính toán; {len(r.commendation)} việc đề nghị khen thưởng; {len(r.cadres)} cán bộ có "
        f"mức xếp loại của cán bộ; {len(r.problems)} vấn đề.",
        err=True,
    )
    sys.exit(1 if any(p.severity == "error" for p in r.problems) else 0)


@click.command()
@click.option("--ratings", "ratings_files", required=True, multiple=True, type=INPUT_FILE,
              help="Tệp JSON kết quả xếp loại của từng năm (dotpha ratings --json); "
                   "nhắc lại --ratings cho mỗi năm.")  # fmt: skip
@click.option("--out", type=OUTPUT_DIR, required=True, help="Thư mục ghi hồ sơ.")
@click.option("--cadre", default=None, help="Chỉ ghi hồ sơ của cán bộ có mã này.")
@pass_context
def record(obj: Context, ratings_files: tuple[Path, ...], out: Path, cadre: str | None) -> None:
    """Hồ sơ kết quả qua các năm (Điều 8): mỗi cán bộ một tệp (các việc từng năm, tỷ lệ, mức
    quyết định của việc và của cán bộ, ghi chú, khen thưởng, trường hợp Điều 10) và một bảng
    tổng hợp mọi cán bộ theo năm.

    Example: dotpha record --ratings xep_loai_2027.json --ratings xep_loai_2028.json
    --out ho_so/
    """
    from dotpha_xl.steps.record import write_records

    written = write_records(list(ratings_files), out, obj.settings, cadre)
    for path in written:
        click.echo(str(path))
    click.echo(f"Đã ghi {len(written)} tệp hồ sơ vào {out}.", err=True)


COMMANDS = (
    consolidate,
    validate,
    summary,
    ratings,
    record,
)
