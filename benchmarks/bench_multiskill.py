"""Multi-skill benchmark: ccsim's cost per arrival with skills, overflow and transfers.

Run from the repository root::

    python benchmarks/bench_multiskill.py               # ~184,000 contacts (4 days), ~7 s
    python benchmarks/bench_multiskill.py --quick       # ~20,000 contacts: a smoke test
    python benchmarks/bench_multiskill.py --json ms.json --strict

In one process run it times ccsim on the canonical single-queue workload of bench_core.py
(M/M/100+M, 1,900 calls/h) and on a multi-skill centre with about as many arrivals per day
(4 contact types, 3 pools with overlapping skills, time-based overflow, a generalist pool
20 % slower, cold and warm transfers), best of N, interleaved.  It prints arrivals per second
of both, the ratio of their costs per arrival against the goal (multi-skill <= 2x the single
queue), and the multi-skill centre's service level, ASA, abandonment and occupancy per
contact type and pool, so that a reader can see it is a sane centre.  See
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for _path in (str(HERE), str(REPO)):  # run as a script from anywhere, ccsim not installed
    if _path not in sys.path:
        sys.path.insert(0, _path)

import workload as wl  # noqa: E402
from machine import environment  # noqa: E402
from tables import print_goal, print_table  # noqa: E402

if TYPE_CHECKING:
    from ccsim.records import ContactRecords
    from ccsim.scenario import Scenario

GOAL_RATIO = 2.0  # multi-skill time per arrival <= 2 x the single queue's
SINGLE = "single queue"
MULTI = "multi-skill"
SKILL_NOTE = (
    "serves: p2 = priority 2 (1 when not shown), +30s = overflow: only once the "
    "contact has waited 30 s, x1.2 = handle time x 1.2"
)

# The multi-skill centre: contact types (first attempts 1,800/h; with the transfer legs about
# 1,900 contacts/h, the canonical rate) and pools (158 agents).  Durations in seconds.
CONTACT_TYPES = {
    "sales": {
        "arrivals": {"rate_per_hour": 720},
        "handle_time": {"distribution": "lognormal", "mean": 240, "cv": 1.0},
        "patience": {"distribution": "exponential", "mean": 300},
        "service_level": {"threshold": 20, "target": 0.8},
        "transfers": [{"to": "tech", "probability": 0.1}],
    },
    "billing": {
        "arrivals": {"rate_per_hour": 550},
        "handle_time": {"distribution": "exponential", "mean": 200},
        "patience": {"distribution": "exponential", "mean": 240},
        "service_level": {"threshold": 30, "target": 0.8},
    },
    "tech": {
        "arrivals": {"rate_per_hour": 400},
        "handle_time": {"distribution": "lognormal", "mean": 420, "cv": 0.8},
        "patience": {"distribution": "exponential", "mean": 600},
        "service_level": {"threshold": 60, "target": 0.8},
        "transfers": [{"to": "billing", "probability": 0.05, "mode": "warm", "handover": 20}],
    },
    "vip": {
        "arrivals": {"rate_per_hour": 130},
        "handle_time": {"distribution": "exponential", "mean": 300},
        "patience": {"distribution": "exponential", "mean": 180},
        "service_level": {"threshold": 20, "target": 0.8},
        "transfers": [{"to": "tech", "probability": 0.1}],
    },
}
POOLS = {
    "sales_team": {
        "serves": {
            "sales": 1,
            "vip": {"priority": 1, "after": 15},
            "billing": {"priority": 2, "after": 30},
        },
        "staffing": 50,
    },
    "service_team": {"serves": {"billing": 1, "tech": 1}, "staffing": 94},
    "generalists": {
        "serves": {
            "vip": 1,
            "sales": {"priority": 2, "after": 20, "handle_time_factor": 1.2},
            "billing": {"priority": 2, "after": 30, "handle_time_factor": 1.2},
            "tech": {"priority": 2, "after": 60, "handle_time_factor": 1.2},
        },
        "staffing": 14,
    },
}


# --------------------------------------------------------------------------- scenarios


def multiskill_spec(work: wl.Workload) -> dict:
    """The multi-skill scenario (parsed-YAML dict) over the horizon and seed of ``work``.

    With whole days (the full run) the centre is open 00:00-24:00, continuously.
    """
    return {
        "name": "benchmark-multiskill",
        "horizon": {
            "days": work.days,
            "interval": "60min",
            "open": "00:00",
            "close": f"{work.hours_per_day:02d}:00",
        },
        "contact_types": CONTACT_TYPES,
        "pools": POOLS,
        "routing": {"policy": "static_priority"},
        "experiment": {"replications": 1, "seed": work.seed},
    }


def first_attempts_per_hour() -> float:
    """Expected first attempts per hour, all contact types together."""
    return sum(c["arrivals"]["rate_per_hour"] for c in CONTACT_TYPES.values())


def agents() -> int:
    """Agents on duty in the multi-skill centre, all pools together."""
    return sum(p["staffing"] for p in POOLS.values())


def describe(work: wl.Workload) -> str:
    """One line on both scenarios, for the top of the output."""
    return (
        f"Single queue: M/M/{work.agents}+M, {work.rate_per_hour:g} calls/h, AHT "
        f"{work.aht:g} s, patience {work.patience:g} s. Multi-skill: "
        f"{len(CONTACT_TYPES)} types ({', '.join(CONTACT_TYPES)}), {len(POOLS)} pools "
        f"({agents()} agents), {first_attempts_per_hour():g} first attempts/h + transfer "
        f"legs. Both over {work.days} d x {work.hours_per_day} h (~"
        f"{work.expected_arrivals:,} single-queue arrivals)."
    )


# --------------------------------------------------------------------------- timing


@dataclass
class SimRun(wl.Run):
    """A timed ``ccsim.simulate`` call, with its scenario and records (for the measures)."""

    scenario: Scenario | None = None
    records: ContactRecords | None = None

    @property
    def first_attempts(self) -> int:
        """Contacts that were a customer's first attempt."""
        from ccsim.records import Kind

        return int((self.columns["kind"] == Kind.FIRST_ATTEMPT).sum())

    @property
    def transfer_legs(self) -> int:
        """Contacts that were a leg after a transfer."""
        from ccsim.records import Kind

        return int((self.columns["kind"] == Kind.TRANSFER).sum())


def time_simulation(label: str, scenario: Scenario, work: wl.Workload) -> SimRun:
    """Time one ``ccsim.simulate`` call on ``scenario`` (loading is not timed)."""
    import ccsim

    start = time.perf_counter()
    records = ccsim.simulate(scenario, replication=0)
    seconds = time.perf_counter() - start
    columns = {"arrival": records.arrival, "kind": records.kind}
    return SimRun(label, work, seconds, columns, scenario=scenario, records=records)


def scenarios(work: wl.Workload) -> dict[str, Scenario]:
    """Both validated scenarios over ``work``'s horizon, by label."""
    import ccsim

    return {
        SINGLE: ccsim.load_scenario(work.scenario_spec()),
        MULTI: ccsim.load_scenario(multiskill_spec(work)),
    }


def warm_up() -> None:
    """Simulate both scenarios over one hour so that imports and first calls are not timed."""
    tiny = wl.Workload(hours_per_day=1)
    for label, scenario in scenarios(tiny).items():
        time_simulation(label, scenario, tiny)


def timed_runs(work: wl.Workload, repeat: int) -> dict[str, SimRun]:
    """Both scenarios timed ``repeat`` times, interleaved; the fastest run of each."""
    jobs = {
        label: partial(time_simulation, label, scenario, work)
        for label, scenario in scenarios(work).items()
    }
    return wl.best_interleaved(jobs, repeat)


# --------------------------------------------------------------------------- sections


def speed(runs: dict[str, SimRun], repeat: int) -> dict:
    """Arrivals per second of both scenarios and the ratio of their cost per arrival."""
    base = runs[SINGLE].microseconds_per_arrival
    out, rows = {}, []
    for label, run in runs.items():
        ratio = run.microseconds_per_arrival / base
        out[label] = {
            "contacts": run.arrivals,
            "first_attempts": run.first_attempts,
            "transfer_legs": run.transfer_legs,
            "seconds": run.seconds,
            "arrivals_per_s": run.per_second,
            "us_per_arrival": run.microseconds_per_arrival,
            "ratio_vs_single_queue": ratio,
        }
        rows.append(
            [
                label,
                f"{run.arrivals:,}",
                f"{run.first_attempts:,}",
                f"{run.transfer_legs:,}",
                f"{run.seconds:.2f}",
                f"{run.per_second:,.0f}",
                f"{run.microseconds_per_arrival:.2f}",
                f"{ratio:.2f}x",
            ]
        )
    print_table(
        "Speed - ccsim, single queue vs multi-skill",
        [
            "scenario",
            "contacts",
            "first attempts",
            "transfer legs",
            "seconds",
            "arrivals/s",
            "us/arrival",
            "vs single queue",
        ],
        rows,
        note=f"wall time of ccsim.simulate, records kept; an arrival is any contact "
        f"(first attempt or transfer leg); best of {repeat}, interleaved",
    )
    return out


def goal(speeds: dict) -> dict:
    """The multi-skill goal: cost per arrival at most GOAL_RATIO x the single queue's."""
    return print_goal(
        "multi-skill / single-queue us per arrival",
        speeds[MULTI]["ratio_vs_single_queue"],
        GOAL_RATIO,
    )


def centre_measures(run: SimRun) -> dict:
    """SL, ASA, abandonment and occupancy of the multi-skill run, per type and per pool."""
    from ccsim.measures.replication import measure

    measures = measure(run.records, run.scenario)
    by_type = {
        name: _floats(
            m, ("offered", "answered", "service_level", "asa", "abandon_rate", "occupancy")
        )
        for name, m in measures.by_type.items()
    }
    by_pool = {
        name: _floats(m, ("answered", "occupancy", "agent_hours"))
        for name, m in measures.by_pool.items()
    }
    print_table(
        "Multi-skill centre - measures per contact type",
        [
            "type",
            "first/h",
            "handle",
            "transfers",
            "offered",
            "SL",
            "target",
            "ASA (s)",
            "abandoned",
            "occupancy",
        ],
        [
            [
                name,
                f"{CONTACT_TYPES[name]['arrivals']['rate_per_hour']:g}",
                _handle(name),
                _transfers(name),
                f"{m['offered']:,.0f}",
                f"{m['service_level']:.3f}",
                _target(name),
                f"{m['asa']:.1f}",
                f"{m['abandon_rate']:.2%}",
                f"{m['occupancy']:.1%}",
            ]
            for name, m in by_type.items()
        ],
        note="ccsim.measures.replication.measure(records, scenario).by_type; "
        "offered includes transfer "
        "legs; occupancy is that of the pools serving the type",
    )
    print_table(
        "Multi-skill centre - pools",
        ["pool", "agents", "serves", "answered", "occupancy"],
        [
            [
                name,
                str(POOLS[name]["staffing"]),
                _skills(POOLS[name]["serves"]),
                f"{m['answered']:,.0f}",
                f"{m['occupancy']:.1%}",
            ]
            for name, m in by_pool.items()
        ],
        note=SKILL_NOTE,
    )
    return {"by_type": by_type, "by_pool": by_pool}


def _floats(measures: dict, names: tuple[str, ...]) -> dict[str, float]:
    """The named measures as plain floats (JSON-ready)."""
    return {name: float(measures[name]) for name in names}


def _skills(serves: dict) -> str:
    """A pool's skills in short, e.g. ``sales, billing p2 +30s x1.2`` (see SKILL_NOTE)."""
    parts = []
    for name, skill in serves.items():
        skill = skill if isinstance(skill, dict) else {"priority": skill}
        priority = skill.get("priority", 1)
        factor = skill.get("handle_time_factor", 1)
        parts.append(
            " ".join(
                [name]
                + ([f"p{priority}"] if priority > 1 else [])
                + ([f"+{skill['after']:g}s"] if skill.get("after") else [])
                + ([f"x{factor:g}"] if factor != 1 else [])
            )
        )
    return ", ".join(parts)


def _handle(name: str) -> str:
    """A contact type's handle time in short, e.g. ``logn 240 s cv 1``."""
    spec = CONTACT_TYPES[name]["handle_time"]
    short = {"lognormal": "logn", "exponential": "exp"}.get(
        spec["distribution"], spec["distribution"]
    )
    return f"{short} {spec['mean']:g} s" + (f" cv {spec['cv']:g}" if "cv" in spec else "")


def _transfers(name: str) -> str:
    """A contact type's transfers in short, e.g. ``tech 10%, billing 5% warm 20s``."""
    return (
        ", ".join(
            f"{t['to']} {t['probability']:.0%}"
            + (f" warm {t['handover']:g}s" if t.get("mode") == "warm" else "")
            for t in CONTACT_TYPES[name].get("transfers", ())
        )
        or "-"
    )


def _target(name: str) -> str:
    """A contact type's service-level goal, e.g. ``80% in 20 s``."""
    goal_ = CONTACT_TYPES[name]["service_level"]
    return f"{goal_['target']:.0%} in {goal_['threshold']:g} s"


# --------------------------------------------------------------------------- main


def parse_args(
    argv: list[str] | None, doc: str = __doc__, goal_name: str = "multi-skill"
) -> argparse.Namespace:
    """Command-line options (``doc``, ``goal_name``: for the help of a script reusing them)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument(
        "--arrivals",
        type=int,
        default=200_000,
        help="target single-queue arrivals, rounded to whole days (default 200000: 4 days)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="about 20,000 arrivals (11 hours from 00:00): a smoke test",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        help="time each scenario this many times, interleaved, and keep the "
        "fastest (default 3; 5 with --quick)",
    )
    parser.add_argument("--seed", type=int, default=1, help="root seed of both scenarios")
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    parser.add_argument(
        "--strict", action="store_true", help=f"exit 1 if the {goal_name} goal fails"
    )
    args = parser.parse_args(argv)
    if args.quick and args.arrivals == 200_000:
        args.arrivals = 20_000
    if args.repeat is None:
        args.repeat = 5 if args.quick else 3
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    args = parse_args(argv)
    work = wl.Workload.for_arrivals(args.arrivals, seed=args.seed)
    print(describe(work))
    warm_up()
    runs = timed_runs(work, args.repeat)
    results = {
        "environment": environment("simpy", "numpy"),
        "options": {k: str(v) for k, v in vars(args).items()},
        "workload_single_queue": asdict(work),
        "scenario_multiskill": multiskill_spec(work),
    }
    results["speed"] = speed(runs, args.repeat)
    results["goal"] = goal(results["speed"])
    results["multiskill_measures"] = centre_measures(runs[MULTI])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
        print(f"Figures written to {args.json}")
    return 1 if args.strict and not results["goal"]["pass"] else 0


if __name__ == "__main__":
    sys.exit(main())
