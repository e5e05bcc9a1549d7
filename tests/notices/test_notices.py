"""E-mail notices (issue 15 §3): a reference and a link only, the person's choice respected except for
statutory deadlines, deadline notices once per threshold, through a real SMTP server and the file backend."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories import CameraFactory, person, recorded
from tests.notices.conftest import NOW, viewing_request
from watchkeeper.audit.models import AuditEvent
from watchkeeper.estate.models import CameraStatus
from watchkeeper.notices import kinds
from watchkeeper.notices.deadlines import send_deadline_notices, threshold
from watchkeeper.notices.models import OptOut, SentNotice, Threshold
from watchkeeper.notices.services import choose, notify
from watchkeeper.people.models import Role
from watchkeeper.recording.models import Hold
from watchkeeper.subjectaccess.services import log_case
from watchkeeper.viewing.models import Status

pytestmark = pytest.mark.django_db
R = Role


@pytest.mark.parametrize(
    ("due_in", "expected"),
    [
        (timedelta(days=8), None),
        (timedelta(days=7), Threshold.WEEK),
        (timedelta(days=2), Threshold.WEEK),
        (timedelta(hours=24), Threshold.DAY),
        (timedelta(minutes=1), Threshold.DAY),
        (timedelta(0), Threshold.OVERDUE),
        (-timedelta(days=3), Threshold.OVERDUE),
    ],
)
def test_the_threshold_crossed(due_in: timedelta, expected: Threshold | None) -> None:
    assert threshold(NOW + due_in, NOW) == expected
    assert threshold(None, NOW) is None


def test_a_notice_names_a_reference_and_a_link_and_nothing_about_anyone(
    school, settings, django_capture_on_commit_callbacks
) -> None:
    settings.WATCHKEEPER_PUBLIC_URL = "https://cctv.school.example"
    head = person(R.HEADTEACHER, school, email="head@school.example")
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify([head], kind=kinds.VIEWING, reference="Footage request 7", url="/viewing/7/", now=NOW)
    assert sent == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["head@school.example"] and "Footage request 7" in message.subject
    assert "https://cctv.school.example/viewing/7/" in message.body
    assert head.last_name not in message.body + message.subject


def test_a_notice_link_is_absolute_without_a_public_address(
    school, settings, django_capture_on_commit_callbacks
) -> None:
    """Issue 15 §3: without WATCHKEEPER_PUBLIC_URL the link carries where `up`/`serve` listen (which they set
    for their children), else serve's default address; never a bare path a mail program cannot open."""
    settings.WATCHKEEPER_PUBLIC_URL = ""
    settings.WATCHKEEPER_SERVED_URL = ""
    head = person(R.HEADTEACHER, school, email="head@school.example")
    with django_capture_on_commit_callbacks(execute=True):
        notify([head], kind=kinds.VIEWING, reference="Footage request 8", url="/viewing/8/", now=NOW)
        settings.WATCHKEEPER_SERVED_URL = "http://127.0.0.1:8174"
        notify([head], kind=kinds.VIEWING, reference="Footage request 9", url="/viewing/9/", now=NOW)
    assert "Open it here: http://127.0.0.1:8000/viewing/8/\n" in mail.outbox[0].body
    assert "Open it here: http://127.0.0.1:8174/viewing/9/\n" in mail.outbox[1].body


def test_a_decision_notice_is_dropped_when_it_was_decided_before_it_left(
    school, django_capture_on_commit_callbacks
) -> None:
    """Issue 15 §5 (the demo's stale "download waits"): asked and decided in one transaction, nobody is told
    it waits; one still waiting when the transaction commits is told."""
    head = person(R.HEADTEACHER, school, email="head@school.example")
    reviewer = person(R.FOOTAGE_REVIEWER, school)
    with django_capture_on_commit_callbacks(execute=True):
        decided = viewing_request(school, reviewer)
        notify([head], kind=kinds.VIEWING, reference="Footage request A", url="/v/", now=NOW, waiting=decided)
        decided.status = Status.APPROVED  # the same row, changed in place, as a decision service does
        decided.save()
        waiting = viewing_request(school, reviewer)
        notify([head], kind=kinds.VIEWING, reference="Footage request B", url="/v/", now=NOW, waiting=waiting)
    assert [m.subject for m in mail.outbox] == ["Watchkeeper: Footage request B needs you"]


def test_people_choose_their_notices_but_not_statutory_deadlines(
    school, django_capture_on_commit_callbacks
) -> None:
    head = person(R.HEADTEACHER, school, email="head@school.example")
    choose(head, head, [kinds.SAR], now=NOW)  # everything else off
    assert OptOut.objects.filter(user=head, kind=kinds.VIEWING).exists()
    assert AuditEvent.objects.filter(action="notices.choices_changed").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([head], kind=kinds.VIEWING, reference="Footage request 1", url="/", now=NOW) == 0
        assert notify([head], kind=kinds.DEADLINE, reference="SAR-1", url="/", now=NOW, statutory=True) == 1
        assert notify([head], kind="breaches.reported", reference="Breach 1", url="/", now=NOW) == 0  # other
    assert len(mail.outbox) == 1
    with pytest.raises(PermissionError):
        choose(person(R.DPO, None), head, [], now=NOW)


@pytest.mark.clause("9.6")
def test_a_deadline_notice_goes_once_per_threshold(school, django_capture_on_commit_callbacks) -> None:
    admin = person(R.CCTV_ADMIN, school, email="admin@school.example")
    hold = Hold.objects.create(
        school=school, start=NOW, end=NOW, reason="x", owner=admin, review_on=NOW.date() + timedelta(days=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_deadline_notices(NOW).sent == 1
        assert send_deadline_notices(NOW + timedelta(hours=1)).sent == 0  # the same threshold: once
        later = NOW + timedelta(days=3, hours=1)  # within a day of the end of the review day
        assert send_deadline_notices(later).sent == 1
        assert send_deadline_notices(NOW + timedelta(days=5)).sent == 1  # overdue
    assert [m.subject for m in mail.outbox] == [
        f"Watchkeeper: Hold {hold.pk} is due within 7 days",
        f"Watchkeeper: Hold {hold.pk} is due within 1 day",
        f"Watchkeeper: Hold {hold.pk} is overdue",
    ]
    assert SentNotice.objects.filter(user=admin).count() == 3


@pytest.mark.clause("10.2")
def test_a_statutory_deadline_notice_goes_even_to_someone_who_switched_deadlines_off(
    school, django_capture_on_commit_callbacks
) -> None:
    handler = person(R.SAR_HANDLER, school, email="sar@school.example")
    choose(handler, handler, [], now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        case = log_case(
            person(R.HEADTEACHER, school),
            school=school,
            received_on=NOW.date() - timedelta(days=27),
            requester_name="A Parent",
            requester_contact="1 High Street",
            description="Red coat",
            cameras=[CameraFactory(school=school)],
            window_start=NOW - timedelta(days=30),
            window_end=NOW - timedelta(days=30) + timedelta(hours=1),
            identity_basis="known_to_staff",
            identity_note="Known to the office",
            today=NOW.date(),
        )
        assert send_deadline_notices(NOW).sent == 1
    assert [m.subject for m in mail.outbox] == [f"Watchkeeper: {case.reference} is due within 7 days"]


def test_notices_go_through_a_real_smtp_server(
    school, smtp_server, django_capture_on_commit_callbacks
) -> None:
    head = person(R.HEADTEACHER, school, email="head@school.example")
    with django_capture_on_commit_callbacks(execute=True):
        viewing = viewing_request(school, person(R.FOOTAGE_REVIEWER, school))
        notify([head], kind=kinds.VIEWING, reference=f"Footage request {viewing.pk}", url="/v/", now=NOW)
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["head@school.example"]
    received = message_from_bytes(envelope.content)
    assert received["Subject"] == f"Watchkeeper: Footage request {viewing.pk} needs you"


def test_without_smtp_notices_are_files_in_the_data_dirs_mail_folder(
    school, settings, tmp_path: Path, django_capture_on_commit_callbacks
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    head = person(R.HEADTEACHER, school, email="head@school.example")
    with django_capture_on_commit_callbacks(execute=True):
        notify([head], kind=kinds.VIEWING, reference="Footage request 3", url="/viewing/3/", now=NOW)
    (written,) = (tmp_path / "mail").iterdir()
    assert "Footage request 3" in written.read_text()


def test_the_settings_write_to_the_mail_folder_without_an_smtp_host() -> None:
    from django.conf import settings as live

    if live.WATCHKEEPER_SMTP_HOST:  # pragma: no cover - a developer's own environment
        pytest.skip("WATCHKEEPER_SMTP_HOST is set")
    from watchkeeper import settings as module

    assert module.EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend"
    assert module.EMAIL_FILE_PATH == module.DATA_DIR / "mail"


@pytest.mark.clause("9.2")
def _recording(school, now):  # type: ignore[no-untyped-def]
    """A camera in service with footage in the hour before last (a request over none is refused, 15 §2)."""
    return recorded(CameraFactory(school=school, status=CameraStatus.ACTIVE), now - timedelta(minutes=90))


def test_a_viewing_request_tells_the_headteacher_not_the_asker(
    school, django_capture_on_commit_callbacks
) -> None:
    from django.utils import timezone

    from watchkeeper.viewing.services import request_authorisation

    person(R.HEADTEACHER, school, email="head@school.example")
    person(R.HEADTEACHER, school, email="")  # no address: nothing to send
    asker = person(R.FOOTAGE_REVIEWER, school, email="asker@school.example")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        auth = request_authorisation(
            asker,
            [_recording(school, now)],
            now - timedelta(hours=2),
            now - timedelta(hours=1),
            "safeguarding",
            "Reported incident at the gate",
            now=now,
        )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["head@school.example"], f"Watchkeeper: Footage request {auth.pk} needs you")
    ]


def test_the_choices_page_saves_ones_own_choice(client, school) -> None:
    head = person(R.HEADTEACHER, school, email="head@school.example")
    page = sign_in(client, head).get(reverse("notices:choices"))
    assert page.status_code == 200 and "always sent" in page.content.decode()
    response = client.post(reverse("notices:choices"), {"wanted": [kinds.SAR]})
    assert response.status_code == 302
    switched_off = set(OptOut.objects.filter(user=head).values_list("kind", flat=True))
    assert switched_off == set(kinds.KINDS) - {kinds.SAR}
    assert client.get(reverse("site:inbox")).status_code == 200


def test_the_inbox_page_and_the_count_in_the_top_bar(client, school) -> None:
    head = person(R.HEADTEACHER, school)
    viewing_request(school, person(R.FOOTAGE_REVIEWER, school), requested_at=NOW - timedelta(days=30))
    page = sign_in(client, head).get(reverse("site:inbox")).content.decode()
    assert 'id="inbox-count">1<' in page and "Overdue" in page and "inbox-link overdue" in page
    dashboard = client.get(reverse("site:dashboard")).content.decode()
    assert "Waiting on you" in dashboard and "to view footage" in dashboard
    nobody = person(R.FOOTAGE_REVIEWER, school)
    assert "Nothing waits on you" in sign_in(client, nobody).get(reverse("site:inbox")).content.decode()


@pytest.mark.clause("11.3")
def test_a_police_request_tells_the_headteacher(school, django_capture_on_commit_callbacks) -> None:
    from django.utils import timezone

    from watchkeeper.disclosures.services import log_police_request

    person(R.HEADTEACHER, school, email="head@school.example")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        req = log_police_request(
            person(R.CCTV_ADMIN, school, email="admin@school.example"),
            school=school,
            officer_name="PC Jones",
            collar_number="1234",
            force="Northshire Police",
            crime_reference="CR/1",
            cameras=[
                recorded(
                    CameraFactory(school=school, status=CameraStatus.ACTIVE), now - timedelta(minutes=90)
                )
            ],
            start=now - timedelta(hours=2),
            end=now - timedelta(hours=1),
            sought="The car park",
            reason="Investigating a theft",
            purpose="4.1.4",
            received_on=timezone.localdate(now),
            now=now,
        )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["head@school.example"], f"Watchkeeper: Disclosure request {req.pk} needs you")
    ]
    assert "PC Jones" not in mail.outbox[0].body and "CR/1" not in mail.outbox[0].body


@pytest.mark.clause("10.1")
def test_a_subject_access_request_received_tells_the_schools_handlers(
    school, other_school, django_capture_on_commit_callbacks
) -> None:
    head = person(R.HEADTEACHER, school, email="head@school.example")
    person(R.SAR_HANDLER, school, email="sar@school.example")
    person(R.SAR_HANDLER, other_school, email="sar@other.example")
    person(R.FOOTAGE_REVIEWER, school, email="reviewer@school.example")
    with django_capture_on_commit_callbacks(execute=True):
        case = log_case(
            head,
            school=school,
            received_on=NOW.date(),
            requester_name="A Parent",
            requester_contact="1 High Street",
            description="Red coat",
            cameras=[CameraFactory(school=school)],
            window_start=NOW - timedelta(days=3),
            window_end=NOW - timedelta(days=3) + timedelta(hours=1),
            today=NOW.date(),
        )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["sar@school.example"], f"Watchkeeper: {case.reference} needs you")
    ]
    assert "A Parent" not in mail.outbox[0].body


def test_the_demo_says_where_its_e_mails_go_and_makes_the_folder(settings, tmp_path: Path, capsys) -> None:
    from django.core.management import call_command

    settings.DATA_DIR = tmp_path
    settings.WATCHKEEPER_SMTP_HOST = ""
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    call_command("demo")
    assert f"E-mail notices (written as files, reference and link only): {tmp_path / 'mail'}" in (
        capsys.readouterr().out
    )
    assert (tmp_path / "mail").is_dir()


@pytest.mark.clause("9.5", "Appendix I")
def test_a_download_request_tells_the_headteacher(school, django_capture_on_commit_callbacks) -> None:
    from django.utils import timezone

    from watchkeeper.evidence.services import request_download

    person(R.HEADTEACHER, school, email="head@school.example")
    asker = person(R.CCTV_ADMIN, school, email="admin@school.example")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        req = request_download(
            asker,
            school=school,
            cameras=[
                recorded(
                    CameraFactory(school=school, status=CameraStatus.ACTIVE), now - timedelta(minutes=90)
                )
            ],
            start=now - timedelta(hours=2),
            end=now - timedelta(hours=1),
            purpose="internal",
            reason_category="safeguarding",
            reason="For the safeguarding file",
            requestor_user=asker,
            now=now,
        )
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["head@school.example"], f"Watchkeeper: Download request {req.pk} needs you")
    ]


@pytest.mark.parametrize("kind", ["breach.reported", "breach.draft", "complaints.recorded"])
def test_a_statutory_notice_says_what_waits_in_plain_words(kind: str) -> None:
    """Found on the walk: the DPO's breach and complaint notices said only "Anything else that waits on
    you"."""
    words = kinds.label(kind)
    assert words != kinds.KINDS[kinds.OTHER]
    assert kind not in kinds.KINDS  # always sent: not a choice on the preferences page
    assert kinds.label("some.new.kind") == kinds.KINDS[kinds.OTHER]
