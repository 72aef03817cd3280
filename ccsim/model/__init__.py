"""The SimPy model of a contact centre: one replication from scenario to records.

The model is driven by SimPy events with callbacks rather than one generator process per
contact: every contact costs a handful of callbacks and list writes, and all random numbers
are drawn in vectorised batches before the run (see DESIGN.md, Performance).

Where things live: :mod:`~ccsim.model.centre` runs the event loop (``ContactCentre``,
``simulate``); :mod:`~ccsim.model.agents` and :mod:`~ccsim.model.pools` hold the agents
(who is idle, busy or chatting, what a freed agent does); :mod:`~ccsim.model.queues` and
:mod:`~ccsim.model.contacts` the waiting contacts and every contact's columns (and their
settlement at the end of the horizon); :mod:`~ccsim.model.handling` every handle-time rule;
:mod:`~ccsim.model.routing`, :mod:`~ccsim.model.journeys`, :mod:`~ccsim.model.prediction`,
:mod:`~ccsim.model.blending` and :mod:`~ccsim.model.outbound` the decisions beyond the
event loop, each seeing the centre only through :mod:`~ccsim.model.protocol`;
:mod:`~ccsim.model.arrivals`, :mod:`~ccsim.model.staffing` and :mod:`~ccsim.model.streams`
what is drawn before the run; :mod:`~ccsim.model.calendar` is SimPy's calendar with the first
attempts merged in, :mod:`~ccsim.model.overflow` the overflow timers and
:mod:`~ccsim.model.single_queue` the lean path of a one-queue, one-pool centre (issue 15: same
records, about half the time per caller). The model imports only the layers below it (the
foundations, the scenario schema and the records); nothing below it imports the model.
"""

from ccsim.model.centre import ContactCentre, simulate
from ccsim.model.routing import (
    LongestIdleRouting,
    PriorityAgingRouting,
    RoutingPolicy,
    SkillRouting,
    StaticPriorityRouting,
)

__all__ = [
    "ContactCentre",
    "LongestIdleRouting",
    "PriorityAgingRouting",
    "RoutingPolicy",
    "SkillRouting",
    "StaticPriorityRouting",
    "simulate",
]
