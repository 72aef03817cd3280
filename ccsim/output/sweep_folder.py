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
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ccsim.atomic import atomic_file, write_text
from ccsim.measures.catalogue import lookup
from ccsim.output.format import measure_csv
from ccsim.output.measure_axes import bound_axis, measure_scale
from ccsim.output.run_folder import safe_name
from ccsim.studies.sweep import SweepRun, measure_column


@dataclass(frozen=True)
class SweepFiles:
    """What :func:`write_sweep_folder` wrote: the picture of this measure and the note."""

    picture: Path
    note: str


def write_sweep_folder(folder: Path, run: SweepRun, axes: list[str], measure: str) -> SweepFiles:
    """Write ``sweep.csv``, ``sweep-<measure>.png`` and ``summary.json`` into the sweep's
    ``folder`` (each atomically).

    Args:
        folder: the sweep's folder (the study has written its points and tables).
        run: the finished sweep.
        axes: the swept settings, the first one on the x-axis.
        measure: the ``--measure`` to draw (``service_level``, ``voice.abandon_rate``).
    """
    folder = Path(folder)
    with atomic_file(folder / "sweep.csv") as temporary:
        measure_csv(run.table).to_csv(temporary, index=False)
    column = measure_column(run.table, measure)
    picture = plot_sweep(run.table, axes, measure, folder / picture_name(column))
    pictures = sorted(p.name for p in folder.glob("sweep-*.png"))
    note = run.resume_note()
    summary = {
        "points": run.total,
        "reused": run.reused,
        "run_now": run.ran,
        "note": note or f"all {run.total} points run now",
        "measure": column,
        "pictures": pictures,
    }
    write_text(folder / "summary.json", json.dumps(summary, indent=1) + "\n")
    return SweepFiles(picture, note)


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
