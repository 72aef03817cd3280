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

Where each piece lives: the measures and the no-steady-state error in
:mod:`~ccsim.analytic.steady_state`, Erlang B and C in :mod:`~ccsim.analytic.erlang_bc`,
:func:`analyse` and its limits in :mod:`~ccsim.analytic.calculator`, :func:`fewest_agents` and
:func:`gross_up` in :mod:`~ccsim.analytic.sizing`; import them from here.
"""

from __future__ import annotations

# The formulas live one concept a module; this module is their one public address (what the
# tests, the docs and the rest of ccsim import).
from ccsim.analytic.calculator import analyse, handled_at_once, hang_up_at_once
from ccsim.analytic.erlang_bc import erlang_b, erlang_c
from ccsim.analytic.sizing import fewest_agents, gross_up
from ccsim.analytic.steady_state import NoSteadyStateError, QueueMeasures

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
