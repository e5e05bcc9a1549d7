"""Issue 15 §4: routine decisions of one kind taken together with one fresh code — copies deleted
(Appendix I) or kept longer (13.2) — each copy checked, done and audited on its own; decisions that weigh a
case (viewing, 9.2; disclosures, 11.3) are never taken together (core/together.py)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.evidence.downloads import ask, authorise, build, footage
from tests.factories import person
from tests.permission_case import ViewCase, run_view_case
from tests.viewing.conftest import code_for, wrong_code_for
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core import together
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence import services
from watchkeeper.evidence.models import Download
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db
OFFICER = "DC Ravi Patel, 1207, Midshire Police"


@pytest.fixture
def ctx(school, other_school, pieces) -> dict[str, Any]:
    return footage({"school": school, "other_school": other_school, "pieces": pieces})


def copies(ctx: dict[str, Any], count: int = 2) -> list[Download]:
    """One package really built, and more rows of the log like it (the same request's copies), each due
    for deletion in three days."""
    decided = authorise(ctx, ask(ctx))
    first = build(decided.request, decided.password or "")
    made = [first]
    for n in range(1, count):
        twin = Download.objects.get(pk=first.pk)
        twin.pk, twin.package_file = None, f"copy-{n}.wkpkg"
        twin.save()
        made.append(twin)
    soon = timezone.localdate() + timedelta(days=3)
    Download.objects.filter(pk__in=[d.pk for d in made]).update(expires_on=soon)
    return list(Download.objects.filter(pk__in=[d.pk for d in made]).order_by("pk"))


# --- the rule ------------------------------------------------------------------------------------------


@pytest.mark.clause("9.2", "11.3", "11.5")
@pytest.mark.parametrize("kind", ["viewing", "disclosure", "foi", "download"])
def test_viewing_authorisations_and_disclosures_are_never_decided_together(kind: str) -> None:
    problems = together.together_problems(kind, [object(), object()])
    assert problems and "one at a time" in problems[0]


@pytest.mark.clause("9.2", "11.3")
def test_a_batch_of_viewing_decisions_is_refused_before_any_code(school) -> None:
    head = person(Role.HEADTEACHER, school)
    with pytest.raises(PolicyRefusal, match="9.2: each request to view recorded footage"):
        together.decide_together(
            head,
            "viewing",
            [school],
            code=code_for(head),
            now=timezone.now(),
            problems=lambda item: [],
            step=lambda item, fresh: item,
        )
    with pytest.raises(PolicyRefusal, match="11.3, 11.5: each disclosure is decided on its own merits"):
        together.decide_together(
            head,
            "disclosure",
            [school],
            code=code_for(head),
            now=timezone.now(),
            problems=lambda item: [],
            step=lambda item, fresh: item,
        )
    assert not AuditEvent.objects.filter(action__endswith="second_factor_refused").exists()


def test_routine_kinds_need_one_school_and_at_least_one_item() -> None:
    assert together.together_problems(together.COPY_DELETION, []) == ["Appendix I: choose at least one item"]
    assert "one school" in together.together_problems(together.COPY_EXTENSION, [_At(1), _At(2)])[0]
    assert together.together_problems("something", [_At(1)])[0].startswith(
        "Appendix I, 13.2, 9.6: only routine"
    )


class _At:
    def __init__(self, school_id: int) -> None:
        self.school_id = school_id


# --- deletions ------------------------------------------------------------------------------------------


@pytest.mark.clause("Appendix I", "13.2")
def test_copies_are_deleted_together_with_one_code_each_audited(ctx) -> None:
    chosen = copies(ctx, 3)
    head = ctx["head"]
    done = services.delete_copies_together(head, chosen, otp_code=code_for(head, 1), now=timezone.now())
    assert [d.pk for d in done] == [d.pk for d in chosen]
    for download in Download.objects.filter(pk__in=[d.pk for d in chosen]):
        assert (
            download.deleted_at and download.wrapped_key is None and download.deletion_authorised_by == head
        )
    events = AuditEvent.objects.filter(action=services.COPY_DELETED)
    assert sorted(int(e.object_id) for e in events) == sorted(d.pk for d in chosen)


def test_nothing_is_deleted_unless_every_copy_can_be(ctx) -> None:
    chosen = copies(ctx, 2)
    head = ctx["head"]
    services.authorise_deletion(head, chosen[1], code_for(head, 1), now=timezone.now())
    chosen[1].refresh_from_db()
    with pytest.raises(PolicyRefusal, match=re.escape(f"not yet deleted can be deleted ({chosen[1]})")):
        services.delete_copies_together(head, chosen, otp_code=code_for(head, -1), now=timezone.now())
    chosen[0].refresh_from_db()
    assert chosen[0].deleted_at is None


def test_a_wrong_code_deletes_nothing_and_someone_else_may_not_delete(ctx) -> None:
    chosen = copies(ctx, 2)
    with pytest.raises(PolicyRefusal, match="authenticator code"):
        services.delete_copies_together(
            ctx["head"], chosen, otp_code=wrong_code_for(ctx["head"]), now=timezone.now()
        )
    with pytest.raises(PermissionDenied):
        services.delete_copies_together(
            ctx["reviewer"], chosen, otp_code=code_for(ctx["reviewer"]), now=timezone.now()
        )
    assert not Download.objects.exclude(deleted_at=None).exists()


# --- extensions ------------------------------------------------------------------------------------------


@pytest.mark.clause("13.2")
def test_copies_are_kept_longer_together_for_one_asker_each_audited(ctx) -> None:
    chosen = copies(ctx, 2)
    dpo = person(Role.DPO, None)
    later = timezone.localdate() + timedelta(days=200)
    services.extend_copies_together(
        dpo,
        chosen,
        new_date=later,
        reason="Trial set for next year, ref CR-123",
        asked_by=OFFICER,
        otp_code=code_for(dpo),
        now=timezone.now(),
    )
    for download in Download.objects.filter(pk__in=[d.pk for d in chosen]):
        assert (download.expires_on, download.expiry_asked_by, download.expiry_set_by) == (
            later,
            OFFICER,
            dpo,
        )
    assert AuditEvent.objects.filter(action=services.COPY_EXTENDED).count() == 2


def test_an_extension_together_is_checked_per_copy(ctx) -> None:
    chosen = copies(ctx, 2)
    dpo = person(Role.DPO, None)
    with pytest.raises(PolicyRefusal, match="later than today"):
        services.extend_copies_together(
            dpo,
            chosen,
            new_date=timezone.localdate(),
            reason="Trial",
            asked_by=OFFICER,
            otp_code=code_for(dpo),
            now=timezone.now(),
        )
    with pytest.raises(PermissionDenied):
        services.extend_copies_together(
            ctx["reviewer"],
            chosen,
            new_date=timezone.localdate() + timedelta(days=200),
            reason="Trial",
            asked_by=OFFICER,
            otp_code=code_for(ctx["reviewer"]),
            now=timezone.now(),
        )
    assert not AuditEvent.objects.filter(action=services.COPY_EXTENDED).exists()


# --- the pages ------------------------------------------------------------------------------------------


def at_school(name: str) -> Any:
    return lambda ctx: f"{reverse(f'evidence:{name}')}?school={ctx['school'].pk}"


def with_copies(ctx: dict[str, Any]) -> None:
    footage(ctx)
    ctx["copies"] = copies(ctx, 2)


def delete_data(ctx: dict[str, Any]) -> dict[str, Any]:
    user = ctx.get("user")
    return {"copies": [d.pk for d in ctx["copies"]], "code": code_for(user, 1) if user else "000000"}


def extend_data(ctx: dict[str, Any]) -> dict[str, Any]:
    later = timezone.localdate() + timedelta(days=200)
    return delete_data(ctx) | {"asked_by": OFFICER, "new_date": later.isoformat(), "reason": "Trial"}


def all_deleted(ctx: dict[str, Any], response: Any) -> None:
    assert not Download.objects.filter(deleted_at=None).exists()


def all_extended(ctx: dict[str, Any], response: Any) -> None:
    assert set(Download.objects.values_list("expiry_asked_by", flat=True)) == {OFFICER}


def lists_each_copy(ctx: dict[str, Any], response: Any) -> None:
    page = response.content.decode()
    for download in ctx["copies"]:
        assert download.package_file in page and f'value="{download.pk}"' in page


CASES = [
    ViewCase(
        "delete-together-page",
        at_school("copies_delete_together"),
        Role.HEADTEACHER,
        Role.FOOTAGE_REVIEWER,
        setup=with_copies,
        check=lists_each_copy,
    ),
    ViewCase(
        "delete-together",
        at_school("copies_delete_together"),
        Role.HEADTEACHER,
        Role.FOOTAGE_REVIEWER,
        method="post",
        data=delete_data,
        ok=(302,),
        setup=with_copies,
        check=all_deleted,
    ),
    ViewCase(
        "extend-together-page",
        at_school("copies_extend_together"),
        Role.DPO,
        Role.FOOTAGE_REVIEWER,
        trust_wide=True,
        setup=with_copies,
        check=lists_each_copy,
    ),
    ViewCase(
        "extend-together",
        at_school("copies_extend_together"),
        Role.HEADTEACHER,
        Role.FOOTAGE_REVIEWER,
        method="post",
        data=extend_data,
        ok=(302,),
        setup=with_copies,
        check=all_extended,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_permission_case(case: ViewCase, school, other_school, pieces) -> None:
    run_view_case(case, {"school": school, "other_school": other_school, "pieces": pieces})


def test_a_refused_batch_shows_why_in_the_form(ctx) -> None:
    chosen = copies(ctx, 2)
    client = sign_in(Client(), ctx["head"])
    url = f"{reverse('evidence:copies_delete_together')}?school={ctx['school'].pk}"
    response = client.post(url, {"copies": [d.pk for d in chosen], "code": wrong_code_for(ctx["head"])})
    assert response.status_code == 400 and "authenticator code" in response.content.decode()
    assert not Download.objects.exclude(deleted_at=None).exists()
