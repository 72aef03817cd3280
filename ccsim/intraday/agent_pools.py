"""Which pool each agent of a contact log belongs to (for ``ccsim state``).

A contact log names the agent who answered each contact but not their pool. The pool is
inferred from the scenario: an agent belongs to a pool whose ``serves`` covers every contact
type they answered in the log up to the cut (an agent who answered only ``billing`` goes to a
pool serving billing). When several pools could, the one serving *exactly* the agent's types
wins (a billing-only agent is a billing specialist, not a blended agent who happened to take
only billing), then the one ranking the agent's types highest (priority 1 before 2), then the
first in the scenario. An explicit table ``agent,pool`` (``--agent-pools FILE``) overrides
the inference for the agents it names.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

from ccsim.intraday.state import StateError
from ccsim.scenario import Scenario


def infer_pool(agent: str, types: frozenset[str], scenario: Scenario) -> str:
    """The pool of an agent who answered contacts of ``types``.

    Raises:
        StateError: no pool of the scenario serves every one of the types.
    """
    order = list(scenario.pools)
    candidates = [name for name, pool in scenario.pools.items() if types <= set(pool.serves)]
    if not candidates:
        raise StateError(
            f"agent {agent!r} answered {', '.join(sorted(types))} in the log, but no pool of "
            f"scenario {scenario.name!r} serves all of them ("
            + "; ".join(f"{n} serves {', '.join(p.serves)}" for n, p in scenario.pools.items())
            + "): name the agent's pool in --agent-pools FILE (a CSV with columns agent,pool)"
        )

    def rank(name: str) -> tuple:
        serves = scenario.pools[name].serves
        priorities = sorted(serves[t].priority for t in types)
        return (set(serves) != types, priorities, len(serves), order.index(name))

    return min(candidates, key=rank)


def read_agent_pools(path: str | Path) -> dict[str, str]:
    """An ``agent,pool`` CSV (a header row ``agent,pool``, then one agent a row).

    Raises:
        StateError: the file is missing, lacks the two columns, or names an agent twice
            with different pools.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise StateError(f"--agent-pools {path}: cannot read the file ({exc.strerror})") from None
    rows = list(csv.DictReader(text.splitlines()))
    fields = {f.strip().lower() for f in (rows[0].keys() if rows else [])}
    if not {"agent", "pool"} <= fields:
        raise StateError(
            f"--agent-pools {path}: the file needs a header row with columns agent,pool "
            f"and one row per agent (e.g. 'ag001,billing_team'); found columns "
            f"{sorted(fields) or 'none'}"
        )
    found: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        clean = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        agent, pool = clean["agent"], clean["pool"]
        if not agent or not pool:
            raise StateError(f"--agent-pools {path}: line {line} needs both an agent and a pool")
        if found.get(agent, pool) != pool:
            raise StateError(
                f"--agent-pools {path}: line {line} puts agent {agent!r} in {pool!r}, "
                f"an earlier line in {found[agent]!r}: give each agent one pool"
            )
        found[agent] = pool
    return found


def check_agent_pools(agent_pools: Mapping[str, str], scenario: Scenario, source: str) -> None:
    """Every pool the table names exists in the scenario.

    Raises:
        StateError: one paragraph naming the unknown pools and the scenario's pools.
    """
    unknown = sorted({p for p in agent_pools.values() if p not in scenario.pools})
    if unknown:
        agents = sorted(a for a, p in agent_pools.items() if p in unknown)
        shown = ", ".join(agents[:5]) + ("…" if len(agents) > 5 else "")
        raise StateError(
            f"--agent-pools {source}: no pool {', '.join(map(repr, unknown))} in scenario "
            f"{scenario.name!r} (agents {shown}); the scenario's pools are "
            f"{', '.join(scenario.pools)}"
        )
