from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "watchkeeper.jobs"
    label = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        # Connect the huey signal receivers that keep JobRecords (design/jobs.md) in every process: the
        # worker that runs tasks and any process that enqueues them.
        from watchkeeper.jobs import runner  # noqa: F401
