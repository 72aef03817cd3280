"""What the model's helpers may see of the centre, and ask of it, as a :class:`typing.Protocol`.

The helpers — routing, customer journeys, wait prediction, blending, the outbound dialer,
the agents — are built by :class:`ccsim.model.centre.ContactCentre` and work inside its event
loop, but they do not import it: they see the centre only through :class:`Centre` below, a
handful of read-only state (the scenario, the clock, the contact book, queues and pools) and
the few moves of the event loop they may trigger (admit a contact, end one unanswered,
schedule a later contact, free an agent). That keeps the dependencies one way — the centre
knows its helpers, the helpers know this protocol — and tells the next engineer exactly
which part of the centre a helper relies on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import simpy

    from ccsim.model.contacts import ContactBook
    from ccsim.model.pools import AgentPool
    from ccsim.model.queues import ContactQueue
    from ccsim.model.streams import RandomStreams
    from ccsim.scenario import Scenario


class Router(Protocol):
    """The two routing decisions (see :class:`ccsim.model.routing.RoutingPolicy`)."""

    def select_agent(
        self, contact: int, contact_type: int, now: float
    ) -> tuple[AgentPool, int] | None:
        """An idle agent for ``contact`` (removed from the idle list), or None: it waits."""
        ...

    def select_contact(self, pool: AgentPool, now: float) -> int | None:
        """The next contact for a free agent of ``pool`` (taken off its queue), or None."""
        ...


class Centre(Protocol):
    """The centre of one replication, as its helpers see it."""

    @property
    def scenario(self) -> Scenario:
        """The validated scenario being simulated."""
        ...

    @property
    def streams(self) -> RandomStreams:
        """The replication's named random streams."""
        ...

    @property
    def env(self) -> simpy.Environment:
        """The SimPy calendar (``env.now`` is the clock)."""
        ...

    @property
    def book(self) -> ContactBook:
        """Every contact of the replication, as columns."""
        ...

    @property
    def pools(self) -> list[AgentPool]:
        """The pools of agents, in scenario order."""
        ...

    @property
    def idle_since(self) -> list[float]:
        """When each agent (by number) last became idle."""
        ...

    @property
    def queues(self) -> list[ContactQueue]:
        """One queue per contact type, in scenario order."""
        ...

    @property
    def callback_queues(self) -> list[ContactQueue | None]:
        """Per contact type: its queue of callbacks waiting for an agent (None: none)."""
        ...

    @property
    def deferrable_queues(self) -> list[ContactQueue]:
        """The queues of deferrable work (email): paused while the centre is closed."""
        ...

    @property
    def routing(self) -> Router:
        """The routing policy of the run."""
        ...

    def admit(self, contact: int, now: float) -> None:
        """``contact`` arrives at its queue now: blocked, answered, or waiting."""
        ...

    def lose(self, contact: int, outcome: int, now: float) -> None:
        """``contact`` ends now without an agent (blocked, balked): record it."""
        ...

    def queue_callback(self, contact: int, now: float) -> None:
        """A callback attempt is due: an idle agent dials now, or it waits its turn."""
        ...

    def schedule_contact(self, contact: int, delay: float) -> None:
        """A contact created now (a redial, a callback retry) arrives later."""
        ...

    def schedule_release(self, contact: int, delay: float) -> None:
        """The agent kept on ``contact`` for a warm handover hangs up after ``delay``."""
        ...

    def schedule_handled(self, contact: int, delay: float) -> None:
        """The agent finishes (the rest of) ``contact`` after ``delay``."""
        ...

    def take(self, pool: AgentPool, agent: int, contact: int, now: float) -> None:
        """A free ``agent`` of ``pool`` answers ``contact`` now."""
        ...

    def free_agent(self, pool: AgentPool, agent: int, now: float) -> None:
        """``agent`` of ``pool`` is free now: go home, take a contact, dial out or idle."""
        ...
