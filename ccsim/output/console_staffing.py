"""What ``ccsim staff`` prints: the staffing table, the hours, the roster and the verdict."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ccsim.output.console import print_warnings
from ccsim.output.format import as_written, clock
from ccsim.output.staffing_display import effort_line, hours_lines, table_columns_rows
from ccsim.studies.staffing.plan import StaffingPlan


def print_staffing(console: Console, plan: StaffingPlan, summary: dict) -> None:
    """The answer per interval, pool and contact type; the hours; the roster; the warnings;
    and, last, the verdict line naming every (contact type, interval) that misses."""
    runs = len(plan.confirmation.replications)
    table = Table(
        title="Staffing: agents per interval (required = on the phones; to schedule = grossed "
        f"up for shrinkage and absenteeism); measures achieved in a confirmation run "
        f"({runs} replications, random numbers the search and verification never used)",
        title_justify="left",
    )
    columns, rows = table_columns_rows(plan.table(), summary)
    for column in columns:
        left = column in ("interval", "pool", "contact type", "SL target", "verdict")
        table.add_column(column, justify="left" if left else "right")
    for row in rows:
        verdict = row[-1]
        colour = {"meets": "green", "misses": "bold red"}.get(verdict)
        table.add_row(*row[:-1], f"[{colour}]{verdict}[/]" if colour else verdict)
    console.print(table)
    if plan.rosters:
        print_roster(console, plan)
    for line in hours_lines(summary):
        console.print(escape(line))
    console.print(f"[dim]{escape(effort_line(summary))}[/]")
    print_warnings(console, [w for w in summary["warnings"] if w["rule"] != "target_missed"])
    colour = "green" if summary["meets_all"] else "bold red"
    console.print(f"[{colour}]{escape(summary['miss_line'])}[/]")


def print_roster(console: Console, plan: StaffingPlan) -> None:
    """The chosen headcounts per shift pattern and their paid hours."""
    table = Table(
        title="Roster: least-cost headcounts per shift pattern, verified like the answer",
        title_justify="left",
    )
    for column in ("pool", "shift", "start", "length", "headcount"):
        table.add_column(column, justify="right" if column == "headcount" else "left")
    for roster in plan.rosters:
        for shift in plan.scenario.pools[roster.pool].shifts or []:  # a rostered pool has shifts
            table.add_row(
                roster.pool,
                shift.name or "",
                clock(shift.start),
                as_written(shift.length),
                str(shift.headcount),
            )
    console.print(table)
