"""Proactive support in the scenario: experience.proactive thins the arrivals it prevents,
is validated with its path, and is measured in run and compare."""

from __future__ import annotations

import pytest

import ccsim
from ccsim.errors import ScenarioError
from ccsim.experiment.replications import run_experiment
from ccsim.scenario.overrides import derive
from ccsim.studies.compare import compare_scenarios

pytestmark = pytest.mark.slow

NOTICE = {
    "list_size": 300,
    "window": {"start": "08:00", "end": "16:00"},
    "pools": ["phones"],
    "reach_probability": 0.7,
    "talk_time": {"distribution": "exponential", "mean": "1min"},
}


def proactive(share: float = 0.3):
    reactive = ccsim.load_scenario("customer-experience")
    return reactive, derive(
        reactive,
        {
            ("campaigns", "notice"): NOTICE,
            ("experience", "proactive"): {"prevents": {"voice": share}, "campaign": "notice"},
        },
        source="<proactive>",
    )


def test_the_block_thins_the_prevented_type_and_measures_what_it_saved():
    reactive, notice = proactive()
    before = run_experiment(reactive, replications=3, keep_records=True)
    after = run_experiment(notice, replications=3, keep_records=True)
    for a, b in zip(before.records, after.records, strict=True):
        voice = [(r.contact_type == 0) & (r.kind == 0) for r in (a, b)]
        came = voice[1].sum() / voice[0].sum()
        assert came == pytest.approx(0.7, abs=0.05)  # 30 % prevented
        # Thinned, not redrawn: every voice first attempt that came arrived in the reactive run.
        assert set(b.arrival[voice[1]]) <= set(a.arrival[voice[0]])
    m = after.replications[0]
    expected = m.by_type["voice"]["offered"] * 0.3 / 0.7
    assert m.by_type["voice"]["issues_prevented"] == pytest.approx(expected, rel=0.2)
    assert m.by_type["chat"]["issues_prevented"] == 0
    assert m.overall["customers_kept"] > 0 and m.overall["bad_experiences_avoided"] > 0
    assert "issues_prevented" not in before.replications[0].overall


def test_compare_pairs_reactive_and_proactive():
    reactive, notice = proactive()
    comparison = compare_scenarios([reactive, notice], ["reactive", "proactive"], replications=4)
    rows = comparison.differences().set_index(["group", "name", "measure"])
    assert rows.loc[("overall", "all", "customers_lost"), "high"] < 0
    assert rows.loc[("type", "voice", "offered"), "difference"] < 0


@pytest.mark.unit
def test_the_block_is_validated_with_its_path():
    reactive = ccsim.load_scenario("customer-experience")
    for block, message in (
        ({"prevents": {"fax": 0.2}}, "experience.proactive.prevents names contact type 'fax'"),
        ({"prevents": {"voice": 0.2}, "campaign": "notice"}, "experience.proactive.campaign"),
        ({"prevents": {"voice": 1.5}}, "experience.proactive.prevents.voice"),
    ):
        with pytest.raises(ScenarioError, match=message):
            derive(reactive, {("experience", "proactive"): block}, source="<bad>")
