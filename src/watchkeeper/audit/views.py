"""The audit log for the DPO (trust-wide) and a Headteacher (their own school): list and CSV export (16).

Trust-level events (no school) are seen only by trust-wide holders: restrict filters on school__in.
An export is itself audited, with the filter that chose its rows (audit/export.py).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from watchkeeper.audit.export import export_csv
from watchkeeper.audit.forms import AuditFilterForm
from watchkeeper.audit.head_export import download_head, file_name
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.permissions import holds_any, restrict, school_ids
from watchkeeper.estate.models import School

PAGE_SIZE = 50


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    if not holds_any(request.user, "audit.view"):
        raise PermissionDenied("You are not permitted to see the audit log (audit.view).")
    form = AuditFilterForm(request.GET or None, actor=request.user)
    events = restrict(AuditEvent.objects.select_related("school", "actor"), request.user, "audit.view")
    if not form.is_bound:
        return form, events
    if form.has_error("school", code="invalid_choice"):
        raise Http404("No such school.")
    return form, form.apply(events) if form.is_valid() else events.none()


@login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = Paginator(events.order_by("-seq"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    actions = restrict(AuditEvent.objects.all(), request.user, "audit.view").order_by("action")
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "actions": actions.values_list("action", flat=True).distinct(),
        "may_export_head": holds_any(request.user, "audit.export_head"),
    }
    return render(request, "audit/event_list.html", context)


@login_required
@require_GET
def event_csv(request: HttpRequest) -> StreamingHttpResponse:
    form, events = _filtered(request)
    school = _export_school(request, form)
    lines = export_csv(request.user, events, school=school, described=form.describe())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-log-{timezone.localdate().isoformat()}.csv"'
    )
    return response


def _export_school(request: HttpRequest, form: AuditFilterForm) -> School | None:
    """The school the export is about, so its Headteacher sees it in their own log."""
    chosen = form.cleaned_data.get("school") if form.is_bound and form.is_valid() else None
    allowed = school_ids(request.user, "audit.view")
    if chosen is None and allowed is not None and len(allowed) == 1:
        return get_object_or_404(
            restrict(School.objects.all(), request.user, "audit.view"), pk=next(iter(allowed))
        )
    return chosen


@login_required
@require_GET
def head_download(request: HttpRequest) -> HttpResponse:
    """The DPO's copy of the signed chain head, to keep outside the database (R10, design/audit.md)."""
    if not holds_any(request.user, "audit.export_head"):
        raise PermissionDenied("Only the DPO exports the audit head (audit.export_head).")
    now = timezone.now()
    response = HttpResponse(download_head(request.user, now), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{file_name(now)}"'
    return response
