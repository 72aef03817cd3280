"""Staffing for risk: how often the service level meets its target, not only its mean.

An interval staffed so that its *mean* service level is 80 % misses an 80 % target on
roughly half of the days: real days scatter around the mean — Poisson noise, and more with
forecast uncertainty (a busier day, slower handling: see :mod:`ccsim.scenario.forecast`).
Planners who staff for risk ask instead "on what share of days is the target met?", and
staff until that share reaches their confidence, say 90 % of days.

Every replication's every day of the horizon is one *day* the centre might live, a
(replication, day) pair. From the per-interval measures of an experiment this module gives,
per contact type:

* ``p_meets_target`` per interval of the day: the share of days whose service level in that
  interval is at least the type's target. Days on which nothing counted toward the interval's
  service level (nothing offered: the level is undefined) are left out.
* quantiles of the interval service level across days (``service_level_p10`` … ``_p90``):
  the level of the worst tenth of days, the median day, the best tenth.
* the *daily* service level — the whole day's answered-within-threshold over its
  denominator, summed over the day's intervals — and ``p_day_meets_target``, the share of
  days on which it reaches the target, with its quantiles.

:func:`meets_target_share` and :func:`interval_quantile` pool the days of the horizon per
interval of the day, as staffing per interval of the day is (the optimiser's view; with
``day_factors`` making some days busier, the pool mixes them). :func:`interval_risk`, the
columns of ``intervals.csv``, keeps every day of the horizon apart and reads across
replications only. With one-day horizons the two agree.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ccsim.experiment.replications import ExperimentResult
from ccsim.jsonable import json_value
from ccsim.units import format_clock

QUANTILES = (0.1, 0.5, 0.9)
"""Quantiles reported across days: the worst tenth, the median, the best tenth."""

RISK_COLUMNS = ("p_meets_target", "service_level_p10", "service_level_p50", "service_level_p90")
"""Columns :func:`interval_risk` adds to ``intervals.csv`` (contact-type rows only)."""


def interval_values(result: ExperimentResult, contact_type: str, measure: str) -> np.ndarray:
    """One contact type's per-interval measure as a (replications, days, intervals a day) array.

    Args:
        result: the experiment.
        contact_type: a contact type of the scenario.
        measure: a column of the replications' interval frames, e.g. ``service_level``.

    Returns:
        The values; NaN where the measure is undefined or the interval lies in the warm-up.

    Raises:
        KeyError: the scenario has no such contact type.
    """
    scenario = result.scenario
    if contact_type not in scenario.contact_types:
        raise KeyError(
            f"{contact_type!r} is not a contact type of the scenario; defined: "
            f"{', '.join(scenario.contact_types)}"
        )
    horizon = scenario.horizon
    values = np.full((len(result.replications), horizon.n_intervals), np.nan)
    for r, replication in enumerate(result.replications):
        frame = replication.intervals
        rows = frame[(frame["kind"] == "type") & (frame["name"] == contact_type)]
        values[r, rows["interval"].to_numpy(int)] = rows[measure].to_numpy(float)
    return values.reshape(len(result.replications), horizon.days, horizon.intervals_per_day)


def meets_target_share(result: ExperimentResult, contact_type: str) -> np.ndarray:
    """Per interval of the day, the share of days whose service level meets the target.

    Days are all (replication, day of the horizon) pairs; a day on which the interval's
    service level is undefined (nothing counted toward it) is left out.

    Args:
        result: the experiment.
        contact_type: a contact type of the scenario (its ``service_level.target`` is used).

    Returns:
        An array with one share (0–1) per interval of the opening day; NaN for an interval
        with no defined service level on any day.
    """
    levels = interval_values(result, contact_type, "service_level")
    target = result.scenario.contact_types[contact_type].service_level.target
    return share_meeting(levels, target, axis=(0, 1))


def interval_quantile(
    result: ExperimentResult, contact_type: str, measure: str, q: float | Sequence[float]
) -> np.ndarray:
    """Per interval of the day, a quantile of a measure across days.

    Args:
        result: the experiment.
        contact_type: a contact type of the scenario.
        measure: an interval measure of contact types (``service_level``, ``asa``, …).
        q: the quantile (0.1: the level the worst tenth of days fall below), or several.

    Returns:
        One value per interval of the opening day (shape ``(len(q), intervals)`` for several
        quantiles); undefined values (NaN) are left out, NaN where none is defined.
    """
    values = interval_values(result, contact_type, measure)
    return _quantile(values, q, axis=(0, 1))


def daily_service_levels(result: ExperimentResult, contact_type: str) -> np.ndarray:
    """The service level of each whole day, as a (replications, days) array.

    A day's level is the sum over its intervals of answered-within-threshold over the sum of
    the service level's denominator (the type's formula), NaN if that denominator is 0.
    """
    within = interval_values(result, contact_type, "answered_within_threshold")
    denominator = np.nansum(interval_values(result, contact_type, "sl_denominator"), axis=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, np.nansum(within, axis=2) / denominator, np.nan)


def risk_summary(result: ExperimentResult) -> dict:
    """The ``risk`` block of ``summary.json``: per contact type, how often the target is met.

    Returns:
        ``{"forecast": {...cvs}, "quantiles": [...], "by_type": {type: {...}}}``, where each
        type has ``target``, ``days`` (days with a defined daily level), ``p_day_meets_target``,
        ``daily_service_level`` (``mean``, ``p10``, ``p50``, ``p90``) and ``worst_interval``
        (``start`` and ``p_meets_target`` of the interval of the day least often on target).
    """
    scenario = result.scenario
    horizon = scenario.horizon
    by_type = {}
    for name, ctype in scenario.contact_types.items():
        target = ctype.service_level.target
        daily = daily_service_levels(result, name)
        shares = meets_target_share(result, name)
        defined = daily[~np.isnan(daily)]
        levels = {"mean": float(defined.mean()) if defined.size else math.nan}
        quantiles = _quantile(daily, QUANTILES, None)
        levels.update({_label(q): float(v) for q, v in zip(QUANTILES, quantiles, strict=True)})
        worst: dict[str, str | float | None] = {"start": None, "p_meets_target": None}
        if not np.all(np.isnan(shares)):
            slot = int(np.nanargmin(shares))
            worst = {
                "start": format_clock(horizon.open + slot * horizon.interval),
                "p_meets_target": float(shares[slot]),
            }
        by_type[name] = {
            "target": target,
            "days": int(defined.size),
            "p_day_meets_target": float(share_meeting(daily, target, axis=None)),
            "daily_service_level": levels,
            "worst_interval": worst,
        }
    return json_value(
        {
            "forecast": scenario.forecast.model_dump(),
            "quantiles": list(QUANTILES),
            "by_type": by_type,
        }
    )


def interval_risk(result: ExperimentResult) -> pd.DataFrame:
    """Per contact type and interval of the horizon, :data:`RISK_COLUMNS` across replications.

    Returns:
        Columns ``kind`` (``"type"``), ``name``, ``interval`` and the risk columns: the share
        of replications in which the interval met its type's target, and quantiles of its
        service level across replications.
    """
    frames = []
    n_intervals = result.scenario.horizon.n_intervals
    for name, ctype in result.scenario.contact_types.items():
        levels = interval_values(result, name, "service_level").reshape(-1, n_intervals)
        low, median, high = _quantile(levels, QUANTILES, axis=0)
        columns = (share_meeting(levels, ctype.service_level.target, axis=0), low, median, high)
        frame = pd.DataFrame(dict(zip(RISK_COLUMNS, columns, strict=True)))
        frame.insert(0, "kind", "type")
        frame.insert(1, "name", name)
        frame.insert(2, "interval", np.arange(n_intervals))
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def with_risk_columns(result: ExperimentResult, intervals: pd.DataFrame) -> pd.DataFrame:
    """``intervals`` (as :meth:`ExperimentResult.intervals`) with :data:`RISK_COLUMNS` added
    on the contact-type rows (pool rows: empty)."""
    return intervals.merge(interval_risk(result), on=["kind", "name", "interval"], how="left")


def share_meeting(
    levels: np.ndarray, target: float, axis: int | tuple[int, ...] | None, at_most: bool = False
) -> np.ndarray:
    """Share of defined values at or above ``target`` (at or below, with ``at_most``: an
    abandonment or ASA cap) along ``axis``; NaN where no value is defined."""
    defined = ~np.isnan(levels)
    if at_most:
        met = np.sum(defined & (np.nan_to_num(levels, nan=np.inf) <= target), axis=axis)
    else:
        met = np.sum(defined & (np.nan_to_num(levels, nan=-np.inf) >= target), axis=axis)
    counted = np.sum(defined, axis=axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(counted > 0, met / np.maximum(counted, 1), np.nan)


def _quantile(values: np.ndarray, q, axis) -> np.ndarray:
    """``np.nanquantile`` without the warning for all-NaN slices (they give NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanquantile(values, q, axis=axis)


def _label(q: float) -> str:
    return f"p{round(100 * q)}"
