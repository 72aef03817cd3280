"""Nothing escapes the folder the user chose (issue 14).

Every path ccsim builds from user data — a scenario's ``name`` becomes a folder name in run,
staff, sweep, compare and backtest; fit takes ``--name`` — goes through
:func:`ccsim.output.run_folder.safe_name`. A name like ``../../ESCAPED`` or an absolute one
must land inside ``--results-dir``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml
from paths import DATA, SCENARIOS

from ccsim.output.run_folder import safe_name

pytestmark = pytest.mark.e2e

LOG = DATA / "sample-contact-log.csv"
MAPPING = DATA / "sample-log-mapping.yaml"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../ESCAPED", "------ESCAPED"),
        ("/etc/ESCAPED", "-etc-ESCAPED"),
        ("..", "--"),
        ("", "scenario"),
        ("a b/c", "a-b-c"),
        ("é" * 300, "é" * 50),
    ],
)
def test_safe_name(name, expected):
    assert safe_name(name) == expected
    assert safe_name(name, keep=".") not in ("", ".", "..")
    assert "/" not in safe_name(name, keep=".")


def _names(tmp_path: Path) -> list[str]:
    absolute = tmp_path / f"abs-{uuid.uuid4().hex[:8]}" / "ESCAPED"
    return ["../../ESCAPED", str(absolute)]


def _scenario(folder: Path, name: str, base: str = "erlang-a", short: bool = True) -> Path:
    data = yaml.safe_load((SCENARIOS / f"{base}.yaml").read_text(encoding="utf-8"))
    data["name"] = name
    if short:  # a short day: the commands stay quick
        data["horizon"] = {"days": 1, "interval": "60min", "open": "00:00", "close": "02:00"}
    path = folder / f"scenario-{uuid.uuid4().hex[:6]}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _assert_inside(tmp_path: Path, work: Path, results: Path, name: str) -> None:
    """Everything written is under ``results`` (or the files the test made in ``work``)."""
    outside = [
        p
        for p in tmp_path.rglob("*")
        if "ESCAPED" in p.name and results not in p.parents and p.parent != work
    ]
    assert outside == []
    if name.startswith("/"):
        assert not Path(name).exists() and not Path(name).parent.exists()
    assert [p.name for p in results.iterdir() if not p.name.startswith(".")]


@pytest.fixture
def work(tmp_path, monkeypatch):
    folder = tmp_path / "deep" / "work"
    folder.mkdir(parents=True)
    monkeypatch.chdir(folder)
    return folder


@pytest.mark.parametrize("index", [0, 1], ids=["dotdot", "absolute"])
@pytest.mark.parametrize("command", ["run", "compare", "sweep", "staff"])
def test_a_scenario_name_never_leaves_the_results_folder(cli, tmp_path, work, command, index):
    name = _names(tmp_path)[index]
    scenario = _scenario(work, name)
    results = work / "results"
    args = {
        "run": ["run", scenario, "--reps", "2"],
        "compare": ["compare", scenario, _scenario(work, name + "2"), "--reps", "2"],
        "sweep": ["sweep", scenario, "--grid", "pools.agents.staffing=11:12", "--reps", "2"],
        "staff": ["staff", scenario, "--reps", "2", "--rerun-reps", "2", "--confirm-reps", "2"],
    }[command]
    result = cli(*args, "--jobs", "1", "-q", "--results-dir", results)
    assert result.exit_code == 0, result.output
    _assert_inside(tmp_path, work, results, name)


@pytest.mark.parametrize("index", [0, 1], ids=["dotdot", "absolute"])
def test_fit_and_backtest_keep_inside_too(cli, tmp_path, work, index):
    name = _names(tmp_path)[index]
    fitted = work / "fitted.yaml"
    result = cli("fit", LOG, "--mapping", MAPPING, "--out", fitted, "--name", name, "-q")
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(fitted.read_text())["name"] == name  # a name, never a path
    results = work / "results"
    result = cli("backtest", LOG, fitted, "--mapping", MAPPING, "-q", "--results-dir", results)
    assert result.exit_code == 0, result.output
    _assert_inside(tmp_path, work, results, name)
    assert sorted(p.name for p in work.iterdir()) == ["fitted.fit", "fitted.yaml", "results"]
