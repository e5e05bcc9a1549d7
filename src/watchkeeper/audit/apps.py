"""What this app shows in the navigation and on the dashboard (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link


class AuditConfig(registry.Registering):
    name = "watchkeeper.audit"
    links = (Link("Audit log", "audit:event_list", "audit.view", group="Reports", order=210),)
