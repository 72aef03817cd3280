"""A :class:`~ccsim.output.chart.Chart` as a PNG file, drawn with Pillow.

The same drawing routine as the report's SVG (:func:`ccsim.output.chart.draw`), painted at
twice the size and scaled down, which smooths the lines as a vector renderer would. Pillow
loads in a few hundredths of a second, where matplotlib's import alone took half a second.
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ccsim.output.chart import Chart, draw

SCALE = 2
"""Drawn this many times larger, then scaled down (anti-aliasing)."""


@cache
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    # DejaVu from the system, else the copy matplotlib ships (a dependency, so always there),
    # else Pillow's own font: the chart is drawn whatever the machine has.
    for candidate in (name, _matplotlib_font(name)):
        if candidate is None:
            continue
        with contextlib.suppress(OSError):
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size)


def _matplotlib_font(name: str) -> str | None:
    """The path of a font file matplotlib ships, found without importing matplotlib."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        return None
    return str(Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / name)


def _rgb(colour: str, opacity: float = 1.0) -> tuple[int, int, int]:
    """``#rrggbb`` blended over white by ``opacity`` (bands are drawn on the white plot)."""
    r, g, b = (int(colour[k : k + 2], 16) for k in (1, 3, 5))
    return tuple(round(c * opacity + 255 * (1 - opacity)) for c in (r, g, b))  # type: ignore[return-value]


class PngCanvas:
    """Paints on a Pillow image at :data:`SCALE` (see :class:`ccsim.output.chart.Canvas`)."""

    def __init__(self, width: int, height: int) -> None:
        self.image = Image.new("RGB", (width * SCALE, height * SCALE), "white")
        self.pen = ImageDraw.Draw(self.image)

    def line(
        self, points: Sequence[tuple[float, float]], colour: str, width: float = 1.5, dash: str = ""
    ) -> None:
        if len(points) < 2:
            return
        scaled = [(x * SCALE, y * SCALE) for x, y in points]
        w = max(1, round(width * SCALE))
        if not dash:
            self.pen.line(scaled, fill=_rgb(colour), width=w, joint="curve")
            return
        on, off = (float(v) * SCALE for v in dash.split(","))
        for (ax, ay), (bx, by) in zip(scaled, scaled[1:], strict=False):
            length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
            t = 0.0
            while t < length:
                end = min(t + on, length)
                self.pen.line(
                    [
                        (ax + (bx - ax) * t / length, ay + (by - ay) * t / length),
                        (ax + (bx - ax) * end / length, ay + (by - ay) * end / length),
                    ],
                    fill=_rgb(colour),
                    width=w,
                )
                t += on + off

    def polygon(
        self, points: Sequence[tuple[float, float]], colour: str, opacity: float = 1.0
    ) -> None:
        self.pen.polygon([(x * SCALE, y * SCALE) for x, y in points], fill=_rgb(colour, opacity))

    def rect(
        self, x: float, y: float, w: float, h: float, colour: str, opacity: float = 1.0
    ) -> None:
        if w <= 0 or h <= 0:
            return
        box = [x * SCALE, y * SCALE, (x + w) * SCALE, (y + h) * SCALE]
        self.pen.rectangle(box, fill=_rgb(colour, opacity))

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
        font = _font(round(size * SCALE), bold)
        where = {"start": "ls", "middle": "ms", "end": "rs"}[anchor]
        if not vertical:
            outline = {"stroke_width": 3 * SCALE, "stroke_fill": "white"} if halo else {}
            self.pen.text(
                (x * SCALE, y * SCALE),
                text,
                fill=_rgb(colour),
                font=font,
                anchor=where,
                **outline,  # type: ignore[arg-type]
            )
            return
        left, top, right, bottom = self.pen.textbbox((0, 0), text, font=font, anchor="lt")
        box = (int(math.ceil(right - left)) + 2, int(math.ceil(bottom - top)) + 2)
        label = Image.new("RGBA", box, (255, 255, 255, 0))
        ImageDraw.Draw(label).text((0, 0), text, fill=_rgb(colour), font=font, anchor="lt")
        label = label.rotate(90, expand=True)
        self.image.paste(
            label, (round(x * SCALE - label.width / 2), round(y * SCALE - label.height / 2)), label
        )


def chart_png(chart: Chart) -> bytes:
    """The chart as PNG bytes, ``chart.width`` pixels wide."""
    canvas = PngCanvas(chart.width, chart.height)
    draw(chart, canvas)
    image = canvas.image.reduce(SCALE)  # a box filter: as smooth here, a tenth of Lanczos' time
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3)  # a little larger, much quicker
    return buffer.getvalue()


def write_chart_png(chart: Chart, path: Path) -> Path:
    """Write ``chart`` as a PNG file at ``path``."""
    Path(path).write_bytes(chart_png(chart))
    return Path(path)
