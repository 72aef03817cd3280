"""ccsim — a contact-centre queue simulator.

Predicts waits, service level, abandonment, occupancy and cost before a staffing,
routing or channel change is made, by simulating every contact with SimPy.

Typical use from Python::

    import ccsim
    scenario = ccsim.load_scenario("default-day")           # a bundled name, or a YAML file
    records = ccsim.simulate(scenario, replication=0)       # one day, per-contact records
    result = ccsim.run_experiment(scenario, replications=10, jobs=2)
    result.summary()["by_type"]["voice"]["service_level"]    # mean, low, high, half_width
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# Public names, imported on first use so that `import ccsim` (and `ccsim erlang`) stays
# quick and does not pull in SimPy, pandas or matplotlib until they are needed.
_PUBLIC = {
    "ContactRecords": "ccsim.records",
    "ExperimentResult": "ccsim.experiment.replications",
    "Scenario": "ccsim.scenario",
    "ScenarioError": "ccsim.errors",
    "load_scenario": "ccsim.scenario",
    "run_experiment": "ccsim.experiment.replications",
    "simulate": "ccsim.model.centre",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> object:
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'ccsim' has no attribute {name!r}")
