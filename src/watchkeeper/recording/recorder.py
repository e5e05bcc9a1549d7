"""`watchkeeper record`: stream copy from every camera allowed to record into encrypted segments.

One process, one thread per camera (measurements.md: PyAV in one process uses about a quarter of the
memory of one ffmpeg per camera, and reconnects by itself). No decode, no encode: packets are merged,
cut at key frames, muxed into fragmented MP4 in memory, sealed (crypto.py) and stored (storage.py).
A camera with privacy zones (5.3) is the one exception: its frames are decoded, the zones filled with
black and the result encoded (masking.py) before the same cutting, muxing and sealing.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fractions import Fraction
from typing import Any

import av
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from watchkeeper.compliance.models import Sign
from watchkeeper.compliance.trust import in_service_problems_for
from watchkeeper.core.clauses import enforces
from watchkeeper.estate.models import Camera, CameraStatus
from watchkeeper.estate.services import without_password
from watchkeeper.estate.streams import scheme_problem, stream_address
from watchkeeper.recording import conf, pending
from watchkeeper.recording.crypto import school_key, school_key_id, seal
from watchkeeper.recording.masking import ZoneMasker
from watchkeeper.recording.models import CameraState, StreamState
from watchkeeper.recording.muxer import MP4_OPTIONS, SegmentMuxer
from watchkeeper.recording.pending import DatabaseWatch
from watchkeeper.recording.segmenter import Merger, Segmenter, Unit
from watchkeeper.recording.storage import NewSegment, collect_garbage

log = logging.getLogger(__name__)

__all__ = ["MP4_OPTIONS", "SegmentMuxer", "Supervisor", "recording_problems"]

# A restart gap shorter than this is the recorder's own start-up, not worth a Gap row.
MIN_GAP_SECONDS = 1.0


def to_ms(moment: datetime) -> datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@enforces("7.1", "7.3", "18.1", "R2")
def footage_problems(camera: Camera, signs: Iterable[Sign], today: date) -> list[str]:
    """Why no footage of this camera may be stored now, recorded or imported (7.1, 6.1, 5.1–5.4, 13.1).

    The gates of activation (estate.services.activation_problems_for) for a camera in service, run on data
    that may be loaded in bulk: the camera with its DPIAs prefetched, and its school's signs. The trust's
    setting decides whether an overdue DPIA review or sign check stops it (compliance.trust, 18.1).
    Privacy zones (5.3) stop nothing: they are burned into whatever is stored (masking.py)."""
    if camera.status != CameraStatus.ACTIVE:
        return [f"the camera is {camera.get_status_display().lower()}"]
    return in_service_problems_for(camera, camera.dpias.all(), signs, today)


def recording_problems(camera: Camera, signs: Iterable[Sign], today: date) -> list[str]:
    """Why the recorder must not record this camera now; empty when it may."""
    problems = footage_problems(camera, signs, today)
    if not problems and not camera.main_stream_url:
        problems.append("12.1: the camera has no stream address")
    elif not problems and scheme_problem(camera.main_stream_url):
        # 9.6: an address saved before issue 14 §5 that is not RTSP is never connected to.
        problems.append("9.6: the camera's stream address is not an rtsp:// or rtsps:// address")
    return problems


@dataclass
class OpenSegment:
    muxer: SegmentMuxer
    first_pts: int
    received_at: datetime


class Clock:
    """Maps stream timestamps to server time for one connection.

    The anchor is the smallest (receive time - stream time) seen until the first segment is written: a
    burst of buffered packets at connect time arrives late, prompt packets show the true offset. After
    that it is frozen, so consecutive segments stay exactly contiguous."""

    def __init__(self, time_base: Fraction):
        self.time_base = time_base
        self.seconds_per_tick = float(time_base)
        self.anchor: float | None = None
        self.anchor_pts = 0
        self.frozen = False

    def observe(self, pts: int, received: float) -> None:
        if self.anchor is None:
            self.anchor, self.anchor_pts = received, pts
        elif not self.frozen:
            self.anchor = min(self.anchor, received - (pts - self.anchor_pts) * self.seconds_per_tick)

    def reset(self) -> None:
        self.anchor, self.frozen = None, False

    def wall(self, pts: int) -> datetime:
        assert self.anchor is not None
        seconds = self.anchor + float((pts - self.anchor_pts) * self.time_base)
        return to_ms(datetime.fromtimestamp(seconds, tz=UTC))


@dataclass
class Run:
    """One connection's recording state."""

    stream: Any
    masker: ZoneMasker | None
    container: Any
    segmenter: Segmenter
    clock: Clock
    current: OpenSegment | None = None

    @property
    def template(self) -> Any:
        """The stream each segment copies its codec parameters from: the camera's, or the masker's."""
        return self.stream if self.masker is None else self.masker.template


class CameraWorker(threading.Thread):
    """Records one camera until told to stop; reconnects with back-off and records gaps."""

    def __init__(
        self,
        camera: Camera,
        not_recorded_because: str = "recorder not running",
        last_end: datetime | None = None,
    ):
        super().__init__(name=f"camera-{camera.pk}", daemon=True)
        self.camera = camera
        self.not_recorded_because = not_recorded_because
        # The end of the camera's last stored segment, kept here so that the worker never needs the
        # database to know where a gap starts (the database may be away: pending.py).
        self.last_end = last_end
        self.url = stream_address(camera)
        self.zones = camera.privacy_zones or []
        self.stop_event = threading.Event()
        self.state = StreamState.CONNECTING
        self.since = timezone.now()
        self.detail = ""
        self.segments_written = 0
        self.gap_start: datetime | None = None
        self.gap_reason = ""

    # --- the thread ---

    def stop(self) -> None:
        self.stop_event.set()

    def run(self) -> None:
        try:
            if self.last_end is not None:
                self.gap_start, self.gap_reason = self.last_end, self.not_recorded_because
            backoff = 1.0
            while not self.stop_event.is_set():
                recorded = self._connect_and_record()
                if self.stop_event.is_set():
                    break
                if recorded:
                    backoff = 1.0
                self._set_state(StreamState.RECONNECTING, self.detail)
                self.stop_event.wait(backoff)
                backoff = min(backoff * 2, conf.max_backoff_seconds())
        except Exception:  # the thread must never die silently: the supervisor restarts it
            log.exception("camera %s: recorder thread failed", self.camera.pk)
            self.detail = "recorder thread failed"
        finally:
            connection.close()

    def _connect_and_record(self) -> bool:
        """One connection. True when at least one segment was written."""
        timeout = conf.read_timeout_seconds()
        options = {"rtsp_transport": "tcp", "timeout": str(timeout * 1_000_000)}
        written_before = self.segments_written
        try:
            container = av.open(self.url, options=options, timeout=(timeout * 2, timeout))
        except Exception as error:  # noqa: BLE001 - any failure to connect means: try again later
            self.detail = f"cannot connect: {_describe(error)}"
            return False
        try:
            self._record(container)
            if not self.stop_event.is_set():
                self.detail = "stream ended"
        except Exception as error:  # noqa: BLE001 - a dropped stream raises many kinds of error
            self.detail = f"stream lost: {_describe(error)}"
        finally:
            container.close()
        if self.gap_start is None or self.segments_written > written_before:
            self.gap_reason = self.detail
        return self.segments_written > written_before

    def _record(self, container: Any) -> None:
        stream = container.streams.video[0]
        time_base = Fraction(stream.time_base)
        merger, segmenter, clock = Merger(), Segmenter(time_base, conf.segment_seconds()), Clock(time_base)
        # 5.3: with privacy zones every frame is masked and re-encoded before it is cut and stored.
        masker = ZoneMasker(self.zones, stream, conf.segment_seconds()) if self.zones else None
        run = Run(stream, masker, container, segmenter, clock)
        try:
            for packet in container.demux(stream):
                if self.stop_event.is_set():
                    break
                received = time.time()
                for unit in merger.push(
                    packet, packet.pts, packet.dts, packet.is_keyframe, packet.duration or 0
                ):
                    self._take(run, unit, received)
            for unit in merger.flush():
                self._take(run, unit, time.time())
            if masker is not None:
                for unit, received in masker.flush():
                    run.current = self._handle(unit, received, run)
        finally:
            end = segmenter.finish()
            if run.current is not None and end is not None:
                self._close(run.current, end, clock, container)
            if masker is not None:
                masker.close()

    def _take(self, run: Run, unit: Unit, received: float) -> None:
        if run.masker is None:
            run.current = self._handle(unit, received, run)
            return
        for masked, at in run.masker.push(unit, received):
            run.current = self._handle(masked, at, run)

    def _handle(self, unit: Unit, received: float, run: Run) -> OpenSegment | None:
        segmenter, clock, container, current = run.segmenter, run.clock, run.container, run.current
        decision = segmenter.accept(unit)
        if decision.cut is not None and current is not None:
            self._close(current, decision.cut, clock, container)
            current = None
        if decision.restart:
            clock.reset()
        if not decision.take:
            return current
        clock.observe(unit.pts, received)
        if decision.start:
            if self.state != StreamState.RECORDING:
                self._set_state(StreamState.RECORDING, "")
            at = datetime.fromtimestamp(received, tz=UTC)
            return OpenSegment(SegmentMuxer(run.template, clock.time_base, unit), unit.pts, at)
        if current is not None:
            current.muxer.add(unit)
        return current

    def _close(self, current: OpenSegment, end_pts: int, clock: Clock, container: Any) -> None:
        start, end = clock.wall(current.first_pts), clock.wall(end_pts)
        clock.frozen = True
        try:
            self._store(current, start, end, clock, container)
        except Exception as error:  # noqa: BLE001 - e.g. disk full: keep recording, record the loss
            log.exception("camera %s: segment %s–%s could not be stored", self.camera.pk, start, end)
            self.detail = f"segment lost: {_describe(error)}"
            try:
                pending.save_gap(self.camera.pk, start, end, self.detail)
            except Exception:  # noqa: BLE001 - the disk itself may be what failed
                log.exception("camera %s: the gap could not be recorded either", self.camera.pk)
            return
        self.segments_written += 1
        self.last_end = end
        self._record_gap(start)

    def _store(
        self, current: OpenSegment, start: datetime, end: datetime, clock: Clock, container: Any
    ) -> None:
        plaintext = current.muxer.close()
        segment_id = uuid.uuid4()
        key_id = school_key_id(self.camera.school_id)
        sealed = seal(plaintext, segment_id, key_id, school_key(key_id))
        del plaintext
        new = NewSegment(
            id=segment_id,
            camera_id=self.camera.pk,
            school_id=self.camera.school_id,
            start=start,
            end=end,
            received_at=current.received_at,
            clock_offset_ms=_clock_offset_ms(container, current.first_pts, clock),
        )
        close_old_connections()
        pending.store(new, sealed)  # indexed now, or kept as pending while the database is away

    def _record_gap(self, resumed_at: datetime) -> None:
        if self.gap_start is not None and (resumed_at - self.gap_start).total_seconds() >= MIN_GAP_SECONDS:
            pending.save_gap(self.camera.pk, self.gap_start, resumed_at, self.gap_reason or "stream lost")
        self.gap_start = None

    def _set_state(self, state: str, detail: str) -> None:
        if state != self.state:
            self.state, self.since = StreamState(state), timezone.now()
        self.detail = detail
        if state == StreamState.RECONNECTING and self.gap_start is None:
            self.gap_start = self.last_end or timezone.now()


def _clock_offset_ms(container: Any, pts: int, clock: Clock) -> int | None:
    """Camera clock minus server clock, from the stream's RTCP sender reports, where it has them (9.3)."""
    realtime = getattr(container, "start_time_realtime", None)
    if not realtime:
        return None
    camera_seconds = realtime / 1_000_000 + float(pts * clock.time_base)
    return round((camera_seconds - clock.wall(pts).timestamp()) * 1000)


def _what_changed(camera: Camera, worker: CameraWorker) -> str:
    """Why a running worker must give way to a new one. New privacy zones (5.3) take effect within one
    poll: the worker ends (storing what it recorded under the old zones) and the next masks the new ones."""
    if stream_address(camera) != worker.url:
        return "the stream address changed"
    if (camera.privacy_zones or []) != worker.zones:
        return "the privacy zones changed (5.3)"
    return ""


def _describe(error: Exception) -> str:
    return without_password(str(error))[:200] or type(error).__name__


def announce_start(now: datetime) -> None:
    """Say that the recorder is starting: every camera it may record is "connecting" from `now`.

    Called by the recorder before its start-up work (adopting pending segments, collecting garbage) and by
    `watchkeeper up` before it starts the recorder, so the minute's health check does not read the state
    the last run left (offline since last night, or none on a new install) and raise a false "no new
    recording" or "stream down" alert while the recorder is still starting (12.1, issue 15 §5). If the
    recorder never gets going, the state goes stale after STALE_SECONDS and the alerts follow as before."""
    cameras = Camera.objects.filter(status=CameraStatus.ACTIVE).values_list("pk", flat=True)
    fields = {"state": StreamState.CONNECTING, "since": now, "detail": "recorder starting", "updated_at": now}
    with transaction.atomic():
        for camera_id in cameras:
            CameraState.objects.update_or_create(camera_id=camera_id, defaults=fields)


class Supervisor:
    """Keeps one worker per camera that may record; stops the others within one poll (≤ 10 s)."""

    def __init__(self) -> None:
        self.workers: dict[int, CameraWorker] = {}
        self.stopping: list[CameraWorker] = []
        self.refused: dict[int, str] = {}
        self.refused_before: dict[int, str] = {}  # why a camera was not recorded earlier in this run
        self.database = DatabaseWatch()

    def run(self, stop: threading.Event) -> None:
        self.database.attempt(lambda: announce_start(timezone.now()))
        # We hold the recorder lock, so no reservation is live: segments left pending by an earlier run
        # are adopted first (they must never be collected as garbage), then leftovers are collected.
        while not stop.is_set() and not self.database.attempt(self._start):
            stop.wait(self.database.backoff())
        try:
            while not stop.is_set():
                # While the database is away the workers keep recording to disk (pending.py); the poll is
                # retried with back-off and, once it gets through, what was recorded meanwhile is adopted.
                ok = self.database.attempt(self._tick)
                stop.wait(conf.camera_poll_seconds() if ok else self.database.backoff())
        finally:
            self.stop_all()

    def _start(self) -> None:
        self.database.adopted(pending.adopt(writers_active=False))
        collect_garbage(include_writing=True)

    def _tick(self) -> None:
        if pending.waiting():
            self.database.adopted(pending.adopt(writers_active=True))
        self.poll()

    def poll(self) -> None:
        close_old_connections()
        allowed = self._allowed_cameras()
        for camera_id, worker in list(self.workers.items()):
            wanted = allowed.get(camera_id)
            changed = _what_changed(wanted, worker) if wanted is not None else ""
            if wanted is None or changed:
                worker.stop()  # it finishes the segment in flight, then ends
                self.stopping.append(worker)
                del self.workers[camera_id]
                if changed:
                    self.refused_before[camera_id] = f"restarted: {changed}"
            elif not worker.is_alive():
                del self.workers[camera_id]  # died: started again below
        self.stopping = [w for w in self.stopping if w.is_alive()]
        finishing = {w.camera.pk for w in self.stopping}
        for camera_id, camera in allowed.items():
            # A restarted camera's new worker waits (a poll) for the old one to store its last segment,
            # so the gap between them is measured from that segment's end.
            if camera_id not in self.workers and camera_id not in finishing:
                why = self.refused_before.get(camera_id, "recorder not running")
                last_end = camera.segments.order_by("-end").values_list("end", flat=True).first()
                self.refused_before.pop(camera_id, None)
                self.workers[camera_id] = CameraWorker(camera, why, last_end)
                self.workers[camera_id].start()
        self.publish()

    def _allowed_cameras(self) -> dict[int, Camera]:
        allowed: dict[int, Camera] = {}
        self.refused_before.update({k: f"not allowed to record: {v}"[:300] for k, v in self.refused.items()})
        self.refused = {}
        today = timezone.localdate()
        signs: dict[int, list[Sign]] = defaultdict(list)
        for sign in Sign.objects.all():
            signs[sign.school_id].append(sign)
        cameras = Camera.objects.exclude(status=CameraStatus.DECOMMISSIONED).prefetch_related("dpias")
        for camera in cameras:
            problems = recording_problems(camera, signs[camera.school_id], today)
            if problems:
                self.refused[camera.pk] = "; ".join(problems)
            else:
                allowed[camera.pk] = camera
        return allowed

    def publish(self) -> None:
        now = timezone.now()
        states = {cid: (w.state, w.since, w.detail) for cid, w in self.workers.items()}
        states.update({cid: (StreamState.NOT_ALLOWED, now, why) for cid, why in self.refused.items()})
        existing = {s.camera_id: s for s in CameraState.objects.filter(camera_id__in=states)}
        with transaction.atomic():
            for camera_id, (state, since, detail) in states.items():
                row = existing.get(camera_id)
                if row is None or row.state != state or row.detail != detail[:300]:
                    since = since if row is None or row.state != state else row.since
                    CameraState.objects.update_or_create(
                        camera_id=camera_id,
                        defaults={"state": state, "since": since, "detail": detail[:300], "updated_at": now},
                    )
            CameraState.objects.filter(camera_id__in=states).update(updated_at=now)

    def stop_all(self) -> None:
        everyone = [*self.workers.values(), *self.stopping]
        for worker in everyone:
            worker.stop()
        deadline = time.monotonic() + 15
        for worker in everyone:
            worker.join(timeout=max(0.1, deadline - time.monotonic()))
        still_writing = any(worker.is_alive() for worker in everyone)
        # If the database is still away, the next start adopts what is pending.
        self.database.attempt(lambda: self._last_words(still_writing))

    def _last_words(self, still_writing: bool) -> None:
        self.database.adopted(pending.adopt(writers_active=still_writing))
        CameraState.objects.filter(camera_id__in=list(self.workers)).update(
            state=StreamState.OFFLINE,
            since=timezone.now(),
            detail="recorder stopped",
            updated_at=timezone.now(),
        )
