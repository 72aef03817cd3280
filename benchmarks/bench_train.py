"""Training benchmark: is ``ccsim train`` fast enough to feel live?

Run from the repository root::

    python benchmarks/bench_train.py              # 30 s of wall time at 60×
    python benchmarks/bench_train.py --quick      # 10 s
    python benchmarks/bench_train.py --json out.json

It starts ``ccsim train`` (a real server, in its own process) on a 200-agent centre — 2,300
calls an hour, 5-minute calls, 200 agents, open 08:00-20:00 — and plays the page's part: a
client that, like the page, asks every 150 ms to advance the day by the wall time since its
last request × the speed (60×), and reads back the floor and the intervals so far. It
reports updates per second reaching the page, the update latency (request to answer: median
and 95th percentile), the contacts simulated per wall second, and the server's CPU share
(its user + system time over the wall time, from ``/proc``; 1.0 = one core).

It measures twice: with ``--no-debrief``, and with the debrief on (as trainees run it). The
debrief (a quick staffing search and a replay per plan and per decision) runs outside the
server's process, in a child at nice 19 started with the server, so the server's share
should match while the child computes beside it; the second run then plays the rest of the
day and reports how long the debrief still took to reach the page and the CPU the child
used (from ``/proc``: the server's reaped children), apart from the server's.

The goal (issue 16): at 60× at least 5 updates a second with the server under half a core.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

EXERCISE = """
name: bench-200
title: 200 agents
learning_goal: benchmark
scenario:
  name: bench-200
  horizon: {days: 1, interval: 30min, open: "08:00", close: "20:00"}
  contact_types:
    voice:
      arrivals: {rate_per_hour: 2300}
      handle_time: {distribution: lognormal, mean: 300s, cv: 0.8}
      patience: {distribution: exponential, mean: 3min}
      service_level: {threshold: 20s, target: 0.8}
  pools:
    agents: {serves: [voice], staffing: 200, cost_per_hour: 30}
  experiment: {replications: 1, seed: 1}
levers:
  - {kind: agents, pool: agents, max_step: 10}
goals:
  service_level: [{contact_type: voice}]
"""


def cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU seconds of process ``pid`` (``children``: of its finished child
    processes instead) (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    first = 13 if children else 11  # cutime, cstime after utime, stime
    return (int(fields[first]) + int(fields[first + 1])) / os.sysconf("SC_CLK_TCK")


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def measure(speed: float, seconds: float, debrief: bool) -> dict:
    """One server, one trainee at ``speed`` for ``seconds`` of wall time: the figures."""
    work = Path(tempfile.mkdtemp(prefix="bench-train-"))
    (work / "bench.yaml").write_text(EXERCISE, encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "ccsim", "train", str(work / "bench.yaml"), "--no-browser"]
    command += ["--debrief" if debrief else "--no-debrief", "--port", str(port)]
    command += ["--results-dir", str(work / "results")]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api/"
    figures: dict = {"debrief": debrief}
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "exercise", timeout=2).read()
                break
            except OSError:
                time.sleep(0.3)
        session = post(base + "sessions", {"name": "bench"})["session"]
        advance = f"{base}sessions/{session}/advance"
        latencies, contacts = [], []
        cpu0, start = cpu_seconds(server.pid), time.perf_counter()
        last = start
        while time.perf_counter() - start < seconds:
            now = time.perf_counter()
            sent = time.perf_counter()
            state = post(advance, {"seconds": (now - last) * speed})
            last = now
            latencies.append(time.perf_counter() - sent)
            contacts.append(sum(r["offered"] for r in state["intervals"]))
            time.sleep(0.150)  # the page's pause between requests
        wall = time.perf_counter() - start
        cpu = cpu_seconds(server.pid) - cpu0
        figures.update(
            {
                "speed": speed,
                "agents": 200,
                "wall_seconds": round(wall, 1),
                "simulated_until": state["floor"]["clock"],
                "updates_per_second": round(len(latencies) / wall, 2),
                "latency_ms_median": round(1000 * statistics.median(latencies), 1),
                "latency_ms_p95": round(
                    1000 * sorted(latencies)[int(0.95 * (len(latencies) - 1))], 1
                ),
                "contacts_per_wall_second": round((contacts[-1] - contacts[0]) / wall, 1),
                "server_cpu_share": round(cpu / wall, 3),
            }
        )
        if debrief:  # the end of the day: how long until the debrief reaches the page
            children0 = 0.0  # the child began with the server
            post(advance, {"to": "end"})
            ended = time.perf_counter()
            card = f"{base}sessions/{session}/scorecard"
            while not json.loads(urllib.request.urlopen(card, timeout=30).read())["debrief_ready"]:
                time.sleep(0.5)
            figures["debrief_seconds_after_day_end"] = round(time.perf_counter() - ended, 1)
            figures["debrief_child_cpu_seconds"] = round(
                cpu_seconds(server.pid, children=True) - children0, 1
            )
    finally:
        server.terminate()
        server.wait(timeout=20)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 s instead of 30 s")
    parser.add_argument("--speed", type=float, default=60.0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    seconds = 10.0 if args.quick else 30.0
    runs = [measure(args.speed, seconds, debrief) for debrief in (False, True)]
    for figures in runs:
        print(f"-- debrief {'on' if figures['debrief'] else 'off'}")
        for key, value in figures.items():
            print(f"{key:32} {value}")
        ok = figures["updates_per_second"] >= 5 and figures["server_cpu_share"] < 0.5
        print("goal (≥ 5 updates/s, < half a core):", "met" if ok else "NOT met")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
