"""Overrides (``--set``): set, add and multiply settings of a scenario by their YAML path."""

import pytest

import ccsim
from ccsim.errors import ScenarioError
from ccsim.scenario.overrides import OverrideError, apply_overrides, parse_override

SPEC = {
    "name": "base",
    "horizon": {"open": "08:00", "close": "10:00", "interval": "30min"},
    "contact_types": {
        "voice": {
            "arrivals": {"rate_per_hour": [100, 120, 140, 90]},
            "handle_time": {"distribution": "lognormal", "mean": "4min", "cv": 0.8},
            "wrap_up": {"distribution": "deterministic", "value": "1min"},
            "patience": {"distribution": "exponential", "mean": "3min"},
        }
    },
    "pools": {"agents": {"serves": ["voice"], "staffing": [10, 12, 14, 9]}},
}


@pytest.fixture(scope="module")
def base():
    return ccsim.load_scenario(SPEC)


def changed(base, *texts):
    return apply_overrides(base, [parse_override(t) for t in texts])


def test_set_add_and_multiply(base):
    s = changed(base, "pools.agents.staffing=+2")
    assert s.pools["agents"].staffing == [12, 14, 16, 11]  # every interval
    s = changed(base, "pools.agents.staffing=*1.5")
    assert s.pools["agents"].staffing == [15, 18, 21, 14]  # whole numbers stay whole (rounded)
    s = changed(base, "pools.agents.staffing=20")
    assert s.pools["agents"].staffing == 20
    s = changed(base, "contact_types.voice.arrivals.rate_per_hour=*1.1")
    assert s.contact_types["voice"].arrivals.rate_per_hour == pytest.approx([110, 132, 154, 99])
    s = changed(base, "contact_types.voice.patience.mean=2min")  # a YAML value, with units
    assert s.contact_types["voice"].patience.mean == 120
    s = changed(base, "pools.agents.staffing=+-1")
    assert s.pools["agents"].staffing == [9, 11, 13, 8]


def test_aht_shorthand_scales_talk_and_wrap_up_keeping_their_shape(base):
    assert base.contact_types["voice"].aht == 300
    s = changed(base, "contact_types.voice.aht=*1.1")
    voice = s.contact_types["voice"]
    assert voice.aht == pytest.approx(330)
    assert voice.handle_time.mean == pytest.approx(264) and voice.handle_time.cv == 0.8
    assert voice.wrap_up.mean == pytest.approx(66)
    assert changed(base, "contact_types.voice.aht=+30").contact_types["voice"].aht == (
        pytest.approx(330)
    )
    assert changed(base, "contact_types.voice.aht=6min").contact_types["voice"].aht == (
        pytest.approx(360)
    )


def test_overrides_do_not_touch_the_base(base):
    changed(base, "pools.agents.staffing=+2")
    assert base.pools["agents"].staffing == [10, 12, 14, 9]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pools.agents.staffing", "PATH=VALUE"),
        ("pools.agents.staffing=+two", "after + or * give a number"),
        ("pools.sales.staffing=+2", "pools has no 'sales'; it has: agents"),
        ("contact_types.voice.handle_time.distribution=*2", "need a number"),
        ("contact_types.chat.aht=*2", "no contact type 'chat'"),
        ("contact_types.voice.aht=*-1", "must stay positive"),
        ("pools.agents.staffing.7=3", "address an item by its position 0..3"),
    ],
)
def test_bad_overrides_are_explained(base, text, message):
    with pytest.raises(OverrideError, match="--set") as caught:
        changed(base, text)
    assert message in str(caught.value)


def test_an_invalid_result_names_the_path(base):
    with pytest.raises(ScenarioError, match="pools.agents.staffing"):
        changed(base, "pools.agents.staffing=+-20")


def test_setting_an_unknown_key_is_a_validation_error_naming_it(base):
    with pytest.raises(ScenarioError, match="routing.foo"):
        changed(base, "routing.foo=1")
