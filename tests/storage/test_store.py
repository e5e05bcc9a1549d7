"""LocalStore on a real disk: the contract an S3 backend will keep too (design/storage.md)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from watchkeeper.storage.store import LocalStore, ObjectMissing


def test_put_then_get_streams_the_object_back(store: LocalStore) -> None:
    chunks = [bytes([i]) * 300_000 for i in range(5)]
    assert store.put("7/3/2026-12-07/a.obj", iter(chunks)) == 1_500_000
    assert b"".join(store.get("7/3/2026-12-07/a.obj")) == b"".join(chunks)
    assert store.size("7/3/2026-12-07/a.obj") == 1_500_000
    assert store.exists("7/3/2026-12-07/a.obj")


def test_put_leaves_no_temporary_file_and_private_modes(store: LocalStore) -> None:
    store.put("a/b.obj", [b"x"])
    assert sorted(p.name for p in store.path("a").iterdir()) == ["b.obj"]
    assert store.path("a/b.obj").stat().st_mode & 0o077 == 0
    assert store.path("a").stat().st_mode & 0o077 == 0


def test_put_replaces_and_a_failed_put_leaves_the_old_object(store: LocalStore) -> None:
    store.put("o", [b"old"])

    def failing():
        yield b"new, half"
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        store.put("o", failing())
    assert b"".join(store.get("o")) == b"old"
    assert list(store.partials()) == []  # the failed write took its temporary file with it
    store.put("o", [b"new"])
    assert b"".join(store.get("o")) == b"new"


def test_byte_range_get(store: LocalStore) -> None:
    data = bytes(range(256)) * 10_000
    store.put("r", [data])
    assert b"".join(store.get_range("r", 1000, 5000)) == data[1000:6000]
    assert b"".join(store.get_range("r", len(data) - 10, 100)) == data[-10:]  # cut where the object ends
    assert b"".join(store.get_range("r", len(data) + 5, 10)) == b""


def test_missing_objects_are_refused_at_once(store: LocalStore) -> None:
    with pytest.raises(ObjectMissing):
        store.get("nope")
    with pytest.raises(ObjectMissing):
        store.get_range("nope", 0, 1)
    with pytest.raises(ObjectMissing):
        store.size("nope")
    assert not store.exists("nope") and not store.delete("nope")


def test_create_if_absent_has_one_winner(store: LocalStore) -> None:
    results: list[bool] = []

    def create(i: int) -> None:
        results.append(store.create("once", [str(i).encode() * 1000]))

    threads = [threading.Thread(target=create, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
    body = b"".join(store.get("once"))
    assert len(body) == 1000 and len(set(body)) == 1  # one writer's bytes, whole
    assert store.create("once", [b"again"]) is False and b"".join(store.get("once")) == body
    assert list(store.list()) == ["once"]


def test_delete_takes_a_partial_put_with_it(store: LocalStore) -> None:
    store.put("d/x.obj", [b"whole"])
    store.path("d/x.obj.tmp").write_bytes(b"half")  # as a crash between write and rename leaves it
    assert list(store.partials()) == ["d/x.obj"]
    assert store.delete("d/x.obj")
    assert not store.exists("d/x.obj") and list(store.partials()) == []


def test_list_by_prefix_names_whole_objects_only(store: LocalStore) -> None:
    for name in ("7/1/a", "7/1/b", "7/2/c", "8/1/d"):
        store.put(name, [b"."])
    store.path("7/1/e.tmp").write_bytes(b"half")
    assert list(store.list("7/1/")) == ["7/1/a", "7/1/b"]
    assert sorted(store.list("7/")) == ["7/1/a", "7/1/b", "7/2/c"]
    assert list(store.partials("7/")) == ["7/1/e"]


def test_names_may_not_leave_the_store(store: LocalStore, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="leaves the store"):
        store.put("../outside", [b"x"])
    assert not (tmp_path / "outside").exists()


def test_delete_many_removes_objects_and_partials(store: LocalStore) -> None:
    for name in ("a/1", "a/2", "b/3"):
        store.put(name, [b"."])
    store.path("b/4.tmp").write_bytes(b"half")
    assert store.delete_many(["a/1", "b/3", "b/4", "missing"]) == 3
    assert list(store.list()) == ["a/2"] and list(store.partials()) == []
