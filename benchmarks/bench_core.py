"""Core benchmark: ccsim against plain SimPy and Ciw on the canonical M/M/100+M workload.

Run from the repository root::

    python benchmarks/bench_core.py                 # ~200,000 arrivals (4 days), a few minutes
    python benchmarks/bench_core.py --quick         # ~20,000 arrivals: a smoke test in seconds
    python benchmarks/bench_core.py --json out.json # also write every figure as JSON

It measures, in one process run: speed (arrivals per wall-clock second of the simulation call,
records kept) of each model and its ratio to plain SimPy; SL@20s, ASA and abandonment of each
model against Erlang A; the peak memory of a ccsim run (in a fresh subprocess); how ccsim's
time grows with the number of arrivals; and the per-arrival cost at 1,000 agents against 100
agents at the same load per agent.  See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import subprocess
import sys
from dataclasses import asdict
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for _path in (str(HERE), str(REPO)):  # run as a script from anywhere, ccsim not installed
    if _path not in sys.path:
        sys.path.insert(0, _path)

import measures  # noqa: E402
import workload as wl  # noqa: E402
from machine import environment  # noqa: E402
from tables import print_table  # noqa: E402

GOAL_SPEEDUP = 8.0  # ccsim arrivals/s >= 8 x idiomatic plain SimPy (issue 15; was 5)
GOAL_MEMORY_MB = 150.0  # peak RSS of a canonical ccsim run
GOAL_LINEARITY = 1.25  # per-arrival time, largest run / smallest run
GOAL_SCALE = 1.25  # per-arrival time, 1,000 agents / 100 agents
WARMUP = 1800.0  # seconds left out of the statistics at the start (model starts empty)
COOLDOWN = 1800.0  # ... and at the end of the horizon


# --------------------------------------------------------------------------- helpers


def ccsim_problem() -> str | None:
    """Why ccsim cannot be benchmarked (import error), or None when it can."""
    try:
        import ccsim

        ccsim.load_scenario  # noqa: B018 - lazy attributes: touching them imports the modules
        ccsim.simulate  # noqa: B018
    except Exception as error:  # noqa: BLE001 - report whatever is wrong, keep the peers
        return f"{type(error).__name__}: {error}"
    return None


def erlang_a(work: wl.Workload) -> dict:
    """Erlang A figures from ``ccsim.analytic.erlang.analyse``, with the benchmark's own
    reference."""
    args = dict(
        arrival_rate=work.arrival_rate,
        aht=work.aht,
        agents=work.agents,
        threshold=work.threshold,
        patience=work.patience,
    )
    reference = measures.erlang_a_reference(**args)
    result = {
        "source": "benchmarks/measures.py (ccsim.analytic.erlang unavailable)",
        **reference,
        "reference": reference,
    }
    try:
        from ccsim.analytic.erlang import analyse

        answer = analyse(**args)
        result.update(
            source="ccsim.analytic.erlang.analyse",
            service_level=float(answer.service_level),
            asa=float(answer.asa),
            abandon_rate=float(answer.abandon_rate),
        )
    except Exception as error:  # noqa: BLE001
        result["ccsim_erlang_error"] = f"{type(error).__name__}: {error}"
    result["ccsim_erlang_agrees_with_reference"] = all(
        math.isclose(result[k], reference[k], rel_tol=1e-3, abs_tol=1e-4)
        for k in ("service_level", "asa", "abandon_rate")
    )
    return result


def max_rss_mb() -> float:
    """Peak resident set size of this process image so far, in MB.

    On Linux this is ``VmHWM`` from ``/proc/self/status``: ``ru_maxrss`` is carried across
    ``exec`` and would report the parent's size in a freshly started subprocess (the child
    of a fork starts with its parent's resident pages).  Elsewhere, ``ru_maxrss``.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10  # kB
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes vs KiB


def memory_child(model: str, work: wl.Workload, trace: bool) -> dict:
    """Body of the ``--memory-child`` subprocess: run one model once, report memory in MB."""
    import tracemalloc

    import pandas  # noqa: F401 - part of the baseline for every model (records -> frame)
    import peers

    if model == "ccsim":
        import ccsim

        scenario = ccsim.load_scenario(work.scenario_spec())
        run = lambda: ccsim.simulate(scenario, replication=0)  # noqa: E731
        frame = lambda records: records.to_frame()  # noqa: E731
    else:
        importlib.import_module("ciw" if model == "Ciw" else "simpy")  # in the baseline

        simulate = {"plain SimPy": peers.simulate_plain_simpy, "Ciw": peers.simulate_ciw}[model]
        run = lambda: simulate(  # noqa: E731
            work.arrival_rate,
            work.aht,
            work.patience,
            work.agents,
            work.expected_arrivals,
            work.seed,
        )
        frame = peers.to_frame
    figures = {"baseline_rss_mb": max_rss_mb()}
    if trace:
        tracemalloc.start()
    records = run()
    if trace:
        figures["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    figures["after_simulate_rss_mb"] = max_rss_mb()
    records_frame = frame(records)
    figures["peak_rss_mb"] = max_rss_mb()
    figures["arrivals"] = len(records_frame)
    return figures


def measure_memory(model: str, work: wl.Workload, seed: int) -> dict:
    """Peak memory of one run of ``model`` on ``work``, each figure from a fresh process."""
    result = {}
    for trace in (False, True):
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--memory-child",
            model,
            "--arrivals",
            str(work.expected_arrivals),
            "--agents",
            str(work.agents),
            "--seed",
            str(seed),
        ] + (["--tracemalloc"] if trace else [])
        done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
        if done.returncode != 0:
            return {"error": done.stderr.strip().splitlines()[-1:] or ["failed"]}
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        if trace:
            result["traced_peak_mb"] = figures["traced_peak_mb"]
        else:
            result.update(figures)
    return result


def canonical(args) -> wl.Workload:
    """The canonical workload for ``args.arrivals`` (100 agents, 1,900/h)."""
    return wl.Workload.for_arrivals(args.arrivals, seed=args.seed)


def scaled(work: wl.Workload, factor: int, arrivals: int) -> wl.Workload:
    """``factor`` times the agents and the arrival rate (same load per agent)."""
    return wl.Workload.for_arrivals(
        arrivals,
        agents=work.agents * factor,
        rate_per_hour=work.rate_per_hour * factor,
        seed=work.seed,
    )


def warm_up(models: list[str]) -> None:
    """Run every model once on a one-hour workload so imports and caches are not timed."""
    tiny = wl.Workload(hours_per_day=1)
    for model in models:
        wl.MODELS[model](tiny, 1)


# --------------------------------------------------------------------------- sections


def speed_and_accuracy(work: wl.Workload, models: list[str], repeat: int) -> dict:
    """Time every model on ``work``; compare its KPIs with Erlang A."""
    reference = erlang_a(work)
    runs = wl.best_interleaved({m: partial(wl.MODELS[m], work, 1) for m in models}, repeat)
    base = runs.get("plain SimPy")
    ciw = runs.get("Ciw")
    out = {"workload": asdict(work), "erlang_a": reference, "runs": {}}
    for model, run in runs.items():
        k = measures.kpis(run.columns, work.threshold, WARMUP, work.horizon - COOLDOWN)
        out["runs"][model] = {
            "arrivals": run.arrivals,
            "seconds": run.seconds,
            "arrivals_per_s": run.per_second,
            "us_per_arrival": run.microseconds_per_arrival,
            "ratio_vs_plain_simpy": run.per_second / base.per_second if base else None,
            "ratio_vs_ciw": run.per_second / ciw.per_second if ciw else None,
            "kpis": k.as_dict(),
            "agrees_with_erlang_a": measures.agrees(k, reference),
            **run.extra,
        }
    rows = [
        [
            m,
            f"{r['arrivals']:,}",
            f"{r['seconds']:.2f}",
            f"{r['arrivals_per_s']:,.0f}",
            f"{r['us_per_arrival']:.1f}",
            "-" if r["ratio_vs_plain_simpy"] is None else f"{r['ratio_vs_plain_simpy']:.2f}x",
            "-" if r["ratio_vs_ciw"] is None else f"{r['ratio_vs_ciw']:.2f}x",
        ]
        for m, r in out["runs"].items()
    ]
    print_table(
        f"Speed - {work.describe()}",
        ["model", "arrivals", "seconds", "arrivals/s", "us/arrival", "vs plain SimPy", "vs Ciw"],
        rows,
        note="seconds = wall time of the simulation call, records kept "
        f"(best of {repeat}, models interleaved); building a DataFrame is not included",
    )
    rows = [
        [
            "Erlang A",
            f"{reference['service_level']:.4f}",
            f"{reference['asa']:.2f}",
            f"{reference['abandon_rate']:.4f}",
            "",
        ]
    ]
    for m, r in out["runs"].items():
        k, ok = r["kpis"], r["agrees_with_erlang_a"]
        rows.append(
            [
                m,
                f"{k['service_level']:.4f} +/- {k['service_level_se']:.4f}",
                f"{k['asa']:.2f} +/- {k['asa_se']:.2f}",
                f"{k['abandon_rate']:.4f} +/- {k['abandon_rate_se']:.4f}",
                "OK"
                if all(ok.values())
                else "MISMATCH: " + ", ".join(n for n, good in ok.items() if not good),
            ]
        )
    print_table(
        f"Accuracy vs Erlang A (SL@{work.threshold:g}s)",
        ["model", "SL", "ASA (s)", "abandon rate", "check"],
        rows,
        note=f"Erlang A from {reference['source']}; +/- is one batch-means standard "
        f"error; arrivals in the first and last {WARMUP / 60:.0f} min left out; OK = "
        f"within max({measures.SIGMAS:g} SE, floor)",
    )
    if not reference["ccsim_erlang_agrees_with_reference"]:
        print(
            "WARNING: ccsim.analytic.erlang.analyse differs from the benchmark's reference "
            "Erlang A:",
            reference["reference"],
        )
    return out


def memory(work: wl.Workload, models: list[str], seed: int) -> dict:
    """Peak memory of one canonical run of each model, each in a fresh subprocess."""
    out = {model: measure_memory(model, work, seed) for model in models}
    rows = []
    for model, m in out.items():
        if "error" in m:
            rows.append([model, "error: " + " ".join(m["error"]), "", "", "", "", ""])
            continue
        rows.append(
            [
                model,
                f"{m['arrivals']:,}",
                f"{m['baseline_rss_mb']:.0f}",
                f"{m['after_simulate_rss_mb']:.0f}",
                f"{m['peak_rss_mb']:.0f}",
                f"{m['peak_rss_mb'] - m['baseline_rss_mb']:.0f}",
                f"{m['traced_peak_mb']:.0f}",
            ]
        )
    print_table(
        "Memory (MB)",
        [
            "model",
            "arrivals",
            "RSS imports",
            "RSS simulate",
            "RSS peak",
            "peak - imports",
            "traced",
        ],
        rows,
        note="one fresh process per model; RSS high-water marks after the "
        "imports, after simulate, after building the DataFrame (= peak, the goal); "
        "traced = tracemalloc peak of the allocations made during simulate",
    )
    return out


def linearity(work: wl.Workload, repeat: int) -> dict:
    """ccsim time at 1/4, 1/2 and all of the canonical arrivals (best of at least 5)."""
    target = work.expected_arrivals
    sizes = {
        str(n): wl.Workload.for_arrivals(n, seed=work.seed)
        for n in (target // 4, target // 2, target)
    }
    best = wl.best_interleaved(
        {k: partial(wl.run_ccsim, w, 1) for k, w in sizes.items()}, max(repeat, 5)
    )
    runs = list(best.values())
    points = [
        {
            "arrivals": r.arrivals,
            "horizon": r.workload.describe(),
            "seconds": r.seconds,
            "us_per_arrival": r.microseconds_per_arrival,
        }
        for r in runs
    ]
    ratio = points[-1]["us_per_arrival"] / points[0]["us_per_arrival"]
    print_table(
        "Linearity - ccsim",
        ["horizon", "arrivals", "seconds", "us/arrival"],
        [
            [
                p["horizon"],
                f"{p['arrivals']:,}",
                f"{p['seconds']:.2f}",
                f"{p['us_per_arrival']:.2f}",
            ]
            for p in points
        ],
        note=f"best of {max(repeat, 5)}, interleaved; per-arrival time, largest / "
        "smallest run = "
        f"{ratio:.2f}",
    )
    return {"ccsim": points, "ratio_largest_to_smallest": ratio}


def scale(work: wl.Workload, models: list[str], repeat: int) -> dict:
    """Per-arrival cost at 10x agents and 10x arrival rate against ``work``.

    Both sizes are timed afresh, interleaved (best of ``repeat``; at least 3 for ccsim).
    """
    big = scaled(work, 10, work.expected_arrivals)
    out = {"workload_small": asdict(work), "workload_large": asdict(big)}
    rows = []
    for model in models:
        pair = wl.best_interleaved(
            {
                "small": partial(wl.MODELS[model], work, 1),
                "large": partial(wl.MODELS[model], big, 1),
            },
            max(repeat, 3) if model == "ccsim" else repeat,
        )
        run, base = pair["large"], pair["small"].microseconds_per_arrival
        out[model] = {
            "us_per_arrival_small": base,
            "us_per_arrival_large": run.microseconds_per_arrival,
            "arrivals_large": run.arrivals,
            "ratio": run.microseconds_per_arrival / base,
        }
        rows.append(
            [
                model,
                f"{base:.1f}",
                f"{run.microseconds_per_arrival:.1f}",
                f"{run.arrivals:,}",
                f"{out[model]['ratio']:.2f}x",
            ]
        )
    print_table(
        f"Scale - {work.agents} vs {big.agents} agents",
        [
            "model",
            f"us/arrival {work.agents}",
            f"us/arrival {big.agents}",
            "arrivals (large)",
            "ratio",
        ],
        rows,
        note=f"per-arrival time, {work.describe()} vs {big.describe()} (same load per "
        f"agent); both timed afresh, interleaved, best of {repeat} (ccsim: "
        f"{max(repeat, 3)})",
    )
    return out


def goals(results: dict) -> dict:
    """The four performance goals of ccsim, with the measured value and PASS/FAIL."""
    out = {}
    runs = results.get("canonical", {}).get("runs", {})
    if "ccsim" in runs and "plain SimPy" in runs:
        out["speed vs plain SimPy"] = (runs["ccsim"]["ratio_vs_plain_simpy"], ">=", GOAL_SPEEDUP)
    mem = results.get("memory", {}).get("ccsim", {})
    if "peak_rss_mb" in mem:
        out["peak memory (MB)"] = (mem["peak_rss_mb"], "<", GOAL_MEMORY_MB)
    if "linearity" in results:
        out["linearity (time/arrival ratio)"] = (
            results["linearity"]["ratio_largest_to_smallest"],
            "<=",
            GOAL_LINEARITY,
        )
    if "ccsim" in results.get("scale", {}):
        out["100 -> 1000 agents slowdown"] = (results["scale"]["ccsim"]["ratio"], "<=", GOAL_SCALE)
    table = {}
    for name, (value, op, target) in out.items():
        passed = value >= target if op == ">=" else value < target if op == "<" else value <= target
        table[name] = {"value": value, "goal": f"{op} {target:g}", "pass": bool(passed)}
    if not table:
        return table
    print_table(
        "ccsim goals",
        ["goal", "measured", "target", "result"],
        [
            [n, f"{g['value']:.2f}", g["goal"], "PASS" if g["pass"] else "FAIL"]
            for n, g in table.items()
        ],
    )
    return table


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--arrivals",
        type=int,
        default=200_000,
        help="target arrivals of the canonical run (default 200000)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="about 20,000 arrivals; skips Ciw at 1,000 agents (smoke test)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        help="time each simulation this many times and keep the fastest "
        "(default 1; 3 with --quick)",
    )
    parser.add_argument("--seed", type=int, default=1, help="root seed of every model")
    parser.add_argument("--json", type=Path, help="write every figure to this JSON file")
    parser.add_argument(
        "--models",
        default="ccsim,plain SimPy,Ciw",
        help="comma-separated subset of: ccsim, plain SimPy, Ciw",
    )
    parser.add_argument(
        "--skip", default="", help="comma-separated sections to skip: memory, linearity, scale"
    )
    parser.add_argument(
        "--ciw-scale",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="run Ciw at 1,000 agents (default: yes, except with --quick)",
    )
    parser.add_argument(
        "--peer-memory",
        action="store_true",
        help="also measure the peak memory of plain SimPy and Ciw",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 if a goal fails or a model disagrees with Erlang A",
    )
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--agents", type=int, default=100, help=argparse.SUPPRESS)
    parser.add_argument("--tracemalloc", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick and args.arrivals == 200_000:
        args.arrivals = 20_000
    if args.repeat is None:
        args.repeat = 3 if args.quick else 1
    if args.ciw_scale is None:
        args.ciw_scale = not args.quick
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    args = parse_args(argv)
    if args.memory_child:
        work = wl.Workload.for_arrivals(
            args.arrivals,
            agents=args.agents,
            rate_per_hour=1900.0 * args.agents / 100,
            seed=args.seed,
        )
        print(json.dumps(memory_child(args.memory_child, work, args.tracemalloc)))
        return 0

    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = sorted(set(models) - set(wl.MODELS))
    if unknown:
        print(f"error: --models: unknown {unknown}; allowed: {', '.join(wl.MODELS)}")
        return 2
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    problem = ccsim_problem() if "ccsim" in models else None
    if problem:
        print(f"NOTE: ccsim is not available ({problem}); benchmarking the peers only.")
        models.remove("ccsim")
    results: dict = {
        "environment": environment("simpy", "ciw", "numpy"),
        "ccsim_unavailable": problem,
        "options": {k: str(v) for k, v in vars(args).items()},
    }
    work = canonical(args)
    print(
        f"Canonical workload: M/M/{work.agents}+M, {work.rate_per_hour:g} calls/h, AHT "
        f"{work.aht:g} s, patience {work.patience:g} s, FCFS, horizon {work.days} d x "
        f"{work.hours_per_day} h (~{work.expected_arrivals:,} expected arrivals; every speed "
        "is per arrival actually simulated)."
    )
    warm_up(models)
    results["canonical"] = speed_and_accuracy(work, models, args.repeat)
    if "memory" not in skip:
        mem_models = [m for m in models if m == "ccsim" or args.peer_memory]
        if mem_models:
            results["memory"] = memory(work, mem_models, args.seed)
    if "linearity" not in skip and "ccsim" in models:
        results["linearity"] = linearity(work, args.repeat)
    if "scale" not in skip:
        scale_models = [m for m in models if m != "Ciw" or args.ciw_scale]
        results["scale"] = scale(work, scale_models, args.repeat)
    results["goals"] = goals(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str))
        print(f"Figures written to {args.json}")
    mismatch = any(
        not all(r["agrees_with_erlang_a"].values()) for r in results["canonical"]["runs"].values()
    )
    failed = any(not g["pass"] for g in results["goals"].values()) or bool(problem)
    return 1 if args.strict and (mismatch or failed) else 0


if __name__ == "__main__":
    sys.exit(main())
