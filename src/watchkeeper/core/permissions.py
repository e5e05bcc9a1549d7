"""Who may do what, where: one `restrict(queryset, user, action)` for every queryset (design/roles.md).

An action is allowed at a school when the user holds, at that school, a current grant of a role listed
for the action, or holds such a role trust-wide (a grant with no school).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from watchkeeper.core.action_words import not_permitted
from watchkeeper.core.actors import Actor, Person, is_person, is_system
from watchkeeper.core.clauses import enforces
from watchkeeper.core.errors import PolicyRefusal, Refusal
from watchkeeper.people.models import TRAINING_REQUIRED_ROLES, Role, RoleGrant, TrainingRecord

R = Role
# Keep in step with design/roles.md, which gives the clause behind each line.
ACTIONS: dict[str, frozenset[Role]] = {
    # Estate: cameras, vehicles and their settings (5.1–5.4, 13.1).
    "estate.view": frozenset(
        {
            R.HEADTEACHER,
            R.DESIGNATED_PERSON,
            R.CCTV_ADMIN,
            R.LIVE_VIEWER,
            R.FOOTAGE_REVIEWER,
            R.SAR_HANDLER,
            R.DPO,
            R.BOARD_MEMBER,
            R.IG_GROUP,
        }
    ),
    "estate.change": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.CCTV_ADMIN}),
    # Adding a school to the trust: the DPO, who monitors every school's compliance (3.5).
    "estate.manage_schools": frozenset({R.DPO}),
    # Confirming that a camera's place of type "other" is not a place of privacy (5.4): the DPO (3.5).
    "estate.confirm_not_private": frozenset({R.DPO}),
    # Compliance registers (6.1, 7.1–7.3, 18.1): read by governance, kept by the school;
    # DPIAs approved by the DPO.
    "compliance.view": frozenset(
        {R.HEADTEACHER, R.DESIGNATED_PERSON, R.CCTV_ADMIN, R.DPO, R.BOARD_MEMBER, R.IG_GROUP}
    ),
    "compliance.change": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.CCTV_ADMIN, R.DPO}),
    "compliance.approve_dpia": frozenset({R.DPO}),
    # The DPO's trust-wide settings (3.5, 18.1; DPA 2018 Sch 1): the Art 9/10 conditions, the appropriate
    # policy document, what an overdue review does. Held trust-wide: a school-level grant gives nothing.
    "compliance.settings": frozenset({R.DPO}),
    # People and authority (3.2, 8.1, 14.1).
    "people.view": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.DPO}),
    "people.manage": frozenset({R.HEADTEACHER, R.DPO}),
    "people.grant": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.DPO}),
    "training.record": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.DPO}),
    # The two-person rule across accounts (9.2, 9.5): a request whose asker's account someone else could act
    # as (people/two_person.py) may also be decided by the DPO, who sees every such re-routing.
    "people.decide_rerouted": frozenset({R.DPO}),
    # 9.2, Appendix I: the Headteacher nominates alternates (designated persons) to decide in their place
    # (people/deciders.py); the DPO sees every nomination through people.view.
    "people.nominate": frozenset({R.HEADTEACHER}),
    # Recording (9.6, 12.1, 13.1): evidential holds are the CCTV administrator's alone; camera health and
    # storage are watched by the people responsible for the system.
    "recording.hold": frozenset({R.CCTV_ADMIN}),
    # Importing a minibus DVR's footage (5.2) is handling stored footage: the CCTV administrator's (9.6).
    "recording.import": frozenset({R.CCTV_ADMIN}),
    "recording.status": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.CCTV_ADMIN, R.DPO}),
    # 12.1: manual checks and the schedule saying how often each is due.
    "maintenance.record": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.CCTV_ADMIN}),
    # Recorded footage (9.2, 9.4): a footage reviewer asks; the Headteacher or a designated person decides
    # (never on their own request). Held footage is the CCTV administrator's alone (9.6, recording.hold).
    "viewing.request": frozenset({R.FOOTAGE_REVIEWER, R.CCTV_ADMIN}),
    "viewing.decide": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON}),
    # Live view (8.1, 8.2): employees a Headteacher or designated person approved as live viewers.
    "viewing.live": frozenset({R.LIVE_VIEWER}),
    # Redaction review (10.2, 10.3, 10.4.1): the approved users who review footage for a request; they
    # also need their own approved viewing authorisation for the footage (viewing.request, 9.2).
    "redaction.review": frozenset({R.FOOTAGE_REVIEWER, R.CCTV_ADMIN, R.SAR_HANDLER}),
    # The CCTV log of downloads (9.5, Appendix I): kept secure, for the people who run the system.
    "evidence.log": frozenset({R.HEADTEACHER, R.CCTV_ADMIN, R.DPO}),
    # Download requests (9.5, 11.3, 11.5, 11.6): asked for by the people who handle footage and requests;
    # authorised (and deletion authorised) by the Headteacher or a designated person with a second factor;
    # stored copies fetched by them and the CCTV administrator; kept longer (13.2) by the Headteacher or DPO.
    "evidence.request": frozenset(
        {R.FOOTAGE_REVIEWER, R.CCTV_ADMIN, R.HEADTEACHER, R.DESIGNATED_PERSON, R.SAR_HANDLER}
    ),
    "evidence.authorise": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON}),
    "evidence.fetch": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.CCTV_ADMIN}),
    "evidence.extend": frozenset({R.HEADTEACHER, R.DPO}),
    # The audit log (16): the DPO for the trust, a Headteacher for their own school.
    "audit.view": frozenset({R.HEADTEACHER, R.DPO}),
    # The signed head of the whole trust's chain, kept outside the database (R10): the DPO.
    "audit.export_head": frozenset({R.DPO}),
    # Background jobs (retention sweeps 13.1, disk pressure): the people who run the system.
    "jobs.view": frozenset({R.HEADTEACHER, R.CCTV_ADMIN, R.DPO}),
    # Subject access requests (10.2): the Headteacher and their nominated person (the SAR handler, or a
    # designated person) handle them; the DPO sees every school's. The footage is reviewed by approved
    # users (a footage reviewer or the CCTV administrator) through a viewing authorisation; the case's hold
    # is a subject-access hold, which stops erasure without locking the footage away as evidence (9.6).
    "sar.view": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.SAR_HANDLER, R.DPO}),
    "sar.handle": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.SAR_HANDLER}),
    "sar.review": frozenset({R.FOOTAGE_REVIEWER, R.CCTV_ADMIN}),
    # An unredacted copy for the requester (10.4.2, 10.4.3): the Headteacher decides, with a fresh code;
    # the DPO signs off where another person in it is a child.
    # The Headteacher, or a designated person nominated for downloads (people/deciders.py checks which).
    "sar.release_unredacted": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON}),
    "sar.sign_off_release": frozenset({R.DPO}),
    # A request made for someone else (a child, usually): the school's designated safeguarding lead checks
    # the case before anything is released (DPA 2018 Sch 3 Part 5), and sees only such cases
    # (subjectaccess.services.reading.visible_cases). The SAR handler cannot record it for them.
    "sar.safeguarding_check": frozenset({R.SAFEGUARDING_LEAD}),
    # Disclosures to third parties (11.1–11.7): the school logs police, outside-body and FOI requests; the
    # Headteacher or nominated alternate (designated person) decides; the DPO sees every school's, advises
    # on referred cases (11.5) and reads the register (11.1) with the people who run the system. Approved
    # users (footage reviewer, CCTV administrator) review the footage before the decision (11.3, 10.2).
    "disclosures.view": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.CCTV_ADMIN, R.DPO}),
    "disclosures.manage": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.CCTV_ADMIN}),
    "disclosures.decide": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON}),
    "disclosures.advise": frozenset({R.DPO}),
    "disclosures.review": frozenset({R.FOOTAGE_REVIEWER, R.CCTV_ADMIN}),
    "disclosures.record": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.CCTV_ADMIN, R.SAR_HANDLER, R.DPO}),
    "disclosures.register": frozenset({R.HEADTEACHER, R.CCTV_ADMIN, R.DPO}),
    # Complaints about the CCTV or this policy (17.1; DPA 2018 s164A): whoever a complaint reaches in the
    # office records it — the Headteacher, a designated person, the SAR handler (complaints often follow a
    # request) or the DPO, who sees every school's —, and they acknowledge it, make enquiries and keep the
    # complainant told. The outcome: the Headteacher (Complaints Policy, Grievance Procedure) or the DPO.
    "complaints.view": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.SAR_HANDLER, R.DPO}),
    "complaints.handle": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.SAR_HANDLER, R.DPO}),
    "complaints.decide": frozenset({R.HEADTEACHER, R.DPO}),
    # Breaches (15.1; UK GDPR Art 33, 34): anyone with a school role reports a suspected breach, and the DPO
    # is told at once; the Headteacher and designated person see their school's; the DPO decides (risk, the
    # ICO, the people affected, other notifications). The register: the Headteacher and the DPO.
    "breaches.report": frozenset(
        {
            R.HEADTEACHER,
            R.DESIGNATED_PERSON,
            R.LIVE_VIEWER,
            R.FOOTAGE_REVIEWER,
            R.CCTV_ADMIN,
            R.SAR_HANDLER,
            R.DPO,
        }
    ),
    "breaches.view": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.DPO}),
    "breaches.decide": frozenset({R.DPO}),
    "breaches.register": frozenset({R.HEADTEACHER, R.DPO}),
    # Reports (3.1, 3.5, 18.1): the DPO's dashboard and the annual report, for the people who oversee the
    # system (a Headteacher sees their own school); the auditor's evidence report and the register retention
    # and record of processing (UK GDPR Art 30) are the DPO's and governance's, trust-wide.
    "reports.view": frozenset({R.HEADTEACHER, R.DPO, R.BOARD_MEMBER, R.IG_GROUP}),
    "reports.evidence": frozenset({R.DPO, R.BOARD_MEMBER, R.IG_GROUP}),
    "reports.processing": frozenset({R.DPO}),
    # Misuse alerts (16; design/misuse.md): the DPO sees and closes them — alerts about a Headteacher too,
    # so no school sees them; alerts about the DPO go to the board's or IG group's chair, who alone sees
    # those (misuse.services.visible narrows each person to their own). The thresholds, the staff privacy
    # notice and DPIA that make the monitoring lawful, and the school hours: the DPO.
    "misuse.view": frozenset({R.DPO, R.BOARD_MEMBER, R.IG_GROUP}),
    "misuse.decide": frozenset({R.DPO, R.BOARD_MEMBER, R.IG_GROUP}),
    "misuse.settings": frozenset({R.DPO}),
    # Reviews (18.1, 3.1, 3.3; design/reviews.md): the policy versions and their acknowledgements are read
    # by governance and the Headteacher; the DPO uploads versions and records what brings a review forward;
    # a board member records the board's approval (3.1). Each camera's yearly review (Surveillance Camera
    # Code principle 2): the Headteacher, a designated person or the DPO.
    "reviews.policy_view": frozenset({R.HEADTEACHER, R.DPO, R.BOARD_MEMBER, R.IG_GROUP}),
    "reviews.policy_manage": frozenset({R.DPO}),
    "reviews.policy_approve": frozenset({R.BOARD_MEMBER}),
    "reviews.camera_review": frozenset({R.HEADTEACHER, R.DESIGNATED_PERSON, R.DPO}),
}

# Actions that handle footage: refused while a pause check (below) says the person is paused (3.3: the
# CCTV policy version in force not acknowledged after its grace period; watchkeeper.reviews.pause).
FOOTAGE_ACTIONS = frozenset(
    {
        "viewing.request",
        "viewing.live",
        "recording.hold",
        "recording.import",
        "redaction.review",
        "evidence.request",
        "evidence.fetch",
        "sar.review",
        "disclosures.review",
    }
)
# Registered by apps (reviews: AppConfig.ready); each says why a person may not handle footage now, or None.
# The kernel imports no app: this list is the one hook.
PauseCheck = Callable[[Person], Refusal | None]
_pause_checks: list[PauseCheck] = []


def add_pause_check(check: PauseCheck) -> None:
    if check not in _pause_checks:
        _pause_checks.append(check)


M = TypeVar("M", bound=models.Model)


def _check_action(action: str) -> frozenset[Role]:
    try:
        return ACTIONS[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}") from None


def _grants(user: Person, action: str) -> models.QuerySet[RoleGrant]:
    """Current grants of the action's roles. An operating role whose holder's training has lapsed gives
    nothing until the training is renewed (14.1): the grant stays on record, its authority does not."""
    roles = _check_action(action)
    trained = TrainingRecord.objects.filter(
        user=OuterRef("user"), completed_on__lte=timezone.localdate(), expires_on__gte=timezone.localdate()
    )
    return (
        RoleGrant.objects.current()
        .filter(user=user, role__in=roles)
        .filter(~Q(role__in=TRAINING_REQUIRED_ROLES) | Exists(trained))
    )


@enforces("14.1", "R7")
def school_ids(user: Actor, action: str) -> set[int] | None:
    """School ids where `user` may do `action`; None means every school of the trust."""
    if not is_person(user):
        return set()
    grants = list(_grants(user, action).values_list("school_id", flat=True))
    if any(school_id is None for school_id in grants):
        return None
    return set(grants)


def restrict(queryset: models.QuerySet[M], user: Actor, action: str) -> models.QuerySet[M]:
    """The rows of `queryset` that `user` may `action`: every list and lookup goes through this."""
    allowed = school_ids(user, action)
    if allowed is None:
        return queryset
    lookup = getattr(queryset.model, "SCHOOL_LOOKUP", None)
    if lookup is None:
        raise TypeError(f"{queryset.model.__name__} has no SCHOOL_LOOKUP: it cannot be restricted")
    if not allowed:
        return queryset.none()
    return queryset.filter(**{f"{lookup}__in": allowed})


def can(user: Actor, action: str, school_id: int | None) -> bool:
    """May `user` do `action` at this school? school_id None asks for trust-wide authority."""
    allowed = school_ids(user, action)
    if allowed is None:
        return True
    return school_id is not None and school_id in allowed


def require(user: Actor, action: str, school_id: int | None) -> None:
    """Raise PermissionDenied unless allowed. SYSTEM (server-side commands and jobs) is always allowed. A
    footage action of a paused person is a PolicyRefusal in plain words (3.3): the pause checks run only for
    footage actions, after the role check, so other requests pay nothing for them."""
    if is_system(user):
        return
    if not can(user, action, school_id):
        raise PermissionDenied(not_permitted(action))
    if action in FOOTAGE_ACTIONS and is_person(user):
        refusals = [found for check in _pause_checks if (found := check(user)) is not None]
        if refusals:
            raise PolicyRefusal(refusals)


def holds_any(user: Actor, action: str) -> bool:
    """Does the user hold the action anywhere? Used for navigation and list pages."""
    allowed = school_ids(user, action)
    return allowed is None or bool(allowed)
