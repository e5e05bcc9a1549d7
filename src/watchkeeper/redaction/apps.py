from django.apps import AppConfig


class RedactionConfig(AppConfig):
    name = "watchkeeper.redaction"
    label = "redaction"

    def ready(self) -> None:
        # What this app shows in the navigation and on the dashboard (core/registry.py).
        from watchkeeper.core import registry

        registry.add_links(
            registry.Link("Redactions", "redaction:list", "redaction.review", group="Footage", order=130),
        )
