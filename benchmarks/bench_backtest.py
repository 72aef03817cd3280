"""Backtest benchmark: how much of a long trace backtest is simulation, and how much the rest?

Run from the repository root::

    python benchmarks/bench_backtest.py              # 261 days, 3 repeats
    python benchmarks/bench_backtest.py --days 60 --repeat 1
    git archive 7b19984 | tar -x -C /tmp/before        # before the backtest's speed-up
    python benchmarks/bench_backtest.py --tree /tmp/before

The issue that asked for it (13) measured a 261-day trace backtest of a real bank log at 40 s,
of which 4 s were simulation. This makes a log of the same length with the realistic-log
generator (:mod:`ccsim.calibration.realistic_log`: ~1,200 calls a day, three classes, a desk,
every trap of a real export; 313,803 rows at 261 days), fits it once (``ccsim fit --no-tune``)
and measures, on this machine:

* **the command as a planner runs it** — ``ccsim backtest LOG SCENARIO --mapping … --quiet
  --out DIR``, trace mode: wall seconds from the shell, start-up, reading, simulating,
  comparing and writing the results folder included (best and median of the repeats);
* **its stages in process**: reading the log, estimating the agents from it, simulating (the
  time inside :func:`ccsim.model.centre.simulate`), the rest of the backtest (each day's
  scenario, the replayed contacts, the compared counts) and writing the folder.

It prints the rest (everything but simulation) as a multiple of the simulation — the figure
the issue's 40 s against 4 s (9×) was about. There is no peer: no other simulator replays an
ACD log.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_log(folder: Path, days: int) -> tuple[Path, Path, Path]:
    """The realistic log of ``days`` days, its mapping and the scenario fitted on it."""
    from ccsim.calibration.realistic_log import write_realistic

    log = write_realistic(folder, seed=5, days=days)
    mapping = folder / "realistic-log-mapping.yaml"
    scenario = folder / "bank.yaml"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "ccsim",
            "fit",
            str(log),
            "--mapping",
            str(mapping),
            "--out",
            str(scenario),
            "--no-tune",
            "--quiet",
        ],
        check=True,
        capture_output=True,
    )
    return log, mapping, scenario


def command_seconds(log: Path, mapping: Path, scenario: Path, tree: Path = ROOT) -> float:
    """Wall seconds of ``ccsim backtest`` (trace) run from the source ``tree``."""
    args = ["backtest", str(log), str(scenario), "--mapping", str(mapping), "--quiet"]
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "ccsim", *args, "--out", f"{out}/bt"],
            check=True,
            capture_output=True,
            cwd=tree,
            env={**os.environ, "PYTHONPATH": str(tree)},
        )
        return time.perf_counter() - start


def stage_seconds(log_path: Path, mapping: Path, scenario_path: Path) -> dict[str, float]:
    """Each stage of the backtest in process (imports done beforehand)."""
    import ccsim.calibration.backtest as backtest
    from ccsim.calibration.contact_log import LogFormat, read_contact_log
    from ccsim.output.backtest_folder import write_backtest
    from ccsim.scenario import load_scenario

    scenario = load_scenario(scenario_path)
    spent = {"simulate": 0.0, "agents": 0.0}
    originals = {"simulate": backtest.simulate, "agents": backtest.log_staffing}

    def timed(stage: str):
        inner = originals[stage]

        def run(*args, **kwargs):
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - start

        return run

    backtest.simulate, backtest.log_staffing = timed("simulate"), timed("agents")
    try:
        start = time.perf_counter()
        log = read_contact_log(log_path, LogFormat.from_options(mapping))
        read = time.perf_counter() - start
        start = time.perf_counter()
        result = backtest.run_backtest(log, scenario, "trace", "log")
        run = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            write_backtest(result, log, Path(out))
            write = time.perf_counter() - start
    finally:
        backtest.simulate, backtest.log_staffing = originals["simulate"], originals["agents"]
    return {
        "read the log": read,
        "agents from the log": spent["agents"],
        "simulate": spent["simulate"],
        "rest of the backtest": run - spent["agents"] - spent["simulate"],
        "write the folder": write,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=261)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--tree", type=Path, help="an older source tree to time the whole command beside"
    )
    args = parser.parse_args()
    trees = {"this tree": ROOT, **({"older tree": args.tree.resolve()} if args.tree else {})}
    with tempfile.TemporaryDirectory() as tmp:
        log, mapping, scenario = make_log(Path(tmp), args.days)
        rows = sum(1 for _ in log.open()) - 1
        print(f"log: {args.days} days, {rows:,} rows; load average {os.getloadavg()[0]:.1f}")
        times: dict[str, list[float]] = {label: [] for label in trees}
        for _ in range(args.repeat):  # interleaved, so that a busy spell hits both trees
            for label, tree in trees.items():
                times[label].append(command_seconds(log, mapping, scenario, tree))
        stages = [stage_seconds(log, mapping, scenario) for _ in range(args.repeat)]
    best = {k: min(s[k] for s in stages) for k in stages[0]}
    for label, seconds in times.items():
        print(
            f"ccsim backtest (trace), whole command, {label}: best {min(seconds):.2f} s, "
            f"median {statistics.median(seconds):.2f} s over {len(seconds)}"
        )
    if args.tree:
        ratio = statistics.median(times["older tree"]) / statistics.median(times["this tree"])
        print(f"older / this tree: {ratio:.2f}x (median wall)")
    print("stages in process (best of the repeats):")
    for name, seconds in best.items():
        print(f"  {name:<22} {seconds:6.2f} s")
    rest = sum(best.values()) - best["simulate"]
    print(
        f"rest / simulation: {rest:.2f} s / {best['simulate']:.2f} s = "
        f"{rest / best['simulate']:.1f}x (issue 13's report: 36 s / 4 s = 9x)"
    )


if __name__ == "__main__":
    main()
