"""Test data factories (factory_boy). They build rows directly; tests of behaviour call the services."""

from __future__ import annotations

import datetime as dt
import os

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from watchkeeper.compliance.models import DPIA, DPIAStatus, Sign, SignPlacement
from watchkeeper.estate.models import Camera, LocationType, Purpose, School, Trust, Vehicle
from watchkeeper.people.models import (
    Course,
    Decision,
    Nomination,
    Role,
    RoleGrant,
    StaffProfile,
    TrainingRecord,
)

PASSWORD = "correct horse battery staple"


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust
        django_get_or_create = ("name",)

    name = "Test Learning Trust"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    trust = factory.SubFactory(TrustFactory)
    name = factory.Sequence(lambda n: f"School {n}")
    address = "1 High Street"


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    school = factory.SubFactory(SchoolFactory)
    registration = factory.Sequence(lambda n: f"MB{n:02d} BUS")


class CameraFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Camera

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Camera {n}")
    location_description = "Main gate, facing the playground"
    location_type = LocationType.ENTRANCE
    # Every purpose of 4.1, as most school cameras (and the demo's) serve: a police request (11.2) or a
    # viewing reason (9.4) then fits; tests of the purpose checks name a camera's purposes themselves.
    purposes = factory.LazyFunction(lambda: list(Purpose.values))
    main_stream_url = "rtsp://127.0.0.1:8554/cam1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def profile(self, create: bool, extracted: School | None, **kwargs: object) -> None:
        if create:
            self.save()
            school = extracted
            trust = school.trust if school else TrustFactory()
            StaffProfile.objects.create(user=self, trust=trust, school=school)
            TOTPDevice.objects.create(user=self, name="test", confirmed=True)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    course = Course.CCTV_OPERATION_AND_DATA_PROTECTION
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=335))


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleGrant

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    trust = factory.LazyAttribute(lambda o: o.school.trust if o.school else TrustFactory())
    granted_at = factory.LazyFunction(timezone.now)


class DPIAFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DPIA
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    title = factory.Sequence(lambda n: f"DPIA {n}")
    summary = "Seen in school; copies as password-protected packages, the password sent apart (11.6)."
    status = DPIAStatus.DRAFT

    @factory.post_generation
    def cameras(self, create: bool, extracted: list[Camera] | None, **kwargs: object) -> None:
        if create and extracted:
            self.cameras.set(extracted)


class ApprovedDPIAFactory(DPIAFactory):
    status = DPIAStatus.APPROVED
    approved_at = factory.LazyFunction(timezone.now)
    next_review_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))


class SignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sign

    school = factory.SubFactory(SchoolFactory)
    placement = SignPlacement.ENTRANCE
    location_description = "Main gate"
    last_checked_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))


def person(
    role: str, school: School | None, *, trained: bool = True, nominated: bool = True, **kwargs: object
):
    """A user holding `role` at `school` (None: trust-wide), with a TOTP device and, by default, training.
    A designated person is, by default, the Headteacher's nominated alternate for every decision (9.2,
    Appendix I); `nominated=False` gives one without a nomination."""
    home = school
    user = UserFactory(profile=home, **kwargs)
    if trained and school is not None:
        TrainingFactory(user=user, school=school)
    trust = school.trust if school else TrustFactory()
    GrantFactory(user=user, school=school, trust=trust, role=role)
    if nominated and role == Role.DESIGNATED_PERSON and school is not None:
        nominate(user, school)
    return user


def nominate(user, school: School, *decisions: str, days: int = 365) -> Nomination:
    """A nomination in force from yesterday for `days` days, for `decisions` (default: all of them)."""
    today = timezone.localdate()
    chosen = set(decisions or Decision.values)
    return Nomination.objects.create(
        school=school,
        nominee=user,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=days),
        nominated_at=timezone.now(),
        **{d: d in chosen for d in Decision.values},
    )


def passkey(user, n: int = 1) -> WebAuthnCredential:
    """A registered passkey row (its public key is never used: no assertion is verified outside the browser
    tests, which register real ones with Chromium's virtual authenticator)."""
    return WebAuthnCredential.objects.create(
        user=user, name=f"Passkey {n}", confirmed=True, credential_id=os.urandom(16), public_key=b"key"
    )


def recorded(camera: Camera, start: dt.datetime, minutes: int = 1) -> Camera:
    """`camera` with footage from `start`: one real stored 10 s segment (sealed, written, indexed:
    tests.recording.helpers.store) at the start of each of `minutes` minutes, so a request over that time
    can succeed (recording/coverage.py refuses one over a window with no recording, issue 15 §2)."""
    from tests.recording.helpers import store

    for minute in range(minutes):
        store(camera, start + dt.timedelta(minutes=minute))
    return camera
