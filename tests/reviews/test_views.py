"""The reviews pages through the generic permission case, one's own acknowledgement page and the banner,
and the policy document (3.3, 3.1, 18.1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.compliance.helpers import PDF, pdf, streamed
from tests.conftest import sign_in
from tests.factories import CameraFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.reviews.conftest import approved_version
from watchkeeper.people.models import Role
from watchkeeper.reviews import services
from watchkeeper.reviews.models import Acknowledgement, CameraReview, PolicyVersion, ReviewTrigger

pytestmark = pytest.mark.django_db
HEAD, LIVE, DPO, BOARD = Role.HEADTEACHER, Role.LIVE_VIEWER, Role.DPO, Role.BOARD_MEMBER


def awaiting(ctx: dict[str, Any]) -> None:
    """A version the DPO uploaded that awaits the board (every trust-wide test person is in this trust)."""
    dpo = person(DPO, None)
    today = timezone.localdate()
    ctx["version"] = services.upload_version(dpo, ctx["school"].trust, "9", pdf(), today, now=timezone.now())


def camera(ctx: dict[str, Any]) -> None:
    ctx["camera"] = CameraFactory(school=ctx["school"], name="Gate camera")


def approved(ctx: dict[str, Any], response: Any) -> None:
    ctx["version"].refresh_from_db()
    assert ctx["version"].approved_by == ctx["user"]


def uploaded(ctx: dict[str, Any], response: Any) -> None:
    assert PolicyVersion.objects.get().version == "4.1"


CASES = [
    ViewCase(
        "policy-list", lambda ctx: reverse("reviews:policy_list"), DPO, Role.FOOTAGE_REVIEWER, trust_wide=True
    ),
    ViewCase("policy-upload-get", lambda ctx: reverse("reviews:policy_upload"), DPO, HEAD, trust_wide=True),
    ViewCase(
        "policy-upload-post",
        lambda ctx: reverse("reviews:policy_upload"),
        DPO,
        HEAD,
        method="post",
        ok=(302,),
        trust_wide=True,
        data=lambda ctx: {
            "version": "4.1",
            "document": pdf(),
            "effective_on": timezone.localdate().isoformat(),
            "grace_days": 14,
            "summary": "Passkeys allowed",
        },
        check=uploaded,
    ),
    ViewCase(
        "policy-approve",
        lambda ctx: reverse("reviews:policy_approve", args=[ctx["version"].pk]),
        BOARD,
        DPO,
        method="post",
        ok=(302,),
        trust_wide=True,
        setup=awaiting,
        check=approved,
    ),
    ViewCase("trigger-get", lambda ctx: reverse("reviews:trigger_record"), DPO, HEAD, trust_wide=True),
    ViewCase(
        "trigger-post",
        lambda ctx: reverse("reviews:trigger_record"),
        DPO,
        HEAD,
        method="post",
        ok=(302,),
        trust_wide=True,
        data=lambda ctx: {
            "reason": "New ICO guidance",
            "review_by": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
        check=lambda ctx, response: ReviewTrigger.objects.get(),
    ),
    ViewCase(
        "camera-reviews",
        lambda ctx: f"{reverse('reviews:camera_reviews')}?school={ctx['school'].pk}",
        HEAD,
        LIVE,
        setup=camera,
        check=lambda ctx, response: "Gate camera" in response.content.decode() or pytest.fail("no camera"),
    ),
    ViewCase(
        "camera-review-get",
        lambda ctx: reverse("reviews:camera_review_record", args=[ctx["camera"].pk]),
        HEAD,
        LIVE,
        setup=camera,
    ),
    ViewCase(
        "camera-review-post",
        lambda ctx: reverse("reviews:camera_review_record", args=[ctx["camera"].pk]),
        HEAD,
        LIVE,
        method="post",
        ok=(302,),
        setup=camera,
        data=lambda ctx: {"still_necessary": "yes", "notes": "Covers the only gate"},
        check=lambda ctx, response: CameraReview.objects.get(camera=ctx["camera"], by=ctx["user"]),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_permission_case(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


def test_own_acknowledgement_page_banner_and_document(school) -> None:
    """Public to every signed-in member of staff (core allow-list): signed-out people sign in first; the
    banner shows on every page until they acknowledge; an unapproved version's document is not theirs."""
    version = approved_version(school.trust, "4")
    page = reverse("reviews:acknowledge")
    assert "/login/" in Client().get(page)["Location"]
    assert "/login/" in Client().get(reverse("reviews:policy_document", args=[version.pk]))["Location"]
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    client = sign_in(Client(), reviewer)
    dashboard = client.get(reverse("site:dashboard")).content.decode()
    assert "acknowledge version 4 of the CCTV policy" in dashboard
    assert streamed(client.get(reverse("reviews:policy_document", args=[version.pk]))) == PDF
    assert client.post(page).status_code == 302
    assert Acknowledgement.objects.filter(user=reviewer, version=version).exists()
    assert "acknowledge version 4" not in client.get(reverse("site:dashboard")).content.decode()
    draft = services.upload_version(
        version.uploaded_by, school.trust, "5", pdf(), timezone.localdate(), now=timezone.now()
    )
    assert client.get(reverse("reviews:policy_document", args=[draft.pk])).status_code == 404


def test_paused_person_reads_the_refusal_in_plain_words(school) -> None:
    approved_version(school.trust, "4", effective_on=timezone.localdate() - timedelta(days=20))
    reviewer = person(Role.FOOTAGE_REVIEWER, school)
    client = sign_in(Client(), reviewer)
    assert (
        "you may not view, download or review footage"
        in client.get(reverse("reviews:acknowledge")).content.decode()
    )


@pytest.mark.clause("3.3")
def test_the_policy_page_names_who_has_not_acknowledged_the_version_in_force(school) -> None:
    # README walk-through 10: Registers → CCTV policy shows who has acknowledged it (a count alone did not).
    version = approved_version(school.trust, "4")
    person(Role.FOOTAGE_REVIEWER, school, first_name="Rita", last_name="Reviewer")
    viewer = person(Role.LIVE_VIEWER, school, first_name="Vic", last_name="Viewer")
    services.acknowledge(viewer, version, now=timezone.now())
    page = sign_in(Client(), version.uploaded_by).get(reverse("reviews:policy_list")).content.decode()
    waiting = page.split('id="not-acknowledged"')[1].split("</details>")[0]
    assert "Rita Reviewer" in waiting and "Vic Viewer" not in waiting
