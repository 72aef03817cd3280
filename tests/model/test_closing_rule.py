"""The closing rule ``horizon: {closing: clear}`` (issue 19 item 13): callers still waiting
at a day's close are turned away (``unserved``, ended at the close) instead of served.

Checked by hand on a trace of eight callers a day to one agent with 25-minute calls, on both
the lean single-queue path and the general one; and on a random day against the default rule
run on the same random numbers: the callers turned away are exactly those the default rule
served, or saw abandon, after the close.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import ccsim
from ccsim.errors import ScenarioError
from ccsim.measures import measure
from ccsim.model.contacts import ContactBook
from ccsim.model.routing import policy_for
from ccsim.records import ABANDONED, ANSWERED, UNSERVED

OPEN, CLOSE, DAY = 8 * 3600.0, 9 * 3600.0, 86400.0
# Minutes after opening each day, and patience (minutes; inf: waits for ever).
TRACE = [(0, math.inf), (10, math.inf), (20, math.inf), (30, math.inf), (40, math.inf),
         (50, math.inf), (55, 3), (56, 34)]  # fmt: skip


def _scenario(closing: str | None, days: int = 2):
    horizon = {"days": days, "interval": "60min", "open": "08:00", "close": "09:00"}
    if closing is not None:
        horizon["closing"] = closing
    return ccsim.load_scenario(
        {
            "horizon": horizon,
            "contact_types": {
                "voice": {
                    "arrivals": {"rate_per_hour": 6},
                    "handle_time": {"distribution": "deterministic", "value": "25min"},
                }
            },
            "pools": {"agents": {"serves": ["voice"], "staffing": 1}},
        }
    )


def _trace(days: int = 2) -> ContactBook:
    arrival = np.array([d * DAY + OPEN + 60 * m for d in range(days) for m, _ in TRACE])
    patience = np.array([60 * p for _ in range(days) for _, p in TRACE])
    n = len(arrival)
    return ContactBook(
        arrival, np.zeros(n, int), np.full(n, 1500.0), arrival + patience, journeys=False
    )


@pytest.mark.model
@pytest.mark.parametrize("lean", [True, False])
def test_turned_away_at_close_by_hand(lean: bool) -> None:
    """One agent, calls of 25 min: answered at 8:00, 8:25 and 8:50 (ending 9:15); at 9:00
    the callers of 8:30, 8:40, 8:50 and 8:56 are turned away; the 8:55 caller's 3-minute
    patience ran out at 8:58 (abandoned). The same on day 2."""
    scenario = _scenario("clear")
    routing = None if lean else policy_for("longest_idle", 0.0)
    r = ccsim.simulate(scenario, first_attempts=_trace(), routing=routing)
    for d in range(2):
        day = slice(8 * d, 8 * d + 8)
        outcome, answered, ended = r.outcome[day], r.answered[day], r.ended[day]
        expected = [ANSWERED] * 3 + [UNSERVED] * 3 + [ABANDONED, UNSERVED]
        assert outcome.tolist() == expected
        base = d * DAY + OPEN
        np.testing.assert_allclose(answered[:3], base + 60 * np.array([0, 25, 50]))
        np.testing.assert_allclose(ended[:3], base + 60 * np.array([25, 50, 75]))
        np.testing.assert_allclose(ended[[3, 4, 5, 7]], d * DAY + CLOSE)
        assert ended[6] == base + 58 * 60
        # Nobody answered at or after the close.
        assert np.all(answered[~np.isnan(answered)] < d * DAY + CLOSE)
    m = measure(r, scenario)
    assert m.by_type["voice"]["unserved"] == 8
    assert m.by_type["voice"]["answered"] == 6
    # Service level (default formula, unserved in the denominator): answered within 20 s are
    # the 8:00 callers only: 2 / (6 answered + 2 abandoned + 8 unserved).
    assert m.by_type["voice"]["service_level"] == pytest.approx(2 / 16)


@pytest.mark.model
def test_default_rule_still_serves_the_queue() -> None:
    """The same trace without the option: the callers waiting at 9:00 are answered after
    it (9:15, 9:40, 10:05, 10:30 would be the slots; the 8:56 caller's patience, 9:30, runs
    out first), and the option's default is ``serve``."""
    assert _scenario(None).horizon.closing == "serve"
    r = ccsim.simulate(_scenario(None, days=1), first_attempts=_trace(days=1))
    assert r.outcome.tolist() == [ANSWERED] * 6 + [ABANDONED, ABANDONED]
    np.testing.assert_allclose(r.answered[3:6], OPEN + 60 * np.array([75, 100, 125]))
    assert r.ended[7] == OPEN + 90 * 60


@pytest.mark.model
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_clear_turns_away_exactly_who_serve_would_serve_after_close(seed: int) -> None:
    """A busy random day (M/M/3+M, 60 calls an hour, 6 min calls, 10 min patience): on the
    same random numbers, everything before the close is the same under both rules; the
    callers turned away are exactly those the default rule answered, or saw abandon, after
    the close."""
    spec = {
        "horizon": {"interval": "60min", "open": "08:00", "close": "10:00"},
        "contact_types": {
            "voice": {
                "arrivals": {"rate_per_hour": 60},
                "handle_time": {"distribution": "exponential", "mean": "6min"},
                "patience": {"distribution": "exponential", "mean": "10min"},
            }
        },
        "pools": {"agents": {"serves": ["voice"], "staffing": 3}},
        "experiment": {"seed": seed},
    }
    serve = ccsim.simulate(ccsim.load_scenario(spec))
    spec["horizon"]["closing"] = "clear"
    clear = ccsim.simulate(ccsim.load_scenario(spec))
    close = 10 * 3600.0
    after = ((serve.outcome == ANSWERED) & (serve.answered >= close)) | (
        (serve.outcome == ABANDONED) & (serve.ended > close)
    )
    assert after.sum() > 0  # the case tests something
    assert np.array_equal(clear.outcome == UNSERVED, after)
    np.testing.assert_allclose(clear.ended[after], close)
    same = ~after
    assert np.array_equal(clear.outcome[same], serve.outcome[same])
    np.testing.assert_array_equal(clear.answered[same], serve.answered[same])


@pytest.mark.unit
def test_closing_rule_is_checked() -> None:
    with pytest.raises(ScenarioError) as error:
        _scenario("turn_away")
    message = str(error.value)
    assert "horizon.closing" in message
    assert "clear" in message and "serve" in message
