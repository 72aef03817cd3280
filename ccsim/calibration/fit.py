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
* **staffing** (one pool serving every type, all at priority 1: first come, first served):
  agents per interval inferred from the log or read from a staffing file
  (:mod:`ccsim.calibration.log_grid`); the scenario gets the mean over days, rounded.

Blocked contacts count as offered but never queued (not patience observations).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ccsim.calibration.contact_log import ContactLog
from ccsim.calibration.handle_times import HandleEstimate, estimate_handle_time
from ccsim.calibration.log_grid import IntervalGrid, infer_staffing, read_staffing_file
from ccsim.calibration.patience import PatienceEstimate, estimate_patience

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
    """

    name: str
    counts: np.ndarray
    answered: int
    abandoned: int
    blocked: int
    handle: HandleEstimate | None
    patience: PatienceEstimate

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
    """

    log: ContactLog
    grid: IntervalGrid
    types: dict[str, TypeFit]
    volumes: DailyVolumes
    staffing: np.ndarray
    staffing_source: str
    threshold: float
    target: float

    @property
    def staffing_profile(self) -> list[int]:
        """Agents per interval of the day written to the scenario: the mean, rounded."""
        return [int(v) for v in np.rint(self.staffing.mean(axis=0))]


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
    types = {}
    for name in log.contact_types:
        mine = contacts[contacts["contact_type"] == name]
        outcome = mine["outcome"]
        queued = outcome != "blocked"
        handle = mine["handle"][outcome == "answered"].to_numpy(float)
        types[name] = TypeFit(
            name,
            grid.counts(mine["arrival"]),
            int((outcome == "answered").sum()),
            int((outcome == "abandoned").sum()),
            int((outcome == "blocked").sum()),
            estimate_handle_time(handle, handle_family) if handle.size >= 2 else None,
            estimate_patience(
                mine["wait"][queued].to_numpy(float),
                (outcome[queued] == "abandoned").to_numpy(),
            ),
        )
    if staffing_file is not None:
        staffing = read_staffing_file(staffing_file, grid)
        source = f"staffing file {staffing_file}"
    else:
        staffing = infer_staffing(log, grid)
        source = "distinct agents answering contacts in each interval of the log"
    totals = sum(t.counts.sum(axis=1) for t in types.values())
    return LogFit(
        log,
        grid,
        types,
        daily_volumes(np.asarray(totals, dtype=float), list(grid.dates)),
        staffing,
        source,
        threshold,
        target,
    )


def daily_volumes(totals: np.ndarray, dates: list[pd.Timestamp]) -> DailyVolumes:
    """Weekday profile and over-dispersion of daily volumes (see the module docstring)."""
    weekdays = [WEEKDAYS[d.weekday()] for d in dates]
    overall = float(totals.mean())
    frame = pd.DataFrame({"weekday": weekdays, "total": totals})
    by_day = frame.groupby("weekday", sort=False)["total"]
    weekday_factors = {k: float(v) / overall for k, v in by_day.mean().items()}
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
