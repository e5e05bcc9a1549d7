"""What this app shows in the navigation, on the dashboard and in the inbox (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link, Panel


class BreachesConfig(registry.Registering):
    name = "watchkeeper.breaches"
    links = (
        Link("Report a breach", "breaches:report", "breaches.report", group="Registers", order=93),
        Link("Breaches", "breaches:list", "breaches.view", group="Registers", order=94),
    )
    panels = (Panel("breaches.clock", "breaches/_clock.html", "clock", order=5),)
    inbox = ("waiting",)
