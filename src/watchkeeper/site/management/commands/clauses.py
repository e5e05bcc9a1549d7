from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from watchkeeper.core.clauses import CATALOGUE_FILE
from watchkeeper.site import clauses_index as index


class Command(BaseCommand):
    help = (
        "Write design/clauses.md: for every policy clause and reference requirement, the functions that "
        "enforce it (@enforces) and the tests that prove it (@pytest.mark.clause). The catalogue "
        "(core/clauses_catalogue.json) is refreshed from ../shared first when that folder is there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="change nothing; exit 1 if either file is out of date"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not index.INDEX_FILE.parent.is_dir():
            raise CommandError(f"{index.INDEX_FILE.parent} is missing: run this from a source checkout")
        shared = index.shared_dir()
        catalogue = index.catalogue_text(shared) if shared else CATALOGUE_FILE.read_text(encoding="utf-8")
        text = index.index_text(index.entries_of(catalogue))
        stale = [
            path
            for path, new in [(CATALOGUE_FILE, catalogue), (index.INDEX_FILE, text)]
            if not path.is_file() or path.read_text(encoding="utf-8") != new
        ]
        if options["check"]:
            if stale:
                names = ", ".join(str(p.relative_to(index.ROOT)) for p in stale)
                raise CommandError(f"out of date: {names} — run `watchkeeper clauses`")
            self.stdout.write("design/clauses.md is up to date")
            return
        for path, new in [(CATALOGUE_FILE, catalogue), (index.INDEX_FILE, text)]:
            if path in stale:
                path.write_text(new, encoding="utf-8")
                self.stdout.write(f"wrote {path.relative_to(index.ROOT)}")
        if not shared:
            self.stdout.write("(no ../shared here: the vendored catalogue was used as it is)")
