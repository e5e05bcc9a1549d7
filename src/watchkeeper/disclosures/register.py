"""The disclosure register (11.1): every decision to disclose CCTV images, approved or refused, and every
disclosure made, in one list, with why and the state of its package.

Four sources, read every time (nothing copied, so the register cannot drift):
- the police and outside bodies' requests once decided (disclosures.DisclosureRequest), each with the state
  of the package its approval asked for — an approved request whose package failed, or is not yet built,
  stays in the register (issue 13 §3);
- the evidence workflow's other decided download requests that were not for internal use (subject access,
  third parties asked for directly), with their package;
- the disclosures that left no package (disclosures.Disclosure: an in-school viewing, an FOI release, …);
- FOI requests answered by withholding the images (a refusal is a decision too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet

from watchkeeper.core.actors import Person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.dates import uk_date, uk_datetime, uk_window
from watchkeeper.disclosures.models import (
    Disclosure,
    DisclosureRequest,
    FOIDecision,
    FOIRequest,
    RequestStatus,
)
from watchkeeper.estate.models import Camera
from watchkeeper.evidence.models import Download, DownloadRequest, Purpose
from watchkeeper.evidence.models import RequestStatus as DownloadStatus

HEADINGS = [
    "Date",
    "School",
    "Recipient",
    "Organisation",
    "What was disclosed",
    "Reason",
    "Legal basis",
    "Decision",
    "Decided by",
    "Package",
    "Copy kept until",
    "Reference",
]
WIDTHS = (18, 18, 20, 20, 36, 32, 28, 16, 18, 34, 16, 20)  # mm: 276 of A4 landscape's 277
APPROVED, REFUSED, DISCLOSED = "Approved", "Refused", "Disclosed"
# Download requests past their decision: those still awaiting one, or withdrawn, are not decisions.
DECIDED_DOWNLOADS = [
    DownloadStatus.APPROVED,
    DownloadStatus.BUILDING,
    DownloadStatus.READY,
    DownloadStatus.FAILED,
    DownloadStatus.REFUSED,
]


@dataclass(frozen=True)
class Row:
    at: datetime
    school: str
    recipient: str
    organisation: str
    what: str
    reason: str
    legal_basis: str
    decision: str
    decided_by: str
    package: str
    copy_expires: date | None
    reference: str

    def cells(self) -> list[str]:
        return [
            uk_datetime(self.at),
            self.school,
            self.recipient,
            self.organisation,
            self.what,
            self.reason,
            self.legal_basis,
            self.decision,
            self.decided_by,
            self.package,
            uk_date(self.copy_expires),
            self.reference,
        ]


@dataclass(frozen=True)
class Sources:
    """What the register reads, each queryset already restricted to what the reader may see."""

    requests: QuerySet[DisclosureRequest]
    downloads: QuerySet[DownloadRequest]
    disclosures: QuerySet[Disclosure]
    fois: QuerySet[FOIRequest]


def _name(user: Person | None) -> str:
    return "" if user is None else str(user.get_full_name() or user.get_username())


def _cameras(cameras: Iterable[Camera]) -> str:
    return ", ".join(sorted(c.name for c in cameras))


@enforces("11.1", "Appendix I")
def package_state(req: DownloadRequest | None) -> tuple[str, date | None]:
    """A package's state in words, and its copy's keep-until date: never built, failing or deleted is
    said, not left out."""
    if req is None:
        return "No download request found", None
    copy: Download | None = next(iter(sorted(req.downloads.all(), key=lambda d: d.pk, reverse=True)), None)
    if req.status == DownloadStatus.FAILED:
        return f"Package failed: {req.failure or 'no reason recorded'} (download request #{req.pk})", None
    if copy is None:
        return f"{req.get_status_display()} (download request #{req.pk})", None
    name = copy.package_file or f"download #{copy.pk}"
    if copy.deleted_at is not None:
        return f"{name}: deleted {uk_datetime(copy.deleted_at)}", copy.expires_on
    if copy.handed_over_at is not None:
        return f"{name}: handed over {uk_datetime(copy.handed_over_at)}", copy.expires_on
    return f"{name}: built {uk_datetime(copy.downloaded_at)}, not yet handed over", copy.expires_on


def request_rows(requests: QuerySet[DisclosureRequest], packages: dict[int, DownloadRequest]) -> list[Row]:
    """The police and outside bodies' decided requests, each with its package's state (11.3, 11.5)."""
    rows = []
    decided = requests.exclude(status=RequestStatus.PENDING).exclude(decided_at=None)
    for req in decided.select_related("school", "decided_by").prefetch_related("cameras"):
        assert req.decided_at is not None  # excluded above
        approved = req.status == RequestStatus.APPROVED
        if approved:
            package, expires = package_state(packages.get(req.download_request_id or 0))
        else:
            package, expires = "None: refused, nothing released", None
        rows.append(
            Row(
                at=req.decided_at,
                school=req.school.name,
                recipient=req.requester_name,
                organisation=req.requester_organisation,
                what=f"{req.get_kind_display()}: {_cameras(req.cameras.all())}, "
                f"{uk_window(req.start, req.end)} — {req.sought}",
                reason=req.decision_reason,
                legal_basis=req.get_legal_basis_display(),
                decision=APPROVED if approved else REFUSED,
                decided_by=_name(req.decided_by),
                package=package,
                copy_expires=expires,
                reference=req.reference,
            )
        )
    return rows


def download_rows(downloads: list[DownloadRequest], linked: set[int | None]) -> list[Row]:
    """Other decided download requests that were not for internal use (subject access, third parties)."""
    rows = []
    for req in downloads:
        if req.pk in linked or req.decided_at is None or req.status not in DECIDED_DOWNLOADS:
            continue
        package, expires = package_state(req) if req.status != DownloadStatus.REFUSED else ("None", None)
        rows.append(
            Row(
                at=req.decided_at,
                school=req.school.name,
                recipient=req.recipient_name or req.requestor_display,
                organisation=req.recipient_organisation,
                what=f"Sealed evidence package ({req.get_purpose_display()}): {_cameras(req.cameras.all())}, "
                f"{uk_window(req.start, req.end)}",
                reason=f"{req.get_reason_category_display()}: {req.reason}",
                legal_basis=req.legal_basis,
                decision=REFUSED if req.status == DownloadStatus.REFUSED else APPROVED,
                decided_by=_name(req.decided_by),
                package=package,
                copy_expires=expires,
                reference=req.case_reference,
            )
        )
    return rows


def other_rows(disclosures: QuerySet[Disclosure]) -> list[Row]:
    return [
        Row(
            at=d.disclosed_at,
            school=d.school.name,
            recipient=d.recipient_name,
            organisation=d.recipient_organisation,
            what=d.what,
            reason=d.reason,
            legal_basis=d.legal_basis,
            decision=DISCLOSED,
            decided_by=_name(d.authorised_by),
            package="None: no package",
            copy_expires=None,
            reference=d.reference,
        )
        for d in disclosures.select_related("school", "authorised_by")
    ]


def withheld_rows(fois: QuerySet[FOIRequest]) -> list[Row]:
    """FOI requests answered by withholding: a refusal, listed as one (a release is a Disclosure row)."""
    chosen = fois.filter(decision=FOIDecision.WITHHELD).exclude(decided_at=None)
    rows = []
    for foi in chosen.select_related("school", "decided_by").prefetch_related("cameras"):
        assert foi.decided_at is not None  # excluded above
        footage = f": {_cameras(foi.cameras.all())}" if foi.start and foi.end else ""
        window = f", {uk_window(foi.start, foi.end)}" if foi.start and foi.end else ""
        rows.append(
            Row(
                at=foi.decided_at,
                school=foi.school.name,
                recipient=foi.requester_name,
                organisation="FOI requester",
                what=f"FOI request{footage}{window} — {foi.sought}",
                reason=foi.decision_reason,
                legal_basis=foi.get_decision_display(),
                decision=REFUSED,
                decided_by=_name(foi.decided_by),
                package="None: refused, nothing released",
                copy_expires=None,
                reference=f"FOI-{foi.pk}",
            )
        )
    return rows


@enforces("11.1", "R24")
def rows(sources: Sources) -> list[Row]:
    """Every source, newest first."""
    # Every non-internal download request (whatever its state): an approved disclosure's package may
    # still await its authorisation, and must show as such.
    downloads = list(
        sources.downloads.exclude(purpose=Purpose.INTERNAL)
        .select_related("school", "decided_by", "requestor_user")
        .prefetch_related("cameras", "downloads")
    )
    by_id = {d.pk: d for d in downloads}
    linked = set(
        sources.requests.exclude(download_request_id=None).values_list("download_request_id", flat=True)
    )
    found = (
        request_rows(sources.requests, by_id)
        + download_rows(downloads, linked)
        + other_rows(sources.disclosures)
        + withheld_rows(sources.fois)
    )
    return sorted(found, key=lambda r: r.at, reverse=True)
