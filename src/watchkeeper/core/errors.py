"""How the software says no (design/architecture.md, "Refusals").

Every service refuses the same way: a `PolicyRefusal` carrying one or more `Refusal`s, each with the
clause it rests on, the reason in plain words and, where it helps, the next step. Services write a refusal
in one notation, "CLAUSE: reason — next step" (e.g. "9.2: nobody may authorise their own request to view
footage — another Headteacher or designated person must decide it"), or build a `Refusal` directly; either
way pages show the plain words first and the clause after, while tests and the audit log keep the clause.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError

# What may stand before the first ": " of a refusal as its clause: a policy clause ("9.5", "10.4.3",
# "11.3, 10.2", "3.2/8.1", "Appendix I"), possibly with the law beside it ("10.4.3 (DPA 2018 Sch 2 Part 3
# para 16)"), or the law alone ("UK GDPR Art 12(5)", "DPA 2018 s164A", "FOIA s10").
_CLAUSE = re.compile(
    r"^(?P<clause>(?:\d+(?:\.\d+)*|Appendix [IVX]+|UK GDPR|GDPR|DPA 2018|FOIA|Data \(Use and Access\) Act)"
    r"[^:]{0,60}?):\s+(?P<rest>.+)$",
    re.DOTALL,
)
_NEXT_STEP = " — "


@dataclass(frozen=True)
class Refusal:
    """One reason the policy or the law refuses what was asked."""

    clause: str
    reason: str
    next_step: str = ""

    @classmethod
    def parse(cls, text: str) -> Refusal:
        """A refusal written as "CLAUSE: reason — next step". Text with no clause keeps clause "" (a
        test over the sources keeps every refusal citing one: tests/core/test_refusals.py)."""
        text = text.strip()
        match = _CLAUSE.match(text)
        clause, rest = (match["clause"].strip(), match["rest"]) if match else ("", text)
        reason, _, next_step = rest.partition(_NEXT_STEP)
        return cls(clause, reason.strip(), next_step.strip())

    def __str__(self) -> str:
        """The notation services write and tests and the audit log read: clause first."""
        text = f"{self.clause}: {self.reason}" if self.clause else self.reason
        return f"{text}{_NEXT_STEP}{self.next_step}" if self.next_step else text

    @property
    def plain(self) -> str:
        """The reason and the next step as sentences, for people: no clause."""
        return " ".join(_sentence(part) for part in (self.reason, self.next_step) if part)


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    # A sentence may end in a parenthesis: "… (01/07/2026 09:00 to 10:00 UK time)" still needs its full stop.
    return text if text.endswith((".", "?", "!", ".)", "?)", "!)")) else f"{text}."


class PolicyRefusal(Exception):
    """The policy forbids what was asked: one or more refusals, each naming its clause."""

    def __init__(self, problems: Refusal | str | Iterable[Refusal | str]):
        items = [problems] if isinstance(problems, Refusal | str) else list(problems)
        self.refusals = [item if isinstance(item, Refusal) else Refusal.parse(item) for item in items]
        super().__init__("; ".join(self.problems))

    @property
    def problems(self) -> list[str]:
        """Each refusal in its "CLAUSE: reason — next step" notation (tests, audit reasons)."""
        return [str(refusal) for refusal in self.refusals]


def refuse_if(problems: Iterable[Refusal | str]) -> None:
    """`refuse_if(x_problems(...))`, before a service changes anything: refused with every problem its
    checks found, if they found any."""
    found = list(problems)
    if found:
        raise PolicyRefusal(found)


def refuse(clause: str, reason: str, next_step: str = "") -> PolicyRefusal:
    """`raise refuse("9.5", "…", "…")`: one refusal built from its parts."""
    return PolicyRefusal(Refusal(clause, reason, next_step))


# The database cannot be reached just now (PostgreSQL restarting or its session killed; SQLite locked by
# another writer past the busy timeout). Long-running processes wait for it rather than fail for good; a
# web request gets a "try again shortly" page (issue 11 §7).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
