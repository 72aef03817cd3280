"""The Erlang figure a planner would have computed for the same scenario.

For each contact type served only by pools dedicated to it, every interval is treated as an
independent steady-state queue with that interval's arrival rate, AHT and agents — exactly
the per-interval Erlang calculation of a workforce-management tool — and the figures are
weighted over the day. Printed beside the simulated results, they show where the formula
misleads: queues carried across intervals, non-exponential handle times and patience, shared
pools, closing time.

* no patience → Erlang C (an interval at or above capacity has no steady state: counted as
  service level 0 and flagged);
* patience → Erlang A, with an exponential patience of the same mean (flagged when the
  scenario's patience is not exponential);
* a queue capacity or line limit → the finite-lines version (Erlang B when no waiting place).

Where no formula applies the figure is "not defined", with the reason (a shared pool, a bot,
transfers in, or no contacts offered in the measured intervals): its values are NaN, shown
as "–".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ccsim.analytic import erlang
from ccsim.jsonable import json_value
from ccsim.scenario import ContactType, Scenario
from ccsim.scenario.distributions import Exponential
from ccsim.scenario.roster import roster_curve


@dataclass(frozen=True)
class ErlangFigure:
    """The analytic answer for one contact type, weighted over the measured intervals.

    Attributes:
        model: which formula was used (``"Erlang C"``, ``"Erlang A"``, …), or
            ``"not defined (why)"`` when none applies.
        service_level, asa, abandon_rate: as the simulator defines them (NaN if not applicable).
        notes: caveats a planner should know (overloaded intervals, approximations).
    """

    model: str
    service_level: float = math.nan
    asa: float = math.nan
    abandon_rate: float = math.nan
    blocking: float = math.nan
    notes: tuple[str, ...] = ()

    @property
    def defined(self) -> bool:
        """Whether a formula applies (otherwise ``model`` says why not)."""
        return not self.model.startswith(NOT_DEFINED)

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "service_level": json_value(self.service_level),
            "asa": json_value(self.asa),
            "abandon_rate": json_value(self.abandon_rate),
            "blocking": json_value(self.blocking),
            "notes": list(self.notes),
        }


NOT_DEFINED = "not defined"
"""How the figure's ``model`` starts when no formula applies."""


def erlang_figures(scenario: Scenario) -> dict[str, ErlangFigure]:
    """The per-interval Erlang figure of every contact type (see the module docstring)."""
    return {name: _figure(scenario, name, ctype) for name, ctype in scenario.contact_types.items()}


def _figure(scenario: Scenario, name: str, ctype: ContactType) -> ErlangFigure:
    horizon = scenario.horizon
    pools = [p for p in scenario.pools.values() if name in p.serves]
    if any(len(p.serves) > 1 for p in pools):
        return ErlangFigure(f"{NOT_DEFINED} (pools shared with other contact types)")
    if any(t.to == name for c in scenario.contact_types.values() for t in c.transfers):
        return ErlangFigure(f"{NOT_DEFINED} (reached by transfers)")
    if ctype.self_service is not None:
        return ErlangFigure(f"{NOT_DEFINED} (a bot filters the arrivals)")
    agents = sum(roster_curve(p, horizon) for p in pools)  # on the phones, as planned
    assert isinstance(agents, np.ndarray), "validation: every contact type has a pool"
    rates = ctype.arrivals.rates_per_second(horizon)
    starts = horizon.interval_starts()
    measured = np.clip(
        (starts + horizon.interval - (horizon.open + horizon.warmup)) / horizon.interval, 0, 1
    )
    patience = ctype.patience.mean if ctype.patience is not None else None
    model = "Erlang A" if patience is not None else "Erlang C"
    notes: list[str] = []
    if ctype.patience is not None and not isinstance(ctype.patience, Exponential):
        notes.append("patience taken as exponential with the same mean")
    limited = ctype.queue_capacity is not None or ctype.lines is not None
    if limited:
        no_queue = ctype.queue_capacity == 0 and patience is None
        model = "Erlang B" if no_queue else f"{model} with finite lines"
    overloaded = 0
    sl = asa = abandon = blocked = 0.0
    w_sl = w_asa = w_offered = 0.0
    for rate, staff, share in zip(rates, agents, measured, strict=True):
        if share <= 0 or rate <= 0:
            continue
        weight = rate * share
        staff = int(round(staff))  # shifts, absenteeism, shrinkage: a mean over the interval
        if staff == 0:
            overloaded += 1
            w_sl += weight
            w_offered += weight
            abandon += weight * (1.0 if patience is not None or limited else 0.0)
            continue
        interval_lines = _interval_lines(ctype, staff)
        if interval_lines is not None:
            staff = min(staff, interval_lines)  # more agents than lines cannot all be busy
        try:
            m = _interval_measures(ctype, float(rate), staff, patience, interval_lines)
        except erlang.NoSteadyStateError:
            overloaded += 1
            w_sl += weight
            w_offered += weight
            continue
        accepted = weight * (1 - m.blocking)
        answered = weight * (1 - m.blocking - m.abandon_rate)
        sl += accepted * m.service_level
        asa += answered * m.asa
        abandon += weight * m.abandon_rate
        blocked += weight * m.blocking
        w_sl += accepted
        w_asa += answered
        w_offered += weight
    if not w_offered:
        return ErlangFigure(f"{NOT_DEFINED} (no contacts offered in the measured intervals)")
    if overloaded:
        notes.append(
            f"{overloaded} interval(s) have no steady state (load at or above agents): "
            "counted as service level 0"
        )
    if not isinstance(ctype.handle_time, Exponential) or ctype.wrap_up is not None:
        notes.append("handle time taken as exponential with the same mean (AHT)")
    if ctype.redial is not None or ctype.predicts_wait:
        notes.append("without redials, balking and callbacks")
    return ErlangFigure(
        model,
        service_level=sl / w_sl if w_sl else math.nan,
        asa=asa / w_asa if w_asa else math.nan,
        abandon_rate=abandon / w_offered if w_offered else math.nan,
        blocking=blocked / w_offered if w_offered else math.nan,
        notes=tuple(notes),
    )


def _interval_measures(
    ctype: ContactType, rate: float, agents: int, patience: float | None, lines: int | None
) -> erlang.QueueMeasures:
    """One interval as a steady-state queue; a handle time or patience of 0 as its limit."""
    if ctype.aht == 0:
        return erlang.handled_at_once(agents)
    if patience == 0:
        return erlang.hang_up_at_once(arrival_rate=rate, aht=ctype.aht, agents=agents, lines=lines)
    return erlang.analyse(
        arrival_rate=rate,
        aht=ctype.aht,
        agents=agents,
        threshold=ctype.service_level.threshold,
        patience=patience,
        lines=lines,
    )


def _interval_lines(ctype: ContactType, agents: int) -> int | None:
    """Trunk lines (agents + waiting places) implied by the queue capacity and line limit."""
    limits = []
    if ctype.queue_capacity is not None:
        limits.append(agents + ctype.queue_capacity)
    if ctype.lines is not None:
        limits.append(ctype.lines)
    return min(limits) if limits else None
