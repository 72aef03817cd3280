"""Sweeps: one experiment per point of a grid (or list) of overrides, resumable.

A sweep varies a few settings of a base scenario — agents 40..60 step 2 × patience 120/300 s
— and runs the same experiment at every point: same seed and replications, so points share
their random numbers (common random numbers make the curve smooth) and each point gives
exactly what ``ccsim run base.yaml --set …`` gives for it alone.

The output folder is the sweep's memory. ``sweep.json`` holds its definition; every finished
point is written at once to ``points/point-NNNN.json`` (atomically). Run the same command
again after an interruption and the finished points are read back, not re-run; the final
``sweep.csv`` / ``sweep.parquet`` are identical to an uninterrupted run's. Each point also
keeps its cautions (:mod:`ccsim.experiment.cautions`: overload, a queue that never clears, missed
targets, too few contacts); ``warnings.json`` lists them all, and the table counts them per
point (column ``warnings``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from ccsim.atomic import atomic_file, remove_stale_partials, write_text
from ccsim.experiment.cautions import run_cautions
from ccsim.experiment.executors import Executor
from ccsim.experiment.replications import run_experiment
from ccsim.jsonable import json_value
from ccsim.measures.catalogue import lookup
from ccsim.scenario import Scenario
from ccsim.scenario.overrides import Override, OverrideError, apply_overrides, parse_override


class SweepError(ValueError):
    """A sweep that cannot be defined or resumed (bad grid, a folder of another sweep)."""


MAX_POINTS = 10_000
"""The most points a sweep may have (an axis, a grid of several, or a --points file): more
would take days and a memory of their own to hold; split the sweep instead."""

MAX_POINTS_FILE = 10 * 1024 * 1024
"""The largest --points file read (bytes)."""


@dataclass(frozen=True)
class Axis:
    """One swept setting: its path and the override value of each step (``42``, ``+2``)."""

    path: str
    values: tuple[str, ...]


def parse_axis(text: str, option: str = "--grid") -> Axis:
    """``path=40:60:2`` (a range, ends included), or ``path=120,300`` / ``path=+0,+2,+4``."""
    path, sep, spec = (part.strip() for part in text.partition("="))
    if not sep or not path or not spec:
        raise SweepError(
            f"{option} {text!r}: write PATH=START:STOP:STEP (both ends included) or "
            "PATH=V1,V2,... , e.g. pools.agents.staffing=40:60:2 or "
            "contact_types.voice.patience.mean=120,300"
        )
    if ":" in spec and not spec.startswith(("{", "[")):
        values = _range(spec, text, option)
    else:
        values = tuple(v.strip() for v in _split(spec) if v.strip())
    if not values:
        raise SweepError(f"{option} {text!r}: give at least one value")
    if len(values) > MAX_POINTS:
        raise SweepError(
            f"{option} {_clip(text)}: {len(values):,} values; at most {MAX_POINTS:,} per axis"
        )
    for value in values:  # every step must be a valid override on its own
        parse_override(f"{path}={value}", option)
    return Axis(path, values)


def grid_points(axes: list[Axis]) -> list[dict[str, str]]:
    """Every combination of the axes' values (the first axis varies slowest).

    Raises:
        SweepError: more than :data:`MAX_POINTS` combinations.
    """
    total = math.prod(len(a.values) for a in axes)
    if total > MAX_POINTS:
        sizes = " × ".join(f"{len(a.values):,}" for a in axes)
        raise SweepError(
            f"--grid: {sizes} = {total:,} points; a sweep has at most {MAX_POINTS:,}. "
            "Use fewer values per axis (a coarser STEP), or split the sweep."
        )
    return [
        dict(zip([a.path for a in axes], combo, strict=True))
        for combo in itertools.product(*(a.values for a in axes))
    ]


def list_points(path: Path) -> list[dict[str, str]]:
    """Points from a YAML file: a list of mappings ``{path: value, ...}``."""
    import yaml

    try:
        with open(path, "rb") as handle:  # a cap: /dev/zero or a huge file must not fill memory
            raw = handle.read(MAX_POINTS_FILE + 1)
    except OSError as exc:
        raise SweepError(f"--points {path}: cannot read it ({exc.strerror or exc})") from None
    if len(raw) > MAX_POINTS_FILE:
        raise SweepError(f"--points {path}: larger than {MAX_POINTS_FILE // 2**20} MiB")
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SweepError(
            f"--points {path}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise SweepError(f"--points {path}: not valid YAML ({_clip(str(exc), 300)})") from None
    if isinstance(data, list) and len(data) > MAX_POINTS:
        raise SweepError(f"--points {path}: {len(data):,} points; at most {MAX_POINTS:,}")
    if not isinstance(data, list) or not data or not all(isinstance(p, dict) for p in data):
        raise SweepError(
            f"--points {path}: expected a YAML list of mappings, one per point, e.g.\n"
            "- {pools.agents.staffing: 40}\n- {pools.agents.staffing: 44, "
            "contact_types.voice.aht: '*1.1'}"
        )
    points = []
    for number, point in enumerate(data):
        if _too_big(point, 1000):  # an alias bomb expands to billions of nodes
            raise SweepError(f"--points {path}: point {number} is too large to be a setting")
        try:
            texts = {str(k): _text(v) for k, v in point.items()}
        except (RecursionError, yaml.YAMLError) as exc:
            raise SweepError(f"--points {path}: point {number} cannot be read ({exc})") from None
        for key, value in texts.items():
            if len(key) + len(value) > 1000:
                raise SweepError(
                    f"--points {path}: point {number} has a value too long to be a setting "
                    f"({_clip(key, 60)}: {len(value):,} characters)"
                )
            parse_override(f"{key}={value}", f"--points {path}: point {number}:")
        points.append(texts)
    return points


def check_measure(base: Scenario, measure: str) -> None:
    """Refuse, before the sweep runs, a ``--measure`` that no point can have.

    ``measure`` is a catalogue name (``service_level``), optionally after a contact type,
    pool, channel or campaign of ``base`` (``voice.service_level``) or a table group
    (``type.voice.asa``, ``overall.asa``).

    Raises:
        SweepError: naming ``--measure`` and a few measures that exist.
    """
    *where, name = measure.split(".")
    plain = name.removesuffix("_low").removesuffix("_high")
    try:
        lookup(plain)
    except KeyError:
        raise SweepError(
            f"--measure {_clip(measure, 80)}: no measure {_clip(plain, 60)!r}; e.g. "
            "service_level, asa, abandon_rate, occupancy (prefix a contact type or pool: "
            "voice.service_level)"
        ) from None
    groups = {"overall", "type", "pool", "channel", "campaign"}
    groups |= set(base.contact_types) | set(base.pools) | set(base.campaigns)
    groups |= {c.channel for c in base.contact_types.values()}
    unknown = [part for part in where if part not in groups]
    if unknown:
        known = ", ".join(sorted(set(base.contact_types) | set(base.pools)))
        raise SweepError(
            f"--measure {_clip(measure, 80)}: {_clip(unknown[0], 60)!r} is not a contact "
            f"type, pool, channel or campaign of this scenario (it has {known})"
        )


def point_overrides(point: dict[str, str]) -> list[Override]:
    return [parse_override(f"{path}={value}", "--grid") for path, value in point.items()]


def run_sweep(
    base: Scenario,
    points: list[dict[str, str]],
    folder: Path,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
    on_point: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """Run (or resume) a sweep in ``folder`` and return its table (one row per point).

    Args:
        base: the base scenario.
        points: the overrides of each point (see :func:`grid_points`, :func:`list_points`).
        folder: the sweep's folder: created, or resumed if it holds this same sweep.
        replications, seed: per point (default: the base scenario's).
        executor: where replications run (default: this process).
        progress: called with replications finished so far (resumed points included).
        on_point: called with a point's number once it is saved.

    Raises:
        SweepError: the folder holds another sweep, or a point is not a valid scenario.
    """
    count = replications or base.experiment.replications
    root = base.experiment.seed if seed is None else seed
    scenarios = []
    for index, point in enumerate(points):
        try:
            scenarios.append(apply_overrides(base, point_overrides(point), name=base.name))
        except (OverrideError, ValueError) as exc:
            raise SweepError(f"sweep point {index} ({_describe(point)}): {exc}") from None
    saved = _open_folder(Path(folder), _spec(base, points, count, root))
    done = 0
    for index, scenario in enumerate(scenarios):
        if index in saved:
            done += count
            if progress is not None:
                progress(done)
            continue
        before = done

        def advance(finished: int, before: int = before) -> None:
            if progress is not None:
                progress(before + finished)

        result = run_experiment(
            scenario,
            replications=count,
            seed=root,
            keep_records=False,
            progress=advance,
            executor=executor,
        )
        row = {"point": index, **points[index], **_flatten(result.estimates())}
        cautions = run_cautions(result.scenario, result.intervals(), result.summary())
        row["warnings"] = [c.as_dict() for c in cautions]
        _write_json(Path(folder) / "points" / f"point-{index:04d}.json", row)
        saved[index] = row
        done += count
        if on_point is not None:
            on_point(index)
    warnings = [
        {"point": i, **warning}
        for i in range(len(points))
        for warning in saved[i].get("warnings") or []
    ]
    table = pd.DataFrame(
        [{k: v for k, v in saved[i].items() if k != "warnings"} for i in range(len(points))]
    )
    table["warnings"] = [len(saved[i].get("warnings") or []) for i in range(len(points))]
    _write_tables(Path(folder), table, warnings)
    return table


def _write_tables(folder: Path, table: pd.DataFrame, warnings: list[dict]) -> None:
    """The sweep's final files, all or none: a failure half-way (a full disk, Ctrl-C) removes
    the ones written, so a folder with a table is a finished sweep (the points stay saved)."""
    written = []
    try:
        _write_json(folder / "warnings.json", {"warnings": warnings})
        written.append(folder / "warnings.json")
        with atomic_file(folder / "sweep.csv") as temporary:
            table.to_csv(temporary, index=False, float_format="%.6g")
        written.append(folder / "sweep.csv")
        with atomic_file(folder / "sweep.parquet") as temporary:
            table.to_parquet(temporary, index=False)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def measure_column(table: pd.DataFrame, measure: str) -> str:
    """The table column of ``measure``: ``service_level`` (overall), ``voice.service_level``
    (a contact type, pool or channel), or a full column name."""
    candidates = [measure, f"overall.{measure}"] + [
        f"{group}.{measure}" for group in ("type", "pool", "channel", "campaign")
    ]
    for column in candidates:
        if column in table.columns:
            return column
    known = sorted(
        {
            c.split(".", 1)[1] if c.startswith("overall.") else c
            for c in table.columns
            if c.startswith(("overall.", "type.", "pool.")) and not c.endswith(("_low", "_high"))
        }
    )
    raise SweepError(
        f"--measure {measure}: not a measure of this sweep; e.g. "
        + ", ".join(known[:12])
        + " (prefix a contact type or pool: voice.service_level)"
    )


def plot_sweep(table: pd.DataFrame, axes: list[str], measure: str, path: Path) -> Path:
    """A line of ``measure`` over the first axis (one line per value of the others), with
    its confidence band."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    column = measure_column(table, measure)
    fig, ax = plt.subplots(figsize=(9, 5))
    x_axis, others = axes[0], axes[1:]
    groups = table.groupby(others, sort=False) if others else [((), table)]
    for key, rows in groups:
        x = _numeric(rows[x_axis])
        # Grouped by a list of columns, pandas gives each group's key as a tuple (the stubs
        # say only Hashable).
        values = np.atleast_1d(cast(tuple[Any, ...], key))
        label = ", ".join(f"{o}={v}" for o, v in zip(others, values, strict=False))
        ax.plot(x, rows[column], marker="o", ms=4, label=label or None)
        if f"{column}_low" in rows:
            ax.fill_between(x, rows[f"{column}_low"], rows[f"{column}_high"], alpha=0.2)
    ax.set_xlabel(x_axis)
    ax.set_ylabel(column)
    ax.set_title(f"{column} across the sweep (band: confidence interval)")
    if others:
        ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    with atomic_file(path) as temporary:
        fig.savefig(temporary, dpi=110, format="png")
    plt.close(fig)
    return path


# -- the folder ---------------------------------------------------------------------------


def sweep_id(
    base: Scenario, points: list[dict[str, str]], replications: int | None, seed: int | None
) -> str:
    """A short fingerprint of a sweep (scenario, points, replications, seed): the default
    folder name, so that running the same sweep again resumes it."""
    count = replications or base.experiment.replications
    root = base.experiment.seed if seed is None else seed
    return _digest(_spec(base, points, count, root))[:10]


def _spec(base: Scenario, points: list[dict[str, str]], count: int, root: int) -> dict:
    return {"base": base.resolved(), "points": points, "replications": count, "seed": root}


def _digest(spec: dict) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def _open_folder(folder: Path, spec: dict) -> dict[int, dict]:
    """Create the sweep folder, or check it holds this sweep and read its finished points."""
    digest = _digest(spec)
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
        if stored.get("digest") != digest:
            raise SweepError(
                f"--out {folder}: holds another sweep (other scenario, points, replications "
                "or seed); resume it with the same command, or choose a new folder"
            )
    else:
        folder.mkdir(parents=True, exist_ok=True)
        _write_json(marker, {"digest": digest, **spec})
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


def _write_json(path: Path, data: dict) -> None:
    write_text(path, json.dumps(json_value(data), indent=1))


def _flatten(estimates: dict) -> dict[str, float]:
    """``overall.service_level``, ``…_low``, ``…_high``, ``type.voice.asa``, … one row."""
    row: dict[str, float] = {}
    groups = [("overall", {"": estimates["overall"]})]
    groups += [("type", estimates["by_type"]), ("pool", estimates["by_pool"])]
    groups += [("channel", estimates["by_channel"]), ("campaign", estimates["by_campaign"])]
    for group, tables in groups:
        for name, measures in tables.items():
            prefix = f"{group}." if not name else f"{group}.{name}."
            for measure, e in measures.items():
                row[prefix + measure] = e.mean
                row[prefix + measure + "_low"] = e.low
                row[prefix + measure + "_high"] = e.high
    return row


def _range(spec: str, text: str, option: str) -> tuple[str, ...]:
    parts = spec.split(":")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(parts) not in (2, 3) or len(numbers) != len(parts):
        raise SweepError(f"{option} {text!r}: a range is START:STOP or START:STOP:STEP (numbers)")
    if not all(math.isfinite(n) for n in numbers):
        raise SweepError(f"{option} {text!r}: START, STOP and STEP must be finite numbers")
    start, stop = numbers[0], numbers[1]
    step = numbers[2] if len(numbers) == 3 else 1.0
    if step <= 0 or stop < start:
        raise SweepError(f"{option} {text!r}: need STOP >= START and a positive STEP")
    span = (stop - start) / step
    if not span < MAX_POINTS:  # also catches an overflow to inf
        raise SweepError(
            f"{option} {text!r}: more than {MAX_POINTS:,} values; at most {MAX_POINTS:,} per axis"
        )
    count = int(math.floor(span + 1e-9)) + 1
    whole = all(float(n).is_integer() for n in numbers)
    values = [start + i * step for i in range(count)]
    return tuple(str(int(v)) if whole else f"{v:g}" for v in values)


def _split(spec: str) -> list[str]:
    """Split on commas outside brackets (values may be YAML lists or mappings)."""
    parts, depth, current = [], 0, ""
    for ch in spec:
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return parts


def _numeric(values: pd.Series):
    try:
        return values.astype(float).to_numpy()
    except (TypeError, ValueError):
        return values.astype(str).to_numpy()


def _text(value) -> str:
    if isinstance(value, str):
        return value
    import yaml

    return yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("...").strip()


def _too_big(value, limit: int) -> bool:
    """Whether ``value`` holds more than ``limit`` nodes (YAML aliases counted every time)."""
    stack, seen = [value], 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > limit:
            return True
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _clip(text: str, limit: int = 120) -> str:
    """``text`` cut to ``limit`` characters: messages never echo a huge value whole."""
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"


def _describe(point: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in point.items()) or "the base scenario"
