"""The command line: run, validate, schema, erlang — and clear errors for user mistakes."""

import json

import pandas as pd
import pytest
from cli_checks import assert_user_error
from paths import SCENARIOS

from ccsim import __version__


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_run_default_scenario_writes_a_complete_results_folder(cli, tmp_path):
    result = cli("run", "--reps", 3, "--seed", 5, "--jobs", 1, "--results-dir", tmp_path)
    assert result.exit_code == 0, result.output
    assert "service level" in result.output and "Erlang" in result.output
    (folder,) = [p for p in tmp_path.iterdir()]
    assert folder.name.startswith("default-day-")
    names = {p.name for p in folder.iterdir()}
    assert names == {
        "scenario.yaml",
        "summary.json",
        "intervals.csv",
        "contacts.parquet",
        "service_level.png",
        "waiting_times.png",
        "occupancy.png",
        "report.html",
    }
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["ccsim_version"] == __version__
    assert (summary["scenario"], summary["seed"], summary["replications"]) == ("default-day", 5, 3)
    for measure in (
        "offered",
        "answered",
        "abandoned",
        "blocked",
        "service_level",
        "asa",
        "abandon_rate",
        "occupancy",
    ):
        entry = summary["overall"][measure]
        assert set(entry) >= {"mean", "low", "high", "half_width"}
        assert measure in summary["by_type"]["voice"] or measure == "occupancy"
    assert summary["by_pool"]["agents"]["occupancy"]["mean"] > 0
    assert 0 <= summary["overall"]["service_level"]["mean"] <= 1
    contacts = pd.read_parquet(folder / "contacts.parquet")
    assert set(contacts["replication"]) == {0, 1, 2}
    assert {"arrival", "answered", "ended", "outcome", "pool", "agent", "wait"} <= set(contacts)
    assert len(contacts) == pytest.approx(summary["overall"]["offered"]["mean"] * 3, rel=1e-9)
    intervals = pd.read_csv(folder / "intervals.csv")
    assert len(intervals[intervals["kind"] == "type"]) == 24
    # The resolved scenario runs again and gives the same answer.
    again = cli("run", folder / "scenario.yaml", "--jobs", 1, "--out", tmp_path / "again", "--json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["overall"] == summary["overall"]


def test_run_json_and_out(cli, tmp_path):
    out = tmp_path / "mine"
    result = cli(
        "run", SCENARIOS / "erlang-c.yaml", "--reps", 2, "--out", out, "--json", "--no-records"
    )
    assert result.exit_code == 0
    summary = json.loads(result.stdout)  # the folder is named on stderr
    assert summary["erlang"]["voice"]["model"] == "Erlang C"
    assert f"Results written to {out}" in result.stderr
    assert not (out / "contacts.parquet").exists() and (out / "summary.json").exists()


def test_out_is_never_overwritten(cli, tmp_path):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    result = cli("run", "--reps", 1, "--out", out)
    assert_user_error(result, "--out", "not an empty folder")
    assert (out / "precious.txt").read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


def test_bad_scenarios_exit_2_with_the_path(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((SCENARIOS / "erlang-c.yaml").read_text().replace("mean: 180s", "mean: -3"))
    assert_user_error(
        cli("run", bad, "--results-dir", tmp_path), "contact_types.voice.handle_time.mean"
    )
    assert_user_error(cli("validate", bad), "contact_types.voice.handle_time.mean")
    assert_user_error(cli("run", tmp_path / "nope.yaml"), "file not found")
    broken = tmp_path / "broken.yaml"
    broken.write_text("pools: [\n")
    assert_user_error(cli("validate", broken), "not valid YAML")
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == []


def test_impossible_options_exit_2(cli):
    assert_user_error(cli("run", "--reps", 0), "--reps")
    assert_user_error(cli("run", "--jobs", -1), "--jobs")
    assert_user_error(cli("erlang", "--calls", 100, "--aht", 180), "--agents", "--target")
    assert_user_error(cli("erlang", "--calls", 100, "--aht", "3 parsecs", "--agents", 3), "unit")
    assert_user_error(cli("erlang", "--calls", -1, "--aht", 180, "--agents", 3), "--calls")
    assert_user_error(
        cli("erlang", "--calls", 100, "--aht", 180, "--agents", 14, "--lines", 10), "--lines"
    )
    assert_user_error(
        cli("erlang", "--calls", 100, "--aht", 180, "--agents", 14, "--shrinkage", 1.5),
        "--shrinkage",
    )


def test_scenarios_lists_every_bundled_scenario_with_its_description(cli):
    result = cli("scenarios")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split()[0] for line in lines] == [p.stem for p in sorted(SCENARIOS.glob("*.yaml"))]
    assert any(line.startswith("erlang-c ") and "M/M/12" in line for line in lines)


def test_scenarios_copy_refuses_to_overwrite_without_force(cli, tmp_path):
    result = cli("scenarios", "--copy", tmp_path / "mine")
    assert result.exit_code == 0, result.output
    copied = sorted(p.name for p in (tmp_path / "mine").iterdir())
    assert copied == sorted(p.name for p in SCENARIOS.glob("*.yaml"))
    (tmp_path / "mine" / "two-pools.yaml").write_text("# edited\n")
    assert_user_error(cli("scenarios", "--copy", tmp_path / "mine"), "two-pools.yaml", "--force")
    assert (tmp_path / "mine" / "two-pools.yaml").read_text() == "# edited\n"
    assert cli("scenarios", "--copy", tmp_path / "mine", "--force").exit_code == 0
    assert (tmp_path / "mine" / "two-pools.yaml").read_text().startswith("# Two contact types")


def test_commands_take_a_bundled_scenario_by_name(cli, tmp_path):
    result = cli("validate", "erlang-c", "scenarios/two-pools.yaml")
    assert result.exit_code == 0 and result.output.count(": OK") == 2, result.output
    result = cli("run", "erlang-c", "--reps", 2, "--out", tmp_path / "run", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["scenario"] == "erlang-c"
    assert_user_error(
        cli("run", "erlang-cc", "--out", tmp_path / "typo"), "did you mean 'erlang-c'?"
    )


def test_validate_all_shipped_scenarios(cli):
    result = cli("validate", *sorted(SCENARIOS.glob("*.yaml")))
    assert result.exit_code == 0
    assert result.output.count(": OK") == len(list(SCENARIOS.glob("*.yaml")))


def test_schema_is_json_schema(cli):
    result = cli("schema")
    schema = json.loads(result.output)
    assert schema["type"] == "object" and "pools" in schema["properties"]


def test_erlang_json_matches_published_example(cli):
    # 100 calls in 30 minutes, AHT 180 s, 14 agents: P(wait) = 0.1741, SL(20 s) = 0.888
    result = cli(
        "erlang",
        "--calls",
        100,
        "--interval",
        "30min",
        "--aht",
        180,
        "--agents",
        14,
        "--threshold",
        20,
        "--json",
    )
    data = json.loads(result.output)
    assert set(data) == {
        "p_wait",
        "service_level",
        "asa",
        "abandon_rate",
        "blocking",
        "occupancy",
        "agents",
    }
    assert data["p_wait"] == pytest.approx(0.1741, abs=5e-4)
    assert data["occupancy"] == pytest.approx(10 / 14)


def test_erlang_target_and_shrinkage(cli):
    result = cli(
        "erlang", "--calls", 100, "--aht", 180, "--target", 0.8, "--shrinkage", 0.3, "--json"
    )
    data = json.loads(result.output)
    # 14 agents give 88.8 % (the published example above); 13 give 1 - 0.2998 e^(-1/3) = 78.5 %.
    assert data["agents"] == 14 and data["service_level"] >= 0.8
    fewer = json.loads(cli("erlang", "--calls", 100, "--aht", 180, "--agents", 13, "--json").output)
    assert fewer["service_level"] < 0.8
    assert data["scheduled_agents"] == 20  # ceil(14 / 0.7)


def test_erlang_c_overload_says_there_is_no_steady_state(cli):
    result = cli("erlang", "--calls", 200, "--aht", 180, "--agents", 14)
    assert_user_error(result, "steady state")
    ok = cli("erlang", "--calls", 200, "--aht", 180, "--agents", 14, "--patience", 120, "--json")
    assert ok.exit_code == 0 and json.loads(ok.output)["abandon_rate"] > 0


def test_erlang_table(cli):
    result = cli("erlang", "--calls", 100, "--aht", "3min", "--agents", 14)
    assert result.exit_code == 0 and "Erlang C" in result.output and "17.4 %" in result.output


def test_python_dash_m(tmp_path):
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "ccsim", "--version"], capture_output=True, text=True, check=True
    )
    assert __version__ in done.stdout


def test_a_failed_run_leaves_no_folder_that_looks_complete(tmp_path, monkeypatch):
    import ccsim.output.run_folder

    def broken_plots(*args):
        raise RuntimeError("disk full while plotting")

    monkeypatch.setattr(ccsim.output.run_folder, "write_charts", broken_plots)
    import ccsim as api

    result = api.run_experiment(api.load_scenario(SCENARIOS / "erlang-c.yaml"), replications=1)
    with pytest.raises(RuntimeError):
        ccsim.output.run_folder.write_results(result, tmp_path / "run")
    assert list(tmp_path.iterdir()) == []  # neither the folder nor a partial one


def test_run_prints_the_journey_table_for_journey_scenarios(cli, tmp_path):
    result = cli(
        "run",
        SCENARIOS / "redials-callbacks.yaml",
        "--reps",
        2,
        "--jobs",
        1,
        "--out",
        tmp_path / "journeys",
    )
    assert result.exit_code == 0, result.output
    assert "Customer journeys" in result.output and "FCR" in result.output
    summary = json.loads((tmp_path / "journeys" / "summary.json").read_text())
    voice = summary["by_type"]["voice"]
    assert voice["callbacks_accepted"]["mean"] > 0 and voice["redials"]["mean"] > 0
    contacts = pd.read_parquet(tmp_path / "journeys" / "contacts.parquet")
    assert set(contacts["kind"].dropna().unique()) >= {"arrival", "redial", "callback"}
    plain = cli("run", SCENARIOS / "erlang-c.yaml", "--reps", 2, "--out", tmp_path / "plain")
    assert "Customer journeys" not in plain.output
