"""The people app's scheduled job (design/jobs.md): footage roles nobody confirmed this term lapse
(people/terms.py). Acts as SYSTEM; run it now with `watchkeeper jobs enqueue roles`."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from watchkeeper.jobs.queue import Priority, by_hand
from watchkeeper.jobs.runner import progress
from watchkeeper.people import terms


@by_hand("roles")
@db_periodic_task(crontab(hour="5", minute="40"), name="lapse_unconfirmed_roles", priority=Priority.ROUTINE)
def lapse_unconfirmed_roles() -> int:
    """Daily: footage-role grants not confirmed for more than a term lapse."""
    lapsed, warned = terms.lapse_unconfirmed(timezone.now())
    progress(
        100,
        f"{lapsed} footage role(s) lapsed, unconfirmed for {terms.TERM_DAYS} days; {warned} lapse within "
        f"{terms.WARN_DAYS} days unless the Headteacher or the DPO confirms them.",
    )
    return lapsed
