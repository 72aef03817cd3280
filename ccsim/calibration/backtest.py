"""Backtest: simulate the period of a contact log and compare, interval by interval.

The log's days are simulated one by one (a centre that closes each night starts every day
afresh), each as a one-day copy of the scenario with that day's staffing — the agents
inferred from the log (``staffing="log"``, the default), a staffing file, or the scenario's
own (``staffing=None``) — and compared with what the log recorded, both measured by the same
code (the contact counts of :func:`ccsim.measures.contacts.contact_sums`, as
:func:`ccsim.measures.replication.measure` counts them, so "service level" means the same on
both sides).

Two modes:

* **trace-driven** (``trace``): the recorded contacts are replayed — their arrival times,
  contact types and handle times — so only the queueing is simulated. Patience: a caller who
  abandoned gets exactly the recorded abandon time; a caller who was answered after waiting
  *w* gets a patience drawn from the scenario's patience distribution *conditioned on
  exceeding w* (the log says no more); a blocked caller an unconditional draw. When the
  replay follows the log, every answered caller is answered before their patience runs out
  and every abandoner hangs up when they did: a consistent FIFO single-pool log replayed with
  its real staffing reproduces the recorded waits exactly (to floating-point rounding). Only
  where the replay departs from the log (other staffing, other routing) do the drawn
  patiences and, for contacts nobody answered, handle times drawn from the scenario matter.
  One run (nothing else is random); no confidence band.
* **model-driven** (``model``): the scenario's distributions, given the actual volumes —
  each interval gets exactly its recorded number of contacts of each type, at uniform random
  times within it (how a Poisson process places a given count), with handle times and
  patience drawn from the scenario — so the comparison tests the queueing model, the
  handle-time and patience distributions and the staffing, not the volume forecast (the
  scenario's rates, day factors and busyness are not used; nor is a forecast handle-time
  factor). Replications (independent per day) give confidence intervals.

Contacts of types the scenario does not have, or arriving outside its opening hours, are
left out and counted. Journeys (redials, transfers, callbacks, bot) are not replayed: a log
row is already one queue visit, so a trace backtest needs a scenario without them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from ccsim.calibration.availability import WrapUp, estimate_availability, estimate_wrap_up
from ccsim.calibration.backtest_days import (
    Columns,
    DayPlan,
    actual_records,
    compare_waits,
    day_bounds,
    day_scenario,
    model_book,
    placed_contacts,
    trace_book,
    type_sums,
)
from ccsim.calibration.contact_log import ContactLog
from ccsim.calibration.discipline import detect_discipline
from ccsim.calibration.log_grid import IntervalGrid, read_staffing_file
from ccsim.calibration.week import day_shapes
from ccsim.model.centre import simulate
from ccsim.model.streams import RandomStreams
from ccsim.scenario import Scenario
from ccsim.stats import half_width

MODES = ("trace", "model")
MEASURES = ("offered", "answered", "abandon_rate", "asa", "service_level")
"""Measures compared per interval."""
_SUMS = ("offered", "answered", "abandoned", "wait_answered", "answered_within", "sl_denominator")
ALL = "all types"
"""The contact-type label of rows summing every type."""


class BacktestError(ValueError):
    """The log and scenario cannot be backtested together (a user mistake)."""


@dataclass(frozen=True)
class Backtest:
    """A backtest's results.

    Attributes:
        mode: ``trace`` or ``model``.
        scenario: the scenario backtested.
        grid: the log's days and the scenario's intervals.
        sums: per (replication or ``actual``, day, interval, contact type) the counts and
            sums the measures come from (columns of :data:`_SUMS`).
        replications: simulated replications per day.
        left_out: reason → log contacts not simulated.
        waits: trace mode: per replayed contact, the recorded and replayed outcome and wait.
        confidence: the confidence level of the bands.
    """

    mode: str
    scenario: Scenario
    grid: IntervalGrid
    sums: pd.DataFrame
    replications: int
    left_out: dict[str, int]
    waits: pd.DataFrame | None
    confidence: float

    def table(self, by_day: bool = True) -> pd.DataFrame:
        """Actual against simulated per (date, interval, type), or per (interval, type) over
        all days when ``by_day`` is false: ``actual_<m>``, ``sim_<m>``, ``sim_<m>_low/_high``."""
        keys = (["date"] if by_day else []) + ["interval", "contact_type"]
        return _compared(self.sums, keys, self.confidence)

    def errors(self) -> pd.DataFrame:
        """Per contact type (and all types together, when there are several) and measure:
        mean absolute error and bias (simulated − actual) over the (date, interval) cells
        where both are defined — per interval, not over the period — and the whole
        period's actual and simulated figure."""
        sums = self.sums
        if sums["contact_type"].nunique() > 1:
            keys = ["source", "date", "interval"]
            total = sums.groupby(keys, sort=False)[list(_SUMS)].sum().reset_index()
            sums = pd.concat([sums, total.assign(contact_type=ALL)], ignore_index=True)
        table = _compared(sums, ["date", "interval", "contact_type"], self.confidence)
        rows = []
        for name, mine in table.groupby("contact_type", sort=False):
            whole = _ratios(sums[sums["contact_type"] == name].groupby("source")[list(_SUMS)].sum())
            for m in MEASURES:
                diff = (mine[f"sim_{m}"] - mine[f"actual_{m}"]).dropna()
                sims = whole.drop(index="actual")[m]
                rows.append(
                    {
                        "contact_type": name,
                        "measure": m,
                        "intervals": len(diff),
                        "mae": float(diff.abs().mean()) if len(diff) else math.nan,
                        "bias": float(diff.mean()) if len(diff) else math.nan,
                        # One cell of a numeric column (the stubs allow any scalar).
                        "actual_period": float(cast(float, whole.loc["actual", m])),
                        "sim_period": float(sims.mean()),
                    }
                )
        return pd.DataFrame(rows)

    def wait_agreement(self) -> dict | None:
        """Trace mode: how closely the replay followed the log, contact by contact."""
        if self.waits is None or self.waits.empty:
            return None
        w = self.waits
        same = w["actual_outcome"] == w["sim_outcome"]
        diff = (w["sim_wait"] - w["actual_wait"]).abs()
        return {
            "contacts": len(w),
            "same_outcome": float(same.mean()),
            "mean_abs_wait_difference": float(diff.mean()),
            "max_abs_wait_difference": float(diff.max()),
            "within_1s": float((diff <= 1.0).mean()),
        }


def backtest_staffing(choice: str, scenario: Scenario, log: ContactLog) -> np.ndarray | str | None:
    """The agents a backtest gives each day, as ``run_backtest`` takes them: ``"log"``
    (inferred from the log's agents), ``"scenario"`` (the scenario's own: ``None``) or a CSV
    file's path (interval, agents, optionally date; read on the log's days and the scenario's
    intervals)."""
    if choice == "scenario":
        return None
    if choice == "log":
        return "log"
    h = scenario.horizon
    grid = IntervalGrid(tuple(log.dates), h.interval, h.open, h.close, log.day_start)
    return read_staffing_file(Path(choice), grid)


def run_backtest(
    log: ContactLog,
    scenario: Scenario,
    mode: str = "trace",
    staffing: np.ndarray | str | dict[str, np.ndarray] | None = "log",
    replications: int | None = None,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
    banded: dict | None = None,
    wrap_up: WrapUp | None = None,
    shift: float = 0.0,
) -> Backtest:
    """Simulate the log's days with ``scenario`` and keep what is needed to compare.

    Args:
        log: the cleaned contact log.
        scenario: the scenario (fitted or written by hand).
        mode: ``trace`` or ``model`` (see the module docstring).
        staffing: ``"log"``: each pool's agents taking calls per day and interval, estimated
            from the log (:mod:`ccsim.calibration.availability`), each day with its own
            opening hours (its weekday's); an array: one pool's agents per (day, interval)
            of the scenario's hours; None: the scenario's own staffing and hours; a dict:
            pool → agents per (day, interval) of the log's grid (``IntervalGrid.from_log``),
            known from elsewhere (the truth of a synthetic log), each day with its own hours.
        replications, seed: model mode (default: the scenario's).
        progress: called with the number of days finished.
        banded: model mode: contact type → handle time by time band (from a fit).
        wrap_up: the after-call work used to estimate staffing from the log (default: the
            scenario's, else estimated from the log).
        shift: agents added to every estimate from the log before rounding (the tuning of
            :mod:`ccsim.calibration.tuning`; 0: the estimate as it is).

    Raises:
        BacktestError: the mode, scenario, staffing and log do not fit together.
    """
    if mode not in MODES:
        raise BacktestError(f"--mode {mode!r}: choose one of {', '.join(MODES)}")
    horizon = scenario.horizon
    if horizon.continuous:
        raise BacktestError(
            "the scenario's centre is open 00:00-24:00: a backtest replays the log day by "
            "day and needs opening hours (horizon.open / horizon.close)"
        )
    if mode == "trace" and scenario.has_journeys:
        raise BacktestError(
            "a trace backtest replays every logged queue visit as it was; the scenario's "
            "journeys (redials, transfers, callbacks, announcements, bot) would add visits the "
            "log already holds: use a scenario without them, or --mode model"
        )
    if isinstance(staffing, np.ndarray) and len(scenario.pools) != 1:
        raise BacktestError(
            f"the scenario has {len(scenario.pools)} pools; a staffing file is for one pool: "
            "use --staffing log or --staffing scenario"
        )
    grid, plans = _plans(log, scenario, staffing, wrap_up, shift)
    interval = horizon.interval
    contacts, left_out = placed_contacts(log, scenario, plans, interval)
    if contacts.empty:
        raise BacktestError(
            "no contact of the log can be simulated with this scenario: "
            + "; ".join(f"{n:,} {r}" for r, n in left_out.items())
        )
    replications = 1 if mode == "trace" else replications or scenario.experiment.replications
    seed = scenario.experiment.seed if seed is None else seed
    sums, waits = Columns(), Columns()
    bounds = day_bounds(contacts, len(plans))
    for d, plan in enumerate(plans):
        today = contacts.iloc[bounds[d] : bounds[d + 1]]
        day = day_scenario(scenario, plan, today)
        actual = actual_records(today, day)
        type_sums(sums, actual, day, "actual", plan)
        if mode == "trace":
            book = trace_book(today, day, RandomStreams(seed, d))
            records = simulate(day, seed=seed, replication=d, first_attempts=book)
            type_sums(sums, records, day, 0, plan)
            compare_waits(waits, today, actual, records)
        else:
            for r in range(replications):
                book = model_book(today, day, plan, RandomStreams(seed + d, r), banded)
                records = simulate(day, seed=seed + d, replication=r, first_attempts=book)
                type_sums(sums, records, day, r, plan)
        if progress is not None:
            progress(d + 1)
    return Backtest(
        mode,
        scenario,
        grid,
        cast(pd.DataFrame, sums.frame()),  # every day adds its actual rows
        replications,
        left_out,
        waits.frame(),
        scenario.experiment.confidence,
    )


def _plans(
    log: ContactLog,
    scenario: Scenario,
    staffing,
    wrap_up: WrapUp | None,
    shift: float = 0.0,
) -> tuple[IntervalGrid, list[DayPlan]]:
    """Each business day's hours and staffing."""
    h = scenario.horizon
    if not isinstance(staffing, str | dict):
        grid = IntervalGrid(tuple(log.dates), h.interval, h.open, h.close, log.day_start)
        pool = next(iter(scenario.pools))
        return grid, [
            DayPlan(date, h.open, h.close, None if staffing is None else {pool: staffing[d]})
            for d, date in enumerate(grid.dates)
        ]
    grid = IntervalGrid.from_log(log, h.interval)
    if isinstance(staffing, dict):  # known agents (the truth of a synthetic log)
        agents: dict[str, np.ndarray] = staffing
    else:
        agents = log_staffing(log, scenario, grid, wrap_up, shift)
    shapes = day_shapes(grid, log.contacts["arrival"], grid.counts(log.contacts["arrival"]), {})
    hours = {s.weekday: (s.open, s.close) for s in shapes}
    plans = []
    for d, date in enumerate(grid.dates):
        open_, close = hours[date.weekday()]
        first = round((open_ - grid.open) / h.interval)
        last = first + round((close - open_) / h.interval)
        plans.append(DayPlan(date, open_, close, {p: a[d, first:last] for p, a in agents.items()}))
    return grid, plans


def log_staffing(
    log: ContactLog,
    scenario: Scenario,
    grid: IntervalGrid,
    wrap_up: WrapUp | None = None,
    shift: float = 0.0,
) -> dict[str, np.ndarray]:
    """Each scenario pool's agents taking calls per (day, interval) of ``grid``, estimated
    from the log (work-conserving; a pool's agents are those the log shows serving only its
    classes, or everyone when the scenario has one pool), ``shift`` added, rounded.

    Raises:
        BacktestError: the log names no agents, or the scenario's pools cannot be found in it.
    """
    if not log.has_agents:
        raise BacktestError(
            f"{log.source}: the log has no agent column, so the agents taking calls cannot be "
            "estimated; map it with --map agent=COLUMN, or use --staffing scenario or FILE"
        )
    pools: dict[str, tuple[tuple[str, ...], tuple[str, ...] | None]] = {}
    if len(scenario.pools) == 1:
        pools[next(iter(scenario.pools))] = (tuple(log.contact_types), None)
    else:
        found = detect_discipline(log)
        for name, pool in scenario.pools.items():
            classes = tuple(pool.serves)
            match = next((p for p, c in found.pools.items() if set(c) == set(classes)), None)
            if match is None or match not in found.agents_of:
                raise BacktestError(
                    f"the scenario's pool {name} serves {', '.join(classes)}, but no group of "
                    "the log's agents serves exactly those: use --staffing scenario"
                )
            pools[name] = (classes, found.agents_of[match])
    if wrap_up is None:
        means = [c.wrap_up.mean for c in scenario.contact_types.values() if c.wrap_up is not None]
        if means:
            wrap_up = WrapUp(np.zeros(0), np.zeros(0, dtype=bool), float(np.mean(means)), 0.0)
        else:
            wrap_up = estimate_wrap_up(log, pools)
    estimates = {
        name: estimate_availability(log, grid, name, classes, agents, wrap_up).estimate
        for name, (classes, agents) in pools.items()
    }
    if not shift:  # exactly the estimate's own rounding (Availability.agents)
        return {name: np.rint(e).astype(np.int64) for name, e in estimates.items()}
    # A shift moves agents only where the pool was open (some agent estimated there).
    return {
        name: np.where(e > 0, np.maximum(np.rint(e + shift), 0), 0).astype(np.int64)
        for name, e in estimates.items()
    }


def _compared(sums: pd.DataFrame, keys: list[str], confidence: float) -> pd.DataFrame:
    grouped_sums = sums.groupby(["source", *keys], sort=False)[list(_SUMS)].sum()
    ratios = _ratios(grouped_sums).reset_index()
    actual = ratios[ratios["source"] == "actual"].set_index(keys)[list(MEASURES)]
    sims = ratios[ratios["source"] != "actual"]
    grouped = sims.groupby(keys, sort=False)[list(MEASURES)]
    mean, n = grouped.mean(), grouped.count()
    half = half_width(grouped.std(ddof=1), n, confidence)
    table = actual.add_prefix("actual_")
    for m in MEASURES:
        table[f"sim_{m}"] = mean[m]
        table[f"sim_{m}_low"] = mean[m] - half[m]
        table[f"sim_{m}_high"] = mean[m] + half[m]
    return table.reset_index()


def _ratios(sums: pd.DataFrame) -> pd.DataFrame:
    def divide(a, b):
        return (a / b).where(b > 0)

    return pd.DataFrame(
        {
            "offered": sums["offered"],
            "answered": sums["answered"],
            "abandon_rate": divide(sums["abandoned"], sums["offered"]),
            "asa": divide(sums["wait_answered"], sums["answered"]),
            "service_level": divide(sums["answered_within"], sums["sl_denominator"]),
        },
        index=sums.index,
    )
