"""Stills and the CCTV log (9.5, 11.6, 13.2, Appendix I; design/evidence.md "Stills"): no picture leaves the
player as a plain file; "Ask for a still" makes a download request for that camera and instant, which the
Headteacher authorises with a fresh code; the job seals the still (full resolution, camera and time burned
in, SHA-256 in the signed manifest) in a password-protected package with the CCTV log's whole lifecycle.
Then the log and its CSV, through the generic permission case."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import timedelta
from typing import Any

import av
import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.conftest import sign_in
from tests.evidence.downloads import authorise, build, members, plaintext_zip
from tests.evidence.pdftext import pdf_text
from tests.factories import CameraFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.viewing.conftest import RECORDED, approved, code_for
from tests.viewing.footage import store_footage
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core import release_terms
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence import package, services
from watchkeeper.evidence.models import Download, DownloadRequest, Kind, Purpose, RequestStatus
from watchkeeper.evidence.services import HEADINGS, columns
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
    ctx["requester"] = person(REVIEWER, ctx["school"], first_name="Rita", last_name="Reviewer")
    ctx["reviewer"] = ctx["requester"]
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


def still_url(ctx: dict[str, Any]) -> str:
    return reverse("evidence:still_request", args=[mine(ctx).pk])


def frame(segment: int = 1, offset: float = 0.5, camera: str = "gate", segments: str = "segments") -> Any:
    def data(ctx: dict[str, Any]) -> dict[str, Any]:
        return {"camera": ctx[camera].pk, "segment": ctx[segments][segment].pk, "offset": offset}

    return data


def asked_for_a_still(ctx: dict[str, Any], response: Any) -> None:
    req = DownloadRequest.objects.get()
    assert response["Location"] == reverse("evidence:request_detail", args=[req.pk])
    assert req.requested_by == ctx["user"] and req.still_at is not None
    assert not Download.objects.exists()  # nothing has left: the Headteacher has not authorised it


def ask_still(ctx: dict[str, Any], segment: int = 1, offset: float = 0.5, **overrides: Any) -> Any:
    seg = ctx["segments"][segment]
    terms: dict[str, Any] = {
        "school": ctx["school"],
        "cameras": [ctx["gate"]],
        "start": seg.start,
        "end": seg.end,
        "still_at": seg.start + offset * S,
        "purpose": Purpose.INTERNAL,
        "reason_category": "safeguarding",
        "reason": "Reported incident at the gate",
        "requestor_user": ctx["requester"],
    }
    terms.update(overrides)
    return services.request_download(ctx["requester"], **terms, now=timezone.now())


def still_copy(ctx: dict[str, Any]) -> tuple[Download, str]:
    decided = authorise(ctx, ask_still(ctx))
    return build(decided.request, decided.password or ""), decided.password or ""


def logged(ctx: dict[str, Any]) -> None:
    footage(ctx)
    still_copy(ctx)


def log_url(ctx: dict[str, Any]) -> str:
    return f"{reverse('evidence:cctv_log')}?school={ctx['school'].pk}"


def csv_url(ctx: dict[str, Any]) -> str:
    return f"{reverse('evidence:cctv_log_csv')}?school={ctx['school'].pk}"


def shows_log(ctx: dict[str, Any], response: Any) -> None:
    page = response.content.decode()
    assert "Helen Head" in page and "Reported incident at the gate" in page
    assert "Sealed still image of Main gate" in page


def is_csv(ctx: dict[str, Any], response: Any) -> None:
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows == [HEADINGS, columns(Download.objects.get())]


CASES = [
    ViewCase(
        "still",
        still_url,
        REVIEWER,
        HEAD,
        method="post",
        data=frame(),
        ok=(302,),
        setup=footage,
        check=asked_for_a_still,
    ),
    ViewCase("log-head", log_url, HEAD, REVIEWER, setup=logged, check=shows_log),
    ViewCase("log-admin", log_url, ADMIN, DEPUTY, setup=logged, check=shows_log),
    ViewCase("log-dpo", log_url, DPO, REVIEWER, trust_wide=True, setup=logged, check=shows_log),
    ViewCase("csv", csv_url, ADMIN, REVIEWER, setup=logged, check=is_csv),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_permission_case(case: ViewCase, school, other_school, pieces) -> None:
    run_view_case(case, {"school": school, "other_school": other_school, "pieces": pieces})


@pytest.fixture
def ctx(school, other_school, pieces) -> dict[str, Any]:
    found: dict[str, Any] = {"school": school, "other_school": other_school, "pieces": pieces}
    footage(found)
    return found


def post(ctx: dict[str, Any], data: dict[str, Any], url: str | None = None) -> Any:
    url = url or reverse("evidence:still_request", args=[ctx["auth"].pk])
    return sign_in(Client(), ctx["requester"]).post(url, data)


# --- no plain picture leaves the player (9.5, 11.6) -------------------------------------------------------


def test_no_jpeg_is_served_without_a_package(ctx) -> None:
    """The player's old one-step snapshot sent the frame at once as a plain JPEG: gone. Asking for a still
    makes a request and serves no picture; nothing is in the CCTV log until a package is built."""
    old = post(ctx, frame()(ctx), f"/evidence/authorisations/{ctx['auth'].pk}/snapshot/")
    assert old.status_code == 404 and not old["Content-Type"].startswith("image/")
    asked = post(ctx, frame()(ctx))
    assert asked.status_code == 302 and not asked.content
    assert not Download.objects.exists()
    assert not AuditEvent.objects.filter(action="evidence.snapshot_downloaded").exists()


def test_asking_for_a_still_is_a_download_request_for_that_camera_and_instant(ctx) -> None:
    post(ctx, frame(segment=1, offset=0.5)(ctx))
    req = DownloadRequest.objects.get()
    segment = ctx["segments"][1]
    assert req.still_at == segment.start + 0.5 * S
    assert list(req.cameras.all()) == [ctx["gate"]] and (req.start, req.end) == (segment.start, segment.end)
    assert (req.purpose, req.requestor_user, req.status) == (
        Purpose.INTERNAL,
        ctx["requester"],
        RequestStatus.REQUESTED,
    )
    assert (req.reason_category, req.reason) == ("safeguarding", "Reported incident at the gate")
    event = AuditEvent.objects.get(action=services.REQUESTED)
    assert event.details["still_at"] == req.still_at.isoformat()


@pytest.mark.parametrize(
    "data, status",
    [
        (frame(camera="yard", segments="yard_segments"), 404),  # a camera the authorisation does not name
        (frame(camera="gate", segments="yard_segments"), 404),  # a segment of another camera
        (frame(offset=2.5), 400),  # past the segment's end
        (frame(offset=-1), 400),
    ],
)
def test_a_still_of_another_camera_or_moment_is_refused(ctx, data, status) -> None:
    assert post(ctx, data(ctx)).status_code == status
    assert not DownloadRequest.objects.exists()


@pytest.mark.clause("9.5")
def test_the_service_refuses_a_still_outside_its_window_or_of_two_cameras(ctx) -> None:
    with pytest.raises(PolicyRefusal, match="9.5: the still's moment"):
        ask_still(ctx, still_at=ctx["segments"][2].start)
    with pytest.raises(PolicyRefusal, match="9.5: a still is of one camera"):
        ask_still(ctx, cameras=[ctx["gate"], ctx["yard"]])


def test_nobody_authorises_their_own_still(ctx) -> None:
    req = ask_still(ctx, requestor_user=ctx["head"])
    with pytest.raises(PolicyRefusal, match="nobody may authorise their own request"):
        services.decide_download(
            ctx["head"], req, approve=True, otp_code=code_for(ctx["head"]), now=timezone.now()
        )


# --- the sealed still ------------------------------------------------------------------------------------


def picture(data: bytes) -> np.ndarray:
    with av.open(io.BytesIO(data)) as container:
        return next(container.decode(video=0)).to_ndarray(format="rgb24")


def raw_frame(ctx: dict[str, Any], segment: int, at: float) -> np.ndarray:
    from watchkeeper.viewing.footage import decrypted

    with av.open(io.BytesIO(decrypted(ctx["segments"][segment]))) as container:
        frames = list(container.decode(video=0))
    first = float(frames[0].time or 0)
    shown = [f for f in frames if float(f.time or 0) - first <= at + 1e-6][-1]
    return shown.to_ndarray(format="rgb24")


@pytest.mark.clause("9.3", "9.5", "R18", "R19")
def test_a_still_is_sealed_signed_and_verified_with_the_camera_and_time_burned_in(ctx, tmp_path) -> None:
    download, password = still_copy(ctx)
    req = download.request
    assert req is not None and req.status == RequestStatus.READY
    assert (download.kind, download.camera) == (Kind.PACKAGE, ctx["gate"])
    assert download.authorised_by == ctx["head"]
    segment = ctx["segments"][1]
    # The frame on screen at 0.5 s (25 fps: the one at 0.48 s), its moment in UTC.
    assert segment.start + 0.4 * S < download.frame_at <= segment.start + 0.5 * S
    zipped = plaintext_zip(download, tmp_path, ctx["head"])
    files = members(zipped, password)
    (name,) = [n for n in files if n.startswith("still/")]
    assert name.endswith(".png") and not [n for n in files if n.startswith(("master/", "working-copy"))]
    manifest = json.loads(files["manifest.json"])
    assert manifest["still"]["file"] == name and manifest["still"]["camera_name"] == "Main gate"
    assert manifest["still"]["frame_at_utc"] == download.frame_at.isoformat()
    assert req.still_at is not None and manifest["still"]["asked_for_utc"] == req.still_at.isoformat()
    assert manifest["files"][name] == hashlib.sha256(files[name]).hexdigest()
    assert [s["sha256"] for c in manifest["cameras"] for s in c["segments"]] == [segment.sha256]
    # Full resolution; the camera and time burned into the top-left corner, the rest the frame itself.
    still, raw = picture(files[name]).astype(int), raw_frame(ctx, 1, 0.5).astype(int)
    assert still.shape == raw.shape == (180, 320, 3)
    assert np.abs(still[:14, :150] - raw[:14, :150]).mean() > 20
    assert np.abs(still[60:150, 200:] - raw[60:150, 200:]).mean() < 3
    assert "still image" in files["README.txt"].decode()
    assert package.verify(zipped, password).ok
    password_file = tmp_path / "password.txt"
    password_file.write_text(password)
    out = io.StringIO()
    call_command("export", "verify", str(zipped), "--password-file", str(password_file), stdout=out)
    assert "package verified" in out.getvalue()


def test_a_still_copy_has_the_whole_log_lifecycle(ctx) -> None:
    download, _ = still_copy(ctx)
    now = timezone.now()
    services.record_viewing(ctx["requester"], download, now, now=now)
    services.authorise_deletion(ctx["head"], download, code_for(ctx["head"], 1), now=timezone.now())
    download.refresh_from_db()
    assert download.viewed_at == now and download.deletion_authorised_by == ctx["head"]
    assert download.deleted_at is not None and not services.stored_path(download).exists()
    cells = columns(download)
    assert cells[4] and cells[5].startswith("Helen Head") and cells[6]


# --- the log ---------------------------------------------------------------------------------------------


@pytest.mark.clause("Appendix I", "R13")
def test_the_log_has_appendix_i_headings_in_order_and_the_row(ctx, school) -> None:
    still_copy(ctx)
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
    still_copy(ctx)
    admin = person(ADMIN, school)
    response = sign_in(Client(), admin).get(csv_url(ctx))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][3] == "'=HYPERLINK(1)"
    event = AuditEvent.objects.get(action="evidence.log_exported")
    assert (event.actor, event.school, event.details["rows"]) == (admin, school, 1)


@pytest.mark.clause("9.5", "Appendix I")
def test_exporting_the_log_is_audited_by_the_service_whoever_calls_it(ctx, school) -> None:
    """The service, not the page, records the export (issue 12 §4): a command line export is audited alike.
    Each export holds only the rows the person may see."""
    still_copy(ctx)
    head = person(HEAD, school)
    lines = list(services.export_log_csv(head, school))
    assert list(csv.reader(io.StringIO("".join(lines)))) == [HEADINGS, columns(Download.objects.get())]
    pdf = services.export_log_pdf(head, None, now=timezone.now())
    assert pdf.startswith(b"%PDF-")
    assert f"CCTV log: {school.name}" in pdf_text(
        pdf
    )  # a printout of all one's schools names them (issue 15)
    events = AuditEvent.objects.filter(action="evidence.log_exported").order_by("seq")
    assert [(e.actor, e.details) for e in events] == [
        (head, {"school": school.pk, "rows": 1, "format": "csv"}),
        (head, {"school": None, "rows": 1, "format": "pdf"}),
    ]
    outsider = person(HEAD, ctx["other_school"])
    assert list(csv.reader(io.StringIO("".join(services.export_log_csv(outsider, None))))) == [HEADINGS]


@pytest.mark.clause("11.4")
def test_a_still_carries_the_social_media_prohibition_in_the_picture_and_its_caption(ctx, tmp_path) -> None:
    """11.4: the line is burned into the bottom-left corner of the picture itself (a still travels without
    its letter once copied), and the package's caption and letter say it in the shared words."""
    download, password = still_copy(ctx)
    files = members(plaintext_zip(download, tmp_path, ctx["head"]), password)
    (name,) = [n for n in files if n.startswith("still/")]
    still, raw = picture(files[name]).astype(int), raw_frame(ctx, 1, 0.5).astype(int)
    assert np.abs(still[-8:, :150] - raw[-8:, :150]).mean() > 20
    manifest = json.loads(files["manifest.json"])
    assert manifest["still"]["caption"] == release_terms.no_social_media("This still image")
    letter = files["README.txt"].decode()
    assert release_terms.SOCIAL_MEDIA_PROHIBITION in letter and release_terms.image_line() in letter


@pytest.mark.clause("11.4")
def test_the_burned_in_prohibition_is_drawn_only_when_asked() -> None:
    from watchkeeper.evidence.stills import burned

    frame = np.full((360, 640, 3), 128, dtype=np.uint8)
    plain, footed = burned(frame, "Gate"), burned(frame, "Gate", footer=release_terms.image_line())
    assert (plain[-10:] == 128).all() and (footed[-10:, :100] != 128).any()
    assert (footed[:20, :40] == plain[:20, :40]).all()
