"""Reading the cases: the flags of the statutory clock (the SAR list and the dashboard) and a case's
timeline of decisions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import Actor
from watchkeeper.core.permissions import restrict
from watchkeeper.evidence.models import DownloadRequest
from watchkeeper.recording.models import Hold
from watchkeeper.redaction.models import Redaction
from watchkeeper.subjectaccess import clock
from watchkeeper.subjectaccess.models import LIVE_STATUSES, OtherPerson, Relationship, SubjectAccessRequest
from watchkeeper.subjectaccess.services.common import SAFEGUARD, VIEW


@dataclass(frozen=True)
class Flag:
    case: SubjectAccessRequest
    deadline: date | None
    state: clock.ClockState

    @property
    def label(self) -> str:
        return clock.STATE_LABELS[self.state]


def flagged(cases: Iterable[SubjectAccessRequest], today: date) -> list[Flag]:
    """Cases due within a week or past their deadline (10.2), most urgent first."""
    flags = [Flag(c, c.deadline(today), c.clock_state(today)) for c in cases]
    urgent = [f for f in flags if f.state in (clock.ClockState.DUE_SOON, clock.ClockState.OVERDUE)]
    return sorted(urgent, key=lambda f: (f.deadline or today, f.case.pk))


def visible_cases(user: Actor) -> QuerySet[SubjectAccessRequest]:
    return restrict(
        SubjectAccessRequest.objects.select_related("school").prefetch_related("clarifications"), user, VIEW
    )


def safeguarding_cases(
    user: Actor, cases: QuerySet[SubjectAccessRequest] | None = None
) -> QuerySet[SubjectAccessRequest]:
    """For a designated safeguarding lead: the requests made for someone else at their school, which they
    check before release (Sch 3 Part 5) — and no others."""
    cases = SubjectAccessRequest.objects.select_related("school") if cases is None else cases
    return restrict(cases.exclude(relationship=Relationship.SELF), user, SAFEGUARD)


def case_readers(user: Actor, cases: QuerySet[SubjectAccessRequest]) -> QuerySet[SubjectAccessRequest]:
    """Of `cases`, those whose page the person may open: the ones they see, and the ones they check as the
    designated safeguarding lead."""
    return restrict(cases, user, VIEW) | safeguarding_cases(user, cases)


def flags_for(user: Actor, today: date) -> list[Flag]:
    """For the SAR handler, the Headteacher and the DPO: the list page and the dashboard."""
    return flagged(visible_cases(user).filter(status__in=LIVE_STATUSES), today)


def timeline(case: SubjectAccessRequest) -> QuerySet[AuditEvent]:
    """Every decision on the case, who made it and when: the case's own events, and those of every window's
    hold and review authorisation, every redaction made for it and every clip's download request (its package
    built or failed; issue 15 §5: the timeline shows the redaction and package steps too)."""
    q = Q(object_type=SubjectAccessRequest._meta.label_lower, object_id=str(case.pk))
    reviews = []
    for window in case.windows():
        if window.hold is not None:
            q |= Q(object_type=Hold._meta.label_lower, object_id=str(window.hold.pk))
        if window.review is not None:
            q |= Q(object_type="viewing.viewingauthorisation", object_id=str(window.review.pk))
            reviews.append(window.review.pk)
    requests = case.clips.exclude(download_request=None).values_list("download_request", flat=True)
    q |= Q(object_type="evidence.downloadrequest", object_id__in=[str(pk) for pk in requests])
    q |= Q(
        object_type=Redaction._meta.label_lower, object_id__in=[str(pk) for pk in _redactions(case, reviews)]
    )
    return AuditEvent.objects.filter(q).select_related("actor").order_by("seq")


def _redactions(case: SubjectAccessRequest, reviews: list[int]) -> set[int]:
    """The case's redactions: made under its reviews, packaged for its clips, or hiding another person."""
    found = set(Redaction.objects.filter(authorisation__in=reviews).values_list("pk", flat=True))
    found |= set(
        DownloadRequest.objects.filter(pk__in=case.clips.values("download_request"))
        .exclude(redaction=None)
        .values_list("redaction", flat=True)
    )
    found |= set(
        OtherPerson.objects.filter(clip__case=case)
        .exclude(redaction=None)
        .values_list("redaction", flat=True)
    )
    return found
