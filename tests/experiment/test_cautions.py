"""Cautions (ccsim.experiment.cautions): every rule fires on a case built to need it and stays
quiet on
a comfortable one; and run, compare and sweep show them (console, summary.json, report)."""

import json
import re

import pytest

import ccsim
from ccsim.experiment.cautions import (
    MIN_CONTACTS,
    few_contacts,
    overload,
    queue_never_clears,
    run_cautions,
    targets_missed,
)
from ccsim.experiment.replications import run_experiment


def voice_day(agents, rate=100, patience="3min", days=1, hours=("09:00", "13:00")):
    """A voice queue: ``rate`` calls an hour of 3 minutes each (5 erlangs at 100/h)."""
    voice = {
        "arrivals": {"rate_per_hour": rate},
        "handle_time": {"distribution": "exponential", "mean": "3min"},
        "service_level": {"threshold": "20s", "target": 0.8},
    }
    if patience:
        voice["patience"] = {"distribution": "exponential", "mean": patience}
    return ccsim.load_scenario(
        {
            "name": "caution",
            "horizon": {"days": days, "interval": "60min", "open": hours[0], "close": hours[1]},
            "contact_types": {"voice": voice},
            "pools": {"agents": {"serves": ["voice"], "staffing": agents}},
            "experiment": {"seed": 5, "replications": 8},
        }
    )


def email_week(agents):
    """Email only, four days: 30 emails an hour of 6 minutes each (3 agents' worth)."""
    return ccsim.load_scenario(
        {
            "name": "emails",
            "horizon": {"days": 4, "interval": "60min", "open": "08:00", "close": "16:00"},
            "contact_types": {
                "email": {
                    "channel": "email",
                    "arrivals": {"rate_per_hour": 30},
                    "handle_time": {"distribution": "exponential", "mean": "6min"},
                    "service_level": {"threshold": "8h", "target": 0.8, "formula": "answered_only"},
                }
            },
            "pools": {"team": {"serves": ["email"], "staffing": agents}},
            "experiment": {"seed": 8, "replications": 4},
        }
    )


def cautions_of(scenario, replications=None):
    run = run_experiment(scenario, replications=replications, keep_records=False)
    return run, run.intervals(), run.summary()


@pytest.fixture(scope="module")
def drowning():
    return cautions_of(voice_day(agents=2))


@pytest.fixture(scope="module")
def comfortable():
    return cautions_of(voice_day(agents=12))


def test_overload_fires_where_work_exceeds_the_agents(drowning, comfortable):
    run, intervals, _summary = drowning
    (caution,) = overload(run.scenario, intervals)
    assert caution.rule == "overload"
    assert "in 4 interval(s)" in caution.message
    # 100 calls × 3 min = 5 agent-hours of work an hour, against 2 agents: about 250 %.
    ratios = [int(x) for x in re.findall(r"\((\d+) %\)", caution.message)]
    assert len(ratios) == 4 and all(200 <= r <= 300 for r in ratios), caution.message
    run, intervals, _summary = comfortable
    assert overload(run.scenario, intervals) == []


def test_a_queue_worked_off_after_closing_is_flagged():
    # Nobody hangs up and 4 agents face 5 erlangs: the queue is served long after closing.
    run, intervals, summary = cautions_of(voice_day(agents=4, patience=None))
    (caution,) = queue_never_clears(run.scenario, intervals, summary)
    assert caution.rule == "queue_never_clears" and "past their scheduled end" in caution.message
    run, intervals, summary = cautions_of(voice_day(agents=9, patience=None))
    assert queue_never_clears(run.scenario, intervals, summary) == []


def test_an_email_backlog_growing_every_day_is_flagged():
    run, intervals, summary = cautions_of(email_week(agents=2))  # 3 agents' worth of work
    (caution,) = queue_never_clears(run.scenario, intervals, summary)
    assert caution.message.startswith("email: the backlog at each day's close grows every day")
    run, intervals, summary = cautions_of(email_week(agents=5))
    assert queue_never_clears(run.scenario, intervals, summary) == []


def test_missed_targets_are_listed_by_type_and_interval(drowning, comfortable):
    run, intervals, _summary = drowning
    (caution,) = targets_missed(run.scenario, intervals)
    assert "below target in 4 of 4 (contact type, interval)s (4 with the whole" in caution.message
    for start in ("09:00", "10:00", "11:00", "12:00"):
        assert f"voice {start} (" in caution.message
    run, intervals, _summary = comfortable
    assert targets_missed(run.scenario, intervals) == []


def test_estimates_from_too_few_contacts_are_flagged(comfortable):
    run, intervals, summary = cautions_of(voice_day(agents=2, rate=1.5), replications=2)
    (caution,) = few_contacts(run.scenario, intervals, summary["replications"])
    assert caution.rule == "few_contacts" and caution.message.startswith("voice: only ")
    assert "too few contacts to mean anything" in caution.message
    # Enough in total, but a quiet first hour: that interval is named.
    quiet = voice_day(agents=12, rate=[3, 100, 100, 100])
    run, intervals, summary = cautions_of(quiet, replications=4)
    (caution,) = few_contacts(run.scenario, intervals, summary["replications"])
    assert f"1 interval(s) rests on fewer than {MIN_CONTACTS} contacts" in caution.message
    assert "(09:00)" in caution.message
    run, intervals, summary = comfortable
    assert few_contacts(run.scenario, intervals, summary["replications"]) == []


def test_run_cautions_gathers_every_rule(drowning):
    run, intervals, summary = drowning
    rules = {c.rule for c in run_cautions(run.scenario, intervals, summary)}
    assert {"overload", "target_missed"} <= rules


def test_ccsim_run_prints_and_writes_the_warnings(cli, tmp_path):
    path = tmp_path / "drowning.yaml"
    import yaml

    path.write_text(yaml.safe_dump(voice_day(agents=2).resolved()))
    result = cli("run", path, "--reps", 4, "--jobs", 1, "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert "Warning: Offered work exceeds the agents on duty" in result.output
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert {w["rule"] for w in summary["warnings"]} >= {"overload", "target_missed"}
    page = (tmp_path / "run" / "report.html").read_text()
    assert "<h2>Warnings</h2>" in page and "Offered work exceeds the agents on duty" in page
    # A comfortable run has none, and no Warnings section.
    path.write_text(yaml.safe_dump(voice_day(agents=12).resolved()))
    result = cli("run", path, "--reps", 4, "--jobs", 1, "--out", tmp_path / "calm")
    assert "Warning" not in result.output
    assert json.loads((tmp_path / "calm" / "summary.json").read_text())["warnings"] == []
    assert "<h2>Warnings</h2>" not in (tmp_path / "calm" / "report.html").read_text()


def test_compare_and_sweep_show_the_warnings(cli, tmp_path):
    import yaml

    path = tmp_path / "day.yaml"
    path.write_text(yaml.safe_dump(voice_day(agents=12).resolved()))
    result = cli(
        "compare",
        path,
        "--set",
        "pools.agents.staffing=2",
        "--reps",
        3,
        "--jobs",
        1,
        "--out",
        tmp_path / "cmp",
    )
    assert result.exit_code == 0, result.output
    # the what-if is named by what it sets (issue 19: readable variant names)
    assert "Warning: staffing=2: Offered work exceeds" in result.output
    comparison = json.loads((tmp_path / "cmp" / "comparison.json").read_text())
    assert {w["scenario"] for w in comparison["warnings"]} == {"staffing=2"}
    assert "<h2>Warnings</h2>" in (tmp_path / "cmp" / "report.html").read_text()
    result = cli(
        "sweep",
        path,
        "--grid",
        "pools.agents.staffing=2,12",
        "--reps",
        3,
        "--jobs",
        1,
        "--out",
        tmp_path / "sweep",
    )
    assert result.exit_code == 0, result.output
    assert "Warning: point 0 (pools.agents.staffing=2): Offered work exceeds" in result.output
    assert "point 1" not in result.output.split("Sweep written")[0].split("Warning")[-1]
    listed = json.loads((tmp_path / "sweep" / "warnings.json").read_text())["warnings"]
    assert {w["point"] for w in listed} == {0}
    table = json.loads((tmp_path / "sweep" / "points" / "point-0000.json").read_text())
    assert table["warnings"] and table["warnings"][0]["rule"] in {"overload", "target_missed"}
