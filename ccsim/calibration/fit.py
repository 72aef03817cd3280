"""Calibration: a contact log in, a scenario (and the evidence for it) out.

What :func:`fit_log` estimates, per contact type unless said otherwise:

* **arrival rates per interval**: the mean count in each interval over the log's days,
  per hour. Every day of the log is a day of the fitted horizon.
* **day-of-week profile**: each weekday's mean daily volume / the mean daily volume. It is
  written as the scenario's ``day_factors`` only when every weekday in the log occurs at
  least twice (with one Monday, "Mondays are busy" cannot be told from "that Monday was
  busy"); otherwise it is reported only.
* **busyness** (over-dispersion of daily volumes, all types together): under Poisson a day
  with expected volume *m* varies by √m; real days vary more. The dispersion index
  ``Σ (N_d − m_d)² / m_d / (D − p)`` is tested against χ²(D − p) (p: means estimated); when
  Poisson is rejected at 5 %, the moment estimate ``cv² = (Σ (N_d − m_d)² · D/(D − p) − Σ m_d)
  / Σ m_d²`` is written as ``forecast.busyness_cv`` (when this ccsim has that key).
* **handle time**: :mod:`ccsim.calibration.handle_times` (lognormal / gamma / Weibull / exponential
  by
  AIC, or empirical);
* **patience**: :mod:`ccsim.calibration.patience` — censored estimates (answered callers' waits are
  lower bounds of their patience), with the naive mean time to abandon beside them;
* **order of service** (:mod:`ccsim.calibration.discipline`): overtaking shares by class,
  dedicated agents (a pool of their own) and priorities among the classes sharing agents;
* **after-call work and staffing** (:mod:`ccsim.calibration.availability`): the agents
  really taking calls per pool and interval, by the work-conserving estimate (or a staffing
  file, for one pool); the scenario gets the mean over the main days, rounded;
* **handle time by time band** with the short calls as a component of their own
  (:mod:`ccsim.calibration.handle_bands`);
* **days of the week** (:mod:`ccsim.calibration.week`): hours, volume, profile and agents
  per weekday; the scenario takes the main shape.

Blocked contacts count as offered but never queued (not patience observations).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ccsim.calibration.availability import (
    Availability,
    WrapUp,
    estimate_availability,
    estimate_wrap_up,
)
from ccsim.calibration.contact_log import SECOND, ContactLog, durations_in
from ccsim.calibration.discipline import Discipline, detect_discipline
from ccsim.calibration.handle_bands import BandedHandle, estimate_banded_handle, find_day_bands
from ccsim.calibration.handle_times import HandleEstimate, estimate_handle_time
from ccsim.calibration.log_grid import IntervalGrid, infer_staffing, read_staffing_file
from ccsim.calibration.patience import PatienceEstimate, estimate_patience
from ccsim.calibration.week import DayShape, day_shapes, main_hours

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class TypeFit:
    """What was estimated for one contact type.

    Attributes:
        name: the contact type's name in the scenario.
        counts: offered contacts per (day, interval): days × intervals.
        answered, abandoned, blocked: contacts with each outcome.
        handle: the handle-time fits (None when nothing was answered).
        patience: the patience estimates (fits empty when nobody abandoned).
        banded: handle time by time band with the short component (None: nothing answered).
    """

    name: str
    counts: np.ndarray
    answered: int
    abandoned: int
    blocked: int
    handle: HandleEstimate | None
    patience: PatienceEstimate
    banded: BandedHandle | None = None

    @property
    def offered(self) -> int:
        return int(self.counts.sum())

    def rates_per_hour(self, interval: float) -> np.ndarray:
        """Mean arrivals per hour in each interval of the day (over the log's days)."""
        return self.counts.mean(axis=0) * 3600.0 / interval


@dataclass(frozen=True)
class DailyVolumes:
    """Day-to-day variation of the total volume.

    Attributes:
        totals: contacts per day of the log.
        weekday_factors: weekday name → mean volume / overall mean daily volume.
        day_factors: the factor of each day written to the scenario (None: not written).
        dispersion_index: variance of daily volumes over what Poisson gives (1: Poisson).
        p_value: the chance of at least this much variation if days were Poisson.
        busyness_cv: the estimated cv of a day's busyness factor (0: none shown).
    """

    totals: np.ndarray
    weekday_factors: dict[str, float]
    day_factors: list[float] | None
    dispersion_index: float
    p_value: float
    busyness_cv: float

    @property
    def overdispersed(self) -> bool:
        return self.p_value < 0.05 and self.busyness_cv > 0


@dataclass(frozen=True)
class LogFit:
    """Everything :func:`fit_log` estimated from one log.

    Attributes:
        log: the cleaned log.
        grid: its days and intervals.
        types: contact type → :class:`TypeFit`.
        volumes: day-to-day variation.
        staffing: agents per (day, interval), days × intervals.
        staffing_source: where the staffing came from (for the report).
        threshold, target: the service-level goal written to the scenario.
        discipline: the order of service found (pools, priorities).
        wrap_up: after-call work found in the gaps between calls (None: not estimated).
        availability: pool → agents taking its calls per (day, interval).
        shapes: each weekday's hours, volume, profile and agents.
    """

    log: ContactLog
    grid: IntervalGrid
    types: dict[str, TypeFit]
    volumes: DailyVolumes
    staffing: np.ndarray
    staffing_source: str
    threshold: float
    target: float
    discipline: Discipline | None = None
    wrap_up: WrapUp | None = None
    availability: dict[str, Availability] | None = None
    shapes: tuple[DayShape, ...] = ()

    @property
    def main_days(self) -> list[int]:
        """The grid's days with the main opening hours (the fitted scenario's days)."""
        if not self.shapes:
            return list(range(self.grid.days))
        hours = main_hours(list(self.shapes))
        return sorted(d for s in self.shapes if (s.open, s.close) == hours for d in s.days)

    @property
    def main_slots(self) -> slice:
        """The grid's intervals within the main opening hours."""
        if not self.shapes:
            return slice(0, self.grid.intervals_per_day)
        open_, close = main_hours(list(self.shapes))
        first = round((open_ - self.grid.open) / self.grid.interval)
        return slice(first, first + round((close - open_) / self.grid.interval))

    def pool_staffing(self) -> dict[str, np.ndarray]:
        """Pool → agents per (day, interval) for the model (whole agents)."""
        if self.availability is None:
            return {"agents": self.staffing}
        return {pool: a.agents for pool, a in self.availability.items()}

    @property
    def staffing_profile(self) -> list[int]:
        """Agents per interval of the main days written to the scenario: the mean, rounded."""
        values = self.staffing[self.main_days][:, self.main_slots]
        return [int(v) for v in np.rint(values.mean(axis=0))]


def fit_log(
    log: ContactLog,
    interval: float = 1800.0,
    staffing_file: Path | None = None,
    handle_family: str = "auto",
    threshold: float = 20.0,
    target: float = 0.8,
) -> LogFit:
    """Estimate a scenario's inputs from a cleaned contact log (see the module docstring)."""
    grid = IntervalGrid.from_log(log, interval)
    contacts = log.contacts
    answered_rows = contacts["outcome"] == "answered"
    clock = durations_in(contacts["answered"] - grid.business_dates(contacts["arrival"]), SECOND)
    handle_all = contacts["handle"].to_numpy(float)
    # One set of bands for every type (the day's rhythm), found on the long calls only.
    band_starts = find_day_bands(
        handle_all[answered_rows],
        clock[answered_rows].to_numpy(float),
        grid.day_of(contacts["arrival"][answered_rows]),
    )
    types = {}
    for name in log.contact_types:
        mine = (contacts["contact_type"] == name).to_numpy()
        outcome = contacts["outcome"][mine]
        queued = outcome != "blocked"
        served = mine & answered_rows.to_numpy()
        handle = handle_all[served]
        types[name] = TypeFit(
            name,
            grid.counts(contacts["arrival"][mine]),
            int((outcome == "answered").sum()),
            int((outcome == "abandoned").sum()),
            int((outcome == "blocked").sum()),
            estimate_handle_time(handle, handle_family) if handle.size >= 2 else None,
            estimate_patience(
                contacts["wait"][mine][queued].to_numpy(float),
                (outcome[queued] == "abandoned").to_numpy(),
            ),
            estimate_banded_handle(
                handle, clock[served].to_numpy(float), handle_family, band_starts
            )
            if handle.size >= 20 and handle_family != "empirical"
            else None,
        )
    discipline = detect_discipline(log, log_tolerance(log))
    wrap_up, availability = None, None
    if staffing_file is not None:
        staffing = read_staffing_file(staffing_file, grid)
        source = f"staffing file {staffing_file}"
        discipline = discipline.one_pool()
    elif not log.has_agents:
        staffing = infer_staffing(log, grid)  # raises: nothing to infer from
        source = ""
    else:
        pools = {p: (c, discipline.agents_of.get(p)) for p, c in discipline.pools.items()}
        wrap_up = estimate_wrap_up(log, pools)
        availability = {
            pool: estimate_availability(log, grid, pool, classes, agents, wrap_up)
            for pool, (classes, agents) in pools.items()
        }
        staffing = next(iter(availability.values())).agents
        source = (
            "agents taking calls, estimated from the busy agents while callers waited "
            "(work-conserving; see the fit report)"
        )
    totals = sum(t.counts.sum(axis=1) for t in types.values())
    all_counts = np.sum([t.counts for t in types.values()], axis=0)
    agents = {p: a.estimate for p, a in (availability or {}).items()} or {
        "agents": staffing.astype(float)
    }
    return LogFit(
        log,
        grid,
        types,
        daily_volumes(np.asarray(totals, dtype=float), list(grid.dates)),
        staffing,
        source,
        threshold,
        target,
        discipline,
        wrap_up,
        availability,
        tuple(day_shapes(grid, contacts["arrival"], all_counts, agents)),
    )


def log_tolerance(log: ContactLog) -> float:
    """Seconds within which two waits' ends count as simultaneous (clocks, rounding)."""
    return 2.0


def daily_volumes(totals: np.ndarray, dates: list[pd.Timestamp]) -> DailyVolumes:
    """Weekday profile and over-dispersion of daily volumes (see the module docstring)."""
    weekdays = [WEEKDAYS[d.weekday()] for d in dates]
    overall = float(totals.mean())
    frame = pd.DataFrame({"weekday": weekdays, "total": totals})
    by_day = frame.groupby("weekday", sort=False)["total"]
    weekday_factors = {str(k): float(v) / overall for k, v in by_day.mean().items()}
    repeated = bool(len(dates) > 1 and by_day.size().min() >= 2)
    if repeated:
        expected = by_day.transform("mean").to_numpy(float)
        fitted = by_day.ngroups
        day_factors = [round(weekday_factors[w], 4) for w in weekdays]
    else:
        expected = np.full(len(totals), overall)
        fitted = 1
        day_factors = None
    dof = len(totals) - fitted
    if dof < 2:
        return DailyVolumes(totals, weekday_factors, day_factors, math.nan, math.nan, 0.0)
    squares = (totals - expected) ** 2
    index = float((squares / expected).sum() / dof)
    p_value = float(stats.chi2.sf(index * dof, dof))
    cv2 = (squares.sum() * len(totals) / dof - expected.sum()) / float((expected**2).sum())
    return DailyVolumes(
        totals, weekday_factors, day_factors, index, p_value, math.sqrt(max(cv2, 0.0))
    )
