"""A results folder as one Excel workbook, for planners who work in spreadsheets.

:func:`write_workbook` reads what a results folder holds (see docs/results.md) and writes one
``.xlsx`` file with a sheet per table, formatted as a planner reads them:

==========================  ==================================================================
sheet                       from
==========================  ==================================================================
``comparison``              ``differences.csv`` (a ``ccsim compare`` folder)
``interval differences``    ``interval_differences.csv``
``summary``                 ``summary.json``: every measure per group and name (mean, CI)
``intervals``               ``intervals.csv``
``staffing``, ``roster``    ``staffing.csv``, ``roster.csv`` (a ``ccsim staff`` folder)
``total cost``              ``total_cost.csv`` (``ccsim staff --objective total-cost``)
``about``                   scenario, seed, replications, ccsim version and the warnings
==========================  ==================================================================

For a comparison, ``summary`` and ``intervals`` hold every scenario's, with a ``scenario``
column. Each measure is formatted by its kind in the measure catalogue
(:mod:`ccsim.measures.catalogue`): shares as percentages, times as durations (``m:ss``, or
``h:mm:ss`` when a column reaches an hour; differences of times in signed seconds), counts as
whole numbers (one decimal when a column stays below 10, such as a mean queue), money with two
decimals, hours with one. The unit is in the header (``asa (m:ss)``), the header row is
frozen and filtered, and columns are as wide as their contents. The cells keep the exact
values of the CSV files: only the display is rounded.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ccsim.atomic import atomic_file
from ccsim.measures.catalogue import Kind, lookup
from ccsim.output.format import from_csv_headers
from ccsim.output.html.page import ReportError

WORKBOOK_NAME = "report.xlsx"
"""The workbook's default name, in the results folder beside ``report.html``."""

SECONDS_PER_DAY = 86_400.0
"""Excel keeps durations as fractions of a day."""

_SUFFIXES = ("_low", "_high", "_p10", "_p50", "_p90")
_COUNT_COLUMNS = {
    "agents",
    "rostered",
    "erlang_agents",
    "required_agents",
    "scheduled_agents",
    "headcount",
}
_WHOLE_COLUMNS = {"interval", "day", "replications"}
_FRACTION_COLUMNS = {"p_meets_target"}
_DIFFERENCE_COLUMNS = {"difference", "low", "high", "half_width", "independent_half_width"}
_MAX_WIDTH = 48


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name and the table on it (``measure_column``: a long table whose rows
    each hold one measure, named in that column; ``differences``: its values are signed
    differences between scenarios)."""

    name: str
    table: pd.DataFrame
    measure_column: str | None = None
    differences: bool = False


def write_workbook(folder: Path, out: Path | None = None) -> Path:
    """Write the folder's tables into one workbook and return its path.

    Args:
        folder: a results folder of ``ccsim run``, ``compare`` or ``staff``.
        out: the workbook to write (default: ``folder/report.xlsx``); replaced if it exists.

    Raises:
        ReportError: the folder is missing or holds none of the files above.
    """
    from openpyxl import Workbook

    sheets = folder_sheets(Path(folder))
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        _write_sheet(book.create_sheet(sheet.name), sheet)
    path = Path(out) if out is not None else Path(folder) / WORKBOOK_NAME
    with atomic_file(path) as temporary:
        book.save(temporary)
    return path


def folder_sheets(folder: Path) -> list[Sheet]:
    """The sheets a folder gives, in the order a planner reads them."""
    if not folder.is_dir():
        raise ReportError(f"{folder}: no such folder")
    comparison = folder / "comparison.json"
    if comparison.is_file():
        return _comparison_sheets(folder, _read_json(comparison))
    summary = folder / "summary.json"
    if not summary.is_file():
        raise ReportError(
            f"{folder}: not a ccsim results folder (no summary.json or comparison.json); "
            "give a folder written by ccsim run, compare or staff"
        )
    data = _read_json(summary)
    sheets = [Sheet("summary", _summary_table(data), measure_column="measure")]
    for name, file in (
        ("intervals", "intervals.csv"),
        ("staffing", "staffing.csv"),
        ("roster", "roster.csv"),
        ("total cost", "total_cost.csv"),
    ):
        if (folder / file).is_file():
            sheets.append(Sheet(name, _read_csv(folder / file)))
    sheets.append(Sheet("about", _about_table(folder, data, data.get("warnings", []))))
    return sheets


def _comparison_sheets(folder: Path, comparison: dict) -> list[Sheet]:
    sheets = []
    for name, file in (
        ("comparison", "differences.csv"),
        ("interval differences", "interval_differences.csv"),
    ):
        if (folder / file).is_file():
            sheets.append(
                Sheet(name, _read_csv(folder / file), measure_column="measure", differences=True)
            )
    summaries, intervals = [], []
    for label, sub in (comparison.get("folders") or {}).items():
        run = folder / sub
        if (run / "summary.json").is_file():
            summaries.append(
                _summary_table(_read_json(run / "summary.json")).assign(scenario=label)
            )
        if (run / "intervals.csv").is_file():
            intervals.append(_read_csv(run / "intervals.csv").assign(scenario=label))
    if summaries:
        sheets.append(Sheet("summary", _scenario_first(summaries), measure_column="measure"))
    if intervals:
        sheets.append(Sheet("intervals", _scenario_first(intervals)))
    sheets.append(Sheet("about", _about_table(folder, comparison, comparison.get("warnings", []))))
    return sheets


def _scenario_first(tables: list[pd.DataFrame]) -> pd.DataFrame:
    table = pd.concat(tables, ignore_index=True)
    return table[["scenario", *[c for c in table.columns if c != "scenario"]]]


def _summary_table(summary: dict) -> pd.DataFrame:
    """``summary.json`` as one row per (group, name, measure) with a finite mean."""
    rows = []
    groups = [("overall", {"all": summary.get("overall") or {}})]
    groups += [
        (group.removeprefix("by_"), summary.get(group) or {})
        for group in ("by_type", "by_pool", "by_channel", "by_campaign")
    ]
    for group, named in groups:
        for name, measures in named.items():
            for measure, entry in (measures or {}).items():
                if not isinstance(entry, dict) or not _finite(entry.get("mean")):
                    continue
                rows.append(
                    {
                        "group": group,
                        "name": name,
                        "measure": measure,
                        "mean": entry.get("mean"),
                        "low": entry.get("low"),
                        "high": entry.get("high"),
                        "half_width": entry.get("half_width"),
                        "replications": entry.get("replications"),
                    }
                )
    return pd.DataFrame(
        rows,
        columns=["group", "name", "measure", "mean", "low", "high", "half_width", "replications"],
    )


def _about_table(folder: Path, data: dict, warnings: Iterable[Any]) -> pd.DataFrame:
    keys = ("scenario", "base", "scenarios", "seed", "replications", "confidence", "ccsim_version")
    rows: list[tuple[str, object]] = [("folder", str(folder))]
    for key in keys:
        if key in data:
            value = data[key]
            rows.append((key, ", ".join(map(str, value)) if isinstance(value, list) else value))
    for warning in warnings:
        if isinstance(warning, dict):
            who = f"{warning['scenario']}: " if warning.get("scenario") else ""
            rows.append((f"warning ({warning.get('rule', '')})", who + str(warning.get("message"))))
    return pd.DataFrame(rows, columns=["item", "value"])


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{path}: cannot be read ({exc})") from None
    if not isinstance(data, dict):
        raise ReportError(f"{path}: not a ccsim summary (expected a JSON object)")
    return data


def _read_csv(path: Path) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, dtype={"start": str})
    except (OSError, ValueError) as exc:
        raise ReportError(f"{path}: cannot be read ({exc})") from None
    return from_csv_headers(table)  # asa_s → asa: the unit goes into the sheet's header


# -- formats ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    """How a column (or a cell of a long table) is shown: Excel's number format, the unit in
    the header, and the factor from the CSV value to the cell (durations: days)."""

    number_format: str
    unit: str = ""
    factor: float = 1.0


TEXT = Format("General")


def measure_format(name: str, values: Sequence[float] = (), *, difference: bool = False) -> Format:
    """The format of a measure (or a column named after one: ``asa_low``, ``p_meets_target``),
    chosen by its kind; ``values`` decide between ``m:ss`` and ``h:mm:ss``, ``#,##0`` and
    ``#,##0.0``."""
    kind = _kind(name)
    largest = max((abs(v) for v in values if _finite(v)), default=0.0)
    if kind is Kind.FRACTION:
        if difference:
            return Format("+0.0%;-0.0%;0.0%", "% points")
        return Format("0.0%", "%")
    if kind is Kind.SECONDS:
        if difference:
            return Format("+#,##0.0;-#,##0.0;0.0", "s")
        if largest >= 3600:
            return Format("[h]:mm:ss", "h:mm:ss", 1 / SECONDS_PER_DAY)
        return Format("[m]:ss", "m:ss", 1 / SECONDS_PER_DAY)
    if kind is Kind.MONEY:
        return Format("+#,##0.00;-#,##0.00;0.00" if difference else "#,##0.00", "money")
    if kind is Kind.HOURS:
        return Format("+#,##0.0;-#,##0.0;0.0" if difference else "#,##0.0", "h")
    if kind is Kind.RATE:
        return Format("0.000")
    if kind is Kind.COUNT:
        decimals = ".0" if largest < 10 else ""
        return Format(
            f"+#,##0{decimals};-#,##0{decimals};0" if difference else f"#,##0{decimals}", "count"
        )
    if name in _WHOLE_COLUMNS:
        return Format("0")
    return TEXT


def _kind(name: str) -> Kind | None:
    if name in _FRACTION_COLUMNS:
        return Kind.FRACTION
    if name in _COUNT_COLUMNS:
        return Kind.COUNT
    for candidate in (name, *(name.removesuffix(s) for s in _SUFFIXES if name.endswith(s))):
        try:
            return lookup(candidate).kind
        except KeyError:
            continue
    return None


def _finite(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


# -- writing ---------------------------------------------------------------------------------


def _write_sheet(page, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    table = _with_units(sheet)
    columns = [str(c) for c in table.columns]
    formats = {
        c: measure_format(c, table[c].tolist()) if _numeric(table[c]) else TEXT for c in columns
    }
    long = sheet.measure_column in columns
    headers = [
        c if long and c in _PER_ROW else (f"{c} ({formats[c].unit})" if formats[c].unit else c)
        for c in columns
    ]
    page.append(headers)
    widths = [len(h) if len(h) < 24 else 12 for h in headers]  # long headers wrap
    by_measure: dict[tuple[str, bool], Format] = {}
    for values in table.itertuples(index=False, name=None):
        row_formats = [formats[c] for c in columns]
        if long:
            measure = str(values[columns.index(str(sheet.measure_column))])
            for k, column in enumerate(columns):
                if column in _PER_ROW:
                    difference = sheet.differences and column in _DIFFERENCE_COLUMNS
                    key = (measure, difference)
                    if key not in by_measure:
                        by_measure[key] = measure_format(
                            measure,
                            _measure_values(table, str(sheet.measure_column), measure),
                            difference=difference,
                        )
                    row_formats[k] = by_measure[key]
        cells = [_cell_value(v, f) for v, f in zip(values, row_formats, strict=True)]
        page.append(cells)
        for k, (cell, fmt) in enumerate(zip(page[page.max_row], row_formats, strict=True)):
            cell.number_format = fmt.number_format
            widths[k] = max(widths[k], _shown_width(cells[k], fmt))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DCE6F1")
    for cell in page[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for k, width in enumerate(widths, start=1):
        page.column_dimensions[get_column_letter(k)].width = min(width + 2, _MAX_WIDTH)
    page.freeze_panes = "A2"
    if page.max_row > 1:
        page.auto_filter.ref = page.dimensions


def _with_units(sheet: Sheet) -> pd.DataFrame:
    """A long table with the unit of each row's measure beside it (``unit``; for
    differences also ``difference unit``)."""
    table, column = sheet.table, sheet.measure_column
    if column is None or column not in table.columns:
        return table
    # differences.csv has its own `unit` (share, s, h): the sheet's display unit replaces it
    table = table.drop(columns=["unit"], errors="ignore")
    where = list(table.columns).index(column) + 1
    measures = table[column].astype(str)
    units = {
        m: measure_format(m, _measure_values(table, str(sheet.measure_column), m)).unit
        for m in measures.unique()
    }
    if sheet.differences:
        table.insert(
            where, "difference unit", [measure_format(m, difference=True).unit for m in measures]
        )
    table.insert(where, "unit", [units[m] for m in measures])
    return table


_PER_ROW = _DIFFERENCE_COLUMNS | {"mean", "base", "value"}
"""Columns of a long table formatted by the row's measure."""


def _measure_values(table: pd.DataFrame, measure_column: str, measure: str) -> list[float]:
    """Every number of a long table's rows for one measure (to choose its display)."""
    rows = table[table[measure_column] == measure]
    numeric = [c for c in ("mean", "base", "value", "low", "high") if c in rows.columns]
    return [float(v) for c in numeric for v in rows[c].tolist() if _finite(v)]


def _numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _cell_value(value: object, fmt: Format) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "item"):  # a numpy scalar
        value = value.item()
    if isinstance(value, float):
        return value * fmt.factor if math.isfinite(value) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value * fmt.factor if fmt.factor != 1.0 else value
    return value


def _shown_width(value: object, fmt: Format) -> int:
    if value is None:
        return 1
    if isinstance(value, (int, float)):
        if fmt.factor != 1.0:
            return len(fmt.unit) + 2
        return len(f"{value:,.1f}") + (1 if "%" in fmt.number_format else 0)
    return len(str(value))
