from django.apps import AppConfig


class EstateConfig(AppConfig):
    name = "watchkeeper.estate"
    label = "estate"

    def ready(self) -> None:
        # What this app shows in the navigation and on the dashboard (core/registry.py).
        from watchkeeper.core import registry

        registry.add_links(
            registry.Link("Schools", "estate:school_list", "estate.view", group="Estate", order=20),
            registry.Link("Cameras", "estate:camera_list", "estate.view", group="Estate", order=30),
            registry.Link("Minibuses", "estate:vehicle_list", "estate.view", group="Estate", order=40),
        )
