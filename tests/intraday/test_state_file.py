"""The state file: validated strictly, errors in one paragraph naming the JSON path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ccsim import load_scenario
from ccsim.intraday.state import (
    StateError,
    check_against,
    load_state,
    parse_state,
    state_json,
    state_schema,
)

pytestmark = pytest.mark.unit

EXAMPLE = Path(__file__).resolve().parents[2] / "ccsim" / "intraday" / "examples" / "now.json"


def _error(data) -> str:
    with pytest.raises(StateError) as caught:
        parse_state(data if isinstance(data, str) else json.dumps(data), "now.json")
    message = str(caught.value)
    assert "\n" not in message, "one paragraph"
    assert message.startswith("now.json")
    return message


def test_the_bundled_example_is_valid_for_the_default_day():
    state = load_state(EXAMPLE)
    check_against(state, load_scenario("default-day"))
    assert state.time == 11 * 3600 + 40 * 60
    assert len(state.waiting) == 15 and state.waiting[0].waited == 240
    assert {a.state for a in state.agents} == {"busy", "after_call_work", "idle", "break"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"time": "25:00"}, "time: '25:00' is not a time of day"),
        ({}, "time: is required"),
        ({"time": "11:00", "waiting": [{"type": "voice", "waited": "soon"}]}, "waiting[0].waited"),
        ({"time": "11:00", "waiting": [{"type": "voice", "attempt": "1"}]}, "waiting[0].attempt"),
        ({"time": "11:00", "waiting": [{"type": "voice", "wait": 3}]}, "waiting[0].wait: is not"),
        ({"time": "11:00", "agents": [{"id": "a", "pool": "p", "state": "napping"}]}, "state"),
        (
            {"time": "11:00", "agents": [{"id": "a", "pool": "p", "state": "busy"}]},
            "'a' is busy but no contact in in_service names them",
        ),
        (
            {"time": "11:00", "agents": [{"id": "a", "pool": "p", "state": "break"}]},
            "needs 'until'",
        ),
        (
            {
                "time": "11:00",
                "agents": [{"id": "a", "pool": "p", "state": "break", "until": "10:00"}],
            },
            "agents[0].until: 10:00 is not after the state's time 11:00",
        ),
        (
            {
                "time": "11:00",
                "in_service": [{"type": "voice", "pool": "p", "agent": "x"}],
            },
            "in_service[0].agent: no agent 'x'",
        ),
        ({"time": "11:00", "volume_so_far": {"voice": -3}}, "volume_so_far.voice"),
        ("{not json", "is not valid JSON (line 1, column 2"),
        ("[1, 2]", "a state file is a JSON object"),
    ],
)
def test_bad_state_files_give_one_paragraph_naming_the_path(data, expected):
    assert expected in _error(data)


def test_several_problems_are_all_named():
    message = _error({"time": "11:00", "waiting": [{"type": "voice", "waited": -1}, {}]})
    assert "2 problems" in message or "problems" in message
    assert "waiting[0].waited" in message and "waiting[1].type" in message


def test_a_state_that_does_not_fit_the_scenario_names_what_is_missing():
    state = parse_state(
        {
            "time": "11:00",
            "waiting": [{"type": "chat", "waited": 3}],
            "in_service": [{"type": "voice", "pool": "sales", "agent": "a"}],
            "agents": [{"id": "a", "pool": "sales", "state": "busy"}],
        }
    )
    with pytest.raises(StateError) as caught:
        check_against(state, load_scenario("default-day"), "now.json")
    message = str(caught.value)
    assert "waiting[0].type: no contact type 'chat'" in message
    assert "in_service[0].pool: no pool 'sales'" in message and "\n" not in message


def test_the_schema_and_a_written_state_file_round_trip():
    schema = state_schema()
    assert {"time", "waiting", "in_service", "agents", "backlog", "volume_so_far"} <= set(
        schema["properties"]
    )
    state = load_state(EXAMPLE)
    assert parse_state(state_json(state)) == state


def test_a_voice_agent_cannot_hold_two_contacts():
    state = parse_state(
        {
            "time": "11:00",
            "in_service": [{"type": "voice", "pool": "agents", "agent": "a"}] * 2,
            "agents": [{"id": "a", "pool": "agents", "state": "busy"}],
        }
    )
    with pytest.raises(StateError, match=r"agents\[0\]: 'a' holds 2 contacts .* takes 1"):
        check_against(state, load_scenario("default-day"))
