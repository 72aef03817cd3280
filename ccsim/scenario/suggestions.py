"""Close names for a slip of the keyboard: a scenario file or a key that does not exist.

A planner who types ``defualt-day.yaml`` or ``paitence:`` meant something near it. Both
errors say what was probably meant: a missing file is compared with the bundled scenarios
and the scenario files in the folder it names; an unknown key with the keys the schema
allows at that place (read from the schema's own models, so a new key is suggested without
touching this module). Closeness is :func:`difflib.get_close_matches`'s ratio.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Sequence
from pathlib import Path, PurePath
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from ccsim.scenario.bundled import SUFFIX, bundled_names

CUTOFF = 0.6
"""How alike two names must be to be suggested (difflib's ratio, 0–1)."""

SCENARIO_SUFFIXES = (".yaml", ".yml")
MAX_FILES = 1000
"""Files of a folder looked at for a close name (a huge folder is not listed whole)."""


def close_files(spec: str | PurePath) -> list[str]:
    """What a scenario argument that is neither a file nor a bundled name probably meant:
    close bundled names (``default-day``) and close scenario files in the folder it names
    (``my-scenarios/centre.yaml``), nearest first."""
    path = Path(spec)
    wanted = path.name
    stem = wanted.removesuffix(SUFFIX).removesuffix(".yml")
    found = [(name, name) for name in bundled_names()]
    folder = path.parent
    try:
        entries = sorted(folder.iterdir())[:MAX_FILES] if folder.is_dir() else []
    except OSError:
        entries = []
    found += [
        (
            entry.name.rsplit(".", 1)[0],
            str(folder / entry.name) if str(folder) != "." else entry.name,
        )
        for entry in entries
        if entry.suffix in SCENARIO_SUFFIXES and entry.is_file()
    ]
    names = [name for name, _ in found]
    close = difflib.get_close_matches(stem, names, n=1, cutoff=CUTOFF)
    shown = dict(found)
    return list(dict.fromkeys(shown[name] for name in close))


def known_keys(model: type[BaseModel], location: Sequence[Any]) -> list[str]:
    """The keys the schema allows at ``location`` (a pydantic error location ending in the
    unknown key), starting from ``model``; empty when the place cannot be found."""
    here: list[Any] = [model]
    for step in location[:-1]:
        after = [a for annotation in here for a in _step(annotation, step)]
        if after:
            here = after
        # else: a union member's or a validator's name in the location, not a key: stay
    keys: list[str] = []
    for annotation in here:
        for member in _members(annotation):
            if isinstance(member, type) and issubclass(member, BaseModel):
                keys += [field.alias or name for name, field in member.model_fields.items()]
    return list(dict.fromkeys(keys))


def close_key(key: str, keys: Sequence[str]) -> str | None:
    """The known key nearest to ``key``, if one is close enough."""
    close = difflib.get_close_matches(key, list(keys), n=1, cutoff=CUTOFF)
    return close[0] if close else None


def _step(annotation: Any, step: Any) -> list[Any]:
    """What the value at ``step`` inside a value of ``annotation`` may be."""
    out = []
    for member in _members(annotation):
        origin = get_origin(member)
        if isinstance(member, type) and issubclass(member, BaseModel):
            for name, field in member.model_fields.items():
                if step in (name, field.alias):
                    out.append(field.annotation)
        elif origin is dict and isinstance(step, str):
            out.append(get_args(member)[1])
        elif origin in (list, tuple) and isinstance(step, int):
            args = [a for a in get_args(member) if a is not Ellipsis]
            out += args[:1]
    return out


def _members(annotation: Any) -> list[Any]:
    """The alternatives of a union (and the type inside ``Annotated``), flattened."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _members(get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return [m for arg in get_args(annotation) for m in _members(arg)]
    return [annotation]
