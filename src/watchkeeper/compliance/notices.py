"""Each school's CCTV privacy notice (UK GDPR Art 13; R5), kept beside its signs (6.1): the text or an
uploaded document, where it is published, and when it was last reviewed. Reviewed every year like the
policy and the DPIAs (18.1): a notice not reviewed for a year is flagged as due."""

from __future__ import annotations

from datetime import date, datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from watchkeeper.compliance import files
from watchkeeper.compliance.models import PrivacyNotice, SealedFile
from watchkeeper.compliance.services import one_year_on
from watchkeeper.core.actors import Actor, person_or_none
from watchkeeper.core.auditing import audit_about
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import require
from watchkeeper.estate.models import School


def review_due_on(notice: PrivacyNotice) -> date:
    return one_year_on(notice.reviewed_on)


def review_due(notice: PrivacyNotice | None, today: date) -> bool:
    """A school with no notice, or one not reviewed within the year, needs attention (R5, 18.1)."""
    return notice is None or review_due_on(notice) <= today


def notice_of(school: School) -> PrivacyNotice | None:
    return PrivacyNotice.objects.filter(school=school).first()


@enforces("6.1", "18.1", "R5")
def record_privacy_notice(
    actor: Actor,
    school: School,
    *,
    text: str,
    published_where: str,
    reviewed_on: date,
    today: date,
    document: UploadedFile | None = None,
    now: datetime | None = None,
) -> PrivacyNotice:
    """Record (or bring up to date) the school's privacy notice: what it says, where people can read it,
    and the day it was reviewed. The notice must say something: its text, or a document — checked by its
    content and sealed at rest (9.1; issue 14 §5); a replaced document is removed once this commits."""
    require(actor, "compliance.change", school.pk)
    if reviewed_on > today:
        raise PolicyRefusal("18.1: a review of the privacy notice cannot be dated in the future")
    if not published_where.strip():
        raise PolicyRefusal(
            "UK GDPR Art 13: say where the privacy notice is published — for example the school website "
            "and reception"
        )
    when = now or timezone.now()
    stored = files.seal_upload(school.pk, document, when, clause="6.1") if document is not None else None
    try:
        return _record(actor, school, text, published_where, reviewed_on, stored)
    except BaseException:
        if stored is not None:
            files.forget(stored)
        raise


def _record(
    actor: Actor,
    school: School,
    text: str,
    published_where: str,
    reviewed_on: date,
    stored: SealedFile | None,
) -> PrivacyNotice:
    with transaction.atomic():
        notice = PrivacyNotice.objects.select_for_update().filter(school=school).first()
        notice = notice or PrivacyNotice(school=school)
        if not text.strip() and stored is None and notice.document_file_id is None:
            raise PolicyRefusal(
                "UK GDPR Art 13: a privacy notice needs its text or an uploaded document — add one"
            )
        notice.text, notice.published_where, notice.reviewed_on = text, published_where, reviewed_on
        notice.updated_by = person_or_none(actor)
        replaced = notice.document_file if stored is not None else None
        if stored is not None:
            stored.save(force_insert=True)
            notice.document_file = stored
        notice.save()
        if replaced is not None:
            files.remove_after_commit(replaced)  # 9.1: a replaced notice leaves no file behind
        audit_about(
            "compliance.privacy_notice_recorded",
            actor,
            notice,
            reviewed_on=reviewed_on.isoformat(),
            published_where=published_where,
            document=notice.document_file.name if notice.document_file else None,
            text_chars=len(text),
        )
    return notice
