"""Exporting the audit head outside the database, and verifying the chain against an export (R10, 16).

Three ways out: the DPO downloads the file from the audit page (audited), the hourly job writes it to
`settings.WATCHKEEPER_AUDIT_HEAD_DIR` (not audited: a file write is no change to the data, and an event an
hour would bury the log), and `watchkeeper audit head` prints it. `verify_against` is what
`watchkeeper audit verify --head FILE` runs. design/audit.md, "Exported head".
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from watchkeeper.audit import head_file
from watchkeeper.audit.chain import GENESIS_HASH, Verdict
from watchkeeper.audit.models import AuditEvent, AuditHead
from watchkeeper.audit.services import AUDIT_KEY_NAME, audit_key, record, verify
from watchkeeper.core.actors import Actor
from watchkeeper.core.clauses import enforces
from watchkeeper.core.keyfiles import key_path
from watchkeeper.core.private_files import fsync_dir

LATEST_NAME = "audit-head-latest.json"


def current_head(now: datetime) -> bytes:
    """The signed head as it stands now (an empty log exports sequence 0)."""
    seq, head_hash = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first() or (0, GENESIS_HASH)
    return head_file.make(audit_key(), seq, head_hash, now)


def file_name(now: datetime) -> str:
    return f"audit-head-{now.strftime('%Y%m%dT%H%M%SZ')}.json"


@enforces("R10")
def download_head(actor: Actor, now: datetime) -> bytes:
    """The DPO's download: recorded first, so the head handed over includes its own export event."""
    with transaction.atomic():
        record("audit.head_exported", actor=actor, reason="exported head downloaded")
        return current_head(now)


def export_folder() -> Path:
    configured = settings.WATCHKEEPER_AUDIT_HEAD_DIR
    return Path(configured) if configured else Path(settings.DATA_DIR) / "audit-heads"


@enforces("R10")
def write_head(now: datetime, folder: Path | None = None) -> Path:
    """Write the head to the export folder, once under the day's name (one file a day is kept, the last of
    the day) and once as the latest; both replaced atomically. The path of the day's file."""
    folder = folder or export_folder()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    data = current_head(now)
    daily = folder / f"audit-head-{now.date().isoformat()}.json"
    for path in (daily, folder / LATEST_NAME):
        _replace(path, data)
    return daily


def _replace(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    temporary.chmod(0o600)
    temporary.replace(path)
    fsync_dir(path.parent)


@enforces("R10")
def verify_against(data: bytes) -> Verdict:
    """The chain verified, then compared with an exported head: a database rolled back to before the
    export has fewer events, or another event at the exported sequence. Raises head_file.HeadFileError
    where the file is not a head this installation exported."""
    if not key_path(AUDIT_KEY_NAME).exists():
        return verify()  # names the missing key; never mint a key to check a signature with
    exported = head_file.parse(audit_key(), data)
    verdict = verify()
    at_seq = AuditEvent.objects.filter(seq=exported.seq).values_list("hash", flat=True).first()
    return head_file.compare(exported, verdict, at_seq)
