"""Issue 13 §3 in the evidence workflow: Appendix I's "date and time that recording was downloaded" is when
the copy first left the system (its first fetch), not its build; a police request to keep a copy longer is
recorded on the copy itself (who asked, until when, why); internal copies get a keep-until date too (13.2,
13.1)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.evidence.downloads import ask, authorise, build, footage
from tests.factories import person
from watchkeeper.audit.models import AuditEvent
from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.evidence import services
from watchkeeper.evidence.models import Download, Purpose
from watchkeeper.people.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(school, other_school, pieces) -> dict[str, Any]:
    return footage({"school": school, "other_school": other_school, "pieces": pieces})


def built(ctx: dict[str, Any], **overrides: Any) -> Download:
    decided = authorise(ctx, ask(ctx, **overrides))
    assert decided.password is not None
    return build(decided.request, decided.password)


def downloaded_cell(download: Download) -> str:
    download.refresh_from_db()
    return services.columns(download)[1]


@pytest.mark.clause("Appendix I", "R13")
def test_the_log_says_downloaded_when_the_copy_is_first_fetched_not_when_it_is_built(ctx) -> None:
    download = built(ctx)
    assert download.handed_over_at is None
    assert downloaded_cell(download).startswith("Not yet downloaded (package built ")
    first = timezone.now() + timedelta(hours=3)
    b"".join(services.fetch_copy(ctx["head"], download, now=first))
    download.refresh_from_db()
    assert (download.handed_over_at, download.handed_over_by) == (first, ctx["head"])
    assert downloaded_cell(download) == f"{services.when(first)} by Helen Head"
    # A later fetch is not the hand-over: the first one stands, each is audited.
    b"".join(services.fetch_copy(ctx["reviewer"], download, now=first + timedelta(days=1)))
    download.refresh_from_db()
    assert download.handed_over_at == first
    fetched = AuditEvent.objects.filter(action=services.COPY_FETCHED).order_by("seq")
    assert [e.details["first"] for e in fetched] == [True, False]


@pytest.mark.clause("Appendix I", "R13")
def test_the_csv_export_shows_the_hand_over_time(ctx, school) -> None:
    download = built(ctx)
    first = timezone.now() + timedelta(minutes=5)
    b"".join(services.fetch_copy(ctx["head"], download, now=first))
    rows = list(csv.reader(io.StringIO("".join(services.export_log_csv(ctx["head"], school)))))
    assert rows[0][1] == "Date and time that recording was downloaded"
    assert rows[1][1].startswith(services.when(first))


@pytest.mark.clause("13.2", "R14")
def test_a_police_request_to_keep_longer_goes_onto_the_copy(ctx) -> None:
    until = timezone.localdate() + timedelta(days=400)
    download = built(
        ctx,
        keep_until=until,
        keep_asked_by="PC Jane Smith, 4471 (Avon and Somerset Police)",
        keep_reason="Trial not before next year",
    )
    assert download.expires_on == until
    assert download.expiry_asked_by == "PC Jane Smith, 4471 (Avon and Somerset Police)"
    assert download.expiry_note == "Trial not before next year" and download.expiry_set_at is not None
    event = AuditEvent.objects.get(action=services.REQUESTED)
    assert event.details["keep_until"] == until.isoformat()


@pytest.mark.clause("13.2", "R14")
def test_only_the_police_ask_to_keep_longer_and_say_who_and_why(ctx) -> None:
    until = timezone.localdate() + timedelta(days=400)
    with pytest.raises(PolicyRefusal, match="only the police"):
        ask(ctx, purpose=Purpose.THIRD_PARTY, keep_until=until, keep_asked_by="A", keep_reason="B")
    with pytest.raises(PolicyRefusal, match="who asked"):
        ask(ctx, keep_until=until, keep_asked_by=" ", keep_reason="B")
    with pytest.raises(PolicyRefusal, match="in the future"):
        ask(ctx, keep_until=timezone.localdate(), keep_asked_by="A", keep_reason="B")
    today = date(2026, 5, 1)
    assert services.keep_problems(Purpose.POLICE, date(2026, 12, 1), "PC", "trial", today) == []


@pytest.mark.clause("13.1", "13.2", "R14")
def test_an_internal_copy_gets_a_keep_until_date_and_is_flagged_when_due(ctx) -> None:
    download = built(ctx, purpose=Purpose.INTERNAL, requestor_user=ctx["reviewer"], recipient_name="")
    built_on = timezone.localdate(download.downloaded_at)
    assert download.expires_on == built_on + timedelta(days=services.INTERNAL_KEEP_DAYS)
    assert services.check_copies(download.expires_on + timedelta(days=1)).overdue == 1
    dpo = person(Role.DPO, None)
    assert download in services.flagged_copies(dpo, download.expires_on)


@pytest.mark.clause("9.5", "Appendix I", "R13")
def test_a_viewing_is_not_recorded_before_the_copy_was_handed_over(ctx) -> None:
    download = built(ctx)
    handed = timezone.now() + timedelta(minutes=30)
    b"".join(services.fetch_copy(ctx["head"], download, now=handed))
    later = handed + timedelta(hours=1)
    with pytest.raises(PolicyRefusal, match="before the recording was downloaded"):
        services.record_viewing(ctx["head"], download, handed - timedelta(minutes=1), now=later)
    services.record_viewing(ctx["head"], download, handed + timedelta(minutes=5), now=later)


@pytest.mark.clause("Appendix I", "R13")
def test_copies_fetched_before_the_field_existed_get_it_from_the_audit_trail(ctx) -> None:
    from importlib import import_module

    from django.apps import apps

    download = built(ctx)
    first = timezone.now() + timedelta(minutes=2)
    b"".join(services.fetch_copy(ctx["reviewer"], download, now=first))
    b"".join(services.fetch_copy(ctx["head"], download, now=first + timedelta(hours=1)))
    Download.objects.filter(pk=download.pk).update(handed_over_at=None, handed_over_by=None)
    import_module("watchkeeper.evidence.migrations.0009_backfill_handed_over").backfill(apps, None)
    download.refresh_from_db()
    event = AuditEvent.objects.filter(action=services.COPY_FETCHED).order_by("seq").first()
    assert event is not None
    assert (download.handed_over_at, download.handed_over_by) == (event.at, ctx["reviewer"])


@pytest.mark.clause("9.5", "Appendix I", "R13")
def test_a_hand_over_outside_the_app_is_recorded_with_its_recipient(ctx, school) -> None:
    download = built(ctx)
    now = download.downloaded_at + timedelta(hours=2)
    at = (download.downloaded_at + timedelta(hours=1)).replace(microsecond=0)
    with pytest.raises(PolicyRefusal) as refused:
        services.record_hand_over(ctx["head"], download, " ", now + timedelta(minutes=1), now=now)
    assert "who received" in str(refused.value) and "in the future" in str(refused.value)
    with pytest.raises(PolicyRefusal, match="before the package was built"):
        services.record_hand_over(
            ctx["head"],
            download,
            "PC Jane Smith (Avon Police)",
            download.downloaded_at - timedelta(hours=1),
            now=now,
        )
    with pytest.raises(PermissionDenied):
        live = person(Role.LIVE_VIEWER, school)
        services.record_hand_over(live, download, "PC Jane Smith (Avon Police)", at, now=now)
    services.record_hand_over(ctx["head"], download, "PC Jane Smith (Avon Police)", at, now=now)
    download.refresh_from_db()
    assert (download.handed_over_at, download.handed_over_by) == (at, ctx["head"])
    assert downloaded_cell(download) == f"{services.when(at)} by Helen Head, to PC Jane Smith (Avon Police)"
    event = AuditEvent.objects.get(action=services.COPY_HANDED_OVER)
    assert event.details["received_by"] == "PC Jane Smith (Avon Police)" and event.details["first"] is True
    rows = list(csv.reader(io.StringIO("".join(services.export_log_csv(ctx["head"], school)))))
    assert rows[1][1].endswith("to PC Jane Smith (Avon Police)")
    # A later fetch from the app does not move the first hand-over.
    b"".join(services.fetch_copy(ctx["head"], download, now=now))
    download.refresh_from_db()
    assert download.handed_over_at == at


@pytest.mark.clause("Appendix I", "R13")
def test_a_hand_over_after_a_fetch_keeps_the_fetch_and_names_the_recipient(ctx) -> None:
    download = built(ctx)
    fetched = download.downloaded_at + timedelta(minutes=10)
    b"".join(services.fetch_copy(ctx["head"], download, now=fetched))
    given = (fetched + timedelta(hours=1)).replace(microsecond=0)
    services.record_hand_over(ctx["head"], download, "DC Ravi Patel (Midshire Police)", given, now=given)
    download.refresh_from_db()
    assert download.handed_over_at == fetched
    recipient = f"handed to DC Ravi Patel (Midshire Police) {services.when(given)}"
    assert downloaded_cell(download) == f"{services.when(fetched)} by Helen Head; {recipient}"
