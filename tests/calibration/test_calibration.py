"""Calibration from contact logs: reading and cleaning, censored patience, fitting a scenario."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from cli_checks import assert_user_error
from paths import DATA

from ccsim.calibration.contact_log import LogError, LogFormat, read_contact_log
from ccsim.calibration.fit import fit_log
from ccsim.calibration.fitted_scenario import scenario_text
from ccsim.calibration.log_grid import IntervalGrid, read_staffing_file
from ccsim.calibration.patience import estimate_patience, kaplan_meier
from ccsim.calibration.sample_log import records_log
from ccsim.model.centre import simulate
from ccsim.scenario import load_scenario

SAMPLE = DATA / "sample-contact-log.csv"
MAPPING = DATA / "sample-log-mapping.yaml"


def sample_log():
    return read_contact_log(SAMPLE, LogFormat.from_options(MAPPING))


# -- reading and cleaning -------------------------------------------------------------------


def test_sample_log_mapping_split_date_and_bad_rows_counted_by_reason():
    log = sample_log()
    assert log.excluded == {
        "outcome other (never queued for an agent)": 3,
        "unknown outcome value 'XFER'": 1,
        "arrival time unparseable": 1,
        "duplicate row": 1,
        "zero handle time (ended when answered)": 1,
        "answered after it ended (negative handle time)": 1,
        "negative wait (answered before arrival)": 1,
    }
    assert log.rows_read == len(log.contacts) + sum(log.excluded.values())
    assert log.contact_types == ["billing", "support"]
    assert set(log.contacts["outcome"]) == {"answered", "abandoned"}  # ABD mapped too
    assert len(log.dates) == 5 and log.dates[0] == pd.Timestamp("2026-10-05")
    first = log.contacts.iloc[0]
    assert first["arrival"] == pd.Timestamp("2026-10-05 08:03:02.257")
    text = "\n".join(log.summary_lines())
    assert "unknown outcome value 'XFER'" in text and "--map-outcome" in text


def test_options_override_mapping_file_and_unknown_outcomes_can_be_mapped():
    fmt = LogFormat.from_options(MAPPING, outcome_maps=("other=XFER",))
    log = read_contact_log(SAMPLE, fmt)
    assert "unknown outcome value 'XFER'" not in log.excluded
    assert log.excluded["outcome other (never queued for an agent)"] == 4


def test_plain_columns_and_times_in_one_column(tmp_path):
    path = tmp_path / "log.csv"
    pd.DataFrame(
        {
            "arrival": ["2026-01-05 09:00:00", "2026-01-05 09:00:10", "2026-01-05 09:01:00"],
            "answered": ["2026-01-05 09:00:05", "", ""],
            "ended": ["2026-01-05 09:03:00", "2026-01-05 09:00:40", "2026-01-05 09:01:00"],
            "outcome": ["Answered", "ABANDONED", "blocked"],
        }
    ).to_csv(path, index=False)
    log = read_contact_log(path)
    assert list(log.contacts["outcome"]) == ["answered", "abandoned", "blocked"]
    assert list(log.contacts["wait"]) == [5.0, 30.0, 0.0]
    assert log.contact_types == ["voice"] and not log.has_agents


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"maps": ("arival=q_start",)}, ["unknown field 'arival'", "arrival"]),
        ({"maps": ("arrival",)}, ["--map", "FIELD=COLUMN"]),
        ({"outcome_maps": ("gone=ABAN",)}, ["unknown outcome 'gone'", "abandoned"]),
        ({"outcome_maps": ("answered=X", "abandoned=X")}, ["mapped to both"]),
    ],
)
def test_bad_mapping_options_are_clear_errors(kwargs, words):
    with pytest.raises(LogError) as info:
        LogFormat.from_options(**kwargs)
    for word in words:
        assert word in str(info.value)


def test_cli_missing_column_and_bad_map_exit_2_without_traceback(cli, tmp_path):
    out = tmp_path / "f.yaml"
    assert_user_error(cli("fit", SAMPLE, "--out", out), "no column for 'arrival'", "--map")
    assert_user_error(
        cli("fit", SAMPLE, "--mapping", MAPPING, "--map", "agent=login_id", "--out", out),
        "--map agent=login_id",
        "no column 'login_id'",
        "agent_login",
    )
    assert_user_error(cli("fit", SAMPLE, "--map", "when=q_start", "--out", out), "unknown field")
    assert_user_error(
        cli(
            "backtest",
            SAMPLE,
            DATA / "sample-centre.yaml",
            "--mapping",
            MAPPING,
            "--date-column",
            "day",
            "--out",
            tmp_path / "bt",
        ),
        "--date-column day",
    )
    assert not out.exists() and not (tmp_path / "f.fit").exists() and not (tmp_path / "bt").exists()


def test_staffing_file_per_date_and_missing_interval(tmp_path):
    log = sample_log()
    grid = IntervalGrid(tuple(log.dates), 3600.0, 8 * 3600.0, 10 * 3600.0)
    path = tmp_path / "rota.csv"
    path.write_text("interval,agents\n08:00,4\n09:00,6\n")
    assert read_staffing_file(path, grid).tolist() == [[4, 6]] * 5
    path.write_text("interval,agents\n08:00,4\n")
    with pytest.raises(LogError, match="09:00"):
        read_staffing_file(path, grid)


# -- patience -------------------------------------------------------------------------------


def test_exponential_censored_estimate_is_abandons_over_total_wait():
    waits = np.array([10.0, 20.0, 30.0, 40.0, 0.0])
    abandoned = np.array([True, False, True, False, False])
    estimate = estimate_patience(waits, abandoned)
    assert estimate.fit("exponential").mean == pytest.approx(100.0 / 2)
    assert estimate.naive_mean == pytest.approx(20.0)


def test_kaplan_meier_without_censoring_is_the_empirical_survival():
    waits = np.array([1.0, 2.0, 2.0, 5.0])
    times, survival = kaplan_meier(waits, np.ones(4, bool))
    assert times.tolist() == [1.0, 2.0, 5.0]
    assert survival.tolist() == pytest.approx([0.75, 0.25, 0.0])


# -- fitting a log made from a known scenario ------------------------------------------------

KNOWN = {
    "name": "known",
    "horizon": {"days": 10, "interval": "30min", "open": "08:00", "close": "16:00"},
    "contact_types": {
        "voice": {
            "arrivals": {
                "rate_per_hour": [
                    60,
                    100,
                    140,
                    160,
                    160,
                    140,
                    120,
                    120,
                    130,
                    140,
                    130,
                    110,
                    100,
                    90,
                    70,
                    60,
                ]
            },
            "handle_time": {"distribution": "lognormal", "mean": 200, "cv": 0.6},
            "patience": {"distribution": "exponential", "mean": 300},
        }
    },
    "pools": {
        "agents": {
            "serves": ["voice"],
            "staffing": [5, 7, 9, 10, 10, 9, 8, 8, 8, 9, 8, 7, 7, 6, 5, 5],
        }
    },
    "experiment": {"seed": 11},
}


@pytest.fixture(scope="module")
def known_fit(tmp_path_factory):
    scenario = load_scenario(KNOWN)
    path = tmp_path_factory.mktemp("known") / "log.parquet"
    records_log(simulate(scenario)).to_parquet(path)
    return scenario, fit_log(read_contact_log(path))


def test_fit_recovers_arrival_rates_per_interval(known_fit):
    scenario, fit = known_fit
    truth = np.asarray(KNOWN["contact_types"]["voice"]["arrivals"]["rate_per_hour"], float)
    voice = fit.types["voice"]
    rates = voice.rates_per_hour(1800.0)
    # Each interval's mean over 10 days: Poisson sd of the hourly rate = sqrt(2·rate/10).
    assert np.all(np.abs(rates - truth) < 4 * np.sqrt(2 * truth / 10))
    assert rates.sum() == pytest.approx(truth.sum(), rel=0.03)
    assert fit.grid.open == 8 * 3600 and fit.grid.close == 16 * 3600
    assert fit.staffing_profile == KNOWN["pools"]["agents"]["staffing"]


def test_fit_recovers_handle_time_family_and_mean(known_fit):
    _, fit = known_fit
    handle = fit.types["voice"].handle
    assert handle.chosen_family == "lognormal"
    assert handle.chosen["mean"] == pytest.approx(200, rel=0.03)
    assert handle.chosen["cv"] == pytest.approx(0.6, rel=0.08)


def test_patience_under_heavy_censoring_censored_right_naive_far_off(known_fit):
    _, fit = known_fit
    patience = fit.types["voice"].patience
    assert 0.85 <= patience.censored_share <= 0.95  # most callers answered
    exponential = patience.fit("exponential").mean
    # Censored MLE: sd ≈ mean/√abandons (~10 % here): within 25 %.
    assert exponential == pytest.approx(300, rel=0.25)
    assert patience.chosen.mean == pytest.approx(300, rel=0.3)
    assert patience.naive_mean < 0.4 * 300  # the usual report: badly low


def test_fitted_scenario_is_valid_and_commented(known_fit):
    _, fit = known_fit
    text = scenario_text(fit, "known-fit")
    assert "censored MLE" in text and "naive mean time to abandon" in text
    scenario = load_scenario(__import__("yaml").safe_load(text))
    assert scenario.contact_types["voice"].patience.distribution == "exponential"
    assert scenario.horizon.days == 10


# -- the command ----------------------------------------------------------------------------


def test_cli_fit_writes_scenario_and_report_that_validate_and_run(cli, tmp_path):
    out = tmp_path / "fitted.yaml"
    result = cli("fit", SAMPLE, "--mapping", MAPPING, "--out", out)
    assert result.exit_code == 0, result.output
    assert "naive mean time to abandon" in result.output
    assert "duplicate row" in result.output
    report = tmp_path / "fitted.fit"
    for name in (
        "fit.txt",
        "fit.json",
        "arrivals.csv",
        "staffing.csv",
        "arrival_profile.png",
        "handle_time.png",
        "patience.png",
    ):
        assert (report / name).exists(), name
    summary = json.loads((report / "fit.json").read_text())
    billing = summary["contact_types"]["billing"]
    assert (
        billing["patience"]["naive_mean_time_to_abandon"] < billing["patience"]["fits"][0]["mean"]
    )
    assert cli("validate", out).exit_code == 0
    run = cli("run", out, "--reps", 2, "--jobs", 1, "--quiet", "--out", tmp_path / "run")
    assert run.exit_code == 0, run.output
    # Never overwritten without --force; with it, replaced.
    assert_user_error(cli("fit", SAMPLE, "--mapping", MAPPING, "--out", out), "--force")
    again = cli("fit", SAMPLE, "--mapping", MAPPING, "--out", out, "--force", "--quiet")
    assert again.exit_code == 0, again.output


def test_cli_fit_json_and_empirical_handle_time(cli, tmp_path):
    out = tmp_path / "e.yaml"
    result = cli(
        "fit", SAMPLE, "--mapping", MAPPING, "--out", out, "--handle-time", "empirical", "--json"
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.split("\nScenario written")[0])
    assert summary["contact_types"]["support"]["handle_time"]["chosen"] == "empirical"
    scenario = load_scenario(out)
    assert scenario.contact_types["support"].handle_time.distribution == "empirical"
    assert math.isclose(scenario.contact_types["support"].handle_time.mean, 428, rel_tol=0.05)
