"""What this app shows in the navigation, on the dashboard and in the inbox (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link, Panel


class ComplaintsConfig(registry.Registering):
    name = "watchkeeper.complaints"
    links = (Link("Complaints", "complaints:list", "complaints.view", group="Registers", order=155),)
    panels = (Panel("complaints.register", "complaints/_register.html", "register", order=25),)
    inbox = ("waiting",)
