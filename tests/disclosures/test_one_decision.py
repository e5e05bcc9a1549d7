"""Issue 15 §4: one decision, on one page, releases a police or outside body's footage and authorises its
package with one fresh code, recorded as two audit events; where the decider may not authorise the
download, the release is decided and the package waits for its own authorisation (the path before)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.disclosures.cases import (
    DEPUTY,
    DPO,
    HEAD,
    code,
    outside_request,
    police_request,
    reviewed,
    with_document,
)
from tests.factories import nominate, person
from tests.viewing.conftest import code_for, wrong_code_for
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.disclosures import services
from watchkeeper.disclosures.models import RequestStatus
from watchkeeper.evidence import services as evidence
from watchkeeper.evidence.models import DownloadRequest
from watchkeeper.people import nominations
from watchkeeper.people.models import Decision, Nomination

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))


def release(who: Any, req: Any, **overrides: Any) -> services.Decided:
    fields = {
        "approve": True,
        "code": code(who),
        "reason": "Theft: 4.1.4",
        "confirmed_purpose": "4.1.4",
        "now": timezone.now(),
    }
    return services.decide_and_release(who, req, **(fields | overrides))


@pytest.mark.clause("11.3", "9.5", "11.6", "Appendix I")
def test_one_code_approves_the_release_and_authorises_its_package_audited_apart(school) -> None:
    req = reviewed(police_request(school))
    head = person(HEAD, school)
    decided = release(head, req)
    assert decided.request.status == RequestStatus.APPROVED and decided.package_waits == ()
    assert decided.package is not None and decided.package.password
    download = DownloadRequest.objects.get(pk=req.download_request_id)
    assert (download.status, download.decided_by, download.attempts) == ("approved", head, 1)
    assert download.requested_by is None  # SYSTEM asked: the four-eyes rule holds (9.5)
    # Two decisions, two events, in order: the release, then the package's authorisation.
    assert actions()[-2:] == ["disclosures.request_approved", "evidence.download_approved"]
    release_event = AuditEvent.objects.get(action="disclosures.request_approved")
    package_event = AuditEvent.objects.get(action="evidence.download_approved")
    assert release_event.details["package_authorised_together"] is True
    assert package_event.actor == head and package_event.object_id == str(download.pk)
    assert f"the release of {req}" in package_event.reason
    assert not AuditEvent.objects.filter(action__endswith="second_factor_refused").exists()


@pytest.mark.clause("11.5")
def test_an_outside_bodys_release_and_package_are_one_decision_too(school) -> None:
    req = reviewed(with_document(outside_request(school)))
    head = person(HEAD, school)
    decided = release(head, req, confirmed_purpose="")
    assert decided.package is not None
    assert DownloadRequest.objects.get(pk=req.download_request_id).purpose == "third_party"


@pytest.mark.clause("11.3", "R15")
def test_a_wrong_code_decides_nothing(school) -> None:
    req = reviewed(police_request(school))
    head = person(HEAD, school)
    with pytest.raises(PolicyRefusal, match="authenticator code"):
        release(head, req, code=wrong_code_for(head))
    req.refresh_from_db()
    assert req.status == RequestStatus.PENDING and req.download_request_id is None
    assert not DownloadRequest.objects.exists()


@pytest.mark.clause("11.3", "R15")
def test_the_code_is_spent_once_so_it_cannot_decide_a_second_case(school) -> None:
    first = reviewed(police_request(school))
    second = reviewed(police_request(school, camera=first.cameras.get()))
    head = person(HEAD, school)
    used = code(head)
    release(head, first, code=used)
    with pytest.raises(PolicyRefusal, match="authenticator code"):
        release(head, second, code=used)  # each case on its own merits: no batching of disclosures (11.3)
    second.refresh_from_db()
    assert second.status == RequestStatus.PENDING


@pytest.mark.clause("Appendix I", "11.3")
def test_a_deputy_nominated_for_disclosures_only_releases_and_the_package_waits(school) -> None:
    req = reviewed(police_request(school))
    deputy = person(DEPUTY, school, nominated=False)
    nominate(deputy, school, Decision.DISCLOSURES)
    assert services.package_waits(deputy, req, now=timezone.now()) == [evidence.NOT_AN_AUTHORISER]
    decided = release(deputy, req)
    assert decided.package is None and "nominated for downloads" in decided.package_waits[0]
    assert decided.request.status == RequestStatus.APPROVED
    download = DownloadRequest.objects.get(pk=req.download_request_id)
    assert download.status == "requested"  # the Headteacher authorises it under Downloads, as before
    event = AuditEvent.objects.get(action="disclosures.request_approved")
    assert event.details["package_authorised_together"] is False
    head = person(HEAD, school)
    assert evidence.decide_download(head, download, approve=True, otp_code=code(head), now=timezone.now())


@pytest.mark.clause("11.3")
def test_the_dpo_deciding_an_escalated_request_leaves_the_package_to_the_school(school) -> None:
    req = reviewed(police_request(school))
    head, dpo = person(HEAD, school), person(DPO, None)
    # The review's deputy's nomination ends: no other decider at the school, so it escalates (11.5).
    Nomination.objects.update(ends_on=timezone.localdate() - timedelta(days=1))
    nominations.recuse(head, req, head, "The Headteacher appears in the footage", now=timezone.now())
    decided = release(dpo, req)
    assert decided.request.decided_by == dpo and decided.package is None
    assert "downloads" in " ".join(decided.package_waits)


def test_a_refusal_authorises_no_package(school) -> None:
    req = police_request(school)
    head = person(HEAD, school)
    decided = release(head, req, approve=False, reason="No purpose applies")
    assert decided.package is None and decided.request.download_request_id is None


def test_decide_alone_still_leaves_the_package_to_its_own_authorisation(school) -> None:
    req = reviewed(police_request(school))
    head = person(HEAD, school)
    services.decide(
        head,
        req,
        approve=True,
        code=code(head),
        reason="Theft",
        confirmed_purpose="4.1.4",
        now=timezone.now(),
    )
    assert DownloadRequest.objects.get(pk=req.download_request_id).status == "requested"


# --- the page ----------------------------------------------------------------------------------------------


def test_the_decision_page_shows_everything_the_one_decision_covers(school) -> None:
    req = reviewed(
        police_request(
            school,
            keep_longer=True,
            keep_until=timezone.localdate().replace(year=2099),
            keep_longer_reason="Trial date not set",
        )
    )
    page = sign_in(Client(), person(HEAD, school)).get(reverse("disclosures:request_detail", args=[req.pk]))
    text = page.content.decode()
    for shown in (
        'id="covers"',
        "The request:",
        "MP/24/01832",
        "The footage:",
        "Main gate",
        "The review's result:",
        "Two people take the bicycles",
        "The release:",
        "The package to be built:",
        "kept until",
        'id="package-together"',
        # Found on the walk: plain words first, the clauses after ("Police (11.2, 11.3) request #1" before).
        "Police request #",
        "police request MP/24/01832",
    ):
        assert shown in text, shown
    assert "Police (11.2, 11.3) request" not in text


def test_the_page_says_when_the_package_would_wait(school) -> None:
    req = reviewed(police_request(school))
    deputy = person(DEPUTY, school, nominated=False)
    nominate(deputy, school, Decision.DISCLOSURES)
    page = sign_in(Client(), deputy).get(reverse("disclosures:request_detail", args=[req.pk]))
    assert 'id="package-waits"' in page.content.decode()


def test_approving_from_the_page_shows_the_password_once_and_links_the_package(school) -> None:
    req = reviewed(police_request(school))
    head = person(HEAD, school)
    client = sign_in(Client(), head)
    data = {"decision": "approve", "code": code_for(head), "reason": "Theft", "confirmed_purpose": "4.1.4"}
    response = client.post(reverse("disclosures:request_decide", args=[req.pk]), data)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    text = response.content.decode()
    req.refresh_from_db()
    assert 'class="package-password"' in text and 'id="release-conditions"' in text
    assert reverse("evidence:request_detail", args=[req.download_request_id]) in text
    after = client.get(reverse("disclosures:request_detail", args=[req.pk])).content.decode()
    assert "authorised with the decision" in after and 'class="package-password"' not in after


def test_a_deputy_approving_from_the_page_is_told_the_package_waits(school) -> None:
    req = reviewed(police_request(school))
    deputy = person(DEPUTY, school, nominated=False)
    nominate(deputy, school, Decision.DISCLOSURES)
    client = sign_in(Client(), deputy)
    data = {"decision": "approve", "code": code_for(deputy), "reason": "Theft", "confirmed_purpose": "4.1.4"}
    response = client.post(reverse("disclosures:request_decide", args=[req.pk]), data, follow=True)
    assert "The package waits for its own authorisation" in response.content.decode()
