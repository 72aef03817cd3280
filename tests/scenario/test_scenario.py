"""Scenario files: the shipped ones load, and every kind of mistake names its YAML path."""

import copy
from pathlib import Path

import numpy as np
import pytest
from paths import SCENARIOS as BUNDLED
from pydantic import ValidationError

from ccsim.errors import ScenarioError
from ccsim.scenario import Scenario, load_scenario
from ccsim.scenario.bundled import (
    DESCRIPTION_WIDTH,
    bundled_description,
    bundled_names,
    bundled_text,
    copy_bundled,
)
from ccsim.scenario.overrides import with_experiment

SCENARIOS = sorted(BUNDLED.glob("*.yaml"))

BASE = {
    "horizon": {"days": 1, "interval": "30min", "open": "08:00", "close": "20:00"},
    "contact_types": {
        "voice": {
            "arrivals": {"rate_per_hour": 100},
            "handle_time": {"distribution": "exponential", "mean": "3min"},
            "patience": {"distribution": "exponential", "mean": 300},
        }
    },
    "pools": {"agents": {"serves": ["voice"], "staffing": 10}},
}


def problems(change) -> list[str]:
    data = copy.deepcopy(BASE)
    change(data)
    with pytest.raises(ScenarioError) as info:
        load_scenario(data)
    return info.value.problems


def test_every_shipped_scenario_loads():
    assert {p.stem for p in SCENARIOS} >= {
        "default-day",
        "erlang-c",
        "erlang-a",
        "blocking",
        "two-pools",
    }
    for path in SCENARIOS:
        scenario = load_scenario(path)
        assert scenario.name == path.stem


def test_bundled_scenarios_are_package_data_not_a_symlink():
    assert not BUNDLED.is_symlink()
    assert bundled_names() == tuple(p.stem for p in SCENARIOS)


def test_a_bundled_scenario_loads_by_name_and_by_its_old_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no scenarios/ folder here: the package's copy answers
    by_file = load_scenario(BUNDLED / "two-pools.yaml")
    assert load_scenario("two-pools") == by_file
    assert load_scenario("scenarios/two-pools.yaml") == by_file
    assert load_scenario("two-pools.yaml") == by_file


def test_a_file_on_disk_wins_over_the_bundled_scenario_of_that_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    own = (BUNDLED / "erlang-c.yaml").read_text().replace("name: erlang-c", "name: mine")
    Path("erlang-c.yaml").write_text(own)
    assert load_scenario("erlang-c.yaml").name == "mine"
    assert load_scenario("erlang-c").name == "erlang-c"  # a bare name: no such file


def test_an_unknown_name_lists_the_bundled_ones_and_the_closest(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as info:
        load_scenario("defualt-day")
    (problem,) = info.value.problems
    assert "file not found" in problem and "did you mean 'default-day'?" in problem
    assert all(name in problem for name in bundled_names())
    with pytest.raises(ScenarioError) as info:
        load_scenario("xyz")
    assert "did you mean" not in info.value.problems[0]


def test_every_bundled_scenario_has_a_one_line_description():
    for name in bundled_names():
        line = bundled_description(name)
        assert line and "\n" not in line and len(line) <= DESCRIPTION_WIDTH + 2, name


def test_copying_the_bundled_scenarios_never_overwrites_unless_forced(tmp_path):
    written = copy_bundled(tmp_path / "mine")
    assert [p.name for p in written] == [p.name for p in SCENARIOS]
    assert load_scenario(tmp_path / "mine" / "default-day.yaml") == load_scenario("default-day")
    edited = tmp_path / "mine" / "default-day.yaml"
    edited.write_text("# my edits\n")
    with pytest.raises(FileExistsError, match="default-day.yaml"):
        copy_bundled(tmp_path / "mine")
    assert edited.read_text() == "# my edits\n"
    copy_bundled(tmp_path / "mine", force=True)
    assert edited.read_text() == bundled_text("default-day")


def test_durations_and_clock_times_become_seconds():
    s = load_scenario(BASE)
    assert s.horizon.open == 8 * 3600 and s.horizon.close == 20 * 3600
    assert s.horizon.interval == 1800 and s.horizon.intervals_per_day == 24
    assert s.contact_types["voice"].handle_time.mean == 180
    assert s.contact_types["voice"].aht == 180


def test_rates_and_volumes_are_not_confused():
    by_rate = load_scenario(BASE)
    data = copy.deepcopy(BASE)
    data["contact_types"]["voice"]["arrivals"] = {"volume_per_interval": 50}
    by_volume = load_scenario(data)
    rate = by_rate.contact_types["voice"].arrivals.rates_per_second(by_rate.horizon)
    volume = by_volume.contact_types["voice"].arrivals.rates_per_second(by_volume.horizon)
    # 100 per hour is 50 per 30-minute interval.
    assert np.allclose(rate, volume) and np.allclose(rate, 100 / 3600)


def test_day_factors_scale_each_day():
    data = copy.deepcopy(BASE)
    data["horizon"]["days"] = 2
    data["contact_types"]["voice"]["arrivals"]["day_factors"] = [1.0, 1.5]
    s = load_scenario(data)
    rates = s.contact_types["voice"].arrivals.rates_per_second(s.horizon)
    assert np.allclose(rates[24:], 1.5 * rates[:24])


def test_scenarios_are_frozen():
    s = load_scenario(BASE)
    with pytest.raises(ValidationError):
        s.experiment.seed = 3


def test_with_experiment_revalidates():
    s = with_experiment(load_scenario(BASE), seed=9, replications=3)
    assert (s.experiment.seed, s.experiment.replications) == (9, 3)
    with pytest.raises(ScenarioError, match="experiment.replications"):
        with_experiment(load_scenario(BASE), replications=0)


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (
            lambda d: d["contact_types"]["voice"]["patience"].update(mean=-3),
            "contact_types.voice.patience.mean",
            "non-negative",
        ),
        (
            lambda d: d["contact_types"]["voice"]["patience"].update(distribution="expo"),
            "contact_types.voice.patience.distribution",
            "allowed: exponential",
        ),
        (
            lambda d: d["contact_types"]["voice"]["patience"].pop("distribution"),
            "contact_types.voice.patience",
            "distribution",
        ),
        (
            lambda d: d["contact_types"]["voice"].update(patiense=3),
            "contact_types.voice.patiense",
            "unknown key",
        ),
        (lambda d: d.update(horizn={}), "horizn", "unknown key"),
        (lambda d: d["pools"]["agents"].update(staffing="abc"), "pools.agents.staffing", "integer"),
        (lambda d: d["pools"]["agents"].update(staffing=-2), "pools.agents.staffing", ">= 0"),
        (
            lambda d: d["pools"]["agents"].update(staffing=[1, 2]),
            "pools.agents.staffing",
            "24 intervals",
        ),
        (lambda d: d["pools"]["agents"].update(serves=["voic"]), "pools.agents.serves", "'voic'"),
        (lambda d: d["horizon"].update(interval="7min"), "horizon", "divide"),
        (lambda d: d["horizon"].update(open="25:00"), "horizon.open", "HH:MM"),
        (lambda d: d["horizon"].update(close="07:00"), "horizon", "after open"),
        (
            lambda d: d["contact_types"]["voice"]["handle_time"].update(mean="3 parsecs"),
            "contact_types.voice.handle_time.mean",
            "unknown time unit",
        ),
        (
            lambda d: d["contact_types"]["voice"].pop("arrivals"),
            "contact_types.voice.arrivals",
            "required",
        ),
        (
            lambda d: d["contact_types"]["voice"]["arrivals"].update(volume_per_interval=3),
            "contact_types.voice.arrivals",
            "exactly one",
        ),
        (
            lambda d: d["contact_types"]["voice"]["arrivals"].update(rate_per_hour=-3),
            "contact_types.voice.arrivals",
            "non-negative",
        ),
        (
            lambda d: d["contact_types"]["voice"].update(channel="fax"),
            "contact_types.voice.channel",
            "voice",
        ),
        (
            lambda d: d["contact_types"]["voice"].update(queue_capacity=-1),
            "contact_types.voice.queue_capacity",
            "greater than or equal to 0",
        ),
        (
            lambda d: d["contact_types"]["voice"].update(service_level={"target": 80}),
            "contact_types.voice.service_level.target",
            "less than or equal to 1",
        ),
        (
            lambda d: d["contact_types"]["voice"].update(service_level={"formula": "magic"}),
            "contact_types.voice.service_level.formula",
            "answered_and_abandoned",
        ),
        (
            lambda d: d.update(experiment={"replications": 0}),
            "experiment.replications",
            "greater than or equal to 1",
        ),
        (lambda d: d.update(experiment={"confidence": 95}), "experiment.confidence", "less than"),
        (
            lambda d: d.update(contact_types={"my.voice": d["contact_types"]["voice"]}),
            "contact_types",
            "not a valid name",
        ),
        (lambda d: d.update(contact_types={}), "contact_types", "at least 1"),
    ],
)
def test_each_mistake_names_its_path_and_what_is_allowed(change, path, words):
    found = problems(change)
    assert any(p.startswith(path + ":") or p.startswith(path + " ") for p in found), found
    assert any(words in p for p in found), found


def test_all_problems_are_reported_at_once():
    def change(d):
        d["pools"]["agents"].update(staffing=-1, wage=3)
        d["contact_types"]["voice"]["handle_time"].update(mean=-1)

    assert len(problems(change)) == 3


def test_a_type_nobody_serves_is_an_error():
    def change(d):
        d["contact_types"]["chat_like"] = copy.deepcopy(d["contact_types"]["voice"])

    assert any("served by no pool" in p for p in problems(change))


def test_file_errors(tmp_path):
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("horizon: {days: 1\ncontact_types: [")
    with pytest.raises(ScenarioError, match="not valid YAML: line"):
        load_scenario(broken)
    listing = tmp_path / "list.yaml"
    listing.write_text("- 1\n- 2\n")
    with pytest.raises(ScenarioError, match="mapping"):
        load_scenario(listing)


def test_json_schema_describes_the_file():
    schema = Scenario.model_json_schema(by_alias=True)
    assert "contact_types" in schema["properties"]
    assert schema["additionalProperties"] is False
    text = str(schema)
    assert "lognormal" in text and "'5min'" in text
