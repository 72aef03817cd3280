"""The HTML report's charts: matplotlib figures of a results folder's per-interval measures.

Every function takes the rows of ``intervals.csv`` (``kind == "type"`` or ``"pool"``) and
returns a :class:`matplotlib.figure.Figure`, or ``None`` when there is nothing to draw. The
figures are built without pyplot (no global state, no display needed); the report turns them
into embedded PNG images (:func:`ccsim.output.html.run.figure_html`).

The x axis is the planning interval, in order over the horizon (``D2 09:00`` on multi-day
runs, with a faint line between days). Measures whose scale differs by contact type (ASA and
queue length: seconds for a voice queue, hours for an email backlog) get one panel per time
scale rather than one flattened axis.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

WIDTH = 10.0
"""Figure width in inches (1000 pixels at the report's 100 dpi)."""

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

UNITS = {"s": 1.0, "min": 60.0, "h": 3600.0}


def time_unit(threshold: float | None) -> str:
    """The unit a contact type's waits read best in, from its service-level threshold."""
    if threshold is None or not math.isfinite(threshold) or threshold < 600:
        return "s"
    return "min" if threshold < 3 * 3600 else "h"


def colours(names: Iterable[str], pools: bool = False) -> dict[str, str]:
    """One stable colour per name (contact types, or ``pools``), in order."""
    palette = _POOL_PALETTE if pools else _PALETTE
    return {name: palette[i % len(palette)] for i, name in enumerate(dict.fromkeys(names))}


def staffing_chart(types: pd.DataFrame, pools: pd.DataFrame) -> Figure | None:
    """Contacts offered per interval (per type, with CI band) above agents on duty per pool."""
    if types.empty and pools.empty:
        return None
    fig = Figure(figsize=(WIDTH, 5.6))
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[1.3, 1])
    axis = _Axis(types if not types.empty else pools)
    for name, rows in _by_name(types):
        _line(top, axis, rows, "offered", name, colours(types["name"].unique())[name])
    top.set_ylabel("contacts offered")
    top.set_ylim(bottom=0)
    top.set_title("Arrivals (contacts offered per interval) and agents on duty")
    if not types.empty:
        top.legend(loc="upper right", fontsize="small")
    stack = np.zeros(len(axis))
    pool_colours = colours(pools["name"].unique(), pools=True) if not pools.empty else {}
    for name, rows in _by_name(pools):
        if "agents" not in rows:
            continue
        x = axis.positions(rows)
        values = np.zeros(len(axis))
        values[x] = rows["agents"].fillna(0).to_numpy()
        bottom.bar(
            np.arange(len(axis)),
            values,
            width=0.9,
            bottom=stack,
            label=name,
            color=pool_colours[name],
            alpha=0.75,
        )
        stack += values
    bottom.set_ylabel("agents on duty")
    if not pools.empty:
        bottom.legend(loc="upper right", fontsize="small")
    axis.label(bottom)
    axis.day_lines(top)
    _fit(fig, hspace=0.12)
    return fig


def service_level_chart(types: pd.DataFrame, targets: Mapping[str, dict]) -> Figure | None:
    """Service level by interval per contact type, its CI band, and its target (dashed)."""
    if types.empty or "service_level" not in types:
        return None
    fig = Figure(figsize=(WIDTH, 4.0))
    ax = fig.subplots()
    axis = _Axis(types)
    palette = colours(types["name"].unique())
    for name, rows in _by_name(types):
        _line(ax, axis, rows, "service_level", name, palette[name])
        target = (targets.get(name) or {}).get("service_level_target")
        if target is not None:
            ax.axhline(target, ls="--", lw=1.2, color=palette[name], alpha=0.8)
    ax.set_ylim(0, 1.03)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel("service level")
    ax.set_title("Service level by interval (band: confidence interval; dashed: target)")
    ax.legend(loc="lower right", fontsize="small")
    axis.label(ax)
    axis.day_lines(ax)
    _fit(fig)
    return fig


def rate_chart(
    rows: pd.DataFrame, column: str, title: str, ylabel: str, pools: bool = False
) -> Figure | None:
    """A share (abandonment; occupancy of ``pools``) by interval per name, with its CI band."""
    if rows.empty or column not in rows or not (rows[column].fillna(0) > 0).any():
        return None
    fig = Figure(figsize=(WIDTH, 3.6))
    ax = fig.subplots()
    axis = _Axis(rows)
    palette = colours(rows["name"].unique(), pools=pools)
    for name, group in _by_name(rows):
        _line(ax, axis, group, column, name, palette[name])
    top = float(np.nanmax(rows.get(f"{column}_high", rows[column]).to_numpy(dtype=float)))
    ax.set_ylim(0, min(1.03, max(0.05, top * 1.1)))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize="small")
    axis.label(ax)
    axis.day_lines(ax)
    _fit(fig)
    return fig


def time_chart(
    types: pd.DataFrame,
    column: str,
    title: str,
    ylabel: str,
    units: Mapping[str, str],
    scale_by_unit: bool = True,
) -> Figure | None:
    """A per-type measure by interval, one panel per time scale of the types (``units``).

    ``scale_by_unit`` divides the values by the unit (a duration such as ASA); otherwise they
    are plotted as they are (a count such as the queue length) and the panels only keep
    types of very different sizes apart.
    """
    if types.empty or column not in types or not (types[column].fillna(0) > 0).any():
        return None
    groups: dict[str, list[str]] = {}
    for name in types["name"].unique():
        groups.setdefault(units.get(name, "s"), []).append(name)
    order = [u for u in UNITS if u in groups]
    fig = Figure(figsize=(WIDTH, 2.2 + 1.9 * len(order)))
    axes = np.atleast_1d(fig.subplots(len(order), 1, sharex=True, squeeze=False)[:, 0])
    axis = _Axis(types)
    palette = colours(types["name"].unique())
    for ax, unit in zip(axes, order, strict=True):
        scale = UNITS[unit] if scale_by_unit else 1.0
        for name in groups[unit]:
            rows = types[types["name"] == name]
            _line(ax, axis, rows, column, name, palette[name], scale)
        ax.set_ylim(bottom=0)
        ax.set_ylabel(f"{ylabel} ({unit})" if scale_by_unit else ylabel)
        ax.legend(loc="upper right", fontsize="small")
        axis.day_lines(ax)
    axes[0].set_title(title)
    axis.label(axes[-1])
    _fit(fig, hspace=0.12)
    return fig


def waiting_chart(waits: Mapping[str, dict], targets: Mapping[str, dict]) -> Figure | None:
    """Per contact type, the share answered within t, as a function of t: the service level
    the run would report with threshold t (at the threshold, the simulated service level).

    ``waits[name]`` holds the waits of the type's ``answered`` and ``abandoned`` contacts (all
    replications). The share is of answered + abandoned contacts, or of answered ones for
    the ``answered_only`` formula; the curve ends below 100 % by the share that abandoned.
    """
    waits = {n: w for n, w in waits.items() if len(w["answered"]) + len(w["abandoned"])}
    if not waits:
        return None
    n = len(waits)
    cols = 1 if n == 1 else 2
    rows = math.ceil(n / cols)
    fig = Figure(figsize=(WIDTH, 1.0 + 3.1 * rows))
    axes = np.asarray(fig.subplots(rows, cols, squeeze=False)).ravel()
    palette = colours([*targets, *waits])
    for ax, (name, w) in zip(axes, waits.items(), strict=False):
        target = targets.get(name) or {}
        threshold = target.get("service_level_threshold")
        unit = time_unit(threshold)
        scale = UNITS[unit]
        answered, abandoned = np.sort(w["answered"]), w["abandoned"]
        only_answered = target.get("service_level_formula") == "answered_only"
        total = len(answered) + (0 if only_answered else len(abandoned))
        everyone = np.concatenate([answered, abandoned])
        right = float(np.quantile(everyone, 0.99)) / scale if len(everyone) else 1.0
        if threshold is not None:
            right = max(right, 2.5 * threshold / scale)
        right = right if right > 0 else 1.0
        if len(answered):
            x = np.concatenate([answered / scale, [right]])
            y = np.concatenate([np.arange(1, len(answered) + 1), [len(answered)]]) / total
            if len(x) > 2000:  # a few thousand steps draw the same picture
                keep = np.unique(np.linspace(0, len(x) - 1, 2000).astype(int))
                x, y = x[keep], y[keep]
            ax.step(np.r_[0, x], np.r_[0, y], where="post", color=palette[name], lw=1.6)
        if threshold is not None:
            share = float(np.sum(answered <= threshold)) / total if total else math.nan
            ax.axvline(threshold / scale, ls="--", lw=1, color="grey")
            ax.annotate(
                f"{share:.1%} answered within {threshold / scale:g} {unit}",
                (threshold / scale, share),
                xytext=(6, -14),
                textcoords="offset points",
                fontsize="small",
            )
        if target.get("service_level_target") is not None:
            ax.axhline(target["service_level_target"], ls=":", lw=1, color="grey")
        ax.set_xlim(0, right)
        ax.set_ylim(0, 1.02)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlabel(f"wait (in {unit})")
        ax.set_ylabel("answered within the wait")
        ax.set_title(
            f"{name}: {len(answered):,} answered, {len(abandoned):,} abandoned", fontsize="medium"
        )
    for ax in axes[n:]:
        ax.set_visible(False)
    fig.suptitle("Share answered within a given wait (dashed: threshold; dotted: target)")
    _fit(fig, bottom=0.55, top=0.8, hspace=0.45, wspace=0.25)
    return fig


class _Axis:
    """The x axis shared by the interval charts: one position per (day, interval)."""

    def __init__(self, rows: pd.DataFrame):
        slots = rows[["interval", "day", "start"]].drop_duplicates(["interval"])
        slots = slots.sort_values("interval")
        self._index = {int(i): k for k, i in enumerate(slots["interval"])}
        days = slots["day"].to_numpy()
        self.multi_day = len(set(days)) > 1
        self.labels = [
            f"D{int(d) + 1} {s}" if self.multi_day else str(s)
            for d, s in zip(days, slots["start"], strict=True)
        ]
        self.day_starts = [k for k in range(1, len(days)) if days[k] != days[k - 1]]

    def __len__(self) -> int:
        return len(self.labels)

    def positions(self, rows: pd.DataFrame) -> np.ndarray:
        return np.array([self._index[int(i)] for i in rows["interval"]], dtype=int)

    def label(self, ax) -> None:
        step = max(1, math.ceil(len(self.labels) / 16))
        ticks = np.arange(len(self.labels))[::step]
        ax.set_xticks(ticks, [self.labels[t] for t in ticks], rotation=45, ha="right")
        ax.set_xlim(-0.6, len(self.labels) - 0.4)

    def day_lines(self, ax) -> None:
        for k in self.day_starts:
            ax.axvline(k - 0.5, color="grey", lw=0.6, alpha=0.5)


def _fit(fig, bottom: float = 0.95, top: float = 0.4, hspace: float = 0.2, wspace=0.2) -> None:
    """Fixed margins in inches (much cheaper than a layout engine, which draws twice):
    room for rotated interval labels at the bottom and a title at the top."""
    width, height = fig.get_size_inches()
    fig.subplots_adjust(
        left=0.8 / width,
        right=1 - 0.2 / width,
        bottom=bottom / height,
        top=1 - top / height,
        hspace=hspace,
        wspace=wspace,
    )


def _by_name(rows: pd.DataFrame):
    if rows.empty:
        return iter(())
    return rows.groupby("name", sort=False)


def _line(ax, axis: _Axis, rows, column: str, name: str, colour: str, scale: float = 1.0):
    x = axis.positions(rows)
    ax.plot(x, rows[column] / scale, marker="o", ms=2.5, lw=1.4, color=colour, label=name)
    low, high = f"{column}_low", f"{column}_high"
    if low in rows and high in rows and rows[low].notna().any():
        ax.fill_between(x, rows[low] / scale, rows[high] / scale, color=colour, alpha=0.18, lw=0)
