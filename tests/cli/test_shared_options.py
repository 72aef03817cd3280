"""The options several commands share are declared once (``ccsim.cli.support``) and behave
alike; ``--xlsx`` on ``run``, ``compare`` and ``staff`` writes the workbook ``ccsim export
--xlsx`` writes (issue 19 item 11)."""

from __future__ import annotations

import json
import re

import click
import pytest
from openpyxl import load_workbook
from paths import REPO

from ccsim.cli.commands import main

SHARED = (
    "--reps",
    "--seed",
    "--jobs",
    "--scheduler",
    "--out",
    "--results-dir",
    "--set",
    "--json",
    "--quiet",
    "--xlsx",
)
MODULES = ("commands.py", "experiments.py", "staff.py", "calibration.py", "intraday.py", "train.py")


@pytest.mark.parametrize("module", MODULES)
def test_shared_options_are_declared_only_in_support(module):
    source = (REPO / "ccsim" / "cli" / module).read_text(encoding="utf-8")
    support = (REPO / "ccsim" / "cli" / "support.py").read_text(encoding="utf-8")
    for name in SHARED:
        declaration = re.compile(rf'click\.option\(\s*"{name}"')
        assert not declaration.search(source), f"{module} declares {name} itself"
        assert len(declaration.findall(support)) == 1, name


def _option(command: str, name: str) -> click.Option:
    found = [p for p in main.commands[command].params if name in p.opts]
    assert len(found) == 1, (command, name)
    return found[0]


@pytest.mark.parametrize(
    ("name", "parameter", "commands"),
    [
        ("--json", "as_json", ("run", "compare", "sweep", "staff", "fit", "backtest", "erlang")),
        ("--quiet", "quiet", ("run", "compare", "sweep", "staff", "fit", "backtest")),
        ("--set", "overrides", ("run", "compare")),
        ("--xlsx", "xlsx", ("run", "compare", "staff")),
        ("--seed", "seed", ("run", "compare", "sweep", "staff", "backtest", "intraday", "train")),
        ("--reps", "reps", ("run", "compare", "sweep", "staff", "backtest", "intraday")),
        ("--results-dir", "results_dir", ("run", "compare", "sweep", "staff", "intraday", "train")),
        ("--json", "as_json", ("intraday",)),
    ],
)
def test_a_shared_option_is_the_same_option_on_every_command(name, parameter, commands):
    options = [_option(command, name) for command in commands]
    for option in options:
        assert option.name == parameter
        assert option.opts == options[0].opts and option.secondary_opts == []
        assert option.is_flag == options[0].is_flag and option.multiple == options[0].multiple
    if name == "--quiet":
        assert all(o.opts == ["--quiet", "-q"] for o in options)


def _sheets(path):
    book = load_workbook(path)
    return {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


def _same_workbook_as_export(cli, folder, tmp_path):
    again = tmp_path / f"{folder.name}-export.xlsx"
    result = cli("export", folder, "--xlsx", "--out", again)
    assert result.exit_code == 0, result.output
    written, exported = _sheets(folder / "report.xlsx"), _sheets(again)
    assert written == exported
    assert "summary" in written and "about" in written
    return written


def test_run_xlsx_writes_the_export_workbook(cli, tmp_path):
    folder = tmp_path / "run"
    result = cli("run", "erlang-c", "--reps", 2, "--out", folder, "--xlsx", "--quiet")
    assert result.exit_code == 0, result.output
    assert f"Workbook written to {folder / 'report.xlsx'}" in result.output
    sheets = _same_workbook_as_export(cli, folder, tmp_path)
    assert "intervals" in sheets


def test_compare_xlsx_with_json_keeps_stdout_pure_json(cli, tmp_path):
    folder = tmp_path / "cmp"
    result = cli(
        "compare",
        "erlang-c",
        "--set",
        "pools.agents.staffing=+1",
        "--reps",
        2,
        "--out",
        folder,
        "--xlsx",
        "--json",
    )
    assert result.exit_code == 0, result.output
    json.loads(result.stdout)  # the workbook's line went to stderr
    assert f"Workbook written to {folder / 'report.xlsx'}" in result.stderr
    sheets = _same_workbook_as_export(cli, folder, tmp_path)
    assert "comparison" in sheets


def test_without_xlsx_no_workbook_is_written(cli, tmp_path):
    result = cli("run", "erlang-c", "--reps", 2, "--out", tmp_path / "run", "--quiet")
    assert result.exit_code == 0 and "Workbook" not in result.output
    assert not (tmp_path / "run" / "report.xlsx").exists()


@pytest.mark.slow
def test_staff_xlsx_writes_the_staffing_sheet(cli, tmp_path):
    folder = tmp_path / "staff"
    result = cli(
        "staff",
        "erlang-c",
        "--reps",
        2,
        "--rerun-reps",
        2,
        "--confirm-reps",
        2,
        "--jobs",
        1,
        "--out",
        folder,
        "--xlsx",
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"Workbook written to .*report\.xlsx", result.output)
    assert "staffing" in _same_workbook_as_export(cli, folder, tmp_path)
