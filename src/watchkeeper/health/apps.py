"""What this app shows in the navigation and on the dashboard (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link, Panel


class HealthConfig(registry.Registering):
    name = "watchkeeper.health"
    verbose_name = "Camera health and maintenance"
    # 12.1: the checks by hand, logged and scheduled (README walk-through 10: Maintenance → Schedule).
    links = (
        Link("Log", "health:maintenance", "maintenance.record", group="Maintenance", order=167),
        Link("Schedule", "health:schedule", "maintenance.record", group="Maintenance", order=168),
    )
    panels = (
        Panel("health.alerts", "health/_alerts.html", "alerts", order=50),
        Panel("health.overdue", "health/_overdue_checks.html", "overdue_checks", order=52),
    )
    inbox = ("open_alerts", "scheduled_checks")
