"""Copies reported lost, and packages whose password went with the file (15.1, 11.6; design/evidence.md
"Copies reported lost"): a person who held or handled the copy says what happened; the report is kept on the
copy and opens a breach draft for the DPO through the breach register's own service, with the copy linked
and what the DPO needs for the Art 34(3)(a) exception (is the package encrypted, is its password safe)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from watchkeeper.core.actors import Actor, is_person, require_person
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.dates import uk_datetime
from watchkeeper.core.errors import refuse_if
from watchkeeper.core.permissions import can
from watchkeeper.evidence.models import CopyReport, Download, Kind, Mishap, person_name
from watchkeeper.evidence.services.actions import COPY_REPORTED_LOST, LOG, PASSWORD_REPORTED_WITH_FILE
from watchkeeper.evidence.services.copies import may_fetch

NOT_YOURS = (
    "15.1: only someone who holds or handled this copy (its requestor, the Headteacher or designated "
    "person, the CCTV administrator or the DPO) may report it"
)
# The breach draft each report opens (breaches.models.Kind) and its audit action.
DRAFT_KIND: dict[str, str] = {Mishap.LOST: "copy_lost", Mishap.PASSWORD_WITH_FILE: "password_with_file"}
AUDITED: dict[str, str] = {
    Mishap.LOST: COPY_REPORTED_LOST,
    Mishap.PASSWORD_WITH_FILE: PASSWORD_REPORTED_WITH_FILE,
}


def may_report(actor: Actor, download: Download) -> bool:
    """Those who may hold the copy (may_fetch: its requestor or asker, the Headteacher, a designated person,
    the CCTV administrator) and those who keep its log row (the Headteacher, CCTV administrator, DPO)."""
    return is_person(actor) and (may_fetch(actor, download) or can(actor, LOG, download.school_id))


@enforces("15.1", "11.6")
def report_problems(
    download: Download, kind: str, account: str, noticed_at: datetime, now: datetime
) -> list[str]:
    """What a report must hold. Pure (the copy as read)."""
    problems = []
    if kind not in Mishap.values:
        problems.append("15.1: say whether the copy was lost or its password went with it")
    if kind == Mishap.PASSWORD_WITH_FILE and download.kind != Kind.PACKAGE:
        problems.append("11.6: only a sealed package has a password")
    if not account.strip():
        problems.append("15.1: say what happened, in your own words")
    if noticed_at > now:
        problems.append("15.1: the moment you found out cannot be in the future")
    if noticed_at < download.downloaded_at.replace(microsecond=0):
        problems.append("15.1: the moment you found out cannot be before the copy was made")
    return problems


def report_lost(
    actor: Actor, download: Download, *, account: str, noticed_at: datetime, now: datetime
) -> CopyReport:
    """The copy (e.g. a USB stick handed to the police, a file saved on a laptop) is reported lost."""
    return _report(actor, download, Mishap.LOST, account, noticed_at, now)


def report_password_with_file(
    actor: Actor, download: Download, *, account: str, noticed_at: datetime, now: datetime
) -> CopyReport:
    """The package's password was sent with its file (in the same e-mail, on the same stick), against 11.6."""
    return _report(actor, download, Mishap.PASSWORD_WITH_FILE, account, noticed_at, now)


@enforces("15.1", "11.6", "R26")
def _report(
    actor: Actor, download: Download, kind: str, account: str, noticed_at: datetime, now: datetime
) -> CopyReport:
    """Kept on the copy and audited, in one transaction with the breach draft the DPO is told of (inbox and
    e-mail, by breaches.open_draft). Two reports of the same kind about one copy join one undecided draft."""
    from watchkeeper.breaches.services import open_draft, package_evidence

    person = require_person(actor, NOT_YOURS)
    if not may_report(person, download):
        raise PermissionDenied(NOT_YOURS)
    refuse_if(report_problems(download, kind, account, noticed_at, now))
    with transaction.atomic():
        row = Download.objects.select_for_update().get(pk=download.pk)
        report = CopyReport(
            school_id=row.school_id,
            download=row,
            kind=kind,
            reported_by=person,
            reported_at=now,
            noticed_at=noticed_at,
            account=account.strip(),
        )
        report.breach = open_draft(
            DRAFT_KIND[kind],
            draft_details(row, report),
            [package_evidence(row)],
            now,
            school=row.school,
            source_key=f"{DRAFT_KIND[kind]}:{row.pk}",
            aware_at=noticed_at,
        )
        report.save()
        details = {"breach": report.breach.reference, "noticed_at": noticed_at.isoformat()}
        audit_about(AUDITED[kind], person, row, reason=report.account, **details)
    return report


def draft_details(download: Download, report: CopyReport) -> str:
    """What the DPO's draft says: who reported what and when, in their words, then what bears on the
    Art 34(3)(a) exception — whether the copy is encrypted and whether its password was reported sent
    with it (a lost package whose password is safe is unintelligible to whoever finds it)."""
    earlier = list(download.reports.exclude(kind=report.kind).order_by("reported_at"))
    password_out = report.kind == Mishap.PASSWORD_WITH_FILE or any(
        r.kind == Mishap.PASSWORD_WITH_FILE for r in earlier
    )
    lost = report.kind == Mishap.LOST or any(r.kind == Mishap.LOST for r in earlier)
    lines = [
        f"{report.get_kind_display()} by {person_name(report.reported_by)} "
        f"on {uk_datetime(report.reported_at)} (found out {uk_datetime(report.noticed_at)}): "
        f"{report.account}",
        _the_copy(download),
        _encrypted(download),
        "Its password: reported sent with the file."
        if password_out
        else "Its password: not reported sent with the file.",
        "The copy: reported lost." if lost else "The copy: not reported lost.",
    ]
    if download.kind == Kind.PACKAGE and lost and not password_out:
        lines.append(
            "If the password is safe, the footage is unintelligible to whoever has the copy: UK GDPR "
            "Art 34(3)(a) may apply (the people affected need not be told) — confirm it before relying on it."
        )
    for other in earlier:
        breach = f" ({other.breach.reference})" if other.breach else ""
        lines.append(f"Also: {other.get_kind_display().lower()} on {uk_datetime(other.reported_at)}{breach}.")
    return "\n".join(lines)


def _the_copy(download: Download) -> str:
    built = f"The copy: CCTV log row #{download.pk}, {download.camera.name}"
    built += f", built {uk_datetime(download.downloaded_at)}"
    handed = f", handed over {uk_datetime(download.handed_over_at)}" if download.handed_over_at else ""
    to = f" to {download.handed_over_to}" if download.handed_over_to else ""
    return f"{built}{handed}{to}."


def _encrypted(download: Download) -> str:
    if download.kind == Kind.PACKAGE:
        return "Encrypted: yes — a password-protected ZIP (AES-256), opened only with its password (11.6)."
    return "Encrypted: no — a still picture handed over before sealed packages (no password)."
