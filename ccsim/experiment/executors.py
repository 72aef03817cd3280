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
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

SCHEDULER_ENV = "CCSIM_SCHEDULER"
"""Environment variable holding the Dask scheduler address used when none is given."""

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a Dask scheduler to answer before giving up."""


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


class DaskExecutor(Executor):
    """Runs tasks on the workers of a Dask distributed cluster.

    Args:
        address: the scheduler, e.g. ``tcp://10.0.0.5:8786`` (``tcp://`` may be left out).
        timeout: seconds to wait for the scheduler (default :data:`CONNECT_TIMEOUT`).
        source: where the address came from, named in error messages.

    Raises:
        ExecutorError: Dask is not installed, the address is malformed, the scheduler does
            not answer in time, or a worker has another ccsim version (or none).
    """

    def __init__(self, address: str, timeout: float | None = None, source: str = "--scheduler"):
        try:
            from distributed import Client
            from distributed.comm import parse_address, parse_host_port
            from distributed.comm.registry import get_backend
        except ImportError as exc:
            raise ExecutorError(
                f"--scheduler needs the optional extra: pip install 'ccsim[distributed]' "
                f"(cannot import dask.distributed: {exc})"
            ) from None
        timeout = CONNECT_TIMEOUT if timeout is None else timeout
        self.address = address
        self.source = source
        try:  # before making a Client: one that fails on a bad address hangs when collected
            scheme, location = parse_address(address)
            parse_host_port(location)
            get_backend(scheme)
        except ValueError as exc:
            raise ExecutorError(
                f"{source} {address!r} is not a scheduler address ({exc}); give one like "
                "tcp://10.0.0.5:8786 (the address `dask scheduler` prints)"
            ) from None
        try:
            self._client = Client(address, timeout=timeout, set_as_default=False)
        except OSError as exc:
            raise ExecutorError(
                f"{source} {address}: no Dask scheduler answered within {timeout:g} s "
                f"({exc}). Check that `dask scheduler` is running on that host and port, that "
                f"the port is open in the firewall, and that ${SCHEDULER_ENV} is right (an "
                "empty value runs on local processes)."
            ) from None
        try:
            self._wait_for_a_worker(timeout)
            self._check_workers()
        except BaseException:
            self.close()
            raise

    @property
    def workers(self) -> int:  # type: ignore[override]
        """Threads across the cluster's workers now (workers may come and go)."""
        return max(1, sum(self._client.nthreads().values()))

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        from distributed import as_completed as dask_as_completed

        client = self._client
        futures = {client.submit(fn, item, pure=False): i for i, item in enumerate(items)}
        try:  # our client's loop: the client is not made the default one
            for future, result in dask_as_completed(futures, client.loop, with_results=True):
                yield futures.pop(future), result  # released: the cluster may forget it
        finally:
            if futures and self._client is not None:
                self._client.cancel(list(futures))

    def close(self) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
            self._client = None

    def __repr__(self) -> str:
        return f"DaskExecutor({self.address!r})"

    def _wait_for_a_worker(self, timeout: float) -> None:
        """A scheduler with no worker would leave every task waiting forever."""
        try:
            self._client.wait_for_workers(1, timeout=timeout)
        except (TimeoutError, OSError):
            raise ExecutorError(
                f"{self.source} {self.address}: the scheduler answers but no worker joined "
                f"within {timeout:g} s; start workers with `dask worker {self.address} "
                "--nworkers 2 --nthreads 1` on the worker machines"
            ) from None

    def _check_workers(self) -> None:
        """Every worker connected now must run this ccsim version (else results may differ)."""
        from ccsim import __version__

        try:
            versions = self._client.run(_ccsim_version)
        except Exception as exc:  # a worker without ccsim cannot unpickle the function
            raise ExecutorError(
                f"{self.source} {self.address}: a Dask worker cannot run ccsim ({exc}); install "
                f"ccsim {__version__} on every worker machine"
            ) from None
        wrong = {w: v for w, v in versions.items() if v != __version__}
        if wrong:
            listed = ", ".join(f"{w} has {v}" for w, v in sorted(wrong.items()))
            raise ExecutorError(
                f"{self.source} {self.address}: Dask workers run another ccsim version than "
                f"this one ({__version__}): {listed}; install the same version everywhere"
            )


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
        return DaskExecutor(scheduler.strip(), source=source)
    return InProcessExecutor() if workers == 1 else LocalProcessExecutor(workers)


def resolve_jobs(jobs: int, tasks: int) -> int:
    """Worker count: ``jobs`` (0 = all cores), never more than there are tasks."""
    if jobs < 0:
        raise ValueError(f"jobs must be 0 (all cores) or a positive number, got {jobs}")
    cores = os.cpu_count() or 1
    return max(1, min(jobs or cores, tasks))


def _ccsim_version() -> str:
    from ccsim import __version__

    return __version__
