"""User-facing errors: what is wrong, where, and what is allowed.

A :class:`ScenarioError` is a user mistake (a bad scenario file or option), never a bug; the
CLI prints its message without a traceback and exits with status 2.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence


class ScenarioError(ValueError):
    """A scenario file or option is invalid.

    Attributes:
        source: where the scenario came from (a file path, or ``"<dict>"``).
        problems: one line per problem, each naming the YAML path, the bad value and
            what is allowed.
    """

    def __init__(self, source: str, problems: Sequence[str], headline: str = ""):
        """``headline`` replaces "N problems in the scenario" when the trouble is not in the
        scenario's keys (a file that is not there)."""
        self.source = source
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{source}: {headline or f'{count} problem' + ('s' if count != 1 else '')}"
        head += "" if headline else " in the scenario"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


def yaml_path(location: Iterable[object], data: object, not_keys: Collection[str] = ()) -> str:
    """Turn a pydantic error location into the path a user sees in the YAML file.

    Pydantic adds the names of union members (``exponential``, ``list[int]``) and wrapper
    steps (``function-after[...]``) to locations. Those are not keys of the file: a step that
    is not found in the data being walked is left out, unless it names a missing key (then it
    is part of the path; ``not_keys`` lists union-member names that never are).
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
        elif isinstance(node, dict) and _is_key_like(step) and step not in not_keys:
            parts.append(str(step))  # a required key that is missing
            node = None
    return ".".join(parts).replace(".[", "[") or "(top level)"


def _is_key_like(step: object) -> bool:
    return isinstance(step, str) and step.replace("_", "").replace("-", "").isalnum()


PROBLEM_LIST = "problems:\n"
"""Prefix of a validator message that carries several problems, one YAML path per line."""
