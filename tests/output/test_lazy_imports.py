"""Import only what a command needs (issue 15): ``ccsim --help`` loads no pandas, scipy or
matplotlib, and ``ccsim run`` — tables, PNG charts and the HTML report included — loads
neither scipy nor matplotlib. Checked in a fresh interpreter's ``sys.modules`` (not timed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("pandas", "scipy", "matplotlib")

PROBE = """
import json, sys
from ccsim.cli.commands import main
try:
    main({args!r}, standalone_mode=False)
finally:
    loaded = sorted({{m.split(".")[0] for m in sys.modules}} & {heavy!r})
    print("LOADED=" + json.dumps(loaded))
"""


def _loaded_by(args: list[str]) -> list[str]:
    code = PROBE.format(args=args, heavy=set(HEAVY))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("LOADED="))
    return json.loads(line.removeprefix("LOADED="))


def test_help_imports_no_pandas_scipy_or_matplotlib():
    assert _loaded_by(["--help"]) == []
    assert _loaded_by(["run", "--help"]) == []


def test_run_writes_every_file_without_scipy_or_matplotlib(tmp_path: Path):
    out = tmp_path / "run"
    # not quiet: the console tables and the Erlang comparison too
    loaded = _loaded_by(["run", "erlang-c", "--reps", "2", "--jobs", "1", "--out", str(out)])
    assert "scipy" not in loaded and "matplotlib" not in loaded
    assert loaded == ["pandas"]  # the per-interval tables are pandas
    names = {p.name for p in out.iterdir()}
    assert {"service_level.png", "waiting_times.png", "occupancy.png", "report.html"} <= names
