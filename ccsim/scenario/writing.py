"""Writing a scenario back as YAML a planner can read, edit and load again.

A run's folder keeps the scenario exactly as run (every default filled in), so the run can
be repeated and changed. Inside ccsim every time is a number of seconds; written as such a
planner would read ``open: 28800.0`` and ``mean: 180.0``. :func:`scenario_yaml` writes times
the way scenario files do: clock times as ``"08:00"``, durations as ``"3min"`` or ``"2h"``
when they are whole minutes or hours, otherwise as seconds (``20``, ``12.5``). Loading the
text again gives the same :class:`~ccsim.scenario.scenario.Scenario`, value for value.

Which fields are times is read from the schema itself (the :data:`~ccsim.scenario.fields.
ClockTime` and :data:`~ccsim.scenario.fields.Duration` types), not listed here, so a new
duration field is written as one without touching this module.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args, get_origin

import yaml
from pydantic import BaseModel

from ccsim.scenario.scenario import Scenario
from ccsim.units import parse_clock, parse_duration

TimeKind = Literal["clock", "duration"] | None


def written_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data with times as planners write them (see the module)."""
    return _model_data(scenario, scenario.resolved())


def scenario_yaml(scenario: Scenario, header: str = "") -> str:
    """The YAML text of :func:`written_data`, after ``header`` (comment lines): clock times
    quoted (``open: "08:00"``), lists of numbers on one line (``staffing: [14, 18, 25]``)."""
    text = yaml.dump(
        written_data(scenario), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )
    return header + text


class _Clock(str):
    """A clock time, written in double quotes as scenario files do (``"08:00"``)."""


class _Dumper(yaml.SafeDumper):
    """Safe YAML with quoted clock times and short lists of numbers on one line."""


def _represent_clock(dumper: yaml.SafeDumper, value: _Clock) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


def _represent_list(dumper: yaml.SafeDumper, value: list) -> yaml.Node:
    flat = all(isinstance(v, (int, float, str)) for v in value)
    return dumper.represent_sequence(
        "tag:yaml.org,2002:seq", value, flow_style=flat and bool(value)
    )


_Dumper.add_representer(_Clock, _represent_clock)
_Dumper.add_representer(list, _represent_list)


def results_scenario_text(scenario: Scenario, version: str) -> str:
    """``scenario.yaml`` of a results folder: a header saying what it is, then
    :func:`scenario_yaml` — the scenario exactly as run, every default filled in, ready to be
    edited and run again."""
    header = (
        f"# Resolved by ccsim {version}, seed {scenario.experiment.seed}: the scenario exactly\n"
        "# as run, every default filled in (durations in seconds or with a unit, clock times\n"
        '# as "HH:MM"). `ccsim run` on this file repeats the run; edit it for a what-if.\n'
    )
    return scenario_yaml(scenario, header)


def read_resolved(text: str) -> Any:
    """A written ``scenario.yaml`` read back as resolved data (seconds everywhere), as the
    report's words expect; a file ccsim cannot validate (an older version's) is returned as
    YAML reads it."""
    from ccsim.errors import ScenarioError
    from ccsim.scenario.loading import parse_scenario

    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        return data
    try:
        return parse_scenario(dict(data), source="scenario.yaml").resolved()
    except ScenarioError:
        return data


def duration_text(seconds: float) -> str | int | float:
    """A duration as a scenario file writes it: ``"3min"``, ``"2h"``, ``20``, ``12.5``."""
    if seconds > 0 and seconds % 3600 == 0:
        return f"{int(seconds // 3600)}h"
    if seconds > 0 and seconds % 60 == 0:
        return f"{int(seconds // 60)}min"
    return int(seconds) if float(seconds).is_integer() else seconds


def clock_text(seconds: float) -> str | float:
    """A time of day as a scenario file writes it: ``"08:00"`` (``"08:00:30"`` with seconds;
    a fraction of a second stays a number of seconds after midnight)."""
    if not float(seconds).is_integer():
        return seconds
    total = int(seconds)
    hours, minutes, secs = total // 3600, total % 3600 // 60, total % 60
    return _Clock(f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else ""))


def _model_data(model: BaseModel, dumped: Any) -> Any:
    if not isinstance(dumped, dict):
        return dumped
    out = dict(dumped)
    for name, field in type(model).model_fields.items():
        key = field.alias or name
        if key not in out:
            continue
        value = getattr(model, name)
        kind = _time_kind(field.annotation, field.metadata)
        out[key] = _value(value, out[key], kind)
    return out


def _value(value: Any, dumped: Any, kind: TimeKind) -> Any:
    if isinstance(value, BaseModel):
        return _model_data(value, dumped)
    if isinstance(value, dict) and isinstance(dumped, dict):
        return {
            k: _value(value[k], dumped[k], kind) if k in value else v for k, v in dumped.items()
        }
    if isinstance(value, (list, tuple)) and isinstance(dumped, list):
        return [_value(v, d, kind) for v, d in zip(value, dumped, strict=True)]
    if kind is None or isinstance(dumped, bool) or not isinstance(dumped, (int, float)):
        return dumped
    return clock_text(dumped) if kind == "clock" else duration_text(dumped)


def _time_kind(annotation: Any, metadata: list[Any] | tuple[Any, ...] = ()) -> TimeKind:
    """Whether a field's values (or its items') are clock times or durations."""
    for item in metadata:
        func = getattr(item, "func", None)
        if func is parse_clock:
            return "clock"
        if func is parse_duration:
            return "duration"
    if get_origin(annotation) is Annotated:
        return _time_kind(get_args(annotation)[0], annotation.__metadata__)
    for arg in get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            continue  # a model's own fields say what they are
        kind = _time_kind(arg)
        if kind is not None:
            return kind
    return None
