"""Staffing-optimiser benchmark: a 1-day, 48-interval, 2-pool centre, end to end.

Run from the repository root::

    python benchmarks/bench_staff.py               # the issue's case, 2 local processes
    python benchmarks/bench_staff.py --jobs 1      # on one process
    python benchmarks/bench_staff.py --json staff.json

The case: a centre open 24 hours in 30-minute intervals (48), two contact types (general
calls with a daily double peak, billing calls) and two pools serving both with different
priorities (a multi-skill centre, so pools share load and the per-interval Erlang answer
cannot be exact). It times ``ccsim.optimiser.optimise_staffing`` — Erlang start, simulation
up and down, the confirmation run — and prints the wall time (the goal: under a minute), the
staffings and replications simulated, and the answer against the per-interval Erlang
answer (agent hours), with the share of intervals meeting the target in the confirmation run.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for _path in (str(HERE), str(REPO)):  # run as a script from anywhere, ccsim not installed
    if _path not in sys.path:
        sys.path.insert(0, _path)

from tables import print_table  # noqa: E402

# A double-peaked day, calls per hour, 48 half hours from midnight.
GENERAL = [
    20,
    15,
    10,
    8,
    6,
    6,
    6,
    8,
    10,
    15,
    25,
    40,
    70,
    110,
    150,
    180,
    200,
    210,
    200,
    190,
    180,
    170,
    160,
    165,
    175,
    185,
    195,
    200,
    190,
    175,
    160,
    140,
    120,
    110,
    100,
    95,
    90,
    85,
    80,
    70,
    60,
    50,
    45,
    40,
    35,
    30,
    25,
    22,
]


def case() -> dict:
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="local processes (default 2)")
    parser.add_argument("--reps", type=int, default=10, help="replications per staffing")
    parser.add_argument("--confirm-reps", type=int, default=20, help="confirmation run")
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    args = parser.parse_args(argv)

    import ccsim
    from ccsim.executors import make_executor
    from ccsim.optimiser import optimise_staffing

    scenario = ccsim.load_scenario(case())
    started = time.perf_counter()
    with make_executor(args.jobs, "", 1000) as executor:
        plan = optimise_staffing(
            scenario,
            replications=args.reps,
            confirm_replications=args.confirm_reps,
            executor=executor,
        )
    seconds = time.perf_counter() - started
    totals = plan.totals()
    frame = plan.confirmation.intervals()
    types = frame[frame["kind"] == "type"]
    met = float((types["service_level"] >= 0.8).mean())
    not_below = float((types["service_level_high"] >= 0.8).mean())
    replications = plan.evaluations * args.reps + args.confirm_reps
    figures = {
        "seconds": seconds,
        "staffings_simulated": plan.evaluations,
        "replications_simulated": replications,
        "replications_per_second": replications / seconds,
        "agent_hours": totals["required_agent_hours"],
        "erlang_agent_hours": totals["erlang_scheduled_agent_hours"],
        "intervals_meeting_target": met,
        "intervals_not_significantly_below": not_below,
        "jobs": args.jobs,
        "python": platform.python_version(),
    }
    print_table(
        "Staffing optimiser: 1 day, 48 intervals, 2 pools (multi-skill)",
        ["figure", "value"],
        [
            ["wall time (goal: < 60 s)", f"{seconds:.1f} s"],
            ["staffings simulated", f"{plan.evaluations}"],
            ["replications simulated", f"{replications:,} ({replications / seconds:.0f}/s)"],
            ["agent hours: simulation answer", f"{totals['required_agent_hours']:.1f}"],
            ["agent hours: per-interval Erlang", f"{totals['erlang_scheduled_agent_hours']:.1f}"],
            ["confirmation: (type, interval)s at target", f"{met:.0%}"],
            ["confirmation: not significantly below", f"{not_below:.0%}"],
        ],
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0 if seconds < 60 else 1


if __name__ == "__main__":
    sys.exit(main())
