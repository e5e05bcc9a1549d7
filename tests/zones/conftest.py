"""The camera simulator fixtures of the recording tests, for the zone and DVR-import tests; the DVR files."""

from tests.recording.conftest import simulator, simulator_clip  # noqa: F401
from tests.zones.dvr_files import bus_camera, files, storage  # noqa: F401
