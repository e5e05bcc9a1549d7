"""Job tests: huey in immediate mode (huey's own feature: a task runs in the caller's thread, through the
same signals the worker sends), and a data dir of the test's own for footage, keys and the disk reading."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from huey.contrib.djhuey import HUEY


@pytest.fixture
def immediate() -> Iterator[None]:
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = False


@pytest.fixture
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path
