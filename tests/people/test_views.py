"""Every people view through the generic permission case, then what the pages show and refuse (3.2, 8.1,
14.1)."""

from __future__ import annotations

import datetime as dt
from base64 import b32encode
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import sign_in
from tests.factories import GrantFactory, TrainingFactory, UserFactory, person
from tests.permission_case import ViewCase, run_view_case
from tests.refusals import refusals_on, shows_refusal
from watchkeeper.audit.models import AuditEvent
from watchkeeper.people.models import CredentialSetting, Role, RoleGrant, StaffProfile, TrainingRecord

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long enough passphrase"


def make_staff(ctx: dict[str, Any]) -> None:
    ctx["target"] = UserFactory(profile=ctx["school"], first_name="Alice", last_name="Ashworth")
    TrainingFactory(user=ctx["target"], school=ctx["school"])
    UserFactory(profile=ctx["other_school"], first_name="Bob", last_name="Blackwood")


def make_grant(ctx: dict[str, Any]) -> None:
    make_staff(ctx)
    ctx["grant"] = GrantFactory(user=ctx["target"], school=ctx["school"], role=Role.FOOTAGE_REVIEWER)


def target_url(name: str) -> Any:
    return lambda ctx: reverse(name, args=[ctx["target"].staff.pk])


def school_url(name: str) -> Any:
    return lambda ctx: f"{reverse(name)}?school={ctx['school'].pk}"


def lists_own_staff_only(ctx: dict[str, Any], response: Any) -> None:
    assert b"Alice Ashworth" in response.content
    assert b"Bob Blackwood" not in response.content


def lists_every_school(ctx: dict[str, Any], response: Any) -> None:
    assert b"Alice Ashworth" in response.content
    assert b"Bob Blackwood" in response.content


def new_staff(ctx: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = {
        "school": ctx["school"].pk,
        "username": "cnewman",
        "first_name": "Carol",
        "last_name": "Newman",
        "email": "carol@example.org",
        "job_title": "Site manager",
    }
    data.update(changes)
    return data


def created(ctx: dict[str, Any], response: Any) -> None:
    profile = StaffProfile.objects.get(user__username="cnewman")
    assert profile.school == ctx["school"] and profile.job_title == "Site manager"
    # Issue 14: the creator chooses no password and sees no key; an invitation is shown once to hand over.
    assert not TOTPDevice.objects.filter(user=profile.user).exists()
    assert not profile.user.has_usable_password()
    assert not CredentialSetting.objects.filter(user=profile.user).exists()
    assert 'id="invitation-link"' in response.content.decode() and b"<svg" not in response.content
    assert "no-store" in response["Cache-Control"]
    assert (
        AuditEvent.objects.filter(action="people.staff_created", object_id=str(profile.user.pk)).count() == 1
    )


def shows_target(ctx: dict[str, Any], response: Any) -> None:
    assert b"Alice Ashworth" in response.content
    assert b"Record training" in response.content


def granted(ctx: dict[str, Any], response: Any) -> None:
    assert response["Location"] == reverse("people:staff_detail", args=[ctx["target"].staff.pk])
    grant = RoleGrant.objects.current().get(user=ctx["target"], role=Role.LIVE_VIEWER, school=ctx["school"])
    assert grant.granted_by == ctx["user"]
    assert AuditEvent.objects.filter(action="people.role_granted", object_id=str(grant.pk)).count() == 1


def revoked(ctx: dict[str, Any], response: Any) -> None:
    grant = RoleGrant.objects.get(pk=ctx["grant"].pk)
    assert grant.revoked_at is not None and grant.revoked_by == ctx["user"]
    event = AuditEvent.objects.get(action="people.role_revoked", object_id=str(grant.pk))
    assert event.reason == "Left the school"


def trained(ctx: dict[str, Any], response: Any) -> None:
    assert response.status_code == 302
    record = TrainingRecord.objects.get(user=ctx["target"], completed_on=dt.date(2025, 1, 10))
    assert record.recorded_by == ctx["user"]
    assert AuditEvent.objects.filter(action="people.training_recorded", object_id=str(record.pk)).exists()


def sign_in_reset(ctx: dict[str, Any], response: Any) -> None:
    assert not TOTPDevice.objects.filter(user=ctx["target"]).exists()  # the old codes stop at once
    assert b32encode(ctx["old_device"].bin_key).decode() not in response.content.decode()
    assert 'id="invitation-link"' in response.content.decode()
    assert AuditEvent.objects.filter(action="people.sign_in_reset").count() == 1


def deactivated(ctx: dict[str, Any], response: Any) -> None:
    target = StaffProfile.objects.get(user=ctx["target"]).user
    assert response.status_code == 302 and not target.is_active
    assert not RoleGrant.objects.current().filter(user=target).exists()
    assert AuditEvent.objects.get(action="people.account_deactivated").reason == ""


def shows_footage_grants(ctx: dict[str, Any], response: Any) -> None:
    assert b"Alice Ashworth" in response.content and b"Footage reviewer" in response.content


def confirmed(ctx: dict[str, Any], response: Any) -> None:
    grant = RoleGrant.objects.get(pk=ctx["grant"].pk)
    assert grant.confirmed_by == ctx["user"] and grant.confirmed_at is not None


def remember_device(ctx: dict[str, Any]) -> None:
    make_staff(ctx)
    ctx["old_device"] = TOTPDevice.objects.get(user=ctx["target"])
    TOTPDevice.objects.create(user=ctx["target"], name="spare", confirmed=True)


CASES = [
    ViewCase(
        "staff_list",
        school_url("people:staff_list"),
        "headteacher",
        "cctv_admin",
        setup=make_staff,
        check=lists_own_staff_only,
    ),
    ViewCase(
        "staff_list_designated",
        school_url("people:staff_list"),
        "designated_person",
        "footage_reviewer",
        setup=make_staff,
        check=lists_own_staff_only,
    ),
    ViewCase(
        "staff_list_dpo",
        lambda ctx: reverse("people:staff_list"),
        "dpo",
        "cctv_admin",
        trust_wide=True,
        setup=make_staff,
        check=lists_every_school,
    ),
    ViewCase(
        "staff_create_form",
        lambda ctx: reverse("people:staff_create"),
        "dpo",
        "designated_person",
        trust_wide=True,
    ),
    ViewCase(
        "staff_create",
        lambda ctx: reverse("people:staff_create"),
        "headteacher",
        "designated_person",
        method="post",
        data=new_staff,
        check=created,
    ),
    ViewCase(
        "staff_detail",
        target_url("people:staff_detail"),
        "headteacher",
        "cctv_admin",
        setup=make_staff,
        check=shows_target,
    ),
    ViewCase(
        "grant_role",
        target_url("people:grant_role"),
        "headteacher",
        "cctv_admin",
        method="post",
        data=lambda ctx: {"role": "live_viewer", "school": ctx["school"].pk},
        ok=(302,),
        setup=make_staff,
        check=granted,
    ),
    ViewCase(
        "grant_role_designated",
        target_url("people:grant_role"),
        "designated_person",
        "live_viewer",
        method="post",
        data=lambda ctx: {"role": "live_viewer", "school": ctx["school"].pk},
        ok=(302,),
        setup=make_staff,
        check=granted,
    ),
    ViewCase(
        "revoke_role",
        lambda ctx: reverse("people:revoke_role", args=[ctx["grant"].pk]),
        "headteacher",
        "footage_reviewer",
        method="post",
        data=lambda ctx: {"reason": "Left the school"},
        ok=(302,),
        setup=make_grant,
        check=revoked,
    ),
    ViewCase(
        "record_training",
        target_url("people:record_training"),
        "headteacher",
        "cctv_admin",
        method="post",
        ok=(302,),
        setup=make_staff,
        check=trained,
        data=lambda ctx: {
            "school": ctx["school"].pk,
            "completed_on": "2025-01-10",
            "expires_on": "2026-01-10",
        },
    ),
    ViewCase(
        "reset_sign_in",
        target_url("people:reset_sign_in"),
        "headteacher",
        "designated_person",
        method="post",
        setup=remember_device,
        check=sign_in_reset,
    ),
    ViewCase(
        "deactivate",
        target_url("people:deactivate"),
        "headteacher",
        "designated_person",
        method="post",
        data=lambda ctx: {"reason": "Left at Easter"},
        ok=(302,),
        setup=make_grant,
        check=deactivated,
    ),
    ViewCase(
        "confirm_roles",
        school_url("people:confirm_roles"),
        "headteacher",
        "designated_person",
        setup=make_grant,
        check=shows_footage_grants,
    ),
    ViewCase(
        "confirm_roles_post",
        school_url("people:confirm_roles"),
        "headteacher",
        "designated_person",
        method="post",
        data=lambda ctx: {"grant": [ctx["grant"].pk]},
        ok=(302,),
        setup=make_grant,
        check=confirmed,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_view_permissions(case: ViewCase, school, other_school) -> None:
    run_view_case(case, {"school": school, "other_school": other_school})


@pytest.fixture
def head(school):
    return person(Role.HEADTEACHER, school)


@pytest.fixture
def alice(school):
    return UserFactory(profile=school, first_name="Alice", last_name="Ashworth")


def test_grant_without_training_shows_the_14_1_refusal(client, head, alice, school) -> None:
    sign_in(client, head)
    url = reverse("people:grant_role", args=[alice.staff.pk])
    response = client.post(url, {"role": "footage_reviewer", "school": school.pk})
    assert response.status_code == 400
    assert shows_refusal(
        response, "14.1: Alice Ashworth has no current CCTV and data protection training record"
    )
    assert len(refusals_on(response)) == 1  # shown once, in the grant form
    assert not RoleGrant.objects.filter(user=alice).exists()
    assert not AuditEvent.objects.filter(action="people.role_granted").exists()


def test_grant_of_trust_wide_role_at_a_school_is_refused_in_the_form(client, school, alice) -> None:
    dpo = person(Role.DPO, None)
    sign_in(client, dpo)
    url = reverse("people:grant_role", args=[alice.staff.pk])
    response = client.post(url, {"role": "board_member", "school": school.pk})
    assert response.status_code == 400
    assert "Trust board member is a trust-wide role" in response.content.decode()
    response = client.post(url, {"role": "board_member", "school": ""})
    assert response.status_code == 302
    assert RoleGrant.objects.current().filter(user=alice, role=Role.BOARD_MEMBER, school=None).exists()


def _options(response: Any, name: str) -> list[str]:
    form = response.context["grant_form"]
    return [str(value) for value, _ in form.fields[name].choices if value != ""]


def test_grant_form_offers_only_what_the_actor_may_grant(client, school, other_school, alice) -> None:
    head = person(Role.HEADTEACHER, school)
    response = sign_in(Client(), head).get(reverse("people:staff_detail", args=[alice.staff.pk]))
    roles = _options(response, "role")
    assert "footage_reviewer" in roles and "live_viewer" in roles
    assert "headteacher" not in roles and "dpo" not in roles and "board_member" not in roles
    assert _options(response, "school") == [str(school.pk)]
    assert "Trust-wide" not in response.content.decode()

    designated = person(Role.DESIGNATED_PERSON, school)
    response = sign_in(Client(), designated).get(reverse("people:staff_detail", args=[alice.staff.pk]))
    assert _options(response, "role") == ["live_viewer"]

    dpo = person(Role.DPO, None)
    response = sign_in(Client(), dpo).get(reverse("people:staff_detail", args=[alice.staff.pk]))
    assert {"headteacher", "dpo", "board_member", "ig_group"} <= set(_options(response, "role"))
    assert set(_options(response, "school")) == {str(school.pk), str(other_school.pk)}
    assert "Trust-wide" in response.content.decode()


def test_grant_at_a_school_outside_reach_is_404(client, head, alice, other_school) -> None:
    TrainingFactory(user=alice, school=alice.staff.school)
    sign_in(client, head)
    url = reverse("people:grant_role", args=[alice.staff.pk])
    response = client.post(url, {"role": "live_viewer", "school": other_school.pk})
    assert response.status_code == 404
    assert not RoleGrant.objects.filter(user=alice).exists()


def test_revoke_needs_a_reason(client, head, alice, school) -> None:
    grant = GrantFactory(user=alice, school=school, role=Role.SAR_HANDLER)
    sign_in(client, head)
    response = client.post(reverse("people:revoke_role", args=[grant.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_detail_shows_current_and_revoked_grants_with_who_and_when(client, head, alice, school) -> None:
    sign_in(client, head)
    GrantFactory(user=alice, school=school, role=Role.SAR_HANDLER, granted_by=head)
    old = GrantFactory(user=alice, school=school, role=Role.CCTV_ADMIN, granted_by=head)
    client.post(reverse("people:revoke_role", args=[old.pk]), {"reason": "Contract ended"})
    page = client.get(reverse("people:staff_detail", args=[alice.staff.pk])).content.decode()
    assert "Subject access handler" in page and "CCTV system administrator" in page
    assert page.count("Revoked</span>") == 1
    assert f"by {head.username}" in page


def test_record_training_refusal_keeps_what_was_typed(client, head, alice, school) -> None:
    sign_in(client, head)
    url = reverse("people:record_training", args=[alice.staff.pk])
    response = client.post(
        url, {"school": school.pk, "completed_on": "2025-03-01", "expires_on": "2025-02-01"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert shows_refusal(response, "14.1: training must expire after the date it was completed")
    assert 'value="2025-03-01"' in page and 'value="2025-02-01"' in page
    assert not TrainingRecord.objects.filter(user=alice).exists()


def test_staff_list_shows_roles_and_training_status(client, head, school) -> None:
    today = timezone.localdate()
    current = UserFactory(profile=school, first_name="Cara", last_name="Current")
    TrainingFactory(user=current, school=school)
    GrantFactory(user=current, school=school, role=Role.LIVE_VIEWER)
    GrantFactory(user=current, school=school, role=Role.SAR_HANDLER, revoked_at=timezone.now())
    expired = UserFactory(profile=school, first_name="Eddie", last_name="Expired")
    TrainingFactory(
        user=expired,
        school=school,
        completed_on=today - dt.timedelta(days=400),
        expires_on=today - dt.timedelta(days=35),
    )
    UserFactory(profile=school, first_name="Nina", last_name="None")
    sign_in(client, head)
    page = client.get(reverse("people:staff_list")).content.decode()
    rows = {name: row for row in page.split("<tr>") for name in ("Cara", "Eddie", "Nina") if name in row}
    assert "Live viewer (Northfield Primary)" in rows["Cara"] and "Subject access" not in rows["Cara"]
    assert "badge ok" in rows["Cara"]
    assert "badge bad" in rows["Eddie"] and ">Expired<" in rows["Eddie"]
    assert "badge warn" in rows["Nina"]


def test_staff_create_refuses_a_taken_user_name(client, head, school) -> None:
    sign_in(client, head)
    url = reverse("people:staff_create")
    UserFactory(username="taken")
    response = client.post(url, new_staff({"school": school}, username="taken"))
    assert response.status_code == 400
    assert shows_refusal(response, "3.2: the user name 'taken' is taken")
    assert not StaffProfile.objects.filter(user__username="cnewman").exists()


def test_staff_create_school_is_required_unless_trust_wide(client, head, school) -> None:
    sign_in(client, head)
    response = client.post(reverse("people:staff_create"), new_staff({"school": school}, school=""))
    assert response.status_code == 400
    assert not StaffProfile.objects.filter(user__username="cnewman").exists()
    dpo = person(Role.DPO, None)
    response = sign_in(Client(), dpo).post(
        reverse("people:staff_create"), new_staff({"school": school}, school="")
    )
    assert response.status_code == 200
    profile = StaffProfile.objects.get(user__username="cnewman")
    assert profile.school is None and profile.trust == dpo.staff.trust


def test_the_creator_is_asked_for_no_password(client, head) -> None:
    """Issue 14: the staff form has no password field; the holder chooses it through the invitation."""
    page = sign_in(client, head).get(reverse("people:staff_create")).content.decode()
    assert 'name="password"' not in page and "Initial password" not in page


def test_reset_sign_in_is_post_only(client, head, alice) -> None:
    sign_in(client, head)
    assert client.get(reverse("people:reset_sign_in", args=[alice.staff.pk])).status_code == 405


def test_staff_list_refuses_a_school_outside_reach(client, head, other_school) -> None:
    sign_in(client, head)
    assert client.get(f"{reverse('people:staff_list')}?school={other_school.pk}").status_code == 404


def test_nav_links_to_staff_for_people_view_holders(client, head, school) -> None:
    sign_in(client, head)
    assert (
        f'href="{reverse("people:staff_list")}"' in client.get(reverse("people:staff_list")).content.decode()
    )
    admin = person(Role.CCTV_ADMIN, school)
    page = sign_in(Client(), admin).get("/").content.decode()
    assert f'href="{reverse("people:staff_list")}"' not in page
