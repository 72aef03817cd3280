"""A sweep's folder for planners: bounded pictures, one per measure, reuse said (issue 19)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ccsim.cli.commands import main
from ccsim.output.sweep_folder import picture_name, sweep_figure

AXIS = "pools.agents.staffing"


def _table(column: str, values, low=None, high=None) -> pd.DataFrame:
    values = np.asarray(values, float)
    return pd.DataFrame(
        {
            AXIS: ["10", "11", "12"],
            column: values,
            f"{column}_low": values if low is None else low,
            f"{column}_high": values if high is None else high,
        }
    )


@pytest.mark.unit
def test_a_flat_share_at_zero_stays_on_a_0_to_100_percent_axis():
    fig = sweep_figure(_table("type.voice.abandon_rate", [0, 0, 0]), [AXIS], "voice.abandon_rate")
    ax = fig.axes[0]
    assert ax.get_ylim() == (0.0, 100.0)  # never −0.04 to +0.04
    assert "%" in ax.get_ylabel()
    assert [round(y, 6) for y in ax.lines[0].get_ydata()] == [0, 0, 0]


@pytest.mark.unit
def test_a_share_is_drawn_in_percent_and_a_band_below_zero_is_not_shown():
    table = _table("overall.service_level", [0.5, 0.8, 0.95], low=[0.45, 0.75, 0.9])
    ax = sweep_figure(table, [AXIS], "service_level").axes[0]
    assert ax.get_ylim() == (0.0, 100.0)
    assert list(ax.lines[0].get_ydata()) == pytest.approx([50, 80, 95])


@pytest.mark.unit
def test_times_are_drawn_in_their_unit_from_zero_and_a_flat_zero_gets_an_axis():
    hours = _table("type.email.asa", [3600 * 4, 3600 * 3, 3600 * 2])
    ax = sweep_figure(hours, [AXIS], "email.asa").axes[0]
    assert ax.get_ylabel() == "email ASA (h)"
    low, high = ax.get_ylim()
    assert low == 0 and 4 < high < 5
    flat = sweep_figure(_table("overall.asa", [0, 0, 0]), [AXIS], "asa").axes[0]
    assert flat.get_ylim() == (0.0, 1.0)


@pytest.mark.unit
def test_picture_names_follow_the_measure():
    assert picture_name("overall.service_level") == "sweep-service_level.png"
    assert picture_name("type.voice.abandon_rate") == "sweep-type.voice.abandon_rate.png"


@pytest.mark.e2e
def test_a_rerun_says_what_it_reused_and_keeps_a_picture_per_measure(tmp_path):
    args = [
        "sweep", "erlang-a", "--grid", "pools.agents.staffing=10:16:3",
        "--grid", "contact_types.voice.patience.mean=60,180", "--reps", "2", "--jobs", "1",
        "--out", str(tmp_path / "s"),
    ]  # fmt: skip
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "already done" not in first.output
    table = pd.read_csv(tmp_path / "s" / "sweep.csv")
    sl = table["overall.service_level"].to_numpy()
    assert sl.min() < 0.65 and sl.max() > 0.9  # the example shows the effect it is there for
    again = CliRunner().invoke(main, [*args, "--measure", "voice.abandon_rate"])
    assert again.exit_code == 0, again.output
    assert "6 of 6 points already done, reused" in again.stderr
    pictures = sorted(p.name for p in (tmp_path / "s").glob("sweep-*.png"))
    assert pictures == ["sweep-service_level.png", "sweep-type.voice.abandon_rate.png"]
    summary = json.loads((tmp_path / "s" / "summary.json").read_text())
    assert summary["note"] == "6 of 6 points already done, reused"
    assert summary["reused"] == 6 and summary["run_now"] == 0
