"""Which customer of the base each issue belongs to, and how bad experiences become churn.

The model follows each *issue* (a first contact and everything it leads to: redials,
transfers, callbacks, the bot); a scenario's ``experience.customers`` says who raised it.
Issues are given to customers here, after the run, on a named random stream of their own
(``experience/customers``): which customer raises an issue changes nothing in the centre
(their arrival times, handle times and patience are already drawn), so a run without the
``experience`` block is untouched, and two staffings compared on the same seed give every
issue to the same customer (common random numbers).

* Every issue is, with probability ``repeat_issue``, the customer of a uniformly chosen
  earlier issue coming back (that earlier issue then was *not resolved*); otherwise a
  customer drawn uniformly from the base (``size``, or the day's issues over
  ``daily_contact_share``). Without a size, every fresh issue is a customer of its own.
* A customer with k bad experiences leaves with the churn response's probability p(k); the
  expected customers lost are the sum of p(k) over the customers who contacted.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np

from ccsim.scenario.experience import Churn, Customers

STREAM = "experience/customers"
"""The random source of the customer base (never renamed: results depend on it)."""


def customer_stream(seed: int, replication: int) -> np.random.Generator:
    """The generator of :data:`STREAM` in one replication.

    Derived exactly as the model's named streams (``ccsim.model.streams``: the root seed,
    the replication and the CRC-32 of the name), which the measures may not import.
    """
    key = zlib.crc32(STREAM.encode("utf-8"))
    sequence = np.random.SeedSequence(entropy=seed, spawn_key=(replication, key))
    return np.random.Generator(np.random.PCG64(sequence))


@dataclass(frozen=True)
class Assignment:
    """Issues (in arrival order) and their customers.

    Attributes:
        customer: each issue's customer (an id; only equality matters).
        repeat: the issue is a customer coming back with an earlier issue.
        repeated_later: a later issue is this one coming back (it was not resolved).
        size: the customer base's size (None: a customer per fresh issue).
    """

    customer: np.ndarray
    repeat: np.ndarray
    repeated_later: np.ndarray
    size: int | None


def assign_customers(
    n_issues: int, days: int, customers: Customers, rng: np.random.Generator
) -> Assignment:
    """Give each of ``n_issues`` issues, in arrival order, to a customer of the base.

    All draws are made in three batches of ``n_issues`` whatever the settings, so that
    changing one setting does not shift the numbers of the others.
    """
    order = np.arange(n_issues)
    comes_back = rng.random(n_issues)
    earlier = rng.random(n_issues)
    size = customers.size
    if size is None and customers.daily_contact_share is not None:
        size = max(1, math.ceil(n_issues / max(days, 1) / customers.daily_contact_share))
    fresh = rng.integers(0, size, n_issues) if size is not None else order
    repeat = (comes_back < customers.repeat_issue) & (order > 0)
    parent = np.where(repeat, (earlier * order).astype(np.int64), order)  # always earlier
    root = parent
    while True:  # follow chains of repeats back to the fresh issue (pointer jumping)
        following = root[root]
        if np.array_equal(following, root):
            break
        root = following
    repeated_later = np.zeros(n_issues, dtype=bool)
    repeated_later[parent[repeat]] = True
    return Assignment(fresh[root], repeat, repeated_later, size)


def churn_probability(churn: Churn, bad: np.ndarray) -> np.ndarray:
    """The probability of leaving of customers with ``bad`` bad experiences each."""
    bad = np.asarray(bad, dtype=np.int64)
    if churn.per_bad_experience is not None:
        return 1.0 - (1.0 - churn.per_bad_experience) ** bad
    table = np.asarray(churn.after_bad, dtype=float)
    return table[np.minimum(bad, len(table) - 1)]


def expected_lost(churn: Churn, bad_per_customer: np.ndarray) -> float:
    """Expected customers lost: Σ p(k) over the customers (one bad count each)."""
    return float(churn_probability(churn, bad_per_customer).sum())
