"""Sealed evidence packages (9.5, 11.3, 11.4, 11.6; design/evidence.md "Evidence packages"): footage
recorded through the recording app's write path, exported under an approved authorisation, then verified —
and every kind of tampering (a flipped byte in any file, a swapped manifest, another school's key, a wrong
password, not a ZIP at all) fails verification naming what is wrong."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import av
import pytest
import pyzipper
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import CameraFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.viewing.conftest import RECORDED, approved
from tests.viewing.footage import store_footage
from watchkeeper.audit.models import AuditEvent
from watchkeeper.evidence import package
from watchkeeper.evidence.models import Download, Kind
from watchkeeper.evidence.services import (
    PACKAGE_EXPORTED,
    PACKAGE_FETCHED,
    Exported,
    export_package,
    package_path,
)
from watchkeeper.people.models import Role
from watchkeeper.viewing.models import ViewingAuthorisation

pytestmark = pytest.mark.django_db

S = timedelta(seconds=1)
# The authorisation covers segments 1 and 2 (2 s each): 4 s of footage.
START, END = RECORDED + 2 * S, RECORDED + 6 * S


@pytest.fixture
def ctx(school, pieces) -> dict[str, Any]:
    gate = CameraFactory(school=school, name="Main gate")
    requester = person(Role.FOOTAGE_REVIEWER, school)
    head = person(Role.HEADTEACHER, school, first_name="Helen", last_name="Head")
    segments = store_footage(gate, RECORDED, pieces[:4])
    auth = approved(requester, [gate], START, END, head)
    return {
        "school": school,
        "gate": gate,
        "requester": requester,
        "head": head,
        "segments": segments,
        "auth": auth,
    }


@pytest.fixture
def exported(ctx) -> Exported:
    return export_package(ctx["requester"], ctx["auth"])


def members(path: Path, password: str) -> dict[str, bytes]:
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


def test_round_trip_export_then_verify_passes(exported: Exported, tmp_path: Path) -> None:
    assert exported.path.parent.name == "exports" and exported.path.exists()
    assert package.verify(exported.path, exported.password).ok
    assert verify_command(exported.path, exported.password, tmp_path) == "package verified"


def test_the_password_is_long_random_and_never_kept(exported: Exported) -> None:
    """11.6: ≥ 20 characters from a clear alphabet, neither in the log row nor in the audit event."""
    assert len(exported.password) >= 20 and set(exported.password) <= set(package.ALPHABET)
    assert package.new_password() != exported.password
    event = AuditEvent.objects.get(action=PACKAGE_EXPORTED)
    assert exported.password not in json.dumps(event.details) + event.reason


def test_the_master_copy_is_bit_exact_and_complete(ctx, exported: Exported) -> None:
    files = members(exported.path, exported.password)
    masters = sorted(name for name in files if name.startswith("master/"))
    expected = [s.sha256 for s in ctx["segments"][1:3]]
    assert [hashlib.sha256(files[name]).hexdigest() for name in masters] == expected
    assert {n for n in files if not n.startswith("master/")} == {
        "working-copy.mp4",
        "manifest.json",
        "manifest.sig",
        "signing-key.pub",
        "README.txt",
    }
    manifest = json.loads(files["manifest.json"])
    assert manifest["school"]["name"] == ctx["school"].name
    assert manifest["authorised_by"] == "Helen Head" and manifest["range_utc"][0] == START.isoformat()
    readme = files["README.txt"].decode()
    assert "social media" in readme and "11.4" in readme and "export verify" in readme


def test_the_working_copy_plays_for_the_footage_duration(exported: Exported) -> None:
    working = members(exported.path, exported.password)["working-copy.mp4"]
    path = exported.path.with_name("working.mp4")
    path.write_bytes(working)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(stream))
        assert (stream.codec_context.width, stream.codec_context.height) == (1280, 720)
    assert 3.8 <= frames / 25 <= 4.2  # two 2-second segments at 25 fps


def test_the_download_row_and_audit_event_record_the_package(ctx, exported: Exported) -> None:
    download = Download.objects.get()
    assert download == exported.download and download.kind == Kind.PACKAGE
    assert (download.requested_by, download.authorised_by) == (ctx["requester"], ctx["head"])
    assert download.sha256 == hashlib.sha256(exported.path.read_bytes()).hexdigest()
    event = AuditEvent.objects.get(action=PACKAGE_EXPORTED)
    assert (event.actor, event.object_id, event.details["segments"]) == (
        ctx["requester"],
        str(download.pk),
        2,
    )


@pytest.mark.parametrize("target", ["master", "working-copy.mp4", "README.txt", "signing-key.pub"])
def test_one_flipped_byte_in_a_file_fails_verify_naming_it(exported: Exported, target: str, tmp_path) -> None:
    files = members(exported.path, exported.password)
    name = next(n for n in files if n.startswith(target))
    data = bytearray(files[name])
    data[len(data) // 2] ^= 0x01
    tampered = rezip(exported.path, exported.password, {**files, name: bytes(data)})
    verdict = package.verify(tampered, exported.password)
    assert not verdict.ok and name in verdict.problem
    assert name in verify_command(tampered, exported.password, tmp_path)


def test_a_flipped_byte_in_the_encrypted_zip_fails_verify(exported: Exported) -> None:
    raw = bytearray(exported.path.read_bytes())
    raw[len(raw) // 3] ^= 0x01
    exported.path.write_bytes(bytes(raw))
    verdict = package.verify(exported.path, exported.password)
    assert not verdict.ok and "is damaged" in verdict.problem


@pytest.mark.parametrize("target", ["manifest.json", "manifest.sig"])
def test_a_changed_manifest_or_signature_fails_the_signature(exported: Exported, target: str) -> None:
    files = members(exported.path, exported.password)
    if target == "manifest.json":
        manifest = json.loads(files[target])
        manifest["authorised_by"] = "Somebody Else"
        files[target] = json.dumps(manifest, indent=2).encode()
    else:
        files[target] = bytes([files[target][0] ^ 1]) + files[target][1:]
    verdict = package.verify(rezip(exported.path, exported.password, files), exported.password)
    assert not verdict.ok and "signature" in verdict.problem


def test_a_package_signed_by_another_key_fails_on_the_school_server(exported: Exported, tmp_path) -> None:
    """Self-consistent (manifest re-signed, that key enclosed) but not the school's key."""
    files = members(exported.path, exported.password)
    manifest = json.loads(files["manifest.json"])
    manifest["reason"] = "rewritten"
    other = Ed25519PrivateKey.generate()
    files["manifest.json"] = json.dumps(manifest).encode()
    files["manifest.sig"] = other.sign(files["manifest.json"])
    files["signing-key.pub"] = package.public_pem(other.public_key())
    manifest["files"]["signing-key.pub"] = hashlib.sha256(files["signing-key.pub"]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    files["manifest.sig"] = other.sign(files["manifest.json"])
    tampered = rezip(exported.path, exported.password, files)
    assert package.verify(tampered, exported.password).ok  # nothing but the school's key can tell
    message = verify_command(tampered, exported.password, tmp_path)
    assert "signature" in message and "school's key" in message


def test_a_wrong_password_or_a_non_zip_is_a_clear_error(exported: Exported, tmp_path: Path) -> None:
    assert "wrong password" in verify_command(exported.path, "not-the-password", tmp_path)
    not_zip = tmp_path / "notes.zip"
    not_zip.write_bytes(b"just some text")
    assert "not a ZIP file" in verify_command(not_zip, exported.password, tmp_path)


# --- the pages: every view through the generic permission case -------------------------------------------


def footage(ctx: dict[str, Any]) -> None:
    gate = CameraFactory(school=ctx["school"], name="Main gate")
    ctx["requester"] = person(Role.FOOTAGE_REVIEWER, ctx["school"])
    head = person(Role.HEADTEACHER, ctx["school"], first_name="Helen", last_name="Head")
    store_footage(gate, RECORDED, ctx["pieces"][1:3])
    ctx["auth"] = approved(ctx["requester"], [gate], START, END, head)


def mine(ctx: dict[str, Any]) -> ViewingAuthorisation:
    """The permitted person (made last by run_view_case) becomes the requester, as in tests/viewing."""
    auth = ctx["auth"]
    if "user" in ctx and auth.requested_by_id != ctx["user"].pk:
        ViewingAuthorisation.objects.filter(pk=auth.pk).update(requested_by=ctx["user"])
    return auth


def exported_for_user(ctx: dict[str, Any]) -> str:
    """The package file URL; exported by the permitted person the first time it is asked for."""
    auth = mine(ctx)
    if "user" in ctx and not Download.objects.filter(requested_by=ctx["user"]).exists():
        auth.refresh_from_db()
        export_package(ctx["user"], auth)
    download = Download.objects.filter(requested_by=ctx.get("user", ctx["requester"])).first()
    if download is None:
        download = export_package(ctx["requester"], auth).download
    return reverse("evidence:package_file", args=[download.pk])


def shows_password_once(ctx: dict[str, Any], response: Any) -> None:
    page = response.content.decode()
    download = Download.objects.get(requested_by=ctx["user"])
    assert "shown <strong>once</strong>" in page and "separately from the file" in page and "11.6" in page
    assert response["Cache-Control"] == "private, no-store"
    password = page.split('class="package-password">')[1].split("<")[0]
    assert package.verify(package_path(download), password).ok


def is_the_zip(ctx: dict[str, Any], response: Any) -> None:
    body = b"".join(response.streaming_content)
    download = Download.objects.get(requested_by=ctx["user"])
    assert hashlib.sha256(body).hexdigest() == download.sha256
    assert AuditEvent.objects.filter(action=PACKAGE_FETCHED, object_id=str(download.pk)).count() == 1


PAGE_CASES = [
    ViewCase(
        "package-create",
        lambda ctx: reverse("evidence:package_create", args=[mine(ctx).pk]),
        Role.FOOTAGE_REVIEWER,
        Role.HEADTEACHER,
        method="post",
        setup=footage,
        check=shows_password_once,
    ),
    ViewCase(
        "package-file",
        exported_for_user,
        Role.FOOTAGE_REVIEWER,
        Role.HEADTEACHER,
        setup=footage,
        check=is_the_zip,
    ),
]


@pytest.mark.parametrize("case", PAGE_CASES, ids=lambda case: case.id)
def test_permission_case(case: ViewCase, school, other_school, pieces) -> None:
    run_view_case(case, {"school": school, "other_school": other_school, "pieces": pieces})


def test_no_footage_to_export_is_a_refusal_not_a_package(ctx) -> None:
    """Nothing was recorded in this window: the page says why (9.5) and nothing is logged."""
    empty = approved(ctx["requester"], [ctx["gate"]], RECORDED + 30 * S, RECORDED + 40 * S, ctx["head"])
    client = sign_in(Client(), ctx["requester"])
    response = client.post(reverse("evidence:package_create", args=[empty.pk]))
    assert response.status_code == 400 and "9.5: there is no footage" in response.content.decode()
    assert not Download.objects.exists()
