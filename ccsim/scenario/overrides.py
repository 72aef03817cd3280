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

:func:`derive` is the one way code edits a scenario — overrides, experiment options, a
staffing or roster to try, one day of a backtest all go through it: the resolved scenario as
plain data, the changes (paths and values, or a function editing the data), validated again.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from ccsim.scenario.loading import parse_scenario
from ccsim.scenario.scenario import Scenario
from ccsim.scenario.yaml_input import YamlLimitError, load_yaml, shown, yaml_problem
from ccsim.units import parse_duration


class OverrideError(ValueError):
    """An override that cannot be applied (bad syntax, unknown path, wrong kind of value)."""


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE: Any = _Delete()
"""A value for :func:`derive` that removes the key (e.g. a pool's ``shifts`` when it is given
a per-interval staffing instead)."""

Path = str | tuple[str | int, ...]
"""A setting's place in the scenario: ``"pools.tier1.staffing"`` or
``("pools", "tier1", "staffing")`` (list items by position)."""

Changes = Mapping[Path, Any] | Callable[[dict[str, Any]], dict[str, Any] | None]
"""What :func:`derive` changes: values by path, or a function that edits the resolved
scenario's data in place (or returns new data)."""


def derive(
    scenario: Scenario, changes: Changes, name: str | None = None, *, source: str = ""
) -> Scenario:
    """A new, validated scenario: ``scenario`` with ``changes`` made to its resolved data.

    The data is :meth:`Scenario.resolved` — durations in seconds, every key present — and a
    fresh copy, so ``scenario`` is never touched.

    Args:
        scenario: the base scenario.
        changes: ``{path: value}`` (a new optional key is allowed, validation judges it;
            :data:`DELETE` removes a key), or a function of the data that edits it in place
            or returns the new data.
        name: the new scenario's name (default: the base name).
        source: what the scenario is, for error messages (default: ``"<name> (derived)"``).

    Raises:
        OverrideError: a path leads nowhere (an unknown key or list position on the way).
        ScenarioError: the result is not a valid scenario (the message names the path).

    Example::

        busier = derive(base, {"pools.agents.staffing": [12, 14, 16, 11]}, name="busier")
    """
    data = scenario.resolved()
    if callable(changes):
        edited = changes(data)
        data = data if edited is None else edited
    else:
        for path, value in changes.items():
            _set_path(data, path, value)
    if name is not None:
        data["name"] = name
    return parse_scenario(data, source=source or f"{scenario.name} (derived)")


def _set_path(data: dict, path: Path, value: Any) -> None:
    parts = tuple(path.split(".")) if isinstance(path, str) else tuple(path)
    if not parts:
        raise OverrideError("derive: give a path")
    node: Any = data
    for depth, part in enumerate(parts[:-1]):
        node = _child(node, part, parts[: depth + 1])
    key: Any = parts[-1]
    if isinstance(node, list):
        key = _position(node, key, parts)
    elif not isinstance(node, dict):
        raise OverrideError(f"derive: {'.'.join(map(str, parts[:-1]))} is a single value")
    if value is DELETE:
        if isinstance(node, dict):
            node.pop(key, None)
        else:
            del node[key]
    else:
        node[key] = value


def _child(node: Any, part: str | int, where: tuple) -> Any:
    if isinstance(node, dict) and node.get(part) is not None:
        return node[part]
    if isinstance(node, list):
        return node[_position(node, part, where)]
    raise OverrideError(f"derive: the scenario has no {'.'.join(map(str, where))}")


def _position(node: list, part: str | int, where: tuple) -> int:
    text = str(part)
    if not text.isdigit() or int(text) >= len(node):
        raise OverrideError(
            f"derive: {'.'.join(map(str, where))}: a list of {len(node)}, address an item "
            f"by its position 0..{len(node) - 1}"
        )
    return int(text)


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
            f"{option} {shown(text)}: write PATH=VALUE, PATH=+NUMBER (add) or PATH=*NUMBER "
            "(multiply), e.g. pools.tier1.staffing=+2 or contact_types.voice.aht=*1.1"
        )
    path = tuple(part for part in path_text.split(".") if part)
    if value_text[0] in "+*":
        number = _number(value_text[1:], text, option)
        return Override(path, "add" if value_text[0] == "+" else "multiply", number, text)
    try:
        value = load_yaml(value_text)
    except YamlLimitError as exc:
        raise OverrideError(f"{option} {shown(text)}: {exc.problem}") from None
    except yaml.YAMLError as exc:
        problem = f"the value is not valid YAML ({yaml_problem(exc)})"
        raise OverrideError(f"{option} {shown(text)}: {problem}") from None
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

    def edit(data: dict) -> None:
        for override in overrides:
            _apply(data, override)

    source = "overrides " + " ".join(o.text for o in overrides)
    return derive(scenario, edit, name, source=source)


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
            f"{option} {shown(whole)}: after + or * give a number (e.g. +2, +-1, *1.1), "
            f"got {shown(text)}"
        )
    return value


def with_experiment(scenario: Scenario, **changes: Any) -> Scenario:
    """A copy of ``scenario`` with experiment settings changed (validated), e.g. ``seed=7``.

    Settings given as None keep the scenario's own value.
    """
    settings: dict[Path, Any] = {("experiment", k): v for k, v in changes.items() if v is not None}
    return derive(scenario, settings, source=f"{scenario.name} (options)")
