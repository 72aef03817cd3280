"""What a run can hold: contacts and agents checked before anything is simulated.

Every contact is simulated one by one and every agent is a number the model keeps, so a
scenario whose volumes or staffing are off by orders of magnitude (a rate of ``1e9`` an
hour, a staffing of ``1e8``) would run for days or exhaust memory before saying anything.
The scenario is refused at load time instead, with the figure:

* :data:`MAX_CONTACTS` contacts expected in one replication (inbound arrivals with their
  day factors, after-hours arrivals, outbound campaign lists);
* :data:`MAX_AGENTS` agents in one pool at once (staffing, or a roster's headcount).

Keeping every replication's per-contact records (``contacts.parquet``) is checked when the
number of replications is known: :func:`records_problem`, at most :data:`MAX_RECORDS_BYTES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # not Scenario: the scenario module imports this one
    from ccsim.scenario.campaign import Campaign
    from ccsim.scenario.contact_type import ContactType
    from ccsim.scenario.horizon import Horizon

MAX_CONTACTS = 10_000_000
"""Most contacts expected in one replication (a large centre's busy year is a few million)."""

MAX_AGENTS = 100_000
"""Most agents in one pool at once."""

RECORD_BYTES = 64
"""Memory one contact's record takes (its columns), for the records check."""

MAX_RECORDS_BYTES = 2**30
"""Most memory the per-contact records of all replications together may take (1 GiB)."""


def expected_contacts(
    horizon: Horizon,
    contact_types: Mapping[str, ContactType],
    campaigns: Mapping[str, Campaign],
) -> dict[str, float]:
    """Contacts expected in one replication, per contact type and campaign (by name)."""
    counts = {name: _inbound(ctype, horizon) for name, ctype in contact_types.items()}
    for name, campaign in campaigns.items():
        counts[name] = float(campaign.list_size) * horizon.days
    return counts


def _inbound(ctype: ContactType, horizon: Horizon) -> float:
    with np.errstate(over="ignore"):  # an absurd rate overflows to inf: refused all the same
        count = float(np.sum(ctype.arrivals.rates_per_second(horizon)) * horizon.interval)
        if ctype.after_hours is not None:
            rates = np.broadcast_to(np.asarray(ctype.after_hours.rate_per_hour, float), (24,))
            starts, lengths = horizon.closed_stretches()
            hours = (starts // 3600 % 24).astype(int)
            count += float(np.sum(rates[hours] * lengths / 3600.0))
    return count


def capacity_problems(scenario: Any) -> list[str]:
    """The scenario's volumes beyond what a run can hold: one ``path: message`` each.

    Args:
        scenario: the :class:`~ccsim.scenario.Scenario` being validated.
    """
    counts = expected_contacts(scenario.horizon, scenario.contact_types, scenario.campaigns)
    total = sum(counts.values())
    if not total > MAX_CONTACTS:  # also catches NaN
        return []
    name, largest = max(counts.items(), key=lambda item: item[1])
    path = (
        f"campaigns.{name}.list_size"
        if name in scenario.campaigns
        else f"contact_types.{name}.arrivals"
    )
    here = f" ({_figure(largest)} of them here)" if len(counts) > 1 else ""
    return [
        f"{path}: about {_figure(total)} contacts expected in one replication{here}; a run "
        f"holds at most {MAX_CONTACTS:,}, simulated one by one — check the rates (contacts "
        "per hour) and volumes (contacts per interval)"
    ]


def records_problem(scenario: Any, replications: int) -> str | None:
    """Why keeping every replication's per-contact records would not fit, or None.

    Args:
        scenario: the :class:`~ccsim.scenario.Scenario` to run.
        replications: how many replications would keep their records.
    """
    counts = expected_contacts(scenario.horizon, scenario.contact_types, scenario.campaigns)
    contacts = sum(counts.values())
    size = contacts * replications * RECORD_BYTES
    if size <= MAX_RECORDS_BYTES:
        return None
    return (
        f"keeping per-contact records would take about {size / 2**30:,.1f} GiB "
        f"({_figure(contacts)} contacts a replication × {replications:,} replications; at "
        f"most {MAX_RECORDS_BYTES / 2**30:g} GiB): run with --no-records (every measure is "
        "still computed; only contacts.parquet is not written) or fewer --reps"
    )


def _figure(count: float) -> str:
    if not np.isfinite(count):
        return "more than 1e308"
    return f"{count:,.0f}" if count < 1e12 else f"{count:.3g}"
