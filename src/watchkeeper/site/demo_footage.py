"""Footage for the demo's subject access and police requests (issue 15 §1), so that README walk-throughs 3
and 4 work from a fresh `make run` at any time of day.

A fresh install has no recordings until `make run` starts recording, so `watchkeeper demo` makes them: a
short clip of a school scene per camera (recording/scene.py: people walking past the gate and standing in
the playground) is imported through the recording app's DVR-import path (recording.dvr.import_recording:
decoded and checked, cut at key frames, each segment AES-256-GCM encrypted under the school's key, all or
nothing, audited as `recording.dvr_imported` with source "demo"). The requests' windows are placed on it.

Where the windows lie (`demo_windows`, pure): a few hours before the demo is made — inside the demo
cameras' one day of retention, which the import checks (13.1), clear of the demo package's footage (two
hours before) and of what the recorder records from `make run` on. Each request holds its window's
footage when it is logged (10.1, 11.3), so the hourly retention job keeps it however long after the demo
the walk-through is tried; a request's hold ends when its case does.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from watchkeeper.core.actors import SYSTEM
from watchkeeper.estate.models import Camera, School

SECONDS = 10  # footage per camera and request: a short clip keeps the demo and its redaction quick
SAR_BEFORE, POLICE_BEFORE = timedelta(hours=3), timedelta(hours=4)
Window = tuple[datetime, datetime]


@dataclass(frozen=True)
class DemoWindows:
    sar: Window
    police: Window


# (which request, camera, scene of recording.scene.SCENES)
CLIPS = (
    ("sar", "Main gate", "gate"),
    ("sar", "Playground", "playground"),
    ("police", "Main gate", "gate-later"),
)


def demo_windows(now: datetime) -> DemoWindows:
    """The demo requests' windows, each SECONDS long and starting on a whole minute. Pure."""
    base = now.replace(second=0, microsecond=0)

    def window(before: timedelta) -> Window:
        return base - before, base - before + timedelta(seconds=SECONDS)

    return DemoWindows(sar=window(SAR_BEFORE), police=window(POLICE_BEFORE))


def add_footage(school: School, windows: DemoWindows, now: datetime) -> int:
    """Import the demo's clips for `school`'s cameras at the windows' starts; returns the segments stored.

    Nothing is imported inside a caller's transaction (the test suite calls the demo in-process): the import
    writes its blobs as it goes, which a rolled-back transaction would leave behind unindexed.
    tests/core/test_demo.py runs the real command in its own process for it."""
    from watchkeeper.recording.dvr import import_recording
    from watchkeeper.recording.scene import render

    if transaction.get_connection().in_atomic_block:
        return 0
    stored = 0
    with tempfile.TemporaryDirectory(prefix="wk-demo-scene-") as tmp:
        for which, name, scene in CLIPS:
            camera = Camera.objects.get(school=school, name=name)
            start, _ = getattr(windows, which)
            clip = Path(tmp) / f"{scene}.mp4"
            render(clip, scene, SECONDS, label=camera.name, start=timezone.localtime(start))
            result = import_recording(
                SYSTEM, camera, clip, clock_offset_ms=0, now=now, start=start, source="demo"
            )
            stored += len(result.segments)
    return stored
