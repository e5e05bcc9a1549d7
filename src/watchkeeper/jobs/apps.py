from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "watchkeeper.jobs"
    label = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        from watchkeeper.core import registry

        # Connect the huey signal receivers that keep JobRecords (design/jobs.md) in every process: the
        # worker that runs tasks and any process that enqueues them.
        from watchkeeper.jobs import runner  # noqa: F401

        # What this app shows in the navigation (core/registry.py).
        registry.add_links(
            registry.Link("Jobs", "jobs:job_list", "jobs.view", group="Reports", order=220),
        )
