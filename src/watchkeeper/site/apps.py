from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site layer (design/architecture.md, "Layers"): the dashboard, the navigation, the demo and the
    commands that run everything together. It draws what each app registered (core/registry.py)."""

    name = "watchkeeper.site"
    label = "site"

    def ready(self) -> None:
        from watchkeeper.core import registry

        registry.add_links(registry.Link("Dashboard", "site:dashboard", "estate.view", order=10))
