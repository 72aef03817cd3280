"""Fuzzed commands end cleanly: exit 0, or exit 2 with one short message (issue 14).

A hypothesis property test drives the generator of ``scripts/fuzz_cli.py`` (mutated bundled
scenarios and option values; the runner there goes on for thousands of commands): every
command runs in its own process, with a time limit and an address-space limit
(``RLIMIT_AS``), and must never end in a traceback, a hang or a long message. The
reproducers of the issue are explicit cases.
"""

from __future__ import annotations

import importlib.util
import shlex
import sys
import time

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from paths import DATA, REPO, SCENARIOS

pytestmark = pytest.mark.e2e

TIMEOUT = 45.0
"""Seconds a fuzzed command may take (its process is killed after: a hang)."""

BUDGET = 150.0
"""Seconds the property test may spend in all; examples after it are not run."""

_spec = importlib.util.spec_from_file_location("fuzz_cli", REPO / "scripts" / "fuzz_cli.py")
fuzz = importlib.util.module_from_spec(_spec)
sys.modules["fuzz_cli"] = fuzz  # its dataclasses look their module up
_spec.loader.exec_module(fuzz)

_STARTED: list[float] = []


def _check(case) -> None:
    outcome = fuzz.run_case(case, timeout=TIMEOUT)
    assert outcome.kind in ("clean", "success"), (
        f"{outcome.kind} (exit {outcome.exit_code}, {outcome.seconds:.1f} s): "
        f"ccsim {shlex.join(case.args)}\n{outcome.stderr[-2000:]}"
    )


@pytest.mark.slow
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the command is the reproducer
    suppress_health_check=list(HealthCheck),
)
@given(st.randoms(use_true_random=False))
def test_fuzzed_commands_end_in_success_or_one_short_message(rng):
    if not _STARTED:
        _STARTED.append(time.monotonic())
    if time.monotonic() - _STARTED[0] > BUDGET:
        return  # the suite's budget is spent; scripts/fuzz_cli.py goes on for longer
    _check(fuzz.make_case(rng, heavy=False))


# -- the reproducers of the issue --------------------------------------------------------


def _scenario(base: str, change=None, text: str | None = None) -> bytes:
    if text is not None:
        return text.encode("utf-8")
    data = yaml.safe_load((SCENARIOS / f"{base}.yaml").read_text(encoding="utf-8"))
    if change is not None:
        change(data)
    return yaml.safe_dump(data, sort_keys=False).encode("utf-8")


def _set(path: str, value):
    def change(data):
        node = data
        *parents, last = path.split(".")
        for key in parents:
            node = node[key]
        node[last] = value

    return change


def _run(content: bytes, *extra: str) -> fuzz.Case:
    args = ["run", "scenario.yaml", "--reps", "2", "--jobs", "1", "-q", "--no-records"]
    return fuzz.Case([*args, "--results-dir", "results", *extra], {"scenario.yaml": content})


def _nested(depth: int) -> str:
    return "name: deep\nhorizon: " + "[" * depth + "]" * depth + "\n"


def _alias_bomb() -> str:
    text = (SCENARIOS / "erlang-c.yaml").read_text(encoding="utf-8")
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        name, previous = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    bomb = "\n".join(lines) + "\n"
    return bomb + text.replace("mean: 180s", "mean: *i")


LOG, MAPPING = str(DATA / "sample-contact-log.csv"), str(DATA / "sample-log-mapping.yaml")
ERLANG = ["erlang", "--calls", "100", "--aht", "180"]
ARRIVALS = "contact_types.voice.arrivals"

REPRODUCERS = {
    "zero-arrivals": _run(_scenario("erlang-c", _set(ARRIVALS, {"rate_per_hour": 0}))),
    "zero-agents": _run(_scenario("erlang-a", _set("pools.agents.staffing", 0))),
    "patience-0": _run(_scenario("erlang-a", _set("contact_types.voice.patience.mean", 0))),
    "handle-time-0": _run(_scenario("erlang-c", _set("contact_types.voice.handle_time.mean", 0))),
    "erlang-patience-1e170": fuzz.Case([*ERLANG, "--agents", "14", "--patience", "1e170"]),
    "rate-1e9": _run(_scenario("erlang-c", _set(ARRIVALS, {"rate_per_hour": 1e9}))),
    "staffing-2**63": _run(_scenario("erlang-c", _set("pools.agents.staffing", 2**63))),
    "nested-600": _run(_nested(600).encode()),
    "alias-bomb": _run(_alias_bomb().encode()),
    "serves-nested-list": _run(_scenario("erlang-c", _set("pools.agents.serves", [["voice"]]))),
    "serves-mapping": _run(_scenario("erlang-c", _set("pools.agents.serves", [{"voice": 1}]))),
    "set-serves-nested": _run(_scenario("erlang-c"), "--set", "pools.agents.serves=[[voice]]"),
    "duplicate-key": _run(_scenario("erlang-c", text=(SCENARIOS / "erlang-c.yaml").read_text()
                                    .replace("name: erlang-c", "name: a\nname: erlang-c"))),
    "sexagesimal-open": _run(_scenario("default-day", text=(SCENARIOS / "default-day.yaml")
                                       .read_text().replace('open: "08:00"', "open: 8:00"))),
    "dev-zero": fuzz.Case(["validate", "/dev/zero"]),
    "grid-nan": fuzz.Case(["sweep", "erlang-c", "--grid", "pools.agents.staffing=nan:3"]),
    "grid-two-10000": fuzz.Case(["sweep", "erlang-c", "--grid", "pools.agents.staffing=1:10000",
                                 "--grid", "contact_types.voice.handle_time.mean=1:10000"]),
    "staff-reps-10**30": fuzz.Case(["staff", "erlang-c", "--reps", str(10**30)]),
    "backtest-reps-10**30": fuzz.Case(["backtest", LOG, "erlang-c", "--reps", str(10**30)]),
    "erlang-agents-10**30": fuzz.Case([*ERLANG, "--agents", str(10**30)]),
    "erlang-shrinkage-nan": fuzz.Case([*ERLANG, "--agents", "14", "--shrinkage", "nan"]),
    "datetime-format-%Q": fuzz.Case(["fit", LOG, "--mapping", MAPPING, "--out", "f.yaml",
                                     "--datetime-format", "%Q"]),
    "points-not-utf8": fuzz.Case(["sweep", "erlang-c", "--points", "p.yaml"],
                                 {"p.yaml": b"\xff\xfe- {pools.agents.staffing: 12}\n"}),
    "scheduler-tls": fuzz.Case(["run", "erlang-c", "--scheduler", "tls://127.0.0.1:8786"]),
    "scheduler-ucx": fuzz.Case(["run", "erlang-c", "--scheduler", "ucx://127.0.0.1:8786"]),
    "out-300-bytes": fuzz.Case(["run", "erlang-c", "--reps", "1", "--out", "x" * 300]),
    "out-symlink": fuzz.Case(["run", "erlang-c", "--reps", "1", "--out", "link"]),
    "sweep-measure-bogus": fuzz.Case(["sweep", "erlang-c", "--grid", "pools.agents.staffing=11:12",
                                      "--measure", "bogus"]),
    "sweep-name-escape": fuzz.Case(
        ["sweep", "scenario.yaml", "--grid", "pools.agents.staffing=11:12", "--reps", "1", "-q",
         "--jobs", "1", "--results-dir", "results"],
        {"scenario.yaml": _scenario("erlang-c", _set("name", "../../ESCAPED"))},
    ),
}  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("name", list(REPRODUCERS))
def test_the_issues_reproducers_end_cleanly(name):
    _check(REPRODUCERS[name])
