"""Live view (8.1, 8.2): approved live viewers watch a camera as it records, with no transcoding.

A live stream opens the camera's sub stream (the main one where it has none) with PyAV and remuxes it —
stream copy, nothing decoded — into fragmented MP4 (`frag_keyframe+empty_moov+default_base_moof` and a
`frag_duration` of LIVE_FRAGMENT_US, so a fragment is at most half a second of video), sent chunk by chunk
in a streaming response that the browser appends to a MediaSource (live.js).

Only cameras that are active and whose gates allow recording (recording.recorder.recording_problems: 5.1–5.4,
6.1, 7.1, 13.1) are shown. A camera with privacy zones (5.3) is never shown unmasked: masking it live would
need a decode and encode per viewer, so live view of it is refused for now (design/viewing.md).

Every session is audited (16): `viewing.live_started` when the stream opens, `viewing.live_ended` with its
length when it closes — the client went away, the camera stopped, or the maximum length was reached.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from watchkeeper.audit.services import record
from watchkeeper.compliance.models import Sign
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import require, restrict
from watchkeeper.env import env_int
from watchkeeper.estate.models import Camera, CameraStatus, School
from watchkeeper.recording.recorder import recording_problems
from watchkeeper.recording.segmenter import Merger, Unit

log = logging.getLogger(__name__)

LIVE = "viewing.live"
ZONES_REFUSAL = "5.3: live view of cameras with privacy zones is not available yet"
LIVE_FRAGMENT_US = 400_000  # a fragment holds at most 0.4 s of video: the player waits for no more
FMP4_OPTIONS = {
    "movflags": "frag_keyframe+empty_moov+default_base_moof",
    "frag_duration": str(LIVE_FRAGMENT_US),
    "flush_packets": "1",
}
READ_TIMEOUT_SECONDS = 10
DEFAULT_CODECS = 'video/mp4; codecs="avc1.42e01e"'


def max_seconds() -> int:
    """A live session ends after this many seconds (8.2: nobody watches by leaving a tab open); the page
    offers to start again."""
    name = "WATCHKEEPER_LIVE_MAX_SECONDS"
    return max(1, int(getattr(settings, name, env_int(name, 600))))


# --- which cameras ----------------------------------------------------------------------------------------


def live_problems(camera: Camera, signs: list[Sign] | None = None) -> list[str]:
    """Why this camera may not be watched live now; empty when it may."""
    if signs is None:
        signs = list(Sign.objects.filter(school_id=camera.school_id))
    problems = recording_problems(camera, signs, timezone.localdate())
    if not problems and camera.privacy_zones:
        problems.append(ZONES_REFUSAL)
    return problems


def live_cameras(user: Any) -> QuerySet[Camera]:
    """Active cameras of the schools where `user` may watch live (the gates are checked per camera)."""
    cameras = Camera.objects.filter(status=CameraStatus.ACTIVE).select_related("school", "vehicle")
    return restrict(cameras.prefetch_related("dpias"), user, LIVE).order_by("school__name", "name")


def grid(user: Any, school: School) -> list[tuple[Camera, list[str]]]:
    """(camera, problems) for every active camera of the school: those with problems are listed, not shown."""
    signs = list(Sign.objects.filter(school=school))
    return [(camera, live_problems(camera, signs)) for camera in live_cameras(user).filter(school=school)]


def stream_url(camera: Camera) -> str:
    return camera.sub_stream_url or camera.main_stream_url


# --- the codecs string ------------------------------------------------------------------------------------


def codecs_from_extradata(extradata: bytes | None) -> str:
    """The MIME type for MediaSource.isTypeSupported/addSourceBuffer, from the H.264 parameter sets: an
    avcC record (byte 0 is 1) or Annex-B NAL units (an RTSP camera's sprop-parameter-sets)."""
    data = bytes(extradata or b"")
    sps = b""
    if len(data) >= 4 and data[0] == 1:
        sps = data[1:4]
    else:
        for start in (i for i in range(len(data) - 4) if data[i : i + 3] == b"\x00\x00\x01"):
            if data[start + 3] & 0x1F == 7 and len(data) >= start + 7:
                sps = data[start + 4 : start + 7]
                break
    if len(sps) != 3:
        return DEFAULT_CODECS
    return f'video/mp4; codecs="avc1.{sps.hex()}"'


# --- the stream -------------------------------------------------------------------------------------------


class _Chunks:
    """The muxer's output: what it wrote since the last drain."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: Any) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def open_camera(url: str) -> Any:
    options = {"rtsp_transport": "tcp", "timeout": str(READ_TIMEOUT_SECONDS * 1_000_000)}
    return av.open(url, options=options, timeout=(READ_TIMEOUT_SECONDS * 2, READ_TIMEOUT_SECONDS))


@dataclass
class LiveStream:
    """The body of a live response. Django calls close() when the response is closed (the client went
    away, or the server shuts down), which ends the session even if the body was never read."""

    user: Any
    camera: Camera
    source: Any
    limit: float
    codecs: str
    started: float = 0.0
    ended: bool = False

    def __post_init__(self) -> None:
        self.started = time.monotonic()
        self._body: Generator[bytes, None, None] | None = None

    def __iter__(self) -> Iterator[bytes]:
        self._body = self._chunks()
        return self._body

    def _chunks(self) -> Generator[bytes, None, None]:
        out = _Chunks()
        try:
            stream = self.source.streams.video[0]
            muxer = av.open(out, "w", format="mp4", options=FMP4_OPTIONS)
            try:
                yield from self._remux(stream, muxer, out)
            finally:
                try:
                    muxer.close()
                except Exception:  # noqa: BLE001 - a muxer closed with nothing in it has nothing to flush
                    log.debug("closing an empty live muxer", exc_info=True)
        except Exception as error:  # noqa: BLE001 - a dropped camera stream raises many kinds of error
            log.info("live stream of camera %s ended: %s", self.camera.pk, error)
        finally:
            self.finish()

    def _remux(self, stream: Any, muxer: Any, out: _Chunks) -> Iterator[bytes]:
        target = muxer.add_stream_from_template(stream)
        time_base, merger, base = Fraction(stream.time_base), Merger(), None
        for packet in self.source.demux(stream):
            if time.monotonic() - self.started > self.limit:
                return
            for unit in merger.push(packet, packet.pts, packet.dts, packet.is_keyframe, packet.duration or 0):
                if base is None and not unit.key:
                    continue  # a live picture starts at a key frame
                base = unit.dts if base is None else base
                _mux(muxer, target, unit, base, time_base)
                chunk = out.drain()
                if chunk:
                    yield chunk

    def finish(self) -> None:
        """Close the camera connection and record the session's end, once."""
        if self.ended:
            return
        self.ended = True
        try:
            self.source.close()
        finally:
            seconds = round(time.monotonic() - self.started, 1)
            record(
                "viewing.live_ended",
                actor=self.user,
                school=self.camera.school,
                obj=self.camera,
                details={"camera": self.camera.pk, "camera_name": self.camera.name, "seconds": seconds},
            )

    def close(self) -> None:
        if self._body is not None:
            self._body.close()  # runs the body's finally (which finishes) if it had started
        self.finish()


def _mux(muxer: Any, target: Any, unit: Unit, base: int, time_base: Fraction) -> None:
    packet = unit.payload if isinstance(unit.payload, av.Packet) else av.Packet(unit.payload)
    packet.pts, packet.dts = unit.pts - base, unit.dts - base
    packet.duration, packet.time_base = unit.duration, time_base
    packet.is_keyframe, packet.stream = unit.key, target
    muxer.mux(packet)


class CameraUnreachable(Exception):
    """The camera's stream could not be opened."""


def refuse(user: Any, camera: Camera | None, school: School | None, why: str) -> None:
    """A refused attempt to watch live is itself an audit event (16)."""
    details = {"camera": camera.pk, "camera_name": camera.name} if camera is not None else {}
    record("viewing.live_refused", actor=user, school=school, obj=camera, reason=why, details=details)


def start(user: Any, camera: Camera) -> LiveStream:
    """Open a live session. PermissionDenied without `viewing.live` at the camera's school; PolicyRefusal
    when the camera may not be watched; CameraUnreachable when its stream does not open."""
    require(user, LIVE, camera.school_id)
    problems = live_problems(camera)
    if problems:
        raise PolicyRefusal(problems)
    try:
        source = open_camera(stream_url(camera))
    except Exception as error:  # noqa: BLE001 - any failure to connect
        raise CameraUnreachable(f"the camera's stream did not open: {error}") from error
    try:
        codecs = codecs_from_extradata(source.streams.video[0].codec_context.extradata)
    except Exception:
        source.close()
        raise
    record(
        "viewing.live_started",
        actor=user,
        school=camera.school,
        obj=camera,
        details={"camera": camera.pk, "camera_name": camera.name, "limit_seconds": max_seconds()},
    )
    return LiveStream(user, camera, source, float(max_seconds()), codecs)
