"""Tell people by e-mail that something waits on them (issue 15 §3; design/notices.md).

A notice carries no personal data and no footage: a reference ("SAR-7") and a link to the page where the
thing is done. It leaves only once the change that caused it is saved (transaction.on_commit), so a refused
or rolled-back change tells nobody anything. Where it goes is Django's e-mail framework: an SMTP server when
WATCHKEEPER_SMTP_HOST is set, otherwise as files in <data dir>/mail (settings.EMAIL_BACKEND).

People choose which kinds of notice they get (OptOut); a statutory deadline is sent whatever they chose.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor, Person
from watchkeeper.core.dates import uk_date
from watchkeeper.core.permissions import ACTIONS, can
from watchkeeper.notices import kinds
from watchkeeper.notices.models import OptOut
from watchkeeper.people.models import RoleGrant

# Where `watchkeeper serve` listens unless told otherwise: the links' last resort, so that a link in a notice
# is never a bare path (a process started on its own, outside `up` and `serve`, with nothing set).
DEFAULT_SERVED_URL = "http://127.0.0.1:8000"


def absolute(url: str) -> str:
    """A link people can open from their mail: the site's address in front of a path. The address people
    type (WATCHKEEPER_PUBLIC_URL) when it is set; else the one `up`/`serve` listens on (issue 15 §3)."""
    base = settings.WATCHKEEPER_PUBLIC_URL or settings.WATCHKEEPER_SERVED_URL or DEFAULT_SERVED_URL
    return f"{base}{url}" if url.startswith("/") else url


def message(*, kind: str, reference: str, url: str, now: datetime, heading: str = "") -> tuple[str, str]:
    """(subject, body): the reference, what kind of thing waits and the link; nothing about anyone."""
    subject = f"Watchkeeper: {reference} {heading or 'needs you'}"
    body = (
        f"{reference} is waiting for you in Watchkeeper ({uk_date(now)}).\n"
        f"{kinds.label(kind)}.\n\nOpen it here: {absolute(url)}\n\n"
        "This message says no more on purpose: sign in to see the details.\n"
        "Choose which notices you get under Your account, E-mail notices (statutory deadlines are always "
        "sent).\n"
    )
    return subject, body


def wanted(person: Any, kind: str, statutory: bool) -> bool:
    """Does this person get notices of `kind`? Always for a statutory deadline; never without an address."""
    if not getattr(person, "email", "") or not getattr(person, "is_active", True):
        return False
    return statutory or not OptOut.objects.filter(user=person, kind=kinds.choice_of(kind)).exists()


def notify(
    recipients: Iterable[Any],
    *,
    kind: str,
    reference: str,
    url: str,
    now: datetime,
    statutory: bool = False,
    heading: str = "",
    waiting: Any = None,
) -> int:
    """E-mail each of `recipients` who wants `kind` (people with an address) that `reference` waits on them
    at `url`. `kind` names the event (notices/kinds.py); `statutory`: a legal deadline, sent whatever the
    person chose; `waiting`: the row that waits (with a `status`), whose notice is dropped if its status has
    changed by the time the message would leave. Returns how many messages may leave."""
    addresses = sorted({p.email for p in recipients if wanted(p, kind, statutory)})
    subject, body = message(kind=kind, reference=reference, url=url, now=now, heading=heading)
    # The status now: the row itself may be changed in place before the message leaves.
    still = Waiting.of(waiting)
    for address in addresses:
        transaction.on_commit(partial(_send, still, subject, body, address))
    return len(addresses)


@dataclass(frozen=True)
class Waiting:
    """A row that waits (its model, key and status when the notice was made)."""

    model: Any
    pk: Any
    status: Any

    @classmethod
    def of(cls, obj: Any) -> Waiting | None:
        status = getattr(obj, "status", None)
        return None if obj is None or status is None else cls(type(obj), obj.pk, status)

    def still(self) -> bool:
        return bool(self.model._default_manager.filter(pk=self.pk, status=self.status).exists())


def _send(waiting: Waiting | None, subject: str, body: str, address: str) -> None:
    """Send, unless what waited was decided in the same transaction (the demo builds its package through
    the real request and decision at once): an e-mail saying a decided thing waits is a false errand."""
    if waiting is not None and not waiting.still():
        return
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])


def holders(action: str, school_id: int, *, excluding: Iterable[Any] = ()) -> list[Person]:
    """The people who may do `action` at the school now (a school grant or a trust-wide one), less
    `excluding` (the person who made the request is not told of their own request)."""
    left_out = {p.pk for p in excluding if p is not None}
    grants = RoleGrant.objects.current().filter(role__in=ACTIONS[action])
    ids = grants.filter(Q(school_id=school_id) | Q(school__isnull=True)).values_list("user_id", flat=True)
    people = get_user_model().objects.filter(pk__in=set(ids) - left_out, is_active=True)
    return [p for p in people if can(p, action, school_id)]


def decision_waiting(kind: str, obj: Any, *, notice: str, reference: str, url: str, now: datetime) -> int:
    """Tell the people who may decide `obj` (people/deciders.py: the Headteacher and the alternates nominated
    for it, not its asker nor anyone involved or recused) that it waits for their decision."""
    from watchkeeper.people import deciders

    ids = deciders.available_deciders(kind, obj, timezone.localdate(now))
    people = get_user_model().objects.filter(pk__in=ids, is_active=True)
    return notify(people, kind=notice, reference=reference, url=url, now=now, waiting=obj)


def choices_of(person: Person) -> dict[str, bool]:
    """{kind: gets it} for every kind on the preferences page."""
    off = set(OptOut.objects.filter(user=person).values_list("kind", flat=True))
    return {kind: kind not in off for kind in kinds.KINDS}


def choose(actor: Actor, person: Person, wanted_kinds: Iterable[str], *, now: datetime) -> dict[str, bool]:
    """Set which kinds `person` gets (the rest they do not), audited. Only one's own choices."""
    if getattr(actor, "pk", None) != person.pk:
        raise PermissionError("People choose their own notices.")
    chosen = {kind for kind in wanted_kinds if kind in kinds.KINDS}
    off = sorted(set(kinds.KINDS) - chosen)
    with transaction.atomic():
        OptOut.objects.filter(user=person).exclude(kind__in=off).delete()
        for kind in off:
            OptOut.objects.get_or_create(user=person, kind=kind, defaults={"chosen_at": now})
        record("notices.choices_changed", actor=actor, obj=person, details={"switched_off": off})
    return choices_of(person)
