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

from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.auditing import audit_about
from watchkeeper.estate.models import School
from watchkeeper.public import limits
from watchkeeper.public.models import Submission
from watchkeeper.subjectaccess import services as subjectaccess
from watchkeeper.subjectaccess.models import SubjectAccessRequest

SALT = "watchkeeper.public.confirm"
CONFIRM_DAYS = 14


class TooMany(Exception):
    """More submissions from one client address in the period than the forms accept."""


def recent(address: str, now: datetime) -> int:
    key = limits.client_key(address)
    return Submission.objects.filter(client_key=key, received_at__gt=limits.since(now)).count()


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
