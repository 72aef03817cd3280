"""Measure definitions others publish, as scenario options (issue 19 item 13).

Each option is checked against theory (Erlang B/C within a Student-t interval) or against a
hand computation from the per-contact records, and shown to leave the usual measures alone.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml
from paths import SCENARIOS
from theory_support import assert_covers

import ccsim
from ccsim.errors import ScenarioError
from ccsim.measures import measure
from ccsim.records import ABANDONED, ANSWERED, BLOCKED, UNSERVED


def _bundled(name: str, **changes) -> dict:
    """A bundled scenario's YAML as data, with top-level keys replaced."""
    spec = yaml.safe_load((SCENARIOS / f"{name}.yaml").read_text())
    spec.update(changes)
    return spec


def _erlang_b(servers: int, load: float) -> float:
    """Erlang B by its recursion B(k) = a B(k-1) / (k + a B(k-1)), written out here."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def _erlang_c(servers: int, load: float) -> float:
    """Erlang C, P(wait > 0) in M/M/c: c B / (c - a (1 - B))."""
    b = _erlang_b(servers, load)
    return servers * b / (servers - load * (1 - b))


@pytest.mark.model
def test_p_wait_matches_erlang_c() -> None:
    """M/M/12 at 10 Erlangs: the simulated P(wait > 0) covers C(12, 10) = 0.4494."""
    spec = _bundled("erlang-c", measures={"p_wait": True})
    spec["horizon"]["days"] = 6
    scenario = ccsim.load_scenario(spec)
    theory = _erlang_c(12, 10.0)
    assert math.isclose(theory, 0.4494, abs_tol=5e-4)  # the textbook figure
    values = []
    for replication in range(30):
        records = ccsim.simulate(scenario, replication=replication)
        m = measure(records, scenario)
        p_wait = m.by_type["voice"]["p_wait"]
        # By hand from the records: after the warm-up, share of callers not answered at once.
        counted = records.arrival >= 3600
        reached = counted & np.isin(records.outcome, [ANSWERED, ABANDONED, UNSERVED])
        at_once = reached & (records.outcome == ANSWERED) & (records.wait <= 0)
        assert p_wait == pytest.approx(1 - at_once.sum() / reached.sum(), abs=1e-12)
        assert m.overall["p_wait"] == pytest.approx(p_wait)
        rows = m.intervals[m.intervals["kind"] == "type"]
        assert rows["p_wait"].between(0, 1).all()
        values.append(p_wait)
    assert_covers(np.array(values), theory, "P(wait > 0)", absolute=0.025)


@pytest.mark.model
def test_p_wait_only_when_asked() -> None:
    scenario = ccsim.load_scenario("erlang-c")
    m = measure(ccsim.simulate(scenario, replication=0), scenario)
    assert "p_wait" not in m.by_type["voice"]
    assert "p_wait" not in m.intervals.columns


@pytest.mark.model
def test_service_level_counting_blocked_calls() -> None:
    """blocking.yaml (M/M/10/10): with count_blocked the service level is answered within
    20 s / (answered + abandoned + unserved + blocked), by hand from the records, and covers
    1 - Erlang B(10, 8) = 0.878 (nobody waits, so everyone answered is answered in time)."""
    plain = ccsim.load_scenario("blocking")
    spec = _bundled("blocking")
    spec["contact_types"]["voice"]["service_level"]["count_blocked"] = True
    counting = ccsim.load_scenario(spec)
    values = []
    for replication in range(12):
        records = ccsim.simulate(counting, replication=replication)
        m = measure(records, counting)
        counted = records.arrival >= 3600
        outcome, wait = records.outcome[counted], records.wait[counted]
        within = ((outcome == ANSWERED) & (wait <= 20)).sum()
        denominator = np.isin(outcome, [ANSWERED, ABANDONED, UNSERVED, BLOCKED]).sum()
        assert (outcome == BLOCKED).sum() > 0
        sl = m.by_type["voice"]["service_level"]
        assert sl == pytest.approx(within / denominator, abs=1e-12)
        rows = m.intervals[m.intervals["kind"] == "type"]
        assert rows["sl_denominator"].sum() == denominator
        # The same records under the default formula: blocked calls left out, every call
        # answered at once.
        assert measure(records, plain).by_type["voice"]["service_level"] == 1.0
        values.append(sl)
    assert_covers(np.array(values), 1 - _erlang_b(10, 8.0), "SL with blocked", absolute=0.03)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("where", "value", "path"),
    [
        ("measures", {"p_wait": "often"}, "measures.p_wait"),
        ("measures", {"pwait": True}, "measures.pwait"),
        ("service_level", {"count_blocked": 2}, "contact_types.voice.service_level.count_blocked"),
    ],
)
def test_options_are_checked(where: str, value: dict, path: str) -> None:
    spec = _bundled("blocking")
    if where == "measures":
        spec["measures"] = value
    else:
        spec["contact_types"]["voice"]["service_level"].update(value)
    with pytest.raises(ScenarioError) as caught:
        ccsim.load_scenario(spec)
    assert path in str(caught.value)


@pytest.mark.model
def test_occupancy_over_opening_hours_leaves_out_work_after_closing() -> None:
    """Two agents, 08:00-10:00, 2.7 Erlangs offered and nobody abandons: the queue at 10:00
    is worked off after closing. Open-hours occupancy = busy time clipped to 08:00-10:00 /
    the 2 × 7,200 agent-seconds on duty then, by hand from the records; the usual occupancy
    (overtime included) is unchanged by the option."""
    spec = {
        "horizon": {"interval": "30min", "open": "08:00", "close": "10:00"},
        "contact_types": {
            "voice": {
                "arrivals": {"rate_per_hour": 40},
                "handle_time": {"distribution": "exponential", "mean": "4min"},
            }
        },
        "pools": {"agents": {"serves": ["voice"], "staffing": 2}},
    }
    plain = ccsim.load_scenario(spec)
    asked = ccsim.load_scenario({**spec, "measures": {"occupancy_open_hours": True}})
    opens, closes = 8 * 3600.0, 10 * 3600.0
    for replication in range(5):
        records = ccsim.simulate(asked, replication=replication)
        m = measure(records, asked)
        served = ~np.isnan(records.answered)
        start, end = records.answered[served], records.ended[served]
        assert end.max() > closes  # there is work after closing to leave out
        in_hours = (np.clip(end, opens, closes) - np.clip(start, opens, closes)).sum()
        expected = in_hours / (2 * 7200.0)
        pool = m.by_pool["agents"]
        assert pool["occupancy_open_hours"] == pytest.approx(expected, rel=1e-12)
        assert m.overall["occupancy_open_hours"] == pytest.approx(expected, rel=1e-12)
        assert m.by_type["voice"]["occupancy_open_hours"] == pytest.approx(expected, rel=1e-12)
        on_duty = records.on_duty["agents"].agent_seconds(np.array([opens, end.max() + 1]))[0]
        assert pool["occupancy"] == pytest.approx((end - start).sum() / on_duty, rel=1e-12)
        assert measure(records, plain).by_pool["agents"]["occupancy"] == pool["occupancy"]
        rows = m.intervals[m.intervals["kind"] == "pool"]
        # Only the day's last interval held work after closing; the others are the same.
        assert np.allclose(rows["occupancy_open_hours"][:-1], rows["occupancy"][:-1])


@pytest.mark.model
def test_across_days_mean_of_daily_ratios_by_hand() -> None:
    """Three days of 3, 6 and 12 Erlangs offered to 8 agents (day factors 0.5, 1, 2): the
    days' service levels differ widely and the busy day has most callers, so the two ways of
    combining the days differ. Both are computed here by hand from the per-interval counts
    (``answered_within_threshold`` / ``sl_denominator`` per interval, summed per day) and,
    for ASA and abandon rate, from the records; the default stays the ratio of sums."""
    spec = {
        "horizon": {"days": 3, "interval": "60min", "open": "08:00", "close": "11:00"},
        "contact_types": {
            "voice": {
                "arrivals": {"rate_per_hour": 120, "day_factors": [0.5, 1.0, 2.0]},
                "handle_time": {"distribution": "exponential", "mean": "3min"},
                "patience": {"distribution": "exponential", "mean": "3min"},
            }
        },
        "pools": {"agents": {"serves": ["voice"], "staffing": 8}},
    }
    plain = ccsim.load_scenario(spec)
    assert plain.measures is None or plain.measures.across_days == "ratio_of_sums"
    daily = ccsim.load_scenario({**spec, "measures": {"across_days": "mean_of_daily_ratios"}})
    for replication in range(3):
        records = ccsim.simulate(daily, replication=replication)
        m_daily, m_pooled = measure(records, daily), measure(records, plain)
        rows = m_pooled.intervals[m_pooled.intervals["kind"] == "type"]
        per_day = rows.groupby("day")[["answered_within_threshold", "sl_denominator"]].sum()
        levels = per_day["answered_within_threshold"] / per_day["sl_denominator"]
        assert len(levels) == 3 and levels.max() - levels.min() > 0.2
        pooled = per_day["answered_within_threshold"].sum() / per_day["sl_denominator"].sum()
        mean_of_days = levels.mean()
        assert abs(mean_of_days - pooled) > 0.02  # the case tells the two apart
        for m, expected in ((m_pooled, pooled), (m_daily, mean_of_days)):
            for table in (m.by_type["voice"], m.overall, m.by_channel["voice"]):
                assert table["service_level"] == pytest.approx(expected, abs=1e-12)
        # ASA and abandon rate from the records, day by day (days run from midnight).
        day = (records.arrival // 86400).astype(int)
        answered, abandoned = records.outcome == ANSWERED, records.outcome == ABANDONED
        asa = [records.wait[answered & (day == d)].mean() for d in range(3)]
        abandon = [abandoned[day == d].mean() for d in range(3)]
        assert m_daily.by_type["voice"]["asa"] == pytest.approx(np.mean(asa), rel=1e-9)
        assert m_daily.by_type["voice"]["abandon_rate"] == pytest.approx(np.mean(abandon))
        assert m_pooled.by_type["voice"]["asa"] == pytest.approx(
            records.wait[answered].mean(), rel=1e-9
        )
        # Counts and the intervals table are the same under both definitions.
        assert m_daily.by_type["voice"]["answered"] == m_pooled.by_type["voice"]["answered"]
        assert m_daily.intervals.equals(m_pooled.intervals)


@pytest.mark.unit
def test_across_days_is_checked() -> None:
    spec = _bundled("blocking", measures={"across_days": "median"})
    with pytest.raises(ScenarioError) as caught:
        ccsim.load_scenario(spec)
    message = str(caught.value)
    assert "measures.across_days" in message
    assert "mean_of_daily_ratios" in message
