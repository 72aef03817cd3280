"""User-facing errors: what is wrong, where, and what is allowed.

A :class:`ScenarioError` is a user mistake (a bad scenario file or option), never a bug; the
CLI prints its message without a traceback and exits with status 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


class ScenarioError(ValueError):
    """A scenario file or option is invalid.

    Attributes:
        source: where the scenario came from (a file path, or ``"<dict>"``).
        problems: one line per problem, each naming the YAML path, the bad value and
            what is allowed.
    """

    def __init__(self, source: str, problems: Sequence[str]):
        self.source = source
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{source}: {count} problem{'s' if count != 1 else ''} in the scenario"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


def yaml_path(location: Iterable[object], data: object) -> str:
    """Turn a pydantic error location into the path a user sees in the YAML file.

    Pydantic adds the names of union members (``exponential``) and wrapper steps
    (``function-after[...]``) to locations; those are not keys of the file, so any step that
    is not found in the data being walked is left out.
    """
    parts: list[str] = []
    node = data
    for step in location:
        if isinstance(node, dict) and step in node:
            node = node[step]
            parts.append(str(step))
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
            parts.append(f"[{step}]")
        elif isinstance(node, (dict, list)) and isinstance(step, str) and _is_key_like(step):
            # A missing key (the error says it is required): still part of the path.
            if not _is_union_tag(step):
                parts.append(step)
                node = None
    return ".".join(parts).replace(".[", "[") or "(top level)"


def _is_key_like(step: str) -> bool:
    return step.replace("_", "").replace("-", "").isalnum()


_UNION_TAGS = {
    "exponential",
    "deterministic",
    "lognormal",
    "gamma",
    "weibull",
    "uniform",
    "empirical",
    "int",
    "float",
    "list[int]",
    "list[float]",
    "str",
}


def _is_union_tag(step: str) -> bool:
    return step in _UNION_TAGS
