"""The planner's re-run, read as the planner reads it: does every targeted interval meet?

The contract ``ccsim staff`` answers to: run the written scenario again with another root
seed and 40 or more replications; every (contact type, interval) then has its mean on the
right side of every target, and no 95 % interval wholly on the wrong side. With a confidence
q: the share of (replication, day) pairs meeting the target is at least q within its own
sampling error (its 95 % Wilson interval reaches q). :func:`contract` reads a finished run
so — the confirmation run, or a planner's re-run — and :func:`critical_share` gives the
smallest share such a re-run can show and still pass.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from ccsim.stats import estimate
from ccsim.studies.staffing.targets import Check, on_target


def critical_share(q: float, pairs: int, confidence: float = 0.95) -> float:
    """The smallest share of ``pairs`` whose Wilson interval still reaches ``q``."""
    for k in range(pairs + 1):
        if wilson(k, pairs, confidence)[1] >= q - 1e-12:
            return k / pairs
    return 1.0


def wilson(successes: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a share (NaN for n = 0)."""
    if n <= 0:
        return math.nan, math.nan
    z = float(stats.norm.ppf((1 + confidence) / 2))
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def run_values(result, check: Check) -> np.ndarray:
    """A check's per-replication values (replications × days × intervals) in a finished run
    (:class:`~ccsim.experiment.replications.ExperimentResult`): the numbers its ``intervals.csv``
    averages."""
    horizon = result.scenario.horizon
    values = np.full((len(result.replications), horizon.n_intervals), np.nan)
    for r, replication in enumerate(result.replications):
        frame = replication.intervals
        rows = frame[(frame["kind"] == check.kind) & (frame["name"] == check.name)]
        values[r, rows["interval"].to_numpy(int)] = rows[check.measure].to_numpy(float)
    return values.reshape(len(result.replications), horizon.days, horizon.intervals_per_day)


def contract(result, checks: list[Check], confidence: float | None) -> list[dict]:
    """Read a finished run the way the planner does: one row per check and cell.

    On the mean (``confidence`` None): each (day, interval) meets if its mean over
    replications is on the right side of the bound; ``low``/``high`` are the run's t
    interval, ``significant`` says it lies wholly on the wrong side. With a confidence q:
    each interval of the day meets if the share of (replication, day) pairs on target has
    a Wilson interval reaching q.

    Returns:
        Rows ``{check, day, interval, value, low, high, meets, significant}`` (``day``
        None for shares); cells with nothing measured are left out.
    """
    level = result.scenario.experiment.confidence
    rows = []
    for check in checks:
        values = run_values(result, check)
        if confidence is None:
            rows += _mean_rows(check, values, level)
        else:
            rows += _share_rows(check, values, confidence, level)
    return rows


def _mean_rows(check: Check, values: np.ndarray, level: float) -> list[dict]:
    rows = []
    reps, days, per_day = values.shape
    for day in range(days):
        for i in range(per_day):
            v = values[:, day, i]
            v = v[~np.isnan(v)]
            if not len(v):
                continue
            interval = estimate(v, level)  # unclipped: the t interval as the run has it
            mean, low, high = interval.mean, interval.low, interval.high
            gap = (check.bound - mean) if check.at_most else (mean - check.bound)
            wrong = (low > check.bound) if check.at_most else (high < check.bound)
            rows.append(
                {
                    "check": check,
                    "day": day,
                    "interval": i,
                    "value": mean,
                    "low": low,
                    "high": high,
                    "meets": bool(gap >= -1e-12),
                    "significant": bool(wrong),
                }
            )
    return rows


def _share_rows(check: Check, values: np.ndarray, q: float, level: float) -> list[dict]:
    rows = []
    defined = ~np.isnan(values)
    met = on_target(check, values) == 1
    for i in range(values.shape[2]):
        n = int(defined[:, :, i].sum())
        if not n:
            continue
        x = int(met[:, :, i].sum())
        low, high = wilson(x, n, level)
        rows.append(
            {
                "check": check,
                "day": None,
                "interval": i,
                "value": x / n,
                "low": low,
                "high": high,
                "meets": bool(high >= q - 1e-12),
                "significant": bool(high < q - 1e-12),
            }
        )
    return rows
