from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from watchkeeper.compliance.services import compliance_summary, exceptions_for
from watchkeeper.core.permissions import restrict
from watchkeeper.estate.models import Camera, School
from watchkeeper.health.models import Alert


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
    }
    return render(request, "core/dashboard.html", context)
