"""The outcome letter to the complainant (17.1; DPA 2018 s164A(4)(b)): what they complained of, the procedure
that handled it, what was done, the outcome, and their right to complain to the Information Commissioner.
Built from the complaint's record only, so the letter says what the file shows."""

from __future__ import annotations

from datetime import date

from watchkeeper.complaints.models import Complaint, StepKind, Subject
from watchkeeper.core.dates import uk_date
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.core.pdf import letter_pdf

ICO_CONTACT = (
    "Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF; telephone 0303 123 1113; "
    "www.ico.org.uk/make-a-complaint"
)


def ico(data_protection: bool) -> str:
    """The right to complain to the Information Commissioner (DPA 2018 s165), with the ICO's address."""
    about = (
        "with how we have handled your complaint about the use of your personal information"
        if data_protection
        else "and your complaint concerns how we use personal information about you"
    )
    return (
        f"Your right to complain to the Information Commissioner. If you are not satisfied {about}, you may "
        f"complain to the Information Commissioner's Office (ICO), {ICO_CONTACT}. You may also seek to "
        "enforce your rights through the courts."
    )


SUBJECT_WORDS: dict[str, str] = {Subject.CCTV: "the CCTV system", Subject.POLICY: "our CCTV policy"}


def paragraphs(complaint: Complaint) -> list[str]:
    reference = complaint.reference + (f" ({complaint.route_reference})" if complaint.route_reference else "")
    lines = [
        f"Dear {complaint.complainant_name},",
        f"Our reference: {reference}. Thank you for your complaint about "
        f"{SUBJECT_WORDS[complaint.subject]} at {complaint.school.name}, which reached "
        f"us on {uk_date(complaint.received_on)} ({complaint.get_channel_display().lower()}). It was "
        f"handled under {complaint.route} (our CCTV policy 17.1).",
    ]
    if complaint.acknowledged_on and complaint.acknowledged_on != complaint.outcome_on:
        lines.append(f"We acknowledged your complaint on {uk_date(complaint.acknowledged_on)}.")
    enquiries = sum(1 for step in complaint.steps.all() if step.kind == StepKind.ENQUIRY)
    if enquiries:
        lines.append(f"What we did. We made {enquiries} enquir{'y' if enquiries == 1 else 'ies'} into it.")
    lines += [
        f"Our decision. Your complaint is {complaint.get_outcome_display().lower()}. "
        + complaint.outcome_note,
        ico(complaint.data_protection),
        f"Yours sincerely,\n{complaint.school.name}",
    ]
    return lines


def outcome_letter(complaint: Complaint) -> bytes:
    """The letter as a PDF, dated the day the outcome was given; refused before there is an outcome."""
    if complaint.outcome_on is None:
        raise PolicyRefusal("17.1: record the outcome first — the letter tells the complainant what it is")
    day: date = complaint.outcome_on
    letterhead = f"{complaint.school.name}\n{complaint.school.address}".strip()
    return letter_pdf(
        f"Your complaint — {complaint.reference}",
        paragraphs(complaint),
        letterhead=letterhead,
        dated=day,
    )
