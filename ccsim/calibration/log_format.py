"""How to read one ACD export: which column holds which field, which raw values mean which
outcome, and how dates and times are written (see :mod:`ccsim.calibration.contact_log`).

A :class:`LogFormat` comes from a YAML mapping file and command-line options::

    columns: {arrival: q_start, answered: ser_start, ended: ser_end, outcome: disposition,
              contact_type: queue_name, agent: agent_login}
    outcomes: {answered: [ANS], abandoned: [ABAN, ABD], blocked: [BUSY], other: [XFER]}
    date_column: call_date              # the date, when the time columns hold clock times only
    datetime_format: "%Y-%m-%d %H:%M:%S.%f"
    placeholders: ["0:00:00"]           # written for "did not happen" (read as missing)
    clock_tolerance: 3                  # seconds two system clocks may disagree (clamped)
    day_start: "05:00"                  # a business day runs from here (default: guessed)

A field may be read from several columns, the first one not empty (``arrival: [q_start,
vru_exit]``: queue entry, else the VRU exit for calls answered without queueing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

FIELDS = (
    "arrival",
    "answered",
    "ended",
    "outcome",
    "contact_type",
    "agent",
    "bot_entry",
    "bot_exit",
    "id",
)
"""Fields a log column can be mapped to (``--map FIELD=COLUMN``)."""
REQUIRED = ("arrival", "answered", "ended")
"""Fields every log must have (``answered`` may be empty in rows nobody answered; without an
``outcome`` column a row with an answer time is answered, one without abandoned)."""
CLOCK_TOLERANCE = 3.0
"""Seconds by which an answer may precede its arrival (two clocks) before the row is refused."""
OUTCOMES = ("answered", "abandoned", "blocked", "other", "phantom")
"""What a contact's outcome can be mapped to (``--map-outcome OUTCOME=VALUE,…``)."""


class LogError(ValueError):
    """The log or its mapping cannot be used (a user mistake: message, exit status 2)."""


@dataclass(frozen=True)
class LogFormat:
    """How to read one export: field → column, outcome → raw values, dates and times.

    Attributes:
        columns: field name → the log's columns holding it, first non-empty wins (only fields
            given explicitly).
        outcomes: outcome (``answered`` …) → the raw values meaning it.
        date_column: a column holding the date when the time columns hold clock times only.
        datetime_format: a ``strftime`` format of the times (with ``date_column``: of
            ``"<date> <time>"``); none: recognised automatically.
        placeholders: raw time values meaning "did not happen" (besides empty cells).
        clock_tolerance: seconds an answer may precede the arrival (clocks out of step):
            within it the wait is set to 0 and counted, beyond it the row is refused.
        day_start: seconds after midnight at which a business day starts (None: guessed from
            the log, midnight unless calls run past midnight).
    """

    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    outcomes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    date_column: str | None = None
    datetime_format: str | None = None
    placeholders: tuple[str, ...] = ()
    clock_tolerance: float = CLOCK_TOLERANCE
    day_start: float | None = None

    @classmethod
    def from_options(
        cls,
        mapping_file: Path | None = None,
        maps: tuple[str, ...] = (),
        outcome_maps: tuple[str, ...] = (),
        date_column: str | None = None,
        datetime_format: str | None = None,
        placeholders: tuple[str, ...] = (),
        clock_tolerance: object = None,
        day_start: object = None,
    ) -> LogFormat:
        """The format from a YAML mapping file and command-line options: ``--map`` replaces
        the file's column for a field, ``--map-outcome`` adds values to the file's;
        ``--placeholder`` adds to the file's placeholders; ``--clock-tolerance`` and
        ``--day-start`` replace the file's."""
        columns: dict[str, tuple[str, ...]] = {}
        outcomes: dict[str, list[str]] = {}
        extra: dict = {}
        if mapping_file is not None:
            data = _read_mapping_file(Path(mapping_file))
            for name, column in (data.get("columns") or {}).items():
                columns[_field(str(name), f"{mapping_file}: columns")] = _column(column, name)
            for name, values in (data.get("outcomes") or {}).items():
                outcome = _outcome(str(name), f"{mapping_file}: outcomes")
                outcomes[outcome] = _values(values, f"{mapping_file}: outcomes.{name}")
            date_column = date_column or data.get("date_column")
            if data.get("datetime_format") is not None:  # checked even when replaced
                where = f"--mapping {mapping_file}: datetime_format"
                from_file = check_datetime_format(data["datetime_format"], where)
                datetime_format = datetime_format or from_file
            extra = _reading_keys(data, f"{mapping_file}: ")
        given: dict = {"clock_tolerance": clock_tolerance, "day_start": day_start}
        extra |= _reading_keys({k: v for k, v in given.items() if v is not None}, "--", "-")
        if placeholders:
            values = _values(list(placeholders), "--placeholder")
            extra["placeholders"] = tuple(dict.fromkeys([*extra.get("placeholders", ()), *values]))
        for text in maps:
            name, column = _pair(text, "--map", "FIELD=COLUMN, e.g. --map arrival=q_start")
            columns[_field(name, f"--map {text}")] = tuple(c.strip() for c in column.split(","))
        for text in outcome_maps:
            name, values = _pair(
                text, "--map-outcome", "OUTCOME=VALUE[,VALUE…], e.g. --map-outcome abandoned=ABAN"
            )
            outcome = _outcome(name, f"--map-outcome {text}")
            outcomes[outcome] = outcomes.get(outcome, []) + _values(values, "--map-outcome")
        fmt = cls(
            columns,
            {k: tuple(v) for k, v in outcomes.items()},
            str(date_column) if date_column else None,
            str(datetime_format) if datetime_format else None,
            **extra,
        )
        fmt.outcome_lookup()  # a value mapped to two outcomes is an error now, not later
        return fmt

    def columns_for(self, name: str) -> tuple[str, ...]:
        """The columns holding field ``name`` (its own name unless mapped)."""
        return self.columns.get(name, (name,))

    def outcome_lookup(self) -> dict[str, str]:
        """Raw value (upper case, stripped) → outcome."""
        given: dict[str, str] = {}
        for outcome, values in self.outcomes.items():
            for value in values:
                key = value.strip().upper()
                if given.get(key, outcome) != outcome:
                    raise LogError(
                        f"--map-outcome: the value {value!r} is mapped to both "
                        f"{given[key]} and {outcome}; give each value one outcome"
                    )
                given[key] = outcome
        return {name.upper(): name for name in OUTCOMES} | given


def check_datetime_format(value: object, where: str) -> str:
    """``value`` if it is a usable ``strftime`` format of the log's times, else a
    :class:`LogError` naming ``where`` (the option or the mapping file and key).

    Checked before the log is read: a directive that does not exist (``%Q``) would otherwise
    fail deep inside the date parser, and a format without any directive reads no time at all.
    """
    from datetime import datetime

    allowed = (
        "give a strftime format of the log's times such as '%Y-%m-%d %H:%M:%S' or "
        "'%d/%m/%Y %H:%M' (with date_column: of '<date> <time>'), or leave it out to have "
        "the times recognised automatically"
    )
    if not isinstance(value, str) or not value.strip():
        raise LogError(f"{where}: expected a format as text, got {value!r}; {allowed}")
    if "%" not in value:
        raise LogError(
            f"{where} {value!r}: holds no % directive, so it can read no time; {allowed}"
        )
    try:
        sample = datetime(2024, 1, 2, 3, 4, 5, 6)
        datetime.strptime(sample.strftime(value), value)
    except ValueError as exc:
        if "directive" in str(exc) or "stray %" in str(exc):
            raise LogError(f"{where} {value!r}: {exc}; {allowed}") from None
    return value


def _read_mapping_file(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LogError(f"--mapping {path}: file not found") from None
    except (OSError, yaml.YAMLError) as exc:
        raise LogError(f"--mapping {path}: not a readable YAML file: {exc}") from None
    allowed = {
        "columns",
        "outcomes",
        "date_column",
        "datetime_format",
        "placeholders",
        "clock_tolerance",
        "day_start",
    }
    if not isinstance(data, dict) or not set(data) <= allowed:
        extra = sorted(set(data) - allowed) if isinstance(data, dict) else []
        raise LogError(
            f"--mapping {path}: "
            + (f"unknown key(s) {', '.join(map(str, extra))}; " if extra else "")
            + "a mapping file holds columns: {FIELD: COLUMN}, outcomes: {OUTCOME: [VALUES]}, "
            "date_column, datetime_format, placeholders, clock_tolerance and day_start"
        )
    for key in ("columns", "outcomes"):
        if data.get(key) is not None and not isinstance(data[key], dict):
            raise LogError(f"--mapping {path}: {key} must be a mapping (name: value)")
    return data


def _pair(text: str, option: str, form: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise LogError(f"{option} {text!r}: expected {form}")
    return name.strip(), value.strip()


def _field(name: str, where: str) -> str:
    if name not in FIELDS:
        raise LogError(f"{where}: unknown field {name!r}; fields are: {', '.join(FIELDS)}")
    return name


def _outcome(name: str, where: str) -> str:
    if name not in OUTCOMES:
        raise LogError(f"{where}: unknown outcome {name!r}; outcomes are: {', '.join(OUTCOMES)}")
    return name


def _column(value: object, name: object) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise LogError(
            f"mapping file: columns.{name} must be a column name (or a list of them, the first "
            f"non-empty one used), got {value!r}"
        )
    return tuple(str(v).strip() for v in values)


def _reading_keys(data: dict, prefix: str, dash: str = "_") -> dict:
    """``placeholders``, ``clock_tolerance`` and ``day_start`` of a mapping file (``prefix``
    its path) or of the command line (``prefix`` ``--``, ``dash`` ``-``: option names)."""
    from ccsim.units import parse_clock

    extra: dict = {}
    if data.get("placeholders") is not None:
        extra["placeholders"] = tuple(_values(data["placeholders"], f"{prefix}placeholders"))
    if data.get("clock_tolerance") is not None:
        value, name = data["clock_tolerance"], f"{prefix}clock{dash}tolerance"
        if isinstance(value, str):  # from the command line
            try:
                value = float(value.strip().removesuffix("s"))
            except ValueError:
                raise LogError(
                    f"{name} {data['clock_tolerance']!r}: not a number of seconds; give how far "
                    "apart the two clocks may be, e.g. 3"
                ) from None
        if not isinstance(value, int | float) or isinstance(value, bool) or not value >= 0:
            raise LogError(
                f"{name} must be seconds >= 0 (how far an answer may precede its arrival "
                f"because two clocks disagree), got {data['clock_tolerance']!r}"
            )
        if value == float("inf"):
            raise LogError(f"{name} must be a finite number of seconds, got {value!r}")
        extra["clock_tolerance"] = float(value)
    if data.get("day_start") is not None:
        name = f"{prefix}day{dash}start"
        try:
            extra["day_start"] = float(parse_clock(str(data["day_start"])))
        except ValueError as exc:
            raise LogError(f"{name}: {exc} (the hour a business day starts)") from None
        if not 0 <= extra["day_start"] < 24 * 3600:
            raise LogError(f"{name} {data['day_start']!r}: must be from 00:00 to before 24:00")
    return extra


def _values(values: object, where: str) -> list[str]:
    items = values.split(",") if isinstance(values, str) else values
    if not isinstance(items, list) or not items:
        raise LogError(f"{where}: give the raw values as a list or comma-separated, got {values!r}")
    cleaned = [str(v).strip() for v in items if str(v).strip()]
    if not cleaned:
        raise LogError(f"{where}: no values given")
    return cleaned
