"""The realistic log with known truth (data/realistic-log.txt, ccsim.calibration.realistic_log):
reading it as it comes, recovering the truth, and backtesting within the data's own noise.

Tolerances (stated here, checked below):

* availability per (day, 30-minute interval) of the main pool: mean error within 0.3 agent,
  mean absolute error under 0.3 agent — where counting distinct answering agents is off by
  about 4; the same within 0.3 at 15-minute intervals (independent of --interval);
* the dedicated desk (callers waiting in about a tenth of its intervals): mean error within
  0.15 agent over its open intervals, the rounded figure one agent short in under 10 % of
  them and long in under 2 %;
* after-call work (not in the log): mean within 10 % of the true 30 s;
* order of service: gold before standard, platinum on a desk of its own;
* handle time: the long calls' mean within 5 % of the truth at 09:00, 14:00 and 19:00; the
  short-call share within 1.5 points of the truth (7 %, a few rounded to 10 s);
* days of the week: Saturday 09:00-14:00, Sunday 18:00-01:00 the next day, weekdays
  07:00-24:00; Monday the busiest weekday;
* backtests, all types, per hour of the day: abandonment within 2 points and ASA within
  10 s on average over the hours, unweighted and weighted by the hour's calls, in-sample
  (trace and model) and on the held-out last week (trace and model); in model mode the
  data's own noise (each replication against the others) is reported beside it;
* the fitted scenario's own days of the week (its hours, rates and agents per weekday, the
  log's volumes, model mode): each weekday's abandonment within 3 points and ASA within 10 s,
  per hour as above (weighted);
* against the floor no fit can beat — the known truth (true agents per interval, talk times,
  after-call work and patience) backtested the same way (10 replications in-sample, 20 on
  the held-out week, as many for the truth): the fitted model's mean error over the hours
  within 0.5 point (abandonment) and 3 s (ASA) of the truth's own, in-sample and on the
  held-out week, unweighted and weighted;
* availability tuning: the shift stays within the bootstrap band, does not worsen the fitted
  period, and on the held-out week does no worse than the untuned estimate (not overfitted).
"""

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from paths import DATA

from ccsim.calibration.backtest import run_backtest
from ccsim.calibration.backtest_tables import grouped, hourly_errors, noise_floor
from ccsim.calibration.contact_log import LogFormat, read_contact_log
from ccsim.calibration.fit import fit_log
from ccsim.calibration.fitted_scenario import scenario_text
from ccsim.calibration.holdout import holdout_backtest, split_log
from ccsim.calibration.log_grid import IntervalGrid
from ccsim.calibration.truth_backtest import truth_backtest, truth_staffing
from ccsim.calibration.tuning import score, tune_availability
from ccsim.scenario import parse_scenario

LOG = DATA / "realistic-log.txt"
TRUTH = json.loads((DATA / "realistic-log-truth.json").read_text())


@pytest.fixture(scope="module")
def log():
    return read_contact_log(LOG, LogFormat.from_options(DATA / "realistic-log-mapping.yaml"))


@pytest.fixture(scope="module")
def fit(log):
    return fit_log(log)


@pytest.fixture(scope="module")
def scenario(fit):
    import yaml

    return parse_scenario(yaml.safe_load(scenario_text(fit, "realistic")), "test")


def _truth(dates, pool="agents", repeat=1):
    return np.array(
        [np.repeat(TRUTH["available"][f"{d:%Y-%m-%d}"][pool], repeat) for d in dates], float
    )


# -- reading ------------------------------------------------------------------------------


def test_reading_states_every_guess_and_counts_every_row(log):
    text = "\n".join(log.summary_lines())
    assert "tab-separated" in text
    assert "placeholder values read as 'did not happen'" in text
    assert "business day runs from 01:00" in text
    assert (
        log.excluded.get(
            "phantom (queued, then vanished without an outcome: not counted as offered)"
        )
        == TRUTH["phantoms"]
    )
    assert "duplicate row" not in log.excluded  # distinct ids are distinct calls
    assert sum(log.adjusted.values()) > 1000  # the clock offset: clamped and counted
    assert log.rows_read == len(log.contacts) + sum(log.excluded.values())
    assert len(log.dates) == 28  # Sunday's calls after midnight stay on Sunday
    assert not (log.contacts["arrival"].dt.hour == 0).sum() > 200  # no pile-up at midnight


def test_undeclared_midnight_placeholder_is_detected(tmp_path):
    fmt = LogFormat.from_options(DATA / "realistic-log-mapping.yaml")
    undeclared = LogFormat(fmt.columns, fmt.outcomes, fmt.date_column)
    log = read_contact_log(LOG, undeclared)
    text = "\n".join(log.summary_lines())
    assert "taken for a placeholder" in text
    assert len(log.contacts) > 28_000


# -- fit ------------------------------------------------------------------------------------


def test_availability_recovered_where_counting_agents_overstates(log, fit):
    weekdays = [d for d, date in enumerate(fit.grid.dates) if date.weekday() < 5]
    slots = fit.main_slots
    estimate = fit.availability["agents"].estimate[weekdays][:, slots]
    truth = _truth([fit.grid.dates[d] for d in weekdays])
    error = estimate - truth
    assert abs(error.mean()) < 0.3 and np.abs(error).mean() < 0.3
    counted = fit.availability["agents"].logged_on[weekdays][:, slots]
    assert (counted - truth).mean() > 2.5  # the old estimate
    assert abs(fit.wrap_up.mean - TRUTH["wrap_mean"]) < 0.1 * TRUTH["wrap_mean"]
    desk = fit.availability["platinum_desk"].estimate[weekdays][:, slots]
    assert abs(desk.mean() - 2) < 0.3


def test_desk_agents_present_where_nobody_waits(log, fit):
    """The desk's callers wait in about a tenth of its intervals: elsewhere its agents are
    the agents present (stretches on duty between their answers), not only the busy peak."""
    truth = truth_staffing(TRUTH, log)["platinum_desk"]
    desk = fit.availability["platinum_desk"]
    sat = truth > 0
    assert desk.measured[sat].mean() < 0.2  # mostly the fallback at work
    error = desk.estimate[sat] - truth[sat]
    assert abs(error.mean()) < 0.15, error.mean()
    rounded = np.rint(desk.estimate[sat]) - truth[sat]
    assert (rounded <= -1).mean() < 0.1  # the busy peak alone: 19 %
    assert (rounded >= 1).mean() < 0.02


def test_availability_does_not_depend_on_the_interval(log, fit):
    from ccsim.calibration.availability import estimate_availability

    dates = [d for d in log.dates if d.weekday() < 5]
    grid = IntervalGrid(tuple(dates), 900.0, 7 * 3600.0, 24 * 3600.0, log.day_start)
    pool = fit.discipline
    fine = estimate_availability(
        log, grid, "agents", pool.pools["agents"], pool.agents_of["agents"], fit.wrap_up
    )
    error = fine.estimate - _truth(dates, repeat=2)
    assert abs(error.mean()) < 0.3


def test_discipline_found(fit):
    d = fit.discipline
    assert d.priorities == {"gold": 1, "standard": 2}
    assert set(d.dedicated) == {"platinum"}
    assert d.pairwise[("gold", "standard")] > 0.1 > d.pairwise[("standard", "gold")]
    assert d.answered_at_once["platinum"] > 0.8


def test_handle_time_by_band_with_the_short_spike(fit):
    banded = fit.types["standard"].banded
    for hour, mean in zip((9, 14, 19), TRUTH_TALK_MEANS, strict=True):
        band = banded.bands[int(banded.band_of(np.array([hour * 3600.0]))[0])]
        assert abs(band.long_mean - mean) < 0.05 * mean, (hour, band.long_mean)
    assert abs(banded.short_share - TRUTH["short_share"]) < 0.015


def test_handle_time_bands_change_where_the_truth_does(fit):
    """The truth's long calls change at 12:00 and 17:00; the bands are found on the long
    calls, so 11:00 (whose calls hold a few more very short ones: 7.7 % against 6-7 %) stays
    in the morning band, with the morning's mean (within 5 %), for every type."""
    truth_starts = [0.0] + [float(k.split("-")[0]) * 3600 for k in TRUTH["talk_means"]][1:]
    for name, ctype in fit.types.items():
        assert [b.start for b in ctype.banded.bands] == truth_starts, name
    banded = fit.types["standard"].banded
    eleven = banded.bands[int(banded.band_of(np.array([11.5 * 3600.0]))[0])]
    assert abs(eleven.long_mean - TRUTH_TALK_MEANS[0]) < 0.05 * TRUTH_TALK_MEANS[0]


TRUTH_TALK_MEANS = list(TRUTH["talk_means"].values())  # before 12:00, to 17:00, after


def test_day_of_week_shapes(fit):
    shapes = {s.name: s for s in fit.shapes}
    assert (shapes["Sat"].open, shapes["Sat"].close) == (9 * 3600, 14 * 3600)
    assert (shapes["Sun"].open, shapes["Sun"].close) == (18 * 3600, 25 * 3600)
    for name in ("Mon", "Tue", "Wed", "Thu", "Fri"):
        assert (shapes[name].open, shapes[name].close) == (7 * 3600, 24 * 3600)
    volumes = [shapes[n].volume for n in ("Mon", "Tue", "Wed", "Thu", "Fri")]
    assert volumes[0] == max(volumes)


# -- backtests -------------------------------------------------------------------------------


def _check(errors):
    """The issue's figures: per hour of the day, all types, abandonment within 2 points and
    ASA within 10 s on average over the hours, unweighted and weighted by calls."""
    assert errors["abandon_rate_mae"] < 0.02, errors
    assert errors["abandon_rate_wmae"] < 0.02, errors
    assert errors["asa_mae"] < 10.0, errors
    assert errors["asa_wmae"] < 10.0, errors


@pytest.mark.slow
def test_trace_backtest_in_sample_within_the_noise(log, fit, scenario):
    bt = run_backtest(log, scenario, "trace", "log", wrap_up=fit.wrap_up)
    _check(hourly_errors(bt))


@pytest.mark.slow
def test_model_backtest_in_sample_within_the_noise(log, fit, scenario):
    banded = {n: t.banded for n, t in fit.types.items()}
    bt = run_backtest(log, scenario, "model", "log", 4, 7, banded=banded, wrap_up=fit.wrap_up)
    _check(hourly_errors(bt))
    assert noise_floor(bt) is not None  # reported beside the error in model mode


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["trace", "model"])
def test_held_out_week_predicted_better_than_last_week(log, mode):
    # Model mode: the fitted scenario's own 20 replications, as `ccsim backtest` runs it; with
    # a handful the simulated mean carries noise of its own (4 give about half a point more).
    holdout = holdout_backtest(log, pd.Timestamp("2026-10-25"), mode, seed=3)
    assert holdout.backtest.grid.days == 7
    errors = holdout.errors
    assert ("noise" in errors) == (mode == "model")  # the noise floor beside it
    _check(errors["model"])
    assert errors["model"]["abandon_rate_wmae"] < errors["naive"]["abandon_rate_wmae"]
    assert errors["model"]["abandon_rate_mae"] < errors["naive"]["abandon_rate_mae"]
    tuning = holdout.tuning
    assert abs(tuning.shift) <= tuning.limit + 1e-9
    if "untuned" in errors:  # the tuning moved the agents: it must not hurt unseen days
        assert score(errors["model"]) <= score(errors["untuned"]) + 0.1, errors


@pytest.mark.slow
@pytest.mark.parametrize("held_out", [False, True])
def test_model_backtest_within_reach_of_the_true_model(log, held_out):
    """No fit can beat the true model on average: the fit must come within 0.5 point and
    3 s of the truth's own error over the hours, and within the issue's figures."""
    if held_out:
        holdout = holdout_backtest(log, pd.Timestamp("2026-10-25"), "model", 20, seed=3)
        fitted, scenario, period = holdout.errors["model"], holdout.scenario, holdout.backtest
        period_log = split_log(log, pd.Timestamp("2026-10-25"))[1]
    else:
        fit = fit_log(log)
        scenario = parse_scenario(yaml.safe_load(scenario_text(fit, "realistic")), "test")
        banded = {n: t.banded for n, t in fit.types.items()}
        period = run_backtest(
            log, scenario, "model", "log", 10, 7, banded=banded, wrap_up=fit.wrap_up
        )
        fitted, period_log = hourly_errors(period), log
    reps = period.replications
    truth = hourly_errors(truth_backtest(period_log, scenario, TRUTH, reps, 11))
    for key, margin in (("abandon_rate", 0.005), ("asa", 3.0)):
        for kind in ("mae", "wmae"):
            assert fitted[f"{key}_{kind}"] < truth[f"{key}_{kind}"] + margin, (fitted, truth)
    _check(fitted)


@pytest.mark.slow
def test_fitted_scenario_reproduces_each_weekday(log, scenario):
    week = scenario.days_of_week
    assert (week.Sat.open, week.Sat.close) == (9 * 3600, 14 * 3600)
    assert (week.Sun.open, week.Sun.close) == (18 * 3600, 24 * 3600)
    assert scenario.contact_types["standard"].handle_time_by_band is not None
    bt = run_backtest(log, scenario, "model", None, 2, 5)  # the scenario's own staffing
    table = grouped(bt, "weekday")
    rows = table[table["contact_type"] == "all types"]
    assert len(rows) == 7
    assert (rows["sim_abandon_rate"] - rows["actual_abandon_rate"]).abs().max() < 0.03, rows
    assert (rows["sim_asa"] - rows["actual_asa"]).abs().max() < 10.0, rows
    errors = hourly_errors(bt)
    assert errors["abandon_rate_wmae"] < 0.02 and errors["asa_wmae"] < 10.0, errors


@pytest.mark.slow
def test_tuning_stays_in_the_band_and_does_not_worsen_the_fit(fit):
    tuning = tune_availability(fit, replications=2, seed=5)
    assert 0.1 <= tuning.limit <= 1.0
    assert abs(tuning.shift) <= tuning.limit + 1e-9
    assert score(tuning.after) <= score(tuning.before)
    assert "Availability tuned" in "\n".join(tuning.lines())


def test_small_export_without_outcome_column_with_clock_offset_and_same_second_calls(tmp_path):
    path = tmp_path / "calls.txt"
    rows = [
        "id\tday\tq_in\tans\tend",
        "1\t2026-01-05\t9:00:00\t8:59:59\t9:03:00",  # answered 1 s "before" arriving
        "2\t2026-01-05\t9:00:10\t\t9:00:40",  # no answer: abandoned
        "3\t2026-01-05\t9:00:10\t\t9:00:40",  # the same second, another call
        "3\t2026-01-05\t9:00:10\t\t9:00:40",  # an exact duplicate
        "4\t2026-01-05\t9:01:00\t8:59:00\t9:04:00",  # 2 minutes early: refused
    ]
    path.write_text("\n".join(rows) + "\n")
    fmt = LogFormat.from_options(
        maps=("arrival=q_in", "answered=ans", "ended=end", "id=id"), date_column="day"
    )
    log = read_contact_log(path, fmt)
    assert list(log.contacts["outcome"]) == ["answered", "abandoned", "abandoned"]
    assert log.contacts["wait"].iloc[0] == 0.0 and log.contacts["handle"].iloc[0] == 181.0
    assert log.excluded == {
        "duplicate row": 1,
        "negative wait (answered before arrival)": 1,
    }
    text = "\n".join(log.summary_lines())
    assert "tab-separated" in text and "No outcome column" in text
    assert "1 rows kept but corrected" in text
