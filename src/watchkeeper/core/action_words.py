"""Each permission action (core/permissions.py ACTIONS) in plain words, for refusals that people read: "You
may not read the CCTV log." rather than "You are not permitted to do this (evidence.log)" (issue 15 §5:
plain words, no code names). A test checks every action in ACTIONS has words."""

from __future__ import annotations

ACTION_WORDS: dict[str, str] = {
    "misuse.view": "see misuse alerts",
    "misuse.decide": "record the outcome of a misuse alert",
    "misuse.settings": "change the misuse alert settings",
    "reports.view": "see the DPO dashboard and annual report",
    "reports.evidence": "print the compliance evidence report",
    "reports.processing": "see the record of processing",
    "reviews.camera_review": "record a camera's yearly review",
    "reviews.policy_approve": "record the board's approval of the CCTV policy",
    "reviews.policy_manage": "upload CCTV policy versions",
    "reviews.policy_view": "see the CCTV policy versions",
    "estate.view": "see this school's cameras and places",
    "estate.change": "change cameras or minibuses",
    "estate.manage_schools": "add schools to the trust",
    "estate.confirm_not_private": "confirm that a camera's place is not private",
    "compliance.view": "read the compliance registers",
    "compliance.change": "change the compliance registers",
    "compliance.approve_dpia": "approve a DPIA",
    "compliance.settings": "change the DPO's settings",
    "people.view": "see the staff list",
    "people.manage": "manage staff accounts",
    "people.grant": "grant roles",
    "training.record": "record training",
    "people.decide_rerouted": "decide requests passed on from another person",
    "people.nominate": "nominate alternates",
    "recording.hold": "place or release holds on footage",
    "recording.import": "import minibus footage",
    "recording.status": "see the recording status",
    "maintenance.record": "record camera maintenance",
    "viewing.request": "ask to view recorded footage",
    "viewing.decide": "decide footage requests",
    "viewing.live": "watch live cameras",
    "redaction.review": "review redactions",
    "evidence.log": "read the CCTV log",
    "evidence.request": "ask for a download of footage",
    "evidence.authorise": "authorise downloads",
    "evidence.fetch": "fetch stored copies",
    "evidence.extend": "keep copies longer",
    "audit.view": "read the audit log",
    "audit.export_head": "download the signed audit head",
    "jobs.view": "see the background jobs",
    "sar.view": "see subject access requests",
    "sar.handle": "handle subject access requests",
    "sar.review": "review footage for subject access requests",
    "sar.release_unredacted": "release an unredacted copy",
    "sar.sign_off_release": "sign off an unredacted copy",
    "sar.safeguarding_check": "record the designated safeguarding lead's check of a request made for a child",
    "disclosures.view": "see disclosure requests",
    "disclosures.manage": "log or change disclosure requests",
    "disclosures.decide": "decide disclosure requests",
    "disclosures.advise": "advise on disclosure requests",
    "disclosures.review": "review footage for disclosure requests",
    "disclosures.record": "record disclosures",
    "disclosures.register": "read the disclosure register",
    "complaints.view": "see complaints",
    "complaints.handle": "handle complaints",
    "complaints.decide": "decide complaints",
    "breaches.report": "report a breach",
    "breaches.view": "see breaches",
    "breaches.decide": "decide what a breach needs",
    "breaches.register": "read the breach register",
}


def not_permitted(*actions: str) -> str:
    """The refusal for someone who holds none of `actions`, in words, without the actions' code names."""
    doing = " or ".join(ACTION_WORDS.get(action, "do this") for action in actions) or "do this"
    return f"Your roles do not allow you to {doing}."
