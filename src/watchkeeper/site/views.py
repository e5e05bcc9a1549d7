"""The dashboard: each app's panel for the person signed in (core/registry.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from watchkeeper.core import registry
from watchkeeper.core.permissions import holds_any
from watchkeeper.core.shortcuts import schools_where


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """What needs this person's attention, and each school's compliance at a glance (3.5) for the
    schools whose registers they may read; people who read no register see their schools instead."""
    now = timezone.now()
    panels = []
    for panel in registry.panels():
        context = panel.context_for(request, now)
        if context is not None:
            panels.append(render_to_string(panel.template, context, request=request))
    context = {
        "panels": panels,
        "show_schools": not holds_any(request.user, "compliance.view"),
        "schools": schools_where(request, "estate.view"),
    }
    return render(request, "site/dashboard.html", context)
