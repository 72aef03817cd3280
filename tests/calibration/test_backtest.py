"""Backtests: trace replay reproduces a generating run exactly; model runs compare with CIs."""

import json

import numpy as np
import pytest
from click.testing import CliRunner
from paths import DATA

from ccsim.calibration.backtest import BacktestError, run_backtest
from ccsim.calibration.contact_log import read_contact_log
from ccsim.calibration.sample_log import records_log
from ccsim.cli.commands import main
from ccsim.model.centre import simulate
from ccsim.records import ABANDONED, ANSWERED
from ccsim.scenario import load_scenario

FIFO = {
    "name": "fifo",
    "horizon": {"days": 3, "interval": "30min", "open": "09:00", "close": "13:00"},
    "contact_types": {
        "voice": {
            "arrivals": {"rate_per_hour": [80, 120, 150, 150, 130, 110, 90, 70]},
            "handle_time": {"distribution": "gamma", "mean": 240, "cv": 0.8},
            "patience": {"distribution": "weibull", "mean": 150, "shape": 0.7},
        }
    },
    # constant per interval (the same every day), changing at interval boundaries
    "pools": {"agents": {"serves": ["voice"], "staffing": [5, 8, 10, 9, 9, 7, 6, 4]}},
    "experiment": {"seed": 3},
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    scenario = load_scenario(FIFO)
    records = simulate(scenario)
    path = tmp_path_factory.mktemp("fifo") / "log.parquet"
    records_log(records).to_parquet(path)
    return scenario, records, read_contact_log(path)


def test_trace_replay_reproduces_the_generating_runs_waits_exactly(generated):
    scenario, records, log = generated
    assert len(log.contacts) == len(records)  # every contact is a first attempt
    bt = run_backtest(log, scenario, "trace", staffing=None)
    waits = bt.waits
    original = records.wait[np.isin(records.outcome, [ANSWERED, ABANDONED])]
    assert (waits["actual_outcome"] == waits["sim_outcome"]).all()
    # The log's timestamps are nanoseconds: the recorded waits differ from the model's by
    # at most a few ns, and the replay reproduces the recorded ones to rounding.
    assert np.max(np.abs(waits["actual_wait"].to_numpy() - original)) < 1e-6
    assert np.max(np.abs(waits["sim_wait"] - waits["actual_wait"])) < 1e-6
    assert (records.outcome == ABANDONED).mean() > 0.03  # abandonment did happen
    errors = bt.errors()
    assert errors["mae"].max() < 1e-6


def test_trace_replay_with_staffing_inferred_from_the_log(generated):
    scenario, _, log = generated
    bt = run_backtest(log, scenario, "trace")  # agents inferred per day and interval
    agreement = bt.wait_agreement()
    assert agreement["same_outcome"] > 0.97 and agreement["within_1s"] > 0.95


def test_model_backtest_gives_bands_and_unbiased_volumes(generated):
    scenario, _, log = generated
    bt = run_backtest(log, scenario, "model", staffing=None, replications=4, seed=5)
    table = bt.table()
    assert {"sim_service_level_low", "sim_service_level_high"} <= set(table.columns)
    assert (table["sim_offered"] == table["actual_offered"]).all()  # actual volumes given
    errors = bt.errors().set_index("measure")
    assert (
        abs(
            errors.loc["service_level", "sim_period"] - errors.loc["service_level", "actual_period"]
        )
        < 0.1
    )


def test_trace_mode_refuses_journeys(generated):
    _, _, log = generated
    data = {
        **FIFO,
        "contact_types": {
            "voice": {
                **FIFO["contact_types"]["voice"],
                "redial": {
                    "probability": 0.5,
                    "delay": {"distribution": "exponential", "mean": 60},
                },
            }
        },
    }
    with pytest.raises(BacktestError, match="journeys"):
        run_backtest(log, load_scenario(data), "trace")


def test_cli_backtest_on_the_sample_writes_a_folder(tmp_path):
    runner = CliRunner()
    out = tmp_path / "bt"
    result = runner.invoke(
        main,
        [
            "backtest",
            str(DATA / "sample-contact-log.csv"),
            str(DATA / "sample-centre.yaml"),
            "--mapping",
            str(DATA / "sample-log-mapping.yaml"),
            "--staffing",
            "scenario",
            "--out",
            str(out),
            "--json",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.split("\nBacktest written")[0])
    assert summary["wait_agreement"]["same_outcome"] == 1.0
    assert summary["wait_agreement"]["max_abs_wait_difference"] < 1e-6
    for name in (
        "backtest.csv",
        "over_the_day.csv",
        "errors.csv",
        "waits.parquet",
        "backtest.json",
        "backtest.png",
    ):
        assert (out / name).exists(), name
