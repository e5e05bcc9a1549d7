"""Download requests, the build job and the copy lifecycle (9.5, 9.6, 10.4.1, 11.6, 13.2, Appendix I;
design/evidence.md): real footage, real TOTP codes, real huey (immediate mode), real files."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from tests.evidence.downloads import (
    END,
    START,
    ask,
    authorise,
    build,
    failed_build,
    footage,
    members,
    plaintext_zip,
)
from tests.factories import CameraFactory, person
from tests.viewing.conftest import code_for, wrong_code_for
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.second_factor import SecondFactorRefused
from watchkeeper.evidence import package, services, storage
from watchkeeper.evidence.models import Download, DownloadRequest, Purpose, RequestStatus
from watchkeeper.jobs.models import JobRecord, JobStatus
from watchkeeper.people.models import Role
from watchkeeper.recording.models import Hold, Segment
from watchkeeper.recording.services import release_hold
from watchkeeper.redaction.models import Redaction
from watchkeeper.redaction.models import Status as RedactionStatus
from watchkeeper.storage.keys import Unreadable

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(school, other_school, pieces) -> dict[str, Any]:
    return footage({"school": school, "other_school": other_school, "pieces": pieces})


@pytest.fixture
def ready(ctx) -> tuple[Download, str]:
    decided = authorise(ctx, ask(ctx))
    assert decided.password is not None
    return build(decided.request, decided.password), decided.password


# --- asking ---------------------------------------------------------------------------------------------


def test_a_request_is_recorded_and_audited(ctx) -> None:
    req = ask(ctx)
    assert req.status == RequestStatus.REQUESTED and req.requested_by == ctx["reviewer"]
    assert list(req.cameras.all()) == [ctx["gate"]]
    assert req.requestor_display == "PC Jane Smith (Avon and Somerset Police)"
    event = AuditEvent.objects.get(action=services.REQUESTED)
    assert event.details["request"] == req.pk and event.details["case_reference"] == "CR-123"


def test_system_may_ask_for_another_apps_workflow(ctx) -> None:
    req = ask(ctx, SYSTEM)
    assert req.requested_by is None and req.status == RequestStatus.REQUESTED


@pytest.mark.parametrize("role", [Role.LIVE_VIEWER, Role.DPO])
def test_people_without_evidence_request_may_not_ask(ctx, role) -> None:
    with pytest.raises(PermissionDenied):
        ask(ctx, person(role, ctx["school"]))


def test_a_reviewer_of_another_school_may_not_ask(ctx) -> None:
    with pytest.raises(PermissionDenied):
        ask(ctx, person(Role.FOOTAGE_REVIEWER, ctx["other_school"]))


@pytest.mark.parametrize(
    ("overrides", "clause"),
    [
        ({"cameras": []}, "at least one camera"),
        ({"start": END, "end": START}, "end must be after"),
        ({"end": timezone.now() + timedelta(hours=1)}, "ended already"),
        ({"purpose": "gossip"}, "what the copy is for"),
        ({"reason_category": "curiosity"}, "kind of reason"),
        ({"reason": "  "}, "Appendix I asks for the reason"),
        ({"recipient_name": ""}, "name the requestor"),
        ({"purpose": Purpose.SUBJECT_ACCESS}, "10.4.1"),
    ],
)
@pytest.mark.clause("9.4", "9.5", "Appendix I", "R13")
def test_a_request_is_refused_with_its_clause(ctx, overrides, clause) -> None:
    with pytest.raises(PolicyRefusal) as refusal:
        ask(ctx, **overrides)
    assert clause in str(refusal.value.problems)
    assert not DownloadRequest.objects.exists()


def test_a_camera_of_another_school_is_refused(ctx) -> None:
    elsewhere = CameraFactory(school=ctx["other_school"])
    with pytest.raises(PolicyRefusal, match="belong to the school"):
        ask(ctx, cameras=[ctx["gate"], elsewhere])


@pytest.mark.clause("10.4.1", "R23")
def test_a_subject_access_copy_needs_an_approved_redaction_or_only_the_requester(ctx) -> None:
    proposing = Redaction.objects.create(school=ctx["school"])
    with pytest.raises(PolicyRefusal, match="only an approved redaction"):
        ask(ctx, purpose=Purpose.SUBJECT_ACCESS, redaction=proposing)
    req = ask(ctx, purpose=Purpose.SUBJECT_ACCESS, only_requester_appears=True, requestor_user=None)
    assert req.only_requester_appears


@pytest.mark.clause("10.4.1", "R23")
def test_a_subject_access_copy_refuses_a_redaction_of_another_time_or_camera(ctx) -> None:
    """10.4.1: the package ships the redaction instead of the master, so it must be of the request's one
    camera and take in the request's whole window (a redaction of another incident must not leave)."""
    playground = CameraFactory(school=ctx["school"], name="Playground")
    sar = {"purpose": Purpose.SUBJECT_ACCESS, "requestor_user": None}

    def approved(**overrides: Any) -> Redaction:
        fields = {"school": ctx["school"], "camera": ctx["gate"], "start": START, "end": END}
        return Redaction.objects.create(status=RedactionStatus.APPROVED, **{**fields, **overrides})

    earlier = approved(start=START - timedelta(hours=1), end=END - timedelta(hours=1))
    for wrong, cameras in [(earlier, [ctx["gate"]]), (approved(camera=playground), [ctx["gate"]])]:
        with pytest.raises(PolicyRefusal, match="10.4.1: redaction"):
            ask(ctx, redaction=wrong, cameras=cameras, **sar)
    with pytest.raises(PolicyRefusal, match="10.4.1: redaction .* another camera"):
        ask(ctx, redaction=approved(), cameras=[ctx["gate"], playground], **sar)
    req = ask(ctx, redaction=approved(start=START - timedelta(minutes=1)), **sar)
    # A request made before this check existed is refused at the decision too.
    Redaction.objects.filter(pk=req.redaction_id).update(start=START + timedelta(seconds=1))
    with pytest.raises(PolicyRefusal, match="does not take in the whole"):
        authorise(ctx, DownloadRequest.objects.get(pk=req.pk))


# --- deciding -------------------------------------------------------------------------------------------


@pytest.mark.clause("9.5", "11.6", "R16")
def test_approval_with_a_fresh_code_returns_a_password_once_and_never_stores_it(ctx) -> None:
    decided = authorise(ctx, ask(ctx))
    req = decided.request
    assert req.status == RequestStatus.APPROVED and req.decided_by == ctx["head"] and req.decided_at
    assert decided.password and len(decided.password) >= 20
    stored = json.dumps(list(AuditEvent.objects.values("details", "reason"))) + json.dumps(
        list(DownloadRequest.objects.values()), default=str
    )
    assert decided.password not in stored


@pytest.mark.clause("9.5")
def test_a_refusal_needs_a_note_and_gives_no_password(ctx) -> None:
    req = ask(ctx)
    with pytest.raises(PolicyRefusal, match="say why"):
        services.decide_download(
            ctx["head"], req, approve=False, otp_code=code_for(ctx["head"]), now=timezone.now()
        )
    decided = services.decide_download(
        ctx["head"],
        req,
        approve=False,
        otp_code=code_for(ctx["head"]),
        note="Not a police matter",
        now=timezone.now(),
    )
    assert decided.password is None and decided.request.status == RequestStatus.REFUSED
    assert AuditEvent.objects.filter(action=services.REFUSED, object_id=str(req.pk)).exists()


@pytest.mark.clause("9.5", "R15")
def test_a_wrong_code_is_refused_and_audited(ctx) -> None:
    req = ask(ctx)
    with pytest.raises(SecondFactorRefused):
        services.decide_download(
            ctx["head"], req, approve=True, otp_code=wrong_code_for(ctx["head"]), now=timezone.now()
        )
    req.refresh_from_db()
    assert req.status == RequestStatus.REQUESTED
    assert AuditEvent.objects.filter(action=services.SECOND_FACTOR_REFUSED).count() == 1


@pytest.mark.clause("9.5")
def test_nobody_authorises_their_own_request(ctx) -> None:
    req = ask(ctx, ctx["head"])
    with pytest.raises(PolicyRefusal, match="their own request"):
        authorise(ctx, req)


@pytest.mark.parametrize("role", [Role.FOOTAGE_REVIEWER, Role.CCTV_ADMIN, Role.DPO])
def test_only_the_headteacher_or_designated_person_authorises(ctx, role) -> None:
    with pytest.raises(PermissionDenied):
        authorise(ctx, ask(ctx), person(role, ctx["school"]))


def test_a_designated_person_authorises_and_a_decided_request_stays_decided(ctx) -> None:
    req = ask(ctx)
    authorise(ctx, req, person(Role.DESIGNATED_PERSON, ctx["school"]))
    with pytest.raises(PolicyRefusal, match="decided already"):
        authorise(ctx, req)


@pytest.mark.clause("9.5")
def test_withdraw_by_the_asker_only_while_awaiting(ctx) -> None:
    req = ask(ctx)
    with pytest.raises(PermissionDenied):
        services.withdraw_download(ctx["head"], req)
    services.withdraw_download(ctx["reviewer"], req)
    assert req.status == RequestStatus.WITHDRAWN
    with pytest.raises(PolicyRefusal):
        services.withdraw_download(ctx["reviewer"], req)


# --- the job --------------------------------------------------------------------------------------------


def test_the_job_builds_after_the_decision_commits_with_progress(
    ctx, immediate, django_capture_on_commit_callbacks, tmp_path
) -> None:
    req = ask(ctx)
    with django_capture_on_commit_callbacks(execute=True):
        decided = authorise(ctx, req)
    req.refresh_from_db()
    assert req.status == RequestStatus.READY and req.job_task_id
    job = JobRecord.objects.get(task_id=req.job_task_id)
    assert job.status == JobStatus.DONE and job.progress == 100 and job.school_id == ctx["school"].pk
    assert decided.password not in job.args_summary + job.message
    assert "sealed_password=(sealed)" in job.args_summary  # not even the ciphertext outlives the queue
    download = req.downloads.get()
    zipped = plaintext_zip(download, tmp_path, ctx["reviewer"])
    assert package.verify(zipped, decided.password or "").ok


@pytest.mark.clause("9.3", "R15", "R17")
def test_the_package_is_encrypted_at_rest_and_its_master_is_bit_exact(ctx, ready, tmp_path) -> None:
    download, password = ready
    stored = services.stored_path(download)
    assert stored.parent.name == "exports" and stored.read_bytes().startswith(storage.MAGIC)
    assert b"manifest.json" not in stored.read_bytes()  # not even the ZIP's directory is readable
    zipped = plaintext_zip(download, tmp_path, ctx["head"])
    assert hashlib.sha256(zipped.read_bytes()).hexdigest() == download.sha256
    files = members(zipped, password)
    masters = sorted(v for k, v in files.items() if k.startswith("master/"))
    expected = sorted(s.sha256 for s in ctx["segments"][1:3])
    assert sorted(hashlib.sha256(m).hexdigest() for m in masters) == expected
    manifest = json.loads(files["manifest.json"])
    assert manifest["authorised_by"] == "Helen Head"
    assert "PC Jane Smith" in manifest["requested_by"] and "CR-123" in manifest["reason"]


def evidential_hold(ctx: dict[str, Any]) -> Hold:
    hold = Hold.objects.create(
        school=ctx["school"],
        start=START,
        end=END,
        reason="Police investigation",
        owner=person(Role.CCTV_ADMIN, ctx["school"]),
        review_on=timezone.localdate() + timedelta(days=30),
    )
    hold.cameras.set([ctx["gate"]])
    return hold


@pytest.mark.clause("9.6", "R12")
def test_held_footage_does_not_leave_without_the_cctv_admins_release(ctx) -> None:
    """9.6: held footage is the CCTV administrator's alone; the Headteacher's authorisation is not enough
    (the release itself: tests/evidence/test_held_footage.py)."""
    evidential_hold(ctx)
    req = ask(ctx)
    with pytest.raises(PolicyRefusal, match="9.6: .*held as evidence"):
        authorise(ctx, req)
    assert not Download.objects.exists()


def test_a_hold_placed_after_authorisation_stops_the_build(ctx) -> None:
    decided = authorise(ctx, ask(ctx))
    evidential_hold(ctx)
    with pytest.raises(PolicyRefusal, match="9.6"):
        build(decided.request, decided.password or "")
    assert not Download.objects.exists()
    req = decided.request
    req.refresh_from_db()
    assert req.status == RequestStatus.FAILED
    # Re-issuing cannot succeed until the CCTV administrator releases the footage: refused up front, before
    # a new password is shown for a build that would fail again.
    with pytest.raises(PolicyRefusal, match="9.6: footage in it is held"):
        services.reissue_download(ctx["head"], req, otp_code=code_for(ctx["head"], 1))
    assert req.attempts == 1


@pytest.mark.clause("9.5", "Appendix I", "R13")
def test_the_log_row_is_filled_by_the_build(ctx, ready) -> None:
    download, _ = ready
    assert download.request is not None and download.authorised_by == ctx["head"]
    assert download.requested_by == ctx["reviewer"] and download.authorisation is None
    assert download.expires_on == date.fromordinal(download.expires_on.toordinal())
    event = AuditEvent.objects.get(action=services.PACKAGE_BUILT)
    assert event.details["sha256"] == download.sha256 and event.details["segments"] == 2


@pytest.mark.clause("9.5", "R16")
def test_a_failed_build_says_why_in_plain_words_and_is_not_reissued_to_fail_again(ctx) -> None:
    req = ask(ctx)
    decided = authorise(ctx, req)
    Segment.objects.filter(camera=ctx["gate"]).delete()  # erased since the authorisation
    with pytest.raises(PolicyRefusal):
        build(req, decided.password or "")
    req.refresh_from_db()
    assert req.status == RequestStatus.FAILED and "no recorded footage" in req.failure
    assert "PolicyRefusal" not in req.failure and "(policy 9.5)" in req.failure  # issue 15 §2
    assert AuditEvent.objects.filter(action=services.PACKAGE_FAILED).exists()
    assert services.reissue_blockers(req)
    with pytest.raises(PolicyRefusal, match="nothing was recorded by Main gate"):
        services.reissue_download(ctx["head"], req, otp_code=code_for(ctx["head"], 1))
    assert req.attempts == 1


@pytest.mark.clause("9.5", "9.6", "R16")
def test_a_failed_build_is_reissued_with_a_new_password_once_its_cause_is_gone(ctx) -> None:
    decided, hold = failed_build(ctx)
    req = decided.request
    assert req.status == RequestStatus.FAILED and req.failure.startswith("Footage in it is held")
    release_hold(person(Role.CCTV_ADMIN, ctx["school"]), hold, "Investigation closed", now=timezone.now())
    assert services.reissue_blockers(req) == []
    with pytest.raises(PermissionDenied):
        services.reissue_download(ctx["reviewer"], req, otp_code=code_for(ctx["reviewer"]))
    again = services.reissue_download(ctx["head"], req, otp_code=code_for(ctx["head"], 1))
    assert again.password and again.password != decided.password
    assert again.request.status == RequestStatus.APPROVED and again.request.attempts == 2


def test_the_sealed_password_opens_only_for_its_request_and_attempt(ctx) -> None:
    sealed = storage.seal_secret("secret-password", ctx["school"].pk, "package-password:1:1")
    assert storage.open_secret(sealed, ctx["school"].pk, "package-password:1:1") == "secret-password"
    with pytest.raises(Unreadable):
        storage.open_secret(sealed, ctx["school"].pk, "package-password:1:2")


@pytest.mark.clause("9.5")
def test_an_unauthorised_request_is_not_built(ctx) -> None:
    req = ask(ctx)
    with pytest.raises(PolicyRefusal, match="not authorised"):
        build(req, "whatever")


# --- stored copies --------------------------------------------------------------------------------------


@pytest.mark.clause("9.5")
def test_who_may_fetch_a_copy(ctx, ready) -> None:
    download, _ = ready
    for allowed in (ctx["reviewer"], ctx["head"], person(Role.CCTV_ADMIN, ctx["school"])):
        assert services.may_fetch(allowed, download)
    for refused in (person(Role.DPO, None), person(Role.HEADTEACHER, ctx["other_school"])):
        with pytest.raises(PermissionDenied):
            services.fetch_copy(refused, download, now=timezone.now())
    services.fetch_copy(ctx["head"], download, now=timezone.now())
    assert AuditEvent.objects.filter(action=services.COPY_FETCHED).count() == 1


@pytest.mark.clause("R15")
def test_a_damaged_stored_copy_is_refused(ctx, ready) -> None:
    download, _ = ready
    path = services.stored_path(download)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(Unreadable, match="damaged"):
        b"".join(services.fetch_copy(ctx["head"], download, now=timezone.now()))


def test_a_truncated_stored_copy_is_refused(tmp_path: Path, ctx) -> None:
    source = tmp_path / "plain"
    source.write_bytes(b"x" * (storage.CHUNK + 10))
    sealed = storage.seal_file(source, tmp_path / "sealed", "f1", ctx["school"].pk)
    whole = (tmp_path / "sealed").read_bytes()
    (tmp_path / "sealed").write_bytes(whole[: len(storage.MAGIC) + 16 + storage.CHUNK + 16])
    with pytest.raises(Unreadable):
        b"".join(storage.open_file(tmp_path / "sealed", "f1", sealed.wrapped_key, sealed.key_id))


@pytest.mark.clause("9.5", "Appendix I", "R13")
def test_recording_the_viewing(ctx, ready) -> None:
    download, _ = ready
    now = timezone.now()
    with pytest.raises(PolicyRefusal, match="future"):
        services.record_viewing(ctx["reviewer"], download, now + timedelta(hours=1), now=now)
    with pytest.raises(PolicyRefusal, match="before the recording was downloaded"):
        services.record_viewing(
            ctx["reviewer"], download, download.downloaded_at - timedelta(days=1), now=now
        )
    with pytest.raises(PermissionDenied):
        services.record_viewing(person(Role.LIVE_VIEWER, ctx["school"]), download, now, now=now)
    services.record_viewing(ctx["reviewer"], download, now, now=now)
    assert download.viewed_at == now and download.viewed_recorded_by == ctx["reviewer"]
    with pytest.raises(PolicyRefusal, match="recorded already"):
        services.record_viewing(ctx["head"], download, now, now=now)
    assert AuditEvent.objects.filter(action=services.COPY_VIEWED).count() == 1


@pytest.mark.clause("13.1", "13.2", "R14")
def test_a_police_or_sar_copy_is_kept_six_months_and_an_internal_one_30_days() -> None:
    assert services.keep_until(Purpose.POLICE, date(2026, 8, 31)) == date(2027, 2, 28)
    assert services.keep_until(Purpose.SUBJECT_ACCESS, date(2026, 1, 15)) == date(2026, 7, 15)
    assert services.keep_until(Purpose.THIRD_PARTY, date(2026, 1, 15)) == date(2026, 7, 15)
    # Issue 13 §3: internal copies get a keep-until date too (13.1's longest, 30 days).
    assert services.keep_until(Purpose.INTERNAL, date(2026, 1, 15)) == date(2026, 2, 14)
    # The later date the police asked for wins; an earlier one never shortens the six months.
    assert services.keep_until(Purpose.POLICE, date(2026, 1, 15), date(2027, 1, 1)) == date(2027, 1, 1)
    assert services.keep_until(Purpose.POLICE, date(2026, 1, 15), date(2026, 3, 1)) == date(2026, 7, 15)


def test_the_copy_state_for_a_date() -> None:
    keep = date(2026, 7, 15)
    assert services.copy_state(keep, date(2026, 6, 30)) is None
    assert services.copy_state(keep, date(2026, 7, 1)) == "due"
    assert services.copy_state(keep, date(2026, 7, 15)) == "due"
    assert services.copy_state(keep, date(2026, 7, 16)) == "overdue"
    assert services.copy_state(None, date(2026, 7, 16)) is None


@pytest.mark.clause("13.2", "R14")
def test_extending_a_copy(ctx, ready) -> None:
    download, _ = ready
    dpo = person(Role.DPO, None)
    assert download.expires_on is not None
    later = download.expires_on + timedelta(days=180)
    officer, now = "DC Ravi Patel, 1207, Midshire Police", timezone.now()
    with pytest.raises(PermissionDenied):
        services.extend_copy(ctx["reviewer"], download, later, "Police asked", asked_by=officer, now=now)
    with pytest.raises(PolicyRefusal, match="say why"):
        services.extend_copy(dpo, download, later, " ", asked_by=officer, now=now)
    with pytest.raises(PolicyRefusal, match="who asked"):
        services.extend_copy(dpo, download, later, "Police asked", asked_by=" ", now=now)
    with pytest.raises(PolicyRefusal, match="later than"):
        services.extend_copy(dpo, download, download.expires_on, "Police asked", asked_by=officer, now=now)
    services.extend_copy(dpo, download, later, "Police asked, ref CR-123", asked_by=officer, now=now)
    # 13.2: the police's request is recorded on the copy itself: who asked, until when, who recorded it.
    download.refresh_from_db()
    assert download.expires_on == later and download.expiry_note == "Police asked, ref CR-123"
    assert (download.expiry_asked_by, download.expiry_set_by, download.expiry_set_at) == (officer, dpo, now)
    event = AuditEvent.objects.get(action=services.COPY_EXTENDED)
    assert event.details["to"] == later.isoformat() and event.details["asked_by"] == officer


@pytest.mark.clause("13.2", "R14")
def test_the_daily_check_flags_due_and_overdue_once(ctx, ready) -> None:
    download, _ = ready
    assert download.expires_on is not None
    due_day = download.expires_on - timedelta(days=3)
    assert services.check_copies(due_day).due == 1
    assert services.check_copies(due_day).due == 0  # once
    assert services.check_copies(download.expires_on + timedelta(days=1)).overdue == 1
    download.refresh_from_db()
    assert download.reminded_on == due_day and download.overdue_on
    assert AuditEvent.objects.filter(action=services.COPY_DUE).count() == 1
    assert AuditEvent.objects.filter(action=services.COPY_OVERDUE).count() == 1
    Download.objects.filter(pk=download.pk).update(expires_on=timezone.localdate() + timedelta(days=2))
    assert list(services.flagged_copies(ctx["head"], timezone.localdate())) == [download]
    assert list(services.flagged_copies(ctx["reviewer"], timezone.localdate())) == []


@pytest.mark.clause("9.5", "Appendix I", "R13")
def test_deletion_needs_authorisation_destroys_the_key_then_the_file(ctx, ready) -> None:
    download, _ = ready
    path = services.stored_path(download)
    with pytest.raises(PermissionDenied):
        services.authorise_deletion(ctx["reviewer"], download, code_for(ctx["reviewer"]), now=timezone.now())
    services.authorise_deletion(
        ctx["head"], download, code_for(ctx["head"], 1), now=timezone.now()
    )  # approval used step 0
    download.refresh_from_db()
    assert download.wrapped_key is None and download.deleted_at and not path.exists()
    assert download.deletion_authorised_by == ctx["head"] and download.deletion_authorised_at
    assert AuditEvent.objects.filter(action=services.COPY_DELETED, object_id=str(download.pk)).exists()
    with pytest.raises(PolicyRefusal):
        services.fetch_copy(ctx["head"], download, now=timezone.now())
    with pytest.raises(PolicyRefusal, match="not yet deleted"):
        services.authorise_deletion(ctx["head"], download, "000000", now=timezone.now())


def test_deletion_with_a_wrong_code_is_refused_and_keeps_the_copy(ctx, ready) -> None:
    download, _ = ready
    with pytest.raises(SecondFactorRefused):
        services.authorise_deletion(ctx["head"], download, wrong_code_for(ctx["head"]), now=timezone.now())
    download.refresh_from_db()
    assert download.wrapped_key and download.deleted_at is None and services.stored_path(download).exists()


def test_the_daily_check_removes_a_file_a_crash_left_after_its_key_was_destroyed(ctx, ready) -> None:
    download, _ = ready
    Download.objects.filter(pk=download.pk).update(wrapped_key=None, deleted_at=timezone.now())
    assert services.stored_path(download).exists()
    assert services.check_copies(timezone.localdate()).files_removed == 1
    assert not services.stored_path(download).exists()


def test_a_failing_build_job_fails_its_job_record_and_the_request(
    ctx, immediate, django_capture_on_commit_callbacks
) -> None:
    req = ask(ctx)
    with django_capture_on_commit_callbacks(execute=True):
        authorise(ctx, req)
        evidential_hold(ctx)  # placed after the authorisation, before the job runs: the build refuses
    req.refresh_from_db()
    job = JobRecord.objects.get(task_id=req.job_task_id)
    assert req.status == RequestStatus.FAILED and job.status == JobStatus.FAILED
    # In plain words with the clause after, never the exception's class (issue 15 §2).
    assert (
        job.message.startswith("Failed: Footage in it is held as evidence") and "(policy 9.6)" in job.message
    )
    assert "PolicyRefusal" not in job.message and job.badge == "bad"


def test_the_daily_copy_check_runs_as_a_job(ctx, ready, immediate) -> None:
    from watchkeeper.evidence.tasks import copy_check

    copy_check()
    job = JobRecord.objects.get(name="evidence_copy_check")
    assert job.status == JobStatus.DONE and "(13.2)" in job.message


def test_a_missing_stored_file_is_a_refusal_not_a_broken_download(ctx, ready) -> None:
    download, _ = ready
    services.stored_path(download).unlink()
    with pytest.raises(PolicyRefusal, match="missing"):
        services.fetch_copy(ctx["head"], download, now=timezone.now())


def test_the_build_is_queued_only_when_the_decision_commits(ctx, django_capture_on_commit_callbacks) -> None:
    """The build job reaches the queue through jobs.queue.enqueue_on_commit (issue 12 §4): the worker never
    finds a job whose decided request is not committed yet."""
    HUEY.flush()
    with django_capture_on_commit_callbacks() as callbacks:
        decided = authorise(ctx, ask(ctx))
        assert HUEY.pending_count() == 0
    for callback in callbacks:
        callback()
    assert [task.id for task in HUEY.pending()] == [decided.request.job_task_id]
    HUEY.flush()
