"""Each term, who holds footage roles is confirmed (issue 14 §1; 3.2, 8.1, 9.2): the Headteacher of the
school or the DPO confirms each current grant of a role in FOOTAGE_ROLES; a grant neither granted nor
confirmed within TERM_DAYS lapses (revoked by SYSTEM, audited `people.role_lapsed`), so a leaver nobody
deactivated, or a role nobody needs any more, does not stay for ever. WARN_DAYS before, the grant shows as
"lapses on …" on the "Confirm who holds roles" page and the daily job's message counts them.

School terms are approximated by TERM_DAYS (120): three terms a year, with the holidays between. Both
constants could move to the DPO's trust settings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet

from watchkeeper.audit.services import record
from watchkeeper.core.actors import SYSTEM, Actor, person_or_none
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import require
from watchkeeper.estate.models import School
from watchkeeper.people.models import FOOTAGE_ROLES, RoleGrant

TERM_DAYS = 120
WARN_DAYS = 21


def last_confirmed(grant: RoleGrant) -> datetime:
    return max(grant.granted_at, grant.confirmed_at or grant.granted_at)


def lapses_on(grant: RoleGrant) -> datetime:
    return last_confirmed(grant) + timedelta(days=TERM_DAYS)


def due_soon(grant: RoleGrant, now: datetime) -> bool:
    return lapses_on(grant) - timedelta(days=WARN_DAYS) <= now


def footage_grants(school: School) -> QuerySet[RoleGrant]:
    return (
        RoleGrant.objects.current()
        .filter(school=school, role__in=FOOTAGE_ROLES)
        .select_related("user", "confirmed_by")
        .order_by("user__last_name", "user__first_name", "role")
    )


@enforces("3.2", "8.1")
def confirm(actor: Actor, school: School, grants: Iterable[RoleGrant], *, now: datetime) -> int:
    """The Headteacher of `school` or the DPO confirms that these people still hold these roles."""
    require(actor, "people.manage", school.pk)
    chosen = list(grants)
    allowed = set(footage_grants(school).values_list("pk", flat=True))
    if any(grant.pk not in allowed for grant in chosen):
        raise PolicyRefusal("3.2: confirm only current footage roles at this school")
    with transaction.atomic():
        RoleGrant.objects.filter(pk__in=[g.pk for g in chosen]).update(
            confirmed_at=now, confirmed_by=person_or_none(actor)
        )
        record(
            "people.roles_confirmed",
            actor=actor,
            school=school,
            details={"grants": [g.pk for g in chosen], "count": len(chosen)},
        )
    return len(chosen)


@enforces("3.2", "8.1")
def lapse_unconfirmed(now: datetime) -> tuple[int, int]:
    """The daily job: revoke every footage-role grant not granted or confirmed within TERM_DAYS. Returns
    (lapsed, warned: still current but within WARN_DAYS of lapsing)."""
    lapsed = warned = 0
    for grant in RoleGrant.objects.current().filter(role__in=FOOTAGE_ROLES).select_related("user", "school"):
        if lapses_on(grant) <= now:
            with transaction.atomic():
                grant.revoked_at, grant.revoked_by = now, None
                grant.save(update_fields=["revoked_at", "revoked_by"])
                audit_about(
                    "people.role_lapsed",
                    SYSTEM,
                    grant,
                    user=grant.user.get_username(),
                    role=grant.role,
                    last_confirmed=last_confirmed(grant).isoformat(),
                )
            lapsed += 1
        elif due_soon(grant, now):
            warned += 1
    return lapsed, warned
