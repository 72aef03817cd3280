"""The sections of one run's HTML report, read from its results folder.

:func:`run_sections` turns a run folder (:class:`~ccsim.output.html.folder.RunFolder`) into
the report's :class:`~ccsim.output.html.page.Section` list: the scenario in plain words, headline
results against the targets, charts over the day, waiting times, pools, channels, customer
journeys and campaigns (when there are any), and the Erlang comparison. A section that
cannot be built says so on the page instead of losing the whole report.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ccsim.output.experience import experience_html
from ccsim.output.format import (
    MISSING,
    duration,
    duration_unit,
    empty_reasons,
    finite,
    number,
    percent,
)
from ccsim.output.html import charts
from ccsim.output.html.folder import RunFolder, days_of
from ccsim.output.html.page import (
    Html,
    Section,
    bullets,
    chart_html,
    estimate_html,
    heading,
    mean_of,
    paragraph,
    table_html,
    target_verdict,
)
from ccsim.output.html.tables import (
    campaigns_html,
    channels_html,
    erlang_html,
    journeys_html,
    pools_html,
)
from ccsim.output.html.words import describe_scenario
from ccsim.output.mixed_channels import channels_of, mixes_channels, without_mixed_waits


def run_sections(run: RunFolder) -> list[Section]:
    """Every section of one run's report, in reading order (empty ones left out)."""
    builders: list[tuple[str, Callable[[RunFolder], str | None]]] = [
        ("Warnings", warnings_html),
        ("Scenario", lambda r: describe_scenario(r.scenario, r.intervals)),
        ("Headline results", headline_html),
        ("Over the day" if days_of(run) <= 1 else "Over the horizon", charts_html),
        ("Waiting times", waiting_html),
        ("Pools", pools_html),
        ("Channels", channels_html),
        ("Customer journeys", journeys_html),
        ("Customer experience", experience_html),
        ("Outbound campaigns", campaigns_html),
        ("Erlang comparison", erlang_html),
    ]
    sections = []
    for title, build in builders:
        try:
            body = build(run)
        except Exception as exc:  # one broken section must not lose the report
            body = paragraph(f"This section could not be produced: {type(exc).__name__}: {exc}")
        if body:
            sections.append(Section(title, body))
    return sections


def warnings_html(run: RunFolder) -> str | None:
    """Where the result can mislead (:mod:`ccsim.experiment.cautions`), first thing on the page."""
    warnings = run.summary.get("warnings") or []
    if not warnings:
        return None
    return Html(
        paragraph("Read these before the numbers below:")
        + bullets([w["message"] for w in warnings])
    )


def headline_html(run: RunFolder) -> str:
    s = run.summary
    by_type = s["by_type"]
    blocking = any(mean_of(m, "blocking_rate") for m in by_type.values())
    columns = ["contact type", "offered", "service level", "target", "against target", "ASA"]
    columns += ["abandoned"] + (["blocked"] if blocking else []) + ["occupancy"]
    rows, glance = [], []
    for name, m in by_type.items():
        target = run.targets.get(name) or {}
        unit = run.unit(name)
        goal = target.get("service_level_target")
        threshold = target.get("service_level_threshold")
        goal_text = f"{percent(goal)} within {duration(threshold)}" if goal is not None else "–"
        row = [name, estimate_html(m.get("offered"), number)]
        row += [estimate_html(m.get("service_level"), percent), goal_text]
        row += [target_verdict(m.get("service_level"), goal)]
        row += [estimate_html(m.get("asa"), partial(duration, unit=unit))]
        row += [estimate_html(m.get("abandon_rate"), percent)]
        row += [estimate_html(m.get("blocking_rate"), percent)] if blocking else []
        row += [estimate_html(m.get("occupancy"), percent)]
        rows.append(row)
        if goal is not None and finite(mean_of(m, "service_level")):
            verdict = "met" if (mean_of(m, "service_level") or 0) >= goal else "missed"
            glance.append(
                f"{name}: {percent(mean_of(m, 'service_level'))} answered within "
                f"{duration(threshold)} against a target of {percent(goal)} ({verdict}); "
                f"average wait of answered contacts {duration(mean_of(m, 'asa'), unit)}; "
                f"{percent(mean_of(m, 'abandon_rate'))} abandoned."
            )
    o = without_mixed_waits(s, s.get("overall") or {})  # calls and emails: no mixed waits
    goals = {(t or {}).get("service_level_target") for t in run.targets.values()}
    shared_goal = goals.pop() if len(goals) == 1 else None
    overall_unit = duration_unit(mean_of(o, "asa"))
    row = ["all contact types", estimate_html(o.get("offered"), number)]
    row += [estimate_html(o.get("service_level"), percent)]
    row += [percent(shared_goal) if shared_goal is not None else "–"]
    row += [target_verdict(o.get("service_level"), shared_goal)]
    row += [estimate_html(o.get("asa"), lambda x: duration(x, overall_unit))]
    row += [estimate_html(o.get("abandon_rate"), percent)]
    row += [estimate_html(o.get("blocking_rate"), percent)] if blocking else []
    row += [estimate_html(o.get("occupancy"), percent)]
    if len(by_type) > 1:
        rows.append(row)
    parts = [bullets(glance)] if glance else []
    parts.append(table_html(rows, columns, align="lrrrlrrrr", total_row=len(by_type) > 1))
    reasons = empty_reasons(s)
    if reasons:  # an empty measure reads "–": say why, beside the table
        parts.append(paragraph(f"{MISSING} means not defined: " + "; ".join(reasons) + "."))
    parts.append(
        paragraph(
            "Service level = answered within the threshold / (answered + abandoned) unless the "
            "scenario says otherwise; ASA = average wait of answered contacts; occupancy = busy "
            "time / time on duty of the pools serving the type. "
            + _ci_note(s)
            + (
                " The overall service level mixes each type's own threshold."
                if len(by_type) > 1 and not mixes_channels(s)
                else ""
            )
            + (
                f" {MISSING} in the all-types row: waits, ASA and service level are not "
                f"totalled across {' and '.join(channels_of(s))} (a call waits seconds, an "
                "email hours)."
                if mixes_channels(s)
                else ""
            ),
            note=True,
        )
    )
    return "\n".join(parts)


def charts_html(run: RunFolder) -> str:
    if run.intervals is None or run.intervals.empty:
        return paragraph("No per-interval results (intervals.csv is not in this folder).")
    frame = run.intervals
    types = frame[frame["kind"] == "type"]
    pools = frame[frame["kind"] == "pool"]
    units = {name: run.unit(name) for name in types["name"].unique()}
    parts = []
    plots = [
        ("Arrivals and staffing", charts.staffing_chart(types, pools), ""),
        (
            "Service level against target",
            charts.service_level_chart(types, run.targets, run.horizon, run.still_open),
            "No service level by interval.",
        ),
        (
            "Average speed of answer",
            charts.time_chart(types, "asa", "ASA by interval", "ASA", units),
            "No contact was answered.",
        ),
        (
            "Abandonment",
            charts.rate_chart(
                types, "abandon_rate", "Abandonment by interval (share of offered)", "abandoned"
            ),
            "No contact abandoned in any interval.",
        ),
        (
            "Occupancy",
            charts.rate_chart(
                pools,
                "occupancy",
                "Occupancy by interval (busy time / time on duty)",
                "occupancy",
                pools=True,
            ),
            "No pool was busy.",
        ),
        (
            "Queue length",
            charts.time_chart(
                types,
                "mean_queue",
                "Queue length by interval (time-average number waiting)",
                "waiting",
                units,
                scale_by_unit=False,
            ),
            "Nobody queued in any interval.",
        ),
    ]
    for title, fig, empty in plots:
        if fig is None and not empty:
            continue
        parts.append(heading(title))
        parts.append(
            chart_html(fig, heading=title) if fig is not None else paragraph(empty, note=True)
        )
    return "\n".join(parts)


def waiting_html(run: RunFolder) -> str:
    rows = []
    for name, m in run.summary["by_type"].items():
        unit = run.unit(name)
        rows.append(
            [name]
            + [
                estimate_html(m.get(k), partial(duration, unit=unit))
                for k in ("asa", "mean_wait", "wait_p90", "wait_p95", "wait_p99")
            ]
            + [estimate_html(m.get("mean_time_to_abandon"), partial(duration, unit=unit))]
        )
    columns = ["contact type", "ASA", "mean wait", "90th pct", "95th pct", "99th pct"]
    parts = [table_html(rows, columns + ["time to abandon"])]
    parts.append(
        paragraph(
            "Mean wait and percentiles are over everyone who queued (answered and abandoned). "
            "The chart shows, for every wait t, the share of contacts answered within t: the "
            "service level with threshold t (it levels off below 100 % by the share that "
            "abandoned).",
            note=True,
        )
    )
    if run.waits is None:
        parts.append(
            paragraph(
                "The waiting-time distribution is not available: this run kept no per-contact "
                "records (it was made with --no-records, so there is no contacts.parquet)."
            )
        )
    else:
        order = [*run.summary["by_type"], *run.waits]
        waits = {name: run.waits[name] for name in dict.fromkeys(order) if name in run.waits}
        per, per_text = per_replication(run)
        fig = charts.waiting_chart(waits, run.targets, per, per_text)
        if fig is None:
            parts.append(paragraph("No contact queued, so there is no waiting-time distribution."))
        else:
            parts.append(chart_html(fig))
    return "\n".join(parts)


def per_replication(run: RunFolder) -> tuple[float, str]:
    """Counts on the page are per replication, as the headline's offered (per day on a
    one-day run): the divisor of counts over all replications, and how it reads."""
    reps = max(int(run.summary.get("replications") or 1), 1)
    days = days_of(run)
    mean = f"mean of {reps} replications" if reps > 1 else "one replication"
    what = "per day" if days <= 1 else f"per replication of {days} days"
    return float(reps), f"{what} ({mean})"


def _ci_note(summary: dict) -> str:
    reps = summary.get("replications") or 0
    if reps <= 1:
        return "One replication: no confidence intervals (run more replications to get them)."
    return (
        f"In brackets: the {summary.get('confidence', 0.95):.0%} confidence interval over "
        f"{reps} replications."
    )
