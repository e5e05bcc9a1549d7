"""What each app shows on the dashboard and in the navigation, registered by the app itself
(design/architecture.md, "Layers"). The site layer draws them; the kernel imports no app to do so.

An app registers in its `AppConfig.ready()`:

    registry.add_links(Link("Downloads", "evidence:request_list", "evidence.request", group="Footage"))
    registry.add_panel(Panel("evidence.copies", "evidence/_flagged.html", panels.flagged_copies, order=30))

Links only guide: every view checks permission again on the server.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpRequest

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
    """A dashboard section: `template` rendered with the context `context` gives for the person."""

    name: str
    template: str
    context: PanelContext
    order: int = 100


_links: dict[str, Link] = {}
_panels: dict[str, Panel] = {}


def add_links(*links: Link) -> None:
    """Register navigation links; registering the same label again replaces it (ready() may run twice)."""
    for link in links:
        _links[link.label] = link


def add_panel(panel: Panel) -> None:
    _panels[panel.name] = panel


def links() -> list[Link]:
    return sorted(_links.values(), key=lambda link: (link.order, link.label))


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.name))
