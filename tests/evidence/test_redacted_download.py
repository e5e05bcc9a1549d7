"""A subject access download with an approved redaction (10.4.1; design/evidence.md "Redacted packages"):
the package carries the redacted copy and its report instead of the master and the unredacted working copy.
Uses the redaction app's own scene (real footage with faces) and its real propose/render/approve jobs."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.evidence.downloads import build, members, plaintext_zip
from tests.factories import person
from tests.redaction.review.conftest import (
    RECORDED,
    S,
    committed,
    data_dir,
    fast_passwords,
    immediate,
    pieces,
    scene,
)
from tests.viewing.conftest import code_for
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence import package, services
from watchkeeper.evidence.models import Purpose
from watchkeeper.people.models import Role
from watchkeeper.redaction import services as redaction
from watchkeeper.redaction.models import Status as RedactionStatus
from watchkeeper.redaction.services.purge import purge_spent_copies

__all__ = ["data_dir", "fast_passwords", "immediate", "pieces", "scene"]

pytestmark = pytest.mark.django_db


def sar_request(scene: dict[str, Any], school: Any, red: Any) -> Any:
    return services.request_download(
        scene["reviewer"],
        school=school,
        cameras=[scene["camera"]],
        start=RECORDED - S,
        end=RECORDED + 4 * S,
        purpose=Purpose.SUBJECT_ACCESS,
        reason_category="subject_access",
        reason="Subject access request SAR-7",
        recipient_name="A. Parent",
        legal_basis="UK GDPR Art 15",
        case_reference="SAR-7",
        redaction=red,
        now=timezone.now(),
    )


@pytest.mark.clause("10.4.1", "13.1", "13.2", "R17", "R23")
def test_a_redacted_subject_access_package_leaves_no_unredacted_footage(
    scene, school, tmp_path: Path, data_dir: Path
) -> None:
    with committed():  # the proposal job runs when the start commits
        red = redaction.start_redaction(
            scene["reviewer"],
            scene["auth"],
            scene["camera"],
            RECORDED - S,
            RECORDED + 4 * S,
            now=timezone.now(),
        )
    red.refresh_from_db()
    with pytest.raises(PolicyRefusal, match="10.4.1"):
        sar_request(scene, school, red)  # proposed, not approved
    with committed():
        redaction.request_preview(scene["reviewer"], red, now=timezone.now())
    red.refresh_from_db()
    redaction.approve(scene["reviewer"], red, now=timezone.now())
    red.refresh_from_db()
    req = sar_request(scene, school, red)
    head = person(Role.HEADTEACHER, school)
    decided = services.decide_download(head, req, approve=True, otp_code=code_for(head), now=timezone.now())
    password = decided.password or ""
    download = build(req, password)
    zipped = plaintext_zip(download, tmp_path, head)
    assert package.verify(zipped, password).ok
    files = members(zipped, password)
    assert not [name for name in files if name.startswith(("master/", "working-copy"))]
    redacted = [name for name in files if name.startswith("redacted/")]
    assert redacted == [f"redacted/redacted-{school.pk}-{red.pk}-{RECORDED - S:%Y%m%dT%H%M%SZ}.mp4"]
    report = json.loads(files["redaction-report.json"])
    assert report["output"]["sha256"] == hashlib.sha256(files[redacted[0]]).hexdigest()
    assert download.expires_on is not None  # 13.2: a subject access copy is kept six months

    # 13.1, 13.2 (issue 13 §3): the approved redacted copy is kept while a package carries it, and goes
    # once every copy of the package is deleted — it has no retention of its own to outlive it.
    blob = data_dir / "redactions" / red.output_path
    assert purge_spent_copies(timezone.now() + timedelta(days=365)) == 0 and blob.exists()
    services.authorise_deletion(head, download, code_for(head, 1), now=timezone.now())
    assert purge_spent_copies(timezone.now()) == 1
    red.refresh_from_db()
    assert not blob.exists() and red.output_wrapped_key is None and red.status == RedactionStatus.APPROVED
    assert AuditEvent.objects.filter(action="redaction.copy_purged", object_id=str(red.pk)).exists()
