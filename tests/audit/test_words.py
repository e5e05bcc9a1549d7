"""Audit events in words (issue 15 §5): one mapping, used by every timeline and the audit log."""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import person
from watchkeeper.audit.models import AuditEvent
from watchkeeper.audit.services import record
from watchkeeper.audit.words import EVENT_WORDS, SUBJECTS, event_words, sentence
from watchkeeper.people.models import Role

SRC = Path(__file__).resolve().parents[2] / "src" / "watchkeeper"


def test_a_known_event_reads_as_a_sentence_with_who_did_it():
    event = AuditEvent(action="viewing.approved", actor_name="hhead")
    assert sentence(event) == "Footage request approved by hhead"
    assert sentence(AuditEvent(action="evidence.package_built", actor_name="system")) == (
        "Sealed package built by the system"
    )


def test_an_unlisted_event_still_reads_as_words_not_a_code():
    assert event_words("subjectaccess.something_new") == "Subject access request: something new"
    assert event_words("unknownapp.did_it") == "Unknownapp: did it"


def test_every_audit_action_named_in_the_code_has_words_of_its_own():
    """Any "app.verb" literal the services record reads in words; permission actions are not events."""
    from watchkeeper.core.permissions import ACTIONS

    literals = set()
    for path in SRC.rglob("*.py"):
        if "migrations" not in path.parts:
            literals |= set(re.findall(r'"((?:' + "|".join(SUBJECTS) + r')\.[a-z_]+)"', path.read_text()))
    names_only = {"disclosures.flags", "subjectaccess.flags", "evidence.copies", "health.alerts"}
    # E-mail notice kinds (notices/kinds.py), not audit actions:
    names_only |= {
        "evidence.requested",
        "disclosures.logged",
        "subjectaccess.received",
        "complaints.recorded",
    }
    names_only |= {"breaches.clock", "complaints.register", "health.overdue"}  # dashboard panels (registry)
    names_only |= {"compliance.pdf"}  # a URL name
    names_only |= {"disclosures.foi"}  # an inbox item's key (notices/deciding.py)
    unlisted = {a for a in literals - set(ACTIONS) - names_only if not a.endswith(tuple(_MODEL_NAMES))}
    assert unlisted <= set(EVENT_WORDS), sorted(unlisted - set(EVENT_WORDS))


_MODEL_NAMES = ("request", "camera", "clip", "segment", "attestation", "summary", "rerouted", "authorisation")


@pytest.mark.django_db
def test_the_audit_log_shows_what_happened_in_words_and_uk_dates(client, school, signed_in):
    head = person(Role.HEADTEACHER, school)
    head.first_name, head.last_name = "Helen", "Head"
    head.save()
    record("viewing.approved", actor=head, school=school)
    signed_in(head)
    page = client.get("/audit/").content.decode()
    assert "Footage request approved by Helen Head" in page
    assert timezone.localtime().strftime("%d/%m/%Y") in page
