"""A :class:`~ccsim.output.chart.Chart` as inline SVG: text the HTML report embeds as it is.

No image library, no base64: a few hundred elements of plain markup, which the browser
draws sharp at any zoom and prints well, and which a test can read (tick labels, target
labels and counts are ``<text>`` elements).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from ccsim.output.chart import Chart, draw


class SvgCanvas:
    """Collects SVG elements (see :class:`ccsim.output.chart.Canvas`)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def line(
        self, points: Sequence[tuple[float, float]], colour: str, width: float = 1.5, dash: str = ""
    ) -> None:
        if len(points) < 2:
            return
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="{width:g}"{extra}/>'
        )

    def polygon(
        self, points: Sequence[tuple[float, float]], colour: str, opacity: float = 1.0
    ) -> None:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        self.parts.append(f'<polygon points="{path}" fill="{colour}" fill-opacity="{opacity:g}"/>')

    def rect(
        self, x: float, y: float, w: float, h: float, colour: str, opacity: float = 1.0
    ) -> None:
        self.parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{colour}"'
            + (f' fill-opacity="{opacity:g}"' if opacity < 1 else "")
            + "/>"
        )

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
    ) -> None:
        # a halo (white outline under the letters) keeps a label readable over a line
        weight = ' font-weight="bold"' if bold else ""
        if halo:
            weight += ' stroke="#ffffff" stroke-width="3" paint-order="stroke"'
        turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if vertical else ""
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{colour}" '
            f'text-anchor="{anchor}"{weight}{turn}>{html.escape(text)}</text>'
        )


def chart_svg(chart: Chart) -> str:
    """The chart as one inline ``<svg>`` element of an HTML page (no namespace needed there);
    it scales to the page width and keeps its proportions."""
    canvas = SvgCanvas()
    draw(chart, canvas)
    alt = html.escape(chart.alt or chart.title)
    return (
        f'<svg viewBox="0 0 {chart.width} {chart.height}" '
        f'width="{chart.width}" height="{chart.height}" role="img" aria-label="{alt}" '
        'font-family="DejaVu Sans, Verdana, Arial, sans-serif" class="chart">'
        f"<title>{alt}</title>" + "".join(canvas.parts) + "</svg>"
    )
