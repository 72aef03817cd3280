"""The staffing answer in words and tables, the same on the console and in the HTML report.

Both read what ``ccsim staff`` writes — ``staffing.csv`` (:meth:`StaffingPlan.table`) and
``staffing.json`` (:func:`ccsim.output.staffing_folder.staffing_summary`) — so a report written
again from the folder says exactly what the console said.
"""

from __future__ import annotations

import pandas as pd

from ccsim.output.format import (
    as_written,
    count,
    duration,
    finite,
    hours,
    money,
    percent,
    percent_as_given,
)


def table_columns_rows(frame: pd.DataFrame, summary: dict) -> tuple[list[str], list[list[str]]]:
    """The staffing table: per interval and pool the agents (Erlang figure, required on the
    phones, to schedule, the roster), then per contact type the pool answers for the
    measures achieved in the confirmation run — the service level always, and every
    targeted measure (with a confidence: the share of days meeting it) — and the verdict."""
    targets = summary["targets"]
    confidence = targets.get("confidence")
    roster = next((c for c in ("roster_cover", "rostered_agents") if c in frame), None)
    type_measures = []  # (column, key in the table, format)
    if targets.get("service_level") and confidence is not None:
        type_measures.append(("days on SL target", "days_meeting_service_level", _pct))
    if targets.get("max_abandon") is not None:
        bound = f"≤ {_bound(targets['max_abandon'])}"
        type_measures.append((f"abandoned ({bound})", "abandon_rate", _pct))
        if confidence is not None:
            type_measures.append((f"days {bound} abandoned", "days_meeting_abandon_rate", _pct))
    if targets.get("max_asa") is not None:
        bound = f"≤ {as_written(targets['max_asa'])}"
        type_measures.append((f"ASA ({bound})", "asa", _sec))
        if confidence is not None:
            type_measures.append((f"days ASA {bound}", "days_meeting_asa", _pct))
    pool_measures = [("occupancy", "occupancy", _pct)]
    if targets.get("max_occupancy") is not None:
        pool_measures = [(f"occupancy (≤ {_bound(targets['max_occupancy'])})", "occupancy", _pct)]
        if confidence is not None:
            pool_measures.append(("days on occupancy cap", "days_meeting_occupancy", _pct))
    columns = ["interval", "pool", "Erlang", "required", "to schedule"]
    if roster:
        columns.append("chosen roster" if roster == "roster_cover" else "rostered")
    columns += ["contact type", "service level", "SL target"]
    columns += [c for c, _k, _f in type_measures + pool_measures] + ["verdict"]
    goals = summary.get("service_level_targets", {})
    rows, last = [], None
    for row in frame.to_dict(orient="records"):
        first = (row["interval"], row["pool"]) != last
        last = (row["interval"], row["pool"])
        width = 6 if roster else 5
        cells = [row["start"], row["pool"], *_agents(row, roster)] if first else [""] * width
        goal = goals.get(row["contact_type"])
        goal_text = f"{_bound(goal['target'])} in {as_written(goal['threshold'])}" if goal else "–"
        cells += [row["contact_type"], _pct(row.get("service_level")), goal_text]
        cells += [fmt(row.get(key)) for _c, key, fmt in type_measures + pool_measures]
        rows.append(cells + [row.get("verdict", "")])
    return columns, rows


def _agents(row: dict, roster: str | None) -> list[str]:
    cells = [str(row["erlang_agents"]), str(row["required_agents"]), str(row["scheduled_agents"])]
    if roster:
        cells.append(_num(row.get(roster), 1))
    return cells


def hours_lines(summary: dict) -> list[str]:
    """The three hours that must not be confused, and how they reconcile."""
    t = summary["totals"]
    lines = [
        f"Required on the phones: {count(t['required_agent_hours'], 1)} agent hours. "
        f"To schedule: {hours(t['scheduled_agent_hours'])} — required grossed up for "
        f"{_absence_words(summary)} (written into the scenario, which takes them off again)."
    ]
    if "roster_paid_hours" in t:
        lines.append(
            f"Paid in the chosen roster: {hours(t['roster_paid_hours'])} (cost "
            f"{money(t['roster_cost'])}): whole shifts with their breaks, covering the hours to "
            "schedule in every interval."
        )
    else:
        lines.append(f"Cost of the hours to schedule: {money(t['scheduled_cost'])}.")
    lines.append(
        f"Per-interval Erlang answer: {hours(t['erlang_required_agent_hours'])} required, "
        f"{hours(t['erlang_scheduled_agent_hours'])} to schedule (cost "
        f"{money(t['erlang_scheduled_cost'])})."
    )
    paid = t.get("confirmation_agent_hours")
    if finite(paid):
        lines.append(
            f"The confirmation run paid {count(paid, 1)} agent hours: "
            + (
                "the roster's hours less absentees"
                if "roster_paid_hours" in t
                else f"the {hours(t['scheduled_agent_hours'])} scheduled less absentees "
                f"(expected {hours(t['expected_paid_hours'])})"
            )
            + f", plus {hours(t['confirmation_overtime_hours'])} past the scheduled end."
        )
    return lines


def effort_line(summary: dict) -> str:
    """How much was simulated, on which seeds."""
    e, seeds = summary["effort"], summary["seeds"]
    return (
        f"Search: {e['search']['staffings']} staffings × "
        f"{summary['search_replications']} replications (seed {seeds['search']}). "
        f"Verification on independent random numbers: {e['verification']['staffings']} "
        f"staffings, {count(e['verification']['replications'])} replications (up to "
        f"{e['verification_most_replications']} per staffing, where a verdict was uncertain). "
        f"Confirmation: {e['confirmation']['replications']} replications on a third seed. "
        f"Every targeted interval must survive a re-run of "
        f"{summary['assurance']['rerun_replications']} replications with another seed, the "
        f"whole day at once with probability {_bound(summary['assurance']['probability'])}."
    )


def subtitle(summary: dict) -> str:
    """The report's subtitle: what the answer is, honestly."""
    if summary["meets_all"]:
        return (
            "the fewest agents that meet the targets on fresh days "
            "(verified on independent random numbers, confirmed on a third set)"
        )
    return summary["miss_line"]


def _absence_words(summary: dict) -> str:
    shrinkage, absenteeism = summary["shrinkage"], summary["absenteeism"]
    if len(set(shrinkage.values())) <= 1 and len(set(absenteeism.values())) <= 1:
        s = next(iter(shrinkage.values()), 0.0)
        a = next(iter(absenteeism.values()), 0.0)
        return f"shrinkage {_bound(s)} and absenteeism {_bound(a)}"
    return "; ".join(
        f"{pool}: shrinkage {_bound(shrinkage[pool])}, absenteeism {_bound(absenteeism[pool])}"
        for pool in shrinkage
    )


def _pct(x) -> str:
    return percent(x)


def _bound(x) -> str:
    """A target or limit as given: ``80 %``, ``5 %``, ``92.5 %``."""
    return percent_as_given(x)


def _sec(x) -> str:
    return duration(x)  # 12 s, 3.2 min, 3.9 h: as everywhere (ccsim.output.format)


def _num(x, digits: int = 0) -> str:
    return count(x, digits)
