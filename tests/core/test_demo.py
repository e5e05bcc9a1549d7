import stat

import pytest
from django.core.management import call_command

from watchkeeper.audit.models import AuditEvent
from watchkeeper.audit.services import verify
from watchkeeper.compliance.services import exceptions_for
from watchkeeper.core.demo import TRUST_NAME, credentials_path
from watchkeeper.estate.models import Camera, CameraStatus, School, Vehicle
from watchkeeper.people.models import SCHOOL_ROLES, TRAINING_REQUIRED_ROLES, TRUST_ROLES, RoleGrant
from watchkeeper.people.services import has_current_training

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


def test_demo_has_trained_staff_in_every_role(demo):
    for school in School.objects.all():
        held = set(RoleGrant.objects.current().filter(school=school).values_list("role", flat=True))
        assert held == set(SCHOOL_ROLES), school
    assert set(RoleGrant.objects.current().filter(school=None).values_list("role", flat=True)) == set(
        TRUST_ROLES
    )
    for grant in RoleGrant.objects.filter(role__in=TRAINING_REQUIRED_ROLES):
        assert has_current_training(grant.user)


def test_demo_legacy_camera_is_a_compliance_exception(demo):
    rows = dict(exceptions_for(Camera.objects.all()))
    legacy = Camera.objects.get(legacy=True)
    assert rows[legacy] == ["7.3: legacy camera without an approved retrospective DPIA"]


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
    for username in ("dpo", "board", "igroup", "head-oak", "deputy-river", "admin-oak", "sar-river"):
        assert f"\n{username} " in text


def test_demo_code_prints_the_current_code(demo, capsys):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    call_command("demo_code", "head-oak")
    code = capsys.readouterr().out.strip()
    device = TOTPDevice.objects.get(user__username="head-oak")
    assert len(code) == 6 and device.verify_token(code)
