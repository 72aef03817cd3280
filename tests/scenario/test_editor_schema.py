"""The editor schema (``ccsim schema``) accepts every file ccsim loads and refuses what it refuses.

Checked with the ``jsonschema`` validator, the way an editor plugin uses the schema: every
bundled scenario, the spreadsheet forms (``from_csv``), and a few mistakes the loader refuses.
"""

from __future__ import annotations

import jsonschema
import pytest
import yaml
from paths import REPO

from ccsim.scenario.bundled import bundled_names, bundled_text
from ccsim.scenario.editor_schema import scenario_json_schema

pytestmark = pytest.mark.unit

FROM_CSV = REPO / "tests" / "scenario" / "from_csv"


@pytest.fixture(scope="module")
def validator():
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_every_bundled_scenario_is_valid(validator):
    for name in bundled_names():
        errors = list(validator.iter_errors(yaml.safe_load(bundled_text(name))))
        assert not errors, (name, [e.message for e in errors[:3]])


def test_spreadsheet_forms_are_valid(validator):
    data = yaml.safe_load((FROM_CSV / "morning-from-csv.yaml").read_text())
    assert not list(validator.iter_errors(data))


def test_pydantic_schema_alone_would_flag_from_csv():
    # why the editor schema exists: the model's own schema does not know the spreadsheet keys
    from ccsim.scenario.scenario import Scenario

    plain = jsonschema.Draft202012Validator(Scenario.model_json_schema(by_alias=True))
    data = yaml.safe_load((FROM_CSV / "morning-from-csv.yaml").read_text())
    assert list(plain.iter_errors(data))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("contact_types", "voice", "arrivals"), {"from_csv": "f.csv", "rate_per_hour": 5}),
        (("contact_types", "voice", "arrivals"), {"sheet": "x"}),
        (("pools", "phones", "staffing"), {"from_csv": "s.csv", "day_factors": [1.0]}),
        (("pools", "phones", "staffing"), {"from_csv": ""}),
    ],
)
def test_spreadsheet_mistakes_are_flagged(validator, path, value):
    data = yaml.safe_load((FROM_CSV / "morning-from-csv.yaml").read_text())
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert list(validator.iter_errors(data))
