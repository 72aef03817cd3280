"""What the command line prints: readable tables of results (with rich).

Every value is formatted by :mod:`ccsim.output.format`, the same as in the HTML report:
``86.1 %``, ``12 s``, ``3.2 min``, ``3.9 h``, ``1,234``. A confidence half-width is given in
the unit of its mean (``3.9 h ± 0.2``).
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ccsim.analytic.figures import ErlangFigure
from ccsim.measures.catalogue import Kind
from ccsim.output.compare_folder import (
    difference_rows,
    headline_rows,
    mixed_channels_in,
    row_unit,
)
from ccsim.output.experience import print_experience
from ccsim.output.format import (
    MISSING,
    as_written,
    count,
    duration,
    duration_unit,
    empty_reasons,
    finite,
    kind_of,
    measure_difference,
    measure_value,
    percent,
)
from ccsim.output.mixed_channels import mixed_channel_measures, mixed_channels_note


def _pct(x: float | None) -> str:
    return percent(x)


def _sec(x: float | None, unit: str = "") -> str:
    return duration(x, unit)


def _num(x: float | None, digits: int = 0) -> str:
    return count(x, digits)


def _with_ci(entry: dict, fmt) -> str:
    """``mean ± half-width``, the half-width in the mean's unit (which it does not repeat)."""
    mean, half = entry["mean"], entry["half_width"]
    if half is None or not finite(half):
        return fmt(mean)
    unit = fmt(mean).rpartition(" ")[2] if " " in fmt(mean) else ""
    half_text = fmt(half)
    if unit and half_text.endswith(" " + unit):
        half_text = half_text[: -len(unit) - 1]
    return f"{fmt(mean)} ± {half_text}"


def _time_with_ci(entry: dict) -> str:
    """A duration with its half-width, both in the unit the mean reads best in."""
    unit = duration_unit(entry["mean"])
    return _with_ci(entry, lambda x: duration(x, unit))


def print_run_summary(
    console: Console, summary: dict, erlang: dict[str, ErlangFigure], journeys: bool = False
) -> None:
    """Per contact type and per pool tables, simulated beside the Erlang figure; and the
    customer-journey table when the scenario has redials, transfers or callbacks."""
    reps, conf = summary["replications"], summary["confidence"]
    types = Table(
        title=f"{summary['scenario']}: {reps} replication(s), seed {summary['seed']}, "
        f"± = {percent(conf, 0)} confidence half-width",
        title_justify="left",
    )
    columns = ["contact type", "offered", "service level", "target", "ASA", "abandoned"]
    columns += ["occupancy"]
    blocking = any(m["blocking_rate"]["mean"] for m in summary["by_type"].values())
    columns += ["blocked"] if blocking else []
    columns += ["Erlang SL", "Erlang ASA", "Erlang aband."]
    columns += ["Erlang blocked"] if blocking else []
    for column in columns:
        types.add_column(
            column, justify="left" if column == "contact type" else "right", no_wrap=True
        )
    for name, m in summary["by_type"].items():
        target = summary["targets"][name]
        figure = erlang[name]
        sl = m["service_level"]["mean"]
        colour = "green" if sl is not None and sl >= target["service_level_target"] else "red"
        row = [
            name,
            _with_ci(m["offered"], _num),
            f"[{colour}]{_with_ci(m['service_level'], _pct)}[/]",
            f"{percent(target['service_level_target'], 0)}/"
            f"{as_written(target['service_level_threshold'])}",
            _time_with_ci(m["asa"]),
            _with_ci(m["abandon_rate"], _pct),
            _with_ci(m["occupancy"], _pct),
        ]
        row += [_with_ci(m["blocking_rate"], _pct)] if blocking else []
        row += [_pct(figure.service_level), _sec(figure.asa), _pct(figure.abandon_rate)]
        row += [_pct(figure.blocking)] if blocking else []
        types.add_row(*row)
    console.print(types)
    pools = Table(title="Pools", title_justify="left")
    for column in (
        "pool",
        "answered",
        "occupancy",
        "agent hours",
        "overtime h",
        "cost",
        "cost/contact",
    ):
        pools.add_column(column, justify="left" if column == "pool" else "right", no_wrap=True)
    for name, m in {**summary["by_pool"], "all pools": summary["overall"]}.items():
        pools.add_row(
            name,
            _with_ci(m["answered"], _num),
            _with_ci(m["occupancy"], _pct),
            _num(m["agent_hours"]["mean"], 1),
            _num(m["overtime_hours"]["mean"], 2),
            _num(m["cost"]["mean"], 0),
            _num(m["cost_per_contact"]["mean"], 2),
        )
    console.print(pools)
    if journeys:
        print_journeys(console, summary)
    print_experience(console, summary)  # only with an experience block (issue 17)
    if summary.get("by_campaign"):
        print_campaigns(console, summary)
    forecast = summary.get("risk", {}).get("forecast", {})
    if any(forecast.values()):  # only with forecast uncertainty: default output unchanged
        print_risk(console, summary)
    for reason in empty_reasons(summary):
        console.print(f"[dim]{MISSING} {escape(reason)}[/]")
    for name, figure in erlang.items():
        if not figure.defined:
            console.print(f"[dim]Erlang figure for {name}: {figure.model}[/]")
            continue
        notes = f" ({'; '.join(figure.notes)})" if figure.notes else ""
        console.print(f"[dim]Erlang figure for {name}: {figure.model}, per interval{notes}[/]")


def print_risk(console: Console, summary: dict) -> None:
    """Staffing for risk: how often each type's target is met, over days
    (ccsim.studies.staffing.risk)."""
    risk = summary["risk"]
    cvs = ", ".join(f"{k} {v:g}" for k, v in risk["forecast"].items() if v)
    table = Table(
        title=f"Risk: days meeting the target ({cvs}; a day = one replication's day)",
        title_justify="left",
    )
    columns = ("contact type", "target", "days on target", "daily SL p10", "median", "p90")
    for column in (*columns, "worst interval", "on target"):
        table.add_column(
            column, justify="left" if column == "contact type" else "right", no_wrap=True
        )
    for name, m in risk["by_type"].items():
        daily, worst = m["daily_service_level"], m["worst_interval"]
        table.add_row(
            name,
            _pct(m["target"]),
            _pct(m["p_day_meets_target"]),
            _pct(daily["p10"]),
            _pct(daily["p50"]),
            _pct(daily["p90"]),
            worst["start"] or "–",
            _pct(worst["p_meets_target"]),
        )
    console.print(table)


def print_campaigns(console: Console, summary: dict) -> None:
    """Outbound campaigns: attempts, connects, list completion, agent time."""
    table = Table(title="Outbound campaigns", title_justify="left")
    for column in (
        "campaign",
        "attempts",
        "connects",
        "connect rate",
        "list completed",
        "not dialled",
        "agent hours",
    ):
        table.add_column(column, justify="left" if column == "campaign" else "right", no_wrap=True)
    for name, m in summary["by_campaign"].items():
        table.add_row(
            name,
            _with_ci(m["attempts"], _num),
            _with_ci(m["connects"], _num),
            _pct(m["connect_rate"]["mean"]),
            _with_ci(m["list_completion"], _pct),
            _num(m["not_attempted"]["mean"]),
            _num(m["agent_hours"]["mean"], 1),
        )
    console.print(table)


def print_journeys(console: Console, summary: dict) -> None:
    """Customers' journeys per contact type they started in: redials, transfers, callbacks."""
    table = Table(
        title="Customer journeys (by the type each customer started in; "
        "FCR = first-contact resolution)",
        title_justify="left",
    )
    columns = {
        "customers": ("customers", _num),
        "contacts/cust.": ("contacts_per_customer", lambda x: _num(x, 2)),
        "served": ("customers_served", _pct),
        "FCR": ("first_contact_resolution", _pct),
        "transfers/cust.": ("transfers_per_customer", lambda x: _num(x, 2)),
        "time in centre": ("time_in_system", _sec),
        "balked": ("balk_rate", _pct),
        "bot contained": ("containment_rate", _pct),
        "callbacks": ("callbacks_accepted", _num),
        "reached": ("callback_success", _pct),
        "to callback": ("time_to_callback", _sec),
        "pred. error": ("prediction_error", _sec),
    }
    if summary["overall"].get("after_hours_contacts", {}).get("mean"):
        columns["after hours"] = ("after_hours_contacts", _num)
        columns["told to call back"] = ("told_to_call_back", _num)
        columns["called back"] = ("called_back", _num)
    groups = {**summary["by_type"], "all": summary["overall"]}

    def used(key: str) -> bool:  # a feature the scenario does not use shows only 0 or –
        values = [m[key]["mean"] for m in groups.values()]
        return any(v is not None and v == v and v != 0 for v in values)

    columns = {k: v for k, v in columns.items() if k == "customers" or used(v[0])}
    table.add_column("contact type", no_wrap=True)
    for column in columns:
        table.add_column(column, justify="right", no_wrap=True)
    left_out = mixed_channel_measures(summary)  # several channels: no mixed total of waits
    for name, m in groups.items():
        table.add_row(
            name,
            *(
                MISSING if name == "all" and key in left_out else fmt(m[key]["mean"])
                for key, fmt in columns.values()
            ),
        )
    console.print(table)
    if left_out and any(key in left_out for key, _ in columns.values()):
        console.print(
            f"[dim]{MISSING} {escape(mixed_channels_note(list(summary['by_channel'])))}[/]"
        )


def print_erlang(console: Console, result: dict, model: str) -> None:
    """The analytic calculator's answer as a small table."""
    table = Table(title=model, title_justify="left", show_header=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("agents", str(result["agents"]))
    if "scheduled_agents" in result:
        table.add_row("agents to schedule (shrinkage)", str(result["scheduled_agents"]))
    table.add_row("probability of waiting", _pct(result["p_wait"]))
    table.add_row("service level", _pct(result["service_level"]))
    table.add_row("ASA (answered)", _sec(result["asa"]))
    table.add_row("abandon rate", _pct(result["abandon_rate"]))
    table.add_row("blocking", _pct(result["blocking"]))
    table.add_row("occupancy", _pct(result["occupancy"]))
    console.print(table)


def print_differences(console: Console, comparison, every: bool = False) -> None:
    """Paired differences against the base (headline measures unless ``every``)."""
    differences = comparison.differences()
    rows = differences if every else headline_rows(differences)
    replications = len(comparison.results[0].replications)
    table = Table(
        title=f"Differences against {comparison.labels[0]} ({replications}"
        f" replications on common random numbers; ± = paired "
        f"{percent(comparison.confidence, 0)} "
        "half-width; * = significant)",
        title_justify="left",
    )
    several = len(comparison.labels) > 2  # with one variant, its name is in the caption
    if not several:
        table.caption = f"scenario: {comparison.labels[1]}"
    columns = ["scenario"] if several else []
    columns += ["for", "measure", "base", "scenario value", "difference", "sig."]
    for column in columns:
        table.add_column(
            column, justify="left" if column in ("scenario", "for", "measure") else "right"
        )
    for row in difference_rows(rows):
        m = row.measure
        unit = row_unit(row)
        half = row.half_width
        diff = measure_difference(m, row.difference, unit)
        if half == half and half > 0:
            diff += f" ± {measure_difference(m, half, unit).lstrip('+')}"
        table.add_row(
            *([row.scenario] if several else []),
            "all" if row.group == "overall" else f"{row.group} {row.name}",
            m,
            measure_value(m, row.base, unit),
            measure_value(m, row.value, unit),
            diff,
            "*" if row.significant else "",
        )
    console.print(table)
    channels = mixed_channels_in(comparison.differences() if every else differences)
    if channels:
        console.print(f"[dim]{MISSING} {escape(mixed_channels_note(channels))}[/]")


def print_sweep(console: Console, table, axes: list[str], column: str) -> None:
    """One row per sweep point: the swept settings and the chosen measure with its CI (times
    in the one unit the column's largest value reads best in)."""
    out = Table(title=f"Sweep: {column} (mean and confidence interval)", title_justify="left")
    for axis in axes:
        out.add_column(axis, justify="right")
    out.add_column(column, justify="right")
    out.add_column("CI", justify="right")
    unit = ""
    if kind_of(column) is Kind.SECONDS:
        largest = table[column].abs().max()
        unit = duration_unit(largest if largest == largest else 0)

    def fmt(x) -> str:
        return measure_value(column, x, unit)

    for _, row in table.iterrows():
        low, high = row.get(f"{column}_low"), row.get(f"{column}_high")
        ci = f"{fmt(low)} – {fmt(high)}" if low == low and high == high else MISSING
        out.add_row(*(str(row[a]) for a in axes), fmt(row[column]), ci)
    console.print(out)


def print_warnings(console: Console, warnings: list[dict], prefix: str = "") -> None:
    """Every caution about a result (:mod:`ccsim.experiment.cautions`), one paragraph each."""
    for warning in warnings:
        console.print(f"[bold yellow]Warning:[/] {escape(prefix + warning['message'])}")
