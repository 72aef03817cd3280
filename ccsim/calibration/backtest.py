"""Backtest: simulate the period of a contact log and compare, interval by interval.

The log's days are simulated one by one (a centre that closes each night starts every day
afresh), each as a one-day copy of the scenario with that day's staffing — the agents
inferred from the log (``staffing="log"``, the default), a staffing file, or the scenario's
own (``staffing=None``) — and compared with what the log recorded, both measured by the same
code (:func:`ccsim.measures.replication.measure`, so "service level" means the same on both sides).

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

import numpy as np
import pandas as pd

from ccsim.calibration.contact_log import DEFAULT_TYPE, ContactLog
from ccsim.calibration.log_grid import IntervalGrid, read_staffing_file
from ccsim.calibration.patience import frozen
from ccsim.measures.replication import measure
from ccsim.model.centre import simulate
from ccsim.model.contacts import ContactBook
from ccsim.model.streams import RandomStreams
from ccsim.records import ABANDONED, ANSWERED, BLOCKED, OUTCOMES, ContactRecords, OnDutyTrace
from ccsim.scenario import Scenario
from ccsim.scenario.overrides import derive
from ccsim.stats import half_width

MODES = ("trace", "model")
MEASURES = ("offered", "answered", "abandon_rate", "asa", "service_level")
"""Measures compared per interval."""
_SUMS = ("offered", "answered", "abandoned", "wait_answered", "answered_within", "sl_denominator")
_CODES = {"answered": ANSWERED, "abandoned": ABANDONED, "blocked": BLOCKED}


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
        sums = self.sums.groupby(["source", *keys], sort=False)[list(_SUMS)].sum()
        ratios = _ratios(sums).reset_index()
        actual = ratios[ratios["source"] == "actual"].set_index(keys)[list(MEASURES)]
        sims = ratios[ratios["source"] != "actual"]
        grouped = sims.groupby(keys, sort=False)[list(MEASURES)]
        mean, n = grouped.mean(), grouped.count()
        half = half_width(grouped.std(ddof=1), n, self.confidence)
        table = actual.add_prefix("actual_")
        for m in MEASURES:
            table[f"sim_{m}"] = mean[m]
            table[f"sim_{m}_low"] = mean[m] - half[m]
            table[f"sim_{m}_high"] = mean[m] + half[m]
        return table.reset_index()

    def errors(self) -> pd.DataFrame:
        """Per contact type and measure: mean absolute error and bias (simulated − actual)
        over the (date, interval) cells where both are defined, and the whole period."""
        table = self.table()
        rows = []
        for name, mine in table.groupby("contact_type", sort=False):
            whole = _ratios(
                self.sums[self.sums["contact_type"] == name].groupby("source")[list(_SUMS)].sum()
            )
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
                        "actual_period": float(whole.loc["actual", m]),
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
    grid = IntervalGrid(tuple(log.dates), h.interval, h.open, h.close)
    return read_staffing_file(Path(choice), grid)


def run_backtest(
    log: ContactLog,
    scenario: Scenario,
    mode: str = "trace",
    staffing: np.ndarray | str | None = "log",
    replications: int | None = None,
    seed: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Backtest:
    """Simulate the log's days with ``scenario`` and keep what is needed to compare.

    Args:
        log: the cleaned contact log.
        scenario: the scenario (fitted or written by hand).
        mode: ``trace`` or ``model`` (see the module docstring).
        staffing: agents per (day, interval) of the scenario's opening hours; ``"log"``: as
            inferred from the log; None: the scenario's own staffing.
        replications, seed: model mode (default: the scenario's).
        progress: called with the number of days finished.

    Raises:
        BacktestError: the mode, scenario, staffing and log do not fit together.
    """
    from ccsim.calibration.log_grid import infer_staffing

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
    grid = IntervalGrid(tuple(log.dates), horizon.interval, horizon.open, horizon.close)
    contacts, left_out = _placed_contacts(log, scenario, grid)
    if isinstance(staffing, str):
        staffing = infer_staffing(log, grid)
    if staffing is not None and len(scenario.pools) != 1:
        raise BacktestError(
            f"the scenario has {len(scenario.pools)} pools; staffing from the log or a file "
            "is for one pool: use --staffing scenario"
        )
    replications = 1 if mode == "trace" else replications or scenario.experiment.replications
    seed = scenario.experiment.seed if seed is None else seed
    frames, waits = [], []
    for d, date in enumerate(grid.dates):
        today = contacts[contacts["day"] == d]
        day = _day_scenario(scenario, grid, today, None if staffing is None else staffing[d])
        actual = _actual_records(today, day, date)
        frames.append(_interval_sums(measure(actual, day), "actual", date, grid))
        if mode == "trace":
            streams = RandomStreams(seed, d)
            book = _trace_book(today, day, date, streams)
            records = simulate(day, seed=seed, replication=d, first_attempts=book)
            frames.append(_interval_sums(measure(records, day), 0, date, grid))
            waits.append(_compare_waits(today, actual, records))
        else:
            for r in range(replications):
                streams = RandomStreams(seed + d, r)
                book = _model_book(today, day, grid, streams)
                records = simulate(day, seed=seed + d, replication=r, first_attempts=book)
                frames.append(_interval_sums(measure(records, day), r, date, grid))
        if progress is not None:
            progress(d + 1)
    return Backtest(
        mode,
        scenario,
        grid,
        pd.concat(frames, ignore_index=True),
        replications,
        left_out,
        pd.concat(waits, ignore_index=True) if waits else None,
        scenario.experiment.confidence,
    )


# -- the log on the scenario's grid ---------------------------------------------------------


def _placed_contacts(
    log: ContactLog, scenario: Scenario, grid: IntervalGrid
) -> tuple[pd.DataFrame, dict[str, int]]:
    contacts = log.contacts.copy()
    names = list(scenario.contact_types)
    if set(contacts["contact_type"]) == {DEFAULT_TYPE} and len(names) == 1:
        contacts["contact_type"] = names[0]  # a log without types, a scenario with one
    contacts["type_index"] = contacts["contact_type"].map({n: i for i, n in enumerate(names)})
    day, slot = grid.locate(contacts["arrival"])
    contacts["day"], contacts["slot"] = day, slot
    left_out: dict[str, int] = {}
    for name in contacts["contact_type"][contacts["type_index"].isna()].unique():
        left_out[f"contact type {name!r} is not in the scenario"] = int(
            (contacts["contact_type"] == name).sum()
        )
    outside = contacts["type_index"].notna() & (contacts["day"] < 0)
    if outside.any():
        left_out["arrived outside the scenario's opening hours"] = int(outside.sum())
    kept = contacts[contacts["type_index"].notna() & (contacts["day"] >= 0)].copy()
    if kept.empty:
        raise BacktestError(
            "no contact of the log can be simulated with this scenario: "
            + "; ".join(f"{n:,} {r}" for r, n in left_out.items())
        )
    kept["type_index"] = kept["type_index"].astype(np.int16)
    return kept, left_out


def _day_scenario(
    scenario: Scenario, grid: IntervalGrid, today: pd.DataFrame, agents: np.ndarray | None
) -> Scenario:
    """A one-day copy: the day's actual volumes, the day's staffing (if given)."""

    def one_day(data: dict) -> None:
        data["horizon"].update(days=1, warmup=0.0)
        for t, ctype in enumerate(data["contact_types"].values()):
            counts = np.bincount(
                today["slot"][today["type_index"] == t], minlength=grid.intervals_per_day
            )
            ctype["arrivals"] = {"volume_per_interval": [float(c) for c in counts]}
        if agents is not None:
            pool = next(iter(data["pools"].values()))
            pool.update(staffing=[int(a) for a in agents], absenteeism=0.0, shrinkage=0.0)
            pool.pop("shifts", None)
        if "forecast" in data:
            data["forecast"]["busyness_cv"] = 0.0

    return derive(scenario, one_day, source=f"{scenario.name} (one day of the backtest)")


def _seconds(values: pd.Series, date: pd.Timestamp) -> np.ndarray:
    return ((values - date) / pd.Timedelta(seconds=1)).to_numpy(dtype=float, na_value=np.nan)


def _actual_records(today: pd.DataFrame, day: Scenario, date: pd.Timestamp) -> ContactRecords:
    answered = _seconds(today["answered"], date)
    codes = today["outcome"].map(_CODES).to_numpy(np.int8)
    return ContactRecords(
        replication=0,
        contact_types=tuple(day.contact_types),
        pools=tuple(day.pools),
        arrival=_seconds(today["arrival"], date),
        answered=answered,
        ended=_seconds(today["ended"], date),
        handle=today["handle"].to_numpy(float),
        outcome=codes,
        contact_type=today["type_index"].to_numpy(np.int16),
        pool=np.where(codes == ANSWERED, 0, -1).astype(np.int16),
        agent=np.full(len(today), -1, dtype=np.int32),
        on_duty={p: OnDutyTrace(np.zeros(0), np.zeros(0, dtype=np.int64)) for p in day.pools},
    )


def _trace_book(
    today: pd.DataFrame, day: Scenario, date: pd.Timestamp, streams: RandomStreams
) -> ContactBook:
    """The day's recorded contacts as first attempts (see the module docstring)."""
    arrival = _seconds(today["arrival"], date)
    types = today["type_index"].to_numpy(np.int16)
    handle = today["handle"].to_numpy(float).copy()
    deadline = np.full(len(today), np.inf)
    outcome = today["outcome"].to_numpy()
    wait = today["wait"].to_numpy(float)
    for t, (name, ctype) in enumerate(day.contact_types.items()):
        mine = types == t
        missing = mine & np.isnan(handle)
        if missing.any():  # nobody answered them: the scenario's handle time, if needed
            draw = ctype.handle_time.draw(streams.generator(f"handle/{name}"), int(missing.sum()))
            if ctype.wrap_up is not None:
                draw += ctype.wrap_up.draw(streams.generator(f"wrap_up/{name}"), len(draw))
            handle[missing] = draw
        if ctype.patience is None:
            continue
        rng = streams.generator(f"patience/{name}")
        waited = mine & (outcome == "answered")
        deadline[waited] = arrival[waited] + _patience_beyond(
            ctype.patience.model_dump(by_alias=True), wait[waited], rng
        )
        blocked = mine & (outcome == "blocked")
        deadline[blocked] = arrival[blocked] + ctype.patience.draw(rng, int(blocked.sum()))
    gave_up = outcome == "abandoned"
    deadline[gave_up] = _seconds(today["ended"], date)[gave_up]  # exactly when they hung up
    return ContactBook(arrival, types, handle, deadline, journeys=day.has_journeys)


def _model_book(
    today: pd.DataFrame, day: Scenario, grid: IntervalGrid, streams: RandomStreams
) -> ContactBook:
    """First attempts drawn from the scenario, given the day's actual volumes: each interval's
    recorded count of each type, at uniform times within it (a Poisson process given its
    count), handle times and patience from the scenario's distributions."""
    starts = grid.open + grid.interval * np.arange(grid.intervals_per_day)
    times, types, handles, deadlines = [], [], [], []
    for t, (name, ctype) in enumerate(day.contact_types.items()):
        counts = np.bincount(today["slot"][today["type_index"] == t], minlength=len(starts))
        rng = streams.generator(f"arrivals/{name}")
        arrival = np.repeat(starts, counts) + rng.uniform(0, grid.interval, int(counts.sum()))
        arrival.sort()
        n = len(arrival)
        handle = ctype.handle_time.draw(streams.generator(f"handle/{name}"), n)
        if ctype.wrap_up is not None:
            handle += ctype.wrap_up.draw(streams.generator(f"wrap_up/{name}"), n)
        patience = (
            ctype.patience.draw(streams.generator(f"patience/{name}"), n)
            if ctype.patience is not None
            else np.full(n, np.inf)
        )
        times.append(arrival)
        types.append(np.full(n, t, dtype=np.int16))
        handles.append(handle)
        deadlines.append(arrival + patience)
    order = np.argsort(np.concatenate(times), kind="stable")
    return ContactBook(
        np.concatenate(times)[order],
        np.concatenate(types)[order],
        np.concatenate(handles)[order],
        np.concatenate(deadlines)[order],
        journeys=day.has_journeys,
    )


def _patience_beyond(distribution: dict, waits: np.ndarray, rng: np.random.Generator):
    """Patience drawn given that it exceeds ``waits`` (inf for families without a
    closed-form tail: deterministic, uniform, empirical)."""
    dist = frozen(distribution)
    if dist is None:
        return np.full(len(waits), np.inf)
    tail = dist.sf(waits)
    patience = dist.isf(rng.random(len(waits)) * tail)
    # Strictly beyond the wait, so that a faithful replay answers the caller in time.
    return np.maximum(np.where(tail > 0, patience, np.inf), waits + 1e-6)


def _interval_sums(measures, source, date: pd.Timestamp, grid: IntervalGrid) -> pd.DataFrame:
    rows = measures.intervals
    rows = rows[rows["kind"] == "type"]
    answered = rows["answered"].to_numpy(float)
    return pd.DataFrame(
        {
            "source": "actual" if source == "actual" else f"r{source}",
            "date": f"{date:%Y-%m-%d}",
            "interval": rows["start"].to_numpy(),
            "contact_type": rows["name"].to_numpy(),
            "offered": rows["offered"].to_numpy(float),
            "answered": answered,
            "abandoned": rows["abandoned"].to_numpy(float),
            "wait_answered": np.nan_to_num(rows["asa"].to_numpy(float)) * answered,
            "answered_within": rows["answered_within_threshold"].to_numpy(float),
            "sl_denominator": rows["sl_denominator"].to_numpy(float),
        }
    )


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


def _compare_waits(
    today: pd.DataFrame, actual: ContactRecords, replay: ContactRecords
) -> pd.DataFrame:
    n = len(today)  # the replay's first contacts are the log's, in the same order
    names = np.asarray(OUTCOMES)
    return pd.DataFrame(
        {
            "arrival": today["arrival"].to_numpy(),
            "contact_type": today["contact_type"].to_numpy(),
            "actual_outcome": names[actual.outcome],
            "sim_outcome": names[replay.outcome[:n]],
            "actual_wait": actual.wait,
            "sim_wait": replay.wait[:n],
        }
    )
