"""The report's tables of one run: pools, channels, customer journeys, campaigns, Erlang.

Each function takes a :class:`~ccsim.output.html.folder.RunFolder` and returns the section's
markup, or "" when the run has nothing to show there (no campaigns, no journeys).
"""

from __future__ import annotations

from functools import partial

from ccsim.measures.catalogue import label
from ccsim.output.format import duration, measure_value, number, percent
from ccsim.output.html.folder import RunFolder
from ccsim.output.html.page import estimate_html, mean_of, paragraph, table_html


def pools_html(run: RunFolder) -> str:
    s = run.summary
    by_pool = s.get("by_pool") or {}
    if not by_pool:
        return ""
    serves = {n: ", ".join(p.get("serves") or {}) for n, p in _pools(run.scenario).items()}
    measures = ("answered", "occupancy", "agent_hours", "overtime_hours", "cost")
    columns = ["pool", "serves", "agents", *_labels(*measures, "cost_per_contact")]
    rows = []
    for name, m in {**by_pool, "all pools": s.get("overall") or {}}.items():
        rows.append(
            [
                name,
                serves.get(name, ""),
                _agents_range(run, name) if name in by_pool else "",
                estimate_html(m.get("answered"), number),
                estimate_html(m.get("occupancy"), percent),
                number(mean_of(m, "agent_hours")),
                number(mean_of(m, "overtime_hours")),
                number(mean_of(m, "cost")),
                number(mean_of(m, "cost_per_contact")),
            ]
        )
    return table_html(rows, columns, align="llrrrrrrr", total_row=True) + paragraph(
        "Agents: the fewest and most on duty in an interval. Overtime: time on duty beyond the "
        "schedule, finishing contacts in hand.",
        note=True,
    )


def channels_html(run: RunFolder) -> str:
    by_channel = run.summary.get("by_channel") or {}
    if not by_channel:
        return ""
    chat = any("mean_concurrency" in m for m in by_channel.values())
    measures = ["offered", "answered", "service_level", "asa", "abandon_rate"]
    measures += ["backlog_at_close", "busy_hours"] + (["mean_concurrency"] if chat else [])
    columns = ["channel", *_labels(*measures)]
    rows = []
    for name, m in by_channel.items():
        unit = "h" if name in ("email", "messaging") else "s"
        unit = "min" if unit == "h" and (mean_of(m, "asa") or 0) < 7200 else unit
        row = [name, estimate_html(m.get("offered"), number)]
        row += [estimate_html(m.get("answered"), number)]
        row += [estimate_html(m.get("service_level"), percent)]
        row += [estimate_html(m.get("asa"), partial(duration, unit=unit))]
        row += [estimate_html(m.get("abandon_rate"), percent)]
        row += [number(mean_of(m, "backlog_at_close")), number(mean_of(m, "busy_hours"))]
        row += [number(mean_of(m, "mean_concurrency"))] if chat else []
        rows.append(row)
    return table_html(rows, columns)


JOURNEY_COLUMNS = (
    "customers",
    "contacts_per_customer",
    "customers_served",
    "first_contact_resolution",
    "transfers_per_customer",
    "time_in_system",
    "redials",
    "balk_rate",
    "containment_rate",
    "callbacks_accepted",
    "callback_success",
    "time_to_callback",
)
"""Journey table columns, in order: headed by the catalogue's label, formatted by its kind."""

_JOURNEY_ALWAYS = ("customers", "contacts_per_customer", "customers_served")
_JOURNEY_SIGNS = ("redials", "transfers", "callbacks_accepted", "bot_visits", "balked")


def journeys_html(run: RunFolder) -> str:
    s = run.summary
    overall = s.get("overall") or {}
    if not any(mean_of(overall, k) for k in _JOURNEY_SIGNS):
        return ""
    groups = {**s["by_type"], "all": overall}
    shown = [
        key
        for key in JOURNEY_COLUMNS
        if any(mean_of(m, key) is not None for m in groups.values())
        and (key in _JOURNEY_ALWAYS or mean_of(overall, key))
    ]
    rows = [
        [name] + [measure_value(key, mean_of(m, key)) for key in shown]
        for name, m in groups.items()
    ]
    return table_html(rows, ["started as", *_labels(*shown)], total_row=True) + paragraph(
        "Customers are counted under the contact type their first contact was of; redials, "
        "transfer legs and callbacks are further contacts of the same customer.",
        note=True,
    )


def campaigns_html(run: RunFolder) -> str:
    campaigns = run.summary.get("by_campaign") or {}
    if not campaigns:
        return ""
    measures = ("attempts", "connects", "connect_rate", "list_completion", "not_attempted")
    columns = ["campaign", *_labels(*measures, "agent_hours")]
    rows = [
        [
            name,
            estimate_html(m.get("attempts"), number),
            estimate_html(m.get("connects"), number),
            percent(mean_of(m, "connect_rate")),
            estimate_html(m.get("list_completion"), percent),
            number(mean_of(m, "not_attempted")),
            number(mean_of(m, "agent_hours")),
        ]
        for name, m in campaigns.items()
    ]
    return table_html(rows, columns)


def erlang_html(run: RunFolder) -> str:
    figures = run.summary.get("erlang") or {}
    if not figures:
        return ""
    rows = []
    for name, f in figures.items():
        m = run.summary["by_type"].get(name) or {}
        unit = run.unit(name)
        rows.append(
            [
                name,
                f.get("model", ""),
                percent(mean_of(m, "service_level")),
                percent(f.get("service_level")),
                duration(mean_of(m, "asa"), unit),
                duration(f.get("asa"), unit),
                percent(mean_of(m, "abandon_rate")),
                percent(f.get("abandon_rate")),
                "; ".join(f.get("notes") or []),
            ]
        )
    columns = ["contact type", "formula", "simulated SL", "Erlang SL", "simulated ASA"]
    columns += ["Erlang ASA", "simulated abandoned", "Erlang abandoned", "notes"]
    return table_html(rows, columns, align="llrrrrrrl") + paragraph(
        "The figure a workforce-management tool would give: every interval as an independent "
        "steady-state queue, weighted over the day. Where it differs from the simulation, the "
        "formula misses queues carried between intervals, closing time, shared pools or "
        "non-exponential times.",
        note=True,
    )


def _agents_range(run: RunFolder, pool: str) -> str:
    frame = run.intervals
    if frame is not None and "agents" in frame:
        agents = frame.loc[(frame["kind"] == "pool") & (frame["name"] == pool), "agents"].dropna()
        if len(agents):
            low, high = agents.min(), agents.max()
            return number(low) if low == high else f"{number(low)}–{number(high)}"
    return "–"


def _pools(scenario: dict | None) -> dict:
    pools = (scenario or {}).get("pools")
    return pools if isinstance(pools, dict) else {}


def _labels(*measures: str) -> list[str]:
    """Column headings: what people call each measure (the measure catalogue)."""
    return [label(m) for m in measures]
