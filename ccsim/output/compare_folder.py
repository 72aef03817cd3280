"""A comparison's results folder and its HTML report.

A comparison folder holds::

    comparison.json            what was compared (base, scenarios, seed, replications) and
                               every paired difference
    differences.csv            one row per (scenario, group, name, measure): its unit (share,
                               s, h), base and scenario means, the paired difference with its
                               CI, the independent half-width, significant or not (values
                               rounded by kind: no float noise)
    interval_differences.csv   the same per interval for the main measures
    scenarios/<label>/         each scenario's own results folder (as ``ccsim run`` writes)
    report.html                one page: the differences first, then each scenario's headline

Written like every results folder: into a hidden staging folder, renamed when complete.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol, cast

import numpy as np
import pandas as pd

from ccsim.measures.catalogue import HEADLINE, Kind, lookup
from ccsim.output.format import (
    CSV_DECIMALS,
    duration_unit,
    kind_of,
    measure_difference,
    measure_value,
)
from ccsim.output.html.page import (
    Html,
    ReportError,
    Section,
    bullets,
    figure_html,
    paragraph,
    render_page,
    table_html,
    write_html,
)
from ccsim.output.mixed_channels import MIXED_WAIT_MEASURES, mixed_channels_note
from ccsim.output.run_folder import safe_name, staged_folder, write_run_files
from ccsim.studies.compare import Comparison


def write_comparison(comparison: Comparison, destination: Path) -> Path:
    """Write the comparison folder (atomically) and return it."""
    destination = Path(destination)
    names = folder_names(comparison.labels)
    with staged_folder(destination) as staging:
        for name, result in zip(names, comparison.results, strict=True):
            folder = staging / "scenarios" / name
            folder.mkdir(parents=True)
            write_run_files(result, folder)
        planner_table(comparison.differences()).to_csv(staging / "differences.csv", index=False)
        planner_table(comparison.interval_differences()).to_csv(
            staging / "interval_differences.csv", index=False
        )
        summary = comparison.summary()
        summary["folders"] = {
            label: f"scenarios/{name}" for label, name in zip(comparison.labels, names, strict=True)
        }
        (staging / "comparison.json").write_text(
            json.dumps(summary, indent=1) + "\n", encoding="utf-8"
        )
        render_comparison_report(staging)
    return destination


UNITS = {Kind.FRACTION: "share", Kind.SECONDS: "s", Kind.HOURS: "h"}
"""The ``unit`` column of the differences files: shares are 0–1 (a difference of 0.012 is
1.2 percentage points), times in seconds, agent time in hours; counts and money have none."""

_VALUE_COLUMNS = ("base", "value", "difference", "low", "high", "half_width")


def planner_table(differences: pd.DataFrame) -> pd.DataFrame:
    """A table of differences as its CSV file shows it: a ``unit`` column after ``measure``
    (each row is a measure of its own kind) and every value rounded by that kind, without
    float noise (:data:`ccsim.output.format.CSV_DECIMALS`)."""
    if differences.empty:
        return differences
    out = differences.copy()
    kinds = out["measure"].map(lambda m: kind_of(str(m)))
    after = list(out.columns).index("measure") + 1
    out.insert(after, "unit", kinds.map(lambda k: UNITS.get(k, "")))
    decimals = kinds.map(lambda k: CSV_DECIMALS.get(k, 6) if k is not None else 6)
    for column in (*_VALUE_COLUMNS, "independent_half_width"):
        if column in out:
            values = out[column].astype(float)
            out[column] = [round(v, d) + 0.0 for v, d in zip(values, decimals, strict=True)]
    return out


def render_comparison_report(folder: Path) -> Path:
    """Write ``folder/report.html`` for a comparison folder.

    Raises:
        ReportError: the folder is not a readable comparison folder.
    """
    from ccsim.output.html.folder import load_run
    from ccsim.output.html.sections import headline_html

    folder = Path(folder)
    try:
        summary = json.loads((folder / "comparison.json").read_text(encoding="utf-8"))
        differences = pd.read_csv(folder / "differences.csv")
        intervals = pd.read_csv(folder / "interval_differences.csv")
    except (OSError, ValueError) as exc:
        raise ReportError(f"{folder}: not a readable ccsim comparison folder ({exc})") from None
    base = summary["base"]
    others = [s for s in summary["scenarios"] if s != base]
    sections = [Section("What was compared", _compared_html(summary))]
    if summary.get("warnings"):
        sections.append(
            Section(
                "Warnings",
                bullets([f"{w['scenario']}: {w['message']}" for w in summary["warnings"]]),
            )
        )
    sections.append(Section("Differences", differences_html(differences)))
    charts = _interval_charts(intervals)
    if charts:
        sections.append(Section("Differences over the day", charts))
    for label in summary["scenarios"]:
        run = load_run(folder / summary["folders"][label])
        sections.append(Section(f"Scenario: {label}", headline_html(run)))
    title = f"Comparison: {', '.join(others)} against {base}"
    subtitle = (
        f"{summary['replications']} replications each on common random numbers (seed "
        f"{summary['seed']}); paired {summary['confidence']:.0%} confidence intervals"
    )
    return write_html(folder / "report.html", render_page(title, sections, subtitle))


class DifferenceRow(Protocol):
    """A row of ``Comparison.differences()`` (see :func:`difference_rows`)."""

    scenario: str
    group: str
    name: str
    measure: str
    base: float
    value: float
    difference: float
    low: float
    high: float
    half_width: float
    independent_half_width: float
    significant: bool


def difference_rows(differences: pd.DataFrame) -> Iterable[DifferenceRow]:
    """The rows of a table of differences, one named tuple each (the stubs cannot know a
    frame's columns, hence the cast)."""
    return cast("Iterable[DifferenceRow]", differences.itertuples(index=False))


def headline_rows(differences: pd.DataFrame) -> pd.DataFrame:
    """The rows of the headline measures (the catalogue's), overall then per contact type and
    pool."""
    rows = differences[
        differences["measure"].isin(HEADLINE)
        & differences["group"].isin(["overall", "type", "pool"])
    ]
    # With one contact type (or one pool) its rows repeat the overall ones: leave them out.
    for group in ("type", "pool"):
        if differences.loc[differences["group"] == group, "name"].nunique() == 1:
            rows = rows[rows["group"] != group]
    # Calls and emails: no "all" ASA or service level (ccsim.output.mixed_channels); one row
    # per channel instead.
    if mixed_channels_in(differences):
        mixed = rows["group"].eq("overall") & rows["measure"].isin(MIXED_WAIT_MEASURES)
        per_channel = differences[
            differences["group"].eq("channel")
            & differences["measure"].isin(HEADLINE)
            & differences["measure"].isin(MIXED_WAIT_MEASURES)
        ]
        rows = pd.concat([rows[~mixed], per_channel])
    order = {"overall": 0, "channel": 1, "type": 2, "pool": 3}
    return rows.sort_values(
        ["scenario", "group", "name"],
        key=lambda c: c.map(order) if c.name == "group" else c,
        kind="stable",
    ).dropna(subset=["base", "value"], how="all")


def mixed_channels_in(differences: pd.DataFrame) -> list[str]:
    """The channels of a comparison when there are several (their waits are not totalled:
    :mod:`ccsim.output.mixed_channels`), else an empty list."""
    if differences.empty:
        return []
    names = differences.loc[differences["group"] == "channel", "name"].unique().tolist()
    return [str(n) for n in names] if len(names) > 1 else []


def row_unit(row: DifferenceRow) -> str:
    """The one unit a row's times are shown in (base, value, difference and CI alike): the
    one the larger of base and value reads best in."""
    if kind_of(row.measure) is not Kind.SECONDS:
        return ""
    sizes = [abs(v) for v in (row.base, row.value) if v == v]
    return duration_unit(max(sizes)) if sizes else "s"


def differences_html(differences: pd.DataFrame) -> Html:
    rows = []
    for row in difference_rows(headline_rows(differences)):
        m = row.measure
        unit = row_unit(row)
        ci = (
            f"{measure_difference(m, row.low, unit)} to {measure_difference(m, row.high, unit)}"
            if math.isfinite(row.low)
            else "–"
        )
        rows.append(
            [
                row.scenario,
                "all" if row.group == "overall" else f"{row.group} {row.name}",
                m,
                measure_value(m, row.base, unit),
                measure_value(m, row.value, unit),
                measure_difference(m, row.difference, unit),
                ci,
                Html('<span class="ok">yes</span>') if row.significant else "no",
                _ratio_text(row.half_width, row.independent_half_width),
            ]
        )
    if not rows:
        return paragraph("No measures to compare.")
    table = table_html(
        rows,
        [
            "scenario",
            "for",
            "measure",
            "base",
            "scenario value",
            "difference",
            "paired CI",
            "significant",
            "CI width vs independent runs",
        ],
        align="lllrrrrrr",
    )
    channels = mixed_channels_in(differences)
    note_text = mixed_channels_note(channels) if channels else ""
    mixed = f" {note_text[:1].upper()}{note_text[1:]}." if channels else ""
    note = paragraph(
        "Difference = scenario − base, replication by replication on the same random numbers. "
        "Significant: the paired confidence interval leaves out zero. The last column is the "
        "paired interval's width as a share of what two independent runs would give." + mixed,
        note=True,
    )
    return Html(table + note)


def folder_name(label: str) -> str:
    """The folder of a compared scenario, made from its label (user data: kept inside)."""
    return safe_name(label, keep=".")


def folder_names(labels: Sequence[str]) -> list[str]:
    """One distinct folder per compared scenario (two files may carry the same name)."""
    names: list[str] = []
    for label in labels:
        name, n = folder_name(label), 1
        while name in names:
            n += 1
            name = f"{folder_name(label)}-{n}"
        names.append(name)
    return names


def _compared_html(summary: dict) -> Html:
    items = [f"<li><b>{_e(summary['base'])}</b> (base)</li>"]
    items += [f"<li>{_e(s)}</li>" for s in summary["scenarios"] if s != summary["base"]]
    return Html(
        "<ul>"
        + "".join(items)
        + "</ul>"
        + paragraph(
            "Every scenario ran with the same seed and replications, so they met the same "
            "callers (common random numbers): differences are measured far more precisely "
            "than the measures themselves."
        )
    )


def _interval_charts(intervals: pd.DataFrame) -> Html | None:
    from matplotlib.figure import Figure

    if intervals.empty:
        return None
    parts = []
    for measure in ("service_level", "asa"):
        entry = lookup(measure)
        fraction = entry.kind is Kind.FRACTION
        label = f"{entry.label} ({'pts' if fraction else entry.unit})"
        rows = intervals[(intervals["measure"] == measure) & (intervals["kind"] == "type")]
        if rows.empty:
            continue
        fig = Figure(figsize=(10, 3.8))
        ax = fig.add_subplot()
        scale = 100.0 if fraction else 1.0
        for (scenario, name), group in rows.groupby(["scenario", "name"], sort=False):
            x = np.arange(len(group))
            ax.plot(x, group["difference"] * scale, marker="o", ms=3, label=f"{scenario}: {name}")
            ax.fill_between(x, group["low"] * scale, group["high"] * scale, alpha=0.2)
            ticks = group["start"].astype(str).to_numpy()
            step = max(1, len(ticks) // 12)
            ax.set_xticks(x[::step], ticks[::step], rotation=45, ha="right")
        ax.axhline(0, color="grey", lw=1)
        ax.set_ylabel(f"difference in {label}")
        ax.set_title(f"Difference in {label} by interval (band: paired confidence interval)")
        ax.legend(loc="best", fontsize="small")
        fig.subplots_adjust(bottom=0.22, left=0.08, right=0.98)
        parts.append(figure_html(fig, alt=f"difference in {label} by interval"))
    return Html("".join(parts)) if parts else None


def _ratio_text(paired: float, independent: float) -> str:
    if not (math.isfinite(paired) and math.isfinite(independent)) or independent == 0:
        return "–"
    return f"{paired / independent:.0%}"


def _e(text: str) -> str:
    import html

    return html.escape(str(text))
