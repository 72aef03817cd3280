"""One run's results folder as the report reads it: summary, scenario, intervals and the
waits of every contact (:class:`RunFolder`, :func:`load_run`), and the page's title.

The run, staffing and comparison reports all read run folders through :func:`load_run`, so a
damaged folder is reported the same way everywhere (:class:`~ccsim.output.html.page.ReportError`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ccsim.output.format import from_csv_headers
from ccsim.output.html import charts
from ccsim.output.html.page import ReportError
from ccsim.scenario.writing import read_resolved


@dataclass(frozen=True)
class RunFolder:
    """What a results folder holds (``None``: that file is not there)."""

    folder: Path
    summary: dict
    scenario: dict | None
    intervals: pd.DataFrame | None
    waits: dict[str, dict[str, np.ndarray]] | None

    @property
    def targets(self) -> dict[str, dict]:
        return self.summary.get("targets") or {}

    @property
    def horizon(self) -> dict[str, float]:
        """``days``, ``open`` and ``close`` (seconds after midnight) and the ``interval``
        length of the run's horizon, as far as the scenario says (clock times written as
        ``"08:00"`` are read too)."""
        horizon = (self.scenario or {}).get("horizon") or {}
        result: dict = {"days": days_of(self)}
        for key in ("open", "close", "interval"):
            seconds = _clock_seconds(horizon.get(key))
            if seconds is not None:
                result[key] = seconds
        return result

    @property
    def still_open(self) -> dict[str, float]:
        """Per contact type, contacts still open when the horizon ended (mean ``unserved``)."""
        result = {}
        for name, measures in (self.summary.get("by_type") or {}).items():
            entry = (measures or {}).get("unserved")
            value = entry.get("mean") if isinstance(entry, dict) else entry
            if isinstance(value, int | float) and value == value:
                result[name] = float(value)
        return result

    def unit(self, contact_type: str) -> str:
        """The time unit of a contact type's waits (seconds for calls, hours for email)."""
        return charts.time_unit(
            (self.targets.get(contact_type) or {}).get("service_level_threshold")
        )


def load_run(folder: Path) -> RunFolder:
    """Read a results folder written by ``ccsim run``.

    Raises:
        ReportError: the folder is missing, has no ``summary.json``, or a file is unreadable.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ReportError(
            f"RESULTS_DIR {folder}: no such folder. Give a results folder written by "
            "`ccsim run` (it holds summary.json, intervals.csv and scenario.yaml)."
        )
    if not (folder / "summary.json").is_file():
        raise ReportError(
            f"RESULTS_DIR {folder}: not a ccsim results folder (it has no summary.json). "
            "Give a folder written by `ccsim run`, such as results/default-day-20260101-120000."
        )
    summary = _read(folder / "summary.json", json.loads)
    if not isinstance(summary, dict) or not isinstance(summary.get("by_type"), dict):
        raise ReportError(
            f"{folder / 'summary.json'}: not a ccsim summary (no by_type measures); "
            "write the folder again with `ccsim run`."
        )
    scenario = None
    if (folder / "scenario.yaml").is_file():
        scenario = _read(folder / "scenario.yaml", read_resolved)  # seconds, as words want
        scenario = scenario if isinstance(scenario, dict) else None
    intervals = None
    if (folder / "intervals.csv").is_file():
        intervals = from_csv_headers(_read(folder / "intervals.csv", pd.read_csv, text=False))
    waits = None
    if (folder / "contacts.parquet").is_file():
        waits = _read(folder / "contacts.parquet", _read_waits, text=False)
    return RunFolder(folder, summary, scenario, intervals, waits)


def run_from_result(result, summary: dict, intervals: pd.DataFrame, folder: Path) -> RunFolder:
    """The report's view of a run still in memory (:class:`ccsim.experiment.ExperimentResult`,
    its ``summary.json`` and per-interval table): what :func:`load_run` would read back from
    the folder, without reading it (the waits come from the records, callback attempts left
    out as in :func:`_read_waits`)."""
    waits = None
    if result.records:
        from ccsim.records import Kind, Outcome

        names = result.records[0].contact_types
        parts: dict[str, dict[str, list[np.ndarray]]] = {
            n: {"answered": [], "abandoned": []} for n in names
        }
        for rec in result.records:
            mask = rec.kind != Kind.CALLBACK if rec.kind.shape == rec.wait.shape else None
            for t, name in enumerate(names):
                of_type = rec.contact_type == t
                if mask is not None:
                    of_type = of_type & mask
                for key, code in (("answered", Outcome.ANSWERED), ("abandoned", Outcome.ABANDONED)):
                    parts[name][key].append(rec.wait[of_type & (rec.outcome == code)])
        waits = {
            name: {k: np.concatenate(v) if v else np.empty(0) for k, v in w.items()}
            for name, w in parts.items()
            if sum(len(a) for v in w.values() for a in v)
        }
    return RunFolder(Path(folder), summary, result.scenario.resolved(), intervals, waits)


def _clock_seconds(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str) and ":" in value:
        hours, _, minutes = value.partition(":")
        try:
            return int(hours) * 3600 + int(minutes) * 60.0
        except ValueError:
            return None
    return None


def run_title(run: RunFolder) -> tuple[str, str]:
    """The page title and subtitle of a run's report."""
    s = run.summary
    reps = s.get("replications")
    conf = s.get("confidence")
    sub = f"{reps} replication(s), seed {s.get('seed')}"
    if reps and reps > 1 and conf:
        sub += f"; ranges are {conf:.0%} confidence intervals"
    description = (run.scenario or {}).get("description")
    if description:
        sub = f"{description} — {sub}"
    return f"ccsim report: {s.get('scenario', run.folder.name)}", sub


def days_of(run: RunFolder) -> int:
    horizon = (run.scenario or {}).get("horizon") or {}
    days = horizon.get("days", 1)
    return days if isinstance(days, int) else 1


def _read(path: Path, parse, text: bool = True):
    try:
        return parse(path.read_text(encoding="utf-8")) if text else parse(path)
    except (OSError, ValueError, yaml.YAMLError, KeyError) as exc:
        raise ReportError(
            f"{path}: cannot be read ({type(exc).__name__}: {exc}); the results folder is "
            "damaged — run the scenario again (its scenario.yaml repeats the run)."
        ) from None


def _read_waits(path: Path) -> dict[str, dict[str, np.ndarray]]:
    """Waits of answered and abandoned contacts per type (callback attempts left out)."""
    import pyarrow.parquet as pq

    names = set(pq.read_schema(path).names)
    columns = ["contact_type", "outcome", "wait"] + (["kind"] if "kind" in names else [])
    frame = pd.read_parquet(path, columns=columns)
    if "kind" in frame:
        frame = frame[frame["kind"].astype(str) != "callback"]
    types = frame["contact_type"].astype(str).to_numpy()
    outcomes = frame["outcome"].astype(str).to_numpy()
    wait = frame["wait"].to_numpy(float)
    return {
        name: {k: wait[(types == name) & (outcomes == k)] for k in ("answered", "abandoned")}
        for name in pd.unique(types)
    }
