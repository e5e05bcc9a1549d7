"""Differences the DPO should know: where the policy (2022) and the law or guidance as they stand today part,
and what Watchkeeper does about each. Shown on the compliance report (the dashboard's compliance panel) in
plain words with the clause; the fix is the trust's, at the policy's yearly review (18.1).

The note on section 29 of the 1998 Act lives with the police requests it concerns (disclosures.S29_NOTE,
shown beside every police decision); this list shows it again beside the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from watchkeeper.core.clauses import enforces
from watchkeeper.core.dates import uk_date
from watchkeeper.estate.models import MAX_RETENTION_DAYS

# DPA 2018 s164A (complaints to the controller), inserted by the Data (Use and Access) Act 2025 s103.
COMPLAINTS_DUTY_FROM = date(2026, 6, 19)
HOME_OFFICE_RETENTION_DAYS = 31


@dataclass(frozen=True)
class Difference:
    clause: str  # the policy clause that differs
    title: str
    words: str  # plain words: what differs and what Watchkeeper does


# 15.1 asks for a breach to be reported only where images of children are compromised and the breach is a
# risk to rights and freedoms; UK GDPR Art 33(5) asks the trust to document every breach. Shown on the
# compliance report and beside the breach register (breaches app).
BREACH_DIFFERENCE = Difference(
    "15.1",
    "Breaches: the policy covers fewer than the law",
    "15.1 speaks only of images of children compromised in a breach that is a risk to people's rights and "
    "freedoms. The law (UK GDPR Art 33(5)) asks the trust to document every personal data breach — of "
    "anyone's images, and whether or not the ICO is told — with its facts, effects and the action taken; "
    "Art 33(1) asks the ICO to be told within 72 hours of awareness unless the breach is unlikely to result "
    "in a risk, and Art 34 asks the people affected to be told when the risk is high. Watchkeeper records "
    "every breach reported, and every decision with its reasons. Widen 15.1 at its next review (18.1).",
)


@enforces("11.3", "13.1", "15.1", "17.1", "R24", "R29")
def differences(today: date) -> list[Difference]:
    from watchkeeper.disclosures.services.common import S29_NOTE  # the note shown beside police decisions

    return [
        Difference("11.3", "Police requests: the 1998 Act is repealed", S29_NOTE),
        Difference(
            "13.1",
            f"Retention: {MAX_RETENTION_DAYS} days in the policy, {HOME_OFFICE_RETENTION_DAYS} in "
            "Home Office guidance",
            f"13.1 keeps recordings for at most {MAX_RETENTION_DAYS} days, and Watchkeeper enforces "
            f"{MAX_RETENTION_DAYS}. Home Office guidance for CCTV that the police may need recommends "
            f"{HOME_OFFICE_RETENTION_DAYS} days. Watchkeeper keeps the policy's {MAX_RETENTION_DAYS} as the "
            "maximum; a longer period would need the policy changed first.",
        ),
        BREACH_DIFFERENCE,
        Difference(
            "17.1", "Complaints: the policy (2022) predates the duty of DPA 2018 s164A", _complaints(today)
        ),
    ]


def _complaints(today: date) -> str:
    when = "Since" if today >= COMPLAINTS_DUTY_FROM else "From"
    return (
        f"17.1 sends complaints to the Trust's Complaints Policy and Grievance Procedure. {when} "
        f"{uk_date(COMPLAINTS_DUTY_FROM)} the Data Protection Act 2018 s164A (added by the Data (Use and "
        "Access) Act 2025) also requires the trust to make it easy to complain about how it uses personal "
        "information, for example with an electronic complaint form; to acknowledge a complaint within 30 "
        "days; to look into it and keep the person told of progress without undue delay; and to tell them "
        "the outcome and that they may complain to the Information Commissioner. The policy does not say "
        "this: update 17.1 at its next review (18.1). Meanwhile Watchkeeper's complaints register runs that "
        "clock for every data-protection complaint staff record, however it arrived, and its outcome letter "
        "names the Information Commissioner."
    )
