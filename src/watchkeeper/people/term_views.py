"""The "Confirm who holds roles" page (issue 14 §1; people/terms.py): per school, its current footage-role
grants, when each was last confirmed and when it lapses; the Headteacher or the DPO ticks those still
right and confirms them. Those not confirmed lapse a term after their last confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from watchkeeper.core.permissions import restrict
from watchkeeper.estate.models import School
from watchkeeper.people import terms
from watchkeeper.people.views import _require_somewhere


@login_required
@require_http_methods(["GET", "POST"])
def confirm_roles(request: HttpRequest) -> HttpResponse:
    _require_somewhere(request.user, "people.manage")
    schools = restrict(School.objects.order_by("name"), request.user, "people.manage")
    chosen = request.GET.get("school") or ""
    school = schools.filter(pk=chosen).first() if chosen.isdigit() else schools.first()
    if school is None:
        raise Http404("No such school.")
    grants = terms.footage_grants(school)
    if request.method == "POST":
        ticked = {int(pk) for pk in request.POST.getlist("grant") if pk.isdigit()}
        count = terms.confirm(request.user, school, [g for g in grants if g.pk in ticked], now=timezone.now())
        messages.success(request, f"Confirmed {count} role(s) at {school.name} for this term.")
        return redirect(f"{request.path}?school={school.pk}")
    now = timezone.now()
    rows = [(g, terms.lapses_on(g), terms.due_soon(g, now)) for g in grants]
    context = {"schools": schools, "school": school, "rows": rows, "term_days": terms.TERM_DAYS}
    return render(request, "people/confirm_roles.html", context)
