"""Fixtures shared by the test files, and the kind of every test.

Every test has exactly one kind, so that ``pytest -m "unit or model"`` is a quick loop:

* ``unit`` — one function or class, no simulation of a day (milliseconds);
* ``model`` — short simulations checking the model's behaviour (seconds);
* ``theory`` — statistical checks of the model against queueing theory (long);
* ``e2e`` — whole commands and results folders: CLI, reports, studies, calibration.

A test's kind is its own marker if it has one, else the default of its folder or file
(``KIND_BY_PATH``); tests marked ``slow`` count as ``theory`` under ``tests/model`` and
``tests/analytic`` and as ``e2e`` elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ccsim.cli.commands import main

KINDS = ("unit", "model", "theory", "e2e")
TESTS = Path(__file__).resolve().parent

# Most specific path first.
KIND_BY_PATH = (
    ("model/test_theory.py", "theory"),
    ("model/test_routing_theory.py", "theory"),
    ("model", "model"),
    ("scenario", "unit"),
    ("analytic", "unit"),
    ("measures", "model"),
    ("experience", "model"),
    ("experiment", "e2e"),
    ("studies", "e2e"),
    ("calibration", "e2e"),
    ("output", "e2e"),
    ("cli", "e2e"),
    ("docs", "e2e"),
    ("training", "e2e"),
    ("hardening/test_scenario_input.py", "unit"),
    ("hardening", "e2e"),
    ("experience/test_experience_commands.py", "e2e"),
    ("experience/test_experience_total_cost.py", "e2e"),
    ("test_code_quality.py", "e2e"),
    ("", "unit"),
)


def _default_kind(item: pytest.Item) -> str:
    relative = Path(str(item.fspath)).resolve().relative_to(TESTS).as_posix()
    slow = item.get_closest_marker("slow") is not None
    for prefix, kind in KIND_BY_PATH:
        if relative == prefix or relative.startswith(prefix.rstrip("/") + "/") or not prefix:
            if slow and kind in ("unit", "model"):
                return "theory" if relative.startswith(("model/", "analytic/")) else "e2e"
            return kind
    return "unit"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every test its kind; a test with two kinds is a mistake in the test file."""
    for item in items:
        own = [m.name for m in item.iter_markers() if m.name in KINDS]
        if len(set(own)) > 1:
            raise pytest.UsageError(f"{item.nodeid} has more than one kind: {sorted(set(own))}")
        if not own:
            item.add_marker(getattr(pytest.mark, _default_kind(item)))


@pytest.fixture
def cli():
    """``cli(*args)`` runs ``ccsim`` with ``args`` (any objects, turned into text)."""
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke
