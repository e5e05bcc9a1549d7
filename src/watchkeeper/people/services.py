"""Staff accounts, roles and training. Roles at a school are granted by its Headteacher or the DPO; a
designated person may approve live viewers in the Headteacher's place (8.1). Operating roles need current
training (14.1). Every grant and revocation is audited."""

from __future__ import annotations

from base64 import b32encode
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor, Person, is_system, person_or_none
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import require
from watchkeeper.estate.models import School, Trust
from watchkeeper.people import invitations, passkeys, sso
from watchkeeper.people.models import (
    SCHOOL_ROLES,
    SECOND_FACTOR_ROLES,
    TRAINING_REQUIRED_ROLES,
    TRUST_ROLES,
    Course,
    Credential,
    Role,
    RoleGrant,
    StaffProfile,
    TrainingRecord,
)
from watchkeeper.people.own_account import record_setting
from watchkeeper.people.sessions import end_sessions

# 8.1: live viewing is approved by a Headteacher or a designated person.
DESIGNATED_PERSON_MAY_GRANT = frozenset({Role.LIVE_VIEWER})


@dataclass(frozen=True)
class NewStaff:
    user: User
    invitation: invitations.Issued  # the link's token is in here, to hand over when it was not e-mailed


def create_staff(
    actor: Actor,
    trust: Trust,
    school: School | None,
    username: str,
    *,
    first_name: str,
    last_name: str,
    email: str = "",
    job_title: str = "",
    link: str,
    now: datetime,
) -> NewStaff:
    """An account with no usable password and no authenticator, and an invitation with which its holder
    sets both (people/invitations.py): the creator never knows either (9.2, 9.5)."""
    require(actor, "people.manage", school.pk if school else None)
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise PolicyRefusal(f"3.2: the user name {username!r} is taken")
    with transaction.atomic():
        user = user_model.objects.create_user(
            username=username, email=email, password=None, first_name=first_name, last_name=last_name
        )
        StaffProfile.objects.create(user=user, trust=trust, school=school, job_title=job_title)
        record(
            "people.staff_created",
            actor=actor,
            school=school,
            obj=user,
            details={"username": username, "name": user.get_full_name()},
        )
        issued = invitations.issue(actor, user, link=link, now=now)
    return NewStaff(user, issued)


def totp_secret(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()


def set_demo_credentials(actor: Actor, user: User, password: str, *, now: datetime) -> TOTPDevice:
    """The demo only (`watchkeeper demo`, SYSTEM): known credentials written to the demo's credentials
    file, marked as demo data. Recorded as set by nobody, so the demo's accounts are their holders' own."""
    if not is_system(actor):
        raise PermissionDenied("Only the server's demo command sets an account's credentials.")
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        invitations.void_open(user, now)
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        record_setting(user, Credential.PASSWORD, actor, now)
        record_setting(user, Credential.SECOND_FACTOR, actor, now)
    return device


def reset_sign_in(actor: Actor, user: User, *, link: str, now: datetime) -> invitations.Issued:
    """A lost phone or a forgotten password: a new invitation (people/invitations.py); the old password and
    authenticator stop working at once and the person's sessions end."""
    require(actor, "people.manage", _home_school_id(user))
    if not user.is_active:
        raise PolicyRefusal(_DEACTIVATED)
    return invitations.reset_sign_in(actor, user, link=link, now=now)


# A leaver's account stays for the record (the audit log names it) but is given nothing new.
_DEACTIVATED = "3.2: this account is deactivated (a leaver) — it cannot be given a role or a new invitation"


@enforces("3.2", "8.1")
def deactivate(actor: Actor, user: User, reason: str, *, now: datetime) -> None:
    """A leaver: the account can no longer sign in, its sessions end, its invitations are void, its single
    sign-on links are removed and its roles are revoked (each under the usual authority: only the DPO
    revokes a Headteacher or trust role)."""
    require(actor, "people.manage", _home_school_id(user))
    if person_or_none(actor) == user:
        raise PolicyRefusal("3.2: you cannot deactivate your own account — ask the DPO")
    if not user.is_active:
        raise PolicyRefusal("3.2: this account is already deactivated")
    grants = list(RoleGrant.objects.current().filter(user=user).select_related("school"))
    for grant in grants:
        check_grant_authority(actor, Role(grant.role), grant.school)
    with transaction.atomic():
        for grant in grants:
            revoke_role(actor, grant, f"account deactivated: {reason}", now=now)
        user.is_active = False
        user.save(update_fields=["is_active"])
        invitations.void_open(user, now)
        ended = end_sessions(user, now=now)
        unlinked = sso.unlink_identities(user, actor=actor, now=now, reason="account deactivated")
        passkeys_removed = passkeys.remove_all_passkeys(user)
        record(
            "people.account_deactivated",
            actor=actor,
            school=_home_school(user),
            obj=user,
            details={
                "reason": reason,
                "sessions_ended": ended,
                "roles_revoked": len(grants),
                "sso_links_removed": unlinked,
                "passkeys_removed": passkeys_removed,
            },
        )


@enforces("14.1", "R7")
def has_current_training(user: Person, today: date) -> bool:
    return TrainingRecord.objects.filter(
        user=user,
        course=Course.CCTV_OPERATION_AND_DATA_PROTECTION,
        completed_on__lte=today,
        expires_on__gte=today,
    ).exists()


@enforces("3.2", "8.1", "14.1", "R7")
def grant_role(actor: Actor, user: User, role: str, school: School | None, *, now: datetime) -> RoleGrant:
    role = Role(role)
    check_grant_authority(actor, role, school)
    if not user.is_active:
        raise PolicyRefusal(_DEACTIVATED)
    if role in TRAINING_REQUIRED_ROLES and not has_current_training(user, timezone.localdate(now)):
        raise PolicyRefusal(
            f"14.1: {user.get_full_name() or user.get_username()} has no current CCTV and data protection "
            f"training record — record their training before granting {role.label.lower()}"
        )
    if RoleGrant.objects.current().filter(user=user, role=role, school=school).exists():
        raise PolicyRefusal(f"3.2: {user.get_username()} already holds {role.label.lower()} there")
    trust = school.trust if school else _trust_of(user)
    with transaction.atomic():
        grant = RoleGrant.objects.create(
            user=user,
            trust=trust,
            school=school,
            role=role,
            granted_at=now,
            granted_by=person_or_none(actor),
        )
        audit_about("people.role_granted", actor, grant, user=user.get_username(), role=role.value)
    return grant


def revoke_role(actor: Actor, grant: RoleGrant, reason: str = "", *, now: datetime) -> RoleGrant:
    check_grant_authority(actor, Role(grant.role), grant.school)
    if grant.revoked_at is not None:
        raise PolicyRefusal("3.2: this role has already been revoked")
    with transaction.atomic():
        grant.revoked_at = now
        grant.revoked_by = person_or_none(actor)
        grant.save(update_fields=["revoked_at", "revoked_by"])
        audit_about(
            "people.role_revoked",
            actor,
            grant,
            reason=reason,
            user=grant.user.get_username(),
            role=grant.role,
        )
    return grant


@enforces("14.1", "R7")
def record_training(
    actor: Actor,
    user: User,
    school: School,
    completed_on: date,
    expires_on: date,
    course: str = Course.CCTV_OPERATION_AND_DATA_PROTECTION,
    *,
    today: date,
) -> TrainingRecord:
    require(actor, "training.record", school.pk)
    if expires_on <= completed_on:
        raise PolicyRefusal("14.1: training must expire after the date it was completed")
    if completed_on > today:
        raise PolicyRefusal("14.1: training cannot be recorded as completed in the future")
    with transaction.atomic():
        training = TrainingRecord.objects.create(
            user=user,
            school=school,
            course=course,
            completed_on=completed_on,
            expires_on=expires_on,
            recorded_by=person_or_none(actor),
        )
        audit_about(
            "people.training_recorded",
            actor,
            training,
            user=user.get_username(),
            course=course,
            completed_on=completed_on.isoformat(),
            expires_on=expires_on.isoformat(),
        )
    return training


@enforces("R15")
def needs_second_factor(user: Person) -> bool:
    return RoleGrant.objects.current().filter(user=user, role__in=SECOND_FACTOR_ROLES).exists()


@enforces("3.2", "8.1")
def check_grant_authority(actor: Actor, role: Role, school: School | None) -> None:
    if is_system(actor):
        return
    if role in TRUST_ROLES or school is None:
        if role not in TRUST_ROLES or school is not None:
            raise PolicyRefusal(
                f"3.2: {role.label} is a {'trust-wide' if role in TRUST_ROLES else 'school'} role"
            )
        _require_role(actor, Role.DPO, None, "only the DPO grants trust-wide roles")
        return
    if role not in SCHOOL_ROLES:
        raise PolicyRefusal(f"3.2: {role.label} cannot be held at a school")
    if _holds(actor, Role.DPO, None) or _holds(actor, Role.HEADTEACHER, school):
        if role == Role.HEADTEACHER and not _holds(actor, Role.DPO, None):
            raise PermissionDenied("Only the DPO appoints a Headteacher.")
        return
    if role in DESIGNATED_PERSON_MAY_GRANT and _holds(actor, Role.DESIGNATED_PERSON, school):
        return
    raise PermissionDenied(
        "3.2/8.1: roles at a school are granted by its Headteacher or the DPO "
        "(a designated person may approve live viewers)."
    )


def _holds(actor: Actor, role: Role, school: School | None) -> bool:
    grants = RoleGrant.objects.current().filter(user=person_or_none(actor), role=role)
    if role in TRUST_ROLES:
        return grants.filter(school__isnull=True).exists()
    return grants.filter(school=school).exists()


def _require_role(actor: Actor, role: Role, school: School | None, message: str) -> None:
    if not _holds(actor, role, school):
        raise PermissionDenied(message)


def _home_school(user: Person) -> School | None:
    profile = StaffProfile.objects.filter(user=user).select_related("school").first()
    return profile.school if profile else None


def _home_school_id(user: Person) -> int | None:
    school = _home_school(user)
    return school.pk if school else None


def _trust_of(user: Person) -> Trust:
    profile = StaffProfile.objects.filter(user=user).select_related("trust").first()
    if profile is None:
        raise PolicyRefusal("3.2: this account has no staff profile, so it belongs to no trust")
    return profile.trust
