"""Verifying a sealed evidence package (evidence/package/verifier.py, `watchkeeper export verify`, R18): the
file comes back from outside — from the police, a solicitor, a USB stick. Whatever it holds, verify gives a
verdict and never raises; a package cut short, or with a changed byte inside any file it holds, or opened
with another password, is never "ok"; and the untouched package is."""

from __future__ import annotations

import hashlib
import struct
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from tests.viewing.conftest import pieces
from watchkeeper.evidence import package
from watchkeeper.evidence.package import Metadata, Piece

__all__ = ["pieces"]  # the session's real H.264 segments (tests/viewing/conftest.py)

START = datetime(2026, 11, 20, 10, 0, 0, tzinfo=UTC)
LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # a ZIP local file header, before its name and extra field


class Sealed:
    def __init__(self, path: Path, password: str) -> None:
        self.path, self.password, self.data = path, password, path.read_bytes()
        self.member_data = member_data_ranges(path)

    def __repr__(self) -> str:  # not the whole package in a failure's report
        return f"Sealed({self.path.name}, {len(self.data)} bytes)"


def member_data_ranges(path: Path) -> list[range]:
    """Where each member's (encrypted) bytes lie in the ZIP: after its local header, name and extra field."""
    ranges = []
    data = path.read_bytes()
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            fields = LOCAL_HEADER.unpack_from(data, info.header_offset)
            start = info.header_offset + LOCAL_HEADER.size + fields[-2] + fields[-1]
            ranges.append(range(start, start + info.compress_size))
    return ranges


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory, pieces: list[tuple[bytes, float]]) -> Sealed:
    """One real package: two 2-second segments and their working copy, signed and password-encrypted."""
    chosen, at = [], START
    for data, seconds in pieces[:2]:
        end = at + timedelta(seconds=seconds)
        chosen.append(Piece(7, "Main gate", at, end, hashlib.sha256(data).hexdigest(), 40, data))
        at = end
    meta = Metadata(
        "WK-1-R2-20261120T100000Z-prop", 1, "Oakfield Primary School", START, at, "Rita Reviewer",
        "Helen Head", START - timedelta(hours=1), "Investigation", START + timedelta(hours=2),
    )  # fmt: skip
    path, password = tmp_path_factory.mktemp("package") / "case.zip", package.new_password()
    package.build(path, chosen, meta, password, Ed25519PrivateKey.generate(), burn_in=False)
    return Sealed(path, password)


def verdict_of(sealed: Sealed, content: bytes, password: str | None = None) -> package.verifier.Verdict:
    candidate = sealed.path.with_name("candidate.zip")
    candidate.write_bytes(content)
    return package.verify(candidate, sealed.password if password is None else password)


def test_the_untouched_package_verifies(sealed: Sealed) -> None:
    assert verdict_of(sealed, sealed.data).ok


@given(st.binary(max_size=4096))
@pytest.mark.clause("R18")
def test_bytes_that_are_no_package_get_a_verdict_never_an_exception(sealed: Sealed, blob: bytes) -> None:
    verdict = verdict_of(sealed, blob)
    assert not verdict.ok and verdict.problem


@given(st.data())
@pytest.mark.clause("R18")
def test_a_package_cut_short_anywhere_fails(sealed: Sealed, data) -> None:
    length = data.draw(st.integers(0, len(sealed.data) - 1), label="length")
    verdict = verdict_of(sealed, sealed.data[:length])
    assert not verdict.ok and verdict.problem


@given(st.data())
@pytest.mark.clause("R18")
def test_a_changed_byte_never_raises_and_inside_any_file_always_fails(sealed: Sealed, data) -> None:
    damaged = bytearray(sealed.data)
    inside = data.draw(st.booleans(), label="inside a member's data")
    if inside:
        member = data.draw(st.sampled_from([r for r in sealed.member_data if len(r)]), label="member")
        at = data.draw(st.sampled_from(member), label="at")
    else:
        at = data.draw(st.integers(0, len(damaged) - 1), label="at")
    damaged[at] ^= data.draw(st.integers(1, 255), label="xor")
    verdict = verdict_of(sealed, bytes(damaged))
    if any(at in member for member in sealed.member_data):
        assert not verdict.ok, f"a changed byte at {at}, inside a file of the package, verified"


@given(st.text(max_size=30))
def test_any_other_password_fails_plainly(sealed: Sealed, password: str) -> None:
    if password == sealed.password:
        return
    verdict = verdict_of(sealed, sealed.data, password)
    assert not verdict.ok and verdict.problem
