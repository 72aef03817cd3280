"""The whole ``ccsim run`` command, as a planner feels it, against a whole plain-SimPy process.

Issue 15: most of a ``ccsim run`` is not simulation — imports, tables, pictures and the HTML
report. This script times the *whole process* (start to exit, what the planner waits for)
of ``ccsim run --out TMP -q`` on the bundled default day, interleaved with a whole
plain-SimPy process that simulates the same day (the idiomatic model of
:mod:`peers`: one generator process per caller, a ``Resource``; the default day's calls,
mean handle time, patience and average staffing, the same number of replications), and
reports medians, the ratio and each process's peak resident memory (``wait4``'s
``ru_maxrss``: the main process; worker processes, if any, are not included).

It then runs the command's stages one by one in a fresh process, to show where the time
goes: imports, simulating, measuring, the tables (summary.json, intervals.csv,
contacts.parquet), the three PNG charts and the HTML report.

Usage::

    python benchmarks/bench_command.py              # 5 interleaved rounds, ~30 s
    python benchmarks/bench_command.py --rounds 9   # steadier medians
    python benchmarks/bench_command.py --phases-only
    git archive 579cc64 | tar -x -C /tmp/before   # the command before issue 15, to compare
    python benchmarks/bench_command.py --tree /tmp/before

Goals (issue 15): the whole command ≤ 1.5 s wall on a quiet 2-core machine, ≤ 200 MiB peak.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

GOAL_WALL = 1.5
"""Seconds: the whole ``ccsim run`` on the bundled default (issue 15)."""
GOAL_RSS_MIB = 200.0
"""MiB: its peak resident memory (issue 15)."""

PEER = """
import sys, time
sys.path.insert(0, {here!r})
from peers import simulate_plain_simpy
day_calls, rate, aht, patience, agents, reps = {args!r}
for r in range(reps):
    simulate_plain_simpy(rate, aht, patience, agents, day_calls, seed=2026 + r)
"""

PHASES = """
import sys, time, json
from pathlib import Path
t = {{"start": time.perf_counter()}}
def tick(name):
    t[name] = time.perf_counter()
import ccsim.cli.commands  # what `ccsim run` imports before doing anything
from ccsim.cli.support import load_with_overrides
from ccsim.experiment.replications import ExperimentResult
from ccsim.scenario.overrides import with_experiment
from ccsim.model.centre import simulate
from ccsim.measures.replication import measure
from ccsim.output import run_folder
tick("imports")
scenario = with_experiment(load_with_overrides("default-day", ()))
records = [simulate(scenario, replication=r) for r in range(scenario.experiment.replications)]
tick("simulate")
measures = [measure(rec, scenario) for rec in records]
tick("measure")
result = ExperimentResult(scenario, measures, records)
folder = Path({folder!r})
folder.mkdir()
written = run_folder.write_tables(result, folder)
tick("tables")
charts = run_folder.write_charts(result, written, folder)
tick("PNG")
run_folder.write_report(result, written, charts, folder)
tick("HTML")
print(json.dumps(t))
"""


def default_day() -> tuple[int, float, float, float, int, int]:
    """The default day as an M/M/c+M peer sees it: calls per day, arrival rate over the
    opening hours (per second), mean handle time with wrap-up, mean patience, the average
    staffing (rounded) and the replications."""
    sys.path.insert(0, str(ROOT))
    import yaml

    from ccsim.scenario.bundled import bundled_text

    data = yaml.safe_load(bundled_text("default-day"))
    voice = data["contact_types"]["voice"]
    calls = int(sum(voice["arrivals"]["volume_per_interval"]))
    rate = calls / (12 * 3600)
    aht = 270.0 + 30.0
    patience = 240.0
    staffing = data["pools"]["agents"]["staffing"]
    agents = round(sum(staffing) / len(staffing))
    return calls, rate, aht, patience, agents, int(data["experiment"]["replications"])


def timed(command: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one whole process (run in ``cwd``)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {proc.returncode}")
    return wall, usage.ru_maxrss / 1024


def whole_command(rounds: int, jobs: str | None, tree: Path = ROOT) -> dict:
    """Interleaved rounds of the whole ``ccsim run`` and the whole plain-SimPy peer."""
    peer = [sys.executable, "-c", PEER.format(here=str(HERE), args=default_day())]
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(rounds):
            out = Path(tmp) / f"run{k}"
            command = [sys.executable, "-m", "ccsim", "run", "--out", str(out), "-q"]
            command += ["--jobs", jobs] if jobs is not None else []
            ours.append(timed(command, tree))
            theirs.append(timed(peer))
            shutil.rmtree(out, ignore_errors=True)
    wall = statistics.median(w for w, _ in ours)
    peer_wall = statistics.median(w for w, _ in theirs)
    return {
        "rounds": rounds,
        "ccsim_run_wall_s": wall,
        "ccsim_run_walls": [round(w, 3) for w, _ in ours],
        "ccsim_run_peak_mib": statistics.median(m for _, m in ours),
        "plain_simpy_wall_s": peer_wall,
        "plain_simpy_peak_mib": statistics.median(m for _, m in theirs),
        "ratio_ccsim_over_simpy": wall / peer_wall,
    }


def phases() -> dict[str, float]:
    """Seconds per stage of one ``ccsim run`` in a fresh process (one replication set, jobs 1)."""
    with tempfile.TemporaryDirectory() as tmp:
        script = PHASES.format(folder=str(Path(tmp) / "run"))
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
        )
    marks = json.loads(out.stdout.strip().splitlines()[-1])
    names = list(marks)
    return {b: marks[b] - marks[a] for a, b in zip(names, names[1:], strict=False)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--jobs", help="pass --jobs to ccsim run (default: the command's own)")
    parser.add_argument("--phases-only", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--tree",
        type=Path,
        default=ROOT,
        help="run `python -m ccsim` from this source tree (say, an older commit unpacked with "
        "`git archive`), to compare before and after in one run; stages are always this tree's",
    )
    args = parser.parse_args(argv)
    report: dict = {"load_average": os.getloadavg(), "cpus": os.cpu_count()}
    if not args.phases_only:
        whole = whole_command(args.rounds, args.jobs, args.tree.resolve())
        report["whole"] = whole
        print(f"load average before: {report['load_average'][0]:.2f} ({os.cpu_count()} CPUs)")
        print(f"{'process':<28}{'median wall':>12}{'peak RSS':>12}")
        print(
            f"{'ccsim run (default day)':<28}{whole['ccsim_run_wall_s']:>11.2f}s"
            f"{whole['ccsim_run_peak_mib']:>9.0f} MiB"
        )
        print(
            f"{'plain SimPy, same day':<28}{whole['plain_simpy_wall_s']:>11.2f}s"
            f"{whole['plain_simpy_peak_mib']:>9.0f} MiB"
        )
        print(f"ratio ccsim run / plain SimPy: {whole['ratio_ccsim_over_simpy']:.2f}×")
        print(f"ccsim run walls: {whole['ccsim_run_walls']}")
        met_wall = whole["ccsim_run_wall_s"] <= GOAL_WALL
        met_rss = whole["ccsim_run_peak_mib"] <= GOAL_RSS_MIB
        print(
            f"goals: wall ≤ {GOAL_WALL} s {'met' if met_wall else 'NOT met'}; "
            f"peak ≤ {GOAL_RSS_MIB:.0f} MiB {'met' if met_rss else 'NOT met'}"
        )
    stages = phases()
    report["phases_s"] = stages
    total = sum(stages.values())
    print("\nstages of one `ccsim run` (fresh process, --jobs 1):")
    for name, seconds in stages.items():
        print(f"  {name:<10}{seconds:>7.3f} s  {seconds / total:>5.0%}")
    print(f"  {'total':<10}{total:>7.3f} s")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
