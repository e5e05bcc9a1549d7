"""The motion analysis job (design/jobs.md) through huey in immediate mode: it scores new footage, reports
its progress on the job record, and is skipped while a previous run still holds its lock."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from tests.factories import CameraFactory
from tests.recording.helpers import store
from watchkeeper.jobs.models import JobRecord, JobStatus
from watchkeeper.recording.models import Segment
from watchkeeper.recording.tasks import motion_analysis

pytestmark = pytest.mark.django_db


def still_clip() -> bytes:
    """Two seconds of a plain grey picture, as a fragmented MP4 in memory."""
    command = ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "color=c=gray:size=160x90:rate=25", "-t", "2"]
    command += ["-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-bf", "0", "-pix_fmt", "yuv420p"]
    command += ["-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof", "pipe:1"]
    return subprocess.run(command, check=True, capture_output=True, timeout=60).stdout


def test_the_job_scores_new_segments(immediate, data_dir: Path) -> None:
    segment = store(CameraFactory(), timezone.now() - timedelta(minutes=1), 2, still_clip())
    motion_analysis()
    assert Segment.objects.get(pk=segment.pk).motion == [0.0, 0.0]
    job = JobRecord.objects.get(name="motion_analysis")
    assert job.status == JobStatus.DONE and job.progress == 100 and job.school is None
    assert job.message == "Analysed motion in 1 recording file(s); 0 waiting."


def test_the_job_is_skipped_while_another_run_holds_the_lock(immediate, data_dir: Path) -> None:
    segment = store(CameraFactory(), timezone.now() - timedelta(minutes=1), 2, still_clip())
    with HUEY.lock_task("motion_analysis"):
        motion_analysis()
    assert JobRecord.objects.get(name="motion_analysis").message.startswith("Skipped")
    assert Segment.objects.get(pk=segment.pk).motion is None
