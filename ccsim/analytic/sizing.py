"""How many agents: the fewest that meet a service-level target, and grossing up.

:func:`fewest_agents` answers "how many for 80/20?" with the calculator of
:mod:`ccsim.analytic.calculator` (Erlang C, A or a line limit, whichever the arguments
describe); :func:`gross_up` turns agents needed on the phones into agents to schedule once
shrinkage (breaks, meetings, training, absence) is allowed for.
"""

from __future__ import annotations

import math

from ccsim.analytic.calculator import analyse
from ccsim.analytic.steady_state import (
    NoSteadyStateError,
    QueueMeasures,
    checked_count,
    checked_number,
)


def fewest_agents(
    *,
    arrival_rate: float,
    aht: float,
    threshold: float,
    target: float,
    patience: float | None = None,
    lines: int | None = None,
    max_agents: int = 100_000,
) -> QueueMeasures:
    """The fewest agents whose service level meets the target ("how many for 80/20?").

    Service level rises with every agent added, so the answer is found by galloping out
    from the offered load (doubling the step) until the target is bracketed, then bisecting:
    a few dozen evaluations even for thousands of agents. Without patience or lines the
    search starts above the offered load, since Erlang C needs ``agents > load``.

    Args:
        arrival_rate: contacts offered per second, >= 0.
        aht: average handle time in seconds, > 0.
        threshold: service-level threshold in seconds, >= 0.
        target: required service level as a fraction in [0, 1] (0.8 for 80/20).
        patience: mean patience in seconds, or None if nobody abandons.
        lines: trunk lines (agents + waiting places), or None for no limit. Agents never
            exceed the lines; with ``agents == lines`` nobody waits, so a target is always met.
        max_agents: give up above this many agents.

    Returns:
        The measures at the fewest sufficient agents (0 agents when nothing is offered).

    Raises:
        ValueError: an argument is out of range, or the target needs more than
            ``max_agents`` agents.
    """
    target = checked_number("target", target, positive=False)
    if target > 1.0:
        raise ValueError(f"target must be a fraction between 0 and 1, got {target!r}")
    max_agents = checked_count("max_agents", max_agents, 1)

    def measure(agents: int) -> QueueMeasures:
        return analyse(
            arrival_rate=arrival_rate,
            aht=aht,
            agents=agents,
            threshold=threshold,
            patience=patience,
            lines=lines,
        )

    if checked_number("arrival_rate", arrival_rate, positive=False) == 0:
        return measure(0)
    load = arrival_rate * checked_number("aht", aht, positive=True)
    never_abandon = patience is None or math.isinf(patience)
    lowest = math.floor(load) + 1 if never_abandon and lines is None else 1
    highest = max_agents if lines is None else min(max_agents, checked_count("lines", lines, 1))
    if lowest > highest:
        raise ValueError(
            f"max_agents={max_agents} cannot carry an offered load of {load:.6g} Erlangs"
        )

    cache: dict[int, QueueMeasures] = {}

    def meets(agents: int) -> bool:
        if agents not in cache:
            try:
                cache[agents] = measure(agents)
            except NoSteadyStateError:  # hopelessly overloaded (only with near-endless patience)
                return False
        return cache[agents].service_level >= target

    # Gallop from the offered load (doubling the step) until the answer is bracketed.
    start = min(max(math.ceil(load), lowest), highest)
    step = 1
    if meets(start):
        good, bad = start, lowest - 1  # `bad` below the floor: "nothing smaller to try"
        while good > lowest:
            probe = max(good - step, lowest)
            if not meets(probe):
                bad = probe
                break
            good, step = probe, 2 * step
    else:
        bad = start
        while True:
            if bad == highest:
                raise ValueError(
                    f"target service level {target:g} needs more than {highest} agents "
                    f"(max_agents={max_agents}, lines={lines})"
                )
            probe = min(bad + step, highest)
            if meets(probe):
                good = probe
                break
            bad, step = probe, 2 * step
    while good - bad > 1:  # bisect: `bad` misses (or is below the floor), `good` meets
        middle = (good + bad) // 2
        if meets(middle):
            good = middle
        else:
            bad = middle
    return cache[good]


def gross_up(agents: int, shrinkage: float) -> int:
    """Agents to schedule so that ``agents`` are still on the phones after shrinkage.

    Shrinkage is the share of paid time lost to breaks, meetings, training and absence; a
    planner "grosses up" the Erlang answer: ``ceil(agents / (1 - shrinkage))``. 14 agents at
    30 % shrinkage need 20 scheduled (in floating point 14 / 0.7 is 20.000000000000004, which
    must not become 21).

    Args:
        agents: agents needed on the phones, >= 0.
        shrinkage: fraction of scheduled time unavailable, ``0 <= shrinkage < 1``.

    Returns:
        Agents to schedule.

    Raises:
        ValueError: ``agents`` negative or ``shrinkage`` outside [0, 1).
    """
    agents = checked_count("agents", agents, 0)
    shrinkage = checked_number("shrinkage", shrinkage, positive=False)
    if shrinkage >= 1.0:
        raise ValueError(f"shrinkage must be a fraction in [0, 1), got {shrinkage!r}")
    needed = agents / (1.0 - shrinkage)
    nearest = round(needed)
    # Binary fractions make 14 / (1 - 0.3) a hair above 20: forgive rounding noise first.
    if abs(needed - nearest) <= 1e-9 * max(1.0, needed):
        return int(nearest)
    return math.ceil(needed)
