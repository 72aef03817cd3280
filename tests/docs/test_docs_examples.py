"""Every example in README.md and docs/*.md runs, so the documentation cannot drift from ccsim.

What runs, and the only liberties taken with an example:

* **Shell examples**: a ```` ```bash ```` or ```` ```sh ```` block that holds a ``ccsim …`` (or
  ``python -m ccsim …``) command runs with ``bash -e`` in a fresh temporary folder, with the
  installed package's ``ccsim`` first on the PATH; so ``&&``, ``>`` and ``*`` mean what they
  mean in a shell, and a failing command fails the test. The folder holds a link to the
  repository's ``data/`` (the calibration examples read the sample log from a clone).
  ``python -m pip install …`` steps are left out: the test runs the package already installed.
  Blocks without a ccsim command are instructions for a person (installing, the test suite,
  ruff, benchmarks, starting Dask); :func:`test_every_shell_block_is_run_or_an_instruction`
  checks they hold nothing else.
* **Shortened**: to keep the suite's time sane, every ``ccsim run``, ``compare`` and ``sweep``
  command, and ``ccsim backtest --mode model``, runs with ``--reps 2`` (replacing any
  ``--reps N`` the example gives). ``ccsim staff`` keeps its search as written (two
  replications cannot judge a ``--confidence`` target) and runs with ``--confirm-reps 2`` —
  unless it has ``--strict``, where the confirmation run decides the exit status and so runs as
  written. Nothing else is changed (see :func:`shortened`).
* **Skipped**: a block right after a ``<!-- docs-test: skip (reason) -->`` line is not run; the
  reason is required, and at most ``MAX_SKIPS`` blocks may be skipped (today: the one that
  needs a Dask scheduler).
* **Python examples**: every ```` ```python ```` block is a complete program, run with this
  interpreter in a fresh temporary folder.

Blocks that simulate a lot — a staffing search, a sweep, a comparison, calibration, more than
one run, or a Python example running an experiment — are marked ``slow``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from paths import DATA, REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
SHELL = {"bash", "sh"}
SKIP = re.compile(r"<!--\s*docs-test:\s*skip\s*\((?P<reason>[^)]+)\)\s*-->")
MAX_SKIPS = 1
SHORTENED = ("run", "compare", "sweep")
SLOW_COMMANDS = ("staff", "sweep", "compare", "fit", "backtest")
INSTRUCTIONS = (
    "python -m pip ",
    "pip ",
    "python -m pytest",
    "ruff ",
    "python benchmarks/",
    "python scripts/",
    "dask ",
)
TIMEOUT = 1800  # seconds per block: the slow ones on a busy 2-core machine


@dataclass(frozen=True)
class Block:
    """One fenced code block of a documentation page."""

    page: Path
    line: int  # where its opening fence is (1-based)
    language: str
    text: str
    skip_reason: str | None

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(REPO)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of ``page``, in order."""
    found = []
    lines = page.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        fence = re.match(r"^```(\w*)\s*$", lines[index])
        if not fence:
            index += 1
            continue
        start = index
        index += 1
        body = []
        while index < len(lines) and not lines[index].startswith("```"):
            body.append(lines[index])
            index += 1
        before = lines[start - 1] if start > 0 else ""
        skip = SKIP.search(before)
        found.append(
            Block(
                page,
                start + 1,
                fence.group(1),
                "\n".join(body) + "\n",
                skip.group("reason").strip() if skip else None,
            )
        )
        index += 1
    return found


ALL_BLOCKS = [block for page in PAGES for block in blocks(page)]


def commands(block: Block) -> list[str]:
    """The block's commands: continuation lines joined, comments dropped, split at ``&&``."""
    joined = block.text.replace("\\\n", " ")
    found = []
    for line in joined.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", line).strip()
        found += [part.strip() for part in line.split("&&") if part.strip()]
    return found


def is_ccsim(command: str) -> bool:
    return command.startswith(("ccsim ", "python -m ccsim")) or command == "ccsim"


def shortened(command: str) -> str:
    """``command`` as the test runs it (the rule in the module docstring)."""
    words = command.split()
    if words[0] != "ccsim" or len(words) < 2:
        return command
    sub = words[1]
    model_backtest = sub == "backtest" and re.search(r"--mode[ =]model\b", command)
    rest = " " + " ".join(words[2:])
    if sub == "staff" and "--strict" not in words:
        rest = re.sub(r"\s--confirm-reps[ =]\d+", "", rest)
        return " ".join(["ccsim", sub, "--confirm-reps", "2", rest.strip()]).strip()
    if sub not in SHORTENED and not model_backtest:
        return command
    rest = re.sub(r"\s--reps[ =]\d+", "", rest).strip()
    return " ".join(["ccsim", sub, "--reps", "2", rest]).strip()


def script(block: Block) -> str:
    """The bash script a shell block runs as."""
    kept = [shortened(c) for c in commands(block) if not c.startswith(INSTRUCTIONS[:2])]
    return "set -euo pipefail\n" + "\n".join(kept) + "\n"


def _is_slow(block: Block) -> bool:
    if block.language == "python":
        return "run_experiment(" in block.text
    subs = [c.split()[1] for c in commands(block) if c.startswith("ccsim ") and len(c.split()) > 1]
    return any(sub in SLOW_COMMANDS for sub in subs) or subs.count("run") > 1


def _param(block: Block):
    marks = [pytest.mark.slow] if _is_slow(block) else []
    return pytest.param(block, id=block.name, marks=marks)


SHELL_EXAMPLES = [
    _param(b)
    for b in ALL_BLOCKS
    if b.language in SHELL and b.skip_reason is None and any(map(is_ccsim, commands(b)))
]
PYTHON_EXAMPLES = [_param(b) for b in ALL_BLOCKS if b.language == "python"]


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("CCSIM_SCHEDULER", None)  # local processes, whatever the machine says
    env["MPLBACKEND"] = "Agg"
    return env


def _run(argv: list[str], folder: Path, block: Block) -> None:
    (folder / "data").symlink_to(DATA, target_is_directory=True)
    done = subprocess.run(
        argv,
        cwd=folder,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, (
        f"the example at {block.name} failed (exit status {done.returncode}):\n"
        f"{block.text}\n--- stdout ---\n{done.stdout[-4000:]}\n--- stderr ---\n"
        f"{done.stderr[-4000:]}"
    )


@pytest.mark.parametrize("block", SHELL_EXAMPLES)
def test_shell_example_runs(block: Block, tmp_path: Path):
    _run(["bash", "-c", script(block)], tmp_path, block)


@pytest.mark.parametrize("block", PYTHON_EXAMPLES)
def test_python_example_runs(block: Block, tmp_path: Path):
    program = tmp_path / "example.py"
    program.write_text(block.text, encoding="utf-8")
    _run([sys.executable, str(program)], tmp_path, block)


def test_every_shell_block_is_run_or_an_instruction():
    for block in ALL_BLOCKS:
        if block.language not in SHELL or block.skip_reason is not None:
            continue
        found = commands(block)
        if any(map(is_ccsim, found)):
            continue
        others = [c for c in found if not c.startswith(INSTRUCTIONS)]
        assert not others, f"{block.name}: neither a ccsim example nor an instruction: {others}"


def test_few_examples_are_skipped_and_each_says_why():
    skipped = [b for b in ALL_BLOCKS if b.skip_reason is not None]
    assert len(skipped) <= MAX_SKIPS, [b.name for b in skipped]
    assert all(b.skip_reason for b in skipped)
    bare = [
        f"{page.relative_to(REPO)}"
        for page in PAGES
        if "docs-test: skip" in page.read_text(encoding="utf-8")
        and not SKIP.search(page.read_text(encoding="utf-8"))
    ]
    assert not bare, f"a skip marker without a reason in {bare}"


def test_the_pages_have_examples_and_the_shortening_rule_holds():
    assert len(SHELL_EXAMPLES) >= 10 and len(PYTHON_EXAMPLES) >= 3
    assert shortened("ccsim run") == "ccsim run --reps 2"
    assert shortened("ccsim run two-pools --reps 30 --seed 7") == (
        "ccsim run --reps 2 two-pools --seed 7"
    )
    assert shortened("ccsim staff default-day") == ("ccsim staff --confirm-reps 2 default-day")
    assert shortened("ccsim staff shifts-day --shifts --strict") == (
        "ccsim staff shifts-day --shifts --strict"
    )
    assert shortened("ccsim backtest log.csv s.yaml") == "ccsim backtest log.csv s.yaml"
    assert shortened("ccsim erlang --calls 100") == "ccsim erlang --calls 100"


def test_no_page_cites_files_outside_the_repository():
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        assert "../shared" not in text, page
        for target in re.findall(r"\]\(([^)#]+)\)", text):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.name}: broken link {target}"
