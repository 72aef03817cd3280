"""Records as they travel: back from a worker process (pickled, or left in shared memory)
and out to Parquet (Arrow).

Both must carry exactly the records a replication produced: same seed, same records,
whatever --jobs ran it and however they were written.
"""

import io
import os
import pickle

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import ccsim
from ccsim.experiment import records_spool as spool_module
from ccsim.experiment import replications
from ccsim.experiment.records_spool import (
    PREFIX,
    SHARED_MEMORY,
    records_spool,
    spool_records,
    take_records,
)
from ccsim.records import JOURNEY_COLUMNS, ContactRecords


@pytest.fixture(scope="module", params=["erlang-a", "redials-callbacks", "messaging"])
def records(request) -> ContactRecords:
    scenario = ccsim.load_scenario(request.param)
    return ccsim.simulate(scenario, replication=1)


def _same(left: ContactRecords, right: ContactRecords) -> None:
    for name in ContactRecords.__dataclass_fields__:
        a, b = getattr(left, name), getattr(right, name)
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype, name
            np.testing.assert_array_equal(a, b, err_msg=name)  # NaN equal to NaN
        elif name in ("on_duty", "scheduled", "at_work") and a is not None:
            assert a.keys() == b.keys()
            for pool in a:
                np.testing.assert_array_equal(a[pool].times, b[pool].times)
                np.testing.assert_array_equal(a[pool].counts, b[pool].counts)
        elif name not in ("outbound", "pauses"):
            assert a == b, name


def test_records_come_back_from_a_worker_unchanged(records):
    back = pickle.loads(pickle.dumps(records))
    _same(records, back)


def test_first_attempt_defaults_do_not_travel():
    """A centre without journeys: its constant journey columns are made again on arrival,
    not pickled as full arrays (they were 16 bytes a contact)."""
    records = ccsim.simulate(ccsim.load_scenario("erlang-a"), replication=0)
    assert not records.has_journeys
    sent = len(pickle.dumps(records))
    recorded = sum(
        getattr(records, name).nbytes
        for name in ContactRecords.__dataclass_fields__
        if isinstance(getattr(records, name), np.ndarray) and name not in JOURNEY_COLUMNS
    )
    assert sent < recorded + 4 * len(records)  # far below the 16 bytes a contact of defaults
    back = pickle.loads(pickle.dumps(records))
    assert back.kind.strides == (0,)  # a broadcast constant again: no memory


def test_arrow_table_is_the_frame_written_to_parquet(records):
    """contacts.parquet written from Arrow holds what pandas wrote from to_frame()."""
    from_pandas = io.BytesIO()
    records.to_frame().to_parquet(from_pandas, index=False)
    from_arrow = io.BytesIO()
    pq.write_table(records.to_arrow(), from_arrow)
    old = pq.read_table(io.BytesIO(from_pandas.getvalue())).replace_schema_metadata(None)
    new = pq.read_table(io.BytesIO(from_arrow.getvalue())).replace_schema_metadata(None)
    assert new.schema == old.schema
    assert new.equals(old)
    pd.testing.assert_frame_equal(
        pd.read_parquet(io.BytesIO(from_arrow.getvalue())), records.to_frame(), check_exact=True
    )


def test_arrow_shares_the_numeric_columns():
    """No copy of a long run's times: the Arrow column is the records' own buffer."""
    records = ccsim.simulate(ccsim.load_scenario("erlang-c"), replication=0)
    table = records.to_arrow()
    arrival = table.column("arrival").chunk(0)
    assert isinstance(arrival, pa.DoubleArray)
    assert arrival.buffers()[1].address == records.arrival.ctypes.data


def test_records_left_in_shared_memory_come_back_unchanged(records, tmp_path):
    """A local worker leaves its records in the spool; the parent maps them back intact
    (journey columns included where they were recorded) and the file is gone after."""
    spooled = spool_records(records, tmp_path)
    assert len(pickle.dumps(spooled)) < 20_000  # what travels through the pipe: no columns
    back = take_records(spooled)
    _same(records, back)
    assert list(tmp_path.iterdir()) == []  # removed once mapped


def test_two_local_processes_use_the_spool_and_give_the_same_records(monkeypatch):
    """--jobs 2 hands records over in shared memory, with records identical to --jobs 1 (all
    columns, every replication, in order), and leaves no spool folder behind."""
    taken = []
    real_take = replications.take_records
    monkeypatch.setattr(replications, "take_records", lambda s: taken.append(s) or real_take(s))
    scenario = ccsim.load_scenario("redials-callbacks")
    one = replications.run_experiment(scenario, replications=4, jobs=1)
    two = replications.run_experiment(scenario, replications=4, jobs=2)
    if SHARED_MEMORY.is_dir():
        assert len(taken) == 4
        assert not any(SHARED_MEMORY.glob(f"{PREFIX}{os.getpid()}-*"))
    for a, b in zip(one.records, two.records, strict=True):
        _same(a, b)
    assert one.summary() == two.summary()


def test_a_spool_left_by_a_killed_run_is_removed(tmp_path, monkeypatch):
    """A folder whose process no longer runs is cleaned up by the next run; a live one stays."""
    monkeypatch.setattr(spool_module, "SHARED_MEMORY", tmp_path)
    dead = tmp_path / f"{PREFIX}999999999-abc"
    live = tmp_path / f"{PREFIX}{os.getpid()}-abc"
    for folder in (dead, live):
        folder.mkdir()
        (folder / "replication-0.arrow").write_bytes(b"x")
    with records_spool() as folder:
        assert folder is not None and folder.parent == tmp_path
        assert not dead.exists() and live.exists()
    assert not folder.exists()


def test_a_full_spool_sends_the_records_through_the_pipe(records, tmp_path, monkeypatch):
    """A container's small /dev/shm fills up: the records then travel pickled, unchanged."""
    import pyarrow as pa

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pa, "OSFile", full)
    sent = spool_records(records, tmp_path)
    assert isinstance(sent, ContactRecords)
    _same(records, pickle.loads(pickle.dumps(sent)))
    assert list(tmp_path.iterdir()) == []
