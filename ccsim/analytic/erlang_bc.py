"""Erlang B and Erlang C: the planner's closed forms for one queue of identical agents.

* **Erlang B** (loss system): there is no queue; a contact that finds every agent (or trunk
  line) busy is blocked. ``B(c, A)`` is the share blocked.
* **Erlang C** (delay system, M/M/c): nobody leaves; ``C(c, A)`` is the probability that a
  contact has to wait, meaningful only when the offered load ``A`` is below the agents ``c``.

Both assume Poisson arrivals and exponential handle times; ``A = arrival_rate * aht`` in
Erlangs. The full calculator built on them is :func:`ccsim.analytic.erlang.analyse`.
"""

from __future__ import annotations

from ccsim.analytic.steady_state import checked_count, checked_number, no_steady_state


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
    agents = checked_count("agents", agents, 0)
    load = checked_number("load", load, positive=False)
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
    agents = checked_count("agents", agents, 1)
    load = checked_number("load", load, positive=False)
    if load >= agents:
        raise no_steady_state(load, agents)
    blocking = erlang_b(agents, load)
    return blocking / (1.0 - load / agents * (1.0 - blocking))
