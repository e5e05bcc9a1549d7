"""The disclosure register (11.1): every disclosure of any kind, in one list.

Two sources: the evidence packages that left the school (evidence.Download rows made for a download
request whose purpose is not internal: police, subject access, other third parties), and the disclosures
that left no package (disclosures.Disclosure: an in-school viewing given to a subject access requester,
an FOI release, …). Nothing is copied: the register is read from both every time, so it cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils import timezone

from watchkeeper.core.actors import Person
from watchkeeper.core.clauses import enforces
from watchkeeper.disclosures.models import Disclosure
from watchkeeper.evidence.models import Download, Purpose

HEADINGS = [
    "Date",
    "School",
    "Recipient",
    "Organisation",
    "What was disclosed",
    "Legal basis",
    "Authorised by",
    "Package",
    "Copy kept until",
    "Reference",
]
WIDTHS = (22, 22, 24, 24, 50, 36, 22, 40, 18, 20)  # mm of A4 landscape; file names are long


@dataclass(frozen=True)
class Row:
    at: datetime
    school: str
    recipient: str
    organisation: str
    what: str
    legal_basis: str
    authorised_by: str
    package: str
    copy_expires: date | None
    reference: str

    def cells(self) -> list[str]:
        return [
            timezone.localtime(self.at).strftime("%d %b %Y %H:%M"),
            self.school,
            self.recipient,
            self.organisation,
            self.what,
            self.legal_basis,
            self.authorised_by,
            self.package,
            self.copy_expires.strftime("%d %b %Y") if self.copy_expires else "",
            self.reference,
        ]


def _name(user: Person | None) -> str:
    return "" if user is None else str(user.get_full_name() or user.get_username())


def _window(start: datetime, end: datetime) -> str:
    first, last = timezone.localtime(start), timezone.localtime(end)
    return (
        f"{first:%d %b %Y %H:%M}–{last:%H:%M}"
        if first.date() == last.date()
        else f"{first:%d %b %Y %H:%M}–{last:%d %b %Y %H:%M}"
    )


def package_rows(downloads: QuerySet[Download]) -> list[Row]:
    """Evidence packages that left the school: made for a request whose purpose is not internal (11.6)."""
    rows = []
    chosen = (
        downloads.filter(request__isnull=False)
        .exclude(request__purpose=Purpose.INTERNAL)
        .select_related("school", "request", "request__decided_by", "authorised_by")
        .prefetch_related("request__cameras")
    )
    for d in chosen:
        req = d.request
        assert req is not None  # filtered above
        cameras = ", ".join(sorted(c.name for c in req.cameras.all()))
        rows.append(
            Row(
                at=d.downloaded_at,
                school=d.school.name,
                recipient=req.recipient_name or req.requestor_display,
                organisation=req.recipient_organisation,
                what=f"Sealed evidence package ({req.get_purpose_display()}): {cameras}, "
                f"{_window(req.start, req.end)}",
                legal_basis=req.legal_basis,
                authorised_by=_name(req.decided_by) or _name(d.authorised_by),
                package=d.package_file or f"download #{d.pk}",
                copy_expires=d.expires_on,
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
            legal_basis=d.legal_basis,
            authorised_by=_name(d.authorised_by),
            package="",
            copy_expires=None,
            reference=d.reference,
        )
        for d in disclosures.select_related("school", "authorised_by")
    ]


@enforces("11.1", "R24")
def rows(downloads: QuerySet[Download], disclosures: QuerySet[Disclosure]) -> list[Row]:
    """Both sources, newest first. The querysets come already restricted to what the reader may see."""
    return sorted(package_rows(downloads) + other_rows(disclosures), key=lambda r: r.at, reverse=True)
