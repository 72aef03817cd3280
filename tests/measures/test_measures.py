"""Measures computed from hand-made records, checked against hand-computed values."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ccsim
from ccsim.experiment.replications import estimate
from ccsim.measures.replication import measure
from ccsim.records import ContactRecords, OnDutyTrace
from ccsim.timeline import overlap_seconds

NAN = np.nan
T0 = 8 * 3600  # 08:00


def hand_made(formula="answered_and_abandoned"):
    """Six contacts over 08:00-09:00, two agents, threshold 20 s (values worked by hand)."""
    scenario = ccsim.load_scenario(
        {
            "horizon": {"interval": "30min", "open": "08:00", "close": "09:00"},
            "contact_types": {
                "voice": {
                    "arrivals": {"rate_per_hour": 1},
                    "handle_time": {"distribution": "exponential", "mean": 100},
                    "service_level": {"threshold": 20, "formula": formula, "short_abandon": 5},
                }
            },
            "pools": {"agents": {"serves": ["voice"], "staffing": 2, "cost_per_hour": 30}},
        }
    )
    arrival = T0 + np.array([10, 20, 30, 40, 1900, 2000], float)
    answered = T0 + np.array([10, 50, NAN, NAN, NAN, 2005])
    handle = np.array([100, 200, NAN, NAN, NAN, 50])
    ended = T0 + np.array([110, 250, 33, 100, 1900, 2055])
    records = ContactRecords(
        replication=0,
        contact_types=("voice",),
        pools=("agents",),
        arrival=arrival,
        answered=answered,
        ended=ended,
        handle=handle,
        outcome=np.array([0, 0, 1, 1, 2, 0], np.int8),
        contact_type=np.zeros(6, np.int16),
        pool=np.array([0, 0, -1, -1, -1, 0], np.int16),
        agent=np.array([0, 1, -1, -1, -1, 0], np.int32),
        on_duty={"agents": OnDutyTrace(np.array([T0, T0 + 3600.0]), np.array([2, 0]))},
    )
    return records, scenario


def test_counts_and_ratios_by_hand():
    records, scenario = hand_made()
    o = measure(records, scenario).overall
    assert (o["offered"], o["answered"], o["abandoned"], o["blocked"]) == (6, 3, 2, 1)
    assert o["service_level"] == pytest.approx(
        2 / 5
    )  # c0, c5 within 20 s; 3 answered + 2 abandoned
    assert o["asa"] == pytest.approx((0 + 30 + 5) / 3)
    assert o["mean_wait"] == pytest.approx((0 + 30 + 5 + 3 + 60) / 5)
    assert o["abandon_rate"] == pytest.approx(2 / 6)
    assert o["blocking_rate"] == pytest.approx(1 / 6)
    assert o["mean_time_to_abandon"] == pytest.approx(31.5)
    assert o["aht"] == pytest.approx(350 / 3)
    assert o["max_queue"] == 2  # c1 and c3 at 08:00:40
    assert o["mean_queue"] == pytest.approx((30 + 3 + 60 + 5) / 3600)
    assert o["occupancy"] == pytest.approx(350 / 7200)
    assert o["utilisation"] == pytest.approx(6 * (350 / 3) / 7200)  # offered × AHT / on duty
    assert o["answered_within_threshold"] == 2
    assert o["agent_hours"] == pytest.approx(2.0)
    assert o["overtime_hours"] == pytest.approx(0.0)
    assert o["cost"] == pytest.approx(60.0)
    assert o["cost_per_contact"] == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("answered_and_abandoned", 2 / 5),
        ("exclude_short_abandons", 2 / 4),  # the 3-second abandon is left out
        ("abandons_after_threshold", 2 / 4),  # only the 60-second abandon counts
        ("answered_only", 2 / 3),
    ],
)
def test_service_level_formulas(formula, expected):
    records, scenario = hand_made(formula)
    by_type = measure(records, scenario).by_type["voice"]
    assert by_type["occupancy"] == pytest.approx(350 / 7200)  # of the pools serving voice
    assert measure(records, scenario).by_type["voice"]["service_level"] == pytest.approx(expected)


def test_per_interval_split():
    records, scenario = hand_made()
    frame = measure(records, scenario).intervals
    types = frame[frame["kind"] == "type"].set_index("interval")
    pools = frame[frame["kind"] == "pool"].set_index("interval")
    assert list(types["offered"]) == [4, 2]
    assert list(types["blocked"]) == [0, 1]
    assert types.loc[0, "service_level"] == pytest.approx(1 / 4)
    assert types.loc[1, "service_level"] == pytest.approx(1.0)
    assert list(types["start"]) == ["08:00", "08:30"]
    assert pools.loc[0, "occupancy"] == pytest.approx(300 / 3600)
    assert pools.loc[1, "occupancy"] == pytest.approx(50 / 3600)
    assert list(pools["agents"]) == [2, 2]


def test_overtime_is_time_on_duty_beyond_the_schedule():
    records, scenario = hand_made()
    trace = OnDutyTrace(np.array([T0, T0 + 3600.0, T0 + 3700.0]), np.array([2, 1, 0]))
    late = ContactRecords(**{**records.__dict__, "on_duty": {"agents": trace}})
    o = measure(late, scenario).overall
    assert o["overtime_hours"] == pytest.approx(100 / 3600)
    assert o["agent_hours"] == pytest.approx(2 + 100 / 3600)


@settings(max_examples=60, deadline=None)
@given(
    spans=st.lists(st.tuples(st.floats(0, 1000), st.floats(0, 300)), min_size=0, max_size=40),
    cuts=st.lists(st.floats(0, 1400), min_size=2, max_size=8, unique=True),
)
def test_overlap_matches_brute_force(spans, cuts):
    start = np.array([s for s, _ in spans], float)
    end = start + np.array([d for _, d in spans], float)
    boundaries = np.sort(np.array(cuts))
    fast = overlap_seconds(start, end, boundaries)
    slow = [
        np.sum(np.clip(np.minimum(end, b) - np.maximum(start, a), 0, None))
        for a, b in zip(boundaries[:-1], boundaries[1:], strict=True)
    ]
    assert np.allclose(fast, slow, atol=1e-6)


def test_on_duty_trace_integrates_a_step_function():
    trace = OnDutyTrace(np.array([10.0, 20.0, 40.0]), np.array([3, 1, 0]))
    assert np.allclose(trace.agent_seconds(np.array([0.0, 15.0, 30.0, 100.0])), [15, 15 + 10, 10])


def test_student_t_interval():
    values = np.array([0.8, 0.82, 0.78, 0.81, 0.79])
    e = estimate(values, 0.95)
    # t(0.975, 4) = 2.776; sd = 0.01581
    assert e.mean == pytest.approx(0.8)
    assert e.half_width == pytest.approx(2.776445 * 0.0158114 / np.sqrt(5), rel=1e-4)
    assert e.replications == 5
    clipped = estimate(np.array([0.0, 0.0, 0.1]), 0.95, (0.0, 1.0))
    assert clipped.low == 0.0 and clipped.high < 1.0
    single = estimate(np.array([3.0, np.nan]), 0.95)
    assert single.replications == 1 and np.isnan(single.half_width)


@settings(max_examples=60, deadline=None)
@given(
    spans=st.lists(st.tuples(st.floats(0, 1000), st.floats(0, 300)), min_size=0, max_size=40),
    times=st.lists(st.floats(0, 1400), min_size=1, max_size=8),
)
def test_oldest_waiting_matches_brute_force(spans, times):
    from ccsim.timeline import QueueLength

    joined = np.array([s for s, _ in spans], float)
    left = joined + np.array([d for _, d in spans], float)
    queue = QueueLength(joined, left, np.array([0.0, 2000.0]))
    times = np.sort(np.array(times))
    fast = queue.oldest_at_each(times)
    for t, age in zip(times, fast, strict=True):
        waiting = (joined < t) & (left >= t)
        assert age == pytest.approx(t - joined[waiting].min() if waiting.any() else 0.0)
