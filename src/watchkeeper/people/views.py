"""Staff, their roles and their training (3.2, 8.1, 14.1). Every change goes through people.services.

A new account's or a reset sign-in's invitation link, when it was not e-mailed, is shown once, in the
response to the POST that made it; it is never stored in a page that can be fetched again (never_cache).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from watchkeeper.core.action_words import not_permitted
from watchkeeper.core.actors import Actor, Person, person_or_none
from watchkeeper.core.permissions import can, holds_any, restrict
from watchkeeper.core.refusals import attempt, submit
from watchkeeper.estate.models import Trust
from watchkeeper.people import services, two_person
from watchkeeper.people.forms import (
    DeactivateForm,
    GrantForm,
    RevokeForm,
    StaffCreateForm,
    StaffFilterForm,
    TrainingForm,
)
from watchkeeper.people.invitations import Issued
from watchkeeper.people.models import RoleGrant, StaffProfile, TrainingRecord


def _require_somewhere(user: Actor, action: str) -> None:
    if not holds_any(user, action):
        raise PermissionDenied(not_permitted(action))


def _refuse_foreign_school(form: Form) -> None:
    """A school outside the person's reach is treated as one that does not exist."""
    if form.has_error("school", code="invalid_choice"):
        raise Http404("No such school.")


def _profile(request: HttpRequest, action: str, **lookup: Any) -> StaffProfile:
    profiles = StaffProfile.objects.select_related("user", "school", "trust")
    return get_object_or_404(restrict(profiles, request.user, action), **lookup)


def training_status(user: Person) -> str:
    """current / expired / none (14.1); `user.training` is prefetched by the list."""
    if not user.training.all():
        return "none"
    return "current" if services.has_current_training(user, timezone.localdate()) else "expired"


def _staff(request: HttpRequest, form: StaffFilterForm) -> QuerySet[StaffProfile]:
    grants = restrict(RoleGrant.objects.current().select_related("school"), request.user, "people.view")
    staff = restrict(StaffProfile.objects.select_related("user", "school"), request.user, "people.view")
    if form.is_valid() and form.cleaned_data["school"]:
        staff = staff.filter(school=form.cleaned_data["school"])
    return staff.order_by("user__last_name", "user__first_name", "user__username").prefetch_related(
        Prefetch("user__role_grants", queryset=grants, to_attr="current_grants"), "user__training"
    )


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    _require_somewhere(request.user, "people.view")
    form = StaffFilterForm(request.GET or None, actor=request.user)
    _refuse_foreign_school(form)
    rows = [(profile, training_status(profile.user)) for profile in _staff(request, form)]
    can_create = holds_any(request.user, "people.manage")
    return render(request, "people/staff_list.html", {"form": form, "rows": rows, "can_create": can_create})


def _qr_svg(url: str) -> str:
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, title="Authenticator app QR code"))


def invitation_link(request: HttpRequest) -> str:
    """The invitation page's full address, with "{token}" where the invitation's token goes."""
    return request.build_absolute_uri(reverse("people:invitation", args=["TOKEN"])).replace(
        "TOKEN", "{token}"
    )


def _invitation_page(request: HttpRequest, template: str, user: Person, issued: Issued) -> HttpResponse:
    """Shown once: the link itself only when it was not e-mailed (to hand over), never stored in a page."""
    link = "" if issued.emailed else invitation_link(request).replace("{token}", issued.token)
    return render(request, template, {"person": user, "issued": issued, "link": link})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def staff_create(request: HttpRequest) -> HttpResponse:
    _require_somewhere(request.user, "people.manage")
    form = StaffCreateForm(
        request.POST or None, actor=request.user, initial={"school": request.GET.get("school")}
    )
    if request.method == "POST":
        _refuse_foreign_school(form)
        outcome = attempt(request, form, lambda data: _create(request, data))
        if outcome.done:
            new = outcome.value
            return _invitation_page(request, "people/staff_created.html", new.user, new.invitation)
    return render(request, "people/staff_form.html", {"form": form}, status=400 if form.errors else 200)


def _create(request: HttpRequest, data: dict[str, Any]) -> services.NewStaff:
    school = data["school"]
    trust = school.trust if school else _actor_trust(request.user)
    return services.create_staff(
        request.user,
        trust,
        school,
        data["username"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        job_title=data["job_title"],
        link=invitation_link(request),
        now=timezone.now(),
    )


def _actor_trust(user: Actor) -> Trust:
    profile = StaffProfile.objects.filter(user=person_or_none(user)).select_related("trust").first()
    if profile is None:
        raise PermissionDenied("Your account has no staff profile, so it belongs to no trust.")
    return profile.trust


def _detail(request: HttpRequest, profile: StaffProfile, status: int = 200, **forms: Any) -> HttpResponse:
    user, actor = profile.user, request.user
    training_form = forms.get("training_form") or TrainingForm(
        actor=actor, initial={"school": profile.school}
    )
    grants = RoleGrant.objects.filter(user=user).select_related("school", "granted_by", "revoked_by")
    training = TrainingRecord.objects.filter(user=user).select_related("school", "recorded_by")
    context = {
        "profile": profile,
        "grants": restrict(grants, actor, "people.view").order_by("-revoked_at", "-granted_at"),
        "training": restrict(training, actor, "people.view"),
        "training_status": training_status(user),
        "set_by_others": two_person.set_by_others(user),  # 9.2, 9.5: not yet their own
        "can_grant": holds_any(actor, "people.grant"),
        "can_train": holds_any(actor, "training.record"),
        "can_manage": can(actor, "people.manage", profile.school_id),
        "grant_form": forms.get("grant_form") or GrantForm(actor=actor),
        "training_form": training_form,
        "revoke_form": forms.get("revoke_form"),
        "revoke_grant": forms.get("revoke_grant"),
    }
    return render(request, "people/staff_detail.html", context, status=status)


@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _profile(request, "people.view", pk=pk))


def _change_on_page(
    request: HttpRequest,
    profile: StaffProfile,
    form: Form,
    call: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], str],
    **shown: Any,
) -> HttpResponse:
    """A change made from a person's page: when done, back to it with `done(result)`; when invalid or
    refused, the page again with the form (400) and everything typed."""
    if sent := submit(request, form, call, said=done, to=reverse("people:staff_detail", args=[profile.pk])):
        return sent
    return _detail(request, profile, 400, **shown)


@login_required
@require_POST
def grant_role(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile(request, "people.grant", pk=pk)
    form = GrantForm(request.POST, actor=request.user)
    _refuse_foreign_school(form)
    return _change_on_page(
        request,
        profile,
        form,
        lambda data: services.grant_role(
            request.user, profile.user, data["role"], data["school"], now=timezone.now()
        ),
        lambda grant: f"Granted: {grant}.",
        grant_form=form,
    )


@login_required
@require_POST
def revoke_role(request: HttpRequest, pk: int) -> HttpResponse:
    grants = RoleGrant.objects.select_related("school", "user")
    grant = get_object_or_404(restrict(grants, request.user, "people.grant"), pk=pk)
    profile = _profile(request, "people.view", user=grant.user)
    form = RevokeForm(request.POST)
    return _change_on_page(
        request,
        profile,
        form,
        lambda data: services.revoke_role(request.user, grant, data["reason"], now=timezone.now()),
        lambda revoked: f"Revoked: {revoked}.",
        revoke_form=form,
        revoke_grant=grant,
    )


@login_required
@require_POST
def record_training(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile(request, "people.view", pk=pk)
    form = TrainingForm(request.POST, actor=request.user)
    _refuse_foreign_school(form)
    return _change_on_page(
        request,
        profile,
        form,
        lambda data: services.record_training(
            request.user,
            profile.user,
            data["school"],
            data["completed_on"],
            data["expires_on"],
            today=timezone.localdate(),
        ),
        lambda _: "Training recorded.",
        training_form=form,
    )


@never_cache
@login_required
@require_POST
def reset_sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile(request, "people.manage", pk=pk)
    issued = services.reset_sign_in(
        request.user, profile.user, link=invitation_link(request), now=timezone.now()
    )
    return _invitation_page(request, "people/sign_in_reset.html", profile.user, issued)


@login_required
@require_POST
def deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    profile = _profile(request, "people.manage", pk=pk)
    return _change_on_page(
        request,
        profile,
        DeactivateForm(request.POST),
        lambda data: services.deactivate(request.user, profile.user, data["reason"], now=timezone.now()),
        lambda _: f"{profile} is deactivated: signed out everywhere, roles revoked.",
    )
