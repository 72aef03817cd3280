"""Executors: in this process, on local processes and on a real Dask cluster, same results."""

import math
import sys

import pandas as pd
import pytest
from click.testing import CliRunner
from distributed import LocalCluster

import ccsim
import ccsim.experiment.executors
from ccsim.cli.commands import main
from ccsim.experiment.executors import (
    DaskExecutor,
    ExecutorError,
    InProcessExecutor,
    LocalProcessExecutor,
    make_executor,
)
from ccsim.experiment.replications import resolve_jobs, run_experiment

SCENARIO = {
    "name": "executors",
    "horizon": {"days": 1, "interval": "30min", "open": "08:00", "close": "10:00"},
    "contact_types": {
        "voice": {
            "arrivals": {"rate_per_hour": [180, 240, 220, 160]},
            "handle_time": {"distribution": "lognormal", "mean": "3min", "cv": 1.0},
            "patience": {"distribution": "exponential", "mean": "2min"},
        }
    },
    "pools": {"agents": {"serves": ["voice"], "staffing": 11}},
    "experiment": {"replications": 6, "seed": 11},
}


@pytest.fixture(scope="module")
def scenario():
    return ccsim.load_scenario(SCENARIO)


@pytest.fixture(scope="module")
def cluster():
    """A real Dask cluster: a scheduler and two worker processes on this machine."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as local:
        yield local


@pytest.fixture(scope="module")
def in_process(scenario):
    return run_experiment(scenario, jobs=1, scheduler="")


def assert_identical(result, expected):
    pd.testing.assert_frame_equal(result.contacts(), expected.contacts(), check_exact=True)
    assert result.summary() == expected.summary()
    pd.testing.assert_frame_equal(result.intervals(), expected.intervals(), check_exact=True)


def test_local_processes_and_a_dask_cluster_give_identical_results(scenario, cluster, in_process):
    assert len(in_process.contacts()) > 100
    assert in_process.summary()["overall"]["abandoned"]["mean"] > 0
    local = run_experiment(scenario, jobs=2, scheduler="")
    assert_identical(local, in_process)
    done = []
    dask = run_experiment(scenario, scheduler=cluster.scheduler_address, progress=done.append)
    assert_identical(dask, in_process)
    assert done == list(range(1, 7))


def test_the_scheduler_comes_from_ccsim_scheduler(scenario, cluster, in_process, monkeypatch):
    monkeypatch.setenv("CCSIM_SCHEDULER", cluster.scheduler_address)
    with make_executor(jobs=1, scheduler=None, tasks=6) as executor:
        assert isinstance(executor, DaskExecutor)
        assert executor.workers == 2
    assert_identical(run_experiment(scenario, jobs=1), in_process)
    with make_executor(jobs=1, scheduler="", tasks=6) as executor:  # "" = local, env ignored
        assert isinstance(executor, InProcessExecutor)


def test_one_executor_serves_many_experiments(scenario, cluster, in_process):
    other = run_experiment(scenario, seed=12, jobs=1, scheduler="")
    for executor in (LocalProcessExecutor(2), DaskExecutor(cluster.scheduler_address)):
        with executor:
            assert_identical(run_experiment(scenario, executor=executor), in_process)
            assert_identical(run_experiment(scenario, seed=12, executor=executor), other)


def test_no_records_kept_gives_the_same_summary(scenario, cluster, in_process):
    result = run_experiment(scenario, scheduler=cluster.scheduler_address, keep_records=False)
    assert result.records == []
    assert result.summary() == in_process.summary()


def test_a_failing_task_raises_on_every_executor(cluster):
    executors = [InProcessExecutor(), LocalProcessExecutor(2)]
    executors.append(DaskExecutor(cluster.scheduler_address))
    for executor in executors:
        with executor, pytest.raises(ValueError, match="math domain error"):
            dict(executor.map_unordered(math.sqrt, [4.0, -1.0, 9.0]))


def test_map_unordered_yields_every_index_once():
    with LocalProcessExecutor(2) as executor:
        assert dict(executor.map_unordered(math.sqrt, [0.0, 1.0, 4.0, 9.0])) == {
            0: 0.0,
            1: 1.0,
            2: 2.0,
            3: 3.0,
        }


def test_make_executor_checks_and_picks(monkeypatch):
    monkeypatch.delenv("CCSIM_SCHEDULER", raising=False)
    with pytest.raises(ValueError, match="jobs must be 0"):
        make_executor(jobs=-1, scheduler=None, tasks=4)
    with pytest.raises(ValueError, match="got -2"):
        resolve_jobs(-2, 4)  # still importable from ccsim.experiment.replications
    assert isinstance(make_executor(jobs=1, scheduler=None, tasks=4), InProcessExecutor)
    assert isinstance(make_executor(jobs=4, scheduler=None, tasks=1), InProcessExecutor)
    with make_executor(jobs=5, scheduler=None, tasks=3) as executor:
        assert isinstance(executor, LocalProcessExecutor) and executor.workers == 3
    monkeypatch.setenv("CCSIM_SCHEDULER", " ")
    assert isinstance(make_executor(jobs=1, scheduler=None, tasks=4), InProcessExecutor)
    with pytest.raises(ValueError, match="at least 1"):
        LocalProcessExecutor(0)


def test_a_malformed_address_is_a_clear_error_naming_its_source(monkeypatch):
    with pytest.raises(ExecutorError, match="^--scheduler 'no-port-here' is not a scheduler"):
        make_executor(jobs=1, scheduler="no-port-here", tasks=2)
    monkeypatch.setenv("CCSIM_SCHEDULER", "tcp://host:port")
    with pytest.raises(ExecutorError, match=r"^\$CCSIM_SCHEDULER .*tcp://10.0.0.5:8786"):
        make_executor(jobs=1, scheduler=None, tasks=2)


def test_without_dask_the_error_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(ExecutorError, match=r"pip install 'ccsim\[distributed\]'"):
        DaskExecutor("tcp://127.0.0.1:8786")


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:1", "nonsense"])
def test_cli_unreachable_scheduler_exits_2_in_one_paragraph(address, tmp_path, monkeypatch):
    # Nothing listens on port 1.
    monkeypatch.setattr(ccsim.experiment.executors, "CONNECT_TIMEOUT", 1.0)
    result = CliRunner().invoke(
        main,
        ["run", "--reps", "2", "--scheduler", address, "--results-dir", str(tmp_path)],
        catch_exceptions=False,
    )
    assert result.exit_code == 2, result.output
    message = result.output.strip()
    assert message.startswith("ccsim: --scheduler") and address in message
    assert "Traceback" not in message and "\n\n" not in message
    assert not list(tmp_path.iterdir())  # no results folder


def test_a_comparison_on_the_cluster_equals_the_local_one(scenario, cluster):
    """Comparisons (and so sweeps and the optimiser) run their replications on any executor."""
    from ccsim.scenario.overrides import apply_overrides, parse_override
    from ccsim.studies.compare import compare_scenarios

    variant = apply_overrides(scenario, [parse_override("contact_types.voice.aht=*1.1")])
    with make_executor(0, cluster.scheduler_address, 4) as dask:
        remote = compare_scenarios([scenario, variant], replications=3, executor=dask)
    local = compare_scenarios([scenario, variant], replications=3, executor=InProcessExecutor())
    pd.testing.assert_frame_equal(remote.differences(), local.differences(), check_exact=True)


def test_a_scheduler_without_workers_is_a_clear_error():
    with (
        LocalCluster(n_workers=0, processes=True, dashboard_address=":0") as empty,
        pytest.raises(ExecutorError, match="no worker joined"),
    ):
        DaskExecutor(empty.scheduler_address, timeout=1)
