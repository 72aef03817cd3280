"""Field types shared by the scenario schema: durations, clock times, names.

Each is a pydantic ``Annotated`` type, so that a YAML value such as ``"5min"`` is turned into
seconds at load time and the JSON Schema tells an editor what may be written.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field, StringConstraints, WithJsonSchema

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

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
"""A fraction between 0 and 1."""

FROZEN = ConfigDict(frozen=True, extra="forbid", validate_default=True)
"""Every scenario object: immutable after load, unknown keys rejected."""
