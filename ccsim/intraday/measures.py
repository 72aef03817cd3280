"""The rest of the day's measures of one replication started from a state.

The projection covers the intervals left: the one the state's time falls in (from that time
on: marked *partial*) and every later interval of the day. What counts, following
``docs/measures.md`` as far as a state allows:

* **contacts**: every contact arriving from the state's time on (first attempts, redials,
  transfer legs; callback attempts are agents' outbound work and are left out), and the
  contacts *waiting* in the state, which count in the first interval (they are the queue the
  afternoon inherits; their wait runs from their real arrival). Contacts already in service
  in the state are not counted: nothing is left to decide about them — their remaining work
  shows in occupancy. (The same rule applied to an uninterrupted day's records — arrived
  from the time on, or still waiting then — measures the same afternoon.)
* **service level** = answered within the type's threshold / the denominator of the type's
  ``formula`` (by default answered + abandoned + balked + still unserved); **ASA** = mean
  wait of the answered; **abandonment** = abandoned / offered; **offered** = the contacts
  counted.
* **occupancy** (per pool) = busy time / time on duty from the state's time on, the day's
  last interval taking in the work after closing.

Ratios come from sums; one with nothing to count is NaN.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ccsim.records import ABANDONED, ANSWERED, BALKED, UNSERVED, ContactRecords, Kind
from ccsim.scenario import Scenario
from ccsim.timeline import overlap_seconds, union_spans

CONTACT_MEASURES = ("offered", "service_level", "asa", "abandon_rate")
POOL_MEASURES = ("occupancy",)
RATIOS = (
    ("service_level", "within", "denominator"),
    ("asa", "wait", "answered"),
    ("abandon_rate", "lost", "offered"),
)


@dataclass(frozen=True)
class Grid:
    """The intervals left: ``starts`` (the planning intervals' own starts) and the
    ``boundaries`` measured between (the first is the state's time)."""

    starts: np.ndarray
    boundaries: np.ndarray

    @property
    def size(self) -> int:
        return len(self.starts)


def rest_of_day_grid(scenario: Scenario, time: float, day_end: float) -> Grid:
    """The planning intervals of the state's day that end after ``time``."""
    horizon = scenario.horizon
    starts = horizon.interval_starts()
    keep = (starts + horizon.interval > time) & (starts < day_end)
    left = starts[keep]
    if not len(left):
        raise ValueError("no interval of the day is left after the state's time")
    boundaries = np.concatenate([[max(left[0], time)], left[1:], [left[-1] + horizon.interval]])
    return Grid(left, boundaries)


def rest_of_day(
    records: ContactRecords,
    scenario: Scenario,
    grid: Grid,
    in_service: Sequence[int],
) -> tuple[dict[str, dict[str, np.ndarray]], dict[str, dict[str, float]]]:
    """Per measure and group (a contact type, or a pool for occupancy): the values per
    interval left, and over the whole rest of the day.

    Args:
        records: the replication's records.
        grid: :func:`rest_of_day_grid`.
        in_service: the book indexes of the state's contacts in service (not counted).
    """
    time = grid.boundaries[0]
    n = len(records.arrival)
    counted = np.ones(n, dtype=bool)
    counted[np.asarray(in_service, dtype=np.int64)] = False
    counted &= records.kind != int(Kind.CALLBACK)
    # Arrived from the state's time on, or still waiting then (neither answered nor gone).
    with np.errstate(invalid="ignore"):
        done_before = (records.answered < time) | (records.ended <= time)
    counted &= (records.arrival >= time) | ~done_before
    at = np.maximum(records.arrival, time)
    counted &= at < grid.boundaries[-1]
    slot = np.clip(np.searchsorted(grid.boundaries, at, side="right") - 1, 0, grid.size - 1)
    wait = records.answered - records.arrival
    waited = np.where(np.isnan(wait), records.ended - records.arrival, wait)  # abandoned too
    outcome = records.outcome
    answered = outcome == ANSWERED
    lost = (outcome == ABANDONED) | (outcome == BALKED)
    per: dict[str, dict[str, np.ndarray]] = {m: {} for m in CONTACT_MEASURES + POOL_MEASURES}
    whole: dict[str, dict[str, float]] = {m: {} for m in CONTACT_MEASURES + POOL_MEASURES}
    for t, (name, ctype) in enumerate(scenario.contact_types.items()):
        mine = counted & (records.contact_type == t)
        rule = ctype.service_level
        within = answered & (wait <= rule.threshold)
        denominator = _sl_denominator(rule, answered, lost, outcome == UNSERVED, waited)
        sums = {
            key: np.bincount(slot[mine], weights=values[mine].astype(float), minlength=grid.size)
            for key, values in (
                ("offered", np.ones(n)),
                ("answered", answered),
                ("within", within),
                ("lost", lost),
                ("denominator", denominator),
                ("wait", np.where(answered, wait, 0.0)),
            )
        }
        total = {key: float(values.sum()) for key, values in sums.items()}
        per["offered"][name] = sums["offered"]
        whole["offered"][name] = total["offered"]
        for measure, top, bottom in RATIOS:
            per[measure][name] = _ratio(sums[top], sums[bottom])
            whole[measure][name] = float(_ratio(total[top], total[bottom]))
    engaged = ~np.isnan(records.answered)
    last = grid.boundaries[-1]
    if engaged.any():
        last = max(last, float(np.nanmax(records.ended[engaged])))
    bounds = np.concatenate([grid.boundaries[:-1], [last]])
    for p, (name, pool) in enumerate(scenario.pools.items()):
        mine = engaged & (records.pool == p) & (records.ended > time)
        start, end = np.maximum(records.answered[mine], time), records.ended[mine]
        if pool.max_concurrency > 1 or pool.interrupt_deferrable:
            start, end = union_spans(records.agent[mine], start, end)
        busy = overlap_seconds(start, end, bounds)
        on_duty = records.on_duty[name].agent_seconds(bounds)
        per["occupancy"][name] = _ratio(busy, on_duty)
        whole["occupancy"][name] = float(_ratio(busy.sum(), on_duty.sum()))
    return per, whole


def _sl_denominator(rule, answered, lost, unserved, waited) -> np.ndarray:
    """Who counts in the service level's denominator under the type's ``formula`` (as in
    :mod:`ccsim.measures.contacts`)."""
    if rule.formula == "answered_only":
        return answered
    if rule.formula == "exclude_short_abandons":
        return answered | (lost & (waited >= rule.short_abandon)) | unserved
    if rule.formula == "abandons_after_threshold":
        return answered | (lost & (waited > rule.threshold)) | unserved
    return answered | lost | unserved  # answered_and_abandoned


def _ratio(numerator, denominator):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(np.asarray(denominator) > 0, numerator / np.asarray(denominator), np.nan)
