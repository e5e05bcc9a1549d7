"""The camera simulator fixtures of the recording tests, for the zone and DVR-import tests."""

from tests.recording.conftest import simulator, simulator_clip  # noqa: F401
