"""What the planner reads, checked as rendered: console text, CSV contents, the written
scenario re-loaded, names of what-ifs, the folder named on stderr (issue 19)."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

import ccsim
from ccsim.cli.commands import main
from ccsim.output.run_folder import write_results
from ccsim.scenario import load_scenario

pytestmark = pytest.mark.e2e

RAW_SECONDS = re.compile(r"\d{4,}(\.\d)?s\b")  # 14133.7s: a long wait in raw seconds


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_email_waits_read_in_hours_and_the_all_row_does_not_mix_channels(tmp_path):
    result = _run("run", "email-backlog-week", "--reps", 2, "--jobs", 1, "--out", tmp_path / "r")
    assert result.exit_code == 0, result.output
    assert not RAW_SECONDS.search(result.output), result.output
    email = next(line for line in result.output.splitlines() if line.startswith("│ email"))
    assert re.search(r"\d h ± ", email), email  # the email ASA in hours, as the HTML says it
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["overall"]["asa"]["mean"] > 1000  # the mixed total exists, in the JSON only
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "not totalled across voice and email" in html


def test_compare_leaves_out_mixed_waits_and_gives_them_per_channel(tmp_path):
    result = _run(
        "compare", "email-backlog-week", "--set", "pools.blended.staffing=+2",
        "--reps", 2, "--jobs", 1, "--out", tmp_path / "c",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = [line.split("│")[1:4] for line in result.output.splitlines() if line.count("│") > 5]
    cells = [(a.strip(), b.strip()) for a, b, _ in rows]
    assert ("all", "asa") not in cells and ("all", "service_level") not in cells
    assert ("channel email", "asa") in cells and ("channel voice", "asa") in cells
    assert ("all", "offered") in cells  # totals that add up stay
    assert "not totalled across voice and email" in result.output
    assert not RAW_SECONDS.search(result.output), result.output
    assert (tmp_path / "c" / "scenarios" / "staffing+2").is_dir()  # not `--2`
    assert "staffing+2" in result.output  # the table names the variant as it was set


def test_a_run_what_if_is_named_after_what_was_set_and_json_says_where(tmp_path):
    result = _run(
        "run", "erlang-c", "--set", "pools.agents.staffing=+2", "--reps", 2, "--jobs", 1,
        "--no-records", "--results-dir", tmp_path, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)  # standard output is the JSON alone
    assert summary["scenario"] == "erlang-c staffing+2"
    (folder,) = tmp_path.iterdir()
    assert folder.name.startswith("erlang-c-staffing+2-")
    assert result.stderr.strip() == f"Results written to {folder}"


def test_the_written_scenario_reads_as_typed_and_loads_back_the_same(tmp_path):
    result = ccsim.run_experiment(load_scenario("shifts-day"), replications=1, keep_records=False)
    folder = write_results(result, tmp_path / "run")
    text = (folder / "scenario.yaml").read_text(encoding="utf-8")
    assert 'open: "08:00"' in text and 'close: "20:00"' in text
    assert "mean: 4min" in text and "length: 8h" in text and "threshold: 20\n" in text
    assert "28800" not in text  # no clock time in seconds
    assert load_scenario(folder / "scenario.yaml") == result.scenario
    intervals = (folder / "intervals.csv").read_text(encoding="utf-8")
    assert not re.search(r"\de-\d", intervals)  # no 8.0844e-16 overtime hours
    table = pd.read_csv(folder / "intervals.csv")
    assert {"asa_s", "aht_s", "oldest_at_end_s", "service_level"} <= set(table.columns)
    assert (table["overtime_hours"].dropna() >= 0).all()
