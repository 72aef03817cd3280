"""Names of what-ifs: a ``--set`` override as a planner says it (``staffing+2``, ``aht×1.1``).

A what-if run, a comparison's variants and a sweep's points are named by what was set, not by
the setting's full path: ``pools.agents.staffing=+2`` is ``staffing+2``. These names title
results and name their folders (made safe for a path by
:func:`ccsim.output.destination.safe_name`). Kept apart from the studies that use them, with
nothing heavier than the scenario's overrides, so that naming a run costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from ccsim.scenario.overrides import Override, parse_override

GENERIC_PARTS = frozenset(
    {"mean", "cv", "shape", "value", "values", "low", "high", "probability", "target",
     "threshold", "rate_per_hour", "volume_per_interval", "day_factors", "formula"}
)  # fmt: skip
"""Last parts of a setting's path that say too little alone (``patience.mean``, not
``mean``): a variant's name keeps the part before them."""

LABEL_VALUE = 24
"""The most characters of a set value a variant's name quotes."""


def override_label(override: Override | str) -> str:
    """A what-if as a planner says it: ``pools.agents.staffing=+2`` → ``staffing+2``,
    ``contact_types.voice.aht=*1.1`` → ``aht×1.1``, ``pools.agents.staffing=14`` →
    ``staffing=14``, ``…staffing=+-2`` → ``staffing-2``, ``…patience.mean=60`` →
    ``patience.mean=60``."""
    if isinstance(override, str):
        override = parse_override(override)
    return _label_of(override, _short_path(override.path, 1))


def variant_label(overrides: Sequence[str]) -> str:
    """The name of the variant a list of ``--set`` overrides makes: each
    :func:`override_label`, joined by spaces (``staffing+2 aht×1.1``); two settings with the
    same last part keep more of their paths (``tier1.staffing+2 tier2.staffing+1``)."""
    parsed = [parse_override(text) for text in overrides]
    labels = []
    for override in parsed:
        depth = 1
        while depth < len(override.path) and any(
            other.path != override.path
            and _short_path(other.path, depth) == _short_path(override.path, depth)
            for other in parsed
        ):
            depth += 1
        labels.append(_label_of(override, _short_path(override.path, depth)))
    return " ".join(labels)


def what_if_name(base: str, overrides: Sequence[str]) -> str:
    """The name of a ``run --set`` what-if: the base scenario's and what was set
    (``two-pools staffing+2``), for its title and its results folder."""
    return f"{base} {variant_label(overrides)}" if overrides else base


def _short_path(path: tuple[str, ...], depth: int) -> str:
    keep = depth
    while keep < len(path) and (path[-keep] in GENERIC_PARTS or path[-keep].isdigit()):
        keep += 1  # `mean` says nothing alone: `patience.mean`; `0` neither: `transfers.0`
    return ".".join(path[-keep:])


def _label_of(override: Override, short: str) -> str:
    value = override.value
    if override.operation == "add":
        return f"{short}{'+' if value >= 0 else '-'}{abs(value):g}"
    if override.operation == "multiply":
        return f"{short}×{value:g}"
    text = override.text.partition("=")[2].strip()
    if len(text) > LABEL_VALUE:
        text = text[: LABEL_VALUE - 1] + "…"
    return f"{short}={text}"


def unique_labels(names: list[str]) -> list[str]:
    """The names, with ``-2``, ``-3`` … added to repeats so every label is unique."""
    seen: dict[str, int] = {}
    labels = []
    for name in names:
        count = seen.get(name, 0) + 1
        seen[name] = count
        labels.append(name if count == 1 else f"{name}-{count}")
    return labels
