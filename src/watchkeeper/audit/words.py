"""Audit events in words for the people who read timelines (issue 15 §5): "Footage request approved by Helen
Head", not "viewing.approved". One mapping, used wherever a timeline or the audit log is drawn; the code stays
in the log itself (and its CSV export) and is shown small after the sentence, for whoever checks the record.

An action not listed here still reads as words: its app's noun and its verb ("subjectaccess.window_added"
reads "Subject access request: window added"), so a new event is never shown as a bare code.
"""

from __future__ import annotations

from typing import Any

# What each app's events are about, for actions without a sentence of their own.
SUBJECTS = {
    "audit": "Audit log",
    "breaches": "Breach",
    "complaints": "Complaint",
    "compliance": "Registers",
    "disclosures": "Disclosure request",
    "estate": "Estate",
    "evidence": "Download request",
    "health": "Camera health",
    "jobs": "Job",
    "notices": "E-mail notices",
    "people": "Account",
    "recording": "Recording",
    "redaction": "Redaction",
    "subjectaccess": "Subject access request",
    "viewing": "Footage request",
}

EVENT_WORDS = {
    # Viewing recorded and live footage (9.2, 8.1).
    "viewing.requested": "Footage request made",
    "viewing.approved": "Footage request approved",
    "viewing.declined": "Footage request declined",
    "viewing.second_factor_refused": "Footage decision refused: the code was wrong",
    "viewing.segment_served": "Footage watched",
    "viewing.segment_refused": "Footage refused to the viewer",
    "viewing.live_started": "Live view started",
    "viewing.live_ended": "Live view ended",
    "viewing.live_refused": "Live view refused",
    # Downloads and packages (9.5, 11.5, 13.2).
    "evidence.download_requested": "Download requested",
    "evidence.download_approved": "Download approved",
    "evidence.download_refused": "Download refused",
    "evidence.download_withdrawn": "Download request withdrawn",
    "evidence.download_reissued": "Download package rebuilt",
    "evidence.second_factor_refused": "Download decision refused: the code was wrong",
    "evidence.package_built": "Sealed package built",
    "evidence.package_failed": "Sealed package could not be built",
    "evidence.burned_copy_queued": "Playable copy queued",
    "evidence.burned_copy_built": "Playable copy made",
    "evidence.burned_copy_failed": "Playable copy could not be made",
    "evidence.copy_fetched": "Copy downloaded",
    "evidence.copy_viewed": "Copy opened",
    "evidence.copy_extended": "Copy kept longer",
    "evidence.copy_deleted": "Copy deleted",
    "evidence.copy_due": "Copy due for deletion",
    "evidence.copy_overdue": "Copy overdue for deletion",
    "evidence.copy_handed_over": "Copy handed over",
    "evidence.copy_reported_lost": "Copy reported lost (a breach draft for the DPO)",
    "evidence.password_reported_with_file": (
        "Package password reported sent with the file (a breach draft for the DPO)"
    ),
    "evidence.held_footage_released": "Held footage released for use",
    "evidence.log_exported": "CCTV log exported",
    # Redaction (10.3, 10.4).
    "redaction.started": "Redaction started",
    "redaction.proposed": "Redaction proposed (people found and blurred)",
    "redaction.rendered": "Redacted copy made",
    "redaction.approved": "Redaction approved",
    "redaction.refused": "Redaction refused",
    "redaction.discarded": "Redaction discarded",
    "redaction.failed": "Redaction could not be finished",
    "redaction.preview_requested": "Redaction preview asked for",
    "redaction.preview_purged": "Redaction preview removed",
    "redaction.copy_purged": "Approved redacted copy removed (its packages are deleted)",
    "redaction.output_served": "Redacted copy downloaded",
    "redaction.track_kept": "Person left visible in the redaction",
    "redaction.track_unkept": "Person blurred again in the redaction",
    "redaction.manual_added": "Area blurred by hand",
    "redaction.manual_extended": "Hand-drawn blur extended",
    "redaction.manual_deleted": "Hand-drawn blur removed",
    "redaction.mode_changed": "Redaction style changed",
    # Subject access (10.2).
    "subjectaccess.logged": "Subject access request logged",
    "subjectaccess.identity_confirmed": "Requester's identity confirmed",
    "subjectaccess.clarification_asked": "Clarification asked of the requester",
    "subjectaccess.clarification_received": "Clarification received",
    "subjectaccess.window_added": "Time window added",
    "subjectaccess.review_requested": "Footage review asked for",
    "subjectaccess.viewing_held": "Footage reviewed",
    "subjectaccess.clip_decided": "Clip decided",
    "subjectaccess.other_person_decided": "Other person in the footage decided",
    "subjectaccess.only_requester_attested": "Confirmed only the requester is seen",
    "subjectaccess.package_requested": "Response package asked for",
    "subjectaccess.unredacted_release_decided": "Unredacted copy decided",
    "subjectaccess.unredacted_release_signed_off": "Unredacted copy signed off by the DPO",
    "subjectaccess.release_code_refused": "Unredacted copy decision refused: the code was wrong",
    "subjectaccess.signoff_code_refused": "DPO sign-off refused: the code was wrong",
    "subjectaccess.extended": "Deadline extended",
    "subjectaccess.responded": "Response sent",
    "subjectaccess.response_fetched": "Response handed over",
    "subjectaccess.refused": "Subject access request refused",
    "subjectaccess.closed": "Subject access request closed",
    # Disclosures (11).
    "disclosures.request_logged": "Disclosure request logged",
    "disclosures.review_requested": "Footage review asked for",
    "disclosures.review_finding_recorded": "Review finding recorded",
    "disclosures.request_approved": "Disclosure approved",
    "disclosures.request_refused": "Disclosure refused",
    "disclosures.escalated_to_dpo": "Referred to the DPO",
    "disclosures.dpo_advised": "DPO's advice given",
    "disclosures.disclosure_recorded": "Disclosure recorded",
    "disclosures.document_uploaded": "Document attached",
    "disclosures.document_opened": "Document opened",
    "disclosures.foi_logged": "Freedom of information request logged",
    "disclosures.foi_decided": "Freedom of information request decided",
    "disclosures.second_factor_refused": "Disclosure decision refused: the code was wrong",
    "disclosures.register_exported": "Disclosure register exported",
    "disclosures.closure_added": "School closure added",
    "disclosures.closure_removed": "School closure removed",
    # Recording and holds (9.6, 13.1).
    "recording.hold_placed": "Footage hold placed",
    "recording.hold_reviewed": "Footage hold reviewed",
    "recording.hold_released": "Footage hold released",
    "recording.retention_sweep": "Old footage erased (retention)",
    "recording.erased_for_disposal": "Footage erased for disposal",
    "recording.dvr_imported": "Minibus footage imported",
    "recording.dvr_upload_started": "Minibus footage upload started",
    "recording.second_factor_refused": "Hold decision refused: the code was wrong",
    "recording.disk_pressure": "Storage running low",
    "health.alert_opened": "Camera alert raised",
    "health.alert_closed": "Camera alert cleared",
    "health.check_recorded": "Camera check recorded",
    "health.reference_set": "Camera reference picture set",
    # People and sign-in.
    "people.signed_in": "Signed in",
    "people.signed_out": "Signed out",
    "people.sign_in_failed": "Sign-in failed",
    "people.sign_in_reset": "Sign-in lock cleared",
    "people.password_changed": "Password changed",
    "people.second_factor_enrolled": "Authenticator set up",
    "people.passkey_added": "Passkey added",
    "people.passkey_removed": "Passkey removed",
    "people.sso_linked": "School Microsoft account linked",
    "people.sso_unlinked": "School Microsoft account unlinked",
    "people.staff_created": "Staff member added",
    "people.invitation_issued": "Invitation sent",
    "people.invitation_accepted": "Invitation accepted",
    "people.role_granted": "Role granted",
    "people.role_revoked": "Role removed",
    "people.role_lapsed": "Role lapsed",
    "people.roles_confirmed": "Role holders confirmed",
    "people.training_recorded": "Training recorded",
    "people.second_factor_reset": "Authenticator reset",
    "people.rerouted": "Decision passed to another person",
    "people.account_deactivated": "Account deactivated",
    "people.account_made_own": "Account made their own",
    "people.alternate_nominated": "Alternate nominated",
    "people.nomination_ended": "Nomination ended",
    "people.recused": "Stood aside from a decision",
    # Estate and registers.
    "estate.trust_created": "Trust set up",
    "estate.school_created": "School added",
    "estate.school_responsible_set": "School's responsible person set",
    "estate.camera_registered": "Camera registered",
    "estate.camera_updated": "Camera details changed",
    "estate.camera_status_changed": "Camera status changed",
    "estate.camera_responsible_set": "Camera's responsible person set",
    "estate.not_private_confirmed": "Camera place confirmed not private",
    "estate.privacy_zones_set": "Privacy zones drawn",
    "estate.reference_frame_requested": "Camera picture asked for",
    "estate.reference_frame_viewed": "Camera picture viewed",
    "estate.vehicle_registered": "Minibus registered",
    "compliance.dpia_created": "DPIA drafted",
    "compliance.dpia_approved": "DPIA approved",
    "compliance.dpia_superseded": "DPIA replaced",
    "compliance.dpia_cameras_set": "DPIA cameras set",
    "compliance.dpia_sharing_set": "DPIA sharing set",
    "compliance.dpia_document_attached": "DPIA document attached",
    "compliance.sign_registered": "Sign registered",
    "compliance.sign_checked": "Sign checked",
    "compliance.privacy_notice_recorded": "Privacy notice recorded",
    "compliance.trust_settings_changed": "DPO settings changed",
    "audit.exported": "Audit log exported",
    "audit.head_exported": "Audit head downloaded",
    "audit.head_emailed": "Audit head e-mailed to the DPO",
    "breaches.register_exported": "Breach register exported",
    "health.schedule_set": "Maintenance schedule set",
    "notices.choices_changed": "E-mail notice choices changed",
    # Retention of the registers and the public forms' own records (issue 18 §4).
    "reports.register_record_deleted": "Register record deleted at the end of its retention period",
    "public.rate_limit_cleared": "Public forms: senders' address digests cleared after the rate limit's hour",
}


def event_words(action: str) -> str:
    """What happened, in words, without who did it."""
    if action in EVENT_WORDS:
        return EVENT_WORDS[action]
    app, _, verb = action.partition(".")
    verb_words = verb.replace("_", " ").strip()
    subject = SUBJECTS.get(app, app.replace("_", " ").capitalize())
    return f"{subject}: {verb_words}" if verb_words else subject


def actor_words(event: Any) -> str:
    """Who did it: their name as it reads now, else the user name the log kept; the system for jobs."""
    if event.actor_name == "system":
        return "the system"
    actor = getattr(event, "actor", None)
    full = actor.get_full_name() if actor is not None else ""
    return full or event.actor_name


def sentence(event: Any) -> str:
    """ "Footage request approved by Helen Head"."""
    return f"{event_words(event.action)} by {actor_words(event)}"
