"""What a sweep's folder shows a planner: the table as CSV, a picture per measure, a summary.

The study (:mod:`ccsim.studies.sweep`) runs the points and keeps the exact table
(``sweep.parquet``); this module adds, every time the sweep is run or resumed::

    sweep.csv               one row per point: the swept settings, then every measure with its
                            confidence limits (headers carry their unit, ``…asa_s``; values
                            rounded by kind: :func:`ccsim.output.format.measure_csv`)
    sweep-<measure>.png     the measure across the first axis, one line per value of the
                            others, with its band — one picture per measure asked for, so
                            ``--measure asa`` after ``--measure service_level`` adds a picture
                            instead of replacing one
    summary.json            how many points the sweep has, how many were reused from an
                            earlier run and run now, the measure and the pictures

Shares are drawn on a 0–100 % axis, times in the unit they read best in, never on a
negative axis (:mod:`ccsim.output.measure_axes`).

A centre whose contact types span several channels (calls and emails) has no meaningful
total of waiting (:mod:`ccsim.output.mixed_channels`): there the default measure is each
contact type's service level, one picture per type, and asking for the total
(``--measure service_level``, ``overall.asa``) is refused with the per-type names to use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ccsim.atomic import atomic_file, write_text
from ccsim.measures.catalogue import lookup
from ccsim.output.format import measure_csv
from ccsim.output.measure_axes import bound_axis, measure_scale
from ccsim.output.mixed_channels import MIXED_WAIT_MEASURES
from ccsim.output.run_folder import safe_name
from ccsim.scenario import Scenario
from ccsim.studies.sweep import SweepError, SweepRun, measure_column

DEFAULT_MEASURE = "service_level"
"""What a sweep draws when ``--measure`` is not given (per contact type on a mixed centre)."""


@dataclass(frozen=True)
class SweepFiles:
    """What :func:`write_sweep_folder` wrote: a picture per measure drawn, and the note."""

    pictures: tuple[Path, ...]
    note: str


def sweep_measures(base: Scenario, measure: str | None) -> list[str]:
    """The measures a sweep of ``base`` prints and draws, one picture each.

    Without ``measure``: the overall service level, or, when the contact types span several
    channels, each contact type's (``type.voice.service_level``, ``type.email.service_level``).
    A total of waiting across channels (``service_level``, ``overall.asa``) is refused there:
    it averages a call's seconds with an email's hours.

    Raises:
        SweepError: naming ``--measure``, the channels, and the per-type measures to ask for.
    """
    channels = list(dict.fromkeys(c.channel for c in base.contact_types.values()))
    mixed = len(channels) > 1
    if measure is None:
        if not mixed:
            return [DEFAULT_MEASURE]
        return [f"type.{name}.{DEFAULT_MEASURE}" for name in base.contact_types]
    *where, name = measure.split(".")
    plain = name.removesuffix("_low").removesuffix("_high")
    if mixed and plain in MIXED_WAIT_MEASURES and where in ([], ["overall"]):
        per_type = ", ".join(f"{t}.{plain}" for t in base.contact_types)
        raise SweepError(
            f"--measure {measure}: {base.name} mixes channels ({' and '.join(channels)}), and "
            f"a {plain} totalled across them averages a call's seconds with an email's hours, "
            f"which answers no planner's question; ask for a contact type or channel instead "
            f"({per_type}), or leave --measure out for one picture per contact type"
        )
    return [measure]


def write_sweep_folder(
    folder: Path, run: SweepRun, axes: list[str], measures: list[str]
) -> SweepFiles:
    """Write ``sweep.csv``, a ``sweep-<measure>.png`` per measure and ``summary.json`` into
    the sweep's ``folder`` (each atomically).

    Args:
        folder: the sweep's folder (the study has written its points and tables).
        run: the finished sweep.
        axes: the swept settings, the first one on the x-axis.
        measures: the measures to draw (:func:`sweep_measures`: ``service_level``,
            ``voice.abandon_rate``, ``type.email.service_level``).
    """
    folder = Path(folder)
    with atomic_file(folder / "sweep.csv") as temporary:
        measure_csv(run.table).to_csv(temporary, index=False)
    columns = [measure_column(run.table, measure) for measure in measures]
    drawn = tuple(
        plot_sweep(run.table, axes, column, folder / picture_name(column)) for column in columns
    )
    pictures = sorted(p.name for p in folder.glob("sweep-*.png"))
    note = run.resume_note()
    summary = {
        "points": run.total,
        "reused": run.reused,
        "run_now": run.ran,
        "note": note or f"all {run.total} points run now",
        "measures": columns,
        "pictures": pictures,
    }
    write_text(folder / "summary.json", json.dumps(summary, indent=1) + "\n")
    return SweepFiles(drawn, note)


def picture_name(column: str) -> str:
    """``sweep-<measure>.png``: ``overall.service_level`` → ``sweep-service_level.png``,
    ``type.voice.abandon_rate`` → ``sweep-type.voice.abandon_rate.png`` (made safe as a
    file name)."""
    return f"sweep-{safe_name(column.removeprefix('overall.'), keep='.')}.png"


def sweep_figure(table: pd.DataFrame, axes: list[str], measure: str) -> Figure:
    """The figure of ``measure`` across the first axis (one line per value of the others),
    with its confidence band, on the measure's own bounded axis."""
    column = measure_column(table, measure)
    fig = Figure(figsize=(9, 5))
    ax = fig.add_subplot()
    x_axis, others = axes[0], axes[1:]
    drawn = [table[column].to_numpy(float)]
    for band in ("_low", "_high"):
        if f"{column}{band}" in table:
            drawn.append(table[f"{column}{band}"].to_numpy(float))
    factor, unit = measure_scale(column, np.concatenate(drawn))
    groups = table.groupby(others, sort=False) if others else [((), table)]
    for key, rows in groups:
        x = _numeric(rows[x_axis])
        # Grouped by a list of columns, pandas gives each group's key as a tuple (the stubs
        # say only Hashable).
        values = np.atleast_1d(cast(tuple[Any, ...], key))
        label = ", ".join(f"{_short(o)}={v}" for o, v in zip(others, values, strict=False))
        ax.plot(x, rows[column] * factor, marker="o", ms=4, label=label or None)
        if f"{column}_low" in rows:
            low, high = rows[f"{column}_low"] * factor, rows[f"{column}_high"] * factor
            ax.fill_between(x, low, high, alpha=0.2)
    bound_axis(ax, column, np.concatenate(drawn) * factor)
    x_values = _numeric(table[x_axis])
    if x_values.dtype.kind == "f" and np.all(np.mod(x_values, 1) == 0):
        # Agents, days, lines: whole settings get whole ticks (no "0.25 agents").
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    name = _label(column)
    ax.set_xlabel(x_axis)
    ax.set_ylabel(f"{name} ({unit})" if unit else name)
    ax.set_title(f"{name[:1].upper()}{name[1:]} across the sweep (band: confidence interval)")
    if others:
        ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_sweep(table: pd.DataFrame, axes: list[str], measure: str, path: Path) -> Path:
    """Draw :func:`sweep_figure` into the PNG file ``path`` (atomically) and return it."""
    fig = sweep_figure(table, axes, measure)
    with atomic_file(Path(path)) as temporary:
        fig.savefig(temporary, dpi=110, format="png")
    return Path(path)


def _label(column: str) -> str:
    """``type.voice.abandon_rate`` → ``voice abandoned``; ``overall.asa`` → ``ASA``."""
    parts = column.split(".")
    try:
        words = lookup(parts[-1]).label
    except KeyError:
        words = parts[-1]
    where = parts[1:-1] if parts[0] in ("overall", "type", "pool", "channel", "campaign") else []
    return " ".join([*where, words])


def _short(path: str) -> str:
    """A swept setting in a legend: its last two parts (``patience.mean``)."""
    return ".".join(path.split(".")[-2:])


def _numeric(values: pd.Series):
    try:
        return values.astype(float).to_numpy()
    except (TypeError, ValueError):
        return values.astype(str).to_numpy()
