"""The erasure certificate (13.1) in words and as a PDF, drawn from its row (recording/erasure.py): what was
erased, the keys destroyed, when and by whom, what was checked, and what lies outside the erasure — the
backups that still hold the destroyed keys until a stated date (design/recording.md "Erasure before
disposal")."""

from __future__ import annotations

from datetime import datetime

from watchkeeper.core.dates import uk_date, uk_datetime
from watchkeeper.core.pdf import letter_pdf
from watchkeeper.recording.models import ErasureCertificate, ErasureKind


def _when(moment: datetime | str | None) -> str:
    if moment is None or moment == "":
        return "—"
    value = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return f"{uk_datetime(value, seconds=True)} (UK time)"


def subject(certificate: ErasureCertificate) -> str:
    if certificate.kind == ErasureKind.CAMERA and certificate.camera is not None:
        return f"the camera {certificate.camera.name} of {certificate.camera.school.name}"
    return f"the storage device at {certificate.storage_root}"


# Copies taken out before the erasure are not recordings of the camera or the device: the certificate says
# so, rather than let "erased the recordings" read as "no footage of it is left" (issue 13 §4).
COPIES_NOT_COVERED = (
    "Not covered: copies made from these recordings under an authorisation before the erasure — evidence "
    "packages (listed in the CCTV log) and approved redacted copies — are sealed under keys of their own and "
    "are deleted by their own retention (policy 13.2), not by this erasure."
)


def paragraphs(certificate: ErasureCertificate) -> list[str]:
    """The certificate's text, plain words first (13.1)."""
    c = certificate
    lines = [
        f"Certificate {c.pk}. On {_when(c.erased_at)}, {c.by_name} erased the recordings of {subject(c)} "
        f"before its disposal (policy 13.1). Reason given: {c.reason}",
        f"What was erased: {c.segments_erased} recording file(s), {c.bytes_erased / 1e6:.1f} MB of "
        f"encrypted video, recorded from {_when(c.footage_from)} to {_when(c.footage_to)}.",
    ]
    lines += [
        f"  • {entry['camera']}: {entry['count']} recording file(s), "
        f"{_when(entry['from'])} to {_when(entry['to'])}"
        for entry in c.cameras
    ]
    lines.append(
        f"Keys destroyed: {c.segments_erased}. Each segment was encrypted under its own key; that key's only "
        "copy in the running system (wrapped by the school's key) was deleted from the database, so no copy "
        "of the recording's file — on this device or any other — can be decrypted from the running system."
    )
    files = f"Files deleted: {c.files_deleted} encrypted file(s) deleted from the disk"
    if c.files_without_key:
        files += (
            f", of which {c.files_without_key} had already lost their keys to retention (unreadable already)"
        )
    lines.append(files + ".")
    if c.kind == ErasureKind.CAMERA:
        kept = (
            f"Kept: {c.kept_by_holds} recording file(s) under a hold (policy 9.6) were not erased; "
            "retention erases them once the hold is released."
            if c.kept_by_holds
            else "Kept: nothing — no hold covered this camera's recordings."
        )
        lines.append(kept)
    lines.append(
        f"Checked after erasure: {c.keys_remaining} key(s) of the erased recording files left in the "
        "database, "
        f"{c.files_remaining} of their file(s) left on the disk."
    )
    lines.append(scope(c))
    lines.append(COPIES_NOT_COVERED)
    if c.kind == ErasureKind.CAMERA:
        lines.append(
            "Not covered: anything stored inside the camera itself (a memory card). Remove and destroy or "
            "wipe it before the camera is disposed of."
        )
    return lines


def scope(certificate: ErasureCertificate) -> str:
    """What the erasure cannot reach, and until when (the certificate must be true)."""
    c = certificate
    live = (
        "Deleted rows were overwritten in the database file and its write-ahead log emptied (SQLite "
        "secure_delete and a checkpoint)."
        if c.database == "sqlite"
        else "PostgreSQL keeps a deleted row in its table pages until VACUUM reuses the space, and in its "
        "write-ahead log (WAL) and any WAL archive until they are recycled or expire."
    )
    return (
        f"Scope: {live} Database backups and WAL archives taken before the erasure still hold the wrapped "
        f"keys. With this installation's backup retention of {c.backup_retention_days} day(s), every such "
        f"backup has expired by {uk_date(c.backups_expire_on)}. Until then, only someone holding such a "
        "backup and the school's key file (kept apart from database backups) and a copy of the encrypted "
        "files could decrypt the footage; after that date, nobody can."
    )


def certificate_pdf(certificate: ErasureCertificate) -> bytes:
    school = certificate.school.name if certificate.school else "Watchkeeper"
    return letter_pdf(
        "Erasure certificate: recordings erased before disposal (13.1)",
        paragraphs(certificate),
        letterhead=school,
        dated=certificate.erased_at,
    )
