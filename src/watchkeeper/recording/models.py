"""Recording index: segments, the garbage list, gaps, holds, camera state (design/recording.md)."""

from __future__ import annotations

import uuid

from django.db import models

from watchkeeper.core import fields
from watchkeeper.estate.models import Camera


class Segment(models.Model):
    """One encrypted blob of recorded video (9.3): a few seconds of one camera, starting at a key frame.

    The blob is AES-256-GCM under its own key; `wrapped_key` is that key wrapped by the school key named
    `key_id` (a file in the data dir, not in the database). Deleting the row destroys the key (13.1).
    """

    SCHOOL_LOOKUP = "camera__school"

    # The id is chosen before the blob is written: it is the blob's name and its associated data.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="segments")
    start = models.DateTimeField(help_text="UTC, millisecond precision: the first frame's time.")
    end = models.DateTimeField(help_text="UTC, millisecond precision: where the next segment starts.")
    duration_ms = models.PositiveIntegerField()
    bytes = models.PositiveBigIntegerField(help_text="Size of the encrypted blob on disk.")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the plaintext MP4.")
    wrapped_key = models.BinaryField()
    key_id = models.CharField(max_length=64)
    blob_path = models.CharField(max_length=300, unique=True, help_text="Relative to the recordings dir.")
    received_at = models.DateTimeField(help_text="Server time when the segment's first packet arrived.")
    clock_offset_ms = models.IntegerField(
        null=True, blank=True, help_text="Camera clock minus server clock, where the stream reports one."
    )
    motion = models.JSONField(
        null=True,
        blank=True,
        help_text="Motion per second of the segment, 0–1 (recording/motion.py); null until analysed, "
        "[] when it could not be decoded.",
    )

    class Meta:
        ordering = ["camera", "start"]
        indexes = [models.Index(fields=["camera", "start"]), models.Index(fields=["start"])]

    def __str__(self) -> str:
        return f"{self.camera_id} {self.start:%Y-%m-%d %H:%M:%S}"


class GarbageReason(models.TextChoices):
    WRITING = "writing", "Being written (reserved before the blob exists)"
    IMPORTING = "importing", "Being imported from a DVR file (committed with the whole import)"
    ERASED = "erased", "Erased by retention (row and key already gone)"
    ORPHAN = "orphan", "Found on disk without an index row"


class GarbageBlob(models.Model):
    """A blob path that must not exist once this row is gone (Moonfire's garbage table).

    Reserved before a blob is written and removed in the transaction that adds its segment; added in the
    transaction that deletes a segment. Collecting garbage = unlink the file, fsync the dir, delete the row.
    """

    path = models.CharField(max_length=300, unique=True)
    reason = models.CharField(max_length=16, choices=GarbageReason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.reason}: {self.path}"


class Gap(models.Model):
    """A time when an active camera was not recorded, and why (12.1)."""

    SCHOOL_LOOKUP = "camera__school"

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="gaps")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["camera", "start"]

    def __str__(self) -> str:
        return f"{self.camera_id} gap {self.start:%H:%M:%S}–{self.end:%H:%M:%S}: {self.reason}"


class HoldQuerySet(models.QuerySet["Hold"]):
    def current(self) -> HoldQuerySet:
        return self.filter(released_at__isnull=True)


class HoldPurpose(models.TextChoices):
    """Why footage is kept past retention. Only evidential holds lock the footage away (9.6: "accessible by
    a school's CCTV system administrator only"); a hold for an open request stops erasure while the request
    is answered, and the footage stays reviewable by approved users under an authorisation (10.2)."""

    EVIDENTIAL = "evidential", "Evidence (9.6)"
    SUBJECT_ACCESS = "subject_access", "Open subject access request (10)"
    DISCLOSURE = "disclosure", "Open disclosure request (11)"
    COMPLAINT = "complaint", "Open complaint (17.1)"


class Hold(models.Model):
    """Keep footage of these cameras in this time range beyond retention: evidential holds placed and
    released by a CCTV administrator (9.6), and holds the system places while a request is open (10, 11).
    Every change audited."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("holds")
    cameras = models.ManyToManyField(Camera, related_name="holds")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.TextField()
    owner = fields.person_or_none()
    review_on = models.DateField()
    purpose = models.CharField(max_length=16, choices=HoldPurpose.choices, default=HoldPurpose.EVIDENTIAL)
    placed_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = fields.person_or_none()

    objects = HoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return f"Hold {self.pk}: {self.start:%Y-%m-%d %H:%M}–{self.end:%Y-%m-%d %H:%M}"


class StreamState(models.TextChoices):
    RECORDING = "recording", "Recording"
    CONNECTING = "connecting", "Connecting"
    RECONNECTING = "reconnecting", "Reconnecting"
    OFFLINE = "offline", "Offline"
    NOT_ALLOWED = "not_allowed", "Not allowed"


class CameraState(models.Model):
    """What the recorder is doing with a camera, refreshed every few seconds while it runs."""

    SCHOOL_LOOKUP = "camera__school"

    camera = models.OneToOneField(Camera, on_delete=models.CASCADE, primary_key=True, related_name="+")
    state = models.CharField(max_length=16, choices=StreamState.choices)
    since = models.DateTimeField()
    detail = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.camera_id}: {self.state}"


class ErasureKind(models.TextChoices):
    CAMERA = "camera", "Camera decommissioned"
    STORAGE = "storage", "Storage device decommissioned"


class ErasureCertificate(models.Model):
    """13.1 "erased before disposal": what one erasure for a decommissioned camera or storage device
    destroyed, checked after the fact (recording/erasure.py). The PDF is drawn from this row
    (recording/erasure_pdf.py), so the record and the paper say the same. Rows are never changed."""

    SCHOOL_LOOKUP = "school"

    kind = models.CharField(max_length=16, choices=ErasureKind.choices)
    school = fields.school_or_none("erasure_certificates")  # None: a storage device of several schools
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    storage_root = models.CharField(max_length=500, blank=True)
    reason = models.TextField()
    erased_at = models.DateTimeField()
    by = fields.person_or_none()
    by_name = models.CharField(max_length=150)
    segments_erased = models.PositiveIntegerField(help_text="Recordings whose key was destroyed.")
    bytes_erased = models.PositiveBigIntegerField()
    files_deleted = models.PositiveIntegerField(help_text="Encrypted files deleted from the device.")
    files_without_key = models.PositiveIntegerField(
        default=0, help_text="Files on the device whose key had already been destroyed (already unreadable)."
    )
    footage_from = models.DateTimeField(null=True, blank=True)
    footage_to = models.DateTimeField(null=True, blank=True)
    cameras = models.JSONField(default=list, help_text="Per camera: name, count, from, to (UTC ISO).")
    kept_by_holds = models.PositiveIntegerField(default=0, help_text="Recordings kept: a hold covers them.")
    keys_remaining = models.PositiveIntegerField(
        help_text="Checked after erasure: keys still in the database."
    )
    files_remaining = models.PositiveIntegerField(
        help_text="Checked after erasure: files still on the device."
    )
    database = models.CharField(max_length=32, help_text="The database engine the keys were held in.")
    backup_retention_days = models.PositiveIntegerField()
    backups_expire_on = models.DateField(
        help_text="By this date every backup that held the keys has expired."
    )

    class Meta:
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"Erasure certificate {self.pk} ({self.kind}, {self.erased_at:%Y-%m-%d})"


class UploadStatus(models.TextChoices):
    RECEIVING = "receiving", "Uploading"
    IMPORTING = "importing", "Importing"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Not imported"
    ABANDONED = "abandoned", "Abandoned"


class DvrUpload(models.Model):
    """A minibus DVR file uploaded through the web (5.2; issue 16 §3; design/recording.md, "DVR upload").
    It arrives in pieces, each sealed as it arrives (DvrUploadPiece), so no plaintext of it is ever on
    disk; once whole, a job imports it as `watchkeeper import-dvr` would, all or nothing, and destroys the
    pieces."""

    SCHOOL_LOOKUP = "school"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    school = fields.school("dvr_uploads")
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="dvr_uploads")
    created_by = fields.person()
    created_at = models.DateTimeField()
    filename = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(help_text="Bytes the file holds, as the browser declared it.")
    clock_offset_ms = models.IntegerField(help_text="The DVR's clock minus the true time (9.3).")
    start = models.DateTimeField(null=True, blank=True, help_text="When the file starts on the DVR's clock.")
    status = models.CharField(max_length=16, choices=UploadStatus.choices, default=UploadStatus.RECEIVING)
    message = models.TextField(blank=True, help_text="What the import did, or why it did not.")
    job_task_id = models.CharField(max_length=64, blank=True)
    last_piece_at = models.DateTimeField(
        null=True, blank=True, help_text="When its last piece arrived: an upload left too long is abandoned."
    )
    finished_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was imported, refused or abandoned."
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class DvrUploadPiece(models.Model):
    """One piece of an upload, sealed under its own key wrapped by the school key: the row holds the key,
    the uploads store the ciphertext. Destroying the row's key first makes the piece unreadable at once."""

    upload = models.ForeignKey(DvrUpload, on_delete=models.CASCADE, related_name="pieces")
    index = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    wrapped_key = models.BinaryField(null=True)
    key_id = models.CharField(max_length=64)

    class Meta:
        ordering = ["upload", "index"]
        constraints = [models.UniqueConstraint(fields=["upload", "index"], name="one_piece_per_index")]

    def __str__(self) -> str:
        return f"{self.upload_id} piece {self.index}"


class FrameState(models.TextChoices):
    QUEUED = "queued", "Asked for: waiting for the job worker"
    TAKING = "taking", "Being taken from the camera"
    READY = "ready", "Ready to show, sealed"
    FAILED = "failed", "No picture"
    SHOWN = "shown", "Shown (and deleted)"


class ReferenceFrame(models.Model):
    """A picture asked of a camera for the privacy-zone editor (5.3; issue 14 §5): the web process asks,
    the job worker takes it from the camera and keeps it sealed for a few minutes, and it is shown once
    (recording/reference_frames.py). The web process never connects to a camera."""

    SCHOOL_LOOKUP = "camera__school"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # not guessable
    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="+")
    requested_by = fields.person()
    requested_at = models.DateTimeField()
    # The privacy zones blacked out in it (8.1), fixed when it was asked for; `whole`: the camera had zones
    # and they were not applied (asked by an approved live viewer, who alone may see it).
    zones = models.JSONField(default=list, blank=True)
    whole = models.BooleanField(default=False)
    state = models.CharField(max_length=16, choices=FrameState.choices, default=FrameState.QUEUED)
    taken_at = models.DateTimeField(null=True, blank=True)
    problem = models.CharField(max_length=300, blank=True)
    # The sealed JPEG (storage app): its key wrapped by the school key `key_id`.
    key_id = models.CharField(max_length=64, blank=True)
    wrapped_key = models.BinaryField(null=True, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["requested_at"], name="reference_frame_asked")]

    def __str__(self) -> str:
        return f"Reference frame of camera {self.camera_id} ({self.state})"
