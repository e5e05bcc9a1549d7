"""The generic permission case (anonymous / other school / wrong role / permitted) for every compliance view.

Approving and superseding a DPIA is the DPO's alone (7.1, 7.3), and the DPO is trust-wide, so those cases
run trust_wide with a Headteacher as the wrong role: the Headteacher can see the DPIA but is refused (403).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.compliance.helpers import PDF, PHOTO, audited, pdf, photo, streamed, url
from tests.factories import ApprovedDPIAFactory, CameraFactory, DPIAFactory, SignFactory
from tests.permission_case import ViewCase, run_view_case
from watchkeeper.compliance import files
from watchkeeper.compliance.models import DPIA, DPIAStatus, PrivacyNotice, Sign
from watchkeeper.compliance.notices import record_privacy_notice
from watchkeeper.compliance.services import attach_dpia_document, one_year_on, record_sign_check
from watchkeeper.core.actors import SYSTEM
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db

HEAD, DPO, LIVE = Role.HEADTEACHER, Role.DPO, Role.LIVE_VIEWER


def school_url(name: str) -> Any:
    return lambda ctx: f"{reverse(f'compliance:{name}')}?school={ctx['school'].pk}"


def make_draft(ctx: dict[str, Any]) -> None:
    ctx["camera"] = CameraFactory(school=ctx["school"], name="Gate camera")
    ctx["camera2"] = CameraFactory(school=ctx["school"], name="Hall camera")
    CameraFactory(school=ctx["other_school"], name="Hidden camera")
    ctx["dpia"] = DPIAFactory(school=ctx["school"], title="Main gate DPIA", cameras=[ctx["camera"]])


def make_approved_pair(ctx: dict[str, Any]) -> None:
    make_draft(ctx)
    ctx["old"] = ApprovedDPIAFactory(school=ctx["school"], title="2024 DPIA", cameras=[ctx["camera"]])
    ctx["new"] = ApprovedDPIAFactory(school=ctx["school"], title="2025 DPIA", cameras=[ctx["camera"]])


def make_document(ctx: dict[str, Any]) -> None:
    make_draft(ctx)
    ctx["document"] = attach_dpia_document(SYSTEM, ctx["dpia"], pdf())


def make_sign(ctx: dict[str, Any]) -> None:
    ctx["sign"] = SignFactory(
        school=ctx["school"], location_description="Main gate post", last_checked_on=None
    )
    SignFactory(school=ctx["other_school"], location_description="Their gate")


def make_photographed_sign(ctx: dict[str, Any]) -> None:
    make_sign(ctx)
    record_sign_check(SYSTEM, ctx["sign"], timezone.localdate(), timezone.localdate(), photo())


def make_legacy_camera(ctx: dict[str, Any]) -> None:
    ctx["camera"] = CameraFactory(school=ctx["school"], name="Old yard camera", legacy=True, status="active")
    CameraFactory(school=ctx["other_school"], name="Hidden camera", legacy=True, status="active")


def shows(*texts: str, hidden: tuple[str, ...] = ()) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        for text in texts:
            assert text.encode() in response.content, text
        for text in hidden:
            assert text.encode() not in response.content, text

    return check


def drafted(ctx: dict[str, Any], response: Any) -> None:
    dpia = DPIA.objects.get(title="Playground DPIA")
    assert response["Location"] == reverse("compliance:dpia_detail", args=[dpia.pk])
    assert (dpia.school, dpia.status, dpia.created_by) == (ctx["school"], DPIAStatus.DRAFT, ctx["user"])
    assert list(dpia.cameras.all()) == [ctx["camera"]] and dpia.retrospective
    assert audited("compliance.dpia_created", dpia, ctx["user"])


def cameras_set(ctx: dict[str, Any], response: Any) -> None:
    assert set(ctx["dpia"].cameras.all()) == {ctx["camera"], ctx["camera2"]}
    assert audited("compliance.dpia_cameras_set", ctx["dpia"], ctx["user"])


def approved(ctx: dict[str, Any], response: Any) -> None:
    dpia = DPIA.objects.get(pk=ctx["dpia"].pk)
    assert (dpia.status, dpia.approved_by) == (DPIAStatus.APPROVED, ctx["user"])
    assert dpia.next_review_on == one_year_on(timezone.localdate())
    assert audited("compliance.dpia_approved", dpia, ctx["user"])


def superseded(ctx: dict[str, Any], response: Any) -> None:
    old = DPIA.objects.get(pk=ctx["old"].pk)
    assert (old.status, old.superseded_by) == (DPIAStatus.SUPERSEDED, ctx["new"])
    assert audited("compliance.dpia_superseded", old, ctx["user"])


def document_attached(ctx: dict[str, Any], response: Any) -> None:
    document = ctx["dpia"].documents.get()
    assert document.name == "dpia.pdf" and document.uploaded_by == ctx["user"]
    assert audited("compliance.dpia_document_attached", document, ctx["user"])


def downloads(content: bytes) -> Any:
    def check(ctx: dict[str, Any], response: Any) -> None:
        assert response["Content-Disposition"].startswith("attachment")
        assert streamed(response) == content

    return check


def sign_registered(ctx: dict[str, Any], response: Any) -> None:
    sign = Sign.objects.get(location_description="Front door")
    assert (sign.school, sign.placement, sign.vehicle) == (ctx["school"], "entrance", None)
    assert audited("compliance.sign_registered", sign, ctx["user"])


def sign_checked(ctx: dict[str, Any], response: Any) -> None:
    sign = Sign.objects.get(pk=ctx["sign"].pk)
    assert (sign.last_checked_on, sign.checked_by) == (timezone.localdate(), ctx["user"])
    assert files.open_file(sign.photo_file) == PHOTO
    assert audited("compliance.sign_checked", sign, ctx["user"])


def make_policy_document(ctx: dict[str, Any]) -> None:
    from tests.factories import person
    from watchkeeper.compliance.trust import update_trust_settings

    update_trust_settings(
        person(Role.DPO, None), ctx["school"].trust, {}, policy_document=pdf("apd.pdf"), now=timezone.now()
    )


def make_notice(ctx: dict[str, Any]) -> None:
    today = timezone.localdate()
    for school, words in ((ctx["school"], "Our CCTV notice"), (ctx["other_school"], "Their notice")):
        record_privacy_notice(
            SYSTEM,
            school,
            text=words,
            published_where="Website",
            reviewed_on=today,
            today=today,
            document=pdf("notice.pdf") if school == ctx["school"] else None,
        )


def sharing_set(ctx: dict[str, Any], response: Any) -> None:
    assert DPIA.objects.get(pk=ctx["dpia"].pk).summary == "Seen in school only."
    assert audited("compliance.dpia_sharing_set", ctx["dpia"], ctx["user"])


def notice_recorded(ctx: dict[str, Any], response: Any) -> None:
    notice = PrivacyNotice.objects.get(school=ctx["school"])
    assert (notice.text, notice.published_where) == ("CCTV notice", "Reception")
    assert audited("compliance.privacy_notice_recorded", notice, ctx["user"])


def settings_saved(ctx: dict[str, Any], response: Any) -> None:
    from watchkeeper.compliance.trust import settings_of
    from watchkeeper.people.models import RoleGrant

    trust = RoleGrant.objects.get(user=ctx["user"]).trust
    assert settings_of(trust.pk).overdue_reviews == "suspend"
    assert audited("compliance.trust_settings_changed", settings_of(trust.pk), ctx["user"])


CASES = [
    ViewCase(
        "dpia-sharing-get",
        url("dpia_sharing", "dpia"),
        HEAD,
        LIVE,
        setup=make_draft,
        check=shows("How information will be shared"),
    ),
    ViewCase(
        "dpia-sharing-post",
        url("dpia_sharing", "dpia"),
        HEAD,
        LIVE,
        method="post",
        ok=(302,),
        setup=make_draft,
        data=lambda ctx: {"summary": "Seen in school only."},
        check=sharing_set,
    ),
    ViewCase(
        "school-page",
        url("school", "school"),
        HEAD,
        LIVE,
        setup=make_notice,
        check=shows("Our CCTV notice", "Update the notice", hidden=("Their notice",)),
    ),
    ViewCase(
        "privacy-notice-get",
        url("privacy_notice", "school"),
        HEAD,
        LIVE,
        setup=make_notice,
        check=shows("Our CCTV notice", hidden=("Their notice",)),
    ),
    ViewCase(
        "privacy-notice-post",
        url("privacy_notice", "school"),
        HEAD,
        LIVE,
        method="post",
        ok=(302,),
        data=lambda ctx: {
            "text": "CCTV notice",
            "published_where": "Reception",
            "reviewed_on": timezone.localdate().isoformat(),
        },
        check=notice_recorded,
    ),
    ViewCase(
        "privacy-notice-document",
        url("privacy_notice_document", "school"),
        HEAD,
        LIVE,
        setup=make_notice,
        check=downloads(PDF),
    ),
    ViewCase(
        "settings-get",
        url("settings"),
        DPO,
        HEAD,
        trust_wide=True,
        check=shows("When a DPIA review or a yearly sign check is overdue", "Flag and escalate"),
    ),
    ViewCase(
        "policy-document",
        url("policy_document"),
        DPO,
        HEAD,
        trust_wide=True,
        setup=make_policy_document,
        check=downloads(PDF),
    ),
    ViewCase(
        "settings-post",
        url("settings"),
        DPO,
        HEAD,
        method="post",
        ok=(302,),
        trust_wide=True,
        data=lambda ctx: {
            "overdue_reviews": "suspend",
            "clock_drift_alert_seconds": "2",
            "escalate_after_working_days": "3",
        },
        check=settings_saved,
    ),
    ViewCase(
        "dpia-list",
        school_url("dpia_list"),
        HEAD,
        LIVE,
        setup=make_draft,
        check=shows("Main gate DPIA", "Draft a DPIA"),
    ),
    ViewCase(
        "dpia-list-dpo",
        url("dpia_list"),
        DPO,
        LIVE,
        trust_wide=True,
        setup=make_draft,
        check=shows("Main gate DPIA"),
    ),
    ViewCase(
        "dpia-create-get",
        school_url("dpia_create"),
        HEAD,
        LIVE,
        setup=make_draft,
        check=shows("Gate camera", "Save draft", hidden=("Hidden camera",)),
    ),
    ViewCase(
        "dpia-create-post",
        url("dpia_create"),
        HEAD,
        LIVE,
        method="post",
        ok=(302,),
        setup=make_draft,
        data=lambda ctx: {
            "school": ctx["school"].pk,
            "title": "Playground DPIA",
            "retrospective": "on",
            "summary": "Seen in school only (11.6).",
            "cameras": [ctx["camera"].pk],
        },
        check=drafted,
    ),
    ViewCase(
        "dpia-detail",
        url("dpia_detail", "dpia"),
        HEAD,
        LIVE,
        setup=make_draft,
        check=shows("Main gate DPIA", "Gate camera", "Edit cameras"),
    ),
    ViewCase(
        "dpia-cameras-get",
        url("dpia_cameras", "dpia"),
        HEAD,
        LIVE,
        setup=make_draft,
        check=shows("Hall camera", hidden=("Hidden camera",)),
    ),
    ViewCase(
        "dpia-cameras-post",
        url("dpia_cameras", "dpia"),
        HEAD,
        LIVE,
        method="post",
        ok=(302,),
        setup=make_draft,
        data=lambda ctx: {"cameras": [ctx["camera"].pk, ctx["camera2"].pk]},
        check=cameras_set,
    ),
    ViewCase(
        "dpia-approve",
        url("dpia_approve", "dpia"),
        DPO,
        HEAD,
        method="post",
        ok=(302,),
        trust_wide=True,
        setup=make_draft,
        check=approved,
    ),
    ViewCase(
        "dpia-supersede",
        url("dpia_supersede", "old"),
        DPO,
        HEAD,
        method="post",
        ok=(302,),
        trust_wide=True,
        setup=make_approved_pair,
        data=lambda ctx: {"replacement": ctx["new"].pk},
        check=superseded,
    ),
    ViewCase(
        "dpia-document-upload",
        url("dpia_document_upload", "dpia"),
        HEAD,
        LIVE,
        method="post",
        ok=(302,),
        setup=make_draft,
        data=lambda ctx: {"file": pdf()},
        check=document_attached,
    ),
    ViewCase(
        "dpia-document-download",
        url("dpia_document_download", "document"),
        HEAD,
        LIVE,
        setup=make_document,
        check=downloads(PDF),
    ),
    ViewCase(
        "sign-list",
        school_url("sign_list"),
        HEAD,
        LIVE,
        setup=make_sign,
        check=shows("Main gate post", "Register sign", "Record check", hidden=("Their gate",)),
    ),
    ViewCase(
        "sign-register-get",
        school_url("sign_register"),
        HEAD,
        LIVE,
        check=shows("Register sign", "Inside the minibus"),
    ),
    ViewCase(
        "sign-register-post",
        url("sign_register"),
        HEAD,
        LIVE,
        method="post",
        ok=(302,),
        data=lambda ctx: {
            "school": ctx["school"].pk,
            "placement": "entrance",
            "location_description": "Front door",
        },
        check=sign_registered,
    ),
    ViewCase(
        "sign-check-get",
        url("sign_check", "sign"),
        HEAD,
        LIVE,
        setup=make_sign,
        check=shows("Main gate post", "Record check"),
    ),
    ViewCase(
        "sign-check-post",
        url("sign_check", "sign"),
        HEAD,
        LIVE,
        method="post",
        ok=(302,),
        setup=make_sign,
        data=lambda ctx: {"checked_on": timezone.localdate().isoformat(), "photo": photo()},
        check=sign_checked,
    ),
    ViewCase(
        "sign-photo",
        url("sign_photo", "sign"),
        HEAD,
        LIVE,
        setup=make_photographed_sign,
        check=downloads(PHOTO),
    ),
    ViewCase(
        "exceptions",
        school_url("exceptions"),
        HEAD,
        LIVE,
        setup=make_legacy_camera,
        check=shows("Old yard camera", "Legacy camera", "(policy 7.3)", hidden=("Hidden camera",)),
    ),
    ViewCase(
        "exceptions-dpo",
        url("exceptions"),
        DPO,
        LIVE,
        trust_wide=True,
        setup=make_legacy_camera,
        check=shows("Old yard camera", "Hidden camera"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_permission_case(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})
