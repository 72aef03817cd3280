"""Durations and clock times as written in scenario files."""

import math

import pytest

from ccsim.units import format_duration, parse_clock, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        (20, 20.0),
        (2.5, 2.5),
        ("20", 20.0),
        ("20s", 20.0),
        ("5min", 300.0),
        ("5 min", 300.0),
        ("1.5h", 5400.0),
        ("2d", 172800.0),
        ("250ms", 0.25),
        ("0", 0.0),
    ],
)
def test_durations_with_units_become_seconds(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("bad", ["-5s", "five minutes", "3 parsecs", "", None, True, [1], "1e400h"])
def test_bad_durations_are_refused_with_a_hint(bad):
    with pytest.raises(ValueError, match="duration|unit"):
        parse_duration(bad)


def test_negative_and_infinite_numbers_are_not_durations():
    for bad in (-1, math.inf, math.nan):
        with pytest.raises(ValueError):
            parse_duration(bad)


@pytest.mark.parametrize(
    ("text", "seconds"), [("08:00", 28800.0), ("8:30", 30600.0), ("24:00", 86400.0), (3600, 3600.0)]
)
def test_clock_times(text, seconds):
    assert parse_clock(text) == seconds


@pytest.mark.parametrize("bad", ["25:00", "08:60", "8h", "24:01", -1, 90000])
def test_bad_clock_times(bad):
    with pytest.raises(ValueError, match="time of day"):
        parse_clock(bad)


def test_format_duration_round_trips():
    for seconds in (20.0, 90.0, 300.0, 1800.0, 7200.0, 86400.0):
        assert parse_duration(format_duration(seconds)) == seconds
