"""Comparisons on common random numbers, and ``ccsim compare``.

The point of pairing: replication r of both scenarios meets the same callers, so the
difference of a measure varies far less than the measure itself. A scenario compared with
itself differs by exactly zero.
"""

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import ccsim
from ccsim.cli.commands import main
from ccsim.scenario.overrides import apply_overrides, parse_override
from ccsim.studies.compare import compare_scenarios, paired

DEFAULT = "scenarios/default-day.yaml"


@pytest.fixture(scope="module")
def base():
    return ccsim.load_scenario(DEFAULT)


def test_paired_interval_is_much_narrower_than_independent_ones(base):
    plus_one = apply_overrides(base, [parse_override("pools.agents.staffing=+1")], name="plus")
    comparison = compare_scenarios([base, plus_one], replications=12, jobs=2)
    d = comparison.differences()
    for measure in ("service_level", "asa", "abandon_rate", "occupancy"):
        row = d[(d["group"] == "overall") & (d["measure"] == measure)].iloc[0]
        assert row["half_width"] < 0.5 * row["independent_half_width"], measure
        assert row["significant"], measure  # one more agent: a real, detected improvement
    sl = d[(d["group"] == "overall") & (d["measure"] == "service_level")].iloc[0]
    assert sl["difference"] > 0
    # Same offered contacts in both (the same callers): the difference is exactly zero.
    offered = d[(d["group"] == "overall") & (d["measure"] == "offered")].iloc[0]
    assert offered["difference"] == 0 and not offered["significant"]


def test_a_scenario_against_itself_differs_by_exactly_zero(base):
    comparison = compare_scenarios([base, base], replications=3, jobs=1)
    d = comparison.differences()
    finite = d["difference"].dropna()
    assert len(finite) > 50 and (finite == 0).all()
    assert not d["significant"].any()
    i = comparison.interval_differences()
    assert (i["difference"].dropna() == 0).all()
    assert comparison.labels == ("default-day", "default-day-2")


def test_paired_matches_a_hand_calculation():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    b = a + np.array([0.5, 0.7, 0.3, 0.5])
    result = paired(a, b, 0.95)
    d = b - a
    half = 3.182446305284263 * d.std(ddof=1) / 2  # t(0.975, 3) · s / √4
    assert result["difference"] == pytest.approx(0.5)
    assert result["half_width"] == pytest.approx(half)
    assert result["significant"]
    # Undefined replications are left out of both.
    result = paired(np.array([1.0, np.nan, 3.0]), np.array([2.0, 5.0, np.nan]), 0.95)
    assert result["replications"] == 1 and np.isnan(result["half_width"])


def test_ccsim_compare_writes_a_comparison_folder(tmp_path):
    out = tmp_path / "cmp"
    result = CliRunner().invoke(
        main,
        [
            "compare",
            DEFAULT,
            "--set",
            "pools.agents.staffing=+2",
            "--set",
            "contact_types.voice.aht=*1.1",
            "--reps",
            "4",
            "--jobs",
            "1",
            "--out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert f"Comparison written to {out}" in result.stderr  # where it went, off stdout
    assert summary["base"] == "default-day"
    assert summary["scenarios"][1] == "staffing+2 aht×1.1"  # readable, never `--2`
    files = {p.name for p in out.iterdir()}
    assert {
        "comparison.json",
        "differences.csv",
        "interval_differences.csv",
        "report.html",
        "scenarios",
    } <= files
    d = pd.read_csv(out / "differences.csv")
    agent_hours = d[(d["group"] == "overall") & (d["measure"] == "agent_hours")].iloc[0]
    assert agent_hours["difference"] == pytest.approx(24, abs=0.5)  # 2 agents × 12 h
    runs = sorted(p.name for p in (out / "scenarios").iterdir())
    assert len(runs) == 2
    for run in runs:
        assert (out / "scenarios" / run / "summary.json").exists()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Differences" in html and "data:image/png;base64" in html
    # `ccsim report` on the folder remakes the comparison report.
    again = CliRunner().invoke(main, ["report", str(out)])
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([DEFAULT], "two or more scenario files"),
        ([DEFAULT, DEFAULT, "--set", "pools.agents.staffing=+1"], "one base scenario file"),
        ([DEFAULT, "--set", "pools.nobody.staffing=+1"], "pools has no 'nobody'"),
        ([DEFAULT, "--set", "pools.agents.staffing=+-100"], "pools.agents.staffing"),
        (["missing.yaml", DEFAULT], "missing.yaml"),
    ],
)
def test_ccsim_compare_errors(tmp_path, args, message):
    result = CliRunner().invoke(main, ["compare", *args, "--results-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not any(tmp_path.iterdir())  # nothing half-written


def test_ccsim_run_takes_overrides(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "run",
            DEFAULT,
            "--set",
            "pools.agents.staffing=30",
            "--reps",
            "2",
            "--jobs",
            "1",
            "--out",
            str(tmp_path / "r"),
            "--json",
            "--no-records",
        ],
    )
    assert result.exit_code == 0, result.output
    hours = json.loads(result.stdout)["overall"]["agent_hours"]["mean"]
    assert 360 <= hours < 365  # 30 agents × 12 h, plus a little overtime after closing
    bad = CliRunner().invoke(main, ["run", DEFAULT, "--set", "pools.agents=+1"])
    assert bad.exit_code == 2 and "need a number" in bad.output
