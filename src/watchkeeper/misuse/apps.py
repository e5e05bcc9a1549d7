"""What this app shows in the navigation, on the dashboard and in the inbox (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link, Panel


class MisuseConfig(registry.Registering):
    name = "watchkeeper.misuse"
    links = (
        Link("Misuse alerts", "misuse:list", "misuse.view", group="Registers", order=95),
        Link("Misuse settings", "misuse:settings", "misuse.settings", group="Registers", order=96),
    )
    panels = (
        Panel("misuse.alerts", "misuse/_alerts.html", "alerts", order=6),
        Panel("misuse.lawful", "misuse/_lawful.html", "lawful", order=61),
    )
    inbox = ("open_alerts",)
