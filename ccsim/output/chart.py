"""One chart, drawn twice: a description of a chart and the one drawing routine behind both
the HTML report's inline SVG and the results folder's PNG files.

A :class:`Chart` is data: panels of lines, confidence bands, stacked bars and labelled
reference lines (targets, thresholds), each panel with its axes. :func:`draw` lays it out in
pixels and paints it on a :class:`Canvas` — :class:`ccsim.output.chart_svg.SvgCanvas` for
the report, :class:`ccsim.output.chart_png.PngCanvas` (Pillow) for the PNG files — so the
picture a planner sees in the report and the file they paste into a slide are the same
picture, and neither needs matplotlib (whose import alone took longer than a day's
simulation).

Axis ticks are written the way the console and the HTML tables write values
(:mod:`ccsim.output.format`): ``80 %``, ``30 s``, ``4 h``, ``1,200``. A bounded axis keeps
its bounds: a share runs from 0 % and never below, whatever the data.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from ccsim.output.format import SECONDS_PER, count, duration, number, percent

Kind = Literal["percent", "duration", "count", "category"]


@dataclass(frozen=True)
class Axis:
    """One axis of a panel.

    Attributes:
        label: what the axis measures, in words (``service level``, ``wait``).
        kind: ``percent`` (values are shares, 0–1), ``duration`` (seconds, shown in
            ``unit``), ``count`` or ``category`` (positions 0, 1, … named by ``labels``).
        unit: for durations, the unit ticks are written in (``s``, ``min``, ``h``).
        low, high: fixed bounds (``None``: from the data). Shares default to 0 and at most 100 %.
        labels: for categories, the name of each position (interval start times).
    """

    label: str = ""
    kind: Kind = "count"
    unit: str = ""
    low: float | None = 0.0
    high: float | None = None
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Series:
    """Values to draw: a ``line`` (NaN leaves a gap), a ``step`` curve (each value held until
    the next ``x``), or ``bars``; lines and steps may be ``dashed`` or ``dotted``.

    ``low``/``high`` draw a band (a confidence interval) behind a line; ``base`` is where
    stacked bars start.
    """

    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    colour: str
    shape: Literal["line", "step", "bars"] = "line"
    dash: Literal["", "dashed", "dotted"] = ""
    low: tuple[float, ...] = ()
    high: tuple[float, ...] = ()
    base: tuple[float, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A reference line across the panel at ``value`` of the ``y`` (or ``x``) axis, with a label."""

    value: float
    label: str
    colour: str = "#555555"
    axis: Literal["x", "y"] = "y"
    dash: Literal["dashed", "dotted"] = "dashed"


@dataclass(frozen=True)
class Panel:
    """One plot area: its title, series, reference lines, axes and notes (plain sentences
    written under it)."""

    title: str
    series: tuple[Series, ...]
    x: Axis
    y: Axis
    rules: tuple[Rule, ...] = ()
    separators: tuple[float, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chart:
    """A titled picture of one or more panels (``columns`` side by side), ``width`` pixels wide."""

    title: str
    panels: tuple[Panel, ...]
    columns: int = 1
    width: int = 1000
    plot_height: int = 230
    alt: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def height(self) -> int:
        return self.top + self.rows * _panel_height(self) + _NOTE * len(self.notes) + 6

    @property
    def top(self) -> int:
        """Room for the title (none when the page already gives one: ``title=""``)."""
        return _TITLE if self.title else 4

    @property
    def rows(self) -> int:
        return math.ceil(len(self.panels) / self.columns)


class Canvas(Protocol):
    """What :func:`draw` paints with (pixels, origin top left)."""

    def line(
        self, points: Sequence[tuple[float, float]], colour: str, width: float = 1.5, dash: str = ""
    ) -> None: ...

    def polygon(
        self, points: Sequence[tuple[float, float]], colour: str, opacity: float = 1.0
    ) -> None: ...

    def rect(
        self, x: float, y: float, w: float, h: float, colour: str, opacity: float = 1.0
    ) -> None: ...

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float = 12,
        colour: str = "#222222",
        anchor: str = "start",
        bold: bool = False,
        vertical: bool = False,
        halo: bool = False,
    ) -> None: ...


# Layout, in pixels.
_TITLE = 28
_PANEL_TITLE = 20
_LEGEND = 18
_TICKS = 18
_XLABEL = 18
_NOTE = 16
_LEFT = 74
_RIGHT = 16
_TEXT = 12
_SMALL = 11
_DASHES = {"": "", "dashed": "6,4", "dotted": "2,3"}
GRID = "#e4e4e4"
INK = "#333333"


def _panel_height(chart: Chart) -> int:
    notes = max((len(p.notes) for p in chart.panels), default=0)
    rows = max((_legend_rows(chart, p) for p in chart.panels), default=1)
    legend = _LEGEND * rows
    return _PANEL_TITLE + legend + chart.plot_height + _TICKS + _XLABEL + _NOTE * notes + 10


def _legend_items(panel: Panel, width: float) -> list[tuple[float, int, Series]]:
    """Where each legend entry goes: its x offset and row (entries wrap to ``width``)."""
    items, x, row, seen = [], 0.0, 0, set()
    for s in panel.series:
        if not s.label or s.label in seen:
            continue
        seen.add(s.label)
        size = 28 + text_width(s.label, _SMALL)
        if x and x + size > width:
            x, row = 0.0, row + 1
        items.append((x, row, s))
        x += size
    return items


def _legend_rows(chart: Chart, panel: Panel) -> int:
    width = chart.width / chart.columns - _LEFT - _RIGHT
    items = _legend_items(panel, width)
    return max((row for _, row, _ in items), default=0) + 1


def text_width(text: str, size: float) -> float:
    """About how wide ``text`` is at ``size`` pixels (DejaVu Sans averages 0.6 em)."""
    return 0.6 * size * len(text)


def draw(chart: Chart, canvas: Canvas) -> None:
    """Paint ``chart`` on ``canvas``."""
    canvas.rect(0, 0, chart.width, chart.height, "#ffffff")
    if chart.title:
        canvas.text(chart.width / 2, 19, chart.title, 14, INK, "middle", bold=True)
    cell_w = chart.width / chart.columns
    cell_h = _panel_height(chart)
    for k, panel in enumerate(chart.panels):
        row, col = divmod(k, chart.columns)
        _draw_panel(
            panel,
            canvas,
            col * cell_w,
            chart.top + row * cell_h,
            cell_w,
            chart.plot_height,
            max(_legend_rows(chart, p) for p in chart.panels),
        )
    y = chart.top + chart.rows * cell_h
    for note in chart.notes:
        canvas.text(10, y + 11, note, _SMALL, "#555555")
        y += _NOTE


def _draw_panel(
    panel: Panel,
    canvas: Canvas,
    left: float,
    top: float,
    width: float,
    height: float,
    legend_rows: int = 1,
) -> None:
    x0, x1 = left + _LEFT, left + width - _RIGHT
    items = _legend_items(panel, x1 - x0)
    y0 = top + _PANEL_TITLE + _LEGEND * legend_rows
    y1 = y0 + height
    if panel.title:
        canvas.text(left + 10, top + 14, panel.title, _TEXT + 1, INK, bold=True)
    _legend(items, canvas, x0, top + _PANEL_TITLE + 12)
    xlo, xhi = _bounds(panel.x, [v for s in panel.series for v in s.x], panel, "x")
    ylo, yhi = _bounds(panel.y, _y_values(panel), panel, "y")
    if panel.x.kind == "category":
        xlo, xhi = -0.6, max(len(panel.x.labels), 1) - 0.4

    def px(v: float) -> float:
        return x0 + (v - xlo) / (xhi - xlo) * (x1 - x0)

    def py(v: float) -> float:
        return y1 - (v - ylo) / (yhi - ylo) * (y1 - y0)

    # grid and y ticks
    y_ticks = ticks(ylo, yhi, panel.y)
    for value in y_ticks:
        canvas.line([(x0, py(value)), (x1, py(value))], GRID, 1)
        label = tick_label(value, panel.y, _step(y_ticks))
        canvas.text(x0 - 6, py(value) + 4, label, _SMALL, INK, "end")
    canvas.text(left + 14, (y0 + y1) / 2, panel.y.label, _TEXT, INK, "middle", vertical=True)
    # x ticks
    for value, label in _x_ticks(panel.x, xlo, xhi, x1 - x0):
        canvas.line([(px(value), y1), (px(value), y1 + 4)], INK, 1)
        canvas.text(px(value), y1 + 16, label, _SMALL, INK, "middle")
    canvas.text((x0 + x1) / 2, y1 + _TICKS + 14, panel.x.label, _TEXT, INK, "middle")
    for sep in panel.separators:
        canvas.line([(px(sep), y0), (px(sep), y1)], "#bbbbbb", 1)

    def clip_y(v: float) -> float:
        return py(min(max(v, ylo), yhi))

    for s in panel.series:  # bands and bars first, lines over them
        if s.shape == "bars":
            base = s.base or (0.0,) * len(s.y)
            step = (px(1) - px(0)) * 0.9
            for x, y, b in zip(s.x, s.y, base, strict=True):
                if _ok(y) and y > 0:
                    top_px, bottom_px = clip_y(b + y), clip_y(b)
                    canvas.rect(px(x) - step / 2, top_px, step, bottom_px - top_px, s.colour, 0.8)
        elif s.low and s.high:
            for run in _runs(s.x, s.low, s.high):
                upper = [(px(x), clip_y(h)) for x, _, h in run]
                lower = [(px(x), clip_y(lo)) for x, lo, _ in reversed(run)]
                if len(run) > 1:
                    canvas.polygon(upper + lower, s.colour, 0.18)
    for s in panel.series:
        dash = _DASHES[s.dash]
        if s.shape == "line":
            for run in _runs(s.x, s.y):
                canvas.line([(px(x), clip_y(y)) for x, y in run], s.colour, 1.8, dash)
        elif s.shape == "step":
            points: list[tuple[float, float]] = []
            for k, (x, y) in enumerate(zip(s.x, s.y, strict=True)):
                if k:
                    points.append((px(x), points[-1][1]))
                points.append((px(x), clip_y(y)))
            canvas.line(points, s.colour, 1.8, dash)
    for rule in panel.rules:
        dash = _DASHES[rule.dash]
        if rule.axis == "y":
            at = clip_y(rule.value)
            canvas.line([(x0, at), (x1, at)], rule.colour, 1.2, dash)
            if rule.label:
                canvas.text(x1 - 4, at - 4, rule.label, _SMALL, rule.colour, "end", halo=True)
        else:
            at = px(min(max(rule.value, xlo), xhi))
            canvas.line([(at, y0), (at, y1)], rule.colour, 1.2, dash)
            if rule.label:
                canvas.text(at + 4, y0 + 12, rule.label, _SMALL, rule.colour, halo=True)
    canvas.line([(x0, y0), (x0, y1), (x1, y1)], INK, 1)
    y = y1 + _TICKS + _XLABEL + 12
    for note in panel.notes:
        canvas.text(left + 10, y, note, _SMALL, "#555555")
        y += _NOTE


def _legend(items: list[tuple[float, int, Series]], canvas: Canvas, left: float, top: float):
    for offset, row, s in items:
        x, y = left + offset, top + row * _LEGEND
        if s.dash:  # a sample of the line, so dashed and solid lines of a colour differ
            canvas.line([(x, y - 4), (x + 14, y - 4)], s.colour, 1.8, _DASHES[s.dash])
        else:
            canvas.rect(x, y - 8, 14, 8, s.colour)
        canvas.text(x + 18, y, s.label, _SMALL, INK)


def _y_values(panel: Panel) -> list[float]:
    values: list[float] = []
    for s in panel.series:
        if s.shape == "bars" and s.base:
            values += [b + y for b, y in zip(s.base, s.y, strict=True)]
        values += list(s.y) + list(s.high)
    return values + [r.value for r in panel.rules if r.axis == "y"]


def _bounds(axis: Axis, values: list[float], panel: Panel, which: str) -> tuple[float, float]:
    if which == "x":
        values = values + [r.value for r in panel.rules if r.axis == "x"]
    finite_values = [v for v in values if _ok(v)]
    top = max(finite_values, default=1.0)
    bottom = min(finite_values, default=0.0)
    low = axis.low if axis.low is not None else bottom
    high = axis.high if axis.high is not None else top
    if axis.kind == "percent":  # a share: from 0 %, to 100 % once it passes half way
        low = max(low, 0.0)
        if axis.high is None:
            high = 1.0 if high > 0.5 else high * 1.05
        high = min(max(high, 0.05), 1.0)
    elif axis.high is None:
        high = high * 1.05 if high > 0 else high
    if high <= low:
        high = low + (1.0 if axis.kind != "duration" else SECONDS_PER.get(axis.unit or "s", 1.0))
    return low, high


def ticks(low: float, high: float, axis: Axis, most: int = 6) -> list[float]:
    """Round tick values between ``low`` and ``high`` (durations: round in their unit)."""
    scale = SECONDS_PER.get(axis.unit or "s", 1.0) if axis.kind == "duration" else 1.0
    span = (high - low) / scale
    raw = span / most
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw) * scale
    first = math.ceil(low / step - 1e-9) * step
    count = int(math.floor((high - first) / step + 1e-9)) + 1
    values = [first + k * step for k in range(max(count, 0))]
    if axis.kind == "percent":  # a share keeps its bounds
        values = [v for v in values if -1e-12 <= v <= 1 + 1e-12]
    return [0.0 if abs(v) < step * 1e-9 else v for v in values]


def tick_label(value: float, axis: Axis, step: float = 0.0) -> str:
    """A tick written as the console and the report write values; counts below one keep the
    decimals their ``step`` needs (``0.2``, ``0.25``), not more."""
    if axis.kind == "percent":
        return percent(value, 0 if abs(value * 100 - round(value * 100)) < 1e-9 else 1)
    if axis.kind == "duration":
        return duration(value, axis.unit or "s")
    if 0 < step < 1:
        decimals = next(d for d in range(1, 7) if abs(step * 10**d - round(step * 10**d)) < 1e-9)
        return count(value, decimals)
    return number(value)


def _step(values: list[float]) -> float:
    return values[1] - values[0] if len(values) > 1 else 0.0


def _x_ticks(axis: Axis, low: float, high: float, width: float) -> list[tuple[float, str]]:
    if axis.kind != "category":
        return [(v, tick_label(v, axis)) for v in ticks(low, high, axis, most=8)]
    labels = axis.labels
    widest = max((text_width(label, _SMALL) for label in labels), default=1.0) + 10
    per = width / max(len(labels), 1)
    step = max(1, math.ceil(widest / per))
    return [(float(k), labels[k]) for k in range(0, len(labels), step)]


def _ok(v: float) -> bool:
    return v is not None and math.isfinite(v)


def _runs(x: Sequence[float], *columns: Sequence[float]) -> list[list[tuple[float, ...]]]:
    """Consecutive points where every column is a number (a NaN breaks the line)."""
    runs: list[list[tuple[float, ...]]] = [[]]
    for point in zip(x, *columns, strict=True):
        if all(_ok(v) for v in point):
            runs[-1].append(point)
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]
