"""Totals across channels: which "all" figures are shown, and which are left out.

A call waits seconds, an email hours. Averaged together, the "all contact types" ASA of a
centre with calls and emails is an email figure with a little voice in it (2,659 s on the
email week, moving the opposite way to the voice ASA when agents are moved to the phones);
its service level mixes a 20-second and a 4-hour threshold. Such a total answers no
planner's question, so ccsim **leaves it out** wherever several channels meet — in the
console's "all" rows, in the comparison's differences (replaced by one row per channel) and
in the HTML report's "all contact types" row — and says why. Totals that do add up (offered,
answered, agent hours, cost, occupancy of the pools) are still shown. ``summary.json``,
``differences.csv`` and ``sweep.csv`` keep every figure, mixed ones included, for whoever
wants them (see docs/measures.md).
"""

from __future__ import annotations

from collections.abc import Mapping

MIXED_WAIT_MEASURES = frozenset(
    {
        "service_level",
        "asa",
        "mean_wait",
        "wait_p90",
        "wait_p95",
        "wait_p99",
        "mean_time_to_abandon",
        "time_in_system",
        "oldest_at_close",
    }
)
"""Measures of waiting whose total over several channels is left out."""


def channels_of(summary: Mapping) -> list[str]:
    """The channels of a run's contact types (``by_channel`` in ``summary.json``)."""
    return list(summary.get("by_channel") or {})


def mixes_channels(summary: Mapping) -> bool:
    """Whether the run's contact types span more than one channel."""
    return len(channels_of(summary)) > 1


def mixed_channel_measures(summary: Mapping) -> frozenset[str]:
    """The measures whose "all" total the run's tables leave out (none with one channel)."""
    return MIXED_WAIT_MEASURES if mixes_channels(summary) else frozenset()


def without_mixed_waits(summary: Mapping, totals: Mapping) -> dict:
    """``totals`` (an "all" group of measures) without the waiting measures when the run
    mixes channels: they then read ``–``."""
    left_out = mixed_channel_measures(summary)
    return {k: v for k, v in totals.items() if k not in left_out}


def mixed_channels_note(channels: list[str]) -> str:
    """The sentence printed beside a table whose "all" waits are left out."""
    return (
        f"all: waits, ASA and service level are not totalled across {' and '.join(channels)} "
        "(a call waits seconds, an email hours); see each contact type or channel"
    )
