"""Misuse alerts (16; design/misuse.md): raising them from what the rules found, who handles each, the
outcome the handler records, the deletion of "no concern" alerts, the DPO's settings and the school hours.
Every change is audited in its own transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from watchkeeper.audit.services import record
from watchkeeper.core.actors import SYSTEM, Actor, Person, person_or_none, require_person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, refuse_if
from watchkeeper.core.permissions import can, holds_any, require
from watchkeeper.estate.models import School, Trust
from watchkeeper.misuse.models import Alert, MisuseSettings, Outcome, SchoolDay
from watchkeeper.misuse.rules import Hit, Thresholds
from watchkeeper.notices import kinds
from watchkeeper.notices.services import notify
from watchkeeper.people.models import Role, RoleGrant

VIEW, DECIDE, SETTINGS = "misuse.view", "misuse.decide", "misuse.settings"
THRESHOLDS = ("spike_factor", "spike_floor", "refusals_per_day", "unviewed_days", "fetch_addresses")
SETTING_FIELDS = (
    *THRESHOLDS,
    "no_concern_keep_days",
    "staff_notice_link",
    "staff_notice_on",
    "monitoring_dpia",
)
NOT_YOURS = "16: this alert is for the DPO, or for the board's chair when it is about the DPO"
# The chair who handles alerts about the DPO: the first board member, else the first IG group member.
CHAIR_ROLES = (Role.BOARD_MEMBER, Role.IG_GROUP)


def the_trust() -> Trust | None:
    """Watchkeeper serves one trust per installation (architecture.md): its settings apply everywhere."""
    return Trust.objects.order_by("pk").first()


def settings_of(trust: Trust | None = None) -> MisuseSettings:
    """The trust's settings, or their defaults (unsaved) until the DPO first saves them."""
    trust = trust or the_trust()
    if trust is None:
        return MisuseSettings()
    return MisuseSettings.objects.filter(trust=trust).first() or MisuseSettings(trust=trust)


def thresholds(settings: MisuseSettings) -> Thresholds:
    return Thresholds(**{name: getattr(settings, name) for name in THRESHOLDS})


def is_dpo(user_id: int) -> bool:
    return RoleGrant.objects.current().filter(user_id=user_id, role=Role.DPO).exists()


def chair() -> Person | None:
    """Alerts about the DPO go to the board's or IG group's chair: Watchkeeper does not model who chairs,
    so the first person (oldest grant) holding a board role, else an IG group role (design/misuse.md)."""
    for role in CHAIR_ROLES:
        grant = RoleGrant.objects.current().filter(role=role, user__is_active=True).order_by("pk").first()
        if grant is not None:
            return grant.user
    return None


def handler_for(subject_id: int) -> Person | None:
    """Empty (the DPO) unless the alert is about a DPO; a Headteacher's go to the DPO only, as all do."""
    return chair() if is_dpo(subject_id) else None


def visible(user: Actor) -> QuerySet[Alert]:
    """The alerts `user` handles: the DPO, those for the DPO except about themselves; the chair, theirs."""
    alerts = Alert.objects.select_related("subject", "school", "handler", "decided_by")
    if not getattr(user, "is_authenticated", False) or not holds_any(user, VIEW):
        return alerts.none()
    mine = Q(handler=user)
    if can(user, DECIDE, None) and is_dpo(int(user.pk or 0)):
        mine |= Q(handler__isnull=True) & ~Q(subject=user)
    return alerts.filter(mine)


def open_alerts(user: Actor) -> QuerySet[Alert]:
    return visible(user).filter(outcome="")


@enforces("16")
def raise_alerts(hits: Iterable[Hit], now: datetime) -> list[Alert]:
    """New alerts for what the rules found (one per key, ever: a rerun adds nothing), raised by SYSTEM."""
    raised = []
    for hit in hits:
        if Alert.objects.filter(key=hit.key).exists():
            continue
        with transaction.atomic():
            alert = Alert.objects.create(
                rule=hit.rule,
                key=hit.key,
                subject_id=hit.subject_id,
                school_id=hit.school_id,
                handler=handler_for(hit.subject_id),
                summary=hit.summary[:300],
                figures=hit.figures,
                found_at=now,
            )
            _audit("alert_raised", SYSTEM, alert, rule=hit.rule)
            tell_handler(alert, now)
        raised.append(alert)
    return raised


def told_of(alert: Alert) -> list[Person]:
    """Who is e-mailed about a new alert: its handler — the board's or IG group's chair for an alert about
    the DPO; else every DPO but its subject (an alert about a Headteacher goes to the DPO only, as all do).
    An alert about a DPO with no chair tells nobody: no DPO hears of one about themselves."""
    if alert.handler is not None:
        return [alert.handler]
    if is_dpo(alert.subject_id):
        return []
    grants = RoleGrant.objects.current().filter(role=Role.DPO, user__is_active=True)
    dpos = {grant.user for grant in grants.select_related("user")}
    return sorted((p for p in dpos if p.pk != alert.subject_id and can(p, DECIDE, None)), key=lambda p: p.pk)


@enforces("16")
def tell_handler(alert: Alert, now: datetime) -> int:
    """The handler is told by e-mail (notices.notify: the alert's reference and a link, nothing about the
    person), once the alert is saved; they may switch these notices off (not a statutory deadline)."""
    url = reverse("misuse:detail", args=[alert.pk])
    return notify(told_of(alert), kind=kinds.MISUSE, reference=alert.reference, url=url, now=now)


def _audit(event: str, actor: Actor, alert: Alert, reason: str = "", **details: Any) -> None:
    record(f"misuse.{event}", actor=actor, school=alert.school, obj=alert, reason=reason, details=details)


def _handled_by(actor: Actor, alert: Alert) -> Person:
    person = require_person(actor, NOT_YOURS)
    if not can(person, DECIDE, None) or not visible(person).filter(pk=alert.pk).exists():
        raise PermissionDenied(NOT_YOURS)
    return person


@enforces("16", "16.2")
def record_outcome(actor: Actor, alert: Alert, outcome: str, note: str, *, now: datetime) -> Alert:
    """The handler's outcome, once, with a note; a breach outcome opens a breach at the alert's school
    through the breach register's own service (15.1). Nothing else follows: a referral is the handler's
    own act."""
    person = _handled_by(actor, alert)
    problems = []
    if alert.outcome:
        problems.append("16: the outcome of this alert is recorded already")
    if outcome not in Outcome.values:
        problems.append("16: choose one of the outcomes")
    if outcome != Outcome.NO_CONCERN and not note.strip():
        problems.append("16: say in a few words what was done")
    if outcome == Outcome.BREACH and alert.school is None:
        problems.append("15.1: this alert names no school: report the breach from the breach register")
    refuse_if(problems)
    with transaction.atomic():
        if outcome == Outcome.BREACH:
            alert.breach = _open_breach(person, alert, note, now)
        alert.outcome, alert.outcome_note = outcome, note.strip()
        alert.decided_by, alert.decided_at = person, now
        alert.save()
        _audit("outcome_recorded", person, alert, note.strip(), outcome=outcome, breach=alert.breach_id)
    return alert


def _open_breach(person: Person, alert: Alert, note: str, now: datetime) -> Any:
    from watchkeeper.breaches.services import REPORT, report_breach

    assert alert.school is not None
    if not can(person, REPORT, alert.school_id):
        raise PolicyRefusal("15.1: only the DPO can open a breach from here: report it through the DPO")
    what = f"Opened from misuse alert {alert.reference} ({alert.summary}). {note.strip()}"
    return report_breach(person, school=alert.school, what_happened=what, aware_at=now, now=now)


@enforces("16")
def purge_no_concern(now: datetime) -> int:
    """Alerts closed as "no concern" are deleted after the trust's set period (data minimisation: a person
    cleared is not kept on file); the audit log keeps that one existed and was deleted."""
    cutoff = now - timedelta(days=settings_of().no_concern_keep_days)
    old = Alert.objects.filter(outcome=Outcome.NO_CONCERN, decided_at__lt=cutoff)
    count = 0
    for alert in old:
        with transaction.atomic():
            _audit("alert_deleted", SYSTEM, alert, "no concern, kept for the set period", rule=alert.rule)
            alert.delete()
        count += 1
    return count


@enforces("3.5", "16")
def update_settings(actor: Actor, changes: Mapping[str, Any], *, now: datetime) -> MisuseSettings:
    """The DPO's thresholds, the deletion period and the staff notice and DPIA; audited before and after."""
    require(actor, SETTINGS, None)
    trust = the_trust()
    if trust is None:
        raise PolicyRefusal("3.5: add the trust's first school before its settings")
    with transaction.atomic():
        settings, _ = MisuseSettings.objects.select_for_update().get_or_create(trust=trust)
        before = {name: str(getattr(settings, name)) for name in changes}
        for name in changes:
            if name not in SETTING_FIELDS:
                raise TypeError(f"unknown setting: {name}")
            setattr(settings, name, changes[name])
        settings.updated_by, settings.updated_at = person_or_none(actor), now
        settings.save()
        after = {name: str(getattr(settings, name)) for name in changes}
        record(
            "misuse.settings_changed", actor=actor, obj=settings, details={"before": before, "after": after}
        )
    return settings


def hours_of(school_ids: Iterable[int]) -> dict[int, dict[int, tuple[time, time]]]:
    """Each school's calendar (weekday -> opens, closes); schools without one are absent (the default)."""
    found: dict[int, dict[int, tuple[time, time]]] = {}
    for day in SchoolDay.objects.filter(school_id__in=list(school_ids)):
        found.setdefault(day.school_id, {})[day.weekday] = (day.opens, day.closes)
    return found


@enforces("16")
def set_hours(
    actor: Actor, school: School, days: Mapping[int, tuple[time, time]], *, now: datetime
) -> list[SchoolDay]:
    """The school's hours for rule (a): the weekdays given are open, the others closed. The DPO sets them,
    not the school, since the rule watches the school's own staff."""
    require(actor, SETTINGS, None)
    wrong = [day for day, (opens, closes) in days.items() if opens >= closes]
    if wrong:
        raise PolicyRefusal("16: a day's closing time must be after its opening time")
    with transaction.atomic():
        SchoolDay.objects.filter(school=school).delete()
        rows = [SchoolDay(school=school, weekday=d, opens=o, closes=c) for d, (o, c) in sorted(days.items())]
        SchoolDay.objects.bulk_create(rows)
        shown = {str(d): f"{o:%H:%M}-{c:%H:%M}" for d, (o, c) in sorted(days.items())}
        record("misuse.hours_set", actor=actor, school=school, obj=school, details={"hours": shown})
    return rows
