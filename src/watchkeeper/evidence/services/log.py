"""The CCTV log (Appendix I; design/evidence.md "The CCTV log"): one row a copy, shown as the appendix's
seven columns word for word and in order, on the page and in the CSV and PDF exports. Each export is
audited here, so the web and the command line record it alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.db.models import QuerySet

from watchkeeper.audit.services import record
from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.csvfiles import csv_lines
from watchkeeper.core.dates import uk_date, uk_datetime
from watchkeeper.core.pdf import table_pdf
from watchkeeper.core.permissions import restrict
from watchkeeper.estate.models import School
from watchkeeper.evidence.models import Download, Kind, person_name
from watchkeeper.evidence.services.actions import LOG, LOG_EXPORTED

# Appendix I's columns, word for word and in order: the page and the CSV both use them.
HEADINGS = [
    "Headteacher's or nominated alternate's authorisation to download a recording (signature)",
    "Date and time that recording was downloaded",
    "Reason for recording being downloaded",
    "Name of Requestor who wants to see the recording",
    "Date and time the recording was viewed",
    "Headteacher's or nominated alternate's authorisation to delete a recording (signature)",
    "Date that a recording was deleted",
]
LOG_ROWS = Download.objects.select_related(
    "school",
    "camera",
    "authorised_by",
    "requested_by",
    "deletion_authorised_by",
    "handed_over_by",
    "request__requestor_user",
)
# Column widths (mm) of the landscape A4 PDF, in Appendix I's order.
PDF_WIDTHS = (48, 34, 52, 36, 34, 48, 25)


def log_rows(actor: Actor, school: School | None) -> QuerySet[Download]:
    """The log rows the person keeps (`evidence.log`): of one school, or of all theirs."""
    rows = restrict(LOG_ROWS, actor, LOG)
    return rows if school is None else rows.filter(school=school)


@enforces("Appendix I", "R13")
def columns(download: Download) -> list[str]:
    """One log row as Appendix I's seven cells (UK local times, dd/mm/YYYY HH:MM)."""
    d = download
    deletion = (
        f"{person_name(d.deletion_authorised_by)}, {when(d.deletion_authorised_at)}"
        if d.deletion_authorised_by
        else ""
    )
    which = f"download request #{d.request_id}" if d.request_id else f"authorisation #{d.authorisation_id}"
    requestor = (
        d.request.requestor_display if d.request else (person_name(d.requested_by) if d.requested_by else "")
    )
    return [
        f"{person_name(d.authorised_by)}, {when(d.authorised_at)} ({which}, second factor)",
        downloaded(d),
        f"{d.get_reason_category_display()}: {d.reason}",
        requestor,
        when(d.viewed_at),
        deletion,
        uk_date(d.deleted_at),
    ]


@enforces("Appendix I", "R13")
def downloaded(d: Download) -> str:
    """Appendix I "date and time that recording was downloaded": when the copy left the system (its first
    fetch or recorded hand-over, and to whom), not when the package was built. An old snapshot was handed
    over as it was made."""
    if d.kind == Kind.SNAPSHOT:
        return when(d.downloaded_at)
    if d.handed_over_at is not None:
        by = f" by {person_name(d.handed_over_by)}" if d.handed_over_by else ""
        return f"{when(d.handed_over_at)}{by}{received(d)}"
    return f"Not yet downloaded (package built {when(d.downloaded_at)})"


def received(d: Download) -> str:
    """Who a copy given over outside the app went to ("Record hand-over"), and when if not at the first
    hand-over (issue 13 §3)."""
    if not d.handed_over_to:
        return ""
    if d.handed_over_to_at == d.handed_over_at:
        return f", to {d.handed_over_to}"
    return f"; handed to {d.handed_over_to} {when(d.handed_over_to_at)}"


def when(moment: datetime | None) -> str:
    return uk_datetime(moment)


@enforces("9.5", "Appendix I")
def export_log_csv(actor: Actor, school: School | None) -> Iterator[str]:
    """The person's log rows as CSV lines (formula-safe), the export audited now, before the first line."""
    rows = _exported(actor, school, "csv")
    return _csv_lines(rows)


@enforces("9.5", "Appendix I")
def export_log_pdf(actor: Actor, school: School | None, *, now: datetime) -> bytes:
    """Print-ready, landscape, like the appendix (9.5): the same columns as the page and the CSV."""
    rows = [columns(d) for d in _exported(actor, school, "pdf").iterator(chunk_size=500)]
    title = f"CCTV log: {_schools_named(actor, school)}"
    made = f"Appendix I — log of downloaded CCTV images (9.5). Printed {when(now)}. UK time."
    return table_pdf(title, HEADINGS, rows, subtitle=made, widths=PDF_WIDTHS, landscape=True)


def _schools_named(actor: Actor, school: School | None) -> str:
    """The school (or schools) the printed log covers, so a printout always says whose log it is."""
    if school is not None:
        return school.name
    names = list(restrict(School.objects.order_by("name"), actor, LOG).values_list("name", flat=True))
    return ", ".join(names) or "no school"


def _exported(actor: Actor, school: School | None, form: str) -> QuerySet[Download]:
    rows = log_rows(actor, school)
    record(
        LOG_EXPORTED,
        actor=actor,
        school=school,
        details={"school": school.pk if school else None, "rows": rows.count(), "format": form},
    )
    return rows


def _csv_lines(rows: QuerySet[Download]) -> Iterator[str]:
    return csv_lines(HEADINGS, (columns(download) for download in rows.iterator(chunk_size=500)))
