"""What this app shows in the navigation and on the dashboard (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link


class RedactionConfig(registry.Registering):
    name = "watchkeeper.redaction"
    links = (Link("Redactions", "redaction:list", "redaction.review", group="Footage", order=130),)
