"""What this app shows in the navigation and on the dashboard (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link


class EstateConfig(registry.Registering):
    name = "watchkeeper.estate"
    links = (
        Link("Schools", "estate:school_list", "estate.view", group="Estate", order=20),
        Link("Cameras", "estate:camera_list", "estate.view", group="Estate", order=30),
        Link("Minibuses", "estate:vehicle_list", "estate.view", group="Estate", order=40),
    )
