"""Pure rules of viewing (no I/O, the clock passed in): what an authorisation covers (9.2), whether held
footage may be shown (9.6), HTTP byte ranges, where a segment's MP4 initialisation ends, the HLS playlist.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from watchkeeper.core.clauses import enforces
from watchkeeper.estate.models import Camera

APPROVED = "approved"  # models.Status.APPROVED


@dataclass(frozen=True)
class AuthorisationTerms:
    status: str
    camera_ids: frozenset[int]
    start: datetime
    end: datetime
    expires_at: datetime | None


@enforces("9.2", "R9")
def why_not_current(auth: AuthorisationTerms, now: datetime) -> str | None:
    """None when `auth` is approved and unexpired at `now`; otherwise why not (9.2)."""
    if auth.status != APPROVED:
        return "9.2: this request has not been approved by the Headteacher or a designated person"
    if auth.expires_at is None or now >= auth.expires_at:
        return "9.2: this authorisation has expired — ask again if the footage is still needed"
    return None


@enforces("9.2", "R9")
def why_not_covered(
    auth: AuthorisationTerms, camera_id: int, start: datetime, end: datetime, now: datetime
) -> str | None:
    """None when `auth` lets its requester see footage of `camera_id` from `start` to `end` at `now`;
    otherwise the reason, naming its clause. Only whole segments inside the window are shown: a segment
    reaching outside it would show moments nobody authorised."""
    problem = why_not_current(auth, now)
    if problem is not None:
        return problem
    if camera_id not in auth.camera_ids:
        return "9.2: this authorisation does not cover that camera"
    if not (auth.start <= start < end <= auth.end):
        return "9.2: that footage is outside the authorised time window"
    return None


def authorisation_covers(
    auth: AuthorisationTerms, camera_id: int, start: datetime, end: datetime, now: datetime
) -> bool:
    return why_not_covered(auth, camera_id, start, end, now) is None


# --- The cameras' purposes (4.1, 9.4) ---------------------------------------------------------------------

# Which purposes of 4.1 each kind of reason (9.4) serves. A camera is there for its own purposes: footage
# seen for a reason none of them covers needs the requester's recorded reason (purpose limitation, UK GDPR
# Art 5(1)(b)). Subject access and disclosure reviews are absent: a data subject's right is not a use of the
# footage, and a disclosure is checked against the cameras' purposes by the disclosures app (11.2).
REASON_PURPOSES: dict[str, frozenset[str]] = {
    "criminal_activity": frozenset({"4.1.2", "4.1.3", "4.1.4"}),  # crime, loss or damage, site security
    "safeguarding": frozenset({"4.1.1"}),  # a safe and secure environment for pupils
    "misconduct": frozenset({"4.1.1"}),  # conduct bearing on a safe environment for pupils and staff
    "risk_to_others": frozenset({"4.1.1"}),
}


@enforces("4.1", "9.4", "R1")
def cameras_outside_purposes(cameras: Iterable[Camera], category: str) -> list[Camera]:
    """The cameras whose purposes the kind of reason falls outside; empty for a kind checked elsewhere."""
    served = REASON_PURPOSES.get(category)
    if served is None:
        return []
    return [camera for camera in cameras if not served & set(camera.purposes)]


# --- HTTP byte ranges (RFC 9110 §14) ----------------------------------------------------------------------


class RangeNotSatisfiable(ValueError):
    """The range starts beyond the end of the file: answer 416."""


MAX_POSITION_DIGITS = 20  # past any file size


def _is_position(text: str) -> bool:
    return len(text) <= MAX_POSITION_DIGITS and text.isascii() and text.isdigit()


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The (first, last) byte asked for, inclusive; None means send the whole file (no header, a header
    we do not understand, or several ranges — a server may ignore Range)."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first_text, dash, last_text = header[len("bytes=") :].strip().partition("-")
    if not dash or not (first_text or last_text):
        return None
    # ASCII digits only, and not absurdly many: str.isdigit() accepts "²", which int() refuses, and int()
    # refuses over 4,300 digits; either would be a server error (found by tests/properties, issue 14 §6).
    if not all(_is_position(text) for text in (first_text, last_text) if text):
        return None
    if not first_text:  # "bytes=-N": the last N bytes
        if int(last_text) == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return max(0, size - int(last_text)), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if first >= size:
        raise RangeNotSatisfiable(header)
    if last < first:
        return None
    return first, min(last, size - 1)


# --- MP4 boxes --------------------------------------------------------------------------------------------


def init_length(mp4: bytes) -> int:
    """Where the initialisation section (ftyp + moov) of a fragmented MP4 ends: the offset of the first
    top-level `moof` box. Each recorded segment is a self-contained fragmented MP4 (design/recording.md)."""
    offset = 0
    while offset + 8 <= len(mp4):
        size, kind = struct.unpack_from(">I4s", mp4, offset)
        if kind == b"moof":
            return offset
        if size == 1:
            (size,) = struct.unpack_from(">Q", mp4, offset + 8)
        elif size == 0:
            break
        if size < 8:
            break
        offset += size
    raise ValueError("not a fragmented MP4: no moof box at the top level")


# --- HLS --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaylistEntry:
    start: datetime
    end: datetime
    init_url: str
    media_url: str


def hls_playlist(entries: Sequence[PlaylistEntry]) -> str:
    """A VOD playlist (RFC 8216) over the segments' fragmented MP4. Each segment is self-contained with
    timestamps starting at zero, so each gets its own EXT-X-MAP and, after the first, a discontinuity;
    EXT-X-PROGRAM-DATE-TIME gives its recorded (UTC) time."""
    longest = max((_seconds(e) for e in entries), default=1.0)
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:7",
        f"#EXT-X-TARGETDURATION:{max(1, math.ceil(longest))}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXT-X-INDEPENDENT-SEGMENTS",
    ]
    for index, entry in enumerate(entries):
        if index:
            lines.append("#EXT-X-DISCONTINUITY")
        lines += [
            f"#EXT-X-PROGRAM-DATE-TIME:{_iso(entry.start)}",
            f'#EXT-X-MAP:URI="{entry.init_url}"',
            f"#EXTINF:{_seconds(entry):.3f},",
            entry.media_url,
        ]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def _seconds(entry: PlaylistEntry) -> float:
    return (entry.end - entry.start).total_seconds()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def epoch_ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)


def timeline(
    spans: Iterable[tuple[datetime, datetime]], start: datetime, end: datetime
) -> list[dict[str, float]]:
    """Each span as left and width in percent of the window, for the timeline bar."""
    length = (end - start).total_seconds() or 1.0
    return [
        {
            "left": round(100 * (s - start).total_seconds() / length, 4),
            "width": round(100 * (e - s).total_seconds() / length, 4),
        }
        for s, e in spans
    ]
