"""Sealed evidence packages (9.5, 11.3, 11.4, 11.6; design/evidence.md "Evidence packages", "Working copy
and speed"): real segments muxed by the recording app, sealed by `package.build` and verified — every kind
of tampering (a flipped byte in any file, a swapped manifest, another key, a wrong password, not a ZIP)
fails naming what is wrong; the package variants (no master, extra files), lazy pieces, streaming, and the
working copy (timed-text clock over a stream copy, or burned in) are checked with ffmpeg itself.

The request → authorise → job → CCTV log path around `build` is tested with the services
(tests/evidence/test_downloads.py)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tracemalloc
import zipfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import pyzipper
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError

from watchkeeper.evidence import package
from watchkeeper.evidence.package import Metadata, PackageError, Piece

S = timedelta(seconds=1)
# 10:00:00 UTC in winter is 10:00:00 GMT; in July it is 11:00:00 BST.
WINTER = datetime(2026, 11, 20, 10, 0, 0, tzinfo=UTC)
SUMMER = datetime(2026, 7, 1, 10, 0, 0, tzinfo=UTC)


def pieces_of(
    clips: list[tuple[bytes, float]], start: datetime = WINTER, camera: tuple[int, str] = (7, "Main gate")
) -> list[Piece]:
    """Consecutive segments of one camera from `start` (each 2 s of real H.264 in fragmented MP4)."""
    result, at = [], start
    for data, seconds in clips:
        end = at + timedelta(seconds=seconds)
        result.append(Piece(camera[0], camera[1], at, end, hashlib.sha256(data).hexdigest(), 40, data))
        at = end
    return result


def meta_for(pieces: list[Piece]) -> Metadata:
    return Metadata(
        case_id="WK-1-R2-20261120T100000Z-abc123",
        school_id=1,
        school_name="Oakfield Primary School",
        start=min(p.start for p in pieces),
        end=max(p.end for p in pieces),
        requested_by="Rita Reviewer",
        authorised_by="Helen Head",
        authorised_at=WINTER - timedelta(hours=1),
        reason="Investigation: damage to the gate",
        created_at=WINTER + timedelta(hours=2),
    )


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def sealed(tmp_path: Path, pieces: list[tuple[bytes, float]], key: Ed25519PrivateKey) -> dict[str, Any]:
    """Segments 1 and 2 (4 s), a timed-text working copy: the common shape of a package."""
    chosen = pieces_of(pieces[1:3], start=WINTER + 2 * S)
    path, password = tmp_path / "exports" / "case.zip", package.new_password()
    manifest = package.build(path, chosen, meta_for(chosen), password, key, burn_in=False)
    return {"path": path, "password": password, "pieces": chosen, "manifest": manifest}


def members(path: Path, password: str) -> dict[str, bytes]:
    """Read with pyzipper's own (pycryptodomex) decrypter: an implementation independent of ours."""
    with pyzipper.AESZipFile(path) as z:
        z.setpassword(password.encode())
        return {name: z.read(name) for name in z.namelist()}


def rezip(path: Path, password: str, files: dict[str, bytes]) -> Path:
    out = path.with_name("tampered.zip")
    with pyzipper.AESZipFile(out, "w", compression=zipfile.ZIP_STORED, encryption=pyzipper.WZ_AES) as z:
        z.setpassword(password.encode())
        for name, data in files.items():
            z.writestr(name, data)
    return out


def verify_command(path: Path, password: str, tmp_path: Path) -> str:
    password_file = tmp_path / "password.txt"
    password_file.write_text(password + "\n")
    try:
        call_command("export", "verify", str(path), "--password-file", str(password_file))
    except CommandError as error:
        return str(error)
    return "package verified"


def probe(path: Path) -> dict[str, Any]:
    command = ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)]
    return json.loads(subprocess.run(command, capture_output=True, check=True, timeout=60).stdout)


def decode_errors(path: Path) -> str:
    """Everything ffmpeg complains about while decoding every frame of every stream."""
    command = ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", "0:v", "-f", "null", "-"]
    result = subprocess.run(command, capture_output=True, timeout=120, check=False)
    return result.stderr.decode() + ("" if result.returncode == 0 else f"exit {result.returncode}")


def cues(path: Path) -> str:
    command = ["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-map", "0:s:0", "-f", "srt", "-"]
    return (
        subprocess.run(command, capture_output=True, check=True, timeout=60)
        .stdout.decode()
        .replace("\r\n", "\n")
    )


def extract(sealed: dict[str, Any], name: str) -> Path:
    out = sealed["path"].with_name(name.replace("/", "_"))
    out.write_bytes(members(sealed["path"], sealed["password"])[name])
    return out


# --- round trip and contents ------------------------------------------------------------------------------


@pytest.mark.clause("R18")
def test_round_trip_build_then_verify_passes(sealed: dict[str, Any], tmp_path: Path) -> None:
    assert sealed["path"].exists() and not list(sealed["path"].parent.glob("*.partial"))
    assert not [p for p in sealed["path"].parent.iterdir() if p.name.startswith(".wk-build-")]  # temp gone
    assert package.verify(sealed["path"], sealed["password"]).ok
    assert verify_command(sealed["path"], sealed["password"], tmp_path) == "package verified"


@pytest.mark.clause("11.6", "R16")
def test_the_password_is_long_and_random() -> None:
    """11.6: ≥ 20 characters from a clear alphabet without look-alikes."""
    password = package.new_password()
    assert len(password) >= 20 and set(password) <= set(package.ALPHABET) and not set(password) & set("0O1lI")
    assert package.new_password() != password


@pytest.mark.clause("R17", "R18", "R20")
def test_the_master_copy_is_bit_exact_and_every_file_is_hashed(sealed: dict[str, Any]) -> None:
    files = members(sealed["path"], sealed["password"])
    masters = sorted(name for name in files if name.startswith("master/"))
    assert masters == [f"master/7-Main-gate/{p.start:%Y%m%dT%H%M%S}.000000Z.mp4" for p in sealed["pieces"]]
    assert [hashlib.sha256(files[n]).hexdigest() for n in masters] == [p.sha256 for p in sealed["pieces"]]
    assert {n for n in files if not n.startswith("master/")} == {
        "working-copy.mp4",
        "manifest.json",
        "manifest.sig",
        "signing-key.pub",
        "README.txt",
    }
    manifest = json.loads(files["manifest.json"])
    assert manifest == sealed["manifest"]
    assert manifest["files"] == {
        n: hashlib.sha256(d).hexdigest()
        for n, d in files.items()
        if n not in ("manifest.json", "manifest.sig")
    }
    assert manifest["authorised_by"] == "Helen Head" and manifest["master_included"] is True
    assert manifest["range_local"][0] == "20/11/2026 10:00:02 GMT"
    assert manifest["working_copies"] == [{"file": "working-copy.mp4", "camera_id": 7, "clock": "timed-text"}]
    segment = manifest["cameras"][0]["segments"][0]
    assert segment["file"] == masters[0] and segment["clock_offset_ms"] == 40
    readme = files["README.txt"].decode()
    assert "social media" in readme and "11.4" in readme and "export verify" in readme
    assert "property of the school" in readme and "11.3" in readme  # release conditions (11.3)
    assert "subtitle track" in readme


@pytest.mark.clause("R16")
def test_the_package_opens_in_7zip(sealed: dict[str, Any]) -> None:
    """WinZip AES as 7-Zip reads it (`7z t` decrypts every member and checks each one's HMAC)."""
    seven = shutil.which("7z") or shutil.which("7za")
    assert seven, "7-Zip (p7zip-full) is missing: run scripts/system-deps.sh"
    command = [seven, "t", f"-p{sealed['password']}", str(sealed["path"])]
    result = subprocess.run(command, capture_output=True, timeout=60, check=False)
    assert result.returncode == 0 and b"Everything is Ok" in result.stdout, result.stdout[-500:]
    wrong = subprocess.run(
        [*command[:2], "-pwrong", command[3]], capture_output=True, timeout=60, check=False
    )
    assert wrong.returncode != 0


# --- tampering ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["master", "working-copy.mp4", "README.txt", "signing-key.pub"])
@pytest.mark.clause("R18")
def test_one_flipped_byte_in_a_file_fails_verify_naming_it(sealed, target: str, tmp_path) -> None:
    files = members(sealed["path"], sealed["password"])
    name = next(n for n in files if n.startswith(target))
    data = bytearray(files[name])
    data[len(data) // 2] ^= 0x01
    tampered = rezip(sealed["path"], sealed["password"], {**files, name: bytes(data)})
    verdict = package.verify(tampered, sealed["password"])
    assert not verdict.ok and name in verdict.problem and "SHA-256" in verdict.problem
    assert name in verify_command(tampered, sealed["password"], tmp_path)


def test_a_flipped_byte_in_the_encrypted_zip_fails_verify(sealed: dict[str, Any]) -> None:
    raw = bytearray(sealed["path"].read_bytes())
    raw[len(raw) // 3] ^= 0x01
    sealed["path"].write_bytes(bytes(raw))
    verdict = package.verify(sealed["path"], sealed["password"])
    assert not verdict.ok and "is damaged" in verdict.problem


@pytest.mark.parametrize("target", ["manifest.json", "manifest.sig"])
def test_a_changed_manifest_or_signature_fails_the_signature(sealed: dict[str, Any], target: str) -> None:
    files = members(sealed["path"], sealed["password"])
    if target == "manifest.json":
        manifest = json.loads(files[target])
        manifest["authorised_by"] = "Somebody Else"
        files[target] = json.dumps(manifest, indent=2).encode()
    else:
        files[target] = bytes([files[target][0] ^ 1]) + files[target][1:]
    verdict = package.verify(rezip(sealed["path"], sealed["password"], files), sealed["password"])
    assert not verdict.ok and "signature" in verdict.problem


def test_an_unlisted_or_missing_file_fails_verify(sealed: dict[str, Any]) -> None:
    files = members(sealed["path"], sealed["password"])
    added = rezip(sealed["path"], sealed["password"], {**files, "notes.txt": b"added later"})
    assert package.verify(added, sealed["password"]).problem == "notes.txt is not listed in the manifest"
    files.pop("README.txt")
    missing = rezip(sealed["path"], sealed["password"], files)
    assert package.verify(missing, sealed["password"]).problem == (
        "README.txt is listed in the manifest but missing"
    )


def test_a_package_signed_by_another_key_fails_against_the_school_key(sealed: dict[str, Any], key) -> None:
    """Self-consistent (manifest re-signed, that key enclosed) but not the school's key."""
    files = members(sealed["path"], sealed["password"])
    manifest = json.loads(files["manifest.json"])
    manifest["reason"] = "rewritten"
    other = Ed25519PrivateKey.generate()
    files["signing-key.pub"] = package.public_pem(other.public_key())
    manifest["files"]["signing-key.pub"] = hashlib.sha256(files["signing-key.pub"]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    files["manifest.sig"] = other.sign(files["manifest.json"])
    tampered = rezip(sealed["path"], sealed["password"], files)
    assert package.verify(tampered, sealed["password"]).ok  # nothing but the school's key can tell
    verdict = package.verify(tampered, sealed["password"], [key.public_key()])
    assert not verdict.ok and "school's key" in verdict.problem
    assert package.verify(sealed["path"], sealed["password"], [key.public_key()]).ok


def test_a_wrong_password_or_a_non_zip_is_a_clear_error(sealed: dict[str, Any], tmp_path: Path) -> None:
    assert "wrong password" in verify_command(sealed["path"], "not-the-password", tmp_path)
    not_zip = tmp_path / "notes.zip"
    not_zip.write_bytes(b"just some text")
    assert "not a ZIP file" in verify_command(not_zip, sealed["password"], tmp_path)
    assert "no such file" in package.verify(tmp_path / "absent.zip", "x").problem


@pytest.mark.clause("9.3")
def test_a_segment_that_does_not_match_its_recorded_hash_is_refused(tmp_path, pieces, key) -> None:
    """9.3: nothing is sealed from plaintext that is not what was recorded; no partial file is left."""
    chosen = pieces_of(pieces[:2])
    bad = [chosen[0], replace(chosen[1], plaintext=pieces[1][0][:-1] + b"\0")]
    path = tmp_path / "exports" / "bad.zip"
    with pytest.raises(PackageError, match="9.3: segment of Main gate"):
        package.build(path, bad, meta_for(bad), "password-1234567890abc", key)
    assert list(path.parent.iterdir()) == []


# --- variants: no master, extra files (redacted subject-access packages, 10.4.1) ---------------------------


def test_a_package_without_master_and_with_extra_files(tmp_path, pieces, key) -> None:
    """include_master=False: no unredacted footage leaves; the segments are still described (with their
    SHA-256) but name no file. Extra files — bytes or a file on disk — are hashed and verified."""
    chosen = pieces_of(pieces[:2])
    redacted = tmp_path / "redacted.mp4"
    redacted.write_bytes(pieces[3][0])
    extra = {"redacted/gate-redacted.mp4": redacted, "redaction-report.json": b'{"faces": 3}'}
    path, password = tmp_path / "sar.zip", package.new_password()
    calls: list[int] = []

    def never(index: int) -> bytes:
        calls.append(index)
        return b""

    lazy = [replace(p, plaintext=partial(never, i)) for i, p in enumerate(chosen)]
    manifest = package.build(
        path,
        lazy,
        meta_for(chosen),
        password,
        key,
        include_master=False,
        working_copy=False,
        extra_files=extra,
    )
    files = members(path, password)
    assert set(files) == {*extra, "README.txt", "manifest.json", "manifest.sig", "signing-key.pub"}
    assert not calls  # neither the master nor a working copy: the segments are not even decrypted
    assert files["redacted/gate-redacted.mp4"] == redacted.read_bytes()
    assert (
        manifest["files"]["redacted/gate-redacted.mp4"] == hashlib.sha256(redacted.read_bytes()).hexdigest()
    )
    assert manifest["master_included"] is False and manifest["working_copies"] == []
    assert [s["sha256"] for s in manifest["cameras"][0]["segments"]] == [p.sha256 for p in chosen]
    assert all("file" not in s for s in manifest["cameras"][0]["segments"])
    assert "original recordings are not included" in files["README.txt"].decode()
    assert "redaction-report.json" in files["README.txt"].decode()
    assert package.verify(path, password).ok

    flipped = bytearray(files["redacted/gate-redacted.mp4"])
    flipped[100] ^= 0x01
    tampered = rezip(path, password, {**files, "redacted/gate-redacted.mp4": bytes(flipped)})
    assert package.verify(tampered, password).problem == (
        "redacted/gate-redacted.mp4 does not match its SHA-256 in the manifest"
    )


@pytest.mark.parametrize(
    "name",
    ["manifest.json", "README.txt", "master/7-x/a.mp4", "working-copy.mp4", "../x", "/abs", "a//b", ""],
)
def test_extra_files_cannot_take_or_escape_the_package_names(tmp_path, pieces, key, name: str) -> None:
    chosen = pieces_of(pieces[:1])
    with pytest.raises(PackageError, match="cannot be added"):
        package.build(tmp_path / "x.zip", chosen, meta_for(chosen), "p" * 24, key, extra_files={name: b"x"})
    assert not (tmp_path / "x.zip").exists()


# --- lazy pieces and streaming ----------------------------------------------------------------------------


def test_lazy_pieces_give_the_same_package_as_bytes_pieces(tmp_path, pieces, key) -> None:
    """A callable (decrypt when needed) or a plaintext file instead of bytes: same hashes, same manifest.
    Each callable is called once."""
    chosen = pieces_of(pieces[:3])
    meta = meta_for(chosen)
    files = []
    for index, piece in enumerate(chosen):
        files.append(tmp_path / f"plain-{index}.mp4")
        files[-1].write_bytes(piece.plaintext)  # type: ignore[arg-type]
    calls: list[int] = []

    def fetch(index: int) -> bytes:
        calls.append(index)
        return chosen[index].plaintext  # type: ignore[return-value]

    forms = {
        "bytes": chosen,
        "callable": [replace(p, plaintext=partial(fetch, i)) for i, p in enumerate(chosen)],
        "file": [replace(p, plaintext=files[i]) for i, p in enumerate(chosen)],
    }
    manifests = {
        form: package.build(tmp_path / f"{form}.zip", given, meta, "p" * 24, key, burn_in=False)
        for form, given in forms.items()
    }
    assert calls == [0, 1, 2]
    assert manifests["callable"] == manifests["bytes"] == manifests["file"]
    assert all(f.exists() for f in files)  # the caller's files are read, never moved or deleted


def test_the_build_and_verify_stream_instead_of_holding_the_footage(tmp_path, key) -> None:
    """An hour is ~900 MB: neither building nor verifying may hold it. Three 6 MB pieces given as files
    (the master only) are sealed and verified with under 2 MB allocated at any time."""
    files, chosen = [], []
    for index in range(3):
        data = bytes([index]) * (6 << 20)
        files.append(tmp_path / f"plain-{index}.bin")
        files[-1].write_bytes(data)
        start = WINTER + index * 10 * S
        chosen.append(
            Piece(7, "Gate", start, start + 10 * S, hashlib.sha256(data).hexdigest(), None, files[-1])
        )
        del data
    path = tmp_path / "big.zip"
    tracemalloc.start()
    try:
        package.build(path, chosen, meta_for(chosen), "p" * 24, key, working_copy=False)
        _, built_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        assert package.verify(path, "p" * 24).ok
        _, verify_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert built_peak < 2 << 20 and verify_peak < 2 << 20, (built_peak, verify_peak)


@pytest.mark.parametrize("burn_in", [False, True])
def test_progress_rises_to_one_from_the_calling_thread(tmp_path, pieces, key, burn_in: bool) -> None:
    import threading

    seen: list[tuple[float, str]] = []
    chosen = pieces_of(pieces[:3])
    package.build(
        tmp_path / "p.zip",
        chosen,
        meta_for(chosen),
        "p" * 24,
        key,
        burn_in=burn_in,
        progress=lambda f: seen.append((f, threading.current_thread().name)),
    )
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and 0 < fractions[0] < 1
    assert len(fractions) <= 1 / package._Ticker.STEP + 2  # a job record is written per call: throttled
    assert {name for _, name in seen} == {threading.current_thread().name}


# --- the working copy -------------------------------------------------------------------------------------


@pytest.mark.clause("R19")
def test_the_timed_text_working_copy_plays_and_shows_the_local_time(sealed: dict[str, Any]) -> None:
    """A stream copy of the segments (+faststart) with a default, forced timed-text track: decodes without
    one error, lasts as long as the segments, and each second's cue is the camera and UK local time."""
    working = extract(sealed, "working-copy.mp4")
    assert decode_errors(working) == ""
    info = probe(working)
    video, text = info["streams"]
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", 320, 180)
    assert text["codec_name"] == "mov_text" and text["disposition"]["default"] == 1
    assert text["disposition"]["forced"] == 1 and text["tags"]["language"] == "eng"
    assert abs(float(info["format"]["duration"]) - 4.0) < 0.05
    assert working.read_bytes()[4:8] == b"ftyp" and working.read_bytes().index(b"moov") < 64  # faststart
    shown = cues(working)
    assert "00:00:00,000 --> 00:00:01,000\nMain gate  20/11/2026 10:00:02 GMT" in shown
    assert "00:00:03,000 --> 00:00:04,000\nMain gate  20/11/2026 10:00:05 GMT" in shown
    # The master bytes inside the working copy are the recorded ones: a stream copy, not an encode.
    frames = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(working), "-map", "0:v", "-c", "copy", "-f", "h264", "-"],
        capture_output=True,
        check=True,
    ).stdout
    assert len(frames) > 0.9 * sum(len(p.plaintext) for p in sealed["pieces"]) - 4000  # type: ignore[arg-type]


def test_a_gap_between_segments_shows_in_the_clock(tmp_path, pieces, key) -> None:
    """Segments 0 and 1, then a 5-minute gap, then segment 3: the clock jumps and says so — it never runs
    continuously across the missing footage."""
    first = pieces_of(pieces[:2])
    later = pieces_of([pieces[3]], start=first[-1].end + timedelta(minutes=5))
    chosen = first + later
    path, password = tmp_path / "gap.zip", package.new_password()
    package.build(path, chosen, meta_for(chosen), password, key, burn_in=False)
    sealed = {"path": path, "password": password}
    working = extract(sealed, "working-copy.mp4")
    assert decode_errors(working) == "" and abs(float(probe(working)["format"]["duration"]) - 6.0) < 0.05
    shown = cues(working)
    assert "00:00:03,000 --> 00:00:04,000\nMain gate  20/11/2026 10:00:03 GMT\n" in shown
    assert (
        "00:00:04,000 --> 00:00:05,000\nMain gate  20/11/2026 10:05:04 GMT\n"
        "recording resumes after a gap of 5 min"
    ) in shown


def test_the_burned_in_working_copy_for_short_packages(tmp_path, pieces, key) -> None:
    """Up to BURN_IN_LIMIT the clock is burned into the picture (chosen automatically): re-encoded H.264 at
    the camera's own size (320×180 here; larger pictures are fitted into 1280×720)."""
    chosen = pieces_of(pieces[1:3])
    assert package._footage(chosen) <= package.BURN_IN_LIMIT
    path, password = tmp_path / "short.zip", package.new_password()
    manifest = package.build(path, chosen, meta_for(chosen), password, key)
    assert manifest["working_copies"][0]["clock"] == "burned-in"
    working = extract({"path": path, "password": password}, "working-copy.mp4")
    assert decode_errors(working) == ""
    info = probe(working)
    assert [(s["codec_name"], s["width"], s["height"]) for s in info["streams"]] == [("h264", 320, 180)]
    assert abs(float(info["format"]["duration"]) - 4.0) < 0.1
    assert "the date and time burned into the picture" in members(path, password)["README.txt"].decode()


def test_several_cameras_get_one_working_copy_each(tmp_path, pieces, key) -> None:
    gate = pieces_of(pieces[:2])
    hall = pieces_of(pieces[2:4], camera=(9, "Hall / stage"))
    chosen = gate + hall
    path, password = tmp_path / "two.zip", package.new_password()
    manifest = package.build(path, chosen, meta_for(chosen), password, key, burn_in=False)
    names = [c["file"] for c in manifest["working_copies"]]
    assert names == ["working-copy/7-Main-gate.mp4", "working-copy/9-Hall-stage.mp4"]
    for name in names:
        working = extract({"path": path, "password": password}, name)
        assert decode_errors(working) == "" and abs(float(probe(working)["format"]["duration"]) - 4.0) < 0.05
    assert "Hall / stage  20/11/2026 10:00:00 GMT" in cues(working)
    assert package.verify(path, password).ok


def test_clock_cues_follow_real_durations_gaps_and_summer_time() -> None:
    """Pure: cues are placed after the real durations of the segments before them (not the rows' times),
    each segment's clock starts at its own recorded start, and BST is shown in summer."""
    a = Piece(1, "Gate", SUMMER, SUMMER + 2 * S, "x", None, b"")
    b = Piece(1, "Gate", SUMMER + 62 * S, SUMMER + 64 * S, "x", None, b"")
    text = package.clock_cues([a, b], [2.04, 1.5])
    blocks = text.strip().split("\n\n")
    assert blocks[0] == "1\n00:00:00,000 --> 00:00:01,000\nGate  01/07/2026 11:00:00 BST"
    assert blocks[2] == "3\n00:00:02,000 --> 00:00:02,040\nGate  01/07/2026 11:00:02 BST"
    assert blocks[3] == (
        "4\n00:00:02,040 --> 00:00:03,040\nGate  01/07/2026 11:01:02 BST\n"
        "recording resumes after a gap of 1 min"
    )
    assert blocks[4].split("\n")[1] == "00:00:03,040 --> 00:00:03,540" and len(blocks) == 5


def test_a_camera_whose_stream_changes_part_way_gets_a_burned_in_copy(tmp_path, pieces, key) -> None:
    """A stream copy cannot join segments with different sample descriptions (here 320×180 then 640×360,
    as after a camera is reconfigured): the builder says so by burning that camera's copy in instead, one
    stream at one size that decodes from start to end."""
    from tests.viewing.footage import clip_segments
    from watchkeeper.recording.simulator import clip_command

    larger = tmp_path / "larger.mp4"
    subprocess.run(clip_command(larger, size="640x360"), check=True, timeout=120)
    first = pieces_of(pieces[:1])
    later = pieces_of(clip_segments(larger)[:1], start=first[-1].end)
    chosen = first + later
    path, password = tmp_path / "changed.zip", package.new_password()
    manifest = package.build(path, chosen, meta_for(chosen), password, key, burn_in=False)
    assert manifest["working_copies"][0]["clock"] == "burned-in"
    working = extract({"path": path, "password": password}, "working-copy.mp4")
    assert decode_errors(working) == ""
    assert [(s["width"], s["height"]) for s in probe(working)["streams"]] == [(320, 180)]
    assert abs(float(probe(working)["format"]["duration"]) - 4.0) < 0.1


def test_segment_facts_come_from_the_mp4_boxes(tmp_path, pieces) -> None:
    """Durations and sample counts for the concat list are read from the boxes — a recorder segment
    (fragmented) and a plain MP4 alike — and agree with ffprobe; a file that is no MP4 is a clear error."""
    from tests.viewing.footage import make_clip

    segment = tmp_path / "segment.mp4"
    segment.write_bytes(pieces[0][0])
    for file in (segment, make_clip(tmp_path / "clip")):
        facts = package._probe(file)
        stream = probe(file)["streams"][0]
        duration = float(probe(file)["format"]["duration"])
        assert abs(facts.seconds - duration) < 0.001 and facts.samples == round(duration * 25), stream
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\0\0\0\x10free" + b"x" * 8)
    with pytest.raises(PackageError, match="junk.mp4 is not an MP4 segment"):
        package._probe(junk)
