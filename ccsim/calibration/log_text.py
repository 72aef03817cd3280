"""The raw text of an export: its delimiter, placeholder times, coalesced columns, clock times.

Everything here *guesses* only what a careful analyst would, and says so: each guess is a
sentence in :attr:`Reading.notes`, printed in the fit report.

* **delimiter**: a ``.csv``/``.txt`` file's delimiter is sniffed from its first lines (comma,
  tab, semicolon or bar); ``.tsv`` is tab-separated.
* **placeholders**: some switches write ``0:00:00`` for a phase that did not happen. Declared
  placeholders (``placeholders:`` in the mapping) are read as empty. An undeclared clock
  value that piles up (more than 2 % of a time column's values, where one second of a real
  day would hold a few per mille at most) is reported; when it is midnight it is taken for a
  placeholder (midnight to the second, in a few per cent of all rows, is not a time of day).
* **coalesced fields**: a field mapped to several columns takes the first non-empty one.
"""

from __future__ import annotations

import csv
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ccsim.calibration.log_format import LogError, LogFormat

EMPTY = {"", "null", "na", "n/a", "nan", "none", "nat"}
PILE_UP = 0.02
"""Share of a time column's values at one clock value beyond which it is reported."""
_MIDNIGHT = re.compile(r"^(?:\d{4}-\d\d-\d\d[ T])?0?0:00(?::00(?:\.0+)?)?$")


@dataclass
class Reading:
    """What reading the raw text found and guessed.

    Attributes:
        notes: each guess, one sentence (delimiter, placeholders, piled-up times …).
        placeholders: column → rows read as empty because they held a placeholder.
    """

    notes: list[str] = field(default_factory=list)
    placeholders: dict[str, int] = field(default_factory=dict)


def read_table(path: Path, reading: Reading) -> pd.DataFrame:
    """The file as text columns (Parquet: as stored). Raises LogError when unreadable."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise LogError(f"{path}: file not found")
    try:
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path).reset_index(drop=True)
        if suffix in (".csv", ".txt", ".tsv"):
            sep = "\t" if suffix == ".tsv" else _sniff(path)
            if sep != "," and suffix != ".tsv":
                shown = {"\t": "tab", ";": "semicolon", "|": "bar"}[sep]
                reading.notes.append(f"Columns are {shown}-separated (sniffed from the header).")
            return _read_text(path, sep)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise LogError(f"{path}: cannot be read as a {suffix[1:]} table: {exc}") from None
    raise LogError(
        f"{path}: unknown file type {suffix or '(none)'!r}; a contact log is a .csv, .txt, .tsv "
        "or .parquet file"
    )


def _read_text(path: Path, sep: str) -> pd.DataFrame:
    """Every cell as text. pyarrow's reader is two to three times faster on a long export;
    a file it refuses (ragged rows, a quoted line break, bad UTF-8, …) is read by pandas' own
    reader, which takes what it can and words what it cannot."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep, engine="pyarrow")
    except Exception:  # any refusal (pyarrow's errors vary): pandas' reader decides
        return pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep)


def _sniff(path: Path) -> str:
    with path.open(encoding="utf-8", errors="replace") as handle:
        head = handle.read(65536)
    first = head.splitlines()[0] if head else ""
    try:
        return csv.Sniffer().sniff(head, delimiters=",\t;|").delimiter
    except csv.Error:  # one column, or quoting the sniffer cannot follow: count the header
        counts = {sep: first.count(sep) for sep in ",\t;|"}
        return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def as_text(values: pd.Series) -> pd.Series:
    """Column values as stripped strings, with empty-looking values as missing."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.astype("object").where(values.notna())
    text = values.astype("string").str.strip()
    empty = text.isna() | text.str.lower().isin(EMPTY)
    return text.astype(object).where(~empty)


def time_text(
    raw: pd.DataFrame, columns: tuple[str, ...], fmt: LogFormat, reading: Reading
) -> pd.Series:
    """One time field's text: placeholders removed, then the first non-empty column."""
    declared = {p.strip() for p in fmt.placeholders}
    result: pd.Series | None = None
    for column in columns:
        text = as_text(raw[column])
        if not pd.api.types.is_datetime64_any_dtype(raw[column]):
            text = _without_placeholders(text, column, declared, reading)
        result = text if result is None else result.where(result.notna(), text)
    assert result is not None  # a field has at least one column
    return result


def _without_placeholders(
    text: pd.Series, column: str, declared: set[str], reading: Reading
) -> pd.Series:
    placeholder = text.isin(declared)
    present = text[~placeholder].dropna()
    if len(present) >= 200:
        value, count = _most_common(present)
        if count / len(present) > PILE_UP:
            share = f"{count / len(text):.1%}"
            if _MIDNIGHT.match(value):
                placeholder |= text == value
                reading.notes.append(
                    f"Column {column}: {value!r} in {share} of rows is taken for a placeholder "
                    f"(did not happen), not midnight; declare it with placeholders: [{value!r}]."
                )
            else:
                reading.notes.append(
                    f"Column {column}: the time {value!r} appears in {share} of rows: check "
                    "whether it stands for 'did not happen' (then declare it under placeholders:)."
                )
    if placeholder.any():
        reading.placeholders[column] = int(placeholder.sum())
    return text.where(~placeholder)


def _most_common(values: pd.Series) -> tuple[str, int]:
    """The most common text and its count (the first seen among equals), counted by Arrow:
    a column of a long export holds hundreds of thousands of distinct clock times, which
    pandas' object counting took a second over a log's time columns to tally."""
    import pyarrow as pa
    import pyarrow.compute as pc

    counts = pc.value_counts(pa.array(values.to_numpy(dtype=object), type=pa.string()))
    tally = counts.field("counts").to_numpy()
    top = int(np.argmax(tally))  # value_counts lists values in the order first seen
    return str(counts.field("values")[top].as_py()), int(tally[top])


def parse_times(text: pd.Series, dates: pd.Series | None, fmt: LogFormat) -> pd.Series:
    """Timestamps from text (with ``dates``: clock times on those dates); NaT if unreadable.
    pandas' format-guessing warnings are kept off the console (unreadable values are counted
    by the caller, by reason)."""
    strings = pd.api.types.infer_dtype(text, skipna=True) in ("string", "empty")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if dates is None and not strings:  # a Parquet column of timestamps already
            parsed = pd.to_datetime(text, errors="coerce")
        else:
            combined = text if dates is None else dates.astype(str) + " " + text.astype(str)
            combined = combined.where(text.notna())
            parsed = pd.to_datetime(combined, format=fmt.datetime_format, errors="coerce")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype("datetime64[ns]")


def guess_day_start(arrival: pd.Series, reading: Reading) -> float:
    """Seconds after midnight at which business days start: midnight, unless calls arrive
    in the small hours, then the start of the longest stretch of clock hours without any
    arrival (a Sunday evening shift running to 01:00 belongs to Sunday)."""
    hours = arrival.dropna().dt.hour.to_numpy()
    counts = np.bincount(hours, minlength=24)
    if counts[0] == 0 or counts.sum() == 0:
        return 0.0
    empty = counts == 0
    best, best_start = 0, 0
    for start in range(24):
        length = 0
        while length < 24 and empty[(start + length) % 24]:
            length += 1
        if length > best:
            best, best_start = length, start
    if best == 0 or best_start > 12:
        return 0.0
    reading.notes.append(
        f"Calls arrive after midnight: a business day runs from {best_start:02d}:00 to "
        f"{best_start:02d}:00 the next day (set day_start: in the mapping to change it); "
        f"{int(counts[:best_start].sum()):,} arrivals after midnight belong to the day before."
    )
    return best_start * 3600.0
