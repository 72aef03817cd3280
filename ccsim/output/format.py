"""How a value reads to a planner, the same on the console and in the HTML reports.

Durations (``45 s``, ``3.2 min``, ``3.9 h``), shares (``86.1 %``), targets as given
(``80 %``), differences in points (``+1.2 pts``), counts and money with thousands separators.
A missing or not-a-number value reads ``–`` everywhere.

The console's rich tables are narrow, so they spell a unit without its space (``86.1%``,
``12.3s``): ``compact=True`` asks for that. Everything else is the same rule.

A measure is formatted by its kind in the measure catalogue (:mod:`ccsim.measures.catalogue`):
:func:`measure_value` and :func:`measure_difference` — fractions as percentages (differences in
points), times in seconds, counts, money, hours and ratios as numbers.
"""

from __future__ import annotations

import math
import numbers

from ccsim.measures.catalogue import Kind, lookup
from ccsim.units import format_clock, format_duration

MISSING = "–"
"""What a missing value (``None``, NaN, infinity, not a number) reads as."""

SECONDS_PER = {"s": 1.0, "min": 60.0, "h": 3600.0}


def finite(x: object) -> bool:
    """Whether ``x`` is a real number worth showing (not ``None``, NaN, ±inf or a bool)."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x)


def percent(x: object, digits: int = 1, *, compact: bool = False) -> str:
    """A share as a percentage: ``0.861`` → ``86.1 %`` (``86.1%`` when ``compact``)."""
    if not finite(x):
        return MISSING
    return f"{100 * float(x):.{digits}f}{'' if compact else ' '}%"  # type: ignore[arg-type]


def percent_as_given(x: object) -> str:
    """A target, limit or probability as the planner wrote it: ``0.8`` → ``80 %``,
    ``0.925`` → ``92.5 %``."""
    if not finite(x):
        return MISSING
    return f"{round(100 * float(x), 2):g} %"  # type: ignore[arg-type]


def points(x: object, digits: int = 1, *, unit: str = "pts", signed: bool = True) -> str:
    """A difference between two shares in percentage points: ``0.012`` → ``+1.2 pts``."""
    if not finite(x):
        return MISSING
    return f"{100 * float(x):{'+' if signed else ''}.{digits}f} {unit}"  # type: ignore[arg-type]


def number(x: object) -> str:
    """A count or amount with as many decimals as its size deserves: ``1,234``, ``12.3``,
    ``1.25``."""
    if not finite(x):
        return MISSING
    x = float(x)  # type: ignore[arg-type]
    if abs(x) >= 100 or x.is_integer():
        return f"{x:,.0f}"
    return f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def count(x: object, digits: int = 0, *, signed: bool = False) -> str:
    """A count (contacts, agents, hours) with thousands separators and fixed decimals."""
    if not finite(x):
        return MISSING
    return f"{float(x):{'+' if signed else ''},.{digits}f}"  # type: ignore[arg-type]


def money(x: object, digits: int = 0) -> str:
    """An amount of money in the scenario's currency: ``12,345``; per contact ``3.21``."""
    return count(x, digits)


def hours(x: object, digits: int = 1) -> str:
    """Agent hours: ``1,234.5 h``."""
    return MISSING if not finite(x) else f"{count(x, digits)} h"


def seconds(x: object, digits: int = 1, *, compact: bool = False) -> str:
    """A duration always in seconds with fixed decimals: ``12.3 s`` (``12.3s`` compact)."""
    if not finite(x):
        return MISSING
    return f"{float(x):.{digits}f}{'' if compact else ' '}s"  # type: ignore[arg-type]


def duration_unit(x: object) -> str:
    """The unit a duration reads best in: ``s`` below 2 min, ``min`` below 2 h, then ``h``."""
    if not finite(x) or float(x) < 120:  # type: ignore[arg-type]
        return "s"
    return "min" if float(x) < 7200 else "h"  # type: ignore[arg-type]


def duration(x: object, unit: str = "") -> str:
    """A duration in the unit it reads best in (or ``unit``): ``5.7`` → ``5.7 s``,
    ``192`` → ``3.2 min``, ``14040`` → ``3.9 h``; missing → ``–``."""
    if not finite(x):
        return MISSING
    unit = unit or duration_unit(x)
    value = float(x) / SECONDS_PER[unit]  # type: ignore[arg-type]
    if value == 0 or abs(value) >= 100 or value.is_integer():
        text = f"{value:,.0f}"
    else:
        text = f"{value:.1f}" if abs(value) >= 10 else f"{value:.2g}"
    return f"{text} {unit}"


def signed_magnitude(x: float, text: str) -> str:
    """``text`` (the formatted size of ``x``) with a sign: ``+``, ``−`` or ``±`` for zero."""
    return ("+" if x > 0 else ("−" if x < 0 else "±")) + text


def as_written(x: float) -> str:
    """A duration the way a scenario file spells it (thresholds, limits, shift lengths):
    ``20s``, ``5min``, ``8h``."""
    return format_duration(x)


def clock(x: float) -> str:
    """A time of day from seconds after midnight: ``08:30``."""
    return format_clock(x)


def kind_of(name: str) -> Kind | None:
    """The kind of measure ``name`` (the last part of a dotted column such as
    ``by_type.voice.service_level``); ``None`` when the catalogue does not know it."""
    try:
        return lookup(name.rsplit(".", 1)[-1]).kind
    except KeyError:
        return None


def measure_value(name: str, x: object, unit: str = "") -> str:
    """A measure's value by its kind: ``86.1 %``, ``12.3 s`` (in ``unit``, default the one it
    reads best in), ``1,234``; missing → ``–``."""
    kind = kind_of(name)
    if kind is Kind.FRACTION:
        return percent(x)
    if kind is Kind.SECONDS:
        return duration(x, unit)
    if kind is Kind.HOURS:
        return MISSING if not finite(x) else f"{number(x)} h"
    return number(x)


def measure_difference(name: str, x: object, unit: str = "") -> str:
    """A difference of a measure, signed: ``+1.2 pts`` (fractions, in percentage points),
    ``−3.4 s``, ``+1.5 h`` (times in ``unit``, default the one the difference reads best
    in), ``+12``; undefined → ``–``."""
    if not finite(x):
        return MISSING
    size = abs(float(x))  # type: ignore[arg-type]
    kind = kind_of(name)
    if kind is Kind.FRACTION:
        text = points(size, signed=False)
    elif kind is Kind.SECONDS:
        text = duration(size, unit)
    elif kind is Kind.HOURS:
        text = f"{number(size)} h"
    else:
        text = number(size)
    return signed_magnitude(float(x), text)  # type: ignore[arg-type]


def empty_reasons(summary: dict) -> list[str]:
    """Why some of a run's measures read ``–``: one sentence per contact type or pool.

    A measure with nothing to measure is empty, not zero: a contact type with no contacts
    offered has no service level, ASA or abandonment; one with none answered has no ASA; a
    pool with no agents on duty has no occupancy; a pool that answered nothing has no cost
    per contact. The console and the HTML report print these beside their tables.

    Args:
        summary: a run's summary (the shape of ``summary.json``).
    """
    reasons = []
    for name, m in (summary.get("by_type") or {}).items():
        offered, answered = _mean(m, "offered"), _mean(m, "answered")
        if offered == 0:
            reasons.append(
                f"{name}: no contacts offered, so its service level, ASA and abandonment "
                "are not defined"
            )
        elif answered == 0:
            reasons.append(f"{name}: no contact answered, so its ASA is not defined")
    for name, m in (summary.get("by_pool") or {}).items():
        if _mean(m, "agent_hours") == 0:
            reasons.append(f"pool {name}: no agents on duty, so its occupancy is not defined")
        elif _mean(m, "answered") == 0 and finite(_mean(m, "cost")) and _mean(m, "cost"):
            reasons.append(f"pool {name}: no contact answered, so no cost per contact")
    return reasons


def _mean(measures: dict, key: str) -> object:
    entry = measures.get(key)
    return entry.get("mean") if isinstance(entry, dict) else entry


# -- CSV files: headers that say their unit, values without float noise --------------------

UNIT_SUFFIX = {Kind.SECONDS: "_s"}
"""The unit a CSV header carries after the measure's name: ``asa_s`` (seconds). Hours are
already named ``…_hours``; fractions are shares from 0 to 1 (``0.861`` = 86.1 %); counts and
money carry none."""

CSV_DECIMALS = {
    Kind.FRACTION: 4,  # 0.01 percentage point
    Kind.SECONDS: 2,
    Kind.COUNT: 3,  # a mean over replications may be fractional
    Kind.MONEY: 2,
    Kind.HOURS: 3,  # about 4 seconds
    Kind.RATE: 4,
}
"""Decimals kept in CSV files per kind of measure: enough for any planning decision, and no
``8.0844e-16`` left over from summing floating-point numbers."""

OTHER_DECIMALS = 6
"""Decimals of a CSV number that is no catalogued measure."""

_CSV_TAILS = ("_low", "_high", "_p10", "_p50", "_p90")
_SHARE_COLUMNS = {"p_meets_target": Kind.FRACTION}


def _split_column(column: str) -> tuple[str, str, str]:
    """``type.voice.asa_low`` → (``type.voice.``, ``asa``, ``_low``)."""
    prefix, _, last = column.rpartition(".")
    prefix = f"{prefix}." if prefix else ""
    for tail in _CSV_TAILS:
        if last.endswith(tail) and kind_of(last.removesuffix(tail)) is not None:
            return prefix, last.removesuffix(tail), tail
    return prefix, last, ""


def column_kind(column: str) -> Kind | None:
    """The kind of measure a table column holds (``type.voice.asa_low`` → seconds)."""
    _, name, _ = _split_column(column)
    return _SHARE_COLUMNS.get(name) or kind_of(name)


def csv_header(column: str) -> str:
    """A column's CSV header, with its unit: ``asa`` → ``asa_s``, ``type.voice.asa_low`` →
    ``type.voice.asa_s_low``; other columns unchanged."""
    prefix, name, tail = _split_column(column)
    suffix = UNIT_SUFFIX.get(kind_of(name)) if name not in _SHARE_COLUMNS else None  # type: ignore[arg-type]
    return f"{prefix}{name}{suffix}{tail}" if suffix else column


def column_of_header(header: str) -> str:
    """The table column a CSV header stands for (the inverse of :func:`csv_header`)."""
    prefix, _, last = header.rpartition(".")
    prefix = f"{prefix}." if prefix else ""
    for tail in ("", *_CSV_TAILS):
        stem = last.removesuffix(tail) if tail else last
        if tail and not last.endswith(tail):
            continue
        for suffix in UNIT_SUFFIX.values():
            name = stem.removesuffix(suffix)
            if stem.endswith(suffix) and csv_header(name) == name + suffix:
                return f"{prefix}{name}{tail}"
    return header


def csv_decimals(column: str) -> int:
    """Decimals kept for a column in CSV files (:data:`CSV_DECIMALS`)."""
    kind = column_kind(column)
    return OTHER_DECIMALS if kind is None else CSV_DECIMALS.get(kind, OTHER_DECIMALS)


def measure_csv(frame):  # pandas is not imported here: the console never needs it
    """A table as a CSV file shows it: measures rounded by kind (float noise such as
    ``8.08e-16`` overtime hours becomes 0; ``-0`` becomes 0) and headers carrying their unit
    (:func:`csv_header`). ``frame`` is not changed.

    Write it with ``to_csv(path, index=False)`` (no ``float_format``: rounded values print
    as themselves, never in scientific notation)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype.kind == "f":
            out[column] = out[column].round(csv_decimals(str(column))) + 0.0
    return out.rename(columns={c: csv_header(str(c)) for c in out.columns})


def from_csv_headers(frame):
    """A table read from a CSV file of :func:`measure_csv`, with the catalogue's column names
    again (``asa_s`` → ``asa``); a file written before units were added reads the same."""
    return frame.rename(columns={c: column_of_header(str(c)) for c in frame.columns})
