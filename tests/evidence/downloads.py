"""Helpers for download-request tests: real footage, a request, an authorisation with a real TOTP code, and
the package built by the real job code (design/evidence.md "Download requests")."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import CameraFactory, person
from tests.viewing.conftest import RECORDED, code_for
from tests.viewing.footage import store_footage
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence import services, storage
from watchkeeper.evidence.models import Download, DownloadRequest, Purpose
from watchkeeper.people.models import Role
from watchkeeper.recording.models import Hold
from watchkeeper.recording.services import place_hold

S = timedelta(seconds=1)
# Segments 1 and 2 of the gate camera (2 s each from RECORDED) lie inside the window; 0 and 3 outside.
START, END = RECORDED + 2 * S, RECORDED + 6 * S


def footage(ctx: dict[str, Any]) -> dict[str, Any]:
    school = ctx["school"]
    ctx["gate"] = CameraFactory(school=school, name="Main gate")
    ctx["reviewer"] = person(Role.FOOTAGE_REVIEWER, school, first_name="Rita", last_name="Reviewer")
    ctx["head"] = person(Role.HEADTEACHER, school, first_name="Helen", last_name="Head")
    ctx["segments"] = store_footage(ctx["gate"], RECORDED, ctx["pieces"][:4])
    return ctx


def ask(ctx: dict[str, Any], actor: Any = None, **overrides: Any) -> DownloadRequest:
    terms: dict[str, Any] = {
        "school": ctx["school"],
        "cameras": [ctx["gate"]],
        "start": START,
        "end": END,
        "purpose": Purpose.POLICE,
        "reason_category": "criminal_activity",
        "reason": "Damage to the gate reported to the police",
        "recipient_name": "PC Jane Smith",
        "recipient_organisation": "Avon and Somerset Police",
        "legal_basis": "DPA 2018 Sch 2 Part 1 para 2",
        "case_reference": "CR-123",
    }
    terms.update(overrides)
    return services.request_download(actor or ctx["reviewer"], **terms, now=timezone.now())


def authorise(ctx: dict[str, Any], req: DownloadRequest, decider: Any = None) -> services.Decided:
    decider = decider or ctx["head"]
    return services.decide_download(
        decider, req, approve=True, otp_code=code_for(decider), now=timezone.now()
    )


def build(req: DownloadRequest, password: str) -> Download:
    """What the job does, in-process (the job itself is tested through huey in test_downloads.py)."""
    req.refresh_from_db()
    sealed = storage.seal_secret(password, req.school_id, services.secret_purpose(req))
    return services.run_build(req.pk, sealed, now=timezone.now())


def failed_build(ctx: dict[str, Any]) -> tuple[services.Decided, Hold]:
    """An authorised request whose build failed: the CCTV administrator held its footage as evidence after
    the authorisation (9.6). Returns the decision (its password) and the hold."""
    decided = authorise(ctx, ask(ctx))
    admin = person(Role.CCTV_ADMIN, ctx["school"])
    today = timezone.localdate()
    hold = place_hold(
        admin, ctx["school"], [ctx["gate"]], START, END, "Assault", today + timedelta(days=30), today=today
    )
    with pytest.raises(PolicyRefusal, match="9.6"):
        build(decided.request, decided.password or "")
    decided.request.refresh_from_db()
    return decided, hold


def plaintext_zip(download: Download, into: Path, actor: Any) -> Path:
    """The stored package decrypted (as the download view streams it) into a file."""
    path = into / download.package_file.replace(".wkpkg", ".zip")
    path.write_bytes(b"".join(services.fetch_copy(actor, download, now=timezone.now())))
    return path


def members(path: Path, password: str) -> dict[str, bytes]:
    import pyzipper

    with pyzipper.AESZipFile(io.BytesIO(path.read_bytes())) as z:
        z.setpassword(password.encode())
        return {name: z.read(name) for name in z.namelist()}
