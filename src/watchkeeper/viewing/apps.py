from django.apps import AppConfig


class ViewingConfig(AppConfig):
    name = "watchkeeper.viewing"
    label = "viewing"

    def ready(self) -> None:
        # What this app shows in the navigation and on the dashboard (core/registry.py).
        from watchkeeper.core import registry

        registry.add_links(
            registry.Link("Live", "viewing:live_grid", "viewing.live", group="Footage", order=100),
            registry.Link(
                "Footage", "viewing:authorisation_list", "viewing.request", group="Footage", order=110
            ),
            registry.Link(
                "Footage requests", "viewing:authorisation_list", "viewing.decide", group="Footage", order=120
            ),
        )
