"""Live view (8.1, 8.2): approved live viewers watch a camera as it records.

A live stream opens the camera's sub stream (the main one where it has none) with PyAV and remuxes it —
stream copy, nothing decoded, for a camera without privacy zones — into fragmented MP4
(`frag_keyframe+empty_moov+default_base_moof` and a `frag_duration` of LIVE_FRAGMENT_US, so a fragment is
at most half a second of video), sent chunk by chunk in a streaming response that the browser appends to a
MediaSource (live.js).

Only cameras that are active and whose gates allow recording (recording.recorder.recording_problems: 5.1–5.4,
6.1, 7.1, 13.1) are shown. A camera with privacy zones (5.3) is never shown unmasked: its units go through
the recorder's own zone masker (recording.masking.ZoneMasker: decode, black out the zones, x264 zerolatency)
before the remux, one masker per viewer. The first masked picture is made before the response starts; if
masking does not start, the camera is refused (fail safe: a picture that was not masked is never sent).

Every session is audited (16): `viewing.live_started` when the stream opens, `viewing.live_ended` with its
length when it closes — the client went away, the camera stopped, or the maximum length was reached.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

import av
from django.conf import settings
from django.db.models import QuerySet

from watchkeeper.audit.services import record
from watchkeeper.compliance.models import Sign
from watchkeeper.core.actors import Actor
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, refuse_if
from watchkeeper.core.permissions import require, restrict
from watchkeeper.estate.models import Camera, CameraStatus, School
from watchkeeper.estate.streams import stream_address
from watchkeeper.recording.masking import ZoneMasker
from watchkeeper.recording.recorder import recording_problems
from watchkeeper.recording.segmenter import Merger, Unit

log = logging.getLogger(__name__)

LIVE = "viewing.live"
MASKING_REFUSAL = "5.3: this camera's privacy zones could not be masked, so it is not shown live"
# A masked stream forces a key frame this often: the simulator's (and a typical camera's) GOP. Each viewer's
# encoder starts with one, so it only matters to how far a damaged frame's smear can spread.
MASKED_KEY_SECONDS = 2.0
# Masking must have made its first picture within this long of the camera's first packet (a GOP or two to
# reach a key frame), or the camera is refused rather than shown late or unmasked.
MASKING_START_SECONDS = 10.0
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
    return max(1, int(settings.WATCHKEEPER_LIVE_MAX_SECONDS))


# --- which cameras ----------------------------------------------------------------------------------------


def live_problems(camera: Camera, today: date, signs: list[Sign] | None = None) -> list[str]:
    """Why this camera may not be watched live today; empty when it may."""
    if signs is None:
        signs = list(Sign.objects.filter(school_id=camera.school_id))
    return recording_problems(camera, signs, today)


def live_cameras(user: Actor) -> QuerySet[Camera]:
    """Active cameras of the schools where `user` may watch live (the gates are checked per camera)."""
    cameras = Camera.objects.filter(status=CameraStatus.ACTIVE).select_related("school", "vehicle")
    return restrict(cameras.prefetch_related("dpias"), user, LIVE).order_by("school__name", "name")


def grid(user: Actor, school: School, today: date) -> list[tuple[Camera, list[str]]]:
    """(camera, problems) for every active camera of the school: those with problems are listed, not shown."""
    signs = list(Sign.objects.filter(school=school))
    return [
        (camera, live_problems(camera, today, signs)) for camera in live_cameras(user).filter(school=school)
    ]


def stream_url(camera: Camera) -> str:
    """The address to connect to, its sealed password put back (estate.streams)."""
    return stream_address(camera, "sub") or stream_address(camera, "main")


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


class CameraUnreachable(Exception):
    """The camera's stream could not be opened, or it stopped before its first picture."""


class MaskingFailed(Exception):
    """The zone masker made no picture (5.3): the camera is refused, never shown unmasked."""


def camera_units(source: Any, stream: Any) -> Iterator[Unit]:
    """The camera's access units, from its first key frame (a live picture starts at one; the masker
    waits for one too). A dropped connection ends the iteration by raising CameraUnreachable."""
    merger, started = Merger(), False
    try:
        for packet in source.demux(stream):
            for unit in merger.push(packet, packet.pts, packet.dts, packet.is_keyframe, packet.duration or 0):
                started = started or unit.key
                if started:
                    yield unit
    except Exception as error:  # noqa: BLE001 - a dropped camera stream raises many kinds of error
        raise CameraUnreachable(f"the camera's stream stopped: {error}") from error


def masked_units(units: Iterator[Unit], masker: ZoneMasker, deadline: float) -> Iterator[Unit]:
    """The same units through the recorder's zone masker (5.3): only masked pictures come out. Any failure
    to mask is MaskingFailed (never a fall-back to the camera's own picture); so is no masked picture yet
    by `deadline` (time.monotonic())."""
    made = False
    for unit in units:
        try:
            for masked, _received in masker.push(unit, 0.0):
                made = True
                yield masked
        except Exception as error:
            raise MaskingFailed(str(error) or type(error).__name__) from error
        if not made and time.monotonic() > deadline:
            raise MaskingFailed(f"no masked picture within {MASKING_START_SECONDS:.0f} s")


@dataclass
class LiveStream:
    """The body of a live response. Django calls close() when the response is closed (the client went
    away, or the server shuts down), which ends the session even if the body was never read."""

    user: Actor
    camera: Camera
    source: Any
    limit: float
    codecs: str
    template: Any  # the stream whose codec parameters the output copies: the camera's, or the masker's
    units: Iterator[Unit]
    masker: ZoneMasker | None = None
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
            muxer = av.open(out, "w", format="mp4", options=FMP4_OPTIONS)
            try:
                yield from self._remux(muxer, out)
            finally:
                try:
                    muxer.close()
                except Exception:  # noqa: BLE001 - a muxer closed with nothing in it has nothing to flush
                    log.debug("closing an empty live muxer", exc_info=True)
        except Exception as error:  # noqa: BLE001 - a dropped camera stream raises many kinds of error
            log.info("live stream of camera %s ended: %s", self.camera.pk, error)
        finally:
            self.finish()

    def _remux(self, muxer: Any, out: _Chunks) -> Iterator[bytes]:
        target = muxer.add_stream_from_template(self.template)
        time_base = Fraction(self.source.streams.video[0].time_base)  # the masker keeps the camera's
        base: int | None = None
        for unit in self.units:
            if time.monotonic() - self.started > self.limit:
                return
            if self._encoder_changed():
                return  # the picture size changed: a new encoder, whose parameter sets this header lacks
            base = unit.dts if base is None else base
            _mux(muxer, target, unit, base, time_base)
            chunk = out.drain()
            if chunk:
                yield chunk

    def _encoder_changed(self) -> bool:
        encoder = self.masker.encoder if self.masker is not None else None
        return encoder is not None and encoder.stream is not self.template

    def finish(self) -> None:
        """Close the camera connection and record the session's end, once."""
        if self.ended:
            return
        self.ended = True
        try:
            if self.masker is not None:
                self.masker.close()
            self.source.close()
        finally:
            seconds = round(time.monotonic() - self.started, 1)
            audit_about(
                "viewing.live_ended",
                self.user,
                self.camera,
                camera=self.camera.pk,
                camera_name=self.camera.name,
                seconds=seconds,
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


def refuse(user: Actor, camera: Camera | None, school: School | None, why: str) -> None:
    """A refused attempt to watch live is itself an audit event (16)."""
    details = {"camera": camera.pk, "camera_name": camera.name} if camera is not None else {}
    record("viewing.live_refused", actor=user, school=school, obj=camera, reason=why, details=details)


@enforces("5.3", "8.1", "8.2", "R8")
def start(user: Actor, camera: Camera, today: date) -> LiveStream:
    """Open a live session. PermissionDenied without `viewing.live` at the camera's school; PolicyRefusal
    when the camera may not be watched, or has privacy zones that could not be masked (5.3); CameraUnreachable
    when its stream does not open."""
    require(user, LIVE, camera.school_id)
    refuse_if(live_problems(camera, today))
    try:
        source = open_camera(stream_url(camera))
    except Exception as error:  # noqa: BLE001 - any failure to connect
        raise CameraUnreachable(f"the camera's stream did not open: {error}") from error
    try:
        stream = source.streams.video[0]
        if camera.privacy_zones:
            masker, template, units = _start_masking(camera, source, stream)
        else:
            masker, template, units = None, stream, camera_units(source, stream)
        codecs = codecs_from_extradata(template.codec_context.extradata)
    except Exception:
        source.close()
        raise
    audit_about(
        "viewing.live_started",
        user,
        camera,
        camera=camera.pk,
        camera_name=camera.name,
        limit_seconds=max_seconds(),
        masked_zones=len(camera.privacy_zones or []),
    )
    return LiveStream(user, camera, source, float(max_seconds()), codecs, template, units, masker)


def _start_masking(camera: Camera, source: Any, stream: Any) -> tuple[ZoneMasker, Any, Iterator[Unit]]:
    """The recorder's zone masker on this viewer's connection, run until it has made its first masked
    picture: only then is the encoder's stream (codec parameters, the codecs string) known, and only then is
    it known that masking works. A failure is a refusal (5.3), never an unmasked picture."""
    masker = ZoneMasker(camera.privacy_zones, stream, MASKED_KEY_SECONDS)
    units = masked_units(camera_units(source, stream), masker, time.monotonic() + MASKING_START_SECONDS)
    try:
        first = next(units)
    except StopIteration:
        masker.close()
        raise CameraUnreachable("the camera's stream ended before its first picture") from None
    except MaskingFailed as error:
        masker.close()
        log.warning("camera %s: live masking did not start: %s", camera.pk, error)
        raise PolicyRefusal(f"{MASKING_REFUSAL} ({error})") from error
    except BaseException:
        masker.close()
        raise
    return masker, masker.template, itertools.chain([first], units)
