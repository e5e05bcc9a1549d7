"""One presentation of every refusal (design/architecture.md, "Refusals").

A service says no by raising `PolicyRefusal` (the policy forbids it) or `PermissionDenied` (not this
person); a page that does not exist, or is another school's, is a 404. A view that has a form lets
`attempt` put the refusal into the form, so nothing typed is lost; anything else reaches the person as one
styled page in the site's layout — the reason in plain words, the clause after it, and a link back — with
status 400 (refused by the policy), 403 (not permitted) or 404 (no such page).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from watchkeeper.core.errors import PolicyRefusal, Refusal
from watchkeeper.core.second_factor import count_failed_code

T = TypeVar("T")

NOT_FOUND = Refusal("", "This page does not exist, or it is not one you may see")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What `attempt` did: `done` when the service ran to the end; `value` is what it returned."""

    done: bool
    result: T | None = None

    @property
    def value(self) -> T:
        if not self.done:
            raise ValueError("the service call was refused: there is no value")
        return self.result  # type: ignore[return-value]


def attempt(request: HttpRequest, form: Any, call: Callable[[dict[str, Any]], T]) -> Outcome[T]:
    """For a view with a form: validate it, then run the service call with its cleaned data. A refusal is
    shown in the form (nothing typed is lost) and a wrong authenticator code counts as a failed log-in;
    `PermissionDenied` goes on to the refused page. The view re-renders the form when not `done`."""
    if not form.is_valid():
        return Outcome(False)
    try:
        return Outcome(True, call(form.cleaned_data))
    except PolicyRefusal as refusal:
        count_failed_code(request, refusal)
        for problem in refusal.problems:
            form.add_error(None, problem)
        return Outcome(False)


def submit(
    request: HttpRequest,
    form: Any,
    call: Callable[[dict[str, Any]], T],
    *,
    said: str | Callable[[T], str],
    to: str | Callable[[T], str],
) -> HttpResponse | None:
    """`attempt`, and once the service has run: tell the person what was done (`said`) and send them `to`
    the next page (a URL or a view name), so that reloading it does not post again. None when it was not
    done: the view shows the form again, with the problems in it, as a 400."""
    outcome = attempt(request, form, call)
    if not outcome.done:
        return None
    messages.success(request, said(outcome.value) if callable(said) else said)
    return redirect(to(outcome.value) if callable(to) else to)


def form_page(
    request: HttpRequest,
    form: Any,
    call: Callable[[dict[str, Any]], T],
    *,
    said: str | Callable[[T], str],
    to: str | Callable[[T], str],
    template: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A page with one form for one service call: a POST is `submit`ted; on a GET, or when the call was
    not done, `template` shows the form (with `context`), as a 400 after a POST so that a refused or
    invalid form is never taken for a success."""
    posted = request.method == "POST"
    if posted and (sent := submit(request, form, call, said=said, to=to)):
        return sent
    return render(request, template, {"form": form, **(context or {})}, status=400 if posted else 200)


def refused_page(
    request: HttpRequest, problems: Sequence[Refusal | str], *, status: int, title: str = "Not done"
) -> HttpResponse:
    back = _back(request)
    context = {
        "title": title,
        "heading": "Watchkeeper refused this:" if status != 404 else "Not found:",
        "problems": problems,
        "back": back,
        "back_label": "Back" if back != "/" else "Dashboard",
    }
    return render(request, "core/refused.html", context, status=status)


def _back(request: HttpRequest) -> str:
    """Where the person came from, when that is a page of this site other than this one; else the
    dashboard."""
    referer = request.headers.get("Referer", "")
    parts = urlsplit(referer)
    if parts.netloc == request.get_host() and parts.path != request.path:
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


class RefusalMiddleware:
    """A `PolicyRefusal` that leaves a view becomes the refused page (400); a wrong authenticator code in
    it counts as a failed log-in, as it does in a form."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, PolicyRefusal):
            return None
        count_failed_code(request, exception)
        return refused_page(request, exception.refusals, status=400)


ACTION_CODE = re.compile(r" \((?:[a-z_]+\.[a-z_]+(?: or )?)+\)(?=\.?$)")
GENERIC_DENIAL = "You are not permitted to do this."
NOT_YOUR_ROLE = "Your role does not let you do this. If your work needs it, ask your Headteacher or the DPO."


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: the reason the service gave, or a plain one."""
    # The action's code name ("(recording.hold)") means nothing to office staff (found on the walk).
    message = ACTION_CODE.sub("", str(exception or ""))
    if not message or message == GENERIC_DENIAL:
        message = NOT_YOUR_ROLE
    return refused_page(request, [message], status=403, title="Not permitted")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: never says whether the thing exists (another school's record is a 404 too)."""
    return refused_page(request, [NOT_FOUND], status=404, title="Not found")
