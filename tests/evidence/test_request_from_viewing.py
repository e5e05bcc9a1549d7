"""A copy asked for from the player stands only on a viewing authorisation that is approved and unexpired
(9.4, 9.5; issue 14 §5): an expired or never-approved one is refused up front, before a Headteacher is asked
to decide anything."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.evidence.downloads import START, footage
from tests.factories import CameraFactory
from tests.refusals import shows_refusal
from tests.viewing.conftest import approved
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence import services
from watchkeeper.evidence.models import DownloadRequest, Purpose
from watchkeeper.viewing.models import Status

pytestmark = [pytest.mark.django_db, pytest.mark.clause("9.4")]


@pytest.fixture
def ctx(school, other_school, pieces) -> dict[str, Any]:
    return {"school": school, "other_school": other_school, "pieces": pieces}


def _viewed(ctx: dict[str, Any], **change: Any) -> Any:
    footage(ctx)
    auth = approved(ctx["reviewer"], [ctx["gate"]], START, START + timedelta(seconds=4), ctx["head"])
    for name, value in change.items():
        setattr(auth, name, value)
    auth.save()
    return auth


def _ask(ctx: dict[str, Any], auth: Any, now: Any) -> DownloadRequest:
    return services.request_download(
        ctx["reviewer"],
        school=ctx["school"],
        cameras=[ctx["gate"]],
        start=auth.start,
        end=auth.end,
        purpose=Purpose.INTERNAL,
        reason_category=auth.reason_category,
        reason=auth.reason,
        requestor_user=ctx["reviewer"],
        viewed_under=auth,
        now=now,
    )


def test_an_expired_authorisation_is_refused(ctx: dict[str, Any]) -> None:
    auth = _viewed(ctx)
    with pytest.raises(PolicyRefusal, match="has expired"):
        _ask(ctx, auth, auth.expires_at + timedelta(seconds=1))
    assert not DownloadRequest.objects.exists()


@pytest.mark.parametrize("status", [Status.PENDING, Status.DECLINED])
def test_a_never_approved_authorisation_is_refused(ctx: dict[str, Any], status: str) -> None:
    auth = _viewed(ctx, status=status, expires_at=None)
    with pytest.raises(PolicyRefusal, match="never approved"):
        _ask(ctx, auth, timezone.now())
    assert not DownloadRequest.objects.exists()


def test_a_standing_authorisation_still_asks(ctx: dict[str, Any]) -> None:
    auth = _viewed(ctx)
    assert _ask(ctx, auth, auth.expires_at - timedelta(seconds=1)).status == "requested"


def test_the_player_button_shows_why(ctx: dict[str, Any], client: Client) -> None:
    auth = _viewed(ctx, expires_at=timezone.now() - timedelta(minutes=1))
    sign_in(client, ctx["reviewer"])
    response = client.post(reverse("evidence:package_create", args=[auth.pk]), _asked(auth))
    assert shows_refusal(response, f"9.4: viewing authorisation #{auth.pk} has expired")
    assert not DownloadRequest.objects.exists()


# --- issue 15 §4: the window and the purpose ---------------------------------------------------------


def _asked(auth: Any, start: Any = None, end: Any = None, **more: str) -> dict[str, str]:
    local = "%Y-%m-%dT%H:%M:%S"
    return {
        "start": timezone.localtime(start or auth.start).strftime(local),
        "end": timezone.localtime(end or auth.end).strftime(local),
        "purpose": Purpose.INTERNAL,
        "reason": "The behaviour file",
        **more,
    }


@pytest.mark.clause("9.2")
def test_the_player_asks_for_a_narrower_window_and_a_purpose(ctx: dict[str, Any], client: Client) -> None:
    auth = _viewed(ctx)
    sign_in(client, ctx["reviewer"])
    page = client.get(reverse("evidence:package_create", args=[auth.pk])).content.decode()
    assert 'id="viewed-window"' in page and timezone.localtime(auth.start).strftime("%H:%M:%S") in page
    # The viewed window bounds both boxes, so the browser keeps the copy inside it and the window presets
    # offer "Whole viewed window" instead of "Last hour" and "Now", which would fall outside it.
    bounds = [f'{k}="{timezone.localtime(v).strftime("%Y-%m-%dT%H:%M:%S")}"' for k, v in
              (("min", auth.start), ("max", auth.end))]  # fmt: skip
    assert all(page.count(bound) == 2 for bound in bounds), bounds
    data = _asked(
        auth,
        end=auth.start + timedelta(seconds=2),
        purpose=Purpose.OTHER,
        recipient_name="Mrs A Parent",
        recipient_organisation="Parent of the pupil",
    )
    response = client.post(reverse("evidence:package_create", args=[auth.pk]), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    req = DownloadRequest.objects.get()
    assert (req.start, req.end) == (auth.start, auth.start + timedelta(seconds=2))
    assert (req.purpose, req.reason, req.recipient_name) == ("other", "The behaviour file", "Mrs A Parent")
    assert req.requestor_user is None and req.case_reference == f"viewing #{auth.pk}"


@pytest.mark.clause("9.2")
@pytest.mark.parametrize("shift", ["earlier", "later"])
def test_a_window_outside_the_authorised_one_is_refused(
    ctx: dict[str, Any], client: Client, shift: str
) -> None:
    auth = _viewed(ctx)
    sign_in(client, ctx["reviewer"])
    widened = (
        {"start": auth.start - timedelta(seconds=1)}
        if shift == "earlier"
        else {"end": auth.end + timedelta(seconds=1)}
    )
    response = client.post(reverse("evidence:package_create", args=[auth.pk]), _asked(auth, **widened))
    assert response.status_code == 400
    assert shows_refusal(response, "9.2: the window must lie within the authorised viewing window")
    assert not DownloadRequest.objects.exists()


def test_the_service_refuses_a_camera_the_authorisation_does_not_cover(ctx: dict[str, Any]) -> None:
    auth = _viewed(ctx)
    other = CameraFactory(school=ctx["school"], name="Car park")
    problems = services.viewed_window_problems(auth, [ctx["gate"], other], auth.start, auth.end)
    assert problems == [
        f"9.2: viewing authorisation #{auth.pk} does not cover Car park — ask for those cameras on the "
        "Downloads page, giving the reason"
    ]
    assert services.viewed_window_problems(auth, [ctx["gate"]], auth.start, auth.end) == []


def test_a_subject_access_purpose_is_not_offered_from_the_player(ctx: dict[str, Any], client: Client) -> None:
    auth = _viewed(ctx)
    sign_in(client, ctx["reviewer"])
    data = _asked(auth, purpose=Purpose.SUBJECT_ACCESS)
    response = client.post(reverse("evidence:package_create", args=[auth.pk]), data)
    assert response.status_code == 400 and not DownloadRequest.objects.exists()
