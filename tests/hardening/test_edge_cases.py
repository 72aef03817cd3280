"""Valid scenarios at the edges run to the end (issue 14).

Zero arrivals, zero agents, a patience or handle time of 0, a handle time of 1e19 s, a
patience of 1e170 s: each is a valid scenario that used to end in a traceback after the
simulation. Every measure is defined or explicitly empty ("–", with the reason); the Erlang
figure is the formula's limit where it has one, "not defined" where it has none.
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from ccsim.analytic import erlang
from ccsim.analytic.figures import erlang_figures
from ccsim.experiment.replications import run_experiment
from ccsim.output.format import empty_reasons
from ccsim.scenario import parse_scenario

WORKED = {"arrival_rate": 100 / 1800, "aht": 180.0, "agents": 14, "threshold": 20.0}
"""The issue's case: 100 calls per 30 min, AHT 180 s, 14 agents, 80/20 (Erlang C: 88.8 %)."""


def scenario(rate: float = 50.0, staffing: int = 5, handle: str = "mean: 180s", patience=None):
    patience = patience or {"distribution": "exponential", "mean": 120.0}
    return parse_scenario(
        {
            "name": "edge",
            "horizon": {"days": 1, "interval": 3600, "open": "08:00", "close": "12:00"},
            "contact_types": {
                "voice": {
                    "arrivals": {"rate_per_hour": rate},
                    "handle_time": {
                        "distribution": "exponential" if "mean" in handle else "deterministic",
                        **_duration(handle),
                    },
                    "patience": patience,
                }
            },
            "pools": {"agents": {"serves": ["voice"], "staffing": staffing}},
            "experiment": {"replications": 3, "seed": 1},
        },
        source="edge",
    )


def _duration(text: str) -> dict:
    key, value = text.split(": ")
    return {key: value}


# --- the analytic limits (theory where the figure is known) --------------------------------


@pytest.mark.unit
@pytest.mark.parametrize("patience", [1e9, 1e17, 1e50, 1e170, 1e300])
def test_endless_patience_is_erlang_c(patience):
    limit = erlang.analyse(**WORKED)
    assert limit.service_level == pytest.approx(0.888, abs=5e-4)
    result = erlang.analyse(**WORKED, patience=patience)
    assert result.service_level == pytest.approx(limit.service_level, rel=1e-6)
    assert result.asa == pytest.approx(limit.asa, rel=1e-6)
    assert result.p_wait == pytest.approx(limit.p_wait, rel=1e-6)
    assert result.abandon_rate == pytest.approx(0.0, abs=1e-6)


@pytest.mark.e2e
def test_erlang_command_with_patience_1e170(cli):
    result = cli(
        "erlang", "--calls", 100, "--interval", "30min", "--aht", 180, "--agents", 14,
        "--threshold", 20, "--patience", "1e170", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["service_level"] == pytest.approx(0.888, abs=5e-4)


@pytest.mark.unit
@pytest.mark.parametrize("lines", [None, 20])
def test_patience_zero_is_the_limit_of_erlang_a_and_erlang_b(lines):
    at_zero = erlang.hang_up_at_once(
        arrival_rate=WORKED["arrival_rate"], aht=180.0, agents=10, lines=lines
    )
    lost = erlang.erlang_b(10, 10.0)
    assert at_zero.abandon_rate == pytest.approx(lost)
    assert at_zero.service_level == pytest.approx(1 - lost)
    assert at_zero.asa == 0.0
    assert at_zero.occupancy == pytest.approx(10.0 * (1 - lost) / 10)
    nearly = erlang.analyse(**{**WORKED, "agents": 10}, patience=1e-9, lines=lines)
    for field in ("service_level", "abandon_rate", "p_wait", "occupancy"):
        assert getattr(nearly, field) == pytest.approx(getattr(at_zero, field), abs=1e-6)


@pytest.mark.unit
def test_patience_zero_without_waiting_places_is_blocking():
    result = erlang.hang_up_at_once(arrival_rate=10 / 180, aht=180.0, agents=10, lines=10)
    assert result.blocking == pytest.approx(erlang.erlang_b(10, 10.0))
    assert result.abandon_rate == 0.0 and result.service_level == 1.0


@pytest.mark.unit
def test_a_handle_time_of_1e19_seconds_with_patience_has_no_math_domain_error():
    result = erlang.analyse(
        arrival_rate=100 / 1800, aht=1e19, agents=14, threshold=20.0, patience=100.0
    )
    assert result.abandon_rate == pytest.approx(1.0)
    assert result.service_level == pytest.approx(0.0, abs=1e-12)
    assert all(math.isfinite(v) for v in result.as_dict().values())


@pytest.mark.unit
def test_the_figure_of_a_handle_time_or_patience_of_zero():
    nothing_to_handle = erlang_figures(scenario(handle="value: 0"))["voice"]
    assert nothing_to_handle.defined
    assert (nothing_to_handle.service_level, nothing_to_handle.abandon_rate) == (1.0, 0.0)
    impatient = erlang_figures(
        scenario(staffing=1, patience={"distribution": "deterministic", "value": 0})
    )["voice"]
    lost = erlang.erlang_b(1, 50 / 3600 * 180)
    assert impatient.abandon_rate == pytest.approx(lost)
    assert impatient.service_level == pytest.approx(1 - lost)


@pytest.mark.unit
def test_the_figure_is_not_defined_without_contacts():
    figure = erlang_figures(scenario(rate=0.0))["voice"]
    assert not figure.defined
    assert figure.model == "not defined (no contacts offered in the measured intervals)"
    assert math.isnan(figure.service_level)
    assert figure.as_dict()["service_level"] is None


@pytest.mark.unit
def test_empty_reasons_name_each_empty_measure():
    summary = {
        "by_type": {
            "voice": {"offered": {"mean": 0.0}, "answered": {"mean": 0.0}},
            "chat": {"offered": {"mean": 12.0}, "answered": {"mean": 0.0}},
            "email": {"offered": {"mean": 12.0}, "answered": {"mean": 10.0}},
        },
        "by_pool": {
            "idle": {"agent_hours": {"mean": 0.0}, "answered": {"mean": 0.0}},
            "busy": {"agent_hours": {"mean": 8.0}, "answered": {"mean": 5.0}},
        },
    }
    assert empty_reasons(summary) == [
        "voice: no contacts offered, so its service level, ASA and abandonment are not defined",
        "chat: no contact answered, so its ASA is not defined",
        "pool idle: no agents on duty, so its occupancy is not defined",
    ]


# --- simulated runs -----------------------------------------------------------------------


@pytest.mark.model
@pytest.mark.parametrize(
    ("kwargs", "empty"),
    [({"rate": 0.0}, "service_level"), ({"staffing": 0}, "occupancy")],
)
def test_an_empty_measure_stays_in_the_interval_table_as_nan(kwargs, empty):
    result = run_experiment(scenario(**kwargs), replications=2)
    table = result.intervals()
    kind = "type" if empty == "service_level" else "pool"
    column = table.loc[table["kind"] == kind, empty]
    assert len(column) == 4 and column.isna().all()
    assert {"service_level", "occupancy", "asa"} <= set(table.columns)


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("contact_types.voice.arrivals.rate_per_hour=0", "no contacts offered"),
        ("pools.agents.staffing=0", "no agents on duty"),
        ("contact_types.voice.patience={distribution: deterministic, value: 0}", None),
        ("contact_types.voice.handle_time={distribution: deterministic, value: 0}", None),
        ("contact_types.voice.handle_time.mean=1e19", None),
    ],
)
def test_run_ends_with_results_at_every_edge(cli, tmp_path, change, reason):
    result = cli(
        "run", "erlang-a", "--reps", 2, "--set", change, "--set", "horizon.warmup=0",
        "--set", "horizon.days=1", "--results-dir", tmp_path,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    if reason is not None:
        assert f"– voice: {reason}" in result.output or f"– pool agents: {reason}" in result.output
    (folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    summary = json.loads((folder / "summary.json").read_text())
    assert set(summary["erlang"]["voice"]) >= {"model", "service_level"}
    intervals = pd.read_csv(folder / "intervals.csv")
    assert {"service_level", "occupancy"} <= set(intervals.columns)
    assert (folder / "report.html").exists()


@pytest.mark.e2e
@pytest.mark.parametrize("change", ["arrivals.rate_per_hour=0", "staffing=0"])
def test_compare_and_staff_with_no_contacts_or_no_agents(cli, tmp_path, change):
    path = "contact_types.voice." if change.startswith("arrivals") else "pools.agents."
    base = tmp_path / "base.yaml"
    base.write_text(
        "name: edge\n"
        'horizon: {days: 1, interval: 60min, open: "08:00", close: "11:00"}\n'
        "contact_types:\n  voice:\n    arrivals: {rate_per_hour: 40}\n"
        "    handle_time: {distribution: exponential, mean: 180s}\n"
        "    patience: {distribution: exponential, mean: 2min}\n"
        "pools:\n  agents: {serves: [voice], staffing: 4}\n"
        "experiment: {replications: 2, seed: 1}\n",
        encoding="utf-8",
    )
    edged = tmp_path / "edged.yaml"
    result = cli("run", base, "--set", path + change, "--reps", 2, "--out", tmp_path / "r")
    assert result.exit_code == 0, result.output
    edged.write_text((tmp_path / "r" / "scenario.yaml").read_text(), encoding="utf-8")
    compared = cli("compare", base, edged, "--reps", 2, "--results-dir", tmp_path / "c")
    assert compared.exit_code == 0, compared.output
    if change.startswith("arrivals"):  # with no agents there is nothing to staff *for*
        staffed = cli(
            "staff", edged, "--reps", 2, "--confirm-reps", 2, "--results-dir", tmp_path / "s"
        )
        assert staffed.exit_code == 0, staffed.output
