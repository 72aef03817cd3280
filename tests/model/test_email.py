"""Email: deferrable work worked within opening hours, its backlog carried across days.

The backlog of a multi-day email run is checked against a hand calculation (work
conservation: items in = items started + backlog, day by day), and the channel measures
against the records.
"""

import copy

import numpy as np
import pytest

import ccsim
from ccsim.errors import ScenarioError
from ccsim.measures.replication import measure
from ccsim.records import ANSWERED, UNSERVED
from ccsim.units import DAY

OPEN, CLOSE = 8 * 3600, 18 * 3600

EMAIL_WEEK = {
    "horizon": {"days": 5, "interval": "60min", "open": "08:00", "close": "18:00"},
    "contact_types": {
        "email": {
            "channel": "email",
            # Everything arrives in the first hour: agents are never starved within a day.
            "arrivals": {"volume_per_interval": [26, 0, 0, 0, 0, 0, 0, 0, 0, 0]},
            "handle_time": {"distribution": "deterministic", "value": "1h"},
            "service_level": {"threshold": "4h", "formula": "answered_only"},
        }
    },
    "pools": {"desk": {"serves": ["email"], "staffing": 2}},
    "experiment": {"seed": 9},
}


def at_day_end(scenario, records, column):
    """The email measure ``column`` of each day's last interval (what the day hands on)."""
    frame = measure(records, scenario).intervals
    email = frame[(frame["kind"] == "type") & (frame["name"] == "email")]
    return email[email["interval"] % 10 == 9][column].to_numpy()


def test_backlog_follows_the_hand_calculation_day_by_day():
    # Two agents, one-hour emails, a ten-hour day: each agent starts an email at 08:00,
    # 09:00, ..., 17:00 while there is backlog, so a day clears at most 2 x 10 = 20 emails.
    # backlog(d) = max(0, backlog(d-1) + arrivals(d) - 20) -- exactly, not on average.
    s = ccsim.load_scenario(EMAIL_WEEK)
    r = ccsim.simulate(s)
    measured = at_day_end(s, r, "waiting_at_end")
    backlog, expected = 0, []
    for day in range(5):
        arrived = int(np.sum((r.arrival >= day * DAY) & (r.arrival < (day + 1) * DAY)))
        backlog = max(0, backlog + arrived - 20)
        expected.append(backlog)
    assert max(expected) > 0  # the case is a real backlog, not an empty queue
    assert list(measured) == expected
    # The age of the oldest email at each day's end, from the records by hand.
    oldest = at_day_end(s, r, "oldest_at_end")
    for day in range(5):
        end = (day + 1) * DAY + OPEN if day < 4 else 4 * DAY + CLOSE
        left = np.where(np.isnan(r.answered), np.inf, r.answered)
        waiting = (r.arrival < end) & (left >= end)
        assert oldest[day] == pytest.approx(end - r.arrival[waiting].min() if waiting.any() else 0)


def test_work_conservation_every_day():
    s = ccsim.load_scenario(EMAIL_WEEK)
    r = ccsim.simulate(s)
    at_close = at_day_end(s, r, "waiting_at_end")
    previous = 0
    for day in range(5):
        start, end = day * DAY, (day + 1) * DAY
        arrived = np.sum((r.arrival >= start) & (r.arrival < end))
        started = np.sum((r.answered >= start) & (r.answered < end))
        assert previous + arrived == started + at_close[day]  # in = done + backlog
        previous = at_close[day]


def test_emails_are_worked_only_within_opening_hours():
    s = ccsim.load_scenario(EMAIL_WEEK)
    r = ccsim.simulate(s)
    started = r.answered[r.outcome == ANSWERED]
    clock = np.mod(started, DAY)
    assert np.all((clock >= OPEN) & (clock < CLOSE))
    # In-hand work is finished after closing, nothing new is started then.
    assert np.any(np.mod(r.ended[r.outcome == ANSWERED], DAY) > CLOSE - 1)


def test_backlog_left_at_the_end_is_measured():
    s = ccsim.load_scenario(EMAIL_WEEK)
    r = ccsim.simulate(s)
    m = measure(r, s).by_type["email"]
    left = r.outcome == UNSERVED
    assert m["backlog_at_close"] == left.sum() > 0
    final_close = 4 * DAY + CLOSE
    assert m["oldest_at_close"] == pytest.approx(final_close - r.arrival[left].min())
    assert m["service_level"] < 1  # emails answered the next day missed the 4-hour target


def test_channels_group_types_and_agent_time():
    s = ccsim.load_scenario("scenarios/email-backlog-week.yaml")
    r = ccsim.simulate(s)
    m = measure(r, s)
    assert set(m.by_channel) == {"voice", "email"}
    assert m.by_channel["email"]["offered"] == m.by_type["email"]["offered"]
    engaged = ~np.isnan(r.answered)
    for channel, name in (("voice", "voice"), ("email", "email")):
        mine = engaged & (r.contact_type == r.contact_types.index(name))
        busy = np.sum(r.ended[mine] - r.answered[mine]) / 3600
        assert m.by_channel[channel]["busy_hours"] == pytest.approx(busy)


def test_email_cannot_have_real_time_keys():
    data = copy.deepcopy(EMAIL_WEEK)
    data["contact_types"]["email"]["patience"] = {"distribution": "exponential", "mean": 60}
    with pytest.raises(ScenarioError) as info:
        ccsim.load_scenario(data)
    assert any(
        p.startswith("contact_types.email") and "deferrable" in p and "patience" in p
        for p in info.value.problems
    )
