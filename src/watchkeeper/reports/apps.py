"""What this app shows in the navigation (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link


class ReportsConfig(registry.Registering):
    name = "watchkeeper.reports"
    links = (
        Link("DPO dashboard", "reports:dashboard", "reports.view", group="Reports", order=200),
        Link("Record of processing", "reports:processing", "reports.processing", group="Reports", order=205),
    )
