"""Measures: the records of one replication turned into the figures planners read.

Owns what every measure *is* (its kind, bounds, label and headline, in ``catalogue``) and
how it is computed: counts on the interval grid, contact-side ratios (service level, ASA,
abandonment), pool-side figures (occupancy, hours, cost), customer journeys, and the
per-interval table. May import ``ccsim.records``, ``ccsim.scenario``, ``ccsim.timeline`` and
the other foundations; never the model that produced the records, and never the layers that
summarise or show the measures.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccsim.measures.replication import ReplicationMeasures, measure

__all__ = ["ReplicationMeasures", "measure"]


def __getattr__(name: str):
    # Loaded on first use: the catalogue alone (labels and formats for the output layer)
    # must not import pandas, which ccsim intraday answering live cannot afford.
    if name in __all__:
        from ccsim.measures import replication

        return getattr(replication, name)
    raise AttributeError(f"module 'ccsim.measures' has no attribute {name!r}")
