"""The measure catalogue: every measure computed is catalogued, and every entry is computed."""

import math

import pytest
from paths import SCENARIOS

import ccsim
from ccsim.measures import measure
from ccsim.measures.catalogue import (
    CATALOGUE,
    FRACTIONS,
    HEADLINE,
    INTERVAL_CI,
    Kind,
    bounds,
    lookup,
)

_TABLE_KEYS = {"kind", "name", "interval", "day", "start"}


def _where_computed() -> dict[str, set[str]]:
    """Measure name → the groups it appeared in, over one replication of every bundled
    scenario (together they use every feature)."""
    seen: dict[str, set[str]] = {}
    for path in sorted(SCENARIOS.glob("*.yaml")):
        scenario = ccsim.load_scenario(path)
        m = measure(ccsim.simulate(scenario, replication=0), scenario)
        groups = {
            "overall": [m.overall],
            "type": m.by_type.values(),
            "pool": m.by_pool.values(),
            "channel": m.by_channel.values(),
            "campaign": m.by_campaign.values(),
            "interval": [dict.fromkeys(set(m.intervals.columns) - _TABLE_KEYS)],
        }
        for group, tables in groups.items():
            for table in tables:
                for name in table:
                    seen.setdefault(lookup(name).name, set()).add(group)
    return seen


@pytest.fixture(scope="module")
def computed() -> dict[str, set[str]]:
    return _where_computed()


def test_every_computed_measure_is_catalogued_where_it_appears(computed):
    for name, groups in computed.items():
        assert groups == set(CATALOGUE[name].groups) - {"erlang"}, name


def test_every_catalogued_measure_is_computed(computed):
    # Measures a scenario option turns on are checked with it (tests/measures/test_definitions*).
    simulated = {n for n, m in CATALOGUE.items() if m.groups != {"erlang"} and not m.opt_in}
    assert simulated == set(computed)


@pytest.mark.unit
def test_bounds_by_kind():
    assert bounds("service_level") == (0.0, 1.0)
    assert bounds("asa") == (0.0, math.inf)
    assert bounds("utilisation") == (0.0, math.inf)  # offered work can exceed the staff's time
    assert bounds("prediction_bias") == (-math.inf, math.inf)  # actual − announced wait


@pytest.mark.unit
def test_the_fractions_are_the_shares():
    assert {
        "service_level",
        "abandon_rate",
        "blocking_rate",
        "occupancy",
        "occupancy_open_hours",
        "connect_rate",
        "list_completion",
        "containment_rate",
        "customers_served",
        "first_contact_resolution",
        "callback_success",
        "balk_rate",
        "p_wait",
        "blocking",
        "bad_contact_share",
        "bad_issue_share",
        "bad_customer_share",
    } == FRACTIONS


@pytest.mark.unit
def test_headline_and_interval_measures():
    assert set(HEADLINE) == {
        "offered",
        "service_level",
        "asa",
        "mean_wait",
        "abandon_rate",
        "occupancy",
        "agent_hours",
        "cost",
    }
    assert INTERVAL_CI == ("offered", "service_level", "asa", "abandon_rate", "occupancy")


@pytest.mark.unit
def test_lookup_finds_numbered_families_and_refuses_unknown_names():
    assert lookup("aht_concurrency_3").kind is Kind.SECONDS
    with pytest.raises(KeyError, match="catalogue"):
        lookup("aht_concurrency_")
    with pytest.raises(KeyError, match="catalogue"):
        lookup("abandonment")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("name", "value", "text", "difference"),
    [
        ("service_level", 0.8612, "86.1 %", "+86.1 pts"),
        ("asa", 12.34, "12.3 s", "+12.3 s"),
        ("offered", 1234.0, "1,234", "+1,234"),
        ("agent_hours", 7.5, "7.50 h", "+7.50 h"),
        ("cost", -12.5, "-12.5", "−12.5"),
        ("asa", math.nan, "–", "–"),
    ],
)
def test_formats(name, value, text, difference):
    assert lookup(name).format(value) == text
    assert lookup(name).format_difference(value) == difference
    assert lookup(name).unit in ("%", "s", "h", "")
