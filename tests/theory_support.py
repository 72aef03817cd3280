"""Shared support of the statistical validation tests (test_theory, test_routing_theory).

Scenario builders for steady-state runs, an experiment runner that reduces per-contact
records batch by batch, and the Student-t interval every comparison is judged by (written
out here, independently of ccsim's own statistics, so the judge is not the judged).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

import ccsim

CONFIDENCE = 0.999
"""Confidence level of every interval in this file (see the module docstring)."""

JOBS = 2
"""Worker processes per experiment (CI runners have two cores)."""

RECORD_BATCH = 10
"""Replications whose per-contact records are held in memory at once (see :func:`run`)."""

HOUR = 3600.0

WARMUP = HOUR
"""Warm-up of every steady-state scenario (they all open at 00:00)."""


def exponential(mean: float) -> dict:
    """An exponential duration with the given mean in seconds."""
    return {"distribution": "exponential", "mean": mean}


def steady_state(
    types: dict, pools: dict, days: int, seed: int, routing: dict | None = None
) -> ccsim.Scenario:
    """A centre open around the clock for ``days`` days, the first hour being warm-up.

    Rates and staffing are constant, so after the warm-up the queue is (close to) its
    stationary regime, the one the analytic formulas describe.

    Args:
        types: the ``contact_types`` mapping.
        pools: the ``pools`` mapping.
        days: days simulated.
        seed: the root seed.
        routing: the ``routing`` mapping (default: static priorities).
    """
    spec = {
        "name": "theory",
        "horizon": {
            "days": days,
            "interval": "60min",
            "open": "00:00",
            "close": "24:00",
            "warmup": "1h",
        },
        "contact_types": types,
        "pools": pools,
        "experiment": {"seed": seed, "confidence": CONFIDENCE},
    }
    if routing is not None:
        spec["routing"] = routing
    return ccsim.load_scenario(spec)


RecordStatistic = Callable[[ccsim.ContactRecords], float]


@dataclass(frozen=True)
class Run:
    """What a test needs from an experiment, without holding on to the per-contact records.

    Attributes:
        scenario: the scenario as run.
        replications: per-replication measures (see
        :class:`ccsim.measures.replication.ReplicationMeasures`).
        from_records: statistic name → one value per replication, computed from the records.
    """

    scenario: ccsim.Scenario
    replications: list
    from_records: dict[str, np.ndarray]

    def by_type(self, measure: str, name: str = "voice") -> np.ndarray:
        """One value of a contact type's measure per replication."""
        return np.array([r.by_type[name][measure] for r in self.replications], float)

    def by_pool(self, measure: str, name: str) -> np.ndarray:
        """One value of a pool's measure per replication."""
        return np.array([r.by_pool[name][measure] for r in self.replications], float)

    def overall(self, measure: str) -> np.ndarray:
        """One value of a centre-wide measure per replication."""
        return np.array([r.overall[measure] for r in self.replications], float)

    @property
    def measured_seconds(self) -> float:
        """Length of the measured period (the horizon after the warm-up), in seconds."""
        horizon = self.scenario.horizon
        return horizon.days * (horizon.close - horizon.open) - horizon.warmup

    @property
    def measured_hours(self) -> float:
        """Length of the measured period (the horizon after the warm-up), in hours."""
        return self.measured_seconds / HOUR


def run(
    scenario: ccsim.Scenario,
    replications: int,
    record_statistics: dict[str, RecordStatistic] | None = None,
) -> Run:
    """Run an experiment and reduce each replication's records to a few statistics.

    Records are kept only when statistics are asked for. Then the replications run in
    batches of :data:`RECORD_BATCH`, each reduced and dropped before the next, so that memory
    stays at a few tens of megabytes however long the run; batch ``k`` uses root seed
    ``seed + k`` (its replications are as independent as any others).
    """
    if not record_statistics:
        result = ccsim.run_experiment(
            scenario, replications=replications, jobs=JOBS, keep_records=False
        )
        return Run(result.scenario, result.replications, {})
    measures: list = []
    values: dict[str, list[float]] = {name: [] for name in record_statistics}
    for batch, first in enumerate(range(0, replications, RECORD_BATCH)):
        result = ccsim.run_experiment(
            scenario,
            replications=min(RECORD_BATCH, replications - first),
            seed=scenario.experiment.seed + batch,
            jobs=JOBS,
            keep_records=True,
        )
        measures.extend(result.replications)
        for name, statistic in record_statistics.items():
            values[name].extend(statistic(records) for records in result.records)
        del result
    arrays = {name: np.array(v, float) for name, v in values.items()}
    return Run(scenario, measures, arrays)


@dataclass(frozen=True)
class Interval:
    """A Student-t confidence interval for the mean of per-replication values."""

    mean: float
    low: float
    high: float
    half_width: float
    replications: int


def t_interval(values: np.ndarray, confidence: float = CONFIDENCE) -> Interval:
    """``mean ± t(1 - α/2, n - 1) · s / √n`` over independent replications.

    Args:
        values: one value per replication (no NaN expected: every run here is long enough
            for every ratio to be defined).
        confidence: the two-sided confidence level.
    """
    values = np.asarray(values, float)
    assert values.size >= 2 and np.all(np.isfinite(values)), values
    n = values.size
    half = float(stats.t.ppf((1 + confidence) / 2, n - 1) * values.std(ddof=1) / math.sqrt(n))
    mean = float(values.mean())
    return Interval(mean, mean - half, mean + half, half, n)


def assert_covers(
    values: np.ndarray,
    theory: float,
    what: str,
    *,
    rel: float | None = None,
    absolute: float | None = None,
    confidence: float = CONFIDENCE,
) -> Interval:
    """Assert that ``theory`` lies in the t-interval of ``values``, and that it is narrow.

    Args:
        values: one simulated value per replication.
        theory: the analytic value.
        what: a label for the failure message.
        rel: the half-width must be at most ``rel × |theory|`` (the test's precision).
        absolute: the half-width must be at most this (for rates and probabilities).
        confidence: the interval's confidence level.

    Returns:
        The interval, for further checks.
    """
    ci = t_interval(values, confidence)
    assert ci.low <= theory <= ci.high, (
        f"{what}: theory {theory:.6g} outside the simulated {confidence:.1%} interval "
        f"[{ci.low:.6g}, {ci.high:.6g}] (mean {ci.mean:.6g}, {ci.replications} replications)"
    )
    limit = min(
        rel * abs(theory) if rel is not None else math.inf,
        absolute if absolute is not None else math.inf,
    )
    assert ci.half_width <= limit, (
        f"{what}: half-width {ci.half_width:.4g} exceeds the precision {limit:.4g} this test "
        "needs to be decisive; run longer"
    )
    return ci
