"""The DPO dashboard's content (3.5): the compliance score per school with its definition, the clocks'
timeliness over the last twelve months, authorisations and downloads per month, camera uptime and storage,
and what is open. Everything is restricted to the schools the reader may see (reports.view)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from watchkeeper.compliance.services import compliance_summary
from watchkeeper.core.actors import Actor
from watchkeeper.core.permissions import restrict, school_ids
from watchkeeper.estate.models import Camera, School
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
        "may_print_evidence": school_ids(user, "reports.evidence") is None,
        "may_see_misuse": school_ids(user, "misuse.view") is None,  # 16: trust-wide governance only
        "overdue_reviews": sum(r.dpias_overdue + r.signs_unchecked + int(r.notice_due) for r in rows),
    }
