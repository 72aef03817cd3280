"""Shifts with breaks, absenteeism and shrinkage: the roster's staffing curve, breaks that
never cut a contact, absences at the right rate, validation, and consistency with staffing."""

import copy

import numpy as np
import pytest
from theory_support import assert_covers

import ccsim
from ccsim.errors import ScenarioError
from ccsim.measures.replication import measure
from ccsim.model.staffing import staffing_plan
from ccsim.model.streams import RandomStreams
from ccsim.records import ANSWERED
from ccsim.scenario import roster_curve
from ccsim.scenario.roster import pool_roster, staffing_per_interval

H = 3600.0

ROSTER = [
    {
        "name": "early",
        "start": "08:00",
        "length": "8h",
        "headcount": 4,
        "breaks": [
            {"window": ["10:00", "11:00"], "length": "15min"},  # 10:00, 10:15, 10:30, 10:45
            {"name": "lunch", "at": "4h", "length": "30min"},  # all four 12:00-12:30
        ],
    },
    {
        "name": "day",
        "start": "09:00",
        "length": "8h",
        "headcount": 3,
        "breaks": [
            {"window": ["11:00", "11:45"], "length": "15min"},  # 11:00, 11:15, 11:30
            {"name": "lunch", "window": ["13:00", "14:30"], "length": "30min"},  # 13, 13:30, 14
        ],
    },
    {
        "name": "late",
        "start": "10:00",
        "length": "8h",
        "headcount": 2,
        "breaks": [{"name": "lunch", "window": ["14:00", "15:00"], "length": "30min"}],
    },
]

CENTRE = {
    "horizon": {"days": 1, "interval": "30min", "open": "08:00", "close": "18:00"},
    "contact_types": {
        "voice": {
            "arrivals": {"rate_per_hour": 120},
            "handle_time": {"distribution": "exponential", "mean": "3min"},
            "patience": {"distribution": "exponential", "mean": "3min"},
        }
    },
    "pools": {"agents": {"serves": ["voice"], "shifts": ROSTER}},
    "experiment": {"seed": 5},
}


def scenario(pool_changes=None, **horizon):
    data = copy.deepcopy(CENTRE)
    data["pools"]["agents"].update(pool_changes or {})
    data["horizon"].update(horizon)
    return ccsim.load_scenario(data)


def value_at(times, counts, t):
    index = np.searchsorted(times, t, side="right") - 1
    return 0 if index < 0 else int(counts[index])


def test_roster_step_function_matches_a_hand_count():
    s = scenario()
    roster = pool_roster(s.pools["agents"], s.horizon)
    # Counted by hand from the roster above (clock hours -> agents on the phones).
    hand = [
        (8, 4), (9, 7), (10, 8), (11.75, 9), (12, 5), (12.5, 9), (13, 8),
        (14, 7), (14.5, 8), (15, 9), (16, 5), (17, 2), (18, 0),
    ]  # fmt: skip
    changes = [
        (t / H, int(c))
        for t, c, previous in zip(
            roster.times, roster.on_phones, np.r_[-1, roster.on_phones[:-1]], strict=True
        )
        if c != previous
    ]
    assert changes == hand
    assert value_at(roster.times, roster.at_work, 12.2 * H) == 9  # lunch: at work, off phones
    curve = roster_curve(s.pools["agents"], s.horizon)
    per_interval = [4, 4, 7, 7, 8, 8, 8, 8.5, 5, 9, 8, 8, 7, 8, 9, 9, 5, 5, 2, 2]
    np.testing.assert_array_equal(curve, per_interval)
    np.testing.assert_array_equal(staffing_per_interval(s.pools["agents"], s.horizon), curve)
    # The model staffs exactly these changes.
    plan = staffing_plan(s, RandomStreams(1, 0))
    assert [(t / H, a) for t, _, a, _ in plan.changes] == hand


def test_shrinkage_rounds_the_agents_on_the_phones():
    s = scenario({"shrinkage": 0.25})
    roster = pool_roster(s.pools["agents"], s.horizon)
    # round(n * 0.75), halves up: 4 -> 3, 7 -> 5.25 -> 5, 9 -> 6.75 -> 7, 2 -> 1.5 -> 2
    assert value_at(roster.times, roster.on_phones, 8.5 * H) == 3
    assert value_at(roster.times, roster.on_phones, 9.5 * H) == 5
    assert value_at(roster.times, roster.on_phones, 15.5 * H) == 7
    assert value_at(roster.times, roster.on_phones, 17.5 * H) == 2
    assert value_at(roster.times, roster.at_work, 15.5 * H) == 9


def busy_at(records, t):
    answered = records.outcome == ANSWERED
    return int(np.sum(answered & (records.answered <= t) & (records.ended > t)))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_breaks_never_cut_a_contact_and_on_duty_follows_the_roster(seed):
    s = scenario({"absenteeism": 0.2}, days=2)  # busy enough that breaks meet calls
    records = ccsim.simulate(s, seed=seed)
    answered = records.outcome == ANSWERED
    assert answered.sum() > 500
    # Every answered contact runs its whole handle time.
    np.testing.assert_allclose(
        records.ended[answered] - records.answered[answered], records.handle[answered]
    )
    # One contact at a time per agent: an agent's contacts never overlap.
    order = np.lexsort((records.answered[answered], records.agent[answered]))
    agent = records.agent[answered][order]
    start, end = records.answered[answered][order], records.ended[answered][order]
    same = agent[1:] == agent[:-1]
    assert np.all(start[1:][same] >= end[:-1][same] - 1e-9)
    # Between any two events: on duty >= scheduled, and any agent beyond the schedule is busy
    # (finishing a contact after their break started or their shift ended).
    trace, plan = records.on_duty["agents"], records.scheduled["agents"]
    events = np.unique(np.r_[trace.times, plan.times, records.answered[answered], end])
    middles = (events[1:] + events[:-1]) / 2
    over = 0
    for t in middles:
        on_duty = value_at(trace.times, trace.counts, t)
        scheduled = value_at(plan.times, plan.counts, t)
        busy = busy_at(records, t)
        assert busy <= on_duty
        assert on_duty >= scheduled
        if on_duty > scheduled:
            assert busy == on_duty, f"an idle agent stayed beyond the schedule at {t}"
            over += 1
    assert over > 0  # some agent did finish a contact into a break
    # Paid hours: at work (breaks included) plus overtime.
    m = measure(records, s).by_pool["agents"]
    at_work = records.at_work["agents"]
    paid = np.sum(np.diff(at_work.times) * at_work.counts[:-1]) / H
    assert m["agent_hours"] == pytest.approx(paid + m["overtime_hours"])


def test_absenteeism_draws_the_expected_share_of_agents_each_day():
    s = scenario({"absenteeism": 0.1}, days=5)
    headcount = sum(shift["headcount"] for shift in ROSTER)
    absent = np.array(
        [staffing_plan(s, RandomStreams(7, r)).rosters["agents"].absent for r in range(400)]
    )
    assert absent.shape == (400, 5)
    assert_covers(absent.mean(axis=1), headcount * 0.1, "absent agents per day", absolute=0.2)
    # Days and replications differ.
    assert len(np.unique(absent[:, 0])) > 2 and np.any(absent[0] != absent[0, 0])


def test_absent_agents_are_not_on_the_phones():
    s = scenario({"absenteeism": 0.3})
    plan = staffing_plan(s, RandomStreams(3, 0))
    roster = plan.rosters["agents"]
    assert roster.absent[0] > 0
    assert roster.at_work.max() == 9 - roster.absent[0]  # everyone on shift at 10:00-16:00


def test_staffing_pools_have_absences_and_shrinkage_too():
    data = copy.deepcopy(CENTRE)
    data["pools"]["agents"] = {"serves": ["voice"], "staffing": 10, "shrinkage": 0.2}
    s = ccsim.load_scenario(data)
    np.testing.assert_array_equal(roster_curve(s.pools["agents"], s.horizon), np.full(20, 8.0))
    m = measure(ccsim.simulate(s), s).by_pool["agents"]
    assert m["agent_hours"] == pytest.approx(100 + m["overtime_hours"])  # 10 agents x 10 h


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ({"staffing": 5}, "pools.agents", "not both"),
        ({"shifts": None}, "pools.agents", "one is required"),
        (
            {"shifts": [{"start": "08:00", "length": "4h", "headcount": 2,
                         "breaks": [{"at": "230min", "length": "15min"}]}]},
            "pools.agents.shifts[0]",
            "not within the shift",
        ),
        (
            {"shifts": [{"start": "08:00", "length": "4h", "headcount": 2,
                         "breaks": [{"window": ["09:00", "09:10"], "length": "15min"}]}]},
            "pools.agents.shifts[0].breaks[0]",
            "shorter than the break",
        ),
        (
            {"shifts": [{"start": "08:00", "length": "4h", "headcount": 2, "days": [0, 3]}]},
            "pools.agents.shifts[0].days",
            "beyond the horizon",
        ),
        (
            {"shifts": [{"start": "07:00", "length": "4h", "headcount": 2}]},
            "pools.agents.shifts[0]",
            "within the opening hours",
        ),
        (
            {"shifts": [{"start": "08:00", "length": "4h", "headcount": 2,
                         "breaks": [{"window": ["09:00", "10:00"], "length": "15min"},
                                    {"at": "90min", "length": "30min"}]}]},
            "pools.agents.shifts[0]",
            "overlaps",
        ),
        ({"absenteeism": 1.5}, "pools.agents.absenteeism", "less than 1"),
        ({"shrinkage": -0.1}, "pools.agents.shrinkage", "greater than or equal to 0"),
    ],
)  # fmt: skip
def test_validation_names_the_path(change, path, words):
    data = copy.deepcopy(CENTRE)
    data["pools"]["agents"].update(change)
    data["pools"]["agents"] = {k: v for k, v in data["pools"]["agents"].items() if v is not None}
    with pytest.raises(ScenarioError) as error:
        ccsim.load_scenario(data)
    lines = [
        line
        for line in str(error.value).splitlines()
        if line.strip().removeprefix("- ").startswith(path)
    ]
    assert lines and words in " ".join(lines), str(error.value)


def test_cli_validate_reports_a_shift_error(tmp_path):
    from click.testing import CliRunner

    from ccsim.cli.commands import main

    data = copy.deepcopy(CENTRE)
    data["pools"]["agents"]["staffing"] = 4
    path = tmp_path / "both.yaml"
    import yaml

    path.write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "pools.agents" in result.output and "not both" in result.output


def test_a_constant_roster_gives_the_same_records_as_staffing():
    shifts = [
        {"start": "08:00", "length": "10h", "headcount": 6},
        {"start": "09:00", "length": "4h", "headcount": 3},
        {"start": "13:00", "length": "5h", "headcount": 2, "days": [0, 1]},
    ]
    staffing = [6, 6] + [9] * 8 + [8] * 10
    with_shifts = scenario({"shifts": shifts}, days=2)
    data = copy.deepcopy(CENTRE)
    data["horizon"]["days"] = 2
    data["pools"]["agents"] = {"serves": ["voice"], "staffing": staffing}
    with_staffing = ccsim.load_scenario(data)
    for replication in range(3):
        a = ccsim.simulate(with_shifts, replication=replication)
        b = ccsim.simulate(with_staffing, replication=replication)
        assert a.to_frame().equals(b.to_frame())
        np.testing.assert_array_equal(a.on_duty["agents"].times, b.on_duty["agents"].times)
        np.testing.assert_array_equal(a.on_duty["agents"].counts, b.on_duty["agents"].counts)
        grid = np.arange(0, 3 * 86400, 60.0)
        for x, y in [(a.scheduled, b.scheduled), (a.at_work, b.at_work)]:
            assert np.all(x["agents"].agent_seconds(grid) == y["agents"].agent_seconds(grid))
        ma, mb = measure(a, with_shifts), measure(b, with_staffing)
        assert ma.by_pool == mb.by_pool
        assert ma.intervals.equals(mb.intervals)


def test_interval_table_shows_the_roster_beside_the_phones():
    s = scenario({"shrinkage": 0.25})
    m = measure(ccsim.simulate(s), s)
    pools = m.intervals[m.intervals["kind"] == "pool"]
    assert list(pools["rostered"])[:4] == [4, 4, 7, 7]
    assert list(pools["agents"])[:4] == [3, 3, 5, 5]
    assert pools["rostered"].iloc[8] == 9  # 12:00-12:30: everyone at work, four at lunch
