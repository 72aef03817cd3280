"""A slip of the keyboard gets a suggestion: close scenario names and close keys (issue 19)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from ccsim.cli.commands import main
from ccsim.errors import ScenarioError
from ccsim.scenario import load_scenario
from ccsim.scenario.bundled import bundled_text

pytestmark = pytest.mark.unit


def _problems(spec) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(spec)
    return info.value.problems


def test_a_misspelt_bundled_name_is_suggested(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["run", "defualt-day.yaml", "--quiet"])
    assert result.exit_code == 2
    assert "defualt-day.yaml: no such scenario" in result.output
    assert "did you mean 'default-day'?" in result.output
    assert "problem in the scenario" not in result.output  # not a problem of its keys
    assert "Traceback" not in result.output


def test_a_misspelt_file_in_its_folder_is_suggested(tmp_path):
    (tmp_path / "my-centre.yaml").write_text(bundled_text("two-pools"), encoding="utf-8")
    (problem,) = _problems(tmp_path / "my-centr.yaml")
    assert f"did you mean '{tmp_path / 'my-centre.yaml'}'?" in problem
    (problem,) = _problems(tmp_path / "zzzzzz.yaml")  # nothing close: no guess, the list
    assert "did you mean" not in problem and "default-day" in problem


@pytest.mark.parametrize(
    ("path", "typo", "meant"),
    [
        (("horizon",), "intrval", "interval"),
        (("contact_types", "voice"), "paitence", "patience"),
        (("contact_types", "voice", "handle_time"), "meen", "mean"),  # inside a distribution
        (("pools", "agents"), "stafing", "staffing"),
    ],
)
def test_an_unknown_key_suggests_the_nearest_known_key(path, typo, meant):
    data = load_scenario("erlang-a").resolved()
    node = data
    for part in path:
        node = node[part]
    node[typo] = node.pop(meant) if meant in node else 1
    problems = _problems(data)
    where = ".".join(path) + "." + typo
    line = next(p for p in problems if p.startswith(where))
    assert f"did you mean '{meant}'?" in line, problems


def test_an_unknown_key_near_nothing_lists_the_keys_allowed_there():
    data = load_scenario("erlang-a").resolved()
    data["horizon"]["zzz"] = 1
    (problem,) = _problems(data)
    assert problem.startswith("horizon.zzz: unknown key; allowed here: days, interval, open")
