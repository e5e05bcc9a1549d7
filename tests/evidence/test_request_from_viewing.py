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
    response = client.post(reverse("evidence:package_create", args=[auth.pk]))
    assert shows_refusal(response, f"9.4: viewing authorisation #{auth.pk} has expired")
    assert not DownloadRequest.objects.exists()
