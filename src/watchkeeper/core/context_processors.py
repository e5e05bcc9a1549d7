from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from watchkeeper.core.permissions import holds_any
from watchkeeper.people.two_person import set_by_others

# (label, url name, action needed to see the link). Links only guide: every view checks again on the server.
NAV = [
    ("Dashboard", "core:dashboard", "estate.view"),
    ("Schools", "estate:school_list", "estate.view"),
    ("Cameras", "estate:camera_list", "estate.view"),
    ("Minibuses", "estate:vehicle_list", "estate.view"),
    ("DPIAs", "compliance:dpia_list", "compliance.view"),
    ("Signs", "compliance:sign_list", "compliance.view"),
    ("Exceptions", "compliance:exceptions", "compliance.view"),
    ("Recording", "recording:health_list", "recording.status"),
    ("Staff", "people:staff_list", "people.view"),
    ("Re-routed decisions", "people:reroutings", "people.decide_rerouted"),
    ("Live", "viewing:live_grid", "viewing.live"),
    ("Footage", "viewing:authorisation_list", "viewing.request"),
    ("Footage requests", "viewing:authorisation_list", "viewing.decide"),
    ("Redactions", "redaction:list", "redaction.review"),
    ("Downloads", "evidence:request_list", "evidence.request"),
    ("CCTV log", "evidence:cctv_log", "evidence.log"),
    ("Holds", "recording:hold_list", "recording.hold"),
    ("Subject access", "subjectaccess:case_list", "sar.view"),
    ("SAR reviews", "subjectaccess:review_list", "sar.review"),
    ("Disclosures", "disclosures:index", "disclosures.view"),
    ("Disclosure reviews", "disclosures:review_list", "disclosures.review"),
    ("Audit log", "audit:event_list", "audit.view"),
    ("Jobs", "jobs:job_list", "jobs.view"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    return {
        "nav": [
            (label, url) for label, name, action in NAV if holds_any(user, action) and (url := _url(name))
        ],
        # 9.2, 9.5: the holder's notice while someone else's password or authenticator is in force.
        "account_not_own": " and ".join(s.get_credential_display() for s in set_by_others(user)),
    }


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""
