"""Subject access requests (10.1–10.4; design/subjectaccess.md). Every change here, audited in the same
transaction; views, jobs and the demo call these functions, with the clock (`now`/`today`) passed in.

The moment a case is logged the system holds the described footage (9.6, 13.1) so retention cannot erase
it while the request is open; the hold's review date follows the statutory deadline, and the hold is
released (audited) when the case ends. The review (10.2) is a normal viewing authorisation with reason
"subject access request"; the outcome is recorded per clip (10.3) and per other person seen (10.4). Every
change of a case locks its row and checks the case's state on the re-read row (`common.lock_live`).

Sections: `intake` (logging, identity, the hold's review date), `pauses` (clarification, extension),
`review`, `clips` (the outcome per clip, the in-school viewing), `others` (other people seen), `closing`
(response, refusal, closure), `attest` (the reviewer's word that only the requester appears), `release`
(an unredacted copy: the Headteacher's decision, the DPO's sign-off), `package` (the sealed packages, one a
clip, authorised together with one password), `handover` (the response's packages in one file),
`reading` (flags, timeline).
"""

from watchkeeper.subjectaccess.services.attest import attest_only_requester, attestation_problems
from watchkeeper.subjectaccess.services.clips import clip_problems, record_clip, record_viewing_held
from watchkeeper.subjectaccess.services.closing import CLOSABLE, close, refuse, respond, response_problems
from watchkeeper.subjectaccess.services.common import HANDLE, LEGAL_BASIS, REVIEW, SAFEGUARD, VIEW
from watchkeeper.subjectaccess.services.handover import response_file, response_packages
from watchkeeper.subjectaccess.services.intake import add_window, confirm_identity, hold_review_on, log_case
from watchkeeper.subjectaccess.services.others import other_person_problems, record_other_person
from watchkeeper.subjectaccess.services.package import (
    authorise_response,
    awaiting_authorisation,
    package_problems,
    request_package,
)
from watchkeeper.subjectaccess.services.pauses import ask_clarification, clarification_received, extend
from watchkeeper.subjectaccess.services.public import (
    receive_from_public,
    record_child,
    record_safeguarding_check,
    safeguarding_problems,
)
from watchkeeper.subjectaccess.services.reading import (
    Flag,
    case_readers,
    flagged,
    flags_for,
    safeguarding_cases,
    timeline,
    visible_cases,
)
from watchkeeper.subjectaccess.services.release import release_problems, release_unredacted, sign_off_release
from watchkeeper.subjectaccess.services.review import needs_review, request_review, review_approved

__all__ = [
    "CLOSABLE",
    "HANDLE",
    "LEGAL_BASIS",
    "REVIEW",
    "SAFEGUARD",
    "VIEW",
    "Flag",
    "add_window",
    "attest_only_requester",
    "authorise_response",
    "awaiting_authorisation",
    "case_readers",
    "attestation_problems",
    "ask_clarification",
    "clarification_received",
    "clip_problems",
    "close",
    "confirm_identity",
    "extend",
    "flagged",
    "flags_for",
    "hold_review_on",
    "log_case",
    "needs_review",
    "other_person_problems",
    "package_problems",
    "receive_from_public",
    "record_child",
    "record_clip",
    "record_safeguarding_check",
    "record_other_person",
    "record_viewing_held",
    "refuse",
    "release_problems",
    "release_unredacted",
    "request_package",
    "request_review",
    "respond",
    "response_file",
    "response_packages",
    "response_problems",
    "safeguarding_cases",
    "safeguarding_problems",
    "review_approved",
    "sign_off_release",
    "timeline",
    "visible_cases",
]
