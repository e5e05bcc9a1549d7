"""Reading decoded pictures the way a viewer would: luma and chroma samples of every frame of a segment."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import av


@dataclass
class Picture:
    width: int
    height: int
    planes: list[bytes]  # Y, U, V without line padding
    key: bool

    def luma(self, x: int, y: int) -> int:
        return self.planes[0][y * self.width + x]

    def chroma(self, x: int, y: int) -> tuple[int, int]:
        half = (self.width + 1) // 2
        index = (y // 2) * half + x // 2
        return self.planes[1][index], self.planes[2][index]


def pictures(plaintext: bytes) -> Iterator[Picture]:
    """Every frame of a segment; any decoding error raises (err_detect=explode)."""
    with av.open(io.BytesIO(plaintext)) as container:
        stream = container.streams.video[0]
        stream.codec_context.options = {"err_detect": "explode"}
        for frame in container.decode(stream):
            frame = frame if frame.format.name == "yuv420p" else frame.reformat(format="yuv420p")
            planes = []
            for plane in frame.planes:
                data = bytes(plane)
                planes.append(
                    b"".join(
                        data[row * plane.line_size : row * plane.line_size + plane.width]
                        for row in range(plane.height)
                    )
                )
            yield Picture(frame.width, frame.height, planes, frame.key_frame)


def inside(polygon: Sequence[Sequence[float]], x: float, y: float) -> bool:
    """Even-odd point-in-polygon test in 0..1 picture coordinates (independent of masking.py)."""
    result = False
    points = list(polygon)
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


def distance_to_edges(polygon: Sequence[Sequence[float]], x: float, y: float) -> float:
    points = list(polygon)
    best = float("inf")
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        dx, dy = x2 - x1, y2 - y1
        t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy or 1)))
        best = min(best, ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5)
    return best


def grid(width: int, height: int, step: int = 8) -> Iterator[tuple[int, int]]:
    for y in range(step // 2, height, step):
        for x in range(step // 2, width, step):
            yield x, y


def zone_samples(
    zones: Sequence[Sequence[Sequence[float]]], width: int, height: int, margin_px: float = 6
) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Grid points well inside some zone, and well outside every zone (a margin from every edge, where the
    encoder's block edges may blur black into the picture and back)."""
    within, without = [], []
    for x, y in grid(width, height):
        u, v = (x + 0.5) / width, (y + 0.5) / height
        near = min(distance_to_edges(z, u * width, v * height) for z in _pixels(zones, width, height))
        if near < margin_px:
            continue
        (within if any(inside(z, u, v) for z in zones) else without).append((x, y))
    return within, without


def _pixels(zones: Sequence[Sequence[Sequence[float]]], width: int, height: int) -> list[list[list[float]]]:
    return [[[x * width, y * height] for x, y in zone] for zone in zones]
