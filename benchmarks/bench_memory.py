"""Memory benchmark: peak RSS of a whole ``ccsim run`` process, with and without records.

Run from the repository root::

    python benchmarks/bench_memory.py                  # ~2 M arrivals + the bundled default, ~3 min
    python benchmarks/bench_memory.py --arrivals 200000   # a smaller canonical run, ~30 s
    python benchmarks/bench_memory.py --json memory.json

Each case is one ``ccsim run ... --jobs 1 --quiet`` in a fresh subprocess, in a temporary
folder that is removed afterwards; its peak resident memory is the child's ``ru_maxrss``
read with ``os.wait4`` (the high-water mark of that process alone, imports, simulation,
measures and the results folder included). The cases: the canonical Erlang-A workload
(100 agents, 1,900 calls/h, AHT 180 s, patience 300 s; ``--arrivals`` rounded to whole
24-hour days, default ~2 M) with its records kept and with ``--no-records``, and the bundled
default day (its own replications) both ways. Beside them the plain-SimPy peer
(:func:`peers.simulate_plain_simpy`) of the same size in a fresh process, for the ratio.
The goals of issue 15 are printed with PASS / FAIL. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
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
from tables import print_table  # noqa: E402
from workload import Workload  # noqa: E402

MIB = 2**20

GOALS = {  # case -> the most peak RSS allowed (MiB), issue 15
    "canonical, --no-records": 250.0,
    "canonical, records kept": 400.0,
    "bundled default, records kept": 200.0,
}

PEER_CHILD = """
import sys
sys.path.insert(0, {here!r})
import peers
columns = peers.simulate_plain_simpy({rate!r}, {aht!r}, {patience!r}, {agents!r}, {n!r}, {seed!r})
print(len(columns["arrival"]))
"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--arrivals", type=int, default=2_000_000, help="canonical arrivals (default 2,000,000)"
    )
    parser.add_argument("--seed", type=int, default=1, help="root seed (default 1)")
    parser.add_argument("--no-peer", action="store_true", help="skip the plain-SimPy peer")
    parser.add_argument(
        "--no-default", action="store_true", help="skip the bundled default-day cases"
    )
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    return parser.parse_args(argv)


def peak_rss(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Run ``command``; return its peak RSS (MiB), wall seconds and standard output.

    ``os.wait4`` gives the resource usage of that one child, so cases do not mix (unlike
    ``RUSAGE_CHILDREN``, which keeps the largest child seen so far).
    """
    start = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    # Read the pipes to the end first (a full pipe would block the child), then reap it.
    out, err = child.stdout.read(), child.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{err}")
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    kib = usage.ru_maxrss / 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return kib * 1024 / MIB, seconds, out


def ccsim_case(scenario: str, records: bool, cwd: Path) -> dict:
    """One ``ccsim run`` of ``scenario`` (a file or bundled name), ``--jobs 1``."""
    out = cwd / f"run-{len(list(cwd.glob('run-*')))}"
    command = [sys.executable, "-m", "ccsim", "run", scenario, "--jobs", "1", "-q"]
    command += ["--out", str(out)] + ([] if records else ["--no-records"])
    mib, seconds, _ = peak_rss(command, cwd)
    contacts = None
    if records:
        import pyarrow.parquet as pq

        contacts = pq.ParquetFile(out / "contacts.parquet").metadata.num_rows
    return {"peak_mib": mib, "seconds": seconds, "contacts": contacts}


def peer_case(workload: Workload, cwd: Path) -> dict:
    """The plain-SimPy peer of the same size, alone in a fresh process."""
    code = PEER_CHILD.format(
        here=str(HERE),
        rate=workload.arrival_rate,
        aht=workload.aht,
        patience=workload.patience,
        agents=workload.agents,
        n=workload.expected_arrivals,
        seed=workload.seed,
    )
    mib, seconds, out = peak_rss([sys.executable, "-c", code], cwd)
    return {"peak_mib": mib, "seconds": seconds, "contacts": int(out.strip())}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit status (0 whatever it measures)."""
    import yaml

    args = parse_args(argv)
    workload = Workload.for_arrivals(args.arrivals, seed=args.seed)
    cases: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="ccsim-bench-memory-") as temp:
        cwd = Path(temp)
        scenario = cwd / "canonical.yaml"
        scenario.write_text(yaml.safe_dump(workload.scenario_spec()))
        cases["canonical, records kept"] = ccsim_case(str(scenario), True, cwd)
        cases["canonical, --no-records"] = ccsim_case(str(scenario), False, cwd)
        if not args.no_default:
            cases["bundled default, records kept"] = ccsim_case("default-day", True, cwd)
            cases["bundled default, --no-records"] = ccsim_case("default-day", False, cwd)
        if not args.no_peer:
            cases["plain SimPy peer"] = peer_case(workload, cwd)
    peer = cases.get("plain SimPy peer")
    rows = []
    for name, case in cases.items():
        goal = GOALS.get(name)
        if name.startswith("canonical") and args.arrivals != 2_000_000:
            goal = None  # the goals are set for ~2 M arrivals
        case["goal_mib"] = goal
        case["pass"] = None if goal is None else bool(case["peak_mib"] <= goal)
        case["vs_peer"] = case["peak_mib"] / peer["peak_mib"] if peer else None
        rows.append(
            [
                name,
                f"{case['contacts']:,}" if case["contacts"] else "-",
                f"{case['peak_mib']:.0f}",
                f"{case['vs_peer']:.2f}x" if case["vs_peer"] else "-",
                f"{case['seconds']:.1f}",
                "-" if goal is None else f"<= {goal:g}",
                "-" if goal is None else ("PASS" if case["pass"] else "FAIL"),
            ]
        )
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print_table(
        f"Peak RSS of a whole process: canonical Erlang A, {workload.describe()} "
        f"(~{workload.expected_arrivals:,} arrivals), and the bundled default",
        ["case", "contacts", "peak MiB", "vs peer", "seconds", "goal MiB", "result"],
        rows,
        note="`ccsim run --jobs 1 -q` (and the peer) each in a fresh process; peak = the "
        f"child's ru_maxrss (os.wait4); load average {load[0]:.2f}"
        if load
        else "",
    )
    if args.json:
        out = {
            "environment": environment("numpy", "pandas", "pyarrow", "simpy"),
            "options": {k: str(v) for k, v in vars(args).items()},
            "workload": workload.describe(),
            "load_average": load,
            "cases": cases,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2))
        print(f"Figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
