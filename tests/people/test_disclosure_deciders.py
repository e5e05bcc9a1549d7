"""Who decides police, outside-body and FOI requests (11.3, 11.5, 11.7; people/deciders.py): the Headteacher,
an alternate only under a nomination for "disclosures" (recorded on the decision), recusal, and the DPO only
when the request is escalated."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.disclosures.cases import foi_request, police_request
from tests.factories import nominate
from tests.viewing.conftest import code_for
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.disclosures import services
from watchkeeper.disclosures.models import FOIDecision, RequestStatus
from watchkeeper.people import deciders, nominations, panels, reroutings
from watchkeeper.people.models import Decision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DATA_DIR = tmp_path


def refuse(decider: Any, req: Any, steps: int = 0) -> Any:
    return services.decide(
        decider,
        req,
        approve=False,
        code=code_for(decider, steps),
        reason="Not a purpose of the CCTV",
        now=timezone.now(),
    )


def answer(decider: Any, foi: Any) -> Any:
    return services.decide_foi(
        decider, foi, decision=FOIDecision.WITHHELD, reason="Identifiable pupils (s40(2))", now=timezone.now()
    )


@pytest.mark.clause("11.3")
def test_a_designated_person_decides_a_police_request_only_under_a_disclosures_nomination(
    school, head, deputy
):
    req = police_request(school)
    nominate(deputy, school, Decision.VIEWING, Decision.DOWNLOADS)  # not disclosures
    with pytest.raises(PolicyRefusal, match="police, outside-body and foi requests"):
        refuse(deputy, req)
    nomination = nominate(deputy, school, Decision.DISCLOSURES)
    refuse(deputy, req)
    req.refresh_from_db()
    assert req.status == RequestStatus.REFUSED and req.nomination == nomination
    event = AuditEvent.objects.get(action="disclosures.request_refused")
    assert event.details["authority"] == "nominated alternate"
    assert event.details["nomination"] == nomination.pk


@pytest.mark.clause("11.3")
def test_the_headteacher_decides_without_a_nomination(school, head):
    req = refuse(head, police_request(school))
    assert req.status == RequestStatus.REFUSED and req.nomination is None
    assert AuditEvent.objects.get(action="disclosures.request_refused").details["authority"] == "headteacher"


@pytest.mark.clause("11.7")
def test_an_foi_request_is_answered_by_the_headteacher_or_an_alternate_for_disclosures(school, head, deputy):
    foi = foi_request(school)
    with pytest.raises(PolicyRefusal, match="no nomination"):
        answer(deputy, foi)
    nomination = nominate(deputy, school, Decision.DISCLOSURES)
    answer(deputy, foi)
    foi.refresh_from_db()
    assert foi.decided_by == deputy and foi.nomination == nomination
    assert AuditEvent.objects.get(action="disclosures.foi_decided").details["nomination"] == nomination.pk


@pytest.mark.clause("11.3")
def test_a_recused_headteacher_is_refused_and_the_dpo_decides_when_nobody_else_may(school, head, dpo):
    req = police_request(school)
    with pytest.raises(PermissionDenied):  # the DPO advises (11.5) but does not decide an ordinary request
        refuse(dpo, req)
    nominations.recuse(head, req, head, "The officer is my brother", now=timezone.now())
    with pytest.raises(PolicyRefusal, match="you recused yourself"):
        refuse(head, req)
    assert deciders.escalation(deciders.DISCLOSURE, req, timezone.now()) is not None
    assert [row.obj for row in reroutings.rerouted_requests(dpo)] == [req]
    refuse(dpo, req)
    req.refresh_from_db()
    assert req.decided_by == dpo and req.nomination is None
    assert AuditEvent.objects.get(action="disclosures.request_refused").details["authority"] == "dpo"


@pytest.mark.clause("11.7")
def test_an_foi_request_waiting_three_working_days_goes_to_the_dpo(school, head, dpo):
    foi = foi_request(school)
    assert deciders.escalation(deciders.FOI, foi, timezone.now()) is None
    foi.logged_at = timezone.now() - timedelta(days=10)
    foi.save(update_fields=["logged_at"])
    assert "working days" in (deciders.escalation(deciders.FOI, foi, timezone.now()) or "")
    answer(dpo, foi)
    foi.refresh_from_db()
    assert foi.decided_by == dpo


@pytest.mark.clause("11.3")
def test_the_request_page_offers_the_decision_to_the_headteacher_and_not_to_a_recused_one(
    client, school, head
):
    req = police_request(school)
    sign_in(client, head)
    url = reverse("disclosures:request_detail", args=[req.pk])
    page = client.get(url).content.decode()
    assert 'id="decide"' in page and 'id="recuse"' in page
    nominations.recuse(head, req, head, "Involved in the incident", now=timezone.now())
    page = client.get(url).content.decode()
    assert 'id="decide"' not in page and "you recused yourself" in page


@pytest.mark.clause("11.3")
def test_the_dpo_decides_an_escalated_request_from_its_page(client, school, head, dpo):
    req = police_request(school)
    nominations.recuse(dpo, req, head, "The Headteacher appears in the footage", now=timezone.now())
    sign_in(client, dpo)
    response = client.post(
        reverse("disclosures:request_decide", args=[req.pk]),
        {"decision": "refuse", "code": code_for(dpo), "reason": "No purpose of the CCTV applies"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    req.refresh_from_db()
    assert req.status == RequestStatus.REFUSED and req.decided_by == dpo


@pytest.mark.clause("11.3")
def test_the_dpo_is_shown_an_escalated_disclosure_on_the_dashboard_and_the_rerouted_page(
    client, rf, school, head, dpo
):
    req = police_request(school)
    asked = rf.get("/")
    asked.user = dpo
    assert panels.rerouted(asked, timezone.now()) is None
    nominations.recuse(dpo, req, head, "The Headteacher is the subject of the complaint", now=timezone.now())
    assert panels.rerouted(asked, timezone.now()) == {"rerouted": 1}
    sign_in(client, dpo)
    page = client.get(reverse("people:reroutings")).content.decode()
    assert f"Disclosure #{req.pk}" in page and "stood back" in page


@pytest.mark.clause("11.7")
def test_a_decider_stands_back_from_an_foi_request_from_its_page(client, school, head):
    foi = foi_request(school)
    sign_in(client, head)
    response = client.post(reverse("people:recuse", args=["foi", foi.pk]), {"reason": "I am named in it"})
    assert response.status_code == 302
    assert deciders.recusal(head, deciders.FOI, foi) is not None
    with pytest.raises(PolicyRefusal, match="you recused yourself"):
        answer(head, foi)
