"""Rostering (``ccsim staff --shifts``): least-cost headcounts per shift pattern."""

import itertools
import json

import numpy as np
import pandas as pd
import pytest

import ccsim
from ccsim.studies.staffing.rostering import RosteringError, choose_roster, with_roster


def centre(shifts, cost=20.0):
    return ccsim.load_scenario(
        {
            "horizon": {"days": 1, "interval": "60min", "open": "08:00", "close": "16:00"},
            "contact_types": {
                "voice": {
                    "arrivals": {"rate_per_hour": 60},
                    "handle_time": {"distribution": "exponential", "mean": "3min"},
                }
            },
            "pools": {"agents": {"serves": ["voice"], "shifts": shifts, "cost_per_hour": cost}},
        }
    )


PATTERNS = [
    {"name": "early", "start": "08:00", "length": "4h", "headcount": 1},
    {"name": "late", "start": "12:00", "length": "4h", "headcount": 1},
    {"name": "long", "start": "09:00", "length": "6h", "headcount": 1},
]


def test_cover_of_a_shift_is_a_hand_count():
    s = centre(
        [
            {
                "start": "08:30",
                "length": "3h",
                "headcount": 1,
                "breaks": [{"at": "1h", "length": "30min"}],
            }
        ]
    )
    roster = choose_roster("agents", s.pools["agents"], s.horizon, np.zeros(8))
    assert roster.headcounts == (0,)
    from ccsim.studies.staffing.rostering import _cover

    # 08:30-11:30 with a break 09:30-10:00: half of 08:00, 09:00 minus half, 10:00, half 11:00.
    np.testing.assert_allclose(
        _cover(s.pools["agents"], 0, s.horizon), [0.5, 0.5, 1, 0.5, 0, 0, 0, 0]
    )


def test_the_integer_program_finds_the_least_cost_roster():
    s = centre(PATTERNS)
    required = np.array([3, 5, 6, 4, 7, 7, 5, 2])
    roster = choose_roster("agents", s.pools["agents"], s.horizon, required)
    assert np.all(roster.cover >= required - 1e-9)
    hours = np.array([4, 4, 6])
    cover = np.zeros((3, 8))
    cover[0, 0:4] = cover[1, 4:8] = cover[2, 1:7] = 1
    best = min(
        hours @ np.array(x)
        for x in itertools.product(range(9), repeat=3)
        if np.all(np.array(x) @ cover >= required)
    )
    assert roster.paid_hours == pytest.approx(best)
    assert roster.cost == pytest.approx(20 * best)
    staffed = with_roster(s, [roster])
    assert [sh.headcount for sh in staffed.pools["agents"].shifts] == list(roster.headcounts)


def test_an_uncovered_interval_is_explained():
    s = centre([PATTERNS[0]])  # 08:00-12:00 only
    with pytest.raises(RosteringError, match="covers interval 4"):
        choose_roster("agents", s.pools["agents"], s.horizon, np.ones(8))


def test_strict_cover_counts_the_fewest_on_the_phones_in_an_interval():
    """A break the whole shift takes at once empties the interval for a moment: on average
    a head still covers two thirds of it, at every moment none."""
    s = centre(
        [
            {
                "start": "08:00",
                "length": "4h",
                "headcount": 1,
                "breaks": [{"at": "1h", "length": "20min"}],
            }
        ]
    )
    from ccsim.studies.staffing.rostering import _cover

    pool = s.pools["agents"]
    np.testing.assert_allclose(_cover(pool, 0, s.horizon)[:4], [1, 2 / 3, 1, 1])
    np.testing.assert_allclose(_cover(pool, 0, s.horizon, lowest=True)[:4], [1, 0, 1, 1])
    # Covering 09:00 at every moment needs another pattern there; none: refused plainly.
    with pytest.raises(RosteringError, match="covers interval 1"):
        choose_roster(
            "agents",
            pool,
            s.horizon,
            np.ones(8) * [1, 1, 1, 1, 0, 0, 0, 0],
            strict=np.array([False, True] + [False] * 6),
        )


def test_ccsim_staff_shifts_writes_and_simulates_the_roster(cli, tmp_path):
    import yaml

    spec = centre(PATTERNS).resolved()
    spec["contact_types"]["voice"]["service_level"] = {"threshold": 20, "target": 0.8}
    spec["pools"]["agents"]["shrinkage"] = 0.2
    path = tmp_path / "rostered.yaml"
    path.write_text(yaml.safe_dump(spec))
    out = tmp_path / "staff"
    result = cli("staff", path, "--shifts", "--jobs", 1, "--out", out, "-q")
    assert result.exit_code == 0, result.output
    roster = (out / "roster.csv").read_text()
    assert "headcount" in roster and "early" in roster
    rostered = ccsim.load_scenario(out / "scenario.yaml")
    assert rostered.pools["agents"].shifts is not None  # the run is the roster's
    assert rostered.pools["agents"].shrinkage == 0.2
    summary = json.loads((out / "staffing.json").read_text())
    cover = pd.read_csv(out / "staffing.csv")["roster_cover"].to_numpy()
    # The roster covers the agents to schedule (grossed up for shrinkage) in every interval.
    assert np.all(cover >= np.array(summary["scheduled"]["agents"]) - 1e-9)
    assert summary["totals"]["roster_paid_hours"] == sum(
        r["paid_hours"] for r in summary["roster"].values()
    )
    bad = cli(
        "staff",
        "scenarios/default-day.yaml",
        "--shifts",
        "--jobs",
        1,
        "--results-dir",
        tmp_path / "r",
    )
    assert bad.exit_code == 2 and "--shifts" in bad.output and "Traceback" not in bad.output
