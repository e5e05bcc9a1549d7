"""Job records written through jobs.services and huey's signals (jobs.runner)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from huey.contrib.djhuey import db_task

from tests.factories import SchoolFactory
from watchkeeper.jobs import failures, services
from watchkeeper.jobs.models import JobRecord, JobStatus
from watchkeeper.jobs.runner import progress

pytestmark = pytest.mark.django_db


@db_task(name="test_counts_to_three")
def counts_to_three(school_id: int | None = None) -> None:
    for step in (1, 2, 3):
        progress(step * 33, f"step {step} of 3")


@db_task(name="test_fails_half_way")
def fails_half_way() -> None:
    progress(40, "copying segment 4 of 10")
    raise RuntimeError("disk went away")


def queued(task_id: str = "t-1") -> JobRecord:
    return services.queue(task_id, "example", "1, flag=True")


@pytest.mark.parametrize(
    ("given", "stored"), [(-5, 0), (0, 0), (42.4, 42), (42.6, 43), (100, 100), (250, 100)]
)
def test_progress_is_clamped_to_0_to_100(given: float, stored: int) -> None:
    queued()
    services.start("t-1", "example", now=timezone.now())
    assert services.progress("t-1", given).progress == stored
    assert JobRecord.objects.get(task_id="t-1").progress == stored


def test_the_database_refuses_progress_outside_0_to_100() -> None:
    job = queued()
    with pytest.raises(IntegrityError), transaction.atomic():
        JobRecord.objects.filter(pk=job.pk).update(progress=101)


def test_a_job_goes_from_queued_to_running_to_done() -> None:
    job = queued()
    assert (job.status, job.progress, job.started_at) == (JobStatus.QUEUED, 0, None)
    job = services.start("t-1", "example", now=timezone.now())
    assert job.status == JobStatus.RUNNING and job.started_at is not None
    services.progress("t-1", 50, "half way")
    job = services.finish("t-1", now=timezone.now())
    assert (job.status, job.progress, job.message) == (JobStatus.DONE, 100, "half way")
    assert job.finished_at >= job.started_at >= job.created_at


def test_failure_keeps_the_last_message_and_progress() -> None:
    queued()
    services.start("t-1", "example", now=timezone.now())
    services.progress("t-1", 60, "erasing batch 3 of 5")
    job = services.fail("t-1", "Failed: OSError: read-only file system", now=timezone.now())
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert job.progress == 60
    assert job.message == "Failed: OSError: read-only file system — last step: erasing batch 3 of 5"


def test_a_worker_makes_the_record_if_the_queueing_process_did_not() -> None:
    job = services.start("t-9", "example", "x=1", now=timezone.now())
    assert JobRecord.objects.get(task_id="t-9") == job and job.status == JobStatus.RUNNING


def test_prune_forgets_only_jobs_finished_long_ago() -> None:
    now = timezone.now()
    for task_id in ("old-done", "old-failed", "recent", "running"):
        queued(task_id)
    JobRecord.objects.filter(task_id__startswith="old").update(
        status=JobStatus.DONE, finished_at=now - timedelta(days=31)
    )
    JobRecord.objects.filter(task_id="old-failed").update(status=JobStatus.FAILED)
    JobRecord.objects.filter(task_id="recent").update(
        status=JobStatus.DONE, finished_at=now - timedelta(days=29)
    )
    JobRecord.objects.filter(task_id="running").update(status=JobStatus.RUNNING)
    assert services.prune(now) == 2
    assert set(JobRecord.objects.values_list("task_id", flat=True)) == {"recent", "running"}


def test_progress_outside_a_job_does_nothing() -> None:
    assert progress(50, "not a job") is False
    assert not JobRecord.objects.exists()


def test_huey_signals_record_a_task_from_queue_to_done(immediate) -> None:
    school = SchoolFactory()
    counts_to_three(school_id=school.pk)
    job = JobRecord.objects.get(name="test_counts_to_three")
    assert (job.name, job.status, job.progress, job.message) == (
        "test_counts_to_three",
        "done",
        100,
        "step 3 of 3",
    )
    assert job.school == school and job.args_summary == f"school_id={school.pk}"
    assert job.started_at is not None and job.finished_at is not None


def test_huey_signals_record_a_failing_task_with_its_error(immediate) -> None:
    fails_half_way()
    job = JobRecord.objects.get(name="test_fails_half_way")
    assert job.status == JobStatus.FAILED and job.progress == 40
    # Plain words and what to do next, never the exception's class (issue 15 §2; jobs/failures.py).
    assert job.message == f"Failed: {failures.UNEXPECTED} — last step: copying segment 4 of 10"
    assert "RuntimeError" not in job.message
    assert job.school is None  # a trust-level job
    assert progress(10) is False  # the failed job is no longer the thread's current job
