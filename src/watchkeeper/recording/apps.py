"""What this app shows in the navigation and on the dashboard (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link


class RecordingConfig(registry.Registering):
    name = "watchkeeper.recording"
    links = (
        Link("Recording", "recording:health_list", "recording.status", group="Estate", order=80),
        Link("Holds", "recording:hold_list", "recording.hold", group="Footage", order=160),
        Link("Minibus footage", "recording:dvr_upload", "recording.import", group="Footage", order=165),
    )
    inbox = ("holds_to_review", "cameras_to_erase")
