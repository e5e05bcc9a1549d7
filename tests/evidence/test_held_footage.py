"""Footage under an evidential hold leaves only with the CCTV administrator's release (9.6; issue 11 §2):
a release is recorded for one download request (or one redaction), with a reason, audited; authorising and
building refuse without it; the manifest records it. Holds for open requests (10, 11) only stop erasure."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.evidence.downloads import END, START, ask, authorise, build, footage, members, plaintext_zip
from tests.factories import person
from tests.permission_case import ViewCase, run_view_case
from tests.refusals import shows_refusal
from tests.viewing.conftest import RECORDED, code_for
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence import holds, services
from watchkeeper.evidence.models import DownloadRequest, HoldRelease, RequestStatus
from watchkeeper.people.models import Role
from watchkeeper.recording import services as recording
from watchkeeper.recording.models import Hold, HoldPurpose

pytestmark = pytest.mark.django_db

ADMIN, HEAD, REVIEWER = Role.CCTV_ADMIN, Role.HEADTEACHER, Role.FOOTAGE_REVIEWER
S = timedelta(seconds=1)


def held(ctx: dict[str, Any], purpose: str = HoldPurpose.EVIDENTIAL, **window: Any) -> Hold:
    ctx.setdefault("admin", person(ADMIN, ctx["school"], first_name="Adam", last_name="Admin"))
    actor = ctx["admin"] if purpose == HoldPurpose.EVIDENTIAL else SYSTEM
    return recording.place_hold(
        actor,
        ctx["school"],
        [ctx["gate"]],
        window.get("start", START),
        window.get("end", END),
        "Police investigation of the gate damage",
        timezone.localdate() + timedelta(days=30),
        purpose=purpose,
        today=timezone.localdate(),
    )


@pytest.fixture
def ctx(school, other_school, pieces) -> dict[str, Any]:
    return footage({"school": school, "other_school": other_school, "pieces": pieces})


@pytest.mark.clause("9.6", "R12")
def test_held_footage_is_not_authorised_without_the_cctv_admins_release(ctx) -> None:
    hold = held(ctx)
    req = ask(ctx)
    with pytest.raises(PolicyRefusal, match="9.6") as refused:
        authorise(ctx, req)
    assert "CCTV administrator" in str(refused.value) and f"hold #{hold.pk}" in str(refused.value)
    req.refresh_from_db()
    assert req.status == RequestStatus.REQUESTED


def test_with_the_release_it_is_authorised_built_and_the_manifest_records_it(ctx, tmp_path) -> None:
    hold = held(ctx)
    req = ask(ctx)
    now = timezone.now()
    release = holds.release_for_download(ctx["admin"], hold, req, "The police need it: CR-123", now=now)
    assert (release.hold, release.request, release.released_by) == (hold, req, ctx["admin"])
    event = AuditEvent.objects.get(action=holds.RELEASED)
    assert (event.actor, event.object_id, event.reason) == (ctx["admin"], str(hold.pk), release.reason)
    assert event.details["request"] == req.pk
    decided = authorise(ctx, req)
    download = build(decided.request, decided.password or "")
    files = members(plaintext_zip(download, tmp_path, ctx["head"]), decided.password or "")
    assert len([name for name in files if name.startswith("master/")]) == 2
    (entry,) = json.loads(files["manifest.json"])["hold_releases"]
    assert entry == {
        "hold": hold.pk,
        "hold_reason": "Police investigation of the gate damage",
        "given_for": f"download request #{req.pk}",
        "released_by": "Adam Admin",
        "released_at": now.isoformat(),
        "reason": "The police need it: CR-123",
    }


@pytest.mark.clause("9.6", "R12")
def test_a_hold_placed_after_the_authorisation_stops_the_build(ctx) -> None:
    req = ask(ctx)
    decided = authorise(ctx, req)
    held(ctx)
    with pytest.raises(PolicyRefusal, match="9.6"):
        build(req, decided.password or "")
    req.refresh_from_db()
    assert req.status == RequestStatus.FAILED and "9.6" in req.failure and "release" in req.failure
    assert not req.downloads.exists()


def test_a_release_is_for_one_request_only(ctx) -> None:
    hold = held(ctx)
    first, second = ask(ctx), ask(ctx)
    holds.release_for_download(ctx["admin"], hold, first, "For the police", now=timezone.now())
    authorise(ctx, first)
    with pytest.raises(PolicyRefusal, match="9.6"):
        services.decide_download(
            ctx["head"], second, approve=True, otp_code=code_for(ctx["head"], 1), now=timezone.now()
        )


def test_holds_for_open_requests_only_stop_erasure(ctx) -> None:
    held(ctx, HoldPurpose.SUBJECT_ACCESS)
    held(ctx, HoldPurpose.DISCLOSURE)
    decided = authorise(ctx, ask(ctx))
    assert build(decided.request, decided.password or "").sha256


def test_a_hold_that_misses_the_request_needs_no_release(ctx) -> None:
    held(ctx, start=RECORDED - timedelta(hours=3), end=RECORDED - timedelta(hours=2))
    decided = authorise(ctx, ask(ctx))
    assert decided.password


@pytest.mark.clause("9.6", "R12")
def test_only_the_schools_cctv_admin_releases_with_a_reason(ctx) -> None:
    hold, req = held(ctx), ask(ctx)
    for outsider in (ctx["head"], ctx["reviewer"], person(ADMIN, ctx["other_school"]), SYSTEM):
        with pytest.raises(PermissionDenied):
            holds.release_for_download(outsider, hold, req, "Because", now=timezone.now())
    with pytest.raises(PolicyRefusal, match="9.6: say why"):
        holds.release_for_download(ctx["admin"], hold, req, "  ", now=timezone.now())
    holds.release_for_download(ctx["admin"], hold, req, "For the police", now=timezone.now())
    with pytest.raises(PolicyRefusal, match="already"):
        holds.release_for_download(ctx["admin"], hold, req, "Again", now=timezone.now())
    assert HoldRelease.objects.count() == 1


@pytest.mark.clause("9.6")
def test_a_release_must_concern_the_request_and_a_current_evidential_hold(ctx) -> None:
    away = held(ctx, start=RECORDED - timedelta(hours=3), end=RECORDED - timedelta(hours=2))
    req = ask(ctx)
    with pytest.raises(PolicyRefusal, match="does not cover"):
        holds.release_for_download(ctx["admin"], away, req, "For the police", now=timezone.now())
    sar = held(ctx, HoldPurpose.SUBJECT_ACCESS)
    with pytest.raises(PolicyRefusal, match="only an evidential hold"):
        holds.release_for_download(ctx["admin"], sar, req, "For the police", now=timezone.now())
    done = held(ctx)
    recording.release_hold(ctx["admin"], done, "No longer needed", now=timezone.now())
    with pytest.raises(PolicyRefusal, match="released"):
        holds.release_for_download(ctx["admin"], done, req, "For the police", now=timezone.now())
    refused = ask(ctx)
    DownloadRequest.objects.filter(pk=refused.pk).update(status=RequestStatus.REFUSED)
    refused.refresh_from_db()
    with pytest.raises(PolicyRefusal, match="no longer"):
        holds.release_for_download(ctx["admin"], held(ctx), refused, "For the police", now=timezone.now())


def test_the_cctv_admin_may_release_for_their_own_request(ctx) -> None:
    """Decided (design/evidence.md "Held footage"): 9.6 makes held footage the administrator's; the
    Headteacher's authorisation is still the second person."""
    hold = held(ctx)
    req = ask(ctx, ctx["admin"])
    holds.release_for_download(ctx["admin"], hold, req, "Needed by the police", now=timezone.now())
    assert authorise(ctx, req).password


# --- pages ----------------------------------------------------------------------------------------------


def with_hold(ctx: dict[str, Any]) -> None:
    footage(ctx)
    ctx["hold"] = held(ctx)
    ctx["req"] = ask(ctx)


def release_url(ctx: dict[str, Any]) -> str:
    return reverse("evidence:hold_release", args=[ctx["req"].pk, ctx["hold"].pk])


def released(ctx: dict[str, Any], response: Any) -> None:
    assert response["Location"] == reverse("evidence:request_detail", args=[ctx["req"].pk])
    assert HoldRelease.objects.get().released_by == ctx["user"]


def detail_url(ctx: dict[str, Any]) -> str:
    return reverse("evidence:request_detail", args=[ctx["req"].pk])


def holds_url(ctx: dict[str, Any]) -> str:
    return f"{reverse('recording:hold_list')}?school={ctx['school'].pk}"


def awaits_release(ctx: dict[str, Any], response: Any) -> None:
    page = response.content.decode()
    assert "Awaiting your release" in page and f"Download request #{ctx['req'].pk}" in page


def redaction_over_hold(ctx: dict[str, Any]) -> None:
    from watchkeeper.redaction.models import Redaction

    with_hold(ctx)
    segment = ctx["segments"][1]
    ctx["redaction"] = Redaction.objects.create(
        school=ctx["school"],
        camera=ctx["gate"],
        start=START,
        end=END,
        created_by=ctx["reviewer"],
        segments=[{"id": str(segment.pk), "sha256": segment.sha256}],
    )


def redaction_release_url(ctx: dict[str, Any]) -> str:
    return reverse("evidence:redaction_hold_release", args=[ctx["redaction"].pk, ctx["hold"].pk])


def released_redaction(ctx: dict[str, Any], response: Any) -> None:
    assert response["Location"] == reverse("recording:hold_detail", args=[ctx["hold"].pk])
    assert HoldRelease.objects.get().redaction == ctx["redaction"]


CASES = [
    ViewCase(
        "redaction-release",
        redaction_release_url,
        ADMIN,
        REVIEWER,
        method="post",
        data=lambda ctx: {"reason": "SAR-12"},
        ok=(302,),
        setup=redaction_over_hold,
        check=released_redaction,
    ),
    ViewCase(
        "release",
        release_url,
        ADMIN,
        HEAD,
        method="post",
        data=lambda ctx: {"reason": "For the police"},
        ok=(302,),
        setup=with_hold,
        check=released,
    ),
    ViewCase("holds-awaiting", holds_url, ADMIN, HEAD, setup=with_hold, check=awaits_release),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_permission_case(case: ViewCase, school, other_school, pieces) -> None:
    run_view_case(case, {"school": school, "other_school": other_school, "pieces": pieces})


def test_the_headteacher_sees_that_the_release_is_needed_then_given(ctx) -> None:
    hold, req = held(ctx), ask(ctx)
    head = sign_in(Client(), ctx["head"])
    page = head.get(reverse("evidence:request_detail", args=[req.pk])).content.decode()
    assert "held as evidence" in page and "needs the CCTV administrator" in page
    assert "Not yet released" in page and 'id="release-' not in page  # no release form for the Headteacher
    admin = sign_in(Client(), ctx["admin"])
    assert (
        f'id="release-{hold.pk}"'
        in admin.get(reverse("evidence:request_detail", args=[req.pk])).content.decode()
    )
    admin.post(reverse("evidence:hold_release", args=[req.pk, hold.pk]), {"reason": "For the police"})
    page = head.get(reverse("evidence:request_detail", args=[req.pk])).content.decode()
    assert "Released for this request by Adam Admin" in page and "For the police" in page


def test_a_refused_release_shows_the_reason_on_the_page(ctx) -> None:
    hold, req = held(ctx), ask(ctx)
    admin, url = sign_in(Client(), ctx["admin"]), reverse("evidence:hold_release", args=[req.pk, hold.pk])
    assert admin.post(url, {"reason": "For the police"}).status_code == 302
    response = admin.post(url, {"reason": "Again"})
    assert response.status_code == 400
    assert shows_refusal(response, "9.6: this hold is released for this request already")


def test_the_hold_page_lists_the_requests_and_redactions_over_it(school, other_school, pieces) -> None:
    ctx = {"school": school, "other_school": other_school, "pieces": pieces}
    redaction_over_hold(ctx)
    page = sign_in(Client(), ctx["admin"]).get(reverse("recording:hold_detail", args=[ctx["hold"].pk]))
    text = page.content.decode()
    assert f"Download request #{ctx['req'].pk}" in text and f"Redaction #{ctx['redaction'].pk}" in text
    assert text.count("Not yet released") == 2
    assert f'id="use-redaction-{ctx["redaction"].pk}"' in text
    ids = re.findall(r'<textarea name="reason" id="([^"]+)"', text)
    assert len(ids) == 2 and len(set(ids)) == 2  # one release form per row, each field with its own id


def test_each_hold_over_a_request_has_its_own_release_field(ctx) -> None:
    first, second = held(ctx), held(ctx, start=START + S)
    req = ask(ctx)
    page = sign_in(Client(), ctx["admin"]).get(reverse("evidence:request_detail", args=[req.pk]))
    ids = re.findall(r'<textarea name="reason" id="([^"]+)"', page.content.decode())
    assert ids == [f"release-reason-{first.pk}", f"release-reason-{second.pk}"]
