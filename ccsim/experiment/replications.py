"""Experiments: independent replications, run in parallel, summarised with confidence intervals.

Each replication is one independent realisation of the scenario (its own random streams,
derived from the root seed and the replication number), so replication *r* gives identical
records whichever process runs it and however many run at once. Every measure is computed
per replication (:mod:`ccsim.measures.replication`); across replications we report its mean and a
Student-t confidence interval, ``mean ± t(1-α/2, n-1) · s / √n`` (:mod:`ccsim.stats`), clipped
to the range the measure can take (:mod:`ccsim.measures.catalogue`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ccsim.errors import ScenarioError
from ccsim.experiment.executors import Executor, make_executor
from ccsim.experiment.executors import ExecutorError as ExecutorError  # re-exported
from ccsim.experiment.executors import (
    resolve_jobs as resolve_jobs,  # re-exported (was defined here)
)
from ccsim.experiment.records_spool import (
    SpooledRecords,
    records_spool,
    spool_records,
    take_records,
)
from ccsim.measures import ReplicationMeasures
from ccsim.measures.catalogue import INTERVAL_CI, bounds
from ccsim.measures.replication import measure, measure_numbers
from ccsim.model.centre import simulate
from ccsim.records import ContactRecords, concat_frames
from ccsim.scenario import Scenario
from ccsim.scenario.capacity import records_problem
from ccsim.scenario.overrides import with_experiment
from ccsim.stats import Estimate as Estimate  # re-exported (was defined here)
from ccsim.stats import estimate, half_width

if TYPE_CHECKING:
    import pandas as pd

# pandas is imported when a table is asked for, not to simulate and measure: a replication
# that does not keep its records lets go of them before pandas comes in (_replicate).

INTERVAL_CI_MEASURES = INTERVAL_CI
"""Per-interval measures reported with a confidence interval (others: mean only)."""


MeasureTable = Callable[[ReplicationMeasures], dict[str, float]]
"""Reads one table of measures (measure → value) from a replication's measures."""


def measure_table(
    tables: Callable[[ReplicationMeasures], dict[str, dict[str, float]]], name: str
) -> MeasureTable:
    """Reads the table of ``name`` (a contact type, pool, channel or campaign) from
    ``tables`` (e.g. ``lambda r: r.by_type``)."""
    return lambda r: tables(r)[name]


@dataclass(frozen=True)
class ExperimentResult:
    """What an experiment produced.

    Attributes:
        scenario: the scenario as run (with the seed and replications used).
        replications: per-replication measures, in replication order.
        records: per-replication contact records (empty if not kept). Records that came
            from local worker processes are read-only numpy views on shared memory
            (:mod:`ccsim.experiment.records_spool`): copy a column before changing it.
    """

    scenario: Scenario
    replications: list[ReplicationMeasures]
    records: list[ContactRecords] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        return self.scenario.experiment.confidence

    def estimates(self) -> dict[str, dict]:
        """Every measure as an :class:`Estimate`: ``overall``, ``by_type``, ``by_pool``,
        ``by_channel``, ``by_campaign``."""
        reps = self.replications
        c = self.confidence

        def collect(get: Callable[[ReplicationMeasures], dict[str, float]]) -> dict:
            keys = list(get(reps[0]))
            return {
                k: estimate(np.array([get(r)[k] for r in reps], float), c, bounds(k)) for k in keys
            }

        return {
            "overall": collect(lambda r: r.overall),
            "by_type": {t: collect(measure_table(lambda r: r.by_type, t)) for t in reps[0].by_type},
            "by_pool": {p: collect(measure_table(lambda r: r.by_pool, p)) for p in reps[0].by_pool},
            "by_channel": {
                c: collect(measure_table(lambda r: r.by_channel, c)) for c in reps[0].by_channel
            },
            "by_campaign": {
                c: collect(measure_table(lambda r: r.by_campaign, c)) for c in reps[0].by_campaign
            },
        }

    def summary(self) -> dict:
        """The machine-readable summary (the shape of ``summary.json``)."""
        from ccsim import __version__

        e = self.estimates()

        def plain(group: dict[str, Estimate]) -> dict:
            return {k: v.as_dict() for k, v in group.items()}

        return {
            "ccsim_version": __version__,
            "scenario": self.scenario.name,
            "seed": self.scenario.experiment.seed,
            "replications": len(self.replications),
            "confidence": self.confidence,
            "overall": plain(e["overall"]),
            "by_type": {k: plain(v) for k, v in e["by_type"].items()},
            "by_pool": {k: plain(v) for k, v in e["by_pool"].items()},
            "by_channel": {k: plain(v) for k, v in e["by_channel"].items()},
            "by_campaign": {k: plain(v) for k, v in e["by_campaign"].items()},
        }

    def intervals(self) -> pd.DataFrame:
        """Per-interval measures, mean over replications (and CI for the main ones)."""
        import pandas as pd

        frame = pd.concat([r.intervals for r in self.replications], ignore_index=True)
        keys = ["kind", "name", "interval", "day", "start"]
        measures = [c for c in frame.columns if c not in keys]
        grouped = frame.groupby(keys, sort=False)[measures]
        result = grouped.mean()
        n = grouped.count()
        if len(self.replications) > 1:
            half = half_width(grouped.std(ddof=1), n, self.confidence)
            for name in INTERVAL_CI_MEASURES:
                if name in result:
                    low, high = bounds(name)
                    result[f"{name}_low"] = (result[name] - half[name]).clip(lower=low)
                    result[f"{name}_high"] = (result[name] + half[name]).clip(upper=high)
        # Every measure column stays, also when it is empty everywhere (no contacts of any
        # type, no agents in any pool): an empty measure is NaN, shown as "–", never missing.
        return result.reset_index()

    def contacts(self) -> pd.DataFrame:
        """Per-contact records of every kept replication, one DataFrame."""
        return concat_frames(self.records)


def run_replication(
    scenario: Scenario, replication: int
) -> tuple[ContactRecords, ReplicationMeasures]:
    """Simulate and measure one replication (the unit of work sent to a worker)."""
    records = simulate(scenario, replication=replication)
    return records, measure(records, scenario)


def run_experiment(
    scenario: Scenario,
    replications: int | None = None,
    seed: int | None = None,
    jobs: int = 1,
    keep_records: bool = True,
    progress: Callable[[int], None] | None = None,
    *,
    scheduler: str | None = None,
    executor: Executor | None = None,
) -> ExperimentResult:
    """Run independent replications of ``scenario``, on local processes or a Dask cluster.

    Args:
        scenario: the validated scenario.
        replications: how many (default: the scenario's ``experiment.replications``).
        seed: root seed (default: the scenario's ``experiment.seed``).
        jobs: worker processes; 1 runs in this process, 0 uses every core. Results do not
            depend on it.
        keep_records: keep per-contact records (needed for ``contacts.parquet``).
        progress: called with the number of replications finished so far.
        scheduler: Dask scheduler address (default: ``$CCSIM_SCHEDULER``; empty: local).
        executor: run on this executor (left open, so that one pool serves many
            experiments) instead of making one from ``jobs`` and ``scheduler``.

    Returns:
        The :class:`ExperimentResult`, replications in order, identical whatever the
        executor.

    Raises:
        ExecutorError: the Dask scheduler cannot be used (see :mod:`ccsim.experiment.executors`).
        ScenarioError: the records of every replication would not fit in memory
            (:func:`ccsim.scenario.capacity.records_problem`: the fix is ``keep_records=False``).
    """
    scenario = with_experiment(scenario, replications=replications, seed=seed)
    count = scenario.experiment.replications
    too_many = records_problem(scenario, count) if keep_records else None
    if too_many is not None:  # refused before minutes of simulation end in MemoryError
        raise ScenarioError(scenario.name, [too_many])
    if executor is None:
        with make_executor(jobs, scheduler, count) as own:
            return _run_on(own, scenario, count, keep_records, progress)
    return _run_on(executor, scenario, count, keep_records, progress)


def _run_on(
    executor: Executor,
    scenario: Scenario,
    count: int,
    keep_records: bool,
    progress: Callable[[int], None] | None,
) -> ExperimentResult:
    results: list[tuple[ContactRecords | None, ReplicationMeasures] | None] = [None] * count
    spool = records_spool() if keep_records and executor.shares_memory else nullcontext()
    with spool as folder:
        task: Callable[[int], tuple[ContactRecords | SpooledRecords | None, ReplicationMeasures]]
        if folder is None:
            task = partial(_replicate, scenario, keep_records)
        else:  # local worker processes leave their records in shared memory
            task = partial(_replicate_to_spool, scenario, folder)
        for done, (index, (records, measures)) in enumerate(
            executor.map_unordered(task, range(count)), 1
        ):
            if isinstance(records, SpooledRecords):
                records = take_records(records)
            results[index] = records, measures
            if progress is not None:
                progress(done)
    finished = [r for r in results if r is not None]
    assert len(finished) == count, "every replication reports back"
    return ExperimentResult(
        scenario=scenario,
        replications=[measures for _, measures in finished],
        # Records come back only when kept (keep_records); otherwise none is kept.
        records=[records for records, _ in finished if records is not None],
    )


def _replicate_to_spool(
    scenario: Scenario, folder: Path, replication: int
) -> tuple[SpooledRecords | ContactRecords, ReplicationMeasures]:
    """One replication's task on a local worker process: its records are left in the shared
    memory folder (:mod:`ccsim.experiment.records_spool`), its measures sent back."""
    records, measures = _replicate(scenario, True, replication)
    assert records is not None
    return spool_records(records, folder), measures


def _replicate(
    scenario: Scenario, keep_records: bool, replication: int
) -> tuple[ContactRecords | None, ReplicationMeasures]:
    """One replication's task: its records are sent back only if they are kept.

    Records not kept are let go of before the interval table is made a DataFrame: a long
    run's records and pandas (imported for the table) are then never in memory together.
    """
    records = simulate(scenario, replication=replication)
    measured = measure_numbers(records, scenario)
    if keep_records:
        return records, measured.finish()
    del records
    return None, measured.finish()
