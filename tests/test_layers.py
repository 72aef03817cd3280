"""The package layout: imports run down the stack, and no module imports itself in a circle.

The layers, bottom to top, are listed in ``docs/DESIGN.md``. Every import counts — at module
level, inside functions, and under ``TYPE_CHECKING`` — because an import hidden in a function
is still a dependency the next engineer has to know about.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ccsim"

# Bottom to top. A module may import its own layer and the layers before it.
LAYERS = (
    (
        "foundations",
        (
            "ccsim",
            "ccsim.units",
            "ccsim.errors",
            "ccsim.atomic",
            "ccsim.jsonable",
            "ccsim.timeline",
            "ccsim.stats",
        ),
    ),
    ("scenario", ("ccsim.scenario",)),
    ("analytic", ("ccsim.analytic",)),
    ("records", ("ccsim.records",)),
    ("model", ("ccsim.model",)),
    ("measures", ("ccsim.measures",)),
    ("experiment", ("ccsim.experiment",)),
    ("studies", ("ccsim.studies",)),
    ("calibration", ("ccsim.calibration",)),
    ("intraday", ("ccsim.intraday",)),
    ("output", ("ccsim.output",)),
    ("training", ("ccsim.training",)),
    ("cli", ("ccsim.cli", "ccsim.__main__")),
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _layer(module: str) -> int:
    best, rank = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    assert rank >= 0, f"{module} belongs to no layer: add it to LAYERS and docs/DESIGN.md"
    return rank


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The ccsim modules ``path`` imports (``from ccsim.x import y`` counts ``ccsim.x.y``
    when that is a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            names += [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name in modules:
                found.add(name)
    return found


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    modules = set(paths)
    # A package's __init__ re-exporting a module is not a dependency of the importer on
    # every sibling; count imports of modules only.
    return {name: _imports(path, modules) - {name} for name, path in paths.items()}


def test_every_import_runs_down_the_stack():
    upward = []
    for module, imported in sorted(_graph().items()):
        if module == "ccsim":
            continue  # the top-level package re-exports by name, lazily
        for target in sorted(imported):
            if target == "ccsim":
                continue
            if _layer(target) > _layer(module):
                upward.append(f"{module} → {target}")
    assert not upward, "imports up the stack:\n" + "\n".join(upward)


def test_no_import_cycles():
    graph = _graph()
    graph = {
        module: {t for t in targets if graph.get(t) is not None and t != "ccsim"}
        for module, targets in graph.items()
    }
    # Packages whose __init__ re-exports its modules would form trivial cycles with them;
    # a module importing its own package's __init__ is flagged like any other cycle.
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append(" → ".join(stack[stack.index(target) :] + [target]))
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(cycles)
