"""The compliance evidence report for an auditor (3.5, 18.1): for every clause of the CCTV policy and every
numbered requirement of the regulatory reference (the clause index, core/clauses.py), the live evidence —
counts, last dates, exceptions — and the functions that enforce it (the `@enforces` markers).

Evidence is read from the registers when the report is made, so it changes with the data. A clause with no
evidence line says so, and one with no enforcing function says "not enforced in code", as design/clauses.md
does: the gaps show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Max, Model, QuerySet

from watchkeeper.audit.models import AuditEvent
from watchkeeper.breaches.models import Breach
from watchkeeper.complaints.models import Complaint
from watchkeeper.compliance.models import DPIA, PrivacyNotice, Sign
from watchkeeper.compliance.services import exceptions_for
from watchkeeper.core.clauses import CATALOGUE, Entry
from watchkeeper.core.dates import uk_date
from watchkeeper.disclosures.models import Disclosure, DisclosureRequest, FOIRequest
from watchkeeper.estate.models import Camera
from watchkeeper.evidence.models import Download
from watchkeeper.health.models import MaintenanceEntry
from watchkeeper.people.models import TrainingRecord
from watchkeeper.recording.models import ErasureCertificate, Gap, Hold
from watchkeeper.subjectaccess.models import LIVE_STATUSES, SubjectAccessRequest
from watchkeeper.viewing.models import ViewingAuthorisation

Lines = Callable[[date], list[str]]


def counted(label: str, queryset: QuerySet[Model], field: str) -> Lines:
    """ "<label>: N, the last on dd/mm/yyyy" — one count and one aggregate query."""

    def lines(today: date) -> list[str]:
        found = queryset.aggregate(last=Max(field))["last"]
        last = f", the last on {uk_date(found)}" if found else ""
        return [f"{label}: {queryset.count()}{last}"]

    return lines


def camera_exceptions(today: date) -> list[str]:
    found = exceptions_for(Camera.objects.exclude(status="decommissioned").prefetch_related("dpias"), today)
    lines = [f"Cameras in service with an exception: {len(found)}"]
    return lines + [f"Exception — {camera.school.name}, {camera.name}: {'; '.join(p)}" for camera, p in found]


def overdue_sars(today: date) -> list[str]:
    live = SubjectAccessRequest.objects.filter(status__in=LIVE_STATUSES).prefetch_related("clarifications")
    late = [c for c in live if (due := c.deadline(today)) is not None and due < today]
    return [f"Exception — subject access request {c.reference} past its deadline" for c in late] or [
        "Subject access requests past their deadline: 0"
    ]


def undecided_breaches(today: date) -> list[str]:
    return [
        f"Breaches awaiting the DPO's ICO decision: {Breach.objects.filter(decided_at__isnull=True).count()}"
    ]


def overdue_copies(today: date) -> list[str]:
    late = Download.objects.filter(overdue_on__isnull=False, deleted_at__isnull=True).count()
    return [f"Downloaded copies past their keep-until date and not yet deleted: {late}"]


EVIDENCE: dict[str, list[Lines]] = {
    "3.5": [counted("Audit events recorded", AuditEvent.objects.all(), "at")],
    "4.1": [counted("Cameras registered", Camera.objects.all(), "created_at")],
    "5.1": [camera_exceptions],
    "6.1": [
        counted("Signs registered", Sign.objects.all(), "last_checked_on"),
        counted("Privacy notices", PrivacyNotice.objects.all(), "reviewed_on"),
    ],
    "7.1": [counted("DPIAs approved", DPIA.objects.filter(status="approved"), "approved_at")],
    "9.2": [
        counted(
            "Viewing authorisations decided",
            ViewingAuthorisation.objects.exclude(decided_at=None),
            "decided_at",
        )
    ],
    "9.5": [counted("Downloads in the CCTV log", Download.objects.all(), "downloaded_at"), overdue_copies],
    "10.1": [
        counted("Subject access requests", SubjectAccessRequest.objects.all(), "received_on"),
        overdue_sars,
    ],
    "11.1": [
        counted("Disclosure requests", DisclosureRequest.objects.all(), "received_on"),
        counted("Disclosures in the register", Disclosure.objects.all(), "disclosed_at"),
    ],
    "11.7": [counted("FOI requests", FOIRequest.objects.all(), "received_on")],
    "12.1": [
        counted("Recording gaps explained", Gap.objects.all(), "end"),
        counted("Maintenance checks logged", MaintenanceEntry.objects.all(), "at"),
    ],
    "13.1": [
        counted("Erasure certificates", ErasureCertificate.objects.all(), "erased_at"),
        counted("Evidential holds placed", Hold.objects.all(), "placed_at"),
    ],
    "13.2": [overdue_copies],
    "14.1": [counted("Training records", TrainingRecord.objects.all(), "completed_on")],
    "15.1": [counted("Breaches recorded", Breach.objects.all(), "aware_at"), undecided_breaches],
    "17.1": [counted("Complaints", Complaint.objects.all(), "received_on")],
}
# The reference's requirements share the evidence of the clauses that carry them.
for requirement, clause in {
    "R2": "7.1",
    "R4": "5.1",
    "R5": "6.1",
    "R7": "14.1",
    "R9": "9.2",
    "R10": "3.5",
    "R11": "13.1",
    "R13": "9.5",
    "R14": "13.2",
    "R21": "10.1",
    "R24": "11.1",
    "R25": "11.7",
    "R26": "15.1",
    "R27": "12.1",
    "R29": "17.1",
}.items():
    EVIDENCE[requirement] = EVIDENCE[clause]


@dataclass(frozen=True)
class Row:
    entry: Entry
    evidence: list[str]
    enforced_by: list[str]


def rows(today: date) -> list[Row]:
    """Every catalogue entry in the policy's order, then the requirements."""
    from watchkeeper.site.clauses_index import enforcing_functions

    enforced = enforcing_functions()
    return [
        Row(
            entry,
            [line for lines in EVIDENCE.get(entry.id, []) for line in lines(today)],
            [f"{link.name} ({link.path}:{link.line})" for link in enforced.get(entry.id, [])],
        )
        for entry in CATALOGUE.values()
    ]
