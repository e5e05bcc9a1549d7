"""`watchkeeper up` restarts a component that dies (issue 11 §7): the recorder or the job worker ending
unexpectedly is logged and started again after a back-off that doubles while it keeps dying (1 s, 2 s, …,
at most 60 s), and up's own stop still stops them all. A real `watchkeeper up` on its own data dir.
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

from tests.outage import Process, environment, wait_for, watchkeeper
from tests.recording.conftest import free_port


def children(parent: int) -> dict[int, str]:
    """pid → command line of every process whose parent is `parent`."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
            found[int(entry)] = cmdline
    return found


def child(parent: int, command: str) -> int | None:
    pids = [
        pid for pid, line in children(parent).items() if line.rstrip().endswith(f"watchkeeper.cli {command}")
    ]
    return pids[0] if len(pids) == 1 else None


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_up_restarts_a_component_that_dies_with_back_off_and_logs_it(tmp_path: Path) -> None:
    env = environment(tmp_path / "var")
    watchkeeper(env, "migrate", "--no-input", "-v0")
    port = free_port()
    up = Process(env, tmp_path / "up.log", "up", "--port", str(port))
    try:
        wait_for(lambda: child(up.process.pid, "record") and child(up.process.pid, "worker"), 60, "children")
        first = child(up.process.pid, "record")
        assert first is not None
        os.kill(first, signal.SIGKILL)
        wait_for(lambda: child(up.process.pid, "record") not in (None, first), 30, "the recorder again")
        second = child(up.process.pid, "record")
        assert second is not None
        assert re.search(
            r"the recorder stopped unexpectedly \(killed by signal 9\); starting it again in 1 s", up.output()
        )

        # It died again soon after starting: the back-off doubles.
        time.sleep(1)
        os.kill(second, signal.SIGKILL)
        wait_for(
            lambda: child(up.process.pid, "record") not in (None, second), 30, "the recorder a third time"
        )
        assert "starting it again in 2 s" in up.output()
        assert re.search(r"started the recorder again \(pid \d+\)", up.output())

        # The job worker too, with its own back-off.
        worker = child(up.process.pid, "worker")
        assert worker is not None
        os.kill(worker, signal.SIGKILL)
        wait_for(lambda: child(up.process.pid, "worker") not in (None, worker), 30, "the worker again")
        assert (
            "the job worker stopped unexpectedly (killed by signal 9); starting it again in 1 s"
            in up.output()
        )

        # No WATCHKEEPER_PUBLIC_URL: the children get the address up listens on for their e-mail links, and
        # up says it should be set for people reading mail elsewhere (issue 15 §3).
        environ = Path(f"/proc/{child(up.process.pid, 'worker')}/environ").read_bytes().split(b"\0")
        assert f"WATCHKEEPER_SERVED_URL=http://127.0.0.1:{port}".encode() in environ
        assert "WATCHKEEPER_PUBLIC_URL is not set: links in e-mail notices point at" in up.output()

        running = list(children(up.process.pid))
        assert up.alive()
    finally:
        status = up.end(signal.SIGTERM)
    assert status == 0, up.output()
    assert not any(alive(pid) for pid in running)  # stopping up stopped every child, restarted ones too
    assert up.output().count("stopped unexpectedly") == 3  # stopping is not mistaken for dying


def test_up_starts_even_when_the_database_cannot_take_the_start_up_announcement(tmp_path: Path) -> None:
    """A database that is away when `up` starts must not stop it (issue 11 §7): the recorder announces
    itself once the database is back. Here the database cannot answer (a new, empty one: no tables)."""
    import os
    import subprocess
    import sys

    call = (
        "import sys; from watchkeeper.site.management.commands.up import Command; "
        "Command(stderr=sys.stderr)._announce_start(); print('went on')"
    )
    cli = str(Path(sys.executable).parent / "watchkeeper")
    env = {**os.environ, "WATCHKEEPER_DATA_DIR": str(tmp_path)}
    env.pop("WATCHKEEPER_DATABASE_URL", None)  # its own SQLite file, whatever database the suite runs on
    done = subprocess.run(
        [cli, "shell", "-v0", "-c", call], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "went on" in done.stdout, done.stderr[-2000:]
    assert "the database is away" in done.stderr and "the recorder will retry" in done.stderr
