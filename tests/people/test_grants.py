"""Who may grant which role where (3.2, 8.1), training before operating roles (14.1), and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import GrantFactory, TrainingFactory, UserFactory, person
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.people import services
from watchkeeper.people.forms import grantable_roles
from watchkeeper.people.models import Role, RoleGrant

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(school):
    return person(Role.HEADTEACHER, school)


@pytest.fixture
def dpo():
    return person(Role.DPO, None)


@pytest.fixture
def staff(school):
    user = UserFactory(profile=school)
    TrainingFactory(user=user, school=school)
    return user


@pytest.mark.clause("3.2")
def test_headteacher_grants_at_own_school_and_it_is_audited(head, staff, school) -> None:
    grant = services.grant_role(head, staff, Role.FOOTAGE_REVIEWER, school, now=timezone.now())
    assert grant.granted_by == head and grant.school == school and grant.revoked_at is None
    event = AuditEvent.objects.get(action="people.role_granted")
    assert event.actor == head and event.school == school and event.object_id == str(grant.pk)
    assert event.details == {"user": staff.username, "role": "footage_reviewer"}


def test_headteacher_at_another_school_is_refused(staff, other_school, school) -> None:
    outsider = person(Role.HEADTEACHER, other_school)
    with pytest.raises(PermissionDenied, match="3.2/8.1"):
        services.grant_role(outsider, staff, Role.FOOTAGE_REVIEWER, school, now=timezone.now())
    assert not RoleGrant.objects.filter(user=staff).exists()
    assert not AuditEvent.objects.filter(action="people.role_granted").exists()


@pytest.mark.parametrize(
    "role", [Role.FOOTAGE_REVIEWER, Role.CCTV_ADMIN, Role.SAR_HANDLER, Role.DESIGNATED_PERSON]
)
@pytest.mark.clause("3.2", "8.1", "R8")
def test_designated_person_may_grant_live_viewer_only(staff, school, role) -> None:
    designated = person(Role.DESIGNATED_PERSON, school)
    assert (
        services.grant_role(designated, staff, Role.LIVE_VIEWER, school, now=timezone.now()).role
        == Role.LIVE_VIEWER
    )
    with pytest.raises(PermissionDenied):
        services.grant_role(designated, staff, role, school, now=timezone.now())
    assert not RoleGrant.objects.filter(user=staff, role=role).exists()


def test_designated_person_at_another_school_may_not_grant_here(staff, school, other_school) -> None:
    designated = person(Role.DESIGNATED_PERSON, other_school)
    with pytest.raises(PermissionDenied):
        services.grant_role(designated, staff, Role.LIVE_VIEWER, school, now=timezone.now())


@pytest.mark.parametrize("role", [Role.LIVE_VIEWER, Role.FOOTAGE_REVIEWER, Role.CCTV_ADMIN, Role.SAR_HANDLER])
def test_other_school_roles_cannot_grant(staff, school, role) -> None:
    actor = person(role, school)
    with pytest.raises(PermissionDenied):
        services.grant_role(actor, staff, Role.LIVE_VIEWER, school, now=timezone.now())
    assert not RoleGrant.objects.filter(user=staff).exists()


@pytest.mark.clause("3.2")
def test_only_the_dpo_appoints_a_headteacher(head, dpo, staff, school) -> None:
    with pytest.raises(PermissionDenied, match="Only the DPO appoints a Headteacher"):
        services.grant_role(head, staff, Role.HEADTEACHER, school, now=timezone.now())
    grant = services.grant_role(dpo, staff, Role.HEADTEACHER, school, now=timezone.now())
    assert grant.role == Role.HEADTEACHER and grant.granted_by == dpo


@pytest.mark.parametrize("role", [Role.DPO, Role.BOARD_MEMBER, Role.IG_GROUP])
def test_only_the_dpo_grants_trust_wide_roles(head, dpo, staff, role) -> None:
    with pytest.raises(PermissionDenied, match="only the DPO grants trust-wide roles"):
        services.grant_role(head, staff, role, None, now=timezone.now())
    grant = services.grant_role(dpo, staff, role, None, now=timezone.now())
    assert grant.school is None and grant.trust == staff.staff.trust


@pytest.mark.clause("3.2", "10.2")
def test_the_headteacher_appoints_the_schools_designated_safeguarding_lead(head, staff, school) -> None:
    """The DSL is a school role like the others (Sch 3 Part 5 checks; design/roles.md): the Headteacher
    grants it at their school, a designated person may not, and it is never trust-wide."""
    with pytest.raises(PermissionDenied):
        services.grant_role(
            person(Role.DESIGNATED_PERSON, school), staff, Role.SAFEGUARDING_LEAD, school, now=timezone.now()
        )
    with pytest.raises(PolicyRefusal, match="Designated safeguarding lead is a school role"):
        services.grant_role(head, staff, Role.SAFEGUARDING_LEAD, None, now=timezone.now())
    grant = services.grant_role(head, staff, Role.SAFEGUARDING_LEAD, school, now=timezone.now())
    assert grant.school == school and Role.SAFEGUARDING_LEAD in grantable_roles(head)


def test_trust_and_school_roles_stay_in_their_place(dpo, staff, school) -> None:
    with pytest.raises(PolicyRefusal, match="Trust board member is a trust-wide role"):
        services.grant_role(dpo, staff, Role.BOARD_MEMBER, school, now=timezone.now())
    with pytest.raises(PolicyRefusal, match="Live viewer is a school role"):
        services.grant_role(dpo, staff, Role.LIVE_VIEWER, None, now=timezone.now())


@pytest.mark.parametrize("role", [Role.LIVE_VIEWER, Role.FOOTAGE_REVIEWER, Role.CCTV_ADMIN])
@pytest.mark.clause("14.1", "R7")
def test_operating_roles_need_current_training(head, school, role) -> None:
    untrained = UserFactory(profile=school, first_name="Una", last_name="Trained")
    with pytest.raises(PolicyRefusal) as refusal:
        services.grant_role(head, untrained, role, school, now=timezone.now())
    assert refusal.value.problems[0].startswith(
        "14.1: Una Trained has no current CCTV and data protection training"
    )
    today = timezone.localdate()
    TrainingFactory(
        user=untrained,
        school=school,
        completed_on=today - dt.timedelta(days=400),
        expires_on=today - dt.timedelta(days=1),
    )
    with pytest.raises(PolicyRefusal, match="14.1"):
        services.grant_role(head, untrained, role, school, now=timezone.now())
    assert not RoleGrant.objects.filter(user=untrained).exists()
    services.record_training(
        head,
        untrained,
        school,
        today - dt.timedelta(days=1),
        today + dt.timedelta(days=364),
        today=timezone.localdate(),
    )
    assert services.grant_role(head, untrained, role, school, now=timezone.now()).role == role


def test_roles_without_footage_need_no_training(head, school) -> None:
    untrained = UserFactory(profile=school)
    assert (
        services.grant_role(head, untrained, Role.SAR_HANDLER, school, now=timezone.now()).role
        == Role.SAR_HANDLER
    )


def test_training_on_expiry_day_is_still_current(school) -> None:
    user = UserFactory(profile=school)
    today = timezone.localdate()
    TrainingFactory(user=user, school=school, completed_on=today - dt.timedelta(days=365), expires_on=today)
    assert services.has_current_training(user, today)
    assert not services.has_current_training(user, today + dt.timedelta(days=1))


def test_a_role_cannot_be_held_twice(head, staff, school) -> None:
    services.grant_role(head, staff, Role.SAR_HANDLER, school, now=timezone.now())
    with pytest.raises(PolicyRefusal, match="already holds"):
        services.grant_role(head, staff, Role.SAR_HANDLER, school, now=timezone.now())


def test_revocation_is_audited_with_reason_and_cannot_repeat(head, staff, school) -> None:
    grant = services.grant_role(head, staff, Role.LIVE_VIEWER, school, now=timezone.now())
    services.revoke_role(head, grant, "Moved to another school", now=timezone.now())
    grant.refresh_from_db()
    assert grant.revoked_by == head and grant.revoked_at is not None
    event = AuditEvent.objects.get(action="people.role_revoked")
    assert event.reason == "Moved to another school" and event.object_id == str(grant.pk)
    with pytest.raises(PolicyRefusal, match="already been revoked"):
        services.revoke_role(head, grant, "again", now=timezone.now())
    # Once revoked, the role may be granted again.
    assert services.grant_role(head, staff, Role.LIVE_VIEWER, school, now=timezone.now()).pk != grant.pk


def test_revocation_follows_the_grant_rules(staff, school, other_school, dpo) -> None:
    grant = GrantFactory(user=staff, school=school, role=Role.FOOTAGE_REVIEWER)
    designated = person(Role.DESIGNATED_PERSON, school)
    with pytest.raises(PermissionDenied):
        services.revoke_role(designated, grant, "not theirs to revoke", now=timezone.now())
    with pytest.raises(PermissionDenied):
        services.revoke_role(
            person(Role.HEADTEACHER, other_school), grant, "wrong school", now=timezone.now()
        )
    assert not AuditEvent.objects.filter(action="people.role_revoked").exists()
    services.revoke_role(dpo, grant, "DPO decision", now=timezone.now())
    assert RoleGrant.objects.get(pk=grant.pk).revoked_by == dpo


@pytest.mark.clause("14.1", "R7")
def test_training_records_are_audited_and_checked(head, staff, school, other_school) -> None:
    today = timezone.localdate()
    record = services.record_training(
        head, staff, school, today, today + dt.timedelta(days=365), today=timezone.localdate()
    )
    assert AuditEvent.objects.get(action="people.training_recorded").object_id == str(record.pk)
    with pytest.raises(PermissionDenied):
        services.record_training(
            head, staff, other_school, today, today + dt.timedelta(days=365), today=timezone.localdate()
        )
    with pytest.raises(PolicyRefusal, match="cannot be recorded as completed in the future"):
        services.record_training(
            head,
            staff,
            school,
            today + dt.timedelta(days=1),
            today + dt.timedelta(days=9),
            today=timezone.localdate(),
        )
