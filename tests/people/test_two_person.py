"""The two-person rule across accounts (9.2, 9.5; people/two_person.py, people/own_account.py): who may
decide a request asked for from an account someone else could act as, when the rule lifts, and what is
recorded and audited."""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import CameraFactory, person, recorded
from tests.people.accounts import Made, approve, ask, ask_download, made_by
from tests.viewing.conftest import RECORDED, code_for
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.actors import SYSTEM
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence import services as evidence
from watchkeeper.evidence.models import DownloadRequest, RequestStatus
from watchkeeper.people import own_account, services, two_person
from watchkeeper.people.models import Credential, CredentialSetting, Role
from watchkeeper.viewing.models import Status

pytestmark = pytest.mark.django_db
START, END = RECORDED, RECORDED + timedelta(minutes=10)
NEW_PASSWORD = "the holder's own passphrase"


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def gate(school):
    return recorded(CameraFactory(school=school, name="Main gate"), RECORDED, minutes=10)


@pytest.fixture
def head(school):
    return person(Role.HEADTEACHER, school, first_name="Helen", last_name="Head")


@pytest.fixture
def dpo():
    return person(Role.DPO, None, first_name="Dora", last_name="Dpo")


def take_ownership(made: Made, *, password: bool = True, authenticator: bool = True) -> None:
    if password:
        own_account.change_own_password(made.user, NEW_PASSWORD, now=timezone.now())
    if authenticator:
        device = own_account.start_enrolment(made.user)
        made.secret, made.steps = services.totp_secret(device), 0
        own_account.confirm_enrolment(made.user, made.code(), now=timezone.now())


# --- who may decide instead -----------------------------------------------------------------------------


@pytest.mark.clause("9.2", "9.5")
def test_another_head_of_the_school_may_decide_what_the_setter_may_not(school, gate, head) -> None:
    puppet = made_by(head, school, "rnew", Role.FOOTAGE_REVIEWER)
    auth = ask(puppet.user, gate)
    with pytest.raises(PolicyRefusal, match="9.2: you set the password and authenticator of Second Rnew"):
        approve(head, auth)
    second_head = person(Role.HEADTEACHER, school)
    assert approve(second_head, auth).status == Status.APPROVED


def test_the_dpo_may_decide_a_rerouted_request_of_any_school(school, gate, head, dpo) -> None:
    puppet = made_by(head, school, "rnew", Role.FOOTAGE_REVIEWER)
    auth = ask(puppet.user, gate)
    assert approve(dpo, auth).status == Status.APPROVED
    assert AuditEvent.objects.get(action="viewing.approved").actor == dpo

    req = ask_download(puppet.user, gate)
    decided = evidence.decide_download(dpo, req, approve=True, otp_code=code_for(dpo, 1), now=timezone.now())
    assert decided.request.status == RequestStatus.APPROVED and decided.password


def test_the_dpo_decides_only_rerouted_requests(school, gate, dpo) -> None:
    reviewer = person(Role.FOOTAGE_REVIEWER, school)  # an account of its holder's own
    with pytest.raises(PermissionDenied):
        approve(dpo, ask(reviewer, gate))
    with pytest.raises(PermissionDenied):
        evidence.decide_download(
            dpo, ask_download(reviewer, gate), approve=True, otp_code=code_for(dpo), now=timezone.now()
        )


def test_when_the_dpo_set_the_credentials_another_dpo_decides(school, gate, head, dpo) -> None:
    puppet = made_by(dpo, school, "rnew", Role.FOOTAGE_REVIEWER)
    auth = ask(puppet.user, gate)
    with pytest.raises(PolicyRefusal, match="so another Data Protection Officer"):
        approve(dpo, auth)
    assert approve(person(Role.DPO, None), auth).status == Status.APPROVED


def test_a_chain_of_accounts_does_not_hide_who_set_them(school, gate, dpo) -> None:
    """The DPO makes a Headteacher account, makes a reviewer as it, asks as the reviewer: the DPO may not
    decide, although the reviewer's credentials were set 'by the Headteacher'."""
    made_head = made_by(dpo, school, "hnew", Role.DESIGNATED_PERSON)
    services.grant_role(SYSTEM, made_head.user, Role.HEADTEACHER, school, now=timezone.now())
    puppet = made_by(made_head.user, school, "rnew", Role.FOOTAGE_REVIEWER)
    auth = ask(puppet.user, gate)
    with pytest.raises(PolicyRefusal, match="you set the password or authenticator of someone who set those"):
        approve(dpo, auth)
    with pytest.raises(PolicyRefusal, match="9.2: you set the password and authenticator of Second Rnew"):
        approve(made_head.user, auth, made_head.code())


@pytest.mark.clause("9.5")
def test_a_reissue_is_refused_to_the_setter_too(school, gate, head) -> None:
    puppet = made_by(head, school, "rnew", Role.FOOTAGE_REVIEWER)
    req = ask_download(puppet.user, gate)
    DownloadRequest.objects.filter(pk=req.pk).update(status=RequestStatus.FAILED)
    req.refresh_from_db()
    with pytest.raises(PolicyRefusal, match="9.5: you set the password and authenticator"):
        evidence.reissue_download(head, req, otp_code=code_for(head))


# --- when the rule lifts -----------------------------------------------------------------------------------


def test_the_rule_lifts_only_when_the_holder_replaced_both(school, gate, head) -> None:
    puppet = made_by(head, school, "rnew", Role.FOOTAGE_REVIEWER)
    take_ownership(puppet, authenticator=False)
    assert not two_person.is_own(puppet.user)
    with pytest.raises(PolicyRefusal, match="you set the authenticator of Second Rnew"):
        approve(head, ask(puppet.user, gate))

    take_ownership(puppet, password=False)
    assert two_person.is_own(puppet.user)
    assert approve(head, ask(puppet.user, gate), code_for(head, 1)).status == Status.APPROVED


def test_a_request_asked_while_the_account_was_not_its_own_stays_with_another_decider(
    school, gate, head
) -> None:
    """Whoever could act as the account when it asked may have asked: they still may not decide it."""
    puppet = made_by(head, school, "rnew", Role.FOOTAGE_REVIEWER)
    auth = ask(puppet.user, gate)
    take_ownership(puppet)
    with pytest.raises(PolicyRefusal, match="you set the password and authenticator of Second Rnew"):
        approve(head, auth)


@pytest.mark.clause("9.2", "9.5")
def test_a_reset_by_the_head_leaves_the_head_nothing_to_act_as(school, gate, head) -> None:
    """Issue 14: a reset is a new invitation: the head learns no new secret, so sets nothing; the account
    cannot sign in or decide until its holder has used the invitation."""
    puppet = made_by(head, school, "rnew", Role.FOOTAGE_REVIEWER)
    take_ownership(puppet)
    auth = ask(puppet.user, gate)
    services.reset_sign_in(head, puppet.user, link="/invitation/{token}/", now=timezone.now())
    assert two_person.setters(puppet.user.pk) == {}
    assert not TOTPDevice.objects.filter(user=puppet.user).exists()
    assert not puppet.user.has_usable_password()
    assert approve(head, auth).status == Status.APPROVED


def test_system_sets_credentials_for_nobody(school, gate, head) -> None:
    made = made_by(SYSTEM, school, "rsys", Role.FOOTAGE_REVIEWER)
    assert two_person.is_own(made.user)
    assert set(CredentialSetting.objects.filter(user=made.user).values_list("set_by", flat=True)) == {None}
    assert approve(head, ask(made.user, gate)).status == Status.APPROVED


# --- the holder's own steps ---------------------------------------------------------------------------------


def test_each_step_is_recorded_and_audited_and_the_last_names_who_had_set_them(school, head) -> None:
    puppet = made_by(head, school, "rnew", Role.FOOTAGE_REVIEWER)
    own_account.change_own_password(puppet.user, NEW_PASSWORD, now=timezone.now())
    puppet.user.refresh_from_db()
    assert puppet.user.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="people.password_changed", actor=puppet.user).count() == 1
    assert not AuditEvent.objects.filter(action="people.account_made_own").exists()

    old = TOTPDevice.objects.get(user=puppet.user)
    device = own_account.start_enrolment(puppet.user)
    assert not device.confirmed and TOTPDevice.objects.filter(user=puppet.user).count() == 2
    with pytest.raises(PolicyRefusal, match="that code is not right"):
        own_account.confirm_enrolment(
            puppet.user, puppet.code(), now=timezone.now()
        )  # the old authenticator's code
    assert TOTPDevice.objects.filter(pk=old.pk, confirmed=True).exists()

    device = own_account.start_enrolment(puppet.user)  # starting again replaces the unfinished one
    assert TOTPDevice.objects.filter(user=puppet.user).count() == 2
    puppet.secret, puppet.steps = services.totp_secret(device), 0
    own_account.confirm_enrolment(puppet.user, puppet.code(), now=timezone.now())
    assert list(TOTPDevice.objects.filter(user=puppet.user).values_list("pk", "confirmed")) == [
        (device.pk, True)
    ]
    assert AuditEvent.objects.filter(action="people.second_factor_enrolled", actor=puppet.user).count() == 1
    made_own = AuditEvent.objects.get(action="people.account_made_own")
    assert made_own.actor == puppet.user
    assert made_own.details == {"second_factor_set_by": head.username}  # the password was replaced first
    rows = CredentialSetting.objects.filter(user=puppet.user).order_by("set_at", "pk")
    assert [(r.credential, r.set_by_id) for r in rows] == [
        (Credential.PASSWORD, head.pk),
        (Credential.SECOND_FACTOR, head.pk),
        (Credential.PASSWORD, puppet.user.pk),
        (Credential.SECOND_FACTOR, puppet.user.pk),
    ]


def test_confirming_with_nothing_started_is_refused(school) -> None:
    user = person(Role.FOOTAGE_REVIEWER, school)
    with pytest.raises(PolicyRefusal, match="start again"):
        own_account.confirm_enrolment(user, "123456", now=timezone.now())


def test_accounts_made_before_the_record_are_read_from_the_audit_log(school, head) -> None:
    """Migration 0003: accounts created (or reset) by a person before this change still count as theirs."""
    made = made_by(head, school, "rold", Role.FOOTAGE_REVIEWER)
    made_sys = made_by(SYSTEM, school, "rsys", Role.FOOTAGE_REVIEWER)
    CredentialSetting.objects.all().delete()  # as before the migration
    migration = importlib.import_module("watchkeeper.people.migrations.0003_credential_settings_from_audit")
    migration.from_audit(apps, None)
    assert two_person.setters(made.user.pk) == {head.pk: {Credential.PASSWORD, Credential.SECOND_FACTOR}}
    assert two_person.is_own(made_sys.user)
