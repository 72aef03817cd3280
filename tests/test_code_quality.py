"""The code's own checks: the type checker and the linter, run as the CI runs them.

Both run the tools in a subprocess from the repository's root, so that they read the same
settings (``setup.cfg``'s ``[mypy]``, ``ruff.toml``) as a developer
typing the command; a failure shows the tool's own report.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from paths import REPO

pytestmark = pytest.mark.e2e

# The folders the linter covers (the README's Development section names the same ones).
LINTED = ("ccsim", "tests", "benchmarks", "scripts")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_type_checker_finds_no_errors_in_the_package():
    result = _run("mypy", "ccsim")
    assert result.returncode == 0, f"mypy ccsim reported errors:\n{result.stdout}{result.stderr}"


def test_the_linter_and_the_formatter_have_nothing_to_report():
    check = _run("ruff", "check", *LINTED)
    assert check.returncode == 0, f"ruff check reported problems:\n{check.stdout}{check.stderr}"
    form = _run("ruff", "format", "--check", *LINTED)
    assert form.returncode == 0, (
        f"ruff format --check would reformat files:\n{form.stdout}{form.stderr}"
    )
