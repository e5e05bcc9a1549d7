"""The kinds of notice a person may choose to get or not (issue 15 §3), in plain words.

A service names its kind when it calls notices.services.notify. A kind not listed here is still sent (another
app's new event) and falls under OTHER on the preferences page. Statutory deadlines are sent whatever the
person chose: they are not a kind one can switch off.
"""

from __future__ import annotations

VIEWING = "viewing.requested"
DOWNLOAD = "evidence.requested"
DISCLOSURE = "disclosures.logged"
SAR = "subjectaccess.received"
MISUSE = "misuse.raised"
DEADLINE = "deadline"  # the 7-day, 1-day and overdue reminders of deadlines that are not statutory
OTHER = "other"

KINDS: dict[str, str] = {
    VIEWING: "A request to view recorded footage waits for your decision (9.2)",
    DOWNLOAD: "A request to download footage waits for your authorisation (9.5)",
    DISCLOSURE: "A police or outside-body request waits for your decision (11.3, 11.5)",
    SAR: "A subject access request has been received at your school (10.1)",
    MISUSE: "A misuse alert waits for you to look at (16)",
    DEADLINE: "Something in your inbox is due within 7 days, within 1 day, or overdue",
    OTHER: "Anything else that waits on you",
}

# Kinds that are always sent (statutory deadlines), so never a choice on the preferences page; their notice
# still says in plain words what waits, rather than falling back to OTHER's words.
ALWAYS_SENT: dict[str, str] = {
    "breach.reported": (
        "A personal data breach has been reported: decide whether to tell the ICO within 72 hours (15.1)"
    ),
    "breach.draft": (
        "Watchkeeper noticed a possible personal data breach and drafted its report: check it within 72 "
        "hours (15.1)"
    ),
    "complaints.recorded": "A complaint about the school's CCTV has been recorded (17.1)",
}


def choice_of(kind: str) -> str:
    """The preference that governs `kind`: itself when listed, else OTHER."""
    return kind if kind in KINDS else OTHER


def label(kind: str) -> str:
    return ALWAYS_SENT.get(kind) or KINDS[choice_of(kind)]
