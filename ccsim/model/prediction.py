"""Wait prediction: what a caller is told on arrival, and what callback offers go by.

Two simple predictors that real ACDs use:

* ``queue_position``: (contacts waiting ahead + 1) × AHT / agents on duty who serve the type
  at once — the position-based estimate of a fluid FIFO queue;
* ``last_to_enter``: the wait of the last caller of the type to reach an agent (LES).

Their accuracy is a measure (see :mod:`ccsim.measures.journeys`): announced against actual wait.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccsim.model.protocol import Centre
    from ccsim.model.queues import ContactQueue


class WaitPredictor:
    """Predicts the wait of a contact about to join a queue."""

    def __init__(self, centre: Centre):
        scenario = centre.scenario
        self._position = [
            ctype.wait_predictor == "queue_position" for ctype in scenario.contact_types.values()
        ]
        self._aht = [ctype.aht for ctype in scenario.contact_types.values()]
        # Pools that serve each type without an overflow delay: their agents work the line.
        self._pools = [
            [
                pool
                for pool, spec in zip(centre.pools, scenario.pools.values(), strict=True)
                if name in spec.serves and spec.serves[name].after == 0
            ]
            for name in scenario.contact_types
        ]
        self.last_wait = [0.0] * len(self._aht)

    def predict(self, queue: ContactQueue) -> float:
        """Predicted wait (seconds) of a contact joining ``queue`` now (inf: nobody on duty)."""
        t = queue.index
        if not self._position[t]:
            return self.last_wait[t]
        agents = sum(pool.on_duty for pool in self._pools[t])
        if agents == 0:
            return math.inf
        return (queue.n_waiting + 1) * self._aht[t] / agents

    def answered(self, contact_type: int, wait: float) -> None:
        """A caller of ``contact_type`` reached an agent after ``wait`` seconds."""
        self.last_wait[contact_type] = wait
