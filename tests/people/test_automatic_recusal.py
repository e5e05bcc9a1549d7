"""Recusal where the system can know (9.2, 9.5; people/deciders.py, people/involvement.py): a decider named as
involved in the incident or shown in the footage, the staff data subject of a subject access request, and
the one who asked are refused with a clear reason, and the request goes to a nominated alternate or, when
none may decide it, to the DPO."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories import nominate, person, recorded
from tests.people.accounts import END, START, approve, ask_download, local
from tests.subjectaccess.conftest import WINDOW_START, log
from tests.viewing.conftest import code_for
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence import services as evidence
from watchkeeper.evidence.models import DownloadRequest, RequestStatus
from watchkeeper.people import deciders, reroutings
from watchkeeper.people.models import Decision, Role
from watchkeeper.subjectaccess import services as sar
from watchkeeper.viewing import services as viewing
from watchkeeper.viewing.models import Status, ViewingAuthorisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DATA_DIR = tmp_path


def ask_naming(user: Any, gate: Any, *involved: Any) -> ViewingAuthorisation:
    return viewing.request_authorisation(
        user,
        [gate],
        START,
        END,
        "safeguarding",
        "Pushed at the gate",
        now=timezone.now(),
        staff_involved=involved,
    )


def authorise(decider: Any, req: Any) -> Any:
    return evidence.decide_download(
        decider, req, approve=True, otp_code=code_for(decider), now=timezone.now()
    )


@pytest.mark.clause("9.2")
def test_a_headteacher_named_as_involved_is_refused_and_the_alternate_decides(
    school, gate, head, deputy, reviewer
):
    nominate(deputy, school, Decision.VIEWING)
    auth = ask_naming(reviewer, gate, head)
    assert AuditEvent.objects.get(action="viewing.requested").details["staff_involved"] == [head.username]
    with pytest.raises(PolicyRefusal, match="named as involved in the incident or shown in the footage"):
        approve(head, auth)
    assert deciders.escalation(deciders.VIEWING, auth, timezone.now()) is None  # the alternate is there
    approve(deputy, auth)
    auth.refresh_from_db()
    assert auth.status == Status.APPROVED and auth.decided_by == deputy


@pytest.mark.clause("9.5")
def test_a_download_naming_the_only_decider_goes_to_the_dpo(school, gate, head, reviewer, dpo):
    req = evidence.request_download(
        reviewer,
        school=school,
        cameras=[gate],
        start=START,
        end=END,
        purpose="internal",
        reason_category="safeguarding",
        reason="Complaint about the Headteacher at the gate",
        requestor_user=reviewer,
        staff_involved=[head],
        now=timezone.now(),
    )
    with pytest.raises(PolicyRefusal, match="named as involved"):
        authorise(head, req)
    assert "involved" in (deciders.escalation(deciders.DOWNLOAD, req, timezone.now()) or "")
    assert req in reroutings.rerouted_downloads(dpo)
    decided = authorise(dpo, req)
    assert decided.request.status == RequestStatus.APPROVED and decided.request.decided_by == dpo


@pytest.mark.clause("10.2")
def test_the_staff_data_subject_of_a_sar_does_not_decide_its_review(school, gate, head, reviewer, dpo):
    handler = person(Role.SAR_HANDLER, school)
    case = log(handler, school, [recorded(gate, WINDOW_START)], subject_account=head)
    assert case.subject_account == head
    sar.request_review(reviewer, case, now=timezone.now())
    case.refresh_from_db()
    with pytest.raises(PolicyRefusal, match=f"data subject of the subject access request {case.reference}"):
        approve(head, case.review)
    assert case.review in reroutings.rerouted_authorisations(dpo)  # nobody else at the school may
    approve(dpo, case.review)


@pytest.mark.clause("9.5")
def test_the_asker_is_refused_and_the_request_goes_to_the_alternate_or_the_dpo(
    school, gate, head, deputy, dpo
):
    req = ask_download(head, gate)  # the Headteacher asks for a download for themselves
    with pytest.raises(PolicyRefusal, match="their own request"):
        authorise(head, req)
    assert "asked for it" in (deciders.escalation(deciders.DOWNLOAD, req, timezone.now()) or "")
    nominate(deputy, school, Decision.DOWNLOADS)
    assert deciders.escalation(deciders.DOWNLOAD, req, timezone.now()) is None
    assert deciders.available_deciders(deciders.DOWNLOAD, req, timezone.localdate()) == {deputy.pk}
    authorise(deputy, req)


@pytest.mark.clause("9.2")
def test_only_the_schools_staff_are_named_as_involved(school, other_school, gate, reviewer):
    stranger = person(Role.HEADTEACHER, other_school)
    with pytest.raises(PolicyRefusal, match="not a member of staff of this school"):
        ask_naming(reviewer, gate, stranger)


@pytest.mark.clause("9.2")
def test_the_request_form_names_the_staff_involved(client, school, gate, head, reviewer):
    sign_in(client, reviewer)
    page = client.get(reverse("viewing:authorisation_request")).content.decode()
    assert "Staff involved in the incident or shown in the footage" in page and "Helen Head" in page
    response = client.post(
        reverse("viewing:authorisation_request"),
        {
            "cameras": [gate.pk],
            "start": local(START),
            "end": local(END),
            "reason_category": "safeguarding",
            "reason": "Complaint about the Headteacher",
            "staff_involved": [head.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    auth = ViewingAuthorisation.objects.get()
    assert list(auth.staff_involved.all()) == [head]
    page = client.get(reverse("viewing:authorisation_detail", args=[auth.pk])).content.decode()
    assert "Staff named as involved" in page and "Helen Head" in page


@pytest.mark.clause("10.1")
def test_the_sar_form_links_a_staff_requester_to_their_account(client, school, gate, head):
    handler = person(Role.SAR_HANDLER, school)
    sign_in(client, handler)
    page = client.get(reverse("subjectaccess:case_new")).content.decode()
    assert "The requester is a member of staff" in page and "Helen Head" in page


@pytest.mark.clause("9.5")
def test_the_download_form_names_the_staff_involved(client, school, gate, head, reviewer):
    sign_in(client, reviewer)
    page = client.get(reverse("evidence:request_new")).content.decode()
    assert "Staff involved in the incident or shown in the footage" in page
    response = client.post(
        reverse("evidence:request_new"),
        {
            "cameras": [gate.pk],
            "start": local(START),
            "end": local(END),
            "purpose": "internal",
            "reason_category": "safeguarding",
            "reason": "Complaint about the Headteacher",
            "requestor": "me",
            "staff_involved": [head.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    req = DownloadRequest.objects.get()
    assert list(req.staff_involved.all()) == [head]
    page = client.get(reverse("evidence:request_detail", args=[req.pk])).content.decode()
    assert "Staff named as involved" in page and "Helen Head" in page
