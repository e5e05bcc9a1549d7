"""What each app shows on the dashboard and in the navigation, registered by the app itself
(design/architecture.md, "Layers"). The site layer draws them; the kernel imports no app to do so.

An app declares them on its AppConfig, which `Registering.ready()` registers:

    class EvidenceConfig(registry.Registering):
        name = "watchkeeper.evidence"
        links = (Link("Downloads", "evidence:request_list", "evidence.request", group="Footage"),)
        panels = (Panel("evidence.copies", "evidence/_flagged.html", "copies", order=30),)

A panel's context names a function of the app's `panels` module, imported only when the dashboard is drawn.

What waits on a person (the inbox, issue 15 §3) comes the same way: an app names functions of its `inbox`
module, each `(user, now) -> Iterable[InboxItem]`, imported only when an inbox is drawn or counted:

        inbox = ("decisions_waiting",)

Links only guide: every view checks permission again on the server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

from django.apps import AppConfig
from django.http import HttpRequest
from django.utils.module_loading import import_string

from watchkeeper.core.dates import LONDON

# A panel's context for this person now, or None when it has nothing to show them.
PanelContext = Callable[[HttpRequest, datetime], dict[str, Any] | None]


@dataclass(frozen=True)
class Link:
    """A navigation link, shown to people who hold `action` at any school."""

    label: str
    url_name: str
    action: str
    group: str = ""
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A dashboard section: `template` rendered with the context that the function `context` (a dotted
    path, or a name in the declaring app's `panels` module) gives for the person."""

    name: str
    template: str
    context: str
    order: int = 100

    def context_for(self, request: HttpRequest, now: datetime) -> dict[str, Any] | None:
        found: PanelContext = import_string(self.context)
        return found(request, now)


@dataclass(frozen=True)
class InboxItem:
    """One thing that waits on a person: in plain words, where it is done, and by when (None: no deadline).
    `key` identifies it across runs (e.g. "viewing.decide:42"), so that a deadline notice goes once.
    `statutory`: a legal deadline (SAR clock, 72-hour breach clock, s164A); its notices are always sent.
    `reference`: what an e-mail notice calls it ("SAR-7", "Footage request 12"): never a name or anything
    personal, as the title may be (empty: the key is used).
    `banner`: also shown at the top of every page until done (an unacknowledged policy version, 3.3).
    `due_on`: a deadline that is a day (a statutory month, an acknowledgement within 30 days), shown as that
    day, as its case page shows it; `due` then defaults to the end of that day in UK time (overdue once it is
    over), which orders the inbox and times the notices.
    """

    key: str
    title: str
    url: str
    due: datetime | None = None
    due_on: date | None = None
    school: str = ""
    group: str = ""  # as the navigation groups: "Footage", "Requests", "Registers", ...
    statutory: bool = False
    reference: str = ""
    banner: bool = False

    def __post_init__(self) -> None:
        if self.due is None and self.due_on is not None:
            object.__setattr__(self, "due", end_of_day(self.due_on))

    def overdue(self, now: datetime) -> bool:
        return self.due is not None and self.due <= now


def end_of_day(day: date) -> datetime:
    """The moment a day ends in UK time (midnight after it): a deadline that is a date is overdue then."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON)


# An app's inbox source: what waits on `user` now.
InboxSource = Callable[[Any, datetime], Iterable[InboxItem]]

_links: dict[str, Link] = {}
_panels: dict[str, Panel] = {}
_inbox: dict[str, str] = {}


def add_links(*links: Link) -> None:
    """Register navigation links; registering the same label again replaces it (ready() may run twice)."""
    for link in links:
        _links[link.label] = link


def add_panel(panel: Panel) -> None:
    _panels[panel.name] = panel


def register(
    app: str, links: Sequence[Link] = (), panels: Sequence[Panel] = (), inbox: Sequence[str] = ()
) -> None:
    """Register what the app `app` (its module path) declared; a bare panel context is a function of the
    app's `panels` module, a bare inbox source one of its `inbox` module."""
    add_links(*links)
    for panel in panels:
        context = panel.context if "." in panel.context else f"{app}.panels.{panel.context}"
        add_panel(replace(panel, context=context))
    for source in inbox:
        path = source if "." in source else f"{app}.inbox.{source}"
        _inbox[path] = path


class Registering(AppConfig):
    """An app that shows something in the navigation or on the dashboard: it declares `links` and `panels`
    and this registers them when Django is ready."""

    links: ClassVar[Sequence[Link]] = ()
    panels: ClassVar[Sequence[Panel]] = ()
    inbox: ClassVar[Sequence[str]] = ()

    def ready(self) -> None:
        register(self.name, self.links, self.panels, self.inbox)


def links() -> list[Link]:
    return sorted(_links.values(), key=lambda link: (link.order, link.label))


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.name))


def inbox_items(user: Any, now: datetime) -> list[InboxItem]:
    """Everything that waits on `user` now, from every app, nearest deadline first (no deadline last)."""
    items = [item for path in sorted(_inbox) for item in import_string(path)(user, now)]
    return sorted(items, key=lambda item: (item.due is None, item.due or now, item.title))
