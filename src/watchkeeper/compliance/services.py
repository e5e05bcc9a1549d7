"""DPIA and signage registers. Approval of a DPIA is the DPO's alone (7.1, 7.3); review is yearly (18.1)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from watchkeeper.audit.services import record
from watchkeeper.compliance import files
from watchkeeper.compliance.gates import compliance_exceptions, dpia_in_date, sign_checked
from watchkeeper.compliance.models import DPIA, DPIADocument, DPIAStatus, PrivacyNotice, Sign, SignPlacement
from watchkeeper.core.actors import Actor, person_or_none
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import require
from watchkeeper.estate.models import Camera, CameraStatus, School, Vehicle

REVIEW_INTERVAL_YEARS = 1  # 18.1


def one_year_on(day: date) -> date:
    try:
        return day.replace(year=day.year + REVIEW_INTERVAL_YEARS)
    except ValueError:  # 29 February: the review falls on 28 February
        return day.replace(year=day.year + REVIEW_INTERVAL_YEARS, day=28)


def create_dpia(
    actor: Actor,
    school: School,
    title: str,
    cameras: Iterable[Camera] = (),
    *,
    retrospective: bool = False,
    summary: str = "",
) -> DPIA:
    require(actor, "compliance.change", school.pk)
    cameras = list(cameras)
    _refuse_foreign_cameras(school, cameras)
    with transaction.atomic():
        dpia = DPIA.objects.create(
            school=school,
            title=title,
            retrospective=retrospective,
            summary=summary,
            created_by=person_or_none(actor),
        )
        dpia.cameras.set(cameras)
        _event(
            "compliance.dpia_created",
            actor,
            school,
            dpia,
            {"title": title, "cameras": [c.pk for c in cameras], "retrospective": retrospective},
        )
    return dpia


def set_dpia_cameras(actor: Actor, dpia: DPIA, cameras: Iterable[Camera]) -> DPIA:
    """Only a draft's coverage may change: an approved DPIA assessed exactly the cameras it names."""
    require(actor, "compliance.change", dpia.school_id)
    if dpia.status != DPIAStatus.DRAFT:
        raise PolicyRefusal("7.1: an approved or superseded DPIA cannot change — draft a new one")
    cameras = list(cameras)
    _refuse_foreign_cameras(dpia.school, cameras)
    with transaction.atomic():
        dpia.cameras.set(cameras)
        _event("compliance.dpia_cameras_set", actor, dpia.school, dpia, {"cameras": [c.pk for c in cameras]})
    return dpia


@enforces("11.6")
def set_dpia_sharing(actor: Actor, dpia: DPIA, summary: str) -> DPIA:
    """11.6: a draft says how personal information will be shared; approval needs it (approve_dpia)."""
    require(actor, "compliance.change", dpia.school_id)
    if dpia.status != DPIAStatus.DRAFT:
        raise PolicyRefusal("7.1: an approved or superseded DPIA cannot change — draft a new one")
    with transaction.atomic():
        dpia.summary = summary
        dpia.save(update_fields=["summary"])
        _event("compliance.dpia_sharing_set", actor, dpia.school, dpia, {"chars": len(summary)})
    return dpia


@enforces("7.1", "11.6", "18.1", "R2", "R3")
def approve_dpia(actor: Actor, dpia: DPIA, now: datetime) -> DPIA:
    """The DPO approves a draft at `now`, once it covers a camera and says how information will be shared
    (11.6); it is due for review a year on (18.1)."""
    require(actor, "compliance.approve_dpia", dpia.school_id)
    if dpia.status != DPIAStatus.DRAFT:
        raise PolicyRefusal(
            f"7.1: only a draft DPIA can be approved (this one is {dpia.get_status_display().lower()})"
        )
    if not dpia.cameras.exists():
        raise PolicyRefusal("7.1: a DPIA must cover at least one camera before it is approved")
    if not dpia.summary.strip():
        raise PolicyRefusal(
            "11.6: the DPIA does not yet say how information will be shared — write its “how information "
            "will be shared” section, then approve it"
        )
    with transaction.atomic():
        dpia.status = DPIAStatus.APPROVED
        dpia.approved_by = person_or_none(actor)
        dpia.approved_at = now
        dpia.next_review_on = one_year_on(timezone.localdate(now))
        dpia.save()
        _event(
            "compliance.dpia_approved",
            actor,
            dpia.school,
            dpia,
            {"next_review_on": dpia.next_review_on.isoformat()},
        )
    return dpia


def supersede_dpia(actor: Actor, old: DPIA, new: DPIA) -> DPIA:
    """Replace an approved DPIA by a newly approved one (after a review or a change of cameras)."""
    require(actor, "compliance.approve_dpia", old.school_id)
    if old.status != DPIAStatus.APPROVED or new.status != DPIAStatus.APPROVED or old.pk == new.pk:
        raise PolicyRefusal("18.1: an approved DPIA can only be superseded by another approved DPIA")
    if new.school_id != old.school_id:
        raise PolicyRefusal("18.1: a DPIA can only be superseded by one of the same school")
    with transaction.atomic():
        old.status, old.superseded_by = DPIAStatus.SUPERSEDED, new
        old.save(update_fields=["status", "superseded_by"])
        _event("compliance.dpia_superseded", actor, old.school, old, {"superseded_by": new.pk})
    return old


@enforces("7.1", "9.1")
def attach_dpia_document(
    actor: Actor, dpia: DPIA, upload: UploadedFile, now: datetime | None = None
) -> DPIADocument:
    """A document for the DPIA: a PDF, office document or picture by its content, sealed at rest (9.1)."""
    require(actor, "compliance.change", dpia.school_id)
    stored = files.seal_upload(dpia.school_id, upload, now or timezone.now(), clause="7.1")
    try:
        with transaction.atomic():
            stored.save(force_insert=True)
            document = DPIADocument(
                dpia=dpia, stored=stored, name=stored.name, uploaded_by=person_or_none(actor)
            )
            document.save()
            details = {
                "dpia": dpia.pk,
                "name": stored.name,
                "bytes": stored.size,
                "type": stored.content_type,
            }
            _event("compliance.dpia_document_attached", actor, dpia.school, document, details)
    except BaseException:
        files.forget(stored)
        raise
    return document


@enforces("6.1", "R5")
def register_sign(
    actor: Actor,
    school: School,
    placement: str,
    location_description: str,
    *,
    vehicle: Vehicle | None = None,
    last_checked_on: date | None = None,
) -> Sign:
    require(actor, "compliance.change", school.pk)
    if vehicle is not None and vehicle.school_id != school.pk:
        raise PolicyRefusal("6.1: that minibus belongs to another school")
    if (placement == SignPlacement.INSIDE_VEHICLE) != (vehicle is not None):
        raise PolicyRefusal("6.1: a sign inside a minibus names the minibus; a site sign names none")
    with transaction.atomic():
        sign = Sign.objects.create(
            school=school,
            vehicle=vehicle,
            placement=placement,
            location_description=location_description,
            last_checked_on=last_checked_on,
            checked_by=person_or_none(actor) if last_checked_on else None,
        )
        _event(
            "compliance.sign_registered",
            actor,
            school,
            sign,
            {"placement": placement, "vehicle": vehicle.pk if vehicle else None},
        )
    return sign


@enforces("6.1", "9.1")
def record_sign_check(
    actor: Actor, sign: Sign, checked_on: date, today: date, photo: UploadedFile | None = None
) -> Sign:
    """The sign checked on `checked_on`; a photo (a picture by its content) is sealed at rest and replaces
    the sign's previous one, whose file is removed once this commits."""
    require(actor, "compliance.change", sign.school_id)
    if checked_on > today:
        raise PolicyRefusal("6.1: a sign check cannot be dated in the future")
    stored = None
    if photo is not None:
        stored = files.seal_upload(sign.school_id, photo, timezone.now(), clause="6.1", pictures_only=True)
    try:
        with transaction.atomic():
            replaced = sign.photo_file if stored is not None else None
            sign.last_checked_on = checked_on
            sign.checked_by = person_or_none(actor)
            if stored is not None:
                stored.save(force_insert=True)
                sign.photo_file = stored
            sign.save()
            if replaced is not None:
                files.remove_after_commit(replaced)
            _event(
                "compliance.sign_checked",
                actor,
                sign.school,
                sign,
                {"checked_on": checked_on.isoformat(), "photo": photo is not None},
            )
    except BaseException:
        if stored is not None:
            files.forget(stored)
        raise
    return sign


def exceptions_for(cameras: Iterable[Camera], today: date) -> list[tuple[Camera, list[str]]]:
    """The compliance exceptions list: cameras in service with a problem, and what it is — for an overdue
    review, also what the trust's setting does to the camera (it keeps recording, or it has stopped)."""
    from watchkeeper.compliance.trust import suspends_overdue_by_school

    cameras = list(cameras)
    signs = list(Sign.objects.filter(school_id__in={c.school_id for c in cameras}))
    suspending = suspends_overdue_by_school(c.school_id for c in cameras)
    rows = []
    for camera in cameras:
        if camera.status == CameraStatus.DECOMMISSIONED:
            continue
        found = compliance_exceptions(camera, camera.dpias.all(), signs, today, suspending[camera.school_id])
        if found:
            rows.append((camera, found))
    return rows


def _event(action: str, actor: Actor, school: School, obj: models.Model, details: dict[str, Any]) -> None:
    """Every change to the registers is audited in its own transaction, under the school it belongs to."""
    record(action, actor=actor, school=school, obj=obj, details=details)


def _refuse_foreign_cameras(school: School, cameras: list[Camera]) -> None:
    foreign = [c.name for c in cameras if c.school_id != school.pk]
    if foreign:
        raise PolicyRefusal(f"7.1: these cameras belong to another school: {', '.join(foreign)}")


@dataclass
class SchoolCompliance:
    """One school's line on the DPO's at-a-glance view."""

    school: School
    cameras_by_status: dict[str, int] = field(default_factory=dict)
    dpias_approved: int = 0
    dpias_overdue: int = 0
    dpias_draft: int = 0
    signs_checked: int = 0
    signs_unchecked: int = 0
    exceptions: int = 0
    notice_due: bool = False  # cameras but no privacy notice, or one not reviewed for a year (R5, 18.1)

    @property
    def ok(self) -> bool:
        return (
            self.exceptions == 0
            and self.dpias_overdue == 0
            and self.signs_unchecked == 0
            and not self.notice_due
        )


def compliance_summary(
    schools: Iterable[School], cameras: Iterable[Camera], today: date
) -> list[SchoolCompliance]:
    """Counts per school of cameras, DPIAs, signs and exceptions, and whether its privacy notice is due for
    review: every school's compliance at a glance."""
    from watchkeeper.compliance.notices import review_due

    rows = {school.pk: SchoolCompliance(school) for school in schools}
    for camera in cameras:
        if camera.school_id in rows:
            counts = rows[camera.school_id].cameras_by_status
            counts[camera.status] = counts.get(camera.status, 0) + 1
    for camera, _problems in exceptions_for([c for c in cameras if c.school_id in rows], today):
        rows[camera.school_id].exceptions += 1
    for dpia in DPIA.objects.filter(school_id__in=rows):
        _count_dpia(rows[dpia.school_id], dpia, today)
    found = {n.school_id: n for n in PrivacyNotice.objects.filter(school_id__in=rows)}
    for school_id, row in rows.items():
        # A school with cameras needs its CCTV privacy notice (R5); one without cameras does not.
        row.notice_due = bool(row.cameras_by_status) and review_due(found.get(school_id), today)
    for sign in Sign.objects.filter(school_id__in=rows):
        row = rows[sign.school_id]
        if sign_checked(sign, today):
            row.signs_checked += 1
        else:
            row.signs_unchecked += 1
    return list(rows.values())


def _count_dpia(row: SchoolCompliance, dpia: DPIA, today: date) -> None:
    if dpia.status == DPIAStatus.DRAFT:
        row.dpias_draft += 1
    elif dpia.status == DPIAStatus.APPROVED and dpia_in_date(dpia, today):
        row.dpias_approved += 1
    elif dpia.status == DPIAStatus.APPROVED:
        row.dpias_overdue += 1
