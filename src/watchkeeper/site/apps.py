"""The site layer (design/architecture.md, "Layers"): the dashboard, the navigation, the demo and the commands
that run everything together. It draws what each app registered (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link


class SiteConfig(registry.Registering):
    name = "watchkeeper.site"
    links = (Link("Dashboard", "site:dashboard", "estate.view", order=10),)
