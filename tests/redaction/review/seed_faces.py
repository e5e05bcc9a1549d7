"""Footage with faces and an approved authorisation for the browser test's live app (a separate
installation), written through the recording app's write path without running the recorder:

    WATCHKEEPER_DATA_DIR=… python -m tests.redaction.review.seed_faces "Main gate" reviewer-oak head-oak

Prints JSON: the authorisation id, the segments' ids, and the window (UTC, ISO 8601)."""

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
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from tests.redaction.review.conftest import face_pieces
    from tests.viewing.conftest import approved
    from tests.viewing.footage import store_footage
    from watchkeeper.estate.models import Camera

    camera_name, reviewer, decider = argv
    users = get_user_model().objects
    camera = Camera.objects.get(name=camera_name)
    start = (timezone.now() - timedelta(minutes=40)).replace(microsecond=0)
    work = Path(settings.DATA_DIR) / "redaction-clip"
    work.mkdir(exist_ok=True)
    segments = store_footage(camera, start, face_pieces(work))
    window = (start - timedelta(seconds=1), segments[-1].end + timedelta(seconds=1))
    auth = approved(users.get(username=reviewer), [camera], *window, decider=users.get(username=decider))
    print(
        json.dumps(
            {
                "authorisation": auth.pk,
                "segments": [str(s.pk) for s in segments],
                "start": window[0].isoformat(),
                "end": window[1].isoformat(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
