"""``ccsim intraday --jobs N``: replications in worker processes, the same results."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ccsim import load_scenario
from ccsim.intraday.projection import project
from ccsim.intraday.state import load_state
from ccsim.scenario.overrides import apply_overrides, parse_override

pytestmark = pytest.mark.model

EXAMPLE = Path(__file__).resolve().parents[2] / "ccsim" / "intraday" / "examples" / "now.json"


def test_the_projection_is_the_same_in_one_process_and_in_two_workers():
    plan = load_scenario("default-day")
    more = apply_overrides(plan, [parse_override("pools.agents.staffing=+2")], name="more")
    state = load_state(EXAMPLE)
    done: list[int] = []
    alone = project(plan, state, {"more": more}, replications=5, seed=9, jobs=1)
    shared = project(
        plan, state, {"more": more}, replications=5, seed=9, jobs=2, progress=done.append
    )
    assert done[-1] == 5 and done == sorted(done)
    for name in ("plan", "more"):
        for measure, by_group in alone.values[name].items():
            for group, values in by_group.items():
                # bit for bit, NaN where NaN (an interval nobody was offered in)
                np.testing.assert_array_equal(values, shared.values[name][measure][group])
                np.testing.assert_array_equal(
                    alone.totals[name][measure][group], shared.totals[name][measure][group]
                )
    # and the replications differ from each other: the comparison could have failed
    assert np.unique(alone.totals["plan"]["service_level"]["voice"]).size == 5


def test_the_command_gives_the_same_json_for_any_jobs(cli, tmp_path):
    outputs = []
    for jobs in (1, 2):
        result = cli("intraday", "default-day", "--state", EXAMPLE, "--reps", 4, "--seed", 3,
                     "--jobs", jobs, "--no-folder", "--json")  # fmt: skip
        assert result.exit_code == 0, result.output
        outputs.append(result.output.split('"answer_seconds"')[1].split("\n", 1)[1])
    assert outputs[0] == outputs[1]
