"""What this app shows in the navigation and on the dashboard (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link, Panel


class EvidenceConfig(registry.Registering):
    name = "watchkeeper.evidence"
    links = (
        Link("Downloads", "evidence:request_list", "evidence.request", group="Footage", order=140),
        Link("CCTV log", "evidence:cctv_log", "evidence.log", group="Registers", order=150),
    )
    panels = (Panel("evidence.copies", "evidence/_flagged.html", "flagged_copies", order=30),)
    inbox = ("downloads_to_authorise", "packages_ready", "copies_due")
