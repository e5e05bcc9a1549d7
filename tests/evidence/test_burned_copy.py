"""Every working copy ends with the date and time in the picture (9.3, issue 13 §4): a package longer than
the burn-in limit leaves at once with the masters and a timed-text copy, and its burned-in working copy
follows as a job of its own, sealed under the same password, a CCTV log row of the same request. Real
footage, real ffmpeg, real huey (immediate mode); the limit is lowered to 1 s so that 4 s of footage is
"long"."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.evidence.downloads import ask, authorise, build, footage, members, plaintext_zip
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence import burned_copy, package, services, storage
from watchkeeper.evidence.models import Download, RequestStatus
from watchkeeper.jobs.models import JobRecord, JobStatus

pytestmark = pytest.mark.django_db
SHORT = timedelta(seconds=1)


@pytest.fixture
def ctx(school, other_school, pieces) -> dict[str, Any]:
    return footage({"school": school, "other_school": other_school, "pieces": pieces})


@pytest.fixture
def short_limit(monkeypatch) -> None:
    """4 s of footage counts as long: the package is built with timed text and the follow-up burns it in."""
    monkeypatch.setattr("watchkeeper.evidence.package.builder.BURN_IN_LIMIT", SHORT)
    monkeypatch.setattr("watchkeeper.evidence.package.BURN_IN_LIMIT", SHORT)


def manifest(zipped, password: str) -> dict[str, Any]:
    return json.loads(members(zipped, password)["manifest.json"])


@pytest.mark.clause("9.3")
def test_only_a_long_footage_package_needs_a_burned_copy(ctx) -> None:
    req = ask(ctx)
    segments = services.request_segments(req)
    footage_length = sum((s.end - s.start for s in segments), timedelta())
    assert not burned_copy.needs_burned_copy(req, segments)  # 4 s: burned in while the package is built
    assert burned_copy.needs_burned_copy(req, segments, limit=footage_length - timedelta(milliseconds=1))
    assert not burned_copy.needs_burned_copy(req, segments, limit=footage_length)
    req.still_at = segments[0].start  # a still carries its own burned-in line
    assert not burned_copy.needs_burned_copy(req, segments, limit=SHORT)
    assert not burned_copy.needs_burned_copy(ask(ctx), [], limit=SHORT)


@pytest.mark.clause("9.3", "9.5", "11.6", "R19")
def test_a_long_package_is_issued_at_once_and_its_burned_in_copy_follows_under_the_same_password(
    ctx, short_limit, immediate, django_capture_on_commit_callbacks, tmp_path
) -> None:
    req = ask(ctx)
    with django_capture_on_commit_callbacks(execute=True):
        decided = authorise(ctx, req)
    password = decided.password or ""
    req.refresh_from_db()
    assert req.status == RequestStatus.READY
    first, second = req.downloads.order_by("pk")

    # The package itself: masters and the timed-text copy, issued without waiting for the burn-in.
    first_zip = plaintext_zip(first, tmp_path, ctx["head"])
    assert package.verify(first_zip, password).ok
    first_manifest = manifest(first_zip, password)
    assert first_manifest["master_included"] is True
    assert [c["clock"] for c in first_manifest["working_copies"]] == ["timed-text"]

    # Its burned-in working copy: a second sealed package, the same password, no masters, naming the first.
    second_zip = plaintext_zip(second, tmp_path, ctx["head"])
    assert package.verify(second_zip, password).ok
    second_manifest = manifest(second_zip, password)
    case_id = first.package_file.removesuffix(".wkpkg")
    assert second_manifest["working_copy_of"] == case_id and second_manifest["case_id"] == f"{case_id}-W"
    assert second_manifest["master_included"] is False
    assert [c["clock"] for c in second_manifest["working_copies"]] == ["burned-in"]
    segment_hashes = [s["sha256"] for c in second_manifest["cameras"] for s in c["segments"]]
    assert segment_hashes == [s.sha256 for s in services.request_segments(req)]
    contents = members(second_zip, password)
    assert "working-copy.mp4" in contents and not any(name.startswith("master/") for name in contents)
    assert f"the original recordings are in package {case_id}" in contents["README.txt"].decode()

    # The CCTV log: a row of its own under the same authorisation; encrypted at rest like the package.
    same = ("authorised_by_id", "authorised_at", "reason", "requested_by_id", "camera_id", "expires_on")
    assert all(getattr(second, name) == getattr(first, name) for name in same)
    assert second.request_id == req.pk and second.sha256 != first.sha256
    assert services.stored_path(second).read_bytes().startswith(storage.MAGIC)
    built = AuditEvent.objects.get(action=burned_copy.BURNED_COPY_BUILT)
    assert built.object_id == str(second.pk) and built.details["working_copy_of"] == first.package_file
    assert AuditEvent.objects.filter(action=burned_copy.BURNED_COPY_QUEUED, object_id=str(req.pk)).exists()

    # Its own job, with progress, shown as the request's job; the password never in the record (11.6).
    job = JobRecord.objects.get(task_id=req.job_task_id)
    assert job.name == "evidence_burned_copy" and job.status == JobStatus.DONE and job.progress == 100
    assert job.school_id == ctx["school"].pk and "sealed_password=(sealed)" in job.args_summary
    assert password not in job.args_summary + job.message


@pytest.mark.clause("9.3", "R19")
def test_a_short_package_has_the_time_burned_in_and_no_follow_up(ctx) -> None:
    decided = authorise(ctx, ask(ctx))
    build(decided.request, decided.password or "")
    assert Download.objects.filter(request=decided.request).count() == 1
    assert not AuditEvent.objects.filter(action=burned_copy.BURNED_COPY_QUEUED).exists()


@pytest.mark.clause("13.2", "9.3")
def test_a_package_deleted_before_its_burned_copy_gets_none(ctx, short_limit) -> None:
    decided = authorise(ctx, ask(ctx))
    password = decided.password or ""
    first = build(decided.request, password)  # not immediate: the follow-up is queued, not run
    Download.objects.filter(pk=first.pk).update(deleted_at=timezone.now())
    sealed = storage.seal_secret(password, first.school_id, services.secret_purpose(decided.request))
    with pytest.raises(PolicyRefusal, match="deleted before its burned-in working copy"):
        burned_copy.run_burned_copy(first.pk, sealed, now=timezone.now())
    assert Download.objects.filter(request=decided.request).count() == 1
    assert AuditEvent.objects.filter(action=burned_copy.BURNED_COPY_FAILED).exists()


@pytest.mark.clause("9.3")
def test_the_request_page_shows_the_burned_copy_in_progress(ctx, short_limit, client) -> None:
    from tests.conftest import sign_in
    from watchkeeper.jobs import services as jobs

    decided = authorise(ctx, ask(ctx))
    build(decided.request, decided.password or "")  # not immediate: the follow-up waits in the queue
    req = decided.request
    req.refresh_from_db()
    jobs.queue(req.job_task_id, "evidence_burned_copy", school_id=req.school_id)
    jobs.start(req.job_task_id, "evidence_burned_copy", now=timezone.now())
    jobs.progress(req.job_task_id, 40, "Burning the date and time into 2 segment(s)…")
    url = reverse("evidence:request_detail", args=[req.pk])
    page = sign_in(client, ctx["head"]).get(url).content.decode()
    assert 'id="burning"' in page and '<progress max="100" value="40"' in page
    assert "Burning the date and time into 2 segment(s)" in page
