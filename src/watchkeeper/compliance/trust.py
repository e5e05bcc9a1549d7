"""The DPO's trust-wide settings (design/compliance.md, "The DPO's settings"): the UK GDPR Art 9 and Art 10
conditions relied on when footage is used for crime or safeguarding (9.4), the trust's appropriate policy
document (DPA 2018 Sch 1 Part 4), and what an overdue review does to a camera in service (18.1, 6.1).

One row per trust, made with its defaults the first time the DPO saves it; until then every reader gets the
defaults (an unsaved row), so reading never writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from watchkeeper.audit.services import record
from watchkeeper.compliance import files
from watchkeeper.compliance.gates import in_service_problems
from watchkeeper.compliance.models import DPIA, OverdueReviews, SealedFile, Sign, TrustSettings
from watchkeeper.core.actors import Actor, person_or_none
from watchkeeper.core.clauses import enforces
from watchkeeper.core.dates import uk_date
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.permissions import require
from watchkeeper.estate.models import Camera, School, Trust
from watchkeeper.people.models import RoleGrant

SETTINGS = "compliance.settings"
# What the DPO may change on the settings page, in the order the audit event lists them.
FIELDS = (
    "art9_condition",
    "art10_condition",
    "policy_link",
    "policy_approved_on",
    "policy_review_by",
    "overdue_reviews",
    "clock_drift_alert_seconds",
    "escalate_after_working_days",
)


def settings_of(trust_id: int) -> TrustSettings:
    """The trust's settings, or its defaults (unsaved) until the DPO first saves them."""
    return TrustSettings.objects.filter(trust_id=trust_id).first() or TrustSettings(trust_id=trust_id)


def _of_school(school_id: int, name: str) -> Any:
    """One setting of the school's trust (its default until the DPO saves the settings): one small query."""
    found = TrustSettings.objects.filter(trust__schools=school_id).values_list(name, flat=True).first()
    return found if found is not None else getattr(TrustSettings(), name)


def clock_drift_alert_seconds(school_id: int) -> float:
    """9.3: how far a camera's clock may be from the server's before an alert opens (health/clock.py)."""
    return float(_of_school(school_id, "clock_drift_alert_seconds"))


def server_clock_alert_seconds() -> float:
    """9.3: the server's clock serves every trust it records for: the strictest of their thresholds."""
    found = TrustSettings.objects.values_list("clock_drift_alert_seconds", flat=True)
    return float(min(found, default=TrustSettings().clock_drift_alert_seconds))


def escalate_after_working_days(school_id: int) -> int:
    """9.2, Appendix I: after how many working days an undecided request goes to the DPO (people/deciders)."""
    return int(_of_school(school_id, "escalate_after_working_days"))


def escalate_after_working_days_for(person: Actor) -> int:
    """The same, for a page that names no school: the trust of the person's current roles."""
    trust_id = RoleGrant.objects.current().filter(user=person_or_none(person)).values_list("trust_id")
    found = TrustSettings.objects.filter(trust_id__in=trust_id).values_list(
        "escalate_after_working_days", flat=True
    )
    return int(found.first() or TrustSettings().escalate_after_working_days)


def suspends_overdue(trust_id: int) -> bool:
    return settings_of(trust_id).overdue_reviews == OverdueReviews.SUSPEND


def suspends_overdue_by_school(school_ids: Iterable[int]) -> dict[int, bool]:
    """The overdue-review setting of each school's trust, in two queries whatever the number of schools."""
    trusts = dict(School.objects.filter(pk__in=set(school_ids)).values_list("pk", "trust_id"))
    suspending = set(
        TrustSettings.objects.filter(
            trust_id__in=set(trusts.values()), overdue_reviews=OverdueReviews.SUSPEND
        ).values_list("trust_id", flat=True)
    )
    return {school_id: trust_id in suspending for school_id, trust_id in trusts.items()}


def in_service_problems_for(
    camera: Camera, dpias: Iterable[DPIA], signs: Iterable[Sign], today: date
) -> list[str]:
    """Why this camera, already in service, may not record now: the gates under its trust's setting (one
    small query, read afresh each time, so the DPO's change reaches the recorder on its next check)."""
    setting = TrustSettings.objects.filter(trust__schools=camera.school_id).values_list(
        "overdue_reviews", flat=True
    )
    suspend = setting.first() == OverdueReviews.SUSPEND
    return in_service_problems(camera, dpias, signs, today, suspend_overdue=suspend)


@enforces("3.5", "18.1", "R3")
def update_trust_settings(
    actor: Actor,
    trust: Trust,
    changes: dict[str, Any],
    *,
    policy_document: UploadedFile | None = None,
    now: datetime,
) -> TrustSettings:
    """The DPO changes the trust's settings; the audit event names each field changed, before and after."""
    require(actor, SETTINGS, None)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    stored = None
    if policy_document is not None:
        stored = files.seal_upload(None, policy_document, now, clause="3.5", trust_id=trust.pk)
    try:
        return _update(actor, trust, changes, stored, now)
    except BaseException:
        if stored is not None:
            files.forget(stored)
        raise


def _update(
    actor: Actor, trust: Trust, changes: dict[str, Any], stored: SealedFile | None, now: datetime
) -> TrustSettings:
    with transaction.atomic():
        settings, _ = TrustSettings.objects.select_for_update().get_or_create(trust=trust)
        before = {name: getattr(settings, name) for name in changes}
        for name, value in changes.items():
            setattr(settings, name, value)
        _refuse_policy_dates(settings)
        changed = {
            name: [_plain(before[name]), _plain(value)]
            for name, value in changes.items()
            if before[name] != value
        }
        if stored is not None:
            # 9.1: sealed under the trust's key; the document it replaces is removed once this commits.
            replaced = settings.policy_file
            stored.save(force_insert=True)
            settings.policy_file = stored
            changed["policy_document"] = [replaced.name if replaced else None, stored.name]
        settings.updated_by, settings.updated_at = person_or_none(actor), now
        settings.save()
        if stored is not None and replaced is not None:
            files.remove_after_commit(replaced)
        record("compliance.trust_settings_changed", actor=actor, obj=settings, details={"changed": changed})
    return settings


def _refuse_policy_dates(settings: TrustSettings) -> None:
    approved, review_by = settings.policy_approved_on, settings.policy_review_by
    if approved and review_by and review_by <= approved:
        raise PolicyRefusal(
            "DPA 2018 Sch 1 Part 4: the appropriate policy document's review date must come after the date "
            "it was approved — correct one of the two dates"
        )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


@dataclass(frozen=True)
class PolicyDocumentStatus:
    """Whether the appropriate policy document is in place and in date, in words for the DPO."""

    in_place: bool
    in_date: bool
    words: str

    @property
    def ok(self) -> bool:
        return self.in_place and self.in_date


@enforces("R1")
def policy_document_status(settings: TrustSettings, today: date) -> PolicyDocumentStatus:
    """DPA 2018 Sch 1 Part 4: processing under a Schedule 1 condition needs an appropriate policy document,
    kept under review. In place: a document or a link, with the date it was approved; in date: its review
    date has not passed."""
    if not (settings.policy_file_id or settings.policy_link) or settings.policy_approved_on is None:
        return PolicyDocumentStatus(False, False, "No appropriate policy document is recorded")
    if settings.policy_review_by is None:
        return PolicyDocumentStatus(True, False, "In place, but no review date is set")
    if settings.policy_review_by < today:
        return PolicyDocumentStatus(True, False, f"Review overdue since {uk_date(settings.policy_review_by)}")
    return PolicyDocumentStatus(
        True,
        True,
        f"In place: approved {uk_date(settings.policy_approved_on)}, review by "
        f"{uk_date(settings.policy_review_by)}",
    )
