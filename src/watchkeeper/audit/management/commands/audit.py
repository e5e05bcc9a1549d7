from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from watchkeeper.audit.head_export import current_head, verify_against
from watchkeeper.audit.head_file import HeadFileError
from watchkeeper.audit.services import AUDIT_KEY_NAME, verify
from watchkeeper.core.keyfiles import key_path


class Command(BaseCommand):
    help = (
        "Audit log tools. `audit verify` proves the hash chain intact or names the first broken event; "
        "with --head FILE it also checks the chain against a head exported earlier, so that a database "
        "rolled back to an earlier backup is detected. `audit head` prints the signed head to keep elsewhere."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["verify", "head"])
        parser.add_argument(
            "--head",
            dest="head_file",
            type=Path,
            help="an exported head (the audit page's download, or a file of WATCHKEEPER_AUDIT_HEAD_DIR)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "head":
            self.stdout.write(current_head(timezone.now()).decode(), ending="")
            return
        head_path: Path | None = options["head_file"]
        if head_path is None:
            verdict = verify()
        else:
            try:
                verdict = verify_against(head_path.read_bytes())
            except OSError as error:
                raise CommandError(f"cannot read the exported head {head_path}: {error.strerror}") from None
            except HeadFileError as error:
                raise CommandError(f"exported head {head_path} REFUSED: {error}") from None
        if not verdict.intact:
            self._breach_draft(verdict.problem)
            raise CommandError(f"audit chain BROKEN: {verdict.problem}")
        checked = f" (and includes the exported head {head_path})" if head_path is not None else ""
        self.stdout.write(f"audit chain intact: {verdict.count} events{checked}")

    def _breach_draft(self, problem: str) -> None:
        # Opening a draft writes an audit event, which would mint a new chain key if the key file is gone:
        # then the DPO is told to restore it first and to report the breach by hand.
        if not key_path(AUDIT_KEY_NAME).exists():
            self.stderr.write("no breach draft opened: restore the audit key, then report this breach (15.1)")
            return
        try:
            draft = breach_draft(problem)
        except DatabaseError as error:  # a chain this broken may refuse a new event: the verdict still stands
            self.stderr.write(f"no breach draft opened ({error}): report this breach by hand (15.1)")
            return
        self.stderr.write(f"opened breach draft {draft.reference} for the DPO (15.1)")


def breach_draft(problem: str) -> Any:
    """15.1: a chain that fails verification may be a breach of integrity: a draft for the DPO, once per
    problem while undecided (breaches.services.open_draft)."""
    from watchkeeper.breaches.services import Evidence, open_draft

    evidence = [Evidence(f"Audit log: {problem}", reverse("audit:event_list"))]
    return open_draft("audit_chain", problem, evidence, timezone.now(), source_key=f"audit_chain:{problem}")
