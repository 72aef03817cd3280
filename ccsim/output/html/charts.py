"""The charts of one run: per-interval measures and waiting times as
:class:`~ccsim.output.chart.Chart` descriptions, drawn as inline SVG in the HTML report and as
the PNG files of the results folder (the same picture in both).

Every interval chart takes the rows of the per-interval table (``kind == "type"`` or
``"pool"``) and returns a chart, or ``None`` when there is nothing to draw. The x axis is the
planning interval, in order over the horizon (``D2 09:00`` on multi-day runs, with a faint
line between days). Measures whose scale differs by contact type (ASA: seconds for a voice
queue, hours for an email backlog) get one panel per time scale, not one flattened axis.
Shares (service level, abandonment, occupancy) are drawn in % from 0, never below.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ccsim.output.chart import Axis, Chart, Panel, Rule, Series
from ccsim.output.format import (
    SECONDS_PER,
    clock,
    count,
    duration,
    number,
    percent,
    percent_as_given,
)

_PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]

_POOL_PALETTE = [
    "#4c6a92",
    "#c49a45",
    "#5f8f5f",
    "#9a5b7a",
    "#4f9aa0",
    "#a0704b",
    "#7b7bb3",
    "#8c8c8c",
]
"""Pools get muted colours of their own, so a pool is never mistaken for a contact type."""

UNITS = SECONDS_PER
"""The time units of the charts, in order (``s``, ``min``, ``h``)."""

INTERVALS = "interval start"
"""The x-axis label of every per-interval chart."""


def time_unit(threshold: float | None) -> str:
    """The unit a contact type's waits read best in, from its service-level threshold."""
    if threshold is None or not math.isfinite(threshold) or threshold < 600:
        return "s"
    return "min" if threshold < 3 * 3600 else "h"


def colours(names: Iterable[str], pools: bool = False) -> dict[str, str]:
    """One stable colour per name (contact types, or ``pools``), in order."""
    palette = _POOL_PALETTE if pools else _PALETTE
    return {name: palette[i % len(palette)] for i, name in enumerate(dict.fromkeys(names))}


class IntervalAxis:
    """The x axis shared by the interval charts: one position per (day, interval)."""

    def __init__(self, rows: pd.DataFrame):
        slots = rows[["interval", "day", "start"]].drop_duplicates(["interval"])
        slots = slots.sort_values("interval")
        self._index = {int(i): k for k, i in enumerate(slots["interval"])}
        days = slots["day"].to_numpy()
        self.days = [int(d) for d in days]
        self.starts = [str(s) for s in slots["start"]]
        self.multi_day = len(set(self.days)) > 1
        self.labels = tuple(
            f"D{d + 1} {s}" if self.multi_day else s
            for d, s in zip(self.days, self.starts, strict=True)
        )
        self.day_starts = tuple(k - 0.5 for k in range(1, len(days)) if days[k] != days[k - 1])

    def __len__(self) -> int:
        return len(self.labels)

    def positions(self, rows: pd.DataFrame) -> tuple[float, ...]:
        return tuple(float(self._index[int(i)]) for i in rows["interval"])

    def axis(self) -> Axis:
        return Axis(INTERVALS, "category", labels=self.labels)


def staffing_chart(types: pd.DataFrame, pools: pd.DataFrame) -> Chart | None:
    """Contacts offered per interval (per type, with CI band) above agents on duty per pool."""
    if types.empty and pools.empty:
        return None
    axis = IntervalAxis(types if not types.empty else pools)
    palette = colours(types["name"].unique()) if not types.empty else {}
    offered = tuple(
        _series(axis, rows, "offered", name, palette[name]) for name, rows in _by_name(types)
    )
    panels = [
        Panel(
            "Contacts offered per interval",
            offered,
            axis.axis(),
            Axis("contacts offered"),
            separators=axis.day_starts,
        )
    ]
    bars, stack = [], np.zeros(len(axis))
    pool_colours = colours(pools["name"].unique(), pools=True) if not pools.empty else {}
    for name, rows in _by_name(pools):
        if "agents" not in rows:
            continue
        values = np.zeros(len(axis))
        values[[int(p) for p in axis.positions(rows)]] = rows["agents"].fillna(0).to_numpy()
        bars.append(
            Series(
                name,
                tuple(float(k) for k in range(len(axis))),
                tuple(values.tolist()),
                pool_colours[name],
                shape="bars",
                base=tuple(stack.tolist()),
            )
        )
        stack = stack + values
    if bars:
        panels.append(
            Panel(
                "Agents on duty per interval",
                tuple(bars),
                axis.axis(),
                Axis("agents on duty"),
                separators=axis.day_starts,
            )
        )
    return Chart("Arrivals and staffing", tuple(panels), plot_height=190)


def service_level_chart(
    types: pd.DataFrame,
    targets: Mapping[str, dict],
    horizon: Mapping[str, float] | None = None,
    still_open: Mapping[str, float] | None = None,
) -> Chart | None:
    """Service level by interval per contact type, its CI band and its target (labelled).

    ``horizon`` (``days``; ``open``, ``close`` in seconds after midnight; ``interval``) lets
    the chart explain a type whose threshold runs past closing (an email's 4 h clock keeps running
    overnight); with ``still_open`` (per type, contacts still open when the horizon ended:
    ``unserved``) it leaves out the last intervals whose contacts could be among them: their
    service level is not known yet, and reads 0 or nothing.
    """
    if types.empty or "service_level" not in types:
        return None
    axis = IntervalAxis(types)
    palette = colours(types["name"].unique())
    series, rules, notes = [], [], []
    for name, rows in _by_name(types):
        target = targets.get(name) or {}
        threshold = target.get("service_level_threshold")
        open_at_end = (still_open or {}).get(name) or 0.0
        keep, note = _settled(rows, threshold, horizon, open_at_end, name)
        series.append(_series(axis, rows, "service_level", name, palette[name], keep=keep))
        notes += note
        goal = target.get("service_level_target")
        if goal is not None:
            within = f" within {duration(threshold)}" if threshold is not None else ""
            rules.append(
                Rule(goal, f"{name} target {percent_as_given(goal)}{within}", palette[name])
            )
    panel = Panel(
        "",
        tuple(series),
        axis.axis(),
        Axis("service level", "percent", high=1.0),
        tuple(rules),
        axis.day_starts,
        tuple(notes),
    )
    return Chart(
        "Service level by interval (band: confidence interval; dashed: target)",
        (panel,),
        plot_height=240,
    )


def _settled(
    rows: pd.DataFrame,
    threshold: float | None,
    horizon: Mapping[str, float] | None,
    still_open: float,
    name: str,
) -> tuple[np.ndarray | None, list[str]]:
    """Which intervals' service level is known by the end of the horizon (``None``: all),
    and the notes that explain the others and a threshold that runs past closing.

    ``still_open``: the type's contacts still open when the horizon ended (a mean per
    replication). Only then can an interval near the end be unsettled: one whose
    arrivals' threshold runs past the last closing.
    """
    if threshold is None or not horizon:
        return None, []
    days, close = horizon.get("days"), horizon.get("close")
    opening = horizon.get("open")
    if not isinstance(days, int) or close is None:
        return None, []
    keep, notes = None, []
    starts = np.array([_seconds(s) for s in rows["start"]], dtype=float)
    length = horizon.get("interval") or 0.0  # the interval's last arrival counts too
    open_end = (rows["day"].to_numpy() == days - 1) & (starts + length + threshold > close)
    if still_open > 0 and open_end.any():
        keep = ~open_end
        first = rows["start"].to_numpy()[open_end][0]
        notes.append(
            f"{name}: not plotted from {'the last day ' if days > 1 else ''}{first} — "
            f"{number(still_open)} contacts were still open when the horizon ended; the service "
            "level of these intervals is not known yet."
        )
    if days > 1 and opening is not None and threshold > 0 and (starts + threshold > close).any():
        cut = clock(max(close - threshold, opening))
        notes.append(
            f"{name}: the {duration(threshold)} clock keeps running after closing at "
            f"{clock(close)}: contacts arriving after {cut} and answered the next day miss it, "
            "so those intervals read low."
        )
    return keep, notes


def rate_chart(
    rows: pd.DataFrame, column: str, title: str, ylabel: str, pools: bool = False
) -> Chart | None:
    """A share (abandonment; occupancy of ``pools``) by interval per name, with its CI band."""
    if rows.empty or column not in rows or not (rows[column].fillna(0) > 0).any():
        return None
    axis = IntervalAxis(rows)
    palette = colours(rows["name"].unique(), pools=pools)
    series = tuple(_series(axis, g, column, name, palette[name]) for name, g in _by_name(rows))
    panel = Panel("", series, axis.axis(), Axis(ylabel, "percent"), separators=axis.day_starts)
    return Chart(title, (panel,), plot_height=200)


def time_chart(
    types: pd.DataFrame,
    column: str,
    title: str,
    ylabel: str,
    units: Mapping[str, str],
    scale_by_unit: bool = True,
) -> Chart | None:
    """A per-type measure by interval, one panel per time scale of the types (``units``).

    ``scale_by_unit`` says the values are durations (ticks in the panel's unit, such as ASA);
    otherwise they are counts (a queue length) and the panels only keep types of very
    different sizes apart.
    """
    if types.empty or column not in types or not (types[column].fillna(0) > 0).any():
        return None
    groups: dict[str, list[str]] = {}
    for name in types["name"].unique():
        groups.setdefault(units.get(name, "s"), []).append(name)
    axis = IntervalAxis(types)
    palette = colours(types["name"].unique())
    panels = []
    for unit in [u for u in UNITS if u in groups]:
        series = tuple(
            _series(axis, types[types["name"] == n], column, n, palette[n]) for n in groups[unit]
        )
        y = Axis(ylabel, "duration", unit) if scale_by_unit else Axis(ylabel)
        label = ", ".join(groups[unit]) if len(groups) > 1 else ""
        panels.append(Panel(label, series, axis.axis(), y, separators=axis.day_starts))
    return Chart(title, tuple(panels), plot_height=170)


def waiting_chart(
    waits: Mapping[str, dict], targets: Mapping[str, dict], per: float = 1.0, per_text: str = ""
) -> Chart | None:
    """Per contact type, the share answered within t, as a function of t — the service level
    the run would report with threshold t — each type on its own time scale.

    ``waits[name]`` holds the waits of the type's ``answered`` and ``abandoned`` contacts (all
    replications). The share is of answered + abandoned contacts, or of answered ones for
    the ``answered_only`` formula; the curve ends below 100 % by the share that abandoned.
    Counts in the titles are divided by ``per`` (replications × days) and say so
    (``per_text``: "per day, mean of 20 replications"), like the headline.
    """
    waits = {n: w for n, w in waits.items() if len(w["answered"]) + len(w["abandoned"])}
    if not waits:
        return None
    palette = colours([*targets, *waits])
    panels = []
    for name, w in waits.items():
        target = targets.get(name) or {}
        threshold = target.get("service_level_threshold")
        unit = time_unit(threshold)
        scale = UNITS[unit]
        answered, abandoned = np.sort(np.asarray(w["answered"], float)), w["abandoned"]
        only_answered = target.get("service_level_formula") == "answered_only"
        total = len(answered) + (0 if only_answered else len(abandoned))
        everyone = np.concatenate([answered, np.asarray(abandoned, float)])
        right = float(np.quantile(everyone, 0.99)) if len(everyone) else scale
        if threshold is not None:
            right = max(right, 2.5 * threshold)
        right = right if right > 0 else scale
        series: tuple[Series, ...] = ()
        if len(answered):
            shown = answered[answered <= right]
            y = np.arange(1, len(shown) + 1) / total
            keep = np.unique(np.linspace(0, len(shown) - 1, min(len(shown), 400)).astype(int))
            xs = np.r_[0.0, shown[keep], right]
            ys = np.r_[0.0, y[keep], len(shown) / total]
            series = (Series(name, tuple(xs.tolist()), tuple(ys.tolist()), palette[name], "step"),)
        rules = []
        if threshold is not None and total:
            share = float(np.sum(answered <= threshold)) / total
            rules.append(
                Rule(threshold, f"{percent(share)} within {duration(threshold)}", "#555555", "x")
            )
        if target.get("service_level_target") is not None:
            goal = target["service_level_target"]
            rules.append(Rule(goal, f"target {percent_as_given(goal)}", "#777777", dash="dotted"))
        counts = f"{count(len(answered) / per)} answered, {count(len(abandoned) / per)} abandoned"
        panels.append(
            Panel(
                f"{name}: {counts}",
                series,
                Axis(f"wait ({unit})", "duration", unit, 0.0, right),
                Axis("answered within the wait", "percent", high=1.0),
                tuple(rules),
            )
        )
    return Chart(
        "Share answered within a given wait (dashed: threshold; dotted: target)",
        tuple(panels),
        columns=1 if len(panels) == 1 else 2,
        plot_height=210,
        notes=(f"Counts are {per_text}.",) if per_text else (),
    )


def _seconds(start: object) -> float:
    """An interval's start (``"08:30"``) in seconds after midnight."""
    hours, _, minutes = str(start).partition(":")
    try:
        return int(hours) * 3600 + int(minutes or 0) * 60
    except ValueError:
        return math.nan


def _by_name(rows: pd.DataFrame):
    if rows.empty:
        return iter(())
    return rows.groupby("name", sort=False)


def _series(
    axis: IntervalAxis,
    rows: pd.DataFrame,
    column: str,
    name: str,
    colour: str,
    keep: np.ndarray | None = None,
) -> Series:
    """A line of ``column`` over the intervals, with its CI band when there is one;
    intervals not in ``keep`` are left out (a gap)."""

    def values(col: str) -> tuple[float, ...]:
        v = rows[col].to_numpy(dtype=float)
        return tuple(np.where(keep, v, np.nan).tolist() if keep is not None else v.tolist())

    low, high = f"{column}_low", f"{column}_high"
    band = low in rows and high in rows and bool(rows[low].notna().any())
    return Series(
        name,
        axis.positions(rows),
        values(column),
        colour,
        low=values(low) if band else (),
        high=values(high) if band else (),
    )
