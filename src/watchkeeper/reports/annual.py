"""The annual report (Surveillance Camera Code principle 10 — voluntary for academies, good practice; CCTV
policy 18.1): a school's or the trust's year of CCTV in numbers, in two editions. The internal edition gives
every count and the exceptions; the public one gives counts only, with 1–4 shown as "fewer than 5"
(reports.suppression), and no names, references or free text, so that no member of staff or pupil can be
identified."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from watchkeeper.breaches.models import Breach
from watchkeeper.complaints.models import Complaint
from watchkeeper.compliance.services import exceptions_for
from watchkeeper.core.dates import uk_date
from watchkeeper.core.pdf import sections_pdf
from watchkeeper.disclosures.models import Disclosure, DisclosureRequest, FOIRequest
from watchkeeper.estate.models import Camera, CameraStatus, School
from watchkeeper.evidence.models import Download
from watchkeeper.misuse.models import Alert
from watchkeeper.reports import figures
from watchkeeper.reports.suppression import SUPPRESS_BELOW, shown
from watchkeeper.reports.timeliness import Tally
from watchkeeper.subjectaccess.models import SubjectAccessRequest
from watchkeeper.viewing.models import ViewingAuthorisation


@dataclass(frozen=True)
class Year:
    title: str
    counts: list[tuple[str, int]]
    clocks: list[tuple[str, Tally]]
    cameras_active: int
    exceptions: list[str]  # internal edition only: cameras with a compliance exception, and what it is
    open_now: dict[str, int]  # internal edition only
    # Internal edition only, and only for a reader who handles misuse alerts (16): (raised in the year,
    # still open) among the alerts they handle; None for anyone else, a Headteacher included.
    misuse: tuple[int, int] | None = None


def gather(
    schools: QuerySet[School],
    year: int,
    title: str,
    now: datetime,
    alerts: QuerySet[Alert] | None = None,
) -> Year:
    """The year's figures for `schools`; `alerts`, the misuse alerts the reader handles (or None)."""
    first, last = figures.year_bounds(year)
    ids = list(schools.values_list("pk", flat=True))
    today = min(timezone.localdate(now), last)

    def within(qs: QuerySet, field: str) -> int:  # type: ignore[type-arg]
        return qs.filter(**{f"{field}__gte": first, f"{field}__lte": last}).count()

    counts = [
        (
            "Viewing authorisations asked for (9.2)",
            within(ViewingAuthorisation.objects.filter(school_id__in=ids), "requested_at__date"),
        ),
        (
            "Viewing authorisations approved (9.2)",
            within(
                ViewingAuthorisation.objects.filter(school_id__in=ids, status="approved"),
                "requested_at__date",
            ),
        ),
        (
            "Downloads of footage (9.5)",
            within(Download.objects.filter(school_id__in=ids), "downloaded_at__date"),
        ),
        (
            "Subject access requests received (10.1)",
            within(SubjectAccessRequest.objects.filter(school_id__in=ids), "received_on"),
        ),
        (
            "Requests from the police and others (11.1)",
            within(DisclosureRequest.objects.filter(school_id__in=ids), "received_on"),
        ),
        (
            "Disclosures made (11.1)",
            within(Disclosure.objects.filter(school_id__in=ids), "disclosed_at__date"),
        ),
        (
            "Freedom of Information requests (11.7)",
            within(FOIRequest.objects.filter(school_id__in=ids), "received_on"),
        ),
        (
            "Data-protection complaints (17.1)",
            within(Complaint.objects.filter(school_id__in=ids), "received_on"),
        ),
        ("Suspected breaches (15.1)", within(Breach.objects.filter(school_id__in=ids), "aware_at__date")),
    ]
    clocks = [
        ("Subject access requests", figures.sar_timeliness(ids, first, last, today)),
        ("FOI requests", figures.foi_timeliness(ids, first, last, today)),
        ("Complaints acknowledged", figures.complaint_timeliness(ids, first, last, today)),
    ]
    cameras = Camera.objects.filter(school_id__in=ids)
    active = cameras.filter(status=CameraStatus.ACTIVE).count()
    found = exceptions_for(
        cameras.select_related("school").prefetch_related("dpias"), timezone.localdate(now)
    )
    exceptions = [f"{c.school.name}, {c.name}: {'; '.join(problems)}" for c, problems in found]
    open_now = figures.open_items(ids, trust_wide=len(ids) > 1)
    misuse = None
    if alerts is not None:
        ours = alerts.filter(school_id__in=ids)
        misuse = (within(ours, "found_at__date"), ours.filter(outcome="").count())
    return Year(title, counts, clocks, active, exceptions, open_now, misuse)


def render(report: Year, year: int, public: bool, now: datetime) -> bytes:
    edition = "Public edition" if public else "Internal edition — not for publication"
    note = (
        f'Counts of 1 to {SUPPRESS_BELOW - 1} are shown as "fewer than {SUPPRESS_BELOW}" so that nobody can '
        "be identified."
        if public
        else "Full counts. The public edition suppresses small numbers."
    )
    intro = [
        f"{edition}. Printed {uk_date(now)}. {note}",
        "Published as good practice under the Surveillance Camera Code of Practice, principle 10 "
        "(voluntary for academies), and as part of the yearly review of the CCTV policy (18.1).",
    ]
    counts = [["What", "Number"], *([w, shown(n, public)] for w, n in report.counts)]
    clocks = [["Statutory clock", "Answered on time", "Answered late", "Open, in time", "Open, overdue"]]
    clocks += [
        [w, *(shown(n, public) for n in (t.on_time, t.late, t.open_in_time, t.open_overdue))]
        for w, t in report.clocks
    ]
    cameras = [f"Cameras recording at the time of printing: {shown(report.cameras_active, public)}."]
    sections: list[tuple[str, list[str], list[list[str]]]] = [
        ("About this report", intro, []),
        ("The year in numbers", cameras, counts),
        ("Answering on time", [], clocks),
    ]
    if not public:
        sections.append(("At the time of printing (internal)", _internal(report), []))
    return sections_pdf(f"CCTV annual report {year}: {report.title}", "", sections)


def _internal(report: Year) -> list[str]:
    return [
        f"Breaches awaiting the DPO's decision: {report.open_now['breaches']}; complaints without an "
        f"outcome: {report.open_now['complaints']}; disclosure requests awaiting a decision: "
        f"{report.open_now['disclosures']}.",
        *_misuse(report),
        f"Cameras with a compliance exception: {len(report.exceptions)}.",
        *report.exceptions,
    ]


def _misuse(report: Year) -> list[str]:
    if report.misuse is None:
        return []
    raised, still_open = report.misuse
    return [
        f"Misuse alerts raised in the year (16): {raised}; still open: {still_open}. Alerts closed as no "
        "concern are deleted after the set period, so the year's count leaves out those already deleted."
    ]
