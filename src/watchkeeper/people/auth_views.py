"""Sign-in with password and, for roles that can see footage or authorise, a TOTP code (django-otp).

Wrong codes count as failed log-ins for django-axes, so guessing codes locks the account out too.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import match_token

from watchkeeper.people import passkey_views, sign_ins
from watchkeeper.people.services import needs_second_factor
from watchkeeper.people.sso import sso_context

BAD_LOGIN = "That user name, password or authenticator code is not right."
PASSKEY_BUTTON = "use_passkey"


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    otp_token = forms.CharField(
        label="Authenticator code",
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="Six digits from your authenticator app (for anyone who can see footage or authorise), "
        "or leave it empty and use a passkey instead.",
    )


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = _sign_in(request, form)
        if response is not None:
            return response
    return render(
        request,
        "people/login.html",
        {"form": form, **sso_context()},
        status=200 if request.method == "GET" else 400,
    )


def _sign_in(request: HttpRequest, form: LoginForm) -> HttpResponse | None:
    """Sign the person in, or add the one message that does not say which part was wrong (nothing here is a
    policy refusal, so core.refusals.attempt does not apply). None: show the form again."""
    data = form.cleaned_data
    user = authenticate(request, username=data["username"], password=data["password"])
    if PASSKEY_BUTTON in request.POST:  # the passkey in place of the code (issue 14 §3)
        if user is None:
            sign_ins.record_failed_sign_in(data["username"], sign_ins.ip_of(request))
        return passkey_views.start_sign_in(request, user, data["username"])
    if user is None:
        _failed(request, form)
        return None
    device = None
    if needs_second_factor(user):
        device = match_token(user, data["otp_token"].strip()) if data["otp_token"] else None
        if device is None:
            user_login_failed.send(
                sender=__name__, credentials={"username": data["username"]}, request=request
            )
            _failed(request, form)
            return None
    login(request, user)
    if device is not None:
        otp_login(request, device)
    return redirect(_next(request))


def _failed(request: HttpRequest, form: LoginForm) -> None:
    sign_ins.record_failed_sign_in(form.cleaned_data["username"], sign_ins.ip_of(request))
    form.add_error(None, BAD_LOGIN)


def _next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("people:login")
