"""`watchkeeper jobs enqueue NAME` and `watchkeeper jobs list [--json]` (design/jobs.md)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from watchkeeper.jobs.models import JobRecord
from watchkeeper.jobs.queue import enqueue_on_commit, tasks_by_hand

LIST_LIMIT = 50


class Command(BaseCommand):
    help = "Queue a job for the worker now, or list the latest job records."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        enqueue = commands.add_parser("enqueue", help="queue a job for `watchkeeper worker`")
        enqueue.add_argument("name", choices=sorted(tasks_by_hand()))
        listing = commands.add_parser("list", help="the latest job records, newest first")
        listing.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "enqueue":
            task = tasks_by_hand()[options["name"]]
            task_id = enqueue_on_commit(task)  # no transaction open here: queued at once, its record made
            job = JobRecord.objects.filter(task_id=task_id).first()
            self.stdout.write(f"queued {task.name}: task {task_id}" + (f", job {job.pk}" if job else ""))
            return
        rows = list(
            JobRecord.objects.order_by("-created_at", "-pk")[:LIST_LIMIT].values(
                "pk",
                "task_id",
                "name",
                "status",
                "progress",
                "message",
                "created_at",
                "started_at",
                "finished_at",
            )
        )
        if options["json"]:
            self.stdout.write(json.dumps(rows, default=str, indent=2))
            return
        for row in rows:
            self.stdout.write(
                f"{row['pk']:>6} {row['created_at']:%Y-%m-%d %H:%M:%S} {row['name']:<18} "
                f"{row['status']:<7} {row['progress']:>3}% {row['message']}"
            )
