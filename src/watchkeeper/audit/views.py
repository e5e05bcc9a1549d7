"""The audit log for the DPO (trust-wide) and a Headteacher (their own school): list and CSV export (16).

Trust-level events (no school) are seen only by trust-wide holders: restrict filters on school__in.
An export is itself audited, with the filter that chose its rows.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from watchkeeper.audit.forms import AuditFilterForm
from watchkeeper.audit.models import AuditEvent
from watchkeeper.audit.services import record
from watchkeeper.core.permissions import holds_any, restrict, school_ids
from watchkeeper.estate.models import School

PAGE_SIZE = 50
CSV_HEADER = ["seq", "time", "actor", "school", "action", "object", "reason", "details"]
# Cells a spreadsheet would run as a formula (CSV injection): prefixed with a quote when exported.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, QuerySet[AuditEvent]]:
    if not holds_any(request.user, "audit.view"):
        raise PermissionDenied("You are not permitted to see the audit log (audit.view).")
    form = AuditFilterForm(request.GET or None, actor=request.user)
    events = restrict(AuditEvent.objects.select_related("school"), request.user, "audit.view")
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
    }
    return render(request, "audit/event_list.html", context)


@login_required
@require_GET
def event_csv(request: HttpRequest) -> StreamingHttpResponse:
    form, events = _filtered(request)
    exported = record(
        "audit.exported",
        actor=request.user,
        school=_export_school(request, form),
        details={"filter": form.describe(), "rows": events.count()},
    )
    # The export holds the rows as they were when it was asked for, not its own event.
    rows = events.filter(seq__lt=exported.seq).order_by("seq")
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
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


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for event in events.iterator(chunk_size=2000):
        yield writer.writerow([_cell(value) for value in _csv_row(event)])


def _csv_row(event: AuditEvent) -> list[Any]:
    return [
        event.seq,
        timezone.localtime(event.at).isoformat(timespec="seconds"),
        event.actor_name,
        event.school.name if event.school is not None else "",
        event.action,
        f"{event.object_type} {event.object_id}".strip(),
        event.reason,
        json.dumps(event.details, sort_keys=True, ensure_ascii=False),
    ]


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
