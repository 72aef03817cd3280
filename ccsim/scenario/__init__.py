"""Scenario files: YAML in, validated and frozen scenario objects out.

A scenario describes one contact centre over a planning horizon: when it is open, which
contact types arrive and how (volumes, handle times, patience, service-level targets), which
pools of agents serve them with what staffing and cost, and how to run the experiment
(replications, seed, confidence). Every object is immutable after loading, and every mistake
is reported with the YAML path of the offending key (``contact_types.voice.patience.mean``),
the bad value and what is allowed.

docs/scenarios.md documents every key with a complete example; the bundled scenarios
(``ccsim/scenarios/*.yaml``, package data) are read by :mod:`ccsim.scenario.bundled`.
"""

from ccsim.scenario.contact_type import SERVICE_LEVEL_FORMULAS, Arrivals, ContactType, ServiceLevel
from ccsim.scenario.horizon import Horizon
from ccsim.scenario.loading import load_scenario, parse_scenario
from ccsim.scenario.pool import Pool
from ccsim.scenario.roster import roster_curve
from ccsim.scenario.scenario import Experiment, Scenario
from ccsim.scenario.schedule import Break, Shift

__all__ = [
    "SERVICE_LEVEL_FORMULAS",
    "Arrivals",
    "Break",
    "ContactType",
    "Experiment",
    "Horizon",
    "Pool",
    "Scenario",
    "ServiceLevel",
    "Shift",
    "load_scenario",
    "parse_scenario",
    "roster_curve",
]
