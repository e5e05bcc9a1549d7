"""Snapshots and the CCTV log (9.5, Appendix I; design/evidence.md): every page through the generic
permission case, then what a snapshot does — refused outside the authorisation (no log row), and when
allowed a real JPEG of the frame, exactly one CCTV log row and one audit event — and the log and its CSV."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import timedelta
from typing import Any

import av
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.conftest import sign_in
from tests.factories import CameraFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.viewing.conftest import RECORDED, approved
from tests.viewing.footage import store_footage
from watchkeeper.audit.models import AuditEvent
from watchkeeper.evidence.models import Download, Kind
from watchkeeper.evidence.services import take_snapshot
from watchkeeper.evidence.views import HEADINGS, columns
from watchkeeper.people.models import Role
from watchkeeper.viewing.models import ViewingAuthorisation

pytestmark = pytest.mark.django_db

REVIEWER, HEAD, DEPUTY, ADMIN, DPO = (
    Role.FOOTAGE_REVIEWER,
    Role.HEADTEACHER,
    Role.DESIGNATED_PERSON,
    Role.CCTV_ADMIN,
    Role.DPO,
)
S = timedelta(seconds=1)
# The authorisation covers segments 1 and 2 (2 s each from RECORDED); segments 0 and 3 are outside it.
START, END = RECORDED + 2 * S, RECORDED + 6 * S
APPENDIX_I = (
    "Headteacher's or nominated alternate's authorisation to download a recording (signature)\t"
    "Date and time that recording was downloaded\tReason for recording being downloaded\t"
    "Name of Requestor who wants to see the recording\tDate and time the recording was viewed\t"
    "Headteacher's or nominated alternate's authorisation to delete a recording (signature)\t"
    "Date that a recording was deleted"
)


def footage(ctx: dict[str, Any], expires_in: timedelta = timedelta(days=7)) -> None:
    ctx["gate"] = CameraFactory(school=ctx["school"], name="Main gate")
    ctx["yard"] = CameraFactory(school=ctx["school"], name="Yard")
    ctx["requester"] = person(REVIEWER, ctx["school"])
    ctx["head"] = person(HEAD, ctx["school"], first_name="Helen", last_name="Head")
    ctx["segments"] = store_footage(ctx["gate"], RECORDED, ctx["pieces"][:4])
    ctx["yard_segments"] = store_footage(ctx["yard"], RECORDED, ctx["pieces"][:4])
    ctx["auth"] = approved(ctx["requester"], [ctx["gate"]], START, END, ctx["head"], expires_in)


def mine(ctx: dict[str, Any]) -> ViewingAuthorisation:
    """As in tests/viewing: the permitted person (made last) becomes the requester."""
    auth = ctx["auth"]
    if "user" in ctx and auth.requested_by_id != ctx["user"].pk:
        ViewingAuthorisation.objects.filter(pk=auth.pk).update(requested_by=ctx["user"])
    return auth


def snapshot_url(ctx: dict[str, Any]) -> str:
    return reverse("evidence:snapshot", args=[mine(ctx).pk])


def frame(segment: int = 1, offset: float = 0.5, camera: str = "gate", segments: str = "segments") -> Any:
    def data(ctx: dict[str, Any]) -> dict[str, Any]:
        return {"camera": ctx[camera].pk, "segment": ctx[segments][segment].pk, "offset": offset}

    return data


def jpeg_size(data: bytes) -> tuple[int, int]:
    with av.open(io.BytesIO(data), format="jpeg_pipe") as container:
        picture = next(container.decode(video=0))
        return picture.width, picture.height


def is_snapshot(ctx: dict[str, Any], response: Any) -> None:
    assert response["Content-Type"] == "image/jpeg"
    assert jpeg_size(response.content) == (320, 180)
    assert Download.objects.get().requested_by == ctx["user"]


def logged(ctx: dict[str, Any]) -> None:
    footage(ctx)
    take_snapshot(ctx["requester"], ctx["auth"], ctx["segments"][1], 0.5)


def log_url(ctx: dict[str, Any]) -> str:
    return f"{reverse('evidence:cctv_log')}?school={ctx['school'].pk}"


def csv_url(ctx: dict[str, Any]) -> str:
    return f"{reverse('evidence:cctv_log_csv')}?school={ctx['school'].pk}"


def shows_log(ctx: dict[str, Any], response: Any) -> None:
    page = response.content.decode()
    assert "Helen Head" in page and "Reported incident at the gate" in page
    assert "Snapshot (still image) of Main gate" in page


def is_csv(ctx: dict[str, Any], response: Any) -> None:
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [HEADINGS, columns(Download.objects.get())]


CASES = [
    ViewCase(
        "snapshot",
        snapshot_url,
        REVIEWER,
        HEAD,
        method="post",
        data=frame(),
        setup=footage,
        check=is_snapshot,
    ),
    ViewCase("log-head", log_url, HEAD, REVIEWER, setup=logged, check=shows_log),
    ViewCase("log-admin", log_url, ADMIN, DEPUTY, setup=logged, check=shows_log),
    ViewCase("log-dpo", log_url, DPO, REVIEWER, trust_wide=True, setup=logged, check=shows_log),
    ViewCase("csv", csv_url, ADMIN, REVIEWER, setup=logged, check=is_csv),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_permission_case(case: ViewCase, school, other_school, pieces) -> None:
    run_view_case(case, {"school": school, "other_school": other_school, "pieces": pieces})


# --- what a snapshot does --------------------------------------------------------------------------------


@pytest.fixture
def ctx(school, other_school, pieces) -> dict[str, Any]:
    found: dict[str, Any] = {"school": school, "other_school": other_school, "pieces": pieces}
    footage(found)
    return found


def post(ctx: dict[str, Any], data: dict[str, Any]) -> Any:
    return sign_in(Client(), ctx["requester"]).post(reverse("evidence:snapshot", args=[ctx["auth"].pk]), data)


def test_a_snapshot_is_a_logged_and_audited_download_of_the_frame_shown(ctx) -> None:
    response = post(ctx, frame(offset=0.5)(ctx))
    assert response.status_code == 200
    assert jpeg_size(response.content) == (320, 180)
    assert response["Cache-Control"] == "private, no-store"
    download = Download.objects.get()
    auth, segment = ctx["auth"], ctx["segments"][1]
    assert (download.kind, download.school, download.camera) == (Kind.SNAPSHOT, ctx["school"], ctx["gate"])
    assert (download.authorisation, download.authorised_by, download.authorised_at) == (
        auth,
        ctx["head"],
        auth.decided_at,
    )
    assert (download.reason_category, download.reason) == ("safeguarding", "Reported incident at the gate")
    assert download.requested_by == ctx["requester"]
    assert (download.viewed_at, download.deletion_authorised_by, download.deleted_at) == (None, None, None)
    # The frame on screen at 0.5 s (25 fps: the one at 0.48 s), its moment in UTC, and the file's hash.
    assert segment.start + 0.4 * S < download.frame_at <= segment.start + 0.5 * S
    assert download.sha256 == hashlib.sha256(response.content).hexdigest()
    stamp = download.frame_at.strftime("%Y%m%dT%H%M%S")
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="snapshot-northfield-primary-{ctx["gate"].pk}-{stamp}.'
    )
    event = AuditEvent.objects.get(action="evidence.snapshot_downloaded")
    assert (event.actor, event.school, event.object_id) == (ctx["requester"], ctx["school"], str(download.pk))
    assert event.details["sha256"] == download.sha256


def test_two_moments_give_two_different_files_and_two_rows(ctx) -> None:
    first, second = post(ctx, frame(offset=0.2)(ctx)), post(ctx, frame(segment=2, offset=1.0)(ctx))
    assert first["Content-Disposition"] != second["Content-Disposition"]
    assert first.content != second.content
    assert Download.objects.count() == 2


@pytest.mark.parametrize(
    "data, status",
    [
        (frame(segment=3), 403),  # 9.2: outside the authorised window
        (frame(segment=0), 403),  # 9.2: before it
        (frame(camera="yard", segments="yard_segments"), 404),  # a camera the authorisation does not name
        (frame(camera="gate", segments="yard_segments"), 404),  # a segment of another camera
        (frame(offset=2.5), 400),  # past the segment's end
        (frame(offset=-1), 400),
    ],
)
def test_a_snapshot_outside_the_authorisation_is_refused_and_not_logged(ctx, data, status) -> None:
    response = post(ctx, data(ctx))
    assert response.status_code == status
    assert not Download.objects.exists()
    assert not AuditEvent.objects.filter(action="evidence.snapshot_downloaded").exists()


def test_a_snapshot_under_an_expired_authorisation_is_refused_and_not_logged(ctx) -> None:
    ViewingAuthorisation.objects.filter(pk=ctx["auth"].pk).delete()
    ctx["auth"] = approved(ctx["requester"], [ctx["gate"]], START, END, ctx["head"], -S)
    assert post(ctx, frame()(ctx)).status_code in (403, 404)
    assert not Download.objects.exists()


def test_the_service_refuses_a_camera_the_authorisation_does_not_cover(ctx) -> None:
    """Beyond the view's lookups: the service itself (open_segment's check) refuses, and audits it."""
    with pytest.raises(PermissionDenied, match="9.2: this authorisation does not cover that camera"):
        take_snapshot(ctx["requester"], ctx["auth"], ctx["yard_segments"][1], 0.5)
    assert not Download.objects.exists()
    assert AuditEvent.objects.filter(action="viewing.segment_refused").count() == 1


# --- the log ---------------------------------------------------------------------------------------------


def test_the_log_has_appendix_i_headings_in_order_and_the_row(ctx, school) -> None:
    take_snapshot(ctx["requester"], ctx["auth"], ctx["segments"][1], 0.5)
    response = sign_in(Client(), person(HEAD, school)).get(log_url(ctx))
    page = response.content.decode()
    assert "\t".join(HEADINGS) == APPENDIX_I
    positions = [page.index(f'<th scope="col">{escape(h)}</th>') for h in HEADINGS]
    assert positions == sorted(positions)
    for cell in columns(Download.objects.get()):
        assert escape(cell) in page


def test_the_csv_is_formula_safe_and_its_export_is_audited(ctx, school) -> None:
    ctx["requester"].first_name, ctx["requester"].last_name = "=HYPERLINK(1)", ""
    ctx["requester"].save()
    take_snapshot(ctx["requester"], ctx["auth"], ctx["segments"][1], 0.5)
    admin = person(ADMIN, school)
    response = sign_in(Client(), admin).get(csv_url(ctx))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][3] == "'=HYPERLINK(1)"
    event = AuditEvent.objects.get(action="evidence.log_exported")
    assert (event.actor, event.school, event.details["rows"]) == (admin, school, 1)
