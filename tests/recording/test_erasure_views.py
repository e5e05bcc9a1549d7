"""The erasure pages (13.1): the CCTV administrator of the school alone sees, erases and prints; every view
through the generic permission case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.factories import CameraFactory
from tests.permission_case import ViewCase, run_view_case
from tests.recording.helpers import store
from watchkeeper.core.actors import SYSTEM
from watchkeeper.estate.models import CameraStatus
from watchkeeper.people.models import Role
from watchkeeper.recording.erasure import erase_camera
from watchkeeper.recording.models import ErasureCertificate, Segment

pytestmark = pytest.mark.django_db
RECORDED = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.WATCHKEEPER_RECORDINGS_DIR = ""
    return tmp_path


def decommissioned(ctx: dict[str, Any]) -> None:
    ctx["camera"] = CameraFactory(school=ctx["school"], status=CameraStatus.DECOMMISSIONED, name="Old gate")
    ctx["segment"] = store(ctx["camera"], RECORDED)


def certified(ctx: dict[str, Any]) -> None:
    decommissioned(ctx)
    ctx["certificate"] = erase_camera(
        SYSTEM, ctx["camera"], "Sold for scrap", now=RECORDED + timedelta(days=1)
    )


def lists_the_camera(ctx: dict[str, Any], response: Any) -> None:
    page = response.content.decode()
    assert "Old gate" in page and "1 recording file(s)" in page and f'id="erase-{ctx["camera"].pk}"' in page


def erased(ctx: dict[str, Any], response: Any) -> None:
    certificate = ErasureCertificate.objects.get(camera=ctx["camera"])
    assert response["Location"] == reverse("recording:erasure_detail", args=[certificate.pk])
    assert (certificate.by, certificate.segments_erased) == (ctx["user"], 1)
    assert not Segment.objects.filter(pk=ctx["segment"].pk).exists()


def shows_the_certificate(ctx: dict[str, Any], response: Any) -> None:
    assert "What was erased: 1 recording file(s)" in response.content.decode()


def is_a_pdf(ctx: dict[str, Any], response: Any) -> None:
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


CASES = [
    ViewCase(
        "erasure_list",
        lambda ctx: f"{reverse('recording:erasure_list')}?school={ctx['school'].pk}",
        Role.CCTV_ADMIN,
        Role.HEADTEACHER,
        setup=decommissioned,
        check=lists_the_camera,
    ),
    ViewCase(
        "camera_erase",
        lambda ctx: reverse("recording:camera_erase", args=[ctx["camera"].pk]),
        Role.CCTV_ADMIN,
        Role.HEADTEACHER,
        method="post",
        data=lambda ctx: {"reason": "Replaced; old unit to the WEEE skip"},
        ok=(302,),
        setup=decommissioned,
        check=erased,
    ),
    ViewCase(
        "erasure_detail",
        lambda ctx: reverse("recording:erasure_detail", args=[ctx["certificate"].pk]),
        Role.CCTV_ADMIN,
        Role.FOOTAGE_REVIEWER,
        setup=certified,
        check=shows_the_certificate,
    ),
    ViewCase(
        "erasure_pdf",
        lambda ctx: reverse("recording:erasure_pdf", args=[ctx["certificate"].pk]),
        Role.CCTV_ADMIN,
        Role.FOOTAGE_REVIEWER,
        setup=certified,
        check=is_a_pdf,
    ),
]


@pytest.mark.clause("13.1")
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_erasure_pages_permissions(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


@pytest.mark.clause("13.1")
def test_an_active_camera_is_refused_on_the_page_with_its_clause(school, other_school) -> None:
    from django.test import Client

    from tests.conftest import sign_in
    from tests.factories import person

    camera = CameraFactory(school=school, status=CameraStatus.ACTIVE)
    store(camera, RECORDED)
    client = sign_in(Client(), person(Role.CCTV_ADMIN, school))
    response = client.post(reverse("recording:camera_erase", args=[camera.pk]), {"reason": "Sold"})
    page = response.content.decode()
    assert response.status_code == 400, page
    assert "only a decommissioned camera" in page and "(policy 13.1)" in page, page[page.find("refusal") :][
        :800
    ]
    assert Segment.objects.filter(camera=camera).count() == 1
