"""`watchkeeper erase-for-disposal camera CAMERA_ID | storage FOLDER --by USER --reason TEXT [--pdf FILE]`:
erase a decommissioned camera's recordings, or every recording on a storage device being retired, and
write the erasure certificate (13.1; recording/erasure.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from watchkeeper.core.commands import now_option
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.estate.models import Camera
from watchkeeper.recording.erasure import erase_camera, erase_storage
from watchkeeper.recording.erasure_pdf import certificate_pdf, paragraphs
from watchkeeper.recording.models import ErasureCertificate


class Command(BaseCommand):
    help = (
        "Erase the recordings of a decommissioned camera (held ones are kept), or of every recording with a "
        "file on a storage device being retired (its keys destroyed, so no copy opens anywhere), and write "
        "the erasure certificate (13.1)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["camera", "storage"])
        parser.add_argument("target", help="the camera's id, or the folder the storage device is mounted at")
        parser.add_argument("--by", required=True, help="the username of the CCTV administrator erasing it")
        parser.add_argument("--reason", required=True, help="why, e.g. where the device goes")
        parser.add_argument("--pdf", type=Path, help="write the certificate as a PDF to this file")
        parser.add_argument(
            "--now", help="ISO date-time to erase as of (testing); defaults to the current time"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        person = User.objects.filter(username=options["by"], is_active=True).first()
        if person is None:
            raise CommandError(f"there is no active user {options['by']!r}")
        now = now_option(options["now"])
        try:
            certificate = self._erase(person, options, now)
        except (PolicyRefusal, PermissionDenied) as error:
            raise CommandError(f"nothing erased: {error}") from None
        self.stdout.write("\n".join(paragraphs(certificate)))
        if options["pdf"]:
            options["pdf"].write_bytes(certificate_pdf(certificate))
            self.stdout.write(f"certificate written to {options['pdf']}")

    @staticmethod
    def _erase(person: User, options: dict[str, Any], now: Any) -> ErasureCertificate:
        if options["what"] == "storage":
            return erase_storage(person, Path(options["target"]), options["reason"], now=now)
        camera = Camera.objects.select_related("school").filter(pk=_camera_id(options["target"])).first()
        if camera is None:
            raise CommandError(f"there is no camera {options['target']}")
        return erase_camera(person, camera, options["reason"], now=now)


def _camera_id(given: str) -> int:
    try:
        return int(given)
    except ValueError:
        raise CommandError(f"{given!r} is not a camera id") from None
