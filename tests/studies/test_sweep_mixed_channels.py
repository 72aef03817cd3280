"""A sweep of a centre mixing channels never draws a total of waiting across them (issue 19
item 5): by default one picture per contact type; the total, asked for, is refused."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner
from matplotlib.ticker import MaxNLocator

from ccsim.cli.commands import main
from ccsim.output.sweep_folder import sweep_figure, sweep_measures
from ccsim.scenario import load_scenario
from ccsim.studies.sweep import SweepError

ARGS = ["sweep", "email-backlog-week", "--grid", "pools.blended.staffing=+0,+2", "--reps", "2",
        "--jobs", "1"]  # fmt: skip


@pytest.mark.unit
def test_the_default_measure_is_per_contact_type_only_when_channels_mix():
    assert sweep_measures(load_scenario("erlang-a"), None) == ["service_level"]
    mixed = load_scenario("email-backlog-week")
    assert sweep_measures(mixed, None) == ["type.voice.service_level", "type.email.service_level"]
    assert sweep_measures(mixed, "voice.asa") == ["voice.asa"]
    assert sweep_measures(mixed, "offered") == ["offered"]  # a total that adds up
    assert sweep_measures(mixed, "channel.email.service_level") == ["channel.email.service_level"]
    for total in ("service_level", "overall.asa", "asa_low"):
        with pytest.raises(SweepError, match="mixes channels .voice and email."):
            sweep_measures(mixed, total)


@pytest.mark.e2e
def test_a_mixed_centre_gets_a_table_and_picture_per_type_and_the_total_is_refused(tmp_path):
    folder = tmp_path / "s"
    result = CliRunner().invoke(main, [*ARGS, "--out", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Sweep: type.voice.service_level" in result.stdout
    assert "Sweep: type.email.service_level" in result.stdout
    assert "overall.service_level" not in result.stdout
    pictures = sorted(p.name for p in folder.glob("sweep-*.png"))
    assert pictures == ["sweep-type.email.service_level.png", "sweep-type.voice.service_level.png"]
    assert "(pictures: sweep-type.voice.service_level.png, sweep-type.email.service_level.png)" in (
        result.stdout
    )
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["measures"] == ["type.voice.service_level", "type.email.service_level"]

    refused = CliRunner().invoke(main, [*ARGS, "--out", str(folder), "--measure", "service_level"])
    assert refused.exit_code == 2
    assert "Traceback" not in refused.output
    message = refused.stderr
    assert "--measure service_level: email-backlog-week mixes channels (voice and email)" in message
    assert "voice.service_level, email.service_level" in message
    # Nothing was drawn for the refused total; the table kept every figure for who wants them.
    assert not (folder / "sweep-service_level.png").exists()
    assert "overall.service_level" in pd.read_csv(folder / "sweep.csv").columns


@pytest.mark.unit
def test_whole_settings_get_whole_ticks():
    table = pd.DataFrame({"pools.agents.staffing": ["+0", "+2"], "overall.offered": [10.0, 10.0]})
    ax = sweep_figure(table, ["pools.agents.staffing"], "offered").axes[0]
    assert isinstance(ax.xaxis.get_major_locator(), MaxNLocator)
    assert all(float(t).is_integer() for t in ax.get_xticks())
