from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "watchkeeper.audit"
    label = "audit"

    def ready(self) -> None:
        # What this app shows in the navigation and on the dashboard (core/registry.py).
        from watchkeeper.core import registry

        registry.add_links(
            registry.Link("Audit log", "audit:event_list", "audit.view", group="Reports", order=210),
        )
