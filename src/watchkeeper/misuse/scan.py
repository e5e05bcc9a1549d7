"""The misuse job's reading side: audit events and CCTV log rows turned into what the pure rules take
(misuse/rules.py), and the rules run over them. Rules (a), (c), (d) and (f) look back two days (the job runs
hourly; an alert's key keeps a rerun from raising it twice), (b) nine weeks, (e) every copy not yet viewed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from watchkeeper.audit.models import AuditEvent
from watchkeeper.evidence.models import Download
from watchkeeper.misuse import rules, services
from watchkeeper.misuse.models import Alert
from watchkeeper.misuse.rules import Event, Hit
from watchkeeper.subjectaccess.models import SubjectAccessRequest
from watchkeeper.viewing.models import ViewingAuthorisation

RECENT = timedelta(days=2)
NINE_WEEKS = timedelta(weeks=9)
SIGN_IN = "people.signed_in"


def _events(since: datetime, until: datetime, actions: Iterable[str] | None = None) -> list[Event]:
    found = AuditEvent.objects.filter(at__gte=since, at__lt=until)
    found = found.filter(action__in=list(actions)) if actions is not None else found
    rows = found.order_by("seq").values_list("at", "actor_id", "school_id", "action", "object_id", "details")
    return [
        Event(at, actor, school, action, obj, details) for at, actor, school, action, obj, details in rows
    ]


def interested(auth_ids: set[int]) -> dict[int, frozenset[int]]:
    """Per viewing authorisation: the staff named as involved, and the staff member whose own subject
    access request it reviews (rule d)."""
    found: dict[int, set[int]] = {pk: set() for pk in auth_ids}
    through = ViewingAuthorisation.staff_involved.through.objects.filter(viewingauthorisation_id__in=auth_ids)
    for auth, user in through.values_list("viewingauthorisation_id", "user_id"):
        found[auth].add(user)
    sars = SubjectAccessRequest.objects.filter(review_id__in=auth_ids, subject_account__isnull=False)
    for auth, user in sars.values_list("review_id", "subject_account_id"):
        found[auth].add(user)
    return {pk: frozenset(users) for pk, users in found.items() if users}


def with_addresses(fetches: list[Event], until: datetime) -> list[tuple[Event, str]]:
    """Each fetch with its address: the one recorded with it, else the fetcher's latest sign-in before it."""
    actors = {ev.actor_id for ev in fetches if ev.actor_id is not None}
    sign_ins = sorted(
        (ev for ev in _events(until - NINE_WEEKS, until, [SIGN_IN]) if ev.actor_id in actors),
        key=lambda ev: ev.at,
    )
    paired = []
    for ev in fetches:
        address = str(ev.details.get("address") or ev.details.get("ip") or "")
        if not address:
            before = [s for s in sign_ins if s.actor_id == ev.actor_id and s.at <= ev.at]
            address = str(before[-1].details.get("ip") or "") if before else ""
        paired.append((ev, address))
    return paired


def _copies() -> list[rules.CopyRow]:
    rows = Download.objects.filter(handed_over_at__isnull=False, viewed_at__isnull=True)
    fields = ("pk", "school_id", "handed_over_by_id", "handed_over_at", "viewed_at")
    return [rules.CopyRow(*values) for values in rows.values_list(*fields)]


def findings(now: datetime) -> list[Hit]:
    """Every rule over the log as it stands at `now`, with the trust's thresholds."""
    limits = services.thresholds(services.settings_of())
    recent = _events(now - RECENT, now)
    schools = {ev.school_id for ev in recent if ev.school_id is not None}
    auths = {ev.details.get("authorisation") for ev in recent if ev.action in rules.VIEW_ACTIONS}
    fetches = [ev for ev in recent if ev.action == rules.FETCH]
    return [
        *rules.out_of_hours(recent, services.hours_of(schools)),
        *rules.volume_spike(_events(now - NINE_WEEKS, now, rules.ACCESS_ACTIONS), now, limits),
        *rules.repeated_refusals(recent, limits),
        *rules.own_interest(recent, interested({a for a in auths if isinstance(a, int)})),
        *rules.unviewed_downloads(_copies(), now, limits),
        *rules.several_addresses(with_addresses(fetches, now), limits),
    ]


def scan(now: datetime) -> list[Alert]:
    """The job: run the rules and raise an alert for each new finding."""
    return services.raise_alerts(findings(now), now)
