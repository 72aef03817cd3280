"""``ccsim intraday`` and ``ccsim state`` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def now_json(cli, tmp_path) -> Path:
    result = cli("intraday", "--example")
    assert result.exit_code == 0
    path = tmp_path / "now.json"
    path.write_text(result.output)
    return path


def test_intraday_projects_the_plan_and_a_what_if_into_a_results_folder(cli, now_json, tmp_path):
    out = tmp_path / "projection"
    result = cli(
        "intraday", "default-day", "--state", now_json, "--reps", 8, "--seed", 3,
        "--what-if", "overtime=pools.agents.staffing=+3", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "re-forecast voice: 1030 seen" in result.output
    assert "overtime" in result.output and "11:40*" in result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "differences.csv",
        "fan.png",
        "intervals.csv",
        "intraday.json",
        "report.html",
    ]
    summary = json.loads((out / "intraday.json").read_text())
    assert summary["state_time"] == "11:40" and summary["replications"] == 8
    rows = {(r["plan"], r["measure"]): r for r in summary["rest_of_day"]}
    # Three more agents from now on: the paired difference says service gets better.
    assert rows[("overtime", "service_level")]["difference_mean"] > 0
    assert rows[("overtime", "occupancy")]["difference_high"] < 0
    assert (out / "fan.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page = (out / "report.html").read_text()
    # The fan chart is in the page itself (inline SVG, as in the run report), fan.png beside it.
    assert "<svg viewBox=" in page and 'class="chart"' in page
    assert "fan.png" in page and "overtime" in page


def test_two_projections_in_the_same_second_get_folders_of_their_own(cli, now_json, tmp_path):
    for _ in range(2):
        result = cli("intraday", "default-day", "--state", now_json, "--reps", 2,
                     "--results-dir", tmp_path / "results")  # fmt: skip
        assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "results").iterdir())) == 2


def test_a_what_if_may_start_from_a_state_of_its_own(cli, now_json, tmp_path):
    # The six agents at lunch until 12:10 called back now: a state edit, paired with the plan.
    state = json.loads(now_json.read_text())
    for agent in state["agents"]:
        if agent["state"] == "break":
            agent["state"] = "idle"
            del agent["until"]
    back = tmp_path / "back.json"
    back.write_text(json.dumps(state))
    result = cli("intraday", "default-day", "--state", now_json, "--reps", 10, "--no-folder",
                 "--json", "--what-if", f"back=@{back}")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = {(r["plan"], r["measure"]): r for r in json.loads(result.output)["rest_of_day"]}
    assert rows[("back", "service_level")]["difference_low"] > 0
    assert rows[("back", "abandon_rate")]["difference_high"] < 0


def test_intraday_json_output_and_schema(cli, now_json):
    result = cli("intraday", "default-day", "--state", now_json, "--reps", 3, "--no-folder",
                 "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["folder"] is None and payload["reforecast"]["voice"]["actual"] == 1030
    schema = json.loads(cli("intraday", "--schema").output)
    assert "agents" in schema["properties"]


def test_user_mistakes_give_one_paragraph_and_exit_status_2(cli, tmp_path, now_json):
    bad = tmp_path / "bad.json"
    bad.write_text('{"time": "11:40", "waiting": [{"type": "fax"}]}')
    result = cli("intraday", "default-day", "--state", bad, "--no-folder")
    assert result.exit_code == 2
    assert "waiting[0].type: no contact type 'fax'" in result.output
    assert "Traceback" not in result.output
    result = cli("intraday", "default-day", "--state", now_json, "--what-if", "oops")
    assert result.exit_code == 2 and "--what-if 'oops'" in result.output
    result = cli("intraday", "default-day", "--state", now_json, "--what-if",
                 "x=pools.nope.staffing=+2", "--no-folder")  # fmt: skip
    assert result.exit_code == 2
    assert "--what-if x: pools.nope.staffing=+2: pools has no 'nope'" in result.output
    result = cli("intraday", "default-day", "--state", tmp_path / "missing.json")
    assert result.exit_code == 2 and "cannot read the state file" in result.output
    late = tmp_path / "late.json"
    late.write_text('{"time": "21:00"}')
    result = cli("intraday", "default-day", "--state", late, "--no-folder")
    assert result.exit_code == 2 and "21:00 is after the day's last planning interval" in (
        result.output
    )


def test_state_from_a_contact_log_feeds_intraday(cli, tmp_path):
    state = tmp_path / "s.json"
    result = cli(
        "state", DATA / "sample-contact-log.csv", "--mapping", DATA / "sample-log-mapping.yaml",
        "--date", "2026-10-06", "--at", "10:02", "--out", state,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(state.read_text())
    assert data["time"] == "10:02" and data["day"] == 1
    assert data["volume_so_far"]["billing"] > 0 and len(data["in_service"]) > 0
    result = cli("intraday", DATA / "sample-centre.yaml", "--state", state, "--reps", 4,
                 "--no-folder")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "re-forecast billing" in result.output
