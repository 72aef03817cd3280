"""Routing: which agent takes an arriving contact, which contact a freed agent takes.

A routing policy makes exactly two decisions and nothing else:

* :meth:`RoutingPolicy.select_agent` — a contact arrives: which idle agent (of which pool)
  answers it, or ``None`` to let it wait;
* :meth:`RoutingPolicy.select_contact` — an agent becomes free: which waiting contact they
  take next, or ``None`` to let them idle.

To write your own policy, subclass :class:`RoutingPolicy`, implement the two methods using
the centre's ``pools`` and ``queues`` (see :meth:`RoutingPolicy.bind`), and pass an instance
to :func:`ccsim.simulate` with ``routing=``. Policies are called in the simulation's hot
path: precompute what you can in :meth:`bind`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccsim.model.centre import ContactCentre
    from ccsim.model.pools import AgentPool


class RoutingPolicy(ABC):
    """Base class of routing policies (the two routing decisions of an ACD)."""

    def bind(self, centre: ContactCentre) -> None:
        """Attach to a centre before the run: keep references, precompute lookups."""
        self.centre = centre

    @abstractmethod
    def select_agent(
        self, contact: int, contact_type: int, now: float
    ) -> tuple[AgentPool, int] | None:
        """Choose an idle agent for an arriving contact and remove them from the idle list."""

    @abstractmethod
    def select_contact(self, pool: AgentPool, now: float) -> int | None:
        """Choose the next contact for a free agent of ``pool`` and remove it from its queue."""


class StaticPriorityRouting(RoutingPolicy):
    """Static priorities, longest-idle agent, longest-waiting contact (the ACD default).

    * A contact arriving goes to the pool that ranks its type highest (``serves`` priority;
      ties by the order pools are listed in), to that pool's longest-idle agent; if no
      eligible pool has an idle agent it waits.
    * A free agent takes, among the types their pool serves with the highest priority that
      has anyone waiting, the contact that has waited longest.
    """

    def bind(self, centre: ContactCentre) -> None:
        super().bind(centre)
        n_types = len(centre.queues)
        by_type: list[list[tuple[int, int, AgentPool]]] = [[] for _ in range(n_types)]
        for order, pool in enumerate(centre.pools):
            for type_index, rank in pool.ranks.items():
                by_type[type_index].append((rank, order, pool))
        self._pools_for_type = [[p for _, _, p in sorted(entries)] for entries in by_type]
        self._groups = []
        for pool in centre.pools:
            ranks = sorted(set(pool.ranks.values()))
            self._groups.append(
                [[centre.queues[t] for t, r in pool.ranks.items() if r == rank] for rank in ranks]
            )
        self._entered = centre.entered

    def select_agent(
        self, contact: int, contact_type: int, now: float
    ) -> tuple[AgentPool, int] | None:
        for pool in self._pools_for_type[contact_type]:
            if pool.idle:
                return pool, pool.idle.popleft()
        return None

    def select_contact(self, pool: AgentPool, now: float) -> int | None:
        entered = self._entered
        for group in self._groups[pool.index]:
            best = None
            best_entered = float("inf")
            for queue in group:
                head = queue.first_waiting(now)
                if head is not None and entered[head] < best_entered:
                    best, best_entered = queue, entered[head]
            if best is not None:
                return best.take()
        return None
