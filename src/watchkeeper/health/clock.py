"""Clock drift (9.3: "the date and time of recordings is accurate"): the camera's clock against the server's,
and the server's clock against its time source (design/health.md "Clock drift").

A segment's times are the server's clock when its first packet arrived (recording/recorder.py), and the
picture often carries the camera's own clock burned in: either clock wrong makes the evidence's time wrong.
The decisions (`camera_clock`, `server_clock`) are pure and take the threshold above which either clock is
wrong enough to open an alert for the CCTV administrator: the DPO's setting (compliance.trust, 2 s by
default). `read_server_clock` asks the kernel (adjtimex, read-only) and, failing that, `timedatectl`, and
says "unknown" when neither answers.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import statistics
import struct
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass

from watchkeeper.core.clauses import enforces
from watchkeeper.health.checks import Finding
from watchkeeper.health.models import AlertKind

# The median of the latest few measured offsets: one late RTCP report must not open an alert.
CAMERA_OFFSET_SAMPLES = 5

# adjtimex(2): the clock state it returns, and the status bit for "not synchronised".
TIME_ERROR = 5
STA_UNSYNC = 0x0040


@dataclass(frozen=True)
class ServerClock:
    """What the server knows about its own clock. synchronised None: unknown (no way to ask).
    error_seconds: the kernel's estimate of how far the clock may be out, where it gives one."""

    synchronised: bool | None
    error_seconds: float | None
    source: str
    detail: str = ""


UNKNOWN = ServerClock(None, None, "unknown")


def _ahead_or_behind(seconds: float) -> str:
    return f"{abs(seconds):.1f} s {'ahead of' if seconds > 0 else 'behind'}"


@enforces("9.3", "12.1", "R20")
def camera_clock(offsets_ms: Sequence[int], threshold: float) -> Finding:
    """The camera's clock against the server's: the median of the latest measured offsets (camera clock
    minus server clock, from the stream's RTCP sender reports). None measured: not evaluated."""
    kind = AlertKind.CAMERA_CLOCK
    if not offsets_ms:
        return Finding(kind, None, "the camera's stream does not report its clock: check it by hand")
    offset = statistics.median(offsets_ms) / 1000
    if abs(offset) > threshold:
        return Finding(
            kind,
            True,
            f"9.3: the camera's clock is {_ahead_or_behind(offset)} the server's "
            f"(more than {threshold:g} s): set the camera to take its time from the school's time server",
        )
    return Finding(kind, False, f"the camera's clock is within {abs(offset):.2f} s of the server's")


@enforces("9.3", "12.1", "R20")
def server_clock(clock: ServerClock, threshold: float) -> Finding:
    """The server's clock against its time source. Every recording's times are the server's, so a fault
    here is a fault of every camera's recordings. Unknown: not evaluated (no alert), said plainly."""
    kind = AlertKind.SERVER_CLOCK
    if clock.synchronised is None:
        why = f" ({clock.detail})" if clock.detail else ""
        return Finding(kind, None, f"the server's time source is unknown{why}: check it by hand")
    if not clock.synchronised:
        return Finding(
            kind,
            True,
            f"9.3: the server's clock is not synchronised to a time source ({clock.source}): recorded times "
            "may be wrong; ask IT support to set up NTP (chrony or systemd-timesyncd)",
        )
    if clock.error_seconds is not None and clock.error_seconds > threshold:
        return Finding(
            kind,
            True,
            f"9.3: the server's clock may be up to {clock.error_seconds:.1f} s out "
            f"(more than {threshold:g} s, {clock.source}): ask IT support to check its time source",
        )
    within = f" (within {clock.error_seconds:.3f} s)" if clock.error_seconds is not None else ""
    return Finding(kind, False, f"the server's clock is synchronised{within}, {clock.source}")


# --- reading the server's clock -------------------------------------------------------------------------


def read_server_clock() -> ServerClock:
    """The kernel's view (adjtimex, which any user may read), else timedatectl, else unknown."""
    return (
        _adjtimex()
        or _timedatectl()
        or ServerClock(None, None, "unknown", "neither adjtimex nor timedatectl")
    )


def _adjtimex() -> ServerClock | None:
    """adjtimex(2) with modes 0 changes nothing. struct timex on 64-bit Linux: modes (int, padded),
    then offset, freq, maxerror, esterror (longs, esterror in µs) and status (int)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        buffer = ctypes.create_string_buffer(512)
        state = libc.adjtimex(buffer)
    except (OSError, AttributeError):
        return None
    if state < 0 or ctypes.sizeof(ctypes.c_long) != 8:
        return None
    _modes, _offset, _freq, maxerror, _esterror, status = struct.unpack_from("=i4xqqqqi", buffer.raw)
    return adjtimex_state(state, status, maxerror)


def adjtimex_state(state: int, status: int, maxerror_us: int) -> ServerClock:
    """What adjtimex's answer means: unsynchronised (TIME_ERROR or STA_UNSYNC), else synchronised with the
    kernel's maximum error."""
    if state == TIME_ERROR or status & STA_UNSYNC:
        return ServerClock(False, maxerror_us / 1e6, "kernel (adjtimex)", "not synchronised")
    return ServerClock(True, maxerror_us / 1e6, "kernel (adjtimex)")


def _timedatectl() -> ServerClock | None:
    try:
        result = subprocess.run(
            ["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    answer = result.stdout.strip()
    if result.returncode != 0 or answer not in ("yes", "no"):
        return None
    return ServerClock(answer == "yes", None, "timedatectl")
