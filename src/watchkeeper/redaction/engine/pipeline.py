"""Propose and render a redaction (policy 10.3, 10.4.1; issue 6 §1).

propose: decode → find where the scene moves → every few frames, detect faces in the moving areas and
around the faces already tracked (and in the whole frame now and then, for faces that never moved) →
bodies for moving faces and for motion no body explains → track → a Proposal (design/redaction.md,
"Pipeline").
render: every track except the kept ones (and every manual box) blurred / pixelated / filled, audio
removed, H.264 MP4 with faststart, written beside the destination and renamed into place. The input is only
ever opened for reading.

Fail safe (10.4.1, "when unsure, blur more"): a low detection threshold, boxes padded at render time, tracks
interpolated between detections, started before their first detection and held after their last, and
"person" tracks for the body under every moving face and for every moving area no body explains.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from watchkeeper.core.clauses import enforces
from watchkeeper.redaction.engine import planes
from watchkeeper.redaction.engine.caption import Caption, burned
from watchkeeper.redaction.engine.detect import detect_faces, nms
from watchkeeper.redaction.engine.motion import Look, Motion, merge
from watchkeeper.redaction.engine.still import Searched, Still
from watchkeeper.redaction.engine.tracker import Tracker
from watchkeeper.redaction.engine.tracks import Box, Proposal, Track, boxes_at

Progress = Callable[[float], None] | None

DETECT_EVERY = 5  # frames between detector runs; tracks are interpolated in between
FULL_LOOK_SECONDS = 4.0  # the whole frame is searched this often, for people who do not move
CROP_PAD = 0.25  # a moving area is searched with this much of its size around it (faces at its edge)
SAMPLE_DECODE_LIMIT = 100  # frames decoded after a seek to reach a background sample (sparse key frames)
MIN_SCALE = 0.5  # big moving areas are searched at half resolution at least
MIN_FACE = 20  # px: the smallest face a moving area is searched for (CenterFace sees ~12 px and up)
MIN_PERSON_AREA = 0.002  # a moving area smaller than this fraction of the frame is not proposed as a person
BODY_WIDTH = 3.0  # a body around a face found moving, in face widths (cut to the moving area) …
BODY_HEIGHT = 7.5  # … and in face heights, from half a face above the face
HEAD_ONLY = 4.0  # a moving area under this many times the area of a face inside it is just that head
# A person track's score says what the motion looked like (issue 16 §2; review groups, services/groups.py):
# a body under a face or a thing that moved (its texture is not the background's, engine/motion.py), a
# thing seen on one detection only (a glimpse: a car's wheel, a branch), or a change of light only (a
# cloud's shadow). All are proposed and redacted alike; only the review's grouping differs.
THING, GLIMPSE, LIGHT = 0.5, 0.4, 0.25
MODES = ("blur", "pixelate", "fill")
PAD = {"face": 0.25, "person": 0.08, "manual": 0.0}  # padding per side at render time, fraction of the box
PRESET, CRF = "veryfast", "20"  # x264: the copy's quality (see design/redaction.md "Speed")


class UnreadableVideo(Exception):
    """The input is not a video we can decode; the message says why in one line."""


@dataclass(frozen=True)
class RenderResult:
    frames: int
    sha256_in: str
    sha256_out: str


def propose(src: Path, *, progress: Progress = None) -> Proposal:
    """Proposed redaction tracks for every face and moving person in `src`."""
    with _open(src) as (container, stream):
        width, height = stream.codec_context.width, stream.codec_context.height
        fps = _fps(stream)
        total = _frame_estimate(stream, fps)
        motion = Motion(width, height)
        background = _background(src, motion.small)
        if background is not None:
            motion.learn(background)
        full_every = max(DETECT_EVERY, round(FULL_LOOK_SECONDS * fps / DETECT_EVERY) * DETECT_EVERY)
        # A face track survives missed detections up to the next full look: a still face is found again
        # there (or by the look at its last place below) and its track is not broken in two.
        faces = Tracker("face", max_gap=full_every + DETECT_EVERY, step=DETECT_EVERY)
        people = Tracker("person", max_gap=int(fps) + DETECT_EVERY, first_id=100_000)
        still, searched = Still(), Searched(motion.scale)
        count = 0
        for index, frame in enumerate(_frames(container, stream, src)):
            count = index + 1
            if index % DETECT_EVERY == 0:
                grey = frame.reformat(
                    width=motion.small[0], height=motion.small[1], format="gray"
                ).to_ndarray()
                moving = motion.regions(grey)
                rgb = frame.to_ndarray(format="rgb24")
                full = index % full_every == 0
                # Look where something moved and where a face was last seen (people also stand still),
                # except around faces that have not changed since they were found: those are carried.
                carried, areas = _carry(still, faces.searches(index), rgb, full)
                # Moving areas unchanged since they were last searched are not searched again.
                fresh = [m for m in moving if full or searched.changed(grey, m)]
                looks = _looks(fresh, areas, width, height)
                found = _faces(rgb, looks, full)
                searched.mark(grey, None if full else looks)
                if carried:
                    found = np.concatenate([found, *carried.values()])
                    found = found[nms(found, 0.3)]
                # A face first found by a full look may have sat still, unseen, since the previous one.
                faces.update(index, found, lead=full_every if full else None)
                _remember(still, faces.found_at(index), set(carried), rgb)
                people.update(index, _people(motion, moving, found))
            if progress and total and index % 25 == 0:
                progress(min(0.99, index / total))
    lead, hold = DETECT_EVERY, full_every  # hold a lost face until a full look could have found it again
    tracks = faces.tracks(count, lead, hold) + people.tracks(count, lead, int(fps), once=GLIMPSE)
    for new_id, track in enumerate(tracks, start=1):  # ids a reviewer can type: 1, 2, 3, …
        track.id = new_id
    if progress:
        progress(1.0)
    return Proposal(width, height, fps, count, tracks)


def _background(src: Path, size: tuple[int, int], samples: int = 15) -> np.ndarray | None:
    """The empty scene, estimated as the median of frames spread over the clip: someone walking through is
    in few of them. None when the clip cannot be sampled (too short, not seekable): the model then learns."""
    pictures = []
    with _open(src) as (container, stream):
        if not stream.duration or not stream.time_base:
            return None
        start = int(stream.start_time or 0)
        for i in range(samples):
            target = start + stream.duration * i // samples
            try:  # a seek lands on the key frame before `target`: decode on to it, but not for long
                container.seek(target, stream=stream)
                frames = itertools.islice(container.decode(stream), SAMPLE_DECODE_LIMIT)
                frame = next(f for f in frames if f.pts is None or f.pts >= target)
            except (av.FFmpegError, StopIteration):
                continue
            pictures.append(frame.reformat(width=size[0], height=size[1], format="gray").to_ndarray())
    if len(pictures) < 5:
        return None
    return np.median(np.stack(pictures).astype(np.float32), axis=0).astype(np.uint8)


def _carry(still: Still, searches: list[tuple[int, np.ndarray]], rgb: np.ndarray, full: bool
           ) -> tuple[dict[int, np.ndarray], list[np.ndarray]]:  # fmt: skip
    """Face tracks whose picture has not changed since their last real detection (carried forward, by track
    id) and the search areas of the others. A full look searches everything: nothing is carried then."""
    still.prune({track_id for track_id, _ in searches})
    if full:
        return {}, [area for _, area in searches]
    carried, areas = {}, []
    for track_id, area in searches:
        row = still.unchanged(track_id, rgb)
        if row is None:
            areas.append(area)
        else:
            carried[track_id] = row[None]
    return carried, areas


def _remember(still: Still, found: dict[int, np.ndarray], carried: set[int], rgb: np.ndarray) -> None:
    for track_id, row in found.items():
        if track_id not in carried:  # a real detection: the picture to compare with from now on
            still.remember(track_id, row, rgb)


def _looks(moving: list[tuple[float, float, float, float]], tracked: list[np.ndarray], width: int,
           height: int) -> list[Look]:  # fmt: skip
    """Parts of the frame to search and at what scale. A moving area of height h may be a lone head (face
    ~h/2) or a whole person (face ~h/7): it is searched at a scale that makes a face of h/8 about 20 px,
    so small moving areas are enlarged (small faces) and big ones shrunk (their faces are big, and the
    area is proposed as a person anyway). Where a face was, it is searched at ~48 px per face."""
    looks = []
    for x, y, w, h in moving:
        x, y, w, h = _pad((x, y, w, h), CROP_PAD, width, height)
        looks.append((x, y, w, h, float(np.clip(8 * MIN_FACE / max(h, 1), MIN_SCALE, 2.0))))
    for x1, y1, x2, y2, face_height in tracked:  # face tracks' search areas
        x, y, w, h = _pad((x1, y1, x2 - x1, y2 - y1), 0.25, width, height)
        looks.append((x, y, w, h, float(np.clip(48 / max(face_height, 1), 0.5, 2.0))))
    return merge([look for look in looks if look[2] > 1 and look[3] > 1])


def _faces(rgb: np.ndarray, looks: list[Look], full: bool) -> np.ndarray:
    if full:
        return detect_faces(rgb)
    # Crops are small: one thread each, run side by side, keeps both cores busy (one whole frame is
    # split across the cores by onnxruntime itself).
    found = list(_pool().map(lambda look: _search(rgb, look), looks))
    if not found:
        return np.empty((0, 5), np.float32)
    boxes = np.concatenate(found)
    return boxes[nms(boxes, 0.3)]  # looks overlap: one face, one detection


def _search(rgb: np.ndarray, look: Look) -> np.ndarray:
    x, y, w, h, scale = look
    x1, y1, x2, y2 = int(x), int(y), int(np.ceil(x + w)), int(np.ceil(y + h))
    crop = rgb[y1:y2, x1:x2]
    if crop.size == 0:
        return np.empty((0, 5), np.float32)
    boxes = detect_faces(crop, scale=scale, threads=1)
    boxes[:, [0, 2]] += x1
    boxes[:, [1, 3]] += y1
    return boxes


@functools.cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)), thread_name_prefix="redaction")


def _people(motion: Motion, moving: list[tuple[float, float, float, float]], faces: np.ndarray) -> np.ndarray:
    """Whole people, as detections (score THING or LIGHT: a judgement from motion and faces, not a person
    detector).

    A face in a moving area stands for a body: below and around the face (about 3 faces wide, from half
    a face above it to 7 below), cut to that moving area; if what is left is little more than the face,
    it is just a head moving and already a face track. Moving pixels that no body explains (someone
    turned away, two people merged into one area) are proposed too, area by area: nothing that moves is
    left out (fail safe, 10.4.1)."""
    bodies, explained = [], []
    for x1, y1, x2, y2, _ in faces:
        fw, fh, cx = x2 - x1, y2 - y1, (x1 + x2) / 2
        area = next(
            (m for m in moving if m[0] <= cx <= m[0] + m[2] and m[1] <= (y1 + y2) / 2 <= m[1] + m[3]), None
        )
        if area is None:
            continue  # a still face: its face track covers it
        bx1, by1 = max(cx - BODY_WIDTH / 2 * fw, area[0]), max(y1 - fh / 2, area[1])
        bx2, by2 = (
            min(cx + BODY_WIDTH / 2 * fw, area[0] + area[2]),
            min(y1 + BODY_HEIGHT * fh, area[1] + area[3]),
        )
        explained.append((bx1, by1, bx2, by2))
        if (bx2 - bx1) * (by2 - by1) >= HEAD_ONLY * fw * fh:
            bodies.append([bx1, by1, bx2, by2, THING])
    min_area = max(6, int(MIN_PERSON_AREA * motion.small[0] * motion.small[1]))
    for (x, y, w, h), thing in motion.unexplained(explained, min_area):
        bodies.append([x, y, x + w, y + h, THING if thing else LIGHT])
    return np.asarray(bodies, np.float32).reshape(-1, 5)


def _pad(
    r: tuple[float, float, float, float], pad: float, w: int, h: int
) -> tuple[float, float, float, float]:
    x, y, bw, bh = r
    px, py = bw * pad + 8, bh * pad + 8
    x1, y1 = max(0.0, x - px), max(0.0, y - py)
    x2, y2 = min(float(w), x + bw + px), min(float(h), y + bh + py)
    return (x1, y1, x2 - x1, y2 - y1)


@enforces("10.3", "10.4.1", "R17", "R23")
def render(
    src: Path,
    dst: Path,
    proposal: Proposal,
    *,
    keep: Collection[int] = (),
    mode: str = "blur",
    manual: Sequence[Track] = (),
    progress: Progress = None,
    caption: Caption | None = None,
) -> RenderResult:
    """Writes the redacted copy of `src` to `dst`: every proposed track not in `keep`, and every manual box,
    distorted by `mode`; no audio; H.264 MP4 (+faststart). With `caption` (frame index, frames per second →
    text), that text is burned into every frame's top-left corner after the distortion, as a working copy
    carries the camera and the time in the picture (9.3)."""
    if mode not in MODES:
        raise ValueError(f"10.4.1: unknown redaction mode {mode!r} (expected one of {', '.join(MODES)})")
    src, dst = Path(src), Path(dst)
    if dst.exists() and dst.resolve() == src.resolve():
        raise ValueError("10.3: the redacted copy cannot overwrite its master")
    unknown = set(keep) - {t.id for t in proposal.tracks if t.kind != "manual"}
    if unknown:
        raise ValueError(f"10.4.1: no proposed track with id {', '.join(map(str, sorted(unknown)))} to keep")
    sha_in = sha256(src)
    by_frame = _boxes_by_frame(proposal, set(keep))
    # Manual tracks are redacted always (a reviewer drew them to hide someone), whether they came in
    # `manual` or inside the proposal (a reviewed tracks file); `keep` never applies to them.
    manual = [t for t in [*manual, *(t for t in proposal.tracks if t.kind == "manual")] if t.boxes]
    if any(t.kind != "manual" for t in manual):
        raise ValueError("10.4.1: manual tracks must have kind 'manual'")
    fd, tmp_name = tempfile.mkstemp(prefix=".redacting-", suffix=".mp4", dir=dst.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        count = _encode(src, tmp, by_frame, manual, mode, proposal, progress, caption)
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)
    if sha256(src) != sha_in:  # cannot happen (read-only), but the report's claim rests on it
        raise RuntimeError("10.3: the master changed while it was being redacted")
    if progress:
        progress(1.0)
    return RenderResult(count, sha_in, sha256(dst))


def _encode(src: Path, tmp: Path, by_frame: dict[int, list[tuple[str, Box]]], manual: Sequence[Track],
            mode: str, proposal: Proposal, progress: Progress, caption: Caption | None) -> int:  # fmt: skip
    count = 0
    with _open(src) as (container, stream):
        fps = _fps(stream)
        total = proposal.frames or _frame_estimate(stream, fps)
        rate = Fraction(fps).limit_denominator(1001)
        with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out:
            video = out.add_stream("libx264", rate=rate)
            # 4:2:0 needs even sides: an odd last row or column is cropped off (never scaled).
            width, height = stream.codec_context.width & ~1, stream.codec_context.height & ~1
            if not width or not height:
                raise UnreadableVideo(f"{src}: the picture is too small to encode")
            video.width, video.height = width, height
            video.pix_fmt = "yuv420p"
            video.options = {"preset": PRESET, "crf": CRF}
            for index, frame in enumerate(_frames(container, stream, src)):
                count = index + 1
                boxes = [(PAD[kind], box) for kind, box in by_frame.get(index, ())]
                boxes += [(PAD["manual"], b) for t in manual for b in boxes_at(t, index)]
                text = caption(index, fps) if caption else None
                if (boxes or text) and planes.editable(frame):  # the decoder's own planes: no conversion
                    new = planes.redacted(frame, boxes, mode, text, distort)
                elif boxes or text or (width, height) != (frame.width, frame.height):
                    image = frame.to_ndarray(format="bgr24")
                    for pad, box in boxes:
                        distort(image, box, pad, mode)
                    if text:  # after the distortion: the caption is never blurred
                        image = burned(image, text)
                    even = np.ascontiguousarray(image[:height, :width], dtype=np.uint8)
                    new = av.VideoFrame.from_ndarray(even, format="bgr24")
                else:
                    new = frame.reformat(format="yuv420p")
                new.pts = index
                new.time_base = 1 / rate
                out.mux(video.encode(new))
                if progress and total and index % 25 == 0:
                    progress(min(0.99, index / total))
            out.mux(video.encode(None))
    return count


def _boxes_by_frame(proposal: Proposal, keep: set[int]) -> dict[int, list[tuple[str, Box]]]:
    by_frame: dict[int, list[tuple[str, Box]]] = defaultdict(list)
    for track in proposal.tracks:
        if track.id in keep or track.kind == "manual":
            continue
        for box in track.boxes:
            by_frame[box.frame].append((track.kind, box))
    return by_frame


@enforces("10.4.1", "R23")
def distort(image: np.ndarray, box: Box, pad: float, mode: str, black: int = 0) -> None:
    """Distorts `box` (padded by `pad` of its size per side) in place so that no one can be identified.
    `image` is a picture or one plane of one (engine/planes.py); "fill" writes `black`."""
    h, w = image.shape[:2]
    px, py = box.w * pad, box.h * pad
    x1, y1 = max(0, int(box.x - px)), max(0, int(box.y - py))
    x2, y2 = min(w, int(np.ceil(box.x + box.w + px))), min(h, int(np.ceil(box.y + box.h + py)))
    if x2 <= x1 or y2 <= y1:
        return
    region = image[y1:y2, x1:x2]
    rh, rw = region.shape[:2]
    if mode == "fill":
        region[:] = black
    elif mode == "pixelate":
        cells = max(1, max(rw, rh) // 6)  # 6 blocks across the padded box: ~4 across the face itself
        small = cv2.resize(region, (max(1, rw // cells), max(1, rh // cells)), interpolation=cv2.INTER_AREA)
        region[:] = cv2.resize(small, (rw, rh), interpolation=cv2.INTER_NEAREST)
    else:
        # Shrink, blur, enlarge: a blur this strong removes what identifies a face and costs little.
        small = cv2.resize(region, (max(1, rw // 8), max(1, rh // 8)), interpolation=cv2.INTER_AREA)
        small = cv2.GaussianBlur(small, (0, 0), sigmaX=max(1.0, min(small.shape[:2]) / 4))
        region[:] = cv2.resize(small, (rw, rh), interpolation=cv2.INTER_LINEAR)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _open:
    """Opens the first video stream of `src` for decoding; any failure is an UnreadableVideo."""

    def __init__(self, src: Path) -> None:
        self.src = Path(src)

    def __enter__(self) -> tuple[av.container.InputContainer, av.VideoStream]:
        if not self.src.is_file():
            raise UnreadableVideo(f"{self.src}: no such file")
        try:
            self.container = av.open(str(self.src), "r")
        except (av.FFmpegError, OSError, UnicodeDecodeError) as error:
            raise UnreadableVideo(f"{self.src}: not a readable video ({_reason(error)})") from error
        if not self.container.streams.video:
            self.container.close()
            raise UnreadableVideo(f"{self.src}: has no video stream")
        stream = self.container.streams.video[0]
        stream.thread_type = "AUTO"
        if not stream.codec_context.width or not stream.codec_context.height:
            self.container.close()
            raise UnreadableVideo(f"{self.src}: the video stream has no picture size")
        return self.container, stream

    def __exit__(self, *exc: object) -> None:
        self.container.close()


def _frames(
    container: av.container.InputContainer, stream: av.VideoStream, src: Path
) -> Iterator[av.VideoFrame]:
    produced = False
    try:
        for frame in container.decode(stream):
            produced = True
            yield frame
    except av.FFmpegError as error:
        raise UnreadableVideo(f"{src}: the video cannot be decoded ({_reason(error)})") from error
    if not produced:
        raise UnreadableVideo(f"{src}: the video stream holds no pictures")


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error).split(":")[0] or type(error).__name__


def _fps(stream: av.VideoStream) -> float:
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    return float(rate) if rate else 25.0


def _frame_estimate(stream: av.VideoStream, fps: float) -> int:
    if stream.frames:
        return int(stream.frames)
    if stream.duration and stream.time_base:
        return int(float(stream.duration * stream.time_base) * fps)
    return 0
