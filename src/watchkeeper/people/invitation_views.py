"""The invitation page (issue 14 §1; people/invitations.py): whoever holds the link chooses the account's
password and sets up its authenticator. Nobody is signed in here; the address itself is the key, so a
wrong, used or expired link is refused in one plain sentence that does not say which.

GET only explains (mail scanners and link previews fetch links: they must change nothing); the "Start"
POST makes the new authenticator and shows its key; the POST with the password and a code accepts. The key
is shown only in responses to POSTs (never_cache), as on the holder's own account pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.refusals import attempt, refused_page
from watchkeeper.people import invitations, sso
from watchkeeper.people.forms import InvitationForm
from watchkeeper.people.services import totp_secret
from watchkeeper.people.views import _qr_svg


def _form_page(
    request: HttpRequest, device: TOTPDevice, form: InvitationForm, status: int = 200
) -> HttpResponse:
    context = {
        "person": device.user,
        "secret": totp_secret(device),
        "qr": _qr_svg(device.config_url),
        "form": form,
    }
    return render(request, "people/invitation_accept.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    try:
        invite = invitations.find(token, now)
    except PolicyRefusal as refusal:
        return refused_page(request, refusal.problems, status=404, title="Invitation not valid")
    if request.method == "GET":
        context = {"person": invite.user, "token": token, **sso.sso_context(invite.user)}
        return render(request, "people/invitation.html", context)
    if request.POST.get("step") == "start":
        return _form_page(request, invitations.start(token, now=now), InvitationForm())
    device = invitations.pending_device(token, now)
    if device is None:
        messages.warning(request, "Start again: there is no new authenticator waiting to be confirmed.")
        return redirect("people:invitation", token=token)
    form = InvitationForm(request.POST)
    outcome = attempt(
        request,
        form,
        lambda data: invitations.accept(token, data["password1"], data["code"], now=timezone.now()),
    )
    if outcome.done:
        messages.success(request, "Your account is ready: sign in with your password and authenticator code.")
        return redirect("people:login")
    return _form_page(request, device, form, status=400)
