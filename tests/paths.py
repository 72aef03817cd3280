"""Where the tests find the repository's files: the bundled scenarios and the sample data."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = REPO / "scenarios"
DATA = REPO / "data"
