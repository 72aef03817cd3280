"""The page kit of every HTML report: a self-contained page of titled sections, tables,
embedded charts, paragraphs and the estimate-with-interval and target-verdict cells.

The page is one file: inline CSS, charts as inline SVG (:func:`chart_html`) or embedded PNG
``data:`` URIs, no JavaScript and no external resource, readable on screen and on paper.
Each report (a run, a comparison, a staffing, a fit, a backtest) builds its sections with
these helpers::

    sections = [Section("Differences", table_html(rows, ["measure", "A", "B", "B − A"]))]
    write_html(folder / "report.html", render_page("Comparison", sections))

Every text put on the page goes through :func:`html.escape`; only :class:`Html` values
(markup built by these helpers) are inserted as they are. Values are formatted by
:mod:`ccsim.output.format`, shared with the console.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ccsim.atomic import write_text
from ccsim.output.format import finite, number

DPI = 100
"""Resolution of the embedded charts (a 10-inch figure is 1000 pixels wide)."""


class ReportError(ValueError):
    """A folder cannot be reported on (missing, not a ccsim results folder, unreadable)."""


class Html(str):
    """Markup that is already safe: inserted into the page without escaping."""


@dataclass(frozen=True)
class Section:
    """One titled part of a report page.

    Attributes:
        title: plain text (escaped on the page); also the entry in the contents list.
        html: the section's body, safe markup (built with :func:`table_html`,
            :func:`figure_html`, :func:`paragraph` or escaped by the caller).
        anchor: the ``id`` to link to (default: made from the title).
    """

    title: str
    html: str
    anchor: str = ""


def render_page(title: str, sections: Sequence[Section], subtitle: str = "") -> str:
    """A complete, self-contained HTML document: a header, contents, then ``sections``."""
    from ccsim import __version__

    anchors = _anchors(sections)
    contents = "".join(
        f'<li><a href="#{a}">{_e(s.title)}</a></li>' for s, a in zip(sections, anchors, strict=True)
    )
    body = "\n".join(
        f'<section id="{a}">\n<h2>{_e(s.title)}</h2>\n{s.html}\n</section>'
        for s, a in zip(sections, anchors, strict=True)
    )
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    sub = f'<p class="subtitle">{_e(subtitle)}</p>' if subtitle else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="ccsim {_e(__version__)}">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header>\n<h1>{_e(title)}</h1>\n{sub}\n"
        f'<nav><h2 class="contents">Contents</h2><ol>{contents}</ol></nav>\n</header>\n'
        f"<main>\n{body}\n</main>\n"
        f'<footer><p class="note">Made by ccsim {_e(__version__)} on {stamp}.</p></footer>\n'
        "</body>\n</html>\n"
    )


def table_html(
    rows: Iterable[Sequence[object]],
    columns: Sequence[str],
    *,
    caption: str = "",
    align: str = "",
    total_row: bool = False,
) -> Html:
    """An HTML table. Cells: :class:`Html` as is, ``None`` and NaN as "–", numbers with
    thousands separators, anything else as escaped text.

    Args:
        align: one letter per column, ``l`` or ``r`` (default: first column left, others right).
        total_row: the last row is a total (set in bold under a rule).
    """
    align = align or "l" + "r" * (len(columns) - 1)
    align = align.ljust(len(columns), "r")[: len(columns)]
    cls = ["" if a == "r" else ' class="text"' for a in align]
    head = "".join(f"<th{c}>{_e(name)}</th>" for c, name in zip(cls, columns, strict=True))
    lines = []
    rows = list(rows)
    for k, row in enumerate(rows):
        total = ' class="total"' if total_row and k == len(rows) - 1 else ""
        cells = "".join(f"<td{c}>{cell_html(v)}</td>" for c, v in zip(cls, row, strict=True))
        lines.append(f"<tr{total}>{cells}</tr>")
    cap = f"<caption>{_e(caption)}</caption>" if caption else ""
    return Html(
        f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"
    )


def figure_html(fig, alt: str, caption: str = "") -> Html:
    """A matplotlib figure as an embedded PNG (``<img src="data:image/png;base64,…">``)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    width, height = (round(v) for v in fig.get_size_inches() * DPI)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    cap = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
    return Html(
        f'<figure><img src="data:image/png;base64,{data}" alt="{_e(alt)}" '
        f'width="{width}" height="{height}">{cap}</figure>'
    )


def chart_html(chart, caption: str = "", heading: str = "") -> Html:
    """A :class:`~ccsim.output.chart.Chart` as inline SVG (the same picture as its PNG file).

    The chart's own title is left out when it only repeats the ``heading`` above it."""
    from dataclasses import replace

    from ccsim.output.chart_svg import chart_svg

    if heading and chart.title == heading:
        chart = replace(chart, title="", alt=chart.alt or chart.title)
    cap = f"<figcaption>{_e(caption)}</figcaption>" if caption else ""
    return Html(f"<figure>{chart_svg(chart)}{cap}</figure>")


def paragraph(text: str, note: bool = False) -> Html:
    """A paragraph of plain text (escaped); ``note`` sets it smaller and grey."""
    return Html(f"<p{' class=note' if note else ''}>{_e(text)}</p>")


def bullets(items: Iterable[str]) -> Html:
    """A bullet list of plain-text (escaped) or :class:`Html` items."""
    return Html("<ul>" + "".join(f"<li>{cell_html(i)}</li>" for i in items) + "</ul>")


def heading(text: str) -> Html:
    """A sub-heading inside a section."""
    return Html(f"<h3>{_e(text)}</h3>")


def cell_html(value: object) -> str:
    """One value as safe markup (see :func:`table_html`)."""
    if isinstance(value, Html):
        return value
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return number(value)
    return _e(str(value))


def estimate_html(entry: dict | None, fmt: Callable[[float | None], str]) -> Html:
    """A measure's mean with its confidence interval in small print: ``86.1 % (85.0–87.2)``."""
    entry = entry or {}
    text = Html(_e(fmt(entry.get("mean"))))
    low, high = entry.get("low"), entry.get("high")
    if low is None or high is None:
        return text
    low, high = fmt(low), fmt(high)
    unit = high.rpartition(" ")[2]
    if " " in low and low.endswith(f" {unit}"):  # "(73.5–78.0 %)", not "(73.5 %–78.0 %)"
        low = low[: -len(unit) - 1]
    return Html(f'{text} <span class="ci">({_e(low)}–{_e(high)})</span>')


def target_verdict(entry: dict | None, target: float | None) -> Html:
    """✓ / ✗ for a service level against its target, noting a CI that straddles it."""
    entry = entry or {}
    mean, low, high = entry.get("mean"), entry.get("low"), entry.get("high")
    if mean is None or target is None:
        return Html("–")
    met = mean >= target
    mark = '<span class="ok">✓ met</span>' if met else '<span class="bad">✗ missed</span>'
    if low is None or high is None:
        return Html(f'{mark} <span class="note">(one replication: no CI)</span>')
    if low < target <= high:
        return Html(f'{mark} <span class="unsure">(CI straddles the target: not certain)</span>')
    return Html(mark)


def mean_of(measures: dict | None, key: str) -> float | None:
    """The mean of measure ``key`` in a ``summary.json`` group (``None``: missing or NaN)."""
    value = ((measures or {}).get(key) or {}).get("mean")
    return value if finite(value) else None


def write_html(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (see :mod:`ccsim.atomic`)."""
    return write_text(path, text)


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
 color:#1b1b1b;max-width:1080px;margin:0 auto;padding:1.2rem 1.5rem;line-height:1.45}
h1{font-size:1.7rem;margin:.2rem 0}
h2{font-size:1.3rem;border-bottom:2px solid #d8dde3;padding-bottom:.2rem;margin-top:2rem}
h2.contents{font-size:1rem;border:0;margin:.8rem 0 .2rem}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
.subtitle{color:#444;margin:.2rem 0}
nav ol{columns:2;margin:.2rem 0;padding-left:1.4rem}
a{color:#1f5fa8}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.2rem 0}
th,td{padding:.28rem .55rem;border-bottom:1px solid #e2e5e9;text-align:right;vertical-align:top}
th{background:#f1f4f7;font-weight:600}
th.text,td.text{text-align:left}
tr.total td{font-weight:600;border-top:2px solid #b9c0c8}
.ci{color:#5f6670;font-size:.85em;white-space:nowrap}
.ok{color:#17692b;font-weight:600}
.bad{color:#b3261e;font-weight:600}
.unsure{color:#8a5a00}
.note{color:#555;font-size:.88rem}
figure{margin:1rem 0}
img,svg.chart{max-width:100%;height:auto}
@media print{body{max-width:none;padding:0;font-size:10pt}nav{display:none}
 h2,h3{break-after:avoid}table,figure{break-inside:avoid}}
"""
CSS += Path(__file__).with_name("print.css").read_text(encoding="utf-8")
# The print stylesheet (A4; the run report as one page for a manager), kept in a file of its
# own: ccsim export --pdf prints with it.


def _anchors(sections: Sequence[Section]) -> list[str]:
    seen: set[str] = set()
    anchors = []
    for section in sections:
        base = section.anchor or re.sub(r"[^a-z0-9]+", "-", section.title.lower()).strip("-")
        base = base or "section"
        anchor, n = base, 1
        while anchor in seen:
            n += 1
            anchor = f"{base}-{n}"
        seen.add(anchor)
        anchors.append(anchor)
    return anchors


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)
