"""A backtest's comparisons a planner reads: all types together, per hour of the day, per day
of the week; and the headline errors over the hours.

Every table sums the counts first (offered, answered, abandoned, total wait of the answered,
answered within the threshold) over the cells it groups, then divides — so an hour's
abandonment is the hour's abandoned over its offered over all its days, not a mean of
ratios. Simulated figures are the mean over replications.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ccsim.calibration.backtest import _SUMS, ALL, MEASURES, Backtest, _ratios
from ccsim.calibration.week import WEEKDAYS


def with_all_types(sums: pd.DataFrame) -> pd.DataFrame:
    """``sums`` plus rows summing every contact type (contact type :data:`ALL`)."""
    keys = [c for c in sums.columns if c not in _SUMS and c != "contact_type"]
    total = sums.groupby(keys, sort=False)[list(_SUMS)].sum().reset_index()
    total["contact_type"] = ALL
    return pd.concat([sums, total[sums.columns]], ignore_index=True)


def grouped(bt: Backtest, by: str) -> pd.DataFrame:
    """Actual against simulated per ``by`` (``hour``: hour of the business day; ``weekday``)
    and contact type, all types included: ``actual_<m>`` and ``sim_<m>``."""
    sums = bt.sums.copy()
    if by == "hour":
        sums["hour"] = sums["interval"].str.slice(0, 2).astype(int)
    elif by == "weekday":
        sums["weekday"] = [WEEKDAYS[d.weekday()] for d in pd.to_datetime(sums["date"])]
    else:
        raise ValueError(f"by must be hour or weekday, not {by!r}")
    sums = with_all_types(sums.drop(columns=["date", "interval"]))
    table = sums.groupby(["source", by, "contact_type"], sort=False)[list(_SUMS)].sum()
    ratios = _ratios(table).reset_index()
    actual = ratios[ratios["source"] == "actual"].set_index([by, "contact_type"])[list(MEASURES)]
    sims = ratios[ratios["source"] != "actual"].groupby([by, "contact_type"])[list(MEASURES)]
    result = actual.add_prefix("actual_").join(sims.mean().add_prefix("sim_"))
    for m in ("offered", "answered"):
        result[f"actual_{m}"] = result[f"actual_{m}"].round().astype(int)
    result = result.reset_index()
    if by == "weekday":  # Monday first, not alphabetical
        result["weekday"] = pd.Categorical(result["weekday"], WEEKDAYS, ordered=True)
    return result.sort_values([by, "contact_type"], kind="stable").reset_index(drop=True)


def hourly_errors(bt: Backtest, contact_type: str = ALL) -> dict[str, float]:
    """Mean over the hours of the day of |simulated − actual| abandonment (points) and ASA
    (seconds), and their bias (simulated − actual), for ``contact_type`` (all types)."""
    table = grouped(bt, "hour")
    mine = table[table["contact_type"] == contact_type]
    return errors_over(mine)


def errors_over(rows: pd.DataFrame) -> dict[str, float]:
    """Over ``rows`` (hours), for abandonment and ASA: the mean absolute error (every hour
    counts the same), the same weighted by the hour's offered contacts (``_wmae``: a quiet
    hour's few calls say little) and the bias (simulated − actual)."""
    result: dict[str, float] = {"hours": len(rows)}
    for m in ("abandon_rate", "asa"):
        diff = rows[f"sim_{m}"] - rows[f"actual_{m}"]
        weight = rows["actual_offered"].where(diff.notna(), 0).to_numpy(float)
        diff = diff.dropna()
        result[f"{m}_mae"] = float(diff.abs().mean()) if len(diff) else math.nan
        result[f"{m}_wmae"] = (
            float(np.nansum(np.abs(rows[f"sim_{m}"] - rows[f"actual_{m}"]) * weight) / weight.sum())
            if weight.sum() > 0
            else math.nan
        )
        result[f"{m}_bias"] = float(diff.mean()) if len(diff) else math.nan
    return result


def naive_hourly(actual_sums: pd.DataFrame, dates: list[pd.Timestamp]) -> pd.DataFrame:
    """The naive forecast per hour (all types): each date's hours as they were one week
    earlier, summed over ``dates``, as ``sim_abandon_rate`` and ``sim_asa`` beside nothing
    (join it to the actual figures)."""
    sums = actual_sums.copy()
    sums["hour"] = sums["interval"].str.slice(0, 2).astype(int)
    wanted = {f"{d - pd.Timedelta(days=7):%Y-%m-%d}" for d in dates}
    last_week = sums[sums["date"].isin(wanted)]
    table = last_week.groupby("hour")[list(_SUMS)].sum()
    ratios = _ratios(table)
    return ratios[["abandon_rate", "asa"]].add_prefix("sim_")


def noise_floor(bt: Backtest, contact_type: str = ALL) -> dict[str, float] | None:
    """The error over the hours that the data's own noise alone would give (model mode, at
    least 2 replications): each replication is compared, hour by hour, with the mean of the
    others, as the one recorded period is compared with the simulated mean; the mean over
    replications, scaled by √((R − 1) / R) for the noise of the others' mean. A perfect model
    would show about this error against the log (quiet hours with a few dozen calls carry
    most of it). None in trace mode or with one replication."""
    replications = sorted(s for s in bt.sums["source"].unique() if s != "actual")
    if bt.mode != "model" or len(replications) < 2:
        return None
    sums = bt.sums.copy()
    sums["hour"] = sums["interval"].str.slice(0, 2).astype(int)
    if contact_type == ALL:
        sums = sums.groupby(["source", "hour"])[list(_SUMS)].sum()
    else:
        sums = (
            sums[sums["contact_type"] == contact_type]
            .groupby(["source", "hour"])[list(_SUMS)]
            .sum()
        )
    offered = sums.loc["actual", "offered"]
    results = []
    for r in replications:
        others = sums.drop(index=["actual", r], level=0).groupby("hour").sum()
        mine, rest = _ratios(sums.loc[r]), _ratios(others)
        rows = pd.DataFrame(
            {
                "actual_offered": offered,
                "actual_abandon_rate": mine["abandon_rate"],
                "sim_abandon_rate": rest["abandon_rate"],
                "actual_asa": mine["asa"],
                "sim_asa": rest["asa"],
            }
        )
        results.append(errors_over(rows))
    scale = math.sqrt((len(replications) - 1) / len(replications))
    keys = ("abandon_rate_mae", "abandon_rate_wmae", "asa_mae", "asa_wmae")
    return {k: scale * float(np.nanmean([e[k] for e in results])) for k in keys}
