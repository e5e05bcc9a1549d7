"""Requests that arrive through the public form (public app), and what a request for someone else needs
before anything is released: the child's competence and views, and the designated safeguarding lead's check
(DPA 2018 Sch 3 Part 5 — data about child abuse may be exempt from disclosure to a parent).

A public request is logged by nobody (SYSTEM): the footage of the window the requester gave is held at once
on every camera of the school, because the form asks only where in words and must never say which cameras
or footage exist. The month runs once the school has checked the requester's identity (10.2), as for any
other case; erasure (Art 17), restriction (Art 18) and objection (Art 21) share that clock."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from watchkeeper.core.actors import SYSTEM, Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse_if
from watchkeeper.estate.models import Camera, School
from watchkeeper.notices import kinds
from watchkeeper.notices import services as notices
from watchkeeper.subjectaccess.models import Relationship, RequestKind, SubjectAccessRequest
from watchkeeper.subjectaccess.services.common import (
    HANDLE,
    SAFEGUARD,
    audit,
    failing,
    handler,
    iso,
    lock_live,
)
from watchkeeper.subjectaccess.services.intake import _hold


@enforces("10.1", "R21")
def receive_from_public(
    *,
    school: School,
    kind: str,
    relationship: str,
    requester_name: str,
    requester_contact: str,
    description: str,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
) -> SubjectAccessRequest:
    """Log a request from the public form and hold its footage, in one transaction; tell the handlers."""
    today = timezone.localdate(now)
    refuse_if(
        failing(
            (kind not in RequestKind.values, "10.1: choose what you are asking for"),
            (relationship not in Relationship.values, "10.1: say who you are to the person in the footage"),
            (not requester_name.strip(), "10.1: give your name"),
            (not requester_contact.strip(), "10.1: give an e-mail address for the reply"),
            (not description.strip(), "10.2: say what you were wearing, so the school can find you"),
            (window_end <= window_start, "10.2: the end of the time must be after its start"),
            (window_start > now, "10.2: the time cannot be in the future"),
        )
    )
    cameras = list(Camera.objects.filter(school=school))
    with transaction.atomic():
        case = SubjectAccessRequest.objects.create(
            school=school,
            kind=kind,
            relationship=relationship,
            by_public_form=True,
            received_on=today,
            requester_name=requester_name.strip(),
            requester_contact=requester_contact.strip(),
            description=description.strip(),
            window_start=window_start,
            window_end=window_end,
        )
        case.cameras.set(cameras)
        audit("received_from_public", SYSTEM, case, kind=kind, relationship=relationship)
        if cameras:
            case.hold = _hold(case, cameras, today)
            case.save(update_fields=["hold"])
        notices.notify(
            notices.holders(HANDLE, school.pk),
            kind=kinds.SAR,
            reference=case.reference,
            url=reverse("subjectaccess:case_detail", args=[case.pk]),
            now=now,
        )
    return case


def record_child(
    actor: Actor, case: SubjectAccessRequest, *, competence: str, views: str, now: datetime
) -> SubjectAccessRequest:
    """A request made for a child: whether the child is competent to make it themselves, and their views."""
    person = handler(actor, case.school_id)
    refuse_if(
        failing(
            (not case.for_someone_else, "10.2: the requester is the person in the footage — no child to ask"),
            (not competence.strip(), "10.2: record whether the child can understand their rights"),
            (not views.strip(), "10.2: record the child's views on the request"),
        )
    )
    with transaction.atomic():
        lock_live(case)
        case.child_competence, case.child_views = competence.strip(), views.strip()
        case.save(update_fields=["child_competence", "child_views"])
        audit("child_recorded", person, case, at=now.isoformat())
    return case


@enforces("10.2")
def record_safeguarding_check(
    actor: Actor, case: SubjectAccessRequest, *, note: str, now: datetime
) -> SubjectAccessRequest:
    """The designated safeguarding lead has checked the footage and case before release (Sch 3 Part 5): a
    holder of the school's DSL role (sar.safeguarding_check), never a SAR handler's own declaration."""
    person = handler(actor, case.school_id, SAFEGUARD)
    refuse_if(
        failing(
            (not case.for_someone_else, "10.2: a safeguarding check is for a request made for someone else"),
            (not note.strip(), "10.2: say what was checked and whether anything is withheld (Sch 3 Part 5)"),
        )
    )
    with transaction.atomic():
        lock_live(case)
        if case.safeguarding_checked_at is not None:
            refuse_if(["10.2: the safeguarding check is recorded already"])
        case.safeguarding_checked_by, case.safeguarding_checked_at = person, now
        case.safeguarding_note = note.strip()
        case.save(update_fields=["safeguarding_checked_by", "safeguarding_checked_at", "safeguarding_note"])
        audit("safeguarding_checked", person, case, at=iso(timezone.localdate(now)))
    return case


@enforces("10.4")
def safeguarding_problems(case: SubjectAccessRequest) -> list[str]:
    """A request for someone else releases nothing before the child's views and the safeguarding check."""
    if not case.for_someone_else:
        return []
    return failing(
        (
            not case.child_views,
            "10.2: record the child's competence and views first (the request was made for them)",
        ),
        (
            case.safeguarding_checked_at is None,
            "10.2: the designated safeguarding lead must check the case before release (DPA 2018 Sch 3 "
            "Part 5)",
        ),
    )
