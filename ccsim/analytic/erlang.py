"""Analytic queueing formulas that contact-centre planners use: Erlang B, C and A.

These are the "back of the envelope" answers the simulator is checked against, and what a
planner reaches for first. All of them assume Poisson arrivals (at a constant rate) and
exponential handle times, one queue served first come, first served by identical agents.

Vocabulary (all times in **seconds**, all rates **per second**):

* **offered load** ``A = arrival_rate * aht``, in **Erlangs**: how many agents would be busy
  on average if every contact were handled. 100 calls per 30 min at 180 s AHT is 10 Erlangs.
* **Erlang B** (loss system): there is no queue; a contact that finds every agent busy is
  blocked. ``B(c, A)`` is the share of contacts blocked.
* **Erlang C** (delay system, M/M/c): nobody leaves; ``C(c, A)`` is the probability that a
  contact has to wait. Only meaningful when ``A < c``; otherwise the queue grows without bound.
* **Erlang A** (M/M/c+M): waiting callers abandon after an exponential patience. Always has a
  steady state, even when the load exceeds the agents, because impatient callers shed load.
* **lines** (trunk capacity): at most ``lines`` contacts in the system, being handled or
  waiting; the rest are blocked. ``lines == agents`` is Erlang B, ``lines > agents`` M/M/c/K.

Measures, as :class:`QueueMeasures` (same definitions as the simulator, see DESIGN.md):

* **service level** = answered within the threshold / (answered + abandoned); blocked contacts
  are excluded, and a caller who hangs up before the threshold counts against it.
* **ASA** (average speed of answer) = mean wait of *answered* contacts, zero waits included.
* **abandon rate** and **blocking** are shares of *offered* contacts (blocked included).
* **occupancy** = carried load / agents: the share of time agents are busy with contacts.

Erlang B and C use their classic closed forms. Erlang A and line limits use the exact
birth–death chain in :mod:`ccsim.analytic.chain`, which agrees with the closed forms in their
limits (tested). Decisions taken where DESIGN.md is silent:

* ``agents == 0`` is accepted only when nothing is offered (``arrival_rate == 0``), where
  every measure takes its "nothing happened" value: SL 1, ASA 0, all rates 0.
* ``patience=math.inf`` means nobody abandons (the same as ``None``); a patience so long
  that it cannot matter gives the Erlang C answer (its limit), however long it is.
* ``analyse`` wants a patience and a handle time above 0. Their limits at 0 are
  :func:`hang_up_at_once` (callers who find every agent busy hang up at once: Erlang B, the
  limit of Erlang A as the patience shrinks, tested) and :func:`handled_at_once`.
* With a line limit, adding agents removes waiting places; at ``agents == lines`` no accepted
  contact ever waits, so the service level is 1 (blocking shows the cost instead).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass

from ccsim.analytic import chain as erlang_chain

__all__ = [
    "NoSteadyStateError",
    "QueueMeasures",
    "analyse",
    "erlang_b",
    "erlang_c",
    "fewest_agents",
    "gross_up",
    "handled_at_once",
    "hang_up_at_once",
]


class NoSteadyStateError(ValueError):
    """The queue has no steady state: offered load >= agents, nobody abandons, no line limit.

    Every hour more work arrives than the agents can handle, so the queue (and every wait)
    keeps growing; averages such as ASA do not exist. Also raised when a steady state exists
    only on paper: callers so patient (or so many lines) that the queue would settle at
    millions of waiting callers, which no real day ever reaches.
    """


def _no_steady_state(load: float, agents: int) -> NoSteadyStateError:
    return NoSteadyStateError(
        f"offered load {load:.6g} Erlangs >= {agents} agents: the queue grows without bound; "
        "add agents, patience or a line limit"
    )


@dataclass(frozen=True)
class QueueMeasures:
    """Steady-state performance of one queue with a fixed number of agents.

    Attributes:
        agents: agents logged in and available to take contacts.
        p_wait: probability that an accepted (not blocked) contact has to wait at all.
        service_level: answered within the threshold / (answered + abandoned); blocked
            contacts are excluded.
        asa: average speed of answer, the mean wait of answered contacts in seconds.
        abandon_rate: abandoned / offered (offered includes blocked contacts).
        blocking: blocked / offered, the share that found every trunk line taken.
        occupancy: carried load / agents, the share of agent time spent handling contacts.
    """

    agents: int
    p_wait: float
    service_level: float
    asa: float
    abandon_rate: float
    blocking: float
    occupancy: float

    def as_dict(self) -> dict[str, float | int]:
        """The measures as a plain dict (keys: p_wait, service_level, asa, abandon_rate,
        blocking, occupancy, agents), e.g. for a results table."""
        values = asdict(self)
        keys = ("p_wait", "service_level", "asa", "abandon_rate", "blocking", "occupancy")
        return {**{key: values[key] for key in keys}, "agents": self.agents}


# --- argument checks: every error names the argument and what is allowed -------------------


def _count(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def _number(name: str, value: object, *, positive: bool, allow_inf: bool = False) -> float:
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    number = float(value) if ok else math.nan  # type: ignore[arg-type]
    if not ok or math.isnan(number) or (math.isinf(number) and not allow_inf):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if number < 0 or (positive and number == 0):
        raise ValueError(f"{name} must be {'> 0' if positive else '>= 0'}, got {value!r}")
    return number


# --- closed forms ---------------------------------------------------------------------------


def erlang_b(agents: int, load: float) -> float:
    """Erlang B: share of contacts blocked when there is no queue at all.

    ``B(c, A) = (A^c / c!) / sum_{k=0..c} A^k / k!`` for ``c`` agents (or trunk lines) and an
    offered load of ``A`` Erlangs. Computed with the recursion
    ``B(0) = 1, B(n) = A B(n-1) / (n + A B(n-1))``, which never overflows (no factorials) and
    stays accurate for many thousands of agents.

    Args:
        agents: number of agents or lines ``c`` (>= 0; 0 agents block everything).
        load: offered load ``A`` in Erlangs (arrival rate x AHT), >= 0.

    Returns:
        The blocking probability, in [0, 1].
    """
    agents = _count("agents", agents, 0)
    load = _number("load", load, positive=False)
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = load * blocking / (n + load * blocking)
    return blocking


def erlang_c(agents: int, load: float) -> float:
    """Erlang C: probability that a contact has to wait (M/M/c, nobody abandons).

    ``C(c, A) = B / (1 - (A / c) (1 - B))`` with ``B = erlang_b(c, A)``, the textbook link
    between the loss and the delay system, which is stable where the factorial form is not.

    Args:
        agents: agents ``c`` >= 1.
        load: offered load ``A`` in Erlangs, ``0 <= A < c``.

    Returns:
        The probability of waiting, in [0, 1).

    Raises:
        NoSteadyStateError: ``load >= agents``; the queue would grow without bound.
    """
    agents = _count("agents", agents, 1)
    load = _number("load", load, positive=False)
    if load >= agents:
        raise _no_steady_state(load, agents)
    blocking = erlang_b(agents, load)
    return blocking / (1.0 - load / agents * (1.0 - blocking))


# --- the planner's calculator ----------------------------------------------------------------


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
    arrival_rate = _number("arrival_rate", arrival_rate, positive=False)
    aht = _number("aht", aht, positive=True)
    agents = _count("agents", agents, 1 if arrival_rate > 0 else 0)
    threshold = _number("threshold", threshold, positive=False, allow_inf=True)
    theta = 0.0
    if patience is not None:
        theta = 1.0 / _number("patience", patience, positive=True, allow_inf=True)
    if lines is not None:
        lines = _count("lines", lines, agents)  # lines count agents plus waiting places
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
        p_wait=_clip(fate.waited / accepted),
        service_level=_clip(fate.answered_within / accepted),
        asa=fate.wait_of_answered / fate.answered if fate.answered > 0 else 0.0,
        abandon_rate=_clip(fate.abandoned),
        blocking=_clip(fate.blocked),
        # Carried load = answered contacts x AHT (flow balance), shared among the agents.
        occupancy=_clip(load * fate.answered / agents),
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
    arrival_rate = _number("arrival_rate", arrival_rate, positive=False)
    load = arrival_rate * _number("aht", aht, positive=True)
    agents = _count("agents", agents, 1 if arrival_rate > 0 else 0)
    if lines is not None:
        lines = _count("lines", lines, agents)
    if arrival_rate == 0:
        return handled_at_once(agents)
    lost = erlang_b(agents, load)
    occupancy = _clip(load * (1.0 - lost) / agents)
    if lines == agents:  # no waiting place: the busy tone, not a hang-up
        return QueueMeasures(agents, 0.0, 1.0, 0.0, 0.0, lost, occupancy)
    return QueueMeasures(agents, lost, 1.0 - lost, 0.0, lost, 0.0, occupancy)


def handled_at_once(agents: int) -> QueueMeasures:
    """Nothing to wait for (nothing offered, or a handle time of 0, the limit as it shrinks):
    nobody waits or abandons, every contact is within the threshold, agents are never busy."""
    return QueueMeasures(agents, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0)


def _clip(probability: float) -> float:
    # Sums of many tiny terms can overshoot 1 by an ulp; a planner should never see 1.0000001.
    return min(1.0, max(0.0, probability))


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
    target = _number("target", target, positive=False)
    if target > 1.0:
        raise ValueError(f"target must be a fraction between 0 and 1, got {target!r}")
    max_agents = _count("max_agents", max_agents, 1)

    def measure(agents: int) -> QueueMeasures:
        return analyse(
            arrival_rate=arrival_rate,
            aht=aht,
            agents=agents,
            threshold=threshold,
            patience=patience,
            lines=lines,
        )

    if _number("arrival_rate", arrival_rate, positive=False) == 0:
        return measure(0)
    load = arrival_rate * _number("aht", aht, positive=True)
    never_abandon = patience is None or math.isinf(patience)
    lowest = math.floor(load) + 1 if never_abandon and lines is None else 1
    highest = max_agents if lines is None else min(max_agents, _count("lines", lines, 1))
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
    agents = _count("agents", agents, 0)
    shrinkage = _number("shrinkage", shrinkage, positive=False)
    if shrinkage >= 1.0:
        raise ValueError(f"shrinkage must be a fraction in [0, 1), got {shrinkage!r}")
    needed = agents / (1.0 - shrinkage)
    nearest = round(needed)
    # Binary fractions make 14 / (1 - 0.3) a hair above 20: forgive rounding noise first.
    if abs(needed - nearest) <= 1e-9 * max(1.0, needed):
        return int(nearest)
    return math.ceil(needed)
