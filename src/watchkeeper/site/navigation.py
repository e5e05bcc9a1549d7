"""The navigation: the links each app registered (core/registry.py) that this person's roles open, and the
holder's notice while their account is not yet their own."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from watchkeeper.core import registry
from watchkeeper.core.permissions import holds_any
from watchkeeper.people.two_person import set_by_others


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor. Links only guide: every view checks again on the server."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    links = [link for link in registry.links() if holds_any(user, link.action)]
    return {
        "nav": [(link.label, url) for link in links if (url := _url(link.url_name))],
        # 9.2, 9.5: the holder's notice while someone else's password or authenticator is in force.
        "account_not_own": " and ".join(s.get_credential_display() for s in set_by_others(user)),
        # Issue 15 §3: one small count in the navigation, loud when something is overdue.
        **inbox_counts(request),
    }


def inbox_of(request: HttpRequest) -> list[registry.InboxItem]:
    """What waits on the person signed in, collected once per request (the badge and the page share it)."""
    found: list[registry.InboxItem] | None = getattr(request, "_watchkeeper_inbox", None)
    if found is None:
        found = registry.inbox_items(request.user, timezone.now())
        request._watchkeeper_inbox = found  # type: ignore[attr-defined]
    return found


def inbox_counts(request: HttpRequest) -> dict[str, Any]:
    items, now = inbox_of(request), timezone.now()
    return {
        "inbox_count": len(items),
        "inbox_overdue": sum(item.overdue(now) for item in items),
        # What an app asks to show on every page until done (3.3: the policy to acknowledge).
        "banners": [item for item in items if item.banner],
    }


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""
