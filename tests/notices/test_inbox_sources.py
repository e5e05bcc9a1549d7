"""Each app's inbox source (core/registry.py, issue 15 §3): an item appears for the person it waits on, and
not for the same role at another school nor for another role. Built directly; the clock is passed in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import CameraFactory, person
from tests.notices.conftest import NOW, approved_review, download_request, police_request, viewing_request
from watchkeeper.core import registry
from watchkeeper.core.registry import InboxItem
from watchkeeper.evidence.inbox import packages_ready
from watchkeeper.evidence.models import Download, DownloadRequest, Kind, RequestStatus
from watchkeeper.health.models import Alert, AlertKind
from watchkeeper.people.models import Role
from watchkeeper.recording.models import Hold
from watchkeeper.subjectaccess.models import SubjectAccessRequest
from watchkeeper.viewing.models import ReasonCategory

pytestmark = pytest.mark.django_db
R = Role


def keys(user) -> list[str]:
    return [item.key for item in registry.inbox_items(user, NOW)]


@pytest.mark.clause("9.2")
def test_a_viewing_request_waits_on_the_headteacher_of_its_school(school, other_school) -> None:
    head = person(R.HEADTEACHER, school)
    auth = viewing_request(school, person(R.FOOTAGE_REVIEWER, school))
    item = next(i for i in registry.inbox_items(head, NOW) if i.key == f"viewing.decide:{auth.pk}")
    assert item.url == f"/viewing/{auth.pk}/" and item.due is not None and not item.overdue(NOW)
    assert f"viewing.decide:{auth.pk}" not in keys(person(R.HEADTEACHER, other_school))
    assert f"viewing.decide:{auth.pk}" not in keys(person(R.CCTV_ADMIN, school))


@pytest.mark.clause("9.2")
def test_footage_approved_for_a_reviewer_waits_on_them_alone(school) -> None:
    reviewer = person(R.FOOTAGE_REVIEWER, school)
    auth = approved_review(school, reviewer, ReasonCategory.SAFEGUARDING)
    assert f"viewing.view:{auth.pk}" in keys(reviewer)
    assert f"viewing.view:{auth.pk}" not in keys(person(R.FOOTAGE_REVIEWER, school))


@pytest.mark.clause("9.5", "Appendix I")
def test_a_download_request_waits_on_the_headteacher_not_its_asker(school, other_school) -> None:
    asker = person(R.HEADTEACHER, school)
    req = download_request(school, asker)
    other_head = person(R.HEADTEACHER, school)
    assert f"evidence.authorise:{req.pk}" in keys(other_head)
    assert f"evidence.authorise:{req.pk}" not in keys(asker)  # never one's own request (9.5)
    assert f"evidence.authorise:{req.pk}" not in keys(person(R.HEADTEACHER, other_school))


@pytest.mark.clause("13.2")
def test_a_copy_due_for_deletion_waits_on_the_headteacher_and_shows_overdue(school, other_school) -> None:
    head = person(R.HEADTEACHER, school)
    copy = Download.objects.create(
        school=school,
        kind=Kind.PACKAGE,
        authorised_by=head,
        authorised_at=NOW - timedelta(days=200),
        downloaded_at=NOW - timedelta(days=200),
        reason_category="safeguarding",
        reason="For the file",
        camera=CameraFactory(school=school),
        frame_at=NOW - timedelta(days=200),
        sha256="0" * 64,
        expires_on=NOW.date() - timedelta(days=1),
    )
    item = next(i for i in registry.inbox_items(head, NOW) if i.key == f"evidence.copy:{copy.pk}")
    assert item.overdue(NOW)
    assert f"evidence.copy:{copy.pk}" not in keys(person(R.HEADTEACHER, other_school))
    assert f"evidence.copy:{copy.pk}" not in keys(person(R.CCTV_ADMIN, school))


@pytest.mark.clause("11.3")
def test_a_police_request_waits_on_the_headteacher(school, other_school) -> None:
    req = police_request(school, person(R.CCTV_ADMIN, school))
    head = person(R.HEADTEACHER, school)
    assert f"disclosures.decide:{req.pk}" in keys(head)
    assert f"disclosures.decide:{req.pk}" not in keys(person(R.HEADTEACHER, other_school))
    assert f"disclosures.decide:{req.pk}" not in keys(person(R.CCTV_ADMIN, school))


@pytest.mark.clause("11.3", "10.2")
def test_an_approved_disclosure_review_waits_on_its_reviewer(school) -> None:
    reviewer = person(R.FOOTAGE_REVIEWER, school)
    review = approved_review(school, reviewer, ReasonCategory.DISCLOSURE)
    req = police_request(school, person(R.CCTV_ADMIN, school), review=review)
    assert f"disclosures.review:{req.pk}" in keys(reviewer)
    assert f"viewing.view:{review.pk}" not in keys(reviewer)  # listed once, where it is finished
    assert f"disclosures.review:{req.pk}" not in keys(person(R.FOOTAGE_REVIEWER, school))


@pytest.mark.clause("11.5")
def test_a_request_referred_for_advice_waits_on_the_dpo(school) -> None:
    req = police_request(school, person(R.CCTV_ADMIN, school), escalated_at=NOW, escalation_note="Unsure")
    assert f"disclosures.advise:{req.pk}" in keys(person(R.DPO, None))
    assert f"disclosures.advise:{req.pk}" not in keys(person(R.HEADTEACHER, school))


@pytest.mark.clause("11.7")
def test_an_foi_request_waits_on_the_headteacher_by_its_statutory_deadline(school, other_school) -> None:
    from watchkeeper.disclosures.models import FOIRequest

    foi = FOIRequest.objects.create(
        school=school,
        requester_name="A Journalist",
        contact="news@example.org",
        received_on=NOW.date(),
        sought="Footage of the car park",
        logged_by=person(R.CCTV_ADMIN, school),
        logged_at=NOW,
    )
    item = next(i for i in keys_items(person(R.HEADTEACHER, school)) if i.key == f"disclosures.foi:{foi.pk}")
    assert item.statutory and item.due is not None and not item.overdue(NOW)
    assert f"disclosures.foi:{foi.pk}" not in keys(person(R.HEADTEACHER, other_school))
    assert f"disclosures.foi:{foi.pk}" not in keys(person(R.CCTV_ADMIN, school))


def keys_items(user) -> list[registry.InboxItem]:
    return registry.inbox_items(user, NOW)


def _case(school, handler, received_days_ago: int) -> SubjectAccessRequest:
    case = SubjectAccessRequest.objects.create(
        school=school,
        received_on=NOW.date() - timedelta(days=received_days_ago),
        requester_name="A Parent",
        requester_contact="1 High Street",
        description="Red coat",
        window_start=NOW - timedelta(days=3),
        window_end=NOW - timedelta(days=3) + timedelta(hours=1),
        logged_by=handler,
        identity_basis="known_to_staff",
        identity_confirmed_on=NOW.date() - timedelta(days=received_days_ago),
    )
    case.cameras.set([CameraFactory(school=school)])
    return case


@pytest.mark.clause("10.2")
def test_a_subject_access_case_waits_on_its_handler_by_its_statutory_deadline(school, other_school) -> None:
    handler = person(R.SAR_HANDLER, school)
    case = _case(school, handler, received_days_ago=2)
    item = next(i for i in registry.inbox_items(handler, NOW) if i.key == f"subjectaccess.case:{case.pk}")
    assert item.statutory and item.reference == case.reference and item.due is not None
    assert f"subjectaccess.case:{case.pk}" not in keys(person(R.SAR_HANDLER, other_school))
    assert f"subjectaccess.case:{case.pk}" not in keys(person(R.FOOTAGE_REVIEWER, school))
    # The DPO watches over the cases: only those due within a week or overdue reach their inbox.
    assert f"subjectaccess.case:{case.pk}" not in keys(person(R.DPO, None))
    late = _case(school, handler, received_days_ago=40)
    assert f"subjectaccess.case:{late.pk}" in keys(person(R.DPO, None))


@pytest.mark.clause("10.2", "10.3")
def test_an_approved_sar_review_waits_on_its_reviewer_until_attested(school) -> None:
    reviewer = person(R.FOOTAGE_REVIEWER, school)
    case = _case(school, person(R.SAR_HANDLER, school), received_days_ago=1)
    case.review = approved_review(school, reviewer, ReasonCategory.SUBJECT_ACCESS)
    case.save()
    assert f"subjectaccess.review:{case.review.pk}" in keys(reviewer)
    assert f"subjectaccess.review:{case.review.pk}" not in keys(person(R.FOOTAGE_REVIEWER, school))


@pytest.mark.clause("9.6")
def test_an_evidential_hold_due_for_review_waits_on_the_cctv_administrator(school, other_school) -> None:
    admin = person(R.CCTV_ADMIN, school)
    hold = Hold.objects.create(
        school=school, start=NOW, end=NOW, reason="Incident", owner=admin, review_on=NOW.date()
    )
    key = f"recording.hold_review:{hold.pk}:{hold.review_on.isoformat()}"
    assert key in keys(admin)
    assert key not in keys(person(R.CCTV_ADMIN, other_school))
    assert key not in keys(person(R.HEADTEACHER, school))


@pytest.mark.clause("12.1")
def test_a_camera_alert_waits_on_the_cctv_administrator(school, other_school) -> None:
    admin = person(R.CCTV_ADMIN, school)
    alert = Alert.objects.create(
        camera=CameraFactory(school=school), kind=AlertKind.STREAM_DOWN, opened_at=NOW, detail="No frames"
    )
    item = next(i for i in registry.inbox_items(admin, NOW) if i.key == f"health.alert:{alert.pk}")
    assert item.due is None and item.url == "/recording/health/"
    assert f"health.alert:{alert.pk}" not in keys(person(R.CCTV_ADMIN, other_school))
    assert f"health.alert:{alert.pk}" not in keys(person(R.HEADTEACHER, school))


@pytest.mark.clause("9.2", "Appendix I")
def test_a_request_escalated_after_the_working_days_waits_on_the_dpo(school) -> None:
    asked = NOW - timedelta(days=7)  # five working days: past the default three
    auth = viewing_request(school, person(R.FOOTAGE_REVIEWER, school), requested_at=asked)
    dpo_items = registry.inbox_items(person(R.DPO, None), NOW)
    referral = next(i for i in dpo_items if i.key == f"people.referral:Footage to view:{auth.pk}")
    assert referral.overdue(NOW)
    assert f"people.referral:Footage to view:{auth.pk}" not in keys(person(R.SAR_HANDLER, school))
    # The Headteacher still may decide it: overdue, so it shows loud on their page.
    head_item = next(
        i for i in registry.inbox_items(person(R.HEADTEACHER, school), NOW) if i.key.endswith(f":{auth.pk}")
    )
    assert head_item.overdue(NOW)


def test_the_inbox_is_nearest_deadline_first_with_no_deadline_last(school) -> None:
    admin = person(R.CCTV_ADMIN, school)
    Alert.objects.create(camera=CameraFactory(school=school), kind=AlertKind.FROZEN, opened_at=NOW, detail="")
    for days in (5, 1):
        Hold.objects.create(
            school=school, start=NOW, end=NOW, reason="x", owner=admin, review_on=NOW.date() + timedelta(days)
        )
    dues = [item.due for item in registry.inbox_items(admin, NOW)]
    assert dues[-1] is None and dues[0] < dues[1]


def test_a_legal_deadline_badge_only_where_there_is_a_deadline() -> None:
    """Walked in Chromium: "Legal deadline … SAR-2: reply … — no deadline" for a case whose clock had not
    started (identity not yet confirmed). The badge needs a date; without one the row says why."""
    from django.template.loader import render_to_string

    waiting = InboxItem(key="subjectaccess.case:2", title="SAR-2: reply", url="/sar/2/", statutory=True)
    due = InboxItem(key="subjectaccess.case:3", title="SAR-3: reply", url="/sar/3/", statutory=True,
                    due_on=NOW.date())  # fmt: skip
    html = render_to_string("site/_inbox.html", {"inbox_rows": [(waiting, False), (due, False)]})
    rows = html.split("<li")[1:]
    assert "Legal deadline" not in rows[0] and "the legal clock has not started" in rows[0]
    assert "Legal deadline" in rows[1] and "due by" in rows[1]


@pytest.mark.clause("9.5")
def test_a_built_package_waits_on_its_requestor_until_it_leaves(school) -> None:
    """Walked in Chromium: nobody told the reviewer that the package they asked for was ready."""
    reviewer, head = person(R.FOOTAGE_REVIEWER, school), person(R.HEADTEACHER, school)
    req = download_request(school, reviewer)
    DownloadRequest.objects.filter(pk=req.pk).update(status=RequestStatus.READY)
    copy = Download.objects.create(
        school=school,
        request=req,
        kind=Kind.PACKAGE,
        authorised_by=head,
        authorised_at=NOW,
        downloaded_at=NOW,
        reason_category="safeguarding",
        reason="For the safeguarding file",
        camera=req.cameras.get(),
        frame_at=NOW - timedelta(hours=2),
        sha256="0" * 64,
    )
    key = f"evidence.ready:{copy.pk}"
    assert key in keys(reviewer) and key not in keys(head)
    # An external recipient leaves the staff requestor empty: that is nobody's, not the anonymous visitor's.
    DownloadRequest.objects.filter(pk=req.pk).update(requestor_user=None)
    assert not list(packages_ready(AnonymousUser(), NOW)) and key in keys(reviewer)
    Download.objects.filter(pk=copy.pk).update(handed_over_at=NOW)  # downloaded: it has left
    assert key not in keys(reviewer)
