"""Weekdays of their own shape (days_of_week) and handle time by time band: the model follows
them, the scenario checks them, and a scenario without them runs as before."""

import numpy as np
import pytest

from ccsim.errors import ScenarioError
from ccsim.model.centre import simulate
from ccsim.scenario import parse_scenario

BASE = {
    "name": "week",
    "horizon": {"days": 7, "interval": 3600, "open": "08:00", "close": "20:00"},
    "contact_types": {
        "voice": {
            "arrivals": {"rate_per_hour": 100},
            "handle_time": {"distribution": "exponential", "mean": 180},
            "patience": {"distribution": "exponential", "mean": 120},
        }
    },
    "pools": {"agents": {"serves": ["voice"], "staffing": 6}},
}
WEEK = {
    "first_day": "Thu",
    "Sat": {
        "open": "09:00",
        "close": "14:00",
        "rate_per_hour": {"voice": 30},
        "staffing": {"agents": 3},
    },
    "Sun": {"open": "18:00", "staffing": {"agents": [1] * 11 + [2]}},
}
BANDS = [
    {"from": "00:00", "handle_time": {"distribution": "deterministic", "value": 300}},
    {"from": "12:00", "handle_time": {"distribution": "deterministic", "value": 100}},
]


def _scenario(week=None, bands=None):
    data = {**BASE, "contact_types": {"voice": dict(BASE["contact_types"]["voice"])}}
    if week is not None:
        data["days_of_week"] = week
    if bands is not None:
        data["contact_types"]["voice"]["handle_time_by_band"] = bands
    return parse_scenario(data, "test")


def test_each_weekday_has_its_hours_rates_and_agents():
    records = simulate(_scenario(WEEK, BANDS), seed=3, replication=0)
    day = (records.arrival // 86400).astype(int)
    hour = (records.arrival % 86400) // 3600
    saturday, sunday = day == 2, day == 3  # day 0 is a Thursday
    assert hour[saturday].min() >= 9 and hour[saturday].max() < 14
    assert 100 < saturday.sum() < 200  # 30 an hour for 5 hours
    assert hour[sunday].min() >= 18
    assert 1000 < (day == 0).sum() < 1400  # a weekday: 100 an hour for 12 hours
    served = records.handle[~np.isnan(records.handle)]
    assert set(np.round(served)) == {100.0, 300.0}
    assert (sunday & ~np.isnan(records.answered)).sum() > 0


def test_without_the_block_runs_as_before():
    plain = simulate(_scenario(), seed=3, replication=0)
    again = simulate(_scenario(), seed=3, replication=0)
    assert np.array_equal(plain.arrival, again.arrival)
    everyday = simulate(_scenario({"first_day": "Mon"}), seed=3, replication=0)
    assert np.array_equal(plain.arrival, everyday.arrival)
    assert np.array_equal(plain.handle, everyday.handle, equal_nan=True)


@pytest.mark.parametrize(
    ("week", "bands", "words"),
    [
        ({"Sat": {"open": "07:00"}}, None, "days_of_week.Sat: hours"),
        ({"Sat": {"rate_per_hour": {"chat": 3}}}, None, "days_of_week.Sat.rate_per_hour.chat"),
        ({"Sat": {"staffing": {"agents": [1, 2]}}}, None, "has 2 values"),
        (None, BANDS[1:], "must start at 00:00"),
        (None, [BANDS[0], BANDS[0]], "must increase"),
    ],
)
def test_mistakes_are_named(week, bands, words):
    with pytest.raises(ScenarioError) as caught:
        _scenario(week, bands)
    assert words in str(caught.value)
