"""The executor contract, and the two that run on this machine: in process and local processes.

An :class:`Executor` runs one function over many items (replications) and yields ``(index,
result)`` pairs as the tasks finish, in whatever order they finish, so that a progress bar can
advance; the caller puts the results back in order by index. :class:`InProcessExecutor` runs
one task after the other in this process (``--jobs 1``); :class:`LocalProcessExecutor` runs a
pool of worker processes (``--jobs N``, :func:`resolve_jobs`). The cluster one is in
:mod:`ccsim.experiment.dask_executor`; :func:`ccsim.experiment.executors.make_executor` picks.

A task's result depends only on its item (a replication draws its random numbers from its own
seed), never on where it ran, so every executor gives bit-identical results. An executor is a
context manager; one can be reused for many calls (a comparison or a sweep runs many
experiments on one pool) and is closed once, at the end.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


class ExecutorError(ValueError):
    """An executor cannot be set up: Dask is not installed, or its scheduler is unreachable.

    A user mistake, not a bug: the CLI prints the message (one paragraph) and exits with 2.
    """


class Executor(ABC):
    """Runs a function over items, somewhere; yields results as they complete.

    Attributes:
        workers: how many tasks can run at once.
    """

    workers: int = 1
    shares_memory: bool = False
    """Its workers are processes on this machine: they can hand records over in shared
    memory (:mod:`ccsim.experiment.records_spool`) rather than pickled through a pipe."""

    @abstractmethod
    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        """Run ``fn(item)`` for every item; yield ``(index, result)`` as each task finishes.

        ``fn`` must be picklable (a module-level function, or a :func:`functools.partial` of
        one) for executors that run it in another process. If a task raises, its exception is
        raised here and the tasks not yet started are cancelled.
        """

    def close(self) -> None:  # noqa: B027 (a no-op by default: nothing to release in-process)
        """Release the workers (idempotent)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workers={self.workers})"


class InProcessExecutor(Executor):
    """Runs every task in this process, one after the other, in order."""

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        for index, item in enumerate(items):
            yield index, fn(item)


class LocalProcessExecutor(Executor):
    """Runs tasks on a pool of local worker processes.

    Args:
        workers: the number of processes (at least 1); they start on first use.
    """

    shares_memory = True

    def __init__(self, workers: int):
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        futures = {self._pool.submit(fn, item): i for i, item in enumerate(items)}
        try:
            for future in as_completed(futures):
                yield futures.pop(future), future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def resolve_jobs(jobs: int, tasks: int) -> int:
    """Worker count: ``jobs`` (0 = all cores), never more than there are tasks."""
    if jobs < 0:
        raise ValueError(f"jobs must be 0 (all cores) or a positive number, got {jobs}")
    cores = os.cpu_count() or 1
    return max(1, min(jobs or cores, tasks))
