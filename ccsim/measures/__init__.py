"""Measures: the records of one replication turned into the figures planners read.

Owns what every measure *is* (its kind, bounds, label and headline, in ``catalogue``) and
how it is computed: counts on the interval grid, contact-side ratios (service level, ASA,
abandonment), pool-side figures (occupancy, hours, cost), customer journeys, and the
per-interval table. May import ``ccsim.records``, ``ccsim.scenario``, ``ccsim.timeline`` and
the other foundations; never the model that produced the records, and never the layers that
summarise or show the measures.
"""

from ccsim.measures.replication import ReplicationMeasures, measure

__all__ = ["ReplicationMeasures", "measure"]
