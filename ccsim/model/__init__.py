"""The SimPy model of a contact centre: arrivals, queues, pools of agents and routing.

The model is driven by SimPy events with callbacks rather than one generator process per
contact: every contact costs a handful of callbacks and list writes, and all random numbers
are drawn in vectorised batches before the run (see DESIGN.md, Performance).
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
