"""Pools of agents: who is on duty, who is idle, and how staffing changes over the day.

An agent is a number. A pool keeps its idle agents in a deque ordered by the moment they
became idle, so the longest-idle agent is at the left. Staffing is a *target*: when it rises,
new agents come on duty at once; when it falls, idle agents leave at once and busy agents
leave as soon as they finish the contact in hand (never cutting a contact off), which is
recorded as overtime in the on-duty trace. At closing time the agents on duty first serve
the contacts still waiting for them, then leave.
"""

from __future__ import annotations

from collections import deque


class AgentPool:
    """The run-time state of one pool of agents.

    Attributes:
        name: the pool's name in the scenario.
        index: its position among the scenario's pools.
        ranks: contact-type index → priority (1 = highest) of the types this pool serves.
        idle: idle agents, longest idle first.
        on_duty: agents on duty now (idle, busy, or finishing after their scheduled end).
        target: agents the schedule asks for now.
        closing: the centre is closed: agents serve what is waiting, then leave.
        reserve: idle agents kept for the pool's priority-1 contact types.
        slots: chats an agent may hold at once (``max_concurrency``).
        load: open chats of every agent (shared across pools, by agent number); an agent
            with open chats is never idle-listed, so calls and emails never reach them.
    """

    __slots__ = (
        "name",
        "index",
        "ranks",
        "idle",
        "on_duty",
        "target",
        "closing",
        "reserve",
        "size",
        "slots",
        "most_loaded",
        "load",
        "partial",
        "offering_slot",
        "calls_while_chatting",
        "calling",
        "_off_duty",
        "trace_times",
        "trace_counts",
    )

    def __init__(
        self,
        name: str,
        index: int,
        ranks: dict[int, int],
        first_agent: int,
        size: int,
        reserve: int = 0,
        slots: int = 1,
        most_loaded: bool = False,
        load: list[int] | None = None,
        calls_while_chatting: bool = False,
    ):
        self.name = name
        self.index = index
        self.ranks = ranks
        self.reserve = reserve
        self.size = size
        self.slots = slots
        self.most_loaded = most_loaded
        # Chats: open chats per agent (shared, by agent number), and the agents with some but
        # not all slots taken, by how many are open (insertion-ordered: first come first).
        self.load = load if load is not None else []
        self.partial: list[dict[int, None]] = [{} for _ in range(slots)]
        self.offering_slot = False  # a chat slot of a busy agent is being filled
        self.calls_while_chatting = calls_while_chatting
        self.calling: set[int] = set()  # agents on a call taken while chatting
        self.idle: deque[int] = deque()
        self.on_duty = 0
        self.target = 0
        self.closing = False
        # Off-duty agent numbers, lowest on top, so numbers stay small and stable.
        self._off_duty = list(range(first_agent + size - 1, first_agent - 1, -1))
        self.trace_times: list[float] = []
        self.trace_counts: list[int] = []

    def come_on_duty(self) -> int:
        """Bring one more agent on duty and return their number."""
        self.on_duty += 1
        return self._off_duty.pop()

    def add_agents(self, numbers: range) -> None:
        """More agents than the schedule ever asks for (a live change): new numbers, used
        after the pool's own."""
        self._off_duty[:0] = reversed(numbers)
        self.size += len(numbers)

    def go_off_duty(self, agent: int, now: float) -> None:
        """Send ``agent`` home (they are not idle-listed any more)."""
        self.on_duty -= 1
        self._off_duty.append(agent)
        self.record(now)

    def take_slot(self) -> int | None:
        """An agent with a free chat slot (least or most loaded first), now holding one more."""
        if self.most_loaded:
            for load in range(self.slots - 1, 0, -1):
                if self.partial[load]:
                    return self.add_chat(next(iter(self.partial[load])))
            return self.add_chat(self.idle.popleft()) if self.idle else None
        if self.idle:
            return self.add_chat(self.idle.popleft())
        for load in range(1, self.slots):
            if self.partial[load]:
                return self.add_chat(next(iter(self.partial[load])))
        return None

    def add_chat(self, agent: int) -> int:
        """``agent`` (not idle-listed) takes one more chat; returns the agent."""
        old = self.load[agent]
        if old:
            del self.partial[old][agent]
        if old + 1 < self.slots:
            self.partial[old + 1][agent] = None
        self.load[agent] = old + 1
        return agent

    def end_chat(self, agent: int) -> int:
        """One of ``agent``'s chats ended; returns how many they still hold."""
        old = self.load[agent]
        left = old - 1
        self.load[agent] = left
        if agent in self.calling:  # on a call: out of the slot lists until it ends
            return left
        if old < self.slots:
            del self.partial[old][agent]
        if left:
            self.partial[left][agent] = None
        return left

    def take_for_call(self) -> int | None:
        """With ``calls_while_chatting``: the agent with the fewest open chats (and a free
        slot) takes a call; they take no new chat until it ends."""
        for load in range(1, self.slots):
            if self.partial[load]:
                agent = next(iter(self.partial[load]))
                del self.partial[load][agent]
                self.calling.add(agent)
                return agent
        return None

    def end_call(self, agent: int) -> int:
        """A call taken while chatting ended; returns the chats still open (back in the
        slot lists if any)."""
        self.calling.discard(agent)
        left = self.load[agent]
        if left:
            self.partial[left][agent] = None
        return left

    def record(self, now: float) -> None:
        """Note the number on duty from ``now`` on (one trace point per change)."""
        if self.trace_times and self.trace_times[-1] == now:
            self.trace_counts[-1] = self.on_duty
        else:
            self.trace_times.append(now)
            self.trace_counts.append(self.on_duty)
