"""What this app shows in the navigation and on the dashboard (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link


class ViewingConfig(registry.Registering):
    name = "watchkeeper.viewing"
    links = (
        Link("Live", "viewing:live_grid", "viewing.live", group="Footage", order=100),
        Link("Footage", "viewing:authorisation_list", "viewing.request", group="Footage", order=110),
        Link("Footage requests", "viewing:authorisation_list", "viewing.decide", group="Footage", order=120),
    )
    inbox = ("decisions_waiting", "approved_to_view")
