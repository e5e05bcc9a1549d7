"""Demo footage that looks like a school's CCTV (issue 15 §1): a playground or a school gate seen from above,
with people walking across and standing about, instead of a test card. It is demo material, not a benchmark:
made in about a second per clip, so that the demo's subject access and police walk-throughs have footage to
review and redact (site/demo_footage.py), and the redaction finds a handful of people rather than a hundred
shapes in a test card. The demo's simulated cameras (`watchkeeper simulate-cameras`) show the playground
scene too (simulator.ensure_scene_clip); the tests' and benchmarks' simulator keeps its test card.

Everything is drawn here with NumPy and OpenCV, except the textures and the faces, which are images that
ship inside installed PyPI packages (scikit-image's `skimage.data` and matplotlib's sample data, read from
the packages, never downloaded; both are dev dependencies, which `make run` installs):
- faces: `astronaut` — Eileen Collins, NASA photograph, public domain ("No known copyright restrictions"),
  and matplotlib's sample `grace_hopper.jpg` — Grace Hopper, US Navy photograph, public domain;
- tarmac: `gravel` — CC0 (CC0Textures, Gravel04);
- the school's wall: `brick` — CC0 (CC0Textures, Bricks25).
The faces are pasted large enough (about 30-45 px wide) for the redaction's face detector (CenterFace,
redaction/engine/detect.py) to find them. Without them (a production install has no dev extras)
the people get plain drawn heads and the ground is plain grey: the footage still plays, its faces are not
found.

Django-free: site/demo_footage.py imports the clips through the DVR-import path (recording.dvr).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

WIDTH, HEIGHT, FPS = 640, 360, 15
KEYFRAME_SECONDS = 2  # as the simulated cameras: a key frame every 2 s
HORIZON = 70  # y of the vanishing line: people are drawn taller the nearer the camera (further down)
# Each face in its photograph (x1, y1, x2, y2), as tests/redaction/clips.py found them with CenterFace.
FACES = {"astronaut": (182, 58, 270, 178), "hopper": (175, 132, 357, 336)}

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Walker:
    """A person crossing the picture from `start` to `end` (feet, in pixels) between `first` and `last`
    seconds; a person whose start and end are the same stands still (the redaction finds them by their
    face; a fidgeting figure drawn this simply only adds slivers of motion to its proposal)."""

    coat: RGB
    start: tuple[float, float]
    end: tuple[float, float]
    first: float = 0.0
    last: float = 1e9
    trousers: RGB = (40, 45, 60)
    face: str = "astronaut"
    mirror: bool = False

    def feet(self, t: float, seconds: float) -> tuple[float, float] | None:
        last = min(self.last, seconds)
        if not self.first <= t <= last:
            return None
        k = (t - self.first) / max(1e-6, last - self.first)
        return (
            self.start[0] + (self.end[0] - self.start[0]) * k,
            self.start[1] + (self.end[1] - self.start[1]) * k,
        )

    @property
    def standing(self) -> bool:
        return self.start == self.end


YELLOW, NAVY, RED, GREEN = (230, 190, 40), (35, 45, 90), (170, 40, 40), (40, 110, 60)
GREY, PURPLE = (120, 120, 125), (95, 60, 130)

# The demo's scenes. The gate's first walker (the yellow raincoat) is the demo SAR's requester; "gate-later"
# is the police request's: someone in grey walks off through the gate while two people talk by the post.
SCENES: dict[str, list[Walker]] = {
    "gate": [
        Walker(YELLOW, (-60, 300), (700, 320), 0.5, 9.5),
        Walker(NAVY, (680, 250), (-40, 235), 0.0, 10.0, face="hopper"),
        Walker(RED, (420, 280), (420, 280), trousers=(70, 50, 40), mirror=True),
        Walker(GREEN, (150, 215), (560, 205), 2.0, 10.0, trousers=(30, 30, 30)),
    ],
    "gate-later": [
        Walker(GREY, (660, 330), (330, 150), 0.0, 8.0, trousers=(25, 25, 25), face="hopper"),
        Walker(NAVY, (200, 250), (200, 250)),
        Walker(RED, (250, 262), (250, 262), trousers=(50, 50, 50), face="hopper", mirror=True),
    ],
    "playground": [
        Walker(PURPLE, (100, 240), (100, 240), face="hopper"),
        Walker(NAVY, (700, 330), (-60, 300), 0.0, 9.0, mirror=True),
        Walker(GREY, (-50, 215), (520, 260), 1.0, 10.0, trousers=(20, 20, 70)),
        Walker(GREEN, (500, 300), (500, 300), trousers=(60, 60, 60), face="hopper", mirror=True),
    ],
}


def height_at(y: float) -> float:
    """A person's height in pixels with their feet at row y (simple perspective from a high camera)."""
    return max(40.0, (y - HORIZON) * 0.95)


def render(path: Path, scene: str, seconds: float, *, label: str | None, start: datetime) -> Path:
    """An H.264 MP4 of `scene` (a key of SCENES), `seconds` long, with the camera's label and the running
    time (from `start`, in the school's time zone) burned in at the top, as a camera's display shows them
    (none when `label` is None: the simulator burns in its own)."""
    background = backdrop(scene)
    walkers = SCENES[scene]
    noise = _noise_bank()
    frames = round(seconds * FPS)
    with av.open(str(path), "w", format="mp4") as out:
        video = out.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        video.options = {"preset": "veryfast", "crf": "23", "bf": "0"}
        video.codec_context.gop_size = FPS * KEYFRAME_SECONDS
        for index in range(frames):
            t = index / FPS
            image = background.copy()
            # Far people first, so a nearer one passes in front.
            for walker in sorted(walkers, key=lambda w: (w.feet(t, seconds) or (0, 0))[1]):
                feet = walker.feet(t, seconds)
                if feet is not None:
                    _person(image, walker, feet, t)
            if label is not None:
                _display(image, label, start + timedelta(seconds=int(t)))
            noisy = np.asarray(cv2.add(image, noise[index % len(noise)], dtype=cv2.CV_8U), np.uint8)
            frame = av.VideoFrame.from_ndarray(noisy, format="rgb24")
            frame.pts, frame.time_base = index, Fraction(1, FPS)
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
    return path


@functools.cache
def backdrop(scene: str) -> np.ndarray:
    """The empty scene: the school's brick wall and windows at the top, a railing, then tarmac with
    painted lines (a hopscotch in the playground; the pavement and gate posts at the gate)."""
    image = np.empty((HEIGHT, WIDTH, 3), np.uint8)
    image[:HORIZON] = _tinted(_texture("brick", (HORIZON, WIDTH), 150, shrink=0.5), (1.0, 0.72, 0.58))
    for x in range(30, WIDTH, 120):  # classroom windows
        cv2.rectangle(image, (x, 12), (x + 70, HORIZON - 14), (70, 85, 100), -1)
        cv2.rectangle(image, (x, 12), (x + 70, HORIZON - 14), (235, 235, 235), 3)
    ground = _tinted(_texture("gravel", (HEIGHT - HORIZON, WIDTH), 95, shrink=0.3), (1.0, 1.0, 1.03))
    image[HORIZON:] = ground
    if scene.startswith("gate"):
        image[HORIZON : HORIZON + 40] = (image[HORIZON : HORIZON + 40] * 0.6 + 70).astype(np.uint8)  # path
        for x in (250, 390):  # the gate posts, the gate open between them
            cv2.rectangle(image, (x, HORIZON - 30), (x + 22, HORIZON + 45), (150, 95, 80), -1)
        _railing(image, HORIZON + 40, skip=(272, 390))
    else:
        _railing(image, HORIZON + 4, skip=None)
        _hopscotch(image, 300, 190)
        cv2.ellipse(image, (150, 300), (110, 30), 0, 0, 360, (235, 235, 235), 3)
    return cv2.GaussianBlur(image, (3, 3), 0.8)  # a CCTV lens is never quite sharp


def _railing(image: np.ndarray, y: int, skip: tuple[int, int] | None) -> None:
    cv2.line(image, (0, y - 28), (WIDTH, y - 28), (30, 60, 40), 3)
    for x in range(0, WIDTH, 14):
        if skip is None or not skip[0] <= x <= skip[1]:
            cv2.line(image, (x, y - 34), (x, y), (30, 60, 40), 2)


def _hopscotch(image: np.ndarray, x: int, y: int) -> None:
    for row, cells in enumerate((1, 2, 1, 2, 1)):
        for cell in range(cells):
            left = x + cell * 44 - (cells - 1) * 22
            top = y + row * 30
            cv2.rectangle(image, (left, top), (left + 44, top + 30), (235, 215, 60), 2)


def _texture(name: str, shape: tuple[int, int], level: float, shrink: float = 1.0) -> np.ndarray:
    """A grey texture from skimage.data tiled over `shape`, scaled to mean `level`; flat grey without it."""
    try:
        import skimage.data

        tile = getattr(skimage.data, name)().astype(np.float32)
    except ImportError:
        return np.full(shape, level, np.float32)
    tile = cv2.resize(tile, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    reps = (math.ceil(shape[0] / tile.shape[0]), math.ceil(shape[1] / tile.shape[1]))
    grey = np.tile(tile, reps)[: shape[0], : shape[1]]
    return (grey - grey.mean()) * 0.3 + level


def _tinted(grey: np.ndarray, tint: tuple[float, float, float]) -> np.ndarray:
    return np.stack([grey * c for c in tint], axis=2).clip(0, 255).astype(np.uint8)


@functools.cache
def _noise_bank() -> list[np.ndarray]:
    """A little sensor noise (a few frames of it, cycled: drawing fresh noise per frame costs more)."""
    rng = np.random.default_rng(5)
    return [rng.integers(0, 4, (HEIGHT, WIDTH, 3), dtype=np.uint8) for _ in range(4)]


@functools.cache
def _photo(name: str) -> np.ndarray | None:
    """A photograph shipped inside an installed package, or None where the package is not installed."""
    try:
        if name == "astronaut":
            import skimage.data

            return np.ascontiguousarray(skimage.data.astronaut()[:, :, :3])
        import matplotlib.cbook
        from PIL import Image

        where = matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
        return np.asarray(Image.open(str(where)).convert("RGB"))
    except ImportError:
        return None


@functools.cache
def _face(name: str, width: int, mirror: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """A photographed head (face and hair) scaled so the face is `width` px wide, and its oval mask."""
    photo = _photo(name)
    if photo is None:
        return None
    x1, y1, x2, y2 = FACES[name]
    mx, my = (x2 - x1) * 0.12, (y2 - y1) * 0.22
    crop = photo[int(y1 - my) : int(y2 + my * 0.2), int(x1 - mx) : int(x2 + mx)]
    scale = width / (x2 - x1)
    size = (round(crop.shape[1] * scale), round(crop.shape[0] * scale))
    head = cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    if mirror:
        head = head[:, ::-1].copy()
    mask = np.zeros(head.shape[:2], np.uint8)
    h, w = mask.shape
    cv2.ellipse(mask, (w // 2, h // 2), (w // 2 - 1, h // 2 - 1), 0, 0, 360, 255, -1)
    return head, mask


def _person(image: np.ndarray, walker: Walker, feet: tuple[float, float], t: float) -> None:
    """A simple figure: shadow, legs and arms swinging as they walk, a coat, and a photographed head."""
    x, y = feet
    tall = height_at(y)
    swing = 0.0 if walker.standing else math.sin(t * 2 * math.pi * 1.6)
    hip, shoulder, width = y - tall * 0.47, y - tall * 0.8, tall * 0.26
    cv2.ellipse(
        image, (int(x), int(y)), (int(width * 0.7), int(tall * 0.03) + 1), 0, 0, 360, (55, 55, 58), -1
    )
    leg = max(2, int(tall * 0.07))
    for side in (-1, 1):
        foot = (int(x + side * width * 0.15 + swing * side * tall * 0.12), int(y))
        cv2.line(image, (int(x + side * width * 0.15), int(hip)), foot, walker.trousers, leg)
        cv2.line(image, (int(x - side * width * 0.5), int(shoulder + tall * 0.03)),
                 (int(x - side * width * 0.55 - swing * side * tall * 0.08), int(hip + tall * 0.04)),
                 walker.coat, max(2, int(leg * 0.8)))  # fmt: skip
    coat = np.array(
        [[x - width * 0.5, shoulder], [x + width * 0.5, shoulder], [x + width * 0.58, hip + tall * 0.08],
         [x - width * 0.58, hip + tall * 0.08]], np.int32)  # fmt: skip
    cv2.fillConvexPoly(image, coat, walker.coat)
    _head(image, walker, int(x), int(shoulder), tall)


def _head(image: np.ndarray, walker: Walker, x: int, shoulder: int, tall: float) -> None:
    face_width = max(8, round(tall * 0.15))  # a little large for the body: demo faces the detector finds
    made = _face(walker.face, face_width, walker.mirror)
    if made is None:
        cv2.circle(image, (x, shoulder - face_width // 2), face_width // 2 + 2, (205, 170, 140), -1)
        return
    head, mask = made
    h, w = mask.shape
    top, left = shoulder - h + max(1, h // 10), x - w // 2
    y1, x1, y2, x2 = max(0, top), max(0, left), min(HEIGHT, top + h), min(WIDTH, left + w)
    if y2 <= y1 or x2 <= x1:
        return
    region = image[y1:y2, x1:x2]
    inside = mask[y1 - top : y2 - top, x1 - left : x2 - left] > 0
    region[inside] = head[y1 - top : y2 - top, x1 - left : x2 - left][inside]


def _display(image: np.ndarray, label: str, moment: datetime) -> None:
    """The on-screen display: the camera's name and the time, white on a dark band, top left."""
    text = f"{label}  {moment:%d/%m/%Y %H:%M:%S}"
    cv2.rectangle(image, (0, 0), (12 + 9 * len(text), 22), (20, 20, 20), -1)
    cv2.putText(image, text, (6, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 255), 1, cv2.LINE_AA)
