"""Fixtures shared by the test files."""

import pytest
from click.testing import CliRunner

from ccsim.cli import main


@pytest.fixture
def cli():
    """``cli(*args)`` runs ``ccsim`` with ``args`` (any objects, turned into text)."""
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke
