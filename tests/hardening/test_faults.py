"""Faults never lose results or leave a misleading folder (issue 14).

Concurrent runs, ``kill -9``, a full disk or a file-size cap, read-only folders, a full
standard output, corrupt sweep points, Ctrl-C during a sweep's final write, and a Dask
cluster that is not one, or that dies.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from ccsim.atomic import STALE_AFTER, partial_prefix, remove_stale_partials
from ccsim.experiment.executors import DaskExecutor, ExecutorError
from ccsim.output.run_folder import new_run_folder, staged_folder
from ccsim.scenario import load_scenario
from ccsim.studies.sweep import grid_points, parse_axis, run_sweep

pytestmark = pytest.mark.e2e

NOW = datetime(2026, 1, 1, 12, 0, 0)


def _ccsim(*args, cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ccsim", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def _clean_exit_2(process: subprocess.CompletedProcess, *words: str) -> None:
    assert process.returncode == 2, process.stderr
    assert "Traceback" not in process.stderr, process.stderr
    message = process.stderr.strip()
    assert message.startswith("ccsim: ") and message.count("\n") == 0, message
    for word in words:
        assert word in message, message


# -- concurrent runs ----------------------------------------------------------------------


def test_runs_in_the_same_second_get_distinct_folders(tmp_path):
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        folders = pool.starmap(new_run_folder, [(tmp_path, "erlang-c", NOW)] * 8)
    assert len(set(folders)) == 8
    assert all(Path(f).is_dir() for f in folders)


def test_two_real_runs_at_once_into_one_results_folder_both_keep_their_results(tmp_path):
    command = [sys.executable, "-m", "ccsim", "run", "erlang-c", "--reps", "1", "--jobs", "1"]
    command += ["-q", "--no-records", "--results-dir", str(tmp_path / "results")]
    runs = [subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE) for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err.decode()
    folders = sorted((tmp_path / "results").iterdir())
    assert len(folders) == 2 and all((f / "summary.json").exists() for f in folders)


def test_a_reserved_folder_is_removed_again_when_writing_fails(tmp_path):
    folder = new_run_folder(tmp_path, "erlang-c", now=NOW)
    with pytest.raises(RuntimeError), staged_folder(folder) as staging:
        (staging / "summary.json").write_text("{}")
        raise RuntimeError("the plot failed")
    assert list(tmp_path.iterdir()) == []


# -- kill -9 ------------------------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_partials_of_a_dead_process_are_removed_and_live_ones_kept(tmp_path):
    old = time.time() - STALE_AFTER - 10
    dead = tmp_path / f"{partial_prefix('run-1').replace(str(os.getpid()), str(_dead_pid()))}x1"
    mine = tmp_path / f"{partial_prefix('run-2')}x2"
    young = tmp_path / f"{partial_prefix('run-3').replace(str(os.getpid()), str(_dead_pid()))}x3"
    legacy = tmp_path / ".run-4.partial-abc123"
    for folder in (dead, mine, young, legacy):
        folder.mkdir()
        (folder / "summary.json").write_text("{}")
    for folder in (dead, mine, legacy):
        os.utime(folder, (old, old))
    assert remove_stale_partials(tmp_path) == [dead]
    assert mine.exists() and young.exists() and legacy.exists()  # live, too young, a day


def test_kill_9_during_writing_leaves_a_partial_that_the_next_run_removes(tmp_path):
    results = tmp_path / "results"
    command = [sys.executable, "-m", "ccsim", "run", "default-day", "--reps", "2", "--jobs", "1"]
    command += ["-q", "--results-dir", str(results)]
    run = subprocess.Popen(command, cwd=tmp_path)
    deadline = time.monotonic() + 240
    partials: list[Path] = []
    while not partials and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.05)
        partials = [p for p in results.glob(".*partial*")] if results.exists() else []
    assert partials, "no staging folder seen"
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    assert any(p.exists() for p in partials)
    old = time.time() - STALE_AFTER - 10
    for partial in partials:
        if partial.exists():
            os.utime(partial, (old, old))
    new_run_folder(results, "next")  # the next run cleans up first
    assert not any(p.exists() for p in partials)
    assert not [p for p in results.iterdir() if p.name.startswith(".")]


# -- full disk, file-size cap, read-only, /dev/full ----------------------------------------


@contextmanager
def _small_disk(tmp_path: Path, size: str = "200k", read_only: bool = False):
    """A tiny (or read-only) tmpfs when this process may mount one; else skip."""
    mount = tmp_path / ("ro" if read_only else "small")
    mount.mkdir()
    options = "ro,size=1m" if read_only else f"size={size}"
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (not root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_is_one_message_and_leaves_nothing(tmp_path):
    with _small_disk(tmp_path) as disk:
        done = _ccsim("run", "default-day", "--reps", "2", "--jobs", "1", "--results-dir", disk,
                      cwd=tmp_path)  # fmt: skip
        _clean_exit_2(done, "No space left on device", "Nothing was written")
        assert list(disk.iterdir()) == []


def _limit_file_size() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))


def test_a_file_size_cap_is_one_message_and_leaves_nothing(tmp_path):
    done = _ccsim("run", "default-day", "--reps", "2", "--jobs", "1", "--results-dir",
                  tmp_path / "results", cwd=tmp_path, preexec_fn=_limit_file_size)  # fmt: skip
    _clean_exit_2(done, "File too large", "Nothing was written")
    assert list((tmp_path / "results").iterdir()) == []


def test_a_sweep_on_a_full_disk_says_what_is_saved_and_resumes(tmp_path):
    with _small_disk(tmp_path, size="40k") as disk:
        done = _ccsim("sweep", "erlang-c", "--grid", "pools.agents.staffing=11:40", "--reps",
                      "1", "--jobs", "1", "-q", "--out", disk / "sweep", cwd=tmp_path)  # fmt: skip
        _clean_exit_2(done, "No space left on device", "points are saved", "same command")
        assert not (disk / "sweep" / "sweep.parquet").exists()
        assert not (disk / "sweep" / "sweep.csv").exists()


def test_read_only_out_is_refused_before_simulating(tmp_path):
    with _small_disk(tmp_path, read_only=True) as disk:
        for command in (["run", "erlang-c"], ["sweep", "erlang-c", "--grid",
                                              "pools.agents.staffing=11:12"]):  # fmt: skip
            started = time.monotonic()
            done = _ccsim(*command, "--reps", "1", "--out", disk / "out", cwd=tmp_path)
            _clean_exit_2(done, "--out", "read-only")
            assert time.monotonic() - started < 60


def test_schema_to_a_full_standard_output(tmp_path):
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "ccsim", "schema"], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == "ccsim: cannot write the output: No space left on device"


# -- sweeps: corrupt points, Ctrl-C during the final write ---------------------------------


def _sweep(tmp_path):
    base = load_scenario("erlang-c")
    points = grid_points([parse_axis("pools.agents.staffing=11:13")])
    return base, points


@pytest.mark.parametrize("content", ["", "{not json", '{"point": 7}', "[]"])
def test_a_corrupt_or_empty_point_file_is_recomputed(tmp_path, content):
    base, points = _sweep(tmp_path)
    first = run_sweep(base, points, tmp_path / "s", replications=2)
    (tmp_path / "s" / "points" / "point-0001.json").write_text(content)
    again = run_sweep(base, points, tmp_path / "s", replications=2)
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    assert json.loads((tmp_path / "s" / "points" / "point-0001.json").read_text())["point"] == 1


def test_ctrl_c_during_the_final_write_tells_the_truth(cli, tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_parquet", interrupted)
    result = cli("sweep", "erlang-c", "--grid", "pools.agents.staffing=11:12", "--reps", "1",
                 "--jobs", "1", "--out", tmp_path / "s")  # fmt: skip
    assert result.exit_code == 130
    message = result.output.strip()
    assert "2 of 2 points are saved" in message and "Run the same command again" in message
    assert "no results folder was written" not in message
    assert not (tmp_path / "s" / "sweep.csv").exists()  # all the tables or none
    monkeypatch.undo()
    done = cli("sweep", "erlang-c", "--grid", "pools.agents.staffing=11:12", "--reps", "1",
               "--jobs", "1", "-q", "--out", tmp_path / "s")  # fmt: skip
    assert done.exit_code == 0 and (tmp_path / "s" / "sweep.parquet").exists()


def test_ctrl_c_after_a_folder_is_finished_says_it_was_written(tmp_path, capsys):
    from ccsim.cli.support import user_errors

    with staged_folder(tmp_path / "done") as staging:
        (staging / "summary.json").write_text("{}")
    with pytest.raises(SystemExit) as exited, user_errors():
        raise KeyboardInterrupt
    assert exited.value.code == 130
    assert f"results were written to {tmp_path / 'done'}" in capsys.readouterr().err


# -- Dask ---------------------------------------------------------------------------------


@contextmanager
def _plain_server(greeting: bytes):
    """A TCP server that is not a Dask scheduler: silent, or saying something else."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    open_connections = []

    def serve():
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            open_connections.append(connection)
            if greeting:
                connection.sendall(greeting)

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    finally:
        server.close()
        for connection in open_connections:
            connection.close()


@pytest.mark.parametrize(
    "greeting",
    [b"", b"\xff" * 64, b"HTTP/1.1 200 OK\r\n\r\n"],
    ids=["silent", "huge-length", "http"],
)
def test_a_port_that_answers_but_is_not_a_scheduler(greeting):
    with _plain_server(greeting) as address:
        started = time.monotonic()
        with pytest.raises(ExecutorError, match="not a Dask scheduler"):
            DaskExecutor(address, timeout=3)
        assert time.monotonic() - started < 10


def test_cli_a_port_that_is_not_a_scheduler_times_out_in_about_10_s(tmp_path):
    with _plain_server(b"") as address:
        started = time.monotonic()
        done = _ccsim("run", "erlang-c", "--reps", "2", "--scheduler", address, "--results-dir",
                      tmp_path / "r", cwd=tmp_path)  # fmt: skip
        took = time.monotonic() - started
    _clean_exit_2(done, "--scheduler", "not a Dask scheduler")
    assert took < 40
    assert not (tmp_path / "r").exists()


CLUSTER = """
import sys, time
from distributed import LocalCluster
cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
print(cluster.scheduler_address, flush=True)
time.sleep(600)
"""


@contextmanager
def _cluster_in_a_process():
    """A real LocalCluster (scheduler, nannies, workers) in a process group of its own."""
    process = subprocess.Popen(
        [sys.executable, "-c", CLUSTER],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        address = process.stdout.readline().strip()
        assert address.startswith("tcp://"), address
        yield address, lambda: os.killpg(process.pid, signal.SIGKILL)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def _workers_in_processes():
    """A LocalCluster's scheduler here, and two workers (no nanny) as processes of their own."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=0, processes=True, dashboard_address=":0") as cluster:
        command = [sys.executable, "-m", "distributed.cli.dask_worker", cluster.scheduler_address,
                   "--no-nanny", "--nthreads", "1"]  # fmt: skip
        workers = [subprocess.Popen(command, stderr=subprocess.DEVNULL) for _ in range(2)]

        def kill() -> None:
            for worker in workers:
                worker.kill()

        try:
            yield cluster.scheduler_address, kill
        finally:
            kill()
            for worker in workers:
                worker.wait()


def _run_until_lost(address: str, kill) -> tuple[str, int, float]:
    executor = DaskExecutor(address, timeout=30, lost_timeout=5)
    finished: list[int] = []
    started = time.monotonic()
    try:
        with pytest.raises(ExecutorError) as raised:  # noqa: PT012 (the loss comes mid-way)
            for index, _ in executor.map_unordered(time.sleep, [0.2] * 4 + [2.0] * 40):
                finished.append(index)
                if len(finished) == 4:
                    kill()
    finally:
        executor.close()
    return str(raised.value), len(finished), time.monotonic() - started


@pytest.mark.slow
def test_the_scheduler_killed_mid_run_ends_with_a_message():
    with _cluster_in_a_process() as (address, kill):
        message, finished, took = _run_until_lost(address, kill)
    assert "lost the Dask scheduler" in message
    assert f"{finished} of 44 tasks had finished" in message and "run the command again" in message
    assert took < 60


@pytest.mark.slow
def test_every_worker_killed_mid_run_ends_with_a_message():
    with _workers_in_processes() as (address, kill):
        message, finished, took = _run_until_lost(address, kill)
    assert "every Dask worker left" in message
    assert f"{finished} of 44 tasks had finished" in message and "run the command again" in message
    assert took < 60
