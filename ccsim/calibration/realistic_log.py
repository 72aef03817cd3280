"""A realistic synthetic ACD log with known truth: what real exports look like, made by ccsim.

:func:`make_realistic_log` simulates four weeks of a bank-like centre with ccsim's own model
(one day at a time, :func:`ccsim.model.centre.simulate` with the day's contacts given as
first attempts) and writes the export the way such systems do, with every trap a real log has:

* **agents on duty but not always available**: each seat of the main pool is shared by two
  people taking turns (stints of about 25 minutes, handed over when the seat is free), so
  "distinct agents who answered in the interval" overstates the agents taking calls; the
  truth is the simulated staffing (:attr:`Truth.available`);
* **after-call work not logged**: the agent's time is talk + wrap-up (gamma, mean 30 s) but
  ``ser_exit`` is the end of the talk;
* **three priority classes** in a ``priority`` column: ``gold`` before ``standard`` in the
  main pool, ``platinum`` on a path of its own (two dedicated agents, one at weekends);
* **handle time by time band** (talk mean 200 s before noon, 180 s to 17:00, 160 s after),
  with a spike of very short calls (7 %, 2-10 s) as a component of its own;
* **days of different shapes**: Monday to Friday 07:00-24:00 (quiet in the late evening),
  Saturday a short day 09:00-14:00, Sunday an evening day 18:00-01:00 (calls after
  midnight: the log's ``date`` is the calendar date, the business day is the day before).
  Weekdays run to midnight as in the real bank log it imitates: every evening hour
  then holds the calls of six days, as in a real month, and only 00:00-01:00 is one
  day's (a log whose weekdays closed at 20:00 left five evening hours of the week to the
  Sunday alone, 17-40 calls each, whose abandonment moves by 5-8 points from week to week);
* **VRU placeholders**: ``0:00:00`` written for phases that did not happen (no queue for a
  call answered at once: arrival from ``vru_exit``; no service for an abandoned call);
* **clock offset**: the agents' clock runs 1.5 s behind the VRU's (short waits look negative);
* **phantoms**: 0.5 % extra rows that queued and vanished (outcome ``PHANTOM``);
* tab-separated ``.txt``, times to the second, distinct calls that look identical but for
  their id.

The :class:`Truth` keeps what a fit should recover.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from ccsim.records import ABANDONED, ANSWERED

START = "2026-10-05"
"""The first day (a Monday)."""
DAYS = 28
CLASSES = ("standard", "gold", "platinum")
SHARES = {"standard": 0.72, "gold": 0.2, "platinum": 0.08}
PATIENCE = {"standard": 240.0, "gold": 300.0, "platinum": 600.0}
BANDS = ((0, 12 * 3600, 200.0), (12 * 3600, 17 * 3600, 180.0), (17 * 3600, 30 * 3600, 160.0))
"""Talk time by time band (start, end in seconds after midnight, mean talk seconds)."""
TALK_CV = 0.8
SHORT_SHARE, SHORT_RANGE = 0.07, (2.0, 10.0)
WRAP_MEAN, WRAP_CV = 30.0, 0.5
CLOCK_OFFSET = -1.5
"""Agents' clock minus the VRU's, seconds."""
PHANTOM_SHARE = 0.005
VRU_SHARE = 0.85
"""Share of calls that go through the VRU menu (the others reach the queue directly)."""
HOURS = {  # weekday -> (open, close), seconds after the business day's midnight
    0: (7 * 3600, 24 * 3600),
    1: (7 * 3600, 24 * 3600),
    2: (7 * 3600, 24 * 3600),
    3: (7 * 3600, 24 * 3600),
    4: (7 * 3600, 24 * 3600),
    5: (9 * 3600, 14 * 3600),
    6: (18 * 3600, 25 * 3600),
}
INTERVAL = 1800.0
STINT = 1500.0
"""Mean length of one person's turn on a shared seat, seconds."""
MAPPING = {
    "columns": {
        "arrival": ["q_start", "vru_exit"],
        "answered": "ser_start",
        "ended": ["ser_exit", "q_exit"],
        "outcome": "outcome",
        "contact_type": "priority",
        "agent": "server",
        "id": "call_id",
    },
    "date_column": "date",
    "placeholders": ["0:00:00"],
    "outcomes": {"answered": ["AGENT"], "abandoned": ["HANG"], "phantom": ["PHANTOM"]},
}
"""The mapping file of the realistic export."""


@dataclass
class Truth:
    """What the realistic log was made from (the fit's targets).

    Attributes:
        available: per business date, pool → agents taking calls per 30-minute interval from
            the day's opening.
        hours: per business date, [open, close] seconds after its midnight.
        on_duty: per business date, pool → people logged on per interval (the overstatement).
        talk_means: time band → mean talk time of the long component (seconds).
        short_share: share of very short calls; wrap_mean: after-call work (seconds).
        patience: class → mean patience (exponential, seconds).
        priorities: main pool's class → priority; dedicated: class → its own pool.
        clock_offset: agents' clock minus the VRU's (seconds).
        phantoms: phantom rows added.
    """

    available: dict = field(default_factory=dict)
    hours: dict = field(default_factory=dict)
    on_duty: dict = field(default_factory=dict)
    talk_means: dict = field(default_factory=dict)
    short_share: float = SHORT_SHARE
    wrap_mean: float = WRAP_MEAN
    patience: dict = field(default_factory=lambda: dict(PATIENCE))
    priorities: dict = field(default_factory=lambda: {"gold": 1, "standard": 2})
    dedicated: dict = field(default_factory=lambda: {"platinum": "platinum_desk"})
    clock_offset: float = CLOCK_OFFSET
    phantoms: int = 0


def hourly_rate(weekday: int, clock: np.ndarray) -> np.ndarray:
    """Calls per hour at ``clock`` (seconds after the business day's midnight)."""
    hours = clock / 3600.0
    if weekday < 5:
        busy = 1.0 + 0.08 * (4 - weekday)  # Monday busiest
        # A quiet first hour, then the day's level, falling through the evening to a third.
        base = 70 - 30 * np.clip((9 - hours) / 2, 0, 1) - 50 * np.clip((hours - 18) / 6, 0, 1)
        shape = base + 60 * np.exp(-(((hours - 10.5) / 1.6) ** 2))
        shape += 45 * np.exp(-(((hours - 15.0) / 1.8) ** 2))
        return busy * shape
    if weekday == 5:
        return np.full_like(hours, 75.0)
    return 60.0 - 6.0 * (hours - 18.0)


def main_staffing(rate: np.ndarray) -> np.ndarray:
    """Agents taking calls for a main-pool load of ``rate`` calls per hour."""
    load = rate * (1 - SHARES["platinum"]) * (200.0 * 0.93 + 6 * 0.07 + WRAP_MEAN) / 3600.0
    return np.maximum(np.floor(load + 0.35 * np.sqrt(load)), 1).astype(int)


def talk_times(clock: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Talk times by time band, with the short-call spike."""
    mean = np.select([(clock >= a) & (clock < b) for a, b, _ in BANDS], [m for *_, m in BANDS])
    sigma2 = np.log1p(TALK_CV**2)
    talk = rng.lognormal(np.log(mean) - sigma2 / 2, np.sqrt(sigma2))
    short = rng.random(len(clock)) < SHORT_SHARE
    talk[short] = rng.uniform(*SHORT_RANGE, int(short.sum()))
    return talk


def _day_scenario(open_: float, close: float, main: list[int], desk: int):
    from ccsim.scenario import parse_scenario

    def ctype(name: str) -> dict:
        return {
            "arrivals": {"rate_per_hour": 0.0},
            "handle_time": {"distribution": "exponential", "mean": 180},
            "patience": {"distribution": "exponential", "mean": PATIENCE[name]},
        }

    return parse_scenario(
        {
            "name": "realistic-day",
            "horizon": {"days": 1, "interval": INTERVAL, "open": open_, "close": close},
            "contact_types": {name: ctype(name) for name in CLASSES},
            "pools": {
                "agents": {"serves": {"gold": 1, "standard": 2}, "staffing": main},
                "platinum_desk": {"serves": {"platinum": 1}, "staffing": desk},
            },
        },
        source="realistic log day",
    )


def simulate_day(weekday: int, rng: np.random.Generator, seed: int):
    """One business day: its contacts (clock seconds after the business day's midnight,
    talk times) and the staffing that served them."""
    from ccsim.model.centre import simulate
    from ccsim.model.contacts import ContactBook

    open_, close = HOURS[weekday]
    shift = max(0.0, close - 24 * 3600.0)  # the model's day ends at 24:00: run it earlier
    starts = np.arange(open_, close, INTERVAL)
    main = main_staffing(hourly_rate(weekday, starts + INTERVAL / 2))
    desk = 2 if weekday < 5 else 1
    # Poisson arrivals by thinning a rate bounded by the day's peak.
    grid = np.arange(open_, close, 60.0)
    peak = float(hourly_rate(weekday, grid).max()) / 3600.0
    n = rng.poisson(peak * (close - open_))
    times = np.sort(rng.uniform(open_, close, n))
    times = times[rng.random(n) < hourly_rate(weekday, times) / 3600.0 / peak]
    classes = rng.choice(len(CLASSES), len(times), p=[SHARES[c] for c in CLASSES])
    talk = talk_times(times, rng)
    shape = 1 / WRAP_CV**2
    wrap = rng.gamma(shape, WRAP_MEAN / shape, len(times))
    patience = rng.exponential([PATIENCE[CLASSES[c]] for c in classes])
    book = ContactBook(
        times - shift, classes.astype(np.int16), talk + wrap, times - shift + patience, False
    )
    day = _day_scenario(open_ - shift, close - shift, [int(a) for a in main], desk)
    records = simulate(day, seed=seed, first_attempts=book)
    n = len(times)
    frame = pd.DataFrame(
        {
            "arrival": records.arrival[:n] + shift,
            "answered": records.answered[:n] + shift,
            "ended": records.ended[:n] + shift,
            "talk": talk,
            "wrap": wrap,
            "outcome": records.outcome[:n],
            "cls": np.asarray(CLASSES)[classes],
            "pool": records.pool[:n],
            "slot": records.agent[:n],
        }
    )
    return frame, (open_, close), main, desk


def _people(frame: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    """Who sat in each seat: main-pool seats shared by two people taking turns, the turn
    handed over at the first call answered after the stint ended (the seat is free then)."""
    person = pd.Series("", index=frame.index, dtype=object)
    answered = frame[frame["outcome"] == ANSWERED].sort_values("answered")
    for key, calls in answered.groupby(["pool", "slot"]):
        pool, slot = cast(tuple[int, int], key)  # grouped by two integer columns
        if pool == 1:
            person[calls.index] = f"vip{slot % 10 + 1}"
            continue
        turn, until = 0, float(calls["answered"].iloc[0]) + rng.exponential(STINT)
        names = []
        for t in calls["answered"]:
            if t >= until:
                turn, until = 1 - turn, t + rng.exponential(STINT)
            names.append(f"ag{slot + 1:02d}{'ab'[turn]}")
        # pandas sets labelled cells from a plain list; its stubs take only arrays here.
        person[calls.index] = names  # type: ignore[call-overload]
    return person


def make_realistic_log(seed: int = 13, days: int = DAYS, start: str = START):
    """The export (a DataFrame with the raw text columns) and its :class:`Truth`."""
    rng = np.random.default_rng(seed)
    truth = Truth(talk_means={f"{a // 3600:02d}-{b // 3600:02d}": m for a, b, m in BANDS})
    rows = []
    for d in range(days):
        date = pd.Timestamp(start) + pd.Timedelta(days=d)
        frame, hours, main, desk = simulate_day(date.weekday(), rng, seed + d)
        frame["person"] = _people(frame, rng)
        frame["business_date"] = date
        key = f"{date:%Y-%m-%d}"
        truth.hours[key] = list(hours)
        truth.available[key] = {
            "agents": [int(a) for a in main],
            "platinum_desk": [desk] * len(main),
        }
        truth.on_duty[key] = _on_duty(frame, hours)
        rows.append(frame)
    calls = pd.concat(rows, ignore_index=True)
    export = _export(calls, rng)
    truth.phantoms = int((export["outcome"] == "PHANTOM").sum())
    return export, truth


def _on_duty(frame: pd.DataFrame, hours: tuple[float, float]) -> list[int]:
    slots = np.floor((frame["answered"] - hours[0]) / INTERVAL)
    mine = frame[(frame["pool"] == 0) & slots.notna()]
    counts = mine.groupby(slots[mine.index])["person"].nunique()
    size = round((hours[1] - hours[0]) / INTERVAL)
    return [int(counts.get(float(k), 0)) for k in range(size)]


def _export(calls: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The ACD's text columns (see the module docstring)."""
    midnight = calls["business_date"]
    answered = calls["outcome"] == ANSWERED
    abandoned = calls["outcome"] == ABANDONED
    calls = calls[answered | abandoned].copy()
    answered, abandoned = answered[calls.index], abandoned[calls.index]
    via_vru = rng.random(len(calls)) < VRU_SHARE
    vru_time = rng.uniform(20, 90, len(calls))
    wait = np.where(answered, calls["answered"] - calls["arrival"], 0.0)
    queued = ~answered | (wait > 0.5)  # answered at once: the switch writes no queue phase
    arrival = calls["arrival"].to_numpy()

    def clock(seconds: np.ndarray, keep: np.ndarray | pd.Series) -> np.ndarray:
        stamps = midnight[calls.index] + pd.to_timedelta(np.round(seconds), unit="s")
        text = np.where(keep, stamps.dt.strftime("%H:%M:%S").str.lstrip("0"), "0:00:00")
        return np.where(np.char.startswith(text.astype(str), ":"), "0" + text.astype(str), text)

    offset = CLOCK_OFFSET
    stamps = midnight[calls.index] + pd.to_timedelta(np.round(arrival - vru_time * via_vru), "s")
    export = pd.DataFrame(
        {
            "call_id": np.arange(len(calls)) + 10_000_001,
            "date": stamps.dt.strftime("%Y-%m-%d").to_numpy(),
            "vru_entry": clock(arrival - vru_time, via_vru),
            "vru_exit": clock(arrival, via_vru | ~queued),
            "q_start": clock(arrival, queued),
            "q_exit": clock(np.where(answered, calls["answered"], calls["ended"]), queued),
            "outcome": np.where(answered, "AGENT", "HANG"),
            "ser_start": clock(calls["answered"].fillna(0).to_numpy() + offset, answered),
            "ser_exit": clock(
                (calls["answered"] + calls["talk"]).fillna(0).to_numpy() + offset, answered
            ),
            "priority": calls["cls"].to_numpy(),
            "server": np.where(answered, calls["person"], "NO_SERVER"),
        }
    )
    phantoms = export[~answered.to_numpy()].sample(
        frac=PHANTOM_SHARE / 0.1, random_state=int(rng.integers(1 << 31))
    )
    phantoms = phantoms.assign(outcome="PHANTOM", call_id=phantoms["call_id"] + 50_000_000)
    return pd.concat([export, phantoms]).sort_values(["date", "call_id"]).reset_index(drop=True)


def write_realistic(out_dir: Path, seed: int = 13, days: int = DAYS) -> Path:
    """Write ``realistic-log.txt`` (tab-separated), its mapping and ``…-truth.json``."""
    import yaml

    export, truth = make_realistic_log(seed, days)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "realistic-log.txt"
    export.to_csv(path, sep="\t", index=False)
    (out_dir / "realistic-log-mapping.yaml").write_text(
        "# How to read data/realistic-log.txt (synthetic, made by ccsim with known truth:\n"
        "# see ccsim/calibration/realistic_log.py). Use with --mapping.\n"
        + yaml.safe_dump(MAPPING, sort_keys=False),
        encoding="utf-8",
    )
    (out_dir / "realistic-log-truth.json").write_text(
        json.dumps(asdict(truth), indent=1) + "\n", encoding="utf-8"
    )
    return path
