"""The viewing tests' fixtures (a per-test data dir, fast passwords, real segments of an ffmpeg clip)."""

from collections.abc import Iterator

import pytest
from huey.contrib.djhuey import HUEY

from tests.viewing.conftest import data_dir, fast_passwords, pieces

__all__ = ["data_dir", "fast_passwords", "pieces"]


@pytest.fixture
def immediate() -> Iterator[None]:
    """huey in immediate mode: a queued job runs in the caller's thread through the worker's signals."""
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = False
