"""Files written whole or not at all: a temporary file beside the target, renamed onto it.

A crash, a full disk or Ctrl-C half-way leaves the old file (or none), never a half-written
one that looks finished. (Whole results folders are staged the same way:
:func:`ccsim.output.run_folder.staged_folder`.)

Temporaries are hidden and name their owner — ``.<name>.partial-<host>-<pid>-<random>`` —
so that one left behind by a process killed outright (``kill -9``, a power cut) can be told
from one still being written: :func:`remove_stale_partials` removes those whose process is
gone.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STALE_AFTER = 60.0
"""Seconds a temporary must be left untouched before it may count as abandoned."""

MAX_NAME_BYTES = 100
"""The longest target name kept in a temporary's name (file systems allow 255 bytes in all)."""

_PARTIAL = re.compile(r"^\..*\.partial-(?:(?P<host>[A-Za-z0-9._]*)-(?P<pid>\d+)-)?[^-]*$")
_LEGACY = re.compile(r"^\..*\.partial$")  # atomic files of earlier versions: no owner named


def partial_prefix(name: str) -> str:
    """The hidden name prefix of a temporary standing in for ``name`` in this process."""
    short = name.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", "ignore")
    return f".{short}.partial-{_host()}-{os.getpid()}-"


@contextmanager
def atomic_file(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends well, it becomes ``path``.

    Example::

        with atomic_file(folder / "sweep.csv") as temporary:
            table.to_csv(temporary)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=partial_prefix(path.name), dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o644)  # mkstemp makes it private; results are for reading
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_text(path: Path | str, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically and return the path."""
    with atomic_file(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return Path(path)


def remove_stale_partials(folder: Path | str, now: float | None = None) -> list[Path]:
    """Remove the abandoned temporaries (files or folders) directly inside ``folder``.

    A temporary is abandoned when it is older than :data:`STALE_AFTER` seconds and the
    process that made it, on this machine, is gone. Temporaries of another machine (a
    shared results folder) are left alone; those of earlier ccsim versions, which do not
    name their process, only after a day. Never raises: cleaning up is a courtesy.

    Returns:
        The paths removed.
    """
    removed: list[Path] = []
    now = time.time() if now is None else now
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        if _abandoned(entry, now):
            try:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                removed.append(entry)
            except OSError:
                continue  # another process got there first, or not ours to remove
    return removed


def _abandoned(entry: Path, now: float) -> bool:
    match = _PARTIAL.match(entry.name)
    legacy = match is None and _LEGACY.match(entry.name) is not None
    if match is None and not legacy:
        return False
    try:
        age = now - entry.lstat().st_mtime
    except OSError:
        return False
    if age < STALE_AFTER:
        return False
    if legacy or match is None or match["pid"] is None:
        return age > 24 * 3600
    if match["host"] != _host():
        return False
    return not _alive(int(match["pid"]))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process, or a number we cannot check: leave it
    return True


def _host() -> str:
    # Dashes would blur where the host ends in the name; dots are fine.
    return re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname())[:40] or "host"
