"""The JSON Schema an editor uses to check and complete scenario files as planners type them.

The validated :class:`~ccsim.scenario.scenario.Scenario` holds plain numbers, but a scenario
file may also point at a spreadsheet for a forecast or a staffing plan
(``arrivals: {from_csv: forecast.csv}``, ``staffing: {from_csv: staffing.csv}``; see
:mod:`ccsim.scenario.tables_from_files`). Those keys are read at load time, before pydantic
sees the data, so pydantic's own schema does not know them and an editor using it would flag
a file that ``ccsim`` loads. :func:`scenario_json_schema` is pydantic's schema with those
spreadsheet forms added where the loader accepts them — the schema ``ccsim schema`` prints.
"""

from __future__ import annotations

import copy
from typing import Any

from ccsim.scenario.scenario import Scenario
from ccsim.scenario.tables_from_files import KEY

_FILE = {
    "type": "string",
    "minLength": 1,
    "description": "A .csv or .xlsx file (relative to the scenario file): a header row, then one "
    "row per interval of the opening day; optional first column interval_start (HH:MM).",
}
_SHEET = {"type": "string", "description": "The sheet of an .xlsx file (default: the first)."}
_COLUMN = {
    "type": "string",
    "description": "The column holding the numbers (default: the one named after the contact "
    "type or pool, else the only other column).",
}


def _arrivals_from_file(day_factors: dict[str, Any]) -> dict[str, Any]:
    """``arrivals: {from_csv: FILE, [sheet], [column], [day_factors]}``: contacts per interval."""
    return {
        "type": "object",
        "title": "Arrivals from a spreadsheet",
        "description": "Expected contacts in each interval, read from a file at load time.",
        "properties": {
            KEY: _FILE,
            "sheet": _SHEET,
            "column": _COLUMN,
            "day_factors": day_factors,
        },
        "required": [KEY],
        "additionalProperties": False,
    }


def _staffing_from_file() -> dict[str, Any]:
    """``staffing: {from_csv: FILE, [sheet], [column]}``: agents per interval."""
    return {
        "type": "object",
        "title": "Staffing from a spreadsheet",
        "description": "Agents on the phones in each interval (whole numbers), read from a "
        "file at load time.",
        "properties": {KEY: _FILE, "sheet": _SHEET, "column": _COLUMN},
        "required": [KEY],
        "additionalProperties": False,
    }


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, spreadsheet forms included.

    Returns:
        A JSON-serialisable schema (draft 2020-12, as pydantic writes it) that accepts every
        file ``ccsim`` loads, including ``{from_csv: …}`` for a contact type's arrivals and a
        pool's staffing.
    """
    schema = copy.deepcopy(Scenario.model_json_schema(by_alias=True))
    definitions = schema["$defs"]
    arrivals = definitions["Arrivals"]
    definitions["Arrivals"] = {
        "anyOf": [arrivals, _arrivals_from_file(arrivals["properties"]["day_factors"])],
        "title": arrivals.get("title", "Arrivals"),
        "description": arrivals.get("description", ""),
    }
    staffing = definitions["Pool"]["properties"]["staffing"]
    staffing["anyOf"] = [*staffing["anyOf"], _staffing_from_file()]
    return schema
