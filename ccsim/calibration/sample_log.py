"""Synthetic contact logs made by ccsim itself: the shipped sample and the tests' logs.

A simulation's records (:func:`ccsim.simulate`) are turned into what an ACD export looks
like: timestamps from a start date, realistic column names (``q_start``, ``ser_start``,
``ser_end``, ``disposition`` coded ANS / ABAN / BUSY, ``queue_name``, ``agent_login``), the
date in a column of its own (``call_date``) and clock times to the millisecond. A few
deliberately bad rows are *added* (copies of real rows, broken) — a duplicate, an answer
after the end, a zero handle time, an answer before the arrival, an unknown disposition code,
an unreadable time and a few IVR-only rows — so the cleaning summary has something to show
while the rows left after cleaning are exactly the simulated contacts.

``python scripts/make_sample_log.py`` remakes ``data/sample-contact-log.csv`` from
``data/sample-centre.yaml`` (the "true" centre the fit should recover).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ccsim.records import ABANDONED, ANSWERED, BLOCKED, ContactRecords

START = "2026-10-05"
"""The sample's first day (a Monday)."""

CODES = {ANSWERED: "ANS", ABANDONED: "ABAN", BLOCKED: "BUSY"}
"""Disposition codes of the sample export."""

MAPPING = {
    "columns": {
        "arrival": "q_start",
        "answered": "ser_start",
        "ended": "ser_end",
        "outcome": "disposition",
        "contact_type": "queue_name",
        "agent": "agent_login",
    },
    "date_column": "call_date",
    "datetime_format": "%Y-%m-%d %H:%M:%S.%f",
    "outcomes": {
        "answered": ["ANS"],
        "abandoned": ["ABAN", "ABD"],
        "blocked": ["BUSY"],
        "other": ["IVR"],
    },
}
"""The mapping file of the sample export (``data/sample-log-mapping.yaml``)."""


def records_log(records: ContactRecords, start: str = START) -> pd.DataFrame:
    """A simulation's records as a plain log: one row per contact, canonical field names.

    Columns ``arrival``, ``answered``, ``ended`` (timestamps, nanosecond precision),
    ``outcome`` (answered / abandoned / blocked), ``contact_type`` and ``agent``
    (``ag001`` …; empty when not answered). Contacts with other outcomes are left out.
    """
    keep = np.isin(records.outcome, list(CODES))
    origin = pd.Timestamp(start)

    def stamps(seconds: np.ndarray) -> pd.DatetimeIndex:
        return origin + pd.to_timedelta(seconds[keep], unit="s")

    agent = records.agent[keep]
    return pd.DataFrame(
        {
            "arrival": stamps(records.arrival),
            "answered": stamps(records.answered),
            "ended": stamps(records.ended),
            "outcome": pd.Series(records.outcome[keep]).map(
                {ANSWERED: "answered", ABANDONED: "abandoned", BLOCKED: "blocked"}
            ),
            "contact_type": np.asarray(records.contact_types)[records.contact_type[keep]],
            "agent": np.where(agent >= 0, [f"ag{a + 1:03d}" for a in agent], ""),
        }
    )


def export_frame(log: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """``log`` (from :func:`records_log`) as an ACD export, with a few bad rows added."""
    rng = np.random.default_rng(seed)
    export = pd.DataFrame(
        {
            "call_id": np.arange(100001, 100001 + len(log)),
            "call_date": log["arrival"].dt.strftime("%Y-%m-%d"),
            "queue_name": log["contact_type"].str.title(),
            "q_start": _clock(log["arrival"]),
            "ser_start": _clock(log["answered"]),
            "ser_end": _clock(log["ended"]),
            "disposition": log["outcome"].map({v: CODES[k] for k, v in _NAMES.items()}),
            "agent_login": log["agent"],
        }
    )
    abandoned = np.flatnonzero(export["disposition"] == "ABAN")
    export.loc[abandoned[rng.random(len(abandoned)) < 0.1], "disposition"] = "ABD"  # an old code
    answered = np.flatnonzero(export["disposition"] == "ANS")
    picks = rng.choice(answered, 6, replace=False)
    bad = export.iloc[picks].copy()  # 0: an exact duplicate
    bad.iloc[1, _position(bad, "ser_end")] = _shift(bad.iloc[1]["ser_start"], -30)
    bad.iloc[2, _position(bad, "ser_end")] = bad.iloc[2]["ser_start"]
    bad.iloc[3, _position(bad, "ser_start")] = _shift(bad.iloc[3]["q_start"], -5)
    bad.iloc[4, _position(bad, "disposition")] = "XFER"
    bad.iloc[5, _position(bad, "q_start")] = "25:61:00.000"
    ivr = export.iloc[rng.choice(len(export), 3, replace=False)].copy()
    ivr[["ser_start", "agent_login", "disposition"]] = ["", "", "IVR"]
    ivr["ser_end"] = ivr["q_start"].map(lambda t: _shift(t, 40))
    bad.iloc[1:, _position(bad, "call_id")] = np.arange(1, len(bad)) + 900001
    ivr["call_id"] = np.arange(len(ivr)) + 900101
    rows = pd.concat([export, bad, ivr])
    return rows.sort_values(["call_date", "q_start"], kind="stable").reset_index(drop=True)


def write_sample(scenario_path: Path, out_dir: Path, start: str = START) -> Path:
    """Simulate ``scenario_path`` once and write its export as ``sample-contact-log.csv``."""
    import yaml

    from ccsim.model.centre import simulate
    from ccsim.scenario import load_scenario

    records = simulate(load_scenario(scenario_path))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "sample-contact-log.csv"
    export_frame(records_log(records, start)).to_csv(path, index=False)
    mapping = out_dir / "sample-log-mapping.yaml"
    mapping.write_text(
        "# How to read data/sample-contact-log.csv (synthetic, made by ccsim: see\n"
        "# scripts/make_sample_log.py). Use with --mapping; --map options override it.\n"
        + yaml.safe_dump(MAPPING, sort_keys=False),
        encoding="utf-8",
    )
    return path


_NAMES = {ANSWERED: "answered", ABANDONED: "abandoned", BLOCKED: "blocked"}


def _clock(times: pd.Series) -> pd.Series:
    """Clock times to the millisecond (``08:03:17.123``); empty where missing."""
    text = times.dt.strftime("%H:%M:%S.%f").str.slice(0, 12)
    return text.fillna("")


def _shift(clock: str, seconds: float) -> str:
    moved = pd.Timestamp(f"2000-01-01 {clock}") + pd.Timedelta(seconds=seconds)
    return moved.strftime("%H:%M:%S.%f")[:12]


def _position(frame: pd.DataFrame, column: str) -> int:
    """Where ``column`` is among the frame's (distinct) columns."""
    where = frame.columns.get_loc(column)
    assert isinstance(where, int), f"one column named {column}"
    return where
