"""Overrides: change a scenario from the command line, ``path=value`` at a time.

A planner's what-if is usually one number away from the base scenario: two more agents in a
pool, handle time 10 % longer, patience of two minutes. An override names the setting by its
YAML path and says what to do with it:

* ``pools.tier1.staffing=14`` — set (the value is read as YAML: ``[10, 12]``, ``5min``,
  ``{distribution: exponential, mean: 2min}`` all work);
* ``pools.tier1.staffing=+2`` — add (``+-2`` subtracts);
* ``contact_types.voice.aht=*1.1`` — multiply.

Adding and multiplying apply to every interval when the setting is a per-interval list;
whole-number settings (staffing, capacities) stay whole numbers (rounded). ``aht`` is a
shorthand of a contact type: it scales the handle-time and wrap-up distributions so that
their mean total becomes the value asked for (their shape — cv, Weibull shape — unchanged).
List items are addressed by position: ``contact_types.voice.transfers.0.probability=0.2``.

Overrides apply to the fully resolved scenario (durations in seconds), which is validated
again afterwards, so a bad value gets the usual one-line error with its path.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

import yaml

from ccsim.scenario.loading import parse_scenario
from ccsim.scenario.scenario import Scenario
from ccsim.units import parse_duration


class OverrideError(ValueError):
    """An override that cannot be applied (bad syntax, unknown path, wrong kind of value)."""


@dataclass(frozen=True)
class Override:
    """One parsed override: the path, the operation (``set``, ``add``, ``multiply``), the value."""

    path: tuple[str, ...]
    operation: str
    value: Any
    text: str

    @property
    def label(self) -> str:
        return self.text


def parse_override(text: str, option: str = "--set") -> Override:
    """Parse ``path=value``, ``path=+number`` or ``path=*number``."""
    path_text, sep, value_text = text.partition("=")
    path_text, value_text = path_text.strip(), value_text.strip()
    if not sep or not path_text or not value_text:
        raise OverrideError(
            f"{option} {text!r}: write PATH=VALUE, PATH=+NUMBER (add) or PATH=*NUMBER "
            "(multiply), e.g. pools.tier1.staffing=+2 or contact_types.voice.aht=*1.1"
        )
    path = tuple(part for part in path_text.split(".") if part)
    if value_text[0] in "+*":
        number = _number(value_text[1:], text, option)
        return Override(path, "add" if value_text[0] == "+" else "multiply", number, text)
    try:
        value = yaml.safe_load(value_text)
    except yaml.YAMLError as exc:
        raise OverrideError(f"{option} {text!r}: the value is not valid YAML ({exc})") from None
    return Override(path, "set", value, text)


def apply_overrides(scenario: Scenario, overrides: list[Override], name: str | None = None):
    """A new, validated scenario: ``scenario`` with every override applied in order.

    Args:
        scenario: the base scenario.
        overrides: parsed overrides (see :func:`parse_override`).
        name: the new scenario's name (default: the base name).

    Raises:
        OverrideError: an override cannot be applied.
        ScenarioError: the result is not a valid scenario (the message names the path).
    """
    data = copy.deepcopy(scenario.resolved())
    for override in overrides:
        _apply(data, override)
    if name is not None:
        data["name"] = name
    source = "overrides " + " ".join(o.text for o in overrides)
    return parse_scenario(data, source=source)


def _apply(data: dict, override: Override) -> None:
    path = override.path
    if len(path) == 3 and path[0] == "contact_types" and path[2] == "aht":
        _apply_aht(data, override)
        return
    parent, key = _locate(data, override)
    if override.operation == "set":
        parent[key] = override.value  # a new key too: validation says whether it is known
        return
    parent[key] = _combine(parent[key], override)


def _locate(data: dict, override: Override) -> tuple[Any, Any]:
    """The container holding the override's last path element, and that element's key."""
    node: Any = data
    path = override.path
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        where = ".".join(path[:depth]) or "the scenario"
        if isinstance(node, dict):
            if part not in node or (node[part] is None and not last):
                known = ", ".join(k for k, v in node.items() if v is not None or last) or "none"
                if last and override.operation == "set":
                    return node, part  # a new optional key: validation judges it
                raise OverrideError(
                    f"--set {override.text}: {where} has no {part!r}; it has: {known}"
                )
            key: Any = part
        elif isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise OverrideError(
                    f"--set {override.text}: {where} is a list of {len(node)}; address an "
                    f"item by its position 0..{len(node) - 1}"
                )
            key = int(part)
        else:
            raise OverrideError(
                f"--set {override.text}: {where} is a single value, it has no {part!r}"
            )
        if last:
            return node, key
        node = node[key]
    raise OverrideError(f"--set {override.text}: give a path")


def _combine(current: Any, override: Override) -> Any:
    """``current`` plus or times the override's number, elementwise over a list."""
    if isinstance(current, list):
        return [_combine(item, override) for item in current]
    if isinstance(current, bool) or not isinstance(current, int | float):
        raise OverrideError(
            f"--set {override.text}: +/* need a number or a list of numbers, but "
            f"{'.'.join(override.path)} is {current!r}; set it with PATH=VALUE instead"
        )
    result = current + override.value if override.operation == "add" else current * override.value
    if isinstance(current, int):
        return int(round(result))  # staffing, capacities: whole numbers stay whole
    return result


def _apply_aht(data: dict, override: Override) -> None:
    name = override.path[1]
    types = data["contact_types"]
    if name not in types:
        raise OverrideError(
            f"--set {override.text}: no contact type {name!r}; defined: {', '.join(types)}"
        )
    ctype = types[name]
    parts = [ctype["handle_time"]] + ([ctype["wrap_up"]] if ctype.get("wrap_up") else [])
    current = sum(_mean(part) for part in parts)
    if override.operation == "set":
        target = _seconds(override.value, override)
    elif override.operation == "add":
        target = current + override.value
    else:
        target = current * override.value
    if not math.isfinite(target) or target <= 0 or current <= 0:
        raise OverrideError(
            f"--set {override.text}: the AHT of {name} would be {target:g} s; it must stay positive"
        )
    for part in parts:
        _scale(part, target / current)


def _mean(distribution: dict) -> float:
    kind = distribution["distribution"]
    if kind == "deterministic":
        return float(distribution["value"])
    if kind == "uniform":
        return (float(distribution["low"]) + float(distribution["high"])) / 2
    if kind == "empirical":
        values = distribution["values"]
        weights = distribution.get("weights") or [1.0] * len(values)
        return float(sum(v * w for v, w in zip(values, weights, strict=True)) / sum(weights))
    return float(distribution["mean"])


def _scale(distribution: dict, factor: float) -> None:
    """Stretch a distribution's durations by ``factor`` (mean × factor, shape unchanged)."""
    for key in ("mean", "value", "low", "high"):
        if key in distribution:
            distribution[key] = float(distribution[key]) * factor
    if "values" in distribution:
        distribution["values"] = [float(v) * factor for v in distribution["values"]]


def _seconds(value: Any, override: Override) -> float:
    try:
        return float(parse_duration(value))
    except (TypeError, ValueError) as exc:
        raise OverrideError(f"--set {override.text}: {exc}") from None


def _number(text: str, whole: str, option: str) -> float:
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        value = None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OverrideError(
            f"{option} {whole!r}: after + or * give a number (e.g. +2, +-1, *1.1), got {text!r}"
        )
    return value


def with_experiment(scenario: Scenario, **changes: Any) -> Scenario:
    """A copy of ``scenario`` with experiment settings changed (validated), e.g. ``seed=7``.

    Settings given as None keep the scenario's own value.
    """
    data = scenario.model_dump(mode="json", by_alias=True)
    data["experiment"].update({k: v for k, v in changes.items() if v is not None})
    return parse_scenario(data, source=f"{scenario.name} (options)")
