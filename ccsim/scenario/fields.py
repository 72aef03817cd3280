"""Field types shared by the scenario schema: durations, clock times, names.

Each is a pydantic ``Annotated`` type, so that a YAML value such as ``"5min"`` is turned into
seconds at load time and the JSON Schema tells an editor what may be written.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints, WithJsonSchema

from ccsim.scenario.yaml_input import shown
from ccsim.units import parse_clock, parse_duration

_DURATION_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^\s*[0-9]*\.?[0-9]+\s*(ms|s|min|m|h|d)?\s*$"},
    ],
    "description": "seconds, or a string with a unit: '20s', '5min', '1.5h', '2d'",
}

Duration = Annotated[float, BeforeValidator(parse_duration), WithJsonSchema(_DURATION_SCHEMA)]
"""A non-negative duration in seconds (YAML: a number of seconds or ``"5min"``)."""

PositiveDuration = Annotated[
    float, BeforeValidator(parse_duration), Field(gt=0), WithJsonSchema(_DURATION_SCHEMA)
]
"""A strictly positive duration in seconds."""

ClockTime = Annotated[
    float,
    BeforeValidator(parse_clock),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,2}:\d{2}$", "description": "HH:MM"}),
]
"""A time of day in seconds after midnight (YAML: ``"08:00"``)."""

Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$", max_length=64)]
"""A contact-type or pool name: a letter, then letters, digits, ``_`` or ``-``."""


def _refuse_text(value: object, what: str) -> object:
    """Refuse what YAML did not read as a number: ``'12'`` (quoted) and ``true``.

    Pydantic would quietly turn them into 12 and 1; a quoted number is usually a slip, and a
    yes/no where a number belongs always is. Everything else goes on to the usual checks.
    """
    if isinstance(value, bool):
        raise ValueError(f"should be {what}, not {str(value).lower()}")
    if isinstance(value, str):
        raise ValueError(f"should be {what}, not the text {shown(value, 60)} (drop the quotes)")
    return value


def _as_written_number(value: object) -> object:
    return _refuse_text(value, "a number")


def _as_written_whole(value: object) -> object:
    return _refuse_text(value, "a whole number (an integer)")


def _as_written_flag(value: object) -> object:
    """Refuse a yes/no written as text or a number (``'yes'``, ``1``): write true or false."""
    if not isinstance(value, bool):
        raise ValueError(f"should be true or false, not {shown(value, 60)}")
    return value


Real = Annotated[float, BeforeValidator(_as_written_number)]
"""A number as YAML reads it (``12``, ``1.5``, ``1e3``): not ``'12'``, not ``true``."""

Whole = Annotated[int, BeforeValidator(_as_written_whole)]
"""A whole number as YAML reads it (``12``): not ``'12'``, not ``true``."""

Flag = Annotated[bool, BeforeValidator(_as_written_flag)]
"""``true`` or ``false``: not ``'yes'``, not ``1``."""

Probability = Annotated[float, BeforeValidator(_as_written_number), Field(ge=0.0, le=1.0)]
"""A fraction between 0 and 1."""

FROZEN = ConfigDict(frozen=True, extra="forbid", validate_default=True)
"""Every scenario object: immutable after load, unknown keys rejected."""
