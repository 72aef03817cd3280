"""Sweeps: one experiment per point of a grid (or list) of overrides, resumable.

A sweep varies a few settings of a base scenario — agents 10..16 × patience 60/180 s — and
runs the same experiment at every point: same seed and replications, so points share their
random numbers (common random numbers make the curve smooth) and each point gives exactly
what ``ccsim run base.yaml --set …`` gives for it alone.

The grid is :mod:`ccsim.studies.sweep_grid`; the output folder is the sweep's memory
(:mod:`ccsim.studies.sweep_store`): every finished point is saved at once, and running the
same sweep again reads the finished points back instead of running them (:class:`SweepRun`
says how many were reused); the final ``sweep.parquet`` is identical to an uninterrupted
run's. Each point also keeps its cautions (:mod:`ccsim.experiment.cautions`: overload, a
queue that never clears, missed targets, too few contacts); ``warnings.json`` lists them all,
and the table counts them per point (column ``warnings``). A study draws nothing: the
planner's ``sweep.csv`` and pictures are :mod:`ccsim.output.sweep_folder`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ccsim.experiment.cautions import run_cautions
from ccsim.experiment.executors import Executor
from ccsim.experiment.replications import run_experiment
from ccsim.measures.catalogue import lookup
from ccsim.scenario import Scenario
from ccsim.scenario.overrides import Override, OverrideError, apply_overrides, parse_override
from ccsim.studies.sweep_grid import (
    MAX_POINTS,
    Axis,
    SweepError,
    clip,
    describe_point,
    grid_points,
    parse_axis,
)
from ccsim.studies.sweep_store import digest, open_folder, save_point, sweep_spec, write_tables

__all__ = [
    "MAX_POINTS",
    "MAX_POINTS_FILE",
    "Axis",
    "SweepError",
    "SweepRun",
    "check_measure",
    "grid_points",
    "list_points",
    "measure_column",
    "parse_axis",
    "point_overrides",
    "resume_sweep",
    "run_sweep",
    "sweep_id",
]

MAX_POINTS_FILE = 10 * 1024 * 1024
"""The largest --points file read (bytes)."""


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
        raise SweepError(f"--points {path}: not valid YAML ({clip(str(exc), 300)})") from None
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
                    f"({clip(key, 60)}: {len(value):,} characters)"
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
            f"--measure {clip(measure, 80)}: no measure {clip(plain, 60)!r}; e.g. "
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
            f"--measure {clip(measure, 80)}: {clip(unknown[0], 60)!r} is not a contact "
            f"type, pool, channel or campaign of this scenario (it has {known})"
        )


def point_overrides(point: dict[str, str]) -> list[Override]:
    return [parse_override(f"{path}={value}", "--grid") for path, value in point.items()]


@dataclass(frozen=True)
class SweepRun:
    """A finished sweep: its table (one row per point) and how much of it was already done.

    Attributes:
        table: one row per point: the swept settings, every measure with ``_low``/``_high``,
            and ``warnings`` (how many cautions the point has).
        reused: points read back from the folder (finished by an earlier run), not run again.
        total: the sweep's points.
    """

    table: pd.DataFrame
    reused: int
    total: int

    @property
    def ran(self) -> int:
        """Points run this time."""
        return self.total - self.reused

    def resume_note(self) -> str:
        """What was reused, in a planner's words: ``14 of 14 points already done, reused``;
        empty when every point ran now."""
        if not self.reused:
            return ""
        note = f"{self.reused} of {self.total} points already done, reused"
        return note if not self.ran else f"{note}; {self.ran} run now"


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
    """Run (or resume) a sweep in ``folder`` and return its table (one row per point);
    :func:`resume_sweep` also says how many points were reused."""
    return resume_sweep(
        base, points, folder, replications, seed, executor, progress, on_point
    ).table


def resume_sweep(
    base: Scenario,
    points: list[dict[str, str]],
    folder: Path,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
    on_point: Callable[[int], None] | None = None,
) -> SweepRun:
    """Run (or resume) a sweep in ``folder``.

    Args:
        base: the base scenario.
        points: the overrides of each point (see :func:`grid_points`, :func:`list_points`).
        folder: the sweep's folder: created, or resumed if it holds this same sweep.
        replications, seed: per point (default: the base scenario's).
        executor: where replications run (default: this process).
        progress: called with replications finished so far (resumed points included).
        on_point: called with a point's number once it is saved.

    Returns:
        The table and how many points were reused (:class:`SweepRun`).

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
            raise SweepError(f"sweep point {index} ({describe_point(point)}): {exc}") from None
    folder = Path(folder)
    saved = open_folder(folder, sweep_spec(base, points, count, root))
    reused = sum(1 for index in range(len(points)) if index in saved)
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
        save_point(folder, index, row)
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
    write_tables(folder, table, warnings)
    return SweepRun(table, reused, len(points))


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


def sweep_id(
    base: Scenario, points: list[dict[str, str]], replications: int | None, seed: int | None
) -> str:
    """A short fingerprint of a sweep (scenario, points, replications, seed): the default
    folder name, so that running the same sweep again resumes it."""
    count = replications or base.experiment.replications
    root = base.experiment.seed if seed is None else seed
    return digest(sweep_spec(base, points, count, root))[:10]


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
