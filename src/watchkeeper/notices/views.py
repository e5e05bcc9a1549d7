"""A person's own choice of e-mail notices (under Your account). No id in the address: one's own only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from watchkeeper.core.actors import require_person
from watchkeeper.notices import services
from watchkeeper.notices.forms import ChoicesForm


@login_required
@require_http_methods(["GET", "POST"])
def choices(request: HttpRequest) -> HttpResponse:
    me = require_person(request.user, "Only a signed-in member of staff chooses their notices.")
    if request.method == "POST":
        form = ChoicesForm(request.POST)
        if form.is_valid():
            services.choose(me, me, form.cleaned_data["wanted"], now=timezone.now())
            messages.success(request, "Your choice of e-mail notices is saved.")
            return redirect("notices:choices")
    else:
        current = services.choices_of(me)
        form = ChoicesForm(initial={"wanted": [kind for kind, on in current.items() if on]})
    context = {"form": form, "email": me.email, "submit": "Save my choices"}
    return render(request, "notices/choices.html", context)
