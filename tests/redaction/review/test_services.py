"""Redaction review services (10.2, 10.3, 10.4.1; design/redaction.md): starting under a viewing
authorisation, the propose and render jobs end to end on real encrypted footage with faces, the reviewer's
decisions, approval only of a current preview, the sealed output and the export hook."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import CameraFactory, person
from tests.redaction.review.conftest import RECORDED, S, committed
from tests.viewing.conftest import approved
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.jobs.models import JobRecord, JobStatus
from watchkeeper.people.models import Role
from watchkeeper.recording.models import Segment
from watchkeeper.redaction import services
from watchkeeper.redaction.engine.caption import burned, segment_caption
from watchkeeper.redaction.models import Redaction, Status
from watchkeeper.viewing.models import Status as AuthStatus
from watchkeeper.viewing.models import ViewingAuthorisation

pytestmark = pytest.mark.django_db


def start(scene: dict[str, Any], actor: Any = None, **kw: Any) -> Redaction:
    """Start a redaction as the scene's reviewer (or `actor`); its proposal job runs at the commit."""
    args = {"auth": scene["auth"], "camera": scene["camera"], "start": RECORDED - S, "end": RECORDED + 4 * S}
    args.update(kw)
    with committed():
        return services.start_redaction(
            actor or scene["reviewer"],
            args["auth"],
            args["camera"],
            args["start"],
            args["end"],
            release_reason=args.get("release_reason", ""),
            now=timezone.now(),
        )


def render_preview(reviewer: Any, redaction: Redaction) -> None:
    """Ask for a preview; the render job runs when the request commits."""
    with committed():
        services.request_preview(reviewer, redaction, now=timezone.now())


@pytest.fixture
def proposed(scene: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Redaction:
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    redaction = start(scene)
    redaction.refresh_from_db()
    scene["tmp"] = private
    return redaction


def frames_of(mp4: bytes) -> list[np.ndarray]:
    with av.open(io.BytesIO(mp4)) as container:
        return [f.to_ndarray(format="rgb24").astype(np.int16) for f in container.decode(video=0)]


def master_frames(redaction: Redaction) -> list[np.ndarray]:
    out: list[np.ndarray] = []
    for entry in redaction.segments:
        from watchkeeper.viewing.footage import decrypted

        out += frames_of(decrypted(Segment.objects.get(pk=entry["id"])))
    return out


def region(picture: np.ndarray, box: list[float]) -> np.ndarray:
    x, y, w, h = (int(v) for v in box[1:5])
    return picture[y + 2 : y + h - 2, x + 2 : x + w - 2]


# --- starting ------------------------------------------------------------------------------------------


def test_the_proposal_job_records_the_master_and_proposes_tracks(proposed: Redaction, scene) -> None:
    redaction = proposed
    assert redaction.status == Status.REVIEW
    stored = {str(s.pk): s.sha256 for s in scene["segments"]}
    assert [(s["id"], s["sha256"]) for s in redaction.segments] == list(stored.items())
    assert [s["first_frame"] for s in redaction.segments] == [0, 25, 50]
    assert sum(s["frames"] for s in redaction.segments) == redaction.proposal["frames"] == 75
    kinds = {t["kind"] for t in redaction.proposal["tracks"]}
    assert "face" in kinds and len(redaction.proposal["tracks"]) >= 4
    job = JobRecord.objects.get(task_id=redaction.job_task_id)
    assert (job.name, job.status, job.progress, job.school_id) == (
        "redaction_propose",
        JobStatus.DONE,
        100,
        scene["camera"].school_id,
    )
    assert job.message.startswith("Proposed ")
    actions = list(
        AuditEvent.objects.filter(object_id=str(redaction.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[:2] == ["redaction.started", "redaction.proposed"]
    assert list(scene["tmp"].iterdir()) == []  # no plaintext left behind


@pytest.mark.clause("9.2", "10.2")
def test_a_pending_authorisation_is_refused(scene) -> None:
    ViewingAuthorisation.objects.filter(pk=scene["auth"].pk).update(status=AuthStatus.PENDING)
    scene["auth"].refresh_from_db()
    with pytest.raises(PolicyRefusal, match="9.2"):
        start(scene)
    assert not Redaction.objects.exists()


def test_an_expired_authorisation_is_refused(scene) -> None:
    ViewingAuthorisation.objects.filter(pk=scene["auth"].pk).update(expires_at=timezone.now() - S)
    scene["auth"].refresh_from_db()
    with pytest.raises(PolicyRefusal, match="9.2"):
        start(scene)


def test_someone_elses_authorisation_is_refused(scene, school) -> None:
    colleague = person(Role.FOOTAGE_REVIEWER, school)
    with pytest.raises(PolicyRefusal, match="only the person who asked"):
        services.start_redaction(
            colleague, scene["auth"], scene["camera"], RECORDED, RECORDED + 3 * S, now=timezone.now()
        )


@pytest.mark.clause("10.4.1", "R23")
def test_a_camera_or_window_outside_the_authorisation_is_refused(scene, school) -> None:
    with pytest.raises(PolicyRefusal, match="9.2"):
        start(scene, camera=CameraFactory(school=school, name="Hall"))
    with pytest.raises(PolicyRefusal, match="9.2"):
        start(scene, end=RECORDED + 10 * S)
    with pytest.raises(PolicyRefusal, match="10.4.1: nothing was recorded by Main gate between"):
        start(scene, start=RECORDED + 3 * S, end=RECORDED + 4 * S)


@pytest.mark.clause("10.2", "14.1")
def test_a_person_without_the_role_is_refused(scene, school) -> None:
    head = person(Role.HEADTEACHER, school)
    auth = approved(head, [scene["camera"]], RECORDED - S, RECORDED + 4 * S)
    with pytest.raises(PermissionDenied):
        services.start_redaction(head, auth, scene["camera"], RECORDED, RECORDED + 3 * S, now=timezone.now())


@pytest.mark.clause("9.3", "13.1", "R17")
def test_an_erased_segment_fails_the_job_clearly(scene) -> None:
    # The job runs after the master is recorded: a segment erased in between (13.1) fails it, audited.
    Segment.objects.filter(pk=scene["segments"][1].pk).delete()
    redaction = start(scene, start=RECORDED, end=RECORDED + S)
    redaction.refresh_from_db()
    assert redaction.status == Status.REVIEW  # only the first segment: unaffected
    redaction = Redaction.objects.create(
        school=scene["camera"].school,
        authorisation=scene["auth"],
        camera=scene["camera"],
        start=RECORDED,
        end=RECORDED + 3 * S,
        created_by=scene["reviewer"],
        segments=[{"id": str(scene["segments"][1].pk), "sha256": "0" * 64, "start": "", "end": ""}],
    )
    with committed():
        services.queue_job(redaction, "propose")
    redaction.refresh_from_db()
    assert redaction.status == Status.FAILED and "13.1" in redaction.message
    assert JobRecord.objects.get(task_id=redaction.job_task_id).status == JobStatus.FAILED
    assert AuditEvent.objects.filter(action="redaction.failed", object_id=str(redaction.pk)).exists()


# --- deciding, previewing, approving ----------------------------------------------------------------------


def face_tracks(redaction: Redaction) -> list[dict[str, Any]]:
    return [t for t in redaction.proposal["tracks"] if t["kind"] == "face"]


def box_at(track: dict[str, Any], frame: int) -> list[float] | None:
    return next((b for b in track["boxes"] if b[0] == frame), None)


def overlaps(a: list[float], b: list[float], pad: float = 0.5) -> bool:
    ax, ay, aw, ah = a[1:5]
    bx, by, bw, bh = b[1:5]
    ax, ay, aw, ah = ax - aw * pad, ay - ah * pad, aw * (1 + 2 * pad), ah * (1 + 2 * pad)
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def alone(redaction: Redaction, frame: int) -> list[dict[str, Any]]:
    """Face tracks whose box on `frame` overlaps no other track's box (so keeping it keeps all of it)."""
    tracks = redaction.proposal["tracks"]
    found = []
    for track in face_tracks(redaction):
        mine = box_at(track, frame)
        others = [box_at(t, frame) for t in tracks if t is not track]
        if mine and not any(o and overlaps(mine, o) for o in others):
            found.append(track)
    return found


@pytest.mark.clause("9.3", "10.3", "10.4.1", "R19", "R23")
def test_keep_preview_approve_and_the_pixels(proposed: Redaction, scene, data_dir: Path) -> None:
    reviewer, redaction = scene["reviewer"], proposed
    frame = 40
    kept = alone(redaction, frame)[0]
    hidden = next(t for t in face_tracks(redaction) if t is not kept and box_at(t, frame))
    services.set_keep(reviewer, redaction, kept["id"], True, now=timezone.now())
    with pytest.raises(PolicyRefusal, match="preview the redaction before approving"):
        services.approve(reviewer, redaction, now=timezone.now())
    render_preview(reviewer, redaction)
    redaction.refresh_from_db()
    assert redaction.status == Status.REVIEW and services.preview_is_current(redaction)
    job = JobRecord.objects.get(task_id=redaction.job_task_id)
    assert (job.name, job.status, job.progress) == ("redaction_render", JobStatus.DONE, 100)
    assert list(scene["tmp"].iterdir()) == []

    # Sealed at rest: the file is not an MP4, and opens only with its wrapped key.
    blob = (data_dir / "redactions" / redaction.output_path).read_bytes()
    assert b"ftyp" not in blob[:64] and b"mdat" not in blob
    preview = services.open_output(reviewer, redaction, timezone.now()).read()
    assert preview[4:8] == b"ftyp"

    # The kept face is untouched; another face is distorted; the master is unchanged.
    out, master = frames_of(preview), master_frames(redaction)
    assert len(out) == len(master) == 75
    kbox = next(b for b in kept["boxes"] if b[0] == frame)
    hbox = next(b for b in hidden["boxes"] if b[0] == frame)
    assert np.abs(region(out[frame], kbox) - region(master[frame], kbox)).mean() < 6
    assert np.abs(region(out[frame], hbox) - region(master[frame], hbox)).mean() > 6
    assert_captioned(redaction, out[frame], master[frame], frame)
    for entry in redaction.segments:
        assert Segment.objects.get(pk=entry["id"]).sha256 == entry["sha256"]

    services.approve(reviewer, redaction, now=timezone.now())
    redaction.refresh_from_db()
    report = redaction.report
    assert redaction.status == Status.APPROVED and redaction.approved_by == reviewer
    assert [t["id"] for t in report["tracks_kept"]] == [kept["id"]]
    assert hidden["id"] in [t["id"] for t in report["tracks_redacted"]]
    assert [s["sha256"] for s in report["master_segments"]] == [s.sha256 for s in scene["segments"]]
    assert report["output"]["sha256"] == redaction.output_sha256 and report["reviewer"]["username"]
    assert report["mode"] == "blur"
    actions = set(
        AuditEvent.objects.filter(object_id=str(redaction.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert {
        "redaction.track_kept",
        "redaction.preview_requested",
        "redaction.rendered",
        "redaction.approved",
    } <= actions
    # Approved: decisions are frozen.
    with pytest.raises(PolicyRefusal, match="approved"):
        services.set_keep(reviewer, redaction, hidden["id"], True, now=timezone.now())


def assert_captioned(redaction: Redaction, out: np.ndarray, master: np.ndarray, frame: int) -> None:
    """9.3 (issue 13 §2): the render job burns the camera's name and the frame's UK time into the picture,
    as working copies carry them: the caption's pixels are those of the caption drawn on the master."""
    fps = float((redaction.proposal or {})["fps"])
    text = segment_caption(redaction.camera.name, redaction.segments)(frame, fps)
    assert redaction.camera.name in text and (" GMT" in text or " BST" in text)
    drawn = burned(master.astype(np.uint8).copy(), text).astype(np.int16)
    painted = np.abs(drawn - master).max(axis=2) > 100  # the caption's box and letters
    assert painted.sum() > 200
    assert np.abs(out - drawn)[painted].mean() < 40 < np.abs(out - master)[painted].mean()


@pytest.mark.clause("10.4.1")
def test_approving_a_preview_of_earlier_decisions_is_refused(proposed: Redaction, scene) -> None:
    reviewer, redaction = scene["reviewer"], proposed
    render_preview(reviewer, redaction)
    redaction.refresh_from_db()
    services.set_mode(reviewer, redaction, "pixelate", now=timezone.now())
    assert not services.preview_is_current(redaction)
    with pytest.raises(PolicyRefusal, match="decisions have changed"):
        services.approve(reviewer, redaction, now=timezone.now())
    services.set_mode(
        reviewer, redaction, "blur", now=timezone.now()
    )  # back to what was previewed: current again
    services.approve(reviewer, redaction, now=timezone.now())


@pytest.mark.clause("10.4.1")
def test_manual_boxes_add_extend_delete(proposed: Redaction, scene) -> None:
    reviewer, redaction = scene["reviewer"], proposed
    box = services.ManualBox
    track = services.add_manual(reviewer, redaction, box(10, 20, 20, 40, 40), now=timezone.now())
    assert track > max(t["id"] for t in redaction.proposal["tracks"])
    services.extend_manual(reviewer, redaction, track, box(60, 200, 100, 40, 40), now=timezone.now())
    services.extend_manual(
        reviewer, redaction, track, box(60, 210, 100, 40, 40), now=timezone.now()
    )  # replaces frame 60
    redaction.refresh_from_db()
    assert [b["frame"] for b in redaction.manual[0]["boxes"]] == [10, 60]
    assert redaction.manual[0]["boxes"][1]["x"] == 210
    with pytest.raises(PolicyRefusal, match="outside the footage"):
        services.add_manual(reviewer, redaction, box(500, 0, 0, 10, 10), now=timezone.now())
    with pytest.raises(PolicyRefusal, match="2 pixels"):
        services.add_manual(reviewer, redaction, box(5, 700, 0, 10, 10), now=timezone.now())
    # Rendered: the interpolated box at frame 35 (x = 115) is distorted.
    render_preview(reviewer, redaction)
    redaction.refresh_from_db()
    out = frames_of(services.open_output(reviewer, redaction, timezone.now()).read())
    master = master_frames(redaction)
    row = [35, 115 + 4, 60 + 4, 32, 32]
    assert np.abs(region(out[35], row) - region(master[35], row)).mean() > 3
    services.delete_manual(reviewer, redaction, track, now=timezone.now())
    redaction.refresh_from_db()
    assert redaction.manual == [] and not services.preview_is_current(redaction)
    actions = list(
        AuditEvent.objects.filter(action__startswith="redaction.manual")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "redaction.manual_added",
        "redaction.manual_extended",
        "redaction.manual_extended",
        "redaction.manual_deleted",
    ]


def test_decisions_digest_follows_every_decision() -> None:
    redaction = Redaction(keep=[], manual=[], mode="blur")
    first = services.decisions_digest(redaction)
    redaction.keep = [2]
    second = services.decisions_digest(redaction)
    redaction.mode = "fill"
    third = services.decisions_digest(redaction)
    redaction.manual = [{"id": 9, "kind": "manual", "boxes": []}]
    assert len({first, second, third, services.decisions_digest(redaction)}) == 4


# --- who may look ---------------------------------------------------------------------------------------


def test_an_expired_authorisation_stops_video_and_thumbnails(proposed: Redaction, scene) -> None:
    reviewer, redaction = scene["reviewer"], proposed
    render_preview(reviewer, redaction)
    redaction.refresh_from_db()
    track = redaction.proposal["tracks"][0]["id"]
    assert services.track_thumbnail(reviewer, redaction, track, timezone.now())[:2] == b"\xff\xd8"
    later = scene["auth"].expires_at + S
    with pytest.raises(PermissionDenied, match="9.2"):
        services.open_output(reviewer, redaction, later)
    with pytest.raises(PermissionDenied, match="9.2"):
        services.track_thumbnail(reviewer, redaction, track, later)
    with pytest.raises(PermissionDenied, match="only the reviewer who started"):
        services.open_output(person(Role.FOOTAGE_REVIEWER, scene["camera"].school), redaction, timezone.now())
    assert AuditEvent.objects.filter(action="redaction.refused").count() == 3


# --- the export hook and discarding ----------------------------------------------------------------------


@pytest.mark.clause("9.3", "10.4.1")
def test_redacted_copy_only_when_approved(proposed: Redaction, scene) -> None:
    reviewer, redaction = scene["reviewer"], proposed
    only = "10.4.1: only an approved redaction can leave in an export"
    with pytest.raises(PolicyRefusal, match=only), services.redacted_copy(redaction):
        pass
    render_preview(reviewer, redaction)
    redaction.refresh_from_db()
    with pytest.raises(PolicyRefusal, match="10.4.1"), services.redacted_copy(redaction):
        pass
    services.approve(reviewer, redaction, now=timezone.now())
    with services.redacted_copy(redaction) as copy:
        path = copy.mp4_path
        assert path.read_bytes()[4:8] == b"ftyp" and path.stat().st_mode & 0o077 == 0
        assert json.loads(copy.report)["output"]["sha256"] == redaction.output_sha256
        assert copy.name == f"redacted-{redaction.school_id}-{redaction.pk}-{RECORDED - S:%Y%m%dT%H%M%SZ}.mp4"
        assert path.name == copy.name
    assert not path.exists() and not path.parent.exists()


@pytest.mark.clause("10.2")
def test_discard_destroys_the_copy(proposed: Redaction, scene, data_dir: Path) -> None:
    reviewer, redaction = scene["reviewer"], proposed
    render_preview(reviewer, redaction)
    redaction.refresh_from_db()
    blob = data_dir / "redactions" / redaction.output_path
    assert blob.exists()
    services.discard(reviewer, redaction)
    assert not blob.exists()
    assert redaction.status == Status.DISCARDED and redaction.output_wrapped_key is None
    with pytest.raises(PolicyRefusal):
        services.set_keep(reviewer, redaction, 1, True, now=timezone.now())
    assert AuditEvent.objects.filter(action="redaction.discarded").exists()


def test_a_failed_render_leaves_the_redaction_in_review(proposed: Redaction, scene) -> None:
    reviewer, redaction = scene["reviewer"], proposed
    services.set_keep(reviewer, redaction, redaction.proposal["tracks"][0]["id"], True, now=timezone.now())
    Segment.objects.filter(pk=scene["segments"][2].pk).delete()  # erased meanwhile (13.1)
    render_preview(reviewer, redaction)
    redaction.refresh_from_db()
    assert redaction.status == Status.REVIEW and "13.1" in redaction.message
    assert not redaction.has_output and redaction.keep  # decisions kept
    assert JobRecord.objects.get(task_id=redaction.job_task_id).status == JobStatus.FAILED
    assert list(scene["tmp"].iterdir()) == []
    with pytest.raises(PolicyRefusal, match="preview the redaction"):
        services.approve(reviewer, redaction, now=timezone.now())


# --- held footage (9.6) -------------------------------------------------------------------------------------


def evidential_hold(scene: dict[str, Any]) -> Any:
    from datetime import timedelta

    from watchkeeper.recording.services import place_hold

    school = scene["camera"].school
    scene["admin"] = person(Role.CCTV_ADMIN, school)
    return place_hold(
        scene["admin"],
        school,
        [scene["camera"]],
        RECORDED - S,
        RECORDED + 4 * S,
        "Police investigation",
        timezone.localdate() + timedelta(days=30),
        today=timezone.localdate(),
    )


@pytest.mark.clause("9.6", "10.4.1", "R12")
def test_a_redaction_over_held_footage_needs_the_cctv_admins_release(scene) -> None:
    """9.6: only the CCTV administrator sees held footage, and redacts it only by releasing it for that
    redaction; a reviewer's window simply has no held footage in it."""
    from watchkeeper.evidence.models import HoldRelease

    hold = evidential_hold(scene)
    with pytest.raises(PolicyRefusal, match="9.6: all the footage of Main gate .* is held as evidence"):
        start(scene)
    auth = approved(scene["admin"], [scene["camera"]], RECORDED - S, RECORDED + 4 * S)
    window = (auth, scene["camera"], RECORDED - S, RECORDED + 4 * S)
    with pytest.raises(PolicyRefusal, match="9.6: this footage is held as evidence"):
        services.start_redaction(scene["admin"], *window, now=timezone.now())
    assert not Redaction.objects.exists()
    redaction = start(scene, scene["admin"], auth=auth, release_reason="SAR-12 needs it redacted")
    release = HoldRelease.objects.get()
    assert (release.hold, release.redaction, release.reason) == (hold, redaction, "SAR-12 needs it redacted")
    redaction.refresh_from_db()
    assert redaction.status == Status.REVIEW


@pytest.mark.clause("9.6", "R12")
def test_a_hold_placed_after_the_start_stops_the_jobs_until_released(scene) -> None:
    from watchkeeper.evidence import holds

    redaction = Redaction.objects.create(
        school=scene["camera"].school,
        authorisation=scene["auth"],
        camera=scene["camera"],
        start=RECORDED,
        end=RECORDED + S,
        created_by=scene["reviewer"],
        segments=[{"id": str(scene["segments"][0].pk), "sha256": scene["segments"][0].sha256}],
    )
    hold = evidential_hold(scene)
    with committed():
        services.queue_job(redaction, "propose")
    redaction.refresh_from_db()
    assert redaction.status == Status.FAILED and "9.6" in redaction.message and "release" in redaction.message
    assert holds.awaiting_release(scene["admin"]) == []  # a failed redaction no longer waits
    Redaction.objects.filter(pk=redaction.pk).update(status=Status.PROPOSING, message="")
    redaction.refresh_from_db()
    assert holds.awaiting_release(scene["admin"]) == [{"redaction": redaction, "hold": hold}]
    holds.release_for_redaction(scene["admin"], hold, redaction, "Needed for SAR-12", now=timezone.now())
    with committed():
        services.queue_job(redaction, "propose")
    redaction.refresh_from_db()
    assert redaction.status == Status.REVIEW


def test_a_preview_is_not_played_once_its_footage_is_held_until_released(proposed: Redaction, scene) -> None:
    """9.6: a preview rendered before an evidential hold was placed is held footage too (it is the footage,
    blurred in places): its reviewer cannot play it until the CCTV administrator releases the hold for it."""
    from watchkeeper.evidence import holds

    reviewer, redaction = scene["reviewer"], proposed
    render_preview(reviewer, redaction)
    redaction.refresh_from_db()
    assert services.open_output(reviewer, redaction, timezone.now()).read()
    hold = evidential_hold(scene)
    with pytest.raises(PermissionDenied, match="9.6: .*held as evidence"):
        services.open_output(reviewer, redaction, timezone.now())
    assert AuditEvent.objects.filter(action="redaction.refused", reason__startswith="9.6").exists()
    holds.release_for_redaction(scene["admin"], hold, redaction, "Needed for SAR-12", now=timezone.now())
    assert services.open_output(reviewer, redaction, timezone.now()).read()
