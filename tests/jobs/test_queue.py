"""Queueing (design/jobs.md, "Queueing"): jobs reach the queue only when their caller's transaction
commits, and the worker takes the highest priority first — real huey on its SQLite file."""

from __future__ import annotations

import pytest
from django.db import transaction
from huey.contrib.djhuey import HUEY

from watchkeeper.evidence.tasks import build_package_job
from watchkeeper.jobs.queue import enqueue_on_commit
from watchkeeper.recording.tasks import motion_analysis, retention_sweep

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_queue():
    HUEY.flush()
    yield
    HUEY.flush()


def test_a_backlog_of_motion_analysis_never_delays_a_package(school) -> None:
    for _ in range(5):
        HUEY.enqueue(motion_analysis.s())
    HUEY.enqueue(retention_sweep.s())
    HUEY.enqueue(build_package_job.s(1, school_id=school.pk, sealed_password="(sealed)"))
    order = [HUEY.dequeue().name for _ in range(7)]
    assert order == ["evidence_package", "retention_sweep"] + ["motion_analysis"] * 5


def test_a_job_reaches_the_queue_only_when_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        task_id = enqueue_on_commit(retention_sweep)
        assert HUEY.pending_count() == 0  # the rows it would read are not committed yet
    for callback in callbacks:
        callback()
    assert [task.id for task in HUEY.pending()] == [task_id]


def test_a_rolled_back_change_queues_nothing(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(retention_sweep)
        raise RuntimeError("the change failed")
    assert callbacks == [] and HUEY.pending_count() == 0
