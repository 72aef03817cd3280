"""Overrides (``--set``): set, add and multiply settings of a scenario by their YAML path."""

import pytest

import ccsim
from ccsim.errors import ScenarioError
from ccsim.scenario.overrides import (
    DELETE,
    OverrideError,
    apply_overrides,
    derive,
    parse_override,
    with_experiment,
)

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


def test_derive_sets_values_by_path_and_leaves_the_base_alone(base):
    busier = derive(
        base,
        {
            "pools.agents.staffing": [12, 14, 16, 11],
            ("contact_types", "voice", "patience", "mean"): 120.0,
        },
        name="busier",
    )
    assert busier.name == "busier"
    assert busier.pools["agents"].staffing == [12, 14, 16, 11]
    assert busier.contact_types["voice"].patience.mean == 120
    assert base.pools["agents"].staffing == [10, 12, 14, 9] and base.name == "base"
    assert derive(base, {}).name == "base"


def test_derive_addresses_list_items_by_position(base):
    s = derive(base, {("pools", "agents", "staffing", 2): 20})
    assert s.pools["agents"].staffing == [10, 12, 20, 9]
    s = derive(base, {"contact_types.voice.arrivals.rate_per_hour.0": 50})
    assert s.contact_types["voice"].arrivals.rate_per_hour[0] == 50


def test_derive_with_a_function_edits_the_resolved_data(base):
    def double_wrap_up(data: dict) -> None:
        assert data["contact_types"]["voice"]["wrap_up"]["value"] == 60  # seconds, resolved
        data["contact_types"]["voice"]["wrap_up"]["value"] *= 2

    s = derive(base, double_wrap_up)
    assert s.contact_types["voice"].wrap_up.mean == 120
    assert base.contact_types["voice"].wrap_up.mean == 60

    def renamed(data: dict) -> dict:  # a function may return new data instead
        return {**data, "name": "copy"}

    assert derive(base, renamed).name == "copy"


def test_derive_deletes_a_key_and_validates_the_result(base):
    shifted = derive(
        base,
        {
            "pools.agents.staffing": DELETE,
            "pools.agents.shifts": [{"start": "08:00", "length": "2h", "headcount": 11}],
        },
    )
    assert shifted.pools["agents"].shifts[0].headcount == 11
    back = derive(shifted, {"pools.agents.shifts": DELETE, "pools.agents.staffing": 9})
    assert back.pools["agents"].shifts is None and back.pools["agents"].staffing == 9
    with pytest.raises(ScenarioError, match="pools.agents.staffing"):
        derive(base, {"pools.agents.staffing": -1}, source="a test")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"pools.sales.staffing": 3}, "no pools.sales"),
        ({"pools.agents.staffing.7": 3}, "position 0..3"),
        ({"horizon.days.x": 3}, "single value"),
    ],
)
def test_derive_explains_a_path_that_leads_nowhere(base, changes, message):
    with pytest.raises(OverrideError, match="derive") as caught:
        derive(base, changes)
    assert message in str(caught.value)


def test_with_experiment_keeps_what_is_not_given(base):
    s = with_experiment(base, seed=7, replications=None)
    assert s.experiment.seed == 7
    assert s.experiment.replications == base.experiment.replications
