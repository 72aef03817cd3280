"""The lean arrival of a skills-based centre (:mod:`ccsim.model.skills_lane`) gives exactly
the general path's records, and is taken only where every type is plain (issue 15)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import ccsim
from ccsim.model.centre import ContactCentre
from ccsim.model.routing import LongestIdleRouting, SkillRouting
from ccsim.model.skills_lane import plain_types, take_skills_lane
from ccsim.model.streams import RandomStreams
from ccsim.scenario.overrides import derive

BUNDLED = (
    "multi-skill",
    "tiers-transfers",
    "two-pools",
    "channel-shift",
    "messaging",
    "default-day",
)


def _arrays(records) -> dict[str, np.ndarray]:
    return {
        f.name: getattr(records, f.name)
        for f in dataclasses.fields(records)
        if isinstance(getattr(records, f.name), np.ndarray)
    }


@pytest.mark.parametrize("name", BUNDLED)
@pytest.mark.parametrize("policy", ["static_priority", "longest_idle", "priority_aging"])
def test_same_records_as_the_general_arrival(name: str, policy: str) -> None:
    scenario = derive(ccsim.load_scenario(name), {"routing.policy": policy})
    general = ContactCentre(scenario, RandomStreams(scenario.experiment.seed, 1)).run()
    lane = ccsim.simulate(scenario, replication=1)
    for column, values in _arrays(general).items():
        np.testing.assert_array_equal(getattr(lane, column), values, err_msg=column)


def test_taken_only_for_plain_types_and_the_shared_agent_rule() -> None:
    scenario = ccsim.load_scenario("multi-skill")
    centre = ContactCentre(scenario, RandomStreams(1, 0))
    assert all(plain_types(centre)) and take_skills_lane(centre)
    mixed = ContactCentre(ccsim.load_scenario("channel-shift"), RandomStreams(1, 0))
    assert plain_types(mixed) == [True, False] and not take_skills_lane(mixed)

    class OwnChoice(LongestIdleRouting):
        def select_agent(self, contact, contact_type, now):
            return SkillRouting.select_agent(self, contact, contact_type, now)

    own = ContactCentre(scenario, RandomStreams(1, 0), routing=OwnChoice())
    assert not any(plain_types(own))
    redials = ContactCentre(ccsim.load_scenario("redials-callbacks"), RandomStreams(1, 0))
    assert plain_types(redials) == [
        not (t.needs_abandon_events or t.predicts_wait or t.closed_message)
        for t in redials.scenario.contact_types.values()
    ]
