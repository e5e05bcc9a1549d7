from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from watchkeeper.compliance.services import exceptions_for
from watchkeeper.core.permissions import restrict
from watchkeeper.estate.models import Camera, School


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Each school's compliance at a glance, for the schools this person may see."""
    schools = restrict(School.objects.all(), request.user, "estate.view")
    cameras = restrict(
        Camera.objects.select_related("school", "vehicle").prefetch_related("dpias"),
        request.user,
        "compliance.view",
    )
    exceptions = exceptions_for(cameras)
    return render(request, "core/dashboard.html", {"schools": schools, "exceptions": exceptions})
