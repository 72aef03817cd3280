"""What-ifs get readable names everywhere, and folder names stay safe (issue 19, item 3)."""

from __future__ import annotations

import pytest

from ccsim.output.compare_folder import folder_names
from ccsim.output.run_folder import safe_name
from ccsim.studies.compare import override_label, variant_label, what_if_name

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("override", "label"),
    [
        ("pools.agents.staffing=+2", "staffing+2"),
        ("pools.agents.staffing=+-2", "staffing-2"),
        ("contact_types.voice.aht=*1.1", "aht×1.1"),
        ("pools.agents.staffing=14", "staffing=14"),
        ("contact_types.voice.patience.mean=60", "patience.mean=60"),
        ("contact_types.voice.transfers.0.probability=0.2", "transfers.0.probability=0.2"),
    ],
)
def test_an_override_reads_as_a_planner_says_it(override, label):
    assert override_label(override) == label


def test_a_variant_and_a_what_if_are_named_after_what_was_set():
    assert variant_label(["pools.agents.staffing=+2", "contact_types.voice.aht=*1.1"]) == (
        "staffing+2 aht×1.1"
    )
    # The same last part twice: each keeps enough of its path to tell them apart.
    assert variant_label(["pools.tier1.staffing=+2", "pools.tier2.staffing=+1"]) == (
        "tier1.staffing+2 tier2.staffing+1"
    )
    assert what_if_name("two-pools", ["pools.sales_team.staffing=+2"]) == "two-pools staffing+2"
    assert what_if_name("two-pools", []) == "two-pools"


def test_folder_names_keep_plus_times_and_equals_and_never_read_as_minus():
    assert safe_name("two-pools staffing+2") == "two-pools-staffing+2"
    assert folder_names(["default-day", "staffing+2 aht×1.1", "staffing=14"]) == [
        "default-day",
        "staffing+2-aht×1.1",
        "staffing=14",
    ]
    assert "--" not in "".join(folder_names(["staffing+2", "aht×1.1"]))


@pytest.mark.parametrize("evil", ["../../etc", "..", "/abs/path", "a/../../b", ".hidden", "+/.."])
def test_folder_names_still_refuse_path_traversal(evil):
    name = safe_name(evil)
    assert "/" not in name and name not in (".", "..") and not name.startswith(".")
