from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "watchkeeper.evidence"
    label = "evidence"

    def ready(self) -> None:
        # What this app shows in the navigation and on the dashboard (core/registry.py).
        from watchkeeper.core import registry
        from watchkeeper.evidence import panels

        registry.add_links(
            registry.Link(
                "Downloads", "evidence:request_list", "evidence.request", group="Footage", order=140
            ),
            registry.Link("CCTV log", "evidence:cctv_log", "evidence.log", group="Registers", order=150),
        )
        registry.add_panel(
            registry.Panel("evidence.copies", "evidence/_flagged.html", panels.flagged_copies, order=30)
        )
