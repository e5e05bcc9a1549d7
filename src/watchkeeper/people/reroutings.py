"""The DPO's view of the two-person rule across accounts (9.2, 9.5, 3.5; people/two_person.py).

Requests asked for from an account that someone else could act as are "re-routed": the DPO may decide them
too (`people.decide_rerouted`), for every school, and only them. This page lists those requests still
waiting, the accounts that are not yet their holder's own (who set what, when), and the accounts made
their holder's own in the last RECENT_DAYS days, so the DPO can check with the person that it was them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from watchkeeper.audit.models import AuditEvent
from watchkeeper.compliance import trust
from watchkeeper.core.actors import Actor, Person
from watchkeeper.core.permissions import can
from watchkeeper.disclosures.models import DisclosureRequest, FOIRequest
from watchkeeper.disclosures.models import RequestStatus as DisclosureStatus
from watchkeeper.evidence.models import DownloadRequest, RequestStatus
from watchkeeper.people import deciders, nominations, two_person
from watchkeeper.people.models import CredentialSetting, StaffProfile
from watchkeeper.viewing.models import Status, ViewingAuthorisation

RECENT_DAYS = 30
DOWNLOADS_OPEN = (RequestStatus.REQUESTED, RequestStatus.FAILED)  # awaiting a decision or a re-issue


def _is_dpo(user: Actor) -> bool:
    return can(user, two_person.REROUTED, None)


def _rerouted_ids(rows: Any, kind: str, now: datetime) -> list[int]:
    """Re-routed by the two-person rule, or escalated because no Headteacher-level decider is available
    (people/deciders.py: recused, none nominated, or none decided in N working days)."""
    return [
        row.pk
        for row in rows
        if two_person.is_rerouted(deciders.parties(row), deciders.asked_at(row))
        or deciders.escalation(kind, row, now) is not None
    ]


def rerouted_authorisations(user: Actor) -> QuerySet[ViewingAuthorisation]:
    """For the DPO: pending viewing requests re-routed by the rule or escalated (empty for anyone else)."""
    pending = ViewingAuthorisation.objects.filter(status=Status.PENDING).select_related("requested_by")
    if not _is_dpo(user):
        return pending.none()
    return pending.filter(pk__in=_rerouted_ids(pending, deciders.VIEWING, timezone.now()))


def rerouted_downloads(user: Actor) -> QuerySet[DownloadRequest]:
    """For the DPO: download requests awaiting authorisation or a re-issue, re-routed or escalated."""
    open_ = DownloadRequest.objects.filter(status__in=DOWNLOADS_OPEN).select_related(
        "requested_by", "requestor_user"
    )
    if not _is_dpo(user):
        return open_.none()
    return open_.filter(pk__in=_rerouted_ids(open_, deciders.DOWNLOAD, timezone.now()))


@dataclass(frozen=True)
class Rerouted:
    kind: str
    obj: Any
    asked_by: str
    url: str
    refusal: str | None  # why this DPO may not decide it either (another DPO must)
    escalated: str | None = None  # why it came to the DPO when no two-person rule sent it

    @property
    def asked_at(self) -> datetime:
        return deciders.asked_at(self.obj)


def _escalated(obj: Any, now: datetime) -> str | None:
    return deciders.escalation(nominations.request_kind(obj), obj, now)


def escalated_disclosures(user: Actor, now: datetime) -> list[Rerouted]:
    """For the DPO: police, outside-body and FOI requests still open that no Headteacher-level decider is
    available for (11.3, 11.5, 11.7; people/deciders.py). Nobody on the staff asks for these, so the
    two-person rule never re-routes them: only escalation does."""
    if not _is_dpo(user):
        return []
    open_ = [
        (deciders.DISCLOSURE, "Disclosure", "disclosures:request_detail", row)
        for row in DisclosureRequest.objects.filter(status=DisclosureStatus.PENDING).select_related("school")
    ] + [
        (deciders.FOI, "FOI request", "disclosures:foi_detail", row)
        for row in FOIRequest.objects.filter(decision="").select_related("school")
    ]
    found = []
    for kind, label, detail, row in open_:
        why = deciders.escalation(kind, row, now)
        if why is None:
            continue
        standing = deciders.standing(user, kind, row, now=now)
        asked = row.requester_name
        found.append(Rerouted(label, row, asked, reverse(detail, args=[row.pk]), standing.refusal, why))
    return found


def _name(user: Person | None) -> str:
    return str(user.get_full_name() or user.get_username()) if user else "Watchkeeper"


def rerouted_requests(user: Actor) -> list[Rerouted]:
    found, now = [], timezone.now()
    for auth in rerouted_authorisations(user).select_related("school"):
        standing = deciders.standing(user, deciders.VIEWING, auth, now=now)
        url = reverse("viewing:authorisation_detail", args=[auth.pk])
        found.append(
            Rerouted(
                "Footage to view",
                auth,
                _name(auth.requested_by),
                url,
                standing.refusal,
                _escalated(auth, now),
            )
        )
    for req in rerouted_downloads(user).select_related("school"):
        standing = deciders.standing(user, deciders.DOWNLOAD, req, now=now)
        url = reverse("evidence:request_detail", args=[req.pk])
        found.append(
            Rerouted("Download", req, _name(req.requested_by), url, standing.refusal, _escalated(req, now))
        )
    found += escalated_disclosures(user, now)
    return sorted(found, key=lambda r: r.asked_at)


def accounts_not_own() -> list[tuple[StaffProfile, Any, list[CredentialSetting]]]:
    """(profile, user, the settings in force made by someone else) for every such account."""
    user_ids = CredentialSetting.objects.exclude(set_by=None).values_list("user_id", flat=True).distinct()
    profiles = StaffProfile.objects.select_related("user", "school").filter(user_id__in=user_ids)
    rows: list[tuple[StaffProfile, Any, list[CredentialSetting]]] = []
    for profile in profiles.order_by("school__name", "user__last_name", "user__username"):
        settings = two_person.set_by_others(profile.user)
        if settings:
            rows.append((profile, profile.user, settings))
    return rows


def made_own_recently(now: datetime) -> QuerySet[AuditEvent]:
    since = now - timedelta(days=RECENT_DAYS)
    return AuditEvent.objects.filter(action="people.account_made_own", at__gte=since).select_related("school")


@login_required
@require_GET
def rerouting_list(request: HttpRequest) -> HttpResponse:
    if not _is_dpo(request.user):
        raise PermissionDenied("Only the DPO sees the decisions re-routed by the two-person rule (9.2, 9.5).")
    context = {
        "requests": rerouted_requests(request.user),
        "accounts": accounts_not_own(),
        "made_own": made_own_recently(timezone.now()),
        "recent_days": RECENT_DAYS,
        "escalate_days": trust.escalate_after_working_days_for(request.user),
    }
    return render(request, "people/reroutings.html", context)
