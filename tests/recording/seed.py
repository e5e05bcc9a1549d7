"""Set up (or change) cameras in a separate Watchkeeper installation, through the real services.

Run as a subprocess with WATCHKEEPER_DATA_DIR pointing at that installation, after `watchkeeper migrate`:
    python tests/recording/seed.py cameras PORT COUNT   → a school with COUNT active cameras on the simulator
    python tests/recording/seed.py suspend NAME         → suspend one camera
    python tests/recording/seed.py hold NAME START END  → an evidential hold on one camera (ISO times)
    python tests/recording/seed.py zones NAME JSON      → privacy zones (polygons in 0..1) on one camera
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watchkeeper.settings")
    import django

    django.setup()
    from django.utils import timezone

    from watchkeeper.compliance.models import SignPlacement
    from watchkeeper.compliance.services import approve_dpia, create_dpia, register_sign
    from watchkeeper.core.actors import SYSTEM
    from watchkeeper.estate.models import Camera, CameraStatus, LocationType, Purpose
    from watchkeeper.estate.services import change_camera_status, create_school, create_trust, register_camera
    from watchkeeper.recording.simulator import stream_url

    if argv[0] == "cameras":
        port, count = int(argv[1]), int(argv[2])
        trust = create_trust(SYSTEM, "Simulated Trust")
        school = create_school(SYSTEM, trust, "Simulated Primary")
        cameras = [
            register_camera(
                SYSTEM,
                school,
                name=f"cam{n}",
                location_description=f"Simulated camera {n}",
                location_type=LocationType.ENTRANCE,
                purposes=[Purpose.SAFETY.value],
                main_stream_url=stream_url(port, n),
                retention_days=30,
            )
            for n in range(1, count + 1)
        ]
        dpia = create_dpia(SYSTEM, school, "Simulated cameras", cameras, summary="Seen in school (11.6).")
        approve_dpia(SYSTEM, dpia, timezone.now())
        register_sign(
            SYSTEM, school, SignPlacement.ENTRANCE, "Main gate", last_checked_on=timezone.localdate()
        )
        for camera in cameras:
            change_camera_status(
                SYSTEM, camera, CameraStatus.ACTIVE, reason="simulation", today=timezone.localdate()
            )
        print(" ".join(str(c.pk) for c in cameras))
    elif argv[0] == "suspend":
        camera = Camera.objects.get(name=argv[1])
        change_camera_status(
            SYSTEM, camera, CameraStatus.SUSPENDED, reason="test", today=timezone.localdate()
        )
    elif argv[0] == "zones":
        import json

        from watchkeeper.estate.services import set_privacy_zones

        set_privacy_zones(SYSTEM, Camera.objects.get(name=argv[1]), json.loads(argv[2]))
    elif argv[0] == "hold":
        from datetime import datetime, timedelta

        from watchkeeper.recording.services import place_hold

        camera = Camera.objects.get(name=argv[1])
        start, end = datetime.fromisoformat(argv[2]), datetime.fromisoformat(argv[3])
        review = timezone.localdate() + timedelta(days=60)
        place_hold(
            SYSTEM,
            camera.school,
            [camera],
            start,
            end,
            "Evidence for incident 7",
            review,
            today=timezone.localdate(),
        )
    else:
        raise SystemExit(f"unknown action {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
