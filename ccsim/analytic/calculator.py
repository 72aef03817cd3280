"""The planner's calculator: service level, ASA, abandonment and blocking of one queue.

:func:`analyse` picks the model from what is given — Erlang C (nobody abandons, no line
limit) from its closed forms; Erlang A (callers hang up after an exponential patience) and
trunk-line limits (M/M/c/K, with or without patience) from the exact birth–death chain in
:mod:`ccsim.analytic.chain`. The limits at 0 have functions of their own:
:func:`hang_up_at_once` (patience 0: Erlang B) and :func:`handled_at_once` (nothing to wait
for). The vocabulary and the decisions taken are in :mod:`ccsim.analytic.erlang`.
"""

from __future__ import annotations

import math

from ccsim.analytic import chain as erlang_chain
from ccsim.analytic.erlang_bc import erlang_b, erlang_c
from ccsim.analytic.steady_state import (
    NoSteadyStateError,
    QueueMeasures,
    checked_count,
    checked_number,
    clip_probability,
)


def analyse(
    *,
    arrival_rate: float,
    aht: float,
    agents: int,
    threshold: float,
    patience: float | None = None,
    lines: int | None = None,
) -> QueueMeasures:
    """Steady-state service level, ASA, abandonment, blocking and occupancy of one queue.

    Picks the model from what is given: neither ``patience`` nor ``lines`` is Erlang C;
    ``patience`` is Erlang A (callers hang up after an exponential patience with that mean);
    ``lines`` limits contacts in the system (``lines == agents`` is Erlang B), with or
    without patience.

    Args:
        arrival_rate: contacts offered per second (e.g. 100 per 30 min = 100 / 1800), >= 0.
        aht: average handle time (talk + hold + wrap-up) in seconds, > 0.
        agents: agents taking contacts (>= 1; 0 only when nothing is offered).
        threshold: service-level threshold in seconds (20 for an "80/20" target), >= 0.
        patience: mean patience of waiting callers in seconds (> 0), or None if nobody
            abandons.
        lines: trunk lines = agents + waiting places (>= agents), or None for no limit.

    Returns:
        The measures for this staffing.

    Raises:
        NoSteadyStateError: Erlang C (no patience, no line limit) with load >= agents, or a
            queue that would settle only at millions of callers (very long patience or
            very many lines at a load above the agents).
        ValueError: an argument is out of range; the message names it.
    """
    arrival_rate = checked_number("arrival_rate", arrival_rate, positive=False)
    aht = checked_number("aht", aht, positive=True)
    agents = checked_count("agents", agents, 1 if arrival_rate > 0 else 0)
    threshold = checked_number("threshold", threshold, positive=False, allow_inf=True)
    theta = 0.0
    if patience is not None:
        theta = 1.0 / checked_number("patience", patience, positive=True, allow_inf=True)
    if lines is not None:
        lines = checked_count("lines", lines, agents)  # lines count agents plus waiting places
    if arrival_rate == 0:
        return handled_at_once(agents)

    load = arrival_rate * aht
    if theta == 0.0 and lines is None:
        # Erlang C closed forms: a delayed caller's wait is exponential, rate c mu - lambda.
        p_wait = erlang_c(agents, load)
        spare_rate = (agents - load) / aht
        return QueueMeasures(
            agents=agents,
            p_wait=p_wait,
            service_level=1.0 - p_wait * math.exp(-spare_rate * threshold),
            asa=p_wait / spare_rate,
            abandon_rate=0.0,
            blocking=0.0,
            occupancy=load / agents,
        )

    try:
        fate = erlang_chain.outcomes(
            arrival_rate=arrival_rate,
            aht=aht,
            agents=agents,
            threshold=threshold,
            theta=theta,
            room=None if lines is None else lines - agents,
            erlang_b=erlang_b(agents, load),
        )
    except erlang_chain.QueueTooLongError as exc:
        given = "".join(
            (
                f", mean patience {patience:g} s" if theta else "",
                f", {lines} lines" if lines is not None else "",
            )
        )
        raise NoSteadyStateError(
            f"offered load {load:.6g} Erlangs on {agents} agents{given}: {exc}, so in practice "
            "the queue grows without bound; add agents, shorten the patience or lower the line "
            "limit"
        ) from exc
    accepted = fate.answered + fate.abandoned
    return QueueMeasures(
        agents=agents,
        p_wait=clip_probability(fate.waited / accepted),
        service_level=clip_probability(fate.answered_within / accepted),
        asa=fate.wait_of_answered / fate.answered if fate.answered > 0 else 0.0,
        abandon_rate=clip_probability(fate.abandoned),
        blocking=clip_probability(fate.blocked),
        # Carried load = answered contacts x AHT (flow balance), shared among the agents.
        occupancy=clip_probability(load * fate.answered / agents),
    )


def hang_up_at_once(
    *, arrival_rate: float, aht: float, agents: int, lines: int | None = None
) -> QueueMeasures:
    """Patience 0: a caller who finds every agent busy hangs up at once, so nobody waits.

    The Erlang B loss system, the limit of Erlang A as the mean patience shrinks to 0: the
    share lost is ``B(c, A)``, counted as abandoned (as the simulator counts a caller whose
    patience is 0), or as blocked when there is no waiting place at all (``lines ==
    agents``: the busy tone). Every caller who is answered is answered at once.

    Args:
        arrival_rate: contacts offered per second, >= 0.
        aht: average handle time in seconds, > 0.
        agents: agents ``c`` (>= 1; 0 only when nothing is offered).
        lines: trunk lines (>= agents), or None for no limit.
    """
    arrival_rate = checked_number("arrival_rate", arrival_rate, positive=False)
    load = arrival_rate * checked_number("aht", aht, positive=True)
    agents = checked_count("agents", agents, 1 if arrival_rate > 0 else 0)
    if lines is not None:
        lines = checked_count("lines", lines, agents)
    if arrival_rate == 0:
        return handled_at_once(agents)
    lost = erlang_b(agents, load)
    occupancy = clip_probability(load * (1.0 - lost) / agents)
    if lines == agents:  # no waiting place: the busy tone, not a hang-up
        return QueueMeasures(agents, 0.0, 1.0, 0.0, 0.0, lost, occupancy)
    return QueueMeasures(agents, lost, 1.0 - lost, 0.0, lost, 0.0, occupancy)


def handled_at_once(agents: int) -> QueueMeasures:
    """Nothing to wait for (nothing offered, or a handle time of 0, the limit as it shrinks):
    nobody waits or abandons, every contact is within the threshold, agents are never busy."""
    return QueueMeasures(agents, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
