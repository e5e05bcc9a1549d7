"""The demo trust's CCTV policy (18.1, 3.1, 3.3) and Oakfield's maintenance schedule (12.1), built through
the same services as the pages: version 4, uploaded by the DPO a week ago and approved by the board, in
force and acknowledged by every member of staff who handles footage (the board member and the IG group
member have yet to, so their banner shows); the main gate's picture-quality check due every 30 days, last
done 40 days ago, so one check is overdue. Idempotent: a trust with a version already gets nothing more."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from watchkeeper.estate.models import Camera, School
from watchkeeper.health import services as health
from watchkeeper.health.models import CheckResult, CheckType
from watchkeeper.people.models import Role, RoleGrant
from watchkeeper.reviews import services
from watchkeeper.reviews.models import PolicyVersion

# A tiny PDF: the demo's stand-in for the trust's policy document.
POLICY_PDF = b"%PDF-1.4\n% Oakfield Learning Trust CCTV policy, version 4 (demo)\n%%EOF\n"
NOT_YET = (Role.BOARD_MEMBER, Role.IG_GROUP)


def seed_demo(school: School, now: datetime) -> None:
    trust = school.trust
    if PolicyVersion.objects.filter(trust=trust).exists():
        return
    grants = RoleGrant.objects.current().filter(trust=trust).select_related("user")
    dpo = grants.get(role=Role.DPO).user
    board = grants.get(role=Role.BOARD_MEMBER).user
    week_ago = now - timedelta(days=7)
    upload = SimpleUploadedFile("cctv-policy-v4.pdf", POLICY_PDF, content_type="application/pdf")
    version = services.upload_version(
        dpo,
        trust,
        "4",
        upload,
        timezone.localdate(week_ago),
        summary="Passkeys as a second factor; the yearly camera review (demo).",
        now=week_ago,
    )
    services.approve_version(board, version, now=week_ago + timedelta(hours=2))
    for user in {g.user for g in grants.exclude(role__in=NOT_YET)}:
        services.acknowledge(user, version, now=now - timedelta(days=3))
    _maintenance(school, now)


def _maintenance(school: School, now: datetime) -> None:
    admin = RoleGrant.objects.current().get(school=school, role=Role.CCTV_ADMIN).user
    gate = Camera.objects.get(school=school, name="Main gate")
    last = now - timedelta(days=40)
    health.record_check(
        admin, school, gate, CheckType.PICTURE_QUALITY, CheckResult.OK, "Clear by day", last, now=last
    )
    health.set_schedule(admin, school, gate, CheckType.PICTURE_QUALITY, 30, now=now)  # due 10 days ago
    health.set_schedule(admin, school, None, CheckType.SIGNAGE, 90, now=now)
