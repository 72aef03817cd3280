"""Contact logs: an ACD export in, clean contacts out, and every row not used counted by reason.

A *contact log* has one row per contact (or per queue visit) with its arrival (queue entry)
time, answer time (empty when nobody answered), end time and outcome, and optionally its
contact type (queue), the agent who answered and bot / IVR entry and exit times. Exports name
these columns in many ways, so a :class:`LogFormat` says which column holds which *field*::

    columns: {arrival: q_start, answered: ser_start, ended: ser_end, outcome: disposition,
              contact_type: queue_name, agent: agent_login}
    outcomes: {answered: [ANS], abandoned: [ABAN, ABD], blocked: [BUSY], other: [XFER]}
    date_column: call_date              # the date, when the time columns hold clock times only
    datetime_format: "%Y-%m-%d %H:%M:%S.%f"

A field without a mapping is read from the column of its own name (``arrival`` …). Outcome
values are compared without case and surrounding blanks; ``answered``, ``abandoned``,
``blocked`` and ``other`` always stand for themselves. With ``date_column``, an answer or end
clock time earlier than the arrival's by more than 12 hours is on the next day (a call past
midnight).

Rows are never dropped silently. A row is left out for the first of these reasons, and the
count of each reason is kept (:attr:`ContactLog.excluded`): arrival missing or unparseable; an
outcome value nobody mapped; outcome ``other`` (never queued for an agent); end time missing
or unparseable; answer time unparseable; answered without an answer time, or not answered but
with one; a negative wait; an answer after the end (negative handle time); a zero handle
time; an abandon with zero wait (a ghost call); an exact duplicate of a row already kept.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from ccsim.calibration.log_format import FIELDS, OUTCOMES, REQUIRED, LogError, LogFormat
from ccsim.calibration.log_text import (
    Reading,
    as_text,
    guess_day_start,
    parse_times,
    read_table,
    time_text,
)

__all__ = [
    "FIELDS",
    "OUTCOMES",
    "REQUIRED",
    "LogError",
    "LogFormat",
    "ContactLog",
    "read_contact_log",
    "DEFAULT_TYPE",
    "SECOND",
    "durations_in",
]

SECOND = pd.Timedelta(seconds=1)
"""The unit of every duration in the records: times of day and waits are in seconds."""

DEFAULT_TYPE = "voice"
"""The contact type of every contact when the log has no contact-type column."""

PHANTOM = "phantom (queued, then vanished without an outcome: not counted as offered)"
_TIME_FIELDS = ("arrival", "answered", "ended", "bot_entry", "bot_exit")


@dataclass(frozen=True)
class ContactLog:
    """The usable contacts of a log, and what was left out.

    Attributes:
        source: the file read.
        contacts: one row per usable contact: ``arrival``, ``answered``, ``ended``
            (timestamps; ``answered`` NaT unless answered), ``outcome`` (answered, abandoned,
            blocked), ``contact_type``, ``agent`` (may be missing), ``wait`` and ``handle``
            (seconds; handle NaN unless answered), in arrival order.
        rows_read: rows in the file.
        excluded: reason → rows left out for it.
        examples: reason → one offending raw value or row number, to find it in the file.
        has_agents: the log names the agent of answered contacts.
        renamed_types: raw contact-type value → the name used (when it had to change).
        notes: every guess made while reading (delimiter, placeholders, day start …).
        adjusted: reason → rows kept but corrected (an answer clamped to its arrival …).
        day_start: seconds after midnight at which a business day starts.
    """

    source: str
    contacts: pd.DataFrame
    rows_read: int
    excluded: dict[str, int]
    examples: dict[str, str]
    has_agents: bool
    renamed_types: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    adjusted: dict[str, int] = field(default_factory=dict)
    day_start: float = 0.0

    @property
    def origin(self) -> pd.Timestamp:
        """Midnight of the first business day: time 0 of every model built from it."""
        return min(self.dates)

    def business_dates(self, times: pd.Series) -> pd.Series:
        """The business day (its midnight) of each timestamp (see ``day_start``)."""
        return (times - pd.Timedelta(seconds=self.day_start)).dt.normalize()

    @property
    def dates(self) -> list[pd.Timestamp]:
        """The business days with at least one contact, in order."""
        return sorted(self.business_dates(self.contacts["arrival"]).unique())

    @property
    def contact_types(self) -> list[str]:
        """Contact types in order of first appearance."""
        return [str(name) for name in self.contacts["contact_type"].unique()]  # in order seen

    def seconds(self, column: str, origin: pd.Timestamp | None = None) -> np.ndarray:
        """A time column as seconds from ``origin`` (default :attr:`origin`); NaN where empty."""
        origin = self.origin if origin is None else origin
        values = self.contacts[column]
        return ((values - origin) / pd.Timedelta(seconds=1)).to_numpy(dtype=float, na_value=np.nan)

    def summary_lines(self) -> list[str]:
        """The cleaning summary a planner reads: rows used, and rows left out by reason."""
        used = len(self.contacts)
        lines = [f"{self.rows_read:,} rows read from {self.source}; {used:,} contacts used."]
        if self.excluded:
            lines.append(f"{self.rows_read - used:,} rows not used:")
            for reason, count in sorted(self.excluded.items(), key=lambda kv: -kv[1]):
                example = self.examples.get(reason)
                lines.append(
                    f"  {count:>7,}  {reason}" + (f"  (e.g. {example})" if example else "")
                )
        unknown = [r for r in self.excluded if r.startswith("unknown outcome value")]
        if unknown:
            lines.append(
                "  Map unknown outcome values with --map-outcome OUTCOME=VALUE (outcomes: "
                + ", ".join(OUTCOMES)
                + ") or under outcomes: in the mapping file."
            )
        for reason, count in self.adjusted.items():
            lines.append(f"{count:,} rows kept but corrected: {reason}.")
        lines += [f"Note: {note}" for note in self.notes]
        for raw, name in self.renamed_types.items():
            lines.append(f"Contact type {raw!r} is called {name!r} in the scenario.")
        return lines


def read_contact_log(path: Path | str, fmt: LogFormat | None = None) -> ContactLog:
    """Read and clean a contact log (CSV, tab-separated text or Parquet).

    Raises:
        LogError: the file cannot be read, a column is missing, or no row is usable; the
            message names the option or column, what is wrong and what is allowed.
    """
    fmt = fmt or LogFormat()
    path = Path(path)
    reading = Reading()
    raw = read_table(path, reading)
    columns = _resolve_columns(raw, fmt, path)
    reasons = pd.Series(pd.NA, index=raw.index, dtype="object")
    examples: dict[str, str] = {}

    def exclude(mask: pd.Series, reason: str, shown: pd.Series | None = None) -> None:
        mask = mask & reasons.isna()
        if mask.any():
            reasons[mask] = reason
            first = cast(int, mask.idxmax())  # the raw rows' labels are row numbers
            value = f"{shown[first]!r}, " if shown is not None else ""
            examples.setdefault(reason, f"{value}row {first + 2}")  # +2: header, 1-based

    text = {
        name: time_text(raw, cols, fmt, reading) if name in _TIME_FIELDS else _first_of(raw, cols)
        for name, cols in columns.items()
        if name != "_date"
    }
    dates = as_text(raw[fmt.date_column]) if fmt.date_column is not None else None
    times = {name: parse_times(text[name], dates, fmt) for name in _TIME_FIELDS if name in text}
    arrival = times["arrival"]
    exclude(text["arrival"].isna(), "arrival time missing")
    exclude(arrival.isna(), "arrival time unparseable", text["arrival"])
    if dates is not None:
        for name in ("answered", "ended"):  # a call past midnight: the clock time wrapped
            wrapped = times[name] < arrival - pd.Timedelta(hours=12)
            times[name] = times[name].where(~wrapped, times[name] + pd.Timedelta(days=1))
    outcome = _outcomes(text, fmt, reading)
    for value in text["outcome"][outcome.isna() & reasons.isna()].fillna("(empty)").unique():
        same = text["outcome"].fillna("(empty)") == value
        exclude(same & outcome.isna(), f"unknown outcome value {value!r}")
    exclude(outcome == "other", "outcome other (never queued for an agent)")
    exclude(outcome == "phantom", PHANTOM)
    answered, ended = times["answered"], times["ended"]
    exclude(text["ended"].isna(), "end time missing")
    exclude(ended.isna(), "end time unparseable", text["ended"])
    exclude(text["answered"].notna() & answered.isna(), "answer time unparseable", text["answered"])
    is_answered = outcome == "answered"
    exclude(is_answered & answered.isna(), "answered without an answer time")
    exclude(~is_answered & answered.notna(), "not answered but has an answer time")
    # Two clocks (the VRU's, the agents') a second or two apart. When the calls answered at
    # once show up *before* their arrival, the answer clock runs behind: every answered
    # call's answer and end move by that offset (a caller who waited 20 s is logged as 18.5 s
    # otherwise, and patience comes out short). What is still a little early is a wait of 0,
    # not a bad row; the talk time is kept.
    offset = clock_offset(
        durations_in(answered - arrival, SECOND)[is_answered & reasons.isna()],
        fmt.clock_tolerance,
    )
    if offset > 0:
        late = pd.to_timedelta(np.where(is_answered, offset, 0.0), unit="s")
        answered, ended = answered + late, ended + late
        reading.notes.append(
            f"The answers' clock runs about {offset:.1f} s behind the arrivals' (most calls "
            f"answered at once are logged up to {fmt.clock_tolerance:g} s before they "
            f"arrived): every answered call's answer and end times moved {offset:.1f} s later."
        )
    early = durations_in(arrival - answered, SECOND)
    clamped = is_answered & (early > 0) & (early <= fmt.clock_tolerance) & reasons.isna()
    slack = pd.to_timedelta(early.where(clamped, 0.0), unit="s")
    answered, ended = answered + slack, ended + slack
    exclude(is_answered & (answered < arrival), "negative wait (answered before arrival)")
    exclude(is_answered & (ended < answered), "answered after it ended (negative handle time)")
    exclude(is_answered & (ended == answered), "zero handle time (ended when answered)")
    abandoned = outcome == "abandoned"
    exclude(abandoned & (ended < arrival), "negative wait (ended before arrival)")
    exclude(abandoned & (ended == arrival), "abandoned with zero wait (a ghost call)")
    if "contact_type" in text:
        ctype = text["contact_type"]
        exclude(ctype.isna(), "contact type missing")
    else:
        ctype = pd.Series(DEFAULT_TYPE, index=raw.index)
    frame = pd.DataFrame(
        {
            "arrival": arrival,
            "answered": answered.where(is_answered),
            "ended": ended,
            "outcome": outcome,
            "contact_type": ctype,
            "agent": text["agent"] if "agent" in text else pd.Series(pd.NA, index=raw.index),
        }
    )
    for name in ("bot_entry", "bot_exit"):
        if name in times:
            frame[name] = times[name]
    # Only a row identical in every column is a duplicate: two calls in the same second
    # with different ids are two calls.
    exclude(raw.astype(str).duplicated() & reasons.isna(), "duplicate row")
    excluded = Counter(reasons.dropna())
    good = frame[reasons.isna()].copy()
    if good.empty:
        raise LogError(
            f"{path}: none of the {len(raw):,} rows is usable; "
            + "; ".join(f"{n:,} {r}" for r, n in excluded.most_common(5))
        )
    adjusted = {}
    if int((clamped & reasons.isna()).sum()):
        adjusted[
            f"answered up to {fmt.clock_tolerance:g} s before arrival (clocks out of "
            "step): wait set to 0"
        ] = int((clamped & reasons.isna()).sum())
    for column, count in reading.placeholders.items():
        reading.notes.append(
            f"Column {column}: {count:,} placeholder values read as 'did not happen'."
        )
    renamed = {}
    names = {}
    for value in good["contact_type"].unique():
        names[value] = safe_name(value)
        if names[value] != value:
            renamed[value] = names[value]
    good["contact_type"] = good["contact_type"].map(names)
    good = good.sort_values("arrival", kind="stable").reset_index(drop=True)
    good["wait"] = durations_in(
        good["answered"].where(good["outcome"] == "answered", good["ended"]) - good["arrival"],
        SECOND,
    )
    good.loc[good["outcome"] == "blocked", "wait"] = 0.0
    good["handle"] = durations_in(good["ended"] - good["answered"], SECOND)
    day_start = (
        guess_day_start(good["arrival"], reading) if fmt.day_start is None else fmt.day_start
    )
    return ContactLog(
        str(path),
        good,
        len(raw),
        dict(excluded),
        {r: e for r, e in examples.items() if r in excluded},
        "agent" in text,
        renamed,
        tuple(reading.notes),
        adjusted,
        float(day_start),
    )


def clock_offset(waits: pd.Series, tolerance: float) -> float:
    """Seconds the answer clock runs behind the arrival clock, from the logged waits of the
    answered calls (answer − arrival): 0 unless most calls answered at once (the logged
    waits within ``tolerance`` of 0) are logged before they arrived; then the mean of those
    early waits, negated. Callers answered at once are the log's most common wait, so where
    they sit shows the offset; a centre whose clocks agree logs them at 0, not below."""
    near = waits[(waits.abs() <= tolerance) & waits.notna()]
    early = near[near < 0]
    if tolerance <= 0 or len(early) < 10 or len(early) <= len(near) / 2:
        return 0.0
    return float(-early.mean())


def _first_of(raw: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    result = as_text(raw[columns[0]])
    for column in columns[1:]:
        result = result.where(result.notna(), as_text(raw[column]))
    return result


def _outcomes(text: dict[str, pd.Series], fmt: LogFormat, reading: Reading) -> pd.Series:
    """Each row's outcome; without an outcome column, answered when it has an answer time."""
    if "outcome" in text:
        return text["outcome"].str.upper().map(fmt.outcome_lookup())
    reading.notes.append(
        "No outcome column: a row with an answer time is taken as answered, one without as "
        "abandoned (map outcome=COLUMN if the log has one)."
    )
    guessed = pd.Series("abandoned", index=text["arrival"].index, dtype=object)
    guessed[text["answered"].notna()] = "answered"
    text["outcome"] = guessed
    return guessed


def safe_name(value: str) -> str:
    """A contact-type name the scenario accepts: a letter, then letters, digits, _ or -."""
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", str(value).strip()).strip("_").lower()
    if not name or not name[0].isalpha():
        name = f"type_{name}"
    return name


# -- reading ------------------------------------------------------------------------------


def _resolve_columns(raw: pd.DataFrame, fmt: LogFormat, path: Path) -> dict[str, tuple[str, ...]]:
    available = [str(c) for c in raw.columns]
    shown = ", ".join(available[:30]) + (" …" if len(available) > 30 else "")
    columns: dict[str, tuple[str, ...]] = {}
    for name in FIELDS:
        wanted = fmt.columns_for(name)
        missing = [c for c in wanted if c not in available]
        if not missing:
            columns[name] = wanted
        elif name in fmt.columns:
            raise LogError(
                f"--map {name}={','.join(wanted)}: {path} has no column {missing[0]!r}; its "
                f"columns are: {shown}"
            )
        elif name in REQUIRED:
            raise LogError(
                f"{path}: no column for {name!r} (looked for a column named {wanted[0]!r}); map "
                f"it with --map {name}=COLUMN or under columns: in the mapping file. The file's "
                f"columns are: {shown}"
            )
    if fmt.date_column is not None:
        if fmt.date_column not in available:
            raise LogError(
                f"--date-column {fmt.date_column}: {path} has no such column; its columns are: "
                f"{shown}"
            )
        columns["_date"] = (fmt.date_column,)
    return columns


def durations_in(durations: pd.Series, unit: pd.Timedelta) -> pd.Series:
    """Timedeltas (a difference of two time columns) as floats in ``unit`` (NaN: missing)."""
    # The stubs type a frame's column as Series[Any], which they will not divide by a
    # Timedelta; the column is a difference of timestamps, so it holds timedeltas.
    return cast("pd.Series[pd.Timedelta]", durations) / unit
