"""The job runner's app; its navigation link is registered as every app's is (core/registry.py)."""

from watchkeeper.core import registry
from watchkeeper.core.registry import Link


class JobsConfig(registry.Registering):
    name = "watchkeeper.jobs"
    verbose_name = "Jobs"
    links = (Link("Jobs", "jobs:job_list", "jobs.view", group="Reports", order=220),)

    def ready(self) -> None:
        super().ready()
        # Connect the huey signal receivers that keep JobRecords (design/jobs.md) in every process: the
        # worker that runs tasks and any process that enqueues them.
        from watchkeeper.jobs import runner  # noqa: F401
