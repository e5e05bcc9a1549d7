"""Fixtures for recording tests: the real camera simulator on a free port, always stopped afterwards."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from watchkeeper.recording.simulator import ensure_clip, start_simulator, wait_until_serving


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Simulator:
    clip: Path
    count: int
    port: int
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = start_simulator(
            self.clip, self.count, self.port, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until_serving(self.process, self.port)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture(scope="session")
def simulator_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_clip(tmp_path_factory.mktemp("simulator"))


@pytest.fixture
def simulator(simulator_clip: Path) -> Iterator[Simulator]:
    """Two simulated cameras, rtsp://127.0.0.1:PORT/cam1 and cam2."""
    running = Simulator(simulator_clip, 2, free_port())
    running.start()
    try:
        yield running
    finally:
        running.stop()
