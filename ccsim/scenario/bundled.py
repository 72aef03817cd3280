"""The bundled scenarios: example contact centres shipped inside the package.

They live in ``ccsim/scenarios/*.yaml`` as package data and are read with
:mod:`importlib.resources`, so they are there in a wheel or zip install as much as in a
checkout. A user names one by its name (``default-day``) or by a file name that does not exist
on disk but whose last part is a bundled file (``scenarios/default-day.yaml``, as older
documents wrote it); :func:`ccsim.scenario.load_scenario` accepts both.
"""

from __future__ import annotations

import difflib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePath

SUFFIX = ".yaml"
DESCRIPTION_WIDTH = 100
"""Longest one-line description, in characters (a listing stays one line a scenario)."""


def _folder() -> Traversable:
    return resources.files("ccsim").joinpath("scenarios")


def bundled_names() -> tuple[str, ...]:
    """The names of the bundled scenarios, sorted (``default-day``, ``two-pools`` …)."""
    return tuple(
        sorted(
            entry.name.removesuffix(SUFFIX)
            for entry in _folder().iterdir()
            if entry.is_file() and entry.name.endswith(SUFFIX)
        )
    )


def bundled_name(spec: str | PurePath) -> str | None:
    """The bundled scenario ``spec`` names, or None.

    ``spec`` may be a name (``default-day``), a file name (``default-day.yaml``) or a path
    whose last part is one (``scenarios/default-day.yaml``); the caller decides whether a file
    of that path exists first.
    """
    name = PurePath(spec).name
    if name.endswith(SUFFIX):
        name = name.removesuffix(SUFFIX)
    elif PurePath(spec).suffix:
        return None  # some other kind of file (.yml, .csv): not a bundled name
    return name if name in bundled_names() else None


def bundled_text(name: str) -> str:
    """The YAML text of the bundled scenario ``name`` (one of :func:`bundled_names`)."""
    if name not in bundled_names():
        raise KeyError(name)
    return _folder().joinpath(name + SUFFIX).read_text(encoding="utf-8")


def bundled_description(name: str) -> str:
    """One line saying what the bundled scenario ``name`` shows: its ``description:`` key,
    else the first sentence of the comment the file opens with, else its name."""
    import yaml

    text = bundled_text(name)
    data = yaml.safe_load(text)
    described = data.get("description") if isinstance(data, dict) else None
    line = " ".join(str(described or "").split()) or _first_comment_sentence(text) or name
    if len(line) <= DESCRIPTION_WIDTH:
        return line
    return line[: line.rfind(" ", 0, DESCRIPTION_WIDTH)] + " …"


def _first_comment_sentence(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    comment = " ".join(part for part in lines if part)
    end = comment.find(". ")
    return comment if end < 0 else comment[: end + 1]


def unknown_scenario_problem(spec: str | PurePath) -> str:
    """One paragraph for a scenario argument that is neither a file nor a bundled name:
    the bundled names, and the closest one when the spelling is near."""
    names = bundled_names()
    wanted = PurePath(spec).name.removesuffix(SUFFIX)
    closest = difflib.get_close_matches(wanted, names, n=1, cutoff=0.5)
    hint = f"did you mean {closest[0]!r}? " if closest else ""
    return (
        f"file not found, and not the name of a bundled scenario; {hint}"
        f"bundled: {', '.join(names)} (`ccsim scenarios` lists them, "
        "`ccsim scenarios --copy DIR` copies them out for editing)"
    )


def copy_bundled(folder: Path, force: bool = False) -> list[Path]:
    """Copy every bundled scenario into ``folder`` (made if missing) for editing.

    Args:
        folder: where the ``*.yaml`` files go.
        force: overwrite files of the same name; without it, nothing is written when any of
            them exists (so a planner's edited copy is never lost).

    Returns:
        The files written, in name order.

    Raises:
        FileExistsError: a file of that name exists and ``force`` is false (the message
            lists every such file).
    """
    targets = [folder / (name + SUFFIX) for name in bundled_names()]
    existing = [path for path in targets if path.exists()]
    if existing and not force:
        raise FileExistsError(
            f"{len(existing)} file(s) already exist in {folder}: "
            f"{', '.join(p.name for p in existing)}; nothing was copied "
            "(use --force to overwrite them, or copy into another folder)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    for path in targets:
        path.write_text(bundled_text(path.stem), encoding="utf-8")
    return targets
