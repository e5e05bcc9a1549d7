"""Reading refusals off a page as a person sees them (design/architecture.md, "Refusals"): the plain words
first, the clause after. Tests name the refusal in the services' notation, "CLAUSE: reason — next step",
and may give only the start of the reason."""

from __future__ import annotations

import html
import re
from typing import Any

from watchkeeper.core.errors import Refusal
from watchkeeper.core.templatetags.refusals import clause_label

_ITEM = re.compile(
    r'<span class="reason">(?P<plain>.*?)</span>(?:\s*<small class="clause">\((?P<clause>.*?)\)</small>)?',
    re.S,
)


def refusals_on(response: Any) -> list[tuple[str, str]]:
    """(clause as shown, plain words) for every refusal on the page, in order."""
    page = response.content.decode()
    return [
        (html.unescape(m["clause"] or ""), html.unescape(" ".join(m["plain"].split())))
        for m in _ITEM.finditer(page)
    ]


def shows_refusal(response: Any, expected: str) -> bool:
    """Does the page show `expected` ("5.4: cameras may not be sited in a toilet"): its clause after it, and
    its reason (or the start of it) in plain words first?"""
    want = Refusal.parse(expected)
    words = want.reason[:1].upper() + want.reason[1:]
    label = clause_label(want.clause) if want.clause else ""
    return any(clause == label and words in plain for clause, plain in refusals_on(response))


def refusal_text(response: Any) -> str:
    """Everything the page's refusals say, as one line (for assertions on words alone)."""
    return " | ".join(f"{plain} ({clause})" for clause, plain in refusals_on(response))
