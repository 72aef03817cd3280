"""Loading scenario files: YAML in, a validated Scenario out, or errors naming YAML paths."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ccsim.errors import PROBLEM_LIST, ScenarioError, yaml_path
from ccsim.scenario.bundled import bundled_name, bundled_names, bundled_text
from ccsim.scenario.distributions import DISTRIBUTION_NAMES
from ccsim.scenario.scenario import Scenario
from ccsim.scenario.suggestions import close_files, close_key, known_keys
from ccsim.scenario.tables_from_files import resolve_file_tables
from ccsim.scenario.yaml_input import (
    SHOWN_CHARACTERS,
    YamlLimitError,
    load_yaml,
    read_scenario_text,
    shown,
    yaml_problem,
)


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
        text = read_scenario_text(path)
    except FileNotFoundError:
        raise ScenarioError(
            str(path), [missing_file_problem(path)], headline="no such scenario"
        ) from None
    except IsADirectoryError:
        raise ScenarioError(str(path), ["is a folder, not a scenario file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), [f"cannot be read: {exc}"]) from None
    except ValueError as exc:  # not a regular file, or too large: refused before reading
        raise ScenarioError(str(path), [str(exc)]) from None
    return _parse_text(text, source=str(path), stem=path.stem, base=path.parent)


def missing_file_problem(path: Path) -> str:
    """One paragraph for a scenario argument that is neither a file nor a bundled name: the
    close names (bundled ones and files in the folder it names), then every bundled name."""
    close = close_files(path)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return (
        f"file not found, and not the name of a bundled scenario; {hint}"
        f"bundled: {', '.join(bundled_names())} (`ccsim scenarios` lists them, "
        "`ccsim scenarios --copy DIR` copies them out for editing)"
    )


def _parse_text(text: str, source: str, stem: str, base: Path | None = None) -> Scenario:
    try:
        data = load_yaml(text)
    except YamlLimitError as exc:
        raise ScenarioError(source, [exc.problem]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(source, [f"not valid YAML: {yaml_problem(exc)}"]) from None
    if not isinstance(data, dict):
        raise ScenarioError(
            source, ["the file must hold a mapping with keys such as contact_types and pools"]
        )
    data.setdefault("name", stem)
    return parse_scenario(data, source=source, base=base)


def parse_scenario(data: dict[str, Any], source: str, base: Path | None = None) -> Scenario:
    """Validate parsed scenario data, turning pydantic's errors into YAML-path messages.

    ``{from_csv: FILE}`` tables are read first, relative to ``base`` (default: the working
    folder; see :mod:`ccsim.scenario.tables_from_files`).
    """
    data = resolve_file_tables(data, base or Path.cwd(), source)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems: list[str] = []
        union_paths: dict[str, int] = {}
        errors = exc.errors()
        # A list given where `3 | [3, 4]` is allowed, with a bad item: the item's error says
        # it all; "should be a valid number" for the whole list would only confuse.
        listed = {
            tuple(e["loc"][:k])
            for e in errors
            for k, step in enumerate(e["loc"][:-1])
            if isinstance(step, str) and step.startswith("list[")
        }
        for error in errors:
            location = error["loc"]
            if _from_union_member(location) and tuple(location[:-1]) in listed:
                continue
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
        if len(problems) > MAX_PROBLEMS:  # a million bad list entries: the first ones say it
            more = len(problems) - MAX_PROBLEMS
            problems = [*problems[:MAX_PROBLEMS], f"… and {more:,} more problems like these"]
        raise ScenarioError(source, problems) from None


MAX_PROBLEMS = 20
"""Problems listed in one error; the rest are counted."""


_UNION_MEMBERS = {"int", "float", "list[int]", "list[float]", "str"}
_NOT_KEYS = _UNION_MEMBERS | set(DISTRIBUTION_NAMES)


def _from_union_member(location: tuple[Any, ...]) -> bool:
    if not location or not isinstance(location[-1], str):
        return False
    # Numbers as written (fields.Real, fields.Whole) are named after their validator.
    member = location[-1].removeprefix("list[").removeprefix("function-before[")
    return location[-1] in _UNION_MEMBERS or member.startswith("_as_written_")


def _plain(message: str) -> str:
    return message.removeprefix("Value error, ").replace("Input should be", "should be")


def _describe(error: Mapping[str, Any], path: str) -> list[str]:
    kind = error["type"]
    message = _plain(str(error["msg"]))
    if message.startswith(PROBLEM_LIST):
        return [_clipped(line) for line in message.removeprefix(PROBLEM_LIST).splitlines()]
    if error["loc"] and error["loc"][-1] == "[key]":
        return [
            f"{path}: {shown(error['input'], 80)} is not a valid name; use a letter, "
            "then letters, digits, '_' or '-' (no dots or spaces)"
        ]
    return [_describe_one(error, kind, message, path)]


def _describe_one(error: Mapping[str, Any], kind: str, message: str, path: str) -> str:
    if kind == "extra_forbidden":
        return _unknown_key(error["loc"], path)
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
    got = (
        ""
        if isinstance(value, (dict, list))
        or value is None
        or str(value) in message
        or str(value).lower() in message  # true, false as YAML writes them
        else f" (got {shown(value)})"
    )
    return _clipped(f"{path}: {message}{got}")


MAX_KEYS_LISTED = 12
"""Keys listed after an unknown key that is near none of them."""


def _unknown_key(location: tuple[Any, ...], path: str) -> str:
    """An unknown key, with the nearest key allowed there (``did you mean 'patience'?``) or,
    when none is near, the keys that are."""
    keys = known_keys(Scenario, location)
    unknown = str(location[-1]) if location else ""
    near = close_key(unknown, keys)
    if near is not None:
        hint = f"did you mean {near!r}?"
    elif keys:
        listed = ", ".join(keys[:MAX_KEYS_LISTED]) + (", …" if len(keys) > MAX_KEYS_LISTED else "")
        hint = f"allowed here: {listed}"
    else:
        hint = "check the spelling"
    return f"{path}: unknown key; {hint} (docs/scenarios.md lists every key)"


def _clipped(problem: str) -> str:
    """A problem line no longer than a few lines of a terminal, whatever value it quotes."""
    limit = 2 * SHOWN_CHARACTERS + 200
    return problem if len(problem) <= limit else f"{problem[: limit - 1]}…"
