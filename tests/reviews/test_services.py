"""Policy versions (18.1, 3.1), acknowledgements and the pause (3.3), review triggers, camera and DPIA
review reminders: through the services, with the real sealed store and database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.compliance.helpers import PDF, pdf
from tests.factories import ApprovedDPIAFactory, CameraFactory, person
from tests.reviews.conftest import approved_version
from watchkeeper.audit.models import AuditEvent
from watchkeeper.compliance import files
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import require
from watchkeeper.core.registry import inbox_items
from watchkeeper.estate.models import Camera
from watchkeeper.people.models import Role
from watchkeeper.reviews import reminders, services
from watchkeeper.reviews.models import Acknowledgement

pytestmark = pytest.mark.django_db


def keys(user, now) -> list[str]:
    return [item.key.split(":")[0] for item in inbox_items(user, now)]


@pytest.mark.clause("18.1", "3.1", "9.1")
def test_a_version_is_sealed_and_approved_by_a_board_member(school) -> None:
    now = timezone.now()
    version = approved_version(school.trust, "4", now=now)
    stored = files.store().path(files.name_of(version.document)).read_bytes()
    assert PDF not in stored and files.open_file(version.document) == PDF  # 9.1: ciphertext on disk
    assert version.approved_at == now and version.approved_by is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"reviews.policy_uploaded", "reviews.policy_approved"} <= actions


@pytest.mark.clause("3.1")
def test_only_the_dpo_uploads_and_only_the_board_approves(school) -> None:
    now, head = timezone.now(), person(Role.HEADTEACHER, school)
    with pytest.raises(PermissionDenied):
        services.upload_version(head, school.trust, "5", pdf(), timezone.localdate(now), now=now)
    version = approved_version(school.trust, "4", now=now)
    dpo = person(Role.DPO, None)
    with pytest.raises(PermissionDenied):
        services.approve_version(dpo, version, now=now)
    with pytest.raises(PolicyRefusal, match="already approved"):
        services.approve_version(person(Role.BOARD_MEMBER, None), version, now=now)


@pytest.mark.clause("18.1")
def test_legislation_change_brings_the_review_forward(school) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    version = approved_version(school.trust, now=now)
    assert reminders.policy_review(school.trust_id, today).due_on == today + timedelta(days=365)
    dpo = version.uploaded_by
    services.record_trigger(
        dpo, school.trust, "Data (Use and Access) Act 2025 in force", today + timedelta(days=20), now=now
    )
    review = reminders.policy_review(school.trust_id, today)
    assert review.due_on == today + timedelta(days=20) and review.triggers
    assert "reviews.policy_review" in keys(dpo, now)
    with pytest.raises(PolicyRefusal, match="say what changed"):
        services.record_trigger(dpo, school.trust, " ", today, now=now)


@pytest.mark.clause("3.3")
def test_staff_are_asked_to_acknowledge_until_they_do(school) -> None:
    now = timezone.now()
    version = approved_version(school.trust, now=now)
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    asked = [item for item in inbox_items(reviewer, now) if item.key.startswith("reviews.acknowledge")]
    assert len(asked) == 1 and asked[0].banner and "version 4" in asked[0].title
    services.acknowledge(reviewer, version, now=now)
    services.acknowledge(reviewer, version, now=now)  # again is harmless
    assert Acknowledgement.objects.filter(version=version, user=reviewer).count() == 1
    assert "reviews.acknowledge" not in keys(reviewer, now)


@pytest.mark.clause("3.3")
def test_footage_actions_pause_after_the_grace_period_and_resume_on_acknowledgement(school) -> None:
    today = timezone.localdate()
    version = approved_version(school.trust, "5", effective_on=today - timedelta(days=15), grace_days=14)
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    with pytest.raises(PolicyRefusal) as refused:
        require(reviewer, "viewing.request", school.pk)
    assert refused.value.refusals[0].clause == "3.3" and "version 5" in refused.value.refusals[0].reason
    require(reviewer, "breaches.report", school.pk)  # not a footage action: never paused
    services.acknowledge(reviewer, version, now=timezone.now())
    require(reviewer, "viewing.request", school.pk)


@pytest.mark.clause("3.3")
def test_a_new_version_never_stops_work_overnight(school) -> None:
    today = timezone.localdate()
    approved_version(school.trust, "6", effective_on=today)
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    require(reviewer, "viewing.request", school.pk)  # unacknowledged, inside its grace period


def test_the_pause_check_costs_one_query_per_request(school) -> None:
    approved_version(school.trust, "7", effective_on=timezone.localdate() - timedelta(days=2))
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    with CaptureQueriesContext(connection) as first:
        require(reviewer, "viewing.request", school.pk)
    with CaptureQueriesContext(connection) as second:
        require(reviewer, "viewing.request", school.pk)
    assert len(first) == len(second) + 1  # the answer is kept on the request's user object
    with CaptureQueriesContext(connection) as other:
        require(reviewer, "breaches.report", school.pk)
    assert len(other) == len(second)  # other actions never ask


@pytest.mark.clause("18.1")
def test_camera_and_dpia_reviews_come_due(school) -> None:
    now = timezone.now()
    head = person(Role.HEADTEACHER, school)
    camera = CameraFactory(school=school, name="Old car park")
    Camera.objects.filter(pk=camera.pk).update(created_at=now - timedelta(days=370))
    ApprovedDPIAFactory(
        school=school, title="Site cameras", next_review_on=timezone.localdate(now) + timedelta(days=10)
    )
    found = keys(head, now)
    assert "reviews.camera" in found and "reviews.dpia" in found
    review = services.record_camera_review(head, camera, True, "Still needed: thefts from cars", now=now)
    assert review.next_review_on == timezone.localdate(now) + timedelta(days=365)
    assert "reviews.camera" not in keys(head, now)
    with pytest.raises(PolicyRefusal, match="necessary"):
        services.record_camera_review(head, camera, False, "", now=now)
    with pytest.raises(PermissionDenied):
        services.record_camera_review(person(Role.FOOTAGE_REVIEWER, school), camera, True, "x", now=now)


@pytest.mark.clause("18.1", "13.1")
def test_a_camera_found_no_longer_necessary_is_decommissioned_and_its_erasure_asked_for(
    school, settings, tmp_path
) -> None:
    """Surveillance Camera Code principle 2: the review's "no" stops recording at once (the DPO reviews
    cameras without running the estate), and the CCTV administrator is asked to erase before disposal."""
    from tests.recording.helpers import store
    from watchkeeper.estate.models import CameraStatus
    from watchkeeper.recording.erasure import erase_camera

    settings.WATCHKEEPER_RECORDINGS_DIR = ""
    now = timezone.now()
    camera = CameraFactory(school=school, name="Old bike shed", status=CameraStatus.ACTIVE)
    store(camera, now - timedelta(days=2))
    dpo, admin = person(Role.DPO, None), person(Role.CCTV_ADMIN, school)
    assert "recording.erase_camera" not in keys(admin, now)
    services.record_camera_review(dpo, camera, False, "The bike shed was demolished", now=now)
    camera.refresh_from_db()
    assert camera.status == CameraStatus.DECOMMISSIONED
    change = AuditEvent.objects.get(action="estate.camera_status_changed")
    assert change.details["to"] == "decommissioned" and "demolished" in change.reason
    assert "recording.erase_camera" in keys(admin, now)
    with pytest.raises(PolicyRefusal, match="decommissioned already"):
        services.record_camera_review(dpo, camera, True, "Changed my mind", now=now)
    erase_camera(admin, camera, "Unit removed with the shed", now=now)
    assert "recording.erase_camera" not in keys(admin, now)


@pytest.mark.clause("18.1")
def test_a_camera_still_necessary_keeps_recording(school) -> None:
    from watchkeeper.estate.models import CameraStatus

    camera = CameraFactory(school=school, status=CameraStatus.ACTIVE)
    services.record_camera_review(
        person(Role.HEADTEACHER, school), camera, True, "Gate thefts", now=timezone.now()
    )
    camera.refresh_from_db()
    assert camera.status == CameraStatus.ACTIVE


def test_only_a_camera_reviewer_decommissions_through_the_review_path(school) -> None:
    from watchkeeper.estate import services as estate

    camera = CameraFactory(school=school)
    with pytest.raises(PermissionDenied):
        estate.decommission_unnecessary(
            person(Role.CCTV_ADMIN, school), camera, "x", today=timezone.localdate()
        )
