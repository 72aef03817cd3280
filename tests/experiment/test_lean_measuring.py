"""Simulating and measuring need numpy, not pandas: a long run's records and pandas (some
75 MB once imported) are never in memory together.

``ccsim run --no-records`` imports what simulating needs, simulates, measures with numpy,
lets go of the records, and only then makes its tables with pandas. These tests hold the
first part to it in a fresh interpreter (an import made anywhere in the chain would break
it). That the measures themselves did not change is checked on every bundled scenario by
``scripts/fingerprint_records.py``.
"""

from __future__ import annotations

import subprocess
import sys

LEAN = """
import sys
from ccsim.experiment.replications import run_experiment  # what `ccsim run` imports first
from ccsim.output.destination import check_destination, new_run_folder
from ccsim.studies.variant_names import what_if_name
from ccsim.cli.support import load_with_overrides, progress_bar
from ccsim.measures.replication import measure_numbers
from ccsim.model import simulate
scenario = load_with_overrides({name!r}, ())
records = simulate(scenario, replication=0)
measured = measure_numbers(records, scenario)
assert measured.overall["offered"] > 0
print(sorted(m for m in sys.modules if m.split(".")[0] in ("pandas", "pyarrow", "scipy")))
"""


def test_simulating_and_measuring_import_no_pandas():
    for name in ("default-day", "channel-shift", "redials-callbacks"):
        done = subprocess.run(
            [sys.executable, "-c", LEAN.format(name=name)],
            capture_output=True,
            text=True,
            check=True,
        )
        assert done.stdout.strip() == "[]", (name, done.stdout[:300])
