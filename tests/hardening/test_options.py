"""Bad options are refused up front, naming the option the user typed (issue 14)."""

from __future__ import annotations

import os

import pytest
from cli_checks import assert_user_error
from paths import DATA, SCENARIOS

import ccsim.studies.sweep

pytestmark = pytest.mark.e2e


def _no_simulation(monkeypatch) -> None:
    """Any simulation now fails the test: the refusal must come before it."""

    def refuse(*args, **kwargs):
        raise AssertionError("simulated before refusing the option")

    monkeypatch.setattr("ccsim.experiment.replications.run_experiment", refuse)
    monkeypatch.setattr("ccsim.studies.compare.run_experiment", refuse)
    monkeypatch.setattr("ccsim.studies.sweep.run_experiment", refuse)
    monkeypatch.setattr("ccsim.studies.sweep.run_sweep", refuse)


@pytest.mark.parametrize(
    "spec",
    ["nan:3", "1:inf", "-inf:3", "1:3:nan", "1:1e300:1e-300", "1:1e309"],
)
def test_grid_ranges_with_nan_inf_or_too_many_values(cli, spec, monkeypatch):
    _no_simulation(monkeypatch)
    result = cli("sweep", "erlang-c", "--grid", f"pools.agents.staffing={spec}")
    assert_user_error(result, "--grid", one_line=True)


def test_two_axes_of_10000_values_are_refused_without_building_the_grid(cli, monkeypatch):
    _no_simulation(monkeypatch)
    result = cli(
        "sweep", "erlang-c",
        "--grid", "pools.agents.staffing=1:10000",
        "--grid", "contact_types.voice.handle_time.mean=1:10000",
    )  # fmt: skip
    assert_user_error(result, "--grid", "100,000,000 points", "10,000", one_line=True)


LOG = str(DATA / "sample-contact-log.csv")


@pytest.mark.parametrize(
    ("command", "option"),
    [
        (["run", "erlang-c"], "--reps"),
        (["compare", "erlang-c", "--set", "pools.agents.staffing=+1"], "--reps"),
        (["sweep", "erlang-c", "--grid", "pools.agents.staffing=11:12"], "--reps"),
        (["staff", "erlang-c"], "--reps"),
        (["staff", "erlang-c"], "--rerun-reps"),
        (["staff", "erlang-c"], "--confirm-reps"),
        (["backtest", LOG, "erlang-c", "--mode", "model"], "--reps"),
    ],
)
def test_huge_replications_are_refused_naming_the_option_typed(cli, command, option):
    result = cli(*command, option, str(10**30))
    assert_user_error(result, option, "at most 100,000 replications")
    assert "experiment.replications" not in result.output


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--agents", str(10**30), "at most 1,000,000 agents"),
        ("--lines", str(10**30), "at most 1,000,000 agents"),
        ("--shrinkage", "nan", "not a finite number"),
    ],
)
def test_erlang_options_beyond_what_the_formulas_take(cli, option, value, words):
    args = ["erlang", "--calls", "100", "--aht", "180", option, value]
    if option != "--agents":
        args += ["--agents", "14"]
    assert_user_error(cli(*args), option, words)


def test_a_datetime_format_with_an_unknown_directive(cli, tmp_path):
    result = cli(
        "fit", DATA / "sample-contact-log.csv", "--mapping", DATA / "sample-log-mapping.yaml",
        "--out", tmp_path / "fitted.yaml", "--datetime-format", "%Q",
    )  # fmt: skip
    assert_user_error(result, "--datetime-format", "bad directive")
    assert not (tmp_path / "fitted.yaml").exists()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xff\xfe- {pools.agents.staffing: 12}\n", "not UTF-8"),
        (b"- " + b"[" * 5000 + b"]" * 5000 + b"\n", "not valid YAML"),
        (b"- {pools.agents.staffing: &a [*a]}\n", "--points"),
    ],
    ids=["not-utf8", "deep-nesting", "self-alias"],
)
def test_unreadable_points_files(cli, tmp_path, monkeypatch, content, words):
    _no_simulation(monkeypatch)
    points = tmp_path / "points.yaml"
    points.write_bytes(content)
    result = cli("sweep", "erlang-c", "--points", points, "--results-dir", tmp_path / "r")
    assert_user_error(result, "--points", words)
    assert len(result.output) < 1000


def test_an_alias_bomb_in_a_points_file_is_not_expanded(cli, tmp_path, monkeypatch):
    _no_simulation(monkeypatch)
    lines = ["- a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        name, previous = chr(97 + i), chr(96 + i)
        lines.append(f"  {name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    (tmp_path / "points.yaml").write_text("\n".join(lines) + "\n")
    result = cli("sweep", "erlang-c", "--points", tmp_path / "points.yaml")
    assert_user_error(result, "--points", "too large", one_line=True)


def test_a_points_file_over_the_size_cap(cli, tmp_path, monkeypatch):
    _no_simulation(monkeypatch)
    monkeypatch.setattr(ccsim.studies.sweep, "MAX_POINTS_FILE", 100)
    (tmp_path / "points.yaml").write_text("- {pools.agents.staffing: 12}\n" * 10)
    result = cli("sweep", "erlang-c", "--points", tmp_path / "points.yaml")
    assert_user_error(result, "--points", "larger than", one_line=True)


@pytest.mark.parametrize("address", ["tls://127.0.0.1:8786", "ucx://127.0.0.1:8786"])
def test_schedulers_other_than_tcp_are_refused_at_once(cli, address, tmp_path):
    result = cli("run", "erlang-c", "--scheduler", address, "--results-dir", tmp_path)
    assert_user_error(result, "--scheduler", address.split(":")[0], one_line=True)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("where", ["--out", "--results-dir"])
def test_a_folder_name_over_255_bytes(cli, tmp_path, monkeypatch, where):
    _no_simulation(monkeypatch)
    long = tmp_path / ("x" * 300)
    result = cli("run", "erlang-c", "--reps", "2", where, long)
    assert_user_error(result, where, "300 bytes", "255", one_line=True)


def test_a_long_scenario_name_gives_a_short_folder_name(cli, tmp_path):
    scenario = tmp_path / "long.yaml"
    text = (SCENARIOS / "erlang-c.yaml").read_text().replace("name: erlang-c", "name: " + "é" * 300)
    scenario.write_text(text, encoding="utf-8")
    result = cli("run", scenario, "--reps", "1", "-q", "--no-records", "--results-dir", tmp_path)
    assert result.exit_code == 0, result.output
    (folder,) = (p for p in tmp_path.iterdir() if p.is_dir())
    assert len(folder.name.encode()) < 255


@pytest.mark.parametrize("command", ["run", "compare", "staff", "sweep"])
def test_out_a_symlink_is_refused_before_simulating(cli, tmp_path, monkeypatch, command):
    _no_simulation(monkeypatch)
    monkeypatch.setattr(
        "ccsim.studies.staffing.optimiser.optimise_staffing",
        lambda *a, **k: (_ for _ in ()).throw(AssertionError("searched before refusing")),
    )
    (tmp_path / "real").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "link")
    args = {
        "run": ["run", "erlang-c"],
        "compare": ["compare", "erlang-c", "--set", "pools.agents.staffing=+1"],
        "staff": ["staff", "erlang-c"],
        "sweep": ["sweep", "erlang-c", "--grid", "pools.agents.staffing=11:12"],
    }[command]
    result = cli(*args, "--reps", "2", "--out", tmp_path / "link")
    assert_user_error(result, "--out", "symbolic link", one_line=True)
    assert not list((tmp_path / "real").iterdir())


def test_sweep_measure_bogus_is_refused_before_the_sweep_runs(cli, tmp_path, monkeypatch):
    _no_simulation(monkeypatch)
    for measure, words in (("bogus", "no measure 'bogus'"), ("nowhere.asa", "'nowhere'")):
        result = cli(
            "sweep", "erlang-c", "--grid", "pools.agents.staffing=11:12",
            "--measure", measure, "--results-dir", tmp_path,
        )  # fmt: skip
        assert_user_error(result, "--measure", words, one_line=True)
    assert not list(tmp_path.iterdir())
