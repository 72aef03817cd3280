"""Records from local worker processes, handed over in shared memory instead of a pipe.

A replication run by a local worker process (``--jobs 2``) sends its measures back through
the pool's pipe, which is cheap. Its per-contact records are megabytes a replication: pickled
and pushed through the pipe, read and unpickled by the parent, they cost the parent CPU time
that the two workers need on a 2-core machine (a 40-replication run lost ~6 % of its
speed-up to it). Here each worker instead writes its records as an Arrow IPC file into a
folder in shared memory (``/dev/shm``: RAM, not disk), and sends back only where it is with
the few small fields that are not columns. The parent maps the file and takes the columns as
numpy arrays without copying them (:func:`take_records`), then removes the file: the pages
stay mapped until the records are dropped.

Only local processes share that folder; the Dask executor (workers on other machines) and the
in-process one keep the ordinary path. Where there is no ``/dev/shm`` (macOS, Windows) there
is no spool and records are pickled as before. The records are the same either way, bit for
bit (tests/experiment/test_records_transfer.py).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager, suppress
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.records import CONTACT_COLUMNS, JOURNEY_COLUMNS, ContactRecords

if TYPE_CHECKING:
    from collections.abc import Iterator

SHARED_MEMORY = Path("/dev/shm")
"""Where the spool folder is made: a RAM file system on Linux."""

PREFIX = "ccsim-records-"
"""Spool folders are named ``ccsim-records-<pid>-<random>``, so a later run can tell one
left behind by a process that was killed (:func:`_remove_abandoned`)."""

COLUMNS = (*CONTACT_COLUMNS, *JOURNEY_COLUMNS)
"""The per-contact columns that travel in the file; the journey columns only when they were
recorded (``has_journeys``)."""


@dataclass(frozen=True)
class SpooledRecords:
    """A replication's records left in the spool: the file of its columns and its other fields.

    Attributes:
        path: the Arrow IPC file holding the columns.
        fields: every other field of :class:`~ccsim.records.ContactRecords` (names, agents on
            duty, outbound calls, pauses: small).
    """

    path: str
    fields: dict


@contextmanager
def records_spool() -> Iterator[Path | None]:
    """A new spool folder in shared memory, removed with whatever is left in it at the end
    (None where there is no shared memory to put it in: records are then pickled)."""
    if not SHARED_MEMORY.is_dir() or not os.access(SHARED_MEMORY, os.W_OK):
        yield None
        return
    _remove_abandoned()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=SHARED_MEMORY))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def spool_records(records: ContactRecords, folder: Path) -> SpooledRecords | ContactRecords:
    """Write ``records``' columns into ``folder`` (in a worker process); what to send back:
    where they are, or the records themselves if the spool is full (a small ``/dev/shm``,
    as containers often have: they are then pickled through the pipe as before)."""
    import pyarrow as pa
    import pyarrow.ipc

    names = COLUMNS if records.has_journeys else CONTACT_COLUMNS
    table = pa.table({name: getattr(records, name) for name in names})  # no copy: numpy views
    path = folder / f"replication-{records.replication}.arrow"
    try:
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
    except OSError:  # no room left in shared memory
        with suppress(OSError):
            path.unlink()
        return records
    others = {f.name: getattr(records, f.name) for f in fields(records) if f.name not in COLUMNS}
    return SpooledRecords(str(path), others)


def take_records(spooled: SpooledRecords) -> ContactRecords:
    """The records a worker left in the spool (in the parent): columns mapped, not copied;
    the file is removed (its pages stay until the records are dropped)."""
    import pyarrow as pa
    import pyarrow.ipc

    with pa.memory_map(spooled.path) as source:
        table = pa.ipc.open_file(source).read_all()
    with suppress(OSError):
        os.unlink(spooled.path)
    # One chunk per column, no nulls (NaN is a value here): zero-copy numpy views.
    columns = {name: _numpy(table.column(name)) for name in table.column_names}
    every: dict[str, Any] = {**spooled.fields, **columns}
    return ContactRecords(**every)


def _numpy(column) -> np.ndarray:
    """A column of the spooled table as numpy: a view on the mapped file when it is one
    chunk (always, as written), else joined."""
    if column.num_chunks == 1:
        return column.chunk(0).to_numpy()
    return column.to_numpy()


def _remove_abandoned() -> None:
    """Remove spool folders left by processes that no longer run (killed mid-run)."""
    for folder in SHARED_MEMORY.glob(f"{PREFIX}*"):
        owner = folder.name[len(PREFIX) :].split("-", 1)[0]
        if owner.isdigit() and not _running(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # no signal: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        pass
    return True
