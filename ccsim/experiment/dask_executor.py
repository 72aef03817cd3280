"""The Dask executor: replications on the workers of a Dask distributed cluster.

``--scheduler ADDRESS`` (or ``$CCSIM_SCHEDULER``) sends the replications to a cluster started
with ``dask scheduler`` and ``dask worker``. Before any work is sent, the address is checked
(a tcp:// scheduler must speak first, so a web server or a dashboard port is refused at once),
a worker must have joined, and every worker must run this ccsim version: the functions are
sent by reference (module and name), not as code, so a worker with another version could give
other results. While tasks run, a watch on the cluster's health turns a lost scheduler, or a
cluster every worker has left, into a message after :data:`LOST_TIMEOUT` seconds instead of a
wait for ever.

Dask (``dask[distributed]``) is an optional extra, imported only when a scheduler is asked for.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from contextlib import suppress
from typing import TYPE_CHECKING, TypeVar

from ccsim.experiment.local_executors import Executor, ExecutorError

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")
R = TypeVar("R")

SCHEDULER_ENV = "CCSIM_SCHEDULER"
"""Environment variable holding the Dask scheduler address used when none is given."""

CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a Dask scheduler to answer before giving up."""

LOST_TIMEOUT = 30.0
"""Seconds a running experiment waits for a Dask scheduler that stopped answering, or for a
worker when every worker has left, before giving up with a message."""

_POLL = 0.1  # seconds between looks at the finished tasks
_CHECK = 2.0  # seconds between looks at the cluster's health


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

    def __init__(
        self,
        address: str,
        timeout: float | None = None,
        source: str = "--scheduler",
        lost_timeout: float | None = None,
    ):
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
        self.lost_timeout = LOST_TIMEOUT if lost_timeout is None else lost_timeout
        self._client = None
        try:  # before making a Client: one that fails on a bad address hangs when collected
            scheme, location = parse_address(address)
            host, port = parse_host_port(location)
            get_backend(scheme)
        except (ValueError, TypeError) as exc:
            raise ExecutorError(
                f"{source} {_clip(address)} is not a scheduler address ({exc}); give one like "
                "tcp://10.0.0.5:8786 (the address `dask scheduler` prints)"
            ) from None
        _check_scheme(scheme, address, source)
        if scheme == "tcp":  # a port that answers but is no scheduler must not hang us
            _probe_scheduler(host, port, timeout, address, source)
        try:
            self._client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, ValueError, TypeError) as exc:
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
        return max(1, sum(self._connected().nthreads().values()))

    def map_unordered(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[tuple[int, R]]:
        """As :meth:`Executor.map_unordered`; if the scheduler stops answering, or every
        worker leaves, for :attr:`lost_timeout` seconds, raises :class:`ExecutorError`
        saying how many tasks had finished (instead of waiting for ever)."""
        from distributed import as_completed as dask_as_completed

        client = self._connected()
        futures = {client.submit(fn, item, pure=False): i for i, item in enumerate(items)}
        total, health = len(futures), _Health(self)
        # our client's loop: the client is not made the default one
        finished = dask_as_completed(futures, client.loop, with_results=True)
        try:
            while not finished.is_empty():
                if not finished.has_ready():
                    health.check(total - len(futures), total)
                    time.sleep(_POLL)
                    continue
                future, result = next(finished)
                if future.status == "cancelled" or isinstance(result, CancelledError):
                    raise ExecutorError(health.lost_message(total - len(futures), total))
                health.seen_progress()
                yield futures.pop(future), result  # released: the cluster may forget it
        finally:
            if futures and self._client is not None and self._client.status == "running":
                with suppress(Exception):  # a cluster going away: nothing left to cancel
                    self._client.cancel(list(futures))

    def close(self) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            self._client = None
            try:  # a scheduler that is gone must not turn closing into a traceback
                client.close(timeout=2)
            except Exception:  # noqa: BLE001
                client.status = "closed"  # nothing more to close; keeps __del__ quiet

    def __repr__(self) -> str:
        return f"DaskExecutor({self.address!r})"

    def _connected(self) -> Client:
        """The client, which only :meth:`close` takes away."""
        assert self._client is not None, "the Dask executor is closed"
        return self._client

    def _wait_for_a_worker(self, timeout: float) -> None:
        """A scheduler with no worker would leave every task waiting forever."""
        try:
            self._connected().wait_for_workers(1, timeout=timeout)
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
            versions = self._connected().run(_ccsim_version)
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


class _Health:
    """Watches a Dask cluster while tasks run: is the scheduler there, has it a worker?"""

    def __init__(self, executor: DaskExecutor):
        self.executor = executor
        self.last_check = self.last_good = time.monotonic()
        self.workerless_since: float | None = None

    def seen_progress(self) -> None:
        self.last_good = time.monotonic()
        self.workerless_since = None

    def check(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last_check < _CHECK:
            return
        self.last_check = now
        client, limit = self.executor._client, self.executor.lost_timeout
        if client is None or client.status != "running":
            if now - self.last_good > limit:
                raise ExecutorError(self.lost_message(done, total))
            return
        self.last_good = now
        try:
            workers = client.scheduler_info(n_workers=0).get("n_workers", 1)
        except Exception:  # noqa: BLE001 (the scheduler is going: the next check says so)
            return
        if workers:
            self.workerless_since = None
        elif self.workerless_since is None:
            self.workerless_since = now
        elif now - self.workerless_since > limit:
            raise ExecutorError(
                f"{self.executor.source} {self.executor.address}: every Dask worker left and "
                f"none joined within {limit:g} s; {done} of {total} tasks had finished. "
                f"{_AFTER_LOSS}"
            )

    def lost_message(self, done: int, total: int) -> str:
        return (
            f"{self.executor.source} {self.executor.address}: lost the Dask scheduler "
            f"(no answer for {self.executor.lost_timeout:g} s, or it cancelled the work); "
            f"{done} of {total} tasks had finished. {_AFTER_LOSS}"
        )


_AFTER_LOSS = (
    "Nothing of this experiment was written; run the command again once the cluster is back "
    "(or without --scheduler, on this machine)."
)


def _check_scheme(scheme: str, address: str, source: str) -> None:
    """Only tcp:// (and tls:// with certificates configured) reach a scheduler from here."""
    if scheme == "tcp":
        return
    if scheme == "tls":
        import dask

        if dask.config.get("distributed.comm.tls.ca-file", None) and dask.config.get(
            "distributed.comm.tls.client.cert", None
        ):
            return
        raise ExecutorError(
            f"{source} {_clip(address)}: tls:// needs the cluster's certificates in the Dask "
            "configuration (distributed.comm.tls.ca-file, .client.cert and .client.key); "
            "set them, or give the scheduler's tcp:// address"
        )
    raise ExecutorError(
        f"{source} {_clip(address)}: ccsim reaches Dask schedulers over tcp:// (or tls:// "
        f"with certificates configured), not {scheme}://; give one like tcp://10.0.0.5:8786"
    )


MAX_HANDSHAKE = 1 << 20
"""The largest first message a Dask scheduler sends (its handshake is a few hundred bytes)."""


def _probe_scheduler(host: str, port: int, timeout: float, address: str, source: str) -> None:
    """Check that a Dask scheduler speaks first at ``host:port``, within ``timeout``.

    A Dask server sends its handshake as soon as a connection opens, prefixed by its length.
    Another server (a web server, a database) sends nothing, or bytes that read as an absurd
    length: Dask itself would then wait for ever or try to allocate exabytes.
    """
    import socket
    import struct

    hint = (
        "Check the host and port (`dask scheduler` prints its address; its dashboard port, "
        f"usually 8787, is not it), and ${SCHEDULER_ENV}."
    )
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection((host, port), timeout=timeout) as connection:
            header = b""
            while len(header) < 8:
                connection.settimeout(max(0.01, deadline - time.monotonic()))
                chunk = connection.recv(8 - len(header))
                if not chunk:
                    break
                header += chunk
    except TimeoutError:
        raise ExecutorError(
            f"{source} {address}: something answers on that port but it is not a Dask "
            f"scheduler (it said nothing within {timeout:g} s). {hint}"
        ) from None
    except OSError as exc:
        raise ExecutorError(
            f"{source} {address}: no Dask scheduler answered ({exc.strerror or exc}). Check "
            "that `dask scheduler` is running on that host and port, that the port is open "
            f"in the firewall, and that ${SCHEDULER_ENV} is right (an empty value runs on "
            "local processes)."
        ) from None
    length = struct.unpack("<Q", header)[0] if len(header) == 8 else 0
    if not 0 < length <= MAX_HANDSHAKE:
        raise ExecutorError(
            f"{source} {address}: something answers on that port but it is not a Dask "
            f"scheduler (its first bytes are not a Dask handshake). {hint}"
        )


def _clip(text: str, limit: int = 120) -> str:
    text = repr(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _ccsim_version() -> str:
    from ccsim import __version__

    return __version__
