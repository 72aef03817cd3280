"""Patience by the period of arrival (``patience_by_band``, issue 19 item 13), checked by
hand and against the distributions' means."""

from __future__ import annotations

import numpy as np
import pytest
from theory_support import assert_covers

import ccsim
from ccsim.errors import ScenarioError
from ccsim.records import ABANDONED

BANDS = [
    {"from": "00:00", "patience": {"distribution": "deterministic", "value": "60s"}},
    {"from": "09:00", "patience": {"distribution": "deterministic", "value": "150s"}},
]


def _spec(bands: list, staffing: int = 1) -> dict:
    return {
        "horizon": {"interval": "60min", "open": "08:00", "close": "10:00"},
        "contact_types": {
            "voice": {
                "arrivals": {"rate_per_hour": 200},
                "handle_time": {"distribution": "deterministic", "value": "3h"},
                "patience": {"distribution": "deterministic", "value": "30s"},
                "patience_by_band": bands,
            }
        },
        "pools": {"agents": {"serves": ["voice"], "staffing": staffing}},
    }


@pytest.mark.model
def test_deterministic_bands_by_hand() -> None:
    """One agent busy for 3 hours with the first caller: everyone else waits exactly the
    patience of their arrival's band — 60 s before 09:00, 150 s from then — and abandons."""
    scenario = ccsim.load_scenario(_spec(BANDS))
    records = ccsim.simulate(scenario)
    rest = slice(1, None)  # the first caller is answered
    assert np.all(records.outcome[rest] == ABANDONED)
    morning = records.arrival[rest] < 9 * 3600
    wait = records.wait[rest]
    assert morning.sum() > 100 and (~morning).sum() > 100
    np.testing.assert_allclose(wait[morning], 60.0)
    np.testing.assert_allclose(wait[~morning], 150.0)


@pytest.mark.model
def test_exponential_bands_cover_their_means() -> None:
    """Exponential patience of mean 2 min before 09:00 and 40 s after: the mean time to
    abandon of each band's callers covers the band's mean (Student-t over replications)."""
    bands = [
        {"from": "00:00", "patience": {"distribution": "exponential", "mean": "2min"}},
        {"from": "09:00", "patience": {"distribution": "exponential", "mean": "40s"}},
    ]
    scenario = ccsim.load_scenario(_spec(bands))
    early, late = [], []
    for replication in range(30):
        r = ccsim.simulate(scenario, replication=replication)
        gone = r.outcome == ABANDONED
        early.append(r.wait[gone & (r.arrival < 9 * 3600)].mean())
        late.append(r.wait[gone & (r.arrival >= 9 * 3600)].mean())
    assert_covers(np.array(early), 120.0, "patience before 09:00", absolute=8.0)
    assert_covers(np.array(late), 40.0, "patience from 09:00", absolute=3.0)


@pytest.mark.unit
def test_patience_bands_are_checked() -> None:
    spec = _spec(BANDS[1:])
    with pytest.raises(ScenarioError) as caught:
        ccsim.load_scenario(spec)
    assert "patience_by_band" in str(caught.value) and "00:00" in str(caught.value)
    spec = _spec(BANDS)
    del spec["contact_types"]["voice"]["patience"]
    with pytest.raises(ScenarioError) as caught:
        ccsim.load_scenario(spec)
    assert "patience_by_band needs patience" in str(caught.value)
