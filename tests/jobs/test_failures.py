"""A failed job in plain words (issue 15 §2): what went wrong and what to do next, the clause after a
refusal, never an exception's class name; and whether trying again would fail the same way. Pure."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError

from watchkeeper.core.errors import PolicyRefusal
from watchkeeper.jobs.failures import DATABASE, DISK, UNEXPECTED, UNREADABLE, explain
from watchkeeper.storage.keys import Unreadable
from watchkeeper.viewing.footage import FootageUnreadable


def wrapped(error: BaseException, outer: type[BaseException] = FootageUnreadable) -> BaseException:
    """`error` as a job meets it: raised from inside another (a redaction job wraps the footage error)."""
    try:
        try:
            raise error
        except BaseException as inner:
            raise outer("the job could not finish") from inner
    except BaseException as outer_error:
        return outer_error


@pytest.mark.clause("9.5")
def test_a_refusal_says_the_reason_and_clause_and_that_it_would_repeat() -> None:
    failure = explain(
        PolicyRefusal("9.5: there is no recorded footage of those cameras in that window — choose another")
    )
    assert failure.text.startswith("There is no recorded footage of those cameras in that window. Choose")
    assert "(policy 9.5)" in failure.text and "refused the same way" in failure.text
    assert "PolicyRefusal" not in failure.text and failure.repeats
    assert explain(PermissionDenied("9.5: this request has no recorded authorisation")).repeats
    # A refusal wrapped by the job (a redaction job re-raises it) is still told as the refusal.
    assert explain(wrapped(PolicyRefusal("9.6: held"), RuntimeError)).text.startswith("Held. (policy 9.6)")


@pytest.mark.clause("13.1", "9.3")
def test_our_own_errors_are_told_in_their_own_words_with_their_clause() -> None:
    erased = FootageUnreadable("13.1: segment 7 has been erased since the redaction began")
    failure = explain(wrapped(erased, RuntimeError))
    assert failure.text.startswith("Segment 7 has been erased since the redaction began. (policy 13.1)")
    assert failure.repeats and "FootageUnreadable" not in failure.text


@pytest.mark.parametrize(
    ("error", "said", "repeats"),
    [
        (OperationalError("server closed the connection"), DATABASE, False),
        (wrapped(FileNotFoundError(2, "No such file"), RuntimeError), UNREADABLE, True),
        (Unreadable("wrong key"), UNREADABLE, True),
        (OSError(28, "No space left on device"), DISK, False),
        (RuntimeError("disk went away"), UNEXPECTED, False),
    ],
)
def test_other_failures_say_what_to_do_next_without_class_names(error, said, repeats) -> None:
    failure = explain(error)
    assert (failure.text, failure.repeats) == (said, repeats)
    assert type(error).__name__ not in failure.text and "Error" not in failure.text
