"""The studies a planner waits for: ``ccsim staff default-day`` and a 50-point sweep, whole process.

Issue 15 asks that the staffing optimiser and a sweep get faster in proportion to the kernel
and the command. This script runs both commands as a planner types them, each in a fresh
process, for this source tree and (with ``--tree``) an older one unpacked with
``git archive``, interleaved so both see the same machine, and prints the wall time, the CPU
time of the command and its worker processes (a figure other jobs on the machine inflate
less than the wall time) and the ratio old / new.

Usage::

    git archive 579cc64 | tar -x -C /tmp/before       # the tree before issue 15
    python benchmarks/bench_studies.py --tree /tmp/before
    python benchmarks/bench_studies.py --only sweep --rounds 3

The sweep: ``erlang-a`` (an 11-Erlang voice queue with abandonment), 10 staffings × 5 mean
patiences = 50 points, 10 replications each, ``--jobs 2``. The staffing: the bundled default
day, the command exactly as the README shows it, ``--jobs 2``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

COMMANDS = {
    "staff": ["staff", "default-day", "--jobs", "2", "-q"],
    "sweep": [
        "sweep",
        "erlang-a",
        "--grid",
        "pools.agents.staffing=6:15",
        "--grid",
        "contact_types.voice.patience.mean=60,120,180,240,300",
        "--reps",
        "10",
        "--jobs",
        "2",
        "-q",
    ],
}


def _timed(tree: Path, args: list[str], out: Path) -> tuple[float, float]:
    """Wall and CPU seconds (the command and every process it waited for) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-m", "ccsim", *args, "--out", str(out)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed in {tree}:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, help="an older source tree to compare with")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds (default 1)")
    parser.add_argument("--only", choices=sorted(COMMANDS), help="run one of the two studies")
    options = parser.parse_args()
    trees = {"this tree": REPO}
    if options.tree:
        trees["older tree"] = options.tree.resolve()
    names = [options.only] if options.only else list(COMMANDS)
    print(f"load average before: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    figures: dict[tuple[str, str], list[tuple[float, float]]] = {}
    scratch = Path(tempfile.mkdtemp(prefix="ccsim-bench-studies-"))
    try:
        for round_ in range(options.rounds):
            for name in names:
                for label, tree in trees.items():
                    out = scratch / f"{name}-{label.replace(' ', '-')}-{round_}"
                    figures.setdefault((name, label), []).append(_timed(tree, COMMANDS[name], out))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{'study':<8} {'tree':<11} {'median wall':>12} {'median CPU':>11}")
    for (name, label), runs in figures.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"{name:<8} {label:<11} {wall:>11.1f}s {cpu:>10.1f}s")
    if options.tree:
        for name in names:
            new, old = figures[(name, "this tree")], figures[(name, "older tree")]
            wall = statistics.median(w for w, _ in old) / statistics.median(w for w, _ in new)
            cpu = statistics.median(c for _, c in old) / statistics.median(c for _, c in new)
            print(f"{name}: older / this tree = {wall:.2f}x wall, {cpu:.2f}x CPU")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
