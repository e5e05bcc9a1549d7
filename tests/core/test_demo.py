import stat

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.servers import fresh_database
from watchkeeper.audit.models import AuditEvent
from watchkeeper.audit.services import verify
from watchkeeper.compliance.services import exceptions_for
from watchkeeper.estate.models import Camera, CameraStatus, School, Vehicle
from watchkeeper.misuse.models import Alert
from watchkeeper.people.models import SCHOOL_ROLES, TRAINING_REQUIRED_ROLES, TRUST_ROLES, RoleGrant
from watchkeeper.people.services import has_current_training
from watchkeeper.site.demo import TRUST_NAME, credentials_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    call_command("demo")


def test_demo_builds_the_trust_the_issue_describes(demo):
    schools = School.objects.filter(trust__name=TRUST_NAME)
    assert schools.count() == 2
    assert Vehicle.objects.filter(school__in=schools).count() == 1
    cameras = Camera.objects.filter(school__in=schools)
    assert cameras.count() >= 6
    assert cameras.filter(legacy=True).exists()
    proposed = cameras.get(status=CameraStatus.PROPOSED)
    assert not proposed.dpias.exists()
    assert cameras.filter(vehicle__isnull=False, status=CameraStatus.ACTIVE).count() >= 1
    # Issue 18 §1: one misuse alert (rule a) at Oakfield, open, for the DPO.
    assert list(Alert.objects.values_list("rule", "outcome", "school__name")) == [
        ("a", "", "Oakfield Primary School")
    ]


def test_demo_has_trained_staff_in_every_role(demo):
    for school in School.objects.all():
        held = set(RoleGrant.objects.current().filter(school=school).values_list("role", flat=True))
        assert held == set(SCHOOL_ROLES), school
    assert set(RoleGrant.objects.current().filter(school=None).values_list("role", flat=True)) == set(
        TRUST_ROLES
    )
    for grant in RoleGrant.objects.filter(role__in=TRAINING_REQUIRED_ROLES):
        assert has_current_training(grant.user, timezone.localdate())


@pytest.mark.clause("7.3", "R5")
def test_demo_compliance_is_green_legacy_camera_under_a_retrospective_dpia(demo):
    """7.3: the legacy car-park camera records under its retrospective DPIA; the trust has an appropriate
    policy document in date and each school a privacy notice, so no school needs attention."""
    from watchkeeper.compliance.services import compliance_summary
    from watchkeeper.compliance.trust import policy_document_status, settings_of

    today = timezone.localdate()
    legacy = Camera.objects.get(legacy=True)
    assert legacy.status == CameraStatus.ACTIVE and legacy.dpias.filter(retrospective=True).exists()
    assert exceptions_for(Camera.objects.all(), today) == []
    summary = compliance_summary(School.objects.all(), Camera.objects.all(), today)
    assert all(row.ok for row in summary)
    assert policy_document_status(settings_of(legacy.school.trust_id), today).ok


def test_demo_is_idempotent_and_its_audit_chain_verifies(demo, capsys):
    events = AuditEvent.objects.count()
    call_command("demo")
    assert "nothing changed" in capsys.readouterr().out
    assert AuditEvent.objects.count() == events
    verdict = verify()
    assert verdict.intact and verdict.count == events


def test_demo_credentials_file_is_private_and_complete(demo):
    path = credentials_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    for username in (
        "dpo",
        "board",
        "igroup",
        "head-oak",
        "deputy-river",
        "admin-oak",
        "sar-river",
        "dsl-oak",
    ):
        assert f"\n{username} " in text


def test_demo_code_prints_the_current_code(demo, capsys):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    call_command("demo_code", "head-oak")
    code = capsys.readouterr().out.strip()
    device = TOTPDevice.objects.get(user__username="head-oak")
    assert len(code) == 6 and device.verify_token(code)


# --- the demo's sealed evidence package (issue 5 §2; design/evidence.md "The demo package") ---------------


def test_demo_in_process_makes_no_package_inside_a_transaction(demo):
    """The package's build job runs when the authorisation commits; a caller's transaction never commits,
    so an in-process demo (as here) leaves no half-made request behind."""
    from watchkeeper.evidence.models import DownloadRequest

    assert not DownloadRequest.objects.exists()
    assert "demo-package" not in credentials_path().read_text()


def test_demo_package_verifies_with_the_password_in_the_credentials_file(tmp_path):
    """`watchkeeper migrate` + `watchkeeper demo` in their own process (a fresh data dir, and on PostgreSQL
    a fresh database, as the browser tests' server), as a newcomer runs them: the SAR and police windows
    have footage; the package verifies with the password from demo-credentials.txt (through package.verify
    and `watchkeeper export verify`); a second `demo` adds nothing."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from watchkeeper.evidence import package

    watchkeeper = str(Path(sys.executable).parent / "watchkeeper")
    env = {**os.environ, "WATCHKEEPER_DATA_DIR": str(tmp_path)}
    fresh_database(env, "_demo")  # not the browser tests' "_browser": their server may be using it

    def run(*args: str) -> str:
        result = subprocess.run([watchkeeper, *args], env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    run("migrate", "--no-input", "-v0")
    assert "Demo evidence package: " in run("demo")
    # Issue 15 §1: every second of the demo SAR's, police request's and FOI request's windows has footage.
    covered = json.loads(run("shell", "-v0", "-c", COVERED).strip().splitlines()[-1])
    assert covered == {
        "sar": {"Main gate": 10.0, "Playground": 10.0},
        "police": {"Main gate": 10.0},
        "foi": {"Main gate": 10.0},
    }
    credentials = (tmp_path / "demo-credentials.txt").read_text()
    password = credentials.split("  password: ")[1].split()[0]
    zip_path = tmp_path / "demo-package.zip"
    verdict = package.verify(zip_path, password)
    assert verdict.ok, verdict.problem
    wrong = password[:-1] + ("y" if password.endswith("x") else "x")  # never the password itself
    assert not package.verify(zip_path, wrong).ok
    assert (tmp_path / "demo-package-password.txt").read_text().strip() == password
    manifest = package.read_member(zip_path, password, package.MANIFEST)
    assert b'"Main gate"' in manifest and b'"clock": "burned-in"' in manifest
    assert "package verified" in run(
        "export", "verify", str(zip_path), "--password-file", str(tmp_path / "demo-package-password.txt")
    )
    assert "Demo evidence package" not in run("demo")
    assert (tmp_path / "demo-credentials.txt").read_text() == credentials


# Seconds of footage in each camera of the demo's SAR, police and FOI windows, as JSON (run in its process).
COVERED = """
import json
from watchkeeper.disclosures.models import DisclosureRequest, FOIRequest
from watchkeeper.recording.models import Segment
from watchkeeper.subjectaccess.models import SubjectAccessRequest
def covered(cameras, start, end):
    return {c.name: sum((min(s.end, end) - max(s.start, start)).total_seconds()
                        for s in Segment.objects.filter(camera=c, start__lt=end, end__gt=start))
            for c in cameras.all()}
sar = SubjectAccessRequest.objects.get(by_public_form=False)
police = DisclosureRequest.objects.get(reference="MP/DEMO/0001")
foi = FOIRequest.objects.get()
print(json.dumps({"sar": covered(sar.cameras, sar.window_start, sar.window_end),
                  "police": covered(police.cameras, police.start, police.end),
                  "foi": covered(foi.cameras, foi.start, foi.end)}))
"""
