"""The scenario in plain words, for the HTML report.

Reads the resolved ``scenario.yaml`` of a results folder as plain data (seconds everywhere,
clock times in seconds after midnight) — not through the scenario loader, so an older
folder is still described when the file format has moved on. Whatever is missing or shaped
unexpectedly is left out rather than guessed.
"""

from __future__ import annotations

import math
from typing import TypeGuard

import numpy as np
import pandas as pd

from ccsim.output.format import clock, duration, number, percent_as_given
from ccsim.output.html.page import bullets, paragraph, table_html

DAY = 86400.0

ROUTING = {
    "static_priority": "static priority: an arriving contact goes to the pool ranking its type "
    "highest (to its longest-idle agent); a freed agent takes the highest-priority, "
    "longest-waiting contact",
    "longest_idle": "longest idle: priorities ignored — the longest-idle agent of any eligible "
    "pool takes the longest-waiting contact",
    "priority_aging": "priority aging: static priorities, but a waiting contact gains one level "
    "every {aging}",
}

FORMULAS = {
    "answered_and_abandoned": "",
    "answered_only": "answered only",
    "exclude_short_abandons": "short abandons left out",
    "abandons_after_threshold": "only abandons after the threshold count",
}


def describe_scenario(scenario: dict | None, intervals: pd.DataFrame | None = None) -> str:
    """The horizon, contact types, pools, routing and campaigns as sentences and tables."""
    if not scenario:
        return paragraph("The scenario is not available (scenario.yaml is not in this folder).")
    horizon = scenario.get("horizon") or {}
    parts: list[str] = [paragraph(horizon_words(horizon))]
    types = scenario.get("contact_types") or {}
    if types:
        rows = [_type_row(name, c, horizon) for name, c in types.items() if isinstance(c, dict)]
        columns = ["contact type", "channel", "arrivals per day", "handle time (AHT)"]
        columns += ["patience", "service-level target", "also"]
        parts.append(_table_without_empty_last(rows, columns))
    pools = scenario.get("pools") or {}
    if pools:
        rows = [_pool_row(name, p, intervals) for name, p in pools.items() if isinstance(p, dict)]
        columns = ["pool", "agents on duty", "skills (priority; overflow after)", "cost per hour"]
        parts.append(_table_without_empty_last(rows, columns + ["also"]))
    words = []
    routing = scenario.get("routing") or {}
    policy = routing.get("policy")
    if policy:
        aging = duration(routing.get("aging"))
        words.append("Routing: " + ROUTING.get(policy, policy).format(aging=aging) + ".")
    for name, c in (scenario.get("campaigns") or {}).items():
        if isinstance(c, dict):
            words.append(_campaign_words(name, c))
    experiment = scenario.get("experiment") or {}
    if experiment:
        words.append(
            f"Experiment: {experiment.get('replications')} replication(s) from seed "
            f"{experiment.get('seed')}, {percent_as_given(experiment.get('confidence'))} "
            "confidence intervals."
        )
    if words:
        parts.append(bullets(words))
    return "\n".join(parts)


def _table_without_empty_last(rows: list[list], columns: list[str]) -> str:
    """A text table; its last column ("also") left out when no row has anything in it."""
    if not any(row[-1] for row in rows):
        rows, columns = [row[:-1] for row in rows], columns[:-1]
    return table_html(rows, columns, align="l" * len(columns))


def horizon_words(horizon: dict) -> str:
    """``1 day, open 08:00–20:00 in 30-minute intervals (24 a day).``"""
    days = horizon.get("days", 1)
    open_, close = horizon.get("open", 0.0), horizon.get("close", DAY)
    interval = horizon.get("interval")
    text = f"{days} day{'s' if days != 1 else ''}, "
    if open_ == 0 and close == DAY:
        text += "open around the clock"
    else:
        text += f"open {_clock(open_)}–{_clock(close)}"
    if _number(interval) and interval > 0:
        per_day = round((close - open_) / interval)
        text += f", in {duration(interval)} intervals ({per_day} a day)"
    warmup = horizon.get("warmup") or 0
    if _number(warmup) and warmup > 0:
        text += f"; the first {duration(warmup)} are a warm-up left out of the measures"
    return f"Horizon: {text}."


def per_day_volumes(arrivals: dict, horizon: dict) -> np.ndarray | None:
    """Expected contacts in each day of the horizon, from the arrival rates or volumes."""
    interval = horizon.get("interval")
    days = horizon.get("days", 1)
    open_, close = horizon.get("open", 0.0), horizon.get("close", DAY)
    if not (_number(interval) and interval > 0 and isinstance(days, int)):
        return None
    per_day = round((close - open_) / interval)
    try:
        if arrivals.get("rate_per_hour") is not None:
            day = np.asarray(arrivals["rate_per_hour"], float) * interval / 3600.0
        elif arrivals.get("volume_per_interval") is not None:
            day = np.asarray(arrivals["volume_per_interval"], float)
        elif arrivals.get("curve") is not None:
            return _curve_per_day(arrivals, horizon, per_day)
        else:
            return None
        volume = float(np.broadcast_to(day, (per_day,)).sum())
        factors = arrivals.get("day_factors")
        factors = np.ones(days) if factors is None else np.asarray(factors, float)
        return factors * volume
    except (TypeError, ValueError):
        return None


def _curve_per_day(arrivals: dict, horizon: dict, per_day: int) -> np.ndarray | None:
    """Expected contacts per day of a continuous arrival-rate curve: the curve's integral
    over each interval, as the scenario computes it for every per-interval figure."""
    from pydantic import ValidationError

    from ccsim.scenario.contact_type import Arrivals
    from ccsim.scenario.horizon import Horizon

    try:
        rates = Arrivals.model_validate(arrivals).rates_per_second(Horizon.model_validate(horizon))
    except ValidationError:
        return None
    return (rates * horizon["interval"]).reshape(-1, per_day).sum(axis=1)


def distribution_words(d: dict | None) -> str:
    """``5 min on average (lognormal, cv 1)``, ``45 s (fixed)``; "" if not understood."""
    if not isinstance(d, dict):
        return ""
    kind = d.get("distribution", "")
    if kind == "deterministic":
        return f"{duration(d.get('value'))} (fixed)"
    if kind == "uniform" and _number(d.get("low")) and _number(d.get("high")):
        return f"{duration(d['low'])} to {duration(d['high'])} (uniform)"
    if kind == "empirical" and d.get("values"):
        try:
            mean = float(np.average(d["values"], weights=d.get("weights")))
        except (TypeError, ValueError):
            return "empirical"
        return f"{duration(mean)} on average (empirical, {len(d['values'])} values)"
    detail = [kind] if kind else []
    if _number(d.get("cv")):
        detail.append(f"cv {d['cv']:g}")
    if _number(d.get("shape")):
        detail.append(f"shape {d['shape']:g}")
    extra = f" ({', '.join(detail)})" if detail else ""
    return f"{duration(d.get('mean'))} on average{extra}"


def _type_row(name: str, c: dict, horizon: dict) -> list:
    channel = c.get("channel") or "voice"
    volumes = per_day_volumes(c.get("arrivals") or {}, horizon)
    if volumes is None or not len(volumes):
        arrivals = "–"
    elif np.allclose(volumes, volumes[0]):
        arrivals = f"about {number(float(volumes[0]))}"
    else:
        arrivals = f"{number(float(volumes.min()))}–{number(float(volumes.max()))}"
        arrivals += " (by day: " + ", ".join(number(float(v)) for v in volumes) + ")"
    handle = distribution_words(c.get("handle_time"))
    if isinstance(c.get("wrap_up"), dict):
        handle += f", plus wrap-up {distribution_words(c['wrap_up'])}"
    if channel in ("email", "messaging"):
        patience = "none: worked in opening hours, never abandoned"
    else:
        patience = distribution_words(c.get("patience")) or "never abandon"
    sl = c.get("service_level") or {}
    target = f"{percent_as_given(sl.get('target'))} within {duration(sl.get('threshold'))}"
    formula = FORMULAS.get(sl.get("formula") or "", sl.get("formula"))
    target += f" ({formula})" if formula else ""
    return [name, channel, arrivals, handle, patience, target, _type_extras(c)]


def _type_extras(c: dict) -> str:
    extras = []
    if c.get("queue_capacity") is not None:
        extras.append(f"{c['queue_capacity']} waiting places")
    if c.get("lines") is not None:
        extras.append(f"{c['lines']} lines")
    bot = c.get("self_service")
    if isinstance(bot, dict):
        extras.append(
            f"bot front door for {percent_as_given(bot.get('share', 1))} of arrivals, resolving "
            f"{percent_as_given(bot.get('containment'))}"
        )
    if isinstance(c.get("announcement"), dict):
        extras.append("wait announcements")
    callback = c.get("callback")
    if isinstance(callback, dict):
        extras.append(
            f"callback offered when the wait is over "
            f"{duration(callback.get('offer_when_wait_over'))}"
        )
    if isinstance(c.get("redial"), dict):
        extras.append("redials")
    for t in c.get("transfers") or []:
        if isinstance(t, dict):
            extras.append(
                f"{percent_as_given(t.get('probability'))} transferred to {t.get('to')} "
                f"({t.get('mode', 'cold')})"
            )
    conversation = c.get("conversation")
    if isinstance(conversation, dict):
        extras.append(f"{number(conversation.get('mean_messages'))} messages per conversation")
    if c.get("priority") not in (None, 1):
        extras.append(f"priority {c['priority']}")
    return "; ".join(extras)


def _pool_row(name: str, p: dict, intervals: pd.DataFrame | None) -> list:
    agents = _staffing_range(name, p, intervals)
    skills = []
    serves = p.get("serves") or {}
    for skill, detail in serves.items() if isinstance(serves, dict) else []:
        detail = detail if isinstance(detail, dict) else {}
        text = f"{skill} ({detail.get('priority', 1)}"
        if detail.get("after"):
            text += f"; after {duration(detail['after'])}"
        factor = detail.get("handle_time_factor")
        if _number(factor) and factor != 1:
            text += f"; handle time × {factor:g}"
        if isinstance(detail.get("handle_time"), dict):
            text += f"; own handle time {distribution_words(detail['handle_time'])}"
        skills.append(text + ")")
    extras = []
    if p.get("reserve_for_primary"):
        extras.append(f"keeps {p['reserve_for_primary']} idle agent(s) for priority-1 types")
    if (p.get("max_concurrency") or 1) > 1:
        extras.append(f"up to {p['max_concurrency']} chats at once")
    cost = p.get("cost_per_hour")
    return [name, agents, ", ".join(skills), number(cost) if cost else "–", "; ".join(extras)]


def _staffing_range(name: str, p: dict, intervals: pd.DataFrame | None) -> str:
    values = None
    if intervals is not None and "agents" in intervals:
        rows = intervals[(intervals["kind"] == "pool") & (intervals["name"] == name)]
        values = rows["agents"].dropna().to_numpy(float)
    if values is None or not len(values):
        staffing = p.get("staffing")
        try:
            values = np.atleast_1d(np.asarray(staffing, float))
        except (TypeError, ValueError):
            return "–"
    if not len(values):
        return "–"
    low, high = float(values.min()), float(values.max())
    return number(low) if low == high else f"{number(low)} to {number(high)}"


def _campaign_words(name: str, c: dict) -> str:
    window = c.get("window") or {}
    text = f"Outbound campaign {name}: {number(c.get('list_size'))} customers to call"
    if window:
        text += f" between {_clock(window.get('start'))} and {_clock(window.get('end'))}"
    pools = c.get("pools") or []
    if pools:
        text += f" by {', '.join(map(str, pools))} between inbound contacts"
    if _number(c.get("reach_probability")):
        text += f"; {percent_as_given(c['reach_probability'])} of attempts reach the customer"
    return text + "."


def _clock(seconds) -> str:
    return clock(seconds) if _number(seconds) else str(seconds)


def _number(x: object) -> TypeGuard[float]:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
