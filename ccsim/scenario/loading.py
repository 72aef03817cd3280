"""Loading scenario files: YAML in, a validated Scenario out, or errors naming YAML paths."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ccsim.errors import PROBLEM_LIST, ScenarioError, yaml_path
from ccsim.scenario.bundled import bundled_name, bundled_text, unknown_scenario_problem
from ccsim.scenario.distributions import DISTRIBUTION_NAMES
from ccsim.scenario.scenario import Scenario


def load_scenario(spec: str | Path | Mapping[str, Any]) -> Scenario:
    """Load and validate a scenario from a YAML file, a bundled scenario, or parsed data.

    Args:
        spec: a path to a YAML file; the name of a bundled scenario (``"default-day"``, see
            :mod:`ccsim.scenario.bundled`), also when given as a file path that does not exist
            but whose file name is a bundled one (``"scenarios/default-day.yaml"``); or a
            mapping with the same structure as a file.

    Returns:
        The validated, frozen :class:`Scenario`.

    Raises:
        ScenarioError: the file is missing (and is no bundled scenario), is not YAML, or
            breaks a rule; the message names each offending YAML path, the bad value and
            what is allowed.
    """
    if isinstance(spec, Mapping):
        return parse_scenario(dict(spec), source="<scenario>")
    path = Path(spec)
    bundled = None if path.is_file() else bundled_name(spec)
    if bundled is not None:
        # The package's own copy: a name, or a path from before the scenarios moved into it.
        return _parse_text(bundled_text(bundled), source=bundled, stem=bundled)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), [unknown_scenario_problem(path)]) from None
    except IsADirectoryError:
        raise ScenarioError(str(path), ["is a folder, not a scenario file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), [f"cannot be read: {exc}"]) from None
    return _parse_text(text, source=str(path), stem=path.stem)


def _parse_text(text: str, source: str, stem: str) -> Scenario:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(source, [f"not valid YAML: {where}{problem}"]) from None
    if not isinstance(data, dict):
        raise ScenarioError(
            source, ["the file must hold a mapping with keys such as contact_types and pools"]
        )
    data.setdefault("name", stem)
    return parse_scenario(data, source=source)


def parse_scenario(data: dict[str, Any], source: str) -> Scenario:
    """Validate parsed scenario data, turning pydantic's errors into YAML-path messages."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems: list[str] = []
        union_paths: dict[str, int] = {}
        for error in exc.errors():
            location = error["loc"]
            if location and location[-1] == "[key]":
                # A bad mapping key: point at the mapping that holds it.
                location = location[:-2]
            path = yaml_path(location, data, not_keys=_NOT_KEYS)
            if _from_union_member(error["loc"]):
                # `3 | [3, 4]` style fields fail once per member; say it once, with both forms.
                if path in union_paths:
                    problems[union_paths[path]] += f"; or {_plain(error['msg'])}"
                    continue
                union_paths[path] = len(problems)
            problems.extend(_describe(error, path))
        raise ScenarioError(source, problems) from None


_UNION_MEMBERS = {"int", "float", "list[int]", "list[float]", "str"}
_NOT_KEYS = _UNION_MEMBERS | set(DISTRIBUTION_NAMES)


def _from_union_member(location: tuple[Any, ...]) -> bool:
    return bool(location) and location[-1] in _UNION_MEMBERS


def _plain(message: str) -> str:
    return message.removeprefix("Value error, ").replace("Input should be", "should be")


def _describe(error: Mapping[str, Any], path: str) -> list[str]:
    kind = error["type"]
    message = _plain(str(error["msg"]))
    if message.startswith(PROBLEM_LIST):
        return message.removeprefix(PROBLEM_LIST).splitlines()
    if error["loc"] and error["loc"][-1] == "[key]":
        return [
            f"{path}: {error['input']!r} is not a valid name; use a letter, "
            "then letters, digits, '_' or '-' (no dots or spaces)"
        ]
    return [_describe_one(error, kind, message, path)]


def _describe_one(error: Mapping[str, Any], kind: str, message: str, path: str) -> str:
    if kind == "extra_forbidden":
        return f"{path}: unknown key (check the spelling; docs/scenarios.md lists every key)"
    if kind == "missing":
        return f"{path}: required key is missing"
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag")
        return (
            f"{path}.distribution: {tag!r} is not a known distribution; allowed: exponential, "
            "deterministic, lognormal, gamma, weibull, uniform, empirical"
        )
    if kind == "union_tag_not_found":
        return (
            f"{path}: say which distribution with a 'distribution' key (exponential, "
            "deterministic, lognormal, gamma, weibull, uniform, empirical)"
        )
    value = error.get("input")
    shown = (
        ""
        if isinstance(value, (dict, list)) or value is None or str(value) in message
        else f" (got {value!r})"
    )
    return f"{path}: {message}{shown}"
