"""The optimiser's results folder and report.

A staffing folder is a results folder of the *confirmation run* — its ``scenario.yaml`` is the
scenario staffed with the answer, ready for ``ccsim run`` — plus::

    staffing.csv    one row per interval of the day and pool: Erlang-only agents, the
                    simulated requirement, agents to schedule (grossed up for shrinkage),
                    and the achieved measures (mean, CI) of the confirmation run
    staffing.json   targets, totals (agent hours, cost; the Erlang-only answer beside),
                    how the search went
    report.html     the staffing answer first, then the confirmation run's report
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd

from ccsim.experiment import ExperimentResult
from ccsim.html_report import (
    Html,
    Section,
    figure_html,
    fmt_num,
    fmt_pct,
    paragraph,
    render_page,
    table_html,
    write_html,
)
from ccsim.optimiser import StaffingPlan, Targets
from ccsim.report import staged_folder, write_run_files


def write_staffing(
    plan: StaffingPlan,
    targets: Targets,
    destination: Path,
    rosters: list | None = None,
    rostered: ExperimentResult | None = None,
) -> Path:
    """Write the staffing folder (atomically) and return it.

    With ``rosters`` (``ccsim staff --shifts``) the folder's run is ``rostered``, the
    confirmation run of the chosen roster, and ``roster.csv`` lists the headcounts.
    """
    destination = Path(destination)
    with staged_folder(destination) as staging:
        write_run_files(rostered if rostered is not None else plan.confirmation, staging)
        table = plan.table()
        summary = staffing_summary(plan, targets)
        if rosters:
            per_day = plan.scenario.horizon.intervals_per_day
            for roster in rosters:
                mine = table["pool"] == roster.pool
                table.loc[mine, "roster_cover"] = roster.cover[:per_day]
            roster_rows(rosters, rostered.scenario).to_csv(staging / "roster.csv", index=False)
            summary["roster"] = {
                r.pool: {
                    "headcounts": list(r.headcounts),
                    "paid_hours": r.paid_hours,
                    "cost": r.cost,
                }
                for r in rosters
            }
        table.to_csv(staging / "staffing.csv", index=False, float_format="%.6g")
        (staging / "staffing.json").write_text(
            json.dumps(summary, indent=1) + "\n", encoding="utf-8"
        )
        render_staffing_report(staging)
    return destination


def roster_rows(rosters: list, scenario) -> pd.DataFrame:
    """One row per shift pattern of each rostered pool: when, how long, how many."""
    from ccsim.units import format_clock, format_duration

    rows = []
    for roster in rosters:
        for shift in scenario.pools[roster.pool].shifts:
            rows.append(
                {
                    "pool": roster.pool,
                    "shift": shift.name or "",
                    "start": format_clock(shift.start),
                    "length": format_duration(shift.length),
                    "days": "every day" if shift.days is None else " ".join(map(str, shift.days)),
                    "headcount": shift.headcount,
                }
            )
    return pd.DataFrame(rows)


def staffing_summary(plan: StaffingPlan, targets: Targets) -> dict:
    """The machine-readable answer (``staffing.json``)."""
    from ccsim import __version__

    return {
        "ccsim_version": __version__,
        "scenario": plan.scenario.name,
        "targets": asdict(targets),
        "shrinkage": plan.shrinkage,
        "totals": plan.totals(),
        "required": {pool: [int(v) for v in values] for pool, values in plan.required.items()},
        "erlang": {pool: [int(v) for v in values] for pool, values in plan.erlang.items()},
        "scheduled": {
            pool: [int(v) for v in plan.scheduled(values)] for pool, values in plan.required.items()
        },
        "evaluations": plan.evaluations,
        "search": plan.history,
    }


def render_staffing_report(folder: Path) -> Path:
    """``report.html`` of a staffing folder: the answer, then the confirmation run."""
    from ccsim.report_sections import load_run, run_sections

    folder = Path(folder)
    summary = json.loads((folder / "staffing.json").read_text(encoding="utf-8"))
    table = pd.read_csv(folder / "staffing.csv")
    totals = summary["totals"]
    words = paragraph(
        f"Scheduled agent hours {fmt_num(totals['scheduled_agent_hours'])} "
        f"(cost {fmt_num(totals['scheduled_cost'])}) against "
        f"{fmt_num(totals['erlang_scheduled_agent_hours'])} for the per-interval Erlang answer "
        f"(cost {fmt_num(totals['erlang_scheduled_cost'])}); shrinkage "
        f"{fmt_pct(summary['shrinkage'])}. {summary['evaluations']} staffings simulated. "
        "Achieved measures: a confirmation run with fresh random numbers."
    )
    # The chosen roster's cover (--shifts), else the scenario's own roster, beside the need.
    roster_column = next((c for c in ("roster_cover", "rostered_agents") if c in table), None)
    rostered = roster_column is not None
    rows = []
    for row in table.itertuples(index=False):
        values = row._asdict()
        first = next(
            (k[: -len("_service_level")] for k in values if k.endswith("_service_level")), None
        )
        rows.append(
            [
                row.start,
                row.pool,
                row.erlang_agents,
                row.required_agents,
                row.scheduled_agents,
                *([values.get(roster_column)] if rostered else []),
                fmt_pct(values.get(f"{first}_service_level")) if first else "–",
                fmt_pct(row.occupancy),
            ]
        )
    body = Html(
        words
        + _chart(table)
        + table_html(
            rows,
            [
                "interval",
                "pool",
                "Erlang",
                "required",
                "to schedule",
                *(
                    [("chosen roster" if roster_column == "roster_cover" else "rostered")]
                    if rostered
                    else []
                ),
                "service level (first type)",
                "occupancy",
            ],
            align="ll" + "r" * (6 if rostered else 5),
        )
    )
    run = load_run(folder)
    sections = [Section("Staffing", body)]
    if (folder / "roster.csv").exists():
        roster = pd.read_csv(folder / "roster.csv").fillna("")
        sections.append(
            Section(
                "Roster",
                Html(
                    paragraph(
                        "Headcounts chosen per shift pattern to cover the requirement at least "
                        "cost (an integer program); the run below is this roster, simulated."
                    )
                    + table_html(
                        roster.itertuples(index=False), list(roster.columns), align="lllllr"
                    )
                ),
            )
        )
    sections += run_sections(run)
    title = f"Staffing for {summary['scenario']}"
    return write_html(
        folder / "report.html",
        render_page(title, sections, "the fewest agents that meet the targets"),
    )


def _chart(table) -> Html:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 3.8))
    ax = fig.add_subplot()
    for pool, rows in table.groupby("pool", sort=False):
        x = np.arange(len(rows))
        ax.step(x, rows["required_agents"], where="mid", label=f"{pool}: simulated requirement")
        ax.step(x, rows["erlang_agents"], where="mid", ls="--", label=f"{pool}: Erlang")
        step = max(1, len(rows) // 12)
        ax.set_xticks(
            x[::step], rows["start"].astype(str).to_numpy()[::step], rotation=45, ha="right"
        )
    ax.set_ylabel("agents on the phones")
    ax.set_title("Agents needed per interval: simulation against per-interval Erlang")
    ax.legend(fontsize="small")
    fig.subplots_adjust(bottom=0.22, left=0.07, right=0.98)
    return figure_html(fig, alt="agents needed per interval")
