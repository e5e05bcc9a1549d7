"""Key files are created atomically (issue 11 §5): many threads in several processes asking for the same new
key at the same moment all get the same complete key, and nobody ever reads a key file while it is empty.

A school key (recording/crypto.py), the audit-chain key (audit.md), a school's signing key (evidence) and
the Django secret key (env.py) are all created through the same helper. Before the fix a key file was
created empty (O_EXCL) and filled afterwards, so a thread that lost the race could read it empty: the
first segments of two demo cameras were lost that way.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from watchkeeper.core.keyfiles import KEY_BYTES, key_path, load_or_create_key
from watchkeeper.env import secret_key

THREADS = 16  # in this process
PROCESSES = 4
THREADS_PER_PROCESS = 4
ROUNDS = 200  # a new key per round: each round is a fresh race (before the fix, one failed within ~10)
PARTIES = THREADS + PROCESSES * THREADS_PER_PROCESS


def _race(get: Callable[[int], bytes], barrier, results) -> None:
    """One participant: for every round, wait until all are ready, then ask for that round's key."""
    for round_ in range(ROUNDS):
        try:
            barrier.wait(timeout=60)
        except threading.BrokenBarrierError:
            results.put((round_, "error", "barrier broken"))
            return
        try:
            results.put((round_, "key", get(round_).hex()))
        except Exception as error:  # noqa: BLE001 - what the loser of the race saw is the point
            results.put((round_, "error", f"{type(error).__name__}: {error}"))


def _threads(get: Callable[[int], bytes], barrier, results, count: int) -> None:
    threads = [threading.Thread(target=_race, args=(get, barrier, results)) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _school_key(round_: int) -> bytes:
    return load_or_create_key(f"school-{900 + round_}")


def _secret_key_of(base: Path) -> Callable[[int], bytes]:
    return lambda round_: secret_key(base / f"install-{round_}").encode()


def run_race(get: Callable[[int], bytes]) -> dict[int, list[tuple[str, str]]]:
    # fork: the children inherit the configured settings (this test's data dir) and the function.
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(PARTIES)
    results = context.Queue()
    children = [
        context.Process(target=_threads, args=(get, barrier, results, THREADS_PER_PROCESS))
        for _ in range(PROCESSES)
    ]
    for child in children:
        child.start()
    _threads(get, barrier, results, THREADS)
    # Drain the queue before joining: a child exits only once what it put is read.
    seen: dict[int, list[tuple[str, str]]] = {r: [] for r in range(ROUNDS)}
    for _ in range(ROUNDS * PARTIES):
        round_, kind, value = results.get(timeout=60)
        seen[round_].append((kind, value))
    for child in children:
        child.join(timeout=60)
        assert child.exitcode == 0
    return seen


def test_racing_threads_and_processes_all_get_the_same_complete_school_key(settings, tmp_path) -> None:
    settings.DATA_DIR = tmp_path
    seen = run_race(_school_key)
    for round_, outcomes in seen.items():
        errors = [value for kind, value in outcomes if kind == "error"]
        assert errors == [], f"round {round_}: {errors[:3]}"
        keys = {value for _, value in outcomes}
        assert len(outcomes) == PARTIES and len(keys) == 1, round_
        path = key_path(f"school-{900 + round_}")
        assert path.read_bytes().hex() == keys.pop()
        assert path.stat().st_size == KEY_BYTES
        assert (path.stat().st_mode & 0o777) == 0o600
    # No temporary file is left beside the keys.
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == sorted(
        f"school-{900 + r}.key" for r in range(ROUNDS)
    )


def test_racing_processes_all_get_the_same_secret_key(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("WATCHKEEPER_SECRET_KEY", raising=False)
    seen = run_race(_secret_key_of(tmp_path))
    for round_, outcomes in seen.items():
        errors = [value for kind, value in outcomes if kind == "error"]
        assert errors == [], f"round {round_}: {errors[:3]}"
        keys = {value for _, value in outcomes}
        assert len(keys) == 1 and keys != {""}, (round_, outcomes[:3])
        path = tmp_path / f"install-{round_}" / "secret-key"
        assert path.read_bytes().strip().hex() == keys.pop()
        assert (path.stat().st_mode & 0o777) == 0o600
        assert [p.name for p in path.parent.iterdir()] == ["secret-key"]


def test_a_key_file_is_never_seen_empty_or_partial(settings, tmp_path) -> None:
    """Readers polling while others create: every read finds either no file or a whole key."""
    settings.DATA_DIR = tmp_path
    path = key_path("school-77")
    stop = threading.Event()
    sizes: set[int] = set()

    def poll() -> None:
        while not stop.is_set():
            with contextlib.suppress(FileNotFoundError):
                sizes.add(os.stat(path).st_size)

    readers = [threading.Thread(target=poll) for _ in range(4)]
    for reader in readers:
        reader.start()
    try:
        writers = [threading.Thread(target=load_or_create_key, args=("school-77",)) for _ in range(8)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert sizes <= {KEY_BYTES}


@pytest.fixture(autouse=True)
def _no_stray_barrier_threads():
    """Every racer joined: no thread the test started outlives it (threads earlier tests left, such as a
    live server's, are not the test's to count)."""
    before = set(threading.enumerate())
    yield
    assert [t.name for t in threading.enumerate() if t not in before and t.is_alive()] == []
