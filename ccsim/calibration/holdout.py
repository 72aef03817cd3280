"""Hold-out backtest: fit on the log's first part, predict the rest, beside a naive forecast.

The figure a planner cares about is not how well a model replays the days it was fitted
on, but how well it predicts days it has not seen. :func:`holdout_backtest` cuts the log at
a business date: the fit (:func:`ccsim.calibration.fit.fit_log`) sees only the days up to
and including it; the fitted scenario is then backtested on the days after it, given their
actual volumes and the agents taking calls on them (estimated from those days' log with the
*fitted* after-call work: who was there is an input of the prediction, like the volumes).
Beside it, the naive forecast every planner has: each hour as it was on the same weekday one
week earlier.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import yaml

from ccsim.calibration.backtest import Backtest, BacktestError, run_backtest
from ccsim.calibration.backtest_tables import (
    errors_over,
    grouped,
    hourly_errors,
    naive_hourly,
    noise_floor,
)
from ccsim.calibration.contact_log import ContactLog, durations_in
from ccsim.calibration.fit import LogFit, fit_log
from ccsim.calibration.fitted_scenario import scenario_text
from ccsim.calibration.tuning import Tuning, tune_availability
from ccsim.scenario import Scenario, parse_scenario


@dataclass(frozen=True)
class HoldOut:
    """A hold-out backtest.

    Attributes:
        until: the last business date fitted on.
        fit: the fit of the first part.
        scenario: the scenario fitted on it.
        backtest: the backtest of the held-out days.
        hourly: per hour of the day (all types): actual, simulated and naive figures.
        errors: ``model`` and ``naive`` → mean absolute error and bias over the hours;
            ``untuned``: the model's without the tuning of availability (when it moved it);
            ``noise``: the error the data's own noise alone gives (model mode).
        tuning: the shift of the estimated agents tuned on the fitted period (None: none).
    """

    until: pd.Timestamp
    fit: LogFit
    scenario: Scenario
    backtest: Backtest
    hourly: pd.DataFrame
    errors: dict[str, dict[str, float]]
    tuning: Tuning | None = None


def split_log(log: ContactLog, until: pd.Timestamp) -> tuple[ContactLog, ContactLog]:
    """The log's business days up to ``until`` (inclusive) and after it.

    Raises:
        BacktestError: either part would be empty.
    """
    until = pd.Timestamp(until).normalize()
    day = log.business_dates(log.contacts["arrival"])
    first = log.contacts[day <= until].reset_index(drop=True)
    rest = log.contacts[day > until].reset_index(drop=True)
    if first.empty or rest.empty:
        dates = log.dates
        raise BacktestError(
            f"--fit-until {until:%Y-%m-%d}: the log's business days run from "
            f"{dates[0]:%Y-%m-%d} to {dates[-1]:%Y-%m-%d}; choose a date that leaves days on "
            "both sides"
        )
    return replace(log, contacts=first), replace(log, contacts=rest)


def holdout_backtest(
    log: ContactLog,
    until: pd.Timestamp,
    mode: str = "model",
    replications: int | None = None,
    seed: int | None = None,
    interval: float = 1800.0,
    progress=None,
) -> HoldOut:
    """Fit on the days up to ``until``, backtest the days after it (module docstring)."""
    first, rest = split_log(log, until)
    return holdout_from_logs(first, rest, mode, replications, seed, interval, progress)


def holdout_from_logs(
    first: ContactLog,
    rest: ContactLog,
    mode: str = "model",
    replications: int | None = None,
    seed: int | None = None,
    interval: float = 1800.0,
    progress=None,
) -> HoldOut:
    """Fit on ``first``, backtest the days of ``rest`` (a later log, or the log's later part).

    Raises:
        BacktestError: ``rest`` does not start after ``first`` ends.
    """
    until = first.dates[-1]
    if rest.dates[0] <= until:
        raise BacktestError(
            f"--holdout-log {rest.source}: its business days start on {rest.dates[0]:%Y-%m-%d}, "
            f"but the fitted log runs to {until:%Y-%m-%d}; the held-out log must come after it"
        )
    fit = fit_log(first, interval)
    scenario = parse_scenario(yaml.safe_load(scenario_text(fit, "fitted")), "hold-out fit")
    banded = {name: t.banded for name, t in fit.types.items() if t.banded is not None}
    reps = replications or scenario.experiment.replications
    tuning = tune_availability(fit, scenario, mode, reps, 1 if seed is None else seed + 1)
    shift = tuning.shift if tuning is not None else 0.0
    bt = run_backtest(
        rest, scenario, mode, "log", replications, seed, progress, banded, fit.wrap_up, shift
    )
    table = grouped(bt, "hour")
    mine = table[table["contact_type"] == "all types"].set_index("hour")
    naive = naive_hourly(_actual_sums(first), list(rest.dates))
    naive_rows = mine[[c for c in mine.columns if c.startswith("actual_")]].join(naive)
    hourly = mine.join(naive.add_prefix("naive_").rename(columns=lambda c: c.replace("sim_", "")))
    errors = {"model": errors_over(mine), "naive": errors_over(naive_rows.dropna())}
    if shift:  # does the tuning help on days it has not seen?
        untuned = run_backtest(
            rest, scenario, mode, "log", replications, seed, None, banded, fit.wrap_up
        )
        errors["untuned"] = hourly_errors(untuned)
    noise = noise_floor(bt)
    if noise is not None:
        errors["noise"] = noise
    return HoldOut(pd.Timestamp(until), fit, scenario, bt, hourly.reset_index(), errors, tuning)


def _actual_sums(log: ContactLog) -> pd.DataFrame:
    """The log's counts per (business date, hour of the day): offered, answered, abandoned
    and the answered calls' total wait (by arrival, as the backtest counts them)."""
    contacts = log.contacts
    midnight = log.business_dates(contacts["arrival"])
    clock = durations_in(contacts["arrival"] - midnight, pd.Timedelta(hours=1))
    answered = contacts["outcome"] == "answered"
    frame = pd.DataFrame(
        {
            "date": midnight.dt.strftime("%Y-%m-%d"),
            "interval": [f"{int(h):02d}:00" for h in clock],
            "offered": 1.0,
            "answered": answered.astype(float),
            "abandoned": (contacts["outcome"] == "abandoned").astype(float),
            "wait_answered": contacts["wait"].where(answered, 0.0),
            "answered_within": 0.0,
            "sl_denominator": 0.0,
        }
    )
    return frame.groupby(["date", "interval"], as_index=False).sum()
