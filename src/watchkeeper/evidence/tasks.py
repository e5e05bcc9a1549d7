"""The evidence jobs (design/evidence.md): building an authorised package, and the daily copy check (13.2).

Both act as SYSTEM. The build job's payload carries the package password sealed under the school key
(evidence/storage.py), never in the clear: huey's queue, the job record and the logs never see it (11.6).
"""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from watchkeeper.evidence import burned_copy, services
from watchkeeper.jobs.queue import Priority, by_hand
from watchkeeper.jobs.runner import progress


@db_task(name="evidence_package", priority=Priority.WAITED_FOR)
def build_package_job(request_id: int, *, school_id: int, sealed_password: str) -> str:
    """Build the sealed package of an authorised download request, reporting progress on the Jobs page and
    the request's page. `school_id` makes the job record the school's (jobs.runner.school_id)."""
    download = services.run_build(request_id, sealed_password, now=timezone.now(), progress=progress)
    return f"Package {download.package_file} stored for request {request_id}."


@db_task(name="evidence_burned_copy", priority=Priority.ROUTINE)
def burned_copy_job(download_id: int, *, school_id: int, sealed_password: str) -> str:
    """A long package's working copy with the date and time burned into the picture (9.3), sealed under the
    same password as a second package of the same request (evidence/burned_copy.py)."""
    copy = burned_copy.run_burned_copy(download_id, sealed_password, now=timezone.now(), progress=progress)
    return f"Burned-in working copy {copy.package_file} stored for package {download_id}."


@by_hand("copies")
@db_periodic_task(crontab(hour="6", minute="15"), name="evidence_copy_check", priority=Priority.ROUTINE)
def copy_check() -> str:
    """Daily (13.2): flag stored copies due for deletion within 14 days and overdue ones, for the
    Headteacher and DPO; finish the removal of deleted copies' files."""
    result = services.check_copies(timezone.localdate())
    progress(100, result.summary())
    return result.summary()
