"""What this app shows in the navigation and on the dashboard (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Panel


class HealthConfig(registry.Registering):
    name = "watchkeeper.health"
    verbose_name = "Camera health and maintenance"
    panels = (
        Panel("health.alerts", "health/_alerts.html", "alerts", order=50),
        Panel("health.overdue", "health/_overdue_checks.html", "overdue_checks", order=52),
    )
    inbox = ("open_alerts", "scheduled_checks")
