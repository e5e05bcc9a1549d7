"""Simulated cameras: serve rtsp://127.0.0.1:PORT/cam1..camN by looping a pre-encoded H.264 clip.

Runs under Debian's /usr/bin/python3 (PyGObject + GStreamer RTSP server), not under the project's
virtual environment, so it uses the standard library and `gi` only. `watchkeeper simulate-cameras`
prepares the clip and starts this script; it is not imported by Django.

No re-encoding: the clip's access units are read once into memory and each camera's pipeline
`appsrc ! clocksync ! rtph264pay` pushes them again and again with timestamps that keep increasing
(loop n is shifted by n x the clip length), so a client sees one continuous live stream. This costs
about 0.7% of a core per camera (measurements.md).

Usage: /usr/bin/python3 rtsp_simulator.py --clip clip.mp4 --count 4 --port 8554
"""

from __future__ import annotations

import argparse
import signal
import sys
from dataclasses import dataclass

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

LAUNCH = (
    "( appsrc name=src is-live=true format=time do-timestamp=false ! "
    "clocksync ! rtph264pay name=pay0 pt=96 config-interval=1 )"
)


@dataclass
class Clip:
    caps: Gst.Caps
    units: list[tuple[Gst.Buffer, int, int]]  # (buffer, pts ns from clip start, duration ns)
    length: int  # ns


def load_clip(path: str) -> Clip:
    """Demux the clip once into memory: H.264 access units in AVC form, with their clip timestamps."""
    pipeline = Gst.parse_launch(
        f'filesrc location="{path}" ! qtdemux ! h264parse ! '
        "video/x-h264,stream-format=avc,alignment=au ! appsink name=sink sync=false"
    )
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    units: list[tuple[Gst.Buffer, int, int]] = []
    caps = None
    while True:
        sample = sink.emit("pull-sample")
        if sample is None:
            break
        caps = caps or sample.get_caps()
        buffer = sample.get_buffer()
        units.append((buffer, buffer.pts, buffer.duration))
    pipeline.set_state(Gst.State.NULL)
    if not units or caps is None:
        raise SystemExit(f"no H.264 video found in {path}")
    first = units[0][1]
    units = [(b, pts - first, dur) for b, pts, dur in units]
    last_pts, last_dur = units[-1][1], units[-1][2]
    return Clip(caps=caps, units=units, length=last_pts + last_dur)


class Feeder:
    """Feeds one camera's appsrc: each need-data pushes the next access unit, shifted per loop."""

    def __init__(self, clip: Clip, appsrc: Gst.Element):
        self.clip = clip
        self.appsrc = appsrc
        self.index = 0
        self.base: int | None = None  # running time of the first unit

    def need_data(self, appsrc: Gst.Element, _length: int) -> None:
        if self.base is None:
            clock = appsrc.get_clock()
            self.base = clock.get_time() - appsrc.get_base_time() if clock else 0
        loops, position = divmod(self.index, len(self.clip.units))
        template, pts, duration = self.clip.units[position]
        buffer = template.copy()  # shares the memory: no copy of the video data
        buffer.pts = buffer.dts = self.base + loops * self.clip.length + pts
        buffer.duration = duration
        self.index += 1
        appsrc.emit("push-buffer", buffer)


class CameraFactory(GstRtspServer.RTSPMediaFactory):
    def __init__(self, clip: Clip):
        super().__init__()
        self.clip = clip
        self.set_launch(LAUNCH)
        self.set_shared(True)  # every client of camN watches the same stream, as with a real camera
        self.connect("media-configure", self.on_media_configure)

    def on_media_configure(self, _factory: GstRtspServer.RTSPMediaFactory, media: GstRtspServer.RTSPMedia):
        appsrc = media.get_element().get_by_name("src")
        appsrc.set_property("caps", self.clip.caps)
        appsrc.set_property("max-bytes", 512 * 1024)
        feeder = Feeder(self.clip, appsrc)
        appsrc.connect("need-data", feeder.need_data)
        media.feeder = feeder  # keep it alive as long as the media


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", required=True)
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--port", type=int, default=8554)
    parser.add_argument("--address", default="127.0.0.1")
    args = parser.parse_args(argv)

    Gst.init(None)
    clip = load_clip(args.clip)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.address)
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    for n in range(1, args.count + 1):
        mounts.add_factory(f"/cam{n}", CameraFactory(clip))
    if server.attach(None) == 0:
        print(f"cannot listen on {args.address}:{args.port}", file=sys.stderr)
        return 2

    loop = GLib.MainLoop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, loop.quit)
    # Forget sessions of clients that vanished (a recorder killed with SIGKILL) every few seconds.
    GLib.timeout_add_seconds(2, lambda: server.get_session_pool().cleanup() >= 0)
    print(
        f"serving {args.count} camera(s) at rtsp://{args.address}:{args.port}/cam1..cam{args.count} "
        f"(clip {clip.length / 1e9:.1f} s, {len(clip.units)} frames)",
        flush=True,
    )
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
