from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views import defaults

from watchkeeper.compliance.services import compliance_summary, exceptions_for
from watchkeeper.core.errors import DATABASE_UNAVAILABLE
from watchkeeper.core.permissions import restrict
from watchkeeper.disclosures import services as disclosure_flags
from watchkeeper.estate.models import Camera, School
from watchkeeper.evidence.services import flagged_copies as copy_flags
from watchkeeper.health.models import Alert
from watchkeeper.people import reroutings
from watchkeeper.subjectaccess.services import flags_for as sar_flags


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Each school's compliance at a glance (3.5), for the schools whose registers this person may read."""
    schools = list(restrict(School.objects.all(), request.user, "compliance.view"))
    cameras = list(
        restrict(
            Camera.objects.select_related("school", "vehicle"), request.user, "compliance.view"
        ).prefetch_related("dpias")
    )
    context = {
        "schools": restrict(School.objects.all(), request.user, "estate.view"),
        "summary": compliance_summary(schools, cameras),
        "exceptions": exceptions_for(cameras),
        # 12.1: camera faults the automatic checks found, for the people responsible for the system.
        "alerts": restrict(
            Alert.objects.open().select_related("camera__school"), request.user, "recording.status"
        )[:20],
        # 10.2: subject access requests near or past their deadline, for the handler, Headteacher and DPO.
        "sar_flags": sar_flags(request.user),
        # 13.2: downloaded copies due for deletion or overdue, for the Headteacher and DPO.
        "flagged": copy_flags(request.user)[:20],
        "today": timezone.localdate(),
        # 11.7: FOI requests near or past their deadline; 11.5: requests referred to the DPO.
        "foi_flags": disclosure_flags.foi_flags(request.user),
        "dpo_referrals": disclosure_flags.referred_to_dpo(request.user),
        # 9.2, 9.5: requests re-routed to the DPO by the two-person rule across accounts.
        "rerouted": reroutings.rerouted_authorisations(request.user).count()
        + reroutings.rerouted_downloads(request.user).count(),
    }
    return render(request, "core/dashboard.html", context)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. While the database is away (a restart, an outage) the person is told to try again
    shortly — status 503 with Retry-After — and pages work again as soon as it is back: each request
    connects afresh (issue 11 §7). The page is rendered without the request, so it needs no database."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        page = render_to_string("core/database_unavailable.html")
        return HttpResponse(page, status=503, headers={"Retry-After": "30"})
    return defaults.server_error(request)
