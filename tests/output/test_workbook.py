"""ccsim export --xlsx: one workbook whose sheets hold the folder's numbers, formatted.

Values are checked against the folder's own files (summary.json, intervals.csv,
differences.csv): a cell keeps the exact number (durations as fractions of a day) and only
its number format rounds it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import ccsim as api
from ccsim.output.run_folder import write_results
from ccsim.output.workbook import SECONDS_PER_DAY, measure_format, write_workbook


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    result = api.run_experiment(api.load_scenario("two-pools"), replications=2, seed=5, jobs=1)
    return write_results(result, tmp_path_factory.mktemp("xlsx") / "run")


def _rows(page) -> list[dict]:
    header = [c.value for c in page[1]]
    return [dict(zip(header, row, strict=True)) for row in page.iter_rows(min_row=2)]


def test_run_workbook_sheets_values_and_formats(run, cli):
    result = cli("export", run, "--xlsx")
    assert result.exit_code == 0, result.output
    book = load_workbook(run / "report.xlsx")
    assert book.sheetnames == ["summary", "intervals", "about"]
    summary = json.loads((run / "summary.json").read_text())
    rows = {
        (r["group"].value, r["name"].value, r["measure"].value): r for r in _rows(book["summary"])
    }
    sl = rows[("type", "billing", "service_level")]
    assert sl["mean"].value == pytest.approx(summary["by_type"]["billing"]["service_level"]["mean"])
    assert sl["mean"].number_format == "0.0%" and sl["unit"].value == "%"
    asa = rows[("overall", "all", "asa")]
    assert asa["unit"].value == "m:ss" and asa["mean"].number_format == "[m]:ss"
    assert asa["mean"].value.total_seconds() == pytest.approx(
        summary["overall"]["asa"]["mean"], abs=1e-3
    )
    offered = rows[("overall", "all", "offered")]
    assert offered["mean"].number_format == "#,##0" and offered["unit"].value == "count"

    page = book["intervals"]
    header = [c.value for c in page[1]]
    assert "service_level (%)" in header and "asa (m:ss)" in header and "offered (count)" in header
    assert page.freeze_panes == "A2" and page.auto_filter.ref
    assert page.column_dimensions["A"].width >= len("kind")
    csv = pd.read_csv(run / "intervals.csv")
    assert page.max_row == len(csv) + 1
    column = header.index("service_level (%)")
    assert page.cell(2, column + 1).number_format == "0.0%"
    assert page.cell(2, column + 1).value == pytest.approx(csv["service_level"].iloc[0])
    about = {r["item"].value: r["value"].value for r in _rows(book["about"])}
    assert about["scenario"] == "two-pools" and about["seed"] == 5


def test_comparison_workbook_has_differences_and_every_scenario(tmp_path, cli):
    folder = tmp_path / "cmp"
    result = cli(
        "compare",
        "two-pools",
        "--set",
        "pools.sales_team.staffing=+2",
        "--reps",
        2,
        "--jobs",
        1,
        "--out",
        folder,
    )
    assert result.exit_code == 0, result.output
    assert cli("export", folder, "--xlsx", "--out", tmp_path / "c.xlsx").exit_code == 0
    book = load_workbook(tmp_path / "c.xlsx")
    assert book.sheetnames[:2] == ["comparison", "interval differences"]
    assert {"summary", "intervals", "about"} <= set(book.sheetnames)
    differences = pd.read_csv(folder / "differences.csv")
    rows = _rows(book["comparison"])
    assert len(rows) == len(differences)
    asa = next(r for r in rows if r["measure"].value == "asa" and r["group"].value == "overall")
    # A difference of times is in signed seconds (a negative time cannot be shown as m:ss).
    assert asa["difference unit"].value == "s" and asa["difference"].number_format.startswith("+")
    expected = differences.query("measure == 'asa' and group == 'overall'")["difference"].iloc[0]
    assert asa["difference"].value == pytest.approx(expected)
    assert len({r["scenario"].value for r in _rows(book["summary"])}) == 2


def test_formats_by_kind():
    assert measure_format("service_level_low").number_format == "0.0%"
    assert measure_format("asa", [12.0, 4000.0]).unit == "h:mm:ss"
    assert measure_format("asa", [12.0]).factor == pytest.approx(1 / SECONDS_PER_DAY)
    assert measure_format("mean_queue", [0.3, 2.5]).number_format == "#,##0.0"
    assert measure_format("agent_hours").unit == "h"
    assert measure_format("service_level", difference=True).unit == "% points"


def test_not_a_results_folder_exits_2(tmp_path, cli):
    result = cli("export", tmp_path, "--xlsx")
    assert result.exit_code == 2 and "not a ccsim results folder" in result.output
    assert cli("export", tmp_path).exit_code == 2  # neither --xlsx nor --pdf
    assert not list(tmp_path.iterdir())
    with pytest.raises(Exception, match="no such folder"):
        write_workbook(tmp_path / "missing")
