"""What a staffing must achieve: the targets, and the per-interval checks they become.

``ccsim staff`` targets each real-time contact type's service level (its ``service_level``
in the scenario), and optionally a cap on abandonment or ASA per type and interval and on
occupancy per pool and interval. Each becomes a :class:`Check`; a
check that misses asks for an agent more in the pool that serves the contact type first
(occupancy: in the pool itself).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ccsim.scenario import Scenario


class StaffingError(ValueError):
    """The optimiser cannot do what was asked (a target no staffing can meet, bad options)."""


@dataclass(frozen=True)
class Targets:
    """What every interval must achieve.

    Attributes:
        service_level: meet each real-time contact type's service-level target (its
            ``service_level.threshold`` / ``target`` in the scenario).
        max_abandon: at most this share of offered contacts abandoned, per interval.
        max_asa: at most this mean wait of answered contacts (seconds), per interval.
        max_occupancy: at most this occupancy per pool and interval.
        confidence: None — targets met on the mean over replications, in every day's
            interval; q — met in at least a share q of the (replication, day) pairs of each
            interval of the day (the target is met on q of days).
    """

    service_level: bool = True
    max_abandon: float | None = None
    max_asa: float | None = None
    max_occupancy: float | None = None
    confidence: float | None = None

    def __post_init__(self) -> None:
        for name in ("max_abandon", "max_occupancy", "confidence"):
            value = getattr(self, name)
            if value is not None and not 0 < value <= 1:
                raise StaffingError(
                    f"--{name.replace('_', '-')}: give a share in (0, 1], got {value}"
                )
        if self.confidence is not None and self.confidence >= 1:
            raise StaffingError(
                "--confidence: give the share of days that must meet the targets, below 1 "
                f"(e.g. 0.9): no finite staffing meets a target on every day; got {self.confidence}"
            )
        if self.max_asa is not None and self.max_asa <= 0:
            raise StaffingError(f"--max-asa: give a positive number of seconds, got {self.max_asa}")
        if not (self.service_level or self.max_abandon or self.max_asa or self.max_occupancy):
            raise StaffingError(
                "no target: keep the service level or give --max-abandon, "
                "--max-asa or --max-occupancy"
            )


@dataclass(frozen=True)
class Check:
    """One targeted measure: a contact type's (or, for occupancy, a pool's) per interval.

    Attributes:
        measure: ``service_level``, ``abandon_rate``, ``asa`` or ``occupancy``.
        kind: ``type`` or ``pool``.
        name: the contact type or pool.
        index: its position among the scenario's contact types (or pools).
        bound: the target (at least) or limit (at most).
        at_most: a limit (abandonment, ASA, occupancy) rather than a target.
        pool: the pool (index) where an agent more helps when it misses.
    """

    measure: str
    kind: str
    name: str
    index: int
    bound: float
    at_most: bool
    pool: int

    def describe(self, value: float) -> str:
        """``88.1 % vs 90 %`` (or ``vs ≤ 5 %``, ``12.0 s vs ≤ 30 s``)."""
        sign = "≤ " if self.at_most else ""
        if self.measure == "asa":
            return f"{value:.1f} s vs {sign}{self.bound:g} s"
        return f"{100 * value:.1f} % vs {sign}{100 * self.bound:g} %"


def on_target(check: Check, values: np.ndarray) -> np.ndarray:
    """1 where a value meets the check's bound, 0 where it misses, NaN where undefined."""
    met = values <= check.bound + 1e-12 if check.at_most else values >= check.bound - 1e-12
    return np.where(np.isnan(values), np.nan, met.astype(float))


def staffing_checks(scenario: Scenario, targets: Targets) -> list[Check]:
    """Every targeted measure of ``scenario``: per real-time contact type its service level
    (and abandonment, ASA caps); per pool its occupancy cap."""
    pools = list(scenario.pools)
    checks = []
    for index, (name, ctype) in enumerate(scenario.contact_types.items()):
        if ctype.deferrable:
            continue  # email and messaging ride on the agents the real-time targets need
        pool = pools.index(first_pool(scenario, name))
        if targets.service_level:
            bound = ctype.service_level.target
            checks.append(Check("service_level", "type", name, index, bound, False, pool))
        if targets.max_abandon is not None:
            checks.append(
                Check("abandon_rate", "type", name, index, targets.max_abandon, True, pool)
            )
        if targets.max_asa is not None:
            checks.append(Check("asa", "type", name, index, targets.max_asa, True, pool))
    if targets.max_occupancy is not None:
        for index, name in enumerate(pools):
            checks.append(
                Check("occupancy", "pool", name, index, targets.max_occupancy, True, index)
            )
    if not checks:
        raise StaffingError(
            "nothing to staff for: every contact type is email or messaging, which is not "
            "targeted per interval; give a real-time contact type or --max-occupancy"
        )
    return checks


def first_pool(scenario: Scenario, contact_type: str) -> str:
    """The pool that serves ``contact_type`` first (highest priority, no overflow delay)."""
    candidates = [
        (skill.priority, skill.after, order, name)
        for order, (name, pool) in enumerate(scenario.pools.items())
        for t, skill in pool.serves.items()
        if t == contact_type
    ]
    return min(candidates)[3]


def own_types(scenario: Scenario, pool: str) -> list[str]:
    """The contact types a pool answers for: those it serves first (or, for a pool that
    only helps others, every type it serves)."""
    mine = [t for t in scenario.pools[pool].serves if first_pool(scenario, t) == pool]
    return mine or list(scenario.pools[pool].serves)
