"""Disclosures to third parties (11.1–11.7; design/disclosures.md).

Police requests (11.2, 11.3) and requests from solicitors, courts, insurers and other outside bodies (11.5)
are logged by the school (requests.py), their footage reviewed by an approved user under a normal viewing
authorisation (review.py: 11.3 applies 10.2's process), possibly referred to the DPO (escalation.py), then
decided by the Headteacher (or a designated person, the nominated alternate) with a fresh authenticator
code (decision.py); an approval sends the footage through the evidence workflow
(evidence.services.request_download). Outside bodies' documents are stored encrypted (documents.py). FOI
requests (11.7) have their own clock (foi.py, closures.py, ../clock.py). Every disclosure, of any kind, is
in the register (register.py). Every change is audited in the same transaction. Services take `now` (or
`today`) from their caller.

Callers use `from watchkeeper.disclosures import services; services.decide(...)`: the public names of the
modules are re-exported here.
"""

from watchkeeper.disclosures.services.closures import add_closure, closure_problems, remove_closure
from watchkeeper.disclosures.services.common import (
    ADVISE,
    DECIDE,
    MANAGE,
    RECORD,
    REGISTER,
    RELEASE_CONDITIONS,
    REVIEW,
    S29_NOTE,
    VIEW,
)
from watchkeeper.disclosures.services.decision import (
    Decided,
    decide,
    decide_and_release,
    decision_problems,
    package_waits,
)
from watchkeeper.disclosures.services.documents import (
    ALLOWED_SUFFIXES,
    ALLOWED_TYPES,
    document_path,
    document_type_problem,
    documents_dir,
    open_document,
    upload_document,
)
from watchkeeper.disclosures.services.escalation import advise, escalate
from watchkeeper.disclosures.services.flags import FOIFlag, foi_flags, referred_to_dpo
from watchkeeper.disclosures.services.foi import (
    FOI_GUIDANCE,
    closures_for,
    decide_foi,
    foi_deadline,
    log_foi_request,
)
from watchkeeper.disclosures.services.register import export_register, record_disclosure, register_rows
from watchkeeper.disclosures.services.requests import (
    HOLD_REVIEW_DAYS,
    OUTSIDE_BASES,
    camera_purpose_problems,
    log_outside_request,
    log_police_request,
    outside_problems,
    police_problems,
)
from watchkeeper.disclosures.services.review import (
    finding_problems,
    record_finding,
    request_review,
    review_problems,
)

__all__ = [
    "ADVISE",
    "ALLOWED_SUFFIXES",
    "ALLOWED_TYPES",
    "DECIDE",
    "FOI_GUIDANCE",
    "HOLD_REVIEW_DAYS",
    "MANAGE",
    "OUTSIDE_BASES",
    "RECORD",
    "REGISTER",
    "RELEASE_CONDITIONS",
    "REVIEW",
    "S29_NOTE",
    "VIEW",
    "FOIFlag",
    "add_closure",
    "advise",
    "closure_problems",
    "closures_for",
    "Decided",
    "decide",
    "decide_and_release",
    "decide_foi",
    "decision_problems",
    "package_waits",
    "document_path",
    "document_type_problem",
    "documents_dir",
    "camera_purpose_problems",
    "escalate",
    "export_register",
    "finding_problems",
    "foi_deadline",
    "foi_flags",
    "log_foi_request",
    "log_outside_request",
    "log_police_request",
    "open_document",
    "outside_problems",
    "police_problems",
    "record_disclosure",
    "record_finding",
    "referred_to_dpo",
    "register_rows",
    "remove_closure",
    "request_review",
    "review_problems",
    "upload_document",
]
