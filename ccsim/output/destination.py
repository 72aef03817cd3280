"""Where results go: a new folder per run, checked before any work, written atomically.

Everything is written into a hidden ``.<name>.partial-<host>-<pid>-*`` folder beside the
destination and renamed into place only when complete (:func:`staged_folder`), so an
interrupted or failed run never leaves a folder that looks finished, and an existing folder is
never overwritten; one left by a killed process is removed by the next run. Folder names made
from user data go through :func:`safe_name`, so they stay inside the folder the user chose.

Kept apart from the writers (:mod:`ccsim.output.run_folder` and the others) and free of
pandas: a command checks its destination before it simulates, and a long run's records should
not share memory with pandas.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

from ccsim.atomic import partial_prefix, remove_stale_partials


class OutputError(ValueError):
    """The output folder cannot be used (exists and is not empty, or cannot be written)."""


MAX_NAME_BYTES = 100
"""The longest folder name ccsim makes from a scenario's name (file systems allow 255 bytes)."""

_RESERVED: set[Path] = set()
"""Folders :func:`new_run_folder` made empty for this process, not yet filled: removed again if
writing fails. (Process-wide on purpose: the command line asks for a name, then writes.)"""

_FINISHED: list[Path] = []
"""Folders :func:`staged_folder` finished in this process, so that an interruption right after
can say truthfully what was written (:func:`finished_folders`)."""


def safe_name(name: str, keep: str = "") -> str:
    """A folder name made from user data (a scenario's ``name``, a comparison's label) that
    stays inside the folder it is put in.

    Letters, digits, ``-``, ``_`` and the ``+``, ``=``, ``×`` of a what-if's name
    (``staffing+2``, ``aht×1.1``, ``staffing=14``: none has a meaning in a path) are kept, and
    the characters of ``keep``; anything else — ``/``, ``..``, spaces — becomes ``-``; a
    leading ``.`` is dropped (no hidden folders, no ``..``); the name is cut to
    :data:`MAX_NAME_BYTES` bytes; empty becomes ``scenario``.

    Example::

        safe_name("../../etc")  # '------etc'
        safe_name("two-pools staffing+2")  # 'two-pools-staffing+2'
    """
    text = "".join(ch if ch.isalnum() or ch in "-_+=×" + keep else "-" for ch in str(name))
    text = text.lstrip(".")
    text = text.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore")
    return text or "scenario"


def new_run_folder(
    results_root: Path,
    scenario_name: str,
    now: datetime | None = None,
    option: str = "--results-dir",
) -> Path:
    """Make a new, empty results folder ``<scenario>-<YYYYmmdd-HHMMSS>[-n]`` and return it.

    The folder is created at once (exclusively), so two runs started in the same second
    never pick the same one; :func:`staged_folder` then fills it atomically (and removes it
    again if writing fails). Abandoned staging folders of killed runs are cleaned up first.

    Raises:
        OutputError: ``results_root`` cannot be created or written.
    """
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    results_root = Path(results_root)
    base = f"{safe_name(scenario_name)}-{stamp}"
    try:
        results_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(_cannot(option, results_root, exc, "create")) from None
    remove_stale_partials(results_root)
    for n in range(1, 10_000):
        candidate = results_root / (base if n == 1 else f"{base}-{n}")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputError(_cannot(option, results_root, exc, "write into")) from None
        _RESERVED.add(candidate)
        return candidate
    raise OutputError(f"{option} {results_root}: no free folder name for {base}")


def check_destination(out: Path, option: str = "--out") -> None:
    """Refuse, before any work, a destination that cannot take the results: one that exists
    and is not an empty folder, a symbolic link, a name too long for the file system, or a
    place that cannot be written.

    Raises:
        OutputError: naming ``option`` and what to do instead.
    """
    out = Path(out)
    check_writable(out, option)
    try:
        taken = out not in _RESERVED and out.exists() and (not out.is_dir() or any(out.iterdir()))
    except OSError as exc:
        raise OutputError(_cannot(option, out, exc, "use")) from None
    if taken:
        raise OutputError(
            f"{option} {out}: already exists and is not an empty folder; results are never "
            "overwritten. Choose a new folder (or leave --out out to get a fresh one in results/)."
        )


def check_writable(folder: Path, option: str = "--out") -> None:
    """Refuse a folder (existing or to be made) that results cannot be written into: a
    symbolic link, a name too long for the file system, or a read-only place.

    Raises:
        OutputError: naming ``option`` and what to do instead.
    """
    folder = Path(folder)
    for part in folder.parts:
        size = len(part.encode("utf-8", "surrogateescape"))
        if size > 255:
            raise OutputError(
                f"{option}: the name {_short(part)} is {size} bytes long; file systems allow "
                "at most 255 bytes per folder name. Choose a shorter name."
            )
    try:
        if folder.is_symlink():
            raise OutputError(
                f"{option} {folder}: is a symbolic link; results are written only into a real "
                f"folder. Give the folder it points to ({os.path.realpath(folder)}) or a new one."
            )
        existing = next((p for p in [folder, *folder.parents] if p.exists()), Path("."))
    except OSError as exc:
        raise OutputError(_cannot(option, folder, exc, "use")) from None
    if not existing.is_dir():
        raise OutputError(f"{option} {folder}: {existing} is a file, not a folder.")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(
            f"{option} {folder}: cannot be written ({existing} is read-only or not ours). "
            "Choose a folder you can write to."
        )


def check_results_dir(results_dir: Path) -> None:
    """Refuse, before any work, a ``--results-dir`` that cannot take a new folder."""
    check_destination(Path(results_dir) / "new-folder", option="--results-dir")


def finished_folders() -> list[Path]:
    """The results folders finished (renamed into place) by this process so far."""
    return list(_FINISHED)


@contextmanager
def staged_folder(destination: Path, option: str = "--out") -> Iterator[Path]:
    """A hidden staging folder beside ``destination``, renamed onto it if all goes well.

    If the block fails — a full disk, a file-size limit, Ctrl-C — the staging folder (and a
    folder :func:`new_run_folder` reserved) is removed: nothing half-written is left.

    Raises:
        OutputError: the destination exists and is not empty, cannot be created, or
            writing into it failed (the operating system's reason is given).
    """
    destination = Path(destination)
    check_destination(destination, option)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_partials(destination.parent)
        staging = Path(
            tempfile.mkdtemp(prefix=partial_prefix(destination.name), dir=destination.parent)
        )
    except OSError as exc:
        _release(destination)
        raise OutputError(_cannot(option, destination, exc, "create")) from None
    try:
        yield staging
        _move_into_place(staging, destination)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        _release(destination)
        if isinstance(exc, OSError):
            raise OutputError(
                _cannot(option, destination, exc, "write") + " Nothing was written."
            ) from None
        raise
    _RESERVED.discard(destination)
    _FINISHED.append(destination)


def _move_into_place(staging: Path, destination: Path) -> None:
    try:
        os.replace(staging, destination)  # onto an empty folder too (POSIX rename)
    except OSError:
        if not destination.is_dir() or any(destination.iterdir()):
            raise
        destination.rmdir()  # file systems that will not rename onto an empty folder
        os.replace(staging, destination)


def _release(destination: Path) -> None:
    """Remove the empty folder :func:`new_run_folder` reserved for a write that failed."""
    if destination in _RESERVED:
        _RESERVED.discard(destination)
        with suppress(OSError):
            destination.rmdir()


def _cannot(option: str, path: Path, exc: OSError, verb: str) -> str:
    reason = exc.strerror or str(exc)
    where = f" ({_short(str(exc.filename))})" if exc.filename else ""
    return f"{option} {_short(str(path))}: cannot {verb} it: {reason}{where}."


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
