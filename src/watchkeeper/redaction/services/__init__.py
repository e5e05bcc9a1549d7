"""Redaction review (10.2, 10.3, 10.4.1, 16; design/redaction.md "Review", "Storage", "Permissions").

A reviewer with an approved viewing authorisation picks a camera and a window inside it; a job decrypts the
master segments into a private temp dir, joins them by stream copy and asks the engine for proposed tracks.
The reviewer keeps the data subject's track(s), adds or extends manual boxes, chooses blur / pixelate /
fill, previews (another job renders the copy) and approves — only a preview rendered from the current
decisions can be approved, and only an approved redaction can leave in an export. The master is never
changed; the rendered copy is sealed at rest with its own key, wrapped by the school key. Every decision is
an audit event.

Modules, in the order a redaction goes through them: `access` (who may work on one; its audit events),
`starting` (start, queue a job), `jobs` (the jobs' bodies), `tracks` (the proposal and decisions, pure),
`decisions` (the reviewer's), `approval` (preview, approve, discard, the report), `outputs` (playing the
copy, the export hook, thumbnails) and `files` (every file the app writes or reads).
"""

from watchkeeper.redaction.services.access import REVIEW, check_reviewer, why_not_reviewer
from watchkeeper.redaction.services.approval import (
    approve,
    build_report,
    discard,
    output_name,
    request_preview,
)
from watchkeeper.redaction.services.decisions import (
    ManualBox,
    add_manual,
    delete_manual,
    extend_manual,
    set_group_keep,
    set_keep,
    set_mode,
)
from watchkeeper.redaction.services.files import BLOB_SUFFIX, output_plaintext, storage_dir
from watchkeeper.redaction.services.groups import Group, review_groups
from watchkeeper.redaction.services.jobs import (
    Progress,
    RedactionJobFailed,
    master_video,
    run_proposal,
    run_render,
)
from watchkeeper.redaction.services.outputs import (
    ONLY_APPROVED,
    OUTPUT_SERVED,
    RedactedCopy,
    open_output,
    redacted_copy,
    track_thumbnail,
)
from watchkeeper.redaction.services.starting import MAX_WINDOW, queue_job, start_redaction
from watchkeeper.redaction.services.tracks import (
    box_dict,
    decisions,
    decisions_digest,
    find_track,
    fps_of,
    manual_tracks,
    preview_is_current,
    proposed_tracks,
    track_boxes,
    track_summary,
)

__all__ = [
    "BLOB_SUFFIX",
    "Group",
    "MAX_WINDOW",
    "ONLY_APPROVED",
    "OUTPUT_SERVED",
    "REVIEW",
    "ManualBox",
    "Progress",
    "RedactedCopy",
    "RedactionJobFailed",
    "add_manual",
    "approve",
    "box_dict",
    "build_report",
    "check_reviewer",
    "decisions",
    "decisions_digest",
    "delete_manual",
    "discard",
    "extend_manual",
    "find_track",
    "fps_of",
    "manual_tracks",
    "master_video",
    "open_output",
    "output_name",
    "output_plaintext",
    "preview_is_current",
    "proposed_tracks",
    "queue_job",
    "redacted_copy",
    "request_preview",
    "run_proposal",
    "run_render",
    "review_groups",
    "set_group_keep",
    "set_keep",
    "set_mode",
    "start_redaction",
    "storage_dir",
    "track_boxes",
    "track_summary",
    "track_thumbnail",
    "why_not_reviewer",
]
