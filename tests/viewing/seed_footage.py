"""Record footage for a camera of a separate Watchkeeper installation (the browser test's live app), through
the recording app's write path, without running the recorder or the camera simulator.

    WATCHKEEPER_DATA_DIR=… python -m tests.viewing.seed_footage "Main gate"   (from the repository root)

Prints JSON: the camera id, the segments' ids, and their first start and last end (UTC, ISO 8601)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watchkeeper.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from tests.viewing.footage import clip_segments, make_clip, store_footage
    from watchkeeper.estate.models import Camera

    camera = Camera.objects.get(name=argv[0])
    start = (timezone.now() - timedelta(minutes=20)).replace(microsecond=0)
    segments = store_footage(camera, start, clip_segments(make_clip(Path(settings.DATA_DIR) / "simulator")))
    print(
        json.dumps(
            {
                "camera": camera.pk,
                "segments": [str(s.pk) for s in segments],
                "start": segments[0].start.isoformat(),
                "end": segments[-1].end.isoformat(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
