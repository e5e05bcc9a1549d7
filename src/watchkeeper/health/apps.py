from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "watchkeeper.health"
    label = "health"
    verbose_name = "Camera health and maintenance"

    def ready(self) -> None:
        # What this app shows in the navigation and on the dashboard (core/registry.py).
        from watchkeeper.core import registry
        from watchkeeper.health import panels

        registry.add_panel(registry.Panel("health.alerts", "health/_alerts.html", panels.alerts, order=50))
