"""The optimiser's results folder and report.

A staffing folder is a results folder of the *confirmation run* — its ``scenario.yaml`` is the
written scenario (the pools scheduling the answer, or with ``--shifts`` the chosen roster,
shrinkage and absenteeism kept), ready for ``ccsim run`` — plus::

    staffing.csv    one row per interval of the day, pool and contact type the pool answers
                    for: Erlang figure, required (on the phones), to schedule, the roster,
                    the achieved measures (mean, CI; with a confidence the share of days
                    on each targeted bound) and the verdict, meets or misses
    staffing.json   targets, the assurance asked, seeds, hours (required, to schedule,
                    roster), every verdict, the misses, warnings, how the search went
    roster.csv      with --shifts: the chosen headcount of each shift pattern
    report.html     the staffing answer first, then the confirmation run's report
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from ccsim.experiment.cautions import Caution, run_cautions
from ccsim.jsonable import json_value
from ccsim.output.chart import Axis, Chart, Panel, Series
from ccsim.output.format import as_written, clock
from ccsim.output.html.charts import colours
from ccsim.output.html.page import (
    Html,
    Section,
    bullets,
    chart_html,
    paragraph,
    render_page,
    table_html,
    write_html,
)
from ccsim.output.run_folder import staged_folder, write_run_files
from ccsim.output.staffing_display import effort_line, hours_lines, subtitle, table_columns_rows
from ccsim.studies.staffing.plan import StaffingPlan


def write_staffing(plan: StaffingPlan, destination: Path) -> Path:
    """Write the staffing folder (atomically) and return it."""
    destination = Path(destination)
    with staged_folder(destination) as staging:
        write_run_files(plan.confirmation, staging)
        plan.table().to_csv(staging / "staffing.csv", index=False, float_format="%.6g")
        if plan.rosters:
            roster_rows(plan).to_csv(staging / "roster.csv", index=False)
        (staging / "staffing.json").write_text(
            json.dumps(staffing_summary(plan), indent=1) + "\n", encoding="utf-8"
        )
        render_staffing_report(staging)
    return destination


def roster_rows(plan: StaffingPlan) -> pd.DataFrame:
    """One row per shift pattern of each rostered pool: when, how long, how many."""
    rows = []
    for roster in plan.rosters:
        for shift in plan.scenario.pools[roster.pool].shifts or []:  # a rostered pool has shifts
            rows.append(
                {
                    "pool": roster.pool,
                    "shift": shift.name or "",
                    "start": clock(shift.start),
                    "length": as_written(shift.length),
                    "days": "every day" if shift.days is None else " ".join(map(str, shift.days)),
                    "headcount": shift.headcount,
                }
            )
    return pd.DataFrame(rows)


def staffing_cautions(plan: StaffingPlan) -> list[Caution]:
    """The answer's warnings: the targeted intervals that miss in the confirmation run, then
    the confirmation's other cautions (:mod:`ccsim.experiment.cautions`)."""
    result = []
    if plan.misses():
        result.append(Caution("target_missed", plan.miss_line()))
    run = plan.confirmation
    others = run_cautions(run.scenario, run.intervals(), run.summary())
    return result + [c for c in others if c.rule != "target_missed"]


def staffing_summary(plan: StaffingPlan) -> dict:
    """The machine-readable answer (``staffing.json``)."""
    from ccsim import __version__

    horizon = plan.scenario.horizon
    pools = list(plan.scenario.pools)
    effort = {k: (asdict(v) if hasattr(v, "staffings") else v) for k, v in plan.effort.items()}
    summary = {
        "ccsim_version": __version__,
        "scenario": plan.scenario.name,
        "targets": asdict(plan.targets),
        "assurance": asdict(plan.assurance),
        "service_level_targets": {
            c.name: {
                "target": plan.scenario.contact_types[c.name].service_level.target,
                "threshold": plan.scenario.contact_types[c.name].service_level.threshold,
            }
            for c in plan.checks
            if c.kind == "type"
        },
        "shrinkage": plan.absence.shrinkage,
        "absenteeism": plan.absence.absenteeism,
        "seeds": plan.seeds,
        "totals": plan.totals(),
        "required": {pool: [int(v) for v in values] for pool, values in plan.required.items()},
        "scheduled": {pool: [int(v) for v in values] for pool, values in plan.scheduled.items()},
        "erlang": {pool: [int(v) for v in values] for pool, values in plan.erlang.items()},
        "floor": [
            {
                "pools": [pools[p] for p in members],
                "agents": [int(v) for v in plan.floor.agents[g]],
                "waived_at": [
                    clock(horizon.open + i * horizon.interval)
                    for i in np.nonzero(plan.floor.waived[g])[0]
                ],
            }
            for g, members in enumerate(plan.floor.groups)
        ],
        "meets_all": not plan.misses(),
        "miss_line": plan.miss_line(),
        "misses": [plan.describe(row) for row in plan.misses()],
        "verdicts": [_verdict_row(plan, row) for row in plan.verdicts],
        "search_replications": plan.search_replications,
        "effort": effort,
        "evaluations": plan.evaluations,
        "replications": plan.replications,
        "search": plan.history,
        "warnings": [c.as_dict() for c in staffing_cautions(plan)],
    }
    if plan.rosters:
        summary["roster"] = {
            r.pool: {"headcounts": list(r.headcounts), "paid_hours": r.paid_hours, "cost": r.cost}
            for r in plan.rosters
        }
    return json_value(summary)


def _verdict_row(plan: StaffingPlan, row: dict) -> dict:
    check = row["check"]
    horizon = plan.scenario.horizon
    return {
        ("contact_type" if check.kind == "type" else "pool"): check.name,
        "measure": check.measure if plan.targets.confidence is None else f"days_{check.measure}",
        "day": row["day"],
        "interval": row["interval"],
        "start": clock(horizon.open + row["interval"] * horizon.interval),
        "value": row["value"],
        "low": row["low"],
        "high": row["high"],
        "bound": check.bound if plan.targets.confidence is None else plan.targets.confidence,
        "at_most": check.at_most and plan.targets.confidence is None,
        "meets": row["meets"],
    }


def render_staffing_report(folder: Path) -> Path:
    """``report.html`` of a staffing folder: the answer, then the confirmation run."""
    from ccsim.output.html.folder import load_run
    from ccsim.output.html.sections import run_sections

    folder = Path(folder)
    summary = json.loads((folder / "staffing.json").read_text(encoding="utf-8"))
    table = pd.read_csv(folder / "staffing.csv", keep_default_na=False, na_values=[""])
    columns, rows = table_columns_rows(table, summary)
    verdict_cells = [
        Html('<span class="bad">✗ misses</span>')
        if row[-1] == "misses"
        else Html('<span class="ok">✓ meets</span>')
        if row[-1] == "meets"
        else row[-1]
        for row in rows
    ]
    rows = [row[:-1] + [cell] for row, cell in zip(rows, verdict_cells, strict=True)]
    verdict = summary["miss_line"]
    words = Html(
        f'<p><span class="{"ok" if summary["meets_all"] else "bad"}">'
        f"{_escape(verdict)}</span></p>"
        + bullets(hours_lines(summary))
        + paragraph(effort_line(summary), note=True)
    )
    body = Html(
        words
        + _chart(table)
        + table_html(rows, columns, align="ll" + "r" * (len(columns) - 2))
        + paragraph(
            "required = agents on the phones; to schedule = required grossed up for "
            "shrinkage and absenteeism (what the written scenario schedules); the measures "
            "are the confirmation run's, on random numbers neither the search nor the "
            "verification used; a verdict is the confirmation read as a planner reads a "
            "re-run: the mean on the right side of every target"
            + (
                " (with a confidence: the share of days, within its sampling error)."
                if summary["targets"].get("confidence") is not None
                else "."
            ),
            note=True,
        )
    )
    run = load_run(folder)
    sections = [Section("Staffing", body)]
    if summary.get("warnings"):
        sections.append(Section("Warnings", bullets([w["message"] for w in summary["warnings"]])))
    if (folder / "roster.csv").exists():
        roster = pd.read_csv(folder / "roster.csv").fillna("")
        sections.append(
            Section(
                "Roster",
                Html(
                    paragraph(
                        "Headcounts chosen per shift pattern to cover the agents to schedule "
                        "at least cost (an integer program), verified on the independent "
                        "random numbers like the per-interval answer; the run below is this "
                        "roster, simulated."
                    )
                    + table_html(
                        roster.itertuples(index=False), list(roster.columns), align="lllllr"
                    )
                ),
            )
        )
    sections += [s for s in run_sections(run) if s.title != "Warnings"]
    return write_html(
        folder / "report.html",
        render_page(f"Staffing for {summary['scenario']}", sections, subtitle(summary)),
    )


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def _chart(table: pd.DataFrame) -> Html:
    """Agents per interval of each pool: required by the simulation, by Erlang, to schedule
    (drawn as inline SVG, like the run report's charts)."""
    return chart_html(agents_chart(table))


def agents_chart(table: pd.DataFrame) -> Chart:
    """The staffing answer per interval as a :class:`~ccsim.output.chart.Chart`: per pool, the
    agents the simulation requires (solid), the per-interval Erlang figure (dashed) and, when
    they differ, the agents to schedule (dotted), each held over its interval."""
    agents = table.drop_duplicates(["pool", "interval"])
    palette = colours(agents["pool"].unique(), pools=True)
    series: list[Series] = []
    labels: tuple[str, ...] = ()
    for pool, rows in agents.groupby("pool", sort=False):
        n = len(rows)
        labels = labels or tuple(rows["start"].astype(str))
        x = tuple(k - 0.5 for k in range(n + 1))

        colour = palette[str(pool)]
        series.append(
            Series(
                f"{pool}: required (simulation)", x, _held(rows, "required_agents"), colour, "step"
            )
        )
        series.append(
            Series(f"{pool}: Erlang", x, _held(rows, "erlang_agents"), colour, "step", "dashed")
        )
        if (rows["scheduled_agents"] != rows["required_agents"]).any():
            series.append(
                Series(
                    f"{pool}: to schedule",
                    x,
                    _held(rows, "scheduled_agents"),
                    colour,
                    "step",
                    "dotted",
                )
            )
    panel = Panel(
        "", tuple(series), Axis("interval start", "category", labels=labels), Axis("agents")
    )
    return Chart(
        "Agents per interval: simulation against per-interval Erlang",
        (panel,),
        plot_height=220,
        alt="agents needed per interval",
    )


def _held(rows: pd.DataFrame, column: str) -> tuple[float, ...]:
    """A column's values with the last repeated: each value held to the end of its interval."""
    values = rows[column].to_numpy(dtype=float).tolist()
    return tuple(values + values[-1:])
