"""A sweep's grid: the swept settings (axes) and every combination of their values.

An axis is one setting and the values it takes — ``pools.agents.staffing=10:16`` (a range,
both ends included) or ``contact_types.voice.patience.mean=60,180`` (a list; each value may be
``+N`` or ``*F`` as in ``--set``). Several axes make a grid of every combination, the first
axis varying slowest. A sweep has at most :data:`MAX_POINTS` points: more would take days.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from ccsim.scenario.overrides import parse_override


class SweepError(ValueError):
    """A sweep that cannot be defined or resumed (bad grid, a folder of another sweep)."""


MAX_POINTS = 10_000
"""The most points a sweep may have (an axis, a grid of several, or a --points file): more
would take days and a memory of their own to hold; split the sweep instead."""


@dataclass(frozen=True)
class Axis:
    """One swept setting: its path and the override value of each step (``42``, ``+2``)."""

    path: str
    values: tuple[str, ...]


def parse_axis(text: str, option: str = "--grid") -> Axis:
    """``path=40:60:2`` (a range, ends included), or ``path=120,300`` / ``path=+0,+2,+4``."""
    path, sep, spec = (part.strip() for part in text.partition("="))
    if not sep or not path or not spec:
        raise SweepError(
            f"{option} {text!r}: write PATH=START:STOP:STEP (both ends included) or "
            "PATH=V1,V2,... , e.g. pools.agents.staffing=40:60:2 or "
            "contact_types.voice.patience.mean=120,300"
        )
    if ":" in spec and not spec.startswith(("{", "[")):
        values = _range(spec, text, option)
    else:
        values = tuple(v.strip() for v in _split(spec) if v.strip())
    if not values:
        raise SweepError(f"{option} {text!r}: give at least one value")
    if len(values) > MAX_POINTS:
        raise SweepError(
            f"{option} {clip(text)}: {len(values):,} values; at most {MAX_POINTS:,} per axis"
        )
    for value in values:  # every step must be a valid override on its own
        parse_override(f"{path}={value}", option)
    return Axis(path, values)


def grid_points(axes: list[Axis]) -> list[dict[str, str]]:
    """Every combination of the axes' values (the first axis varies slowest).

    Raises:
        SweepError: more than :data:`MAX_POINTS` combinations.
    """
    total = math.prod(len(a.values) for a in axes)
    if total > MAX_POINTS:
        sizes = " × ".join(f"{len(a.values):,}" for a in axes)
        raise SweepError(
            f"--grid: {sizes} = {total:,} points; a sweep has at most {MAX_POINTS:,}. "
            "Use fewer values per axis (a coarser STEP), or split the sweep."
        )
    return [
        dict(zip([a.path for a in axes], combo, strict=True))
        for combo in itertools.product(*(a.values for a in axes))
    ]


def describe_point(point: dict[str, str]) -> str:
    """A point as a planner reads it: ``pools.agents.staffing=12, …``."""
    return ", ".join(f"{k}={v}" for k, v in point.items()) or "the base scenario"


def clip(text: str, limit: int = 120) -> str:
    """``text`` cut to ``limit`` characters: messages never echo a huge value whole."""
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"


def _range(spec: str, text: str, option: str) -> tuple[str, ...]:
    parts = spec.split(":")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(parts) not in (2, 3) or len(numbers) != len(parts):
        raise SweepError(f"{option} {text!r}: a range is START:STOP or START:STOP:STEP (numbers)")
    if not all(math.isfinite(n) for n in numbers):
        raise SweepError(f"{option} {text!r}: START, STOP and STEP must be finite numbers")
    start, stop = numbers[0], numbers[1]
    step = numbers[2] if len(numbers) == 3 else 1.0
    if step <= 0 or stop < start:
        raise SweepError(f"{option} {text!r}: need STOP >= START and a positive STEP")
    span = (stop - start) / step
    if not span < MAX_POINTS:  # also catches an overflow to inf
        raise SweepError(
            f"{option} {text!r}: more than {MAX_POINTS:,} values; at most {MAX_POINTS:,} per axis"
        )
    count = int(math.floor(span + 1e-9)) + 1
    whole = all(float(n).is_integer() for n in numbers)
    values = [start + i * step for i in range(count)]
    return tuple(str(int(v)) if whole else f"{v:g}" for v in values)


def _split(spec: str) -> list[str]:
    """Split on commas outside brackets (values may be YAML lists or mappings)."""
    parts, depth, current = [], 0, ""
    for ch in spec:
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts
