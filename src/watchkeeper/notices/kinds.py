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
DEADLINE = "deadline"  # the 7-day, 1-day and overdue reminders of deadlines that are not statutory
OTHER = "other"

KINDS: dict[str, str] = {
    VIEWING: "A request to view recorded footage waits for your decision (9.2)",
    DOWNLOAD: "A request to download footage waits for your authorisation (9.5)",
    DISCLOSURE: "A police or outside-body request waits for your decision (11.3, 11.5)",
    SAR: "A subject access request has been received at your school (10.1)",
    DEADLINE: "Something in your inbox is due within 7 days, within 1 day, or overdue",
    OTHER: "Anything else that waits on you",
}


def choice_of(kind: str) -> str:
    """The preference that governs `kind`: itself when listed, else OTHER."""
    return kind if kind in KINDS else OTHER


def label(kind: str) -> str:
    return KINDS[choice_of(kind)]
