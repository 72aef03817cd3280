"""Forecasts and staffing read from CSV/XLSX files (``{from_csv: FILE}``) at load time.

The fixture ``from_csv/morning-from-csv.yaml`` is ``from_csv/morning-typed.yaml`` with its
lists moved into ``forecast.csv`` and ``staffing.csv``: both must load to the same frozen
Scenario and simulate the same records on the same seed. Bad files give one ScenarioError
naming the YAML path, the file, the row and column, and what is allowed.
"""

from __future__ import annotations

import shutil
from datetime import time
from pathlib import Path

import numpy as np
import pytest

from ccsim.errors import ScenarioError
from ccsim.model.centre import simulate
from ccsim.scenario import load_scenario

FIXTURES = Path(__file__).parent / "from_csv"
TYPED = FIXTURES / "morning-typed.yaml"
FROM_CSV = FIXTURES / "morning-from-csv.yaml"

VOICE = [40, 55, 70, 80, 75, 65, 50, 45]
EMAIL = [12.5, 10, 8, 8, 6, 6, 4, 4]
PHONES = [8, 10, 12, 13, 12, 11, 9, 8]
BACK_OFFICE = [2, 2, 2, 2, 1, 1, 1, 1]
STARTS = ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]


def test_from_csv_gives_the_same_scenario_as_the_typed_lists():
    typed, read = load_scenario(TYPED), load_scenario(FROM_CSV)
    assert read == typed
    assert read.pools["phones"].staffing == PHONES
    assert read.pools["back_office"].staffing == BACK_OFFICE  # column: back_office
    assert read.contact_types["voice"].arrivals.volume_per_interval == VOICE
    assert read.contact_types["email"].arrivals.day_factors == [1.0]  # kept beside from_csv


@pytest.mark.model
def test_from_csv_simulates_the_same_records_on_the_same_seed():
    typed = simulate(load_scenario(TYPED), replication=1)
    read = simulate(load_scenario(FROM_CSV), replication=1)
    assert len(typed) > 300  # a real morning, not an empty day
    for column in ("arrival", "answered", "ended", "outcome", "pool", "agent"):
        np.testing.assert_array_equal(getattr(read, column), getattr(typed, column))


def _workbook(path: Path, header: list[str], rows: list[list[object]], sheet: str = "plan"):
    from openpyxl import Workbook

    book = Workbook()
    page = book.active
    page.title = sheet
    page.append(header)
    for row in rows:
        page.append(row)
    book.save(path)


def test_xlsx_reads_like_csv_with_excel_times(tmp_path):
    """A workbook's interval starts are Excel times and its numbers are numbers."""
    for name in ("morning-from-csv.yaml",):
        shutil.copy(FIXTURES / name, tmp_path / name)
    hours = [time(8 + k // 2, 30 * (k % 2)) for k in range(8)]
    _workbook(
        tmp_path / "forecast.xlsx",
        ["interval_start", "voice", "email"],
        [[h, v, e] for h, v, e in zip(hours, VOICE, EMAIL, strict=True)],
    )
    _workbook(
        tmp_path / "staffing.xlsx",
        ["interval_start", "phones", "back_office"],
        [[h, float(p), b] for h, p, b in zip(hours, PHONES, BACK_OFFICE, strict=True)],
        sheet="week 12",
    )
    text = (tmp_path / "morning-from-csv.yaml").read_text().replace(".csv", ".xlsx")
    text = text.replace("column: back_office}", "column: back_office, sheet: week 12}")
    (tmp_path / "morning-from-csv.yaml").write_text(text)
    assert load_scenario(tmp_path / "morning-from-csv.yaml") == load_scenario(TYPED)


def _scenario_with(tmp_path: Path, forecast: str, staffing: str | None = None) -> Path:
    (tmp_path / "forecast.csv").write_text(forecast)
    (tmp_path / "staffing.csv").write_text(
        staffing if staffing is not None else (FIXTURES / "staffing.csv").read_text()
    )
    shutil.copy(FROM_CSV, tmp_path / "day.yaml")
    return tmp_path / "day.yaml"


def _problems(path: Path) -> str:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return str(caught.value)


def _forecast(rows: list[str], header: str = "interval_start,voice,email") -> str:
    return "\n".join([header, *rows]) + "\n"


GOOD_ROWS = [f"{s},{v},{e}" for s, v, e in zip(STARTS, VOICE, EMAIL, strict=True)]


def test_wrong_number_of_rows_names_the_path_file_and_intervals(tmp_path):
    message = _problems(_scenario_with(tmp_path, _forecast(GOOD_ROWS[:7])))
    assert "contact_types.voice.arrivals.from_csv" in message
    assert "forecast.csv" in message
    assert "7 row(s)" in message and "has 8 intervals" in message


def test_negative_and_non_numeric_values_name_row_and_column(tmp_path):
    rows = list(GOOD_ROWS)
    rows[2] = "09:00,-5,8"
    rows[4] = "10:00,75,lots"
    message = _problems(_scenario_with(tmp_path, _forecast(rows)))
    assert "row 4, column 'voice': '-5' is not allowed" in message
    assert "row 6, column 'email': 'lots' is not allowed" in message
    assert "a number >= 0" in message


def test_staffing_must_be_whole_agents(tmp_path):
    staffing = (FIXTURES / "staffing.csv").read_text().replace("09:30,13,2", "09:30,12.5,2")
    message = _problems(_scenario_with(tmp_path, _forecast(GOOD_ROWS), staffing))
    assert "pools.phones.staffing.from_csv" in message
    assert "row 5, column 'phones': '12.5'" in message and "whole number" in message


def test_interval_starts_must_match_the_horizon(tmp_path):
    rows = [r.replace("08:30", "08:45") for r in GOOD_ROWS]
    message = _problems(_scenario_with(tmp_path, _forecast(rows)))
    assert "row 3, column interval_start: '08:45'" in message
    assert "starts at 08:30" in message


def test_missing_file_and_ambiguous_column(tmp_path):
    path = _scenario_with(tmp_path, _forecast(GOOD_ROWS))
    (tmp_path / "staffing.csv").unlink()
    message = _problems(path)
    assert "pools.phones.staffing.from_csv" in message and "file not found" in message
    path = _scenario_with(tmp_path, _forecast(GOOD_ROWS, header="interval_start,calls,mails"))
    message = _problems(path)
    assert "which column?" in message and "'calls'" in message


def test_validate_command_exits_2_with_one_paragraph(tmp_path, cli):
    path = _scenario_with(tmp_path, _forecast(GOOD_ROWS[:3]))
    result = cli("validate", path)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "contact_types.voice.arrivals.from_csv" in result.output
    assert cli("validate", FROM_CSV).exit_code == 0
