"""Executors: where independent tasks (replications) run.

An :class:`Executor` runs one function over many items and yields ``(index, result)`` pairs
as the tasks finish, in whatever order they finish, so that a progress bar can advance; the
caller puts the results back in order by index. Three kinds:

- :class:`InProcessExecutor`: one task after the other in this process (``--jobs 1``).
- :class:`LocalProcessExecutor`: a pool of local worker processes (``--jobs N``).
- :class:`DaskExecutor`: the workers of a Dask distributed cluster (``--scheduler ADDRESS``).

A task's result depends only on its item (a replication draws its random numbers from its own
seed), never on where it ran, so every executor gives bit-identical results. An executor is a
context manager; one can be reused for many calls (a comparison or a sweep runs many
experiments on one pool) and is closed once, at the end.

Dask (``dask[distributed]``) is an optional extra, imported only when a scheduler is asked for.
Every machine of the cluster needs the same ccsim version installed: the functions are sent by
reference (module and name), not as code.

Where each lives: the contract and the local two in :mod:`~ccsim.experiment.local_executors`,
Dask in :mod:`~ccsim.experiment.dask_executor`; import them from here.
"""

from __future__ import annotations

import os

# The executors live one kind a module; this module picks one (make_executor) and is their one
# public address (what the studies, the CLI, the tests and the docs import).
from ccsim.experiment.dask_executor import (
    CONNECT_TIMEOUT,
    LOST_TIMEOUT,
    SCHEDULER_ENV,
    DaskExecutor,
)
from ccsim.experiment.local_executors import (
    Executor,
    ExecutorError,
    InProcessExecutor,
    LocalProcessExecutor,
    resolve_jobs,
)

__all__ = [
    "CONNECT_TIMEOUT",
    "LOST_TIMEOUT",
    "SCHEDULER_ENV",
    "DaskExecutor",
    "Executor",
    "ExecutorError",
    "InProcessExecutor",
    "LocalProcessExecutor",
    "make_executor",
    "resolve_jobs",
]


def make_executor(jobs: int, scheduler: str | None, tasks: int) -> Executor:
    """The executor for ``--jobs`` and ``--scheduler``.

    Args:
        jobs: local worker processes; 0 = every core. Ignored with a scheduler (the
            cluster's workers decide).
        scheduler: Dask scheduler address; ``None`` reads ``$CCSIM_SCHEDULER``; an empty
            string (or an empty variable) means local processes.
        tasks: how many tasks will be run (never more local processes than that).

    Raises:
        ValueError: ``jobs`` is negative.
        ExecutorError: the Dask executor cannot be set up (see :class:`DaskExecutor`).
    """
    workers = resolve_jobs(jobs, tasks)
    source = "--scheduler"
    if scheduler is None:
        scheduler, source = os.environ.get(SCHEDULER_ENV, ""), f"${SCHEDULER_ENV}"
    if scheduler.strip():
        # CONNECT_TIMEOUT read here, so that a test may shorten it on this module
        return DaskExecutor(scheduler.strip(), timeout=CONNECT_TIMEOUT, source=source)
    return InProcessExecutor() if workers == 1 else LocalProcessExecutor(workers)
