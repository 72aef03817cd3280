"""Sessions: decisions within limits, refusals with a message, replay bit for bit, exercise
files checked with YAML paths, and the command's bad-input messages."""

from __future__ import annotations

import json
import socket

import numpy as np
import pytest

from ccsim.training.exercise import (
    ExerciseError,
    bundled_exercises,
    exercise_schema,
    load_exercise,
)
from ccsim.training.results import session_folder, write_session
from ccsim.training.session import LeverRefused, Session, read_decisions, replay


@pytest.mark.model
def test_the_bundled_pack_loads_and_rises_in_difficulty():
    levels = [load_exercise(path)[0].level for path in bundled_exercises()]
    assert len(levels) >= 6 and levels == sorted(levels)
    assert "levers" in exercise_schema()["properties"]


@pytest.mark.model
def test_a_live_session_and_its_replay_are_identical(tmp_path):
    exercise, scenario = load_exercise("4-spike-and-outage")
    live = Session(exercise, scenario, decisions_file=tmp_path / "decisions.csv")
    # Irregular steps, as a page at changing speeds makes them.
    for t in np.cumsum(np.full(40, 977.3)) + 8 * 3600:
        live.advance(float(t))
        if abs(t - 10.6 * 3600) < 500:
            live.decide("move:billing_team>sales_team", 3)
            live.decide("overflow", 0)
        if abs(t - 13.1 * 3600) < 500:
            live.decide("agents:billing_team", 2)
    again = replay(exercise, scenario, read_decisions(tmp_path / "decisions.csv"))
    a, b = live.finish(), again.finish()
    for name in ("arrival", "answered", "ended", "handle", "outcome", "pool", "agent"):
        assert np.array_equal(getattr(a.records, name), getattr(b.records, name), equal_nan=True)
    assert a.score == b.score
    assert json.dumps(a.score) == json.dumps(b.score)


@pytest.mark.model
def test_levers_refuse_moves_out_of_bounds_and_change_nothing():
    exercise, scenario = load_exercise("2-morning-peak")
    session = Session(exercise, scenario)
    session.advance(9 * 3600)
    with pytest.raises(LeverRefused, match="1 to 4 agents at a time"):
        session.decide("agents:agents", 5)
    session.decide("agents:agents", 4)
    with pytest.raises(LeverRefused, match="rests until 09:10"):
        session.decide("agents:agents", 1)
    session.advance(9.5 * 3600)
    session.decide("agents:agents", 4)
    session.advance(10 * 3600)
    with pytest.raises(LeverRefused, match=r"\+12 agents on the plan is outside the limits"):
        session.decide("agents:agents", 4)
    with pytest.raises(LeverRefused, match="no lever 'overflow'"):
        session.decide("overflow", 1)
    assert [d.value for d in session.decisions] == [4, 4]
    assert session.centre.target("agents") == session.centre.planned("agents") + 8


@pytest.mark.model
def test_an_invalid_exercise_names_each_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\ntitle: t\nlearning_goal: g\nscenario: default-day\n"
        "levers:\n  - {kind: agents, pool: nobody, max_step: 0}\n"
        "events:\n  - {at: '10:00', kind: volume_spike, factor: 2}\n",
        encoding="utf-8",
    )
    with pytest.raises(ExerciseError) as error:
        load_exercise(bad)
    text = str(error.value)
    assert "levers[0].max_step" in text and "events[0]" in text
    bad.write_text(
        "name: bad\ntitle: t\nlearning_goal: g\nscenario: default-day\n"
        "levers:\n  - {kind: agents, pool: nobody}\n",
        encoding="utf-8",
    )
    with pytest.raises(ExerciseError, match=r"levers\[0\].pool: no pool 'nobody'"):
        load_exercise(bad)


@pytest.mark.model
def test_a_session_folder_holds_decisions_score_and_a_results_folder(tmp_path):
    exercise, scenario = load_exercise("1-steady-erlang-c")
    folder = session_folder(tmp_path, exercise.name)
    session = Session(exercise, scenario, decisions_file=folder / "decisions.csv")
    session.advance(8 * 3600)
    session.decide("agents:agents", 3)
    score = write_session(session, folder)
    assert score["score"] == 100.0
    assert json.loads((folder / "score.json").read_text())["score"] == 100.0
    assert (folder / "results" / "report.html").exists()
    assert read_decisions(folder / "decisions.csv")[0].time == 8 * 3600


@pytest.mark.e2e
def test_the_command_replays_and_refuses_bad_input(cli, tmp_path):
    exercise, scenario = load_exercise("1-steady-erlang-c")
    decisions = tmp_path / "decisions.csv"
    session = Session(exercise, scenario, decisions_file=decisions)
    session.advance(8 * 3600)
    session.decide("agents:agents", 2)
    expected = session.finish().score["score"]
    result = cli(
        "train",
        "1-steady-erlang-c",
        "--replay",
        decisions,
        "--no-debrief",
        "--results-dir",
        tmp_path / "results",
    )
    assert result.exit_code == 0, result.output
    assert f"score {expected:.6f}" in result.output
    decisions.write_text("time,clock,lever,value\n100,00:01,agents:agents,9\n")
    result = cli(
        "train",
        "1-steady-erlang-c",
        "--replay",
        decisions,
        "--no-debrief",
        "--results-dir",
        tmp_path / "results",
    )
    assert result.exit_code == 2 and "move 1 to 3 agents at a time" in result.output
    result = cli("train", "no-such-exercise")
    assert result.exit_code == 2 and "no such file or bundled exercise" in result.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("train", "1-steady-erlang-c", "--no-browser", "--port", port)
    assert result.exit_code == 2 and f"port {port} on 127.0.0.1 is in use" in result.output
