"""Retention of the public forms' own records (issue 18 §3, §4; UK GDPR Art 5(1)(c), (e)): applied nightly by
the register retention job (reports/retention.py), as SYSTEM, the clock passed in. design/public.md says why.

- An **unconfirmed submission** (a request whose e-mail address was never confirmed) is deleted a week after
  it was sent. Its confirmation link expires then too (`services.CONFIRM_DAYS`), so nothing can confirm it
  any more; the case it created stays — a request made is a request, whoever's address was typed — and
  the school checks the requester's identity on the case as it would for a letter.
- The **rate-limit records** — the keyed digest of the sender's network address on each submission and
  public complaint — are cleared once their window (`limits.PERIOD`, an hour) has passed: they count
  nothing after it.
- A **public complaint entered in the register** is deleted once its window has passed: the register's
  complaint holds what was sent and its `WEB-n` reference (17.1).
- A **confirmed submission** goes with its case (`on_delete=CASCADE`), under the subject access register's
  period (reports/retention.py, "sar").

Each deletion is audited like the registers' (`reports.register_record_deleted`) in its own transaction;
the cleared digests in one event per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Model

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.public import limits
from watchkeeper.public.models import PublicComplaint, Submission
from watchkeeper.reports.deletion import delete_register_record

# A genuine requester opens the link the day it comes, or within a few; a week also covers a holiday
# weekend. Any longer keeps an address that may not even be the requester's (anyone can type anyone's).
UNCONFIRMED = timedelta(days=7)


@dataclass(frozen=True)
class Cutoffs:
    """Records sent before these moments are due (a pure function of `now`)."""

    unconfirmed: datetime
    rate_limit: datetime


def cutoffs(now: datetime) -> Cutoffs:
    return Cutoffs(unconfirmed=now - UNCONFIRMED, rate_limit=limits.since(now))


@enforces("13.1")
def apply(actor: Actor, now: datetime) -> dict[str, int]:
    """Delete what is due and clear spent rate-limit digests; the counts, by kind of record."""
    due = cutoffs(now)
    unconfirmed = Submission.objects.filter(confirmed_at=None, received_at__lt=due.unconfirmed)
    entered = PublicComplaint.objects.exclude(complaint=None).filter(received_at__lte=due.rate_limit)
    unconfirmed, entered = unconfirmed.select_related("case__school"), entered.select_related("school")
    counts = {
        "public_form": sum(
            _delete(actor, s, "public_form", "never confirmed within 7 days") for s in unconfirmed
        ),
        "public_complaint": sum(
            _delete(actor, c, "public_complaint", "entered in the complaints register") for c in entered
        ),
        "rate_limit": _clear_digests(actor, due.rate_limit),
    }
    return {kind: n for kind, n in counts.items() if n}


def _delete(actor: Actor, obj: Model, register: str, why: str) -> int:
    school = obj.case.school if isinstance(obj, Submission) else obj.school  # type: ignore[attr-defined]
    delete_register_record(actor, register, obj, school, f"Public form record deleted: {why}")
    return 1


def _clear_digests(actor: Actor, before: datetime) -> int:
    with transaction.atomic():
        cleared = sum(
            model.objects.filter(received_at__lte=before).exclude(client_key="").update(client_key="")
            for model in (Submission, PublicComplaint)
        )
        if cleared:
            record(
                "public.rate_limit_cleared",
                actor=actor,
                reason="The rate limit's hour has passed: the senders' address digests count nothing more",
                details={"records": cleared},
            )
    return cleared
