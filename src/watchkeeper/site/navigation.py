"""The navigation: the links each app registered (core/registry.py) that this person's roles open, grouped as
the apps grouped them (Footage, Requests, Registers, Reports, ...; issue 15 §5: the Headteacher holds some 17
links, too many for one row), and the holder's notice while their account is not yet their own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from watchkeeper.core import registry
from watchkeeper.core.permissions import holds_any
from watchkeeper.people.two_person import set_by_others


@dataclass
class NavGroup:
    """One entry of the navigation: a menu of links, or (no label, or a single link) a plain link."""

    label: str
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def single(self) -> bool:
        # A menu with one item is one click too many: a lone link is drawn as itself.
        return not self.label or len(self.links) == 1

    current: bool = False  # this page is one of the menu's


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor. Links only guide: every view checks again on the server."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "nav_groups": []}
    nav = [(link, url) for link in registry.links() if holds_any(user, link.action) if (url := _url(link))]
    return {
        "nav": [(link.label, url) for link, url in nav],
        "nav_groups": grouped(nav, request.path),
        # 9.2, 9.5: the holder's notice while someone else's password or authenticator is in force.
        "account_not_own": " and ".join(s.get_credential_display() for s in set_by_others(user)),
        # Issue 15 §3: one small count in the navigation, loud when something is overdue.
        **inbox_counts(request),
    }


def grouped(links: list[tuple[registry.Link, str]], path: str = "") -> list[NavGroup]:
    """The links in their groups, each group where its first link falls in the order; an ungrouped link
    stands alone."""
    entries: list[NavGroup] = []
    by_label: dict[str, NavGroup] = {}
    for link, url in links:
        if not link.group:
            entries.append(NavGroup("", [(link.label, url)]))
            continue
        if link.group not in by_label:
            by_label[link.group] = NavGroup(link.group)
            entries.append(by_label[link.group])
        by_label[link.group].links.append((link.label, url))
        by_label[link.group].current |= url == path
    return entries


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


def _url(link: registry.Link) -> str:
    try:
        return reverse(link.url_name)
    except NoReverseMatch:
        return ""
