"""A chart's value axis for a measure: in the unit a planner reads, within its bounds.

A share (service level, abandonment, occupancy) is drawn in percent on a 0–100 % axis —
never on a negative one, even when every point is 0 %; a time in the unit it reads best in
(seconds, minutes or hours: :func:`ccsim.output.format.duration_unit`) from 0; counts, hours
and money from 0. A flat line still gets a sensible axis (matplotlib's own would run from
−0.04 to +0.04 around a line at 0). Only a signed measure (a bias) may go below 0.
"""

from __future__ import annotations

import math

import numpy as np

from ccsim.measures.catalogue import Kind, lookup
from ccsim.output.format import SECONDS_PER, column_kind, duration_unit


def measure_scale(column: str, values: np.ndarray) -> tuple[float, str]:
    """How to draw ``column``'s values: the factor to multiply them by and the axis unit
    (``%``, ``s``, ``min``, ``h`` or ``""``)."""
    kind = column_kind(column)
    if kind is Kind.FRACTION:
        return 100.0, "%"
    if kind is Kind.SECONDS:
        finite = np.asarray(values, float)
        finite = finite[np.isfinite(finite)]
        unit = duration_unit(float(finite.max())) if finite.size else "s"
        return 1.0 / SECONDS_PER[unit], unit
    if kind is Kind.HOURS:
        return 1.0, "h"
    return 1.0, ""


def bound_axis(ax, column: str, scaled: np.ndarray) -> None:
    """Set the y-axis of ``ax`` for ``column`` whose drawn (scaled) values are ``scaled``
    (the line and its confidence band together)."""
    kind = column_kind(column)
    values = np.asarray(scaled, float)
    values = values[np.isfinite(values)]
    if kind is Kind.FRACTION:
        ax.set_ylim(0.0, 100.0)
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0f} %")
        return
    top = float(values.max()) if values.size else 0.0
    bottom = float(values.min()) if values.size else 0.0
    if not _signed(column) or bottom >= 0:
        bottom = 0.0
    if not math.isfinite(top) or top <= bottom:
        top = bottom + 1.0  # a flat line at 0 (or nothing to draw): an axis from 0 to 1
    else:
        top += 0.08 * (top - bottom)  # room above the highest point
    ax.set_ylim(bottom, top)


def _signed(column: str) -> bool:
    name = column.rsplit(".", 1)[-1].removesuffix("_low").removesuffix("_high")
    try:
        return lookup(name).signed
    except KeyError:
        return True
