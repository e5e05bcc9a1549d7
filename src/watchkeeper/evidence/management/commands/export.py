"""`watchkeeper export verify PACKAGE --password-file FILE` (design/evidence.md "Evidence packages")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from watchkeeper.core.keyfiles import key_path
from watchkeeper.evidence import package


class Command(BaseCommand):
    help = (
        "Evidence package tools. `export verify PACKAGE --password-file FILE` decrypts the package, checks "
        "every SHA-256 in its manifest and the signature, and prints `package verified` or the first failure."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", choices=["verify"])
        parser.add_argument("package", type=Path)
        parser.add_argument(
            "--password-file", type=Path, required=True, help="A file holding the password (one line)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            password = options["password_file"].read_text().strip()
        except OSError as error:
            raise CommandError(f"cannot read the password file: {error}") from error
        path: Path = options["package"]
        verdict = package.verify(path, password, _school_key(path, password))
        if not verdict.ok:
            raise CommandError(f"package NOT verified: {verdict.problem}")
        self.stdout.write("package verified")


def _school_key(path: Path, password: str) -> list[Any]:
    """On the server that made the package, the school's own key as well as the one in the package: a
    package re-signed with another key then fails even though it is self-consistent."""
    try:
        school_id = int(json.loads(package.read_member(path, password, package.MANIFEST))["school"]["id"])
    except Exception:  # noqa: BLE001 — unreadable packages are reported by verify itself
        return []
    if not key_path(f"school-{school_id}-signing").exists():
        return []
    return [package.signing_key(school_id).public_key()]
