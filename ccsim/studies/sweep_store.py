"""A sweep's folder is its memory: the definition, every finished point, the final tables.

``sweep.json`` holds the definition (base scenario, points, replications, seed) and its
fingerprint; every finished point is written at once to ``points/point-NNNN.json``
(atomically). Opening the folder again reads the finished points back, so a sweep resumes
where it stopped; a folder holding another sweep is refused. The final
``sweep.parquet`` and ``warnings.json`` are written together or not at all.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import pandas as pd

from ccsim.atomic import atomic_file, remove_stale_partials, write_text
from ccsim.jsonable import json_value
from ccsim.scenario import Scenario
from ccsim.studies.sweep_grid import SweepError


def sweep_spec(base: Scenario, points: list[dict[str, str]], count: int, root: int) -> dict:
    """What makes a sweep this sweep: base scenario, points, replications and seed."""
    return {"base": base.resolved(), "points": points, "replications": count, "seed": root}


def digest(spec: dict) -> str:
    """The fingerprint of a sweep's definition."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def open_folder(folder: Path, spec: dict) -> dict[int, dict]:
    """Create the sweep folder, or check it holds this sweep and read its finished points.

    Returns:
        The saved rows by point number (corrupt or empty point files are removed, so those
        points run again).

    Raises:
        SweepError: the folder is not empty and not a sweep folder, or holds another sweep.
    """
    wanted = digest(spec)
    marker = folder / "sweep.json"
    if folder.exists() and any(folder.iterdir()):
        if not marker.exists():
            raise SweepError(
                f"--out {folder}: exists, is not empty and is not a sweep folder; choose a new "
                "folder (or the folder of an interrupted sweep to resume it)"
            )
        try:
            stored = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SweepError(f"--out {folder}: cannot read sweep.json ({exc})") from None
        if stored.get("digest") != wanted:
            raise SweepError(
                f"--out {folder}: holds another sweep (other scenario, points, replications "
                "or seed); resume it with the same command, or choose a new folder"
            )
    else:
        folder.mkdir(parents=True, exist_ok=True)
        write_json(marker, {"digest": wanted, **spec})
    for place in (folder, folder / "points"):  # temporaries of a sweep killed mid-write
        remove_stale_partials(place)
    saved = {}
    for file in sorted((folder / "points").glob("point-*.json")):
        row = _read_point(file)
        if row is None:  # empty or corrupt (a disk that filled up): run the point again
            file.unlink(missing_ok=True)
            continue
        saved[int(row["point"])] = {
            k: (math.nan if v is None else v) for k, v in row.items() if k != "warnings"
        }
        saved[int(row["point"])]["warnings"] = row.get("warnings") or []
    return saved


def save_point(folder: Path, index: int, row: dict) -> None:
    """Save one finished point at once (atomically)."""
    write_json(folder / "points" / f"point-{index:04d}.json", row)


def write_tables(folder: Path, table: pd.DataFrame, warnings: list[dict]) -> None:
    """The sweep's final files, all or none: a failure half-way (a full disk, Ctrl-C) removes
    the ones written, so a folder with ``sweep.parquet`` is a finished sweep (the points stay
    saved). ``sweep.parquet`` keeps the exact values under the catalogue's names; the
    planner's ``sweep.csv`` and pictures are the output layer's
    (:mod:`ccsim.output.sweep_folder`)."""
    written = []
    try:
        write_json(folder / "warnings.json", {"warnings": warnings})
        written.append(folder / "warnings.json")
        with atomic_file(folder / "sweep.parquet") as temporary:
            table.to_parquet(temporary, index=False)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def write_json(path: Path, data: dict) -> None:
    write_text(path, json.dumps(json_value(data), indent=1))


def _read_point(file: Path) -> dict | None:
    """A saved point's row, or None when the file cannot be trusted."""
    try:
        row = json.loads(file.read_text(encoding="utf-8"))
        number = int(file.stem.removeprefix("point-"))
    except (OSError, ValueError):
        return None
    if not isinstance(row, dict) or row.get("point") != number:
        return None
    return row
