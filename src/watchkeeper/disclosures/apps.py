from django.apps import AppConfig


class DisclosuresConfig(AppConfig):
    name = "watchkeeper.disclosures"
    label = "disclosures"

    def ready(self) -> None:
        # What this app shows in the navigation and on the dashboard (core/registry.py).
        from watchkeeper.core import registry
        from watchkeeper.disclosures import panels

        registry.add_links(
            registry.Link(
                "Disclosures", "disclosures:index", "disclosures.view", group="Requests", order=190
            ),
            registry.Link(
                "Disclosure reviews",
                "disclosures:review_list",
                "disclosures.review",
                group="Requests",
                order=200,
            ),
        )
        registry.add_panel(
            registry.Panel("disclosures.flags", "disclosures/_flags.html", panels.flags, order=20)
        )
