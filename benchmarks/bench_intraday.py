"""Intraday benchmark: does ``ccsim intraday`` answer in a few seconds (it is used live)?

Run from the repository root::

    python benchmarks/bench_intraday.py              # both centres, 3 repeats
    python benchmarks/bench_intraday.py --quick      # one repeat
    python benchmarks/bench_intraday.py --json out.json

It measures, on this machine:

* **the command as a planner runs it** — ``ccsim intraday default-day --state now.json
  --what-if overtime=… --what-if lunch-late=…`` with 40 replications (the default), the
  bundled example state (11:40, 15 waiting, 25 busy, 6 at lunch), results folder written:
  wall time from the shell, Python start-up and imports included, with ``--jobs 1`` and
  ``--jobs 2`` (the results are the same; the load average is printed beside: on a busy
  machine more workers only compete for the same cores);
* **the projection alone** (:func:`ccsim.intraday.projection.project`, in process) for the
  same call, and for a 200-agent centre (2,300 calls an hour, open 08:00-20:00) from a state
  taken at 11:40 of a simulated day: seconds per replication and plan, and the total for the
  plan and two what-ifs.

The goal (issue 18): an answer in a few seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BIG = {
    "name": "bench-200",
    "horizon": {"days": 1, "interval": "30min", "open": "08:00", "close": "20:00"},
    "contact_types": {
        "voice": {
            "arrivals": {"rate_per_hour": 2300},
            "handle_time": {"distribution": "lognormal", "mean": "300s", "cv": 0.8},
            "patience": {"distribution": "exponential", "mean": "3min"},
            "service_level": {"threshold": "20s", "target": 0.8},
        }
    },
    "pools": {"agents": {"serves": ["voice"], "staffing": 200}},
    "experiment": {"replications": 1, "seed": 1},
}
WHAT_IFS = ("overtime=pools.agents.staffing=+2", "lunch-late=pools.agents.staffing=*1.05")


def command_seconds(repeats: int, jobs: int = 1) -> list[float]:
    """Wall seconds of the whole command, start-up to results folder, with ``--jobs``."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "now.json"
        example = subprocess.run(
            [sys.executable, "-m", "ccsim", "intraday", "--example"],
            capture_output=True,
            text=True,
            check=True,
        )
        state.write_text(example.stdout)
        for k in range(repeats):
            args = [sys.executable, "-m", "ccsim", "intraday", "default-day", "--state", state]
            for what_if in WHAT_IFS:
                args += ["--what-if", what_if]
            args += ["--jobs", jobs, "--out", Path(tmp) / f"out{jobs}-{k}"]
            started = time.perf_counter()
            subprocess.run([str(a) for a in args], capture_output=True, check=True)
            times.append(time.perf_counter() - started)
    return times


def projection_seconds(centre: str, repeats: int, replications: int = 40) -> dict:
    """The projection alone, in process: the plan and two what-ifs."""
    from ccsim.intraday.projection import project
    from ccsim.intraday.snapshot import snapshot
    from ccsim.intraday.state import load_state
    from ccsim.model.live import LiveCentre
    from ccsim.scenario import load_scenario
    from ccsim.scenario.overrides import apply_overrides, parse_override

    if centre == "default-day":
        scenario = load_scenario("default-day")
        state = load_state(ROOT / "ccsim" / "intraday" / "examples" / "now.json")
    else:
        scenario = load_scenario(BIG)
        live = LiveCentre(scenario, 0)
        live.advance(11 * 3600 + 40 * 60)
        state = snapshot(live)
    variants = {}
    for text in WHAT_IFS:
        name, _, override = text.partition("=")
        variants[name] = apply_overrides(scenario, [parse_override(override)], name=name)
    totals = []
    for _ in range(repeats):
        result = project(scenario, state, variants, replications=replications, seed=1)
        totals.append(result.seconds)
    best = min(totals)
    return {
        "centre": centre,
        "replications": replications,
        "plans": 1 + len(variants),
        "waiting": len(state.waiting),
        "in_service": len(state.in_service),
        "seconds": best,
        "seconds_median": statistics.median(totals),
        "ms_per_replication_and_plan": 1000 * best / replications / (1 + len(variants)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one repeat")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    repeats = 1 if args.quick else 3
    load_before = os.getloadavg()
    figures: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "command_seconds": command_seconds(repeats),
        "command_seconds_jobs_2": command_seconds(repeats, jobs=2),
        "projection": [projection_seconds(c, repeats) for c in ("default-day", "bench-200")],
    }
    figures["load_average_after"] = os.getloadavg()
    print(
        f"{figures['cpus']} cores; load average (1, 5, 15 min) "
        f"{', '.join(f'{v:.1f}' for v in load_before)} before, "
        f"{', '.join(f'{v:.1f}' for v in figures['load_average_after'])} after"
    )
    for key, jobs in (("command_seconds", 1), ("command_seconds_jobs_2", 2)):
        wall = figures[key]
        print(
            f"ccsim intraday default-day --jobs {jobs}, plan + 2 what-ifs × 40 replications, "
            f"folder written: {min(wall):.1f} s best, {statistics.median(wall):.1f} s median "
            f"of {len(wall)}"
        )
    for p in figures["projection"]:
        print(
            f"projection only, {p['centre']} ({p['waiting']} waiting, {p['in_service']} in "
            f"service): {p['seconds']:.2f} s for {p['plans']} plans × {p['replications']} "
            f"replications ({p['ms_per_replication_and_plan']:.0f} ms each)"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
