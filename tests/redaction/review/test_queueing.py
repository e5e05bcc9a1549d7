"""Redaction jobs are queued only when the reviewer's change commits (issue 12 §4; design/redaction.md
"Jobs", design/jobs.md "Queueing"): a worker never finds a job whose redaction row is not there yet, and a
change that rolls back after the service ran queues nothing. Real huey on its SQLite store (not immediate
mode, where the job would run inside the test's transaction and hide when it was queued)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from tests.redaction.review.conftest import RECORDED, S
from watchkeeper.redaction import services
from watchkeeper.redaction.models import Redaction, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue() -> Iterator[None]:
    """The real queue store, empty before and after; jobs wait in it for a worker."""
    HUEY.immediate = False
    HUEY.flush()
    yield
    HUEY.flush()


def commit(callbacks: list[Callable[[], object]]) -> None:
    """What the commit runs: the queueing. Last in a test: huey's `enqueued` receiver drops database
    connections left in a transaction (jobs.runner), as the test's own is on PostgreSQL."""
    for callback in callbacks:
        callback()


def start(scene: dict[str, Any]) -> Redaction:
    return services.start_redaction(
        scene["reviewer"],
        scene["auth"],
        scene["camera"],
        RECORDED - S,
        RECORDED + 4 * S,
        now=timezone.now(),
    )


def in_review(scene: dict[str, Any]) -> Redaction:
    """A redaction ready for review, made directly (the proposal job is not what is tested here)."""
    segment = scene["segments"][0]
    return Redaction.objects.create(
        school=scene["camera"].school,
        status=Status.REVIEW,
        authorisation=scene["auth"],
        camera=scene["camera"],
        start=RECORDED,
        end=RECORDED + S,
        created_by=scene["reviewer"],
        segments=[{"id": str(segment.pk), "sha256": segment.sha256, "first_frame": 0, "frames": 25}],
        proposal={"width": 640, "height": 360, "fps": 25.0, "frames": 25, "tracks": []},
    )


def test_the_proposal_job_is_queued_when_the_start_commits(scene, queue) -> None:
    with TestCase.captureOnCommitCallbacks() as callbacks:
        redaction = start(scene)
        assert HUEY.pending_count() == 0  # the redaction row is not committed yet
    assert Redaction.objects.get(pk=redaction.pk).job_task_id == redaction.job_task_id
    commit(callbacks)
    assert [(task.id, task.name) for task in HUEY.pending()] == [(redaction.job_task_id, "redaction_propose")]


def test_a_start_that_rolls_back_queues_no_job(scene, queue) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        start(scene)
        raise RuntimeError("the request failed after the service returned")
    assert HUEY.pending_count() == 0 and not Redaction.objects.exists()


def test_a_preview_that_rolls_back_queues_no_job(scene, queue) -> None:
    redaction = in_review(scene)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.request_preview(scene["reviewer"], redaction, now=timezone.now())
        raise RuntimeError("the request failed after the service returned")
    redaction.refresh_from_db()
    assert HUEY.pending_count() == 0 and redaction.status == Status.REVIEW and not redaction.job_task_id


def test_the_render_job_is_queued_when_the_preview_request_commits(scene, queue) -> None:
    redaction = in_review(scene)
    with TestCase.captureOnCommitCallbacks() as callbacks:
        services.request_preview(scene["reviewer"], redaction, now=timezone.now())
        assert HUEY.pending_count() == 0
    stored = Redaction.objects.get(pk=redaction.pk)
    assert stored.status == Status.RENDERING
    commit(callbacks)
    assert [(task.id, task.name) for task in HUEY.pending()] == [(stored.job_task_id, "redaction_render")]
