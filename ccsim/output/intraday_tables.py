"""What an intraday projection shows: its tables, its JSON summary and the console view.

A projection (:class:`ccsim.intraday.projection.Projection`) holds, per plan (the plan as it
stands, then each what-if), measure and group, the value of every replication in every
interval left. A planner reads it as:

* **per interval left** — the median across replications and the 80 % band (10th to 90th
  percentile): where the afternoon will probably fall, not a confidence interval;
* **over the rest of the day** — the same median and band, and for a what-if its **paired
  difference** from the plan (replication by replication, on common random numbers): its
  mean with a 95 % confidence interval, its median and 80 % band.

The tables are lists of plain rows (no pandas: ``ccsim intraday --no-folder`` answers
without loading it); :mod:`ccsim.output.intraday_folder` writes them as files.
"""

from __future__ import annotations

import math

from ccsim.intraday.measures import CONTACT_MEASURES, POOL_MEASURES
from ccsim.intraday.projection import PLAN, Projection
from ccsim.jsonable import json_value
from ccsim.units import DAY, format_clock

LABELS = {
    "offered": "offered",
    "service_level": "service level",
    "asa": "ASA (s)",
    "abandon_rate": "abandonment",
    "occupancy": "occupancy",
}
SHARES = ("service_level", "abandon_rate", "occupancy")
"""Measures that are shares (shown in %, differences in percentage points)."""

DIFFERENCE_KEYS = ("mean", "low", "high", "median", "p10", "p90")


def clock(seconds: float) -> str:
    """A time of the horizon as the time of day (``11:40``)."""
    return format_clock(float(seconds) % DAY)


def value_text(measure: str, x: float | None) -> str:
    """A value as the console and the report write it: shares in %, others whole."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if measure in SHARES:
        return f"{100 * x:.1f} %"
    return f"{x:.0f}"


def signed_text(measure: str, x: float) -> str:
    """A paired difference: shares in percentage points, others to a tenth, with a sign."""
    if math.isnan(x):
        return "–"
    if measure in SHARES:
        return f"{100 * x:+.1f} pt"
    return f"{x:+.1f}"


def interval_rows(p: Projection) -> list[dict]:
    """One row per plan, interval left, group and measure: median, p10 and p90."""
    rows = []
    for plan in p.plans:
        for measure in CONTACT_MEASURES + POOL_MEASURES:
            for group in p.groups[measure]:
                median, low, high = p.fan(plan, measure, group)
                for i, start in enumerate(p.starts):
                    rows.append(
                        {
                            "plan": plan,
                            "interval": clock(start),
                            "partial": bool(i == 0 and start < p.time),
                            "group": group,
                            "measure": measure,
                            "median": float(median[i]),
                            "p10": float(low[i]),
                            "p90": float(high[i]),
                        }
                    )
    return rows


def difference_rows(p: Projection) -> list[dict]:
    """Per plan, group and measure over the rest of the day: the plan's median and band,
    and (for a what-if; NaN for the plan) the paired difference from the plan."""
    rows = []
    nan = float("nan")
    for plan in p.plans:
        for measure in CONTACT_MEASURES + POOL_MEASURES:
            for group in p.groups[measure]:
                median, low, high = p.total(plan, measure, group)
                row: dict[str, object] = {"plan": plan, "group": group, "measure": measure}
                row.update({"median": median, "p10": low, "p90": high})
                diff = p.difference(plan, measure, group) if plan != PLAN else {}
                row.update({f"difference_{k}": diff.get(k, nan) for k in DIFFERENCE_KEYS})
                rows.append(row)
    if len(p.plans) == 1:  # no what-if: no difference columns
        for row in rows:
            for k in DIFFERENCE_KEYS:
                del row[f"difference_{k}"]
    return rows


def summary(
    p: Projection,
    scenario_name: str,
    intervals: list[dict] | None = None,
    rest_of_day: list[dict] | None = None,
) -> dict:
    """The projection as plain JSON values (``intraday.json``, ``--json``); ``intervals``
    and ``rest_of_day``: the rows when already made (else made here)."""
    return json_value(
        {
            "scenario": scenario_name,
            "state_time": clock(p.time),
            "state_day": int(p.time // DAY),
            "replications": p.replications,
            "seed": p.seed,
            "answer_seconds": round(p.seconds, 3),
            "reforecast": {
                name: {
                    "actual": r.actual,
                    "forecast": r.forecast,
                    "prior_contacts": r.prior,
                    "factor": r.factor,
                    "band_80": list(r.band()),
                }
                for name, r in p.reforecasts.items()
            },
            "rest_of_day": difference_rows(p) if rest_of_day is None else rest_of_day,
            "intervals": interval_rows(p) if intervals is None else intervals,
        }
    )


def console_text(p: Projection) -> str:
    """The console view: the re-forecast, the rest of the day per plan with its paired
    difference, and the plan's fan per interval for the headline measures."""
    lines = [f"Intraday projection from {clock(p.time)} ({p.replications} replications, "]
    lines[0] += f"seed {p.seed}, answered in {p.seconds:.1f} s)"
    for name, r in p.reforecasts.items():
        low, high = r.band()
        lines.append(
            f"  re-forecast {name}: {r.actual:.0f} seen against {r.forecast:.0f} forecast "
            f"(×{r.raw_ratio:.3f}) → rest of the day ×{r.factor:.3f} (80 %: {low:.3f}–{high:.3f})"
        )
    lines.append("")
    lines.append("Rest of the day: median [80 % band]; what-if − plan: mean (95 % CI)")
    for measure in CONTACT_MEASURES[1:] + POOL_MEASURES:
        for group in p.groups[measure]:
            cells = []
            for plan in p.plans:
                median, low, high = p.total(plan, measure, group)
                cell = f"{plan} {value_text(measure, median)} [{value_text(measure, low)}–"
                cell += f"{value_text(measure, high)}]"
                if plan != PLAN:
                    d = p.difference(plan, measure, group)
                    cell += f" Δ {signed_text(measure, d['mean'])} "
                    cell += f"({signed_text(measure, d['low'])}…{signed_text(measure, d['high'])})"
                cells.append(cell)
            lines.append(f"  {LABELS[measure]:<12} {group:<10} " + "; ".join(cells))
    lines.append("")
    groups = headline_groups(p)
    header = f"  {'interval':<9}" + "".join(f"{LABELS[m] + ' ' + g:>24}" for m, g in groups)
    lines.append(f"Plan per interval: median [80 % band]\n{header}")
    fans = {key: p.fan(PLAN, *key) for key in groups}
    for i, label in enumerate(interval_labels(p)):
        row = f"  {label:<9}"
        for key in groups:
            median, low, high = (values[i] for values in fans[key])
            m = key[0]
            cell = f"{value_text(m, median)} [{value_text(m, low)}–{value_text(m, high)}]"
            row += f"{cell:>24}"
        lines.append(row)
    lines.append("  * partial: from the state's time to the interval's end")
    return "\n".join(lines)


def headline_groups(p: Projection, first_type_only: bool = False) -> list[tuple[str, str]]:
    """(measure, group) of the headline measures: service level, ASA and abandonment per
    contact type (only the first with ``first_type_only``), occupancy per pool."""
    groups = [
        (m, g)
        for m in ("service_level", "asa", "abandon_rate")
        for g in (p.groups[m][:1] if first_type_only else p.groups[m])
    ]
    return groups + [("occupancy", g) for g in p.groups["occupancy"]]


def interval_labels(p: Projection) -> list[str]:
    """Each interval left by its start (the first, partial one, from the state's time, ``*``)."""
    return [
        clock(max(start, p.time)) + ("*" if i == 0 and start < p.time else "")
        for i, start in enumerate(p.starts)
    ]
