"""The demo trust (`watchkeeper demo`): two schools, a minibus, cameras in every state the gates know,
approved DPIAs, checked signs, and trained staff in every role. Built through the same service functions
as the UI, so its audit trail is real. Idempotent: a second run changes nothing."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from watchkeeper.breaches import demo as breaches_demo
from watchkeeper.complaints import demo as complaints_demo
from watchkeeper.compliance import notices
from watchkeeper.compliance import services as compliance
from watchkeeper.compliance import trust as compliance_trust
from watchkeeper.compliance.models import Art9Condition, Art10Condition, SignPlacement
from watchkeeper.core.actors import SYSTEM, Actor, Person
from watchkeeper.disclosures import demo as disclosures_demo
from watchkeeper.estate import services as estate
from watchkeeper.estate.models import Camera, CameraStatus, LocationType, Purpose, School, Trust
from watchkeeper.misuse import demo as misuse_demo
from watchkeeper.people import nominations
from watchkeeper.people import services as people
from watchkeeper.people.models import Decision, Role
from watchkeeper.public import demo as public_demo
from watchkeeper.reviews import demo as reviews_demo
from watchkeeper.site import demo_footage
from watchkeeper.subjectaccess import demo as sar_demo

TRUST_NAME = "Oakfield Learning Trust (demo)"
SIMULATOR = "rtsp://127.0.0.1:8554"
DEMO_RETENTION_DAYS = 1
SIMULATED_CAMERAS = 8  # the demo's cameras use cam1..cam8 of `watchkeeper simulate-cameras`
ALL_PURPOSES = [p.value for p in Purpose]


@dataclass
class Credentials:
    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    def add(self, username: str, password: str, secret: str, role: str, school: str) -> None:
        self.rows.append((username, password, secret, role, school))

    def text(self) -> str:
        lines = [
            "Watchkeeper demo log-ins — DEMO DATA ONLY, never use these on a real system.",
            "Sign in at http://127.0.0.1:8000/ . Every role needs the 6-digit authenticator",
            "code: add the TOTP secret to an authenticator app, or run `watchkeeper demo-code USERNAME`.",
            "",
            f"{'user name':<20} {'password':<24} {'TOTP secret':<34} role (school)",
        ]
        lines += [f"{u:<20} {p:<24} {s:<34} {r} ({w})" for u, p, s, r, w in self.rows]
        return "\n".join(lines) + "\n"


def credentials_path() -> Path:
    return Path(settings.DATA_DIR) / "demo-credentials.txt"


def build_demo(now: datetime) -> tuple[bool, Path]:
    """Create the demo trust unless it exists, as it would stand at `now`. Returns (created, path of the
    credentials file)."""
    if Trust.objects.filter(name=TRUST_NAME).exists():
        return False, credentials_path()
    creds = Credentials()
    with transaction.atomic():
        trust = estate.create_trust(SYSTEM, TRUST_NAME)
        dpo = _staff(creds, trust, None, "dpo", "Dana", "Price", Role.DPO, now)
        _staff(creds, trust, None, "board", "Brian", "Oduya", Role.BOARD_MEMBER, now)
        _staff(creds, trust, None, "igroup", "Ines", "Gray", Role.IG_GROUP, now)
        _trust_settings(dpo, trust, now)
        oakfield = _oakfield(creds, trust, dpo, now)
        _riverside(creds, trust, dpo, now)
    path = credentials_path()
    _write_private(path, creds.text())
    # Issue 15 §1: footage for the requests' windows first (the import commits on its own, once the cameras
    # may record), then the requests, which hold it.
    windows = demo_footage.demo_windows(now)
    demo_footage.add_footage(oakfield, windows, now)
    with transaction.atomic():
        sar_demo.seed_demo(oakfield, windows.sar, now)  # issue 7: one open subject access request, held
        disclosures_demo.seed_demo(oakfield, windows.police, now)  # one police request and one FOI request
        complaints_demo.seed_demo(oakfield, now)  # issue 17: an s164A complaint awaiting acknowledgement
        breaches_demo.seed_demo(oakfield, now)  # issue 17: one breach inside its 72-hour window
        misuse_demo.seed_demo(oakfield, now)  # issue 18: one misuse alert for the DPO (16)
        reviews_demo.seed_demo(oakfield, now)  # issue 18: policy version 4 acknowledged; one overdue check
        public_demo.seed_demo(oakfield, windows.sar, now)  # issue 18 §3: a parent's SAR from the public form
    return True, path


def _oakfield(creds: Credentials, trust: Trust, dpo: Person, now: datetime) -> School:
    school = estate.create_school(SYSTEM, trust, "Oakfield Primary School", "1 Oak Lane\nOakfield\nOK1 1AA")
    head = _school_staff(creds, trust, school, "oak", now)
    estate.set_school_responsible(SYSTEM, school, head)  # R6: named where each camera is shown
    today = timezone.localdate(now)
    compliance.register_sign(
        head,
        school,
        SignPlacement.ENTRANCE,
        "Main gate, Oak Lane",
        last_checked_on=today - timedelta(days=20),
    )
    gate = _camera(head, school, "Main gate", LocationType.ENTRANCE, "Main gate, facing Oak Lane entrance", 1)
    yard = _camera(
        head, school, "Playground", LocationType.PLAYGROUND, "KS2 playground from the hall roof", 2
    )
    park = _camera(
        head, school, "Car park", LocationType.CAR_PARK, "Staff car park (installed 2009)", 3, legacy=True
    )
    _camera(head, school, "Reception", LocationType.RECEPTION, "Reception desk — proposed, no DPIA yet", 4)
    _nominate_deputy(head, school, now)
    _privacy_notice(head, school, "the school website's privacy page and the reception noticeboard", now)
    _approve(head, dpo, school, "Oakfield site cameras", [gate, yard], now)
    # 7.3: the car park camera predates DPIAs, so it records only under a retrospective one.
    _approve(head, dpo, school, "Car park camera (retrospective)", [park], now, retrospective=True)
    for camera in (gate, yard, park):
        estate.change_camera_status(head, camera, CameraStatus.ACTIVE, reason="demo set-up", today=today)
    return school


def _nominate_deputy(head: Person, school: School, now: datetime) -> None:
    """9.2, Appendix I: the Headteacher names the deputy as alternate for viewing, downloads and deletions
    for a term (so the deputy decides a disclosure's review); the Headteacher still decides police,
    outside-body and FOI requests (11.3, 11.5). Shown on the Nominated alternates page."""
    deputy = get_user_model().objects.get(username="deputy-oak")
    today = timezone.localdate(now)
    nominations.nominate(
        head,
        school,
        deputy,
        {Decision.VIEWING, Decision.DOWNLOADS, Decision.DELETIONS},
        today,
        today + timedelta(days=90),
        reason="Demo: while the Headteacher is out of school",
        now=now,
    )


def _riverside(creds: Credentials, trust: Trust, dpo: Person, now: datetime) -> School:
    school = estate.create_school(SYSTEM, trust, "Riverside Academy", "2 River Road\nRiverside\nRV2 2BB")
    head = _school_staff(creds, trust, school, "river", now)
    estate.set_school_responsible(SYSTEM, school, head)  # R6: named where each camera is shown
    bus = estate.register_vehicle(head, school, "WK24 BUS", "17-seat minibus")
    today = timezone.localdate(now)
    compliance.register_sign(
        head, school, SignPlacement.ENTRANCE, "Front entrance", last_checked_on=today - timedelta(days=45)
    )
    compliance.register_sign(
        head,
        school,
        SignPlacement.INSIDE_VEHICLE,
        "Behind the driver",
        vehicle=bus,
        last_checked_on=today - timedelta(days=5),
    )
    front = _camera(head, school, "Front entrance", LocationType.ENTRANCE, "Front doors and visitor path", 5)
    hall = _camera(head, school, "Hall corridor", LocationType.CORRIDOR, "Corridor outside the main hall", 6)
    inside = _camera(
        head,
        school,
        "Minibus interior",
        LocationType.VEHICLE_INTERNAL,
        "Cabin, from the front",
        7,
        vehicle=bus,
    )
    rear = _camera(
        head, school, "Minibus rear view", LocationType.VEHICLE_REAR, "Reversing camera", 8, vehicle=bus
    )
    _approve(head, dpo, school, "Riverside site and minibus cameras", [front, hall, inside, rear], now)
    _privacy_notice(head, school, "the Academy website and the front entrance noticeboard", now)
    for camera in (front, hall, inside, rear):
        estate.change_camera_status(head, camera, CameraStatus.ACTIVE, reason="demo set-up", today=today)
    return school


def _school_staff(creds: Credentials, trust: Trust, school: School, tag: str, now: datetime) -> Person:
    head = _staff(creds, trust, school, f"head-{tag}", "Helen", f"Head ({tag})", Role.HEADTEACHER, now)
    for suffix, first, role in [
        ("deputy", "Dev", Role.DESIGNATED_PERSON),
        ("viewer", "Vera", Role.LIVE_VIEWER),
        ("reviewer", "Rory", Role.FOOTAGE_REVIEWER),
        ("admin", "Ada", Role.CCTV_ADMIN),
        ("sar", "Sam", Role.SAR_HANDLER),
        ("dsl", "Dana", Role.SAFEGUARDING_LEAD),  # checks requests made for a child (Sch 3 Part 5)
    ]:
        _staff(creds, trust, school, f"{suffix}-{tag}", first, f"{role.label} ({tag})", role, now)
    return head


def _staff(
    creds: Credentials,
    trust: Trust,
    school: School | None,
    username: str,
    first: str,
    last: str,
    role: Role,
    now: datetime,
) -> Person:
    password = secrets.token_urlsafe(12)
    new = people.create_staff(
        SYSTEM,
        trust,
        school,
        username,
        first_name=first,
        last_name=last,
        email=f"{username}@demo.invalid",
        job_title=role.label,
        link="",
        now=now,
    )
    # Demo data only: known credentials, written to the demo's credentials file (not an invitation).
    device = people.set_demo_credentials(SYSTEM, new.user, password, now=now)
    if school is not None:
        today = timezone.localdate(now)
        people.record_training(
            SYSTEM, new.user, school, today - timedelta(days=60), today + timedelta(days=305), today=today
        )
    people.grant_role(SYSTEM, new.user, role, school, now=now)
    creds.add(
        username, password, people.totp_secret(device), role.label, school.name if school else "trust-wide"
    )
    return new.user


def _camera(
    actor: Actor, school: School, name: str, kind: str, where: str, number: int, **extra: Any
) -> Camera:
    return estate.register_camera(
        actor,
        school,
        name=name,
        location_type=kind,
        location_description=where,
        purposes=ALL_PURPOSES,
        main_stream_url=f"{SIMULATOR}/cam{number}",
        # Eight simulated 720p cameras fill tens of GB a day: the demo keeps one day, not 13.1's 30.
        retention_days=DEMO_RETENTION_DAYS,
        **extra,
    )


def _approve(
    author: Person,
    dpo: Person,
    school: School,
    title: str,
    cameras: list[Camera],
    now: datetime,
    retrospective: bool = False,
) -> None:
    dpia = compliance.create_dpia(
        author,
        school,
        title,
        cameras,
        retrospective=retrospective,
        summary="Footage is seen in school where possible; a copy leaves only under the CCTV policy, "
        "sections 10 and 11, as a password-protected package whose password is sent separately (11.6).",
    )
    compliance.approve_dpia(dpo, dpia, now)


def _trust_settings(dpo: Person, trust: Trust, now: datetime) -> None:
    """The DPO's settings: the Schedule 1 conditions and an appropriate policy document in date."""
    today = timezone.localdate(now)
    compliance_trust.update_trust_settings(
        dpo,
        trust,
        {
            "art9_condition": Art9Condition.SAFEGUARDING,
            "art10_condition": Art10Condition.UNLAWFUL_ACTS,
            "policy_link": "https://oakfield-trust.example/policies/appropriate-policy-document",
            "policy_approved_on": today - timedelta(days=90),
            "policy_review_by": today + timedelta(days=275),
        },
        now=now,
    )


def _privacy_notice(head: Person, school: School, where: str, now: datetime) -> None:
    today = timezone.localdate(now)
    notices.record_privacy_notice(
        head,
        school,
        text=f"{school.name} uses CCTV to keep pupils, staff and visitors safe, to protect the site and to "
        "prevent crime. Recordings are kept for at most 30 days. To see footage of yourself, or to complain, "
        "contact the school office or the Trust's Data Protection Officer.",
        published_where=where,
        reviewed_on=today - timedelta(days=30),
        today=today,
        now=now,
    )


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o600)
