"""Point a camera of a separate Watchkeeper installation (the browser test's live app) at a stream, through
the estate app's own service, as a CCTV administrator would when a camera's address changes.

    WATCHKEEPER_DATA_DIR=… python -m tests.viewing.seed_live "Main gate" rtsp://127.0.0.1:PORT/cam1 [ZONES]

ZONES, when given, is the camera's privacy zones as JSON (5.3; "[]" removes them).
"""

from __future__ import annotations

import json
import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watchkeeper.settings")
    import django

    django.setup()
    from watchkeeper.core.actors import SYSTEM
    from watchkeeper.estate.models import Camera
    from watchkeeper.estate.services import set_privacy_zones, update_camera

    camera = Camera.objects.get(name=argv[0])
    update_camera(SYSTEM, camera, main_stream_url=argv[1])
    if len(argv) > 2:
        set_privacy_zones(SYSTEM, camera, json.loads(argv[2]))
    print(camera.pk)


if __name__ == "__main__":
    main(sys.argv[1:])
