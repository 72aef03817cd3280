"""The intraday results folder, written by :mod:`ccsim.output.intraday_folder`."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ccsim import load_scenario
from ccsim.intraday.measures import CONTACT_MEASURES, POOL_MEASURES
from ccsim.intraday.projection import project
from ccsim.intraday.state import load_state
from ccsim.output.intraday_folder import fan_chart, write_folder
from ccsim.scenario.overrides import apply_overrides, parse_override

pytestmark = pytest.mark.model

EXAMPLE = Path(__file__).resolve().parents[2] / "ccsim" / "intraday" / "examples" / "now.json"


@pytest.fixture(scope="module")
def projection():
    plan = load_scenario("default-day")
    more = apply_overrides(plan, [parse_override("pools.agents.staffing=+3")], name="more")
    return project(plan, load_state(EXAMPLE), {"more": more}, replications=4, seed=5)


def _rows(path: Path) -> list[dict]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_folder_holds_the_same_five_files_with_one_row_per_plan_interval_group_measure(
    projection, tmp_path
):
    out = write_folder(projection, "default-day", tmp_path / "f")
    assert sorted(p.name for p in out.iterdir()) == [
        "differences.csv",
        "fan.png",
        "intervals.csv",
        "intraday.json",
        "report.html",
    ]
    intervals = _rows(out / "intervals.csv")
    n_groups = sum(len(projection.groups[m]) for m in CONTACT_MEASURES + POOL_MEASURES)
    assert len(intervals) == 2 * n_groups * len(projection.starts)
    assert list(intervals[0]) == [
        "plan", "interval", "partial", "group", "measure", "median", "p10", "p90",
    ]  # fmt: skip
    assert intervals[0]["interval"] == "11:30" and intervals[0]["partial"] == "True"
    # A row's median is the median across replications of that interval's values.
    row = next(r for r in intervals if r["measure"] == "service_level" and r["plan"] == "plan")
    values = projection.values["plan"]["service_level"][row["group"]][:, 0]
    assert float(row["median"]) == pytest.approx(float(np.nanmedian(values)))
    differences = _rows(out / "differences.csv")
    assert len(differences) == 2 * n_groups
    plan_row, what_if = differences[0], differences[n_groups]
    assert plan_row["plan"] == "plan" and plan_row["difference_mean"] == ""  # NaN: empty
    assert what_if["plan"] == "more" and float(what_if["difference_low"]) <= float(
        what_if["difference_mean"]
    ) <= float(what_if["difference_high"])
    summary = json.loads((out / "intraday.json").read_text())
    assert len(summary["rest_of_day"]) == len(differences)
    assert len(summary["intervals"]) == len(intervals)


def test_the_fan_chart_is_drawn_without_matplotlib_in_the_page_and_as_png(projection, tmp_path):
    out = write_folder(projection, "default-day", tmp_path / "f")
    chart = fan_chart(projection)
    # Service level, ASA, abandonment of the one contact type; occupancy of the one pool.
    assert [p.title for p in chart.panels] == [
        "service level — voice",
        "ASA — voice",
        "abandonment — voice",
        "occupancy — agents",
    ]
    assert [s.label for s in chart.panels[0].series] == ["plan: median, 80 % band", "more"]
    with Image.open(out / "fan.png") as image:
        assert image.size == (chart.width, chart.height)
    page = (out / "report.html").read_text()
    assert page.count("<svg viewBox=") == 1 and "Re-forecast" in page and "× " in page


def test_a_folder_that_holds_files_is_refused_and_nothing_is_left_behind(projection, tmp_path):
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="not empty"):
        write_folder(projection, "default-day", tmp_path / "f")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]


def test_the_command_imports_neither_matplotlib_nor_scipy_nor_pandas(tmp_path):
    # It answers live: these took seconds to import on a busy machine and are not needed.
    code = (
        "import sys; from ccsim.cli.commands import main\n"
        "try: main(['intraday', 'default-day', '--state', sys.argv[1], '--reps', '2',"
        " '--what-if', 'x=pools.agents.staffing=+1', '--out', sys.argv[2]])\n"
        "except SystemExit as exc: assert exc.code in (0, None), exc.code\n"
        "print(sorted(m for m in ('matplotlib', 'scipy', 'pandas') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLE), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "out" / "fan.png").exists()
