"""Footage for a separate Watchkeeper installation (its own WATCHKEEPER_DATA_DIR, migrated), for the worker
test: one camera keeping 7 days, with a segment 8 days old (expired) and one 1 day old (retained).

    python -m tests.jobs.seed      → prints "EXPIRED_ID RETAINED_ID"
"""

from __future__ import annotations

import os


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watchkeeper.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import CameraFactory
    from tests.recording.helpers import store

    camera = CameraFactory(retention_days=7)
    now = timezone.now()
    expired, retained = store(camera, now - timedelta(days=8)), store(camera, now - timedelta(days=1))
    print(expired.pk, retained.pk)


if __name__ == "__main__":
    main()
