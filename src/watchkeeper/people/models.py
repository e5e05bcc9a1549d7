"""Staff, their per-school and trust-wide roles (3, 8.1, 9.2, 9.6, 10.2) and their training (14.1)."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import models

from watchkeeper.core import fields
from watchkeeper.estate.models import Trust


class Role(models.TextChoices):
    HEADTEACHER = "headteacher", "Headteacher"
    DESIGNATED_PERSON = "designated_person", "Designated person"
    LIVE_VIEWER = "live_viewer", "Live viewer"
    FOOTAGE_REVIEWER = "footage_reviewer", "Footage reviewer"
    CCTV_ADMIN = "cctv_admin", "CCTV system administrator"
    SAR_HANDLER = "sar_handler", "Subject access handler"
    # The school's designated safeguarding lead (Keeping Children Safe in Education): checks a request made
    # for a child before anything is released (DPA 2018 Sch 3 Part 5).
    SAFEGUARDING_LEAD = "safeguarding_lead", "Designated safeguarding lead"
    DPO = "dpo", "Data Protection Officer"
    BOARD_MEMBER = "board_member", "Trust board member"
    IG_GROUP = "ig_group", "Information governance group"


SCHOOL_ROLES = frozenset(
    {
        Role.HEADTEACHER,
        Role.DESIGNATED_PERSON,
        Role.LIVE_VIEWER,
        Role.FOOTAGE_REVIEWER,
        Role.CCTV_ADMIN,
        Role.SAR_HANDLER,
        Role.SAFEGUARDING_LEAD,
    }
)
TRUST_ROLES = frozenset({Role.DPO, Role.BOARD_MEMBER, Role.IG_GROUP})
# 14.1: people who operate the system or handle images must hold current training.
TRAINING_REQUIRED_ROLES = frozenset({Role.LIVE_VIEWER, Role.FOOTAGE_REVIEWER, Role.CCTV_ADMIN})
# Every role signs in with a TOTP second factor (issue 14 §1): the SAR handler sees requesters' identities
# and receives packages, the board and the IG group see the trust's registers.
SECOND_FACTOR_ROLES = frozenset(Role)
# Roles whose holders are confirmed each term by the Headteacher or the DPO, or lapse (people/terms.py).
FOOTAGE_ROLES = frozenset(
    {Role.DESIGNATED_PERSON, Role.LIVE_VIEWER, Role.FOOTAGE_REVIEWER, Role.CCTV_ADMIN, Role.SAR_HANDLER}
)


class StaffProfile(models.Model):
    """What Watchkeeper knows about a staff account beyond Django's user: where they work."""

    SCHOOL_LOOKUP = "school"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff")
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="staff")
    school = fields.school_or_none("staff")
    job_title = models.CharField(max_length=120, blank=True)

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class RoleGrantQuerySet(models.QuerySet["RoleGrant"]):
    def current(self) -> RoleGrantQuerySet:
        return self.filter(revoked_at__isnull=True)


class RoleGrant(models.Model):
    """A role held by a person, at one school or (school empty) across the trust."""

    SCHOOL_LOOKUP = "school"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_grants")
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="role_grants")
    school = fields.school_or_none("role_grants")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_by = fields.person_or_none()
    granted_at = models.DateTimeField()
    revoked_by = fields.person_or_none()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The last time the Headteacher or the DPO confirmed this person still holds the role (each term, for
    # footage roles; people/terms.py). Empty: never since it was granted.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = fields.person_or_none()

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school", "role"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_current_grant_per_role_and_school",
            ),
        ]

    def __str__(self) -> str:
        where = self.school.name if self.school is not None else "trust-wide"
        return f"{self.get_role_display()} ({where})"


class Course(models.TextChoices):
    CCTV_OPERATION_AND_DATA_PROTECTION = "cctv_dp", "CCTV operation and data protection (ICO code)"


class TrainingRecord(models.Model):
    """Evidence that a person is trained (14.1); a grant of an operating role needs a current one."""

    SCHOOL_LOOKUP = "school"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training")
    school = fields.school("training_records")
    course = models.CharField(
        max_length=32, choices=Course.choices, default=Course.CCTV_OPERATION_AND_DATA_PROTECTION
    )
    completed_on = models.DateField()
    expires_on = models.DateField()
    recorded_by = fields.person_or_none()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on"]

    def __str__(self) -> str:
        return f"{self.get_course_display()} completed {self.completed_on}"


class Credential(models.TextChoices):
    PASSWORD = "password", "password"
    SECOND_FACTOR = "second_factor", "authenticator"


class CredentialSetting(models.Model):
    """Who set an account's password or authenticator secret, and when (9.2, 9.5; design/roles.md "Accounts
    not yet their holder's own"). A row is appended each time either is set; the newest row of each is the
    one in force. `set_by` is whoever chose the password or was shown the secret: the holder, another
    person, or nobody (SYSTEM: the demo and server commands). Rows are never changed."""

    SCHOOL_LOOKUP = "user__staff__school"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credential_settings"
    )
    credential = models.CharField(max_length=16, choices=Credential.choices)
    set_by = fields.person_or_none()
    set_at = models.DateTimeField()

    class Meta:
        ordering = ["set_at", "pk"]
        indexes = [models.Index(fields=["user", "credential"])]

    def __str__(self) -> str:
        return f"{self.get_credential_display()} of {self.user_id} set at {self.set_at:%Y-%m-%d %H:%M}"

    @property
    def by_someone_else(self) -> bool:
        return self.set_by_id is not None and self.set_by_id != self.user_id


class Decision(models.TextChoices):
    """The decisions a Headteacher may nominate an alternate for (9.2, Appendix I)."""

    VIEWING = "viewing", "Viewing recorded footage (9.2)"
    DOWNLOADS = "downloads", "Downloads (Appendix I)"
    DELETIONS = "deletions", "Deleting a downloaded copy (Appendix I)"
    DISCLOSURES = "disclosures", "Police, outside-body and FOI requests (11.3, 11.5, 11.7)"


class NominationQuerySet(models.QuerySet["Nomination"]):
    def in_force(self, day: date) -> NominationQuerySet:
        """Not ended early, and `day` within from–until."""
        return self.filter(ended_at__isnull=True, starts_on__lte=day, ends_on__gte=day)


class Nomination(models.Model):
    """The Headteacher's nomination of an alternate (a designated person of the school) to decide in their
    place, for some decisions, from one date until another (9.2, Appendix I "the Headteacher or nominated
    alternate"; design/roles.md "Who decides"). A decision taken by an alternate names the nomination it
    relied on. Nominations are never deleted: one is ended early (`ended_at`)."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("nominations")
    nominee = fields.person()
    viewing = models.BooleanField(default=False, help_text="May decide requests to view recorded footage.")
    downloads = models.BooleanField(default=False, help_text="May authorise downloads.")
    deletions = models.BooleanField(default=False, help_text="May authorise deleting a downloaded copy.")
    disclosures = models.BooleanField(
        default=False, help_text="May decide police, outside-body and FOI requests (11.3, 11.5, 11.7)."
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.TextField(blank=True)
    nominated_by = fields.person_or_none()
    nominated_at = models.DateTimeField()
    ended_by = fields.person_or_none()
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = NominationQuerySet.as_manager()
    school_id: int  # declared for type checkers that do not yet know this model's columns

    class Meta:
        ordering = ["school__name", "-starts_on", "pk"]

    def __str__(self) -> str:
        return f"Nomination {self.pk} of {self.nominee} ({self.starts_on} to {self.ends_on})"

    def covers(self, decision: str) -> bool:
        return bool(getattr(self, Decision(decision).value))

    @property
    def decisions(self) -> list[str]:
        return [str(d.label) for d in Decision if self.covers(d)]


class Recusal(models.Model):
    """A decider's recusal from one request (9.2, 9.5): they are involved in the footage or the incident
    (the subject of a complaint or a subject access request, named as involved). Recorded by the decider, or
    by the DPO for them; the request then goes to another decider or the DPO, and the recused person is
    refused. `request_kind` is "viewing" (viewing.ViewingAuthorisation) or "download"
    (evidence.DownloadRequest); by id, so that this app does not depend on theirs."""

    SCHOOL_LOOKUP = "school"

    school = fields.school("recusals")
    person = fields.person()
    request_kind = models.CharField(max_length=16)
    request_id = models.PositiveIntegerField()
    reason = models.TextField()
    recorded_by = fields.person_or_none()
    recorded_at = models.DateTimeField()

    objects = models.Manager["Recusal"]()
    person_id: int  # declared for type checkers that do not yet know this model's columns

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "request_kind", "request_id"], name="one_recusal_per_request"
            )
        ]

    def __str__(self) -> str:
        return f"Recusal of {self.person_id} from {self.request_kind} {self.request_id}"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def open(self) -> InvitationQuerySet:
        """Not used and not voided (it may still have expired: compare `expires_at` with the clock)."""
        return self.filter(used_at__isnull=True, voided_at__isnull=True)


class Invitation(models.Model):
    """A single-use link with which a person sets their own password and enrols their own authenticator
    (9.2, 9.5, UK GDPR Art 32; design/roles.md "Invitations"): made when an account is created or its
    sign-in reset, so that nobody but the holder ever knows either. Only a hash of the link's token is
    stored; the link is e-mailed to the person, or shown once to whoever made it to hand over."""

    SCHOOL_LOOKUP = "user__staff__school"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = fields.person_or_none()
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    emailed_to = models.EmailField(blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Invitation {self.pk} for {self.user_id}"

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and self.voided_at is None and now < self.expires_at


class IdentityLink(models.Model):
    """A school Microsoft or Google account linked by its holder to their Watchkeeper account (issue 14 §2,
    design/roles.md "Single sign-on"). The identity is the provider's issuer and subject (Entra: the tenant
    `tid` and object id `oid`), never the e-mail address, which the provider lets people change."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_links"
    )
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    tenant = models.CharField(max_length=255, blank=True, help_text="Entra tenant id or Google domain.")
    email_at_link = models.CharField(max_length=254, blank=True, help_text="Shown only; never matched.")
    linked_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="identity_link_one_account"),
            models.UniqueConstraint(fields=["user", "issuer"], name="identity_link_one_per_provider"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ↔ {self.issuer} {self.subject}"


# Passkeys' single-use assertions for decisions live in their own module (issue 14 §3).
from watchkeeper.people.passkey_models import PasskeyAssertion  # noqa: E402, F401
