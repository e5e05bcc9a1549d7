import pytest
from django.core.exceptions import PermissionDenied

from tests.factories import CameraFactory, GrantFactory, UserFactory, person
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.permissions import can, require, restrict, school_ids
from watchkeeper.estate.models import Camera
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db


def test_school_role_sees_only_its_school(school, other_school):
    mine, theirs = CameraFactory(school=school), CameraFactory(school=other_school)
    head = person(Role.HEADTEACHER, school)
    visible = restrict(Camera.objects.all(), head, "estate.view")
    assert list(visible) == [mine]
    assert theirs not in visible


def test_trust_wide_role_sees_every_school(school, other_school):
    cameras = {CameraFactory(school=school), CameraFactory(school=other_school)}
    dpo = person(Role.DPO, None)
    assert set(restrict(Camera.objects.all(), dpo, "estate.view")) == cameras
    assert school_ids(dpo, "estate.view") is None


def test_role_without_the_action_sees_nothing(school):
    CameraFactory(school=school)
    sar = person(Role.SAR_HANDLER, school)
    assert not restrict(Camera.objects.all(), sar, "compliance.view").exists()


def test_revoked_grant_gives_nothing(school):
    CameraFactory(school=school)
    user = UserFactory(profile=school)
    grant = GrantFactory(user=user, school=school, role=Role.HEADTEACHER)
    assert restrict(Camera.objects.all(), user, "estate.view").exists()
    grant.revoked_at = grant.granted_at
    grant.save()
    assert not restrict(Camera.objects.all(), user, "estate.view").exists()


def test_inactive_user_sees_nothing(school):
    CameraFactory(school=school)
    head = person(Role.HEADTEACHER, school)
    head.is_active = False
    assert not restrict(Camera.objects.all(), head, "estate.view").exists()


def test_require_refuses_other_school_and_allows_system(school, other_school):
    head = person(Role.HEADTEACHER, school)
    require(head, "estate.change", school.pk)
    with pytest.raises(PermissionDenied):
        require(head, "estate.change", other_school.pk)
    require(SYSTEM, "estate.change", other_school.pk)
    assert not can(head, "estate.change", None)


def test_unknown_action_is_a_programming_error(school):
    with pytest.raises(ValueError, match="unknown action"):
        restrict(Camera.objects.all(), person(Role.DPO, None), "estate.fly")


@pytest.mark.clause("14.1", "R7")
def test_operating_role_gives_nothing_once_training_lapses(school):
    """14.1: a live viewer whose training has expired keeps the grant on record but loses its authority."""
    import datetime as dt

    from django.utils import timezone

    CameraFactory(school=school)
    viewer = person(Role.LIVE_VIEWER, school)
    assert restrict(Camera.objects.all(), viewer, "estate.view").exists()
    viewer.training.update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert not restrict(Camera.objects.all(), viewer, "estate.view").exists()
    # A role that needs no training is unaffected by the same lapse.
    sar = person(Role.SAR_HANDLER, school)
    sar.training.update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    assert restrict(Camera.objects.all(), sar, "estate.view").exists()
