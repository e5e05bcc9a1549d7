"""One way to refuse (design/architecture.md, "Refusals"): the structure, its notation, and that every
refusal written in the sources cites its clause."""

from __future__ import annotations

import pytest

from tests.core.refusal_sources import refusals_in_sources
from tests.factories import person
from watchkeeper.core.action_words import ACTION_WORDS, not_permitted
from watchkeeper.core.errors import PolicyRefusal, Refusal, refuse
from watchkeeper.core.permissions import ACTIONS
from watchkeeper.core.templatetags.refusals import refusal as shown
from watchkeeper.people.models import Role


@pytest.mark.parametrize(
    ("text", "clause", "reason", "next_step"),
    [
        ("9.5: say why the download is refused", "9.5", "say why the download is refused", ""),
        (
            "9.2: nobody may authorise their own request — another Headteacher must decide it",
            "9.2",
            "nobody may authorise their own request",
            "another Headteacher must decide it",
        ),
        (
            "11.3, 10.2: this request has been decided already",
            "11.3, 10.2",
            "this request has been decided already",
            "",
        ),
        (
            "3.2/8.1: roles are granted by the Headteacher",
            "3.2/8.1",
            "roles are granted by the Headteacher",
            "",
        ),
        (
            "10.4.3 (DPA 2018 Sch 2 Part 3 para 16): weigh and record: capacity",
            "10.4.3 (DPA 2018 Sch 2 Part 3 para 16)",
            "weigh and record: capacity",
            "",
        ),
        ("UK GDPR Art 12(5): record why", "UK GDPR Art 12(5)", "record why", ""),
        ("Appendix I: name the requestor", "Appendix I", "name the requestor", ""),
        ("no clause: here", "", "no clause: here", ""),
    ],
)
def test_the_notation_parses_into_clause_reason_and_next_step(text, clause, reason, next_step) -> None:
    parsed = Refusal.parse(text)
    assert (parsed.clause, parsed.reason, parsed.next_step) == (clause, reason, next_step)
    assert str(parsed) == text  # the notation round-trips: tests and audit reasons keep reading it


def test_a_policy_refusal_holds_refusals_and_keeps_the_notation() -> None:
    refusal = PolicyRefusal(
        ["7.1: no approved DPIA covers Gate", Refusal("6.1", "no sign", "check the sign")]
    )
    assert [r.clause for r in refusal.refusals] == ["7.1", "6.1"]
    assert refusal.problems == ["7.1: no approved DPIA covers Gate", "6.1: no sign — check the sign"]
    assert str(refusal) == "7.1: no approved DPIA covers Gate; 6.1: no sign — check the sign"
    assert refuse("9.5", "too late").problems == ["9.5: too late"]
    assert PolicyRefusal("9.6: held").refusals == [Refusal("9.6", "held")]


def test_people_read_plain_words_first_and_the_clause_after() -> None:
    html = shown("9.2: nobody may authorise their own request — another Headteacher must decide it")
    assert html == (
        '<span class="reason">Nobody may authorise their own request. Another Headteacher must decide it.'
        '</span> <small class="clause">(policy 9.2)</small>'
    )
    assert '<small class="clause">(UK GDPR Art 12(5))</small>' in shown("UK GDPR Art 12(5): record why")
    assert "&lt;b&gt;" in shown("9.5: <b>not markup</b>")
    # A reason that ends in a parenthesis is still a sentence: its full stop comes before the next step.
    assert "(09:00 to 10:00 UK time). For footage outside it, ask." in shown(
        "9.2: the window must lie within the window (09:00 to 10:00 UK time) — for footage outside it, ask"
    )


def test_every_refusal_written_in_the_sources_cites_its_clause() -> None:
    """29 refusals had no clause before issue 12; a new one without a clause fails here."""
    found = list(refusals_in_sources())
    assert len(found) > 150  # the scan still finds the refusals
    missing = [f"{w.where}: {w.text!r}" for w in found if not Refusal.parse(w.text + " …").clause]
    assert missing == []


def test_every_permission_action_has_plain_words_and_refusals_name_no_code():
    """Issue 15 §5: "Your roles do not allow you to read the CCTV log.", not "(evidence.log)"."""
    assert set(ACTIONS) <= set(ACTION_WORDS)
    assert not_permitted("evidence.log") == "Your roles do not allow you to read the CCTV log."
    assert "." not in not_permitted("audit.view", "jobs.view").rstrip(".")


@pytest.mark.django_db
def test_a_refused_page_says_what_the_person_may_not_do_in_words(client, school, signed_in):
    signed_in(person(Role.LIVE_VIEWER, school))
    answer = client.get("/evidence/log/")
    page = answer.content.decode()
    assert answer.status_code == 403 and "read the CCTV log" in page and "evidence.log" not in page
