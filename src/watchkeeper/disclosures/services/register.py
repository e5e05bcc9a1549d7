"""The register of disclosures (11.1): entering a disclosure that left no evidence package, reading the
register for a person, and its exports (each audited, from the web and a command alike)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor, Person, person_or_none
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse_if
from watchkeeper.core.permissions import require, restrict
from watchkeeper.core.release_terms import no_social_media
from watchkeeper.disclosures import register
from watchkeeper.disclosures.models import Disclosure, DisclosureRequest, FOIRequest
from watchkeeper.disclosures.services.common import RECORD, REGISTER, audit
from watchkeeper.estate.models import School
from watchkeeper.evidence.models import DownloadRequest

EXPORT_FORMATS = ("csv", "pdf")


@enforces("11.1", "11.4", "R24")
def record_disclosure(
    actor: Actor,
    *,
    school: School,
    recipient_name: str,
    recipient_organisation: str,
    what: str,
    legal_basis: str,
    authorised_by: Person | None,
    disclosed_at: datetime,
    now: datetime,
    reference: str = "",
    reason: str = "",
) -> Disclosure:
    """Enter a disclosure that left no evidence package (an in-school viewing given to a subject access
    requester, an FOI release, …) in the register (11.1), with why (its reason column) and the conditions
    the images were released on (11.4: never on social media). Packages are read from the evidence app."""
    require(actor, RECORD, school.pk)
    problems = []
    if not recipient_name.strip():
        problems.append("11.1: record who received the images")
    if not what.strip():
        problems.append("11.1: record what was disclosed")
    if not legal_basis.strip():
        problems.append("11.1: record the legal basis of the disclosure (data protection legislation)")
    if authorised_by is None or authorised_by.pk is None:
        problems.append("11.1: record who authorised the disclosure")
    refuse_if(problems)
    assert authorised_by is not None  # checked above, with the other problems
    with transaction.atomic():
        row = Disclosure.objects.create(
            school=school,
            disclosed_at=disclosed_at,
            recipient_name=recipient_name.strip(),
            recipient_organisation=recipient_organisation.strip(),
            what=what.strip(),
            reason=reason.strip(),
            legal_basis=legal_basis.strip(),
            conditions=no_social_media("The images"),
            authorised_by=authorised_by,
            reference=reference.strip(),
            recorded_by=person_or_none(actor),
            recorded_at=now,
        )
        audit(
            "disclosure_recorded",
            actor,
            row,
            recipient=row.recipient_name,
            organisation=row.recipient_organisation,
            legal_basis=row.legal_basis,
            authorised_by=authorised_by.get_username(),
            reference=row.reference,
            disclosed_at=disclosed_at.isoformat(),
        )
    return row


def register_rows(actor: Actor, school: School | None) -> list[register.Row]:
    """The register as `actor` may see it: every school they hold the register for, or just `school`."""

    def seen(queryset: QuerySet[Any]) -> QuerySet[Any]:
        mine = restrict(queryset, actor, REGISTER)
        return mine if school is None else mine.filter(school=school)

    return register.rows(
        register.Sources(
            requests=seen(DisclosureRequest.objects.all()),
            downloads=seen(DownloadRequest.objects.all()),
            disclosures=seen(Disclosure.objects.all()),
            fois=seen(FOIRequest.objects.all()),
        )
    )


@enforces("11.1", "R24")
def export_register(actor: Actor, *, school: School | None, form: str) -> list[register.Row]:
    """The register's rows for an export (CSV or PDF), the export audited: who took a copy of the
    register, of which school, how many rows, in which format."""
    if form not in EXPORT_FORMATS:
        raise ValueError(f"the register is exported as {' or '.join(EXPORT_FORMATS)}, not {form!r}")
    rows = register_rows(actor, school)
    record(
        "disclosures.register_exported",
        actor=actor,
        school=school,
        details={"school": school.pk if school else None, "rows": len(rows), "format": form},
    )
    return rows
