"""One skill of a pool as routing sees it: which queue, at what rank, after what delay.

:class:`Eligibility` is the unit the routing policies (:mod:`ccsim.model.routing`) walk
through for every arrival and every freed agent: per contact type the skills of the pools
serving it, per pool its queues by rank. What can be settled before the run about a skill
(``unconditional``, ``plain_head``) is set once by :meth:`ccsim.model.routing.SkillRouting.bind`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccsim.model.pools import AgentPool
    from ccsim.model.queues import ContactQueue


class Eligibility:
    """One (contact type, pool) skill as routing sees it (slotted: read in the hot path)."""

    __slots__ = (
        "pool",
        "queue",
        "rank",
        "type_priority",
        "after",
        "primary",
        "chat",
        "unconditional",
        "plain_head",
    )

    def __init__(
        self,
        pool: AgentPool,
        queue: ContactQueue,
        rank: int,
        type_priority: int,
        after: float,
        primary: bool,
        chat: bool = False,
    ):
        self.pool = pool
        self.queue = queue
        self.rank = rank  # the pool's priority for the type (1 = highest)
        self.type_priority = type_priority  # the contact type's own priority, for ties
        self.after = after  # overflow delay
        self.primary = primary  # a priority-1 type of the pool (reserved agents may take it)
        self.chat = chat  # agents take it into a free chat slot (several at once)
        # A primary skill without delay: may_serve() always says yes (SkillRouting.bind sets
        # it, and keeps it False for a policy with its own may_serve()).
        self.unconditional = False
        # eligible_head() is the queue's first_waiting() unless the queue is paused: a chat
        # slot being offered cannot bar it, no reserve to keep, no overflow delay (set in
        # bind, likewise).
        self.plain_head = False

    def with_queue(self, queue: ContactQueue) -> Eligibility:
        """The same skill applied to another queue (the type's callback queue), no delay."""
        return Eligibility(
            self.pool, queue, self.rank, self.type_priority, 0.0, self.primary, self.chat
        )
