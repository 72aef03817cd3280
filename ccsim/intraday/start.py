"""From the state file to the model's starting point (names to indexes, clock to seconds).

The backlog's items become waiting contacts of their age, an agent in after-call work a
contact in service whose wrap-up is under way, and an agent on a break a pool's agent due back
at ``until`` (see :mod:`ccsim.model.warm_start` for what the model does with each).
"""

from __future__ import annotations

from ccsim.intraday.state import CentreState, check_against
from ccsim.model.warm_start import ContactInService, StartState, WaitingContact
from ccsim.scenario import Scenario
from ccsim.units import DAY


def start_state(state: CentreState, scenario: Scenario, source: str = "<state>") -> StartState:
    """The model's :class:`~ccsim.model.warm_start.StartState` of ``state`` in ``scenario``.

    Raises:
        StateError: the state does not fit the scenario (see
            :func:`~ccsim.intraday.state.check_against`).
    """
    check_against(state, scenario, source)
    types, pools = list(scenario.contact_types), list(scenario.pools)
    on_duty = [a for a in state.agents if a.state != "break"]
    number = {a.id: k for k, a in enumerate(on_duty)}
    waiting = [
        WaitingContact(types.index(w.type), w.waited, w.attempt, w.callback) for w in state.waiting
    ]
    waiting += [
        WaitingContact(types.index(b.type), b.age) for b in state.backlog for _ in range(b.count)
    ]
    in_service = [
        ContactInService(
            types.index(c.type), number[c.agent], c.spent, whole_handle=c.includes_wrap_up
        )
        for c in state.in_service
    ]
    in_service += [
        ContactInService(types.index(a.type), number[a.id], a.spent, wrap_up_only=True)
        for a in on_duty
        if a.state == "after_call_work" and a.type is not None
    ]
    breaks = tuple(
        (pools.index(a.pool), state.day * DAY + a.until)
        for a in state.agents
        if a.state == "break" and a.until is not None
    )
    return StartState(
        time=state.seconds,
        agents=tuple(pools.index(a.pool) for a in on_duty),
        waiting=tuple(waiting),
        in_service=tuple(in_service),
        breaks=breaks,
    )
