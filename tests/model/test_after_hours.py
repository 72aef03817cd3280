"""After hours: contacts arriving while the centre is closed.

Checked against what the rules say must happen, contact by contact (nobody answered while
closed, call-backs exactly ``delay`` after the next opening, overnight email counted in the
morning's first interval) and against probability (Poisson arrival counts, call-back and
containment shares) within 99.9 % confidence intervals.
"""

import copy

import numpy as np
import pytest
from theory_support import CONFIDENCE, assert_covers

import ccsim
from ccsim.errors import ScenarioError
from ccsim.measures.replication import measure
from ccsim.records import (
    ANSWERED,
    BOT_DROPPED,
    CLOSED,
    CONTAINED,
    ESCALATED,
    FIRST_ATTEMPT,
    REDIAL,
)
from ccsim.units import DAY

OPEN, CLOSE = 8 * 3600, 20 * 3600
NIGHT_RATES = [4, 4, 2, 2, 2, 2, 6, 10] + [0] * 12 + [12, 10, 8, 6]  # per clock hour
CLOSED_HOURS = [h for h in range(24) if h < 8 or h >= 20]

BASE = {
    "horizon": {"days": 3, "interval": "60min", "open": "08:00", "close": "20:00"},
    "contact_types": {
        "voice": {
            "arrivals": {"rate_per_hour": 30},
            "handle_time": {"distribution": "exponential", "mean": "4min"},
            "patience": {"distribution": "exponential", "mean": "5min"},
            "after_hours": {
                "rate_per_hour": NIGHT_RATES,
                "action": "call_back",
                "call_back_probability": 0.6,
                "call_back_delay": {"distribution": "deterministic", "value": "15min"},
            },
        },
        "email": {
            "channel": "email",
            "arrivals": {"rate_per_hour": 6},
            "handle_time": {"distribution": "exponential", "mean": "5min"},
            "service_level": {"threshold": "24h", "target": 0.9},
            "after_hours": {"rate_per_hour": 5, "action": "next_opening"},
        },
    },
    "pools": {"agents": {"serves": {"voice": 1, "email": 2}, "staffing": 4}},
    "experiment": {"seed": 5, "confidence": CONFIDENCE},
}


def scenario(**changes) -> ccsim.Scenario:
    spec = copy.deepcopy(BASE)
    for path, value in changes.items():
        *parents, key = path.split("__")
        node = spec
        for part in parents:
            node = node[part]
        if value is None:
            node.pop(key)
        else:
            node[key] = value
    return ccsim.load_scenario(spec)


def closed(times) -> np.ndarray:
    clock = np.mod(times, DAY)
    return (clock < OPEN) | (clock >= CLOSE)


def next_opening(times) -> np.ndarray:
    day, clock = np.divmod(times, DAY)
    return np.where(clock < OPEN, day, day + 1) * DAY + OPEN


def expected_night_contacts(rates, days=3) -> float:
    """Midnight to the first opening, then every night between two days of the horizon."""
    before_first = sum(rates[h] for h in range(8))
    return before_first + (days - 1) * sum(rates[h] for h in CLOSED_HOURS)


def test_closed_hours_arrivals_follow_the_hourly_rates():
    """After-hours first attempts are a Poisson count with mean Σ rate × closed hours."""
    s = scenario()
    counts = {"voice": [], "email": []}
    for rep in range(40):
        records = ccsim.simulate(s, replication=rep)
        firsts = records.kind == FIRST_ATTEMPT
        for t, name in enumerate(records.contact_types):
            night = firsts & (records.contact_type == t) & closed(records.arrival)
            counts[name].append(night.sum())
        # Nobody arrives after the last closing (nobody would ever answer).
        assert records.arrival[firsts].max() < 2 * DAY + CLOSE
    assert_covers(
        np.array(counts["voice"]), expected_night_contacts(NIGHT_RATES), "voice", rel=0.05
    )
    assert_covers(np.array(counts["email"]), expected_night_contacts([5] * 24), "email", rel=0.06)


def test_call_back_exactly_delay_after_the_next_opening():
    s = scenario()
    shares = []
    for rep in range(30):
        records = ccsim.simulate(s, replication=rep)
        voice = records.contact_type == 0
        told = voice & (records.outcome == CLOSED)
        # Every after-hours voice first attempt hears the closed message, nobody else does.
        night = voice & (records.kind == FIRST_ATTEMPT) & closed(records.arrival)
        np.testing.assert_array_equal(told, night)
        assert np.all(records.ended[told] == records.arrival[told])
        # Their redials: exactly 15 minutes after the next opening.
        returned = voice & (records.kind == REDIAL)
        customers = records.customer[returned]
        assert np.all(records.outcome[customers] == CLOSED)
        expected = next_opening(records.arrival[customers]) + 900.0
        np.testing.assert_allclose(records.arrival[returned], expected, rtol=0, atol=1e-6)
        # Customers told on the last night would call after the horizon: never.
        eligible = told & (next_opening(records.arrival) < 3 * DAY)
        shares.append(len(customers) / eligible.sum())
    assert_covers(np.array(shares), 0.6, "call-back share", absolute=0.05)


def test_call_back_measures_match_the_records():
    s = scenario()
    records = ccsim.simulate(s, replication=3)
    voice = measure(records, s).by_type["voice"]
    firsts = (records.contact_type == 0) & (records.kind == FIRST_ATTEMPT)
    assert voice["after_hours_contacts"] == (firsts & closed(records.arrival)).sum()
    assert voice["told_to_call_back"] == (records.outcome == CLOSED).sum()
    assert voice["called_back"] == ((records.contact_type == 0) & (records.kind == REDIAL)).sum()
    # Closed messages are not offered to agents.
    offered = (records.contact_type == 0) & (records.outcome != CLOSED)
    assert voice["offered"] == offered.sum()


def test_overnight_email_waits_for_the_next_opening_and_counts_there():
    s = scenario()
    records = ccsim.simulate(s, replication=1)
    email = records.contact_type == 1
    night = email & closed(records.arrival)
    assert night.sum() > 50
    # Worked only in opening hours, never before the next opening after arrival.
    answered = email & (records.outcome == ANSWERED)
    assert not closed(records.answered[answered]).any()
    assert np.all(records.answered[night] >= next_opening(records.arrival[night]))
    # The response time runs from the real arrival (calendar time).
    np.testing.assert_allclose(
        records.wait[night], records.answered[night] - records.arrival[night]
    )
    # The morning's first interval holds that interval's arrivals plus the night's.
    frame = measure(records, s).intervals
    rows = frame[(frame["kind"] == "type") & (frame["name"] == "email")]
    for day in range(3):
        opening = day * DAY + OPEN
        in_hours = email & (records.arrival >= opening) & (records.arrival < opening + 3600)
        overnight = night & (next_opening(records.arrival) == opening)
        first = rows[rows["day"] == day].iloc[0]  # the day's first interval
        assert first["offered"] == in_hours.sum() + overnight.sum()


def test_after_hours_bot_contains_and_turns_away_the_rest():
    s = scenario(
        contact_types__voice__self_service={
            "share": 0.0,  # in opening hours nobody meets the bot: only at night
            "duration": {"distribution": "exponential", "mean": "2min"},
            "containment": 0.35,
            "drop_out": 0.15,
        },
        contact_types__voice__after_hours={"rate_per_hour": 20, "action": "self_service"},
    )
    shares = {"contained": [], "dropped": [], "closed": []}
    for rep in range(20):
        records = ccsim.simulate(s, replication=rep)
        bot = np.isin(records.outcome, (CONTAINED, BOT_DROPPED, ESCALATED, CLOSED))
        # The bot passes nobody to an agent while the centre is closed.
        escalated = records.outcome == ESCALATED
        assert not closed(records.ended[escalated]).any()
        assert np.all(closed(records.arrival[bot]) | (records.kind[bot] == REDIAL))
        n = bot.sum()
        shares["contained"].append((records.outcome == CONTAINED).sum() / n)
        shares["dropped"].append((records.outcome == BOT_DROPPED).sum() / n)
        shares["closed"].append(((records.outcome == CLOSED) | escalated).sum() / n)
        summary = measure(records, s).by_type["voice"]
        assert summary["bot_visits"] == n
    assert_covers(np.array(shares["contained"]), 0.35, "contained", absolute=0.03)
    assert_covers(np.array(shares["dropped"]), 0.15, "dropped", absolute=0.03)
    assert_covers(np.array(shares["closed"]), 0.50, "turned away", absolute=0.03)


def test_adding_after_hours_keeps_the_opening_hours_draws():
    """Common random numbers: the in-hours first attempts are the same with or without."""
    with_night = ccsim.simulate(scenario(), replication=2)
    without = ccsim.simulate(
        scenario(contact_types__voice__after_hours=None, contact_types__email__after_hours=None),
        replication=2,
    )

    def in_hours(records):
        keep = (records.kind == FIRST_ATTEMPT) & ~closed(records.arrival)
        return records.arrival[keep], records.contact_type[keep]

    for a, b in zip(in_hours(with_night), in_hours(without), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"horizon__open": "00:00", "horizon__close": "24:00"}, "never closed"),
        ({"contact_types__voice__after_hours__action": "next_opening"}, "does not hold"),
        ({"contact_types__voice__after_hours__action": "self_service"}, "needs the type's bot"),
        ({"contact_types__email__after_hours__action": "call_back"}, "use action next_opening"),
        ({"contact_types__voice__after_hours__rate_per_hour": [1, 2, 3]}, "24"),
        ({"contact_types__voice__after_hours__rate_per_hour": -1}, "non-negative"),
        ({"contact_types__voice__after_hours__call_back_probability": 1.5}, "probability"),
    ],
)
def test_bad_after_hours_settings_are_explained(changes, message):
    with pytest.raises(ScenarioError) as caught:
        scenario(**changes)
    text = str(caught.value)
    assert "after_hours" in text or "horizon" in text
    assert message in text
