"""What the evidence services check and record: the permission actions (core/permissions.py) and the audit
actions (design/evidence.md "Audit events")."""

from __future__ import annotations

REQUEST, AUTHORISE, FETCH, EXTEND, LOG = (
    "evidence.request",
    "evidence.authorise",
    "evidence.fetch",
    "evidence.extend",
    "evidence.log",
)
REQUESTED, APPROVED, REFUSED, WITHDRAWN = (
    "evidence.download_requested",
    "evidence.download_approved",
    "evidence.download_refused",
    "evidence.download_withdrawn",
)
REISSUED, SECOND_FACTOR_REFUSED = "evidence.download_reissued", "evidence.second_factor_refused"
PACKAGE_BUILT, PACKAGE_FAILED = "evidence.package_built", "evidence.package_failed"
COPY_FETCHED, COPY_VIEWED, COPY_EXTENDED = (
    "evidence.copy_fetched",
    "evidence.copy_viewed",
    "evidence.copy_extended",
)
COPY_DELETED, COPY_DUE, COPY_OVERDUE = "evidence.copy_deleted", "evidence.copy_due", "evidence.copy_overdue"
LOG_EXPORTED = "evidence.log_exported"
COPY_HANDED_OVER = "evidence.copy_handed_over"
COPY_REPORTED_LOST, PASSWORD_REPORTED_WITH_FILE = (
    "evidence.copy_reported_lost",
    "evidence.password_reported_with_file",
)
