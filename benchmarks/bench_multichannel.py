"""Multi-channel benchmark: ccsim's cost per contact with a bot, chat, email and messaging.

Run from the repository root::

    python benchmarks/bench_multichannel.py               # ~183,000 contacts (4 days), ~7 s
    python benchmarks/bench_multichannel.py --quick       # ~21,000 contacts: a smoke test
    python benchmarks/bench_multichannel.py --json mc.json --strict

In one process run it times ccsim on the canonical single-queue workload of bench_core.py
(M/M/100+M, 1,900 calls/h) and on a multi-channel centre with about as many contacts per day
(voice behind a bot / IVR front door, chat, email, messaging conversations; a voice team, a
blended voice + email pool with voice first, a chat team holding up to three chats each, and a
digital team), best of N, interleaved.  It prints
contacts per second of both, the ratio of their costs per contact against the goal
(multi-channel <= 2x the single queue), and the centre's offered contacts, service level and
ASA per channel and occupancy per pool, so that a reader can see it is a sane centre.
Reuses bench_multiskill.py's timing; see benchmarks/README.md.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for _path in (str(HERE), str(REPO)):  # run as a script from anywhere, ccsim not installed
    if _path not in sys.path:
        sys.path.insert(0, _path)

import bench_multiskill as ms  # noqa: E402
import workload as wl  # noqa: E402
from machine import environment  # noqa: E402
from tables import print_goal, print_table  # noqa: E402

if TYPE_CHECKING:
    from ccsim.scenario import Scenario

GOAL_RATIO = 2.0  # multi-channel time per contact <= 2 x the single queue's
SINGLE = ms.SINGLE
MULTI = "multi-channel"
CHAT_NOTE = "chat agents hold up to 3 chats each, slower the more are open"

# The multi-channel centre: contact types and pools (68 agents).  Durations in seconds.  Every
# call meets the bot (a record), ~65 % are escalated to an agent (a second record); each
# conversation is ~4 messages (a record each).  Contacts per hour: 480 bot visits + ~310
# escalations + 120 chats + 200 emails + ~700 messages = ~1,810, about the canonical 1,900.
CONTACT_TYPES = {
    "voice": {
        "channel": "voice",
        "arrivals": {"rate_per_hour": 480},
        "handle_time": {"distribution": "lognormal", "mean": 270, "cv": 0.8},
        "patience": {"distribution": "exponential", "mean": 240},
        "service_level": {"threshold": 20, "target": 0.8},
        "self_service": {
            "duration": {"distribution": "lognormal", "mean": 60, "cv": 0.6},
            "containment": 0.3,
            "drop_out": 0.05,
            "handle_time_factor": 0.9,
        },
    },
    "chat": {
        "channel": "chat",
        "arrivals": {"rate_per_hour": 120},
        "handle_time": {"distribution": "lognormal", "mean": 480, "cv": 0.7},
        "patience": {"distribution": "exponential", "mean": 360},
        "service_level": {"threshold": 60, "target": 0.8},
    },
    "email": {
        "channel": "email",
        "arrivals": {"rate_per_hour": 200},
        "handle_time": {"distribution": "gamma", "mean": 360, "cv": 0.6},
        "service_level": {"threshold": 4 * 3600, "target": 0.9, "formula": "answered_only"},
    },
    "messages": {
        "channel": "messaging",
        "arrivals": {"rate_per_hour": 175},
        "handle_time": {"distribution": "lognormal", "mean": 75, "cv": 0.7},
        "conversation": {
            "mean_messages": 4,
            "think_time": {"distribution": "exponential", "mean": 180},
        },
        "service_level": {"threshold": 300, "target": 0.8, "formula": "answered_only"},
    },
}
POOLS = {
    "voice_team": {"serves": ["voice"], "staffing": 18},
    "blended": {"serves": {"voice": 1, "email": 2}, "staffing": 18},  # voice first
    "chat_team": {
        "serves": ["chat"],
        "staffing": 9,
        "max_concurrency": 3,
        "concurrency_factors": [1.0, 1.2, 1.5],
    },
    "digital_team": {"serves": {"messages": 1, "email": 2}, "staffing": 23},
}


# --------------------------------------------------------------------------- scenarios


def multichannel_spec(work: wl.Workload) -> dict:
    """The multi-channel scenario (parsed-YAML dict) over the horizon and seed of ``work``.

    With whole days (the full run) the centre is open 00:00-24:00, continuously, so email and
    messaging (deferrable: paused only at a closing) are worked around the clock.
    """
    return {
        "name": "benchmark-multichannel",
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


def describe(work: wl.Workload) -> str:
    """One line on both scenarios, for the top of the output."""
    voice, email, chats = (CONTACT_TYPES[n] for n in ("voice", "email", "messages"))
    chat = CONTACT_TYPES["chat"]
    bot = voice["self_service"]
    return (
        f"Single queue: M/M/{work.agents}+M, {work.rate_per_hour:g} calls/h, AHT "
        f"{work.aht:g} s. Multi-channel: voice {voice['arrivals']['rate_per_hour']:g}/h "
        f"behind a bot (containment {bot['containment']:g}, drop-out {bot['drop_out']:g}, "
        f"~{bot['duration']['mean']:g} s), chat {chat['arrivals']['rate_per_hour']:g}/h, "
        f"email {email['arrivals']['rate_per_hour']:g}/h, "
        f"messaging {chats['arrivals']['rate_per_hour']:g} conversations/h x "
        f"{chats['conversation']['mean_messages']:g} messages; {len(POOLS)} pools "
        f"({sum(p['staffing'] for p in POOLS.values())} agents). Both over {work.days} d x "
        f"{work.hours_per_day} h (~{work.expected_arrivals:,} single-queue arrivals). "
        f"Note: {CHAT_NOTE}."
    )


# --------------------------------------------------------------------------- timing


def scenarios(work: wl.Workload) -> dict[str, Scenario]:
    """Both validated scenarios over ``work``'s horizon, by label."""
    import ccsim

    return {
        SINGLE: ccsim.load_scenario(work.scenario_spec()),
        MULTI: ccsim.load_scenario(multichannel_spec(work)),
    }


def timed_runs(work: wl.Workload, repeat: int) -> dict[str, ms.SimRun]:
    """Both scenarios timed ``repeat`` times, interleaved; the fastest run of each.

    Both first run once over one hour so that imports and first calls are not timed.
    """
    tiny = wl.Workload(hours_per_day=1)
    for label, scenario in scenarios(tiny).items():
        ms.time_simulation(label, scenario, tiny)
    jobs = {
        label: partial(ms.time_simulation, label, scenario, work)
        for label, scenario in scenarios(work).items()
    }
    return wl.best_interleaved(jobs, repeat)


def breakdown(run: ms.SimRun) -> dict[str, int]:
    """A run's contacts (records) by what they are: bot visits, escalations, emails, ..."""
    import numpy as np

    from ccsim.records import Kind, Outcome

    # A bot visit ends contained, dropped out, or escalated to the agents.
    bot_outcomes = (Outcome.CONTAINED, Outcome.BOT_DROPPED, Outcome.ESCALATED)
    records, scenario = run.records, run.scenario
    channel = np.array([scenario.contact_types[name].channel for name in records.contact_types])
    of = channel[records.contact_type]
    voice = of == "voice"
    bot = voice & np.isin(records.outcome, bot_outcomes)
    escalation = voice & (records.kind == Kind.ESCALATION)
    return {
        "bot_visits": int(bot.sum()),
        "escalations": int(escalation.sum()),
        "other_calls": int((voice & ~bot & ~escalation).sum()),
        "chats": int((of == "chat").sum()),
        "emails": int((of == "email").sum()),
        "messages": int((of == "messaging").sum()),
    }


# --------------------------------------------------------------------------- sections


def speed(runs: dict[str, ms.SimRun], repeat: int) -> dict:
    """Contacts per second of both scenarios and the ratio of their cost per contact."""
    base = runs[SINGLE].microseconds_per_arrival
    out, rows = {}, []
    for label, run in runs.items():
        ratio = run.microseconds_per_arrival / base
        out[label] = {
            "contacts": run.arrivals,
            "by_kind": breakdown(run),
            "seconds": run.seconds,
            "contacts_per_s": run.per_second,
            "us_per_contact": run.microseconds_per_arrival,
            "ratio_vs_single_queue": ratio,
        }
        rows.append(
            [
                label,
                f"{run.arrivals:,}",
                f"{run.seconds:.2f}",
                f"{run.per_second:,.0f}",
                f"{run.microseconds_per_arrival:.2f}",
                f"{ratio:.2f}x",
            ]
        )
    kinds = out[MULTI]["by_kind"]
    print_table(
        "Speed - ccsim, single queue vs multi-channel",
        ["scenario", "contacts", "seconds", "contacts/s", "us/contact", "vs single queue"],
        rows,
        note=f"wall time of ccsim.simulate, records kept; a contact is any record: "
        f"multi-channel = {kinds['bot_visits']:,} bot visits + {kinds['escalations']:,}"
        f" escalations + {kinds['chats']:,} chats + {kinds['emails']:,} emails + "
        f"{kinds['messages']:,} messages; "
        f"best of {repeat}, interleaved; {CHAT_NOTE}",
    )
    return out


def goal(speeds: dict) -> dict:
    """The multi-channel goal: cost per contact at most GOAL_RATIO x the single queue's."""
    return print_goal(
        "multi-channel / single-queue us per contact",
        speeds[MULTI]["ratio_vs_single_queue"],
        GOAL_RATIO,
    )


def centre_measures(run: ms.SimRun) -> dict:
    """Offered, service level and ASA per channel, and occupancy per pool (a sanity check)."""
    from ccsim.measures.replication import measure

    measures = measure(run.records, run.scenario)
    by_channel = {
        name: ms._floats(m, ("offered", "service_level", "asa", "abandon_rate", "busy_hours"))
        for name, m in measures.by_channel.items()
    }
    by_pool = {
        name: ms._floats(m, ("answered", "occupancy")) for name, m in measures.by_pool.items()
    }
    containment = float(measures.by_type["voice"]["containment_rate"])
    targets = {
        CONTACT_TYPES[t].get("channel", "voice"): CONTACT_TYPES[t]["service_level"]
        for t in CONTACT_TYPES
    }
    print_table(
        "Multi-channel centre - measures per channel",
        ["channel", "offered", "SL", "target", "ASA (s)", "abandoned", "agent hours"],
        [
            [
                name,
                f"{m['offered']:,.0f}",
                f"{m['service_level']:.3f}",
                f"{targets[name]['target']:.0%} in {_duration(targets[name]['threshold'])}",
                f"{m['asa']:.1f}",
                f"{m['abandon_rate']:.2%}",
                f"{m['busy_hours']:,.0f}",
            ]
            for name, m in by_channel.items()
        ],
        note="ccsim.measures.replication.measure(records, scenario).by_channel; "
        f"offered = contacts offered "
        f"to agents (escalations, emails, messages; bot visits are not): the bot contained "
        f"{containment:.1%} of calls",
    )
    print_table(
        "Multi-channel centre - pools",
        ["pool", "agents", "serves", "answered", "occupancy"],
        [
            [
                name,
                str(POOLS[name]["staffing"]),
                ms._skills(_serves(POOLS[name]["serves"])),
                f"{m['answered']:,.0f}",
                f"{m['occupancy']:.1%}",
            ]
            for name, m in by_pool.items()
        ],
        note="serves: p2 = priority 2 (1 when not shown): worked only when no priority-1 "
        "contact waits",
    )
    return {"by_channel": by_channel, "by_pool": by_pool, "containment_rate": containment}


def _duration(seconds: float) -> str:
    """A duration in short, e.g. ``20 s``, ``5 min``, ``4 h``."""
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"


def _serves(serves: list | dict) -> dict:
    """A pool's ``serves`` as a map of priorities (a list ranks every type 1)."""
    return serves if isinstance(serves, dict) else dict.fromkeys(serves, 1)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    args = ms.parse_args(argv, __doc__, "multi-channel")
    work = wl.Workload.for_arrivals(args.arrivals, seed=args.seed)
    print(describe(work))
    runs = timed_runs(work, args.repeat)
    results = {
        "environment": environment("simpy", "numpy"),
        "options": {k: str(v) for k, v in vars(args).items()},
        "workload_single_queue": asdict(work),
        "scenario_multichannel": multichannel_spec(work),
        "note": CHAT_NOTE,
    }
    results["speed"] = speed(runs, args.repeat)
    results["goal"] = goal(results["speed"])
    results["multichannel_measures"] = centre_measures(runs[MULTI])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
        print(f"Figures written to {args.json}")
    return 1 if args.strict and not results["goal"]["pass"] else 0


if __name__ == "__main__":
    sys.exit(main())
