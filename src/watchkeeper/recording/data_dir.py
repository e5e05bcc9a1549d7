"""The data dir's permissions (issue 11 §4, 9.1): where Watchkeeper keeps what it owns, and the correction
of an installation made while files were created open to other local users (0644 in 0755 folders).

`watchkeeper check` corrects every path (`correct(recursive=True)`); `up`, `serve`, `record` and `worker`
correct the top level when they start (`correct_at_start`): cheap, and a 0700 folder already shuts
other users out of everything below it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from watchkeeper.core.private_files import ModeReport, correct_modes


def roots() -> list[Path]:
    """The data dir, and the recordings folder when WATCHKEEPER_RECORDINGS_DIR puts it elsewhere."""
    from watchkeeper.recording.conf import storage_dir

    data = Path(settings.DATA_DIR)
    found = [data]
    recordings = storage_dir()
    if data not in recordings.parents and recordings != data:
        found.append(recordings)
    return found


def correct(*, recursive: bool) -> ModeReport:
    report = ModeReport()
    for root in roots():
        found = correct_modes(root, recursive=recursive)
        report.corrected += found.corrected
        report.failed += found.failed
    return report


def correct_at_start(write: Callable[[str], None]) -> None:
    report = correct(recursive=False)
    for line in report.corrected:
        write(f"watchkeeper: corrected {line}; run `watchkeeper check` to correct everything below it")
    for line in report.failed:
        write(f"watchkeeper: {line}")
