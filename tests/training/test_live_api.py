"""The live-change API on its own (ccsim.model.live): a change made while the day runs is the
same, record for record, as a scenario that plans it; the day cut into steps changes nothing."""

from __future__ import annotations

import numpy as np
import pytest

from ccsim.model import simulate
from ccsim.model.live import LiveCentre, LiveChangeError, VolumeSpike
from ccsim.records import Outcome
from ccsim.scenario import load_scenario
from ccsim.scenario.overrides import derive

pytestmark = pytest.mark.model

COLUMNS = ("arrival", "answered", "ended", "handle", "outcome", "contact_type", "pool", "agent")
HALF_HOUR = 1800.0


def same_records(a, b, traces=("on_duty",), renumbered: bool = False) -> None:
    """Equal records; ``renumbered``: agents may carry other numbers, one for one (a pool grown
    live gets new numbers after every pool's own)."""
    assert len(a.arrival) == len(b.arrival)
    for name in COLUMNS:
        if name == "agent" and renumbered:
            pairs = set(zip(a.agent.tolist(), b.agent.tolist(), strict=True))
            assert len(pairs) == len({x for x, _ in pairs}) == len({y for _, y in pairs})
            continue
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    for trace in traces:
        for pool in getattr(a, trace):
            x, y = getattr(a, trace)[pool], getattr(b, trace)[pool]
            if trace == "on_duty":  # the model's own trace: point for point
                np.testing.assert_array_equal(x.times, y.times, err_msg=f"{trace} {pool}")
                np.testing.assert_array_equal(x.counts, y.counts, err_msg=f"{trace} {pool}")
            else:  # the plan's traces: the same step function (points may repeat a value)
                at = np.union1d(x.times, y.times)
                assert np.array_equal(step(x, at), step(y, at)), f"{trace} {pool}"


def step(trace, at: np.ndarray) -> np.ndarray:
    index = np.searchsorted(trace.times, at, side="right") - 1
    return np.where(index < 0, 0, trace.counts[np.clip(index, 0, None)])


def with_staffing(scenario, pool: str, change) -> object:
    """``scenario`` with ``pool``'s staffing per interval edited by ``change(list)``."""
    spec = scenario.pools[pool]
    per_interval = list(np.broadcast_to(spec.staffing, scenario.horizon.intervals_per_day))
    staffing = [int(v) for v in change([int(v) for v in per_interval])]
    return derive(scenario, {f"pools.{pool}.staffing": staffing})


def live_run(scenario, at: float, change, step: float = 317.0):
    centre = LiveCentre(scenario)
    centre.advance(at)
    assert centre.now == at
    change(centre)
    for t in np.arange(at + step, centre.end, step):
        centre.advance(float(t))
    return centre.run()


@pytest.mark.parametrize(
    "name",
    ["default-day", "multi-skill", "redials-callbacks", "messaging", "chatbot-front-door"],
)
def test_steps_without_changes_give_the_records_of_simulate(name):
    scenario = load_scenario(name)
    centre = LiveCentre(scenario)
    for t in np.arange(0.0, centre.end, 611.3):
        centre.advance(float(t))
    same_records(simulate(scenario), centre.run(), ("on_duty", "scheduled", "at_work"))


def test_more_agents_at_t_equals_a_scenario_whose_staffing_rises_at_t():
    base = load_scenario("default-day")
    t, k = 10.5 * 3600, 4  # 10:30, interval 5 of the day (08:00 + 5 × 30 min)
    planned = with_staffing(base, "agents", lambda s: s[:5] + [v + k for v in s[5:]])
    live = live_run(base, t, lambda c: c.add_agents("agents", k))
    same_records(simulate(planned), live, ("on_duty", "scheduled", "at_work"))


def test_set_agents_and_fewer_agents_equal_the_planned_scenario():
    base = load_scenario("default-day")
    t = 10.5 * 3600
    planned = with_staffing(base, "agents", lambda s: s[:5] + [v - 3 for v in s[5:]])
    live = live_run(base, t, lambda c: c.set_agents("agents", c.planned("agents") - 3))
    same_records(simulate(planned), live, ("on_duty", "scheduled", "at_work"))


def test_a_break_equals_a_dip_in_the_plan():
    base = load_scenario("default-day")
    t = 10.5 * 3600  # 10:30-11:00; the plan has 33 agents then and after
    planned = with_staffing(base, "agents", lambda s: s[:5] + [s[5] - 5] + s[6:])
    live = live_run(base, t, lambda c: c.send_to_break("agents", 5, HALF_HOUR))
    same_records(simulate(planned), live, ("on_duty", "scheduled"))


def test_a_pool_offline_equals_no_agents_in_the_plan():
    base = load_scenario("multi-skill")
    t = 10 * 3600  # 10:00-10:30 is interval 4 of the 08:00 day
    planned = with_staffing(base, "billing_team", lambda s: s[:4] + [0] + s[5:])
    live = live_run(base, t, lambda c: c.pool_offline("billing_team", HALF_HOUR))
    same_records(simulate(planned), live, ("on_duty", "scheduled"))


def test_moving_agents_equals_both_pools_replanned():
    base = load_scenario("multi-skill")
    t = 9 * 3600
    planned = with_staffing(base, "sales_team", lambda s: s[:2] + [v - 3 for v in s[2:]])
    planned = with_staffing(planned, "billing_team", lambda s: s[:2] + [v + 3 for v in s[2:]])
    live = live_run(base, t, lambda c: c.move_agents("sales_team", "billing_team", 3))
    same_records(simulate(planned), live, ("on_duty", "scheduled", "at_work"), renumbered=True)


def test_handle_time_factor_equals_slower_skills():
    base = load_scenario("two-pools")
    slower = derive(
        base,
        lambda data: (
            [
                skill.update(handle_time_factor=1.3)
                for pool in data["pools"].values()
                for skill in pool["serves"].values()
            ]
            and None
        ),
    )
    centre = LiveCentre(base)
    centre.handle_time_factor(1.3)
    same_records(simulate(slower), centre.run())


def test_handle_time_factor_from_t_leaves_earlier_answers_alone():
    base = load_scenario("default-day")
    t = 12 * 3600
    plain = simulate(base)
    live = live_run(base, t, lambda c: c.handle_time_factor(1.5))
    before = plain.answered < t
    assert np.array_equal(plain.handle[before], live.handle[before])
    later = live.answered >= t
    assert np.nanmean(live.handle[later]) > 1.3 * np.nanmean(plain.handle[plain.answered >= t])


def test_a_spike_adds_callers_in_its_window_and_keeps_everyone_else():
    base = load_scenario("default-day")
    plain = simulate(base)
    none = LiveCentre(base, spikes=[VolumeSpike("voice", 10.5 * 3600, 11 * 3600, 1.0)]).run()
    same_records(plain, none)
    start, end = 10.5 * 3600, 11.5 * 3600
    spiked = LiveCentre(base, spikes=[VolumeSpike("voice", start, end, 2.0)]).run()
    inside = (spiked.arrival >= start) & (spiked.arrival < end)
    plain_inside = (plain.arrival >= start) & (plain.arrival < end)
    assert inside.sum() > 1.6 * plain_inside.sum()
    assert np.array_equal(spiked.arrival[~inside], plain.arrival[~plain_inside])
    assert np.isin(plain.arrival, spiked.arrival).all()  # every forecast caller still comes


def test_callback_offer_and_bot_switch_off():
    scenario = load_scenario("redials-callbacks")
    t = 11 * 3600
    live = live_run(scenario, t, lambda c: c.set_callback_offer("voice", False))
    took = live.outcome == Outcome.CALLBACK_REQUESTED
    assert took[live.arrival < t].any() and not took[live.arrival >= t].any()
    bot = load_scenario("chatbot-front-door")
    name = next(n for n, c in bot.contact_types.items() if c.self_service is not None)
    centre = LiveCentre(bot)
    centre.set_bot(name, False)
    records = centre.run()
    assert not np.isin(records.outcome, [Outcome.CONTAINED]).any()


def test_overflow_off_keeps_backup_pools_to_their_own_types():
    scenario = load_scenario("multi-skill")
    centre = LiveCentre(scenario)
    assert centre.has_overflow()
    centre.set_overflow(False)
    records = centre.run()
    sales = scenario_index(scenario, "sales")
    assert not np.isin(records.pool[records.contact_type == sales], [1, 2]).any()
    reopened = live_run(scenario, 9 * 3600, lambda c: (c.set_overflow(False), c.set_overflow(True)))
    same_records(simulate(scenario), reopened)


def scenario_index(scenario, name: str) -> int:
    return list(scenario.contact_types).index(name)


def test_growing_past_the_plans_peak_and_bad_changes():
    base = load_scenario("erlang-c")
    centre = LiveCentre(base)
    centre.advance(3600)
    centre.add_agents("agents", 30)
    centre.advance(7200)
    assert centre.pools[0].on_duty == 42
    with pytest.raises(LiveChangeError, match="no pool 'sales'"):
        centre.add_agents("sales", 1)
    with pytest.raises(LiveChangeError, match="before now"):
        centre.at(10.0, lambda: None)
    with pytest.raises(LiveChangeError, match="no callback offer"):
        centre.set_callback_offer("voice", True)
    records = centre.run()
    assert records.scheduled["agents"].counts.max() == 42
    assert records.at_work["agents"].counts.max() == 42


def test_talk_and_after_call_work_split_each_contact_by_its_own_wrap_up():
    """The live view's talking / after-call-work split: a first attempt's talk ends when its
    drawn talk time is up; the records are those of an ordinary run."""
    scenario = load_scenario("default-day")
    live = LiveCentre(scenario)
    live.advance(11 * 3600)
    book = live.book
    n = book.first_attempts
    answered = np.frombuffer(book.answered, float)[:n]
    contacts = np.flatnonzero(~np.isnan(answered))
    ends = live.talk_ends(contacts)
    # The shares come from the same draws as the handle times (streams handle/, wrap_up/).
    from ccsim.model.streams import RandomStreams

    streams = RandomStreams(scenario.experiment.seed, 0)
    voice = scenario.contact_types["voice"]
    talk = voice.handle_time.draw(streams.generator("handle/voice"), n)
    wrap = voice.wrap_up.draw(streams.generator("wrap_up/voice"), n)
    assert len(scenario.contact_types) == 1 and voice.handle_time_by_band is None
    np.testing.assert_allclose(book.wrap_up_share, wrap / (talk + wrap))
    np.testing.assert_allclose(ends - answered[contacts], talk[contacts], rtol=1e-9)
    from ccsim.training.view import floor_now

    for pool in floor_now(live)["pools"]:
        assert pool["talking"] + pool["after_call_work"] == pool["busy"]
        assert pool["after_call_work"] > 0 and pool["talking"] > pool["after_call_work"]
    same_records(live.run(), simulate(scenario))
