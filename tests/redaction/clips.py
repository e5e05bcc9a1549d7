"""Labelled test clips for redaction (issue 6 §4): real photographs that ship inside PyPI packages
(scikit-image's astronaut, matplotlib's Grace Hopper) pasted moving over a static textured scene with
sensor noise, like a CCTV camera: heads of 20-200 px (some partly hidden) and a few whole people (upper
bodies) walking. Every frame's true face and person boxes are known.

Used by tests/redaction (small clips) and bench/redaction.py (a 720p clip).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

XYWH = tuple[float, float, float, float]

# Face boxes in the source photographs (x1, y1, x2, y2), found once with CenterFace and checked by eye.
FACE_IN_PHOTO = {"astronaut": (182, 58, 270, 178), "hopper": (175, 132, 357, 336)}


@functools.cache
def photo(name: str) -> np.ndarray:
    """An RGB photograph shipped inside a PyPI package (dev dependencies)."""
    if name == "astronaut":
        import skimage.data

        return np.ascontiguousarray(skimage.data.astronaut()[:, :, :3])
    import matplotlib.cbook
    from PIL import Image

    with matplotlib.cbook.get_sample_data("grace_hopper.jpg") as f:
        return np.asarray(Image.open(f).convert("RGB"))


@dataclass
class Actor:
    """A photograph crossing the scene: a head (kind "face") or an upper body (kind "person")."""

    id: int
    kind: str
    photo: str
    size: float  # face width in pixels for heads, patch height for people
    start: tuple[float, float]  # top-left of the patch at the first frame
    end: tuple[float, float]
    first: int
    last: int
    hidden: float = 0.0  # fraction of the face covered (from its lower edge) by a grey bar

    def patch(self) -> tuple[np.ndarray, XYWH]:
        """The pasted image and the face box inside it (x, y, w, h in patch pixels)."""
        image = photo(self.photo)
        x1, y1, x2, y2 = FACE_IN_PHOTO[self.photo]
        if self.kind == "face":  # the head with a margin of its photo around it
            mx, my = (x2 - x1) * 0.35, (y2 - y1) * 0.3
            cx1, cy1 = int(max(0, x1 - mx)), int(max(0, y1 - my))
            cx2, cy2 = int(min(image.shape[1], x2 + mx)), int(min(image.shape[0], y2 + my))
            scale = self.size / (x2 - x1)
        else:
            cx1, cy1, cx2, cy2 = 0, 0, image.shape[1], image.shape[0]
            scale = self.size / image.shape[0]
        crop = image[cy1:cy2, cx1:cx2]
        w, h = max(2, round(crop.shape[1] * scale)), max(2, round(crop.shape[0] * scale))
        patch = cv2.resize(crop, (w, h), interpolation=cv2.INTER_AREA)
        return patch, ((x1 - cx1) * scale, (y1 - cy1) * scale, (x2 - x1) * scale, (y2 - y1) * scale)

    def at(self, frame: int) -> tuple[float, float] | None:
        if not self.first <= frame <= self.last:
            return None
        t = (frame - self.first) / max(1, self.last - self.first)
        return (
            self.start[0] + (self.end[0] - self.start[0]) * t,
            self.start[1] + (self.end[1] - self.start[1]) * t,
        )


@dataclass
class Clip:
    path: Path
    width: int
    height: int
    fps: int
    frames: int
    actors: list[Actor]
    faces: dict[int, list[tuple[int, XYWH]]] = field(default_factory=dict)  # frame → (actor id, face box)
    people: dict[int, list[tuple[int, XYWH]]] = field(default_factory=dict)  # frame → (actor id, body box)

    def face_box(self, actor_id: int, frame: int) -> XYWH | None:
        return next((box for i, box in self.faces.get(frame, []) if i == actor_id), None)


def scene(width: int, height: int) -> np.ndarray:
    """A static textured background without faces: scikit-image's brick wall, tinted, with a floor."""
    import skimage.data

    brick = skimage.data.brick()
    reps = (math.ceil(height / brick.shape[0]), math.ceil(width / brick.shape[1]))
    wall = np.tile(brick, reps)[:height, :width].astype(np.float32)
    rgb = np.stack([wall * 0.9, wall * 0.75, wall * 0.6], axis=2)
    rgb[int(height * 0.8) :] = rgb[int(height * 0.8) :] * 0.5 + 40
    return cv2.GaussianBlur(rgb, (0, 0), 1.0).clip(0, 255).astype(np.uint8)


def make_clip(path: Path, actors: list[Actor], *, width: int = 640, height: int = 360, fps: int = 25,
              seconds: float = 3.0, audio: bool = True, seed: int = 7) -> Clip:  # fmt: skip
    """Writes an H.264 MP4 (with an AAC tone when `audio`) and returns it with its ground truth."""
    frames = round(seconds * fps)
    clip = Clip(Path(path), width, height, fps, frames, actors)
    background = scene(width, height)
    patches = {a.id: a.patch() for a in actors}
    rng = np.random.default_rng(seed)
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "ultrafast", "crf": "16"}
        video.codec_context.gop_size = fps  # a key frame a second, as CCTV cameras send
        sound = out.add_stream("aac", rate=16000) if audio else None
        for index in range(frames):
            image = background.copy()
            owner = np.zeros((height, width), np.int32)  # which actor each pixel shows (0: the scene)
            for actor in actors:
                _paste(image, owner, actor, patches[actor.id], index, clip)
            _drop_hidden(clip, owner, index)
            noise = rng.normal(0, 2.0, image.shape)  # sensor noise: a real camera is never perfectly still
            image = (image + noise).clip(0, 255).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if sound is not None:
            _tone(out, sound, seconds)
    return clip


def _paste(image: np.ndarray, owner: np.ndarray, actor: Actor, patch: tuple[np.ndarray, XYWH], index: int,
           clip: Clip) -> None:  # fmt: skip
    where = actor.at(index)
    if where is None:
        return
    pixels, (fx, fy, fw, fh) = patch
    x, y = round(where[0]), round(where[1])
    h, w = pixels.shape[:2]
    H, W = image.shape[:2]
    x1, y1, x2, y2 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x2 <= x1 or y2 <= y1:
        return
    image[y1:y2, x1:x2] = pixels[y1 - y : y2 - y, x1 - x : x2 - x]
    owner[y1:y2, x1:x2] = actor.id
    face = _clip_box((x + fx, y + fy, fw, fh), W, H)
    if actor.hidden:
        top = round(y + fy + fh * (1 - actor.hidden))
        image[
            max(0, top) : max(0, min(H, round(y + fy + fh) + 4)),
            max(0, round(x + fx - 4)) : min(W, round(x + fx + fw + 4)),
        ] = 128
    if face is not None and _visible(face, (x + fx, y + fy, fw, fh)):
        clip.faces.setdefault(index, []).append((actor.id, face))
    if actor.kind == "person":
        body = _clip_box((float(x), float(y), float(w), float(h)), W, H)
        if body is not None:
            clip.people.setdefault(index, []).append((actor.id, body))


def _drop_hidden(clip: Clip, owner: np.ndarray, index: int) -> None:
    """Labels of faces and people that later actors hide (more than half of the box) are not ground truth."""
    for truth in (clip.faces, clip.people):
        if index in truth:
            truth[index] = [(i, box) for i, box in truth[index] if _shown(owner, i, box) >= 0.5]


def _shown(owner: np.ndarray, actor_id: int, box: XYWH) -> float:
    x, y, w, h = (round(v) for v in box)
    region = owner[y : y + h, x : x + w]
    return float((region == actor_id).mean()) if region.size else 0.0


def _clip_box(box: XYWH, W: int, H: int) -> XYWH | None:
    x, y, w, h = box
    x1, y1, x2, y2 = max(0.0, x), max(0.0, y), min(float(W), x + w), min(float(H), y + h)
    return (x1, y1, x2 - x1, y2 - y1) if x2 > x1 and y2 > y1 else None


def _visible(inside: XYWH, whole: XYWH) -> bool:
    """A face counts when at least half of it is in the picture (a sliver at the edge identifies no one)."""
    return inside[2] * inside[3] >= 0.5 * whole[2] * whole[3]


def _tone(out: av.container.OutputContainer, sound: av.AudioStream, seconds: float) -> None:
    rate = 16000
    samples = int(seconds * rate)
    wave = (0.2 * np.sin(2 * np.pi * 440 * np.arange(samples) / rate)).astype(np.float32)
    for start in range(0, samples, 1024):
        chunk = wave[start : start + 1024]
        frame = av.AudioFrame.from_ndarray(chunk[None, :], format="flt", layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        out.mux(sound.encode(frame))
    out.mux(sound.encode(None))


def small_clip(path: Path, *, audio: bool = True) -> Clip:
    """3 s of 640×360 with audio: two heads moving (60 px; 28 px and a quarter hidden), a still head (44 px)
    and a person walking in at frame 10, kept apart so each face's pixels can be checked on their own.
    Track ids of a proposal are not actor ids: match them by overlap."""
    actors = [
        Actor(1, "face", "astronaut", 60, (20, 10), (300, 20), 0, 74),
        Actor(2, "face", "hopper", 28, (590, 150), (440, 150), 0, 74, hidden=0.25),
        Actor(3, "face", "hopper", 44, (540, 20), (540, 20), 0, 74),
        Actor(4, "person", "astronaut", 150, (-40, 205), (330, 205), 10, 74),
    ]
    return make_clip(path, actors, width=640, height=360, fps=25, seconds=3.0, audio=audio)


def bench_clip(path: Path, *, seconds: float = 20.0, seed: int = 11) -> Clip:
    """A 720p clip for the benchmark: heads of 20-200 px entering, crossing and leaving at various speeds,
    some partly hidden, some standing still, and whole people walking across."""
    rng = np.random.default_rng(seed)
    fps, width, height = 25, 1280, 720
    frames = round(seconds * fps)
    actors: list[Actor] = []
    sizes = [20, 24, 28, 32, 40, 48, 60, 80, 100, 130, 160, 200]
    for i in range(12):
        size = sizes[i % len(sizes)]
        first = int(rng.integers(0, frames // 2))
        last = min(frames - 1, first + int(rng.integers(fps * 3, fps * 10)))
        x0, y0 = rng.uniform(0, width - size * 2), rng.uniform(0, height * 0.75 - size * 2)
        still = i % 5 == 0
        x1 = x0 if still else float(rng.uniform(0, width - size * 2))
        y1 = y0 if still else float(np.clip(y0 + rng.uniform(-80, 80), 0, height * 0.75 - size * 2))
        hidden = 0.3 if i % 4 == 1 else 0.0
        who = "astronaut" if i % 2 else "hopper"
        actors.append(Actor(i + 1, "face", who, size, (x0, y0), (x1, y1), first, last, hidden))
    for j in range(3):
        size = float(rng.uniform(240, 360))
        first = int(rng.integers(0, frames // 2))
        last = min(frames - 1, first + int(rng.integers(fps * 5, fps * 10)))
        y = height - size - rng.uniform(0, 40)
        left, right = -size * 0.5, width - size * 0.5
        start, end = ((left, y), (right, y)) if j % 2 else ((right, y), (left, y))
        actors.append(
            Actor(100 + j, "person", "hopper" if j % 2 else "astronaut", size, start, end, first, last)
        )
    return make_clip(
        path, actors, width=width, height=height, fps=fps, seconds=seconds, audio=False, seed=seed
    )


def queue_clip(path: Path, *, seconds: float = 10.0, seed: int = 5) -> Clip:
    """A queue at the school gate (issue 16 §2), 720p: two lines of 11 heads of 18-40 px, the far end
    smaller, standing still and shuffling forward a little every 3 s, plus two passers-by (faces of 30 and
    56 px) and one upper body walking in front. Each stretch of standing or shuffling is its own actor (the
    labels only need the boxes)."""
    rng = np.random.default_rng(seed)
    fps, width, height = 25, 1280, 720
    frames = round(seconds * fps)
    actors: list[Actor] = []
    shuffle_every, shuffle_frames = 3 * fps, fps  # one place forward every 3 s, taking 1 s
    # Two lines from the back (far, left, small) to the gate (near, right): (x, y) at the back and front.
    for line, ((xb, yb), (xf, yf)) in enumerate((((60, 140), (1100, 260)), ((90, 360), (1130, 500)))):
        for place in range(11):
            k = place / 10
            size = round(18 + 22 * k)
            x = xb + (xf - xb) * k + float(rng.uniform(-8, 8))
            y = yb + (yf - yb) * k + float(rng.uniform(-8, 8))
            step = (14.0, 3.0)  # a shuffle forward, in pixels
            offset = int(rng.integers(0, shuffle_every))
            start, t = (x, y), 0
            who = "astronaut" if (place + line) % 2 else "hopper"
            while t < frames:
                still_to = min(
                    frames - 1, t + shuffle_every - offset - 1 if t == 0 else t + shuffle_every - 1
                )
                actors.append(Actor(len(actors) + 1, "face", who, size, start, start, t, still_to))
                t = still_to + 1
                if t >= frames or place == 10:
                    continue  # the front of the queue waits at the gate
                end = (start[0] + step[0], start[1] + step[1])
                move_to = min(frames - 1, t + shuffle_frames - 1)
                actors.append(Actor(len(actors) + 1, "face", who, size, start, end, t, move_to))
                start, t = end, move_to + 1
    for i, (size, y) in enumerate(((30, 560), (56, 80))):
        first = int(rng.integers(0, frames // 3))
        ends = ((-60.0, y), (width - 20.0, y + 20))
        start, end = ends if i % 2 else ends[::-1]
        actors.append(
            Actor(500 + i, "face", "hopper", size, start, end, first, min(frames - 1, first + 6 * fps))
        )
    actors.append(Actor(600, "person", "astronaut", 300, (width - 150, 420), (-150, 420), 0, frames - 1))
    return make_clip(
        path, actors, width=width, height=height, fps=fps, seconds=seconds, audio=False, seed=seed
    )


def motion_clip(path: Path, *, seconds: float = 10.0, seed: int = 3) -> Clip:
    """No people, ordinary motion (issue 16 §2), 720p: a tree whose leaves sway and flicker in the wind, a
    cloud's shadow drifting over the yard and a car driving across. Nothing in it should be proposed as a
    face, and little as person-sized."""
    rng = np.random.default_rng(seed)
    fps, width, height = 25, 1280, 720
    frames = round(seconds * fps)
    background = scene(width, height)
    cv2.rectangle(background, (120, 260), (150, 576), (70, 50, 35), -1)  # the tree's trunk
    leaves = [
        (int(rng.uniform(20, 250)), int(rng.uniform(120, 330)), int(rng.uniform(25, 60))) for _ in range(40)
    ]
    colours = [tuple(int(c) for c in rng.integers((20, 70, 20), (70, 150, 60))) for _ in leaves]
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        video.options = {"preset": "ultrafast", "crf": "16"}
        video.codec_context.gop_size = fps
        for index in range(frames):
            t = index / fps
            image = background.copy()
            for n, ((x, y, r), colour) in enumerate(zip(leaves, colours, strict=True)):
                sway = 8 * math.sin(2 * math.pi * (0.4 * t + n * 0.13)) * (330 - y) / 200  # tops sway more
                cv2.circle(image, (round(x + sway), y), r, colour, -1)
            _shadow(image, t, seconds)
            _car(image, t, seconds)
            noise = rng.normal(0, 2.0, image.shape)
            image = (image + noise).clip(0, 255).astype(np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
    return Clip(Path(path), width, height, fps, frames, [])


def _shadow(image: np.ndarray, t: float, seconds: float) -> None:
    """A cloud's soft shadow, 500 px wide, drifting across the lower half over the whole clip."""
    h, w = image.shape[:2]
    cx = -250 + (w + 500) * t / seconds
    xs = np.arange(w, dtype=np.float32)
    dark = 1 - 0.35 * np.clip(1 - np.abs(xs - cx) / 250, 0, 1)
    image[h // 2 :] = (image[h // 2 :] * dark[None, :, None]).astype(np.uint8)


def _car(image: np.ndarray, t: float, seconds: float) -> None:
    """A car (body, windows, wheels) crossing the road at the bottom in the middle third of the clip."""
    h, w = image.shape[:2]
    k = (t - seconds / 3) / (seconds / 3)
    if not 0 <= k <= 1:
        return
    x, y = round(-320 + (w + 320) * k), h - 170
    cv2.rectangle(image, (x, y + 40), (x + 320, y + 110), (160, 30, 30), -1)
    cv2.rectangle(image, (x + 60, y), (x + 240, y + 45), (150, 28, 28), -1)
    cv2.rectangle(image, (x + 75, y + 8), (x + 225, y + 40), (170, 200, 220), -1)
    for wx in (x + 70, x + 250):
        cv2.circle(image, (wx, y + 110), 28, (20, 20, 20), -1)
