"""Durations and clock times as planners write them.

Inside the model every time is a float number of seconds. Scenario files may give a
duration as a bare number (seconds) or as a string with a unit — ``"20s"``, ``"5min"``,
``"1.5h"``, ``"2d"`` — and a time of day as ``"HH:MM"``.
"""

from __future__ import annotations

import math
import re

_UNIT_SECONDS = {
    "ms": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "m": 60.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "hrs": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "days": 86400.0,
}

_DURATION = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-zA-Z]*)\s*$")
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")

DAY = 86400.0

ALLOWED_UNITS = "a number of seconds or a string such as '20s', '5min', '1.5h', '2d'"


def parse_duration(value: object) -> float:
    """Turn a duration as written in a scenario file into seconds.

    Args:
        value: a number (seconds) or a string with a unit, e.g. ``"30s"``, ``"5min"``.

    Returns:
        The duration in seconds (a non-negative float).

    Raises:
        ValueError: the value is not a duration, is negative or is not finite.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration; use {ALLOWED_UNITS}")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        match = _DURATION.match(value)
        if not match:
            raise ValueError(f"{value!r} is not a duration; use {ALLOWED_UNITS}")
        number, unit = match.groups()
        unit = unit.lower() or "s"
        if unit not in _UNIT_SECONDS:
            raise ValueError(
                f"unknown time unit {unit!r} in {value!r}; allowed units: s, min, h, d "
                "(or a bare number of seconds)"
            )
        seconds = float(number) * _UNIT_SECONDS[unit]
    else:
        raise ValueError(f"{value!r} is not a duration; use {ALLOWED_UNITS}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"{value!r} is not a non-negative finite duration")
    return seconds


def parse_clock(value: object) -> float:
    """Turn a time of day (``"08:30"``, ``"24:00"``, or seconds after midnight) into seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= DAY:
        return float(value)
    if isinstance(value, str):
        match = _CLOCK.match(value)
        if match:
            hours, minutes, secs = int(match[1]), int(match[2]), int(match[3] or 0)
            seconds = hours * 3600 + minutes * 60 + secs
            if minutes < 60 and secs < 60 and seconds <= DAY:
                return float(seconds)
    raise ValueError(f"{value!r} is not a time of day; write it as 'HH:MM' between 00:00 and 24:00")


def format_duration(seconds: float) -> str:
    """Format seconds the way the scenario files write them (``"90s"``, ``"30min"``, ``"2h"``)."""
    for unit, size in (("d", DAY), ("h", 3600.0), ("min", 60.0)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def format_clock(seconds: float) -> str:
    """Format seconds after midnight as ``HH:MM``."""
    total = int(round(seconds))
    return f"{total // 3600:02d}:{(total % 3600) // 60:02d}"
