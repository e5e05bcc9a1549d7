"""Taking footage out of the system (9.5, Appendix I; design/evidence.md).

A snapshot (a still image) counts as a download: it needs the same authorisation as viewing the footage
(viewing.services.open_segment checks it, and audits a refusal), and it goes into the school's CCTV log
(a Download row) with an audit event, in one transaction. The JPEG is handed over and not kept.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from watchkeeper.audit.services import record
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence.models import Download, Kind
from watchkeeper.evidence.snapshot import NoSuchFrame, still
from watchkeeper.recording.models import Segment
from watchkeeper.viewing import services as viewing
from watchkeeper.viewing.models import ViewingAuthorisation

SNAPSHOT_DOWNLOADED = "evidence.snapshot_downloaded"


@dataclass(frozen=True)
class Snapshot:
    download: Download
    jpeg: bytes


def take_snapshot(
    actor: Any, auth: ViewingAuthorisation, segment: Segment, offset: float, *, now: datetime | None = None
) -> Snapshot:
    """The frame `offset` seconds into `segment` as a JPEG, logged (Appendix I) and audited (16).

    PermissionDenied (audited by open_segment) when `actor` may not view the segment under `auth` now;
    PolicyRefusal when the offset names no frame of it."""
    now = now or timezone.now()
    mp4 = viewing.open_segment(actor, auth, segment, now)
    if auth.decided_by_id is None or auth.decided_at is None:
        raise PermissionDenied("9.2: this authorisation has no recorded decision")
    if not math.isfinite(offset) or not 0 <= offset <= segment.duration_ms / 1000:
        raise PolicyRefusal("9.5: that moment is not inside the segment shown")
    try:
        frame = still(mp4, offset)
    except NoSuchFrame as error:
        raise PolicyRefusal(f"9.5: no frame can be taken there: {error}") from error
    with transaction.atomic():
        download = Download.objects.create(
            school_id=auth.school_id,
            kind=Kind.SNAPSHOT,
            authorisation=auth,
            authorised_by_id=auth.decided_by_id,
            authorised_at=auth.decided_at,
            downloaded_at=now,
            reason_category=auth.reason_category,
            reason=auth.reason,
            requested_by=actor,
            camera_id=segment.camera_id,
            frame_at=segment.start + timedelta(seconds=frame.offset),
            sha256=hashlib.sha256(frame.jpeg).hexdigest(),
        )
        record(
            SNAPSHOT_DOWNLOADED,
            actor=actor,
            school=auth.school,
            obj=download,
            reason=auth.get_reason_category_display(),
            details={
                "authorisation": auth.pk,
                "camera": segment.camera_id,
                "camera_name": segment.camera.name,
                "segment": str(segment.pk),
                "frame_at": download.frame_at.isoformat(),
                "sha256": download.sha256,
                "size": [frame.width, frame.height],
            },
        )
    return Snapshot(download, frame.jpeg)
