"""The command line: every command has help; the calendar through CliRunner."""

from __future__ import annotations

import json

import click
from click.testing import CliRunner

from dotpha_xl.cli import cli


def all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    for path, command in all_commands(cli):
        result = runner.invoke(cli, [*path, "--help"], catch_exceptions=False)
        assert result.exit_code == 0, path
        if not isinstance(command, click.Group):
            assert "Example:" in (command.help or ""), path


def test_calendar_json_2027():
    result = CliRunner().invoke(
        cli, ["calendar", "--year", "2027", "--format", "json"], catch_exceptions=False
    )
    assert result.exit_code == 0
    data = json.loads(result.output)
    due = {d["code"]: d["due"] for d in data["deadlines"]}
    assert due["registration"] == "2026-11-15"
    assert due["decision"] == "2026-12-31"
    assert due["plan"] == "2027-01-25"
    assert due["report_q3"] == "2027-09-25"
    assert due["report_annual"] == "2027-12-25"


def test_calendar_text_is_vietnamese_dd_mm_yyyy():
    result = CliRunner().invoke(cli, ["calendar", "--year", "2027"], catch_exceptions=False)
    assert "25/01/2027" in result.output
    assert "kế hoạch" in result.output


def test_settings_override_and_bad_settings(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('[deadlines]\nplan = { date = "31/01", year = 0 }\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--settings", str(good), "calendar", "--year", "2027", "--format", "json"]
    )
    assert result.exit_code == 0
    assert '"2027-01-31"' in result.output
    bad = tmp_path / "bad.toml"
    bad.write_text('[deadlines]\nplan = { date = "31/02", year = 0 }\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--settings", str(bad), "calendar", "--year", "2027"])
    assert result.exit_code == 2
    assert "deadlines.plan" in result.output
