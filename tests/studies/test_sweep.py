"""Sweeps: a grid of overrides, one experiment per point, resumable after an interruption."""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

import ccsim
from ccsim.cli.commands import main
from ccsim.scenario.overrides import apply_overrides, parse_override
from ccsim.studies.sweep import (
    SweepError,
    grid_points,
    list_points,
    parse_axis,
    run_sweep,
)

SCENARIO = "scenarios/erlang-a.yaml"
GRID = ["pools.agents.staffing=+0:+2", "contact_types.voice.patience.mean=120,300"]


@pytest.fixture(scope="module")
def base():
    # Short: a few hours are plenty to check the bookkeeping.
    spec = ccsim.load_scenario(SCENARIO).resolved()
    spec["horizon"]["days"] = 1
    spec["experiment"]["replications"] = 3
    spec["contact_types"]["voice"]["arrivals"]["rate_per_hour"] = 120
    spec["pools"]["agents"]["staffing"] = 6
    return ccsim.load_scenario(spec)


def test_axes_and_grids():
    assert parse_axis("pools.a.staffing=40:46:2").values == ("40", "42", "44", "46")
    assert parse_axis("x.y=0.5:1:0.25").values == ("0.5", "0.75", "1")
    assert parse_axis("x.y=+0,+2,*1.1").values == ("+0", "+2", "*1.1")
    assert parse_axis("x.y=[1, 2],[3, 4]").values == ("[1, 2]", "[3, 4]")
    points = grid_points([parse_axis("a.b=1,2"), parse_axis("c.d=x,y,z")])
    assert len(points) == 6 and points[0] == {"a.b": "1", "c.d": "x"}
    assert points[-1] == {"a.b": "2", "c.d": "z"}
    for bad in ("a.b", "a.b=5:1", "a.b=1:5:0", "a.b=1:x", "a.b=+z"):
        with pytest.raises(ValueError, match="--grid"):
            parse_axis(bad)


def test_points_from_a_file(tmp_path):
    path = tmp_path / "points.yaml"
    path.write_text("- {pools.agents.staffing: 40}\n- {pools.agents.staffing: '+2'}\n")
    assert list_points(path) == [{"pools.agents.staffing": "40"}, {"pools.agents.staffing": "+2"}]
    path.write_text("pools: 3\n")
    with pytest.raises(SweepError, match="a YAML list of mappings"):
        list_points(path)


def test_interrupted_sweep_resumes_to_the_same_table(base, tmp_path):
    points = grid_points([parse_axis(text) for text in GRID])
    whole = run_sweep(base, points, tmp_path / "whole")

    class Stop(Exception):
        pass

    def stop_after_two(point):
        if point == 2:
            raise Stop

    with pytest.raises(Stop):
        run_sweep(base, points, tmp_path / "resumed", on_point=stop_after_two)
    saved = sorted(p.name for p in (tmp_path / "resumed" / "points").iterdir())
    assert saved == ["point-0000.json", "point-0001.json", "point-0002.json"]
    assert not (tmp_path / "resumed" / "sweep.csv").exists()
    ran = []
    resumed = run_sweep(base, points, tmp_path / "resumed", on_point=ran.append)
    assert ran == [3, 4, 5]  # finished points were read back, not run again
    pd.testing.assert_frame_equal(resumed, whole)
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "resumed" / "sweep.parquet"),
        pd.read_parquet(tmp_path / "whole" / "sweep.parquet"),
    )


def test_each_point_equals_running_it_alone(base, tmp_path):
    points = [{"pools.agents.staffing": "+1", "contact_types.voice.patience.mean": "300"}]
    table = run_sweep(base, points, tmp_path / "s")
    alone = ccsim.run_experiment(
        apply_overrides(base, [parse_override(f"{k}={v}") for k, v in points[0].items()]),
        keep_records=False,
    ).estimates()
    sl = alone["overall"]["service_level"]
    assert table.loc[0, "overall.service_level"] == sl.mean
    assert table.loc[0, "overall.service_level_low"] == sl.low
    assert table.loc[0, "type.voice.abandon_rate"] == alone["by_type"]["voice"]["abandon_rate"].mean


def test_a_folder_of_another_sweep_is_refused(base, tmp_path):
    run_sweep(base, [{"pools.agents.staffing": "5"}], tmp_path / "s")
    with pytest.raises(SweepError, match="holds another sweep"):
        run_sweep(base, [{"pools.agents.staffing": "6"}], tmp_path / "s")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    with pytest.raises(SweepError, match="not a sweep folder"):
        run_sweep(base, [{"pools.agents.staffing": "5"}], tmp_path / "other")


def test_ccsim_sweep_writes_table_and_plot_and_resumes_by_itself(tmp_path):
    args = [
        "sweep",
        SCENARIO,
        "--grid",
        "pools.agents.staffing=50:52",
        "--reps",
        "2",
        "--jobs",
        "1",
        "--results-dir",
        str(tmp_path),
        "--measure",
        "voice.abandon_rate",
    ]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    (folder,) = tmp_path.iterdir()
    assert {
        "sweep.csv",
        "sweep.parquet",
        "sweep-type.voice.abandon_rate.png",
        "sweep.json",
        "summary.json",
        "points",
    } <= {p.name for p in folder.iterdir()}
    table = pd.read_csv(folder / "sweep.csv")
    assert list(table["pools.agents.staffing"]) == [50, 51, 52]
    assert table["type.voice.abandon_rate"].is_monotonic_decreasing  # same callers, more agents
    # The same command again finds the same folder and runs nothing new.
    again = CliRunner().invoke(main, [*args, "--json"])
    assert again.exit_code == 0, again.output
    assert [row["pools.agents.staffing"] for row in json.loads(again.stdout)] == ["50", "51", "52"]
    assert "3 of 3 points already done, reused" in again.stderr  # said, not silent
    assert len(list(tmp_path.iterdir())) == 1


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "give --grid"),
        (["--grid", "pools.agents.staffing"], "PATH=START:STOP:STEP"),
        (["--grid", "pools.nobody.staffing=1,2"], "pools has no 'nobody'"),
        (["--grid", "pools.agents.staffing=50,51", "--measure", "happiness"], "--measure"),
    ],
)
def test_ccsim_sweep_errors(tmp_path, extra, message):
    result = CliRunner().invoke(
        main, ["sweep", SCENARIO, "--reps", "1", "--results-dir", str(tmp_path), *extra]
    )
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
