"""Reporting a suspected breach (15.1): anyone with a school role; the DPO is told at once. Watchkeeper's
own events open a draft the same way (open_draft). Changing "aware at" later needs a reason, audited."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse

from watchkeeper.breaches.models import Breach, Category, EvidenceLink, Kind
from watchkeeper.breaches.services.common import DECIDE, REPORT, audit, tell_dpo
from watchkeeper.core.actors import SYSTEM, Actor, person_or_none, require_person
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import refuse_if
from watchkeeper.core.permissions import require
from watchkeeper.core.transitions import lock
from watchkeeper.estate.models import Camera, School
from watchkeeper.evidence.models import Download

# What a member of staff may say a breach is; Watchkeeper's own kinds come from its checks (open_draft).
STAFF_KINDS = (Kind.REPORTED, Kind.COPY_LOST, Kind.PASSWORD_WITH_FILE)


@dataclass(frozen=True)
class Evidence:
    """A link to what a breach rests on (an audit event, a package, a download, a check's finding)."""

    label: str
    url: str = ""


@enforces("15.1", "R26")
def report_problems(
    *,
    what_happened: str,
    happened_at: datetime | None,
    aware_at: datetime,
    categories: Sequence[str],
    now: datetime,
) -> list[str]:
    """What a report must hold. Pure."""
    problems = []
    if not what_happened.strip():
        problems.append("15.1: say what happened, in your own words")
    if aware_at > now:
        problems.append("15.1 (UK GDPR Art 33(1)): the moment the trust became aware cannot be in the future")
    if happened_at is not None and happened_at > aware_at:
        problems.append(
            "15.1: it cannot have happened after anyone became aware of it — check both times, or leave "
            "'when it happened' empty if it is not known"
        )
    if any(c not in Category.values for c in categories):
        problems.append("15.1 (UK GDPR Art 33(3)(a)): choose the categories of data from the list")
    return problems


def report_breach(
    actor: Actor,
    *,
    school: School,
    what_happened: str,
    aware_at: datetime,
    now: datetime,
    happened_at: datetime | None = None,
    cameras: Iterable[Camera] = (),
    involved: str = "",
    people_affected: int | None = None,
    records_affected: int | None = None,
    categories: Sequence[str] = (),
    children_images: bool = False,
    kind: str = Kind.REPORTED,
    downloads: Iterable[Download] = (),
    evidence: Sequence[Evidence] = (),
) -> Breach:
    """A member of staff reports a suspected breach; the DPO is told at once (inbox and e-mail)."""
    person = require_person(actor, "15.1: a breach is reported by a signed-in member of staff")
    require(person, REPORT, school.pk)
    cameras, downloads = list(cameras), list(downloads)
    problems = report_problems(
        what_happened=what_happened,
        happened_at=happened_at,
        aware_at=aware_at,
        categories=categories,
        now=now,
    )
    if kind not in STAFF_KINDS:
        problems.append("15.1: choose what kind of breach it is from the list")
    if any(camera.school_id != school.pk for camera in cameras) or any(
        download.school_id != school.pk for download in downloads
    ):
        problems.append("15.1: every camera, package or copy named must be one of this school's")
    refuse_if(problems)
    with transaction.atomic():
        breach = Breach.objects.create(
            school=school,
            kind=kind,
            what_happened=what_happened.strip(),
            happened_at=happened_at,
            aware_at=aware_at,
            reported_by=person,
            reported_at=now,
            involved=involved.strip(),
            people_affected=people_affected,
            records_affected=records_affected,
            categories=list(categories),
            children_images=children_images,
        )
        breach.cameras.set(cameras)
        _link(breach, [*map(package_evidence, downloads), *evidence])
        audit("reported", person, breach, **_facts(breach))
        tell_dpo(breach, "breach.reported", now)
    return breach


def _facts(breach: Breach) -> dict[str, Any]:
    return {
        "kind": breach.kind,
        "aware_at": breach.aware_at.isoformat(),
        "happened_at": breach.happened_at.isoformat() if breach.happened_at else None,
        "cameras": sorted(breach.cameras.values_list("pk", flat=True)),
        "people_affected": breach.people_affected,
        "records_affected": breach.records_affected,
        "categories": breach.categories,
        "children_images": breach.children_images,
    }


def package_evidence(download: Download) -> Evidence:
    """A package or copy as a breach's evidence: its row of the CCTV log and its request."""
    url = reverse("evidence:request_detail", args=[download.request_id]) if download.request_id else ""
    return Evidence(f"Package or copy #{download.pk} of {download.downloaded_at:%d/%m/%Y} (CCTV log)", url)


def _link(breach: Breach, evidence: Sequence[Evidence]) -> None:
    EvidenceLink.objects.bulk_create(
        EvidenceLink(breach=breach, label=item.label[:300], url=item.url[:300]) for item in evidence
    )


# What a draft says in plain words, per kind; the details follow.
DRAFT_WORDS: dict[str, str] = {
    Kind.AUDIT_CHAIN: "Watchkeeper's audit log failed verification: a record may be altered or removed.",
    Kind.FOOTAGE_LOST: "Recorded footage is missing or damaged (availability and integrity).",
    Kind.STORAGE_CHECK: "The storage check found a problem with the recordings.",
    Kind.COPY_LOST: "A copy or package of footage was reported lost.",
    Kind.PASSWORD_WITH_FILE: "A package's password was reported sent with its file, against 11.6.",
}


@enforces("15.1", "R26")
def open_draft(
    kind: str,
    details: str,
    evidence: Sequence[Evidence],
    now: datetime,
    *,
    school: School | None = None,
    source_key: str = "",
    aware_at: datetime | None = None,
) -> Breach:
    """Watchkeeper's own event opens a draft for the DPO, as SYSTEM, aware from `now` (the moment the
    installation found it), or from `aware_at` when a person reported the event and knew of it earlier (a
    copy reported lost: the school's awareness is the trust's). The same event (`source_key`) opens one
    draft only, while it is undecided."""
    if kind not in DRAFT_WORDS:
        raise ValueError(f"not a kind Watchkeeper opens drafts of: {kind!r}")
    with transaction.atomic():
        if source_key:
            open_one = Breach.objects.filter(source_key=source_key, ico_decision="").first()
            if open_one is not None:
                return open_one
        breach = Breach.objects.create(
            school=school,
            kind=kind,
            draft=True,
            source_key=source_key[:200],
            what_happened=f"{DRAFT_WORDS[kind]}\n\n{details}".strip(),
            aware_at=min(aware_at or now, now),
            reported_at=now,
        )
        _link(breach, evidence)
        audit("draft_opened", SYSTEM, breach, **_facts(breach))
        tell_dpo(breach, "breach.draft", now)
    return breach


@enforces("15.1", "R26")
def change_aware_at(
    actor: Actor, breach: Breach, *, aware_at: datetime, reason: str, now: datetime
) -> Breach:
    """The DPO corrects when the trust first became aware: the clock moves with it, so a reason is
    required and the old and new moments are audited."""
    person = require_person(actor, "15.1: only a signed-in DPO may change when the trust became aware")
    require(person, DECIDE, breach.school_id)
    problems = []
    if not reason.strip():
        problems.append(
            "15.1 (UK GDPR Art 33(1)): say why the moment of awareness changes — the clock runs from it"
        )
    if aware_at > now:
        problems.append("15.1 (UK GDPR Art 33(1)): the moment the trust became aware cannot be in the future")
    refuse_if(problems)
    with transaction.atomic():
        lock(breach)
        before = breach.aware_at
        breach.aware_at = aware_at
        breach.save(update_fields=["aware_at"])
        audit(
            "aware_at_changed",
            person,
            breach,
            reason.strip(),
            before=before.isoformat(),
            after=aware_at.isoformat(),
        )
    return breach


def reported_by_name(breach: Breach) -> str:
    who = person_or_none(breach.reported_by)
    return "Watchkeeper (automatic)" if who is None else str(who.get_full_name() or who.get_username())
