"""The public form's pages (issue 18 §3): anyone may submit, without an account or a session; nobody
anonymous may read a case; the honeypot, the rate limit and the size limit; nothing says what exists."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import SchoolFactory, person
from tests.public.conftest import answers
from watchkeeper.people.models import Role
from watchkeeper.public import limits
from watchkeeper.subjectaccess.models import SubjectAccessRequest

pytestmark = [pytest.mark.django_db, pytest.mark.clause("10.1", "10.4", "R21")]


def url(school) -> str:
    return reverse("public:request", args=[school.pk])


def test_anyone_may_submit_without_a_session_with_csrf_from_its_own_cookie(school, cameras, handler):
    client = Client(enforce_csrf_checks=True)
    page = client.get(url(school))
    assert page.status_code == 200 and "sessionid" not in page.cookies
    token = page.cookies["csrftoken"].value
    response = client.post(url(school), {**answers(), "csrfmiddlewaretoken": token})
    case = SubjectAccessRequest.objects.get()
    assert response.status_code == 200 and case.reference in response.content.decode()
    assert "sessionid" not in client.cookies and not Session.objects.exists()
    assert case.by_public_form and case.relationship == "parent"


def test_a_post_without_the_csrf_cookie_is_refused(school, cameras):
    response = Client(enforce_csrf_checks=True).post(url(school), answers())
    assert response.status_code == 403 and not SubjectAccessRequest.objects.exists()


def test_a_signed_in_member_of_staff_may_submit_too(school, cameras, handler):
    response = sign_in(Client(), handler).post(url(school), answers())
    assert response.status_code == 200 and SubjectAccessRequest.objects.count() == 1


def test_nobody_anonymous_may_read_the_case_or_learn_of_it(school, cameras):
    Client().post(url(school), answers())
    case = SubjectAccessRequest.objects.get()
    response = Client().get(reverse("subjectaccess:case_detail", args=[case.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Client().get(reverse("public:confirm", args=["1:forged"])).status_code == 404


def test_the_page_reads_the_same_whether_or_not_the_school_has_footage(school, cameras, trust):
    bare = SchoolFactory(trust=trust, name="Southfield Primary")  # no cameras at all
    pages = [Client().post(url(s), answers()).content.decode() for s in (school, bare)]
    strip = [
        re.sub(r"SAR-\d+|Northfield Primary|Southfield Primary|\"X-CSRFToken\": \"\w+\"", "", p)
        for p in pages
    ]
    assert strip[0] == strip[1]


def test_the_honeypot_thanks_the_script_and_creates_nothing(school, cameras):
    response = Client().post(url(school), answers(website="http://spam.invalid"))
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert not SubjectAccessRequest.objects.exists()


def test_the_rate_limit_stops_the_sixth_request_from_one_address_in_an_hour(school, cameras):
    client = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(limits.PER_ADDRESS):
        assert client.post(url(school), answers()).status_code == 200
    response = client.post(url(school), answers())
    assert response.status_code == 429 and "try again" in response.content.decode()
    assert SubjectAccessRequest.objects.count() == limits.PER_ADDRESS
    assert Client(REMOTE_ADDR="198.51.100.21").post(url(school), answers()).status_code == 200


def test_a_body_over_the_size_limit_is_refused(school, cameras):
    response = Client().post(url(school), answers(clothing="x" * (limits.MAX_BODY_BYTES + 1)))
    assert response.status_code == 413 and not SubjectAccessRequest.objects.exists()


def test_a_refusal_reads_in_the_form_and_keeps_what_was_typed(school, cameras):
    response = Client().post(url(school), answers(day="2099-01-01"))
    assert "cannot be in the future" in response.content.decode() and "Red coat" in response.content.decode()


def test_the_confirmation_link_shows_a_button_and_confirms_on_post(
    school, cameras, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(url(school), answers())
    link = re.search(r"http://testserver(\S+)", mailoutbox[0].body)
    assert link
    assert "Confirm my address" in Client().get(link.group(1)).content.decode()
    assert "is confirmed" in Client().post(link.group(1)).content.decode()
    assert SubjectAccessRequest.objects.get().public_submission.confirmed_at is not None


def test_the_handler_records_the_childs_views_and_the_safeguarding_lead_checks(school, cameras, handler):
    Client().post(url(school), answers())
    case = SubjectAccessRequest.objects.get()
    staff = sign_in(Client(), handler)
    page = staff.get(reverse("subjectaccess:case_detail", args=[case.pk])).content.decode()
    assert "public form" in page and "nothing is released before it" in page
    action = reverse("subjectaccess:case_action", args=[case.pk, "child"])
    staff.post(action, {"child-competence": "Aged 7", "child-views": "Happy for his mum to see it"})
    action = reverse("subjectaccess:case_action", args=[case.pk, "safeguarding"])
    assert staff.post(action, {"safeguarding-note": "Nothing withheld"}).status_code == 404  # not the lead
    lead = person(Role.SAFEGUARDING_LEAD, school)
    sign_in(staff, lead).post(action, {"safeguarding-note": "Nothing withheld"})
    case.refresh_from_db()
    assert case.child_views and case.safeguarding_checked_by == lead
