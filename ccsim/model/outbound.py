"""The outbound dialer: campaign calls for agents who would otherwise go idle.

Inbound comes first: the dialer is asked only when a freed agent finds no inbound contact to
take (:meth:`OutboundDialer.dial`). It also wakes idle agents when a campaign's daily window
opens and when an unreached number becomes due again. Each attempt keeps the agent busy for
the dial time (plus the talk time if the customer answers); its record goes to
:class:`~ccsim.records.OutboundRecords`.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import numpy as np
from simpy.events import Timeout

from ccsim.records import OutboundRecords
from ccsim.scenario.distributions import Uniform
from ccsim.units import DAY

if TYPE_CHECKING:
    from ccsim.model.pools import AgentPool
    from ccsim.model.protocol import Centre
    from ccsim.scenario.campaign import Campaign

_UNIT = Uniform(distribution="uniform", low=0.0, high=1.0)


class _CampaignState:
    """One campaign's numbers still to call, its random streams and its pools."""

    def __init__(self, index: int, name: str, spec: Campaign, centre: Centre):
        streams = centre.streams
        self.index = index
        self.spec = spec
        self.due: deque[tuple[int, int]] = deque((n, 1) for n in range(spec.list_size))
        self.pools = [p for p in centre.pools if p.name in spec.pools]
        self.dial_time = spec.dial_time.sampler(streams.generator(f"campaign-dial/{name}"))
        self.talk_time = spec.talk_time.sampler(streams.generator(f"campaign-talk/{name}"))
        self.reach = _UNIT.sampler(streams.generator(f"campaign-reach/{name}"))
        self.retry = (
            spec.retry_delay.sampler(streams.generator(f"campaign-retry/{name}"))
            if spec.retry_delay is not None
            else None
        )


class OutboundDialer:
    """Places the scenario's campaign calls (see the module docstring)."""

    def __init__(self, centre: Centre):
        self.centre = centre
        self.env = centre.env
        self.horizon = centre.scenario.horizon
        self.campaigns = [
            _CampaignState(i, name, spec, centre)
            for i, (name, spec) in enumerate(centre.scenario.campaigns.items())
        ]
        self._by_pool: list[list[_CampaignState]] = [[] for _ in centre.pools]
        for campaign in self.campaigns:
            for pool in campaign.pools:
                self._by_pool[pool.index].append(campaign)
        self._columns: dict[str, list] = {
            k: []
            for k in ("campaign", "number", "attempt", "start", "end", "reached", "pool", "agent")
        }

    def start(self) -> None:
        """Wake the campaigns' idle agents each day when the window opens."""
        for campaign in self.campaigns:
            for day in range(self.horizon.days):
                at = day * DAY + campaign.spec.window.start
                Timeout(self.env, at, campaign).callbacks.append(self._on_wake)

    def dial(self, pool: AgentPool, agent: int, now: float) -> bool:
        """A free agent found no inbound work: place a campaign call if one is due."""
        for campaign in self._by_pool[pool.index]:
            if campaign.due and self._open(campaign, now):
                self._place(campaign, pool, agent, now)
                return True
        return False

    def records(self, names: tuple[str, ...]) -> OutboundRecords:
        """Every attempt of the run, as columns."""
        c = self._columns
        return OutboundRecords(
            campaigns=names,
            list_sizes=tuple(s.spec.list_size for s in self.campaigns),
            campaign=np.array(c["campaign"], dtype=np.int16),
            number=np.array(c["number"], dtype=np.int32),
            attempt=np.array(c["attempt"], dtype=np.int8),
            start=np.array(c["start"], dtype=float),
            end=np.array(c["end"], dtype=float),
            reached=np.array(c["reached"], dtype=bool),
            pool=np.array(c["pool"], dtype=np.int16),
            agent=np.array(c["agent"], dtype=np.int32),
        )

    # -- internals --------------------------------------------------------------------

    def _open(self, campaign: _CampaignState, now: float) -> bool:
        day, clock = divmod(now, DAY)
        window = campaign.spec.window
        return day < self.horizon.days and window.start <= clock < window.end

    def _place(self, campaign: _CampaignState, pool: AgentPool, agent: int, now: float) -> None:
        number, attempt = campaign.due.popleft()
        reached = campaign.reach() < campaign.spec.reach_probability
        duration = campaign.dial_time() + (campaign.talk_time() if reached else 0.0)
        c = self._columns
        row = len(c["start"])
        for key, value in (
            ("campaign", campaign.index),
            ("number", number),
            ("attempt", attempt),
            ("start", now),
            ("end", now + duration),
            ("reached", reached),
            ("pool", pool.index),
            ("agent", agent),
        ):
            c[key].append(value)
        Timeout(self.env, duration, (campaign, row)).callbacks.append(self._on_call_end)

    def _on_call_end(self, event) -> None:
        campaign, row = event.value
        now = self.env.now
        c = self._columns
        retry_due = not c["reached"][row] and c["attempt"][row] < campaign.spec.max_attempts
        if retry_due and campaign.retry is not None:
            retry = (c["number"][row], c["attempt"][row] + 1)
            Timeout(self.env, campaign.retry(), (campaign, retry)).callbacks.append(self._on_due)
        pool = self.centre.pools[c["pool"][row]]
        self.centre.free_agent(pool, c["agent"][row], now)

    def _on_due(self, event) -> None:
        campaign, retry = event.value
        campaign.due.append(retry)
        self._wake(campaign, self.env.now)

    def _on_wake(self, event) -> None:
        self._wake(event.value, self.env.now)

    def _wake(self, campaign: _CampaignState, now: float) -> None:
        """Idle agents of the campaign's pools start dialling while numbers are due."""
        if not self._open(campaign, now):
            return
        for pool in campaign.pools:
            while pool.idle and campaign.due:
                self._place(campaign, pool, pool.idle.popleft(), now)
