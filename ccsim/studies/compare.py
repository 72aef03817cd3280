"""Compare scenarios on common random numbers: paired differences with confidence intervals.

Two scenarios run with the same seed and the same number of replications share every random
stream they have in common (streams are keyed by source *name*: the same callers arrive with
the same handle times and patience whatever the staffing). Replication *r* of A and
replication *r* of B therefore differ only by what the scenarios change, and the difference
``d_r = x_r(B) − x_r(A)`` varies far less than either value. Its mean with a Student-t
interval, ``mean(d) ± t(1−α/2, n−1) · sd(d) / √n``, is the *paired* confidence interval;
the *independent* half-width (as if the runs shared nothing, Welch) is reported beside it to
show what common random numbers bought. A difference is *significant* when its paired
interval leaves out zero.

Every scenario is compared with the first (the base).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ccsim.experiment.cautions import run_cautions
from ccsim.experiment.executors import Executor, make_executor
from ccsim.experiment.replications import (
    ExperimentResult,
    MeasureTable,
    measure_table,
    run_experiment,
)
from ccsim.jsonable import json_value
from ccsim.measures import ReplicationMeasures
from ccsim.measures.catalogue import INTERVAL_CI
from ccsim.scenario import Scenario
from ccsim.scenario.overrides import with_experiment
from ccsim.stats import paired_difference, welch_half_width
from ccsim.studies.variant_names import GENERIC_PARTS as GENERIC_PARTS  # re-exported
from ccsim.studies.variant_names import LABEL_VALUE as LABEL_VALUE  # re-exported
from ccsim.studies.variant_names import override_label as override_label  # re-exported
from ccsim.studies.variant_names import unique_labels as unique_labels  # re-exported
from ccsim.studies.variant_names import variant_label as variant_label  # re-exported
from ccsim.studies.variant_names import what_if_name as what_if_name  # re-exported

INTERVAL_MEASURES = INTERVAL_CI
"""Per-interval measures whose differences are reported."""

GROUPS = ("overall", "type", "pool", "channel")


@dataclass(frozen=True)
class Comparison:
    """Experiments of several scenarios on common random numbers, the first being the base.

    Attributes:
        labels: a short name per scenario (unique).
        results: the experiments, in the same order.
    """

    labels: tuple[str, ...]
    results: tuple[ExperimentResult, ...]

    @property
    def confidence(self) -> float:
        return self.results[0].confidence

    def differences(self) -> pd.DataFrame:
        """One row per (scenario ≠ base, group, name, measure): both means, the paired
        difference with its interval, the independent half-width and significance."""
        base = self.results[0].replications
        rows = []
        for label, result in zip(self.labels[1:], self.results[1:], strict=True):
            for group, name, get in _measure_tables(base[0]):
                for measure in get(base[0]):
                    a = _values(base, get, measure)
                    b = _values(result.replications, lambda r, g=get: g(r), measure)
                    rows.append(
                        {
                            "scenario": label,
                            "group": group,
                            "name": name,
                            "measure": measure,
                            **paired(a, b, self.confidence),
                        }
                    )
        return pd.DataFrame(rows)

    def interval_differences(self) -> pd.DataFrame:
        """Per-interval paired differences of the main measures, per contact type and pool."""
        keys = ["kind", "name", "interval", "day", "start"]
        base = _stack(self.results[0].replications)
        frames = []
        for label, result in zip(self.labels[1:], self.results[1:], strict=True):
            other = _stack(result.replications)
            for measure in INTERVAL_MEASURES:
                if measure not in base or measure not in other:
                    continue
                # rows: one per (contact type or pool, interval); columns: replications
                a = base.set_index([*keys, "replication"])[measure].unstack("replication")
                a = a.dropna(how="all")  # e.g. pools have no service level
                b = other.set_index([*keys, "replication"])[measure].unstack("replication")
                b = b.reindex(index=a.index, columns=a.columns)
                rows = [
                    paired(a.iloc[i].to_numpy(), b.iloc[i].to_numpy(), self.confidence)
                    for i in range(len(a))
                ]
                frame = pd.DataFrame(rows, index=a.index).reset_index()
                # contact types first, then pools ("type" sorts after "pool")
                frame = frame.sort_values(
                    ["kind", "name", "interval"], ascending=[False, True, True], kind="stable"
                )
                frame.insert(0, "measure", measure)
                frame.insert(0, "scenario", label)
                frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def warnings(self) -> list[dict[str, str]]:
        """Every scenario's cautions (:mod:`ccsim.experiment.cautions`), labelled by scenario."""
        result = []
        for label, run in zip(self.labels, self.results, strict=True):
            for caution in run_cautions(run.scenario, run.intervals(), run.summary()):
                result.append({"scenario": label, **caution.as_dict()})
        return result

    def summary(self) -> dict:
        """The machine-readable comparison (``comparison.json``)."""
        from ccsim import __version__

        differences = self.differences()
        return {
            "ccsim_version": __version__,
            "base": self.labels[0],
            "scenarios": list(self.labels),
            "seed": self.results[0].scenario.experiment.seed,
            "replications": len(self.results[0].replications),
            "confidence": self.confidence,
            "differences": json_value(differences.to_dict(orient="records")),
            "warnings": self.warnings(),
        }


def compare_scenarios(
    scenarios: list[Scenario],
    labels: list[str] | None = None,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int = 1,
    keep_records: bool = False,
    progress: Callable[[int], None] | None = None,
    *,
    scheduler: str | None = None,
    executor: Executor | None = None,
) -> Comparison:
    """Run every scenario with the base's seed and replications, and pair them.

    Args:
        scenarios: two or more validated scenarios; the first is the base.
        labels: names for the output (default: the scenarios' names, made unique).
        replications: replications of each (default: the base's ``experiment.replications``).
        seed: root seed shared by all (default: the base's ``experiment.seed``).
        jobs: local worker processes (0: every core); ignored with ``executor``.
        keep_records: keep per-contact records (for the results folder's parquet files).
        progress: called with the number of replications finished so far (all scenarios).
        scheduler: a Dask scheduler address (see :mod:`ccsim.experiment.executors`).
        executor: an executor to reuse.

    Returns:
        The :class:`Comparison`.
    """
    if len(scenarios) < 2:
        raise ValueError("compare needs at least two scenarios (the first is the base)")
    base = scenarios[0].experiment
    count = replications or base.replications
    root = base.seed if seed is None else seed
    labels = unique_labels(labels or [s.name for s in scenarios])
    results = []
    # The caller's executor stays open for them; one made here is closed here.
    own = executor is None
    shared = (
        make_executor(jobs, scheduler, count * len(scenarios)) if executor is None else executor
    )
    with shared if own else nullcontext(shared):
        for index, scenario in enumerate(scenarios):
            done_before = index * count

            def advance(done: int, before: int = done_before) -> None:
                if progress is not None:
                    progress(before + done)

            results.append(
                run_experiment(
                    with_experiment(scenario, confidence=base.confidence),
                    replications=count,
                    seed=root,
                    keep_records=keep_records,
                    progress=advance,
                    executor=shared,
                )
            )
    return Comparison(tuple(labels), tuple(results))


def paired(a: np.ndarray, b: np.ndarray, confidence: float) -> dict[str, float | bool]:
    """Both means, the paired difference ``b − a`` with its t-interval, and the Welch
    (independent) half-width (:mod:`ccsim.stats`). Replications where either value is
    undefined are left out."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    both = ~(np.isnan(a) | np.isnan(b))
    a, b = a[both], b[both]
    difference = paired_difference(a, b, confidence)
    return {
        "base": _mean(a),
        "value": _mean(b),
        "difference": difference.difference,
        "low": difference.low,
        "high": difference.high,
        "half_width": difference.half_width,
        "independent_half_width": welch_half_width(a, b, confidence),
        "replications": difference.replications,
        "significant": difference.significant,
    }


def _measure_tables(first: ReplicationMeasures) -> list[tuple[str, str, MeasureTable]]:
    """(group, name, getter) for every table of measures a replication has."""
    tables: list[tuple[str, str, MeasureTable]] = [("overall", "all", lambda r: r.overall)]
    tables += [("type", n, measure_table(lambda r: r.by_type, n)) for n in first.by_type]
    tables += [("pool", n, measure_table(lambda r: r.by_pool, n)) for n in first.by_pool]
    tables += [("channel", n, measure_table(lambda r: r.by_channel, n)) for n in first.by_channel]
    tables += [
        ("campaign", n, measure_table(lambda r: r.by_campaign, n)) for n in first.by_campaign
    ]
    return tables


def _values(reps: list[ReplicationMeasures], get, measure: str) -> np.ndarray:
    values = []
    for r in reps:
        try:
            values.append(get(r).get(measure, math.nan))
        except KeyError:  # the other scenario has no such type or pool
            values.append(math.nan)
    return np.array(values, dtype=float)


def _stack(reps: list[ReplicationMeasures]) -> pd.DataFrame:
    frames = []
    for index, r in enumerate(reps):
        frame = r.intervals.copy()
        frame["replication"] = index
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else math.nan
