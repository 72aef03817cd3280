"""The training server's JSON API on its own (Starlette's TestClient, no browser): the
exercise, joining, state and view, levers accepted or refused with a message, the clock
(speed, pause, step), the end of the day and its scorecard, the instructor's leaderboard,
and bad requests answered with clean 4xx JSON."""

from __future__ import annotations

import time

import pytest
from starlette.testclient import TestClient

from ccsim.training.exercise import load_exercise
from ccsim.training.server import Classroom, make_app
from ccsim.training.session import read_decisions, replay

pytestmark = pytest.mark.e2e

EXERCISE = "2-morning-peak"  # agents: ≤ 4 a move, cooldown 10 min; a break lever


def client_for(
    tmp_path, classroom: bool = False, debrief: bool = False, name: str = EXERCISE
) -> tuple:
    exercise, scenario = load_exercise(name)
    room = Classroom(exercise, scenario, tmp_path, classroom=classroom, debrief=debrief)
    return room, TestClient(make_app(room))


def joined(client: TestClient, name: str = "ana") -> int:
    answer = client.post("/api/sessions", json={"name": name})
    assert answer.status_code == 200
    return answer.json()["session"]


def finished_scorecard(client: TestClient, sid: int, debrief: bool = False) -> dict:
    """Poll the scorecard as the page does until it (and the debrief, if asked) is ready."""
    deadline = time.monotonic() + (600 if debrief else 60)
    while time.monotonic() < deadline:
        card = client.get(f"/api/sessions/{sid}/scorecard").json()
        if card["ready"] and (card["debrief_ready"] or not debrief):
            return card
        assert card["error"] is None, card["error"]
        time.sleep(0.2)
    raise AssertionError("the scorecard never came")


def test_the_exercise_and_the_state_of_a_new_session(tmp_path):
    room, client = client_for(tmp_path)
    ex = client.get("/api/exercise").json()
    assert ex["name"] == EXERCISE and ex["pools"] == ["agents"] and not ex["classroom"]
    assert {lv["id"] for lv in ex["levers"]} >= {"agents:agents", "break:agents"}
    sid = joined(client)
    state = client.get(f"/api/sessions/{sid}/state").json()
    assert state["floor"]["clock"] == "08:00" and state["decisions"] == []
    assert not state["finished"] and all(row["offered"] == 0 for row in state["intervals"])
    (pool,) = state["floor"]["pools"]
    assert pool["pool"] == "agents" and pool["target"] == pool["planned"]
    for key in ("idle", "talking", "after_call_work", "chatting", "on_break", "leaving"):
        assert pool[key] >= 0
    assert client.get("/").status_code == 200 and "<html" in client.get("/").text.lower()


def test_speed_pause_and_step(tmp_path):
    _, client = client_for(tmp_path)
    sid = joined(client)
    advance = f"/api/sessions/{sid}/advance"
    # 60× for 2 wall seconds: the page asks for 120 simulated seconds.
    state = client.post(advance, json={"seconds": 120.0}).json()
    assert state["floor"]["time"] == 8 * 3600 + 120
    paused = client.post(advance, json={"seconds": 0}).json()  # paused: the clock stays
    assert paused["floor"]["time"] == state["floor"]["time"]
    step = client.post(advance, json={"to": "interval"}).json()
    assert step["floor"]["clock"] == "08:30" and len(step["intervals"]) >= 1
    row = step["intervals"][0]
    assert row["target"] == 0.8 and row["offered"] > 0 and row["erlang"] is not None
    big = client.post(advance, json={"seconds": 1e9}).json()  # one request: 6 hours at most
    assert big["floor"]["clock"] == "14:30"
    again = client.get(f"/api/sessions/{sid}/state").json()
    assert again["floor"] == big["floor"]


def test_a_lever_accepted_refused_out_of_bounds_and_resting(tmp_path):
    _, client = client_for(tmp_path)
    sid = joined(client)
    decide = f"/api/sessions/{sid}/decide"
    client.post(f"/api/sessions/{sid}/advance", json={"seconds": 3600})
    refused = client.post(decide, json={"lever": "agents:agents", "value": 5})
    assert refused.status_code == 400
    assert refused.json() == {"ok": False, "message": "agents:agents: move 1 to 4 agents at a time"}
    accepted = client.post(decide, json={"lever": "agents:agents", "value": 4})
    assert accepted.status_code == 200
    assert accepted.json() == {
        "ok": True,
        "decision": {"time": 9 * 3600.0, "lever": "agents:agents", "value": 4},
    }
    resting = client.post(decide, json={"lever": "agents:agents", "value": 1})
    assert (
        resting.status_code == 400 and "rests until 09:10 (cooldown)" in resting.json()["message"]
    )
    unknown = client.post(decide, json={"lever": "agents:nobody", "value": 1})
    assert unknown.status_code == 400 and "no lever 'agents:nobody'" in unknown.json()["message"]
    state = client.get(f"/api/sessions/{sid}/state").json()
    assert [d["lever"] for d in state["decisions"]] == ["agents:agents"]
    assert state["state"] == {"agents:agents": 4}
    # Seated after the time to seat: the pool's extra shows the four.
    later = client.post(f"/api/sessions/{sid}/advance", json={"seconds": 20 * 60}).json()
    assert later["floor"]["pools"][0]["extra"] == 4


def test_the_end_of_the_day_gives_the_scorecard_of_the_replay(tmp_path):
    room, client = client_for(tmp_path)
    sid = joined(client)
    client.post(f"/api/sessions/{sid}/advance", json={"seconds": 1800})
    client.post(f"/api/sessions/{sid}/decide", json={"lever": "agents:agents", "value": 3})
    early = client.get(f"/api/sessions/{sid}/scorecard").json()
    assert not early["ready"] and early["score"] is None
    end = client.post(f"/api/sessions/{sid}/advance", json={"to": "end"}).json()
    assert end["finished"]
    card = finished_scorecard(client, sid)
    assert card["debrief_ready"]  # no debrief asked: nothing to wait for
    trainee = room.trainees[sid]
    again = replay(room.exercise, room.scenario, read_decisions(trainee.folder / "decisions.csv"))
    assert card["score"]["score"] == again.finish().score["score"]
    assert (trainee.folder / "score.json").exists()
    late = client.post(f"/api/sessions/{sid}/decide", json={"lever": "agents:agents", "value": 1})
    assert late.status_code == 400 and late.json()["message"] == "the day is over"


def test_the_instructor_leaderboard_in_a_classroom(tmp_path):
    room, client = client_for(tmp_path, classroom=True)
    assert not room.alternatives_begun  # no debrief asked
    assert client.get("/api/exercise").json()["classroom"]
    ana, ben = joined(client, "ana"), joined(client, "ben")
    assert client.get("/instructor").status_code == 200
    client.post(f"/api/sessions/{ben}/advance", json={"seconds": 3600})
    client.post(f"/api/sessions/{ben}/decide", json={"lever": "agents:agents", "value": 2})
    client.post(f"/api/sessions/{ana}/advance", json={"to": "end"})
    finished_scorecard(client, ana)
    board = client.get("/api/leaderboard").json()
    assert board["exercise"] == room.exercise.title
    rows = {row["name"]: row for row in board["trainees"]}
    assert [row["name"] for row in board["trainees"]] == ["ana", "ben"]  # scored first
    assert rows["ana"]["finished"] and rows["ana"]["score"] is not None
    assert rows["ben"]["score"] is None and rows["ben"]["clock"] == "09:00"
    assert rows["ben"]["decisions"] == [{"clock": "09:00", "lever": "agents:agents", "value": 2}]
    folders = sorted(p.name for p in tmp_path.iterdir())
    assert any("ana" in f for f in folders) and any("ben" in f for f in folders)


def test_the_debrief_runs_aside_in_a_low_priority_child(tmp_path):
    """The debrief runs outside the server's process (the server keeps its half core): the
    other plans from the start, the decisions' effects once the day ends."""
    room, client = client_for(tmp_path, debrief=True, name="1-steady-erlang-c")
    sid = joined(client)
    client.post(f"/api/sessions/{sid}/advance", json={"seconds": 3600})
    client.post(f"/api/sessions/{sid}/decide", json={"lever": "agents:agents", "value": 2})
    client.post(f"/api/sessions/{sid}/advance", json={"seconds": 3600})
    assert room.alternatives_begun and room.trainees[sid].effects is None
    client.post(f"/api/sessions/{sid}/advance", json={"to": "end"})
    card = finished_scorecard(client, sid, debrief=True)
    plans = [row["plan"] for row in card["debrief"]["alternatives"]]
    assert plans == ["reference plan", "ccsim staff answer", "Erlang-only plan"]
    assert all(row["score"] is not None for row in card["debrief"]["alternatives"])
    (effect,) = card["debrief"]["decisions"]
    assert effect["lever"] == "agents:agents" and effect["score_with"] == card["score"]["score"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        ("get", "/api/sessions/99/state", None, 404, "no such session"),
        ("post", "/api/sessions/99/decide", {"lever": "x", "value": 1}, 404, "no such session"),
        ("get", "/api/sessions/99/scorecard", None, 404, "no such session"),
        ("post", "/api/sessions/1/advance", {"seconds": "fast"}, 400, "'seconds' is a number"),
        ("post", "/api/sessions/1/advance", {"to": "lunch"}, 400, "'to' is 'end' or 'interval'"),
        ("post", "/api/sessions/1/advance", "[1, 2]", 400, "a JSON object"),
        ("post", "/api/sessions/1/advance", "{not json", 400, "not JSON"),
        ("post", "/api/sessions/1/decide", {"lever": "agents:agents"}, 400, "whole number"),
        ("post", "/api/sessions/1/decide", {"lever": "agents:agents", "value": 2.5}, 400, "whole"),
        ("post", "/api/sessions/1/decide", {"lever": "agents:agents", "value": True}, 400, "whole"),
        ("get", "/api/sessions/1/decide", None, 405, "Method Not Allowed"),
        ("get", "/api/nothing-here", None, 404, "Not Found"),
    ],
)
def test_bad_requests_get_clean_json_errors(tmp_path, method, path, body, status, message):
    _, client = client_for(tmp_path)
    joined(client)
    if isinstance(body, str):
        answer = client.request(method, path, content=body)
    else:
        answer = client.request(method, path, json=body)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["ok"] is False and message in answer.json()["message"]
    state = client.get("/api/sessions/1/state").json()
    assert state["decisions"] == [] and state["floor"]["clock"] == "08:00"  # nothing changed
