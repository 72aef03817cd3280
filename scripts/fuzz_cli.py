"""Fuzz the ``ccsim`` command line: mutated bundled scenarios and option values, one process each.

Every command must end with exit 0, or exit 2 and one short message (``ccsim: …`` or click's
usage error) — never a traceback, never a hang, never more memory than the budget. The same
generator drives the test suite's property test (``tests/hardening/test_fuzz.py``, bounded to a
couple of minutes); this runner goes on for as long as you like::

    python scripts/fuzz_cli.py --count 1000 --jobs 1 --timeout 60 --out fuzz-results

It is resumable: ``--out`` keeps one line per command tried (``results.jsonl``), and running the
same command again carries on after the last one. Command *i* is always the same for a given
``--seed``. Every failure (traceback, hang, a long or missing message) gets a reproducer folder
``failures/NNNNN/`` with its files and ``command.sh``. At the end (and every 50 commands) the
counts are printed: tried / clean exit 2 / success / traceback / hang / long message.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = Path(str(resources.files("ccsim").joinpath("scenarios")))
LOG = REPO / "data" / "sample-contact-log.csv"
MAPPING = REPO / "data" / "sample-log-mapping.yaml"

MEMORY_BUDGET = 4 * 2**30
"""Address space a fuzzed command may use (bytes): RLIMIT_AS of its process."""

MAX_MESSAGE_LINES = 25
"""A clean refusal is short: at most this many lines on stderr (a scenario error lists one
line per problem)."""

OUTCOMES = ("clean", "success", "traceback", "hang", "long")

# -- values ------------------------------------------------------------------------------

NUMBERS = [0, -1, 1, 2, 0.5, 1e-9, 1e9, 1e19, 1e300, 2**63, 10**30, -1e9, 3.7]
ODD = [
    ".nan", ".inf", "-.inf", "", "abc", "1e400", "'12'", "true", "null", "[]", "{}",
    "[[voice]]", "[{voice: 1}]", "9:00", "'../../ESCAPED'", "/tmp/ESCAPED-abs", "x" * 300,
    "!!python/object/apply:os.system ['echo PWNED']",
]  # fmt: skip
OPTION_VALUES = [
    "0", "-1", "1", "2", "3", "nan", "inf", "-inf", "1e400", "10" * 15, str(10**30), "0.5",
    "", "abc", "%Q", "1e-9", "1.5", "999999999", "x" * 300,
]  # fmt: skip


@dataclass
class Case:
    """One fuzzed command: its arguments and the files it needs (written into its folder)."""

    args: list[str]
    files: dict[str, bytes] = field(default_factory=dict)
    timeout_factor: float = 1.0
    note: str = ""


def bundled() -> list[str]:
    return sorted(p.stem for p in SCENARIOS.glob("*.yaml"))


def _value(rng: random.Random) -> object:
    """A replacement value for a scenario field: a number, an odd string, or a structure."""
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(NUMBERS)
    if roll < 0.8:
        text = rng.choice(ODD)
        if rng.random() < 0.5:
            try:
                return yaml.safe_load(text)
            except yaml.YAMLError:  # a tag YAML refuses (it must): keep the text
                return text
        return text
    return rng.choice([[], {}, [[1, 2]], {"voice": 1}, [None], None, True, "12"])


def _leaves(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, (*path, index))
    if path:
        yield path


def _set(data, path, value, delete=False):
    node = data
    for step in path[:-1]:
        node = node[step]
    if delete:
        if isinstance(node, dict):
            node.pop(path[-1], None)
        elif isinstance(node, list) and len(node) > 1:
            node.pop(path[-1])
    else:
        node[path[-1]] = value


def mutated_scenario(rng: random.Random, name: str | None = None) -> tuple[str, bytes]:
    """A bundled scenario with a few fields changed, deleted or scaled (or its text broken)."""
    name = name or rng.choice(bundled())
    text = (SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8")
    roll = rng.random()
    if roll < 0.12:
        return name, _broken_text(rng, text).encode("utf-8", "surrogateescape")
    data = yaml.safe_load(text)
    leaves = list(_leaves(data))
    for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
        path = rng.choice(leaves)
        try:
            if rng.random() < 0.15:
                _set(data, path, None, delete=True)
            else:
                _set(data, path, _scaled(rng, _get(data, path)))
        except (KeyError, IndexError, TypeError):
            continue
        leaves = list(_leaves(data))
    if rng.random() < 0.3 and isinstance(data.get("experiment", {}), dict):
        data["experiment"] = {**(data.get("experiment") or {}), "replications": rng.choice([1, 2])}
    return name, yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")


def _get(data, path):
    node = data
    for step in path:
        node = node[step]
    return node


def _scaled(rng: random.Random, old):
    """Often a plausible change (×0, ×10, ×1000 of a number); sometimes anything."""
    if isinstance(old, (int, float)) and not isinstance(old, bool) and rng.random() < 0.5:
        factor = rng.choice([0, 0.5, 2, 10, 1000, 1e6, -1])
        new = old * factor
        return int(new) if isinstance(old, int) and math.isfinite(new) else new
    return _value(rng)


def _broken_text(rng: random.Random, text: str) -> str:
    """Raw-text mutations YAML parsing must survive: nesting, aliases, duplicates, junk."""
    choice = rng.randrange(9)
    if choice == 0:
        return "a: " + "[" * 600 + "]" * 600 + "\n" + text
    if choice == 1:
        lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
        for i in range(1, 9):
            lines.append(
                f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]"
            )
        return text + "\n" + "\n".join(lines) + "\n"
    if choice == 2:
        return text.replace("name:", "name: dup\nname:", 1)
    if choice == 3:
        return text.replace('"08:00"', "8:00").replace('"09:00"', "9:00").replace('"00:00"', "0:00")
    if choice == 4:
        return text[: rng.randrange(len(text))]
    if choice == 5:
        return text + "\n\x00\xff" + "".join(chr(rng.randrange(1, 0x2FF)) for _ in range(40))
    if choice == 6:
        return "name: !!python/object/apply:os.system ['echo PWNED']\n" + text
    if choice == 7 and rng.random() < 0.3:
        return text + "\nloop: &loop [*loop]\n"
    if choice == 7:
        return text.replace("name: ", "name: ../../ESCAPED-", 1)
    return text.replace("name: ", "name: /tmp/ESCAPED-ABS-", 1)


def _option(rng: random.Random, usual: str) -> str:
    return usual if rng.random() < 0.9 else rng.choice(OPTION_VALUES)


def make_case(rng: random.Random, heavy: bool = True) -> Case:
    """One fuzzed command. ``heavy``: also the slow commands (staff, fit, backtest)."""
    kinds = ["validate"] * 30 + ["run"] * 25 + ["erlang"] * 15 + ["compare"] * 8
    kinds += ["sweep"] * 9 + ["misc"] * 4
    if heavy:
        kinds += ["staff"] * 3 + ["fit"] * 3 + ["backtest"] * 3
    for _ in range(100):  # a mutation the generator itself cannot write: draw again
        kind = rng.choice(kinds)
        try:
            return globals()[f"_{kind}_case"](rng)
        except (TypeError, ValueError, RecursionError, yaml.YAMLError):
            continue
    return Case(["validate", "default-day"])


def _common(rng: random.Random, reps: bool = True) -> list[str]:
    args = ["--jobs", _option(rng, "1")]
    if reps:
        args += ["--reps", _option(rng, rng.choice(["1", "2", "2", "3"]))]
    if rng.random() < 0.2:
        args += ["--seed", _option(rng, str(rng.randrange(100)))]
    if rng.random() < 0.1:
        args += ["--out", rng.choice(["out", "x" * 300, "link", "scenario.yaml"])]
    if rng.random() < 0.05:
        args += ["--scheduler", rng.choice(["tls://127.0.0.1:1", "ucx://127.0.0.1:1", "x"])]
    return args


def _scenario_file(rng: random.Random, case_files: dict[str, bytes]) -> str:
    if rng.random() < 0.1:
        return rng.choice([*bundled(), "nonexistent.yaml", "/dev/null", "."])
    _, content = mutated_scenario(rng)
    case_files["scenario.yaml"] = content
    return "scenario.yaml"


def _validate_case(rng):
    files: dict[str, bytes] = {}
    return Case(["validate", _scenario_file(rng, files)], files)


def _run_case(rng):
    files: dict[str, bytes] = {}
    args = ["run", _scenario_file(rng, files), "-q", "--no-records", *_common(rng)]
    args += ["--results-dir", "results"]
    for _ in range(rng.choice([0, 0, 1, 2])):
        args += ["--set", _override(rng)]
    return Case(args, files)


def _override(rng: random.Random) -> str:
    path = rng.choice(
        [
            "pools.agents.staffing", "contact_types.voice.aht",
            "contact_types.voice.handle_time.mean",
            "contact_types.voice.arrivals.rate_per_hour", "contact_types.voice.patience.mean",
            "experiment.replications", "horizon.days", "pools.agents.serves", "name", "bogus.path",
        ]
    )  # fmt: skip
    value = rng.choice(["+1", "*1.1", "*0", "*1e9", "x", "[[voice]]", "nan", "1e19", "-3"])
    return f"{path}={_option(rng, value)}"


def _erlang_case(rng):
    args = ["erlang", "--calls", _option(rng, rng.choice(["100", "0", "1e6"]))]
    args += ["--aht", _option(rng, rng.choice(["180", "3min", "0"]))]
    if rng.random() < 0.5:
        args += ["--agents", _option(rng, rng.choice(["14", "1", str(10**30)]))]
    else:
        args += ["--target", _option(rng, rng.choice(["0.8", "0.99", "1"]))]
    for option, usual in (("--patience", "120"), ("--lines", "20"), ("--shrinkage", "0.3")):
        if rng.random() < 0.3:
            args += [option, _option(rng, rng.choice([usual, "nan", "1e170"]))]
    if rng.random() < 0.3:
        args += ["--interval", _option(rng, "30min")]
    if rng.random() < 0.3:
        args.append("--json")
    return Case(args)


def _compare_case(rng):
    files: dict[str, bytes] = {}
    first = _scenario_file(rng, files)
    args = ["compare", first, "-q", *_common(rng), "--results-dir", "results"]
    if rng.random() < 0.6:
        args += ["--set", _override(rng)]
    else:
        args.insert(2, rng.choice([first, *bundled()]))
    return Case(args, files)


def _sweep_case(rng):
    files: dict[str, bytes] = {}
    args = ["sweep", _scenario_file(rng, files), "-q", *_common(rng), "--results-dir", "results"]
    if rng.random() < 0.75:
        path = _override(rng).split("=")[0]
        spec = rng.choice(
            ["10:12", "nan:3", "1:inf", "1:1e9", "1:1e300:1e-300", "+0,+1", "*1,*2", "1:10000"]
        )
        args += ["--grid", f"{path}={spec}"]
        if rng.random() < 0.2:
            args += ["--grid", "contact_types.voice.aht=1:10000"]
    else:
        files["points.yaml"] = rng.choice(
            [
                b"- {pools.agents.staffing: 12}\n- {pools.agents.staffing: 13}\n",
                b"\xff\xfe not utf-8\n",
                b"- " + b"[" * 600 + b"]" * 600 + b"\n",
                b"[]\n",
                b"a: &a [1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n",
            ]
        )
        args += ["--points", "points.yaml"]
    if rng.random() < 0.3:
        args += ["--measure", rng.choice(["asa", "bogus", "voice.abandon_rate", "x.y.z"])]
    return Case(args, files, timeout_factor=2)


def _staff_case(rng):
    text = (SCENARIOS / "erlang-a.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["horizon"] = {"days": 1, "interval": "60min", "open": "00:00", "close": "03:00"}
    files = {"scenario.yaml": yaml.safe_dump(data).encode()}
    args = ["staff", "scenario.yaml", "-q", "--jobs", "1", "--results-dir", "results"]
    for option in ("--reps", "--rerun-reps", "--confirm-reps"):
        args += [option, _option(rng, "2")]
    for option, usual in (
        ("--max-abandon", "0.1"), ("--shrinkage", "0.3"), ("--confidence", "0.8"),
        ("--assurance", "0.9"), ("--max-asa", "30s"), ("--absenteeism", "0.1"),
    ):  # fmt: skip
        if rng.random() < 0.2:
            args += [option, _option(rng, usual)]
    return Case(args, files, timeout_factor=4)


def _fit_case(rng):
    args = ["fit", str(LOG), "--mapping", str(MAPPING), "--out", "fitted.yaml", "-q"]
    if rng.random() < 0.4:
        args += ["--datetime-format", _option(rng, rng.choice(["%Q", "%Y-%m-%d %H:%M:%S", "%"]))]
    if rng.random() < 0.3:
        args += ["--interval", _option(rng, "30min")]
    if rng.random() < 0.3:
        args += ["--name", rng.choice(["../../ESCAPED", "/tmp/ESCAPED", "x" * 300])]
    return Case(args, timeout_factor=2)


def _backtest_case(rng):
    files: dict[str, bytes] = {}
    scenario = _scenario_file(rng, files)
    args = ["backtest", str(LOG), scenario, "--mapping", str(MAPPING), "-q"]
    args += ["--results-dir", "results"]
    if rng.random() < 0.4:
        args += ["--mode", "model", "--reps", _option(rng, "2")]
    if rng.random() < 0.3:
        args += ["--datetime-format", _option(rng, "%Q")]
    return Case(args, files, timeout_factor=2)


def _misc_case(rng):
    return Case(
        rng.choice(
            [
                ["schema"],
                ["scenarios"],
                ["report", "nonexistent-folder"],
                ["report", "."],
                ["run", "--bogus-option"],
                ["scenarios", "--copy", "copied"],
            ]
        )
    )


# -- running -----------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str  # one of OUTCOMES
    exit_code: int | None
    seconds: float
    stderr: str


def _limits(memory: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        os.setsid()

    return apply


def run_case(case: Case, timeout: float, memory: int = MEMORY_BUDGET, keep: Path | None = None):
    """Run ``case`` in a fresh folder in its own process; classify how it ended."""
    folder = Path(tempfile.mkdtemp(prefix="ccsim-fuzz-"))
    try:
        for name, content in case.files.items():
            (folder / name).write_bytes(content)
        (folder / "ro").mkdir()
        os.symlink(folder / "ro", folder / "link")
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        env["MPLBACKEND"] = "Agg"
        env.pop("CCSIM_SCHEDULER", None)
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "ccsim", *case.args],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
            preexec_fn=_limits(memory),
        )
        try:
            _, err = process.communicate(timeout=timeout * case.timeout_factor)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            _, err = process.communicate()
            return Outcome("hang", None, time.monotonic() - started, _tail(err))
        seconds = time.monotonic() - started
        stderr = err.decode("utf-8", "replace")
        escaped = _escaped(folder)
        if escaped:
            stderr += f"\n[fuzz] wrote outside its folder: {escaped}"
        kind = classify(process.returncode, stderr, bool(escaped))
        return Outcome(kind, process.returncode, seconds, stderr[-3000:])
    finally:
        if keep is not None:
            shutil.copytree(folder, keep, dirs_exist_ok=True, symlinks=True)
        shutil.rmtree(folder, ignore_errors=True)


def classify(code: int | None, stderr: str, escaped: bool = False) -> str:
    """success, clean (exit 2, a short message), traceback, or long (exit 2, too long)."""
    if "Traceback" in stderr or escaped or code not in (0, 1, 2):
        return "traceback"
    if code == 2:
        lines = [line for line in stderr.strip().splitlines() if line.strip()]
        if not lines or len(lines) > MAX_MESSAGE_LINES or len(stderr) > 6000:
            return "long"
        return "clean"
    return "success"


def _escaped(folder: Path) -> list[str]:
    """Files a command wrote outside its folder (names made from ESCAPED scenario names);
    removed once found, so that each is reported once."""
    found = []
    for place in (folder.parent, Path("/tmp"), REPO, REPO / "results"):
        for path in place.glob("*ESCAPED*"):
            found.append(str(path))
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
    return found


def _tail(err: bytes) -> str:
    return err.decode("utf-8", "replace")[-3000:]


# -- the runner --------------------------------------------------------------------------


def case_for(seed: int, index: int, heavy: bool = True) -> Case:
    """Command ``index`` of the run with ``seed``: the same every time (resumable)."""
    return make_case(random.Random(f"{seed}-{index}"), heavy=heavy)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="commands to try in all")
    parser.add_argument("--jobs", type=int, default=1, help="commands at once")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per command")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--out", type=Path, default=Path("fuzz-results"))
    parser.add_argument("--light", action="store_true", help="no staff, fit or backtest")
    options = parser.parse_args(argv)
    options.out.mkdir(parents=True, exist_ok=True)
    log = options.out / "results.jsonl"
    done = set()
    counts = dict.fromkeys(OUTCOMES, 0)
    if log.exists():
        for line in log.read_text().splitlines():
            try:
                row = json.loads(line)
            except ValueError:
                continue
            done.add(row["index"])
            counts[row["kind"]] += 1
    todo = [i for i in range(options.count) if i not in done]

    def one(index: int) -> dict:
        case = case_for(options.seed, index, heavy=not options.light)
        outcome = run_case(case, options.timeout)
        row = {"index": index, "kind": outcome.kind, "exit": outcome.exit_code,
               "seconds": round(outcome.seconds, 2), "args": case.args}  # fmt: skip
        if outcome.kind not in ("clean", "success"):
            _reproducer(options.out / "failures" / f"{index:05d}", case, outcome)
            row["stderr"] = outcome.stderr[-600:]
        return row

    with ThreadPoolExecutor(max_workers=max(1, options.jobs)) as pool, log.open("a") as out:
        for n, row in enumerate(pool.map(one, todo), start=1):
            out.write(json.dumps(row) + "\n")
            out.flush()
            counts[row["kind"]] += 1
            if row["kind"] not in ("clean", "success"):
                print(f"{row['kind']}: ccsim {shlex.join(row['args'])}", flush=True)
            if n % 50 == 0:
                print(_counts(counts), flush=True)
    print(_counts(counts))
    return 1 if counts["traceback"] or counts["hang"] else 0


def _counts(counts: dict[str, int]) -> str:
    tried = sum(counts.values())
    return (
        f"tried {tried}: clean exit 2 {counts['clean']}, success {counts['success']}, "
        f"traceback {counts['traceback']}, hang {counts['hang']}, long message {counts['long']}"
    )


def _reproducer(folder: Path, case: Case, outcome: Outcome) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        (folder / name).write_bytes(content)
    (folder / "command.sh").write_text(
        f"#!/bin/sh\n# {outcome.kind}, exit {outcome.exit_code}, {outcome.seconds:.1f} s\n"
        f'cd "$(dirname "$0")" && python -m ccsim {shlex.join(case.args)}\n'
    )
    (folder / "stderr.txt").write_text(outcome.stderr)


if __name__ == "__main__":
    sys.exit(main())
