"""The reviewer's side of a request (11.3, 10.2): asking to review its footage, and recording what the
footage shows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from watchkeeper.core.permissions import restrict
from watchkeeper.core.refusals import submit
from watchkeeper.core.shortcuts import chosen_school, require_anywhere
from watchkeeper.disclosures import services
from watchkeeper.disclosures.forms import FindingForm
from watchkeeper.disclosures.models import DisclosureRequest, RequestStatus
from watchkeeper.disclosures.views.common import REQUESTS, REVIEW
from watchkeeper.viewing import reviews


def _finding_prefix(req: DisclosureRequest) -> str:
    return f"r{req.pk}"


def _render_reviews(
    request: HttpRequest, status: int = 200, bound: FindingForm | None = None
) -> HttpResponse:
    """Undecided requests of the reviewer's schools; the reviewer whose review was approved records the
    finding on the same row (one form per row, prefixed by the request). A refused finding is shown in
    its row's form, or above the list when the row offers this person no form."""
    school = chosen_school(request, request.GET, REVIEW)
    pending = restrict(REQUESTS, request.user, REVIEW).filter(status=RequestStatus.PENDING)
    if school is not None:
        pending = pending.filter(school=school)
    rows, shown = [], False
    for req in pending.prefetch_related("cameras"):
        auth = req.review
        mine = auth is not None and reviews.review_approved(auth) and auth.requested_by_id == request.user.pk
        form = None
        if mine:
            prefix = _finding_prefix(req)
            initial = {"outcome": req.review_outcome, "finding": req.review_finding}
            form = bound if bound is not None and bound.prefix == prefix else None
            shown = shown or form is not None
            form = form or FindingForm(prefix=prefix, initial=initial)
        rows.append((req, reviews.under_review(req.review), form))
    problems = bound.non_field_errors() if bound is not None and not shown else []
    context = {"rows": rows, "problems": problems}
    return render(request, "disclosures/review_list.html", context, status=status)


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    require_anywhere(request, REVIEW)
    return _render_reviews(request)


@login_required
@require_POST
def review_request(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(restrict(REQUESTS, request.user, REVIEW), pk=pk)
    services.request_review(request.user, req, now=timezone.now())
    messages.success(
        request, f"Review of {req} asked for: the Headteacher or a designated person decides (9.2, 11.3)."
    )
    assert req.review_id is not None
    return redirect("viewing:authorisation_detail", pk=req.review_id)


@login_required
@require_POST
def review_finding(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(restrict(REQUESTS, request.user, REVIEW), pk=pk)
    form = FindingForm(request.POST, prefix=_finding_prefix(req))
    if sent := submit(
        request,
        form,
        lambda data: services.record_finding(request.user, req, **data, now=timezone.now()),
        said=f"Finding recorded for {req}: the Headteacher decides (11.3).",
        to="disclosures:review_list",
    ):
        return sent
    return _render_reviews(request, status=400, bound=form)
