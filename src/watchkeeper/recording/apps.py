from django.apps import AppConfig


class RecordingConfig(AppConfig):
    name = "watchkeeper.recording"
    label = "recording"

    def ready(self) -> None:
        # What this app shows in the navigation and on the dashboard (core/registry.py).
        from watchkeeper.core import registry

        registry.add_links(
            registry.Link("Recording", "recording:health_list", "recording.status", group="Estate", order=80),
            registry.Link("Holds", "recording:hold_list", "recording.hold", group="Footage", order=160),
        )
