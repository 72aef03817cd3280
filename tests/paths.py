"""Where the tests find the package's and the repository's files: the bundled scenarios
(package data, ``ccsim/scenarios``) and the sample data."""

from importlib import resources
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = Path(str(resources.files("ccsim").joinpath("scenarios")))
DATA = REPO / "data"
