"""What the breach services share: the actions, the one way an event about a breach is audited, who the
DPO is, and the notice that tells them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from watchkeeper.breaches import clock
from watchkeeper.breaches.models import Breach
from watchkeeper.core.actors import Actor, Person
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.permissions import ACTIONS
from watchkeeper.notices.services import notify
from watchkeeper.people.models import RoleGrant

REPORT, VIEW, DECIDE, REGISTER = "breaches.report", "breaches.view", "breaches.decide", "breaches.register"


def audit(event: str, actor: Actor, breach: Breach, reason: str = "", **details: Any) -> None:
    """The audit event `breaches.<event>`, filed under the breach's school (none: trust-wide), in the
    caller's transaction."""
    audit_about(f"breaches.{event}", actor, breach, reason=reason, reference=breach.reference, **details)


def deciders() -> list[Person]:
    """The people who decide breaches (the DPO): current trust-wide grants of a deciding role."""
    grants = RoleGrant.objects.current().filter(role__in=ACTIONS[DECIDE], school=None)
    users = get_user_model().objects.filter(pk__in=grants.values("user_id"), is_active=True)
    return list(users.order_by("pk"))


def tell_dpo(breach: Breach, kind: str, now: datetime) -> int:
    """15.1: the DPO is told at once, by e-mail too (reference and link only; statutory: always sent)."""
    url = reverse("breaches:detail", args=[breach.pk])
    return notify(deciders(), kind=kind, reference=breach.reference, url=url, now=now, statutory=True)


def stopped_at(breach: Breach) -> datetime | None:
    """When the 72-hour clock stopped: the ICO's first phase sent, or a decision not to tell the ICO."""
    if breach.ico_decision in ("not_notify", "not_a_breach"):
        return breach.decided_at
    first = breach.ico_phases.order_by("phase").first()
    return first.sent_at if first else None


def state(breach: Breach, now: datetime) -> clock.ClockState:
    return clock.clock_state(breach.aware_at, now, stopped_at(breach))
