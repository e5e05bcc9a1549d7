"""What this app shows in the navigation, on the dashboard and in the inbox (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link, Panel


class ComplianceConfig(registry.Registering):
    name = "watchkeeper.compliance"
    links = (
        Link("DPIAs", "compliance:dpia_list", "compliance.view", group="Registers", order=50),
        Link("Signs", "compliance:sign_list", "compliance.view", group="Registers", order=60),
        Link("Exceptions", "compliance:exceptions", "compliance.view", group="Registers", order=70),
        Link("DPO settings", "compliance:settings", "compliance.settings", group="Registers", order=80),
    )
    panels = (Panel("compliance.summary", "compliance/_summary.html", "summary", order=60),)
    inbox = ("signs_to_check",)
