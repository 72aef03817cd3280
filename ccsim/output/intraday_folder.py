"""The results folder of an intraday projection (``ccsim intraday``).

The folder (``intraday-<scenario>-<time>/``) holds:

* ``intervals.csv`` — per plan, interval left, group and measure: median, p10, p90;
* ``differences.csv`` — per plan, group and measure over the rest of the day: median, p10,
  p90, and for a what-if the paired difference from the plan (mean, 95 % CI, median, 80 %
  band);
* ``intraday.json`` — everything above, with the state's time, the re-forecast and the
  measured answer time;
* ``fan.png`` — the fan charts (median and 80 % band of the plan; each what-if's median);
* ``report.html`` — one page with the re-forecast, the rest-of-day table and the fan chart.

The fan chart is a :class:`~ccsim.output.chart.Chart` like every other report's, drawn as
inline SVG in the page and as the PNG with Pillow (no matplotlib: the projection is used
live, and matplotlib's import alone took a second on a busy machine). Every file is written
into a hidden staging folder first, renamed into place only once all are written.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
import tempfile
from pathlib import Path

from ccsim.atomic import partial_prefix
from ccsim.intraday.projection import PLAN, Projection
from ccsim.output.chart import Axis, Chart, Panel, Series
from ccsim.output.chart_png import write_chart_png
from ccsim.output.html.page import (
    Html,
    Section,
    bullets,
    chart_html,
    paragraph,
    render_page,
    table_html,
)
from ccsim.output.intraday_tables import (
    LABELS,
    SHARES,
    clock,
    difference_rows,
    headline_groups,
    interval_labels,
    interval_rows,
    signed_text,
    summary,
    value_text,
)

PLAN_COLOUR = "#1f77b4"
WHAT_IF_COLOURS = ("#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")
"""The plan in the run report's first colour; the what-ifs in the next ones."""


def fan_chart(p: Projection) -> Chart:
    """Per interval left, one panel per headline measure (the first contact type's service
    level, ASA and abandonment; each pool's occupancy): the plan's median with its 80 % band
    and each what-if's median."""
    labels = tuple(interval_labels(p))
    x = tuple(float(k) for k in range(len(labels)))
    panels = []
    for measure, group in headline_groups(p, first_type_only=True):
        median, low, high = p.fan(PLAN, measure, group)
        series = [
            Series(
                "plan: median, 80 % band",
                x,
                tuple(float(v) for v in median),
                PLAN_COLOUR,
                low=tuple(float(v) for v in low),
                high=tuple(float(v) for v in high),
            )
        ]
        for k, plan in enumerate(p.plans[1:]):
            colour = WHAT_IF_COLOURS[k % len(WHAT_IF_COLOURS)]
            values = tuple(float(v) for v in p.fan(plan, measure, group)[0])
            series.append(Series(plan, x, values, colour, dash="dashed"))
        if measure in SHARES:  # abandonment reads better on its own scale (still ≤ 100 %)
            y = Axis(LABELS[measure], "percent", high=None if measure == "abandon_rate" else 1.0)
        else:
            y = Axis("ASA", "duration", unit="s")
        panels.append(
            Panel(
                f"{LABELS[measure].removesuffix(' (s)')} — {group}",
                tuple(series),
                Axis("interval start (* partial)", "category", labels=labels),
                y,
            )
        )
    return Chart(
        f"The rest of the day from {clock(p.time)}: median and 80 % band across replications",
        tuple(panels),
        columns=2,
        plot_height=200,
        alt="fan charts of service level, ASA, abandonment and occupancy per interval",
    )


def html_page(p: Projection, scenario_name: str, chart: Chart) -> str:
    """One self-contained page: the re-forecast, the rest-of-day table, the fan chart."""
    forecasts = [
        f"{n}: {r.actual:.0f} seen against {r.forecast:.0f} forecast → rest of the day "
        f"× {r.factor:.3f} (80 %: {r.band()[0]:.3f}–{r.band()[1]:.3f})"
        for n, r in p.reforecasts.items()
    ]
    rows = []
    for record in difference_rows(p):
        measure = str(record["measure"])
        cells: list[object] = [record["plan"], record["group"], LABELS[measure]]
        cells += [value_text(measure, record[k]) for k in ("median", "p10", "p90")]
        if record["plan"] != PLAN:
            cells.append(
                f"{signed_text(measure, record['difference_mean'])} "
                f"({signed_text(measure, record['difference_low'])} … "
                f"{signed_text(measure, record['difference_high'])})"
            )
        else:
            cells.append("")
        rows.append(cells)
    columns = ["plan", "group", "measure", "median", "p10", "p90"]
    columns.append("what-if − plan: mean (95 % CI)")
    sections = [
        Section(
            "Re-forecast",
            bullets(forecasts or ["none (no volume so far in the state)"]),
        ),
        Section(
            "Rest of the day",
            Html(table_html(rows, columns, align="lll") + paragraph(_table_note(p), note=True)),
        ),
        Section(
            "Per interval",
            chart_html(
                chart,
                caption="The plan's median (line) and 80 % band (shaded); each what-if's "
                "median (dashed). * the interval the state's time falls in, from that time.",
            ),
        ),
    ]
    title = f"Intraday projection: {scenario_name} from {clock(p.time)}"
    subtitle = (
        f"{p.replications} replications (seed {p.seed}) on common random numbers; "
        f"answered in {p.seconds:.1f} s. Full tables: intervals.csv, differences.csv, "
        "intraday.json; the chart as fan.png."
    )
    return render_page(title, sections, subtitle)


def _table_note(p: Projection) -> str:
    return (
        "Median and 80 % band (10th–90th percentile) across replications over the rest of "
        "the day; a what-if's difference is paired with the plan replication by replication."
        if len(p.plans) > 1
        else "Median and 80 % band (10th–90th percentile) across replications over the rest "
        "of the day."
    )


def write_csv(path: Path, rows: list[dict]) -> None:
    """Rows as a CSV file: a column per key (in order of first appearance), NaN as empty."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, restval="", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: "" if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}
            )


def write_folder(p: Projection, scenario_name: str, destination: Path) -> Path:
    """Write the results folder at ``destination`` (which must not exist or be empty).

    Raises:
        FileExistsError: ``destination`` holds files.
        OSError: the folder cannot be written (nothing is left half-written).
    """
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise FileExistsError(f"--out {destination}: the folder exists and is not empty")
    destination.parent.mkdir(parents=True, exist_ok=True)
    prefix = partial_prefix(destination.name)
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=destination.parent))
    try:
        intervals, rest_of_day = interval_rows(p), difference_rows(p)
        write_csv(staging / "intervals.csv", intervals)
        write_csv(staging / "differences.csv", rest_of_day)
        text = json.dumps(
            summary(p, scenario_name, intervals, rest_of_day), indent=2, allow_nan=False
        )
        (staging / "intraday.json").write_text(text + "\n", encoding="utf-8")
        chart = fan_chart(p)
        write_chart_png(chart, staging / "fan.png")
        (staging / "report.html").write_text(html_page(p, scenario_name, chart), encoding="utf-8")
        if destination.exists():
            destination.rmdir()
        staging.rename(destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return destination
