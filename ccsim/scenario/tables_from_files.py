"""Forecasts and staffing per interval read from a spreadsheet instead of typed YAML lists.

Planners keep their interval forecast and their staffing plan in spreadsheets. A scenario can
point at such a file instead of copying its numbers into a YAML list::

    contact_types:
      voice:
        arrivals: {from_csv: forecast.csv}              # contacts per interval
        handle_time: {distribution: exponential, mean: 5min}
    pools:
      agents:
        serves: [voice]
        staffing: {from_csv: staffing.csv}              # agents on the phones per interval

The file (``.csv``, or ``.xlsx``: its first sheet, or ``sheet: NAME``) has a header row, then
one row per interval of the opening day, in order. An optional first column
``interval_start`` (``08:00``, ``08:30``, …) is checked against the horizon, so a forecast
cut in other intervals, or starting at another time, is refused rather than shifted. The
numbers are read from the column named after the contact type (or pool), or from the only
other column, or from the one named by ``column:``. So one file can hold the forecast of
every contact type (``interval_start,voice,email``) or the staffing of every pool.

* ``arrivals: {from_csv: FILE}`` gives ``volume_per_interval`` (expected contacts in each
  interval; numbers >= 0). ``day_factors`` may stand beside it.
* ``staffing: {from_csv: FILE}`` gives the pool's ``staffing`` (agents per interval: whole
  numbers >= 0).

Paths are relative to the scenario file. The file is read once, at load time: the validated
:class:`~ccsim.scenario.scenario.Scenario` holds plain numbers, exactly as if they had been
typed, so the results (and the resolved ``scenario.yaml`` of a results folder) are the same.
A missing file, a wrong number of rows, a value that is not a number, a negative value or an
interval that does not match is a :class:`~ccsim.errors.ScenarioError` naming the YAML path,
the file, the row and column, and what is allowed.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ccsim.errors import ScenarioError
from ccsim.scenario.horizon import Horizon
from ccsim.scenario.yaml_input import MAX_FILE_BYTES, shown
from ccsim.units import format_clock

KEY = "from_csv"
"""The key that points at a file, in ``arrivals`` and ``staffing``."""

START_COLUMN = "interval_start"
"""The optional first column: each row's interval start, ``HH:MM``."""

SUFFIXES = (".csv", ".xlsx")
"""File kinds read: comma-separated text, or an Excel workbook."""

MAX_PROBLEMS_PER_FILE = 5
"""Problems listed per file; a file wrong on every row says so in its first few."""


@dataclass(frozen=True)
class _Table:
    """What a file holds: the header, then the rows (cells as read: text or numbers)."""

    header: list[str]
    rows: list[list[object]]


def resolve_file_tables(data: dict[str, Any], base: Path, source: str) -> dict[str, Any]:
    """``data`` with every ``{from_csv: FILE}`` replaced by the numbers the file holds.

    Args:
        data: the scenario as parsed from YAML (not changed; a changed copy is returned).
        base: the folder that relative file names are read from (the scenario file's).
        source: the scenario's name in messages (its path).

    Raises:
        ScenarioError: a file is missing or unreadable, or its rows or values are wrong.
    """
    targets = list(_targets(data))
    if not targets:
        return data
    horizon = _horizon(data)
    problems: list[str] = []
    resolved = dict(data)
    for group, name, key, spec in targets:
        path = f"{group}.{name}.{key}"
        reader = _READERS[key]
        try:
            values = _resolve(spec, path, name, base, horizon, reader)
        except _Problems as exc:
            problems.extend(exc.problems)
            continue
        entries = dict(resolved[group])
        entry = dict(entries[name])
        entry[key] = (
            _arrivals_entry(spec, values) if key == "arrivals" else values  # staffing: the list
        )
        entries[name] = entry
        resolved[group] = entries
    if problems:
        raise ScenarioError(source, problems)
    return resolved


def _targets(data: dict[str, Any]):
    """(group, name, key, spec) of every ``{from_csv: …}`` in the scenario."""
    for group, key in (("contact_types", "arrivals"), ("pools", "staffing")):
        entries = data.get(group)
        if not isinstance(entries, dict):
            continue
        for name, entry in entries.items():
            spec = entry.get(key) if isinstance(entry, dict) else None
            if isinstance(spec, dict) and KEY in spec:
                yield group, name, key, spec


def _horizon(data: dict[str, Any]) -> Horizon | None:
    """The scenario's horizon, or None when it is invalid (its own error is reported then)."""
    raw = data.get("horizon", {})
    try:
        return Horizon.model_validate(raw if isinstance(raw, dict) else {})
    except (ValidationError, TypeError, ValueError):
        return None


class _Problems(Exception):
    def __init__(self, problems: Sequence[str]):
        super().__init__("; ".join(problems))
        self.problems = list(problems)


_ALLOWED_KEYS = {
    "arrivals": {KEY, "column", "sheet", "day_factors"},
    "staffing": {KEY, "column", "sheet"},
}


def _resolve(
    spec: dict[str, Any],
    path: str,
    name: str,
    base: Path,
    horizon: Horizon | None,
    reader: Callable[[object], float | int | None],
) -> list:
    key = path.rsplit(".", 1)[1]
    extra = sorted(set(spec) - _ALLOWED_KEYS[key])
    if extra:
        raise _Problems(
            [
                f"{path}.{extra[0]}: not allowed beside from_csv (allowed: "
                f"{', '.join(sorted(_ALLOWED_KEYS[key] - {KEY}))}); the file gives the numbers"
            ]
        )
    file_name = spec[KEY]
    if not isinstance(file_name, str) or not file_name.strip():
        raise _Problems(
            [f"{path}.from_csv: give a file name (.csv or .xlsx), got {shown(file_name)}"]
        )
    file = Path(file_name) if Path(file_name).is_absolute() else base / file_name
    where = f"{path}.from_csv ({file})"
    table = _read_table(file, where, spec.get("sheet"))
    column = _value_column(table.header, spec.get("column"), name, where, path)
    rows = table.rows
    if horizon is not None and len(rows) != horizon.intervals_per_day:
        raise _Problems(
            [
                f"{where}: {len(rows)} row(s) of numbers but the opening day "
                f"({format_clock(horizon.open)}–{format_clock(horizon.close)} in "
                f"{horizon.interval / 60:g} min intervals) has {horizon.intervals_per_day} "
                "intervals; give one row per interval, in order, under a header row"
            ]
        )
    problems: list[str] = []
    starts = table.header.index(START_COLUMN) if START_COLUMN in table.header else None
    values = []
    for k, row in enumerate(rows):
        line = k + 2  # the header is row 1, as a spreadsheet numbers them
        if starts is not None and horizon is not None:
            expected = format_clock(horizon.open + k * horizon.interval)
            got = _clock_text(row[starts] if starts < len(row) else None)
            if got != expected:
                problems.append(
                    f"{where}: row {line}, column {START_COLUMN}: {shown(got)} but interval "
                    f"{k + 1} of the opening day starts at {expected}; the rows must be the "
                    "horizon's intervals in order"
                )
        cell = row[column] if column < len(row) else None
        value = reader(cell)
        if value is None:
            what = (
                "expected contacts in the interval (a number >= 0)"
                if key == "arrivals"
                else "agents on the phones (a whole number >= 0)"
            )
            problems.append(
                f"{where}: row {line}, column {table.header[column]!r}: {shown(_cell_text(cell))} "
                f"is not allowed; give {what}"
            )
        values.append(value)
        if len(problems) >= MAX_PROBLEMS_PER_FILE:
            problems.append(f"{where}: … and possibly more rows like these")
            break
    if problems:
        raise _Problems(problems)
    return values


def _arrivals_entry(spec: dict[str, Any], values: list) -> dict[str, Any]:
    entry: dict[str, Any] = {"volume_per_interval": values}
    if "day_factors" in spec:
        entry["day_factors"] = spec["day_factors"]
    return entry


def _volume(cell: object) -> float | None:
    """Expected contacts in an interval: a finite number >= 0, or None."""
    value = _number(cell)
    return value if value is not None and value >= 0 else None


def _agents(cell: object) -> int | None:
    """Agents on the phones: a whole number >= 0 (``12`` or ``12.0``), or None."""
    value = _number(cell)
    if value is None or value < 0 or value != math.floor(value):
        return None
    return int(value)


_READERS: dict[str, Callable[[object], Any]] = {"arrivals": _volume, "staffing": _agents}


def _number(cell: object) -> float | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, numbers.Real):
        value = float(cell)
    elif isinstance(cell, str):
        try:
            value = float(cell.strip())
        except ValueError:
            return None
    else:
        return None
    return value if math.isfinite(value) else None


def _cell_text(cell: object) -> str:
    return "an empty cell" if cell is None or cell == "" else str(cell)


def _clock_text(cell: object) -> str:
    """An interval start as ``HH:MM``: text as written (``8:30`` → ``08:30``) or an Excel time."""
    if isinstance(cell, clock_time):
        return f"{cell.hour:02d}:{cell.minute:02d}"
    text = "" if cell is None else str(cell).strip()
    hours, sep, minutes = text.partition(":")
    if sep and hours.isdigit() and minutes[:2].isdigit():
        return f"{int(hours):02d}:{minutes[:2]}"
    return text


def _value_column(header: list[str], column: object, name: str, where: str, path: str) -> int:
    """Which column holds the numbers: ``column:``, else the one named ``name``, else the
    only column besides ``interval_start``."""
    others = [k for k, title in enumerate(header) if title != START_COLUMN]
    listed = ", ".join(repr(h) for h in header)
    if column is not None:
        if column in header:
            return header.index(str(column))
        raise _Problems(
            [f"{path}.column: {shown(column)} is not a column of {where}; its columns: {listed}"]
        )
    if name in header:
        return header.index(name)
    if len(others) == 1:
        return others[0]
    raise _Problems(
        [
            f"{where}: which column? The header has {listed}; name a column {name!r} (after "
            f"the {'contact type' if path.startswith('contact_types') else 'pool'}), keep "
            f"only one column besides {START_COLUMN}, or say column: NAME"
        ]
    )


def _read_table(file: Path, where: str, sheet: object) -> _Table:
    if file.suffix.lower() not in SUFFIXES:
        raise _Problems(
            [f"{where}: read .csv or .xlsx files only, got {shown(file.suffix or file.name)}"]
        )
    try:
        if not file.is_file():
            raise FileNotFoundError(file)
        if file.stat().st_size > MAX_FILE_BYTES:
            raise _Problems(
                [
                    f"{where}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; a day of "
                    "intervals is a few KiB"
                ]
            )
        if file.suffix.lower() == ".csv":
            if sheet is not None:
                raise _Problems([f"{where}: sheet is for .xlsx files; a CSV file has one table"])
            cells = _csv_cells(file)
        else:
            cells = _xlsx_cells(file, sheet, where)
    except FileNotFoundError:
        raise _Problems(
            [f"{where}: file not found (a path relative to the scenario file's folder)"]
        ) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _Problems([f"{where}: cannot be read: {exc}"]) from None
    cells = [row for row in cells if any(c not in (None, "") for c in row)]
    if not cells:
        raise _Problems(
            [f"{where}: the file is empty; give a header row, then one row per interval"]
        )
    header = [("" if c is None else str(c)).strip() for c in cells[0]]
    if any(_number(title) is not None for title in header if title):
        raise _Problems(
            [
                f"{where}: the first row must be a header (column names such as "
                f"{START_COLUMN},calls), got {', '.join(repr(h) for h in header)}"
            ]
        )
    return _Table(header, cells[1:])


def _csv_cells(file: Path) -> list[list[object]]:
    text = file.read_text(encoding="utf-8-sig")  # a spreadsheet's CSV often starts with a BOM
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _xlsx_cells(file: Path, sheet: object, where: str) -> list[list[object]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise _Problems([f"{where}: not a readable .xlsx workbook ({exc})"]) from None
    try:
        if sheet is None:
            pages = book.worksheets[0]
        elif sheet in book.sheetnames:
            pages = book[str(sheet)]
        else:
            raise _Problems(
                [f"{where}: no sheet {shown(sheet)}; its sheets: {', '.join(book.sheetnames)}"]
            )
        return [list(row) for row in pages.iter_rows(values_only=True)]
    finally:
        book.close()
