"""The Jobs page (design/jobs.md): what the job runner has queued, is running and has done.

School jobs are seen by that school's holders of jobs.view; trust-level jobs (no school: the retention
sweep, disk checks) only by trust-wide holders — restrict() filters on school__in. The table refreshes
itself every 5 s through htmx (job_table, the same table alone).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from watchkeeper.core.permissions import holds_any, restrict
from watchkeeper.jobs.forms import JobFilterForm
from watchkeeper.jobs.models import JobRecord

PAGE_SIZE = 50


def _context(request: HttpRequest) -> dict[str, Any]:
    if not holds_any(request.user, "jobs.view"):
        raise PermissionDenied("You are not permitted to see jobs (jobs.view).")
    jobs = restrict(JobRecord.objects.select_related("school"), request.user, "jobs.view")
    form = JobFilterForm(request.GET or None, actor=request.user)
    if form.is_bound and form.has_error("school", code="invalid_choice"):
        raise Http404("No such school.")
    names = jobs.order_by("name").values_list("name", flat=True).distinct()
    if form.is_bound:
        jobs = form.apply(jobs) if form.is_valid() else jobs.none()
    query = request.GET.copy()
    query.pop("page", None)
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"form": form, "page": page, "names": names, "query": query.urlencode()}


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/job_list.html", _context(request))


@login_required
@require_GET
def job_table(request: HttpRequest) -> HttpResponse:
    return render(request, "jobs/_job_table.html", _context(request))
