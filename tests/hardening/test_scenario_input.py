"""Scenario input refused up front, with one line naming the YAML path (issue 14).

Each case is a reproducer from the issue: a file that used to hang, fill memory, print a
traceback or be silently misread. None may reach the simulation.
"""

from __future__ import annotations

import os
import time

import pytest
import yaml
from cli_checks import assert_user_error

from ccsim.errors import ScenarioError
from ccsim.scenario import load_scenario
from ccsim.scenario.capacity import MAX_AGENTS, MAX_CONTACTS, records_problem
from ccsim.scenario.overrides import OverrideError, apply_overrides, parse_override
from ccsim.scenario.yaml_input import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    SHOWN_CHARACTERS,
    ScenarioLoader,
    load_yaml,
)

BASE = """\
name: small
horizon: {days: 1, interval: 60min, open: "08:00", close: "12:00"}
contact_types:
  voice:
    arrivals: {rate_per_hour: 50}
    handle_time: {distribution: exponential, mean: 180s}
    patience: {distribution: exponential, mean: 2min}
pools:
  agents: {serves: [voice], staffing: 5}
experiment: {replications: 3, seed: 1}
"""


def problems_of(tmp_path, text: str) -> list[str]:
    """The problems ``load_scenario`` reports for ``text`` written to a file."""
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return caught.value.problems


def edited(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new)


def test_the_base_scenario_loads(tmp_path):
    path = tmp_path / "scenario.yaml"
    path.write_text(BASE, encoding="utf-8")
    assert load_scenario(path).pools["agents"].staffing == 5


# --- YAML the loader refuses --------------------------------------------------------------


def test_nesting_500_levels_is_refused_without_a_recursion_error(tmp_path):
    found = problems_of(tmp_path, BASE + "description: " + "[" * 500 + "]" * 500 + "\n")
    assert len(found) == 1
    assert found[0].startswith("description[0]")
    assert f"nested deeper than {MAX_DEPTH} levels" in found[0]
    assert len(found[0]) < 300


def alias_bomb(levels: int = 9) -> str:
    text = 'x0: &x0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(1, levels):
        text += f"x{i}: &x{i} [" + ",".join([f"*x{i - 1}"] * 9) + "]\n"
    return text


def test_an_alias_bomb_in_a_duration_stops_early_and_echoes_nothing_of_it(tmp_path):
    bomb = "anchors:\n" + "".join(f"  {line}\n" for line in alias_bomb().splitlines())
    started = time.perf_counter()
    found = problems_of(tmp_path, bomb + BASE.replace("interval: 60min", "interval: *x8"))
    assert time.perf_counter() - started < 10
    assert len(found) == 1 and f"more than {MAX_NODES:,} values" in found[0]
    assert "lol" not in found[0]


def test_an_alias_that_contains_itself_is_refused(tmp_path):
    found = problems_of(tmp_path, BASE + "loop: &a [1, *a]\n")
    assert found == [found[0]] and "refers to a value that contains it" in found[0]


def test_a_few_aliases_are_fine():
    assert load_yaml("a: &d {x: 1}\nb: *d\nc: *d\n") == {
        "a": {"x": 1},
        "b": {"x": 1},
        "c": {"x": 1},
    }


def test_millions_of_list_entries_stop_after_the_cap(tmp_path):
    many = "[" + ",".join(["1"] * 1_000_000) + "]"
    started = time.perf_counter()
    found = problems_of(tmp_path, edited("rate_per_hour: 50", f"rate_per_hour: {many}"))
    assert time.perf_counter() - started < 30
    assert found[0].startswith("contact_types.voice.arrivals.rate_per_hour[")
    assert f"more than {MAX_NODES:,} values" in found[0]


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:  # sparse: no disk used
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "limited to 10 MiB" in str(caught.value)


def test_dev_zero_is_refused_without_reading():
    with pytest.raises(ScenarioError) as caught:
        load_scenario("/dev/zero")
    assert "not a regular file" in str(caught.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_blocking(tmp_path):
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(pipe)  # opening it for reading would block for ever
    assert "not a regular file" in str(caught.value)


def test_a_duplicate_key_is_refused_with_its_path(tmp_path):
    found = problems_of(tmp_path, edited("seed: 1}", "seed: 1, seed: 2}"))
    assert found == [found[0]]
    assert found[0].startswith("experiment.seed: the key 'seed' is given twice")


def test_a_duplicate_block_key_is_refused_with_its_path(tmp_path):
    found = problems_of(tmp_path, BASE + "pools:\n  other: {serves: [voice], staffing: 1}\n")
    assert found[0].startswith("pools: the key 'pools' is given twice") or found[0].startswith(
        "(top level)"
    )


def test_merge_keys_are_not_duplicates():
    assert load_yaml("base: &b {x: 1, y: 2}\nmine:\n  <<: *b\n  y: 3\n")["mine"] == {"x": 1, "y": 3}


@pytest.mark.parametrize(("value", "number"), [("9:00", 540), ("1:30", 90), ("190:20:30", 685230)])
def test_an_unquoted_sexagesimal_time_is_refused(tmp_path, value, number):
    found = problems_of(tmp_path, edited('open: "08:00"', f"open: {value}"))
    assert found[0].startswith("horizon.open:"), found
    assert f"the number {number}" in found[0] and "quotes" in found[0]


def test_quoted_times_and_plain_numbers_are_fine():
    assert load_yaml("a: '9:00'\nb: 540\nc: 1e9\nd: 1.5e-3\ne: '1e9'") == {
        "a": "9:00",
        "b": 540,
        "c": 1e9,
        "d": 1.5e-3,
        "e": "1e9",
    }


def test_the_pure_python_loader_reads_the_same():
    text = BASE + "extra: &a {x: [1, 2.5, 1e3, true, '9:00']}\nagain: *a\n"
    fast = load_yaml(text)
    slow = yaml.load(text, Loader=ScenarioLoader)  # noqa: S506 - a SafeLoader subclass
    # PyYAML's own resolver reads 1e3 (and even 1.0e3) as text; ours reads a number.
    assert fast == slow == yaml.safe_load(text.replace("1e3", "1000.0"))


def test_python_tags_stay_refused(tmp_path):
    found = problems_of(tmp_path, BASE + "x: !!python/object/apply:os.system ['true']\n")
    assert found[0].startswith("not valid YAML")


# --- values YAML read right but pydantic would have coerced -------------------------------


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        ("staffing: 5", "staffing: '12'", "pools.agents.staffing", "not the text '12'"),
        ("replications: 3", "replications: true", "experiment.replications", "not true"),
        ("rate_per_hour: 50", "rate_per_hour: '50'", "contact_types.voice.arrivals", "text"),
        ("rate_per_hour: 50", "rate_per_hour: [50, '7', 1, 2]", "rate_per_hour[1]", "'7'"),
        ("seed: 1", "seed: false", "experiment.seed", "not false"),
    ],
)
def test_quoted_numbers_and_booleans_are_not_coerced(tmp_path, old, new, path, words):
    found = problems_of(tmp_path, edited(old, new))
    assert len(found) == 1, found
    assert path in found[0].split(":")[0] and words in found[0], found


def test_a_yes_no_setting_written_as_text_is_refused(tmp_path):
    found = problems_of(
        tmp_path, edited("staffing: 5}", "staffing: 5, calls_while_chatting: 'yes'}")
    )
    assert found[0].startswith("pools.agents.calls_while_chatting: should be true or false")


@pytest.mark.parametrize("serves", ["[[voice]]", "[{voice: 1}]", "[voice, [voice]]"])
def test_serves_with_a_list_or_mapping_inside_is_refused(tmp_path, serves):
    found = problems_of(tmp_path, edited("serves: [voice]", f"serves: {serves}"))
    assert found[0].startswith("pools.agents.serves: serves lists contact type names")


@pytest.mark.parametrize("value", ["[[voice]]", "[{voice: 1}]"])
def test_serves_via_set_is_refused_too(value):
    scenario = load_scenario("erlang-c")
    with pytest.raises(ScenarioError) as caught:
        apply_overrides(scenario, [parse_override(f"pools.agents.serves={value}")])
    assert "serves lists contact type names" in str(caught.value)


def test_a_set_value_is_read_with_the_same_limits():
    with pytest.raises(OverrideError) as caught:
        parse_override("experiment.seed=" + "[" * 200 + "]" * 200)
    assert "nested deeper" in str(caught.value)
    assert len(str(caught.value)) < 3 * SHOWN_CHARACTERS + 200


def test_a_long_value_is_cut_in_the_message(tmp_path):
    found = problems_of(
        tmp_path,
        edited(
            "handle_time: {distribution: exponential, mean: 180s}",
            "handle_time: {distribution: exponential, mean: '" + "9" * 100_000 + "x'}",
        ),
    )
    assert all(len(p) < 3 * SHOWN_CHARACTERS + 200 for p in found), [len(p) for p in found]
    assert found[0].endswith("…")


def test_at_most_twenty_problems_are_listed(tmp_path):
    many = ", ".join(["'x'"] * 400)
    found = problems_of(tmp_path, edited("staffing: 5", f"staffing: [{many}]"))
    assert len(found) == 21 and found[-1].startswith("… and ")


# --- volumes and staffing beyond what a run can hold --------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "figure"),
    [
        ("rate_per_hour: 50", "rate_per_hour: 1e9", "4,000,000,000"),
        ("rate_per_hour: 50", "volume_per_interval: 1e19", "4e+19"),
        ("rate_per_hour: 50", "volume_per_interval: 1e308", "more than 1e308"),
    ],
)
def test_volumes_beyond_a_run_are_refused_with_the_figure(tmp_path, old, new, figure):
    found = problems_of(tmp_path, edited(old, new))
    assert found[0].startswith("contact_types.voice.arrivals:")
    assert figure in found[0] and f"{MAX_CONTACTS:,}" in found[0]


@pytest.mark.parametrize("staffing", ["9223372036854775808", "100000000", str(MAX_AGENTS + 1)])
def test_staffing_beyond_a_run_is_refused_with_the_figure(tmp_path, staffing):
    found = problems_of(tmp_path, edited("staffing: 5", f"staffing: {staffing}"))
    assert found[0].startswith("pools.agents.staffing:")
    assert staffing in found[0] and f"{MAX_AGENTS:,}" in found[0]


def test_a_roster_beyond_a_run_is_refused(tmp_path):
    shifts = 'shifts: [{start: "08:00", length: 4h, headcount: 200000}]'
    found = problems_of(tmp_path, edited("staffing: 5", shifts))
    assert found[0].startswith("pools.agents") and "200,000 agents" in found[0]


def test_records_of_every_replication_are_checked_and_no_records_suggested(tmp_path):
    path = tmp_path / "busy.yaml"
    path.write_text(edited("rate_per_hour: 50", "rate_per_hour: 500000"), encoding="utf-8")
    scenario = load_scenario(path)  # two million contacts a replication: a run holds them
    assert records_problem(scenario, 1) is None
    message = records_problem(scenario, 20)
    assert "2,000,000 contacts a replication × 20 replications" in message
    assert "--no-records" in message


@pytest.mark.e2e
def test_run_refuses_records_that_would_not_fit_before_simulating(cli, tmp_path, monkeypatch):
    path = tmp_path / "busy.yaml"
    path.write_text(edited("rate_per_hour: 50", "rate_per_hour: 500000"), encoding="utf-8")

    def refuse(*args, **kwargs):
        raise AssertionError("simulated before refusing")

    monkeypatch.setattr("ccsim.experiment.replications.make_executor", refuse)
    result = cli("run", path, "--reps", 20, "--results-dir", tmp_path / "results")
    assert_user_error(result, "--no-records", "GiB")


@pytest.mark.e2e
@pytest.mark.parametrize(
    "name", ["deep", "bomb", "dup", "sexagesimal", "text", "serves", "rate", "staffing"]
)
def test_validate_says_each_in_one_paragraph_with_exit_2(cli, tmp_path, name):
    texts = {
        "deep": BASE + "description: " + "[" * 500 + "]" * 500 + "\n",
        "bomb": alias_bomb() + BASE,
        "dup": edited("seed: 1}", "seed: 1, seed: 2}"),
        "sexagesimal": edited('open: "08:00"', "open: 9:00"),
        "text": edited("staffing: 5", "staffing: '12'"),
        "serves": edited("serves: [voice]", "serves: [[voice]]"),
        "rate": edited("rate_per_hour: 50", "rate_per_hour: 1e9"),
        "staffing": edited("staffing: 5", "staffing: 100000000"),
    }
    path = tmp_path / f"{name}.yaml"
    path.write_text(texts[name], encoding="utf-8")
    result = cli("validate", path)
    assert_user_error(result, "1 problem")
    assert len(result.output) < 1000
