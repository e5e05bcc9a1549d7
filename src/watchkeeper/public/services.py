"""The public forms' services (issue 18 §3; design/public.md). A submission creates a subject access case
(or an erasure, restriction or objection request) through subjectaccess's own service and keeps, beside it,
the address to confirm and a digest of the client's address for the rate limit. The only e-mail sent before
the address is confirmed is the confirmation link itself; the acknowledgement follows confirmation. Neither
names anyone or says anything about footage: a reference and a link only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from watchkeeper.complaints import services as complaints
from watchkeeper.complaints.models import Channel, Complainant, Complaint, Subject
from watchkeeper.core.actors import SYSTEM, Actor
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.estate.models import School
from watchkeeper.notices import services as notices
from watchkeeper.public import limits, retention
from watchkeeper.public.models import PublicComplaint, Submission
from watchkeeper.subjectaccess import services as subjectaccess
from watchkeeper.subjectaccess.models import SubjectAccessRequest

SALT = "watchkeeper.public.confirm"
# The link lasts as long as an unconfirmed submission is kept (public/retention.py): then both are gone.
CONFIRM_DAYS = retention.UNCONFIRMED.days


class TooMany(Exception):
    """More submissions from one client address in the period than the forms accept."""


def recent(address: str, now: datetime) -> int:
    """Submissions of either form from this client address within the period."""
    key, since = limits.client_key(address), limits.since(now)
    requests = Submission.objects.filter(client_key=key, received_at__gt=since).count()
    return requests + PublicComplaint.objects.filter(client_key=key, received_at__gt=since).count()


def submit_request(
    school: School,
    *,
    kind: str,
    relationship: str,
    name: str,
    email: str,
    description: str,
    window_start: datetime,
    window_end: datetime,
    client_address: str,
    confirm_link: Callable[[str], str],
    now: datetime,
) -> SubjectAccessRequest:
    """Log the request as a case, hold its footage (subjectaccess), and send the confirmation link."""
    if limits.over_limit(recent(client_address, now)):
        raise TooMany
    with transaction.atomic():
        case = subjectaccess.receive_from_public(
            school=school,
            kind=kind,
            relationship=relationship,
            requester_name=name,
            requester_contact=email,
            description=description,
            window_start=window_start,
            window_end=window_end,
            now=now,
        )
        submission = Submission.objects.create(
            case=case, email=email.strip(), client_key=limits.client_key(client_address), received_at=now
        )
        link = confirm_link(token_for(submission))
        transaction.on_commit(lambda: _mail(submission, "Please confirm your e-mail address", link))
    return case


def token_for(submission: Submission) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(submission.pk))


def submission_for(token: str) -> Submission | None:
    """The submission a confirmation link names, or None for a forged, altered or expired one."""
    try:
        pk = signing.TimestampSigner(salt=SALT).unsign(token, max_age=CONFIRM_DAYS * 86400)
    except signing.BadSignature:
        return None
    return Submission.objects.select_related("case__school").filter(pk=pk).first()


def confirm_address(token: str, *, now: datetime) -> Submission | None:
    """The requester opened the link: their address is confirmed and the acknowledgement goes to it."""
    submission = submission_for(token)
    if submission is None or submission.confirmed_at is not None:
        return submission
    with transaction.atomic():
        submission.confirmed_at = now
        submission.save(update_fields=["confirmed_at"])
        audit_about("public.address_confirmed", SYSTEM, submission.case, case=submission.case.reference)
        transaction.on_commit(lambda: _mail(submission, "Your request has been received", ""))
    return submission


def _mail(submission: Submission, subject: str, link: str) -> None:
    reference = submission.case.reference
    body = f"{subject}.\n\nYour reference: {reference}\n"
    body += f"\nOpen this link to confirm: {link}\n" if link else "\nThe school will contact you.\n"
    send_mail(f"{subject} ({reference})", body, settings.DEFAULT_FROM_EMAIL, [submission.email])


@enforces("17.1", "R29")
def submit_complaint(
    school: School, *, name: str, email: str, summary: str, client_address: str, now: datetime
) -> PublicComplaint:
    """Keep a complaint from the public form for the complaints handlers, who enter it in the register."""
    if limits.over_limit(recent(client_address, now)):
        raise TooMany
    refuse_if_blank(name=name, email=email, summary=summary)
    with transaction.atomic():
        complaint = PublicComplaint.objects.create(
            school=school,
            name=name.strip(),
            email=email.strip(),
            summary=summary.strip(),
            client_key=limits.client_key(client_address),
            received_at=now,
        )
        audit_about("public.complaint_received", SYSTEM, complaint, reference=complaint.reference)
        notices.notify(
            notices.holders(complaints.HANDLE, school.pk),
            kind="public.complaint_received",
            reference=complaint.reference,
            url=reverse("public:complaint_record", args=[complaint.pk]),
            now=now,
        )
    return complaint


def refuse_if_blank(**fields: str) -> None:
    blank = [name for name, value in fields.items() if not value.strip()]
    if blank:
        raise PolicyRefusal([f"17.1: please fill in {', '.join(blank)}"])


@enforces("17.1", "R29")
def record_in_register(actor: Actor, public: PublicComplaint, *, now: datetime) -> Complaint:
    """A complaints handler enters the public complaint in the register (complaints.record_complaint): it
    was received the day it was sent, so the s164A acknowledgement runs from then."""
    with transaction.atomic():
        public = PublicComplaint.objects.select_for_update().get(pk=public.pk)
        if public.complaint_id is not None:
            raise PolicyRefusal([f"17.1: {public.reference} is in the register already"])
        complaint = complaints.record_complaint(
            actor,
            school=public.school,
            received_on=timezone.localdate(public.received_at),
            channel=Channel.FORM,
            complainant=Complainant.PUBLIC,
            complainant_name=public.name,
            complainant_contact=public.email,
            subject=Subject.CCTV,
            data_protection=True,
            summary=public.summary,
            route_reference=public.reference,
            now=now,
        )
        public.complaint = complaint
        public.save(update_fields=["complaint"])
        audit_about("public.complaint_recorded", actor, public, complaint=complaint.reference)
    return complaint
