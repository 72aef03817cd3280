"""Agents on duty between their answers: where nobody waited, the availability estimate counts
the agents present (from an answer to the end of the call's after-call work, joined to the
agent's next answer when the gap is at most PRESENCE_GAP), not only those who answered within
the interval. Hand-made logs of one day, nobody waiting (so nothing is measured and the
fallback alone decides)."""

import numpy as np
import pandas as pd

from ccsim.calibration.availability import WrapUp, estimate_availability
from ccsim.calibration.contact_log import ContactLog
from ccsim.calibration.log_grid import IntervalGrid
from ccsim.calibration.presence import PRESENCE_GAP

DAY = pd.Timestamp("2026-10-05")
WRAP = WrapUp(np.zeros(0), np.zeros(0, dtype=bool), 30.0, 0.0)
TALK = 180.0


def _log(calls: list[tuple[str, float]]) -> ContactLog:
    """Calls answered at once: (agent, answer time in seconds after midnight)."""
    answered = [DAY + pd.Timedelta(seconds=t) for _, t in calls]
    contacts = pd.DataFrame(
        {
            "arrival": answered,
            "answered": answered,
            "ended": [a + pd.Timedelta(seconds=TALK) for a in answered],
            "outcome": "answered",
            "contact_type": "platinum",
            "agent": [a for a, _ in calls],
            "wait": 0.0,
            "handle": TALK,
        }
    ).sort_values("arrival", ignore_index=True)
    return ContactLog("hand-made", contacts, len(contacts), {}, {}, True)


def _estimate(calls: list[tuple[str, float]], open_h: float, close_h: float):
    log = _log(calls)
    grid = IntervalGrid((DAY,), 1800.0, open_h * 3600.0, close_h * 3600.0, 0.0)
    agents = tuple(sorted({a for a, _ in calls}))
    return estimate_availability(log, grid, "desk", ("platinum",), agents, WRAP)


def _slot(hours: float, open_h: float) -> int:
    return round((hours - open_h) * 2)


def test_a_desk_agent_answering_sparsely_through_an_evening_is_counted_present():
    # Two desk agents on duty 18:00-24:00; one or two calls an hour between them, as a
    # quiet desk has of an evening: each agent's gaps run to about an hour.
    clock = [18.05, 19.15, 20.25, 21.4, 22.5, 23.8]
    calls = [("d1", h * 3600) for h in clock] + [("d2", (h + 0.45) * 3600) for h in clock[:-1]]
    availability = _estimate(calls, 18.0, 24.0)
    est = availability.estimate[0]
    assert not availability.measured.any()
    assert availability.logged_on[0].min() == 0  # intervals where nobody answered ...
    # ... yet both agents were on duty all evening: present from the centre's first call
    # (18:03) to its last (23:48), so only the first and last intervals hold less.
    assert np.allclose(est[1:-1], 2.0)
    assert est[0] > 1.5 and est[-1] > 1.0 and est.max() < 2.01
    # The old count of agents who answered in the interval misses them.
    assert (availability.logged_on[0] < 2).sum() >= 6


def test_a_gap_longer_than_the_limit_is_not_bridged():
    # Same agent: one gap just under the limit (bridged), one just over (a break, not on duty).
    end = TALK + WRAP.mean
    first = 8 * 3600.0
    second = first + end + PRESENCE_GAP - 60  # bridged
    third = second + end + PRESENCE_GAP + 60  # not bridged
    availability = _estimate([("d1", first), ("d1", second), ("d1", third)], 8.0, 16.0)
    est = availability.estimate[0]
    inside_bridged = [k for k in range(16) if 8 * 3600 + 1800 * (k + 1) <= second]
    inside_break = [
        k
        for k in range(16)
        if second + end <= 8 * 3600 + 1800 * k and 8 * 3600 + 1800 * (k + 1) <= third
    ]
    assert inside_bridged and inside_break
    assert np.allclose(est[inside_bridged[1:]], 1.0)  # the first holds the answer itself
    assert np.allclose(est[inside_break], 0.0)


def test_the_day_edges_reach_the_centre_first_and_last_call_or_a_colleague_answer():
    # d1 answers the centre's first and last call (08:00, 15:50) and every 10 minutes from
    # 09:00 to 14:30; d2 first answers at 08:50, nobody having called since 08:00 (so on
    # duty from the opening), and last at 14:40, nobody calling again until 15:50 (on duty to
    # the close); d3 answers at 12:00 and 12:30 only: a colleague answered at 11:50 and 12:40,
    # so d3 counts from 11:50 to 12:40, not from the opening nor to the close.
    d1 = [8.0] + [9.0 + k / 6 for k in range(34)] + [15.84]
    calls = [("d1", h * 3600) for h in d1]
    calls += [("d2", h * 3600) for h in (8.84, 10.05, 11.2, 12.3, 13.45, 14.67)]
    calls += [("d3", h * 3600) for h in (12.0, 12.5)]
    present = _estimate(calls, 8.0, 16.0).present[0]
    assert np.isclose(present[_slot(8.0, 8.0)], 2.0)  # d1 and d2 from the opening
    assert np.isclose(present[_slot(15.0, 8.0)], 2.0)  # d1 and d2 to the last call
    # The last half hour: d1 to the end of the last call's work, d2 to its answer (15:50:24).
    last = 0.34 * 3600
    assert np.isclose(present[_slot(15.5, 8.0)], (2 * last + TALK + WRAP.mean) / 1800)
    assert np.isclose(present[_slot(10.0, 8.0)], 2.0)  # d3 not from the opening
    assert np.isclose(present[_slot(11.5, 8.0)], 2 + 1 / 3)  # d3 from 11:50
    assert np.isclose(present[_slot(12.5, 8.0)], 2 + 1 / 3)  # d3 to 12:40
    assert np.isclose(present[_slot(13.0, 8.0)], 2.0)  # d3 gone: not bridged to the close
