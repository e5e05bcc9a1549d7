"""The DPO dashboard's content (3.5): the compliance score per school with its definition, the clocks'
timeliness over the last twelve months, authorisations and downloads per month, camera uptime and storage,
and what is open. Everything is restricted to the schools the reader may see (reports.view)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from watchkeeper.compliance.services import compliance_summary
from watchkeeper.core.actors import Actor
from watchkeeper.core.permissions import holds_any, restrict, school_ids
from watchkeeper.estate.models import Camera, School
from watchkeeper.misuse import services as misuse
from watchkeeper.reports import charts, figures
from watchkeeper.reports.score import CHECKS, score

VIEW = "reports.view"
UPTIME_DAYS = 30


def readable_schools(user: Actor) -> list[School]:
    return list(restrict(School.objects.order_by("name"), user, VIEW))


def dashboard(user: Actor, now: datetime) -> dict[str, Any]:
    schools = readable_schools(user)
    ids = [s.pk for s in schools]
    today = timezone.localdate(now)
    year_ago = today - timedelta(days=365)
    rows = compliance_summary(
        schools, Camera.objects.filter(school_id__in=ids).prefetch_related("dpias"), today
    )
    scored = [(row, score(row)) for row in rows]
    months = figures.per_month(ids, figures.months_back(now))
    clocks = [
        (
            "Subject access requests (10.1; UK GDPR Art 12)",
            figures.sar_timeliness(ids, year_ago, today, today),
        ),
        (
            "Freedom of Information requests (11.7; FOIA s10)",
            figures.foi_timeliness(ids, year_ago, today, today),
        ),
        (
            "Complaints acknowledged (17.1; DPA 2018 s164A)",
            figures.complaint_timeliness(ids, year_ago, today, today),
        ),
    ]
    uptime = figures.uptime(ids, now - timedelta(days=UPTIME_DAYS), now)
    return {
        "checks": CHECKS,
        "scored": scored,
        "score_chart": charts.bar_chart(
            "Compliance score", [(r.school.name, s.total) for r, s in scored], "/100"
        ),
        "clocks": clocks,
        "months": months,
        "authorisations_chart": charts.bar_chart(
            "Viewing authorisations asked for per month", [(f"{m:%b %Y}", a) for m, a, _ in months]
        ),
        "downloads_chart": charts.bar_chart("Downloads per month", [(f"{m:%b %Y}", d) for m, _, d in months]),
        "uptime_days": UPTIME_DAYS,
        "uptime": uptime,
        "uptime_chart": charts.bar_chart("Camera uptime", [(c.name, u) for c, u in uptime], " %"),
        "storage": figures.storage(ids),
        "open": figures.open_items(ids, trust_wide=school_ids(user, VIEW) is None),
        "misuse": open_misuse_alerts(user, schools),
        "may_print_evidence": school_ids(user, "reports.evidence") is None,
        "overdue_reviews": sum(r.dpias_overdue + r.signs_unchecked + int(r.notice_due) for r in rows),
    }


def open_misuse_alerts(user: Actor, schools: list[School]) -> list[tuple[str, int]] | None:
    """(school, open alerts) for the misuse alerts the reader handles (16): the DPO's, or the chair's about
    the DPO — never alerts about the reader, nor any to a Headteacher (None: the reader handles none)."""
    if not holds_any(user, misuse.VIEW):
        return None
    names: dict[int | None, str] = {school.pk: school.name for school in schools}
    counts: dict[str, int] = {}
    names[None] = "No school"  # an alert that names no school (the DPO's trust-wide acts)
    for school_id in misuse.open_alerts(user).values_list("school_id", flat=True):
        if school_id in names:  # the schools the reader reads reports of
            counts[names[school_id]] = counts.get(names[school_id], 0) + 1
    return sorted(counts.items())
