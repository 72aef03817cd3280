"""Staffing-optimiser benchmark: ``ccsim staff`` end to end, and what its answer holds.

Run from the repository root::

    python benchmarks/bench_staff.py                    # both cases, 2 local processes
    python benchmarks/bench_staff.py --case default     # only the default-day command
    python benchmarks/bench_staff.py --json staff.json

Two cases:

* ``default`` — the command a new user types, ``ccsim staff scenarios/default-day.yaml``
  (one voice queue, 24 half-hour intervals, 80/20), run as a separate process exactly as
  typed (imports, search, verification, confirmation, the results folder and its report).
  The goal: under a minute on a 2-core machine.
* ``multiskill`` — a centre open 24 hours in 48 half-hour intervals, two contact types
  (general calls with a double daily peak, billing calls) and two pools serving both with
  different priorities, through :func:`ccsim.studies.staffing.optimiser.optimise_staffing`.

For each: the wall time, the CPU time of every process (a figure other jobs on the machine
do not inflate), the staffings and replications simulated by the search and by the
verification, the agent hours against the per-interval Erlang answer, and the contract a
planner checks — the written scenario run again with a seed of its own (777) and 40
replications: (contact type, interval)s below the target, and with the whole 95 % interval
below.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for _path in (str(HERE), str(REPO)):  # run as a script from anywhere, ccsim not installed
    if _path not in sys.path:
        sys.path.insert(0, _path)

from machine import environment  # noqa: E402
from tables import print_goal, print_table  # noqa: E402

GOAL_SECONDS = 60.0
"""``ccsim staff scenarios/default-day.yaml`` must answer within this, on 2 cores."""

RERUN_SEED = 777
"""The planner's re-run: a seed unrelated to the search's and the verification's."""

# A double-peaked day, calls per hour, 48 half hours from midnight.
GENERAL = [20, 15, 10, 8, 6, 6, 6, 8, 10, 15, 25, 40, 70, 110, 150, 180, 200, 210, 200, 190]
GENERAL += [180, 170, 160, 165, 175, 185, 195, 200, 190, 175, 160, 140, 120, 110, 100, 95]
GENERAL += [90, 85, 80, 70, 60, 50, 45, 40, 35, 30, 25, 22]


def multiskill() -> dict:
    return {
        "name": "staffing-benchmark",
        "horizon": {"days": 1, "interval": "30min", "open": "00:00", "close": "24:00"},
        "contact_types": {
            "general": {
                "arrivals": {"rate_per_hour": GENERAL},
                "handle_time": {"distribution": "lognormal", "mean": "4min", "cv": 0.9},
                "patience": {"distribution": "exponential", "mean": "3min"},
                "service_level": {"threshold": "20s", "target": 0.8},
            },
            "billing": {
                "arrivals": {"rate_per_hour": [max(4.0, g / 4) for g in GENERAL]},
                "handle_time": {"distribution": "gamma", "mean": "6min", "cv": 0.7},
                "patience": {"distribution": "exponential", "mean": "4min"},
                "service_level": {"threshold": "30s", "target": 0.8},
            },
        },
        "pools": {
            "front": {"serves": {"general": 1, "billing": 2}, "staffing": 10, "cost_per_hour": 24},
            "billing_desk": {
                "serves": {"billing": 1, "general": 2},
                "staffing": 4,
                "cost_per_hour": 30,
            },
        },
        "experiment": {"seed": 2026},
    }


def cpu_seconds() -> float:
    """CPU time of this process and of every child it has waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_default(jobs: int) -> dict:
    """``ccsim staff scenarios/default-day.yaml`` as typed, in its own process."""
    with tempfile.TemporaryDirectory() as root:
        out = Path(root) / "staff"
        command = [sys.executable, "-m", "ccsim", "staff", "scenarios/default-day.yaml"]
        command += ["--jobs", str(jobs), "--out", str(out), "--quiet"]
        cpu, started = cpu_seconds(), time.perf_counter()
        subprocess.run(command, cwd=REPO, check=True, capture_output=True)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        summary = json.loads((out / "staffing.json").read_text())
        return _figures(summary, out / "scenario.yaml", seconds, cpu, jobs)


def run_multiskill(jobs: int) -> dict:
    import ccsim
    from ccsim.experiment.executors import make_executor
    from ccsim.output.staffing_folder import staffing_summary
    from ccsim.studies.staffing.optimiser import optimise_staffing

    scenario = ccsim.load_scenario(multiskill())
    cpu, started = cpu_seconds(), time.perf_counter()
    with make_executor(jobs, "", 1000) as executor:
        plan = optimise_staffing(scenario, executor=executor)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    with tempfile.TemporaryDirectory() as root:
        written = Path(root) / "scenario.yaml"
        import yaml

        written.write_text(yaml.safe_dump(plan.scenario.resolved()))
        return _figures(staffing_summary(plan), written, seconds, cpu, jobs)


def _figures(summary: dict, written: Path, seconds: float, cpu: float, jobs: int) -> dict:
    """The timing, the effort, the hours and the planner's re-run of the written scenario."""
    import ccsim
    from ccsim.experiment.replications import run_experiment
    from ccsim.studies.staffing.contract import contract
    from ccsim.studies.staffing.targets import Targets, staffing_checks

    scenario = ccsim.load_scenario(written)
    targets = Targets(**summary["targets"])
    rerun = run_experiment(
        scenario, replications=40, seed=RERUN_SEED, jobs=jobs, keep_records=False
    )
    rows = contract(rerun, staffing_checks(scenario, targets), targets.confidence)
    effort = summary["effort"]
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "search_staffings": effort["search"]["staffings"],
        "search_replications": effort["search"]["replications"],
        "verification_staffings": effort["verification"]["staffings"],
        "verification_replications": effort["verification"]["replications"],
        "confirmation_replications": effort["confirmation"]["replications"],
        "required_agent_hours": summary["totals"]["required_agent_hours"],
        "erlang_agent_hours": summary["totals"]["erlang_required_agent_hours"],
        "confirmation_misses": len(summary["misses"]),
        "rerun_cells": len(rows),
        "rerun_below_target": sum(not r["meets"] for r in rows),
        "rerun_ci_wholly_below": sum(r["significant"] for r in rows),
        "jobs": jobs,
    }


def _rows(f: dict) -> list[list[str]]:
    reps = f["search_replications"] + f["verification_replications"]
    reps += f["confirmation_replications"]
    return [
        ["wall time", f"{f['seconds']:.1f} s"],
        ["CPU time, all processes", f"{f['cpu_seconds']:.1f} s"],
        [
            "search: staffings / replications",
            f"{f['search_staffings']} / {f['search_replications']:,}",
        ],
        [
            "verification: staffings / replications",
            f"{f['verification_staffings']} / {f['verification_replications']:,}",
        ],
        ["replications in all (with the confirmation)", f"{reps:,}"],
        ["agent hours: answer (required)", f"{f['required_agent_hours']:.1f}"],
        ["agent hours: per-interval Erlang", f"{f['erlang_agent_hours']:.1f}"],
        ["confirmation run: intervals that miss", f"{f['confirmation_misses']}"],
        [
            f"re-run (seed {RERUN_SEED}, 40 reps): below target / CI wholly below",
            f"{f['rerun_below_target']} / {f['rerun_ci_wholly_below']} of {f['rerun_cells']}",
        ],
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="local processes (default 2)")
    parser.add_argument("--case", choices=("default", "multiskill", "both"), default="both")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args(argv)

    figures: dict = {"environment": environment("simpy", "numpy", "scipy")}
    ok = True
    if args.case in ("default", "both"):
        f = figures["default"] = run_default(args.jobs)
        print_table(
            "ccsim staff scenarios/default-day.yaml (24 intervals, 1 pool)",
            ["figure", "value"],
            _rows(f),
        )
        goal = print_goal("default-day: wall time / 60 s", f["seconds"] / GOAL_SECONDS, 1.0)
        figures["goal"] = goal
        ok = goal["pass"]
    if args.case in ("multiskill", "both"):
        f = figures["multiskill"] = run_multiskill(args.jobs)
        print_table("1 day, 48 intervals, 2 pools (multi-skill)", ["figure", "value"], _rows(f))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
