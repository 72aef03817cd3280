"""Proactive against reactive support: a notice before customers call, and what it saves.

After an incident a centre can wait for the calls (reactive) or tell the customers first — an
outbound notice campaign — so that some of them never need to call (proactive). Both are
scenarios: :func:`proactive_scenario` derives the proactive one from the reactive one (the
affected contact types' arrivals scaled down by the share of issues the notice prevents, and
the notice campaign dialled by the agents in their idle time, which costs agent time);
:func:`compare_proactive` runs the two on common random numbers. With an ``experience``
block the paired differences price it: issues and bad experiences removed, customers kept,
churn cost saved, against the agent time the notices took.

What it assumes: a prevented issue is one the forecast held, taken out evenly over the
horizon; the notice itself is not a bad experience. Give ``prevented`` from a past incident
(calls per affected customer with and without a notice) rather than a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ccsim.experiment.executors import Executor
from ccsim.scenario import Scenario
from ccsim.scenario.overrides import derive
from ccsim.studies.compare import Comparison, compare_scenarios


class ProactiveError(ValueError):
    """The proactive change cannot be made (a user mistake: the message says why)."""


def proactive_scenario(
    reactive: Scenario,
    types: Iterable[str],
    prevented: float,
    notice: dict[str, Any] | None = None,
    name: str = "notice",
) -> Scenario:
    """The proactive scenario: ``prevented`` of the issues of ``types`` never arrive, and the
    ``notice`` campaign (a :class:`~ccsim.scenario.campaign.Campaign` as YAML data, or None
    for a notice that costs no agent time — an e-mail or a text) is dialled as ``name``.

    Raises:
        ProactiveError: an unknown contact type, or ``prevented`` outside [0, 1].
    """
    types = list(types)
    unknown = [t for t in types if t not in reactive.contact_types]
    if unknown or not types:
        raise ProactiveError(
            f"proactive notice: {', '.join(map(repr, unknown)) or 'no type'} is not a contact "
            f"type; defined: {', '.join(reactive.contact_types)}"
        )
    if not 0 <= prevented <= 1:
        raise ProactiveError(
            f"proactive notice: the share of issues prevented must be in [0, 1], got {prevented}"
        )
    keep = 1.0 - prevented
    changes: dict[str | tuple[str | int, ...], Any] = {}
    for name_ in types:
        arrivals = reactive.contact_types[name_].arrivals
        for key in ("rate_per_hour", "volume_per_interval"):
            value = getattr(arrivals, key)
            if value is None:
                continue
            scaled = [v * keep for v in value] if isinstance(value, list) else value * keep
            changes["contact_types", name_, "arrivals", key] = scaled
        if arrivals.mean_per_hour is not None:  # a sinusoidal curve: scale its mean
            changes["contact_types", name_, "arrivals", "mean_per_hour"] = (
                arrivals.mean_per_hour * keep
            )
        if arrivals.points is not None:  # a piecewise-linear curve: scale every point
            changes["contact_types", name_, "arrivals", "points"] = [
                {"at": p.at, "per_hour": p.per_hour * keep} for p in arrivals.points
            ]
    if notice is not None:
        changes["campaigns", name] = notice
    return derive(reactive, changes, source=f"{reactive.name} (proactive)")


def compare_proactive(
    reactive: Scenario,
    types: Iterable[str],
    prevented: float,
    notice: dict[str, Any] | None = None,
    *,
    replications: int | None = None,
    seed: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
) -> Comparison:
    """Reactive against proactive on common random numbers (the reactive one is the base)."""
    proactive = proactive_scenario(reactive, types, prevented, notice)
    return compare_scenarios(
        [reactive, proactive],
        ["reactive", "proactive"],
        replications=replications,
        seed=seed,
        progress=progress,
        executor=executor,
    )
