"""The viewing tests' fixtures (a per-test data dir, fast passwords, real segments of an ffmpeg clip)."""

from tests.viewing.conftest import data_dir, fast_passwords, pieces

__all__ = ["data_dir", "fast_passwords", "pieces"]
