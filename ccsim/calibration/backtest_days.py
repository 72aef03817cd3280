"""One day of a backtest: its hours, its scenario, the recorded contacts and the replay's.

Each business day is simulated on its own (a centre that closes each night starts every day
afresh) as a one-day copy of the scenario with the day's opening hours, volumes and
staffing. A day running past midnight (a Sunday evening shift to 01:00) is simulated
earlier on the model's clock (``shift`` seconds), since a model day ends at 24:00; times are
shifted back when compared.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ccsim.calibration.contact_log import DEFAULT_TYPE, SECOND, ContactLog, durations_in
from ccsim.calibration.patience import frozen
from ccsim.measures.contacts import COUNT_FIELDS, contact_rates, contact_sums
from ccsim.measures.grid import IntervalGrid
from ccsim.model.contacts import ContactBook
from ccsim.model.streams import RandomStreams
from ccsim.records import ABANDONED, ANSWERED, BLOCKED, OUTCOMES, ContactRecords, OnDutyTrace
from ccsim.scenario import Scenario
from ccsim.scenario.overrides import derive
from ccsim.scenario.time_bands import draw_by_band
from ccsim.units import DAY, format_clock

CODES = {"answered": ANSWERED, "abandoned": ABANDONED, "blocked": BLOCKED}


@dataclass(frozen=True)
class DayPlan:
    """How one business day is simulated.

    Attributes:
        date: the business day (its midnight).
        open, close: its opening hours (seconds after that midnight; close may pass 24:00).
        agents: pool → agents per interval of those hours (None: the scenario's staffing).
    """

    date: pd.Timestamp
    open: float
    close: float
    agents: dict[str, np.ndarray] | None

    @property
    def shift(self) -> float:
        """Seconds the day is moved earlier on the model's clock (0 unless past midnight)."""
        return max(0.0, self.close - DAY)

    @property
    def origin(self) -> pd.Timestamp:
        """The timestamp of the model's time 0."""
        return self.date + pd.Timedelta(seconds=self.shift)

    def slots(self, interval: float) -> int:
        return round((self.close - self.open) / interval)

    def label(self, slot: np.ndarray, interval: float) -> list[str]:
        """Each interval's start as a clock time of the business day (``24:30`` past midnight)."""
        return [format_clock(self.open + k * interval) for k in np.asarray(slot)]


def placed_contacts(
    log: ContactLog, scenario: Scenario, plans: list[DayPlan], interval: float
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The log's contacts with their day, interval and type index; the rest counted."""
    contacts = log.contacts.copy()
    names = list(scenario.contact_types)
    if set(contacts["contact_type"].unique()) == {DEFAULT_TYPE} and len(names) == 1:
        contacts["contact_type"] = names[0]  # a log without types, a scenario with one
    # Looked up in a hash index, not Series.map (a Python call per contact on Arrow text).
    known = pd.Index(names).get_indexer(pd.Index(contacts["contact_type"].to_numpy(dtype=object)))
    contacts["type_index"] = np.where(known >= 0, known, np.nan)
    midnight = log.business_dates(contacts["arrival"])
    index = pd.DatetimeIndex([p.date for p in plans])
    day = index.get_indexer(pd.Index(midnight))
    clock = durations_in(contacts["arrival"] - midnight, SECOND).to_numpy(float)
    opens = np.array([p.open for p in plans] + [0.0])[day]
    closes = np.array([p.close for p in plans] + [0.0])[day]
    inside = (day >= 0) & (clock >= opens) & (clock < closes)
    contacts["day"] = np.where(inside, day, -1)
    contacts["slot"] = np.where(inside, np.floor((clock - opens) / interval), -1).astype(int)
    left_out: dict[str, int] = {}
    for name in contacts["contact_type"][contacts["type_index"].isna()].unique():
        left_out[f"contact type {name!r} is not in the scenario"] = int(
            (contacts["contact_type"] == name).sum()
        )
    outside = contacts["type_index"].notna() & (contacts["day"] < 0)
    if outside.any():
        left_out["arrived outside the day's opening hours"] = int(outside.sum())
    kept = contacts[contacts["type_index"].notna() & (contacts["day"] >= 0)].copy()
    kept["type_index"] = kept["type_index"].astype(np.int16)
    # Seconds after the model's time 0 of each contact's day, and outcome codes: once for
    # every day rather than day by day (the same elementwise arithmetic).
    origin = pd.DatetimeIndex([p.origin for p in plans])[kept["day"].to_numpy()]
    origins = pd.Series(origin, index=kept.index)
    for column in ("arrival", "answered", "ended"):
        kept[f"{column}_s"] = seconds(kept[column], origins)
    outcome = pd.Index(list(CODES)).get_indexer(pd.Index(kept["outcome"].to_numpy(dtype=object)))
    if (outcome < 0).any():  # a cleaned log holds only these outcomes
        raise ValueError(f"outcomes other than {', '.join(CODES)} in a backtest's contacts")
    kept["code"] = np.asarray(list(CODES.values()), dtype=np.int8)[outcome]
    # Each day's contacts one run of rows, in the log's order within the day.
    kept = kept.sort_values("day", kind="stable")
    return kept, left_out


def day_bounds(contacts: pd.DataFrame, days: int) -> np.ndarray:
    """Where each day's rows start in ``contacts`` (from :func:`placed_contacts`, sorted by
    day): day ``d`` is ``contacts.iloc[bounds[d]:bounds[d + 1]]``."""
    return np.searchsorted(contacts["day"].to_numpy(), np.arange(days + 1), side="left")


_DURATIONS = ("handle_time", "handle_time_by_band", "wrap_up", "patience", "patience_by_band")


def day_scenario(scenario: Scenario, plan: DayPlan, today: pd.DataFrame) -> Scenario:
    """A one-day copy: the day's hours (shifted before midnight), volumes and staffing."""
    interval = scenario.horizon.interval
    slots = plan.slots(interval)

    def one_day(data: dict) -> None:
        data["horizon"].update(
            days=1, warmup=0.0, open=plan.open - plan.shift, close=plan.close - plan.shift
        )
        for t, (name, ctype) in enumerate(data["contact_types"].items()):
            counts = np.bincount(today["slot"][today["type_index"] == t], minlength=slots)
            ctype["arrivals"] = {"volume_per_interval": [float(c) for c in counts]}
            # The durations are the scenario's own, validated once: handed over as they are
            # (a fitted empirical handle time holds a hundred values, parsed again every day
            # otherwise).
            kept = scenario.contact_types[name]
            for key in _DURATIONS:
                if ctype.get(key) is not None:
                    ctype[key] = getattr(kept, key)
        if plan.agents is not None:
            for name, pool in data["pools"].items():
                pool.update(
                    staffing=[int(a) for a in plan.agents[name]], absenteeism=0.0, shrinkage=0.0
                )
                pool.pop("shifts", None)
        if "forecast" in data:
            data["forecast"]["busyness_cv"] = 0.0
        week = data.pop("days_of_week", None)
        if week is not None and plan.agents is None:  # the scenario's own staffing: its
            # weekday's hours and agents (the volumes are the day's own, set above)
            shape = week.get(f"{plan.date:%a}")
            if shape is not None:
                shape.pop("rate_per_hour", None)
                data["days_of_week"] = {"first_day": f"{plan.date:%a}", f"{plan.date:%a}": shape}

    return derive(scenario, one_day, source=f"{scenario.name} (one day of the backtest)")


def seconds(values: pd.Series, origin: pd.Series) -> np.ndarray:
    """Seconds from ``origin`` (each row's own) to ``values``; NaN where a time is missing."""
    delta: Any = values - origin  # timedeltas; pandas' stubs lose the kind of Series here
    return (delta / pd.Timedelta(seconds=1)).to_numpy(dtype=float, na_value=np.nan)


def actual_records(today: pd.DataFrame, day: Scenario) -> ContactRecords:
    """The log's contacts of the day (from :func:`placed_contacts`) as records, measured like
    a replication."""
    codes = today["code"].to_numpy(np.int8)
    return ContactRecords(
        replication=0,
        contact_types=tuple(day.contact_types),
        pools=tuple(day.pools),
        arrival=today["arrival_s"].to_numpy(float),
        answered=today["answered_s"].to_numpy(float),
        ended=today["ended_s"].to_numpy(float),
        handle=today["handle"].to_numpy(float),
        outcome=codes,
        contact_type=today["type_index"].to_numpy(np.int16),
        pool=np.where(codes == ANSWERED, 0, -1).astype(np.int16),
        agent=np.full(len(today), -1, dtype=np.int32),
        on_duty={p: OnDutyTrace(np.zeros(0), np.zeros(0, dtype=np.int64)) for p in day.pools},
    )


def trace_book(today: pd.DataFrame, day: Scenario, streams: RandomStreams) -> ContactBook:
    """The day's recorded contacts as first attempts: recorded arrivals and handle times
    (plus the scenario's after-call work, which the log does not show); patience as the
    :mod:`ccsim.calibration.backtest` docstring says."""
    arrival = today["arrival_s"].to_numpy(float)
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
            handle[missing] = draw
        if ctype.wrap_up is not None and mine.any():
            handle[mine] += ctype.wrap_up.draw(
                streams.generator(f"wrap_up/{name}"), int(mine.sum())
            )
        if ctype.patience is None:
            continue
        rng = streams.generator(f"patience/{name}")
        waited = mine & (outcome == "answered")
        deadline[waited] = arrival[waited] + patience_beyond(
            ctype.patience.model_dump(by_alias=True), wait[waited], rng
        )
        blocked = mine & (outcome == "blocked")
        deadline[blocked] = arrival[blocked] + ctype.patience.draw(rng, int(blocked.sum()))
    gave_up = outcome == "abandoned"
    deadline[gave_up] = today["ended_s"].to_numpy(float)[gave_up]  # exactly when they hung up
    return ContactBook(arrival, types, handle, deadline, journeys=day.has_journeys)


def model_book(
    today: pd.DataFrame,
    day: Scenario,
    plan: DayPlan,
    streams: RandomStreams,
    banded: dict | None = None,
) -> ContactBook:
    """First attempts drawn from the scenario, given the day's actual volumes: each interval's
    recorded count of each type at uniform times within it (a Poisson process given its
    count), handle times (by time band when ``banded`` has the type's
    :class:`~ccsim.calibration.handle_bands.BandedHandle`) and patience drawn."""
    interval = day.horizon.interval
    starts = plan.open - plan.shift + interval * np.arange(plan.slots(interval))
    times, types, handles, deadlines = [], [], [], []
    for t, (name, ctype) in enumerate(day.contact_types.items()):
        counts = np.bincount(today["slot"][today["type_index"] == t], minlength=len(starts))
        rng = streams.generator(f"arrivals/{name}")
        arrival = np.repeat(starts, counts) + rng.uniform(0, interval, int(counts.sum()))
        arrival.sort()
        n = len(arrival)
        by_band = (banded or {}).get(name)
        if by_band is not None:
            handle = by_band.draw(arrival + plan.shift, streams.generator(f"handle/{name}"))
        elif ctype.handle_time_by_band is not None:  # the scenario's bands
            rng = streams.generator(f"handle/{name}")
            handle = draw_by_band(ctype.handle_time_by_band, arrival + plan.shift, rng)
        else:
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


def patience_beyond(distribution: dict, waits: np.ndarray, rng: np.random.Generator):
    """Patience drawn given that it exceeds ``waits`` (inf for families without a
    closed-form tail: deterministic, uniform, empirical)."""
    dist = _tail(json.dumps(distribution, sort_keys=True))
    if dist is None:
        return np.full(len(waits), np.inf)
    tail = dist.sf(waits)
    patience = dist.isf(rng.random(len(waits)) * tail)
    # Strictly beyond the wait, so that a faithful replay answers the caller in time.
    return np.maximum(np.where(tail > 0, patience, np.inf), waits + 1e-6)


@functools.lru_cache(maxsize=32)
def _tail(distribution: str):
    """The frozen scipy distribution of a patience written as JSON: made once, not once a
    day and type (scipy's frozen distributions take a millisecond or two to make)."""
    return frozen(json.loads(distribution))


@dataclass
class Columns:
    """Rows gathered as columns of numpy arrays, made one DataFrame at the end: a long
    backtest adds a few rows per day, type and replication, and a DataFrame for each (then
    concatenated) cost more than the simulation itself."""

    parts: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def add(self, **columns: np.ndarray) -> None:
        for name, values in columns.items():
            self.parts.setdefault(name, []).append(values)

    def frame(self) -> pd.DataFrame | None:
        """One DataFrame of every row added, in order (None: nothing was added)."""
        if not self.parts:
            return None
        return pd.DataFrame({name: np.concatenate(v) for name, v in self.parts.items()})


def type_sums(
    sums_table: Columns, records: ContactRecords, day: Scenario, source, plan: DayPlan
) -> None:
    """Add to ``sums_table`` the counts and sums the compared measures come from, per interval
    and contact type: the type rows of ``measure(records, day).intervals``, counted by the
    same code (:func:`~ccsim.measures.contacts.contact_sums`) without the queue statistics,
    pools, journeys and run totals the comparison does not use (once most of a backtest's
    time)."""
    grid = IntervalGrid(records, day)
    sums = contact_sums(grid)
    keep = np.flatnonzero(grid.measured_fraction > 0)
    size = len(keep)
    label = "actual" if source == "actual" else f"r{source}"
    intervals = np.asarray(plan.label(keep, day.horizon.interval), dtype=object)
    for t, name in enumerate(records.contact_types):
        rates = contact_rates({f: sums[f][t] for f in COUNT_FIELDS})
        answered = np.asarray(rates["answered"], float)[keep]
        sums_table.add(
            source=np.full(size, label, dtype=object),
            date=np.full(size, f"{plan.date:%Y-%m-%d}", dtype=object),
            interval=intervals,
            contact_type=np.full(size, name, dtype=object),
            offered=np.asarray(rates["offered"], float)[keep],
            answered=answered,
            abandoned=np.asarray(rates["abandoned"], float)[keep],
            wait_answered=np.nan_to_num(np.asarray(rates["asa"], float)[keep]) * answered,
            answered_within=np.asarray(sums["answered_within"][t], float)[keep],
            sl_denominator=np.asarray(sums["sl_denominator"][t], float)[keep],
        )


def compare_waits(
    waits: Columns, today: pd.DataFrame, actual: ContactRecords, replay: ContactRecords
) -> None:
    """Add to ``waits`` per replayed contact: the recorded and the replayed outcome and wait."""
    n = len(today)  # the replay's first contacts are the log's, in the same order
    names = np.asarray(OUTCOMES, dtype=object)
    waits.add(
        arrival=today["arrival"].to_numpy(),
        contact_type=today["contact_type"].to_numpy(dtype=object),
        actual_outcome=names[actual.outcome],
        sim_outcome=names[replay.outcome[:n]],
        actual_wait=actual.wait,
        sim_wait=replay.wait[:n],
    )
