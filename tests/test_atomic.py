"""Files are written whole or not at all (ccsim.atomic)."""

import pytest

from ccsim.atomic import atomic_file, write_text


def test_a_failure_half_way_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "table.csv"
    write_text(target, "old\n")
    with pytest.raises(RuntimeError), atomic_file(target) as temporary:
        temporary.write_text("half a tab")
        raise RuntimeError("disk full")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


def test_a_finished_write_replaces_the_file(tmp_path):
    target = tmp_path / "sub" / "report.html"
    assert write_text(target, "<p>new</p>") == target
    assert target.read_text() == "<p>new</p>"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]
