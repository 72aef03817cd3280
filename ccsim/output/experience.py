"""Customer experience in the output: console tables, the report's section, the cost curve.

* :func:`print_experience` — ``ccsim run``'s table of bad experiences, effort and churn per
  contact type, channel and overall (only for scenarios with an ``experience`` block);
* :func:`experience_html` — the same in the HTML report, and the cost curve when the folder
  holds a total-cost search (``total_cost.csv``);
* :func:`cost_curve_figure` — agent cost, churn cost and their total as staffing changes;
* :func:`print_total_cost` — ``ccsim staff --objective total-cost``: the start beside the
  answer (its folder: :mod:`ccsim.output.total_cost_folder`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from rich.console import Console
from rich.table import Table

from ccsim.measures.catalogue import lookup
from ccsim.output.html.page import Html, figure_html, paragraph, table_html

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ccsim.output.html.folder import RunFolder
    from ccsim.studies.staffing.total_cost import TotalCostPlan

COLUMNS = (
    "bad_contact_share",
    "bad_issue_share",
    "effort_score",
    "customers_lost",
    "revenue_at_risk",
    "replacement_cost",
)
"""The table's measures, per contact type, channel and overall."""

CUSTOMERS = ("customers_contacting", "bad_customer_share", "bad_experiences_per_customer")
"""Customer-base measures, overall only."""

PROACTIVE = ("issues_prevented", "bad_experiences_avoided", "customers_kept")
"""With experience.proactive: what a notice before customers call saved, overall."""

CURVE_FILE = "total_cost.csv"


def _value(entry: dict | None, name: str, ci: bool = False) -> str:
    """A summary entry as people read it, with its half-width when asked."""
    if not entry:
        return "–"
    measure = lookup(name)
    text = measure.format(entry.get("mean"))
    half = entry.get("half_width")
    if ci and half is not None and half == half:
        text += f" ± {measure.format(half).rstrip(' %s')}"
    return text


def _groups(summary: dict) -> dict[str, dict]:
    groups = {f"{name}": m for name, m in summary.get("by_type", {}).items()}
    channels = summary.get("by_channel", {})
    if 1 < len(channels) < len(summary.get("by_type", {})):  # a channel of several types
        groups.update({f"{name} (channel)": m for name, m in channels.items()})
    groups["all"] = summary["overall"]
    return groups


def has_experience(summary: dict) -> bool:
    """Whether a run measured customer experience (its scenario had the block)."""
    return "customers_lost" in (summary.get("overall") or {})


def print_experience(console: Console, summary: dict) -> None:
    """Bad experiences, effort and expected churn per contact type, channel and overall."""
    if not has_experience(summary):
        return
    table = Table(
        title="Customer experience (issues under the type they started in; ± = half-width)",
        title_justify="left",
    )
    table.add_column("group", no_wrap=True)
    for name in COLUMNS:
        table.add_column(lookup(name).label, justify="right", no_wrap=True)
    for group, m in _groups(summary).items():
        table.add_row(group, *(_value(m.get(n), n, ci=n == "customers_lost") for n in COLUMNS))
    console.print(table)
    overall = summary["overall"]
    words = ", ".join(f"{lookup(n).label} {_value(overall.get(n), n)}" for n in CUSTOMERS)
    console.print(
        f"[dim]{words}; agent cost {_value(overall.get('cost'), 'cost')} + churn cost "
        f"{_value(overall.get('churn_cost'), 'churn_cost')} = total cost "
        f"{_value(overall.get('total_cost'), 'total_cost')}[/]"
    )
    if "issues_prevented" in overall:  # experience.proactive: what the notice saved
        saved = ", ".join(f"{lookup(n).label} {_value(overall.get(n), n)}" for n in PROACTIVE)
        console.print(f"[dim]Proactive notice: {saved} (at this run's service)[/]")


def experience_html(run: RunFolder) -> str:
    """The report's customer-experience section (empty without the block)."""
    summary = run.summary
    if not has_experience(summary):
        return ""
    rows = [
        [group, *(_value(m.get(n), n, ci=n == "customers_lost") for n in COLUMNS)]
        for group, m in _groups(summary).items()
    ]
    overall = summary["overall"]
    body: str = table_html(rows, ["group", *(lookup(n).label for n in COLUMNS)], total_row=True)
    body += paragraph(
        ", ".join(f"{lookup(n).label}: {_value(overall.get(n), n)}" for n in CUSTOMERS)
        + f". Agent cost {_value(overall.get('cost'), 'cost')} + churn cost "
        f"{_value(overall.get('churn_cost'), 'churn_cost')} = total cost "
        f"{_value(overall.get('total_cost'), 'total_cost')}."
    )
    body += paragraph(
        "A bad experience follows the scenario's experience rules (docs/experience.md); "
        "customers lost are expected values, Σ p(bad experiences) over the customers who "
        "contacted, shared out over their bad issues.",
        note=True,
    )
    curve = run.folder / CURVE_FILE
    if curve.exists():
        figure = cost_curve_figure(pd.read_csv(curve))
        if figure is not None:
            body += figure_html(
                figure,
                "agent cost and churn cost against agent hours",
                "Each staffing tried by the total-cost search (one agent more or less in one "
                "interval at a time), on the same customers: agents cost more as staffing "
                "grows, lost customers cost less; the dotted line is the answer. Figures are "
                "the search's; total_cost.json holds the answer's on a fresh seed.",
            )
    return Html(body)


def cost_curve_figure(points: pd.DataFrame) -> Figure | None:
    """Agent cost, churn cost and total cost against agent hours, one point per staffing."""
    from matplotlib.figure import Figure  # only a report with a cost curve draws one

    if len(points) < 2:
        return None
    points = points.sort_values("agent_hours")
    fig = Figure(figsize=(7, 3.6))
    ax = fig.add_subplot()
    # Markers only: the search tries staffings interval by interval, several at nearly the
    # same agent hours, so a line through them would zigzag.
    ax.plot(points["agent_hours"], points["agent_cost"], "o", label="agent cost")
    ax.plot(points["agent_hours"], points["churn_cost"], "s", label="churn cost")
    ax.errorbar(
        points["agent_hours"],
        points["total_cost"],
        yerr=points["total_half_width"].fillna(0),
        fmt="D",
        color="black",
        label="total cost",
    )
    chosen = points["answer"].to_numpy(bool) if "answer" in points else None
    at = chosen.argmax() if chosen is not None and chosen.any() else points["total_cost"].argmin()
    best = float(points["agent_hours"].to_numpy()[at])
    ax.axvline(best, color="grey", linestyle=":", label="least total cost")
    ax.set_xlabel("agent hours")
    ax.set_ylabel("cost")
    ax.legend(frameon=False, fontsize="small")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def print_total_cost(console: Console, plan: TotalCostPlan) -> None:
    """The start beside the least-total-cost answer, and the difference in words."""
    table = Table(title="Staffing for the least total cost", title_justify="left")
    for column in ("", "agent hours", "agent cost", "customers lost", "churn cost", "total"):
        table.add_column(column, justify="left" if not column else "right", no_wrap=True)
    v = plan.verification
    for name, point in (
        ("target-driven (search)", plan.start_point),
        ("least total cost (search)", plan.best),
        ("target-driven (fresh seed)", v.start),
        ("least total cost (fresh seed)", v.answer),
    ):
        table.add_row(
            name,
            lookup("agent_hours").format(point.agent_hours),
            lookup("cost").format(point.agent_cost),
            f"{lookup('customers_lost').format(point.customers_lost)} ± "
            f"{lookup('customers_lost').format(point.customers_lost_half_width)}",
            lookup("churn_cost").format(point.churn_cost),
            f"{lookup('total_cost').format(point.total_cost)} ± "
            f"{lookup('total_cost').format(point.total_half_width)}",
        )
    console.print(table)
    console.print(plan.explanation())
