"""The dashboard: each app's panel for the person signed in (core/registry.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from watchkeeper.core import registry
from watchkeeper.core.permissions import holds_any
from watchkeeper.core.shortcuts import schools_where
from watchkeeper.site.navigation import inbox_of

# The dashboard shows the first few; the inbox page shows them all.
DASHBOARD_INBOX = 5


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
        **_inbox_context(request, now),
        "inbox_more": max(0, len(inbox_of(request)) - DASHBOARD_INBOX),
        "panels": panels,
        "show_schools": not holds_any(request.user, "compliance.view"),
        "schools": schools_where(request, "estate.view"),
    }
    return render(request, "site/dashboard.html", context)


def _inbox_context(
    request: HttpRequest, now: datetime, limit: int | None = DASHBOARD_INBOX
) -> dict[str, Any]:
    items = inbox_of(request)
    rows = [(item, item.overdue(now)) for item in items[:limit]]
    return {"inbox_rows": rows, "now": now}


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Issue 15 §3: everything that waits on this person, nearest deadline first, overdue marked; each item
    links to the page where it is done (the apps' inbox sources, core/registry.py)."""
    return render(request, "site/inbox.html", _inbox_context(request, timezone.now(), limit=None))
