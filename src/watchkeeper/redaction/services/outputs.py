"""The rendered copy leaving the service: played to its reviewer (checked and audited), handed to the
evidence package job once approved (the export hook, design/redaction.md), and a track's thumbnail."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from watchkeeper.core.actors import Actor
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence import holds
from watchkeeper.recording.models import Segment
from watchkeeper.redaction.models import Redaction, Status
from watchkeeper.redaction.services import files
from watchkeeper.redaction.services.access import audit, check_reviewer, refused
from watchkeeper.redaction.services.approval import output_name
from watchkeeper.redaction.services.tracks import find_track, track_boxes
from watchkeeper.viewing import services as viewing
from watchkeeper.viewing.repeats import served_lately

OUTPUT_SERVED = "redaction.output_served"
ONLY_APPROVED = "10.4.1: only an approved redaction can leave in an export"


@dataclass(frozen=True)
class RedactedCopy:
    mp4_path: Path
    report: bytes
    name: str


@contextmanager
def redacted_copy(redaction: Redaction) -> Iterator[RedactedCopy]:
    """The approved redacted copy, decrypted into a private temp dir removed on exit, with its report.
    For the evidence package job (SYSTEM): PolicyRefusal unless approved (10.4.1)."""
    redaction.refresh_from_db()
    if redaction.status != Status.APPROVED or redaction.report is None:
        raise PolicyRefusal(ONLY_APPROVED)
    plaintext = files.output_plaintext(redaction)
    with files.private_dir("watchkeeper-redacted-") as tmp:
        name = redaction.report.get("output", {}).get("name") or output_name(redaction)
        path = tmp / name
        files.write_private(path, plaintext)
        report = json.dumps(redaction.report, indent=2, sort_keys=True).encode()
        yield RedactedCopy(mp4_path=path, report=report, name=name)


def open_output(actor: Actor, redaction: Redaction, now: datetime) -> files.OutputStream:
    """The preview (or approved copy) for its reviewer, under a current authorisation, as a stream a player
    asks ranges of; audited once per person and redaction within viewing's repeat window, as segments are.
    A hold placed since the preview was rendered locks it away with the footage until released for it
    (9.6)."""
    person = check_reviewer(actor, redaction, now)
    held = holds.redaction_problem(redaction)
    if held is not None:
        refused(person, redaction, held)
    stream = files.output_stream(redaction)
    if not served_lately(OUTPUT_SERVED, person, redaction, now, sha256=redaction.output_sha256):
        audit(OUTPUT_SERVED, person, redaction, sha256=redaction.output_sha256)
    return stream


def track_thumbnail(actor: Actor, redaction: Redaction, track_id: int, now: datetime) -> bytes:
    """A JPEG crop of the track at its middle box, decoded in memory from the master segment holding that
    frame — fetched through viewing.open_segment, so viewing's own check and audit apply (9.2)."""
    person = check_reviewer(actor, redaction, now)
    track = find_track(redaction, track_id)
    if track is None or not track.get("boxes"):
        raise PolicyRefusal("10.4.1: there is no such track")
    boxes = track_boxes(track)
    box = boxes[len(boxes) // 2]
    frame = int(box["frame"])
    entry = next(
        (
            s
            for s in redaction.segments
            if s.get("first_frame", 0) <= frame < s.get("first_frame", 0) + s.get("frames", 0)
        ),
        None,
    )
    if entry is None:
        raise PolicyRefusal("10.4.1: that track's frame is outside the footage")
    segment = Segment.objects.select_related("camera").get(pk=entry["id"])
    assert redaction.authorisation is not None
    plaintext = viewing.open_segment(person, redaction.authorisation, segment, now)
    from watchkeeper.redaction.thumbnail import crop_jpeg

    return crop_jpeg(plaintext, frame - int(entry["first_frame"]), box)
