"""The response letter to the requester (10.3, 10.4; UK GDPR Art 15, 12; design/subjectaccess.md): what was
searched, what was found, what is provided, how other people were protected, and the requester's rights,
including the right to complain to the Information Commissioner. Built from the case's recorded decisions
only, so the letter says exactly what the file shows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Q

from watchkeeper.core.dates import uk_date, uk_datetime
from watchkeeper.core.pdf import letter_pdf
from watchkeeper.core.release_terms import no_social_media
from watchkeeper.estate.models import School
from watchkeeper.people.models import Role, RoleGrant
from watchkeeper.subjectaccess.models import (
    CaseStatus,
    Clip,
    OtherPersonBasis,
    Provision,
    SubjectAccessRequest,
)

ICO = (
    "If you are unhappy with how we have handled your request you may ask our Data Protection Officer to "
    "review it, and you have the right to complain to the Information Commissioner's Office (ICO), "
    "Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF, telephone 0303 123 1113, "
    "www.ico.org.uk/make-a-complaint. "
    "You may also seek to enforce your rights through the courts."
)
RIGHTS = (
    "Your rights. Under the UK GDPR you may ask us to correct inaccurate information about you (Art 16), to "
    "erase it (Art 17), to restrict how we use it (Art 18), and you may object to our use of it (Art 21). "
    "Our CCTV footage is normally kept for no more than 30 days (policy 13.1); copies made for subject "
    "access requests are kept for six months and then destroyed (13.2)."
)


def _local(moment: datetime) -> str:
    return uk_datetime(moment)


def _footage_time(moment: datetime) -> str:
    """Footage times to the second (UK time): clips are often seconds long."""
    return uk_datetime(moment, seconds=True)


def _clip_line(clip: Clip) -> str:
    line = f"{clip.camera.name}, {_footage_time(clip.start)} to {_footage_time(clip.end)} (UK time): "
    if clip.provision == Provision.NOT_FOUND:
        return line + "we reviewed this footage and you do not appear in it."
    if clip.provision == Provision.VIEWING:
        when = f" on {_local(clip.appointment_at)}" if clip.appointment_at else ""
        line += f"you appear alone; we offer you an appointment to view it in school{when} (policy 10.3)."
        if clip.attended_by:
            line += f" Present at the viewing: {clip.attended_by}."
        return line
    if clip.provision == Provision.STILL:
        moment = f", taken at {_footage_time(clip.still_at)}" if clip.still_at else ""
        line += f"you appear in one scene only; we provide a still image of it{moment} (policy 10.3)."
    else:
        line += "we provide a copy of this footage."
    return line + _others_text(clip)


def _others_text(clip: Clip) -> str:
    others = list(clip.others.all())
    if clip.only_requester or not others:
        return ""
    texts = []
    bases = {o.basis for o in others}
    if OtherPersonBasis.REDACTED in bases:
        texts.append(
            "Other people appear in it: to protect their privacy we have obscured them (blurred or masked) "
            "so they cannot be identified (policy 10.4.1)."
        )
    if OtherPersonBasis.CONSENT in bases:
        texts.append(
            "Some other people who appear have consented to their images being disclosed to you (10.4.2)."
        )
    if OtherPersonBasis.REASONABLE in bases:
        texts.append(
            "Some other people who appear are shown unobscured because, having weighed the factors the Data "
            "Protection Act 2018 (Schedule 2, Part 3, paragraph 16) sets out, we decided it is reasonable to "
            "disclose their images to you without their consent (10.4.3)."
        )
    return " " + " ".join(texts)


def paragraphs(case: SubjectAccessRequest, today: date) -> list[str]:
    cameras = ", ".join(c.name for c in case.cameras.order_by("name"))
    opening = [
        f"Dear {case.requester_name},",
        f"Our reference: {case.reference}. Thank you for your request, received on "
        f"{uk_date(case.received_on)}, for the CCTV images of you recorded by {case.school.name} "
        "(UK GDPR Article 15; our CCTV policy 10.1).",
        f"What we searched. Cameras: {cameras}; "
        + "; ".join(f"from {_footage_time(w.start)} to {_footage_time(w.end)}" for w in case.windows())
        + f" (UK time). We looked for the person you described: {case.description.rstrip('. ')}.",
    ]
    if case.extension_months:
        opening.append(
            f"As we told you on {uk_date(case.extension_notified_on)}, your request was complex and we "
            f"extended the time to respond by {case.extension_months} month(s) (UK GDPR Article 12(3))."
        )
    if case.status == CaseStatus.REFUSED:
        body = [
            "Our decision. We have refused your request because it is manifestly unfounded or excessive "
            f"(UK GDPR Article 12(5)): {case.outcome_note}"
        ]
    else:
        clips = list(case.clips.select_related("camera").prefetch_related("others"))
        found = [c for c in clips if c.provision != Provision.NOT_FOUND]
        body = [
            "What we found. "
            + (
                "You appear in the footage below."
                if found
                else "You do not appear in the footage we reviewed."
            )
        ]
        body += [f"• {_clip_line(clip)}" for clip in clips] or [
            "• No footage was found for the cameras and times described."
        ]
        if any(c.provision in (Provision.COPY, Provision.STILL) for c in found):
            body.append(
                "What we provide. Each copy or still is sent as an encrypted, sealed package; the password "
                "reaches you separately from the package (policy 11.6). Its manifest lets anyone check it "
                "has not been altered."
            )
        if found:
            # 11.4: every release of images carries the prohibition, a viewing in school included.
            body.append(no_social_media("The images we provide or show you, and any copy of them,"))
    return [*opening, *body, RIGHTS, ICO, "Yours sincerely,"]


# Whose role signs for the school, when the person printing holds several: the most senior first.
SIGNING_ROLES = (Role.HEADTEACHER, Role.DESIGNATED_PERSON, Role.SAR_HANDLER, Role.DPO)


def signatory(user: Any, school: School) -> str:
    """The person printing the letter, their role and the school: "Helen Head\nHeadteacher\nOak Primary"."""
    held = set(
        RoleGrant.objects.current()
        .filter(user=user)
        .filter(Q(school=school) | Q(school=None))
        .values_list("role", flat=True)
    )
    role = next((r.label for r in SIGNING_ROLES if r in held), "")
    name = user.get_full_name() or user.get_username()
    return "\n".join(part for part in (name, role, school.name) if part)


def response_letter(
    case: SubjectAccessRequest, today: date, *, address: str = "", signatory: str = ""
) -> bytes:
    """The letter, addressed to the requester (their name over `address`) and signed by `signatory`."""
    title = f"Your subject access request — {case.reference}"
    letterhead = f"{case.school.name}\n{case.school.address}".strip()
    lines = address.strip().splitlines()
    if lines and lines[0].strip().casefold() == case.requester_name.strip().casefold():
        lines = lines[1:]  # the address was typed with the name on top: print the name once
    recipient = "\n".join([case.requester_name, *lines]).strip()
    return letter_pdf(
        title,
        paragraphs(case, today),
        letterhead=letterhead,
        dated=today,
        recipient=recipient,
        signatory=signatory or case.school.name,
    )
