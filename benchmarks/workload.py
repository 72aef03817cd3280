"""The benchmark workload and the timed runs of ccsim and its peers.

The canonical workload is one pool of 100 agents, 1,900 calls/hour Poisson, exponential
handle time (mean 180 s) and patience (mean 300 s), FCFS, records kept: M/M/100+M at an
offered load of 95 %.

ccsim scenarios run over whole days of continuous (24 h) operation, so a requested number of
arrivals is rounded to the nearest whole number of days (200,000 at 1,900/h -> 4 days, about
182,400 arrivals).  Below one day (the ``--quick`` smoke test, or 1,000 agents at 19,000/h)
the scenario is one day open from 00:00 for the nearest whole number of hours instead.  The
peers are given the same expected number of arrivals; every speed is computed per arrival
actually simulated.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import peers

SECONDS_PER_HOUR = 3600.0


@dataclass(frozen=True)
class Workload:
    """An M/M/c+M workload and the horizon it is simulated over."""

    agents: int = 100
    rate_per_hour: float = 1900.0
    aht: float = 180.0
    patience: float = 300.0
    threshold: float = 20.0
    days: int = 1
    hours_per_day: int = 24
    seed: int = 1

    @classmethod
    def for_arrivals(cls, arrivals: int, **fields) -> Workload:
        """The workload whose horizon gives about ``arrivals`` expected arrivals."""
        base = cls(**fields)
        hours = arrivals / base.rate_per_hour
        if hours >= 24:
            return replace(base, days=max(1, round(hours / 24)), hours_per_day=24)
        return replace(base, days=1, hours_per_day=min(24, max(1, round(hours))))

    @property
    def arrival_rate(self) -> float:
        """Arrivals per second."""
        return self.rate_per_hour / SECONDS_PER_HOUR

    @property
    def horizon(self) -> float:
        """Length of the arrival period in seconds."""
        return self.days * self.hours_per_day * SECONDS_PER_HOUR

    @property
    def expected_arrivals(self) -> int:
        """Expected number of arrivals over the horizon."""
        return round(self.rate_per_hour * self.days * self.hours_per_day)

    def describe(self) -> str:
        """A short human description, e.g. ``100 agents, 1900/h, 4 d x 24 h``."""
        return (
            f"{self.agents} agents, {self.rate_per_hour:g}/h, "
            f"{self.days} d x {self.hours_per_day} h"
        )

    def scenario_spec(self) -> dict:
        """The ccsim scenario (the parsed-YAML dict) for this workload."""
        return {
            "name": "benchmark-canonical",
            "horizon": {
                "days": self.days,
                "interval": "60min",
                "open": "00:00",
                "close": f"{self.hours_per_day:02d}:00",
            },
            "contact_types": {
                "voice": {
                    "arrivals": {"rate_per_hour": self.rate_per_hour},
                    "handle_time": {"distribution": "exponential", "mean": self.aht},
                    "patience": {"distribution": "exponential", "mean": self.patience},
                    "service_level": {"threshold": self.threshold, "target": 0.8},
                }
            },
            "pools": {"agents": {"serves": ["voice"], "staffing": self.agents}},
            "experiment": {"replications": 1, "seed": self.seed},
        }


@dataclass
class Run:
    """One timed simulation: wall time of the simulation call, records kept."""

    model: str
    workload: Workload
    seconds: float
    columns: dict[str, np.ndarray]
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def arrivals(self) -> int:
        """Number of contacts recorded."""
        return len(self.columns["arrival"])

    @property
    def per_second(self) -> float:
        """Arrivals simulated per wall-clock second."""
        return self.arrivals / self.seconds

    @property
    def microseconds_per_arrival(self) -> float:
        """Wall time per arrival, in microseconds."""
        return 1e6 * self.seconds / self.arrivals


def _best_of(call: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Run ``call`` ``repeat`` times; return the fastest wall time and the last result."""
    best, result = math.inf, None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - start)
    return best, result


def run_ccsim(workload: Workload, repeat: int = 1) -> Run:
    """Time ``ccsim.simulate`` (scenario loading and the DataFrame are timed apart)."""
    import ccsim

    scenario = ccsim.load_scenario(workload.scenario_spec())
    seconds, records = _best_of(lambda: ccsim.simulate(scenario, replication=0), repeat)
    start = time.perf_counter()
    frame = records.to_frame()
    frame_seconds = time.perf_counter() - start
    columns = {name: frame[name].to_numpy() for name in ("arrival", "answered", "ended", "outcome")}
    return Run("ccsim", workload, seconds, columns, {"to_frame_seconds": frame_seconds})


def _run_peer(name: str, simulate: Callable, workload: Workload, repeat: int) -> Run:
    """Time one peer model on ``workload`` (its records come back as columns)."""
    seconds, columns = _best_of(
        lambda: simulate(
            workload.arrival_rate,
            workload.aht,
            workload.patience,
            workload.agents,
            workload.expected_arrivals,
            workload.seed,
        ),
        repeat,
    )
    return Run(name, workload, seconds, columns)


def run_plain_simpy(workload: Workload, repeat: int = 1) -> Run:
    """Time the plain SimPy model."""
    return _run_peer("plain SimPy", peers.simulate_plain_simpy, workload, repeat)


def run_ciw(workload: Workload, repeat: int = 1) -> Run:
    """Time the Ciw model."""
    return _run_peer("Ciw", peers.simulate_ciw, workload, repeat)


MODELS: dict[str, Callable[[Workload, int], Run]] = {
    "ccsim": run_ccsim,
    "plain SimPy": run_plain_simpy,
    "Ciw": run_ciw,
}


def best_interleaved(jobs: dict[str, Callable[[], Run]], repeat: int) -> dict[str, Run]:
    """Run every job ``repeat`` times, round robin, and keep each job's fastest run.

    Interleaving (A, B, C, A, B, C, ...) rather than repeating each job in a row means that a
    busy spell on a shared machine slows every job alike, so their ratios stay meaningful.
    """
    best: dict[str, Run] = {}
    for _ in range(max(1, repeat)):
        for name, job in jobs.items():
            run = job()
            if name not in best or run.seconds < best[name].seconds:
                best[name] = run
    return best
