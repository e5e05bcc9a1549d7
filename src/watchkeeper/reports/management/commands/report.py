"""`watchkeeper report annual [--school ID] --year YYYY [--public] --output FILE.pdf` and
`watchkeeper report compliance --output FILE.pdf`: the same PDFs as the reports pages, made on the server
as SYSTEM (design/reports.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from watchkeeper.core.actors import SYSTEM
from watchkeeper.estate.models import School
from watchkeeper.reports import services


class Command(BaseCommand):
    help = (
        "Print a report as PDF. `report annual --year YYYY [--school ID] [--public] --output FILE.pdf`: the "
        "annual report of a school or the trust (public: small numbers suppressed). `report compliance "
        "--output FILE.pdf`: the auditor's compliance evidence report."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["annual", "compliance"])
        parser.add_argument("--school", type=int, help="a school's id (leave out for the whole trust)")
        parser.add_argument("--year", type=int, help="the calendar year (annual report)")
        parser.add_argument("--public", action="store_true", help="the public edition (counts only)")
        parser.add_argument("--output", type=Path, required=True, help="the PDF file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["kind"] == "compliance":
            pdf = services.compliance_report(SYSTEM, now)
        else:
            if options["year"] is None:
                raise CommandError("give the year: --year YYYY")
            school = self._school(options["school"])
            pdf = services.annual_report(
                SYSTEM, school=school, year=options["year"], public=options["public"], now=now
            )
        output: Path = options["output"]
        try:
            output.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error.strerror}") from None
        self.stdout.write(f"wrote {output} ({len(pdf)} bytes)")

    def _school(self, school_id: int | None) -> School | None:
        if school_id is None:
            return None
        school = School.objects.filter(pk=school_id).first()
        if school is None:
            raise CommandError(f"no school with id {school_id}")
        return school
