from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "watchkeeper.compliance"
    label = "compliance"

    def ready(self) -> None:
        # What this app shows in the navigation and on the dashboard (core/registry.py).
        from watchkeeper.compliance import panels
        from watchkeeper.core import registry

        registry.add_links(
            registry.Link("DPIAs", "compliance:dpia_list", "compliance.view", group="Registers", order=50),
            registry.Link("Signs", "compliance:sign_list", "compliance.view", group="Registers", order=60),
            registry.Link(
                "Exceptions", "compliance:exceptions", "compliance.view", group="Registers", order=70
            ),
        )
        registry.add_panel(
            registry.Panel("compliance.summary", "compliance/_summary.html", panels.summary, order=60)
        )
