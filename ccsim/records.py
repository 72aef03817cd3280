"""Per-contact and per-pool records of one replication, kept as columns.

The model fills plain Python lists in its hot path (cheap appends and item assignments) and
hands them over once at the end; here they become numpy columns, and a pandas DataFrame only
when asked for. One record per contact: when it arrived, when an agent answered it, when the
agent finished with it (talk + wrap-up), how it ended, and which pool and agent served it.
For every pool, the number of agents on duty is kept as a step function (the time of every
change and the new count), from which staffed time, overtime and occupancy follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np

from ccsim.timeline import OnDutyTrace

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

# pandas is imported only when a DataFrame is asked for: a simulation alone does not need
# its ~75 MB, which keeps a replication's peak memory low.


class Outcome(IntEnum):
    """How a contact ended: the ``outcome`` column's codes.

    The values are the codes stored in the records (``int8``); :data:`OUTCOMES` holds their
    names. In the simulation's hot path bind ``int(Outcome.X)`` once: a plain ``int`` is
    stored and compared a little faster than an enum member.
    """

    WAITING = -1
    """In the queue (only while the model runs)."""
    ANSWERED = 0
    """An agent answered the contact."""
    ABANDONED = 1
    """The customer hung up while waiting (patience ran out)."""
    BLOCKED = 2
    """Refused on arrival: no waiting place or trunk line free (busy tone)."""
    UNSERVED = 3
    """Still waiting when the horizon ended, with no agent to serve it and no patience limit;
    or, under the closing rule ``horizon: {closing: clear}``, still waiting at a day's close
    and turned away then (``ended`` is the close)."""
    BALKED = 4
    """Hung up on hearing the announced wait, without queueing."""
    CALLBACK_REQUESTED = 5
    """Accepted a callback offer and left the line (an agent will call back)."""
    UNREACHED = 6
    """A callback attempt that did not reach the customer."""
    CONTAINED = 7
    """Resolved by the bot / IVR self-service, no agent needed."""
    BOT_DROPPED = 8
    """Hung up while in the bot / IVR."""
    ESCALATED = 9
    """Left the bot for an agent (the agent queue sees a new contact of kind escalation)."""
    CLOSED = 10
    """Arrived while the centre was closed and was told to call back in opening hours (a
    closed message, or the after-hours bot could not pass them to an agent)."""


class Kind(IntEnum):
    """What a contact is within its customer's journey: the ``kind`` column's codes.

    The values are the codes stored in the records (``int8``); :data:`KINDS` holds their
    names.
    """

    FIRST_ATTEMPT = 0
    """A customer's first contact."""
    REDIAL = 1
    """A customer calling again after abandoning, a busy tone or balking."""
    TRANSFER = 2
    """A leg after a transfer from another contact type."""
    CALLBACK = 3
    """An agent's attempt to call back a customer who accepted a callback."""
    ESCALATION = 4
    """A contact escalated from the bot / IVR to the agents."""
    MESSAGE = 5
    """A later customer message of a messaging conversation (the first is the arrival)."""


# The codes under their older module-level names (aliases of the enum members).
WAITING = Outcome.WAITING
ANSWERED = Outcome.ANSWERED
ABANDONED = Outcome.ABANDONED
BLOCKED = Outcome.BLOCKED
UNSERVED = Outcome.UNSERVED
BALKED = Outcome.BALKED
CALLBACK_REQUESTED = Outcome.CALLBACK_REQUESTED
UNREACHED = Outcome.UNREACHED
CONTAINED = Outcome.CONTAINED
BOT_DROPPED = Outcome.BOT_DROPPED
ESCALATED = Outcome.ESCALATED
CLOSED = Outcome.CLOSED
FIRST_ATTEMPT = Kind.FIRST_ATTEMPT
REDIAL = Kind.REDIAL
TRANSFER = Kind.TRANSFER
CALLBACK = Kind.CALLBACK
ESCALATION = Kind.ESCALATION
MESSAGE = Kind.MESSAGE

OUTCOMES = tuple(outcome.name.lower() for outcome in Outcome if outcome >= 0)
"""Outcome names, indexed by the codes (``OUTCOMES[Outcome.BLOCKED] == "blocked"``)."""

KINDS = ("arrival", "redial", "transfer", "callback", "escalation", "message")
"""Contact kind names, indexed by the codes (a first attempt is called an ``arrival``)."""


@dataclass(frozen=True)
class OutboundRecords:
    """Every outbound campaign attempt of one replication, as columns.

    Attributes:
        campaigns: campaign names; ``campaign`` holds indexes into it.
        list_sizes: each campaign's number of customers to call.
        number: the customer called (0 .. list_size - 1).
        attempt: 1 for the first call of a number, 2 for its first retry, ...
        start, end: when the agent started dialling and was free again.
        reached: the customer answered (then the agent talked to them).
        pool, agent: who made the call.
    """

    campaigns: tuple[str, ...]
    list_sizes: tuple[int, ...]
    campaign: np.ndarray
    number: np.ndarray
    attempt: np.ndarray
    start: np.ndarray
    end: np.ndarray
    reached: np.ndarray
    pool: np.ndarray
    agent: np.ndarray

    def __len__(self) -> int:
        return len(self.start)


@dataclass(frozen=True)
class Pauses:
    """Deferrable items set aside while their agent took calls (pre-emptive blending).

    Attributes:
        contact: the interrupted item (one row per interruption).
        start, end: when the agent parked the item and when they resumed it.
    """

    contact: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.contact)


_UNRECORDED = np.empty(0)
"""Stands for a journey column that was not passed (see :class:`ContactRecords`)."""


def _unrecorded() -> np.ndarray:
    return _UNRECORDED


@dataclass(frozen=True)
class ContactRecords:
    """Everything one replication recorded, as numpy columns.

    Attributes:
        replication: the replication number.
        contact_types: contact-type names; ``contact_type`` holds indexes into it.
        pools: pool names; ``pool`` holds indexes into it (-1: never answered).
        arrival: arrival time of each contact (seconds from day 0 midnight).
        answered: time an agent answered (NaN if never).
        ended: time the contact ended: agent finished (answered), customer hung up
            (abandoned), arrival (blocked), NaN (unserved).
        handle: agent's handle time, talk + wrap-up (NaN if not answered).
        outcome: outcome code, see :class:`Outcome` (names: :data:`OUTCOMES`).
        agent: agent number (unique across pools, -1 if not answered).
        on_duty: each pool's agents-on-duty step function.
        customer: the customer's number (the index of their first contact).
        kind: what the contact is, see :class:`Kind` (names: :data:`KINDS`).
        attempt: redial number (0: first attempt) or callback attempt number (1, 2, …).
        transferred_to: contact type the contact was transferred to after handling (-1: none).
        predicted_wait: the wait predicted on arrival for announcements and callback offers
            (NaN when none was made).
        has_journeys: the journey columns were recorded (the scenario has redials,
            transfers, announcements or callbacks); otherwise they hold first-attempt defaults.
        outbound: the outbound campaign attempts (None: no campaigns).
        pauses: every interruption of deferrable work by a call (None: no pool
            interrupts deferrable work).
        scheduled: each pool's agents scheduled on the phones (the staffing target, after
            absences, breaks and shrinkage; None: not recorded, read it from the scenario).
        at_work: each pool's agents at work on their shift, breaks and off-phone time
            included (paid; None: as ``scheduled``).
    """

    replication: int
    contact_types: tuple[str, ...]
    pools: tuple[str, ...]
    arrival: np.ndarray
    answered: np.ndarray
    ended: np.ndarray
    handle: np.ndarray
    outcome: np.ndarray
    contact_type: np.ndarray
    pool: np.ndarray
    agent: np.ndarray
    on_duty: dict[str, OnDutyTrace] = field(default_factory=dict)
    # Not passed (the model records them only with journeys): filled in by __post_init__,
    # so a reader always finds an array.
    customer: np.ndarray = field(default_factory=_unrecorded)
    kind: np.ndarray = field(default_factory=_unrecorded)
    attempt: np.ndarray = field(default_factory=_unrecorded)
    transferred_to: np.ndarray = field(default_factory=_unrecorded)
    predicted_wait: np.ndarray = field(default_factory=_unrecorded)
    has_journeys: bool = False
    outbound: OutboundRecords | None = None
    pauses: Pauses | None = None
    scheduled: dict[str, OnDutyTrace] | None = None
    at_work: dict[str, OnDutyTrace] | None = None

    def __post_init__(self) -> None:
        # Records of a centre without journeys: every contact a first attempt of its own.
        # Constant columns are read-only broadcast views: they take no memory.
        n = len(self.arrival)
        defaults = {
            "customer": np.arange(n, dtype=np.int32),
            "kind": np.broadcast_to(np.int8(0), (n,)),
            "attempt": np.broadcast_to(np.int8(0), (n,)),
            "transferred_to": np.broadcast_to(np.int16(-1), (n,)),
            "predicted_wait": np.broadcast_to(np.nan, (n,)),
        }
        for name, value in defaults.items():
            given = getattr(self, name)
            if given is None or given is _UNRECORDED:
                object.__setattr__(self, name, value)

    def __reduce__(self) -> tuple:
        """Pickled (sent back from a worker process) without the journey columns that only
        hold first-attempt defaults: they are made again on arrival, instead of travelling
        as full arrays (a broadcast constant is pickled as a full copy)."""
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in JOURNEY_COLUMNS:
            if _is_default(name, state[name]):
                del state[name]
        return (_rebuild_records, (state,))

    def __len__(self) -> int:
        return len(self.arrival)

    @property
    def wait(self) -> np.ndarray:
        """Time spent waiting: until an agent answered (or dialled, for callbacks), until
        hanging up, 0 if blocked, balked or taking a callback, NaN if unserved."""
        stop = np.where(np.isnan(self.answered), self.ended, self.answered)
        return stop - self.arrival

    def to_frame(self) -> pd.DataFrame:
        """The records as a DataFrame, one row per contact (categorical names).

        The journey columns (``customer``, ``kind``, ``attempt``, ``transferred_to``,
        ``predicted_wait``) are included only when the scenario has journeys: otherwise every
        contact is a first attempt of its own and they would only take memory.
        """
        import pandas as pd

        columns = {
            "replication": np.full(len(self), self.replication, dtype=np.int32),
            "contact_id": np.arange(len(self), dtype=np.int32),
            "contact_type": _categorical(self.contact_type, self.contact_types),
            "arrival": self.arrival,
            "answered": self.answered,
            "ended": self.ended,
            "outcome": _categorical(self.outcome, OUTCOMES),
            "pool": _categorical(self.pool, self.pools),
            "agent": self.agent,
            "wait": self.wait,
            "handle": self.handle,
        }
        if self.has_journeys:
            columns.update(
                customer=self.customer,
                kind=_categorical(self.kind, KINDS),
                attempt=self.attempt,
                transferred_to=_categorical(self.transferred_to, self.contact_types),
                predicted_wait=self.predicted_wait,
            )
        if self.pauses is not None:
            columns["interruptions"] = np.bincount(self.pauses.contact, minlength=len(self)).astype(
                np.int16
            )
        # copy=False: the frame shares the record arrays instead of copying them into one
        # block (a long run's DataFrame would otherwise double its memory for a moment).
        return pd.DataFrame(columns, copy=False)

    def to_arrow(self) -> pa.Table:
        """The records as an Arrow table: the columns of :meth:`to_frame`, with the same
        names, types and values as that frame written to Parquet (names as dictionaries,
        NaN times as nulls), but made straight from the numpy columns: no DataFrame, and
        the numeric columns are shared with the records, not copied.

        ``contacts.parquet`` is written from it one replication at a time, so a long run's
        records never exist twice in memory.
        """
        import pyarrow as pa

        n = len(self)
        columns: dict[str, pa.Array] = {
            "replication": pa.array(np.full(n, self.replication, dtype=np.int32)),
            "contact_id": pa.array(np.arange(n, dtype=np.int32)),
            "contact_type": _dictionary(self.contact_type, self.contact_types),
            "arrival": _floats(self.arrival),
            "answered": _floats(self.answered),
            "ended": _floats(self.ended),
            "outcome": _dictionary(self.outcome, OUTCOMES),
            "pool": _dictionary(self.pool, self.pools),
            "agent": pa.array(self.agent),
            "wait": _floats(self.wait),
            "handle": _floats(self.handle),
        }
        if self.has_journeys:
            columns.update(
                customer=pa.array(self.customer),
                kind=_dictionary(self.kind, KINDS),
                attempt=pa.array(self.attempt),
                transferred_to=_dictionary(self.transferred_to, self.contact_types),
                predicted_wait=_floats(self.predicted_wait),
            )
        if self.pauses is not None:
            columns["interruptions"] = pa.array(
                np.bincount(self.pauses.contact, minlength=n).astype(np.int16)
            )
        return pa.table(columns)


_JOURNEY_DEFAULTS = {"kind": 0, "attempt": 0, "transferred_to": -1, "predicted_wait": np.nan}
"""The constant journey columns of a centre without journeys (and ``customer``)."""

CONTACT_COLUMNS = (
    "arrival", "answered", "ended", "handle", "outcome", "contact_type", "pool", "agent"
)  # fmt: skip
"""The per-contact columns every :class:`ContactRecords` holds as recorded."""

JOURNEY_COLUMNS = ("customer", *_JOURNEY_DEFAULTS)
"""The per-contact journey columns: recorded only with journeys (``has_journeys``), else
first-attempt defaults made on the spot."""


def _is_default(name: str, column: np.ndarray) -> bool:
    """The column is what ``ContactRecords.__post_init__`` makes when none is given."""
    n = len(column)
    if name == "customer":
        return column.dtype == np.int32 and np.array_equal(column, np.arange(n, dtype=np.int32))
    constant = _JOURNEY_DEFAULTS[name]
    if column.strides != (0,) or n == 0:  # a recorded column (or nothing to save)
        return False
    first = column[0]
    return bool(np.isnan(first)) if np.isnan(constant) else bool(first == constant)


def _rebuild_records(state: dict) -> ContactRecords:
    """Unpickles :class:`ContactRecords` (see ``ContactRecords.__reduce__``)."""
    return ContactRecords(**state)


def _floats(values: np.ndarray) -> pa.Array:
    """A float column, NaN as null (as pandas writes it to Parquet)."""
    import pyarrow as pa

    return pa.array(np.ascontiguousarray(values, dtype=float), from_pandas=True)


def _dictionary(codes: np.ndarray, names: Sequence[str]) -> pa.Array:
    """Names stored once, codes per contact (a negative code: null), as pandas writes a
    categorical: int8 indices up to 127 names."""
    import pyarrow as pa

    index_type = np.int8 if len(names) <= 127 else np.int16 if len(names) <= 32767 else np.int32
    indices: np.ndarray = np.asarray(codes).astype(index_type, copy=False)
    missing = indices < 0
    return pa.DictionaryArray.from_arrays(
        pa.array(indices, mask=missing if missing.any() else None),
        pa.array(list(names), type=pa.string()),
    )


def _categorical(codes: np.ndarray, names: Sequence[str]) -> pd.Categorical:
    import pandas as pd

    # pandas-stubs want integer codes and an Index of categories; pandas itself takes any
    # integer array and any list-like, and the codes here are small ints (int8/int16).
    return pd.Categorical.from_codes(codes, categories=list(names))  # type: ignore[call-overload]


def concat_frames(records: Sequence[ContactRecords]) -> pd.DataFrame:
    """One DataFrame for several replications, in replication order."""
    import pandas as pd

    return pd.concat([r.to_frame() for r in records], ignore_index=True)
