"""A person's own account (9.2, 9.5; people/own_account.py): who set their password and authenticator, a
new password (Django's PasswordChangeView with the validators), and a new authenticator whose secret only
they are shown. Every page acts on the signed-in person's own account and nobody else's: there is no id in
the address to change.

A new authenticator's secret is shown in the response to the POST that made it (or to a wrong code for
it), never in a page that can be fetched again (never_cache), as for new accounts (people/views.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from watchkeeper.core.actors import Person, require_person
from watchkeeper.core.refusals import attempt
from watchkeeper.people import own_account, sign_ins, two_person
from watchkeeper.people.forms import EnrolForm
from watchkeeper.people.services import totp_secret
from watchkeeper.people.sso import sso_context
from watchkeeper.people.views import _qr_svg


def _me(request: HttpRequest) -> Person:
    """The signed-in person whose own account these pages are (login_required lets nobody else in)."""
    return require_person(request.user, "Only a signed-in member of staff has an account page.")


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    context = {
        "set_by_others": two_person.set_by_others(me),
        "sign_ins": sign_ins.recent(me),
        **sso_context(me),
    }
    return render(request, "people/account.html", context)


class OwnPasswordChangeView(PasswordChangeView):
    """Django's page (old password, then the new one twice through AUTH_PASSWORD_VALIDATORS); the change
    itself goes through own_account.change_own_password, which records and audits it."""

    template_name = "people/password_change.html"
    success_url = reverse_lazy("people:account")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "label_suffix": ""}  # as every other form (core/forms.py)

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = form.user  # the signed-in person (PasswordChangeView passes request.user)
        own_account.change_own_password(user, form.cleaned_data["new_password1"], now=timezone.now())
        update_session_auth_hash(self.request, user)  # this session stays; others end
        messages.success(self.request, "Your password is changed.")
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: PasswordChangeForm) -> HttpResponse:
        if form.has_error("old_password", "password_incorrect"):
            # Counted like a failed log-in (django-axes), so a session left open cannot guess the password.
            username = self.request.user.get_username()
            user_login_failed.send(sender=__name__, credentials={"username": username}, request=self.request)
        return self.render_to_response(self.get_context_data(form=form), status=400)


password_change = OwnPasswordChangeView.as_view()


def _enrol_page(request: HttpRequest, device: TOTPDevice, form: EnrolForm, status: int = 200) -> HttpResponse:
    context = {
        "person": request.user,
        "secret": totp_secret(device),
        "qr": _qr_svg(device.config_url),
        "form": form,
    }
    return render(request, "people/authenticator_enrol.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def authenticator(request: HttpRequest) -> HttpResponse:
    """GET explains; POST step=start makes a new unconfirmed authenticator and shows its secret; POST with
    a code from it confirms it and removes the old one."""
    user = _me(request)
    if request.method == "GET":
        return render(request, "people/authenticator.html")
    if request.POST.get("step") == "start":
        return _enrol_page(request, own_account.start_enrolment(user), EnrolForm())
    device = own_account.pending_enrolment(user)
    if device is None:
        messages.warning(request, "Start again: there is no new authenticator waiting to be confirmed.")
        return redirect("people:authenticator")
    form = EnrolForm(request.POST)
    outcome = attempt(
        request, form, lambda data: own_account.confirm_enrolment(user, data["code"], now=timezone.now())
    )
    if outcome.done:
        otp_login(request, outcome.value)  # the old device is gone: this session is verified by the new one
        messages.success(request, "Your new authenticator is set up; the old one no longer works.")
        return redirect("people:account")
    return _enrol_page(request, device, form, status=400)
